#!/usr/bin/env bats
# User namespaces: linux.uidMappings/gidMappings with several ranges, the
# container's root and users as the maps say, the rootfs and its mounts
# under a user namespace, joining another container's user namespace, and
# the refusals.

load helpers

# Host ids the maps below use.
UID_BASE=100000
UID_BASE2=200000

teardown() {
  husk_teardown
  remove_mount_ns
}

setup() {
  husk_setup
  userns_bundle "$BUNDLE" "$UID_BASE"
  update_config "$BUNDLE" '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: $u, size: 1000}, {containerID: 1000, hostID: $u2, size: 10}]
    | .linux.gidMappings = [{containerID: 0, hostID: $u, size: 2000}, {containerID: 5000, hostID: $u2, size: 5}]' \
    --argjson u "$UID_BASE" --argjson u2 "$UID_BASE2"
}

@test "a new user namespace: its own, with the maps as configured, the container's root is uid 0" {
  set_args "$BUNDLE" sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -u; id -g'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ "${lines[0]}" != "$(readlink /proc/$$/ns/user)" ]] || fail "user namespace is the host's"
  assert_equal "$(sed -n '2,3p' <<<"$output" | tr -s ' ' | sed 's/^ //')" $'0 100000 1000\n1000 200000 10'
  assert_equal "$(sed -n '5,6p' <<<"$output" | tr -s ' ' | sed 's/^ //')" $'0 100000 2000\n5000 200000 5'
  assert_equal "${lines[7]}" 0
  assert_equal "${lines[8]}" 0
  assert_no_leftovers "$CTR"
}

@test "files owned by mapped host ids show the container's ids; unmapped ones show as nobody" {
  touch "$BUNDLE/rootfs/mine" "$BUNDLE/rootfs/second" "$BUNDLE/rootfs/hosts"
  chown 0:0 "$BUNDLE/rootfs/hosts"
  chown $((UID_BASE + 5)):$((UID_BASE + 7)) "$BUNDLE/rootfs/mine"
  chown $((UID_BASE2 + 3)):$((UID_BASE2 + 1)) "$BUNDLE/rootfs/second"
  set_args "$BUNDLE" sh -c 'stat -c "%u %g" /mine /second /hosts'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[0]}" "5 7"
  assert_equal "${lines[1]}" "1003 5001"
  assert_equal "${lines[2]}" "65534 65534"
}

@test "process.user in the second range: id inside, and the host sees the mapped ids on what it makes" {
  update_config "$BUNDLE" '.process.user = {uid: 1002, gid: 5003, additionalGids: [5004, 10]}'
  set_args "$BUNDLE" sh -c 'id -u; id -g; id -G; touch /tmp/made'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[0]}" 1002
  assert_equal "${lines[1]}" 5003
  assert_equal "${lines[2]}" "5003 10 5004"
  assert_equal "$(stat -c '%u %g' "$BUNDLE/rootfs/tmp/made")" "$((UID_BASE2 + 2)) $((UID_BASE2 + 3))"
}

@test "under a user namespace the rootfs and its mounts work: /proc, /dev, /dev/pts, a tmpfs" {
  update_config "$BUNDLE" '.mounts += [{destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]'
  set_args "$BUNDLE" sh -c 'grep -c . /proc/self/status >/dev/null && echo proc-ok;
    echo x > /dev/null && echo null-ok; test -d /dev/pts && echo pts-ok;
    touch /run/f && echo tmpfs-ok; cat /proc/1/cmdline | tr "\0" " "; echo'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_line proc-ok
  assert_line null-ok
  assert_line pts-ok
  assert_line tmpfs-ok
  assert_no_leftovers "$CTR"
}

@test "bind sources only the caller can reach: husk opens them, as runc does; no descriptor reaches the process" {
  # A 0700 directory of the host's root: the container's mapped root
  # (host uid $UID_BASE) cannot look up anything below it.
  local private=$BATS_TEST_TMPDIR/private
  mkdir -p "$private/dir"
  echo secret >"$private/dir/f"
  echo single >"$private/file"
  chmod 0700 "$private"
  update_config "$BUNDLE" '.mounts += [
      {destination: "/data", type: "bind", source: ($p + "/dir"), options: ["rbind", "ro"]},
      {destination: "/one", type: "bind", source: ($p + "/file"), options: ["bind"]},
      {destination: "/run", type: "tmpfs", source: "tmpfs"}]' --arg p "$private"
  # sh stays pid 1 (the last command is a builtin): its fds are what the
  # container's process was given, and the pipe of each $(readlink).
  set_args "$BUNDLE" sh -c 'cat /data/f /one; touch /data/new 2>/dev/null || echo data-ro;
    for f in /proc/1/fd/*; do echo "fd ${f##*/} $(readlink $f)"; done; true'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_line --index 0 secret
  assert_line --index 1 single
  assert_line --index 2 data-ro
  local fds
  fds=$(grep '^fd ' <<<"$output" | grep -v ' pipe:' | awk '{ print $2 }' | tr '\n' ' ')
  assert_equal "$fds" "0 1 2 "
  refute_output --partial "$private"
  assert_no_leftovers "$CTR"

  # A missing source: one line naming the entry, nothing left.
  update_config "$BUNDLE" '.mounts[-3].source = ($p + "/missing")' --arg p "$private"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line 'config\.json: mounts\[1\]: bind source ".*/private/missing": no such file or directory'
  assert_no_leftovers "$CTR"
}

