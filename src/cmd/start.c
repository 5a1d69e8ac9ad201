/* husk start: start the process of a created container. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option start_options[] = {
  { 0 },
};

const struct husk_command cmd_start = {
  .name = "start",
  .usage = "<container-id>",
  .summary = "start the process of a created container",
  .takes_id = true,
  .options = start_options,
  .run = cmd_refuse_unimplemented,
};
