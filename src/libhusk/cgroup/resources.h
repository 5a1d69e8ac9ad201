/* What the per-controller files of linux.resources share (internal to
   src/libhusk/cgroup/). */
#ifndef HUSK_CGROUP_RESOURCES_H
#define HUSK_CGROUP_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

/* Config paths in messages start with this. */
#define F "linux.resources."

/* The directory of controller `name`, for the config field `field`; NULL
   with an error naming both when the host does not have it. */
const struct cgroup_dir *cgroup_res_need (const struct cgroup *cg, const char *name, const char *field,
                                          struct husk_error **err);
int cgroup_res_write_i64 (const struct cgroup_dir *d, const char *file, int64_t v, const char *field,
                          struct husk_error **err);
int cgroup_res_write_u64 (const struct cgroup_dir *d, const char *file, uint64_t v, const char *field,
                          struct husk_error **err);
/* -1 (any negative) as v2's "max". */
int cgroup_res_write_max (const struct cgroup_dir *d, const char *file, int64_t v, const char *field,
                          struct husk_error **err);
/* An error for a member v2 has no file for. */
int cgroup_res_v1_only (const struct cgroup_dir *d, const char *field, struct husk_error **err);

int cgroup_memory_apply (const struct cgroup *cg, const struct oci_memory *m, bool update,
                         struct husk_error **err);
int cgroup_cpu_apply (const struct cgroup *cg, const struct oci_cpu *c, struct husk_error **err);
int cgroup_pids_apply (const struct cgroup *cg, int64_t limit, struct husk_error **err);
int cgroup_blkio_apply (const struct cgroup *cg, const struct oci_blkio *b, struct husk_error **err);
int cgroup_hugetlb_apply (const struct cgroup *cg, const struct oci_resources *r, struct husk_error **err);
int cgroup_network_apply (const struct cgroup *cg, const struct oci_network *n, struct husk_error **err);
int cgroup_rdma_apply (const struct cgroup *cg, const struct oci_resources *r, struct husk_error **err);
int cgroup_unified_apply (const struct cgroup *cg, const oci_map *u, struct husk_error **err);

#endif
