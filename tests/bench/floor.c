/* floor: the least any OCI runtime must do to run /bin/true in the bench's
   minimal container, so that the bench can show what the kernel itself
   costs next to husk, crun and runc.  No config parsing, no state dir, no
   cgroup, no handshake: clone the same five namespaces, bind-mount the
   rootfs, pivot_root into it, mount /proc, make the root read-only, exec.

     cc -O2 -static -o floor floor.c && ./floor [--no-netns] ROOTFS

   --no-netns leaves out the network namespace, to measure what it costs.

   Not part of husk: built by tests/bench/bench.sh only. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char child_stack[64 * 1024] __attribute__ ((aligned (16)));

static int
fail (const char *what)
{
  perror (what);
  return 127;
}

static int
container_init (void *rootfs)
{
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return fail ("floor: make / private");
  if (mount (rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return fail ("floor: bind-mount the rootfs");
  if (chdir (rootfs) < 0)
    return fail ("floor: chdir to the rootfs");
  /* pivot_root (".", ".") stacks the old root on top of the new one;
     detaching "." then drops it without needing a put_old directory. */
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return fail ("floor: pivot_root");
  if (umount2 (".", MNT_DETACH) < 0)
    return fail ("floor: detach the old root");
  if (chdir ("/") < 0)
    return fail ("floor: chdir /");
  if (mount ("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0)
    return fail ("floor: mount /proc");
  if (mount (NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
    return fail ("floor: make the root read-only");
  execl ("/bin/true", "true", (char *) NULL);
  return fail ("floor: exec /bin/true");
}

int
main (int argc, char **argv)
{
  int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET;
  int status;
  pid_t pid;

  if (argc == 3 && strcmp (argv[1], "--no-netns") == 0)
    {
      flags &= ~CLONE_NEWNET;
      argv++;
      argc--;
    }
  if (argc != 2)
    {
      fprintf (stderr, "usage: floor [--no-netns] ROOTFS\n");
      return 2;
    }
  pid = clone (container_init, child_stack + sizeof child_stack, flags | SIGCHLD, argv[1]);
  if (pid < 0)
    return fail ("floor: clone");
  if (waitpid (pid, &status, 0) < 0)
    return fail ("floor: waitpid");
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
