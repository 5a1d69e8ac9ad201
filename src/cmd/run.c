/* husk run: create and start a container, and wait for it unless --detach. */
#include <config.h>

#include "create.h"

static const struct cmd_option run_options[] = {
  { "bundle", 'b', CMD_ARG_VALUE, "DIR", "path to the bundle directory (default: the current directory)" },
  { "console-socket", 0, CMD_ARG_VALUE, "SOCK", "path to an AF_UNIX socket that receives the master end of the container's pseudoterminal" },
  { "detach", 'd', CMD_ARG_NONE, NULL, "return once the container is running" },
  { "keep", 0, CMD_ARG_NONE, NULL, "do not delete the container after it exits" },
  { "pid-file", 0, CMD_ARG_VALUE, "FILE", "write the container process's host pid to FILE" },
  { "no-subreaper", 0, CMD_ARG_NONE, NULL, "do not make husk a subreaper for reparented processes" },
  { "no-pivot", 0, CMD_ARG_NONE, NULL, "do not use pivot_root to jail the process inside the rootfs" },
  { "no-new-keyring", 0, CMD_ARG_NONE, NULL, "do not create a new session keyring for the container" },
  { "preserve-fds", 0, CMD_ARG_INT, "N", "pass N additional file descriptors (3 .. 3+N-1) to the container" },
  { 0 },
};

/* Exits with the container's status: husk's own failures are exit 1 (from
   main), as with runc. */
static int
cmd_run_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  struct container_create_opts o;
  int status = 0;
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0 || cmd_create_opts (g, a, &o, err) < 0
      || container_run (&o, cmd_flag (a, "detach"), cmd_flag (a, "keep"), cmd_flag (a, "no-subreaper"),
                        &status, err) < 0)
    return -1;
  return status;
}

const struct husk_command cmd_run = {
  .name = "run",
  .usage = "[options] <container-id>",
  .summary = "create and start a container, and wait for it unless --detach",
  .takes_id = true,
  .options = run_options,
  .run = cmd_run_run,
};
