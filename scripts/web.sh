#!/usr/bin/env bash
# web.sh: a lighttpd serving static/ and bin/callreport.fcgi (demo and tests).
# usage: web.sh start PORT CONF_FILE [PREFIX] | web.sh stop PORT|all
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
var=$root/var
mkdir -p "$var"

stop_one() {
	local pidf=$var/lighttpd-$1.pid pid
	[ -f "$pidf" ] || return 0
	pid=$(cat "$pidf")
	if kill "$pid" 2>/dev/null; then
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -f "$pidf"
}

case "${1:-}" in
start)
	port=${2:?start PORT CONF}
	conf=${3:?start PORT CONF}
	prefix=${4:-}
	stop_one "$port"
	out=$var/lighttpd-$port.conf
	sed -e "s|@ROOT@|$root|g" -e "s|@PORT@|$port|g" -e "s|@CONF@|$conf|g" \
	    -e "s|@PREFIX@|$prefix|g" -e "s|@VAR@|$var|g" "$root/conf/lighttpd.conf.in" > "$out"
	: > "$var/lighttpd-$port.error.log"
	lighttpd -f "$out" || { cat "$var/lighttpd-$port.error.log" >&2; exit 1; }
	for _ in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "lighttpd serving http://127.0.0.1:$port$prefix/"
			exit 0
		fi
		sleep 0.1
	done
	echo "web.sh: lighttpd did not start on port $port" >&2
	cat "$var/lighttpd-$port.error.log" >&2
	exit 1 ;;
stop)
	if [ "${2:-all}" = all ]; then
		for f in "$var"/lighttpd-*.pid; do
			[ -e "$f" ] || continue
			p=${f##*/lighttpd-}
			stop_one "${p%.pid}"
		done
	else
		stop_one "$2"
	fi ;;
*)
	echo "usage: web.sh start PORT CONF_FILE [PREFIX] | web.sh stop PORT|all" >&2
	exit 2 ;;
esac
