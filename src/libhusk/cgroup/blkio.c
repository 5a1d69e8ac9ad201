/* linux.resources.blockIO: v1 blkio weights and throttles, v2 io.weight
   (or io.bfq.weight) and io.max. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "log.h"
#include "resources.h"

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

/* Where the host weighs IO: v1 with CFQ (gone since Linux 5.0) or BFQ, v2
   with io.weight or BFQ's io.bfq.weight.  NULL without either: this host's
   IO scheduler does not weigh cgroups (mq-deadline, none). */
static const char *
weight_file (const struct cgroup_dir *d, uint32_t w, uint64_t *value)
{
  *value = w;
  if (!d->v2)
    return cgroup_has_file (d, "blkio.weight")       ? "blkio.weight"
           : cgroup_has_file (d, "blkio.bfq.weight") ? "blkio.bfq.weight"
                                                     : NULL;
  if (cgroup_has_file (d, "io.bfq.weight"))
    return "io.bfq.weight";
  if (cgroup_has_file (d, "io.weight"))
    {
      *value = blkio_weight_to_io (w);
      return "io.weight";
    }
  return NULL;
}

/* A weight is a share of the disk between cgroups, not a limit: on a host
   that cannot weigh IO the container runs without it, with one warning
   naming the member (runc fails on the missing file).  Weights are
   range-checked before (check_values in resources.c). */
static int
write_weight (const struct cgroup_dir *d, const char *dev, uint32_t w, const char *field,
              struct husk_error **err)
{
  uint64_t value;
  const char *file = weight_file (d, w, &value);
  if (file == NULL)
    {
      log_warning ("%s: not applied: this host's IO scheduler has no cgroup weight (no %s file in %s)", field,
                   d->v2 ? "io.weight or io.bfq.weight" : "blkio.weight or blkio.bfq.weight", d->path);
      return 0;
    }
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

/* CFQ's leaf weights went with CFQ (Linux 5.0): no kernel husk runs on has
   them.  As a weight, running without one is a warning. */
static void
warn_leaf_weight (const char *field)
{
  log_warning ("%s: not applied: the kernel has no leaf weights (they went with the CFQ scheduler)", field);
}

int
cgroup_blkio_apply (const struct cgroup *cg, const struct oci_blkio *b, struct husk_error **err)
{
  const char *name = "blkio";
  if (cgroup_find (cg, "blkio") == NULL && cgroup_find (cg, "io"))
    name = "io";
  const struct cgroup_dir *d = cgroup_res_need (cg, name, F "blockIO", err);
  if (d == NULL)
    return -1;
  if (b->weight.set && write_weight (d, NULL, b->weight.v, F "blockIO.weight", err) < 0)
    return -1;
  if (b->leaf_weight.set)
    warn_leaf_weight (F "blockIO.leafWeight");
  for (size_t i = 0; i < b->weight_device.n; i++)
    {
      const struct oci_blkio_weight_device *w = &b->weight_device.v[i];
      _cleanup_free_ char *f = xasprintf (F "blockIO.weightDevice[%zu]", i);
      char dev[48];
      snprintf (dev, sizeof dev, "%" PRId64 ":%" PRId64, w->major, w->minor);
      if (w->leaf_weight.set)
        {
          _cleanup_free_ char *lf = xasprintf ("%s.leafWeight", f);
          warn_leaf_weight (lf);
        }
      _cleanup_free_ char *wf = xasprintf ("%s.weight", f);
      if (w->weight.set && write_weight (d, dev, w->weight.v, wf, err) < 0)
        return -1;
    }
  const struct
  {
    const oci_throttlev *v;
    const char *v1_file, *v2_key, *field;
  } throttles[] = {
    { &b->throttle_read_bps_device, "blkio.throttle.read_bps_device", "rbps",
      F "blockIO.throttleReadBpsDevice" },
    { &b->throttle_write_bps_device, "blkio.throttle.write_bps_device", "wbps",
      F "blockIO.throttleWriteBpsDevice" },
    { &b->throttle_read_iops_device, "blkio.throttle.read_iops_device", "riops",
      F "blockIO.throttleReadIOPSDevice" },
    { &b->throttle_write_iops_device, "blkio.throttle.write_iops_device", "wiops",
      F "blockIO.throttleWriteIOPSDevice" },
  };
  for (size_t i = 0; i < sizeof throttles / sizeof *throttles; i++)
    if (write_throttle (d, throttles[i].v, throttles[i].v1_file, throttles[i].v2_key, throttles[i].field, err)
        < 0)
      return -1;
  return 0;
}
