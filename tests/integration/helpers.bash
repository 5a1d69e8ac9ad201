# helpers.bash: shared by every bats suite of husk (`load helpers`).
#
# Environment (set by tests/run-tests.sh, or by hand):
#   HUSK           the husk binary under test (required; any runc-compatible
#                  runtime works for the tests that do not check husk-only rules)
#   HUSK_SRCDIR    the source tree
#   HUSK_BUILDDIR  the build tree (test helpers such as recvtty live there)
#
# Every container a test makes lives under $HUSK_ROOT, a per-file directory,
# so the suites never touch /run/husk.  The default setup/teardown below make
# a busybox bundle in $BUNDLE and remove everything afterwards; a file that
# defines its own setup or teardown must call husk_setup / husk_teardown.
#
# Commands are guarded by `timeout` (husk() and hrun) so that a hang fails
# the test instead of blocking the run.

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

if [[ -z "${HUSK:-}" ]]; then
  echo "helpers.bash: HUSK is not set: run the suites through 'make check' or set HUSK=/path/to/husk" >&2
  return 1
fi
if [[ ! -x "$HUSK" ]]; then
  echo "helpers.bash: HUSK=$HUSK is not an executable file" >&2
  return 1
fi

# Seconds any single runtime command may take before it counts as a hang.
HUSK_TIMEOUT=${HUSK_TIMEOUT:-20}
# Per-file state root: on /tmp or /run, where mkfifo and unix sockets work.
HUSK_ROOT="$BATS_FILE_TMPDIR/root"

# The applets make_bundle links into the rootfs.
HUSK_APPLETS=(sh ls cat echo sleep id hostname ps mount true false kill readlink
  stat wc grep tty stty pwd env test "[" touch sort)

# husk ARGS...: the runtime with this file's root.  fd 3 is bats' own output
# channel: closing it keeps a container that inherits it from holding bats up.
# HUSK_TEST_MARK marks every process husk starts (see leftover_pids).
husk() {
  HUSK_TEST_MARK="$HUSK_TEST_MARK" timeout --kill-after=5 "$HUSK_TIMEOUT" \
    "$HUSK" --root "$HUSK_ROOT" "$@" 3>&-
}

# hrun CMD...: like bats' `run --separate-stderr`, but stdout and stderr go
# through files (HRUN_OUT, HRUN_ERR), never a pipe: a container started by
# CMD inherits them, and a pipe would keep $(...) waiting until it exits.
# Sets status, output, lines, stderr, stderr_lines.  Stdin is /dev/null.
hrun() {
  HRUN_N=$((${HRUN_N:-0} + 1))
  HRUN_OUT="$BATS_TEST_TMPDIR/hrun.$HRUN_N.out"
  HRUN_ERR="$BATS_TEST_TMPDIR/hrun.$HRUN_N.err"
  HRUN_CMD=("$@")
  status=0
  "$@" </dev/null >"$HRUN_OUT" 2>"$HRUN_ERR" 3>&- || status=$?
  output=$(<"$HRUN_OUT")
  stderr=$(<"$HRUN_ERR")
  mapfile -t lines <"$HRUN_OUT"
  mapfile -t stderr_lines <"$HRUN_ERR"
  if ((status == 124 || status == 137)) && [[ "$1" == husk ]]; then
    echo "# hrun: '$*' ended with $status (timeout after ${HUSK_TIMEOUT}s?)" >&2
  fi
}

