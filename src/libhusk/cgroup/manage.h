/* The commands that work on a container's cgroups: update, pause, resume,
   ps, events, and the cgroup steps of create, kill --all and delete. */
#ifndef HUSK_CGROUP_MANAGE_H
#define HUSK_CGROUP_MANAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "oci_config.h"

/* create: resolves linux.cgroupsPath, records the cgroups in the state dir,
   makes them and applies linux.resources and the device rules.  *out is
   the caller's (cgroup_free) also on failure, so that it can be
   destroyed. */
int cgroup_container_setup (int state_dirfd, const struct oci_config *c, const char *id, struct cgroup **out,
                            struct husk_error **err);

/* delete: removes the recorded cgroups (killing what is left in them). */
int cgroup_container_remove (int state_dirfd, struct husk_error **err);

/* Whether the container's cgroup is frozen; false without a record. */
bool cgroup_container_paused (int state_dirfd);

/* kill --all: every process of the container's cgroup. */
int cgroup_container_kill_all (int state_dirfd, int sig, struct husk_error **err);

int container_update (const char *root, const char *id, const struct oci_resources *res,
                      struct husk_error **err);
/* pause (freeze true) or resume (false). */
int container_freeze (const char *root, const char *id, bool freeze, struct husk_error **err);
/* The pids of the container's cgroup, sorted. */
int container_pids (const char *root, const char *id, pid_t **pids, size_t *n, struct husk_error **err);
/* runc's `events --stats` object for the container: {"type":"stats","id":..,"data":{..}}.
 *running: whether the container is still running (events stops when not). */
int container_stats (const char *root, const char *id, char **json, bool *running, struct husk_error **err);
/* `spec`: whether the host has only the unified hierarchy (cgroup2 on
   /sys/fs/cgroup), where runc's default config has a cgroup namespace. */
bool cgroup_host_unified (void);
/* The count of OOM kills in the container's cgroup, for `events`. */
int container_oom_kills (const char *root, const char *id, long long *n, struct husk_error **err);

#endif
