/* husk resume: thaw a paused container. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option resume_options[] = {
  { 0 },
};

const struct husk_command cmd_resume = {
  .name = "resume",
  .usage = "<container-id>",
  .summary = "thaw a paused container",
  .takes_id = true,
  .options = resume_options,
  .run = cmd_refuse_unimplemented,
};
