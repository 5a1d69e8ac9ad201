#!/usr/bin/env bats
# containerd's CRI plugin (the kubelet's side of containerd) runs a pod on
# husk: runtime handler "husk" is the runc shim (io.containerd.runc.v2) with
# husk as its BinaryName, handler "runc" the same with runc, so that a
# failure seen only on husk is husk's.  cri-scenario.py plays the kubelet
# (RunPodSandbox ... RemovePodSandbox, with ExecSync checks from inside);
# then the runtime root the shim gave the runtime must hold nothing, and no
# cgroup, mount, process, shim or network namespace of the pod may be left.
# A containerd of this file's own runs in a network namespace of its own
# (unshare -n) with a bridge CNI network made there; its root, state, socket
# and the runtimes' roots are under $E, removed at the end even on failure.

load engines-helpers

PAUSE=localhost/husk-pause:latest
# The pods' parent cgroups are $CGROUP_PREFIX-HANDLER: unique to this run
# (bats runs each test in a process of its own: not $$).
CGROUP_PREFIX=husk-cri-${BATS_RUN_TMPDIR##*-}

setup_file() {
  engines_setup_file
  if ! /usr/bin/python3 -c 'import grpc' 2>/dev/null; then
    echo "# python3-grpcio is missing" >&3
    return 1
  fi
  local c=$E/ctrd h bin
  mkdir -p "$c/cni/conf"
  cat >"$c/config.toml" <<EOT
version = 2
root = "$c/root"
state = "$c/state"
[grpc]
  address = "$c/sock"
[ttrpc]
  address = "$c/sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE"
  # This host's root has no CAP_SYS_RESOURCE: the sandbox's oomScoreAdj
  # (-998) is raised to containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$c/cni/conf"
EOT
  for h in husk runc; do
    bin=$E/bin/husk
    [[ $h == runc ]] && bin=$(command -v runc)
    cat >>"$c/config.toml" <<EOT
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$h]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$h.options]
      BinaryName = "$bin"
      Root = "$E/rt/$h"
EOT
  done
  cat >"$c/cni/conf/10-husk.conflist" <<EOT
{"cniVersion": "0.4.0", "name": "husk-cri", "plugins": [
  {"type": "bridge", "bridge": "huskcri0", "isGateway": false, "ipMasq": false,
   "ipam": {"type": "host-local", "dataDir": "$c/cni/ipam", "subnet": "10.198.0.0/24"}},
  {"type": "loopback"}]}
EOT
  unshare -n containerd --config "$c/config.toml" </dev/null >"$c/log" 2>&1 3>&- &
  echo $! >"$c/pid"
  if ! wait_for 20 ctr --address "$c/sock" version >/dev/null 2>&1; then
    echo "# containerd did not start: $(tail -5 "$c/log")" >&3
    return 1
  fi
  make_pause_image "$HUSK_ENGINES_IMAGES/busybox-oci.tar" "$E/pause-oci.tar"
  ctr_ image import "$HUSK_ENGINES_IMAGES/busybox-oci.tar" >/dev/null &&
    ctr_ image import "$E/pause-oci.tar" >/dev/null
}

