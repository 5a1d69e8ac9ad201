/* Terminals: the container's pty, the console socket, the caller's tty. */
#ifndef HUSK_TERMINAL_H
#define HUSK_TERMINAL_H

#include <stddef.h>
#include <termios.h>

#include "error.h"
#include "oci_config.h"

/* A new pty pair from /dev/ptmx; both ends O_CLOEXEC, the slave opened
   O_NOCTTY (terminal_make_controlling makes it the controlling tty). */
int terminal_new_pty (int *master, int *slave, struct husk_error **err);

/* Connect to the AF_UNIX stream socket at socket_path (--console-socket)
   and send fd with SCM_RIGHTS; the payload is the pty's name
   ("/dev/pts/N"), as runc sends it.  The connection is closed after. */
int terminal_send_fd (const char *socket_path, int fd, struct husk_error **err);

/* In the container init: a new session, slave as its controlling terminal,
   the window size from size when size->set, and slave dup2'd onto 0, 1
   and 2.  The slave fd itself is closed when it is not one of 0..2. */
int terminal_make_controlling (int slave, const struct oci_console_size *size, struct husk_error **err);

/* Raw mode on fd (cfmakeraw), the previous settings saved into *saved. */
int terminal_raw_mode (int fd, struct termios *saved, struct husk_error **err);

/* Put back what terminal_raw_mode saved; best effort (used at exit). */
void terminal_restore (int fd, const struct termios *saved);

/* Copy the window size of from_fd to to_fd (the caller calls it at start
   and on SIGWINCH).  Returns 0, or -errno. */
int terminal_copy_size (int from_fd, int to_fd);

#endif
