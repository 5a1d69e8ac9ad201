/* cgroup v1 specifics: cpuset inheritance and the freezer controller. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"

static char *
read_path (const char *dir, const char *file)
{
  struct cgroup_dir d = { .path = (char *)dir };
  return cgroup_read (&d, file);
}

int
cgroup_v1_cpuset_inherit (const char *dir, struct husk_error **err)
{
  _cleanup_free_ char *parent = xstrdup (dir);
  *strrchr (parent, '/') = '\0';
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  for (size_t i = 0; i < 2; i++)
    {
      _cleanup_free_ char *mine = read_path (dir, files[i]);
      if (mine && *mine)
        continue;
      _cleanup_free_ char *theirs = read_path (parent, files[i]);
      struct cgroup_dir d = { .path = (char *)dir };
      if (theirs == NULL || cgroup_write (&d, files[i], theirs, NULL, err) < 0)
        return husk_error_wrap (err, "cgroups: copy %s of %s", files[i], parent);
    }
  return 0;
}

/* freezer.state goes FREEZING then FROZEN; v1 has no notification, so the
   wait is a bounded loop of short sleeps (runc does the same). */
int
cgroup_v1_freeze (const struct cgroup_dir *d, bool frozen, struct husk_error **err)
{
  const char *want = frozen ? "FROZEN" : "THAWED";
  for (int i = 0; i < 2000; i++)
    {
      /* Rewriting FROZEN retries a freeze that a task in the middle of
         exiting held up. */
      if (i % 100 == 0 && cgroup_write (d, "freezer.state", want, NULL, err) < 0)
        return husk_error_wrap (err, "cgroups: %s", frozen ? "freeze" : "thaw");
      _cleanup_free_ char *s = cgroup_read (d, "freezer.state");
      if (s && strcmp (s, want) == 0)
        return 0;
      struct timespec ts = { 0, 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  if (frozen)
    {
      struct husk_error *ignored = NULL;
      cgroup_write (d, "freezer.state", "THAWED", NULL, &ignored);
      husk_error_free (ignored);
    }
  return husk_error_set (err, "cgroups: %s %s: timed out", frozen ? "freeze" : "thaw", d->path);
}
