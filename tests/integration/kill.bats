#!/usr/bin/env bats
# kill: signal by number, name and SIG-name; the default; bad signals; states.

load helpers

# A container whose init records each TERM/USR1/HUP it gets in /got and exits
# on TERM.  pid 1 of a pid namespace only receives signals it handles, so
# the traps are what make these signals observable.
start_trapping_container() {
  set_args "$BUNDLE" sh -c 'trap "echo USR1 >> /got" USR1; trap "echo HUP >> /got" HUP; trap "echo TERM >> /got; exit 0" TERM; echo ready > /ready; while :; do sleep 0.1; done'
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
}

got_is() {
  [[ "$(cat "$BUNDLE/rootfs/got" 2>/dev/null)" == "$1" ]]
}

assert_got() {
  wait_for 10 got_is "$1" || fail "the container got '$(cat "$BUNDLE/rootfs/got" 2>/dev/null)', expected '$1'"
}

@test "kill without a signal sends SIGTERM" {
  start_trapping_container
  hrun husk kill "$CTR"
  assert_ok
  assert_got TERM
  wait_for_status "$CTR" stopped
}

@test "kill takes a number, a name and a SIG-name" {
  start_trapping_container
  hrun husk kill "$CTR" USR1
  assert_ok
  assert_got USR1
  hrun husk kill "$CTR" SIGHUP
  assert_ok
  assert_got $'USR1\nHUP'
  hrun husk kill "$CTR" 10 # SIGUSR1 on x86 and arm
  assert_ok
  assert_got $'USR1\nHUP\nUSR1'
  hrun husk kill "$CTR" TERM
  assert_ok
  assert_got $'USR1\nHUP\nUSR1\nTERM'
  wait_for_status "$CTR" stopped
}

@test "kill with 9, KILL and SIGKILL stops the container" {
  local sig pid
  for sig in 9 KILL SIGKILL; do
    set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
    rm -f "$BUNDLE/rootfs/ready"
    hrun husk run --detach --bundle "$BUNDLE" "$CTR"
    assert_ok
    wait_for_file "$BUNDLE/rootfs/ready"
    pid=$(state_field "$CTR" .pid)
    hrun husk kill "$CTR" "$sig"
    assert_ok
    wait_for_status "$CTR" stopped
    pid_alive "$pid" && fail "pid $pid survived kill $sig"
    hrun husk delete "$CTR"
    assert_ok
    assert_no_leftovers "$CTR"
  done
}

@test "kill of a created container signals its waiting init" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk kill "$CTR" KILL
  assert_ok
  wait_for_status "$CTR" stopped
  [[ ! -e "$BUNDLE/rootfs/ready" ]] || fail "the process ran"
}

# runc answers 99999 with "unable to signal init: invalid argument", which
# does not name the value: differs from runc.
@test "kill with an invalid signal is refused and the container keeps running" {
  start_trapping_container
  local pid
  pid=$(state_field "$CTR" .pid)
  hrun husk kill "$CTR" SIGNOPE
  assert_error_line 'NOPE'
  hrun husk kill "$CTR" NOPE
  assert_error_line 'NOPE'
  hrun husk kill "$CTR" 99999
  assert_error_line '99999'
  hrun husk kill "$CTR" ""
  assert_equal "$status" 1
  assert_equal "$(state_field "$CTR" .status)" running
  pid_alive "$pid" || fail "the init died"
  [[ ! -e "$BUNDLE/rootfs/got" ]] || fail "the container got a signal: $(<"$BUNDLE/rootfs/got")"
}

@test "kill of a stopped container fails" {
  set_args "$BUNDLE" true
  hrun husk run --keep --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "$(state_field "$CTR" .status)" stopped
  hrun husk kill "$CTR" KILL
  assert_error_line 'stopped|not running'
  assert_equal "$(state_field "$CTR" .status)" stopped
}

@test "kill --all signals every process of the container" {
  set_args "$BUNDLE" sh -c 'sh -c "trap \"echo child >> /got-child\" USR1; echo ready > /child-ready; while :; do sleep 0.1; done" & trap "echo init >> /got" USR1; while [ ! -e /child-ready ]; do sleep 0.1; done; echo ready > /ready; while :; do sleep 0.1; done'
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  hrun husk kill --all "$CTR" USR1
  assert_ok
  assert_got init
  wait_for_file "$BUNDLE/rootfs/got-child"
  assert_equal "$(<"$BUNDLE/rootfs/got-child")" child
  # Without --all only the init gets it.
  hrun husk kill "$CTR" USR1
  assert_ok
  assert_got $'init\ninit'
  assert_equal "$(<"$BUNDLE/rootfs/got-child")" child
}

# ------------------------------------------- runc 1.1's command line for kill
# (cli.bats compares these statuses with runc's on the same bundle.)

@test "kill 0 probes the init: created and running succeed, stopped is 'container not running'" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  for sig in 0 00 +0 -0; do
    hrun husk kill "$CTR" "$sig"
    assert_ok
  done
  assert_equal "$(state_field "$CTR" .status)" created
  hrun husk start "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  hrun husk kill "$CTR" 0
  assert_ok
  assert_equal "$(state_field "$CTR" .status)" running
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk kill "$CTR" 0
  assert_error_line "^husk: container \"$CTR\" is stopped: container not running\$"
  hrun husk kill "$CTR" TERM
  assert_error_line 'container not running'
  # --all signals what is left of the cgroup: nothing, and no error.
  hrun husk kill --all "$CTR" 0
  assert_ok
}

@test "kill takes runc's spellings: any case, a + sign, leading zeros; options after the arguments" {
  start_trapping_container
  hrun husk kill "$CTR" sigusr1
  assert_ok
  assert_got USR1
  hrun husk kill "$CTR" SigHup
  assert_ok
  assert_got $'USR1\nHUP'
  hrun husk kill "$CTR" +10
  assert_ok
  assert_got $'USR1\nHUP\nUSR1'
  hrun husk kill "$CTR" 010
  assert_ok
  assert_got $'USR1\nHUP\nUSR1\nUSR1'
  # A negative number is a signal that is refused ("-10" is not one of
  # kill's options, so it stays an argument, as with runc).
  hrun husk kill "$CTR" -10
  assert_error_line '"-10"'
  # --all after the signal.
  hrun husk kill "$CTR" HUP --all
  assert_ok
  assert_got $'USR1\nHUP\nUSR1\nUSR1\nHUP'
  # An unknown signal for a container that does not exist: the container
  # is looked up first, as runc does.
  hrun husk kill "nope-$CTR" NOPE
  assert_error_line 'does not exist'
  hrun husk kill "$CTR" NOPE
  assert_error_line '^husk: unknown signal "NOPE"$'
}
