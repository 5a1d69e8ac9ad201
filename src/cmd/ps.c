/* husk ps: list the processes running in a container. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cgroup/manage.h"
#include "ps.h"

static const struct cmd_option ps_options[] = {
  { "format", 'f', CMD_ARG_VALUE, "table|json", "output format (default: table)" },
  { 0 },
};

/* table: runc 1.1's, ps(1)'s header and the lines of the container's
   processes ("ps -ef", or the ps options given after the id: options stop
   at the id, so `husk ps ID -o pid,comm` passes "-o pid,comm" to ps, and a
   "--" after the id reaches ps as runc passes it).  json: a JSON array of
   host pids, as runc prints it; husk refuses ps options with it (runc
   ignores them). */
static int
cmd_ps_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  const char *format = cmd_opt (a, "format");
  if (format == NULL)
    format = "table";
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return husk_error_set (err, "--format: invalid format \"%s\" (table or json)", format);
  if (cmd_expect_args (a->cmd, a, 1, -1, err) < 0)
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
      free (pids);
      return 0;
    }
  char *table = NULL;
  int ret = ps_table (a->argv + 1, pids, n, &table, err);
  free (pids);
  if (ret < 0)
    return -1;
  fputs (table, stdout);
  free (table);
  return 0;
}

const struct husk_command cmd_ps = {
  .name = "ps",
  .usage = "[options] <container-id> [ps options]",
  .summary = "list the processes running in a container",
  .takes_id = true,
  .no_reorder = true,
  .options = ps_options,
  .run = cmd_ps_run,
};
