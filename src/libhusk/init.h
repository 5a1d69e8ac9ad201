/* The container init: the child of clone3 that sets the container up,
   waits for `start`, and execs the container's process. */
#ifndef HUSK_INIT_H
#define HUSK_INIT_H

#include <stdbool.h>

#include "oci_config.h"
#include "namespaces.h"

struct seccomp_program;
struct cgroup;

struct init_args
{
  const struct oci_config *config;
  const char *rootfs;              /* absolute, resolved root.path */
  const char *bundle;              /* absolute bundle dir */
  const char *id;                  /* names the session keyring */
  bool no_pivot;
  bool no_new_keyring;
  int clone_flags;                 /* the CLONE_NEW* kinds made new */
  const struct namespaces_plan *ns; /* linux.namespaces, paths opened */
  int sync_fd;                     /* the child's end of the sync socketpair */
  int state_fd;                    /* O_PATH fd of the state dir (exec.fifo) */
  int keep_fds;                    /* fds 3..3+keep_fds-1 go to the container */
  char **argv;                     /* process.args, NULL-terminated */
  char **env;                      /* the container's env, NULL-terminated */
  const struct seccomp_program *seccomp;  /* compiled by the parent; NULL: none */
  const struct cgroup *cgroup;     /* made and limited by the parent; joined by the init */
  bool in_v2_cgroup;               /* set in the init: clone3 put it in the unified cgroup */
  const char *config_json;         /* the bytes of config.json that were parsed */
  size_t config_json_len;
};

/* Runs in the child and never returns: on a setup failure the message goes
   to the parent as SYNC_ERROR and the child exits 1; after `start`, a
   failing execve writes its message into exec.fifo for `start` to report,
   and the child exits 127. */
_Noreturn void init_run (const struct init_args *a);

#endif
