#!/usr/bin/env bats
# husk's command line: global options, every command's option table against
# --help, runc 1.1's commands and flags, container id checks, --log,
# `husk spec`, `husk features`, the man page and the bash completion.
#
# Needs $HUSK (the binary).  $HUSK_SRCDIR (the source tree) defaults to
# ../.. of this file.  Every test uses its own --root under
# $BATS_TEST_TMPDIR, so nothing touches /run/husk.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

bats_require_minimum_version 1.5.0

setup() {
	if [ -z "${HUSK:-}" ]; then
		fail "HUSK is not set: run the suite through 'make check' or set HUSK=/path/to/husk"
	fi
	if [ ! -x "$HUSK" ] || [ -d "$HUSK" ]; then
		fail "HUSK=$HUSK is not an executable file"
	fi
	: "${HUSK_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
	CMD_DIR=$HUSK_SRCDIR/src/cmd
	MAN=$HUSK_SRCDIR/contrib/husk.1
	COMPLETION=$HUSK_SRCDIR/contrib/completions/husk
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT"
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	mkdir -p "$BUNDLE"
	OTHER_DIR=
}

teardown() {
	# A test that went wrong may have made a container: remove it the way
	# a user would, then everything the test made.
	if [ -n "${HUSK:-}" ] && [ -x "$HUSK" ] && [ -d "${ROOT:-}" ]; then
		local id
		for id in $("$HUSK" --root "$ROOT" list -q 2>/dev/null); do
			"$HUSK" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	if [ -d "${RUNC_ROOT:-}" ]; then
		for id in $(runc --root "$RUNC_ROOT" list -q 2>/dev/null); do
			runc --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1 || true
		done
		rm -rf "$RUNC_ROOT"
	fi
	[ -n "${OTHER_DIR:-}" ] && rm -rf "$OTHER_DIR"
	rm -rf "${ROOT:-/nonexistent}" "${BUNDLE:-/nonexistent}"
}

# The command names of the table in src/cmd/commands.c.
table_commands() {
	sed -n 's/^  &cmd_\([a-z]*\),$/\1/p' "$CMD_DIR/commands.c"
}

# The long option names of the option table in C file $1.
table_options() {
	awk '/_options\[\] = \{/ { on = 1; next } on && /^\};/ { on = 0 } on' "$1" |
		sed -n 's/^  { "\([a-z0-9-]*\)", .*/\1/p'
}

# The long options that `husk [CMD] --help` lists, without --help.
help_options() {
	"$HUSK" "$@" --help | sed -n '/^\(Global o\|O\)ptions:/,$p' |
		grep -oE -- '--[a-z0-9-]+' | grep -vx -- --help | sort -u
}

# assert_error PATTERN [CONTEXT]: the command run with --separate-stderr
# failed with exit 1, printed nothing on stdout and one line on stderr,
# "husk: ...", containing PATTERN.  (Each check returns at once: a caller's
# `||` would otherwise let a failed check fall through to the next.)
assert_error() {
	local ctx=${2:+$2: }
	if [ "$status" -ne 1 ]; then
		fail "${ctx}expected exit 1, got $status (stderr: $stderr)"
		return
	fi
	if [ -n "$output" ]; then
		fail "${ctx}expected no stdout, got: $output"
		return
	fi
	if [ "${#stderr_lines[@]}" -ne 1 ]; then
		fail "${ctx}expected one line on stderr, got ${#stderr_lines[@]}: $stderr"
		return
	fi
	if [[ "$stderr" != "husk: "* ]]; then
		fail "${ctx}stderr does not start with \"husk: \": $stderr"
		return
	fi
	if [[ "$stderr" != *"$1"* ]]; then
		fail "${ctx}stderr does not mention \"$1\": $stderr"
		return
	fi
}

# assert_root_empty [CONTEXT]: nothing was left under --root.
assert_root_empty() {
	local ctx=${1:+$1: } left
	if [ ! -d "$ROOT" ]; then
		fail "${ctx}--root $ROOT disappeared"
		return
	fi
	left=$(find "$ROOT" -mindepth 1 2>/dev/null)
	if [ -n "$left" ]; then
		fail "${ctx}left behind under --root: $left"
		return
	fi
}

version_spec() {
	"$HUSK" --version | sed -n 's/^spec: //p'
}

# ------------------------------------------------------------ global options

@test "cli: --version prints the version, commit and spec lines; -v too" {
	for flag in --version -v; do
		run --separate-stderr "$HUSK" "$flag"
		assert_success
		assert_line --regexp '^husk version [0-9]+\.[0-9]+\.[0-9]+'
		assert_line --regexp '^commit: [0-9a-f]+|^commit: unknown$'
		assert_line --regexp '^spec: [0-9]+\.[0-9]+\.[0-9]+'
		[ -z "$stderr" ] || fail "$flag wrote to stderr: $stderr"
	done
}

@test "cli: --help lists every command of the table" {
	run --separate-stderr "$HUSK" --help
	assert_success
	local n=0 c
	for c in $(table_commands); do
		assert_line --regexp "^  $c +[a-z]"
		n=$((n + 1))
	done
	[ "$n" -ge 17 ] || fail "only $n commands parsed from $CMD_DIR/commands.c"
}

@test "cli: --help lists every global option of the table" {
	local expected got
	expected=$(table_options "$HUSK_SRCDIR/src/main.c" | sed 's/^/--/' | sort)
	[ -n "$expected" ] || fail "no global options parsed from src/main.c"
	got=$(help_options)
	[ "$expected" = "$got" ] || fail "global options: table and --help differ: $(diff <(echo "$expected") <(echo "$got"))"
}

@test "cli: husk COMMAND --help lists exactly the options of the command's table" {
	local c expected got
	for c in $(table_commands); do
		run --separate-stderr "$HUSK" "$c" --help
		[ "$status" -eq 0 ] || fail "husk $c --help: exit $status: $stderr"
		[[ "${lines[0]}" == "Usage: husk $c"* ]] || fail "husk $c --help: no usage line: ${lines[0]}"
		expected=$(table_options "$CMD_DIR/$c.c" | sed 's/^/--/' | sort)
		got=$(help_options "$c")
		[ "$expected" = "$got" ] || fail "husk $c: table and --help differ: $(diff <(echo "$expected") <(echo "$got"))"
		# husk help COMMAND prints the same.
		[ "$("$HUSK" help "$c")" = "$output" ] || fail "husk help $c differs from husk $c --help"
	done
}

