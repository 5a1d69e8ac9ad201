/* The container's filesystem: the mount table, propagation, pivot_root,
   masked and read-only paths. */
#ifndef HUSK_MOUNTS_H
#define HUSK_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "oci_config.h"

/* Runs in the container init, after clone, inside the init's new mount
   namespace (namespaces_clone_flags insists on one), before the process is
   exec'd.  Everything issue "filesystem" asks for happens in here, in order:
     1. checks that need no kernel: linux.rootfsPropagation's value,
        linux.sysctl's keys against linux.namespaces (sysctl_check);
        (linux.mountLabel is checked by lsm.c, refused at create without
        SELinux; here it becomes the context="..." option of every new
        filesystem but the kernel's own (proc, sysfs, cgroup...), unless
        the entry names a context itself; the label of an mqueue's root
        when the IPC namespace is new; and the context of the masked-path
        and v1 cgroup tmpfs);
     2. the host's tree, as this namespace sees it, is made rprivate (or
        rslave / left shared, per linux.rootfsPropagation), so that nothing
        done here propagates back to the host unless "shared" asked for it;
     3. rootfs_abs is bind-mounted onto itself, so it is a mount point (its
        parent mount made private first, so that the bind and everything
        under it stay out of the host's peer groups);
     4. a tmpfs on /dev when mounts[] has no /dev;
     5. mounts[] in order, every destination resolved inside the rootfs
        (openat2 RESOLVE_IN_ROOT: symlinks in the rootfs cannot send a mount
        outside it), missing ones created (an empty file for a bind of a
        non-directory, a directory otherwise).  Any filesystem type, with
        its options as data; proc and sysfs only on a real directory and
        checked to be procfs/sysfs afterwards; bind/rbind; flags, recursive
        attributes (mount_setattr AT_RECURSIVE), propagation (applied after
        the mount is attached), idmap/ridmap with the entry's
        uidMappings/gidMappings, remount, tmpcopyup;
     6. /dev populated when it is husk's tmpfs or a configured tmpfs
        (devices.c): /dev/pts, /dev/shm, the default devices, symlinks;
        linux.devices always; an empty /dev/console when process.terminal;
     7. pivot_root into the rootfs (no_pivot: MS_MOVE + chroot, for roots on
        ramfs where pivot_root fails, once the host's full proc and sysfs
        mounts are unmounted, as runc does: a fully visible procfs in the
        namespace would let a process of the container mount a procfs of
        its own without the masked paths); afterwards the cwd is "/"; then
        process.cwd is made when missing (process_make_cwd);
     8. linux.sysctl written under the container's /proc/sys;
     9. a read-only tmpfs, or a read-only mount on /dev, made read-only
        (mounted read-write in step 5, as runc does, so that the mounts,
        mount points and devices below it could be made);
    10. linux.maskedPaths, then linux.readonlyPaths (after 9, as runc:
        a masked file's bind of a read-only /dev/null is read-only);
    11. linux.rootfsPropagation applied to the new "/";
    12. root.readonly: / is made read-only (its other flags kept).
   rootfs_abs: the absolute, already-resolved root.path (trusted: the
   bundle's owner chose it).  bundle_abs: the absolute bundle directory;
   relative bind-mount sources are taken relative to it, as runc does.
   Every message names the entry:
     config.json: mounts[0]: mount proc on "/proc": permission denied
   new_ns: the CLONE_NEW* kinds made for the container (namespaces.h's
   plan): an mqueue is labelled only in an IPC namespace of its own.
   before_pivot (data), when not NULL, is called once between steps 6 and
   7: the container's mounts exist and the host's root is still
   reachable, which is where the prestart, createRuntime and
   createContainer hooks run (hooks.c, init.c); its failure stops the
   setup.
   Refused: relative destinations or "/" (husk is stricter than runc),
   superblock flags (sync, dirsync, mand, lazytime, iversion) on bind
   mounts (a bind has no superblock of its own; changing the source's
   would change the host), idmap without uidMappings and gidMappings.
   Filesystem data on a bind mount ("mode=755") is ignored, as the kernel
   ignores it for runc (mounts_check warns). */
