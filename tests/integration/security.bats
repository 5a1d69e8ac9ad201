#!/usr/bin/env bats
# husk's own attack surface: the host binary never reachable from inside
# (CVE-2019-5736), no host fd or cwd in the container (CVE-2024-21626), a
# non-dumpable init, a session keyring per container, no_new_privs, and LSM
# labels on a host without the LSM.

load helpers

setup() {
  husk_setup
  HUSK_SUM=$(sha256sum <"$HUSK")
}

teardown() {
  husk_teardown
  # Whatever a test did, the host binary is unchanged.
  [[ "$(sha256sum <"$HUSK")" == "$HUSK_SUM" ]]
}

@test "CVE-2019-5736: an executable that is a link to /proc/self/exe is refused, directly or through PATH" {
  ln -s /proc/self/exe "$BUNDLE/rootfs/bin/evil"
  set_args "$BUNDLE" /bin/evil
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line '^husk: exec "/bin/evil": it is husk.s own binary: refused \(CVE-2019-5736\)$'
  assert_no_leftovers "$CTR"
  set_args "$BUNDLE" evil
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line '^husk: exec "evil": it is husk.s own binary: refused \(CVE-2019-5736\)$'
  assert_no_leftovers "$CTR"
  assert_equal "$(sha256sum <"$HUSK")" "$HUSK_SUM"
}

# as_container CMD...: runs CMD as root without CAP_SYS_PTRACE, as a
# container process is: setpriv drops it from the bounding and inheritable
# sets, so the exec'd CMD does not have it.  /proc/PID/exe (and mem, cwd,
# root, fd/) are guarded by the ptrace access check (ptrace(2), "Ptrace
# access mode checking"), which looks at the caller's credentials and the target's
# dumpability, not at the caller's namespaces: the host's /proc/PID is the
# container's /proc/1.  (Entering the container's namespaces first is not
# possible without CAP_SYS_PTRACE: /proc/PID/ns of a non-dumpable process
# is guarded by the same check.)
as_container() {
  setpriv --bounding-set -sys_ptrace --inh-caps -sys_ptrace -- "$@"
}

@test "the init is not dumpable until exec: a container process cannot reach husk's binary through /proc" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  # podman's default capabilities: no CAP_SYS_PTRACE, so that the probing
  # process's capabilities cover the container's and only dumpability
  # decides.
  local podman='["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL",
    "CAP_MKNOD","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID",
    "CAP_SYS_CHROOT"]'
  update_config "$BUNDLE" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' --argjson c "$podman"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid
  pid=$(state_field "$CTR" .pid)
  # Created: the init runs husk's code, waiting for start.
  hrun as_container readlink "/proc/$pid/exe"
  assert_equal "$status" 1
  assert_output ""
  hrun as_container head -c 1 "/proc/$pid/mem"
  assert_equal "$status" 1
  assert_equal "$stderr" "head: cannot open '/proc/$pid/mem' for reading: Permission denied"
  hrun as_container sh -c "echo x >> /proc/$pid/exe"
  ((status != 0))
  assert_regex "$stderr" "/proc/$pid/exe: Permission denied$"
  assert_equal "$(sha256sum <"$HUSK")" "$HUSK_SUM"

  # The check is real: once started, the init is the container's busybox,
  # dumpable again, and the same probes reach it.
  husk start "$CTR"
  wait_for_file "$BUNDLE/rootfs/ready"
  hrun as_container readlink "/proc/$pid/exe"
  assert_ok
  assert_output /bin/busybox  # as the container sees it
  hrun as_container readlink "/proc/$pid/cwd"
  assert_ok
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  husk delete "$CTR"
}

@test "CVE-2024-21626: a cwd through a host fd the init holds is refused" {
  update_config "$BUNDLE" '.process.cwd = "/proc/self/fd/7"'
  hrun husk run --bundle "$BUNDLE" "$CTR" 7</etc
  assert_error_line '^husk: config.json: process.cwd "/proc/self/fd/7": outside the container.s root \(CVE-2024-21626\)$'
  assert_no_leftovers "$CTR"
}

@test "CVE-2024-21626: with host directories open in husk, the process has fds 0, 1, 2 only and its cwd inside" {
  update_config "$BUNDLE" '.process.cwd = "/tmp"'
  set_args "$BUNDLE" sh -c 'ls /proc/self/fd; readlink /proc/self/cwd; ls /proc/self/cwd/'
  touch "$BUNDLE/rootfs/tmp/inside"
  hrun husk run --bundle "$BUNDLE" "$CTR" 5</ 7</etc 9<"$HUSK_ROOT"
  assert_ok
  # 3 is ls's own directory fd.
  assert_equal "$(head -4 <<<"$output" | tr '\n' ' ')" "0 1 2 3 "
  assert_line /tmp
  assert_line inside
  assert_equal "${#lines[@]}" 6
}

# session_keyring: the line of /proc/keys, in $output, of keyring _ses.$1,
# from its perm on ("perm PERM UID GID keyring _ses.ID: ...").
session_keyring() {
  grep -o "perm [0-9a-f]* .* keyring *_ses\.$1: .*" <<<"$output" | tr -s ' '
}

