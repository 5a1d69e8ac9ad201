# `make check` builds the unit tests, then tests/run-tests.sh runs them and
# every bats suite and prints the totals as its last line.
include tests/unit/local.mk
include tests/integration/local.mk

check-local: $(check_PROGRAMS) husk
	HUSK="$(abs_top_builddir)/husk" HUSK_BUILDDIR="$(abs_top_builddir)" \
	HUSK_SRCDIR="$(abs_top_srcdir)" \
	"$(abs_top_srcdir)/tests/run-tests.sh" $(check_PROGRAMS)
EXTRA_DIST += tests/run-tests.sh tests/tap-count.sh tests/integration tests/fuzz tests/bench tests/check.sh

# `make check-engines`: podman, containerd and Docker with husk as their runtime
# (tests/engines/).  Not part of `make check`: slow, needs root, and
# installs podman, conmon, containerd and docker.io from Debian when missing.
check-engines: husk$(EXEEXT)
	HUSK="$(abs_top_builddir)/husk" "$(abs_top_srcdir)/tests/engines/run.sh"
.PHONY: check-engines
EXTRA_DIST += tests/engines contrib/engines

include tests/compat/local.mk
include tests/stress/local.mk

# `make check-vm`: the kernel-facing suites in a qemu VM on Debian's own
# kernel with cgroup v2 only (tests/vm/run-vm.sh).  Not part of `make
# check`: slow (TCG, no KVM), needs root, installs qemu-system-x86 and
# downloads the kernel package when missing.  HUSK_VM_ARGS passes options
# and suites: make check-vm HUSK_VM_ARGS="--v1 cgroups.bats"; with
# --selinux the VM runs SELinux instead of AppArmor (and the SELinux
# suites; secilc is installed when missing).
check-vm: husk$(EXEEXT) $(check_PROGRAMS)
	HUSK_BUILDDIR="$(abs_top_builddir)" HUSK_SRCDIR="$(abs_top_srcdir)" \
	"$(abs_top_srcdir)/tests/vm/run-vm.sh" $(HUSK_VM_ARGS)
.PHONY: check-vm
EXTRA_DIST += tests/vm
