/* OCI hooks: fork and exec one with the state on stdin, under a timeout;
   run a kind's list with its failure rule. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "cleanup.h"
#include "hooks.h"
#include "log.h"
#include "process.h"

static const struct
{
  const char *name;
  bool warn_only;                  /* the spec's rule: log and go on */
} hooks_kinds[] = {
  [HOOKS_PRESTART] = { "prestart", false },
  [HOOKS_CREATE_RUNTIME] = { "createRuntime", false },
  [HOOKS_CREATE_CONTAINER] = { "createContainer", false },
  [HOOKS_START_CONTAINER] = { "startContainer", false },
  [HOOKS_POSTSTART] = { "poststart", true },
  [HOOKS_POSTSTOP] = { "poststop", true },
};

/* What a hook's child reports when it could not exec. */
enum { HOOKS_STEP_EXEC, HOOKS_STEP_CHDIR };

static const oci_hookv *
hooks_list (const struct oci_hooks *h, enum hooks_kind kind)
{
  const oci_hookv *lists[] = {
    [HOOKS_PRESTART] = &h->prestart,
    [HOOKS_CREATE_RUNTIME] = &h->create_runtime,
    [HOOKS_CREATE_CONTAINER] = &h->create_container,
    [HOOKS_START_CONTAINER] = &h->start_container,
    [HOOKS_POSTSTART] = &h->poststart,
    [HOOKS_POSTSTOP] = &h->poststop,
  };
  return lists[kind];
}

size_t
hooks_count (const struct oci_hooks *hooks, enum hooks_kind kind)
{
  return hooks ? hooks_list (hooks, kind)->n : 0;
}

/* In the forked child, which only execs: husk run blocks every signal and
   the container init may have changed dispositions; nothing of husk's
   beyond stdio reaches the hook.  A chdir or execve failure goes back
   through errpipe as the failed step and an errno. */
