# tap-count.sh: the TAP counting and totals shared by tests/run-tests.sh,
# tests/engines/run.sh and the test VM's guest (tests/vm/run-vm.sh copies
# it in).  Sourced by bash; defines count_tap and uses the caller's
# counters, which start at zero:
#   passed, failed, skipped   numbers of tests
#   failures                  an array of "SUITE: what failed" lines
# and sets, for the suite just counted:
#   tap_planned  the N of its plan "1..N" (-1 when it printed none)
#   tap_seen     the results it printed
#
# count_tap NAME: reads one suite's TAP on stdin, echoes it, and counts
# each "ok" (a "# SKIP" one as skipped), each "not ok" as failed.  A suite
# that printed no plan (it died before starting, a bats setup_file failed)
# counts as one failure; one that printed fewer results than it planned
# (it died midway) counts each missing result as a failure.
count_tap() {
	local name=$1 line
	tap_planned=-1 tap_seen=0
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		1..*)
			tap_planned=${line#1..}
			tap_planned=${tap_planned%% *}
			[[ $tap_planned =~ ^[0-9]+$ ]] || tap_planned=-1
			;;
		"ok "*)
			tap_seen=$((tap_seen + 1))
			if [[ $line =~ \#\ [Ss][Kk][Ii][Pp] ]]; then
				skipped=$((skipped + 1))
			else
				passed=$((passed + 1))
			fi
			;;
		"not ok "*)
			tap_seen=$((tap_seen + 1))
			failed=$((failed + 1))
			failures+=("$name: ${line#not ok }")
			;;
		esac
	done
	if ((tap_planned < 0)); then
		failed=$((failed + 1))
		failures+=("$name: no TAP plan (it died before its first test?)")
	elif ((tap_seen < tap_planned)); then
		failed=$((failed + tap_planned - tap_seen))
		failures+=("$name: ran $tap_seen of $tap_planned planned tests")
	fi
}

# tap_totals: the failures, the skips and "N passed, N failed" last (what
# CI reads); returns 1 when something failed.
tap_totals() {
	if ((${#failures[@]} > 0)); then
		echo "# failures:"
		printf '#   %s\n' "${failures[@]}"
	fi
	echo "# skipped: $skipped"
	echo "$passed passed, $failed failed"
	((failed == 0))
}
