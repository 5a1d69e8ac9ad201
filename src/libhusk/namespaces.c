/* Namespaces: new or joined by path, checked up front, entered in order. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "cleanup.h"
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
  /* husk pivots into root.path: in a joined mount namespace that would
     change the mounts of whoever else lives there. */
  if (kind->clone_flag == CLONE_NEWNS)
    return husk_error_set (err,
                           "config.json: linux.namespaces[%zu].path: a mount namespace cannot be "
                           "joined (husk pivots into root.path in a new one)",
                           i);
  struct namespaces_join *j = &plan->joins[plan->n_joins];
  if (open_namespace (ns, i, kind, &j->fd, err) < 0)
    return -1;
  j->flag = kind->clone_flag;
  plan->n_joins++;
  return 0;
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
  const char *refusal = NULL;
  if (!(plan->new_flags & CLONE_NEWNS))
    refusal = "config.json: linux.namespaces: a new mount namespace is required (husk pivots into root.path)";
  else if (namespaces_joined_fd (plan, CLONE_NEWUSER) >= 0 && (plan->new_flags & CLONE_NEWPID))
    refusal = "config.json: linux.namespaces: a new pid namespace with a joined user namespace is not "
              "supported yet";
  else if (c->linux_ && c->linux_->time_offsets && !(plan->new_flags & CLONE_NEWTIME))
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
  if (namespaces_joined_fd (plan, CLONE_NEWUSER) < 0)
    plan->clone_flags = plan->new_flags & ~NAMESPACES_MADE_BY_INIT;
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
namespaces_init_enter (const struct namespaces_plan *plan, struct husk_error **err)
{
  int user = namespaces_joined_fd (plan, CLONE_NEWUSER);
  if (user >= 0)
    {
      if (setns (user, CLONE_NEWUSER) < 0)
        return husk_error_sys (err, errno, "join the user namespace of linux.namespaces");
      int rest = plan->new_flags & ~NAMESPACES_MADE_BY_INIT;
      if (rest && unshare (rest) < 0)
        return husk_error_sys (err, errno, "unshare the new namespaces in the joined user namespace");
    }
  if (user >= 0 || (plan->new_flags & CLONE_NEWUSER))
    return become_userns_root (err);
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
