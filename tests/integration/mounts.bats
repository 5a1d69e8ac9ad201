#!/usr/bin/env bats
# mounts[]: filesystem types with their data, flags, recursive attributes,
# remount, idmapped mounts, tmpcopyup; root.path and root.readonly; and a
# hostile rootfs whose symlinks try to send mounts onto the host.

load helpers
load fs-helpers

setup() {
  husk_setup
  snapshot_host_mounts
}

teardown() {
  husk_teardown
}

# opts LINE: the per-mount options of a mountinfo line (field 6).
opts() {
  awk '{ print $6 }' <<<"$1"
}

# super LINE: the superblock options (the last field).
super() {
  awk '{ print $NF }' <<<"$1"
}

@test "mounts: tmpfs with flags and filesystem data" {
  add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
              "options": ["nosuid", "nodev", "noexec", "size=1m", "mode=0710"]}'
  ctr_ok 'cat /proc/self/mountinfo; echo; stat -c "%a" /data'
  local line
  line=$(mountinfo_line "$output" /data)
  [[ -n "$line" ]] || fail "/data is not mounted: $output"
  [[ "$(opts "$line")" == rw,nosuid,nodev,noexec,* ]] || fail "flags: $line"
  [[ "$line" == *" - tmpfs tmpfs "* ]] || fail "type/source: $line"
  [[ "$(super "$line")" == *size=1024k* && "$(super "$line")" == *mode=710* ]] || fail "data: $line"
  assert_equal "${lines[-1]}" 710
  assert_host_mounts_unchanged
}

@test "mounts: a ro bind cannot be written; the host's directory is the source" {
  mkdir -p "$BATS_TEST_TMPDIR/src"
  echo from-host >"$BATS_TEST_TMPDIR/src/file"
  add_mount "$(jq -n --arg s "$BATS_TEST_TMPDIR/src" '{destination: "/data", type: "bind", source: $s, options: ["bind", "ro"]}')"
  ctr_ok 'cat /data/file; grep " /data " /proc/self/mountinfo; touch /data/new 2>&1 && echo WRITABLE; true'
  assert_line --index 0 from-host
  [[ "$(opts "${lines[1]}")" == ro,* ]] || fail "not ro: ${lines[1]}"
  assert_output --partial "Read-only file system"
  refute_output --partial WRITABLE
  [[ ! -e "$BATS_TEST_TMPDIR/src/new" ]]
  assert_host_mounts_unchanged
}

