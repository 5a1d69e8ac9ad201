/* The container process's limits: checked by husk, applied by the init. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <linux/sched.h>
/* glibc 2.36 has no struct sched_attr; the uapi header's sched_param
   would clash with <sched.h>'s. */
#define sched_param husk_uapi_sched_param
#include <linux/sched/types.h>
#undef sched_param

#include "cleanup.h"
#include "proclimits.h"
#include "oci_tables.h"

/* ---- tables ---- */

struct limits_name
{
  const char *name;
  unsigned long value;
};

/* sched(7); SCHED_ISO is reserved but was never merged. */
static const struct limits_name limits_sched_policies[] = {
  { "SCHED_OTHER", SCHED_NORMAL },
  { "SCHED_FIFO", SCHED_FIFO },
  { "SCHED_RR", SCHED_RR },
  { "SCHED_BATCH", SCHED_BATCH },
  { "SCHED_IDLE", SCHED_IDLE },
  { "SCHED_DEADLINE", SCHED_DEADLINE },
  { NULL, 0 },
};

static const struct limits_name limits_sched_flags[] = {
  { "SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK },
  { "SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM },
  { "SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN },
  { "SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY },
  { "SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS },
  { "SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN },
  { "SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX },
  { NULL, 0 },
};

static const struct limits_name limits_ioprio_classes[] = {
  { "IOPRIO_CLASS_RT", IOPRIO_CLASS_RT },
  { "IOPRIO_CLASS_BE", IOPRIO_CLASS_BE },
  { "IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE },
  { NULL, 0 },
};

static const struct limits_name limits_personality_domains[] = {
  { "LINUX", PER_LINUX },
  { "LINUX32", PER_LINUX32 },
  { NULL, 0 },
};

/* personality(2)'s flags.  The spec defines none yet; these are the
   kernel's, by their <sys/personality.h> names. */
static const struct limits_name limits_personality_flags[] = {
  { "ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT }, { "ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT },
  { "ADDR_LIMIT_3GB", ADDR_LIMIT_3GB },         { "ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE },
  { "FDPIC_FUNCPTRS", FDPIC_FUNCPTRS },         { "MMAP_PAGE_ZERO", MMAP_PAGE_ZERO },
  { "READ_IMPLIES_EXEC", READ_IMPLIES_EXEC },   { "SHORT_INODE", SHORT_INODE },
  { "STICKY_TIMEOUTS", STICKY_TIMEOUTS },       { "UNAME26", UNAME26 },
  { "WHOLE_SECONDS", WHOLE_SECONDS },           { NULL, 0 },
};

static const struct limits_name *
limits_find (const struct limits_name *t, const char *name)
{
  for (; name && t->name; t++)
    if (strcmp (t->name, name) == 0)
      return t;
  return NULL;
}

/* ---- checks (in husk) ---- */

static bool
have_cap_sys_resource (void)
{
  struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct d[2];
  if (syscall (SYS_capget, &h, d) < 0)
    return false;
  return (d[CAP_TO_INDEX (CAP_SYS_RESOURCE)].effective & CAP_TO_MASK (CAP_SYS_RESOURCE)) != 0;
}

static int
check_rlimits (const struct oci_process *p, struct husk_error **err)
{
  bool may_raise = have_cap_sys_resource ();
  for (size_t i = 0; i < p->rlimits.n; i++)
    {
      const struct oci_rlimit *r = &p->rlimits.v[i];
      const struct oci_rlimit_kind *k = oci_rlimit_kind_find (r->type);
      if (k == NULL)
        return husk_error_set (err, "config.json: process.rlimits[%zu].type: unknown rlimit \"%s\"", i,
                               r->type ? r->type : "");
      for (size_t j = 0; j < i; j++)
        if (strcmp (p->rlimits.v[j].type, r->type) == 0)
          return husk_error_set (err, "config.json: process.rlimits[%zu]: %s is already set by [%zu]", i,
                                 r->type, j);
      if (r->soft > r->hard)
        return husk_error_set (err,
                               "config.json: process.rlimits[%zu]: %s soft limit %" PRIu64
                               " is above its hard limit %" PRIu64,
                               i, r->type, r->soft, r->hard);
      struct rlimit own;
      if (getrlimit (k->resource, &own) < 0)
        return husk_error_sys (err, errno, "getrlimit %s", r->type);
      if (!may_raise && own.rlim_max != RLIM_INFINITY && r->hard > own.rlim_max)
        return husk_error_set (err,
                               "config.json: process.rlimits[%zu]: %s hard limit %" PRIu64
                               " is above husk's own (%" PRIu64 ") and husk lacks CAP_SYS_RESOURCE",
                               i, r->type, r->hard, (uint64_t)own.rlim_max);
    }
  return 0;
}

static int
check_scheduler (const struct oci_scheduler *s, struct husk_error **err)
{
  if (s == NULL)
    return 0;
  const struct limits_name *pol = limits_find (limits_sched_policies, s->policy);
  if (pol == NULL)
    return husk_error_set (err,
                           "config.json: process.scheduler.policy: \"%s\" is not a policy of this kernel",
                           s->policy ? s->policy : "");
  for (size_t i = 0; i < s->flags.n; i++)
    if (limits_find (limits_sched_flags, s->flags.v[i]) == NULL)
      return husk_error_set (err, "config.json: process.scheduler.flags[%zu]: unknown flag \"%s\"", i,
                             s->flags.v[i]);
  if (s->nice.set && (s->nice.v < -20 || s->nice.v > 19))
    return husk_error_set (err, "config.json: process.scheduler.nice: %" PRId32 " is not in -20..19",
                           s->nice.v);
  bool rt = pol->value == SCHED_FIFO || pol->value == SCHED_RR;
  if (s->priority.set && rt && (s->priority.v < 1 || s->priority.v > 99))
    return husk_error_set (err, "config.json: process.scheduler.priority: %" PRId32 " is not in 1..99 for %s",
                           s->priority.v, s->policy);
  if (s->priority.set && !rt && s->priority.v != 0)
    return husk_error_set (err, "config.json: process.scheduler.priority: must be 0 for %s", s->policy);
  if (pol->value == SCHED_DEADLINE && !(s->runtime.set && s->deadline.set && s->period.set))
    return husk_error_set (err, "config.json: process.scheduler: SCHED_DEADLINE needs runtime, deadline "
                                "and period");
  return 0;
}

static int
check_personality (const struct oci_personality *pers, struct husk_error **err)
{
  if (pers == NULL)
    return 0;
  if (limits_find (limits_personality_domains, pers->domain) == NULL)
    return husk_error_set (err, "config.json: linux.personality.domain: unknown domain \"%s\"",
                           pers->domain ? pers->domain : "");
  for (size_t i = 0; i < pers->flags.n; i++)
    if (limits_find (limits_personality_flags, pers->flags.v[i]) == NULL)
      return husk_error_set (err, "config.json: linux.personality.flags[%zu]: unknown flag \"%s\"", i,
                             pers->flags.v[i]);
  return 0;
}

/* "0-3,7" into a cpu set; false on a malformed list or a cpu out of
   range. */
static bool
parse_cpus (const char *list, cpu_set_t *set)
{
  CPU_ZERO (set);
  const char *s = list;
  while (*s)
    {
      char *end;
      errno = 0;
      unsigned long a = strtoul (s, &end, 10), b;
      if (end == s || errno)
        return false;
      b = a;
      if (*end == '-')
        {
          s = end + 1;
          b = strtoul (s, &end, 10);
          if (end == s || errno || b < a)
            return false;
        }
      if (b >= CPU_SETSIZE)
        return false;
      for (unsigned long c = a; c <= b; c++)
        CPU_SET (c, set);
      if (*end == ',')
        end++;
      else if (*end != '\0')
        return false;
      s = end;
    }
  return CPU_COUNT (set) > 0;
}

int
proclimits_check (const struct oci_config *c, struct husk_error **err)
{
  const struct oci_process *p = c->process;
  if (p == NULL)
    return 0;
  if (check_rlimits (p, err) < 0 || check_scheduler (p->scheduler, err) < 0
      || check_personality (c->linux_ ? c->linux_->personality : NULL, err) < 0)
    return -1;
  if (p->oom_score_adj.set && (p->oom_score_adj.v < -1000 || p->oom_score_adj.v > 1000))
    return husk_error_set (err, "config.json: process.oomScoreAdj: %" PRId32 " is not in -1000..1000",
                           p->oom_score_adj.v);
  if (p->io_priority
      && (!p->io_priority->priority.set || p->io_priority->priority.v < 0 || p->io_priority->priority.v > 7))
    return husk_error_set (err, "config.json: process.ioPriority.priority: must be in 0..7");
  if (p->io_priority && limits_find (limits_ioprio_classes, p->io_priority->class_) == NULL)
    return husk_error_set (err, "config.json: process.ioPriority.class: unknown class \"%s\"",
                           p->io_priority->class_ ? p->io_priority->class_ : "");
  cpu_set_t set;
  const struct oci_cpu_affinity *a = p->exec_cpu_affinity;
  if (a && a->initial && !parse_cpus (a->initial, &set))
    return husk_error_set (err, "config.json: process.execCPUAffinity.initial: invalid CPU list \"%s\"",
                           a->initial);
  if (a && a->final && !parse_cpus (a->final, &set))
    return husk_error_set (err, "config.json: process.execCPUAffinity.final: invalid CPU list \"%s\"",
                           a->final);
  return 0;
}

int
proclimits_write_oom_score_adj (int pid, const struct oci_process *p, struct husk_error **err)
{
  if (!p->oom_score_adj.set)
    return 0;
  _cleanup_free_ char *path = xasprintf ("/proc/%d/oom_score_adj", pid);
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "open %s", path);
  char buf[16];
  int len = snprintf (buf, sizeof buf, "%" PRId32, p->oom_score_adj.v);
  if (write (fd, buf, (size_t)len) == len)
    return 0;
  if (errno == EACCES)
    return husk_error_set (err,
                           "config.json: process.oomScoreAdj %" PRId32 ": lowering it needs "
                           "CAP_SYS_RESOURCE, which husk lacks",
                           p->oom_score_adj.v);
  return husk_error_sys (err, errno, "config.json: process.oomScoreAdj %" PRId32, p->oom_score_adj.v);
}

/* ---- applied in the init ---- */

static int
apply_rlimits (const struct oci_process *p, struct husk_error **err)
{
  for (size_t i = 0; i < p->rlimits.n; i++)
    {
      const struct oci_rlimit *r = &p->rlimits.v[i];
      const struct oci_rlimit_kind *k = oci_rlimit_kind_find (r->type);
      struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };
      if (setrlimit (k->resource, &rl) == 0)
        continue;
      if (errno == EPERM)
        return husk_error_set (err,
                               "config.json: process.rlimits[%zu]: %s hard limit %" PRIu64
                               " is above the current one and CAP_SYS_RESOURCE is missing",
                               i, r->type, r->hard);
      return husk_error_sys (err, errno, "config.json: process.rlimits[%zu]: setrlimit %s", i, r->type);
    }
  return 0;
}

static int
apply_scheduler (const struct oci_scheduler *s, struct husk_error **err)
{
  if (s == NULL)
    return 0;
  struct sched_attr attr = { .size = sizeof attr };
  attr.sched_policy = (uint32_t)limits_find (limits_sched_policies, s->policy)->value;
  for (size_t i = 0; i < s->flags.n; i++)
    attr.sched_flags |= limits_find (limits_sched_flags, s->flags.v[i])->value;
  attr.sched_nice = s->nice.set ? s->nice.v : 0;
  attr.sched_priority = s->priority.set ? (uint32_t)s->priority.v : 0;
  attr.sched_runtime = s->runtime.v;
  attr.sched_deadline = s->deadline.v;
  attr.sched_period = s->period.v;
  if (syscall (SYS_sched_setattr, 0, &attr, 0) == 0)
    return 0;
  /* sched(7): with RT group scheduling, a real-time policy also needs
     budget in the cpu cgroup the init is already in. */
  if (errno == EPERM && (attr.sched_policy == SCHED_FIFO || attr.sched_policy == SCHED_RR))
    return husk_error_set (err,
                           "config.json: process.scheduler: sched_setattr %s: operation not permitted "
                           "(needs CAP_SYS_NICE and real-time budget in the container's cpu cgroup: "
                           "linux.resources.cpu.realtimeRuntime)",
                           s->policy);
  return husk_error_sys (err, errno, "config.json: process.scheduler: sched_setattr %s", s->policy);
  return 0;
}

static int
apply_io_priority (const struct oci_io_priority *io, struct husk_error **err)
{
  if (io == NULL)
    return 0;
  int class = (int)limits_find (limits_ioprio_classes, io->class_)->value;
  if (syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE (class, io->priority.v)) < 0)
    return husk_error_sys (err, errno, "config.json: process.ioPriority: ioprio_set %s %" PRId32, io->class_,
                           io->priority.v);
  return 0;
}

static int
apply_personality (const struct oci_personality *pers, struct husk_error **err)
{
  if (pers == NULL)
    return 0;
  unsigned long persona = limits_find (limits_personality_domains, pers->domain)->value;
  for (size_t i = 0; i < pers->flags.n; i++)
    persona |= limits_find (limits_personality_flags, pers->flags.v[i])->value;
  if (personality (persona) < 0)
    return husk_error_sys (err, errno, "config.json: linux.personality: personality %s", pers->domain);
  return 0;
}

static int
apply_affinity (const struct oci_cpu_affinity *a, struct husk_error **err)
{
  const struct
  {
    const char *name, *list;
  } steps[] = { { "initial", a ? a->initial : NULL }, { "final", a ? a->final : NULL } };
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
    {
      cpu_set_t set;
      if (steps[i].list == NULL)
        continue;
      parse_cpus (steps[i].list, &set);
      if (sched_setaffinity (0, sizeof set, &set) < 0)
        return husk_error_sys (err, errno, "config.json: process.execCPUAffinity.%s \"%s\"", steps[i].name,
                               steps[i].list);
    }
  return 0;
}

int
proclimits_apply (const struct oci_config *c, struct husk_error **err)
{
  const struct oci_process *p = c->process;
  if (apply_rlimits (p, err) < 0 || apply_scheduler (p->scheduler, err) < 0
      || apply_io_priority (p->io_priority, err) < 0
      || apply_personality (c->linux_ ? c->linux_->personality : NULL, err) < 0
      || apply_affinity (p->exec_cpu_affinity, err) < 0)
    return -1;
  return 0;
}
