/* Unit tests for the pure parts of the lifecycle: state.c (state.json,
   the state dir, liveness), sync.c (the parent/child messages) and
   process.c (executable lookup, environment). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "process.h"
#include "state.h"
#include "sync.h"
#include "tap.h"

static bool
error_is (struct husk_error *err, const char *want)
{
  bool ok = err && strcmp (err->msg, want) == 0;
  if (!ok)
    printf ("# got: %s\n# want: %s\n", err ? err->msg : "(no error)", want);
  return ok;
}

static struct husk_state *
sample_state (const char *id)
{
  struct husk_state *s = xcalloc (1, sizeof *s);
  s->oci_version = xstrdup ("1.2.1");
  s->id = xstrdup (id);
  s->status = xstrdup ("created");
  s->pid = getpid ();
  char st;
  state_proc_stat (s->pid, &s->start_time, &st);
  s->bundle = xstrdup ("/b\"und\\le");
  s->rootfs = xstrdup ("/b/rootfs");
  s->created = state_timestamp_now ();
  s->owner = 0;
  s->annotations.keys = xcalloc (2, sizeof (char *));
  s->annotations.values = xcalloc (2, sizeof (char *));
  s->annotations.keys[0] = xstrdup ("org.example/key");
  s->annotations.values[0] = xstrdup ("välue \"q\"");
  s->annotations.n = 1;
  return s;
}

static void
test_state_dir (const char *root)
{
  struct husk_error *err = NULL;
  int rootfd = -1, dirfd = -1, dirfd2 = -1;

  tap_ok (state_root_open (root, true, &rootfd, &err) == 0 && rootfd >= 0, "state_root_open makes the root");
  struct stat st;
  tap_ok (stat (root, &st) == 0 && (st.st_mode & 0777) == 0700, "the root is mode 0700");

  struct husk_state *s = sample_state ("c1");
  tap_ok (state_create_dir (rootfd, s, &dirfd, &err) == 0, "state_create_dir c1");
  tap_ok (state_create_dir (rootfd, s, &dirfd2, &err) < 0 && error_is (err, "container \"c1\" already exists"),
          "a second state_create_dir of c1 says it already exists");
  husk_error_free (err);
  err = NULL;

  struct husk_state *r = NULL;
  tap_ok (state_read (dirfd, "c1", &r, &err) == 0, "state_read reads what state_create_dir wrote");
  tap_ok (r && strcmp (r->bundle, s->bundle) == 0 && strcmp (r->created, s->created) == 0
              && r->pid == s->pid && r->start_time == s->start_time && r->annotations.n == 1
              && strcmp (r->annotations.values[0], "välue \"q\"") == 0,
          "state.json round-trips every member, escapes included");
  tap_ok (r && state_status (dirfd, r) == STATE_RUNNING, "a live pid with the recorded start time and no exec.fifo is running");
  tap_ok (mkfifoat (dirfd, "exec.fifo", 0600) == 0 && r && state_status (dirfd, r) == STATE_CREATED,
          "with exec.fifo present it is created");
  if (r)
    {
      r->start_time++;
      tap_ok (state_status (dirfd, r) == STATE_STOPPED, "another start time (a reused pid) reads as stopped");
      int pidfd = 0;
      tap_ok (state_init_pidfd (r, &pidfd, &err) == 0 && pidfd == -1, "and gives no pidfd");
    }
  state_free (r);

  pid_t child = fork ();
  if (child == 0)
    _exit (0);
  waitpid (child, NULL, 0);
  s->pid = child;
  tap_ok (state_status (dirfd, s) == STATE_STOPPED, "a pid that exited reads as stopped");

  char *json = state_json (s, STATE_STOPPED, false, false);
  tap_ok (strstr (json, "\"pid\"") == NULL && strstr (json, "\"status\":\"stopped\"") != NULL,
          "state JSON of a stopped container has no pid");
  free (json);
  json = state_json_list (&s, (enum state_status[]) { STATE_STOPPED }, 1);
  tap_ok (strstr (json, "\"pid\":0") != NULL && json[0] == '[', "list JSON has pid 0 for a stopped container");
  free (json);
  json = state_json_list (NULL, NULL, 0);
  tap_ok (strcmp (json, "[]") == 0, "an empty list is []");
  free (json);

  tap_ok (state_open (rootfd, "nope", false, &dirfd2, &err) < 0
              && error_is (err, "container \"nope\" does not exist"),
          "state_open of an unknown id: does not exist");
  husk_error_free (err);
  err = NULL;

  tap_ok (state_remove (rootfd, "c1", dirfd, &err) == 0 && faccessat (rootfd, "c1", F_OK, 0) < 0,
          "state_remove removes the dir and its files");
  close (dirfd);

  /* A create killed before its rename leaves a temp dir of a dead pid. */
  char name[96];
  snprintf (name, sizeof name, ".new-%d-12345-c1", (int) child);
  mkdirat (rootfd, name, 0700);
  tap_ok (!state_remove_stale_temp (rootfd, name, "c2") && faccessat (rootfd, name, F_OK, 0) == 0,
          "a stale temp dir of another id is kept when one id is asked for");
  state_remove_stale_temp (rootfd, name, "c1");
  tap_ok (faccessat (rootfd, name, F_OK, 0) < 0, "a stale temp dir of a dead husk is removed");
  unsigned long long start = 0;
  char pst;
  state_proc_stat ((int) getpid (), &start, &pst);
  snprintf (name, sizeof name, ".new-%d-%llu-c1", (int) getpid (), start);
  mkdirat (rootfd, name, 0700);
  state_remove_stale_temp (rootfd, name, NULL);
  tap_ok (faccessat (rootfd, name, F_OK, 0) == 0, "a temp dir of a live husk is kept");
  unlinkat (rootfd, name, AT_REMOVEDIR);
  /* The pid lives, but its start time is not the one in the name: reused. */
  snprintf (name, sizeof name, ".new-%d-%llu-c1", (int) getpid (), start + 1);
  mkdirat (rootfd, name, 0700);
  state_remove_stale_temp (rootfd, name, NULL);
  tap_ok (faccessat (rootfd, name, F_OK, 0) < 0, "a temp dir of a reused pid is removed");
  unlinkat (rootfd, name, AT_REMOVEDIR);

  state_free (s);
  close (rootfd);
  rmdir (root);
}

