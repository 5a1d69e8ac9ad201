#!/usr/bin/env bats
# process.capabilities: the five sets as the container's process sees them
# in /proc/self/status, and the clear errors for sets that cannot be had.
#
# What the process sees is the kernel's execve(2) transformation of what
# husk set (capabilities(7)): for uid 0 without no_new_privs, permitted =
# effective = bounding | inheritable | ambient; with no_new_privs that is
# cut down to the permitted set husk applied; for another uid, permitted =
# effective = ambient.  The expected values below follow those rules.

load helpers

# The numbers of the capabilities these tests use (linux/capability.h).
declare -gA CAP_NR=([CAP_CHOWN]=0 [CAP_DAC_OVERRIDE]=1 [CAP_FOWNER]=3 [CAP_FSETID]=4 [CAP_KILL]=5
  [CAP_SETGID]=6 [CAP_SETUID]=7 [CAP_SETPCAP]=8 [CAP_NET_BIND_SERVICE]=10 [CAP_NET_RAW]=13
  [CAP_SYS_CHROOT]=18 [CAP_SYS_ADMIN]=21 [CAP_SYS_RESOURCE]=24 [CAP_MKNOD]=27
  [CAP_AUDIT_WRITE]=29 [CAP_SETFCAP]=31)

# caps_hex CAP...: the /proc/PID/status mask of these capabilities.
caps_hex() {
  local m=0 c
  for c in "$@"; do
    m=$((m | (1 << CAP_NR[$c])))
  done
  printf '%016x\n' "$m"
}

# set_caps BOUNDING EFFECTIVE PERMITTED INHERITABLE AMBIENT: each a JSON array.
set_caps() {
  update_config "$BUNDLE" '.process.capabilities = {bounding: $b, effective: $e, permitted: $p,
      inheritable: $i, ambient: $a}' \
    --argjson b "$1" --argjson e "$2" --argjson p "$3" --argjson i "$4" --argjson a "$5"
}

# run_status: runs the container, which prints its Cap* and NoNewPrivs lines.
run_status() {
  set_args "$BUNDLE" sh -c 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
}

# assert_caps SET HEX: the line "CapSET:\tHEX" is in $output.
assert_caps() {
  assert_line "Cap$1:	$2"
}

@test "an empty capabilities object: every set is empty" {
  set_caps '[]' '[]' '[]' '[]' '[]'
  run_status
  for s in Bnd Eff Prm Inh Amb; do
    assert_caps "$s" 0000000000000000
  done
}

@test "no capabilities object: the process keeps husk's sets" {
  run_status
  assert_caps Bnd "$(awk '/^CapBnd/ {print $2}' /proc/self/status)"
  assert_caps Eff "$(awk '/^CapBnd/ {print $2}' /proc/self/status)"
  assert_caps Amb 0000000000000000
}

@test "uid 0: bounding and inheritable as given; permitted and effective are bounding | inheritable" {
  set_caps '["CAP_CHOWN","CAP_KILL"]' '["CAP_CHOWN"]' '["CAP_CHOWN"]' '["CAP_KILL"]' '[]'
  run_status
  assert_caps Bnd "$(caps_hex CAP_CHOWN CAP_KILL)"
  assert_caps Inh "$(caps_hex CAP_KILL)"
  assert_caps Prm "$(caps_hex CAP_CHOWN CAP_KILL)"
  assert_caps Eff "$(caps_hex CAP_CHOWN CAP_KILL)"
  assert_caps Amb 0000000000000000
  assert_line "NoNewPrivs:	0"
}

@test "uid 0 with noNewPrivileges: permitted and effective are the configured ones" {
  set_caps '["CAP_CHOWN","CAP_KILL","CAP_FOWNER"]' '["CAP_CHOWN"]' '["CAP_CHOWN","CAP_FOWNER"]' '["CAP_KILL"]' '[]'
  update_config "$BUNDLE" '.process.noNewPrivileges = true'
  run_status
  assert_caps Bnd "$(caps_hex CAP_CHOWN CAP_KILL CAP_FOWNER)"
  assert_caps Inh "$(caps_hex CAP_KILL)"
  assert_caps Prm "$(caps_hex CAP_CHOWN CAP_FOWNER)"
  assert_caps Eff "$(caps_hex CAP_CHOWN CAP_FOWNER)"
  assert_line "NoNewPrivs:	1"
}

