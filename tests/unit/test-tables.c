/* Unit tests for libocispec-lite/oci_tables.c: every table entry against the
   kernel headers, this host's /proc, libcap, glibc and the spec's schema. */
#include <config.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "oci_tables.h"
#include "tap.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Generic view of the tables: name at the start of each fixed-size entry. */
static bool
names_unique (const char *const *first, size_t stride, const char **dup)
{
  for (const char *const *a = first; *a; a = (const char *const *)((const char *)a + stride))
    for (const char *const *b = (const char *const *)((const char *)a + stride); *b;
         b = (const char *const *)((const char *)b + stride))
      if (strcmp (*a, *b) == 0)
        {
          *dup = *a;
          return false;
        }
  return true;
}

static size_t
list_len (const char *const *list)
{
  size_t n = 0;
  while (list[n])
    n++;
  return n;
}

static void
test_namespaces (void)
{
  static const struct
  {
    const char *name;
    int flag;
    const char *proc;
  } want[] = {
    { "cgroup", CLONE_NEWCGROUP, "cgroup" }, { "ipc", CLONE_NEWIPC, "ipc" },
    { "network", CLONE_NEWNET, "net" },      { "mount", CLONE_NEWNS, "mnt" },
    { "pid", CLONE_NEWPID, "pid" },          { "time", CLONE_NEWTIME, "time" },
    { "user", CLONE_NEWUSER, "user" },       { "uts", CLONE_NEWUTS, "uts" },
  };
  size_t n = 0;
  for (const struct oci_namespace_kind *k = oci_namespace_kinds; k->name; k++)
    n++;
  tap_ok (n == sizeof want / sizeof want[0], "namespace kinds: %zu entries", n);

  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    {
      const struct oci_namespace_kind *k = oci_namespace_kind_find (want[i].name);
      tap_ok (k != NULL && k->clone_flag == want[i].flag && strcmp (k->proc_name, want[i].proc) == 0,
              "namespace %s: flag 0x%x, /proc name %s", want[i].name, want[i].flag, want[i].proc);
      if (k == NULL)
        continue;
      char path[64];
      snprintf (path, sizeof path, "/proc/self/ns/%s", k->proc_name);
      if (access (path, F_OK) != 0 && errno == ENOENT && k->clone_flag == CLONE_NEWTIME)
        tap_skip ("kernel without time namespaces", "%s exists", path);
      else
        tap_ok (access (path, F_OK) == 0, "%s exists", path);
    }
  tap_ok (oci_namespace_kind_find ("net") == NULL && oci_namespace_kind_find ("mnt") == NULL
              && oci_namespace_kind_find ("PID") == NULL && oci_namespace_kind_find ("") == NULL
              && oci_namespace_kind_find (NULL) == NULL,
          "namespace lookup: /proc names, wrong case, empty and NULL are not kinds");
}

static void
test_capabilities (void)
{
  size_t n = 0;
  bool in_range = true, unique = true;
  for (const struct oci_capability *c = oci_capabilities; c->name; c++, n++)
    {
      if (c->value < 0 || c->value > CAP_LAST_CAP)
        in_range = false;
      for (const struct oci_capability *d = c + 1; d->name; d++)
        if (d->value == c->value)
          unique = false;
    }
  tap_ok (in_range, "capabilities: every value in 0..CAP_LAST_CAP (%d)", CAP_LAST_CAP);
  tap_ok (unique, "capabilities: values unique");
  /* Unique values in 0..CAP_LAST_CAP, as many as there are: all of them. */
  tap_ok (n == CAP_LAST_CAP + 1, "capabilities: %zu entries, CAP_LAST_CAP + 1 = %d", n, CAP_LAST_CAP + 1);

  for (const struct oci_capability *c = oci_capabilities; c->name; c++)
    {
      cap_value_t v = -1;
      char *libcap_name = cap_to_name (c->value);
      bool pass = cap_from_name (c->name, &v) == 0 && v == c->value && libcap_name != NULL
                  && strcasecmp (libcap_name, c->name) == 0 && oci_capability_find (c->name) == c;
      tap_ok (pass, "capability %s = %d (libcap: %s = %d)", c->name, c->value,
              libcap_name ? libcap_name : "?", (int)v);
      cap_free (libcap_name);
    }
  tap_ok (oci_capability_find ("CAP_TEST") == NULL, "CAP_TEST is not a capability");
  tap_ok (oci_capability_find ("cap_chown") == NULL && oci_capability_find ("CHOWN") == NULL
              && oci_capability_find ("CAP_CHOWN ") == NULL && oci_capability_find ("") == NULL
              && oci_capability_find (NULL) == NULL,
          "capability lookup is exact: cap_chown, CHOWN, trailing space, empty, NULL");
}

