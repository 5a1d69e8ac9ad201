#!/usr/bin/env bats
# create / start / state / delete: the order of the lifecycle, the status at
# each step, the state JSON, --pid-file, and races on one id.

load helpers

@test "create leaves the process waiting; start runs it; it exits to stopped; delete removes it" {
  set_args "$BUNDLE" sh -c "echo started > /marker; echo hello-stdout; $LOOP_UNTIL_STOP"

  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local create_out=$HRUN_OUT

  hrun husk state "$CTR"
  assert_ok
  assert_equal "$(jq -r .status <<<"$output")" created
  local pid
  pid=$(jq -r .pid <<<"$output")
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] || fail "pid is not a positive number: $pid"
  pid_alive "$pid" || fail "the init (pid $pid) of a created container is not alive"
  # The user process has not run yet.
  [[ ! -e "$BUNDLE/rootfs/marker" ]] || fail "process.args ran before start"
  [[ ! -s "$create_out" ]] || fail "the container printed before start: $(<"$create_out")"

  hrun husk start "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(<"$BUNDLE/rootfs/marker")" started
  assert_equal "$(state_field "$CTR" .status)" running
  # The init became the user process: same pid.
  assert_equal "$(state_field "$CTR" .pid)" "$pid"
  # The container's stdout is create's stdout.
  assert_equal "$(<"$create_out")" hello-stdout

  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  pid_alive "$pid" && fail "pid $pid still alive in a stopped container"

  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a process that exits at once goes straight from start to stopped" {
  set_args "$BUNDLE" true
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "$(state_field "$CTR" .status)" created
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "create without --bundle uses the current directory" {
  set_args "$BUNDLE" true
  cd "$BUNDLE"
  hrun husk create "$CTR"
  assert_ok
  assert_equal "$(state_field "$CTR" .bundle)" "$(realpath "$BUNDLE")"
}

@test "state JSON has ociVersion, id, status, pid, an absolute bundle and the config's annotations" {
  update_config "$BUNDLE" '.annotations = {"org.example.a": "1", "org.example.b": "two words"}'
  set_args "$BUNDLE" true
  # A relative --bundle must still be stored absolute.
  cd "$BUNDLE/.."
  hrun husk create --bundle "$(basename "$BUNDLE")" "$CTR"
  assert_ok

  hrun husk state "$CTR"
  assert_ok
  jq -e . <<<"$output" >/dev/null || fail "state is not JSON: $output"
  jq -e '.ociVersion | type == "string" and length > 0' <<<"$output" >/dev/null ||
    fail "ociVersion missing: $output"
  assert_equal "$(jq -r .id <<<"$output")" "$CTR"
  assert_equal "$(jq -r .status <<<"$output")" created
  jq -e '.pid | type == "number" and . > 0' <<<"$output" >/dev/null || fail "pid missing: $output"
  assert_equal "$(jq -r .bundle <<<"$output")" "$(realpath "$BUNDLE")"
  assert_equal "$(jq -c '.annotations' <<<"$output")" '{"org.example.a":"1","org.example.b":"two words"}'
}

@test "--pid-file gets the init's host pid" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ -f "$BATS_TEST_TMPDIR/pid" ]] || fail "no pid file"
  local pid
  pid=$(<"$BATS_TEST_TMPDIR/pid")
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] || fail "pid file holds '$pid'"
  assert_equal "$pid" "$(state_field "$CTR" .pid)"
  pid_alive "$pid" || fail "pid $pid from the pid file is not alive"
  # It is a host pid of a process in another pid namespace.
  [[ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]] ||
    fail "pid $pid is in the test's own pid namespace"
  hrun husk start "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  # The started process is that pid: pid 1 of its namespace.
  grep -q '^NSpid:.*[[:space:]]1$' "/proc/$pid/status" || fail "pid $pid is not pid 1 in its namespace"
}

