#!/usr/bin/env bats
# /dev: husk's tmpfs with the default devices, /dev/pts and the symlinks
# (a /dev/shm only when mounts[] has one); linux.devices with type, numbers, mode and owner.

load helpers
load fs-helpers

setup() {
  husk_setup
  snapshot_host_mounts
}

teardown() {
  husk_teardown
  if [[ -n "${USERNS_BUNDLE:-}" && -d "$USERNS_BUNDLE" ]]; then
    rm -rf "$USERNS_BUNDLE"
  fi
}

# The checks of the default /dev, printed one per line by the container.
DEV_REPORT='for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done
for l in fd stdin stdout stderr core ptmx; do echo "/dev/$l -> $(readlink /dev/$l)"; done
grep -E " /dev(/pts|/shm)? " /proc/self/mountinfo'

assert_default_dev() {
  assert_line "/dev/null character special file 1:3 666 0:0"
  assert_line "/dev/zero character special file 1:5 666 0:0"
  assert_line "/dev/full character special file 1:7 666 0:0"
  assert_line "/dev/random character special file 1:8 666 0:0"
  assert_line "/dev/urandom character special file 1:9 666 0:0"
  assert_line "/dev/tty character special file 5:0 666 0:0"
  assert_line "/dev/fd -> /proc/self/fd"
  assert_line "/dev/stdin -> /proc/self/fd/0"
  assert_line "/dev/stdout -> /proc/self/fd/1"
  assert_line "/dev/stderr -> /proc/self/fd/2"
  # /dev/core only where the host has /proc/kcore, as runc makes it.
  if [[ -e /proc/kcore ]]; then
    assert_line "/dev/core -> /proc/kcore"
  else
    assert_line "/dev/core -> "
  fi
  assert_line "/dev/ptmx -> pts/ptmx"
  assert_line --regexp ' /dev/pts rw,nosuid,noexec,[a-z,]* - devpts devpts rw,gid=5,mode=620,ptmxmode=666'
  # make_bundle's mounts[] has no /dev/shm: there is none (as with runc).
  refute_line --regexp ' /dev/shm '
}

@test "devices: without a /dev mount, husk mounts a tmpfs and populates it" {
  ctr_ok "$DEV_REPORT"
  assert_default_dev
  assert_line --regexp ' /dev rw,nosuid[a-z,]* - tmpfs tmpfs rw,size=65536k,mode=755'
  # Nothing was written into the image's /dev.
  assert_equal "$(ls -A "$BUNDLE/rootfs/dev")" ""
  assert_host_mounts_unchanged
}

@test "devices: a configured tmpfs /dev is populated; configured /dev/pts and /dev/shm are kept" {
  update_config "$BUNDLE" '.mounts += [
    {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "mode=755", "size=1m"]},
    {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "nodev", "noexec", "size=2m"]}]'
  ctr_ok "$DEV_REPORT; echo x > /dev/null && head -c 3 /dev/zero | wc -c"
  assert_line --regexp ' /dev rw,nosuid[a-z,]* - tmpfs tmpfs rw,size=1024k,mode=755'
  assert_line --regexp ' /dev/shm rw,nosuid,nodev,noexec,[a-z,]* - tmpfs shm rw,size=2048k'
  assert_equal "$(grep -c ' /dev/shm ' <<<"$output")" 1
  assert_line --regexp ' /dev/pts .* - devpts devpts '
  assert_line "/dev/null character special file 1:3 666 0:0"
  assert_line "/dev/ptmx -> pts/ptmx"
  assert_line 3
}

@test "devices: a bind of the host's /dev is not populated" {
  update_config "$BUNDLE" '.mounts += [{destination: "/dev", type: "bind", source: "/dev", options: ["rbind", "nosuid"]}]'
  ctr_ok 'grep -c " /dev " /proc/self/mountinfo; [ -L /dev/core ] || echo no-core-link'
  assert_line --index 0 1
  assert_line no-core-link
  assert_host_mounts_unchanged
}

@test "devices: linux.devices of every type with numbers, mode and owner" {
  update_config "$BUNDLE" '.linux.devices = [
    {path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 416, uid: 1, gid: 2},
    {path: "/dev/sub/loopx", type: "b", major: 7, minor: 200, fileMode: 384, uid: 3, gid: 4},
    {path: "/dev/unbuf", type: "u", major: 1, minor: 3},
    {path: "/dev/fifo", type: "p", fileMode: 420},
    {path: "/dev/podman-zero", type: "c", major: 1, minor: 5, fileMode: 8630},
    {path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 432}]'
  ctr_ok 'for d in /dev/fuse /dev/sub/loopx /dev/unbuf /dev/fifo /dev/podman-zero /dev/null; do stat -c "%n %F %t:%T %a %u:%g" $d; done'
  assert_line "/dev/fuse character special file a:e5 640 1:2"
  assert_line "/dev/sub/loopx block special file 7:c8 600 3:4"
  assert_line "/dev/unbuf character special file 1:3 666 0:0"
  assert_line "/dev/fifo fifo 0:0 644 0:0"
  # podman's spelling: fileMode 020666, the type bits included.
  assert_line "/dev/podman-zero character special file 1:5 666 0:0"
  # The configured /dev/null wins over the default one.
  assert_line "/dev/null character special file 1:3 660 0:0"
}

