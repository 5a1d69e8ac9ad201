/* Unit tests of the command-line layer: container id checks and the
   table-driven option parser (runc's spellings). */
#include <config.h>

#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "tap.h"

static int
id_ok (const char *id)
{
  struct husk_error *err = NULL;
  int r = container_id_check (id, &err);
  husk_error_free (err);
  return r == 0;
}

static const struct cmd_option opts[] = {
  { "bundle", 'b', CMD_ARG_VALUE, "DIR", "bundle" },
  { "detach", 'd', CMD_ARG_NONE, NULL, "detach" },
  { "env", 'e', CMD_ARG_LIST, "K=V", "env" },
  { 0 },
};

static int
dummy_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  return 0;
}

static const struct husk_command test_cmd = {
  .name = "test", .usage = "<id>", .summary = "test", .takes_id = true, .options = opts, .run = dummy_run,
};

static const struct husk_command test_exec = {
  .name = "exec", .usage = "<id>", .summary = "test", .takes_id = true, .no_reorder = true,
  .options = opts, .run = dummy_run,
};

/* Parses a NULL-terminated argument vector with `cmd`; returns cmd_parse's
   value. */
static int
parse_va (const struct husk_command *cmd, struct cmd_args *a, char **err_msg, const char *first, va_list ap)
{
  static char *argv[32];
  int argc = 0;
  for (const char *s = first; s && argc < 31; s = va_arg (ap, const char *))
    argv[argc++] = (char *) s;
  argv[argc] = NULL;
  struct husk_error *err = NULL;
  int r = cmd_parse (cmd, argc, argv, a, &err);
  *err_msg = err ? xstrdup (err->msg) : NULL;
  husk_error_free (err);
  return r;
}

static int
parse (struct cmd_args *a, char **err_msg, const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  int r = parse_va (&test_cmd, a, err_msg, first, ap);
  va_end (ap);
  return r;
}

static int
parse_cmd (const struct husk_command *cmd, struct cmd_args *a, char **err_msg, const char *first, ...)
{
  va_list ap;
  va_start (ap, first);
  int r = parse_va (cmd, a, err_msg, first, ap);
  va_end (ap);
  return r;
}

