#!/usr/bin/env bats
# linux.namespaces: new kinds, shared kinds, kinds joined by path (a second
# container joins the first's, as podman's pods do), hostname/domainname,
# the time namespace and linux.timeOffsets, and every refusal.

load helpers

teardown() {
  husk_teardown
  remove_mount_ns
}

# ns_of PID KIND: the namespace link of a process ("net:[4026531992]").
ns_of() {
  readlink "/proc/$1/ns/$2"
}

# A container that prints its own namespace links, one "kind link" a line.
print_ns_args() {
  set_args "$BUNDLE" sh -c 'for k in pid mnt ipc uts net cgroup time user; do echo "$k $(readlink /proc/self/ns/$k)"; done'
}

# ns_line KIND: the link the container printed for KIND (after an hrun).
ns_line() {
  awk -v k="$1" '$1 == k { print $2 }' <<<"$output"
}

@test "every kind asked for is new: pid, mount, ipc, uts, network, cgroup, time" {
  update_config "$BUNDLE" '.linux.namespaces += [{type: "cgroup"}, {type: "time"}]'
  print_ns_args
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  local k
  for k in pid mnt ipc uts net cgroup time; do
    [[ -n "$(ns_line $k)" ]] || fail "no $k line in: $output"
    [[ "$(ns_line $k)" != "$(ns_of $$ $k)" ]] || fail "$k namespace is the host's: $(ns_line $k)"
  done
  # Not asked for: shared with the host.
  assert_equal "$(ns_line user)" "$(ns_of $$ user)"
  assert_no_leftovers "$CTR"
}

@test "a kind left out of linux.namespaces is the host's" {
  update_config "$BUNDLE" '.linux.namespaces = [{type: "mount"}, {type: "pid"}] | del(.hostname)'
  print_ns_args
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  local k
  for k in ipc uts net cgroup time; do
    assert_equal "$(ns_line $k)" "$(ns_of $$ $k)"
  done
  [[ "$(ns_line pid)" != "$(ns_of $$ pid)" ]] || fail "pid namespace is the host's"
}

@test "a second container joins the first's network, ipc, uts, pid, time and cgroup namespaces by path" {
  update_config "$BUNDLE" '.linux.namespaces += [{type: "time"}, {type: "cgroup"}] | .hostname = "infra"'
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR-infra"
  assert_ok
  local pid
  pid=$(state_field "$CTR-infra" .pid)

  local b2="$BATS_TEST_TMPDIR/b2"
  make_bundle "$b2"
  update_config "$b2" 'del(.hostname) | .linux.namespaces = [{type: "mount"},
      {type: "network", path: "/proc/\($p)/ns/net"}, {type: "ipc", path: "/proc/\($p)/ns/ipc"},
      {type: "uts", path: "/proc/\($p)/ns/uts"}, {type: "pid", path: "/proc/\($p)/ns/pid"},
      {type: "time", path: "/proc/\($p)/ns/time"}, {type: "cgroup", path: "/proc/\($p)/ns/cgroup"}]' --arg p "$pid"
  set_args "$b2" sh -c 'for k in pid mnt ipc uts net time cgroup; do echo "$k $(readlink /proc/self/ns/$k)"; done; echo "self $$"; echo "host $(hostname)"'
  hrun husk run --bundle "$b2" "$CTR-member"
  assert_ok
  local k
  for k in net ipc uts pid time cgroup; do
    assert_equal "$(ns_line $k)" "$(ns_of "$pid" $k)"
  done
  # Its own mount namespace; in the infra's pid namespace, not its pid 1.
  [[ "$(ns_line mnt)" != "$(ns_of "$pid" mnt)" ]] || fail "the mount namespace was joined"
  [[ "$(ns_line self)" =~ ^[0-9]+$ && "$(ns_line self)" != 1 ]] || fail "pid in the joined pid ns: $(ns_line self)"
  assert_equal "$(ns_line host)" infra
  # husk itself went back to its own namespaces: the member's state is
  # gone and the infra is untouched.
  assert_equal "$(state_field "$CTR-infra" .status)" running
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR-infra" stopped
  hrun husk delete "$CTR-infra"
  assert_ok
}

