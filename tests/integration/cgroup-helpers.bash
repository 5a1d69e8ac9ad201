# cgroup-helpers.bash: for the cgroup suites (cgroups, update, pause, ps,
# events), after `load helpers`.  Every lookup starts from the container's
# own /proc/PID/cgroup and the host's mount table, so the suites run
# unchanged on v1, v2 and hybrid hosts; file names differ only by layout.

# cg_mount CTRL: "v1 MOUNT" or "v2 MOUNT" for the hierarchy holding
# controller CTRL ("name=systemd" works too; "cgroup" means the unified
# hierarchy's core files); fails when no hierarchy has it.
cg_mount() {
  local ctrl=$1 kind mnt
  read -r kind mnt < <(awk -v c="$ctrl" '
    { for (i = 7; $i != "-"; i++); fstype = $(i + 1); opts = "," $(i + 3) "," }
    fstype == "cgroup" && index(opts, "," c ",") { print "v1", $5; found = 1; exit }
    fstype == "cgroup2" && !v2 { v2 = $5 }
    END { if (!found && v2 != "") print "v2", v2 }' /proc/self/mountinfo) || return 1
  if [[ "$kind" == v2 && "$ctrl" != cgroup ]] && ! grep -qw "$ctrl" "$mnt/cgroup.controllers"; then
    return 1
  fi
  echo "$kind $mnt"
}

# cg_dir PID CTRL: the directory of PID's cgroup that holds CTRL.  Fails
# when the host lacks CTRL (or, on v2, it is not enabled there).
cg_dir() {
  local pid=$1 ctrl=$2 kind mnt path
  read -r kind mnt < <(cg_mount "$ctrl") || return 1
  if [[ "$kind" == v1 ]]; then
    path=$(awk -F: -v c="$ctrl" '$2 != "" && index("," $2 ",", "," c ",") { print $3; exit }' "/proc/$pid/cgroup")
  else
    path=$(awk -F: '$1 == "0" { print $3; exit }' "/proc/$pid/cgroup")
    if [[ "$ctrl" != cgroup ]] && ! grep -qw "$ctrl" "$mnt$path/cgroup.controllers" 2>/dev/null; then
      return 1
    fi
  fi
  [[ -n "$path" ]] || return 1
  echo "$mnt$path"
}

# cg_has CTRL: the host has controller CTRL (mounted v1, or listed at the
# root of the unified hierarchy).
cg_has() {
  cg_mount "$1" >/dev/null
}

# cg_v2 CTRL: CTRL lives in the unified hierarchy on this host.
cg_v2() {
  local kind mnt
  read -r kind mnt < <(cg_mount "$1") && [[ "$kind" == v2 ]]
}

# cg_read ID CTRL V1FILE V2FILE: the file of container ID's cgroup, by the
# name CTRL's hierarchy uses.
cg_read() {
  local id=$1 ctrl=$2 pid dir
  pid=$(state_field "$id" .pid)
  dir=$(cg_dir "$pid" "$ctrl") || { echo "no $ctrl controller for pid $pid" >&2; return 1; }
  if cg_v2 "$ctrl"; then cat "$dir/$4"; else cat "$dir/$3"; fi
}

# cg_paths PID: PID's cgroup paths, one per hierarchy.
cg_paths() {
  awk -F: '{ print $3 }' "/proc/$1/cgroup"
}

# assert_no_cgroup_leftovers PATH: no hierarchy has a cgroup at PATH
# (absolute, under the hierarchy's root).
assert_no_cgroup_leftovers() {
  local path=$1 m left=()
  while read -r m; do
    [[ -e "$m$path" ]] && left+=("$m$path")
  done < <(awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) ~ /^cgroup2?$/) print $5 }' /proc/self/mountinfo)
  if ((${#left[@]})); then
    fail "cgroups are left: ${left[*]}"
  fi
}

# set_resources JSON: linux.resources = JSON.
set_resources() {
  update_config "$BUNDLE" '.linux.resources = $r' --argjson r "$1"
}

# run_loop: starts $CTR detached, looping until rootfs/stop; waits until it
# runs.
run_loop() {
  set_args "$BUNDLE" sh -c "$LOOP_UNTIL_STOP"
  hrun husk run -d -b "$BUNDLE" "$CTR"
  assert_ok
  wait_for_file "$BUNDLE/rootfs/ready"
}

# link_applets NAME...: more busybox applets in the bundle's rootfs.
link_applets() {
  local a
  for a in "$@"; do
    ln -sf busybox "$BUNDLE/rootfs/bin/$a"
  done
}

# assert_cfs QUOTA PERIOD: container $CTR's CFS quota and period (v2's
# cpu.max, "max" for no quota; v1's two files, -1 for none).
assert_cfs() {
  if cg_v2 cpu; then
    run cg_read "$CTR" cpu - cpu.max
    assert_output "${1/#-1/max} $2"
  else
    run cg_read "$CTR" cpu cpu.cfs_quota_us -
    assert_output "$1"
    run cg_read "$CTR" cpu cpu.cfs_period_us -
    assert_output "$2"
  fi
}
