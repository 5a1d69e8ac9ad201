/* husk state: print the state of a container as JSON. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option state_options[] = {
  { 0 },
};

const struct husk_command cmd_state = {
  .name = "state",
  .usage = "<container-id>",
  .summary = "print the state of a container as JSON",
  .takes_id = true,
  .options = state_options,
  .run = cmd_refuse_unimplemented,
};
