/* husk create: create a container; its process waits for `husk start`. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "create.h"

static const struct cmd_option create_options[] = {
  { "bundle", 'b', CMD_ARG_VALUE, "DIR", "path to the bundle directory (default: the current directory)" },
  { "console-socket", 0, CMD_ARG_VALUE, "SOCK", "path to an AF_UNIX socket that receives the master end of the container's pseudoterminal" },
  { "pid-file", 0, CMD_ARG_VALUE, "FILE", "write the container process's host pid to FILE" },
  { "no-pivot", 0, CMD_ARG_NONE, NULL, "do not use pivot_root to jail the process inside the rootfs" },
  { "no-new-keyring", 0, CMD_ARG_NONE, NULL, "do not create a new session keyring for the container" },
  { "preserve-fds", 0, CMD_ARG_INT, "N", "pass N additional file descriptors (3 .. 3+N-1) to the container" },
  { 0 },
};

int
cmd_create_opts (struct husk_globals *g, struct cmd_args *a, struct container_create_opts *o,
                 struct husk_error **err)
{
  memset (o, 0, sizeof *o);
  o->root = g->root;
  o->id = a->argv[0];
  o->bundle = cmd_opt (a, "bundle");
  o->pid_file = cmd_opt (a, "pid-file");
  o->console_socket = cmd_opt (a, "console-socket");
  o->no_pivot = cmd_flag (a, "no-pivot");
  o->no_new_keyring = cmd_flag (a, "no-new-keyring");
  if (cmd_opt_int (a, "preserve-fds", 0, INT_MAX - 3, &o->preserve_fds, err) < 0)
    return -1;
  return 0;
}

static int
cmd_create_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  struct container_create_opts o;
  int pid, pty;
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0 || cmd_create_opts (g, a, &o, err) < 0)
    return -1;
  if (container_create (&o, &pid, &pty, err) < 0)
    return -1;
  return 0;
}

const struct husk_command cmd_create = {
  .name = "create",
  .usage = "[options] <container-id>",
  .summary = "create a container; its process waits for `husk start`",
  .takes_id = true,
  .options = create_options,
  .run = cmd_create_run,
};