static void
test_signals (void)
{
  const char *dup = NULL;
  tap_ok (names_unique (&oci_signals[0].name, sizeof oci_signals[0], &dup), "signals: names unique%s%s",
          dup ? ", duplicate " : "", dup ? dup : "");

  /* glibc's own abbreviations: every standard signal is in the table under
     glibc's name (which for 29 is POLL: the table prefers SIGIO, as kill -l
     does, and knows SIGPOLL as an alias). */
  bool all = true;
  for (int s = 1; s < SIGRTMIN && s < 32; s++)
    {
      const char *abbrev = sigabbrev_np (s);
      const char *name = oci_signal_name (s);
      if (abbrev == NULL)
        continue;
      if (name == NULL || oci_signal_parse (name) != s || oci_signal_parse (abbrev) != s)
        {
          all = false;
          printf ("# signal %d: glibc %s, table %s\n", s, abbrev, name ? name : "(none)");
        }
    }
  tap_ok (all, "signals: every standard signal named as glibc names it");

  bool parse_all = true;
  for (const struct oci_signal *s = oci_signals; s->name; s++)
    if (strncmp (s->name, "SIG", 3) != 0 || oci_signal_parse (s->name) != s->value
        || oci_signal_parse (s->name + 3) != s->value)
      parse_all = false;
  tap_ok (parse_all, "signals: every table name parses, with and without SIG");

  static const struct
  {
    const char *text;
    int want;
  } cases[] = {
    { "9", 9 },
    { "1", 1 },
    { "09", 9 },
    { "64", 64 },
    { "34", 34 },
    { "KILL", SIGKILL },
    { "SIGKILL", SIGKILL },
    { "kill", SIGKILL },
    { "sigkill", SIGKILL },
    { "Term", SIGTERM },
    { "SIGIOT", SIGABRT },
    { "SIGCLD", SIGCHLD },
    { "POLL", SIGIO },
    { "SIGWINCH", SIGWINCH },
    { "SIGSYS", SIGSYS },
    { "SIGPWR", SIGPWR },
    { "0", -1 },
    { "65", -1 },
    { "100", -1 },
    { "99999999999999999999", -1 },
    { "-1", -1 },
    { "+9", -1 },
    { " 9", -1 },
    { "9 ", -1 },
    { "9x", -1 },
    { "0x9", -1 },
    { "", -1 },
    { "SIG", -1 },
    { "SIGFOO", -1 },
    { "SIGSIGKILL", -1 },
    { "SIGKILLX", -1 },
    { "SIGUNUSED", -1 },
    { "SIGRTMIN-1", -1 },
    { "SIGRTMAX+1", -1 },
    { "SIGRTMIN+", -1 },
    { "SIGRTMIN+x", -1 },
    { "RTMIN+-1", -1 },
    { "SIGRTMIN1", -1 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      int got = oci_signal_parse (cases[i].text);
      tap_ok (got == cases[i].want, "signal \"%s\" -> %d (got %d)", cases[i].text, cases[i].want, got);
    }

  /* Real-time names follow this libc's SIGRTMIN / SIGRTMAX. */
  static const struct
  {
    const char *text;
    int base;
    int delta;
  } rt[] = {
    { "SIGRTMIN", 0, 0 }, { "RTMIN", 0, 0 },    { "SIGRTMIN+1", 0, 1 }, { "rtmin+3", 0, 3 },
    { "SIGRTMAX", 1, 0 }, { "RTMAX-2", 1, -2 }, { "SIGRTMAX-0", 1, 0 },
  };
  for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++)
    {
      int want = (rt[i].base ? SIGRTMAX : SIGRTMIN) + rt[i].delta;
      int got = oci_signal_parse (rt[i].text);
      tap_ok (got == want, "signal \"%s\" -> %d (got %d)", rt[i].text, want, got);
    }
  char text[32];
  snprintf (text, sizeof text, "SIGRTMIN+%d", SIGRTMAX - SIGRTMIN);
  tap_ok (oci_signal_parse (text) == SIGRTMAX, "signal \"%s\" is SIGRTMAX", text);
  snprintf (text, sizeof text, "SIGRTMIN+%d", SIGRTMAX - SIGRTMIN + 1);
  tap_ok (oci_signal_parse (text) == -1, "signal \"%s\" is past SIGRTMAX", text);
  snprintf (text, sizeof text, "SIGRTMAX-%d", SIGRTMAX - SIGRTMIN + 1);
  tap_ok (oci_signal_parse (text) == -1, "signal \"%s\" is below SIGRTMIN", text);
  tap_ok (oci_signal_parse (NULL) == -1, "signal NULL -> -1");
  tap_ok (oci_signal_name (SIGABRT) != NULL && strcmp (oci_signal_name (SIGABRT), "SIGABRT") == 0
              && oci_signal_name (SIGRTMIN) == NULL && oci_signal_name (0) == NULL,
          "signal names: SIGABRT over SIGIOT, none for real-time or 0");
}

