/* husk start: start the process of a created container. */
#include <config.h>

#include "cmd.h"
#include "container.h"

static const struct cmd_option start_options[] = {
  { 0 },
};

static int
cmd_start_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0 || container_start (g->root, a->argv[0], err) < 0)
    return -1;
  return 0;
}

const struct husk_command cmd_start = {
  .name = "start",
  .usage = "<container-id>",
  .summary = "start the process of a created container",
  .takes_id = true,
  .options = start_options,
  .run = cmd_start_run,
};
