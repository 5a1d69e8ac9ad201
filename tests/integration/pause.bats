#!/usr/bin/env bats
# husk pause / resume: the freezer stops a counting process; state says
# paused; delete --force works on a paused container.

load helpers
load cgroup-helpers

COUNT='i=0; echo ready > /ready; while [ ! -e /stop ]; do i=$((i+1)); echo $i > /count; sleep 0.05; done'

count() {
  cat "$BUNDLE/rootfs/count"
}

@test "pause freezes, state says paused, resume thaws" {
  set_args "$BUNDLE" sh -c "$COUNT"
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  hrun husk pause "$CTR"
  assert_ok
  run state_field "$CTR" .status
  assert_output paused
  run husk list --format json
  assert_output --partial '"status":"paused"'
  local a b
  a=$(count)
  sleep 0.5
  b=$(count)
  [[ "$a" == "$b" ]] || fail "the counter moved while paused: $a -> $b"
  hrun husk resume "$CTR"
  assert_ok
  run state_field "$CTR" .status
  assert_output running
  sleep 0.5
  b=$(count)
  ((b > a)) || fail "the counter did not move after resume: $a -> $b"
}

@test "pause twice, resume when not paused, pause a stopped container: errors" {
  run_loop
  hrun husk resume "$CTR"
  assert_error_line 'not paused'
  hrun husk pause "$CTR"
  assert_ok
  hrun husk pause "$CTR"
  assert_error_line 'already paused'
  hrun husk resume "$CTR"
  assert_ok
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk pause "$CTR"
  assert_error_line 'stopped'
  hrun husk pause "nosuch-$CTR"
  assert_error_line 'does not exist'
}

@test "delete of a paused container: refused without --force; --force cleans up" {
  run_loop
  hrun husk pause "$CTR"
  assert_ok
  hrun husk delete "$CTR"
  assert_error_line 'not stopped' 'paused'
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
  assert_no_cgroup_leftovers "/husk/$CTR"
}

# ---- exec --ignore-paused: nothing blocks behind the frozen exec ----

# A failed run may leave an exec frozen in the container's cgroup: thawed
# first, so that teardown's delete can kill it.
teardown() {
  local f
  for f in /sys/fs/cgroup/freezer/husk/"$CTR"/freezer.state /sys/fs/cgroup/unified/husk/"$CTR"/cgroup.freeze; do
    [[ -e "$f" ]] || continue
    if [[ $f == *freezer.state ]]; then echo THAWED >"$f"; else echo 0 >"$f"; fi
  done 2>/dev/null || true
  husk_teardown
}

# exec_joined: the container's cgroup holds the init and the exec's helper.
exec_joined() {
  [[ "$(husk ps --format json "$CTR" | jq length)" == 2 ]]
}

# paused_exec: $CTR runs sleep, paused, with `exec --ignore-paused` started
# in the background (EXEC_PID, output in EXEC_OUT) and frozen in its cgroup.
paused_exec() {
  set_args "$BUNDLE" sleep 1000
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  hrun husk pause "$CTR"
  assert_ok
  start_bg husk exec --ignore-paused "$CTR" sh -c 'echo exec ran'
  EXEC_PID=$BG_PID EXEC_OUT=$BG_OUT EXEC_ERR=$BG_ERR
  wait_for 10 exec_joined || fail "the exec did not join the cgroup: $(husk ps "$CTR" 2>&1)"
}

@test "exec --ignore-paused waits for resume, and state, list, kill and resume do not wait for it" {
  paused_exec
  # Each bounded well below the exec's own timeout.
  HUSK_TIMEOUT=5 hrun husk state "$CTR"
  assert_ok
  assert_equal "$(jq -r .status <<<"$output")" paused
  HUSK_TIMEOUT=5 hrun husk list -q
  assert_ok
  assert_output "$CTR"
  HUSK_TIMEOUT=5 hrun husk kill "$CTR" CONT
  assert_ok
  pid_alive "$EXEC_PID" || fail "the exec ended while the container was paused: $(<"$EXEC_ERR")"
  HUSK_TIMEOUT=5 hrun husk resume "$CTR"
  assert_ok
  wait_bg "$EXEC_PID" 10
  assert_equal "$bg_status $(<"$EXEC_OUT") $(<"$EXEC_ERR")" "0 exec ran "
  run state_field "$CTR" .status
  assert_output running
  husk delete --force "$CTR"
  assert_no_leftovers "$CTR"
}

@test "delete --force while an exec --ignore-paused waits: the exec fails, nothing is left" {
  paused_exec
  HUSK_TIMEOUT=5 hrun husk delete --force "$CTR"
  assert_ok
  wait_bg "$EXEC_PID" 10
  # 255: exec could not start its process, as runc exits then.
  assert_equal "$bg_status" 255
  # One line: the init is gone when the helper goes on.
  assert_equal "$(wc -l <"$EXEC_ERR")" 1
  [[ "$(<"$EXEC_ERR")" == "husk: exec: "* ]] || fail "not an exec error: $(<"$EXEC_ERR")"
  assert_no_leftovers "$CTR"
}
