/* The generic JSON walker: descriptor tables in, typed structs out. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#include "cleanup.h"
#include "oci_config.h"
#include "oci_gen.h"
#include "oci_json.h"

/* ---- allocation ---- */

static void *
oom (void *p)
{
  if (p == NULL)
    {
      fputs ("out of memory\n", stderr);
      abort ();
    }
  return p;
}

void *
oci_xcalloc (size_t n, size_t m)
{
  return oom (calloc (n ? n : 1, m ? m : 1));
}

void *
oci_xrealloc (void *p, size_t n)
{
  return oom (realloc (p, n ? n : 1));
}

char *
oci_xstrdup (const char *s)
{
  return oom (strdup (s));
}

static char *__attribute__ ((format (printf, 1, 0)))
xvasprintf (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    oom (NULL);
  return s;
}

char *
oci_xasprintf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *s = xvasprintf (fmt, ap);
  va_end (ap);
  return s;
}

/* ---- messages ---- */

/* Values in messages come from untrusted files: quote them, escape
   control characters (an error is one line), and cut them short. */
#define QUOTE_MAX 64
#define QUOTE_SIZE (QUOTE_MAX * 4 + 8)

static const char *
quote (char buf[QUOTE_SIZE], const char *s)
{
  size_t o = 0;
  buf[o++] = '"';
  for (size_t i = 0; s[i]; i++)
    {
      if (i == QUOTE_MAX)
        {
          /* Cut at a character, not inside its UTF-8 bytes. */
          while (o > 1 && ((unsigned char) buf[o - 1] & 0xc0) == 0x80)
            o--;
          if (o > 1 && (unsigned char) buf[o - 1] >= 0xc0)
            o--;
          memcpy (buf + o, "...", 3);
          o += 3;
          break;
        }
      unsigned char c = (unsigned char) s[i];
      if (c == '"' || c == '\\')
        {
          buf[o++] = '\\';
          buf[o++] = (char) c;
        }
      else if (c < 0x20 || c == 0x7f)
        o += (size_t) snprintf (buf + o, 5, "\\x%02x", c);
      else
        buf[o++] = (char) c;
    }
  buf[o++] = '"';
  buf[o] = '\0';
  return buf;
}

static const char *
json_type_name (yajl_val v)
{
  if (YAJL_IS_STRING (v))
    return "string";
  if (YAJL_IS_NUMBER (v))
    return "number";
  if (YAJL_IS_OBJECT (v))
    return "object";
  if (YAJL_IS_ARRAY (v))
    return "array";
  if (YAJL_IS_TRUE (v) || YAJL_IS_FALSE (v))
    return "boolean";
  return "null";
}

/* ---- reading and syntax ---- */

/* Reads fd to its end, at most max bytes; size is what fstat said (0 for a
   pipe). */
static int
read_all (int fd, off_t size, const char *path, const char *name, size_t max, char **data, size_t *len,
          char **err)
{
  char q[QUOTE_SIZE];
  /* Refuse by size before allocating: a huge or sparse file must not
     cost its size in memory. */
  if ((uintmax_t) size > max)
    {
      *err = oci_xasprintf ("%s: file too large (%jd bytes, at most %zu)", name, (intmax_t) size, max);
      return -1;
    }

  /* The file may grow while it is read, and a pipe has no size: keep
     reading, within the cap. */
  size_t cap = (size_t) size > 4095 ? (size_t) size + 1 : 4096, n = 0;
  if (cap > max + 1)
    cap = max + 1;
  _cleanup_free_ char *buf = oci_xcalloc (cap + 1, 1);
  for (;;)
    {
      if (n == cap)
        {
          if (cap > max)
            {
              *err = oci_xasprintf ("%s: file too large (more than %zu bytes)", name, max);
              return -1;
            }
          cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
          buf = oci_xrealloc (buf, cap + 1);
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          *err = oci_xasprintf ("%s: read %s: %s", name, quote (q, path), strerror (errno));
          return -1;
        }
      if (r == 0)
        break;
      n += (size_t) r;
    }
  if (n > max)
    {
      *err = oci_xasprintf ("%s: file too large (more than %zu bytes)", name, max);
      return -1;
    }
  buf[n] = '\0';
  *data = steal_pointer (&buf);
  *len = n;
  return 0;
}

/* Opens path for reading after looking at it: a regular file, or with
   pipes, also a FIFO (opened blocking, as a reader of a pipe waits for its
   writer); a directory, a device or a socket is refused.  Looking before
   opening: opening a FIFO blocks and opening a device can have side
   effects.  The fstat after the open catches a swap in between. */
static int
open_checked (const char *path, const char *name, bool pipes, int *fd, struct stat *st, char **err)
{
  char q[QUOTE_SIZE];
  for (int step = 0; step < 2; step++)
    {
      if ((step == 0 ? stat (path, st) : fstat (*fd, st)) < 0)
        {
          *err = oci_xasprintf ("%s: %s %s: %s", name, step == 0 ? "open" : "stat", quote (q, path),
                                strerror (errno));
          return -1;
        }
      if (pipes && S_ISDIR (st->st_mode))
        {
          *err = oci_xasprintf ("%s: is a directory", name);
          return -1;
        }
      if (!S_ISREG (st->st_mode) && !(pipes && S_ISFIFO (st->st_mode)))
        {
          *err = oci_xasprintf ("%s: not a regular file%s", name, pipes ? " or pipe" : "");
          return -1;
        }
      if (step == 0)
        {
          *fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (S_ISFIFO (st->st_mode) ? 0 : O_NONBLOCK));
          if (*fd < 0)
            {
              *err = oci_xasprintf ("%s: open %s: %s", name, quote (q, path), strerror (errno));
              return -1;
            }
        }
    }
  return 0;
}

