/* The state dir <root>/<id>/ (state.json, exec.fifo), its lock, and the
   liveness of a container's init. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cgroup/manage.h"
#include "cleanup.h"
#include "log.h"
#include "process.h"
#include "state.h"

#define STATE_FILE "state.json"
#define STATE_TMP "state.json.tmp"
#define STATE_MAX_SIZE (1024 * 1024)
#define STATE_CONFIG "config.json"   /* the config create parsed */

static const char *const status_names[] = {
  [STATE_CREATING] = "creating",
  [STATE_CREATED] = "created",
  [STATE_RUNNING] = "running",
  [STATE_STOPPED] = "stopped",
  [STATE_PAUSED] = "paused",
};

const char *
state_status_name (enum state_status s)
{
  return status_names[s];
}

void
state_free (struct husk_state *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->id);
  free (s->status);
  free (s->bundle);
  free (s->rootfs);
  free (s->created);
  for (size_t i = 0; i < s->annotations.n; i++)
    {
      free (s->annotations.keys[i]);
      free (s->annotations.values[i]);
    }
  free (s->annotations.keys);
  free (s->annotations.values);
  free (s);
}

/* mkdir -p with mode 0700 for the dirs it makes. */
static int
mkdir_parents (const char *path, struct husk_error **err)
{
  _cleanup_free_ char *p = xstrdup (path);
  for (char *s = p + 1;; s++)
    {
      if (*s != '/' && *s != '\0')
        continue;
      char c = *s;
      *s = '\0';
      if (mkdir (p, 0700) < 0 && errno != EEXIST)
        return husk_error_sys (err, errno, "create state root \"%s\"", p);
      *s = c;
      if (c == '\0')
        return 0;
    }
}

int
state_root_open (const char *root, bool create, int *fd, struct husk_error **err)
{
  *fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd >= 0)
    return 0;
  if (errno != ENOENT)
    return husk_error_sys (err, errno, "open state root \"%s\"", root);
  if (!create)
    return 0;
  if (mkdir_parents (root, err) < 0)
    return -1;
  *fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return husk_error_sys (err, errno, "open state root \"%s\"", root);
  return 0;
}

static int
lock_dir (int dirfd, bool exclusive, const char *id, struct husk_error **err)
{
  int ret;
  do
    ret = flock (dirfd, exclusive ? LOCK_EX : LOCK_SH);
  while (ret < 0 && errno == EINTR);
  if (ret < 0)
    return husk_error_sys (err, errno, "lock container \"%s\"", id);
  return 0;
}

/* errno_ ENOENT (not in the message) tells callers that the container is
   gone rather than unreadable: `delete --force` succeeds then. */
static int
state_error_missing (struct husk_error **err, const char *id)
{
  husk_error_set (err, "container \"%s\" does not exist", id);
  if (err)
    (*err)->errno_ = ENOENT;
  return -1;
}

/* How state_open_at locks: waiting for a shared or an exclusive lock, or
   taking a shared one only if it is free. */
enum state_lock
{
  STATE_LOCK_SHARED,
  STATE_LOCK_EXCLUSIVE,
  STATE_LOCK_IF_FREE,
  STATE_LOCK_EXCLUSIVE_IF_FREE,
};

