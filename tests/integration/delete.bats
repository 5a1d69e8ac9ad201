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
  assert_error_line "^husk: container \"$CTR\" does not exist\$"
}

# runc 1.1 (delete.go): --force of a container that does not exist is a
# success; podman runs it after a failed create.
@test "delete --force of an id that does not exist succeeds, prints nothing and creates nothing" {
  hrun husk delete --force "$CTR"
  assert_ok
  assert_equal "$output" ""
  assert_equal "$stderr" ""
  assert_no_leftovers "$CTR"
  # Not even the state root, when it is missing.
  hrun "$HUSK" --root "$BATS_TEST_TMPDIR/noroot" delete --force "$CTR"
  assert_ok
  assert_equal "$output$stderr" ""
  [[ ! -e "$BATS_TEST_TMPDIR/noroot" ]] || fail "delete --force created the state root"
  # Without --force it is still an error.
  hrun "$HUSK" --root "$BATS_TEST_TMPDIR/noroot" delete "$CTR"
  assert_error_line "^husk: container \"$CTR\" does not exist\$"
}

@test "delete --force of a deleted container, twice in a row, succeeds" {
  set_args "$BUNDLE" true
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk delete --force "$CTR"
  assert_ok
  hrun husk delete --force "$CTR"
  assert_ok
  assert_equal "$output$stderr" ""
  assert_no_leftovers "$CTR"
}

@test "delete --force removes a non-directory left at the id in the state root" {
  echo junk >"$HUSK_ROOT/$CTR"
  hrun husk delete "$CTR"
  assert_error_line 'does not exist'
  [[ -e "$HUSK_ROOT/$CTR" ]] || fail "delete without --force removed it"
  hrun husk delete --force "$CTR"
  assert_ok
  assert_equal "$output$stderr" ""
  [[ ! -e "$HUSK_ROOT/$CTR" ]] || fail "the leftover file is still there"
  # A symlink is removed, never followed.
  echo keep >"$BATS_TEST_TMPDIR/target"
  ln -s "$BATS_TEST_TMPDIR/target" "$HUSK_ROOT/$CTR"
  hrun husk delete --force "$CTR"
  assert_ok
  [[ ! -L "$HUSK_ROOT/$CTR" ]] || fail "the leftover symlink is still there"
  assert_equal "$(<"$BATS_TEST_TMPDIR/target")" keep
  assert_no_leftovers "$CTR"
}

@test "delete --force of a malformed id is still an error" {
  hrun husk delete --force '../x'
  assert_error_line '^husk: invalid container id "\.\./x"'
  hrun husk delete --force ''
  assert_error_line '^husk: invalid container id ""'
}

@test "concurrent delete --force of one running container: it is gone once, nothing is left" {
  run_detached_loop
  local i pids=() st
  for i in 1 2 3 4 5; do
    husk delete --force "$CTR" </dev/null >"$BATS_TEST_TMPDIR/d$i.out" 2>"$BATS_TEST_TMPDIR/d$i.err" &
    pids+=($!)
  done
  # One of them deletes it; the others find it gone, which --force does
  # not count as an error (runc 1.1).
  for i in 0 1 2 3 4; do
    st=0
    wait "${pids[$i]}" || st=$?
    assert_equal "$st" 0
    assert_equal "$(<"$BATS_TEST_TMPDIR/d$((i + 1)).out")" ""
    assert_equal "$(<"$BATS_TEST_TMPDIR/d$((i + 1)).err")" ""
  done
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
@test "a stopped container with a corrupt state.json: state and list show it stopped with a note, delete --force removes it" {
  set_args "$BUNDLE" true
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ -f "$HUSK_ROOT/$CTR/state.json" ]] || fail "no state.json in the state dir"
  echo '{"garbage' >"$HUSK_ROOT/$CTR/state.json"
  hrun husk state "$CTR"
  assert_ok
  assert_equal "$(jq -r .status <<<"$output")" stopped
  assert_equal "$(jq -r .id <<<"$output")" "$CTR"
  assert_equal "${#stderr_lines[@]}" 1
  [[ "$stderr" == *"$CTR"*"corrupt state.json"* ]] || fail "no note on stderr: $stderr"
  hrun husk list -q
  assert_ok
  assert_output "$CTR"
  hrun husk list --format json
  assert_ok
  assert_equal "$(jq -r '.[0].status' <<<"$output")" stopped
  hrun husk list
  assert_ok
  [[ "${lines[1]}" == "$CTR "*stopped* ]] || fail "list: $output"
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

