/* husk events: print a container's events and statistics as JSON. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option events_options[] = {
  { "interval", 0, CMD_ARG_VALUE, "DURATION", "statistics interval (default: 5s)" },
  { "stats", 0, CMD_ARG_NONE, NULL, "print the statistics once and exit" },
  { 0 },
};

const struct husk_command cmd_events = {
  .name = "events",
  .usage = "[options] <container-id>",
  .summary = "print a container's events and statistics as JSON",
  .takes_id = true,
  .options = events_options,
  .run = cmd_refuse_unimplemented,
};
