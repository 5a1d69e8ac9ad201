#!/usr/bin/env bats
# The compiled seccomp program cache, <root>/.seccomp/<key>.bpf: stored on
# the first create, used by the next ones and by exec, and ignored (the
# profile compiled again) whenever the directory or the entry fails a check.
# Each test's --root is its own (helpers.bash gives one per file), so its
# cache starts empty and goes with the test's temp dir.

load helpers

setup() {
  HUSK_ROOT="$BATS_TEST_TMPDIR/root"
  husk_setup
  ln -s busybox "$BUNDLE/rootfs/bin/mkdir"
  CACHE="$HUSK_ROOT/.seccomp"
  set_args "$BUNDLE" mkdir /tmp/d
}

# use_profile ERRNO: mkdir and mkdirat fail with ERRNO.
use_profile() {
  update_config "$BUNDLE" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
    syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: $e}]}' --argjson e "$1"
}

ENOSPC="mkdir: can't create directory '/tmp/d': No space left on device"
EROFS="mkdir: can't create directory '/tmp/d': Read-only file system"

# run_expect STDERR: husk run fails mkdir with that message, seen inside.
run_expect() {
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 1
  assert_equal "$stderr" "$1"
}

# entries: the cache's entries, by name.
entries() {
  (cd "$CACHE" && ls -A)
}

@test "the first run stores the program under its key, 0600 in a 0700 dir; the next run takes it from there; delete leaves it" {
  use_profile 28
  run_expect "$ENOSPC"
  run entries
  assert_output --regexp '^[0-9a-f]{64}\.bpf$'
  local entry=$CACHE/$output
  assert_equal "$(stat -c '%a %u %F' "$CACHE")" "700 $(id -u) directory"
  assert_equal "$(stat -c '%a %u %F' "$entry")" "600 $(id -u) regular file"
  local ino
  ino=$(stat -c %i "$entry")

  hrun husk --debug --log "$BATS_TEST_TMPDIR/log" run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 1
  assert_equal "$stderr" "$ENOSPC"
  grep -q "seccomp cache: ${entry##*/} used" "$BATS_TEST_TMPDIR/log"
  ! grep -q "stored" "$BATS_TEST_TMPDIR/log"
  assert_equal "$(stat -c %i "$entry")" "$ino"

  set_args "$BUNDLE" true
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  husk delete --force "$CTR"
  assert_no_leftovers "$CTR"
  run entries
  assert_output "${entry##*/}"
}

@test "another profile gives another entry, and each container gets its own profile's program" {
  use_profile 28
  run_expect "$ENOSPC"
  use_profile 30
  run_expect "$EROFS"
  # An argument condition changes the key too.
  update_config "$BUNDLE" '.linux.seccomp.syscalls[0].args = [{index: 1, value: 0, op: "SCMP_CMP_GE"}]'
  run_expect "$EROFS"
  run entries
  assert_equal "${#lines[@]}" 3
  use_profile 28
  run_expect "$ENOSPC"
  use_profile 30
  run_expect "$EROFS"
  run entries
  assert_equal "${#lines[@]}" 3
}

# forge_entries: FORGED is the entry of profile 30 (EROFS) with the key of
# profile 28 (ENOSPC) in its header, a file husk could have written but did
# not compile for profile 28; ENTRY is profile 28's entry path.
forge_entries() {
  use_profile 30
  run_expect "$EROFS"
  local b
  b=$(entries)
  use_profile 28
  run_expect "$ENOSPC"
  ENTRY=$(ls "$CACHE"/*.bpf | grep -v "/$b\$")
  local key=${ENTRY##*/}
  key=${key%.bpf}
  FORGED=$BATS_TEST_TMPDIR/forged
  # header: 8 bytes of magic, the 32-byte key, the program's digest, count
  { head -c 8 "$CACHE/$b"; printf "$(sed 's/../\\x&/g' <<<"$key")"; tail -c +41 "$CACHE/$b"; } >"$FORGED"
  chmod 600 "$FORGED"
}

# put_forged: the forged entry in place of profile 28's.
put_forged() {
  cp -p "$FORGED" "$ENTRY"
}

@test "an entry that passes every check is what the container gets: husk does not compile the profile again" {
  forge_entries
  put_forged
  run_expect "$EROFS"
  cmp "$FORGED" "$ENTRY"
}

@test "an entry that fails a check is not used: the profile is compiled again and the entry replaced" {
  forge_entries
  local size
  size=$(stat -c %s "$FORGED")
  local check
  for check in group-writable other-writable other-owner symlink fifo corrupted-program other-key truncated; do
    rm -f "$ENTRY"
    case $check in
      group-writable) put_forged; chmod 620 "$ENTRY" ;;
      other-writable) put_forged; chmod 602 "$ENTRY" ;;
      other-owner) put_forged; chown 1:1 "$ENTRY" ;;
      symlink) cp -p "$FORGED" "$CACHE/elsewhere"; ln -s elsewhere "$ENTRY" ;;
      fifo) mkfifo -m 600 "$ENTRY" ;;
      corrupted-program) put_forged; printf '\xff' | dd of="$ENTRY" bs=1 seek=$((size - 1)) conv=notrunc status=none ;;
      other-key) put_forged; printf '\xff' | dd of="$ENTRY" bs=1 seek=8 conv=notrunc status=none ;;
      truncated) put_forged; truncate -s $((size - 8)) "$ENTRY" ;;
    esac
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$check: $status $stderr" "$check: 1 $ENOSPC"
    # Replaced by the program just compiled, which the next run takes.
    assert_equal "$check: $(stat -c '%a %u %F' "$ENTRY")" "$check: 600 $(id -u) regular file"
    run_expect "$ENOSPC"
  done
  rm -f "$CACHE/elsewhere"
  run entries
  assert_equal "${#lines[@]}" 2
}

@test "a cache dir that fails a check is not used at all: neither read nor written" {
  forge_entries
  local check
  for check in group-writable other-owner symlink; do
    put_forged
    case $check in
      group-writable) chmod 770 "$CACHE" ;;
      other-owner) chown 1 "$CACHE" ;;
      symlink) mv "$CACHE" "$HUSK_ROOT/real"; ln -s real "$CACHE" ;;
    esac
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$check: $status $stderr" "$check: 1 $ENOSPC"
    cmp "$FORGED" "$ENTRY"  # not replaced either
    case $check in
      group-writable) chmod 700 "$CACHE" ;;
      other-owner) chown "$(id -u)" "$CACHE" ;;
      symlink) rm "$CACHE"; mv "$HUSK_ROOT/real" "$CACHE" ;;
    esac
    # Trusted again: the forged entry is taken.
    run_expect "$EROFS"
  done
}

@test "concurrent runs with a cold cache all get the filter and leave one entry, no temporary file" {
  use_profile 28
  local i pids=()
  for i in 1 2 3 4 5 6; do
    start_bg husk run --bundle "$BUNDLE" "$CTR-$i"
    pids+=("$BG_PID")
  done
  for i in 1 2 3 4 5 6; do
    wait_bg "${pids[i - 1]}"
    assert_equal "$i: $bg_status $(<"$BATS_TEST_TMPDIR/bg.$i.err")" "$i: 1 $ENOSPC"
  done
  run entries
  assert_output --regexp '^[0-9a-f]{64}\.bpf$'
}
