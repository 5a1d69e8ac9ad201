/* Linux security module labels: checked against the LSMs of this host;
   an AppArmor profile applied to the container's processes. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "cleanup.h"
#include "lsm.h"

#define SELINUX_MAGIC_ 0xf97cff8c  /* linux/magic.h */

/* /sys/module/apparmor/parameters/enabled reads "Y" when AppArmor is on. */
static bool
lsm_apparmor_enabled (void)
{
  FILE *f = fopen ("/sys/module/apparmor/parameters/enabled", "re");
  if (f == NULL)
    return false;
  int c = fgetc (f);
  fclose (f);
  return c == 'Y';
}

/* SELinux is on when selinuxfs is mounted at /sys/fs/selinux. */
static bool
lsm_selinux_enabled (void)
{
  struct statfs s;
  return statfs ("/sys/fs/selinux", &s) == 0 && (unsigned long) s.f_type == SELINUX_MAGIC_;
}

static bool
lsm_set (const char *label)
{
  return label != NULL && label[0] != '\0';
}

int
lsm_check (const struct oci_config *c, struct husk_error **err)
{
  const struct oci_process *p = c->process;
  const struct
  {
    const char *path;
    const char *label;
    const char *lsm;
    bool (*enabled) (void);
    bool applied;                 /* lsm_apply_exec applies it */
  } rows[] = {
    { "process.apparmorProfile", p ? p->apparmor_profile : NULL, "AppArmor", lsm_apparmor_enabled, true },
    { "process.selinuxLabel", p ? p->selinux_label : NULL, "SELinux", lsm_selinux_enabled, false },
    { "linux.mountLabel", c->linux_ ? c->linux_->mount_label : NULL, "SELinux", lsm_selinux_enabled, false },
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    {
      if (!lsm_set (rows[i].label))
        continue;
      if (!rows[i].enabled ())
        return husk_error_set (err, "config.json: %s \"%s\": %s is not enabled on this host", rows[i].path,
                               rows[i].label, rows[i].lsm);
      if (!rows[i].applied)
        return husk_error_set (err, "config.json: %s: %s labels: not supported yet", rows[i].path,
                               rows[i].lsm);
    }
  return 0;
}

void
lsm_inherit (struct oci_process *p, const struct oci_process *container)
{
  if (!lsm_set (p->apparmor_profile) && container && lsm_set (container->apparmor_profile))
    {
      free (p->apparmor_profile);
      p->apparmor_profile = xstrdup (container->apparmor_profile);
    }
}

static bool
lsm_is_procfs (int fd)
{
  struct statfs s;
  return fstatfs (fd, &s) == 0 && s.f_type == PROC_SUPER_MAGIC;
}

int
lsm_open_proc (const struct oci_process *p, int min_fd, int *procfd, struct husk_error **err)
{
  *procfd = -1;
  if (p == NULL || !lsm_set (p->apparmor_profile))
    return 0;
  _cleanup_close_ int fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "process.apparmorProfile: open /proc");
  if (!lsm_is_procfs (fd))
    return husk_error_set (err, "process.apparmorProfile: /proc is not a procfs");
  if (fd < min_fd)
    {
      int nfd = fcntl (fd, F_DUPFD_CLOEXEC, min_fd);
      if (nfd < 0)
        return husk_error_sys (err, errno, "process.apparmorProfile: move the /proc fd");
      close (fd);
      fd = nfd;
    }
  *procfd = steal_fd (&fd);
  return 0;
}

/* The per-LSM file first (Linux 5.8), then the shared one older kernels
   have, which is AppArmor's when AppArmor is the major LSM. */
static int
lsm_open_attr (int procfd, const char **name)
{
  static const char *const names[] = { "thread-self/attr/apparmor/exec", "thread-self/attr/exec" };
  int fd = -1;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    {
      *name = names[i];
      fd = openat (procfd, names[i], O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd >= 0 || errno != ENOENT)
        break;
    }
  return fd;
}

int
lsm_apply_exec (const struct oci_process *p, int procfd, const char *source, struct husk_error **err)
{
  if (!lsm_set (p->apparmor_profile))
    return 0;
  const char *profile = p->apparmor_profile, *name;
  _cleanup_close_ int fd = lsm_open_attr (procfd, &name);
  if (fd < 0)
    return husk_error_sys (err, errno, "%s: process.apparmorProfile \"%s\": open /proc/%s", source, profile,
                           name);
  /* The fd comes from the /proc husk saw before the container's mounts
     (lsm_open_proc); checked once more, so that a write meant for the
     kernel never lands in a file the container made. */
  if (!lsm_is_procfs (fd))
    return husk_error_set (err, "%s: process.apparmorProfile \"%s\": /proc/%s is not on procfs", source,
                           profile, name);
  _cleanup_free_ char *cmd = xasprintf ("exec %s", profile);
  ssize_t n = write (fd, cmd, strlen (cmd));
  if (n == (ssize_t) strlen (cmd))
    return 0;
  int e = n < 0 ? errno : EIO;
  /* AppArmor answers ENOENT for a profile it does not have. */
  if (e == ENOENT)
    return husk_error_set (err, "%s: process.apparmorProfile \"%s\": no such AppArmor profile is loaded", source,
                           profile);
  return husk_error_sys (err, e, "%s: process.apparmorProfile \"%s\"", source, profile);
}
