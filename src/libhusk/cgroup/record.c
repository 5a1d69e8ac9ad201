/* cgroup.json in the container's state dir: which cgroups the container
   has and which of their directories husk made, written before they are
   made, so that `delete --force` after a husk killed at any instant finds
   and removes them. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "cgroup.h"
#include "state.h"
#include "cleanup.h"
#include "oci_gen.h"

#define RECORD "cgroup.json"
#define RECORD_MAX (4 * 1024 * 1024)

/* ---- linux.resources as JSON, for the record ---- */

static void
gen_i64 (struct oci_gen *w, const char *key, oci_opt_i64 v)
{
  if (v.set)
    oci_gen_key_int (w, key, v.v);
}

static void
gen_u64 (struct oci_gen *w, const char *key, oci_opt_u64 v)
{
  if (v.set)
    {
      char buf[32];
      snprintf (buf, sizeof buf, "%llu", (unsigned long long)v.v);
      oci_gen_str (w, key);
      if (w->status == yajl_gen_status_ok)
        w->status = yajl_gen_number (w->g, buf, strlen (buf));
    }
}

static void
gen_u32 (struct oci_gen *w, const char *key, oci_opt_u32 v)
{
  if (v.set)
    oci_gen_key_int (w, key, v.v);
}

static void
gen_bool (struct oci_gen *w, const char *key, oci_opt_bool v)
{
  if (v.set)
    oci_gen_key_bool (w, key, v.v);
}

static void
gen_throttle (struct oci_gen *w, const char *key, const oci_throttlev *v)
{
  if (v->n == 0)
    return;
  oci_gen_str (w, key);
  oci_gen_array_open (w);
  for (size_t i = 0; i < v->n; i++)
    {
      oci_gen_map_open (w);
      oci_gen_key_int (w, "major", v->v[i].major);
      oci_gen_key_int (w, "minor", v->v[i].minor);
      gen_u64 (w, "rate", v->v[i].rate);
      oci_gen_map_close (w);
    }
  oci_gen_array_close (w);
}

