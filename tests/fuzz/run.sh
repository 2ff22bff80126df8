#!/usr/bin/env bash
# run.sh check | fuzz SECONDS [NAME...]: run the fuzz harnesses built by `make fuzz-build`
# (build/fuzz/fuzz_NAME), one at a time, each over its seed corpus tests/fuzz/corpus/NAME/.
#   check    each harness: every seed (the regress-* cases included), then
#            CHECK_SECONDS (10) of fuzzing; new inputs are thrown away. Fails on any finding.
#   fuzz     each harness SECONDS (make fuzz FUZZ_SECONDS=...); new inputs are kept in
#            build/fuzz/corpus/NAME/ and used again next time.
# A finding (crash, leak, sanitizer report, timeout, broken property) is written to
# build/fuzz/crashes/NAME/ and makes the run fail; the output of each run is in
# build/fuzz/logs/NAME.MODE.log. The last line per harness says what it did:
# CPU seconds, executions, coverage (libFuzzer's cov: edges and ft: features).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mode=${1:-check}
case $mode in
check) secs=${CHECK_SECONDS:-10}; shift || true ;;
fuzz) secs=${2:?usage: run.sh fuzz SECONDS [NAME...]}; shift 2 ;;
*) echo "usage: run.sh check | fuzz SECONDS [NAME...]" >&2; exit 2 ;;
esac
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in tests/fuzz/fuzz_*.c; do
		n=${f#tests/fuzz/fuzz_}
		names+=("${n%.c}")
	done
fi

# The longest input a harness tries: about the most the program takes there.
max_len() {
	case $1 in
	route) echo 2100 ;;		# a path: 2,048 bytes (414 beyond)
	range) echo 128 ;;		# a Range header, and 8 bytes of file size
	cookie) echo 8192 ;;		# one header: 8 KiB (431 beyond)
	*) echo 8192 ;;			# a query string: 8 KiB; bodies and files, the same
	esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p build/fuzz/logs
failed=()
for name in "${names[@]}"; do
	bin=build/fuzz/fuzz_$name
	seeds=tests/fuzz/corpus/$name
	crashes=build/fuzz/crashes/$name
	log=build/fuzz/logs/$name.$mode.log
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin is not built (make fuzz-build)" >&2
		failed+=("$name")
		continue
	fi
	mkdir -p "$crashes" "$seeds"
	if [ "$mode" = check ]; then
		work=$(mktemp -d "$root/build/fuzz/check-$name.XXXXXX")
	else
		work=build/fuzz/corpus/$name
		mkdir -p "$work"
	fi
	opts=(-max_total_time="$secs" -max_len="$(max_len "$name")" -timeout=10
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/")
	[ -f "tests/fuzz/$name.dict" ] && opts+=(-dict="tests/fuzz/$name.dict")
	# bash's time: user and system seconds of the harness (libFuzzer runs in one process).
	TIMEFORMAT='%U %S'
	set +e
	{ time "$bin" "${opts[@]}" "$work" "$seeds" >"$log" 2>&1; } 2>"$log.time"
	rc=$?
	set -e
	[ "$mode" = check ] && rm -rf "$work"
	read -r user sys <"$log.time" || true
	rm -f "$log.time"
	# (A finding among the seeds comes before any stats or coverage line.)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1) || true
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1) || true
	printf 'fuzz %-7s %s: %s s CPU (user %s, sys %s), %s executions, %s\n' "$name" "$mode" \
		"$(awk -v u="${user:-0}" -v s="${sys:-0}" 'BEGIN { printf "%.1f", u + s }')" \
		"${user:-?}" "${sys:-?}" "${execs:-?}" "${cov:-cov: ?}"
	if [ $rc -ne 0 ]; then
		echo "fuzz $name: FINDING (exit $rc): see $log and $crashes/" >&2
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*property broken|artifact_prefix|Test unit written)' \
			"$log" | head -n 8 >&2 || true
		failed+=("$name")
	fi
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: findings or failures in: ${failed[*]}" >&2
	exit 1
fi
