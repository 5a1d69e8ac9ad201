/* The container's filesystem: the mount table, propagation, pivot_root,
   masked and read-only paths.

   Mount destinations come from config.json and the rootfs may be hostile: a
   symlink inside it must not send a mount outside it (CVE-2021-30465, where
   a racing container swapped a symlink in between the path check and the
   mount).  So no destination is ever passed to the kernel as a path string:
   it is resolved with openat2 (RESOLVE_IN_ROOT) from a descriptor of the
   rootfs, and the mount is made on that descriptor:
   - bind mounts with the new mount API: open_tree (OPEN_TREE_CLONE) makes a
     detached copy of the source, mount_setattr gives it its flags,
     recursive attributes and id mapping while it is still detached (this
     replaces the MS_REMOUNT|MS_BIND second step of mount(2), and changes
     only the flags the options name), and move_mount attaches it to the
     destination descriptor;
   - other filesystems with mount(2) on "/proc/self/fd/N", the descriptor's
     magic link, which the kernel follows to the very same directory; the
     new mount is then looked up again (it now covers the directory) for
     the steps that need the mount itself: recursive attributes, id mapping,
     propagation. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "devices.h"
#include "cgroup/cgroup.h"
#include "log.h"
#include "lsm.h"
#include "mounts.h"
#include "oci_tables.h"
#include "process.h"
#include "sysctl.h"

/* Filesystems that must land on a real directory and be what they claim
   afterwards: a symlink or an over-mount there let a container disable its
   own LSM confinement (CVE-2019-16884, CVE-2019-19921).  Every other type
   is passed to mount(2) as written, with its data. */
struct mounts_fs
{
  const char *type;
  long magic; /* f_type the destination must show after mounting */
};

static const struct mounts_fs mounts_checked_filesystems[] = {
  { "proc", PROC_SUPER_MAGIC },
  { "sysfs", SYSFS_MAGIC },
  { NULL, 0 },
};

/* The cgroup driver makes these (cgroup/mount.c). */
static const char *const mounts_cgroup_types[] = { "cgroup", "cgroup2", NULL };

/* linux.mountLabel goes into every filesystem husk mounts as a
   context="..." option, as runc does, except into these.  The kernel's
   own filesystems share one superblock between mounts (the host's
   labels, and SELinux refuses a second context for it), or are labelled
   by the policy (genfscon).  An mqueue is labelled on its root instead
   (setxattr, in mounts_filesystem), when the container has an IPC
   namespace of its own; bind mounts keep the labels of what they show. */
static const char *const mounts_unlabelled_types[]
    = { "proc",   "sysfs",     "mqueue",  "securityfs", "debugfs",     "tracefs", "bpf",  "pstore",
        "configfs", "fusectl", "efivarfs", "binfmt_misc", "selinuxfs", "nsfs",   NULL };

/* What mount(2) flags become on a bind mount, which has no superblock of
   its own: per-mount attributes for mount_setattr. */
struct mounts_bind_attr
{
  unsigned long ms;
  uint64_t attr;
};

