/* husk list: list the containers under --root. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option list_options[] = {
  { "format", 'f', CMD_ARG_VALUE, "table|json", "output format (default: table)" },
  { "quiet", 'q', CMD_ARG_NONE, NULL, "print only container ids" },
  { 0 },
};

const struct husk_command cmd_list = {
  .name = "list",
  .usage = "[options]",
  .summary = "list the containers under --root",
  .takes_id = false,
  .options = list_options,
  .run = cmd_refuse_unimplemented,
};
