#!/usr/bin/env bash
# xlsx.sh: the XLSX export against its ceiling and the script a user would write.
#
# For the numbers report of a demo task of 100,000 and of 1,000,000 numbers:
#   callreport   bin/callreport.fcgi run as CGI with format=xlsx (the whole request:
#                authentication, count, the rows through a cursor, the summary, the
#                file sent to stdout), as the web server would run it;
#   bare         bench/xlsx_bare: libxlsxwriter writing the same cells from memory
#                (loading is not timed, only the write);
#   python       bench/xlsx_python.py: XlsxWriter constant_memory over psycopg2;
#   sql          the report's statement alone (COPY ... TO STDOUT into /dev/null).
# Wall time (best of BENCH_REPEAT runs; python once) and peak RSS (/usr/bin/time -v).
# Prints a table and puts it in bench/results.md, in place of the previous run's.
#
# The tasks live in the demo's database (callreport: `make demo SCALE=1000000` and
# bench/run.sh build the million-number task there); what is missing is imported
# once (a million numbers take a few minutes) and kept for later runs: the task of
# 100,000 numbers belongs to its own tenant, demo100000.
# Environment: BENCH_SIZES (default "100000 1000000"), BENCH_REPEAT (default 3),
# BENCH_PYTHON=0 skips the Python script, BENCH_DB another database of the cluster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sizes=${BENCH_SIZES:-100000 1000000}
repeat=${BENCH_REPEAT:-3}
db=${BENCH_DB:-callreport}
make -s --no-print-directory all bench/xlsx_bare
. bench/lib.sh