# runc's message ("container with given ID already exists") omits the id:
# differs from runc.
@test "a second create of the same id fails with one error and leaves the first intact" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid
  pid=$(state_field "$CTR" .pid)

  local other="$BATS_TEST_TMPDIR/other"
  make_bundle "$other"
  hrun husk create --bundle "$other" "$CTR"
  assert_error_line "$CTR" 'exist'

  # The first container is untouched: same pid, same bundle, still created.
  assert_equal "$(state_field "$CTR" .status)" created
  assert_equal "$(state_field "$CTR" .pid)" "$pid"
  assert_equal "$(state_field "$CTR" .bundle)" "$(realpath "$BUNDLE")"
  pid_alive "$pid" || fail "the first container's init died"
  hrun husk start "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(state_field "$CTR" .status)" running
}

# runc 1.1.5 sometimes prints several lines for a loser: may differ from runc.
@test "concurrent creates of one id: exactly one succeeds" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  local i pids=() ok=0 st
  for i in 1 2 3 4 5; do
    husk create --bundle "$BUNDLE" "$CTR" </dev/null >"$BATS_TEST_TMPDIR/c$i.out" 2>"$BATS_TEST_TMPDIR/c$i.err" &
    pids+=($!)
  done
  for i in 0 1 2 3 4; do
    st=0
    wait "${pids[$i]}" || st=$?
    if ((st == 0)); then
      ok=$((ok + 1))
    else
      assert_equal "$st" 1
      # Each loser says so in one line.
      assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/c$((i + 1)).err")" 1
    fi
  done
  assert_equal "$ok" 1
  assert_equal "$(state_field "$CTR" .status)" created
  # One container: one live process of this test.
  assert_equal "$(leftover_pids | wc -l)" 1
  hrun husk start "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
}

@test "start of a running or stopped container fails and changes nothing" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk start "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local pid
  pid=$(state_field "$CTR" .pid)

  hrun husk start "$CTR"
  assert_error_line 'running'
  assert_equal "$(state_field "$CTR" .status)" running
  assert_equal "$(state_field "$CTR" .pid)" "$pid"

  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk start "$CTR"
  assert_error_line 'stopped'
  assert_equal "$(state_field "$CTR" .status)" stopped
}

# husk's message (podman matches "does not exist"); runc says
# "container does not exist" without the id: differs from runc.
@test "state, start, kill and delete of an unknown id: does not exist, exit 1 (delete --force: 0)" {
  local cmd
  for cmd in state start kill delete; do
    hrun husk "$cmd" nosuchctr
    assert_error_line '^husk: container "nosuchctr" does not exist$'
  done
  # runc 1.1: --force of an unknown id succeeds (delete.bats).
  hrun husk delete --force nosuchctr
  assert_ok
  assert_equal "$output$stderr" ""
}

# runc 1.1.5 can hang a losing start (timeout, 124): differs from runc.
@test "concurrent starts of one created container: exactly one succeeds, the process runs once" {
  set_args "$BUNDLE" sh -c "echo x >> /starts; $LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local i pids=() ok=0 st
  for i in 1 2 3 4 5; do
    husk start "$CTR" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/s$i.err" &
    pids+=($!)
  done
  for i in 0 1 2 3 4; do
    st=0
    wait "${pids[$i]}" || st=$?
    if ((st == 0)); then
      ok=$((ok + 1))
    else
      assert_equal "$st" 1
      assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/s$((i + 1)).err")" 1
    fi
  done
  assert_equal "$ok" 1
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(<"$BUNDLE/rootfs/starts")" x
  assert_equal "$(state_field "$CTR" .status)" running
}

