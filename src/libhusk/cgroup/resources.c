/* linux.resources mapped once onto cgroup files, for v1 and v2 alike: each
   controller is written where the host mounts it (on a hybrid host, some
   in v1 hierarchies and some in the unified one).  One file per
   controller (memory.c, cpu.c, ...); this one holds what they share and
   the order they are applied in. */
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

/* The directory of controller `name`, for the config field `field`; an
   error naming both when the host does not have it. */
const struct cgroup_dir *
cgroup_res_need (const struct cgroup *cg, const char *name, const char *field, struct husk_error **err)
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

int
cgroup_res_write_i64 (const struct cgroup_dir *d, const char *file, int64_t v, const char *field,
                      struct husk_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRId64, v);
  return cgroup_write (d, file, buf, field, err);
}

int
cgroup_res_write_u64 (const struct cgroup_dir *d, const char *file, uint64_t v, const char *field,
                      struct husk_error **err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRIu64, v);
  return cgroup_write (d, file, buf, field, err);
}

/* v2 spells "no limit" as "max"; the spec as -1. */
int
cgroup_res_write_max (const struct cgroup_dir *d, const char *file, int64_t v, const char *field,
                      struct husk_error **err)
{
  if (v < 0)
    return cgroup_write (d, file, "max", field, err);
  return cgroup_res_write_i64 (d, file, v, field, err);
}

int
cgroup_res_v1_only (const struct cgroup_dir *d, const char *field, struct husk_error **err)
{
  if (d->v2)
    return husk_error_set (err, "%s: not supported on cgroup v2 (the kernel has no such setting)", field);
  return 0;
}

int
cgroup_apply (const struct cgroup *cg, const struct oci_resources *r, bool update, struct husk_error **err)
{
  if (r == NULL)
    return 0;
  if (r->memory && cgroup_memory_apply (cg, r->memory, update, err) < 0)
    return -1;
  if (r->cpu && cgroup_cpu_apply (cg, r->cpu, err) < 0)
    return -1;
  if (r->has_pids && r->pids_limit.set && cgroup_pids_apply (cg, r->pids_limit.v, err) < 0)
    return -1;
  if (r->block_io && cgroup_blkio_apply (cg, r->block_io, err) < 0)
    return -1;
  if (r->hugepage_limits.n > 0 && cgroup_hugetlb_apply (cg, r, err) < 0)
    return -1;
  if (r->network && cgroup_network_apply (cg, r->network, err) < 0)
    return -1;
  if (r->rdma.n > 0 && cgroup_rdma_apply (cg, r, err) < 0)
    return -1;
  if (r->unified.n > 0 && cgroup_unified_apply (cg, &r->unified, err) < 0)
    return -1;
  return 0;
}
