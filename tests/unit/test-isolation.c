/* Unit tests of the checks of the isolation code: id maps (idmap.c), the
   namespace plan (namespaces.c), the process's identity and limits
   (identity.c, proclimits.c), on configs parsed from JSON.  Prints TAP. */
#include <config.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "identity.h"
#include "idmap.h"
#include "namespaces.h"
#include "proclimits.h"
#include "tap.h"

/* A config: the minimum, with `process_extra` and `linux_extra` members
   spliced into process and linux. */
static struct oci_config *
config (const char *process_extra, const char *linux_extra)
{
  char *json = NULL;
  if (asprintf (&json,
                "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
                " \"process\": {\"user\": {\"uid\": 0, \"gid\": 0}, \"args\": [\"sh\"], \"cwd\": \"/\"%s%s},"
                " \"linux\": {\"namespaces\": [{\"type\": \"mount\"}]%s%s}}",
                process_extra ? ", " : "", process_extra ? process_extra : "", linux_extra ? ", " : "",
                linux_extra ? linux_extra : "")
      < 0)
    abort ();
  struct oci_config *c = NULL;
  char *perr = NULL;
  if (oci_config_parse_data (json, strlen (json), "config.json", &c, &perr) < 0)
    {
      printf ("# parse failed: %s\n# %s\n", perr, json);
      exit (1);
    }
  free (json);
  return c;
}

/* ret/err of one check against want_err (NULL: success expected). */
static void
expect (int ret, struct husk_error *err, const char *what, const char *want_err)
{
  if (want_err == NULL)
    tap_ok (ret == 0 && err == NULL, "%s: accepted%s%s", what, err ? " (got: " : "", err ? err->msg : "");
  else
    tap_ok (ret < 0 && err && strstr (err->msg, want_err) != NULL, "%s: refused with \"%s\" (got \"%s\")",
            what, want_err, err ? err->msg : "");
  husk_error_free (err);
}

static void
check_idmap (const char *proc, const char *lin, bool new_userns, const char *want_err)
{
  struct oci_config *c = config (proc, lin);
  struct husk_error *err = NULL;
  int r = idmap_check (c, new_userns, &err);
  char what[512];
  snprintf (what, sizeof what, "idmap %s / %s", proc ? proc : "-", lin ? lin : "-");
  expect (r, err, what, want_err);
  oci_config_free (c);
}

static void
check_limits (const char *proc, const char *lin, const char *want_err)
{
  struct oci_config *c = config (proc, lin);
  struct husk_error *err = NULL;
  int r = proclimits_check (c, &err);
  if (r == 0)
    r = identity_check (c->process, &err);
  char what[512];
  snprintf (what, sizeof what, "limits %s / %s", proc ? proc : "-", lin ? lin : "-");
  expect (r, err, what, want_err);
  oci_config_free (c);
}

static void
check_plan (const char *lin, int want_new, int want_clone, const char *want_err)
{
  char *json = NULL;
  if (asprintf (&json, "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"}, \"linux\": {%s}}", lin)
      < 0)
    abort ();
  struct oci_config *c = NULL;
  char *perr = NULL;
  if (oci_config_parse_data (json, strlen (json), "config.json", &c, &perr) < 0)
    {
      printf ("# parse failed: %s\n", perr);
      exit (1);
    }
  struct namespaces_plan plan;
  struct husk_error *err = NULL;
  int r = namespaces_plan (c, &plan, &err);
  char what[768];
  snprintf (what, sizeof what, "plan %s", lin);
  if (want_err == NULL && r == 0)
    {
      tap_ok (plan.new_flags == want_new && plan.clone_flags == want_clone,
              "%s: new %#x clone %#x (want %#x %#x)", what, plan.new_flags, plan.clone_flags, want_new,
              want_clone);
      namespaces_plan_close (&plan);
    }
  else
    expect (r, err, what, want_err);
  free (json);
  oci_config_free (c);
}

/* A child in a user and a mount namespace of its own (not the test's,
   which a plan may not join), alive until the test exits: its pid. */
static int
spawn_other_namespaces (void)
{
  int hold[2], ready[2];
  if (pipe (hold) < 0 || pipe (ready) < 0)
    abort ();
  pid_t pid = fork ();
  if (pid < 0)
    abort ();
  if (pid == 0)
    {
      char c;
      close (hold[1]);
      close (ready[0]);
      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) < 0 || write (ready[1], "r", 1) != 1)
        _exit (1);
      /* EOF when the test exits. */
      while (read (hold[0], &c, 1) > 0)
        ;
      _exit (0);
    }
  close (hold[0]);
  close (ready[1]);
  char c;
  if (read (ready[0], &c, 1) != 1)
    {
      tap_diag ("the namespace child failed");
      exit (1);
    }
  close (ready[0]);
  return (int) pid;
}

