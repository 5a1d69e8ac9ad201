/* husk spec: write a default config.json into the bundle directory. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/manage.h"
#include "cleanup.h"
#include "cmd.h"
#include "oci_spec_default.h"

static const struct cmd_option spec_options[] = {
  { "bundle", 'b', CMD_ARG_VALUE, "DIR",
    "bundle directory to write config.json into (default: the current directory)" },
  { "rootless", 0, CMD_ARG_NONE, NULL, "write a configuration for a rootless container" },
  { 0 },
};

/* Writes all of data, or removes the partial file: a failed spec leaves no
   config.json that a later create would take for a complete one. */
static int
spec_write (int dirfd, const char *path, const char *data, size_t len, struct husk_error **err)
{
  /* O_EXCL: never overwrite an existing config.json, and never follow a
     symlink planted in its place.  0666 & ~umask, as runc creates it. */
  _cleanup_close_ int fd
      = openat (dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0 && errno == EEXIST)
    return husk_error_set (err, "spec: \"%s\" already exists: remove it first", path);
  if (fd < 0)
    return husk_error_sys (err, errno, "spec: create \"%s\"", path);
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;
          unlinkat (dirfd, "config.json", 0);
          return husk_error_sys (err, saved, "spec: write \"%s\"", path);
        }
      data += n;
      len -= (size_t)n;
    }
  int ret = close (steal_fd (&fd));
  if (ret < 0 && errno != EINTR)
    {
      int saved = errno;
      unlinkat (dirfd, "config.json", 0);
      return husk_error_sys (err, saved, "spec: write \"%s\"", path);
    }
  return 0;
}

static int
spec_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 0, 0, err) < 0)
    return -1;
  const char *bundle = cmd_opt (a, "bundle");
  if (bundle && *bundle == '\0')
    return husk_error_set (err, "spec: --bundle: must not be empty");
  _cleanup_free_ char *path
      = bundle ? xasprintf ("%s%sconfig.json", bundle, bundle[strlen (bundle) - 1] == '/' ? "" : "/")
               : xstrdup ("config.json");

  _cleanup_close_ int dirfd = open (bundle ? bundle : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return husk_error_sys (err, errno, "spec: bundle directory \"%s\"", bundle ? bundle : ".");

  struct oci_spec_default_options o = {
    .rootless = cmd_flag (a, "rootless"),
    .host_uid = geteuid (),
    .host_gid = getegid (),
    .cgroup_ns = cgroup_host_unified (),
  };
  _cleanup_free_ char *json = NULL;
  _cleanup_free_ char *gen_err = NULL;
  size_t len = 0;
  if (oci_spec_default_generate (&o, &json, &len, &gen_err) < 0)
    return husk_error_set (err, "spec: %s", gen_err ? gen_err : "out of memory");
  return spec_write (dirfd, path, json, len, err);
}

const struct husk_command cmd_spec = {
  .name = "spec",
  .usage = "[options]",
  .summary = "write a default config.json into the bundle directory",
  .description = "The configuration runs \"sh\" on a terminal in the root filesystem \"rootfs\"\n"
                 "of the bundle, in new pid, network, ipc, uts and mount namespaces (and a\n"
                 "cgroup namespace on a cgroup v2 host), as runc's.\n"
                 "With --rootless it maps the caller's uid and gid to root in a new user\n"
                 "namespace and keeps the host's network namespace. An existing config.json\n"
                 "is never overwritten.",
  .takes_id = false,
  .options = spec_options,
  .run = spec_run,
};
