/* husk exec: joining a running container (setns through the init's pidfd,
   a fork into its pid namespace, then exec). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "caps.h"
#include "cgroup/manage.h"
#include "cleanup.h"
#include "container.h"
#include "exec.h"
#include "mempolicy.h"
#include "identity.h"
#include "lsm.h"
#include "process.h"
#include "proclimits.h"
#include "seccomp_filter.h"
#include "state.h"
#include "sync.h"
#include "trace.h"
#include "terminal.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static void
config_freep (struct oci_config **c)
{
  oci_config_free (*c);
}
#define _cleanup_config_ __attribute__ ((cleanup (config_freep)))

static void
process_freep (struct oci_process **p)
{
  oci_process_free (*p);
}
#define _cleanup_process_ __attribute__ ((cleanup (process_freep)))

static void
state_freep (struct husk_state **s)
{
  state_free (*s);
}
#define _cleanup_state_ __attribute__ ((cleanup (state_freep)))

static void
seccomp_freep (struct seccomp_program **p)
{
  seccomp_program_free (*p);
}
#define _cleanup_seccomp_ __attribute__ ((cleanup (seccomp_freep)))

static void
cgroup_freep (struct cgroup **cg)
{
  cgroup_free (*cg);
}
#define _cleanup_cgroup_ __attribute__ ((cleanup (cgroup_freep)))

/* Every namespace kind, by its /proc/PID/ns name. */
static const struct
{
  const char *name;
  int flag;
} exec_namespaces[] = {
  { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },   { "pid", CLONE_NEWPID },
  { "net", CLONE_NEWNET },   { "ipc", CLONE_NEWIPC },  { "uts", CLONE_NEWUTS },
  { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* ---- the process: the container's, or --process, with the flags over it ---- */

static void
strv_set (oci_strv *v, char *const *src, size_t n)
{
  for (size_t i = 0; i < v->n; i++)
    free (v->v[i]);
  free (v->v);
  v->v = xcalloc (n + 1, sizeof *v->v);
  for (size_t i = 0; i < n; i++)
    v->v[i] = xstrdup (src[i]);
  v->n = n;
}

static void
strv_append (oci_strv *v, const char *s)
{
  v->v = xrealloc (v->v, (v->n + 2) * sizeof *v->v);
  v->v[v->n++] = xstrdup (s);
  v->v[v->n] = NULL;
}

static int
parse_id (const char *s, const char *what, uint32_t *out, struct husk_error **err)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul (s, &end, 10);
  /* uid_t -1 is "no change" to the kernel: never a user. */
  if (errno || end == s || *end || s[0] == '-' || v >= UINT32_MAX)
    return husk_error_set (err, "%s: invalid id \"%s\"", what, s);
  *out = (uint32_t) v;
  return 0;
}

/* --user UID[:GID], numeric only (names would be looked up in the
   container's /etc/passwd, which husk does not read). */
static int
apply_user (struct oci_process *p, const char *user, struct husk_error **err)
{
  _cleanup_free_ char *copy = xstrdup (user);
  char *colon = strchr (copy, ':');
  if (colon)
    *colon = '\0';
  if (parse_id (copy, "--user", &p->user.uid, err) < 0)
    return -1;
  if (colon && parse_id (colon + 1, "--user", &p->user.gid, err) < 0)
    return -1;
  return 0;
}

static size_t
strv_len (const char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

/* The flags over the base process, as runc's exec applies them: args and
   cwd replace, env is appended, tty is off unless asked for, --user
   replaces uid (and gid), --additional-gids and --cap add.  --cap adds to
   bounding, effective and permitted (runc 1.2; 1.1 also raised ambient):
   without a capabilities object the process keeps every capability husk
   has, and there is nothing to add. */
static int
apply_flags (const struct exec_opts *o, struct oci_process *p, bool from_file, struct husk_error **err)
{
  size_t nargs = 0;
  while (o->args && o->args[nargs])
    nargs++;
  /* Without --process the command is the one given here, never the
     container's own. */
  if (nargs > 0 || !from_file)
    strv_set (&p->args, o->args, nargs);
  if (p->args.n == 0)
    return husk_error_set (err, "exec: no command given: name one after the container id%s",
                           from_file ? " or in --process's args" : "");
  if (o->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  if (p->cwd == NULL || p->cwd[0] != '/')
    return husk_error_set (err, "%s \"%s\": must be an absolute path", o->cwd ? "--cwd" : "process.cwd",
                           p->cwd ? p->cwd : "");
  for (size_t i = 0; o->env && o->env[i]; i++)
    {
      if (strchr (o->env[i], '=') == NULL)
        return husk_error_set (err, "--env \"%s\": must be KEY=VALUE", o->env[i]);
      strv_append (&p->env, o->env[i]);
    }
  if (!from_file)
    p->terminal = false;
  if (o->tty_set)
    p->terminal = o->tty;
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->apparmor)
    {
      free (p->apparmor_profile);
      p->apparmor_profile = xstrdup (o->apparmor);
    }
  if (o->process_label)
    {
      free (p->selinux_label);
      p->selinux_label = xstrdup (o->process_label);
    }
  if (o->user && apply_user (p, o->user, err) < 0)
    return -1;
  size_t ngids = strv_len (o->additional_gids);
  for (size_t i = 0; i < ngids; i++)
    {
      uint32_t gid;
      if (parse_id (o->additional_gids[i], "--additional-gids", &gid, err) < 0)
        return -1;
      p->user.additional_gids.v
          = xrealloc (p->user.additional_gids.v, (p->user.additional_gids.n + 1) * sizeof (uint32_t));
      p->user.additional_gids.v[p->user.additional_gids.n++] = gid;
    }
  if (p->capabilities)
    for (size_t i = 0; o->caps && o->caps[i]; i++)
      {
        strv_append (&p->capabilities->bounding, o->caps[i]);
        strv_append (&p->capabilities->effective, o->caps[i]);
        strv_append (&p->capabilities->permitted, o->caps[i]);
      }
  return 0;
}

/* The checks create makes, on the process exec runs (the container's
   config only lends its oci version: its linux members are the init's
   business, but its seccomp profile, which exec compiles itself).  What
   exec does not apply is refused by name, never ignored. */
static int
check_process (const struct exec_opts *o, const struct oci_config *c, struct oci_process *p,
               struct husk_error **err)
{
  if (p->command_line)
    return husk_error_set (err, "exec: process.commandLine: not supported yet");
  /* In the foreground husk proxies the pty itself, as runc does. */
  if (p->terminal && o->console_socket == NULL && o->detach)
    return husk_error_set (err, "exec: a terminal with --detach needs --console-socket");
  if (!p->terminal && o->console_socket)
    return husk_error_set (err, "--console-socket: the process has no terminal (use --tty)");
  lsm_inherit (p, c->process);
  struct oci_config only = { .oci_version = c->oci_version, .process = p };
  if (identity_check (p, err) < 0 || proclimits_check (&only, err) < 0
      || caps_check (p->capabilities, "exec", err) < 0 || lsm_check (&only, "exec", err) < 0)
    return -1;
  return 0;
}

static int
build_process (const struct exec_opts *o, struct oci_config *c, struct oci_process **out,
               struct husk_error **err)
{
  struct oci_process *p = NULL;
  if (o->process_path)
    {
      char *perr = NULL;
      if (oci_process_parse_file (o->process_path, o->process_path, &p, &perr) < 0)
        {
          husk_error_set (err, "--process: %s", perr ? perr : "cannot parse");
          free (perr);
          return -1;
        }
    }
  else
    {
      if (c->process == NULL)
        return husk_error_set (err, "exec: the container's config has no process: use --process");
      p = steal_pointer (&c->process);
    }
  *out = p;
  return apply_flags (o, p, o->process_path != NULL, err);
}

/* ---- the container ---- */

/* Whether a --cgroup CONTROLLER names this hierarchy: a v1 one by any of
   its controllers ("cpu" for "cpu,cpuacct", "name=systemd"), the v2 one
   by "unified" or, on a v2-only host, by any controller it has. */
static bool
cgroup_dir_has (const struct cgroup_dir *dir, enum cgroup_layout layout, const char *controller)
{
  if (dir->v2 && strcmp (controller, "unified") == 0)
    return true;
  if (dir->v2 && layout != CGROUP_LAYOUT_V2)
    return false;
  char sep = dir->v2 ? ' ' : ',';
  _cleanup_free_ char *list = xasprintf ("%c%s%c", sep, dir->controllers ? dir->controllers : "", sep);
  _cleanup_free_ char *want = xasprintf ("%c%s%c", sep, controller, sep);
  return strstr (list, want) != NULL;
}

/* --cgroup [CONTROLLER:]PATH: an existing sub-cgroup of the container's,
   in every hierarchy, or in the one whose controllers include CONTROLLER
   (v1; "unified" names the v2 hierarchy of a hybrid host).  A path that
   climbs out (".."), is absolute, or does not exist is refused. */
static int
apply_sub_cgroups (struct cgroup *cg, const char *const *specs, struct husk_error **err)
{
  for (size_t i = 0; specs && specs[i]; i++)
    {
      const char *spec = specs[i], *path = spec;
      _cleanup_free_ char *controller = NULL;
      const char *colon = strchr (spec, ':');
      if (colon)
        {
          controller = xasprintf ("%.*s", (int) (colon - spec), spec);
          path = colon + 1;
        }
      if (path[0] == '\0' || path[0] == '/' || strcmp (path, "..") == 0 || strncmp (path, "../", 3) == 0
          || strstr (path, "/../") || (strlen (path) >= 3 && strcmp (path + strlen (path) - 3, "/..") == 0))
        return husk_error_set (err, "--cgroup \"%s\": must be a relative path inside the container's cgroup",
                               spec);
      bool matched = false;
      for (size_t d = 0; d < cg->n; d++)
        {
          struct cgroup_dir *dir = &cg->dirs[d];
          if (controller && !cgroup_dir_has (dir, cg->layout, controller))
            continue;
          char *sub = xasprintf ("%s/%s", dir->path, path);
          struct stat st;
          int e = stat (sub, &st) < 0 ? errno : S_ISDIR (st.st_mode) ? 0 : ENOTDIR;
          if (e)
            {
              free (sub);
              return husk_error_sys (err, e, "--cgroup \"%s\"", spec);
            }
          free (dir->path);
          dir->path = sub;
          matched = true;
        }
      if (!matched)
        return husk_error_set (err, "--cgroup \"%s\": no cgroup hierarchy has controller \"%s\"", spec,
                               controller);
    }
  return 0;
}

/* The namespaces of the init that are not husk's own.  A pidfd must not
   be read as /proc/PID after the init may have died (the pid could be
   another process's by then): the pidfd is checked to be alive after the
   last stat, and setns itself goes through the pidfd. */
static int
namespaces_to_join (int pid, int pidfd, int *flags, struct husk_error **err)
{
  *flags = 0;
  for (size_t i = 0; i < sizeof exec_namespaces / sizeof *exec_namespaces; i++)
    {
      char path[64];
      struct stat mine, theirs;
      snprintf (path, sizeof path, "/proc/%d/ns/%s", pid, exec_namespaces[i].name);
      if (stat (path, &theirs) < 0)
        {
          if (errno == ENOENT)
            continue;  /* a kernel without this kind */
          return husk_error_sys (err, errno, "stat %s", path);
        }
      snprintf (path, sizeof path, "/proc/self/ns/%s", exec_namespaces[i].name);
      if (stat (path, &mine) < 0 || mine.st_ino != theirs.st_ino || mine.st_dev != theirs.st_dev)
        *flags |= exec_namespaces[i].flag;
    }
  struct pollfd p = { pidfd, POLLIN, 0 };
  if (poll (&p, 1, 0) != 0)
    return husk_error_set (err, "exec: the container's init exited");
  return 0;
}

/* The init's root, through the host's /proc, opened before the pidfd
   is checked to be alive (so it is that init's).  Above the fds given to
   the process. */
static int
open_init_root (int pid, int min_fd, int *out, struct husk_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/root", pid);
  _cleanup_close_ int fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "exec: open %s", path);
  *out = fcntl (fd, F_DUPFD_CLOEXEC, min_fd);
  if (*out < 0)
    return husk_error_sys (err, errno, "exec: move the init's root fd");
  return 0;
}

/* ---- the children ---- */

struct exec_child
{
  const struct oci_process *p;
  char **argv, **env;
  const struct cgroup *cg;
  const struct seccomp_program *seccomp; /* the container's, or NULL */
  struct stat self;                /* husk's binary, on the host */
  int init_pidfd;
  int ns_flags;
  int init_root;                   /* without a mount namespace: the init's root to chroot into, else -1 */
  int sync_fd;
  int preserve_fds;
  int lsm_proc;                    /* the host's /proc (lsm_open_proc), or -1 */
  const char *keyring;             /* the container's session keyring, or NULL */
  const struct oci_memory_policy *mempolicy; /* the container's linux.memoryPolicy, or NULL */
};

static _Noreturn void
child_failed (int sync_fd, struct husk_error *err)
{
  struct husk_error *ignored = NULL;
  sync_send (sync_fd, SYNC_ERROR, err ? err->msg : "exec failed", -1, &ignored);
  husk_error_free (ignored);
  _exit (1);
}

/* setns of a mount namespace leaves the root and cwd where the pidfd's
   process has them; "/" first makes a relative lookup impossible.  Then
   the CVE-2024-21626 check, as the init does it (a --preserve-fds
   directory could otherwise serve as a cwd outside the root). */
static int
enter_cwd (const char *cwd, struct husk_error **err)
{
  char ebuf[128];
  if (chdir ("/") < 0 || chdir (cwd) < 0)
    return husk_error_set (err, "exec: cwd \"%s\": %s", cwd, process_strerror (errno, ebuf, sizeof ebuf));
  return process_check_cwd_inside ("exec: cwd", cwd, err);
}


static int
setup_terminal (const struct exec_child *x, struct husk_error **err)
{
  if (!x->p->terminal)
    return 0;
  _cleanup_close_ int master = -1;
  int slave = -1;
  if (terminal_new_pty (&master, &slave, err) < 0)
    return husk_error_wrap (err, "exec: terminal");
  if (terminal_set_owner (slave, x->p->user.uid, err) < 0)
    {
      close (slave);
      return husk_error_wrap (err, "exec: terminal");
    }
  if (sync_send (x->sync_fd, SYNC_PTY, NULL, master, err) < 0)
    {
      close (slave);
      return -1;
    }
  return terminal_make_controlling (slave, &x->p->console_size, err);
}

/* A filter installed without no_new_privs needs CAP_SYS_ADMIN. */
static bool
seccomp_needs_admin (const struct exec_child *x)
{
  return x->seccomp && !x->p->no_new_privileges;
}

/* The container's filter.  A notify filter's listener goes to husk, for
   the seccomp agent, with sendmsg (which seccomp_compile keeps out of the
   agent's hands). */
static int
install_filter (const struct exec_child *x, struct husk_error **err)
{
  _cleanup_close_ int listener = -1;
  if (x->seccomp == NULL)
    return 0;
  if (seccomp_install (x->seccomp, &listener, err) < 0)
    return -1;
  return listener < 0 ? 0 : sync_send (x->sync_fd, SYNC_SECCOMP, NULL, listener, err);
}

static int
set_no_new_privs (const struct oci_process *p, struct husk_error **err)
{
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return husk_error_sys (err, errno, "prctl PR_SET_NO_NEW_PRIVS");
  return 0;
}

/* With --trace, the child's phases for husk (trace.h). */
static int
send_trace (int sync_fd, const char *side, struct husk_error **err)
{
  _cleanup_free_ char *text = trace_child_text (side);
  return text ? sync_send (sync_fd, SYNC_TRACE, text, -1, err) : 0;
}

/* The process itself, a member of the container's pid namespace. */
static _Noreturn void
exec_process (const struct exec_child *x)
{
  struct husk_error *err = NULL;
  _cleanup_free_ char *exe = NULL;
  struct oci_config only = { .process = (struct oci_process *) x->p };
  char **env = x->env;
  /* Order, and why (the init's tail, init.c): signals back to their
     defaults first (husk blocked them all to forward them); the
     container's session keyring instead of the caller's; the cwd and
     the pty before anything looks up paths; limits and the AppArmor
     profile (lsm.h) while still root; the bounding set and keep-caps, the
     user switch, the other capability
     sets; no_new_privs and the fds; the seccomp filter last, so that it
     constrains nothing of husk's. */
  trace_child_reset ();
  trace_child_phase ("signals, keyring, cwd, executable");
  if (process_reset_signals (&err) < 0
      || process_join_keyring (x->keyring, x->p, x->lsm_proc, "exec", &err) < 0
      || enter_cwd (x->p->cwd, &err) < 0
      || setup_terminal (x, &err) < 0
      || process_set_home (&env, x->p->user.uid) < 0
      || process_find_executable (x->argv[0], env, &exe, &err) < 0
      || process_refuse_husk_binary (exe, x->argv[0], &x->self, &err) < 0
      || (trace_child_phase ("limits, lsm, caps, user"), 0)
      || proclimits_apply (&only, &err) < 0
      || lsm_apply_exec (x->p, x->lsm_proc, "exec", &err) < 0
      || caps_prepare (x->p->capabilities, seccomp_needs_admin (x), &err) < 0
      || identity_switch (x->p, &err) < 0
      || caps_apply (x->p->capabilities, seccomp_needs_admin (x), &err) < 0
      || set_no_new_privs (x->p, &err) < 0
      || process_close_fds_on_exec (x->preserve_fds, &err) < 0
      || (trace_child_phase ("mempolicy"), 0)
      || mempolicy_apply (x->mempolicy, &err) < 0
      || send_trace (x->sync_fd, "proc", &err) < 0
      || install_filter (x, &err) < 0)
    child_failed (x->sync_fd, err);
  /* Once more right before the execve: the check above ran before the
     user switch, and the image is the container's to change meanwhile. */
  if (process_refuse_husk_binary (exe, x->argv[0], &x->self, &err) < 0)
    child_failed (x->sync_fd, err);
  execve (exe, x->argv, env);
  char ebuf[128];
  husk_error_set (&err, "exec \"%s\": %s", x->argv[0], process_strerror (errno, ebuf, sizeof ebuf));
  child_failed (x->sync_fd, err);
}

/* The helper: joins the cgroup (while the host's cgroupfs is in reach),
   then every namespace of the init at once, through its pidfd (setns(2)
   with a pidfd enters them in the kernel's order, the user namespace
   first, and either all or none), then forks the process, which is the
   only way into a pid namespace.  CLONE_PARENT makes the process husk's
   child, so that husk can wait for it; the helper sends its pid and
   exits. */
static _Noreturn void
exec_helper (const struct exec_child *x)
{
  struct husk_error *err = NULL;
  trace_child_reset ();
  trace_child_phase ("join the cgroup");
  /* Until the execve, this is husk's binary inside the container's
     namespaces: not dumpable, so no process there can open it through
     /proc/PID/exe (CVE-2019-5736) or ptrace it. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    {
      husk_error_sys (&err, errno, "prctl PR_SET_DUMPABLE");
      child_failed (x->sync_fd, err);
    }
  /* oom_score_adj through the host's /proc, which the container may
     lack; inherited by the fork below. */
  if ((x->cg && cgroup_join_self (x->cg, false, &err) < 0)
      || proclimits_write_oom_score_adj (getpid (), x->p, &err) < 0)
    child_failed (x->sync_fd, err);
  trace_child_phase ("join the namespaces");
  if (x->ns_flags && setns (x->init_pidfd, x->ns_flags) < 0)
    {
      husk_error_sys (&err, errno, "exec: join the container's namespaces");
      child_failed (x->sync_fd, err);
    }
  /* A container without a mount namespace of its own is a chroot into
     root.path (init.c): the exec'd process is put in the same one. */
  if (x->init_root >= 0 && (fchdir (x->init_root) < 0 || chroot (".") < 0))
    {
      husk_error_sys (&err, errno, "exec: chroot into the container's root");
      child_failed (x->sync_fd, err);
    }
  trace_child_phase ("fork");
  struct clone_args args = { .flags = CLONE_PARENT };
  long pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0)
    {
      husk_error_sys (&err, errno, "exec: fork into the container");
      child_failed (x->sync_fd, err);
    }
  if (pid == 0)
    exec_process (x);
  char text[32];
  snprintf (text, sizeof text, "%ld", pid);
  if (send_trace (x->sync_fd, "join", &err) < 0 || sync_send (x->sync_fd, SYNC_PID, text, -1, &err) < 0)
    _exit (1);
  _exit (0);
}