static int
state_open_at (int rootfd, const char *id, enum state_lock lock, int *dirfd, bool *busy,
               struct husk_error **err)
{
  *dirfd = -1;
  if (rootfd < 0)
    return state_error_missing (err, id);
  _cleanup_close_ int fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP))
    return state_error_missing (err, id);
  if (fd < 0)
    return husk_error_sys (err, errno, "open state of container \"%s\"", id);
  if (lock == STATE_LOCK_IF_FREE || lock == STATE_LOCK_EXCLUSIVE_IF_FREE)
    {
      /* EINTR cannot happen: LOCK_NB never sleeps. */
      *busy = flock (fd, (lock == STATE_LOCK_IF_FREE ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0;
      if (*busy && errno != EWOULDBLOCK)
        return husk_error_sys (err, errno, "lock container \"%s\"", id);
    }
  else if (lock_dir (fd, lock == STATE_LOCK_EXCLUSIVE, id, err) < 0)
    return -1;
  /* A delete that held the lock before us has removed the dir. */
  struct stat st;
  if (fstat (fd, &st) < 0)
    return husk_error_sys (err, errno, "stat state of container \"%s\"", id);
  if (st.st_nlink == 0)
    return state_error_missing (err, id);
  *dirfd = steal_fd (&fd);
  return 0;
}

int
state_open (int rootfd, const char *id, bool exclusive, int *dirfd, struct husk_error **err)
{
  return state_open_at (rootfd, id, exclusive ? STATE_LOCK_EXCLUSIVE : STATE_LOCK_SHARED, dirfd, NULL, err);
}

int
state_open_reader (int rootfd, const char *id, int *dirfd, bool *busy, struct husk_error **err)
{
  return state_open_at (rootfd, id, STATE_LOCK_IF_FREE, dirfd, busy, err);
}

int
state_open_if_free (int rootfd, const char *id, int *dirfd, bool *busy, struct husk_error **err)
{
  return state_open_at (rootfd, id, STATE_LOCK_EXCLUSIVE_IF_FREE, dirfd, busy, err);
}

/* ---- state.json ---- */

static void
gen_string (yajl_gen g, const char *s)
{
  yajl_gen_string (g, (const unsigned char *) s, strlen (s));
}

static void
gen_member (yajl_gen g, const char *key, const char *value)
{
  gen_string (g, key);
  gen_string (g, value ? value : "");
}

static void
gen_integer (yajl_gen g, const char *key, long long v)
{
  gen_string (g, key);
  yajl_gen_integer (g, v);
}

static void
gen_annotations (yajl_gen g, const oci_map *m)
{
  gen_string (g, "annotations");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < m->n; i++)
    gen_member (g, m->keys[i], m->values[i]);
  yajl_gen_map_close (g);
}

static char *
gen_finish (yajl_gen g)
{
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf (g, &buf, &len);
  char *out = xmalloc (len + 1);
  memcpy (out, buf, len);
  out[len] = '\0';
  yajl_gen_free (g);
  return out;
}

static yajl_gen
gen_new (bool pretty)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    abort ();
  yajl_gen_config (g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config (g, yajl_gen_indent_string, "  ");
  yajl_gen_config (g, yajl_gen_validate_utf8, 0);
  return g;
}

/* The file keeps the owner as a number and the init's start time, which
   no output shows. */
static char *
state_file_json (const struct husk_state *s)
{
  yajl_gen g = gen_new (false);
  yajl_gen_map_open (g);
  gen_member (g, "ociVersion", s->oci_version);
  gen_member (g, "id", s->id);
  gen_member (g, "status", s->status);
  gen_integer (g, "pid", s->pid);
  gen_string (g, "initStartTime");
  char t[32];
  snprintf (t, sizeof t, "%llu", s->start_time);
  yajl_gen_number (g, t, strlen (t));
  gen_member (g, "bundle", s->bundle);
  gen_member (g, "rootfs", s->rootfs);
  gen_member (g, "created", s->created);
  gen_integer (g, "ownerUid", s->owner);
  if (s->no_new_keyring)
    {
      gen_string (g, "noNewKeyring");
      yajl_gen_bool (g, 1);
    }
  gen_annotations (g, &s->annotations);
  yajl_gen_map_close (g);
  char *out = gen_finish (g);
  return out;
}

char *
state_owner_name (uid_t uid)
{
  /* list asks for the owner of every row, and the rows of a root almost
     always share one: the previous answer is kept, so /etc/passwd is read
     once per owner rather than once per container.  A husk process lives
     for one command, so the file does not go stale under it. */
  static uid_t last_uid;
  static char *last_name;
  if (last_name && last_uid == uid)
    return xstrdup (last_name);
  /* fgetpwent reads the file itself: no NSS, which a static husk lacks. */
  _cleanup_fclose_ FILE *f = fopen ("/etc/passwd", "re");
  struct passwd *pw;
  char *name = NULL;
  while (f && name == NULL && (pw = fgetpwent (f)) != NULL)
    if (pw->pw_uid == uid)
      name = xstrdup (pw->pw_name);
  if (name == NULL)
    name = xasprintf ("#%u", (unsigned) uid);
  free (last_name);
  last_name = xstrdup (name);
  last_uid = uid;
  return name;
}

