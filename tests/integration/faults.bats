#!/usr/bin/env bats
# Kill-anywhere and fail-anywhere: husk create is run under strace, which
# SIGKILLs it (or makes one syscall fail with EIO) at each of the syscalls
# that create makes, in husk and in the container's init; then `delete
# --force ID` must exit 0 and leave nothing: no state dir (the temporary
# .new-* ones included), no mount of the bundle or the root, no cgroup of
# the container, no process.  And a container whose state files are garbled
# is removed by `delete --force`, while `state` and `list` keep working.
#
# FAULTS_STEP=K takes every K-th syscall (default 9, about 45 of each kind
# in `make check`); the stress lane runs all of them (FAULTS_STEP=1).

load helpers

setup() {
  husk_setup
  if ! command -v strace >/dev/null; then
    skip "strace is missing: apt-get install strace"
  fi
  set_args "$BUNDLE" sleep 1000
  FAULTS_STEP=${FAULTS_STEP:-9}
}

teardown() {
  # A tracer left by a failed check (strace -D runs detached).
  local p
  for p in $(leftover_pids); do
    kill -KILL "$p" 2>/dev/null || true
  done
  husk_teardown
}

# cgroups_of_test: the container's cgroup directories in every hierarchy.
cgroups_of_test() {
  local d
  for d in /sys/fs/cgroup/husk/"$CTR" /sys/fs/cgroup/*/husk/"$CTR" /sys/fs/cgroup/*/"$CTR"; do
    [[ -e "$d" ]] && echo "$d"
  done
  return 0
}

# traced_create SPEC: husk create of $CTR under strace -D (the tracer runs
# detached, so this returns when husk itself ends, with its status in
# create_status; the tracer lives on while the init it follows does).
traced_create() {
  create_status=0
  HUSK_TEST_MARK="$HUSK_TEST_MARK" timeout --kill-after=5 "$HUSK_TIMEOUT" \
    strace -D -f -qq -o "$TRACE_OUT" ${1:+-e "$1"} "$HUSK" --root "$HUSK_ROOT" create --bundle "$BUNDLE" "$CTR" \
    </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>"$BATS_TEST_TMPDIR/create.err" 3>&- || create_status=$?
}

# wait_no_leftover_pids: up to 5 s for every marked process (the detached
# tracer included: it ends with the last process it follows) to be gone.
wait_no_leftover_pids() {
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -z "$(marked_pids)" ]] && return 0
    sleep 0.05
  done
  return 1
}