int
main (void)
{
  char long_ok[CONTAINER_ID_MAX + 1], long_bad[CONTAINER_ID_MAX + 2];
  memset (long_ok, 'a', CONTAINER_ID_MAX);
  long_ok[CONTAINER_ID_MAX] = '\0';
  memset (long_bad, 'a', CONTAINER_ID_MAX + 1);
  long_bad[CONTAINER_ID_MAX + 1] = '\0';

  tap_plan (31);
  tap_ok (id_ok ("abc-DEF_1.2+3"), "id: letters, digits and _+-. accepted");
  tap_ok (id_ok ("a..b"), "id: dots inside accepted");
  tap_ok (id_ok (long_ok), "id: 1024 bytes accepted");
  tap_ok (!id_ok (long_bad), "id: 1025 bytes refused");
  tap_ok (!id_ok (""), "id: empty refused");
  tap_ok (!id_ok ("."), "id: . refused");
  tap_ok (!id_ok (".."), "id: .. refused");
  tap_ok (!id_ok (".hidden"), "id: leading dot refused");
  tap_ok (!id_ok ("a/b") && !id_ok ("../x") && !id_ok ("/abs"), "id: slashes refused");
  tap_ok (!id_ok ("a b") && !id_ok ("a\nb") && !id_ok ("a\tb"), "id: whitespace refused");
  tap_ok (!id_ok ("caf\xc3\xa9") && !id_ok ("a:b") && !id_ok ("a*"), "id: unicode and punctuation refused");
  tap_ok (!id_ok (NULL), "id: NULL refused");

  struct cmd_args a;
  char *msg;
  int r = parse (&a, &msg, "test", "--bundle", "/b", "-d", "-e", "A=1", "--env=B=2", "ctr", NULL);
  tap_ok (r == 0 && strcmp (cmd_opt (&a, "bundle"), "/b") == 0, "--bundle VALUE");
  tap_ok (r == 0 && cmd_flag (&a, "detach"), "-d short flag");
  size_t n = 0;
  const char *const *env = cmd_opt_list (&a, "env", &n);
  tap_ok (r == 0 && n == 2 && strcmp (env[0], "A=1") == 0 && strcmp (env[1], "B=2") == 0,
          "repeatable --env keeps every value");
  tap_ok (r == 0 && a.argc == 1 && strcmp (a.argv[0], "ctr") == 0, "positional id after options");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "-bundle", "/single-dash", "--detach=false", "ctr", NULL);
  tap_ok (r == 0 && strcmp (cmd_opt (&a, "bundle"), "/single-dash") == 0, "Go-style single-dash long option");
  tap_ok (r == 0 && !cmd_flag (&a, "detach"), "--detach=false is false");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "--detach=maybe", "ctr", NULL);
  tap_ok (r < 0 && msg && strstr (msg, "invalid boolean value \"maybe\""), "bad boolean refused");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "--nope", "ctr", NULL);
  tap_ok (r < 0 && msg && strstr (msg, "--nope"), "unknown flag named in the error");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "--bundle", NULL);
  tap_ok (r < 0 && msg && strstr (msg, "--bundle"), "missing value refused");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "../evil", NULL);
  tap_ok (r < 0 && msg && strstr (msg, "invalid container id"), "bad id refused by the parser");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "--help", NULL);
  tap_ok (r == 1, "--help reported to the caller");
  cmd_args_free (&a);
  free (msg);

  /* runc 1.1 (urfave/cli's reorderArgs) takes a command's flags after its
     arguments too, but for exec and ps (SkipArgReorder). */
  r = parse (&a, &msg, "test", "ctr", "--bundle", "x", NULL);
  tap_ok (r == 0 && a.argc == 1 && strcmp (a.argv[0], "ctr") == 0 && cmd_opt (&a, "bundle")
          && strcmp (cmd_opt (&a, "bundle"), "x") == 0,
          "options after the id are options, as in runc");
  cmd_args_free (&a);
  free (msg);

  r = parse_cmd (&test_exec, &a, &msg, "exec", "ctr", "--bundle", "x", NULL);
  tap_ok (r == 0 && a.argc == 3 && cmd_opt (&a, "bundle") == NULL,
          "with no_reorder, the words after the id are arguments, as in runc's exec");
  cmd_args_free (&a);
  free (msg);

  /* A word that is not one of the command's flags stays in place; "--"
     goes before the words that stay. */
  r = parse (&a, &msg, "test", "ctr", "-9", NULL);
  tap_ok (r == 0 && a.argc == 2 && strcmp (a.argv[1], "-9") == 0, "an unknown dash word stays an argument");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "ctr", "--", "-d", "--bundle", "y", NULL);
  tap_ok (r == 0 && a.argc == 4 && strcmp (a.argv[0], "ctr") == 0 && strcmp (a.argv[1], "-d") == 0
          && cmd_opt (&a, "bundle") == NULL && !cmd_flag (&a, "detach"),
          "-- ends the options and is dropped");
  cmd_args_free (&a);
  free (msg);

  /* A word after a flag is its value unless it names a flag, whatever the
     flag: as runc, `-d ctr -b x` ends the flags at ctr. */
  r = parse (&a, &msg, "test", "-d", "ctr", "-b", "x", NULL);
  tap_ok (r == 0 && a.argc == 3 && cmd_flag (&a, "detach") && cmd_opt (&a, "bundle") == NULL,
          "a boolean flag takes the next word along when reordering");
  cmd_args_free (&a);
  free (msg);

  /* Go's flag package: no abbreviations, no grouped short flags. */
  r = parse (&a, &msg, "test", "--bund", "x", "ctr", NULL);
  tap_ok (r < 0 && msg && strstr (msg, "flag provided but not defined: --bund"), "no abbreviations");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "-de", "A=B", "ctr", NULL);
  tap_ok (r < 0 && msg && strstr (msg, "-de"), "no grouped short flags");
  cmd_args_free (&a);
  free (msg);

  r = parse (&a, &msg, "test", "-bundle=x", "--e", "A", "-e=B", "ctr", NULL);
  tap_ok (r == 0 && strcmp (cmd_opt (&a, "bundle"), "x") == 0 && a.list_len[2] == 2,
          "one or two dashes, -name=value, short names with two dashes");
  cmd_args_free (&a);
  free (msg);

  return tap_done ();
}
