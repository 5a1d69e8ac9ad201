#!/bin/bash
# Builds husk and runs one container from a bundle made here from Debian's
# busybox-static, on a fresh Debian 12 machine, as root.  It prints, from
# inside the container, its hostname, its pid and its namespaces next to
# the host's.
set -eu
cd "$(dirname "$0")/.."
. contrib/deps.sh
deps_install build

mkdir -p build
cd build
[ -f Makefile ] || { (cd .. && ./autogen.sh) && ../configure; }
make -j"$(nproc)"
husk=$PWD/husk
"$husk" --version

bundle=$(mktemp -d /tmp/husk-demo.XXXXXX)
root=$(mktemp -d /run/husk-demo-root.XXXXXX)
trap '"$husk" --root "$root" delete --force demo >/dev/null 2>&1 || true; rm -rf "$bundle" "$root"' EXIT
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/"
for applet in sh hostname ls cat echo readlink; do ln -s busybox "$bundle/rootfs/bin/$applet"; done

"$husk" spec --bundle "$bundle"
# husk spec writes runc's default config.  The demo runs a script instead of
# an interactive shell, and leaves out what this husk cannot apply yet
# (husk refuses such fields by name rather than ignore them).
script='echo "hostname: $(hostname)"; echo "pid: $$"; for ns in /proc/self/ns/*; do echo "${ns##*/}: $(readlink $ns)"; done'
jq --arg s "$script" '
	.process.terminal = false | .process.args = ["sh", "-c", $s]
	| del(.process.capabilities, .process.rlimits, .linux.maskedPaths, .linux.readonlyPaths, .linux.resources)
	| .mounts = [.mounts[] | select(.destination == "/proc")]
	| .root.readonly = false' "$bundle/config.json" > "$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

echo "--- inside the container:"
"$husk" --root "$root" run --bundle "$bundle" demo </dev/null
echo "--- the host, for comparison:"
for ns in /proc/self/ns/*; do echo "${ns##*/}: $(readlink "$ns")"; done
