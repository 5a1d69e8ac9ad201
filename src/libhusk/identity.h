/* The container process's identity: user, groups, umask. */
#ifndef HUSK_IDENTITY_H
#define HUSK_IDENTITY_H

#include "error.h"
#include "oci_config.h"

/* The environment is exactly process.env: husk adds no HOME.  runc and
   crun add one from the container's /etc/passwd when it is unset; the
   engines above them (podman, containerd, CRI-O) put HOME in process.env
   themselves, so husk keeps the config's environment as given.

   In husk, before anything is made.  process.user.username is refused:
   the spec defines it for Windows; on Linux the user is uid and gid, and
   husk does not look names up in the container's /etc/passwd. */
int identity_check (const struct oci_process *p, struct husk_error **err);

/* In the init, after the capabilities are prepared (PR_SET_KEEPCAPS):
   setgroups(additionalGids) (also when empty: the host's groups must not
   follow), setgid, setuid (all three ids of each), then the umask
   (process.user.umask, else 0022 as runc and crun use).  Ids are the
   container's (inside a user namespace, as it maps them). */
int identity_switch (const struct oci_process *p, struct husk_error **err);

#endif