int
oci_json_read_file (const char *path, const char *name, size_t max, char **data, size_t *len,
                    char **err)
{
  struct stat st;
  _cleanup_close_ int fd = -1;
  if (open_checked (path, name, false, &fd, &st, err) < 0)
    return -1;
  return read_all (fd, st.st_size, path, name, max, data, len, err);
}

int
oci_json_read_arg (const char *path, const char *name, size_t max, char **data, size_t *len, char **err)
{
  struct stat st;
  if (strcmp (path, "-") == 0)
    {
      if (fstat (STDIN_FILENO, &st) < 0)
        {
          *err = oci_xasprintf ("%s: stat stdin: %s", name, strerror (errno));
          return -1;
        }
      if (S_ISDIR (st.st_mode))
        {
          *err = oci_xasprintf ("%s: stdin is a directory", name);
          return -1;
        }
      return read_all (STDIN_FILENO, S_ISREG (st.st_mode) ? st.st_size : 0, "stdin", name, max, data, len, err);
    }
  _cleanup_close_ int fd = -1;
  if (open_checked (path, name, true, &fd, &st, err) < 0)
    return -1;
  return read_all (fd, S_ISREG (st.st_mode) ? st.st_size : 0, path, name, max, data, len, err);
}

struct depth
{
  int level;
  bool too_deep;
  bool nul;
};

static int
depth_enter (void *ctx)
{
  struct depth *d = ctx;
  if (++d->level > OCI_JSON_MAX_DEPTH)
    {
      d->too_deep = true;
      return 0;
    }
  return 1;
}

static int
depth_leave (void *ctx)
{
  ((struct depth *) ctx)->level--;
  return 1;
}

/* "\u0000" decodes to a NUL that would silently cut the C string short:
   "/tmp\u0000/../x" must not become "/tmp" unnoticed. */
static int
string_check (void *ctx, const unsigned char *s, size_t len)
{
  if (memchr (s, '\0', len) == NULL)
    return 1;
  ((struct depth *) ctx)->nul = true;
  return 0;
}

static const yajl_callbacks depth_callbacks = {
  .yajl_string = string_check,
  .yajl_map_key = string_check,
  .yajl_start_map = depth_enter,
  .yajl_end_map = depth_leave,
  .yajl_start_array = depth_enter,
  .yajl_end_array = depth_leave,
};

static size_t
line_at (const char *data, size_t at)
{
  size_t line = 1;
  for (size_t i = 0; i < at; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

/* yajl's message, as "premature EOF": without its "parse error: " prefix
   and trailing period, on one line. */
static char *
syntax_message (yajl_handle h)
{
  static const char *const prefixes[] = { "parse error: ", "lexical error: ", NULL };
  unsigned char *e = yajl_get_error (h, 0, NULL, 0);
  const char *s = e ? (const char *) e : "unknown error";
  for (const char *const *p = prefixes; *p; p++)
    if (strncmp (s, *p, strlen (*p)) == 0)
      s += strlen (*p);
  char *msg = oci_xstrdup (s);
  if (e)
    yajl_free_error (h, e);
  for (char *c = msg; *c; c++)
    if (*c == '\n' || *c == '\r' || *c == '\t')
      *c = ' ';
  size_t n = strlen (msg);
  while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '.'))
    msg[--n] = '\0';
  return msg;
}

