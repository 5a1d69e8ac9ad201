#!/usr/bin/env bats
# linux.memoryPolicy: set_mempolicy(2) right before the execve, for run and
# exec, checked from inside with get_mempolicy (mpol-show) and
# /proc/self/status; and every combination the kernel or the spec refuses.
# This test machine has one NUMA node, 0.

load helpers

setup() {
  husk_setup
  cp "$HUSK_BUILDDIR/tests/integration/mpol-show" "$BUNDLE/rootfs/bin/mpol-show"
  set_args "$BUNDLE" mpol-show
}

# policy_is JSON EXPECTED: runs a container with linux.memoryPolicy = JSON
# (null: none) and asserts mpol-show's first line; the cpuset's nodes stay
# the host's.
policy_is() {
  update_config "$BUNDLE" ".linux.memoryPolicy = $1"
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_equal "${lines[0]}" "$2"
  assert_equal "${lines[1]}" "$(grep '^Mems_allowed_list:' /proc/self/status)"
}

@test "memoryPolicy: each mode and flag, from inside the container" {
  policy_is null "mode=0 flags=0 nodes="
  policy_is '{mode: "MPOL_DEFAULT"}' "mode=0 flags=0 nodes="
  policy_is '{mode: "MPOL_BIND", nodes: "0"}' "mode=2 flags=0 nodes=0"
  policy_is '{mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_NUMA_BALANCING"]}' "mode=2 flags=0x2000 nodes=0"
  policy_is '{mode: "MPOL_INTERLEAVE", nodes: "0-0", flags: ["MPOL_F_STATIC_NODES"]}' "mode=3 flags=0x8000 nodes=0"
  policy_is '{mode: "MPOL_WEIGHTED_INTERLEAVE", nodes: "0"}' "mode=6 flags=0 nodes=0"
  policy_is '{mode: "MPOL_PREFERRED", nodes: "0"}' "mode=1 flags=0 nodes=0"
  # MPOL_PREFERRED without a node is local allocation (set_mempolicy(2)).
  policy_is '{mode: "MPOL_PREFERRED"}' "mode=4 flags=0 nodes="
  policy_is '{mode: "MPOL_PREFERRED_MANY", nodes: "0", flags: ["MPOL_F_NUMA_BALANCING"]}' "mode=5 flags=0x2000 nodes=0"
  policy_is '{mode: "MPOL_LOCAL"}' "mode=4 flags=0 nodes="
  # Relative nodes need not exist: the kernel folds them onto node 0, and
  # reports them as given.
  policy_is '{mode: "MPOL_BIND", nodes: "1,3", flags: ["MPOL_F_RELATIVE_NODES"]}' "mode=2 flags=0x4000 nodes=1,3"
}

@test "memoryPolicy: exec gets the container's policy" {
  update_config "$BUNDLE" '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  hrun husk exec "$CTR" mpol-show
  assert_ok
  assert_equal "${lines[0]}" "mode=3 flags=0x8000 nodes=0"
  assert_equal "${lines[1]}" "$(grep '^Mems_allowed_list:' /proc/self/status)"
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
}

@test "memoryPolicy: invalid combinations are refused before anything is made" {
  local P='.linux.memoryPolicy = '
  refuse_each_config \
    "$P"'{mode: "MPOL_DEFAULT", nodes: "0"}' 'linux.memoryPolicy.nodes "0": must be empty with MPOL_DEFAULT$' \
    "$P"'{mode: "MPOL_LOCAL", nodes: "0"}' 'linux.memoryPolicy.nodes "0": must be empty with MPOL_LOCAL$' \
    "$P"'{mode: "MPOL_BIND"}' 'linux.memoryPolicy.nodes: required with MPOL_BIND$' \
    "$P"'{mode: "MPOL_INTERLEAVE", nodes: ""}' 'linux.memoryPolicy.nodes: required with MPOL_INTERLEAVE$' \
    "$P"'{mode: "MPOL_PREFERRED_MANY"}' 'linux.memoryPolicy.nodes: required with MPOL_PREFERRED_MANY$' \
    "$P"'{mode: "MPOL_BIND", nodes: "0-1"}' 'linux.memoryPolicy.nodes "0-1": node 1 is not online \(online: 0\)$' \
    "$P"'{mode: "MPOL_BIND", nodes: "7", flags: ["MPOL_F_STATIC_NODES"]}' 'linux.memoryPolicy.nodes "7": node 7 is not online' \
    "$P"'{mode: "MPOL_BIND", nodes: "0,x"}' 'linux.memoryPolicy.nodes "0,x": not a node list such as "0-3,7"' \
    "$P"'{mode: "MPOL_BIND", nodes: "3-1"}' 'linux.memoryPolicy.nodes "3-1": not a node list' \
    "$P"'{mode: "MPOL_BIND", nodes: "4096"}' 'linux.memoryPolicy.nodes "4096": not a node list' \
    "$P"'{mode: "MPOL_ANY"}' 'linux.memoryPolicy.mode: unknown memory policy mode "MPOL_ANY"$' \
    "$P"'{mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_X"]}' 'linux.memoryPolicy.flags\[0\]: unknown memory policy flag "MPOL_F_X"$' \
    "$P"'{mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"]}' \
    'linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other$' \
    "$P"'{mode: "MPOL_INTERLEAVE", nodes: "0", flags: ["MPOL_F_NUMA_BALANCING"]}' \
    'linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs mode MPOL_BIND or MPOL_PREFERRED_MANY, not MPOL_INTERLEAVE$' \
    "$P"'{mode: "MPOL_DEFAULT", flags: ["MPOL_F_NUMA_BALANCING"]}' 'linux.memoryPolicy.flags: MPOL_F_NUMA_BALANCING needs mode' \
    "$P"'{mode: "MPOL_LOCAL", flags: ["MPOL_F_STATIC_NODES"]}' 'linux.memoryPolicy.flags: MPOL_LOCAL takes no node flags$' \
    "$P"'{mode: "MPOL_DEFAULT", flags: ["MPOL_F_RELATIVE_NODES"]}' 'linux.memoryPolicy.flags: MPOL_DEFAULT takes no node flags$' \
    "$P"'{mode: "MPOL_PREFERRED", flags: ["MPOL_F_STATIC_NODES"]}' 'linux.memoryPolicy.flags: MPOL_PREFERRED without nodes takes no node flags$' \
    "$P"'{nodes: "0"}' 'linux.memoryPolicy.mode: missing required field$'
}