static void
test_mount_options (void)
{
  enum
  {
    SET = OCI_MOUNT_FLAG_SET,
    CLR = OCI_MOUNT_FLAG_CLEAR,
    PROP = OCI_MOUNT_PROPAGATION,
    ASET = OCI_MOUNT_ATTR_SET,
    ACLR = OCI_MOUNT_ATTR_CLEAR,
    IDMAP = OCI_MOUNT_IDMAP,
    EXT = OCI_MOUNT_EXTENSION
  };
  /* config.md "Linux mount options", every row, plus rnodev. */
  static const struct
  {
    const char *name;
    int kind;
    unsigned long flags;
    uint64_t attr;
    bool atime;
  } want[] = {
    { "async", CLR, MS_SYNCHRONOUS, 0, false },
    { "atime", CLR, MS_NOATIME, 0, false },
    { "bind", SET, MS_BIND, 0, false },
    { "defaults", SET, 0, 0, false },
    { "dev", CLR, MS_NODEV, 0, false },
    { "diratime", CLR, MS_NODIRATIME, 0, false },
    { "dirsync", SET, MS_DIRSYNC, 0, false },
    { "exec", CLR, MS_NOEXEC, 0, false },
    { "iversion", SET, MS_I_VERSION, 0, false },
    { "lazytime", SET, MS_LAZYTIME, 0, false },
    { "loud", CLR, MS_SILENT, 0, false },
    { "acl", SET, MS_POSIXACL, 0, false },
    { "noacl", CLR, MS_POSIXACL, 0, false },
    { "mand", SET, MS_MANDLOCK, 0, false },
    { "noatime", SET, MS_NOATIME, 0, false },
    { "nodev", SET, MS_NODEV, 0, false },
    { "nodiratime", SET, MS_NODIRATIME, 0, false },
    { "noexec", SET, MS_NOEXEC, 0, false },
    { "noiversion", CLR, MS_I_VERSION, 0, false },
    { "nolazytime", CLR, MS_LAZYTIME, 0, false },
    { "nomand", CLR, MS_MANDLOCK, 0, false },
    { "norelatime", CLR, MS_RELATIME, 0, false },
    { "nostrictatime", CLR, MS_STRICTATIME, 0, false },
    { "nosuid", SET, MS_NOSUID, 0, false },
    { "nosymfollow", SET, MS_NOSYMFOLLOW, 0, false },
    { "private", PROP, MS_PRIVATE, 0, false },
    { "ratime", ASET, 0, MOUNT_ATTR_RELATIME, true },
    { "rbind", SET, MS_BIND | MS_REC, 0, false },
    { "rdev", ACLR, 0, MOUNT_ATTR_NODEV, false },
    { "rdiratime", ACLR, 0, MOUNT_ATTR_NODIRATIME, false },
    { "relatime", SET, MS_RELATIME, 0, false },
    { "remount", SET, MS_REMOUNT, 0, false },
    { "rexec", ACLR, 0, MOUNT_ATTR_NOEXEC, false },
    { "rnoatime", ASET, 0, MOUNT_ATTR_NOATIME, true },
    { "rnodev", ASET, 0, MOUNT_ATTR_NODEV, false },
    { "rnodiratime", ASET, 0, MOUNT_ATTR_NODIRATIME, false },
    { "rnoexec", ASET, 0, MOUNT_ATTR_NOEXEC, false },
    { "rnorelatime", ASET, 0, MOUNT_ATTR_STRICTATIME, true },
    { "rnostrictatime", ASET, 0, MOUNT_ATTR_RELATIME, true },
    { "rnosuid", ASET, 0, MOUNT_ATTR_NOSUID, false },
    { "rnosymfollow", ASET, 0, MOUNT_ATTR_NOSYMFOLLOW, false },
    { "ro", SET, MS_RDONLY, 0, false },
    { "rprivate", PROP, MS_PRIVATE | MS_REC, 0, false },
    { "rrelatime", ASET, 0, MOUNT_ATTR_RELATIME, true },
    { "rro", ASET, 0, MOUNT_ATTR_RDONLY, false },
    { "rrw", ACLR, 0, MOUNT_ATTR_RDONLY, false },
    { "rshared", PROP, MS_SHARED | MS_REC, 0, false },
    { "rslave", PROP, MS_SLAVE | MS_REC, 0, false },
    { "rstrictatime", ASET, 0, MOUNT_ATTR_STRICTATIME, true },
    { "rsuid", ACLR, 0, MOUNT_ATTR_NOSUID, false },
    { "rsymfollow", ACLR, 0, MOUNT_ATTR_NOSYMFOLLOW, false },
    { "runbindable", PROP, MS_UNBINDABLE | MS_REC, 0, false },
    { "rw", CLR, MS_RDONLY, 0, false },
    { "shared", PROP, MS_SHARED, 0, false },
    { "silent", SET, MS_SILENT, 0, false },
    { "slave", PROP, MS_SLAVE, 0, false },
    { "strictatime", SET, MS_STRICTATIME, 0, false },
    { "suid", CLR, MS_NOSUID, 0, false },
    { "symfollow", CLR, MS_NOSYMFOLLOW, 0, false },
    { "sync", SET, MS_SYNCHRONOUS, 0, false },
    { "tmpcopyup", EXT, 0, 0, false },
    { "unbindable", PROP, MS_UNBINDABLE, 0, false },
    { "idmap", IDMAP, 0, MOUNT_ATTR_IDMAP, false },
    { "ridmap", IDMAP, MS_REC, MOUNT_ATTR_IDMAP, false },
  };
  size_t nwant = sizeof want / sizeof want[0];

  for (size_t i = 0; i < nwant; i++)
    {
      const struct oci_mount_option *o = oci_mount_option_find (want[i].name);
      tap_ok (o != NULL && (int)o->kind == want[i].kind && o->flags == want[i].flags
                  && o->attr == want[i].attr && oci_mount_option_is_atime (o) == want[i].atime,
              "mount option %s: kind %d flags 0x%lx attr 0x%llx%s", want[i].name, want[i].kind, want[i].flags,
              (unsigned long long)want[i].attr, want[i].atime ? " (atime field)" : "");
    }

  /* Nothing in the table that the list above does not check. */
  size_t n = 0;
  bool all_expected = true;
  for (const struct oci_mount_option *o = oci_mount_options; o->name; o++, n++)
    {
      bool found = false;
      for (size_t i = 0; i < nwant && !found; i++)
        found = strcmp (want[i].name, o->name) == 0;
      if (!found)
        {
          all_expected = false;
          printf ("# unexpected mount option %s\n", o->name);
        }
    }
  tap_ok (all_expected && n == nwant, "mount options: %zu entries, all checked above", n);

  const char *dup = NULL;
  tap_ok (names_unique (&oci_mount_options[0].name, sizeof oci_mount_options[0], &dup),
          "mount options: names unique%s%s", dup ? ", duplicate " : "", dup ? dup : "");
  tap_ok (oci_mount_option_find ("mode=755") == NULL && oci_mount_option_find ("size=65536k") == NULL
              && oci_mount_option_find ("RO") == NULL && oci_mount_option_find ("") == NULL
              && oci_mount_option_find (NULL) == NULL,
          "mount options: filesystem data, wrong case, empty and NULL are not options");
  tap_ok (!oci_mount_option_is_atime (NULL), "mount options: is_atime (NULL) is false");
}

