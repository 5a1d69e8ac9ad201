#!/bin/bash
# Runs the engine suites (podman.bats, containerd.bats): real podman and
# containerd with husk as their runtime.  Installs podman, conmon and
# containerd from Debian when missing, builds the local busybox image once,
# then prints the totals as the last line: "engines: N passed, N failed,
# N skipped in S s".  Exit 1 if anything failed.  Needs root.
#
# Usage: HUSK=/path/to/husk tests/engines/run.sh [SUITE.bats...]
# Not part of `make check` (slow, installs packages): `make check-engines`.
set -u
: "${HUSK:?HUSK must point at the husk binary}"
here=$(cd "$(dirname "$0")" && pwd)
export HUSK

start=$SECONDS
images=$(mktemp -d /tmp/husk-engines.XXXXXX)
trap 'rm -rf "$images"' EXIT
export HUSK_ENGINES_IMAGES=$images

passed=0 failed=0 skipped=0
failures=()

# count_tap: a suite without a plan (setup_file failed), or with fewer
# results than planned, counts as failed.
. "$here/../tap-count.sh"

if ! "$here/setup.sh" "$images"; then
  echo "not ok - tests/engines/setup.sh failed"
  failed=$((failed + 1)); failures+=("setup.sh")
else
  suites=("$@")
  ((${#suites[@]} > 0)) || suites=("$here/podman.bats" "$here/containerd.bats")
  for suite in "${suites[@]}"; do
    echo "# bats: $(basename "$suite")"
    # From a scratch directory: conmon drops an "oom" file into its working
    # directory when a container is OOM-killed.
    suite=$(realpath "$suite")
    count_tap "$(basename "$suite")" < <(cd "$images" && bats --tap "$suite" 2>&1)
  done
fi

if ((${#failures[@]} > 0)); then
  echo "# failures:"
  printf '#   %s\n' "${failures[@]}"
fi
echo "engines: $passed passed, $failed failed, $skipped skipped in $((SECONDS - start)) s"
((failed == 0))
