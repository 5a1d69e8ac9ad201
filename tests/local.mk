# `make check` builds the unit tests, then tests/run-tests.sh runs them and
# every bats suite and prints the totals as its last line.
include tests/unit/local.mk
include tests/integration/local.mk

check-local: $(check_PROGRAMS) husk
	HUSK="$(abs_top_builddir)/husk" HUSK_BUILDDIR="$(abs_top_builddir)" \
	HUSK_SRCDIR="$(abs_top_srcdir)" \
	"$(abs_top_srcdir)/tests/run-tests.sh" $(check_PROGRAMS)
EXTRA_DIST += tests/run-tests.sh tests/integration tests/fuzz tests/bench tests/check.sh
