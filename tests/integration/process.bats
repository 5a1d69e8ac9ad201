#!/usr/bin/env bats
# The container's process: user, groups, umask, rlimits, oomScoreAdj,
# noNewPrivileges, scheduler, ioPriority, personality, execCPUAffinity,
# env and cwd; each checked from inside, and every refusal.

load helpers

setup() {
  husk_setup
  local a
  for a in uname taskset ionice ulimit; do
    ln -sf busybox "$BUNDLE/rootfs/bin/$a"
  done
  cp "$HUSK_BUILDDIR/tests/integration/sched-show" "$BUNDLE/rootfs/bin/sched-show"
}

# husk has CAP_SYS_RESOURCE (this test machine's root does not).
have_sys_resource() {
  local eff
  eff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
  (((0x$eff >> 24) & 1))
}

run_ctr() {
  hrun husk run --bundle "$BUNDLE" "$CTR"
}

@test "process.user: uid, gid, additionalGids and umask, from inside" {
  chmod 1777 "$BUNDLE/rootfs/tmp"
  update_config "$BUNDLE" '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 1002], umask: 63}'
  set_args "$BUNDLE" sh -c 'id -u; id -g; id -G; umask; touch /tmp/f'
  run_ctr
  assert_ok
  assert_equal "${lines[0]}" 1000
  assert_equal "${lines[1]}" 1001
  assert_equal "${lines[2]}" "1001 5 1002"
  assert_equal "${lines[3]}" 0077
  assert_equal "$(stat -c '%u %g %a' "$BUNDLE/rootfs/tmp/f")" "1000 1001 600"
  assert_no_leftovers "$CTR"
}

@test "root with no additionalGids has no supplementary groups, and umask defaults to 0022" {
  set_args "$BUNDLE" sh -c 'id -G; umask'
  run_ctr
  assert_ok
  assert_equal "${lines[0]}" 0
  assert_equal "${lines[1]}" 0022
}

@test "process.rlimits: soft and hard values of several limits" {
  update_config "$BUNDLE" '.process.rlimits = [
    {type: "RLIMIT_NOFILE", soft: 123, hard: 456}, {type: "RLIMIT_NPROC", soft: 77, hard: 88},
    {type: "RLIMIT_CORE", soft: 0, hard: 0}, {type: "RLIMIT_STACK", soft: 4194304, hard: 8388608},
    {type: "RLIMIT_MSGQUEUE", soft: 1000, hard: 2000}]'
  set_args "$BUNDLE" sh -c 'ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu; ulimit -c; ulimit -s; ulimit -Hs; grep "Max msgqueue" /proc/self/limits'
  run_ctr
  assert_ok
  assert_equal "${lines[*]:0:7}" "123 456 77 88 0 4096 8192"
  [[ "${lines[7]}" =~ Max\ msgqueue\ size\ +1000\ +2000 ]] || fail "msgqueue: ${lines[7]}"
}

@test "a hard rlimit above husk's own needs CAP_SYS_RESOURCE: a clear error without it" {
  local own
  own=$(ulimit -Hn)
  update_config "$BUNDLE" '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: $h}]' \
    --argjson h $((own + 1))
  set_args "$BUNDLE" sh -c 'ulimit -Hn'
  run_ctr
  if have_sys_resource; then
    assert_ok
    assert_equal "$output" $((own + 1))
  else
    assert_error_line "config.json: process.rlimits\[0\]: RLIMIT_NOFILE hard limit $((own + 1)) is above husk's own \($own\) and husk lacks CAP_SYS_RESOURCE"
    assert_no_leftovers "$CTR"
  fi
}

@test "process.oomScoreAdj is the container's /proc/self/oom_score_adj" {
  update_config "$BUNDLE" '.process.oomScoreAdj = 345'
  set_args "$BUNDLE" cat /proc/self/oom_score_adj
  run_ctr
  assert_ok
  assert_equal "$output" 345
}

