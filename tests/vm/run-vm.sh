#!/bin/bash
# Runs husk's integration suites inside a qemu VM on Debian 12's own kernel
# (Linux 6.1), with a cgroup v2-only layout (the default: what Debian 12,
# Fedora and Ubuntu 22.04+ hosts have) or a cgroup v1-only one (--v1).
# The CI machine is a v1/v2 hybrid, so this is the only place where the v2
# and v1 drivers meet a host of their own kind.  Its major LSM is
# AppArmor, Debian's default; --selinux boots with SELinux instead
# (permissive, with the small policy of tests/vm/selinux.cil loaded), the
# only place husk's SELinux labels meet a kernel that applies them.
#
# Usage: tests/vm/run-vm.sh [--v2|--v1] [--selinux] [SUITE.bats[=REGEX]...]
#   SUITE.bats=REGEX runs only its tests whose names match REGEX (bats -f).
#   With no suites: VM_SUITES below (those that exist in tests/integration),
#   or with --selinux SELINUX_SUITES.
# Environment:
#   HUSK_BUILDDIR  the build tree: husk, and the suites' helper programs in
#                  tests/integration (recvtty...; make check-vm builds them)
#   HUSK_SRCDIR    the source tree (default: this script's ../..)
#   HUSK_VM_CACHE  kernel and package cache (default /var/cache/husk-vm)
#   HUSK_VM_TIMEOUT seconds the whole VM run may take (default 1200)
#   HUSK_TIMEOUT   passed to the guest's suites (helpers.bash: seconds one
#                  husk command may take; default 120 there: TCG is slow)
#
# Nothing is installed on the host except qemu-system-x86 and, for
# --selinux, secilc, the CIL compiler (apt-get, when missing).  The
# kernel package is downloaded with apt-get download and unpacked into
# the cache with dpkg -x, never installed; so is the apparmor package,
# for apparmor_parser.  The guest is an initramfs holding the static
# husk, busybox, the host's bash, coreutils, jq and bats (with their
# shared libraries), and the suites; its /init prints the suites' TAP and
# a totals line like tests/run-tests.sh's on the serial console and
# powers off.  The exit status is 0 only when that totals
# line is there and says "0 failed"; the last line printed is the totals,
# "N passed, N failed", as tests/check.sh's is.
set -euo pipefail

die() {
  echo "run-vm.sh: $*" >&2
  exit 1
}

layout=v2
lsm=apparmor
suites=()
while (($#)); do
  case $1 in
  --v1) layout=v1 ;;
  --v2) layout=v2 ;;
  --selinux) lsm=selinux ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  -*) die "unknown option: $1 (see --help)" ;;
  *) suites+=("$1") ;;
  esac
  shift
done

