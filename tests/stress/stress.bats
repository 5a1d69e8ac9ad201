#!/usr/bin/env bats
# The stress lane: many lifecycles in a row, many containers at once, and
# the races an engine makes (the same id created twice, kill/exec/delete/
# state at once, delete --force against start).  After each scenario
# nothing is left: no state dir under the root (.new-* ones included), no
# mount of the bundle or the root, no cgroup of the ids, no process, no new
# fd in this shell.  The cycles' time must not grow with the cycle number.
#
# Sizes (tests/stress/run.sh sets them; `make check-stress` is the short
# lane that CI runs, `make check-stress-long` the long one):
#   STRESS_CYCLES    create/start/kill/delete cycles (default 1000)
#   STRESS_PARALLEL  containers started at once (default 50)
#   STRESS_ROUNDS    rounds of each race (default 20)

load ../integration/helpers

setup() {
  husk_setup
  set_args "$BUNDLE" sleep 1000
  STRESS_CYCLES=${STRESS_CYCLES:-1000}
  STRESS_PARALLEL=${STRESS_PARALLEL:-50}
  STRESS_ROUNDS=${STRESS_ROUNDS:-20}
  fds_before=$(caller_fds)
  mounts_before=$(test_mounts)
}

# caller_fds: this shell's open fds and what they point at (bats' own fds
# are the same before and after).
caller_fds() {
  local f
  for f in /proc/$BASHPID/fd/*; do
    echo "${f##*/} $(readlink "$f")"
  done | grep -v ' pipe:\[' || true
}

# assert_nothing_left WHAT: after a scenario, nothing of it is left.
# Processes get up to 5 s to finish dying (a SIGKILLed init is reaped by
# whoever adopted it).
assert_nothing_left() {
  local what=$1 left i
  for ((i = 0; i < 100; i++)); do
    [[ -z "$(marked_pids)" ]] && break
    sleep 0.05
  done
  left=$(marked_pids)
  [[ -z "$left" ]] || fail "$what: processes are left: $(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline"; echo -n "(pid $p) "; done)"
  left=$(ls -A "$HUSK_ROOT")
  [[ -z "$left" ]] || fail "$what: left in the root: $left"
  left=$(test_mounts)
  [[ "$left" == "$mounts_before" ]] || fail "$what: mounts are left: $left"
  left=$(find /sys/fs/cgroup -maxdepth 4 -type d \( -name "$CTR" -o -name "$CTR-*" \) 2>/dev/null || true)
  [[ -z "$left" ]] || fail "$what: cgroups are left: $left"
  left=$(caller_fds)
  [[ "$left" == "$fds_before" ]] || fail "$what: the caller's fds changed: before: $fds_before; after: $left"
}

