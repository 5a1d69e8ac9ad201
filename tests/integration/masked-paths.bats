#!/usr/bin/env bats
# linux.maskedPaths and linux.readonlyPaths, applied after pivot_root.

load helpers
load fs-helpers

setup() {
  husk_setup
  snapshot_host_mounts
}

teardown() {
  husk_teardown
}

@test "maskedPaths: files read empty and cannot be written, directories are empty and read-only, missing ones are skipped" {
  mkdir -p "$BUNDLE/rootfs/secret/dir"
  echo secret >"$BUNDLE/rootfs/secret/file"
  echo secret >"$BUNDLE/rootfs/secret/dir/inner"
  update_config "$BUNDLE" '.linux.maskedPaths = ["/secret/file", "/secret/dir", "/proc/timer_list", "/proc/no-such-entry", "/no/such/dir"]'
  ctr_ok 'echo "file=[$(cat /secret/file)]"; echo "dir=[$(ls -A /secret/dir)]"; echo "timer=[$(cat /proc/timer_list)]"
    echo x > /secret/file && echo file-written; touch /secret/dir/new 2>/dev/null || echo dir-readonly
    grep " /secret/dir " /proc/self/mountinfo; true'
  assert_line "file=[]"
  assert_line "dir=[]"
  assert_line "timer=[]"
  assert_line dir-readonly
  assert_line --regexp ' /secret/dir ro,nosuid,nodev,noexec,[a-z,]* - tmpfs '
  # /dev/null swallows the write; the file itself is untouched.
  assert_equal "$(cat "$BUNDLE/rootfs/secret/file")" secret
  [[ ! -e "$BUNDLE/rootfs/secret/dir/new" && ! -e "$BUNDLE/rootfs/no" ]] || fail "masking created paths"
  assert_host_mounts_unchanged
}

@test "maskedPaths: a symlink in the path is resolved inside the container" {
  mkdir -p "$BUNDLE/rootfs/inner"
  echo inner-secret >"$BUNDLE/rootfs/inner/file"
  ln -s ../../../inner "$BUNDLE/rootfs/link"
  echo host-data >"$BATS_TEST_TMPDIR/hostfile"
  ln -s "$BATS_TEST_TMPDIR/hostfile" "$BUNDLE/rootfs/tohost"
  update_config "$BUNDLE" '.linux.maskedPaths = ["/link/file", "/tohost"]'
  ctr_ok 'echo "[$(cat /inner/file)]"; cat /tohost 2>/dev/null || echo tohost-missing'
  assert_line "[]"
  assert_line tohost-missing
  assert_equal "$(cat "$BATS_TEST_TMPDIR/hostfile")" host-data
  assert_host_mounts_unchanged
}

@test "readonlyPaths: bound read-only onto themselves, with their submounts" {
  update_config "$BUNDLE" '.mounts += [
    {destination: "/data", type: "tmpfs", source: "tmpfs"},
    {destination: "/data/sub", type: "tmpfs", source: "tmpfs"}]
    | .linux.readonlyPaths = ["/data", "/proc/sys", "/no/such/path"]'
  ctr_ok 'touch /data/x 2>/dev/null || echo data-ro; touch /data/sub/x 2>/dev/null || echo sub-ro
    echo 1 > /proc/sys/kernel/shmmax 2>/dev/null || echo procsys-ro
    grep -E " /data(/sub)? | /proc/sys " /proc/self/mountinfo; true'
  assert_line data-ro
  assert_line sub-ro
  assert_line procsys-ro
  assert_line --regexp ' /data ro,'
  assert_line --regexp ' /data/sub ro,'
  assert_line --regexp ' /proc/sys ro,'
  assert_host_mounts_unchanged
}

@test "maskedPaths and readonlyPaths: relative paths fail clearly" {
  update_config "$BUNDLE" '.linux.maskedPaths = ["proc/kcore"]'
  ctr_fails 'config\.json: linux\.maskedPaths\[0\]: must be an absolute path'
  update_config "$BUNDLE" '.linux.maskedPaths = [] | .linux.readonlyPaths = ["/proc/sys", "sys"]'
  ctr_fails 'config\.json: linux\.readonlyPaths\[1\]: must be an absolute path'
}

@test "--no-pivot: a process that unshares user, mount and pid namespaces cannot mount a procfs (or sysfs) without the masked paths, as with runc" {
  # The host's /proc and /sys stay in the mount namespace under the
  # chroot: fully visible, they would let the kernel allow a new procfs
  # or sysfs there (mount_too_revealing), unmasked.  runc unmounts them
  # first; so does husk.
  ln -s busybox "$BUNDLE/rootfs/bin/unshare"
  mkdir -p "$BUNDLE/rootfs/mnt"
  update_config "$BUNDLE" '.linux.maskedPaths = ["/proc/timer_list", "/proc/kcore"]'
  set_args "$BUNDLE" sh -c 'cat /proc/timer_list | wc -c
    unshare -Urmpf mount -t proc proc /mnt 2>&1 && echo proc-mounted
    unshare -Urmnf mount -t sysfs sysfs /mnt 2>&1 && echo sysfs-mounted; true'
  local pivot
  for pivot in --no-pivot ""; do
    hrun husk run $pivot --bundle "$BUNDLE" "$CTR"
    assert_ok
    assert_line --index 0 0
    # The unshare worked; the mounts did not.
    assert_line --index 1 --partial "permission denied"
    assert_line --index 2 --partial "permission denied"
    refute_output --partial mounted
    assert_no_leftovers "$CTR"
    assert_host_mounts_unchanged
  done
}
