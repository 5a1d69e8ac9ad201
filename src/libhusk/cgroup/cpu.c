/* linux.resources.cpu: the cpu controller (shares, CFS quota and period,
   burst, realtime, idle; v2's cpu.weight and cpu.max) and cpuset. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "resources.h"

/* runc's mapping of shares (2..262144) onto weight (1..10000). */
static uint64_t
shares_to_weight (uint64_t shares)
{
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

/* The kernel's EINVAL for a CFS pair that asks for more than the parent's
   limit says nothing more: name the parent and its limit. */
static int
cfs_refused (const struct cgroup_dir *d, struct husk_error **err)
{
  if ((*err)->errno_ != EINVAL)
    return -1;
  _cleanup_free_ char *parent = xstrdup (d->path);
  *strrchr (parent, '/') = '\0';
  struct cgroup_dir p = { .path = parent };
  _cleanup_free_ char *quota = cgroup_read (&p, "cpu.cfs_quota_us");
  _cleanup_free_ char *period = cgroup_read (&p, "cpu.cfs_period_us");
  if (quota == NULL || period == NULL || strcmp (quota, "-1") == 0)
    return -1;
  _cleanup_free_ char *why = xstrdup ((*err)->msg);
  return husk_error_set (err, "%s (more than the parent cgroup %s allows: a quota of %s per period of %s)",
                         why, parent, quota, period);
}

/* v1 has the quota and the period in two files, and the kernel checks each
   write against the parent's limit (quota / period of the child at most
   the parent's: sched_cfs_schedulable): the pair in between must pass too.
   A longer period goes first (old quota over a longer period is less than
   before), a shorter one last (the new quota over the old, longer period
   is less than the new ratio), so the step in between never asks for more
   than the old or the new pair: both directions work under a parent's
   limit, where runc retries the other order after an EINVAL. */
static int
apply_cfs_v1 (const struct cgroup_dir *d, const struct oci_cpu *c, struct husk_error **err)
{
  struct
  {
    bool set;
    const char *file, *field;
    char value[32];
  } w[2] = {
    { c->period.set, "cpu.cfs_period_us", F "cpu.period", "" },
    { c->quota.set, "cpu.cfs_quota_us", F "cpu.quota", "" },
  };
  snprintf (w[0].value, sizeof w[0].value, "%" PRIu64, c->period.v);
  snprintf (w[1].value, sizeof w[1].value, "%" PRId64, c->quota.v);
  _cleanup_free_ char *period = c->period.set && c->quota.set ? cgroup_read (d, "cpu.cfs_period_us") : NULL;
  if (period && strtoull (period, NULL, 10) > c->period.v)
    {
      w[0] = w[1];
      w[1].set = true;
      w[1].file = "cpu.cfs_period_us";
      w[1].field = F "cpu.period";
      snprintf (w[1].value, sizeof w[1].value, "%" PRIu64, c->period.v);
    }
  _cleanup_free_ char *old = w[0].set && w[1].set ? cgroup_read (d, w[0].file) : NULL;
  if (w[0].set && cgroup_write (d, w[0].file, w[0].value, w[0].field, err) < 0)
    return cfs_refused (d, err);
  if (w[1].set && cgroup_write (d, w[1].file, w[1].value, w[1].field, err) < 0)
    {
      /* The pair as it was: a refused update changes nothing. */
      struct husk_error *ignored = NULL;
      if (old && cgroup_write (d, w[0].file, old, NULL, &ignored) < 0)
        husk_error_free (ignored);
      return cfs_refused (d, err);
    }
  return 0;
}

static int
apply_cpu_v1 (const struct cgroup_dir *d, const struct oci_cpu *c, struct husk_error **err)
{
  if (c->shares.set && cgroup_res_write_u64 (d, "cpu.shares", c->shares.v, F "cpu.shares", err) < 0)
    return -1;
  if (apply_cfs_v1 (d, c, err) < 0)
    return -1;
  if (c->burst.set && cgroup_res_write_u64 (d, "cpu.cfs_burst_us", c->burst.v, F "cpu.burst", err) < 0)
    return -1;
  if (c->realtime_period.set
      && cgroup_res_write_u64 (d, "cpu.rt_period_us", c->realtime_period.v, F "cpu.realtimePeriod", err) < 0)
    return -1;
  if (c->realtime_runtime.set
      && cgroup_res_write_i64 (d, "cpu.rt_runtime_us", c->realtime_runtime.v, F "cpu.realtimeRuntime", err)
             < 0)
    {
      /* The kernel's reason is only EINVAL: say which budget is short.
         husk does not raise a parent's budget: other cgroups share it. */
      if ((*err)->errno_ == EINVAL)
        {
          _cleanup_free_ char *parent = xstrdup (d->path);
          *strrchr (parent, '/') = '\0';
          _cleanup_free_ char *why = xstrdup ((*err)->msg);
          return husk_error_set (
              err, "%s (the parent cgroup %s has too little realtime budget in cpu.rt_runtime_us)", why,
              parent);
        }
      return -1;
    }
  if (c->idle.set && cgroup_res_write_i64 (d, "cpu.idle", c->idle.v, F "cpu.idle", err) < 0)
    return -1;
  return 0;
}

static int
apply_cpu_v2 (const struct cgroup_dir *d, const struct oci_cpu *c, struct husk_error **err)
{
  if (c->shares.set
      && cgroup_res_write_u64 (d, "cpu.weight", shares_to_weight (c->shares.v), F "cpu.shares", err) < 0)
    return -1;
  if (c->quota.set || c->period.set)
    {
      /* cpu.max is "QUOTA PERIOD": the member not given keeps its value. */
      _cleanup_free_ char *cur = cgroup_read (d, "cpu.max");
      char quota[32] = "max";
      unsigned long long period = 100000;
      if (cur)
        sscanf (cur, "%31s %llu", quota, &period);
      if (c->quota.set)
        {
          if (c->quota.v < 0)
            snprintf (quota, sizeof quota, "max");
          else
            snprintf (quota, sizeof quota, "%" PRId64, c->quota.v);
        }
      if (c->period.set)
        period = c->period.v;
      char buf[80];
      snprintf (buf, sizeof buf, "%s %llu", quota, period);
      if (cgroup_write (d, "cpu.max", buf, c->quota.set ? F "cpu.quota" : F "cpu.period", err) < 0)
        return -1;
    }
  if (c->burst.set && cgroup_res_write_u64 (d, "cpu.max.burst", c->burst.v, F "cpu.burst", err) < 0)
    return -1;
  if ((c->realtime_period.set && cgroup_res_v1_only (d, F "cpu.realtimePeriod", err) < 0)
      || (c->realtime_runtime.set && cgroup_res_v1_only (d, F "cpu.realtimeRuntime", err) < 0))
    return -1;
  if (c->idle.set && cgroup_res_write_i64 (d, "cpu.idle", c->idle.v, F "cpu.idle", err) < 0)
    return -1;
  return 0;
}

int
cgroup_cpu_apply (const struct cgroup *cg, const struct oci_cpu *c, struct husk_error **err)
{
  bool cpu = c->shares.set || c->quota.set || c->period.set || c->burst.set || c->realtime_period.set
             || c->realtime_runtime.set || c->idle.set;
  if (cpu)
    {
      const struct cgroup_dir *d = cgroup_res_need (cg, "cpu", F "cpu", err);
      if (d == NULL || (d->v2 ? apply_cpu_v2 (d, c, err) : apply_cpu_v1 (d, c, err)) < 0)
        return -1;
    }
  if (c->cpus || c->mems)
    {
      const struct cgroup_dir *d = cgroup_res_need (cg, "cpuset", c->cpus ? F "cpu.cpus" : F "cpu.mems", err);
      if (d == NULL)
        return -1;
      if (c->cpus && cgroup_write (d, "cpuset.cpus", c->cpus, F "cpu.cpus", err) < 0)
        return -1;
      if (c->mems && cgroup_write (d, "cpuset.mems", c->mems, F "cpu.mems", err) < 0)
        return -1;
    }
  return 0;
}
