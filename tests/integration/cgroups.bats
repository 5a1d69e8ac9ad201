#!/usr/bin/env bats
# Cgroups: paths, every linux.resources member this host has (each value
# read back from the container's own cgroup files), limits that bite (OOM,
# pids, devices), kill --all, and nothing left after delete.  Layout-neutral:
# see cgroup-helpers.bash.

load helpers
load cgroup-helpers

teardown() {
  husk_teardown
  # The cgroupsPath tests' own names (husk-test-ID/inner, husk-pre-ID,
  # husk-rel-ID), when a failed test left them; rmdir removes empty ones.
  find /sys/fs/cgroup -maxdepth 6 -type d -name "husk-*-$CTR" 2>/dev/null | while read -r m; do
    find "$m" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
}

@test "default cgroup path is /husk/<id> in every hierarchy" {
  run_loop
  local pid p
  pid=$(state_field "$CTR" .pid)
  while read -r p; do
    [[ "$p" == */husk/"$CTR" ]] || fail "cgroup path $p does not end with /husk/$CTR"
  done < <(cg_paths "$pid")
  touch "$BUNDLE/rootfs/stop"
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
  assert_no_cgroup_leftovers "/husk/$CTR"
}

@test "absolute linux.cgroupsPath, removed with its parents on delete" {
  update_config "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "/husk-test-$CTR/inner"
  run_loop
  local pid p
  pid=$(state_field "$CTR" .pid)
  while read -r p; do
    [[ "$p" == "/husk-test-$CTR/inner" ]] || fail "cgroup path $p is not /husk-test-$CTR/inner"
  done < <(cg_paths "$pid")
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_cgroup_leftovers "/husk-test-$CTR"
  assert_no_leftovers "$CTR"
}

@test "relative linux.cgroupsPath is under husk's own cgroup" {
  update_config "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "husk-rel-$CTR"
  run_loop
  local pid own mine
  pid=$(state_field "$CTR" .pid)
  # Line by line: this shell's cgroup (husk's too) plus the relative path.
  paste -d' ' <(cg_paths $$) <(cg_paths "$pid") | while read -r own mine; do
    [[ "$own" == / ]] && own=
    [[ "$mine" == "$own/husk-rel-$CTR" ]] || fail "cgroup $mine is not $own/husk-rel-$CTR"
  done
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "an existing cgroup given as cgroupsPath is used and left in place" {
  local m made=()
  while read -r m; do
    mkdir -p "$m/husk-pre-$CTR" && made+=("$m/husk-pre-$CTR")
  done < <(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) ~ /^cgroup2?$/) print $5 }' /proc/self/mountinfo)
  update_config "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "/husk-pre-$CTR"
  run_loop
  hrun husk delete --force "$CTR"
  assert_ok
  for m in "${made[@]}"; do
    [[ -d "$m" ]] || fail "$m was removed"
    rmdir "$m"
  done
}

@test "systemd cgroup forms are refused" {
  update_config "$BUNDLE" '.linux.cgroupsPath = "system.slice:husk:x"'
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_error_line 'linux.cgroupsPath' 'systemd'
  assert_no_leftovers "$CTR"
  hrun "$HUSK" --root "$HUSK_ROOT" --systemd-cgroup run -b "$BUNDLE" "$CTR"
  assert_error_line 'systemd-cgroup'
}

@test "memory: limit, reservation and swap in the cgroup files" {
  set_resources '{"memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728}}'
  run_loop
  run cg_read "$CTR" memory memory.limit_in_bytes memory.max
  assert_output 67108864
  run cg_read "$CTR" memory memory.soft_limit_in_bytes memory.low
  assert_output 33554432
  # swap is memory plus swap: v1's memsw as is, v2's swap.max the swap alone.
  run cg_read "$CTR" memory memory.memsw.limit_in_bytes memory.swap.max
  if cg_v2 memory; then assert_output 67108864; else assert_output 134217728; fi
}