# The init must not stay husk's child: an engine's shim (conmon,
# containerd-shim) is a subreaper and reaps it.
@test "the init of a created container is re-parented to the caller's subreaper" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  command -v python3 >/dev/null || skip "python3 is needed to become a subreaper"
  local res
  res=$(HUSK_TEST_MARK=$HUSK_TEST_MARK timeout 30 python3 - "$HUSK" "$HUSK_ROOT" "$BUNDLE" "$CTR" 3>&- <<'PY'
import ctypes, json, os, subprocess, sys
husk, root, bundle, ctr = sys.argv[1:]
PR_SET_CHILD_SUBREAPER = 36
if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    sys.exit("prctl PR_SET_CHILD_SUBREAPER failed")
with open(os.devnull, "rb") as null, open(bundle + "/../sub.out", "wb") as out:
    r = subprocess.run([husk, "--root", root, "create", "--bundle", bundle, ctr],
                       stdin=null, stdout=out, stderr=out, timeout=20)
if r.returncode != 0:
    sys.exit("create failed: %d" % r.returncode)
state = json.loads(subprocess.run([husk, "--root", root, "state", ctr],
                                  capture_output=True, timeout=20).stdout)
ppid = None
with open("/proc/%d/status" % state["pid"]) as f:
    for line in f:
        if line.startswith("PPid:"):
            ppid = int(line.split()[1])
print("me=%d ppid=%s" % (os.getpid(), ppid))
PY
  ) || fail "the python driver failed: $res $(cat "$BATS_TEST_TMPDIR/sub.out" 2>/dev/null)"
  local me=${res#me=}
  me=${me%% *}
  assert_equal "$res" "me=$me ppid=$me"
}

# husk-only: simulates pid reuse by pointing the state's pid at an unrelated
# live process (runc keeps its pid elsewhere in its state.json).
@test "a stopped container whose pid was reused by another process still reads stopped, and that process is never signalled" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local state="$HUSK_ROOT/$CTR/state.json" decoy
  jq -e '.pid | type == "number"' "$state" >/dev/null 2>&1 || fail "state.json has no numeric pid to rewrite"
  kill -KILL "$(state_field "$CTR" .pid)"
  wait_for_status "$CTR" stopped
  sleep 60 </dev/null >/dev/null 2>&1 3>&- &
  decoy=$!
  jq --argjson p "$decoy" '.pid = $p' "$state" >"$state.new" && mv "$state.new" "$state"
  assert_equal "$(state_field "$CTR" .status)" stopped
  hrun husk kill "$CTR" KILL
  assert_equal "$status" 1
  pid_alive "$decoy" || fail "kill signalled the process that reused the pid"
  hrun husk delete --force "$CTR"
  assert_ok
  pid_alive "$decoy" || fail "delete --force signalled the process that reused the pid"
  kill "$decoy"
  wait "$decoy" || true
  assert_no_leftovers "$CTR"
}

@test "--pid-file relative to the current directory, and a bundle path with spaces" {
  local b="$BATS_TEST_TMPDIR/a bundle with spaces"
  mv "$BUNDLE" "$b"
  BUNDLE=$b
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  cd "$BATS_TEST_TMPDIR"
  hrun husk create --pid-file pid.txt --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "$(<"$BATS_TEST_TMPDIR/pid.txt")" "$(state_field "$CTR" .pid)"
  assert_equal "$(state_field "$CTR" .bundle)" "$BUNDLE"
}

@test "a failed create leaves no pid file" {
  echo file >"$BUNDLE/rootfs/afile"
  update_config "$BUNDLE" '.process.cwd = "/afile"'
  hrun husk create --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$CTR"
  assert_error_line 'afile'
  [[ ! -e "$BATS_TEST_TMPDIR/pid" ]] || fail "the pid file of a failed create was left"
  assert_no_leftovers "$CTR"
}

@test "a --pid-file in a missing directory fails create and leaves nothing" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --pid-file "$BATS_TEST_TMPDIR/no/such/dir/pid" --bundle "$BUNDLE" "$CTR"
  assert_error_line 'pid'
  assert_no_leftovers "$CTR"
}

@test "state: annotations with quotes, backslashes, control characters and UTF-8 come back unchanged" {
  update_config "$BUNDLE" '.annotations = {"q": "say \"hi\"", "b": "back\\slash", "nl": "two\nlines\ttab", "u": "ünïcødé ✓", "empty": ""}'
  set_args "$BUNDLE" true
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk state "$CTR"
  assert_ok
  assert_equal "$(jq -cS .annotations <<<"$output")" "$(jq -cS .annotations "$BUNDLE/config.json")"
}

