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
   Later issues add kinds (e.g. the uid/gid maps written by the parent). */
enum sync_kind
{
  SYNC_RECORDED = 1,
  SYNC_PTY,
  SYNC_READY,
  SYNC_ERROR,
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
