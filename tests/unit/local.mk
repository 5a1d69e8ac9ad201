# C unit tests; each prints TAP through tests/unit/tap.h.

# test-parse: libocispec-lite's config.json / process.json / resources /
# state parsers and the state generator.
check_PROGRAMS += tests/unit/test-parse
tests_unit_test_parse_SOURCES = tests/unit/test-parse.c tests/unit/tap.h tests/unit/json-quotes.h
tests_unit_test_parse_CPPFLAGS = $(AM_CPPFLAGS) -DHUSK_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_parse_LDADD = libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_parse_LDFLAGS = $(HUSK_LDFLAGS)

# dump-fields (not a TAP test: run-tests.sh runs only test-*): prints the
# paths the config.json parser knows, for the schema comparison in
# tests/integration.
check_PROGRAMS += tests/unit/dump-fields
tests_unit_dump_fields_SOURCES = tests/unit/dump-fields.c
tests_unit_dump_fields_LDADD = libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_dump_fields_LDFLAGS = $(HUSK_LDFLAGS)

# test-tables: libocispec-lite's tables against kernel headers, libcap, glibc
# and (when ../shared/oci-spec/schema exists) the spec's schema enums.
check_PROGRAMS += tests/unit/test-tables
tests_unit_test_tables_SOURCES = tests/unit/test-tables.c tests/unit/tap.h
tests_unit_test_tables_CPPFLAGS = $(AM_CPPFLAGS) -DHUSK_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_unit_test_tables_LDADD = libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_tables_LDFLAGS = $(HUSK_LDFLAGS)

# test-cli: container id checks and the table-driven option parser.
check_PROGRAMS += tests/unit/test-cli
tests_unit_test_cli_SOURCES = tests/unit/test-cli.c tests/unit/tap.h src/cmd/cmd.c
tests_unit_test_cli_LDADD = src/libhusk/libhusk.a $(HUSK_LIBS)
tests_unit_test_cli_LDFLAGS = $(HUSK_LDFLAGS)

# test-lifecycle: state.json and the state dir, the sync protocol, the
# executable lookup and environment of the container process.
check_PROGRAMS += tests/unit/test-lifecycle
tests_unit_test_lifecycle_SOURCES = tests/unit/test-lifecycle.c tests/unit/tap.h
tests_unit_test_lifecycle_LDADD = src/libhusk/libhusk.a libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_lifecycle_LDFLAGS = $(HUSK_LDFLAGS)

# test-cgroup: the cgroup driver against the host's real cgroups (root only;
# skipped otherwise), under /husk-unit-<pid>/, removed afterwards.
check_PROGRAMS += tests/unit/test-cgroup
tests_unit_test_cgroup_SOURCES = tests/unit/test-cgroup.c tests/unit/tap.h
tests_unit_test_cgroup_LDADD = src/libhusk/libhusk.a libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_cgroup_LDFLAGS = $(HUSK_LDFLAGS)

# test-record: linux.resources in the cgroup record, through libocispec-lite's
# table-driven writer and merge (a temporary state dir; no cgroups).
check_PROGRAMS += tests/unit/test-record
tests_unit_test_record_SOURCES = tests/unit/test-record.c tests/unit/tap.h tests/unit/json-quotes.h
tests_unit_test_record_LDADD = src/libhusk/libhusk.a libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_record_LDFLAGS = $(HUSK_LDFLAGS)

# test-generate: the JSON writer, `husk spec`'s default configuration read
# back by husk's parser, and the features document against the tables.
check_PROGRAMS += tests/unit/test-generate
tests_unit_test_generate_SOURCES = tests/unit/test-generate.c tests/unit/tap.h
tests_unit_test_generate_LDADD = libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_generate_LDFLAGS = $(HUSK_LDFLAGS)

# test-fs: mount destination cleaning and the sysctl namespace rules.
check_PROGRAMS += tests/unit/test-fs
tests_unit_test_fs_SOURCES = tests/unit/test-fs.c tests/unit/tap.h
tests_unit_test_fs_LDADD = src/libhusk/libhusk.a libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_fs_LDFLAGS = $(HUSK_LDFLAGS)

# test-isolation: the checks of id maps, the namespace plan, the process's
# identity and limits.
check_PROGRAMS += tests/unit/test-isolation
tests_unit_test_isolation_SOURCES = tests/unit/test-isolation.c tests/unit/tap.h
tests_unit_test_isolation_LDADD = src/libhusk/libhusk.a libocispec-lite/libocispec-lite.a $(HUSK_LIBS)
tests_unit_test_isolation_LDFLAGS = $(HUSK_LDFLAGS)

# test-sha256: the digest that keys the seccomp program cache, against the
# NIST vectors and the padding boundaries.
check_PROGRAMS += tests/unit/test-sha256
tests_unit_test_sha256_SOURCES = tests/unit/test-sha256.c tests/unit/tap.h
tests_unit_test_sha256_LDADD = src/libhusk/libhusk.a $(HUSK_LIBS)
tests_unit_test_sha256_LDFLAGS = $(HUSK_LDFLAGS)