/* ---- husk's side ---- */

/* What the seccomp agent gets with the listener of the process's notify
   filter: as at create, the container's state, but with the process's pid
   as "pid" (runc's exec does the same). */
struct exec_agent
{
  const struct oci_seccomp *profile; /* NULL: no notify filter */
  const struct husk_state *st;
  int dirfd;
};

/* Sends the listener once both it and the process's pid are in: the
   helper sends the pid, the process the listener, and either may come
   first.  0 while one is missing. */
static int
agent_send (const struct exec_agent *a, int *listener, int pid, struct husk_error **err)
{
  if (*listener < 0 || pid <= 0)
    return 0;
  _cleanup_close_ int fd = steal_fd (listener);
  _cleanup_free_ char *state = state_json (a->st, state_status (a->dirfd, a->st), false, STATE_JSON_HOOK);
  return seccomp_send_to_agent (a->profile, a->st->oci_version, pid, state, fd, err);
}

/* Reads the children's messages until the socket closes (the helper has
   exited and the process has exec'd or failed). */
static int
read_messages (const struct exec_opts *o, const struct exec_agent *agent, int sock, int console, int *pty,
               int *pid, struct husk_error **err)
{
  struct husk_error *failure = NULL;
  _cleanup_close_ int listener = -1;
  for (;;)
    {
      enum sync_kind kind = 0;
      _cleanup_free_ char *text = NULL;
      _cleanup_close_ int fd = -1;
      int ret = sync_recv (sock, &kind, &text, &fd, err);
      if (ret < 0)
        {
          husk_error_free (failure);
          return -1;
        }
      if (ret == 1)
        break;
      if (kind == SYNC_PID && text)
        *pid = atoi (text);
      else if (kind == SYNC_TRACE)
        trace_merge (text);
      else if (kind == SYNC_ERROR && failure == NULL)
        husk_error_set (&failure, "%s", text ? text : "exec failed");
      else if (kind == SYNC_PTY && fd >= 0 && console >= 0 && failure == NULL
               && terminal_send_fd_socket (console, fd, &failure) < 0)
        husk_error_wrap (&failure, "--console-socket \"%s\"", o->console_socket);
      else if (kind == SYNC_PTY && fd >= 0 && console < 0 && *pty < 0)
        *pty = steal_fd (&fd);
      else if (kind == SYNC_SECCOMP && fd >= 0 && agent->profile && listener < 0)
        listener = steal_fd (&fd);
      /* Without the agent the process would wait on its notifications. */
      if (failure == NULL && agent_send (agent, &listener, *pid, &failure) < 0)
        kill (*pid, SIGKILL);
    }
  if (failure)
    {
      *err = failure;
      return -1;
    }
  if (*pid <= 0)
    return husk_error_set (err, "exec: the process was not started");
  return 0;
}

