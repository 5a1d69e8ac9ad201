#!/bin/bash
# Benchmarks husk against runc and crun in one run, on the same bundle, and
# prints hyperfine's summary with the ratios.  Not a test: timings on a
# shared machine are noisy, so nothing here passes or fails.
#
#   tests/bench/bench.sh [HUSK]      (default: build/husk)
#
# What is measured:
#   startup   RUNTIME --version: the cost of starting the runtime's own
#             process (dynamic loading, Go runtime start-up, ...)
#   run       RUNTIME run: create + start + wait + delete of a busybox
#             container running `true` (pid, mount, ipc, uts, network
#             namespaces, /proc mounted)
#
# crun 1.8.1 refuses this machine's hybrid cgroup layout, so everything runs
# inside `unshare -m` with /sys/fs/cgroup/unified unmounted there: the three
# runtimes see the same environment.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
husk=$(realpath "${1:-$here/../../build/husk}")
runs=${BENCH_RUNS:-100}
for tool in hyperfine runc crun busybox jq; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine runc crun busybox-static jq)" >&2; exit 1; }
done
[ -x "$husk" ] || { echo "bench: no husk binary at $husk" >&2; exit 1; }

work=$(mktemp -d /tmp/husk-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/husk" "$work/runc" "$work/crun"
cp "$(command -v busybox)" "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
ln -s busybox "$work/bundle/rootfs/bin/sh"
jq -n '{ociVersion: "1.0.2", root: {path: "rootfs"}, hostname: "bench",
	process: {terminal: false, user: {uid: 0, gid: 0}, args: ["true"], env: ["PATH=/bin"], cwd: "/"},
	mounts: [{destination: "/proc", type: "proc", source: "proc"}],
	linux: {namespaces: [{type: "pid"}, {type: "mount"}, {type: "ipc"}, {type: "uts"}, {type: "network"}]}}' \
	> "$work/bundle/config.json"

inner=$(cat <<INNER
set -e
umount /sys/fs/cgroup/unified 2>/dev/null || true
cd "$work"
echo "## start-up of the runtime process (--version), $runs runs each"
hyperfine -N --warmup 10 --runs $runs \
	-n husk "$husk --version" -n runc "runc --version" -n crun "crun --version"
echo
echo "## run a container (create, start, wait, delete), $runs runs each"
hyperfine -N --warmup 5 --runs $runs \
	-n husk "$husk --root $work/husk run --bundle $work/bundle bench-husk" \
	-n runc "runc --root $work/runc run --bundle $work/bundle bench-runc" \
	-n crun "crun --root $work/crun run --bundle $work/bundle bench-crun"
INNER
)
unshare -m --propagation private bash -c "$inner"
