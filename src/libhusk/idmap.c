/* User namespace id maps: checked before anything is made, written by the
   parent before the init goes on. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "idmap.h"

/* user_namespaces(7): at most 340 lines since Linux 4.15. */
#define IDMAP_MAX_RANGES 340

bool
idmap_to_host (const oci_id_mappingv *maps, uint32_t id, uint32_t *host)
{
  if (maps->n == 0)
    {
      *host = id;
      return true;
    }
  for (size_t i = 0; i < maps->n; i++)
    {
      const struct oci_id_mapping *m = &maps->v[i];
      if (id >= m->container_id && id - m->container_id < m->size)
        {
          *host = m->host_id + (id - m->container_id);
          return true;
        }
    }
  return false;
}

static bool
ranges_overlap (uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
  return (uint64_t)a < (uint64_t)b + blen && (uint64_t)b < (uint64_t)a + alen;
}

static int
check_map (const oci_id_mappingv *maps, const char *name, struct husk_error **err)
{
  if (maps->n > IDMAP_MAX_RANGES)
    return husk_error_set (err, "config.json: linux.%s: %zu ranges, the kernel takes at most %d", name,
                           maps->n, IDMAP_MAX_RANGES);
  for (size_t i = 0; i < maps->n; i++)
    {
      const struct oci_id_mapping *m = &maps->v[i];
      if (m->size == 0)
        return husk_error_set (err, "config.json: linux.%s[%zu].size: must not be 0", name, i);
      if ((uint64_t)m->container_id + m->size > UINT32_MAX || (uint64_t)m->host_id + m->size > UINT32_MAX)
        return husk_error_set (err, "config.json: linux.%s[%zu]: the range overflows 32-bit ids", name, i);
      for (size_t j = 0; j < i; j++)
        {
          const struct oci_id_mapping *o = &maps->v[j];
          if (ranges_overlap (m->container_id, m->size, o->container_id, o->size))
            return husk_error_set (err, "config.json: linux.%s[%zu]: containerID range overlaps [%zu]", name,
                                   i, j);
          if (ranges_overlap (m->host_id, m->size, o->host_id, o->size))
            return husk_error_set (err, "config.json: linux.%s[%zu]: hostID range overlaps [%zu]", name, i,
                                   j);
        }
    }
  return 0;
}

static int
check_mapped (const oci_id_mappingv *maps, const char *map_name, uint32_t id, const char *what,
              struct husk_error **err)
{
  uint32_t host;
  if (!idmap_to_host (maps, id, &host))
    return husk_error_set (err, "config.json: %s %" PRIu32 ": not mapped by linux.%s", what, id, map_name);
  return 0;
}

int
idmap_check (const struct oci_config *c, bool new_userns, struct husk_error **err)
{
  const struct oci_linux *l = c->linux_;
  const oci_id_mappingv none = { 0 };
  const oci_id_mappingv *uids = l ? &l->uid_mappings : &none;
  const oci_id_mappingv *gids = l ? &l->gid_mappings : &none;
  if (!new_userns)
    {
      if (uids->n > 0 || gids->n > 0)
        return husk_error_set (err, "config.json: linux.%s: needs a new user namespace in linux.namespaces",
                               uids->n > 0 ? "uidMappings" : "gidMappings");
      return 0;
    }
  if (uids->n == 0 || gids->n == 0)
    return husk_error_set (err, "config.json: linux.%s: required with a new user namespace",
                           uids->n == 0 ? "uidMappings" : "gidMappings");
  if (check_map (uids, "uidMappings", err) < 0 || check_map (gids, "gidMappings", err) < 0
      || check_mapped (uids, "uidMappings", 0, "container uid", err) < 0
      || check_mapped (gids, "gidMappings", 0, "container gid", err) < 0)
    return -1;
  const struct oci_user *u = &c->process->user;
  if (check_mapped (uids, "uidMappings", u->uid, "process.user.uid", err) < 0
      || check_mapped (gids, "gidMappings", u->gid, "process.user.gid", err) < 0)
    return -1;
  for (size_t i = 0; i < u->additional_gids.n; i++)
    if (check_mapped (gids, "gidMappings", u->additional_gids.v[i], "process.user.additionalGids", err) < 0)
      return -1;
  return 0;
}

static int
write_map (int pid, const char *file, const oci_id_mappingv *maps, struct husk_error **err)
{
  /* The whole map in one write(2), as the kernel requires. */
  _cleanup_free_ char *buf = xmalloc (maps->n * 40 + 1);
  size_t len = 0;
  for (size_t i = 0; i < maps->n; i++)
    len += (size_t)sprintf (buf + len, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", maps->v[i].container_id,
                            maps->v[i].host_id, maps->v[i].size);
  _cleanup_free_ char *path = xasprintf ("/proc/%d/%s", pid, file);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "open %s", path);
  if (write (fd, buf, len) != (ssize_t)len)
    return husk_error_sys (err, errno, "write %s", path);
  return 0;
}

int
idmap_write (int pid, const struct oci_config *c, struct husk_error **err)
{
  if (write_map (pid, "uid_map", &c->linux_->uid_mappings, err) < 0)
    return husk_error_wrap (err, "config.json: linux.uidMappings");
  if (write_map (pid, "gid_map", &c->linux_->gid_mappings, err) < 0)
    return husk_error_wrap (err, "config.json: linux.gidMappings");
  return 0;
}