/* The container's state, checked: created or running, not paused unless
   --ignore-paused; its saved config; its cgroups. */
static int
open_container (const struct exec_opts *o, int *rootfd, int *dirfd, struct husk_state **st,
                int *pidfd, struct oci_config **c, struct cgroup **cg, bool *paused, struct husk_error **err)
{
  if (state_root_open (o->root, false, rootfd, err) < 0 || state_open (*rootfd, o->id, false, dirfd, err) < 0
      || state_read (*dirfd, o->id, st, err) < 0)
    return -1;
  enum state_status s = state_status (*dirfd, *st);
  *paused = s == STATE_PAUSED;
  if (s == STATE_PAUSED && !o->ignore_paused)
    return husk_error_set (err, "cannot exec in a paused container \"%s\" (use --ignore-paused to override)",
                           o->id);
  if (s != STATE_CREATED && s != STATE_RUNNING && s != STATE_PAUSED)
    return husk_error_set (err, "cannot exec in container \"%s\" that is %s", o->id, state_status_name (s));
  if (state_init_pidfd (*st, pidfd, err) < 0)
    return -1;
  if (*pidfd < 0)
    return husk_error_set (err, "cannot exec in container \"%s\" that is stopped", o->id);
  if (state_config_load (*dirfd, c, err) < 0)
    return -1;
  if (*c == NULL)
    return husk_error_set (err, "exec: container \"%s\" has no saved config (made by an older husk)", o->id);
  if (cgroup_record_read (*dirfd, cg, NULL, err) < 0)
    return -1;
  if (*cg && apply_sub_cgroups (*cg, o->cgroups, err) < 0)
    return -1;
  if (*cg == NULL && o->cgroups && o->cgroups[0])
    return husk_error_set (err, "--cgroup: container \"%s\" has no cgroups", o->id);
  return 0;
}

