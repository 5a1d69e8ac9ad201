#!/usr/bin/env bats
# linux.seccomp: every action, the argument operators, flags and
# architectures, the seccomp agent (SCMP_ACT_NOTIFY, at create and at exec;
# the agent is seccomp-agent.c), profiles that block
# what a runtime itself calls, and the clear errors.

load helpers

setup() {
  husk_setup
  ln -s busybox "$BUNDLE/rootfs/bin/mkdir"
  ln -s busybox "$BUNDLE/rootfs/bin/tr"
}

# set_seccomp JSON: linux.seccomp = JSON.
set_seccomp() {
  update_config "$BUNDLE" '.linux.seccomp = $s' --argjson s "$1"
}

# allow_but RULES-JSON: a default-allow profile with these syscall rules.
allow_but() {
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": $1}"
}

MKDIR_NAMES='["mkdir", "mkdirat"]'

@test "SCMP_ACT_ERRNO: the syscall fails with errnoRet; EPERM without it; unknown syscall names are skipped" {
  allow_but "[{\"names\": [\"no_such_syscall_husk\", \"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 28}]"
  set_args "$BUNDLE" mkdir /tmp/d
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 1
  assert_equal "$stderr" "mkdir: can't create directory '/tmp/d': No space left on device"

  allow_but "[{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_ERRNO\"}]"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 1
  assert_equal "$stderr" "mkdir: can't create directory '/tmp/d': Operation not permitted"
  [[ ! -e "$BUNDLE/rootfs/tmp/d" ]]
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet, and an allow list" {
  # Everything but what busybox needs to print and exit fails with EACCES.
  set_seccomp '{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 13, "syscalls": [
    {"names": ["execve", "write", "exit", "exit_group", "brk", "arch_prctl", "set_tid_address", "mprotect",
      "getuid", "getpid", "getppid", "rt_sigaction", "prctl", "uname", "readlink", "newfstatat",
      "set_robust_list", "prlimit64", "getrandom", "rseq"], "action": "SCMP_ACT_ALLOW"}]}'
  set_args "$BUNDLE" sh -c 'echo allowed; mkdir /tmp/d'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_line allowed
  assert_equal "$status" 1
  assert_equal "$stderr" "mkdir: can't create directory '/tmp/d': Permission denied"
}

@test "SCMP_ACT_KILL, KILL_THREAD, KILL_PROCESS and TRAP end the process with SIGSYS" {
  set_args "$BUNDLE" mkdir /tmp/d
  for action in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
    allow_but "[{\"names\": $MKDIR_NAMES, \"action\": \"$action\"}]"
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$action $status" "$action 159"  # 128 + SIGSYS
    [[ ! -e "$BUNDLE/rootfs/tmp/d" ]]
  done
}

@test "SCMP_ACT_LOG lets the syscall run; SCMP_ACT_TRACE without a tracer fails it with ENOSYS" {
  set_args "$BUNDLE" mkdir /tmp/d
  allow_but "[{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_LOG\"}]"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ -d "$BUNDLE/rootfs/tmp/d" ]]
  rmdir "$BUNDLE/rootfs/tmp/d"

  allow_but "[{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 7}]"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 1
  assert_equal "$stderr" "mkdir: can't create directory '/tmp/d': Function not implemented"
}

# The shell ignores HUP, USR1 and USR2 and signals itself with each: kill(2)
# with the signal in argument 1.  Prints the signals whose kill failed.
KILL_PROBE='trap "" HUP USR1 USR2; for s in 1 10 12; do kill -$s $$ 2>/dev/null || echo -n "$s "; done; echo .'