@test "a terminal under a user namespace: the pty is the stdio of a non-root process, made by the mapped root, owned by the process's uid" {
  local recvtty="$HUSK_BUILDDIR/tests/integration/recvtty" sock="$BATS_TEST_TMPDIR/console.sock"
  [[ -x "$recvtty" ]] || fail "recvtty is not built: run 'make check' in HUSK_BUILDDIR"
  update_config "$BUNDLE" '.process.terminal = true | .process.user = {uid: 1001, gid: 5001}
    | .mounts += [{destination: "/dev/pts", type: "devpts", source: "devpts",
                   options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
  set_args "$BUNDLE" sh -c '[ -t 1 ] && echo stdout-tty; stat -c "%u" "$(tty)"'
  "$recvtty" --timeout 30 --output "$BATS_TEST_TMPDIR/tty.out" "$sock" </dev/null \
    >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
  local recv=$!
  wait_for 10 test -S "$sock" || fail "recvtty did not listen: $(<"$BATS_TEST_TMPDIR/recvtty.log")"
  hrun husk create --console-socket "$sock" --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  wait_bg "$recv" 30
  ((bg_status == 0)) || fail "recvtty failed: $(<"$BATS_TEST_TMPDIR/recvtty.log")"
  # As runc: the pty is given to process.user's uid.
  assert_equal "$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")" $'stdout-tty\n1001'
  assert_no_leftovers "$CTR"
}

# start_first: the first container (a new user namespace), running
# until stop_first; sets the caller's pid (its init) and b2 (a second
# bundle, its path searchable by the mapped root).
start_first() {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR-a"
  assert_ok
  pid=$(state_field "$CTR-a" .pid)
  b2="$BATS_TEST_TMPDIR/b2"
  make_bundle "$b2"
  chmod a+x "$b2"
}

stop_first() {
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR-a" stopped
  hrun husk delete "$CTR-a"
  assert_ok
}

@test "a second container joins the first's user (and pid, network) namespace by path" {
  local pid b2
  start_first
  update_config "$b2" '.linux.namespaces = [{type: "mount"}, {type: "uts"},
      {type: "user", path: "/proc/\($p)/ns/user"}, {type: "pid", path: "/proc/\($p)/ns/pid"},
      {type: "network", path: "/proc/\($p)/ns/net"}]' --arg p "$pid"
  set_args "$b2" sh -c 'readlink /proc/self/ns/user; readlink /proc/self/ns/net; readlink /proc/self/ns/uts; cat /proc/self/uid_map; id -u'
  hrun husk run --bundle "$b2" "$CTR-b"
  assert_ok
  assert_equal "${lines[0]}" "$(readlink "/proc/$pid/ns/user")"
  assert_equal "${lines[1]}" "$(readlink "/proc/$pid/ns/net")"
  [[ "${lines[2]}" != "$(readlink "/proc/$pid/ns/uts")" ]] || fail "the uts namespace was not new"
  assert_equal "$(sed -n '4,5p' <<<"$output" | tr -s ' ' | sed 's/^ //')" $'0 100000 1000\n1000 200000 10'
  assert_equal "${lines[5]}" 0
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR-a" stopped
}

# owner_of PID KIND: the inode of the user namespace that owns a
# namespace of a process.
owner_of() {
  lsns -n -o ONS -t "$2" -p "$1" | tr -d ' '
}

