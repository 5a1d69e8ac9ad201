/* The container lifecycle: create, start, run, state, kill, delete, list. */
#ifndef HUSK_CONTAINER_H
#define HUSK_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_config.h"
#include "state.h"

struct container_create_opts
{
  const char *root;                /* --root */
  const char *id;                  /* already validated */
  const char *bundle;              /* NULL: the current directory */
  const char *pid_file;
  const char *console_socket;
  int preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool foreground;                 /* husk run without --detach: with
                                      process.terminal and no console
                                      socket, husk keeps the pty master and
                                      proxies it to its own terminal */
};

/* Every config member husk does not apply yet is refused, naming it
   (`config.json: linux.resources: not supported yet`); never ignored. */
/* Where the compiled seccomp programs are cached (seccomp_compile): a
   directory husk owns, never inside a --root the caller gave, where it
   would outlive the containers (containerd's /run/containerd/runc/<ns>):
   /run/husk/.seccomp-cache for root, $XDG_RUNTIME_DIR/husk/.seccomp-cache
   for another user, NULL (no cache) without an absolute XDG_RUNTIME_DIR.
   The name starts with ".", which no container id does, so that it never
   meets a container's state dir under the default --root, /run/husk. */
char *container_seccomp_cache_dir (void);

int container_check_supported (const struct oci_config *c, struct husk_error **err);

/* Parses and checks <bundle>/config.json, makes the state dir, clones the
   init and returns once the init waits on exec.fifo.  *pid: the init's
   host pid; *pty: with opts->foreground and process.terminal, the pty
   master (else -1).  On failure nothing is left behind. */
int container_create (const struct container_create_opts *o, int *pid, int *pty,
                      struct husk_error **err);

int container_start (const char *root, const char *id, struct husk_error **err);

/* create + start; in the foreground, waits, forwards signals, proxies the
   terminal, and deletes the container (unless keep).  *exit_status: the
   container's (128+N when killed by signal N), 0 with detach. */
int container_run (const struct container_create_opts *o, bool detach, bool keep,
                   bool no_subreaper, int *exit_status, struct husk_error **err);

/* The state JSON, pretty, for `husk state`. */
int container_state (const char *root, const char *id, char **json, struct husk_error **err);

/* sig: a signal number.  all: every process of the container. */
int container_kill (const char *root, const char *id, int sig, bool all, struct husk_error **err);

int container_delete (const char *root, const char *id, bool force, struct husk_error **err);

/* Every container under root, sorted by id.  Free with container_list_free. */
struct container_list
{
  struct husk_state **states;
  enum state_status *status;
  size_t n;
};
int container_list (const char *root, struct container_list *out, struct husk_error **err);
void container_list_free (struct container_list *l);

#endif