static void
gen_resources (struct oci_gen *w, const struct oci_resources *r)
{
  oci_gen_map_open (w);
  if (r->devices.n > 0)
    {
      oci_gen_str (w, "devices");
      oci_gen_array_open (w);
      for (size_t i = 0; i < r->devices.n; i++)
        {
          const struct oci_device_cgroup *d = &r->devices.v[i];
          oci_gen_map_open (w);
          oci_gen_key_bool (w, "allow", d->allow);
          if (d->type)
            oci_gen_key_str (w, "type", d->type);
          gen_i64 (w, "major", d->major);
          gen_i64 (w, "minor", d->minor);
          if (d->access)
            oci_gen_key_str (w, "access", d->access);
          oci_gen_map_close (w);
        }
      oci_gen_array_close (w);
    }
  if (r->memory)
    {
      const struct oci_memory *m = r->memory;
      oci_gen_str (w, "memory");
      oci_gen_map_open (w);
      gen_i64 (w, "limit", m->limit);
      gen_i64 (w, "reservation", m->reservation);
      gen_i64 (w, "swap", m->swap);
      gen_i64 (w, "kernel", m->kernel);
      gen_i64 (w, "kernelTCP", m->kernel_tcp);
      gen_u64 (w, "swappiness", m->swappiness);
      gen_bool (w, "disableOOMKiller", m->disable_oom_killer);
      gen_bool (w, "useHierarchy", m->use_hierarchy);
      gen_bool (w, "checkBeforeUpdate", m->check_before_update);
      oci_gen_map_close (w);
    }
  if (r->cpu)
    {
      const struct oci_cpu *c = r->cpu;
      oci_gen_str (w, "cpu");
      oci_gen_map_open (w);
      gen_u64 (w, "shares", c->shares);
      gen_i64 (w, "quota", c->quota);
      gen_u64 (w, "burst", c->burst);
      gen_u64 (w, "period", c->period);
      gen_i64 (w, "realtimeRuntime", c->realtime_runtime);
      gen_u64 (w, "realtimePeriod", c->realtime_period);
      if (c->cpus)
        oci_gen_key_str (w, "cpus", c->cpus);
      if (c->mems)
        oci_gen_key_str (w, "mems", c->mems);
      gen_i64 (w, "idle", c->idle);
      oci_gen_map_close (w);
    }
  if (r->has_pids)
    {
      oci_gen_str (w, "pids");
      oci_gen_map_open (w);
      gen_i64 (w, "limit", r->pids_limit);
      oci_gen_map_close (w);
    }
  if (r->block_io)
    {
      const struct oci_blkio *b = r->block_io;
      oci_gen_str (w, "blockIO");
      oci_gen_map_open (w);
      gen_u32 (w, "weight", b->weight);
      gen_u32 (w, "leafWeight", b->leaf_weight);
      if (b->weight_device.n > 0)
        {
          oci_gen_str (w, "weightDevice");
          oci_gen_array_open (w);
          for (size_t i = 0; i < b->weight_device.n; i++)
            {
              oci_gen_map_open (w);
              oci_gen_key_int (w, "major", b->weight_device.v[i].major);
              oci_gen_key_int (w, "minor", b->weight_device.v[i].minor);
              gen_u32 (w, "weight", b->weight_device.v[i].weight);
              gen_u32 (w, "leafWeight", b->weight_device.v[i].leaf_weight);
              oci_gen_map_close (w);
            }
          oci_gen_array_close (w);
        }
      gen_throttle (w, "throttleReadBpsDevice", &b->throttle_read_bps_device);
      gen_throttle (w, "throttleWriteBpsDevice", &b->throttle_write_bps_device);
      gen_throttle (w, "throttleReadIOPSDevice", &b->throttle_read_iops_device);
      gen_throttle (w, "throttleWriteIOPSDevice", &b->throttle_write_iops_device);
      oci_gen_map_close (w);
    }
  if (r->hugepage_limits.n > 0)
    {
      oci_gen_str (w, "hugepageLimits");
      oci_gen_array_open (w);
      for (size_t i = 0; i < r->hugepage_limits.n; i++)
        {
          oci_gen_map_open (w);
          oci_gen_key_str (w, "pageSize", r->hugepage_limits.v[i].page_size);
          gen_u64 (w, "limit", (oci_opt_u64){ true, r->hugepage_limits.v[i].limit });
          oci_gen_map_close (w);
        }
      oci_gen_array_close (w);
    }
  if (r->network)
    {
      oci_gen_str (w, "network");
      oci_gen_map_open (w);
      gen_u32 (w, "classID", r->network->class_id);
      if (r->network->priorities.n > 0)
        {
          oci_gen_str (w, "priorities");
          oci_gen_array_open (w);
          for (size_t i = 0; i < r->network->priorities.n; i++)
            {
              oci_gen_map_open (w);
              oci_gen_key_str (w, "name", r->network->priorities.v[i].name);
              oci_gen_key_int (w, "priority", r->network->priorities.v[i].priority);
              oci_gen_map_close (w);
            }
          oci_gen_array_close (w);
        }
      oci_gen_map_close (w);
    }
  if (r->rdma.n > 0)
    {
      oci_gen_str (w, "rdma");
      oci_gen_map_open (w);
      for (size_t i = 0; i < r->rdma.n; i++)
        {
          oci_gen_str (w, r->rdma.v[i].device);
          oci_gen_map_open (w);
          gen_u32 (w, "hcaHandles", r->rdma.v[i].hca_handles);
          gen_u32 (w, "hcaObjects", r->rdma.v[i].hca_objects);
          oci_gen_map_close (w);
        }
      oci_gen_map_close (w);
    }
  if (r->unified.n > 0)
    {
      oci_gen_str (w, "unified");
      oci_gen_map_open (w);
      for (size_t i = 0; i < r->unified.n; i++)
        oci_gen_key_str (w, r->unified.keys[i], r->unified.values[i]);
      oci_gen_map_close (w);
    }
  oci_gen_map_close (w);
}

/* A parsed tree written back, numbers as their original text. */
static void
gen_tree (struct oci_gen *w, yajl_val v)
{
  if (YAJL_IS_OBJECT (v))
    {
      oci_gen_map_open (w);
      for (size_t i = 0; i < YAJL_GET_OBJECT (v)->len; i++)
        {
          oci_gen_str (w, YAJL_GET_OBJECT (v)->keys[i]);
          gen_tree (w, YAJL_GET_OBJECT (v)->values[i]);
        }
      oci_gen_map_close (w);
    }
  else if (YAJL_IS_ARRAY (v))
    {
      oci_gen_array_open (w);
      for (size_t i = 0; i < YAJL_GET_ARRAY (v)->len; i++)
        gen_tree (w, YAJL_GET_ARRAY (v)->values[i]);
      oci_gen_array_close (w);
    }
  else if (YAJL_IS_STRING (v))
    oci_gen_str (w, YAJL_GET_STRING (v));
  else if (YAJL_IS_NUMBER (v))
    {
      if (w->status == yajl_gen_status_ok)
        w->status = yajl_gen_number (w->g, YAJL_GET_NUMBER (v), strlen (YAJL_GET_NUMBER (v)));
    }
  else if (YAJL_IS_TRUE (v) || YAJL_IS_FALSE (v))
    oci_gen_bool (w, YAJL_IS_TRUE (v));
  else if (w->status == yajl_gen_status_ok)
    w->status = yajl_gen_null (w->g);
}

