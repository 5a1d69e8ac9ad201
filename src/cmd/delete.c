/* husk delete: delete a stopped container and everything it holds. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option delete_options[] = {
  { "force", 'f', CMD_ARG_NONE, NULL, "kill the container (SIGKILL) if it is still running, then delete it" },
  { 0 },
};

const struct husk_command cmd_delete = {
  .name = "delete",
  .usage = "[options] <container-id>",
  .summary = "delete a stopped container and everything it holds",
  .takes_id = true,
  .options = delete_options,
  .run = cmd_refuse_unimplemented,
};