@test "a negative oomScoreAdj needs CAP_SYS_RESOURCE: a clear error without it" {
  update_config "$BUNDLE" '.process.oomScoreAdj = -500'
  set_args "$BUNDLE" cat /proc/self/oom_score_adj
  run_ctr
  if have_sys_resource; then
    assert_ok
    assert_equal "$output" -500
  else
    assert_error_line 'config.json: process.oomScoreAdj -500: lowering it needs CAP_SYS_RESOURCE'
    assert_no_leftovers "$CTR"
  fi
}

@test "noNewPrivileges: NoNewPrivs in /proc/self/status" {
  set_args "$BUNDLE" grep NoNewPrivs /proc/self/status
  run_ctr
  assert_ok
  [[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]] || fail "$output"
  update_config "$BUNDLE" '.process.noNewPrivileges = true'
  run_ctr
  assert_ok
  [[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]] || fail "$output"
}

@test "process.scheduler: SCHED_BATCH with nice, SCHED_IDLE, and flags" {
  update_config "$BUNDLE" '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
  set_args "$BUNDLE" sched-show
  run_ctr
  assert_ok
  [[ "$output" == "policy=3 nice=7 priority=0 "* ]] || fail "$output"
  update_config "$BUNDLE" '.process.scheduler = {policy: "SCHED_IDLE", flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
  run_ctr
  assert_ok
  [[ "$output" == "policy=5 "*" flags=1 "* ]] || fail "$output"
  update_config "$BUNDLE" '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 10000000, deadline: 30000000, period: 40000000}'
  run_ctr
  assert_ok
  assert_equal "$output" "policy=6 nice=0 priority=0 flags=0 runtime=10000000 deadline=30000000 period=40000000"
}

@test "process.ioPriority: the class and level ionice reports" {
  update_config "$BUNDLE" '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
  set_args "$BUNDLE" ionice
  run_ctr
  assert_ok
  assert_equal "$output" "best-effort: prio 6"
  update_config "$BUNDLE" '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
  run_ctr
  assert_ok
  assert_equal "$output" idle
}

@test "linux.personality: LINUX32 makes uname -m i686; flags are applied" {
  if [[ "$(uname -m)" != x86_64 ]]; then
    skip "LINUX32 reads as i686 only on x86_64"
  fi
  update_config "$BUNDLE" '.linux.personality = {domain: "LINUX32", flags: ["ADDR_NO_RANDOMIZE"]}'
  set_args "$BUNDLE" sh -c 'uname -m; cat /proc/self/personality'
  run_ctr
  assert_ok
  assert_equal "${lines[0]}" i686
  assert_equal "${lines[1]}" 00040008
  update_config "$BUNDLE" '.linux.personality = {domain: "LINUX"}'
  run_ctr
  assert_ok
  assert_equal "${lines[0]}" x86_64
}

@test "process.execCPUAffinity: the process starts on final, or on initial without final" {
  if (($(nproc) < 2)); then
    skip "needs two CPUs"
  fi
  update_config "$BUNDLE" '.process.execCPUAffinity = {initial: "0", final: "1"}'
  set_args "$BUNDLE" sh -c 'taskset -p $$'
  run_ctr
  assert_ok
  [[ "$output" =~ affinity\ mask:\ 2$ ]] || fail "$output"
  update_config "$BUNDLE" '.process.execCPUAffinity = {initial: "0"}'
  run_ctr
  assert_ok
  [[ "$output" =~ affinity\ mask:\ 1$ ]] || fail "$output"
}

@test "the environment is process.env plus HOME=/ when it has none and no passwd names the user" {
  update_config "$BUNDLE" '.process.env += ["FOO=bar baz", "EMPTY="]'
  set_args "$BUNDLE" env
  run_ctr
  assert_ok
  assert_equal "$(sort <<<"$output")" "$(printf '%s\n' EMPTY= "FOO=bar baz" "HUSK_TEST_MARK=$HUSK_TEST_MARK" PATH=/bin HOME=/ | sort)"
}

# A passwd in the image: root, a user with a home, one whose uid is taken
# twice (the first entry wins, as in runc's parser).
write_passwd() {
  mkdir -p "$BUNDLE/rootfs/etc"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'broken line' 'alice:x:1000:1000:Alice:/home/alice:/bin/sh' \
    'alias:x:1000:1000::/home/alias:/bin/sh' 'bob:x:1001:1001::/srv/bob:/bin/sh' >"$BUNDLE/rootfs/etc/passwd"
}

