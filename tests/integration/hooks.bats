#!/usr/bin/env bats
# config.json hooks: each kind at its point, with the state on stdin, in the
# namespace the runtime-spec gives; timeouts; each kind's failure rule.

load helpers

setup() {
  husk_setup
  HOOK_OUT="$BATS_TEST_TMPDIR/hooks"
  mkdir -p "$HOOK_OUT"
  # hook.sh KIND: records what it saw (stdin, mount namespace, argv, env)
  # in $HOOK_OUT/KIND.N and appends KIND to $HOOK_OUT/order.  Runs with the
  # host's /bin/sh: it is only used for the kinds whose path is resolved on
  # the host.
  HOOK="$BATS_TEST_TMPDIR/hook.sh"
  cat >"$HOOK" <<EOF
#!/bin/sh
kind=\$1
n=\$(ls "$HOOK_OUT" | grep -c "^\$kind\\..*\\.mnt\$")
f="$HOOK_OUT/\$kind.\$n"
readlink /proc/self/ns/mnt >"\$f.mnt"
pwd >"\$f.cwd"
cat >"\$f.stdin"
echo "\$*" >"\$f.argv"
env >"\$f.env"
echo "\$kind" >>"$HOOK_OUT/order"
exit \${HOOK_EXIT:-0}
EOF
  chmod +x "$HOOK"
  HOST_MNT=$(readlink /proc/self/ns/mnt)
}

# add_hook KIND [JSON-MEMBERS]: appends a hook.sh KIND entry to hooks.KIND;
# JSON-MEMBERS (e.g. '"timeout": 1') are merged into it.
add_hook() {
  local kind=$1 extra=${2:-}
  update_config "$BUNDLE" ".hooks.$kind += [{\"path\": \$hook, \"args\": [\"hook.sh\", \"$kind\"],
    \"env\": [\$mark]${extra:+, $extra}}]" --arg hook "$HOOK" --arg mark "HUSK_TEST_MARK=$HUSK_TEST_MARK"
}

# add_container_hook KIND SCRIPT: a hook run by the container's busybox sh.
add_container_hook() {
  update_config "$BUNDLE" ".hooks.$1 += [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \$s]}]" \
    --arg s "$2"
}

# hook_field KIND N JQ: a member of the state the Nth KIND hook got on stdin.
hook_field() {
  jq -r "$3" <"$HOOK_OUT/$1.$2.stdin"
}

# create_start_delete: the container's whole life, each step succeeding
# (delete's stderr is left in $stderr).
create_start_delete() {
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
}

