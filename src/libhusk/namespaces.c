/* Namespaces: new or joined by path, checked up front, entered in order. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "cleanup.h"
#include "log.h"
#include "namespaces.h"
#include "oci_tables.h"
#include "sync.h"

/* Kinds husk joins around clone3 (see namespaces.h for why). */
#define NAMESPACES_JOINED_BY_HUSK (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWTIME)
/* Kinds the init always makes itself. */
#define NAMESPACES_MADE_BY_INIT (CLONE_NEWCGROUP | CLONE_NEWTIME)

static const struct oci_namespace_kind *
kind_of_flag (int flag)
{
  for (const struct oci_namespace_kind *k = oci_namespace_kinds; k->name; k++)
    if (k->clone_flag == flag)
      return k;
  return NULL;
}

/* Opens a namespace path and checks it is one, of the expected kind. */
static int
open_namespace (const struct oci_namespace *ns, size_t i, const struct oci_namespace_kind *kind, int *fd_out,
                struct husk_error **err)
{
  if (ns->path[0] != '/')
    return husk_error_set (err, "config.json: linux.namespaces[%zu].path \"%s\": must be an absolute path", i,
                           ns->path);
  _cleanup_close_ int fd = open (ns->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "config.json: linux.namespaces[%zu].path \"%s\"", i, ns->path);
  int type = ioctl (fd, NS_GET_NSTYPE);
  if (type < 0)
    return husk_error_set (err, "config.json: linux.namespaces[%zu].path \"%s\": not a namespace", i,
                           ns->path);
  if (type != kind->clone_flag)
    {
      const struct oci_namespace_kind *real = kind_of_flag (type);
      return husk_error_set (err,
                             "config.json: linux.namespaces[%zu].path \"%s\": a namespace of kind %s, not %s",
                             i, ns->path, real ? real->name : "unknown", kind->name);
    }
  *fd_out = steal_fd (&fd);
  return 0;
}

