/* The OCI runtime-spec's Linux config.json, process.json (exec), state and
   features as typed C structs, and the functions that parse and generate
   them.  Absent optional members are NULL / zero-length / .set == false. */
#ifndef OCI_CONFIG_H
#define OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Optional scalars: .set tells whether the member was present. */
typedef struct { bool set; bool v; } oci_opt_bool;
typedef struct { bool set; int32_t v; } oci_opt_i32;
typedef struct { bool set; uint32_t v; } oci_opt_u32;
typedef struct { bool set; int64_t v; } oci_opt_i64;
typedef struct { bool set; uint64_t v; } oci_opt_u64;

/* Arrays: every array member is laid out as { T *v; size_t n; }. */
#define OCI_ARRAY(T) struct { T *v; size_t n; }
typedef OCI_ARRAY (char *) oci_strv;
typedef OCI_ARRAY (uint32_t) oci_u32v;

/* Objects used as string -> string maps (annotations, sysctl, unified),
   in document order; a repeated key keeps its last value. */
typedef struct { char **keys; char **values; size_t n; } oci_map;

struct oci_hook { char *path; oci_strv args; oci_strv env; oci_opt_i64 timeout; };
typedef OCI_ARRAY (struct oci_hook) oci_hookv;

struct oci_hooks
{
  oci_hookv prestart, create_runtime, create_container, start_container, poststart, poststop;
};

struct oci_id_mapping { uint32_t container_id; uint32_t host_id; uint32_t size; };
typedef OCI_ARRAY (struct oci_id_mapping) oci_id_mappingv;

struct oci_mount
{
  char *destination;               /* required */
  char *source;
  char *type;
  oci_strv options;
  oci_id_mappingv uid_mappings, gid_mappings;
};

struct oci_rlimit { char *type; uint64_t soft; uint64_t hard; };

struct oci_capabilities { oci_strv bounding, effective, inheritable, permitted, ambient; };

struct oci_user
{
  uint32_t uid, gid;
  oci_opt_u32 umask;
  oci_u32v additional_gids;
  char *username;
};

struct oci_console_size { bool set; uint64_t height, width; };

struct oci_scheduler
{
  char *policy;                    /* required when scheduler is present */
  oci_opt_i32 nice, priority;
  oci_strv flags;
  oci_opt_u64 runtime, deadline, period;
};

struct oci_io_priority { char *class_; oci_opt_i32 priority; };

struct oci_cpu_affinity { char *initial; char *final; };

struct oci_process
{
  bool terminal;
  struct oci_console_size console_size;
  struct oci_user user;
  oci_strv args;
  char *command_line;
  oci_strv env;
  char *cwd;                       /* required */
  struct oci_capabilities *capabilities;  /* NULL: no capabilities object */
  OCI_ARRAY (struct oci_rlimit) rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  oci_opt_i32 oom_score_adj;
  char *selinux_label;
  struct oci_scheduler *scheduler;
  struct oci_io_priority *io_priority;
  struct oci_cpu_affinity *exec_cpu_affinity;
};

struct oci_root { char *path; bool readonly; };

struct oci_namespace { char *type; char *path; };

struct oci_time_offset { oci_opt_i64 secs; oci_opt_u32 nanosecs; };
struct oci_time_offsets { struct oci_time_offset *boottime, *monotonic; };

struct oci_device
{
  char *type;                      /* "c", "b", "u" or "p" */
  char *path;
  oci_opt_i64 major, minor;
  oci_opt_u32 file_mode;
  oci_opt_u32 uid, gid;
};

struct oci_device_cgroup
{
  bool allow;
  char *type;                      /* "a", "c" or "b"; NULL = all */
  oci_opt_i64 major, minor;
  char *access;
};

struct oci_memory
{
  oci_opt_i64 limit, reservation, swap, kernel, kernel_tcp;
  oci_opt_u64 swappiness;
  oci_opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};

struct oci_cpu
{
  oci_opt_u64 shares, period, realtime_period, burst;
  oci_opt_i64 quota, realtime_runtime, idle;
  char *cpus, *mems;
};

struct oci_blkio_weight_device { int64_t major, minor; oci_opt_u32 weight, leaf_weight; };
struct oci_blkio_throttle_device { int64_t major, minor; oci_opt_u64 rate; };
typedef OCI_ARRAY (struct oci_blkio_throttle_device) oci_throttlev;

struct oci_blkio
{
  oci_opt_u32 weight, leaf_weight; /* uint16 in the spec; range-checked */
  OCI_ARRAY (struct oci_blkio_weight_device) weight_device;
  oci_throttlev throttle_read_bps_device, throttle_write_bps_device;
  oci_throttlev throttle_read_iops_device, throttle_write_iops_device;
};

struct oci_hugepage_limit { char *page_size; uint64_t limit; };
struct oci_net_priority { char *name; uint32_t priority; };
struct oci_network { oci_opt_u32 class_id; OCI_ARRAY (struct oci_net_priority) priorities; };
struct oci_rdma_entry { char *device; oci_opt_u32 hca_handles, hca_objects; };

struct oci_resources
{
  OCI_ARRAY (struct oci_device_cgroup) devices;
  struct oci_memory *memory;
  struct oci_cpu *cpu;
  oci_opt_i64 pids_limit;          /* pids.limit (optional since spec 1.3) */
  bool has_pids;                   /* the pids object is present */
  struct oci_blkio *block_io;
  OCI_ARRAY (struct oci_hugepage_limit) hugepage_limits;
  struct oci_network *network;
  OCI_ARRAY (struct oci_rdma_entry) rdma;   /* map device -> limits */
  oci_map unified;
};

