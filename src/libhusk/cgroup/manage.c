/* A container's cgroups by id: the state dir's record, then the driver. */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "manage.h"
#include "state.h"

static void
cgroup_freep (struct cgroup **c)
{
  cgroup_free (*c);
}
#define _cleanup_cgroup_ __attribute__ ((cleanup (cgroup_freep)))

static void
state_freep (struct husk_state **s)
{
  state_free (*s);
}
#define _cleanup_state_ __attribute__ ((cleanup (state_freep)))

int
cgroup_container_setup (int dirfd, const struct oci_config *c, const char *id, struct cgroup **out,
                        struct husk_error **err)
{
  const struct oci_linux *l = c->linux_;
  const struct oci_resources *res = l ? l->resources : NULL;
  *out = NULL;
  if (cgroup_resolve (l ? l->cgroups_path : NULL, id, out, err) < 0)
    return -1;
  /* Recorded before anything is made: see record.c. */
  if (cgroup_record_write (dirfd, *out, res, err) < 0 || cgroup_create (*out, err) < 0
      || cgroup_apply (*out, res, false, err) < 0 || cgroup_devices_apply (*out, res, l, err) < 0)
    return -1;
  return 0;
}

int
cgroup_container_remove (int dirfd, struct husk_error **err)
{
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  if (cgroup_record_read (dirfd, &cg, NULL, err) < 0)
    return -1;
  if (cg == NULL)
    return 0;
  return cgroup_destroy (cg, err);
}

bool
cgroup_container_paused (int dirfd)
{
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  struct husk_error *ignored = NULL;
  int r = cgroup_record_read (dirfd, &cg, NULL, &ignored);
  husk_error_free (ignored);
  return r == 0 && cg && cgroup_is_frozen (cg);
}

int
cgroup_container_kill_all (int dirfd, int sig, struct husk_error **err)
{
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  if (cgroup_record_read (dirfd, &cg, NULL, err) < 0)
    return -1;
  if (cg == NULL)
    return husk_error_set (err, "kill --all: the container has no cgroup record");
  return cgroup_kill_all (cg, sig, err);
}

/* Opens the container (lock: exclusive for changes) and its cgroups. */
static int
open_container (const char *root, const char *id, bool exclusive, int *rootfd, int *dirfd,
                struct husk_state **st, struct cgroup **cg, struct husk_error **err)
{
  if (state_root_open (root, false, rootfd, err) < 0 || state_open (*rootfd, id, exclusive, dirfd, err) < 0
      || state_read (*dirfd, id, st, err) < 0 || cgroup_record_read (*dirfd, cg, NULL, err) < 0)
    return -1;
  if (*cg == NULL)
    return husk_error_set (err, "container \"%s\" has no cgroups", id);
  return 0;
}

int
container_update (const char *root, const char *id, const struct oci_resources *res, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  if (open_container (root, id, true, &rootfd, &dirfd, &st, &cg, err) < 0)
    return -1;
  enum state_status s = state_status (dirfd, st);
  if (s == STATE_STOPPED)
    return husk_error_set (err, "cannot update container \"%s\" that is stopped", id);
  if (res->devices.n > 0)
    return husk_error_set (err, "linux.resources.devices: update does not change device rules");
  /* v2 derives swap.max from the limit: a swap update alone uses the
     recorded limit. */
  struct oci_resources with_limit = *res;
  struct oci_memory mem;
  _cleanup_cgroup_ struct cgroup *ignored = NULL;
  struct oci_resources *recorded = NULL;
  if (res->memory && res->memory->swap.set && !res->memory->limit.set
      && cgroup_record_read (dirfd, &ignored, &recorded, err) < 0)
    return -1;
  if (recorded && recorded->memory && recorded->memory->limit.set)
    {
      mem = *res->memory;
      mem.limit = recorded->memory->limit;
      with_limit.memory = &mem;
    }
  int ret = cgroup_apply (cg, &with_limit, true, err);
  oci_resources_free (recorded);
  if (ret < 0)
    return -1;
  return cgroup_record_update (dirfd, res, err);
}

int
container_freeze (const char *root, const char *id, bool freeze, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  if (open_container (root, id, true, &rootfd, &dirfd, &st, &cg, err) < 0)
    return -1;
  enum state_status s = state_status (dirfd, st);
  bool frozen = cgroup_is_frozen (cg);
  if (s == STATE_STOPPED)
    return husk_error_set (err, "cannot %s container \"%s\" that is stopped", freeze ? "pause" : "resume",
                           id);
  if (freeze && frozen)
    return husk_error_set (err, "container \"%s\" is already paused", id);
  if (!freeze && !frozen)
    return husk_error_set (err, "container \"%s\" is not paused", id);
  return cgroup_freeze (cg, freeze, err);
}

int
container_pids (const char *root, const char *id, pid_t **pids, size_t *n, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  if (open_container (root, id, false, &rootfd, &dirfd, &st, &cg, err) < 0)
    return -1;
  return cgroup_pids (cg, pids, n, err);
}

int
container_oom_kills (const char *root, const char *id, long long *n, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  if (open_container (root, id, false, &rootfd, &dirfd, &st, &cg, err) < 0)
    return -1;
  *n = cgroup_oom_kills (cg);
  return 0;
}

int
container_stats (const char *root, const char *id, char **json, bool *running, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  if (open_container (root, id, false, &rootfd, &dirfd, &st, &cg, err) < 0)
    return -1;
  enum state_status s = state_status (dirfd, st);
  *running = s != STATE_STOPPED;
  if (!*running)
    return husk_error_set (err, "container \"%s\" is not running", id);
  _cleanup_free_ char *data = NULL;
  if (cgroup_stats_json (cg, &data, err) < 0)
    return -1;
  /* id is a checked container id: no character needs escaping. */
  *json = xasprintf ("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}", id, data);
  return 0;
}