@test "each hook kind runs once at its point, with the status and namespace of that point" {
  for k in prestart createRuntime createContainer poststart poststop; do
    add_hook "$k"
  done
  # startContainer's path is resolved in the container: busybox sh.
  add_container_hook startContainer \
    'cat >/sc.stdin; readlink /proc/self/ns/mnt >/sc.mnt; [ -e /started ] && echo late >/sc.late; true'
  set_args "$BUNDLE" sh -c "touch /started; readlink /proc/self/ns/mnt >/ctr.mnt; $LOOP_UNTIL_STOP"

  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid
  pid=$(state_field "$CTR" .pid)
  assert_equal "$(tr '\n' ' ' <"$HOOK_OUT/order")" "prestart createRuntime createContainer "
  [[ ! -e "$BUNDLE/rootfs/sc.stdin" ]] || fail "startContainer ran during create"

  hrun husk start "$CTR"
  assert_ok
  # poststart has run when start returns.
  assert_equal "$(tr '\n' ' ' <"$HOOK_OUT/order")" "prestart createRuntime createContainer poststart "
  wait_for_file "$BUNDLE/rootfs/ready"
  [[ ! -e "$BUNDLE/rootfs/sc.late" ]] || fail "startContainer ran after the process started"
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  [[ ! -e "$HOOK_OUT/poststop.0.stdin" ]] || fail "poststop ran before delete"
  hrun husk delete "$CTR"
  assert_ok
  assert_equal "$(tr '\n' ' ' <"$HOOK_OUT/order")" \
    "prestart createRuntime createContainer poststart poststop "

  local ctr_mnt
  ctr_mnt=$(<"$BUNDLE/rootfs/ctr.mnt")
  [[ "$ctr_mnt" != "$HOST_MNT" ]] || fail "the container shares the host's mount namespace"
  # Runtime namespace: prestart, createRuntime, poststart, poststop.
  for k in prestart createRuntime poststart poststop; do
    assert_equal "$(<"$HOOK_OUT/$k.0.mnt")" "$HOST_MNT"
  done
  # Container namespace: createContainer and startContainer.
  assert_equal "$(<"$HOOK_OUT/createContainer.0.mnt")" "$ctr_mnt"
  assert_equal "$(<"$BUNDLE/rootfs/sc.mnt")" "$ctr_mnt"

  # The state each kind gets, whole: the spec's members only, as runc's
  # specs.State.  The create-time kinds are part of create: "creating", as
  # runc says; startContainer "created"; poststart "running", as the spec
  # defines it after the program ran (runc says "created":
  # docs/runc-differences.md); poststop "stopped", without a pid.  The
  # kinds in the container's namespaces get its pid there (1).
  local b v want k
  b=$(realpath "$BUNDLE")
  v=$(husk_spec_version)
  for k in prestart createRuntime; do
    want="{\"ociVersion\":\"$v\",\"id\":\"$CTR\",\"status\":\"creating\",\"pid\":$pid,\"bundle\":\"$b\"}"
    assert_equal "$(<"$HOOK_OUT/$k.0.stdin")" "$want"
  done
  assert_equal "$(<"$HOOK_OUT/createContainer.0.stdin")" \
    "{\"ociVersion\":\"$v\",\"id\":\"$CTR\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"$b\"}"
  assert_equal "$(<"$BUNDLE/rootfs/sc.stdin")" \
    "{\"ociVersion\":\"$v\",\"id\":\"$CTR\",\"status\":\"created\",\"pid\":1,\"bundle\":\"$b\"}"
  assert_equal "$(<"$HOOK_OUT/poststart.0.stdin")" \
    "{\"ociVersion\":\"$v\",\"id\":\"$CTR\",\"status\":\"running\",\"pid\":$pid,\"bundle\":\"$b\"}"
  assert_equal "$(<"$HOOK_OUT/poststop.0.stdin")" \
    "{\"ociVersion\":\"$v\",\"id\":\"$CTR\",\"status\":\"stopped\",\"bundle\":\"$b\"}"
  assert_no_leftovers "$CTR"
}

@test "a hook gets its args and only its env; hooks of one kind run in order" {
  add_hook createRuntime '"timeout": 5'
  update_config "$BUNDLE" '.hooks.createRuntime += [{"path": $hook, "args": ["hook.sh", "createRuntime", "second"], "env": ["FOO=bar baz"]}]' \
    --arg hook "$HOOK"
  add_hook poststop
  set_args "$BUNDLE" true
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  # run deletes the container, so its poststop hook runs before run returns.
  assert_equal "$(tr '\n' ' ' <"$HOOK_OUT/order")" "createRuntime createRuntime poststop "
  assert_equal "$(hook_field poststop 0 .status)" stopped
  assert_equal "$(<"$HOOK_OUT/createRuntime.0.argv")" "createRuntime"
  assert_equal "$(<"$HOOK_OUT/createRuntime.1.argv")" "createRuntime second"
  grep -qx 'FOO=bar baz' "$HOOK_OUT/createRuntime.1.env" || fail "env: $(<"$HOOK_OUT/createRuntime.1.env")"
  ! grep -q HUSK_TEST_MARK "$HOOK_OUT/createRuntime.1.env" || fail "husk's env leaked into the hook"
  assert_no_leftovers "$CTR"
}

@test "a hook that outlives its timeout is killed and fails create; nothing is left" {
  update_config "$BUNDLE" '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "exec sleep 30"], "env": [$mark], "timeout": 1}]' \
    --arg mark "HUSK_TEST_MARK=$HUSK_TEST_MARK"
  local t0=$SECONDS
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line '^husk: hooks\.createRuntime\[0\] "/bin/sh": timed out after 1 s$'
  ((SECONDS - t0 < 10)) || fail "create took $((SECONDS - t0)) s"
  assert_no_leftovers "$CTR"
}

