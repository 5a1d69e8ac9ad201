/* process.capabilities: checked against the kernel and husk's own sets,
   then applied in the init with libcap. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "caps.h"
#include "cleanup.h"
#include "log.h"
#include "oci_tables.h"

typedef uint64_t caps_mask;
#define CAPS_BIT(v) ((caps_mask) 1 << (v))

static void
cap_freep (cap_t *c)
{
  if (*c)
    cap_free (*c);
}
#define _cleanup_cap_ __attribute__ ((cleanup (cap_freep)))

/* The five sets, by their config.json names. */
enum caps_set { SET_BOUNDING, SET_EFFECTIVE, SET_INHERITABLE, SET_PERMITTED, SET_AMBIENT, SET_COUNT };

static const char *const set_names[SET_COUNT] = {
  "bounding", "effective", "inheritable", "permitted", "ambient",
};

static const oci_strv *
set_list (const struct oci_capabilities *c, enum caps_set s)
{
  const oci_strv *lists[SET_COUNT] = {
    &c->bounding, &c->effective, &c->inheritable, &c->permitted, &c->ambient,
  };
  return lists[s];
}

/* The number of capabilities the running kernel knows (cap_last_cap + 1). */
static int
caps_kernel_count (void)
{
  int n = (int) cap_max_bits ();
  return n > 0 && n <= 64 ? n : CAP_LAST_CAP + 1;
}

/* The parser has refused names missing from oci_capabilities; this
   refuses those the running kernel does not know. */
static int
caps_mask_of (const struct oci_capabilities *c, enum caps_set s, caps_mask *out,
              struct husk_error **err)
{
  const oci_strv *l = set_list (c, s);
  int count = caps_kernel_count ();
  *out = 0;
  for (size_t i = 0; i < l->n; i++)
    {
      const struct oci_capability *cap = oci_capability_find (l->v[i]);
      if (cap == NULL)
        return husk_error_set (err, "config.json: process.capabilities.%s[%zu]: unknown capability \"%s\"",
                               set_names[s], i, l->v[i]);
      if (cap->value >= count)
        return husk_error_set (err,
                               "config.json: process.capabilities.%s: %s is not known to the running "
                               "kernel (cap_last_cap %d)",
                               set_names[s], cap->name, count - 1);
      *out |= CAPS_BIT (cap->value);
    }
  return 0;
}

static const char *
caps_name (int value)
{
  for (const struct oci_capability *c = oci_capabilities; c->name; c++)
    if (c->value == value)
      return c->name;
  return "?";
}

/* The lowest capability in `extra` (not 0), for messages. */
static const char *
caps_first (caps_mask extra)
{
  return caps_name (__builtin_ctzll (extra));
}

static caps_mask
caps_own_bounding (void)
{
  caps_mask m = 0;
  for (int v = 0; v < caps_kernel_count (); v++)
    if (cap_get_bound ((cap_value_t) v) == 1)
      m |= CAPS_BIT (v);
  return m;
}

int
caps_check (const struct oci_capabilities *caps, struct husk_error **err)
{
  if (caps == NULL)
    return 0;
  caps_mask m[SET_COUNT];
  for (int s = 0; s < SET_COUNT; s++)
    if (caps_mask_of (caps, (enum caps_set) s, &m[s], err) < 0)
      return -1;
  /* The bounding set, not the permitted one: in a new user namespace the
     init has every capability whatever husk's own permitted set, but
     never one outside the bounding set it inherits. */
  caps_mask own_bnd = caps_own_bounding ();
  for (int s = SET_EFFECTIVE; s < SET_COUNT; s++)
    if (m[s] & ~own_bnd)
      return husk_error_set (err, "config.json: process.capabilities.%s: %s is not in husk's bounding set",
                             set_names[s], caps_first (m[s] & ~own_bnd));
  /* The kernel's rules for capset(2).  PR_CAP_AMBIENT_RAISE's (ambient
     within permitted and inheritable) only warn: runc 1.1 ignores its
     failures, and its own `runc spec` lists ambient capabilities that are
     not inheritable; caps_apply raises the rest. */
  const struct
  {
    enum caps_set set, within;
  } rules[] = {
    { SET_EFFECTIVE, SET_PERMITTED },
    { SET_INHERITABLE, SET_BOUNDING },
  };
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
    {
      caps_mask extra = m[rules[i].set] & ~m[rules[i].within];
      if (extra)
        return husk_error_set (err, "config.json: process.capabilities.%s: %s is not in process.capabilities.%s",
                               set_names[rules[i].set], caps_first (extra), set_names[rules[i].within]);
    }
  caps_mask amb_lost = m[SET_AMBIENT] & ~(m[SET_PERMITTED] & m[SET_INHERITABLE]);
  if (amb_lost)
    log_warning ("config.json: process.capabilities.ambient: %s is not in both process.capabilities.permitted "
                 "and inheritable: the kernel raises no such ambient capability",
                 caps_first (amb_lost));
  caps_mask lost = m[SET_BOUNDING] & ~own_bnd;
  if (lost)
    log_warning ("config.json: process.capabilities.bounding: %s is not in husk's bounding set: the "
                 "container's bounding set cannot have it",
                 caps_first (lost));
  return 0;
}

