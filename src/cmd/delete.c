/* husk delete: delete a stopped container and everything it holds. */
#include <config.h>

#include "cmd.h"
#include "container.h"

static const struct cmd_option delete_options[] = {
  { "force", 'f', CMD_ARG_NONE, NULL, "kill the container (SIGKILL) if it is still running, then delete it" },
  { 0 },
};

static int
cmd_delete_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0
      || container_delete (g->root, a->argv[0], cmd_flag (a, "force"), err) < 0)
    return -1;
  return 0;
}

const struct husk_command cmd_delete = {
  .name = "delete",
  .usage = "[options] <container-id>",
  .summary = "delete a stopped container and everything it holds",
  .takes_id = true,
  .options = delete_options,
  .run = cmd_delete_run,
};
