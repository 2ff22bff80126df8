#!/usr/bin/env bash
# pg.sh: the project's own PostgreSQL cluster under var/pg (demo, tests, benchmarks).
# usage: pg.sh start | stop | status | createdb NAME | dropdb NAME
#        pg.sh psql [NAME] [PSQL ARGS...] | conninfo NAME ROLE | superuser
#
# var/pg/data the cluster, var/pg/run its unix socket, var/pg/log/server.log its output.
# It listens on 127.0.0.1 only, port $CALLREPORT_PGPORT (default 54320).
# Authentication is "trust" on the unix socket and on 127.0.0.1: this is a local
# development cluster, never a deployment (those get their own pg_hba.conf and passwords).
# PostgreSQL refuses to run as root: run by root, the server runs as the "postgres"
# system user and the superuser role is "postgres"; run by anyone else, the server runs
# as that user and the superuser role has that user's name (`pg.sh superuser` says which).
# CALLREPORT_PG_FAST=1 (the tests set it) turns fsync and synchronous_commit off.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
. "$root/scripts/ports.sh"
port=${CALLREPORT_PGPORT:-54320}
base=$root/var/pg
data=$base/data
run=$base/run
log=$base/log
lockf=$root/var/.pg.lock

die() { echo "pg.sh: $*" >&2; exit 1; }
usage() {
	echo "usage: pg.sh start|stop|status|createdb NAME|dropdb NAME|psql [NAME] [ARGS...]|conninfo NAME ROLE|superuser" >&2
	exit 2
}
[[ $port =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] \
	|| die "bad CALLREPORT_PGPORT '$port'"

# The server binaries: the cluster's own major version once it exists, else 15, else the newest.
if [ -r "$data/PG_VERSION" ] && [ -x "/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin/postgres" ]; then
	bin=/usr/lib/postgresql/$(cat "$data/PG_VERSION")/bin
elif [ -x /usr/lib/postgresql/15/bin/postgres ]; then
	bin=/usr/lib/postgresql/15/bin
else
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$bin" ] && [ -x "$bin/postgres" ] \
		|| die "PostgreSQL server binaries not found under /usr/lib/postgresql (scripts/deps.sh)"
fi

# owner: the OS user that runs the server, and the name of the superuser role.
if [ "$(id -u)" = 0 ]; then
	# postgres, or whoever already owns the cluster (made by a non-root run)
	owner=postgres
	if [ -d "$data" ] && [ "$(stat -c %u "$data")" != 0 ]; then
		owner=$(stat -c %U "$data")
	fi
	id -u "$owner" >/dev/null 2>&1 || die "no '$owner' system user (apt-get install postgresql)"
	as() { (cd / && runuser -u "$owner" -- "$@"); }
else
	owner=$(id -un)
	as() { "$@"; }
	if [ -d "$data" ] && [ "$(stat -c %U "$data")" != "$owner" ]; then
		die "$data belongs to $(stat -c %U "$data"), not $owner: run as root, or remove var/pg"
	fi
fi

# sql DB [PSQL ARGS...]: psql as the superuser over the socket, quiet, stopping at an error.
sql() {
	local db=$1
	shift
	PGOPTIONS="-c client_min_messages=warning" \
		"$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -U "$owner" -d "$db" "$@"
}

running() { [ -f "$data/postmaster.pid" ] && as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

# lock: one pg.sh at a time changes the cluster (tests and the demo may start it together).
lock() {
	mkdir -p "$root/var"
	exec 8>"$lockf"
	flock 8
}

# close_fds: close every descriptor above 2 of this (sub)shell, so that a long-lived child
# (the postmaster) keeps no lock file of ours or of our caller's open.
close_fds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[[ $fd =~ ^[0-9]+$ ]] && [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
	done
}

# put FILE: write stdin to FILE (as the server user) unless it already says that; 0 if written.
put() {
	local new
	new=$(cat)
	if [ -f "$1" ] && [ "$(cat "$1")" = "$new" ]; then
		return 1
	fi
	printf '%s\n' "$new" | as sh -c 'cat > "$1"' sh "$1"
}

valid_name() {
	[[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || die "bad database name '$1' (letters, digits, _)"
}

start() {
	local locale changed=
	lock
	if [ ! -d "$base" ]; then
		mkdir -p "$base"
		chown -R "$owner" "$base"
	fi
	mkdir -p "$run" "$log"
	chown "$owner" "$base" "$run" "$log"
	as test -w "$base" -a -x "$base" \
		|| die "user $owner cannot write $base: every directory above it must be searchable (chmod o+x)"

	if [ ! -f "$data/PG_VERSION" ]; then
		if [ -d "$data" ] && [ -n "$(ls -A "$data")" ]; then
			die "$data exists but holds no cluster: remove it (rm -rf $data) and start again"
		fi
		locale=C.UTF-8
		locale -a 2>/dev/null | grep -qix 'c\.utf-\?8' || locale=C
		# --auth=trust: a development cluster (see the top of this file).
		as "$bin/initdb" -D "$data" -U "$owner" --encoding=UTF8 --locale="$locale" \
			--auth=trust >"$log/initdb.log" 2>&1 \
			|| { cat "$log/initdb.log" >&2; die "initdb failed (log above, $log/initdb.log)"; }
		echo "PostgreSQL cluster created in var/pg/data"
	fi
	# Our settings live in callreport.conf, included last; rewritten on every start.
	if ! grep -q "^include_if_exists = 'callreport.conf'" "$data/postgresql.conf"; then
		printf "\n# scripts/pg.sh keeps its settings there:\ninclude_if_exists = 'callreport.conf'\n" \
			| as sh -c 'cat >> "$1"' sh "$data/postgresql.conf"
	fi
	{
		echo "# written by scripts/pg.sh on every start: edit that, not this"
		echo "listen_addresses = '127.0.0.1'"
		echo "port = $port"
		echo "unix_socket_directories = '$run'"
		echo "timezone = 'Asia/Shanghai'"
		echo "log_timezone = 'Asia/Shanghai'"
		echo "log_destination = 'stderr'"
		echo "logging_collector = off"
		echo "shared_buffers = 256MB"
		echo "max_connections = 200"
		echo "wal_level = replica"
		echo "max_wal_senders = 5"
		# Which statements a request runs, for make bench: bench/bench.py turns both on
		# (ALTER SYSTEM) for its counting pass only, on connections made meanwhile.
		# Otherwise loaded and idle: no query ids computed, nothing tracked.
		echo "shared_preload_libraries = 'pg_stat_statements'"
		echo "compute_query_id = off"
		echo "pg_stat_statements.track = 'none'"
		if [ "${CALLREPORT_PG_FAST:-0}" = 1 ]; then
			echo "# CALLREPORT_PG_FAST=1: tests only, a crash may lose or corrupt data"
			echo "fsync = off"
			echo "synchronous_commit = off"
			echo "full_page_writes = off"
		else
			echo "fsync = on"
			echo "synchronous_commit = on"
			echo "full_page_writes = on"
		fi
	} | put "$data/callreport.conf" && changed=1
	# trust: a development cluster (see the top of this file). Loopback and socket only.
	cat <<-HBA | put "$data/pg_hba.conf" && changed=1
	# written by scripts/pg.sh on every start: a development cluster, trust on loopback only
	# TYPE  DATABASE     USER  ADDRESS       METHOD
	local   all          all                 trust
	host    all          all   127.0.0.1/32  trust
	local   replication  all                 trust
	host    replication  all   127.0.0.1/32  trust
	HBA

	if running; then
		local pport psock
		pport=$(sed -n 4p "$data/postmaster.pid")
		psock=$(sed -n 5p "$data/postmaster.pid")
		if [ "$pport" != "$port" ] || [ "$psock" != "$run" ]; then
			die "the cluster is running on port $pport (socket $psock), not $port: pg.sh stop first"
		fi
		if [ -n "$changed" ]; then
			as "$bin/pg_ctl" -D "$data" reload >/dev/null
			sleep 0.2
			local pending
			pending=$(sql postgres -Atc "SELECT string_agg(name, ', ') FROM pg_settings WHERE pending_restart")
			[ -z "$pending" ] || echo "pg.sh: note: restart the cluster (pg.sh stop; pg.sh start) to apply: $pending" >&2
		fi
	else
		(
			close_fds
			reserve_port "$port"
			retry_bind "$log/server.log" as "$bin/pg_ctl" -D "$data" -l "$log/server.log" -w -t 60 start >/dev/null
		) || { tail -n 20 "$log/server.log" >&2; die "PostgreSQL did not start (log above, $log/server.log)"; }
		echo "PostgreSQL started on 127.0.0.1:$port (var/pg)"
	fi

	sql postgres <<-SQL
	DO \$\$ BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callreport_admin') THEN
	    CREATE ROLE callreport_admin;
	  END IF;
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callreport_web') THEN
	    CREATE ROLE callreport_web;
	  END IF;
	END \$\$;
	ALTER ROLE callreport_admin LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
	ALTER ROLE callreport_web LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT;
	SQL
}

need_running() { running || die "the cluster is not running: scripts/pg.sh start"; }

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
start)
	[ $# -eq 0 ] || usage
	start ;;
stop)
	[ $# -eq 0 ] || usage
	lock
	if running; then
		as "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
		echo "PostgreSQL stopped"
	fi ;;
status)
	[ $# -eq 0 ] || usage
	running ;;
superuser)
	echo "$owner" ;;
createdb)
	[ $# -eq 1 ] || usage
	name=$1
	valid_name "$name"
	[ -f "$root/sql/schema.sql" ] || die "$root/sql/schema.sql not found"
	lock
	need_running
	if [ -z "$(sql postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
		sql postgres -c "CREATE DATABASE \"$name\" OWNER callreport_admin ENCODING 'UTF8'"
		echo "database $name created"
	fi
	sql "$name" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" \
		|| die "cannot create extension pg_trgm in $name (postgresql-contrib)"
	out=$(PGOPTIONS="-c client_min_messages=warning" "$bin/psql" -X -q -v ON_ERROR_STOP=1 \
		-h "$run" -p "$port" -U callreport_admin -d "$name" -f "$root/sql/schema.sql" 2>&1) \
		|| { echo "$out" >&2; die "sql/schema.sql failed on database $name"; } ;;
dropdb)
	[ $# -eq 1 ] || usage
	name=$1
	valid_name "$name"
	lock
	need_running
	sql postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" ;;
psql)
	name=callreport
	if [ $# -gt 0 ] && [[ $1 != -* ]]; then
		name=$1
		shift
	fi
	need_running
	exec "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$run" -p "$port" -U "$owner" -d "$name" "$@" ;;
conninfo)
	[ $# -eq 2 ] || usage
	echo "host=$run port=$port dbname=$1 user=$2" ;;
*) usage ;;
esac
