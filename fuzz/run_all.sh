#!/usr/bin/env bash
# Runs every fuzz target for $1 seconds (default 1800), two at a time, each as one plain
# in-process libFuzzer (one job, one worker; see README.md for why not `-jobs=1 -workers=1`),
# logs to fuzz/logs/<target>.log, findings to fuzz/artifacts/<target>/.
# It runs the binaries `cargo fuzz build -s none -a` left in fuzz/target (build first, see
# README.md) rather than `cargo fuzz run`, which would rebuild `api` whenever its sources
# change under a running batch.
# Usage: nohup bash fuzz/run_all.sh 1800 > fuzz/logs/run_all.out 2>&1 &
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
secs="${1:-1800}"
bin=target/x86_64-unknown-linux-gnu/release
logs="${FUZZ_LOGS:-logs}"   # another folder for the logs, e.g. FUZZ_LOGS=logs/smoke
mkdir -p "$logs"
run() {
    mkdir -p "corpus/$1" "artifacts/$1"
    "$bin/$1" -artifact_prefix="artifacts/$1/" -max_total_time="$secs" -rss_limit_mb=1024 \
        -timeout=10 "corpus/$1" > "$logs/$1.log" 2>&1
    local rc=$?
    echo "$(date -u +%FT%TZ) $1 exit $rc"
}
(run guard_check; run kpi_parse; run staff_parse) &
(run attendance_parse; run call_history_read) &
wait