/* The fds 3 .. 3+n-1 go to the process as they are; a hole there (a
   caller that passed fewer) would be filled by the next fd husk opens,
   and one of husk's own (a state dir: a way out of the container) would
   then lose close-on-exec and leak.  Holes get /dev/null before husk opens
   anything. */
static int
fill_preserved_holes (int n, struct husk_error **err)
{
  long max = sysconf (_SC_OPEN_MAX);
  if (max > 0 && n > max - 3)
    return husk_error_set (err, "--preserve-fds %d: more than the fd limit (%ld)", n, max);
  for (int fd = 3; fd < 3 + n; fd++)
    {
      if (fcntl (fd, F_GETFD) >= 0 || errno != EBADF)
        continue;
      int null = open ("/dev/null", O_RDWR);
      if (null < 0)
        return husk_error_sys (err, errno, "open /dev/null");
      if (null != fd)
        {
          int ret = dup2 (null, fd);
          close (null);
          if (ret < 0)
            return husk_error_sys (err, errno, "--preserve-fds: fill fd %d", fd);
        }
    }
  return 0;
}

int
exec_run (const struct exec_opts *o, int *exit_status, struct husk_error **err)
{
  *exit_status = 0;
  if (o->preserve_fds < 0)
    return husk_error_set (err, "--preserve-fds: must not be negative");
  if (fill_preserved_holes (o->preserve_fds, err) < 0)
    return -1;
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  _cleanup_close_ int init_pidfd = -1;
  _cleanup_state_ struct husk_state *st = NULL;
  _cleanup_config_ struct oci_config *c = NULL;
  _cleanup_cgroup_ struct cgroup *cg = NULL;
  _cleanup_process_ struct oci_process *p = NULL;
  bool paused = false;
  trace_phase ("state, process");
  if (open_container (o, &rootfd, &dirfd, &st, &init_pidfd, &c, &cg, &paused, err) < 0
      || build_process (o, c, &p, err) < 0 || check_process (o, c, p, err) < 0)
    return -1;
  /* The container's profile applies to every process in it; a notify
     filter's listener goes to the seccomp agent, as at create. */
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
  struct exec_agent agent = { .profile = seccomp && seccomp->notify ? c->linux_->seccomp : NULL, .st = st,
                              .dirfd = dirfd };
  int ns_flags = 0;
  _cleanup_close_ int init_root = -1;
  if (open_init_root (st->pid, 3 + o->preserve_fds, &init_root, err) < 0
      || namespaces_to_join (st->pid, init_pidfd, &ns_flags, err) < 0)
    return -1;
  if (ns_flags & CLONE_NEWNS)
    close (steal_fd (&init_root));

  _cleanup_close_ int console = -1;
  if (o->console_socket && (console = terminal_connect (o->console_socket, err)) < 0)
    return -1;
  _cleanup_close_ int sfd = -1;
  sigset_t all, saved;
  sigfillset (&all);
  if (!o->detach)
    {
      /* Blocked before the process exists, so no signal is lost; it
         unblocks them itself. */
      sigprocmask (SIG_BLOCK, &all, &saved);
      sfd = signalfd (-1, &all, SFD_CLOEXEC);
      if (sfd < 0)
        return husk_error_sys (err, errno, "signalfd");
    }
  int sp[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return husk_error_sys (err, errno, "socketpair");
  _cleanup_close_ int sock = sp[0];
  _cleanup_close_ int child_end = sp[1];
  /* The child's end must not sit among the fds given to the process. */
  if (child_end < 3 + o->preserve_fds)
    {
      int nfd = fcntl (child_end, F_DUPFD_CLOEXEC, 3 + o->preserve_fds);
      if (nfd < 0)
        return husk_error_sys (err, errno, "move the sync socket");
      close (child_end);
      child_end = nfd;
    }
  _cleanup_free_ char **argv = NULL;
  _cleanup_free_ char **env = NULL;
  argv = xcalloc (p->args.n + 1, sizeof *argv);
  memcpy (argv, p->args.v, p->args.n * sizeof *argv);
  env = xcalloc (p->env.n + 1, sizeof *env);
  memcpy (env, p->env.v, p->env.n * sizeof *env);
  struct stat self;
  if (stat ("/proc/self/exe", &self) < 0)
    return husk_error_sys (err, errno, "stat /proc/self/exe");
  /* Opened here, on the host: the process writes its label through it
     after the helper joined the container's mount namespace. */
  _cleanup_close_ int lsm_proc = -1;
  if (lsm_open_proc (p, 3 + o->preserve_fds, &lsm_proc, err) < 0)
    return -1;
  struct exec_child x = {
    .p = p, .argv = argv, .env = env, .cg = cg, .seccomp = seccomp, .init_pidfd = init_pidfd, .ns_flags = ns_flags,
    .init_root = init_root,
    .sync_fd = child_end, .preserve_fds = o->preserve_fds, .self = self, .lsm_proc = lsm_proc,
    .keyring = st->no_new_keyring ? NULL : st->id, .mempolicy = c->linux_ ? c->linux_->memory_policy : NULL,
  };
  /* The shared lock keeps delete (and pause) out until the process is in
     the container.  But a paused container's cgroup freezes the helper as
     it joins, until resume: held across that (by the helper too, which
     shares the lock's open file), the lock would keep resume, kill and
     delete waiting for ever behind a frozen process.  So it goes first,
     with --ignore-paused; a container that is not paused cannot freeze
     under the join meanwhile, since pause waits for the lock. */
  if (paused && flock (dirfd, LOCK_UN) < 0)
    return husk_error_sys (err, errno, "unlock container \"%s\"", o->id);
  trace_phase ("fork, join, exec");
  pid_t helper = fork ();
  if (helper < 0)
    return husk_error_sys (err, errno, "fork");
  if (helper == 0)
    exec_helper (&x);
  close (steal_fd (&child_end));

  int pid = 0, status = 0;
  _cleanup_close_ int pty = -1;
  int ret = read_messages (o, &agent, sock, console, &pty, &pid, err);
  process_wait (helper, &status);
  if (ret < 0)
    {
      if (pid > 0)
        process_wait (pid, NULL);
      return -1;
    }
  if (o->pid_file && process_write_pid_file (o->pid_file, pid, err) < 0)
    {
      kill (pid, SIGKILL);
      process_wait (pid, NULL);
      return -1;
    }
  /* The trace ends at the execve: the process's life is not exec's. */
  trace_report ();
  /* The container may be deleted while its exec'd process runs. */
  close (steal_fd (&dirfd));
  if (o->detach)
    return 0;
  struct terminal_caller caller;
  terminal_caller_attach (&caller, pty);
  ret = terminal_supervise (pid, sfd, pty, exit_status, err);
  terminal_caller_detach (&caller);
  sigprocmask (SIG_SETMASK, &saved, NULL);
  return ret;
}
