/* Unit tests for libocispec-lite's generators: the checked writer
   (oci_gen.c), the default config.json of `husk spec` read back by husk's
   own parser, and the features document against the tables it lists. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "oci_config.h"
#include "oci_features.h"
#include "oci_gen.h"
#include "oci_spec_default.h"
#include "oci_tables.h"
#include "tap.h"

static void
test_gen_writer (void)
{
  struct oci_gen w;
  char *json = NULL, *err = NULL;
  size_t len = 0;

  oci_gen_init (&w, "\t");
  oci_gen_map_open (&w);
  oci_gen_key_strv (&w, "empty", (const char *const[]){ NULL });
  oci_gen_str (&w, "obj");
  oci_gen_map_open (&w);
  oci_gen_map_close (&w);
  /* A string that looks like an empty array once unescaped must not be
     touched by the collapsing of empty arrays. */
  oci_gen_key_str (&w, "s", "[\n\n]");
  oci_gen_map_close (&w);
  int ret = oci_gen_finish (&w, "test", &json, &len, &err);
  tap_ok (ret == 0 && json && strlen (json) == len, "writer: a document is generated");
  const char *want = "{\n\t\"empty\": [],\n\t\"obj\": {},\n\t\"s\": \"[\\n\\n]\"\n}\n";
  tap_ok (json && strcmp (json, want) == 0, "writer: empty array and object collapsed, strings kept");
  if (json && strcmp (json, want) != 0)
    printf ("# got: %s\n", json);
  free (json);
  json = NULL;

  oci_gen_init (&w, NULL);
  oci_gen_map_open (&w);
  oci_gen_key_str (&w, "bad", "\xff\xfe");
  oci_gen_key_int (&w, "after", 1);
  oci_gen_map_close (&w);
  ret = oci_gen_finish (&w, "test", &json, &len, &err);
  tap_ok (ret < 0 && json == NULL && err && strstr (err, "UTF-8"),
          "writer: invalid UTF-8 is refused, and the error sticks: %s", err ? err : "(no error)");
  free (err);
  err = NULL;

  oci_gen_init (&w, NULL);
  oci_gen_map_open (&w);
  oci_gen_int (&w, 1); /* a key must be a string */
  ret = oci_gen_finish (&w, "test", &json, &len, &err);
  tap_ok (ret < 0 && err && strstr (err, "generate test: "), "writer: a non-string key is refused: %s",
          err ? err : "(no error)");
  free (err);
}

static void
test_spec_default (bool rootless, bool cgroup_ns)
{
  const char *v = rootless ? (cgroup_ns ? "rootless, cgroup v2" : "rootless") : (cgroup_ns ? "cgroup v2" : "default");
  struct oci_spec_default_options o
      = { .rootless = rootless, .host_uid = 1234, .host_gid = 5678, .cgroup_ns = cgroup_ns };
  char *json = NULL, *err = NULL;
  size_t len = 0;
  int ret = oci_spec_default_generate (&o, &json, &len, &err);
  tap_ok (ret == 0 && json && len > 0 && json[len - 1] == '}' && strlen (json) == len,
          "spec %s: generated, without a final newline (as runc's)", v);
  if (ret < 0)
    {
      free (err);
      return;
    }

  struct oci_config *c = NULL;
  ret = oci_config_parse_data (json, len, "config.json", &c, &err);
  tap_ok (ret == 0, "spec %s: husk's parser accepts it%s%s", v, err ? ": " : "", err ? err : "");
  free (err);
  if (ret == 0)
    {
      tap_ok (strcmp (c->oci_version, HUSK_OCI_VERSION) == 0, "spec %s: ociVersion %s", v, c->oci_version);
      tap_ok (c->hostname && strcmp (c->hostname, "husk") == 0, "spec %s: hostname husk", v);
      tap_ok (c->mounts.n == 7, "spec %s: 7 mounts", v);
      struct oci_linux *l = c->linux_;
      bool has_user = false, has_net = false, has_cgroup = false, known = true;
      for (size_t i = 0; l && i < l->namespaces.n; i++)
        {
          const char *t = l->namespaces.v[i].type;
          has_user |= strcmp (t, "user") == 0;
          has_net |= strcmp (t, "network") == 0;
          has_cgroup |= strcmp (t, "cgroup") == 0;
          known &= oci_namespace_kind_find (t) != NULL;
        }
      tap_ok (l && known && has_user == rootless && has_net == !rootless && has_cgroup == cgroup_ns,
              "spec %s: namespaces known; user %s, network %s, cgroup %s", v, rootless ? "yes" : "no",
              rootless ? "no" : "yes", cgroup_ns ? "yes" : "no");
      if (rootless)
        tap_ok (l && l->uid_mappings.n == 1 && l->uid_mappings.v[0].host_id == 1234
                    && l->uid_mappings.v[0].container_id == 0 && l->uid_mappings.v[0].size == 1
                    && l->gid_mappings.n == 1 && l->gid_mappings.v[0].host_id == 5678 && l->resources == NULL,
                "spec %s: the given ids are mapped to root, no resources", v);
      else
        tap_ok (l && l->uid_mappings.n == 0 && l->gid_mappings.n == 0 && l->resources != NULL,
                "spec %s: no id mappings, device resources", v);
      /* Options that are not mount flags are filesystem data; the ones
         that are must be in the table that applies them. */
      bool flags_known = true;
      for (size_t i = 0; i < c->mounts.n; i++)
        for (size_t j = 0; j < c->mounts.v[i].options.n; j++)
          {
            const char *opt = c->mounts.v[i].options.v[j];
            if (strchr (opt, '=') == NULL && strcmp (opt, "newinstance") != 0)
              flags_known &= oci_mount_option_find (opt) != NULL;
          }
      tap_ok (flags_known, "spec %s: every mount flag is in oci_mount_options", v);
    }
  oci_config_free (c);
  free (json);
}

