/* Linux security module labels: process.apparmorProfile,
   process.selinuxLabel, linux.mountLabel. */
#ifndef HUSK_LSM_H
#define HUSK_LSM_H

#include "error.h"
#include "oci_config.h"

/* In the parent, before anything is made.  An empty or absent label
   changes nothing.  A label for an LSM that is not enabled on this host is
   an error, as runc makes it (running the container unconfined would
   silently drop what the config asked for).  An AppArmor profile is
   applied (lsm_apply_exec); SELinux labels are refused as not supported
   yet. */
int lsm_check (const struct oci_config *c, struct husk_error **err);

/* exec: a process that names no AppArmor profile takes the container's,
   as runc's exec does. */
void lsm_inherit (struct oci_process *p, const struct oci_process *container);

/* The procfs the label is written through, opened while /proc is still
   the one husk was started with (before the container's mounts or a
   setns into its mount namespace: the container's /proc is its own to
   fake), as an O_PATH fd at or above MIN_FD.  -1 when P has no label to
   apply. */
int lsm_open_proc (const struct oci_process *p, int min_fd, int *procfd, struct husk_error **err);

/* In the process about to execve, while it is still root and before
   no_new_privs and seccomp: "exec PROFILE" into its
   /proc/thread-self/attr/apparmor/exec (attr/exec on kernels before 5.8),
   through PROCFD, so that the execve enters the profile.  Errors name
   SOURCE ("config.json", "exec") and the field. */
int lsm_apply_exec (const struct oci_process *p, int procfd, const char *source, struct husk_error **err);

#endif