@test "mounts: filesystem options on a bind are ignored, as the kernel does for runc, with one warning naming the entry" {
  mkdir -p "$BATS_TEST_TMPDIR/src"
  echo from-host >"$BATS_TEST_TMPDIR/src/file"
  add_mount "$(jq -n --arg s "$BATS_TEST_TMPDIR/src" '{destination: "/data", type: "bind", source: $s,
    options: ["rbind", "mode=755", "ro", "size=1k"]}')"
  set_args "$BUNDLE" sh -c 'cat /data/file; grep " /data " /proc/self/mountinfo; touch /data/new 2>/dev/null || echo read-only'
  hrun husk --log "$BATS_TEST_TMPDIR/log.json" --log-format json run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_line --index 0 from-host
  [[ "$(opts "${lines[1]}")" == ro,* ]] || fail "not ro: ${lines[1]}"
  assert_line --index 2 read-only
  # One warning in the log, naming the entry and the options; with --log
  # (as engines call it) none on stderr, as runc writes its warnings.
  assert_equal "$stderr" ""
  run jq -r 'select(.level == "warning") | .msg' "$BATS_TEST_TMPDIR/log.json"
  assert_output 'config.json: mounts[1].options: "mode=755,size=1k": filesystem options, which the kernel ignores for a bind mount'
  assert_no_leftovers "$CTR"
  # By hand, on stderr.
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  local re='^husk: warning: config\.json: mounts\[1\]\.options: "mode=755,size=1k": .*bind mount'
  ((${#stderr_lines[@]} == 1)) || fail "expected one line on stderr: $stderr"
  [[ "${stderr_lines[0]}" =~ $re ]] || fail "stderr: $stderr"
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

@test "mounts: a read-only /dev gets its devices and submounts, then becomes read-only, as with runc" {
  update_config "$BUNDLE" '.mounts += [
    {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k", "ro"]},
    {destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
    {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "nodev", "noexec", "mode=1777", "size=65536k"]},
    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]}]
    | .linux.maskedPaths = ["/proc/timer_list"]'
  ctr_ok 'cat /proc/self/mountinfo; echo; echo x >/dev/null && echo null-ok; test -c /dev/zero && echo zero-ok;
    touch /dev/new 2>/dev/null || echo dev-ro; echo x >/dev/shm/f && echo shm-rw'
  local l
  l=$(mountinfo_line "$output" /dev)
  [[ "$(opts "$l")" == ro,* && "$l" == *" - tmpfs "* ]] || fail "/dev: $l"
  for m in /dev/pts /dev/shm /dev/mqueue; do
    l=$(mountinfo_line "$output" "$m")
    [[ "$(opts "$l")" == rw,* ]] || fail "$m is not a read-write mount: $l"
  done
  # The mask is a bind of the read-only /dev/null, so read-only too: /dev
  # became read-only before the masks, as runc orders them.
  l=$(mountinfo_line "$output" /proc/timer_list)
  [[ "$(opts "$l")" == ro,* ]] || fail "the masked /proc/timer_list is not read-only: $l"
  assert_line null-ok
  assert_line zero-ok
  assert_line dev-ro
  assert_line shm-rw
  assert_host_mounts_unchanged
}

# /dev as runc 1.1 makes it (its createDevices, setupPtmx, setupDevSymlinks),
# each checked against runc on the same bundle.
@test "/dev: a /dev/ptmx in linux.devices stays the link to the container's own pts/ptmx, as with runc" {
  # Docker's --privileged lists every host device, /dev/ptmx included; runc
  # skips it and keeps the link.
  update_config "$BUNDLE" '.linux.devices = [{path: "/dev/ptmx", type: "c", major: 5, minor: 2, fileMode: 438}]'
  ctr_ok 'readlink /dev/ptmx; exec 3<>/dev/ptmx && ls /dev/pts'
  assert_equal "${lines[0]}" pts/ptmx
  # The pty opened is the container's devpts's.
  assert_equal "${lines[*]:1}" "0 ptmx"
}

@test "/dev: /dev/core -> /proc/kcore only where the host has /proc/kcore, as with runc" {
  ctr_ok 'readlink /dev/core || echo no-core'
  if [[ -e /proc/kcore ]]; then
    assert_equal "$output" /proc/kcore
  else
    assert_equal "$output" no-core
  fi
}

@test "/dev: no /dev/shm unless mounts[] has one, as with runc" {
  ctr_ok 'grep -c " /dev/shm " /proc/self/mountinfo; [ -e /dev/shm ] && echo shm-exists || echo no-shm'
  assert_equal "${lines[*]}" "0 no-shm"
  add_mount '{"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["size=1m"]}'
  ctr_ok 'grep " /dev/shm " /proc/self/mountinfo'
  assert_equal "${#lines[@]}" 1
  [[ "${lines[0]}" == *" - tmpfs shm rw,size=1024k"* ]] || fail "/dev/shm: ${lines[0]}"
}

@test "mounts: a read-only tmpfs with a mount below it: both made, then the tmpfs is read-only" {
  add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "mode=755"]}'
  add_mount '{"destination": "/data/sub/inner", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  ctr_ok 'cat /proc/self/mountinfo; echo; touch /data/x 2>/dev/null || echo data-ro; touch /data/sub/inner/y && echo inner-rw'
  [[ "$(opts "$(mountinfo_line "$output" /data)")" == ro,* ]] || fail "/data: $output"
  [[ "$(opts "$(mountinfo_line "$output" /data/sub/inner)")" == rw,* ]] || fail "/data/sub/inner: $output"
  assert_line data-ro
  assert_line inner-rw
  assert_host_mounts_unchanged
}

@test "mounts: a cgroup mount without ro is read-write, as runc mounts it (with ro: read-only)" {
  add_mount '{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime"]}'
  # A cgroup of its own below the container's, wherever the layout puts it.
  local script='grep " /sys/fs/cgroup" /proc/self/mountinfo | awk "{ print \$5, \$6 }";
    d=/sys/fs/cgroup/pids; [ -d $d ] || d=/sys/fs/cgroup;
    mkdir $d/sub 2>/dev/null && rmdir $d/sub && echo cgroup-rw || echo cgroup-ro'
  ctr_ok "$script"
  assert_line cgroup-rw
  local l
  for l in "${lines[@]}"; do
    [[ "$l" == /sys/fs/cgroup* ]] || continue
    [[ "${l#* }" == rw,* ]] || fail "not read-write: $l"
  done
  update_config "$BUNDLE" '.mounts[-1].options += ["ro"]'
  ctr_ok "$script"
  assert_line cgroup-ro
}

