/* Device access rules: linux.resources.devices plus the rules every
   container gets, reduced to what the v1 devices controller keeps (a
   default verdict and exceptions), then written to v1's devices.allow and
   devices.deny as the change from what devices.list holds, or on v2
   compiled into a BPF program (devices-bpf.c).  linux.devices makes nodes
   and grants no access by itself (as in runc). */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"

#define RWM (CGROUP_DEV_READ | CGROUP_DEV_WRITE | CGROUP_DEV_MKNOD)

/* What every container may use whatever its config says: runc 1.1's
   AllowedDevices (libcontainer/specconv), appended after the config's
   rules.  mknod of any node (opening one is what the rules guard), the
   devices of a minimal /dev, the ptys and tun.  runc drops the rule of a
   default device whose path linux.devices lists too; husk keeps it
   (docs/runc-differences.md). */
static const struct cgroup_device_rule default_rules[] = {
  { true, 'c', -1, -1, CGROUP_DEV_MKNOD },
  { true, 'b', -1, -1, CGROUP_DEV_MKNOD },
  { true, 'c', 1, 3, RWM },    /* /dev/null */
  { true, 'c', 1, 8, RWM },    /* /dev/random */
  { true, 'c', 1, 7, RWM },    /* /dev/full */
  { true, 'c', 5, 0, RWM },    /* /dev/tty */
  { true, 'c', 1, 5, RWM },    /* /dev/zero */
  { true, 'c', 1, 9, RWM },    /* /dev/urandom */
  { true, 'c', 136, -1, RWM }, /* /dev/pts/N */
  { true, 'c', 5, 2, RWM },    /* /dev/ptmx */
  { true, 'c', 10, 200, RWM }, /* /dev/net/tun */
};

void
cgroup_devices_free (struct cgroup_devices *d)
{
  if (d)
    free (d->ex);
  free (d);
}

/* For a struct cgroup_devices on the stack: its rules only. */
static void
devices_rules_free (struct cgroup_devices *d)
{
  free (d->ex);
}
#define _cleanup_rules_ __attribute__ ((cleanup (devices_rules_free)))

