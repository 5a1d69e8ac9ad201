/* The container lifecycle state machine: create, start, run, state, kill,
   delete, list. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/sched.h>

#include "cgroup/manage.h"
#include "cleanup.h"
#include "container.h"
#include "mempolicy.h"
#include "container_id.h"
#include "hooks.h"
#include "identity.h"
#include "idmap.h"
#include "init.h"
#include "proclimits.h"
#include "log.h"
#include "lsm.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "caps.h"
#include "seccomp_filter.h"
#include "state.h"
#include "sysctl.h"
#include "sync.h"
#include "trace.h"
#include "terminal.h"

static void
config_freep (struct oci_config **c)
{
  oci_config_free (*c);
}
#define _cleanup_config_ __attribute__ ((cleanup (config_freep)))

static void
state_freep (struct husk_state **s)
{
  state_free (*s);
}
#define _cleanup_state_ __attribute__ ((cleanup (state_freep)))

static void
strv_freep (char ***v)
{
  process_strv_free (*v);
}
#define _cleanup_strv_ __attribute__ ((cleanup (strv_freep)))

static void
seccomp_freep (struct seccomp_program **p)
{
  seccomp_program_free (*p);
}
#define _cleanup_seccomp_ __attribute__ ((cleanup (seccomp_freep)))

#define _cleanup_plan_ __attribute__ ((cleanup (namespaces_plan_close)))

#define SECCOMP_CACHE_NAME ".seccomp-cache"

char *
container_seccomp_cache_dir (void)
{
  if (geteuid () == 0)
    return xstrdup ("/run/husk/" SECCOMP_CACHE_NAME);
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  if (xdg == NULL || xdg[0] != '/')
    return NULL;
  return xasprintf ("%s/husk/" SECCOMP_CACHE_NAME, xdg);
}

int
container_check_supported (const struct oci_config *c, struct husk_error **err)
{
  const struct oci_process *p = c->process;
  const struct oci_linux *l = c->linux_;
  /* One row per config member husk does not apply yet: its JSON path and
     whether this config uses it.  The issue that implements a member
     deletes its row.  (mounts[], linux.namespaces and
     linux.rootfsPropagation are checked entry by entry by mounts.c and
     namespaces.c.) */
  const struct
  {
    const char *path;
    bool used;
  } rows[] = {
    { "process.commandLine", p && p->command_line },
    { "linux.intelRdt", l && l->intel_rdt },
    { "linux.netDevices", l && l->net_devices.n > 0 },
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    if (rows[i].used)
      return husk_error_set (err, "config.json: %s: not supported yet", rows[i].path);
  return mempolicy_check (l ? l->memory_policy : NULL, err);
}

/* Checks that need more than one member, or the command line. */
static int
check_config (const struct oci_config *c, const struct container_create_opts *o,
              const struct namespaces_plan *plan, struct husk_error **err)
{
  if (c->process == NULL)
    return husk_error_set (err, "config.json: process: required to create a container");
  if (c->process->args.n == 0)
    return husk_error_set (err, "config.json: process.args: must not be empty");
  if (c->process->cwd == NULL || c->process->cwd[0] != '/')
    return husk_error_set (err, "config.json: process.cwd \"%s\": must be an absolute path",
                           c->process->cwd ? c->process->cwd : "");
  if (c->root == NULL || c->root->path == NULL)
    return husk_error_set (err, "config.json: root.path: required");
  /* As runc: set in a new or a joined uts namespace, never in husk's. */
  if ((c->hostname || c->domainname) && !(plan->listed_flags & CLONE_NEWUTS))
    return husk_error_set (err,
                           "config.json: %s: needs a uts namespace in linux.namespaces (new or joined): "
                           "without one it would be the host's",
                           c->hostname ? "hostname" : "domainname");
  /* runc would set the host's names through such a path. */
  if ((c->hostname || c->domainname) && namespaces_joins_own (plan, CLONE_NEWUTS))
    return husk_error_set (err,
                           "config.json: %s: the joined uts namespace is husk's own: it would be set "
                           "on the host",
                           c->hostname ? "hostname" : "domainname");
  if (c->process->terminal && !o->foreground && o->console_socket == NULL)
    return husk_error_set (err, "config.json: process.terminal is true: --console-socket is required");
  if (!c->process->terminal && o->console_socket)
    return husk_error_set (err, "--console-socket: process.terminal is false: no terminal to send");
  if (o->preserve_fds < 0)
    return husk_error_set (err, "--preserve-fds: must not be negative");
  return 0;
}

static int
resolve_dir (const char *path, const char *what, char **out, struct husk_error **err)
{
  char ebuf[128];
  char *abs = realpath (path, NULL);
  if (abs == NULL)
    return husk_error_set (err, "%s \"%s\": %s", what, path, process_strerror (errno, ebuf, sizeof ebuf));
  struct stat st;
  if (stat (abs, &st) < 0 || !S_ISDIR (st.st_mode))
    {
      free (abs);
      return husk_error_set (err, "%s \"%s\": not a directory", what, path);
    }
  *out = abs;
  return 0;
}

