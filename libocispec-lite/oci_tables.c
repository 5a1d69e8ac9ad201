/* The tables of oci_tables.h: the names config.json may use and the kernel
   values they stand for. */
#include <config.h>

#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <linux/capability.h>

#include "oci_tables.h"

/* Build hosts with old headers still produce a runtime that knows the newer
   names; whether the running kernel supports them is found out when they
   are used (EINVAL), not here.  Values are the kernel's uapi numbers. */
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

/* Namespaces, in the order namespaces(7) lists them; proc_name is the entry
   under /proc/PID/ns, which differs from the config name for two kinds. */
/* clang-format off */
const struct oci_namespace_kind oci_namespace_kinds[] = {
  { "cgroup", CLONE_NEWCGROUP, "cgroup" },
  { "ipc", CLONE_NEWIPC, "ipc" },
  { "network", CLONE_NEWNET, "net" },
  { "mount", CLONE_NEWNS, "mnt" },
  { "pid", CLONE_NEWPID, "pid" },
  { "time", CLONE_NEWTIME, "time" },
  { "user", CLONE_NEWUSER, "user" },
  { "uts", CLONE_NEWUTS, "uts" },
  { NULL, 0, NULL },
};
/* clang-format on */

const struct oci_namespace_kind *
oci_namespace_kind_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (const struct oci_namespace_kind *k = oci_namespace_kinds; k->name; k++)
    if (strcmp (k->name, name) == 0)
      return k;
  return NULL;
}

/* Every capability of <linux/capability.h>, 0 .. CAP_LAST_CAP, spelled as
   capabilities(7) and the spec spell them.  Unlike runc, which passes
   unknown names through and lets them fail later (or not at all), a name
   missing here is a config error. */
/* clang-format off */
#define CAP(x) { #x, x }
const struct oci_capability oci_capabilities[] = {
  CAP (CAP_CHOWN),
  CAP (CAP_DAC_OVERRIDE),
  CAP (CAP_DAC_READ_SEARCH),
  CAP (CAP_FOWNER),
  CAP (CAP_FSETID),
  CAP (CAP_KILL),
  CAP (CAP_SETGID),
  CAP (CAP_SETUID),
  CAP (CAP_SETPCAP),
  CAP (CAP_LINUX_IMMUTABLE),
  CAP (CAP_NET_BIND_SERVICE),
  CAP (CAP_NET_BROADCAST),
  CAP (CAP_NET_ADMIN),
  CAP (CAP_NET_RAW),
  CAP (CAP_IPC_LOCK),
  CAP (CAP_IPC_OWNER),
  CAP (CAP_SYS_MODULE),
  CAP (CAP_SYS_RAWIO),
  CAP (CAP_SYS_CHROOT),
  CAP (CAP_SYS_PTRACE),
  CAP (CAP_SYS_PACCT),
  CAP (CAP_SYS_ADMIN),
  CAP (CAP_SYS_BOOT),
  CAP (CAP_SYS_NICE),
  CAP (CAP_SYS_RESOURCE),
  CAP (CAP_SYS_TIME),
  CAP (CAP_SYS_TTY_CONFIG),
  CAP (CAP_MKNOD),
  CAP (CAP_LEASE),
  CAP (CAP_AUDIT_WRITE),
  CAP (CAP_AUDIT_CONTROL),
  CAP (CAP_SETFCAP),
  CAP (CAP_MAC_OVERRIDE),
  CAP (CAP_MAC_ADMIN),
  CAP (CAP_SYSLOG),
  CAP (CAP_WAKE_ALARM),
  CAP (CAP_BLOCK_SUSPEND),
  CAP (CAP_AUDIT_READ),
  CAP (CAP_PERFMON),
  CAP (CAP_BPF),
  CAP (CAP_CHECKPOINT_RESTORE),
  { NULL, 0 },
};
#undef CAP
/* clang-format on */

const struct oci_capability *
oci_capability_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (const struct oci_capability *c = oci_capabilities; c->name; c++)
    if (strcmp (c->name, name) == 0)
      return c;
  return NULL;
}

/* The standard signals of signal(7) with the architecture's numbers.  The
   canonical name of a number comes before its aliases (SIGIOT, SIGCLD,
   SIGPOLL), so the first match by value is the name to print. */