@test "argument conditions: each of the seven operators blocks exactly the matching values" {
  set_args "$BUNDLE" sh -c "$KILL_PROBE"
  local op expected
  # signal numbers 1, 10, 12 against 10 (MASKED_EQ: sig & 4 == 4)
  while read -r op expected; do
    allow_but "[{\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ERRNO\",
      \"args\": [{\"index\": 1, \"value\": $([[ $op == SCMP_CMP_MASKED_EQ ]] && echo 4 || echo 10),
                 \"valueTwo\": 4, \"op\": \"$op\"}]}]"
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_ok
    assert_equal "$op: $output" "$op: ${expected//,/ }."
  done <<'EOF'
SCMP_CMP_EQ 10,
SCMP_CMP_NE 1,12,
SCMP_CMP_LT 1,
SCMP_CMP_LE 1,10,
SCMP_CMP_GT 12,
SCMP_CMP_GE 10,12,
SCMP_CMP_MASKED_EQ 12,
EOF
}

@test "conditions on two arguments must both match" {
  set_args "$BUNDLE" sh -c "$KILL_PROBE"
  # kill(pid, sig): pid is the shell's, never 0, so NE 0 always holds.
  allow_but '[{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
    {"index": 0, "value": 0, "op": "SCMP_CMP_NE"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_output "12 ."
  allow_but '[{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
    {"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_output "."
}

@test "two conditions on one argument: each condition is a rule of its own, as runc 1.1 makes them" {
  set_args "$BUNDLE" sh -c "$KILL_PROBE"
  # libseccomp cannot test one argument twice in a rule; runc adds one rule
  # per condition, so that either signal is refused.
  allow_but '[{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
    {"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output "1 12 ."
  # Every condition then stands alone, that on another argument too: the
  # shell's pid is never 0, so every kill is refused.
  allow_but '[{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
    {"index": 0, "value": 0, "op": "SCMP_CMP_NE"},
    {"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 12, "op": "SCMP_CMP_EQ"}]}]'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_output "1 10 12 ."
  # More conditions than arguments: the same, one rule each.
  allow_but '[{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [
    {"index": 1, "value": 1, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 2, "op": "SCMP_CMP_EQ"},
    {"index": 1, "value": 3, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 4, "op": "SCMP_CMP_EQ"},
    {"index": 1, "value": 5, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 6, "op": "SCMP_CMP_EQ"},
    {"index": 1, "value": 8, "valueTwo": 8, "op": "SCMP_CMP_MASKED_EQ"}]}]'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_output "1 10 12 ."
  assert_no_leftovers "$CTR"
}

@test "flags and architectures are accepted and the filter works" {
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\",
    \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
    \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],
    \"syscalls\": [{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_ERRNO\"}]}"
  set_args "$BUNDLE" mkdir /tmp/d
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$stderr" "mkdir: can't create directory '/tmp/d': Operation not permitted"
}

@test "a profile that blocks getcwd (the OCI validation suite's linux_seccomp) starts, with and without noNewPrivileges" {
  allow_but '[{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]'
  set_args "$BUNDLE" sh -c 'echo started; /bin/busybox pwd'
  for nnp in false true; do
    update_config "$BUNDLE" ".process.noNewPrivileges = $nnp"
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$status" 1
    assert_output started
    assert_equal "$stderr" "pwd: getcwd: Operation not permitted"
  done
}

@test "a profile that blocks open, openat and read still starts the container" {
  allow_but '[{"names": ["open", "openat", "openat2", "read", "readv", "pread64", "close"], "action": "SCMP_ACT_ERRNO"}]'
  set_args "$BUNDLE" echo hello
  for nnp in false true; do
    update_config "$BUNDLE" ".process.noNewPrivileges = $nnp"
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_ok
    assert_output hello
  done
}

@test "without noNewPrivileges the filter loads although the capabilities exclude CAP_SYS_ADMIN, which the process never gets" {
  allow_but "[{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 28}]"
  update_config "$BUNDLE" '.process.capabilities = {bounding: ["CAP_CHOWN"], effective: ["CAP_CHOWN"],
    permitted: ["CAP_CHOWN"], inheritable: [], ambient: []}'
  set_args "$BUNDLE" sh -c 'grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status | tr "\t" " "; mkdir /tmp/d'
  local user
  for user in '{uid: 0, gid: 0}' '{uid: 1000, gid: 1000}'; do
    update_config "$BUNDLE" ".process.user = $user"
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$status" 1
    assert_equal "$stderr" "mkdir: can't create directory '/tmp/d': No space left on device"
    assert_line "NoNewPrivs: 0"
    assert_line "Seccomp: 2"
    assert_line "CapBnd: 0000000000000001"
    if [[ "$user" == *"uid: 0"* ]]; then
      assert_line "CapEff: 0000000000000001"
      assert_line "CapPrm: 0000000000000001"
    else
      assert_line "CapEff: 0000000000000000"
      assert_line "CapPrm: 0000000000000000"
    fi
  done
}

