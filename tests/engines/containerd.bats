#!/usr/bin/env bats
# containerd (with containerd-shim-runc-v2 and ctr) runs its containers on
# husk: the shim calls husk with runc's command line.  A containerd of this
# file's own (root, state, socket under $E) is started here; the system's
# service is never used.  Each test checks the effect from inside the
# container and that nothing is left behind.

load engines-helpers

NS=husk-test

setup_file() {
  engines_setup_file
  mkdir -p "$E/ctrd"
  cat >"$E/ctrd/config.toml" <<EOF
version = 2
root = "$E/ctrd/root"
state = "$E/ctrd/state"
# The CRI plugin would want CNI and a pause image: ctr does not need it.
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$E/ctrd/sock"
[ttrpc]
  address = "$E/ctrd/sock.ttrpc"
EOF
  # husk is also this containerd's "runc" (the shim's default BinaryName,
  # found in PATH): ctr drops --runc-binary and --runc-root when it makes
  # task options of its own (--uidmap), and a test must never fall back to
  # the real runc unnoticed.
  ln -sfn husk "$E/bin/runc"
  PATH="$E/bin:$PATH" containerd --config "$E/ctrd/config.toml" </dev/null >"$E/ctrd/log" 2>&1 3>&- &
  echo $! >"$E/ctrd/pid"
  if ! wait_for 20 ctr --address "$E/ctrd/sock" version >/dev/null 2>&1; then
    echo "# containerd did not start: $(tail -5 "$E/ctrd/log")" >&3
    return 1
  fi
  ctr_ image import "$HUSK_ENGINES_IMAGES/busybox-oci.tar" >/dev/null
}

teardown_file() {
  containerd_stop "$E/ctrd" "$NS"
  umount_under "$E"
  # The namespace's parent cgroups (/husk-test in each hierarchy), when
  # empty: the runtime removes only each container's own.
  find /sys/fs/cgroup -maxdepth 2 -type d -name "$NS" -exec rmdir {} + 2>/dev/null || true
}

# ctr_ ARGS...: ctr on this file's containerd and namespace.
ctr_() {
  ecmd ctr --address "$E/ctrd/sock" -n "$NS" "$@"
}
# The same as a command line, for script(1).
CTR_CMD='ctr --address "$E/ctrd/sock" -n '"$NS"
# The runc shim's options: husk as the binary, with a root of this file's.
HUSK_OPTS=(--runc-binary "$E/bin/husk" --runc-root "$E/husk")

setup() {
  ID="hk$$-$BATS_TEST_NUMBER"
}

teardown() {
  local id
  for id in $(ctr_ task ls -q 2>/dev/null); do
    ctr_ task kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    ctr_ task delete -f "$id" >/dev/null 2>&1 || true
  done
  for id in $(ctr_ container ls -q 2>/dev/null); do
    ctr_ container delete "$id" >/dev/null 2>&1 || true
  done
}

