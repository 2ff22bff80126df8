#!/usr/bin/env bash
# run.sh: every benchmark (make bench); each prints its table and writes bench/results.md.
#   bench/bench.py  every v1 endpoint and the two report pages through lighttpd (wrk)
#                   against their ceiling (pgbench running the same statements)
#   bench/exports.py  other tenants' JSON p99 while one tenant asks for more big exports
#                   than its cap, against the idle p99 (a ratio)
#   bench/jobs.py   export jobs: the million-number task's XLSX as a job against the same
#                   file built in the request, the job's page and JSON p99, other pages'
#                   p99 while it runs (--rows 200000: a quick run on make demo SCALE=200000)
#   bench/lists.sh  issue 17's files: the call-back list's XLSX, CSV against XLSX
#   bench/xlsx.sh   the XLSX export against a bare libxlsxwriter program and Python
#   bench/import.sh `callreport import` of the demo's million-number file against COPY of
#                   the rows it stored into copies of the same tables (issue 18.4), each
#                   into a fresh database of its own
#   bench/year.py   the start page, the comparison, the overview and the lists on a year
#                   of data (make demo SCALE=year, built once: minutes), against targets
set -euo pipefail
cd "$(dirname "$0")/.."
# The million-number demo task, built once and reused (make demo SCALE=1000000).
scripts/demo.sh start 1000000
# pg_stat_statements is loaded when the cluster starts (scripts/pg.sh): a cluster started
# before that setting (an older checkout's) is restarted once, for bench.py's counts.
if [ -n "$(scripts/pg.sh psql postgres -Atc "SELECT 1 FROM pg_settings WHERE pending_restart LIMIT 1")" ]; then
	scripts/pg.sh stop
	scripts/demo.sh start 1000000
fi
/usr/bin/python3 bench/bench.py "$@"
/usr/bin/python3 bench/exports.py
/usr/bin/python3 bench/jobs.py
bench/lists.sh
bench/xlsx.sh
bench/import.sh
# The year of data of the period issue (sql/demo/year.sql), added to the same demo once.
scripts/demo.sh start year
/usr/bin/python3 bench/year.py
