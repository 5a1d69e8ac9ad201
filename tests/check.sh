#!/bin/bash
# The whole test suite from a fresh Debian 12 checkout, as root: installs the
# build and test dependencies, builds husk (warnings are errors) in ./build,
# and runs `make check` (C unit tests + bats suites that run real containers).
# The last line printed is the totals: "N passed, N failed".
set -eu
cd "$(dirname "$0")/.."
. contrib/deps.sh
deps_install test

mkdir -p build
cd build
[ -f Makefile ] || { (cd .. && ./autogen.sh) && ../configure --enable-werror; }
make -j"$(nproc)"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
make check 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# make prints its own lines after a failure; repeat the totals last.
totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
if [ -z "$totals" ]; then
	echo "# the test runner did not finish"
	totals="0 passed, 1 failed"
fi
echo "$totals"
exit "$status"
