#!/usr/bin/env bash
# run.sh STEP...: the program checked by tools that look for what tests alone miss
# (make check-sanitize runs "full", make check "quick"; README, "Tests").
#   scan        clang's static analyzer (scan-build) over every source, compiled afresh
#               into build/scan/; fails on any finding (its report: build/scan/report/)
#   unit        the unit tests built with AddressSanitizer + UBSan (build/san/unit/)
#   functional [PYTEST ARGS]  tests/run.sh with CALLREPORT_BIN=build/san/bin: the
#               functional suites (all, or those named) against the sanitized programs,
#               the FastCGI one behind lighttpd (and Apache and nginx in test_deploy_*)
#   valgrind    memcheck on bin/callreport (the normal build): demo-data, import of it,
#               export --zip of one of its tasks; fails on any error (leaks: definite)
#   quick       scan, unit, functional on QUICK_SUITES (every format, the command-line
#               import and export): what make check adds
#   full        scan, unit, functional (every suite), valgrind
# The sanitized programs write their reports to files (tests/sanitize/options.c), in the
# directory build/san/log names (var/san/ unless make was given SAN_LOG): each step
# empties it first and fails when a report is there after, and shows them.
# Suites that start web servers on fixed ports (test_deploy_*, those with a second
# lighttpd, test_install) take the machine-wide lock: with CALLREPORT_TEST_LOCK set (a second
# checkout), "functional" with no arguments runs the others under that lock and then
# those without it, as tests/run.sh asks.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

# What make check runs against the sanitized programs: every format (JSON of the API,
# HTML pages, CSV, XLSX), the command-line import and export (conftest.py imports the
# demo data with it for every suite).
QUICK_SUITES=${QUICK_SUITES:-"tests/functional/test_csv.py tests/functional/test_xlsx.py
	tests/functional/test_export.py tests/functional/test_import_round2.py
	tests/functional/test_api_contract.py tests/functional/test_html_pages.py"}
# fixed_ports FILE: the suite starts web servers of its own on fixed ports (the
# security_lib Instance, deploy.py's servers, the installed programs): not under a
# checkout's own lock (tests/run.sh, CALLREPORT_TEST_LOCK).
fixed_ports() {
	case $1 in */test_install.py) return 0 ;; esac
	grep -qE 'Instance\(|^from deploy import|^import deploy' "$1"
}

log=$(cat build/san/log 2>/dev/null) || { echo "sanitize: build/san/ is not built (make san-build)" >&2; exit 1; }

# clear: an empty report directory, writable by the workers that Apache and spawn-fcgi
# run as www-data when the tests run as root.
clear() {
	rm -rf "$log"
	mkdir -p "$log"
	chmod 1777 "$log"
}