# error_status: the exit status of a failure of the last hrun's command:
# 255 for `husk exec` (runc's status for an exec that cannot start its
# process), 1 for every other command.
error_status() {
  local -a w=("${HRUN_CMD[@]:1}")
  [[ "${HRUN_CMD[0]:-}" == husk ]] || { echo 1; return; }
  while ((${#w[@]})) && [[ "${w[0]}" == -* ]]; do
    case ${w[0]} in
    --root | --log | --log-format | --criu | --rootless | --cgroup-manager) w=("${w[@]:2}") ;;
    *) w=("${w[@]:1}") ;;
    esac
  done
  [[ "${w[0]:-}" == exec ]] && echo 255 || echo 1
}

# assert_error_line [REGEX...]: the last hrun failed with its command's
# error status (error_status) and exactly one line on stderr, which matches
# every extended REGEX given.
assert_error_line() {
  local re want
  want=$(error_status)
  if ((status != want)); then
    fail "expected exit status $want, got $status (stderr: $stderr)"
  fi
  if ((${#stderr_lines[@]} != 1)); then
    fail "expected exactly one line on stderr, got ${#stderr_lines[@]}: $stderr"
  fi
  for re in "$@"; do
    if ! [[ "${stderr_lines[0]}" =~ $re ]]; then
      fail "stderr line '${stderr_lines[0]}' does not match /$re/"
    fi
  done
}

# assert_ok: the last hrun succeeded; on failure shows its stderr too.
assert_ok() {
  if ((status != 0)); then
    fail "expected success, got status $status; stdout: $output; stderr: $stderr"
  fi
}

husk_spec_version() {
  if [[ -z "${HUSK_SPEC_VERSION:-}" ]]; then
    HUSK_SPEC_VERSION=$("$HUSK" --version | sed -n 's/^spec: *//p')
    [[ -n "$HUSK_SPEC_VERSION" ]] || HUSK_SPEC_VERSION=1.2.1
  fi
  echo "$HUSK_SPEC_VERSION"
}

# make_bundle DIR: DIR/rootfs with a static busybox and DIR/config.json with
# the minimum husk applies so far.  Skips the test without busybox-static.
make_bundle() {
  local dir=$1 a
  if [[ ! -x /bin/busybox ]]; then
    skip "/bin/busybox is missing: install busybox-static"
  fi
  if LC_ALL=C readelf -l /bin/busybox 2>/dev/null | grep -q 'INTERP'; then
    skip "/bin/busybox is dynamically linked: install busybox-static"
  fi
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/tmp"
  cp /bin/busybox "$dir/rootfs/bin/busybox"
  for a in "${HUSK_APPLETS[@]}"; do
    ln -s busybox "$dir/rootfs/bin/$a"
  done
  # No capabilities, rlimits, masked paths or resources: husk refuses the
  # config fields that later issues will apply.
  jq -n --arg v "$(husk_spec_version)" --arg mark "HUSK_TEST_MARK=$HUSK_TEST_MARK" '{
    ociVersion: $v,
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ["sh", "-c", "echo hello"],
      env: ["PATH=/bin", $mark],
      cwd: "/"
    },
    root: { path: "rootfs" },
    hostname: "husk-test",
    mounts: [ { destination: "/proc", type: "proc", source: "proc" } ],
    linux: {
      namespaces: [ { type: "pid" }, { type: "mount" }, { type: "ipc" },
                    { type: "uts" }, { type: "network" } ]
    }
  }' >"$dir/config.json"
}

# update_config DIR JQ-EXPR [JQ-OPTIONS...]: rewrites DIR/config.json.
update_config() {
  local dir=$1 expr=$2
  shift 2
  jq "$@" "$expr" <"$dir/config.json" >"$dir/config.json.new"
  mv "$dir/config.json.new" "$dir/config.json"
}

# set_args DIR CMD...: process.args = CMD.
set_args() {
  local dir=$1
  shift
  local args='[]' a
  # One --arg at a time: jq would take a "-c" in --args for its own option.
  for a in "$@"; do
    args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args")
  done
  update_config "$dir" '.process.args = $args' --argjson args "$args"
}

# A loop that keeps the container running until the host creates
# rootfs/stop, after writing rootfs/ready (so the test knows it started).
LOOP_UNTIL_STOP='echo ready > /ready; while [ ! -e /stop ]; do sleep 0.1; done'

# userns_bundle BUNDLE HOSTID [SIZE]: BUNDLE for a new user namespace
# mapping 0..SIZE-1 (default 65536) to HOSTID...: the init runs as the
# mapped root (a host uid that is not 0), so the bundle's path must be
# searchable by it, as with runc, and the rootfs belongs to it, as an
# engine prepares it.  Without SIZE, the maps are left to the caller.
userns_bundle() {
  local d=$1
  while [[ "$d" != / ]]; do
    chmod a+x "$d"
    d=$(dirname "$d")
  done
  chown -R -h "$2:$2" "$1/rootfs"
  chmod 1777 "$1/rootfs/tmp"
  [[ -n "${3:-}" ]] || return 0
  update_config "$1" '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: $h, size: $n}]
    | .linux.gidMappings = [{containerID: 0, hostID: $h, size: $n}]' --argjson h "$2" --argjson n "$3"
}

# delete_and_check: `delete --force` of $CTR succeeds and leaves nothing.
delete_and_check() {
  hrun husk delete --force "$CTR"
  assert_ok
  assert_no_leftovers "$CTR"
}

# state_field ID JQ-PATH: one field of `husk state ID`.
state_field() {
  husk state "$1" | jq -r "$2"
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
  local secs=$1 i
  shift
  for ((i = 0; i < secs * 10; i++)); do
    if "$@"; then
      return 0
    fi
    sleep 0.1
  done
  "$@"
}

status_is() {
  [[ "$(state_field "$1" .status 2>/dev/null)" == "$2" ]]
}

# wait_for_status ID STATUS: fails after 10 s.
wait_for_status() {
  if ! wait_for 10 status_is "$1" "$2"; then
    fail "container $1 did not become $2 (state: $(husk state "$1" 2>&1))"
  fi
}

# wait_for_file PATH: fails after 10 s.
wait_for_file() {
  if ! wait_for 10 test -e "$1"; then
    fail "$1 did not appear"
  fi
}

# pid_alive PID: the process exists and is not a zombie.  (pid 1 of a test
# machine may never reap orphans, so a dead init can stay a zombie.)  Bash
# builtins only: leftover_pids calls it for every process.
pid_alive() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=${stat##*) }
  [[ "${stat%% *}" != [ZX] ]]
}

# start_bg CMD...: runs CMD (typically husk run ...) in the background with
# output to BG_OUT/BG_ERR; BG_PID is its pid.
start_bg() {
  BG_N=$((${BG_N:-0} + 1))
  BG_OUT="$BATS_TEST_TMPDIR/bg.$BG_N.out"
  BG_ERR="$BATS_TEST_TMPDIR/bg.$BG_N.err"
  "$@" </dev/null >"$BG_OUT" 2>"$BG_ERR" 3>&- &
  BG_PID=$!
}

# wait_bg PID [SECONDS]: waits for a background job started by this test
# and sets bg_status.  A job still running after SECONDS (default 20) is a
# hang: it is SIGKILLed and the test fails (so a hang can never pass for an
# exit status of 137).
wait_bg() {
  local pid=$1 secs=${2:-20} i
  for ((i = 0; i < secs * 10; i++)); do
    pid_alive "$pid" || break
    sleep 0.1
  done
  if pid_alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" || true
    fail "pid $pid still running after ${secs}s: killed"
  fi
  bg_status=0
  wait "$pid" || bg_status=$?
}

# leftover_pids: live processes marked with this test's HUSK_TEST_MARK (in
# the environment husk() passes and in the bundle's process.env), or whose
# root or cwd is the bundle's rootfs (-ef follows /proc/PID/root to the
# directory itself, so it sees through pivot_root, where readlink says "/").
# Bash builtins only, so the scan itself never shows up.
leftover_pids() {
  local p rootfs env
  rootfs="$BUNDLE/rootfs"
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ "$p" == "$BASHPID" || "$p" == "$$" ]] && continue
    pid_alive "$p" || continue
    if [[ -d "$rootfs" ]] && { [[ "/proc/$p/root" -ef "$rootfs" ]] || [[ "/proc/$p/cwd" -ef "$rootfs" ]]; }; then
      echo "$p"
      continue
    fi
    env=()
    mapfile -d "" env 2>/dev/null <"/proc/$p/environ" || continue
    if [[ " ${env[*]} " == *" HUSK_TEST_MARK=$HUSK_TEST_MARK "* ]]; then
      echo "$p"
    fi
  done
}

