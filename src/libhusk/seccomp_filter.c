/* linux.seccomp: compiled with libseccomp in the parent (or taken from the
   program cache, in the directory the lifecycle names), installed by the
   init with seccomp(2), the notify listener handed to the seccomp agent. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <yajl/yajl_gen.h>

#include "cleanup.h"
#include "log.h"
#include "oci_features.h"
#include "oci_tables.h"
#include "seccomp_filter.h"
#include "sha256.h"

#define P "config.json: linux.seccomp"

static void
ctx_releasep (scmp_filter_ctx *c)
{
  if (*c)
    seccomp_release (*c);
}
#define _cleanup_ctx_ __attribute__ ((cleanup (ctx_releasep)))

/* Every action of oci_seccomp_actions, and whether it takes an errno (the
   spec: a runtime MUST fail on errnoRet for an action without one). */
static const struct
{
  const char *name;
  uint32_t action;
  bool takes_errno;
} actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL, false },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0), true },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0), true },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
  { "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

static const struct
{
  const char *name;
  enum scmp_compare op;
} operators[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

#define WAIT_KILLABLE_RECV (1U << 5) /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, Linux 5.19 */

static const struct
{
  const char *name;
  unsigned flag;
} filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", WAIT_KILLABLE_RECV },
};

/* The action of `name` with errno_ret; the path names the member in
   messages ("linux.seccomp.syscalls[2]"). */
static int
resolve_action (const char *name, const oci_opt_u32 *errno_ret, const char *path, const char *errno_key,
                uint32_t *out, struct husk_error **err)
{
  for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
    {
      if (strcmp (actions[i].name, name) != 0)
        continue;
      if (errno_ret->set && !actions[i].takes_errno)
        return husk_error_set (err, "%s.%s: %s takes no errno", path, errno_key, name);
      if (errno_ret->set && errno_ret->v > 0xffff)
        return husk_error_set (err, "%s.%s: %u is out of range (0-65535)", path, errno_key, errno_ret->v);
      /* EPERM when unset, as runc and crun do, for TRACE too. */
      *out = actions[i].action | (actions[i].takes_errno ? (errno_ret->set ? errno_ret->v : EPERM) : 0);
      return 0;
    }
  return husk_error_set (err, "%s: unknown seccomp action \"%s\"", path, name);
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token, or 0 when this libseccomp does
   not know it. */
static uint32_t
resolve_arch (const char *name)
{
  const char *prefix = "SCMP_ARCH_";
  if (strncmp (name, prefix, strlen (prefix)) != 0)
    return 0;
  char lower[32];
  size_t n = 0;
  for (const char *s = name + strlen (prefix); *s && n < sizeof lower - 1; s++)
    lower[n++] = (char) tolower ((unsigned char) *s);
  lower[n] = '\0';
  return seccomp_arch_resolve_name (lower);
}

/* Known to libseccomp, and combinable with the native architecture (a
   filter cannot mix byte orders: SCMP_ARCH_MIPS on x86_64 is EDOM). */
bool
seccomp_arch_supported (const char *name)
{
  uint32_t arch = resolve_arch (name);
  if (arch == 0)
    return false;
  _cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  if (ctx == NULL)
    return false;
  int r = seccomp_arch_add (ctx, arch);
  return r == 0 || r == -EEXIST;
}

/* The API level husk can use: the library's and the kernel's, but no
   higher than the headers husk was built with (as `husk features` says). */
static unsigned
api_level (void)
{
  unsigned api = seccomp_api_get ();
#if SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 6
  if (api > 6)
    api = 6;
#endif
  return api;
}

bool
seccomp_flag_supported (const char *name)
{
  /* husk installs the program itself (seccomp_install), so this flag
     needs only the kernel, not a libseccomp that can set it (2.6).  The
     kernel checks the flags before it reads the program: with none, it
     answers EFAULT for flags it takes and EINVAL for others. */
  if (strcmp (name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
    return syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER | WAIT_KILLABLE_RECV,
                    NULL) < 0
           && errno == EFAULT;
  return oci_seccomp_flag_supported (name, api_level ());
}

static int
compile_flags (const struct oci_seccomp *s, bool notify, unsigned *flags, struct husk_error **err)
{
  *flags = 0;
  for (size_t i = 0; i < s->flags.n; i++)
    {
      const char *name = s->flags.v[i];
      size_t k = 0;
      while (k < sizeof filter_flags / sizeof *filter_flags && strcmp (filter_flags[k].name, name) != 0)
        k++;
      if (k == sizeof filter_flags / sizeof *filter_flags)
        return husk_error_set (err, P ".flags[%zu]: unknown seccomp flag \"%s\"", i, name);
      if (!seccomp_flag_supported (name))
        return husk_error_set (err, P ".flags[%zu]: %s is not supported by this libseccomp and kernel",
                               i, name);
      /* It changes how the listener's notifications wait (seccomp(2)). */
      if (filter_flags[k].flag == WAIT_KILLABLE_RECV && !notify)
        return husk_error_set (err, P ".flags[%zu]: %s needs an SCMP_ACT_NOTIFY rule", i, name);
      *flags |= filter_flags[k].flag;
    }
  return 0;
}

static int
compile_archs (scmp_filter_ctx ctx, const struct oci_seccomp *s, struct husk_error **err)
{
  for (size_t i = 0; i < s->architectures.n; i++)
    {
      uint32_t arch = resolve_arch (s->architectures.v[i]);
      if (arch == 0)
        return husk_error_set (err, P ".architectures[%zu]: %s is not supported by libseccomp %u.%u.%u", i,
                               s->architectures.v[i], seccomp_version ()->major,
                               seccomp_version ()->minor, seccomp_version ()->micro);
      int r = seccomp_arch_add (ctx, arch);
      if (r == -EDOM)
        return husk_error_set (err, P ".architectures[%zu]: %s cannot share a filter with this host's "
                                      "architecture (another byte order)",
                               i, s->architectures.v[i]);
      if (r < 0 && r != -EEXIST)
        return husk_error_sys (err, -r, P ".architectures[%zu]: add %s", i, s->architectures.v[i]);
    }
  return 0;
}

/* The conditions of one rule.  *split: two of them test the same
   argument, which libseccomp cannot put in one rule (EINVAL). */
static int
compile_args (const struct oci_seccomp_syscall *sc, size_t idx, struct scmp_arg_cmp *cmps, bool *split,
              struct husk_error **err)
{
  bool seen[6] = { false };
  *split = false;
  for (size_t j = 0; j < sc->args.n; j++)
    {
      const struct oci_seccomp_arg *a = &sc->args.v[j];
      if (a->index > 5)
        return husk_error_set (err, P ".syscalls[%zu].args[%zu].index: %u is out of range (0-5)", idx, j,
                               a->index);
      *split |= seen[a->index];
      seen[a->index] = true;
      size_t k = 0;
      while (k < sizeof operators / sizeof *operators && strcmp (operators[k].name, a->op) != 0)
        k++;
      if (k == sizeof operators / sizeof *operators)
        return husk_error_set (err, P ".syscalls[%zu].args[%zu].op: unknown seccomp operator \"%s\"", idx,
                               j, a->op);
      /* SCMP_CMP_MASKED_EQ: value is the mask, valueTwo the value the
         masked argument must equal (runc's and crun's reading). */
      cmps[j] = (struct scmp_arg_cmp){ .arg = a->index, .op = operators[k].op, .datum_a = a->value,
                                       .datum_b = a->value_two.set ? a->value_two.v : 0 };
    }
  return 0;
}

/* The rule for syscall nr.  Conditions on distinct arguments must all
   hold (one rule).  When two test the same argument, each condition
   becomes a rule of its own, so that any one of them takes the action:
   what runc 1.1 does (seccomp_linux.go, matchCall), and what the profiles
   written for it expect (docs/runc-differences.md). */
static int
add_rule (scmp_filter_ctx ctx, uint32_t action, int nr, const struct scmp_arg_cmp *cmps, size_t n, bool split)
{
  if (!split)
    return seccomp_rule_add_array (ctx, action, nr, (unsigned) n, cmps);
  for (size_t k = 0; k < n; k++)
    {
      int r = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[k]);
      if (r < 0 && r != -EEXIST)
        return r;
    }
  return 0;
}

static int
compile_syscalls (scmp_filter_ctx ctx, const struct oci_seccomp *s, uint32_t default_action,
                  struct husk_error **err)
{
  for (size_t i = 0; i < s->syscalls.n; i++)
    {
      const struct oci_seccomp_syscall *sc = &s->syscalls.v[i];
      char path[64];
      snprintf (path, sizeof path, P ".syscalls[%zu]", i);
      uint32_t action;
      /* More than six conditions test some argument twice: split. */
      _cleanup_free_ struct scmp_arg_cmp *cmps = xcalloc (sc->args.n + 1, sizeof *cmps);
      bool split;
      if (resolve_action (sc->action, &sc->errno_ret, path, "errnoRet", &action, err) < 0
          || compile_args (sc, i, cmps, &split, err) < 0)
        return -1;
      /* libseccomp refuses a rule that repeats the default (EACCES): it
         would change nothing. */
      if (action == default_action)
        continue;
      for (size_t j = 0; j < sc->names.n; j++)
        {
          int nr = seccomp_syscall_resolve_name (sc->names.v[j]);
          /* Engines send profiles written for newer kernels. */
          if (nr == __NR_SCMP_ERROR)
            {
              log_debug ("%s.names[%zu]: unknown syscall \"%s\": skipped", path, j, sc->names.v[j]);
              continue;
            }
          int r = add_rule (ctx, action, nr, cmps, sc->args.n, split);
          if (r < 0)
            return husk_error_sys (err, -r, "%s: add the rule for \"%s\"", path, sc->names.v[j]);
        }
    }
  return 0;
}

/* ---- syscalls newer than the profile: ENOSYS ----

   A profile names the syscalls its author knew of.  With a default that
   denies (errno, kill, trap, notify), a syscall added to the kernel later
   gets that default, and glibc, which falls back to the older syscall
   only on ENOSYS (clone3 -> clone, faccessat2 -> faccessat), fails
   instead.  So, as runc 1.1 does (libcontainer/seccomp/patchbpf), a stub
   before libseccomp's program answers ENOSYS for every syscall number
   above the largest the profile names, per architecture: the profile's
   architectures and the native one (runc 1.1.13 and later; 1.1.5 takes
   only the listed ones, see docs/runc-differences.md).  Not with a default
   that lets syscalls run (allow, log, trace: a tracer handles new
   syscalls itself), nor with ENOSYS as the default errno, which already
   says the same. */

#define X32_SYSCALL_BIT 0x40000000U
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)
#define ENOSYS_MAX_ARCHS 32        /* more than libseccomp knows */

/* One architecture of the filter.  x86_64 and x32 share AUDIT_ARCH_X86_64
   (x32 sets X32_SYSCALL_BIT in the number), so each tests the bit. */
struct enosys_arch
{
  uint32_t audit;                  /* seccomp_data.arch */
  enum { NR_ANY, NR_NOT_X32, NR_X32 } mode;
  bool s390;                       /* unknown numbers arrive as 0 (setup(2)), see below */
  uint32_t max;                    /* the largest number the profile names */
};

static bool
enosys_wanted (const struct oci_seccomp *s, uint32_t default_action)
{
  static const char *const lets_run[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE" };
  for (size_t i = 0; i < sizeof lets_run / sizeof *lets_run; i++)
    if (strcmp (s->default_action, lets_run[i]) == 0)
      return false;
  return default_action != SCMP_ACT_ERRNO (ENOSYS);
}

/* The largest number of any name of the profile (whatever its rule's
   action) on arch; 0 when it names none there. */
static uint32_t
enosys_max (const struct oci_seccomp *s, uint32_t arch)
{
  int max = 0;
  for (size_t i = 0; i < s->syscalls.n; i++)
    for (size_t j = 0; j < s->syscalls.v[i].names.n; j++)
      {
        /* Negative: unknown, or a pseudo-number (socketcall's on x86). */
        int nr = seccomp_syscall_resolve_name_arch (arch, s->syscalls.v[i].names.v[j]);
        if (nr > max)
          max = nr;
      }
  return (uint32_t) max;
}

/* The filter's architectures (compile_archs checked them), the native one
   first, each once. */
static size_t
enosys_archs (const struct oci_seccomp *s, struct enosys_arch *out, size_t cap)
{
  size_t n = 0;
  for (size_t i = 0; i <= s->architectures.n && n < cap; i++)
    {
      uint32_t token = i == 0 ? seccomp_arch_native () : resolve_arch (s->architectures.v[i - 1]);
      bool dup = false;
      for (size_t k = 0; k < i && !dup; k++)
        dup = (k == 0 ? seccomp_arch_native () : resolve_arch (s->architectures.v[k - 1])) == token;
      uint32_t max = dup ? 0 : enosys_max (s, token);
      if (max == 0)
        continue;
      out[n++] = (struct enosys_arch){
        .audit = token == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : token,
        .mode = token == SCMP_ARCH_X32 ? NR_X32 : token == SCMP_ARCH_X86_64 ? NR_NOT_X32 : NR_ANY,
        .s390 = token == SCMP_ARCH_S390 || token == SCMP_ARCH_S390X,
        .max = max,
      };
    }
  return n;
}

struct bpf_buf
{
  struct sock_filter *v;
  size_t n;
  size_t ja[2 * ENOSYS_MAX_ARCHS]; /* the jumps to the program, patched at the end */
  size_t nja;
};

static void
bpf_put (struct bpf_buf *b, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
  b->v[b->n++] = (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
}

static void
bpf_ja_filter (struct bpf_buf *b)
{
  b->ja[b->nja++] = b->n;
  bpf_put (b, BPF_JMP | BPF_JA, 0, 0, 0);
}

/* For every architecture: if seccomp_data.arch is its, load the number;
   above max, ENOSYS; else libseccomp's program, which follows.  Every
   jump but those to the program is short (a few instructions). */
static struct sock_filter *
enosys_stub (const struct enosys_arch *a, size_t n, size_t *len)
{
  /* At most 9 instructions per architecture, and the first load. */
  struct bpf_buf b = { .v = xcalloc (1 + n * 9, sizeof *b.v) };
  bpf_put (&b, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch), 0, 0);
  bool *done = xcalloc (n, sizeof *done);
  for (size_t i = 0; i < n; i++)
    {
      if (done[i])
        continue;
      size_t jeq = b.n;
      bpf_put (&b, BPF_JMP | BPF_JEQ | BPF_K, a[i].audit, 0, 0);
      bpf_put (&b, BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr), 0, 0);
      /* s390(x): a number the kernel does not know reaches the filter as
         0, the long-gone setup(2), which nothing calls any more. */
      if (a[i].s390)
        {
          bpf_put (&b, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1);
          bpf_put (&b, BPF_RET | BPF_K, RET_ENOSYS, 0, 0);
        }
      for (size_t k = i; k < n; k++)
        {
          if (a[k].audit != a[i].audit)
            continue;
          done[k] = true;
          /* The other mode skips this test. */
          if (a[k].mode != NR_ANY)
            bpf_put (&b, BPF_JMP | BPF_JSET | BPF_K, X32_SYSCALL_BIT, a[k].mode == NR_X32 ? 0 : 3,
                     a[k].mode == NR_X32 ? 3 : 0);
          bpf_put (&b, BPF_JMP | BPF_JGT | BPF_K, a[k].max, 0, 1);
          bpf_put (&b, BPF_RET | BPF_K, RET_ENOSYS, 0, 0);
          bpf_ja_filter (&b);
        }
      bpf_ja_filter (&b);
      /* Another architecture: the next test, or the program. */
      b.v[jeq].jf = (uint8_t) (b.n - jeq - 1);
    }
  free (done);
  for (size_t i = 0; i < b.nja; i++)
    b.v[b.ja[i]].k = (uint32_t) (b.n - b.ja[i] - 1);
  *len = b.n;
  return b.v;
}

/* The stub before p's program, when the profile wants one. */
static int
enosys_prepend (const struct oci_seccomp *s, uint32_t default_action, struct seccomp_program *p,
                struct husk_error **err)
{
  struct enosys_arch archs[ENOSYS_MAX_ARCHS];
  size_t n = enosys_wanted (s, default_action) ? enosys_archs (s, archs, sizeof archs / sizeof *archs) : 0;
  if (n == 0)
    return 0;
  size_t len;
  _cleanup_free_ struct sock_filter *stub = enosys_stub (archs, n, &len);
  if (len + p->count > BPF_MAXINSNS)
    return husk_error_set (err, P ": the compiled filter has %zu instructions (at most %d)", len + p->count,
                           BPF_MAXINSNS);
  struct sock_filter *all = xcalloc (len + p->count, sizeof *all);
  memcpy (all, stub, len * sizeof *all);
  memcpy (all + len, p->insns, p->count * sizeof *all);
  free (p->insns);
  p->insns = all;
  p->count += len;
  for (size_t i = 0; i < n; i++)
    log_debug ("seccomp: ENOSYS for syscall numbers above %u (arch 0x%x%s)", archs[i].max, archs[i].audit,
               archs[i].mode == NR_X32 ? ", x32" : "");
  return 0;
}

/* libseccomp 2.5 exports only to an fd. */
static int
export_bpf (scmp_filter_ctx ctx, struct seccomp_program *p, struct husk_error **err)
{
  _cleanup_close_ int fd = memfd_create ("husk-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return husk_error_sys (err, errno, "seccomp: memfd_create");
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return husk_error_sys (err, -r, "seccomp: export the filter");
  struct stat st;
  if (fstat (fd, &st) < 0)
    return husk_error_sys (err, errno, "seccomp: fstat the filter");
  size_t len = (size_t) st.st_size;
  if (len == 0 || len % sizeof (struct sock_filter) != 0 || len / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return husk_error_set (err, P ": the compiled filter has %zu bytes (at most %d instructions)", len,
                           BPF_MAXINSNS);
  p->insns = xmalloc (len);
  if (pread (fd, p->insns, len, 0) != (ssize_t) len)
    return husk_error_sys (err, errno, "seccomp: read the filter back");
  p->count = len / sizeof (struct sock_filter);
  return 0;
}

static bool
uses_notify (const struct oci_seccomp *s)
{
  if (strcmp (s->default_action, "SCMP_ACT_NOTIFY") == 0)
    return true;
  for (size_t i = 0; i < s->syscalls.n; i++)
    if (strcmp (s->syscalls.v[i].action, "SCMP_ACT_NOTIFY") == 0)
      return true;
  return false;
}

/* The init sends the listener to husk with sendmsg(2) after installing
   the filter: a notification on sendmsg would wait for an agent that can
   only get the listener through that very call. */
static int
check_notify (const struct oci_seccomp *s, struct husk_error **err)
{
  if (s->listener_path == NULL || s->listener_path[0] == '\0')
    return husk_error_set (err, P ".listenerPath: required when an action is SCMP_ACT_NOTIFY");
  bool sendmsg_named = false;
  for (size_t i = 0; i < s->syscalls.n; i++)
    for (size_t j = 0; j < s->syscalls.v[i].names.n; j++)
      if (strcmp (s->syscalls.v[i].names.v[j], "sendmsg") == 0)
        {
          sendmsg_named = true;
          if (strcmp (s->syscalls.v[i].action, "SCMP_ACT_NOTIFY") == 0)
            return husk_error_set (err,
                                   P ".syscalls[%zu]: SCMP_ACT_NOTIFY on sendmsg: husk needs sendmsg "
                                   "to hand the listener to the agent",
                                   i);
        }
  if (!sendmsg_named && strcmp (s->default_action, "SCMP_ACT_NOTIFY") == 0)
    return husk_error_set (err, P ".defaultAction: SCMP_ACT_NOTIFY needs a rule for sendmsg: husk needs "
                                  "sendmsg to hand the listener to the agent");
  return 0;
}

void
seccomp_program_free (struct seccomp_program *p)
{
  if (p == NULL)
    return;
  free (p->insns);
  free (p);
}

static void
program_freep (struct seccomp_program **p)
{
  seccomp_program_free (*p);
}
#define _cleanup_program_ __attribute__ ((cleanup (program_freep)))

/* The work the cache saves: libseccomp builds and exports the BPF. */
static int
compile_program (const struct oci_seccomp *s, uint32_t default_action, struct seccomp_program *p,
                 struct husk_error **err)
{
  _cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return husk_error_set (err, P ".defaultAction: %s: libseccomp cannot make a filter with it",
                           s->default_action);
  if (compile_archs (ctx, s, err) < 0 || compile_syscalls (ctx, s, default_action, err) < 0
      || export_bpf (ctx, p, err) < 0 || enosys_prepend (s, default_action, p, err) < 0)
    return -1;
  return 0;
}

/* ---- the program cache: <cache dir>/<key>.bpf ----

   Engines give every container the same profile, and compiling podman's
   takes libseccomp ~14 ms of CPU, most of what create costs.  The program
   is kept under the SHA-256 of everything that decides it, in a directory
   of husk's own that the lifecycle names (container_seccomp_cache_dir),
   never in a --root an engine gave.  The directory and each entry are used
   only when they are owned by husk's euid and writable by it alone, the
   directory not a symlink, an entry only when its header carries the key
   and the digest of the program that follows; anything else is ignored and
   the profile compiled as without a cache. */

#define CACHE_MAGIC "husk-bpf"          /* 8 bytes, no NUL */

struct cache_header
{
  char magic[8];
  unsigned char key[SHA256_DIGEST_SIZE];    /* cache_key of the profile */
  unsigned char digest[SHA256_DIGEST_SIZE]; /* of the program that follows */
  uint32_t count;                           /* instructions */
  uint32_t zero;
};
_Static_assert (sizeof (struct cache_header) % sizeof (struct sock_filter) == 0,
                "the program after the header stays aligned");
#define CACHE_MAX_SIZE (sizeof (struct cache_header) + BPF_MAXINSNS * sizeof (struct sock_filter))

/* Every value is fed with its length or presence first, so that no two
   profiles give the same byte stream. */
static void
key_u64 (struct sha256 *h, uint64_t v)
{
  sha256_update (h, &v, sizeof v);
}

static void
key_str (struct sha256 *h, const char *s)
{
  key_u64 (h, s != NULL);
  if (s == NULL)
    return;
  key_u64 (h, strlen (s));
  sha256_update (h, s, strlen (s));
}

static void
key_strv (struct sha256 *h, const oci_strv *v)
{
  key_u64 (h, v->n);
  for (size_t i = 0; i < v->n; i++)
    key_str (h, v->v[i]);
}

static void
key_opt (struct sha256 *h, bool set, uint64_t v)
{
  key_u64 (h, set);
  key_u64 (h, set ? v : 0);
}

/* What decides the program: every member of the profile but the listener
   ones, in order; the libseccomp that compiles it (its version, the native
   architecture, the API level the kernel gives it); husk's version. */
static void
cache_key (const struct oci_seccomp *s, unsigned char key[SHA256_DIGEST_SIZE])
{
  struct sha256 h;
  sha256_init (&h);
  key_str (&h, "husk seccomp program 2");
  key_str (&h, PACKAGE_VERSION);
  key_str (&h, HUSK_COMMIT);
  const struct scmp_version *v = seccomp_version ();
  key_u64 (&h, v->major);
  key_u64 (&h, v->minor);
  key_u64 (&h, v->micro);
  key_u64 (&h, seccomp_arch_native ());
  key_u64 (&h, api_level ());
  key_str (&h, s->default_action);
  key_opt (&h, s->default_errno_ret.set, s->default_errno_ret.v);
  key_strv (&h, &s->architectures);
  key_strv (&h, &s->flags);
  key_u64 (&h, s->syscalls.n);
  for (size_t i = 0; i < s->syscalls.n; i++)
    {
      const struct oci_seccomp_syscall *sc = &s->syscalls.v[i];
      key_strv (&h, &sc->names);
      key_str (&h, sc->action);
      key_opt (&h, sc->errno_ret.set, sc->errno_ret.v);
      key_u64 (&h, sc->args.n);
      for (size_t j = 0; j < sc->args.n; j++)
        {
          key_u64 (&h, sc->args.v[j].index);
          key_u64 (&h, sc->args.v[j].value);
          key_opt (&h, sc->args.v[j].value_two.set, sc->args.v[j].value_two.v);
          key_str (&h, sc->args.v[j].op);
        }
    }
  sha256_final (&h, key);
}

/* Owned by husk's euid and writable by nobody else: what only husk (or
   whoever already is its user) can have written. */
static bool
cache_owned (const struct stat *st)
{
  return st->st_uid == geteuid () && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* dir, made 0700 if missing (its parent too, but no further up), or -1
   when it cannot be trusted. */
static int
cache_open (const char *dir)
{
  _cleanup_free_ char *parent = xstrdup (dir);
  char *slash = strrchr (parent, '/');
  if (slash == NULL || slash == parent || slash[1] == '\0')
    return -1;
  *slash = '\0';
  const char *name = slash + 1;
  if (mkdir (parent, 0700) < 0 && errno != EEXIST)
    {
      log_debug ("seccomp cache: mkdir %s: %s", parent, strerror (errno));
      return -1;
    }
  _cleanup_close_ int parentfd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parentfd < 0 || (mkdirat (parentfd, name, 0700) < 0 && errno != EEXIST))
    {
      log_debug ("seccomp cache: mkdir %s: %s", dir, strerror (errno));
      return -1;
    }
  _cleanup_close_ int fd = openat (parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISDIR (st.st_mode) || !cache_owned (&st))
    {
      log_debug ("seccomp cache: %s is not a directory of uid %u writable by it alone: not used", dir,
                 (unsigned) geteuid ());
      return -1;
    }
  return steal_fd (&fd);
}

static void
program_digest (const void *insns, size_t len, unsigned char out[SHA256_DIGEST_SIZE])
{
  struct sha256 h;
  sha256_init (&h);
  sha256_update (&h, insns, len);
  sha256_final (&h, out);
}

/* The entry `name` into p, when every check holds; else false. */
static bool
cache_load (int dirfd, const char *name, const unsigned char key[SHA256_DIGEST_SIZE], struct seccomp_program *p)
{
  /* O_NONBLOCK: a fifo put there must not hang create. */
  _cleanup_close_ int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno != ENOENT)
        log_debug ("seccomp cache: open %s: %s: not used", name, strerror (errno));
      return false;
    }
  struct stat st;
  struct cache_header h;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || !cache_owned (&st)
      || st.st_size <= (off_t) sizeof h || (size_t) st.st_size > CACHE_MAX_SIZE
      || ((size_t) st.st_size - sizeof h) % sizeof (struct sock_filter) != 0)
    {
      log_debug ("seccomp cache: %s is not a program file of uid %u writable by it alone: not used", name,
                 (unsigned) geteuid ());
      return false;
    }
  size_t len = (size_t) st.st_size - sizeof h;
  _cleanup_free_ void *insns = xmalloc (len);
  unsigned char digest[SHA256_DIGEST_SIZE];
  /* A regular file reads in full but at its end (or on an I/O error). */
  struct iovec iov[2] = { { &h, sizeof h }, { insns, len } };
  if (preadv (fd, iov, 2, 0) != st.st_size)
    {
      log_debug ("seccomp cache: %s: short read: not used", name);
      return false;
    }
  program_digest (insns, len, digest);
  if (memcmp (h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || memcmp (h.key, key, sizeof h.key) != 0
      || h.count != len / sizeof (struct sock_filter) || h.zero != 0
      || memcmp (h.digest, digest, sizeof digest) != 0)
    {
      log_debug ("seccomp cache: %s: the header does not match the profile or the program: not used", name);
      return false;
    }
  p->insns = insns;
  insns = NULL;
  p->count = h.count;
  return true;
}

/* Best effort: written under a temporary name, then renamed over `name`
   (which also replaces an entry that failed the checks), so a concurrent
   create sees the old entry or the new one, never half of one. */
static void
cache_store (int dirfd, const char *name, const unsigned char key[SHA256_DIGEST_SIZE],
             const struct seccomp_program *p)
{
  struct cache_header h = { .count = (uint32_t) p->count };
  memcpy (h.magic, CACHE_MAGIC, sizeof h.magic);
  memcpy (h.key, key, sizeof h.key);
  size_t len = p->count * sizeof (struct sock_filter);
  program_digest (p->insns, len, h.digest);
  char tmp[32];
  snprintf (tmp, sizeof tmp, ".tmp-%d", (int) getpid ());
  int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  _cleanup_close_ int fd = openat (dirfd, tmp, flags, 0600);
  /* One left by a husk that died with this pid: no live process owns it. */
  if (fd < 0 && errno == EEXIST && unlinkat (dirfd, tmp, 0) == 0)
    fd = openat (dirfd, tmp, flags, 0600);
  if (fd < 0)
    {
      log_debug ("seccomp cache: create %s: %s", tmp, strerror (errno));
      return;
    }
  /* A regular file takes all of a write but when it fails (ENOSPC). */
  struct iovec iov[2] = { { &h, sizeof h }, { p->insns, len } };
  if (writev (fd, iov, 2) != (ssize_t) (sizeof h + len) || renameat (dirfd, tmp, dirfd, name) < 0)
    {
      log_debug ("seccomp cache: store %s: %s", name, strerror (errno));
      unlinkat (dirfd, tmp, 0);
      return;
    }
  log_debug ("seccomp cache: %s stored", name);
}

int
seccomp_compile (const struct oci_seccomp *s, const char *cache_dir, struct seccomp_program **out,
                 struct husk_error **err)
{
  *out = NULL;
  if (s == NULL)
    return 0;
  if (s->listener_metadata && s->listener_path == NULL)
    return husk_error_set (err, P ".listenerMetadata: must not be set without listenerPath");
  uint32_t default_action;
  if (resolve_action (s->default_action, &s->default_errno_ret, P ".defaultAction", "defaultErrnoRet",
                      &default_action, err) < 0)
    return -1;
  bool notify = uses_notify (s);
  if (notify && check_notify (s, err) < 0)
    return -1;
  _cleanup_program_ struct seccomp_program *p = xcalloc (1, sizeof *p);
  p->notify = notify;
  if (compile_flags (s, notify, &p->flags, err) < 0)
    return -1;
  /* An entry exists only for a profile that compiled: the checks of the
     rest (actions, arguments, architectures) held for this very key. */
  unsigned char key[SHA256_DIGEST_SIZE];
  char name[2 * SHA256_DIGEST_SIZE + sizeof ".bpf"];
  _cleanup_close_ int cache = cache_dir ? cache_open (cache_dir) : -1;
  if (cache >= 0)
    {
      cache_key (s, key);
      sha256_hex (key, name);
      strcat (name, ".bpf");
    }
  if (cache >= 0 && cache_load (cache, name, key, p))
    {
      log_debug ("seccomp cache: %s used", name);
      p->from_cache = true;
    }
  else
    {
      if (compile_program (s, default_action, p, err) < 0)
        return -1;
      if (cache >= 0)
        cache_store (cache, name, key, p);
    }
  if (p->notify)
    {
      p->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* The kernel takes TSYNC with a listener only with TSYNC_ESRCH. */
      if (p->flags & SECCOMP_FILTER_FLAG_TSYNC)
        p->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  *out = p;
  p = NULL;
  return 0;
}

int
seccomp_install (const struct seccomp_program *p, int *listener, struct husk_error **err)
{
  *listener = -1;
  if (p == NULL)
    return 0;
  struct sock_fprog prog = { .len = (unsigned short) p->count, .filter = p->insns };
  long r = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
  if (r < 0)
    return husk_error_sys (err, errno, "linux.seccomp: install the filter");
  if (p->notify)
    *listener = (int) r;
  return 0;
}

static int
agent_message (const struct oci_seccomp *s, const char *oci_version, int pid, const char *state_json,
               char **out, struct husk_error **err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    return husk_error_set (err, "seccomp agent: out of memory");
#define GS(str) yajl_gen_string (g, (const unsigned char *) (str), strlen (str))
  yajl_gen_map_open (g);
  GS ("ociVersion");
  GS (oci_version);
  GS ("fds");
  yajl_gen_array_open (g);
  GS ("seccompFd");
  yajl_gen_array_close (g);
  GS ("pid");
  yajl_gen_integer (g, pid);
  if (s->listener_metadata)
    {
      GS ("metadata");
      GS (s->listener_metadata);
    }
#undef GS
  const unsigned char *buf;
  size_t len;
  /* The map is left open: "state" is appended as the JSON text it is. */
  if (yajl_gen_get_buf (g, &buf, &len) != yajl_gen_status_ok)
    {
      yajl_gen_free (g);
      return husk_error_set (err, "seccomp agent: cannot generate the state");
    }
  *out = xasprintf ("%.*s,\"state\":%s}", (int) len, buf, state_json);
  yajl_gen_free (g);
  return 0;
}

int
seccomp_send_to_agent (const struct oci_seccomp *s, const char *oci_version, int pid,
                       const char *state_json, int listener, struct husk_error **err)
{
  const char *path = s->listener_path;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (path) >= sizeof addr.sun_path)
    return husk_error_set (err, P ".listenerPath \"%s\": too long for a unix socket", path);
  strcpy (addr.sun_path, path);
  _cleanup_close_ int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return husk_error_sys (err, errno, P ".listenerPath: socket");
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return husk_error_sys (err, errno, P ".listenerPath \"%s\": connect", path);
  _cleanup_free_ char *msg = NULL;
  if (agent_message (s, oci_version, pid, state_json, &msg, err) < 0)
    return -1;
  struct iovec iov = { msg, strlen (msg) };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  memset (&control, 0, sizeof control);
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &listener, sizeof listener);
  ssize_t n;
  do
    n = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return husk_error_sys (err, errno, P ".listenerPath \"%s\": send the listener", path);
  /* A stream: the rest of a long state goes after the first part. */
  for (size_t off = (size_t) n; off < iov.iov_len; off += (size_t) n)
    {
      do
        n = send (sock, msg + off, iov.iov_len - off, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);
      if (n <= 0)
        return husk_error_sys (err, n < 0 ? errno : EPIPE, P ".listenerPath \"%s\": send the state", path);
    }
  return 0;
}