/* STATE_JSON_HOOK: the spec's state, as runc's specs.State (no pid once
   stopped, none of runc's extras).  Otherwise runc's containerState: pid
   always (0 once stopped), annotations (when any) before owner, which
   `runc state` leaves empty and only list names. */
static void
gen_state_object (yajl_gen g, const struct husk_state *s, enum state_status st, enum state_json_style style)
{
  bool has_pid = st == STATE_CREATED || st == STATE_RUNNING || st == STATE_CREATING || st == STATE_PAUSED;
  bool hook = style == STATE_JSON_HOOK;
  _cleanup_free_ char *owner = style == STATE_JSON_LIST ? state_owner_name (s->owner) : NULL;
  yajl_gen_map_open (g);
  gen_member (g, "ociVersion", s->oci_version);
  gen_member (g, "id", s->id);
  if (!hook)
    gen_integer (g, "pid", has_pid ? s->pid : 0);
  gen_member (g, "status", state_status_name (st));
  if (hook && has_pid && s->pid > 0)
    gen_integer (g, "pid", s->pid);
  gen_member (g, "bundle", s->bundle);
  if (!hook)
    {
      gen_member (g, "rootfs", s->rootfs);
      gen_member (g, "created", s->created);
    }
  /* Omitted when empty, as runc does (the spec makes it optional). */
  if (s->annotations.n > 0)
    gen_annotations (g, &s->annotations);
  if (!hook)
    gen_member (g, "owner", owner);
  yajl_gen_map_close (g);
}

char *
state_json (const struct husk_state *s, enum state_status st, bool pretty, enum state_json_style style)
{
  yajl_gen g = gen_new (pretty);
  gen_state_object (g, s, st, style);
  return gen_finish (g);
}

char *
state_json_list (struct husk_state *const *v, const enum state_status *st, size_t n)
{
  yajl_gen g = gen_new (false);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    gen_state_object (g, v[i], st[i], STATE_JSON_LIST);
  yajl_gen_array_close (g);
  return gen_finish (g);
}

int
state_file_write (int dirfd, const char *name, const char *data, size_t len, struct husk_error **err)
{
  /* No fsync: the files describe live processes, which a crash ends
     anyway, and a truncated file after one is handled (it reads as
     stopped and delete --force removes it).  On a disk-backed /run an
     fsync per write cost more than the whole rest of `run`. */
  if (process_write_atomic (dirfd, name, ".tmp", data, len, 0600) < 0)
    return husk_error_sys (err, errno, "write %s", name);
  return 0;
}

int
state_write (int dirfd, const struct husk_state *s, struct husk_error **err)
{
  _cleanup_free_ char *json = state_file_json (s);
  if (state_file_write (dirfd, STATE_FILE, json, strlen (json), err) < 0)
    return husk_error_wrap (err, "container \"%s\"", s->id);
  return 0;
}

/* The temporary name of a create's state dir: ".new-PID-START-ID", its
   husk's pid and start time (so that a pid reused since does not pass
   for the dead create) and the id (so that `delete --force ID` and the
   next create of ID find it).  Ids never start with ".", so this name is
   never a container's. */
static int
temp_name (const char *id, char *buf, size_t size)
{
  unsigned long long start = 0;
  char st;
  if (state_proc_stat ((int) getpid (), &start, &st) < 0)
    return -1;
  int n = snprintf (buf, size, ".new-%d-%llu-%s", (int) getpid (), start, id);
  if (n < 0 || (size_t) n >= size)
    {
      errno = ENAMETOOLONG;
      return -1;
    }
  return 0;
}

