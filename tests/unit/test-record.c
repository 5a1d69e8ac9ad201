/* The cgroup record's linux.resources (src/libhusk/cgroup/record.c) and
   libocispec-lite's generic writer and merge behind it: a resources
   object with every member the tables know survives the record exactly,
   and `update` merges into it member by member.  Needs no cgroups: the
   record is a file in a temporary state dir. */
#include <config.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "cgroup/cgroup.h"
#include "json-quotes.h"
#include "oci_config.h"
#include "tap.h"

static void
diag (struct husk_error **err)
{
  if (*err)
    tap_diag ("%s", (*err)->msg);
  husk_error_free (*err);
  *err = NULL;
}

/* Every member of linux.resources, with the values a careless writer
   loses: false and zero, negative numbers, uint64 beyond INT64_MAX, an
   empty pids object's neighbour, non-ASCII text. */
static const char full[] =
  "{'devices': [{'allow': false, 'access': 'rwm'},"
  "   {'allow': true, 'type': 'c', 'major': 1, 'minor': -1, 'access': 'rw'}],"
  " 'memory': {'limit': 536870912, 'reservation': 0, 'swap': -1, 'kernel': -1, 'kernelTCP': 1048576,"
  "   'swappiness': 18446744073709551615, 'disableOOMKiller': false, 'useHierarchy': true,"
  "   'checkBeforeUpdate': false},"
  " 'cpu': {'shares': 1024, 'quota': -1, 'burst': 0, 'period': 100000, 'realtimeRuntime': 950000,"
  "   'realtimePeriod': 1000000, 'cpus': '0-1', 'mems': '0', 'idle': 0},"
  " 'pids': {'limit': -1},"
  " 'blockIO': {'weight': 10, 'leafWeight': 65535,"
  "   'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600, 'leafWeight': 700}, {'major': 8, 'minor': 16}],"
  "   'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 0}],"
  "   'throttleWriteBpsDevice': [{'major': 8, 'minor': 16, 'rate': 2097152}],"
  "   'throttleReadIOPSDevice': [{'major': 8, 'minor': 32, 'rate': 100}],"
  "   'throttleWriteIOPSDevice': [{'major': 8, 'minor': 48, 'rate': 18446744073709551615}]},"
  " 'hugepageLimits': [{'pageSize': '2MB', 'limit': 209715200}, {'pageSize': '1GB', 'limit': 0}],"
  " 'network': {'classID': 0, 'priorities': [{'name': 'eth0', 'priority': 500}, {'name': 'l\xc3\xb6', 'priority': 0}]},"
  " 'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 4294967295}, 'mlx4_0': {'hcaObjects': 7}},"
  " 'unified': {'memory.high': '1G', 'io.weight': 'default 100'}}";

/* ---- JSON values compared as values: members in any order, numbers by
   their text (yajl keeps it), so that 18446744073709551615 is exact ---- */

static yajl_val
member (yajl_val obj, const char *key)
{
  for (size_t i = 0; i < YAJL_GET_OBJECT (obj)->len; i++)
    if (strcmp (YAJL_GET_OBJECT (obj)->keys[i], key) == 0)
      return YAJL_GET_OBJECT (obj)->values[i];
  return NULL;
}

static bool
json_equal (yajl_val a, yajl_val b)
{
  if (a == NULL || b == NULL || a->type != b->type)
    return false;
  if (YAJL_IS_OBJECT (a))
    {
      if (YAJL_GET_OBJECT (a)->len != YAJL_GET_OBJECT (b)->len)
        return false;
      for (size_t i = 0; i < YAJL_GET_OBJECT (a)->len; i++)
        if (!json_equal (YAJL_GET_OBJECT (a)->values[i], member (b, YAJL_GET_OBJECT (a)->keys[i])))
          return false;
      return true;
    }
  if (YAJL_IS_ARRAY (a))
    {
      if (YAJL_GET_ARRAY (a)->len != YAJL_GET_ARRAY (b)->len)
        return false;
      for (size_t i = 0; i < YAJL_GET_ARRAY (a)->len; i++)
        if (!json_equal (YAJL_GET_ARRAY (a)->values[i], YAJL_GET_ARRAY (b)->values[i]))
          return false;
      return true;
    }
  if (YAJL_IS_STRING (a))
    return strcmp (a->u.string, b->u.string) == 0;
  if (YAJL_IS_NUMBER (a))
    return strcmp (a->u.number.r, b->u.number.r) == 0;
  return true; /* true, false, null: the type says it all */
}