@test "a second container joins the first's user namespace with new pid and time namespaces, which belong to it" {
  local pid b2
  start_first
  chmod 1777 "$b2/rootfs/tmp"
  update_config "$b2" '.linux.namespaces = [{type: "mount"}, {type: "pid"}, {type: "time"}, {type: "uts"},
      {type: "ipc"}, {type: "user", path: "/proc/\($p)/ns/user"}]
    | .linux.timeOffsets = {boottime: {secs: 86400, nanosecs: 0}}' --arg p "$pid"
  set_args "$b2" sh -c 'for k in user pid time; do readlink /proc/self/ns/$k; done >/tmp/out.part;
    echo $$ >>/tmp/out.part; cat /proc/self/uid_map >>/tmp/out.part; cut -d. -f1 /proc/uptime >>/tmp/out.part;
    mv /tmp/out.part /tmp/out; while [ ! -e /tmp/stop ]; do sleep 0.1; done'
  hrun husk run -d --bundle "$b2" "$CTR-b"
  assert_ok
  wait_for_file "$b2/rootfs/tmp/out"
  local pid2 outside
  outside=$(cut -d. -f1 /proc/uptime)
  pid2=$(state_field "$CTR-b" .pid)
  mapfile -t lines <"$b2/rootfs/tmp/out"
  assert_equal "${lines[0]}" "$(readlink "/proc/$pid/ns/user")"
  [[ "${lines[1]}" != "$(readlink /proc/$$/ns/pid)" && "${lines[1]}" != "$(readlink "/proc/$pid/ns/pid")" ]] ||
    fail "the pid namespace is not new: ${lines[1]}"
  [[ "${lines[2]}" != "$(readlink /proc/$$/ns/time)" && "${lines[2]}" != "$(readlink "/proc/$pid/ns/time")" ]] ||
    fail "the time namespace is not new: ${lines[2]}"
  assert_equal "${lines[3]}" 1
  assert_equal "$(printf '%s\n' "${lines[@]:4:2}" | tr -s ' ' | sed 's/^ //')" $'0 100000 1000\n1000 200000 10'
  local diff=$((lines[6] - outside))
  ((diff >= 86390 && diff <= 86410)) || fail "uptime inside ${lines[6]}, outside $outside: offset $diff, not ~86400"
  # The new namespaces belong to the joined user namespace.
  local userns
  userns=$(stat -L -c %i "/proc/$pid/ns/user")
  local k
  for k in pid time uts ipc mnt; do
    assert_equal "$(owner_of "$pid2" $k)" "$userns"
  done
  touch "$b2/rootfs/tmp/stop"
  wait_for_status "$CTR-b" stopped
  hrun husk delete "$CTR-b"
  assert_ok
  stop_first
  assert_no_leftovers "$CTR-b"
  assert_no_leftovers "$CTR-a"
}

@test "run in the foreground with a joined user namespace and a new pid namespace reports the exit status" {
  local pid b2
  start_first
  update_config "$b2" '.linux.namespaces = [{type: "mount"}, {type: "pid"}, {type: "uts"},
      {type: "user", path: "/proc/\($p)/ns/user"}]' --arg p "$pid"
  set_args "$b2" sh -c 'echo "pid $$"; exit 7'
  hrun husk run --bundle "$b2" "$CTR-b"
  assert_equal "$status" 7
  assert_equal "$output" "pid 1"
  stop_first
  assert_no_leftovers "$CTR-b"
  assert_no_leftovers "$CTR-a"
}

@test "a joined mount namespace must belong to the joined user namespace" {
  local pid b2
  start_first
  # A mount namespace of the host's user namespace (not husk's own one).
  make_mount_ns
  update_config "$b2" '.linux.namespaces = [{type: "mount", path: $m}, {type: "user", path: "/proc/\($p)/ns/user"}]' \
    --arg m "$MNTNS" --arg p "$pid"
  hrun husk create --bundle "$b2" "$CTR-b"
  assert_error_line '^husk: config.json: linux.namespaces: the joined mount namespace does not belong to the joined user namespace'
  stop_first
  assert_no_leftovers "$CTR-b"
}

@test "bad user namespace configurations are refused, naming the member, leaving nothing" {
  local cases=(
    '.linux.namespaces |= map(select(.type != "user"))'
    'linux.uidMappings: needs a new user namespace'
    'del(.linux.uidMappings)'
    'linux.uidMappings: required with a new user namespace'
    'del(.linux.gidMappings)'
    'linux.gidMappings: required with a new user namespace'
    '.linux.uidMappings[0].containerID = 2000'
    'container uid 0: not mapped by linux.uidMappings'
    '.process.user.uid = 5000'
    'process.user.uid 5000: not mapped by linux.uidMappings'
    '.process.user.additionalGids = [3000]'
    'process.user.additionalGids 3000: not mapped by linux.gidMappings'
    '.linux.uidMappings[1].containerID = 500'
    'linux.uidMappings\[1\]: containerID range overlaps \[0\]'
    '.linux.gidMappings[1].hostID = 100500'
    'linux.gidMappings\[1\]: hostID range overlaps \[0\]'
    '.linux.uidMappings[1].size = 0'
    'linux.uidMappings\[1\].size: must not be 0'
    '.linux.uidMappings[1].hostID = 4294967290'
    'linux.uidMappings\[1\]: the range overflows 32-bit ids'
    '.linux.namespaces |= map(if .type == "user" then .path = "/proc/self/ns/user" else . end)'
    'linux.namespaces\[5\].path "/proc/self/ns/user": husk.s own user namespace'
    '.linux.namespaces[-1].path = "/proc/self/ns/pid"'
    'linux.namespaces\[5\].path "/proc/self/ns/pid": a namespace of kind pid, not user'
  )
  refuse_each_config "${cases[@]}"
}
