/* husk restore: restore a container from a checkpoint (CRIU; not supported). */
#include <config.h>

#include "cmd.h"

static const struct cmd_option restore_options[] = {
  { "console-socket", 0, CMD_ARG_VALUE, "SOCK", "path to an AF_UNIX socket that receives the master end of the container's pseudoterminal" },
  { "image-path", 0, CMD_ARG_VALUE, "DIR", "path to criu image files" },
  { "work-path", 0, CMD_ARG_VALUE, "DIR", "path for criu work files and logs" },
  { "tcp-established", 0, CMD_ARG_NONE, NULL, "allow open tcp connections" },
  { "ext-unix-sk", 0, CMD_ARG_NONE, NULL, "allow external unix sockets" },
  { "shell-job", 0, CMD_ARG_NONE, NULL, "allow shell jobs" },
  { "file-locks", 0, CMD_ARG_NONE, NULL, "handle file locks" },
  { "manage-cgroups-mode", 0, CMD_ARG_VALUE, "MODE", "soft, full or strict" },
  { "bundle", 'b', CMD_ARG_VALUE, "DIR", "path to the bundle directory (default: the current directory)" },
  { "detach", 'd', CMD_ARG_NONE, NULL, "detach from the container" },
  { "pid-file", 0, CMD_ARG_VALUE, "FILE", "write the container process's host pid to FILE" },
  { "no-subreaper", 0, CMD_ARG_NONE, NULL, "do not use a subreaper" },
  { "no-pivot", 0, CMD_ARG_NONE, NULL, "do not use pivot_root to jail the process inside the rootfs" },
  { "empty-ns", 0, CMD_ARG_LIST, "NS", "create a namespace without restoring it" },
  { "auto-dedup", 0, CMD_ARG_NONE, NULL, "enable auto deduplication of memory images" },
  { "lazy-pages", 0, CMD_ARG_NONE, NULL, "use userfaultfd" },
  { "lsm-profile", 0, CMD_ARG_VALUE, "TYPE:NAME", "LSM profile for the restore" },
  { "lsm-mount-context", 0, CMD_ARG_VALUE, "CONTEXT", "LSM mount context" },
  { 0 },
};

const struct husk_command cmd_restore = {
  .name = "restore",
  .usage = "[options] <container-id>",
  .summary = "restore a container from a checkpoint (CRIU; not supported)",
  .takes_id = true,
  .options = restore_options,
  .run = cmd_refuse_unimplemented,
};
