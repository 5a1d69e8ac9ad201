#!/usr/bin/env bats
# husk exec: a new process in a running (or created) container: its
# namespaces, cgroup, cwd, env, capabilities, exit status, --detach and
# --pid-file, the terminal, and the refusals.

load helpers

# run_container: a running container that waits for rootfs/stop; INIT_PID
# is its init's host pid.
run_container() {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  INIT_PID=$(state_field "$CTR" .pid)
}

stop_and_delete() {
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "exec joins every namespace of the init, as a member of its pid namespace" {
  run_container
  local ns
  for ns in mnt pid net ipc uts cgroup user; do
    hrun husk exec "$CTR" readlink "/proc/self/ns/$ns"
    assert_ok
    assert_equal "$output" "$(readlink "/proc/$INIT_PID/ns/$ns")"
  done
  # Forked after setns: a member of the pid namespace, not pid 1, and its
  # hostname and root are the container's.
  hrun husk exec "$CTR" sh -c 'echo $$; hostname; ls /'
  assert_ok
  [[ "${lines[0]}" =~ ^[0-9]+$ && "${lines[0]}" != 1 ]] || fail "pid in the container: ${lines[0]}"
  assert_equal "${lines[1]}" husk-test
  [[ "$output" == *ready* ]] || fail "not in the container's root: $output"
  stop_and_delete
}

@test "exec runs in a created container too" {
  set_args "$BUNDLE" sh -c 'echo main'
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk exec "$CTR" readlink /proc/self/ns/mnt
  assert_ok
  assert_equal "$output" "$(readlink "/proc/$(state_field "$CTR" .pid)/ns/mnt")"
  assert_equal "$(state_field "$CTR" .status)" created
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "exec: --cwd, --env and --user from flags; the container's env is the base" {
  run_container
  hrun husk exec --cwd /tmp --env FOO=bar --env "B=x y" --user 0:0 "$CTR" sh -c 'pwd; echo "$FOO|$B|$PATH"; id -u; id -g'
  assert_ok
  assert_equal "${lines[*]}" "/tmp bar|x y|/bin 0 0"
  # The default cwd is process.cwd.
  hrun husk exec "$CTR" pwd
  assert_ok
  assert_equal "$output" /
  stop_and_delete
}

@test "exec --user UID:GID and --additional-gids switch the process's ids" {
  run_container
  hrun husk exec --user 1000:1001 --additional-gids 5 -g 6 "$CTR" sh -c 'id -u; id -g; id -G; grep ^CapEff /proc/self/status | tr "\t" " "'
  assert_ok
  # Not root: no capabilities left (none are ambient).
  assert_equal "${lines[*]}" "1000 1001 1001 5 6 CapEff: 0000000000000000"
  hrun husk exec --user 1000 "$CTR" sh -c 'id -u; id -g'
  assert_ok
  assert_equal "${lines[*]}" "1000 0"
  stop_and_delete
}

@test "exec --process with podman's process.json: user, args, env, cwd, rlimits, bounding set" {
  local f="$HUSK_SRCDIR/../shared/testdata/podman-exec-process.json"
  [[ -f "$f" ]] || skip "podman's process.json is not in ../shared/testdata"
  run_container
  hrun husk exec --process "$f" "$CTR"
  assert_ok
  # args: id; echo $FOO; pwd
  assert_equal "${lines[*]}" "uid=1000 gid=1000 bar /tmp"
  hrun husk exec --process "$f" "$CTR" sh -c 'ulimit -n; ulimit -u; grep ^CapBnd /proc/self/status | tr "\t" " "'
  assert_ok
  assert_equal "${lines[*]}" "20000 32768 CapBnd: 00000000a80425fb"
  # --cap adds to the file's sets (CAP_SYS_ADMIN is bit 21); --no-new-privs.
  hrun husk exec --process "$f" --cap CAP_SYS_ADMIN --no-new-privs "$CTR" sh -c 'grep -e ^CapBnd -e ^NoNewPrivs /proc/self/status | tr "\t" " "'
  assert_ok
  assert_equal "${lines[*]}" "CapBnd: 00000000a82425fb NoNewPrivs: 1"
  stop_and_delete
}

@test "exec: the container's seccomp profile applies to the exec'd process" {
  update_config "$BUNDLE" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  run_container
  hrun husk exec "$CTR" sh -c 'grep ^Seccomp: /proc/self/status | tr "\t" " "; mkdir /tmp/x || echo refused'
  assert_ok
  assert_equal "${lines[0]}" "Seccomp: 2"
  assert_equal "${lines[-1]}" refused
  [[ ! -e "$BUNDLE/rootfs/tmp/x" ]] || fail "mkdir was not filtered"
  stop_and_delete
}

@test "exec --process: args, env, cwd and capabilities from the file" {
  local f="$HUSK_SRCDIR/../shared/testdata/podman-exec-process.json"
  [[ -f "$f" ]] || skip "podman's process.json is not in ../shared/testdata"
  run_container
  # podman's file as root and without rlimits, which exec cannot apply yet.
  jq '.user = {uid: 0, gid: 0} | del(.rlimits)
      | .args = ["sh", "-c", "id -u; echo $FOO; pwd; grep ^CapEff /proc/self/status | tr \"\\t\" \" \""]' "$f" \
    >"$BATS_TEST_TMPDIR/process.json"
  hrun husk exec --process "$BATS_TEST_TMPDIR/process.json" "$CTR"
  assert_ok
  # Docker's and podman's default set: 00000000a80425fb.
  assert_equal "${lines[*]}" "0 bar /tmp CapEff: 00000000a80425fb"
  # Flags apply over the file.
  hrun husk exec --process "$BATS_TEST_TMPDIR/process.json" --cwd / --env FOO=baz "$CTR" sh -c 'pwd; echo $FOO'
  assert_ok
  assert_equal "${lines[*]}" "/ baz"
  stop_and_delete
}

@test "exec --process: a bad file is one clear error" {
  run_container
  echo '{"args": ["true"], "cwd": 5}' >"$BATS_TEST_TMPDIR/bad.json"
  hrun husk exec --process "$BATS_TEST_TMPDIR/bad.json" "$CTR"
  assert_error_line 'bad\.json' 'cwd'
  hrun husk exec --process "$BATS_TEST_TMPDIR/missing.json" "$CTR"
  assert_error_line 'missing\.json'
  stop_and_delete
}

@test "exec exits with the process's status; 128+N when killed by signal N" {
  run_container
  hrun husk exec "$CTR" sh -c 'exit 7'
  assert_equal "$status" 7
  hrun husk exec "$CTR" sh -c 'kill -KILL $$'
  assert_equal "$status" 137
  hrun husk exec "$CTR" nope
  assert_error_line '^husk: exec "nope": executable file not found in \$PATH$'
  hrun husk exec --cwd /nonexistent "$CTR" true
  assert_error_line '^husk: exec: cwd "/nonexistent": no such file or directory$'
  hrun husk exec "$CTR"
  assert_error_line 'no command given'
  stop_and_delete
}

@test "exec forwards signals to the process in the foreground" {
  run_container
  # Not through husk(): the signal must reach husk itself, not timeout.
  start_bg "$HUSK" --root "$HUSK_ROOT" exec "$CTR" sh -c 'trap "echo got-term; exit 3" TERM; echo up > /exec-up; while :; do sleep 0.1; done'
  wait_for_file "$BUNDLE/rootfs/exec-up"
  kill -TERM "$BG_PID"
  wait_bg "$BG_PID"
  assert_equal "$bg_status" 3
  assert_equal "$(<"$BG_OUT")" got-term
  stop_and_delete
}

@test "exec --detach returns once the process runs and writes --pid-file" {
  run_container
  hrun husk exec --detach --pid-file "$BATS_TEST_TMPDIR/pid" "$CTR" sh -c 'echo $$ > /exec-pid; exec sleep 100'
  assert_ok
  local pid
  pid=$(<"$BATS_TEST_TMPDIR/pid")
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] || fail "pid file: $pid"
  pid_alive "$pid" || fail "the detached process $pid is not alive"
  assert_equal "$(readlink "/proc/$pid/ns/pid")" "$(readlink "/proc/$INIT_PID/ns/pid")"
  wait_for_file "$BUNDLE/rootfs/exec-pid"
  # Its pid inside the container is the one the host knows as $pid.
  assert_equal "$(awk '/^NSpid/ { print $3 }' "/proc/$pid/status")" "$(<"$BUNDLE/rootfs/exec-pid")"
  kill -KILL "$pid"
  stop_and_delete
}

@test "an exec'd process and the children it forks are in the container's cgroup" {
  run_container
  hrun husk exec "$CTR" sh -c 'cat /proc/self/cgroup; sh -c "cat /proc/self/cgroup" | sed s/^/child:/'
  assert_ok
  local want
  want=$(cat "/proc/$INIT_PID/cgroup")
  assert_equal "$(grep -v ^child: <<<"$output")" "$want"
  assert_equal "$(grep ^child: <<<"$output" | sed s/^child://)" "$want"
  stop_and_delete
}

@test "exec --cgroup CONTROLLER:PATH joins an existing sub-cgroup" {
  [[ -d /sys/fs/cgroup/pids ]] || skip "no v1 pids hierarchy"
  run_container
  local dir
  dir="/sys/fs/cgroup/pids$(awk -F: '$2 == "pids" { print $3 }' "/proc/$INIT_PID/cgroup")"
  mkdir "$dir/sub"
  hrun husk exec --cgroup pids:sub "$CTR" sh -c 'grep :pids: /proc/self/cgroup'
  local st=$status out=$output
  rmdir "$dir/sub"
  status=$st output=$out
  assert_ok
  [[ "$output" == *":pids:"*"/$CTR/sub" ]] || fail "cgroup: $output"
  hrun husk exec --cgroup pids:missing "$CTR" true
  assert_error_line '^husk: --cgroup "pids:missing": no such file or directory$'
  hrun husk exec --cgroup ../escape "$CTR" true
  assert_error_line '^husk: --cgroup "\.\./escape": must be a relative path'
  stop_and_delete
}

@test "exec leaks no fd of husk's; --preserve-fds passes fds 3.." {
  run_container
  hrun husk exec "$CTR" ls /proc/self/fd
  assert_ok
  # ls's own directory fd is the 4th.
  assert_equal "$(sort -n <<<"$output" | head -3 | tr '\n' ' ')" "0 1 2 "
  assert_equal "${#lines[@]}" 4
  # hrun closes fd 3: the hole in the preserved range must not be filled
  # by one of husk's own fds (its state dirs, sockets, pidfds).
  hrun husk exec --preserve-fds 2 "$CTR" sh -c 'readlink /proc/self/fd/3; cat <&4' 4<<<"passed"
  assert_ok
  assert_equal "${lines[*]}" "/dev/null passed"
  stop_and_delete
}

@test "exec --tty sends the pty master to --console-socket" {
  local recvtty="${HUSK_BUILDDIR:-}/tests/integration/recvtty"
  [[ -x "$recvtty" ]] || fail "recvtty is not built in HUSK_BUILDDIR"
  update_config "$BUNDLE" '.mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
  run_container
  local sock="$BATS_TEST_TMPDIR/console.sock"
  "$recvtty" --timeout 30 --output "$BATS_TEST_TMPDIR/tty.out" "$sock" </dev/null \
    >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
  local recv=$!
  wait_for 10 test -S "$sock" || fail "recvtty did not listen"
  hrun husk exec --tty --console-socket "$sock" "$CTR" sh -c '[ -t 0 ] && [ -t 1 ] && echo is-a-tty; tty'
  assert_ok
  wait_bg "$recv" 30
  assert_equal "$bg_status" 0
  mapfile -t tty_lines < <(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")
  assert_equal "${tty_lines[0]}" is-a-tty
  [[ "${tty_lines[1]}" =~ ^/dev/pts/[0-9]+$ ]] || fail "tty: ${tty_lines[*]}"
  # Detached, nobody would hold the pty: refused, as runc does.
  hrun husk exec --tty --detach "$CTR" sh -c 'touch /detached-ran'
  assert_error_line '^husk: exec: a terminal with --detach needs --console-socket$'
  [[ ! -e "$BUNDLE/rootfs/detached-ran" ]] || fail "the refused process ran"
  stop_and_delete
}

# runc's exec -t in the foreground: a pty of the container's, proxied to
# husk's own stdin and stdout, as husk run -t does (console.bats checks
# raw mode and resizes for both).
@test "exec --tty in the foreground without --console-socket proxies the pty to husk's stdio" {
  command -v script >/dev/null || skip "script (bsdutils) is not installed"
  update_config "$BUNDLE" '.mounts += [{"destination": "/dev/pts", "type": "devpts", "source": "devpts",
    "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
  run_container
  local T=$BATS_TEST_TMPDIR
  export HUSK HUSK_ROOT CTR T
  # script(1) gives husk a terminal of its own: the caller's.
  hrun timeout 30 script -qec 'stty -g > "$T/before"
    timeout --foreground 20 "$HUSK" --root "$HUSK_ROOT" exec -t "$CTR" sh -c "tty; test -t 0 && echo stdin-tty; test -t 1 && echo stdout-tty; exit 5"
    echo "rc=$?"; stty -g > "$T/after"' /dev/null
  assert_ok
  local out
  mapfile -t out < <(tr -d '\r' <<<"$output")
  # script's stdin (/dev/null) ends at once; script then writes a NUL to
  # the caller's terminal, which husk passes on and the container's pty
  # echoes as "^@" (husk run -t gets the same).
  out[0]=${out[0]#^@}
  # The container's own pty (its devpts).
  [[ "${out[0]}" =~ ^/dev/pts/[0-9]+$ ]] || fail "tty printed: ${out[*]}"
  assert_equal "${out[*]:1}" "stdin-tty stdout-tty rc=5"
  assert_equal "$(<"$T/after")" "$(<"$T/before")"
  stop_and_delete
}

@test "exec --tty in the foreground: input reaches the process through the pty" {
  command -v script >/dev/null || skip "script (bsdutils) is not installed"
  run_container
  local T=$BATS_TEST_TMPDIR
  export HUSK HUSK_ROOT CTR T
  # Not a terminal on husk's side: no raw mode, the bytes are still copied.
  hrun bash -c 'printf "hello\n" | timeout 20 "$HUSK" --root "$HUSK_ROOT" exec -t "$CTR" sh -c "test -t 0 && read line && echo got:\$line"'
  assert_ok
  # The pty echoes the input, then the process answers.
  assert_equal "$(tr -d '\r' <<<"$output")" $'hello\ngot:hello'
  stop_and_delete
}

@test "exec into a stopped or unknown container is refused" {
  set_args "$BUNDLE" true
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk exec "$CTR" true
  assert_error_line "^husk: cannot exec in container \"$CTR\" that is stopped\$"
  hrun husk delete "$CTR"
  assert_ok
  hrun husk exec "$CTR" true
  assert_error_line "^husk: container \"$CTR\" does not exist\$"
  assert_no_leftovers "$CTR"
}

@test "exec into a paused container is refused without --ignore-paused" {
  run_container
  hrun husk pause "$CTR"
  assert_ok
  hrun husk exec "$CTR" true
  assert_error_line "^husk: cannot exec in a paused container \"$CTR\" \\(use --ignore-paused to override\\)\$"
  hrun husk resume "$CTR"
  assert_ok
  stop_and_delete
}

@test "exec refuses what it cannot apply, by name" {
  run_container
  # An AppArmor profile that is not loaded and a SELinux label of a type no
  # policy has (or the LSM off, as on the CI host) are refused by name, as
  # exec's (lsm.bats and selinux.bats have the rest).
  hrun husk exec --apparmor myprofile "$CTR" true
  assert_error_line '^husk: exec: process\.apparmorProfile "myprofile": '
  hrun husk exec --process-label system_u:system_r:no_such_t:s0 "$CTR" true
  assert_error_line '^husk: exec: process\.selinuxLabel "system_u:system_r:no_such_t:s0": '
  hrun husk exec --user abc "$CTR" true
  assert_error_line '^husk: --user: invalid id "abc"$'
  hrun husk exec --env NOEQUALS "$CTR" true
  assert_error_line '^husk: --env "NOEQUALS": must be KEY=VALUE$'
  stop_and_delete
}

@test "exec: CVE-2019-5736: husk's own binary as the executable is refused" {
  run_container
  ln -s /proc/self/exe "$BUNDLE/rootfs/bin/evil"
  local sum
  sum=$(sha256sum <"$HUSK")
  hrun husk exec "$CTR" /bin/evil
  assert_error_line '^husk: exec "/bin/evil": it is husk.s own binary: refused \(CVE-2019-5736\)$'
  hrun husk exec "$CTR" evil
  assert_error_line '^husk: exec "evil": it is husk.s own binary: refused \(CVE-2019-5736\)$'
  assert_equal "$(sha256sum <"$HUSK")" "$sum"
  stop_and_delete
}

@test "exec: CVE-2024-21626: a cwd through a host directory fd is refused" {
  run_container
  hrun husk exec --preserve-fds 5 --cwd /proc/self/fd/7 "$CTR" pwd 7</etc
  assert_error_line '^husk: exec: cwd "/proc/self/fd/7": outside the container.s root \(CVE-2024-21626\)$'
  stop_and_delete
}

@test "exec into a container with its own user namespace: ids are the container's" {
  userns_bundle "$BUNDLE" 100000 65536
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  INIT_PID=$(state_field "$CTR" .pid)
  hrun husk exec --user 1000 "$CTR" sh -c 'readlink /proc/self/ns/user; id -u; cat /proc/self/uid_map'
  assert_ok
  assert_equal "${lines[0]}" "$(readlink "/proc/$INIT_PID/ns/user")"
  assert_equal "${lines[1]}" 1000
  assert_equal "$(echo ${lines[2]})" "0 100000 65536"
  # Seen from the host, the process runs as the mapped uid.
  hrun husk exec --detach --pid-file "$BATS_TEST_TMPDIR/pid" --user 1000 "$CTR" sleep 100
  assert_ok
  assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$(<"$BATS_TEST_TMPDIR/pid")/status")" 101000
  kill -KILL "$(<"$BATS_TEST_TMPDIR/pid")"
  stop_and_delete
}

# ------------------------------------------- runc 1.1's command line for exec
# (cli.bats compares these statuses with runc's on the same bundle.)

@test "exec: every word after the container id is the process's, -- included" {
  run_container
  hrun husk exec "$CTR" echo --env A=B -t
  assert_ok
  assert_output "--env A=B -t"
  # `exec ID --env A=B sh` runs a command named "--env", as runc does.
  hrun husk exec "$CTR" --env A=B sh
  assert_error_line '^husk: exec "--env": executable file not found in \$PATH$'
  assert_equal "$status" 255
  hrun husk exec "$CTR" -- true
  assert_error_line '^husk: exec "--": executable file not found in \$PATH$'
  # Before the id, -- ends the options.
  hrun husk exec --env A=B -- "$CTR" sh -c 'echo $A'
  assert_ok
  assert_output B
  stop_and_delete
}

@test "exec: 255 when the process cannot be started, 1 for a bad command line" {
  run_container
  local st
  for args in "$CTR nope" "$CTR" "nope-$CTR true" "--pid-file $BATS_TEST_TMPDIR/no/dir/pid $CTR true" \
    "--cwd /nonexistent $CTR true" "--user abc $CTR true"; do
    # shellcheck disable=SC2086 # the words of $args
    hrun husk exec $args
    assert_equal "$status" 255
    assert_equal "${#stderr_lines[@]}" 1
  done
  for args in "--frobnicate $CTR true" "--preserve-fds x $CTR true" "-dt $CTR true" ""; do
    # shellcheck disable=SC2086
    hrun husk exec $args
    assert_equal "$status" 1
    assert_equal "${#stderr_lines[@]}" 1
  done
  [[ ! -e "$BATS_TEST_TMPDIR/no" ]] || fail "the --pid-file directory appeared"
  stop_and_delete
}

@test "exec --process from a pipe, /dev/fd/N and stdin; a bad one is one line, exit 255" {
  run_container
  local p='{"args": ["sh", "-c", "echo from-$WHERE"], "env": ["PATH=/bin", "WHERE=pipe"], "cwd": "/", "user": {"uid": 0, "gid": 0}}'
  hrun husk exec --process <(echo "$p") "$CTR"
  assert_ok
  assert_output from-pipe
  # "-": standard input (runc opens a file named "-").
  echo "${p/pipe/stdin}" >"$BATS_TEST_TMPDIR/p.json"
  husk exec --process - "$CTR" <"$BATS_TEST_TMPDIR/p.json" >"$BATS_TEST_TMPDIR/out" 2>&1 ||
    fail "exec --process -: $(cat "$BATS_TEST_TMPDIR/out")"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" from-stdin
  # An fd the caller opened on a pipe.
  husk exec --process /dev/fd/5 "$CTR" 5< <(echo "${p/pipe/fd}") >"$BATS_TEST_TMPDIR/out" 2>&1 ||
    fail "exec --process /dev/fd/5: $(cat "$BATS_TEST_TMPDIR/out")"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" from-fd
  hrun husk exec --process <(echo '{"args": [') "$CTR"
  assert_error_line '^husk: --process: /dev/fd/[0-9]+: .*invalid JSON'
  hrun husk exec --process <(head -c 5000000 /dev/zero | tr '\0' ' '; echo "$p") "$CTR"
  assert_error_line '^husk: --process: /dev/fd/[0-9]+: file too large \(more than 4194304 bytes\)$'
  hrun husk exec --process /etc "$CTR"
  assert_error_line '^husk: --process: /etc: is a directory$'
  hrun husk exec --process /dev/null "$CTR"
  assert_error_line '^husk: --process: /dev/null: not a regular file or pipe$'
  hrun husk exec --process "$BATS_TEST_TMPDIR/missing.json" "$CTR"
  assert_error_line 'missing\.json'
  stop_and_delete
}
