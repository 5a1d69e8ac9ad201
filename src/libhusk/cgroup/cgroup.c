/* The cgroup driver: the host's hierarchies, a container's directories in
   them, their record in the state dir, and the operations on all of them. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "manage.h"

const char *
cgroup_layout_name (enum cgroup_layout l)
{
  static const char *const names[] = { "v1", "v2", "hybrid" };
  return names[l];
}

static void
dir_clear (struct cgroup_dir *d)
{
  free (d->path);
  free (d->mount);
  free (d->controllers);
}

void
cgroup_free (struct cgroup *cg)
{
  if (cg == NULL)
    return;
  for (size_t i = 0; i < cg->n; i++)
    dir_clear (&cg->dirs[i]);
  free (cg->dirs);
  free (cg);
}

char *
cgroup_default_path (const char *id)
{
  return xasprintf ("/husk/%s", id);
}

/* ---- the host's hierarchies ---- */

void
cgroup_hierarchies_free (struct hierarchy *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].controllers);
      free (h[i].own);
      free (h[i].mount);
      free (h[i].mount_root);
    }
  free (h);
}

/* Whether every comma-separated item of `want` is one of the
   comma-separated mount options `opts`. */
static bool
options_have_all (const char *opts, const char *want)
{
  _cleanup_free_ char *w = xstrdup (want);
  char *save = NULL;
  for (char *item = strtok_r (w, ",", &save); item; item = strtok_r (NULL, ",", &save))
    {
      size_t len = strlen (item);
      const char *p = opts;
      bool found = false;
      while (p && *p)
        {
          if (strncmp (p, item, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            {
              found = true;
              break;
            }
          p = strchr (p, ',');
          if (p)
            p++;
        }
      if (!found)
        return false;
    }
  return true;
}

/* mountinfo escapes spaces and the like as \ooo. */
static void
unescape_octal (char *s)
{
  char *w = s;
  for (char *r = s; *r; r++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0'
          && r[3] <= '7')
        {
          *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
          r += 3;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

/* Finds the first mount of the hierarchy in /proc/self/mountinfo. */
static void
hierarchy_find_mount (struct hierarchy *h, char *const *lines, size_t nlines)
{
  for (size_t i = 0; i < nlines && h->mount == NULL; i++)
    {
      _cleanup_free_ char *l = xstrdup (lines[i]);
      char *fields[32] = { 0 };
      size_t nf = 0;
      char *save = NULL;
      for (char *t = strtok_r (l, " ", &save); t && nf < 32; t = strtok_r (NULL, " ", &save))
        fields[nf++] = t;
      /* id parent dev root mountpoint opts [optional...] - fstype source superopts */
      size_t dash = 6;
      while (dash < nf && strcmp (fields[dash], "-") != 0)
        dash++;
      if (dash + 3 >= nf)
        continue;
      const char *fstype = fields[dash + 1], *super = fields[dash + 3];
      if (h->v2 ? strcmp (fstype, "cgroup2") != 0
                : (strcmp (fstype, "cgroup") != 0 || !options_have_all (super, h->controllers)))
        continue;
      h->mount_root = xstrdup (fields[3]);
      h->mount = xstrdup (fields[4]);
      unescape_octal (h->mount_root);
      unescape_octal (h->mount);
    }
}

static int
read_lines (const char *path, char ***lines, size_t *n, struct husk_error **err)
{
  _cleanup_fclose_ FILE *f = fopen (path, "re");
  if (f == NULL)
    return husk_error_sys (err, errno, "open %s", path);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  *lines = NULL;
  *n = 0;
  while ((len = getline (&line, &cap, f)) > 0)
    {
      if (line[len - 1] == '\n')
        line[len - 1] = '\0';
      *lines = xrealloc (*lines, (*n + 1) * sizeof **lines);
      (*lines)[(*n)++] = xstrdup (line);
    }
  free (line);
  return 0;
}

static void
lines_free (char **lines, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (lines[i]);
  free (lines);
}

/* Every hierarchy husk is in (/proc/self/cgroup) that is mounted. */
int
cgroup_hierarchies_detect (struct hierarchy **out, size_t *nout, struct husk_error **err)
{
  char **cg = NULL, **mi = NULL;
  size_t ncg = 0, nmi = 0;
  if (read_lines ("/proc/self/cgroup", &cg, &ncg, err) < 0)
    return -1;
  if (read_lines ("/proc/self/mountinfo", &mi, &nmi, err) < 0)
    {
      lines_free (cg, ncg);
      return -1;
    }
  struct hierarchy *h = xcalloc (ncg + 1, sizeof *h);
  size_t n = 0;
  for (size_t i = 0; i < ncg; i++)
    {
      /* hierarchy-id:controllers:path; "0::path" is the unified one. */
      char *c1 = strchr (cg[i], ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c2 == NULL)
        continue;
      *c2 = '\0';
      struct hierarchy *x = &h[n];
      x->v2 = strncmp (cg[i], "0:", 2) == 0 && c1[1] == '\0';
      x->controllers = xstrdup (c1 + 1);
      x->own = xstrdup (c2 + 1);
      if (!x->v2 && *x->controllers == '\0')
        {
          free (x->controllers);
          free (x->own);
          continue;
        }
      hierarchy_find_mount (x, mi, nmi);
      if (x->mount == NULL)
        {
          free (x->controllers);
          free (x->own);
          free (x->mount_root);
          memset (x, 0, sizeof *x);
          continue;
        }
      n++;
    }
  lines_free (cg, ncg);
  lines_free (mi, nmi);
  if (n == 0)
    {
      free (h);
      return husk_error_set (err, "cgroups: no cgroup hierarchy is mounted");
    }
  *out = h;
  *nout = n;
  return 0;
}

/* ---- paths ---- */

/* Normalises a cgroup path: no "." or ".." components (refused: a config
   must not reach out of the hierarchy, or above husk's own cgroup for a
   relative path), no empty ones, no control characters (a newline would
   forge a line of /proc/PID/cgroup). */
static int
path_clean (const char *path, char **out, struct husk_error **err)
{
  for (const char *p = path; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      return husk_error_set (err, "config.json: linux.cgroupsPath: must not contain a control character");
  _cleanup_free_ char *copy = xstrdup (path);
  size_t cap = strlen (path) + 2;
  char *res = xcalloc (1, cap);
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      if (strcmp (c, ".") == 0 || strcmp (c, "..") == 0)
        {
          free (res);
          return husk_error_set (err, "config.json: linux.cgroupsPath \"%s\": must not contain \"%s\"", path,
                                 c);
        }
      strcat (res, "/");
      strcat (res, c);
    }
  *out = res;
  return 0;
}

/* How many trailing components of `path` (below `mount`) do not exist. */
static int
missing_components (const char *mount, const char *path)
{
  _cleanup_free_ char *p = xstrdup (path);
  size_t mlen = strlen (mount);
  int missing = 0;
  struct stat st;
  while (strlen (p) > mlen && stat (p, &st) < 0 && errno == ENOENT)
    {
      missing++;
      *strrchr (p, '/') = '\0';
    }
  return missing;
}

static char *
read_file_text (const char *path)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  size_t cap = 4096, len = 0;
  char *buf = xmalloc (cap + 1);
  for (;;)
    {
      ssize_t r = read (fd, buf + len, cap - len);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          free (buf);
          return NULL;
        }
      if (r == 0)
        break;
      len += (size_t)r;
      if (len == cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap + 1);
        }
    }
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  buf[len] = '\0';
  return buf;
}

int
cgroup_resolve (const char *cgroups_path, const char *id, struct cgroup **out, struct husk_error **err)
{
  _cleanup_free_ char *def = cgroup_default_path (id);
  const char *given = cgroups_path ? cgroups_path : def;
  if (*given == '\0')
    return husk_error_set (err, "config.json: linux.cgroupsPath: must not be empty");
  /* "slice:prefix:name" is the systemd driver's form; a cgroupfs path
     with a colon in a component name would be legal, but is far more
     likely a systemd path given to the wrong driver. */
  if (strchr (given, ':'))
    return husk_error_set (err,
                           "config.json: linux.cgroupsPath \"%s\": the systemd form "
                           "\"slice:prefix:name\" needs the systemd cgroup driver, which is not "
                           "supported yet",
                           given);
  _cleanup_free_ char *clean = NULL;
  if (path_clean (given, &clean, err) < 0)
    return -1;
  if (*clean == '\0')
    return husk_error_set (err, "config.json: linux.cgroupsPath \"%s\": names the root cgroup", given);

  struct hierarchy *h = NULL;
  size_t nh = 0;
  if (cgroup_hierarchies_detect (&h, &nh, err) < 0)
    return -1;
  struct cgroup *cg = xcalloc (1, sizeof *cg);
  cg->dirs = xcalloc (nh, sizeof *cg->dirs);
  bool v1 = false, v2 = false;
  for (size_t i = 0; i < nh; i++)
    {
      struct cgroup_dir *d = &cg->dirs[cg->n++];
      /* Paths in /proc/self/cgroup are relative to the mount's root only
         when that root is "/"; a mount of a sub-cgroup (inside a
         container) shows its own root. */
      const char *root = strcmp (h[i].mount_root, "/") == 0 ? "" : h[i].mount_root;
      const char *own = h[i].own;
      if (*root && strncmp (own, root, strlen (root)) == 0)
        own += strlen (root);
      if (strcmp (own, "/") == 0)
        own = "";
      if (given[0] == '/')
        d->path = xasprintf ("%s%s", h[i].mount, clean);
      else
        d->path = xasprintf ("%s%s%s", h[i].mount, own, clean);
      d->v2 = h[i].v2;
      d->mount = xstrdup (h[i].mount);
      if (d->v2)
        {
          _cleanup_free_ char *f = xasprintf ("%s/cgroup.controllers", h[i].mount);
          d->controllers = read_file_text (f);
          if (d->controllers == NULL)
            d->controllers = xstrdup ("");
        }
      else
        d->controllers = xstrdup (h[i].controllers);
      /* The default parent /husk is made once and left in place, like the
         state root: making and removing it with every container doubled
         the cgroup directory work of a start. */
      d->created = cgroups_path == NULL ? 1 : missing_components (h[i].mount, d->path);
      v1 |= !d->v2;
      v2 |= d->v2;
    }
  cgroup_hierarchies_free (h, nh);
  cg->layout = v1 && v2 ? CGROUP_LAYOUT_HYBRID : v2 ? CGROUP_LAYOUT_V2 : CGROUP_LAYOUT_V1;
  *out = cg;
  return 0;
}

/* ---- file access ---- */

bool
cgroup_list_has (const char *list, const char *name, char sep)
{
  size_t len = strlen (name);
  for (const char *p = list; p && *p;)
    {
      if (strncmp (p, name, len) == 0 && (p[len] == sep || p[len] == '\n' || p[len] == '\0'))
        return true;
      p = strchr (p, sep);
      if (p)
        p++;
    }
  return false;
}

const struct cgroup_dir *
cgroup_find (const struct cgroup *cg, const char *name)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cgroup_list_has (cg->dirs[i].controllers, name, cg->dirs[i].v2 ? ' ' : ','))
      return &cg->dirs[i];
  return NULL;
}

