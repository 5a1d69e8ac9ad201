/* The error type: creation, wrapping and the allocation wrappers. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static char *vformat (const char *fmt, va_list ap) __attribute__ ((format (printf, 1, 0)));

static char *
vformat (const char *fmt, va_list ap)
{
  char *s;
  if (vasprintf (&s, fmt, ap) < 0)
    {
      fputs ("husk: out of memory\n", stderr);
      abort ();
    }
  return s;
}

static int
error_new (struct husk_error **err, int errno_, char *msg)
{
  if (err == NULL)
    {
      free (msg);
      return -1;
    }
  husk_error_free (*err);
  *err = xmalloc (sizeof **err);
  (*err)->errno_ = errno_;
  (*err)->msg = msg;
  return -1;
}

int
husk_error_set (struct husk_error **err, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *msg = vformat (fmt, ap);
  va_end (ap);
  return error_new (err, 0, msg);
}

int
husk_error_sys (struct husk_error **err, int errno_, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *what = vformat (fmt, ap);
  va_end (ap);
  /* "what: permission denied": strerror's text, lower-cased at the start
     to read as the second half of one sentence. */
  char reason[128];
  snprintf (reason, sizeof reason, "%s", strerror (errno_));
  if (reason[0] >= 'A' && reason[0] <= 'Z' && !(reason[1] >= 'A' && reason[1] <= 'Z'))
    reason[0] = (char) (reason[0] - 'A' + 'a');
  char *msg = xasprintf ("%s: %s", what, reason);
  free (what);
  return error_new (err, errno_, msg);
}

int
husk_error_wrap (struct husk_error **err, const char *fmt, ...)
{
  if (err == NULL || *err == NULL)
    return -1;
  va_list ap;
  va_start (ap, fmt);
  char *ctx = vformat (fmt, ap);
  va_end (ap);
  char *msg = xasprintf ("%s: %s", ctx, (*err)->msg);
  free (ctx);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void
husk_error_free (struct husk_error *err)
{
  if (err == NULL)
    return;
  free (err->msg);
  free (err);
}

static void *
oom (void *p)
{
  if (p == NULL)
    {
      fputs ("husk: out of memory\n", stderr);
      abort ();
    }
  return p;
}

void *xmalloc (size_t n) { return oom (malloc (n ? n : 1)); }
void *xcalloc (size_t n, size_t m) { return oom (calloc (n ? n : 1, m ? m : 1)); }
void *xrealloc (void *p, size_t n) { return oom (realloc (p, n ? n : 1)); }
char *xstrdup (const char *s) { return s ? oom (strdup (s)) : NULL; }

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = vformat (fmt, ap);
  va_end (ap);
  return s;
}
