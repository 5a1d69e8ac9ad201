/* Command-line parsing shared by every command: one option table per
   command drives the parser (runc's: urfave/cli v1 over Go's flag
   package), --help and the value lookups. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
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

/* Go's strconv.ParseBool, which runc's flags use for --flag=VALUE. */
static int
parse_bool (const char *flag, int flag_len, const char *v, const char **out, struct husk_error **err)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
    if (v == NULL || strcmp (v, yes[i]) == 0)
      {
        *out = "true";
        return 0;
      }
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    if (strcmp (v, no[i]) == 0)
      {
        *out = NULL;
        return 0;
      }
  return husk_error_set (err, "invalid boolean value \"%s\" for flag %.*s", v, flag_len, flag);
}

/* Go's strconv.ParseInt (s, 0, 64), as runc's IntFlag reads a value:
   decimal, 0x hex or 0 octal, with an optional sign. */
static int
parse_int (const char *flag, int flag_len, const char *v, struct husk_error **err)
{
  char *end;
  errno = 0;
  (void) strtoll (v, &end, 0);
  if (*v == '\0' || *end != '\0' || errno != 0 || isspace ((unsigned char) *v))
    return husk_error_set (err, "invalid value \"%s\" for flag %.*s: parse error", v, flag_len, flag);
  return 0;
}

/* The option of the table named `name` (long or short), or n. */
static size_t
option_lookup (const struct husk_command *cmd, size_t n, const char *name, size_t len)
{
  for (size_t i = 0; i < n; i++)
    {
      const struct cmd_option *o = &cmd->options[i];
      if ((strlen (o->name) == len && strncmp (o->name, name, len) == 0)
          || (o->short_name && len == 1 && *name == o->short_name))
        return i;
    }
  return n;
}

static bool
is_help (const char *name, size_t len)
{
  return (len == 4 && strncmp (name, "help", 4) == 0) || (len == 1 && *name == 'h');
}

/* urfave/cli's argIsFlag: a word that names one of the command's flags
   (or help), with one or two dashes, with or without "=value". */
static bool
names_a_flag (const struct husk_command *cmd, size_t n, const char *arg)
{
  if (arg[0] != '-' || strcmp (arg, "-") == 0 || strcmp (arg, "--") == 0)
    return false;
  const char *name = arg + (arg[1] == '-' ? 2 : 1);
  size_t len = strcspn (name, "=");
  return option_lookup (cmd, n, name, len) < n || is_help (name, len);
}

/* urfave/cli v1's reorderArgs (1.22.9, which Debian's runc 1.1.5 and runc
   1.2 are built with), run for every command but exec and ps: the
   command's flags move before the other words, so `husk update ID
   --memory 64m` reads as `husk update --memory 64m ID`.  A word after a
   flag without "=" moves with it as its value unless it names a flag
   itself, whatever the flag is (so, as with runc, `run -d ID -b DIR` ends
   its flags at ID); a word that looks like a flag but is not one of the
   command's stays in place (`kill ID -9`: the signal "-9"); a "--" moves
   to the front of the words that stay, followed by everything after it. */
static void
reorder_args (const struct husk_command *cmd, size_t n, int argc, char **argv)
{
  char **flags = xcalloc ((size_t) argc + 1, sizeof *flags);
  char **rest = xcalloc ((size_t) argc + 1, sizeof *rest);
  int nf = 0, nr = 0;
  bool value_next = false;
  for (int i = 0; i < argc; i++)
    {
      char *arg = argv[i];
      bool flag = names_a_flag (cmd, n, arg);
      if (value_next && !flag)
        {
          value_next = false;
          flags[nf++] = arg;
        }
      else if (strcmp (arg, "--") == 0)
        {
          memmove (rest + 1, rest, (size_t) nr * sizeof *rest);
          rest[0] = arg;
          nr++;
          while (++i < argc)
            rest[nr++] = argv[i];
        }
      else if (flag)
        {
          flags[nf++] = arg;
          value_next = strchr (arg, '=') == NULL;
        }
      else
        rest[nr++] = arg;
    }
  memcpy (argv, flags, (size_t) nf * sizeof *argv);
  memcpy (argv + nf, rest, (size_t) nr * sizeof *argv);
  free (flags);
  free (rest);
}

