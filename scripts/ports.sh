# ports.sh: sourced by the scripts that start servers (pg.sh, replica.sh, apache.sh,
# nginx.sh).

# wait_port PORT: waits up to 10 s for something to accept connections on 127.0.0.1:PORT.
wait_port() {
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# The PostgreSQL ports (54320, 54330, 54331) lie in
# Linux's range for outgoing connections' local ports (32768-60999): a test's HTTP
# client can hold one for a moment, and a server starting then cannot bind it.

# reserve_port PORT: as root, keeps PORT out of the kernel's automatic choice.
reserve_port() {
	local f=/proc/sys/net/ipv4/ip_local_reserved_ports cur
	[ -w "$f" ] || return 0
	cur=$(cat "$f" 2>/dev/null) || return 0
	case ",$cur," in *",$1,"*) return 0 ;; esac
	echo "${cur:+$cur,}$1" > "$f" 2>/dev/null || true
}

# retry_bind LOG CMD...: runs CMD (a pg_ctl start logging to LOG); when it fails because
# the port was taken, tries again for up to 30 s.
retry_bind() {
	local log=$1 i
	shift
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$@" && return 0
		tail -n 5 "$log" 2>/dev/null | grep -q "Address already in use" || return 1
		echo "port taken, starting again in 3 s" >&2
		sleep 3
	done
	return 1
}