yajl_val
oci_json_parse (const char *data, size_t len, const char *name, char **err)
{
  size_t i = 0;
  if (data == NULL)
    len = 0;
  while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
    i++;
  if (i == len)
    {
      *err = oci_xasprintf ("%s: empty document", name);
      return NULL;
    }
  /* yajl_tree_parse takes a C string: a NUL would silently end it. */
  const char *nul = memchr (data, '\0', len);
  if (nul)
    {
      *err = oci_xasprintf ("%s: line %zu: invalid JSON: NUL byte", name,
                            line_at (data, (size_t) (nul - data)));
      return NULL;
    }

  /* A first, strict pass (no comments, no trailing garbage) that bounds
     the nesting depth and finds the offset of a syntax error, neither of
     which yajl_tree_parse does; it also never sees a malformed document,
     whose partial tree it would leak. */
  struct depth d = { 0, false, false };
  yajl_handle h = yajl_alloc (&depth_callbacks, NULL, &d);
  if (h == NULL)
    oom (NULL);
  size_t at;
  yajl_status st = yajl_parse (h, (const unsigned char *) data, len);
  if (st == yajl_status_ok)
    {
      st = yajl_complete_parse (h);
      at = len;
      while (at > 0 && isspace ((unsigned char) data[at - 1]))
        at--;
    }
  else
    at = yajl_get_bytes_consumed (h);
  if (st != yajl_status_ok)
    {
      _cleanup_free_ char *msg = NULL;
      if (d.too_deep)
        msg = oci_xasprintf ("nested deeper than %d levels", OCI_JSON_MAX_DEPTH);
      else if (d.nul)
        msg = oci_xstrdup ("NUL character (\\u0000) in a string");
      else
        msg = syntax_message (h);
      yajl_free (h);
      *err = oci_xasprintf ("%s: line %zu: invalid JSON: %s", name,
                            line_at (data, at > len ? len : at), msg);
      return NULL;
    }
  yajl_free (h);

  _cleanup_free_ char *copy = oci_xcalloc (len + 1, 1);
  memcpy (copy, data, len);
  char errbuf[256] = "";
  yajl_val tree = yajl_tree_parse (copy, errbuf, sizeof errbuf);
  if (tree == NULL)
    {
      for (char *c = errbuf; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
          *c = ' ';
      *err = oci_xasprintf ("%s: invalid JSON: %s", name, errbuf[0] ? errbuf : "out of memory");
      return NULL;
    }
  return tree;
}

/* ---- the walker ---- */

/* Appends without printf: the walker pushes every member it reads. */
static size_t
path_append (struct oci_walker *w, const char *s, size_t n)
{
  size_t saved = w->len;
  size_t room = sizeof w->path - 1 - w->len;
  if (n > room)
    n = room;
  memcpy (w->path + w->len, s, n);
  w->len += n;
  w->path[w->len] = '\0';
  return saved;
}

static size_t
path_push_name (struct oci_walker *w, const char *name)
{
  size_t saved = w->len;
  if (w->len)
    path_append (w, ".", 1);
  path_append (w, name, strlen (name));
  return saved;
}

static size_t
path_push_index (struct oci_walker *w, size_t i)
{
  char buf[24];
  size_t o = sizeof buf;
  buf[--o] = ']';
  do
    buf[--o] = (char) ('0' + i % 10);
  while ((i /= 10) > 0);
  buf[--o] = '[';
  return path_append (w, buf + o, sizeof buf - o);
}

static size_t
path_push_key (struct oci_walker *w, const char *key)
{
  char q[QUOTE_SIZE];
  size_t saved = path_append (w, "[", 1);
  quote (q, key);
  path_append (w, q, strlen (q));
  path_append (w, "]", 1);
  return saved;
}

static void
path_pop (struct oci_walker *w, size_t saved)
{
  w->len = saved;
  w->path[saved] = '\0';
}

static int __attribute__ ((format (printf, 2, 3)))
walk_error (struct oci_walker *w, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  if (w->len)
    *w->err = oci_xasprintf ("%s: %s: %s", w->name, w->path, msg);
  else
    *w->err = oci_xasprintf ("%s: %s", w->name, msg);
  return -1;
}

static int
expected (struct oci_walker *w, const char *what, yajl_val v)
{
  return walk_error (w, "expected %s, got %s", what, json_type_name (v));
}

struct oci_anyv
{
  void *v;
  size_t n;
};

static size_t
kind_size (enum oci_kind k, const struct oci_type *t)
{
  switch (k)
    {
    case OCI_K_STRING: return sizeof (char *);
    case OCI_K_BOOL: return sizeof (bool);
    case OCI_K_OPT_BOOL: return sizeof (oci_opt_bool);
    case OCI_K_INT: return sizeof (int);
    case OCI_K_U32: return sizeof (uint32_t);
    case OCI_K_U64: return sizeof (uint64_t);
    case OCI_K_I64: return sizeof (int64_t);
    case OCI_K_OPT_I32: return sizeof (oci_opt_i32);
    case OCI_K_OPT_U16:
    case OCI_K_OPT_U32: return sizeof (oci_opt_u32);
    case OCI_K_OPT_I64: return sizeof (oci_opt_i64);
    case OCI_K_OPT_U64: return sizeof (oci_opt_u64);
    case OCI_K_OBJECT: return sizeof (void *);
    case OCI_K_EMBED: return t->size;
    case OCI_K_ARRAY:
    case OCI_K_MAP_ENTRIES: return sizeof (struct oci_anyv);
    case OCI_K_MAP: return sizeof (oci_map);
    }
  return 0;
}

static const char *
kind_json_type (enum oci_kind k)
{
  switch (k)
    {
    case OCI_K_STRING: return "string";
    case OCI_K_BOOL:
    case OCI_K_OPT_BOOL: return "boolean";
    case OCI_K_INT:
    case OCI_K_U32:
    case OCI_K_U64:
    case OCI_K_I64:
    case OCI_K_OPT_I32:
    case OCI_K_OPT_U16:
    case OCI_K_OPT_U32:
    case OCI_K_OPT_I64:
    case OCI_K_OPT_U64: return "integer";
    case OCI_K_ARRAY: return "array";
    case OCI_K_OBJECT:
    case OCI_K_EMBED:
    case OCI_K_MAP:
    case OCI_K_MAP_ENTRIES: return "object";
    }
  return "null";
}

/* The range of each integer kind, as signed minimum and unsigned maximum. */
static void
kind_range (enum oci_kind k, int64_t *min, uint64_t *max)
{
  switch (k)
    {
    case OCI_K_INT: *min = 0; *max = INT_MAX; return;
    case OCI_K_OPT_U16: *min = 0; *max = UINT16_MAX; return;
    case OCI_K_U32:
    case OCI_K_OPT_U32: *min = 0; *max = UINT32_MAX; return;
    case OCI_K_OPT_I32: *min = INT32_MIN; *max = INT32_MAX; return;
    case OCI_K_I64:
    case OCI_K_OPT_I64: *min = INT64_MIN; *max = INT64_MAX; return;
    default: *min = 0; *max = UINT64_MAX; return;
    }
}

/* JSON integers: the number's own text, so that uint64 values beyond
   INT64_MAX (yajl's long long) are read exactly, and 1.0 or 1e3 are not
   mistaken for integers. */
static int
walk_integer (struct oci_walker *w, yajl_val v, const struct oci_field *f, enum oci_kind k,
              int64_t *sv, uint64_t *uv)
{
  if (!YAJL_IS_NUMBER (v))
    return expected (w, "an integer", v);
  const char *text = YAJL_GET_NUMBER (v);
  bool negative = text[0] == '-';
  const char *digits = text + negative;
  char shown[48];
  snprintf (shown, sizeof shown, "%.40s%s", text, strlen (text) > 40 ? "..." : "");
  if (*digits == '\0' || strspn (digits, "0123456789") != strlen (digits))
    return walk_error (w, "expected an integer, got %s", shown);

  int64_t min;
  uint64_t max;
  kind_range (k, &min, &max);
  errno = 0;
  if (negative && strspn (digits, "0") != strlen (digits))
    {
      long long n = strtoll (text, NULL, 10);
      if (errno == ERANGE || n < min)
        return walk_error (w, "%s is out of range (%" PRId64 " to %" PRIu64 ")", shown, min, max);
      *sv = n;
      *uv = 0;
    }
  else
    {
      unsigned long long n = strtoull (digits, NULL, 10);
      if (errno == ERANGE || n > max)
        return walk_error (w, "%s is out of range (%" PRId64 " to %" PRIu64 ")", shown, min, max);
      *uv = n;
      *sv = (int64_t) (n > INT64_MAX ? INT64_MAX : n);
    }
  if (f->positive && *sv <= 0)
    return walk_error (w, "must be greater than zero, got %s", shown);
  return 0;
}

static bool
enum_ok (const struct oci_enum *e, const char *s)
{
  if (e->valid)
    return e->valid (s);
  for (const char *const *p = e->list; *p; p++)
    if (strcmp (*p, s) == 0)
      return true;
  return false;
}

static int walk_object (struct oci_walker *w, yajl_val v, const struct oci_type *t, void *base);
static void free_field (const struct oci_field *f, void *base);

static int
walk_string (struct oci_walker *w, yajl_val v, const struct oci_enum *values, char **dst)
{
  if (!YAJL_IS_STRING (v))
    return expected (w, "a string", v);
  const char *s = YAJL_GET_STRING (v);
  if (values && !enum_ok (values, s))
    {
      char q[QUOTE_SIZE];
      return walk_error (w, "%s %s%s", values->what, quote (q, s),
                         values->suffix ? values->suffix : "");
    }
  *dst = oci_xstrdup (s);
  return 0;
}

static int
walk_array (struct oci_walker *w, yajl_val v, const struct oci_field *f, struct oci_anyv *dst)
{
  if (!YAJL_IS_ARRAY (v))
    {
      if (f->nonempty)
        return walk_error (w, "must be a non-empty array%s",
                           f->item == OCI_K_STRING ? " of strings" : "");
      return expected (w, "an array", v);
    }
  size_t n = v->u.array.len;
  if (n == 0 && f->nonempty)
    return walk_error (w, "must be a non-empty array%s",
                       f->item == OCI_K_STRING ? " of strings" : "");
  if (n == 0)
    return 0;
  size_t size = kind_size (f->item, f->type);
  /* Zeroed items, all counted from the start: a failure half-way leaves
     something oci_json_free_type can free. */
  dst->v = oci_xcalloc (n, size);
  dst->n = n;
  for (size_t i = 0; i < n; i++)
    {
      yajl_val item = v->u.array.values[i];
      char *slot = (char *) dst->v + i * size;
      size_t saved = path_push_index (w, i);
      int rc = 0;
      switch (f->item)
        {
        case OCI_K_STRING:
          rc = walk_string (w, item, f->values, (char **) slot);
          break;
        case OCI_K_U32:
          {
            int64_t s;
            uint64_t u;
            rc = walk_integer (w, item, f, f->item, &s, &u);
            if (rc == 0)
              *(uint32_t *) slot = (uint32_t) u;
          }
          break;
        default:
          rc = walk_object (w, item, f->type, slot);
          break;
        }
      if (rc < 0)
        return rc;
      path_pop (w, saved);
    }
  return 0;
}

struct oci_anymap
{
  char **keys;
  char **values;
  size_t n;
};

/* For each member i of an object, the index of the first member with the
   same key.  Repeated keys are rare, but a 4 MiB document can hold 300000
   keys: a hash table, not a quadratic search. */
static size_t *
first_keys (yajl_val v)
{
  size_t n = v->u.object.len, cap = 16;
  while (cap < 2 * n)
    cap *= 2;
  size_t *first = oci_xcalloc (n, sizeof *first);
  _cleanup_free_ size_t *table = oci_xcalloc (cap, sizeof *table);  /* index + 1; 0: free */
  for (size_t i = 0; i < n; i++)
    {
      const char *key = v->u.object.keys[i];
      uint64_t h = UINT64_C (14695981039346656037);  /* FNV-1a */
      for (const char *c = key; *c; c++)
        h = (h ^ (unsigned char) *c) * UINT64_C (1099511628211);
      for (size_t s = (size_t) h & (cap - 1);; s = (s + 1) & (cap - 1))
        {
          if (table[s] == 0)
            {
              table[s] = i + 1;
              first[i] = i;
              break;
            }
          if (strcmp (v->u.object.keys[table[s] - 1], key) == 0)
            {
              first[i] = table[s] - 1;
              break;
            }
        }
    }
  return first;
}

static int
walk_map (struct oci_walker *w, yajl_val v, struct oci_anymap *m)
{
  if (!YAJL_IS_OBJECT (v))
    return expected (w, "an object", v);
  size_t n = v->u.object.len;
  if (n == 0)
    return 0;
  m->keys = oci_xcalloc (n, sizeof (char *));
  m->values = oci_xcalloc (n, sizeof (char *));
  _cleanup_free_ size_t *first = first_keys (v);
  _cleanup_free_ size_t *slot = oci_xcalloc (n, sizeof *slot);
  for (size_t i = 0; i < n; i++)
    {
      const char *key = v->u.object.keys[i];
      yajl_val val = v->u.object.values[i];
      size_t saved = path_push_key (w, key);
      if (!YAJL_IS_STRING (val))
        return expected (w, "a string", val);
      path_pop (w, saved);
      /* A repeated key keeps its first place and its last value. */
      if (first[i] == i)
        {
          slot[i] = m->n;
          m->keys[m->n++] = oci_xstrdup (key);
        }
      else
        slot[i] = slot[first[i]];
      size_t j = slot[i];
      free (m->values[j]);
      m->values[j] = oci_xstrdup (YAJL_GET_STRING (val));
    }
  return 0;
}

static int
walk_map_entries (struct oci_walker *w, yajl_val v, const struct oci_field *f,
                  struct oci_anyv *dst)
{
  if (!YAJL_IS_OBJECT (v))
    return expected (w, "an object", v);
  size_t n = v->u.object.len;
  if (n == 0)
    return 0;
  size_t size = f->type->size;
  dst->v = oci_xcalloc (n, size);
  _cleanup_free_ size_t *first = first_keys (v);
  _cleanup_free_ size_t *slot = oci_xcalloc (n, sizeof *slot);
  for (size_t i = 0; i < n; i++)
    {
      const char *key = v->u.object.keys[i];
      char *entry;
      if (first[i] == i)
        {
          slot[i] = dst->n++;
          entry = (char *) dst->v + slot[i] * size;
          *(char **) (entry + f->key) = oci_xstrdup (key);
        }
      else
        {
          /* A repeated key: its first place, its last value. */
          slot[i] = slot[first[i]];
          entry = (char *) dst->v + slot[i] * size;
          oci_json_free_type (f->type, entry);
        }
      size_t saved = path_push_key (w, key);
      int rc = walk_object (w, v->u.object.values[i], f->type, entry);
      if (rc < 0)
        return rc;
      path_pop (w, saved);
    }
  return 0;
}

static int
walk_scalar (struct oci_walker *w, yajl_val v, const struct oci_field *f, void *dst)
{
  int64_t s;
  uint64_t u;

  if (f->kind == OCI_K_BOOL || f->kind == OCI_K_OPT_BOOL)
    {
      if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
        return expected (w, "a boolean", v);
      if (f->kind == OCI_K_BOOL)
        *(bool *) dst = YAJL_IS_TRUE (v);
      else
        *(oci_opt_bool *) dst = (oci_opt_bool) { true, YAJL_IS_TRUE (v) };
      return 0;
    }
  if (walk_integer (w, v, f, f->kind, &s, &u) < 0)
    return -1;
  switch (f->kind)
    {
    case OCI_K_INT: *(int *) dst = (int) u; break;
    case OCI_K_U32: *(uint32_t *) dst = (uint32_t) u; break;
    case OCI_K_U64: *(uint64_t *) dst = u; break;
    case OCI_K_I64: *(int64_t *) dst = s; break;
    case OCI_K_OPT_I32: *(oci_opt_i32 *) dst = (oci_opt_i32) { true, (int32_t) s }; break;
    case OCI_K_OPT_U16:
    case OCI_K_OPT_U32: *(oci_opt_u32 *) dst = (oci_opt_u32) { true, (uint32_t) u }; break;
    case OCI_K_OPT_I64: *(oci_opt_i64 *) dst = (oci_opt_i64) { true, s }; break;
    case OCI_K_OPT_U64: *(oci_opt_u64 *) dst = (oci_opt_u64) { true, u }; break;
    default: break;
    }
  return 0;
}

static int
walk_field (struct oci_walker *w, yajl_val v, const struct oci_field *f, void *base)
{
  char *dst = (char *) base + f->offset;

  /* A repeated member: the last one wins, as with Go's encoding/json. */
  free_field (f, base);
  switch (f->kind)
    {
    case OCI_K_STRING:
      return walk_string (w, v, f->values, (char **) dst);
    case OCI_K_OBJECT:
      {
        if (!YAJL_IS_OBJECT (v))
          return expected (w, "an object", v);
        void *p = oci_xcalloc (1, f->type->size);
        *(void **) dst = p;
        return walk_object (w, v, f->type, p);
      }
    case OCI_K_EMBED:
      if (f->has_flag)
        *(bool *) ((char *) base + f->flag) = true;
      return walk_object (w, v, f->type, dst);
    case OCI_K_ARRAY:
      return walk_array (w, v, f, (struct oci_anyv *) dst);
    case OCI_K_MAP:
      return walk_map (w, v, (struct oci_anymap *) dst);
    case OCI_K_MAP_ENTRIES:
      return walk_map_entries (w, v, f, (struct oci_anyv *) dst);
    default:
      return walk_scalar (w, v, f, dst);
    }
}

static int
walk_object (struct oci_walker *w, yajl_val v, const struct oci_type *t, void *base)
{
  if (!YAJL_IS_OBJECT (v))
    return expected (w, "an object", v);

  uint64_t seen = 0;
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      const char *key = v->u.object.keys[i];
      yajl_val val = v->u.object.values[i];
      /* null is an absent member, as Go's encoding/json reads it. */
      if (YAJL_IS_NULL (val))
        continue;
      /* Unknown members are ignored: the spec requires it. */
      for (size_t j = 0; t->fields[j].name; j++)
        if (strcmp (t->fields[j].name, key) == 0)
          {
            size_t saved = path_push_name (w, key);
            if (walk_field (w, val, &t->fields[j], base) < 0)
              return -1;
            path_pop (w, saved);
            seen |= UINT64_C (1) << j;
            break;
          }
    }
  for (size_t j = 0; t->fields[j].name; j++)
    {
      const struct oci_field *f = &t->fields[j];
      if (seen & (UINT64_C (1) << j))
        continue;
      if (f->nonempty || f->required)
        {
          path_push_name (w, f->name);
          if (f->nonempty)
            return walk_error (w, "must be a non-empty array%s",
                               f->item == OCI_K_STRING ? " of strings" : "");
          return walk_error (w, "missing required field");
        }
    }
  return 0;
}

