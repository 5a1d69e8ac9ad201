/* husk ps: list the processes running in a container. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option ps_options[] = {
  { "format", 'f', CMD_ARG_VALUE, "table|json", "output format (default: table)" },
  { 0 },
};

const struct husk_command cmd_ps = {
  .name = "ps",
  .usage = "[options] <container-id> [ps options]",
  .summary = "list the processes running in a container",
  .takes_id = true,
  .options = ps_options,
  .run = cmd_refuse_unimplemented,
};
