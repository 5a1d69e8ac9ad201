/* Namespaces: the clone flags of the namespaces a container creates. */
#ifndef HUSK_NAMESPACES_H
#define HUSK_NAMESPACES_H

#include <stddef.h>

#include "error.h"
#include "oci_config.h"

/* *flags = the CLONE_NEW* flags for every linux.namespaces entry that asks
   for a new namespace (no path): pid, network, ipc, uts, mount, cgroup.
   Refused, with a message naming the entry: a path (joining is not supported
   yet), user and time namespaces (not supported yet), a kind listed twice,
   and a config without a mount namespace (husk always pivots into the rootfs,
   which needs one).  An unknown kind is impossible after parsing but is
   refused too. */
int namespaces_clone_flags (const struct oci_config *c, int *flags, struct husk_error **err);

#endif
