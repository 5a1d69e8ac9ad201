#!/bin/bash
# setup.sh DIR: prepares this machine for the engine suites (podman.bats,
# containerd.bats, docker.bats) and writes the local busybox image into DIR:
#   DIR/busybox-rootfs.tar  a root filesystem tarball, for `podman import`
#                           and `docker import`
#   DIR/busybox-oci.tar     the same as an OCI image archive, for
#                           `ctr image import`
# No registry is needed: the image is busybox-static plus /etc/passwd and
# /etc/group.  Packages are installed from Debian with apt-get, and only the
# missing ones.  Idempotent: a second run with the same DIR does nothing.
set -euo pipefail

dir=${1:?usage: setup.sh DIR}
mkdir -p "$dir"

# Command -> Debian package.  catatonit is podman's --init; the CNI
# plugins and iptables give podman its default bridge network.  Docker's
# client and daemon are named by path (/usr/local/bin/docker may be another
# client); docker-init, its --init, is docker.io's link to tini's
# tini-static; dockerd runs in a network namespace of its own (unshare, ip)
# and `docker top` runs ps; cri.bats' CRI client is python3's grpc.
declare -A pkgs=(
  [podman]=podman [conmon]=conmon [containerd]=containerd [ctr]=containerd
  [containerd-shim-runc-v2]=containerd [catatonit]=catatonit
  [/usr/lib/cni/bridge]=containernetworking-plugins [iptables]=iptables
  [/bin/busybox]=busybox-static [script]=bsdutils [jq]=jq [bats]=bats
  [/usr/bin/docker]=docker.io [/usr/sbin/dockerd]=docker.io [/usr/bin/docker-init]=docker.io
  [/usr/bin/tini-static]=tini [runc]=runc [unshare]=util-linux [ip]=iproute2 [ps]=procps
  [/usr/lib/python3/dist-packages/grpc/__init__.py]=python3-grpcio
)
missing=()
for c in "${!pkgs[@]}"; do
  if [[ $c == /* ]]; then [[ -e $c ]] && continue; else command -v "$c" >/dev/null && continue; fi
  [[ " ${missing[*]} " == *" ${pkgs[$c]} "* ]] || missing+=("${pkgs[$c]}")
done
if ((${#missing[@]} > 0)); then
  echo "# setup.sh: installing ${missing[*]}" >&2
  if ((EUID != 0)); then
    echo "setup.sh: ${missing[*]} missing and not root: cannot apt-get install" >&2
    exit 1
  fi
  # docker.io's postinst would start the system's dockerd: policy-rc.d
  # (invoke-rc.d's hook) forbids starting services during the install.
  if [[ " ${missing[*]} " == *" docker.io "* && ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 ||
    { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2; }
  if [[ $(trap -p EXIT) ]]; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi
if LC_ALL=C readelf -l /bin/busybox 2>/dev/null | grep -q INTERP; then
  echo "setup.sh: /bin/busybox is dynamically linked: install busybox-static" >&2
  exit 1
fi

[[ -s $dir/busybox-rootfs.tar && -s $dir/busybox-oci.tar ]] && exit 0

work=$(mktemp -d "$dir/.image.XXXXXX")
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
mkdir -p "$r"/{bin,dev,etc,proc,sys,tmp,root,run,var/tmp,home}
chmod 1777 "$r/tmp" "$r/var/tmp"
cp /bin/busybox "$r/bin/busybox"
for a in $(/bin/busybox --list); do
  [[ $a == busybox ]] || ln -s busybox "$r/bin/$a"
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'daemon:x:1:1:daemon:/:/bin/sh' \
  'nobody:x:65534:65534:nobody:/home:/bin/sh' >"$r/etc/passwd"
printf '%s\n' 'root:x:0:' 'daemon:x:1:' 'tty:x:5:' 'nogroup:x:65534:' >"$r/etc/group"
# Reproducible: the same busybox gives the same image id.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$r" -cf "$work/layer.tar" .

# The OCI image layout (image-spec 1.0): blobs by digest, then index.json
# naming the manifest with the name containerd gives the image.
oci=$work/oci
mkdir -p "$oci/blobs/sha256"
blob() { # blob FILE MEDIATYPE: stores FILE, prints its descriptor
  local d s
  d=$(sha256sum "$1" | cut -d' ' -f1)
  s=$(stat -c %s "$1")
  cp "$1" "$oci/blobs/sha256/$d"
  jq -cn --arg m "$2" --arg d "sha256:$d" --argjson s "$s" '{mediaType: $m, digest: $d, size: $s}'
}
case $(uname -m) in
  x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;;
esac
layer=$(blob "$work/layer.tar" application/vnd.oci.image.layer.v1.tar)
jq -n --arg a "$arch" --arg diff "$(jq -r .digest <<<"$layer")" '{
  architecture: $a, os: "linux", created: "1970-01-01T00:00:00Z",
  config: { Cmd: ["/bin/sh"], Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
  rootfs: { type: "layers", diff_ids: [$diff] }
}' >"$work/config.json"
cfg=$(blob "$work/config.json" application/vnd.oci.image.config.v1+json)
jq -n --argjson c "$cfg" --argjson l "$layer" \
  '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: $c, layers: [$l]}' \
  >"$work/manifest.json"
man=$(blob "$work/manifest.json" application/vnd.oci.image.manifest.v1+json)
jq -n --argjson m "$man" --arg a "$arch" '{schemaVersion: 2, manifests: [$m + {
  platform: {architecture: $a, os: "linux"},
  annotations: {"io.containerd.image.name": "localhost/husk-busybox:latest",
                "org.opencontainers.image.ref.name": "latest"}}]}' >"$oci/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$oci" -cf "$work/oci.tar" .

mv "$work/layer.tar" "$dir/busybox-rootfs.tar"
mv "$work/oci.tar" "$dir/busybox-oci.tar"
