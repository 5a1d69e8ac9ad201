/* --trace: per-phase timings (trace.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "trace.h"

bool trace_on;

#define TRACE_MAX 96

/* A mark starts a phase of its side; name NULL marks the side's end. */
struct mark
{
  const char *side;
  const char *name;
  uint64_t ns;
  bool owned;                      /* name is malloc'd (trace_merge) */
};

static struct
{
  const char *command;
  bool table, reported;
  int json_fd;
  size_t n;
  struct mark m[TRACE_MAX];
} T = { .json_fd = -1 };

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

int
trace_init (const char *command, bool table, const char *json_path, struct husk_error **err)
{
  if (json_path && *json_path)
    {
      T.json_fd = open (json_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
      if (T.json_fd < 0)
        return husk_error_sys (err, errno, "HUSK_TRACE \"%s\"", json_path);
    }
  T.command = command;
  T.table = table;
  trace_on = table || T.json_fd >= 0;
  return 0;
}

static void
add (const char *side, const char *name, uint64_t ns, bool owned)
{
  if (T.n == TRACE_MAX)
    {
      if (owned)
        free ((char *) name);
      return;
    }
  T.m[T.n++] = (struct mark){ side, name, ns, owned };
}

void
trace_phase_slow (const char *side, const char *name)
{
  add (side, name, now_ns (), false);
}

void
trace_rename (const char *name)
{
  for (size_t i = T.n; trace_on && i-- > 0;)
    if (strcmp (T.m[i].side, "husk") == 0)
      {
        if (T.m[i].name && !T.m[i].owned)
          T.m[i].name = name;
        return;
      }
}

void
trace_child_reset (void)
{
  T.n = 0;
}

char *
trace_child_text (const char *side)
{
  if (!trace_on)
    return NULL;
  size_t cap = 64 + strlen (side), len = 0;
  for (size_t i = 0; i < T.n; i++)
    cap += strlen (T.m[i].name) + 24;
  char *text = xmalloc (cap);
  len += (size_t) snprintf (text, cap, "@%s\n", side);
  for (size_t i = 0; i < T.n; i++)
    len += (size_t) snprintf (text + len, cap - len, "%" PRIu64 " %s\n", T.m[i].ns, T.m[i].name);
  snprintf (text + len, cap - len, "%" PRIu64, now_ns ());
  return text;
}

/* A phase name from the child: husk's own words, but checked, so that
   the JSON lines need no escaping. */
static bool
name_ok (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')
          || strchr (" ()_-,", s[i])))
      return false;
  return n > 0;
}

/* The sides a child may name: static strings for the marks. */
static const char *const child_sides[] = { "init", "join", "proc" };

void
trace_merge (const char *text)
{
  if (!trace_on || text == NULL || text[0] != '@')
    return;
  const char *side = NULL, *p = strchr (text, '\n');
  for (size_t i = 0; p && i < sizeof child_sides / sizeof child_sides[0]; i++)
    if ((size_t) (p - text - 1) == strlen (child_sides[i]) && strncmp (text + 1, child_sides[i], p - text - 1) == 0)
      side = child_sides[i];
  if (side == NULL)
    return;
  p++;
  while (*p)
    {
      char *end = NULL;
      errno = 0;
      unsigned long long ns = strtoull (p, &end, 10);
      if (errno || end == p)
        return;
      if (*end == '\0')
        {
          add (side, NULL, ns, false);
          return;
        }
      if (*end != ' ')
        return;
      const char *name = end + 1;
      const char *nl = strchr (name, '\n');
      if (nl == NULL || !name_ok (name, (size_t) (nl - name)))
        return;
      add (side, xasprintf ("%.*s", (int) (nl - name), name), ns, true);
      p = nl + 1;
    }
}

void
trace_end (void)
{
  if (trace_on)
    add ("husk", NULL, now_ns (), false);
}

static int
by_time (const void *a, const void *b)
{
  const struct mark *x = a, *y = b;
  return x->ns < y->ns ? -1 : x->ns > y->ns;
}

/* The end of mark i: the next mark of its side. */
static uint64_t
end_of (size_t i)
{
  for (size_t j = i + 1; j < T.n; j++)
    if (strcmp (T.m[j].side, T.m[i].side) == 0)
      return T.m[j].ns;
  return T.m[i].ns;
}

void
trace_report (void)
{
  if (!trace_on || T.reported || T.n == 0)
    return;
  T.reported = true;
  if (T.m[T.n - 1].name != NULL || strcmp (T.m[T.n - 1].side, "husk") != 0)
    trace_end ();
  /* Stable for equal times: a side's end mark stays after its phase. */
  qsort (T.m, T.n, sizeof T.m[0], by_time);
  uint64_t t0 = T.m[0].ns, total = 0;
  for (size_t i = 0; i < T.n; i++)
    if (strcmp (T.m[i].side, "husk") == 0 && T.m[i].ns - t0 > total)
      total = T.m[i].ns - t0;

  size_t cap = 256 + T.n * 160, len = 0, jcap = 256 + T.n * 200, jlen = 0;
  _cleanup_free_ char *out = xmalloc (cap);
  _cleanup_free_ char *json = xmalloc (jcap);
  len += (size_t) snprintf (out + len, cap - len, "husk trace: %s\n%10s %10s  %-5s %s\n", T.command,
                            "start ms", "ms", "side", "phase");
  for (size_t i = 0; i < T.n; i++)
    {
      const struct mark *m = &T.m[i];
      if (m->name == NULL)
        continue;
      uint64_t start = m->ns - t0, d = end_of (i) - m->ns;
      len += (size_t) snprintf (out + len, cap - len, "%10.3f %10.3f  %-5s %s\n", start / 1e6, d / 1e6,
                                m->side, m->name);
      jlen += (size_t) snprintf (json + jlen, jcap - jlen,
                                 "{\"command\":\"%s\",\"side\":\"%s\",\"phase\":\"%s\",\"start_ns\":%" PRIu64
                                 ",\"ns\":%" PRIu64 "}\n",
                                 T.command, m->side, m->name, start, d);
    }
  len += (size_t) snprintf (out + len, cap - len, "%10s %10.3f  %-5s %s\n", "", total / 1e6, "", "total");
  jlen += (size_t) snprintf (json + jlen, jcap - jlen,
                             "{\"command\":\"%s\",\"phase\":\"total\",\"ns\":%" PRIu64 "}\n", T.command, total);
  if (T.table && write (STDERR_FILENO, out, len) < 0)
    {
      /* Nothing to do: the trace is advice. */
    }
  if (T.json_fd >= 0 && write (T.json_fd, json, jlen) < 0)
    {
    }
  for (size_t i = 0; i < T.n; i++)
    if (T.m[i].owned)
      free ((char *) T.m[i].name);
  T.n = 0;
}