int
oci_json_walk (const char *name, yajl_val v, const struct oci_type *t, void *base, char **err)
{
  struct oci_walker w = { .name = name, .err = err, .path = "", .len = 0 };
  return walk_object (&w, v, t, base);
}

/* ---- freeing ---- */

static void
free_field (const struct oci_field *f, void *base)
{
  char *dst = (char *) base + f->offset;
  switch (f->kind)
    {
    case OCI_K_STRING:
      free (*(char **) dst);
      *(char **) dst = NULL;
      return;
    case OCI_K_OBJECT:
      if (*(void **) dst)
        {
          oci_json_free_type (f->type, *(void **) dst);
          free (*(void **) dst);
          *(void **) dst = NULL;
        }
      return;
    case OCI_K_EMBED:
      oci_json_free_type (f->type, dst);
      if (f->has_flag)
        *(bool *) ((char *) base + f->flag) = false;
      return;
    case OCI_K_ARRAY:
    case OCI_K_MAP_ENTRIES:
      {
        struct oci_anyv *a = (struct oci_anyv *) dst;
        size_t size = f->kind == OCI_K_ARRAY ? kind_size (f->item, f->type) : f->type->size;
        for (size_t i = 0; a->v && i < a->n; i++)
          {
            char *slot = (char *) a->v + i * size;
            if (f->kind == OCI_K_MAP_ENTRIES)
              {
                free (*(char **) (slot + f->key));
                oci_json_free_type (f->type, slot);
              }
            else if (f->item == OCI_K_STRING)
              free (*(char **) slot);
            else if (f->item == OCI_K_EMBED)
              oci_json_free_type (f->type, slot);
          }
        free (a->v);
        a->v = NULL;
        a->n = 0;
        return;
      }
    case OCI_K_MAP:
      {
        struct oci_anymap *m = (struct oci_anymap *) dst;
        for (size_t i = 0; i < m->n; i++)
          {
            free (m->keys[i]);
            free (m->values[i]);
          }
        free (m->keys);
        free (m->values);
        m->keys = m->values = NULL;
        m->n = 0;
        return;
      }
    default:
      memset (dst, 0, kind_size (f->kind, f->type));
      return;
    }
}

