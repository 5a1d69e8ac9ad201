/* The container's filesystem: the mount table, propagation, pivot_root. */
#ifndef HUSK_MOUNTS_H
#define HUSK_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_config.h"

/* Runs in the container init, after clone, inside the init's new mount
   namespace, before the process is exec'd.  In order:
     1. the whole tree is made rprivate, so nothing done here propagates back
        to the host (linux.rootfsPropagation other than "private"/"rprivate"
        is refused: not supported yet);
     2. rootfs_abs is bind-mounted onto itself, so it is a mount point;
     3. mounts[] are applied in order, every destination resolved inside the
        rootfs (symlinks in the rootfs cannot send a mount outside it);
        missing destinations are created (a file for a bind of a file, a
        directory otherwise);
     4. pivot_root into the rootfs (no_pivot: MS_MOVE + chroot, for roots on
        ramfs where pivot_root fails); afterwards the cwd is "/";
     5. root.readonly: / is remounted read-only.
   rootfs_abs: the absolute, already-resolved root.path.  bundle_abs: the
   absolute bundle directory; relative bind-mount sources are taken relative
   to it, as runc does.  Every message names the entry:
     config.json: mounts[0]: mount proc on "/proc": permission denied
   Refused (not supported yet): type "cgroup", propagation options,
   recursive attributes (rro, ...), idmap/ridmap, tmpcopyup, relative
   destinations. */
int mounts_setup_rootfs (const struct oci_config *c, const char *rootfs_abs, const char *bundle_abs,
                         bool no_pivot, struct husk_error **err);

#endif
