/* The bind sources of mounts[] that husk opens for the init when the
   container has a new user namespace (mounts.h, mounts_send_sources). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts.h"
#include "sync.h"

/* The bind sources husk opened for the init, by mounts[] index (-1:
   none); NULL when husk opened none (mounts_receive_sources). */
static int *mounts_sources;

void
mounts_close_sources (size_t n)
{
  for (size_t i = 0; mounts_sources != NULL && i < n; i++)
    if (mounts_sources[i] >= 0)
      close (mounts_sources[i]);
  free (mounts_sources);
  mounts_sources = NULL;
}

int
mounts_source_fd (size_t i)
{
  return mounts_sources != NULL ? mounts_sources[i] : -1;
}

/* As runc: with a new user namespace (and the new mount namespace it
   owns), since only then may the init's root lack a right husk has. */
static bool
mounts_sources_wanted (const struct oci_config *c, int new_flags, int clone_flags)
{
  if (!(new_flags & CLONE_NEWUSER) || !(clone_flags & CLONE_NEWNS))
    return false;
  for (size_t i = 0; i < c->mounts.n; i++)
    if (mounts_is_bind_source (&c->mounts.v[i]))
      return true;
  return false;
}

/* Opens each bind source O_PATH in the init's mount namespace, entered
   for the time being: the descriptors then name mounts of that namespace,
   which the init may clone (open_tree).  setns moves husk's root and cwd
   to the namespace's root: both are restored on the way back. */
static int
mounts_open_sources (const struct oci_config *c, int pid, const char *bundle_abs, int *fds, struct husk_error **err)
{
  _cleanup_free_ char *ns = xasprintf ("/proc/%d/ns/mnt", pid);
  _cleanup_close_ int theirs = open (ns, O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int own = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (theirs < 0 || own < 0 || root < 0 || cwd < 0)
    return husk_error_sys (err, errno, "open the bind mount sources: open the mount namespaces");
  if (setns (theirs, CLONE_NEWNS) < 0)
    return husk_error_sys (err, errno, "open the bind mount sources: enter the container's mount namespace");
  int r = 0;
  for (size_t i = 0; r == 0 && i < c->mounts.n; i++)
    if (mounts_is_bind_source (&c->mounts.v[i]))
      {
        _cleanup_free_ char *source = mounts_bind_source (&c->mounts.v[i], bundle_abs);
        fds[i] = open (source, O_PATH | O_CLOEXEC);
        if (fds[i] < 0)
          r = husk_error_sys (err, errno, "config.json: mounts[%zu]: bind source \"%s\"", i, source);
      }
  if (setns (own, CLONE_NEWNS) < 0 || fchdir (root) < 0 || chroot (".") < 0 || fchdir (cwd) < 0)
    {
      int saved = errno;
      husk_error_free (*err);
      *err = NULL;
      return husk_error_sys (err, saved, "open the bind mount sources: return to husk's mount namespace");
    }
  return r;
}

int
mounts_send_sources (const struct oci_config *c, int new_flags, int clone_flags, int pid, const char *bundle_abs,
                     int sync_fd, struct husk_error **err)
{
  if (!mounts_sources_wanted (c, new_flags, clone_flags))
    return 0;
  int *fds = xmalloc ((c->mounts.n + 1) * sizeof *fds);
  for (size_t i = 0; i < c->mounts.n; i++)
    fds[i] = -1;
  int r = mounts_open_sources (c, pid, bundle_abs, fds, err);
  for (size_t i = 0; i < c->mounts.n; i++)
    if (fds[i] >= 0)
      {
        char index[32];
        snprintf (index, sizeof index, "%zu", i);
        if (r == 0)
          r = sync_send (sync_fd, SYNC_MOUNT_SOURCE, index, fds[i], err);
        close (fds[i]);
      }
  free (fds);
  return r;
}

int
mounts_receive_sources (const struct oci_config *c, int new_flags, int clone_flags, int sync_fd,
                        struct husk_error **err)
{
  if (!mounts_sources_wanted (c, new_flags, clone_flags))
    return 0;
  mounts_sources = xmalloc ((c->mounts.n + 1) * sizeof *mounts_sources);
  for (size_t i = 0; i < c->mounts.n; i++)
    mounts_sources[i] = -1;
  for (size_t i = 0; i < c->mounts.n; i++)
    {
      if (!mounts_is_bind_source (&c->mounts.v[i]))
        continue;
      enum sync_kind kind = 0;
      _cleanup_free_ char *text = NULL;
      int fd = -1;
      int r = sync_recv (sync_fd, &kind, &text, &fd, err);
      if (r < 0)
        return -1;
      char want[32];
      snprintf (want, sizeof want, "%zu", i);
      if (r == 1 || kind != SYNC_MOUNT_SOURCE || fd < 0 || text == NULL || strcmp (text, want) != 0)
        {
          if (fd >= 0)
            close (fd);
          return husk_error_set (err, "sync: expected MOUNT_SOURCE of mounts[%zu] from husk", i);
        }
      mounts_sources[i] = fd;
    }
  return 0;
}