static const struct cgroup_dir *
unified_dir (const struct cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    if (cg->dirs[i].v2)
      return &cg->dirs[i];
  return NULL;
}

int
cgroup_write (const struct cgroup_dir *d, const char *file, const char *value, const char *field,
              struct husk_error **err)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", d->path, file);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  ssize_t w = -1;
  if (fd >= 0)
    do
      w = write (fd, value, strlen (value));
    while (w < 0 && errno == EINTR);
  if (w >= 0)
    return 0;
  if (field)
    return husk_error_sys (err, errno, "%s: write \"%s\" to %s", field, value, path);
  return husk_error_sys (err, errno, "write \"%s\" to %s", value, path);
}

char *
cgroup_read (const struct cgroup_dir *d, const char *file)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", d->path, file);
  return read_file_text (path);
}

bool
cgroup_has_file (const struct cgroup_dir *d, const char *file)
{
  _cleanup_free_ char *path = xasprintf ("%s/%s", d->path, file);
  return access (path, F_OK) == 0;
}

/* ---- create, join, destroy ---- */

/* The directories above the first one husk makes: only the default
   parent (/husk), the first time. */
static int
mkdir_parents (const struct cgroup_dir *d, char *top, struct husk_error **err)
{
  for (char *s = strchr (top + strlen (d->mount) + 1, '/'); s; s = strchr (s + 1, '/'))
    {
      *s = '\0';
      int r = mkdir (top, 0755);
      int e = errno;
      *s = '/';
      if (r < 0 && e != EEXIST)
        return husk_error_sys (err, e, "cgroups: create %s", top);
    }
  return 0;
}

