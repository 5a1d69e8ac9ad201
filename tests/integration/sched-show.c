/* sched-show: prints the calling process's scheduling attributes
   (sched_getattr(2)) as "policy=N nice=N priority=N flags=N runtime=N
   deadline=N period=N", for the bats suites (busybox has no chrt).
   Static, so it runs in a busybox rootfs. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/types.h>

struct sched_show_attr
{
  __u32 size;
  __u32 sched_policy;
  __u64 sched_flags;
  __s32 sched_nice;
  __u32 sched_priority;
  __u64 sched_runtime;
  __u64 sched_deadline;
  __u64 sched_period;
  __u32 util_min;
  __u32 util_max;
};

int
main (void)
{
  struct sched_show_attr a;
  memset (&a, 0, sizeof a);
  if (syscall (SYS_sched_getattr, 0, &a, sizeof a, 0) < 0)
    {
      perror ("sched_getattr");
      return 1;
    }
  printf ("policy=%" PRIu32 " nice=%" PRId32 " priority=%" PRIu32 " flags=%" PRIu64 " runtime=%" PRIu64
          " deadline=%" PRIu64 " period=%" PRIu64 "\n",
          (uint32_t)a.sched_policy, (int32_t)a.sched_nice, (uint32_t)a.sched_priority,
          (uint64_t)a.sched_flags, (uint64_t)a.sched_runtime, (uint64_t)a.sched_deadline,
          (uint64_t)a.sched_period);
  return 0;
}
