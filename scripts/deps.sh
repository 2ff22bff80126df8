#!/usr/bin/env bash
# deps.sh [build|demo|check|fuzz|sanitize|bench]: install the Debian packages that are missing, and
# only those (Debian 12). Nothing to do: no output, no apt-get at all.
#   build  compile bin/callreport and bin/callreport.fcgi, run PostgreSQL and lighttpd
#   demo   the same as build
#   check  build + what the test suites use (pytest, Chromium, apache2, nginx, pgbouncer,
#          LibreOffice to open the CSV and XLSX files as a user does, ...) + fuzz's
#   fuzz   build + the fuzz harnesses' compiler: clang, libFuzzer and the sanitizers'
#          runtime (libclang-rt-dev: only recommended by clang, and Recommends are not
#          installed here), llvm-symbolizer for readable stacks (llvm)
#   sanitize  fuzz + clang's static analyzer (scan-build: clang-tools) and valgrind, for
#          tests/sanitize/run.sh (make check-sanitize; make check runs part of it)
#   bench  build + what bench/ uses (wrk, ...)
# Package scripts must not start system services (apache2 and nginx on :80, pgbouncer on :6432,
# postgresql on :5432, lighttpd on :80): the project never uses those ports, but another
# server holding them confuses everyone. They are kept from starting during the install
# and stopped and disabled after it.
set -euo pipefail

build="build-essential pkg-config libfcgi-dev libfcgi-bin libpq-dev libxlsxwriter-dev
	libctemplate-dev libjson-c-dev libssl-dev libcrypt-dev postgresql postgresql-client
	lighttpd lighttpd-modules-lua multiwatch procps curl libcurl4-openssl-dev"
# Installed when Debian has them, skipped otherwise. (On Debian 12 postgresql-contrib is a
# small package depending on postgresql-15, which already ships pg_trgm.)
build_opt="postgresql-contrib"
check="python3 python3-pytest python3-psycopg2 python3-openpyxl python3-selenium tidy
	chromium chromium-driver fonts-wqy-microhei apache2 libapache2-mod-fcgid nginx spawn-fcgi pgbouncer valgrind
	libreoffice-calc-nogui poppler-utils"
fuzz="clang libclang-rt-dev llvm"
sanitize="clang-tools valgrind"
bench="wrk time python3 python3-xlsxwriter python3-psycopg2"
bench_opt="linux-perf"
# package => the init script it brings
services="apache2:apache2 lighttpd:lighttpd nginx:nginx pgbouncer:pgbouncer postgresql:postgresql"

case "${1:-build}" in
build|demo) want=$build opt=$build_opt ;;
check) want="$build $check $fuzz $sanitize" opt=$build_opt ;;
fuzz) want="$build $fuzz" opt=$build_opt ;;
sanitize) want="$build $fuzz $sanitize" opt=$build_opt ;;
bench) want="$build $bench" opt="$build_opt $bench_opt" ;;
*) echo "usage: deps.sh [build|demo|check|fuzz|sanitize|bench]" >&2; exit 2 ;;
esac

installed() {
	local st
	st=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ $st == *"install ok installed"* ]]
}
# available PKG: Debian has an installable version of PKG (needs apt-get update first).
available() {
	local pol
	pol=$(apt-cache policy "$1" 2>/dev/null) || return 1
	[[ $pol == *"Candidate: "* && $pol != *"Candidate: (none)"* ]]
}

missing=
for p in $want; do
	installed "$p" || missing="$missing $p"
done
missing_opt=
for p in $opt; do
	installed "$p" || missing_opt="$missing_opt $p"
done
[ -z "$missing$missing_opt" ] && exit 0

sudo=
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "deps.sh: missing Debian packages:$missing$missing_opt; run this as root (or install sudo)" >&2
		exit 1
	fi
	sudo=sudo
fi
apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300)
log=$(mktemp "${TMPDIR:-/tmp}/callreport-deps.XXXXXX")
policy=/usr/sbin/policy-rc.d
cleanup() {
	[ -n "${made_policy:-}" ] && $sudo rm -f "$policy"
	rm -f "$log"
}
trap cleanup EXIT
fail() {
	echo "deps.sh: $1 failed:" >&2
	tail -n 30 "$log" >&2
	exit 1
}

$sudo "${apt[@]}" update >"$log" 2>&1 || fail "apt-get update"
for p in $missing_opt; do
	if available "$p"; then
		missing="$missing $p"
	else
		echo "deps.sh: $p is not available here; skipped"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing$missing"
# policy-rc.d exiting 101 tells the package scripts not to start services.
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# scripts/deps.sh: no service starts during the install\nexit 101\n' \
		| $sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
	made_policy=1
fi
# shellcheck disable=SC2086
$sudo "${apt[@]}" install -y --no-install-recommends $missing >"$log" 2>&1 || fail "apt-get install"

# Stop and disable the services this install brought, in case one started anyway.
for s in $services; do
	case " $missing " in *" ${s%%:*} "*) ;; *) continue ;; esac
	svc=${s#*:}
	$sudo service "$svc" stop >/dev/null 2>&1 || true
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
		$sudo systemctl disable --now "$svc" >/dev/null 2>&1 || true
	elif command -v update-rc.d >/dev/null; then
		$sudo update-rc.d "$svc" disable >/dev/null 2>&1 || true
	fi
done
