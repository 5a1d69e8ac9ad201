/* linux.resources mapped once onto cgroup files, for v1 and v2 alike: each
   controller is written where the host mounts it (on a hybrid host, some
   in v1 hierarchies and some in the unified one). */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"

#define F "linux.resources."

/* The directory of controller `name`, for the config field `field`; an
   error naming both when the host does not have it. */
static const struct cgroup_dir *
need (const struct cgroup *cg, const char *name, const char *field, struct husk_error **err)
{
  const struct cgroup_dir *d = cgroup_find (cg, name);
  if (d == NULL)
    {
      husk_error_set (err, "%s: the %s cgroup controller is not available on this host", field, name);
      return NULL;
    }
  if (d->v2 && !cgroup_v2_has_controller (d, name))
    {
      husk_error_set (err, "%s: the %s cgroup controller is not enabled for %s", field, name, d->path);
      return NULL;
    }
  return d;
}

static int
wr_i64 (const struct cgroup_dir *d, const char *file, int64_t v, const char *field, struct husk_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRId64, v);
  return cgroup_write (d, file, buf, field, err);
}

static int
wr_u64 (const struct cgroup_dir *d, const char *file, uint64_t v, const char *field, struct husk_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRIu64, v);
  return cgroup_write (d, file, buf, field, err);
}

/* v2 spells "no limit" as "max"; the spec as -1. */
static int
wr_max (const struct cgroup_dir *d, const char *file, int64_t v, const char *field, struct husk_error **err)
{
  if (v < 0)
    return cgroup_write (d, file, "max", field, err);
  return wr_i64 (d, file, v, field, err);
}

static int
v1_only (const struct cgroup_dir *d, const char *field, struct husk_error **err)
{
  if (d->v2)
    return husk_error_set (err, "%s: not supported on cgroup v2 (the kernel has no such setting)", field);
  return 0;
}

/* ---- memory ---- */

/* v2's memory.swap.max is the swap alone; the spec's swap is memory plus
   swap, as v1's memsw. */
static int
v2_swap_value (const struct oci_memory *m, char *buf, size_t len, struct husk_error **err)
{
  if (m->swap.v < 0)
    {
      snprintf (buf, len, "max");
      return 0;
    }
  if (!m->limit.set || m->limit.v < 0)
    return husk_error_set (err, F "memory.swap: needs a memory.limit on cgroup v2 (swap is memory plus swap)");
  if (m->swap.v < m->limit.v)
    return husk_error_set (err, F "memory.swap: %" PRId64 " is less than memory.limit %" PRId64, m->swap.v,
                           m->limit.v);
  snprintf (buf, len, "%" PRId64, m->swap.v - m->limit.v);
  return 0;
}

static int
check_before_update (const struct cgroup_dir *d, const struct oci_memory *m, struct husk_error **err)
{
  if (!m->check_before_update.set || !m->check_before_update.v || !m->limit.set || m->limit.v < 0)
    return 0;
  _cleanup_free_ char *cur = cgroup_read (d, d->v2 ? "memory.current" : "memory.usage_in_bytes");
  if (cur && strtoll (cur, NULL, 10) > m->limit.v)
    return husk_error_set (err, F "memory.limit: %" PRId64 " is below the current usage %s (checkBeforeUpdate)",
                           m->limit.v, cur);
  return 0;
}