@test "memory: v1-only members where the kernel has them" {
  cg_v2 memory && skip "cgroup v2: no swappiness or oom_control"
  set_resources '{"memory": {"swappiness": 10, "disableOOMKiller": true, "kernelTCP": 16777216, "useHierarchy": true}}'
  run_loop
  run cg_read "$CTR" memory memory.kmem.tcp.limit_in_bytes -
  assert_output 16777216
  run cg_read "$CTR" memory memory.use_hierarchy -
  assert_output 1
  run cg_read "$CTR" memory memory.swappiness memory.swappiness
  assert_output 10
  run cg_read "$CTR" memory memory.oom_control memory.oom_control
  assert_line 'oom_kill_disable 1'
}

@test "cpu: shares, quota, period and cpuset in the cgroup files" {
  set_resources '{"cpu": {"shares": 512, "quota": 25000, "period": 50000, "cpus": "0", "mems": "0"}}'
  run_loop
  if cg_v2 cpu; then
    run cg_read "$CTR" cpu - cpu.weight
    assert_output 20
    run cg_read "$CTR" cpu - cpu.max
    assert_output "25000 50000"
  else
    run cg_read "$CTR" cpu cpu.shares -
    assert_output 512
    run cg_read "$CTR" cpu cpu.cfs_quota_us -
    assert_output 25000
    run cg_read "$CTR" cpu cpu.cfs_period_us -
    assert_output 50000
  fi
  run cg_read "$CTR" cpuset cpuset.cpus cpuset.cpus
  assert_output 0
  run cg_read "$CTR" cpuset cpuset.mems cpuset.mems
  assert_output 0
}

@test "cpu: burst, idle and realtimePeriod where the kernel has them" {
  set_resources '{"cpu": {"quota": 20000, "period": 100000, "burst": 1000, "idle": 1}}'
  cg_v2 cpu || update_config "$BUNDLE" '.linux.resources.cpu.realtimePeriod = 500000'
  run_loop
  run cg_read "$CTR" cpu cpu.cfs_burst_us cpu.max.burst
  assert_output 1000
  run cg_read "$CTR" cpu cpu.idle cpu.idle
  assert_output 1
  if ! cg_v2 cpu; then
    run cg_read "$CTR" cpu cpu.rt_period_us -
    assert_output 500000
  fi
}

@test "cpu: a realtimeRuntime beyond the parent's budget names the field and the parent" {
  cg_v2 cpu && skip "cgroup v2 has no realtime group scheduling"
  set_resources '{"cpu": {"realtimeRuntime": 1000}}'
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_error_line 'linux.resources.cpu.realtimeRuntime' 'realtime budget'
  assert_no_leftovers "$CTR"
}

@test "pids.limit in the cgroup file" {
  set_resources '{"pids": {"limit": 37}}'
  run_loop
  run cg_read "$CTR" pids pids.max pids.max
  assert_output 37
}

@test "blockIO: throttles in the cgroup files" {
  local dev
  dev=$(lsblk -dno MAJ:MIN 2>/dev/null | head -1 | tr -d ' ')
  [[ -n "$dev" ]] || skip "no block device"
  set_resources "$(jq -n --argjson ma "${dev%:*}" --argjson mi "${dev#*:}" \
    '{blockIO: {throttleReadBpsDevice: [{major: $ma, minor: $mi, rate: 1048576}],
                throttleWriteIOPSDevice: [{major: $ma, minor: $mi, rate: 100}]}}')"
  run_loop
  if cg_v2 io; then
    run cg_read "$CTR" io - io.max
    assert_output --regexp "^$dev rbps=1048576 wbps=max riops=max wiops=100"
  else
    run cg_read "$CTR" blkio blkio.throttle.read_bps_device -
    assert_output "$dev 1048576"
    run cg_read "$CTR" blkio blkio.throttle.write_iops_device -
    assert_output "$dev 100"
  fi
}

# The weight file of this host's IO scheduler, in the container's blkio
# (or v2 io) cgroup; fails when it cannot weigh IO (no BFQ, no CFQ).
weight_file() {
  local pid dir f
  pid=$(state_field "$CTR" .pid)
  dir=$(cg_dir "$pid" blkio || cg_dir "$pid" io) || return 1
  for f in io.bfq.weight io.weight blkio.weight blkio.bfq.weight; do
    [[ -e "$dir/$f" ]] && { echo "$dir/$f"; return 0; }
  done
  return 1
}

