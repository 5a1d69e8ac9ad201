/* husk's entry point: global options, then one command from the table. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "cmd.h"
#include "trace.h"

static const struct cmd_option global_options[] = {
  { "root", 0, CMD_ARG_VALUE, "DIR", "directory for container state (default: " HUSK_DEFAULT_ROOT ")" },
  { "log", 0, CMD_ARG_VALUE, "FILE", "also write log entries to FILE" },
  { "log-format", 0, CMD_ARG_VALUE, "text|json", "format of the log file (default: text)" },
  { "debug", 0, CMD_ARG_NONE, NULL, "enable debug logging" },
  { "trace", 0, CMD_ARG_NONE, NULL, "print the time of each phase on stderr (HUSK_TRACE=FILE: as JSON lines)" },
  { "systemd-cgroup", 0, CMD_ARG_NONE, NULL, "use systemd for cgroups (not supported yet: refused)" },
  { "cgroup-manager", 0, CMD_ARG_VALUE, "cgroupfs|systemd|disabled",
    "cgroup manager, as crun's option (only cgroupfs is supported yet)" },
  { "rootless", 0, CMD_ARG_VALUE, "true|false|auto", "rootless mode (only false and auto are supported yet)" },
  { "criu", 0, CMD_ARG_VALUE, "PATH", "criu binary (accepted; checkpoint/restore are not supported)" },
  { "version", 'v', CMD_ARG_NONE, NULL, "print the version" },
  { 0 },
};

/* The global options are parsed by the same table-driven code as every
   command's, through this pseudo-command. */
static const struct husk_command husk_global = {
  .name = "global options",
  .usage = "[global options] COMMAND [options] [arguments]",
  .summary = "husk: an OCI container runtime",
  .options = global_options,
  .no_reorder = true, /* the first positional word is the command */
};

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: husk [global options] COMMAND [options] [arguments]\n\n"
           "husk is an OCI container runtime: it runs a bundle (config.json and a root\n"
           "filesystem) as an isolated container. Its command line is runc's.\n\nCommands:\n");
  for (size_t i = 0; husk_commands[i]; i++)
    fprintf (out, "  %-12s %s\n", husk_commands[i]->name, husk_commands[i]->summary);
  fprintf (out, "\nGlobal options:\n");
  for (const struct cmd_option *o = global_options; o->name; o++)
    {
      char left[64];
      if (o->short_name)
        snprintf (left, sizeof left, "-%c, --%s", o->short_name, o->name);
      else
        snprintf (left, sizeof left, "    --%s%s%s", o->name, o->metavar ? " " : "",
                  o->metavar ? o->metavar : "");
      fprintf (out, "  %-30s %s\n", left, o->help);
    }
  fprintf (out, "  %-30s %s\n", "-h, --help", "show this help");
  fprintf (out, "\nRun 'husk COMMAND --help' for a command's options.\n");
}

static void
print_version (void)
{
  const struct scmp_version *sv = seccomp_version ();
  printf ("husk version %s\ncommit: %s\nspec: %s\n", PACKAGE_VERSION, HUSK_COMMIT, HUSK_OCI_VERSION);
  printf ("libseccomp: %u.%u.%u\n", sv->major, sv->minor, sv->micro);
  printf ("features: +SECCOMP +CAP +YAJL %s\n",
#ifdef HUSK_STATIC
          "+STATIC"
#else
          "-STATIC"
#endif
  );
}