# reports WHAT: 0 when the sanitizers wrote no report, else shows them and returns 1.
reports() {
	local f n=0
	for f in "$log"/*; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		echo "== sanitizer report $f:" >&2
		head -n 60 "$f" >&2
	done
	echo "sanitize: $1: $n sanitizer reports"
	[ "$n" -eq 0 ]
}

scan() {
	local out=build/scan/scan-build.log
	command -v scan-build >/dev/null || { echo "sanitize: scan-build missing (scripts/deps.sh check)" >&2; exit 1; }
	rm -rf build/scan
	mkdir -p build/scan
	echo "== static analyzer (scan-build)"
	# --status-bugs: exit 1 on any finding. Its compiler (cc) compiles too: -j.
	if ! scan-build --status-bugs -o build/scan/report \
	    make --no-print-directory -j"${NPROC:-$(nproc)}" scan-objs >"$out" 2>&1; then
		grep -v '^  SCAN' "$out" >&2
		echo "sanitize: scan-build: findings (or a failed build) above; build/scan/report/" >&2
		exit 1
	fi
	grep '^scan-build: .*bugs\? found\|^scan-build: No bugs found' "$out" || tail -n 3 "$out"
}

unit() {
	echo "== unit tests, sanitized"
	clear
	build/san/unit/run || { reports "unit tests" || true; exit 1; }
	reports "unit tests"
}

functional() {
	local rc=0 f own=() fixed=()
	echo "== functional tests against build/san/bin"
	clear
	# The sanitized programs take two to three times as long: a report the 5 s of
	# statement_timeout allow the normal one could take more (tests/run.sh).
	export CALLREPORT_BIN=$root/build/san/bin CALLREPORT_UNIT= \
		CALLREPORT_TEST_STATEMENT_TIMEOUT=${CALLREPORT_TEST_STATEMENT_TIMEOUT:-30000}
	if [ $# -eq 0 ] && [ -n "${CALLREPORT_TEST_LOCK:-}" ]; then
		for f in tests/functional/test_*.py; do
			if fixed_ports "$f"; then fixed+=("$f"); else own+=("$f"); fi
		done
		tests/run.sh "${own[@]}" || rc=1
		env -u CALLREPORT_TEST_LOCK tests/run.sh "${fixed[@]}" || rc=1
	else
		tests/run.sh "$@" || rc=1
	fi
	reports "functional tests" || rc=1
	return $rc
}

valgrind_cli() {
	local dir=$root/var/valgrind vg task conf
	command -v valgrind >/dev/null || { echo "sanitize: valgrind missing (scripts/deps.sh check)" >&2; exit 1; }
	echo "== valgrind: bin/callreport demo-data, import, export"
	rm -rf "$dir"
	mkdir -p "$dir"
	conf=$dir/callreport.conf
	export CALLREPORT_PG_FAST=1
	scripts/pg.sh start
	scripts/pg.sh dropdb callreport_valgrind >/dev/null
	scripts/pg.sh createdb callreport_valgrind
	cat > "$conf" <<-CONF
	# generated by tests/sanitize/run.sh
	db = $(scripts/pg.sh conninfo callreport_valgrind callreport_web)
	admin_db = $(scripts/pg.sh conninfo callreport_valgrind callreport_admin)
	template_dir = $root/templates
	static_dir = $root/static
	tmp_dir = $dir
	CONF
	export CALLREPORT_CONF=$conf
	# Errors and definite leaks make valgrind exit 99; its report is in DIR/STEP.log.
	vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	    --show-leak-kinds=definite)
	run_vg() {
		local name=$1
		shift
		if ! "${vg[@]}" --log-file="$dir/$name.log" "$@"; then
			echo "sanitize: valgrind: $name failed:" >&2
			cat "$dir/$name.log" >&2
			exit 1
		fi
		[ ! -s "$dir/$name.log" ] || { cat "$dir/$name.log" >&2; exit 1; }
		echo "valgrind: $name: 0 errors" >&2
	}
	run_vg demo-data bin/callreport demo-data --tenant vg > "$dir/demo.jsonl"
	run_vg import bin/callreport import --user vg "$dir/demo.jsonl" > /dev/null
	# The smallest of its tasks.
	task=$(scripts/pg.sh psql callreport_valgrind -Atc "SELECT t.uuid FROM tasks t
		ORDER BY (SELECT count(*) FROM numbers n WHERE n.task_id = t.uuid), t.uuid LIMIT 1")
	run_vg export bin/callreport export --user vg --task "$task" --out "$dir/export" --zip --quiet
	[ -s "$dir/export.zip" ] || { echo "sanitize: valgrind: no $dir/export.zip" >&2; exit 1; }
	rm -rf "$dir/export" "$dir/export.zip" "$dir/demo.jsonl"
}

[ $# -gt 0 ] || set -- full
case $1 in
scan) scan ;;
unit) unit ;;
functional) shift; functional "$@" ;;
valgrind) valgrind_cli ;;
quick)
	scan
	unit
	# shellcheck disable=SC2086
	functional $QUICK_SUITES ;;
full)
	scan
	unit
	functional
	valgrind_cli ;;
*) echo "usage: run.sh quick | full | scan | unit | functional [PYTEST ARGS] | valgrind" >&2; exit 2 ;;
esac