@test "blockIO.weight: applied where the host weighs IO, else one warning naming it" {
  set_resources '{"blockIO": {"weight": 300}}'
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk --log "$BATS_TEST_TMPDIR/log" run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local f
  if f=$(weight_file); then
    assert_equal "$stderr" ""
    run cat "$f"
    # v2's io.weight is 1..10000: 300 maps to 2929.
    if [[ "$f" == */io.weight ]]; then assert_output --partial 2929; else assert_output --partial 300; fi
  else
    # The container runs without it (a share of the disk, not a limit);
    # with --log, as engines call it, the warning is in the log only, as
    # runc writes its warnings.
    assert_equal "$stderr" ""
    run grep -c 'linux.resources.blockIO.weight: not applied' "$BATS_TEST_TMPDIR/log"
    assert_output 1
    # By hand (no --log), on stderr.
    hrun husk delete --force "$CTR"
    assert_ok
    hrun husk run -d -b "$BUNDLE" "$CTR"
    assert_ok
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "${stderr_lines[0]}" '^husk: warning: linux.resources.blockIO.weight: not applied: .*no cgroup weight'
  fi
}

@test "blockIO leaf weights: one warning each (no kernel has them since CFQ), the container runs" {
  set_resources '{"blockIO": {"leafWeight": 300, "weightDevice": [{"major": 8, "minor": 0, "leafWeight": 200}]}}'
  run_loop
  assert_equal "${#stderr_lines[@]}" 2
  assert_regex "${stderr_lines[0]}" '^husk: warning: linux.resources.blockIO.leafWeight: not applied'
  assert_regex "${stderr_lines[1]}" '^husk: warning: linux.resources.blockIO.weightDevice\[0\].leafWeight: not applied'
}

@test "resources: the zeros engines write for unset members leave the cgroup's defaults" {
  # dockerd's linux.resources of `docker run` without limits (captured from
  # Docker 20.10 through containerd's shim), with every other member that
  # runc 1.1 reads 0 (or "") as unset.
  set_resources '{"memory": {"disableOOMKiller": false}, "cpu": {"shares": 0}, "blockIO": {"weight": 0}}'
  run_loop
  assert_equal "$stderr" ""
  run cg_read "$CTR" cpu cpu.shares cpu.weight
  if cg_v2 cpu; then assert_output 100; else assert_output 1024; fi
  hrun husk delete --force "$CTR"
  assert_ok
  rm -f "$BUNDLE/rootfs/ready"

  set_resources '{"memory": {"limit": 0, "reservation": 0, "swap": 0, "kernel": 0, "kernelTCP": 0},
    "cpu": {"shares": 0, "quota": 0, "period": 0, "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "", "mems": ""},
    "pids": {"limit": 0},
    "blockIO": {"weight": 0, "leafWeight": 0, "weightDevice": [{"major": 8, "minor": 0, "weight": 0, "leafWeight": 0}]},
    "network": {"classID": 0}}'
  run_loop
  assert_equal "$stderr" ""
  run cg_read "$CTR" cpu cpu.shares cpu.weight
  if cg_v2 cpu; then assert_output 100; else assert_output 1024; fi
  assert_cfs -1 100000
  if ! cg_v2 cpu; then
    run cg_read "$CTR" cpu cpu.rt_period_us -
    assert_output 1000000
  fi
  run cg_read "$CTR" pids pids.max pids.max
  assert_output max
  run cg_read "$CTR" memory memory.limit_in_bytes memory.max
  if cg_v2 memory; then assert_output max; else assert_output 9223372036854771712; fi
  run cg_read "$CTR" memory memory.soft_limit_in_bytes memory.low
  if cg_v2 memory; then assert_output 0; else assert_output 9223372036854771712; fi
  # cpuset: the parent's cpus and mems, as without the members.
  local pid dir f
  pid=$(state_field "$CTR" .pid)
  dir=$(cg_dir "$pid" cpuset)
  for f in cpus mems; do
    cg_v2 cpuset && f=$f.effective
    run cat "$dir/cpuset.$f"
    refute_output ""
    assert_output "$(cat "$dir/../cpuset.$f")"
  done
}