# fault_points: "SYSCALL N" for each syscall of a plain create (N-th call
# of SYSCALL in its process: strace's when=N counts per syscall and per
# process), without the first execve and the final exit_group.
fault_points() {
  TRACE_OUT="$BATS_TEST_TMPDIR/trace"
  traced_create ""
  ((create_status == 0)) || fail "the traced create failed: $(cat "$BATS_TEST_TMPDIR/create.err")"
  husk delete --force "$CTR" >/dev/null
  wait_no_leftover_pids || fail "processes are left after the traced create: $(marked_pids)"
  awk '
    $2 ~ /^[a-z_0-9]+\(/ {
      name = $2; sub(/\(.*/, "", name)
      n = ++count[$1 " " name]
      # The static libc start-up, up to its RELRO mprotect, is not husk.
      if (NR == 1) { main = $1; startup = 1 }
      if ($1 == main && startup) { if (name == "mprotect") startup = 0; next }
      if (name == "exit_group") next
      if (!seen[name " " n]++) print name, n
    }' "$TRACE_OUT" >"$BATS_TEST_TMPDIR/points"
  TRACE_OUT=/dev/null
  echo "# $(wc -l <"$BATS_TEST_TMPDIR/points") fault points, every ${FAULTS_STEP}th taken" >&3
}

# check_clean WHAT: after delete --force, nothing of $CTR is left; a
# problem is appended to $problems, prefixed by WHAT.
check_clean() {
  local what=$1 left
  if ! wait_no_leftover_pids; then
    problems+=("$what: processes are left: $(for p in $(marked_pids); do tr '\0' ' ' <"/proc/$p/cmdline"; echo -n "(pid $p) "; done)")
  fi
  left=$(ls -A "$HUSK_ROOT")
  [[ -z "$left" ]] || problems+=("$what: left in the root: $left")
  left=$(test_mounts)
  [[ "$left" == "$mounts_before" ]] || problems+=("$what: mounts are left: $left")
  left=$(cgroups_of_test)
  [[ -z "$left" ]] || problems+=("$what: cgroups are left: $left")
}

# delete_and_check_clean WHAT: delete --force exits 0 and leaves nothing.
delete_and_check_clean() {
  hrun husk delete --force "$CTR"
  ((status == 0)) || problems+=("$1: delete --force exited with $status: $stderr")
  check_clean "$1"
}

# report_problems: fails with the first 40 of $problems, if any.
report_problems() {
  if ((${#problems[@]} > 0)); then
    printf '%s\n' "${problems[@]}" | head -n 40
    fail "${#problems[@]} fault points left something (above)"
  fi
}

# run_faults MODE: every FAULTS_STEP-th fault point, SIGKILL or EIO.
run_faults() {
  local mode=$1 name n i=0 spec err
  fault_points
  mounts_before=$(test_mounts)
  problems=()
  while read -r name n; do
    ((i++ % FAULTS_STEP == 0)) || continue
    if [[ "$mode" == kill ]]; then
      spec="inject=$name:signal=SIGKILL:when=$n"
    else
      spec="inject=$name:error=EIO:when=$n"
    fi
    traced_create "$spec"
    err=$(head -c 300 "$BATS_TEST_TMPDIR/create.err")
    if [[ "$mode" == fail ]]; then
      # A failed syscall is an error (one line, exit 1) or is survived.
      if ((create_status != 0 && create_status != 1)); then
        problems+=("$spec: create exited with $create_status: $err")
      elif ((create_status == 1)) && [[ ! "$err" =~ ^husk:\ [^$'\n']+$'\n'?$ ]]; then
        problems+=("$spec: create failed without one 'husk: ...' line: $err")
      fi
    elif ((create_status == 124)); then
      problems+=("$spec: create hung")
    fi
    # state never crashes nor hangs on what is left.
    hrun husk state "$CTR"
    ((status == 0 || status == 1)) || problems+=("$spec: state exited with $status: $stderr")
    delete_and_check_clean "$spec"
  done <"$BATS_TEST_TMPDIR/points"
  report_problems
}

@test "create SIGKILLed at any syscall: delete --force removes everything" {
  run_faults kill
}

@test "create with any syscall failing (EIO): one error line, delete --force removes everything" {
  run_faults fail
}

@test "a create killed at any syscall does not stop the next create of the id" {
  local name n i=0 spec
  fault_points
  mounts_before=$(test_mounts)
  problems=()
  while read -r name n; do
    ((i++ % (FAULTS_STEP * 4) == 1)) || continue
    spec="inject=$name:signal=SIGKILL:when=$n"
    traced_create "$spec"
    # The killed husk's own pid is gone: its temporary state dir is a dead
    # create's, which the next create removes.  The init it left (killed
    # after clone) may still wait in its cgroup: create refuses only a
    # container whose state dir exists.
    hrun husk create --bundle "$BUNDLE" "$CTR"
    if ((status != 0)) && [[ "$stderr" != *"already exists"* ]]; then
      problems+=("$spec: the next create failed: $stderr")
    fi
    delete_and_check_clean "$spec"
  done <"$BATS_TEST_TMPDIR/points"
  report_problems
}

# ---- every state file garbled or deleted ----

# garble_file FILE HOW: truncated, invalid JSON, empty or deleted.  A file
# that is not there (exec.fifo once started) stays absent; a fifo truncated
# or emptied becomes an empty regular file (head would block on it).
garble_file() {
  local f="$HUSK_ROOT/$CTR/$1"
  [[ -e "$f" ]] || return 0
  if [[ -p "$f" && ( "$2" == truncated || "$2" == empty ) ]]; then
    rm -f "$f" && : >"$f"
    return
  fi
  case $2 in
    truncated) head -c "$(($(stat -c %s "$f") / 2))" "$f" >"$f.g" && mv "$f.g" "$f" ;;
    notjson) rm -f "$f" && echo '{"not json' >"$f" ;;
    empty) rm -f "$f" && : >"$f" ;;
    deleted) rm -f "$f" ;;
  esac
}

# garbled_case STATE FILES HOW: a container created (STATE created) or
# running (running), every file of FILES garbled in the way HOW; state and
# list answer (exit 0 or one line), delete --force exits 0 and removes all.
garbled_case() {
  local want=$1 files=$2 how=$3 f pid
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  if [[ "$want" == running ]]; then
    hrun husk start "$CTR"
    assert_ok
  fi
  pid=$(state_field "$CTR" .pid)
  for f in $files; do
    garble_file "$f" "$how"
  done
  hrun husk state "$CTR"
  ((status == 0 || (status == 1 && ${#stderr_lines[@]} == 1))) || fail "$files $how: state: $status $stderr"
  if ((status == 0)); then
    [[ "$(jq -r .status <<<"$output")" =~ ^(stopped|unknown|created|running)$ ]] || fail "$files $how: state: $output"
  fi
  hrun husk list
  assert_ok
  hrun husk list --format json
  assert_ok
  jq -e . <<<"$output" >/dev/null || fail "$files $how: list --format json: $output"
  local t0=$EPOCHREALTIME
  hrun husk delete --force "$CTR"
  echo "# $want, $files $how: delete --force took $(bc <<<"$EPOCHREALTIME - $t0") s" >&3
  ((status == 0)) || fail "$files $how ($want): delete --force: $status $stderr"
  ((${#stderr_lines[@]} <= 1)) || fail "$files $how: more than one line: $stderr"
  pid_alive "$pid" && fail "$files $how ($want): pid $pid survived"
  [[ -z "$(ls -A "$HUSK_ROOT")" ]] || fail "$files $how: left in the root: $(ls -A "$HUSK_ROOT")"
  [[ -z "$(cgroups_of_test)" ]] || fail "$files $how ($want): cgroups are left: $(cgroups_of_test)"
  assert_no_leftovers "$CTR"
}

@test "each state file garbled or deleted, in a created and a running container: delete --force removes everything" {
  local f how want
  for want in created running; do
    for f in state.json cgroup.json config.json exec.fifo; do
      for how in truncated notjson empty deleted; do
        [[ "$f" == exec.fifo && "$how" != deleted && "$how" != notjson ]] && continue
        garbled_case "$want" "$f" "$how"
      done
    done
  done
}

@test "every state file garbled at once: delete --force removes everything" {
  local how want
  for want in created running; do
    for how in truncated notjson empty deleted; do
      garbled_case "$want" "state.json cgroup.json config.json exec.fifo" "$how"
    done
  done
}

# ---- cgroups ----

# On a hybrid host cgroup.kill reaches only the unified cgroup: a process
# moved out of it (still in the v1 ones) is killed all the same.
@test "kill --all and delete --force kill a process that is in the v1 cgroups only" {
  local u=/sys/fs/cgroup/unified pid
  if [[ "$(stat -f -c %T "$u" 2>/dev/null)" != cgroup2fs || "$(stat -f -c %T /sys/fs/cgroup)" == cgroup2fs ]]; then
    skip "not a v1/v2 hybrid host"
  fi
  for cmd in kill delete; do
    hrun husk run --detach --bundle "$BUNDLE" "$CTR"
    assert_ok
    pid=$(state_field "$CTR" .pid)
    [[ -e "$u/husk/$CTR/cgroup.kill" ]] || skip "the kernel has no cgroup.kill"
    echo "$pid" >"$u/cgroup.procs"
    grep -qx "$pid" "$u/husk/$CTR/cgroup.procs" && fail "pid $pid is still in the unified cgroup"
    grep -qx "$pid" "/sys/fs/cgroup/pids/husk/$CTR/cgroup.procs" || fail "pid $pid is not in the v1 cgroup"
    if [[ "$cmd" == kill ]]; then
      hrun husk kill --all "$CTR" KILL
      assert_ok
      wait_for 5 eval '! pid_alive "$pid"' || fail "kill --all: pid $pid survived"
    fi
    hrun husk delete --force "$CTR"
    assert_ok
    pid_alive "$pid" && fail "$cmd: pid $pid survived"
    assert_no_leftovers "$CTR"
  done
}

@test "a linux.cgroupsPath with . or .. components or a control character is refused with one line" {
  refuse_each_config \
    '.linux.cgroupsPath = "../escape"' 'linux\.cgroupsPath "\.\./escape": must not contain "\.\."$' \
    '.linux.cgroupsPath = "a/../../escape"' 'linux\.cgroupsPath "a/\.\./\.\./escape": must not contain "\.\."$' \
    '.linux.cgroupsPath = "/../escape"' 'linux\.cgroupsPath "/\.\./escape": must not contain "\.\."$' \
    '.linux.cgroupsPath = "/a/./b"' 'linux\.cgroupsPath "/a/\./b": must not contain "\."$' \
    '.linux.cgroupsPath = ".."' 'linux\.cgroupsPath "\.\.": must not contain "\.\."$' \
    '.linux.cgroupsPath = "/"' 'linux\.cgroupsPath "/": names the root cgroup$' \
    '.linux.cgroupsPath = "a\nb"' 'linux\.cgroupsPath: must not contain a control character$'
}