# one_line_error: the last hrun failed with status 1 and one "husk: " line.
one_line_error() {
  ((status == 1)) && ((${#stderr_lines[@]} == 1)) && [[ "${stderr_lines[0]}" == "husk: "* ]]
}

# median FILE FROM COUNT: the median of COUNT lines of FILE from line FROM.
median() {
  tail -n "+$2" "$1" | head -n "$3" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# cycle ID: create, start, kill, wait for the init to die, delete; fails
# the test on any error.
cycle() {
  local id=$1 pid
  hrun husk create --bundle "$BUNDLE" "$id"
  assert_ok
  hrun husk start "$id"
  assert_ok
  pid=$(state_field "$id" .pid)
  hrun husk kill "$id" KILL
  assert_ok
  while pid_alive "$pid"; do :; done
  hrun husk delete "$id"
  assert_ok
}

@test "create/start/kill/delete cycles: nothing is left and the time per cycle does not grow" {
  local n=$STRESS_CYCLES i t0 t1 times=$BATS_TEST_TMPDIR/times early late ratio w=100 t_start=$EPOCHREALTIME
  ((n >= 3 * w)) || w=$((n / 3))
  for ((i = 1; i <= n; i++)); do
    t0=$EPOCHREALTIME
    cycle "$CTR-$i"
    t1=$EPOCHREALTIME
    echo "$t1 - $t0" | bc >>"$times"
  done
  assert_nothing_left "$n cycles"
  # Growth would come from something each cycle leaves (a state entry, a
  # cgroup, a mount, a lock): the median of the last window against the
  # first.  A median ignores a burst of load; a load that changes for a
  # whole window (2 shared cores) can still move it, hence the generous
  # bound and, above it, one more window measured before failing: a load
  # burst passes, a real growth stays.
  early=$(median "$times" 1 "$w")
  late=$(median "$times" $((n - w + 1)) "$w")
  ratio=$(echo "scale=2; $late / $early" | bc)
  echo "# $n cycles in $(echo "$EPOCHREALTIME - $t_start" | bc | cut -c1-6) s; median of cycles 1-$w: ${early:0:6} s, of $((n - w + 1))-$n: ${late:0:6} s; late/early = $ratio" >&3
  if (($(echo "$ratio > 3" | bc))); then
    : >"$times.again"
    for ((i = 1; i <= w; i++)); do
      t0=$EPOCHREALTIME
      cycle "$CTR-again-$i"
      echo "$EPOCHREALTIME - $t0" | bc >>"$times.again"
    done
    late=$(median "$times.again" 1 "$w")
    ratio=$(echo "scale=2; $late / $early" | bc)
    echo "# $w more cycles: median ${late:0:6} s; late/early = $ratio" >&3
    (($(echo "$ratio <= 3" | bc))) || fail "the time per cycle grew: late/early = $ratio (bound 3)"
    assert_nothing_left "$w more cycles"
  fi
}

@test "containers started in parallel: all run, all are removed, nothing is left" {
  local n=$STRESS_PARALLEL i pids=() st bad=0 t0=$EPOCHREALTIME
  for ((i = 1; i <= n; i++)); do
    husk run --detach --bundle "$BUNDLE" "$CTR-$i" </dev/null >"$BATS_TEST_TMPDIR/run.$i" 2>&1 &
    pids+=($!)
  done
  for ((i = 1; i <= n; i++)); do
    wait "${pids[i - 1]}" || { bad=$((bad + 1)); echo "run $CTR-$i: $(cat "$BATS_TEST_TMPDIR/run.$i")"; }
  done
  ((bad == 0)) || fail "$bad of $n parallel runs failed"
  for ((i = 1; i <= n; i++)); do
    st=$(state_field "$CTR-$i" .status)
    [[ "$st" == running ]] || fail "$CTR-$i is $st, not running"
  done
  hrun husk list --quiet
  assert_ok
  ((${#lines[@]} == n)) || fail "list shows ${#lines[@]} containers, not $n"
  pids=()
  for ((i = 1; i <= n; i++)); do
    husk delete --force "$CTR-$i" </dev/null >"$BATS_TEST_TMPDIR/del.$i" 2>&1 &
    pids+=($!)
  done
  for ((i = 1; i <= n; i++)); do
    wait "${pids[i - 1]}" || { bad=$((bad + 1)); echo "delete $CTR-$i: $(cat "$BATS_TEST_TMPDIR/del.$i")"; }
  done
  ((bad == 0)) || fail "$bad of $n parallel deletes failed"
  echo "# $n containers run and deleted in parallel in $(echo "$EPOCHREALTIME - $t0" | bc | cut -c1-5) s" >&3
  assert_nothing_left "$n parallel containers"
}

@test "the same id created in parallel: exactly one create wins, the others say it exists" {
  local r i k=8 pids wins err
  for ((r = 1; r <= STRESS_ROUNDS; r++)); do
    pids=()
    for ((i = 1; i <= k; i++)); do
      husk create --bundle "$BUNDLE" "$CTR" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.$i" &
      pids+=($!)
    done
    wins=0
    for ((i = 1; i <= k; i++)); do
      if wait "${pids[i - 1]}"; then
        wins=$((wins + 1))
      else
        err=$(<"$BATS_TEST_TMPDIR/create.$i")
        [[ "$err" =~ ^husk:\ [^$'\n']*already\ exists[^$'\n']*$ ]] || fail "round $r: a losing create said: $err"
      fi
    done
    ((wins == 1)) || fail "round $r: $wins of $k creates of one id succeeded"
    [[ "$(state_field "$CTR" .status)" == created ]] || fail "round $r: the winner is not created"
    hrun husk delete --force "$CTR"
    assert_ok
    assert_nothing_left "round $r"
  done
}

@test "kill, exec, delete and state at once on one container: each ends cleanly, nothing is left" {
  local r i pids names st
  for ((r = 1; r <= STRESS_ROUNDS; r++)); do
    hrun husk run --detach --bundle "$BUNDLE" "$CTR"
    assert_ok
    pids=() names=()
    for i in 1 2 3; do
      husk exec "$CTR" sh -c 'echo ok' </dev/null >"$BATS_TEST_TMPDIR/exec.$i" 2>&1 &
      pids+=($!) names+=("exec.$i")
      husk state "$CTR" </dev/null >"$BATS_TEST_TMPDIR/state.$i" 2>&1 &
      pids+=($!) names+=("state.$i")
    done
    husk kill "$CTR" KILL </dev/null >"$BATS_TEST_TMPDIR/kill" 2>&1 &
    pids+=($!) names+=(kill)
    husk delete --force "$CTR" </dev/null >"$BATS_TEST_TMPDIR/delete" 2>&1 &
    pids+=($!) names+=(delete)
    for i in "${!pids[@]}"; do
      st=0
      wait "${pids[i]}" || st=$?
      # Each either did its work or lost the race with one line; a hang
      # (124, 137 from timeout) or a crash (>128) is a bug.
      case ${names[i]} in
      delete) ((st == 0)) || fail "round $r: delete --force exited with $st: $(cat "$BATS_TEST_TMPDIR/delete")" ;;
      exec.*) ((st == 0 || st == 1 || st == 137 || st == 255)) || fail "round $r: ${names[i]} exited with $st: $(cat "$BATS_TEST_TMPDIR/${names[i]}")" ;;
      *) ((st == 0 || st == 1)) || fail "round $r: ${names[i]} exited with $st: $(cat "$BATS_TEST_TMPDIR/${names[i]}")" ;;
      esac
      if [[ ${names[i]} == exec.* ]] && ((st == 137)); then
        # The exec'd process killed by the delete: its husk exec reports
        # the signal as runc does (128 + 9), and it must not be a timeout.
        [[ ! -s "$BATS_TEST_TMPDIR/${names[i]}" || "$(cat "$BATS_TEST_TMPDIR/${names[i]}")" != *timeout* ]] || fail "round $r: ${names[i]} timed out"
      fi
    done
    assert_nothing_left "round $r"
  done
}

@test "delete --force racing start: delete wins or start runs first, nothing is left" {
  local r pid_s pid_d st_s st_d
  for ((r = 1; r <= STRESS_ROUNDS; r++)); do
    hrun husk create --bundle "$BUNDLE" "$CTR"
    assert_ok
    husk start "$CTR" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/start" &
    pid_s=$!
    husk delete --force "$CTR" </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/delete" &
    pid_d=$!
    st_s=0 st_d=0
    wait "$pid_s" || st_s=$?
    wait "$pid_d" || st_d=$?
    ((st_d == 0)) || fail "round $r: delete --force exited with $st_d: $(cat "$BATS_TEST_TMPDIR/delete")"
    if ((st_s != 0)); then
      ((st_s == 1)) && (($(wc -l <"$BATS_TEST_TMPDIR/start") == 1)) ||
        fail "round $r: start exited with $st_s: $(cat "$BATS_TEST_TMPDIR/start")"
    fi
    assert_nothing_left "round $r"
  done
}