@test "HOME comes from the container's /etc/passwd for process.user, as runc sets it; a HOME in process.env wins" {
  write_passwd
  set_args "$BUNDLE" sh -c 'echo "$HOME"'
  run_ctr
  assert_ok
  assert_equal "$output" /root
  update_config "$BUNDLE" '.process.user = {uid: 1000, gid: 1000}'
  run_ctr
  assert_ok
  assert_equal "$output" /home/alice
  # A uid passwd does not name: "/".
  update_config "$BUNDLE" '.process.user = {uid: 4242, gid: 4242}'
  run_ctr
  assert_ok
  assert_equal "$output" /
  # An empty HOME counts as none (runc: os.Getenv("HOME") == "").
  update_config "$BUNDLE" '.process.user = {uid: 1001, gid: 1001} | .process.env += ["HOME="]'
  run_ctr
  assert_ok
  assert_equal "$output" /srv/bob
  update_config "$BUNDLE" '.process.env += ["HOME=/mine"]'
  run_ctr
  assert_ok
  assert_equal "$output" /mine
  assert_no_leftovers "$CTR"
}

@test "exec: HOME from the container's /etc/passwd for the exec's user, unless its env has one" {
  write_passwd
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk exec "$CTR" sh -c 'echo "$HOME"'
  assert_ok
  assert_equal "$output" /root
  hrun husk exec --user 1001:1001 "$CTR" sh -c 'echo "$HOME"'
  assert_ok
  assert_equal "$output" /srv/bob
  hrun husk exec --user 1001:1001 --env HOME=/given "$CTR" sh -c 'echo "$HOME"'
  assert_ok
  assert_equal "$output" /given
  jq -n '{args: ["sh", "-c", "echo \"$HOME\""], cwd: "/", env: ["PATH=/bin"], user: {uid: 1000, gid: 1000}}' \
    >"$BATS_TEST_TMPDIR/process.json"
  hrun husk exec --process "$BATS_TEST_TMPDIR/process.json" "$CTR"
  assert_ok
  assert_equal "$output" /home/alice
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  delete_and_check
}

@test "process.cwd is created when missing, for a non-root user too" {
  update_config "$BUNDLE" '.process.cwd = "/work/deep/dir" | .process.user = {uid: 1000, gid: 1000}'
  set_args "$BUNDLE" pwd
  run_ctr
  assert_ok
  assert_equal "$output" /work/deep/dir
}

@test "process.cwd missing from a read-only root is made before the root goes read-only, as runc" {
  update_config "$BUNDLE" '.root.readonly = true | .process.cwd = "/work/app" | .process.user = {uid: 1000, gid: 1000}'
  set_args "$BUNDLE" sh -c 'pwd; touch /work/app/f 2>/dev/null && echo writable || echo read-only'
  run_ctr
  assert_ok
  assert_equal "${lines[*]}" "/work/app read-only"
  assert_equal "$(stat -c '%a %u' "$BUNDLE/rootfs/work/app")" "755 0"
  assert_no_leftovers "$CTR"
}

