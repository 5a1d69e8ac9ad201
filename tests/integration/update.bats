#!/usr/bin/env bats
# husk update: flags and --resources change a running container's limits
# (read back from its cgroup files); the record keeps the new values.

load helpers
load cgroup-helpers

@test "update flags change memory, pids and cpu of a running container" {
  set_resources '{"memory": {"limit": 67108864}, "pids": {"limit": 20}, "cpu": {"shares": 512}}'
  run_loop
  hrun husk update --memory 128m --memory-reservation 64M --pids-limit 30 --cpu-share 1024 \
    --cpu-period 100000 --cpu-quota 20000 --cpuset-cpus 0 "$CTR"
  assert_ok
  run cg_read "$CTR" memory memory.limit_in_bytes memory.max
  assert_output 134217728
  run cg_read "$CTR" memory memory.soft_limit_in_bytes memory.low
  assert_output 67108864
  run cg_read "$CTR" pids pids.max pids.max
  assert_output 30
  if cg_v2 cpu; then
    run cg_read "$CTR" cpu - cpu.weight
    assert_output 39
    run cg_read "$CTR" cpu - cpu.max
    assert_output "20000 100000"
  else
    run cg_read "$CTR" cpu cpu.shares -
    assert_output 1024
    run cg_read "$CTR" cpu cpu.cfs_quota_us -
    assert_output 20000
  fi
  run cg_read "$CTR" cpuset cpuset.cpus cpuset.cpus
  assert_output 0
  # Swap alone: memory plus swap (v2: the swap part, from the limit).
  hrun husk update --memory-swap 256m "$CTR"
  assert_ok
  run cg_read "$CTR" memory memory.memsw.limit_in_bytes memory.swap.max
  if cg_v2 memory; then assert_output 134217728; else assert_output 268435456; fi
  # -1 is no limit.
  hrun husk update --pids-limit -1 "$CTR"
  assert_ok
  run cg_read "$CTR" pids pids.max pids.max
  assert_output max
}

@test "update --resources FILE and - (stdin), as podman sends it" {
  set_resources '{"memory": {"limit": 67108864}, "pids": {"limit": 20}}'
  run_loop
  echo '{"memory": {"limit": 100663296}}' >"$BATS_TEST_TMPDIR/res.json"
  hrun husk update --resources "$BATS_TEST_TMPDIR/res.json" "$CTR"
  assert_ok
  run cg_read "$CTR" memory memory.limit_in_bytes memory.max
  assert_output 100663296
  # A member left out is unchanged.
  run cg_read "$CTR" pids pids.max pids.max
  assert_output 20
  run husk update -r - "$CTR" <<<'{"pids": {"limit": 25}}'
  assert_success
  run cg_read "$CTR" pids pids.max pids.max
  assert_output 25
  # The state dir keeps the merged values.
  run jq -c .resources "$HUSK_ROOT/$CTR/cgroup.json"
  assert_output '{"memory":{"limit":100663296},"pids":{"limit":25}}'
}

@test "update of a created container applies before start" {
  set_args "$BUNDLE" sh -c 'cat /proc/self/cgroup >/dev/null; sleep 100'
  hrun husk create -b "$BUNDLE" "$CTR"
  assert_ok
  hrun husk update --pids-limit 12 "$CTR"
  assert_ok
  run cg_read "$CTR" pids pids.max pids.max
  assert_output 12
}

@test "update: bad values and refused flags name the option" {
  run_loop
  hrun husk update --memory 12x "$CTR"
  assert_error_line '--memory' '12x'
  hrun husk update --pids-limit abc "$CTR"
  assert_error_line '--pids-limit'
  hrun husk update --kernel-memory 1m "$CTR"
  assert_error_line '--kernel-memory' 'not supported'
  hrun husk update --l3-cache-schema L3:0=f "$CTR"
  assert_error_line '--l3-cache-schema'
  echo '{"memory": {"limit": "big"}}' >"$BATS_TEST_TMPDIR/bad.json"
  hrun husk update --resources "$BATS_TEST_TMPDIR/bad.json" "$CTR"
  assert_error_line '--resources' 'memory.limit'
  hrun husk update --resources "$BATS_TEST_TMPDIR/missing.json" "$CTR"
  assert_error_line '--resources' 'missing.json'
  echo '{"memory": {"limit": 1, "checkBeforeUpdate": true}}' >"$BATS_TEST_TMPDIR/small.json"
  hrun husk update --resources "$BATS_TEST_TMPDIR/small.json" "$CTR"
  assert_error_line 'memory.limit' 'checkBeforeUpdate'
}

