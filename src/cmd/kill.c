/* husk kill: send a signal (default SIGTERM) to a container's init. */
#include <config.h>

#include <signal.h>
#include <string.h>

#include "cleanup.h"
#include "cmd.h"
#include "container.h"
#include "oci_tables.h"

static const struct cmd_option kill_options[] = {
  { "all", 'a', CMD_ARG_NONE, NULL, "send the signal to every process of the container's cgroup" },
  { 0 },
};

/* runc's parseSignal: a number as Go's strconv.Atoi reads it (an optional
   sign, decimal digits) or a name without regard to case, with or without
   "SIG".  0 sends nothing and checks that the init is alive (kill(2)'s
   probe), as runc does. */
static int
kill_signal_parse (const char *text)
{
  const char *digits = text + (*text == '+' || *text == '-');
  if (*digits >= '0' && *digits <= '9' && strspn (digits, "0123456789") == strlen (digits))
    {
      if (strspn (digits, "0") == strlen (digits))
        return 0;
      return *text == '-' ? -1 : oci_signal_parse (digits);
    }
  return oci_signal_parse (text);
}

static int
cmd_kill_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, 2, err) < 0)
    return -1;
  int sig = SIGTERM;
  if (a->argc == 2 && (sig = kill_signal_parse (a->argv[1])) < 0)
    {
      /* runc looks the container up first: "does not exist" wins. */
      _cleanup_free_ char *json = NULL;
      if (container_state (g->root, a->argv[0], &json, err) < 0)
        return -1;
      return husk_error_set (err, "unknown signal \"%s\"", a->argv[1]);
    }
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
