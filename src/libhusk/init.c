/* The container init: the ordered setup list, the wait for start, exec. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "cgroup/cgroup.h"
#include "cleanup.h"
#include "devices.h"
#include "hooks.h"
#include "identity.h"
#include "init.h"
#include "mempolicy.h"
#include "lsm.h"
#include "proclimits.h"
#include "mounts.h"
#include "process.h"
#include "seccomp_filter.h"
#include "state.h"
#include "sync.h"
#include "sysctl.h"
#include "terminal.h"
#include "trace.h"

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

/* husk run blocks every signal to read them from a signalfd; the container
   starts with none blocked and every disposition at its default. */

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
  /* The container's /dev/console is its terminal: a bind mount, made only
     in a mount namespace of the container's (create warned otherwise). */
  bool own_mounts = (a->ns->listed_flags & CLONE_NEWNS) != 0;
  if (terminal_set_owner (slave, p->user.uid, err) < 0 || (own_mounts && devices_bind_console (slave, err) < 0))
    {
      close (slave);
      return husk_error_wrap (err, "process.terminal");
    }
  if (sync_send (a->sync_fd, SYNC_PTY, NULL, master, err) < 0)
    {
      close (slave);
      return -1;
    }
  return terminal_make_controlling (slave, &p->console_size, err);
}