@test "update of a stopped or missing container fails" {
  set_args "$BUNDLE" true
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk update --pids-limit 5 "$CTR"
  assert_error_line 'stopped'
  hrun husk update --pids-limit 5 nosuch-$CTR
  assert_error_line 'does not exist'
}

# What containerd's runc shim sends `update --resources -` for Docker 20.10's
# `docker update` (captured through a wrapper runtime): every member Docker
# knows, 0 for those not given.
DOCKER_UPDATE_MEMORY='{"memory":{"limit":67108864,"reservation":0,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"blockIO":{"weight":0}}'
DOCKER_UPDATE_MEMORY_SWAP='{"memory":{"limit":67108864,"reservation":0,"swap":134217728,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"blockIO":{"weight":0}}'
DOCKER_UPDATE_CPUS='{"memory":{"limit":0,"reservation":0,"kernel":0},"cpu":{"shares":0,"quota":50000,"period":100000},"blockIO":{"weight":0}}'

# limits_now: the container's memory, memsw, cpu and pids limits on one line.
limits_now() {
  local swap cpu
  swap=$(cg_read "$CTR" memory memory.memsw.limit_in_bytes memory.swap.max)
  if cg_v2 cpu; then
    cpu="$(cg_read "$CTR" cpu - cpu.weight) $(cg_read "$CTR" cpu - cpu.max)"
  else
    cpu="$(cg_read "$CTR" cpu cpu.shares -) $(cg_read "$CTR" cpu cpu.cfs_quota_us -) $(cg_read "$CTR" cpu cpu.cfs_period_us -)"
  fi
  echo "mem $(cg_read "$CTR" memory memory.limit_in_bytes memory.max) swap $swap" \
    "soft $(cg_read "$CTR" memory memory.soft_limit_in_bytes memory.low) cpu $cpu" \
    "cpus $(cg_read "$CTR" cpuset cpuset.cpus cpuset.cpus) pids $(cg_read "$CTR" pids pids.max pids.max)"
}

limited_loop() {
  set_resources '{"memory": {"limit": 33554432, "reservation": 16777216, "swap": 100663296},
    "cpu": {"shares": 512, "quota": 20000, "period": 50000, "cpus": "0"}, "pids": {"limit": 20}}'
  run_loop
}

@test "update with Docker's JSON: a member sent as 0 is left as it is" {
  limited_loop
  local before
  before=$(limits_now)
  # On stdin, as the shim sends it.
  run husk update -r - "$CTR" <<<"$DOCKER_UPDATE_MEMORY"
  assert_success
  assert_output ""
  run cg_read "$CTR" memory memory.limit_in_bytes memory.max
  assert_output 67108864
  # Everything else as before (only the memory limit moved).
  run limits_now
  assert_output "${before/mem 33554432/mem 67108864}"
  # The record keeps the others too.
  run jq -c '.resources | [.memory.limit, .memory.reservation, .cpu.shares, .cpu.quota, .cpu.period, .pids.limit]' \
    "$HUSK_ROOT/$CTR/cgroup.json"
  assert_output '[67108864,16777216,512,20000,50000,20]'

  echo "$DOCKER_UPDATE_MEMORY_SWAP" >"$BATS_TEST_TMPDIR/swap.json"
  hrun husk update -r "$BATS_TEST_TMPDIR/swap.json" "$CTR"
  assert_ok
  run cg_read "$CTR" memory memory.memsw.limit_in_bytes memory.swap.max
  if cg_v2 memory; then assert_output 67108864; else assert_output 134217728; fi

  # docker update --cpus 0.5: quota and period, the memory as it is.
  echo "$DOCKER_UPDATE_CPUS" >"$BATS_TEST_TMPDIR/cpus.json"
  hrun husk update -r "$BATS_TEST_TMPDIR/cpus.json" "$CTR"
  assert_ok
  assert_cfs 50000 100000
  run cg_read "$CTR" memory memory.limit_in_bytes memory.max
  assert_output 67108864
}

@test "update flags of 0 (or \"\") leave their members as they are, as with runc" {
  limited_loop
  local before
  before=$(limits_now)
  hrun husk update --blkio-weight 0 --cpu-period 0 --cpu-quota 0 --cpu-share 0 --cpu-rt-period 0 \
    --cpu-rt-runtime 0 --memory 0 --memory-swap 0 --memory-reservation 0 --pids-limit 0 --cpuset-cpus "" \
    --cpuset-mems "" "$CTR"
  assert_ok
  assert_equal "$stderr" ""
  run limits_now
  assert_output "$before"
  # One of the pair alone keeps the other.
  hrun husk update --cpu-quota 30000 "$CTR"
  assert_ok
  assert_cfs 30000 50000
}

