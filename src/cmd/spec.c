/* husk spec: write a default config.json into the bundle directory. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option spec_options[] = {
  { "bundle", 'b', CMD_ARG_VALUE, "DIR", "bundle directory to write config.json into (default: the current directory)" },
  { "rootless", 0, CMD_ARG_NONE, NULL, "write a configuration for a rootless container" },
  { 0 },
};

const struct husk_command cmd_spec = {
  .name = "spec",
  .usage = "[options]",
  .summary = "write a default config.json into the bundle directory",
  .takes_id = false,
  .options = spec_options,
  .run = cmd_refuse_unimplemented,
};