static void
map_copy (oci_map *dst, const oci_map *src)
{
  dst->keys = xcalloc (src->n + 1, sizeof (char *));
  dst->values = xcalloc (src->n + 1, sizeof (char *));
  for (size_t i = 0; i < src->n; i++)
    {
      dst->keys[i] = xstrdup (src->keys[i]);
      dst->values[i] = xstrdup (src->values[i]);
    }
  dst->n = src->n;
}

static int
clone_init (int clone_flags, int cgroup_fd, int *pid, bool *into_cgroup, struct husk_error **err)
{
  /* With CLONE_PARENT, clone3 wants no exit signal: the child gets its
     parent's other child's, SIGCHLD (clone(2)). */
  struct clone_args args = {
    .flags = (uint64_t) (unsigned) clone_flags,
    .exit_signal = (clone_flags & CLONE_PARENT) ? 0 : SIGCHLD,
  };
  /* Born in its unified cgroup (CLONE_INTO_CGROUP, Linux 5.7); the init
     joins the others itself, and the unified one too on a kernel without
     the flag (*into_cgroup tells it which). */
  if (cgroup_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) cgroup_fd;
    }
  long ret = syscall (SYS_clone3, &args, sizeof args);
  if (ret < 0 && cgroup_fd >= 0 && (errno == EINVAL || errno == E2BIG))
    {
      args.flags &= ~(uint64_t) CLONE_INTO_CGROUP;
      args.cgroup = 0;
      ret = syscall (SYS_clone3, &args, sizeof args);
    }
  if (ret < 0)
    return husk_error_sys (err, errno, "clone3 the container init");
  *pid = (int) ret;
  *into_cgroup = (args.flags & CLONE_INTO_CGROUP) != 0;
  return 0;
}

/* What the intermediate child hands husk: the init's pid, or why there
   is none. */
struct intermediate_report
{
  int pid;
  char msg[1024];
};

/* A joined user namespace with a new pid namespace (namespaces.h): an
   intermediate child joins the user namespace and clones the init in the
   new namespaces, which then belong to it.  CLONE_PARENT keeps the init
   husk's child, as on the one-clone path, so that husk's waits, signals
   and undo are the same.  The intermediate writes the pid (or its error)
   to a pipe and exits; husk reaps it at once.  Returns in husk and, with
   *pid 0, in the init. */
static int
clone_through_intermediate (const struct namespaces_plan *ns, int cgroup_fd, int *pid, bool *into_cgroup,
                            struct husk_error **err)
{
  int p[2];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return husk_error_sys (err, errno, "pipe");
  _cleanup_close_ int rd = p[0];
  _cleanup_close_ int wr = p[1];
  int child = -1;
  if (clone_init (0, cgroup_fd, &child, into_cgroup, err) < 0)
    return -1;
  if (child == 0)
    {
      struct intermediate_report r = { .pid = -1 };
      struct husk_error *e = NULL;
      /* The init is born in the intermediate's cgroup (*into_cgroup). */
      bool ignored;
      if (namespaces_join_user (ns, &e) == 0)
        clone_init (CLONE_PARENT | ns->clone_flags, -1, &r.pid, &ignored, &e);
      if (r.pid == 0)
        {
          *pid = 0;
          return 0;
        }
      if (e)
        snprintf (r.msg, sizeof r.msg, "%s", e->msg);
      _exit (write (wr, &r, sizeof r) == (ssize_t) sizeof r && r.pid > 0 ? 0 : 1);
    }
  close (steal_fd (&wr));
  struct intermediate_report r = { .pid = -1 };
  ssize_t n;
  do
    n = read (rd, &r, sizeof r);
  while (n < 0 && errno == EINTR);
  process_wait (child, NULL);
  if (n != (ssize_t) sizeof r)
    return husk_error_set (err, "the intermediate child died before cloning the container init");
  if (r.pid <= 0)
    return husk_error_set (err, "%.*s", (int) sizeof r.msg, r.msg);
  *pid = r.pid;
  return 0;
}

/* The container init, born in the new namespaces of linux.namespaces:
   returns in husk with its pid, in the init with *pid 0. */
static int
clone_container_init (const struct namespaces_plan *ns, int cgroup_fd, int *pid, bool *into_cgroup,
                      struct husk_error **err)
{
  if (ns->intermediate)
    return clone_through_intermediate (ns, cgroup_fd, pid, into_cgroup, err);
  return clone_init (ns->clone_flags, cgroup_fd, pid, into_cgroup, err);
}

/* The init opens exec.fifo for writing last, as process.user (init.c),
   which may be any host uid (the maps of a new or joined user namespace
   decide): like runc's, the fifo is writable by all (0622) and the state
   dir searchable (0711).  Nobody else reaches them: the state root above
   is 0700, and the init opens the fifo through its fd of the state dir.
   Nothing else in the dir is readable by others. */
static int
give_fifo_to_process (int dirfd, struct husk_error **err)
{
  if (fchmodat (dirfd, "exec.fifo", 0622, 0) < 0 || fchmod (dirfd, 0711) < 0)
    return husk_error_sys (err, errno, "make exec.fifo writable by the container's user");
  return 0;
}

/* What create makes, so that one function can undo it. */
struct creation
{
  int rootfd;
  int dirfd;                       /* the state dir, locked */
  int pid;                         /* the init, our child; 0 before clone */
  int console;                     /* connected --console-socket, or -1 */
  const char *id;
  const char *pid_file;            /* set once written */
};

