#!/usr/bin/env bats
# husk's JSON Schemas (schema/*.schema.json) against the runtime-spec's own
# schemas and examples, against husk's config parser (tests/unit/dump-fields)
# and against what `husk spec` and `husk features` print.
#
# Paths are compared in the format of schema-paths.py: "mounts[].destination",
# "annotations{}", "linux.resources.rdma{}.hcaHandles", with a JSON type and
# required|optional.  Types are compared exactly: every number in config.json
# is an integer, so "integer" and "number" are not interchangeable here.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup() {
	: "${HUSK_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
	: "${HUSK_BUILDDIR:=$PWD}"
	: "${HUSK:=$HUSK_BUILDDIR/husk}"
	if [ ! -x "$HUSK" ] || [ -d "$HUSK" ]; then
		fail "HUSK=$HUSK is not an executable: build husk, or set HUSK (or HUSK_BUILDDIR)"
	fi
	SCHEMA=$HUSK_SRCDIR/schema
	SPEC=$HUSK_SRCDIR/../shared/oci-spec/schema
	VALIDATE=$HUSK_SRCDIR/tests/integration/validate-json.py
	PATHS=$HUSK_SRCDIR/tests/integration/schema-paths.py
	OTHER_PLATFORMS=windows,solaris,vm,zos,freebsd
}

need_spec() {
	[ -d "$HUSK_SRCDIR/../shared/oci-spec" ] || skip "no ../shared/oci-spec next to the source tree"
}

# valid SCHEMA FILE: asserts FILE validates, showing the errors if not.
valid() {
	run "$VALIDATE" "$1" "$2"
	[ "$status" -eq 0 ] || fail "$2 does not validate against $1: $output"
}

# invalid SCHEMA FILE: asserts FILE is rejected (exit 1, errors listed).
invalid() {
	run "$VALIDATE" "$1" "$2"
	[ "$status" -eq 1 ] || fail "$2 was not rejected by $1 (exit $status): $output"
	[ -n "$output" ] || fail "$2 was rejected by $1 without an error line"
}

@test "schema: our schema files are valid draft-07 JSON Schemas" {
	for f in config state features; do
		run python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
assert schema.get("$schema") == "http://json-schema.org/draft-07/schema#", "not draft-07"
jsonschema.Draft7Validator.check_schema(schema)' "$SCHEMA/$f.schema.json"
		[ "$status" -eq 0 ] || fail "$f.schema.json: $output"
	done
}

@test "schema: our schema files are self-contained (only #/definitions refs)" {
	for f in config state features; do
		run jq -r '.. | objects | select(has("$ref")) | .["$ref"]' "$SCHEMA/$f.schema.json"
		assert_success
		if [ -n "$output" ]; then
			run grep -v '^#/definitions/[A-Za-z0-9]*$' <<<"$output"
			[ -z "$output" ] || fail "$f.schema.json has non-local refs: $output"
		fi
		# Every ref resolves: schema-paths.py follows them all.
		run "$PATHS" "$SCHEMA/$f.schema.json"
		[ "$status" -eq 0 ] || fail "$f.schema.json: $output"
	done
}

@test "schema: a config with a wrong type for root.path is rejected" {
	cat > "$BATS_TEST_TMPDIR/config.json" <<-'EOF'
	{"ociVersion": "1.2.0", "root": {"path": 42}}
	EOF
	invalid "$SCHEMA/config.schema.json" "$BATS_TEST_TMPDIR/config.json"
	assert_output "root.path: 42 is not of type 'string'"
}