static int
mkdir_levels (const struct cgroup_dir *d, struct husk_error **err)
{
  /* The first component to make is `created` levels above the leaf. */
  _cleanup_free_ char *p = xstrdup (d->path);
  char *ends[64];
  int n = 0;
  for (int i = 0; i < d->created && i < 64; i++)
    {
      char *slash = strrchr (p, '/');
      ends[n++] = slash;
      *slash = '\0';
    }
  for (int i = n - 1; i >= 0; i--)
    {
      *ends[i] = '/';
      /* A parent that another husk made meanwhile is fine; the leaf must
         be new, or another container owns it. */
      int r = mkdir (p, 0755);
      if (r < 0 && errno == ENOENT && i == n - 1)
        r = mkdir_parents (d, p, err) < 0 ? -2 : mkdir (p, 0755);
      if (r == -2)
        return -1;
      if (r < 0 && !(errno == EEXIST && i > 0))
        return husk_error_sys (err, errno, "cgroups: create %s", p);
    }
  return 0;
}

/* A shared parent can vanish between our mkdirs when another container's
   delete removes it (empty at that moment): start again from the top. */
static int
mkdir_created (const struct cgroup_dir *d, struct husk_error **err)
{
  for (int attempt = 0;; attempt++)
    {
      int ret = mkdir_levels (d, err);
      if (ret == 0 || attempt == 4 || (*err)->errno_ != ENOENT)
        return ret;
      husk_error_free (*err);
      *err = NULL;
    }
}

