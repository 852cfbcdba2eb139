#!/usr/bin/env bash
#
# Run each libFuzzer target for SECONDS over its seed corpus in
# tests/fuzz/corpus/<name>/ (read only: new inputs go to a scratch dir).
# A crash, leak or timeout fails the run; its input is kept in
# build-fuzz/crashes/ to be added to the corpus as a regression.
# Usage: run.sh SECONDS TARGET...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
secs=$1
shift
mkdir -p build-fuzz/crashes
fail=0
for t in "$@"; do
	name=${t#fuzz_}
	seeds=tests/fuzz/corpus/$name
	scratch=$(mktemp -d)
	echo "fuzz: $t for ${secs}s over $seeds"
	if ! "build-fuzz/$t" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=0 \
	    -artifact_prefix="build-fuzz/crashes/$t-" \
	    "$scratch" "$seeds" >"build-fuzz/$t.log" 2>&1; then
		echo "fuzz: $t FAILED (log: build-fuzz/$t.log)"
		tail -n 30 "build-fuzz/$t.log"
		fail=1
	else
		grep -E '^#[0-9]+.*DONE|Done [0-9]+ runs' "build-fuzz/$t.log" |
		    tail -n 1 || true
	fi
	rm -rf "$scratch"
done
if [ "$fail" -ne 0 ]; then
	exit 1
fi
echo "fuzz: every target ran clean"
