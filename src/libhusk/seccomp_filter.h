/* linux.seccomp: the profile compiled to BPF with libseccomp, installed
   with seccomp(2), and the notify listener handed to the seccomp agent. */
#ifndef HUSK_SECCOMP_FILTER_H
#define HUSK_SECCOMP_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "oci_config.h"

struct seccomp_program
{
  void *insns;                     /* struct sock_filter[] */
  size_t count;
  unsigned flags;                  /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  bool notify;                     /* some action is SCMP_ACT_NOTIFY */
  bool from_cache;                 /* taken from the cache dir (--trace says) */
};

/* In the parent, before anything is made: every member checked (an
   errnoRet on an action without one, an argument index above 5, a flag
   or architecture this libseccomp or kernel lacks, SCMP_ACT_NOTIFY
   without listenerPath: each a one-line error naming the member), syscall
   names libseccomp does not know skipped, and the filter compiled as runc
   1.1 compiles it (a rule with two conditions on one argument becomes one
   rule per condition; with a default that denies, syscalls above the
   largest the profile names get ENOSYS).  The init inherits the program and
   only installs it.  With cache_dir (the lifecycle's choice, a
   directory husk owns: container_seccomp_cache_dir), the program is taken
   from, or stored in, <cache_dir>/<SHA-256 key>.bpf, used only when it
   passes every check (seccomp_filter.c says which); NULL: always
   compiled. */
int seccomp_compile (const struct oci_seccomp *s, const char *cache_dir, struct seccomp_program **out,
                     struct husk_error **err);
void seccomp_program_free (struct seccomp_program *p);

/* Whether the linked libseccomp knows the architecture ("SCMP_ARCH_X86"):
   `husk features` lists only those, and seccomp_compile refuses others. */
bool seccomp_arch_supported (const char *name);

/* Whether a SECCOMP_FILTER_FLAG_* can be used here: by the API level of
   libseccomp, or for WAIT_KILLABLE_RECV, which husk sets itself when it
   installs the program, by the running kernel.  `husk features` lists
   these, and seccomp_compile refuses the others. */
bool seccomp_flag_supported (const char *name);

/* In the init: installs the filter (one seccomp(2) call).  For a notify
   program *listener is the new listener fd (else -1). */
int seccomp_install (const struct seccomp_program *p, int *listener, struct husk_error **err);

/* In the parent: the seccomp agent protocol of the runtime-spec
   (config-linux.md, "seccomp"): one connection to listenerPath (AF_UNIX,
   SOCK_STREAM), one message carrying the listener fd (SCM_RIGHTS) and the
   container process state JSON: {"ociVersion", "fds": ["seccompFd"],
   "pid", "metadata", "state": <the state of runtime.md>}. */
int seccomp_send_to_agent (const struct oci_seccomp *s, const char *oci_version, int pid,
                           const char *state_json, int listener, struct husk_error **err);

#endif
