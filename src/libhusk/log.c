/* Diagnostics: stderr for people, the --log file (text or runc's JSON
   lines) for engines; conmon and containerd show the last error line. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "error.h"
#include "log.h"

static int log_fd = -1;
static enum log_format log_fmt = LOG_FORMAT_TEXT;
static bool log_debug_on;

static const char *const level_names[] = {
  [LOG_LEVEL_ERROR] = "error",
  [LOG_LEVEL_WARNING] = "warning",
  [LOG_LEVEL_INFO] = "info",
  [LOG_LEVEL_DEBUG] = "debug",
};

int
log_format_parse (const char *s, enum log_format *out)
{
  if (strcmp (s, "text") == 0)
    *out = LOG_FORMAT_TEXT;
  else if (strcmp (s, "json") == 0)
    *out = LOG_FORMAT_JSON;
  else
    return -1;
  return 0;
}

int
log_init (const char *path, enum log_format format, bool debug, struct husk_error **err)
{
  log_fmt = format;
  log_debug_on = debug;
  if (path == NULL || *path == '\0')
    return 0;
  int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return husk_error_sys (err, errno, "open log file \"%s\"", path);
  log_fd = fd;
  return 0;
}

/* The civil date of a day count since 1970-01-01 (the proleptic
   Gregorian calendar, in 400-year eras of 146097 days). */
static void
civil_from_days (long long z, int *y, int *m, int *d)
{
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = (int) (yoe + era * 400 + (*m <= 2));
}

void
log_time_now (bool trim, char *buf, size_t len)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  log_format_utc (&ts, trim, buf, len);
}

void
log_format_utc (const struct timespec *t, bool trim, char *buf, size_t len)
{
  struct timespec ts = *t;
  long long secs = ts.tv_sec, days = secs / 86400, rem = secs % 86400;
  if (rem < 0)
    {
      rem += 86400;
      days--;
    }
  int y, m, d;
  civil_from_days (days, &y, &m, &d);
  char frac[16] = "";
  if (!trim || ts.tv_nsec > 0)
    {
      int n = snprintf (frac, sizeof frac, ".%09ld", ts.tv_nsec);
      while (trim && frac[n - 1] == '0')
        frac[--n] = '\0';
    }
  snprintf (buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", y, m, d, (int) (rem / 3600), (int) (rem / 60 % 60),
            (int) (rem % 60), frac);
}

/* One log line in the file's format.  JSON strings are escaped by yajl. */
static void
write_log_line (enum log_level level, const char *msg)
{
  char when[64];
  log_time_now (false, when, sizeof when);
  if (log_fmt == LOG_FORMAT_JSON)
    {
      yajl_gen g = yajl_gen_alloc (NULL);
      if (g == NULL)
        return;
      yajl_gen_map_open (g);
      yajl_gen_string (g, (const unsigned char *) "level", 5);
      yajl_gen_string (g, (const unsigned char *) level_names[level], strlen (level_names[level]));
      yajl_gen_string (g, (const unsigned char *) "msg", 3);
      yajl_gen_string (g, (const unsigned char *) msg, strlen (msg));
      yajl_gen_string (g, (const unsigned char *) "time", 4);
      yajl_gen_string (g, (const unsigned char *) when, strlen (when));
      yajl_gen_map_close (g);
      const unsigned char *buf;
      size_t len;
      yajl_gen_get_buf (g, &buf, &len);
      dprintf (log_fd, "%.*s\n", (int) len, buf);
      yajl_gen_free (g);
    }
  else
    {
      /* logrus's text format: msg quoted, with \" \\ and control
         characters escaped, so one entry stays one line. */
      FILE *f = fdopen (dup (log_fd), "a");
      if (f == NULL)
        return;
      fprintf (f, "time=\"%s\" level=%s msg=\"", when, level_names[level]);
      for (const unsigned char *p = (const unsigned char *) msg; *p; p++)
        {
          if (*p == '"' || *p == '\\')
            fprintf (f, "\\%c", *p);
          else if (*p == '\n')
            fputs ("\\n", f);
          else if (*p < 0x20 || *p == 0x7f)
            fprintf (f, "\\x%02x", *p);
          else
            fputc (*p, f);
        }
      fputs ("\"\n", f);
      fclose (f);
    }
}

void
log_msg (enum log_level level, const char *fmt, ...)
{
  if (level == LOG_LEVEL_DEBUG && !log_debug_on)
    return;
  va_list ap;
  va_start (ap, fmt);
  char *msg = NULL;
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  if (msg == NULL)
    return;
  int saved = errno;
  if (log_fd >= 0)
    write_log_line (level, msg);
  /* As runc: an error goes to stderr too, where engines and people look
     for the reason of a failure; a warning only to the log that was given,
     as logrus writes it (an engine passes --log and keeps husk's stderr as
     the container's output). */
  if (level == LOG_LEVEL_ERROR || log_fd < 0)
    fprintf (stderr, "husk: %s%s\n", level == LOG_LEVEL_WARNING ? "warning: " : "", msg);
  free (msg);
  errno = saved;
}