@test "cli: create --help shows runc's create options" {
	run --separate-stderr "$HUSK" create --help
	assert_success
	for o in --bundle --console-socket --pid-file --no-pivot --no-new-keyring --preserve-fds; do
		assert_output --partial -- "$o"
	done
	assert_output --partial -- "-b, --bundle DIR"
}

# ------------------------------------------------------------- runc parity

# The flags runc lists in a help text on stdin: "NAME 0|1" (1: takes a
# value), long and short spellings alike.
runc_flags() {
	awk '/^(GLOBAL )?OPTIONS:/ { on = 1; next } /^[A-Z]/ { on = 0 } on && NF {
		sub(/^ +/, ""); split($0, parts, /  +/); n = split(parts[1], spell, /, /)
		for (i = 1; i <= n; i++) { split(spell[i], w, / /); print w[1], (w[2] == "value") }
	}'
}

@test "cli: every command of runc 1.1 exists, and every flag of it is accepted" {
	command -v runc >/dev/null || skip "runc is not installed"
	local cmds c name value n=0
	cmds=$(runc --help | awk '/^COMMANDS:/ { on = 1; next } /^[A-Z]/ { on = 0 }
		on && NF { sub(/,$/, "", $1); print $1 }' | grep -vx help)
	[ -n "$cmds" ] || fail "could not parse runc's command list"
	for c in $cmds; do
		run --separate-stderr "$HUSK" "$c" --help
		[ "$status" -eq 0 ] || fail "runc's command $c: husk $c --help: exit $status: $stderr"
		while read -r name value; do
			[ "$name" = --help ] || [ "$name" = -h ] && continue
			# --help last: husk exits 0 only if it parsed the flag before it.
			if [ "$value" = 1 ]; then
				run --separate-stderr "$HUSK" "$c" "$name" 1 --help
			else
				run --separate-stderr "$HUSK" "$c" "$name" --help
			fi
			[ "$status" -eq 0 ] || fail "runc's flag husk $c $name: exit $status: $stderr"
			n=$((n + 1))
		done < <(runc "$c" --help | runc_flags)
	done
	[ "$n" -ge 90 ] || fail "only $n runc flags were checked: parsing runc's help failed?"
}

@test "cli: every global option of runc 1.1 is accepted" {
	command -v runc >/dev/null || skip "runc is not installed"
	local name value n=0
	while read -r name value; do
		case $name in --help | -h | --version | -v) continue ;; esac
		if [ "$value" = 1 ]; then
			run --separate-stderr "$HUSK" "$name" 1 --help
		else
			run --separate-stderr "$HUSK" "$name" --help
		fi
		[ "$status" -eq 0 ] || fail "runc's global option $name: exit $status: $stderr"
		n=$((n + 1))
	done < <(runc --help | runc_flags)
	[ "$n" -ge 7 ] || fail "only $n global options were checked"
}

@test "cli: Go-style boolean flags: --flag=true, --flag=false, -flag" {
	run --separate-stderr "$HUSK" create --no-pivot=true --no-new-keyring=false --help
	assert_success
	run --separate-stderr "$HUSK" create -no-pivot --help
	assert_success
	run --separate-stderr "$HUSK" --root "$ROOT" create --no-pivot=maybe x
	assert_error "--no-pivot"
	assert_root_empty
}

@test "cli: list --format json prints a JSON array, empty for an empty root" {
	# runc prints null here (a nil Go slice); an array is what a caller
	# iterates over, and parses the same way.
	run --separate-stderr "$HUSK" --root "$ROOT" list --format json
	[ "$status" -eq 0 ] || fail "list --format json: exit $status: $stderr"
	local out=$output
	run jq -e 'type == "array" and length == 0' <<<"$out"
	[ "$status" -eq 0 ] || fail "list --format json on an empty root printed: $out"
	run --separate-stderr "$HUSK" --root "$ROOT" list -q
	assert_success
	assert_output ""
	assert_root_empty
}

@test "cli: unknown command: exit 1, one line naming it" {
	run --separate-stderr "$HUSK" --root "$ROOT" frobnicate x
	assert_error '"frobnicate"'
	assert_root_empty
}

@test "cli: unknown flag: exit 1, one line naming it, for a command and globally" {
	run --separate-stderr "$HUSK" --root "$ROOT" create --frobnicate x
	assert_error "--frobnicate"
	run --separate-stderr "$HUSK" --root "$ROOT" --frobnicate state x
	assert_error "--frobnicate"
	run --separate-stderr "$HUSK" --root "$ROOT" kill -z x
	assert_error "-z"
	assert_root_empty
}

@test "cli: an option missing its value is refused" {
	run --separate-stderr "$HUSK" --root "$ROOT" create --bundle
	assert_error "--bundle"
	assert_root_empty
}

# ------------------------------------------------------------ container ids

@test "cli: bad container ids are refused with one line, leaving nothing under --root" {
	local long
	long=$(printf 'a%.0s' $(seq 1025))
	local -a ids=("" "." ".." "../x" "a/b" "/abs" ".hidden" "a b" $'a\nb' $'a\tb' "$long"
		"é" "容器" "a\\b" 'a"b' "a*")
	local c id what
	local -a bad=()
	for c in create state kill delete start; do
		for id in "${ids[@]}"; do
			if [ "$c" = create ]; then
				run --separate-stderr "$HUSK" --root "$ROOT" create --bundle "$BUNDLE" "$id"
			else
				run --separate-stderr "$HUSK" --root "$ROOT" "$c" "$id"
			fi
			# Every case is checked; the failures are listed together.
			what="husk $c $(printf '%q' "$id" | cut -c1-40)"
			(assert_error "container id" "$what" && assert_root_empty "$what") || bad+=("$what")
		done
	done
	[ "${#bad[@]}" -eq 0 ] || fail "${#bad[@]} bad ids not refused properly: ${bad[*]}"
}

