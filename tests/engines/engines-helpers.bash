# engines-helpers.bash: shared by podman.bats, containerd.bats and
# docker.bats, which run real engines with husk as their low-level runtime
# (issue 10).
#
# Environment:
#   HUSK                the husk binary under test (required)
#   HUSK_ENGINES_IMAGES a directory for the busybox image files setup.sh
#                       writes (run.sh passes one, so they are built once;
#                       default: a per-file temp dir)
#
# Each file gets its own engine root under $E ($BATS_FILE_TMPDIR/e): podman
# storage and runroot, a containerd root, state and socket, a dockerd's data
# and exec roots, the containers.conf and containerd config.toml of the test.  The engines find
# husk as $E/bin/husk, a symlink to $HUSK.  The system's containerd service
# and podman storage are never touched.

# hrun, assert_ok, wait_for, pid_alive and fail come from the integration
# helpers; their bundle setup/teardown is replaced below.
load ../integration/helpers

ENGINES_DIR="$BATS_TEST_DIRNAME"
# Seconds an engine command may take before it counts as a hang (a first
# `podman run` also sets up the network and storage).
ENGINE_TIMEOUT=${ENGINE_TIMEOUT:-60}
IMAGE=localhost/husk-busybox:latest

# engines_setup_file: packages, image files, $E and the husk link.
engines_setup_file() {
  E="$BATS_FILE_TMPDIR/e"
  export E
  HUSK_ENGINES_IMAGES=${HUSK_ENGINES_IMAGES:-$BATS_FILE_TMPDIR/images}
  export HUSK_ENGINES_IMAGES
  "$ENGINES_DIR/setup.sh" "$HUSK_ENGINES_IMAGES" >&3 2>&1 ||
    { echo "# setup.sh failed" >&3; return 1; }
  mkdir -p "$E/bin"
  # bats makes its temp dirs 0700: a container's mapped root (--uidmap)
  # could not reach its rootfs below them.  Engines keep theirs 0711.
  local d=$E
  while [[ "$d" == "$BATS_RUN_TMPDIR"* ]]; do
    chmod a+x "$d"
    d=${d%/*}
  done
  ln -sfn "$(realpath "$HUSK")" "$E/bin/husk"
}

# ecmd CMD...: an engine command with a timeout, stdin from /dev/null, fd 3
# (bats' channel) closed so that a container never holds bats up.
ecmd() {
  timeout --kill-after=5 "$ENGINE_TIMEOUT" "$@" </dev/null 3>&-
}

# erun CMD...: hrun (status, output, stderr, lines); CMD is an engine
# wrapper (pm, ctr_) that has its own timeout.
erun() {
  hrun "$@"
  if ((status == 124)); then
    echo "# erun: '$*' timed out after ${ENGINE_TIMEOUT}s" >&2
  fi
}

# in_script CMD: runs the shell command line CMD under script(1), so that it
# has a terminal on stdin/stdout; the transcript is the output.
in_script() {
  erun timeout --kill-after=5 "$ENGINE_TIMEOUT" script -qefc "$1" /dev/null
}

# cgroup_dirs_named PATTERN: cgroup directories (v1 and v2) whose name
# matches the find(1) PATTERN.
cgroup_dirs_named() {
  find /sys/fs/cgroup -maxdepth 5 -type d -name "$1" 2>/dev/null
}

# pids_of STRING...: live processes with one of the STRINGs (a container's
# id) in their command line (conmon, the shim) or in their cgroup path (the
# container's own processes).  Bash builtins only: it reads every process.
pids_of() {
  local p s cmd cg
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [[ "$p" == "$BASHPID" || "$p" == "$$" ]] && continue
    pid_alive "$p" || continue
    mapfile -d '' cmd 2>/dev/null <"/proc/$p/cmdline" || continue
    cg=
    read -r -d '' cg 2>/dev/null <"/proc/$p/cgroup"
    for s in "$@"; do
      if [[ "${cmd[*]}" == *"$s"* || "$cg" == *"$s"* ]]; then
        echo "$p"
        break
      fi
    done
  done
  return 0
}

# runtime_leftovers ID HUSK_ROOT: prints what is left of container ID: husk
# state, processes, cgroups, mounts.
runtime_leftovers() {
  local id=$1 root=$2 p
  [[ -e "$root/$id" ]] && echo "husk state $root/$id"
  for p in $(pids_of "$id"); do
    echo "process $p: $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")"
  done
  cgroup_dirs_named "*$id*" | sed 's/^/cgroup /'
  grep -F "$id" /proc/self/mountinfo | sed 's/^/mount /'
  return 0
}

no_runtime_leftovers() {
  [[ -z "$(runtime_leftovers "$@")" ]]
}

# assert_runtime_clean ID HUSK_ROOT: husk holds no state for container ID,
# and no process, mount or cgroup of it is left.  The engines clean up
# after an exit asynchronously (conmon's exit command, the shim), so this
# allows them 10 seconds.
assert_runtime_clean() {
  if ! wait_for 10 no_runtime_leftovers "$@"; then
    fail "container $1 left: $(runtime_leftovers "$@")"
  fi
}

# umount_under DIR: lazily unmounts every mount point below DIR, deepest
# first (an engine stopped by force leaves its mounts).
umount_under() {
  local m
  awk -v t="$1/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# containerd_stop DIR NS: kills and deletes every task and container of
# namespace NS of the containerd whose socket is DIR/sock, then stops that
# containerd (its pid in DIR/pid): SIGTERM, SIGKILL after 10 seconds.
containerd_stop() {
  local id pid c=(ecmd ctr --address "$1/sock" -n "$2")
  for id in $("${c[@]}" task ls -q 2>/dev/null); do
    "${c[@]}" task kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    "${c[@]}" task delete -f "$id" >/dev/null 2>&1 || true
  done
  for id in $("${c[@]}" container ls -q 2>/dev/null); do
    "${c[@]}" container delete "$id" >/dev/null 2>&1 || true
  done
  pid=$(cat "$1/pid" 2>/dev/null) || true
  if [[ -n "$pid" ]]; then
    kill "$pid" 2>/dev/null || true
    wait_for 10 eval "! pid_alive $pid" || kill -KILL "$pid" 2>/dev/null || true
  fi
}
