/* The container's filesystem: the mount table, propagation, pivot_root. */
#include <config.h>

#include "mounts.h"

int
mounts_setup_rootfs (const struct oci_config *c, const char *rootfs_abs, const char *bundle_abs, bool no_pivot,
                     struct husk_error **err)
{
  (void) c; (void) rootfs_abs; (void) bundle_abs; (void) no_pivot;
  return husk_error_set (err, "mounts: not implemented yet");
}
