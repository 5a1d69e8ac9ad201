#!/usr/bin/env bats
# process.apparmorProfile on a host with AppArmor: the container's process
# and exec'd processes run confined by the profile, an empty field changes
# nothing, a profile that is not loaded is a clear error; SELinux labels
# stay refused there.  Needs AppArmor enabled and apparmor_parser (the
# cgroup v2 VM lane has both: run-vm.sh); a host without AppArmor skips
# these (security.bats checks the refusal there).

load helpers

AA_PROFILE=husk-test-lsm

aa_enabled() {
  [[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" == Y ]]
}

# Everything allowed but reading /etc/husk-denied: enough for busybox and
# for the init's own steps, and a denial the container can see.
setup_file() {
  aa_enabled || return 0
  command -v apparmor_parser >/dev/null || return 0
  cat >"$BATS_FILE_TMPDIR/profile" <<EOF
profile $AA_PROFILE flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  mount,
  umount,
  pivot_root,
  signal,
  ptrace,
  unix,
  deny /etc/husk-denied r,
}
EOF
  apparmor_parser --replace --skip-cache "$BATS_FILE_TMPDIR/profile"
}

teardown_file() {
  if [[ -f "$BATS_FILE_TMPDIR/profile" ]] && command -v apparmor_parser >/dev/null; then
    apparmor_parser --remove --skip-cache "$BATS_FILE_TMPDIR/profile" >/dev/null 2>&1 || true
  fi
}

setup() {
  aa_enabled || skip "AppArmor is not enabled on this host"
  command -v apparmor_parser >/dev/null || fail "AppArmor is enabled but apparmor_parser is missing: install apparmor"
  grep -qx "$AA_PROFILE (enforce)" /sys/kernel/security/apparmor/profiles ||
    fail "the test profile $AA_PROFILE is not loaded"
  husk_setup
  mkdir -p "$BUNDLE/rootfs/etc"
  echo secret >"$BUNDLE/rootfs/etc/husk-denied"
}

# The label and whether /etc/husk-denied reads, from inside.
SHOW='cat /proc/self/attr/current; cat /etc/husk-denied 2>/dev/null || echo denied'

# exec_shows "LABEL READ" [EXEC-OPTIONS...]: what SHOW prints in a process
# husk exec runs in $CTR.
exec_shows() {
  local want=$1
  shift
  hrun husk exec "$@" "$CTR" sh -c "$SHOW"
  assert_ok
  assert_equal "${lines[*]}" "$want"
}

@test "process.apparmorProfile: the process runs confined, as root or a user with no_new_privs; an empty one changes nothing" {
  set_args "$BUNDLE" sh -c "$SHOW"
  update_config "$BUNDLE" ".process.apparmorProfile = \"$AA_PROFILE\""
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[*]}" "$AA_PROFILE (enforce) denied"
  assert_no_leftovers "$CTR"
  update_config "$BUNDLE" '.process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = true'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[*]}" "$AA_PROFILE (enforce) denied"
  assert_no_leftovers "$CTR"
  # The denial is the profile's: without it the file reads.
  update_config "$BUNDLE" '.process.apparmorProfile = ""'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[*]}" "unconfined secret"
  assert_no_leftovers "$CTR"
}

@test "process.apparmorProfile is written through husk's procfs: a container whose /proc is a tmpfs is confined all the same" {
  # The label is set through the host's /proc, opened before the
  # container's mounts: a /proc the container mounts (here a tmpfs, where
  # a fake attr file could be made) is never written to.
  update_config "$BUNDLE" ".process.apparmorProfile = \"$AA_PROFILE\"
    | .mounts = [{destination: \"/proc\", type: \"tmpfs\", source: \"tmpfs\"}]"
  set_args "$BUNDLE" sh -c 'cat /etc/husk-denied 2>/dev/null || echo denied; ls /proc | wc -l'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[*]}" "denied 0"
  assert_no_leftovers "$CTR"
}

@test "process.apparmorProfile with a new user namespace: the container's root runs confined, exec too" {
  # The init writes the profile from inside its user namespace, as the
  # namespace's root.
  userns_bundle "$BUNDLE" 200000 65536
  update_config "$BUNDLE" ".process.apparmorProfile = \"$AA_PROFILE\""
  set_args "$BUNDLE" sh -c "id -u; $SHOW"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[*]}" "0 $AA_PROFILE (enforce) denied"
  assert_no_leftovers "$CTR"
  set_args "$BUNDLE" sleep 100
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  exec_shows "$AA_PROFILE (enforce) denied"
  delete_and_check
}

@test "exec: --apparmor confines the process; without it, the container's profile applies (as runc)" {
  # A created container: its init waits for start, exec runs beside it.
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  exec_shows "$AA_PROFILE (enforce) denied" --apparmor "$AA_PROFILE"
  exec_shows "unconfined secret"
  delete_and_check

  update_config "$BUNDLE" ".process.apparmorProfile = \"$AA_PROFILE\""
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  exec_shows "$AA_PROFILE (enforce) denied"
  # A process.json that names no profile takes the container's too.
  jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["true"], env: ["PATH=/bin"], cwd: "/"}' \
    >"$BATS_TEST_TMPDIR/process.json"
  exec_shows "$AA_PROFILE (enforce) denied" --process "$BATS_TEST_TMPDIR/process.json"
  delete_and_check
}

@test "a profile that is not loaded: a clear error naming process.apparmorProfile, nothing left" {
  local cmd
  update_config "$BUNDLE" '.process.apparmorProfile = "husk-no-such-profile"'
  for cmd in create run; do
    hrun husk "$cmd" --bundle "$BUNDLE" "$CTR"
    assert_error_line '^husk: config\.json: process\.apparmorProfile "husk-no-such-profile": no such AppArmor profile is loaded$'
    assert_no_leftovers "$CTR"
  done

  update_config "$BUNDLE" '.process.apparmorProfile = ""'
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk exec --apparmor husk-no-such-profile "$CTR" true
  assert_error_line '^husk: exec: process\.apparmorProfile "husk-no-such-profile": no such AppArmor profile is loaded$'
  # The container is untouched.
  assert_equal "$(state_field "$CTR" .status)" created
  exec_shows "unconfined secret"
  delete_and_check
}

@test "SELinux labels on an AppArmor host: a clear error naming the field, nothing left" {
  local field
  for field in process.selinuxLabel linux.mountLabel; do
    update_config "$BUNDLE" "del(.process.apparmorProfile) | .$field = \"system_u:system_r:container_t:s0\""
    hrun husk create --bundle "$BUNDLE" "$CTR"
    assert_error_line "^husk: config\\.json: ${field//./\\.} \"system_u:system_r:container_t:s0\": SELinux is not enabled on this host\$"
    assert_no_leftovers "$CTR"
    update_config "$BUNDLE" "del(.$field)"
  done
}
