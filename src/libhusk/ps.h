/* `husk ps` in runc's table format: ps(1) run on the host, filtered to
   the container's pids. */
#ifndef HUSK_PS_H
#define HUSK_PS_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Runs `ps ARGS` (ps from PATH; "-ef" when args is empty), as runc 1.1
   does, and returns in *table its header line and the lines whose PID
   column is one of pids (sorted ascending), each ending in "\n".  Errors:
   ps not found, ps failing (its first stderr line), a header without a
   PID column, a line whose PID column is not a number. */
int ps_table (char *const *args, const pid_t *pids, size_t n, char **table, struct husk_error **err);

/* The filtering step on ps's output, apart for unit tests. */
int ps_table_filter (const char *output, const pid_t *pids, size_t n, char **table,
                     struct husk_error **err);

#endif
