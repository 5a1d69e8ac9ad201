#!/bin/bash
# Builds the libFuzzer target with clang (ASan + UBSan) and fuzzes the JSON
# parsers for SECONDS (default 60), seeded with husk's own spec output and,
# when present, ../shared's example configs.  Not part of `make check`.
#
#   tests/fuzz/run-fuzz.sh [SECONDS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
work=$(mktemp -d /tmp/husk-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v clang >/dev/null || { echo "fuzz: clang is missing (apt-get install clang)" >&2; exit 1; }
cfg=$(ls -d "$src"/build/config.h "$src"/config.h 2>/dev/null | head -n 1)
[ -n "$cfg" ] || { echo "fuzz: configure husk first (./tests/check.sh or ./contrib/demo.sh)" >&2; exit 1; }
clang -g -O1 -fsanitize=fuzzer,address,undefined -I"$(dirname "$cfg")" -I"$src/libocispec-lite" \
	-I"$src/src/libhusk" $(pkg-config --cflags yajl) \
	"$src/tests/fuzz/fuzz-parse.c" "$src"/libocispec-lite/oci_{json,parse,state,tables}.c \
	$(pkg-config --libs yajl) -o "$work/fuzz-parse"
mkdir -p "$work/corpus"
if [ -x "$(dirname "$cfg")/husk" ]; then
	"$(dirname "$cfg")/husk" spec --bundle "$work/corpus"
	mv "$work/corpus/config.json" "$work/corpus/spec.json"
fi
for f in "$src"/../shared/testdata/*.json "$src"/../shared/oci-spec/schema/test/*/*/*.json; do
	[ -f "$f" ] && cp "$f" "$work/corpus/$(echo "$f" | tr / _)"
done
"$work/fuzz-parse" -max_total_time="$secs" -max_len=65536 "$work/corpus"
