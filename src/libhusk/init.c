/* The container init: the ordered setup list, the wait for start, exec. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/keyctl.h>

#include "cleanup.h"
#include "init.h"
#include "mounts.h"
#include "process.h"
#include "sync.h"
#include "terminal.h"

/* The init's own fds must not sit in the range handed to the container. */
static int
move_fd_above (int *fd, int min, struct husk_error **err)
{
  if (*fd >= min)
    return 0;
  int nfd = fcntl (*fd, F_DUPFD_CLOEXEC, min);
  if (nfd < 0)
    return husk_error_sys (err, errno, "move fd %d", *fd);
  close (*fd);
  *fd = nfd;
  return 0;
}

/* The parent records our pid in state.json before we make anything, so a
   husk killed from here on leaves a state dir that `delete --force` can
   clean.  If it dies before that, we read EOF and exit. */
static int
wait_for_recorded (int sync_fd, struct husk_error **err)
{
  return sync_expect (sync_fd, SYNC_RECORDED, "husk", err);
}

/* The parent moved us into the container's cgroups before RECORDED; a
   cgroup namespace made now has them as its root. */
static int
enter_cgroup_namespace (const struct init_args *a, struct husk_error **err)
{
  if ((a->clone_flags & CLONE_NEWCGROUP) && unshare (CLONE_NEWCGROUP) < 0)
    return husk_error_sys (err, errno, "unshare the cgroup namespace");
  return 0;
}

/* husk run blocks every signal to read them from a signalfd; the container
   starts with none blocked and every disposition at its default. */
static int
reset_signals (struct husk_error **err)
{
  for (int sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);  /* EINVAL for SIGKILL, SIGSTOP and the gaps */
  sigset_t none;
  sigemptyset (&none);
  if (sigprocmask (SIG_SETMASK, &none, NULL) < 0)
    return husk_error_sys (err, errno, "sigprocmask");
  return 0;
}

/* A session keyring of its own, named after the container, as runc does:
   otherwise the container shares the keys of the session husk was started
   in.  Searchable by its user (possessor rights alone would not let a
   process that drops them find it).  Kernels without keyrings: skipped. */
#define KEY_USR_SEARCH 0x00080000  /* keyrings(7); keyutils.h is not a dependency */

static int
join_session_keyring (const struct init_args *a, struct husk_error **err)
{
  if (a->no_new_keyring)
    return 0;
  long key = syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, a->id);
  if (key < 0 && errno == ENOSYS)
    return 0;
  if (key < 0)
    return husk_error_sys (err, errno, "join a new session keyring");
  char desc[512];
  long n = syscall (SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof desc - 1);
  if (n < 0 || (size_t) n >= sizeof desc)
    return husk_error_sys (err, n < 0 ? errno : ERANGE, "describe the session keyring");
  desc[n] = '\0';
  /* "type;uid;gid;perm;description", perm in hex. */
  const char *p = desc;
  for (int i = 0; i < 3 && p; i++)
    if ((p = strchr (p, ';')) != NULL)
      p++;
  if (p == NULL)
    return husk_error_set (err, "describe the session keyring: unexpected \"%s\"", desc);
  unsigned long perm = strtoul (p, NULL, 16);
  if (syscall (SYS_keyctl, KEYCTL_SETPERM, key, (unsigned long) (perm | KEY_USR_SEARCH)) < 0)
    return husk_error_sys (err, errno, "set the session keyring's permissions");
  return 0;
}

static int
set_hostname (const struct oci_config *c, struct husk_error **err)
{
  if (c->hostname && sethostname (c->hostname, strlen (c->hostname)) < 0)
    return husk_error_sys (err, errno, "config.json: hostname: sethostname \"%s\"", c->hostname);
  if (c->domainname && setdomainname (c->domainname, strlen (c->domainname)) < 0)
    return husk_error_sys (err, errno, "config.json: domainname: setdomainname \"%s\"",
                           c->domainname);
  return 0;
}

/* The pty is made here, inside the container's /dev/pts, so that its name
   means something in the container; the master goes to husk. */
static int
setup_terminal (const struct init_args *a, struct husk_error **err)
{
  const struct oci_process *p = a->config->process;
  if (!p->terminal)
    return 0;
  _cleanup_close_ int master = -1;
  int slave = -1;
  if (terminal_new_pty (&master, &slave, err) < 0)
    return husk_error_wrap (err, "process.terminal");
  if (sync_send (a->sync_fd, SYNC_PTY, NULL, master, err) < 0)
    {
      close (slave);
      return -1;
    }
  return terminal_make_controlling (slave, &p->console_size, err);
}

/* process.cwd: created when missing, as runc does (images often name a
   working dir they do not ship). */
