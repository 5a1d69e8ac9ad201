/* linux.resources.memory: v1 memory.* files, or v2 memory.max, .low and
   .swap.max (the spec's swap is memory plus swap). */
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
    return husk_error_set (err,
                           F "memory.swap: needs a memory.limit on cgroup v2 (swap is memory plus swap)");
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
    return husk_error_set (err,
                           F "memory.limit: %" PRId64 " is below the current usage %s (checkBeforeUpdate)",
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
      if (cgroup_res_write_i64 (d, "memory.limit_in_bytes", m->limit.v, F "memory.limit", &first) < 0)
        {
          if (!m->swap.set)
            {
              *err = first;
              return -1;
            }
          husk_error_free (first);
          if (cgroup_res_write_i64 (d, "memory.memsw.limit_in_bytes", m->swap.v, F "memory.swap", err) < 0
              || cgroup_res_write_i64 (d, "memory.limit_in_bytes", m->limit.v, F "memory.limit", err) < 0)
            return -1;
        }
    }
  if (m->swap.set
      && cgroup_res_write_i64 (d, "memory.memsw.limit_in_bytes", m->swap.v, F "memory.swap", err) < 0)
    return -1;
  if (m->reservation.set
      && cgroup_res_write_i64 (d, "memory.soft_limit_in_bytes", m->reservation.v, F "memory.reservation", err)
             < 0)
    return -1;
  if (m->kernel.set
      && cgroup_res_write_i64 (d, "memory.kmem.limit_in_bytes", m->kernel.v, F "memory.kernel", err) < 0)
    return -1;
  if (m->kernel_tcp.set
      && cgroup_res_write_i64 (d, "memory.kmem.tcp.limit_in_bytes", m->kernel_tcp.v, F "memory.kernelTCP",
                               err)
             < 0)
    return -1;
  if (m->swappiness.set
      && cgroup_res_write_u64 (d, "memory.swappiness", m->swappiness.v, F "memory.swappiness", err) < 0)
    return -1;
  if (m->disable_oom_killer.set
      && cgroup_write (d, "memory.oom_control", m->disable_oom_killer.v ? "1" : "0",
                       F "memory.disableOOMKiller", err)
             < 0)
    return -1;
  if (m->use_hierarchy.set
      && cgroup_write (d, "memory.use_hierarchy", m->use_hierarchy.v ? "1" : "0", F "memory.useHierarchy",
                       err)
             < 0)
    return -1;
  return 0;
}

static int
apply_memory_v2 (const struct cgroup_dir *d, const struct oci_memory *m, struct husk_error **err)
{
  char swap[32];
  if (m->swap.set && v2_swap_value (m, swap, sizeof swap, err) < 0)
    return -1;
  if (m->limit.set && cgroup_res_write_max (d, "memory.max", m->limit.v, F "memory.limit", err) < 0)
    return -1;
  if (m->swap.set && cgroup_write (d, "memory.swap.max", swap, F "memory.swap", err) < 0)
    return -1;
  if (m->reservation.set
      && cgroup_res_write_max (d, "memory.low", m->reservation.v, F "memory.reservation", err) < 0)
    return -1;
  /* The spec's v1-only members: set to a value v2 already has is fine
     (engines send useHierarchy true and disableOOMKiller false). */
  if ((m->kernel.set && cgroup_res_v1_only (d, F "memory.kernel", err) < 0)
      || (m->kernel_tcp.set && cgroup_res_v1_only (d, F "memory.kernelTCP", err) < 0)
      || (m->swappiness.set && cgroup_res_v1_only (d, F "memory.swappiness", err) < 0)
      || (m->disable_oom_killer.set && m->disable_oom_killer.v
          && cgroup_res_v1_only (d, F "memory.disableOOMKiller", err) < 0)
      || (m->use_hierarchy.set && !m->use_hierarchy.v
          && cgroup_res_v1_only (d, F "memory.useHierarchy", err) < 0))
    return -1;
  return 0;
}

int
cgroup_memory_apply (const struct cgroup *cg, const struct oci_memory *m, bool update,
                     struct husk_error **err)
{
  const struct cgroup_dir *d = cgroup_res_need (cg, "memory", F "memory", err);
  if (d == NULL)
    return -1;
  if (update && check_before_update (d, m, err) < 0)
    return -1;
  /* As runc: no memory limit and no swap given is no swap limit either
     (where the kernel accounts swap), else the old swap limit would stay
     below the memory one and the kernel refuse it. */
  struct oci_memory unlimited;
  if (m->limit.set && m->limit.v == -1 && !m->swap.set
      && cgroup_has_file (d, d->v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes"))
    {
      unlimited = *m;
      unlimited.swap = (oci_opt_i64){ true, -1 };
      m = &unlimited;
    }
  return d->v2 ? apply_memory_v2 (d, m, err) : apply_memory_v1 (d, m, err);
}