@test "a process.cwd that cannot be made: the real errno, the path resolved inside the rootfs, nothing made outside" {
  local host_dir="$BATS_TEST_TMPDIR/outside"
  mkdir -p "$host_dir" "$BATS_TEST_TMPDIR/ro"
  touch "$BUNDLE/rootfs/file"
  ln -s /nowhere/at/all "$BUNDLE/rootfs/dangling"
  # Out of the rootfs on the host; inside, ".." stops at the root, where
  # this path does not exist: a dangling symlink there.
  ln -s "../../../../../../../../../../..$host_dir" "$BUNDLE/rootfs/out"
  ln -s /proc/self/fd/0 "$BUNDLE/rootfs/magic"
  update_config "$BUNDLE" '.mounts += [{destination: "/ro", type: "bind", source: $s, options: ["bind", "ro"]}]' \
    --arg s "$BATS_TEST_TMPDIR/ro"
  refuse_each_config \
    '.process.cwd = "/file"' 'process.cwd "/file": mkdir "/file": not a directory$' \
    '.process.cwd = "/file/sub"' 'process.cwd "/file/sub": mkdir "/file": not a directory$' \
    '.process.cwd = "/dangling"' 'process.cwd "/dangling": mkdir "/dangling": file exists$' \
    '.process.cwd = "/out/made"' 'process.cwd "/out/made": mkdir "/out": file exists$' \
    '.process.cwd = "/magic/x"' 'process.cwd "/magic/x": not a directory$' \
    '.process.cwd = "/ro/x"' 'process.cwd "/ro/x": mkdir "/ro/x": read-only file system$'
  local made
  made=$(find "$host_dir" "$BATS_TEST_TMPDIR/ro" -mindepth 1)
  [[ -z "$made" ]] || fail "made outside the rootfs: $made"
  [[ ! -e "$BUNDLE/rootfs/nowhere" ]] || fail "the dangling symlink's target was made"
}

@test "a process.cwd below a host directory fd the init holds: nothing is made there (CVE-2024-21626)" {
  local host_dir="$BATS_TEST_TMPDIR/host-dir"
  mkdir -p "$host_dir"
  update_config "$BUNDLE" '.process.cwd = "/proc/self/fd/7/made-by-husk"'
  hrun husk run --bundle "$BUNDLE" "$CTR" 7<"$host_dir"
  assert_error_line '^husk: config.json: process.cwd "/proc/self/fd/7/made-by-husk": no such file or directory$'
  assert_no_leftovers "$CTR"
  [[ ! -e "$host_dir/made-by-husk" ]] || fail "husk made a directory on the host through the init's fd 7"
}

@test "bad process values are refused, naming the member, leaving nothing" {
  local cases=(
    '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 20, hard: 10}]'
    'process.rlimits\[0\]: RLIMIT_NOFILE soft limit 20 is above its hard limit 10'
    '.process.rlimits = [{type: "RLIMIT_CORE", soft: 1, hard: 1}, {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
    'process.rlimits\[1\]: RLIMIT_CORE is already set by \[0\]'
    '.process.rlimits = [{type: "RLIMIT_BOGUS", soft: 1, hard: 1}]'
    'process.rlimits\[0\].type: unknown rlimit'
    '.process.user.username = "alice"'
    'process.user.username: only used on Windows'
    '.process.user.umask = 4096'
    'process.user.umask: 010000 is not a umask'
    '.process.oomScoreAdj = 1001'
    'process.oomScoreAdj: 1001 is not in -1000..1000'
    '.process.scheduler = {policy: "SCHED_ISO"}'
    'process.scheduler.policy: "SCHED_ISO" is not a policy of this kernel'
    '.process.scheduler = {policy: "SCHED_DEADLINE", runtime: 1000}'
    'process.scheduler: SCHED_DEADLINE needs runtime, deadline and period'
    '.process.scheduler = {policy: "SCHED_OTHER", nice: 20}'
    'process.scheduler.nice: 20 is not in -20..19'
    '.process.scheduler = {policy: "SCHED_FIFO", priority: 0}'
    'process.scheduler.priority: 0 is not in 1..99 for SCHED_FIFO'
    '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 8}'
    'process.ioPriority.priority: must be in 0..7'
    '.linux.personality = {domain: "LINUX", flags: ["NOPE"]}'
    'linux.personality.flags\[0\]: unknown flag "NOPE"'
    '.process.execCPUAffinity = {final: "100000"}'
    'process.execCPUAffinity.final'
  )
  refuse_each_config "${cases[@]}"
}

@test "a CPU the container may not use fails create with a clear error" {
  local cpu
  cpu=$(nproc --all)
  update_config "$BUNDLE" '.process.execCPUAffinity = {initial: $c}' --arg c "$cpu"
  run_ctr
  assert_error_line "config.json: process.execCPUAffinity.initial \"$cpu\": invalid argument"
  assert_no_leftovers "$CTR"
}