static yajl_val
object_get (yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = 0; i < YAJL_GET_OBJECT (obj)->len; i++)
    if (strcmp (YAJL_GET_OBJECT (obj)->keys[i], key) == 0)
      return YAJL_GET_OBJECT (obj)->values[i];
  return NULL;
}

/* `update` over `base`: objects member by member, anything else replaced
   (an update's list of hugepage limits or throttles is the new list). */
static void
gen_merged (struct oci_gen *w, yajl_val base, yajl_val upd)
{
  if (base == NULL || upd == NULL || !YAJL_IS_OBJECT (base) || !YAJL_IS_OBJECT (upd))
    {
      gen_tree (w, upd ? upd : base);
      return;
    }
  oci_gen_map_open (w);
  for (size_t i = 0; i < YAJL_GET_OBJECT (base)->len; i++)
    {
      const char *k = YAJL_GET_OBJECT (base)->keys[i];
      oci_gen_str (w, k);
      gen_merged (w, YAJL_GET_OBJECT (base)->values[i], object_get (upd, k));
    }
  for (size_t i = 0; i < YAJL_GET_OBJECT (upd)->len; i++)
    {
      const char *k = YAJL_GET_OBJECT (upd)->keys[i];
      if (object_get (base, k))
        continue;
      oci_gen_str (w, k);
      gen_tree (w, YAJL_GET_OBJECT (upd)->values[i]);
    }
  oci_gen_map_close (w);
}

static int
record_store (int dirfd, struct oci_gen *w, struct husk_error **err)
{
  _cleanup_free_ char *json = NULL;
  size_t len = 0;
  char *gerr = NULL;
  if (oci_gen_finish (w, RECORD, &json, &len, &gerr) < 0)
    {
      husk_error_set (err, "%s", gerr);
      free (gerr);
      return -1;
    }
  return state_file_write (dirfd, RECORD, json, len, err);
}

int
cgroup_record_write (int dirfd, const struct cgroup *cg, const struct oci_resources *res,
                     struct husk_error **err)
{
  struct oci_gen w;
  if (oci_gen_init (&w, NULL) < 0)
    return husk_error_set (err, "cgroups: out of memory");
  oci_gen_map_open (&w);
  oci_gen_key_str (&w, "layout", cgroup_layout_name (cg->layout));
  oci_gen_str (&w, "dirs");
  oci_gen_array_open (&w);
  for (size_t i = 0; i < cg->n; i++)
    {
      const struct cgroup_dir *d = &cg->dirs[i];
      oci_gen_map_open (&w);
      oci_gen_key_str (&w, "path", d->path);
      oci_gen_key_str (&w, "mount", d->mount);
      oci_gen_key_bool (&w, "v2", d->v2);
      oci_gen_key_str (&w, "controllers", d->controllers);
      oci_gen_key_int (&w, "created", d->created);
      oci_gen_map_close (&w);
    }
  oci_gen_array_close (&w);
  if (res)
    {
      oci_gen_str (&w, "resources");
      gen_resources (&w, res);
    }
  oci_gen_map_close (&w);
  return record_store (dirfd, &w, err);
}

