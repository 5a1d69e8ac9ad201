/* The features document (runtime-spec features.md, features-linux.md),
   built from the tables of oci_tables.h so that it lists exactly what
   husk parses.

   Honesty: callers (podman, containerd, Kubernetes) choose what to ask for
   from this document, so each fact below must stay true of husk.  Facts
   that hold because a subsystem implements what its table names, and that
   must be re-checked whenever that subsystem changes:
   - hooks: every kind in oci_hook_kinds is run (hooks.c).
   - mountOptions: every name in oci_mount_options is applied, including
     the recursive attributes (mount_setattr), idmap/ridmap and tmpcopyup
     (mounts.c).
   - linux.namespaces: every kind in oci_namespace_kinds, "time" included,
     can be created and joined (namespaces.c).
   - linux.capabilities: every name in oci_capabilities is applied (caps.c).
   - linux.cgroup: v1 and v2 drivers exist (cgroup/v1.c, cgroup/v2.c);
     systemd, systemdUser and rdma are false until a systemd driver and
     the rdma controller exist.  --systemd-cgroup is refused meanwhile.
   - linux.seccomp: every action and operator of the tables is translated
     for libseccomp (seccomp_filter.c); archs are those of the table the
     linked libseccomp knows (seccomp_arch_supported: seccomp_filter.c
     refuses the others); supportedFlags are the flags seccomp_filter.c can
     set on the running kernel (the host's seccomp_flag_supported).
   - linux.apparmor: process.apparmorProfile is applied (lsm.c) wherever
     AppArmor is enabled (a profile is an error on a host without it).
   - linux.selinux, intelRdt, netDevices: false until implemented;
     configurations using them are refused, never ignored.
   - linux.memoryPolicy: every mode and flag of config-linux.md is
     applied (set_mempolicy, mempolicy.c), as the kernel allows them.
   - linux.mountExtensions.idmap: idmapped mounts (mount_setattr with
     MOUNT_ATTR_IDMAP) are implemented (mounts.c, idmap.c).
   - potentiallyUnsafeConfigAnnotations: empty while no annotation changes
     husk's behaviour. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "oci_features.h"
#include "oci_gen.h"
#include "oci_tables.h"

/* The lowest libseccomp API level at which each filter flag can be set
   (seccomp_api_get(3); level 7 arrived with libseccomp 2.6). */
static const struct
{
  const char *name;
  unsigned api;
} seccomp_flag_levels[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", 2 },
  { "SECCOMP_FILTER_FLAG_LOG", 3 },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4 },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 7 },
};

