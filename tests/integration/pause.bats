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
