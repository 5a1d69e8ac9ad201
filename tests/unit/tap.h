/* The TAP output every unit test program prints: "ok N - name",
   "not ok N - name", "ok N - name # SKIP why", "# diagnostic" lines, and
   the plan.  The plan normally comes last ("1..N" from tap_done), so a
   program need not count its tests in advance; a program that does know
   its count may print it first with tap_plan, and tap_done then fails the
   run when the count ran differs.  Every line is flushed at once, so a
   test that forks never has its buffered lines printed twice.  Header
   only: each test is one program, and unused helpers cost nothing. */
#ifndef HUSK_TESTS_UNIT_TAP_H
#define HUSK_TESTS_UNIT_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define TAP_UNUSED __attribute__ ((unused))
#define TAP_PRINTF(f, a) __attribute__ ((format (printf, f, a)))

static int tap_count;
static int tap_failed;
static int tap_planned = -1;

/* One test: "ok N - <name>" or "not ok N - <name>".  Returns PASS so a
   caller can add diagnostics on failure. */
static TAP_UNUSED TAP_PRINTF (2, 3) bool
tap_ok (bool pass, const char *fmt, ...)
{
  va_list ap;
  printf ("%s %d - ", pass ? "ok" : "not ok", ++tap_count);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  fflush (stdout);
  if (!pass)
    tap_failed++;
  return pass;
}

/* A test this host cannot run: counted, passed, and marked why. */
static TAP_UNUSED TAP_PRINTF (2, 3) void
tap_skip (const char *why, const char *fmt, ...)
{
  va_list ap;
  printf ("ok %d - ", ++tap_count);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  printf (" # SKIP %s\n", why);
  fflush (stdout);
}

/* A "# ..." line (one; FMT carries no newline). */
static TAP_UNUSED TAP_PRINTF (1, 2) void
tap_diag (const char *fmt, ...)
{
  va_list ap;
  fputs ("# ", stdout);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
  fflush (stdout);
}

/* The plan first, for a program whose count is fixed. */
static TAP_UNUSED void
tap_plan (int n)
{
  tap_planned = n;
  printf ("1..%d\n", n);
  fflush (stdout);
}

/* The end: the plan (unless printed first) and the exit status, non-zero
   when a test failed or the count differs from a plan printed first. */
static TAP_UNUSED int
tap_done (void)
{
  if (tap_planned < 0)
    printf ("1..%d\n", tap_count);
  else if (tap_planned != tap_count)
    {
      printf ("# planned %d tests, ran %d\n", tap_planned, tap_count);
      tap_failed++;
    }
  fflush (stdout);
  return tap_failed ? 1 : 0;
}

#endif
