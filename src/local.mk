# libhusk: the library that does the work; husk: the command line over it.
noinst_LIBRARIES += src/libhusk/libhusk.a
src_libhusk_libhusk_a_SOURCES = \
	src/libhusk/cleanup.h \
	src/libhusk/container_id.c src/libhusk/container_id.h \
	src/libhusk/error.c src/libhusk/error.h \
	src/libhusk/log.c src/libhusk/log.h \
	src/libhusk/container.c src/libhusk/container.h \
	src/libhusk/init.c src/libhusk/init.h \
	src/libhusk/process.c src/libhusk/process.h \
	src/libhusk/state.c src/libhusk/state.h \
	src/libhusk/sync.c src/libhusk/sync.h \
	src/libhusk/trace.c src/libhusk/trace.h \
	src/libhusk/idmap.c src/libhusk/idmap.h \
	src/libhusk/identity.c src/libhusk/identity.h \
	src/libhusk/proclimits.c src/libhusk/proclimits.h \
	src/libhusk/hooks.c src/libhusk/hooks.h \
	src/libhusk/exec.c src/libhusk/exec.h \
	src/libhusk/mounts.c src/libhusk/mounts.h src/libhusk/mounts_sources.c \
	src/libhusk/devices.c src/libhusk/devices.h \
	src/libhusk/sysctl.c src/libhusk/sysctl.h \
	src/libhusk/mempolicy.c src/libhusk/mempolicy.h \
	src/libhusk/namespaces.c src/libhusk/namespaces.h \
	src/libhusk/terminal.c src/libhusk/terminal.h \
	src/libhusk/ps.c src/libhusk/ps.h \
	src/libhusk/caps.c src/libhusk/caps.h \
	src/libhusk/seccomp_filter.c src/libhusk/seccomp_filter.h \
	src/libhusk/sha256.c src/libhusk/sha256.h \
	src/libhusk/lsm.c src/libhusk/lsm.h \
	src/libhusk/cgroup/cgroup.c src/libhusk/cgroup/cgroup.h \
	src/libhusk/cgroup/record.c \
	src/libhusk/cgroup/resources.c src/libhusk/cgroup/resources.h \
	src/libhusk/cgroup/memory.c src/libhusk/cgroup/cpu.c src/libhusk/cgroup/pids.c \
	src/libhusk/cgroup/blkio.c src/libhusk/cgroup/hugetlb.c src/libhusk/cgroup/network.c \
	src/libhusk/cgroup/rdma.c src/libhusk/cgroup/unified.c \
	src/libhusk/cgroup/devices.c src/libhusk/cgroup/devices-bpf.c \
	src/libhusk/cgroup/stats.c \
	src/libhusk/cgroup/v1.c src/libhusk/cgroup/v2.c \
	src/libhusk/cgroup/manage.c src/libhusk/cgroup/manage.h \
	src/libhusk/cgroup/mount.c

bin_PROGRAMS += husk
husk_SOURCES = \
	src/main.c \
	src/cmd/cmd.h \
	src/cmd/cmd.c \
	src/cmd/commands.c \
	src/cmd/create.c src/cmd/create.h \
	src/cmd/start.c \
	src/cmd/run.c \
	src/cmd/state.c \
	src/cmd/kill.c \
	src/cmd/delete.c \
	src/cmd/list.c \
	src/cmd/ps.c \
	src/cmd/exec.c \
	src/cmd/pause.c \
	src/cmd/resume.c \
	src/cmd/update.c \
	src/cmd/events.c \
	src/cmd/spec.c \
	src/cmd/features.c \
	src/cmd/checkpoint.c \
	src/cmd/restore.c
husk_LDADD = src/libhusk/libhusk.a libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
husk_LDFLAGS = $(HUSK_LDFLAGS)
