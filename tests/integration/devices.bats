#!/usr/bin/env bats
# /dev: husk's tmpfs with the default devices, /dev/pts and the symlinks
# (a /dev/shm only when mounts[] has one); linux.devices with type, numbers,
# mode and owner; the device cgroup (linux.resources.devices plus runc's
# default rules, at create and by update), checked from inside the container
# and against runc.

load helpers
load fs-helpers
load cgroup-helpers

setup() {
  husk_setup
  snapshot_host_mounts
}

teardown() {
  if [[ -n "${RUNC_ROOT:-}" ]]; then
    timeout 20 runc --root "$RUNC_ROOT" delete --force "$RUNC_CTR" >/dev/null 2>&1 </dev/null 3>&- || true
  fi
  husk_teardown
  if [[ -n "${USERNS_BUNDLE:-}" && -d "$USERNS_BUNDLE" ]]; then
    rm -rf "$USERNS_BUNDLE"
  fi
}

# The checks of the default /dev, printed one per line by the container.
DEV_REPORT='for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a %u:%g" /dev/$d; done
for l in fd stdin stdout stderr core ptmx; do echo "/dev/$l -> $(readlink /dev/$l)"; done
grep -E " /dev(/pts|/shm)? " /proc/self/mountinfo'

assert_default_dev() {
  assert_line "/dev/null character special file 1:3 666 0:0"
  assert_line "/dev/zero character special file 1:5 666 0:0"
  assert_line "/dev/full character special file 1:7 666 0:0"
  assert_line "/dev/random character special file 1:8 666 0:0"
  assert_line "/dev/urandom character special file 1:9 666 0:0"
  assert_line "/dev/tty character special file 5:0 666 0:0"
  assert_line "/dev/fd -> /proc/self/fd"
  assert_line "/dev/stdin -> /proc/self/fd/0"
  assert_line "/dev/stdout -> /proc/self/fd/1"
  assert_line "/dev/stderr -> /proc/self/fd/2"
  # /dev/core only where the host has /proc/kcore, as runc makes it.
  if [[ -e /proc/kcore ]]; then
    assert_line "/dev/core -> /proc/kcore"
  else
    assert_line "/dev/core -> "
  fi
  assert_line "/dev/ptmx -> pts/ptmx"
  assert_line --regexp ' /dev/pts rw,nosuid,noexec,[a-z,]* - devpts devpts rw,gid=5,mode=620,ptmxmode=666'
  # make_bundle's mounts[] has no /dev/shm: there is none (as with runc).
  refute_line --regexp ' /dev/shm '
}

@test "devices: without a /dev mount, husk mounts a tmpfs and populates it" {
  ctr_ok "$DEV_REPORT"
  assert_default_dev
  assert_line --regexp ' /dev rw,nosuid[a-z,]* - tmpfs tmpfs rw,size=65536k,mode=755'
  # Nothing was written into the image's /dev.
  assert_equal "$(ls -A "$BUNDLE/rootfs/dev")" ""
  assert_host_mounts_unchanged
}

@test "devices: a configured tmpfs /dev is populated; configured /dev/pts and /dev/shm are kept" {
  update_config "$BUNDLE" '.mounts += [
    {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "mode=755", "size=1m"]},
    {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "nodev", "noexec", "size=2m"]}]'
  ctr_ok "$DEV_REPORT; echo x > /dev/null && head -c 3 /dev/zero | wc -c"
  assert_line --regexp ' /dev rw,nosuid[a-z,]* - tmpfs tmpfs rw,size=1024k,mode=755'
  assert_line --regexp ' /dev/shm rw,nosuid,nodev,noexec,[a-z,]* - tmpfs shm rw,size=2048k'
  assert_equal "$(grep -c ' /dev/shm ' <<<"$output")" 1
  assert_line --regexp ' /dev/pts .* - devpts devpts '
  assert_line "/dev/null character special file 1:3 666 0:0"
  assert_line "/dev/ptmx -> pts/ptmx"
  assert_line 3
}

