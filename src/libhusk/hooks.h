/* OCI hooks: one hook run with the state on stdin and a timeout; a list of
   hooks run with the failure rule of its kind. */
#ifndef HUSK_HOOKS_H
#define HUSK_HOOKS_H

#include <stdbool.h>

#include "error.h"
#include "oci_config.h"

enum hooks_kind
{
  HOOKS_PRESTART,
  HOOKS_CREATE_RUNTIME,
  HOOKS_CREATE_CONTAINER,
  HOOKS_START_CONTAINER,
  HOOKS_POSTSTART,
  HOOKS_POSTSTOP,
};

/* How many hooks of this kind the config has (hooks may be NULL). */
size_t hooks_count (const struct oci_hooks *hooks, enum hooks_kind kind);

/* Runs one hook: fork, execve (path, args, env) with state_json on stdin
   and its stdout on husk's stderr (husk's stdout belongs to the caller's
   protocol), and waits for it through a pidfd.  timeout: SIGKILL when it
   is over, which is a failure.  A hook that does not exit 0 fails.  The
   message starts with label (`hooks.prestart[0] "/bin/hook"`).  cwd: the
   hook's working directory (NULL: husk's own); a hook whose cwd cannot
   be entered fails. */
int hooks_run_one (const struct oci_hook *hook, const char *state_json, const char *cwd, const char *label,
                   struct husk_error **err);

/* Runs every hook of `kind`, in order, each with state_json on stdin.
   prestart, createRuntime, createContainer, startContainer: the first
   failure stops the list and is returned.  poststart and poststop (the
   runtime-spec's rule, where runc 1.1 differs): each failure is logged as
   a warning and the rest still run; 0 is returned.
   cwd, as runc 1.1 gives it (its hooks inherit runc's cwd, and runc's
   create and run chdir into the bundle): the bundle for prestart,
   createRuntime, poststart and poststop; root.path, on the host, for
   createContainer (runc chdirs there before it runs them);
   startContainer runs in the container with process.cwd. */
int hooks_run (const struct oci_hooks *hooks, enum hooks_kind kind, const char *state_json, const char *cwd,
               struct husk_error **err);

#endif