@test "a mount namespace joined by path: the rootfs is set up in it, the host's mount table is untouched" {
  make_mount_ns
  update_config "$BUNDLE" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)
    | .mounts += [{destination: "/run", type: "tmpfs", source: "tmpfs"}]' --arg p "$MNTNS"
  set_args "$BUNDLE" sh -c "readlink /proc/self/ns/mnt >/ns.mnt; grep -c ' /run ' /proc/self/mountinfo >/ns.run; $LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local pid rootfs
  pid=$(state_field "$CTR" .pid)
  # Inside: the joined namespace, with the container's mounts.
  assert_equal "$(<"$BUNDLE/rootfs/ns.mnt")" "mnt:[$(stat -L -c %i "$MNTNS")]"
  assert_equal "$(<"$BUNDLE/rootfs/ns.run")" 1
  assert_equal "$(ns_of "$pid" mnt)" "mnt:[$(stat -L -c %i "$MNTNS")]"
  # The host's mount table has none of them.
  rootfs=$(realpath "$BUNDLE/rootfs")
  run awk -v r="$rootfs" 'index($5, r) == 1' /proc/self/mountinfo
  assert_equal "$output" ""
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a joined mount namespace without root.path in it: one line naming it, nothing left" {
  # As in a namespace another container pivoted in: its root is that
  # container's.  Here a tmpfs over the bundle, in the joined namespace only.
  make_mount_ns
  nsenter --mount="$MNTNS" mount -t tmpfs tmpfs "$BUNDLE"
  update_config "$BUNDLE" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)' --arg p "$MNTNS"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line "^husk: root\.path \"$(realpath "$BUNDLE/rootfs")\" in the joined mount namespace of linux\.namespaces: no such file or directory$"
  assert_no_leftovers "$CTR"
}

@test "a joined mount namespace the container's root could not mount in is refused, leaving nothing" {
  make_mount_ns
  update_config "$BUNDLE" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)
    | .linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1000}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 1000}]' --arg p "$MNTNS"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line "^husk: config.json: linux.namespaces: a joined mount namespace with a new user namespace: "
  assert_no_leftovers "$CTR"
}

@test "a new user namespace: /dev/mqueue of the new ipc namespace belongs to the container's root" {
  # The root of an ipc namespace's mqueue is owned by whoever made the
  # namespace: the container's root here, not host root (the overflow
  # uid inside, which not even the container's root may chmod).  runc:
  # 0:65534, its init having set its uid but not yet its gid.
  userns_bundle "$BUNDLE" 100000 65536
  update_config "$BUNDLE" '.mounts += [{destination: "/dev/mqueue", type: "mqueue", source: "mqueue"}]'
  set_args "$BUNDLE" sh -c 'stat -c "%u:%g %a" /dev/mqueue; chmod 1770 /dev/mqueue && stat -c %a /dev/mqueue'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[*]}" "0:0 1777 1770"
  assert_no_leftovers "$CTR"
}

@test "hostname and domainname are set in the new uts namespace" {
  update_config "$BUNDLE" '.hostname = "box-one" | .domainname = "example.test"'
  set_args "$BUNDLE" sh -c 'hostname; cat /proc/sys/kernel/domainname'
  local before
  before=$(hostname)
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[0]}" box-one
  assert_equal "${lines[1]}" example.test
  assert_equal "$(hostname)" "$before"
}

@test "hostname or domainname without a uts namespace, or in husk's own, is refused" {
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "uts"))'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line 'config.json: hostname: needs a uts namespace in linux.namespaces \(new or joined\)'
  assert_no_leftovers "$CTR"

  update_config "$BUNDLE" 'del(.hostname) | .domainname = "x.test"'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line 'config.json: domainname: needs a uts namespace in linux.namespaces \(new or joined\)'
  assert_no_leftovers "$CTR"

  # husk's own uts namespace by path: that would rename the host.
  local before
  before=$(hostname)
  update_config "$BUNDLE" '.linux.namespaces += [{type: "uts", path: "/proc/self/ns/uts"}]'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line "config.json: domainname: the joined uts namespace is husk's own"
  assert_no_leftovers "$CTR"
  assert_equal "$(hostname)" "$before"
}