static int
enter_cwd (const char *cwd, struct husk_error **err)
{
  char ebuf[128];
  if (chdir (cwd) == 0)
    return 0;
  if (errno == ENOENT)
    {
      _cleanup_free_ char *p = xstrdup (cwd);
      for (char *s = p + 1;; s++)
        {
          if (*s != '/' && *s != '\0')
            continue;
          char c = *s;
          *s = '\0';
          if (mkdir (p, 0755) < 0 && errno != EEXIST)
            break;
          *s = c;
          if (c == '\0')
            break;
        }
      if (chdir (cwd) == 0)
        return 0;
    }
  return husk_error_set (err, "config.json: process.cwd \"%s\": %s", cwd,
                         process_strerror (errno, ebuf, sizeof ebuf));
}

static int
set_no_new_privs (const struct oci_process *p, struct husk_error **err)
{
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return husk_error_sys (err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

static int
report_ready (int *sync_fd, struct husk_error **err)
{
  int ret = sync_send (*sync_fd, SYNC_READY, NULL, -1, err);
  close (*sync_fd);
  *sync_fd = -1;
  return ret;
}

/* Opening exec.fifo for writing blocks until `start` opens it for reading;
   the byte written tells start we are going.  The fifo is opened through
   the state dir's fd, which works after pivot_root (the host path is gone)
   and needs no /proc in the container.  We unlink it as soon as we are
   released, so the container reads as running from then on even if
   `start` is killed before it gets to unlink it (then the write gets
   SIGPIPE and the container is stopped: never a created container whose
   fifo nobody will ever write again). */
static int
wait_for_start (int state_fd, int *fifo, struct husk_error **err)
{
  do
    *fifo = openat (state_fd, "exec.fifo", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  while (*fifo < 0 && errno == EINTR);
  if (*fifo < 0)
    return husk_error_sys (err, errno, "open exec.fifo");
  unlinkat (state_fd, "exec.fifo", 0);
  close (state_fd);
  if (write (*fifo, "0", 1) != 1)
    return husk_error_sys (err, errno, "write exec.fifo");
  return 0;
}

/* Until it execs, the init runs husk's binary: not dumpable, so that no
   process in the container can open it through /proc/<init>/exe and
   overwrite it later (CVE-2019-5736).  execve makes the container's
   process dumpable again. */
static int
set_not_dumpable (struct husk_error **err)
{
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return husk_error_sys (err, errno, "prctl PR_SET_DUMPABLE");
  return 0;
}

static _Noreturn void
setup_failed (int sync_fd, struct husk_error *err)
{
  struct husk_error *ignored = NULL;
  if (sync_fd >= 0)
    sync_send (sync_fd, SYNC_ERROR, err ? err->msg : "container init failed", -1, &ignored);
  husk_error_free (ignored);
  _exit (1);
}

void
init_run (const struct init_args *a)
{
  const struct oci_config *c = a->config;
  const struct oci_process *p = c->process;
  struct husk_error *err = NULL;
  int sync_fd = a->sync_fd, state_fd = a->state_fd, fifo = -1;
  _cleanup_free_ char *exe = NULL;

  /* Order, and why:
     - not dumpable first: from now on the container may hold processes;
     - our fds leave the range given to the container before anything;
     - nothing is made before the parent has recorded our pid;
     - hostname before the mounts, which may make /proc/sys read-only;
     - the rootfs (mounts, pivot_root) before anything that looks up paths
       (the pty under the container's /dev, cwd, the executable);
     - the executable is resolved now, so `create` (not `start`) reports a
       missing binary;
     - no_new_privs, then fds are marked close-on-exec, as the last setup
       steps; READY is sent after them, so that once `create` returns only
       the wait for `start` and the execve are left. */
  if (set_not_dumpable (&err) < 0
      || move_fd_above (&sync_fd, 3 + a->keep_fds, &err) < 0
      || move_fd_above (&state_fd, 3 + a->keep_fds, &err) < 0)
    setup_failed (sync_fd, err);
  if (wait_for_recorded (sync_fd, &err) < 0)
    _exit (1);  /* husk is gone or failed: nobody to report to */
  if (enter_cgroup_namespace (a, &err) < 0
      || reset_signals (&err) < 0
      || join_session_keyring (a, &err) < 0
      || set_hostname (c, &err) < 0
      || mounts_setup_rootfs (c, a->rootfs, a->bundle, a->no_pivot, &err) < 0
      || setup_terminal (a, &err) < 0
      || enter_cwd (p->cwd, &err) < 0
      || process_find_executable (a->argv[0], a->env, &exe, &err) < 0
      || set_no_new_privs (p, &err) < 0
      || process_close_fds_on_exec (a->keep_fds, &err) < 0
      || report_ready (&sync_fd, &err) < 0)
    setup_failed (sync_fd, err);

  if (wait_for_start (state_fd, &fifo, &err) < 0)
    _exit (1);
  execve (exe, a->argv, a->env);

  /* `start` reads this after the byte and reports it. */
  char ebuf[128];
  dprintf (fifo, "exec \"%s\": %s", a->argv[0], process_strerror (errno, ebuf, sizeof ebuf));
  _exit (127);
}
