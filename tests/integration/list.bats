#!/usr/bin/env bats
# list: -q, the table and --format json, with and without containers.

load helpers

# Two containers: $CTR created, $CTR-b running.
make_two() {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  B2="$BATS_TEST_TMPDIR/bundle2"
  make_bundle "$B2"
  set_args "$B2" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --bundle "$B2" "$CTR-b"
  assert_ok
  wait_for_file "$B2/rootfs/ready"
}

@test "list of an empty root: no ids, only the table header" {
  hrun husk list -q
  assert_ok
  assert_equal "$output" ""
  hrun husk list
  assert_ok
  assert_equal "${#lines[@]}" 1
  assert_equal "$(awk '{ $1 = $1; print }' <<<"${lines[0]}")" "ID PID STATUS BUNDLE CREATED OWNER"
}

# runc prints "null" for an empty list: differs from runc.
@test "list --format json of an empty root is an empty array" {
  hrun husk list --format json
  assert_ok
  jq -e 'type == "array" and length == 0' <<<"$output" >/dev/null || fail "not []: $output"
}

@test "list with a root that does not exist yet is empty" {
  rmdir "$HUSK_ROOT"
  hrun husk list -q
  assert_ok
  assert_equal "$output" ""
}

@test "list -q prints the ids, one a line" {
  make_two
  hrun husk list -q
  assert_ok
  assert_equal "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" "$CTR $CTR-b "
  assert_equal "${#lines[@]}" 2
}

@test "list: the table has a header and a row per container" {
  make_two
  hrun husk list
  assert_ok
  assert_equal "${#lines[@]}" 3
  assert_equal "$(awk '{ $1 = $1; print }' <<<"${lines[0]}")" "ID PID STATUS BUNDLE CREATED OWNER"
  local row pid
  pid=$(state_field "$CTR" .pid)
  row=$(printf '%s\n' "${lines[@]:1}" | awk -v id="$CTR" '$1 == id')
  [[ -n "$row" ]] || fail "no row for $CTR: $output"
  assert_equal "$(awk '{ print $2, $3, $4 }' <<<"$row")" "$pid created $(realpath "$BUNDLE")"
  # CREATED is an RFC 3339 time; OWNER is the user who created it.
  [[ "$(awk '{ print $5 }' <<<"$row")" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)$ ]] ||
    fail "CREATED is not RFC 3339: $row"
  assert_equal "$(awk '{ print $6 }' <<<"$row")" root
  pid=$(state_field "$CTR-b" .pid)
  row=$(printf '%s\n' "${lines[@]:1}" | awk -v id="$CTR-b" '$1 == id')
  assert_equal "$(awk '{ print $2, $3, $4 }' <<<"$row")" "$pid running $(realpath "$B2")"
}

@test "list --format json: an array with id, pid, status, bundle, created, owner" {
  make_two
  hrun husk list --format json
  assert_ok
  jq -e 'type == "array" and length == 2' <<<"$output" >/dev/null || fail "not a 2-array: $output"
  local one
  one=$(jq -c --arg id "$CTR" '.[] | select(.id == $id)' <<<"$output")
  assert_equal "$(jq -r '.status' <<<"$one")" created
  assert_equal "$(jq -r '.pid' <<<"$one")" "$(state_field "$CTR" .pid)"
  assert_equal "$(jq -r '.bundle' <<<"$one")" "$(realpath "$BUNDLE")"
  jq -e '.created | type == "string" and test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' <<<"$one" >/dev/null ||
    fail "created missing: $one"
  jq -e 'has("owner")' <<<"$one" >/dev/null || fail "owner missing: $one"
  one=$(jq -c --arg id "$CTR-b" '.[] | select(.id == $id)' <<<"$output")
  assert_equal "$(jq -r '.status' <<<"$one")" running
  assert_equal "$(jq -r '.bundle' <<<"$one")" "$(realpath "$B2")"
}

# list looks an owner's name up once and reuses it for the rows of the
# same owner: a row of another owner gets its own name, not the last one.
@test "list: each row shows its own owner, in the table and in json" {
  make_two
  local f="$HUSK_ROOT/$CTR/state.json"
  jq -c '.ownerUid = 4242' "$f" >"$f.edit" && mv "$f.edit" "$f"
  hrun husk list
  assert_ok
  assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1, $6 }')" "$CTR #4242
$CTR-b root"
  hrun husk list --format json
  assert_ok
  assert_equal "$(jq -r '.[] | "\(.id) \(.owner)"' <<<"$output")" "$CTR #4242
$CTR-b root"
}

@test "list shows a stopped container as stopped" {
  set_args "$BUNDLE" true
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk list --format json
  assert_ok
  assert_equal "$(jq -r --arg id "$CTR" '.[] | select(.id == $id) | .status' <<<"$output")" stopped
}

# runc says "invalid format option" without the value: differs from runc.
@test "list with a bad --format fails" {
  hrun husk list --format yaml
  assert_error_line 'yaml'
}

@test "list and state do not wait for a create under way: they show it creating" {
  # A createRuntime hook (on the host, while create holds the container's
  # lock) that waits until the test lets it go.
  mkfifo "$BATS_TEST_TMPDIR/go"
  update_config "$BUNDLE" '.hooks.createRuntime = [{path: "/bin/sh",
      args: ["sh", "-c", "touch \($d)/in-hook; read x < \($d)/go"]}]' --arg d "$BATS_TEST_TMPDIR"
  start_bg husk create --bundle "$BUNDLE" "$CTR"
  wait_for_file "$BATS_TEST_TMPDIR/in-hook"
  # Blocking here would hang until the timeout of husk() and fail.
  hrun husk state "$CTR"
  assert_ok
  assert_equal "$(jq -r .status <<<"$output")" creating
  hrun husk list --format json
  assert_ok
  assert_equal "$(jq -r '.[0].id + " " + .[0].status' <<<"$output")" "$CTR creating"
  echo go >"$BATS_TEST_TMPDIR/go"
  wait_bg "$BG_PID"
  assert_equal "$bg_status" 0
  assert_equal "$(state_field "$CTR" .status)" created
}
