/* linux.resources.pids: pids.max. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "resources.h"

int
cgroup_pids_apply (const struct cgroup *cg, int64_t limit, struct husk_error **err)
{
  const struct cgroup_dir *d = cgroup_res_need (cg, "pids", F "pids.limit", err);
  if (d == NULL)
    return -1;
  /* A negative value is no limit (0, unset, never comes here). */
  return cgroup_res_write_max (d, "pids.max", limit, F "pids.limit", err);
}