@test "devices: a bind of the host's /dev is not populated" {
  update_config "$BUNDLE" '.mounts += [{destination: "/dev", type: "bind", source: "/dev", options: ["rbind", "nosuid"]}]'
  ctr_ok 'grep -c " /dev " /proc/self/mountinfo; [ -L /dev/core ] || echo no-core-link'
  assert_line --index 0 1
  assert_line no-core-link
  assert_host_mounts_unchanged
}

@test "devices: linux.devices of every type with numbers, mode and owner" {
  update_config "$BUNDLE" '.linux.devices = [
    {path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 416, uid: 1, gid: 2},
    {path: "/dev/sub/loopx", type: "b", major: 7, minor: 200, fileMode: 384, uid: 3, gid: 4},
    {path: "/dev/unbuf", type: "u", major: 1, minor: 3},
    {path: "/dev/fifo", type: "p", fileMode: 420},
    {path: "/dev/podman-zero", type: "c", major: 1, minor: 5, fileMode: 8630},
    {path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 432}]'
  ctr_ok 'for d in /dev/fuse /dev/sub/loopx /dev/unbuf /dev/fifo /dev/podman-zero /dev/null; do stat -c "%n %F %t:%T %a %u:%g" $d; done'
  assert_line "/dev/fuse character special file a:e5 640 1:2"
  assert_line "/dev/sub/loopx block special file 7:c8 600 3:4"
  assert_line "/dev/unbuf character special file 1:3 666 0:0"
  assert_line "/dev/fifo fifo 0:0 644 0:0"
  # podman's spelling: fileMode 020666, the type bits included.
  assert_line "/dev/podman-zero character special file 1:5 666 0:0"
  # The configured /dev/null wins over the default one.
  assert_line "/dev/null character special file 1:3 660 0:0"
}

@test "devices: a device path through a symlink is made inside the rootfs" {
  ln -s / "$BUNDLE/rootfs/escape"
  update_config "$BUNDLE" '.linux.devices = [{path: "/escape/tmp/husk-dev-escape", type: "c", major: 1, minor: 3}]'
  ctr_ok 'stat -c "%n %t:%T" /tmp/husk-dev-escape'
  assert_output "/tmp/husk-dev-escape 1:3"
  [[ -c "$BUNDLE/rootfs/tmp/husk-dev-escape" && ! -e /tmp/husk-dev-escape ]] || fail "the device escaped the rootfs"
}

@test "devices: bad linux.devices entries fail clearly" {
  update_config "$BUNDLE" '.linux.devices = [{path: "/dev/x", type: "c"}]'
  ctr_fails 'config\.json: linux\.devices\[0\]: major and minor are required for type "c"'

  update_config "$BUNDLE" '.linux.devices = [{path: "dev/x", type: "p"}]'
  ctr_fails 'config\.json: linux\.devices\[0\]\.path: must be an absolute path'

  # The file type may be in fileMode (podman sends S_IFCHR | 0666), but it
  # must agree with type.
  update_config "$BUNDLE" '.linux.devices = [{path: "/dev/x", type: "c", major: 1, minor: 3, fileMode: 25014}]'
  ctr_fails 'config\.json: linux\.devices\[0\]\.fileMode: 60666 has bits other than permissions and the type "c"'

  mkdir -p "$BUNDLE/rootfs/etc"
  echo data >"$BUNDLE/rootfs/etc/notadev"
  update_config "$BUNDLE" '.linux.devices = [{path: "/etc/notadev", type: "c", major: 1, minor: 3}]'
  ctr_fails 'config\.json: linux\.devices\[0\]: "/etc/notadev" exists in the rootfs and is not that device'
  assert_equal "$(cat "$BUNDLE/rootfs/etc/notadev")" data
}

