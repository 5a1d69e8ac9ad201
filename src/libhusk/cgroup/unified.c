/* linux.resources.unified: raw cgroup v2 files. */
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

/* Raw v2 files.  On a hybrid host they go to the unified hierarchy: a key
   of a controller that lives there (e.g. hugetlb here) or of the core
   "cgroup." files works; a key of a controller bound to a v1 hierarchy is
   refused, since its v2 file does not exist. */
int
cgroup_unified_apply (const struct cgroup *cg, const oci_map *u, struct husk_error **err)
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
      _cleanup_free_ char *ctrl = strndup (key, (size_t)(dot - key));
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
          return husk_error_set (err, "%s: the %s cgroup controller is not available in %s", f, ctrl,
                                 d->path);
        }
      if (!cgroup_has_file (d, key))
        return husk_error_set (err, "%s: no such file in %s", f, d->path);
      if (cgroup_write (d, key, u->values[i], f, err) < 0)
        return -1;
    }
  return 0;
}
