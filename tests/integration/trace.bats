#!/usr/bin/env bats
# --trace and HUSK_TRACE=FILE: the phases of run, create, start, exec and
# delete, husk's and the container side's (the init; exec's helper and
# process), with their times and a total; nothing of it when off.  No
# timing is asserted: only which phases are there, in which order, and
# that they add up.

load helpers

# phases_of FILE SIDE: the phase names of SIDE in the JSON lines of FILE,
# one per line, in their order.
phases_of() {
  jq -r --arg s "$2" 'select(.side == $s) | .phase' <"$1"
}

@test "--trace run: a table of husk's and the init's phases and the total, after the container ran" {
  set_args "$BUNDLE" sh -c 'echo inside > /ran'
  hrun husk --trace run --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ "$(cat "$BUNDLE/rootfs/ran")" == inside ]]
  [[ "$stderr" == *"husk trace: run"* ]] || fail "no table: $stderr"
  local p
  for p in "husk  parse" "husk  checks" "husk  seccomp (none)" "husk  state dir" "husk  cgroups" "husk  clone" \
    "init  cgroups, namespaces" "init  mounts" "init  pivot_root, masked and readonly paths" "init  caps, user" \
    "husk  start: release to execve"; do
    [[ "$stderr" == *"$p"* ]] || fail "no phase '$p' in: $stderr"
  done
  [[ "${stderr_lines[-1]}" =~ ^\ +[0-9]+\.[0-9]{3}\ +total$ ]] || fail "no total last: ${stderr_lines[-1]}"
  assert_no_leftovers "$CTR"
}

@test "HUSK_TRACE=FILE: JSON lines for run, the init's phases within husk's clone and wait, the total covering all" {
  local f="$BATS_TEST_TMPDIR/trace.json"
  hrun env HUSK_TRACE="$f" "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ "$stderr" != *"husk trace"* ]] || fail "the table on stderr without --trace: $stderr"
  # Every line is an object of this command; the last is the total.
  jq -e -s 'length > 10 and all(.command == "run") and (.[-1].phase == "total")' "$f" >/dev/null ||
    fail "bad JSON lines: $(cat "$f")"
  [[ "$(phases_of "$f" husk | head -n 2 | tr '\n' ,)" == "parse,checks," ]] || fail "$(cat "$f")"
  phases_of "$f" init | grep -qx mounts || fail "no init mounts phase: $(cat "$f")"
  # The init's phases lie between husk's clone and the end of its wait for
  # the init, and no phase ends after the total.
  jq -e -s '(map(select(.side == "husk" and .phase == "wait for the init"))[0]) as $w
      | (map(select(.side == "husk" and .phase == "clone"))[0]) as $c
      | (map(select(.phase == "total"))[0].ns) as $t
      | all(.[] | select(.side == "init"); .start_ns >= $c.start_ns and .start_ns + .ns <= $w.start_ns + $w.ns)
        and all(.[] | select(.side); .start_ns + .ns <= $t)' "$f" >/dev/null ||
    fail "phases out of place: $(cat "$f")"
  # A second run appends.
  hrun env HUSK_TRACE="$f" "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR-2"
  assert_ok
  [[ $(jq -s 'map(select(.phase == "total")) | length' "$f") == 2 ]]
}