/* Every level below the mount, top down, gets its parent's cpus and mems
   when it has none. */
static int
cpuset_fill (const struct cgroup_dir *d, struct husk_error **err)
{
  size_t mlen = strlen (d->mount);
  _cleanup_free_ char *p = xstrdup (d->path);
  for (char *s = strchr (p + mlen + 1, '/');; s = strchr (s + 1, '/'))
    {
      if (s)
        *s = '\0';
      if (cgroup_v1_cpuset_inherit (p, err) < 0)
        return -1;
      if (s == NULL)
        return 0;
      *s = '/';
    }
}

int
cgroup_create (struct cgroup *cg, struct husk_error **err)
{
  for (size_t i = 0; i < cg->n; i++)
    {
      struct cgroup_dir *d = &cg->dirs[i];
      if (mkdir_created (d, err) < 0)
        return -1;
      /* An existing cgroup (given as cgroupsPath, or a shared parent)
         may have an empty cpuset too. */
      if (!d->v2 && cgroup_list_has (d->controllers, "cpuset", ',') && cpuset_fill (d, err) < 0)
        return -1;
      if (d->v2)
        cgroup_v2_enable_controllers (d);
    }
  return 0;
}

int
cgroup_clone_fd (const struct cgroup *cg)
{
  const struct cgroup_dir *u = unified_dir (cg);
  return u ? open (u->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

/* A v1 "tasks" file given "0" moves the writing thread alone, and the
   kernel then skips the global threadgroup lock that a write to
   cgroup.procs takes, whose first taking waits for an RCU grace period
   (about 10 ms here, the largest item of a container's start on a v1
   host).  The caller is single-threaded, so its thread is the process.
   v2 has no such file for domain cgroups: cgroup.procs, unless clone3's
   CLONE_INTO_CGROUP placed the caller already (in_v2). */
int
cgroup_join_self (const struct cgroup *cg, bool in_v2, struct husk_error **err)
{
  for (size_t i = 0; i < cg->n; i++)
    {
      const struct cgroup_dir *d = &cg->dirs[i];
      if (d->v2 && in_v2)
        continue;
      if (cgroup_write (d, d->v2 ? "cgroup.procs" : "tasks", "0", NULL, err) < 0)
        return husk_error_wrap (err, "cgroups: join");
    }
  return 0;
}

static int
compare_pids (const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return x < y ? -1 : x > y;
}

static int
dir_pids (const struct cgroup_dir *d, pid_t **pids, size_t *n, struct husk_error **err)
{
  _cleanup_free_ char *text = cgroup_read (d, "cgroup.procs");
  if (text == NULL)
    return husk_error_sys (err, errno, "cgroups: read %s/cgroup.procs", d->path);
  for (char *s = text; *s;)
    {
      char *end;
      long v = strtol (s, &end, 10);
      if (end == s)
        break;
      *pids = xrealloc (*pids, (*n + 1) * sizeof **pids);
      (*pids)[(*n)++] = (pid_t)v;
      s = end;
      while (*s == '\n')
        s++;
    }
  return 0;
}

int
cgroup_pids (const struct cgroup *cg, pid_t **pids, size_t *n, struct husk_error **err)
{
  *pids = NULL;
  *n = 0;
  /* A process may move itself out of one hierarchy; the union of all is
     what the container has. */
  for (size_t i = 0; i < cg->n; i++)
    if (access (cg->dirs[i].path, F_OK) == 0 && dir_pids (&cg->dirs[i], pids, n, err) < 0)
      {
        free (*pids);
        *pids = NULL;
        return -1;
      }
  qsort (*pids, *n, sizeof **pids, compare_pids);
  size_t w = 0;
  for (size_t i = 0; i < *n; i++)
    if (w == 0 || (*pids)[w - 1] != (*pids)[i])
      (*pids)[w++] = (*pids)[i];
  *n = w;
  return 0;
}

/* The freezer: v1's freezer controller where it is mounted, else v2's
   cgroup.freeze (a core file, present on every non-root cgroup). */
int
cgroup_freeze (const struct cgroup *cg, bool frozen, struct husk_error **err)
{
  const struct cgroup_dir *d = cgroup_find (cg, "freezer");
  if (d && !d->v2)
    return cgroup_v1_freeze (d, frozen, err);
  d = unified_dir (cg);
  if (d && cgroup_has_file (d, "cgroup.freeze"))
    return cgroup_v2_freeze (d, frozen, err);
  return husk_error_set (err, "cgroups: no freezer: the freezer controller is not mounted and the "
                              "unified hierarchy has no cgroup.freeze");
}

bool
cgroup_is_frozen (const struct cgroup *cg)
{
  const struct cgroup_dir *d = cgroup_find (cg, "freezer");
  if (d && !d->v2)
    {
      _cleanup_free_ char *s = cgroup_read (d, "freezer.state");
      return s && strcmp (s, "THAWED") != 0;
    }
  d = unified_dir (cg);
  if (d == NULL)
    return false;
  _cleanup_free_ char *s = cgroup_read (d, "cgroup.freeze");
  return s && strcmp (s, "1") == 0;
}

/* Whether a v1 hierarchy has a process of the container that its unified
   cgroup lacks (on a hybrid host, one moved out of it). */
static bool
v1_only_pids (const struct cgroup *cg, const struct cgroup_dir *u)
{
  pid_t *all = NULL, *in_u = NULL;
  size_t n = 0, nu = 0;
  struct husk_error *ignored = NULL;
  bool found = false;
  if (cgroup_pids (cg, &all, &n, &ignored) == 0 && dir_pids (u, &in_u, &nu, &ignored) == 0)
    for (size_t i = 0; i < n && !found; i++)
      {
        found = true;
        for (size_t j = 0; j < nu && found; j++)
          found = all[i] != in_u[j];
      }
  husk_error_free (ignored);
  free (all);
  free (in_u);
  return found;
}

int
cgroup_kill_all (const struct cgroup *cg, int sig, struct husk_error **err)
{
  const struct cgroup_dir *u = unified_dir (cg);
  /* cgroup.kill reaches the unified cgroup's processes only: on a hybrid
     host, those left in the v1 hierarchies alone are signalled below. */
  if (sig == SIGKILL && u && cgroup_has_file (u, "cgroup.kill"))
    {
      if (cgroup_write (u, "cgroup.kill", "1", NULL, err) < 0)
        return -1;
      if (cg->layout != CGROUP_LAYOUT_HYBRID || !v1_only_pids (cg, u))
        return 0;
    }
  /* Frozen, no process can fork a child that the loop below would miss. */
  bool was_frozen = cgroup_is_frozen (cg);
  if (!was_frozen && cgroup_freeze (cg, true, err) < 0)
    return -1;
  pid_t *pids = NULL;
  size_t n = 0;
  int ret = cgroup_pids (cg, &pids, &n, err);
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (kill (pids[i], sig) < 0 && errno != ESRCH)
      ret = husk_error_sys (err, errno, "kill %d", (int)pids[i]);
  free (pids);
  struct husk_error *ignored = NULL;
  if (!was_frozen && cgroup_freeze (cg, false, ret < 0 ? &ignored : err) < 0 && ret == 0)
    ret = -1;
  husk_error_free (ignored);
  return ret;
}

static bool
cgroup_empty (const struct cgroup *cg)
{
  pid_t *pids = NULL;
  size_t n = 0;
  struct husk_error *ignored = NULL;
  int ret = cgroup_pids (cg, &pids, &n, &ignored);
  husk_error_free (ignored);
  free (pids);
  return ret == 0 && n == 0;
}

/* Killed processes leave their cgroups only once they have exited; the
   kernel has no notification on v1, so this waits in small steps, bounded
   (a process stuck in D state would otherwise hang delete forever). */
static int
wait_empty (const struct cgroup *cg, struct husk_error **err)
{
  for (int i = 0; i < 1000; i++)
    {
      if (cgroup_empty (cg))
        return 0;
      if (i % 50 == 0)
        {
          struct husk_error *ignored = NULL;
          cgroup_kill_all (cg, SIGKILL, &ignored);
          husk_error_free (ignored);
        }
      struct timespec ts = { 0, 10 * 1000 * 1000 };
      nanosleep (&ts, NULL);
    }
  return husk_error_set (err, "cgroups: processes are still in %s after SIGKILL", cg->dirs[0].path);
}

int
cgroup_destroy (const struct cgroup *cg, struct husk_error **err)
{
  bool any = false;
  for (size_t i = 0; i < cg->n; i++)
    any |= cg->dirs[i].created > 0 && access (cg->dirs[i].path, F_OK) == 0;
  if (!any)
    return 0;
  if (!cgroup_empty (cg))
    {
      /* A process leaves its cgroup a little before it is dead: pidfds
         taken now tell when each one is really gone (they poll readable
         at exit), so that delete returns with nothing of the container
         running. */
      pid_t *pids = NULL;
      size_t n = 0;
      struct husk_error *ignored = NULL;
      cgroup_pids (cg, &pids, &n, &ignored);
      husk_error_free (ignored);
      ignored = NULL;
      int *fds = xcalloc (n + 1, sizeof *fds);
      for (size_t i = 0; i < n; i++)
        fds[i] = (int) syscall (SYS_pidfd_open, pids[i], 0);
      free (pids);
      /* A frozen cgroup's processes cannot die: thaw after the kill. */
      cgroup_kill_all (cg, SIGKILL, &ignored);
      husk_error_free (ignored);
      ignored = NULL;
      if (cgroup_is_frozen (cg))
        cgroup_freeze (cg, false, &ignored);
      husk_error_free (ignored);
      /* Wait for the exits themselves (event-driven), then check: in the
         common case the cgroup is empty at the first look and
         wait_empty's bounded retry loop (for processes forked after the
         listing) never sleeps. */
      for (size_t i = 0; i < n; i++)
        if (fds[i] >= 0)
          {
            struct pollfd p = { fds[i], POLLIN, 0 };
            poll (&p, 1, 5000);
            close (fds[i]);
          }
      free (fds);
      if (wait_empty (cg, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < cg->n; i++)
    {
      const struct cgroup_dir *d = &cg->dirs[i];
      _cleanup_free_ char *p = xstrdup (d->path);
      for (int level = 0; level < d->created; level++)
        {
          /* A leaf whose last task is still exiting can be busy a moment
             longer than its task list says. */
          int r;
          for (int tries = 0; (r = rmdir (p)) < 0 && errno == EBUSY && level == 0 && tries < 100; tries++)
            {
              struct timespec ts = { 0, 10 * 1000 * 1000 };
              nanosleep (&ts, NULL);
            }
          /* Parents are shared with other containers: one still in use is
             busy, and stays. */
          if (r < 0 && errno != ENOENT)
            {
              if (level == 0)
                return husk_error_sys (err, errno, "cgroups: remove %s", p);
              break;
            }
          *strrchr (p, '/') = '\0';
        }
    }
  return 0;
}

/* runc's test (cgroups.IsCgroup2UnifiedMode): cgroup2 at /sys/fs/cgroup. */
bool
cgroup_host_unified (void)
{
  struct statfs sfs;
  return statfs ("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
}
