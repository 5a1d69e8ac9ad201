#!/usr/bin/env bats
# process.terminal: the pty master goes over --console-socket (received by
# recvtty, as conmon and containerd do); run and exec in the foreground
# use the caller's terminal.

load helpers

# husk makes the pty for a container without any /dev mount; runc opens
# /dev/ptmx inside the container and needs a devpts mount at /dev/pts.  So
# the tests below that do not add one differ from runc (all of them pass
# with runc once the devpts mount of the "tty names the pty" test is added).

setup() {
  husk_setup
  RECVTTY="${HUSK_BUILDDIR:-}/tests/integration/recvtty"
  if [[ ! -x "$RECVTTY" ]]; then
    fail "recvtty is not built: run 'make check' (or 'make tests/integration/recvtty') in HUSK_BUILDDIR=${HUSK_BUILDDIR:-(unset)}"
  fi
  update_config "$BUNDLE" '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 101}'
  SOCK="$BATS_TEST_TMPDIR/console.sock"
  TTY_OUT="$BATS_TEST_TMPDIR/tty.out"
}

# start_recvtty [RECVTTY-OPTIONS...]: listens on $SOCK in the background;
# its copy of the container's output lands in $TTY_OUT once the pty closes.
start_recvtty() {
  "$RECVTTY" --timeout 30 --output "$TTY_OUT" --ptsname "$BATS_TEST_TMPDIR/ptsname" "$@" "$SOCK" \
    </dev/null >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
  RECV_PID=$!
  wait_for 10 test -S "$SOCK" || fail "recvtty did not listen: $(<"$BATS_TEST_TMPDIR/recvtty.log")"
}

# finish_recvtty: waits for the container's pty to close; TTY lines, \r dropped.
finish_recvtty() {
  wait_bg "$RECV_PID" 30
  if ((bg_status != 0)); then
    fail "recvtty failed ($bg_status): $(<"$BATS_TEST_TMPDIR/recvtty.log")"
  fi
  mapfile -t tty_lines < <(tr -d '\r' <"$TTY_OUT")
}

# create_start_console: create with the console socket, start, wait for exit.
create_start_console() {
  hrun husk create --console-socket "$SOCK" --bundle "$BUNDLE" "$CTR"
  assert_ok
  # create's own stdio is not the container's: nothing arrives there.
  local create_out=$HRUN_OUT create_err=$HRUN_ERR
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  finish_recvtty
  [[ ! -s "$create_out" && ! -s "$create_err" ]] ||
    fail "output went to create's stdio: $(cat "$create_out" "$create_err")"
}

@test "console socket: stdio is the pty whose master was sent, with consoleSize applied" {
  set_args "$BUNDLE" sh -c '[ -t 0 ] && echo stdin-tty; [ -t 1 ] && echo stdout-tty; [ -t 2 ] && echo stderr-tty; stty size'
  start_recvtty
  create_start_console
  assert_equal "${tty_lines[*]}" "stdin-tty stdout-tty stderr-tty 33 101"
  assert_no_leftovers "$CTR"
}

@test "console socket: with /dev/pts mounted, tty names the pty that was sent" {
  update_config "$BUNDLE" '.mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
  set_args "$BUNDLE" tty
  start_recvtty
  create_start_console
  assert_equal "${tty_lines[*]}" "$(<"$BATS_TEST_TMPDIR/ptsname")"
  [[ "${tty_lines[0]}" =~ ^/dev/pts/[0-9]+$ ]] || fail "tty printed: ${tty_lines[*]}"
  assert_no_leftovers "$CTR"
}

@test "console socket: what is written to the master reaches the process" {
  set_args "$BUNDLE" sh -c 'read line; echo "got:$line"'
  start_recvtty --input $'hello\n'
  create_start_console
  # The pty echoes the input, then the process answers.
  assert_equal "${tty_lines[*]}" "hello got:hello"
}

@test "run --detach with a console socket" {
  set_args "$BUNDLE" sh -c "[ -t 0 ] && echo stdin-tty; $LOOP_UNTIL_STOP"
  start_recvtty
  hrun husk run --detach --console-socket "$SOCK" --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(state_field "$CTR" .status)" running
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  finish_recvtty
  assert_equal "${tty_lines[*]}" "stdin-tty"
}

