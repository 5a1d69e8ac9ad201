/* linux.sysctl: namespaced kernel parameters, written in the container. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts.h"
#include "oci_tables.h"
#include "sysctl.h"

/* The parameters the kernel keeps per namespace (sysctl(8) and the
   ipc_namespaces(7), network_namespaces(7), uts_namespaces(7) pages), by
   dotted prefix, with the namespace they need.  `exact`: the whole key. */
static const struct
{
  const char *prefix;
  bool exact;
  const char *ns; /* oci_namespace_kinds name */
} sysctl_namespaced[]
    = {
        { "net.", false, "network" },
        { "kernel.shm", false, "ipc" }, /* shmmax, shmall, shmmni, shm_rmid_forced, shm_next_id */
        { "kernel.msg", false, "ipc" }, /* msgmax, msgmnb, msgmni, msg_next_id */
        { "kernel.sem", false, "ipc" }, /* sem, sem_next_id */
        { "fs.mqueue.", false, "ipc" },
        { "kernel.hostname", true, "uts" },
        { "kernel.domainname", true, "uts" },
        { NULL, false, NULL },
      };

/* The key as a path under /proc/sys ("net/ipv4/ip_forward"), or NULL when
   it has an empty, "." or ".." component. */
static char *
sysctl_key_path (const char *key)
{
  bool slashes = strchr (key, '/') != NULL;
  char *path = xstrdup (key);
  if (!slashes)
    for (char *p = path; *p; p++)
      if (*p == '.')
        *p = '/';
  for (const char *p = path;;)
    {
      const char *end = strchrnul (p, '/');
      size_t n = (size_t)(end - p);
      if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        {
          free (path);
          return NULL;
        }
      if (*end == '\0')
        break;
      p = end + 1;
    }
  return path;
}

/* A new namespace, not one joined by path: that one may be the host's. */
static bool
sysctl_has_namespace (const struct oci_linux *l, const char *name)
{
  for (size_t i = 0; i < l->namespaces.n; i++)
    {
      const struct oci_namespace *ns = &l->namespaces.v[i];
      if (ns->type == NULL || strcmp (ns->type, name) != 0)
        continue;
      if (ns->path == NULL)
        return true;
      /* Joined by path (podman always joins the network namespace it
         made): fine unless it is husk's own, the host's.  create calls
         this in the host's namespaces, before it joins any. */
      const struct oci_namespace_kind *k = oci_namespace_kind_find (name);
      _cleanup_free_ char *self = xasprintf ("/proc/self/ns/%s", k ? k->proc_name : name);
      struct stat joined, host;
      if (stat (ns->path, &joined) == 0 && stat (self, &host) == 0
          && (joined.st_ino != host.st_ino || joined.st_dev != host.st_dev))
        return true;
    }
  return false;
}

int
sysctl_check (const struct oci_config *c, struct husk_error **err)
{
  const struct oci_linux *l = c->linux_;
  for (size_t i = 0; l != NULL && i < l->sysctl.n; i++)
    {
      const char *key = l->sysctl.keys[i];
      _cleanup_free_ char *path = sysctl_key_path (key);
      if (path == NULL)
        return husk_error_set (err, "config.json: linux.sysctl: \"%s\" is not a valid key", key);
      /* Match on the dotted form, whatever the separator. */
      _cleanup_free_ char *dotted = xstrdup (path);
      for (char *p = dotted; *p; p++)
        if (*p == '/')
          *p = '.';
      size_t r = 0;
      for (; sysctl_namespaced[r].prefix; r++)
        if (sysctl_namespaced[r].exact
                ? strcmp (dotted, sysctl_namespaced[r].prefix) == 0
                : strncmp (dotted, sysctl_namespaced[r].prefix, strlen (sysctl_namespaced[r].prefix)) == 0)
          break;
      if (sysctl_namespaced[r].prefix == NULL)
        return husk_error_set (
            err, "config.json: linux.sysctl: \"%s\" is not namespaced: refusing to change the host", key);
      if (!sysctl_has_namespace (l, sysctl_namespaced[r].ns))
        return husk_error_set (
            err,
            "config.json: linux.sysctl: \"%s\" needs a new %s namespace in linux.namespaces "
            "(or a joined one that is not the host's): refusing to change the host",
            key, sysctl_namespaced[r].ns);
    }
  return 0;
}

int
sysctl_apply (const struct oci_config *c, int root, struct husk_error **err)
{
  const struct oci_linux *l = c->linux_;
  if (l == NULL || l->sysctl.n == 0)
    return 0;
  _cleanup_close_ int procsys
      = mounts_openat2 (root, "proc/sys", O_PATH | O_DIRECTORY, MOUNTS_RESOLVE | RESOLVE_NO_SYMLINKS);
  struct statfs sfs;
  if (procsys < 0 || fstatfs (procsys, &sfs) < 0)
    return husk_error_sys (
        err, errno, "config.json: linux.sysctl: open /proc/sys in the container (mount proc on /proc)");
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return husk_error_set (err, "config.json: linux.sysctl: /proc/sys in the container is not procfs");
  for (size_t i = 0; i < l->sysctl.n; i++)
    {
      const char *key = l->sysctl.keys[i], *value = l->sysctl.values[i];
      _cleanup_free_ char *path = sysctl_key_path (key);
      if (path == NULL)
        return husk_error_set (err, "config.json: linux.sysctl: \"%s\" is not a valid key", key);
      _cleanup_close_ int fd
          = mounts_openat2 (procsys, path, O_WRONLY,
                            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
      if (fd < 0 && errno == ENOENT)
        return husk_error_set (err, "config.json: linux.sysctl: \"%s\": no such parameter in the container",
                               key);
      if (fd < 0)
        return husk_error_sys (err, errno, "config.json: linux.sysctl: open \"%s\"", key);
      size_t len = strlen (value);
      if (write (fd, value, len) != (ssize_t)len)
        return husk_error_sys (err, errno, "config.json: linux.sysctl: write \"%s\" = \"%s\"", key, value);
    }
  return 0;
}
