/* User namespace id maps: linux.uidMappings and linux.gidMappings. */
#ifndef HUSK_IDMAP_H
#define HUSK_IDMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "oci_config.h"

/* Checks the maps against the namespaces: maps need a new user namespace
   (a joined one has its own); a new one needs both maps, with container
   uid and gid 0 mapped (the init sets the container up as its root), and
   process.user's uid, gid and additionalGids mapped.  Each map: at most
   340 ranges (the kernel's limit), none empty, overflowing or overlapping
   another on either side. */
int idmap_check (const struct oci_config *c, bool new_userns, struct husk_error **err);

/* As root of the parent namespace: writes /proc/PID/uid_map and gid_map.
   setgroups stays "allow" (process.user.additionalGids needs it): the
   kernel only requires "deny" before an unprivileged writer's gid_map. */
int idmap_write (int pid, const struct oci_config *c, struct husk_error **err);

/* The host id of container id `id` under `maps` (the same id when there
   are none).  False when it is not mapped. */
bool idmap_to_host (const oci_id_mappingv *maps, uint32_t id, uint32_t *host);

#endif
