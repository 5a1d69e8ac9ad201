/* linux.seccomp: compiled with libseccomp in the parent, installed by the
   init with seccomp(2), the notify listener handed to the seccomp agent. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

static const struct
{
  const char *name;
  unsigned flag;
} filter_flags[] = {
  { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
  { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
  { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
  { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1U << 5 },
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

static int
compile_flags (const struct oci_seccomp *s, unsigned *flags, struct husk_error **err)
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
      if (!oci_seccomp_flag_supported (name, api_level ()))
        return husk_error_set (err, P ".flags[%zu]: %s is not supported by this libseccomp and kernel",
                               i, name);
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

static int
compile_args (const struct oci_seccomp_syscall *sc, size_t idx, struct scmp_arg_cmp *cmps,
              struct husk_error **err)
{
  bool seen[6] = { false };
  if (sc->args.n > 6)
    return husk_error_set (err, P ".syscalls[%zu].args: at most 6 conditions (one per argument)", idx);
  for (size_t j = 0; j < sc->args.n; j++)
    {
      const struct oci_seccomp_arg *a = &sc->args.v[j];
      if (a->index > 5)
        return husk_error_set (err, P ".syscalls[%zu].args[%zu].index: %u is out of range (0-5)", idx, j,
                               a->index);
      /* libseccomp cannot AND two conditions on one argument; runc splits
         them into rules that are ORed, which can allow far more than the
         profile says.  Refused instead. */
      if (seen[a->index])
        return husk_error_set (err,
                               P ".syscalls[%zu].args[%zu]: a second condition on argument %u: "
                               "libseccomp cannot combine them",
                               idx, j, a->index);
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
      struct scmp_arg_cmp cmps[6];
      if (resolve_action (sc->action, &sc->errno_ret, path, "errnoRet", &action, err) < 0
          || compile_args (sc, i, cmps, err) < 0)
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
          int r = seccomp_rule_add_array (ctx, action, nr, (unsigned) sc->args.n, cmps);
          if (r < 0)
            return husk_error_sys (err, -r, "%s: add the rule for \"%s\"", path, sc->names.v[j]);
        }
    }
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

int
seccomp_compile (const struct oci_seccomp *s, struct seccomp_program **out, struct husk_error **err)
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
  _cleanup_ctx_ scmp_filter_ctx ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return husk_error_set (err, P ".defaultAction: %s: libseccomp cannot make a filter with it",
                           s->default_action);
  struct seccomp_program *p = xcalloc (1, sizeof *p);
  p->notify = notify;
  if (compile_flags (s, &p->flags, err) < 0 || compile_archs (ctx, s, err) < 0
      || compile_syscalls (ctx, s, default_action, err) < 0 || export_bpf (ctx, p, err) < 0)
    {
      seccomp_program_free (p);
      return -1;
    }
  if (p->notify)
    {
      p->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
      /* The kernel takes TSYNC with a listener only with TSYNC_ESRCH. */
      if (p->flags & SECCOMP_FILTER_FLAG_TSYNC)
        p->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    }
  *out = p;
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