# marked_pids: the live processes with this test's HUSK_TEST_MARK in their
# environment (husk, the inits, the containers' processes, a tracer):
# leftover_pids in one grep, since its bash loop costs 0.3 s.
marked_pids() {
  local f p
  for f in $(grep -lzx -F "HUSK_TEST_MARK=$HUSK_TEST_MARK" /proc/[0-9]*/environ 2>/dev/null); do
    p=${f#/proc/}
    p=${p%/environ}
    [[ "$p" == "$BASHPID" || "$p" == "$$" ]] && continue
    pid_alive "$p" && echo "$p"
  done
  return 0
}

# test_mounts: the host's mounts of this test's temp dir (the bundle) or of
# the state root.
test_mounts() {
  awk -v b="$BATS_TEST_TMPDIR" -v r="$HUSK_ROOT" \
    'index($4, b) == 1 || index($5, b) == 1 || index($4, r) == 1 || index($5, r) == 1 { print $5 }' \
    /proc/self/mountinfo
}

# assert_no_leftovers ID: nothing of container ID is left: no state dir, no
# mount of the bundle or the id, no process, no cgroup, and `state` says the
# container does not exist.
assert_no_leftovers() {
  local id=$1 rootfs pids mnts cg p
  rootfs=$(realpath -m "$BUNDLE/rootfs")
  if [[ -e "$HUSK_ROOT/$id" ]]; then
    fail "state dir $HUSK_ROOT/$id is left: $(ls -la "$HUSK_ROOT/$id" 2>&1)"
  fi
  mnts=$(awk -v r="$rootfs" -v id="$id" '
    index($4, r) == 1 || index($5, r) == 1 ||
    $5 ~ ("/" id "(/|$)") || $4 ~ ("/" id "(/|$)") { print }' /proc/self/mountinfo)
  if [[ -n "$mnts" ]]; then
    fail "mounts are left: $mnts"
  fi
  pids=$(leftover_pids)
  if [[ -n "$pids" ]]; then
    fail "processes are left: $(for p in $pids; do tr '\0' ' ' <"/proc/$p/cmdline"; echo " (pid $p)"; done)"
  fi
  # find fails when a directory vanishes under it (another suite's container
  # being deleted meanwhile): only what it prints counts.
  cg=$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null || true)
  if [[ -n "$cg" ]]; then
    fail "cgroups are left: $cg"
  fi
  hrun husk state "$id"
  if ((status == 0)) || [[ "$stderr" != *"does not exist"* ]]; then
    fail "state $id should say it does not exist; got status $status: $output $stderr"
  fi
}

husk_setup() {
  # Unique per test: marks the processes this test starts.
  HUSK_TEST_MARK="$BATS_TEST_TMPDIR"
  # A container id unique on the machine: assert_no_leftovers looks for
  # cgroups by id, and other suites may run at the same time.
  CTR="ht$$"
  mkdir -p "$HUSK_ROOT"
  BUNDLE="$BATS_TEST_TMPDIR/bundle"
  make_bundle "$BUNDLE"
}

# husk_teardown: force-deletes every container of $HUSK_ROOT, kills what is
# still running from this test, unmounts what a broken run left under the
# test's temp dir, then removes it.  Never fails: the test already did.
husk_teardown() {
  local d id p m
  if [[ -d "$HUSK_ROOT" ]]; then
    for d in "$HUSK_ROOT"/*; do
      [[ -e "$d" ]] || continue
      id=${d##*/}
      husk delete --force "$id" >/dev/null 2>&1 </dev/null || true
      rm -rf "$d" 2>/dev/null || true
    done
    # A killed create's temporary state dirs.
    rm -rf "$HUSK_ROOT"/.new-* 2>/dev/null || true
  fi
  if [[ -n "${HUSK_TEST_MARK:-}" && -n "${BUNDLE:-}" ]]; then
    for p in $(leftover_pids); do
      kill -KILL "$p" 2>/dev/null || true
    done
  fi
  # Cgroups a broken delete left (ids are $CTR or $CTR-suffix); rmdir only
  # removes empty ones, deepest first.
  if [[ -n "${CTR:-}" ]]; then
    find /sys/fs/cgroup -maxdepth 4 -type d \( -name "$CTR" -o -name "$CTR-*" \) 2>/dev/null |
      sort -r | while read -r m; do rmdir "$m" 2>/dev/null || true; done
  fi
  if [[ -n "${BATS_TEST_TMPDIR:-}" ]]; then
    awk -v t="$BATS_TEST_TMPDIR" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
      sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$BATS_TEST_TMPDIR"/* 2>/dev/null || true
  fi
}

