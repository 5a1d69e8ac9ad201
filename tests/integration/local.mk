# Helpers for the bats suites in this directory; built by `make check`.

# recvtty: receives the pty master that --console-socket sends (console.bats).
check_PROGRAMS += tests/integration/recvtty
tests_integration_recvtty_SOURCES = tests/integration/recvtty.c
tests_integration_recvtty_LDFLAGS = $(HUSK_LDFLAGS)

# seccomp-agent: answers the notifications of a SCMP_ACT_NOTIFY filter (seccomp.bats).
check_PROGRAMS += tests/integration/seccomp-agent
tests_integration_seccomp_agent_SOURCES = tests/integration/seccomp-agent.c
tests_integration_seccomp_agent_LDFLAGS = $(HUSK_LDFLAGS)

# notify-signal: mkdir with a SIGUSR1 handler, printing mkdir's errno
# (seccomp.bats: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV).
check_PROGRAMS += tests/integration/notify-signal
tests_integration_notify_signal_SOURCES = tests/integration/notify-signal.c
tests_integration_notify_signal_LDFLAGS = $(HUSK_LDFLAGS)

# sched-show: prints sched_getattr of itself (process.bats; busybox has no chrt).
check_PROGRAMS += tests/integration/sched-show
tests_integration_sched_show_SOURCES = tests/integration/sched-show.c
tests_integration_sched_show_LDFLAGS = $(HUSK_LDFLAGS)

# lsm-show: the SELinux labels a container sees: its own, its session
# keyring's, files' security.selinux (selinux.bats; busybox has no ls -Z).
check_PROGRAMS += tests/integration/lsm-show
tests_integration_lsm_show_SOURCES = tests/integration/lsm-show.c
tests_integration_lsm_show_LDFLAGS = $(HUSK_LDFLAGS)

# syscall-errno: the errno of raw syscalls, and whether a thread starts
# (seccomp.bats: syscalls newer than the profile get ENOSYS).
check_PROGRAMS += tests/integration/syscall-errno
tests_integration_syscall_errno_SOURCES = tests/integration/syscall-errno.c
tests_integration_syscall_errno_LDFLAGS = $(HUSK_LDFLAGS)

# mpol-show: get_mempolicy of itself and its Mems_allowed_list
# (mempolicy.bats; busybox has no numactl).
check_PROGRAMS += tests/integration/mpol-show
tests_integration_mpol_show_SOURCES = tests/integration/mpol-show.c
tests_integration_mpol_show_LDFLAGS = $(HUSK_LDFLAGS)

# cve-race: the attacker's side of cve.bats: renameat2 exchange loops, and
# grabbing /proc/PID/exe of husk's binary from inside a container.
check_PROGRAMS += tests/integration/cve-race
tests_integration_cve_race_SOURCES = tests/integration/cve-race.c
tests_integration_cve_race_LDFLAGS = $(HUSK_LDFLAGS)
