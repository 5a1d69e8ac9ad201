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
     new_flags    every kind made new (CLONE_NEW*)
     clone_flags  the part of new_flags made by clone3 itself
     joins        every kind joined by path
   The split, and why (man 7 namespaces, setns(2), clone(2)):
     - pid, net, ipc, uts and time are joined by husk itself just before
       clone3 and left again right after (namespaces_enter_joined /
       namespaces_leave_joined): a pid namespace only takes effect for
       children (pid_for_children), and an init born in the others needs
       no privilege over them, which an init in a new user namespace would
       lack;
     - user and cgroup are joined by the init: a user namespace cannot be
       left again, and the init's cgroup namespace must be entered after
       the parent put it in its cgroups;
     - with a joined user namespace, the new kinds are unshared by the init
       after it joined it, so that they belong to it (a new pid namespace
       would need a second fork there: refused);
     - cgroup and time are always made by the init (unshare): cgroup after
       the parent put it in its cgroups, time because clone3 would start
       the init in the new time namespace before its offsets are written
       (they freeze when the first process enters it).
   Refused, with a message naming the entry: an unknown kind, a kind
   listed twice, a relative or missing path, a path that is not a
   namespace of its kind, a mount namespace joined by path or left out
   (husk pivots into root.path in a new one), a time namespace on a
   kernel without them, a new pid namespace with a joined user namespace,
   and linux.timeOffsets without a new time namespace. */
struct namespaces_plan
{
  int new_flags;
  int clone_flags;
  struct namespaces_join joins[8];
  size_t n_joins;
};

int namespaces_plan (const struct oci_config *c, struct namespaces_plan *plan, struct husk_error **err);
void namespaces_plan_close (struct namespaces_plan *plan);

/* The joined fd of a kind, or -1. */
int namespaces_joined_fd (const struct namespaces_plan *plan, int flag);

/* In husk, around clone3: enters the joined pid, net, ipc, uts and time
   namespaces (saving fds of husk's own in saved[]), then leaves them. */
#define NAMESPACES_SAVED_MAX 8
int namespaces_enter_joined (const struct namespaces_plan *plan, int saved[NAMESPACES_SAVED_MAX],
                             struct husk_error **err);
int namespaces_leave_joined (int saved[NAMESPACES_SAVED_MAX], struct husk_error **err);

/* In the init, first thing after the parent recorded it: joins the user
   namespace (then becomes its root), unshares what clone3 left to it
   (except time and cgroup), joins nothing else (the parent did).  In a
   new user namespace, becomes its root too: the parent wrote the maps. */
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