static bool
json_text_equal (const char *a, const char *b)
{
  char e[256];
  yajl_val ta = yajl_tree_parse (a, e, sizeof e);
  yajl_val tb = yajl_tree_parse (b, e, sizeof e);
  bool eq = json_equal (ta, tb);
  yajl_tree_free (ta);
  yajl_tree_free (tb);
  return eq;
}

/* Whether `v` has the described path (oci_config_describe's form:
   "blockIO.weightDevice[].leafWeight", "rdma{}.hcaHandles"): some array
   item or map value must have the rest. */
static bool
tree_has (yajl_val v, const char *path)
{
  if (*path == '\0')
    return true;
  if (*path == '.')
    path++;
  if (strncmp (path, "[]", 2) == 0)
    {
      for (size_t i = 0; YAJL_IS_ARRAY (v) && i < YAJL_GET_ARRAY (v)->len; i++)
        if (tree_has (YAJL_GET_ARRAY (v)->values[i], path + 2))
          return true;
      return false;
    }
  if (strncmp (path, "{}", 2) == 0)
    {
      for (size_t i = 0; YAJL_IS_OBJECT (v) && i < YAJL_GET_OBJECT (v)->len; i++)
        if (tree_has (YAJL_GET_OBJECT (v)->values[i], path + 2))
          return true;
      return false;
    }
  size_t n = strcspn (path, ".[{");
  if (!YAJL_IS_OBJECT (v))
    return false;
  for (size_t i = 0; i < YAJL_GET_OBJECT (v)->len; i++)
    if (strlen (YAJL_GET_OBJECT (v)->keys[i]) == n && strncmp (YAJL_GET_OBJECT (v)->keys[i], path, n) == 0)
      return tree_has (YAJL_GET_OBJECT (v)->values[i], path + n);
  return false;
}

struct coverage
{
  yajl_val doc;
  int paths;
  int missing;
};

static void
cover (const char *path, const char *type, bool required, void *data)
{
  static const char prefix[] = "linux.resources.";
  struct coverage *c = data;
  (void) type;
  (void) required;
  if (strncmp (path, prefix, sizeof prefix - 1) != 0)
    return;
  c->paths++;
  if (!tree_has (c->doc, path + sizeof prefix - 1))
    {
      printf ("# not set by the test document: %s\n", path);
      c->missing++;
    }
}

/* ---- helpers ---- */

static struct oci_resources *
resources (const char *doc)
{
  char *d = json (doc), *err = NULL;
  struct oci_resources *r = NULL;
  if (oci_resources_parse_data (d, strlen (d), "test", &r, &err) < 0)
    {
      printf ("# %s\n", err);
      free (err);
    }
  free (d);
  return r;
}

static char *
generate (const struct oci_resources *r)
{
  char *out = NULL, *err = NULL;
  if (r == NULL || oci_resources_generate (r, false, &out, NULL, &err) < 0)
    {
      printf ("# %s\n", err ? err : "no resources");
      free (err);
      return NULL;
    }
  return out;
}

/* Whether `r` written out is the document `doc` (as values). */
static bool
same_as (const struct oci_resources *r, const char *doc)
{
  char *got = generate (r), *want = json (doc);
  bool eq = got && json_text_equal (got, want);
  if (!eq)
    printf ("# got: %s\n", got ? got : "(nothing)");
  free (got);
  free (want);
  return eq;
}

/* What a cgroup_record_read gave, freed before the next one. */
static void
drop (struct cgroup **back, struct oci_resources **got)
{
  cgroup_free (*back);
  *back = NULL;
  oci_resources_free (*got);
  *got = NULL;
}

static int
write_file (int dirfd, const char *name, const char *text)
{
  int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  ssize_t n = write (fd, text, strlen (text));
  close (fd);
  return n == (ssize_t) strlen (text) ? 0 : -1;
}