@test "devices: a device path through a symlink is made inside the rootfs" {
  ln -s / "$BUNDLE/rootfs/escape"
  update_config "$BUNDLE" '.linux.devices = [{path: "/escape/tmp/husk-dev-escape", type: "c", major: 1, minor: 3}]'
  ctr_ok 'stat -c "%n %t:%T" /tmp/husk-dev-escape'
  assert_output "/tmp/husk-dev-escape 1:3"
  [[ -c "$BUNDLE/rootfs/tmp/husk-dev-escape" && ! -e /tmp/husk-dev-escape ]] || fail "the device escaped the rootfs"
}

@test "devices: bad linux.devices entries fail clearly" {
  update_config "$BUNDLE" '.linux.devices = [{path: "/dev/x", type: "c"}]'
  ctr_fails 'config\.json: linux\.devices\[0\]: major and minor are required for type "c"'

  update_config "$BUNDLE" '.linux.devices = [{path: "dev/x", type: "p"}]'
  ctr_fails 'config\.json: linux\.devices\[0\]\.path: must be an absolute path'

  # The file type may be in fileMode (podman sends S_IFCHR | 0666), but it
  # must agree with type.
  update_config "$BUNDLE" '.linux.devices = [{path: "/dev/x", type: "c", major: 1, minor: 3, fileMode: 25014}]'
  ctr_fails 'config\.json: linux\.devices\[0\]\.fileMode: 60666 has bits other than permissions and the type "c"'

  mkdir -p "$BUNDLE/rootfs/etc"
  echo data >"$BUNDLE/rootfs/etc/notadev"
  update_config "$BUNDLE" '.linux.devices = [{path: "/etc/notadev", type: "c", major: 1, minor: 3}]'
  ctr_fails 'config\.json: linux\.devices\[0\]: "/etc/notadev" exists in the rootfs and is not that device'
  assert_equal "$(cat "$BUNDLE/rootfs/etc/notadev")" data
}

@test "devices: with process.terminal, /dev/console is the container's pty" {
  local recvtty="${HUSK_BUILDDIR:-}/tests/integration/recvtty"
  [[ -x "$recvtty" ]] || fail "recvtty is not built: run 'make check' in HUSK_BUILDDIR=${HUSK_BUILDDIR:-(unset)}"
  update_config "$BUNDLE" '.process.terminal = true'
  set_args "$BUNDLE" sh -c 'tty; stat -c "%t:%T" /dev/console $(tty); grep " /dev/console " /proc/self/mountinfo; echo hello > /dev/console'
  local sock="$BATS_TEST_TMPDIR/console.sock" out="$BATS_TEST_TMPDIR/tty.out"
  "$recvtty" --timeout 30 --output "$out" "$sock" </dev/null >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
  local recv=$!
  wait_for 10 test -S "$sock" || fail "recvtty did not listen: $(<"$BATS_TEST_TMPDIR/recvtty.log")"
  hrun husk create --console-socket "$sock" --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  wait_bg "$recv" 30
  assert_equal "$bg_status" 0
  mapfile -t lines < <(tr -d '\r' <"$out")
  [[ "${lines[0]}" == /dev/pts/* ]] || fail "tty: ${lines[*]}"
  assert_equal "${lines[1]}" "${lines[2]}"
  [[ "${lines[3]}" == *" /dev/console "*" - devpts "* ]] || fail "mountinfo: ${lines[3]}"
  assert_equal "${lines[4]}" hello
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

@test "devices: in a user namespace, where mknod is not allowed, the host's devices are bound" {
  # The container's root (host uid 100000) must reach the rootfs: bats'
  # temp dirs are 0700, so this bundle lives in a 0755 one (teardown
  # removes it).
  USERNS_BUNDLE=$(mktemp -d /tmp/husk-fs-userns.XXXXXX)
  chmod 0755 "$USERNS_BUNDLE"
  BUNDLE=$USERNS_BUNDLE
  make_bundle "$BUNDLE"
  update_config "$BUNDLE" '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229}]'
  # The bound node comes from the host's /dev, whatever its filesystem
  # (devtmpfs on a machine, tmpfs inside another container).
  local devfs
  devfs=$(awk '$5 == "/dev" { for (i = 7; $i != "-"; i++); print $(i + 1) }' /proc/self/mountinfo | tail -n 1)
  run_in_ctr "stat -c '%n %t:%T' /dev/null /dev/zero /dev/tty /dev/fuse; grep -c ' /dev/null .* - $devfs ' /proc/self/mountinfo; echo x > /dev/null && echo null-ok"
  assert_ok
  assert_output $'/dev/null 1:3\n/dev/zero 1:5\n/dev/tty 5:0\n/dev/fuse a:e5\n1\nnull-ok'
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}
