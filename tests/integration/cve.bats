#!/usr/bin/env bats
# CVE regressions: each test builds the attack of one published container
# runtime CVE against husk (a hostile rootfs or config, a racing process
# on the host, a hostile process in the container) and checks that it
# fails.  The races are bounded (RACE_RUNS runs or RACE_SECS seconds) and
# assert nothing about timing: every run either is refused or shows, from
# inside the container, that the attack did not land.
# cve-race (tests/integration/cve-race.c) is the attacker's side.

load helpers
load fs-helpers

RACE_RUNS=200
RACE_SECS=10

setup() {
  husk_setup
  CVE_RACE="$HUSK_BUILDDIR/tests/integration/cve-race"
  RACER_PID=
  HUSK_SUM=$(sha256sum <"$HUSK")
  host_mounts >"$BATS_TEST_TMPDIR/host-mounts.before"
}

teardown() {
  stop_racer
  husk_teardown
  # Whatever a test did, the host binary is unchanged.
  [[ "$(sha256sum <"$HUSK")" == "$HUSK_SUM" ]]
}

# start_racer A B: swaps A and B (renameat2 RENAME_EXCHANGE) in a loop, in
# the background, as a process on the host or in another container sharing
# the directory would.
start_racer() {
  "$CVE_RACE" exchange "$1" "$2" 60 </dev/null >"$BATS_TEST_TMPDIR/racer.log" 2>&1 3>&- &
  RACER_PID=$!
}

stop_racer() {
  if [[ -n "$RACER_PID" ]]; then
    kill "$RACER_PID" 2>/dev/null || true
    wait "$RACER_PID" 2>/dev/null || true
    RACER_PID=
  fi
}