@test "cli: a 1024-byte id is a valid id" {
	local id
	id=$(printf 'a%.0s' $(seq 1024))
	for c in state kill delete; do
		run --separate-stderr "$HUSK" --root "$ROOT" "$c" "$id"
		# The container does not exist, but the id itself is not refused.
		[[ "$stderr" != *"invalid container id"* ]] || fail "husk $c refused a 1024-byte id: $stderr"
		assert_root_empty
	done
	# No config.json in the bundle: create fails, but not on the id.
	run --separate-stderr "$HUSK" --root "$ROOT" create --bundle "$BUNDLE" "$id"
	[ "$status" -ne 0 ] || fail "create without config.json succeeded"
	[[ "$stderr" != *"invalid container id"* ]] || fail "create refused a 1024-byte id: $stderr"
	assert_root_empty
}

# -------------------------------------------------------------------- --log

@test "cli: --log with --log-format json writes the error as a JSON line" {
	local log=$BATS_TEST_TMPDIR/husk.log
	run --separate-stderr "$HUSK" --root "$ROOT" --log "$log" --log-format json state ..
	assert_error "container id"
	[ -s "$log" ] || fail "no log written"
	[ "$(wc -l <"$log")" -eq 1 ] || fail "expected one log line: $(cat "$log")"
	run jq -e '.level == "error" and (.msg | contains("invalid container id"))
		and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' "$log"
	[ "$status" -eq 0 ] || fail "log line is not the expected JSON: $(cat "$log")"
	assert_root_empty
}

@test "cli: --log with the text format writes level=error msg=..." {
	local log=$BATS_TEST_TMPDIR/husk.log
	run --separate-stderr "$HUSK" --root "$ROOT" --log "$log" state ..
	assert_error "container id"
	run grep -c 'level=error msg=.*invalid container id' "$log"
	assert_output 1
	run --separate-stderr "$HUSK" --root "$ROOT" --log "$log" --log-format text state ..
	run grep -c 'level=error msg=' "$log"
	assert_output 2
}

@test "cli: --log-format bogus is refused" {
	run --separate-stderr "$HUSK" --root "$ROOT" --log-format bogus state x
	assert_error '"bogus"'
	assert_root_empty
}

@test "cli: --systemd-cgroup is refused for create" {
	run --separate-stderr "$HUSK" --root "$ROOT" --systemd-cgroup create --bundle "$BUNDLE" x
	assert_error "--systemd-cgroup"
	assert_root_empty
}

@test "cli: crun's --cgroup-manager: cgroupfs accepted, systemd and disabled refused for create, bogus always" {
	run --separate-stderr "$HUSK" --root "$ROOT" --cgroup-manager cgroupfs list -q
	assert_success
	run --separate-stderr "$HUSK" --root "$ROOT" --cgroup-manager=systemd create --bundle "$BUNDLE" x
	assert_error "--cgroup-manager=systemd"
	assert_root_empty
	run --separate-stderr "$HUSK" --root "$ROOT" --cgroup-manager disabled create --bundle "$BUNDLE" x
	assert_error "--cgroup-manager=disabled"
	assert_root_empty
	run --separate-stderr "$HUSK" --root "$ROOT" --cgroup-manager=bogus list
	assert_error '"bogus"'
}

@test "cli: --rootless=true is refused for create; --rootless=bogus always" {
	run --separate-stderr "$HUSK" --root "$ROOT" --rootless=true create --bundle "$BUNDLE" x
	assert_error "--rootless"
	assert_root_empty
	run --separate-stderr "$HUSK" --root "$ROOT" --rootless bogus state x
	assert_error '"bogus"'
	run --separate-stderr "$HUSK" --root "$ROOT" --rootless=bogus spec --bundle "$BUNDLE"
	assert_error '"bogus"'
	[ ! -e "$BUNDLE/config.json" ] || fail "spec wrote config.json despite a bad global option"
	assert_root_empty
}

# --------------------------------------------------------------------- spec

@test "spec: writes a valid config.json into --bundle, matching --version's spec" {
	run --separate-stderr "$HUSK" spec --bundle "$BUNDLE"
	assert_success
	assert_output ""
	[ -f "$BUNDLE/config.json" ] || fail "no config.json"
	run jq -r '.ociVersion' "$BUNDLE/config.json"
	assert_success
	assert_output "$(version_spec)"
	# runc 1.1 lists a cgroup namespace on a cgroup v2 host only.
	local ns='"pid","network","ipc","uts","mount"'
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || ns+=',"cgroup"'
	run jq -c '[.process.args, .process.terminal, .root.path, .root.readonly, .hostname,
		[.linux.namespaces[].type], .process.user, .process.noNewPrivileges]' "$BUNDLE/config.json"
	assert_output "[[\"sh\"],true,\"rootfs\",true,\"husk\",[$ns],{\"uid\":0,\"gid\":0},true]"
	run jq -c '[.mounts[].destination]' "$BUNDLE/config.json"
	assert_output '["/proc","/dev","/dev/pts","/dev/shm","/dev/mqueue","/sys","/sys/fs/cgroup"]'
	run jq -c '.process.capabilities' "$BUNDLE/config.json"
	local caps='["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]'
	assert_output "{\"bounding\":$caps,\"effective\":$caps,\"permitted\":$caps,\"ambient\":$caps}"
}

@test "spec: without --bundle it writes into the current directory" {
	cd "$BUNDLE"
	run --separate-stderr "$HUSK" spec
	assert_success
	jq -e . "$BUNDLE/config.json" >/dev/null
}

@test "spec: the file is created with mode 0666 & ~umask" {
	(umask 022 && "$HUSK" spec --bundle "$BUNDLE")
	run stat -c %a "$BUNDLE/config.json"
	assert_output 644
	rm "$BUNDLE/config.json"
	(umask 077 && "$HUSK" spec --bundle "$BUNDLE")
	run stat -c %a "$BUNDLE/config.json"
	assert_output 600
}