@test "--trace: seccomp says whether the program was compiled or came from the cache" {
  update_config "$BUNDLE" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
    syscalls: [{names: ["mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}'
  local f="$BATS_TEST_TMPDIR/trace.json" seen=""
  # The cache may hold this profile already (another run of the suite):
  # one of the first two runs compiles or both hit; the third hits.
  for i in 1 2 3; do
    hrun env HUSK_TRACE="$f" "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR-$i"
    assert_ok
    seen+="$(jq -r 'select(.phase | startswith("seccomp")) | .phase' "$f" | tail -n 1);"
  done
  [[ "$seen" == *"seccomp (cache hit);" ]] || fail "the third run did not hit the cache: $seen"
  [[ "$seen" != *"seccomp (none)"* ]] || fail "$seen"
}

@test "--trace create, start, delete: each its own table" {
  set_args "$BUNDLE" sleep 100
  hrun husk --trace create --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ "$stderr" == *"husk trace: create"* && "$stderr" == *"init  mounts"* && "$stderr" == *"husk  created"* ]] ||
    fail "$stderr"
  [[ "$stderr" != *"start: release"* ]] || fail "create traced start: $stderr"
  hrun husk --trace start "$CTR"
  assert_ok
  [[ "$stderr" == *"husk trace: start"* && "$stderr" == *"husk  start: release to execve"* ]] || fail "$stderr"
  hrun husk --trace delete --force "$CTR"
  assert_ok
  [[ "$stderr" == *"husk trace: delete"* && "$stderr" == *"husk  cgroups, kill"* &&
    "$stderr" == *"husk  state dir"* ]] || fail "$stderr"
  assert_no_leftovers "$CTR"
}

@test "--trace exec: husk's phases, the helper's joins and the process's setup, printed when it has exec'd" {
  set_args "$BUNDLE" sleep 100
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  local f="$BATS_TEST_TMPDIR/trace.json"
  hrun env HUSK_TRACE="$f" "$HUSK" --root "$HUSK_ROOT" exec "$CTR" sh -c 'echo from-exec'
  assert_ok
  [[ "$output" == from-exec ]]
  [[ "$(phases_of "$f" join | tr '\n' ,)" == "join the cgroup,join the namespaces,fork," ]] || fail "$(cat "$f")"
  phases_of "$f" proc | grep -qx "limits, lsm, caps, user" || fail "$(cat "$f")"
  phases_of "$f" husk | grep -qx "fork, join, exec" || fail "$(cat "$f")"
  # A detached exec's trace is there when exec returns; a foreground one's
  # before the process ends (the sleep outlives the check).
  hrun husk --trace exec -d "$CTR" sleep 30
  assert_ok
  [[ "$stderr" == *"husk trace: exec"* ]] || fail "$stderr"
  start_bg husk --trace exec "$CTR" sleep 30
  wait_for 10 grep -q 'husk trace: exec' "$BG_ERR" || fail "no trace before the process ended: $(cat "$BG_ERR")"
  husk delete --force "$CTR"
}

@test "off: no trace message, no table, no file; a failed create still gets its trace" {
  command -v strace >/dev/null || skip "strace is missing: apt-get install strace"
  # The sync messages of a create: with --trace one more, SYNC_TRACE.
  local off on
  off=$(HUSK_TEST_MARK="$HUSK_TEST_MARK" strace -f -qq -e trace=sendmsg -o "$BATS_TEST_TMPDIR/off" \
    "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR" 2>&1 >/dev/null)
  on=$(HUSK_TEST_MARK="$HUSK_TEST_MARK" strace -f -qq -e trace=sendmsg -o "$BATS_TEST_TMPDIR/on" \
    "$HUSK" --root "$HUSK_ROOT" --trace run --bundle "$BUNDLE" "$CTR" 2>&1 >/dev/null)
  [[ "$off" != *"husk trace"* && "$on" == *"husk trace"* ]] || fail "off: $off; on: $on"
  local noff non
  noff=$(grep -c 'sendmsg(' "$BATS_TEST_TMPDIR/off")
  non=$(grep -c 'sendmsg(' "$BATS_TEST_TMPDIR/on")
  ((non == noff + 1)) || fail "sendmsg: $noff off, $non on"
  # A create that fails still prints where it got to.
  update_config "$BUNDLE" '.mounts += [{destination: "/x", type: "bind", source: "/nonexistent-husk-test"}]'
  hrun husk --trace run --bundle "$BUNDLE" "$CTR"
  ((status == 1))
  [[ "$stderr" == *"husk trace: run"* && "$stderr" == *"/nonexistent-husk-test"* ]] || fail "$stderr"
  assert_no_leftovers "$CTR"
}

@test "HUSK_TRACE naming a file that cannot be opened: one line naming it, nothing made" {
  hrun env HUSK_TRACE="$BATS_TEST_TMPDIR/no/such/dir/t.json" "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR"
  ((status == 1)) || fail "status $status: $stderr"
  ((${#stderr_lines[@]} == 1)) || fail "$stderr"
  [[ "$stderr" == *"HUSK_TRACE"*"no/such/dir/t.json"* ]] || fail "$stderr"
  assert_no_leftovers "$CTR"
}
