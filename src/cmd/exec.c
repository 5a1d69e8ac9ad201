/* husk exec: run a new process in a running container. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exec.h"

static const struct cmd_option exec_options[] = {
  { "console-socket", 0, CMD_ARG_VALUE, "SOCK", "path to an AF_UNIX socket that receives the master end of the container's pseudoterminal" },
  { "cwd", 0, CMD_ARG_VALUE, "DIR", "working directory in the container" },
  { "env", 'e', CMD_ARG_LIST, "KEY=VALUE", "set an environment variable" },
  { "tty", 't', CMD_ARG_NONE, NULL, "allocate a pseudo-TTY" },
  { "user", 'u', CMD_ARG_VALUE, "UID[:GID]", "user and group to run as" },
  { "additional-gids", 'g', CMD_ARG_INT_LIST, "GID", "additional group id" },
  { "process", 'p', CMD_ARG_VALUE, "FILE", "path to a process.json" },
  { "detach", 'd', CMD_ARG_NONE, NULL, "return once the process has started" },
  { "pid-file", 0, CMD_ARG_VALUE, "FILE", "write the container process's host pid to FILE" },
  { "process-label", 0, CMD_ARG_VALUE, "LABEL", "SELinux label of the process" },
  { "apparmor", 0, CMD_ARG_VALUE, "PROFILE", "AppArmor profile of the process" },
  { "no-new-privs", 0, CMD_ARG_NONE, NULL, "set no_new_privs for the process" },
  { "cap", 'c', CMD_ARG_LIST, "CAP", "add a capability to the process" },
  { "preserve-fds", 0, CMD_ARG_INT, "N", "pass N additional file descriptors (3 .. 3+N-1) to the container" },
  { "cgroup", 0, CMD_ARG_LIST, "[CONTROLLER:]PATH", "run the process in an existing sub-cgroup" },
  { "ignore-paused", 0, CMD_ARG_NONE, NULL, "allow exec in a paused container" },
  { 0 },
};

/* Exits with the process's status (128+N when signal N killed it); when
   husk cannot start the process, 255, as runc 1.1 (its fatalWithCode for
   "exec failed"); a bad command line is 1, as runc's usage errors. */
enum { EXEC_FAILED = 255 };

static int
cmd_exec_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, -1, err) < 0)
    return -1;
  struct exec_opts o = {
    .root = g->root,
    .id = a->argv[0],
    .process_path = cmd_opt (a, "process"),
    .args = a->argv + 1,
    .cwd = cmd_opt (a, "cwd"),
    .env = cmd_opt_list (a, "env", NULL),
    .tty = cmd_flag (a, "tty"),
    .tty_set = cmd_flag (a, "tty"),  /* --tty=false: the base's value */
    .user = cmd_opt (a, "user"),
    .additional_gids = cmd_opt_list (a, "additional-gids", NULL),
    .caps = cmd_opt_list (a, "cap", NULL),
    .no_new_privs = cmd_flag (a, "no-new-privs"),
    .apparmor = cmd_opt (a, "apparmor"),
    .process_label = cmd_opt (a, "process-label"),
    .cgroups = cmd_opt_list (a, "cgroup", NULL),
    .ignore_paused = cmd_flag (a, "ignore-paused"),
    .detach = cmd_flag (a, "detach"),
    .pid_file = cmd_opt (a, "pid-file"),
    .console_socket = cmd_opt (a, "console-socket"),
  };
  if (cmd_opt_int (a, "preserve-fds", 0, INT_MAX - 3, &o.preserve_fds, err) < 0)
    return -1;
  int status = 0;
  if (exec_run (&o, &status, err) < 0)
    return EXEC_FAILED;
  return status;
}

const struct husk_command cmd_exec = {
  .name = "exec",
  .usage = "[options] <container-id> [command [args...]]",
  .summary = "run a new process in a running container",
  .takes_id = true,
  .no_reorder = true,
  .options = exec_options,
  .run = cmd_exec_run,
};