/* clang-format off */
#define SIG(x) { #x, x }
const struct oci_signal oci_signals[] = {
  SIG (SIGHUP),
  SIG (SIGINT),
  SIG (SIGQUIT),
  SIG (SIGILL),
  SIG (SIGTRAP),
  SIG (SIGABRT),
  SIG (SIGIOT),
  SIG (SIGBUS),
  SIG (SIGFPE),
  SIG (SIGKILL),
  SIG (SIGUSR1),
  SIG (SIGSEGV),
  SIG (SIGUSR2),
  SIG (SIGPIPE),
  SIG (SIGALRM),
  SIG (SIGTERM),
#ifdef SIGSTKFLT
  SIG (SIGSTKFLT),
#endif
  SIG (SIGCHLD),
  SIG (SIGCLD),
  SIG (SIGCONT),
  SIG (SIGSTOP),
  SIG (SIGTSTP),
  SIG (SIGTTIN),
  SIG (SIGTTOU),
  SIG (SIGURG),
  SIG (SIGXCPU),
  SIG (SIGXFSZ),
  SIG (SIGVTALRM),
  SIG (SIGPROF),
  SIG (SIGWINCH),
  SIG (SIGIO),
  SIG (SIGPOLL),
  SIG (SIGPWR),
  SIG (SIGSYS),
  { NULL, 0 },
};
#undef SIG
/* clang-format on */

const char *
oci_signal_name (int value)
{
  for (const struct oci_signal *s = oci_signals; s->name; s++)
    if (s->value == value)
      return s->name;
  return NULL;
}

/* A decimal number of at most a few digits with nothing after it; -1
   otherwise.  No sign, no spaces: "+9" and " 9" are not signals. */
static int
signal_parse_number (const char *text)
{
  int n = 0;
  if (*text == '\0')
    return -1;
  for (const char *p = text; *p; p++)
    {
      if (*p < '0' || *p > '9' || n > SIGRTMAX)
        return -1;
      n = n * 10 + (*p - '0');
    }
  return n;
}

/* "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (prefix SIG already removed).
   SIGRTMIN and SIGRTMAX are the C library's, evaluated at run time as crun
   does: glibc keeps 32 and 33 for itself, so SIGRTMIN is 34 there, which is
   also what kill(1) and bash's `kill -l` call SIGRTMIN.  The container's
   libc may differ, but a number is always available for exactness. */
static int
signal_parse_realtime (const char *name)
{
  int base, sign, n;

  if (strncasecmp (name, "RTMIN", 5) == 0)
    base = SIGRTMIN, sign = '+';
  else if (strncasecmp (name, "RTMAX", 5) == 0)
    base = SIGRTMAX, sign = '-';
  else
    return -1;
  name += 5;
  if (*name == '\0')
    return base;
  if (*name != sign)
    return -1;
  n = signal_parse_number (name + 1);
  if (n < 0)
    return -1;
  n = sign == '+' ? base + n : base - n;
  return n >= SIGRTMIN && n <= SIGRTMAX ? n : -1;
}

/* Numbers are 1 .. SIGRTMAX (0 is not a signal: kill(2) uses it to probe).
   Names match without regard to case, with or without "SIG", as runc 1.1
   accepts `runc kill ctr kill` and `sigterm`. */
int
oci_signal_parse (const char *text)
{
  if (text == NULL || *text == '\0')
    return -1;
  if (*text >= '0' && *text <= '9')
    {
      int n = signal_parse_number (text);
      return n >= 1 && n <= SIGRTMAX ? n : -1;
    }
  const char *name = strncasecmp (text, "SIG", 3) == 0 ? text + 3 : text;
  for (const struct oci_signal *s = oci_signals; s->name; s++)
    if (strcasecmp (s->name + 3, name) == 0)
      return s->value;
  return signal_parse_realtime (name);
}

/* config.md "Linux mount options", mapped the way mount(8) documents them
   onto mount(2) flags and mount_setattr(2) attributes.

   The "no"-less forms of a flag (rw, suid, dev, exec, async, atime, ...)
   clear the flag the "no" form sets: an option list is applied left to
   right, so "ro,rw" ends read-write.

   The access-time setting of mount_setattr(2) is not a set of bits but one
   three-valued field inside MOUNT_ATTR__ATIME (relatime = 0, noatime,
   strictatime), and the kernel rejects an attr_clr that covers only part of
   it.  So every recursive atime option is an OCI_MOUNT_ATTR_SET whose attr
   is the field's new value (see oci_mount_option_is_atime), including the
   negative forms: ratime and rnostrictatime mean the kernel default,
   relatime (what mount(2) gives when neither noatime nor strictatime is
   asked for); rnorelatime means strictatime, the only setting that is
   neither relatime nor noatime.  A caller applying one must put
   MOUNT_ATTR__ATIME in attr_clr and replace, not OR, the atime bits of
   attr_set:
     attr_set = (attr_set & ~MOUNT_ATTR__ATIME) | opt->attr;
     attr_clr |= MOUNT_ATTR__ATIME;  */
