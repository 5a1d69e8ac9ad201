/* The parent/child message protocol over a SOCK_SEQPACKET socketpair. */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "cleanup.h"
#include "sync.h"

static const char *const sync_kind_names[] = {
  [SYNC_RECORDED] = "RECORDED",
  [SYNC_PTY] = "PTY",
  [SYNC_READY] = "READY",
  [SYNC_ERROR] = "ERROR",
  [SYNC_HOOKS] = "HOOKS",
  [SYNC_HOOKS_DONE] = "HOOKS_DONE",
  [SYNC_PID] = "PID",
  [SYNC_TIMENS] = "TIMENS",
  [SYNC_TIMENS_DONE] = "TIMENS_DONE",
  [SYNC_SECCOMP] = "SECCOMP",
  [SYNC_MOUNT_SOURCE] = "MOUNT_SOURCE",
  [SYNC_TRACE] = "TRACE",
};

const char *
sync_kind_name (enum sync_kind kind)
{
  if ((size_t) kind < sizeof sync_kind_names / sizeof *sync_kind_names && sync_kind_names[kind])
    return sync_kind_names[kind];
  return "unknown";
}

int
sync_send (int sock, enum sync_kind kind, const char *text, int fd, struct husk_error **err)
{
  size_t len = text ? strnlen (text, SYNC_MAX_TEXT) : 0;
  struct sync_header h = { .kind = kind, .len = (uint32_t) len };
  struct iovec iov[2] = { { &h, sizeof h }, { (void *) text, len } };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
  if (fd >= 0)
    {
      memset (&control, 0, sizeof control);
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof fd);
    }
  ssize_t n;
  do
    n = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return husk_error_sys (err, errno, "sync: send %s", sync_kind_name (kind));
  return 0;
}

int
sync_recv (int sock, enum sync_kind *kind, char **text, int *fd, struct husk_error **err)
{
  struct sync_header h;
  _cleanup_free_ char *buf = xmalloc (SYNC_MAX_TEXT + 1);
  struct iovec iov[2] = { { &h, sizeof h }, { buf, SYNC_MAX_TEXT } };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
  *text = NULL;
  *fd = -1;
  ssize_t n;
  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return husk_error_sys (err, errno, "sync: receive");
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
        && c->cmsg_len == CMSG_LEN (sizeof (int)))
      memcpy (fd, CMSG_DATA (c), sizeof *fd);
  if (n == 0)
    return 1;
  if ((size_t) n < sizeof h || h.len != (size_t) n - sizeof h || (msg.msg_flags & MSG_TRUNC))
    {
      if (*fd >= 0)
        close (*fd);
      *fd = -1;
      return husk_error_set (err, "sync: malformed message (%zd bytes)", n);
    }
  buf[h.len] = '\0';
  *kind = (enum sync_kind) h.kind;
  if (h.len > 0)
    *text = steal_pointer (&buf);
  return 0;
}

int
sync_expect (int sock, enum sync_kind want, const char *who, struct husk_error **err)
{
  enum sync_kind kind = 0;
  _cleanup_free_ char *text = NULL;
  _cleanup_close_ int fd = -1;
  int ret = sync_recv (sock, &kind, &text, &fd, err);
  if (ret < 0)
    return ret;
  if (ret == 1)
    return husk_error_set (err, "%s exited before %s", who, sync_kind_name (want));
  if (kind == SYNC_ERROR)
    return husk_error_set (err, "%s", text ? text : "unknown error");
  if (kind != want)
    return husk_error_set (err, "sync: expected %s from %s, got %s", sync_kind_name (want), who,
                           sync_kind_name (kind));
  return 0;
}
