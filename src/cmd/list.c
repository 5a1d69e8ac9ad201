/* husk list: list the containers under --root. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "container.h"

static const struct cmd_option list_options[] = {
  { "format", 'f', CMD_ARG_VALUE, "table|json", "output format (default: table)" },
  { "quiet", 'q', CMD_ARG_NONE, NULL, "print only container ids" },
  { 0 },
};

enum { LIST_COLUMNS = 6 };

/* Width in characters (UTF-8 continuation bytes do not count), as Go's
   tabwriter measures cells. */
static size_t
text_width (const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char) *s & 0xc0) != 0x80)
      n++;
  return n;
}

/* runc's table: Go's tabwriter with minwidth 12, padding 3, spaces; the
   last column is not padded. */
static void
print_table (const struct container_list *l)
{
  size_t rows = l->n + 1;
  char *(*cells)[LIST_COLUMNS] = xcalloc (rows, sizeof *cells);
  static const char *const header[LIST_COLUMNS] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  for (int c = 0; c < LIST_COLUMNS; c++)
    cells[0][c] = xstrdup (header[c]);
  for (size_t i = 0; i < l->n; i++)
    {
      const struct husk_state *s = l->states[i];
      enum state_status st = l->status[i];
      bool has_pid = st != STATE_STOPPED;
      cells[i + 1][0] = xstrdup (s->id);
      cells[i + 1][1] = xasprintf ("%d", has_pid ? s->pid : 0);
      cells[i + 1][2] = xstrdup (state_status_name (st));
      cells[i + 1][3] = xstrdup (s->bundle);
      cells[i + 1][4] = xstrdup (s->created);
      cells[i + 1][5] = state_owner_name (s->owner);
    }
  size_t width[LIST_COLUMNS] = { 0 };
  for (size_t r = 0; r < rows; r++)
    for (int c = 0; c < LIST_COLUMNS - 1; c++)
      {
        size_t w = text_width (cells[r][c]) + 3;
        if (w < 12)
          w = 12;
        if (w > width[c])
          width[c] = w;
      }
  for (size_t r = 0; r < rows; r++)
    {
      for (int c = 0; c < LIST_COLUMNS - 1; c++)
        printf ("%s%*s", cells[r][c], (int) (width[c] - text_width (cells[r][c])), "");
      printf ("%s\n", cells[r][LIST_COLUMNS - 1]);
      for (int c = 0; c < LIST_COLUMNS; c++)
        free (cells[r][c]);
    }
  free (cells);
}

static int
cmd_list_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  const char *format = cmd_opt (a, "format");
  if (format == NULL)
    format = "table";
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return husk_error_set (err, "--format: unknown format \"%s\" (table or json)", format);
  if (cmd_expect_args (a->cmd, a, 0, 0, err) < 0)
    return -1;
  struct container_list l;
  if (container_list (g->root, &l, err) < 0)
    return -1;
  if (cmd_flag (a, "quiet"))
    for (size_t i = 0; i < l.n; i++)
      puts (l.states[i]->id);
  else if (strcmp (format, "json") == 0)
    {
      char *json = state_json_list (l.states, l.status, l.n);
      puts (json);
      free (json);
    }
  else
    print_table (&l);
  container_list_free (&l);
  return 0;
}

const struct husk_command cmd_list = {
  .name = "list",
  .usage = "[options]",
  .summary = "list the containers under --root",
  .takes_id = false,
  .options = list_options,
  .run = cmd_list_run,
};
