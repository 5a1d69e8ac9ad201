/* cgroup v2 specifics: controllers for children, and cgroup.freeze. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"

/* Errors are ignored: a controller that cannot be enabled (a v1 hierarchy
   holds it, or the parent has processes of its own) is simply absent from
   the leaf, and a config that needs it gets an error naming it. */
void
cgroup_v2_enable_controllers (const struct cgroup_dir *d)
{
  size_t mlen = strlen (d->mount);
  _cleanup_free_ char *p = xstrdup (d->path);
  for (char *s = p + mlen;; s++)
    {
      s = strchr (s, '/');
      if (s)
        *s = '\0';
      if (strcmp (p, d->path) == 0)
        break;
      struct cgroup_dir cur = { .path = p };
      _cleanup_free_ char *avail = cgroup_read (&cur, "cgroup.controllers");
      /* Only what is missing: every write to subtree_control makes the
         kernel re-apply the control of the whole subtree. */
      _cleanup_free_ char *enabled = cgroup_read (&cur, "cgroup.subtree_control");
      char *save = NULL;
      for (char *c = avail ? strtok_r (avail, " \n", &save) : NULL; c; c = strtok_r (NULL, " \n", &save))
        {
          if (enabled && cgroup_list_has (enabled, c, ' '))
            continue;
          _cleanup_free_ char *plus = xasprintf ("+%s", c);
          struct husk_error *ignored = NULL;
          cgroup_write (&cur, "cgroup.subtree_control", plus, NULL, &ignored);
          husk_error_free (ignored);
        }
      if (s == NULL)
        break;
      *s = '/';
    }
}

bool
cgroup_v2_has_controller (const struct cgroup_dir *d, const char *name)
{
  _cleanup_free_ char *avail = cgroup_read (d, "cgroup.controllers");
  size_t len = strlen (name);
  for (const char *p = avail; p && *p;)
    {
      if (strncmp (p, name, len) == 0 && (p[len] == ' ' || p[len] == '\0'))
        return true;
      p = strchr (p, ' ');
      if (p)
        p++;
    }
  return false;
}

/* cgroup.events says "frozen 1" once every task is frozen; the file polls
   with POLLPRI on each change (cgroup-v2.rst). */
int
cgroup_v2_freeze (const struct cgroup_dir *d, bool frozen, struct husk_error **err)
{
  if (cgroup_write (d, "cgroup.freeze", frozen ? "1" : "0", NULL, err) < 0)
    return husk_error_wrap (err, "cgroups: %s", frozen ? "freeze" : "thaw");
  _cleanup_free_ char *path = xasprintf ("%s/cgroup.events", d->path);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "cgroups: open %s", path);
  const char *want = frozen ? "frozen 1" : "frozen 0";
  for (int i = 0; i < 100; i++)
    {
      char buf[512];
      ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
      if (n < 0)
        return husk_error_sys (err, errno, "cgroups: read %s", path);
      buf[n] = '\0';
      if (strstr (buf, want))
        return 0;
      struct pollfd p = { fd, POLLPRI, 0 };
      poll (&p, 1, 100);
    }
  return husk_error_set (err, "cgroups: %s %s: timed out", frozen ? "freeze" : "thaw", d->path);
}
