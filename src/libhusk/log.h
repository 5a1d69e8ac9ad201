/* --log / --log-format / --debug: where husk's diagnostics go. */
#ifndef HUSK_LOG_H
#define HUSK_LOG_H

#include <stdbool.h>

enum log_format
{
  LOG_FORMAT_TEXT,
  LOG_FORMAT_JSON,
};

enum log_level
{
  LOG_LEVEL_ERROR,
  LOG_LEVEL_WARNING,
  LOG_LEVEL_INFO,
  LOG_LEVEL_DEBUG,
};

struct husk_error;

/* path may be NULL (stderr only).  A log file is opened for appending with
   O_CLOEXEC, so it never leaks into a container. */
int log_init (const char *path, enum log_format format, bool debug, struct husk_error **err);
/* The time now in RFC 3339, UTC, with nanoseconds
   ("2026-11-25T17:40:01.123456789Z"); trim drops the fraction's trailing
   zeros (Go's RFC3339Nano, as runc's "created").  Computed here: glibc's
   gmtime and strftime read the time zone file, on every start. */
void log_time_now (bool trim, char *buf, size_t len);
/* The same for a given time. */
struct timespec;
void log_format_utc (const struct timespec *ts, bool trim, char *buf, size_t len);
int log_format_parse (const char *s, enum log_format *out);

/* Errors go to stderr ("husk: msg") and, if set, the log file; warnings,
   info and debug (debug only with --debug) go to the log file, or to
   stderr when no log file is set, as runc's logrus does. */
void log_msg (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
#define log_error(...) log_msg (LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg (LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_debug(...) log_msg (LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
