#!/usr/bin/env bash
# apache.sh: an Apache 2.4 on a loopback port serving static/ and callreport (tests, trials).
# usage: apache.sh start PORT CONF_FILE [PREFIX] [proxy|fcgid]
#        apache.sh stop PORT|all
#        apache.sh graceful PORT          Apache's graceful restart (apachectl graceful)
#        apache.sh reload-workers PORT    rolling restart of the program's workers (proxy)
#        apache.sh workers PORT           the pids of the program's workers, one a line
#        apache.sh configtest FILE        apache2 -t of a site snippet (conf/apache-callreport.conf)
# proxy (the default): mod_proxy_fcgi to workers that spawn-fcgi + multiwatch run on a
# unix socket; fcgid: mod_fcgid starts the workers. Everything lives in var/apache-PORT/.
# CALLREPORT_WORKERS (default 4) sets how many workers; CALLREPORT_BIN the directory of
# the program instead of bin/ (tests/sanitize/run.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
var=$root/var
mods=/usr/lib/apache2/modules
workers=${CALLREPORT_WORKERS:-4}
mkdir -p "$var"
. "$root/scripts/ports.sh"
. "$root/scripts/workers.sh"
command -v apache2 >/dev/null || PATH=$PATH:/usr/sbin
[ -x "$(command -v apache2)" ] || { echo "apache.sh: apache2 not found (apt-get install apache2)" >&2; exit 1; }

# main_conf DIR PORT SNIPPET [extra LoadModule lines]: the server around a site snippet.
main_conf() {
	local dir=$1 port=$2 snippet=$3
	shift 3
	cat <<-CONF
	# written by scripts/apache.sh
	ServerRoot "$dir"
	ServerName 127.0.0.1
	Listen 127.0.0.1:$port
	PidFile "$dir/httpd.pid"
	DefaultRuntimeDir "$dir"
	Mutex file:$dir default
	ErrorLog "$dir/error.log"
	LogLevel warn
	LoadModule mpm_event_module $mods/mod_mpm_event.so
	LoadModule authz_core_module $mods/mod_authz_core.so
	LoadModule mime_module $mods/mod_mime.so
	LoadModule alias_module $mods/mod_alias.so
	LoadModule headers_module $mods/mod_headers.so
	LoadModule reqtimeout_module $mods/mod_reqtimeout.so
	$(for m in "$@"; do echo "LoadModule ${m}_module $mods/mod_$m.so"; done)
	TypesConfig /etc/mime.types
	LogFormat "%h %t \"%r\" %>s %b %D" timed
	CustomLog "$dir/access.log" timed
	# The MPM as docs/deploy.md ("Slow clients") sets it in mpm_event.conf: a connection
	# that is still sending its request holds a thread until mod_reqtimeout ends it, so
	# the threads are the server's capacity for slow clients. 2048 threads, all started
	# at once and kept (about 16 KB each when idle); ServerLimit leaves room for the
	# processes of a graceful restart.
	StartServers 8
	ServerLimit 16
	ThreadLimit 256
	ThreadsPerChild 256
	MaxRequestWorkers 2048
	MinSpareThreads 256
	MaxSpareThreads 2048
	DocumentRoot "$root/static"
	<Directory />
		Require all denied
		AllowOverride None
	</Directory>
	$( [ "$(id -u)" = 0 ] && printf 'User www-data\nGroup www-data\n' )
	Include "$snippet"
	CONF
}

stop_one() {
	local dir=$var/apache-$1
	[ -d "$dir" ] || return 0
	if [ -f "$dir/httpd.pid" ]; then
		apache2 -d "$dir" -f "$dir/httpd.conf" -k stop 2>/dev/null || true
		stop_pid "$dir/httpd.pid" apache2
	fi
	workers_stop "$dir"
	jobs_stop "$dir"
}

case "${1:-}" in
start)
	port=${2:?start PORT CONF}
	conf=${3:?start PORT CONF}
	prefix=${4:-}
	mode=${5:-proxy}
	dir=$var/apache-$port
	stop_one "$port"
	mkdir -p "$dir"
	: > "$dir/error.log"
	case "$mode" in
	proxy)
		workers_start "$dir" "$conf" "$prefix" || { workers_stop "$dir"; exit 1; }
		sed -e "s|@PREFIX@|$prefix|g" -e "s|@STATIC@|$root/static|g" \
		    -e "s|@FCGI@|unix:$dir/fcgi.sock|g" -e "s|@TIMEOUT@|300|g" \
		    "$root/conf/apache-callreport.conf.in" > "$dir/callreport.conf"
		main_conf "$dir" "$port" "$dir/callreport.conf" proxy proxy_fcgi buffer env > "$dir/httpd.conf" ;;
	fcgid)
		mkdir -p "$dir/fcgid"
		[ "$(id -u)" = 0 ] && chown www-data "$dir/fcgid"
		sed -e "s|@PREFIX@|$prefix|g" -e "s|@STATIC@|$root/static|g" \
		    -e "s|@BIN@|${CALLREPORT_BIN:-$root/bin}/callreport.fcgi|g" -e "s|@CONF@|$conf|g" \
		    -e "s|@WORKERS@|$workers|g" \
		    -e "s|@TIMEOUT@|300|g" "$root/conf/apache-fcgid.conf.in" > "$dir/callreport.conf"
		{
			echo "FcgidIPCDir \"$dir/fcgid\""
			echo "FcgidProcessTableFile \"$dir/fcgid/shm\""
			echo "Include \"$dir/callreport.conf\""
		} > "$dir/fcgid.conf"
		main_conf "$dir" "$port" "$dir/fcgid.conf" fcgid > "$dir/httpd.conf" ;;
	*) echo "apache.sh: mode is proxy or fcgid" >&2; exit 2 ;;
	esac
	if apache2 -d "$dir" -f "$dir/httpd.conf" -k start && wait_port "$port"; then
		echo "apache ($mode) serving http://127.0.0.1:$port$prefix/"
		jobs_start "$dir" "$conf"
		exit 0
	fi
	start_failed "apache.sh: apache" "$port" "$dir/error.log" ;;
stop)
	stop_each apache "${2:-all}" ;;
graceful)
	dir=$var/apache-${2:?graceful PORT}
	apache2 -d "$dir" -f "$dir/httpd.conf" -k graceful ;;
reload-workers)
	workers_reload "$var/apache-${2:?reload-workers PORT}" ;;
workers)
	dir=$var/apache-${2:?workers PORT}
	if [ -f "$dir/workers.pid" ]; then
		workers_pids "$dir"
	else	# mod_fcgid: the program's processes whose parent is an Apache
		for p in $(pgrep -f "^${CALLREPORT_BIN:-$root/bin}/callreport.fcgi" || true); do
			pp=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || continue
			if grep -qs "apache2" "/proc/$pp/comm" && grep -qs "$dir/httpd.conf" "/proc/$pp/cmdline"; then
				echo "$p"
			fi
		done
	fi ;;
configtest)
	file=$(cd "$(dirname "${2:?configtest FILE}")" && pwd)/$(basename "$2")
	dir=$var/apache-configtest
	mkdir -p "$dir"
	{
		main_conf "$dir" 18099 "$file" proxy proxy_fcgi buffer env fcgid
	} > "$dir/httpd.conf"
	apache2 -d "$dir" -f "$dir/httpd.conf" -t ;;
*)
	sed -n '2,11p' "$0" >&2
	exit 2 ;;
esac