@test "create + start: the filter is in place only from the execve, and state works meanwhile" {
  allow_but "[{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 28}]"
  set_args "$BUNDLE" sh -c 'grep Seccomp: /proc/self/status; mkdir /tmp/d'
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  # The container writes to the stdout and stderr of create.
  local pid out=$HRUN_OUT err=$HRUN_ERR
  pid=$(state_field "$CTR" .pid)
  # Waiting for start, the init has no filter yet.
  assert_equal "$(awk '/^Seccomp:/ {print $2}' "/proc/$pid/status")" 0
  husk start "$CTR"
  wait_for_status "$CTR" stopped
  assert_equal "$(<"$out")" "Seccomp:	2"
  assert_equal "$(<"$err")" "mkdir: can't create directory '/tmp/d': No space left on device"
  husk delete "$CTR"
}

@test "the podman profile (a default-deny list) runs a busybox shell" {
  local podman=$HUSK_SRCDIR/../shared/testdata/podman-config.json
  [[ -f "$podman" ]] || skip "no ../shared/testdata next to the source tree"
  update_config "$BUNDLE" '.linux.seccomp = $p[0].linux.seccomp' --slurpfile p "$podman"
  set_args "$BUNDLE" sh -c 'mkdir /tmp/d && echo made'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output made
}

# start_agent ERRNO [CONNECTIONS]: the test agent listening on $AGENT_SOCK,
# for CONNECTIONS listeners (default 1); the states it got, one a line, go
# to $AGENT_STATE.
start_agent() {
  AGENT_SOCK="$BATS_TEST_TMPDIR/agent.sock"
  AGENT_STATE="$BATS_TEST_TMPDIR/agent.state"
  start_bg "$HUSK_BUILDDIR/tests/integration/seccomp-agent" "$AGENT_SOCK" "$AGENT_STATE" "$1" "${2:-1}"
  AGENT_PID=$BG_PID
  AGENT_OUT=$BG_OUT
  wait_for_file "$AGENT_SOCK"
}

@test "SCMP_ACT_NOTIFY: the agent gets the listener and the container state, and answers the syscall" {
  [[ -x "$HUSK_BUILDDIR/tests/integration/seccomp-agent" ]] || fail "seccomp-agent is not built (make check builds it)"
  start_agent 30  # EROFS
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$AGENT_SOCK\",
    \"listenerMetadata\": \"meta \\\"data\\\"\",
    \"syscalls\": [{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_NOTIFY\"}]}"
  set_args "$BUNDLE" sh -c 'mkdir /tmp/d; echo mkdir=$?'
  update_config "$BUNDLE" '.annotations = {"a": "b"}'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output mkdir=1
  assert_equal "$stderr" "mkdir: can't create directory '/tmp/d': Read-only file system"
  [[ ! -e "$BUNDLE/rootfs/tmp/d" ]]
  wait_bg "$AGENT_PID"
  assert_equal "$bg_status" 0
  grep -Eq '^nr (83|258)$' "$AGENT_OUT"  # mkdir or mkdirat on x86_64
  run jq -r '[.ociVersion == .state.ociVersion, .fds == ["seccompFd"], .pid == .state.pid, .pid > 0,
      .metadata, .state.id, .state.status, .state.bundle, .state.annotations.a] | map(tostring) | join(" ")' \
    "$AGENT_STATE"
  assert_output "true true true true meta \"data\" $CTR creating $BUNDLE b"
}

