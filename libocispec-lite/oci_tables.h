/* One table per fact: namespace kinds, capabilities, signals, mount
   options, rlimits, seccomp names, ...  Parsing, `husk features`, --help,
   libhusk and the tests all read these; nothing else lists them. Each
   table ends with an entry whose name is NULL. */
#ifndef OCI_TABLES_H
#define OCI_TABLES_H

#include <stdbool.h>
#include <stdint.h>

struct oci_namespace_kind
{
  const char *name;       /* config.json spelling: "pid", "network", ... */
  int clone_flag;         /* CLONE_NEWPID, ... */
  const char *proc_name;  /* /proc/PID/ns/<proc_name> */
};
extern const struct oci_namespace_kind oci_namespace_kinds[];
const struct oci_namespace_kind *oci_namespace_kind_find (const char *name);

struct oci_capability
{
  const char *name;       /* "CAP_CHOWN" */
  int value;              /* CAP_CHOWN */
};
extern const struct oci_capability oci_capabilities[];
const struct oci_capability *oci_capability_find (const char *name);

struct oci_signal
{
  const char *name;       /* "SIGKILL" */
  int value;
};
extern const struct oci_signal oci_signals[];
/* "9", "KILL", "SIGKILL", "SIGRTMIN+3", "RTMAX-1": the signal number, or
   -1 if the text names no signal. */
int oci_signal_parse (const char *text);
/* The canonical name of a signal number ("SIGABRT", not "SIGIOT"), or NULL
   (real-time signals have none). */
const char *oci_signal_name (int value);

enum oci_mount_option_kind
{
  OCI_MOUNT_FLAG_SET,       /* mount(2) flags to set: ro, nosuid, ... */
  OCI_MOUNT_FLAG_CLEAR,     /* mount(2) flags to clear: rw, suid, ... */
  OCI_MOUNT_PROPAGATION,    /* private, rshared, ... (flags: MS_PRIVATE [| MS_REC]) */
  OCI_MOUNT_ATTR_SET,       /* mount_setattr recursive attrs to set: rro, rnosuid, ... */
  OCI_MOUNT_ATTR_CLEAR,     /* mount_setattr recursive attrs to clear: rrw, rsuid, ... */
  OCI_MOUNT_IDMAP,          /* idmap, ridmap (flags: MS_REC for ridmap) */
  OCI_MOUNT_EXTENSION,      /* tmpcopyup and other runtime extensions */
};

struct oci_mount_option
{
  const char *name;
  enum oci_mount_option_kind kind;
  unsigned long flags;      /* MS_* */
  uint64_t attr;            /* MOUNT_ATTR_* for the ATTR kinds */
};
extern const struct oci_mount_option oci_mount_options[];
/* NULL when `name` is not an option: then it is filesystem data. */
const struct oci_mount_option *oci_mount_option_find (const char *name);
/* True for the recursive access-time options (rrelatime, rnoatime, ratime,
   ...): their attr is a value of the MOUNT_ATTR__ATIME field, not a bit, so
   the caller must replace the atime bits of attr_set with it and put
   MOUNT_ATTR__ATIME in attr_clr (mount_setattr(2) rejects a partial one). */
bool oci_mount_option_is_atime (const struct oci_mount_option *opt);

struct oci_rlimit_kind
{
  const char *name;       /* "RLIMIT_NOFILE" */
  int resource;
};
extern const struct oci_rlimit_kind oci_rlimit_kinds[];
const struct oci_rlimit_kind *oci_rlimit_kind_find (const char *name);

/* Plain lists of the names the spec allows, for enum checks and features. */
extern const char *const oci_hook_kinds[];
extern const char *const oci_rootfs_propagations[];
extern const char *const oci_seccomp_actions[];
extern const char *const oci_seccomp_operators[];
extern const char *const oci_seccomp_archs[];
extern const char *const oci_seccomp_flags[];
extern const char *const oci_scheduler_policies[];
extern const char *const oci_scheduler_flags[];
extern const char *const oci_ioprio_classes[];
extern const char *const oci_memory_policy_modes[];
extern const char *const oci_memory_policy_flags[];
extern const char *const oci_personality_domains[];
bool oci_name_in (const char *const *list, const char *name);

#endif