@test "schema: configs missing required members or with unknown enum values are rejected" {
	local c=$BATS_TEST_TMPDIR/config.json
	echo '{"root": {"path": "rootfs"}}' > "$c"
	invalid "$SCHEMA/config.schema.json" "$c"
	assert_output --partial "'ociVersion' is a required property"

	echo '{"ociVersion": "1.2.0"}' > "$c"
	invalid "$SCHEMA/config.schema.json" "$c"
	assert_output --partial "'root' is a required property"

	echo '{"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "linux": {"namespaces": [{"type": "pidd"}]}}' > "$c"
	invalid "$SCHEMA/config.schema.json" "$c"
	assert_output --partial "linux.namespaces[0].type: 'pidd' is not one of"

	echo '{"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "process": {"cwd": "/", "user": {"uid": -1, "gid": 0}}}' > "$c"
	invalid "$SCHEMA/config.schema.json" "$c"
	assert_output --partial "process.user.uid: -1 is less than the minimum of 0"

	echo '{"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "linux": {"devices": [{"type": "c", "path": "/dev/x"}]}}' > "$c"
	invalid "$SCHEMA/config.schema.json" "$c"
	assert_output --partial "'major' is a required property"

	# A fifo needs no device numbers, and unknown members are ignored.
	echo '{"ociVersion": "1.2.0", "root": {"path": "rootfs"}, "linux": {"devices": [{"type": "p", "path": "/dev/f"}]}, "x-vendor": 1}' > "$c"
	valid "$SCHEMA/config.schema.json" "$c"
}

@test "schema: bad state and features documents are rejected" {
	local f=$BATS_TEST_TMPDIR/doc.json
	echo '{"ociVersion": "1.2.0", "id": "c1", "status": "paused", "pid": 1, "bundle": "/b"}' > "$f"
	invalid "$SCHEMA/state.schema.json" "$f"
	assert_output --partial "status: 'paused' is not one of"

	echo '{"ociVersion": "1.2.0", "id": "c1", "status": "running", "bundle": "/b"}' > "$f"
	invalid "$SCHEMA/state.schema.json" "$f"
	assert_output --partial "'pid' is a required property"

	echo '{"ociVersion": "1.2.0", "id": "c1", "status": "stopped", "bundle": "/b"}' > "$f"
	valid "$SCHEMA/state.schema.json" "$f"

	echo '{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", "linux": {"cgroup": {"systemd_user": true}}}' > "$f"
	invalid "$SCHEMA/features.schema.json" "$f"
	assert_output --partial "linux.cgroup: Additional properties are not allowed ('systemd_user' was unexpected)"

	echo '{"ociVersionMin": "1.0.0", "ociVersionMax": "1.2.0", "hooks": null, "linux": {"seccomp": null}}' > "$f"
	valid "$SCHEMA/features.schema.json" "$f"
}