/* Go's flag package, as urfave/cli v1 drives it for runc: "-name" and
   "--name" alike, "-name=value" or "-name value" (a value may start with
   "-"), booleans as "-name" or "-name=true|false"; no abbreviations and no
   grouped short flags.  Flags end at the first word that is not one ("-"
   is not), or after "--". */
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

  argc--;
  argv++;
  if (!cmd->no_reorder)
    reorder_args (cmd, n, argc, argv);
  const char *help = NULL;
  int i = 0;
  for (; i < argc; i++)
    {
      const char *arg = argv[i];
      if (arg[0] != '-' || arg[1] == '\0')
        break;
      if (strcmp (arg, "--") == 0)
        {
          i++;
          break;
        }
      const char *name = arg + (arg[1] == '-' ? 2 : 1);
      if (*name == '\0' || *name == '-' || *name == '=')
        return husk_error_set (err, "%s: bad flag syntax: %s", cmd->name, arg);
      const char *eq = strchr (name, '=');
      size_t len = eq ? (size_t) (eq - name) : strlen (name);
      const char *value = eq ? eq + 1 : NULL;
      int flag_len = (int) (name - arg + (ptrdiff_t) len); /* the flag as written, without "=..." */
      size_t k = option_lookup (cmd, n, name, len);
      if (k == n && is_help (name, len))
        {
          if (parse_bool (arg, flag_len, value, &help, err) < 0)
            return -1;
          continue;
        }
      if (k == n)
        return husk_error_set (err, "%s: flag provided but not defined: %.*s", cmd->name, flag_len, arg);
      const struct cmd_option *o = &cmd->options[k];
      if (o->arg == CMD_ARG_NONE)
        {
          if (parse_bool (arg, flag_len, value, &a->values[k], err) < 0)
            return -1;
          continue;
        }
      if (value == NULL)
        {
          if (i + 1 >= argc)
            return husk_error_set (err, "%s: flag needs an argument: %.*s", cmd->name, flag_len, arg);
          value = argv[++i];
        }
      if ((o->arg == CMD_ARG_INT || o->arg == CMD_ARG_INT_LIST) && parse_int (arg, flag_len, value, err) < 0)
        return -1;
      if (o->arg == CMD_ARG_LIST || o->arg == CMD_ARG_INT_LIST)
        {
          a->lists[k] = xrealloc (a->lists[k], (a->list_len[k] + 2) * sizeof (char *));
          a->lists[k][a->list_len[k]++] = value;
          a->lists[k][a->list_len[k]] = NULL;
        }
      a->values[k] = value;
    }
  a->argc = argc - i;
  a->argv = argv + i;
  if (help)
    return 1;
  if (cmd->takes_id && a->argc >= 1 && container_id_check (a->argv[0], err) < 0)
    return -1;
  return 0;
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
cmd_opt_int (const struct cmd_args *a, const char *name, int min, int max, int *out, struct husk_error **err)
{
  const char *s = cmd_opt (a, name);
  if (s == NULL)
    return 0;
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 0);
  if (errno || *end || end == s || v < min || v > max)
    return husk_error_set (err, "--%s: invalid number \"%s\"", name, s);
  *out = (int) v;
  return 0;
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
        return husk_error_set (err, "\"%s\" requires a minimum of %d argument(s): husk %s %s",
                               cmd->name, min, cmd->name, cmd->usage);
      return husk_error_set (err, "\"%s\" requires a maximum of %d argument(s): husk %s %s", cmd->name,
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
      fprintf (out, "  %-32s %s%s\n", left, o->help, o->arg == CMD_ARG_LIST || o->arg == CMD_ARG_INT_LIST ? " (repeatable)" : "");
    }
  fprintf (out, "  %-32s %s\n", "-h, --help", "show this help");
}

int
cmd_refuse_unimplemented (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  return husk_error_set (err, "\"%s\" is not supported by this version of husk", a->cmd->name);
}