# make_pause_image SRC DST: the busybox OCI archive SRC as $PAUSE, whose
# command sleeps (a pod's sandbox process holds its namespaces).
make_pause_image() {
  local w=$E/pause m c d
  mkdir -p "$w"
  tar -xf "$1" -C "$w"
  put() { # put FILE: stores FILE as a blob, prints its digest
    d=sha256:$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$w/blobs/sha256/${d#sha256:}"
    echo "$d"
  }
  m=$(jq -r '.manifests[0].digest' "$w/index.json")
  c=$(jq -r '.config.digest' "$w/blobs/sha256/${m#sha256:}")
  jq -c '.config.Cmd = ["sleep", "1000000"]' "$w/blobs/sha256/${c#sha256:}" >"$w/config"
  d=$(put "$w/config")
  jq -c --arg d "$d" --argjson s "$(stat -c %s "$w/blobs/sha256/${d#sha256:}")" \
    '.config.digest = $d | .config.size = $s' "$w/blobs/sha256/${m#sha256:}" >"$w/manifest"
  d=$(put "$w/manifest")
  jq -c --arg d "$d" --argjson s "$(stat -c %s "$w/blobs/sha256/${d#sha256:}")" --arg n "$PAUSE" \
    '.manifests[0] |= (.digest = $d | .size = $s | .annotations["io.containerd.image.name"] = $n)' \
    "$w/index.json" >"$w/index" && mv "$w/index" "$w/index.json"
  tar -cf "$2" -C "$w" oci-layout index.json blobs
}

teardown_file() {
  local m pid c=$E/ctrd
  containerd_stop "$c" k8s.io
  # Shims of a failed scenario (they name this containerd's socket).
  for pid in $(pids_of "$c/sock"); do kill -KILL "$pid" 2>/dev/null || true; done
  umount_under "$E"
  # The pods' network namespaces (/run/netns/cni-*) of a failed scenario.
  for m in $(comm -13 <(sort "$E/netns.before" 2>/dev/null) <(netns_list)); do
    [[ $m == cni-* ]] && umount -l "/run/netns/$m" 2>/dev/null && rm -f "/run/netns/$m"
  done
  find /sys/fs/cgroup -maxdepth 3 -depth -type d -name "$CGROUP_PREFIX-*" -exec rmdir {} + 2>/dev/null || true
  rm -rf "$E/ctrd" "$E/rt" "$E/pause" "$E/pause-oci.tar"
}

# ctr_ ARGS...: ctr on this file's containerd, in CRI's namespace.
ctr_() {
  ecmd ctr --address "$E/ctrd/sock" -n k8s.io "$@"
}

# netns_list: the pods' network namespaces CNI named in /run/netns.
netns_list() {
  local f
  for f in /run/netns/cni-*; do
    [[ -e $f ]] && echo "${f##*/}"
  done | sort
}

# cri_scenario HANDLER: the pod's life on HANDLER, then nothing left.
cri_scenario() {
  local h=$1 parent=/$CGROUP_PREFIX-$1 pod ctr root=$E/rt/$1 left
  netns_list >"$E/netns.before"
  erun timeout --kill-after=5 100 /usr/bin/python3 "$ENGINES_DIR/cri-scenario.py" \
    "$E/ctrd/sock" "$IMAGE" "$h" "$parent"
  echo "$output"
  pod=$(awk '$1 == "pod" { print $2 }' <<<"$output")
  ctr=$(awk '$1 == "container" { print $2 }' <<<"$output")
  [[ -n $pod && -n $ctr ]] || fail "no pod or container id: $output $stderr"
  assert_ok
  assert_line ok
  # The shim's root for the runtime is Root/<namespace>.
  left=$(find "$root" -mindepth 1 ! -path "$root/k8s.io" 2>/dev/null)
  [[ -z $left ]] || fail "the runtime root $root holds: $left"
  assert_runtime_clean "$pod" "$root/k8s.io"
  assert_runtime_clean "$ctr" "$root/k8s.io"
  left=$(find /sys/fs/cgroup -maxdepth 3 -mindepth 2 -type d -path "*$parent/*" 2>/dev/null)
  [[ -z $left ]] || fail "cgroups left: $left"
  erun ctr_ container ls -q
  assert_ok
  assert_output ""
  left=$(comm -13 "$E/netns.before" <(netns_list))
  [[ -z $left ]] || fail "network namespaces left: $left"
}

@test "CRI on runc: a pod's life (seccomp RuntimeDefault, ExecSync, UpdateContainerResources)" {
  cri_scenario runc
}

@test "CRI on husk: a pod's life (seccomp RuntimeDefault, ExecSync, UpdateContainerResources)" {
  cri_scenario husk
}