void
oci_json_free_type (const struct oci_type *t, void *base)
{
  if (base == NULL)
    return;
  for (const struct oci_field *f = t->fields; f->name; f++)
    free_field (f, base);
}

/* ---- generation, copy and merge: the walker's inverses ---- */

/* Whether a member is there to write, copy or merge: what the walker
   leaves NULL, unset or empty is absent.  Plain scalars (the required
   integers and booleans) are always there. */
static bool
field_present (const struct oci_field *f, const void *base)
{
  const char *p = (const char *) base + f->offset;
  switch (f->kind)
    {
    case OCI_K_STRING:
    case OCI_K_OBJECT: return *(void *const *) p != NULL;
    case OCI_K_OPT_BOOL: return ((const oci_opt_bool *) p)->set;
    case OCI_K_OPT_I32: return ((const oci_opt_i32 *) p)->set;
    case OCI_K_OPT_U16:
    case OCI_K_OPT_U32: return ((const oci_opt_u32 *) p)->set;
    case OCI_K_OPT_I64: return ((const oci_opt_i64 *) p)->set;
    case OCI_K_OPT_U64: return ((const oci_opt_u64 *) p)->set;
    case OCI_K_EMBED: return !f->has_flag || *(const bool *) ((const char *) base + f->flag);
    case OCI_K_ARRAY:
    case OCI_K_MAP_ENTRIES: return ((const struct oci_anyv *) p)->n > 0;
    case OCI_K_MAP: return ((const struct oci_anymap *) p)->n > 0;
    default: return true;
    }
}