@test "resources: values no kernel takes are refused before anything is made" {
  local c cases=(
    '{"blockIO": {"weight": 5}}' 'linux.resources.blockIO.weight: 5 is out of range'
    '{"blockIO": {"weight": 1001}}' 'linux.resources.blockIO.weight: 1001 is out of range'
    '{"blockIO": {"leafWeight": 9}}' 'linux.resources.blockIO.leafWeight: 9 is out of range'
    '{"blockIO": {"weightDevice": [{"major": 8, "minor": 0, "weight": 2000}]}}' 'linux.resources.blockIO.weightDevice\[0\].weight: 2000'
    '{"memory": {"limit": -5}}' 'linux.resources.memory.limit: -5 is invalid'
    '{"memory": {"swap": -2}}' 'linux.resources.memory.swap: -2 is invalid'
    '{"memory": {"swappiness": 101}}' 'linux.resources.memory.swappiness: 101 is out of range'
  )
  for ((c = 0; c < ${#cases[@]}; c += 2)); do
    set_resources "${cases[c]}"
    hrun husk create -b "$BUNDLE" "$CTR"
    assert_error_line "^husk: ${cases[c + 1]}"
    assert_no_leftovers "$CTR"
  done
}

@test "hugepageLimits in the cgroup file" {
  [[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]] || skip "no 2MB huge pages"
  cg_has hugetlb || skip "no hugetlb controller"
  set_resources '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
  local kind mnt
  read -r kind mnt < <(cg_mount hugetlb)
  if [[ "$kind" == v2 ]] && ! echo +hugetlb 2>/dev/null >"$mnt/cgroup.subtree_control"; then
    # The cgroup root here cannot hand hugetlb to children (inside another
    # container, its root holds processes): the clear refusal.
    hrun husk run --bundle "$BUNDLE" "$CTR"
    assert_error_line 'linux\.resources\.hugepageLimits: the hugetlb cgroup controller is not enabled'
    assert_no_leftovers "$CTR"
    return
  fi
  run_loop
  run cg_read "$CTR" hugetlb hugetlb.2MB.limit_in_bytes hugetlb.2MB.max
  assert_output 4194304
}

@test "network classID and priorities: applied, or a clear error without net_cls/net_prio" {
  set_resources '{"network": {"classID": 1048577}}'
  if cg_has net_cls && ! cg_v2 net_cls; then
    run_loop
    run cg_read "$CTR" net_cls net_cls.classid -
    assert_output 1048577
  else
    hrun husk run -d -b "$BUNDLE" "$CTR"
    assert_error_line 'linux.resources.network.classID' 'net_cls'
    assert_no_leftovers "$CTR"
  fi
  husk delete --force "$CTR" 2>/dev/null || true
  set_resources '{"network": {"priorities": [{"name": "lo", "priority": 3}]}}'
  if ! cg_has net_prio; then
    hrun husk run -d -b "$BUNDLE" "$CTR"
    assert_error_line 'linux.resources.network.priorities' 'net_prio'
    assert_no_leftovers "$CTR"
  fi
}

@test "rdma: applied, or a clear error without the controller" {
  cg_has rdma && skip "the host has rdma: needs an RDMA device to test"
  set_resources '{"rdma": {"mlx5_0": {"hcaHandles": 3, "hcaObjects": 100}}}'
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_error_line 'linux.resources.rdma' 'rdma cgroup controller'
  assert_no_leftovers "$CTR"
}

@test "unified: v2 files; refused for v1 controllers and on v1 hosts" {
  if ! awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup2") f = 1 } END { exit !f }' /proc/self/mountinfo; then
    set_resources '{"unified": {"pids.max": "10"}}'
    hrun husk run -d -b "$BUNDLE" "$CTR"
    assert_error_line 'linux.resources.unified' 'v2'
    return
  fi
  if cg_v2 pids; then
    set_resources '{"unified": {"pids.max": "11"}}'
    run_loop
    run cg_read "$CTR" pids - pids.max
    assert_output 11
  else
    # Hybrid: pids is bound to v1, its v2 file does not exist.
    set_resources '{"unified": {"pids.max": "11"}}'
    hrun husk run -d -b "$BUNDLE" "$CTR"
    assert_error_line 'linux.resources.unified."pids.max"' 'cgroup v1'
    assert_no_leftovers "$CTR"
    # A core file of the unified tree works.
    set_resources '{"unified": {"cgroup.max.descendants": "7"}}'
    run_loop
    run cg_read "$CTR" cgroup - cgroup.max.descendants
    assert_output 7
  fi
}

@test "memory limit: the OOM killer kills the hog" {
  link_applets yes head
  set_resources '{"memory": {"limit": 33554432, "swap": 33554432}}'
  # $(...) keeps all of yes' output in memory: 200 MB against 32 MB.
  set_args "$BUNDLE" sh -c 'x=$(yes | head -c 200000000); echo survived'
  hrun husk run -b "$BUNDLE" "$CTR"
  refute_output --partial survived
  ((status == 137)) || fail "expected an OOM kill (137), got status $status: $output $stderr"
  assert_no_leftovers "$CTR"
}

@test "memory limit: OOM kills are counted in the container's cgroup" {
  link_applets yes head
  set_resources '{"memory": {"limit": 33554432, "swap": 33554432}}'
  set_args "$BUNDLE" sh -c "sh -c 'x=\$(yes | head -c 200000000)'; $LOOP_UNTIL_STOP"
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  run cg_read "$CTR" memory memory.oom_control memory.events
  assert_line --regexp '^oom_kill [1-9]'
}

@test "pids limit stops a fork bomb" {
  set_resources '{"pids": {"limit": 8}}'
  # Bounded: at most 30 children, each gone after 3 s.  The inner shell
  # exits at its first failed fork; the outer one reports.
  set_args "$BUNDLE" sh -c "sh -c 'i=0; while [ \$i -lt 30 ]; do sleep 3 & i=\$((i+1)); done; wait'; echo done"
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_output --partial done
  [[ "$stderr" == *"can't fork"* || "$stderr" == *"Resource temporarily unavailable"* ]] ||
    fail "no fork failed: $stderr"
  assert_no_leftovers "$CTR"
}

@test "devices: the defaults work, a block device is denied, config rules apply" {
  link_applets mknod head
  # mknod is allowed (the rules guard opening); reading a disk is not.
  set_args "$BUNDLE" sh -c 'mknod /tmp/null c 1 3 && echo x > /tmp/null && echo null-ok;
    mknod /tmp/sda b 8 0 && { cat /tmp/sda >/dev/null 2>/tmp/err; cat /tmp/err; };
    mknod /tmp/zero c 1 5 && { head -c 1 /tmp/zero >/dev/null 2>/tmp/err; cat /tmp/err; }'
  set_resources '{"devices": [{"allow": false, "access": "rwm"},
                              {"allow": false, "type": "c", "major": 1, "minor": 5, "access": "r"}]}'
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_ok
  assert_line null-ok
  assert_line --index 1 --partial 'Operation not permitted'
  # The config's deny comes before the defaults, which allow /dev/zero:
  # later rules win.
  refute_line --index 2 --partial 'Operation not permitted'
  # A config rule allowing reads of 8:0 lets the open reach the driver
  # (which has no such disk: ENXIO, not EPERM).
  set_resources '{"devices": [{"allow": false, "access": "rwm"},
                              {"allow": true, "type": "b", "major": 8, "minor": 0, "access": "r"}]}'
  set_args "$BUNDLE" sh -c 'mknod /tmp/sda b 8 0 && { cat /tmp/sda >/dev/null 2>/tmp/err; cat /tmp/err; }; echo end'
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_ok
  assert_line end
  refute_output --partial 'Operation not permitted'
}

