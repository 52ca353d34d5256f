#!/usr/bin/env bash
# The main job: generate next month's roster for the 52-person demo site and check it.
# Until the web app exists this is `workforce roster` on the demo (issue 2).
# Usage: scripts/run.sh [YYYY-MM]   (default 2026-02); outputs go to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
month="${1:-2026-02}"
mkdir -p out
cargo build --release -p api --bin workforce
bin="${CARGO_TARGET_DIR:-target}/release/workforce"
"$bin" roster --month "$month" --site data/demo --json "out/roster-$month.json" --xlsx "out/roster-$month.xlsx" --time-limit 60
"$bin" roster check "out/roster-$month.json"
