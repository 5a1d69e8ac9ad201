/* Terminals: the container's pty, the console socket, the caller's tty
   and the proxy between them for run and exec in the foreground. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "process.h"
#include "terminal.h"

/* runc's payload: the file name of the master it opened.  conmon and
   containerd read only the descriptor. */
#define TERMINAL_PAYLOAD "/dev/ptmx"

int
terminal_new_pty (int *master, int *slave, struct husk_error **err)
{
  static const char *const ptmx[] = { "/dev/pts/ptmx", "/dev/ptmx", NULL };
  _cleanup_close_ int m = -1;
  int unlock = 0;

  *master = *slave = -1;
  for (const char *const *p = ptmx; *p && m < 0; p++)
    m = open (*p, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0)
    return husk_error_sys (err, errno, "open \"/dev/ptmx\"");
  if (ioctl (m, TIOCSPTLCK, &unlock) < 0)
    return husk_error_sys (err, errno, "unlock the pty");
  int s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return husk_error_sys (err, errno, "open the pty's slave");
  *master = steal_fd (&m);
  *slave = s;
  return 0;
}

int
terminal_connect (const char *socket_path, struct husk_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  _cleanup_close_ int dir = -1;

  if (strlen (socket_path) < sizeof addr.sun_path)
    strcpy (addr.sun_path, socket_path);
  else
    {
      /* Too long for sun_path: name it through its directory's descriptor. */
      _cleanup_free_ char *dir_copy = xstrdup (socket_path);
      _cleanup_free_ char *base_copy = xstrdup (socket_path);
      const char *base = basename (base_copy);
      dir = open (dirname (dir_copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dir < 0)
        return husk_error_sys (err, errno, "console socket \"%s\"", socket_path);
      int n = snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dir, base);
      if (n < 0 || (size_t)n >= sizeof addr.sun_path)
        return husk_error_set (err, "console socket \"%s\": name too long", socket_path);
    }

  _cleanup_close_ int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return husk_error_sys (err, errno, "console socket: socket");
  if (connect (sock, (struct sockaddr *)&addr, sizeof addr) < 0)
    return husk_error_sys (err, errno, "connect to console socket \"%s\"", socket_path);
  return steal_fd (&sock);
}

int
terminal_send_fd_socket (int sock, int fd, struct husk_error **err)
{
  char payload[] = TERMINAL_PAYLOAD;
  struct iovec iov = { .iov_base = payload, .iov_len = sizeof payload - 1 };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control = { 0 };
  struct msghdr msg = {
    .msg_iov = &iov,
    .msg_iovlen = 1,
    .msg_control = control.buf,
    .msg_controllen = sizeof control.buf,
  };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);

  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof fd);

  ssize_t r;
  do
    r = sendmsg (sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return husk_error_sys (err, errno, "send the pty to the console socket");
  return 0;
}

int
terminal_set_owner (int slave, uint32_t uid, struct husk_error **err)
{
  if (fchown (slave, uid, (gid_t) -1) < 0)
    return husk_error_sys (err, errno, "give the pty to uid %" PRIu32, uid);
  return 0;
}

int
terminal_make_controlling (int slave, const struct oci_console_size *size, struct husk_error **err)
{
  if (setsid () < 0)
    return husk_error_sys (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return husk_error_sys (err, errno, "make the pty the controlling terminal");
  if (size != NULL && size->set)
    {
      if (size->height > UINT16_MAX || size->width > UINT16_MAX)
        return husk_error_set (err,
                               "config.json: process.consoleSize: %" PRIu64 "x%" PRIu64 " is out of range "
                               "(at most 65535 each)",
                               size->height, size->width);
      struct winsize ws = { .ws_row = (unsigned short)size->height, .ws_col = (unsigned short)size->width };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return husk_error_sys (err, errno, "set the pty's size (process.consoleSize)");
    }
  for (int i = 0; i <= 2; i++)
    {
      /* dup2 onto itself would keep O_CLOEXEC: clear it instead. */
      int r = slave == i ? fcntl (i, F_SETFD, 0) : dup2 (slave, i);
      if (r < 0)
        return husk_error_sys (err, errno, "make the pty fd %d", i);
    }
  if (slave > 2)
    close (slave);
  return 0;
}

int
terminal_raw_mode (int fd, struct termios *saved, struct husk_error **err)
{
  if (tcgetattr (fd, saved) < 0)
    return husk_error_sys (err, errno, "read the terminal's settings");
  struct termios raw = *saved;
  cfmakeraw (&raw);
  if (tcsetattr (fd, TCSANOW, &raw) < 0)
    return husk_error_sys (err, errno, "set the terminal to raw mode");
  return 0;
}

void
terminal_restore (int fd, const struct termios *saved)
{
  (void)tcsetattr (fd, TCSANOW, saved);
}

int
terminal_copy_size (int from_fd, int to_fd)
{
  struct winsize ws;

  if (ioctl (from_fd, TIOCGWINSZ, &ws) < 0 || ioctl (to_fd, TIOCSWINSZ, &ws) < 0)
    return -errno;
  return 0;
}

/* ---- the caller's side of a foreground process's pty ---- */

void
terminal_caller_attach (struct terminal_caller *t, int pty)
{
  t->raw = false;
  if (pty < 0 || !isatty (0))
    return;
  struct husk_error *ignored = NULL;
  t->raw = terminal_raw_mode (0, &t->saved, &ignored) == 0;
  husk_error_free (ignored);
  terminal_copy_size (0, pty);
}

void
terminal_caller_detach (struct terminal_caller *t)
{
  if (t->raw)
    terminal_restore (0, &t->saved);
  t->raw = false;
}

/* Copies what is readable on `from` to `to`; false at EOF or error. */
static bool
copy_once (int from, int to)
{
  char buf[8192];
  ssize_t n;
  do
    n = read (from, buf, sizeof buf);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno == EAGAIN)
    return true;
  if (n <= 0)
    return false;
  return process_write_all (to, buf, (size_t) n) == 0;
}

int
terminal_supervise (int pid, int sfd, int pty, int *exit_status, struct husk_error **err)
{
  bool stdin_open = pty >= 0, pty_open = pty >= 0, exited = false;
  int status = 0;
  while (!exited)
    {
      struct pollfd fds[3] = { { sfd, POLLIN, 0 }, { pty, POLLIN, 0 }, { 0, POLLIN, 0 } };
      fds[1].fd = pty_open ? pty : -1;
      fds[2].fd = stdin_open ? 0 : -1;
      if (poll (fds, 3, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return husk_error_sys (err, errno, "poll");
        }
      if (fds[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) != sizeof si)
            continue;
          int sig = (int) si.ssi_signo;
          if (sig == SIGCHLD)
            {
              int st, w;
              while ((w = waitpid (-1, &st, WNOHANG)) > 0)
                if (w == pid)
                  {
                    exited = true;
                    status = st;
                  }
            }
          else if (sig == SIGWINCH && pty >= 0)
            terminal_copy_size (0, pty);
          else
            kill (pid, sig);
        }
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
        pty_open = copy_once (pty, 1);
      if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
        stdin_open = copy_once (0, pty);
    }
  /* Whatever the container wrote before it exited is still in the pty. */
  if (pty_open)
    {
      fcntl (pty, F_SETFL, fcntl (pty, F_GETFL) | O_NONBLOCK);
      struct pollfd p = { pty, POLLIN, 0 };
      while (poll (&p, 1, 0) > 0 && (p.revents & POLLIN) && copy_once (pty, 1))
        ;
    }
  *exit_status = WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);
  return 0;
}
