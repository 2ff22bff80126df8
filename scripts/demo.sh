#!/usr/bin/env bash
# demo.sh: start|stop the demo: project PostgreSQL with demo data, lighttpd on :8080.
# usage: demo.sh start [SCALE] | demo.sh stop
# SCALE: a number (one more task of that many numbers) or year (sql/demo/year.sql).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${CALLREPORT_DEMO_PORT:-8080}
conf=$root/var/callreport.conf
cr=$root/bin/callreport

case "${1:-}" in
stop)
	scripts/web.sh stop "$port"
	scripts/pg.sh stop
	exit 0 ;;
start) ;;
*) echo "usage: demo.sh start [SCALE] | stop" >&2; exit 2 ;;
esac
scale=${2:-0}

scripts/pg.sh start
scripts/pg.sh createdb callreport
mkdir -p var/tmp var/recordings
cat > "$conf" <<CONF
# written by make demo (scripts/demo.sh); bin/callreport finds it from the checkout
db = $(scripts/pg.sh conninfo callreport callreport_web)
admin_db = $(scripts/pg.sh conninfo callreport callreport_admin)
template_dir = $root/templates
static_dir = $root/static
recordings_root = $root/var/recordings
tmp_dir = $root/var/tmp
# the export job runner's files (scripts/web.sh starts it beside lighttpd)
jobs_dir = $root/var/jobs
timezone = Asia/Shanghai
CONF

if [ ! -f var/demo-loaded ]; then
	for t in demo acme; do
		echo "loading demo data for tenant $t ..."
		"$cr" demo-data --tenant "$t" > "var/demo-$t.jsonl"
		"$cr" import --user "$t" "var/demo-$t.jsonl" >/dev/null
		echo "$t-password" | "$cr" passwd --user "$t" >/dev/null
		echo "$t $("$cr" token --user "$t")" >> var/demo-tokens
	done
	chmod 600 var/demo-tokens
	touch var/demo-loaded
fi
# A short recording of each demo call with a transcript, made here (demo-data
# --recordings: a few tones, nothing downloaded), so that the call pages' player plays.
if [ ! -f var/demo-recordings ]; then
	echo "writing a short recording for each demo call ..."
	for t in demo acme; do
		"$cr" demo-data --tenant "$t" --recordings "$("$cr" recordings dir --user "$t")" >/dev/null
	done
	touch var/demo-recordings
fi
if [ "$scale" = year ] && [ ! -f var/demo-scale-year ]; then
	# A year of a large call centre for tenant demo, made in the database (sql/demo/year.sql):
	# 200 tasks, 10M call attempts, ending today. DEMO_YEAR_TASKS, DEMO_YEAR_NUMBERS (numbers
	# per task on average) make it smaller; DEMO_YEAR_END pins the last day.
	echo "making a year of data for tenant demo (minutes) ..."
	start=$(date +%s)
	scripts/pg.sh psql callreport -v tenant=demo -v tasks="${DEMO_YEAR_TASKS:-200}" \
		-v numbers="${DEMO_YEAR_NUMBERS:-40000}" -v days=365 \
		-v end="${DEMO_YEAR_END:-$(TZ=Asia/Shanghai date +%F)}" -f sql/demo/year.sql
	echo "done in $(( $(date +%s) - start )) s"
	touch var/demo-scale-year
elif [ "$scale" != 0 ] && [ ! -f "var/demo-scale-$scale" ]; then
	echo "loading a task of $scale numbers for tenant demo (this takes a while) ..."
	"$cr" import --user demo <("$cr" demo-data --tenant demo --numbers "$scale") >/dev/null
	scripts/pg.sh psql callreport -c "ANALYZE"
	touch "var/demo-scale-$scale"
fi

scripts/web.sh start "$port" "$conf"
task=$(scripts/pg.sh psql callreport -Atc "SELECT t.uuid FROM tasks t JOIN tenants u ON u.id = t.user_id WHERE u.name = 'demo' ORDER BY t.create_datetime, t.uuid LIMIT 1")
token=$(awk '$1 == "demo" { print $2; exit }' var/demo-tokens)
cat <<TXT

callreport is running: http://127.0.0.1:$port/
  sign in as  demo / demo-password   (or acme / acme-password, another tenant)
  API tokens  $(awk '{ printf "%s: %s   ", $1, $2 }' var/demo-tokens)
  try         curl -H "Authorization: Bearer $token" \\
                'http://127.0.0.1:$port/v1/task/number?task_id=$task&page=1&status[]=1'
  stop with   make stop
TXT