# same_as_runc ARGS...: husk and runc print the same bytes for ARGS, where
# @ID@ is $CTR for husk and $CTR-runc for runc (the two containers share
# the bundle, not the id: their cgroups would clash), once the pids other
# than 0, the creation times and the ids are made equal, and ociVersion
# (runc gives its own spec version, husk the config's).
same_as_runc() {
  local norm
  norm=(sed -E "s/$CTR-runc/$CTR/g; s/(\"pid\": ?)[1-9][0-9]*/\\1P/g; s/(\"created\": ?)\"[^\"]*\"/\\1T/g;
    s/(\"ociVersion\": ?)\"[^\"]*\"/\\1V/g;
    s/^($CTR +)[1-9][0-9]*/\\1P/; s/[0-9]{4}-[0-9-]{5}T[0-9:.]+Z/T/")
  "$HUSK" --root "$HUSK_ROOT" "${@//@ID@/$CTR}" </dev/null 2>&1 3>&- | "${norm[@]}" >"$BATS_TEST_TMPDIR/husk.out"
  runc --root "$RUNC_ROOT" "${@//@ID@/$CTR-runc}" </dev/null 2>&1 3>&- | "${norm[@]}" >"$BATS_TEST_TMPDIR/runc.out"
  if [[ "$1" == list && "$*" != *json* ]]; then
    # The columns' widths follow the values made equal above.
    tr -s ' ' <"$BATS_TEST_TMPDIR/husk.out" >"$BATS_TEST_TMPDIR/husk.sq"
    tr -s ' ' <"$BATS_TEST_TMPDIR/runc.out" >"$BATS_TEST_TMPDIR/runc.sq"
    mv "$BATS_TEST_TMPDIR/husk.sq" "$BATS_TEST_TMPDIR/husk.out"
    mv "$BATS_TEST_TMPDIR/runc.sq" "$BATS_TEST_TMPDIR/runc.out"
  fi
  cmp -s "$BATS_TEST_TMPDIR/husk.out" "$BATS_TEST_TMPDIR/runc.out" ||
    fail "$*: husk printed
$(cat -A "$BATS_TEST_TMPDIR/husk.out")
runc printed
$(cat -A "$BATS_TEST_TMPDIR/runc.out")"
}

runc_state_is() {
  [[ "$(runc --root "$RUNC_ROOT" state "$1" 2>/dev/null | jq -r .status)" == "$2" ]]
}

@test "state and list print what runc prints: created, running, stopped (pid 0, empty owner in state)" {
  command -v runc >/dev/null || skip "runc is not installed"
  RUNC_ROOT="$BATS_TEST_TMPDIR/runc"
  update_config "$BUNDLE" '.annotations = {"org.example.a": "1"}'
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun runc --root "$RUNC_ROOT" create --bundle "$BUNDLE" "$CTR-runc"
  assert_ok
  local step
  for step in created running stopped; do
    if [[ $step == running ]]; then
      hrun husk start "$CTR"
      assert_ok
      hrun runc --root "$RUNC_ROOT" start "$CTR-runc"
      assert_ok
      wait_for_status "$CTR" running
    elif [[ $step == stopped ]]; then
      touch "$BUNDLE/rootfs/stop"
      wait_for_status "$CTR" stopped
      wait_for 10 runc_state_is "$CTR-runc" stopped || fail "runc's container did not stop"
    fi
    assert_equal "$(state_field "$CTR" .status)" "$step"
    same_as_runc state @ID@
    same_as_runc list --format json
    same_as_runc list
  done
  assert_equal "$(state_field "$CTR" .owner)" ""
  assert_equal "$(state_field "$CTR" .pid)" 0
  assert_equal "$(husk list --format json | jq -r '.[0].owner')" root
  hrun runc --root "$RUNC_ROOT" delete "$CTR-runc"
  assert_ok
  delete_and_check
}
