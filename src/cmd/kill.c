/* husk kill: send a signal (default SIGTERM) to a container's init. */
#include <config.h>

#include <signal.h>

#include "cmd.h"
#include "container.h"
#include "oci_tables.h"

static const struct cmd_option kill_options[] = {
  { "all", 'a', CMD_ARG_NONE, NULL, "send the signal to every process of the container's cgroup" },
  { 0 },
};

static int
cmd_kill_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, 2, err) < 0)
    return -1;
  int sig = SIGTERM;
  if (a->argc == 2 && (sig = oci_signal_parse (a->argv[1])) <= 0)
    return husk_error_set (err, "invalid signal \"%s\"", a->argv[1]);
  if (container_kill (g->root, a->argv[0], sig, cmd_flag (a, "all"), err) < 0)
    return -1;
  return 0;
}

const struct husk_command cmd_kill = {
  .name = "kill",
  .usage = "[options] <container-id> [signal]",
  .summary = "send a signal (default SIGTERM) to a container's init",
  .takes_id = true,
  .options = kill_options,
  .run = cmd_kill_run,
};
