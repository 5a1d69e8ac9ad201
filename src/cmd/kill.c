/* husk kill: send a signal (default SIGTERM) to a container's init. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option kill_options[] = {
  { "all", 'a', CMD_ARG_NONE, NULL, "send the signal to every process of the container" },
  { 0 },
};

const struct husk_command cmd_kill = {
  .name = "kill",
  .usage = "[options] <container-id> [signal]",
  .summary = "send a signal (default SIGTERM) to a container's init",
  .takes_id = true,
  .options = kill_options,
  .run = cmd_refuse_unimplemented,
};
