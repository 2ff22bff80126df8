#!/usr/bin/env bash
# pgbouncer.sh: PgBouncer in transaction pooling mode on a loopback port, in front
# of the project cluster (scripts/pg.sh, var/pg); its files live in var/pgbouncer-PORT.
# usage: pgbouncer.sh start [PORT [POOL_SIZE]]   default 6440 and 2 server connections a pool
#        pgbouncer.sh stop [PORT]
#        pgbouncer.sh conninfo PORT NAME ROLE      for the program's db key
#        pgbouncer.sh admin PORT COMMAND           e.g. "SHOW POOLS" on the admin console
# Trust authentication (the roles are listed in userlist.txt): a test setup, never
# a deployment (docs/deploy.md shows one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pgport=${CALLREPORT_PGPORT:-54320}
port=${2:-6440}
dir=$root/var/pgbouncer-$port
command -v pgbouncer >/dev/null || PATH=$PATH:/usr/sbin
command -v pgbouncer >/dev/null || { echo "pgbouncer.sh: pgbouncer not found (apt-get install pgbouncer)" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then	# PgBouncer refuses to run as root
	owner=postgres
	as() { runuser -u postgres -- "$@"; }
else
	owner=$(id -un)
	as() { "$@"; }
fi
superuser=$("$root/scripts/pg.sh" superuser)

running() { [ -f "$dir/pgbouncer.pid" ] && kill -0 "$(cat "$dir/pgbouncer.pid")" 2>/dev/null; }

case "${1:-}" in
start)
	pool=${3:-2}
	"$root/scripts/pg.sh" status || { echo "pgbouncer.sh: start PostgreSQL first (scripts/pg.sh start)" >&2; exit 1; }
	"$0" stop "$port"
	mkdir -p "$dir"
	cat > "$dir/pgbouncer.ini" <<-INI
	; written by scripts/pgbouncer.sh
	[databases]
	* = host=$root/var/pg/run port=$pgport

	[pgbouncer]
	listen_addr = 127.0.0.1
	listen_port = $port
	unix_socket_dir = $dir
	pool_mode = transaction
	default_pool_size = $pool
	min_pool_size = 0
	reserve_pool_size = 0
	max_client_conn = 200
	; a server connection goes back to the pool with nothing but its transaction
	; undone; callreport keeps no session state, so no reset query is needed
	server_reset_query =
	server_check_delay = 0
	auth_type = trust
	auth_file = $dir/userlist.txt
	admin_users = $superuser
	stats_users = $superuser
	ignore_startup_parameters = extra_float_digits
	logfile = $dir/pgbouncer.log
	pidfile = $dir/pgbouncer.pid
	log_connections = 0
	log_disconnections = 0
	INI
	{
		for r in callreport_web callreport_admin "$superuser"; do printf '"%s" ""\n' "$r"; done
	} > "$dir/userlist.txt"
	: > "$dir/pgbouncer.log"
	chown -R "$owner" "$dir"
	as pgbouncer -d "$dir/pgbouncer.ini" || { cat "$dir/pgbouncer.log" >&2; exit 1; }
	for _ in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "PgBouncer (transaction pooling, $pool a pool) on port $port"
			exit 0
		fi
		sleep 0.1
	done
	echo "pgbouncer.sh: PgBouncer did not start on port $port" >&2
	cat "$dir/pgbouncer.log" >&2
	exit 1 ;;
stop)
	if running; then
		pid=$(cat "$dir/pgbouncer.pid")
		kill -INT "$pid"	# SIGINT: stop at once; SIGTERM would wait for clients to leave
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -f "$dir/pgbouncer.pid" ;;
conninfo)
	echo "host=127.0.0.1 port=$port dbname=${3:?conninfo PORT NAME ROLE} user=${4:?conninfo PORT NAME ROLE}" ;;
admin)
	psql -X -q -h 127.0.0.1 -p "$port" -U "$superuser" -d pgbouncer -c "${3:?admin PORT COMMAND}" ;;
*)
	sed -n '4,7p' "$0" >&2
	exit 2 ;;
esac