# race_runs CHECK: `husk run` of the bundle, RACE_RUNS times or for
# RACE_SECS seconds; each run must fail (the attack refused) or succeed
# with CHECK (a function given the run's output) true.  At least one run
# of each kind is not required: the race decides.  Sets RACE_OK, RACE_FAILED.
race_runs() {
  local check=$1 end=$((SECONDS + RACE_SECS)) i
  RACE_OK=0 RACE_FAILED=0 RACE_REFUSAL=
  for ((i = 0; i < RACE_RUNS && SECONDS < end; i++)); do
    hrun husk run --bundle "$BUNDLE" "$CTR"
    if ((status == 0)); then
      "$check" || fail "run $i: the attack landed: $output"
      RACE_OK=$((RACE_OK + 1))
    else
      # A refusal is one line, and the racer is not dead.
      ((${#stderr_lines[@]} == 1)) || fail "run $i: status $status: $stderr"
      ((RACE_FAILED++)) || RACE_REFUSAL=$stderr
    fi
    husk delete --force "$CTR" >/dev/null 2>&1 || true
  done
  kill -0 "$RACER_PID" || fail "the racer stopped: $(<"$BATS_TEST_TMPDIR/racer.log")"
  echo "# $i runs: $RACE_OK ran, $RACE_FAILED refused${RACE_REFUSAL:+, first as: $RACE_REFUSAL}" >&3
}

# as podman's default capabilities: no CAP_SYS_PTRACE.
PODMAN_CAPS='["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL",
  "CAP_MKNOD","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID",
  "CAP_SYS_CHROOT"]'

# ---------------------------------------------------------------- 2019-5736

@test "CVE-2019-5736: a #!/proc/self/exe entrypoint (or a script whose interpreter is one) is refused by create" {
  printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil"
  printf '#!/evil run\n' >"$BUNDLE/rootfs/bin/evil2"
  chmod +x "$BUNDLE/rootfs/evil" "$BUNDLE/rootfs/bin/evil2"
  set_args "$BUNDLE" /evil
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_error_line '^husk: exec "/evil": its interpreter is husk.s own binary: refused \(CVE-2019-5736\)$'
  assert_no_leftovers "$CTR"
  # Two scripts deep, found through PATH.
  set_args "$BUNDLE" evil2
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line '^husk: exec "evil2": its interpreter is husk.s own binary: refused \(CVE-2019-5736\)$'
  assert_no_leftovers "$CTR"
}

@test "CVE-2019-5736: exec of a #!/proc/self/exe script is refused; a container process never opens husk's binary for writing" {
  printf '#!/proc/self/exe\n' >"$BUNDLE/rootfs/evil"
  chmod +x "$BUNDLE/rootfs/evil"
  cp "$CVE_RACE" "$BUNDLE/rootfs/bin/cve-race"
  # The attacker holds the same capabilities as the exec'd process: the
  # ptrace access check of /proc/PID/exe then turns on dumpability alone.
  update_config "$BUNDLE" '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' \
    --argjson c "$PODMAN_CAPS"
  set_args "$BUNDLE" sh -c 'echo ready > /ready; cve-race grab-exe 4 > /grab.log 2>&1; echo $? >> /grab.log'
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local i refused=0
  for ((i = 0; i < 20; i++)); do
    hrun husk exec "$CTR" /evil
    [[ $status == 255 && "$stderr" == 'husk: exec "/evil": its interpreter is husk'"'"'s own binary: refused (CVE-2019-5736)' ]] &&
      refused=$((refused + 1))
  done
  wait_for_status "$CTR" stopped
  # What the attacker got first, then what husk said.
  assert_equal "$(<"$BUNDLE/rootfs/grab.log")" $'nothing writable\n0'
  assert_equal "$refused" 20
  assert_equal "$(sha256sum <"$HUSK")" "$HUSK_SUM"
  delete_and_check
}

# ------------------------------------------- 2019-16884, 2019-19921, 2023-27561

@test "CVE-2019-16884: procfs (and sysfs) is never mounted through a symlinked /proc (/sys) of the rootfs" {
  rmdir "$BUNDLE/rootfs/proc"
  mkdir -p "$BUNDLE/rootfs/fakeproc/self/attr"
  touch "$BUNDLE/rootfs/fakeproc/self/attr/exec"
  local target
  for target in /fakeproc fakeproc ./fakeproc/../fakeproc /; do
    ln -sfn "$target" "$BUNDLE/rootfs/proc"
    ctr_fails 'mounts\[0\]: "/proc" in the rootfs is a symbolic link'
  done
  [[ ! -s "$BUNDLE/rootfs/fakeproc/self/attr/exec" ]]
  rm "$BUNDLE/rootfs/proc"
  mkdir "$BUNDLE/rootfs/proc" "$BUNDLE/rootfs/fakesys"
  ln -s /fakesys "$BUNDLE/rootfs/sys"
  update_config "$BUNDLE" '.mounts += [{destination: "/sys", type: "sysfs", source: "sysfs"}]'
  ctr_fails 'mounts\[1\]: "/sys" in the rootfs is a symbolic link'
}

@test "CVE-2019-19921: /proc a symlink into a volume another container shares is refused; raced against a directory, procfs lands on the rootfs's /proc only" {
  # The volume holds what a fake /proc needs, as the exploit's other
  # container prepared it.
  local vol="$BATS_TEST_TMPDIR/vol"
  mkdir -p "$vol/proc/self/attr" "$vol/proc/thread-self/attr"
  touch "$vol/proc/self/attr/exec" "$vol/proc/thread-self/attr/exec"
  rmdir "$BUNDLE/rootfs/proc"
  mkdir "$BUNDLE/rootfs/vol"
  ln -s /vol/proc "$BUNDLE/rootfs/proc"
  update_config "$BUNDLE" '.mounts = [{destination: "/vol", type: "bind", source: $v, options: ["rbind"]},
    {destination: "/proc", type: "proc", source: "proc"}]' --arg v "$vol"
  ctr_fails 'mounts\[1\]: "/proc" in the rootfs is a symbolic link'

  # The race: the rootfs's /proc flips between a directory and that symlink.
  rm "$BUNDLE/rootfs/proc"
  mkdir "$BUNDLE/rootfs/proc"
  ln -s /vol/proc "$BUNDLE/rootfs/proc-link"
  set_args "$BUNDLE" sh -c 'stat -f -c %t /vol/proc; ls /vol/proc'
  start_racer "$BUNDLE/rootfs/proc" "$BUNDLE/rootfs/proc-link"
  # The volume's fake /proc is never covered by procfs (9fa0).
  vol_untouched() { [[ "${lines[0]}" != 9fa0 && "${lines[*]:1}" == "self thread-self" ]]; }
  race_runs vol_untouched
  stop_racer
  [[ ! -s "$vol/proc/self/attr/exec" && ! -s "$vol/proc/thread-self/attr/exec" ]]
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

@test "CVE-2023-27561: /proc a symlink is refused however the destination is written" {
  rmdir "$BUNDLE/rootfs/proc"
  mkdir "$BUNDLE/rootfs/fakeproc"
  ln -s fakeproc "$BUNDLE/rootfs/proc"
  local dest
  for dest in /proc /proc/ //proc /proc/. /fakeproc/../proc; do
    update_config "$BUNDLE" '.mounts = [{destination: $d, type: "proc", source: "proc"}]' --arg d "$dest"
    ctr_fails 'mounts\[0\]: ".*" in the rootfs is a symbolic link'
  done
}

# ---------------------------------------------------------------- 2021-30465

@test "CVE-2021-30465: a mount destination swapped with a symlink to a host path in a loop never lands outside the rootfs" {
  # The volume is shared with a racer (on the host here, in another
  # container in the exploit) that swaps d, a directory, and l, a symlink
  # to a host directory, while husk mounts a tmpfs on /vol/d.  A mount that
  # followed l would cover the host directory, which the last mount shows
  # at /outside.
  local vol="$BATS_TEST_TMPDIR/vol" outside="$BATS_TEST_TMPDIR/outside"
  mkdir -p "$vol/d" "$outside" "$BUNDLE/rootfs/vol" "$BUNDLE/rootfs/outside"
  touch "$outside/host-marker"
  ln -s "$outside" "$vol/l"
  update_config "$BUNDLE" '.mounts += [{destination: "/vol", type: "bind", source: $v, options: ["bind"]},
    {destination: "/vol/d", type: "tmpfs", source: "tmpfs"},
    {destination: "/outside", type: "bind", source: $o, options: ["rbind"]}]' --arg v "$vol" --arg o "$outside"
  set_args "$BUNDLE" ls /outside
  start_racer "$vol/d" "$vol/l"
  outside_untouched() { [[ "$output" == host-marker ]]; }
  race_runs outside_untouched
  stop_racer
  ((RACE_OK > 0)) || fail "no run succeeded"
  assert_equal "$(ls "$outside")" host-marker
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

# ---------------------------------------------------------------- 2024-21626

@test "CVE-2024-21626: process.cwd /proc/self/fd/N is refused for every fd husk or its caller holds" {
  set_args "$BUNDLE" sh -c 'pwd; ls'
  local n
  for n in 3 4 5 6 7 8 9 10 11 12; do
    update_config "$BUNDLE" '.process.cwd = $c' --arg c "/proc/self/fd/$n"
    hrun husk run --bundle "$BUNDLE" "$CTR" 5</ 7</etc 9<"$HUSK_ROOT"
    assert_error_line "process.cwd \"/proc/self/fd/$n\""
    assert_no_leftovers "$CTR"
  done
  # An fd passed on purpose is outside the root too.
  update_config "$BUNDLE" '.process.cwd = "/proc/self/fd/3"'
  hrun husk run --preserve-fds 1 --bundle "$BUNDLE" "$CTR" 3</etc
  assert_error_line '^husk: config\.json: process\.cwd "/proc/self/fd/3": '
  assert_no_leftovers "$CTR"
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N is refused for every fd husk or its caller holds" {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run --detach --bundle "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
  local n
  for n in 3 4 5 6 7 8 9 10 11 12; do
    hrun husk exec --cwd "/proc/self/fd/$n" "$CTR" sh -c 'pwd; ls' 5</ 7</etc 9<"$HUSK_ROOT"
    assert_error_line "\"/proc/self/fd/$n\""
  done
  hrun husk exec --preserve-fds 1 --cwd /proc/self/fd/3 "$CTR" pwd 3</etc
  assert_error_line '^husk: exec: cwd "/proc/self/fd/3": '
  touch "$BUNDLE/rootfs/stop"
  wait_for_status "$CTR" stopped
  delete_and_check
}

@test "CVE-2024-21626: a created container's init holds no fd husk opened on the host but its state dir" {
  # husk's own fds: the caller's (bats' here), which the init inherits
  # as a clone of husk, are not counted (see docs: they are close-on-exec
  # and the init is not dumpable, but it holds them until the execve).
  set_args "$BUNDLE" true
  hrun husk create --bundle "$BUNDLE" "$CTR"
  assert_ok
  local pid fd n target bad=
  pid=$(state_field "$CTR" .pid)
  for fd in /proc/"$pid"/fd/*; do
    n=${fd##*/}
    target=$(readlink "$fd")
    case $target in
    /dev/null | pipe:* | socket:* | anon_inode:* | "$HUSK_ROOT/$CTR" | "$HRUN_OUT" | "$HRUN_ERR") ;;
    *) [[ "$(readlink "/proc/$BASHPID/fd/$n" 2>/dev/null)" == "$target" ]] || bad+=" $n:$target" ;;
    esac
  done
  [[ -z "$bad" ]] || fail "the init holds host fds:$bad"
  delete_and_check
}

