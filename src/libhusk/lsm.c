/* Linux security module labels: checked against the LSMs of this host;
   an AppArmor profile or a SELinux label applied to the container's
   processes, the SELinux label of its session keyring, and of its mounts
   (mounts.c asks lsm_mount_label). */
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

/* A SELinux context is "user:role:type[:range]": printable ASCII without
   blanks.  A quote or a backslash would end or escape the
   context="..." mount option it goes into (mounts.c); a newline would
   cut the line the kernel reads. */
static bool
lsm_selinux_text_ok (const char *label)
{
  size_t n = 0;
  for (const char *s = label; *s; s++, n++)
    if (*s <= ' ' || *s > '~' || *s == '"' || *s == '\\')
      return false;
  return n < 4096;
}

/* Whether the loaded policy knows the context: selinuxfs's "context" file
   answers EINVAL to a context it cannot map (what libselinux's
   security_check_context asks).  Anything else (a policy that denies the
   check) leaves the verdict to the write that applies it. */
static bool
lsm_selinux_context_unknown (const char *label)
{
  _cleanup_close_ int fd = open ("/sys/fs/selinux/context", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return false;
  return write (fd, label, strlen (label) + 1) < 0 && errno == EINVAL;
}

int
lsm_check (const struct oci_config *c, const char *source, struct husk_error **err)
{
  const struct oci_process *p = c->process;
  const struct
  {
    const char *path;
    const char *label;
    const char *lsm;
    bool (*enabled) (void);
    bool selinux;
  } rows[] = {
    { "process.apparmorProfile", p ? p->apparmor_profile : NULL, "AppArmor", lsm_apparmor_enabled, false },
    { "process.selinuxLabel", p ? p->selinux_label : NULL, "SELinux", lsm_selinux_enabled, true },
    { "linux.mountLabel", c->linux_ ? c->linux_->mount_label : NULL, "SELinux", lsm_selinux_enabled, true },
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    {
      const char *label = rows[i].label;
      if (!lsm_set (label))
        continue;
      /* Not echoed: it may hold the newline that makes it bad. */
      if (rows[i].selinux && !lsm_selinux_text_ok (label))
        return husk_error_set (err,
                               "%s: %s: not a SELinux context (it holds a blank, a quote, a backslash or a "
                               "control character, or is 4096 bytes or longer)",
                               source, rows[i].path);
      if (!rows[i].enabled ())
        return husk_error_set (err, "%s: %s \"%s\": %s is not enabled on this host", source, rows[i].path,
                               label, rows[i].lsm);
      if (rows[i].selinux && lsm_selinux_context_unknown (label))
        return husk_error_set (err, "%s: %s \"%s\": not a valid context for this host's SELinux policy",
                               source, rows[i].path, label);
    }
  return 0;
}

/* The label written into a field when the process has none. */
static void
lsm_inherit_one (char **field, const char *container)
{
  if (!lsm_set (*field) && lsm_set (container))
    {
      free (*field);
      *field = xstrdup (container);
    }
}

void
lsm_inherit (struct oci_process *p, const struct oci_process *container)
{
  if (container == NULL)
    return;
  lsm_inherit_one (&p->apparmor_profile, container->apparmor_profile);
  lsm_inherit_one (&p->selinux_label, container->selinux_label);
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
  if (p == NULL || (!lsm_set (p->apparmor_profile) && !lsm_set (p->selinux_label)))
    return 0;
  _cleanup_close_ int fd = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "LSM label: open /proc");
  if (!lsm_is_procfs (fd))
    return husk_error_set (err, "LSM label: /proc is not a procfs");
  if (fd < min_fd)
    {
      int nfd = fcntl (fd, F_DUPFD_CLOEXEC, min_fd);
      if (nfd < 0)
        return husk_error_sys (err, errno, "LSM label: move the /proc fd");
      close (fd);
      fd = nfd;
    }
  *procfd = steal_fd (&fd);
  return 0;
}

/* One write of a label into the calling thread's attributes. */
struct lsm_write
{
  const char *field;         /* process.apparmorProfile */
  const char *label;
  const char *const *files;  /* under PROCFD, the first that exists */
  const char *prefix;        /* written before the label */
  int unknown_errno;         /* the LSM's answer to a label it lacks */
  const char *unknown;       /* and what that means */
};

/* The per-LSM file first (Linux 5.8), then the shared one older kernels
   have, which is AppArmor's when AppArmor is the major LSM. */
static const char *const lsm_apparmor_exec[]
    = { "thread-self/attr/apparmor/exec", "thread-self/attr/exec", NULL };
/* SELinux has only the shared files. */
static const char *const lsm_selinux_exec[] = { "thread-self/attr/exec", NULL };
static const char *const lsm_selinux_keycreate[] = { "thread-self/attr/keycreate", NULL };

static int
lsm_write_attr (const struct lsm_write *w, int procfd, const char *source, struct husk_error **err)
{
  const char *name = NULL;
  _cleanup_close_ int fd = -1;
  for (size_t i = 0; w->files[i] != NULL; i++)
    {
      name = w->files[i];
      fd = openat (procfd, name, O_WRONLY | O_CLOEXEC | O_NOCTTY);
      if (fd >= 0 || errno != ENOENT)
        break;
    }
  if (fd < 0)
    return husk_error_sys (err, errno, "%s: %s \"%s\": open /proc/%s", source, w->field, w->label, name);
  /* The fd comes from the /proc husk saw before the container's mounts
     (lsm_open_proc); checked once more, so that a write meant for the
     kernel never lands in a file the container made. */
  if (!lsm_is_procfs (fd))
    return husk_error_set (err, "%s: %s \"%s\": /proc/%s is not on procfs", source, w->field, w->label, name);
  _cleanup_free_ char *text = xasprintf ("%s%s", w->prefix, w->label);
  size_t len = strlen (text);
  ssize_t n = write (fd, text, len);
  if (n == (ssize_t) len)
    return 0;
  int e = n < 0 ? errno : EIO;
  if (e == w->unknown_errno)
    return husk_error_set (err, "%s: %s \"%s\": %s", source, w->field, w->label, w->unknown);
  return husk_error_sys (err, e, "%s: %s \"%s\": write /proc/%s", source, w->field, w->label, name);
}

int
lsm_apply_exec (const struct oci_process *p, int procfd, const char *source, struct husk_error **err)
{
  const struct lsm_write writes[] = {
    { "process.apparmorProfile", p->apparmor_profile, lsm_apparmor_exec, "exec ", ENOENT,
      "no such AppArmor profile is loaded" },
    { "process.selinuxLabel", p->selinux_label, lsm_selinux_exec, "", EINVAL,
      "not a valid context for this host's SELinux policy" },
  };
  for (size_t i = 0; i < sizeof writes / sizeof *writes; i++)
    if (lsm_set (writes[i].label) && lsm_write_attr (&writes[i], procfd, source, err) < 0)
      return -1;
  return 0;
}

int
lsm_apply_keycreate (const struct oci_process *p, int procfd, const char *source, struct husk_error **err)
{
  const struct lsm_write w = { "process.selinuxLabel", p->selinux_label, lsm_selinux_keycreate, "", EINVAL,
                               "not a valid context for this host's SELinux policy" };
  return lsm_set (w.label) ? lsm_write_attr (&w, procfd, source, err) : 0;
}

const char *
lsm_mount_label (const struct oci_config *c)
{
  const char *label = c->linux_ ? c->linux_->mount_label : NULL;
  return lsm_set (label) ? label : NULL;
}
