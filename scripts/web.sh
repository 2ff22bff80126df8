#!/usr/bin/env bash
# web.sh: a lighttpd on 127.0.0.1 serving static/ and bin/callreport.fcgi (demo and tests).
# usage: web.sh start PORT CONF_FILE [PREFIX]   (re)start; PREFIX "" (default) or e.g. /reports
#        web.sh stop PORT|all
# Files: var/lighttpd-PORT.conf (from conf/lighttpd.conf.in), var/lighttpd-PORT.pid,
#        var/lighttpd-PORT.error.log (lighttpd's and the program's stderr),
#        var/jobs-PORT.pid and var/jobs-PORT.log: the export job runner (bin/callreport
#        jobs) started beside lighttpd and stopped with it; CALLREPORT_JOBS=0: none.
# CALLREPORT_MW_RETRY: multiwatch's -r (restarts of a worker within 10 s of its start; 3).
# CALLREPORT_BIN: the directory of the programs instead of bin/ (tests/sanitize/run.sh
# serves build/san/bin/callreport.fcgi so).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
var=$root/var
bin=${CALLREPORT_BIN:-$root/bin}

die() { echo "web.sh: $*" >&2; exit 1; }
usage() { echo "usage: web.sh start PORT CONF_FILE [PREFIX] | web.sh stop PORT|all" >&2; exit 2; }

valid_port() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

# pid_of PORT: the pid of our lighttpd for PORT, from its pid file, if it is alive and is
# really that lighttpd (a stale pid file may name a pid the system has reused).
pid_of() {
	local pidf=$var/lighttpd-$1.pid pid cmd
	[ -f "$pidf" ] || return 1
	pid=$(cat "$pidf" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
	case "$cmd" in *lighttpd*"$var/lighttpd-$1.conf"*) ;; *) return 1 ;; esac
	alive "$pid" || return 1
	echo "$pid"
}

# alive PID: running and not a zombie.
alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# wait_gone SECONDS PID...: 0 once every PID is gone.
wait_gone() {
	local n=$(( $1 * 10 )) p left
	shift
	while :; do
		left=
		for p in "$@"; do alive "$p" && left=1; done
		[ -z "$left" ] && return 0
		n=$((n - 1))
		[ "$n" -le 0 ] && return 1
		sleep 0.1
	done
}

# descendants PID: the pids of PID's children, grandchildren, ...
descendants() {
	ps -e -o pid= -o ppid= 2>/dev/null | awk -v top="$1" '
		{ parent[$1] = $2 }
		END {
			n = 0; want[top] = 1
			do {
				added = 0
				for (p in parent) if (!(p in want) && (parent[p] in want)) { want[p] = 1; added = 1 }
			} while (added)
			for (p in want) if (p != top) printf "%s ", p
		}' || true
}