/* check_plan with every "@" in LIN replaced by PID. */
static void
check_plan_with (const char *lin, int pid, int want_new, int want_clone, const char *want_err)
{
  char buf[512];
  size_t n = 0;
  for (const char *p = lin; *p && n < sizeof buf - 16; p++)
    if (*p == '@')
      n += (size_t) snprintf (buf + n, sizeof buf - n, "%d", pid);
    else
      buf[n++] = *p;
  buf[n] = '\0';
  check_plan (buf, want_new, want_clone, want_err);
}

int
main (void)
{
  /* idmap_to_host */
  struct oci_id_mapping m[] = { { 0, 100000, 10 }, { 1000, 200000, 5 } };
  oci_id_mappingv maps = { m, 2 };
  oci_id_mappingv none = { NULL, 0 };
  uint32_t h = 0;
  tap_ok (idmap_to_host (&maps, 9, &h) && h == 100009, "to_host: last id of the first range");
  tap_ok (idmap_to_host (&maps, 1004, &h) && h == 200004, "to_host: in the second range");
  tap_ok (!idmap_to_host (&maps, 10, &h), "to_host: just past the first range is unmapped");
  tap_ok (!idmap_to_host (&maps, 1005, &h), "to_host: just past the second range is unmapped");
  tap_ok (idmap_to_host (&none, 42, &h) && h == 42, "to_host: no maps is the identity");

  const char *two = "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}],"
                    " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}]";
  check_idmap (NULL, two, true, NULL);
  check_idmap (NULL, two, false, "linux.uidMappings: needs a new user namespace");
  check_idmap (NULL, NULL, true, "linux.uidMappings: required with a new user namespace");
  check_idmap (NULL, NULL, false, NULL);
  check_idmap ("\"user\": {\"uid\": 999, \"gid\": 0, \"additionalGids\": [999]}", two, true, NULL);
  check_idmap ("\"user\": {\"uid\": 1000, \"gid\": 0}", two, true, "process.user.uid 1000: not mapped");
  check_idmap ("\"user\": {\"uid\": 0, \"gid\": 1000}", two, true, "process.user.gid 1000: not mapped");
  check_idmap ("\"user\": {\"uid\": 0, \"gid\": 0, \"additionalGids\": [1000]}", two, true,
               "process.user.additionalGids 1000: not mapped");
  check_idmap (NULL,
               "\"uidMappings\": [{\"containerID\": 1, \"hostID\": 100000, \"size\": 1000}],"
               " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}]",
               true, "container uid 0: not mapped");
  check_idmap (NULL,
               "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10},"
               " {\"containerID\": 10, \"hostID\": 100009, \"size\": 10}],"
               " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}]",
               true, "linux.uidMappings[1]: hostID range overlaps [0]");
  check_idmap (NULL,
               "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 10},"
               " {\"containerID\": 10, \"hostID\": 100010, \"size\": 10}],"
               " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000}]",
               true, NULL);

  /* process identity and limits */
  check_limits (NULL, NULL, NULL);
  check_limits ("\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": 20}]", NULL, NULL);
  check_limits ("\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 30, \"hard\": 20}]", NULL,
                "soft limit 30 is above its hard limit 20");
  check_limits ("\"oomScoreAdj\": -1000", NULL, NULL);
  check_limits ("\"oomScoreAdj\": -1001", NULL, "-1001 is not in -1000..1000");
  check_limits ("\"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 99}", NULL, NULL);
  check_limits ("\"scheduler\": {\"policy\": \"SCHED_RR\", \"priority\": 100}", NULL, "100 is not in 1..99");
  check_limits ("\"scheduler\": {\"policy\": \"SCHED_BATCH\", \"priority\": 3}", NULL,
                "must be 0 for SCHED_BATCH");
  check_limits ("\"scheduler\": {\"policy\": \"SCHED_OTHER\", \"nice\": -20}", NULL, NULL);
  check_limits ("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 7}", NULL, NULL);
  check_limits ("\"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": -1}", NULL,
                "must be in 0..7");
  check_limits ("\"execCPUAffinity\": {\"initial\": \"0-3,7\", \"final\": \"1\"}", NULL, NULL);
  check_limits ("\"user\": {\"uid\": 0, \"gid\": 0, \"umask\": 511}", NULL, NULL);
  check_limits ("\"user\": {\"uid\": 0, \"gid\": 0, \"username\": \"root\"}", NULL, "process.user.username");
  check_limits (NULL, "\"personality\": {\"domain\": \"LINUX32\", \"flags\": [\"UNAME26\"]}", NULL);
  check_limits (NULL, "\"personality\": {\"domain\": \"LINUX\", \"flags\": [\"PER_BSD\"]}",
                "linux.personality.flags[0]: unknown flag");

  /* the namespace plan */
  check_plan ("\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"user\"},"
              " {\"type\": \"cgroup\"}, {\"type\": \"time\"}]",
              CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME,
              CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER, NULL);
  check_plan (
      "\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"network\", \"path\": \"/proc/self/ns/net\"}]",
      CLONE_NEWNS, CLONE_NEWNS, NULL);
  /* A joined user namespace: the init unshares the new kinds itself;
     with a new pid namespace, the intermediate clones them. */
  int other = spawn_other_namespaces ();
  check_plan_with ("\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"uts\"},"
                   " {\"type\": \"user\", \"path\": \"/proc/@/ns/user\"}]",
                   other, CLONE_NEWNS | CLONE_NEWUTS, 0, NULL);
  check_plan_with ("\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"}, {\"type\": \"cgroup\"},"
                   " {\"type\": \"user\", \"path\": \"/proc/@/ns/user\"}]",
                   other, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWCGROUP, CLONE_NEWNS | CLONE_NEWPID, NULL);
  check_plan ("\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"pid\"},"
              " {\"type\": \"user\", \"path\": \"/proc/self/ns/user\"}]",
              0, 0, "linux.namespaces[2].path \"/proc/self/ns/user\": husk's own user namespace");
  /* A joined mount namespace: the rootfs is set up in it, by a root that
     can mount there. */
  check_plan_with ("\"namespaces\": [{\"type\": \"mount\", \"path\": \"/proc/@/ns/mnt\"},"
                   " {\"type\": \"user\", \"path\": \"/proc/@/ns/user\"}]",
                   other, 0, 0, NULL);
  check_plan_with ("\"namespaces\": [{\"type\": \"mount\", \"path\": \"/proc/@/ns/mnt\"}, {\"type\": \"pid\"}]",
                   other, CLONE_NEWPID, CLONE_NEWPID, NULL);
  check_plan_with ("\"namespaces\": [{\"type\": \"mount\", \"path\": \"/proc/@/ns/mnt\"}, {\"type\": \"user\"}]",
                   other, 0, 0, "a joined mount namespace with a new user namespace");
  check_plan ("\"namespaces\": [{\"type\": \"mount\", \"path\": \"/proc/self/ns/mnt\"}]", 0, 0,
              "linux.namespaces[0].path \"/proc/self/ns/mnt\": husk's own mount namespace");
  check_plan ("\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"mount\"}]", 0, 0,
              "linux.namespaces[1]: duplicate namespace \"mount\"");
  check_plan ("\"namespaces\": [{\"type\": \"mount\"}, {\"type\": \"uts\", \"path\": \"/proc/self/ns/ipc\"}]",
              0, 0, "a namespace of kind ipc, not uts");
  /* No mount namespace: the host's, chrooted into (runc does the same);
     only what would be a mount in the host's table is refused. */
  check_plan ("\"namespaces\": [{\"type\": \"pid\"}]", CLONE_NEWPID, CLONE_NEWPID, NULL);
  check_plan ("\"namespaces\": []", 0, 0, NULL);
  check_plan ("\"namespaces\": [{\"type\": \"pid\"}], \"maskedPaths\": [\"/proc/kcore\"]", 0, 0,
              "config.json: linux.maskedPaths: needs a mount namespace in linux.namespaces");
  check_plan ("\"devices\": [{\"path\": \"/dev/x\", \"type\": \"c\", \"major\": 1, \"minor\": 3}]", 0, 0,
              "config.json: linux.devices[0]: needs a mount namespace in linux.namespaces");
  check_plan ("\"namespaces\": [{\"type\": \"mount\"}], \"timeOffsets\": {\"boottime\": {\"secs\": 1}}", 0, 0,
              "linux.timeOffsets: needs a new time namespace");

  return tap_done ();
}