/* clang-format off */
#define FLAG_SET(name, f) { name, OCI_MOUNT_FLAG_SET, f, 0 }
#define FLAG_CLEAR(name, f) { name, OCI_MOUNT_FLAG_CLEAR, f, 0 }
#define PROPAGATION(name, f) { name, OCI_MOUNT_PROPAGATION, f, 0 }
#define ATTR_SET(name, a) { name, OCI_MOUNT_ATTR_SET, 0, a }
#define ATTR_CLEAR(name, a) { name, OCI_MOUNT_ATTR_CLEAR, 0, a }
const struct oci_mount_option oci_mount_options[] = {
  FLAG_SET ("defaults", 0),
  FLAG_SET ("bind", MS_BIND),
  FLAG_SET ("rbind", MS_BIND | MS_REC),
  FLAG_SET ("remount", MS_REMOUNT),
  FLAG_SET ("ro", MS_RDONLY),
  FLAG_CLEAR ("rw", MS_RDONLY),
  FLAG_SET ("nosuid", MS_NOSUID),
  FLAG_CLEAR ("suid", MS_NOSUID),
  FLAG_SET ("nodev", MS_NODEV),
  FLAG_CLEAR ("dev", MS_NODEV),
  FLAG_SET ("noexec", MS_NOEXEC),
  FLAG_CLEAR ("exec", MS_NOEXEC),
  FLAG_SET ("sync", MS_SYNCHRONOUS),
  FLAG_CLEAR ("async", MS_SYNCHRONOUS),
  FLAG_SET ("dirsync", MS_DIRSYNC),
  /* Mandatory locking is gone since Linux 5.15; the kernel ignores the
     flag with a warning, which is how the spec's MAY is honoured. */
  FLAG_SET ("acl", MS_POSIXACL),
  FLAG_CLEAR ("noacl", MS_POSIXACL),
  FLAG_SET ("mand", MS_MANDLOCK),
  FLAG_CLEAR ("nomand", MS_MANDLOCK),
  FLAG_SET ("noatime", MS_NOATIME),
  FLAG_CLEAR ("atime", MS_NOATIME),
  FLAG_SET ("nodiratime", MS_NODIRATIME),
  FLAG_CLEAR ("diratime", MS_NODIRATIME),
  FLAG_SET ("relatime", MS_RELATIME),
  FLAG_CLEAR ("norelatime", MS_RELATIME),
  FLAG_SET ("strictatime", MS_STRICTATIME),
  FLAG_CLEAR ("nostrictatime", MS_STRICTATIME),
  FLAG_SET ("lazytime", MS_LAZYTIME),
  FLAG_CLEAR ("nolazytime", MS_LAZYTIME),
  FLAG_SET ("iversion", MS_I_VERSION),
  FLAG_CLEAR ("noiversion", MS_I_VERSION),
  FLAG_SET ("silent", MS_SILENT),
  FLAG_CLEAR ("loud", MS_SILENT),
  FLAG_SET ("nosymfollow", MS_NOSYMFOLLOW),
  FLAG_CLEAR ("symfollow", MS_NOSYMFOLLOW),

  PROPAGATION ("private", MS_PRIVATE),
  PROPAGATION ("rprivate", MS_PRIVATE | MS_REC),
  PROPAGATION ("shared", MS_SHARED),
  PROPAGATION ("rshared", MS_SHARED | MS_REC),
  PROPAGATION ("slave", MS_SLAVE),
  PROPAGATION ("rslave", MS_SLAVE | MS_REC),
  PROPAGATION ("unbindable", MS_UNBINDABLE),
  PROPAGATION ("runbindable", MS_UNBINDABLE | MS_REC),

  ATTR_SET ("rro", MOUNT_ATTR_RDONLY),
  ATTR_CLEAR ("rrw", MOUNT_ATTR_RDONLY),
  ATTR_SET ("rnosuid", MOUNT_ATTR_NOSUID),
  ATTR_CLEAR ("rsuid", MOUNT_ATTR_NOSUID),
  /* rnodev is missing from config.md's table (which lists rdev); runc and
     crun accept it, and it is the obvious recursive nodev. */
  ATTR_SET ("rnodev", MOUNT_ATTR_NODEV),
  ATTR_CLEAR ("rdev", MOUNT_ATTR_NODEV),
  ATTR_SET ("rnoexec", MOUNT_ATTR_NOEXEC),
  ATTR_CLEAR ("rexec", MOUNT_ATTR_NOEXEC),
  ATTR_SET ("rnodiratime", MOUNT_ATTR_NODIRATIME),
  ATTR_CLEAR ("rdiratime", MOUNT_ATTR_NODIRATIME),
  ATTR_SET ("rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW),
  ATTR_CLEAR ("rsymfollow", MOUNT_ATTR_NOSYMFOLLOW),
  /* The atime field: see above. */
  ATTR_SET ("rrelatime", MOUNT_ATTR_RELATIME),
  ATTR_SET ("rnorelatime", MOUNT_ATTR_STRICTATIME),
  ATTR_SET ("rnoatime", MOUNT_ATTR_NOATIME),
  ATTR_SET ("ratime", MOUNT_ATTR_RELATIME),
  ATTR_SET ("rstrictatime", MOUNT_ATTR_STRICTATIME),
  ATTR_SET ("rnostrictatime", MOUNT_ATTR_RELATIME),

  /* Never passed to mount(2): the mapping is applied with
     mount_setattr(MOUNT_ATTR_IDMAP), recursively (AT_RECURSIVE) for ridmap. */
  { "idmap", OCI_MOUNT_IDMAP, 0, MOUNT_ATTR_IDMAP },
  { "ridmap", OCI_MOUNT_IDMAP, MS_REC, MOUNT_ATTR_IDMAP },

  /* runc's extension: a tmpfs starts with a copy of what it covers. */
  { "tmpcopyup", OCI_MOUNT_EXTENSION, 0, 0 },
  { NULL, 0, 0, 0 },
};
#undef FLAG_SET
#undef FLAG_CLEAR
#undef PROPAGATION
#undef ATTR_SET
#undef ATTR_CLEAR
/* clang-format on */

const struct oci_mount_option *
oci_mount_option_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (const struct oci_mount_option *o = oci_mount_options; o->name; o++)
    if (strcmp (o->name, name) == 0)
      return o;
  return NULL;
}