# spec_same_as_runc [--rootless]: husk spec writes runc spec's file for this
# host byte for byte, but for the hostname and ociVersion lines
# (docs/runc-differences.md).
spec_same_as_runc() {
	local runc_dir=$BATS_TEST_TMPDIR/runc-bundle norm='s/^\t"(hostname|ociVersion)": ".*",$/\t"\1": X,/'
	mkdir -p "$runc_dir"
	rm -f "$runc_dir/config.json" "$BUNDLE/config.json"
	(cd "$runc_dir" && runc spec "$@")
	"$HUSK" spec "$@" --bundle "$BUNDLE"
	grep -q '"hostname": "husk",' "$BUNDLE/config.json" || fail "hostname is not husk"
	diff <(sed -E "$norm" "$runc_dir/config.json") <(sed -E "$norm" "$BUNDLE/config.json") ||
		fail "husk spec $* differs from runc spec $* (see the diff above)"
	rm -rf "$runc_dir"
}

@test "spec: the same file as runc spec writes on this host, but hostname and version" {
	command -v runc >/dev/null || skip "runc is not installed"
	spec_same_as_runc
	spec_same_as_runc --rootless
}

@test "spec: the default configuration runs with a busybox rootfs, read-only root and all" {
	[ "$(id -u)" -eq 0 ] || skip "needs root"
	local a
	mkdir -p "$BUNDLE/rootfs/bin"
	cp /bin/busybox "$BUNDLE/rootfs/bin/busybox"
	for a in sh hostname grep touch cat; do
		ln -s busybox "$BUNDLE/rootfs/bin/$a"
	done
	"$HUSK" spec --bundle "$BUNDLE"
	# Only what a run without a terminal needs is changed.
	jq '.process.terminal = false | .process.args = ["sh", "-c",
		"hostname; grep CapEff /proc/self/status; touch /x 2>/dev/null || echo root-ro; grep -c . /proc/self/mountinfo >/dev/null && echo proc-ok"]' \
		"$BUNDLE/config.json" >"$BUNDLE/c.json"
	mv "$BUNDLE/c.json" "$BUNDLE/config.json"
	run --separate-stderr timeout 20 "$HUSK" --root "$ROOT" run --bundle "$BUNDLE" "spec-run-$$" </dev/null
	[ "$status" -eq 0 ] || fail "run of husk spec's config failed ($status): $stderr"
	assert_output $'husk\nCapEff:\t0000000020000420\nroot-ro\nproc-ok'
	# runc raises none of the ambient capabilities its spec lists (they are
	# not inheritable); husk says so once.
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "expected one warning line: $stderr"
	[[ "${stderr_lines[0]}" == "husk: warning: config.json: process.capabilities.ambient: "* ]] || fail "$stderr"
	run "$HUSK" --root "$ROOT" list -q
	assert_output ""
}

