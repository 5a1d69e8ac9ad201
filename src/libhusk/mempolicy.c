/* linux.memoryPolicy (config-linux.md "Memory policy"), see mempolicy.h. */
#include <config.h>

#include "mempolicy.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"

/* The kernel's ABI (uapi linux/mempolicy.h; older headers lack
   MPOL_WEIGHTED_INTERLEAVE). */
enum
{
  MODE_DEFAULT = 0,
  MODE_PREFERRED = 1,
  MODE_BIND = 2,
  MODE_INTERLEAVE = 3,
  MODE_LOCAL = 4,
  MODE_PREFERRED_MANY = 5,
  MODE_WEIGHTED_INTERLEAVE = 6,
};
#define FLAG_STATIC_NODES (1 << 15)
#define FLAG_RELATIVE_NODES (1 << 14)
#define FLAG_NUMA_BALANCING (1 << 13)

/* Node numbers husk passes: the kernel's MAX_NUMNODES is at most 1024. */
#define MAX_NODES 1024
#define LONG_BITS (sizeof (unsigned long) * CHAR_BIT)

static const struct
{
  const char *name;
  int value;
} modes[] = {
  { "MPOL_DEFAULT", MODE_DEFAULT },
  { "MPOL_BIND", MODE_BIND },
  { "MPOL_INTERLEAVE", MODE_INTERLEAVE },
  { "MPOL_WEIGHTED_INTERLEAVE", MODE_WEIGHTED_INTERLEAVE },
  { "MPOL_PREFERRED", MODE_PREFERRED },
  { "MPOL_PREFERRED_MANY", MODE_PREFERRED_MANY },
  { "MPOL_LOCAL", MODE_LOCAL },
}, flags[] = {
  { "MPOL_F_NUMA_BALANCING", FLAG_NUMA_BALANCING },
  { "MPOL_F_RELATIVE_NODES", FLAG_RELATIVE_NODES },
  { "MPOL_F_STATIC_NODES", FLAG_STATIC_NODES },
};

struct policy
{
  int mode, flags;
  bool any_node;
  unsigned long mask[MAX_NODES / LONG_BITS];
};

static void
set_node (unsigned long *mask, unsigned n)
{
  mask[n / LONG_BITS] |= 1UL << (n % LONG_BITS);
}

static bool
has_node (const unsigned long *mask, unsigned n)
{
  return mask[n / LONG_BITS] & (1UL << (n % LONG_BITS));
}

/* A list such as "0-3,7" (as cpuset lists; "" is no node) into mask.
   Returns false on bad syntax or a node >= MAX_NODES. */
static bool
parse_nodes (const char *s, unsigned long *mask, bool *any)
{
  *any = false;
  if (*s == '\0')
    return true;
  for (;;)
    {
      char *end;
      if (*s < '0' || *s > '9')
        return false;
      unsigned long lo = strtoul (s, &end, 10), hi = lo;
      if (*end == '-')
        {
          s = end + 1;
          if (*s < '0' || *s > '9')
            return false;
          hi = strtoul (s, &end, 10);
        }
      if (lo > hi || hi >= MAX_NODES)
        return false;
      for (unsigned long n = lo; n <= hi; n++)
        set_node (mask, n);
      *any = true;
      if (*end == '\0')
        return true;
      if (*end != ',')
        return false;
      s = end + 1;
    }
}

static int
lookup (const char *name, int *out)
{
  for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
    if (strcmp (modes[i].name, name) == 0)
      return *out = modes[i].value, 0;
  return -1;
}

static int
lookup_flag (const char *name, int *out)
{
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
    if (strcmp (flags[i].name, name) == 0)
      return *out |= flags[i].value, 0;
  return -1;
}

/* The policy of mp, checked against the kernel's rules (mm/mempolicy.c:
   sanitize_mpol_flags, mpol_new). */