static _Noreturn void
hooks_child (const struct oci_hook *hook, const char *cwd, int in, int errpipe)
{
  _cleanup_free_ char **argv = xcalloc (hook->args.n + 2, sizeof *argv);
  _cleanup_free_ char **envp = xcalloc (hook->env.n + 1, sizeof *envp);
  /* No args: the path is argv[0], as a shell would run it. */
  argv[0] = hook->path;
  for (size_t i = 0; i < hook->args.n; i++)
    argv[i] = hook->args.v[i];
  for (size_t i = 0; i < hook->env.n; i++)
    envp[i] = hook->env.v[i];
  sigset_t none;
  sigemptyset (&none);
  for (int sig = 1; sig < NSIG; sig++)
    signal (sig, SIG_DFL);
  sigprocmask (SIG_SETMASK, &none, NULL);
  int failed[2] = { HOOKS_STEP_EXEC, 0 };
  if (dup2 (in, 0) < 0 || dup2 (2, 1) < 0)
    failed[1] = errno;
  else if (cwd && chdir (cwd) < 0)
    failed[0] = HOOKS_STEP_CHDIR, failed[1] = errno;
  else
    {
      syscall (SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
      execve (hook->path, argv, envp);
      failed[1] = errno;
    }
  if (write (errpipe, failed, sizeof failed) < 0)
    _exit (127);
  _exit (127);
}

static long long
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Feeds the state to the hook and waits for its exit, until deadline
   (-1: none).  Returns 1 when the deadline passed first.  Takes sock_in:
   it is closed once everything is written (the hook reads EOF), or on
   return. */
static int
hooks_feed_and_wait (int sock_in, int pidfd, const char *data, long long deadline,
                     struct husk_error **err)
{
  _cleanup_close_ int sock = sock_in;
  size_t len = strlen (data), off = 0;
  for (;;)
    {
      struct pollfd fds[2] = { { pidfd, POLLIN, 0 }, { sock, POLLOUT, 0 } };
      int wait_ms = -1;
      if (deadline >= 0)
        {
          long long left = deadline - now_ms ();
          wait_ms = left < 0 ? 0 : left > 0x7fffffff ? 0x7fffffff : (int) left;
        }
      int n = poll (fds, sock >= 0 ? 2 : 1, wait_ms);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return husk_error_sys (err, errno, "poll");
      if (fds[0].revents & POLLIN)
        return 0;
      if (n == 0)
        return 1;
      if (sock >= 0 && fds[1].revents)
        {
          ssize_t w = send (sock, data + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
          if (w > 0)
            off += (size_t) w;
          /* A hook that does not read its stdin (EPIPE) is fine. */
          if ((w < 0 && errno != EAGAIN && errno != EINTR) || off == len)
            close (steal_fd (&sock));
        }
    }
}

int
hooks_run_one (const struct oci_hook *hook, const char *state_json, const char *cwd, const char *label,
               struct husk_error **err)
{
  char ebuf[128];
  int sp[2], ep[2];
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
    return husk_error_sys (err, errno, "%s: socketpair", label);
  _cleanup_close_ int sock = sp[0];
  _cleanup_close_ int hook_in = sp[1];
  if (pipe2 (ep, O_CLOEXEC) < 0)
    return husk_error_sys (err, errno, "%s: pipe", label);
  _cleanup_close_ int err_r = ep[0];
  _cleanup_close_ int err_w = ep[1];

  pid_t pid = fork ();
  if (pid < 0)
    return husk_error_sys (err, errno, "%s: fork", label);
  if (pid == 0)
    hooks_child (hook, cwd, hook_in, err_w);
  close (steal_fd (&hook_in));
  close (steal_fd (&err_w));
  /* The child is ours and unreaped: its pid cannot be reused yet. */
  _cleanup_close_ int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    {
      int e = errno;
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      return husk_error_sys (err, e, "%s: pidfd_open", label);
    }
  long long deadline = hook->timeout.set ? now_ms () + hook->timeout.v * 1000 : -1;
  int ret = hooks_feed_and_wait (steal_fd (&sock), pidfd, state_json, deadline, err);
  if (ret != 0)
    syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (ret < 0)
    return husk_error_wrap (err, "%s", label);
  if (ret == 1)
    return husk_error_set (err, "%s: timed out after %lld s", label, (long long) hook->timeout.v);
  int failed[2];
  if (read (err_r, failed, sizeof failed) == sizeof failed)
    {
      if (failed[0] == HOOKS_STEP_CHDIR)
        return husk_error_set (err, "%s: chdir \"%s\": %s", label, cwd,
                               process_strerror (failed[1], ebuf, sizeof ebuf));
      return husk_error_set (err, "%s: exec: %s", label, process_strerror (failed[1], ebuf, sizeof ebuf));
    }
  if (WIFSIGNALED (status))
    return husk_error_set (err, "%s: killed by signal %d", label, WTERMSIG (status));
  if (WEXITSTATUS (status) != 0)
    return husk_error_set (err, "%s: exited with status %d", label, WEXITSTATUS (status));
  return 0;
}

int
hooks_run (const struct oci_hooks *hooks, enum hooks_kind kind, const char *state_json, const char *cwd,
           struct husk_error **err)
{
  if (hooks == NULL)
    return 0;
  const oci_hookv *list = hooks_list (hooks, kind);
  for (size_t i = 0; i < list->n; i++)
    {
      _cleanup_free_ char *label
          = xasprintf ("hooks.%s[%zu] \"%s\"", hooks_kinds[kind].name, i, list->v[i].path);
      struct husk_error *e = NULL;
      if (hooks_run_one (&list->v[i], state_json, cwd, label, &e) == 0)
        continue;
      if (!hooks_kinds[kind].warn_only)
        {
          *err = e;
          return -1;
        }
      log_warning ("%s", e->msg);
      husk_error_free (e);
    }
  return 0;
}
