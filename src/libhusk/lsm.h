/* Linux security module labels: process.apparmorProfile,
   process.selinuxLabel, linux.mountLabel. */
#ifndef HUSK_LSM_H
#define HUSK_LSM_H

#include "error.h"
#include "oci_config.h"

/* In the parent, before anything is made.  An empty or absent label
   changes nothing.  A label for an LSM that is not enabled on this host is
   an error, as runc makes it (running the container unconfined would
   silently drop what the config asked for).  A SELinux label must be
   printable ASCII without blanks, quotes or backslashes (checked on every
   host), and a context the loaded policy knows (asked of selinuxfs, so
   that a bad one fails here, before anything exists).  Errors name
   SOURCE ("config.json", "exec") and the field. */
int lsm_check (const struct oci_config *c, const char *source, struct husk_error **err);

/* exec: a process that names no AppArmor profile or SELinux label takes
   the container's, as runc's exec does. */
void lsm_inherit (struct oci_process *p, const struct oci_process *container);

/* The procfs the labels are written through, opened while /proc is still
   the one husk was started with (before the container's mounts or a
   setns into its mount namespace: the container's /proc is its own to
   fake), as an O_PATH fd at or above MIN_FD.  -1 when P has no label to
   apply. */
int lsm_open_proc (const struct oci_process *p, int min_fd, int *procfd, struct husk_error **err);

/* In the process about to execve, while it is still root and before
   no_new_privs and seccomp, through PROCFD: "exec PROFILE" into its
   /proc/thread-self/attr/apparmor/exec (attr/exec on kernels before 5.8),
   the SELinux label into attr/exec, so that the execve enters them.
   Errors name SOURCE ("config.json", "exec") and the field. */
int lsm_apply_exec (const struct oci_process *p, int procfd, const char *source, struct husk_error **err);

/* Right before the session keyring is made: the SELinux label into
   /proc/thread-self/attr/keycreate, so that the keyring carries the
   process's label, as runc does.  The execve clears it. */
int lsm_apply_keycreate (const struct oci_process *p, int procfd, const char *source, struct husk_error **err);

/* linux.mountLabel, or NULL when absent or empty (mounts.c gives it to
   the filesystems it mounts as their context). */
const char *lsm_mount_label (const struct oci_config *c);

#endif
