# fs-helpers.bash: shared by the filesystem suites (mounts, devices,
# masked-paths, sysctl, propagation), loaded after helpers.bash.

# host_mounts: the host's mount table as this shell sees it, without what
# other users of the machine make meanwhile: other bats runs (suites may
# run side by side), network namespaces pinned by ip-netns or podman,
# container engines' storage, tracing and debug filesystems.  A mount that lands on the host from this
# run, even under its temp dir, is kept.
host_mounts() {
  awk -v mine="$BATS_RUN_TMPDIR" '
    index($5, "/tmp/bats-run-") == 1 && index($5, mine) != 1 { next }
    $5 ~ "^/(run|var/run)/(netns|user|containers|containerd|docker)(/|$)" { next }
    $5 ~ "^/var/lib/(containers|containerd|docker)(/|$)" { next }
    $5 ~ "^/sys/kernel/(tracing|debug|security)$" || $5 == "/proc/sys/fs/binfmt_misc" { next }
    { for (i = 7; $i != "-"; i++) ; if ($(i + 1) == "nsfs") next }
    { print }' /proc/self/mountinfo
}

# snapshot_host_mounts / assert_host_mounts_unchanged: the host's mount
# table is the same as when the snapshot was taken.
snapshot_host_mounts() {
  host_mounts >"$BATS_TEST_TMPDIR/host-mounts.before"
}

assert_host_mounts_unchanged() {
  local diff
  if ! diff=$(host_mounts | diff "$BATS_TEST_TMPDIR/host-mounts.before" -); then
    fail "the host's mount table changed: $diff"
  fi
}

# run_in_ctr SCRIPT: process.args = sh -c SCRIPT, then `husk run`; sets
# status/output/stderr like hrun.
run_in_ctr() {
  set_args "$BUNDLE" sh -c "$1"
  hrun husk run --bundle "$BUNDLE" "$CTR"
}

# ctr_ok SCRIPT: run_in_ctr, which must succeed and leave nothing behind.
ctr_ok() {
  run_in_ctr "$1"
  assert_ok
  # assert_no_leftovers runs hrun itself: keep this run's results.
  local out=$output err=$stderr
  local -a ls=("${lines[@]}")
  assert_no_leftovers "$CTR"
  output=$out stderr=$err
  lines=("${ls[@]}")
}

# ctr_fails REGEX...: `husk run` of the bundle as it is fails with one
# error line matching every REGEX, leaving nothing behind, the host's mount
# table unchanged (the caller took the snapshot).
ctr_fails() {
  set_args "$BUNDLE" true
  hrun husk run --bundle "$BUNDLE" "$CTR"
  assert_error_line "$@"
  assert_no_leftovers "$CTR"
  assert_host_mounts_unchanged
}

# mountinfo_line OUTPUT MOUNTPOINT: the line of a /proc/self/mountinfo
# dump whose mount point (field 5) is MOUNTPOINT; the last one if stacked.
mountinfo_line() {
  awk -v m="$2" '$5 == m { l = $0 } END { print l }' <<<"$1"
}

# add_mount JSON: appends one entry to mounts[].
add_mount() {
  update_config "$BUNDLE" '.mounts += [$m]' --argjson m "$1"
}