setup() {
  husk_setup
}

teardown() {
  husk_teardown
}

# make_mount_ns: a mount namespace of its own, a private copy of this one
# made after the bundle (so that the bundle is in it too), whose path is
# $MNTNS.  unshare(1) makes it in a process that only sleeps; this shell
# then holds the namespace open (fd MNTNS_FD, $MNTNS is its
# /proc/PID/fd link) and the sleeper is killed: no process is left in it
# for a container's pivot_root to move, and nothing is mounted on the host
# (binding the namespace file, unshare --mount=FILE, failed now and then
# with EINVAL in a fresh Debian container).  A file using it calls
# remove_mount_ns in its teardown.
make_mount_ns() {
  local pid ready=$BATS_TEST_TMPDIR/mntns-ready
  mkfifo "$ready"
  # The sleeper says it is in the new namespace through the fifo.
  (cd / && exec unshare --mount --propagation private sh -c 'echo in >"$1"; exec sleep 1000' sh "$ready") \
    </dev/null >/dev/null 2>&1 3>&- &
  pid=$!
  if [[ "$(timeout 10 cat "$ready")" != in ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    fail "unshare --mount made no mount namespace"
  fi
  exec {MNTNS_FD}<"/proc/$pid/ns/mnt"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  MNTNS=/proc/$BASHPID/fd/$MNTNS_FD
}

# remove_mount_ns: undoes make_mount_ns, if the test made one.
remove_mount_ns() {
  if [[ -n "${MNTNS_FD:-}" ]]; then
    exec {MNTNS_FD}<&-
    MNTNS_FD=
  fi
}

# refuse_each_config JQ MESSAGE [JQ MESSAGE...]: each jq edit of the
# bundle's config (applied alone) makes create fail with one line
# "husk: config.json: MESSAGE..." (a regex), leaving nothing behind.
refuse_each_config() {
  local i cases=("$@")
  cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/good.json"
  for ((i = 0; i < ${#cases[@]}; i += 2)); do
    cp "$BATS_TEST_TMPDIR/good.json" "$BUNDLE/config.json"
    update_config "$BUNDLE" "${cases[i]}"
    hrun husk create --bundle "$BUNDLE" "$CTR"
    assert_error_line "^husk: config.json: ${cases[i + 1]}"
    assert_no_leftovers "$CTR"
  done
  cp "$BATS_TEST_TMPDIR/good.json" "$BUNDLE/config.json"
}