int
main (void)
{
  struct husk_error *err = NULL;
  tap_plan (12);

  /* The test document is complete: a member added to the tables and not
     set here fails this test, not silently the round trip. */
  char *doc = json (full), ebuf[256];
  yajl_val tree = yajl_tree_parse (doc, ebuf, sizeof ebuf);
  struct coverage cov = { tree, 0, 0 };
  oci_config_describe (cover, &cov);
  tap_ok (tree && cov.paths > 50 && cov.missing == 0, "the document sets all %d paths of linux.resources",
          cov.paths);
  yajl_tree_free (tree);

  struct oci_resources *r = resources (full);
  tap_ok (r != NULL && same_as (r, full), "generated from the tables: the parsed document, every member");

  /* Through the record in a state dir, as create writes it and update
     reads it. */
  char tmpl[] = "/tmp/husk-record-XXXXXX";
  char *sd = mkdtemp (tmpl);
  int sdfd = sd ? open (sd, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  struct cgroup_dir dir = { .path = (char *) "/sys/fs/cgroup/husk/x", .mount = (char *) "/sys/fs/cgroup",
                            .v2 = true, .controllers = (char *) "cpu memory pids", .created = 2 };
  struct cgroup cg = { .layout = CGROUP_LAYOUT_V2, .dirs = &dir, .n = 1 };
  struct cgroup *back = NULL;
  struct oci_resources *got = NULL;
  tap_ok (sdfd >= 0 && cgroup_record_write (sdfd, &cg, r, &err) == 0
              && cgroup_record_read (sdfd, &back, &got, &err) == 0 && back && back->n == 1
              && strcmp (back->dirs[0].path, dir.path) == 0 && back->dirs[0].created == 2 && got,
          "cgroup.json written and read back");
  diag (&err);
  tap_ok (got && same_as (got, full), "cgroup.json round trip keeps every member and value");
  drop (&back, &got);

  /* update: objects and maps member by member, lists replaced whole. */
  struct oci_resources *upd = resources (
      "{'memory': {'limit': 1073741824, 'disableOOMKiller': true},"
      " 'cpu': {'cpus': '1'},"
      " 'pids': {'limit': 20},"
      " 'blockIO': {'throttleReadBpsDevice': [{'major': 8, 'minor': 64, 'rate': 5}]},"
      " 'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],"
      " 'rdma': {'mlx4_0': {'hcaHandles': 1}, 'mlx9': {'hcaObjects': 2}},"
      " 'unified': {'io.weight': 'default 200', 'pids.max': '9'}}");
  static const char merged[] =
    "{'devices': [{'allow': false, 'access': 'rwm'},"
    "   {'allow': true, 'type': 'c', 'major': 1, 'minor': -1, 'access': 'rw'}],"
    " 'memory': {'limit': 1073741824, 'reservation': 0, 'swap': -1, 'kernel': -1, 'kernelTCP': 1048576,"
    "   'swappiness': 18446744073709551615, 'disableOOMKiller': true, 'useHierarchy': true,"
    "   'checkBeforeUpdate': false},"
    " 'cpu': {'shares': 1024, 'quota': -1, 'burst': 0, 'period': 100000, 'realtimeRuntime': 950000,"
    "   'realtimePeriod': 1000000, 'cpus': '1', 'mems': '0', 'idle': 0},"
    " 'pids': {'limit': 20},"
    " 'blockIO': {'weight': 10, 'leafWeight': 65535,"
    "   'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600, 'leafWeight': 700}, {'major': 8, 'minor': 16}],"
    "   'throttleReadBpsDevice': [{'major': 8, 'minor': 64, 'rate': 5}],"
    "   'throttleWriteBpsDevice': [{'major': 8, 'minor': 16, 'rate': 2097152}],"
    "   'throttleReadIOPSDevice': [{'major': 8, 'minor': 32, 'rate': 100}],"
    "   'throttleWriteIOPSDevice': [{'major': 8, 'minor': 48, 'rate': 18446744073709551615}]},"
    " 'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],"
    " 'network': {'classID': 0, 'priorities': [{'name': 'eth0', 'priority': 500}, {'name': 'l\xc3\xb6', 'priority': 0}]},"
    " 'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 4294967295}, 'mlx4_0': {'hcaHandles': 1, 'hcaObjects': 7},"
    "   'mlx9': {'hcaObjects': 2}},"
    " 'unified': {'memory.high': '1G', 'io.weight': 'default 200', 'pids.max': '9'}}";
  tap_ok (upd && cgroup_record_update (sdfd, upd, &err) == 0
              && cgroup_record_read (sdfd, &back, &got, &err) == 0 && back && back->n == 1 && got
              && same_as (got, merged),
          "update merged into the record: members, map keys and rdma entries kept, lists replaced");
  diag (&err);
  drop (&back, &got);

  /* An update into a record without resources is the update. */
  tap_ok (cgroup_record_write (sdfd, &cg, NULL, &err) == 0 && cgroup_record_update (sdfd, upd, &err) == 0
              && cgroup_record_read (sdfd, &back, &got, &err) == 0 && got
              && same_as (got,
                          "{'memory': {'limit': 1073741824, 'disableOOMKiller': true}, 'cpu': {'cpus': '1'},"
                          " 'pids': {'limit': 20},"
                          " 'blockIO': {'throttleReadBpsDevice': [{'major': 8, 'minor': 64, 'rate': 5}]},"
                          " 'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],"
                          " 'rdma': {'mlx4_0': {'hcaHandles': 1}, 'mlx9': {'hcaObjects': 2}},"
                          " 'unified': {'io.weight': 'default 200', 'pids.max': '9'}}"),
          "update into a record without resources");
  diag (&err);
  drop (&back, &got);

  /* The source of a merge is copied, not taken: it is unchanged. */
  struct oci_resources *dst = resources ("{}");
  if (dst && upd)
    oci_resources_merge (dst, upd);
  tap_ok (dst && upd && upd->memory && upd->memory->limit.v == 1073741824 && upd->rdma.n == 2
              && dst->memory != upd->memory && dst->unified.keys != upd->unified.keys
              && dst->unified.values[0] != upd->unified.values[0],
          "merge copies its source");
  oci_resources_free (dst);

  /* "pids": {} (no limit, spec 1.3) is kept as present. */
  struct oci_resources *pids = resources ("{'pids': {}}");
  tap_ok (pids && pids->has_pids && same_as (pids, "{'pids': {}}"), "an empty pids object is written back");
  oci_resources_free (pids);

  /* A damaged record: one line naming the file and the member. */
  tap_ok (sdfd >= 0
              && write_file (sdfd, "cgroup.json",
                             "{\"layout\":\"v2\",\"dirs\":[],\"resources\":{\"memory\":{\"limit\":\"1G\"}}}")
                     == 0
              && cgroup_record_read (sdfd, &back, &got, &err) < 0 && err
              && strcmp (err->msg, "cgroup.json: resources: memory.limit: expected an integer, got string")
                     == 0
              && back == NULL && got == NULL,
          "a wrong-typed recorded member is refused, named");
  husk_error_free (err);
  err = NULL;
  tap_ok (sdfd >= 0 && write_file (sdfd, "cgroup.json", "{\"layout\":\"v2\",\"dirs\":[") == 0
              && cgroup_record_read (sdfd, &back, &got, &err) < 0 && err
              && strncmp (err->msg, "cgroup.json: ", 13) == 0 && strchr (err->msg, '\n') == NULL,
          "a truncated record is refused in one line");
  husk_error_free (err);
  err = NULL;

  /* Records beyond the first read buffer: a large one is read whole, one
     over the cap is refused by its size. */
  struct oci_resources *big = xcalloc (1, sizeof *big);
  big->unified.n = 4000;
  big->unified.keys = xcalloc (big->unified.n, sizeof (char *));
  big->unified.values = xcalloc (big->unified.n, sizeof (char *));
  for (size_t i = 0; i < big->unified.n; i++)
    {
      big->unified.keys[i] = xasprintf ("k%zu", i);
      big->unified.values[i] = xasprintf ("%0100zu", i);
    }
  tap_ok (cgroup_record_write (sdfd, &cg, big, &err) == 0 && cgroup_record_read (sdfd, &back, &got, &err) == 0
              && got && got->unified.n == 4000 && strcmp (got->unified.keys[3999], "k3999") == 0
              && strcmp (got->unified.values[3999] + 96, "3999") == 0,
          "a record of 400 kB is read whole");
  diag (&err);
  oci_resources_free (big);
  drop (&back, &got);
  size_t huge_len = 4 * 1024 * 1024 + 1;
  char *huge = xmalloc (huge_len + 1);
  memset (huge, ' ', huge_len);
  huge[0] = '{';
  huge[huge_len - 1] = '}';
  huge[huge_len] = '\0';
  tap_ok (write_file (sdfd, "cgroup.json", huge) == 0 && cgroup_record_read (sdfd, &back, &got, &err) < 0
              && err && strcmp (err->msg, "read cgroup.json: file too large") == 0,
          "a record over 4 MiB is refused");
  if (err && strcmp (err->msg, "read cgroup.json: file too large") != 0)
    diag (&err);
  husk_error_free (err);
  err = NULL;
  free (huge);

  oci_resources_free (r);
  oci_resources_free (upd);
  free (doc);
  if (sdfd >= 0)
    {
      unlinkat (sdfd, "cgroup.json", 0);
      close (sdfd);
    }
  if (sd)
    rmdir (sd);
  return tap_done ();
}