@test "SCMP_ACT_NOTIFY: an agent answering success makes the syscall return 0" {
  start_agent 0
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$AGENT_SOCK\",
    \"syscalls\": [{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_NOTIFY\"}]}"
  set_args "$BUNDLE" sh -c 'mkdir /tmp/d; echo mkdir=$?; test -d /tmp/d || echo not-made'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output $'mkdir=0\nnot-made'
  wait_bg "$AGENT_PID"
}

# run_notify_container ERRNO CONNECTIONS: the agent (start_agent), and a
# running container whose mkdir goes to it, waiting for rootfs/stop.
run_notify_container() {
  [[ -x "$HUSK_BUILDDIR/tests/integration/seccomp-agent" ]] || fail "seccomp-agent is not built (make check builds it)"
  start_agent "$1" "$2"
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$AGENT_SOCK\",
    \"listenerMetadata\": \"m\", \"syscalls\": [{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_NOTIFY\"}]}"
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
}

# stop_notify_container: the container stopped and deleted; the agent, with
# no process left under its filters, has exited (bg_status).
stop_notify_container() {
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  husk delete "$CTR"
  wait_bg "$AGENT_PID"
}

@test "SCMP_ACT_NOTIFY in exec: the process's own listener goes to the agent, with the container's state and the process's pid" {
  run_notify_container 30 2  # EROFS; the listeners of the init and of the exec
  local init_pid
  init_pid=$(state_field "$CTR" .pid)
  hrun husk exec --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CTR" sh -c 'mkdir /tmp/e; echo mkdir=$?'
  assert_ok
  assert_output mkdir=1
  assert_equal "$stderr" "mkdir: can't create directory '/tmp/e': Read-only file system"
  [[ ! -e "$BUNDLE/rootfs/tmp/e" ]]
  grep -Eq '^nr (83|258)$' "$AGENT_OUT"
  # The second state is the exec's.
  run jq -rs '.[1] | [.pid, .state.pid, .fds == ["seccompFd"], .metadata, .state.id, .state.status]
      | map(tostring) | join(" ")' "$AGENT_STATE"
  assert_output "$(<"$BATS_TEST_TMPDIR/exec.pid") $init_pid true m $CTR running"
  stop_notify_container
  assert_equal "$bg_status" 0
}

@test "SCMP_ACT_NOTIFY in exec: an agent that has gone fails the exec, and nothing of the exec is left running" {
  run_notify_container 0 1  # the agent takes the create's listener only
  hrun husk exec "$CTR" sleep 4711
  assert_error_line 'linux\.seccomp\.listenerPath ".*agent\.sock": connect: connection refused$'
  if pgrep -fx "sleep 4711"; then
    fail "the exec'd process is left"
  fi
  stop_notify_container
  assert_equal "$bg_status" 0
}

# bad_seccomp JSON REGEX: create fails with one line matching REGEX and
# leaves nothing behind.
bad_seccomp() {
  set_seccomp "$1"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line "$2"
  assert_no_leftovers "$CTR"
}

@test "bad profiles: one clear error each, nothing left behind" {
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1}' \
    '^husk: config.json: linux.seccomp.defaultAction.defaultErrnoRet: SCMP_ACT_ALLOW takes no errno$'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]}' \
    '^husk: config.json: linux.seccomp.syscalls\[0\].errnoRet: SCMP_ACT_KILL takes no errno$'
  bad_seccomp '{"defaultAction": "SCMP_ACT_NOPE"}' 'linux\.seccomp\.defaultAction.*unknown seccomp action.*SCMP_ACT_NOPE'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_VAX"]}' \
    'linux\.seccomp\.architectures\[0\].*unknown seccomp architecture.*SCMP_ARCH_VAX'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NOPE"]}' \
    'linux\.seccomp\.flags\[0\].*unknown seccomp flag'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 1, "op": "SCMP_CMP_LIKE"}]}]}' \
    'linux\.seccomp\.syscalls\[0\]\.args\[0\]\.op.*unknown seccomp operator'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}' \
    '^husk: config.json: linux.seccomp.syscalls\[0\].args\[0\].index: 6 is out of range \(0-5\)$'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' \
    '^husk: config.json: linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY$'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/x", "syscalls": [{"names": ["sendmsg"], "action": "SCMP_ACT_NOTIFY"}]}' \
    '^husk: config.json: linux.seccomp.syscalls\[0\]: SCMP_ACT_NOTIFY on sendmsg: husk needs sendmsg to hand the listener to the agent$'
  bad_seccomp '{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x"}' \
    '^husk: config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY needs a rule for sendmsg'
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "m"}' \
    '^husk: config.json: linux.seccomp.listenerMetadata: must not be set without listenerPath$'
}

