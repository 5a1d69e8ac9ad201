/* Linux security module labels: checked against the LSMs of this host. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>

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
  } rows[] = {
    { "process.apparmorProfile", p ? p->apparmor_profile : NULL, "AppArmor", lsm_apparmor_enabled },
    { "process.selinuxLabel", p ? p->selinux_label : NULL, "SELinux", lsm_selinux_enabled },
    { "linux.mountLabel", c->linux_ ? c->linux_->mount_label : NULL, "SELinux", lsm_selinux_enabled },
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    {
      if (rows[i].label == NULL || rows[i].label[0] == '\0')
        continue;
      if (!rows[i].enabled ())
        return husk_error_set (err, "config.json: %s \"%s\": %s is not enabled on this host", rows[i].path,
                               rows[i].label, rows[i].lsm);
      return husk_error_set (err, "config.json: %s: %s labels: not supported yet", rows[i].path, rows[i].lsm);
    }
  return 0;
}
