/* Statistics for `husk events`, in runc's JSON shape, read from whichever
   hierarchy holds each controller. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* runc's `omitempty`: the member only when non-zero. */
static void
key_int_nz (struct oci_gen *w, const char *key, long long v)
{
  if (v != 0)
    oci_gen_key_int (w, key, v);
}

/* "key": [ the numbers of a blank-separated line ], omitted when empty. */
static void
key_numbers_nz (struct oci_gen *w, const char *key, const char *s)
{
  bool open = false;
  while (s && *s)
    {
      char *end;
      long long v = strtoll (s, &end, 10);
      if (end == s)
        break;
      if (!open)
        {
          oci_gen_str (w, key);
          oci_gen_array_open (w);
          open = true;
        }
      oci_gen_int (w, v);
      s = end;
    }
  if (open)
    oci_gen_array_close (w);
}

/* cpuacct.usage_all ("cpu user system" and a line per cpu): one column
   of it, as a line of numbers. */
static char *
usage_all_column (const char *all, int column)
{
  size_t n = 0, cap = 64;
  char *out = xmalloc (cap);
  out[0] = '\0';
  const char *line = all ? strchr (all, '\n') : NULL;
  while (line && *++line)
    {
      long long v[3];
      if (sscanf (line, "%lld %lld %lld", &v[0], &v[1], &v[2]) != 3)
        break;
      char num[32];
      int len = snprintf (num, sizeof num, " %lld", v[column]);
      if (n + (size_t) len + 1 > cap)
        out = xrealloc (out, cap = 2 * cap + (size_t) len);
      memcpy (out + n, num, (size_t) len + 1);
      n += (size_t) len;
      line = strchr (line, '\n');
    }
  return out;
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
      key_int_nz (w, "total", keyed (cpu, "cpu.stat", "usage_usec") * 1000);
      oci_gen_key_int (w, "kernel", keyed (cpu, "cpu.stat", "system_usec") * 1000);
      oci_gen_key_int (w, "user", keyed (cpu, "cpu.stat", "user_usec") * 1000);
    }
  else
    {
      key_int_nz (w, "total", read_ll (acct, "cpuacct.usage"));
      _cleanup_free_ char *per = acct ? cgroup_read (acct, "cpuacct.usage_percpu") : NULL;
      key_numbers_nz (w, "percpu", per);
      _cleanup_free_ char *all = acct ? cgroup_read (acct, "cpuacct.usage_all") : NULL;
      _cleanup_free_ char *sys = usage_all_column (all, 2), *usr = usage_all_column (all, 1);
      key_numbers_nz (w, "percpu_kernel", sys);
      key_numbers_nz (w, "percpu_user", usr);
      /* As runc reads them: cpuacct.stat's ticks, in nanoseconds. */
      long hz = sysconf (_SC_CLK_TCK);
      long long ns = hz > 0 ? 1000000000LL / hz : 10000000LL;
      oci_gen_key_int (w, "kernel", keyed (acct, "cpuacct.stat", "system") * ns);
      oci_gen_key_int (w, "user", keyed (acct, "cpuacct.stat", "user") * ns);
    }
  oci_gen_map_close (w);
  oci_gen_str (w, "throttling");
  oci_gen_map_open (w);
  key_int_nz (w, "periods", keyed (cpu, "cpu.stat", "nr_periods"));
  key_int_nz (w, "throttledPeriods", keyed (cpu, "cpu.stat", "nr_throttled"));
  key_int_nz (w, "throttledTime", cpu && cpu->v2 ? keyed (cpu, "cpu.stat", "throttled_usec") * 1000
                                                 : keyed (cpu, "cpu.stat", "throttled_time"));
  oci_gen_map_close (w);
  oci_gen_map_close (w);
}

/* "key": [ the cpus or nodes of a list such as "0-3,8" ], omitted when
   empty. */
