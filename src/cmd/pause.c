/* husk pause: freeze every process of a container. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option pause_options[] = {
  { 0 },
};

const struct husk_command cmd_pause = {
  .name = "pause",
  .usage = "<container-id>",
  .summary = "freeze every process of a container",
  .takes_id = true,
  .options = pause_options,
  .run = cmd_refuse_unimplemented,
};