static int
apply_memory_v1 (const struct cgroup_dir *d, const struct oci_memory *m, struct husk_error **err)
{
  /* memsw.limit must stay >= limit at every moment: when the write of the
     limit fails because the old memsw is below it, memsw goes first. */
  if (m->limit.set)
    {
      struct husk_error *first = NULL;
      if (wr_i64 (d, "memory.limit_in_bytes", m->limit.v, F "memory.limit", &first) < 0)
        {
          if (!m->swap.set)
            {
              *err = first;
              return -1;
            }
          husk_error_free (first);
          if (wr_i64 (d, "memory.memsw.limit_in_bytes", m->swap.v, F "memory.swap", err) < 0
              || wr_i64 (d, "memory.limit_in_bytes", m->limit.v, F "memory.limit", err) < 0)
            return -1;
        }
    }
  if (m->swap.set && wr_i64 (d, "memory.memsw.limit_in_bytes", m->swap.v, F "memory.swap", err) < 0)
    return -1;
  if (m->reservation.set && wr_i64 (d, "memory.soft_limit_in_bytes", m->reservation.v, F "memory.reservation", err) < 0)
    return -1;
  if (m->kernel.set && wr_i64 (d, "memory.kmem.limit_in_bytes", m->kernel.v, F "memory.kernel", err) < 0)
    return -1;
  if (m->kernel_tcp.set && wr_i64 (d, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp.v, F "memory.kernelTCP", err) < 0)
    return -1;
  if (m->swappiness.set)
    {
      if (m->swappiness.v > 100)
        return husk_error_set (err, F "memory.swappiness: %" PRIu64 " is out of range (0..100)", m->swappiness.v);
      if (wr_u64 (d, "memory.swappiness", m->swappiness.v, F "memory.swappiness", err) < 0)
        return -1;
    }
  if (m->disable_oom_killer.set
      && cgroup_write (d, "memory.oom_control", m->disable_oom_killer.v ? "1" : "0", F "memory.disableOOMKiller", err) < 0)
    return -1;
  if (m->use_hierarchy.set
      && cgroup_write (d, "memory.use_hierarchy", m->use_hierarchy.v ? "1" : "0", F "memory.useHierarchy", err) < 0)
    return -1;
  return 0;
}

static int
apply_memory_v2 (const struct cgroup_dir *d, const struct oci_memory *m, struct husk_error **err)
{
  char swap[32];
  if (m->swap.set && v2_swap_value (m, swap, sizeof swap, err) < 0)
    return -1;
  if (m->limit.set && wr_max (d, "memory.max", m->limit.v, F "memory.limit", err) < 0)
    return -1;
  if (m->swap.set && cgroup_write (d, "memory.swap.max", swap, F "memory.swap", err) < 0)
    return -1;
  if (m->reservation.set && wr_max (d, "memory.low", m->reservation.v, F "memory.reservation", err) < 0)
    return -1;
  /* The spec's v1-only members: set to a value v2 already has is fine
     (engines send useHierarchy true and disableOOMKiller false). */
  if ((m->kernel.set && v1_only (d, F "memory.kernel", err) < 0)
      || (m->kernel_tcp.set && v1_only (d, F "memory.kernelTCP", err) < 0)
      || (m->swappiness.set && v1_only (d, F "memory.swappiness", err) < 0)
      || (m->disable_oom_killer.set && m->disable_oom_killer.v && v1_only (d, F "memory.disableOOMKiller", err) < 0)
      || (m->use_hierarchy.set && !m->use_hierarchy.v && v1_only (d, F "memory.useHierarchy", err) < 0))
    return -1;
  return 0;
}

static int
apply_memory (const struct cgroup *cg, const struct oci_memory *m, bool update, struct husk_error **err)
{
  const struct cgroup_dir *d = need (cg, "memory", F "memory", err);
  if (d == NULL)
    return -1;
  if (update && check_before_update (d, m, err) < 0)
    return -1;
  return d->v2 ? apply_memory_v2 (d, m, err) : apply_memory_v1 (d, m, err);
}

/* ---- cpu, cpuset ---- */

/* runc's mapping of shares (2..262144) onto weight (1..10000). */
static uint64_t
shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

