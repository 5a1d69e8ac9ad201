#!/usr/bin/env bats
# process.selinuxLabel and linux.mountLabel on a host with SELinux: the
# container's and exec'd processes run with the label, its session
# keyring carries it, the filesystems husk mounts get the mount label
# (context=, or the root's security.selinux for an mqueue), empty fields
# change nothing, labels the policy does not know are clear errors.
# Needs SELinux enabled with a policy that knows the labels below: the VM
# lane's --selinux mode has both (tests/vm/run-vm.sh, tests/vm/selinux.cil,
# permissive); a host without SELinux skips these, but for the refusal of
# labels that are no context at all, which husk makes before it looks for
# an LSM.  lsm-show (tests/integration/lsm-show.c) reads the labels inside.

load helpers

PROC_LABEL=system_u:system_r:container_t:s0:c1,c2
EXEC_LABEL=system_u:system_r:husk_exec_t:s0:c3,c4
MOUNT_LABEL=system_u:object_r:container_file_t:s0:c1,c2
OTHER_LABEL=system_u:object_r:husk_other_file_t:s0
# Types selinux.cil does not define.
BAD_PROC_LABEL=system_u:system_r:no_such_t:s0
BAD_MOUNT_LABEL=system_u:object_r:no_such_t:s0

setup() {
  husk_setup
  cp "$HUSK_BUILDDIR/tests/integration/lsm-show" "$BUNDLE/rootfs/bin/lsm-show"
}

require_selinux() {
  [[ -e /sys/fs/selinux/enforce ]] || skip "SELinux is not enabled on this host"
}

# exec_current LABEL [EXEC-OPTIONS...]: a process husk exec runs in $CTR
# has LABEL.
exec_current() {
  local want=$1
  shift
  hrun husk exec "$@" "$CTR" lsm-show
  assert_ok
  assert_equal "${lines[0]}" "current $want"
}

# run_shows LINES: husk run of the bundle succeeds, prints LINES (joined
# by blanks) and leaves nothing.
run_shows() {
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[*]}" "$1"
  assert_no_leftovers "$CTR"
}

# super_opts MOUNTPOINT: the super options (the last field) of the top
# mount on MOUNTPOINT in the /proc/self/mountinfo the last hrun printed.
super_opts() {
  printf '%s\n' "${lines[@]}" | awk -v mp="$1" '
    $5 == mp { for (i = 7; i < NF; i++) if ($i == "-") { o = $(i + 3); break } }
    END { print o }'
}

# assert_context MOUNTPOINT LABEL: its super options name LABEL, once.
assert_context() {
  local opts
  opts=$(super_opts "$1")
  [[ -n "$opts" ]] || fail "nothing is mounted on $1: ${lines[*]}"
  [[ ",$opts," == *",context=\"$2\","* ]] || fail "$1: no context=\"$2\" in its options: $opts"
  [[ "$opts" != *context=*context=* ]] || fail "$1: more than one context in its options: $opts"
}

# assert_no_context MOUNTPOINT: mounted, and no context= among its options.
assert_no_context() {
  local opts
  opts=$(super_opts "$1")
  [[ -n "$opts" ]] || fail "nothing is mounted on $1: ${lines[*]}"
  [[ "$opts" != *context=* ]] || fail "$1 has a context it should not: $opts"
}

@test "process.selinuxLabel: the process and its new session keyring have it, as root and as a user with no_new_privs" {
  require_selinux
  update_config "$BUNDLE" ".process.selinuxLabel = \"$PROC_LABEL\""
  set_args "$BUNDLE" lsm-show
  run_shows "current $PROC_LABEL keyring $PROC_LABEL"
  # SELinux lets a process with no_new_privs enter a label on exec only
  # where the policy allows that (selinux.cil does).
  update_config "$BUNDLE" '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = true'
  run_shows "current $PROC_LABEL keyring $PROC_LABEL"
}

