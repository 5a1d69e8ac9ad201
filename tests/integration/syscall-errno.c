/* syscall-errno WHAT...: for each WHAT, a number NR: syscall(NR) with
   every argument 0, raw (no libc wrapper, so no libc fallback either);
   "thread": pthread_create and join (glibc tries clone3 first and falls
   back to clone only on ENOSYS).  Prints "WHAT=E" per WHAT on one line, E
   the errno's name or 0 on success (seccomp.bats: syscalls newer than the
   profile get ENOSYS).  Runs in a busybox rootfs: linked statically. */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void *
thread_main (void *arg)
{
  return arg;
}

static void
show (const char *what, int e)
{
  const char *name = e ? strerrorname_np (e) : "0";
  printf ("%s=%s ", what, name ? name : "?");
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: syscall-errno NR|thread...\n");
      return 2;
    }
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "thread") == 0)
        {
          pthread_t t;
          int e = pthread_create (&t, NULL, thread_main, NULL);
          if (e == 0)
            pthread_join (t, NULL);
          show (argv[i], e);
          continue;
        }
      long nr = strtol (argv[i], NULL, 0);
      show (argv[i], syscall (nr, 0L, 0L, 0L, 0L, 0L, 0L) < 0 ? errno : 0);
    }
  printf ("\n");
  return 0;
}
