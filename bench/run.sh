#!/usr/bin/env bash
# run.sh: every benchmark (make bench); each prints its table and appends it to bench/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bench/xlsx.sh