static const struct mounts_bind_attr mounts_bind_attrs[] = {
  { MS_RDONLY, MOUNT_ATTR_RDONLY },
  { MS_NOSUID, MOUNT_ATTR_NOSUID },
  { MS_NODEV, MOUNT_ATTR_NODEV },
  { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
  { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
  { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
  { 0, 0 },
};

/* The atime options set one field, not independent bits. */
#define MOUNTS_ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

/* Superblock flags: a bind mount cannot change them, and mount(2) would
   ignore them there without a word. */
#define MOUNTS_SB_FLAGS (MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME | MS_I_VERSION)

/* Propagation options of one entry, applied in order; more is nonsense. */
#define MOUNTS_MAX_PROPAGATION 8

/* One entry of mounts[] once its options are read. */
struct mounts_entry
{
  char label[64];   /* "config.json: mounts[3]", for messages */
  const char *dest; /* as written, for messages */
  const char *type; /* for messages */
  char *clean;      /* destination relative to the rootfs, lexically cleaned */
  bool bind;
  bool remount;
  bool idmap;           /* idmap, ridmap, or uid/gidMappings given */
  bool idmap_recursive; /* ridmap */
  bool tmpcopyup;
  const char *context;     /* linux.mountLabel, for mounts_filesystem */
  bool label_root;         /* an mqueue of the container's own: its root */
  unsigned long flags;     /* MS_* set by the options, in order */
  unsigned long cleared;   /* MS_* cleared by the options (rw, suid, ...) */
  bool atime_named;        /* an atime-family option was given */
  struct mount_attr rattr; /* recursive attributes (rro, rnosuid, ...) */
  unsigned long propagation[MOUNTS_MAX_PROPAGATION];
  size_t n_propagation;
  char *data; /* the options that are not mount options */
};

/* A mount made read-write that becomes read-only once every mount below
   it is made (mounts_finish_read_only). */
struct mounts_ro_later
{
  char *clean;
  char label[64];
};

/* What mounts_apply needs besides the entry, for the whole setup. */
struct mounts_setup
{
  const char *context; /* linux.mountLabel (NULL: none) */
  bool own_ipc;        /* the IPC namespace is the container's own, not joined
                          by path: its mqueue superblock is the container's alone */
  int source;          /* the entry's bind source, opened by husk, or -1 */
  struct mounts_ro_later *ro_later;
  size_t n_ro_later;
};

static void
mounts_entry_free (struct mounts_entry *e)
{
  free (e->clean);
  free (e->data);
}

int
mounts_openat2 (int at, const char *path, int oflags, uint64_t resolve)
{
  struct open_how how = { .flags = (uint64_t)oflags | O_CLOEXEC, .resolve = resolve };
  return (int)syscall (SYS_openat2, at, path, &how, sizeof how);
}

char *
mounts_clean_path (const char *path)
{
  char *out = xmalloc (strlen (path) + 1);
  size_t len = 0;

  for (const char *p = path; *p;)
    {
      while (*p == '/')
        p++;
      const char *end = strchrnul (p, '/');
      size_t n = (size_t)(end - p);
      if (n == 0 || (n == 1 && p[0] == '.'))
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
        }
      else
        {
          if (len > 0)
            out[len++] = '/';
          memcpy (out + len, p, n);
          len += n;
        }
      p = end;
    }
  out[len] = '\0';
  return out;
}

/* "/proc/self/fd/N": mount(2) and umount2 follow the magic link to the
   very object the descriptor holds. */
static void
mounts_fd_path (char *buf, size_t size, int fd)
{
  snprintf (buf, size, "/proc/self/fd/%d", fd);
}

static void
mounts_add_data (struct mounts_entry *e, const char *opt)
{
  size_t old = e->data ? strlen (e->data) : 0, n = strlen (opt);
  e->data = xrealloc (e->data, old + n + 2);
  if (old > 0)
    e->data[old++] = ',';
  memcpy (e->data + old, opt, n + 1);
}

static int
mounts_parse_options (const struct oci_mount *m, struct mounts_entry *e, struct husk_error **err)
{
  e->bind = m->type != NULL && strcmp (m->type, "bind") == 0;
  for (size_t j = 0; j < m->options.n; j++)
    {
      const char *name = m->options.v[j];
      const struct oci_mount_option *o = oci_mount_option_find (name);

      if (o == NULL)
        {
          mounts_add_data (e, name);
          continue;
        }
      switch (o->kind)
        {
        case OCI_MOUNT_FLAG_SET:
          if (o->flags & MS_REMOUNT)
            {
              e->remount = true;
              break;
            }
          e->flags |= o->flags;
          e->cleared &= ~o->flags;
          break;
        case OCI_MOUNT_FLAG_CLEAR:
          e->flags &= ~o->flags;
          e->cleared |= o->flags;
          break;
        case OCI_MOUNT_PROPAGATION:
          if (e->n_propagation == MOUNTS_MAX_PROPAGATION)
            return husk_error_set (err, "%s.options: more than %d propagation options", e->label,
                                   MOUNTS_MAX_PROPAGATION);
          e->propagation[e->n_propagation++] = o->flags;
          break;
        case OCI_MOUNT_ATTR_SET:
          if (oci_mount_option_is_atime (o))
            {
              /* One three-valued field: replace it (oci_tables.c). */
              e->rattr.attr_set = (e->rattr.attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | o->attr;
              e->rattr.attr_clr |= MOUNT_ATTR__ATIME;
            }
          else
            {
              e->rattr.attr_set |= o->attr;
              e->rattr.attr_clr &= ~o->attr;
            }
          break;
        case OCI_MOUNT_ATTR_CLEAR:
          e->rattr.attr_clr |= o->attr;
          e->rattr.attr_set &= ~o->attr;
          break;
        case OCI_MOUNT_IDMAP:
          e->idmap = true;
          e->idmap_recursive = (o->flags & MS_REC) != 0;
          break;
        case OCI_MOUNT_EXTENSION:
          if (strcmp (o->name, "tmpcopyup") == 0)
            {
              e->tmpcopyup = true;
              break;
            }
          return husk_error_set (err, "%s.options: \"%s\" is not supported", e->label, name);
        default:
          return husk_error_set (err, "%s.options: \"%s\" is not supported", e->label, name);
        }
      if ((o->kind == OCI_MOUNT_FLAG_SET || o->kind == OCI_MOUNT_FLAG_CLEAR)
          && (o->flags & MOUNTS_ATIME_FLAGS))
        e->atime_named = true;
    }
  if (e->flags & MS_BIND)
    e->bind = true;
  e->flags &= ~(unsigned long)MS_BIND;
  /* The spec: mappings without idmap/ridmap still ask for an idmapped
     mount; runc and crun read them the same way. */
  if (m->uid_mappings.n > 0 || m->gid_mappings.n > 0)
    e->idmap = true;
  if (e->idmap && (m->uid_mappings.n == 0 || m->gid_mappings.n == 0))
    return husk_error_set (err, "%s: an idmapped mount needs both uidMappings and gidMappings", e->label);
  if (e->tmpcopyup && (e->bind || m->type == NULL || strcmp (m->type, "tmpfs") != 0))
    return husk_error_set (err, "%s.options: \"tmpcopyup\" applies to tmpfs mounts only", e->label);
  if (e->remount && (e->idmap || e->tmpcopyup))
    return husk_error_set (err, "%s.options: \"remount\" cannot be combined with %s", e->label,
                           e->idmap ? "an id mapping" : "\"tmpcopyup\"");
  return 0;
}

/* What a bind mount (not a remount) must have, checked at create
   (mounts_check) and again in the init. */
static int
mounts_check_bind (const struct oci_mount *m, const struct mounts_entry *e, struct husk_error **err)
{
  if (m->source == NULL || m->source[0] == '\0')
    return husk_error_set (err, "%s.source: required for a bind mount", e->label);
  for (size_t j = 0; j < m->options.n; j++)
    {
      const struct oci_mount_option *o = oci_mount_option_find (m->options.v[j]);
      if (o != NULL && o->kind == OCI_MOUNT_FLAG_SET && (o->flags & MOUNTS_SB_FLAGS))
        return husk_error_set (err, "%s.options: \"%s\" does not apply to a bind mount", e->label,
                               m->options.v[j]);
    }
  return 0;
}

char *
mounts_bind_source (const struct oci_mount *m, const char *bundle_abs)
{
  return m->source[0] == '/' ? xstrdup (m->source) : xasprintf ("%s/%s", bundle_abs, m->source);
}

int
mounts_open_create (int rootfd, const char *clean, enum mounts_create create, uint64_t extra_resolve,
                    const char *label, struct husk_error **err)
{
  _cleanup_free_ char *prefix = xstrdup (clean);
  _cleanup_close_ int parent = -1;
  size_t len = strlen (prefix);

  if (len == 0)
    {
      int fd = mounts_openat2 (rootfd, ".", O_PATH, MOUNTS_RESOLVE | extra_resolve);
      return fd >= 0 ? fd : husk_error_sys (err, errno, "%s: open the rootfs", label);
    }
  for (size_t start = 0; start < len;)
    {
      size_t end = start;
      while (end < len && clean[end] != '/')
        end++;
      prefix[end] = '\0';

      int fd = mounts_openat2 (rootfd, prefix, O_PATH, MOUNTS_RESOLVE | extra_resolve);
      if (fd < 0 && errno == ENOENT && (end < len || create != MOUNTS_CREATE_NONE))
        {
          int at = parent >= 0 ? parent : rootfd;
          const char *name = prefix + start;
          int r;

          if (end == len && create == MOUNTS_CREATE_FILE)
            {
              r = openat (at, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (r >= 0)
                close (r);
            }
          else
            r = mkdirat (at, name, 0755);
          if (r < 0 && errno != EEXIST)
            return husk_error_sys (err, errno, "%s: create \"/%s\" in the rootfs", label, prefix);
          fd = mounts_openat2 (rootfd, prefix, O_PATH, MOUNTS_RESOLVE | extra_resolve);
          /* mkdirat found something, yet it does not resolve: a symlink to
             a missing target.  Its target is not created. */
          if (fd < 0 && errno == ENOENT)
            return husk_error_set (err, "%s: \"/%s\" in the rootfs is a symbolic link to a missing target",
                                   label, prefix);
        }
      if (fd < 0 && errno == ELOOP && (extra_resolve & RESOLVE_NO_SYMLINKS))
        return husk_error_set (err, "%s: \"/%s\" in the rootfs is a symbolic link", label, prefix);
      if (fd < 0)
        return husk_error_sys (err, errno, "%s: open \"/%s\" in the rootfs", label, prefix);
      if (parent >= 0)
        close (parent);
      parent = fd;
      prefix[end] = end < len ? '/' : '\0';
      start = end + 1;
    }
  return steal_fd (&parent);
}

/* The per-mount attributes the (non-recursive) flags ask for. */
static struct mount_attr
mounts_flags_attr (const struct mounts_entry *e)
{
  struct mount_attr attr = { 0 };
  for (const struct mounts_bind_attr *a = mounts_bind_attrs; a->ms; a++)
    if (e->flags & a->ms)
      attr.attr_set |= a->attr;
    else if (e->cleared & a->ms)
      attr.attr_clr |= a->attr;
  if (e->atime_named)
    {
      /* The rule mount(2) applies to a new mount's atime field. */
      attr.attr_clr |= MOUNT_ATTR__ATIME;
      if (e->flags & MS_NOATIME)
        attr.attr_set |= MOUNT_ATTR_NOATIME;
      else if (e->flags & MS_STRICTATIME)
        attr.attr_set |= MOUNT_ATTR_STRICTATIME;
      else
        attr.attr_set |= MOUNT_ATTR_RELATIME;
    }
  return attr;
}

/* The top mount's flags, then the recursive attributes over the whole
   tree (so "ro,rrw" ends read-write everywhere, as the options read). */
static int
mounts_set_attrs (int fd, const struct mounts_entry *e, bool top_flags, const char *what,
                  struct husk_error **err)
{
  struct mount_attr attr = mounts_flags_attr (e);
  if (top_flags && (attr.attr_set | attr.attr_clr)
      && mount_setattr (fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return husk_error_sys (err, errno, "%s: set the flags of %s", e->label, what);
  struct mount_attr rattr = e->rattr;
  if ((rattr.attr_set | rattr.attr_clr)
      && mount_setattr (fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &rattr, sizeof rattr) < 0)
    return husk_error_sys (err, errno, "%s: set the recursive attributes of %s", e->label, what);
  return 0;
}

/* Applied once the mount is attached: propagation is a property of the
   mount's place in the tree (its peer group), and a mount made under a
   private parent starts private. */
static int
mounts_set_propagation (int fd, const struct mounts_entry *e, struct husk_error **err)
{
  for (size_t i = 0; i < e->n_propagation; i++)
    {
      struct mount_attr attr = { .propagation = e->propagation[i] & ~(unsigned long)MS_REC };
      unsigned int flags = AT_EMPTY_PATH | ((e->propagation[i] & MS_REC) ? AT_RECURSIVE : 0);
      if (mount_setattr (fd, "", flags, &attr, sizeof attr) < 0)
        return husk_error_sys (err, errno, "%s: set the propagation of \"%s\"", e->label, e->dest);
    }
  return 0;
}

static int
mounts_write_map (const char *pid, const char *file, const oci_id_mappingv *map, const char *label,
                  struct husk_error **err)
{
  _cleanup_free_ char *path = xasprintf ("/proc/%s/%s", pid, file);
  _cleanup_free_ char *text = xstrdup ("");
  for (size_t i = 0; i < map->n; i++)
    {
      char *next
          = xasprintf ("%s%u %u %u\n", text, map->v[i].container_id, map->v[i].host_id, map->v[i].size);
      free (text);
      text = next;
    }
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, text, strlen (text)) != (ssize_t)strlen (text))
    return husk_error_sys (err, errno, "%s: write the %s of the idmapped mount's user namespace", label,
                           file);
  return 0;
}

/* The parent's half of mounts_idmap_userns: the child's pid, its maps, a
   descriptor of its namespace. */
static int
mounts_idmap_fill (int from_child, const struct oci_mount *m, const char *label, struct husk_error **err)
{
  char pid[32];
  ssize_t n;
  do
    n = read (from_child, pid, sizeof pid - 1);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return husk_error_set (err, "%s: create a user namespace for the idmapped mount: the helper failed",
                           label);
  pid[n] = '\0';
  if (mounts_write_map (pid, "uid_map", &m->uid_mappings, label, err) < 0
      || mounts_write_map (pid, "gid_map", &m->gid_mappings, label, err) < 0)
    return -1;
  _cleanup_free_ char *path = xasprintf ("/proc/%s/ns/user", pid);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "%s: open the idmapped mount's user namespace", label);
  return fd;
}

/* A user namespace holding the entry's mappings, for MOUNT_ATTR_IDMAP.  A
   child unshares CLONE_NEWUSER and waits; we write its maps (as root of
   the parent namespace any ids may be mapped) and keep a descriptor of its
   namespace, which outlives the child.  The child tells us its pid as
   /proc/self reads in the host's procfs, still mounted here: the init may
   be in a new pid namespace, where fork's answer is not that pid.
   Mapping lines are "containerID hostID size": an idmapped mount shows an
   id stored on disk as containerID to everyone as hostID. */
static int
mounts_idmap_userns (const struct oci_mount *m, const char *label, struct husk_error **err)
{
  int to_parent[2], to_child[2];
  if (pipe2 (to_parent, O_CLOEXEC) < 0)
    return husk_error_sys (err, errno, "%s: pipe", label);
  if (pipe2 (to_child, O_CLOEXEC) < 0)
    {
      close (to_parent[0]);
      close (to_parent[1]);
      return husk_error_sys (err, errno, "%s: pipe", label);
    }
  pid_t child = fork ();
  if (child == 0)
    {
      char self[32];
      ssize_t n = -1;
      close (to_parent[0]);
      close (to_child[1]);
      if (unshare (CLONE_NEWUSER) == 0)
        n = readlink ("/proc/self", self, sizeof self);
      if (n > 0 && write (to_parent[1], self, (size_t)n) != n)
        _exit (1);
      close (to_parent[1]);
      char c;
      while (read (to_child[0], &c, 1) < 0 && errno == EINTR)
        ;
      _exit (0);
    }
  int saved = errno;
  close (to_parent[1]);
  close (to_child[0]);
  int ns = -1;
  if (child < 0)
    husk_error_sys (err, saved, "%s: fork", label);
  else
    ns = mounts_idmap_fill (to_parent[0], m, label, err);
  close (to_parent[0]);
  close (to_child[1]); /* lets the child exit */
  if (child > 0)
    while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
      ;
  return ns;
}

static int
mounts_set_idmap (int tree, const struct oci_mount *m, const struct mounts_entry *e, const char *source,
                  struct husk_error **err)
{
  _cleanup_close_ int userns = mounts_idmap_userns (m, e->label, err);
  if (userns < 0)
    return -1;
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
  unsigned int flags = AT_EMPTY_PATH | (e->idmap_recursive ? AT_RECURSIVE : 0);
  if (mount_setattr (tree, "", flags, &attr, sizeof attr) == 0)
    return 0;
  if (errno == EINVAL)
    return husk_error_set (err, "%s: idmapped mounts are not supported by the filesystem of \"%s\"", e->label,
                           source);
  return husk_error_sys (err, errno, "%s: idmap \"%s\"", e->label, source);
}

/* A detached copy of the source, given its flags before it is attached. */
static int
mounts_bind (int rootfd, const struct oci_mount *m, struct mounts_entry *e, const char *bundle_abs,
             int source_fd, struct husk_error **err)
{
  if (mounts_check_bind (m, e, err) < 0)
    return -1;
  /* Filesystem data (e->data) was warned about at create (mounts_check):
     the kernel ignores it for a bind, as it does for runc's mount(2). */
  _cleanup_free_ char *source = mounts_bind_source (m, bundle_abs);
  unsigned int tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((e->flags & MS_REC) ? AT_RECURSIVE : 0);
  _cleanup_close_ int tree = source_fd >= 0 ? open_tree (source_fd, "", tree_flags | AT_EMPTY_PATH)
                                            : open_tree (AT_FDCWD, source, tree_flags);
  if (tree < 0)
    return husk_error_sys (err, errno, "%s: bind source \"%s\"", e->label, source);

  struct stat st;
  if (fstat (tree, &st) < 0)
    return husk_error_sys (err, errno, "%s: stat bind source \"%s\"", e->label, source);

  _cleanup_free_ char *what = xasprintf ("bind \"%s\"", source);
  if (mounts_set_attrs (tree, e, true, what, err) < 0)
    return -1;
  /* Only a detached mount may be given an id mapping. */
  if (e->idmap && mounts_set_idmap (tree, m, e, source, err) < 0)
    return -1;

  _cleanup_close_ int target = mounts_open_create (
      rootfd, e->clean, S_ISDIR (st.st_mode) ? MOUNTS_CREATE_DIR : MOUNTS_CREATE_FILE, 0, e->label, err);
  if (target < 0)
    return -1;
  struct stat tst;
  if (fstat (target, &tst) < 0)
    return husk_error_sys (err, errno, "%s: stat \"%s\"", e->label, e->dest);
  if (S_ISDIR (tst.st_mode) != S_ISDIR (st.st_mode))
    return husk_error_set (err, "%s: bind \"%s\" on \"%s\": %s", e->label, source, e->dest,
                           S_ISDIR (st.st_mode) ? "the destination is not a directory"
                                                : "the source is not a directory but the destination is");
  if (move_mount (tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return husk_error_sys (err, errno, "%s: bind \"%s\" on \"%s\"", e->label, source, e->dest);
  /* The descriptor now names the attached mount. */
  return mounts_set_propagation (tree, e, err);
}

/* tmpcopyup: what the tmpfs covers is copied into it (runc's extension),
   owners, modes and times kept.  from and to are directory fds. */
static int mounts_copy_tree (int from, int to, const struct mounts_entry *e, struct husk_error **err);

static int
mounts_copy_file (int from, int to, const char *name, const struct stat *st, const struct mounts_entry *e,
                  struct husk_error **err)
{
  _cleanup_close_ int in = openat (from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_close_ int out = openat (to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (in < 0 || out < 0)
    return husk_error_sys (err, errno, "%s: tmpcopyup \"%s\"", e->label, name);
  char buf[65536];
  ssize_t n;
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (write (out, buf, (size_t)n) != n)
      return husk_error_sys (err, errno, "%s: tmpcopyup \"%s\"", e->label, name);
  if (n < 0)
    return husk_error_sys (err, errno, "%s: tmpcopyup \"%s\"", e->label, name);
  return 0;
}

static int
mounts_copy_entry (int from, int to, const char *name, const struct mounts_entry *e, struct husk_error **err)
{
  struct stat st;
  if (fstatat (from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return husk_error_sys (err, errno, "%s: tmpcopyup: stat \"%s\"", e->label, name);
  int r = 0;
  if (S_ISDIR (st.st_mode))
    {
      if (mkdirat (to, name, 0700) < 0)
        return husk_error_sys (err, errno, "%s: tmpcopyup: mkdir \"%s\"", e->label, name);
      _cleanup_close_ int sub_from = openat (from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      _cleanup_close_ int sub_to = openat (to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub_from < 0 || sub_to < 0)
        return husk_error_sys (err, errno, "%s: tmpcopyup: open \"%s\"", e->label, name);
      if (mounts_copy_tree (sub_from, sub_to, e, err) < 0)
        return -1;
    }
  else if (S_ISREG (st.st_mode))
    r = mounts_copy_file (from, to, name, &st, e, err);
  else if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      ssize_t n = readlinkat (from, name, target, sizeof target - 1);
      if (n < 0)
        return husk_error_sys (err, errno, "%s: tmpcopyup: readlink \"%s\"", e->label, name);
      target[n] = '\0';
      if (symlinkat (target, to, name) < 0)
        return husk_error_sys (err, errno, "%s: tmpcopyup: symlink \"%s\"", e->label, name);
    }
  else if (mknodat (to, name, st.st_mode, st.st_rdev) < 0)
    return husk_error_sys (err, errno, "%s: tmpcopyup: mknod \"%s\"", e->label, name);
  if (r < 0)
    return -1;
  struct timespec times[2] = { st.st_atim, st.st_mtim };
  if (fchownat (to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0
      || (!S_ISLNK (st.st_mode) && fchmodat (to, name, st.st_mode & 07777, 0) < 0)
      || utimensat (to, name, times, AT_SYMLINK_NOFOLLOW) < 0)
    return husk_error_sys (err, errno, "%s: tmpcopyup: set the owner, mode and times of \"%s\"", e->label,
                           name);
  return 0;
}

static int
mounts_copy_tree (int from, int to, const struct mounts_entry *e, struct husk_error **err)
{
  int dfd = dup (from);
  DIR *dir = dfd >= 0 ? fdopendir (dfd) : NULL;
  if (dir == NULL)
    {
      if (dfd >= 0)
        close (dfd);
      return husk_error_sys (err, errno, "%s: tmpcopyup: read \"%s\"", e->label, e->dest);
    }
  int r = 0;
  struct dirent *de;
  while (r == 0 && (de = readdir (dir)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      r = mounts_copy_entry (from, to, de->d_name, e, err);
  closedir (dir);
  return r;
}

static const struct mounts_fs *
mounts_checked_fs (const char *type)
{
  for (const struct mounts_fs *f = mounts_checked_filesystems; f->type; f++)
    if (strcmp (f->type, type) == 0)
      return f;
  return NULL;
}

static int
mounts_filesystem (int rootfd, const struct oci_mount *m, struct mounts_entry *e, struct husk_error **err)
{
  if (m->type == NULL || m->type[0] == '\0')
    return husk_error_set (err, "%s.type: required unless the mount is a bind mount", e->label);
  const struct mounts_fs *fs = mounts_checked_fs (m->type);

  uint64_t no_symlinks = fs != NULL ? RESOLVE_NO_SYMLINKS : 0;
  _cleanup_close_ int target
      = mounts_open_create (rootfd, e->clean, MOUNTS_CREATE_DIR, no_symlinks, e->label, err);
  if (target < 0)
    return -1;
  struct stat st;
  if (fstat (target, &st) < 0)
    return husk_error_sys (err, errno, "%s: stat \"%s\"", e->label, e->dest);
  if (!S_ISDIR (st.st_mode))
    return husk_error_set (err, "%s: mount %s on \"%s\": not a directory", e->label, m->type, e->dest);

  /* What the tmpfs will cover, for tmpcopyup. */
  _cleanup_close_ int below = -1;
  if (e->tmpcopyup)
    {
      below = openat (target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (below < 0)
        return husk_error_sys (err, errno, "%s: open \"%s\"", e->label, e->dest);
    }

  char procfd[64];
  mounts_fd_path (procfd, sizeof procfd, target);
  const char *source = m->source != NULL && m->source[0] != '\0' ? m->source : m->type;
  if (e->context != NULL && !e->label_root)
    {
      /* Quoted: MCS categories hold commas (lsm_check refused quotes). */
      _cleanup_free_ char *opt = xasprintf ("context=\"%s\"", e->context);
      mounts_add_data (e, opt);
    }
  /* A read-only tmpfs is filled first, made read-only after (mounts_defer_read_only). */
  unsigned long flags = e->flags & ~(unsigned long)MS_REC;
  if (mount (source, procfd, m->type, flags, e->data) < 0)
    return husk_error_sys (err, errno, "%s: mount %s on \"%s\"", e->label, m->type, e->dest);

  /* Look again, through the new mount: it must be what was asked, and the
     steps below act on the mount, not on the directory under it. */
  _cleanup_close_ int top
      = mounts_openat2 (rootfd, e->clean, O_PATH | O_DIRECTORY, MOUNTS_RESOLVE | no_symlinks);
  if (top < 0)
    return husk_error_sys (err, errno, "%s: open \"%s\" after mounting %s", e->label, e->dest, m->type);
  if (fs != NULL)
    {
      struct statfs sfs;
      if (fstatfs (top, &sfs) < 0)
        return husk_error_sys (err, errno, "%s: check %s on \"%s\"", e->label, m->type, e->dest);
      if (sfs.f_type != fs->magic)
        return husk_error_set (err, "%s: \"%s\" is not %s after mounting it", e->label, e->dest, m->type);
    }
  if (e->label_root)
    {
      /* The label a file gets from setfilecon(3), NUL included. */
      mounts_fd_path (procfd, sizeof procfd, top);
      if (setxattr (procfd, "security.selinux", e->context, strlen (e->context) + 1, 0) < 0)
        return husk_error_sys (err, errno, "%s: label %s on \"%s\" with linux.mountLabel", e->label, m->type,
                               e->dest);
    }
  if (e->tmpcopyup)
    {
      _cleanup_close_ int dir = mounts_openat2 (rootfd, e->clean, O_RDONLY | O_DIRECTORY, MOUNTS_RESOLVE);
      if (dir < 0)
        return husk_error_sys (err, errno, "%s: open \"%s\"", e->label, e->dest);
      if (mounts_copy_tree (below, dir, e, err) < 0)
        return -1;
    }
  _cleanup_free_ char *what = xasprintf ("%s on \"%s\"", m->type, e->dest);
  if (mounts_set_attrs (top, e, false, what, err) < 0)
    return -1;
  if (e->idmap)
    {
      /* Only a detached mount may be given an id mapping: take a copy of
         the new mount, drop the original, map the copy, put it back. */
      int copy = open_tree (top, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
      if (copy < 0)
        return husk_error_sys (err, errno, "%s: copy %s for its id mapping", e->label, what);
      mounts_fd_path (procfd, sizeof procfd, top);
      int r = umount2 (procfd, MNT_DETACH);
      int saved = errno;
      close (top);
      top = copy;
      if (r < 0)
        return husk_error_sys (err, saved, "%s: unmount %s for its id mapping", e->label, what);
      if (mounts_set_idmap (top, m, e, source, err) < 0)
        return -1;
      if (move_mount (top, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return husk_error_sys (err, errno, "%s: attach the idmapped %s", e->label, what);
    }
  return mounts_set_propagation (top, e, err);
}

/* "remount": change the mount already at the destination. */
static int
mounts_remount (int rootfd, const struct oci_mount *m, struct mounts_entry *e, struct husk_error **err)
{
  _cleanup_close_ int fd = mounts_openat2 (rootfd, e->clean, O_PATH, MOUNTS_RESOLVE);
  if (fd < 0)
    return husk_error_sys (err, errno, "%s: remount \"%s\"", e->label, e->dest);
  _cleanup_free_ char *what = xasprintf ("\"%s\"", e->dest);
  if (e->bind)
    {
      /* Data is ignored, as for a bind (mounts_check warned). */
      if (mounts_set_attrs (fd, e, true, what, err) < 0)
        return -1;
    }
  else
    {
      char procfd[64];
      mounts_fd_path (procfd, sizeof procfd, fd);
      if (mount (NULL, procfd, NULL, MS_REMOUNT | (e->flags & ~(unsigned long)MS_REC), e->data) < 0)
        return husk_error_sys (err, errno, "%s: remount \"%s\"", e->label, e->dest);
      if (mounts_set_attrs (fd, e, false, what, err) < 0)
        return -1;
    }
  return mounts_set_propagation (fd, e, err);
}

/* The container's own cgroups, read-write unless the options say ro, as
   runc mounts them (the tmpfs and each hierarchy): the cgroup driver
   knows the layout (cgroup.h, cgroup_mount_container). */
static int
mounts_cgroup (int rootfd, const struct mounts_entry *e, const char *context, struct husk_error **err)
{
  bool readonly = (e->flags & MS_RDONLY) != 0;
  _cleanup_close_ int target
      = mounts_open_create (rootfd, e->clean, MOUNTS_CREATE_DIR, RESOLVE_NO_SYMLINKS, e->label, err);
  if (target < 0)
    return -1;
  if (cgroup_mount_container (target, readonly, context, err) < 0)
    return husk_error_wrap (err, "%s", e->label);
  return 0;
}

/* As runc (its mountPropagate and finalizeRootfs): a read-only tmpfs, or
   a read-only mount of any type on /dev, is made read-write and becomes
   read-only at the end of the setup (mounts_finish_read_only), once the
   mounts below it (/dev/pts, /dev/shm, ...), their mount points, the
   devices and a tmpcopyup copy are made in it. */
static void
mounts_defer_read_only (struct mounts_setup *ms, struct mounts_entry *e)
{
  if (!(e->flags & MS_RDONLY) || (strcmp (e->clean, "dev") != 0 && (e->type == NULL || strcmp (e->type, "tmpfs") != 0)))
    return;
  e->flags &= ~(unsigned long)MS_RDONLY;
  ms->ro_later = xrealloc (ms->ro_later, (ms->n_ro_later + 1) * sizeof *ms->ro_later);
  struct mounts_ro_later *r = &ms->ro_later[ms->n_ro_later++];
  r->clean = xstrdup (e->clean);
  snprintf (r->label, sizeof r->label, "%s", e->label);
}

static int
mounts_finish_read_only (const struct mounts_setup *ms, int root, struct husk_error **err)
{
  struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
  for (size_t i = 0; i < ms->n_ro_later; i++)
    {
      const struct mounts_ro_later *r = &ms->ro_later[i];
      _cleanup_close_ int fd = mounts_openat2 (root, r->clean, O_PATH, MOUNTS_RESOLVE);
      if (fd < 0 || mount_setattr (fd, "", AT_EMPTY_PATH, &ro, sizeof ro) < 0)
        return husk_error_sys (err, errno, "%s: make \"/%s\" read-only", r->label, r->clean);
    }
  return 0;
}

static void
mounts_setup_free (struct mounts_setup *ms)
{
  for (size_t i = 0; i < ms->n_ro_later; i++)
    free (ms->ro_later[i].clean);
  free (ms->ro_later);
}

/* The SELinux context a new filesystem gets from linux.mountLabel
   (mounts_unlabelled_types), unless its options name one of their own
   (the user's wins: a second one is an error to the kernel). */
static void
mounts_pick_context (struct mounts_setup *ms, const struct oci_mount *m, struct mounts_entry *e)
{
  static const char *const options[] = { "context=", "fscontext=", "defcontext=", "rootcontext=" };
  const char *label = ms->context;
  if (label == NULL || e->bind || e->remount || m->type == NULL)
    return;
  if (strcmp (m->type, "mqueue") == 0)
    {
      e->label_root = ms->own_ipc;
      e->context = e->label_root ? label : NULL;
      return;
    }
  if (oci_name_in (mounts_unlabelled_types, m->type))
    return;
  for (size_t j = 0; j < m->options.n; j++)
    for (size_t k = 0; k < sizeof options / sizeof *options; k++)
      if (strncmp (m->options.v[j], options[k], strlen (options[k])) == 0)
        return;
  e->context = label;
}

static int
mounts_apply (struct mounts_setup *ms, int rootfd, const struct oci_mount *m, const char *label,
              const char *bundle_abs, struct husk_error **err)
{
  struct mounts_entry e __attribute__ ((cleanup (mounts_entry_free)))
  = { .dest = m->destination, .type = m->type };

  snprintf (e.label, sizeof e.label, "%s", label);
  if (m->destination == NULL || m->destination[0] != '/')
    return husk_error_set (err, "%s.destination: must be an absolute path", label);
  e.clean = mounts_clean_path (m->destination);
  if (e.clean[0] == '\0')
    return husk_error_set (err, "%s.destination: must not be the root \"/\"", label);
  if (mounts_parse_options (m, &e, err) < 0)
    return -1;
  mounts_pick_context (ms, m, &e);
  if (m->type != NULL && oci_name_in (mounts_cgroup_types, m->type))
    return mounts_cgroup (rootfd, &e, ms->context, err);
  if (e.remount)
    return mounts_remount (rootfd, m, &e, err);
  mounts_defer_read_only (ms, &e);
  if (e.bind)
    return mounts_bind (rootfd, m, &e, bundle_abs, ms->source, err);
  return mounts_filesystem (rootfd, m, &e, err);
}

/* The mounts husk adds to a /dev it populates, unless mounts[] has them.
   No /dev/shm: as with runc, the config says whether there is one
   (podman and CRI bind one the engine made; runc spec mounts a tmpfs). */
static char *mounts_dev_options[] = { "nosuid", "strictatime", "mode=755", "size=65536k" };
/* gid=5 (tty) stays last: it is dropped where the gid is not mapped. */
static char *mounts_devpts_options[]
    = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" };

#define MOUNTS_DEFAULT(dest_, type_, opts_)                                                                  \
  {                                                                                                          \
    .destination = dest_, .source = type_, .type = type_,                                                    \
    .options = { .v = opts_, .n = sizeof opts_ / sizeof *opts_ },                                            \
  }
static const struct oci_mount mounts_default_dev = MOUNTS_DEFAULT ("/dev", "tmpfs", mounts_dev_options);
static const struct oci_mount mounts_default_dev_mounts[] = {
  MOUNTS_DEFAULT ("/dev/pts", "devpts", mounts_devpts_options),
};
#undef MOUNTS_DEFAULT

/* The last mounts[] entry on `clean` (a cleaned destination), or NULL. */
static const struct oci_mount *
mounts_find (const struct oci_config *c, const char *clean)
{
  const struct oci_mount *found = NULL;
  for (size_t i = 0; i < c->mounts.n; i++)
    if (c->mounts.v[i].destination != NULL)
      {
        _cleanup_free_ char *d = mounts_clean_path (c->mounts.v[i].destination);
        if (strcmp (d, clean) == 0)
          found = &c->mounts.v[i];
      }
  return found;
}

/* husk populates /dev when it is its own tmpfs or a configured tmpfs; a
   bind of the host's /dev, or a devtmpfs, is left as it is. */
static bool
mounts_populate_dev (const struct oci_config *c)
{
  const struct oci_mount *dev = mounts_find (c, "dev");
  return dev == NULL || (dev->type != NULL && strcmp (dev->type, "tmpfs") == 0);
}

/* Whether gid has a mapping in our user namespace (the kernel refuses a
   devpts gid= it cannot map).  /proc is still the host's here. */
static bool
mounts_gid_mapped (unsigned int gid)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/gid_map", "re");
  unsigned int inside, outside, count;
  while (f != NULL && fscanf (f, "%u %u %u", &inside, &outside, &count) == 3)
    if (gid >= inside && gid - inside < count)
      return true;
  return f == NULL;
}

static int
mounts_setup_dev (const struct oci_config *c, struct mounts_setup *ms, int rootfd, const char *bundle_abs,
                  struct husk_error **err)
{
  bool populate = mounts_populate_dev (c);
  if (populate)
    for (size_t i = 0; i < sizeof mounts_default_dev_mounts / sizeof *mounts_default_dev_mounts; i++)
      {
        struct oci_mount m = mounts_default_dev_mounts[i];
        _cleanup_free_ char *clean = mounts_clean_path (m.destination);
        if (mounts_find (c, clean) != NULL)
          continue;
        if (m.options.v == mounts_devpts_options && !mounts_gid_mapped (5))
          m.options.n--;
        _cleanup_free_ char *label = xasprintf ("husk's default mount of \"%s\"", m.destination);
        if (mounts_apply (ms, rootfd, &m, label, bundle_abs, err) < 0)
          return -1;
      }
  return devices_setup (c, rootfd, populate, err);
}

/* linux.rootfsPropagation: how the namespace's copy of the host's tree is
   prepared before anything is mounted (`before`), and what the new root
   becomes after pivot_root (`after`, applied to "/" as the runtime-spec
   says; 0: nothing).  Private and unbindable start from rprivate, slave
   from rslave (host mounts still come in, nothing goes out), shared leaves
   the host's peer groups as they are.  Without the member husk uses
   rprivate, as crun does. */
struct mounts_root_propagation
{
  const char *name;
  unsigned long before;
  unsigned long after;
};

static const struct mounts_root_propagation mounts_root_propagations[] = {
  { "private", MS_REC | MS_PRIVATE, MS_PRIVATE },
  { "rprivate", MS_REC | MS_PRIVATE, MS_REC | MS_PRIVATE },
  { "slave", MS_REC | MS_SLAVE, MS_SLAVE },
  { "rslave", MS_REC | MS_SLAVE, MS_REC | MS_SLAVE },
  { "shared", 0, MS_SHARED },
  { "rshared", 0, MS_REC | MS_SHARED },
  { "unbindable", MS_REC | MS_PRIVATE, MS_UNBINDABLE },
  { "runbindable", MS_REC | MS_PRIVATE, MS_REC | MS_UNBINDABLE },
  { NULL, MS_REC | MS_PRIVATE, 0 },
};

static int
mounts_find_root_propagation (const struct oci_config *c, const struct mounts_root_propagation **out,
                              struct husk_error **err)
{
  const char *p = c->linux_ != NULL ? c->linux_->rootfs_propagation : NULL;
  const struct mounts_root_propagation *r = mounts_root_propagations;
  while (r->name != NULL && (p == NULL || strcmp (r->name, p) != 0))
    r++;
  if (p != NULL && r->name == NULL)
    return husk_error_set (err, "config.json: linux.rootfsPropagation: unknown propagation \"%s\"", p);
  *out = r;
  return 0;
}

static uint64_t
mounts_mnt_id (const char *path)
{
  struct statx stx;
  if (statx (AT_FDCWD, path, AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) < 0 || !(stx.stx_mask & STATX_MNT_ID))
    return 0;
  return stx.stx_mnt_id;
}

/* For "shared": the mount holding the rootfs, and the current root, are
   made private in this namespace (nothing changes on the host).  Else the
   bind of the rootfs onto itself would join the host's peer group and
   every mount below would show up on the host, and pivot_root refuses a
   shared parent or root (EINVAL), as runc's rootfsParentMountPrivate
   explains.  The mount's root is the highest ancestor on the same mount. */
static int
mounts_make_parent_private (const char *rootfs_abs, struct husk_error **err)
{
  _cleanup_free_ char *top = xstrdup (rootfs_abs);
  uint64_t id = mounts_mnt_id (top);
  if (id == 0)
    return husk_error_sys (err, errno, "find the mount of root.path \"%s\"", rootfs_abs);
  while (strcmp (top, "/") != 0)
    {
      const char *slash = strrchr (top, '/');
      char *parent
          = slash == NULL || slash == top ? xstrdup ("/") : xasprintf ("%.*s", (int)(slash - top), top);
      if (mounts_mnt_id (parent) != id)
        {
          free (parent);
          break;
        }
      free (top);
      top = parent;
    }
  if (mount (NULL, top, NULL, MS_PRIVATE, NULL) < 0)
    return husk_error_sys (err, errno, "make the mount of \"%s\" private", top);
  if (mount (NULL, "/", NULL, MS_PRIVATE, NULL) < 0)
    return husk_error_sys (err, errno, "make \"/\" private");
  return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one at "/";
   unmounting "." then removes the old root without needing a directory for
   it inside the rootfs (the trick runc and crun use). */
static int
mounts_pivot (int rootfd, struct husk_error **err)
{
  _cleanup_close_ int oldroot = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return husk_error_sys (err, errno, "open the old root");
  if (fchdir (rootfd) < 0)
    return husk_error_sys (err, errno, "chdir into the rootfs");
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    {
      if (errno == EINVAL)
        return husk_error_sys (err, errno,
                               "pivot_root into the rootfs (on ramfs or initramfs, use --no-pivot)");
      return husk_error_sys (err, errno, "pivot_root into the rootfs");
    }
  /* The old root holds mounts shared with the host (all of them with
     "shared", and binds' sources in any mode): unmounting them must not
     propagate to the host, so the old tree is made rslave first.  Through
     a descriptor taken before the pivot: mount(2) on "." would name the
     new root (a path lookup does not cross the mount stacked on its
     starting point), and make every mount of the container a slave.
     umount2 does cross it, so "." is the old root there. */
  struct mount_attr slave = { .propagation = MS_SLAVE };
  if (mount_setattr (oldroot, "", AT_EMPTY_PATH | AT_RECURSIVE, &slave, sizeof slave) < 0)
    return husk_error_sys (err, errno, "make the old root a slave");
  if (umount2 (".", MNT_DETACH) < 0)
    return husk_error_sys (err, errno, "unmount the old root");
  if (chdir ("/") < 0)
    return husk_error_sys (err, errno, "chdir to \"/\"");
  return 0;
}

/* mountinfo escapes blanks, newlines and backslashes as \NNN (octal). */
static void
mounts_unescape (char *s)
{
  char *out = s;
  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7')
      {
        *out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
        s += 3;
      }
    else
      *out++ = *s;
  *out = '\0';
}

/* The mount points of every full (root "/") proc and sysfs mount outside
   the rootfs, from this namespace's mountinfo.  NULL-terminated. */
static char **
mounts_host_pseudofs (const char *rootfs_abs, struct husk_error **err)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/mountinfo", "re");
  if (f == NULL)
    {
      husk_error_sys (err, errno, "--no-pivot: read /proc/self/mountinfo");
      return NULL;
    }
  size_t n = 0, rlen = strlen (rootfs_abs);
  char **out = xcalloc (1, sizeof *out);
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* id parent major:minor root mount-point options [optional...] - type ... */
      char *field[5], *save = NULL, *sep = strstr (line, " - ");
      size_t k = 0;
      for (char *t = strtok_r (line, " ", &save); t && k < 5; t = strtok_r (NULL, " ", &save))
        field[k++] = t;
      if (k < 5 || sep == NULL)
        continue;
      char *type = sep + 3, *end = strchrnul (type, ' ');
      *end = '\0';
      if ((strcmp (type, "proc") != 0 && strcmp (type, "sysfs") != 0) || strcmp (field[3], "/") != 0)
        continue;
      char *mp = field[4];
      mounts_unescape (mp);
      if (strncmp (mp, rootfs_abs, rlen) == 0 && (mp[rlen] == '/' || mp[rlen] == '\0'))
        continue;
      out = xrealloc (out, (n + 2) * sizeof *out);
      out[n++] = xstrdup (mp);
      out[n] = NULL;
    }
  return out;
}

/* --no-pivot leaves the host's tree in the mount namespace, under the
   chroot.  The kernel lets a process that unshares a user and a mount
   namespace mount a new procfs or sysfs when a fully visible one (its
   root mounted, nothing mounted over any part of it) is in its mount
   namespace (fs/namespace.c, mount_too_revealing): the host's /proc would
   be that one, and the new procfs would show what linux.maskedPaths
   hide.  So each full proc and sysfs mount outside the rootfs goes first:
   made a slave (its unmount must not reach the host) and detached, or
   covered with a tmpfs where it cannot be unmounted, as runc does (its
   msMoveRoot). */
static int
mounts_hide_host_pseudofs (const char *rootfs_abs, struct husk_error **err)
{
  char **paths = mounts_host_pseudofs (rootfs_abs, err);
  if (paths == NULL)
    return -1;
  int r = 0;
  for (char **p = paths; r == 0 && *p; p++)
    {
      /* ENOENT: a mount above it went already. */
      if (mount (NULL, *p, NULL, MS_SLAVE | MS_REC, NULL) < 0)
        r = errno == ENOENT ? 0 : husk_error_sys (err, errno, "--no-pivot: make \"%s\" a slave", *p);
      else if (umount2 (*p, MNT_DETACH) < 0
               && ((errno != EINVAL && errno != EPERM) || mount ("tmpfs", *p, "tmpfs", 0, NULL) < 0))
        r = husk_error_sys (err, errno, "--no-pivot: hide the host's \"%s\"", *p);
    }
  for (char **p = paths; *p; p++)
    free (*p);
  free (paths);
  return r;
}

/* --no-pivot: move the rootfs over "/" and chroot into it.  The old root
   stays underneath, unreachable by path, but for its proc and sysfs
   mounts, which go first (mounts_hide_host_pseudofs). */
static int
mounts_move_root (int rootfd, const char *rootfs_abs, struct husk_error **err)
{
  if (mounts_hide_host_pseudofs (rootfs_abs, err) < 0)
    return -1;
  if (fchdir (rootfd) < 0)
    return husk_error_sys (err, errno, "chdir into the rootfs");
  if (mount (".", "/", NULL, MS_MOVE, NULL) < 0)
    return husk_error_sys (err, errno, "move the rootfs onto \"/\"");
  if (chroot (".") < 0)
    return husk_error_sys (err, errno, "chroot into the rootfs");
  if (chdir ("/") < 0)
    return husk_error_sys (err, errno, "chdir to \"/\"");
  return 0;
}

/* An entry of linux.maskedPaths or linux.readonlyPaths, opened inside the
   container's root; 0 with *fd = -1 when it does not exist (skipped, as
   the spec's examples list paths a kernel may not have). */
static int
mounts_open_listed (int root, const char *member, size_t i, const char *path, int *fd,
                    struct husk_error **err)
{
  *fd = -1;
  if (path == NULL || path[0] != '/')
    return husk_error_set (err, "config.json: linux.%s[%zu]: must be an absolute path", member, i);
  _cleanup_free_ char *clean = mounts_clean_path (path);
  if (clean[0] == '\0')
    return husk_error_set (err, "config.json: linux.%s[%zu]: must not be the root \"/\"", member, i);
  *fd = mounts_openat2 (root, clean, O_PATH, MOUNTS_RESOLVE);
  if (*fd < 0 && errno != ENOENT)
    return husk_error_sys (err, errno, "config.json: linux.%s[%zu]: open \"%s\"", member, i, path);
  return 0;
}

/* The null device to bind over masked files: the container's /dev/null,
   checked to be 1:3, never a file the image put there. */
static int
mounts_open_null (int root, struct husk_error **err)
{
  int fd = mounts_openat2 (root, "dev/null", O_PATH, MOUNTS_RESOLVE | RESOLVE_NO_SYMLINKS);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return husk_error_sys (err, errno, "config.json: linux.maskedPaths: open /dev/null in the container");
  if (!S_ISCHR (st.st_mode) || st.st_rdev != makedev (1, 3))
    {
      close (fd);
      return husk_error_set (err, "config.json: linux.maskedPaths: /dev/null in the container is not the "
                                  "null device");
    }
  return fd;
}

/* An empty read-only tmpfs, made detached with the new mount API (no path
   to pass to mount(2)). */
static int
mounts_empty_tmpfs (const char *context, struct husk_error **err)
{
  _cleanup_close_ int fs = fsopen ("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0 || fsconfig (fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0
      || fsconfig (fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0
      || (context != NULL && fsconfig (fs, FSCONFIG_SET_STRING, "context", context, 0) < 0)
      || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return husk_error_sys (err, errno, "config.json: linux.maskedPaths: create an empty tmpfs");
  int m = fsmount (fs, FSMOUNT_CLOEXEC,
                   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  if (m < 0)
    return husk_error_sys (err, errno, "config.json: linux.maskedPaths: create an empty tmpfs");
  return m;
}

/* linux.maskedPaths: /dev/null over files, an empty read-only tmpfs over
   directories (labelled with linux.mountLabel, as runc does). */
static int
mounts_mask_paths (const struct oci_config *c, int root, struct husk_error **err)
{
  const struct oci_linux *l = c->linux_;
  _cleanup_close_ int null = -1;
  for (size_t i = 0; l != NULL && i < l->masked_paths.n; i++)
    {
      const char *path = l->masked_paths.v[i];
      _cleanup_close_ int fd = -1;
      if (mounts_open_listed (root, "maskedPaths", i, path, &fd, err) < 0)
        return -1;
      if (fd < 0)
        continue;
      struct stat st;
      if (fstat (fd, &st) < 0)
        return husk_error_sys (err, errno, "config.json: linux.maskedPaths[%zu]: stat \"%s\"", i, path);
      _cleanup_close_ int cover = -1;
      if (S_ISDIR (st.st_mode))
        cover = mounts_empty_tmpfs (lsm_mount_label (c), err);
      else
        {
          if (null < 0 && (null = mounts_open_null (root, err)) < 0)
            return -1;
          cover = open_tree (null, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
          if (cover < 0)
            return husk_error_sys (err, errno, "config.json: linux.maskedPaths[%zu]: bind /dev/null", i);
        }
      if (cover < 0)
        return -1;
      if (move_mount (cover, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return husk_error_sys (err, errno, "config.json: linux.maskedPaths[%zu]: mask \"%s\"", i, path);
    }
  return 0;
}

/* linux.readonlyPaths: bound read-only onto themselves, with everything
   mounted below them. */
static int
mounts_readonly_paths (const struct oci_linux *l, int root, struct husk_error **err)
{
  for (size_t i = 0; l != NULL && i < l->readonly_paths.n; i++)
    {
      const char *path = l->readonly_paths.v[i];
      _cleanup_close_ int fd = -1;
      if (mounts_open_listed (root, "readonlyPaths", i, path, &fd, err) < 0)
        return -1;
      if (fd < 0)
        continue;
      _cleanup_close_ int tree
          = open_tree (fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      if (tree < 0 || mount_setattr (tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0
          || move_mount (tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return husk_error_sys (err, errno, "config.json: linux.readonlyPaths[%zu]: make \"%s\" read-only", i,
                               path);
    }
  return 0;
}

bool
mounts_is_bind_source (const struct oci_mount *m)
{
  struct mounts_entry e __attribute__ ((cleanup (mounts_entry_free))) = { .label = "" };
  struct husk_error *ignored = NULL;
  bool bind = (m->type == NULL || !oci_name_in (mounts_cgroup_types, m->type))
              && mounts_parse_options (m, &e, &ignored) == 0 && e.bind && !e.remount && m->source != NULL
              && m->source[0] != '\0';
  husk_error_free (ignored);
  return bind;
}

int
mounts_check (const struct oci_config *c, struct husk_error **err)
{
  for (size_t i = 0; i < c->mounts.n; i++)
    {
      const struct oci_mount *m = &c->mounts.v[i];
      struct mounts_entry e __attribute__ ((cleanup (mounts_entry_free))) = { .dest = m->destination };
      snprintf (e.label, sizeof e.label, "config.json: mounts[%zu]", i);
      if (m->type != NULL && oci_name_in (mounts_cgroup_types, m->type))
        continue;
      if (mounts_parse_options (m, &e, err) < 0 || (e.bind && !e.remount && mounts_check_bind (m, &e, err) < 0))
        return -1;
      if (e.bind && e.data != NULL)
        log_warning ("%s.options: \"%s\": filesystem options, which the kernel ignores for a bind mount", e.label,
                     e.data);
    }
  return 0;
}

int
mounts_setup_rootfs (const struct oci_config *c, int new_ns, const char *rootfs_abs, const char *bundle_abs,
                     bool no_pivot, mounts_before_pivot_fn before_pivot, void *data, struct husk_error **err)
{
  struct mounts_setup ms __attribute__ ((cleanup (mounts_setup_free)))
  = { .context = lsm_mount_label (c), .own_ipc = (new_ns & CLONE_NEWIPC) != 0, .source = -1 };
  const struct mounts_root_propagation *prop = NULL;
  if (mounts_find_root_propagation (c, &prop, err) < 0)
    return -1;
  /* root.path was found on husk's side; a joined mount namespace is a
     tree of its own (one a container pivoted in has that container's
     root as its root). */
  if (!(new_ns & CLONE_NEWNS) && access (rootfs_abs, F_OK) < 0)
    return husk_error_sys (err, errno, "root.path \"%s\" in the joined mount namespace of linux.namespaces",
                           rootfs_abs);

  /* Nothing below may propagate back to the host's mount table, unless
     "shared" asked for the host's peer groups. */
  if (prop->before && mount (NULL, "/", NULL, prop->before, NULL) < 0)
    return husk_error_sys (err, errno, "prepare the propagation of \"/\"");
  if (prop->before == 0 && mounts_make_parent_private (rootfs_abs, err) < 0)
    return -1;
  /* pivot_root and MS_MOVE need the rootfs to be a mount point. */
  if (mount (rootfs_abs, rootfs_abs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return husk_error_sys (err, errno, "bind root.path \"%s\" onto itself", rootfs_abs);
  _cleanup_close_ int rootfd = open (rootfs_abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return husk_error_sys (err, errno, "open root.path \"%s\"", rootfs_abs);

  /* /dev first: a mounts[] entry for /dev/pts or /dev/mqueue goes on it. */
  if (mounts_find (c, "dev") == NULL
      && mounts_apply (&ms, rootfd, &mounts_default_dev, "husk's default mount of \"/dev\"", bundle_abs, err) < 0)
    return -1;
  for (size_t i = 0; i < c->mounts.n; i++)
    {
      char label[64];
      snprintf (label, sizeof label, "config.json: mounts[%zu]", i);
      ms.source = mounts_source_fd (i);
      if (mounts_apply (&ms, rootfd, &c->mounts.v[i], label, bundle_abs, err) < 0)
        return -1;
    }
  ms.source = -1;
  /* Not one of husk's fds of the host's tree stays in the init (the
     class of CVE-2024-21626): the hooks run next. */
  mounts_close_sources (c->mounts.n);
  if (mounts_setup_dev (c, &ms, rootfd, bundle_abs, err) < 0)
    return -1;
  if (before_pivot && before_pivot (data, err) < 0)
    return -1;

  if ((no_pivot ? mounts_move_root (rootfd, rootfs_abs, err) : mounts_pivot (rootfd, err)) < 0)
    return -1;

  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return husk_error_sys (err, errno, "open the new \"/\"");
  /* The cwd is made before anything goes read-only, as runc makes it. */
  if (c->process && process_make_cwd ("config.json: process.cwd", root, c->process->cwd, err) < 0)
    return -1;
  /* sysctl before the read-only paths: /proc/sys is usually one. */
  /* The deferred read-only mounts before the masks, as runc orders them:
     a masked file's bind of a read-only /dev/null is read-only too. */
  if (sysctl_apply (c, root, err) < 0 || mounts_finish_read_only (&ms, root, err) < 0
      || mounts_mask_paths (c, root, err) < 0 || mounts_readonly_paths (c->linux_, root, err) < 0)
    return -1;

  if (prop->after && mount (NULL, "/", NULL, prop->after, NULL) < 0)
    return husk_error_sys (err, errno, "config.json: linux.rootfsPropagation: apply \"%s\" to \"/\"",
                           prop->name);

  /* mount_setattr changes only the read-only bit, where MS_REMOUNT would
     also reset nosuid/nodev inherited from the host's mount. */
  if (c->root != NULL && c->root->readonly)
    {
      struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
      if (mount_setattr (AT_FDCWD, "/", 0, &attr, sizeof attr) < 0)
        return husk_error_sys (err, errno, "remount \"/\" read-only (root.readonly)");
    }
  return 0;
}
