#!/usr/bin/env bash
# lists.sh: issue 17's file targets, on the demo's million-number task (its database
# callreport, as bench/run.sh builds it), each file made by bin/callreport.fcgi run as CGI
# (the whole request: authentication, count, the rows through a cursor, the file sent):
#   - the call-back list's XLSX (one row per number, over the year before the demo's last
#     day, the big task) against the records XLSX of the same task (one row per call
#     record: the same rows, the demo calling each number once): within 1.1x;
#   - the numbers report of the big task (a million rows) as CSV against its XLSX: at least
#     3x faster, with flat memory (the CSV's peak RSS at a million rows against the CSV of
#     the task's numbers of status 5, some fifty thousand: several batches of the cursor).
# Wall time and peak RSS (/usr/bin/time -v), best of BENCH_REPEAT (default 3) interleaved
# runs. Prints a section and puts it in bench/results.md before the XLSX export's, in place
# of the previous run's.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
repeat=${BENCH_REPEAT:-3}
db=${BENCH_DB:-callreport}
make -s --no-print-directory all
. bench/lib.sh

tid=$(psql_db -c "SELECT id FROM tenants WHERE name = 'demo'")
task=$(psql_db -c "SELECT uuid FROM tasks WHERE user_id = '$tid' AND name = '百万号码压测任务'")
[ -n "$task" ] || { echo "lists.sh: no million-number task: scripts/demo.sh start 1000000" >&2; exit 1; }
[ -s "$dir/token-$db-demo" ] || "$cr" token --user demo > "$dir/token-$db-demo"
token=$(cat "$dir/token-$db-demo")
year="start_at=2025-11-21%2000:00:00&end_at=2026-11-20%2023:59:59"

# file NAME PATH?QUERY: makes the file of PATH?QUERY into $dir/out/NAME; sets $NAME_t, $NAME_r.
file() {
	measure "$dir/out/$1" env GATEWAY_INTERFACE=CGI/1.1 REQUEST_METHOD=GET REQUEST_URI="$2" \
		QUERY_STRING="${2#*\?}" HTTP_AUTHORIZATION="Bearer $token" bin/callreport.fcgi
	eval "$1_t=\$(min \"\${$1_t:-}\" $wall) $1_r=\$(min \"\${$1_r:-}\" $rss)"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$repeat"); do
	file cbx "/callbacks?$year&tasks%5B%5D=$task&format=xlsx"
	file rcx "/tasks/$task/records?format=xlsx"
	file ncsv "/v1/task/number?task_id=$task&format=csv"
	file nx "/v1/task/number?task_id=$task&format=xlsx"
	file scsv "/v1/task/number?task_id=$task&status%5B%5D=5&format=csv"
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
cb_rows=$(psql_db -c "SELECT count(DISTINCT callee) FROM records WHERE task_id = '$task'")
rc_rows=$(psql_db -c "SELECT count(*) FROM records WHERE task_id = '$task'")
n_rows=$(psql_db -c "SELECT count(*) FROM numbers WHERE task_id = '$task'")
s_rows=$(psql_db -c "SELECT count(*) FROM numbers WHERE task_id = '$task' AND status = 5")
rm -f "$dir"/out/cbx "$dir"/out/rcx "$dir"/out/ncsv "$dir"/out/nx "$dir"/out/scsv

r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cb_ratio=$(r "$cbx_t" "$rcx_t") csv_ratio=$(r "$nx_t" "$ncsv_t") flat=$(r "$ncsv_r" "$scsv_r")
met() { awk -v v="$1" -v t="$2" -v dir="$3" 'BEGIN { print ((dir == "<" ? v < t : v >= t) ? "yes" : "no") }'; }
section=$({
	echo "## Call-back list and CSV files ($(date '+%Y-%m-%d %H:%M %Z'), bench/lists.sh)"
	echo
	echo "$(nproc) CPU $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo);" \
		"load average $load0 before, $load1 after; best of $repeat interleaved runs."
	echo "Each file made by bin/callreport.fcgi run as CGI (the whole request); wall seconds,"
	echo "peak RSS in MiB. The demo calls each number once, so the call-back list of the big"
	echo "task has the rows of its records list; the demo has no million call records (the"
	echo "target's size), so these are its $rc_rows."
	echo
	echo "| file | rows | s | MiB |"
	echo "|---|---:|---:|---:|"
	echo "| call-back list XLSX (365 days, the big task) | $cb_rows | $cbx_t | $cbx_r |"
	echo "| records XLSX (the big task) | $rc_rows | $rcx_t | $rcx_r |"
	echo "| numbers XLSX (the big task) | $n_rows | $nx_t | $nx_r |"
	echo "| numbers CSV (the big task) | $n_rows | $ncsv_t | $ncsv_r |"
	echo "| numbers CSV (the big task, status 5) | $s_rows | $scsv_t | $scsv_r |"
	echo
	echo "| target | figure | met |"
	echo "|---|---:|---|"
	echo "| call-back list XLSX within 1.1x of the records XLSX of the same rows | ${cb_ratio}x | $(met "$cb_ratio" 1.1 "<") |"
	echo "| CSV of $n_rows rows at least 3x faster than its XLSX | ${csv_ratio}x | $(met "$csv_ratio" 3 ">=") |"
	echo "| CSV memory flat: peak RSS at $n_rows rows / at $s_rows | ${flat}x | $(met "$flat" 1.1 "<") |"
})
echo "$section"
# results.md: what is there, with this section before the XLSX export's (an earlier run's replaced).
/usr/bin/python3 bench/put_section.py "## Call-back list and CSV files " "$section"