@test "hostname and domainname are set in a uts namespace joined by path, as runc does" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR-infra"
  assert_ok
  local pid before
  pid=$(state_field "$CTR-infra" .pid)
  before=$(hostname)
  local b2="$BATS_TEST_TMPDIR/b2"
  make_bundle "$b2"
  update_config "$b2" '.hostname = "joined-host" | .domainname = "joined.test"
    | .linux.namespaces |= map(if .type == "uts" then .path = "/proc/\($p)/ns/uts" else . end)' --arg p "$pid"
  set_args "$b2" sh -c 'hostname; cat /proc/sys/kernel/domainname; readlink /proc/self/ns/uts'
  hrun husk run --bundle "$b2" "$CTR-member"
  assert_ok
  assert_equal "${lines[0]}" joined-host
  assert_equal "${lines[1]}" joined.test
  assert_equal "${lines[2]}" "$(ns_of "$pid" uts)"
  # The first container sees the names it now shares.
  hrun husk exec "$CTR-infra" sh -c 'hostname; cat /proc/sys/kernel/domainname'
  assert_ok
  assert_equal "$output" $'joined-host\njoined.test'
  assert_equal "$(hostname)" "$before"
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR-infra" stopped
  hrun husk delete "$CTR-infra"
  assert_ok
  assert_no_leftovers "$CTR-infra"
  assert_no_leftovers "$CTR-member"
}

@test "linux.timeOffsets: the container's clocks are offset (uptime inside vs outside)" {
  update_config "$BUNDLE" '.linux.namespaces += [{type: "time"}]
    | .linux.timeOffsets = {boottime: {secs: 86400, nanosecs: 0}, monotonic: {secs: 7200, nanosecs: 500}}'
  set_args "$BUNDLE" sh -c 'cat /proc/uptime; cat /proc/self/timens_offsets'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  local inside outside
  outside=$(cut -d. -f1 /proc/uptime)
  inside=$(cut -d. -f1 <<<"${lines[0]}")
  local diff=$((inside - outside))
  ((diff >= 86390 && diff <= 86410)) || fail "uptime inside $inside, outside $outside: offset $diff, not ~86400"
  assert_equal "$(grep '^monotonic' <<<"$output" | tr -s ' ')" "monotonic 7200 500"
  assert_equal "$(grep '^boottime' <<<"$output" | tr -s ' ')" "boottime 86400 0"
  assert_no_leftovers "$CTR"
}

@test "a new time namespace without offsets starts at the host's clocks" {
  update_config "$BUNDLE" '.linux.namespaces += [{type: "time"}]'
  set_args "$BUNDLE" sh -c 'readlink /proc/self/ns/time; cat /proc/uptime'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ "${lines[0]}" != "$(ns_of $$ time)" ]] || fail "time namespace is the host's"
  local inside outside
  outside=$(cut -d. -f1 /proc/uptime)
  inside=$(cut -d. -f1 <<<"${lines[1]}")
  ((inside - outside <= 5 && outside - inside <= 5)) || fail "uptime inside $inside, outside $outside"
}

@test "bad linux.namespaces entries are refused, naming the entry, leaving nothing" {
  local cases=(
    '.linux.namespaces += [{type: "ipc"}]'
    'linux.namespaces\[5\]: duplicate namespace "ipc"'
    '.linux.namespaces[2].path = "/nonexistent/ns"'
    'linux.namespaces\[2\].path "/nonexistent/ns": no such file or directory'
    '.linux.namespaces[2].path = "/proc/self/ns/net"'
    'linux.namespaces\[2\].path "/proc/self/ns/net": a namespace of kind network, not ipc'
    '.linux.namespaces[2].path = "/etc/hostname"'
    'linux.namespaces\[2\].path "/etc/hostname": not a namespace'
    '.linux.namespaces[2].path = "proc/self/ns/ipc"'
    'linux.namespaces\[2\].path "proc/self/ns/ipc": must be an absolute path'
    '.linux.namespaces[1].path = "/proc/self/ns/mnt"'
    'linux.namespaces\[1\].path "/proc/self/ns/mnt": husk.s own mount namespace'
    '.linux.namespaces[1].path = "/proc/self/ns/net"'
    'linux.namespaces\[1\].path "/proc/self/ns/net": a namespace of kind network, not mount'
    '.linux.namespaces[1].path = "/etc/hostname"'
    'linux.namespaces\[1\].path "/etc/hostname": not a namespace'
    '.linux.timeOffsets = {boottime: {secs: 5}}'
    'linux.timeOffsets: needs a new time namespace'
    '.linux.namespaces += [{type: "time"}] | .linux.timeOffsets = {boottime: {secs: 5, nanosecs: 1000000000}}'
    'linux.timeOffsets: nanosecs must be below 1000000000'
  )
  refuse_each_config "${cases[@]}"
}

