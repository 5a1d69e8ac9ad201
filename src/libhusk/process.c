/* The container's process: executable lookup, environment, inherited fds. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <linux/keyctl.h>

#include "cleanup.h"
#include "lsm.h"
#include "mounts.h"
#include "process.h"

/* What the kernel reads of a "#!" line (BINPRM_BUF_SIZE), and how deep
   it follows interpreters that are scripts (BINPRM_MAX_RECURSION + 1). */
#define PROCESS_SHEBANG_MAX 256
#define PROCESS_SCRIPT_DEPTH 5

const char *
process_strerror (int errnum, char *buf, size_t len)
{
  snprintf (buf, len, "%s", strerror (errnum));
  if (buf[0] && !(buf[0] == 'I' && buf[1] == '/'))
    buf[0] = (char) tolower ((unsigned char) buf[0]);
  return buf;
}

/* 0 if path is an executable regular file, else an errno. */
static int
check_executable (const char *path)
{
  struct stat st;
  if (stat (path, &st) < 0)
    return errno;
  if (S_ISDIR (st.st_mode))
    return EISDIR;
  if (!S_ISREG (st.st_mode))
    return EACCES;
  if (access (path, X_OK) < 0)
    return errno;
  return 0;
}

static const char *
env_lookup (char *const *env, const char *name)
{
  size_t len = strlen (name);
  const char *found = NULL;
  /* The last definition wins, as it does for getenv after putenv. */
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], name, len) == 0 && env[i][len] == '=')
      found = env[i] + len + 1;
  return found;
}

int
process_find_executable (const char *file, char *const *env, char **path, struct husk_error **err)
{
  char ebuf[128];
  if (file == NULL || *file == '\0')
    return husk_error_set (err, "config.json: process.args: must not be empty");
  if (strchr (file, '/'))
    {
      int e = check_executable (file);
      if (e)
        return husk_error_set (err, "exec \"%s\": %s", file, process_strerror (e, ebuf, sizeof ebuf));
      *path = xstrdup (file);
      return 0;
    }
  const char *search = env_lookup (env, "PATH");
  int first_error = 0;
  for (const char *p = search; p && *p != '\0';)
    {
      const char *colon = strchrnul (p, ':');
      /* An empty entry means the cwd, as in execvp. */
      _cleanup_free_ char *candidate = colon == p ? xasprintf ("./%s", file)
                                                   : xasprintf ("%.*s/%s", (int) (colon - p), p, file);
      int e = check_executable (candidate);
      if (e == 0)
        {
          *path = steal_pointer (&candidate);
          return 0;
        }
      if (e != ENOENT && e != ENOTDIR && first_error == 0)
        first_error = e;
      p = *colon ? colon + 1 : colon;
    }
  if (first_error)
    return husk_error_set (err, "exec \"%s\": %s", file,
                           process_strerror (first_error, ebuf, sizeof ebuf));
  return husk_error_set (err, "exec \"%s\": executable file not found in $PATH", file);
}

int
process_listen_fds (void)
{
  const char *fds = getenv ("LISTEN_FDS");
  const char *pid = getenv ("LISTEN_PID");
  if (fds == NULL || pid == NULL)
    return 0;
  char *end;
  errno = 0;
  long n = strtol (fds, &end, 10);
  if (errno || *end || end == fds || n <= 0 || n > 1024)
    return 0;
  long p = strtol (pid, &end, 10);
  if (*end || end == pid || p != (long) getpid ())
    return 0;
  return (int) n;
}

char **
process_strv (const oci_strv *v)
{
  char **out = xcalloc (v->n + 1, sizeof *out);
  for (size_t i = 0; i < v->n; i++)
    out[i] = xstrdup (v->v[i]);
  return out;
}

void
process_strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

char **
process_env (const oci_strv *env, int listen_fds)
{
  char **out = xcalloc (env->n + 3, sizeof *out);
  size_t n = 0;
  for (size_t i = 0; i < env->n; i++)
    if (listen_fds == 0
        || (strncmp (env->v[i], "LISTEN_FDS=", 11) != 0 && strncmp (env->v[i], "LISTEN_PID=", 11) != 0))
      out[n++] = xstrdup (env->v[i]);
  if (listen_fds > 0)
    {
      out[n++] = xasprintf ("LISTEN_FDS=%d", listen_fds);
      out[n++] = xstrdup ("LISTEN_PID=1");
    }
  return out;
}

/* The home directory of uid in the container's /etc/passwd (the first
   entry with that uid, as runc's parser takes it), or "/" without one.
   A passwd that is not a regular file is not read: a fifo would block the
   init. */
