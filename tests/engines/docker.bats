#!/usr/bin/env bats
# Docker (Debian's docker.io 20.10: dockerd, its own containerd and the runc
# shim) runs its containers on the runtime named by DOCKER_RUNTIME: husk
# (the default, $HUSK) or runc, so that a scenario that fails for husk
# alone is known to be husk's.  run.sh runs this file once for each.
#
# A dockerd of this file's own is started in a network namespace of its own
# (`unshare -n`: its bridge and iptables rules never touch the host), with
# its own data root, exec root, socket and pidfile under $E/dk, and the
# containerd it starts under its exec root; its containers' cgroups go under
# a parent of this file's.  The system's docker service is never used.
# Each test checks the effect from inside the container or through `docker
# inspect`, then that nothing is left: no container, shim, process, cgroup,
# mount, runtime state or shim bundle.

load engines-helpers

RT=${DOCKER_RUNTIME:-husk}
# Debian's client; /usr/local/bin/docker may be another one.
DOCKER=/usr/bin/docker

setup_file() {
  engines_setup_file
  D=$E/dk
  # A cgroup parent of this file's: the system's docker (or another suite's)
  # uses /docker.
  CGPARENT=husk-docker-$$
  export D CGPARENT
  mkdir -p "$D/cli"
  echo '{}' >"$D/daemon.json"
  # --config-file: never /etc/docker/daemon.json.  Without --containerd,
  # dockerd starts a containerd of its own under --exec-root, and stops it
  # when it stops.  husk is registered as runtime "husk"; "runc" is
  # dockerd's built-in one (runc from PATH).
  unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
    /usr/sbin/dockerd --config-file "$D/daemon.json" \
    --data-root "$D/data" --exec-root "$D/exec" --pidfile "$D/pid" \
    -H "unix://$D/sock" --exec-opt native.cgroupdriver=cgroupfs \
    --cgroup-parent "/$CGPARENT" --add-runtime "husk=$E/bin/husk" \
    --default-runtime "$RT" </dev/null >"$D/log" 2>&1 3>&- &
  echo $! >"$D/unshare.pid"
  # On a failure here, dockerd is stopped before bats gives up on the file.
  if ! wait_for 30 dk_ version >/dev/null 2>&1; then
    echo "# dockerd did not start: $(tail -5 "$D/log")" >&3
    teardown_file
    return 1
  fi
  if ! dk_ import --change 'CMD ["/bin/sh"]' "$HUSK_ENGINES_IMAGES/busybox-rootfs.tar" "$IMAGE" >/dev/null; then
    echo "# docker import failed" >&3
    teardown_file
    return 1
  fi
  # What dockerd mounts for itself; anything more is a container's.
  daemon_mounts >"$D/mounts.base"
}

teardown_file() {
  local pid
  remove_all
  # dockerd stops its containerd on SIGTERM; whatever of them is left after
  # 20 s (containerd, a shim, a container's process) is killed.
  pid=$(cat "$D/unshare.pid" 2>/dev/null) || true
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait_for 20 eval "! pid_alive $pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
  for pid in $(pids_of "$D/exec/containerd/containerd" "/$CGPARENT/"); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  umount_under "$D"
  find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -depth -type d -path "*/$CGPARENT*" \
    -exec rmdir {} + 2>/dev/null || true
  rm -rf "$D"
}

# dk_ ARGS...: the docker client on this file's daemon.  DK is the same as
# a command line, for script(1).
dk_() {
  DOCKER_CONFIG="$D/cli" ecmd "$DOCKER" -H "unix://$D/sock" "$@"
}
DK='DOCKER_CONFIG="$D/cli" /usr/bin/docker -H "unix://$D/sock"'

# dk_in FILE ARGS...: dk_ with stdin from FILE.
dk_in() {
  local in=$1
  shift
  DOCKER_CONFIG="$D/cli" timeout --kill-after=5 "$ENGINE_TIMEOUT" \
    "$DOCKER" -H "unix://$D/sock" "$@" <"$in" 3>&-
}

