#!/usr/bin/env bash
# jobs.sh: the export job runner (bin/callreport jobs) beside a web server, for the demo,
# the tests and the Apache and nginx layouts (systemd runs it with conf/callreport-jobs.service).
# usage: jobs.sh start NAME CONF_FILE   start one runner: NAME.pid, its stderr in NAME.log
#        jobs.sh stop NAME              stop it (SIGTERM: its jobs go back to the queue)
# NAME is a path without extension, e.g. var/jobs-8080. CALLREPORT_BIN: the programs' directory.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
bin=${CALLREPORT_BIN:-$root/bin}

die() { echo "jobs.sh: $*" >&2; exit 1; }

# pid_of NAME: the runner's pid from NAME.pid when it is alive and is a runner.
pid_of() {
	local pid cmd
	[ -f "$1.pid" ] || return 1
	pid=$(cat "$1.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) || return 1
	case "$cmd" in *callreport*" jobs"*) ;; *) return 1 ;; esac
	echo "$pid"
}

alive() {
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

stop() {
	local pid n
	if pid=$(pid_of "$1"); then
		kill -TERM "$pid" 2>/dev/null || true
		for n in $(seq 100); do alive "$pid" || break; sleep 0.1; done
		alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$1.pid"
}

start() {
	local name=$1 conf=$2 fd
	[ -x "$bin/callreport" ] || die "$bin/callreport missing: run make"
	stop "$name"
	mkdir -p "$(dirname "$name")"
	# No inherited descriptor but 0-2 (a caller's lock file would stay locked), its own
	# session (a terminal's ^C is not its stop), its stderr in NAME.log.
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[[ $fd =~ ^[0-9]+$ ]] && [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null || true
		done
		CALLREPORT_CONF=$conf exec setsid "$bin/callreport" jobs </dev/null >>"$name.log" 2>&1
	) &
	echo $! > "$name.pid"
	sleep 0.2
	pid_of "$name" >/dev/null || { cat "$name.log" >&2; die "the runner did not start"; }
}

case "${1:-}" in
start) [ $# -eq 3 ] || die "usage: jobs.sh start NAME CONF_FILE"; start "$2" "$3" ;;
stop) [ $# -eq 2 ] || die "usage: jobs.sh stop NAME"; stop "$2" ;;
*) die "usage: jobs.sh start NAME CONF_FILE | jobs.sh stop NAME" ;;
esac
