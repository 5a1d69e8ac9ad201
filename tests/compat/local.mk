# `make check-compat`: the differential lane against runc (tests/compat/):
# the same bundles and command sequences run with runc and with husk, and
# what the container sees and what the commands return compared; every
# difference must be listed in tests/compat/known-differences.  Not part of
# `make check`: needs root and runc; about a minute.  The probe the
# containers run is static: the lane's rootfs holds only busybox and it.
EXTRA_PROGRAMS = tests/compat/probe
tests_compat_probe_SOURCES = tests/compat/probe.c
tests_compat_probe_LDFLAGS = -static
CLEANFILES += tests/compat/probe$(EXEEXT)

check-compat: husk$(EXEEXT) tests/compat/probe$(EXEEXT)
	HUSK="$(abs_top_builddir)/husk" PROBE="$(abs_top_builddir)/tests/compat/probe$(EXEEXT)" \
	python3 "$(abs_top_srcdir)/tests/compat/run.py"
.PHONY: check-compat
EXTRA_DIST += tests/compat
