/* linux.sysctl: namespaced kernel parameters, written in the container. */
#ifndef HUSK_SYSCTL_H
#define HUSK_SYSCTL_H

#include "error.h"
#include "oci_config.h"

/* Every key must be a namespaced parameter whose namespace the container
   creates, or joins by a path that is not the host's namespace (compared
   with husk's own: call it in the host's namespaces, at create): net.* (network), kernel.shm*, kernel.msg*,
   kernel.sem*, fs.mqueue.* (ipc), kernel.hostname and kernel.domainname
   (uts).  Anything else would change the host and is refused:
     config.json: linux.sysctl: "vm.swappiness" is not namespaced: refusing to change the host
   Keys use "." (net.ipv4.ip_forward) or "/" (net/ipv4/conf/eth0.1/forwarding,
   where a dot belongs to a name) as separators; "." and ".." components
   and empty ones are refused. */
int sysctl_check (const struct oci_config *c, struct husk_error **err);

/* After pivot_root: writes every value under the container's /proc/sys
   (root: a descriptor of the container's "/"), each file opened beneath
   /proc/sys without following symlinks or crossing mounts.  The init is
   in the container's namespaces, so the values land there. */
int sysctl_apply (const struct oci_config *c, int root, struct husk_error **err);

#endif
