/* The container process's identity: groups, gid, uid, umask. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "identity.h"

int
identity_check (const struct oci_process *p, struct husk_error **err)
{
  if (p && p->user.username)
    return husk_error_set (err, "config.json: process.user.username: only used on Windows; on Linux set "
                                "process.user.uid and gid");
  if (p && p->user.umask.set && p->user.umask.v > 0777)
    return husk_error_set (err, "config.json: process.user.umask: %#" PRIo32 " is not a umask (0..0777)",
                           p->user.umask.v);
  return 0;
}

/* A user namespace whose setgroups file says "deny" (an unprivileged
   owner wrote its gid_map) cannot drop the groups either: with no
   additionalGids to set, that is no error. */
static bool
setgroups_denied (void)
{
  char buf[8] = "";
  _cleanup_close_ int fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && read (fd, buf, sizeof buf - 1) > 0 && strncmp (buf, "deny", 4) == 0;
}

int
identity_switch (const struct oci_process *p, struct husk_error **err)
{
  const struct oci_user *u = &p->user;
  _cleanup_free_ gid_t *groups = xcalloc (u->additional_gids.n + 1, sizeof *groups);
  for (size_t i = 0; i < u->additional_gids.n; i++)
    groups[i] = u->additional_gids.v[i];
  if (setgroups (u->additional_gids.n, groups) < 0
      && !(errno == EPERM && u->additional_gids.n == 0 && setgroups_denied ()))
    return husk_error_sys (err, errno, "config.json: process.user.additionalGids: setgroups");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return husk_error_sys (err, errno, "config.json: process.user.gid: setgid %" PRIu32, u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return husk_error_sys (err, errno, "config.json: process.user.uid: setuid %" PRIu32, u->uid);
  umask (u->umask.set ? (mode_t)u->umask.v : 022);
  return 0;
}