static int
apply_cpu_v1 (const struct cgroup_dir *d, const struct oci_cpu *c, struct husk_error **err)
{
  if (c->shares.set && wr_u64 (d, "cpu.shares", c->shares.v, F "cpu.shares", err) < 0)
    return -1;
  /* The period first: a quota is checked against the current period. */
  if (c->period.set && wr_u64 (d, "cpu.cfs_period_us", c->period.v, F "cpu.period", err) < 0)
    return -1;
  if (c->quota.set && wr_i64 (d, "cpu.cfs_quota_us", c->quota.v, F "cpu.quota", err) < 0)
    return -1;
  if (c->burst.set && wr_u64 (d, "cpu.cfs_burst_us", c->burst.v, F "cpu.burst", err) < 0)
    return -1;
  if (c->realtime_period.set && wr_u64 (d, "cpu.rt_period_us", c->realtime_period.v, F "cpu.realtimePeriod", err) < 0)
    return -1;
  if (c->realtime_runtime.set
      && wr_i64 (d, "cpu.rt_runtime_us", c->realtime_runtime.v, F "cpu.realtimeRuntime", err) < 0)
    return -1;
  if (c->idle.set && wr_i64 (d, "cpu.idle", c->idle.v, F "cpu.idle", err) < 0)
    return -1;
  return 0;
}

static int
apply_cpu_v2 (const struct cgroup_dir *d, const struct oci_cpu *c, struct husk_error **err)
{
  if (c->shares.set && c->shares.v > 0
      && wr_u64 (d, "cpu.weight", shares_to_weight (c->shares.v), F "cpu.shares", err) < 0)
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
  if (c->burst.set && wr_u64 (d, "cpu.max.burst", c->burst.v, F "cpu.burst", err) < 0)
    return -1;
  if ((c->realtime_period.set && v1_only (d, F "cpu.realtimePeriod", err) < 0)
      || (c->realtime_runtime.set && v1_only (d, F "cpu.realtimeRuntime", err) < 0))
    return -1;
  if (c->idle.set && wr_i64 (d, "cpu.idle", c->idle.v, F "cpu.idle", err) < 0)
    return -1;
  return 0;
}

static int
apply_cpu (const struct cgroup *cg, const struct oci_cpu *c, struct husk_error **err)
{
  bool cpu = c->shares.set || c->quota.set || c->period.set || c->burst.set || c->realtime_period.set
             || c->realtime_runtime.set || c->idle.set;
  if (cpu)
    {
      const struct cgroup_dir *d = need (cg, "cpu", F "cpu", err);
      if (d == NULL || (d->v2 ? apply_cpu_v2 (d, c, err) : apply_cpu_v1 (d, c, err)) < 0)
        return -1;
    }
  if (c->cpus || c->mems)
    {
      const struct cgroup_dir *d = need (cg, "cpuset", c->cpus ? F "cpu.cpus" : F "cpu.mems", err);
      if (d == NULL)
        return -1;
      if (c->cpus && cgroup_write (d, "cpuset.cpus", c->cpus, F "cpu.cpus", err) < 0)
        return -1;
      if (c->mems && cgroup_write (d, "cpuset.mems", c->mems, F "cpu.mems", err) < 0)
        return -1;
    }
  return 0;
}

/* ---- pids ---- */

static int
apply_pids (const struct cgroup *cg, int64_t limit, struct husk_error **err)
{
  const struct cgroup_dir *d = need (cg, "pids", F "pids.limit", err);
  if (d == NULL)
    return -1;
  /* The spec: a value <= 0 means no limit. */
  return wr_max (d, "pids.max", limit <= 0 ? -1 : limit, F "pids.limit", err);
}

/* ---- blockIO ---- */

static int
write_throttle (const struct cgroup_dir *d, const oci_throttlev *v, const char *v1_file, const char *v2_key,
                const char *field, struct husk_error **err)
{
  for (size_t i = 0; i < v->n; i++)
    {
      const struct oci_blkio_throttle_device *t = &v->v[i];
      _cleanup_free_ char *f = xasprintf ("%s[%zu]", field, i);
      char buf[96];
      if (!t->rate.set)
        continue;
      if (d->v2)
        {
          if (t->rate.v == 0)
            snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64 " %s=max", t->major, t->minor, v2_key);
          else
            snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major, t->minor, v2_key,
                      t->rate.v);
        }
      else
        snprintf (buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, t->major, t->minor, t->rate.v);
      if (cgroup_write (d, d->v2 ? "io.max" : v1_file, buf, f, err) < 0)
        return -1;
    }
  return 0;
}