@test "spec: --rootless: user namespace, the caller's ids mapped, no network namespace" {
	run --separate-stderr "$HUSK" spec --rootless --bundle "$BUNDLE"
	assert_success
	local f=$BUNDLE/config.json
	local ns='"pid","ipc","uts","mount"'
	[ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || ns+=',"cgroup"'
	run jq -c '[.linux.namespaces[].type]' "$f"
	assert_output "[$ns,\"user\"]"
	run jq -c '[.linux.uidMappings, .linux.gidMappings]' "$f"
	assert_output "[[{\"containerID\":0,\"hostID\":$(id -u),\"size\":1}],[{\"containerID\":0,\"hostID\":$(id -g),\"size\":1}]]"
	run jq -c '.mounts[] | select(.destination == "/sys")' "$f"
	assert_output '{"destination":"/sys","type":"none","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]}'
	run jq -r '[.mounts[].options // [] | .[] | select(startswith("gid=") or startswith("uid="))] | length' "$f"
	assert_output 0
	run jq -r 'has("linux") and (.linux | has("resources") | not)' "$f"
	assert_output true
}

@test "spec: --rootless maps the effective uid and gid of an unprivileged caller" {
	command -v setpriv >/dev/null || skip "setpriv is not installed"
	[ "$(id -u)" -eq 0 ] || skip "needs root to switch to another user"
	OTHER_DIR=$(mktemp -d /tmp/husk-cli.XXXXXX)
	chmod 0777 "$OTHER_DIR"
	run --separate-stderr setpriv --reuid 65534 --regid 65533 --clear-groups "$HUSK" spec --rootless --bundle "$OTHER_DIR"
	[ "$status" -eq 0 ] || fail "spec as uid 65534: $stderr"
	run jq -c '[.linux.uidMappings[0].hostID, .linux.gidMappings[0].hostID]' "$OTHER_DIR/config.json"
	assert_output '[65534,65533]'
}

@test "spec: refuses an existing config.json and leaves it unchanged" {
	printf 'not mine to overwrite\n' >"$BUNDLE/config.json"
	run --separate-stderr "$HUSK" spec --bundle "$BUNDLE"
	assert_error "already exists"
	[[ "$stderr" == *"$BUNDLE/config.json"* ]] || fail "the message does not name the file: $stderr"
	[ "$(cat "$BUNDLE/config.json")" = "not mine to overwrite" ] || fail "config.json was modified"
	run --separate-stderr "$HUSK" spec --rootless --bundle "$BUNDLE"
	assert_error "already exists"
	[ "$(cat "$BUNDLE/config.json")" = "not mine to overwrite" ] || fail "config.json was modified"
}

@test "spec: never follows a config.json symlink" {
	local target=$BATS_TEST_TMPDIR/target
	ln -s "$target" "$BUNDLE/config.json"
	run --separate-stderr "$HUSK" spec --bundle "$BUNDLE"
	assert_error "already exists"
	[ ! -e "$target" ] || fail "spec wrote through a dangling symlink"
	[ -L "$BUNDLE/config.json" ] || fail "the symlink was replaced"
}

@test "spec: refuses a missing bundle directory, creating nothing" {
	run --separate-stderr "$HUSK" spec --bundle "$BUNDLE/missing"
	assert_error "$BUNDLE/missing"
	[ ! -e "$BUNDLE/missing" ] || fail "spec created the bundle directory"
	printf x >"$BUNDLE/file"
	run --separate-stderr "$HUSK" spec --bundle "$BUNDLE/file"
	assert_error "$BUNDLE/file"
}

@test "spec: refuses arguments" {
	run --separate-stderr "$HUSK" spec --bundle "$BUNDLE" extra
	assert_error "spec"
	[ ! -e "$BUNDLE/config.json" ] || fail "config.json written despite the error"
}

@test "spec: an unwritable bundle directory is refused, leaving nothing" {
	local -a as_user=()
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip "needs setpriv to drop root"
		as_user=(setpriv --reuid 65534 --regid 65534 --clear-groups)
	fi
	OTHER_DIR=$(mktemp -d /tmp/husk-cli.XXXXXX)
	chmod 0555 "$OTHER_DIR"
	run --separate-stderr "${as_user[@]}" "$HUSK" spec --bundle "$OTHER_DIR"
	assert_error "$OTHER_DIR/config.json"
	[ ! -e "$OTHER_DIR/config.json" ] || fail "config.json left behind"
}

# ----------------------------------------------------------------- features

@test "features: prints valid JSON with the spec versions of --version" {
	run --separate-stderr "$HUSK" features
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/features.json"
	run jq -r '.ociVersionMin, .ociVersionMax' "$BATS_TEST_TMPDIR/features.json"
	assert_success
	assert_line --index 0 "1.0.0"
	assert_line --index 1 "$(version_spec)"
}

@test "features: namespaces, capabilities, hooks, seccomp and cgroup facts" {
	local f=$BATS_TEST_TMPDIR/features.json
	"$HUSK" features >"$f"
	run jq -r '.linux.namespaces | sort | join(" ")' "$f"
	assert_output "cgroup ipc mount network pid time user uts"
	run jq -r '.hooks | join(" ")' "$f"
	assert_output "prestart createRuntime createContainer startContainer poststart poststop"
	for cap in CAP_CHOWN CAP_SYS_ADMIN CAP_BPF CAP_PERFMON CAP_CHECKPOINT_RESTORE; do
		jq -e --arg c "$cap" '.linux.capabilities | index($c)' "$f" >/dev/null || fail "no $cap"
	done
	run jq -r '.linux.capabilities | length == (unique | length)' "$f"
	assert_output true
	jq -e '.linux.seccomp.enabled and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY"))
		and (.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ"))
		and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64"))' "$f" >/dev/null ||
		fail "seccomp facts missing: $(jq -c .linux.seccomp "$f")"
	# What the kernel and libseccomp support is a subset of what husk knows;
	# TSYNC needs only Linux 3.17 and libseccomp's API level 2.
	run jq -r '.linux.seccomp as $s | ($s.supportedFlags - $s.knownFlags | length),
		($s.supportedFlags | index("SECCOMP_FILTER_FLAG_TSYNC") != null)' "$f"
	assert_output $'0\ntrue'
	run jq -c '.linux.cgroup' "$f"
	assert_output '{"v1":true,"v2":true,"systemd":false,"systemdUser":false,"rdma":false}'
	run jq -c '[.linux.apparmor.enabled, .linux.selinux.enabled, .linux.intelRdt.enabled,
		.linux.mountExtensions.idmap.enabled, .potentiallyUnsafeConfigAnnotations]' "$f"
	assert_output '[true,true,false,true,[]]'
}

@test "features: mountOptions are exactly the recognized options of the spec and runc 1.1" {
	# config.md's list of Linux mount options, with runc's tmpcopyup, and
	# acl/noacl (MS_POSIXACL), which runc 1.1 recognizes and features.md's
	# example lists; none of the filesystem-specific data options.
	local expected="acl async atime bind defaults dev diratime dirsync exec idmap iversion
		lazytime loud mand noacl noatime nodev nodiratime noexec noiversion nolazytime nomand
		norelatime nostrictatime nosuid nosymfollow private ratime rbind rdev rdiratime relatime
		remount rexec ridmap rnoatime rnodev rnodiratime rnoexec rnorelatime rnostrictatime
		rnosuid rnosymfollow ro rprivate rrelatime rro rrw rshared rslave rstrictatime rsuid
		rsymfollow runbindable rw shared silent slave strictatime suid symfollow sync tmpcopyup
		unbindable"
	run bash -c '"$1" features | jq -r ".mountOptions[]"' _ "$HUSK"
	assert_success
	diff <(printf '%s\n' $expected | sort) <(printf '%s\n' "${lines[@]}" | sort) ||
		fail "mountOptions differ from the expected list (< expected, > husk)"
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq "${#lines[@]}" ] || fail "duplicates"
	if command -v runc >/dev/null; then
		local missing
		missing=$(comm -23 <(runc features | jq -r '.mountOptions[]' | sort) \
			<(printf '%s\n' "${lines[@]}" | sort))
		[ -z "$missing" ] || fail "runc recognizes, husk does not: $missing"
	fi
}

@test "features: refuses arguments" {
	run --separate-stderr "$HUSK" features extra
	assert_error "features"
}

# ------------------------------------------------------ man page, completion

# The man page text of the section of command $1 (or of the global
# options), with roff's \- turned into -.
man_section() {
	if [ "$1" = global ]; then
		awk '/^\.SH "?GLOBAL OPTIONS/ { on = 1; next } /^\.S[HS]/ { on = 0 } on' "$MAN"
	else
		awk -v c="$1" 'index($0, ".SS \"husk " c " ") == 1 || $0 == ".SS \"husk " c "\"" { on = 1; next }
			/^\.S[HS]/ { on = 0 } on' "$MAN"
	fi | sed 's/\\-/-/g'
}

@test "man: the page documents every command and every option of its table" {
	[ -f "$MAN" ] || fail "no man page at $MAN"
	local c o text
	for c in $(table_commands); do
		text=$(man_section "$c")
		[ -n "$text" ] || fail "husk.1 has no section for command $c"
		for o in $(help_options "$c"); do
			grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$text" || fail "husk.1: $c: $o is not documented"
		done
	done
	text=$(man_section global)
	for o in $(help_options); do
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$text" || fail "husk.1: global option $o is not documented"
	done
}

@test "man: the page says which commands are refused in this version, and only those" {
	local c refused
	for c in $(table_commands); do
		refused=no
		man_section "$c" | tr '\n' ' ' | grep -qi 'refused with an error in this version' && refused=yes
		if grep -q '\.run = cmd_refuse_unimplemented' "$CMD_DIR/$c.c"; then
			[ "$refused" = yes ] || fail "husk.1 does not say that $c is refused"
		else
			[ "$refused" = no ] || fail "husk.1 says $c is refused, but src/cmd/$c.c implements it"
		fi
	done
}

