/* The container process's limits: rlimits, OOM score, scheduler, I/O
   priority, personality and CPU affinity. */
#ifndef HUSK_PROCLIMITS_H
#define HUSK_PROCLIMITS_H

#include "error.h"
#include "oci_config.h"

/* In husk, before anything is made: every value is checked, so that a bad
   one fails create with a message naming it.  Refused: an rlimit listed
   twice, soft above hard, a hard limit above husk's own without
   CAP_SYS_RESOURCE (setrlimit(2) would fail), oomScoreAdj outside
   -1000..1000, a scheduler policy the kernel lacks (SCHED_ISO), a
   deadline policy without runtime/deadline/period, nice outside -20..19,
   a real-time priority outside 1..99 (0 for the others), an ioPriority
   priority outside 0..7, an unknown personality flag. */
int proclimits_check (const struct oci_config *c, struct husk_error **err);

/* In husk, before the init goes on: /proc/PID/oom_score_adj, written
   through the host's /proc (the container may have none).  Lowering it
   below the init's floor needs CAP_SYS_RESOURCE: a clear error. */
int proclimits_write_oom_score_adj (int pid, const struct oci_process *p, struct husk_error **err);

/* In the init, before the user switch: rlimits, scheduler, I/O priority,
   personality, then execCPUAffinity.  The init is born in the container's
   cgroups (CLONE_INTO_CGROUP), so it never makes the transition that
   separates the spec's "initial" from "final": initial is applied, then
   final, and the process starts on final (initial when final is unset). */
int proclimits_apply (const struct oci_config *c, struct husk_error **err);

#endif