# ---------------------------------------------------------------- 2025-31133

# dev_volume: /dev is a bind of $DEV, a directory of the bundle another
# container could write (husk does not populate a bound /dev), with
# linux.maskedPaths masking /proc/timer_list (a file: /proc/kcore is missing on some kernels).
dev_volume() {
  DEV="$BUNDLE/devvol"
  mkdir -p "$DEV"
  update_config "$BUNDLE" '.mounts += [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
    | .linux.maskedPaths = ["/proc/timer_list"]' --arg d "$DEV"
}

@test "CVE-2025-31133: maskedPaths never bind anything but the null device: /dev/null a symlink, a file, another device" {
  dev_volume
  ln -s /proc/sys/kernel/core_pattern "$DEV/null"
  ctr_fails 'linux\.maskedPaths'
  rm "$DEV/null"
  echo secret >"$DEV/null"
  ctr_fails 'linux\.maskedPaths: /dev/null in the container is not the null device'
  rm "$DEV/null"
  mknod "$DEV/null" c 1 5
  ctr_fails 'linux\.maskedPaths: /dev/null in the container is not the null device'
  rm "$DEV/null"
  mknod "$DEV/null" c 1 3
  ctr_ok 'stat -c "%F %t:%T" /proc/timer_list'
  assert_output "character special file 1:3"
}