static void
gen_scalar (struct oci_gen *w, enum oci_kind k, const void *p)
{
  switch (k)
    {
    case OCI_K_STRING: oci_gen_str (w, *(char *const *) p); break;
    case OCI_K_BOOL: oci_gen_bool (w, *(const bool *) p); break;
    case OCI_K_OPT_BOOL: oci_gen_bool (w, ((const oci_opt_bool *) p)->v); break;
    case OCI_K_INT: oci_gen_int (w, *(const int *) p); break;
    case OCI_K_U32: oci_gen_int (w, *(const uint32_t *) p); break;
    case OCI_K_U64: oci_gen_uint (w, *(const uint64_t *) p); break;
    case OCI_K_I64: oci_gen_int (w, *(const int64_t *) p); break;
    case OCI_K_OPT_I32: oci_gen_int (w, ((const oci_opt_i32 *) p)->v); break;
    case OCI_K_OPT_U16:
    case OCI_K_OPT_U32: oci_gen_int (w, ((const oci_opt_u32 *) p)->v); break;
    case OCI_K_OPT_I64: oci_gen_int (w, ((const oci_opt_i64 *) p)->v); break;
    case OCI_K_OPT_U64: oci_gen_uint (w, ((const oci_opt_u64 *) p)->v); break;
    default: break;
    }
}

