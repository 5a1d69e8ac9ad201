# Sourced by contrib/demo.sh and tests/check.sh: installs, with apt-get,
# the Debian 12 packages husk needs to build (deps_install build) or to
# build and test (deps_install test).  Nothing is installed when all are
# already present.
deps_install() {
	local pkgs="autoconf automake make gcc libc6-dev pkgconf libyajl-dev libseccomp-dev libcap-dev libmount-dev busybox-static jq git"
	# runc: the suites compare husk's command line with runc 1.1's;
	# groff-base: the man page is rendered; bsdutils and util-linux: script
	# and setpriv for terminal and user tests; procps: ps(1), which `husk ps` runs;
	# strace: faults.bats kills and fails create at its syscalls, trace.bats
	# counts the sync messages.
	[ "$1" = test ] && pkgs="$pkgs bats bats-support bats-assert python3 python3-jsonschema clang runc groff-base bsdutils util-linux procps strace"
	local missing=""
	for p in $pkgs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}