@test "CVE-2025-31133: /dev/null swapped with a symlink to a procfs file in a loop: the mask is the null device or husk refuses" {
  dev_volume
  mknod "$DEV/null" c 1 3
  ln -s /proc/sys/kernel/core_pattern "$DEV/evil"
  set_args "$BUNDLE" stat -c "%F %t:%T" /proc/timer_list
  start_racer "$DEV/null" "$DEV/evil"
  masked_by_null() { [[ "$output" == "character special file 1:3" ]]; }
  race_runs masked_by_null
  stop_racer
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

# ---------------------------------------------------------------- 2025-52565

# `husk run` with a terminal in the foreground: the output comes through
# the pty (stdin is not a terminal: husk proxies all the same).
@test "CVE-2025-52565: the terminal is never bound through a symlinked /dev/console, even raced" {
  dev_volume
  mknod "$DEV/null" c 1 3
  mkdir "$DEV/pts"
  ln -s pts/ptmx "$DEV/ptmx"
  update_config "$BUNDLE" '.process.terminal = true | .linux.maskedPaths = []
    | .mounts += [{destination: "/dev/pts", type: "devpts", source: "devpts",
                   options: ["newinstance", "ptmxmode=0666", "mode=0620"]}]'
  ln -s /proc/sys/kernel/core_pattern "$DEV/console"
  set_args "$BUNDLE" true
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line '/dev/console'
  assert_no_leftovers "$CTR"

  # Raced: /dev/console flips between a file and that symlink.
  rm "$DEV/console"
  touch "$DEV/console"
  ln -s /proc/sys/kernel/core_pattern "$DEV/evil"
  # core_pattern stays procfs's file (not a pty: major 0x88).
  set_args "$BUNDLE" stat -c "%t" /proc/sys/kernel/core_pattern
  start_racer "$DEV/console" "$DEV/evil"
  RACE_RUNS=50
  core_pattern_untouched() { [[ "$(tr -d '\r' <<<"$output")" == 0 ]]; }
  race_runs core_pattern_untouched
  stop_racer
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

# ---------------------------------------------------------------- 2025-52881

@test "CVE-2025-52881: sysctls are written to procfs only: a tmpfs or a fake tree over /proc/sys is refused" {
  update_config "$BUNDLE" '.linux.sysctl = {"kernel.domainname": "cve.test"}
    | .mounts += [{destination: "/proc/sys", type: "tmpfs", source: "tmpfs"}]'
  ctr_fails '^husk: config\.json: linux\.sysctl: /proc/sys in the container is not procfs$'
  local fake="$BATS_TEST_TMPDIR/fakesys"
  mkdir -p "$fake/kernel"
  echo untouched >"$fake/kernel/domainname"
  update_config "$BUNDLE" '.mounts[-1] = {destination: "/proc/sys", type: "bind", source: $f, options: ["rbind"]}' \
    --arg f "$fake"
  ctr_fails '^husk: config\.json: linux\.sysctl: /proc/sys in the container is not procfs$'
  assert_equal "$(<"$fake/kernel/domainname")" untouched
}

@test "CVE-2025-52881: a sysctl whose file a bind mount covers is never written through it" {
  # The exploit redirects the write of a namespaced sysctl to another file
  # (a host procfs file such as core_pattern) with a bind over it; here the
  # victim is a file of the host that must stay as it is.
  local victim="$BATS_TEST_TMPDIR/victim" fake="$BATS_TEST_TMPDIR/fakesys"
  echo untouched >"$victim"
  update_config "$BUNDLE" '.linux.sysctl = {"kernel.domainname": "cve.test"}
    | .mounts += [{destination: "/proc/sys/kernel/domainname", type: "bind", source: $v, options: ["bind"]}]' \
    --arg v "$victim"
  ctr_fails 'linux\.sysctl: open "kernel\.domainname"'
  assert_equal "$(<"$victim")" untouched
  # A whole fake tree over /proc/sys/kernel.
  mkdir -p "$fake"
  echo untouched >"$fake/domainname"
  update_config "$BUNDLE" '.mounts[-1] = {destination: "/proc/sys/kernel", type: "bind", source: $f, options: ["rbind"]}' \
    --arg f "$fake"
  ctr_fails 'linux\.sysctl: open "kernel\.domainname"'
  assert_equal "$(<"$fake/domainname")" untouched
  # Without the covers, the sysctl is written.
  update_config "$BUNDLE" 'del(.mounts[-1])'
  ctr_ok 'cat /proc/sys/kernel/domainname'
  assert_output cve.test
}
