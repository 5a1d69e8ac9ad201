/* rss: runs a command and writes its peak RSS in KiB (ru_maxrss of wait4)
   to OUTFILE.  A static helper that starts the command with vfork: the
   kernel folds the parent's memory into the child's peak when the child
   execs from a shared mm, so the parent must be tiny (a python or GNU
   time parent adds its own megabytes to every reading).

     cc -O2 -static -o rss rss.c && ./rss OUTFILE CMD [ARG...]

   Exits with the command's status.  Not part of husk: built by
   tests/bench/bench.sh only. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct rusage ru;
  int status;
  pid_t pid;
  FILE *out;

  if (argc < 3)
    {
      fprintf (stderr, "usage: rss OUTFILE CMD [ARG...]\n");
      return 2;
    }
  pid = vfork ();
  if (pid < 0)
    {
      perror ("rss: vfork");
      return 127;
    }
  if (pid == 0)
    {
      execv (argv[2], argv + 2);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &ru) < 0)
    {
      perror ("rss: wait4");
      return 127;
    }
  out = fopen (argv[1], "w");
  if (out == NULL || fprintf (out, "%ld\n", ru.ru_maxrss) < 0 || fclose (out) != 0)
    {
      perror ("rss: write the result");
      return 127;
    }
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
