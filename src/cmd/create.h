/* create's flags, shared with run (which takes them all). */
#ifndef HUSK_CMD_CREATE_H
#define HUSK_CMD_CREATE_H

#include "cmd.h"
#include "container.h"

/* Fills *o from --bundle, --pid-file, --console-socket, --preserve-fds,
   --no-pivot, --no-new-keyring and the id in a->argv[0]. */
int cmd_create_opts (struct husk_globals *g, struct cmd_args *a, struct container_create_opts *o,
                     struct husk_error **err);

#endif