int
state_create_dir (int rootfd, const struct husk_state *initial, int *dirfd,
                  struct husk_error **err)
{
  char tmp[NAME_MAX + 1];
  if (temp_name (initial->id, tmp, sizeof tmp) < 0 || mkdirat (rootfd, tmp, 0700) < 0)
    return husk_error_sys (err, errno, "create state dir of container \"%s\"", initial->id);
  _cleanup_close_ int fd = openat (rootfd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  int ret = fd < 0 ? husk_error_sys (err, errno, "open state dir of container \"%s\"", initial->id)
                   : 0;
  if (ret == 0)
    ret = lock_dir (fd, true, initial->id, err);
  if (ret == 0)
    ret = state_write (fd, initial, err);
  if (ret == 0 && renameat2 (rootfd, tmp, rootfd, initial->id, RENAME_NOREPLACE) < 0)
    {
      if (errno == EEXIST)
        ret = husk_error_set (err, "container \"%s\" already exists", initial->id);
      else
        ret = husk_error_sys (err, errno, "create state dir of container \"%s\"", initial->id);
    }
  if (ret < 0)
    {
      if (fd >= 0)
        {
          unlinkat (fd, STATE_FILE, 0);
          unlinkat (fd, STATE_TMP, 0);
        }
      unlinkat (rootfd, tmp, AT_REMOVEDIR);
      return ret;
    }
  *dirfd = steal_fd (&fd);
  return 0;
}

bool
state_remove_stale_temp (int rootfd, const char *name, const char *id)
{
  int pid, off = 0;
  unsigned long long start;
  if (sscanf (name, ".new-%d-%llu-%n", &pid, &start, &off) != 2 || off == 0 || pid <= 0)
    return false;
  if (id && strcmp (name + off, id) != 0)
    return false;
  /* Its husk still runs (the same process: same start time) between
     mkdir and flock, or holds the lock. */
  unsigned long long now;
  char st;
  if (state_proc_stat (pid, &now, &st) == 0 && now == start && st != 'Z' && st != 'X')
    return false;
  _cleanup_close_ int fd = openat (rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) < 0)
    return false;
  unlinkat (fd, STATE_FILE, 0);
  unlinkat (fd, STATE_TMP, 0);
  return unlinkat (rootfd, name, AT_REMOVEDIR) == 0;
}

void
state_remove_stale_temps (int rootfd, const char *id)
{
  if (rootfd < 0)
    return;
  int fd = dup (rootfd);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  struct dirent *e;
  while ((e = readdir (d)) != NULL)
    if (strncmp (e->d_name, ".new-", 5) == 0)
      state_remove_stale_temp (rootfd, e->d_name, id);
  closedir (d);
}

static const char *
tree_string (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);
  return v ? YAJL_GET_STRING (v) : NULL;
}

static bool
tree_integer (yajl_val root, const char *key, long long *out)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_number);
  if (v == NULL || !YAJL_IS_INTEGER (v))
    return false;
  *out = YAJL_GET_INTEGER (v);
  return true;
}

int
state_read_fd (int fd, size_t max, char **out, size_t *len, const char *what, struct husk_error **err)
{
  /* A state dir's files are small and list reads two per container
     (state.json, cgroup.json): start small and grow up to max + 1 (to see
     a file larger than max), and take a short read as the end, which it is
     for a regular file, rather than reading again to see 0. */
  size_t cap = max < 16384 ? max + 1 : 16384, n = 0;
  _cleanup_free_ char *buf = xmalloc (cap + 1);
  for (;;)
    {
      if (n == cap)
        {
          if (cap > max)
            return husk_error_set (err, "read %s: file too large", what);
          cap = cap * 4 > max + 1 ? max + 1 : cap * 4;
          buf = xrealloc (buf, cap + 1);
        }
      size_t want = cap - n;
      ssize_t r = read (fd, buf + n, want);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        return husk_error_sys (err, errno, "read %s", what);
      n += (size_t) r;
      if ((size_t) r < want)
        break;
    }
  if (n > max)
    return husk_error_set (err, "read %s: file too large", what);
  buf[n] = '\0';
  *len = n;
  *out = steal_pointer (&buf);
  return 0;
}

