/* linux.resources.hugepageLimits: hugetlb.<size>.limit_in_bytes (v1) or
   .max (v2), with the reservation limit where the kernel has one. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "cleanup.h"
#include "resources.h"

/* "2MB", "1GB", "64KB": the name part of the hugetlb files. */
static bool
page_size_valid (const char *s)
{
  size_t i = 0;
  while (isdigit ((unsigned char)s[i]))
    i++;
  return i > 0 && i < 12
         && (strcmp (s + i, "KB") == 0 || strcmp (s + i, "MB") == 0 || strcmp (s + i, "GB") == 0);
}

int
cgroup_hugetlb_apply (const struct cgroup *cg, const struct oci_resources *r, struct husk_error **err)
{
  const struct cgroup_dir *d = cgroup_res_need (cg, "hugetlb", F "hugepageLimits", err);
  if (d == NULL)
    return -1;
  for (size_t i = 0; i < r->hugepage_limits.n; i++)
    {
      const struct oci_hugepage_limit *h = &r->hugepage_limits.v[i];
      _cleanup_free_ char *f = xasprintf (F "hugepageLimits[%zu]", i);
      if (!page_size_valid (h->page_size))
        return husk_error_set (err, "%s.pageSize: invalid page size \"%s\" (e.g. \"2MB\")", f, h->page_size);
      _cleanup_free_ char *file = xasprintf ("hugetlb.%s.%s", h->page_size, d->v2 ? "max" : "limit_in_bytes");
      if (!cgroup_has_file (d, file))
        return husk_error_set (err, "%s.pageSize: the host has no %s huge pages", f, h->page_size);
      if (cgroup_res_write_u64 (d, file, h->limit, f, err) < 0)
        return -1;
      /* The reservation limit too, where the kernel has it, so that a
         mapping cannot reserve more than the limit and fault later. */
      _cleanup_free_ char *rsvd
          = xasprintf ("hugetlb.%s.rsvd.%s", h->page_size, d->v2 ? "max" : "limit_in_bytes");
      if (cgroup_has_file (d, rsvd) && cgroup_res_write_u64 (d, rsvd, h->limit, f, err) < 0)
        return -1;
    }
  return 0;
}