# kernel_at_least MAJOR MINOR
kernel_at_least() {
  local major minor
  IFS=. read -r major minor _ <<<"$(uname -r)"
  ((major > $1 || (major == $1 && minor >= $2)))
}

@test "WAIT_KILLABLE_RECV: in features from Linux 5.19 (husk sets it, not libseccomp); refused without a notify rule" {
  local listed=false
  "$HUSK" features | jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")' >/dev/null &&
    listed=true
  if kernel_at_least 5 19; then
    assert_equal "listed on $(uname -r): $listed" "listed on $(uname -r): true"
    bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}' \
      '^husk: config.json: linux.seccomp.flags\[0\]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule$'
  else
    assert_equal "listed on $(uname -r): $listed" "listed on $(uname -r): false"
    bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}' \
      '^husk: config.json: linux.seccomp.flags\[0\]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported by this libseccomp and kernel$'
  fi
}

# notify_signal FLAGS: a container running notify-signal (mkdir with a
# SIGUSR1 handler) under a filter with FLAGS that sends mkdir to an agent
# answering EROFS, which holds the notification; once the agent has it,
# the process gets SIGUSR1.  Leaves the container's output in $OUT and the
# hold fifo in $HOLD (the agent waits on it).
notify_signal() {
  cp "$HUSK_BUILDDIR/tests/integration/notify-signal" "$BUNDLE/rootfs/bin/notify-signal"
  HOLD="$BATS_TEST_TMPDIR/hold"
  OUT="$BATS_TEST_TMPDIR/out"
  mkfifo "$HOLD"
  AGENT_HOLD=$HOLD start_agent 30
  set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$AGENT_SOCK\", \"flags\": $1,
    \"syscalls\": [{\"names\": $MKDIR_NAMES, \"action\": \"SCMP_ACT_NOTIFY\"}]}"
  set_args "$BUNDLE" notify-signal /tmp/d
  husk run -d --bundle "$BUNDLE" "$CTR" >"$OUT"
  wait_for_file "$HOLD.got"
  PID=$(husk state "$CTR" | jq -r .pid)
  kill -USR1 "$PID"
}

@test "WAIT_KILLABLE_RECV: a signal waits until the agent answers, instead of interrupting the syscall" {
  kernel_at_least 5 19 || skip "Linux $(uname -r) has no WAIT_KILLABLE_RECV"
  notify_signal '["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
  # The signal stays pending while the agent holds the notification.
  wait_for 10 grep -Eq '^ShdPnd:.*[2367abef][0-9a-f]{2}$' "/proc/$PID/status" ||
    fail "SIGUSR1 is not pending: $(grep Pnd "/proc/$PID/status")"
  status_is "$CTR" running || fail "the process did not wait for the agent: $(husk state "$CTR")"
  echo >"$HOLD"
  wait_for_status "$CTR" stopped
  assert_equal "$(cat "$OUT")" $'mkdir=30\nhandler=1'
  wait_bg "$AGENT_PID"
}

@test "without WAIT_KILLABLE_RECV the same signal interrupts the syscall (EINTR)" {
  notify_signal '[]'
  wait_for_status "$CTR" stopped
  echo >"$HOLD"
  assert_equal "$(cat "$OUT")" $'mkdir=4\nhandler=1'
  wait_bg "$AGENT_PID"
}

@test "an architecture this libseccomp lacks is refused, as features does not list it" {
  local features
  features=$("$HUSK" features)
  local arch
  for arch in $(jq -r '.linux.seccomp.archs[]' <<<"$features"); do
    set_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"$arch\"]}"
    hrun husk create --bundle "$BUNDLE" "$CTR"
    assert_equal "$arch: $stderr" "$arch: "
    husk delete --force "$CTR"
  done
}