# assert_clean [ID...]: containerd knows none of the containers (default:
# $ID) and husk, the shim and the kernel hold nothing of them.
assert_clean() {
  local id
  (($# > 0)) || set -- "$ID"
  erun ctr_ container ls -q
  assert_ok
  for id in "$@"; do
    if [[ " ${lines[*]} " == *" $id "* ]]; then
      fail "containerd still lists container $id"
    fi
    assert_runtime_clean "$id" "$E/husk"
  done
}

# run_detached [OPTIONS...] -- ARGS...: ctr run -d with husk, id $ID.
run_detached() {
  local opts=()
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  erun ctr_ run -d "${HUSK_OPTS[@]}" "${opts[@]}" "$IMAGE" "$ID" "$@"
  assert_ok
}

# task_status ID: RUNNING, PAUSED, STOPPED... as `ctr task ls` says.
task_status() {
  ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'
}

task_stopped() {
  [[ "$(task_status "$1")" == STOPPED ]]
}

# remove ID: kills the task, waits for it to stop, deletes task and container.
remove() {
  erun ctr_ task kill -s SIGKILL "$1"
  assert_ok
  wait_for 10 task_stopped "$1" || fail "task $1 did not stop: $(ctr_ task ls 2>&1)"
  # ctr task delete warns with the task's exit status (137: SIGKILL).
  erun ctr_ task delete "$1"
  assert_ok
  [[ "$stderr" == *"exit code 137"* ]] || fail "exit status 137 not reported: $stderr"
  erun ctr_ container delete "$1"
  assert_ok
}

@test "ctr run --rm: output and exit status pass through" {
  erun ctr_ run --rm "${HUSK_OPTS[@]}" "$IMAGE" "$ID" echo hello from husk
  assert_ok
  assert_output "hello from husk"
  erun ctr_ run --rm "${HUSK_OPTS[@]}" "$IMAGE" "$ID" sh -c 'exit 7'
  assert_equal "$status" 7
  assert_clean
}

@test "ctr run -d, task exec (--user, --cwd), task ps, task kill, delete" {
  run_detached -- sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done'
  erun ctr_ task exec --exec-id e1 "$ID" echo exec works
  assert_ok
  assert_output "exec works"
  erun ctr_ task exec --exec-id e2 --user 65534 --cwd /tmp "$ID" sh -c 'id -u; pwd'
  assert_ok
  assert_output $'65534\n/tmp'
  erun ctr_ task exec --exec-id e3 "$ID" sh -c 'exit 5'
  assert_equal "$status" 5
  erun ctr_ task ls
  assert_output --regexp "$ID +[0-9]+ +RUNNING"
  local pid
  pid=$(ctr_ task ls | awk -v id="$ID" '$1 == id { print $2 }')
  # task ps is `husk ps --format json`: the init is listed.
  erun ctr_ task ps "$ID"
  assert_ok
  assert_line --regexp "^$pid "
  erun ctr_ task kill -s SIGTERM "$ID"
  assert_ok
  wait_for 10 task_stopped "$ID" || fail "task did not stop: $(ctr_ task ls 2>&1)"
  # ctr task delete warns with the task's exit status.
  erun ctr_ task delete "$ID"
  assert_ok
  [[ "$stderr" == *"exit code 3"* ]] || fail "exit status 3 not reported: $stderr"
  erun ctr_ container delete "$ID"
  assert_ok
  assert_clean
}

@test "ctr run -t under script: a terminal; task exec -t" {
  in_script "$CTR_CMD run -t --rm --runc-binary '$E/bin/husk' --runc-root '$E/husk' $IMAGE $ID sh -c 'tty; exit 4'"
  assert_equal "$status" 4
  assert_output --regexp '/dev/pts/[0-9]+'
  run_detached -- sleep 1000
  in_script "$CTR_CMD task exec -t --exec-id t1 $ID tty"
  assert_ok
  assert_output --regexp '/dev/pts/[0-9]+'
  remove "$ID"
  assert_clean
}

@test "ctr run --memory-limit, --cpus: the limits hold" {
  # ctr's default spec has no /sys/fs/cgroup mount: the cpu quota is read
  # on the host, in the task's cgroup (/NAMESPACE/ID, cgroupfs).
  run_detached --cpus 0.5 --memory-limit 67108864 -- sleep 1000
  assert_equal "$(cat /sys/fs/cgroup/cpu/$NS/$ID/cpu.cfs_quota_us /sys/fs/cgroup/memory/$NS/$ID/memory.limit_in_bytes)" \
    $'50000\n67108864'
  remove "$ID"
  # Inside: dd's 200 MiB buffer gets the task killed under a 32 MiB limit.
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --memory-limit 33554432 "$IMAGE" "$ID" dd if=/dev/zero of=/dev/null bs=200M count=1
  assert_equal "$status" 137
  assert_clean
}

@test "ctr task pause/resume: the task is frozen, then runs on" {
  run_detached -- sh -c 'while :; do date +%s%N > /tmp/tick; sleep 0.1; done'
  erun ctr_ task pause "$ID"
  assert_ok
  erun ctr_ task ls
  assert_output --regexp "$ID +[0-9]+ +PAUSED"
  local pid tick
  pid=$(ctr_ task ls | awk -v id="$ID" '$1 == id { print $2 }')
  tick=$(<"/proc/$pid/root/tmp/tick")
  sleep 0.5
  assert_equal "$(<"/proc/$pid/root/tmp/tick")" "$tick"
  erun ctr_ task resume "$ID"
  assert_ok
  wait_for 10 eval "[ \"\$(cat /proc/$pid/root/tmp/tick)\" != '$tick' ]"
  remove "$ID"
  assert_clean
}

@test "ctr run --read-only, --net-host, --no-pivot" {
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --read-only "$IMAGE" "$ID" sh -c 'touch /x && echo wrote'
  assert_failure
  refute_output wrote
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --net-host "$IMAGE" "$ID" readlink /proc/self/ns/net
  assert_ok
  assert_output "$(readlink /proc/self/ns/net)"
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --no-pivot "$IMAGE" "$ID" sh -c 'echo rootfs; ls /'
  assert_ok
  assert_line rootfs
  assert_line bin
  assert_clean
}

@test "ctr run --cap-drop/--cap-add: the capability sets" {
  # CAP_CHOWN is bit 0, CAP_NET_ADMIN bit 12.
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --cap-drop CAP_CHOWN "$IMAGE" "$ID" sh -c 'touch /f; chown 1 /f'
  assert_failure
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --cap-add CAP_NET_ADMIN "$IMAGE" "$ID" grep '^CapEff' /proc/self/status
  assert_ok
  local eff=$((16#${output##*[[:space:]]}))
  (((eff >> 12) & 1)) || fail "CAP_NET_ADMIN missing: $output"
  assert_clean
}

@test "ctr run --seccomp: the default profile; without it, no filter" {
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --seccomp "$IMAGE" "$ID" grep '^Seccomp:' /proc/self/status
  assert_ok
  assert_output $'Seccomp:\t2'
  erun ctr_ run --rm "${HUSK_OPTS[@]}" "$IMAGE" "$ID" grep '^Seccomp:' /proc/self/status
  assert_ok
  assert_output $'Seccomp:\t0'
  assert_clean
  # The runc root the shim gives (its --runc-root, or
  # /run/containerd/runc, plus the namespace) holds nothing of husk's once
  # the containers are gone: the compiled program is cached elsewhere.
  erun ctr_ run --rm --seccomp "$IMAGE" "$ID" true
  assert_ok
  assert_clean
  assert_runtime_clean "$ID" "/run/containerd/runc/$NS"
  [[ -z "$(ls -A "$E/husk/$NS" 2>/dev/null)" ]] || fail "$E/husk/$NS holds: $(ls -A "$E/husk/$NS")"
  # Shared with other runs of this suite: their containers may be there,
  # but nothing that is not a container (ids never start with ".").
  local entry
  for entry in $(ls -A "/run/containerd/runc/$NS" 2>/dev/null); do
    [[ $entry != .* && $entry != "$ID" ]] || fail "/run/containerd/runc/$NS holds $entry"
  done
}

@test "ctr run --uidmap/--gidmap: a user namespace" {
  # ctr passes task options of its own here: the shim runs "runc" from
  # PATH (husk, see setup_file) with its default root.
  erun ctr_ run --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMAGE" "$ID" \
    sh -c 'cat /proc/self/uid_map; id -u'
  assert_ok
  assert_output --regexp '^ +0 +100000 +65536'$'\n''0$'
  assert_clean
  assert_runtime_clean "$ID" "/run/containerd/runc/$NS"
}

@test "ctr run --mount (bind and tmpfs) and --device" {
  local dir="$BATS_TEST_TMPDIR/vol"
  mkdir -p "$dir"
  echo from-host >"$dir/in"
  erun ctr_ run --rm "${HUSK_OPTS[@]}" --mount "type=bind,src=$dir,dst=/data,options=rbind:rw" \
    --mount type=tmpfs,src=tmpfs,dst=/scratch,options=size=1m --device /dev/zero "$IMAGE" "$ID" sh -c \
    'cat /data/in; echo from-container > /data/out; grep " /scratch " /proc/mounts; head -c 5 /dev/zero | wc -c'
  assert_ok
  assert_line --index 0 from-host
  assert_line --index 1 --regexp '^tmpfs /scratch tmpfs .*size=1024k'
  assert_line --index 2 5
  assert_equal "$(<"$dir/out")" from-container
  assert_clean
}
