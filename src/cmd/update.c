/* husk update: update the resource limits of a container. */
#include <config.h>

#include "cmd.h"

static const struct cmd_option update_options[] = {
  { "resources", 'r', CMD_ARG_VALUE, "FILE", "JSON file of linux.resources to apply (\"-\" for stdin)" },
  { "blkio-weight", 0, CMD_ARG_VALUE, "N", "block IO weight (10..1000)" },
  { "cpu-period", 0, CMD_ARG_VALUE, "USECS", "CPU CFS period" },
  { "cpu-quota", 0, CMD_ARG_VALUE, "USECS", "CPU CFS quota" },
  { "cpu-share", 0, CMD_ARG_VALUE, "N", "CPU shares" },
  { "cpu-rt-period", 0, CMD_ARG_VALUE, "USECS", "CPU realtime period" },
  { "cpu-rt-runtime", 0, CMD_ARG_VALUE, "USECS", "CPU realtime runtime" },
  { "cpuset-cpus", 0, CMD_ARG_VALUE, "LIST", "CPUs to use" },
  { "cpuset-mems", 0, CMD_ARG_VALUE, "LIST", "memory nodes to use" },
  { "kernel-memory", 0, CMD_ARG_VALUE, "BYTES", "kernel memory limit (deprecated, refused)" },
  { "kernel-memory-tcp", 0, CMD_ARG_VALUE, "BYTES", "kernel TCP memory limit (deprecated, refused)" },
  { "memory", 0, CMD_ARG_VALUE, "BYTES", "memory limit" },
  { "memory-reservation", 0, CMD_ARG_VALUE, "BYTES", "memory soft limit" },
  { "memory-swap", 0, CMD_ARG_VALUE, "BYTES", "memory plus swap limit (-1: unlimited)" },
  { "pids-limit", 0, CMD_ARG_VALUE, "N", "maximum number of pids" },
  { "l3-cache-schema", 0, CMD_ARG_VALUE, "SCHEMA", "Intel RDT L3 cache schema" },
  { "mem-bw-schema", 0, CMD_ARG_VALUE, "SCHEMA", "Intel RDT memory bandwidth schema" },
  { 0 },
};

const struct husk_command cmd_update = {
  .name = "update",
  .usage = "[options] <container-id>",
  .summary = "update the resource limits of a container",
  .takes_id = true,
  .options = update_options,
  .run = cmd_refuse_unimplemented,
};
