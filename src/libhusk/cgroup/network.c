/* linux.resources.network: net_cls.classid and net_prio.ifpriomap (v1
   only: v2 has no such controllers). */
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
cgroup_network_apply (const struct cgroup *cg, const struct oci_network *n, struct husk_error **err)
{
  if (n->class_id.set)
    {
      const struct cgroup_dir *d = cgroup_res_need (cg, "net_cls", F "network.classID", err);
      if (d == NULL || cgroup_res_v1_only (d, F "network.classID", err) < 0
          || cgroup_res_write_u64 (d, "net_cls.classid", n->class_id.v, F "network.classID", err) < 0)
        return -1;
    }
  if (n->priorities.n > 0)
    {
      const struct cgroup_dir *d = cgroup_res_need (cg, "net_prio", F "network.priorities", err);
      if (d == NULL || cgroup_res_v1_only (d, F "network.priorities", err) < 0)
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