# stale_workers PORT: pids of processes (multiwatch, workers) whose stdin is a socket bound
# to our FastCGI socket path for PORT. Only meaningful while no lighttpd runs for PORT.
stale_workers() {
	local inodes fd link pid i out=
	inodes=$(awk -v p="$var/callreport-$1.sock-" 'index($8, p) == 1 { print $7 }' /proc/net/unix 2>/dev/null)
	[ -n "$inodes" ] || return 0
	for fd in /proc/[0-9]*/fd/0; do
		link=$(readlink "$fd" 2>/dev/null) || continue
		[[ $link == socket:* ]] || continue
		for i in $inodes; do
			if [ "$link" = "socket:[$i]" ]; then
				pid=${fd#/proc/}
				out="$out ${pid%%/*}"
			fi
		done
	done
	echo "${out# }"
}

# jobs_start PORT CONF: the export job runner for the server on PORT (scripts/jobs.sh).
jobs_start() {
	[ "${CALLREPORT_JOBS:-1}" = 0 ] && return 0
	CALLREPORT_BIN=$bin "$root/scripts/jobs.sh" start "$var/jobs-$1" "$2"
}

# stop_one PORT: stop our lighttpd for PORT, the FastCGI workers it spawned and its runner.
stop_one() {
	local port=$1 pid kids
	"$root/scripts/jobs.sh" stop "$var/jobs-$port" || true
	if pid=$(pid_of "$port"); then
		# lighttpd does not always take its workers down with it (one killed hard leaves
		# them behind): note its descendants (multiwatch and the workers) first.
		kids=$(descendants "$pid")
		kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone 10 "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
			wait_gone 2 "$pid" || die "lighttpd (pid $pid, port $port) does not stop"
		fi
		if [ -n "${kids// /}" ]; then
			# shellcheck disable=SC2086
			kill -TERM $kids 2>/dev/null || true
			# shellcheck disable=SC2086
			if ! wait_gone 5 $kids; then
				# shellcheck disable=SC2086
				kill -KILL $kids 2>/dev/null || true
			fi
		fi
		echo "lighttpd on port $port stopped"
	fi
	# Workers still on our socket (a lighttpd killed hard, before this script noted them).
	kids=$(stale_workers "$port")
	if [ -n "$kids" ]; then
		# shellcheck disable=SC2086
		kill -TERM $kids 2>/dev/null || true
		# shellcheck disable=SC2086
		wait_gone 5 $kids || kill -KILL $kids 2>/dev/null || true
		echo "stopped FastCGI workers left over on port $port: $kids"
	fi
	rm -f "$var/lighttpd-$port.pid" "$var/callreport-$port.sock"-*
}

# sed_escape STRING: STRING as a literal sed replacement (with | as the delimiter).
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# close_fds: close every descriptor above 2 of this (sub)shell.
close_fds() {
	local fd
	for fd in /proc/$BASHPID/fd/*; do
		fd=${fd##*/}
		[[ $fd =~ ^[0-9]+$ ]] && [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
	done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
	local port=$1 conf=$2 prefix=${3:-} mount out errlog
	valid_port "$port" || die "bad port '$port'"
	[ -f "$conf" ] || die "config file $conf not found"
	conf=$(cd "$(dirname "$conf")" && pwd -P)/$(basename "$conf")
	prefix=${prefix%/}
	[[ -z $prefix || $prefix =~ ^(/[A-Za-z0-9._~-]+)+$ ]] \
		|| die "bad prefix '$prefix' (want \"\" or like /reports)"
	[[ $conf != *[\"$'\n']* && $root != *[\"$'\n']* ]] || die "paths must not contain \" or newlines"
	command -v lighttpd >/dev/null || die "lighttpd not installed (scripts/deps.sh)"
	[ -x "$bin/callreport.fcgi" ] || die "$bin/callreport.fcgi missing: run make"
	[[ $bin != *[\"$'\n']* ]] || die "paths must not contain \" or newlines"
	[ -x /usr/bin/multiwatch ] || die "multiwatch not installed (scripts/deps.sh)"
	mount=${prefix:-/}
	mkdir -p "$var"

	stop_one "$port" >/dev/null
	port_open "$port" && die "port $port is already in use by another program"

	out=$var/lighttpd-$port.conf
	errlog=$var/lighttpd-$port.error.log
	sed -e "s|@ROOT@|$(sed_escape "$root")|g" -e "s|@VAR@|$(sed_escape "$var")|g" \
	    -e "s|@PORT@|$port|g" -e "s|@WORKERS@|${CALLREPORT_WORKERS:-4}|g" -e "s|@MW_RETRY@|${CALLREPORT_MW_RETRY:-3}|g" -e "s|@CONF@|$(sed_escape "$conf")|g" \
	    -e "s|@BIN@|$(sed_escape "$bin")|g" \
	    -e "s|@PREFIX@|$(sed_escape "$prefix")|g" -e "s|@MOUNT@|$(sed_escape "$mount")|g" \
	    "$root/conf/lighttpd.conf.in" > "$out.tmp"
	mv "$out.tmp" "$out"
	: > "$errlog"
	# lighttpd checks the config, binds, spawns the workers, then daemonizes.
	# Launched with no inherited descriptor but 0-2: the workers live long, and an open
	# lock file of the caller's (tests/run.sh's flock) would stay locked with them.
	if ! (close_fds; exec lighttpd -f "$out" </dev/null >>"$errlog" 2>&1); then
		echo "web.sh: lighttpd failed to start on port $port; $errlog says:" >&2
		cat "$errlog" >&2
		exit 1
	fi
	for _ in $(seq 100); do
		if pid_of "$port" >/dev/null && port_open "$port"; then
			# A program that dies at once (bad config, missing library) is respawned by
			# lighttpd for ever and every request gets 503: say so now.
			sleep 0.3
			if grep -q 'child exited' "$errlog"; then
				echo "web.sh: bin/callreport.fcgi exits at startup; $errlog says:" >&2
				cat "$errlog" >&2
				stop_one "$port" >/dev/null 2>&1 || true
				exit 1
			fi
			echo "lighttpd serving http://127.0.0.1:$port$prefix/"
			jobs_start "$port" "$conf"
			return 0
		fi
		sleep 0.1
	done
	echo "web.sh: lighttpd did not come up on port $port within 10 s; $errlog says:" >&2
	cat "$errlog" >&2
	stop_one "$port" >/dev/null 2>&1 || true
	exit 1
}

case "${1:-}" in
start)
	[ $# -ge 3 ] && [ $# -le 4 ] || usage
	start "$2" "$3" "${4:-}" ;;
stop)
	[ $# -le 2 ] || usage
	set -- stop "${2:-all}"
	if [ "$2" = all ]; then
		for f in "$var"/lighttpd-*.pid; do
			[ -e "$f" ] || continue
			p=${f##*/lighttpd-}
			p=${p%.pid}
			valid_port "$p" && stop_one "$p"
		done
	else
		valid_port "$2" || die "bad port '$2'"
		stop_one "$2"
	fi ;;
*) usage ;;
esac