static void
key_cpu_list_nz (struct oci_gen *w, const char *key, const char *s)
{
  bool open = false;
  while (s && *s >= '0' && *s <= '9')
    {
      char *end;
      long lo = strtol (s, &end, 10), hi = lo;
      if (*end == '-')
        hi = strtol (end + 1, &end, 10);
      for (long i = lo; i <= hi && i - lo < 65536; i++)
        {
          if (!open)
            {
              oci_gen_str (w, key);
              oci_gen_array_open (w);
              open = true;
            }
          oci_gen_int (w, i);
        }
      s = *end == ',' ? end + 1 : end;
    }
  if (open)
    oci_gen_array_close (w);
}

/* runc 1.1 reads cpuset's files on v1 only; on v2 the effective lists. */
static void
stats_cpuset (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "cpuset");
  bool v1 = d && !d->v2;
  oci_gen_str (w, "cpuset");
  oci_gen_map_open (w);
  _cleanup_free_ char *cpus = d ? cgroup_read (d, v1 ? "cpuset.cpus" : "cpuset.cpus.effective") : NULL;
  _cleanup_free_ char *mems = d ? cgroup_read (d, v1 ? "cpuset.mems" : "cpuset.mems.effective") : NULL;
  key_cpu_list_nz (w, "cpus", cpus);
  oci_gen_key_int (w, "cpu_exclusive", v1 ? read_ll (d, "cpuset.cpu_exclusive") : 0);
  key_cpu_list_nz (w, "mems", mems);
  static const char *const flags[][2] = {
    { "mem_hardwall", "cpuset.mem_hardwall" },
    { "mem_exclusive", "cpuset.mem_exclusive" },
    { "memory_migrate", "cpuset.memory_migrate" },
    { "memory_spread_page", "cpuset.memory_spread_page" },
    { "memory_spread_slab", "cpuset.memory_spread_slab" },
    { "memory_pressure", "cpuset.memory_pressure" },
    { "sched_load_balance", "cpuset.sched_load_balance" },
    { "sched_relax_domain_level", "cpuset.sched_relax_domain_level" },
  };
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
    oci_gen_key_int (w, flags[i][0], v1 ? read_ll (d, flags[i][1]) : 0);
  oci_gen_map_close (w);
}

static void
memory_entry (struct oci_gen *w, const char *name, long long limit, long long usage, long long max,
              long long fail)
{
  oci_gen_str (w, name);
  oci_gen_map_open (w);
  oci_gen_key_int (w, "limit", limit);
  key_int_nz (w, "usage", usage);
  key_int_nz (w, "max", max);
  oci_gen_key_int (w, "failcnt", fail);
  oci_gen_map_close (w);
}

static void
stats_memory (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "memory");
  oci_gen_str (w, "memory");
  oci_gen_map_open (w);
  key_int_nz (w, "cache", keyed (d, "memory.stat", d && d->v2 ? "file" : "cache"));
  if (d && d->v2)
    {
      memory_entry (w, "usage", read_ll (d, "memory.max"), read_ll (d, "memory.current"),
                    read_ll (d, "memory.peak"), keyed (d, "memory.events", "max"));
      memory_entry (w, "swap", read_ll (d, "memory.swap.max"), read_ll (d, "memory.swap.current"), 0, 0);
      memory_entry (w, "kernel", 0, 0, 0, 0);
      memory_entry (w, "kernelTCP", 0, 0, 0, 0);
    }
  else
    {
      /* usage, swap (memsw), kernel (kmem), kernelTCP (kmem.tcp). */
      static const char *const entries[][2] = {
        { "usage", "memory" }, { "swap", "memory.memsw" }, { "kernel", "memory.kmem" }, { "kernelTCP", "memory.kmem.tcp" },
      };
      for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        {
          const char *f = entries[i][1];
          _cleanup_free_ char *limit = xasprintf ("%s.limit_in_bytes", f);
          _cleanup_free_ char *usage = xasprintf ("%s.usage_in_bytes", f);
          _cleanup_free_ char *max = xasprintf ("%s.max_usage_in_bytes", f);
          _cleanup_free_ char *fail = xasprintf ("%s.failcnt", f);
          memory_entry (w, entries[i][0], read_ll (d, limit), read_ll (d, usage), read_ll (d, max),
                        read_ll (d, fail));
        }
    }
  _cleanup_free_ char *raw = d ? cgroup_read (d, "memory.stat") : NULL;
  bool open = false;
  for (char *line = raw; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      char *sp = strchr (line, ' ');
      if (sp)
        {
          *sp = '\0';
          if (!open)
            {
              oci_gen_str (w, "raw");
              oci_gen_map_open (w);
              open = true;
            }
          oci_gen_key_int (w, line, strtoll (sp + 1, NULL, 10));
        }
      line = nl ? nl + 1 : NULL;
    }
  if (open)
    oci_gen_map_close (w);
  oci_gen_map_close (w);
}

