/* husk exec: a new process in a created or running container. */
#ifndef HUSK_EXEC_H
#define HUSK_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The command line of `husk exec`, unparsed: libhusk reads the files. */
struct exec_opts
{
  const char *root;                /* --root */
  const char *id;                  /* already validated */
  const char *process_path;        /* --process: a process.json, or NULL */
  char *const *args;               /* the command after the id; NULL or empty: none */
  const char *cwd;                 /* --cwd */
  const char *const *env;          /* --env, appended (NULL-terminated, may be NULL) */
  bool tty, tty_set;               /* --tty given, and its value */
  const char *user;                /* --user UID[:GID] */
  const char *const *additional_gids; /* --additional-gids */
  const char *const *caps;         /* --cap, added to every set but ambient */
  bool no_new_privs;               /* --no-new-privs */
  const char *apparmor;            /* --apparmor: refused (no LSM support) */
  const char *process_label;       /* --process-label: refused */
  const char *const *cgroups;      /* --cgroup [CONTROLLER:]PATH */
  bool ignore_paused;
  bool detach;
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
};

/* The process is the container's config.json process (as create saw it)
   or the --process file, with the flags applied over it, as runc does.
   It joins every namespace of the container's init, its cgroup (or the
   --cgroup sub-cgroup), and runs in the container's root with its own
   cwd, env, user and capabilities.  Foreground: waits, forwarding
   signals, and gives the process's exit status in *exit_status (128+N when
   killed by signal N).  detach: returns once the process has exec'd,
   *exit_status = 0. */
int exec_run (const struct exec_opts *o, int *exit_status, struct husk_error **err);

#endif