# host_mounts_unchanged BEFORE: every mount of BEFORE (a copy of this
# shell's /proc/self/mountinfo) that still exists has the same line, its
# propagation included (runc 1.1 makes "/" a slave without a mount
# namespace; other suites may mount and unmount meanwhile), and no mount
# is on the bundle.
host_mounts_unchanged() {
  local changed on_bundle
  # Keyed by id and mount point: an id freed elsewhere may be reused.
  changed=$(awk 'NR == FNR { before[$1 " " $5] = $0; next }
    (($1 " " $5) in before) && before[$1 " " $5] != $0' "$1" /proc/self/mountinfo)
  [[ -z "$changed" ]] || fail "the host's mounts changed: $changed"
  on_bundle=$(awk -v b="$(realpath "$BUNDLE")" 'index($5, b) == 1' /proc/self/mountinfo)
  [[ -z "$on_bundle" ]] || fail "mounts on the bundle: $on_bundle"
}

# A bundle with no mount namespace and nothing that would be a mount.
no_mount_ns_bundle() {
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "mount")) | .mounts = []'
  touch "$BUNDLE/rootfs/marker"
}

@test "no mount namespace listed: the host's, the container chrooted into root.path, the host's mount table unchanged" {
  no_mount_ns_bundle
  update_config "$BUNDLE" '.process.cwd = "/made/here"'
  set_args "$BUNDLE" sh -c 'ls /marker; pwd; readlink /proc/self/ns/mnt 2>/dev/null || echo no-proc; hostname'
  cp /proc/self/mountinfo "$BATS_TEST_TMPDIR/before"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  # The rootfs has no /proc mounted: the container sees only its root.
  assert_equal "${lines[*]}" "/marker /made/here no-proc husk-test"
  [[ -d "$BUNDLE/rootfs/made/here" ]] || fail "process.cwd was not made in the rootfs"
  host_mounts_unchanged "$BATS_TEST_TMPDIR/before"
  assert_no_leftovers "$CTR"
}

@test "no namespaces at all: every kind is the host's; run and exec are chrooted into root.path; no mount is made" {
  no_mount_ns_bundle
  update_config "$BUNDLE" '.linux.namespaces = [] | del(.hostname)'
  # The host's /proc, bound into the rootfs by the test: the container's
  # namespace links are readable.
  mkdir -p "$BUNDLE/rootfs/proc"
  mount --bind /proc "$BUNDLE/rootfs/proc"
  set_args "$BUNDLE" sh -c "readlink /proc/self/ns/mnt /proc/self/ns/pid /proc/self/ns/net; $LOOP_UNTIL_STOP"
  cp /proc/self/mountinfo "$BATS_TEST_TMPDIR/before"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  local st=$status
  wait_for_file "$BUNDLE/rootfs/ready"
  hrun husk exec "$CTR" sh -c 'ls /marker; readlink /proc/self/ns/mnt'
  local exec_out=$output exec_st=$status
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  umount "$BUNDLE/rootfs/proc"
  ((st == 0)) || fail "run -d failed"
  assert_ok
  ((exec_st == 0)) || fail "exec failed: $exec_out"
  assert_equal "$exec_out" "/marker"$'\n'"$(ns_of $$ mnt)"
  host_mounts_unchanged "$BATS_TEST_TMPDIR/before"
  assert_no_leftovers "$CTR"
}

@test "without a mount namespace, what would be a mount in the host's table is refused by name, leaving the host unchanged" {
  no_mount_ns_bundle
  cp /proc/self/mountinfo "$BATS_TEST_TMPDIR/before"
  local why="needs a mount namespace in linux.namespaces: without one it would be a mount in the host's mount table$"
  refuse_each_config \
    '.mounts = [{destination: "/proc", type: "proc", source: "proc"}]' "mounts\\[0\\]: $why" \
    '.root.readonly = true' "root.readonly: $why" \
    '.linux.maskedPaths = ["/proc/kcore"]' "linux.maskedPaths: $why" \
    '.linux.readonlyPaths = ["/proc/sys"]' "linux.readonlyPaths: $why" \
    '.linux.rootfsPropagation = "private"' "linux.rootfsPropagation: $why" \
    '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229}]' "linux.devices\\[0\\]: $why"
  host_mounts_unchanged "$BATS_TEST_TMPDIR/before"
}