static void
test_timestamp (void)
{
  char *t = state_timestamp_now ();
  size_t n = strlen (t);
  bool ok = n >= 20 && t[4] == '-' && t[10] == 'T' && t[n - 1] == 'Z' && t[n - 2] != '0';
  tap_ok (ok, "timestamp is RFC 3339 UTC without trailing zeros: %s", t);
  free (t);

  /* husk's own calendar against glibc's, over dates from 1970 to 2400
     (leap days, century years, 2000) and the fraction's two forms. */
  bool same = true;
  char want[80], got[80], base[64];
  for (long long secs = 0; secs < 13569465600LL && same; secs += 86400LL * 7 + 3607)
    {
      struct timespec ts = { .tv_sec = (time_t) secs, .tv_nsec = secs % 3 ? 120000000 : 0 };
      struct tm tm;
      gmtime_r (&ts.tv_sec, &tm);
      strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
      snprintf (want, sizeof want, "%s%sZ", base, ts.tv_nsec ? ".12" : "");
      log_format_utc (&ts, true, got, sizeof got);
      same = strcmp (want, got) == 0;
      snprintf (want, sizeof want, "%s.%09ldZ", base, ts.tv_nsec);
      log_format_utc (&ts, false, got, sizeof got);
      same = same && strcmp (want, got) == 0;
    }
  tap_ok (same, "log_format_utc agrees with gmtime and strftime from 1970 to 2400 (last: %s)", got);
}

