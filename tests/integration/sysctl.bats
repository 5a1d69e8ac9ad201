#!/usr/bin/env bats
# linux.sysctl: only namespaced parameters, in the container's namespaces.

load helpers
load fs-helpers

setup() {
  husk_setup
  snapshot_host_mounts
}

teardown() {
  husk_teardown
}

@test "sysctl: namespaced values are visible inside and unchanged outside" {
  local fwd shmmax msgmax domain
  fwd=$(</proc/sys/net/ipv4/ip_forward)
  shmmax=$(</proc/sys/kernel/shmmax)
  msgmax=$(</proc/sys/fs/mqueue/msg_max)
  domain=$(</proc/sys/kernel/domainname)
  local newfwd=$((1 - fwd))
  update_config "$BUNDLE" '.linux.sysctl = {
      "net.ipv4.ip_forward": $fwd,
      "kernel.shmmax": "4242424242",
      "fs/mqueue/msg_max": "42",
      "kernel.domainname": "husk.sysctl.test"}' --arg fwd "$newfwd"
  ctr_ok 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname'
  assert_output "$newfwd"$'\n4242424242\n42\nhusk.sysctl.test'
  assert_equal "$(</proc/sys/net/ipv4/ip_forward)" "$fwd"
  assert_equal "$(</proc/sys/kernel/shmmax)" "$shmmax"
  assert_equal "$(</proc/sys/fs/mqueue/msg_max)" "$msgmax"
  assert_equal "$(</proc/sys/kernel/domainname)" "$domain"
}

@test "sysctl: a key whose name holds a dot, with / separators" {
  update_config "$BUNDLE" '.linux.sysctl = {"net/ipv4/conf/lo/forwarding": "1"}'
  ctr_ok 'cat /proc/sys/net/ipv4/conf/lo/forwarding'
  assert_output 1
}

@test "sysctl: parameters that are not namespaced are refused" {
  local before
  before=$(</proc/sys/vm/swappiness)
  update_config "$BUNDLE" '.linux.sysctl = {"vm.swappiness": "7"}'
  ctr_fails 'config\.json: linux\.sysctl: "vm\.swappiness" is not namespaced: refusing to change the host'
  assert_equal "$(</proc/sys/vm/swappiness)" "$before"

  update_config "$BUNDLE" '.linux.sysctl = {"kernel.pid_max": "4096"}'
  ctr_fails '"kernel\.pid_max" is not namespaced'
}

@test "sysctl: a namespaced parameter without its namespace is refused" {
  update_config "$BUNDLE" '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))'
  ctr_fails 'config\.json: linux\.sysctl: "net\.ipv4\.ip_forward" needs a new network namespace in linux\.namespaces'

  update_config "$BUNDLE" '.linux.sysctl = {"kernel.msgmax": "1"} | .linux.namespaces |= map(select(.type != "ipc"))'
  ctr_fails '"kernel\.msgmax" needs a new ipc namespace'

  update_config "$BUNDLE" '.linux.sysctl = {"kernel.hostname": "x"} | del(.hostname) | .linux.namespaces |= map(select(.type != "uts"))'
  ctr_fails '"kernel\.hostname" needs a new uts namespace'
}

@test "sysctl: a joined network namespace takes net.* keys unless it is the host's" {
  # A created container holds a network namespace of its own; podman joins
  # the one it made by path in the same way.
  local hb="$BATS_TEST_TMPDIR/holder"
  make_bundle "$hb"
  set_args "$hb" true
  # Its own leftover mark: it outlives the checks of the container below.
  HUSK_TEST_MARK="$HUSK_TEST_MARK-holder" hrun husk create --bundle "$hb" "$CTR-holder"
  assert_ok
  local holder fwd
  holder=$(state_field "$CTR-holder" .pid)
  fwd=$(</proc/sys/net/ipv4/ip_forward)
  update_config "$BUNDLE" '.linux.sysctl = {"net.ipv4.ip_forward": $v}
      | .linux.namespaces |= map(if .type == "network" then .path = $p else . end)' \
    --arg p "/proc/$holder/ns/net" --arg v "$((1 - fwd))"
  ctr_ok 'readlink /proc/self/ns/net; cat /proc/sys/net/ipv4/ip_forward'
  assert_line --index 0 "$(readlink "/proc/$holder/ns/net")"
  assert_line --index 1 "$((1 - fwd))"
  assert_equal "$(</proc/sys/net/ipv4/ip_forward)" "$fwd"

  # The host's own network namespace, joined by path: refused.
  update_config "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/net" else . end)'
  ctr_fails '"net\.ipv4\.ip_forward" needs a new network namespace in linux\.namespaces \(or a joined one that is not the host.s\)'
  assert_equal "$(</proc/sys/net/ipv4/ip_forward)" "$fwd"
  hrun husk delete --force "$CTR-holder"
  assert_ok
}

@test "sysctl: bad keys fail clearly" {
  update_config "$BUNDLE" '.linux.sysctl = {"net.ipv4.no_such_parameter": "1"}'
  ctr_fails 'config\.json: linux\.sysctl: "net\.ipv4\.no_such_parameter": no such parameter in the container'

  update_config "$BUNDLE" '.linux.sysctl = {"net/../../kernel/core_pattern": "x"}'
  ctr_fails 'config\.json: linux\.sysctl: "net/\.\./\.\./kernel/core_pattern" is not a valid key'

  update_config "$BUNDLE" '.linux.sysctl = {"net..ipv4": "x"}'
  ctr_fails '"net\.\.ipv4" is not a valid key'
}