bool
oci_seccomp_flag_supported (const char *name, unsigned api)
{
  for (size_t i = 0; i < sizeof seccomp_flag_levels / sizeof *seccomp_flag_levels; i++)
    if (strcmp (seccomp_flag_levels[i].name, name) == 0)
      return api >= seccomp_flag_levels[i].api;
  return false;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* Sorted like runc's, so that the output does not depend on the order of
   the table. */
static int
gen_mount_options (struct oci_gen *w)
{
  size_t n = 0;
  while (oci_mount_options[n].name)
    n++;
  const char **names = calloc (n + 1, sizeof *names);
  if (names == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    names[i] = oci_mount_options[i].name;
  qsort (names, n, sizeof *names, compare_names);
  oci_gen_key_strv (w, "mountOptions", names);
  free (names);
  return 0;
}

static void
gen_seccomp (struct oci_gen *w, const struct oci_features_host *h)
{
  oci_gen_str (w, "seccomp");
  oci_gen_map_open (w);
  oci_gen_key_bool (w, "enabled", true);
  oci_gen_key_strv (w, "actions", oci_seccomp_actions);
  oci_gen_key_strv (w, "operators", oci_seccomp_operators);
  oci_gen_str (w, "archs");
  oci_gen_array_open (w);
  for (const char *const *a = oci_seccomp_archs; *a; a++)
    if (h->seccomp_arch_supported == NULL || h->seccomp_arch_supported (*a))
      oci_gen_str (w, *a);
  oci_gen_array_close (w);
  oci_gen_key_strv (w, "knownFlags", oci_seccomp_flags);
  oci_gen_str (w, "supportedFlags");
  oci_gen_array_open (w);
  for (const char *const *f = oci_seccomp_flags; *f; f++)
    if (h->seccomp_flag_supported ? h->seccomp_flag_supported (*f) : oci_seccomp_flag_supported (*f, h->seccomp_api))
      oci_gen_str (w, *f);
  oci_gen_array_close (w);
  oci_gen_map_close (w);
}

static void
gen_linux (struct oci_gen *w, const struct oci_features_host *h)
{
  oci_gen_str (w, "linux");
  oci_gen_map_open (w);

  oci_gen_str (w, "namespaces");
  oci_gen_array_open (w);
  for (const struct oci_namespace_kind *k = oci_namespace_kinds; k->name; k++)
    oci_gen_str (w, k->name);
  oci_gen_array_close (w);

  oci_gen_str (w, "capabilities");
  oci_gen_array_open (w);
  for (const struct oci_capability *c = oci_capabilities; c->name; c++)
    oci_gen_str (w, c->name);
  oci_gen_array_close (w);

  oci_gen_str (w, "cgroup");
  oci_gen_map_open (w);
  oci_gen_key_bool (w, "v1", true);
  oci_gen_key_bool (w, "v2", true);
  oci_gen_key_bool (w, "systemd", false);
  oci_gen_key_bool (w, "systemdUser", false);
  oci_gen_key_bool (w, "rdma", false);
  oci_gen_map_close (w);

  gen_seccomp (w, h);
  oci_gen_key_enabled (w, "apparmor", true);
  oci_gen_key_enabled (w, "selinux", true);
  oci_gen_key_enabled (w, "intelRdt", false);

  oci_gen_str (w, "mountExtensions");
  oci_gen_map_open (w);
  oci_gen_key_enabled (w, "idmap", true);
  oci_gen_map_close (w);

  oci_gen_key_enabled (w, "netDevices", false);

  oci_gen_str (w, "memoryPolicy");
  oci_gen_map_open (w);
  oci_gen_key_strv (w, "modes", oci_memory_policy_modes);
  oci_gen_key_strv (w, "flags", oci_memory_policy_flags);
  oci_gen_map_close (w);
  oci_gen_map_close (w);
}

int
oci_features_generate (const struct oci_features_host *h, char **json, size_t *len, char **err)
{
  struct oci_gen w;
  if (oci_gen_init (&w, "    ") < 0)
    {
      *err = strdup ("generate the features document: out of memory");
      return -1;
    }
  oci_gen_map_open (&w);
  /* 1.0.0 is the first version whose configurations husk parses. */
  oci_gen_key_str (&w, "ociVersionMin", "1.0.0");
  oci_gen_key_str (&w, "ociVersionMax", HUSK_OCI_VERSION);
  oci_gen_key_strv (&w, "hooks", oci_hook_kinds);
  if (gen_mount_options (&w) < 0)
    {
      yajl_gen_free (w.g);
      *err = strdup ("generate the features document: out of memory");
      return -1;
    }
  gen_linux (&w, h);

  oci_gen_str (&w, "annotations");
  oci_gen_map_open (&w);
  if (h->libseccomp_version)
    oci_gen_key_str (&w, "io.github.seccomp.libseccomp.version", h->libseccomp_version);
  oci_gen_key_str (&w, "io.github.husk.commit", HUSK_COMMIT);
  oci_gen_key_str (&w, "io.github.husk.version", PACKAGE_VERSION);
  oci_gen_map_close (&w);

  oci_gen_key_strv (&w, "potentiallyUnsafeConfigAnnotations", (const char *const[]){ NULL });
  oci_gen_map_close (&w);
  return oci_gen_finish (&w, "the features document", json, len, err);
}