/* process.cwd: mounts_setup_rootfs made it when missing (process_make_cwd). */
static int
enter_cwd (const char *cwd, struct husk_error **err)
{
  char ebuf[128];
  if (chdir (cwd) == 0)
    return 0;
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

/* Installing a filter without no_new_privs needs CAP_SYS_ADMIN: then the
   init keeps it until the filter is in (caps.h says why that is safe). */
static bool
seccomp_needs_admin (const struct init_args *a)
{
  return a->seccomp && !a->config->process->no_new_privileges;
}

/* A filter with SCMP_ACT_NOTIFY goes in before READY: its listener must
   reach husk, which sends it to the agent from the host (the listener
   path is a host path) while the container is created.  After it, the
   init only calls sendmsg, close and what waiting for `start` takes. */
static int
install_notify_filter (const struct init_args *a, int sync_fd, struct husk_error **err)
{
  if (a->seccomp == NULL || !a->seccomp->notify)
    return 0;
  _cleanup_close_ int listener = -1;
  if (seccomp_install (a->seccomp, &listener, err) < 0)
    return -1;
  return sync_send (sync_fd, SYNC_SECCOMP, NULL, listener, err);
}

/* Any other filter goes in after the wait for `start`, right before the
   execve: the profile then constrains nothing husk does (a profile that
   blocks openat, read or getcwd still starts).  A failure is written after
   the start byte, as a failed execve is, for `start` to report. */
static void
install_filter (const struct init_args *a, int fifo)
{
  struct husk_error *err = NULL;
  int unused;
  if (a->seccomp == NULL || a->seccomp->notify || seccomp_install (a->seccomp, &unused, &err) == 0)
    return;
  dprintf (fifo, "%s", err->msg);
  _exit (1);
}

static int
report_ready (int *sync_fd, struct husk_error **err)
{
  /* With --trace, our phases first. */
  _cleanup_free_ char *trace = trace_child_text ("init");
  if (trace && sync_send (*sync_fd, SYNC_TRACE, trace, -1, err) < 0)
    return -1;
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

/* The states the hooks the init runs get on stdin, as runc gives them:
   createContainer's says "creating" (create is not done), startContainer's
   "created"; the pid is ours, as the container sees it (the spec's rule
   for hooks in the container's namespaces).  Read now, through the state
   dir's fd, which wait_for_start closes.  NULL when there are no such
   hooks. */
static int
read_hooks_state (const struct init_args *a, int state_fd, char **create_json, char **start_json,
                  struct husk_error **err)
{
  const struct oci_hooks *h = a->config->hooks;
  *create_json = *start_json = NULL;
  if (hooks_count (h, HOOKS_CREATE_CONTAINER) + hooks_count (h, HOOKS_START_CONTAINER) == 0)
    return 0;
  struct husk_state *st = NULL;
  if (state_read (state_fd, a->id, &st, err) < 0)
    return -1;
  st->pid = (int) getpid ();
  *create_json = state_json (st, STATE_CREATING, false, STATE_JSON_HOOK);
  *start_json = state_json (st, STATE_CREATED, false, STATE_JSON_HOOK);
  state_free (st);
  return 0;
}

struct create_hooks
{
  const struct init_args *a;
  int sync_fd;
  char *const *state_json;         /* read after the struct is made */
};

/* Called by mounts between the container's mounts and pivot_root, the
   spec's point for three kinds: prestart and createRuntime run in the
   runtime's namespaces, so the parent runs them while we wait; then
   createContainer runs here, in the container's namespaces, its path
   resolved while the host's root is still our root. */
static int
run_create_hooks (void *data, struct husk_error **err)
{
  const struct create_hooks *ch = data;
  const struct oci_hooks *h = ch->a->config->hooks;
  if (hooks_count (h, HOOKS_PRESTART) + hooks_count (h, HOOKS_CREATE_RUNTIME) > 0
      && (trace_child_phase ("hooks (prestart, createRuntime, in husk)"),
          sync_send (ch->sync_fd, SYNC_HOOKS, NULL, -1, err) < 0
          || sync_expect (ch->sync_fd, SYNC_HOOKS_DONE, "husk", err) < 0))
    return -1;
  trace_child_phase ("hooks (createContainer)");
  int ret = hooks_run (h, HOOKS_CREATE_CONTAINER, *ch->state_json, ch->a->rootfs, err);
  trace_child_phase ("pivot_root, masked and readonly paths");
  return ret;
}

/* The container's root.  In a mount namespace of its own (new or joined):
   mounts_setup_rootfs, which pivots into root.path.  Without one (none
   listed: the host's is the container's, as the spec allows), husk
   mounts nothing there (create refused what would need a mount) and
   chroots into root.path, as runc does; the create hooks, process.cwd and
   linux.sysctl come at the same points as with a mount namespace. */
static int
setup_root (const struct init_args *a, struct create_hooks *ch, struct husk_error **err)
{
  const struct oci_config *c = a->config;
  if (a->ns->listed_flags & CLONE_NEWNS)
    return mounts_setup_rootfs (c, a->ns->new_flags, a->rootfs, a->bundle, a->no_pivot, run_create_hooks, ch,
                                err);
  if (run_create_hooks (ch, err) < 0)
    return -1;
  if (chroot (a->rootfs) < 0 || chdir ("/") < 0)
    return husk_error_sys (err, errno, "chroot into root.path \"%s\"", a->rootfs);
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return husk_error_sys (err, errno, "open the new \"/\"");
  if (process_make_cwd ("config.json: process.cwd", root, c->process->cwd, err) < 0
      || sysctl_apply (c, root, err) < 0)
    return -1;
  return 0;
}

/* startContainer: after `start` released us, inside the container, before
   the process is executed.  A failure is written into exec.fifo for
   `start` to report, and the container stops (we exit). */
static void
run_start_hooks (const struct init_args *a, const char *state_json, int fifo)
{
  struct husk_error *err = NULL;
  if (hooks_run (a->config->hooks, HOOKS_START_CONTAINER, state_json, NULL, &err) == 0)
    return;
  dprintf (fifo, "%s", err->msg);
  _exit (1);
}

/* CVE-2019-5736 by way of the container's own executable: process.args[0]
   (or a PATH entry) being a symlink to /proc/self/exe, or to any path of
   husk's binary, would make the init exec the host's husk binary as the
   container's process; once that process runs, it is dumpable and any
   process of the container could reopen /proc/1/exe for writing after it
   exits.  The binary's identity is taken before pivot_root, while the
   host's /proc is still in view, and every exec target is compared to
   it. */
static int
note_husk_binary (struct stat *self, struct husk_error **err)
{
  if (stat ("/proc/self/exe", self) < 0)
    return husk_error_sys (err, errno, "stat /proc/self/exe");
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
  _cleanup_free_ char *hooks_state = NULL, *start_hooks_state = NULL;
  struct create_hooks ch = { .a = a, .state_json = &hooks_state };
  char **env = a->env;

  /* Order, and why:
     - not dumpable first: from now on the container may hold processes;
     - our fds leave the range given to the container before anything;
     - nothing is made before the parent has recorded our pid (and wrote
       the maps of a new user namespace and our oom_score_adj);
     - with a new user namespace, the bind sources husk opened come
       right after RECORDED (mounts_receive_sources, mounts.h);
     - then we move ourselves into the cgroups the parent made and limited
       (cgroup_join_self says why not the parent), before any container
       code, so the limits cover the setup too;
     - namespaces: a joined user namespace first (the new kinds are then
       unshared in it, or were made by the intermediate that cloned us),
       then a joined mount namespace, becoming the user namespace's root
       before the kinds left to the init are unshared (an ipc namespace's
       mqueue belongs to its maker);
       then the cgroup namespace (our cgroups are its root); then a new
       time namespace, whose offsets the parent writes before we enter it
       (namespaces.h);
     - hostname before the mounts, which may make /proc/sys read-only;
     - the rootfs (mounts, pivot_root; without a mount namespace only a
       chroot: setup_root) before anything that looks up paths
       (the pty under the container's /dev, cwd, the executable); the
       prestart, createRuntime and createContainer hooks run between the
       mounts and pivot_root (run_create_hooks), as the spec places them;
     - the cwd is checked to be inside the root (process_check_cwd_inside);
     - HOME from the container's /etc/passwd when env has none, as runc
       (process_set_home), while still root, which can read it;
     - the executable is resolved now, so `create` (not `start`) reports a
       missing binary, or one that is husk's own (process_refuse_husk_binary,
       checked again before the execve);
     - limits (rlimits, scheduler, ioprio, personality, cpu affinity)
       while the init is still root: raising them may need privilege;
     - the AppArmor profile or SELinux label for the execve
       (lsm_apply_exec), through the host's /proc opened before any
       namespace or mount (lsm_open_proc), while still root and before
       no_new_privs, as runc does;
     - the bounding set is dropped and keep-caps set (caps_prepare) while
       the init is still uid 0 with every capability; then the user switch
       (identity_switch: groups, gid, uid, umask); the other sets after
       the uid change (caps_apply), ambient last;
     - no_new_privs, then fds are marked close-on-exec, as the last setup
       steps; READY is sent after them, so that once `create` returns only
       the wait for `start`, the startContainer hooks and the execve are
       left;
     - the seccomp filter as late as possible, so that it constrains
       nothing of husk's: right before the execve; a notify filter just
       before READY, as its listener must go to the agent through husk
       (install_notify_filter). */
  struct stat self;
  int lsm_proc = -1;
  trace_child_reset ();
  trace_child_phase ("prepare");
  if (set_not_dumpable (&err) < 0
      || note_husk_binary (&self, &err) < 0
      || move_fd_above (&sync_fd, 3 + a->keep_fds, &err) < 0
      || move_fd_above (&state_fd, 3 + a->keep_fds, &err) < 0
      || lsm_open_proc (p, 3 + a->keep_fds, &lsm_proc, &err) < 0)
    setup_failed (sync_fd, err);
  trace_child_phase ("wait for the pid recorded");
  if (wait_for_recorded (sync_fd, &err) < 0)
    _exit (1);  /* husk is gone or failed: nobody to report to */
  ch.sync_fd = sync_fd;
  /* The phases (trace.h) as the comma's left side: nothing when off. */
  if ((trace_child_phase ("cgroups, namespaces"), 0)
      || mounts_receive_sources (c, a->ns->new_flags, a->ns->clone_flags, sync_fd, &err) < 0
      || cgroup_join_self (a->cgroup, a->in_v2_cgroup, &err) < 0
      || namespaces_init_enter (a->ns, &err) < 0
      || namespaces_init_cgroup (a->ns, &err) < 0
      || namespaces_init_time (a->ns, sync_fd, &err) < 0
      || (trace_child_phase ("signals, keyring, hostname"), 0)
      || process_reset_signals (&err) < 0
      || process_join_keyring (a->no_new_keyring ? NULL : a->id, p, lsm_proc, "config.json", &err) < 0
      || set_hostname (c, &err) < 0
      || read_hooks_state (a, state_fd, &hooks_state, &start_hooks_state, &err) < 0
      || (trace_child_phase ("mounts"), 0)
      || setup_root (a, &ch, &err) < 0
      || (trace_child_phase ("terminal, cwd, executable"), 0)
      || setup_terminal (a, &err) < 0
      || enter_cwd (p->cwd, &err) < 0
      || process_check_cwd_inside ("config.json: process.cwd", p->cwd, &err) < 0
      || process_set_home (&env, p->user.uid) < 0
      || process_find_executable (a->argv[0], env, &exe, &err) < 0
      || process_refuse_husk_binary (exe, a->argv[0], &self, &err) < 0
      || (trace_child_phase ("limits, lsm"), 0)
      || proclimits_apply (c, &err) < 0
      || lsm_apply_exec (p, lsm_proc, "config.json", &err) < 0
      || (trace_child_phase ("caps, user"), 0)
      || caps_prepare (p->capabilities, seccomp_needs_admin (a), &err) < 0
      || identity_switch (p, &err) < 0
      || caps_apply (p->capabilities, seccomp_needs_admin (a), &err) < 0
      || (trace_child_phase ("no_new_privs, fds"), 0)
      || set_no_new_privs (p, &err) < 0
      || process_close_fds_on_exec (a->keep_fds, &err) < 0
      || install_notify_filter (a, sync_fd, &err) < 0
      || report_ready (&sync_fd, &err) < 0)
    setup_failed (sync_fd, err);

  if (wait_for_start (state_fd, &fifo, &err) < 0)
    _exit (1);
  run_start_hooks (a, start_hooks_state, fifo);
  /* Again: the rootfs may have changed while we waited for start. */
  if (process_refuse_husk_binary (exe, a->argv[0], &self, &err) < 0
      || mempolicy_apply (c->linux_ ? c->linux_->memory_policy : NULL, &err) < 0)
    {
      dprintf (fifo, "%s", err->msg);
      _exit (127);
    }
  install_filter (a, fifo);
  execve (exe, a->argv, env);

  /* `start` reads this after the byte and reports it. */
  char ebuf[128];
  dprintf (fifo, "exec \"%s\": %s", a->argv[0], process_strerror (errno, ebuf, sizeof ebuf));
  _exit (127);
}
