/* --trace / HUSK_TRACE=FILE: where a command's time goes, phase by phase.

   A phase starts at trace_phase (name) and ends where the next one starts
   (or at trace_end).  husk marks its own phases; the container's init (and
   exec's helper) marks its own in its copy of the table and sends them
   over the sync socket (SYNC_TRACE) before READY, where trace_merge adds
   them.  CLOCK_MONOTONIC is one clock for both: the init reads it before
   it enters a time namespace of its own (the offsets apply to its
   children).  At exit trace_report prints the table on stderr (--trace)
   and/or appends one JSON object per phase and one for the total to FILE.

   Off (the default), trace_phase is one load and a branch: no system
   call, no clock read, nothing sent. */
#ifndef HUSK_TRACE_H
#define HUSK_TRACE_H

#include <stdbool.h>

#include "error.h"

extern bool trace_on;

/* command: the command's name ("run").  table: print the table on stderr
   at trace_report; json_path (may be NULL): append JSON lines there. */
int trace_init (const char *command, bool table, const char *json_path, struct husk_error **err);

void trace_phase_slow (const char *side, const char *name);
/* A phase of husk itself. */
static inline void
trace_phase (const char *name)
{
  if (trace_on)
    trace_phase_slow ("husk", name);
}
/* A phase of the container's side (the init, exec's helper and process):
   its side is named by trace_child_text. */
static inline void
trace_child_phase (const char *name)
{
  if (trace_on)
    trace_phase_slow ("init", name);
}

/* Names husk's current phase anew, once it knows more ("seccomp (cache
   hit)"); name must be a static string. */
void trace_rename (const char *name);
/* In the child, right after the clone: forget the parent's phases. */
void trace_child_reset (void);
/* The child's phases as text for SYNC_TRACE ("@SIDE\n", then
   "NANOSECONDS NAME\n" per phase, then "NANOSECONDS" for the end); side is
   "init", "join" (exec's helper) or "proc" (exec's process).  NULL when
   off.  malloc'd. */
char *trace_child_text (const char *side);
/* In husk: the phases of a SYNC_TRACE message.  Bad text is ignored (it
   only costs the trace its lines). */
void trace_merge (const char *text);
/* Ends the last phase. */
void trace_end (void);
/* Prints what trace_init asked for; once. */
void trace_report (void);

/* A phase name chosen at run time ("seccomp (cache hit)") must outlive
   the report: these are static strings. */
#define TRACE_SECCOMP_HIT "seccomp (cache hit)"
#define TRACE_SECCOMP_COMPILE "seccomp (compile)"

#endif
