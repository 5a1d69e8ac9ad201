/* Device access rules: the config's linux.resources.devices plus the
   devices every container gets, as v1 devices.allow/deny writes or, on v2,
   a BPF program (devices-bpf.c). */
#include <config.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"

/* What every container may use whatever its config says (runc's list):
   mknod of any node (opening one is what the rules guard), and the
   devices of a minimal /dev. */
static const struct cgroup_device_rule default_rules[] = {
  { true, 'c', -1, -1, CGROUP_DEV_MKNOD },
  { true, 'b', -1, -1, CGROUP_DEV_MKNOD },
  { true, 'c', 1, 3, 7 },    /* /dev/null */
  { true, 'c', 1, 5, 7 },    /* /dev/zero */
  { true, 'c', 1, 7, 7 },    /* /dev/full */
  { true, 'c', 1, 8, 7 },    /* /dev/random */
  { true, 'c', 1, 9, 7 },    /* /dev/urandom */
  { true, 'c', 5, 0, 7 },    /* /dev/tty */
  { true, 'c', 5, 1, 7 },    /* /dev/console */
  { true, 'c', 5, 2, 7 },    /* /dev/ptmx */
  { true, 'c', 136, -1, 7 }, /* /dev/pts/N */
};

static int
access_parse (const char *s, const char *field, unsigned *out, struct husk_error **err)
{
  *out = 0;
  if (s == NULL)
    {
      *out = 7;
      return 0;
    }
  for (const char *p = s; *p; p++)
    {
      unsigned bit = *p == 'r'   ? CGROUP_DEV_READ
                     : *p == 'w' ? CGROUP_DEV_WRITE
                     : *p == 'm' ? CGROUP_DEV_MKNOD
                                 : 0;
      if (bit == 0 || (*out & bit))
        return husk_error_set (err, "%s.access: invalid access \"%s\" (letters r, w, m, each once)", field,
                               s);
      *out |= bit;
    }
  if (*out == 0)
    return husk_error_set (err, "%s.access: must not be empty", field);
  return 0;
}

/* The rules in order: deny everything, the config's rules, the defaults,
   then an allow for each node of linux.devices.  Later rules win. */
static int
rules_build (const struct oci_resources *res, const struct oci_linux *l, struct cgroup_device_rule **out,
             size_t *n, struct husk_error **err)
{
  size_t nres = res ? res->devices.n : 0, ndev = l ? l->devices.n : 0;
  size_t ndef = sizeof default_rules / sizeof *default_rules;
  struct cgroup_device_rule *r = xcalloc (1 + nres + ndef + ndev, sizeof *r);
  size_t k = 0;
  r[k++] = (struct cgroup_device_rule){ false, 'a', -1, -1, 7 };
  for (size_t i = 0; i < nres; i++)
    {
      const struct oci_device_cgroup *d = &res->devices.v[i];
      char field[64];
      snprintf (field, sizeof field, "linux.resources.devices[%zu]", i);
      struct cgroup_device_rule *x = &r[k++];
      x->allow = d->allow;
      x->type = d->type ? d->type[0] : 'a';
      if (d->type && (strlen (d->type) != 1 || !strchr ("acb", d->type[0])))
        {
          free (r);
          return husk_error_set (err, "%s.type: invalid type \"%s\" (a, c or b)", field, d->type);
        }
      x->major = d->major.set ? d->major.v : -1;
      x->minor = d->minor.set ? d->minor.v : -1;
      if (x->major < -1 || x->major > 0xfff || x->minor < -1 || x->minor > 0xfffff)
        {
          free (r);
          return husk_error_set (err, "%s: major or minor out of range", field);
        }
      if (access_parse (d->access, field, &x->access, err) < 0)
        {
          free (r);
          return -1;
        }
    }
  memcpy (&r[k], default_rules, sizeof default_rules);
  k += ndef;
  for (size_t i = 0; i < ndev; i++)
    {
      const struct oci_device *d = &l->devices.v[i];
      if (!d->type || (d->type[0] != 'c' && d->type[0] != 'b' && d->type[0] != 'u') || !d->major.set
          || !d->minor.set)
        continue; /* fifos need no rule */
      r[k++] = (struct cgroup_device_rule){ true, d->type[0] == 'b' ? 'b' : 'c', d->major.v, d->minor.v, 7 };
    }
  *out = r;
  *n = k;
  return 0;
}

static void
rule_v1_text (const struct cgroup_device_rule *r, char *buf, size_t len)
{
  char maj[24] = "*", min[24] = "*", acc[4];
  size_t a = 0;
  if (r->major >= 0)
    snprintf (maj, sizeof maj, "%" PRId64, r->major);
  if (r->minor >= 0)
    snprintf (min, sizeof min, "%" PRId64, r->minor);
  if (r->access & CGROUP_DEV_READ)
    acc[a++] = 'r';
  if (r->access & CGROUP_DEV_WRITE)
    acc[a++] = 'w';
  if (r->access & CGROUP_DEV_MKNOD)
    acc[a++] = 'm';
  acc[a] = '\0';
  if (r->type == 'a')
    snprintf (buf, len, "a"); /* v1 takes "a" alone for every device */
  else
    snprintf (buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}

int
cgroup_devices_apply (const struct cgroup *cg, const struct oci_resources *res, const struct oci_linux *l,
                      struct husk_error **err)
{
  _cleanup_free_ struct cgroup_device_rule *rules = NULL;
  size_t n = 0;
  if (rules_build (res, l, &rules, &n, err) < 0)
    return -1;
  const struct cgroup_dir *d = cgroup_find (cg, "devices");
  if (d && !d->v2)
    {
      for (size_t i = 0; i < n; i++)
        {
          char buf[64];
          rule_v1_text (&rules[i], buf, sizeof buf);
          if (cgroup_write (d, rules[i].allow ? "devices.allow" : "devices.deny", buf,
                            "linux.resources.devices", err)
              < 0)
            return -1;
        }
      return 0;
    }
  for (size_t i = 0; i < cg->n; i++)
    if (cg->dirs[i].v2)
      return cgroup_devices_bpf_attach (cg->dirs[i].path, rules, n, err);
  return husk_error_set (
      err, "linux.resources.devices: the devices cgroup controller is not available on this host");
}
