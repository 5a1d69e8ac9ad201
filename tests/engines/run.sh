#!/bin/bash
# Runs the engine suites (podman.bats, containerd.bats, cri.bats, docker.bats):
# real podman, containerd (ctr, and its CRI plugin) and dockerd with husk as
# their runtime.  docker.bats runs once for each runtime of DOCKER_RUNTIMES
# (default "runc husk"), cri.bats runs its scenario on runc and on husk:
# runc passing what husk fails marks the failure as husk's.  Installs podman,
# conmon, containerd and docker.io from Debian when missing, builds the local
# busybox image once, then prints the totals as the last line: "engines: N
# passed, N failed, N skipped in S s".  Exit 1 if anything failed.  Needs
# root.
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
  ((${#suites[@]} > 0)) || suites=("$here/podman.bats" "$here/containerd.bats" "$here/cri.bats" "$here/docker.bats")
  for suite in "${suites[@]}"; do
    suite=$(realpath "$suite")
    runtimes=(husk)
    [[ $(basename "$suite") == docker.bats ]] && read -ra runtimes <<<"${DOCKER_RUNTIMES:-runc husk}"
    for rt in "${runtimes[@]}"; do
      name=$(basename "$suite")
      [[ $name == docker.bats ]] && name="$name ($rt)"
      echo "# bats: $name"
      # From a scratch directory: conmon drops an "oom" file into its
      # working directory when a container is OOM-killed.
      count_tap "$name" < <(cd "$images" && DOCKER_RUNTIME=$rt bats --tap "$suite" 2>&1)
    done
  done
fi

if ((${#failures[@]} > 0)); then
  echo "# failures:"
  printf '#   %s\n' "${failures[@]}"
fi
echo "engines: $passed passed, $failed failed, $skipped skipped in $((SECONDS - start)) s"
((failed == 0))
