#!/usr/bin/env bash
# import.sh: bin/callreport import against COPY of the same rows (issue 18, item 4).
# usage: bench/import.sh [--numbers N]   (default 1000000: the demo's million-number file)
#
#   import  `bin/callreport import --user demo FILE` of `bin/callreport demo-data --tenant
#           demo --numbers N` into a fresh database (sql/schema.sql applied, nothing else):
#           the whole command, parsing and validation, staging, the checks, the writes,
#           the counts, the rollups, the task overviews and the closing ANALYZE.
#   COPY    the rows that import stored, taken back out of its tables (COPY TO, not
#           timed) and loaded with COPY FROM STDIN by psql, in one transaction, into
#           copies of the same tables in a second fresh database: CREATE TABLE ... (LIKE
#           t INCLUDING ALL), so the same columns, defaults, generated columns, NOT NULL
#           and CHECK constraints, primary keys and every index; no foreign keys or
#           reference triggers (sql/schema.sql, callreport_ref_*), no
#           row-level security, no counts, rollups or overviews. The tables: every table
#           an import writes rows of a file into (regions .. record_detail_tags).
#   COPY into the tables themselves: the same rows into the real tables of that second
#           database (its tenant's row first, not timed): their references are checked
#           as the import's are (the foreign keys a row at a time, the big tables'
#           reference triggers a statement at a time). For reference:
#           the target is against the copies above.
# Both run back to back on the same cluster after a CHECKPOINT, so that a ratio compares
# runs under the same load (the machine is shared). Wall time and peak RSS from
# /usr/bin/time -v; "ratio" is COPY's time / import's (1: as fast as COPY; the target
# is at least 0.5). Peak RSS of import is also taken at N/10 numbers: memory is flat
# when it does not grow with the file.
# Prints a section and puts it in bench/results.md before the XLSX export's, in place of
# the previous run's (unless BENCH_WRITE=0).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
numbers=1000000
while [ $# -gt 0 ]; do
	case "$1" in
	--numbers) numbers=$2; shift 2 ;;
	--numbers=*) numbers=${1#*=}; shift ;;
	*) echo "usage: bench/import.sh [--numbers N]" >&2; exit 2 ;;
	esac
done
[[ $numbers =~ ^[0-9]+$ ]] && [ "$numbers" -ge 10 ] || { echo "import.sh: bad --numbers" >&2; exit 2; }
make -s --no-print-directory all
idb=callreport_bench_import
cdb=callreport_bench_copy
# lib.sh: the configuration (its database: the import's), psql_db, measure.
db=$idb
. bench/lib.sh
work=$dir/import
mkdir -p "$work/rows"
psql_in() { local d=$1; shift; scripts/pg.sh psql "$d" -X -At "$@"; }

# The tables a file's rows go to, in the order of their references.
tables="regions levels tag_scenes tag_groups tags tag_group_tags groups utterances tasks
	numbers call_histories records record_tags record_details record_detail_tags"

# fresh DB: an empty database with the schema.
fresh() { scripts/pg.sh dropdb "$1" >/dev/null; scripts/pg.sh createdb "$1" >/dev/null; }

