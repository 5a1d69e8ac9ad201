/* Statistics for `husk events`, in runc's JSON shape, read from whichever
   hierarchy holds each controller. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "oci_gen.h"

static long long
read_ll (const struct cgroup_dir *d, const char *file)
{
  _cleanup_free_ char *s = d ? cgroup_read (d, file) : NULL;
  if (s == NULL || strcmp (s, "max") == 0)
    return 0;
  return strtoll (s, NULL, 10);
}

/* The value of `key` in a flat "key value" file (cpu.stat, memory.stat). */
static long long
keyed (const struct cgroup_dir *d, const char *file, const char *key)
{
  _cleanup_free_ char *s = d ? cgroup_read (d, file) : NULL;
  size_t len = strlen (key);
  for (char *line = s; line && *line;)
    {
      if (strncmp (line, key, len) == 0 && line[len] == ' ')
        return strtoll (line + len + 1, NULL, 10);
      line = strchr (line, '\n');
      if (line)
        line++;
    }
  return 0;
}

static void
stats_cpu (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *cpu = cgroup_find (cg, "cpu");
  const struct cgroup_dir *acct = cgroup_find (cg, "cpuacct");
  oci_gen_str (w, "cpu");
  oci_gen_map_open (w);
  oci_gen_str (w, "usage");
  oci_gen_map_open (w);
  if (cpu && cpu->v2)
    {
      /* v2 reports microseconds; runc's fields are nanoseconds. */
      oci_gen_key_int (w, "total", keyed (cpu, "cpu.stat", "usage_usec") * 1000);
      oci_gen_key_int (w, "kernel", keyed (cpu, "cpu.stat", "system_usec") * 1000);
      oci_gen_key_int (w, "user", keyed (cpu, "cpu.stat", "user_usec") * 1000);
    }
  else if (acct)
    {
      oci_gen_key_int (w, "total", read_ll (acct, "cpuacct.usage"));
      oci_gen_str (w, "percpu");
      oci_gen_array_open (w);
      _cleanup_free_ char *per = cgroup_read (acct, "cpuacct.usage_percpu");
      for (char *s = per; s && *s;)
        {
          char *end;
          long long v = strtoll (s, &end, 10);
          if (end == s)
            break;
          oci_gen_int (w, v);
          s = end;
        }
      oci_gen_array_close (w);
      oci_gen_key_int (w, "kernel", read_ll (acct, "cpuacct.usage_sys"));
      oci_gen_key_int (w, "user", read_ll (acct, "cpuacct.usage_user"));
    }
  oci_gen_map_close (w);
  oci_gen_str (w, "throttling");
  oci_gen_map_open (w);
  oci_gen_key_int (w, "periods", keyed (cpu, "cpu.stat", "nr_periods"));
  oci_gen_key_int (w, "throttledPeriods", keyed (cpu, "cpu.stat", "nr_throttled"));
  oci_gen_key_int (w, "throttledTime",
                   cpu && cpu->v2 ? keyed (cpu, "cpu.stat", "throttled_usec") * 1000
                                  : keyed (cpu, "cpu.stat", "throttled_time"));
  oci_gen_map_close (w);
  oci_gen_map_close (w);
}

static void
memory_entry (struct oci_gen *w, const char *name, long long limit, long long usage, long long max,
              long long fail)
{
  oci_gen_str (w, name);
  oci_gen_map_open (w);
  oci_gen_key_int (w, "limit", limit);
  oci_gen_key_int (w, "usage", usage);
  oci_gen_key_int (w, "max", max);
  oci_gen_key_int (w, "failcnt", fail);
  oci_gen_map_close (w);
}

static void
stats_memory (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "memory");
  if (d == NULL)
    return;
  oci_gen_str (w, "memory");
  oci_gen_map_open (w);
  if (d->v2)
    {
      memory_entry (w, "usage", read_ll (d, "memory.max"), read_ll (d, "memory.current"),
                    read_ll (d, "memory.peak"), keyed (d, "memory.events", "max"));
      memory_entry (w, "swap", read_ll (d, "memory.swap.max"), read_ll (d, "memory.swap.current"), 0, 0);
    }
  else
    {
      memory_entry (w, "usage", read_ll (d, "memory.limit_in_bytes"), read_ll (d, "memory.usage_in_bytes"),
                    read_ll (d, "memory.max_usage_in_bytes"), read_ll (d, "memory.failcnt"));
      memory_entry (w, "swap", read_ll (d, "memory.memsw.limit_in_bytes"),
                    read_ll (d, "memory.memsw.usage_in_bytes"),
                    read_ll (d, "memory.memsw.max_usage_in_bytes"), read_ll (d, "memory.memsw.failcnt"));
    }
  oci_gen_str (w, "raw");
  oci_gen_map_open (w);
  _cleanup_free_ char *raw = cgroup_read (d, "memory.stat");
  for (char *line = raw; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      char *sp = strchr (line, ' ');
      if (sp)
        {
          *sp = '\0';
          oci_gen_key_int (w, line, strtoll (sp + 1, NULL, 10));
        }
      line = nl ? nl + 1 : NULL;
    }
  oci_gen_map_close (w);
  oci_gen_map_close (w);
}