void
oci_json_generate (struct oci_gen *w, const struct oci_type *t, const void *base)
{
  oci_gen_map_open (w);
  for (const struct oci_field *f = t->fields; f->name; f++)
    {
      const char *p = (const char *) base + f->offset;
      if (!field_present (f, base))
        continue;
      oci_gen_str (w, f->name);
      switch (f->kind)
        {
        case OCI_K_OBJECT:
          oci_json_generate (w, f->type, *(void *const *) p);
          break;
        case OCI_K_EMBED:
          oci_json_generate (w, f->type, p);
          break;
        case OCI_K_ARRAY:
          {
            const struct oci_anyv *a = (const struct oci_anyv *) p;
            size_t size = kind_size (f->item, f->type);
            oci_gen_array_open (w);
            for (size_t i = 0; i < a->n; i++)
              {
                const char *slot = (const char *) a->v + i * size;
                if (f->item == OCI_K_EMBED)
                  oci_json_generate (w, f->type, slot);
                else
                  gen_scalar (w, f->item, slot);
              }
            oci_gen_array_close (w);
          }
          break;
        case OCI_K_MAP:
          {
            const struct oci_anymap *m = (const struct oci_anymap *) p;
            oci_gen_map_open (w);
            for (size_t i = 0; i < m->n; i++)
              oci_gen_key_str (w, m->keys[i], m->values[i]);
            oci_gen_map_close (w);
          }
          break;
        case OCI_K_MAP_ENTRIES:
          {
            const struct oci_anyv *a = (const struct oci_anyv *) p;
            oci_gen_map_open (w);
            for (size_t i = 0; i < a->n; i++)
              {
                const char *entry = (const char *) a->v + i * f->type->size;
                oci_gen_str (w, *(char *const *) (entry + f->key));
                oci_json_generate (w, f->type, entry);
              }
            oci_gen_map_close (w);
          }
          break;
        default:
          gen_scalar (w, f->kind, p);
          break;
        }
    }
  oci_gen_map_close (w);
}

static void copy_type (const struct oci_type *t, void *dst, const void *src);

/* Deep copy of one member into `dst`, whose member is empty. */
static void
copy_field (const struct oci_field *f, void *dst, const void *src)
{
  char *d = (char *) dst + f->offset;
  const char *s = (const char *) src + f->offset;
  switch (f->kind)
    {
    case OCI_K_STRING:
      *(char **) d = *(char *const *) s ? oci_xstrdup (*(char *const *) s) : NULL;
      return;
    case OCI_K_OBJECT:
      if (*(void *const *) s)
        {
          *(void **) d = oci_xcalloc (1, f->type->size);
          copy_type (f->type, *(void **) d, *(void *const *) s);
        }
      return;
    case OCI_K_EMBED:
      if (f->has_flag)
        *(bool *) ((char *) dst + f->flag) = *(const bool *) ((const char *) src + f->flag);
      copy_type (f->type, d, s);
      return;
    case OCI_K_ARRAY:
    case OCI_K_MAP_ENTRIES:
      {
        const struct oci_anyv *a = (const struct oci_anyv *) s;
        struct oci_anyv *b = (struct oci_anyv *) d;
        size_t size = f->kind == OCI_K_ARRAY ? kind_size (f->item, f->type) : f->type->size;
        if (a->n == 0)
          return;
        b->v = oci_xcalloc (a->n, size);
        b->n = a->n;
        for (size_t i = 0; i < a->n; i++)
          {
            const char *from = (const char *) a->v + i * size;
            char *to = (char *) b->v + i * size;
            if (f->kind == OCI_K_MAP_ENTRIES)
              {
                copy_type (f->type, to, from);
                *(char **) (to + f->key) = oci_xstrdup (*(char *const *) (from + f->key));
              }
            else if (f->item == OCI_K_EMBED)
              copy_type (f->type, to, from);
            else if (f->item == OCI_K_STRING)
              *(char **) to = oci_xstrdup (*(char *const *) from);
            else
              memcpy (to, from, size);
          }
        return;
      }
    case OCI_K_MAP:
      {
        const struct oci_anymap *a = (const struct oci_anymap *) s;
        struct oci_anymap *b = (struct oci_anymap *) d;
        if (a->n == 0)
          return;
        b->keys = oci_xcalloc (a->n, sizeof (char *));
        b->values = oci_xcalloc (a->n, sizeof (char *));
        for (b->n = 0; b->n < a->n; b->n++)
          {
            b->keys[b->n] = oci_xstrdup (a->keys[b->n]);
            b->values[b->n] = oci_xstrdup (a->values[b->n]);
          }
        return;
      }
    default:
      memcpy (d, s, kind_size (f->kind, f->type));
      return;
    }
}

static void
copy_type (const struct oci_type *t, void *dst, const void *src)
{
  for (const struct oci_field *f = t->fields; f->name; f++)
    copy_field (f, dst, src);
}

