/* Terminals: the container's pty, the console socket, the caller's tty. */
#ifndef HUSK_TERMINAL_H
#define HUSK_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "error.h"
#include "oci_config.h"

/* A new pty pair, both ends O_CLOEXEC and O_NOCTTY.  The master comes from
   /dev/pts/ptmx, else /dev/ptmx, of the current root: called in the
   container init after pivot_root, the pty belongs to the container's own
   devpts instance (as runc and crun do it), so the slave's name is right
   inside the container.  The slave is opened through the master
   (TIOCGPTPEER), never by a path a hostile /dev/pts could redirect. */
int terminal_new_pty (int *master, int *slave, struct husk_error **err);

/* --console-socket: the parent connects to the AF_UNIX stream socket at
   socket_path before anything is made (a host path: after pivot_root the
   init could not reach it; paths longer than sun_path are reached through
   the directory's /proc/self/fd entry), and the master is sent on it with
   SCM_RIGHTS; the payload is "/dev/ptmx", the name of the master that runc
   sends (receivers use only the fd). */
int terminal_connect (const char *socket_path, struct husk_error **err); /* O_CLOEXEC socket fd, or -1 */
int terminal_send_fd_socket (int sock, int fd, struct husk_error **err);

/* The pty slave is the process's: its owner becomes uid (process.user's,
   or the exec's), its group stays the one devpts gave it (the mount's
   gid=, usually tty), as runc does, so that a non-root process can use its
   terminal.  Called while still root. */
int terminal_set_owner (int slave, uint32_t uid, struct husk_error **err);

/* In the container init: a new session, slave as its controlling terminal,
   process.consoleSize as its window size when size->set (refused when a
   dimension exceeds 65535), and slave on 0, 1 and 2 without O_CLOEXEC.
   The slave fd itself is closed when it is not one of 0..2. */
int terminal_make_controlling (int slave, const struct oci_console_size *size, struct husk_error **err);

/* Raw mode on fd (cfmakeraw), the previous settings saved into *saved. */
int terminal_raw_mode (int fd, struct termios *saved, struct husk_error **err);

/* Put back what terminal_raw_mode saved; best effort (used at exit). */
void terminal_restore (int fd, const struct termios *saved);

/* Copy the window size of from_fd to to_fd (the caller calls it at start
   and on SIGWINCH).  Returns 0, or -errno. */
int terminal_copy_size (int from_fd, int to_fd);

/* husk run -t and husk exec -t in the foreground, without a console
   socket: husk holds the pty's master and proxies it to its own stdin and
   stdout.  attach: when stdin is a terminal, raw mode on it (every key
   reaches the container) and its size on the pty; no-op when pty < 0.
   detach: puts the caller's settings back. */
struct terminal_caller
{
  bool raw;
  struct termios saved;
};
void terminal_caller_attach (struct terminal_caller *t, int pty);
void terminal_caller_detach (struct terminal_caller *t);

/* Until the process `pid` (husk's child) exits: forwards every signal read
   from sfd (a signalfd of all signals, blocked by the caller) to it, but
   SIGWINCH resizes the pty when there is one; reaps every child that exits
   (husk run is a subreaper); copies stdin to the pty and the pty to
   stdout (pty >= 0), and what the process wrote before exiting.  The
   process stays husk's unreaped child until seen to exit, so its pid
   cannot be reused while it is signalled.  *exit_status: its exit status,
   or 128+N when killed by signal N. */
int terminal_supervise (int pid, int sfd, int pty, int *exit_status, struct husk_error **err);

#endif