static int
build (const struct oci_memory_policy *mp, struct policy *pol, struct husk_error **err)
{
  const char *nodes = mp->nodes ? mp->nodes : "";
  memset (pol, 0, sizeof *pol);
  if (mp->mode == NULL || lookup (mp->mode, &pol->mode) < 0)
    return husk_error_set (err, "config.json: linux.memoryPolicy.mode \"%s\": unknown memory policy mode",
                           mp->mode ? mp->mode : "");
  for (size_t i = 0; i < mp->flags.n; i++)
    if (lookup_flag (mp->flags.v[i], &pol->flags) < 0)
      return husk_error_set (err, "config.json: linux.memoryPolicy.flags[%zu] \"%s\": unknown memory policy flag",
                             i, mp->flags.v[i]);
  if (!parse_nodes (nodes, pol->mask, &pol->any_node))
    return husk_error_set (err,
                           "config.json: linux.memoryPolicy.nodes \"%s\": not a node list such as \"0-3,7\" "
                           "(nodes 0 to %d)",
                           nodes, MAX_NODES - 1);
  bool placed = pol->flags & (FLAG_STATIC_NODES | FLAG_RELATIVE_NODES);
  if ((pol->flags & FLAG_STATIC_NODES) && (pol->flags & FLAG_RELATIVE_NODES))
    return husk_error_set (err, "config.json: linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
                                "MPOL_F_RELATIVE_NODES exclude each other");
  /* Linux 6.18 allows MPOL_PREFERRED_MANY too; older kernels refuse it
     at set_mempolicy. */
  if ((pol->flags & FLAG_NUMA_BALANCING) && pol->mode != MODE_BIND && pol->mode != MODE_PREFERRED_MANY)
    return husk_error_set (err, "config.json: linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs mode "
                                "MPOL_BIND or MPOL_PREFERRED_MANY, not %s",
                           mp->mode);
  switch (pol->mode)
    {
    case MODE_DEFAULT:
    case MODE_LOCAL:
      if (pol->any_node)
        return husk_error_set (err, "config.json: linux.memoryPolicy.nodes \"%s\": must be empty with %s", nodes,
                               mp->mode);
      if (placed)
        return husk_error_set (err, "config.json: linux.memoryPolicy.flags: %s takes no node flags", mp->mode);
      break;
    case MODE_PREFERRED:
      /* No node: local allocation, which takes no node flags either. */
      if (!pol->any_node && placed)
        return husk_error_set (err,
                               "config.json: linux.memoryPolicy.flags: MPOL_PREFERRED without nodes takes no "
                               "node flags");
      break;
    default:
      if (!pol->any_node)
        return husk_error_set (err, "config.json: linux.memoryPolicy.nodes: required with %s", mp->mode);
    }
  return 0;
}

/* The host's online nodes; a kernel without NUMA has node 0 alone. */
static int
online_nodes (unsigned long *mask, char *text, size_t size, struct husk_error **err)
{
  _cleanup_fclose_ FILE *f = fopen ("/sys/devices/system/node/online", "re");
  bool any;
  if (f == NULL && errno == ENOENT)
    {
      snprintf (text, size, "0");
      set_node (mask, 0);
      return 0;
    }
  if (f == NULL || fgets (text, (int) size, f) == NULL)
    return husk_error_sys (err, errno ? errno : EIO, "read /sys/devices/system/node/online");
  text[strcspn (text, "\n")] = '\0';
  if (!parse_nodes (text, mask, &any))
    return husk_error_set (err, "/sys/devices/system/node/online \"%s\": not a node list", text);
  return 0;
}

int
mempolicy_check (const struct oci_memory_policy *mp, struct husk_error **err)
{
  struct policy pol;
  if (mp == NULL)
    return 0;
  if (build (mp, &pol, err) < 0)
    return -1;
  /* Relative node numbers are folded onto the allowed nodes. */
  if (!pol.any_node || (pol.flags & FLAG_RELATIVE_NODES))
    return 0;
  unsigned long online[MAX_NODES / LONG_BITS] = { 0 };
  char text[256];
  if (online_nodes (online, text, sizeof text, err) < 0)
    return -1;
  for (unsigned n = 0; n < MAX_NODES; n++)
    if (has_node (pol.mask, n) && !has_node (online, n))
      return husk_error_set (err, "config.json: linux.memoryPolicy.nodes \"%s\": node %u is not online (online: %s)",
                             mp->nodes, n, text);
  return 0;
}

int
mempolicy_apply (const struct oci_memory_policy *mp, struct husk_error **err)
{
  struct policy pol;
  if (mp == NULL)
    return 0;
  if (build (mp, &pol, err) < 0)
    return -1;
  /* maxnode counts one more than the mask's bits (the kernel's get_nodes
     drops one). */
  if (syscall (SYS_set_mempolicy, pol.mode | pol.flags, pol.any_node ? pol.mask : NULL,
               pol.any_node ? (unsigned long) MAX_NODES + 1 : 0UL)
      < 0)
    return husk_error_sys (err, errno, "config.json: linux.memoryPolicy: set_mempolicy %s", mp->mode);
  return 0;
}