@test "update --memory -1 lifts the swap limit with it, as with runc" {
  limited_loop
  hrun husk update --memory -1 "$CTR"
  assert_ok
  run cg_read "$CTR" memory memory.limit_in_bytes memory.max
  if cg_v2 memory; then assert_output max; else assert_output 9223372036854771712; fi
  run cg_read "$CTR" memory memory.memsw.limit_in_bytes memory.swap.max
  if cg_v2 memory; then assert_output max; else assert_output 9223372036854771712; fi
}

# parent_cpu_limit DIR QUOTA PERIOD: DIR (a cgroup the test makes under the
# root of the cpu hierarchy) gets a CFS limit of QUOTA per PERIOD.
parent_cpu_limit() {
  local kind mnt
  read -r kind mnt < <(cg_mount cpu)
  mkdir -p "$mnt/$1"
  if [[ "$kind" == v2 ]]; then
    echo +cpu >"$mnt/cgroup.subtree_control"
    echo "$2 $3" >"$mnt/$1/cpu.max"
  else
    echo "$3" >"$mnt/$1/cpu.cfs_period_us"
    echo "$2" >"$mnt/$1/cpu.cfs_quota_us"
  fi
}

@test "update of cpu period and quota under a parent's limit, lowering and raising the period" {
  # The parent allows half a CPU; each step asks for at most that, but on
  # v1 the pair in between two writes must fit too.
  local parent="$CTR-cpu" q p
  parent_cpu_limit "$parent" 50000 100000
  update_config "$BUNDLE" '.linux.cgroupsPath = $p' --arg p "/$parent/$CTR"
  set_resources '{"cpu": {"quota": 25000, "period": 100000}}'
  run_loop
  for step in "10000 20000" "40000 100000" "5000 10000" "500000 1000000"; do
    read -r q p <<<"$step"
    hrun husk update --cpu-quota "$q" --cpu-period "$p" "$CTR"
    assert_ok
    assert_cfs "$q" "$p"
  done
  # More than the parent allows: v1 refuses it (v2 takes it and caps the
  # child at the parent's limit), naming the member and the parent's limit;
  # nothing changes.
  if ! cg_v2 cpu; then
    for step in "60000 100000" "600000 1000000"; do
      read -r q p <<<"$step"
      hrun husk update --cpu-quota "$q" --cpu-period "$p" "$CTR"
      assert_error_line 'linux.resources.cpu' "parent cgroup .*/$parent allows"
      assert_cfs 500000 1000000
    done
  fi
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "update: a bad value anywhere changes nothing" {
  limited_loop
  local before bad
  before=$(limits_now)
  for bad in '{"memory": {"limit": 50331648}, "blockIO": {"weight": 5}}' \
    '{"pids": {"limit": 30}, "memory": {"reservation": -3}}' \
    '{"memory": {"limit": 50331648}, "cpu": {"shares": -1}}' \
    '{"memory": {"limit": 50331648}, "cpu": {"shares": 1024}' \
    '{"memory": {"limit": 50331648, "swappiness": 200}}'; do
    echo "$bad" >"$BATS_TEST_TMPDIR/bad.json"
    hrun husk update -r "$BATS_TEST_TMPDIR/bad.json" "$CTR"
    assert_error_line 'linux.resources|--resources'
    run limits_now
    assert_output "$before"
  done
  hrun husk update --memory 48m --blkio-weight 5 "$CTR"
  assert_error_line '--blkio-weight' '5'
  hrun husk update --memory 48m --cpu-period -5 "$CTR"
  assert_error_line '--cpu-period'
  run limits_now
  assert_output "$before"
}

@test "update --blkio-weight: applied where the host weighs IO, else one warning" {
  limited_loop
  hrun husk update --blkio-weight 500 --pids-limit 25 "$CTR"
  assert_ok
  run cg_read "$CTR" pids pids.max pids.max
  assert_output 25
  local pid dir
  pid=$(state_field "$CTR" .pid)
  dir=$(cg_dir "$pid" blkio || cg_dir "$pid" io)
  if ls "$dir" | grep -Eq '^(io|blkio)(\.bfq)?\.weight$'; then
    assert_equal "$stderr" ""
  else
    assert_equal "${#stderr_lines[@]}" 1
    assert_regex "${stderr_lines[0]}" '^husk: warning: linux.resources.blockIO.weight: not applied'
  fi
}