@test "mounts: a bind of a file creates a file destination; relative sources are taken from the bundle" {
  echo file-content >"$BUNDLE/afile"
  add_mount '{"destination": "/etc/deep/afile", "type": "bind", "source": "afile", "options": ["rbind", "ro"]}'
  ctr_ok 'cat /etc/deep/afile; [ -f /etc/deep/afile ] && echo is-file'
  assert_output $'file-content\nis-file'
}

@test "mounts: rro reaches submounts, ro only the top mount" {
  local src="$BATS_TEST_TMPDIR/src"
  mkdir -p "$src/sub"
  timeout 10 mount -t tmpfs hsub "$src/sub"
  snapshot_host_mounts
  add_mount "$(jq -n --arg s "$src" '{destination: "/top", source: $s, options: ["rbind", "ro"]}')"
  add_mount "$(jq -n --arg s "$src" '{destination: "/rec", source: $s, options: ["rbind", "rro"]}')"
  ctr_ok 'cat /proc/self/mountinfo; touch /top/sub/x && echo top-sub-writable; touch /rec/sub/x 2>/dev/null || echo rec-sub-readonly'
  [[ "$(opts "$(mountinfo_line "$output" /top)")" == ro,* ]] || fail "/top: $output"
  [[ "$(opts "$(mountinfo_line "$output" /top/sub)")" == rw,* ]] || fail "/top/sub: $output"
  [[ "$(opts "$(mountinfo_line "$output" /rec)")" == ro,* ]] || fail "/rec: $output"
  [[ "$(opts "$(mountinfo_line "$output" /rec/sub)")" == ro,* ]] || fail "/rec/sub: $output"
  assert_line top-sub-writable
  assert_line rec-sub-readonly
  timeout 10 umount "$src/sub"
}

@test "mounts: recursive atime, nosuid, nodev, noexec attributes; rrw undoes a ro" {
  local src="$BATS_TEST_TMPDIR/src"
  mkdir -p "$src/sub"
  timeout 10 mount -t tmpfs hsub "$src/sub"
  add_mount "$(jq -n --arg s "$src" '{destination: "/a", source: $s, options: ["rbind", "rnoatime", "rnosuid", "rnodev", "rnoexec"]}')"
  add_mount "$(jq -n --arg s "$src" '{destination: "/b", source: $s, options: ["rbind", "rnoatime", "rstrictatime", "rnodiratime"]}')"
  add_mount "$(jq -n --arg s "$src" '{destination: "/c", source: $s, options: ["rbind", "rro", "rrw", "noatime"]}')"
  ctr_ok 'cat /proc/self/mountinfo'
  local m o
  for m in /a /a/sub; do
    o=$(opts "$(mountinfo_line "$output" $m)")
    [[ ",$o," == *,nosuid,* && ",$o," == *,nodev,* && ",$o," == *,noexec,* && ",$o," == *,noatime,* ]] || fail "$m: $o"
  done
  for m in /b /b/sub; do
    o=$(opts "$(mountinfo_line "$output" $m)")
    [[ ",$o," != *,noatime,* && ",$o," != *,relatime,* && ",$o," == *,nodiratime,* ]] || fail "$m (strictatime): $o"
  done
  o=$(opts "$(mountinfo_line "$output" /c)")
  [[ "$o" == rw,* && ",$o," == *,noatime,* ]] || fail "/c: $o"
  o=$(opts "$(mountinfo_line "$output" /c/sub)")
  [[ "$o" == rw,* && ",$o," == *,relatime,* ]] || fail "/c/sub (noatime is not recursive): $o"
  timeout 10 umount "$src/sub"
}

@test "mounts: remount changes the mount already at the destination" {
  add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["remount", "ro", "size=2m"]}'
  ctr_ok 'grep " /data " /proc/self/mountinfo; touch /data/x 2>/dev/null || echo readonly'
  assert_equal "${#lines[@]}" 2
  [[ "$(opts "${lines[0]}")" == ro,* && "$(super "${lines[0]}")" == *size=2048k* ]] || fail "${lines[0]}"
  assert_line --index 1 readonly
}