@test "man: the page renders without warnings" {
	command -v groff >/dev/null || skip "groff is not installed"
	run --separate-stderr groff -man -Tutf8 -ww "$MAN"
	assert_success
	[ -z "$stderr" ] || fail "groff warnings: $stderr"
}

# complete WORD...: the completions bash offers for the command line
# "WORD... <cursor>", one per line.
complete_line() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _husk
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
}

@test "completion: the file is valid bash and registers _husk" {
	run bash -n "$COMPLETION"
	assert_success
	run bash -c 'source "$1" && complete -p husk' _ "$COMPLETION"
	assert_success
	assert_output --partial "-F _husk"
}

@test "completion: knows every command and every long option of each" {
	local c o
	run complete_line "$HUSK" ""
	for c in $(table_commands); do
		assert_line "$c"
	done
	for c in $(table_commands); do
		run complete_line "$HUSK" "$c" --
		for o in $(help_options "$c"); do
			assert_line -- "$o" || fail "completion of '$c --' lacks $o"
		done
	done
	run complete_line "$HUSK" --
	for o in $(help_options); do
		assert_line -- "$o"
	done
}

@test "completion: option values and kill's signals" {
	run complete_line "$HUSK" --log-format ""
	assert_output $'text\njson'
	run complete_line "$HUSK" --root /x list --format j
	assert_output json
	run complete_line "$HUSK" kill someid SIGK
	assert_output SIGKILL
	mkdir -p "$BUNDLE/sub-dir"
	printf x >"$BUNDLE/sub-file"
	run complete_line "$HUSK" create --bundle "$BUNDLE/sub"
	assert_output "$BUNDLE/sub-dir"
	run complete_line "$HUSK" create --pid-file "$BUNDLE/sub"
	assert_line "$BUNDLE/sub-dir"
	assert_line "$BUNDLE/sub-file"
}

@test "completion: container ids come from husk list, under the --root of the line" {
	[ -x /bin/busybox ] || skip "needs /bin/busybox for a container"
	mkdir -p "$BUNDLE/rootfs/bin"
	cp /bin/busybox "$BUNDLE/rootfs/bin/"
	# The smallest configuration: the completion needs a container, not
	# every feature of one.
	cat >"$BUNDLE/config.json" <<-JSON
		{"ociVersion": "$(version_spec)",
		 "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
		             "args": ["/bin/busybox", "sleep", "1000"], "cwd": "/"},
		 "root": {"path": "rootfs"},
		 "linux": {"namespaces": [{"type": "mount"}, {"type": "pid"}]}}
	JSON
	# The container keeps the stdio it is given: never bats' pipes (or fd 3),
	# which bats waits on until they close.
	if ! "$HUSK" --root "$ROOT" create --bundle "$BUNDLE" compl-one \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/create.err" 3>&-; then
		fail "husk create failed: $(cat "$BATS_TEST_TMPDIR/create.err")"
	fi
	run complete_line "$HUSK" --root "$ROOT" state comp
	assert_output compl-one
	# --root=DIR reaches the completion as three words: "--root" "=" "DIR".
	run complete_line "$HUSK" --root = "$ROOT" kill ""
	assert_output compl-one
	run complete_line "$HUSK" --root "$ROOT" delete --force ""
	assert_output compl-one
	# A command taking no id offers none; kill's second word is a signal.
	run complete_line "$HUSK" --root "$ROOT" spec ""
	assert_output ""
	run complete_line "$HUSK" --root "$ROOT" kill compl-one KI
	assert_output KILL
	"$HUSK" --root "$ROOT" delete --force compl-one
}

# ------------------------------------------- runc 1.1's command-line contract
#
# The same command lines, run by runc 1.1.5 and by husk (each with its own
# --root, on the same bundles), exit with the same status.

# contract_bundle DIR ARG...: a busybox bundle running ARG... (pid, mount,
# ipc, uts and network namespaces).
contract_bundle() {
	local dir=$1 a
	shift
	[ -x /bin/busybox ] || skip "needs /bin/busybox"
	mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/tmp"
	cp /bin/busybox "$dir/rootfs/bin/"
	for a in sh true sleep cat echo kill; do
		ln -sf busybox "$dir/rootfs/bin/$a"
	done
	# One --arg at a time: jq would take a "-c" among --args for its own.
	local args='[]'
	for a in "$@"; do
		args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args")
	done
	jq -n --arg v "$(version_spec)" --argjson args "$args" '{ociVersion: $v,
		process: {terminal: false, user: {uid: 0, gid: 0}, args: $args,
			env: ["PATH=/bin"], cwd: "/"},
		root: {path: "rootfs"}, hostname: "contract",
		mounts: [{destination: "/proc", type: "proc", source: "proc"}],
		linux: {namespaces: [{type: "pid"}, {type: "mount"}, {type: "ipc"}, {type: "uts"},
			{type: "network"}]}}' >"$dir/config.json"
}

contract_setup() {
	command -v runc >/dev/null || skip "runc is not installed"
	RUNC_ROOT=$BATS_TEST_TMPDIR/runc-root
	mkdir -p "$RUNC_ROOT"
	# Unique among the suites running at once: runc names its cgroups by id.
	CID=cli$$
}

# both ARG...: runc and husk with the same arguments; sets rs, hs (their
# exit statuses), rerr and herr (their stderr).  Stdin is $BOTH_STDIN
# (default /dev/null); output goes to files, since a container keeps them.
both() {
	local t=$BATS_TEST_TMPDIR
	rs=0 hs=0
	timeout --kill-after=5 20 runc --root "$RUNC_ROOT" "$@" <"${BOTH_STDIN:-/dev/null}" \
		>"$t/runc.out" 2>"$t/runc.err" 3>&- || rs=$?
	timeout --kill-after=5 20 "$HUSK" --root "$ROOT" "$@" <"${BOTH_STDIN:-/dev/null}" \
		>"$t/husk.out" 2>"$t/husk.err" 3>&- || hs=$?
	rerr=$(<"$t/runc.err") herr=$(<"$t/husk.err")
	hout=$(<"$t/husk.out")
}

