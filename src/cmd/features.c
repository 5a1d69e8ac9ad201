/* husk features: print the OCI features husk supports as JSON. */
#include <config.h>

#include <errno.h>
#include <stdio.h>

#include <seccomp.h>

#include "cleanup.h"
#include "cmd.h"
#include "oci_features.h"
#include "seccomp_filter.h"

static const struct cmd_option features_options[] = {
  { 0 },
};

static int
features_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 0, 0, err) < 0)
    return -1;
  const struct scmp_version *v = seccomp_version ();
  _cleanup_free_ char *libseccomp = xasprintf ("%u.%u.%u", v->major, v->minor, v->micro);
  struct oci_features_host h = {
    .seccomp_api = seccomp_api_get (),
    .libseccomp_version = libseccomp,
    .seccomp_arch_supported = seccomp_arch_supported,
    .seccomp_flag_supported = seccomp_flag_supported,
  };
  _cleanup_free_ char *json = NULL;
  _cleanup_free_ char *gen_err = NULL;
  size_t len = 0;
  if (oci_features_generate (&h, &json, &len, &gen_err) < 0)
    return husk_error_set (err, "features: %s", gen_err ? gen_err : "out of memory");
  if (fwrite (json, 1, len, stdout) != len || fflush (stdout) != 0)
    return husk_error_sys (err, errno, "features: write to stdout");
  return 0;
}

const struct husk_command cmd_features = {
  .name = "features",
  .usage = "",
  .summary = "print the OCI features husk supports as JSON",
  .description = "Prints the features document of the OCI runtime-spec (features.md): the\n"
                 "spec versions, hooks, mount options, namespaces, capabilities, cgroup\n"
                 "drivers and seccomp names husk recognizes. supportedFlags lists the\n"
                 "seccomp filter flags the running kernel and libseccomp support.",
  .takes_id = false,
  .options = features_options,
  .run = features_run,
};
