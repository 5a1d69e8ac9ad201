/* Namespaces: which namespaces the container init gets, new or joined by
   path, and in what order it enters them. */
#ifndef HUSK_NAMESPACES_H
#define HUSK_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_config.h"

/* One linux.namespaces entry with a path: its kind and the opened file. */
struct namespaces_join
{
  int flag; /* CLONE_NEW* of the kind */
  int fd;   /* the opened path, checked to be that kind */
};

/* linux.namespaces, checked and with every path opened.
     new_flags     every kind made new (CLONE_NEW*)
     clone_flags   the part of new_flags made by clone3 itself
     intermediate  the init is cloned by an intermediate child (below)
     joins         every kind joined by path
   The split, and why (man 7 namespaces, setns(2), clone(2)):
     - pid, net, ipc, uts and time are joined by husk itself just before
       clone3 and left again right after (namespaces_enter_joined /
       namespaces_leave_joined): a pid namespace only takes effect for
       children (pid_for_children), and an init born in the others needs
       no privilege over them, which an init in a new user namespace would
       lack;
     - user, mount and cgroup are joined by the init, in that order: a
       user namespace cannot be left again; joining a mount namespace
       moves the caller's root and cwd to its root, which husk must keep;
       the init's cgroup namespace must be entered once it is in its
       cgroups;
     - with a joined user namespace, the new kinds are made after it was
       joined, so that they belong to it: unshared by the init, except a
       new pid namespace, which only a child can be born in: then an
       intermediate child of husk joins the user namespace and clone3s
       the init in the new kinds with CLONE_PARENT (the init is husk's
       child as always), hands its pid to husk and exits;
     - ipc, with a new or joined user namespace, is made by the init too,
       once it is that namespace's root: the root of the ipc namespace's
       mqueue belongs to the uid and gid that made it;
     - cgroup and time are always made by the init (unshare): cgroup after
       the init is in its cgroups, time because clone3 would start
       the init in the new time namespace before its offsets are written
       (they freeze when the first process enters it).
   A joined mount namespace gets the same rootfs setup as a new one (as in
   runc): husk's mounts and pivot_root into root.path happen in it, and
   root.path, the bundle and mount sources are opened there (husk checks
   root.path on its side first: it must exist in both).
   Refused, with a message naming the entry: an unknown kind, a kind
   listed twice, a relative or missing path, a path that is not a
   namespace of its kind, husk's own user or mount namespace (setns
   refuses the first; pivot_root in the second would move the root of
   every process in it), a joined mount namespace the container's root could not
   mount in (with a new user namespace, or not owned by the joined one),
   a time namespace on a kernel without them, and linux.timeOffsets
   without a new time namespace.  No mount namespace at all is the host's
   (husk chroots into root.path, as runc): then every member that would
   be a mount is refused by name (mounts, root.readonly, maskedPaths,
   readonlyPaths, rootfsPropagation, devices). */
struct namespaces_plan
{
  int listed_flags;                /* every kind listed, new or joined */
  int new_flags;
  int clone_flags;
  bool intermediate;
  struct namespaces_join joins[8];
  size_t n_joins;
};

int namespaces_plan (const struct oci_config *c, struct namespaces_plan *plan, struct husk_error **err);
void namespaces_plan_close (struct namespaces_plan *plan);

/* The joined fd of a kind, or -1. */
int namespaces_joined_fd (const struct namespaces_plan *plan, int flag);

/* Whether the kind is joined by a path that is husk's own namespace. */
bool namespaces_joins_own (const struct namespaces_plan *plan, int flag);

/* In husk, around clone3: enters the joined pid, net, ipc, uts and time
   namespaces (saving fds of husk's own in saved[]), then leaves them. */
#define NAMESPACES_SAVED_MAX 8
int namespaces_enter_joined (const struct namespaces_plan *plan, int saved[NAMESPACES_SAVED_MAX],
                             struct husk_error **err);
int namespaces_leave_joined (int saved[NAMESPACES_SAVED_MAX], struct husk_error **err);

/* Joins the user namespace of linux.namespaces, if one is joined: in the
   init, or in the intermediate child before it clones the init. */
int namespaces_join_user (const struct namespaces_plan *plan, struct husk_error **err);

/* In the init, first thing after the parent recorded it: joins the user
   namespace (unless the intermediate did), then the mount namespace,
   becomes the root of a joined or new user namespace (the parent wrote
   the maps of a new one), and unshares what clone3 left to it (except
   time and cgroup). */
int namespaces_init_enter (const struct namespaces_plan *plan, struct husk_error **err);

/* In the init, once it is in its cgroups: unshares or joins the cgroup
   namespace. */
int namespaces_init_cgroup (const struct namespaces_plan *plan, struct husk_error **err);

/* In the init: unshares a new time namespace, has the parent write
   linux.timeOffsets (SYNC_TIMENS / SYNC_TIMENS_DONE over sync_fd), then
   enters it itself. */
int namespaces_init_time (const struct namespaces_plan *plan, int sync_fd, struct husk_error **err);

/* In husk: writes linux.timeOffsets to /proc/PID/timens_offsets. */
int namespaces_write_time_offsets (int pid, const struct oci_time_offsets *o, struct husk_error **err);

#endif
