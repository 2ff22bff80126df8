#!/usr/bin/env bash
# nginx.sh: an nginx on a loopback port serving callreport under /reports/ with the site
# snippet that docs/deploy.md installs, conf/nginx-callreport.conf, and its part of the
# http { } block, conf/nginx-callreport-http.conf (tests, trials).
# usage: nginx.sh start PORT CONF_FILE
#        nginx.sh stop PORT|all
#        nginx.sh reload PORT       nginx's graceful reload (nginx -s reload)
#        nginx.sh reload-workers PORT  rolling restart of the program's workers
#        nginx.sh workers PORT      the pids of the program's workers, one a line
# nginx does not start FastCGI programs: spawn-fcgi + multiwatch run the workers on a
# unix socket (scripts/workers.sh). The snippet is used as shipped but for its two
# paths: the static files (here static/) and the socket. Everything lives in
# var/nginx-PORT/. CALLREPORT_WORKERS (default 4) sets how many workers.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
var=$root/var
workers=${CALLREPORT_WORKERS:-4}
mkdir -p "$var"
. "$root/scripts/ports.sh"
. "$root/scripts/workers.sh"
command -v nginx >/dev/null || PATH=$PATH:/usr/sbin
[ -x "$(command -v nginx)" ] || { echo "nginx.sh: nginx not found (apt-get install nginx)" >&2; exit 1; }

# nginx_cmd DIR ARGS...: nginx with the files of var/nginx-PORT/ (DIR).
nginx_cmd() {
	local dir=$1
	shift
	nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" "$@"
}

stop_one() {
	local dir=$var/nginx-$1
	[ -d "$dir" ] || return 0
	stop_pid "$dir/nginx.pid" nginx	# TERM: nginx's fast shutdown
	workers_stop "$dir"
	jobs_stop "$dir"
}

case "${1:-}" in
start)
	port=${2:?start PORT CONF}
	conf=${3:?start PORT CONF}
	dir=$var/nginx-$port
	stop_one "$port"
	mkdir -p "$dir/tmp"
	: > "$dir/error.log"
	workers_start "$dir" "$conf" /reports || { workers_stop "$dir"; exit 1; }
	sed -e "s|/usr/local/share/callreport/static/|$root/static/|" \
	    -e "s|unix:/run/callreport/fcgi.sock|unix:$dir/fcgi.sock|" \
	    "$root/conf/nginx-callreport.conf" > "$dir/callreport.conf"
	# its "include fastcgi_params" is relative to the main file's directory
	ln -sf /etc/nginx/fastcgi_params "$dir/fastcgi_params"
	{
		echo "# written by scripts/nginx.sh"
		[ "$(id -u)" = 0 ] && echo "user www-data www-data;"
		cat <<-CONF
		worker_processes 1;
		pid $dir/nginx.pid;
		error_log $dir/error.log warn;
		# room for the connections of slow clients (docs/deploy.md, "Slow clients")
		worker_rlimit_nofile 16384;
		events { worker_connections 8192; }
		http {
			include /etc/nginx/mime.types;
			include $root/conf/nginx-callreport-http.conf;
			access_log $dir/access.log;
			client_body_temp_path $dir/tmp/body;
			fastcgi_temp_path $dir/tmp/fastcgi;
			proxy_temp_path $dir/tmp/proxy;
			uwsgi_temp_path $dir/tmp/uwsgi;
			scgi_temp_path $dir/tmp/scgi;
			server {
				listen 127.0.0.1:$port;
				server_name 127.0.0.1;
				include $dir/callreport.conf;
			}
		}
		CONF
	} > "$dir/nginx.conf"
	if nginx_cmd "$dir" && wait_port "$port"; then
		echo "nginx serving http://127.0.0.1:$port/reports/"
		jobs_start "$dir" "$conf"
		exit 0
	fi
	start_failed "nginx.sh: nginx" "$port" "$dir/error.log" ;;
stop)
	stop_each nginx "${2:-all}" ;;
reload)
	nginx_cmd "$var/nginx-${2:?reload PORT}" -s reload ;;
reload-workers)
	workers_reload "$var/nginx-${2:?reload-workers PORT}" ;;
workers)
	workers_pids "$var/nginx-${2:?workers PORT}" ;;
*)
	sed -n '2,12p' "$0" >&2
	exit 2 ;;
esac
