/* The cgroup driver interface: a container's cgroups on v1, v2 and hybrid
   hosts, created, joined, limited, frozen, killed and removed. */
#ifndef HUSK_CGROUP_H
#define HUSK_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "oci_config.h"

/* The host's layout, from the cgroup mounts husk sees. */
enum cgroup_layout
{
  CGROUP_LAYOUT_V1,     /* only v1 hierarchies */
  CGROUP_LAYOUT_V2,     /* only the unified hierarchy */
  CGROUP_LAYOUT_HYBRID, /* v1 hierarchies plus a cgroup2 mount (e.g.
                           /sys/fs/cgroup/unified): both are used */
};
const char *cgroup_layout_name (enum cgroup_layout l);

/* One of the container's cgroup directories: one per mounted hierarchy. */
struct cgroup_dir
{
  char *path;  /* absolute host path of the container's cgroup */
  char *mount; /* where its hierarchy is mounted */
  bool v2;
  char *controllers; /* v1: the mount's controllers ("cpu,cpuacct",
                        "name=systemd"); v2: cgroup.controllers of the
                        hierarchy's root, space-separated */
  int created;       /* how many trailing path components husk made (and
                        removes); 0: the cgroup existed, it is left alone */
};

/* A container's cgroups.  Without a layout change, every container has the
   same list of directories, one per hierarchy. */
struct cgroup
{
  enum cgroup_layout layout;
  struct cgroup_dir *dirs;
  size_t n;
};
void cgroup_free (struct cgroup *cg);

/* The cgroup path a container gets without linux.cgroupsPath:
   "/husk/<id>", absolute, i.e. under the root of every hierarchy. */
char *cgroup_default_path (const char *id);

/* Resolves cgroups_path (NULL: the default) against the host's
   hierarchies: an absolute path is taken under each hierarchy's root, a
   relative one under husk's own cgroup in that hierarchy.  The systemd
   form "slice:prefix:name" is refused.  Nothing is made. */
int cgroup_resolve (const char *cgroups_path, const char *id, struct cgroup **out, struct husk_error **err);

/* The record of a container's cgroups in its state dir (cgroup.json,
   written atomically): written before any directory is made, so that a
   husk killed at any instant leaves enough for `delete --force`.
   `resources` (may be NULL) are the limits applied, kept for `update`. */
int cgroup_record_write (int state_dirfd, const struct cgroup *cg, const struct oci_resources *res,
                         struct husk_error **err);
/* *out = NULL (and 0) when the container has no record (none was made).
   res may be NULL; *res is NULL when no resources were recorded. */
int cgroup_record_read (int state_dirfd, struct cgroup **out, struct oci_resources **res,
                        struct husk_error **err);
/* For delete: the record, checked against what create would have made
   for id with cgroups_path (the saved config's; NULL: the default), since
   the file may be garbled.  A record that cannot be read, or names another
   cgroup, or is missing while the expected cgroup exists, is replaced by
   that expectation, and *note (to free) says why. */
int cgroup_record_read_checked (int state_dirfd, const char *id, const char *cgroups_path,
                                struct cgroup **out, char **note, struct husk_error **err);
/* After `update`: the recorded resources with upd's members merged in. */
int cgroup_record_update (int state_dirfd, const struct oci_resources *upd, struct husk_error **err);

/* Makes the directories (cpuset v1 gets its parent's cpus and mems; v2
   parents get every controller enabled for their children). */
int cgroup_create (struct cgroup *cg, struct husk_error **err);

/* Clears the members runc reads as unset when 0 (or ""): memory limit,
   reservation, swap and kernel limits, cpu shares, quota, period, the
   realtime ones, cpus and mems, pids.limit, the blockIO weights and
   network.classID.  For update: a member 0 is left as it is. */
void cgroup_resources_drop_unset (struct oci_resources *r);
/* A copy of r with those members cleared (oci_resources_free). */
struct oci_resources *cgroup_resources_copy_set (const struct oci_resources *r);

static inline void
cgroup_resources_freep (struct oci_resources **r)
{
  oci_resources_free (*r);
}
#define _cleanup_resources_ __attribute__ ((cleanup (cgroup_resources_freep)))

/* Writes every member of res that is set (cgroup_resources_drop_unset),
   after checking the values no kernel takes (so that a bad one changes
   nothing), naming the config field on failure
   (`linux.resources.memory.limit: ...`).  A controller the config needs but
   the host lacks is an error naming both.  update: res changes only the
   members it sets (devices are replaced as a whole). */
int cgroup_apply (const struct cgroup *cg, const struct oci_resources *res, bool update,
                  struct husk_error **err);

/* An fd of the unified hierarchy's directory, for clone3's
   CLONE_INTO_CGROUP; -1 without one. */
int cgroup_clone_fd (const struct cgroup *cg);

/* Moves the calling (single-threaded) process into every directory;
   in_v2: clone3 put it in the unified one already (CLONE_INTO_CGROUP). */
int cgroup_join_self (const struct cgroup *cg, bool in_v2, struct husk_error **err);

/* The pids in the container's cgroup (sorted, without duplicates). */
int cgroup_pids (const struct cgroup *cg, pid_t **pids, size_t *n, struct husk_error **err);

int cgroup_freeze (const struct cgroup *cg, bool frozen, struct husk_error **err);
/* Whether the container's cgroup is frozen (paused). */
bool cgroup_is_frozen (const struct cgroup *cg);