# runc: "cannot allocate tty if runc will detach without setting console
# socket" (names "console socket", as this regex allows).
@test "terminal true without --console-socket: create fails and leaves nothing" {
  set_args "$BUNDLE" true
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line 'console.socket'
  assert_no_leftovers "$CTR"
}

@test "a console socket nobody listens on: create fails and leaves nothing" {
  set_args "$BUNDLE" true
  hrun husk create --console-socket "$BATS_TEST_TMPDIR/nobody.sock" --bundle "$BUNDLE" "$CTR"
  assert_error_line 'nobody\.sock'
  assert_no_leftovers "$CTR"
}

@test "run in the foreground with terminal true uses the caller's terminal and restores it" {
  command -v script >/dev/null || skip "script (util-linux) is not installed"
  set_args "$BUNDLE" sh -c '[ -t 0 ] && echo stdin-tty; [ -t 1 ] && echo stdout-tty; exit 4'
  # script(1) gives the command a pty of its own: the caller's terminal.
  local T=$BATS_TEST_TMPDIR
  export HUSK HUSK_ROOT BUNDLE CTR T HUSK_TEST_MARK
  hrun timeout 30 script -qec 'stty -g > "$T/before"; timeout --foreground 20 "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR"; echo "rc=$?"; stty -g > "$T/after"' /dev/null
  assert_ok
  local out
  out=$(tr -d '\r' <<<"$output")
  [[ "$out" == *stdin-tty* && "$out" == *stdout-tty* ]] || fail "the process did not get a terminal: $out"
  [[ "$out" == *rc=4* ]] || fail "run did not exit 4: $out"
  assert_equal "$(<"$T/after")" "$(<"$T/before")"
  assert_no_leftovers "$CTR"
}

# check_raw_and_resize HUSK-ARGS...: runs husk with HUSK-ARGS (whose
# process prints `stty size`, then once more on SIGWINCH, and touches
# /tty-ready) on a terminal of script(1)'s, 40x120, resized to 50x130 once
# rootfs/tty-ready exists: the process must see both sizes, the terminal
# must be raw meanwhile and as before afterwards, and husk exit 0.
check_raw_and_resize() {
  local T=$BATS_TEST_TMPDIR
  CMD=$(printf '%q ' timeout --foreground 30 "$HUSK" --root "$HUSK_ROOT" "$@")
  export CMD BUNDLE T HUSK_TEST_MARK
  # Background jobs of a shell without job control get /dev/null as stdin
  # unless told otherwise: hence </dev/tty.
  SHELL=/bin/bash hrun timeout 40 script -qec '
    stty rows 40 cols 120
    stty -g > "$T/before"
    eval "$CMD" </dev/tty &
    p=$!
    for i in $(seq 100); do [ -e "$BUNDLE/rootfs/tty-ready" ] && break; sleep 0.1; done
    stty -g > "$T/during"
    stty rows 50 cols 130
    wait $p
    echo "rc=$?"
    stty -g > "$T/after"' /dev/null
  assert_ok
  local out
  out=$(tr -d '\r' <<<"$output")
  [[ "$out" == *"40 120"* ]] || fail "the process did not start with the caller's size: $out"
  [[ "$out" == *"50 130"* ]] || fail "the resize did not reach the process: $out"
  [[ "$out" == *rc=0* ]] || fail "husk did not exit 0: $out"
  [[ "$(<"$T/during")" != "$(<"$T/before")" ]] || fail "the caller's terminal was not put in raw mode"
  assert_equal "$(<"$T/after")" "$(<"$T/before")"
}

TTY_PROCESS='stty size; trap "stty size; exit 0" WINCH; echo ready > /tty-ready; while :; do sleep 0.1; done'

@test "run in the foreground: the caller's terminal is raw while the container runs, and its size and resizes reach the container" {
  command -v script >/dev/null || skip "script (util-linux) is not installed"
  update_config "$BUNDLE" 'del(.process.consoleSize)'
  set_args "$BUNDLE" sh -c "$TTY_PROCESS"
  check_raw_and_resize run --bundle "$BUNDLE" "$CTR"
  assert_no_leftovers "$CTR"
}