static void
test_rlimits (void)
{
  size_t n = 0;
  bool valid = true;
  for (const struct oci_rlimit_kind *r = oci_rlimit_kinds; r->name; r++, n++)
    {
      struct rlimit rl;
      for (const struct oci_rlimit_kind *s = r + 1; s->name; s++)
        if (s->resource == r->resource)
          valid = false;
      if (strncmp (r->name, "RLIMIT_", 7) != 0 || oci_rlimit_kind_find (r->name) != r
          || getrlimit (r->resource, &rl) != 0)
        {
          valid = false;
          printf ("# rlimit %s (%d) invalid\n", r->name, r->resource);
        }
    }
  tap_ok (valid, "rlimits: distinct resources getrlimit(2) accepts");
  tap_ok (n == RLIM_NLIMITS, "rlimits: %zu entries, RLIM_NLIMITS = %d", n, (int)RLIM_NLIMITS);
  static const struct
  {
    const char *name;
    int resource;
  } spot[] = {
    { "RLIMIT_AS", RLIMIT_AS },
    { "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "RLIMIT_CORE", RLIMIT_CORE },
  };
  for (size_t i = 0; i < sizeof spot / sizeof spot[0]; i++)
    {
      const struct oci_rlimit_kind *r = oci_rlimit_kind_find (spot[i].name);
      tap_ok (r != NULL && r->resource == spot[i].resource, "rlimit %s = %d", spot[i].name, spot[i].resource);
    }
  tap_ok (oci_rlimit_kind_find ("NOFILE") == NULL && oci_rlimit_kind_find ("rlimit_nofile") == NULL
              && oci_rlimit_kind_find (NULL) == NULL,
          "rlimits: lookup is exact");
}

static const struct
{
  const char *what;
  const char *const *list;
} name_lists[] = {
  { "hook kinds", oci_hook_kinds },
  { "rootfs propagations", oci_rootfs_propagations },
  { "seccomp actions", oci_seccomp_actions },
  { "seccomp operators", oci_seccomp_operators },
  { "seccomp archs", oci_seccomp_archs },
  { "seccomp flags", oci_seccomp_flags },
  { "scheduler policies", oci_scheduler_policies },
  { "scheduler flags", oci_scheduler_flags },
  { "ioprio classes", oci_ioprio_classes },
  { "memory policy modes", oci_memory_policy_modes },
  { "memory policy flags", oci_memory_policy_flags },
  { "personality domains", oci_personality_domains },
};

static void
test_name_lists (void)
{
  for (size_t i = 0; i < sizeof name_lists / sizeof name_lists[0]; i++)
    {
      const char *dup = NULL;
      tap_ok (list_len (name_lists[i].list) > 0 && names_unique (name_lists[i].list, sizeof (char *), &dup),
              "%s: non-empty, names unique%s%s", name_lists[i].what, dup ? ", duplicate " : "",
              dup ? dup : "");
    }
  tap_ok (oci_name_in (oci_hook_kinds, "poststop") && !oci_name_in (oci_hook_kinds, "Poststop")
              && !oci_name_in (oci_hook_kinds, "") && !oci_name_in (oci_hook_kinds, NULL)
              && !oci_name_in (NULL, "poststop"),
          "oci_name_in: exact match, NULL-safe");
}

/* The schema checks: a list equals the enum (same names, any order). */

static char *
read_file (const char *path)
{
  FILE *f = fopen (path, "re");
  if (f == NULL)
    return NULL;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc (cap);
  size_t got;
  while (buf && (got = fread (buf + len, 1, cap - len - 1, f)) > 0)
    {
      len += got;
      if (len + 1 == cap)
        {
          char *bigger = realloc (buf, cap *= 2);
          if (bigger == NULL)
            free (buf);
          buf = bigger;
        }
    }
  fclose (f);
  if (buf)
    buf[len] = '\0';
  return buf;
}

static yajl_val
schema_load (const char *dir, const char *file)
{
  char path[4096], errbuf[256];
  snprintf (path, sizeof path, "%s/%s", dir, file);
  char *text = read_file (path);
  if (text == NULL)
    return NULL;
  yajl_val tree = yajl_tree_parse (text, errbuf, sizeof errbuf);
  free (text);
  if (tree == NULL)
    printf ("# %s: %s\n", path, errbuf);
  return tree;
}

static bool
list_equals_strings (const char *const *list, const char **names, size_t n)
{
  if (list_len (list) != n)
    return false;
  for (size_t i = 0; i < n; i++)
    if (names[i] == NULL || !oci_name_in (list, names[i]))
      return false;
  return true;
}

/* list == enum of node[path] (an array of strings). */
static void
check_enum (const char *what, const char *const *list, yajl_val root, const char **path)
{
  yajl_val e = root ? yajl_tree_get (root, path, yajl_t_array) : NULL;
  if (e == NULL)
    {
      tap_ok (false, "%s: enum found in the schema", what);
      return;
    }
  const char *names[64];
  size_t n = YAJL_GET_ARRAY (e)->len;
  bool fits = n <= sizeof names / sizeof names[0];
  for (size_t i = 0; fits && i < n; i++)
    names[i] = YAJL_GET_STRING (YAJL_GET_ARRAY (e)->values[i]);
  tap_ok (fits && list_equals_strings (list, names, n), "%s equal the schema's enum (%zu names)", what, n);
}

static void
test_schema (void)
{
  const char *srcdir = getenv ("HUSK_SRCDIR");
  char dir[4096];
  snprintf (dir, sizeof dir, "%s/../shared/oci-spec/schema", srcdir ? srcdir : HUSK_TOP_SRCDIR);
  char probe[4200];
  snprintf (probe, sizeof probe, "%s/defs-linux.json", dir);
  if (access (probe, R_OK) != 0)
    {
      tap_skip ("no spec schema at ../shared/oci-spec/schema", "name lists equal the spec's enums");
      return;
    }

  yajl_val defs = schema_load (dir, "defs-linux.json");
  yajl_val config = schema_load (dir, "config-schema.json");
  tap_ok (defs != NULL && config != NULL, "schema files parse");

  static const struct
  {
    const char *what;
    const char *const *list;
    const char *def;
  } enums[] = {
    { "seccomp actions", oci_seccomp_actions, "SeccompAction" },
    { "seccomp operators", oci_seccomp_operators, "SeccompOperators" },
    { "seccomp archs", oci_seccomp_archs, "SeccompArch" },
    { "seccomp flags", oci_seccomp_flags, "SeccompFlag" },
    { "scheduler policies", oci_scheduler_policies, "SchedulerPolicy" },
    { "scheduler flags", oci_scheduler_flags, "SchedulerFlag" },
    { "memory policy modes", oci_memory_policy_modes, "MemoryPolicyMode" },
    { "memory policy flags", oci_memory_policy_flags, "MemoryPolicyFlag" },
    { "personality domains", oci_personality_domains, "PersonalityDomain" },
  };
  for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++)
    {
      const char *path[] = { "definitions", enums[i].def, "enum", NULL };
      check_enum (enums[i].what, enums[i].list, defs, path);
    }

  const char *ioprio[]
      = { "properties", "process", "properties", "ioPriority", "properties", "class", "enum", NULL };
  check_enum ("ioprio classes", oci_ioprio_classes, config, ioprio);

  /* Namespace kinds: the table's names against NamespaceType. */
  const char *ns_names[16];
  size_t nns = 0;
  for (const struct oci_namespace_kind *k = oci_namespace_kinds; k->name && nns < 16; k++)
    ns_names[nns++] = k->name;
  ns_names[nns] = NULL;
  check_enum ("namespace kinds", ns_names, defs,
              (const char *[]){ "definitions", "NamespaceType", "enum", NULL });

  /* Rootfs propagations: the schema's four, and the r-form of each. */
  const char *prop_path[] = { "definitions", "RootfsPropagation", "enum", NULL };
  yajl_val prop = defs ? yajl_tree_get (defs, prop_path, yajl_t_array) : NULL;
  bool prop_ok = prop != NULL && list_len (oci_rootfs_propagations) == 2 * YAJL_GET_ARRAY (prop)->len;
  for (size_t i = 0; prop_ok && i < YAJL_GET_ARRAY (prop)->len; i++)
    {
      const char *name = YAJL_GET_STRING (YAJL_GET_ARRAY (prop)->values[i]);
      char rname[64];
      snprintf (rname, sizeof rname, "r%s", name ? name : "");
      prop_ok = name && oci_name_in (oci_rootfs_propagations, name)
                && oci_name_in (oci_rootfs_propagations, rname);
    }
  tap_ok (prop_ok, "rootfs propagations equal the schema's enum plus its r-forms");

  /* Hook kinds: the member names of config-schema's hooks object. */
  const char *hooks_path[] = { "properties", "hooks", "properties", NULL };
  yajl_val hooks = config ? yajl_tree_get (config, hooks_path, yajl_t_object) : NULL;
  tap_ok (hooks != NULL
              && list_equals_strings (oci_hook_kinds, YAJL_GET_OBJECT (hooks)->keys,
                                      YAJL_GET_OBJECT (hooks)->len),
          "hook kinds equal the schema's hooks members");

  yajl_tree_free (defs);
  yajl_tree_free (config);
}

int
main (void)
{
  test_namespaces ();
  test_capabilities ();
  test_signals ();
  test_mount_options ();
  test_rlimits ();
  test_name_lists ();
  test_schema ();
  return tap_done ();
}
