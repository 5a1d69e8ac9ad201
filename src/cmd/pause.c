/* husk pause: freeze every process of a container. */
#include <config.h>

#include "cmd.h"
#include "cgroup/manage.h"

static const struct cmd_option pause_options[] = {
  { 0 },
};

static int
cmd_pause_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0)
    return -1;
  return container_freeze (g->root, a->argv[0], true, err) < 0 ? -1 : 0;
}

const struct husk_command cmd_pause = {
  .name = "pause",
  .usage = "<container-id>",
  .summary = "freeze every process of a container",
  .takes_id = true,
  .options = pause_options,
  .run = cmd_pause_run,
};
