/* Command-line parsing shared by every command: one option table per
   command drives getopt, --help and the value lookups. */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static size_t
options_count (const struct cmd_option *o)
{
  size_t n = 0;
  while (o && o[n].name)
    n++;
  return n;
}

/* Go's flag package (which runc's CLI uses) takes booleans as --flag or
   --flag=true|false; husk accepts the same spellings. */
static int
parse_bool (const char *name, const char *v, const char **out, struct husk_error **err)
{
  if (v == NULL || strcmp (v, "true") == 0 || strcmp (v, "1") == 0 || strcmp (v, "t") == 0)
    *out = "true";
  else if (strcmp (v, "false") == 0 || strcmp (v, "0") == 0 || strcmp (v, "f") == 0)
    *out = NULL;
  else
    return husk_error_set (err, "invalid boolean value \"%s\" for flag --%s", v, name);
  return 0;
}

int
cmd_parse (const struct husk_command *cmd, int argc, char **argv, struct cmd_args *a,
           struct husk_error **err)
{
  size_t n = options_count (cmd->options);
  memset (a, 0, sizeof *a);
  a->cmd = cmd;
  a->options = cmd->options;
  a->values = xcalloc (n + 1, sizeof *a->values);
  a->lists = xcalloc (n + 1, sizeof *a->lists);
  a->list_len = xcalloc (n + 1, sizeof *a->list_len);

  struct option *lo = xcalloc (n + 2, sizeof *lo);
  char shorts[2 * 64 + 4] = "+";
  size_t sp = 1;
  for (size_t i = 0; i < n; i++)
    {
      const struct cmd_option *o = &cmd->options[i];
      lo[i].name = o->name;
      lo[i].has_arg = o->arg == CMD_ARG_NONE ? optional_argument : required_argument;
      lo[i].val = 256 + (int) i;
      if (o->short_name && sp + 2 < sizeof shorts)
        {
          shorts[sp++] = o->short_name;
          if (o->arg != CMD_ARG_NONE)
            shorts[sp++] = ':';
        }
    }
  lo[n].name = "help";
  lo[n].val = 'h';
  shorts[sp++] = 'h';
  shorts[sp] = '\0';

  optind = 0;  /* full reinitialisation of getopt's state */
  opterr = 0;
  int ret = 0;
  int c;
  while ((c = getopt_long_only (argc, argv, shorts, lo, NULL)) != -1)
    {
      size_t i = n;
      if (c == 'h')
        {
          ret = 1;
          break;
        }
      if (c >= 256)
        i = (size_t) c - 256;
      else if (c != '?' && c != ':')
        for (i = 0; i < n && cmd->options[i].short_name != c; i++)
          ;
      if (i >= n)
        {
          const char *bad = argv[optind - 1];
          if (optopt && optopt < 256)
            ret = husk_error_set (err, "%s: flag provided but not defined: -%c", cmd->name, optopt);
          else
            ret = husk_error_set (err, "%s: flag provided but not defined or missing its value: %s",
                                  cmd->name, bad);
          break;
        }
      const struct cmd_option *o = &cmd->options[i];
      if (o->arg == CMD_ARG_NONE)
        {
          if ((ret = parse_bool (o->name, optarg, &a->values[i], err)) < 0)
            break;
        }
      else if (o->arg == CMD_ARG_LIST)
        {
          a->lists[i] = xrealloc (a->lists[i], (a->list_len[i] + 2) * sizeof (char *));
          a->lists[i][a->list_len[i]++] = optarg;
          a->lists[i][a->list_len[i]] = NULL;
          a->values[i] = optarg;
        }
      else
        a->values[i] = optarg;
    }
  free (lo);
  a->argc = argc - optind;
  a->argv = argv + optind;
  if (ret == 0 && cmd->takes_id && a->argc >= 1 && container_id_check (a->argv[0], err) < 0)
    ret = -1;
  return ret;
}

void
cmd_args_free (struct cmd_args *a)
{
  size_t n = options_count (a->options);
  for (size_t i = 0; i < n && a->lists; i++)
    free (a->lists[i]);
  free (a->lists);
  free (a->values);
  free (a->list_len);
}

static size_t
option_index (const struct cmd_args *a, const char *name)
{
  size_t n = options_count (a->options);
  for (size_t i = 0; i < n; i++)
    if (strcmp (a->options[i].name, name) == 0)
      return i;
  /* Asking for an option the table lacks is a bug in husk. */
  fprintf (stderr, "husk: internal error: no option --%s\n", name);
  abort ();
}

const char *
cmd_opt (const struct cmd_args *a, const char *name)
{
  return a->values[option_index (a, name)];
}

bool
cmd_flag (const struct cmd_args *a, const char *name)
{
  return a->values[option_index (a, name)] != NULL;
}

const char *const *
cmd_opt_list (const struct cmd_args *a, const char *name, size_t *n)
{
  size_t i = option_index (a, name);
  if (n)
    *n = a->list_len[i];
  return (const char *const *) a->lists[i];
}

int
cmd_expect_args (const struct husk_command *cmd, const struct cmd_args *a, int min, int max,
                 struct husk_error **err)
{
  if (a->argc < min || (max >= 0 && a->argc > max))
    {
      if (min == max)
        return husk_error_set (err, "\"%s\" requires exactly %d argument(s): husk %s %s", cmd->name,
                               min, cmd->name, cmd->usage);
      if (a->argc < min)
        return husk_error_set (err, "\"%s\" requires at least %d argument(s): husk %s %s",
                               cmd->name, min, cmd->name, cmd->usage);
      return husk_error_set (err, "\"%s\" takes at most %d argument(s): husk %s %s", cmd->name,
                             max, cmd->name, cmd->usage);
    }
  return 0;
}

void
cmd_print_help (const struct husk_command *cmd, FILE *out)
{
  fprintf (out, "Usage: husk %s %s\n\n%s\n", cmd->name, cmd->usage, cmd->summary);
  if (cmd->description)
    fprintf (out, "\n%s\n", cmd->description);
  size_t n = options_count (cmd->options);
  fprintf (out, "\nOptions:\n");
  for (size_t i = 0; i < n; i++)
    {
      const struct cmd_option *o = &cmd->options[i];
      char left[80];
      int len;
      if (o->short_name)
        len = snprintf (left, sizeof left, "-%c, --%s", o->short_name, o->name);
      else
        len = snprintf (left, sizeof left, "    --%s", o->name);
      if (o->arg != CMD_ARG_NONE && len > 0 && (size_t) len < sizeof left)
        snprintf (left + len, sizeof left - (size_t) len, " %s", o->metavar ? o->metavar : "VALUE");
      fprintf (out, "  %-32s %s%s\n", left, o->help, o->arg == CMD_ARG_LIST ? " (repeatable)" : "");
    }
  fprintf (out, "  %-32s %s\n", "-h, --help", "show this help");
}

int
cmd_refuse_unimplemented (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  return husk_error_set (err, "\"%s\" is not supported by this version of husk", a->cmd->name);
}