static void
stats_pids (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "pids");
  if (d == NULL)
    return;
  oci_gen_str (w, "pids");
  oci_gen_map_open (w);
  oci_gen_key_int (w, "current", read_ll (d, "pids.current"));
  oci_gen_key_int (w, "limit", read_ll (d, "pids.max"));
  oci_gen_map_close (w);
}

static void
stats_hugetlb (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "hugetlb");
  oci_gen_str (w, "hugetlb");
  oci_gen_map_open (w);
  static const char *const sizes[] = { "64KB", "2MB", "32MB", "1GB", "16GB", NULL };
  for (size_t i = 0; d && sizes[i]; i++)
    {
      _cleanup_free_ char *usage
          = xasprintf ("hugetlb.%s.%s", sizes[i], d->v2 ? "current" : "usage_in_bytes");
      if (!cgroup_has_file (d, usage))
        continue;
      _cleanup_free_ char *max = xasprintf ("hugetlb.%s.%s", sizes[i], d->v2 ? "max" : "max_usage_in_bytes");
      _cleanup_free_ char *fail = xasprintf ("hugetlb.%s.%s", sizes[i], d->v2 ? "events" : "failcnt");
      oci_gen_str (w, sizes[i]);
      oci_gen_map_open (w);
      oci_gen_key_int (w, "usage", read_ll (d, usage));
      oci_gen_key_int (w, "max", read_ll (d, max));
      oci_gen_key_int (w, "failcnt", d->v2 ? keyed (d, fail, "max") : read_ll (d, fail));
      oci_gen_map_close (w);
    }
  oci_gen_map_close (w);
}

/* blkio's io_service_bytes ("MAJ:MIN Read N" lines) or v2's io.stat
   ("MAJ:MIN rbytes=N wbytes=N ..."). */
static void
stats_blkio (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "blkio");
  if (d == NULL)
    d = cgroup_find (cg, "io");
  oci_gen_str (w, "blkio");
  oci_gen_map_open (w);
  oci_gen_str (w, "ioServiceBytesRecursive");
  oci_gen_array_open (w);
  _cleanup_free_ char *s
      = d ? cgroup_read (d, d->v2 ? "io.stat" : "blkio.throttle.io_service_bytes_recursive") : NULL;
  for (char *line = s; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      unsigned maj, min;
      char op[32];
      long long v;
      if (!d->v2 && sscanf (line, "%u:%u %31s %lld", &maj, &min, op, &v) == 4)
        {
          oci_gen_map_open (w);
          oci_gen_key_int (w, "major", maj);
          oci_gen_key_int (w, "minor", min);
          oci_gen_key_str (w, "op", op);
          oci_gen_key_int (w, "value", v);
          oci_gen_map_close (w);
        }
      else if (d->v2 && sscanf (line, "%u:%u", &maj, &min) == 2)
        {
          static const char *const keys[][2] = { { "rbytes=", "Read" }, { "wbytes=", "Write" } };
          for (size_t k = 0; k < 2; k++)
            {
              char *p = strstr (line, keys[k][0]);
              if (p == NULL)
                continue;
              oci_gen_map_open (w);
              oci_gen_key_int (w, "major", maj);
              oci_gen_key_int (w, "minor", min);
              oci_gen_key_str (w, "op", keys[k][1]);
              oci_gen_key_int (w, "value", strtoll (p + strlen (keys[k][0]), NULL, 10));
              oci_gen_map_close (w);
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  oci_gen_array_close (w);
  oci_gen_map_close (w);
}

long long
cgroup_oom_kills (const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "memory");
  if (d == NULL)
    return 0;
  return keyed (d, d->v2 ? "memory.events" : "memory.oom_control", "oom_kill");
}

int
cgroup_stats_json (const struct cgroup *cg, char **json, struct husk_error **err)
{
  struct oci_gen w;
  if (oci_gen_init (&w, NULL) < 0)
    return husk_error_set (err, "stats: out of memory");
  oci_gen_map_open (&w);
  stats_cpu (&w, cg);
  stats_memory (&w, cg);
  stats_pids (&w, cg);
  stats_blkio (&w, cg);
  stats_hugetlb (&w, cg);
  oci_gen_map_close (&w);
  size_t len;
  char *gerr = NULL;
  if (oci_gen_finish (&w, "stats", json, &len, &gerr) < 0)
    {
      husk_error_set (err, "%s", gerr);
      free (gerr);
      return -1;
    }
  return 0;
}
