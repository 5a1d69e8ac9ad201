/* linux.resources.rdma: rdma.max per device. */
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

int
cgroup_rdma_apply (const struct cgroup *cg, const struct oci_resources *r, struct husk_error **err)
{
  const struct cgroup_dir *d = cgroup_res_need (cg, "rdma", F "rdma", err);
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
