#!/usr/bin/env bats
# File descriptors: nothing of husk's or the caller's leaks into the
# container; --preserve-fds and LISTEN_FDS pass exactly what they say.

load helpers

# The fds of `ls` inside the container.  ls opens one directory fd of its own
# to read /proc/self/fd; it has closed it again by the time it reads the
# links, so that entry shows no target (or, with another ls, a target of
# /proc/<pid>/fd).  Every other fd ls has, it inherited from the process.
FD_LIST='ls -l /proc/self/fd'

# assert_fds EXPECTED-NUMBERS: the `ls -l` in $output shows exactly these
# inherited fds, plus ls's own directory fd.
assert_fds() {
  local expected=$1 parsed got
  # "N TARGET" per fd; TARGET is empty when the link could not be read.
  parsed=$(awk '/^l/ { if ($(NF-1) == "->") print $(NF-2), $NF; else print $NF, "" }' <<<"$output")
  got=$(awk '$2 != "" && $2 !~ "^/proc/[0-9]+/fd$" { print $1 }' <<<"$parsed" | sort -n | tr '\n' ' ')
  assert_equal "$got" "$expected"
  assert_equal "$(awk '$2 == "" || $2 ~ "^/proc/[0-9]+/fd$"' <<<"$parsed" | wc -l)" 1
}

@test "create + start: the process has only fds 0, 1 and 2, even when the caller had more" {
  set_args "$BUNDLE" sh -c "$FD_LIST"
  # Extra fds open in the caller, with and without close-on-exec left to husk.
  exec 7</etc/hostname 8>"$BATS_TEST_TMPDIR/eight" 9<"$BUNDLE/config.json"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  exec 7<&- 8>&- 9<&-
  assert_ok
  local create_out=$HRUN_OUT
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  output=$(<"$create_out")
  assert_fds "0 1 2 "
}

@test "run: the process has only fds 0, 1 and 2" {
  set_args "$BUNDLE" sh -c "$FD_LIST"
  exec 7</etc/hostname
  hrun husk run --bundle "$BUNDLE" "$CTR"
  exec 7<&-
  assert_ok
  assert_fds "0 1 2 "
}

@test "run --detach: the process has only fds 0, 1 and 2" {
  set_args "$BUNDLE" sh -c "$FD_LIST > /fds"
  exec 7</etc/hostname
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  exec 7<&-
  assert_ok
  wait_for_status "$CTR" stopped
  output=$(<"$BUNDLE/rootfs/fds")
  assert_fds "0 1 2 "
}

@test "create --preserve-fds 2 passes fds 3 and 4, and not 5" {
  echo three >"$BATS_TEST_TMPDIR/f3"
  echo four >"$BATS_TEST_TMPDIR/f4"
  echo five >"$BATS_TEST_TMPDIR/f5"
  # `test` and `read` are shell builtins: /proc/self is the shell itself.
  set_args "$BUNDLE" sh -c 'read -r a <&3; read -r b <&4; echo "$a $b"; if [ -e /proc/self/fd/5 ]; then echo fd5-leaked; else echo no-fd5; fi'
  # Not through husk(): fd 3 must be the test's file, not closed.
  HUSK_TEST_MARK=$HUSK_TEST_MARK timeout --kill-after=5 "$HUSK_TIMEOUT" "$HUSK" --root "$HUSK_ROOT" \
    create --preserve-fds 2 --bundle "$BUNDLE" "$CTR" \
    </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" \
    3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5<"$BATS_TEST_TMPDIR/f5" ||
    fail "create failed: $(<"$BATS_TEST_TMPDIR/err")"
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  assert_equal "$(<"$BATS_TEST_TMPDIR/out")" $'three four\nno-fd5'
}

@test "run --preserve-fds 1 passes fd 3 as the same open file" {
  echo payload >"$BATS_TEST_TMPDIR/f3"
  set_args "$BUNDLE" sh -c 'cat <&3; echo appended >&4'
  HUSK_TEST_MARK=$HUSK_TEST_MARK timeout --kill-after=5 "$HUSK_TIMEOUT" "$HUSK" --root "$HUSK_ROOT" \
    run --preserve-fds 2 --bundle "$BUNDLE" "$CTR" \
    </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" \
    3<"$BATS_TEST_TMPDIR/f3" 4>>"$BATS_TEST_TMPDIR/f4" ||
    fail "run failed: $(<"$BATS_TEST_TMPDIR/err")"
  assert_equal "$(<"$BATS_TEST_TMPDIR/out")" payload
  assert_equal "$(<"$BATS_TEST_TMPDIR/f4")" appended
}

@test "LISTEN_FDS and LISTEN_PID for husk pass the listen fds and set the variables for the container" {
  echo listened >"$BATS_TEST_TMPDIR/f3"
  set_args "$BUNDLE" sh -c 'echo "LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID"; read -r a <&3; echo "$a"; if [ -e /proc/self/fd/4 ]; then echo fd4-leaked; else echo no-fd4; fi'
  # LISTEN_PID must be husk's own pid (sd_listen_fds semantics): exec keeps it.
  HUSK_TEST_MARK=$HUSK_TEST_MARK timeout --kill-after=5 "$HUSK_TIMEOUT" \
    bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@"' listen "$HUSK" --root "$HUSK_ROOT" \
    run --bundle "$BUNDLE" "$CTR" \
    </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" \
    3<"$BATS_TEST_TMPDIR/f3" 4</etc/hostname ||
    fail "run failed: $(<"$BATS_TEST_TMPDIR/err")"
  assert_equal "$(<"$BATS_TEST_TMPDIR/out")" $'LISTEN_FDS=1 LISTEN_PID=1\nlistened\nno-fd4'
}

@test "--preserve-fds that is not a number is refused" {
  hrun husk create --preserve-fds many --bundle "$BUNDLE" "$CTR"
  assert_error_line 'preserve-fds'
  assert_no_leftovers "$CTR"
}

@test "LISTEN_FDS meant for another pid passes nothing" {
  set_args "$BUNDLE" sh -c 'echo "LISTEN_FDS=${LISTEN_FDS-unset}"; if [ -e /proc/self/fd/3 ]; then echo fd3-leaked; else echo no-fd3; fi'
  HUSK_TEST_MARK=$HUSK_TEST_MARK LISTEN_PID=1 LISTEN_FDS=1 timeout --kill-after=5 "$HUSK_TIMEOUT" \
    "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR" \
    </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3<"$BUNDLE/config.json" ||
    fail "run failed: $(<"$BATS_TEST_TMPDIR/err")"
  assert_equal "$(<"$BATS_TEST_TMPDIR/out")" $'LISTEN_FDS=unset\nno-fd3'
}
