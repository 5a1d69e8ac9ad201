#!/bin/bash
# capture.sh: re-captures the engines' config.json files of
# tests/compat/corpus/ from the real engines installed here: Docker
# (/usr/bin/docker, /usr/sbin/dockerd), containerd (ctr run) and
# containerd's CRI plugin (a pod sandbox and a container in it).  Each
# engine runs as a private instance (its own root, state and unix socket,
# in a network namespace of its own, so that nothing touches the host's
# network) with a logging runtime: a script registered as the runtime that
# copies the bundle's config.json of every create, then execs runc.  Run
# once by hand, as root; the JSON files are committed as data:
#   sudo tests/compat/capture.sh && git add tests/compat/corpus
# Not part of `make check-compat`, which only reads the files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus
((EUID == 0)) || { echo "capture.sh: run as root" >&2; exit 1; }
[[ -x /usr/bin/docker && -x /usr/sbin/dockerd ]] || { echo "capture.sh: Debian's docker.io is missing" >&2; exit 1; }
/usr/bin/python3 -c 'import grpc' 2>/dev/null ||
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-grpcio >&2

W=$(mktemp -d /tmp/husk-compat-capture.XXXXXX)
D=$W/docker C=$W/ctrd
stop_pid() { # stop_pid PIDFILE: SIGTERM, then SIGKILL after 20 s
  local pid i
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  if [[ -S $D/sock ]]; then
    for c in $(docker -H "unix://$D/sock" ps -aq); do docker -H "unix://$D/sock" rm -f "$c" >/dev/null; done
  fi
  stop_pid "$D/pid"
  stop_pid "$C/pid"
  awk -v t="$W" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do umount -l "$m"; done
  # The engines' parent cgroups (/docker, /k8s.io, /default) when empty.
  for g in docker k8s.io default; do
    find /sys/fs/cgroup -maxdepth 3 -depth -type d -path "*/$g*" -exec rmdir {} + 2>/dev/null
  done
  [[ -n ${CAPTURE_KEEP:-} ]] && cp -r "$W/cap" "$CAPTURE_KEEP"
  rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/bin" "$W/cap" "$D" "$C/cni/conf"
"$here/../engines/setup.sh" "$W/images" >&2

# The logging runtime.  The engines do not pass our environment to their
# shims, so the capture directory is written into the script.
cat >"$W/bin/logrunc" <<SH
#!/bin/sh
cap=$W/cap
SH
cat >>"$W/bin/logrunc" <<'SH'
cmd= bundle=. prev=
for a; do
  case $prev in --bundle | -b) bundle=$a ;; esac
  case $a in
    --bundle=*) bundle=${a#--bundle=} ;;
    create | run) [ -n "$cmd" ] || cmd=$a ;;
  esac
  prev=$a
done
if [ -n "$cmd" ] && [ -f "$bundle/config.json" ]; then
  name=$(cat "$cap/current") n=1 f=$cap/$(cat "$cap/current").json
  while [ -e "$f" ]; do n=$((n + 1)) f=$cap/$name.$n.json; done
  cp "$bundle/config.json" "$f"
  # This host's root has no CAP_SYS_RESOURCE: a negative oomScoreAdj (CRI's
  # sandbox asks for -998) fails the run.  The captured file keeps it; the
  # run here goes without it, so that CRI can go on to the container.
  if jq -e '(.process.oomScoreAdj // 0) < 0' "$f" >/dev/null; then
    jq 'del(.process.oomScoreAdj)' "$f" >"$bundle/config.json"
  fi