@test "exec: the container's label by default, --process-label's, or a process.json's selinuxLabel" {
  require_selinux
  # A created container: its init waits for start, exec runs beside it.
  update_config "$BUNDLE" ".process.selinuxLabel = \"$PROC_LABEL\""
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  exec_current "$PROC_LABEL"
  exec_current "$EXEC_LABEL" --process-label "$EXEC_LABEL"
  # A process.json with a label of its own has it; one without, the
  # container's.
  jq -n --arg l system_u:system_r:husk_exec_t:s0:c5 \
    '{terminal: false, user: {uid: 0, gid: 0}, args: ["lsm-show"], env: ["PATH=/bin"], cwd: "/",
      selinuxLabel: $l}' >"$BATS_TEST_TMPDIR/labelled.json"
  exec_current system_u:system_r:husk_exec_t:s0:c5 --process "$BATS_TEST_TMPDIR/labelled.json"
  jq 'del(.selinuxLabel)' "$BATS_TEST_TMPDIR/labelled.json" >"$BATS_TEST_TMPDIR/plain.json"
  exec_current "$PROC_LABEL" --process "$BATS_TEST_TMPDIR/plain.json"
  delete_and_check
}

@test "linux.mountLabel: context= on every tmpfs and devpts husk mounts, on /dev/mqueue's root; none on proc, sysfs, binds" {
  require_selinux
  mkdir -p "$BUNDLE/rootfs/masked" "$BUNDLE/data"
  echo hidden >"$BUNDLE/rootfs/masked/file"
  # /dev and /dev/pts are husk's own, /dev/shm configured; the ipc namespace is new.
  update_config "$BUNDLE" ".linux.mountLabel = \"$MOUNT_LABEL\"
    | .linux.maskedPaths = [\"/masked\"]
    | .mounts += [
        {destination: \"/tmp\", type: \"tmpfs\", source: \"tmpfs\", options: [\"nosuid\"]},
        {destination: \"/dev/shm\", type: \"tmpfs\", source: \"shm\"},
        {destination: \"/sys\", type: \"sysfs\", source: \"sysfs\", options: [\"ro\", \"nosuid\", \"nodev\", \"noexec\"]},
        {destination: \"/dev/mqueue\", type: \"mqueue\", source: \"mqueue\"},
        {destination: \"/data\", type: \"bind\", source: \"$BUNDLE/data\", options: [\"bind\"]}]"
  set_args "$BUNDLE" sh -c 'lsm-show /dev/mqueue /tmp; ls -A /masked | wc -l; cat /proc/self/mountinfo'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[2]}" "xattr /dev/mqueue $MOUNT_LABEL"
  assert_equal "${lines[3]}" "xattr /tmp $MOUNT_LABEL"
  # The masked directory is covered by an empty tmpfs.
  assert_equal "${lines[4]}" 0
  local mp
  for mp in /dev /dev/pts /dev/shm /tmp /masked; do
    assert_context "$mp" "$MOUNT_LABEL"
  done
  for mp in /proc /sys /dev/mqueue /data; do
    assert_no_context "$mp"
  done
  assert_no_leftovers "$CTR"
}

@test "linux.mountLabel: the mqueue of an IPC namespace the container does not own keeps its label" {
  require_selinux
  # Without an ipc entry the container shares husk's IPC namespace, and
  # its /dev/mqueue is the host's mqueue superblock: relabelling it would
  # relabel the host's.
  update_config "$BUNDLE" ".linux.mountLabel = \"$MOUNT_LABEL\"
    | .linux.namespaces |= map(select(.type != \"ipc\"))
    | .mounts += [{destination: \"/dev/mqueue\", type: \"mqueue\", source: \"mqueue\"}]"
  set_args "$BUNDLE" lsm-show /dev/mqueue
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  [[ "${lines[2]}" == "xattr /dev/mqueue "* ]] || fail "unexpected: ${lines[*]}"
  [[ "${lines[2]}" != *"$MOUNT_LABEL" ]] || fail "the shared mqueue was relabelled: ${lines[2]}"
  assert_no_leftovers "$CTR"
}

@test "linux.mountLabel: a mount whose options name a context keeps it, and has no second one" {
  require_selinux
  update_config "$BUNDLE" ".linux.mountLabel = \"$MOUNT_LABEL\"
    | .mounts += [{destination: \"/other\", type: \"tmpfs\", source: \"tmpfs\",
                   options: [\"nosuid\", \"context=\\\"$OTHER_LABEL\\\"\"]}]"
  set_args "$BUNDLE" sh -c 'lsm-show /other; cat /proc/self/mountinfo'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[2]}" "xattr /other $OTHER_LABEL"
  # The kernel quotes a context only when it holds a comma.
  local opts
  opts=$(super_opts /other)
  [[ ",$opts," == *",context=$OTHER_LABEL,"* ]] || fail "/other: no context=$OTHER_LABEL in its options: $opts"
  [[ "$opts" != *context=*context=* && "$opts" != *container_file_t* ]] ||
    fail "/other: linux.mountLabel was added: $opts"
  # The others still get linux.mountLabel.
  assert_context /dev "$MOUNT_LABEL"
  assert_no_leftovers "$CTR"
}

@test "empty process.selinuxLabel and linux.mountLabel change nothing" {
  require_selinux
  # Labels and whether any mount has a context, without the fields.
  set_args "$BUNDLE" sh -c 'lsm-show /tmp; grep -c context= /proc/self/mountinfo || true'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  local plain=$output
  assert_equal "${lines[3]}" 0
  assert_no_leftovers "$CTR"

  update_config "$BUNDLE" '.process.selinuxLabel = "" | .linux.mountLabel = ""'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "$output" "$plain"
  assert_no_leftovers "$CTR"
}

@test "labels the policy does not know: a clear error naming the field, nothing left; a failed exec leaves the container running" {
  require_selinux
  local cmd
  for cmd in create run; do
    update_config "$BUNDLE" "del(.linux.mountLabel) | .process.selinuxLabel = \"$BAD_PROC_LABEL\""
    hrun husk "$cmd" --bundle "$BUNDLE" "$CTR"
    assert_error_line "^husk: config\\.json: process\\.selinuxLabel \"$BAD_PROC_LABEL\": not a valid context for this host.s SELinux policy\$"
    assert_no_leftovers "$CTR"

    update_config "$BUNDLE" "del(.process.selinuxLabel) | .linux.mountLabel = \"$BAD_MOUNT_LABEL\""
    hrun husk "$cmd" --bundle "$BUNDLE" "$CTR"
    assert_error_line "^husk: config\\.json: linux\\.mountLabel \"$BAD_MOUNT_LABEL\": not a valid context for this host.s SELinux policy\$"
    assert_no_leftovers "$CTR"
  done

  update_config "$BUNDLE" "del(.linux.mountLabel) | .process.selinuxLabel = \"$PROC_LABEL\""
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk exec --process-label "$BAD_PROC_LABEL" "$CTR" true
  assert_error_line "^husk: exec: process\\.selinuxLabel \"$BAD_PROC_LABEL\": not a valid context for this host.s SELinux policy\$"
  assert_equal "$(state_field "$CTR" .status)" running
  exec_current "$PROC_LABEL"
  delete_and_check
}

@test "labels that are no SELinux context (a quote, a newline, a blank): refused naming the field, with or without SELinux" {
  local field bad
  local -a cases=()
  # jq string literals: a double quote, a newline, a blank.
  for field in process.selinuxLabel linux.mountLabel; do
    for bad in '"system_u:system_r:container_t:s0\"x"' '"system_u:system_r:container_t:s0\nx"' \
      '"system_u:system_r:container_t:s0 x"'; do
      cases+=(".$field = $bad" "${field//./\\.}: not a SELinux context \\(")
    done
  done
  refuse_each_config "${cases[@]}"

  # exec --process-label: refused the same way; the container runs on.
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  for bad in 'system_u:system_r:container_t:s0"x' $'system_u:system_r:container_t:s0\nx' \
    'system_u:system_r:container_t:s0 x'; do
    hrun husk exec --process-label "$bad" "$CTR" true
    assert_error_line '^husk: exec: process\.selinuxLabel: not a SELinux context \('
  done
  assert_equal "$(state_field "$CTR" .status)" running
  hrun husk exec "$CTR" true
  assert_ok
  delete_and_check
}