/* The strings of array `path` in `doc`; NULL if it is not an array. */
static yajl_val
get_array (yajl_val doc, const char **path)
{
  yajl_val a = yajl_tree_get (doc, path, yajl_t_array);
  return a && YAJL_IS_ARRAY (a) ? a : NULL;
}

static bool
array_has (yajl_val a, const char *s)
{
  for (size_t i = 0; a && i < a->u.array.len; i++)
    if (YAJL_IS_STRING (a->u.array.values[i]) && strcmp (a->u.array.values[i]->u.string, s) == 0)
      return true;
  return false;
}

static yajl_val
features_doc (unsigned api, const char *libseccomp)
{
  struct oci_features_host h = { .seccomp_api = api, .libseccomp_version = libseccomp };
  char *json = NULL, *err = NULL;
  size_t len = 0;
  if (oci_features_generate (&h, &json, &len, &err) < 0)
    {
      printf ("# features: %s\n", err ? err : "?");
      free (err);
      return NULL;
    }
  char ebuf[256];
  yajl_val doc = yajl_tree_parse (json, ebuf, sizeof ebuf);
  free (json);
  return doc;
}

static void
test_features (void)
{
  yajl_val doc = features_doc (6, "2.5.4");
  tap_ok (doc != NULL, "features: generated, parses");
  if (doc == NULL)
    return;

  yajl_val a = get_array (doc, (const char *[]){ "mountOptions", NULL });
  bool ok = a && a->u.array.len > 0;
  size_t n = 0;
  while (oci_mount_options[n].name)
    n++;
  for (size_t i = 0; a && i < a->u.array.len; i++)
    ok &= YAJL_IS_STRING (a->u.array.values[i]) && oci_mount_option_find (a->u.array.values[i]->u.string);
  for (size_t i = 0; i + 1 < (a ? a->u.array.len : 0); i++)
    ok &= strcmp (a->u.array.values[i]->u.string, a->u.array.values[i + 1]->u.string) < 0;
  tap_ok (ok && a->u.array.len == n, "features: mountOptions are the %zu table entries, sorted", n);

  a = get_array (doc, (const char *[]){ "linux", "namespaces", NULL });
  ok = a != NULL;
  n = 0;
  for (const struct oci_namespace_kind *k = oci_namespace_kinds; k->name; k++, n++)
    ok &= array_has (a, k->name);
  tap_ok (ok && a->u.array.len == n, "features: linux.namespaces are the %zu namespace kinds", n);

  a = get_array (doc, (const char *[]){ "linux", "capabilities", NULL });
  ok = a != NULL;
  n = 0;
  for (const struct oci_capability *c = oci_capabilities; c->name; c++, n++)
    ok &= array_has (a, c->name);
  tap_ok (ok && a->u.array.len == n, "features: linux.capabilities are the %zu capabilities", n);

  a = get_array (doc, (const char *[]){ "hooks", NULL });
  ok = a != NULL;
  n = 0;
  for (const char *const *h = oci_hook_kinds; *h; h++, n++)
    ok &= array_has (a, *h);
  tap_ok (ok && a->u.array.len == n, "features: hooks are the %zu hook kinds", n);

  a = get_array (doc, (const char *[]){ "linux", "seccomp", "supportedFlags", NULL });
  tap_ok (a && a->u.array.len == 3 && array_has (a, "SECCOMP_FILTER_FLAG_TSYNC")
              && array_has (a, "SECCOMP_FILTER_FLAG_LOG") && array_has (a, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
          "features: API level 6: TSYNC, LOG and SPEC_ALLOW supported");
  yajl_val ver = yajl_tree_get (
      doc, (const char *[]){ "annotations", "io.github.seccomp.libseccomp.version", NULL }, yajl_t_string);
  tap_ok (ver && YAJL_IS_STRING (ver) && strcmp (ver->u.string, "2.5.4") == 0,
          "features: the libseccomp version annotation");
  yajl_tree_free (doc);

  doc = features_doc (0, NULL);
  a = get_array (doc, (const char *[]){ "linux", "seccomp", "supportedFlags", NULL });
  ver = yajl_tree_get (doc, (const char *[]){ "annotations", "io.github.seccomp.libseccomp.version", NULL },
                       yajl_t_string);
  tap_ok (a && a->u.array.len == 0 && ver == NULL,
          "features: API level unknown: no flag supported, no libseccomp annotation");
  yajl_tree_free (doc);

  tap_ok (!oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_TSYNC", 1)
              && oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_TSYNC", 2)
              && !oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_LOG", 2)
              && oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_LOG", 3)
              && !oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_SPEC_ALLOW", 3)
              && oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4)
              && !oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 6)
              && oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 7)
              && !oci_seccomp_flag_supported ("SECCOMP_FILTER_FLAG_BOGUS", 100),
          "features: seccomp flags follow seccomp_api_get(3)'s levels");
  bool every_known_has_level = true;
  for (const char *const *f = oci_seccomp_flags; *f; f++)
    every_known_has_level &= oci_seccomp_flag_supported (*f, 1000);
  tap_ok (every_known_has_level, "features: every flag of oci_seccomp_flags has an API level");
}

int
main (void)
{
  tap_plan (38);
  test_gen_writer ();
  test_spec_default (false, false);
  test_spec_default (true, false);
  test_spec_default (false, true);
  test_features ();
  return tap_done ();
}
