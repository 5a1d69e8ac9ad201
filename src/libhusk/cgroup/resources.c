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

#define DROP_ZERO(o)                                                                                         \
  do                                                                                                         \
    {                                                                                                        \
      if ((o).set && (o).v == 0)                                                                             \
        (o).set = false;                                                                                     \
    }                                                                                                        \
  while (0)

static void
drop_empty (char **s)
{
  if (*s && **s == '\0')
    {
      free (*s);
      *s = NULL;
    }
}

/* runc 1.1's cgroup managers write a member only when it is not 0 (not ""),
   and engines write 0 for "not set": dockerd puts blockIO.weight 0 and
   cpu.shares 0 in every config.json, and the containerd shim sends `update`
   every member it knows, 0 for those not given.  A 0 that the kernel takes
   as a real value (cpu.burst, cpu.idle, swappiness, a hugepage limit, a
   throttle rate: 0 removes the throttle) stays. */
void
cgroup_resources_drop_unset (struct oci_resources *r)
{
  if (r->memory)
    {
      struct oci_memory *m = r->memory;
      DROP_ZERO (m->limit);
      DROP_ZERO (m->reservation);
      DROP_ZERO (m->swap);
      DROP_ZERO (m->kernel);
      DROP_ZERO (m->kernel_tcp);
      /* Docker's --memory-swappiness -1 ("the default") as an unsigned. */
      if (m->swappiness.set && m->swappiness.v == UINT64_MAX)
        m->swappiness.set = false;
    }
  if (r->cpu)
    {
      struct oci_cpu *c = r->cpu;
      DROP_ZERO (c->shares);
      DROP_ZERO (c->quota);
      DROP_ZERO (c->period);
      DROP_ZERO (c->realtime_period);
      DROP_ZERO (c->realtime_runtime);
      drop_empty (&c->cpus);
      drop_empty (&c->mems);
    }
  DROP_ZERO (r->pids_limit);
  if (r->block_io)
    {
      struct oci_blkio *b = r->block_io;
      DROP_ZERO (b->weight);
      DROP_ZERO (b->leaf_weight);
      for (size_t i = 0; i < b->weight_device.n; i++)
        {
          DROP_ZERO (b->weight_device.v[i].weight);
          DROP_ZERO (b->weight_device.v[i].leaf_weight);
        }
    }
  if (r->network)
    DROP_ZERO (r->network->class_id);
}

struct oci_resources *
cgroup_resources_copy_set (const struct oci_resources *r)
{
  struct oci_resources *c = xcalloc (1, sizeof *c);
  oci_resources_merge (c, r);
  cgroup_resources_drop_unset (c);
  return c;
}

static int
check_weight (const oci_opt_u32 *w, const char *field, struct husk_error **err)
{
  if (w->set && (w->v < 10 || w->v > 1000))
    return husk_error_set (err, "%s: %u is out of range (10..1000, or 0 for none)", field, w->v);
  return 0;
}

static int
check_bytes (const oci_opt_i64 *v, const char *field, struct husk_error **err)
{
  if (v->set && v->v < -1)
    return husk_error_set (err, "%s: %" PRId64 " is invalid (a byte count, or -1 for no limit)", field, v->v);
  return 0;
}

/* The values no kernel takes, refused before anything is written, so that
   a bad update changes nothing. */
static int
check_values (const struct oci_resources *r, struct husk_error **err)
{
  const struct oci_memory *m = r->memory;
  if (m
      && (check_bytes (&m->limit, F "memory.limit", err) < 0
          || check_bytes (&m->reservation, F "memory.reservation", err) < 0
          || check_bytes (&m->swap, F "memory.swap", err) < 0))
    return -1;
  if (m && m->swappiness.set && m->swappiness.v > 100)
    return husk_error_set (err, F "memory.swappiness: %" PRIu64 " is out of range (0..100)", m->swappiness.v);
  const struct oci_blkio *b = r->block_io;
  if (b == NULL)
    return 0;
  if (check_weight (&b->weight, F "blockIO.weight", err) < 0
      || check_weight (&b->leaf_weight, F "blockIO.leafWeight", err) < 0)
    return -1;
  for (size_t i = 0; i < b->weight_device.n; i++)
    {
      _cleanup_free_ char *f = xasprintf (F "blockIO.weightDevice[%zu].weight", i);
      _cleanup_free_ char *lf = xasprintf (F "blockIO.weightDevice[%zu].leafWeight", i);
      if (check_weight (&b->weight_device.v[i].weight, f, err) < 0
          || check_weight (&b->weight_device.v[i].leaf_weight, lf, err) < 0)
        return -1;
    }
  return 0;
}

int
cgroup_apply (const struct cgroup *cg, const struct oci_resources *res, bool update, struct husk_error **err)
{
  if (res == NULL)
    return 0;
  _cleanup_resources_ struct oci_resources *r = cgroup_resources_copy_set (res);
  if (check_values (r, err) < 0)
    return -1;
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
