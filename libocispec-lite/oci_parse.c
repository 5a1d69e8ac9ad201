/* config.json, process.json and linux.resources: the descriptor tables that
   map the OCI runtime-spec's members onto the structs of oci_config.h, and
   the parse/free/generate entry points over the generic walker of oci_json.c.
   Everything the parser knows about the config's shape is in these tables:
   oci_config_describe prints them, and a test compares that with
   schema/config.schema.json. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "oci_config.h"
#include "oci_gen.h"
#include "oci_json.h"
#include "oci_tables.h"

/* ---- allowed values ---- */

static bool
namespace_ok (const char *s)
{
  return oci_namespace_kind_find (s) != NULL;
}

static bool
capability_ok (const char *s)
{
  return oci_capability_find (s) != NULL;
}

static bool
rlimit_ok (const char *s)
{
  return oci_rlimit_kind_find (s) != NULL;
}

/* The spec lists private, shared, slave and unbindable; runc and crun also
   take the recursive r-forms, and configs in the wild use them. */
static bool
propagation_ok (const char *s)
{
  if (oci_name_in (oci_rootfs_propagations, s))
    return true;
  return s[0] == 'r' && s[1] != 'r' && oci_name_in (oci_rootfs_propagations, s + 1);
}

static bool
digits (const char **p)
{
  const char *s = *p;
  while (**p >= '0' && **p <= '9')
    (*p)++;
  return *p > s;
}