# tenant N: the demo tenant holding a task of N numbers (imported when missing).
tenant() { if [ "$1" = 1000000 ]; then echo demo; else echo "demo$1"; fi; }
for n in $sizes; do
	t=$(tenant "$n")
	have=$(psql_db -c "SELECT count(*) FROM numbers n JOIN tasks k ON k.uuid = n.task_id
		JOIN tenants u ON u.id = k.user_id
		WHERE u.name = '$t' AND k.name = '百万号码压测任务'")
	if [ "$have" != "$n" ]; then
		echo "importing a demo task of $n numbers for tenant $t (once; a million take minutes) ..."
		"$cr" import --user "$t" <("$cr" demo-data --tenant "$t" --numbers "$n") >/dev/null
		psql_db -c "ANALYZE" >/dev/null
		# The demo's own marker: scripts/demo.sh need not import it again.
		if [ "$db" = callreport ] && [ "$t" = demo ]; then touch "var/demo-scale-$n"; fi
	fi
	[ -s "$dir/token-$db-$t" ] || "$cr" token --user "$t" > "$dir/token-$db-$t"
done

load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for n in $sizes; do
	t=$(tenant "$n")
	tid=$(psql_db -c "SELECT id FROM tenants WHERE name = '$t'")
	task=$(psql_db -c "SELECT k.uuid FROM tasks k JOIN tenants u ON u.id = k.user_id
		WHERE u.name = '$t' AND k.name = '百万号码压测任务'")
	token=$(cat "$dir/token-$db-$t")
	# The statement alone, its text with the parameters filled in.
	sql=$(scripts/embed-sql.sh --text sql/reports/task_number.sql | sed \
		-e "s/\$1::uuid/'$tid'::uuid/g" -e "s/\$2::uuid/'$task'::uuid/g" \
		-e 's/\$[3-7]::/NULL::/g' -e 's/\$8::/0::/g')

	sqlt= crt= crc= crr= baw= bac= bat= bar=
	# Interleaved, so that a busy moment of the machine hits all of them alike.
	for _ in $(seq "$repeat"); do
		measure /dev/null scripts/pg.sh psql "$db" -X -q -c "SET callreport.tenant = '$tid'" \
			-c "SET TimeZone = 'Asia/Shanghai'" -c "COPY ($sql) TO STDOUT"
		sqlt=$(min "$sqlt" "$wall")

		measure "$dir/out/callreport-$n.bin" env GATEWAY_INTERFACE=CGI/1.1 \
			REQUEST_METHOD=GET REQUEST_URI="/v1/task/number?task_id=$task&format=xlsx" \
			QUERY_STRING="task_id=$task&format=xlsx" HTTP_AUTHORIZATION="Bearer $token" \
			bin/callreport.fcgi
		crt=$(min "$crt" "$wall") crc=$(min "$crc" "$cpu") crr=$(min "$crr" "$rss")

		measure "$dir/bare.txt" bench/xlsx_bare "$web" "$tid" "$task" "$dir/out/bare-$n.xlsx" "$dir/tmp"
		baw=$(min "$baw" "$(awk '{ print $4 }' "$dir/bare.txt")")
		bac=$(min "$bac" "$(awk '{ print $6 }' "$dir/bare.txt")")
		bat=$(min "$bat" "$wall") bar=$(min "$bar" "$rss")
	done
	size=$(awk -v b="$(stat -c %s "$dir/out/callreport-$n.bin")" 'BEGIN { printf "%.1f", b / 1048576 }')

	pyt=- pyc=- pyr=-
	if [ "${BENCH_PYTHON:-1}" != 0 ]; then
		bench/xlsx_bare --columns > "$dir/columns.tsv"
		measure "$dir/python.txt" /usr/bin/python3 bench/xlsx_python.py "$web" "$tid" "$task" \
			"$dir/out/python-$n.xlsx" "$dir/tmp" "$dir/columns.tsv"
		pyt=$wall pyc=$cpu pyr=$rss
	fi
	rows+=("$n|$sqlt|$crt|$crc|$crr|$baw|$bac|$bat|$bar|$pyt|$pyc|$pyr|$size")
	rm -f "$dir"/out/*-"$n".xlsx "$dir"/out/*-"$n".bin
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

table=$(
	echo "| rows | SQL alone s | callreport s (CPU) | bare write s (CPU) | python s (CPU) | callreport / bare | python / callreport | callreport MiB | bare MiB | python MiB | XLSX MiB |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for r in "${rows[@]}"; do
		IFS='|' read -r n sqlt crt crc crr baw bac bat bar pyt pyc pyr size <<<"$r"
		awk -v n="$n" -v s="$sqlt" -v c="$crt" -v cc="$crc" -v cr="$crr" -v bw="$baw" \
		    -v bc="$bac" -v br="$bar" -v p="$pyt" -v pc="$pyc" -v pr="$pyr" -v sz="$size" 'BEGIN {
			printf "| %d | %s | %s (%s) | %.2f (%.2f) | %s | %.2fx | %s | %s | %s | %s | %s |\n",
			    n, s, c, cc, bw, bc, p == "-" ? "-" : p " (" pc ")", c / bw,
			    p == "-" ? "-" : sprintf("%.1fx", p / c), cr, br, pr, sz }'
	done
)
first=${rows[0]} last=${rows[${#rows[@]}-1]}
flat=$(awk -v a="$(cut -d'|' -f5 <<<"$first")" -v b="$(cut -d'|' -f5 <<<"$last")" \
	'BEGIN { printf "%.2f", b / a }')
section=$({
	echo "## XLSX export ($(date '+%Y-%m-%d %H:%M %Z'), bench/xlsx.sh)"
	echo
	echo "$(nproc) CPU $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
		"$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo);" \
		"libxlsxwriter $(awk -F'"' '/define LXW_VERSION /{ print $2 }' /usr/include/xlsxwriter.h)," \
		"XlsxWriter $(/usr/bin/python3 -c 'import xlsxwriter; print(xlsxwriter.__version__)' 2>/dev/null || echo '?')," \
		"PostgreSQL $(scripts/pg.sh psql "$db" -XAtc 'SHOW server_version' | cut -d' ' -f1);" \
		"load average $load0 before, $load1 after."
	echo
	echo "The numbers report of the demo task as format=xlsx, best of $repeat interleaved runs"
	echo "(python: one). callreport: the whole request, bin/callreport.fcgi run as CGI"
	echo "(authentication, count, rows through a cursor, summary sheet, the file sent);"
	echo "bare: libxlsxwriter writing the same cells from memory, the write alone"
	echo "(bench/xlsx_bare); python: XlsxWriter constant_memory over psycopg2"
	echo "(bench/xlsx_python.py); SQL alone: the report's statement, COPY to /dev/null."
	echo "Wall seconds, CPU seconds (user + system) of the process in parentheses; peak"
	echo "RSS in MiB (bare holds the whole selection in memory before writing)."
	echo "callreport peak RSS at the largest size / the smallest: ${flat}x."
	echo
	echo "$table"
})
echo "$section"
# results.md: bench.py's tables, then this section (an earlier run's is replaced).
kept=$(awk '/^## XLSX export/ { exit } { print }' bench/results.md 2>/dev/null || true)
printf '%s\n\n%s\n' "$kept" "$section" > bench/results.md
