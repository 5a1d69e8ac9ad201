/* husk update: update the resource limits of a container. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cgroup/manage.h"

static const struct cmd_option update_options[] = {
  { "resources", 'r', CMD_ARG_VALUE, "FILE", "JSON file of linux.resources to apply (\"-\" for stdin)" },
  { "blkio-weight", 0, CMD_ARG_VALUE, "N", "block IO weight (10..1000)" },
  { "cpu-period", 0, CMD_ARG_VALUE, "USECS", "CPU CFS period" },
  { "cpu-quota", 0, CMD_ARG_VALUE, "USECS", "CPU CFS quota" },
  { "cpu-share", 0, CMD_ARG_VALUE, "N", "CPU shares" },
  { "cpu-rt-period", 0, CMD_ARG_VALUE, "USECS", "CPU realtime period" },
  { "cpu-rt-runtime", 0, CMD_ARG_VALUE, "USECS", "CPU realtime runtime" },
  { "cpuset-cpus", 0, CMD_ARG_VALUE, "LIST", "CPUs to use" },
  { "cpuset-mems", 0, CMD_ARG_VALUE, "LIST", "memory nodes to use" },
  { "kernel-memory", 0, CMD_ARG_VALUE, "BYTES", "kernel memory limit (deprecated, refused)" },
  { "kernel-memory-tcp", 0, CMD_ARG_VALUE, "BYTES", "kernel TCP memory limit (deprecated, refused)" },
  { "memory", 0, CMD_ARG_VALUE, "BYTES", "memory limit" },
  { "memory-reservation", 0, CMD_ARG_VALUE, "BYTES", "memory soft limit" },
  { "memory-swap", 0, CMD_ARG_VALUE, "BYTES", "memory plus swap limit (-1: unlimited)" },
  { "pids-limit", 0, CMD_ARG_VALUE, "N", "maximum number of pids" },
  { "l3-cache-schema", 0, CMD_ARG_VALUE, "SCHEMA", "Intel RDT L3 cache schema" },
  { "mem-bw-schema", 0, CMD_ARG_VALUE, "SCHEMA", "Intel RDT memory bandwidth schema" },
  { 0 },
};

/* A number, or for bytes one with a unit as runc takes them ("512m",
   "1g", "100kb"; powers of 1024); -1 where the option allows it. */
static int
parse_number (const char *opt, const char *s, bool bytes, bool allow_minus_one, int64_t *out,
              struct husk_error **err)
{
  char *end;
  errno = 0;
  long long v = strtoll (s, &end, 10);
  if (end == s || errno)
    return husk_error_set (err, "--%s: invalid value \"%s\"", opt, s);
  int64_t mult = 1;
  if (bytes && *end)
    {
      static const char units[] = "bkmgtp";
      const char *u = strchr (units, tolower ((unsigned char)*end));
      if (u == NULL)
        return husk_error_set (err, "--%s: invalid unit in \"%s\" (b, k, m, g, t, p)", opt, s);
      for (const char *x = units; x < u; x++)
        mult *= 1024;
      end++;
      if (u != units && (*end == 'b' || *end == 'B'))
        end++;
    }
  if (*end)
    return husk_error_set (err, "--%s: invalid value \"%s\"", opt, s);
  if (v == -1 && allow_minus_one && mult == 1)
    {
      *out = -1;
      return 0;
    }
  if (v < 0 || (mult > 1 && v > INT64_MAX / mult))
    return husk_error_set (err, "--%s: out of range: \"%s\"", opt, s);
  *out = v * mult;
  return 0;
}

/* --resources FILE, a pipe (/dev/fd/N) or "-" for stdin, within the size
   cap of a config.json. */
static int
read_resources (const char *file, struct oci_resources **out, struct husk_error **err)
{
  char *perr = NULL;
  if (oci_resources_parse_file (file, file, out, &perr) < 0)
    {
      husk_error_set (err, "--resources: %s", perr ? perr : "cannot parse");
      free (perr);
      return -1;
    }
  return 0;
}

/* The flags, each onto its linux.resources member; a flag overrides the
   same member of --resources.  A flag of 0 (or "") leaves its member as it
   is, as with runc (container_update drops such members). */
