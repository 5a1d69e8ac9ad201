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
#include "oci_json.h"

#define RECORD "cgroup.json"
#define RECORD_MAX (4 * 1024 * 1024)

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
  /* Written from libocispec-lite's descriptor table of linux.resources,
     the one the parser reads it back with. */
  if (res)
    {
      oci_gen_str (&w, "resources");
      oci_resources_gen (&w, res);
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
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (state_read_fd (fd, RECORD_MAX, &buf, &len, RECORD, err) < 0)
    return -1;
  /* One pass of yajl_tree_parse, without oci_json_parse's strict first
     pass: the record is husk's own file in a root-only state dir. */
  char ebuf[256];
  *root = yajl_tree_parse (buf, ebuf, sizeof ebuf);
  if (*root == NULL)
    return husk_error_set (err, "%s: invalid JSON", RECORD);
  return 0;
}

int
cgroup_record_update (int dirfd, const struct oci_resources *upd, struct husk_error **err)
{
  struct cgroup *cg = NULL;
  struct oci_resources *res = NULL;
  if (cgroup_record_read (dirfd, &cg, &res, err) < 0)
    return -1;
  if (cg == NULL)
    return husk_error_set (err, "%s: missing", RECORD);
  if (res == NULL)
    res = xcalloc (1, sizeof *res);
  oci_resources_merge (res, upd);
  int ret = cgroup_record_write (dirfd, cg, res, err);
  oci_resources_free (res);
  cgroup_free (cg);
  return ret;
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
  char *perr = NULL;
  if (res && r && oci_resources_walk (RECORD ": resources", r, res, &perr) < 0)
    {
      husk_error_set (err, "%s", perr);
      free (perr);
      yajl_tree_free (root);
      cgroup_free (cg);
      return -1;
    }
  yajl_tree_free (root);
  *out = cg;
  return 0;
}

/* The number of components of path. */
static int
components (const char *path)
{
  int n = 0;
  for (const char *p = path; *p; p++)
    n += *p == '/' && p[1] != '\0' && p[1] != '/';
  return n;
}

/* d is a cgroup that create would have made for the container: under a
   hierarchy husk sees, at the path its cgroupsPath (the default for its id
   without one) gives, anywhere under the mount for a relative one (it was
   resolved under the cgroup of the husk that created it); and removing it
   climbs no higher than that path.  A dir that passes gets its created
   count clamped. */
static bool
record_dir_expected (struct cgroup_dir *d, const struct cgroup *want, bool relative)
{
  if (strstr (d->path, "/./") || strstr (d->path, "//"))
    return false;
  size_t pl = strlen (d->path);
  if ((pl >= 2 && strcmp (d->path + pl - 2, "/.") == 0) || (pl >= 3 && strcmp (d->path + pl - 3, "/..") == 0))
    return false;
  for (size_t i = 0; i < want->n; i++)
    {
      const struct cgroup_dir *w = &want->dirs[i];
      if (strcmp (w->mount, d->mount) != 0)
        continue;
      const char *tail = w->path + strlen (w->mount);
      size_t tl = strlen (tail);
      bool ok = strcmp (w->path, d->path) == 0
                || (relative && pl > tl && strcmp (d->path + pl - tl, tail) == 0);
      if (!ok)
        return false;
      int max = components (tail);
      if (d->created > max)
        d->created = max;
      if (d->created < 0)
        d->created = 0;
      return true;
    }
  return false;
}

int
cgroup_record_read_checked (int dirfd, const char *id, const char *cgroups_path, struct cgroup **out,
                            char **note, struct husk_error **err)
{
  *out = NULL;
  *note = NULL;
  bool relative = cgroups_path && cgroups_path[0] != '/';
  _cleanup_free_ char *abs = relative ? xasprintf ("/%s", cgroups_path) : NULL;
  struct cgroup *want = NULL;
  if (cgroup_resolve (relative ? abs : cgroups_path, id, &want, err) < 0)
    return -1;
  struct cgroup *cg = NULL;
  struct husk_error *rerr = NULL;
  if (cgroup_record_read (dirfd, &cg, NULL, &rerr) < 0)
    {
      *note = xstrdup (rerr->msg);
      husk_error_free (rerr);
    }
  else if (cg)
    {
      for (size_t i = 0; i < cg->n && *note == NULL; i++)
        if (!record_dir_expected (&cg->dirs[i], want, relative))
          *note = xasprintf (RECORD ": \"%s\" is not a cgroup of container \"%s\": ignored", cg->dirs[i].path, id);
    }
  /* No record: create was killed before it made any cgroup, or the file
     was lost since.  Only in the second case does the expectation exist. */
  else
    {
      bool exists = false;
      for (size_t j = 0; j < want->n && !exists; j++)
        exists = access (want->dirs[j].path, F_OK) == 0;
      if (!exists)
        {
          cgroup_free (want);
          return 0;
        }
      *note = xasprintf ("%s: missing", RECORD);
    }
  if (*note == NULL)
    {
      cgroup_free (want);
      *out = cg;
      return 0;
    }
  cgroup_free (cg);
  cgroup_free (want);
  /* What create would have made; a cgroupsPath that existed before is
     left alone (created is 0), as on every delete. */
  return cgroup_resolve (cgroups_path, id, out, err);
}