fi
exec /usr/sbin/runc "$@"
SH
chmod +x "$W/bin/logrunc"
case_name() { echo "$1" >"$W/cap/current"; }
wait_sock() { # wait_sock CMD...: up to 30 s
  local i
  for ((i = 0; i < 300; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  "$@"
}

# --- Docker ---------------------------------------------------------------
echo '{}' >"$D/daemon.json"
unshare -n /usr/sbin/dockerd --data-root "$D/data" --exec-root "$D/exec" -H "unix://$D/sock" \
  --pidfile "$D/pid" --config-file "$D/daemon.json" --storage-driver vfs \
  --exec-opt native.cgroupdriver=cgroupfs --bridge=none --iptables=false --ip-masq=false \
  --add-runtime logrunc="$W/bin/logrunc" --default-runtime logrunc \
  </dev/null >"$D/log" 2>&1 &
dk() { /usr/bin/docker -H "unix://$D/sock" "$@"; }
wait_sock dk version
dk import "$W/images/busybox-rootfs.tar" compat-busybox:latest >/dev/null
dk import --change 'ENV PATH=/bin' --change 'CMD ["sleep", "1000000"]' "$W/images/busybox-rootfs.tar" compat-pause:latest >/dev/null
dkrun() { # dkrun CASE DOCKER-RUN-FLAGS...: `docker run` of true
  local name=$1
  case_name "$1"
  shift
  dk run --rm "$@" compat-busybox true ||
    echo "# capture.sh: $name: the container failed (its config.json is captured all the same)" >&2
}
dkrun docker-default --network none
dkrun docker-privileged --network none --privileged
dkrun docker-hardened --network none --read-only --cap-drop ALL --cap-add NET_BIND_SERVICE \
  --security-opt no-new-privileges --user 1000:1000 --group-add 10 --tmpfs /run:rw,size=1m
dkrun docker-resources --network none --memory 64m --memory-swap 128m --cpus 0.5 --cpu-shares 512 \
  --cpuset-cpus 0 --pids-limit 100 --blkio-weight 300 --oom-score-adj 100
dkrun docker-misc --network none --hostname h1 --workdir /tmp -e FOO=bar --ulimit nofile=1024:2048 \
  --sysctl kernel.shm_rmid_forced=1 --device /dev/zero:/dev/myzero --shm-size 16m --init=false
dkrun docker-host-namespaces --network host --pid host --ipc host --uts host
case_name docker-tty
dk run -d -t --name compat-tty --network none compat-busybox sleep 100 >/dev/null || true
dk rm -f compat-tty >/dev/null || true
dk save -o "$W/images/pause.tar" compat-pause:latest
stop_pid "$D/pid"

# --- containerd: ctr run, and the CRI plugin --------------------------------
cat >"$C/config.toml" <<TOML
version = 2
root = "$C/root"
state = "$C/state"
[grpc]
  address = "$C/sock"
[ttrpc]
  address = "$C/sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/library/compat-pause:latest"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$C/cni/conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "logrunc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.logrunc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.logrunc.options]
        BinaryName = "$W/bin/logrunc"
TOML
# The pods' network: a bridge with addresses of its own, made in
# containerd's own network namespace (unshare -n below), never the host's.
cat >"$C/cni/conf/10-compat.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "compat", "plugins": [
  {"type": "bridge", "bridge": "compat0", "isGateway": false, "ipMasq": false,
   "ipam": {"type": "host-local", "dataDir": "$C/cni/ipam", "subnet": "10.199.0.0/24"}},
  {"type": "loopback"}]}
JSON
unshare -n containerd --config "$C/config.toml" </dev/null >"$C/log" 2>&1 &
echo $! >"$C/pid"
ctr_() { ctr --address "$C/sock" "$@"; }
wait_sock ctr_ version
ctr_ -n default images import "$W/images/busybox-oci.tar" >/dev/null
case_name containerd-default
ctr_ -n default run --rm --runc-binary "$W/bin/logrunc" localhost/husk-busybox:latest compat-ctr true ||
  echo "# capture.sh: containerd-default: the container failed (its config.json is captured all the same)" >&2
ctr_ -n k8s.io images import "$W/images/busybox-oci.tar" >/dev/null
ctr_ -n k8s.io images import "$W/images/pause.tar" >/dev/null
case_name cri
/usr/bin/python3 "$here/cri-client.py" "$C/sock" localhost/husk-busybox:latest
stop_pid "$C/pid"

# cri.json is the sandbox, cri.2.json the container.
mv "$W/cap/cri.json" "$W/cap/cri-sandbox.json"
mv "$W/cap/cri.2.json" "$W/cap/cri-container.json"
rm -f "$W/cap/current"
mkdir -p "$out"
for f in "$W"/cap/*.json; do
  jq -S . "$f" >"$out/$(basename "$f")"
done
ls "$out"
