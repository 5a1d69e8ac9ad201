/* The features document of the runtime-spec's features.md, which
   `husk features` prints. */
#ifndef OCI_FEATURES_H
#define OCI_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

/* The facts that depend on the machine, found by the caller: the
   generator itself reads only husk's tables. */
struct oci_features_host
{
  unsigned seccomp_api;           /* seccomp_api_get (); 0 if unknown */
  const char *libseccomp_version; /* "2.5.4"; NULL to leave it out */
  /* Whether the libseccomp husk runs with knows an architecture of
     oci_seccomp_archs ("SCMP_ARCH_M68K"); NULL: all of them. */
  bool (*seccomp_arch_supported) (const char *name);
  /* Whether a filter flag of oci_seccomp_flags can be used; NULL: by
     seccomp_api alone (oci_seccomp_flag_supported). */
  bool (*seccomp_flag_supported) (const char *name);
};

/* Generates the features document, pretty-printed with 4-space indents
   like runc's.  Returns 0 and a malloc'd, NUL-terminated *json of *len
   bytes, or -1 and a malloc'd message in *err. */
int oci_features_generate (const struct oci_features_host *h, char **json, size_t *len, char **err);

/* Whether the seccomp filter flag `name` (SECCOMP_FILTER_FLAG_*) can be
   used with a libseccomp reporting API level `api` (seccomp_api_get(3):
   the level reflects both the library and the running kernel). */
bool oci_seccomp_flag_supported (const char *name, unsigned api);

#endif