@test "kill --all signals a forked child too (no pid namespace to do it)" {
  # Without its own pid namespace, the init's death kills nothing else:
  # only the cgroup knows the child.
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "pid"))'
  set_args "$BUNDLE" sh -c "sleep 1000 & echo \$! > /child; $LOOP_UNTIL_STOP"
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  run husk ps --format json "$CTR"
  assert_success
  (($(jq length <<<"$output") >= 2)) || fail "expected the init and its child: $output"
  jq -e --argjson c "$(cat "$BUNDLE/rootfs/child")" 'index($c) != null' <<<"$output" >/dev/null ||
    fail "the child $(cat "$BUNDLE/rootfs/child") is not in $output"
  local pids=$output
  hrun husk kill --all "$CTR" KILL
  assert_ok
  wait_for_status "$CTR" stopped
  local p
  for p in $(jq -r '.[]' <<<"$pids"); do
    wait_for 5 eval "! pid_alive $p" || fail "pid $p survived kill --all"
  done
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "cgroups are gone after delete, a failed create and delete --force" {
  run_loop
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
  assert_no_cgroup_leftovers "/husk/$CTR"

  # Fails after the cgroups are made: cpuset.cpus names no such cpu.
  set_resources '{"cpu": {"cpus": "4095"}}'
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_error_line 'linux.resources.cpu.cpus'
  assert_no_leftovers "$CTR"
  assert_no_cgroup_leftovers "/husk/$CTR"
}

