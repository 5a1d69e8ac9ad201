#!/bin/bash
# Benchmarks husk against crun and runc (and the floor program, what the
# kernel alone costs) in one run, on the same bundles, under the same
# wrapper, and prints one table with medians and the ratios husk/crun and
# husk/runc.  Not a test: timings on a shared machine are noisy, so nothing
# here passes or fails on a number.  See tests/bench/README.md.
#
#   tests/bench/bench.sh [--quick] [--markdown] [--only 1,3,...] [HUSK]
#
#   HUSK         the husk binary (default: build/husk, then ./husk)
#   --quick      N=5 runs per row, 200 containers for the scale row, 50 in
#                parallel once: 70-90 s; proves the bench works (CI)
#   --markdown   print the table as markdown (for the README)
#   --only LIST  only these workloads (1 run, 2 podman, 3 create/start/
#                delete, 4 exec, 5 RSS, 6 memory limit, 7 scale, 8 parallel;
#                9, not in the default list: the minimal config minus one
#                thing at a time, to see where the time goes)
#   BENCH_N, BENCH_SCALE, BENCH_PARALLEL override the sizes.
#
# Must run as root.  Installs crun, runc, busybox-static, gcc and python3
# from Debian when they are missing (no GNU time needed: the static rss.c
# helper reads wait4's peak RSS).
#
# crun 1.8.1 refuses this machine's hybrid cgroup layout, so everything runs
# inside `unshare -m` with /sys/fs/cgroup/unified unmounted there: the three
# runtimes see the same environment.  Every container, cgroup, mount and
# temporary file is removed at the end, also on Ctrl-C.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
quick=0 markdown= only=1,2,3,4,5,6,7,8 husk=
while (($#)); do
	case $1 in
	--quick) quick=1 ;;
	--markdown) markdown=--markdown ;;
	--only) only=$2; shift ;;
	-h|--help) sed -n '2,25s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "bench: unknown option $1" >&2; exit 2 ;;
	*) husk=$1 ;;
	esac
	shift
done
if [ -z "$husk" ]; then
	for h in "$here/../../build/husk" ./husk; do
		[ -x "$h" ] && { husk=$h; break; }
	done
fi
[ -n "$husk" ] && [ -x "$husk" ] || { echo "bench: no husk binary (give its path as the argument)" >&2; exit 2; }
husk=$(realpath "$husk")
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (it creates containers)" >&2; exit 2; }

if ((quick)); then
	n=${BENCH_N:-5} scale=${BENCH_SCALE:-200} par=${BENCH_PARALLEL:-50} scale_reps=3 par_reps=1
else
	n=${BENCH_N:-100} scale=${BENCH_SCALE:-1000} par=${BENCH_PARALLEL:-50} scale_reps=5 par_reps=3
fi

missing=()
for pair in crun:crun runc:runc busybox:busybox-static gcc:gcc python3:python3 unshare:util-linux; do
	command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if ((${#missing[@]})); then
	echo "bench: installing ${missing[*]}" >&2
	apt-get install -y -qq "${missing[@]}" >/dev/null ||
		{ apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

work=$(mktemp -d /tmp/husk-bench.XXXXXX)
cleanup() {
	# The private mount namespace (and every mount in it) is gone once
	# unshare has returned; bench.py has deleted the containers.
	rm -rf "$work"
}
trap cleanup EXIT

# A busybox rootfs with the directories the runtimes mount on.
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,proc,sys,dev,etc,run,tmp}
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for applet in true sh sleep; do ln -s busybox "$rootfs/bin/$applet"; done

floor=$work/floor rss=$work/rss
gcc -O2 -static -o "$floor" "$here/floor.c"
gcc -O2 -static -o "$rss" "$here/rss.c"

podman=$here/../../../shared/testdata/podman-config.json
podman_arg=()
if [ -r "$podman" ]; then podman_arg=(--podman-config "$podman"); else only=${only//2/}; fi

echo "bench: husk $husk; $(crun --version | head -1); $(runc --version | head -1); $(nproc) cores; $(uname -r)" >&2
echo "bench: N=$n, scale=$scale, parallel=$par; work dir $work" >&2
# In the background so that a signal to this script reaches the trap at
# once; the trap passes it on and waits for bench.py to clean up.
unshare -m --propagation private -- sh -c '
	umount /sys/fs/cgroup/unified 2>/dev/null || true
	exec "$@"' sh python3 "$here/bench.py" --work "$work" --husk "$husk" --floor "$floor" --rss "$rss" \
	--rootfs "$rootfs" "${podman_arg[@]}" -n "$n" --scale "$scale" --scale-reps "$scale_reps" \
	--parallel "$par" --parallel-reps "$par_reps" --only "$only" $markdown &
child=$!
trap 'kill -TERM $child 2>/dev/null; wait $child; exit 130' INT TERM HUP
wait $child
