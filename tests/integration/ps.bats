#!/usr/bin/env bats
# husk ps: the processes of the container's cgroup; the table is runc
# 1.1's, ps(1) run on the host and kept to the container's lines.

load helpers
load cgroup-helpers

# run_two: an init (sh) and its child (sleep 1000), without a pid
# namespace so that /child holds the child's host pid; sets init, child.
run_two() {
  set_args "$BUNDLE" sh -c 'sleep 1000 & echo $! > /child; echo ready > /ready; wait'
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))'
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  init=$(state_field "$CTR" .pid)
  child=$(cat "$BUNDLE/rootfs/child")
}

# squeeze: the last hrun's stdout lines with their runs of blanks made one
# space and leading blanks dropped, sorted after the header.
squeeze() {
  local l
  for l in "${lines[@]}"; do
    l=$(tr -s ' ' <<<"$l")
    printf '%s\n' "${l# }"
  done
}

@test "ps --format json: the init and a forked child" {
  local init child
  run_two
  hrun husk ps --format json "$CTR"
  assert_ok
  jq -e --argjson i "$init" --argjson c "$child" 'sort == ([$i, $c] | sort)' <<<"$output" >/dev/null ||
    fail "ps json $output is not [init $init, child $child]"
}

@test "ps: the table is ps -ef's header and the container's processes only" {
  local init child
  run_two
  hrun husk ps "$CTR"
  assert_ok
  assert_equal "${#lines[@]}" 3
  [[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]] || fail "header: ${lines[0]}"
  # UID PID PPID ...: the pid is the second field.
  local l p pids=()
  for l in "${lines[@]:1}"; do
    read -r _ p _ <<<"$l"
    pids+=("$p")
  done
  assert_equal "$(printf '%s\n' "${pids[@]}" | sort -n)" "$(printf '%s\n' "$init" "$child" | sort -n)"
  assert_line --regexp "^root +$init +[0-9]+ .* sh -c sleep 1000 "
  assert_line --regexp "^root +$child +$init .* sleep 1000$"
  # Host processes (pid 1, this shell) are filtered out.
  refute_line --regexp "^[^ ]+ +1 "
  refute_line --regexp "^[^ ]+ +$$ "
}

@test "ps ID -o pid,comm: the options after the id go to ps" {
  local init child
  run_two
  hrun husk ps "$CTR" -o pid,comm
  assert_ok
  [[ "${lines[0]}" =~ ^\ *PID\ COMMAND$ ]] || fail "header: ${lines[0]}"
  assert_equal "$(squeeze | tail -n +2 | sort)" "$(printf '%s\n' "$init sh" "$child sleep" | sort)"
  # As runc's own test: BSD-style options.
  hrun husk ps "$CTR" -e -x
  assert_ok
  [[ "${lines[0]}" =~ ^\ *PID\ +TTY\ +STAT\ +TIME\ +COMMAND$ ]] || fail "header: ${lines[0]}"
  assert_equal "${#lines[@]}" 3
  # A "--" before the id ends husk's options; the ps options still follow the id.
  hrun husk ps -- "$CTR" -o comm,pid
  assert_ok
  assert_equal "$(squeeze | tail -n +2 | sort)" "$(printf '%s\n' "sh $init" "sleep $child" | sort)"
}

@test "ps: ps's own errors, a missing ps, no PID column: one line naming ps" {
  local init child
  run_two
  hrun husk ps "$CTR" -o bogus
  assert_error_line '^husk: ps -o bogus: exit status 1: .*bogus'
  assert_equal "$output" ""
  # runc passes a "--" after the id to ps as well, which refuses it.
  hrun husk ps "$CTR" -- -o pid
  assert_error_line '^husk: ps -- -o pid: exit status 1'
  hrun husk ps "$CTR" -o comm=
  assert_error_line '^husk: ps: no PID column'
  hrun husk ps "$CTR" -o ppid,comm
  assert_error_line '^husk: ps: no PID column in its output.s header " *PPID COMMAND"$'
  hrun env PATH="$BATS_TEST_TMPDIR/nowhere" "$HUSK" --root "$HUSK_ROOT" ps "$CTR"
  assert_error_line '^husk: ps: exec "ps": executable file not found in \$PATH$'
  assert_equal "$output" ""
  # The container is untouched.
  assert_equal "$(state_field "$CTR" .status)" running
  pid_alive "$child" || fail "the child died"
}

@test "ps after the container stopped: the header alone, as runc" {
  local init child
  run_two
  kill -KILL "$child" "$init"
  wait_for_status "$CTR" stopped
  hrun husk ps "$CTR"
  assert_ok
  assert_equal "${#lines[@]}" 1
  [[ "${lines[0]}" =~ ^UID\ +PID\ +PPID ]] || fail "header: ${lines[0]}"
  hrun husk ps --format json "$CTR"
  assert_ok
  assert_equal "$output" "[]"
}

@test "ps: bad format, missing container, options with json" {
  run_loop
  hrun husk ps --format yaml "$CTR"
  assert_error_line '--format' 'yaml'
  hrun husk ps "nosuch-$CTR"
  assert_error_line 'does not exist'
  hrun husk ps "nosuch-$CTR" -o pid
  assert_error_line 'does not exist'
  # runc ignores ps options with json; husk refuses them.
  hrun husk ps --format json "$CTR" -o pid
  assert_error_line 'ps options cannot be used with --format json'
}
