/* husk ps: list the processes running in a container. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cgroup/manage.h"

static const struct cmd_option ps_options[] = {
  { "format", 'f', CMD_ARG_VALUE, "table|json", "output format (default: table)" },
  { 0 },
};

/* table: the container's pids under a PID header, one a line (husk does
   not run ps(1): `ps -o ... -p PID,...` on the host gives more columns).
   json: a JSON array of host pids, as runc prints it. */
static int
cmd_ps_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  const char *format = cmd_opt (a, "format");
  if (format == NULL)
    format = "table";
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return husk_error_set (err, "--format: invalid format \"%s\" (table or json)", format);
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0)
    return -1;
  if (strcmp (format, "json") == 0 && a->argc > 1)
    return husk_error_set (err, "ps options cannot be used with --format json");
  pid_t *pids = NULL;
  size_t n = 0;
  if (container_pids (g->root, a->argv[0], &pids, &n, err) < 0)
    return -1;
  if (strcmp (format, "json") == 0)
    {
      putchar ('[');
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int)pids[i]);
      puts ("]");
    }
  else
    {
      puts ("PID");
      for (size_t i = 0; i < n; i++)
        printf ("%d\n", (int)pids[i]);
    }
  free (pids);
  return 0;
}

const struct husk_command cmd_ps = {
  .name = "ps",
  .usage = "[options] <container-id>",
  .summary = "list the processes running in a container",
  .takes_id = true,
  .options = ps_options,
  .run = cmd_ps_run,
};
