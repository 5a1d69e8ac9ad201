#!/bin/bash
# Runs husk's whole test suite: the C unit tests given as arguments (TAP),
# then every bats suite in tests/integration/ (TAP), and prints the totals
# as the last line: "N passed, N failed" (skips are counted on the line
# before it).  Exit 1 if anything
# failed or a test program died before finishing its plan (tap-count.sh).
#
# Environment (set by `make check`): HUSK (the binary), HUSK_SRCDIR,
# HUSK_BUILDDIR.  Integration tests run real containers and need root.
set -u
: "${HUSK:?HUSK must point at the husk binary}"
: "${HUSK_SRCDIR:?}" "${HUSK_BUILDDIR:?}"
export HUSK HUSK_SRCDIR HUSK_BUILDDIR

passed=0 failed=0 skipped=0
failures=()
# count_tap: a suite without a plan, or with fewer results than planned,
# counts as failed.
. "$(dirname "$0")/tap-count.sh"

for prog in "$@"; do
	base=$(basename "$prog")
	case $base in test-*) ;; *) continue ;; esac
	echo "# unit: $base"
	out=$(cd "$HUSK_BUILDDIR" && "./$prog" 2>&1; echo "exit=$?")
	status=${out##*exit=}
	before=$failed
	count_tap "$base" < <(printf '%s\n' "${out%exit=*}")
	# A failing exit that no failed result accounts for.
	if [ "$status" != 0 ] && [ "$failed" -eq "$before" ]; then
		failed=$((failed + 1)); failures+=("$base: exited with status $status")
	fi
done

if ! command -v bats >/dev/null; then
	echo "not ok - bats is not installed (apt-get install bats bats-support bats-assert)"
	failed=$((failed + 1)); failures+=("bats missing")
else
	for suite in "$HUSK_SRCDIR"/tests/integration/*.bats; do
		[ -e "$suite" ] || continue
		echo "# bats: $(basename "$suite")"
		count_tap "$(basename "$suite")" < <(cd "$HUSK_BUILDDIR" && bats --tap "$suite" 2>&1)
	done
fi

tap_totals
