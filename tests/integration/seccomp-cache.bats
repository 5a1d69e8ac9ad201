#!/usr/bin/env bats
# The compiled seccomp program cache, /run/husk/.seccomp-cache/<key>.bpf
# (a directory husk owns, never the --root it is given): stored on the
# first create, used by the next ones and by exec, and ignored (the profile
# compiled again) whenever the directory or the entry fails a check.
# husk runs here in a mount namespace of its own where /run/husk is the
# test's directory $RUN_HUSK, so each test's cache starts empty, no other
# suite sees it, and it goes with the test's temp dir; the last tests use
# the real /run/husk and $XDG_RUNTIME_DIR.

load helpers

setup() {
  HUSK_ROOT="$BATS_TEST_TMPDIR/root"
  husk_setup
  ln -s busybox "$BUNDLE/rootfs/bin/mkdir"
  RUN_HUSK="$BATS_TEST_TMPDIR/run-husk"
  mkdir -p "$RUN_HUSK" /run/husk
  CACHE="$RUN_HUSK/.seccomp-cache"
  REAL_HUSK=$HUSK
  HUSK="$BATS_TEST_TMPDIR/husk-private"
  cat >"$HUSK" <<EOF
#!/bin/sh
exec unshare -m --propagation private sh -c 'mount --bind "\$0" /run/husk && exec "\$@"' "$RUN_HUSK" "$REAL_HUSK" "\$@"
EOF
  chmod +x "$HUSK"
  set_args "$BUNDLE" mkdir /tmp/d
}

teardown() {
  HUSK=$REAL_HUSK
  husk_teardown
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
      symlink) mv "$CACHE" "$RUN_HUSK/real"; ln -s real "$CACHE" ;;
    esac
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$check: $status $stderr" "$check: 1 $ENOSPC"
    cmp "$FORGED" "$ENTRY"  # not replaced either
    case $check in
      group-writable) chmod 700 "$CACHE" ;;
      other-owner) chown "$(id -u)" "$CACHE" ;;
      symlink) rm "$CACHE"; mv "$RUN_HUSK/real" "$CACHE" ;;
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

@test "the cache is never in --root: after a seccomp container is deleted, --root holds nothing" {
  use_profile 28
  run_expect "$ENOSPC"
  set_args "$BUNDLE" sleep 100
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk exec "$CTR" true
  assert_ok
  husk delete --force "$CTR"
  assert_no_leftovers "$CTR"
  run ls -A "$HUSK_ROOT"
  assert_output ""
  run entries
  assert_output --regexp '^[0-9a-f]{64}\.bpf$'
}

# stored_entry LOG: the entry a `husk --debug --log LOG` run stored.
stored_entry() {
  sed -n 's/.*seccomp cache: \([0-9a-f]*\.bpf\) stored.*/\1/p' "$1"
}

# unique_profile: mkdir fails with ENOSPC, by a profile of this test alone
# (an unknown syscall name is skipped, but it is part of the key).
unique_profile() {
  update_config "$BUNDLE" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
    syscalls: [{names: ["mkdir", "mkdirat", $u], action: "SCMP_ACT_ERRNO", errnoRet: 28}]}' \
    --arg u "husk_test_$$_$RANDOM"
}

@test "root's cache is /run/husk/.seccomp-cache, whatever --root is" {
  HUSK=$REAL_HUSK
  unique_profile
  hrun husk --debug --log "$BATS_TEST_TMPDIR/log" run --bundle "$BUNDLE" "$CTR"
  assert_equal "$stderr" "$ENOSPC"
  local entry
  entry=$(stored_entry "$BATS_TEST_TMPDIR/log")
  [[ -n "$entry" ]] || fail "nothing stored: $(cat "$BATS_TEST_TMPDIR/log")"
  assert_equal "$(stat -c '%a %u %F' /run/husk/.seccomp-cache)" "700 0 directory"
  assert_equal "$(stat -c '%a %u %F' "/run/husk/.seccomp-cache/$entry")" "600 0 regular file"
  rm -f "/run/husk/.seccomp-cache/$entry"
  run ls -A "$HUSK_ROOT"
  assert_output ""
}

@test "another user's cache is in \$XDG_RUNTIME_DIR/husk/.seccomp-cache; without XDG_RUNTIME_DIR there is none" {
  HUSK=$REAL_HUSK
  unique_profile
  # A place user 65534 can read the config from and write to.
  local d
  d=$(mktemp -d /tmp/husk-xdg.XXXXXX)
  chmod 755 "$d"
  mkdir "$d/bundle" "$d/xdg"
  cp "$BUNDLE/config.json" "$d/bundle/"
  chown 65534:65534 "$d/xdg"
  chmod 700 "$d/xdg"
  # husk cannot make the container for that user, but it compiles the
  # profile first.
  hrun setpriv --reuid 65534 --regid 65534 --clear-groups env XDG_RUNTIME_DIR="$d/xdg" \
    "$REAL_HUSK" --root "$d/xdg/root" --debug --log "$d/xdg/log" create --bundle "$d/bundle" "$CTR"
  assert_equal "$status" 1
  local entry
  entry=$(stored_entry "$d/xdg/log")
  [[ -n "$entry" ]] || { rm -rf "$d"; fail "nothing stored: $stderr"; }
  local got
  got=$(stat -c '%a %u %F' "$d/xdg/husk/.seccomp-cache" "$d/xdg/husk/.seccomp-cache/$entry")
  rm -f "$d/xdg/log"
  hrun setpriv --reuid 65534 --regid 65534 --clear-groups env -u XDG_RUNTIME_DIR HOME="$d/xdg" \
    "$REAL_HUSK" --root "$d/xdg/root" --debug --log "$d/xdg/log" create --bundle "$d/bundle" "$CTR"
  local without
  without=$(stored_entry "$d/xdg/log")
  rm -rf "$d"
  assert_equal "$got" "700 65534 directory"$'\n'"600 65534 regular file"
  assert_equal "$without" ""
}
