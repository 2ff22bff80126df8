#!/usr/bin/env bash
# deps.sh build|demo|check|bench: install the Debian packages that are missing, and only those.
set -euo pipefail
build="build-essential pkg-config libfcgi-dev libfcgi-bin libpq-dev libxlsxwriter-dev
	libctemplate-dev libjson-c-dev libssl-dev libcrypt-dev postgresql postgresql-client lighttpd"
demo="$build"
check="$build python3 python3-pytest python3-psycopg2 python3-openpyxl python3-selenium tidy
	chromium chromium-driver apache2 libapache2-mod-fcgid spawn-fcgi pgbouncer valgrind"
bench="$build wrk python3 python3-xlsxwriter python3-psycopg2"
case "${1:-build}" in
build) want=$build ;;
demo) want=$demo ;;
check) want=$check ;;
bench) want=$bench ;;
*) echo "usage: deps.sh build|demo|check|bench" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: missing packages:$missing (run as root)" >&2; exit 1; }
	sudo=sudo
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Keep package scripts from starting system services on ports 80/5432/6432.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
	$sudo chmod +x "$policy"
	trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
for s in apache2 lighttpd pgbouncer postgresql; do
	$sudo service "$s" stop >/dev/null 2>&1 || true
done
