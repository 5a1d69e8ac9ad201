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

# stats_keys FILE: the paths of the members of the stats event in FILE
# (array indexes as #), one a line, sorted, without the ones whose presence
# follows the values: blkio's tables (only once the cgroup did IO),
# memory.cache (omitted at 0) and hugetlb's page sizes (husk reads them on
# a hybrid host where runc 1.1 cannot: docs/runc-differences.md).
stats_keys() {
  jq -r '[paths(true) | map(if type == "number" then "#" else . end) | join(".")] | unique | .[]' "$1" |
    grep -Ev '^data\.(blkio\.|memory\.cache$|hugetlb\.)'
}

@test "events --stats has runc's members, with runc's omitted zeros, on the same bundle" {
  command -v runc >/dev/null || skip "runc is not installed"
  local rroot="$BATS_TEST_TMPDIR/runc"
  run_loop
  hrun runc --root "$rroot" run -d -b "$BUNDLE" "$CTR-runc"
  assert_ok
  hrun husk events --stats "$CTR"
  assert_ok
  cp "$HRUN_OUT" "$BATS_TEST_TMPDIR/husk.json"
  hrun runc --root "$rroot" events --stats "$CTR-runc"
  assert_ok
  cp "$HRUN_OUT" "$BATS_TEST_TMPDIR/runc.json"
  hrun runc --root "$rroot" delete --force "$CTR-runc"
  assert_ok
  stats_keys "$BATS_TEST_TMPDIR/runc.json" >"$BATS_TEST_TMPDIR/runc.keys"
  stats_keys "$BATS_TEST_TMPDIR/husk.json" >"$BATS_TEST_TMPDIR/husk.keys"
  diff "$BATS_TEST_TMPDIR/runc.keys" "$BATS_TEST_TMPDIR/husk.keys" >"$BATS_TEST_TMPDIR/keys.diff" ||
    fail "members (< runc, > husk): $(cat "$BATS_TEST_TMPDIR/keys.diff")"
  # What the filter above leaves out has runc's shape where present: no
  # empty table, entries with runc's members, zeros omitted.
  jq -e '.data | (.blkio | all(.[]; length > 0 and all(.[]; keys - ["major", "minor", "op", "value"] == []
      and .op != null and .value != 0 and .major != 0)))
    and (.hugetlb | all(.[]; has("failcnt") and .usage != 0 and .max != 0))
    and (.memory.cache != 0) and .network_interfaces == null and .intel_rdt == {}' \
    "$BATS_TEST_TMPDIR/husk.json" >/dev/null || fail "not runc's shape: $(cat "$BATS_TEST_TMPDIR/husk.json")"
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  delete_and_check
}

@test "events streams stats events of the same shape as events --stats" {
  run_loop
  hrun husk events --stats "$CTR"
  assert_ok
  cp "$HRUN_OUT" "$BATS_TEST_TMPDIR/once.json"
  start_bg husk events --interval 100ms "$CTR"
  wait_for 10 test -s "$BG_OUT" || fail "no event"
  touch "$BUNDLE/rootfs/stop"
  wait_bg "$BG_PID" 10
  head -n 1 "$BG_OUT" >"$BATS_TEST_TMPDIR/first.json"
  assert_equal "$(stats_keys "$BATS_TEST_TMPDIR/first.json")" "$(stats_keys "$BATS_TEST_TMPDIR/once.json")"
  wait_for_status "$CTR" stopped
  delete_and_check
}
