/* Unit tests of the pure parts of the filesystem setup: the lexical clean
   of mount destinations and the sysctl namespace rules.  Prints TAP. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mounts.h"
#include "sysctl.h"
#include "tap.h"

static void
check_clean (const char *in, const char *want)
{
  char *got = mounts_clean_path (in);
  tap_ok (strcmp (got, want) == 0, "clean \"%s\" -> \"%s\" (got \"%s\")", in, want, got);
  free (got);
}

/* sysctl_check on one key with the given namespaces; want_err: a part of
   the expected message, or NULL for success. */
static void
check_sysctl (const char *key, const char *const *ns, const char *want_err)
{
  struct oci_namespace nsv[8] = { 0 };
  size_t n = 0;
  for (; ns[n]; n++)
    nsv[n].type = (char *)ns[n];
  char *keys[] = { (char *)key }, *values[] = { (char *)"1" };
  struct oci_linux l = { .sysctl = { keys, values, 1 } };
  l.namespaces.v = nsv;
  l.namespaces.n = n;
  struct oci_config c = { .linux_ = &l };
  struct husk_error *err = NULL;
  int r = sysctl_check (&c, &err);
  bool pass = want_err == NULL ? r == 0 && err == NULL
                               : r < 0 && err != NULL && strstr (err->msg, want_err) != NULL;
  tap_ok (pass, "sysctl \"%s\": %s%s", key, want_err ? "refused: " : "accepted", want_err ? want_err : "");
  if (err && want_err && !strstr (err->msg, want_err))
    tap_diag ("got: %s", err->msg);
  husk_error_free (err);
}

int
main (void)
{
  static const char *const all[] = { "network", "ipc", "uts", "mount", "pid", NULL };
  static const char *const none[] = { "mount", NULL };

  tap_plan (22);
  check_clean ("/", "");
  check_clean ("/proc", "proc");
  check_clean ("//a/./b//c/", "a/b/c");
  check_clean ("/a/b/../c", "a/c");
  check_clean ("/../../etc", "etc");
  check_clean ("/a/..", "");
  check_clean ("/..a/b..", "..a/b..");

  check_sysctl ("net.ipv4.ip_forward", all, NULL);
  check_sysctl ("net/ipv4/conf/eth0.1/forwarding", all, NULL);
  check_sysctl ("kernel.shmmax", all, NULL);
  check_sysctl ("kernel.msgmnb", all, NULL);
  check_sysctl ("kernel.sem", all, NULL);
  check_sysctl ("fs.mqueue.msg_max", all, NULL);
  check_sysctl ("kernel.hostname", all, NULL);
  check_sysctl ("vm.swappiness", all, "\"vm.swappiness\" is not namespaced: refusing to change the host");
  check_sysctl ("kernel.hostnamex", all, "is not namespaced");
  check_sysctl ("fs.mqueue", all, "is not namespaced");
  check_sysctl ("net.ipv4.ip_forward", none, "needs a new network namespace");
  check_sysctl ("kernel.shmall", none, "needs a new ipc namespace");
  check_sysctl ("kernel.domainname", none, "needs a new uts namespace");
  check_sysctl ("net/../kernel/core_pattern", all, "is not a valid key");
  check_sysctl ("net..ipv4", all, "is not a valid key");
  return tap_done ();
}