/* v2's io.weight is 1..10000, blkio's weight 10..1000. */
static uint64_t
blkio_weight_to_io (uint64_t w)
{
  return 1 + ((w - 10) * 9999) / 990;
}

static int
write_weight (const struct cgroup_dir *d, const char *dev, uint32_t w, const char *field, struct husk_error **err)
{
  if (w < 10 || w > 1000)
    return husk_error_set (err, "%s: %u is out of range (10..1000)", field, w);
  /* v1 without CFQ/BFQ, or v2 without the io weight files, has no way to
     weigh IO at all: an error, not a silent skip. */
  const char *file = NULL;
  uint64_t value = w;
  if (!d->v2)
    file = cgroup_has_file (d, "blkio.weight") ? "blkio.weight"
           : cgroup_has_file (d, "blkio.bfq.weight") ? "blkio.bfq.weight" : NULL;
  else if (cgroup_has_file (d, "io.bfq.weight"))
    file = "io.bfq.weight";
  else if (cgroup_has_file (d, "io.weight"))
    {
      file = "io.weight";
      value = blkio_weight_to_io (w);
    }
  if (file == NULL)
    return husk_error_set (err, "%s: this host's IO scheduler has no cgroup weight (no %s file in %s)", field,
                           d->v2 ? "io.weight or io.bfq.weight" : "blkio.weight or blkio.bfq.weight", d->path);
  char buf[64];
  if (dev)
    {
      /* v1 takes per-device weights in a file of their own. */
      if (!d->v2)
        file = strcmp (file, "blkio.weight") == 0 ? "blkio.weight_device" : "blkio.bfq.weight_device";
      snprintf (buf, sizeof buf, "%s %" PRIu64, dev, value);
    }
  else if (d->v2 && strcmp (file, "io.weight") == 0)
    snprintf (buf, sizeof buf, "default %" PRIu64, value);
  else
    snprintf (buf, sizeof buf, "%" PRIu64, value);
  return cgroup_write (d, file, buf, field, err);
}

static int
apply_blkio (const struct cgroup *cg, const struct oci_blkio *b, struct husk_error **err)
{
  const char *name = "blkio";
  if (cgroup_find (cg, "blkio") == NULL && cgroup_find (cg, "io"))
    name = "io";
  const struct cgroup_dir *d = need (cg, name, F "blockIO", err);
  if (d == NULL)
    return -1;
  if (b->weight.set && write_weight (d, NULL, b->weight.v, F "blockIO.weight", err) < 0)
    return -1;
  if (b->leaf_weight.set)
    return husk_error_set (err, F "blockIO.leafWeight: not supported by this kernel (CFQ's leaf weights are gone)");
  for (size_t i = 0; i < b->weight_device.n; i++)
    {
      const struct oci_blkio_weight_device *w = &b->weight_device.v[i];
      _cleanup_free_ char *f = xasprintf (F "blockIO.weightDevice[%zu]", i);
      char dev[48];
      snprintf (dev, sizeof dev, "%" PRId64 ":%" PRId64, w->major, w->minor);
      if (w->leaf_weight.set)
        return husk_error_set (err, "%s.leafWeight: not supported by this kernel (CFQ's leaf weights are gone)", f);
      if (w->weight.set && write_weight (d, dev, w->weight.v, f, err) < 0)
        return -1;
    }
  return write_throttle (d, &b->throttle_read_bps_device, "blkio.throttle.read_bps_device", "rbps",
                         F "blockIO.throttleReadBpsDevice", err) < 0
             || write_throttle (d, &b->throttle_write_bps_device, "blkio.throttle.write_bps_device", "wbps",
                                F "blockIO.throttleWriteBpsDevice", err) < 0
             || write_throttle (d, &b->throttle_read_iops_device, "blkio.throttle.read_iops_device", "riops",
                                F "blockIO.throttleReadIOPSDevice", err) < 0
             || write_throttle (d, &b->throttle_write_iops_device, "blkio.throttle.write_iops_device", "wiops",
                                F "blockIO.throttleWriteIOPSDevice", err) < 0
             ? -1
             : 0;
}