struct oci_intel_rdt
{
  char *clos_id, *l3_cache_schema, *mem_bw_schema;
  oci_strv schemata;
  oci_opt_bool enable_monitoring;
};

struct oci_seccomp_arg { uint32_t index; uint64_t value; oci_opt_u64 value_two; char *op; };

struct oci_seccomp_syscall
{
  oci_strv names;                  /* at least one */
  char *action;
  oci_opt_u32 errno_ret;
  OCI_ARRAY (struct oci_seccomp_arg) args;
};

struct oci_seccomp
{
  char *default_action;            /* required */
  oci_opt_u32 default_errno_ret;
  oci_strv architectures, flags;
  char *listener_path, *listener_metadata;
  OCI_ARRAY (struct oci_seccomp_syscall) syscalls;
};

struct oci_personality { char *domain; oci_strv flags; };
struct oci_memory_policy { char *mode; char *nodes; oci_strv flags; };
struct oci_net_device { char *host_name; char *name; };  /* map host_name -> {name} */

struct oci_linux
{
  OCI_ARRAY (struct oci_namespace) namespaces;
  oci_id_mappingv uid_mappings, gid_mappings;
  struct oci_time_offsets *time_offsets;
  OCI_ARRAY (struct oci_device) devices;
  char *cgroups_path;
  struct oci_resources *resources;
  struct oci_intel_rdt *intel_rdt;
  oci_map sysctl;
  struct oci_seccomp *seccomp;
  char *rootfs_propagation;
  oci_strv masked_paths, readonly_paths;
  char *mount_label;
  struct oci_personality *personality;
  struct oci_memory_policy *memory_policy;
  OCI_ARRAY (struct oci_net_device) net_devices;
};

struct oci_config
{
  char *oci_version;               /* required, 1.x */
  struct oci_root *root;
  OCI_ARRAY (struct oci_mount) mounts;
  struct oci_process *process;
  char *hostname, *domainname;
  struct oci_hooks *hooks;
  oci_map annotations;
  struct oci_linux *linux_;        /* "linux" is a predefined macro in GNU C */
};

/* Parsing.  The file is read with a size cap (OCI_CONFIG_MAX_SIZE), then
   parsed; unknown members are ignored, as the spec requires.  On failure
   *err is one line, malloc'd, naming the file and the JSON path:
     config.json: linux.namespaces[2].type: unknown namespace "pidd"
     config.json: line 14: invalid JSON: ...
   `name` is the label used in messages (e.g. "config.json"). */
#define OCI_CONFIG_MAX_SIZE (4 * 1024 * 1024)
int oci_config_parse_file (const char *path, const char *name, struct oci_config **out, char **err);
int oci_config_parse_data (const char *data, size_t len, const char *name, struct oci_config **out, char **err);
/* The checks and read of oci_config_parse_file alone: *data (NUL-ended,
   *len bytes) is then parsed with oci_config_parse_data, and can be kept,
   e.g. to save exactly the bytes that were applied. */
int oci_config_read_file (const char *path, const char *name, char **data, size_t *len, char **err);
void oci_config_free (struct oci_config *c);

/* process.json for `exec --process`: the config's "process" object alone.
   The _file readers of process.json and resources take what a command
   line names: a file, a pipe (/dev/fd/N) or "-" for stdin. */
int oci_process_parse_file (const char *path, const char *name, struct oci_process **out, char **err);
int oci_process_parse_data (const char *data, size_t len, const char *name, struct oci_process **out, char **err);
void oci_process_free (struct oci_process *p);

/* linux.resources alone, for `update --resources`. */
int oci_resources_parse_data (const char *data, size_t len, const char *name, struct oci_resources **out, char **err);
int oci_resources_parse_file (const char *path, const char *name, struct oci_resources **out, char **err);
void oci_resources_free (struct oci_resources *r);
/* linux.resources as JSON, written from the parser's own descriptor table:
   every member it reads, absent ones left out, so that parsing the output
   gives back an equal struct. */
int oci_resources_generate (const struct oci_resources *r, bool pretty, char **json, size_t *len, char **err);
/* `update`: the members present in src laid over dst's (src is copied):
   memory, cpu, blockIO, network, pids, and the maps unified and rdma
   member by member; a list (devices, hugepage limits, a throttle list) is
   replaced whole. */
void oci_resources_merge (struct oci_resources *dst, const struct oci_resources *src);

/* Every JSON path the config.json parser knows, from its descriptor tables:
   "linux.resources.memory.limit"; "[]" marks array items ("mounts[].destination"),
   "{}" map values ("annotations{}", "linux.resources.rdma{}.hcaHandles").
   type is one of string, boolean, integer, number, object, array; required
   means the member must be present when its parent is. */
void oci_config_describe (void (*cb) (const char *path, const char *type, bool required, void *data),
                          void *data);

/* The state JSON of runtime.md. */
struct oci_state
{
  char *oci_version;
  char *id;
  char *status;                    /* creating, created, running, stopped */
  int pid;                         /* written when > 0 */
  char *bundle;
  oci_map annotations;
};
int oci_state_generate (const struct oci_state *s, bool pretty, char **json, size_t *len);
int oci_state_parse_data (const char *data, size_t len, const char *name, struct oci_state **out, char **err);
void oci_state_free (struct oci_state *s);

#endif