bool
oci_mount_option_is_atime (const struct oci_mount_option *opt)
{
  return opt != NULL && opt->kind == OCI_MOUNT_ATTR_SET && (opt->attr & ~(uint64_t)MOUNT_ATTR__ATIME) == 0;
}

/* setrlimit(2)'s resources. */
/* clang-format off */
#define RLIMIT(x) { #x, x }
const struct oci_rlimit_kind oci_rlimit_kinds[] = {
  RLIMIT (RLIMIT_AS),
  RLIMIT (RLIMIT_CORE),
  RLIMIT (RLIMIT_CPU),
  RLIMIT (RLIMIT_DATA),
  RLIMIT (RLIMIT_FSIZE),
  RLIMIT (RLIMIT_LOCKS),
  RLIMIT (RLIMIT_MEMLOCK),
  RLIMIT (RLIMIT_MSGQUEUE),
  RLIMIT (RLIMIT_NICE),
  RLIMIT (RLIMIT_NOFILE),
  RLIMIT (RLIMIT_NPROC),
  RLIMIT (RLIMIT_RSS),
  RLIMIT (RLIMIT_RTPRIO),
  RLIMIT (RLIMIT_RTTIME),
  RLIMIT (RLIMIT_SIGPENDING),
  RLIMIT (RLIMIT_STACK),
  { NULL, 0 },
};
#undef RLIMIT
/* clang-format on */

const struct oci_rlimit_kind *
oci_rlimit_kind_find (const char *name)
{
  if (name == NULL)
    return NULL;
  for (const struct oci_rlimit_kind *r = oci_rlimit_kinds; r->name; r++)
    if (strcmp (r->name, name) == 0)
      return r;
  return NULL;
}

/* The name lists below are the enums of the spec's schema (config-schema.json
   and defs-linux.json), in the schema's order; test-tables checks them
   against the schema files. */

const char *const oci_hook_kinds[] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

/* The schema allows the four plain forms; runc and crun also take the
   recursive forms, which config writers use, so husk does too. */
const char *const oci_rootfs_propagations[] = {
  "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable", NULL,
};

const char *const oci_seccomp_actions[] = {
  "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",   "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY", NULL,
};

const char *const oci_seccomp_operators[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ", NULL,
};

const char *const oci_seccomp_archs[] = {
  "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
  "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL,
};

const char *const oci_seccomp_flags[] = {
  "SECCOMP_FILTER_FLAG_TSYNC",
  "SECCOMP_FILTER_FLAG_LOG",
  "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
  "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
  NULL,
};

const char *const oci_scheduler_policies[] = {
  "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};

const char *const oci_scheduler_flags[] = {
  "SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
  "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
  "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
  "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

const char *const oci_ioprio_classes[] = {
  "IOPRIO_CLASS_RT",
  "IOPRIO_CLASS_BE",
  "IOPRIO_CLASS_IDLE",
  NULL,
};

const char *const oci_memory_policy_modes[] = {
  "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
  "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL,
};

const char *const oci_memory_policy_flags[] = {
  "MPOL_F_NUMA_BALANCING",
  "MPOL_F_RELATIVE_NODES",
  "MPOL_F_STATIC_NODES",
  NULL,
};

const char *const oci_personality_domains[] = {
  "LINUX",
  "LINUX32",
  NULL,
};

bool
oci_name_in (const char *const *list, const char *name)
{
  if (list == NULL || name == NULL)
    return false;
  for (; *list; list++)
    if (strcmp (*list, name) == 0)
      return true;
  return false;
}