@test "delete --force after husk was SIGKILLed in the foreground" {
  set_resources '{"pids": {"limit": 20}}'
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  start_bg husk run -b "$BUNDLE" "$CTR"
  wait_for_file "$BUNDLE/rootfs/ready"
  kill -KILL "$BG_PID"
  wait_bg "$BG_PID"
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
  assert_no_cgroup_leftovers "/husk/$CTR"
}

@test "a controller the host lacks is an error naming it and the field" {
  local ctrl
  for ctrl in net_cls net_prio rdma; do
    cg_has "$ctrl" && continue
    case $ctrl in
      net_cls) set_resources '{"network": {"classID": 1}}' ;;
      net_prio) set_resources '{"network": {"priorities": [{"name": "eth0", "priority": 1}]}}' ;;
      rdma) set_resources '{"rdma": {"dev0": {"hcaHandles": 1}}}' ;;
    esac
    hrun husk create -b "$BUNDLE" "$CTR"
    assert_error_line "$ctrl" 'linux.resources'
    assert_no_leftovers "$CTR"
    return
  done
  skip "the host has net_cls, net_prio and rdma"
}

@test "cgroup namespace: its root is the container's cgroup" {
  update_config "$BUNDLE" '.linux.namespaces += [{"type": "cgroup"}]'
  set_args "$BUNDLE" cat /proc/self/cgroup
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_ok
  local l
  for l in "${lines[@]}"; do
    [[ "$l" == *:/ ]] || fail "cgroup line '$l' is not the namespace root"
  done
  ((${#lines[@]} > 0)) || fail "no /proc/self/cgroup lines"
}

@test "a cgroup mount shows the container's own cgroup files, read-only by default" {
  set_resources '{"pids": {"limit": 17}}'
  # The entry podman and containerd put in every config.
  update_config "$BUNDLE" '.linux.namespaces += [{"type": "cgroup"}] |
    .mounts += [{"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
                 "options": ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]}]'
  # pids.max of the container's cgroup, wherever this layout puts it.
  set_args "$BUNDLE" sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max;
    echo 1 > /sys/fs/cgroup/pids.max 2>/dev/null || echo 1 > /sys/fs/cgroup/pids/pids.max 2>/dev/null || echo read-only'
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_ok
  assert_line --index 0 17
  assert_line --index 1 read-only
  # Without a cgroup namespace: a bind of the container's own cgroups.
  update_config "$BUNDLE" '.linux.namespaces |= map(select(.type != "cgroup"))'
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_ok
  assert_line --index 0 17
  assert_line --index 1 read-only
  # rw when the options say so.
  update_config "$BUNDLE" '(.mounts[] | select(.type == "cgroup") | .options) |= map(select(. != "ro")) + ["rw"]'
  hrun husk run -b "$BUNDLE" "$CTR"
  assert_ok
  assert_line --index 0 17
  refute_line read-only
}
