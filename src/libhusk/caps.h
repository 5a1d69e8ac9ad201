/* process.capabilities: the five capability sets, checked and applied. */
#ifndef HUSK_CAPS_H
#define HUSK_CAPS_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"

/* In the parent, before anything is made (husk's bounding set is the one
   the init starts with): every name is known to the running kernel; every
   capability of effective, permitted, inheritable and ambient is in
   husk's bounding set; and the sets obey capset(2)'s rules (effective
   within permitted, inheritable within bounding), so that a config
   capset(2) would refuse with a bare EPERM gets an error naming the set
   and the capability.  An ambient capability that is not both permitted
   and inheritable is not raised, as with runc (runc 1.1 spec writes
   ambient without inheritable): one warning names them all.  src names
   the process's origin in messages ("config.json", "exec").  A capability
   listed in bounding alone that husk itself lacks cannot be given to the
   container (a bounding set only shrinks): a warning, and the container's
   bounding set is the intersection, as with runc.  `caps` may be NULL (no
   capabilities object: the sets are left as they are). */
int caps_check (const struct oci_capabilities *caps, const char *src, struct husk_error **err);

/* In the init, still uid 0 and fully privileged: drops from the bounding
   set every capability not in caps->bounding, and sets PR_SET_KEEPCAPS so
   that the permitted set survives the change to a non-root uid.
   keep_sys_admin: CAP_SYS_ADMIN must survive until seccomp_load (a filter
   without no_new_privs needs it); set keep-caps for it even when `caps` is
   NULL. */
int caps_prepare (const struct oci_capabilities *caps, bool keep_sys_admin,
                  struct husk_error **err);

/* In the init, after the uid/gid change: effective, permitted and
   inheritable as configured (libcap), then the ambient set (PR_CAP_AMBIENT,
   last: a capability can only be raised there once it is permitted and
   inheritable; those that are not are left out, as caps_check warned).  keep_sys_admin adds CAP_SYS_ADMIN to effective and
   permitted until the execve: harmless, because execve(2) computes the new
   permitted and effective sets from bounding, inheritable and ambient only
   (capabilities(7), "Transformation of capabilities during execve"), never
   from the old permitted set. */
int caps_apply (const struct oci_capabilities *caps, bool keep_sys_admin, struct husk_error **err);

#endif
