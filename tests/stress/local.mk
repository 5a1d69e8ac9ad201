# `make check-stress`: the stress lane (tests/stress/): create/start/kill/
# delete cycles, containers started in parallel, and the races of one id
# (parallel create, kill/exec/delete/state, delete --force against start),
# each checked for leftovers; the short version, a few minutes, as in CI.
# `make check-stress-long`: by hand, 1,000 cycles, 200 rounds per race and
# faults.bats at every syscall.  Neither is part of `make check`.
check-stress: husk$(EXEEXT)
	HUSK="$(abs_top_builddir)/husk" HUSK_BUILDDIR="$(abs_top_builddir)" \
	HUSK_SRCDIR="$(abs_top_srcdir)" "$(abs_top_srcdir)/tests/stress/run.sh"
check-stress-long: husk$(EXEEXT)
	HUSK="$(abs_top_builddir)/husk" HUSK_BUILDDIR="$(abs_top_builddir)" \
	HUSK_SRCDIR="$(abs_top_srcdir)" "$(abs_top_srcdir)/tests/stress/run.sh" --long
.PHONY: check-stress check-stress-long
EXTRA_DIST += tests/stress
