/* Terminals: the container's pty, the console socket, the caller's tty. */
#include <config.h>

#include <errno.h>

#include "terminal.h"

int
terminal_new_pty (int *master, int *slave, struct husk_error **err)
{
  *master = *slave = -1;
  return husk_error_set (err, "terminal: not implemented yet");
}

int
terminal_send_fd (const char *socket_path, int fd, struct husk_error **err)
{
  (void) socket_path; (void) fd;
  return husk_error_set (err, "terminal: not implemented yet");
}

int
terminal_make_controlling (int slave, const struct oci_console_size *size, struct husk_error **err)
{
  (void) slave; (void) size;
  return husk_error_set (err, "terminal: not implemented yet");
}

int
terminal_raw_mode (int fd, struct termios *saved, struct husk_error **err)
{
  (void) fd; (void) saved;
  return husk_error_set (err, "terminal: not implemented yet");
}

void
terminal_restore (int fd, const struct termios *saved)
{
  (void) fd; (void) saved;
}

int
terminal_copy_size (int from_fd, int to_fd)
{
  (void) from_fd; (void) to_fd;
  return -ENOSYS;
}