/* A string map's member by member: a key of `src` replaces the same key's
   value in `dst` or is appended. */
static void
merge_map (struct oci_anymap *dst, const struct oci_anymap *src)
{
  for (size_t i = 0; i < src->n; i++)
    {
      size_t j = 0;
      while (j < dst->n && strcmp (dst->keys[j], src->keys[i]) != 0)
        j++;
      if (j == dst->n)
        {
          dst->keys = oci_xrealloc (dst->keys, (dst->n + 1) * sizeof (char *));
          dst->values = oci_xrealloc (dst->values, (dst->n + 1) * sizeof (char *));
          dst->keys[dst->n++] = oci_xstrdup (src->keys[i]);
        }
      else
        free (dst->values[j]);
      dst->values[j] = oci_xstrdup (src->values[i]);
    }
}

/* An object-valued map's entries: one of `src` is merged into the entry
   with its key, or appended. */
static void
merge_entries (const struct oci_field *f, struct oci_anyv *dst, const struct oci_anyv *src)
{
  size_t size = f->type->size;
  for (size_t i = 0; i < src->n; i++)
    {
      const char *from = (const char *) src->v + i * size;
      const char *key = *(char *const *) (from + f->key);
      size_t j = 0;
      while (j < dst->n && strcmp (*(char **) ((char *) dst->v + j * size + f->key), key) != 0)
        j++;
      if (j == dst->n)
        {
          dst->v = oci_xrealloc (dst->v, (dst->n + 1) * size);
          char *to = (char *) dst->v + dst->n++ * size;
          memset (to, 0, size);
          *(char **) (to + f->key) = oci_xstrdup (key);
        }
      oci_json_merge (f->type, (char *) dst->v + j * size, from);
    }
}

void
oci_json_merge (const struct oci_type *t, void *dst, const void *src)
{
  for (const struct oci_field *f = t->fields; f->name; f++)
    {
      char *d = (char *) dst + f->offset;
      const char *s = (const char *) src + f->offset;
      if (!field_present (f, src))
        continue;
      switch (f->kind)
        {
        case OCI_K_OBJECT:
          if (*(void **) d == NULL)
            copy_field (f, dst, src);
          else
            oci_json_merge (f->type, *(void **) d, *(void *const *) s);
          break;
        case OCI_K_EMBED:
          if (f->has_flag)
            *(bool *) ((char *) dst + f->flag) = true;
          oci_json_merge (f->type, d, s);
          break;
        case OCI_K_MAP:
          merge_map ((struct oci_anymap *) d, (const struct oci_anymap *) s);
          break;
        case OCI_K_MAP_ENTRIES:
          merge_entries (f, (struct oci_anyv *) d, (const struct oci_anyv *) s);
          break;
        default:
          free_field (f, dst);
          copy_field (f, dst, src);
          break;
        }
    }
}

/* ---- description ---- */

void
oci_json_describe (const struct oci_type *t, const char *prefix,
                   void (*cb) (const char *path, const char *type, bool required, void *data),
                   void *data)
{
  for (const struct oci_field *f = t->fields; f->name; f++)
    {
      char path[512], item[520];
      snprintf (path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->name);
      cb (path, kind_json_type (f->kind), f->required || f->nonempty, data);
      switch (f->kind)
        {
        case OCI_K_OBJECT:
        case OCI_K_EMBED:
          oci_json_describe (f->type, path, cb, data);
          break;
        case OCI_K_ARRAY:
          snprintf (item, sizeof item, "%s[]", path);
          cb (item, kind_json_type (f->item), false, data);
          if (f->item == OCI_K_EMBED)
            oci_json_describe (f->type, item, cb, data);
          break;
        case OCI_K_MAP:
          snprintf (item, sizeof item, "%s{}", path);
          cb (item, "string", false, data);
          break;
        case OCI_K_MAP_ENTRIES:
          snprintf (item, sizeof item, "%s{}", path);
          cb (item, "object", false, data);
          oci_json_describe (f->type, item, cb, data);
          break;
        default:
          break;
        }
    }
}

/* ---- whole documents ---- */

int
oci_json_parse_type (const char *data, size_t len, const char *name, const struct oci_type *t,
                     void **out, char **err)
{
  *out = NULL;
  *err = NULL;
  yajl_val tree = oci_json_parse (data, len, name, err);
  if (tree == NULL)
    return -1;
  void *p = oci_xcalloc (1, t->size);
  int rc = oci_json_walk (name, tree, t, p, err);
  yajl_tree_free (tree);
  if (rc < 0)
    {
      oci_json_free_type (t, p);
      free (p);
      return -1;
    }
  *out = p;
  return 0;
}

static int
parse_type_path (const char *path, const char *name, bool arg, const struct oci_type *t, void **out,
                 char **err)
{
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  *out = NULL;
  *err = NULL;
  if ((arg ? oci_json_read_arg : oci_json_read_file) (path, name, OCI_CONFIG_MAX_SIZE, &data, &len, err) < 0)
    return -1;
  return oci_json_parse_type (data, len, name, t, out, err);
}

int
oci_json_parse_type_file (const char *path, const char *name, const struct oci_type *t,
                          void **out, char **err)
{
  return parse_type_path (path, name, false, t, out, err);
}

int
oci_json_parse_type_arg (const char *path, const char *name, const struct oci_type *t, void **out,
                         char **err)
{
  return parse_type_path (path, name, true, t, out, err);
}
