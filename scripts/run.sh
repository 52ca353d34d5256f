#!/usr/bin/env bash
# The main job: the web app on an embedded SQLite database with the 52-person demo site.
# Rosters the month (default 2026-03) and the month before into out/ when missing (each
# checked by the independent validator), then serves http://127.0.0.1:8080 (BIND to change)
# with one demo account per role, printed at start.
# Usage: scripts/run.sh [YYYY-MM]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
month="${1:-2026-03}"
mkdir -p out
cargo build --release -p api --bin workforce
bin="${CARGO_TARGET_DIR:-target}/release/workforce"
y="${month%-*}"; m="${month#*-}"; m=$((10#$m))
if [ "$m" -eq 1 ]; then previous="$((y - 1))-12"; else previous="$(printf '%04d-%02d' "$y" $((m - 1)))"; fi
for mm in "$previous" "$month"; do
  if [ ! -f "out/roster-$mm.json" ]; then
    "$bin" roster --month "$mm" --site data/demo --json "out/roster-$mm.json" --xlsx "out/roster-$mm.xlsx" --time-limit 60 --quiet
    "$bin" roster check "out/roster-$mm.json"
  fi
done
exec "$bin" serve --demo --bind "${BIND:-127.0.0.1:8080}" --rosters out --db "${DATABASE_URL:-sqlite://out/workforce.db}"
