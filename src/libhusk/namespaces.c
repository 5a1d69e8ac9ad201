/* Namespaces: which new namespaces the container init is cloned into. */
#include <config.h>

#include <sched.h>
#include <string.h>

#include "namespaces.h"
#include "oci_tables.h"

/* Kinds that need more than a clone flag (id maps written by the parent,
   offsets written before the first child): the isolation issue adds them. */
static const char *const namespaces_unsupported[] = { "user", "time", NULL };

int
namespaces_clone_flags (const struct oci_config *c, int *flags, struct husk_error **err)
{
  int seen = 0;
  bool has_mount = false;

  *flags = 0;
  if (c->linux_ != NULL)
    for (size_t i = 0; i < c->linux_->namespaces.n; i++)
      {
        const struct oci_namespace *ns = &c->linux_->namespaces.v[i];
        const struct oci_namespace_kind *kind = oci_namespace_kind_find (ns->type);

        if (kind == NULL)
          return husk_error_set (err, "config.json: linux.namespaces[%zu].type: unknown namespace \"%s\"", i,
                                 ns->type);
        if (seen & kind->clone_flag)
          return husk_error_set (err, "config.json: linux.namespaces[%zu]: duplicate namespace \"%s\"", i,
                                 kind->name);
        seen |= kind->clone_flag;
        if (ns->path != NULL)
          return husk_error_set (
              err,
              "config.json: linux.namespaces[%zu].path: joining an existing namespace is not "
              "supported yet",
              i);
        for (const char *const *u = namespaces_unsupported; *u; u++)
          if (strcmp (*u, kind->name) == 0)
            return husk_error_set (
                err, "config.json: linux.namespaces[%zu]: %s namespace is not supported yet", i, kind->name);
        if (kind->clone_flag == CLONE_NEWNS)
          has_mount = true;
        *flags |= kind->clone_flag;
      }
  /* The init pivots into the rootfs and mounts /proc: without its own mount
     namespace that would change the host's mount table. */
  if (!has_mount)
    return husk_error_set (err, "config.json: linux.namespaces: a new mount namespace is required "
                                "(husk pivots into root.path)");
  return 0;
}