# same_status STATUS ARG...: runc and husk both exit STATUS; a failing husk
# says why in one line.
same_status() {
	local want=$1
	shift
	both "$@"
	[ "$rs" = "$want" ] || fail "runc $*: exit $rs, expected $want (stderr: $rerr)"
	[ "$hs" = "$want" ] || fail "husk $*: exit $hs, as runc $want (stderr: $herr)"
	if [ "$want" != 0 ] && [ -n "$herr" ]; then
		[ "$(wc -l <<<"$herr")" -eq 1 ] || fail "husk $*: more than one line on stderr: $herr"
	fi
}

# husk_said WORDS: husk's last stderr contains WORDS, and so does runc's.
husk_said() {
	[[ "$herr" == *"$1"* ]] || fail "husk's error does not say \"$1\": $herr"
	[[ "$rerr" == *"$1"* ]] || fail "runc's error does not say \"$1\" (the test is wrong): $rerr"
}

@test "contract: options after the container id, as runc reorders them; -- and words that are not options" {
	contract_setup
	# delete --force of a missing id succeeds: wherever --force is.
	same_status 0 delete --force nope
	same_status 0 delete nope --force
	same_status 0 delete nope -f
	same_status 1 delete nope
	husk_said "does not exist"
	# -- moves in front of what stays: "nope -f" are two arguments.
	same_status 1 delete nope -- -f
	# The flags of update after the id; the id is looked up, not refused
	# as an extra argument.
	same_status 1 update nope --memory 64m
	husk_said "does not exist"
	same_status 1 update nope --cpu-quota -1
	husk_said "does not exist"
	# A value of an option is never an option of its own: --bundle's value
	# is "--", and -- ends nothing here.
	same_status 1 create --bogus x
	same_status 1 create x --bogus
	# Go's flag rules: no abbreviations, no grouped short options, one or
	# two dashes, booleans as -flag=VALUE.
	same_status 1 create --bund x y
	same_status 1 exec -dt nope true
	same_status 0 delete -force nope
	same_status 0 delete --force=true nope
	same_status 0 delete -f=T nope
	same_status 1 delete --force=yes nope
	same_status 1 exec --preserve-fds abc nope true
	husk_said 'invalid value'
	same_status 1 exec -g x nope true
	assert_root_empty
}

@test "contract: exit statuses of a running container: exec's 255, the process's own status" {
	contract_setup
	contract_bundle "$BUNDLE" sh -c 'while :; do sleep 1; done'
	same_status 0 run -d -b "$BUNDLE" "$CID"
	same_status 0 kill "$CID" 0
	same_status 7 exec "$CID" sh -c 'exit 7'
	same_status 137 exec "$CID" sh -c 'kill -9 $$'
	same_status 0 exec -- "$CID" true
	# exec that cannot start its process: 255.
	same_status 255 exec "$CID" nope
	husk_said 'executable file not found in $PATH'
	same_status 255 exec "$CID" /nope
	husk_said 'no such file or directory'
	same_status 255 exec "$CID"
	same_status 255 exec nope true
	husk_said "does not exist"
	same_status 255 exec --pid-file "$BATS_TEST_TMPDIR/missing/pid" "$CID" true
	same_status 255 exec -d --pid-file "$BATS_TEST_TMPDIR/missing/pid" "$CID" true
	same_status 255 exec --cwd /nonexistent "$CID" true
	same_status 255 exec -p "$BATS_TEST_TMPDIR/missing.json" "$CID"
	# Everything after the id is the process's: "--env" and "--" are
	# commands that do not exist.
	same_status 255 exec "$CID" --env A=B sh
	husk_said 'executable file not found'
	[[ "$herr" == *'"--env"'* ]] || fail "husk's error does not name --env: $herr"
	same_status 255 exec "$CID" -- true
	# A bad command line is 1.
	same_status 1 exec
	same_status 1 exec --frobnicate "$CID" true
	# update with its flags after the id changes the limit.
	same_status 0 update "$CID" --pids-limit 50
	run -0 bash -c '"$1" --root "$2" events --stats "$3" | jq -r .data.pids.limit' _ "$HUSK" "$ROOT" "$CID"
	assert_output 50
	# kill's options after its arguments too.
	same_status 0 kill "$CID" KILL --all
}

@test "contract: exit statuses of created and stopped containers, and of a run that fails" {
	contract_setup
	contract_bundle "$BUNDLE" sh -c 'exit 3'
	# run exits with the process's status.
	same_status 3 run --keep -b "$BUNDLE" "$CID"
	# Signal 0 probes: an error for a stopped container, with runc's words.
	same_status 1 kill "$CID" 0
	husk_said "container not running"
	same_status 1 kill "$CID" KILL
	husk_said "container not running"
	same_status 0 kill --all "$CID" 0
	same_status 255 exec "$CID" true
	same_status 1 pause "$CID"
	husk_said "container not running"
	same_status 1 update "$CID" --pids-limit 5
	husk_said "container not running"
	same_status 1 start "$CID"
	same_status 0 delete "$CID"
	# A created container answers signal 0.
	same_status 0 create -b "$BUNDLE" "$CID"
	same_status 0 kill "$CID" 0
	same_status 0 delete --force "$CID"
	# A run whose process cannot start is 1, with the words of runc.
	contract_bundle "$BUNDLE" nope
	same_status 1 run -b "$BUNDLE" "$CID"
	husk_said 'executable file not found in $PATH'
	assert_root_empty
}