int
state_read (int dirfd, const char *id, struct husk_state **out, struct husk_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  /* A reader without the lock may come in while delete empties the dir. */
  if (fd < 0 && errno == ENOENT)
    return state_error_missing (err, id);
  if (fd < 0)
    return husk_error_sys (err, errno, "read state of container \"%s\"", id);
  _cleanup_free_ char *what = xasprintf ("state of container \"%s\"", id);
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (state_read_fd (fd, STATE_MAX_SIZE, &buf, &len, what, err) < 0)
    return -1;
  char ebuf[256];
  yajl_val root = yajl_tree_parse (buf, ebuf, sizeof ebuf);
  if (root == NULL || !YAJL_IS_OBJECT (root))
    {
      yajl_tree_free (root);
      return husk_error_set (err, "read state of container \"%s\": corrupt state.json", id);
    }
  struct husk_state *s = xcalloc (1, sizeof *s);
  const char *version = tree_string (root, "ociVersion");
  const char *sid = tree_string (root, "id");
  const char *status = tree_string (root, "status");
  const char *bundle = tree_string (root, "bundle");
  const char *rootfs = tree_string (root, "rootfs");
  const char *created = tree_string (root, "created");
  long long pid = 0, start = 0, owner = 0;
  bool ok = version && sid && status && bundle && rootfs && created
            && tree_integer (root, "pid", &pid) && pid >= 0 && pid <= INT32_MAX
            && tree_integer (root, "initStartTime", &start) && start >= 0
            && tree_integer (root, "ownerUid", &owner) && owner >= 0 && owner <= UINT32_MAX
            && strcmp (sid, id) == 0;
  if (ok)
    {
      s->oci_version = xstrdup (version);
      s->id = xstrdup (sid);
      s->status = xstrdup (status);
      s->bundle = xstrdup (bundle);
      s->rootfs = xstrdup (rootfs);
      s->created = xstrdup (created);
      s->pid = (int) pid;
      s->start_time = (unsigned long long) start;
      s->owner = (uid_t) owner;
      const char *keyring[] = { "noNewKeyring", NULL };
      s->no_new_keyring = yajl_tree_get (root, keyring, yajl_t_true) != NULL;
      const char *path[] = { "annotations", NULL };
      yajl_val a = yajl_tree_get (root, path, yajl_t_object);
      size_t n = a ? YAJL_GET_OBJECT (a)->len : 0;
      s->annotations.keys = xcalloc (n + 1, sizeof (char *));
      s->annotations.values = xcalloc (n + 1, sizeof (char *));
      for (size_t i = 0; i < n; i++)
        {
          yajl_val v = YAJL_GET_OBJECT (a)->values[i];
          s->annotations.keys[s->annotations.n] = xstrdup (YAJL_GET_OBJECT (a)->keys[i]);
          s->annotations.values[s->annotations.n++] = xstrdup (YAJL_IS_STRING (v) ? YAJL_GET_STRING (v) : "");
        }
    }
  yajl_tree_free (root);
  if (!ok)
    {
      state_free (s);
      return husk_error_set (err, "read state of container \"%s\": corrupt state.json", id);
    }
  *out = s;
  return 0;
}

struct husk_state *
state_unreadable (int dirfd, const char *id)
{
  struct husk_state *s = xcalloc (1, sizeof *s);
  s->id = xstrdup (id);
  s->status = xstrdup (status_names[STATE_STOPPED]);
  s->oci_version = xstrdup ("");
  s->bundle = xstrdup ("");
  s->rootfs = xstrdup ("");
  s->created = xstrdup ("");
  struct stat st;
  s->owner = fstat (dirfd, &st) == 0 ? st.st_uid : 0;
  s->annotations.keys = xcalloc (1, sizeof (char *));
  s->annotations.values = xcalloc (1, sizeof (char *));
  return s;
}

