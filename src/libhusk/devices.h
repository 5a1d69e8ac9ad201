/* /dev: the default devices and symlinks, linux.devices, the console. */
#ifndef HUSK_DEVICES_H
#define HUSK_DEVICES_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"

/* Called by mounts_setup_rootfs before pivot_root (the host's /dev is still
   reachable for the bind fallback), after mounts[] and /dev/pts, /dev/shm.
   rootfd: the rootfs; every path is resolved inside it (mounts_open_create).
   - linux.devices, always: type c, u, b with major/minor, p; fileMode
     (default 0666, umask not applied), uid, gid.  Made with mknod; where
     mknod is not allowed (EPERM, a user namespace) an empty file is
     created and the host's device at the same path is bind-mounted on it.
     A path that already exists is left alone if it is the same device
     (it may be the host's, through a bind of /dev), refused otherwise.
   - when `populate` (/dev is husk's tmpfs or a configured tmpfs): null,
     zero, full, random, urandom, tty (same fallback), and the symlinks
     fd, stdin, stdout, stderr, core, ptmx -> pts/ptmx; entries that exist
     already (from linux.devices) are kept.
   - when process.terminal: an empty /dev/console to bind the pty on. */
int devices_setup (const struct oci_config *c, int rootfd, bool populate, struct husk_error **err);

/* In the init after pivot_root, once the pty exists (terminal_new_pty):
   binds the pty slave onto /dev/console, resolved inside the container
   without following symlinks, so that the container's /dev/console is its
   terminal (as runc and crun do).  /dev/console is created if missing. */
int devices_bind_console (int pty_slave, struct husk_error **err);

#endif