HUSK_SRCDIR=${HUSK_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${HUSK_BUILDDIR:?HUSK_BUILDDIR must point at the build tree (make check-vm sets it)}"
CACHE=${HUSK_VM_CACHE:-/var/cache/husk-vm}
TIMEOUT=${HUSK_VM_TIMEOUT:-1200}
HUSK_BIN=$HUSK_BUILDDIR/husk
[[ -x "$HUSK_BIN" ]] || die "$HUSK_BIN is missing: build husk first"
[[ -x "$HUSK_BUILDDIR/tests/integration/recvtty" ]] ||
  die "$HUSK_BUILDDIR/tests/integration/recvtty is missing: make check-vm builds the suites' helpers"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "HUSK_VM_TIMEOUT=$TIMEOUT is not a number of seconds"
[[ $(id -u) == 0 ]] || die "must run as root (apt-get, and the cache in $CACHE)"

# The default selection.  Under TCG (no KVM on the CI machine) the guest
# is some 15 to 50 times slower than the host, so: the cgroup suites in
# full (cgroups*, update, pause, ps, events; the v2 device rules, a BPF
# program, are in cgroups.bats), kill --all, and smoke subsets of the
# lifecycle (create/start/state/delete, run) and of the namespaces (every
# kind new, joining by path: cgroup and time namespaces are kernel
# features), and the AppArmor profiles (lsm.bats: Debian's kernel has
# AppArmor on; the CI machine does not).  Never here: cli.bats (help
# texts, man page: nothing kernel-specific) and schema.bats (python3 and
# ../shared on the host).
VM_SUITES=(cgroups*.bats update.bats pause.bats ps.bats events.bats
  "kill.bats=^kill --all"
  "lifecycle.bats=^create leaves|^state JSON"
  "run.bats=^run: the container|^inside: the hostname"
  "delete.bats=^delete --force of a running"
  "namespaces.bats=^every kind asked for is new|^a second container joins"
  lsm.bats)
# With --selinux: the SELinux labels (selinux.bats), and smoke subsets
# proving that ordinary containers still run there.  lsm.bats is
# AppArmor's.
SELINUX_SUITES=(selinux.bats
  "lifecycle.bats=^create leaves|^state JSON"
  "run.bats=^run: the container|^inside: the hostname")
if ((${#suites[@]} == 0)); then
  defaults=("${VM_SUITES[@]}")
  [[ $lsm == selinux ]] && defaults=("${SELINUX_SUITES[@]}")
  shopt -s nullglob
  for s in "${defaults[@]}"; do
    for f in "$HUSK_SRCDIR"/tests/integration/${s%%=*}; do
      if [[ "$s" == *=* ]]; then suites+=("${f##*/}=${s#*=}"); else suites+=("${f##*/}"); fi
    done
  done
  shopt -u nullglob
fi
for s in "${suites[@]}"; do
  s=${s%%=*}
  [[ "$s" == *.bats && "$s" != */* ]] || die "$s: give a suite as NAME.bats[=REGEX] (a file of tests/integration)"
  [[ -f "$HUSK_SRCDIR/tests/integration/$s" ]] || die "no suite tests/integration/$s"
done
# An earlier glob may have matched a suite a later one names: once each.
mapfile -t suites < <(printf '%s\n' "${suites[@]}" | awk '!seen[$0]++')

# ------------------------------------------------------------------ host side
mkdir -p "$CACHE"
if ! command -v qemu-system-x86_64 >/dev/null; then
  echo "run-vm.sh: installing qemu-system-x86"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    qemu-system-x86 >/dev/null || die "apt-get install qemu-system-x86 failed"
fi
# secilc compiles the guest's SELinux policy on the host: a small tool,
# installed as qemu is (the guest needs only the binary policy).
if [[ $lsm == selinux ]] && ! command -v secilc >/dev/null; then
  echo "run-vm.sh: installing secilc"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    secilc >/dev/null || die "apt-get install secilc failed"
fi

# The kernel: bookworm's current one (what linux-image-amd64 depends on),
# else the newest already in the cache (offline reruns).
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
  sed -n 's/^ *Depends: \(linux-image-[0-9.]*-[0-9]*-amd64\)$/\1/p' | head -n 1) || true
if [[ -n "$kpkg" && ! -f "$CACHE/$kpkg/boot/vmlinuz-${kpkg#linux-image-}" ]]; then
  echo "run-vm.sh: fetching $kpkg"
  rm -rf "$CACHE/$kpkg.tmp" "$CACHE"/"$kpkg"_*.deb
  (cd "$CACHE" && apt-get download "$kpkg" >/dev/null 2>&1) || die "apt-get download $kpkg failed"
  dpkg -x "$CACHE"/"$kpkg"_*.deb "$CACHE/$kpkg.tmp"
  mv "$CACHE/$kpkg.tmp" "$CACHE/$kpkg"
  rm -f "$CACHE"/"$kpkg"_*.deb
fi
if [[ -z "$kpkg" || ! -d "$CACHE/$kpkg" ]]; then
  kpkg=$(cd "$CACHE" && ls -d linux-image-*-amd64 2>/dev/null | sort -V | tail -n 1) || true
fi
[[ -n "$kpkg" ]] || die "no kernel: apt-cache does not know linux-image-amd64 and $CACHE has none"
kver=${kpkg#linux-image-}
KDIR=$CACHE/$kpkg
VMLINUZ=$KDIR/boot/vmlinuz-$kver
[[ -f "$VMLINUZ" ]] || die "$VMLINUZ is missing"

# apparmor_parser, for lsm.bats to load its profile: bookworm's apparmor
# package, unpacked into the cache as the kernel is, never installed.
aver=$(apt-cache show --no-all-versions apparmor 2>/dev/null | sed -n 's/^Version: //p' | head -n 1) || true
if [[ -n "$aver" && ! -x "$CACHE/apparmor-$aver/sbin/apparmor_parser" ]]; then
  echo "run-vm.sh: fetching apparmor $aver"
  rm -rf "$CACHE/apparmor-$aver.tmp" "$CACHE"/apparmor_*.deb
  (cd "$CACHE" && apt-get download "apparmor=$aver" >/dev/null 2>&1) || die "apt-get download apparmor failed"
  dpkg -x "$CACHE"/apparmor_*.deb "$CACHE/apparmor-$aver.tmp"
  mv "$CACHE/apparmor-$aver.tmp" "$CACHE/apparmor-$aver"
  rm -f "$CACHE"/apparmor_*.deb
fi
if [[ -z "$aver" || ! -d "$CACHE/apparmor-$aver" ]]; then
  aver=$(cd "$CACHE" && ls -d apparmor-* 2>/dev/null | sort -V | tail -n 1) || true
  aver=${aver#apparmor-}
fi
AADIR=$CACHE/apparmor-$aver
[[ -n "$aver" && -x "$AADIR/sbin/apparmor_parser" ]] ||
  die "no apparmor_parser: apt-cache does not know apparmor and $CACHE has none"

work=$(mktemp -d /tmp/husk-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
R=$work/root

# copy_in PATH: PATH (a file or a symlink, followed to its end) into the
# guest at the same place, as the host resolves it: /bin, /lib and /lib64
# are the usr-merge symlinks in both.
copy_in() {
  local p=$1 d t
  d=$(realpath "$(dirname "$p")")/${p##*/}
  [[ -e "$R$d" || -L "$R$d" ]] && return 0
  mkdir -p "$R${d%/*}"
  if [[ -L "$d" ]]; then
    t=$(readlink "$d")
    ln -s "$t" "$R$d"
    [[ "$t" == /* ]] || t=${d%/*}/$t
    copy_in "$t"
  else
    cp "$d" "$R$d"
  fi
}

# copy_libs PATH: the shared libraries a program loads.
copy_libs() {
  local lib
  while read -r lib; do
    copy_in "$lib"
  done < <(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' | grep -v '^/.*:$' || true)
}

# copy_prog PATH: a program and the shared libraries it loads.
copy_prog() {
  copy_in "$1"
  copy_libs "$1"
}

mkdir -p "$R"/usr/{bin,sbin,lib,lib64} "$R"/{proc,sys,dev,run,tmp,etc,mnt,root}
# The kernel opens /dev/console of the initramfs for init's stdio.
mknod -m 600 "$R/dev/console" c 5 1
ln -s usr/bin "$R/bin"
ln -s usr/sbin "$R/sbin"
ln -s usr/lib "$R/lib"
ln -s usr/lib64 "$R/lib64"

# busybox (static: bundles copy /bin/busybox into their rootfs) runs /init;
# its applets come last on the guest's PATH, after the host's real tools.
readelf -l /bin/busybox 2>/dev/null | grep -q INTERP && die "/bin/busybox is not static: apt-get install busybox-static"
cp /bin/busybox "$R/usr/bin/busybox"
mkdir -p "$R/usr/libexec/busybox"
for a in $(/bin/busybox --list); do
  ln -s /usr/bin/busybox "$R/usr/libexec/busybox/$a"
done

# The host's tools the suites, bats and its libraries use: GNU behaviour
# (timeout --kill-after, stat -c, find -maxdepth ... -exec +, sort -V).
tools=(bash jq awk sed grep find xargs diff cmp mount umount findmnt lsblk
  setpriv nsenter unshare mountpoint ps pgrep pkill readelf)
mapfile -t coreutils < <(dpkg -L coreutils | grep -E '^/(usr/)?s?bin/[^/]+$')
for t in "${tools[@]}"; do
  p=$(command -v "$t") || continue
  copy_prog "$p"
done
for p in "${coreutils[@]}"; do
  [[ -e "$p" ]] && copy_prog "$p"
done
# bats-core and its helper libraries.
for p in /usr/bin/bats /usr/lib/bats-core /usr/libexec/bats-core /usr/lib/bats; do
  mkdir -p "$R$(dirname "$p")"
  cp -a "$p" "$R$p"
done
cp /etc/passwd /etc/group "$R/etc/"
cp "$AADIR/sbin/apparmor_parser" "$R/usr/sbin/apparmor_parser"
copy_libs "$AADIR/sbin/apparmor_parser"
# Its configuration pins the policy features (the abi) Debian's policy is
# written for.
mkdir -p "$R/etc/apparmor" "$R/usr/share/apparmor-features"
cp "$AADIR/etc/apparmor/parser.conf" "$R/etc/apparmor/"
cp "$AADIR/usr/share/apparmor-features/features" "$R/usr/share/apparmor-features/"
echo "127.0.0.1 localhost" >"$R/etc/hosts"

# The SELinux policy, for /init2 to load: selinux.cil, and its 1024 MCS
# categories c0..c1023 (declared and ordered here rather than written out
# there).  -f: secilc would write a file_contexts into the current
# directory; the guest labels no files from one.
if [[ $lsm == selinux ]]; then
  {
    for ((i = 0; i < 1024; i++)); do echo "(category c$i)"; done
    echo "(categoryorder ($(seq -s ' ' -f 'c%g' 0 1023)))"
  } >"$work/categories.cil"
  secilc -o "$R/etc/husk-vm-selinux.policy" -f /dev/null \
    "$HUSK_SRCDIR/tests/vm/selinux.cil" "$work/categories.cil" ||
    die "secilc failed to compile tests/vm/selinux.cil"
  # libselinux counts SELinux as enabled only when this file exists too;
  # without it util-linux's mount drops a context= option unsaid.
  mkdir -p "$R/etc/selinux"
  printf 'SELINUX=permissive\nSELINUXTYPE=husk-vm\n' >"$R/etc/selinux/config"
fi

# Kernel modules: a block device for the blockIO tests (null_blk: no disk
# image needed) and bfq (io.bfq.weight).  busybox insmod, dependencies
# first, as each module's .modinfo "depends=" names them (the package has
# no modules.dep, and the host may have no kmod).
M=lib/modules/$kver
mods=()
add_mod() {
  local name=$1 m deps d
  m=$(cd "$KDIR/$M" && find kernel -name "$name.ko" -o -name "${name//_/-}.ko" | head -n 1)
  [[ -n "$m" ]] || die "module $name is not in $kpkg"
  [[ " ${mods[*]} " == *" $m "* ]] && return 0
  deps=$(tr '\0' '\n' <"$KDIR/$M/$m" | sed -n 's/^depends=//p' | tr ',' ' ')
  for d in $deps; do
    add_mod "$d"
  done
  mods+=("$m")
}
add_mod null_blk
add_mod bfq
for m in "${mods[@]}"; do
  mkdir -p "$R/usr/$M/$(dirname "$m")"
  cp "$KDIR/$M/$m" "$R/usr/$M/$m"
done
printf '%s\n' "${mods[@]}" >"$R/etc/husk-vm-modules"

# husk, the suites' helper programs (recvtty...) and the suites at the
# guest's HUSK_BUILDDIR / HUSK_SRCDIR.
mkdir -p "$R/husk/build/tests/integration" "$R/husk/src/tests/integration"
cp "$HUSK_BIN" "$R/husk/build/husk"
copy_prog "$HUSK_BIN"
for f in "$HUSK_BUILDDIR"/tests/integration/*; do
  [[ -f "$f" && -x "$f" ]] || continue
  cp "$f" "$R/husk/build/tests/integration/"
  copy_prog "$f"
done
cp "$HUSK_SRCDIR/tests/run-tests.sh" "$HUSK_SRCDIR/tests/tap-count.sh" "$R/husk/src/tests/"
for f in "$HUSK_SRCDIR"/tests/integration/*; do
  case $f in *.bats) ;; *) [[ -f "$f" ]] && cp "$f" "$R/husk/src/tests/integration/" ;; esac
done
for s in "${suites[@]}"; do
  cp "$HUSK_SRCDIR/tests/integration/${s%%=*}" "$R/husk/src/tests/integration/"
done
printf '%s\n' "${suites[@]}" >"$R/etc/husk-vm-suites"
echo "${HUSK_TIMEOUT:-120}" >"$R/etc/husk-vm-timeout"
echo "$layout" >"$R/etc/husk-vm-layout"
echo "$lsm" >"$R/etc/husk-vm-lsm"

# /init: the initramfs's root cannot be pivot_root'ed away from (it is the
# kernel's rootfs), so stage one copies the tree into a tmpfs and
# switch_root's there; stage two (/init2) sets the machine up and runs the
# suites.
cat >"$R/init" <<'EOF'
#!/usr/bin/busybox sh
/usr/bin/busybox mount -t tmpfs -o mode=0755 tmpfs /mnt
cd /
for e in *; do
  [ "$e" = mnt ] || /usr/bin/busybox cp -a "$e" /mnt/
done
exec /usr/bin/busybox switch_root /mnt /init2
EOF
cat >"$R/init2" <<'EOF'
#!/bin/bash
# Stage two of the husk test VM (see tests/vm/run-vm.sh).
export PATH=/usr/sbin:/usr/bin:/usr/libexec/busybox
export HOME=/root TMPDIR=/tmp LANG=C.UTF-8
bb=/usr/bin/busybox
layout=$(cat /etc/husk-vm-layout)
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# SELinux (--selinux): its policy before anything else, so that what
# follows is labelled by it from the start (what was mounted already is
# labelled when the policy loads).  Permissive: enforcing=0.
if [ "$(cat /etc/husk-vm-lsm)" = selinux ]; then
  mount -t selinuxfs selinuxfs /sys/fs/selinux
  if ! cat /etc/husk-vm-selinux.policy >/sys/fs/selinux/load; then
    # No totals line: run-vm.sh counts the run as failed.
    echo "husk-vm: SELinux: loading the policy failed"
    $bb poweroff -f
  fi
  echo "husk-vm: SELinux: policy loaded (version $(cat /sys/fs/selinux/policyvers), MLS $(cat /sys/fs/selinux/mls))"
  echo "husk-vm: SELinux: enforce $(cat /sys/fs/selinux/enforce), init runs as $(cat /proc/self/attr/current)"
fi
mount -t securityfs securityfs /sys/kernel/security
mount -t devtmpfs devtmpfs /dev
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount --make-rprivate /
hostname husk-vm
$bb ip link set lo up
echo "husk-vm: kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime)s, cgroup layout $layout"
echo "husk-vm: AppArmor enabled: $(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo no)"
if [ "$layout" = v2 ]; then
  mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
  # Every controller for the children: the suites make their cgroups below.
  for c in $(cat /sys/fs/cgroup/cgroup.controllers); do
    echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control
  done
  echo "husk-vm: cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
else
  mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
  # One hierarchy per controller, as systemd's legacy layout has them (cpu
  # and cpuacct, net_cls and net_prio share theirs).
  while read -r c _ _ enabled; do
    [ "$c" = "#subsys_name" ] || [ "$enabled" = 0 ] && continue
    case $c in
    cpu | cpuacct) d=cpu,cpuacct; opts=cpu,cpuacct ;;
    net_cls | net_prio) d=net_cls,net_prio; opts=net_cls,net_prio ;;
    *) d=$c; opts=$c ;;
    esac
    [ -d /sys/fs/cgroup/$d ] && continue
    mkdir -p /sys/fs/cgroup/$d
    mount -t cgroup -o $opts cgroup /sys/fs/cgroup/$d
  done </proc/cgroups
  ln -s cpu,cpuacct /sys/fs/cgroup/cpu
  ln -s cpu,cpuacct /sys/fs/cgroup/cpuacct
  ln -s net_cls,net_prio /sys/fs/cgroup/net_cls
  ln -s net_cls,net_prio /sys/fs/cgroup/net_prio
  echo "husk-vm: cgroup v1 hierarchies: $(cd /sys/fs/cgroup && echo *)"
fi
while read -r m; do
  $bb insmod /usr/lib/modules/$(uname -r)/$m || echo "husk-vm: insmod $m failed"
done </etc/husk-vm-modules
echo "husk-vm: block devices: $(cd /sys/block && echo *)"
cd /husk/build
export HUSK=/husk/build/husk HUSK_BUILDDIR=/husk/build HUSK_SRCDIR=/husk/src
export HUSK_TIMEOUT=$(cat /etc/husk-vm-timeout)
# The counting of tests/run-tests.sh (tests/tap-count.sh): no plan, or a
# plan not run to its end, counts as failed.
passed=0 failed=0 skipped=0 failures=()
. /husk/src/tests/tap-count.sh
now() { cut -d' ' -f1 /proc/uptime; }
t0=$(now)
while IFS= read -r spec; do
  suite=${spec%%=*} filter=()
  [[ "$spec" == *=* ]] && filter=(-f "${spec#*=}")
  echo "# bats: $spec"
  ts=$(now)
  count_tap "$suite" < <(bats --tap "${filter[@]}" "/husk/src/tests/integration/$suite" </dev/null 2>&1)
  # A filter that matches nothing would pass by running nothing.
  if ((tap_planned == 0)); then
    failed=$((failed + 1)); failures+=("$spec: no test matches")
  fi
  echo "# husk-vm: $suite: $tap_seen tests in $(awk -v a="$ts" -v b="$(now)" 'BEGIN { printf "%d", b - a }')s"
done </etc/husk-vm-suites
echo "husk-vm: suites took $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%d", b - a }')s"
if ((${#failures[@]})); then
  echo "# failures:"
  printf '#   %s\n' "${failures[@]}"
fi
echo "# skipped: $skipped"
echo "$passed passed, $failed failed"
status=0
((failed == 0)) || status=1
echo "husk-vm: exit status $status"
sync
$bb poweroff -f
EOF
chmod +x "$R/init" "$R/init2"

(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | /bin/busybox cpio -o -H newc 2>/dev/null) | gzip -1 >"$work/initrd.gz"
echo "run-vm.sh: initramfs $(du -h "$work/initrd.gz" | cut -f1), kernel $kver, cgroup $layout, LSM $lsm, suites:"
printf '  %s\n' "${suites[@]}"

# ------------------------------------------------------------------ the run
# mitigations=off: under TCG every page-table switch of KPTI flushes
# qemu's software TLB; the suites fork a lot (about twice as fast).
cmdline="console=ttyS0 panic=-1 loglevel=1 mitigations=off"
if [[ $layout == v2 ]]; then
  cmdline+=" cgroup_no_v1=all"
else
  # A v1-only host: every controller is free for v1 (the kernel's
  # default), /init mounts them and no cgroup2.
  :
fi
if [[ $lsm == selinux ]]; then
  # SELinux as the major LSM in AppArmor's place.  Debian's kernel is
  # built without the selinux= parameter (SECURITY_SELINUX_BOOTPARAM):
  # being in lsm= turns it on; enforcing=0 is permissive.
  cmdline+=" lsm=lockdown,yama,selinux enforcing=0"
fi
log=$work/console.log
start=$SECONDS
set +e
timeout --kill-after=10 "$TIMEOUT" qemu-system-x86_64 -nographic -no-reboot -nic none \
  -m 1024 -smp 2 -kernel "$VMLINUZ" -initrd "$work/initrd.gz" \
  -append "$cmdline" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log"
qstatus=${PIPESTATUS[0]}
set -e
elapsed=$((SECONDS - start))

totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1) || true
if ((qstatus == 124 || qstatus == 137)); then
  why="the VM did not finish within ${TIMEOUT}s (HUSK_VM_TIMEOUT)"
elif [[ -z "$totals" ]]; then
  why="no totals line on the console (qemu exit status $qstatus)"
elif [[ "$totals" =~ ^0\ passed ]]; then
  why="no test passed: the suites did not run"
elif [[ ! "$totals" =~ ^[0-9]+\ passed,\ 0\ failed$ ]] || ! grep -q '^husk-vm: exit status 0$' "$log"; then
  why="tests failed"
else
  why=
fi
echo "# cgroup $layout VM, LSM $lsm, Linux $kver: ${elapsed}s${why:+: $why}"
if [[ -z "$why" ]]; then
  echo "$totals"
  exit 0
fi
# A failed run never reads "0 failed": a run cut short counts as one
# failure more than its console shows.
read -r p _ f _ <<<"${totals//,/}"
p=${p:-0} f=${f:-0}
[[ "$why" == "tests failed" && $f -gt 0 ]] || f=$((f + 1))
echo "$p passed, $f failed"
exit 1