@test "a listenerPath nobody listens on fails create and leaves nothing" {
  bad_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$BATS_TEST_TMPDIR/none.sock\",
    \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}" \
    'linux\.seccomp\.listenerPath ".*none\.sock": connect: no such file or directory$'
}

# ---- syscalls newer than the profile: ENOSYS, as runc 1.1's patchbpf ----

# What syscall-errno (a static glibc program) needs to start, print, start
# a thread and exit, clone3 (435) excepted: every number at most rseq's,
# 334 on x86_64.
PROBE_SYSCALLS='"execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
  "readlink", "getrandom", "mprotect", "mmap", "munmap", "madvise", "rt_sigprocmask", "rt_sigaction",
  "futex", "newfstatat", "write", "exit", "exit_group", "getpid", "clone"'

# probe_profile DEFAULT-ACTION [MORE-RULES] [MORE-MEMBERS]: a profile that
# allows PROBE_SYSCALLS (and MORE-RULES, each with a leading comma);
# syscall-errno in the rootfs.
probe_profile() {
  set_seccomp "{\"defaultAction\": \"$1\" ${3:-},
    \"syscalls\": [{\"names\": [$PROBE_SYSCALLS], \"action\": \"SCMP_ACT_ALLOW\"} ${2:-}]}"
  cp "$HUSK_BUILDDIR/tests/integration/syscall-errno" "$BUNDLE/rootfs/bin/syscall-errno"
}

@test "ENOSYS above the largest syscall the profile names; the default below it; a named syscall keeps its rule" {
  # clone3 (435) named and refused with EACCES: the largest number named.
  probe_profile SCMP_ACT_ERRNO ', {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}'
  # getpid allowed; mkdirat (258) not named; close_range (436),
  # faccessat2 (439) and 1000 above every number named.
  set_args "$BUNDLE" syscall-errno 39 258 435 436 439 1000
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output "39=0 258=EPERM 435=EACCES 436=ENOSYS 439=ENOSYS 1000=ENOSYS "
  # The same with the architectures Docker lists, and x32's numbers (bit
  # 30 set) against x32's largest (x32's execve is 520, so 436 is below it).
  probe_profile SCMP_ACT_ERRNO ', {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}' \
    ', "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
  set_args "$BUNDLE" syscall-errno 258 435 436 $((0x40000000 + 258)) $((0x40000000 + 1000))
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output "258=EPERM 435=EACCES 436=ENOSYS 1073742082=EPERM 1073742824=ENOSYS "
  assert_no_leftovers "$CTR"
}

@test "glibc's clone3 -> clone fallback works under a profile that names clone but not clone3" {
  probe_profile SCMP_ACT_ERRNO '' ', "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]'
  set_args "$BUNDLE" syscall-errno thread 435
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output "thread=0 435=ENOSYS "
}

@test "ENOSYS also with a default kill or trap; not with a default that lets syscalls run" {
  local action
  set_args "$BUNDLE" syscall-errno 436 1000
  for action in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS SCMP_ACT_TRAP; do
    probe_profile "$action"
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$action: $status $output" "$action: 0 436=ENOSYS 1000=ENOSYS "
  done
  # defaultErrnoRet ENOSYS says the same below the largest number too.
  probe_profile SCMP_ACT_ERRNO '' ', "defaultErrnoRet": 38'
  set_args "$BUNDLE" syscall-errno 258 436
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_output "258=ENOSYS 436=ENOSYS "
  # A default that lets them run: close_range(0, 0, 0), above mkdirat,
  # runs (and closes stdin, which is /dev/null).
  for action in SCMP_ACT_ALLOW SCMP_ACT_LOG; do
    set_seccomp "{\"defaultAction\": \"$action\", \"syscalls\": [{\"names\": [\"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}"
    set_args "$BUNDLE" syscall-errno 258 436
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_equal "$action: $status $output" "$action: 0 258=EPERM 436=0 "
  done
  assert_no_leftovers "$CTR"
}
