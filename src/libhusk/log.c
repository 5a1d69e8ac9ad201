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

static void
format_time (char *buf, size_t len)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  char base[32];
  strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, len, "%s.%09ldZ", base, ts.tv_nsec);
}

/* One log line in the file's format.  JSON strings are escaped by yajl. */
static void
write_log_line (enum log_level level, const char *msg)
{
  char when[64];
  format_time (when, sizeof when);
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
  if (level <= LOG_LEVEL_WARNING || log_fd < 0)
    fprintf (stderr, "husk: %s%s\n", level == LOG_LEVEL_WARNING ? "warning: " : "", msg);
  free (msg);
  errno = saved;
}