/* ---- hugetlb ---- */

/* "2MB", "1GB", "64KB": the name part of the hugetlb files. */
static bool
page_size_valid (const char *s)
{
  size_t i = 0;
  while (isdigit ((unsigned char) s[i]))
    i++;
  return i > 0 && i < 12 && (strcmp (s + i, "KB") == 0 || strcmp (s + i, "MB") == 0 || strcmp (s + i, "GB") == 0);
}

static int
apply_hugetlb (const struct cgroup *cg, const struct oci_resources *r, struct husk_error **err)
{
  const struct cgroup_dir *d = need (cg, "hugetlb", F "hugepageLimits", err);
  if (d == NULL)
    return -1;
  for (size_t i = 0; i < r->hugepage_limits.n; i++)
    {
      const struct oci_hugepage_limit *h = &r->hugepage_limits.v[i];
      _cleanup_free_ char *f = xasprintf (F "hugepageLimits[%zu]", i);
      if (!page_size_valid (h->page_size))
        return husk_error_set (err, "%s.pageSize: invalid page size \"%s\" (e.g. \"2MB\")", f, h->page_size);
      _cleanup_free_ char *file = xasprintf ("hugetlb.%s.%s", h->page_size, d->v2 ? "max" : "limit_in_bytes");
      if (!cgroup_has_file (d, file))
        return husk_error_set (err, "%s.pageSize: the host has no %s huge pages", f, h->page_size);
      if (wr_u64 (d, file, h->limit, f, err) < 0)
        return -1;
      /* The reservation limit too, where the kernel has it, so that a
         mapping cannot reserve more than the limit and fault later. */
      _cleanup_free_ char *rsvd = xasprintf ("hugetlb.%s.rsvd.%s", h->page_size, d->v2 ? "max" : "limit_in_bytes");
      if (cgroup_has_file (d, rsvd) && wr_u64 (d, rsvd, h->limit, f, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- network, rdma ---- */

static int
apply_network (const struct cgroup *cg, const struct oci_network *n, struct husk_error **err)
{
  if (n->class_id.set)
    {
      const struct cgroup_dir *d = need (cg, "net_cls", F "network.classID", err);
      if (d == NULL || v1_only (d, F "network.classID", err) < 0
          || wr_u64 (d, "net_cls.classid", n->class_id.v, F "network.classID", err) < 0)
        return -1;
    }
  if (n->priorities.n > 0)
    {
      const struct cgroup_dir *d = need (cg, "net_prio", F "network.priorities", err);
      if (d == NULL || v1_only (d, F "network.priorities", err) < 0)
        return -1;
      for (size_t i = 0; i < n->priorities.n; i++)
        {
          _cleanup_free_ char *f = xasprintf (F "network.priorities[%zu]", i);
          const struct oci_net_priority *p = &n->priorities.v[i];
          if (strpbrk (p->name, " \n/") || *p->name == '\0')
            return husk_error_set (err, "%s.name: invalid interface name \"%s\"", f, p->name);
          _cleanup_free_ char *v = xasprintf ("%s %u", p->name, p->priority);
          if (cgroup_write (d, "net_prio.ifpriomap", v, f, err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
apply_rdma (const struct cgroup *cg, const struct oci_resources *r, struct husk_error **err)
{
  const struct cgroup_dir *d = need (cg, "rdma", F "rdma", err);
  if (d == NULL)
    return -1;
  for (size_t i = 0; i < r->rdma.n; i++)
    {
      const struct oci_rdma_entry *e = &r->rdma.v[i];
      _cleanup_free_ char *f = xasprintf (F "rdma.%s", e->device);
      if (strpbrk (e->device, " \n=") || *e->device == '\0')
        return husk_error_set (err, "%s: invalid device name", f);
      char h[32] = "max", o[32] = "max";
      if (e->hca_handles.set)
        snprintf (h, sizeof h, "%u", e->hca_handles.v);
      if (e->hca_objects.set)
        snprintf (o, sizeof o, "%u", e->hca_objects.v);
      _cleanup_free_ char *v = xasprintf ("%s hca_handle=%s hca_object=%s", e->device, h, o);
      if (cgroup_write (d, "rdma.max", v, f, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- unified ---- */

/* Raw v2 files.  On a hybrid host they go to the unified hierarchy: a key
   of a controller that lives there (e.g. hugetlb here) or of the core
   "cgroup." files works; a key of a controller bound to a v1 hierarchy is
   refused, since its v2 file does not exist. */
static int
apply_unified (const struct cgroup *cg, const oci_map *u, struct husk_error **err)
{
  const struct cgroup_dir *d = NULL;
  for (size_t i = 0; i < cg->n && d == NULL; i++)
    if (cg->dirs[i].v2)
      d = &cg->dirs[i];
  for (size_t i = 0; i < u->n; i++)
    {
      const char *key = u->keys[i];
      _cleanup_free_ char *f = xasprintf (F "unified.\"%s\"", key);
      if (d == NULL)
        return husk_error_set (err, "%s: this host has no cgroup v2 hierarchy (cgroup v1 only)", f);
      const char *dot = strchr (key, '.');
      if (dot == NULL || dot == key || strchr (key, '/') || strcmp (key, "..") == 0)
        return husk_error_set (err, "%s: not a cgroup v2 file name", f);
      _cleanup_free_ char *ctrl = strndup (key, (size_t) (dot - key));
      if (strcmp (ctrl, "cgroup") == 0)
        {
          /* Membership and the tree's shape are husk's to manage. */
          if (strcmp (key, "cgroup.procs") == 0 || strcmp (key, "cgroup.threads") == 0
              || strcmp (key, "cgroup.subtree_control") == 0 || strcmp (key, "cgroup.kill") == 0
              || strcmp (key, "cgroup.freeze") == 0)
            return husk_error_set (err, "%s: husk manages this file itself", f);
        }
      else if (!cgroup_v2_has_controller (d, ctrl))
        {
          const struct cgroup_dir *v1 = cgroup_find (cg, ctrl);
          if (v1 && !v1->v2)
            return husk_error_set (err, "%s: the %s controller is bound to cgroup v1 on this host", f, ctrl);
          return husk_error_set (err, "%s: the %s cgroup controller is not available in %s", f, ctrl, d->path);
        }
      if (!cgroup_has_file (d, key))
        return husk_error_set (err, "%s: no such file in %s", f, d->path);
      if (cgroup_write (d, key, u->values[i], f, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_apply (const struct cgroup *cg, const struct oci_resources *r, bool update, struct husk_error **err)
{
  if (r == NULL)
    return 0;
  if (r->memory && apply_memory (cg, r->memory, update, err) < 0)
    return -1;
  if (r->cpu && apply_cpu (cg, r->cpu, err) < 0)
    return -1;
  if (r->has_pids && r->pids_limit.set && apply_pids (cg, r->pids_limit.v, err) < 0)
    return -1;
  if (r->block_io && apply_blkio (cg, r->block_io, err) < 0)
    return -1;
  if (r->hugepage_limits.n > 0 && apply_hugetlb (cg, r, err) < 0)
    return -1;
  if (r->network && apply_network (cg, r->network, err) < 0)
    return -1;
  if (r->rdma.n > 0 && apply_rdma (cg, r, err) < 0)
    return -1;
  if (r->unified.n > 0 && apply_unified (cg, &r->unified, err) < 0)
    return -1;
  return 0;
}
