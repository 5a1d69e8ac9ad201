#!/usr/bin/env bats
# husk events: runc-style stats from the cgroup.

load helpers
load cgroup-helpers

@test "events --stats: memory, pids and cpu from the cgroup" {
  set_resources '{"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
  run_loop
  run husk events --stats "$CTR"
  assert_success
  jq -e --arg id "$CTR" '.type == "stats" and .id == $id' <<<"$output" >/dev/null || fail "bad event: $output"
  run jq -r '.data.memory.usage.limit' <<<"$output"
  assert_output 67108864
  run husk events --stats "$CTR"
  run jq -r '.data.pids.limit, (.data.pids.current >= 1), (.data.memory.usage.usage > 0), (.data.cpu.usage.total > 0)' <<<"$output"
  assert_output $'20\ntrue\ntrue\ntrue'
}

@test "events streams stats every interval until the container stops" {
  run_loop
  start_bg husk events --interval 100ms "$CTR"
  sleep 0.5
  touch "$BUNDLE/rootfs/stop"
  wait_bg "$BG_PID" 10
  ((bg_status == 0)) || fail "events ended with $bg_status: $(cat "$BG_ERR")"
  local n
  n=$(grep -c '"type":"stats"' "$BG_OUT")
  ((n >= 2)) || fail "expected several stats events, got $n: $(cat "$BG_OUT")"
}

@test "events: bad interval, stopped container" {
  run_loop
  hrun husk events --interval 5parsecs "$CTR"
  assert_error_line '--interval'
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk events --stats "$CTR"
  assert_error_line 'not running'
}

@test "events reports an OOM kill in the container" {
  link_applets yes head
  set_resources '{"memory": {"limit": 33554432, "swap": 33554432}}'
  # The hog starts once events is watching (it creates /go).
  set_args "$BUNDLE" sh -c "echo ready > /ready; while [ ! -e /go ]; do sleep 0.05; done;
    sh -c 'x=\$(yes | head -c 200000000)'; while [ ! -e /stop ]; do sleep 0.1; done"
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  start_bg husk events --interval 100ms "$CTR"
  sleep 0.3
  touch "$BUNDLE/rootfs/go"
  wait_for "${HUSK_TIMEOUT:-20}" grep -q '"type":"oom"' "$BG_OUT" || fail "no oom event: $(cat "$BG_OUT")"
  touch "$BUNDLE/rootfs/stop"
  wait_bg "$BG_PID" 10
  run grep -c "{\"type\":\"oom\",\"id\":\"$CTR\"}" "$BG_OUT"
  assert_output 1
}