@test "schema: the spec's good Linux and minimal configs validate against config.schema.json" {
	need_spec
	local n=0
	for f in "$SPEC"/test/config/good/*.json; do
		# Only Linux configs and minimal ones without any platform section.
		if jq -e 'has("linux") or ([keys[] | select(. == "freebsd" or . == "zos" or . == "windows" or . == "solaris" or . == "vm")] | length == 0)' "$f" >/dev/null; then
			valid "$SCHEMA/config.schema.json" "$f"
			n=$((n + 1))
		fi
	done
	[ "$n" -ge 4 ] || fail "only $n good examples were checked"
}

@test "schema: the spec's bad Linux configs are rejected by config.schema.json" {
	need_spec
	local n=0
	for f in "$SPEC"/test/config/bad/linux-*.json "$SPEC"/test/config/bad/invalid-json.json; do
		invalid "$SCHEMA/config.schema.json" "$f"
		n=$((n + 1))
	done
	[ "$n" -ge 3 ] || fail "only $n bad examples were checked"
}

@test "schema: podman's generated config.json validates against config.schema.json" {
	[ -f "$HUSK_SRCDIR/../shared/testdata/podman-config.json" ] || skip "no ../shared/testdata"
	valid "$SCHEMA/config.schema.json" "$HUSK_SRCDIR/../shared/testdata/podman-config.json"
}

@test "schema: podman's exec process.json is a valid process object of config.schema.json" {
	local p=$HUSK_SRCDIR/../shared/testdata/podman-exec-process.json
	[ -f "$p" ] || skip "no ../shared/testdata"
	# `exec --process` reads the config's "process" object alone: wrap it.
	jq '{ociVersion: "1.2.0", root: {path: "rootfs"}, process: .}' "$p" > "$BATS_TEST_TMPDIR/config.json"
	valid "$SCHEMA/config.schema.json" "$BATS_TEST_TMPDIR/config.json"
}

@test "schema: the spec's state example validates against state.schema.json" {
	need_spec
	valid "$SCHEMA/state.schema.json" "$SPEC/test/state/good/spec-example.json"
	invalid "$SCHEMA/state.schema.json" "$SPEC/test/state/bad/invalid-json.json"
}

@test "schema: the spec's features examples: good ones validate, bad ones are rejected" {
	need_spec
	for f in "$SPEC"/test/features/good/*.json; do
		valid "$SCHEMA/features.schema.json" "$f"
	done
	invalid "$SCHEMA/features.schema.json" "$SPEC/test/features/bad/missing-ociVersionMax.json"
	assert_output --partial "'ociVersionMax' is a required property"
}

@test "schema: config.schema.json has exactly the Linux member paths and types of the spec's schema" {
	need_spec
	run "$PATHS" --exclude "$OTHER_PLATFORMS" "$SPEC/config-schema.json"
	assert_success
	local ref=$output
	run "$PATHS" "$SCHEMA/config.schema.json"
	assert_success
	local ours=$output
	# Guard against two empty lists agreeing.
	[ "$(wc -l <<<"$ours")" -gt 250 ] || fail "too few paths in config.schema.json: $ours"
	run diff <(cut -f1,2 <<<"$ref") <(cut -f1,2 <<<"$ours")
	[ "$status" -eq 0 ] || fail "member paths differ (< spec, > ours):
$output"
}

@test "schema: state and features schemas have the member paths and types of the spec's" {
	need_spec
	run diff <("$PATHS" "$SPEC/state-schema.json") <("$PATHS" "$SCHEMA/state.schema.json")
	[ "$status" -eq 0 ] || fail "state members differ (< spec, > ours):
$output"
	# features-linux.md describes three members its schema file lacks:
	# intelRdt.schemata, intelRdt.monitoring and memoryPolicy.
	local spec ours
	spec=$("$PATHS" "$SPEC/features-schema.json") ours=$("$PATHS" "$SCHEMA/features.schema.json")
	run env LC_ALL=C comm -23 <(echo "$spec") <(echo "$ours")
	[ -z "$output" ] || fail "features members of the spec's schema missing from ours: $output"
	run env LC_ALL=C comm -13 <(echo "$spec") <(echo "$ours")
	assert_output "$(printf '%s\t%s\toptional\n' \
		linux.intelRdt.monitoring boolean linux.intelRdt.schemata boolean \
		linux.memoryPolicy object linux.memoryPolicy.flags array "linux.memoryPolicy.flags[]" string \
		linux.memoryPolicy.modes array "linux.memoryPolicy.modes[]" string)"
}

@test "schema: husk's config parser knows exactly the members, types and required flags of config.schema.json" {
	local dump=$HUSK_BUILDDIR/tests/unit/dump-fields
	[ -x "$dump" ] || fail "$dump is not built (make check builds it)"
	run "$dump"
	[ "$status" -eq 0 ] || fail "dump-fields failed: $output"
	local parser=$output
	run grep -Evc '^[^	]+	(string|boolean|integer|number|object|array)	(required|optional)$' <<<"$parser"
	[ "$output" = 0 ] || fail "dump-fields lines not in PATH<TAB>TYPE<TAB>required|optional form:
$(grep -Ev '^[^	]+	(string|boolean|integer|number|object|array)	(required|optional)$' <<<"$parser")"
	run "$PATHS" "$SCHEMA/config.schema.json"
	assert_success
	local ours=$output

	run diff <(cut -f1,2 <<<"$ours" | sort -u) <(cut -f1,2 <<<"$parser" | sort -u)
	[ "$status" -eq 0 ] || fail "member paths or types differ (< schema, > parser):
$output"
	# required|optional of members; "[]" and "{}" entries are not members.
	run diff <(grep -Ev '(\[\]|\{\})	' <<<"$ours" | sort -u) \
		<(grep -Ev '(\[\]|\{\})	' <<<"$parser" | sort -u)
	[ "$status" -eq 0 ] || fail "required members differ (< schema, > parser):
$output"
}

# spec_bundle [ARGS...]: runs husk spec into a fresh bundle dir, echoes its path.
spec_bundle() {
	local dir=$BATS_TEST_TMPDIR/bundle
	rm -rf "$dir" && mkdir -p "$dir"
	run "$HUSK" spec --bundle "$dir" "$@"
	[ "$status" -eq 0 ] || fail "husk spec $*: exit $status: $output"
	[ -f "$dir/config.json" ] || fail "husk spec $* wrote no $dir/config.json"
	BUNDLE=$dir
}

@test "schema: husk spec output validates against config.schema.json" {
	spec_bundle
	valid "$SCHEMA/config.schema.json" "$BUNDLE/config.json"
	spec_bundle --rootless
	valid "$SCHEMA/config.schema.json" "$BUNDLE/config.json"
}

@test "schema: husk spec output validates against the spec's config-schema.json" {
	need_spec
	spec_bundle
	valid "$SPEC/config-schema.json" "$BUNDLE/config.json"
	spec_bundle --rootless
	valid "$SPEC/config-schema.json" "$BUNDLE/config.json"
}

# features_json: runs husk features into a file, sets FEATURES to its path.
features_json() {
	FEATURES=$BATS_TEST_TMPDIR/features.json
	"$HUSK" features > "$FEATURES" 2> "$BATS_TEST_TMPDIR/features.err" ||
		fail "husk features: exit $?: $(cat "$BATS_TEST_TMPDIR/features.err")"
	[ -s "$FEATURES" ] || fail "husk features printed nothing"
}

@test "schema: husk features output validates against features.schema.json" {
	features_json
	valid "$SCHEMA/features.schema.json" "$FEATURES"
}

@test "schema: husk features output validates against the spec's features-schema.json" {
	need_spec
	features_json
	valid "$SPEC/features-schema.json" "$FEATURES"
}

# same_set WHAT JSON-ARRAY JSON-ARRAY: asserts the two arrays hold the same
# names (order and duplicates aside), naming the difference if not.
same_set() {
	run jq -n --argjson a "$2" --argjson b "$3" \
		'{"only in husk features": (($a // []) - ($b // [])), "only in config.schema.json": (($b // []) - ($a // []))} | select(.[] | length > 0)'
	assert_success
	[ -z "$output" ] || fail "$1 differ: $output"
}

@test "schema: husk features recognizes exactly the names config.schema.json allows" {
	features_json
	local c=$SCHEMA/config.schema.json f=$FEATURES
	same_set "hooks" "$(jq -c .hooks "$f")" "$(jq -c '.definitions.hooks.properties | keys' "$c")"
	same_set "namespaces" "$(jq -c .linux.namespaces "$f")" \
		"$(jq -c .definitions.namespace.properties.type.enum "$c")"
	same_set "seccomp actions" "$(jq -c .linux.seccomp.actions "$f")" "$(jq -c .definitions.seccompAction.enum "$c")"
	same_set "seccomp operators" "$(jq -c .linux.seccomp.operators "$f")" \
		"$(jq -c .definitions.seccompSyscall.properties.args.items.properties.op.enum "$c")"
	# archs is what this libseccomp can put in one filter beside the native
	# arch (features.md: the supported ones): a subset of the schema's
	# names that holds the native arch.
	run jq -n -c --argjson a "$(jq -c .linux.seccomp.archs "$f")" \
		--argjson b "$(jq -c .definitions.seccomp.properties.architectures.items.enum "$c")" '$a - $b'
	assert_success
	assert_output '[]'
	if [ "$(uname -m)" = x86_64 ]; then
		jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64")' "$f" >/dev/null ||
			fail "seccomp archs lack the native SCMP_ARCH_X86_64"
	fi
	same_set "seccomp knownFlags" "$(jq -c .linux.seccomp.knownFlags "$f")" \
		"$(jq -c .definitions.seccomp.properties.flags.items.enum "$c")"
	# supportedFlags is what this host's libseccomp and kernel can do: a subset.
	run jq -c '(.linux.seccomp.supportedFlags // []) - (.linux.seccomp.knownFlags // [])' "$f"
	assert_output '[]'
	# memoryPolicy is listed only by a runtime that implements it.
	if [ "$(jq -c '.linux.memoryPolicy // null' "$f")" != null ]; then
		same_set "memoryPolicy modes" "$(jq -c .linux.memoryPolicy.modes "$f")" \
			"$(jq -c .definitions.memoryPolicy.properties.mode.enum "$c")"
		same_set "memoryPolicy flags" "$(jq -c .linux.memoryPolicy.flags "$f")" \
			"$(jq -c .definitions.memoryPolicy.properties.flags.items.enum "$c")"
	fi
}

# The state tests need a real container: they borrow the lifecycle suites'
# helpers (busybox bundle, per-file --root, cleanup) for that test alone.
teardown() {
	if declare -F husk_teardown >/dev/null; then
		husk_teardown
	fi
}

# state_valid ID STATUS: `husk state ID` says STATUS and validates against
# our state schema and, when ../shared is there, the spec's.
state_valid() {
	hrun husk state "$1"
	[ "$status" -eq 0 ] || fail "husk state $1: exit $status: $stderr"
	assert_equal "$(jq -r .status "$HRUN_OUT")" "$2"
	valid "$SCHEMA/state.schema.json" "$HRUN_OUT"
	if [ -d "$SPEC" ]; then
		valid "$SPEC/state-schema.json" "$HRUN_OUT"
	fi
}

@test "schema: husk state output validates when created, running and stopped" {
	load helpers
	husk_setup
	set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
	hrun husk create --bundle "$BUNDLE" ctr
	[ "$status" -eq 0 ] || fail "husk create: exit $status: $stderr"
	state_valid ctr created
	hrun husk start ctr
	[ "$status" -eq 0 ] || fail "husk start: exit $status: $stderr"
	wait_for_file "$BUNDLE/rootfs/ready"
	state_valid ctr running
	touch "$BUNDLE/rootfs/stop"
	wait_for_status ctr stopped
	state_valid ctr stopped
	hrun husk delete ctr
	[ "$status" -eq 0 ] || fail "husk delete: exit $status: $stderr"
}

@test "schema: create runs ociVersion 1.0.0 to 1.3.x and refuses others and 1.3 members husk lacks" {
	load helpers
	husk_setup
	set_args "$BUNDLE" true
	local v
	for v in 1.0.0 1.2.1 1.3.0 1.3.5-dev; do
		update_config "$BUNDLE" ".ociVersion = \"$v\""
		hrun husk run --bundle "$BUNDLE" "$CTR"
		[ "$status" -eq 0 ] || fail "ociVersion $v: exit $status: $stderr"
	done
	refuse_each_config \
		'.ociVersion = "1.4.0"' 'ociVersion: unsupported version "1.4.0" \(husk supports 1.0.0 to 1.3.x\)$' \
		'.ociVersion = "2.0.0"' 'ociVersion: unsupported version "2.0.0" \(husk supports 1.0.0 to 1.3.x\)$' \
		'.ociVersion = "1.3"' 'ociVersion: unsupported version "1.3" \(husk supports 1.0.0 to 1.3.x\)$' \
		'.linux.netDevices = {eth1: {name: "e1"}}' 'linux.netDevices: not supported yet$' \
		'.linux.intelRdt = {schemata: ["L3:0=7f"], enableMonitoring: true}' 'linux.intelRdt: not supported yet$'
}
