/* husk state: print the state of a container as JSON. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"

static const struct cmd_option state_options[] = {
  { 0 },
};

static int
cmd_state_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  char *json = NULL;
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0 || container_state (g->root, a->argv[0], &json, err) < 0)
    return -1;
  /* As runc prints it: no newline after the closing brace. */
  size_t len = strlen (json);
  while (len > 0 && json[len - 1] == '\n')
    json[--len] = '\0';
  fputs (json, stdout);
  free (json);
  return 0;
}

const struct husk_command cmd_state = {
  .name = "state",
  .usage = "<container-id>",
  .summary = "print the state of a container as JSON",
  .takes_id = true,
  .options = state_options,
  .run = cmd_state_run,
};