static void
creation_undo (struct creation *cr)
{
  if (cr->pid > 0)
    {
      kill (cr->pid, SIGKILL);
      process_wait (cr->pid, NULL);
    }
  if (cr->dirfd >= 0)
    {
      struct husk_error *ignored = NULL;
      cgroup_container_remove (cr->dirfd, &ignored);
      husk_error_free (ignored);
      ignored = NULL;
      state_remove (cr->rootfd, cr->id, cr->dirfd, &ignored);
      husk_error_free (ignored);
    }
  if (cr->pid_file)
    unlink (cr->pid_file);
}

/* The init's mounts are made and it waits before pivot_root: the point
   of the prestart (deprecated, still run) and createRuntime hooks, which
   run here, in the runtime's namespaces.  Their stdin says "creating", as
   runc's does: they are part of the create operation, which the spec's
   "created" follows. */
static int
run_create_runtime_hooks (const struct oci_config *c, const struct husk_state *st,
                          struct husk_error **err)
{
  _cleanup_free_ char *json = state_json (st, STATE_CREATING, false, STATE_JSON_HOOK);
  if (hooks_run (c->hooks, HOOKS_PRESTART, json, st->bundle, err) < 0
      || hooks_run (c->hooks, HOOKS_CREATE_RUNTIME, json, st->bundle, err) < 0)
    return -1;
  return 0;
}

/* Reads the init's messages until READY.  The pty master is sent on to
   the console socket, or, for husk run in the foreground without one,
   kept. */
/* The notify listener of the init's filter, to the seccomp agent, with
   the state of the container being created. */
static int
send_seccomp_listener (const struct oci_config *c, const struct husk_state *st, int pid, int fd,
                       struct husk_error **err)
{
  if (c->linux_ == NULL || c->linux_->seccomp == NULL)
    return husk_error_set (err, "sync: unexpected SECCOMP from the container init");
  _cleanup_free_ char *state = state_json (st, STATE_CREATING, false, STATE_JSON_HOOK);
  return seccomp_send_to_agent (c->linux_->seccomp, st->oci_version, pid, state, fd, err);
}

static int
wait_for_ready (const struct container_create_opts *o, const struct oci_config *c,
                const struct husk_state *st, int sync_fd, int pid, int console, int *pty,
                struct husk_error **err)
{
  for (;;)
    {
      enum sync_kind kind = 0;
      _cleanup_free_ char *text = NULL;
      _cleanup_close_ int fd = -1;
      int ret = sync_recv (sync_fd, &kind, &text, &fd, err);
      if (ret < 0)
        return ret;
      if (ret == 1)
        {
          int status = 0;
          if (process_wait (pid, &status) > 0 && WIFSIGNALED (status))
            return husk_error_set (err, "container init was killed by signal %d during setup",
                                   WTERMSIG (status));
          return husk_error_set (err, "container init exited during setup");
        }
      switch (kind)
        {
        case SYNC_READY:
          return 0;
        case SYNC_TRACE:
          trace_merge (text);
          break;
        case SYNC_ERROR:
          return husk_error_set (err, "%s", text ? text : "container init failed");
        case SYNC_TIMENS:
          if (namespaces_write_time_offsets (pid, c->linux_ ? c->linux_->time_offsets : NULL, err) < 0
              || sync_send (sync_fd, SYNC_TIMENS_DONE, NULL, -1, err) < 0)
            return -1;
          break;
        case SYNC_HOOKS:
          trace_phase ("hooks (prestart, createRuntime)");
          if (run_create_runtime_hooks (c, st, err) < 0
              || sync_send (sync_fd, SYNC_HOOKS_DONE, NULL, -1, err) < 0)
            return -1;
          trace_phase ("wait for the init");
          break;
        case SYNC_SECCOMP:
          if (fd < 0)
            return husk_error_set (err, "sync: SECCOMP message without a file descriptor");
          if (send_seccomp_listener (c, st, pid, fd, err) < 0)
            return -1;
          break;
        case SYNC_PTY:
          if (fd < 0)
            return husk_error_set (err, "sync: PTY message without a file descriptor");
          if (console < 0)
            *pty = steal_fd (&fd);
          else if (terminal_send_fd_socket (console, fd, err) < 0)
            return husk_error_wrap (err, "--console-socket \"%s\"", o->console_socket);
          break;
        default:
          return husk_error_set (err, "sync: unexpected %s from the container init",
                                 sync_kind_name (kind));
        }
    }
}