@test "mounts: per-mount propagation options are applied after the mount" {
  add_mount '{"destination": "/s", "type": "tmpfs", "source": "tmpfs", "options": ["rshared"]}'
  add_mount '{"destination": "/u", "type": "tmpfs", "source": "tmpfs", "options": ["unbindable"]}'
  add_mount '{"destination": "/p", "type": "tmpfs", "source": "tmpfs", "options": ["shared", "private"]}'
  ctr_ok 'cat /proc/self/mountinfo'
  [[ "$(mountinfo_line "$output" /s)" == *" shared:"*" - tmpfs "* ]] || fail "/s: $output"
  [[ "$(mountinfo_line "$output" /u)" == *" unbindable - tmpfs "* ]] || fail "/u: $output"
  [[ "$(mountinfo_line "$output" /p)" == *relatime" - tmpfs "* ]] || fail "/p: $output"
}

@test "mounts: an idmapped bind shows the mapped owner" {
  local src="$BATS_TEST_TMPDIR/src"
  mkdir -p "$src"
  touch "$src/f"
  chown 0:0 "$src" "$src/f"
  add_mount "$(jq -n --arg s "$src" '{destination: "/idm", type: "bind", source: $s, options: ["rbind", "idmap"],
      uidMappings: [{containerID: 0, hostID: 1000, size: 10}], gidMappings: [{containerID: 0, hostID: 2000, size: 10}]}')"
  ctr_ok 'stat -c "%u:%g" /idm/f; grep " /idm " /proc/self/mountinfo'
  assert_line --index 0 1000:2000
  [[ "$(opts "${lines[1]}")" == *idmapped* ]] || fail "${lines[1]}"
  # The host's file is not touched.
  assert_equal "$(stat -c %u:%g "$src/f")" 0:0
}

@test "mounts: an idmapped tmpfs; mappings alone ask for an idmapped mount" {
  add_mount '{"destination": "/idm", "type": "tmpfs", "source": "tmpfs",
      "uidMappings": [{"containerID": 0, "hostID": 500, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 600, "size": 1}]}'
  ctr_ok 'stat -c "%u:%g" /idm'
  assert_output 500:600
}

@test "mounts: idmap where the filesystem cannot, or without both mappings, fails clearly" {
  add_mount '{"destination": "/idm", "type": "bind", "source": "/proc/sys/kernel", "options": ["rbind", "idmap"],
      "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 1}]}'
  ctr_fails 'mounts\[1\]: idmapped mounts are not supported by the filesystem of "/proc/sys/kernel"'

  update_config "$BUNDLE" 'del(.mounts[1].gidMappings)'
  ctr_fails 'mounts\[1\]: an idmapped mount needs both uidMappings and gidMappings'
}

@test "mounts: overlay with its data string" {
  local d="$BATS_TEST_TMPDIR/ovl"
  mkdir -p "$d/lower" "$d/upper" "$d/work"
  echo lower >"$d/lower/l"
  add_mount "$(jq -n --arg d "$d" '{destination: "/ovl", type: "overlay", source: "overlay",
      options: ["lowerdir=\($d)/lower,upperdir=\($d)/upper,workdir=\($d)/work"]}')"
  ctr_ok 'cat /ovl/l; echo new > /ovl/n; grep " /ovl " /proc/self/mountinfo'
  assert_line --index 0 lower
  [[ "${lines[1]}" == *" - overlay overlay "* ]] || fail "${lines[1]}"
  assert_equal "$(cat "$d/upper/n")" new
  [[ ! -e "$d/lower/n" ]]
}

@test "mounts: tmpcopyup fills the tmpfs with what it covers" {
  mkdir -p "$BUNDLE/rootfs/etc/sub"
  echo orig >"$BUNDLE/rootfs/etc/sub/f"
  chmod 0640 "$BUNDLE/rootfs/etc/sub/f"
  ln -s sub/f "$BUNDLE/rootfs/etc/link"
  add_mount '{"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup"]}'
  ctr_ok 'cat /etc/link; stat -c %a /etc/sub/f; echo changed > /etc/sub/f; grep " /etc " /proc/self/mountinfo'
  assert_line --index 0 orig
  assert_line --index 1 640
  [[ "${lines[2]}" == *" - tmpfs "* ]] || fail "${lines[2]}"
  assert_equal "$(cat "$BUNDLE/rootfs/etc/sub/f")" orig
}