@test "a hook that ends within its timeout succeeds" {
  update_config "$BUNDLE" '.hooks.prestart = [{"path": "/bin/sh", "args": ["sh", "-c", "cat >/dev/null; exit 0"], "timeout": 10}]'
  set_args "$BUNDLE" true
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a failing prestart, createRuntime or createContainer hook fails create, names the hook, leaves nothing" {
  local k
  for k in prestart createRuntime createContainer; do
    rm -rf "$BUNDLE"
    make_bundle "$BUNDLE"
    rm -f "$HOOK_OUT/order"
    add_hook "$k" '"env": [$mark, "HOOK_EXIT=3"]'
    # Later kinds must not run after the failure.
    add_hook createContainer
    hrun husk create --bundle "$BUNDLE" "$CTR"
    assert_error_line "^husk: hooks\\.$k\\[0\\] \"$HOOK\": exited with status 3\$"
    assert_equal "$(tr '\n' ' ' <"$HOOK_OUT/order")" "$k "
    assert_no_leftovers "$CTR"
    rm -rf "$HOOK_OUT"/*
  done
}

@test "a hook whose path does not exist fails with the exec error" {
  update_config "$BUNDLE" '.hooks.prestart = [{"path": "/nonexistent/hook"}]'
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line '^husk: hooks\.prestart\[0\] "/nonexistent/hook": exec: no such file or directory$'
  assert_no_leftovers "$CTR"
}

@test "a failing startContainer hook fails start, and the container is stopped" {
  add_container_hook startContainer 'exit 4'
  set_args "$BUNDLE" sh -c 'touch /ran'
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk start "$CTR"
  assert_error_line '^husk: hooks\.startContainer\[0\] "/bin/sh": exited with status 4$'
  [[ ! -e "$BUNDLE/rootfs/ran" ]] || fail "the process ran after its startContainer hook failed"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a failing poststart hook is a warning: start succeeds and the container runs" {
  add_hook poststart '"env": [$mark, "HOOK_EXIT=5"]'
  add_hook poststart
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  hrun husk start "$CTR"
  assert_ok
  [[ "$stderr" == *'hooks.poststart[0]'*'exited with status 5'* ]] || fail "no warning: $stderr"
  assert_equal "$(tr '\n' ' ' <"$HOOK_OUT/order")" "poststart poststart "
  wait_for_file "$BUNDLE/rootfs/ready"
  assert_equal "$(state_field "$CTR" .status)" running
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

@test "a failing poststop hook is logged and the remaining poststop hooks still run" {
  add_hook poststop '"env": [$mark, "HOOK_EXIT=6"]'
  add_hook poststop
  set_args "$BUNDLE" true
  create_start_delete
  [[ "$stderr" == *'hooks.poststop[0]'*'exited with status 6'* ]] || fail "no warning: $stderr"
  assert_equal "$(tr '\n' ' ' <"$HOOK_OUT/order")" "poststop poststop "
  assert_no_leftovers "$CTR"
}

@test "poststop hooks come from the config create saw, not the bundle's current one" {
  add_hook poststop
  set_args "$BUNDLE" true
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  update_config "$BUNDLE" 'del(.hooks)'
  hrun husk start "$CTR"
  assert_ok
  wait_for_status "$CTR" stopped
  hrun husk delete "$CTR"
  assert_ok
  assert_equal "$(<"$HOOK_OUT/order")" poststop
  assert_no_leftovers "$CTR"
}

@test "hooks run in the cwd runc gives them: the bundle, root.path for createContainer, process.cwd for startContainer" {
  for k in prestart createRuntime createContainer poststart poststop; do
    add_hook "$k"
  done
  add_container_hook startContainer 'pwd >/sc.cwd'
  mkdir -p "$BUNDLE/rootfs/work"
  update_config "$BUNDLE" '.process.cwd = "/work"'
  # husk is called from elsewhere: the hooks must not inherit its cwd.
  cd "$BATS_TEST_TMPDIR"
  create_start_delete
  local k bundle
  bundle=$(realpath "$BUNDLE")
  for k in prestart createRuntime poststart poststop; do
    assert_equal "$k: $(<"$HOOK_OUT/$k.0.cwd")" "$k: $bundle"
  done
  assert_equal "createContainer: $(<"$HOOK_OUT/createContainer.0.cwd")" "createContainer: $bundle/rootfs"
  assert_equal "startContainer: $(<"$BUNDLE/rootfs/sc.cwd")" "startContainer: /work"
}