/* The rule as v1 spells it, with the accesses `access`. */
static void
rule_text (const struct cgroup_device_rule *r, unsigned access, char *buf, size_t len)
{
  char maj[24] = "*", min[24] = "*", acc[4];
  size_t a = 0;
  if (r->major >= 0)
    snprintf (maj, sizeof maj, "%" PRId64, r->major);
  if (r->minor >= 0)
    snprintf (min, sizeof min, "%" PRId64, r->minor);
  if (access & CGROUP_DEV_READ)
    acc[a++] = 'r';
  if (access & CGROUP_DEV_WRITE)
    acc[a++] = 'w';
  if (access & CGROUP_DEV_MKNOD)
    acc[a++] = 'm';
  acc[a] = '\0';
  if (r->type == 'a')
    snprintf (buf, len, "a"); /* v1 takes "a" alone for every device */
  else
    snprintf (buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}

static struct cgroup_device_rule *
exception_find (const struct cgroup_devices *d, char type, int64_t major, int64_t minor)
{
  for (size_t i = 0; i < d->n; i++)
    if (d->ex[i].type == type && d->ex[i].major == major && d->ex[i].minor == minor)
      return &d->ex[i];
  return NULL;
}

static void
exception_remove (struct cgroup_devices *d, struct cgroup_device_rule *e)
{
  size_t i = (size_t)(e - d->ex);
  memmove (&d->ex[i], &d->ex[i + 1], (d->n - i - 1) * sizeof *d->ex);
  d->n--;
}

/* One rule applied as the v1 controller applies a write: "a" resets the
   default and drops every exception; a rule with the default's verdict
   takes accesses from the exception of exactly its numbers; one with the
   other verdict adds them to it.  what names the rule in errors. */
static int
devices_add_rule (struct cgroup_devices *d, const struct cgroup_device_rule *r, const char *what,
                  struct husk_error **err)
{
  if (r->type == 'a')
    {
      d->default_allow = r->allow;
      d->n = 0;
      return 0;
    }
  struct cgroup_device_rule *e = exception_find (d, r->type, r->major, r->minor);
  if (r->allow != d->default_allow)
    {
      if (e)
        e->access |= r->access;
      else
        {
          d->ex = xrealloc (d->ex, (d->n + 1) * sizeof *d->ex);
          d->ex[d->n++] = *r;
        }
      return 0;
    }
  /* The kernel takes accesses from an exact match only: a rule inside a
     wildcard exception ("deny c 1:5 r" after "allow c 1:* rw") would
     silently change nothing.  Refused, as runc refuses it. */
  const int64_t partial[][2] = { { -1, r->minor }, { r->major, -1 }, { -1, -1 } };
  for (size_t i = 0; i < sizeof partial / sizeof *partial; i++)
    {
      const struct cgroup_device_rule *w = exception_find (d, r->type, partial[i][0], partial[i][1]);
      if (w && w != e && (w->access & r->access))
        {
          char mine[64], theirs[64];
          rule_text (r, r->access, mine, sizeof mine);
          rule_text (w, w->access, theirs, sizeof theirs);
          return husk_error_set (err,
                                 "%s: %s \"%s\" would take accesses from inside the earlier wildcard rule "
                                 "\"%s\", which the devices cgroup cannot do",
                                 what, r->allow ? "allow" : "deny", mine, theirs);
        }
    }
  if (e && (e->access &= ~r->access) == 0)
    exception_remove (d, e);
  return 0;
}

static int
exception_cmp (const void *a, const void *b)
{
  const struct cgroup_device_rule *x = a, *y = b;
  if (x->type != y->type)
    return x->type < y->type ? -1 : 1;
  if (x->major != y->major)
    return x->major < y->major ? -1 : 1;
  if (x->minor != y->minor)
    return x->minor < y->minor ? -1 : 1;
  return 0;
}

static void
devices_sort (struct cgroup_devices *d)
{
  if (d->n > 1)
    qsort (d->ex, d->n, sizeof *d->ex, exception_cmp);
}

static bool
devices_equal (const struct cgroup_devices *a, const struct cgroup_devices *b)
{
  if (a->default_allow != b->default_allow || a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (exception_cmp (&a->ex[i], &b->ex[i]) != 0 || a->ex[i].access != b->ex[i].access)
      return false;
  return true;
}

/* access as runc takes it: r, w and m in any order, a letter repeated or
   not; required and not empty (runc: "device access ... cannot be empty").
   runc drops other letters; husk refuses them. */
static int
access_parse (const char *s, const char *field, unsigned *out, struct husk_error **err)
{
  *out = 0;
  if (s == NULL || *s == '\0')
    return husk_error_set (err, "%s.access: required and must not be empty (r, w and m, in any order)",
                           field);
  for (const char *p = s; *p; p++)
    {
      unsigned bit = *p == 'r'   ? CGROUP_DEV_READ
                     : *p == 'w' ? CGROUP_DEV_WRITE
                     : *p == 'm' ? CGROUP_DEV_MKNOD
                                 : 0;
      if (bit == 0)
        return husk_error_set (err, "%s.access: invalid access \"%s\" (r, w and m only)", field, s);
      *out |= bit;
    }
  return 0;
}

static int
rule_parse (const struct oci_device_cgroup *d, const char *field, struct cgroup_device_rule *x,
            struct husk_error **err)
{
  x->allow = d->allow;
  x->type = d->type && d->type[0] ? d->type[0] : 'a';
  if (d->type && d->type[0] && (strlen (d->type) != 1 || !strchr ("acb", d->type[0])))
    return husk_error_set (err, "%s.type: invalid type \"%s\" (a, c or b)", field, d->type);
  x->major = d->major.set ? d->major.v : -1;
  x->minor = d->minor.set ? d->minor.v : -1;
  if (x->major < -1 || x->major > 0xfff || x->minor < -1 || x->minor > 0xfffff)
    return husk_error_set (err, "%s: major or minor out of range", field);
  return access_parse (d->access, field, &x->access, err);
}

int
cgroup_devices_build (const struct oci_resources *res, struct cgroup_devices **out, struct husk_error **err)
{
  /* Nothing is allowed but what the rules allow, as runc starts. */
  struct cgroup_devices *d = xcalloc (1, sizeof *d);
  *out = NULL;
  for (size_t i = 0; res && i < res->devices.n; i++)
    {
      char field[64];
      snprintf (field, sizeof field, "linux.resources.devices[%zu]", i);
      struct cgroup_device_rule r;
      if (rule_parse (&res->devices.v[i], field, &r, err) < 0 || devices_add_rule (d, &r, field, err) < 0)
        {
          cgroup_devices_free (d);
          return -1;
        }
    }
  for (size_t i = 0; i < sizeof default_rules / sizeof *default_rules; i++)
    if (devices_add_rule (d, &default_rules[i], "linux.resources.devices: a default rule", err) < 0)
      {
        cgroup_devices_free (d);
        return -1;
      }
  devices_sort (d);
  *out = d;
  return 0;
}

/* What a v1 devices.list says: "a *:* rwm" alone when everything is
   allowed but some denies (which the file does not show), else the
   allowed exceptions, one a line. */
static int
devices_from_list (const char *list, struct cgroup_devices *d, struct husk_error **err)
{
  *d = (struct cgroup_devices){ 0 };
  for (const char *s = list; *s;)
    {
      const char *nl = strchrnul (s, '\n');
      char type, maj[24], min[24], acc[8];
      _cleanup_free_ char *line = strndup (s, (size_t)(nl - s));
      s = *nl ? nl + 1 : nl;
      if (line == NULL || *line == '\0')
        continue;
      if (sscanf (line, "%c %23[0-9*]:%23[0-9*] %7s", &type, maj, min, acc) != 4 || !strchr ("abc", type))
        return husk_error_set (err, "linux.resources.devices: devices.list: unexpected line \"%s\"", line);
      struct cgroup_device_rule r = { true, type, -1, -1, 0 };
      if (*maj != '*')
        r.major = strtoll (maj, NULL, 10);
      if (*min != '*')
        r.minor = strtoll (min, NULL, 10);
      if (access_parse (acc, "linux.resources.devices: devices.list", &r.access, err) < 0)
        return -1;
      if (type == 'a')
        {
          d->default_allow = true;
          d->n = 0;
        }
      else if (!d->default_allow && devices_add_rule (d, &r, "devices.list", err) < 0)
        return -1;
    }
  devices_sort (d);
  return 0;
}

/* The rules devices.list of dir holds; d->ex is the caller's to free. */
static int
devices_v1_read (const struct cgroup_dir *dir, struct cgroup_devices *d, struct husk_error **err)
{
  *d = (struct cgroup_devices){ 0 };
  _cleanup_free_ char *list = cgroup_read (dir, "devices.list");
  if (list == NULL)
    return husk_error_sys (err, errno, "linux.resources.devices: read %s/devices.list", dir->path);
  return devices_from_list (list, d, err);
}

static int
v1_write (const struct cgroup_dir *dir, bool allow, const struct cgroup_device_rule *r, unsigned access,
          struct husk_error **err)
{
  char buf[64];
  rule_text (r, access, buf, sizeof buf);
  return cgroup_write (dir, allow ? "devices.allow" : "devices.deny", buf, "linux.resources.devices", err);
}

/* The writes that take the cgroup from what devices.list holds to t, as
   runc's v1 manager computes them: a disruptive "a" only when the default
   changes or the cgroup allows everything now (its denies are not listed);
   otherwise only the accesses gained and lost, so that what the container
   keeps is never taken away meanwhile.  The gains are written before the
   losses (runc writes the losses first): a device moving from one rule to
   another (c 10:* to c 10:229) stays allowed throughout. */
static int
devices_v1_apply (const struct cgroup_dir *dir, const struct cgroup_devices *t, struct husk_error **err)
{
  _cleanup_rules_ struct cgroup_devices cur = { 0 };
  if (devices_v1_read (dir, &cur, err) < 0)
    return -1;
  struct cgroup_devices none = { t->default_allow, 0, NULL };
  const struct cgroup_devices *old = &cur;
  if (cur.default_allow || cur.default_allow != t->default_allow)
    {
      const struct cgroup_device_rule all = { t->default_allow, 'a', -1, -1, RWM };
      if (v1_write (dir, t->default_allow, &all, RWM, err) < 0)
        return -1;
      old = &none;
    }
  /* An exception allows in a cgroup that denies by default, and denies in
     one that allows. */
  for (size_t i = 0; i < t->n; i++)
    {
      const struct cgroup_device_rule *e = &t->ex[i];
      const struct cgroup_device_rule *o = exception_find (old, e->type, e->major, e->minor);
      unsigned gained = e->access & ~(o ? o->access : 0);
      if (gained && v1_write (dir, !t->default_allow, e, gained, err) < 0)
        return -1;
    }
  for (size_t i = 0; i < old->n; i++)
    {
      const struct cgroup_device_rule *o = &old->ex[i];
      const struct cgroup_device_rule *e = exception_find (t, o->type, o->major, o->minor);
      unsigned lost = o->access & ~(e ? e->access : 0);
      if (lost && v1_write (dir, t->default_allow, o, lost, err) < 0)
        return -1;
    }

  /* The kernel's own view must now be t: what the container may open
     is a security boundary. */
  _cleanup_rules_ struct cgroup_devices now = { 0 };
  if (devices_v1_read (dir, &now, err) < 0)
    return -1;
  if (t->default_allow ? !now.default_allow : !devices_equal (&now, t))
    return husk_error_set (err, "linux.resources.devices: %s/devices.list does not hold the rules written",
                           dir->path);
  return 0;
}

int
cgroup_devices_apply (const struct cgroup *cg, const struct cgroup_devices *d,
                      const struct cgroup_devices *current, struct husk_error **err)
{
  const struct cgroup_dir *v1 = cgroup_find (cg, "devices");
  if (v1 && !v1->v2)
    return devices_v1_apply (v1, d, err);
  for (size_t i = 0; i < cg->n; i++)
    if (cg->dirs[i].v2)
      {
        /* The program in force cannot be read back: the rules it was
           built from are compared. */
        if (current && devices_equal (current, d))
          return 0;
        return cgroup_devices_bpf_attach (cg->dirs[i].path, d, err);
      }
  return husk_error_set (
      err, "linux.resources.devices: the devices cgroup controller is not available on this host");
}
