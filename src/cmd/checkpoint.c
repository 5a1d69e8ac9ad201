/* husk checkpoint: checkpoint a running container (CRIU; not supported). */
#include <config.h>

#include "cmd.h"

static const struct cmd_option checkpoint_options[] = {
  { "image-path", 0, CMD_ARG_VALUE, "DIR", "path for the criu image files" },
  { "work-path", 0, CMD_ARG_VALUE, "DIR", "path for criu work files and logs" },
  { "parent-path", 0, CMD_ARG_VALUE, "DIR", "path of previous criu image files in pre-dump" },
  { "leave-running", 0, CMD_ARG_NONE, NULL, "leave the process running" },
  { "tcp-established", 0, CMD_ARG_NONE, NULL, "allow open tcp connections" },
  { "ext-unix-sk", 0, CMD_ARG_NONE, NULL, "allow external unix sockets" },
  { "shell-job", 0, CMD_ARG_NONE, NULL, "allow shell jobs" },
  { "lazy-pages", 0, CMD_ARG_NONE, NULL, "use userfaultfd to restore memory lazily" },
  { "status-fd", 0, CMD_ARG_INT, "FD", "fd criu writes to once lazy-pages is ready" },
  { "page-server", 0, CMD_ARG_VALUE, "ADDRESS:PORT", "criu page server" },
  { "file-locks", 0, CMD_ARG_NONE, NULL, "handle file locks" },
  { "pre-dump", 0, CMD_ARG_NONE, NULL, "dump memory only" },
  { "manage-cgroups-mode", 0, CMD_ARG_VALUE, "MODE", "soft, full or strict" },
  { "empty-ns", 0, CMD_ARG_LIST, "NS", "create a namespace without restoring it" },
  { "auto-dedup", 0, CMD_ARG_NONE, NULL, "enable auto deduplication of memory images" },
  { 0 },
};

const struct husk_command cmd_checkpoint = {
  .name = "checkpoint",
  .usage = "[options] <container-id>",
  .summary = "checkpoint a running container (CRIU; not supported)",
  .takes_id = true,
  .options = checkpoint_options,
  .run = cmd_refuse_unimplemented,
};
