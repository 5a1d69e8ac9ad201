#!/usr/bin/env bats
# run: create + start in one command; exit status, signal forwarding,
# --detach, --keep; and what the process sees inside the container.

load helpers

@test "run: the container's stdout and stderr arrive on run's, exit 0, and the container is deleted" {
  set_args "$BUNDLE" sh -c 'echo to-stdout; echo to-stderr >&2'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "$output" to-stdout
  assert_equal "$stderr" to-stderr
  assert_no_leftovers "$CTR"
}

@test "run exits with the process's exit status" {
  set_args "$BUNDLE" sh -c 'exit 3'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 3
  assert_equal "$stderr" ""
  assert_no_leftovers "$CTR"

  set_args "$BUNDLE" false
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 1
  assert_no_leftovers "$CTR"

  set_args "$BUNDLE" sh -c 'exit 255'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 255
  assert_no_leftovers "$CTR"
}

# pid 1 of a pid namespace cannot SIGKILL itself (`sh -c 'kill -9 $$'` is a
# no-op for a namespace init), so the host kills it.
@test "run exits with 128+N when the process is killed by signal N" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  # Not through husk(): timeout's own SIGKILL would also read as 137.
  HUSK_TEST_MARK=$HUSK_TEST_MARK start_bg "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR"
  wait_for_file "$BUNDLE/rootfs/ready"
  local pid
  pid=$(state_field "$CTR" .pid)
  kill -KILL "$pid"
  wait_bg "$BG_PID"
  assert_equal "$bg_status" 137
  assert_no_leftovers "$CTR"
}

@test "run forwards the signals it receives to the container's init" {
  set_args "$BUNDLE" sh -c 'trap "echo got-usr1" USR1; trap "echo got-term; exit 7" TERM; echo ready > /ready; while :; do sleep 0.1; done'
  # Not through husk(): the signal must reach husk itself, not timeout.
  HUSK_TEST_MARK=$HUSK_TEST_MARK start_bg "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR"
  wait_for_file "$BUNDLE/rootfs/ready"
  kill -USR1 "$BG_PID"
  wait_for 10 grep -q got-usr1 "$BG_OUT" || fail "USR1 was not forwarded: $(<"$BG_OUT")"
  kill -TERM "$BG_PID"
  wait_bg "$BG_PID"
  assert_equal "$bg_status" 7
  assert_equal "$(<"$BG_OUT")" $'got-usr1\ngot-term'
  assert_no_leftovers "$CTR"
}

@test "run --detach returns while the container runs" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(state_field "$CTR" .status)" running
  pid_alive "$(state_field "$CTR" .pid)" || fail "the init is not alive"
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "run --keep leaves the stopped container for delete" {
  set_args "$BUNDLE" sh -c 'exit 5'
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 5
  assert_equal "$(state_field "$CTR" .status)" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "inside: the hostname is the config's and the process is pid 1" {
  set_args "$BUNDLE" sh -c 'hostname; echo $$'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[0]}" husk-test
  assert_equal "${lines[1]}" 1
  assert_equal "${#lines[@]}" 2
}

# The spec makes the runtime supply /dev/null, /dev/ptmx etc.: husk may mount
# /dev (and /dev/pts, /dev/shm) for that, runc makes the nodes in the rootfs.
# Anything else is a mount the config did not ask for.
@test "inside: / is the bundle's rootfs; besides /dev, the only other mount is /proc" {
  local fsroot target rel
  read -r fsroot target < <(findmnt -n -o FSROOT,TARGET -T "$BUNDLE/rootfs")
  rel=$(realpath "$BUNDLE/rootfs")
  rel=${rel#"${target%/}"}
  rel="${fsroot%/}$rel"
  set_args "$BUNDLE" sh -c 'stat -c "%d %i" /; cat /proc/self/mountinfo'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  # Same file system and inode as the rootfs seen from the host.
  assert_equal "${lines[0]}" "$(stat -c '%d %i' "$BUNDLE/rootfs")"
  # mountinfo: field 4 is the mount's root within its file system, 5 the
  # mount point, and after " - " the type.
  local mounts
  mounts=$(printf '%s\n' "${lines[@]:1}" | awk '$5 != "/dev" && $5 !~ "^/dev/" { print $5 }' | sort | tr '\n' ' ')
  assert_equal "$mounts" "/ /proc "
  assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '$5 == "/" { print $4 }')" "$rel"
  assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '$5 == "/proc" { sub(/.* - /, ""); print $1 }')" proc
}

@test "inside: process.env, process.cwd and the user are applied" {
  update_config "$BUNDLE" '.process.env += ["FOO=bar baz", "EMPTY="] | .process.cwd = "/tmp"'
  set_args "$BUNDLE" sh -c 'pwd; echo "FOO=$FOO"; echo "PATH=$PATH"; echo "EMPTY=${EMPTY-unset}"; id -u; id -g'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[0]}" /tmp
  assert_equal "${lines[1]}" "FOO=bar baz"
  assert_equal "${lines[2]}" "PATH=/bin"
  assert_equal "${lines[3]}" "EMPTY="
  assert_equal "${lines[4]}" 0
  assert_equal "${lines[5]}" 0
}

@test "run of an id that exists fails and leaves the existing container alone" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid
  pid=$(state_field "$CTR" .pid)
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line 'exist'
  assert_equal "$(state_field "$CTR" .status)" created
  assert_equal "$(state_field "$CTR" .pid)" "$pid"
}

@test "run --no-pivot: / is still the rootfs and the process runs" {
  set_args "$BUNDLE" sh -c 'stat -c "%d %i" /; hostname; echo $$'
  hrun husk run --no-pivot --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[0]}" "$(stat -c '%d %i' "$BUNDLE/rootfs")"
  assert_equal "${lines[1]}" husk-test
  assert_equal "${lines[2]}" 1
  assert_no_leftovers "$CTR"
}

@test "run --no-new-keyring runs the process" {
  set_args "$BUNDLE" echo keyring-ok
  hrun husk run --no-new-keyring --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "$output" keyring-ok
}

@test "run --detach --pid-file writes the running init's pid" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(<"$BATS_TEST_TMPDIR/pid")" "$(state_field "$CTR" .pid)"
  pid_alive "$(<"$BATS_TEST_TMPDIR/pid")" || fail "the pid in the pid file is not alive"
}

@test "run: the process reads run's stdin" {
  set_args "$BUNDLE" sh -c 'read -r l; echo "got:$l"'
  echo from-stdin >"$BATS_TEST_TMPDIR/in"
  husk run --bundle "$BUNDLE" "$CTR" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>&1 ||
    fail "run failed: $(<"$BATS_TEST_TMPDIR/out")"
  assert_equal "$(<"$BATS_TEST_TMPDIR/out")" got:from-stdin
}