/* Signals every process: cgroup.kill for SIGKILL where the kernel has it,
   else freeze, signal each, thaw. */
int cgroup_kill_all (const struct cgroup *cg, int sig, struct husk_error **err);

/* SIGKILLs what is left, waits until the cgroups are empty, and removes the
   directories husk made. */
int cgroup_destroy (const struct cgroup *cg, struct husk_error **err);

/* How many processes the OOM killer killed in the container's cgroup. */
long long cgroup_oom_kills (const struct cgroup *cg);

/* The statistics of `husk events` as runc's JSON "data" object. */
int cgroup_stats_json (const struct cgroup *cg, char **json, struct husk_error **err);

/* Mounts the container's cgroups on the directory target (an O_PATH fd
   inside the container's rootfs), for a mounts[] entry of type "cgroup"
   or "cgroup2": on a v2 host one cgroup2 mount; on v1 and hybrid hosts a
   tmpfs with one directory per hierarchy ("memory", "systemd", "unified";
   combined ones as "cpu,cpuacct" plus a symlink per controller).  In a
   cgroup namespace the mounts are fresh ones, whose root is the
   namespace's (the container's cgroup); without one, bind mounts of the
   container's own cgroups.  Always nosuid, nodev, noexec; read-only when
   asked.  The tmpfs gets the SELinux context (linux.mountLabel) when not
   NULL; cgroup filesystems are labelled by the policy.  Called by the init
   once it is in its cgroups (and, with one, its cgroup namespace). */
int cgroup_mount_container (int target, bool readonly, const char *context, struct husk_error **err);

/* ---- internal to src/libhusk/cgroup/ ---- */

/* The hierarchies husk is in (/proc/self/cgroup) that are mounted. */
struct hierarchy
{
  bool v2;
  char *controllers; /* as /proc/self/cgroup lists them ("cpu,cpuacct") */
  char *own;         /* husk's cgroup in it */
  char *mount;       /* its mount point */
  char *mount_root;  /* the cgroup mounted there ("/" usually) */
};
int cgroup_hierarchies_detect (struct hierarchy **out, size_t *n, struct husk_error **err);
void cgroup_hierarchies_free (struct hierarchy *h, size_t n);

/* The directory holding controller `name` ("memory", "hugetlb"), or NULL
   when no hierarchy has it. */
const struct cgroup_dir *cgroup_find (const struct cgroup *cg, const char *name);

/* Writes value to <dir>/<file>; on failure the message names `field` (a
   config JSON path) when given. */
int cgroup_write (const struct cgroup_dir *d, const char *file, const char *value, const char *field,
                  struct husk_error **err);
/* Reads <dir>/<file>, trailing newline stripped; NULL when unreadable. */
char *cgroup_read (const struct cgroup_dir *d, const char *file);
/* Whether name is an item of list (items separated by sep; a newline
   ends the last one, as in cgroup files). */
bool cgroup_list_has (const char *list, const char *name, char sep);
bool cgroup_has_file (const struct cgroup_dir *d, const char *file);

/* Per layout. */
/* A new v1 cpuset cgroup has no cpus and mems: nothing could join it. */
int cgroup_v1_cpuset_inherit (const char *dir, struct husk_error **err);
int cgroup_v1_freeze (const struct cgroup_dir *d, bool frozen, struct husk_error **err);
/* Enables every available controller for the children of each ancestor
   of the leaf, from the mount down. */
void cgroup_v2_enable_controllers (const struct cgroup_dir *d);
/* Whether the leaf has controller `name` (enabled by its parent). */
bool cgroup_v2_has_controller (const struct cgroup_dir *d, const char *name);
int cgroup_v2_freeze (const struct cgroup_dir *d, bool frozen, struct husk_error **err);

/* Devices: the rules of linux.resources.devices followed by the ones every
   container gets (runc's), reduced the way the v1 devices controller keeps
   them: a default verdict and exceptions, one per type and numbers.
   linux.devices grants nothing.  A bad rule is an error naming it. */
struct cgroup_devices;
int cgroup_devices_build (const struct oci_resources *res, struct cgroup_devices **out,
                          struct husk_error **err);
void cgroup_devices_free (struct cgroup_devices *d);
/* Makes the container's device cgroup hold exactly d: on v1 the writes
   that take devices.list from what it holds to d (none when equal), never
   taking away meanwhile what d keeps; on v2 a new BPF program, attached
   before the old one is detached.  current: the rules in force (`update`),
   NULL at create; on v2, d equal to it changes nothing. */
int cgroup_devices_apply (const struct cgroup *cg, const struct cgroup_devices *d,
                          const struct cgroup_devices *current, struct husk_error **err);
struct cgroup_device_rule
{
  bool allow;
  char type;            /* 'a', 'c', 'b' */
  int64_t major, minor; /* -1: any */
  unsigned access;      /* CGROUP_DEV_* bits */
};
enum
{
  CGROUP_DEV_MKNOD = 1,
  CGROUP_DEV_READ = 2,
  CGROUP_DEV_WRITE = 4
};
struct cgroup_devices
{
  bool default_allow;
  size_t n;
  struct cgroup_device_rule *ex; /* sorted; type 'c' or 'b', allow the
                                    opposite of default_allow */
};
int cgroup_devices_bpf_attach (const char *dir, const struct cgroup_devices *d, struct husk_error **err);

#endif
