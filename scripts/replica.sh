#!/usr/bin/env bash
# replica.sh: a PostgreSQL primary and a streaming-replication standby on loopback,
# under var/replica (tests of read_db; a trial of docs/deploy.md's replica setup).
# usage: replica.sh start               primary (port $CALLREPORT_PRIMARY_PORT, default 54330),
#                                       then a standby cloned from it with pg_basebackup
#                                       (port $CALLREPORT_STANDBY_PORT, default 54331)
#        replica.sh stop                both
#        replica.sh stop-standby|start-standby
#        replica.sh createdb NAME       on the primary, with the schema (the standby follows)
#        replica.sh dropdb NAME
#        replica.sh wait-replay         until the standby has replayed all the primary has written
#        replica.sh conninfo primary|standby NAME ROLE
#        replica.sh psql primary|standby NAME [ARGS]
# Trust authentication on loopback and the sockets: a test pair, never a deployment.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/ports.sh"
pport=${CALLREPORT_PRIMARY_PORT:-54330}
sport=${CALLREPORT_STANDBY_PORT:-54331}
base=$root/var/replica
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "replica.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
	owner=postgres
	as() { runuser -u postgres -- "$@"; }
	su_name=postgres
else
	owner=$(id -un)
	as() { "$@"; }
	su_name=$owner
fi

port_of() { case "$1" in primary) echo "$pport" ;; standby) echo "$sport" ;; *) echo "replica.sh: primary or standby, not '$1'" >&2; exit 2 ;; esac; }
sql() { # sql primary|standby DB ARGS...
	local which=$1 db=$2; shift 2
	"$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$base/run" -p "$(port_of "$which")" -U "$su_name" -d "$db" "$@"
}
running() { [ -f "$base/$1/postmaster.pid" ] && as "$bin/pg_ctl" -D "$base/$1" status >/dev/null 2>&1; }
pg_start() { # pg_start primary|standby
	running "$1" && return 0
	reserve_port "$(port_of "$1")"
	retry_bind "$base/log/$1.log" as "$bin/pg_ctl" -D "$base/$1" -l "$base/log/$1.log" -w -t 60 start >/dev/null \
		|| { tail -n 20 "$base/log/$1.log" >&2; exit 1; }
}
pg_stop() {
	running "$1" || return 0
	as "$bin/pg_ctl" -D "$base/$1" -m fast -w -t 60 stop >/dev/null
}

start_primary() {
	mkdir -p "$base/run" "$base/log"
	chown "$owner" "$base" "$base/run" "$base/log"
	if [ ! -f "$base/primary/PG_VERSION" ]; then
		locale=C.UTF-8
		locale -a 2>/dev/null | grep -qi '^c.utf-\?8$' || locale=C
		as "$bin/initdb" -D "$base/primary" --encoding=UTF8 --locale="$locale" \
			--auth-local=trust --auth-host=trust -U "$su_name" >"$base/log/initdb.log" 2>&1 \
			|| { cat "$base/log/initdb.log" >&2; exit 1; }
		as tee -a "$base/primary/postgresql.conf" >/dev/null <<-CONF
		# written by scripts/replica.sh
		listen_addresses = '127.0.0.1'
		port = $pport
		unix_socket_directories = '$base/run'
		timezone = 'Asia/Shanghai'
		shared_buffers = 32MB
		max_connections = 100
		wal_level = replica
		max_wal_senders = 5
		wal_keep_size = 256MB
		hot_standby = on
		hot_standby_feedback = on
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		CONF
		echo "host replication all 127.0.0.1/32 trust" | as tee -a "$base/primary/pg_hba.conf" >/dev/null
	fi
	pg_start primary
	sql primary postgres <<-SQL
	DO \$\$ BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callreport_admin') THEN
	    CREATE ROLE callreport_admin LOGIN NOSUPERUSER NOCREATEDB;
	  END IF;
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callreport_web') THEN
	    CREATE ROLE callreport_web LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
	  END IF;
	END \$\$;
	SQL
}

start_standby() {
	if [ ! -f "$base/standby/PG_VERSION" ]; then
		# A copy of the primary that follows it: -R writes primary_conninfo and standby.signal.
		as "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U "$su_name" -D "$base/standby" \
			-R -X stream -c fast >"$base/log/basebackup.log" 2>&1 \
			|| { cat "$base/log/basebackup.log" >&2; exit 1; }
		echo "port = $sport" | as tee -a "$base/standby/postgresql.auto.conf" >/dev/null
	fi
	pg_start standby
	for _ in $(seq 100); do
		[ "$(sql standby postgres -Atc "SELECT pg_is_in_recovery() AND EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming')" 2>/dev/null)" = t ] && return 0
		sleep 0.1
	done
	echo "replica.sh: the standby does not stream from the primary" >&2
	tail -n 20 "$base/log/standby.log" >&2
	exit 1
}

case "${1:-}" in
start)
	start_primary
	start_standby
	echo "primary on port $pport, standby on port $sport (var/replica)" ;;
stop)
	pg_stop standby
	pg_stop primary ;;
stop-standby) pg_stop standby ;;
start-standby) start_standby ;;
createdb)
	name=${2:?createdb NAME}
	if [ -z "$(sql primary postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
		sql primary postgres -c "CREATE DATABASE \"$name\" OWNER callreport_admin"
	fi
	sql primary "$name" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" 2>/dev/null
	out=$("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$base/run" -p "$pport" -U callreport_admin \
		-d "$name" -f "$root/sql/schema.sql" 2>&1) || { echo "$out" >&2; exit 1; } ;;
dropdb)
	sql primary postgres -c "DROP DATABASE IF EXISTS \"${2:?dropdb NAME}\" WITH (FORCE)" ;;
wait-replay)
	lsn=$(sql primary postgres -Atc "SELECT pg_current_wal_lsn()")
	for _ in $(seq 200); do
		[ "$(sql standby postgres -Atc "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ] && exit 0
		sleep 0.05
	done
	echo "replica.sh: the standby has not replayed $lsn" >&2
	exit 1 ;;
conninfo)
	echo "host=$base/run port=$(port_of "${2:?conninfo primary|standby NAME ROLE}") dbname=${3:?NAME} user=${4:?ROLE}" ;;
psql)
	which=${2:?psql primary|standby NAME}
	name=${3:?psql primary|standby NAME}
	shift 3
	sql "$which" "$name" "$@" ;;
*)
	sed -n '2,14p' "$0" >&2
	exit 2 ;;
esac
