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
devices_freep (struct cgroup_devices **d)
{
  cgroup_devices_free (*d);
}
#define _cleanup_devices_ __attribute__ ((cleanup (devices_freep)))

int
cgroup_container_setup (int dirfd, const struct oci_config *c, const char *id, struct cgroup **out,
                        struct husk_error **err)
{
  const struct oci_linux *l = c->linux_;
  const struct oci_resources *res = l ? l->resources : NULL;
  _cleanup_devices_ struct cgroup_devices *dev = NULL;
  *out = NULL;
  if (cgroup_devices_build (res, &dev, err) < 0)
    return husk_error_wrap (err, "config.json");
  if (cgroup_resolve (l ? l->cgroups_path : NULL, id, out, err) < 0)
    return -1;
  /* Recorded before anything is made: see record.c. */
  if (cgroup_record_write (dirfd, *out, res, err) < 0 || cgroup_create (*out, err) < 0
      || cgroup_apply (*out, res, false, err) < 0 || cgroup_devices_apply (*out, dev, NULL, err) < 0)
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

/* A container opened by id for a command on its cgroups: the state root
   and dir (locked: exclusively for changes), its state, its cgroups and,
   when asked for, the recorded resources (NULL when none were). */
struct opened
{
  int rootfd, dirfd;
  struct husk_state *st;
  struct cgroup *cg;
  struct oci_resources *res;
};

static void
opened_close (struct opened *o)
{
  oci_resources_free (o->res);
  cgroup_free (o->cg);
  state_free (o->st);
  if (o->dirfd >= 0)
    close (o->dirfd);
  if (o->rootfd >= 0)
    close (o->rootfd);
}
#define _cleanup_opened_ __attribute__ ((cleanup (opened_close)))
#define OPENED_INIT { .rootfd = -1, .dirfd = -1, .st = NULL, .cg = NULL, .res = NULL }

static int
open_container (const char *root, const char *id, bool exclusive, bool with_resources, struct opened *o,
                struct husk_error **err)
{
  if (state_root_open (root, false, &o->rootfd, err) < 0 || state_open (o->rootfd, id, exclusive, &o->dirfd, err) < 0
      || state_read (o->dirfd, id, &o->st, err) < 0
      || cgroup_record_read (o->dirfd, &o->cg, with_resources ? &o->res : NULL, err) < 0)
    return -1;
  if (o->cg == NULL)
    return husk_error_set (err, "container \"%s\" has no cgroups", id);
  return 0;
}

int
container_update (const char *root, const char *id, const struct oci_resources *res, struct husk_error **err)
{
  _cleanup_opened_ struct opened c = OPENED_INIT;
  if (open_container (root, id, true, true, &c, err) < 0)
    return -1;
  enum state_status s = state_status (c.dirfd, c.st);
  if (s == STATE_STOPPED)
    return husk_error_set (err, "cannot update container \"%s\" that is stopped: container not running", id);
  /* Devices are replaced as a whole (CRI sends them with every update):
     checked before anything changes, compared with the recorded ones. */
  _cleanup_devices_ struct cgroup_devices *dev = NULL, *cur = NULL;
  if (res->devices.n > 0 && cgroup_devices_build (res, &dev, err) < 0)
    return husk_error_wrap (err, "--resources");
  if (dev && cgroup_devices_build (c.res, &cur, err) < 0)
    return -1;
  /* A member 0 is one left as it is (runc's update; the containerd shim
     sends 0 for every member not given). */
  _cleanup_resources_ struct oci_resources *upd = cgroup_resources_copy_set (res);
  if (c.res)
    cgroup_resources_drop_unset (c.res);
  /* v2 derives swap.max from the limit: a swap update alone uses the
     recorded limit. */
  struct oci_resources with_limit = *upd;
  struct oci_memory mem;
  if (upd->memory && upd->memory->swap.set && !upd->memory->limit.set && c.res && c.res->memory
      && c.res->memory->limit.set)
    {
      mem = *upd->memory;
      mem.limit = c.res->memory->limit;
      with_limit.memory = &mem;
    }
  if (cgroup_apply (c.cg, &with_limit, true, err) < 0)
    return -1;
  if (dev && cgroup_devices_apply (c.cg, dev, cur, err) < 0)
    return -1;
  return cgroup_record_update (c.dirfd, upd, err);
}

int
container_freeze (const char *root, const char *id, bool freeze, struct husk_error **err)
{
  _cleanup_opened_ struct opened c = OPENED_INIT;
  if (open_container (root, id, true, false, &c, err) < 0)
    return -1;
  enum state_status s = state_status (c.dirfd, c.st);
  bool frozen = cgroup_is_frozen (c.cg);
  if (s == STATE_STOPPED)
    return husk_error_set (err, "cannot %s container \"%s\" that is stopped: container not running",
                           freeze ? "pause" : "resume", id);
  if (freeze && frozen)
    return husk_error_set (err, "container \"%s\" is already paused", id);
  if (!freeze && !frozen)
    return husk_error_set (err, "container \"%s\" is not paused", id);
  return cgroup_freeze (c.cg, freeze, err);
}

int
container_pids (const char *root, const char *id, pid_t **pids, size_t *n, struct husk_error **err)
{
  _cleanup_opened_ struct opened c = OPENED_INIT;
  if (open_container (root, id, false, false, &c, err) < 0)
    return -1;
  return cgroup_pids (c.cg, pids, n, err);
}

int
container_oom_kills (const char *root, const char *id, long long *n, struct husk_error **err)
{
  _cleanup_opened_ struct opened c = OPENED_INIT;
  if (open_container (root, id, false, false, &c, err) < 0)
    return -1;
  *n = cgroup_oom_kills (c.cg);
  return 0;
}

int
container_stats (const char *root, const char *id, char **json, bool *running, struct husk_error **err)
{
  _cleanup_opened_ struct opened c = OPENED_INIT;
  if (open_container (root, id, false, false, &c, err) < 0)
    return -1;
  enum state_status s = state_status (c.dirfd, c.st);
  *running = s != STATE_STOPPED;
  if (!*running)
    return husk_error_set (err, "container \"%s\" is not running", id);
  _cleanup_free_ char *data = NULL;
  if (cgroup_stats_json (c.cg, &data, err) < 0)
    return -1;
  /* id is a checked container id: no character needs escaping. */
  *json = xasprintf ("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}", id, data);
  return 0;
}