# import_run N: a fresh database, the demo file of N numbers imported into it; sets
# $wall, $rss, $lines.
import_run() {
	local file=$work/demo-$1.jsonl
	"$cr" demo-data --tenant demo --numbers "$1" > "$file"
	lines=$(wc -l < "$file")
	fresh "$idb"
	psql_in postgres -c "CHECKPOINT" >/dev/null
	measure "$work/import.out" "$cr" import --user demo "$file"
	cat "$work/import.out" >&2
	rm -f "$file"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
# Memory at a tenth of the size first (its database is dropped by the second run).
small=$((numbers / 10))
import_run "$small"
rss_small=$rss
import_run "$numbers"
imp_t=$wall imp_r=$rss imp_lines=$lines

# The stored rows, out of the import's tables (the generated columns left out: COPY
# cannot write them, the copies compute them as the real tables do).
fresh "$cdb"
rows=0
script=$work/copy.sql
: > "$script"
: > "$script.fk"
for t in $tables; do
	cols=$(psql_in "$idb" -c "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum)
		FROM pg_attribute WHERE attrelid = 'public.$t'::regclass AND attnum > 0
		AND NOT attisdropped AND attgenerated = ''")
	psql_in "$idb" -c "COPY (SELECT $cols FROM $t) TO STDOUT" > "$work/rows/$t"
	rows=$((rows + $(wc -l < "$work/rows/$t")))
	psql_in "$cdb" -c "CREATE TABLE copy_$t (LIKE public.$t INCLUDING ALL)" >/dev/null
	echo "\\copy copy_$t ($cols) FROM '$work/rows/$t'" >> "$script"
	echo "\\copy public.$t ($cols) FROM '$work/rows/$t'" >> "$script.fk"
done
psql_in postgres -c "CHECKPOINT" >/dev/null
measure /dev/null scripts/pg.sh psql "$cdb" -X -q -1 -f "$script"
copy_t=$wall copy_r=$rss
# The same rows into the tables themselves (their references checked, as
# the import's are), the tenant's row first (not timed).
psql_in "$idb" -c "COPY (SELECT id, name FROM tenants) TO STDOUT" \
	| psql_in "$cdb" -c "COPY tenants (id, name) FROM STDIN" >/dev/null
psql_in postgres -c "CHECKPOINT" >/dev/null
measure /dev/null scripts/pg.sh psql "$cdb" -X -q -1 -f "$script.fk"
fk_t=$wall
load1=$(cut -d' ' -f1-3 /proc/loadavg)
scripts/pg.sh dropdb "$cdb" >/dev/null
scripts/pg.sh dropdb "$idb" >/dev/null
rm -rf "$work/rows"

ratio=$(awk -v a="$copy_t" -v b="$imp_t" 'BEGIN { printf "%.2f", a / b }')
fk_ratio=$(awk -v a="$fk_t" -v b="$imp_t" 'BEGIN { printf "%.2f", a / b }')
flat=$(awk -v a="$imp_r" -v b="$rss_small" 'BEGIN { printf "%.2f", a / b }')
met() { awk -v v="$1" -v t="$2" 'BEGIN { print (v >= t) ? "yes" : "no" }'; }
section=$({
	echo "## Import against COPY ($(date -u '+%Y-%m-%d %H:%M UTC'), bench/import.sh --numbers $numbers)"
	echo
	echo "$(nproc) CPU $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
		"$(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo);" \
		"$(scripts/pg.sh psql postgres -X -At -c 'SHOW server_version' | cut -d' ' -f1);" \
		"load average $load0 before, $load1 after (a shared machine)."
	echo "import: \`bin/callreport import --user demo\` of \`bin/callreport demo-data --tenant demo"
	echo "--numbers $numbers\` ($imp_lines lines) into a fresh database, the whole command. COPY: the"
	echo "$rows rows it stored loaded by psql (COPY FROM STDIN, one transaction) into copies of the"
	echo "same 15 tables in a fresh database (LIKE ... INCLUDING ALL: the same columns, generated"
	echo "columns, constraints but foreign keys and reference triggers, and every index): the"
	echo "target's baseline. Then the same rows into the real tables of that database, their"
	echo "references checked, for reference."
	echo "Wall seconds, peak RSS in MiB."
	echo
	echo "| load | s | MiB |"
	echo "|---|---:|---:|"
	echo "| import | $imp_t | $imp_r |"
	echo "| COPY | $copy_t | $copy_r |"
	echo "| COPY into the tables themselves (their references checked too) | $fk_t | |"
	echo
	echo "| target | figure | met |"
	echo "|---|---:|---|"
	echo "| import at least 0.5x COPY's speed (COPY s / import s) | ${ratio}x | $(met "$ratio" 0.5) |"
	echo "| the same against COPY into the tables themselves (tables s / import s) | ${fk_ratio}x | $(met "$fk_ratio" 0.5) |"
	echo "| import's memory flat: peak RSS at $numbers numbers / at $small | ${flat}x | $(awk -v v="$flat" 'BEGIN { print (v < 1.1) ? "yes" : "no" }') |"
})
echo "$section"
[ "${BENCH_WRITE:-1}" = 1 ] || exit 0
/usr/bin/python3 bench/put_section.py "## Import against COPY " "$section"
