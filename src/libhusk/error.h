/* The one error type: errno plus a message, wrapped with context by callers. */
#ifndef HUSK_ERROR_H
#define HUSK_ERROR_H

#include <stdarg.h>
#include <stddef.h>

struct husk_error
{
  int errno_;   /* 0 when the failure is not a system call's */
  char *msg;    /* "what failed: why", with callers' context prefixed */
};

/* Every fallible function returns a negative value and fills *err.
   husk_error_set: a failure with no errno.  husk_error_sys: adds
   ": strerror(errno_)" to the message.  Both return -1 so that callers can
   write `return husk_error_set (err, ...)`. */
int husk_error_set (struct husk_error **err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
int husk_error_sys (struct husk_error **err, int errno_, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Prefix context: "context: previous message".  Returns -1. */
int husk_error_wrap (struct husk_error **err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

void husk_error_free (struct husk_error *err);

/* Out of memory is not recoverable in a runtime; abort with a message. */
void *xmalloc (size_t n);
void *xcalloc (size_t n, size_t m);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

#endif