/* The part of create after the config is checked: state dir, clone, wait. */
static int
create_container (const struct container_create_opts *o, const struct oci_config *c,
                  struct init_args *ia, struct husk_state *st, struct creation *cr, int *pty,
                  struct husk_error **err)
{
  trace_phase ("state dir");
  if (state_create_dir (cr->rootfd, st, &cr->dirfd, err) < 0)
    return -1;
  if (mkfifoat (cr->dirfd, "exec.fifo", 0600) < 0)
    return husk_error_sys (err, errno, "create exec.fifo");
  if (give_fifo_to_process (cr->dirfd, err) < 0)
    return -1;
  /* The bytes parsed, not the bundle's file again: it may have changed
     since, and the hooks and `exec` read this copy. */
  if (state_config_save (cr->dirfd, ia->config_json, ia->config_json_len, err) < 0)
    return -1;
  /* The cgroups (recorded in the state dir first) exist and are limited
     before the init does; it is moved in before it runs any container
     code, so the limits cover the setup too. */
  struct cgroup *cg = NULL;
  trace_phase ("cgroups");
  int cg_ret = cgroup_container_setup (cr->dirfd, c, o->id, &cg, err);
  if (cg_ret < 0)
    {
      cgroup_free (cg);
      return -1;
    }
  /* The init gets its own open file of the state dir: the locked one is
     closed in the child, or the init would hold the lock until exec. */
  _cleanup_close_ int state_fd = openat (cr->dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (state_fd < 0)
    return husk_error_sys (err, errno, "open state dir");
  trace_phase ("clone");
  int sp[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return husk_error_sys (err, errno, "socketpair");
  _cleanup_close_ int parent_end = sp[0];
  _cleanup_close_ int child_end = sp[1];

  int pid = -1;
  /* A new cgroup namespace is entered by the init itself once it is in
     its cgroup (init.c): cloned into one here, its root would be husk's
     cgroup. */
  _cleanup_close_ int cg_fd = cgroup_clone_fd (cg);
  /* The joined pid, net, ipc, uts and time namespaces are entered
     around clone3 only (namespaces.h says why). */
  int saved_ns[NAMESPACES_SAVED_MAX];
  int ns_ret = namespaces_enter_joined (ia->ns, saved_ns, err);
  if (ns_ret == 0)
    ns_ret = clone_container_init (ia->ns, cg_fd, &pid, &ia->in_v2_cgroup, err);
  if (pid != 0)
    {
      struct husk_error *leave_err = NULL;
      if (namespaces_leave_joined (saved_ns, &leave_err) < 0 && ns_ret == 0)
        {
          *err = steal_pointer (&leave_err);
          ns_ret = -1;
        }
      husk_error_free (leave_err);
    }
  if (ns_ret < 0 && pid <= 0)
    {
      cgroup_free (cg);
      return -1;
    }
  if (pid == 0)
    {
      close (cr->dirfd);
      close (cr->rootfd);
      if (cr->console >= 0)
        close (cr->console);
      /* The host's cgroup directory is no fd of the container's
         (CVE-2024-21626 leaked runc's). */
      if (cg_fd >= 0)
        close (cg_fd);
      close (parent_end);
      ia->sync_fd = child_end;
      ia->state_fd = state_fd;
      ia->cgroup = cg;
      init_run (ia);
    }
  cr->pid = pid;
  trace_phase ("maps, oom_score_adj");
  close (steal_fd (&child_end));
  close (steal_fd (&state_fd));
  /* The init moves itself into its cgroups (cgroup_join_self), first
     thing after RECORDED: far cheaper than husk writing its pid. */
  cgroup_free (cg);
  if (ns_ret < 0)
    return -1;
  /* Before RECORDED, which is when the init goes on: in a new user
     namespace it first becomes the mapped root. */
  if ((ia->ns->new_flags & CLONE_NEWUSER) && idmap_write (pid, c, err) < 0)
    return -1;
  if (proclimits_write_oom_score_adj (pid, c->process, err) < 0)
    return -1;

  trace_phase ("record the pid");
  char proc_state;
  if (state_proc_stat (pid, &st->start_time, &proc_state) < 0)
    return husk_error_sys (err, errno, "read /proc/%d/stat", pid);
  st->pid = pid;
  if (state_write (cr->dirfd, st, err) < 0
      || sync_send (parent_end, SYNC_RECORDED, NULL, -1, err) < 0
      || (trace_phase ("wait for the init"), 0)
      || mounts_send_sources (c, ia->ns->new_flags, ia->ns->clone_flags, pid, ia->bundle, parent_end, err) < 0
      || wait_for_ready (o, c, st, parent_end, pid, cr->console, pty, err) < 0)
    return -1;
  trace_phase ("created");
  free (st->status);
  st->status = xstrdup ("created");
  if (state_write (cr->dirfd, st, err) < 0)
    return -1;
  if (o->pid_file && process_write_pid_file (o->pid_file, pid, err) < 0)
    return -1;
  cr->pid_file = o->pid_file;
  return 0;
}

static int delete_locked (int rootfd, int dirfd, const char *id, bool force, struct husk_error **err);

/* A state dir of id still "creating" whose lock nobody holds is what a
   husk killed in create left (create holds the lock until the status is
   "created"): it is deleted as by `delete --force`, so that the id can be
   created again.  Failures leave it; the create then says the id exists. */
static void
remove_dead_create (int rootfd, const char *id)
{
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  struct husk_error *e = NULL;
  bool busy = true;
  if (state_open_if_free (rootfd, id, &dirfd, &busy, &e) == 0 && !busy && state_read (dirfd, id, &st, &e) == 0
      && strcmp (st->status, "creating") == 0)
    {
      log_warning ("container \"%s\": removing what a killed create left", id);
      delete_locked (rootfd, dirfd, id, true, &e);
    }
  husk_error_free (e);
}

/* create, returning with the state dir still locked (run starts the
   container before anyone else may touch it). */
static int
create_holding_lock (const struct container_create_opts *o, int *rootfd_out, int *dirfd_out,
                         int *pid, int *pty, struct husk_error **err)
{
  _cleanup_free_ char *bundle = NULL;
  _cleanup_free_ char *rootfs = NULL;
  _cleanup_config_ struct oci_config *c = NULL;
  *pty = -1;
  trace_phase ("parse");
  if (resolve_dir (o->bundle ? o->bundle : ".", "bundle", &bundle, err) < 0)
    return -1;

  _cleanup_free_ char *config_path = xasprintf ("%s/config.json", bundle);
  _cleanup_free_ char *config_json = NULL;
  size_t config_json_len = 0;
  char *perr = NULL;
  if (oci_config_read_file (config_path, "config.json", &config_json, &config_json_len, &perr) < 0
      || oci_config_parse_data (config_json, config_json_len, "config.json", &c, &perr) < 0)
    {
      husk_error_set (err, "%s", perr ? perr : "config.json: cannot parse");
      free (perr);
      return -1;
    }
  _cleanup_plan_ struct namespaces_plan plan = { 0 };
  trace_phase ("checks");
  if (container_check_supported (c, err) < 0 || namespaces_plan (c, &plan, err) < 0
      || check_config (c, o, &plan, err) < 0
      || idmap_check (c, (plan.new_flags & CLONE_NEWUSER) != 0, err) < 0
      || identity_check (c->process, err) < 0 || proclimits_check (c, err) < 0
      || caps_check (c->process->capabilities, "config.json", err) < 0 || lsm_check (c, "config.json", err) < 0
      || sysctl_check (c, err) < 0 || mounts_check (c, err) < 0)
    return -1;
  /* Compiled here, so that a bad profile fails before anything is made;
     the init inherits the program and only installs it. */
  _cleanup_seccomp_ struct seccomp_program *seccomp = NULL;
  _cleanup_free_ char *seccomp_cache = container_seccomp_cache_dir ();
  trace_phase (TRACE_SECCOMP_COMPILE);
  if (seccomp_compile (c->linux_ ? c->linux_->seccomp : NULL, seccomp_cache, &seccomp, err) < 0)
    return -1;
  if (seccomp == NULL)
    trace_rename ("seccomp (none)");
  else if (seccomp->from_cache)
    trace_rename (TRACE_SECCOMP_HIT);
  trace_phase ("prepare");
  _cleanup_free_ char *root_path
      = c->root->path[0] == '/' ? xstrdup (c->root->path) : xasprintf ("%s/%s", bundle, c->root->path);
  if (resolve_dir (root_path, "config.json: root.path", &rootfs, err) < 0)
    return -1;

  int listen_fds = process_listen_fds ();
  _cleanup_strv_ char **argv = process_strv (&c->process->args);
  _cleanup_strv_ char **env = process_env (&c->process->env, listen_fds);
  struct init_args ia = {
    .config = c,
    .rootfs = rootfs,
    .bundle = bundle,
    .id = o->id,
    .no_pivot = o->no_pivot,
    .no_new_keyring = o->no_new_keyring,
    .clone_flags = plan.new_flags,
    .ns = &plan,
    .keep_fds = listen_fds + o->preserve_fds,
    .argv = argv,
    .env = env,
    .seccomp = seccomp,
    .config_json = config_json,
    .config_json_len = config_json_len,
  };

  _cleanup_state_ struct husk_state *st = xcalloc (1, sizeof *st);
  st->oci_version = xstrdup (c->oci_version);
  st->id = xstrdup (o->id);
  st->status = xstrdup ("creating");
  st->bundle = xstrdup (bundle);
  st->rootfs = xstrdup (rootfs);
  st->created = state_timestamp_now ();
  st->owner = geteuid ();
  st->no_new_keyring = o->no_new_keyring;
  map_copy (&st->annotations, &c->annotations);

  struct creation cr = { .rootfd = -1, .dirfd = -1, .console = -1, .id = o->id };
  if (state_root_open (o->root, true, &cr.rootfd, err) < 0)
    return -1;
  /* Connected before anything is made: a socket nobody listens on fails
     create at once. */
  if (o->console_socket && (cr.console = terminal_connect (o->console_socket, err)) < 0)
    {
      close (cr.rootfd);
      return -1;
    }
  /* What a create of this id killed before its rename left, or after. */
  state_remove_stale_temps (cr.rootfd, o->id);
  remove_dead_create (cr.rootfd, o->id);
  int ret = create_container (o, c, &ia, st, &cr, pty, err);
  if (cr.console >= 0)
    close (cr.console);
  if (ret < 0)
    {
      if (*pty >= 0)
        close (*pty);
      *pty = -1;
      creation_undo (&cr);
      if (cr.dirfd >= 0)
        close (cr.dirfd);
      close (cr.rootfd);
      return -1;
    }
  *pid = cr.pid;
  *rootfd_out = cr.rootfd;
  *dirfd_out = cr.dirfd;
  return 0;
}

int
container_create (const struct container_create_opts *o, int *pid, int *pty,
                  struct husk_error **err)
{
  int rootfd = -1, dirfd = -1;
  if (create_holding_lock (o, &rootfd, &dirfd, pid, pty, err) < 0)
    return -1;
  close (dirfd);
  close (rootfd);
  return 0;
}

/* ---- start ---- */

static int
not_created_error (enum state_status s, const char *verb, struct husk_error **err)
{
  return husk_error_set (err, "cannot %s a container that is %s", verb, state_status_name (s));
}

/* Lets the init go: opening exec.fifo for reading unblocks its open for
   writing; it writes one byte and execs (exec.fifo is close-on-exec, so we
   then read EOF), or writes after the byte why execve failed, and exits.
   The pidfd catches an init that dies before it opens the fifo, which
   would otherwise leave us waiting for a writer forever. */
static int
release_init (int dirfd, int pidfd, struct husk_error **err)
{
  _cleanup_close_ int fifo
      = openat (dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
  if (fifo < 0)
    return husk_error_sys (err, errno, "open exec.fifo");
  char msg[SYNC_MAX_TEXT + 1];
  size_t len = 0;
  bool exited = false;
  for (;;)
    {
      struct pollfd fds[2] = { { fifo, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
      /* Once the init has exited, all it wrote is in the fifo already. */
      if (poll (fds, 2, exited ? 0 : -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return husk_error_sys (err, errno, "poll exec.fifo");
        }
      exited = exited || (fds[1].revents & POLLIN);
      ssize_t r = read (fifo, msg + len, sizeof msg - 1 - len);
      if (r > 0)
        len += (size_t) r;
      else if (r < 0 && errno != EAGAIN && errno != EINTR)
        return husk_error_sys (err, errno, "read exec.fifo");
      /* r == 0: the init closed its end (execve, or exit). */
      if ((r > 0 && len < sizeof msg - 1) || (r < 0 && !exited))
        continue;
      break;
    }
  /* The init unlinks it when released; this covers an init that died. */
  unlinkat (dirfd, "exec.fifo", 0);
  if (len == 0)
    return husk_error_set (err, "container init exited before start");
  msg[len] = '\0';
  if (len > 1)
    return husk_error_set (err, "%s", msg + 1);
  return 0;
}

static int
start_locked (int dirfd, const char *id, struct husk_error **err)
{
  _cleanup_state_ struct husk_state *st = NULL;
  if (state_read (dirfd, id, &st, err) < 0)
    return -1;
  enum state_status s = state_status (dirfd, st);
  if (s != STATE_CREATED)
    return not_created_error (s, "start", err);
  _cleanup_close_ int pidfd = -1;
  if (state_init_pidfd (st, &pidfd, err) < 0)
    return -1;
  if (pidfd < 0)
    return not_created_error (STATE_STOPPED, "start", err);
  _cleanup_config_ struct oci_config *saved = NULL;
  if (state_config_load (dirfd, &saved, err) < 0)
    return -1;
  /* From the release to the execve: the startContainer hooks, the memory
     policy, the seccomp filter and the exec, in the init. */
  trace_phase ("start: release to execve");
  if (release_init (dirfd, pidfd, err) < 0)
    return -1;
  trace_phase ("poststart hooks");
  /* poststart: the process has started; failures are only warnings.  Its
     stdin says "running", as the spec defines it after the program runs
     (runc's says "created": docs/runc-differences.md). */
  if (hooks_count (saved ? saved->hooks : NULL, HOOKS_POSTSTART) > 0)
    {
      _cleanup_free_ char *json = state_json (st, STATE_RUNNING, false, STATE_JSON_HOOK);
      return hooks_run (saved->hooks, HOOKS_POSTSTART, json, st->bundle, err);
    }
  return 0;
}

int
container_start (const char *root, const char *id, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  trace_phase ("state");
  if (state_root_open (root, false, &rootfd, err) < 0 || state_open (rootfd, id, true, &dirfd, err) < 0)
    return -1;
  return start_locked (dirfd, id, err);
}

/* ---- state, kill, delete, list ---- */

static int
open_read (const char *root, const char *id, bool exclusive, int *rootfd, int *dirfd,
           struct husk_state **st, struct husk_error **err)
{
  if (state_root_open (root, false, rootfd, err) < 0
      || state_open (*rootfd, id, exclusive, dirfd, err) < 0)
    return -1;
  return state_read (*dirfd, id, st, err);
}

int
container_state (const char *root, const char *id, char **json, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  bool busy = false;
  if (state_root_open (root, false, &rootfd, err) < 0
      || state_open_reader (rootfd, id, &dirfd, &busy, err) < 0)
    return -1;
  if (state_read (dirfd, id, &st, err) < 0)
    {
      if ((*err)->errno_ == ENOENT)
        return -1;
      log_warning ("%s: shown as stopped; delete --force removes it", (*err)->msg);
      husk_error_free (*err);
      *err = NULL;
      st = state_unreadable (dirfd, id);
      *json = state_json (st, STATE_STOPPED, true, STATE_JSON_STATE);
      return 0;
    }
  *json = state_json (st, state_status_read (dirfd, st, busy), true, STATE_JSON_STATE);
  return 0;
}

static int
send_signal (int pidfd, int sig, struct husk_error **err)
{
  if (syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
    return husk_error_sys (err, errno, "send signal %d", sig);
  return 0;
}

int
container_kill (const char *root, const char *id, int sig, bool all, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  if (open_read (root, id, true, &rootfd, &dirfd, &st, err) < 0)
    return -1;
  /* --all: every process of the cgroup, also when the init is gone
     (without a pid namespace, its children outlive it). */
  if (all)
    return cgroup_container_kill_all (dirfd, sig, err);
  _cleanup_close_ int pidfd = -1;
  if (state_init_pidfd (st, &pidfd, err) < 0)
    return -1;
  if (pidfd < 0)
    return husk_error_set (err, "container \"%s\" is stopped: container not running", id);
  return send_signal (pidfd, sig, err);
}

/* SIGKILL through the pidfd, then wait until the process has exited: a
   pidfd polls readable when it does (no sleeping loop). */
static int
kill_and_wait (int pidfd, struct husk_error **err)
{
  if (send_signal (pidfd, SIGKILL, err) < 0)
    return -1;
  struct pollfd p = { pidfd, POLLIN, 0 };
  while (poll (&p, 1, -1) < 0)
    if (errno != EINTR)
      return husk_error_sys (err, errno, "wait for the container init to exit");
  return 0;
}

static void
cgroup_freep (struct cgroup **c)
{
  cgroup_free (*c);
}
#define _cleanup_cgroup_ __attribute__ ((cleanup (cgroup_freep)))

/* notes += "; " + what (the one warning line of a delete). */
static void
note_add (char **notes, const char *what)
{
  char *n = *notes ? xasprintf ("%s; %s", *notes, what) : xstrdup (what);
  free (*notes);
  *notes = n;
}

/* The container's cgroups as delete removes them: its record checked
   against what create would have made for id (cgroup.json is untrusted:
   garbled, it must not make husk kill or rmdir elsewhere), or that
   expectation when the record is unreadable. */
static int
delete_cgroups (int dirfd, const char *id, const struct oci_config *saved, struct cgroup **cg,
                char **notes, struct husk_error **err)
{
  const char *path = saved && saved->linux_ ? saved->linux_->cgroups_path : NULL;
  _cleanup_free_ char *note = NULL;
  if (cgroup_record_read_checked (dirfd, id, path, cg, &note, err) < 0)
    return -1;
  if (note)
    note_add (notes, note);
  return 0;
}

static int
delete_locked (int rootfd, int dirfd, const char *id, bool force, struct husk_error **err)
{
  _cleanup_state_ struct husk_state *st = NULL;
  _cleanup_free_ char *notes = NULL;
  if (state_read (dirfd, id, &st, err) < 0)
    {
      /* A state dir without a readable state.json: --force finds the
         processes by the cgroups and removes it. */
      if (!force)
        return -1;
      note_add (&notes, (*err)->msg);
      husk_error_free (*err);
      *err = NULL;
    }
  /* poststop runs once the container is gone, from the config create
     saved; its cgroupsPath tells where the cgroups are.  Read before
     anything goes; a saved config that cannot be read is only noted. */
  _cleanup_config_ struct oci_config *saved = NULL;
  struct husk_error *load_err = NULL;
  if (state_config_load (dirfd, &saved, &load_err) < 0)
    {
      note_add (&notes, load_err->msg);
      husk_error_free (load_err);
      if (st)
        note_add (&notes, "poststop hooks not run");
    }
  enum state_status s = st ? state_status (dirfd, st) : STATE_STOPPED;
  if (s != STATE_STOPPED && !force)
    return husk_error_set (err, "cannot delete container \"%s\" that is not stopped: %s", id,
                           state_status_name (s));
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  trace_phase ("cgroups, kill");
  if (delete_cgroups (dirfd, id, saved, &cg, &notes, err) < 0)
    return -1;
  if (notes)
    log_warning ("container \"%s\": %s: removing what can be found", id, notes);
  /* Removing the cgroups kills every process in them, the init too,
     thawing a paused container so that they can die; a stopped
     container's leftovers (children of an init without its own pid
     namespace) die with them. */
  if (cg && cgroup_destroy (cg, err) < 0)
    return -1;
  if (s != STATE_STOPPED)
    {
      _cleanup_close_ int pidfd = -1;
      if (state_init_pidfd (st, &pidfd, err) < 0)
        return -1;
      if (pidfd >= 0 && kill_and_wait (pidfd, err) < 0)
        return -1;
    }
  trace_phase ("state dir");
  if (state_remove (rootfd, id, dirfd, err) < 0)
    return -1;
  if (st && hooks_count (saved ? saved->hooks : NULL, HOOKS_POSTSTOP) > 0)
    {
      trace_phase ("poststop hooks");
      _cleanup_free_ char *json = state_json (st, STATE_STOPPED, false, STATE_JSON_HOOK);
      /* The bundle may be gone by now: then husk's own cwd, as runc's
         delete gives it. */
      struct stat bst;
      const char *cwd = stat (st->bundle, &bst) == 0 && S_ISDIR (bst.st_mode) ? st->bundle : NULL;
      return hooks_run (saved->hooks, HOOKS_POSTSTOP, json, cwd, err);
    }
  return 0;
}

/* As runc 1.1: deleting a container that does not exist is an error,
   except with --force, which engines (podman) run after a failed create
   and which then succeeds.  A non-directory left at <root>/<id> (husk never
   makes one; it would block a create of that id) goes too, as runc's
   RemoveAll would take it; a directory there is a container, handled by
   delete_locked. */
int
container_delete (const char *root, const char *id, bool force, struct husk_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  trace_phase ("state");
  if (state_root_open (root, false, &rootfd, err) < 0)
    return -1;
  /* A create killed before its rename left only its temporary dir. */
  if (force)
    state_remove_stale_temps (rootfd, id);
  if (state_open (rootfd, id, true, &dirfd, err) < 0)
    {
      if (!force || (*err)->errno_ != ENOENT)
        return -1;
      husk_error_free (*err);
      *err = NULL;
      if (rootfd >= 0 && unlinkat (rootfd, id, 0) < 0 && errno != ENOENT && errno != EISDIR)
        return husk_error_sys (err, errno, "remove leftover \"%s\" in the state root", id);
      return 0;
    }
  return delete_locked (rootfd, dirfd, id, force, err);
}

static int
compare_ids (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
container_list (const char *root, struct container_list *out, struct husk_error **err)
{
  memset (out, 0, sizeof *out);
  _cleanup_close_ int rootfd = -1;
  if (state_root_open (root, false, &rootfd, err) < 0)
    return -1;
  if (rootfd < 0)
    return 0;
  int fd = dup (rootfd);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return husk_error_sys (err, errno, "read state root \"%s\"", root);
    }
  char **ids = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    {
      /* Ids never start with "."; create's temporary dirs do. */
      if (e->d_name[0] == '.')
        state_remove_stale_temp (rootfd, e->d_name, NULL);
      if (e->d_name[0] == '.' || container_id_check (e->d_name, NULL) < 0)
        continue;
      ids = xrealloc (ids, (n + 1) * sizeof *ids);
      ids[n++] = xstrdup (e->d_name);
    }
  closedir (d);
  qsort (ids, n, sizeof *ids, compare_ids);
  out->states = xcalloc (n + 1, sizeof *out->states);
  out->status = xcalloc (n + 1, sizeof *out->status);
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_close_ int dirfd = -1;
      struct husk_error *e2 = NULL;
      struct husk_state *st = NULL;
      bool busy = false;
      /* A container deleted meanwhile is simply not listed. */
      if (state_open_reader (rootfd, ids[i], &dirfd, &busy, &e2) == 0
          && state_read (dirfd, ids[i], &st, &e2) == 0)
        {
          out->states[out->n] = st;
          out->status[out->n++] = state_status_read (dirfd, st, busy);
        }
      else if (dirfd >= 0 && e2->errno_ != ENOENT)
        {
          log_warning ("%s: shown as stopped; delete --force removes it", e2->msg);
          out->states[out->n] = state_unreadable (dirfd, ids[i]);
          out->status[out->n++] = STATE_STOPPED;
        }
      husk_error_free (e2);
      free (ids[i]);
    }
  free (ids);
  return 0;
}

void
container_list_free (struct container_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    state_free (l->states[i]);
  free (l->states);
  free (l->status);
}

/* ---- run ---- */

int
container_run (const struct container_create_opts *o, bool detach, bool keep, bool no_subreaper,
               int *exit_status, struct husk_error **err)
{
  struct container_create_opts co = *o;
  co.foreground = !detach;
  *exit_status = 0;
  _cleanup_close_ int sfd = -1;
  if (!detach)
    {
      /* Processes the container orphans are reparented to husk, which reaps
         them. */
      if (!no_subreaper && prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        return husk_error_sys (err, errno, "prctl PR_SET_CHILD_SUBREAPER");
      /* Blocked before the init exists, so no signal is lost: each is read
         from the signalfd and forwarded.  The init unblocks them. */
      sigset_t all;
      sigfillset (&all);
      sigprocmask (SIG_BLOCK, &all, NULL);
      sfd = signalfd (-1, &all, SFD_CLOEXEC);
      if (sfd < 0)
        return husk_error_sys (err, errno, "signalfd");
    }

  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_close_ int pty = -1;
  int pid = 0;
  if (create_holding_lock (&co, &rootfd, &dirfd, &pid, &pty, err) < 0)
    return -1;
  /* The caller's terminal: raw, and its size on the pty before the
     process starts. */
  struct terminal_caller caller;
  terminal_caller_attach (&caller, pty);
  if (start_locked (dirfd, o->id, err) < 0)
    {
      terminal_caller_detach (&caller);
      struct creation cr
          = { .rootfd = rootfd, .dirfd = dirfd, .pid = pid, .console = -1, .id = o->id,
              .pid_file = o->pid_file };
      creation_undo (&cr);
      return -1;
    }
  /* The trace ends where the container's process runs: its life is not
     start time. */
  trace_report ();
  if (detach)
    return 0;
  close (steal_fd (&dirfd));

  int ret = terminal_supervise (pid, sfd, pty, exit_status, err);
  terminal_caller_detach (&caller);
  if (ret < 0 || keep)
    return ret;
  if (state_open (rootfd, o->id, true, &dirfd, err) < 0)
    return -1;
  return delete_locked (rootfd, dirfd, o->id, true, err);
}