# remove_all: removes every container of this daemon, by force.
remove_all() {
  local ids
  mapfile -t ids < <(dk_ ps -aq 2>/dev/null)
  ((${#ids[@]} == 0)) || dk_ rm -f "${ids[@]}" >/dev/null 2>&1 || true
}

# daemon_mounts: mount points under $D, but the network namespace dockerd
# makes for --network host on first use and keeps ($D/exec/netns/default).
daemon_mounts() {
  awk -v t="$D/" -v h="$D/exec/netns/default" 'index($5, t) == 1 && $5 != h { print $5 }' \
    /proc/self/mountinfo | sort
}

# daemon_pids: live shims of this daemon's containerd (their -address), and
# processes in the cgroups of its containers.
daemon_pids() {
  pids_of "$D/exec/containerd/containerd.sock" "/$CGPARENT/"
}

# docker_leftovers: what is left of every container of this daemon.
docker_leftovers() {
  local p d
  dk_ ps -aq --no-trunc | sed 's/^/container /'
  for p in $(daemon_pids); do
    echo "process $p: $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
  done
  find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path "*/$CGPARENT/*" 2>/dev/null | sed 's/^/cgroup /'
  comm -13 "$D/mounts.base" <(daemon_mounts) | sed 's/^/mount /'
  # The runtime's --root (dockerd gives runtime-runc/moby to every runtime
  # of the runc shim), the shim's bundles, docker's container dirs: empty
  # (husk keeps its seccomp program cache in a directory of its own).
  for d in "$D/exec/runtime-runc/moby" "$D/exec/containerd/daemon/io.containerd.runtime.v2.task/moby" \
    "$D/data/containers"; do
    [[ -d "$d" ]] && find "$d" -mindepth 1 -maxdepth 1 | sed 's/^/state /'
  done
  return 0
}

# assert_clean: docker knows no container any more, and the runtime, the
# shim and the kernel hold nothing of any.  Docker removes asynchronously
# (--rm, the shim's exit), so this allows it 10 seconds (of the clock: one
# look at every process can take a while on a loaded machine).
assert_clean() {
  local left end=$((SECONDS + 10))
  while left=$(docker_leftovers) && [[ -n "$left" ]]; do
    ((SECONDS < end)) || fail "left behind: $left"
    sleep 0.2
  done
}

teardown() {
  remove_all
}

# run_detached ARGS...: docker run -d ARGS; CID is the container's id.
run_detached() {
  erun dk_ run -d "$@"
  assert_ok
  CID=$output
}

# inspect CID FORMAT: docker inspect -f FORMAT.
inspect() {
  dk_ inspect -f "$2" "$1"
}

logs_contain() {
  dk_ logs "$1" 2>&1 | grep -q "$2"
}

state_is() {
  [[ "$(inspect "$1" '{{.State.Status}}')" == "$2" ]]
}

# ns_of PID KIND: the namespace link of a host process.
ns_of() {
  readlink "/proc/$1/ns/$2"
}

@test "[$RT] docker run: the runtime is $RT; exit codes 0, 3, 127, 137" {
  erun dk_ run --name "rt$$" "$IMAGE" echo hello
  assert_ok
  assert_output hello
  erun inspect "rt$$" '{{.HostConfig.Runtime}} {{.State.ExitCode}}'
  assert_output "$RT 0"
  erun dk_ rm "rt$$"
  assert_ok
  erun dk_ run --rm "$IMAGE" sh -c 'exit 3'
  assert_equal "$status" 3
  erun dk_ run --rm "$IMAGE" /no/such/binary
  assert_equal "$status" 127
  [[ "$stderr" == *"no such file or directory"* ]] || fail "the missing binary is not named: $stderr"
  erun dk_ run --rm "$IMAGE" nosuchcommand
  assert_equal "$status" 127
  run_detached "$IMAGE" sleep 1000
  erun dk_ kill "$CID"
  assert_ok
  erun dk_ wait "$CID"
  assert_output 137
  erun inspect "$CID" '{{.State.ExitCode}} {{.State.OOMKilled}}'
  assert_output "137 false"
  erun dk_ rm "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker run -i: stdin reaches the container" {
  printf 'line one\nline two\n' >"$BATS_TEST_TMPDIR/in"
  erun dk_in "$BATS_TEST_TMPDIR/in" run -i --rm "$IMAGE" sh -c 'wc -l; echo done'
  assert_ok
  assert_output $'2\ndone'
  assert_clean
}

@test "[$RT] docker run -t under script: a terminal" {
  in_script "$DK run -t --rm $IMAGE sh -c 'tty; stty size; exit 4'"
  assert_equal "$status" 4
  assert_output --regexp '/dev/pts/[0-9]+'
  assert_clean
}

@test "[$RT] docker run -d, logs, inspect" {
  run_detached "$IMAGE" sh -c 'echo to stdout; echo to stderr >&2; exec sleep 1000'
  wait_for 10 logs_contain "$CID" "to stderr"
  erun dk_ logs "$CID"
  assert_output "to stdout"
  assert_equal "$stderr" "to stderr"
  erun inspect "$CID" '{{.State.Status}} {{.State.Running}}'
  assert_output "running true"
  local pid
  pid=$(inspect "$CID" '{{.State.Pid}}')
  assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1000 "
  erun dk_ rm -f "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker exec: plain, -t, -u, -e, -w, exit status" {
  run_detached "$IMAGE" sleep 1000
  erun dk_ exec "$CID" echo exec works
  assert_ok
  assert_output "exec works"
  erun dk_ exec -u 1000:1000 -e FOO=bar -w /tmp "$CID" sh -c 'id -u; id -g; echo $FOO; pwd'
  assert_ok
  assert_output $'1000\n1000\nbar\n/tmp'
  erun dk_ exec "$CID" sh -c 'exit 5'
  assert_equal "$status" 5
  in_script "$DK exec -t $CID sh -c 'tty; exit 6'"
  assert_equal "$status" 6
  assert_output --regexp '/dev/pts/[0-9]+'
  erun dk_ rm -f "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker stop: SIGTERM is honoured; SIGKILL after the timeout" {
  run_detached "$IMAGE" sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done'
  wait_for 10 logs_contain "$CID" ready
  erun dk_ stop -t 10 "$CID"
  assert_ok
  erun inspect "$CID" '{{.State.ExitCode}}'
  assert_output 3
  erun dk_ logs "$CID"
  assert_output --partial "got TERM"
  erun dk_ rm "$CID"
  assert_ok
  # sleep as pid 1 ignores SIGTERM: docker kills it after 2 s.
  run_detached "$IMAGE" sleep 1000
  local t0=$SECONDS
  erun dk_ stop -t 2 "$CID"
  assert_ok
  ((SECONDS - t0 >= 2)) || fail "stopped after $((SECONDS - t0)) s, before the timeout"
  erun inspect "$CID" '{{.State.ExitCode}}'
  assert_output 137
  erun dk_ rm "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker kill -s, restart" {
  run_detached "$IMAGE" sh -c 'trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done'
  wait_for 10 logs_contain "$CID" ready
  erun dk_ kill -s USR1 "$CID"
  assert_ok
  wait_for 10 logs_contain "$CID" "got USR1"
  erun inspect "$CID" '{{.State.Status}}'
  assert_output running
  local pid
  pid=$(inspect "$CID" '{{.State.Pid}}')
  erun dk_ exec "$CID" touch /kept
  assert_ok
  erun dk_ restart -t 1 "$CID"
  assert_ok
  erun inspect "$CID" '{{.State.Status}}'
  assert_output running
  [[ "$(inspect "$CID" '{{.State.Pid}}')" != "$pid" ]] || fail "restart kept pid $pid"
  # The same container: its writable layer is kept.
  erun dk_ exec "$CID" ls /kept
  assert_ok
  erun dk_ rm -f "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker pause/unpause: frozen, then runs on" {
  run_detached "$IMAGE" sh -c 'while :; do date +%s%N > /tmp/tick; sleep 0.1; done'
  local pid t
  pid=$(inspect "$CID" '{{.State.Pid}}')
  wait_for 10 test -s "/proc/$pid/root/tmp/tick"
  erun dk_ pause "$CID"
  assert_ok
  erun inspect "$CID" '{{.State.Status}}'
  assert_output paused
  t=$(<"/proc/$pid/root/tmp/tick")
  sleep 0.5
  assert_equal "$(<"/proc/$pid/root/tmp/tick")" "$t"
  erun dk_ unpause "$CID"
  assert_ok
  wait_for 10 eval "[ \"\$(cat /proc/$pid/root/tmp/tick)\" != '$t' ]"
  erun inspect "$CID" '{{.State.Status}}'
  assert_output running
  erun dk_ rm -f "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker top, stats --no-stream" {
  run_detached "$IMAGE" sh -c 'sleep 1000 & exec sleep 2000'
  erun dk_ top "$CID"
  assert_ok
  assert_output --partial "sleep 1000"
  assert_output --partial "sleep 2000"
  erun dk_ stats --no-stream --format '{{.Container}} {{.PIDs}} {{.MemUsage}}' "$CID"
  assert_ok
  assert_output --regexp "^$CID 2 [0-9.]+[KMG]i?B / "
  erun dk_ rm -f "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker run --memory, --pids-limit, --cpus, --cpuset-cpus: seen inside; docker update changes them" {
  run_detached --memory 64m --memory-swap 128m --pids-limit 20 --cpus 0.5 --cpuset-cpus 0 "$IMAGE" sleep 1000
  local cg='cd /sys/fs/cgroup; cat memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuset/cpuset.cpus'
  erun dk_ exec "$CID" sh -c "$cg; grep Cpus_allowed_list /proc/self/status"
  assert_ok
  assert_output $'67108864\n134217728\n20\n50000\n100000\n0\nCpus_allowed_list:\t0'
  erun dk_ update --memory 128m --memory-swap 256m --cpus 1 --pids-limit 50 "$CID"
  assert_ok
  erun dk_ exec "$CID" sh -c "$cg"
  assert_ok
  assert_output $'134217728\n268435456\n50\n100000\n100000\n0'
  # One field alone: the others stay.
  erun dk_ update --pids-limit 60 "$CID"
  assert_ok
  erun dk_ exec "$CID" sh -c "$cg"
  assert_ok
  assert_output $'134217728\n268435456\n60\n100000\n100000\n0'
  erun dk_ rm -f "$CID"
  assert_ok
  # The pids limit holds: 20 sleeps cannot all start under 10.
  erun dk_ run --rm --pids-limit 10 "$IMAGE" sh -c 'for i in $(seq 20); do sleep 1 & done; wait'
  [[ "$stderr" == *"can't fork"* ]] || fail "20 processes started under --pids-limit 10: $stderr"
  assert_clean
}

@test "[$RT] docker run --memory: an OOM kill is seen as OOMKilled" {
  erun dk_ run --name "oom$$" --memory 32m --memory-swap 32m "$IMAGE" dd if=/dev/zero of=/dev/null bs=200M count=1
  assert_equal "$status" 137
  erun inspect "oom$$" '{{.State.ExitCode}} {{.State.OOMKilled}}'
  assert_output "137 true"
  erun dk_ rm "oom$$"
  assert_ok
  assert_clean
}

@test "[$RT] docker run --cap-drop ALL, --cap-add" {
  erun dk_ run --rm --cap-drop ALL "$IMAGE" grep -E '^Cap(Prm|Eff|Bnd)' /proc/self/status
  assert_ok
  assert_output $'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000'
  # CAP_NET_ADMIN is bit 12, CAP_CHOWN bit 0.
  erun dk_ run --rm --cap-drop ALL --cap-add NET_ADMIN --cap-add CHOWN "$IMAGE" grep -E '^Cap(Eff|Bnd)' /proc/self/status
  assert_ok
  assert_output $'CapEff:\t0000000000001001\nCapBnd:\t0000000000001001'
  erun dk_ run --rm --cap-drop CHOWN "$IMAGE" sh -c 'touch /f; chown 1 /f'
  assert_failure
  assert_clean
}

@test "[$RT] docker run --read-only --tmpfs, --mount type=tmpfs" {
  erun dk_ run --rm --read-only --tmpfs /tmp:size=1m "$IMAGE" sh -c \
    'touch /x 2>/dev/null && echo wrote /; touch /tmp/x && echo wrote /tmp; grep " /tmp " /proc/mounts'
  assert_ok
  assert_line --index 0 "wrote /tmp"
  assert_line --index 1 --regexp '^tmpfs /tmp tmpfs rw,.*size=1024k'
  erun dk_ run --rm --mount type=tmpfs,dst=/scratch,tmpfs-size=2m,tmpfs-mode=1770 "$IMAGE" sh -c \
    'grep " /scratch " /proc/mounts; stat -c %a /scratch'
  assert_ok
  assert_line --index 0 --regexp '^tmpfs /scratch tmpfs .*size=2048k'
  assert_line --index 1 1770
  assert_clean
}

@test "[$RT] docker run -u 1000:1000 --group-add" {
  erun dk_ run --rm -u 1000:1000 --group-add 5 --group-add 2000 "$IMAGE" sh -c 'id -u; id -g; id -G; touch /f'
  assert_failure
  assert_line --index 0 1000
  assert_line --index 1 1000
  assert_line --index 2 "1000 5 2000"
  [[ "$stderr" == *"Permission denied"* ]] || fail "uid 1000 could write /: $stderr"
  assert_clean
}

@test "[$RT] docker run -v: bind volumes rw and ro" {
  local rw="$BATS_TEST_TMPDIR/rw" ro="$BATS_TEST_TMPDIR/ro"
  mkdir -p "$rw" "$ro"
  echo from-host >"$ro/in"
  erun dk_ run --rm -v "$rw:/rw" -v "$ro:/ro:ro" "$IMAGE" sh -c \
    'cat /ro/in; echo from-container > /rw/out; touch /ro/new'
  assert_failure
  assert_output from-host
  [[ "$stderr" == *"Read-only file system"* ]] || fail "the ro volume was writable: $stderr"
  assert_equal "$(<"$rw/out")" from-container
  [[ ! -e "$ro/new" ]] || fail "the ro volume was written"
  assert_clean
}

@test "[$RT] docker run --device PATH:PATH:r: read works, write is refused" {
  # /dev/fuse (10:229) is not in docker's default device rules, which allow
  # /dev/null, /dev/zero and the like for rwm whatever --device says: the
  # device cgroup lets only a read open of it through.
  erun dk_ run --rm --device /dev/fuse:/dev/myfuse:r "$IMAGE" sh -c \
    'stat -c "%t:%T" /dev/myfuse; : </dev/myfuse && echo read; : >/dev/myfuse && echo wrote'
  assert_failure
  assert_output $'a:e5\nread'
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "writing was not refused by the device cgroup: $stderr"
  erun dk_ run --rm --device /dev/fuse:/dev/myfuse:rw "$IMAGE" sh -c ': >/dev/myfuse && echo wrote'
  assert_ok
  assert_output wrote
  # Without --device, a node the container makes cannot be opened.
  erun dk_ run --rm "$IMAGE" sh -c 'mknod /dev/f c 10 229 && : </dev/f'
  assert_failure
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "the device was not refused: $stderr"
  assert_clean
}

@test "[$RT] docker run --ulimit, --sysctl, --hostname" {
  erun dk_ run --rm --ulimit nofile=512:1024 --ulimit nproc=300:400 "$IMAGE" sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Su; ulimit -Hu'
  assert_ok
  assert_output $'512\n1024\n300\n400'
  erun dk_ run --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=12345 "$IMAGE" \
    cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax
  assert_ok
  assert_output $'1\n12345'
  erun dk_ run --rm --hostname husk-box "$IMAGE" hostname
  assert_ok
  assert_output husk-box
  assert_clean
}

@test "[$RT] docker run --network none, host, bridge" {
  local dpid
  dpid=$(<"$D/pid")
  erun dk_ run --rm --network none "$IMAGE" sh -c 'ls /sys/class/net'
  assert_ok
  assert_output lo
  # host: dockerd's network namespace (its own, not the machine's).
  erun dk_ run --rm --network host "$IMAGE" readlink /proc/self/ns/net
  assert_ok
  assert_output "$(ns_of "$dpid" net)"
  [[ "$output" != "$(ns_of $$ net)" ]] || fail "dockerd runs in the host's network namespace"
  erun dk_ run --rm "$IMAGE" sh -c 'readlink /proc/self/ns/net; ip -4 -o addr show eth0; ping -c 1 -W 5 172.17.0.1 >/dev/null && echo reached'
  assert_ok
  [[ "${lines[0]}" != "$(ns_of "$dpid" net)" ]] || fail "a bridge container shares dockerd's namespace"
  assert_line --index 1 --regexp 'eth0 +inet 172\.17\.'
  assert_line --index 2 reached
  assert_clean
}

@test "[$RT] docker run --ipc, --pid host" {
  erun dk_ run --rm --ipc host --pid host "$IMAGE" sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid'
  assert_ok
  assert_output "$(ns_of $$ ipc)"$'\n'"$(ns_of $$ pid)"
  erun dk_ run --rm "$IMAGE" sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/pid; echo $$'
  assert_ok
  [[ "${lines[0]}" != "$(ns_of $$ ipc)" && "${lines[1]}" != "$(ns_of $$ pid)" ]] ||
    fail "a default container shares the host's ipc or pid namespace: $output"
  assert_line --index 2 1
  # --ipc shareable and container:ID: one ipc namespace for both.
  run_detached --ipc shareable "$IMAGE" sleep 1000
  erun dk_ exec "$CID" readlink /proc/self/ns/ipc
  local ipc=$output
  erun dk_ run --rm --ipc "container:$CID" "$IMAGE" readlink /proc/self/ns/ipc
  assert_ok
  assert_output "$ipc"
  erun dk_ rm -f "$CID"
  assert_ok
  # stop of a --pid host container kills every one of its processes.
  run_detached --pid host "$IMAGE" sh -c 'sleep 1000 & exec sleep 2000'
  erun dk_ stop -t 1 "$CID"
  assert_ok
  erun dk_ rm "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker run --init: docker-init is pid 1 and reaps" {
  erun dk_ run --rm --init "$IMAGE" sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo $$'
  assert_ok
  assert_line --index 0 --regexp '^/sbin/docker-init -- sh '
  [[ "${lines[1]}" != 1 ]] || fail "the command is pid 1: no init"
  assert_clean
}

@test "[$RT] docker run --security-opt no-new-privileges; default seccomp" {
  erun dk_ run --rm --security-opt no-new-privileges "$IMAGE" grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
  assert_ok
  assert_output $'NoNewPrivs:\t1\nSeccomp:\t2'
  erun dk_ run --rm "$IMAGE" grep '^NoNewPrivs:' /proc/self/status
  assert_output $'NoNewPrivs:\t0'
  # The default profile refuses swapoff with EPERM even to CAP_SYS_ADMIN;
  # unconfined, it reaches the kernel.
  erun dk_ run --rm --cap-add SYS_ADMIN "$IMAGE" swapoff /nonexistent
  assert_failure
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "swapoff was not refused by seccomp: $stderr"
  erun dk_ run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined "$IMAGE" sh -c \
    'grep "^Seccomp:" /proc/self/status; swapoff /nonexistent'
  assert_failure
  assert_output $'Seccomp:\t0'
  [[ "$stderr" == *"No such file"* ]] || fail "swapoff did not reach the kernel: $stderr"
  assert_clean
}

@test "[$RT] docker run --health-cmd: unhealthy, then healthy" {
  run_detached --health-cmd 'test -e /tmp/ok' --health-interval 0.5s --health-retries 1 "$IMAGE" sleep 1000
  wait_for 20 eval "[ \"\$(inspect $CID '{{.State.Health.Status}}')\" = unhealthy ]" ||
    fail "not unhealthy: $(inspect "$CID" '{{json .State.Health}}')"
  erun dk_ exec "$CID" touch /tmp/ok
  assert_ok
  wait_for 20 eval "[ \"\$(inspect $CID '{{.State.Health.Status}}')\" = healthy ]" ||
    fail "not healthy: $(inspect "$CID" '{{json .State.Health}}')"
  erun dk_ rm -f "$CID"
  assert_ok
  assert_clean
}

@test "[$RT] docker run -d --rm: removed when it exits" {
  run_detached --rm "$IMAGE" sleep 1000
  erun inspect "$CID" '{{.HostConfig.AutoRemove}}'
  assert_output true
  erun dk_ kill "$CID"
  assert_ok
  wait_for 20 eval "! dk_ inspect $CID >/dev/null 2>&1" || fail "container $CID is still there"
  assert_clean
}

@test "[$RT] 20 containers in parallel" {
  local i pids=()
  for i in $(seq 20); do
    dk_ run --rm --name "par$$-$i" "$IMAGE" sh -c "echo \$(hostname) $i" \
      >"$BATS_TEST_TMPDIR/par.$i.out" 2>"$BATS_TEST_TMPDIR/par.$i.err" &
    pids+=($!)
  done
  for i in $(seq 20); do
    wait "${pids[$((i - 1))]}" || fail "container $i failed: $(<"$BATS_TEST_TMPDIR/par.$i.err")"
    [[ "$(<"$BATS_TEST_TMPDIR/par.$i.out")" =~ ^[0-9a-f]{12}\ $i$ ]] ||
      fail "container $i printed: $(<"$BATS_TEST_TMPDIR/par.$i.out")"
  done
  assert_equal "$(sort -u "$BATS_TEST_TMPDIR"/par.*.out | wc -l)" 20
  assert_clean
}
