/* husk resume: thaw a paused container. */
#include <config.h>

#include "cmd.h"
#include "cgroup/manage.h"

static const struct cmd_option resume_options[] = {
  { 0 },
};

static int
cmd_resume_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0)
    return -1;
  return container_freeze (g->root, a->argv[0], false, err) < 0 ? -1 : 0;
}

const struct husk_command cmd_resume = {
  .name = "resume",
  .usage = "<container-id>",
  .summary = "thaw a paused container",
  .takes_id = true,
  .options = resume_options,
  .run = cmd_resume_run,
};
