#!/usr/bin/env bash
# pg.sh: the project's own PostgreSQL cluster under var/pg (development and tests).
# usage: pg.sh start|stop|status|createdb NAME|dropdb NAME|psql [NAME] [ARGS]|conninfo NAME ROLE|superuser
# Authentication is "trust" on the unix socket and 127.0.0.1 only: a local
# development cluster, never a deployment (docs/deploy.md covers those).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${CALLREPORT_PGPORT:-54320}
base=$root/var/pg
data=$base/data
run=$base/run
log=$base/log
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
	owner=postgres
	as() { runuser -u postgres -- "$@"; }
else
	owner=$(id -un)
	as() { "$@"; }
fi
superuser() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }
sql() { # sql DB COMMAND...: run as the superuser over the socket
	local db=$1; shift
	"$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -U "$(superuser)" -d "$db" "$@"
}
running() { [ -f "$data/postmaster.pid" ] && as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
	mkdir -p "$base"
	if [ ! -f "$data/PG_VERSION" ]; then
		mkdir -p "$run" "$log"
		chown -R "$owner" "$base"
		locale=C.UTF-8
		locale -a 2>/dev/null | grep -qi '^c.utf-\?8$' || locale=C
		as "$bin/initdb" -D "$data" --encoding=UTF8 --locale="$locale" \
			--auth-local=trust --auth-host=trust -U "$(superuser)" >"$log/initdb.log" 2>&1 \
			|| { cat "$log/initdb.log" >&2; exit 1; }
		{
			echo "# written by scripts/pg.sh"
			echo "listen_addresses = '127.0.0.1'"
			echo "port = $port"
			echo "unix_socket_directories = '$run'"
			echo "timezone = 'Asia/Shanghai'"
			echo "shared_buffers = 256MB"
			echo "max_connections = 200"
			echo "wal_level = replica"
			echo "max_wal_senders = 5"
			if [ "${CALLREPORT_PG_FAST:-0}" = 1 ]; then
				echo "fsync = off"
				echo "synchronous_commit = off"
				echo "full_page_writes = off"
			fi
		} > "$data/postgresql.auto.conf.new"
		as sh -c "cat '$data/postgresql.auto.conf.new' >> '$data/postgresql.conf'"
		rm -f "$data/postgresql.auto.conf.new"
		echo "host replication all 127.0.0.1/32 trust" | as sh -c "cat >> '$data/pg_hba.conf'"
	fi
	mkdir -p "$run" "$log"
	chown "$owner" "$run" "$log"
	if ! running; then
		as "$bin/pg_ctl" -D "$data" -l "$log/server.log" -w -t 60 start >/dev/null \
			|| { tail -n 20 "$log/server.log" >&2; exit 1; }
		echo "PostgreSQL started on port $port (var/pg)"
	fi
	sql postgres <<-SQL
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

case "${1:-}" in
start) start ;;
stop)
	if running; then
		as "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
		echo "PostgreSQL stopped"
	fi ;;
status) running ;;
superuser) superuser ;;
createdb)
	name=${2:?createdb NAME}
	if [ -z "$(sql postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
		sql postgres -c "CREATE DATABASE \"$name\" OWNER callreport_admin"
	fi
	sql "$name" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" 2>/dev/null
	out=$("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -U callreport_admin \
		-d "$name" -f "$root/sql/schema.sql" 2>&1) || { echo "$out" >&2; exit 1; } ;;
dropdb)
	name=${2:?dropdb NAME}
	sql postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" ;;
psql)
	shift
	name=${1:-callreport}
	[ $# -gt 0 ] && shift
	sql "$name" "$@" ;;
conninfo)
	echo "host=$run port=$port dbname=${2:?conninfo NAME ROLE} user=${3:?conninfo NAME ROLE}" ;;
*)
	echo "usage: pg.sh start|stop|status|createdb NAME|dropdb NAME|psql [NAME]|conninfo NAME ROLE|superuser" >&2
	exit 2 ;;
esac