@test "mounts: a read-only tmpcopyup tmpfs is filled, then read-only" {
  mkdir -p "$BUNDLE/rootfs/opt"
  echo orig >"$BUNDLE/rootfs/opt/f"
  add_mount '{"destination": "/opt", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "ro"]}'
  ctr_ok 'cat /opt/f; touch /opt/g 2>/dev/null || echo readonly'
  assert_output $'orig\nreadonly'
}

@test "--no-pivot: the rootfs is moved over / and chrooted, with masked paths and sysctl applied" {
  echo secret >"$BUNDLE/rootfs/secret"
  update_config "$BUNDLE" '.linux.maskedPaths = ["/secret"] | .linux.sysctl = {"kernel.shmmni": "1234"} | .root.readonly = true'
  set_args "$BUNDLE" sh -c 'echo "[$(cat /secret)]"; cat /proc/sys/kernel/shmmni; ls -d /bin /proc; touch /x 2>/dev/null || echo root-ro'
  hrun husk run --no-pivot --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output $'[]\n1234\n/bin\n/proc\nroot-ro'
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

@test "mounts: an unknown filesystem type fails clearly and leaves nothing" {
  add_mount '{"destination": "/x", "type": "nosuchfs", "source": "none"}'
  ctr_fails 'config\.json: mounts\[1\]: mount nosuchfs on "/x": no such device'
}

@test "mounts: bad entries fail clearly" {
  add_mount '{"destination": "/x", "type": "bind", "source": "/tmp", "options": ["rbind", "sync"]}'
  ctr_fails 'mounts\[1\]\.options: "sync" does not apply to a bind mount'

  update_config "$BUNDLE" '.mounts[1] = {"destination": "x", "type": "tmpfs"}'
  ctr_fails 'mounts\[1\]\.destination: must be an absolute path'

  update_config "$BUNDLE" '.mounts[1] = {"destination": "/x", "type": "bind", "source": "/nonexistent-husk"}'
  ctr_fails 'mounts\[1\]: bind source "/nonexistent-husk": no such file or directory'

  update_config "$BUNDLE" '.mounts[1] = {"destination": "/x", "type": "tmpfs", "options": ["tmpcopyup", "bind"]}'
  ctr_fails 'mounts\[1\]\.options: "tmpcopyup" applies to tmpfs mounts only'

  update_config "$BUNDLE" '.mounts = [.mounts[0]] | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
  if [[ -d /sys/fs/selinux ]]; then
    skip "SELinux is enabled on this host"
  fi
  ctr_fails 'config\.json: linux\.mountLabel.*: SELinux is not enabled on this host'
}

@test "root: an absolute root.path; root.readonly keeps /dev and /proc writable" {
  update_config "$BUNDLE" '.root = {path: $p, readonly: true}' --arg p "$BUNDLE/rootfs"
  ctr_ok 'touch /x 2>/dev/null || echo root-ro; grep -E "^([^ ]+ ){4}/ " /proc/self/mountinfo; echo ok > /dev/f && echo dev-rw; grep " /proc " /proc/self/mountinfo'
  assert_line --index 0 root-ro
  [[ "$(opts "${lines[1]}")" == ro,* ]] || fail "${lines[1]}"
  assert_line --index 2 dev-rw
  [[ "$(opts "${lines[3]}")" == rw,* ]] || fail "${lines[3]}"
}

# Hostile rootfs: every destination is resolved inside the rootfs.

@test "hostile rootfs: a destination under an absolute symlink to / lands inside the rootfs" {
  ln -s / "$BUNDLE/rootfs/etc"
  add_mount '{"destination": "/etc/hostile", "type": "tmpfs", "source": "tmpfs"}'
  ctr_ok 'grep hostile /proc/self/mountinfo'
  assert_output --regexp '^[0-9]+ [0-9]+ [0-9:]+ / /hostile '
  [[ -d "$BUNDLE/rootfs/hostile" && ! -e /hostile ]] || fail "the mount point was not made inside the rootfs"
  assert_host_mounts_unchanged
}

@test "hostile rootfs: a relative symlink climbing with .. stays in the rootfs" {
  ln -s ../../../../../../.. "$BUNDLE/rootfs/up"
  add_mount '{"destination": "/up/tmp/husk-escape", "type": "tmpfs", "source": "tmpfs"}'
  ctr_ok 'grep husk-escape /proc/self/mountinfo'
  assert_output --regexp ' /tmp/husk-escape '
  [[ -d "$BUNDLE/rootfs/tmp/husk-escape" && ! -e /tmp/husk-escape ]] || fail "escaped the rootfs"
  assert_host_mounts_unchanged
}

@test "hostile rootfs: a symlink to a host file is resolved in the rootfs (missing there: refused)" {
  echo host-secret >"$BATS_TEST_TMPDIR/hostfile"
  ln -s "$BATS_TEST_TMPDIR/hostfile" "$BUNDLE/rootfs/target"
  echo over >"$BUNDLE/src"
  add_mount '{"destination": "/target", "type": "bind", "source": "src", "options": ["bind"]}'
  ctr_fails 'mounts\[1\]: "/target" in the rootfs is a symbolic link to a missing target'
  assert_equal "$(cat "$BATS_TEST_TMPDIR/hostfile")" host-secret

  # With the target present inside the rootfs, the mount goes there.
  mkdir -p "$BUNDLE/rootfs/$BATS_TEST_TMPDIR"
  echo inside >"$BUNDLE/rootfs/$BATS_TEST_TMPDIR/hostfile"
  ctr_ok "cat /target; cat $BATS_TEST_TMPDIR/hostfile"
  assert_output $'over\nover'
  assert_equal "$(cat "$BATS_TEST_TMPDIR/hostfile")" host-secret
  assert_host_mounts_unchanged
}

@test "hostile rootfs: a /proc symlink is refused for procfs" {
  rmdir "$BUNDLE/rootfs/proc"
  mkdir -p "$BUNDLE/rootfs/fakeproc"
  ln -s /fakeproc "$BUNDLE/rootfs/proc"
  ctr_fails 'mounts\[0\]: "/proc" in the rootfs is a symbolic link'

  ln -sfn .. "$BUNDLE/rootfs/proc"
  ctr_fails 'mounts\[0\]: "/proc" in the rootfs is a symbolic link'
}

@test "hostile rootfs: a symlinked /dev is populated inside the rootfs" {
  rmdir "$BUNDLE/rootfs/dev"
  mkdir -p "$BUNDLE/rootfs/realdev"
  ln -s ../../../realdev "$BUNDLE/rootfs/dev"
  ctr_ok 'grep " /realdev " /proc/self/mountinfo | wc -l; stat -c "%t:%T" /dev/null'
  assert_output $'1\n1:3'
  assert_host_mounts_unchanged
}

@test "mounts: a podman-style config (mount table, masked and read-only paths) runs" {
  local ud="$BATS_TEST_TMPDIR/userdata"
  mkdir -p "$ud/shm"
  echo podman-host >"$ud/hostname"
  : >"$ud/hosts"
  update_config "$BUNDLE" '.mounts = [
    {destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]},
    {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "noexec", "strictatime", "mode=755", "size=65536k"]},
    {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]},
    {destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
    {destination: "/dev/shm", type: "bind", source: ($ud + "/shm"), options: ["bind", "rprivate", "nosuid", "noexec", "nodev"]},
    {destination: "/etc/hostname", type: "bind", source: ($ud + "/hostname"), options: ["bind", "rprivate"]},
    {destination: "/etc/hosts", type: "bind", source: ($ud + "/hosts"), options: ["bind", "rprivate"]}]
    | .linux.maskedPaths = ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/fs/selinux", "/sys/dev/block"]
    | .linux.readonlyPaths = ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]' \
    --arg ud "$ud"
  ctr_ok 'cat /etc/hostname; echo "[$(cat /proc/keys)]"; ls /sys/firmware | wc -l; echo x > /dev/shm/f
    touch /sys/x 2>/dev/null || echo sys-ro; echo 1 > /proc/sys/kernel/shmmni 2>/dev/null || echo procsys-ro
    grep -E " /dev/(mqueue|pts) " /proc/self/mountinfo | wc -l; stat -c %t:%T /dev/null'
  assert_output $'podman-host\n[]\n0\nsys-ro\nprocsys-ro\n2\n1:3'
  assert_equal "$(cat "$ud/shm/f")" x
  assert_host_mounts_unchanged
}
