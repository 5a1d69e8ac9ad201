/* The cgroup filesystem inside a container (mounts[] of type "cgroup" or
   "cgroup2"), built with the new mount API on file descriptors, so that no
   path in the container's rootfs is looked up twice. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"

#define CG_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* A fresh cgroup filesystem (seen from the caller's cgroup namespace) as a
   detached mount.  v1: the hierarchy's controllers, or its name. */
static int
fresh_mount (const struct hierarchy *h, int *out, struct husk_error **err)
{
  _cleanup_close_ int fs = fsopen (h->v2 ? "cgroup2" : "cgroup", FSOPEN_CLOEXEC);
  if (fs < 0)
    return husk_error_sys (err, errno, "cgroup mount: fsopen %s", h->v2 ? "cgroup2" : "cgroup");
  if (!h->v2)
    {
      _cleanup_free_ char *list = xstrdup (h->controllers);
      char *save = NULL;
      for (char *c = strtok_r (list, ",", &save); c; c = strtok_r (NULL, ",", &save))
        {
          int r = strncmp (c, "name=", 5) == 0 ? fsconfig (fs, FSCONFIG_SET_STRING, "name", c + 5, 0)
                                               : fsconfig (fs, FSCONFIG_SET_FLAG, c, NULL, 0);
          if (r < 0)
            return husk_error_sys (err, errno, "cgroup mount: option %s", c);
        }
    }
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return husk_error_sys (err, errno, "cgroup mount: create the %s filesystem",
                           h->v2 ? "cgroup2" : h->controllers);
  *out = fsmount (fs, FSMOUNT_CLOEXEC, CG_ATTRS);
  if (*out < 0)
    return husk_error_sys (err, errno, "cgroup mount: fsmount");
  return 0;
}

/* A detached copy of the container's own cgroup in hierarchy h. */
static int
bind_own (const struct hierarchy *h, int *out, struct husk_error **err)
{
  const char *root = strcmp (h->mount_root, "/") == 0 ? "" : h->mount_root;
  const char *own = h->own;
  if (*root && strncmp (own, root, strlen (root)) == 0)
    own += strlen (root);
  _cleanup_free_ char *src = xasprintf ("%s%s", h->mount, strcmp (own, "/") == 0 ? "" : own);
  *out = open_tree (AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (*out < 0)
    return husk_error_sys (err, errno, "cgroup mount: bind %s", src);
  return 0;
}

/* In a cgroup namespace of its own, our cgroup is the namespace's root,
   "/" in /proc/self/cgroup, and a fresh mount shows exactly it.  Outside
   one, our cgroup is never a root (husk refuses a root cgroupsPath): a
   bind of it.  So the path alone tells which, per hierarchy. */
static int
mount_one (const struct hierarchy *h, int *out, struct husk_error **err)
{
  if (strcmp (h->own, "/") == 0)
    return fresh_mount (h, out, err);
  return bind_own (h, out, err);
}

static int
attach (int tree, int target, const char *what, struct husk_error **err)
{
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return husk_error_sys (err, errno, "cgroup mount: attach %s", what);
  return 0;
}

static int
set_attrs (int fd, bool readonly, struct husk_error **err)
{
  struct mount_attr attr = { .attr_set = CG_ATTRS | (readonly ? MOUNT_ATTR_RDONLY : 0) };
  if (mount_setattr (fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return husk_error_sys (err, errno, "cgroup mount: set %s", readonly ? "read-only" : "flags");
  return 0;
}

/* One hierarchy under the tmpfs: its directory, its mount, and for a
   combined one ("cpu,cpuacct") a symlink per controller. */
static int
mount_hierarchy (int top, const struct hierarchy *h, struct husk_error **err)
{
  const char *name = h->v2                                       ? "unified"
                     : strncmp (h->controllers, "name=", 5) == 0 ? h->controllers + 5
                                                                 : h->controllers;
  if (strchr (name, '/') || *name == '.' || *name == '\0')
    return husk_error_set (err, "cgroup mount: unexpected hierarchy name \"%s\"", name);
  if (mkdirat (top, name, 0755) < 0)
    return husk_error_sys (err, errno, "cgroup mount: mkdir %s", name);
  _cleanup_close_ int dir = openat (top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0)
    return husk_error_sys (err, errno, "cgroup mount: open %s", name);
  _cleanup_close_ int tree = -1;
  if (mount_one (h, &tree, err) < 0 || attach (tree, dir, name, err) < 0)
    return -1;
  if (strchr (name, ','))
    {
      _cleanup_free_ char *list = xstrdup (name);
      char *save = NULL;
      for (char *c = strtok_r (list, ",", &save); c; c = strtok_r (NULL, ",", &save))
        if (symlinkat (name, top, c) < 0 && errno != EEXIST)
          return husk_error_sys (err, errno, "cgroup mount: symlink %s", c);
    }
  return 0;
}

int
cgroup_mount_container (int target, bool readonly, const char *context, struct husk_error **err)
{
  struct hierarchy *h = NULL;
  size_t n = 0;
  if (cgroup_hierarchies_detect (&h, &n, err) < 0)
    return -1;
  int ret = 0;
  _cleanup_close_ int top = -1;
  if (n == 1 && h[0].v2)
    {
      if (mount_one (&h[0], &top, err) < 0 || attach (top, target, "cgroup2", err) < 0
          || set_attrs (top, readonly, err) < 0)
        ret = -1;
    }
  else
    {
      _cleanup_close_ int fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
      if (fs < 0 || fsconfig (fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0
          || (context != NULL && fsconfig (fs, FSCONFIG_SET_STRING, "context", context, 0) < 0)
          || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0
          || (top = fsmount (fs, FSMOUNT_CLOEXEC, CG_ATTRS)) < 0)
        ret = husk_error_sys (err, errno, "cgroup mount: tmpfs");
      else if (attach (top, target, "tmpfs", err) < 0)
        ret = -1;
      for (size_t i = 0; ret == 0 && i < n; i++)
        ret = mount_hierarchy (top, &h[i], err);
      /* Last, and recursive: the tmpfs and every hierarchy. */
      if (ret == 0)
        ret = set_attrs (top, readonly, err);
    }
  cgroup_hierarchies_free (h, n);
  return ret;
}