static int
record_load (int dirfd, yajl_val *root, struct husk_error **err)
{
  *root = NULL;
  _cleanup_close_ int fd = openat (dirfd, RECORD, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return husk_error_sys (err, errno, "read %s", RECORD);
  _cleanup_free_ char *buf = xmalloc (RECORD_MAX + 1);
  size_t len = 0;
  ssize_t n;
  while (len < RECORD_MAX && (n = read (fd, buf + len, RECORD_MAX - len)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return husk_error_sys (err, errno, "read %s", RECORD);
      len += (size_t)n;
    }
  buf[len] = '\0';
  char ebuf[256];
  *root = yajl_tree_parse (buf, ebuf, sizeof ebuf);
  if (*root == NULL)
    return husk_error_set (err, "%s: invalid JSON", RECORD);
  return 0;
}

int
cgroup_record_update (int dirfd, const struct oci_resources *upd, struct husk_error **err)
{
  yajl_val root = NULL;
  if (record_load (dirfd, &root, err) < 0)
    return -1;
  if (root == NULL)
    return husk_error_set (err, "%s: missing", RECORD);
  /* The update as a tree, to merge with the recorded one. */
  struct oci_gen u;
  _cleanup_free_ char *ujson = NULL;
  size_t ulen;
  char *gerr = NULL;
  if (oci_gen_init (&u, NULL) < 0)
    return husk_error_set (err, "cgroups: out of memory");
  gen_resources (&u, upd);
  if (oci_gen_finish (&u, RECORD, &ujson, &ulen, &gerr) < 0)
    {
      yajl_tree_free (root);
      husk_error_set (err, "%s", gerr);
      free (gerr);
      return -1;
    }
  char ebuf[256];
  yajl_val utree = yajl_tree_parse (ujson, ebuf, sizeof ebuf);
  struct oci_gen w;
  if (utree == NULL || oci_gen_init (&w, NULL) < 0)
    {
      yajl_tree_free (root);
      yajl_tree_free (utree);
      return husk_error_set (err, "cgroups: merge the update into %s", RECORD);
    }
  oci_gen_map_open (&w);
  for (size_t i = 0; i < YAJL_GET_OBJECT (root)->len; i++)
    {
      const char *k = YAJL_GET_OBJECT (root)->keys[i];
      if (strcmp (k, "resources") == 0)
        continue;
      oci_gen_str (&w, k);
      gen_tree (&w, YAJL_GET_OBJECT (root)->values[i]);
    }
  oci_gen_str (&w, "resources");
  gen_merged (&w, object_get (root, "resources"), utree);
  oci_gen_map_close (&w);
  yajl_tree_free (root);
  yajl_tree_free (utree);
  return record_store (dirfd, &w, err);
}

static const char *
str_at (yajl_val v, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val x = yajl_tree_get (v, path, yajl_t_string);
  return x ? YAJL_GET_STRING (x) : NULL;
}

int
cgroup_record_read (int dirfd, struct cgroup **out, struct oci_resources **res, struct husk_error **err)
{
  *out = NULL;
  if (res)
    *res = NULL;
  yajl_val root = NULL;
  if (record_load (dirfd, &root, err) < 0)
    return -1;
  if (root == NULL)
    return 0;
  const char *dpath[] = { "dirs", NULL };
  yajl_val dirs = yajl_tree_get (root, dpath, yajl_t_array);
  const char *layout = str_at (root, "layout");
  if (dirs == NULL || layout == NULL)
    {
      yajl_tree_free (root);
      return husk_error_set (err, "%s: no dirs or layout", RECORD);
    }
  struct cgroup *cg = xcalloc (1, sizeof *cg);
  cg->layout = strcmp (layout, "v2") == 0       ? CGROUP_LAYOUT_V2
               : strcmp (layout, "hybrid") == 0 ? CGROUP_LAYOUT_HYBRID
                                                : CGROUP_LAYOUT_V1;
  size_t len = YAJL_GET_ARRAY (dirs)->len;
  cg->dirs = xcalloc (len + 1, sizeof *cg->dirs);
  for (size_t i = 0; i < len; i++)
    {
      yajl_val e = YAJL_GET_ARRAY (dirs)->values[i];
      const char *path = str_at (e, "path"), *mount = str_at (e, "mount"), *ctrl = str_at (e, "controllers");
      yajl_val v2 = object_get (e, "v2");
      yajl_val created = object_get (e, "created");
      /* The paths come from a file only root can write; still, only
         absolute paths under their mount count. */
      if (path == NULL || mount == NULL || ctrl == NULL || created == NULL || !YAJL_IS_INTEGER (created)
          || path[0] != '/' || strncmp (path, mount, strlen (mount)) != 0 || strstr (path, "/../"))
        {
          yajl_tree_free (root);
          cgroup_free (cg);
          return husk_error_set (err, "%s: dirs[%zu]: invalid entry", RECORD, i);
        }
      struct cgroup_dir *d = &cg->dirs[cg->n++];
      d->path = xstrdup (path);
      d->mount = xstrdup (mount);
      d->controllers = xstrdup (ctrl);
      d->v2 = v2 && YAJL_IS_TRUE (v2);
      d->created = (int)YAJL_GET_INTEGER (created);
    }
  yajl_val r = object_get (root, "resources");
  if (res && r)
    {
      struct oci_gen w;
      _cleanup_free_ char *json = NULL;
      size_t jlen;
      char *gerr = NULL;
      if (oci_gen_init (&w, NULL) < 0)
        abort ();
      gen_tree (&w, r);
      if (oci_gen_finish (&w, RECORD, &json, &jlen, &gerr) < 0
          || oci_resources_parse_data (json, jlen, RECORD ": resources", res, &gerr) < 0)
        {
          husk_error_set (err, "%s", gerr ? gerr : RECORD ": resources: invalid");
          free (gerr);
          yajl_tree_free (root);
          cgroup_free (cg);
          return -1;
        }
    }
  yajl_tree_free (root);
  *out = cg;
  return 0;
}
