# lib.sh: sourced by the file benchmarks (xlsx.sh, lists.sh) from the checkout's root, with
# $root, $db and $repeat set: their configuration and their measuring.
dir=$root/var/bench
conf=$dir/callreport.conf
cr=$root/bin/callreport

[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
scripts/pg.sh start >/dev/null
scripts/pg.sh createdb "$db" >/dev/null
mkdir -p "$dir/tmp" "$dir/out"
web=$(scripts/pg.sh conninfo "$db" callreport_web)
cat > "$conf" <<CONF
# written by bench/lib.sh
db = $web
admin_db = $(scripts/pg.sh conninfo "$db" callreport_admin)
template_dir = $root/templates
static_dir = $root/static
tmp_dir = $dir/tmp
timezone = Asia/Shanghai
CONF
export CALLREPORT_CONF=$conf
psql_db() { scripts/pg.sh psql "$db" -X -At "$@"; }

# measure OUT CMD...: runs CMD under /usr/bin/time -v, stdout to OUT; sets $wall, $cpu (s), $rss (MiB).
# A run that fails (the project's cluster restarted by a test meanwhile) is run again.
measure() {
	local out=$1 log=$dir/time.log try
	shift
	for try in 1 2 3; do
		if /usr/bin/time -v "$@" > "$out" 2> "$log" &&
		    { [ "$out" = /dev/null ] || [ "${1:-}" != env ] ||
		      head -c 15 "$out" | grep -q "Status: 200"; }; then
			break
		fi
		[ "$try" = 3 ] && { cat "$log" >&2; head -c 300 "$out" >&2; exit 1; }
		echo "$0: $1 failed, again in 10 s" >&2
		sleep 10
	done
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$log")
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$log")
	rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$log")
}

# min A B: the smaller number (A empty: B).
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }

