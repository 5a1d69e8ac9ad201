/* recvtty: the receiving end of --console-socket, for the console tests.

   recvtty [--input STRING] [--output FILE] [--ptsname FILE] [--timeout SECS] SOCKET

   Listens on the unix socket path SOCKET, accepts one connection and receives
   one file descriptor in an SCM_RIGHTS message, as conmon and containerd do.
   The fd must be a pty master (TIOCGPTN must work on it, which is only true of
   a master); the pty number goes to the --ptsname file as "/dev/pts/N".  Then
   STRING (if any) is written to the master, and everything the container
   prints is copied into the --output file until the last slave fd closes (the
   master then reads EIO).  The output file is written under a temporary name
   and renamed at the end, so its presence means the copy is complete.

   Exits 0 on success; 1 with one line on stderr on any failure, including no
   connection, no fd, or a non-pty fd.  --timeout (default 30 s) bounds the
   whole run so a broken runtime cannot leave recvtty waiting for ever.  */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static void fail (const char *fmt, ...) __attribute__ ((noreturn, format (printf, 1, 2)));

static void
fail (const char *fmt, ...)
{
  va_list ap;

  fputs ("recvtty: ", stderr);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputc ('\n', stderr);
  exit (1);
}

static int
listen_on (const char *path)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;

  if (strlen (path) >= sizeof addr.sun_path)
    fail ("%s: socket path too long", path);
  strcpy (addr.sun_path, path);
  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    fail ("socket: %s", strerror (errno));
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    fail ("bind %s: %s", path, strerror (errno));
  if (listen (fd, 1) < 0)
    fail ("listen %s: %s", path, strerror (errno));
  return fd;
}

/* Receives exactly one fd; anything else (no control message, two fds, a
   truncated message) is a failure, because the runtime must send one.  */
static int
receive_fd (int conn)
{
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union
  {
    struct cmsghdr align;
    char buf[CMSG_SPACE (2 * sizeof (int))];
  } control;
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1,
    .msg_control = control.buf, .msg_controllen = sizeof control.buf,
  };
  struct cmsghdr *cmsg;
  ssize_t n;
  int fd;

  do
    n = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    fail ("recvmsg: %s", strerror (errno));
  if (n == 0)
    fail ("recvmsg: connection closed without a message");
  if (msg.msg_flags & MSG_CTRUNC)
    fail ("recvmsg: control data truncated (more than one fd sent?)");
  cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg == NULL || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
    fail ("recvmsg: no SCM_RIGHTS message");
  if (cmsg->cmsg_len != CMSG_LEN (sizeof (int)))
    fail ("recvmsg: expected exactly one fd");
  memcpy (&fd, CMSG_DATA (cmsg), sizeof fd);
  return fd;
}

static void
write_all (int fd, const char *buf, size_t len, const char *what)
{
  while (len > 0)
    {
      ssize_t n = write (fd, buf, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        fail ("write %s: %s", what, strerror (errno));
      buf += n;
      len -= (size_t) n;
    }
}

static void
write_file (const char *path, const char *text)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    fail ("open %s: %s", path, strerror (errno));
  write_all (fd, text, strlen (text), path);
  close (fd);
}

/* Copies the master into PATH until the pty hangs up.  Linux reports the
   hang-up (no slave fd left) as EIO on read.  */
static void
copy_output (int master, const char *path)
{
  char tmp[4096], buf[4096];
  int out;

  if ((size_t) snprintf (tmp, sizeof tmp, "%s.partial", path) >= sizeof tmp)
    fail ("%s: path too long", path);
  out = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0)
    fail ("open %s: %s", tmp, strerror (errno));
  for (;;)
    {
      ssize_t n = read (master, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0 || (n < 0 && errno == EIO))
        break;
      if (n < 0)
        fail ("read pty master: %s", strerror (errno));
      write_all (out, buf, (size_t) n, tmp);
    }
  if (close (out) < 0)
    fail ("close %s: %s", tmp, strerror (errno));
  if (rename (tmp, path) < 0)
    fail ("rename %s: %s", tmp, strerror (errno));
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "input", required_argument, NULL, 'i' },
    { "output", required_argument, NULL, 'o' },
    { "ptsname", required_argument, NULL, 'p' },
    { "timeout", required_argument, NULL, 't' },
    { NULL, 0, NULL, 0 },
  };
  const char *input = NULL, *output = NULL, *ptsname_file = NULL;
  unsigned timeout = 30;
  int c, lfd, conn, master;
  unsigned int ptn;
  char name[64];

  while ((c = getopt_long (argc, argv, "", options, NULL)) != -1)
    switch (c)
      {
      case 'i': input = optarg; break;
      case 'o': output = optarg; break;
      case 'p': ptsname_file = optarg; break;
      case 't': timeout = (unsigned) strtoul (optarg, NULL, 10); break;
      default:
        fail ("usage: recvtty [--input S] [--output F] [--ptsname F] [--timeout SECS] SOCKET");
      }
  if (optind != argc - 1)
    fail ("usage: recvtty [--input S] [--output F] [--ptsname F] [--timeout SECS] SOCKET");

  /* The default SIGALRM action ends the process: the test sees status 142.  */
  alarm (timeout);
  lfd = listen_on (argv[optind]);
  do
    conn = accept4 (lfd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    fail ("accept: %s", strerror (errno));
  close (lfd);
  master = receive_fd (conn);
  close (conn);

  if (ioctl (master, TIOCGPTN, &ptn) < 0)
    fail ("received fd is not a pty master: TIOCGPTN: %s", strerror (errno));
  snprintf (name, sizeof name, "/dev/pts/%u\n", ptn);
  if (ptsname_file != NULL)
    write_file (ptsname_file, name);
  if (input != NULL)
    write_all (master, input, strlen (input), "pty master");
  if (output != NULL)
    copy_output (master, output);
  return 0;
}