/* Whether FD is the namespace husk itself is in, of KIND. */
static bool
is_own_namespace (int fd, const struct oci_namespace_kind *kind)
{
  _cleanup_free_ char *own = xasprintf ("/proc/self/ns/%s", kind->proc_name);
  struct stat a, b;
  return fstat (fd, &a) == 0 && stat (own, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

bool
namespaces_joins_own (const struct namespaces_plan *plan, int flag)
{
  int fd = namespaces_joined_fd (plan, flag);
  const struct oci_namespace_kind *kind = kind_of_flag (flag);
  return fd >= 0 && kind && is_own_namespace (fd, kind);
}

/* Joined namespaces that are husk's own, refused by kind: a user
   namespace cannot be joined by a process already in it (setns(2):
   EINVAL), and in husk's mount namespace pivot_root would move the root
   of every process sharing it (pivot_root(2)). */
static const struct
{
  int flag;
  const char *why;
} own_refused[] = {
  { CLONE_NEWUSER, "husk's own user namespace (leave the path out to share it)" },
  { CLONE_NEWNS, "husk's own mount namespace (husk pivots into root.path in it)" },
};

static int
plan_entry (const struct oci_namespace *ns, size_t i, struct namespaces_plan *plan, int *seen,
            struct husk_error **err)
{
  const struct oci_namespace_kind *kind = oci_namespace_kind_find (ns->type);
  if (kind == NULL)
    return husk_error_set (err, "config.json: linux.namespaces[%zu].type: unknown namespace \"%s\"", i,
                           ns->type ? ns->type : "");
  if (*seen & kind->clone_flag)
    return husk_error_set (err, "config.json: linux.namespaces[%zu]: duplicate namespace \"%s\"", i,
                           kind->name);
  *seen |= kind->clone_flag;
  if (kind->clone_flag == CLONE_NEWTIME && access ("/proc/self/ns/time", F_OK) < 0)
    return husk_error_set (err, "config.json: linux.namespaces[%zu]: this kernel has no time namespaces", i);
  if (ns->path == NULL)
    {
      plan->new_flags |= kind->clone_flag;
      return 0;
    }
  struct namespaces_join *j = &plan->joins[plan->n_joins];
  if (open_namespace (ns, i, kind, &j->fd, err) < 0)
    return -1;
  j->flag = kind->clone_flag;
  plan->n_joins++;
  for (size_t k = 0; k < sizeof own_refused / sizeof *own_refused; k++)
    if (own_refused[k].flag == kind->clone_flag && is_own_namespace (j->fd, kind))
      return husk_error_set (err, "config.json: linux.namespaces[%zu].path \"%s\": %s", i, ns->path,
                             own_refused[k].why);
  return 0;
}

/* Whether the user namespace that owns namespace NS_FD is USER_FD's or
   one below it: only there does the root of USER_FD's namespace hold
   capabilities (user_namespaces(7)). */
static bool
owned_within (int ns_fd, int user_fd)
{
  struct stat want;
  if (fstat (user_fd, &want) < 0)
    return false;
  _cleanup_close_ int cur = ioctl (ns_fd, NS_GET_USERNS);
  while (cur >= 0)
    {
      struct stat st;
      if (fstat (cur, &st) < 0)
        return false;
      if (st.st_ino == want.st_ino && st.st_dev == want.st_dev)
        return true;
      /* EPERM at the top of what we may see: not below USER_FD. */
      int parent = ioctl (cur, NS_GET_PARENT);
      close (cur);
      cur = parent;
    }
  return false;
}

/* husk mounts and pivots in a joined mount namespace as in a new one:
   the container's root must hold CAP_SYS_ADMIN over it. */
static const char *
check_joined_mount (const struct namespaces_plan *plan)
{
  int mnt = namespaces_joined_fd (plan, CLONE_NEWNS);
  int user = namespaces_joined_fd (plan, CLONE_NEWUSER);
  if (mnt < 0)
    return NULL;
  if (plan->new_flags & CLONE_NEWUSER)
    return "config.json: linux.namespaces: a joined mount namespace with a new user namespace: "
           "the container's root could not mount in it";
  if (user >= 0 && !owned_within (mnt, user))
    return "config.json: linux.namespaces: the joined mount namespace does not belong to the joined "
           "user namespace: the container's root could not mount in it";
  return NULL;
}

/* No mount namespace listed: the container shares the host's mount table
   and husk only chroots into root.path (init.c, setup_root).  What would
   need a mount there is refused: runc 1.1 makes those mounts in the host's
   table and leaves them behind (it refuses only maskedPaths and
   readonlyPaths); a terminal goes without its /dev/console bind, with a
   warning. */
static const char *
check_without_mount_ns (const struct oci_config *c)
{
  const struct oci_linux *l = c->linux_;
  static const char why[] = "needs a mount namespace in linux.namespaces: without one it would be "
                            "a mount in the host's mount table";
  static char msg[256];
  const char *member = NULL;
  if (c->mounts.n > 0)
    member = "mounts[0]";
  else if (c->root && c->root->readonly)
    member = "root.readonly";
  else if (l && l->masked_paths.n > 0)
    member = "linux.maskedPaths";
  else if (l && l->readonly_paths.n > 0)
    member = "linux.readonlyPaths";
  else if (l && l->rootfs_propagation)
    member = "linux.rootfsPropagation";
  else if (l && l->devices.n > 0)
    member = "linux.devices[0]";
  if (member)
    {
      snprintf (msg, sizeof msg, "config.json: %s: %s", member, why);
      return msg;
    }
  if (c->process && c->process->terminal)
    log_warning ("config.json: process.terminal: /dev/console is not bound to the terminal: without a "
                 "mount namespace in linux.namespaces that would be a mount in the host's mount table");
  return NULL;
}

int
namespaces_plan (const struct oci_config *c, struct namespaces_plan *plan, struct husk_error **err)
{
  int seen = 0;
  memset (plan, 0, sizeof *plan);
  if (c->linux_ != NULL)
    for (size_t i = 0; i < c->linux_->namespaces.n; i++)
      if (plan_entry (&c->linux_->namespaces.v[i], i, plan, &seen, err) < 0)
        {
          namespaces_plan_close (plan);
          return -1;
        }
  plan->listed_flags = seen;
  const char *refusal = check_joined_mount (plan);
  if (!(seen & CLONE_NEWNS))
    refusal = check_without_mount_ns (c);
  if (refusal == NULL && c->linux_ && c->linux_->time_offsets && !(plan->new_flags & CLONE_NEWTIME))
    refusal = "config.json: linux.timeOffsets: needs a new time namespace in linux.namespaces";
  if (refusal == NULL && c->linux_ && c->linux_->time_offsets)
    {
      const struct oci_time_offsets *o = c->linux_->time_offsets;
      if ((o->monotonic && o->monotonic->nanosecs.v >= 1000000000)
          || (o->boottime && o->boottime->nanosecs.v >= 1000000000))
        refusal = "config.json: linux.timeOffsets: nanosecs must be below 1000000000";
    }
  if (refusal)
    {
      namespaces_plan_close (plan);
      return husk_error_set (err, "%s", refusal);
    }
  bool user_joined = namespaces_joined_fd (plan, CLONE_NEWUSER) >= 0;
  plan->intermediate = user_joined && (plan->new_flags & CLONE_NEWPID);
  if (!user_joined || plan->intermediate)
    plan->clone_flags = plan->new_flags & ~NAMESPACES_MADE_BY_INIT;
  /* In a user namespace of the container's, the init makes the ipc
     namespace once it is that namespace's root: the root of the mqueue
     filesystem of an ipc namespace belongs to the uid and gid that made
     it (ipc/mqueue.c), and made by clone3 it would be husk's, host root,
     which the container sees as the overflow uid.  runc makes it after
     its setuid 0 too. */
  if (user_joined || (plan->new_flags & CLONE_NEWUSER))
    plan->clone_flags &= ~CLONE_NEWIPC;
  return 0;
}

void
namespaces_plan_close (struct namespaces_plan *plan)
{
  for (size_t i = 0; i < plan->n_joins; i++)
    if (plan->joins[i].fd >= 0)
      close (plan->joins[i].fd);
  plan->n_joins = 0;
}

int
namespaces_joined_fd (const struct namespaces_plan *plan, int flag)
{
  for (size_t i = 0; i < plan->n_joins; i++)
    if (plan->joins[i].flag == flag)
      return plan->joins[i].fd;
  return -1;
}

int
namespaces_enter_joined (const struct namespaces_plan *plan, int saved[NAMESPACES_SAVED_MAX],
                         struct husk_error **err)
{
  for (size_t i = 0; i < NAMESPACES_SAVED_MAX; i++)
    saved[i] = -1;
  for (size_t i = 0, n = 0; i < plan->n_joins; i++)
    {
      const struct namespaces_join *j = &plan->joins[i];
      if (!(j->flag & NAMESPACES_JOINED_BY_HUSK))
        continue;
      const struct oci_namespace_kind *kind = kind_of_flag (j->flag);
      /* For pid, husk's own active namespace: setns back to it is allowed
         and restores pid_for_children. */
      _cleanup_free_ char *own = xasprintf ("/proc/self/ns/%s", kind->proc_name);
      saved[n] = open (own, O_RDONLY | O_CLOEXEC);
      if (saved[n] < 0)
        return husk_error_sys (err, errno, "open %s", own);
      if (setns (j->fd, j->flag) < 0)
        return husk_error_sys (err, errno, "join the %s namespace of linux.namespaces", kind->name);
      n++;
    }
  return 0;
}

int
namespaces_leave_joined (int saved[NAMESPACES_SAVED_MAX], struct husk_error **err)
{
  int ret = 0;
  for (size_t i = 0; i < NAMESPACES_SAVED_MAX && saved[i] >= 0; i++)
    {
      if (setns (saved[i], 0) < 0 && ret == 0)
        ret = husk_error_sys (err, errno, "return to husk's own namespaces");
      close (saved[i]);
      saved[i] = -1;
    }
  return ret;
}

/* The init came in as host root: in its user namespace it becomes the
   container's root (the maps are written), so that what it makes belongs
   to the mapped root and its capabilities apply there. */
static int
become_userns_root (struct husk_error **err)
{
  if (setresgid (0, 0, 0) < 0)
    return husk_error_sys (err, errno, "setgid 0 in the user namespace");
  if (setresuid (0, 0, 0) < 0)
    return husk_error_sys (err, errno, "setuid 0 in the user namespace");
  return 0;
}

int
namespaces_join_user (const struct namespaces_plan *plan, struct husk_error **err)
{
  int user = namespaces_joined_fd (plan, CLONE_NEWUSER);
  if (user >= 0 && setns (user, CLONE_NEWUSER) < 0)
    return husk_error_sys (err, errno, "join the user namespace of linux.namespaces");
  return 0;
}

int
namespaces_init_enter (const struct namespaces_plan *plan, struct husk_error **err)
{
  bool user_joined = namespaces_joined_fd (plan, CLONE_NEWUSER) >= 0;
  if (!plan->intermediate && namespaces_join_user (plan, err) < 0)
    return -1;
  /* After the user namespace: the mount namespace belongs to it. */
  int mnt = namespaces_joined_fd (plan, CLONE_NEWNS);
  if (mnt >= 0 && setns (mnt, CLONE_NEWNS) < 0)
    return husk_error_sys (err, errno, "join the mount namespace of linux.namespaces");
  /* The root first: the root of an ipc namespace's mqueue belongs to
     whoever made the namespace (namespaces_plan keeps CLONE_NEWIPC out
     of clone3 for that). */
  if ((user_joined || (plan->new_flags & CLONE_NEWUSER)) && become_userns_root (err) < 0)
    return -1;
  /* What clone3 did not make (a joined user namespace: all of them). */
  int rest = plan->new_flags & ~NAMESPACES_MADE_BY_INIT & ~plan->clone_flags;
  if (rest && unshare (rest) < 0)
    return husk_error_sys (err, errno, "unshare the new namespaces in the user namespace");
  return 0;
}

int
namespaces_init_cgroup (const struct namespaces_plan *plan, struct husk_error **err)
{
  int fd = namespaces_joined_fd (plan, CLONE_NEWCGROUP);
  if (fd >= 0 && setns (fd, CLONE_NEWCGROUP) < 0)
    return husk_error_sys (err, errno, "join the cgroup namespace of linux.namespaces");
  if ((plan->new_flags & CLONE_NEWCGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return husk_error_sys (err, errno, "unshare the cgroup namespace");
  return 0;
}

int
namespaces_init_time (const struct namespaces_plan *plan, int sync_fd, struct husk_error **err)
{
  if (!(plan->new_flags & CLONE_NEWTIME))
    return 0;
  /* unshare makes it our children's (time_for_children); its offsets can
     be written until a process enters it, then we enter it ourselves. */
  if (unshare (CLONE_NEWTIME) < 0)
    return husk_error_sys (err, errno, "unshare the time namespace");
  if (sync_send (sync_fd, SYNC_TIMENS, NULL, -1, err) < 0
      || sync_expect (sync_fd, SYNC_TIMENS_DONE, "husk", err) < 0)
    return -1;
  _cleanup_close_ int fd = open ("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "open /proc/self/ns/time_for_children");
  if (setns (fd, CLONE_NEWTIME) < 0)
    return husk_error_sys (err, errno, "enter the new time namespace");
  return 0;
}

int
namespaces_write_time_offsets (int pid, const struct oci_time_offsets *o, struct husk_error **err)
{
  if (o == NULL)
    return 0;
  const struct
  {
    const char *clock;
    const struct oci_time_offset *off;
  } clocks[] = { { "monotonic", o->monotonic }, { "boottime", o->boottime } };
  char buf[256];
  size_t len = 0;
  for (size_t i = 0; i < sizeof clocks / sizeof *clocks; i++)
    if (clocks[i].off)
      {
        len += (size_t)snprintf (buf + len, sizeof buf - len, "%s %" PRId64 " %" PRIu32 "\n", clocks[i].clock,
                                 clocks[i].off->secs.v, clocks[i].off->nanosecs.v);
      }
  if (len == 0)
    return 0;
  _cleanup_free_ char *path = xasprintf ("/proc/%d/timens_offsets", pid);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "open %s", path);
  if (write (fd, buf, len) != (ssize_t)len)
    return husk_error_sys (err, errno, "config.json: linux.timeOffsets: write %s", path);
  return 0;
}