static void
stats_pids (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "pids");
  oci_gen_str (w, "pids");
  oci_gen_map_open (w);
  key_int_nz (w, "current", read_ll (d, "pids.current"));
  key_int_nz (w, "limit", read_ll (d, "pids.max"));
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
      key_int_nz (w, "usage", read_ll (d, usage));
      if (!d->v2) /* runc's v2 stats have no max */
        key_int_nz (w, "max", read_ll (d, max));
      oci_gen_key_int (w, "failcnt", d->v2 ? keyed (d, fail, "max") : read_ll (d, fail));
      oci_gen_map_close (w);
    }
  oci_gen_map_close (w);
}

static void
blkio_entry (struct oci_gen *w, bool *open, const char *table, unsigned maj, unsigned min, const char *op,
             long long v)
{
  if (!*open)
    {
      oci_gen_str (w, table);
      oci_gen_array_open (w);
      *open = true;
    }
  oci_gen_map_open (w);
  key_int_nz (w, "major", maj);
  key_int_nz (w, "minor", min);
  oci_gen_key_str (w, "op", op);
  key_int_nz (w, "value", v);
  oci_gen_map_close (w);
}

/* One of runc's tables, omitted when empty: on v1 the throttle file
   ("MAJ:MIN Read N" lines), on v2 two keys of io.stat ("MAJ:MIN rbytes=N
   wbytes=N rios=N ..."), as Read and Write. */
static void
blkio_table (struct oci_gen *w, const struct cgroup_dir *d, const char *table, const char *v1_file,
             const char *v2_read, const char *v2_write)
{
  _cleanup_free_ char *s = d ? cgroup_read (d, d->v2 ? "io.stat" : v1_file) : NULL;
  bool open = false;
  for (char *line = s; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      unsigned maj, min;
      char op[32];
      long long v;
      if (!d->v2 && sscanf (line, "%u:%u %31s %lld", &maj, &min, op, &v) == 4)
        blkio_entry (w, &open, table, maj, min, op, v);
      else if (d->v2 && sscanf (line, "%u:%u", &maj, &min) == 2)
        {
          const char *const keys[][2] = { { v2_read, "Read" }, { v2_write, "Write" } };
          for (size_t k = 0; k < 2; k++)
            {
              char *p = strstr (line, keys[k][0]);
              if (p != NULL)
                blkio_entry (w, &open, table, maj, min, keys[k][1], strtoll (p + strlen (keys[k][0]), NULL, 10));
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  if (open)
    oci_gen_array_close (w);
}

static void
stats_blkio (struct oci_gen *w, const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "blkio");
  if (d == NULL)
    d = cgroup_find (cg, "io");
  oci_gen_str (w, "blkio");
  oci_gen_map_open (w);
  blkio_table (w, d, "ioServiceBytesRecursive", "blkio.throttle.io_service_bytes_recursive", "rbytes=", "wbytes=");
  blkio_table (w, d, "ioServicedRecursive", "blkio.throttle.io_serviced_recursive", "rios=", "wios=");
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
  /* runc's types.Stats, member by member; husk has no Intel RDT and, as
     runc for an OCI config, no interfaces of its own to count. */
  stats_cpu (&w, cg);
  stats_cpuset (&w, cg);
  stats_memory (&w, cg);
  stats_pids (&w, cg);
  stats_blkio (&w, cg);
  stats_hugetlb (&w, cg);
  oci_gen_str (&w, "intel_rdt");
  oci_gen_map_open (&w);
  oci_gen_map_close (&w);
  oci_gen_str (&w, "network_interfaces");
  oci_gen_null (&w);
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