static char *
passwd_home (uint32_t uid)
{
  _cleanup_close_ int fd = open ("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return xstrdup ("/");
  _cleanup_fclose_ FILE *f = fdopen (steal_fd (&fd), "r");
  if (f == NULL)
    return xstrdup ("/");
  _cleanup_free_ char *line = NULL;
  size_t cap = 0;
  while (getline (&line, &cap, f) > 0)
    {
      /* name:password:uid:gid:gecos:home:shell */
      char *field[7] = { line };
      size_t n = 1;
      for (char *c = line; *c && *c != '\n' && n < 7; c++)
        if (*c == ':')
          {
            *c = '\0';
            field[n++] = c + 1;
          }
      if (n < 6)
        continue;
      char *home_end = field[5] + strcspn (field[5], ":\n");
      *home_end = '\0';
      char *end;
      errno = 0;
      unsigned long v = strtoul (field[2], &end, 10);
      if (errno == 0 && end != field[2] && *end == '\0' && field[2][0] != '-' && v == uid)
        return xstrdup (field[5]);
    }
  return xstrdup ("/");
}

int
process_set_home (char ***env, uint32_t uid)
{
  const char *home = env_lookup (*env, "HOME");
  if (home && *home)
    return 0;
  size_t n = 0;
  while ((*env)[n])
    n++;
  char **out = xcalloc (n + 2, sizeof *out);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (strncmp ((*env)[i], "HOME=", 5) != 0)
      out[k++] = (*env)[i];
  _cleanup_free_ char *dir = passwd_home (uid);
  out[k] = xasprintf ("HOME=%s", dir);
  *env = out;
  return 0;
}

int
process_make_cwd (const char *label, int root, const char *cwd, struct husk_error **err)
{
  char ebuf[128];
  _cleanup_free_ char *prefix = xstrdup (cwd);
  _cleanup_close_ int dir = dup (root);
  if (dir < 0)
    return husk_error_sys (err, errno, "%s \"%s\"", label, cwd);
  for (char *s = prefix;;)
    {
      while (*s == '/')
        s++;
      if (*s == '\0')
        return 0;
      char *comp = s;
      s += strcspn (s, "/");
      char saved = *s;
      *s = '\0';
      int e = 0;
      int next = mounts_openat2 (root, prefix, O_PATH | O_DIRECTORY, MOUNTS_RESOLVE);
      /* A magic link (or a symlink loop): nothing is made through it; the
         chdir that follows fails or is checked to stay inside the root
         (process_check_cwd_inside). */
      if (next < 0 && errno == ELOOP)
        return 0;
      if (next < 0 && errno == ENOENT)
        {
          /* Made in the directory already resolved: nothing of it can
             lead out of the root. */
          e = mkdirat (dir, comp, 0755) < 0 ? errno : 0;
          next = mounts_openat2 (root, prefix, O_PATH | O_DIRECTORY, MOUNTS_RESOLVE);
        }
      if (next < 0)
        /* A dangling symlink: mkdirat said EEXIST, as runc's MkdirAll. */
        return husk_error_set (err, "%s \"%s\": mkdir \"%s\": %s", label, cwd, prefix,
                               process_strerror (e ? e : errno, ebuf, sizeof ebuf));
      close (dir);
      dir = next;
      *s = saved;
    }
}

int
process_close_fds_on_exec (int keep, struct husk_error **err)
{
  for (int fd = 3; fd < 3 + keep; fd++)
    {
      int flags = fcntl (fd, F_GETFD);
      if (flags >= 0 && fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
        return husk_error_sys (err, errno, "preserve fd %d", fd);
    }
  if (syscall (SYS_close_range, 3 + keep, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return husk_error_sys (err, errno, "close_range");
  return 0;
}

int
process_reset_signals (struct husk_error **err)
{
  for (int sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);  /* EINVAL for SIGKILL, SIGSTOP and the gaps */
  sigset_t none;
  sigemptyset (&none);
  if (sigprocmask (SIG_SETMASK, &none, NULL) < 0)
    return husk_error_sys (err, errno, "sigprocmask");
  return 0;
}

int
process_check_cwd_inside (const char *label, const char *cwd, struct husk_error **err)
{
  char buf[PATH_MAX];
  bool found = getcwd (buf, sizeof buf) != NULL;
  if (!found && errno != ENOENT)
    return husk_error_sys (err, errno, "%s \"%s\": getcwd", label, cwd);
  if (!found || buf[0] != '/')
    return husk_error_set (err, "%s \"%s\": outside the container's root (CVE-2024-21626)", label, cwd);
  return 0;
}

/* The interpreter a "#!" script names (binfmt_script), into buf; false
   when exe is no such script.  Only a regular file is read, without
   blocking: a fifo in the image must not hang the init. */
static bool
process_script_interpreter (const char *exe, char *buf, size_t size)
{
  _cleanup_close_ int fd = open (exe, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode))
    return false;
  char head[PROCESS_SHEBANG_MAX + 1];
  ssize_t n = read (fd, head, PROCESS_SHEBANG_MAX);
  if (n < 3 || head[0] != '#' || head[1] != '!')
    return false;
  head[n] = '\0';
  char *p = head + 2;
  p += strspn (p, " \t");
  size_t len = strcspn (p, " \t\n");
  if (len == 0 || len >= size)
    return false;
  memcpy (buf, p, len);
  buf[len] = '\0';
  return true;
}

int
process_refuse_husk_binary (const char *exe, const char *arg0, const struct stat *self, struct husk_error **err)
{
  /* The kernel runs a script's interpreter, and the interpreter's own, up
     to 5 deep (BINPRM_MAX_RECURSION): "#!/proc/self/exe" would run the
     binary the exec'ing process runs, husk's. */
  char path[PATH_MAX];
  snprintf (path, sizeof path, "%s", exe);
  for (int depth = 0; depth <= PROCESS_SCRIPT_DEPTH; depth++)
    {
      struct stat st;
      if (stat (path, &st) == 0 && st.st_dev == self->st_dev && st.st_ino == self->st_ino)
        return husk_error_set (err,
                               depth == 0 ? "exec \"%s\": it is husk's own binary: refused (CVE-2019-5736)"
                                          : "exec \"%s\": its interpreter is husk's own binary: refused "
                                            "(CVE-2019-5736)",
                               arg0);
      char next[PATH_MAX];
      if (!process_script_interpreter (path, next, sizeof next))
        break;
      memcpy (path, next, sizeof path);
    }
  return 0;
}

int
process_write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

int
process_write_atomic (int dirfd, const char *name, const char *suffix, const char *data, size_t len,
                      mode_t mode)
{
  _cleanup_free_ char *tmp = xasprintf ("%s%s", name, suffix);
  _cleanup_close_ int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return -1;
  if (process_write_all (fd, data, len) < 0 || renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int e = errno;
      unlinkat (dirfd, tmp, 0);
      errno = e;
      return -1;
    }
  return 0;
}

int
process_write_pid_file (const char *path, int pid, struct husk_error **err)
{
  char buf[32];
  int len = snprintf (buf, sizeof buf, "%d", pid);
  if (process_write_atomic (AT_FDCWD, path, ".husk-tmp", buf, (size_t) len, 0644) < 0)
    return husk_error_sys (err, errno, "--pid-file \"%s\"", path);
  return 0;
}

int
process_wait (int pid, int *status)
{
  int ret;
  do
    ret = waitpid (pid, status, 0);
  while (ret < 0 && errno == EINTR);
  return ret;
}

/* keyrings(7); keyutils.h is not a dependency. */
#define PROCESS_KEY_USR_SEARCH 0x00080000
#define PROCESS_KEY_OTH_SEARCH 0x00000008

/* Whether we are in a user namespace other than the initial one, whose
   uid_map alone maps every id to itself. */
static bool
in_child_userns (void)
{
  _cleanup_fclose_ FILE *f = fopen ("/proc/self/uid_map", "re");
  unsigned long inner, outer, count;
  if (f == NULL || fscanf (f, "%lu %lu %lu", &inner, &outer, &count) != 3)
    return false;
  return !(inner == 0 && outer == 0 && count == 4294967295UL && fgetc (f) == '\n' && fgetc (f) == EOF);
}

int
process_join_keyring (const char *id, const struct oci_process *p, int lsm_proc, const char *source,
                      struct husk_error **err)
{
  if (id == NULL)
    return 0;
  if (lsm_apply_keycreate (p, lsm_proc, source, err) < 0)
    return -1;
  _cleanup_free_ char *name = xasprintf ("_ses.%s", id);
  long key = syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
  if (key < 0 && errno == ENOSYS)
    return 0;
  if (key < 0)
    return husk_error_sys (err, errno, "join the session keyring \"%s\"", name);
  char desc[512];
  long n = syscall (SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof desc - 1);
  if (n < 0 || (size_t) n >= sizeof desc)
    return husk_error_sys (err, n < 0 ? errno : ERANGE, "describe the session keyring");
  desc[n] = '\0';
  /* "type;uid;gid;perm;description", perm in hex.  A keyring of that name
     made by another user would be joined too (the kernel finds any
     searchable one): refused, the container's keys are not theirs. */
  unsigned long uid, gid, bits;
  int used = 0;
  if (sscanf (desc, "keyring;%lu;%lu;%lx;%n", &uid, &gid, &bits, &used) != 3 || used == 0)
    return husk_error_set (err, "describe the session keyring: unexpected \"%s\"", desc);
  /* In a user namespace of the container's, its root made it (exec joins
     it before it becomes that root). */
  bool child_userns = in_child_userns ();
  if (uid != (child_userns ? 0 : (unsigned long) geteuid ()))
    return husk_error_set (err, "join the session keyring \"%s\": it belongs to uid %lu", name, uid);
  /* Searchable as runc makes it: by its user, or in a user namespace of
     the container's by others (husk's exec, still the host's root when it
     joins, is "other" to the keyring of the container's root). */
  unsigned long search = child_userns ? PROCESS_KEY_OTH_SEARCH : PROCESS_KEY_USR_SEARCH;
  if (!(bits & search) && syscall (SYS_keyctl, KEYCTL_SETPERM, key, bits | search) < 0)
    return husk_error_sys (err, errno, "set the session keyring's permissions");
  return 0;
}