# keyring_as_runc PERM: the container's process sees its session keyring
# _ses.$CTR with PERM, owned by its root, and runc's container on the same
# bundle sees the same.
keyring_as_runc() {
  set_args "$BUNDLE" cat /proc/keys
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  local mine
  mine=$(session_keyring "$CTR")
  assert_equal "$mine" "perm $1 0 0 keyring _ses.$CTR: empty"
  hrun runc --root "$BATS_TEST_TMPDIR/runc" run --bundle "$BUNDLE" "$CTR-runc"
  assert_ok
  assert_equal "$(session_keyring "$CTR-runc")" "${mine/_ses.$CTR:/_ses.$CTR-runc:}"
}

@test "a session keyring of its own, named _ses.ID with runc's permissions; none with --no-new-keyring" {
  command -v runc >/dev/null || skip "runc is not installed"
  keyring_as_runc 3f1b0000
  # Another id: the first container's keyring may linger in /proc/keys
  # until the kernel's key garbage collector runs.
  hrun husk run --no-new-keyring --bundle "$BUNDLE" "$CTR-nokeyring"
  assert_ok
  refute_line --regexp " keyring +(_ses\.)?$CTR-nokeyring: "
}

@test "in a new user namespace the session keyring is searchable by others, as runc makes it; exec joins it" {
  command -v runc >/dev/null || skip "runc is not installed"
  userns_bundle "$BUNDLE" 100000 65536
  keyring_as_runc 3f130008
  # exec, as root or another user, joins the init's keyring (same serial),
  # not one of its own (a second _ses.ID line); it passes the owner check.
  set_args "$BUNDLE" sh -c "cat /proc/keys >/tmp/keys; $LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local serial u
  serial=$(grep " keyring *_ses\.$CTR: " "$BUNDLE/rootfs/tmp/keys" | cut -d' ' -f1)
  [[ -n "$serial" ]] || fail "the init has no _ses.$CTR: $(cat "$BUNDLE/rootfs/tmp/keys")"
  for u in 0 1000; do
    hrun husk exec --user "$u" "$CTR" cat /proc/keys
    assert_ok
    assert_equal "$(grep " keyring *_ses\.$CTR: " <<<"$output" | cut -d' ' -f1)" "$serial"
  done
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  delete_and_check
}

# in_private_keyring NAME CMD...: CMD in a new session keyring NAME that
# only its possessors may see (perm 0x3f000000: the user has no view
# right), so that /proc/keys shows it only to a process that has it.
# keyctl(2) through perl: keyutils is not a dependency.  250 is x86_64's
# keyctl; 1 KEYCTL_JOIN_SESSION_KEYRING, 5 KEYCTL_SETPERM.
in_private_keyring() {
  perl -e '$k = syscall(250, 1, $ARGV[0]); die "join: $!\n" if $k < 0;
    syscall(250, 5, $k, 0x3f000000) == 0 or die "setperm: $!\n";
    shift; exec @ARGV or die "exec: $!\n"' "$@"
}

@test "exec joins the container's session keyring, not its caller's; with --no-new-keyring it keeps the caller's" {
  [[ "$(uname -m)" == x86_64 ]] || skip "in_private_keyring calls keyctl by x86_64's number"
  set_args "$BUNDLE" sleep 100
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk run -d --no-new-keyring --bundle "$BUNDLE" "$CTR-nokeyring"
  assert_ok
  # The caller sees its own keyring: the refutation below can fail.
  hrun in_private_keyring "husk-caller-$$" cat /proc/keys
  assert_line --regexp " keyring +husk-caller-$$: "
  hrun in_private_keyring "husk-caller-$$" "$HUSK" --root "$HUSK_ROOT" exec "$CTR" cat /proc/keys
  assert_ok
  assert_line --regexp " keyring +_ses\.$CTR: "
  refute_line --regexp " keyring +husk-caller-$$: "
  hrun in_private_keyring "husk-caller-$$" "$HUSK" --root "$HUSK_ROOT" exec "$CTR-nokeyring" cat /proc/keys
  assert_ok
  assert_line --regexp " keyring +husk-caller-$$: "
}

@test "noNewPrivileges sets NoNewPrivs; without it the process may gain privileges" {
  set_args "$BUNDLE" grep NoNewPrivs /proc/self/status
  update_config "$BUNDLE" '.process.noNewPrivileges = true'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_output "NoNewPrivs:	1"
  update_config "$BUNDLE" '.process.noNewPrivileges = false'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_output "NoNewPrivs:	0"
}

@test "LSM labels on a host without the LSM: a set label is a clear error, an empty one changes nothing" {
  if [[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" == Y || -d /sys/fs/selinux/booleans ]]; then
    skip "AppArmor or SELinux is enabled on this host"
  fi
  local field lsm
  while read -r field lsm; do
    update_config "$BUNDLE" ".$field = \"husk_test\""
    hrun husk create --bundle "$BUNDLE" "$CTR"
    assert_error_line "^husk: config.json: $field \"husk_test\": $lsm is not enabled on this host\$"
    assert_no_leftovers "$CTR"
    update_config "$BUNDLE" ".$field = \"\""
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_ok
    assert_output hello
  done <<'EOF'
process.apparmorProfile AppArmor
process.selinuxLabel SELinux
linux.mountLabel SELinux
EOF
}