int
state_remove (int rootfd, const char *id, int dirfd, struct husk_error **err)
{
  int fd = dup (dirfd);
  if (fd < 0)
    return husk_error_sys (err, errno, "remove state of container \"%s\"", id);
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return husk_error_sys (err, errno, "remove state of container \"%s\"", id);
    }
  rewinddir (d);
  struct dirent *e;
  int ret = 0;
  while ((e = readdir (d)) != NULL)
    {
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (unlinkat (dirfd, e->d_name, 0) < 0 && errno != ENOENT && ret == 0)
        ret = husk_error_sys (err, errno, "remove state of container \"%s\": \"%s\"", id, e->d_name);
    }
  closedir (d);
  if (ret == 0 && unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    ret = husk_error_sys (err, errno, "remove state dir of container \"%s\"", id);
  return ret;
}

/* ---- liveness ---- */

int
state_proc_stat (int pid, unsigned long long *start_time, char *proc_state)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* comm (field 2) may hold spaces and parentheses: start after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ')
    return -1;
  p += 2;
  *proc_state = *p;
  /* p is at field 3; field 22 is 19 fields further. */
  for (int field = 3; field < 22; field++)
    {
      p = strchr (p, ' ');
      if (p == NULL)
        return -1;
      p++;
    }
  char *end;
  errno = 0;
  *start_time = strtoull (p, &end, 10);
  if (errno || end == p)
    return -1;
  return 0;
}

bool
state_init_alive (const struct husk_state *s)
{
  unsigned long long start;
  char st;
  if (s->pid <= 0 || state_proc_stat (s->pid, &start, &st) < 0)
    return false;
  return start == s->start_time && st != 'Z' && st != 'X' && st != 'x';
}

enum state_status
state_status (int dirfd, const struct husk_state *s)
{
  if (!state_init_alive (s))
    return STATE_STOPPED;
  if (strcmp (s->status, "creating") == 0)
    return STATE_CREATING;
  /* runc reports a frozen container as paused, created or running. */
  if (cgroup_container_paused (dirfd))
    return STATE_PAUSED;
  /* `start` unlinks exec.fifo once the init has been let go. */
  if (faccessat (dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return STATE_CREATED;
  return STATE_RUNNING;
}

enum state_status
state_status_read (int dirfd, const struct husk_state *s, bool busy)
{
  if (busy && strcmp (s->status, "creating") == 0)
    return STATE_CREATING;
  return state_status (dirfd, s);
}

int
state_init_pidfd (const struct husk_state *s, int *pidfd, struct husk_error **err)
{
  *pidfd = -1;
  if (s->pid <= 0)
    return 0;
  _cleanup_close_ int fd = (int) syscall (SYS_pidfd_open, s->pid, 0);
  if (fd < 0 && errno == ESRCH)
    return 0;
  if (fd < 0)
    return husk_error_sys (err, errno, "pidfd_open %d", s->pid);
  /* Checked after opening: the pidfd now pins this process, so if the
     start time matches it is the init, and stays so. */
  if (!state_init_alive (s))
    return 0;
  *pidfd = steal_fd (&fd);
  return 0;
}

char *
state_timestamp_now (void)
{
  char when[64];
  log_time_now (true, when, sizeof when);
  return xstrdup (when);
}

/* Reads at most OCI_CONFIG_MAX_SIZE bytes of fd. */
static int
state_read_config_fd (int fd, char **out, size_t *len, const char *what, struct husk_error **err)
{
  return state_read_fd (fd, OCI_CONFIG_MAX_SIZE, out, len, what, err);
}

int
state_config_save (int state_dirfd, const char *data, size_t len, struct husk_error **err)
{
  if (state_file_write (state_dirfd, STATE_CONFIG, data, len, err) < 0)
    return husk_error_wrap (err, "save the config");
  return 0;
}

int
state_config_load (int state_dirfd, struct oci_config **out, struct husk_error **err)
{
  *out = NULL;
  _cleanup_close_ int fd = openat (state_dirfd, STATE_CONFIG, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    return husk_error_sys (err, errno, "read the saved config");
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  if (state_read_config_fd (fd, &data, &len, "the saved config", err) < 0)
    return -1;
  char *perr = NULL;
  if (oci_config_parse_data (data, len, "state dir " STATE_CONFIG, out, &perr) < 0)
    {
      husk_error_set (err, "%s", perr ? perr : "state dir " STATE_CONFIG ": cannot parse");
      free (perr);
      return -1;
    }
  return 0;
}
