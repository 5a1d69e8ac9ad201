/* The parent/child protocol of `create`: typed messages over a socketpair. */
#ifndef HUSK_SYNC_H
#define HUSK_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Every message is a fixed header {kind, len} followed by len bytes of
   text (SOCK_SEQPACKET keeps each message whole).  The kinds, in the order
   they travel during a create:
     parent -> child  SYNC_RECORDED   the init's pid is in state.json: go on
                                      (a husk killed before this leaves a
                                      child that sees EOF and exits)
     child -> parent  SYNC_PTY        the pty master, as SCM_RIGHTS
     child -> parent  SYNC_READY      setup done; the init now waits on
                                      exec.fifo for `start`
     child -> parent  SYNC_ERROR      setup failed: the text is the message
     child -> parent  SYNC_HOOKS      the mounts are made, pivot_root is next:
                                      run the prestart and createRuntime
                                      hooks (sent only when there are some)
     parent -> child  SYNC_HOOKS_DONE they succeeded: go on (on a failure
                                      the parent kills the init instead)
     child -> parent  SYNC_PID        exec only: the new process's host pid
                                      (text), sent by the helper that forked
                                      it inside the container's namespaces;
                                      exec also uses PTY and ERROR, and EOF
                                      means the process has exec'd
     child -> parent  SYNC_TIMENS     a new time namespace is made (for our
                                      children): write linux.timeOffsets
     parent -> child  SYNC_TIMENS_DONE written: enter it
     child -> parent  SYNC_SECCOMP    the seccomp notify listener, as
                                      SCM_RIGHTS: the parent sends it to
                                      linux.seccomp.listenerPath
     parent -> child  SYNC_MOUNT_SOURCE right after RECORDED, with a new
                                      user namespace: a bind source of
                                      mounts[] (text: its index), opened by
                                      husk, as SCM_RIGHTS (mounts.h)
     child -> parent  SYNC_TRACE      with --trace only, right before
                                      READY (exec: before PID): the
                                      child's phases (trace.h)
   The uid/gid maps of a new user namespace need no message: the parent
   writes them before RECORDED, and the init does nothing before that.
   Later issues add kinds. */
enum sync_kind
{
  SYNC_RECORDED = 1,
  SYNC_PTY,
  SYNC_READY,
  SYNC_ERROR,
  SYNC_HOOKS,
  SYNC_HOOKS_DONE,
  SYNC_PID,
  SYNC_TIMENS,
  SYNC_TIMENS_DONE,
  SYNC_SECCOMP,
  SYNC_MOUNT_SOURCE,
  SYNC_TRACE,
};

struct sync_header
{
  uint32_t kind;
  uint32_t len;
};

#define SYNC_MAX_TEXT 4096

/* Sends one message; text may be NULL; fd (>= 0) is passed with
   SCM_RIGHTS. */
int sync_send (int sock, enum sync_kind kind, const char *text, int fd, struct husk_error **err);

/* Receives one message.  *text (malloc'd, NUL-terminated, may be NULL) and
   *fd (-1 when none) are the caller's.  Returns 0, or 1 at EOF (the peer
   is gone), or -1 with *err. */
int sync_recv (int sock, enum sync_kind *kind, char **text, int *fd, struct husk_error **err);

/* The kind's name for messages ("READY"). */
const char *sync_kind_name (enum sync_kind kind);

/* Receives one message and checks it is `want`: a SYNC_ERROR becomes *err
   with the peer's text, EOF becomes "<who> exited before <want>". */
int sync_expect (int sock, enum sync_kind want, const char *who, struct husk_error **err);

#endif
