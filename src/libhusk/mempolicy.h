/* linux.memoryPolicy: the NUMA memory policy of the container's processes,
   set with set_mempolicy(2) (no libnuma). */
#ifndef HUSK_MEMPOLICY_H
#define HUSK_MEMPOLICY_H

#include "error.h"
#include "oci_config.h"

/* At create, before anything is made (mp may be NULL): the node list's
   syntax, every node online on the host (/sys/devices/system/node/online;
   MPOL_F_RELATIVE_NODES numbers are relative, and only bounded), and the
   kernel's rules for the mode, the nodes and the flags:
     config.json: linux.memoryPolicy.nodes: required with MPOL_BIND */
int mempolicy_check (const struct oci_memory_policy *mp, struct husk_error **err);

/* In the process, right before its execve (init and exec; mp may be NULL). */
int mempolicy_apply (const struct oci_memory_policy *mp, struct husk_error **err);

#endif