@test "devices: with process.terminal, /dev/console is the container's pty" {
  local recvtty="${HUSK_BUILDDIR:-}/tests/integration/recvtty"
  [[ -x "$recvtty" ]] || fail "recvtty is not built: run 'make check' in HUSK_BUILDDIR=${HUSK_BUILDDIR:-(unset)}"
  update_config "$BUNDLE" '.process.terminal = true'
  set_args "$BUNDLE" sh -c 'tty; stat -c "%t:%T" /dev/console $(tty); grep " /dev/console " /proc/self/mountinfo; echo hello > /dev/console'
  local sock="$BATS_TEST_TMPDIR/console.sock" out="$BATS_TEST_TMPDIR/tty.out"
  "$recvtty" --timeout 30 --output "$out" "$sock" </dev/null >"$BATS_TEST_TMPDIR/recvtty.log" 2>&1 3>&- &
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
  assert_equal "$bg_status" 0
  mapfile -t lines < <(tr -d '\r' <"$out")
  [[ "${lines[0]}" == /dev/pts/* ]] || fail "tty: ${lines[*]}"
  assert_equal "${lines[1]}" "${lines[2]}"
  [[ "${lines[3]}" == *" /dev/console "*" - devpts "* ]] || fail "mountinfo: ${lines[3]}"
  assert_equal "${lines[4]}" hello
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

@test "devices: in a user namespace, where mknod is not allowed, the host's devices are bound" {
  # The container's root (host uid 100000) must reach the rootfs: bats'
  # temp dirs are 0700, so this bundle lives in a 0755 one (teardown
  # removes it).
  USERNS_BUNDLE=$(mktemp -d /tmp/husk-fs-userns.XXXXXX)
  chmod 0755 "$USERNS_BUNDLE"
  BUNDLE=$USERNS_BUNDLE
  make_bundle "$BUNDLE"
  update_config "$BUNDLE" '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229}]'
  # The bound node comes from the host's /dev, whatever its filesystem
  # (devtmpfs on a machine, tmpfs inside another container).
  local devfs
  devfs=$(awk '$5 == "/dev" { for (i = 7; $i != "-"; i++); print $(i + 1) }' /proc/self/mountinfo | tail -n 1)
  run_in_ctr "stat -c '%n %t:%T' /dev/null /dev/zero /dev/tty /dev/fuse; grep -c ' /dev/null .* - $devfs ' /proc/self/mountinfo; echo x > /dev/null && echo null-ok"
  assert_ok
  assert_output $'/dev/null 1:3\n/dev/zero 1:5\n/dev/tty 5:0\n/dev/fuse a:e5\n1\nnull-ok'
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

# ---- the device cgroup ----

# A node that linux.devices makes, which no default rule covers: /dev/fuse
# by another name (docker run --device /dev/fuse:/dev/myfuse:r).
MYFUSE='{path: "/dev/myfuse", type: "c", major: 10, minor: 229}'
DENY_ALL='{"allow": false, "access": "rwm"}'
FUSE_R='{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}'
FUSE_RW='{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}'

# The shell function of the checks: `o read|write PATH` opens PATH and says
# "read PATH: ok" or the error (EPERM is the device cgroup's refusal; any
# other error comes from the driver, which the cgroup let the open reach).
OPEN_FN='o() { case $1 in read) r="<" ;; write) r=">" ;; esac
  if (eval "exec 4$r$2") 2>/tmp/open.err; then echo "$1 $2: ok"; else echo "$1 $2: $(sed "s/.*: //" /tmp/open.err)"; fi; }'
# The defaults every container may use, then /dev/myfuse.
DEV_OPENS="$OPEN_FN"'
for d in null zero full random urandom tty ptmx myfuse; do o read /dev/$d; o write /dev/$d; done'

DEFAULT_OPENS=$'read /dev/null: ok\nwrite /dev/null: ok
read /dev/zero: ok\nwrite /dev/zero: ok\nread /dev/full: ok\nwrite /dev/full: ok
read /dev/random: ok\nwrite /dev/random: ok\nread /dev/urandom: ok\nwrite /dev/urandom: ok
read /dev/tty: No such device or address\nwrite /dev/tty: No such device or address
read /dev/ptmx: ok\nwrite /dev/ptmx: ok'

# devices_bundle RESOURCES-DEVICES-JSON|none: linux.devices has /dev/myfuse;
# linux.resources.devices is the array given (none: no linux.resources);
# /dev and /dev/pts are mounted as `runc spec` has them (runc mounts only
# what the config lists).
devices_bundle() {
  link_applets sed
  update_config "$BUNDLE" ".linux.devices = [$MYFUSE] | .mounts += [
    {destination: \"/dev\", type: \"tmpfs\", source: \"tmpfs\", options: [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},
    {destination: \"/dev/pts\", type: \"devpts\", source: \"devpts\",
     options: [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\", \"gid=5\"]}]"
  if [[ "$1" != none ]]; then
    set_resources "{\"devices\": $1}"
  fi
}

# runc_ctr SCRIPT: the bundle as it is, with process.args sh -c SCRIPT, run
# by runc 1.1 (the reference) in the foreground; sets status, output,
# stderr like hrun.
runc_ctr() {
  RUNC_ROOT=$BATS_TEST_TMPDIR/runc-root RUNC_CTR=$CTR-runc
  set_args "$BUNDLE" sh -c "$1"
  hrun timeout 20 runc --root "$RUNC_ROOT" run -b "$BUNDLE" "$RUNC_CTR"
}

# devices_list PID: the devices.list of PID's v1 devices cgroup, sorted
# (the kernel lists the rules in the order they were added).
devices_list() {
  sort "$(cg_dir "$1" devices)/devices.list"
}

# v1_devices: the host has the v1 devices controller, whose devices.list
# shows the rules in force (on cgroup v2 they are a BPF program, checked
# from inside the container only).
v1_devices() {
  cg_has devices && ! cg_v2 devices
}

# runc_devices_list [BUNDLE]: the devices.list of the cgroup runc gives
# the bundle (default $BUNDLE) as it is (runc run -d, then delete
# --force), in RUNC_LIST.
runc_devices_list() {
  local b=${1:-$BUNDLE}
  RUNC_ROOT=$BATS_TEST_TMPDIR/runc-root RUNC_CTR=$CTR-runc
  set_args "$b" sleep 1000
  hrun timeout 20 runc --root "$RUNC_ROOT" run -d -b "$b" "$RUNC_CTR"
  assert_ok
  RUNC_LIST=$(devices_list "$(runc --root "$RUNC_ROOT" state "$RUNC_CTR" | jq -r .pid)")
  timeout 20 runc --root "$RUNC_ROOT" delete --force "$RUNC_CTR" 3>&-
}

# husk_devices_list: the same with husk, in HUSK_LIST.
husk_devices_list() {
  set_args "$BUNDLE" sleep 1000
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  HUSK_LIST=$(devices_list "$(state_field "$CTR" .pid)")
  delete_and_check
}

# assert_devices_list_as_runc: on a v1 host, husk's devices.list for the
# bundle is runc's, line for line.
assert_devices_list_as_runc() {
  v1_devices || return 0
  runc_devices_list
  husk_devices_list
  assert_equal "$HUSK_LIST" "$RUNC_LIST"
}

@test "device cgroup: a linux.devices node with only an r rule opens for reading, not for writing, as with runc" {
  devices_bundle "[$DENY_ALL, $FUSE_R]"
  ctr_ok "$DEV_OPENS"
  assert_output "$DEFAULT_OPENS"$'\nread /dev/myfuse: ok\nwrite /dev/myfuse: Operation not permitted'
  local husk_out=$output
  runc_ctr "$DEV_OPENS"
  assert_ok
  assert_equal "$output" "$husk_out"
  assert_devices_list_as_runc
  if v1_devices; then
    grep -qx 'c 10:229 r' <<<"$HUSK_LIST" || fail "no c 10:229 r in $HUSK_LIST"
  fi
}

@test "device cgroup: with a deny-all rule or no rules, a linux.devices node opens neither way; the defaults work, as with runc" {
  local rules
  for rules in "[$DENY_ALL]" none; do
    rm -rf "$BUNDLE"
    make_bundle "$BUNDLE"
    devices_bundle "$rules"
    ctr_ok "$DEV_OPENS"
    assert_output "$DEFAULT_OPENS"$'\nread /dev/myfuse: Operation not permitted\nwrite /dev/myfuse: Operation not permitted'
    local husk_out=$output
    runc_ctr "$DEV_OPENS"
    assert_ok
    assert_equal "$output" "$husk_out"
    assert_devices_list_as_runc
  done
  # Exactly runc 1.1's default rules (libcontainer/specconv AllowedDevices).
  if v1_devices; then
    assert_equal "$HUSK_LIST" "$(printf '%s\n' 'b *:* m' 'c *:* m' 'c 1:3 rwm' 'c 1:5 rwm' \
      'c 1:7 rwm' 'c 1:8 rwm' 'c 1:9 rwm' 'c 10:200 rwm' 'c 136:* rwm' 'c 5:0 rwm' 'c 5:2 rwm' | sort)"
  fi
}

# exec_opens: in the running $CTR, the opens of /dev/myfuse and a write
# of /dev/null, one line each.
exec_opens() {
  hrun husk exec "$CTR" sh -c "$OPEN_FN; o read /dev/myfuse; o write /dev/myfuse; o write /dev/null"
  assert_ok
}

# update_devices RULES-JSON: `husk update --resources` of $CTR with
# {"devices": RULES} (what CRI's UpdateContainerResources sends holds the
# container's whole linux.resources, devices included).
update_devices() {
  echo "{\"devices\": $1}" >"$BATS_TEST_TMPDIR/update.json"
  hrun husk update --resources "$BATS_TEST_TMPDIR/update.json" "$CTR"
}

@test "device cgroup: update --resources grants and revokes device access in a running container" {
  devices_bundle "[$DENY_ALL]"
  run_loop
  exec_opens
  assert_output $'read /dev/myfuse: Operation not permitted\nwrite /dev/myfuse: Operation not permitted\nwrite /dev/null: ok'
  # The same rules in a bundle of their own, for runc to show the cgroup
  # they make (runc's own update leaves device rules as they are).
  local ref=$BATS_TEST_TMPDIR/runc-bundle rules r w
  make_bundle "$ref"
  while IFS='|' read -r rules r w; do
    update_devices "$rules"
    assert_ok
    exec_opens
    assert_output "read /dev/myfuse: $r"$'\n'"write /dev/myfuse: $w"$'\nwrite /dev/null: ok'
    if v1_devices; then
      cp "$BUNDLE/config.json" "$ref/config.json"
      update_config "$ref" '.linux.resources.devices = $d' --argjson d "$rules"
      runc_devices_list "$ref"
      assert_equal "$(devices_list "$(state_field "$CTR" .pid)")" "$RUNC_LIST"
    fi
  done <<EOF
[$DENY_ALL, $FUSE_R]|ok|Operation not permitted
[$DENY_ALL, $FUSE_RW]|ok|ok
[$DENY_ALL]|Operation not permitted|Operation not permitted
[$DENY_ALL, $FUSE_RW]|ok|ok
EOF
  # An update without devices leaves them as they are.
  echo '{"pids": {"limit": 1000}}' >"$BATS_TEST_TMPDIR/pids.json"
  hrun husk update --resources "$BATS_TEST_TMPDIR/pids.json" "$CTR"
  assert_ok
  exec_opens
  assert_output $'read /dev/myfuse: ok\nwrite /dev/myfuse: ok\nwrite /dev/null: ok'
  delete_and_check
}

@test "device cgroup: an update with the device list in force changes nothing" {
  devices_bundle "[$DENY_ALL, $FUSE_R]"
  run_loop
  local dir="" before="" after
  if v1_devices; then
    dir=$(cg_dir "$(state_field "$CTR" .pid)" devices)
    # A write to devices.allow or devices.deny sets its mtime.
    before=$(stat -c '%n %y' "$dir/devices.allow" "$dir/devices.deny"; cat "$dir/devices.list")
  fi
  exec_opens
  assert_output $'read /dev/myfuse: ok\nwrite /dev/myfuse: Operation not permitted\nwrite /dev/null: ok'
  # Spelled otherwise (the letters in another order, one twice), the same rules.
  update_devices '[{"allow": false, "access": "mwr"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rr"}]'
  assert_ok
  exec_opens
  assert_output $'read /dev/myfuse: ok\nwrite /dev/myfuse: Operation not permitted\nwrite /dev/null: ok'
  if [[ -n "$dir" ]]; then
    after=$(stat -c '%n %y' "$dir/devices.allow" "$dir/devices.deny"; cat "$dir/devices.list")
    assert_equal "$after" "$before"
    # Other rules do write there: the check above can see a write.
    update_devices "[$DENY_ALL, $FUSE_RW]"
    assert_ok
    after=$(stat -c '%n %y' "$dir/devices.allow" "$dir/devices.deny"; cat "$dir/devices.list")
    [[ "$after" != "$before" ]] || fail "an update with other rules left the devices cgroup as it was: $after"
  fi
  delete_and_check
}

@test "device cgroup: a bad access string or rule is one clear error at create and at update, and changes nothing" {
  devices_bundle "[$DENY_ALL, $FUSE_R]"
  set_args "$BUNDLE" true
  refuse_each_config \
    '.linux.resources.devices[1].access = "rwx"' \
    'linux\.resources\.devices\[1\]\.access: invalid access "rwx" \(r, w and m only\)$' \
    '.linux.resources.devices[1].access = ""' \
    'linux\.resources\.devices\[1\]\.access: required and must not be empty \(r, w and m, in any order\)$' \
    'del(.linux.resources.devices[1].access)' \
    'linux\.resources\.devices\[1\]\.access: required and must not be empty' \
    '.linux.resources.devices += [{allow: true, type: "c", major: 10, access: "rw"}, {allow: false, type: "c", major: 10, minor: 229, access: "w"}]' \
    'linux\.resources\.devices\[3\]: deny "c 10:229 w" would take accesses from inside the earlier wildcard rule "c 10:\* rw", which the devices cgroup cannot do$'
  # runc refuses an empty access too (it drops letters other than r, w
  # and m, which husk refuses: docs/runc-differences.md).
  cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good.json"
  update_config "$BUNDLE" '.linux.resources.devices[1].access = ""'
  runc_ctr true
  ((status != 0)) || fail "runc ran a rule with an empty access"
  [[ "$stderr" == *"device access at 1 field cannot be empty"* ]] || fail "runc: $stderr"
  cp "$BATS_TEST_TMPDIR/good.json" "$BUNDLE/config.json"

  run_loop
  local list="" bad
  if v1_devices; then
    list=$(devices_list "$(state_field "$CTR" .pid)")
  fi
  for bad in '"rwx"' '""' '"a"'; do
    update_devices "[$DENY_ALL, {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": $bad}]"
    assert_error_line '^husk: --resources: linux\.resources\.devices\[1\]\.access: (invalid access|required and must not be empty)'
  done
  exec_opens
  assert_output $'read /dev/myfuse: ok\nwrite /dev/myfuse: Operation not permitted\nwrite /dev/null: ok'
  if v1_devices; then
    assert_equal "$(devices_list "$(state_field "$CTR" .pid)")" "$list"
  fi
  assert_equal "$(state_field "$CTR" .status)" running
  delete_and_check
}
