/* seccomp-agent SOCKET STATE-FILE ERRNO [CONNECTIONS]: a minimal seccomp
   agent for seccomp.bats.  Listens on SOCKET (AF_UNIX, SOCK_STREAM) and
   accepts CONNECTIONS connections (default 1: the create; one more for
   each exec), each bringing a listener fd and a container process state
   (appended to STATE-FILE, one per line).  Answers every notification of
   every listener with -ERRNO (ERRNO 0: success, without running the
   syscall), printing one "nr N" line each, until all connections came and
   the processes of every filter are gone.  After the last connection the
   socket is closed: a connect is refused.
   With AGENT_HOLD=FIFO in the environment, each notification, once
   received, is held: the agent makes FIFO.got and answers only when a
   line can be read from FIFO (WAIT_KILLABLE_RECV: a signal sent to the
   process meanwhile). */
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

#define MAX_CONNECTIONS 8

static int
die (const char *what)
{
  fprintf (stderr, "seccomp-agent: %s: %s\n", what, strerror (errno));
  return 1;
}

/* One connection: the state and the fd come in one message; a long state
   may follow in more reads, until husk closes the connection.  Returns the
   listener, or -1. */
static int
receive (int srv, const char *state_file)
{
  int conn = accept4 (srv, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return die ("accept"), -1;
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
        return die ("recvmsg"), -1;
      for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
          memcpy (&listener, CMSG_DATA (c), sizeof listener);
      if (n == 0 || len + (size_t) n >= sizeof state - 1)
        break;
      len += (size_t) n;
    }
  close (conn);
  state[len] = '\0';
  FILE *f = fopen (state_file, "ae");
  if (f == NULL || fprintf (f, "%s\n", state) < 0 || fclose (f) != 0)
    return die ("write the state"), -1;
  if (listener < 0)
    fprintf (stderr, "seccomp-agent: no fd received\n");
  return listener;
}

/* Answers one notification; false on an error. */
static int
answer_one (int listener, int answer, const struct seccomp_notif_sizes *sizes)
{
  static struct seccomp_notif *req;
  static struct seccomp_notif_resp *resp;
  if (req == NULL && ((req = malloc (sizes->seccomp_notif)) == NULL
                      || (resp = malloc (sizes->seccomp_notif_resp)) == NULL))
    return die ("malloc");
  memset (req, 0, sizes->seccomp_notif);
  if (ioctl (listener, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
    return errno == EINTR || errno == ENOENT ? 0 : die ("SECCOMP_IOCTL_NOTIF_RECV");
  printf ("nr %d\n", req->data.nr);
  fflush (stdout);
  const char *hold = getenv ("AGENT_HOLD");
  if (hold && *hold)
    {
      char got[4096], c;
      snprintf (got, sizeof got, "%s.got", hold);
      FILE *g = fopen (got, "we");
      if (g == NULL || fclose (g) != 0)
        return die ("create the .got file");
      FILE *f = fopen (hold, "re");
      if (f == NULL || fread (&c, 1, 1, f) != 1)
        return die ("read the hold fifo");
      fclose (f);
    }
  memset (resp, 0, sizes->seccomp_notif_resp);
  resp->id = req->id;
  resp->error = -answer;
  resp->val = 0;
  /* ENOENT: the process was killed meanwhile. */
  if (ioctl (listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
    return die ("SECCOMP_IOCTL_NOTIF_SEND");
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc != 4 && argc != 5)
    {
      fprintf (stderr, "usage: seccomp-agent SOCKET STATE-FILE ERRNO [CONNECTIONS]\n");
      return 2;
    }
  int answer = atoi (argv[3]);
  int want = argc == 5 ? atoi (argv[4]) : 1;
  if (want < 1 || want > MAX_CONNECTIONS)
    {
      fprintf (stderr, "seccomp-agent: CONNECTIONS: 1 to %d\n", MAX_CONNECTIONS);
      return 2;
    }
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (argv[1]) >= sizeof addr.sun_path)
    return die ("socket path too long");
  strcpy (addr.sun_path, argv[1]);
  int srv = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (srv < 0 || bind (srv, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (srv, want) < 0)
    return die ("listen");
  struct seccomp_notif_sizes sizes;
  if (syscall (__NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    return die ("SECCOMP_GET_NOTIF_SIZES");

  /* fds[0]: the socket while connections are due; then the listeners. */
  struct pollfd fds[1 + MAX_CONNECTIONS];
  int accepted = 0, nlisteners = 0;
  while (accepted < want || nlisteners > 0)
    {
      fds[0] = (struct pollfd){ accepted < want ? srv : -1, POLLIN, 0 };
      if (poll (fds, (nfds_t) (1 + nlisteners), -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return die ("poll");
        }
      if (fds[0].revents & POLLIN)
        {
          int listener = receive (srv, argv[2]);
          if (listener < 0)
            return 1;
          fds[1 + nlisteners++] = (struct pollfd){ listener, POLLIN, 0 };
          /* No more: a later connect is refused. */
          if (++accepted == want)
            close (srv);
          continue;
        }
      for (int i = 1; i <= nlisteners; i++)
        {
          if (fds[i].revents & POLLHUP)
            {
              /* Every process of this filter is gone. */
              close (fds[i].fd);
              fds[i--] = fds[nlisteners--];
              continue;
            }
          if ((fds[i].revents & POLLIN) && answer_one (fds[i].fd, answer, &sizes) != 0)
            return 1;
        }
    }
  return 0;
}
