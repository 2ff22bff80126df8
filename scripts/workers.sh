# workers.sh: sourced by apache.sh and nginx.sh, for web servers that do not start
# FastCGI programs themselves (Apache's mod_proxy_fcgi, nginx), and what both scripts
# do alike. Each keeps its server's files in var/KIND-PORT/ and defines stop_one PORT.
#   workers_start DIR CONF [PREFIX]  spawn-fcgi + multiwatch: $workers (default 4) workers
#                                    of the program on DIR/fcgi.sock (pid DIR/workers.pid,
#                                    their stderr in DIR/fcgi.log)
#   workers_stop DIR                 stop them (multiwatch passes TERM on), remove the socket
#   workers_pids DIR                 their pids, one a line
#   workers_reload DIR               a rolling restart (SIGUSR2 to multiwatch)
#   stop_each KIND PORT|all          stop_one PORT, or for every var/KIND-PORT/ there is
#   start_failed WHAT PORT LOG       say so, show LOG, stop what started (stop_one); exit 1
#   stop_pid PIDFILE NAME            TERM the process of PIDFILE if it is NAME (a pid file
#                                    left behind may name another process by now), wait
#                                    up to 10 s for it to end, then KILL its process group
# Needs $root (the checkout). CALLREPORT_MW_RETRY: multiwatch's -r (restarts in 10 s).
# CALLREPORT_BIN: the directory of the program instead of bin/ (tests/sanitize/run.sh).

stop_pid() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 0	# gone, or removed by its process
	if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] && kill "$pid" 2>/dev/null; then
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null &&
		    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
			echo "stop: $2 ($pid) did not end in 10 s; killed" >&2
			kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$1"
}

workers_start() {
	local dir=$1 conf=$2 prefix=${3:-} own=()
	# The workers share one socket; multiwatch starts a new one when one exits
	# (max_requests) and passes SIGUSR2 on for a rolling restart. They run as
	# whoever starts them (root in CI: unlike the systemd unit of a deployment,
	# which runs them as their own user); as root the socket is given to
	# www-data (mode 0660), the user the web server's processes run as.
	[ "$(id -u)" = 0 ] && own=(-U www-data -G www-data)
	# spawn-fcgi -n stays in the foreground so that the workers' log lines
	# (stderr) reach fcgi.log; without -n it sends them to /dev/null.
	: > "$dir/fcgi.log"
	CALLREPORT_CONF=$conf CALLREPORT_BASE_PATH=$prefix \
		setsid spawn-fcgi -n -s "$dir/fcgi.sock" -M 0660 "${own[@]}" -- \
		/usr/bin/multiwatch -f "${workers:-4}" -s TERM -r "${CALLREPORT_MW_RETRY:-3}" \
		-- "${CALLREPORT_BIN:-$root/bin}/callreport.fcgi" </dev/null >>"$dir/fcgi.log" 2>&1 &
	echo $! > "$dir/workers.pid"
	for _ in $(seq 50); do [ -S "$dir/fcgi.sock" ] && return 0; sleep 0.1; done
	cat "$dir/fcgi.log" >&2
	return 1
}

# The export job runner beside the workers (bin/callreport jobs, scripts/jobs.sh):
# DIR/jobs.pid, its log DIR/jobs.log; CALLREPORT_JOBS=0: none.
jobs_start() {
	[ "${CALLREPORT_JOBS:-1}" = 0 ] || "$root/scripts/jobs.sh" start "$1/jobs" "$2"
}

jobs_stop() {
	"$root/scripts/jobs.sh" stop "$1/jobs" || true
}

workers_stop() {
	stop_pid "$1/workers.pid" multiwatch
	rm -f "$1/fcgi.sock"
}

workers_pids() {
	pgrep -P "$(cat "$1/workers.pid")" || true
}

workers_reload() {
	kill -USR2 "$(cat "$1/workers.pid")"
}

stop_each() {
	local d
	if [ "${2:-all}" != all ]; then
		stop_one "$2"
		return
	fi
	for d in "$var/$1"-*/; do
		[ -d "$d" ] || continue
		d=${d%/}
		stop_one "${d##*/$1-}"
	done
}

start_failed() {
	echo "$1 did not start on port $2" >&2
	cat "$3" >&2
	stop_one "$2"	# nothing is left running
	exit 1
}