@test "contract: update --resources from a pipe and from stdin; bad files are one line" {
	contract_setup
	contract_bundle "$BUNDLE" sh -c 'while :; do sleep 1; done'
	same_status 0 run -d -b "$BUNDLE" "$CID"
	local limit
	run -0 "$HUSK" --root "$ROOT" update -r <(echo '{"pids": {"limit": 61}}') "$CID"
	run -0 runc --root "$RUNC_ROOT" update -r <(echo '{"pids": {"limit": 61}}') "$CID"
	limit=$("$HUSK" --root "$ROOT" events --stats "$CID" | jq -r .data.pids.limit)
	[ "$limit" = 61 ] || fail "update -r <(...): pids limit $limit"
	echo '{"pids": {"limit": 62}}' >"$BATS_TEST_TMPDIR/r.json"
	BOTH_STDIN=$BATS_TEST_TMPDIR/r.json same_status 0 update -r - "$CID"
	limit=$("$HUSK" --root "$ROOT" events --stats "$CID" | jq -r .data.pids.limit)
	[ "$limit" = 62 ] || fail "update -r -: pids limit $limit"
	same_status 1 update -r /etc "$CID"
	husk_said "is a directory"
	same_status 1 update -r "$BATS_TEST_TMPDIR/missing.json" "$CID"
	[[ "$herr" == *"missing.json"* ]] || fail "the error does not name the file: $herr"
	run -1 --separate-stderr "$HUSK" --root "$ROOT" update -r <(echo garbage) "$CID"
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "$stderr" == *"/dev/fd/"*"invalid JSON"* ]] ||
		fail "garbage from a pipe: $stderr"
	# The cap of a config.json holds for a pipe too (runc has none).
	run -1 --separate-stderr "$HUSK" --root "$ROOT" update \
		-r <(head -c 5000000 /dev/zero | tr '\0' ' '; echo '{}') "$CID"
	[ "${#stderr_lines[@]}" -eq 1 ] && [[ "$stderr" == *"file too large"* ]] ||
		fail "a pipe over the cap: $stderr"
	limit=$("$HUSK" --root "$ROOT" events --stats "$CID" | jq -r .data.pids.limit)
	[ "$limit" = 62 ] || fail "a refused update changed the limit to $limit"
	same_status 0 delete --force "$CID"
}

@test "contract: with --log, warnings go only to the log; errors to the log and stderr" {
	contract_setup
	local log=$BATS_TEST_TMPDIR/husk.log rlog=$BATS_TEST_TMPDIR/runc.log
	contract_bundle "$BUNDLE" true
	# CAP_SYS_RESOURCE is outside husk's bounding set on this machine (see
	# capabilities.bats): a warning in a bounding set alone.
	grep -q '^CapBnd:.*' /proc/self/status
	if capsh --decode="$(awk '/^CapBnd/ { print $2 }' /proc/self/status)" | grep -q cap_sys_resource; then
		skip "CAP_SYS_RESOURCE is in this machine's bounding set: no warning to make"
	fi
	update_caps='.process.capabilities = {bounding: ["CAP_SYS_RESOURCE"]}'
	jq "$update_caps" "$BUNDLE/config.json" >"$BUNDLE/c.json" && mv "$BUNDLE/c.json" "$BUNDLE/config.json"
	run -0 --separate-stderr "$HUSK" --root "$ROOT" --log "$log" --log-format json run -b "$BUNDLE" "$CID"
	[ -z "$stderr" ] || fail "with --log, the warning reached stderr: $stderr"
	run -0 jq -r 'select(.level == "warning") | .msg' "$log"
	assert_output --partial "process.capabilities.bounding: CAP_SYS_RESOURCE"
	# By hand, on stderr.
	run -0 --separate-stderr "$HUSK" --root "$ROOT" run -b "$BUNDLE" "$CID"
	[[ "$stderr" == "husk: warning: config.json: process.capabilities.bounding: CAP_SYS_RESOURCE"* ]] ||
		fail "without --log, no warning on stderr: $stderr"
	# An error: both.
	run -1 --separate-stderr "$HUSK" --root "$ROOT" --log "$log" --log-format json state nope
	[[ "$stderr" == *"does not exist"* ]] || fail "the error is not on stderr: $stderr"
	run -0 jq -r 'select(.level == "error") | .msg' "$log"
	assert_output --partial "does not exist"
	# runc does the same with a warning of its own (--kernel-memory).
	contract_bundle "$BUNDLE" sh -c 'while :; do sleep 1; done'
	same_status 0 run -d -b "$BUNDLE" "$CID"
	run -0 --separate-stderr runc --root "$RUNC_ROOT" --log "$rlog" update --kernel-memory 1m "$CID"
	[ -z "$stderr" ] || fail "runc wrote its warning to stderr: $stderr"
	grep -q 'level=warning' "$rlog" || fail "runc's warning is not in its log: $(cat "$rlog")"
	run -1 --separate-stderr runc --root "$RUNC_ROOT" --log "$rlog" state nope
	[[ "$stderr" == *"does not exist"* ]] || fail "runc's error is not on stderr: $stderr"
	same_status 0 delete --force "$CID"
}

@test "man: EXIT STATUS lists 0, 1, exec's 255 and the process's own status" {
	local text
	text=$(awk '/^\.SH "?EXIT STATUS/ { on = 1; next } /^\.SH/ { on = 0 } on' "$MAN" | sed 's/\\-/-/g')
	for st in 0 1 255; do
		grep -qx "\.B $st" <<<"$text" || fail "husk.1: EXIT STATUS has no entry for $st"
	done
	grep -q '128+' <<<"$text" || fail "husk.1: EXIT STATUS does not give 128+N"
	for words in "does not exist" "container not running" 'executable file not found in $PATH'; do
		grep -qF "$words" <<<"$text" || fail "husk.1: EXIT STATUS does not name the words \"$words\""
	done
	# The argument forms: options after the id, except for exec and ps.
	man_section global >/dev/null
	grep -q 'husk update ID' "$MAN" || fail "husk.1 does not show options after the id"
}

@test "completion: options after the container id, as husk parses them; not after exec's or ps's" {
	run complete_line "$HUSK" update someid --mem
	assert_line -- --memory
	assert_line -- --memory-swap
	run complete_line "$HUSK" kill someid USR1 --a
	assert_output -- --all
	run complete_line "$HUSK" delete someid -
	assert_line -- --force
	run complete_line "$HUSK" update someid --resources "$BUNDLE/"
	# a file name, not an option
	[[ "$output" != *--memory* ]] || fail "options offered as --resources' value: $output"
	# After exec's and ps's id every word is the process's.
	run complete_line "$HUSK" exec someid --e
	assert_output ""
	run complete_line "$HUSK" ps someid --f
	assert_output ""
	run complete_line "$HUSK" exec --e
	assert_line -- --env
	# -- ends the options.
	run complete_line "$HUSK" kill -- someid --a
	assert_output ""
}
