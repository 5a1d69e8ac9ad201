/* /dev: the default devices and symlinks, linux.devices, the console. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"
#include "mounts.h"

/* The devices every container gets (runtime-spec config-linux.md,
   "Default Devices"). */
struct devices_default
{
  const char *name;
  unsigned int major, minor;
};

/* clang-format off */
static const struct devices_default devices_defaults[] = {
  { "null", 1, 3 },
  { "zero", 1, 5 },
  { "full", 1, 7 },
  { "random", 1, 8 },
  { "urandom", 1, 9 },
  { "tty", 5, 0 },
  { NULL, 0, 0 },
};
/* clang-format on */

/* The symlinks of runtime-spec runtime-linux.md, and ptmx into the
   container's own devpts instance.  /dev/core only where the host has a
   /proc/kcore (CONFIG_PROC_KCORE), as runc makes it. */
static const struct
{
  const char *name;
  const char *target;
} devices_links[] = {
  { "fd", "/proc/self/fd" },
  { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" },
  { "core", "/proc/kcore" },
  { "ptmx", "pts/ptmx" },
  { NULL, NULL },
};

/* linux.devices[].type: "u" is an unbuffered character device, which
   Linux does not distinguish from "c". */
static const struct
{
  const char *name;
  mode_t type;
} devices_types[] = {
  /* clang-format off */
  { "c", S_IFCHR },
  { "u", S_IFCHR },
  { "b", S_IFBLK },
  { "p", S_IFIFO },
  { NULL, 0 },
  /* clang-format on */
};

/* One node to make: what, where, and the host path to bind from when
   mknod is not allowed. */
struct devices_node
{
  const char *label; /* "config.json: linux.devices[2]", for messages */
  const char *path;  /* as in the container, for messages and the host bind */
  mode_t type;
  dev_t rdev;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  bool keep_existing; /* default devices: whatever is there wins */
};

/* mknod failed with EPERM: an empty file with the host's device bound on
   it.  Not for fifos (mknod of a fifo needs no privilege). */
static int
devices_bind_host (int dirfd, const char *name, const struct devices_node *n, struct husk_error **err)
{
  _cleanup_close_ int tree = open_tree (AT_FDCWD, n->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  struct stat st;
  if (tree < 0 || fstat (tree, &st) < 0)
    return husk_error_sys (err, errno, "%s: mknod is not allowed, and the host's \"%s\" cannot be bound",
                           n->label, n->path);
  if ((st.st_mode & S_IFMT) != n->type || st.st_rdev != n->rdev)
    return husk_error_set (err, "%s: mknod is not allowed, and the host's \"%s\" is not the same device",
                           n->label, n->path);
  int fd = openat (dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return husk_error_sys (err, errno, "%s: create \"%s\"", n->label, n->path);
  close (fd);
  _cleanup_close_ int target = openat (dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0 || move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return husk_error_sys (err, errno, "%s: bind the host's \"%s\"", n->label, n->path);
  return 0;
}

static int
devices_make (int rootfd, const struct devices_node *n, struct husk_error **err)
{
  _cleanup_free_ char *clean = mounts_clean_path (n->path);
  char *slash = strrchr (clean, '/');
  const char *name = slash ? slash + 1 : clean;
  if (slash)
    *slash = '\0';
  _cleanup_close_ int dirfd
      = mounts_open_create (rootfd, slash ? clean : "", MOUNTS_CREATE_DIR, 0, n->label, err);
  if (dirfd < 0)
    return -1;

  if (mknodat (dirfd, name, n->type | (n->mode & 07777), n->rdev) < 0)
    {
      if (errno == EEXIST)
        {
          struct stat st;
          if (n->keep_existing)
            return 0;
          if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return husk_error_sys (err, errno, "%s: stat \"%s\"", n->label, n->path);
          /* Maybe the host's own node, through a bind of /dev: never
             chmod or chown it. */
          if ((st.st_mode & S_IFMT) == n->type && (n->type == S_IFIFO || st.st_rdev == n->rdev))
            return 0;
          return husk_error_set (err, "%s: \"%s\" exists in the rootfs and is not that device", n->label,
                                 n->path);
        }
      if (errno == EPERM && n->type != S_IFIFO)
        return devices_bind_host (dirfd, name, n, err);
      return husk_error_sys (err, errno, "%s: mknod \"%s\"", n->label, n->path);
    }
  /* mknod applied the umask; the config's mode is exact. */
  if (fchmodat (dirfd, name, n->mode & 07777, 0) < 0
      || fchownat (dirfd, name, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return husk_error_sys (err, errno, "%s: set the mode and owner of \"%s\"", n->label, n->path);
  return 0;
}

static int
devices_from_config (const struct oci_device *d, size_t i, struct devices_node *n, char *label, size_t size,
                     struct husk_error **err)
{
  snprintf (label, size, "config.json: linux.devices[%zu]", i);
  if (d->path == NULL || d->path[0] != '/')
    return husk_error_set (err, "%s.path: must be an absolute path", label);
  _cleanup_free_ char *clean = mounts_clean_path (d->path);
  if (clean[0] == '\0')
    return husk_error_set (err, "%s.path: must not be the root \"/\"", label);
  size_t t = 0;
  while (devices_types[t].name && (d->type == NULL || strcmp (devices_types[t].name, d->type) != 0))
    t++;
  if (devices_types[t].name == NULL)
    return husk_error_set (err, "%s.type: unknown device type \"%s\" (c, u, b or p)", label,
                           d->type ? d->type : "");
  bool numbers = devices_types[t].type != S_IFIFO;
  if (numbers && (!d->major.set || !d->minor.set))
    return husk_error_set (err, "%s: major and minor are required for type \"%s\"", label, d->type);
  if (numbers && (d->major.v < 0 || d->major.v > 0xfff || d->minor.v < 0 || d->minor.v > 0xfffff))
    return husk_error_set (err, "%s: major %lld, minor %lld: out of range", label, (long long)d->major.v,
                           (long long)d->minor.v);
  /* podman sends the file type too (S_IFCHR | 0666 = 020666), as runc and
     crun accept: allowed when it agrees with `type`. */
  if (d->file_mode.set
      && ((d->file_mode.v & ~(uint32_t) (S_IFMT | 07777)) != 0
          || ((d->file_mode.v & S_IFMT) != 0 && (d->file_mode.v & S_IFMT) != devices_types[t].type)))
    return husk_error_set (err, "%s.fileMode: %o has bits other than permissions and the type \"%s\"", label,
                           d->file_mode.v, d->type);
  *n = (struct devices_node){
    .label = label,
    .path = d->path,
    .type = devices_types[t].type,
    .rdev = numbers ? makedev ((unsigned int)d->major.v, (unsigned int)d->minor.v) : 0,
    .mode = d->file_mode.set ? d->file_mode.v & 07777 : 0666,
    .uid = d->uid.set ? d->uid.v : 0,
    .gid = d->gid.set ? d->gid.v : 0,
  };
  return 0;
}

int
devices_setup (const struct oci_config *c, int rootfd, bool populate, struct husk_error **err)
{
  const struct oci_linux *l = c->linux_;
  for (size_t i = 0; l != NULL && i < l->devices.n; i++)
    {
      struct devices_node n = { 0 };
      char label[64];
      if (devices_from_config (&l->devices.v[i], i, &n, label, sizeof label, err) < 0)
        return -1;
      /* /dev/ptmx stays the link into the container's own devpts
         (devices_links), as runc skips it: Docker's --privileged lists
         every host device.  (A node works too since Linux 4.7, which
         opens the devpts at the node's ../pts; before, the host's.) */
      _cleanup_free_ char *clean = mounts_clean_path (n.path);
      if (strcmp (clean, "dev/ptmx") != 0 && devices_make (rootfd, &n, err) < 0)
        return -1;
    }
  if (populate)
    {
      for (const struct devices_default *d = devices_defaults; d->name; d++)
        {
          _cleanup_free_ char *path = xasprintf ("/dev/%s", d->name);
          _cleanup_free_ char *label = xasprintf ("default device \"%s\"", path);
          struct devices_node n = { .label = label,
                                    .path = path,
                                    .type = S_IFCHR,
                                    .rdev = makedev (d->major, d->minor),
                                    .mode = 0666,
                                    .keep_existing = true };
          if (devices_make (rootfd, &n, err) < 0)
            return -1;
        }
      _cleanup_close_ int dev = mounts_openat2 (rootfd, "dev", O_PATH | O_DIRECTORY, MOUNTS_RESOLVE);
      if (dev < 0)
        return husk_error_sys (err, errno, "open /dev in the rootfs");
      for (size_t i = 0; devices_links[i].name; i++)
        if ((strcmp (devices_links[i].name, "core") != 0 || access (devices_links[i].target, F_OK) == 0)
            && symlinkat (devices_links[i].target, dev, devices_links[i].name) < 0 && errno != EEXIST)
          return husk_error_sys (err, errno, "symlink \"/dev/%s\" -> \"%s\"", devices_links[i].name,
                                 devices_links[i].target);
    }
  if (c->process != NULL && c->process->terminal)
    {
      int fd = mounts_open_create (rootfd, "dev/console", MOUNTS_CREATE_FILE, 0, "process.terminal", err);
      if (fd < 0)
        return -1;
      close (fd);
    }
  return 0;
}

int
devices_bind_console (int pty_slave, struct husk_error **err)
{
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return husk_error_sys (err, errno, "open \"/\"");
  _cleanup_close_ int target = mounts_open_create (root, "dev/console", MOUNTS_CREATE_FILE,
                                                   RESOLVE_NO_SYMLINKS, "/dev/console", err);
  if (target < 0)
    return -1;
  struct stat st;
  if (fstat (target, &st) < 0)
    return husk_error_sys (err, errno, "stat /dev/console");
  if (S_ISDIR (st.st_mode))
    return husk_error_set (err, "bind the terminal on /dev/console: it is a directory");
  _cleanup_close_ int tree = open_tree (pty_slave, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0 || move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return husk_error_sys (err, errno, "bind the terminal on /dev/console");
  return 0;
}