static int
apply_flags (struct cmd_args *a, struct oci_resources *r, struct husk_error **err)
{
  static const char *const refused[][2] = {
    { "kernel-memory", "kernel memory limits are deprecated and not supported" },
    { "kernel-memory-tcp", "kernel TCP memory limits are deprecated and not supported" },
    { "l3-cache-schema", "Intel RDT is not supported" },
    { "mem-bw-schema", "Intel RDT is not supported" },
  };
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
    if (cmd_opt (a, refused[i][0]))
      return husk_error_set (err, "--%s: %s", refused[i][0], refused[i][1]);

  const struct
  {
    const char *opt;
    bool bytes, minus_one;
  } nums[] = {
    { "memory", true, true },          { "memory-reservation", true, true }, { "memory-swap", true, true },
    { "cpu-share", false, false },     { "cpu-period", false, false },       { "cpu-quota", false, true },
    { "cpu-rt-period", false, false }, { "cpu-rt-runtime", false, true },    { "pids-limit", false, true },
    { "blkio-weight", false, false },
  };
  int64_t v[sizeof nums / sizeof *nums];
  bool set[sizeof nums / sizeof *nums];
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
    {
      const char *s = cmd_opt (a, nums[i].opt);
      set[i] = s != NULL;
      if (s && parse_number (nums[i].opt, s, nums[i].bytes, nums[i].minus_one, &v[i], err) < 0)
        return -1;
    }
  if (set[0] || set[1] || set[2])
    {
      if (r->memory == NULL)
        r->memory = xcalloc (1, sizeof *r->memory);
      struct oci_memory *m = r->memory;
      if (set[0])
        m->limit = (oci_opt_i64){ true, v[0] };
      if (set[1])
        m->reservation = (oci_opt_i64){ true, v[1] };
      if (set[2])
        m->swap = (oci_opt_i64){ true, v[2] };
    }
  if (set[3] || set[4] || set[5] || set[6] || set[7] || cmd_opt (a, "cpuset-cpus")
      || cmd_opt (a, "cpuset-mems"))
    {
      if (r->cpu == NULL)
        r->cpu = xcalloc (1, sizeof *r->cpu);
      struct oci_cpu *c = r->cpu;
      if (set[3])
        c->shares = (oci_opt_u64){ true, (uint64_t)v[3] };
      if (set[4])
        c->period = (oci_opt_u64){ true, (uint64_t)v[4] };
      if (set[5])
        c->quota = (oci_opt_i64){ true, v[5] };
      if (set[6])
        c->realtime_period = (oci_opt_u64){ true, (uint64_t)v[6] };
      if (set[7])
        c->realtime_runtime = (oci_opt_i64){ true, v[7] };
      if (cmd_opt (a, "cpuset-cpus"))
        {
          free (c->cpus);
          c->cpus = xstrdup (cmd_opt (a, "cpuset-cpus"));
        }
      if (cmd_opt (a, "cpuset-mems"))
        {
          free (c->mems);
          c->mems = xstrdup (cmd_opt (a, "cpuset-mems"));
        }
    }
  if (set[8])
    {
      r->has_pids = true;
      r->pids_limit = (oci_opt_i64){ true, v[8] };
    }
  if (set[9])
    {
      if (v[9] != 0 && (v[9] < 10 || v[9] > 1000))
        return husk_error_set (err, "--blkio-weight: %" PRId64 " is out of range (10..1000, or 0: unchanged)",
                               v[9]);
      if (r->block_io == NULL)
        r->block_io = xcalloc (1, sizeof *r->block_io);
      r->block_io->weight = (oci_opt_u32){ true, (uint32_t)v[9] };
    }
  return 0;
}

static int
cmd_update_run (struct husk_globals *g, struct cmd_args *a, struct husk_error **err)
{
  if (cmd_expect_args (a->cmd, a, 1, 1, err) < 0)
    return -1;
  struct oci_resources *r = NULL;
  if (cmd_opt (a, "resources"))
    {
      if (read_resources (cmd_opt (a, "resources"), &r, err) < 0)
        return -1;
    }
  else
    r = xcalloc (1, sizeof *r);
  int ret = apply_flags (a, r, err);
  if (ret == 0)
    ret = container_update (g->root, a->argv[0], r, err);
  oci_resources_free (r);
  return ret < 0 ? -1 : 0;
}

const struct husk_command cmd_update = {
  .name = "update",
  .usage = "[options] <container-id>",
  .summary = "update the resource limits of a container",
  .takes_id = true,
  .options = update_options,
  .run = cmd_update_run,
};
