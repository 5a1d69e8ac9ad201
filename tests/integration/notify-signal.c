/* notify-signal DIR: mkdir(DIR) with a SIGUSR1 handler installed without
   SA_RESTART, then prints "mkdir=E" (E: mkdir's errno, 0 on success) and
   "handler=1" when the handler ran.  With a SCMP_ACT_NOTIFY filter on
   mkdir, a SIGUSR1 that comes while the agent holds the notification
   interrupts mkdir (E is EINTR, 4), unless the filter has
   SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: then mkdir waits for the
   agent's answer and the handler runs after it (seccomp.bats). */
#include <config.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

static volatile sig_atomic_t handled;

static void
on_usr1 (int sig)
{
  (void) sig;
  handled = 1;
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: notify-signal DIR\n");
      return 2;
    }
  struct sigaction sa = { .sa_handler = on_usr1 };
  if (sigaction (SIGUSR1, &sa, NULL) < 0)
    return 2;
  int e = mkdir (argv[1], 0755) == 0 ? 0 : errno;
  printf ("mkdir=%d\nhandler=%d\n", e, (int) handled);
  return 0;
}
