/* The cgroup driver against the host's real cgroups (as root; skipped
   otherwise): path resolution, the record, create, every resource this host
   has, join, pids, freeze, kill --all, device rules (v1 files and the v2
   BPF program), destroy.  Everything lives under /husk-unit-<pid>/ and is
   removed. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>

#include "cgroup/cgroup.h"
#include "cleanup.h"
#include "tap.h"

static void
diag (struct husk_error **err)
{
  if (*err)
    tap_diag ("%s", (*err)->msg);
  husk_error_free (*err);
  *err = NULL;
}

static struct oci_resources *
resources (const char *json)
{
  struct oci_resources *r = NULL;
  char *perr = NULL;
  if (oci_resources_parse_data (json, strlen (json), "test", &r, &perr) < 0)
    {
      printf ("# parse: %s\n", perr);
      free (perr);
      exit (1);
    }
  return r;
}

static char *
ctl_read (const struct cgroup *cg, const char *ctrl, const char *v1, const char *v2)
{
  const struct cgroup_dir *d = cgroup_find (cg, ctrl);
  if (d == NULL)
    return NULL;
  return cgroup_read (d, d->v2 ? v2 : v1);
}

static bool
str_is (char *s, const char *want)
{
  bool r = s && strcmp (s, want) == 0;
  if (!r)
    printf ("# got \"%s\", want \"%s\"\n", s ? s : "(null)", want);
  free (s);
  return r;
}

/* A child that waits for a byte on fd, then runs fn and exits with its
   result. */
/* A child that moves itself into cg (as the container init does), then
   waits like child(): its pid, or -1 when it could not join. */
static pid_t
joined_child (const struct cgroup *cg, int *wfd, int (*fn) (void))
{
  int r[2], p[2];
  if (pipe (r) < 0 || pipe (p) < 0)
    exit (1);
  pid_t pid = fork ();
  if (pid == 0)
    {
      struct husk_error *err = NULL;
      char c = cgroup_join_self (cg, false, &err) == 0 ? 'j' : 'f';
      diag (&err);
      close (r[0]);
      close (p[1]);
      if (write (r[1], &c, 1) != 1 || c != 'j' || read (p[0], &c, 1) != 1)
        _exit (99);
      _exit (fn ? fn () : 0);
    }
  close (r[1]);
  close (p[0]);
  *wfd = p[1];
  char c = 0;
  if (read (r[0], &c, 1) != 1 || c != 'j')
    pid = -1;
  close (r[0]);
  return pid;
}

static int
sleep_forever (void)
{
  for (;;)
    pause ();
  return 0;
}

static char device_dir[64];

/* 0: /dev/null opens and the block device node does not (EPERM). */
static int
try_devices (void)
{
  int fd = open ("/dev/null", O_RDWR);
  if (fd < 0)
    return 10;
  close (fd);
  char node[96];
  snprintf (node, sizeof node, "%s/blk", device_dir);
  fd = open (node, O_RDONLY);
  if (fd >= 0)
    return 11;
  return errno == EPERM ? 0 : 12;
}

/* 0: /dev/null and /dev/zero open, the block node does not (EPERM). */
static int
try_bpf (void)
{
  int fd = open ("/dev/null", O_RDWR);
  if (fd < 0)
    return 20;
  close (fd);
  fd = open ("/dev/zero", O_RDONLY);
  if (fd < 0)
    return 21;
  close (fd);
  return try_devices () == 0 ? 0 : 22;
}

/* 0: /dev/null opens, /dev/zero does not for reading or reading and
   writing (EPERM: the deny names r) but does for writing. */
static int
try_bpf_deny (void)
{
  int fd = open ("/dev/null", O_RDWR);
  if (fd < 0)
    return 30;
  close (fd);
  fd = open ("/dev/zero", O_RDONLY);
  if (fd >= 0 || errno != EPERM)
    return 31;
  fd = open ("/dev/zero", O_RDWR);
  if (fd >= 0 || errno != EPERM)
    return 32;
  fd = open ("/dev/zero", O_WRONLY);
  if (fd < 0)
    return 33;
  close (fd);
  return 0;
}

