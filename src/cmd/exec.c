/* husk exec: run a new process in a running container. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option exec_options[] = {
  { "console-socket", 0, CMD_ARG_VALUE, "SOCK", "path to an AF_UNIX socket that receives the master end of the container's pseudoterminal" },
  { "cwd", 0, CMD_ARG_VALUE, "DIR", "working directory in the container" },
  { "env", 'e', CMD_ARG_LIST, "KEY=VALUE", "set an environment variable" },
  { "tty", 't', CMD_ARG_NONE, NULL, "allocate a pseudo-TTY" },
  { "user", 'u', CMD_ARG_VALUE, "UID[:GID]", "user and group to run as" },
  { "additional-gids", 'g', CMD_ARG_LIST, "GID", "additional group id" },
  { "process", 'p', CMD_ARG_VALUE, "FILE", "path to a process.json" },
  { "detach", 'd', CMD_ARG_NONE, NULL, "return once the process has started" },
  { "pid-file", 0, CMD_ARG_VALUE, "FILE", "write the container process's host pid to FILE" },
  { "process-label", 0, CMD_ARG_VALUE, "LABEL", "SELinux label of the process" },
  { "apparmor", 0, CMD_ARG_VALUE, "PROFILE", "AppArmor profile of the process" },
  { "no-new-privs", 0, CMD_ARG_NONE, NULL, "set no_new_privs for the process" },
  { "cap", 'c', CMD_ARG_LIST, "CAP", "add a capability to the process" },
  { "preserve-fds", 0, CMD_ARG_VALUE, "N", "pass N additional file descriptors (3 .. 3+N-1) to the container" },
  { "cgroup", 0, CMD_ARG_LIST, "[CONTROLLER:]PATH", "run the process in an existing sub-cgroup" },
  { "ignore-paused", 0, CMD_ARG_NONE, NULL, "allow exec in a paused container" },
  { 0 },
};

const struct husk_command cmd_exec = {
  .name = "exec",
  .usage = "[options] <container-id> [command [args...]]",
  .summary = "run a new process in a running container",
  .takes_id = true,
  .options = exec_options,
  .run = cmd_refuse_unimplemented,
};
