/* Linux security module labels: process.apparmorProfile,
   process.selinuxLabel, linux.mountLabel. */
#ifndef HUSK_LSM_H
#define HUSK_LSM_H

#include "error.h"
#include "oci_config.h"

/* In the parent, before anything is made.  An empty or absent label
   changes nothing.  A label for an LSM that is not enabled on this host is
   an error, as runc makes it (running the container unconfined would
   silently drop what the config asked for); husk does not apply labels
   yet, so one for an enabled LSM is refused as not supported. */
int lsm_check (const struct oci_config *c, struct husk_error **err);

#endif