@test "ambient capabilities reach a non-root process; without them it has none" {
  local nbs='["CAP_NET_BIND_SERVICE"]'
  update_config "$BUNDLE" '.process.user = {uid: 1000, gid: 1000}'
  set_caps '["CAP_CHOWN","CAP_NET_BIND_SERVICE"]' "$nbs" "$nbs" "$nbs" "$nbs"
  run_status
  assert_caps Bnd "$(caps_hex CAP_CHOWN CAP_NET_BIND_SERVICE)"
  assert_caps Inh "$(caps_hex CAP_NET_BIND_SERVICE)"
  assert_caps Amb "$(caps_hex CAP_NET_BIND_SERVICE)"
  assert_caps Prm "$(caps_hex CAP_NET_BIND_SERVICE)"
  assert_caps Eff "$(caps_hex CAP_NET_BIND_SERVICE)"

  set_caps '["CAP_CHOWN","CAP_NET_BIND_SERVICE"]' "$nbs" "$nbs" "$nbs" '[]'
  run_status
  assert_caps Amb 0000000000000000
  assert_caps Prm 0000000000000000
  assert_caps Eff 0000000000000000
}

@test "the ambient capability works: a non-root process may chown only with CAP_CHOWN in ambient" {
  local chown='["CAP_CHOWN"]'
  ln -s busybox "$BUNDLE/rootfs/bin/chown"
  update_config "$BUNDLE" '.process.user = {uid: 1000, gid: 1000}'
  set_args "$BUNDLE" sh -c 'echo x > /tmp/f && chown 0:0 /tmp/f && stat -c %u /tmp/f'
  set_caps "$chown" "$chown" "$chown" "$chown" "$chown"
  chmod 1777 "$BUNDLE/rootfs/tmp"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_output 0
  rm -f "$BUNDLE/rootfs/tmp/f"
  set_caps "$chown" "$chown" "$chown" "$chown" '[]'
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_equal "$status" 1
  assert_equal "$stderr" "chown: /tmp/f: Operation not permitted"
}

@test "podman's default capabilities" {
  local podman
  podman='["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_MKNOD",
    "CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"]'
  set_caps "$podman" "$podman" "$podman" '[]' '[]'
  run_status
  local all
  all=$(caps_hex CAP_AUDIT_WRITE CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_MKNOD \
    CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYS_CHROOT)
  assert_caps Bnd "$all"
  assert_caps Prm "$all"
  assert_caps Eff "$all"
  assert_caps Inh 0000000000000000
}

# bad_caps JQ-CAPS REGEX: create fails with one line matching REGEX and
# leaves nothing behind.
bad_caps() {
  update_config "$BUNDLE" ".process.capabilities = $1"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line "$2"
  assert_no_leftovers "$CTR"
}

@test "a made-up capability name is refused" {
  bad_caps '{bounding: ["CAP_TEST"]}' 'process\.capabilities\.bounding\[0\].*unknown capability.*CAP_TEST'
}

@test "effective outside permitted, inheritable outside bounding: refused, naming the set" {
  bad_caps '{bounding: ["CAP_CHOWN","CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_CHOWN"]}' \
    '^husk: config.json: process.capabilities.effective: CAP_KILL is not in process.capabilities.permitted$'
  bad_caps '{bounding: ["CAP_CHOWN"], inheritable: ["CAP_KILL"]}' \
    '^husk: config.json: process.capabilities.inheritable: CAP_KILL is not in process.capabilities.bounding$'
}

@test "ambient outside permitted or inheritable: not raised, as runc, with one warning naming the set (runc spec's config runs)" {
  set_caps '["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"]' '[]' '["CAP_KILL", "CAP_CHOWN"]' '["CAP_CHOWN", "CAP_NET_RAW"]' \
    '["CAP_KILL", "CAP_CHOWN", "CAP_NET_RAW"]'
  run_status
  assert_caps Amb "$(caps_hex CAP_CHOWN)"
  ((${#stderr_lines[@]} == 1)) || fail "expected one warning: $stderr"
  assert_equal "${stderr_lines[0]}" "husk: warning: config.json: process.capabilities.ambient: CAP_KILL is not in both \
process.capabilities.permitted and inheritable: the kernel raises no such ambient capability"
  assert_no_leftovers "$CTR"
}

@test "a capability missing from husk's own bounding set: a clear error in permitted, a warning in bounding alone" {
  local bnd
  bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
  if (( (0x$bnd >> CAP_NR[CAP_SYS_RESOURCE]) & 1 )); then
    skip "this host's bounding set has CAP_SYS_RESOURCE"
  fi
  bad_caps '{bounding: ["CAP_SYS_RESOURCE"], permitted: ["CAP_SYS_RESOURCE"]}' \
    "^husk: config.json: process.capabilities.permitted: CAP_SYS_RESOURCE is not in husk's bounding set$"

  set_caps '["CAP_CHOWN","CAP_SYS_RESOURCE"]' '[]' '[]' '[]' '[]'
  run_status
  assert_caps Bnd "$(caps_hex CAP_CHOWN)"
  assert_equal "$stderr" "husk: warning: config.json: process.capabilities.bounding: CAP_SYS_RESOURCE is not in husk's bounding set: the container's bounding set cannot have it"
}