static void
test_sync (void)
{
  int sp[2];
  struct husk_error *err = NULL;
  socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp);
  int devnull = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  tap_ok (sync_send (sp[0], SYNC_PTY, NULL, devnull, &err) == 0, "send a message with an fd");
  enum sync_kind kind = 0;
  char *text = NULL;
  int fd = -1;
  tap_ok (sync_recv (sp[1], &kind, &text, &fd, &err) == 0 && kind == SYNC_PTY && text == NULL && fd >= 0
              && fd != devnull,
          "receive it: kind and a new fd");
  struct stat a, b;
  tap_ok (fd >= 0 && fstat (fd, &a) == 0 && fstat (devnull, &b) == 0 && a.st_rdev == b.st_rdev
              && (fcntl (fd, F_GETFD) & FD_CLOEXEC),
          "the fd is the one sent, close-on-exec");
  if (fd >= 0)
    close (fd);
  close (devnull);

  sync_send (sp[0], SYNC_ERROR, "exec \"/bin/nope\": no such file or directory", -1, &err);
  tap_ok (sync_expect (sp[1], SYNC_READY, "container init", &err) < 0
              && error_is (err, "exec \"/bin/nope\": no such file or directory"),
          "an ERROR where READY was expected becomes the peer's message");
  husk_error_free (err);
  err = NULL;

  /* A malformed message: header length disagrees with the datagram. */
  struct sync_header h = { SYNC_READY, 100 };
  send (sp[0], &h, sizeof h, 0);
  tap_ok (sync_recv (sp[1], &kind, &text, &fd, &err) < 0 && err && strstr (err->msg, "malformed"),
          "a header whose length disagrees is refused");
  husk_error_free (err);
  err = NULL;

  close (sp[0]);
  tap_ok (sync_expect (sp[1], SYNC_READY, "container init", &err) < 0
              && error_is (err, "container init exited before READY"),
          "EOF names who exited before what");
  husk_error_free (err);
  close (sp[1]);
}

static void
test_process (const char *dir)
{
  struct husk_error *err = NULL;
  char *path = NULL;
  char bin[400], notexec[500];
  snprintf (bin, sizeof bin, "%s/bin", dir);
  mkdir (dir, 0700);
  mkdir (bin, 0700);
  char exe[500];
  snprintf (exe, sizeof exe, "%s/tool", bin);
  close (open (exe, O_WRONLY | O_CREAT, 0755));
  snprintf (notexec, sizeof notexec, "%s/data", bin);
  close (open (notexec, O_WRONLY | O_CREAT, 0644));

  char pathvar[500];
  snprintf (pathvar, sizeof pathvar, "PATH=/nonexistent:%s", bin);
  char *env[] = { "A=1", pathvar, NULL };
  tap_ok (process_find_executable ("tool", env, &path, &err) == 0 && path && strcmp (path, exe) == 0,
          "a name is found along the container's PATH");
  free (path);
  path = NULL;
  tap_ok (process_find_executable ("nope", env, &path, &err) < 0
              && error_is (err, "exec \"nope\": executable file not found in $PATH"),
          "a name on no PATH entry: not found in $PATH");
  tap_ok (process_find_executable ("data", env, &path, &err) < 0
              && error_is (err, "exec \"data\": permission denied"),
          "a non-executable file on PATH: permission denied");
  tap_ok (process_find_executable ("/bin/nope-husk", env, &path, &err) < 0
              && error_is (err, "exec \"/bin/nope-husk\": no such file or directory"),
          "an absolute path that does not exist");
  tap_ok (process_find_executable (bin, env, &path, &err) < 0 && err && strstr (err->msg, "is a directory"),
          "a directory is not an executable");
  char *noenv[] = { NULL };
  tap_ok (process_find_executable ("tool", noenv, &path, &err) < 0, "no PATH in the env: names are not found");
  husk_error_free (err);

  oci_strv e = { (char *[]) { "A=1", "LISTEN_FDS=9", "LISTEN_PID=77" }, 3 };
  char **out = process_env (&e, 2);
  tap_ok (out[0] && strcmp (out[0], "A=1") == 0 && out[1] && strcmp (out[1], "LISTEN_FDS=2") == 0
              && out[2] && strcmp (out[2], "LISTEN_PID=1") == 0 && out[3] == NULL,
          "with socket activation, LISTEN_FDS/LISTEN_PID replace the config's");
  process_strv_free (out);
  out = process_env (&e, 0);
  tap_ok (out[1] && strcmp (out[1], "LISTEN_FDS=9") == 0 && out[3] == NULL, "without it the env is the config's");
  process_strv_free (out);

  unlink (exe);
  unlink (notexec);
  rmdir (bin);
  rmdir (dir);
}

int
main (void)
{
  char tmpl[] = "/tmp/husk-test-lifecycle-XXXXXX";
  if (mkdtemp (tmpl) == NULL)
    return 1;
  char root[300], pdir[300];
  snprintf (root, sizeof root, "%s/a/root", tmpl);
  snprintf (pdir, sizeof pdir, "%s/p", tmpl);

  test_state_dir (root);
  test_timestamp ();
  test_sync ();
  test_process (pdir);

  char a[300];
  snprintf (a, sizeof a, "%s/a", tmpl);
  rmdir (a);
  rmdir (tmpl);
  return tap_done ();
}
