#!/usr/bin/env bats
# delete: only stopped containers, unless --force; and state dirs whose
# init died behind husk's back.

load helpers

run_detached_loop() {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
}

@test "delete of a stopped container removes everything" {
  run_detached_loop
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_equal "$output" ""
  assert_no_leftovers "$CTR"
}

@test "delete of a running container without --force fails and changes nothing" {
  run_detached_loop
  local pid
  pid=$(state_field "$CTR" .pid)
  hrun husk delete "$CTR"
  assert_error_line "$CTR" 'running'
  assert_equal "$(state_field "$CTR" .status)" running
  assert_equal "$(state_field "$CTR" .pid)" "$pid"
  pid_alive "$pid" || fail "the init died"
  [[ -d "$HUSK_ROOT/$CTR" ]] || fail "the state dir is gone"
  # Still fully usable.
  hrun husk kill "$CTR" KILL
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

# husk is stricter than runc here: runc deletes a created container without
# --force (the spec says deleting a container that is not stopped is an
# error).  Differs from runc.
@test "delete of a created container without --force fails and changes nothing" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid
  pid=$(state_field "$CTR" .pid)
  hrun husk delete "$CTR"
  assert_error_line "$CTR" 'created'
  assert_equal "$(state_field "$CTR" .status)" created
  pid_alive "$pid" || fail "the init died"
  # It can still start.
  hrun husk start "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(state_field "$CTR" .status)" running
}

@test "delete --force of a running container kills it and removes everything" {
  run_detached_loop
  local pid
  pid=$(state_field "$CTR" .pid)
  hrun husk delete --force "$CTR"
  assert_ok
  pid_alive "$pid" && fail "pid $pid survived delete --force"
  assert_no_leftovers "$CTR"
}

@test "delete --force of a created container kills it and removes everything" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid
  pid=$(state_field "$CTR" .pid)
  hrun husk delete --force "$CTR"
  assert_ok
  pid_alive "$pid" && fail "pid $pid survived delete --force"
  assert_no_leftovers "$CTR"
  [[ ! -e "$BUNDLE/rootfs/ready" ]] || fail "the process ran"
}

@test "delete --force of a stopped container is a plain delete" {
  set_args "$BUNDLE" true
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a running container whose init was SIGKILLed from outside reads as stopped and deletes" {
  run_detached_loop
  local pid
  pid=$(state_field "$CTR" .pid)
  kill -KILL "$pid"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a created container whose init was SIGKILLed from outside reads as stopped and deletes" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid
  pid=$(state_field "$CTR" .pid)
  kill -KILL "$pid"
  wait_for_status "$CTR" stopped
  hrun husk start "$CTR"
  assert_failure
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "delete twice: the second says the container does not exist" {
  set_args "$BUNDLE" true
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk delete "$CTR"
  assert_ok
  hrun husk delete "$CTR"
  assert_error_line 'does not exist'
}

@test "concurrent delete --force of one running container: it is gone once, nothing is left" {
  run_detached_loop
  local i pids=() ok=0 st
  for i in 1 2 3 4 5; do
    husk delete --force "$CTR" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/d$i.err" &
    pids+=($!)
  done
  for i in 0 1 2 3 4; do
    st=0
    wait "${pids[$i]}" || st=$?
    if ((st == 0)); then
      ok=$((ok + 1))
    else
      assert_equal "$st" 1
      assert_equal "$(<"$BATS_TEST_TMPDIR/d$((i + 1)).err")" "husk: container \"$CTR\" does not exist"
    fi
  done
  ((ok >= 1)) || fail "no delete --force succeeded"
  assert_no_leftovers "$CTR"
}

@test "delete --force works after the bundle directory is gone" {
  run_detached_loop
  local pid
  pid=$(state_field "$CTR" .pid)
  # The process keeps its root; only the host's path to the bundle goes.
  mv "$BUNDLE" "$BATS_TEST_TMPDIR/moved"
  hrun husk delete --force "$CTR"
  assert_ok
  pid_alive "$pid" && fail "pid $pid survived"
  mv "$BATS_TEST_TMPDIR/moved" "$BUNDLE"
  assert_no_leftovers "$CTR"
}

# husk-only (runc's state dir differs): a state dir whose state.json was
# lost (power cut while husk wrote it is prevented by the atomic rename, but
# a disk can still corrupt it) must not wedge the id for ever.
@test "a stopped container with a corrupt state.json: state fails clearly, delete --force removes it" {
  set_args "$BUNDLE" true
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ -f "$HUSK_ROOT/$CTR/state.json" ]] || fail "no state.json in the state dir"
  echo '{"garbage' >"$HUSK_ROOT/$CTR/state.json"
  hrun husk state "$CTR"
  assert_error_line "$CTR"
  hrun husk list -q
  assert_ok
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}
