/* lsm-show [PATH...]: the LSM labels a container sees, for selinux.bats
   (busybox has no ls -Z, getfattr or keyctl).  Prints one per line:
     current LABEL      /proc/self/attr/current
     keyring LABEL      the session keyring's (KEYCTL_GET_SECURITY on @s)
     xattr PATH LABEL   getxattr(PATH, "security.selinux"), per PATH
   a LABEL being "none" where there is none (no LSM answers, an empty
   label, no such xattr).  Any other failure is a line on stderr and
   exit status 1.  Raw syscalls: no libkeyutils.  Static, so it runs in a
   busybox rootfs. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/keyctl.h>

#define LSM_SHOW_MAX 4096

/* BUF's N bytes as a label: without the terminating NULs SELinux counts
   in (keyctl, the xattr setfilecon(3) writes) or the newline AppArmor
   ends its attr/current with; "none" when nothing is left. */
static const char *
lsm_show_label (char *buf, ssize_t n)
{
  while (n > 0 && (buf[n - 1] == '\0' || buf[n - 1] == '\n'))
    n--;
  buf[n] = '\0';
  return n > 0 ? buf : "none";
}

static int
lsm_show_current (void)
{
  char buf[LSM_SHOW_MAX + 1];
  int fd = open ("/proc/self/attr/current", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      perror ("lsm-show: open /proc/self/attr/current");
      return -1;
    }
  ssize_t n = read (fd, buf, LSM_SHOW_MAX);
  int e = errno;
  close (fd);
  /* EINVAL: no LSM provides the attribute. */
  if (n < 0 && e != EINVAL)
    {
      errno = e;
      perror ("lsm-show: read /proc/self/attr/current");
      return -1;
    }
  printf ("current %s\n", lsm_show_label (buf, n < 0 ? 0 : n));
  return 0;
}

static int
lsm_show_keyring (void)
{
  char buf[LSM_SHOW_MAX + 1];
  long n = syscall (SYS_keyctl, KEYCTL_GET_SECURITY, KEY_SPEC_SESSION_KEYRING, buf, (unsigned long) LSM_SHOW_MAX);
  if (n < 0)
    {
      perror ("lsm-show: keyctl KEYCTL_GET_SECURITY @s");
      return -1;
    }
  /* The answer is the label's full size: a longer one was not copied. */
  if (n > LSM_SHOW_MAX)
    {
      fprintf (stderr, "lsm-show: the session keyring's label is %ld bytes long\n", n);
      return -1;
    }
  printf ("keyring %s\n", lsm_show_label (buf, n));
  return 0;
}

static int
lsm_show_xattr (const char *path)
{
  char buf[LSM_SHOW_MAX + 1];
  ssize_t n = getxattr (path, "security.selinux", buf, LSM_SHOW_MAX);
  if (n < 0 && errno != ENODATA && errno != EOPNOTSUPP)
    {
      fprintf (stderr, "lsm-show: getxattr %s security.selinux: %s\n", path, strerror (errno));
      return -1;
    }
  printf ("xattr %s %s\n", path, lsm_show_label (buf, n < 0 ? 0 : n));
  return 0;
}

int
main (int argc, char **argv)
{
  if (lsm_show_current () < 0 || lsm_show_keyring () < 0)
    return 1;
  for (int i = 1; i < argc; i++)
    if (lsm_show_xattr (argv[i]) < 0)
      return 1;
  return fflush (stdout) == 0 ? 0 : 1;
}