# ---- a husk killed in the middle of create ----

# assert_no_temp_dirs: no create's temporary state dir (".new-*") is left
# in the root.
assert_no_temp_dirs() {
  local left
  left=$(find "$HUSK_ROOT" -mindepth 1 -maxdepth 1 -name '.new-*' 2>/dev/null)
  [[ -z "$left" ]] || fail "temporary state dirs are left: $left"
}

# kill_create_at SYSCALL: husk create, SIGKILLed by strace on entering the
# first SYSCALL (strace's own stderr goes to the test's temp dir).
kill_create_at() {
  status=0
  HUSK_TEST_MARK="$HUSK_TEST_MARK" strace -f -o "$BATS_TEST_TMPDIR/strace.out" \
    -e trace="$1" -e inject="$1":signal=KILL \
    "$HUSK" --root "$HUSK_ROOT" create --bundle "$BUNDLE" "$CTR" \
    </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.err" 3>&- || status=$?
  ((status != 0)) || fail "husk create was not killed at $1"
}

@test "delete --force ID removes the temporary state dir of a create killed before its rename" {
  kill_create_at renameat2
  local tmp
  tmp=$(find "$HUSK_ROOT" -mindepth 1 -maxdepth 1 -name '.new-*')
  [[ -n "$tmp" ]] || fail "the killed create left no temporary dir to test with"
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_temp_dirs
  assert_no_leftovers "$CTR"
}

@test "the next create of the id, and list, remove a killed create's temporary dir" {
  kill_create_at renameat2
  [[ -n "$(find "$HUSK_ROOT" -mindepth 1 -maxdepth 1 -name '.new-*')" ]] || fail "no temporary dir"
  set_args "$BUNDLE" true
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_no_temp_dirs
  assert_no_leftovers "$CTR"
  kill_create_at renameat2
  hrun husk list -q
  assert_ok
  assert_no_temp_dirs
}

@test "a temporary dir whose pid is alive but a different process (pid reuse) is removed" {
  kill_create_at renameat2
  local tmp fake
  tmp=$(find "$HUSK_ROOT" -mindepth 1 -maxdepth 1 -name '.new-*')
  [[ -n "$tmp" ]] || fail "no temporary dir"
  # The same name with this shell's (live) pid and a start time it never had.
  fake="$HUSK_ROOT/.new-$$-1-$CTR"
  mv "$tmp" "$fake"
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_temp_dirs
}

# kill_create_in_hook: husk create, SIGKILLed while its createRuntime hook
# runs (the state dir renamed, the cgroups made, the init waiting).
kill_create_in_hook() {
  mkfifo "$BATS_TEST_TMPDIR/hold"
  update_config "$BUNDLE" '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c",
    "echo $PPID >" + $d + "/husk.pid; cat " + $d + "/hold >/dev/null"]}]' --arg d "$BATS_TEST_TMPDIR"
  start_bg husk create --bundle "$BUNDLE" "$CTR"
  wait_for_file "$BATS_TEST_TMPDIR/husk.pid"
  local hpid
  hpid=$(<"$BATS_TEST_TMPDIR/husk.pid")
  [[ "$(tr '\0' ' ' <"/proc/$hpid/cmdline")" == *" create "* ]] || fail "pid $hpid is not husk create"
  kill -KILL "$hpid"
  # Lets the hook (husk's child, outside the container) end.
  echo >"$BATS_TEST_TMPDIR/hold"
  wait_bg "$BG_PID"
  update_config "$BUNDLE" 'del(.hooks)'
}

@test "delete --force removes everything of a create killed in its createRuntime hook" {
  kill_create_in_hook
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_temp_dirs
  assert_no_leftovers "$CTR"
}

