/* seccomp-agent SOCKET STATE-FILE ERRNO: a minimal seccomp agent for
   seccomp.bats.  Listens on SOCKET (AF_UNIX, SOCK_STREAM), accepts one
   connection, receives the listener fd and the container process state
   (written to STATE-FILE), then answers every notification with -ERRNO
   (ERRNO 0: success, without running the syscall) until the container's
   processes are gone.  Prints one "nr N" line per notification. */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/seccomp.h>

static int
die (const char *what)
{
  fprintf (stderr, "seccomp-agent: %s: %s\n", what, strerror (errno));
  return 1;
}

int
main (int argc, char **argv)
{
  if (argc != 4)
    {
      fprintf (stderr, "usage: seccomp-agent SOCKET STATE-FILE ERRNO\n");
      return 2;
    }
  int answer = atoi (argv[3]);
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (argv[1]) >= sizeof addr.sun_path)
    return die ("socket path too long");
  strcpy (addr.sun_path, argv[1]);
  int srv = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (srv < 0 || bind (srv, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (srv, 1) < 0)
    return die ("listen");
  int conn = accept4 (srv, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return die ("accept");

  /* The state and the fd come in one message; a long state may follow in
     more reads, until husk closes the connection. */
  static char state[1 << 16];
  size_t len = 0;
  int listener = -1;
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  for (;;)
    {
      struct iovec iov = { state + len, sizeof state - 1 - len };
      struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                           .msg_controllen = sizeof control.buf };
      ssize_t n = recvmsg (conn, &mh, MSG_CMSG_CLOEXEC);
      if (n < 0)
        return die ("recvmsg");
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
          memcpy (&listener, CMSG_DATA (c), sizeof listener);
      if (n == 0 || len + (size_t) n >= sizeof state - 1)
        break;
      len += (size_t) n;
    }
  state[len] = '\0';
  FILE *f = fopen (argv[2], "we");
  if (f == NULL || fputs (state, f) < 0 || fclose (f) != 0)
    return die ("write the state");
  if (listener < 0)
    {
      fprintf (stderr, "seccomp-agent: no fd received\n");
      return 1;
    }

  struct seccomp_notif_sizes sizes;
  if (syscall (__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    return die ("SECCOMP_GET_NOTIF_SIZES");
  struct seccomp_notif *req = calloc (1, sizes.seccomp_notif);
  struct seccomp_notif_resp *resp = calloc (1, sizes.seccomp_notif_resp);
  if (req == NULL || resp == NULL)
    return die ("calloc");
  for (;;)
    {
      struct pollfd p = { listener, POLLIN, 0 };
      if (poll (&p, 1, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return die ("poll");
        }
      if (p.revents & POLLHUP)
        return 0;  /* every process of the filter is gone */
      memset (req, 0, sizes.seccomp_notif);
      if (ioctl (listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        {
          if (errno == EINTR || errno == ENOENT)
            continue;
          return die ("SECCOMP_IOCTL_NOTIF_RECV");
        }
      printf ("nr %d\n", req->data.nr);
      fflush (stdout);
      memset (resp, 0, sizes.seccomp_notif_resp);
      resp->id = req->id;
      resp->error = -answer;
      resp->val = 0;
      /* ENOENT: the process was killed meanwhile. */
      if (ioctl (listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
        return die ("SECCOMP_IOCTL_NOTIF_SEND");
    }
}
