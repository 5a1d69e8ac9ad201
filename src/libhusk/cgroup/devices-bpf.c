/* cgroup v2 device rules: a BPF_PROG_TYPE_CGROUP_DEVICE program built
   instruction by instruction (no libbpf) and attached to the container's
   cgroup, replacing the one attached before. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "cgroup.h"
#include "cleanup.h"

struct prog
{
  struct bpf_insn *insn;
  size_t n;
};

static void
emit (struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  p->insn = xrealloc (p->insn, (p->n + 1) * sizeof *p->insn);
  p->insn[p->n++] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

/* Registers after the prologue: r2 device type, r3 requested access,
   r4 major, r5 minor (struct bpf_cgroup_dev_ctx, uapi/linux/bpf.h). */
enum
{
  R0,
  R1,
  R2,
  R3,
  R4,
  R5,
  R6
};

static void
emit_prologue (struct prog *p)
{
  emit (p, BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0); /* access_type */
  emit (p, BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0);
  emit (p, BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
  emit (p, BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
  emit (p, BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0); /* major */
  emit (p, BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0); /* minor */
}

/* One exception: each test jumps past the rest of the block when it does
   not match; a match returns the exception's verdict.  As the v1
   controller decides: an allow needs one exception granting every access
   asked for, a deny one naming any of them. */
static void
emit_exception (struct prog *p, const struct cgroup_device_rule *r)
{
  bool check_access = r->access != (CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD);
  size_t len = 3 + (check_access ? 3 : 0) + (r->major >= 0) + (r->minor >= 0);
  size_t start = p->n;
#define SKIP ((int16_t)(len - (p->n - start) - 1))
  emit (p, BPF_JMP | BPF_JNE | BPF_K, R2, 0, SKIP, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
  if (check_access)
    {
      emit (p, BPF_ALU64 | BPF_MOV | BPF_X, R6, R3, 0, 0);
      if (r->allow)
        {
          /* No access asked for outside the rule's. */
          emit (p, BPF_ALU | BPF_AND | BPF_K, R6, 0, 0, (int32_t)(~r->access & 7));
          emit (p, BPF_JMP | BPF_JNE | BPF_K, R6, 0, SKIP, 0);
        }
      else
        {
          /* Some access asked for inside the rule's. */
          emit (p, BPF_ALU | BPF_AND | BPF_K, R6, 0, 0, (int32_t)r->access);
          emit (p, BPF_JMP | BPF_JEQ | BPF_K, R6, 0, SKIP, 0);
        }
    }
  if (r->major >= 0)
    emit (p, BPF_JMP | BPF_JNE | BPF_K, R4, 0, SKIP, (int32_t)r->major);
  if (r->minor >= 0)
    emit (p, BPF_JMP | BPF_JNE | BPF_K, R5, 0, SKIP, (int32_t)r->minor);
#undef SKIP
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static long
bpf (int cmd, union bpf_attr *attr)
{
  return syscall (SYS_bpf, cmd, attr, sizeof *attr);
}

int
cgroup_devices_bpf_attach (const char *dir, const struct cgroup_devices *d, struct husk_error **err)
{
  struct prog p = { 0 };
  emit_prologue (&p);
  /* The exceptions all have the verdict opposite to the default, so their
     order does not matter; none matching gives the default. */
  for (size_t i = 0; i < d->n; i++)
    emit_exception (&p, &d->ex[i]);
  emit (&p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, d->default_allow ? 1 : 0);
  emit (&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  _cleanup_free_ struct bpf_insn *insn = p.insn;

  static char log[4096];
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insn;
  attr.insn_cnt = (uint32_t)p.n;
  attr.license = (uint64_t)(uintptr_t) "GPL";
  /* Loaded without a verifier log: the log of a valid program can
     overflow any fixed buffer, and the kernel then refuses the load with
     ENOSPC.  The log is asked for only to explain a refusal. */
  _cleanup_close_ int prog = (int)bpf (BPF_PROG_LOAD, &attr);
  if (prog < 0)
    {
      int e = errno;
      attr.log_buf = (uint64_t)(uintptr_t)log;
      attr.log_size = sizeof log;
      attr.log_level = 1;
      log[0] = '\0';
      int again = (int)bpf (BPF_PROG_LOAD, &attr);
      if (again >= 0)
        close (again);
      else if (errno != ENOSPC)
        e = errno;
      for (char *c = log; *c; c++)
        if (*c == '\n' || *c == '\t')
          *c = ' ';
      return husk_error_sys (err, e, "linux.resources.devices: load the device BPF program (%.200s)", log);
    }

  _cleanup_close_ int cgfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return husk_error_sys (err, errno, "linux.resources.devices: open %s", dir);
  /* The programs attached now, detached once the new one is in place, so
     that there is no moment without rules. */
  uint32_t ids[64] = { 0 };
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t)cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = 64;
  uint32_t nold = bpf (BPF_PROG_QUERY, &attr) == 0 ? attr.query.prog_cnt : 0;

  memset (&attr, 0, sizeof attr);
  attr.target_fd = (uint32_t)cgfd;
  attr.attach_bpf_fd = (uint32_t)prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf (BPF_PROG_ATTACH, &attr) < 0)
    return husk_error_sys (err, errno, "linux.resources.devices: attach the device BPF program to %s", dir);
  for (uint32_t i = 0; i < nold && i < 64; i++)
    {
      memset (&attr, 0, sizeof attr);
      attr.prog_id = ids[i];
      _cleanup_close_ int old = (int)bpf (BPF_PROG_GET_FD_BY_ID, &attr);
      if (old < 0)
        continue;
      memset (&attr, 0, sizeof attr);
      attr.target_fd = (uint32_t)cgfd;
      attr.attach_bpf_fd = (uint32_t)old;
      attr.attach_type = BPF_CGROUP_DEVICE;
      if (bpf (BPF_PROG_DETACH, &attr) < 0)
        return husk_error_sys (err, errno, "linux.resources.devices: detach the previous device program");
    }
  return 0;
}
