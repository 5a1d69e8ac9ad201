/* The default config.json of `husk spec`: runc 1.1's example
   configuration for this host, with husk's hostname and spec version
   (docs/runc-differences.md), and its rootless variant. */
#include <config.h>

#include <string.h>

#include "oci_gen.h"
#include "oci_spec_default.h"

/* runc's default capabilities, in every set it lists, ambient included
   (the kernel raises no ambient capability that is not inheritable too,
   and husk, like runc, applies the rest: caps.c). */
static const char *const default_caps[] = {
  "CAP_AUDIT_WRITE",
  "CAP_KILL",
  "CAP_NET_BIND_SERVICE",
  NULL,
};

static const char *const default_env[] = {
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "TERM=xterm",
  NULL,
};

struct default_mount
{
  const char *destination;
  const char *type;
  const char *source;
  const char *options[8];
};

static const struct default_mount default_mounts[] = {
  { "/proc", "proc", "proc", { NULL } },
  { "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
  { "/dev/pts",
    "devpts",
    "devpts",
    { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
  { "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL } },
  { "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
  { "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
  { "/sys/fs/cgroup", "cgroup", "cgroup", { "nosuid", "noexec", "nodev", "relatime", "ro", NULL } },
};

/* A rootless container cannot mount a fresh sysfs: sysfs belongs to the
   network namespace, and the host's is not owned by the new user
   namespace.  It gets the host's /sys bound read-only instead. */
static const struct default_mount rootless_sys
    = { "/sys", "none", "/sys", { "rbind", "nosuid", "noexec", "nodev", "ro", NULL } };

/* runc's; "cgroup" only with o->cgroup_ns. */
static const char *const default_namespaces[] = {
  "pid", "network", "ipc", "uts", "mount", "cgroup", NULL,
};

/* Kernel interfaces that leak host information or allow host-wide actions;
   the same lists as runc's and Docker's defaults. */
static const char *const default_masked_paths[] = {
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/sys/firmware",
  "/proc/scsi",
  NULL,
};

static const char *const default_readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static void
gen_process (struct oci_gen *w)
{
  oci_gen_str (w, "process");
  oci_gen_map_open (w);
  oci_gen_key_bool (w, "terminal", true);
  oci_gen_str (w, "user");
  oci_gen_map_open (w);
  oci_gen_key_int (w, "uid", 0);
  oci_gen_key_int (w, "gid", 0);
  oci_gen_map_close (w);
  oci_gen_key_strv (w, "args", (const char *const[]){ "sh", NULL });
  oci_gen_key_strv (w, "env", default_env);
  oci_gen_key_str (w, "cwd", "/");
  oci_gen_str (w, "capabilities");
  oci_gen_map_open (w);
  oci_gen_key_strv (w, "bounding", default_caps);
  oci_gen_key_strv (w, "effective", default_caps);
  oci_gen_key_strv (w, "permitted", default_caps);
  oci_gen_key_strv (w, "ambient", default_caps);
  oci_gen_map_close (w);
  oci_gen_str (w, "rlimits");
  oci_gen_array_open (w);
  oci_gen_map_open (w);
  oci_gen_key_str (w, "type", "RLIMIT_NOFILE");
  oci_gen_key_int (w, "hard", 1024);
  oci_gen_key_int (w, "soft", 1024);
  oci_gen_map_close (w);
  oci_gen_array_close (w);
  oci_gen_key_bool (w, "noNewPrivileges", true);
  oci_gen_map_close (w);
}

/* In a user namespace the host's uid and gid numbers mean nothing, so a
   rootless configuration drops the uid= and gid= mount options (devpts's
   gid=5 would name an unmapped group). */
static bool
mount_option_kept (const char *opt, bool rootless)
{
  return !rootless || (strncmp (opt, "uid=", 4) != 0 && strncmp (opt, "gid=", 4) != 0);
}

static void
gen_mount (struct oci_gen *w, const struct default_mount *m, bool rootless)
{
  oci_gen_map_open (w);
  oci_gen_key_str (w, "destination", m->destination);
  oci_gen_key_str (w, "type", m->type);
  oci_gen_key_str (w, "source", m->source);
  if (m->options[0])
    {
      oci_gen_str (w, "options");
      oci_gen_array_open (w);
      for (const char *const *o = m->options; *o; o++)
        if (mount_option_kept (*o, rootless))
          oci_gen_str (w, *o);
      oci_gen_array_close (w);
    }
  oci_gen_map_close (w);
}

static void
gen_mounts (struct oci_gen *w, bool rootless)
{
  oci_gen_str (w, "mounts");
  oci_gen_array_open (w);
  for (size_t i = 0; i < sizeof default_mounts / sizeof *default_mounts; i++)
    {
      const struct default_mount *m = &default_mounts[i];
      if (rootless && strcmp (m->destination, rootless_sys.destination) == 0)
        m = &rootless_sys;
      gen_mount (w, m, rootless);
    }
  oci_gen_array_close (w);
}

static void
gen_id_mapping (struct oci_gen *w, const char *key, uint32_t host_id)
{
  oci_gen_str (w, key);
  oci_gen_array_open (w);
  oci_gen_map_open (w);
  oci_gen_key_int (w, "containerID", 0);
  oci_gen_key_int (w, "hostID", host_id);
  oci_gen_key_int (w, "size", 1);
  oci_gen_map_close (w);
  oci_gen_array_close (w);
}

static void
gen_linux (struct oci_gen *w, const struct oci_spec_default_options *o)
{
  oci_gen_str (w, "linux");
  oci_gen_map_open (w);
  if (o->rootless)
    {
      /* Only the caller's own ids can be mapped without privilege. */
      gen_id_mapping (w, "uidMappings", o->host_uid);
      gen_id_mapping (w, "gidMappings", o->host_gid);
    }
  else
    {
      /* Deny every device; the runtime adds the default ones (null, zero,
         tty, ...).  A rootless container may have no cgroup to apply
         this to, so it gets no resources at all. */
      oci_gen_str (w, "resources");
      oci_gen_map_open (w);
      oci_gen_str (w, "devices");
      oci_gen_array_open (w);
      oci_gen_map_open (w);
      oci_gen_key_bool (w, "allow", false);
      oci_gen_key_str (w, "access", "rwm");
      oci_gen_map_close (w);
      oci_gen_array_close (w);
      oci_gen_map_close (w);
    }
  oci_gen_str (w, "namespaces");
  oci_gen_array_open (w);
  for (const char *const *ns = default_namespaces; *ns; ns++)
    {
      /* Without privilege a new network namespace has no usable network;
         the container keeps the caller's. */
      if ((o->rootless && strcmp (*ns, "network") == 0) || (!o->cgroup_ns && strcmp (*ns, "cgroup") == 0))
        continue;
      oci_gen_map_open (w);
      oci_gen_key_str (w, "type", *ns);
      oci_gen_map_close (w);
    }
  if (o->rootless)
    {
      oci_gen_map_open (w);
      oci_gen_key_str (w, "type", "user");
      oci_gen_map_close (w);
    }
  oci_gen_array_close (w);
  oci_gen_key_strv (w, "maskedPaths", default_masked_paths);
  oci_gen_key_strv (w, "readonlyPaths", default_readonly_paths);
  oci_gen_map_close (w);
}

int
oci_spec_default_generate (const struct oci_spec_default_options *o, char **json, size_t *len, char **err)
{
  struct oci_gen w;
  if (oci_gen_init (&w, "\t") < 0)
    {
      *err = strdup ("generate the default configuration: out of memory");
      return -1;
    }
  oci_gen_map_open (&w);
  oci_gen_key_str (&w, "ociVersion", HUSK_OCI_VERSION);
  gen_process (&w);
  oci_gen_str (&w, "root");
  oci_gen_map_open (&w);
  oci_gen_key_str (&w, "path", "rootfs");
  oci_gen_key_bool (&w, "readonly", true);
  oci_gen_map_close (&w);
  oci_gen_key_str (&w, "hostname", "husk");
  gen_mounts (&w, o->rootless);
  gen_linux (&w, o);
  oci_gen_map_close (&w);
  if (oci_gen_finish (&w, "the default configuration", json, len, err) < 0)
    return -1;
  /* runc 1.1 ends its config.json without a newline. */
  if (*len > 0 && (*json)[*len - 1] == '\n')
    (*json)[--*len] = '\0';
  return 0;
}