# runc's exec -t without --console-socket: husk proxies the pty as run does.
@test "exec --tty in the foreground: the caller's terminal is raw meanwhile, and its size and resizes reach the process" {
  command -v script >/dev/null || skip "script (util-linux) is not installed"
  update_config "$BUNDLE" '.process.terminal = false'
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  check_raw_and_resize exec -t "$CTR" sh -c "$TTY_PROCESS"
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

# The devpts runc spec mounts: its gid=5 is the group every pty gets.
add_devpts() {
  update_config "$BUNDLE" '.mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]}]'
}

TTY_OWNER='stat -c "%n %u:%g" "$(tty)"; id -u'

@test "console socket: the pty belongs to process.user's uid, its group stays devpts' gid (as runc)" {
  add_devpts
  update_config "$BUNDLE" '.process.user = {uid: 1000, gid: 1001}'
  set_args "$BUNDLE" sh -c "$TTY_OWNER"
  start_recvtty
  create_start_console
  assert_equal "${tty_lines[*]}" "$(<"$BATS_TEST_TMPDIR/ptsname") 1000:5 1000"
  assert_no_leftovers "$CTR"
}

@test "run in the foreground with a terminal: the pty belongs to process.user's uid" {
  command -v script >/dev/null || skip "script (util-linux) is not installed"
  add_devpts
  update_config "$BUNDLE" 'del(.process.consoleSize) | .process.user = {uid: 1000, gid: 1001}'
  set_args "$BUNDLE" sh -c "$TTY_OWNER"
  local T=$BATS_TEST_TMPDIR
  export HUSK HUSK_ROOT BUNDLE CTR HUSK_TEST_MARK
  hrun timeout 30 script -qec 'timeout --foreground 20 "$HUSK" --root "$HUSK_ROOT" run --bundle "$BUNDLE" "$CTR"' /dev/null
  assert_ok
  [[ "$(tr -d '\r' <<<"$output")" =~ /dev/pts/[0-9]+\ 1000:5$'\n'1000 ]] || fail "pty owner: $output"
  assert_no_leftovers "$CTR"
}

@test "exec -t: the pty belongs to the exec's user, whatever the container's" {
  add_devpts
  update_config "$BUNDLE" '.process.terminal = false | del(.process.consoleSize)'
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  start_recvtty
  hrun husk exec -t --detach --console-socket "$SOCK" --user 1002:1003 "$CTR" sh -c "$TTY_OWNER"
  assert_ok
  finish_recvtty
  assert_equal "${tty_lines[*]}" "$(<"$BATS_TEST_TMPDIR/ptsname") 1002:5 1002"
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  delete_and_check
}

@test "no mount namespace: the terminal works without its /dev/console bind, with one warning" {
  # The image's own /dev: a devpts the test mounts there, the host's mount
  # table being the container's.
  mkdir -p "$BUNDLE/rootfs/dev/pts"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$BUNDLE/rootfs/dev/pts"
  ln -s pts/ptmx "$BUNDLE/rootfs/dev/ptmx"
  touch "$BUNDLE/rootfs/dev/console"
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "mount")) | .mounts = []'
  set_args "$BUNDLE" sh -c '[ -t 0 ] && echo stdin-tty; tty; stat -c %s /dev/console'
  start_recvtty
  hrun husk create --console-socket "$SOCK" --bundle "$BUNDLE" "$CTR"
  local create_status=$status create_err=$stderr
  if ((create_status == 0)); then
    hrun husk start "$CTR"
    wait_for_status "$CTR" stopped
    hrun husk delete "$CTR"
    finish_recvtty
  fi
  umount "$BUNDLE/rootfs/dev/pts"
  ((create_status == 0)) || fail "create failed: $create_err"
  assert_equal "$create_err" "husk: warning: config.json: process.terminal: /dev/console is not bound to the terminal: without a mount namespace in linux.namespaces that would be a mount in the host's mount table"
  assert_equal "${tty_lines[*]}" "stdin-tty $(<"$BATS_TEST_TMPDIR/ptsname") 0"
  assert_no_leftovers "$CTR"
}
