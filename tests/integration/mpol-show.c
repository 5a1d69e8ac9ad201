/* mpol-show: prints the calling process's NUMA memory policy as
   get_mempolicy(2) reports it, "mode=M flags=0xF nodes=LIST", then the
   Mems_allowed_list line of /proc/self/status (mempolicy.bats; busybox
   has no numactl). */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NODES 1024
#define MODE_FLAGS ((1 << 15) | (1 << 14) | (1 << 13))

int
main (void)
{
  int mode = -1;
  unsigned long mask[NODES / (8 * sizeof (unsigned long))] = { 0 };
  if (syscall (SYS_get_mempolicy, &mode, mask, (unsigned long) NODES + 1, NULL, 0UL) < 0)
    {
      perror ("get_mempolicy");
      return 1;
    }
  printf ("mode=%d flags=%#x nodes=", mode & ~MODE_FLAGS, (unsigned) (mode & MODE_FLAGS));
  const char *sep = "";
  for (unsigned n = 0; n < NODES; n++)
    if (mask[n / (8 * sizeof *mask)] & (1UL << (n % (8 * sizeof *mask))))
      {
        printf ("%s%u", sep, n);
        sep = ",";
      }
  putchar ('\n');
  FILE *f = fopen ("/proc/self/status", "r");
  char line[4096];
  while (f && fgets (line, sizeof line, f))
    if (strncmp (line, "Mems_allowed_list:", 18) == 0)
      fputs (line, stdout);
  return 0;
}
