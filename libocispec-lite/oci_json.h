/* The generic JSON walker of libocispec-lite: descriptor tables say where
   each member of a JSON object goes in a C struct; one walker fills any
   struct from a yajl tree, one function frees it, one describes it.
   Internal to libocispec-lite; users include oci_config.h. */
#ifndef OCI_JSON_H
#define OCI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_tree.h>

/* Deeper JSON is refused before a tree is built: config.json needs about
   6 levels, and yajl_tree_free recurses once per level. */
#define OCI_JSON_MAX_DEPTH 64

enum oci_kind
{
  OCI_K_STRING,     /* char * */
  OCI_K_BOOL,       /* bool */
  OCI_K_OPT_BOOL,   /* oci_opt_bool */
  OCI_K_INT,        /* int, 0..INT_MAX (state pid) */
  OCI_K_U32,        /* uint32_t */
  OCI_K_U64,        /* uint64_t */
  OCI_K_I64,        /* int64_t */
  OCI_K_OPT_I32,    /* oci_opt_i32 */
  OCI_K_OPT_U16,    /* oci_opt_u32 holding a uint16 (blkio weights) */
  OCI_K_OPT_U32,    /* oci_opt_u32 */
  OCI_K_OPT_I64,    /* oci_opt_i64 */
  OCI_K_OPT_U64,    /* oci_opt_u64 */
  OCI_K_OBJECT,     /* T *, allocated, members described by .type */
  OCI_K_EMBED,      /* members of .type stored in place at base + offset;
                       with .has_flag, a bool at .flag says it was present */
  OCI_K_ARRAY,      /* OCI_ARRAY (T): items of kind .item (STRING, U32 or
                       OBJECT, the latter stored by value, of .type) */
  OCI_K_MAP,        /* oci_map: object of string -> string */
  OCI_K_MAP_ENTRIES /* object key -> object, stored as OCI_ARRAY of .type
                       structs whose char * at .key holds the key */
};

/* Allowed values of a string member or of string array items. */
struct oci_enum
{
  const char *what;                /* error: "<what> \"value\"<suffix>" */
  const char *suffix;
  const char *const *list;         /* NULL-terminated names, or */
  bool (*valid) (const char *);    /* a predicate */
};

struct oci_type;

struct oci_field
{
  const char *name;                /* JSON member name */
  enum oci_kind kind;
  size_t offset;                   /* offsetof in the parent struct */
  const struct oci_type *type;     /* OBJECT, EMBED, ARRAY of OBJECT, MAP_ENTRIES */
  enum oci_kind item;              /* ARRAY */
  const struct oci_enum *values;   /* STRING, ARRAY of STRING */
  size_t key;                      /* MAP_ENTRIES */
  bool has_flag;                   /* EMBED */
  size_t flag;                     /* EMBED */
  bool required;
  bool nonempty;                   /* ARRAY: required and at least one item */
  bool positive;                   /* integers: must be > 0 */
};

struct oci_type
{
  size_t size;
  const struct oci_field *fields;  /* ends with a NULL name */
};

/* Parsing state: the label for messages and the JSON path being walked. */
struct oci_walker
{
  const char *name;
  char **err;
  char path[512];
  size_t len;
};

/* Refuses malformed JSON (with its line), NUL bytes, and nesting deeper
   than OCI_JSON_MAX_DEPTH, then returns yajl's tree.  *err is set and
   NULL returned on failure. */
yajl_val oci_json_parse (const char *data, size_t len, const char *name, char **err);

/* Reads a regular file of at most `max` bytes. */
int oci_json_read_file (const char *path, const char *name, size_t max, char **data, size_t *len,
                        char **err);
/* The same for a file named on the command line (--process, --resources):
   also a pipe or FIFO (bash's <(...) is /dev/fd/N), read to its end
   within `max`, and "-" for stdin, as runc's `update -r -`. */
int oci_json_read_arg (const char *path, const char *name, size_t max, char **data, size_t *len,
                       char **err);

/* Fills the zeroed struct `base` of type `t` from `v`.  On failure *err is
   set, and the caller frees `base` with oci_json_free_type as usual. */
int oci_json_walk (const char *name, yajl_val v, const struct oci_type *t, void *base, char **err);

/* Frees what `base` owns (not `base` itself). */
void oci_json_free_type (const struct oci_type *t, void *base);

/* Calls `cb` for every path below `prefix` that the tables describe. */
void oci_json_describe (const struct oci_type *t, const char *prefix,
                        void (*cb) (const char *path, const char *type, bool required, void *data),
                        void *data);

/* The walker's inverses, driven by the same tables, so that a struct's
   shape is written down once.  oci_json_generate writes `base` as a JSON
   object, leaving out what the walker leaves absent (NULL, unset, empty):
   walking its output gives back an equal struct.  oci_json_merge lays the
   members present in `src` over `dst` (copies; `src` is unchanged):
   objects and maps member by member, anything else (scalars, arrays)
   replaced; a plain (not oci_opt_*) scalar is always present. */
struct oci_gen;
void oci_json_generate (struct oci_gen *w, const struct oci_type *t, const void *base);
void oci_json_merge (const struct oci_type *t, void *dst, const void *src);

/* linux.resources inside a larger document (husk's cgroup record): written
   into `w`, or read from the value `v` of a parsed tree. */
struct oci_resources;
void oci_resources_gen (struct oci_gen *w, const struct oci_resources *r);
int oci_resources_walk (const char *name, yajl_val v, struct oci_resources **out, char **err);

/* Parse `data` as a JSON object of type `t` into a new allocation. */
int oci_json_parse_type (const char *data, size_t len, const char *name, const struct oci_type *t,
                         void **out, char **err);
int oci_json_parse_type_file (const char *path, const char *name, const struct oci_type *t,
                              void **out, char **err);
/* oci_json_parse_type_file over oci_json_read_arg. */
int oci_json_parse_type_arg (const char *path, const char *name, const struct oci_type *t, void **out,
                             char **err);

/* Allocation that cannot fail: out of memory aborts, as in libhusk. */
void *oci_xcalloc (size_t n, size_t m);
void *oci_xrealloc (void *p, size_t n);
char *oci_xstrdup (const char *s);
char *oci_xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

#endif