static bool
semver_tail (const char **p)
{
  const char *s = *p;
  while ((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z')
         || **p == '.' || **p == '-')
    (*p)++;
  return *p > s;
}

/* 1.MINOR.PATCH, optionally -PRERELEASE and +BUILD (semver), MINOR at
   most 3: husk knows the members of 1.0 to 1.3; a later version may mean
   things husk cannot know, and its new members would go unnoticed. */
static bool
version_ok (const char *s)
{
  const char *p = s;
  if (strncmp (p, "1.", 2) != 0)
    return false;
  p += 2;
  const char *minor = p;
  if (!digits (&p) || p - minor != 1 || *minor > '3' || *p++ != '.' || !digits (&p))
    return false;
  if (*p == '-')
    {
      p++;
      if (!semver_tail (&p))
        return false;
    }
  if (*p == '+')
    {
      p++;
      if (!semver_tail (&p))
        return false;
    }
  return *p == '\0';
}

/* The schema's patterns: hugepage sizes as the kernel names the hugetlb
   files ("2MB", "1GB"), CPU lists, and an Intel RDT memory bandwidth line. */
static bool
page_size_ok (const char *s)
{
  const char *p = s;
  if (*p < '1' || *p > '9' || !digits (&p))
    return false;
  return (*p == 'K' || *p == 'M' || *p == 'G') && strcmp (p + 1, "B") == 0;
}

static bool
cpu_list_ok (const char *s)
{
  return strspn (s, "0123456789, -") == strlen (s);
}

static bool
mem_bw_schema_ok (const char *s)
{
  return strncmp (s, "MB:", 3) == 0 && strchr (s, '\n') == NULL;
}

static const char *const device_types[] = { "c", "b", "u", "p", NULL };
static const char *const device_cgroup_types[] = { "a", "c", "b", NULL };

static const struct oci_enum e_version = { "unsupported version", " (husk supports 1.0.0 to 1.3.x)", NULL, version_ok };
static const struct oci_enum e_namespace = { "unknown namespace", NULL, NULL, namespace_ok };
static const struct oci_enum e_capability = { "unknown capability", NULL, NULL, capability_ok };
static const struct oci_enum e_rlimit = { "unknown rlimit", NULL, NULL, rlimit_ok };
static const struct oci_enum e_propagation = { "unknown rootfs propagation", NULL, NULL, propagation_ok };
static const struct oci_enum e_device_type = { "unknown device type", NULL, device_types, NULL };
static const struct oci_enum e_cgroup_device_type = { "unknown device type", NULL, device_cgroup_types, NULL };
static const struct oci_enum e_page_size = { "invalid page size", " (expected a size such as \"2MB\")", NULL, page_size_ok };
static const struct oci_enum e_cpu_list = { "invalid CPU list", NULL, NULL, cpu_list_ok };
static const struct oci_enum e_mem_bw_schema = { "invalid memory bandwidth schema", " (expected \"MB:...\")", NULL, mem_bw_schema_ok };
static const struct oci_enum e_seccomp_action = { "unknown seccomp action", NULL, oci_seccomp_actions, NULL };
static const struct oci_enum e_seccomp_op = { "unknown seccomp operator", NULL, oci_seccomp_operators, NULL };
static const struct oci_enum e_seccomp_arch = { "unknown seccomp architecture", NULL, oci_seccomp_archs, NULL };
static const struct oci_enum e_seccomp_flag = { "unknown seccomp flag", NULL, oci_seccomp_flags, NULL };
static const struct oci_enum e_sched_policy = { "unknown scheduler policy", NULL, oci_scheduler_policies, NULL };
static const struct oci_enum e_sched_flag = { "unknown scheduler flag", NULL, oci_scheduler_flags, NULL };
static const struct oci_enum e_ioprio_class = { "unknown I/O priority class", NULL, oci_ioprio_classes, NULL };
static const struct oci_enum e_mempolicy_mode = { "unknown memory policy mode", NULL, oci_memory_policy_modes, NULL };
static const struct oci_enum e_mempolicy_flag = { "unknown memory policy flag", NULL, oci_memory_policy_flags, NULL };
static const struct oci_enum e_personality = { "unknown personality domain", NULL, oci_personality_domains, NULL };

/* ---- descriptor tables, one per struct of oci_config.h ----

   Required members follow the spec's prose where it is stricter than its
   JSON Schema (root, user.uid/gid, ioPriority.priority, the throttle
   devices' rate, personality.domain, memoryPolicy.mode): runc's Go bindings
   always emit them, so no config a real engine writes lacks them.
   schema/config.schema.json says the same, and a test compares the two. */

/* A member `m` of struct `S` read from JSON member `json`. */
#define M(json, k, S, m, ...) { .name = json, .kind = OCI_K_##k, .offset = offsetof (S, m), __VA_ARGS__ }
#define STR(json, S, m, ...) M (json, STRING, S, m, __VA_ARGS__)
#define STRV(json, S, m, ...) M (json, ARRAY, S, m, .item = OCI_K_STRING, __VA_ARGS__)
#define OBJ(json, S, m, T) M (json, OBJECT, S, m, .type = &T)
#define ARR(json, S, m, T, ...) M (json, ARRAY, S, m, .item = OCI_K_EMBED, .type = &T, __VA_ARGS__)
#define TYPE(S, ...) { .size = sizeof (S), .fields = (const struct oci_field[]) { __VA_ARGS__, { .name = NULL } } }

#define HOOK struct oci_hook
static const struct oci_type hook_type = TYPE (HOOK,
  STR ("path", HOOK, path, .required = true),
  STRV ("args", HOOK, args),
  STRV ("env", HOOK, env),
  M ("timeout", OPT_I64, HOOK, timeout, .positive = true));

#define HOOKS struct oci_hooks
static const struct oci_type hooks_type = TYPE (HOOKS,
  ARR ("prestart", HOOKS, prestart, hook_type),
  ARR ("createRuntime", HOOKS, create_runtime, hook_type),
  ARR ("createContainer", HOOKS, create_container, hook_type),
  ARR ("startContainer", HOOKS, start_container, hook_type),
  ARR ("poststart", HOOKS, poststart, hook_type),
  ARR ("poststop", HOOKS, poststop, hook_type));

#define IDMAP struct oci_id_mapping
static const struct oci_type id_mapping_type = TYPE (IDMAP,
  M ("containerID", U32, IDMAP, container_id, .required = true),
  M ("hostID", U32, IDMAP, host_id, .required = true),
  M ("size", U32, IDMAP, size, .required = true));

#define MOUNT struct oci_mount
static const struct oci_type mount_type = TYPE (MOUNT,
  STR ("destination", MOUNT, destination, .required = true),
  STR ("source", MOUNT, source),
  STR ("type", MOUNT, type),
  STRV ("options", MOUNT, options),
  ARR ("uidMappings", MOUNT, uid_mappings, id_mapping_type),
  ARR ("gidMappings", MOUNT, gid_mappings, id_mapping_type));

#define RLIMIT struct oci_rlimit
static const struct oci_type rlimit_type = TYPE (RLIMIT,
  STR ("type", RLIMIT, type, .required = true, .values = &e_rlimit),
  M ("soft", U64, RLIMIT, soft, .required = true),
  M ("hard", U64, RLIMIT, hard, .required = true));

#define CAPS struct oci_capabilities
static const struct oci_type capabilities_type = TYPE (CAPS,
  STRV ("bounding", CAPS, bounding, .values = &e_capability),
  STRV ("effective", CAPS, effective, .values = &e_capability),
  STRV ("inheritable", CAPS, inheritable, .values = &e_capability),
  STRV ("permitted", CAPS, permitted, .values = &e_capability),
  STRV ("ambient", CAPS, ambient, .values = &e_capability));

#define USER struct oci_user
static const struct oci_type user_type = TYPE (USER,
  M ("uid", U32, USER, uid, .required = true),
  M ("gid", U32, USER, gid, .required = true),
  M ("umask", OPT_U32, USER, umask),
  M ("additionalGids", ARRAY, USER, additional_gids, .item = OCI_K_U32),
  STR ("username", USER, username));

#define CONSOLE struct oci_console_size
static const struct oci_type console_size_type = TYPE (CONSOLE,
  M ("height", U64, CONSOLE, height, .required = true),
  M ("width", U64, CONSOLE, width, .required = true));

#define SCHED struct oci_scheduler
static const struct oci_type scheduler_type = TYPE (SCHED,
  STR ("policy", SCHED, policy, .required = true, .values = &e_sched_policy),
  M ("nice", OPT_I32, SCHED, nice),
  M ("priority", OPT_I32, SCHED, priority),
  STRV ("flags", SCHED, flags, .values = &e_sched_flag),
  M ("runtime", OPT_U64, SCHED, runtime),
  M ("deadline", OPT_U64, SCHED, deadline),
  M ("period", OPT_U64, SCHED, period));

#define IOPRIO struct oci_io_priority
static const struct oci_type io_priority_type = TYPE (IOPRIO,
  STR ("class", IOPRIO, class_, .required = true, .values = &e_ioprio_class),
  M ("priority", OPT_I32, IOPRIO, priority, .required = true));

#define AFFINITY struct oci_cpu_affinity
static const struct oci_type cpu_affinity_type = TYPE (AFFINITY,
  STR ("initial", AFFINITY, initial, .values = &e_cpu_list),
  STR ("final", AFFINITY, final, .values = &e_cpu_list));

#define PROCESS struct oci_process
static const struct oci_type process_type = TYPE (PROCESS,
  M ("terminal", BOOL, PROCESS, terminal),
  M ("consoleSize", EMBED, PROCESS, console_size, .type = &console_size_type, .has_flag = true,
     .flag = offsetof (PROCESS, console_size.set)),
  M ("user", EMBED, PROCESS, user, .type = &user_type),
  /* Optional in the schema, but the spec's Linux text requires it, and
     there is nothing to run without it. */
  STRV ("args", PROCESS, args, .nonempty = true),
  STR ("commandLine", PROCESS, command_line),
  STRV ("env", PROCESS, env),
  STR ("cwd", PROCESS, cwd, .required = true),
  OBJ ("capabilities", PROCESS, capabilities, capabilities_type),
  ARR ("rlimits", PROCESS, rlimits, rlimit_type),
  M ("noNewPrivileges", BOOL, PROCESS, no_new_privileges),
  STR ("apparmorProfile", PROCESS, apparmor_profile),
  M ("oomScoreAdj", OPT_I32, PROCESS, oom_score_adj),
  STR ("selinuxLabel", PROCESS, selinux_label),
  OBJ ("scheduler", PROCESS, scheduler, scheduler_type),
  OBJ ("ioPriority", PROCESS, io_priority, io_priority_type),
  OBJ ("execCPUAffinity", PROCESS, exec_cpu_affinity, cpu_affinity_type));

#define ROOT struct oci_root
static const struct oci_type root_type = TYPE (ROOT,
  STR ("path", ROOT, path, .required = true),
  M ("readonly", BOOL, ROOT, readonly));

#define NS struct oci_namespace
static const struct oci_type namespace_type = TYPE (NS,
  STR ("type", NS, type, .required = true, .values = &e_namespace),
  STR ("path", NS, path));

#define TOFF struct oci_time_offset
static const struct oci_type time_offset_type = TYPE (TOFF,
  M ("secs", OPT_I64, TOFF, secs),
  M ("nanosecs", OPT_U32, TOFF, nanosecs));

#define TOFFS struct oci_time_offsets
static const struct oci_type time_offsets_type = TYPE (TOFFS,
  OBJ ("boottime", TOFFS, boottime, time_offset_type),
  OBJ ("monotonic", TOFFS, monotonic, time_offset_type));

#define DEV struct oci_device
static const struct oci_type device_type = TYPE (DEV,
  STR ("type", DEV, type, .required = true, .values = &e_device_type),
  STR ("path", DEV, path, .required = true),
  M ("major", OPT_I64, DEV, major),
  M ("minor", OPT_I64, DEV, minor),
  M ("fileMode", OPT_U32, DEV, file_mode),
  M ("uid", OPT_U32, DEV, uid),
  M ("gid", OPT_U32, DEV, gid));

#define DEVCG struct oci_device_cgroup
static const struct oci_type device_cgroup_type = TYPE (DEVCG,
  M ("allow", BOOL, DEVCG, allow, .required = true),
  STR ("type", DEVCG, type, .values = &e_cgroup_device_type),
  M ("major", OPT_I64, DEVCG, major),
  M ("minor", OPT_I64, DEVCG, minor),
  STR ("access", DEVCG, access));

#define MEM struct oci_memory
static const struct oci_type memory_type = TYPE (MEM,
  M ("limit", OPT_I64, MEM, limit),
  M ("reservation", OPT_I64, MEM, reservation),
  M ("swap", OPT_I64, MEM, swap),
  M ("kernel", OPT_I64, MEM, kernel),
  M ("kernelTCP", OPT_I64, MEM, kernel_tcp),
  M ("swappiness", OPT_U64, MEM, swappiness),
  M ("disableOOMKiller", OPT_BOOL, MEM, disable_oom_killer),
  M ("useHierarchy", OPT_BOOL, MEM, use_hierarchy),
  M ("checkBeforeUpdate", OPT_BOOL, MEM, check_before_update));

#define CPU struct oci_cpu
static const struct oci_type cpu_type = TYPE (CPU,
  M ("shares", OPT_U64, CPU, shares),
  M ("quota", OPT_I64, CPU, quota),
  M ("burst", OPT_U64, CPU, burst),
  M ("period", OPT_U64, CPU, period),
  M ("realtimeRuntime", OPT_I64, CPU, realtime_runtime),
  M ("realtimePeriod", OPT_U64, CPU, realtime_period),
  STR ("cpus", CPU, cpus),
  STR ("mems", CPU, mems),
  M ("idle", OPT_I64, CPU, idle));

#define WDEV struct oci_blkio_weight_device
static const struct oci_type weight_device_type = TYPE (WDEV,
  M ("major", I64, WDEV, major, .required = true),
  M ("minor", I64, WDEV, minor, .required = true),
  M ("weight", OPT_U16, WDEV, weight),
  M ("leafWeight", OPT_U16, WDEV, leaf_weight));

#define TDEV struct oci_blkio_throttle_device
static const struct oci_type throttle_device_type = TYPE (TDEV,
  M ("major", I64, TDEV, major, .required = true),
  M ("minor", I64, TDEV, minor, .required = true),
  M ("rate", OPT_U64, TDEV, rate, .required = true));

#define BLKIO struct oci_blkio
static const struct oci_type blkio_type = TYPE (BLKIO,
  M ("weight", OPT_U16, BLKIO, weight),
  M ("leafWeight", OPT_U16, BLKIO, leaf_weight),
  ARR ("weightDevice", BLKIO, weight_device, weight_device_type),
  ARR ("throttleReadBpsDevice", BLKIO, throttle_read_bps_device, throttle_device_type),
  ARR ("throttleWriteBpsDevice", BLKIO, throttle_write_bps_device, throttle_device_type),
  ARR ("throttleReadIOPSDevice", BLKIO, throttle_read_iops_device, throttle_device_type),
  ARR ("throttleWriteIOPSDevice", BLKIO, throttle_write_iops_device, throttle_device_type));

#define HUGE struct oci_hugepage_limit
static const struct oci_type hugepage_type = TYPE (HUGE,
  STR ("pageSize", HUGE, page_size, .required = true, .values = &e_page_size),
  M ("limit", U64, HUGE, limit, .required = true));

#define NETPRIO struct oci_net_priority
static const struct oci_type net_priority_type = TYPE (NETPRIO,
  STR ("name", NETPRIO, name, .required = true),
  M ("priority", U32, NETPRIO, priority, .required = true));

#define NET struct oci_network
static const struct oci_type network_type = TYPE (NET,
  M ("classID", OPT_U32, NET, class_id),
  ARR ("priorities", NET, priorities, net_priority_type));

#define RDMA struct oci_rdma_entry
static const struct oci_type rdma_type = TYPE (RDMA,
  M ("hcaHandles", OPT_U32, RDMA, hca_handles),
  M ("hcaObjects", OPT_U32, RDMA, hca_objects));

/* resources.pids is {"limit": N}, flattened into pids_limit/has_pids: its
   members' offsets are oci_resources'.  limit is OPTIONAL since spec 1.3
   (the Go bindings emit "pids": {}); REQUIRED before. */
#define RES struct oci_resources
static const struct oci_type pids_type = TYPE (RES,
  M ("limit", OPT_I64, RES, pids_limit));

static const struct oci_type resources_type = TYPE (RES,
  ARR ("devices", RES, devices, device_cgroup_type),
  OBJ ("memory", RES, memory, memory_type),
  OBJ ("cpu", RES, cpu, cpu_type),
  { .name = "pids", .kind = OCI_K_EMBED, .offset = 0, .type = &pids_type, .has_flag = true,
    .flag = offsetof (RES, has_pids) },
  OBJ ("blockIO", RES, block_io, blkio_type),
  ARR ("hugepageLimits", RES, hugepage_limits, hugepage_type),
  OBJ ("network", RES, network, network_type),
  M ("rdma", MAP_ENTRIES, RES, rdma, .type = &rdma_type, .key = offsetof (RDMA, device)),
  M ("unified", MAP, RES, unified));

#define RDT struct oci_intel_rdt
static const struct oci_type intel_rdt_type = TYPE (RDT,
  STR ("closID", RDT, clos_id),
  STRV ("schemata", RDT, schemata),
  STR ("l3CacheSchema", RDT, l3_cache_schema),
  STR ("memBwSchema", RDT, mem_bw_schema, .values = &e_mem_bw_schema),
  M ("enableMonitoring", OPT_BOOL, RDT, enable_monitoring));

#define SARG struct oci_seccomp_arg
static const struct oci_type seccomp_arg_type = TYPE (SARG,
  M ("index", U32, SARG, index, .required = true),
  M ("value", U64, SARG, value, .required = true),
  M ("valueTwo", OPT_U64, SARG, value_two),
  STR ("op", SARG, op, .required = true, .values = &e_seccomp_op));

#define SYSCALL struct oci_seccomp_syscall
static const struct oci_type seccomp_syscall_type = TYPE (SYSCALL,
  STRV ("names", SYSCALL, names, .nonempty = true),
  STR ("action", SYSCALL, action, .required = true, .values = &e_seccomp_action),
  M ("errnoRet", OPT_U32, SYSCALL, errno_ret),
  ARR ("args", SYSCALL, args, seccomp_arg_type));

#define SECCOMP struct oci_seccomp
static const struct oci_type seccomp_type = TYPE (SECCOMP,
  STR ("defaultAction", SECCOMP, default_action, .required = true, .values = &e_seccomp_action),
  M ("defaultErrnoRet", OPT_U32, SECCOMP, default_errno_ret),
  STRV ("architectures", SECCOMP, architectures, .values = &e_seccomp_arch),
  STRV ("flags", SECCOMP, flags, .values = &e_seccomp_flag),
  STR ("listenerPath", SECCOMP, listener_path),
  STR ("listenerMetadata", SECCOMP, listener_metadata),
  ARR ("syscalls", SECCOMP, syscalls, seccomp_syscall_type));

#define PERS struct oci_personality
static const struct oci_type personality_type = TYPE (PERS,
  STR ("domain", PERS, domain, .required = true, .values = &e_personality),
  STRV ("flags", PERS, flags));

#define MPOL struct oci_memory_policy
static const struct oci_type memory_policy_type = TYPE (MPOL,
  STR ("mode", MPOL, mode, .required = true, .values = &e_mempolicy_mode),
  STR ("nodes", MPOL, nodes),
  STRV ("flags", MPOL, flags, .values = &e_mempolicy_flag));

#define NETDEV struct oci_net_device
static const struct oci_type net_device_type = TYPE (NETDEV,
  STR ("name", NETDEV, name));

#define LINUX struct oci_linux
static const struct oci_type linux_type = TYPE (LINUX,
  ARR ("namespaces", LINUX, namespaces, namespace_type),
  ARR ("uidMappings", LINUX, uid_mappings, id_mapping_type),
  ARR ("gidMappings", LINUX, gid_mappings, id_mapping_type),
  OBJ ("timeOffsets", LINUX, time_offsets, time_offsets_type),
  ARR ("devices", LINUX, devices, device_type),
  STR ("cgroupsPath", LINUX, cgroups_path),
  OBJ ("resources", LINUX, resources, resources_type),
  OBJ ("intelRdt", LINUX, intel_rdt, intel_rdt_type),
  M ("sysctl", MAP, LINUX, sysctl),
  OBJ ("seccomp", LINUX, seccomp, seccomp_type),
  STR ("rootfsPropagation", LINUX, rootfs_propagation, .values = &e_propagation),
  STRV ("maskedPaths", LINUX, masked_paths),
  STRV ("readonlyPaths", LINUX, readonly_paths),
  STR ("mountLabel", LINUX, mount_label),
  OBJ ("personality", LINUX, personality, personality_type),
  OBJ ("memoryPolicy", LINUX, memory_policy, memory_policy_type),
  M ("netDevices", MAP_ENTRIES, LINUX, net_devices, .type = &net_device_type,
     .key = offsetof (NETDEV, host_name)));

#define CONFIG struct oci_config
static const struct oci_type config_type = TYPE (CONFIG,
  STR ("ociVersion", CONFIG, oci_version, .required = true, .values = &e_version),
  /* REQUIRED on every platform but Windows (config.md). */
  M ("root", OBJECT, CONFIG, root, .type = &root_type, .required = true),
  ARR ("mounts", CONFIG, mounts, mount_type),
  OBJ ("process", CONFIG, process, process_type),
  STR ("hostname", CONFIG, hostname),
  STR ("domainname", CONFIG, domainname),
  OBJ ("hooks", CONFIG, hooks, hooks_type),
  M ("annotations", MAP, CONFIG, annotations),
  OBJ ("linux", CONFIG, linux_, linux_type));

/* ---- entry points ---- */

int
oci_config_parse_data (const char *data, size_t len, const char *name, struct oci_config **out,
                       char **err)
{
  void *p;
  int rc = oci_json_parse_type (data, len, name ? name : "config.json", &config_type, &p, err);
  *out = p;
  return rc;
}

int
oci_config_read_file (const char *path, const char *name, char **data, size_t *len, char **err)
{
  *err = NULL;
  return oci_json_read_file (path, name ? name : "config.json", OCI_CONFIG_MAX_SIZE, data, len, err);
}

int
oci_config_parse_file (const char *path, const char *name, struct oci_config **out, char **err)
{
  void *p;
  int rc = oci_json_parse_type_file (path, name ? name : "config.json", &config_type, &p, err);
  *out = p;
  return rc;
}

void
oci_config_free (struct oci_config *c)
{
  oci_json_free_type (&config_type, c);
  free (c);
}

int
oci_process_parse_data (const char *data, size_t len, const char *name, struct oci_process **out,
                        char **err)
{
  void *p;
  int rc = oci_json_parse_type (data, len, name ? name : "process.json", &process_type, &p, err);
  *out = p;
  return rc;
}

int
oci_process_parse_file (const char *path, const char *name, struct oci_process **out, char **err)
{
  void *p;
  int rc = oci_json_parse_type_arg (path, name ? name : "process.json", &process_type, &p, err);
  *out = p;
  return rc;
}

void
oci_process_free (struct oci_process *p)
{
  oci_json_free_type (&process_type, p);
  free (p);
}

int
oci_resources_parse_data (const char *data, size_t len, const char *name,
                          struct oci_resources **out, char **err)
{
  void *p;
  int rc = oci_json_parse_type (data, len, name ? name : "resources", &resources_type, &p, err);
  *out = p;
  return rc;
}

int
oci_resources_parse_file (const char *path, const char *name, struct oci_resources **out,
                          char **err)
{
  void *p;
  int rc = oci_json_parse_type_arg (path, name ? name : "resources", &resources_type, &p, err);
  *out = p;
  return rc;
}

void
oci_resources_free (struct oci_resources *r)
{
  oci_json_free_type (&resources_type, r);
  free (r);
}

void
oci_resources_gen (struct oci_gen *w, const struct oci_resources *r)
{
  oci_json_generate (w, &resources_type, r);
}

int
oci_resources_generate (const struct oci_resources *r, bool pretty, char **json, size_t *len, char **err)
{
  struct oci_gen w;
  *json = NULL;
  *err = NULL;
  if (oci_gen_init (&w, pretty ? "    " : NULL) < 0)
    {
      *err = oci_xstrdup ("generate resources: out of memory");
      return -1;
    }
  oci_resources_gen (&w, r);
  return oci_gen_finish (&w, "resources", json, len, err);
}

int
oci_resources_walk (const char *name, yajl_val v, struct oci_resources **out, char **err)
{
  struct oci_resources *r = oci_xcalloc (1, sizeof *r);
  *out = NULL;
  *err = NULL;
  if (oci_json_walk (name, v, &resources_type, r, err) < 0)
    {
      oci_resources_free (r);
      return -1;
    }
  *out = r;
  return 0;
}

void
oci_resources_merge (struct oci_resources *dst, const struct oci_resources *src)
{
  oci_json_merge (&resources_type, dst, src);
}

void
oci_config_describe (void (*cb) (const char *path, const char *type, bool required, void *data),
                     void *data)
{
  oci_json_describe (&config_type, "", cb, data);
}