int
caps_prepare (const struct oci_capabilities *caps, bool keep_sys_admin, struct husk_error **err)
{
  if (caps)
    {
      caps_mask bnd;
      if (caps_mask_of (caps, SET_BOUNDING, &bnd, err) < 0)
        return -1;
      /* Dropping needs CAP_SETPCAP in the effective set: now, before the
         uid change clears it. */
      for (int v = 0; v < caps_kernel_count (); v++)
        if (!(bnd & CAPS_BIT (v)) && cap_drop_bound ((cap_value_t) v) < 0)
          return husk_error_sys (err, errno, "drop %s from the bounding set", caps_name (v));
    }
  if ((caps || keep_sys_admin) && prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return husk_error_sys (err, errno, "prctl PR_SET_KEEPCAPS");
  return 0;
}

static int
set_flags (cap_t c, cap_flag_t flag, caps_mask m)
{
  for (int v = 0; v < 64; v++)
    if (m & CAPS_BIT (v))
      {
        cap_value_t cv = (cap_value_t) v;
        if (cap_set_flag (c, flag, 1, &cv, CAP_SET) < 0)
          return -1;
      }
  return 0;
}

static int
apply_ambient (caps_mask amb, struct husk_error **err)
{
  /* EINVAL: a kernel older than 4.3, which has no ambient set. */
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && !(errno == EINVAL && amb == 0))
    return husk_error_sys (err, errno, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
  for (int v = 0; v < 64; v++)
    if ((amb & CAPS_BIT (v)) && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      return husk_error_sys (err, errno, "process.capabilities.ambient: raise %s", caps_name (v));
  return 0;
}

int
caps_apply (const struct oci_capabilities *caps, bool keep_sys_admin, struct husk_error **err)
{
  if (caps == NULL && !keep_sys_admin)
    return 0;
  _cleanup_cap_ cap_t c = NULL;
  caps_mask amb = 0;
  if (caps == NULL)
    {
      /* Only CAP_SYS_ADMIN back into the effective set (a uid change may
         have cleared it; keep-caps kept it permitted). */
      c = cap_get_proc ();
      if (c == NULL)
        return husk_error_sys (err, errno, "read the init's capabilities");
    }
  else
    {
      caps_mask m[SET_COUNT];
      for (int s = 0; s < SET_COUNT; s++)
        if (caps_mask_of (caps, (enum caps_set) s, &m[s], err) < 0)
          return -1;
      amb = m[SET_AMBIENT] & m[SET_PERMITTED] & m[SET_INHERITABLE]; /* caps_check */
      c = cap_init ();
      if (c == NULL || set_flags (c, CAP_EFFECTIVE, m[SET_EFFECTIVE]) < 0
          || set_flags (c, CAP_PERMITTED, m[SET_PERMITTED]) < 0
          || set_flags (c, CAP_INHERITABLE, m[SET_INHERITABLE]) < 0)
        return husk_error_sys (err, errno, "build the capability sets");
    }
  if (keep_sys_admin
      && (set_flags (c, CAP_EFFECTIVE, CAPS_BIT (CAP_SYS_ADMIN)) < 0
          || set_flags (c, CAP_PERMITTED, CAPS_BIT (CAP_SYS_ADMIN)) < 0))
    return husk_error_sys (err, errno, "build the capability sets");
  if (cap_set_proc (c) < 0)
    return husk_error_sys (err, errno, "process.capabilities: set the effective, permitted and "
                                       "inheritable sets");
  if (caps == NULL)
    return 0;
  return apply_ambient (amb, err);
}
