/* The default config.json that `husk spec` writes. */
#ifndef OCI_SPEC_DEFAULT_H
#define OCI_SPEC_DEFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct oci_spec_default_options
{
  bool rootless;     /* user namespace, no network namespace, /sys bound */
  uint32_t host_uid; /* rootless: the host uid mapped to root (geteuid) */
  uint32_t host_gid; /* rootless: the host gid mapped to root (getegid) */
  bool cgroup_ns;    /* a new cgroup namespace: runc 1.1 lists one on a
                        cgroup v2 host only (the caller tells) */
};

/* Generates the default configuration as pretty-printed JSON (tab-indented,
   without a final newline, like runc's).  Returns 0 and a malloc'd, NUL-terminated
   *json of *len bytes, or -1 and a malloc'd message in *err. */
int oci_spec_default_generate (const struct oci_spec_default_options *o, char **json, size_t *len,
                               char **err);

#endif
