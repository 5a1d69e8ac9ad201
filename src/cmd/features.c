/* husk features: print the OCI features husk supports as JSON. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option features_options[] = {
  { 0 },
};

const struct husk_command cmd_features = {
  .name = "features",
  .usage = "",
  .summary = "print the OCI features husk supports as JSON",
  .takes_id = false,
  .options = features_options,
  .run = cmd_refuse_unimplemented,
};
