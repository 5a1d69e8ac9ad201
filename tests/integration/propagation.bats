#!/usr/bin/env bats
# linux.rootfsPropagation: the container's "/" (the OCI validation suite's
# rootfs_propagation check) and mounts from a shared host source.

load helpers
load fs-helpers

setup() {
  husk_setup
  snapshot_host_mounts
  SHARE="$BATS_TEST_TMPDIR/share"
}

teardown() {
  # The shared source and whatever was mounted under it, deepest first.
  if [[ -n "${SHARE:-}" ]]; then
    awk -v s="$SHARE" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
      while read -r m; do timeout 10 umount -l "$m" 2>/dev/null || true; done
  fi
  husk_teardown
}

# What runtime-tools' validation/linux_rootfs_propagation checks from
# inside: bind "/" elsewhere, mount something under "/", and see whether
# it shows up in the bind.
ROOT_CHECK='busybox mkdir -p /target /mnt1 /testdir; touch /testdir/example
if ! mount --rbind / /target 2>/dev/null; then echo bind-refused; exit 0; fi
mount --rbind /testdir /mnt1
if [ -e /target/mnt1/example ]; then echo exposed; else echo not-exposed; fi'

@test "rootfsPropagation: the container's / per mode (runtime-tools rootfs_propagation)" {
  local mode want
  for mode in shared rshared slave rslave private rprivate unbindable runbindable; do
    case $mode in
    *shared) want=exposed ;;
    *unbindable) want=bind-refused ;;
    *) want=not-exposed ;;
    esac
    update_config "$BUNDLE" '.linux.rootfsPropagation = $m' --arg m "$mode"
    ctr_ok "$ROOT_CHECK"
    [[ "$output" == "$want" ]] || fail "$mode: expected $want, got: $output"
  done
  assert_host_mounts_unchanged
}

@test "rootfsPropagation: an unknown value fails clearly" {
  update_config "$BUNDLE" '.linux.rootfsPropagation = "sharedd"'
  set_args "$BUNDLE" true
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line 'linux\.rootfsPropagation'
  assert_no_leftovers "$CTR"
}

# make_shared_source: a tmpfs at $SHARE, shared, with a sub directory.
make_shared_source() {
  mkdir -p "$SHARE"
  timeout 10 mount -t tmpfs husk-share "$SHARE"
  timeout 10 mount --make-shared "$SHARE"
  mkdir -p "$SHARE/sub"
  add_mount "$(jq -n --arg s "$SHARE" '{destination: "/share", type: "bind", source: $s, options: ["rbind"]}')"
}

# host_mount_seen MODE: runs a container with rootfsPropagation MODE that
# waits for the host to mount a tmpfs on $SHARE/sub; prints what it saw.
host_mount_seen() {
  local mode=$1
  rm -f "$SHARE/ready"
  update_config "$BUNDLE" '.linux.rootfsPropagation = $m' --arg m "$mode"
  set_args "$BUNDLE" sh -c 'echo > /share/ready; i=0
    while [ $i -lt 100 ] && [ ! -e /share/sub/flag ]; do sleep 0.05; i=$((i + 1)); done
    if [ -e /share/sub/flag ]; then echo seen; else echo not-seen; fi'
  HUSK_TEST_MARK=$HUSK_TEST_MARK start_bg timeout 20 "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR"
  wait_for_file "$SHARE/ready"
  timeout 10 mount -t tmpfs husk-share-sub "$SHARE/sub"
  touch "$SHARE/sub/flag"
  wait_bg "$BG_PID"
  timeout 10 umount "$SHARE/sub"
  assert_equal "$bg_status" 0
  cat "$BG_OUT"
}

@test "rootfsPropagation: a mount made on the host under a shared source appears inside for shared and slave, not for private" {
  make_shared_source
  local mode want got
  for mode in shared rshared slave rslave private rprivate; do
    case $mode in
    *private) want=not-seen ;;
    *) want=seen ;;
    esac
    got=$(host_mount_seen "$mode")
    [[ "$got" == "$want" ]] || fail "$mode: expected $want, got: $got"
    assert_no_leftovers "$CTR"
  done
  timeout 10 umount "$SHARE"
  assert_host_mounts_unchanged
}

@test "rootfsPropagation: with shared, a mount made inside under a shared source reaches the host; with slave it does not" {
  make_shared_source
  update_config "$BUNDLE" '.linux.rootfsPropagation = "rslave"'
  ctr_ok 'mount -t tmpfs from-ctr /share/sub && echo mounted'
  assert_output mounted
  [[ -z "$(awk -v m="$SHARE/sub" '$5 == m' /proc/self/mountinfo)" ]] || fail "rslave: the container's mount reached the host"

  update_config "$BUNDLE" '.linux.rootfsPropagation = "rshared"'
  ctr_ok 'mount -t tmpfs from-ctr /share/sub && echo mounted'
  [[ -n "$(awk -v m="$SHARE/sub" '$5 == m' /proc/self/mountinfo)" ]] || fail "rshared: the container's mount did not reach the host"
  timeout 10 umount "$SHARE/sub"
  timeout 10 umount "$SHARE"
  assert_host_mounts_unchanged
}
