# Helpers for the bats suites in this directory; built by `make check`.

# recvtty: receives the pty master that --console-socket sends (console.bats).
check_PROGRAMS += tests/integration/recvtty
tests_integration_recvtty_SOURCES = tests/integration/recvtty.c
tests_integration_recvtty_LDFLAGS = $(HUSK_LDFLAGS)
