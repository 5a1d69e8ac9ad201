#!/usr/bin/env bats
# podman (with conmon) runs its containers on husk: each test checks the
# effect from inside the container and that nothing is left behind.
# podman's storage, runroot and events live under $E; husk keeps its state
# in its default root (/run/husk), as it does under a real podman.

load engines-helpers

HUSK_STATE_ROOT=/run/husk

setup_file() {
  engines_setup_file
  local nproc pid_max
  # Root may lack CAP_SYS_RESOURCE (it does on the CI machine), so the
  # container's limits must not exceed podman's own: its hard nofile, and
  # for nproc the smaller of the hard limit and kernel.pid_max, to which
  # podman lowers its own.
  nproc=$(ulimit -Hu)
  pid_max=$(</proc/sys/kernel/pid_max)
  if [[ $nproc == unlimited ]] || ((nproc > pid_max)); then
    nproc=$pid_max
  fi
  {
    echo '[containers]'
    echo "default_ulimits = [\"nofile=$(ulimit -Hn):$(ulimit -Hn)\", \"nproc=$nproc:$nproc\"]"
    echo '[engine]'
    echo 'runtime = "husk"'
    echo 'cgroup_manager = "cgroupfs"'
    echo 'events_logger = "file"'
    echo "events_logfile_path = \"$E/events.log\""
    echo 'runtime_supports_json = ["husk", "crun", "runc"]'
    # podman 4.3 reads the singular key; its documentation and later
    # versions say runtime_supports_nocgroups.
    echo 'runtime_supports_nocgroup = ["husk", "crun"]'
    echo 'runtime_supports_nocgroups = ["husk", "crun"]'
    echo '[engine.runtimes]'
    echo "husk = [\"$E/bin/husk\"]"
  } >"$E/containers.conf"
  export CONTAINERS_CONF="$E/containers.conf"
  pm import --change CMD=/bin/sh "$HUSK_ENGINES_IMAGES/busybox-rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
  local m
  pm rm -af -t 0 >/dev/null 2>&1 || true
  pm pod rm -af -t 0 >/dev/null 2>&1 || true
  pm system reset -f >/dev/null 2>&1 || true
  awk -v t="$E" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# pm ARGS...: podman with this file's storage.  PM is the same as a
# command line, for script(1).
pm() {
  ecmd podman --root "$E/storage" --runroot "$E/run" --tmpdir "$E/tmp" \
    --storage-driver overlay "$@"
}
PM='podman --root "$E/storage" --runroot "$E/run" --tmpdir "$E/tmp" --storage-driver overlay'

# logs_contain CID STRING: the container's output has STRING.
logs_contain() {
  pm logs "$1" 2>&1 | grep -q "$2"
}

setup() {
  # Events before this line belong to earlier tests.
  EVENTS_FROM=$(($(wc -l <"$E/events.log" 2>/dev/null || echo 0) + 1))
}

teardown() {
  pm rm -af -t 0 >/dev/null 2>&1 || true
  pm pod rm -af -t 0 >/dev/null 2>&1 || true
}

# test_containers: ids of every container this test made.
test_containers() {
  tail -n +"$EVENTS_FROM" "$E/events.log" 2>/dev/null |
    jq -r 'select(.Type == "container" and .Status == "create") | .ID' | sort -u
}

# assert_clean: podman knows none of this test's containers any more, and
# husk, conmon and the kernel hold nothing of them.
assert_clean() {
  local id ids
  ids=$(test_containers)
  [[ -n "$ids" ]] || fail "no container was created (events: $E/events.log)"
  erun pm ps -aq --no-trunc
  assert_ok
  for id in $ids; do
    if [[ "$output" == *"$id"* ]]; then
      fail "podman still lists container $id"
    fi
    assert_runtime_clean "$id" "$HUSK_STATE_ROOT"
  done
}

# run_detached ARGS...: podman run -d ARGS; CID is the container's id.
run_detached() {
  erun pm run -d "$@"
  assert_ok
  CID=$output
}

@test "podman run --rm: output and exit status pass through" {
  erun pm run --rm "$IMAGE" echo hello from husk
  assert_ok
  assert_output "hello from husk"
  erun pm run --rm "$IMAGE" sh -c 'exit 7'
  assert_equal "$status" 7
  assert_clean
}

@test "podman run -d, exec (-u, -e, -w), ps, top, logs, rm -f" {
  run_detached "$IMAGE" sh -c 'echo started; exec sleep 1000'
  erun pm exec "$CID" echo exec works
  assert_ok
  assert_output "exec works"
  erun pm exec -u 65534:65534 -e FOO=bar -w /tmp "$CID" sh -c 'id -u; id -g; echo $FOO; pwd'
  assert_ok
  assert_output $'65534\n65534\nbar\n/tmp'
  erun pm exec "$CID" sh -c 'exit 5'
  assert_equal "$status" 5
  erun pm ps --no-trunc --format '{{.ID}} {{.Status}}'
  assert_ok
  assert_output --regexp "^$CID Up"
  erun pm top "$CID" pid args
  assert_ok
  assert_output --partial "sleep 1000"
  erun pm logs "$CID"
  assert_output "started"
  erun pm rm -f -t 0 "$CID"
  assert_ok
  assert_clean
}

@test "podman stop: SIGTERM reaches the container; one that ignores it is killed" {
  run_detached "$IMAGE" sh -c 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done'
  wait_for 10 logs_contain "$CID" ready
  erun pm stop -t 10 "$CID"
  assert_ok
  erun pm inspect --format '{{.State.ExitCode}}' "$CID"
  assert_output 3
  erun pm logs "$CID"
  assert_output --partial "got TERM"
  erun pm rm "$CID"
  assert_ok
  run_detached "$IMAGE" sleep 1000
  erun pm stop -t 1 "$CID"
  assert_ok
  erun pm inspect --format '{{.State.ExitCode}}' "$CID"
  assert_output 137
  erun pm rm "$CID"
  assert_ok
  assert_clean
}

@test "podman kill: the signal reaches the container" {
  run_detached "$IMAGE" sh -c 'trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done'
  wait_for 10 logs_contain "$CID" ready
  erun pm kill -s USR1 "$CID"
  assert_ok
  wait_for 10 logs_contain "$CID" "got USR1"
  erun pm kill "$CID"
  assert_ok
  erun pm wait "$CID"
  assert_output 137
  erun pm rm "$CID"
  assert_ok
  assert_clean
}

@test "podman run -it under script: a terminal" {
  in_script "$PM run -it --rm $IMAGE sh -c 'tty; stty size; exit 4'"
  assert_equal "$status" 4
  assert_output --regexp '/dev/pts/[0-9]+'
  assert_clean
}

@test "podman exec -it under script: a terminal in a running container" {
  run_detached "$IMAGE" sleep 1000
  in_script "$PM exec -it $CID tty"
  assert_ok
  assert_output --regexp '/dev/pts/[0-9]+'
  erun pm rm -f -t 0 "$CID"
  assert_clean
}

@test "podman run --memory, --pids-limit, --cpus: limits seen inside" {
  erun pm run --rm --memory 64m --memory-swap 64m --pids-limit 20 --cpus 0.5 "$IMAGE" sh -c '
    cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
    cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us'
  assert_ok
  assert_output $'67108864\n20\n50000\n100000'
  # The memory limit holds: dd's 200 MiB buffer gets the container killed.
  erun pm run --rm --memory 32m --memory-swap 32m "$IMAGE" dd if=/dev/zero of=/dev/null bs=200M count=1
  assert_equal "$status" 137
  # The pids limit holds: 20 more sleeps cannot all start.
  erun pm run --rm --pids-limit 10 "$IMAGE" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 1 & done; wait'
  [[ "$stderr" == *"can't fork"* ]] || fail "20 processes started under --pids-limit 10: $stderr"
  assert_clean
}

@test "podman run --user, --read-only, --hostname" {
  erun pm run --rm --user 65534:65534 "$IMAGE" sh -c 'id -u; id -g'
  assert_ok
  assert_output $'65534\n65534'
  erun pm run --rm --user nobody "$IMAGE" id -un
  assert_ok
  assert_output nobody
  erun pm run --rm --read-only "$IMAGE" sh -c 'touch /x 2>/dev/null && echo wrote /; touch /tmp/x && echo wrote /tmp'
  assert_ok
  assert_output "wrote /tmp"
  erun pm run --rm --hostname husk-box "$IMAGE" hostname
  assert_ok
  assert_output husk-box
  assert_clean
}

@test "podman run --uts/--pid/--ipc host: the host's namespaces" {
  local host_uts host_pid host_ipc
  host_uts=$(readlink /proc/self/ns/uts)
  host_pid=$(readlink /proc/self/ns/pid)
  host_ipc=$(readlink /proc/self/ns/ipc)
  erun pm run --rm --uts host --pid host --ipc host "$IMAGE" sh -c \
    'for n in uts pid ipc; do readlink /proc/self/ns/$n; done; hostname'
  assert_ok
  assert_output "$host_uts"$'\n'"$host_pid"$'\n'"$host_ipc"$'\n'"$(hostname)"
  erun pm run --rm "$IMAGE" readlink /proc/self/ns/pid
  assert_ok
  [[ "$output" != "$host_pid" ]] || fail "a default container shares the host pid namespace"
  # stop of a --pid host container signals every process (kill --all).
  run_detached --pid host "$IMAGE" sh -c 'sleep 1000 & sleep 1000'
  erun pm stop -t 1 "$CID"
  assert_ok
  erun pm rm "$CID"
  assert_ok
  assert_clean
}

@test "podman run --cap-drop/--cap-add: the capability sets" {
  erun pm run --rm --cap-drop all "$IMAGE" grep -E '^Cap(Prm|Eff|Bnd)' /proc/self/status
  assert_ok
  assert_output $'CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000'
  # CAP_NET_ADMIN is bit 12.
  erun pm run --rm --cap-drop all --cap-add NET_ADMIN "$IMAGE" grep -E '^Cap(Eff|Bnd)' /proc/self/status
  assert_ok
  assert_output $'CapEff:\t0000000000001000\nCapBnd:\t0000000000001000'
  # CAP_CHOWN (bit 0) is in podman's default set; dropping it is felt.
  erun pm run --rm --cap-drop CHOWN "$IMAGE" sh -c 'touch /f; chown 1 /f'
  assert_failure
  assert_clean
}

@test "podman run: seccomp default and unconfined" {
  erun pm run --rm "$IMAGE" grep '^Seccomp:' /proc/self/status
  assert_ok
  assert_output $'Seccomp:\t2'
  # The default profile refuses swapoff with EPERM even to CAP_SYS_ADMIN.
  erun pm run --rm --cap-add SYS_ADMIN "$IMAGE" swapoff /nonexistent
  assert_failure
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "swapoff was not refused by seccomp: $stderr"
  erun pm run --rm --security-opt seccomp=unconfined "$IMAGE" grep '^Seccomp:' /proc/self/status
  assert_ok
  assert_output $'Seccomp:\t0'
  erun pm run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined "$IMAGE" swapoff /nonexistent
  assert_failure
  [[ "$stderr" == *"No such file"* ]] || fail "swapoff did not reach the kernel: $stderr"
  assert_clean
}

@test "podman run --uidmap/--gidmap: a user namespace" {
  erun pm run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" sh -c \
    'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox'
  assert_ok
  assert_output --regexp '^ +0 +100000 +65536'$'\n'' +0 +100000 +65536'$'\n''0'$'\n''0$'
  assert_clean
}

@test "podman pause/unpause: the container is frozen, then runs on" {
  run_detached "$IMAGE" sh -c 'while :; do date +%s%N > /tmp/tick; sleep 0.1; done'
  erun pm pause "$CID"
  assert_ok
  erun pm inspect --format '{{.State.Status}}' "$CID"
  assert_output paused
  local t1 t2
  t1=$(pm mount "$CID")/tmp/tick
  t2=$(<"$t1")
  sleep 0.5
  assert_equal "$(<"$t1")" "$t2"
  erun pm unpause "$CID"
  assert_ok
  wait_for 10 sh -c "[ \"\$(cat '$t1')\" != '$t2' ]"
  erun pm inspect --format '{{.State.Status}}' "$CID"
  assert_output running
  pm umount "$CID" >/dev/null
  erun pm rm -f -t 0 "$CID"
  assert_clean
}

@test "podman update: new limits reach the running container" {
  run_detached --memory 64m --cpus 0.5 "$IMAGE" sleep 1000
  erun pm update --memory 128m --cpus 1 "$CID"
  assert_ok
  erun pm exec "$CID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us
  assert_ok
  assert_output $'134217728\n100000'
  erun pm rm -f -t 0 "$CID"
  assert_clean
}

@test "podman pod: containers share the pod's network, ipc and uts namespaces" {
  erun pm pod create --name huskpod --hostname podhost
  assert_ok
  run_detached --pod huskpod "$IMAGE" sleep 1000
  local first=$CID
  erun pm exec "$first" sh -c 'for n in net ipc uts; do readlink /proc/self/ns/$n; done'
  assert_ok
  local ns=$output
  erun pm run --rm --pod huskpod "$IMAGE" sh -c 'for n in net ipc uts; do readlink /proc/self/ns/$n; done; hostname'
  assert_ok
  assert_output "$ns"$'\npodhost'
  erun pm pod rm -f -t 0 huskpod
  assert_ok
  assert_clean
}

@test "podman run --init: catatonit is pid 1 and reaps" {
  erun pm run --rm --init "$IMAGE" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
  assert_ok
  assert_line --index 0 --regexp 'init'
  [[ "${lines[1]}" != 1 ]] || fail "the command is pid 1: no init"
  assert_clean
}

@test "podman run -v and --tmpfs: volumes and a tmpfs" {
  local dir="$BATS_TEST_TMPDIR/vol"
  mkdir -p "$dir"
  echo from-host >"$dir/in"
  erun pm volume create huskvol
  assert_ok
  erun pm run --rm -v "$dir:/data" -v huskvol:/named --tmpfs /scratch:size=1m "$IMAGE" sh -c \
    'cat /data/in; echo from-container > /data/out; echo kept > /named/f; grep " /scratch " /proc/mounts'
  assert_ok
  assert_line --index 0 from-host
  assert_line --index 1 --regexp '^tmpfs /scratch tmpfs .*size=1024k'
  assert_equal "$(<"$dir/out")" from-container
  erun pm run --rm -v huskvol:/named:ro "$IMAGE" sh -c 'cat /named/f; touch /named/g'
  assert_failure
  assert_line --index 0 kept
  erun pm volume rm huskvol
  assert_ok
  assert_clean
}

@test "podman run: a device node outside the allow list cannot be opened" {
  # The device cgroup: /dev/fuse (10:229) is not in the default allow
  # list, though CAP_MKNOD lets the container make the node.
  erun pm run --rm "$IMAGE" sh -c 'mknod /dev/f c 10 229 && : </dev/f'
  assert_failure
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "the device was not refused: $stderr"
  assert_clean
}

@test "podman run --device: the device node works inside" {
  erun pm run --rm --device /dev/zero:/dev/husk-zero "$IMAGE" sh -c \
    'stat -c "%t:%T %F" /dev/husk-zero; head -c 5 /dev/husk-zero | wc -c'
  assert_ok
  assert_output $'1:5 character special file\n5'
  assert_clean
}

@test "podman run --sysctl: a net sysctl is set in podman's network namespace" {
  # podman joins the network namespace CNI made (by path), never a new one.
  erun pm run --rm --sysctl net.ipv4.ip_forward=1 "$IMAGE" cat /proc/sys/net/ipv4/ip_forward
  assert_ok
  assert_output 1
  assert_clean
}

@test "podman run --sysctl: an ipc sysctl is set inside" {
  erun pm run --rm --sysctl kernel.msgmax=12345 "$IMAGE" cat /proc/sys/kernel/msgmax
  assert_ok
  assert_output 12345
  assert_clean
}

@test "podman run --preserve-fds: an extra fd reaches the container" {
  echo "through fd 3" >"$BATS_TEST_TMPDIR/fd3"
  # Not through erun: it closes fd 3.  Output goes to files, not a pipe.
  status=0
  timeout 60 podman --root "$E/storage" --runroot "$E/run" --tmpdir "$E/tmp" \
    --storage-driver overlay run --rm --preserve-fds 1 "$IMAGE" cat /proc/self/fd/3 \
    3<"$BATS_TEST_TMPDIR/fd3" </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
  output=$(<"$BATS_TEST_TMPDIR/out")
  stderr=$(<"$BATS_TEST_TMPDIR/err")
  assert_ok
  assert_output "through fd 3"
  assert_clean
}

@test "podman healthcheck: exec-based checks report unhealthy, then healthy" {
  run_detached --health-cmd 'test -e /tmp/ok' --health-interval disable --health-retries 1 "$IMAGE" sleep 1000
  erun pm healthcheck run "$CID"
  assert_failure
  erun pm exec "$CID" touch /tmp/ok
  assert_ok
  erun pm healthcheck run "$CID"
  assert_ok
  erun pm inspect --format '{{.State.Health.Status}}' "$CID"
  assert_output healthy
  erun pm rm -f -t 0 "$CID"
  assert_clean
}

@test "podman run --cgroups=disabled: husk's refusal reaches the user, nothing is left" {
  # podman passes --cgroup-manager=disabled (crun's option) to the
  # runtimes of runtime_supports_nocgroup; husk cannot run a container
  # without a cgroup yet and says so.
  erun pm run --rm --cgroups=disabled "$IMAGE" true
  assert_failure
  [[ "$stderr" == *"husk: --cgroup-manager=disabled: containers without a cgroup are not supported yet"* ]] ||
    fail "husk's message did not reach the user: $stderr"
  assert_clean
}
