#!/usr/bin/env bats
# husk ps: the processes of the container's cgroup.

load helpers
load cgroup-helpers

@test "ps lists the init and a forked child (json and table)" {
  set_args "$BUNDLE" sh -c "sleep 1000 & echo \$! > /child; $LOOP_UNTIL_STOP"
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))'
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local init child
  init=$(state_field "$CTR" .pid)
  child=$(cat "$BUNDLE/rootfs/child")
  run husk ps --format json "$CTR"
  assert_success
  jq -e --argjson i "$init" --argjson c "$child" 'index($i) != null and index($c) != null' <<<"$output" >/dev/null ||
    fail "ps json $output lacks init $init or child $child"
  run husk ps "$CTR"
  assert_success
  assert_line --index 0 PID
  assert_line "$init"
  assert_line "$child"
}

@test "ps: bad format, missing container" {
  run_loop
  hrun husk ps --format yaml "$CTR"
  assert_error_line '--format' 'yaml'
  hrun husk ps "nosuch-$CTR"
  assert_error_line 'does not exist'
}