typedef int (*mounts_before_pivot_fn) (void *data, struct husk_error **err);
int mounts_setup_rootfs (const struct oci_config *c, int new_ns, const char *rootfs_abs, const char *bundle_abs,
                         bool no_pivot, mounts_before_pivot_fn before_pivot, void *data, struct husk_error **err);

/* At create, in husk: reads mounts[]'s options (the errors the init would
   meet) and warns, once per entry, about filesystem options on a bind
   mount, which the kernel ignores. */
int mounts_check (const struct oci_config *c, struct husk_error **err);

/* With a new user namespace, the init's root is a mapped uid that may not
   reach a bind source husk can (a 0700 directory of the host's root), so
   husk opens the sources, as runc does (its mount sources fds): in husk,
   after clone3 and RECORDED, mounts_send_sources enters the init's mount
   namespace, opens each bind source of mounts[] there (O_PATH), comes
   back and sends them to the init, one SYNC_MOUNT_SOURCE each; the init
   receives them first thing after RECORDED (mounts_receive_sources), and
   mounts_setup_rootfs binds from them and closes them all right after
   mounts[] (before any hook runs: no descriptor of the host's tree
   reaches the container's process, CVE-2024-21626).  Both do nothing
   without a new user namespace, or without bind mounts.  new_flags and
   clone_flags: the plan's (namespaces.h). */
int mounts_send_sources (const struct oci_config *c, int new_flags, int clone_flags, int pid,
                         const char *bundle_abs, int sync_fd, struct husk_error **err);
int mounts_receive_sources (const struct oci_config *c, int new_flags, int clone_flags, int sync_fd,
                            struct husk_error **err);

/* Within the mounts subsystem (mounts.c, mounts_sources.c): whether
   mounts[] entry m is a bind mount (not a remount) with a source; its
   source as a path (relative ones are relative to the bundle, as runc has
   it; malloc'd); the received descriptor of mounts[i]'s source, or -1;
   closing them all (n: mounts.n). */
bool mounts_is_bind_source (const struct oci_mount *m);
char *mounts_bind_source (const struct oci_mount *m, const char *bundle_abs);
int mounts_source_fd (size_t i);
void mounts_close_sources (size_t n);

/* Helpers shared with devices.c and sysctl.c. */

/* openat2 with O_CLOEXEC added; -1 with errno on failure. */
int mounts_openat2 (int at, const char *path, int oflags, uint64_t resolve);

/* Every lookup inside the rootfs: ".." and absolute symlinks stop at the
   rootfs, and /proc magic links (which jump anywhere) are refused. */
#define MOUNTS_RESOLVE (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* "/a//b/./c/../d" -> "a/b/d"; "" for the root itself.  Lexical, as runc's
   filepath.Clean: ".." cannot climb above the root.  malloc'd. */
char *mounts_clean_path (const char *path);

/* What mounts_open_create makes when the last component is missing. */
enum mounts_create
{
  MOUNTS_CREATE_NONE, /* nothing: ENOENT is an error */
  MOUNTS_CREATE_DIR,
  MOUNTS_CREATE_FILE, /* an empty regular file, mode 0644 */
};

/* Open `clean` (a mounts_clean_path result) inside the rootfs as an O_PATH
   descriptor, creating missing parent directories (0755) and, per
   `create`, the last component.  Each prefix is resolved from rootfd with
   MOUNTS_RESOLVE | extra_resolve, so symlinks are followed only within
   the rootfs; a missing component is made in the directory its parent
   resolved to; a symlink to a missing target is an error (its target is
   not created).  `label` prefixes messages ("config.json: mounts[2]").
   Returns the fd, or -1 with *err set. */
int mounts_open_create (int rootfd, const char *clean, enum mounts_create create, uint64_t extra_resolve,
                        const char *label, struct husk_error **err);

#endif
