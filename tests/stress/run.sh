#!/bin/bash
# The stress lane (tests/stress/stress.bats), short or long, and its totals
# as the last line: "N passed, N failed".
#   run.sh           the short lane that CI runs (a few minutes): 300
#                    cycles, 50 containers at once, 20 rounds of each race
#   run.sh --long    by hand: 1,000 cycles, 50 containers, 200 rounds, then
#                    tests/integration/faults.bats at every syscall
#                    (FAULTS_STEP=1; about an hour)
# Environment: HUSK, HUSK_SRCDIR, HUSK_BUILDDIR (set by make); the sizes
# STRESS_CYCLES, STRESS_PARALLEL and STRESS_ROUNDS override the mode's.
set -u
: "${HUSK:?HUSK must point at the husk binary}"
: "${HUSK_SRCDIR:?}" "${HUSK_BUILDDIR:?}"
export HUSK HUSK_SRCDIR HUSK_BUILDDIR

long=false
[ "${1:-}" = --long ] && long=true
if $long; then
	: "${STRESS_CYCLES:=1000}" "${STRESS_PARALLEL:=50}" "${STRESS_ROUNDS:=200}"
else
	: "${STRESS_CYCLES:=300}" "${STRESS_PARALLEL:=50}" "${STRESS_ROUNDS:=20}"
fi
export STRESS_CYCLES STRESS_PARALLEL STRESS_ROUNDS

passed=0 failed=0 skipped=0
failures=()
. "$HUSK_SRCDIR/tests/tap-count.sh"

echo "# stress: $STRESS_CYCLES cycles, $STRESS_PARALLEL in parallel, $STRESS_ROUNDS rounds per race"
count_tap stress.bats < <(cd "$HUSK_BUILDDIR" && bats --tap "$HUSK_SRCDIR/tests/stress/stress.bats" 2>&1)
if $long; then
	echo "# faults.bats at every syscall"
	count_tap faults.bats < <(cd "$HUSK_BUILDDIR" && FAULTS_STEP=1 bats --tap "$HUSK_SRCDIR/tests/integration/faults.bats" 2>&1)
fi

tap_totals