@test "the next create of the id removes what a create killed in its createRuntime hook left" {
  kill_create_in_hook
  [[ -d "$HUSK_ROOT/$CTR" ]] || fail "the killed create left no state dir to test with"
  set_args "$BUNDLE" true
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${#stderr_lines[@]}" 1
  [[ "$stderr" == *"killed create"* ]] || fail "no note: $stderr"
  assert_no_temp_dirs
  assert_no_leftovers "$CTR"
}

@test "a create of an id whose create is still running does not remove its state" {
  mkfifo "$BATS_TEST_TMPDIR/hold"
  update_config "$BUNDLE" '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c",
    "echo $PPID >" + $d + "/husk.pid; cat " + $d + "/hold >/dev/null"]}]' --arg d "$BATS_TEST_TMPDIR"
  start_bg husk create --bundle "$BUNDLE" "$CTR"
  wait_for_file "$BATS_TEST_TMPDIR/husk.pid"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line "already exists"
  echo >"$BATS_TEST_TMPDIR/hold"
  wait_bg "$BG_PID"
  assert_equal "$bg_status" 0
  assert_equal "$(state_field "$CTR" .status)" created
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a create that fails leaves no temporary state dir" {
  # A hook that fails: create fails after its state dir is renamed.
  update_config "$BUNDLE" '.hooks.createRuntime = [{path: "/bin/false"}]'
  hrun husk create --bundle "$BUNDLE" "$CTR"
  ((status != 0)) || fail "create with a failing hook succeeded"
  assert_no_temp_dirs
  assert_no_leftovers "$CTR"
}

# ---- delete --force on garbled state files ----

# garble FILE HOW: rewrites FILE of the container's state dir.
garble() {
  local f="$HUSK_ROOT/$CTR/$1"
  [[ -f "$f" ]] || fail "no $1 in the state dir"
  case $2 in
    truncated) head -c "$(($(stat -c %s "$f") / 2))" "$f" >"$f.g" && mv "$f.g" "$f" ;;
    empty) : >"$f" ;;
    notjson) echo 'not json at all' >"$f" ;;
    types) echo '{"id": 5, "pid": "x", "layout": 1, "dirs": "x", "ociVersion": [], "process": 3}' >"$f" ;;
  esac
}

@test "delete --force of a running container with a garbled state file removes everything" {
  local file how pid cgs
  for file in state.json cgroup.json config.json; do
    for how in truncated empty notjson types; do
      run_detached_loop
      pid=$(state_field "$CTR" .pid)
      cgs=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$CTR")
      [[ -n "$cgs" ]] || fail "the container has no cgroup to test with"
      garble "$file" "$how"
      hrun husk state "$CTR"
      assert_ok
      [[ "$file" != state.json ]] || assert_equal "$(jq -r .status <<<"$output")" stopped
      hrun husk list
      assert_ok
      hrun husk delete --force "$CTR"
      assert_ok
      [[ "$stderr" == *"$file"* || "$file" == config.json ]] || fail "$file $how: the warning does not name it: $stderr"
      ((${#stderr_lines[@]} <= 1)) || fail "$file $how: more than one line: $stderr"
      pid_alive "$pid" && fail "$file $how: pid $pid survived"
      assert_no_temp_dirs
      assert_no_leftovers "$CTR"
      rm -f "$BUNDLE/rootfs/ready"
    done
  done
}

@test "a garbled cgroup.json naming another cgroup makes delete --force neither kill nor remove it" {
  local victim=/sys/fs/cgroup/pids/husk-victim-$$ vpid
  mkdir "$victim"
  sleep 1000 &
  vpid=$!
  echo "$vpid" >"$victim/cgroup.procs"
  run_detached_loop
  jq --arg v "$victim" '.dirs |= map(if .mount == "/sys/fs/cgroup/pids" then .path = $v | .created = 3 else . end)' \
    "$HUSK_ROOT/$CTR/cgroup.json" >"$BATS_TEST_TMPDIR/cg.json"
  cp "$BATS_TEST_TMPDIR/cg.json" "$HUSK_ROOT/$CTR/cgroup.json"
  hrun husk delete --force "$CTR"
  local alive=0
  pid_alive "$vpid" && alive=1
  kill -KILL "$vpid" 2>/dev/null || true
  wait "$vpid" 2>/dev/null || true
  [[ -d "$victim" ]] || fail "the other cgroup was removed"
  rmdir "$victim"
  ((alive)) || fail "a process of another cgroup was killed"
  assert_ok
  [[ "$stderr" == *"is not a cgroup of container"* ]] || fail "no warning: $stderr"
  assert_no_leftovers "$CTR"
}
