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