/* 0: opening the block node for reading reaches the driver (no such
   loop device: ENXIO), the device rules let it through. */
static int
try_blk_read (void)
{
  char node[96];
  snprintf (node, sizeof node, "%s/blk", device_dir);
  int fd = open (node, O_RDONLY);
  if (fd >= 0)
    close (fd);
  return fd >= 0 || errno != EPERM ? 0 : 40;
}

/* The ids of the device programs attached to dir, as one number each
   (0 when the query fails). */
static uint64_t
attached_programs (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  uint32_t ids[8] = { 0 };
  union bpf_attr attr;
  memset (&attr, 0, sizeof attr);
  attr.query.target_fd = (uint32_t)fd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
  attr.query.prog_cnt = 8;
  long r = syscall (SYS_bpf, BPF_PROG_QUERY, &attr, sizeof attr);
  close (fd);
  if (r < 0 || attr.query.prog_cnt != 1)
    return 0;
  return ids[0];
}

static const struct cgroup *mount_cg;
static bool mount_ns;

/* In a mount (and maybe cgroup) namespace of its own: mount the cgroup
   tree read-only on a temp dir; 0 when pids.max there is the container's
   (42) and cannot be written. */
static int
try_mount (void)
{
  struct husk_error *err = NULL;
  if (unshare (CLONE_NEWNS | (mount_ns ? CLONE_NEWCGROUP : 0)) < 0
      || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return 30;
  char dir[] = "/tmp/husk-unit-mnt-XXXXXX";
  if (mkdtemp (dir) == NULL)
    return 31;
  int fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int ret = 0;
  if (cgroup_mount_container (fd, true, NULL, &err) < 0)
    {
      printf ("# %s\n", err->msg);
      ret = 32;
    }
  const struct cgroup_dir *pd = cgroup_find (mount_cg, "pids");
  char file[128];
  snprintf (file, sizeof file, "%s/%s", dir, pd->v2 ? "pids.max" : "pids/pids.max");
  if (ret == 0)
    {
      char buf[32] = "";
      int f = open (file, O_RDONLY);
      ssize_t n = f >= 0 ? read (f, buf, sizeof buf - 1) : -1;
      if (n <= 0 || strncmp (buf, "42", 2) != 0)
        ret = 33;
      if (f >= 0)
        close (f);
      f = open (file, O_WRONLY);
      if (f >= 0 || errno != EROFS)
        ret = 34;
    }
  umount2 (dir, MNT_DETACH);
  rmdir (dir);
  return ret;
}

static int
wait_status (pid_t pid)
{
  int st = 0;
  while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  return st;
}

/* A child in cg that runs fn: whether it exited 0. */
static bool
child_ok (const struct cgroup *cg, int (*fn) (void))
{
  int wfd;
  pid_t pid = joined_child (cg, &wfd, fn);
  if (pid < 0 || write (wfd, "x", 1) != 1)
    return false;
  close (wfd);
  int st = wait_status (pid);
  return WIFEXITED (st) && WEXITSTATUS (st) == 0;
}

int
main (void)
{
  if (geteuid () != 0)
    {
      puts ("1..0 # SKIP needs root and real cgroups");
      return 0;
    }
  struct husk_error *err = NULL;
  char top[64], path[96];
  snprintf (top, sizeof top, "/husk-unit-%d", (int)getpid ());
  snprintf (path, sizeof path, "%s/c1", top);

  struct cgroup *cg = NULL;
  int r = cgroup_resolve (path, "c1", &cg, &err);
  tap_ok (r == 0 && cg->n > 0, "resolve an absolute path");
  diag (&err);
  if (r < 0)
    return 1;
  printf ("# layout %s, %zu hierarchies\n", cgroup_layout_name (cg->layout), cg->n);
  bool all = true;
  for (size_t i = 0; i < cg->n; i++)
    {
      size_t ml = strlen (cg->dirs[i].mount);
      all &= strncmp (cg->dirs[i].path, cg->dirs[i].mount, ml) == 0
             && strcmp (cg->dirs[i].path + ml, path) == 0 && cg->dirs[i].created == 2;
    }
  tap_ok (all, "every directory is <mount>%s, two levels to create", path);

  struct cgroup *bad = NULL;
  tap_ok (cgroup_resolve ("system.slice:husk:x", "x", &bad, &err) < 0 && strstr (err->msg, "systemd"),
          "systemd slice form refused");
  diag (&err);
  tap_ok (cgroup_resolve ("/a/../b", "x", &bad, &err) < 0 && strstr (err->msg, "cgroupsPath"),
          "\"..\" refused");
  diag (&err);
  struct cgroup *rel = NULL;
  tap_ok (cgroup_resolve ("rel/x", "x", &rel, &err) == 0 && strstr (rel->dirs[0].path, "/rel/x"),
          "relative path resolves under husk's own cgroup");
  diag (&err);
  cgroup_free (rel);

  /* The record survives a round trip. */
  char tmpl[] = "/tmp/husk-unit-XXXXXX";
  char *sd = mkdtemp (tmpl);
  int sdfd = open (sd, O_RDONLY | O_DIRECTORY);
  struct cgroup *back = NULL;
  tap_ok (cgroup_record_write (sdfd, cg, NULL, &err) == 0 && cgroup_record_read (sdfd, &back, NULL, &err) == 0
              && back && back->n == cg->n && strcmp (back->dirs[0].path, cg->dirs[0].path) == 0
              && back->dirs[0].created == 2 && back->layout == cg->layout,
          "cgroup.json round trip");
  diag (&err);
  cgroup_free (back);
  back = NULL;

  /* Recorded resources, and an update merged into them. */
  struct oci_resources *rec = resources ("{\"memory\":{\"limit\":1000,\"swap\":-1},\"pids\":{\"limit\":5},"
                                         "\"cpu\":{\"cpus\":\"0\",\"shares\":18446744073709551615}}");
  struct oci_resources *upd = resources ("{\"memory\":{\"limit\":2000},\"cpu\":{\"mems\":\"0\"}}");
  struct oci_resources *got = NULL;
  tap_ok (cgroup_record_write (sdfd, cg, rec, &err) == 0 && cgroup_record_update (sdfd, upd, &err) == 0
              && cgroup_record_read (sdfd, &back, &got, &err) == 0 && got && got->memory
              && got->memory->limit.v == 2000 && got->memory->swap.set && got->memory->swap.v == -1
              && got->has_pids && got->pids_limit.v == 5 && got->cpu && got->cpu->cpus
              && strcmp (got->cpu->cpus, "0") == 0 && got->cpu->mems && got->cpu->shares.v == UINT64_MAX,
          "recorded resources keep an update's values and the rest");
  diag (&err);
  oci_resources_free (rec);
  oci_resources_free (upd);
  oci_resources_free (got);
  cgroup_free (back);

  tap_ok (cgroup_create (cg, &err) == 0, "create");
  diag (&err);
  all = true;
  for (size_t i = 0; i < cg->n; i++)
    all &= access (cg->dirs[i].path, F_OK) == 0;
  tap_ok (all, "every directory exists");

  /* Resources: each value seen in the controller's file. */
  struct oci_resources *res
      = resources ("{\"memory\":{\"limit\":67108864,\"reservation\":33554432},"
                   "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0\"},"
                   "\"pids\":{\"limit\":42}}");
  tap_ok (cgroup_apply (cg, res, false, &err) == 0, "apply memory, cpu, cpuset, pids");
  diag (&err);
  oci_resources_free (res);
  tap_ok (str_is (ctl_read (cg, "memory", "memory.limit_in_bytes", "memory.max"), "67108864"),
          "memory limit");
  tap_ok (str_is (ctl_read (cg, "memory", "memory.soft_limit_in_bytes", "memory.low"), "33554432"),
          "memory reservation");
  const struct cgroup_dir *cpu = cgroup_find (cg, "cpu");
  tap_ok (str_is (ctl_read (cg, "cpu", "cpu.shares", "cpu.weight"), cpu && cpu->v2 ? "20" : "512"),
          "cpu shares");
  tap_ok (
      str_is (ctl_read (cg, "cpu", "cpu.cfs_quota_us", "cpu.max"), cpu && cpu->v2 ? "50000 100000" : "50000"),
      "cpu quota");
  tap_ok (str_is (ctl_read (cg, "cpuset", "cpuset.cpus", "cpuset.cpus"), "0"), "cpuset cpus");
  tap_ok (str_is (ctl_read (cg, "pids", "pids.max", "pids.max"), "42"), "pids limit");

  /* update: only the members given change. */
  res = resources ("{\"memory\":{\"limit\":134217728},\"pids\":{\"limit\":-1}}");
  tap_ok (cgroup_apply (cg, res, true, &err) == 0, "update memory and pids");
  diag (&err);
  oci_resources_free (res);
  tap_ok (str_is (ctl_read (cg, "memory", "memory.limit_in_bytes", "memory.max"), "134217728"),
          "memory limit updated");
  tap_ok (str_is (ctl_read (cg, "memory", "memory.soft_limit_in_bytes", "memory.low"), "33554432"),
          "reservation unchanged");
  tap_ok (str_is (ctl_read (cg, "pids", "pids.max", "pids.max"), "max"), "pids -1 is max");

  /* hugetlb wherever the host has it (here: the unified tree). */
  const struct cgroup_dir *hd = cgroup_find (cg, "hugetlb");
  if (hd && cgroup_has_file (hd, hd->v2 ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes"))
    {
      res = resources ("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}]}");
      tap_ok (cgroup_apply (cg, res, false, &err) == 0, "apply hugepageLimits");
      diag (&err);
      oci_resources_free (res);
      tap_ok (str_is (ctl_read (cg, "hugetlb", "hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.max"), "4194304"),
              "hugetlb 2MB limit");
    }
  else
    {
      tap_skip ("no 2MB hugetlb", "apply hugepageLimits");
      tap_skip ("no 2MB hugetlb", "hugetlb 2MB limit");
    }
  /* A controller the host lacks: an error naming it and the field. */
  if (cgroup_find (cg, "net_cls") == NULL)
    {
      res = resources ("{\"network\":{\"classID\":1048577}}");
      tap_ok (cgroup_apply (cg, res, false, &err) < 0 && strstr (err->msg, "network.classID")
                  && strstr (err->msg, "net_cls"),
              "network.classID without net_cls: clear error");
      diag (&err);
      oci_resources_free (res);
    }
  else
    tap_skip ("net_cls is mounted", "network.classID without net_cls: clear error");
  if (cgroup_find (cg, "rdma") == NULL)
    {
      res = resources ("{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3}}}");
      tap_ok (cgroup_apply (cg, res, false, &err) < 0 && strstr (err->msg, "rdma"),
              "rdma without the controller");
      diag (&err);
      oci_resources_free (res);
    }
  else
    tap_skip ("rdma is mounted", "rdma without the controller");
  res = resources ("{\"blockIO\":{\"weight\":5}}");
  tap_ok (cgroup_apply (cg, res, false, &err) < 0 && strstr (err->msg, "blockIO.weight: 5 is out of range"),
          "blockIO.weight out of range: refused on every host");
  diag (&err);
  oci_resources_free (res);
  const struct cgroup_dir *bd = cgroup_find (cg, "blkio");
  if (bd && !bd->v2 && !cgroup_has_file (bd, "blkio.weight") && !cgroup_has_file (bd, "blkio.bfq.weight"))
    {
      /* Not applicable here: a warning (on stderr), not an error. */
      res = resources ("{\"blockIO\":{\"weight\":300}}");
      tap_ok (cgroup_apply (cg, res, false, &err) == 0, "blockIO.weight without weight files: a warning");
      diag (&err);
      oci_resources_free (res);
    }
  else if (bd)
    {
      res = resources ("{\"blockIO\":{\"weight\":300}}");
      tap_ok (cgroup_apply (cg, res, false, &err) == 0, "blockIO.weight");
      diag (&err);
      oci_resources_free (res);
      char *w = cgroup_read (bd, cgroup_has_file (bd, "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight");
      tap_ok (w && strstr (w, "300"), "blockIO.weight in the weight file (%s)", w ? w : "missing");
      free (w);
    }
  else
    tap_skip ("no blkio controller", "blockIO.weight");
  if (cg->layout == CGROUP_LAYOUT_HYBRID)
    {
      res = resources ("{\"unified\":{\"memory.max\":\"1000000\"}}");
      tap_ok (cgroup_apply (cg, res, false, &err) < 0 && strstr (err->msg, "bound to cgroup v1"),
              "unified key of a v1 controller refused on hybrid");
      diag (&err);
      oci_resources_free (res);
    }
  else
    tap_skip ("not hybrid", "unified key of a v1 controller refused on hybrid");

  /* The cgroup tree inside a container, with and without a cgroup
     namespace.  pids.max is 42 again first. */
  res = resources ("{\"pids\":{\"limit\":42}}");
  cgroup_apply (cg, res, false, &err);
  diag (&err);
  oci_resources_free (res);
  mount_cg = cg;
  for (int ns = 1; ns >= 0; ns--)
    {
      int wfd;
      mount_ns = ns;
      pid_t mp = joined_child (cg, &wfd, try_mount);
      tap_ok (mp > 0, "the mounting child joins");
      if (write (wfd, "x", 1) != 1)
        return 1;
      int st = wait_status (mp);
      tap_ok (WIFEXITED (st) && WEXITSTATUS (st) == 0,
              "cgroup mount %s a cgroup namespace: own pids.max, read-only (%d)", ns ? "with" : "without",
              WEXITSTATUS (st));
      close (wfd);
    }

  /* join, pids, freeze, kill --all */
  int wfd;
  pid_t pid = joined_child (cg, &wfd, sleep_forever);
  tap_ok (pid > 0, "a child joins");
  pid_t *pids = NULL;
  size_t n = 0;
  tap_ok (cgroup_pids (cg, &pids, &n, &err) == 0 && n == 1 && pids[0] == pid, "pids lists the child");
  diag (&err);
  free (pids);
  tap_ok (cgroup_freeze (cg, true, &err) == 0 && cgroup_is_frozen (cg), "freeze");
  diag (&err);
  tap_ok (cgroup_freeze (cg, false, &err) == 0 && !cgroup_is_frozen (cg), "thaw");
  diag (&err);
  tap_ok (cgroup_kill_all (cg, SIGTERM, &err) == 0, "kill all SIGTERM");
  diag (&err);
  int st = wait_status (pid);
  tap_ok (WIFSIGNALED (st) && WTERMSIG (st) == SIGTERM, "the child died of SIGTERM");
  close (wfd);

  /* Device rules: the default set allows /dev/null, denies a block node. */
  snprintf (device_dir, sizeof device_dir, "%s", sd);
  char node[96];
  snprintf (node, sizeof node, "%s/blk", sd);
  tap_ok (mknod (node, S_IFBLK | 0600, makedev (7, 250)) == 0, "mknod a loop-like block node");
  const struct cgroup_dir *dd = cgroup_find (cg, "devices");
  if (dd && !dd->v2)
    {
      struct cgroup_devices *defaults = NULL;
      pid = joined_child (cg, &wfd, try_devices);
      tap_ok (pid > 0 && cgroup_devices_build (NULL, &defaults, &err) == 0
                  && cgroup_devices_apply (cg, defaults, NULL, &err) == 0,
              "v1 default device rules");
      cgroup_devices_free (defaults);
      diag (&err);
      _cleanup_free_ char *list = cgroup_read (dd, "devices.list");
      tap_ok (list && strstr (list, "c 1:3 rwm") && !strstr (list, "a *:*"),
              "devices.list has the defaults only");
      if (write (wfd, "x", 1) != 1)
        return 1;
      st = wait_status (pid);
      tap_ok (WIFEXITED (st) && WEXITSTATUS (st) == 0,
              "in the cgroup: /dev/null opens, the block node does not (%d)", WEXITSTATUS (st));
      close (wfd);
    }
  else
    {
      tap_skip ("no v1 devices controller", "v1 default device rules");
      tap_skip ("no v1 devices controller", "devices.list has the defaults only");
      tap_skip ("no v1 devices controller", "in the cgroup: /dev/null opens, the block node does not");
    }

  /* The v2 program, wherever a unified hierarchy exists (also on hybrid:
     the kernel checks both). */
  const struct cgroup_dir *ud = NULL;
  for (size_t i = 0; i < cg->n; i++)
    if (cg->dirs[i].v2)
      ud = &cg->dirs[i];
  if (ud)
    {
      /* The first program denies /dev/zero; the second allows it: it
         opens only if the first was detached. */
      struct cgroup_device_rule null_rw = { true, 'c', 1, 3, CGROUP_DEV_READ | CGROUP_DEV_WRITE };
      struct cgroup_device_rule mem_rw = { true, 'c', 1, -1, CGROUP_DEV_READ | CGROUP_DEV_WRITE };
      struct cgroup_devices only_null = { false, 1, &null_rw }, mem = { false, 1, &mem_rw };
      tap_ok (cgroup_devices_bpf_attach (ud->path, &only_null, &err) == 0
                  && cgroup_devices_bpf_attach (ud->path, &mem, &err) == 0,
              "attach the BPF device program twice");
      diag (&err);
      pid = joined_child (cg, &wfd, try_bpf);
      tap_ok (pid > 0, "join");
      if (write (wfd, "x", 1) != 1)
        return 1;
      st = wait_status (pid);
      tap_ok (WIFEXITED (st) && WEXITSTATUS (st) == 0,
              "BPF rules: the second program replaced the first: /dev/zero opens, the block node not (%d)",
              WEXITSTATUS (st));
      close (wfd);

      /* Everything allowed but one deny: a request naming any access the
         deny names is refused. */
      struct cgroup_device_rule zero_r = { false, 'c', 1, 5, CGROUP_DEV_READ };
      struct cgroup_devices deny_zero = { true, 1, &zero_r };
      tap_ok (cgroup_devices_bpf_attach (ud->path, &deny_zero, &err) == 0, "attach a deny-only program");
      diag (&err);
      pid = joined_child (cg, &wfd, try_bpf_deny);
      if (pid < 0 || write (wfd, "x", 1) != 1)
        return 1;
      st = wait_status (pid);
      tap_ok (WIFEXITED (st) && WEXITSTATUS (st) == 0, "BPF deny rule: /dev/zero opens for writing only (%d)",
              WEXITSTATUS (st));
      close (wfd);
    }
  else
    {
      tap_skip ("no unified hierarchy", "attach the BPF device program twice");
      tap_skip ("no unified hierarchy", "join");
      tap_skip ("no unified hierarchy",
                "BPF rules: the second program replaced the first: /dev/zero opens, the block node not");
      tap_skip ("no unified hierarchy", "attach a deny-only program");
      tap_skip ("no unified hierarchy", "BPF deny rule: /dev/zero opens for writing only");
    }
  /* cgroup_devices_apply on v2 (the unified hierarchy alone): the
     config's rules become a program; an update replaces it; an update
     with the same rules keeps it.  On a hybrid host the v1 controller is
     opened up first, so that the program alone decides. */
  if (ud)
    {
      struct cgroup v2only = { CGROUP_LAYOUT_V2, (struct cgroup_dir *)ud, 1 };
      struct oci_resources *deny = resources ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}");
      struct oci_resources *blk
          = resources ("{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                       "{\"allow\":true,\"type\":\"b\",\"major\":7,\"minor\":250,\"access\":\"r\"}]}");
      struct cgroup_devices *d1 = NULL, *d2 = NULL;
      bool v1_open = !(dd && !dd->v2) || cgroup_write (dd, "devices.allow", "a", NULL, &err) == 0;
      diag (&err);
      tap_ok (v1_open && cgroup_devices_build (deny, &d1, &err) == 0
                  && cgroup_devices_apply (&v2only, d1, NULL, &err) == 0 && child_ok (cg, try_devices),
              "v2 at create: /dev/null opens, the block node does not");
      diag (&err);
      tap_ok (cgroup_devices_build (blk, &d2, &err) == 0 && cgroup_devices_apply (&v2only, d2, d1, &err) == 0
                  && child_ok (cg, try_blk_read),
              "v2 update: the block node opens for reading");
      diag (&err);
      uint64_t id = attached_programs (ud->path);
      tap_ok (id != 0 && cgroup_devices_apply (&v2only, d2, d2, &err) == 0
                  && attached_programs (ud->path) == id,
              "v2 update with the rules in force: the same single program stays");
      diag (&err);
      cgroup_devices_free (d1);
      cgroup_devices_free (d2);
      oci_resources_free (deny);
      oci_resources_free (blk);
    }
  else
    {
      tap_skip ("no unified hierarchy", "v2 at create: /dev/null opens, the block node does not");
      tap_skip ("no unified hierarchy", "v2 update: the block node opens for reading");
      tap_skip ("no unified hierarchy", "v2 update with the rules in force: the same single program stays");
    }
  unlink (node);

  /* destroy kills what is left and removes both levels. */
  pid = joined_child (cg, &wfd, sleep_forever);
  tap_ok (pid > 0 && cgroup_freeze (cg, true, &err) == 0, "a frozen leftover");
  diag (&err);
  tap_ok (cgroup_destroy (cg, &err) == 0, "destroy");
  diag (&err);
  st = wait_status (pid);
  tap_ok (WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL, "the leftover was killed");
  close (wfd);
  all = true;
  for (size_t i = 0; i < cg->n; i++)
    {
      _cleanup_free_ char *t = xasprintf ("%s%s", cg->dirs[i].mount, top);
      all &= access (cg->dirs[i].path, F_OK) < 0 && access (t, F_OK) < 0;
    }
  tap_ok (all, "no directory is left");

  /* A cgroup that existed before is used and left in place. */
  struct cgroup *pre = NULL;
  if (cgroup_resolve (path, "c1", &pre, &err) == 0)
    {
      for (size_t i = 0; i < pre->n; i++)
        {
          _cleanup_free_ char *t = xasprintf ("%s%s", pre->dirs[i].mount, top);
          mkdir (t, 0755);
          mkdir (pre->dirs[i].path, 0755);
        }
      cgroup_free (pre);
      pre = NULL;
    }
  tap_ok (cgroup_resolve (path, "c1", &pre, &err) == 0 && pre->dirs[0].created == 0,
          "existing cgroup: created 0");
  diag (&err);
  tap_ok (cgroup_create (pre, &err) == 0 && cgroup_destroy (pre, &err) == 0
              && access (pre->dirs[0].path, F_OK) == 0,
          "create and destroy leave it in place");
  diag (&err);
  for (size_t i = 0; pre && i < pre->n; i++)
    {
      _cleanup_free_ char *t = xasprintf ("%s%s", pre->dirs[i].mount, top);
      rmdir (pre->dirs[i].path);
      rmdir (t);
    }
  cgroup_free (pre);
  cgroup_free (cg);
  unlinkat (sdfd, "cgroup.json", 0);
  close (sdfd);
  rmdir (sd);
  return tap_done ();
}