static int
parse_globals (int argc, char **argv, struct husk_globals *g, int *next, struct husk_error **err)
{
  struct cmd_args a;
  int ret = cmd_parse (&husk_global, argc, argv, &a, err);
  if (ret == 1)
    {
      cmd_args_free (&a);
      return 1;
    }
  if (ret < 0)
    {
      cmd_args_free (&a);
      return ret;
    }
  *next = argc - a.argc;
  g->root = cmd_opt (&a, "root") ? cmd_opt (&a, "root") : HUSK_DEFAULT_ROOT;
  g->log = cmd_opt (&a, "log");
  g->debug = cmd_flag (&a, "debug");
  g->trace = cmd_flag (&a, "trace");
  g->systemd_cgroup = cmd_flag (&a, "systemd-cgroup");
  g->cgroup_manager = cmd_opt (&a, "cgroup-manager");
  g->rootless = cmd_opt (&a, "rootless");
  g->criu = cmd_opt (&a, "criu");
  const char *fmt = cmd_opt (&a, "log-format");
  if (fmt && log_format_parse (fmt, &g->log_format) < 0)
    ret = husk_error_set (err, "--log-format: unknown format \"%s\" (text or json)", fmt);
  else if (g->rootless && strcmp (g->rootless, "auto") != 0 && strcmp (g->rootless, "false") != 0
           && strcmp (g->rootless, "true") != 0)
    ret = husk_error_set (err, "--rootless: invalid value \"%s\" (true, false or auto)", g->rootless);
  else if (g->cgroup_manager && strcmp (g->cgroup_manager, "cgroupfs") != 0
           && strcmp (g->cgroup_manager, "systemd") != 0 && strcmp (g->cgroup_manager, "disabled") != 0)
    ret = husk_error_set (err, "--cgroup-manager: invalid value \"%s\" (cgroupfs, systemd or disabled)",
                          g->cgroup_manager);
  else if (*g->root == '\0')
    ret = husk_error_set (err, "--root: must not be empty");
  else if (cmd_flag (&a, "version"))
    {
      print_version ();
      ret = 2;
    }
  cmd_args_free (&a);
  return ret;
}

/* Options husk accepts but cannot honour yet: refused for every command
   that would depend on them, never ignored. */
static int
check_unsupported_globals (const struct husk_globals *g, const struct husk_command *cmd,
                           struct husk_error **err)
{
  bool needs_runtime = strcmp (cmd->name, "spec") != 0 && strcmp (cmd->name, "features") != 0;
  if (!needs_runtime)
    return 0;
  if (g->systemd_cgroup || (g->cgroup_manager && strcmp (g->cgroup_manager, "systemd") == 0))
    return husk_error_set (err, "%s: the systemd cgroup driver is not supported yet",
                           g->systemd_cgroup ? "--systemd-cgroup" : "--cgroup-manager=systemd");
  /* podman passes it for `run --cgroups=disabled` to the runtimes named in
     runtime_supports_nocgroups. */
  if (g->cgroup_manager && strcmp (g->cgroup_manager, "disabled") == 0)
    return husk_error_set (err, "--cgroup-manager=disabled: containers without a cgroup are not supported yet");
  if (g->rootless && strcmp (g->rootless, "true") == 0)
    return husk_error_set (err, "--rootless=true: rootless containers are not supported yet");
  return 0;
}

int
main (int argc, char **argv)
{
  struct husk_globals g = { 0 };
  struct husk_error *err = NULL;
  int next = 0;

  int ret = parse_globals (argc, argv, &g, &next, &err);
  if (ret == 1)
    {
      /* husk --help */
      print_usage (stdout);
      return 0;
    }
  if (ret == 2)
    return 0;
  if (ret == 0 && log_init (g.log, g.log_format, g.debug, &err) < 0)
    ret = -1;
  if (ret < 0)
    goto fail;

  if (next >= argc)
    {
      print_usage (stderr);
      return 1;
    }
  const char *name = argv[next];
  if (strcmp (name, "help") == 0 || strcmp (name, "h") == 0)
    {
      const struct husk_command *c = next + 1 < argc ? cmd_find (argv[next + 1]) : NULL;
      if (c)
        cmd_print_help (c, stdout);
      else
        print_usage (stdout);
      return 0;
    }
  const struct husk_command *cmd = cmd_find (name);
  if (cmd == NULL)
    {
      husk_error_set (&err, "unknown command \"%s\" (see husk --help)", name);
      goto fail;
    }

  struct cmd_args a;
  ret = cmd_parse (cmd, argc - next, argv + next, &a, &err);
  if (ret == 1)
    {
      cmd_print_help (cmd, stdout);
      cmd_args_free (&a);
      return 0;
    }
  if (ret == 0)
    ret = check_unsupported_globals (&g, cmd, &err);
  /* Only now, so that --help and bad usage are never traced. */
  if (ret == 0 && (g.trace || getenv ("HUSK_TRACE")))
    ret = trace_init (cmd->name, g.trace, getenv ("HUSK_TRACE"), &err);
  /* A command returns its exit status (run: the container's), or -1; or
     a status with *err for a failure that is not exit 1 (exec's 255). */
  if (ret == 0)
    ret = cmd->run (&g, &a, &err);
  cmd_args_free (&a);
  trace_report ();
  if (ret == 0 || (ret > 0 && err == NULL))
    return ret;

fail:
  log_error ("%s", err ? err->msg : "unknown error");
  husk_error_free (err);
  return ret > 0 ? ret : 1;
}
