#!/usr/bin/env bash
# The main job: the web app on an embedded SQLite database with the 52-person demo site.
# On a new database the demo staff list is seeded from data/demo, and the month (default
# 2026-03) and the month before are generated into the store (60 s each, checked by the
# independent validator): the month before is published first, so the month is solved with
# its last week as history. Then it serves http://127.0.0.1:8080 (BIND to change) with one
# demo account per role, printed at start. DATABASE_URL chooses another store.
# Usage: scripts/run.sh [YYYY-MM]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
month="${1:-2026-03}"
mkdir -p out
cargo build --release -p api --bin workforce
bin="${CARGO_TARGET_DIR:-target}/release/workforce"
db="${DATABASE_URL:-sqlite://out/workforce.db}"
y="${month%-*}"; m="${month#*-}"; m=$((10#$m))
if [ "$m" -eq 1 ]; then previous="$((y - 1))-12"; else previous="$(printf '%04d-%02d' "$y" $((m - 1)))"; fi
# `roster check --month` exits 2 when the store has no roster of that month.
has() { "$bin" roster check --month "$1" --db "$db" >/dev/null 2>&1 || [ $? -eq 1 ]; }
if ! has "$previous"; then
  "$bin" roster --month "$previous" --db "$db" --time-limit 60 --threads 2 --quiet --by ops
  "$bin" roster publish --month "$previous" --db "$db" --by ops \
    || "$bin" roster publish --month "$previous" --db "$db" --by ops --override "演示数据初始化 demo setup"
fi
if ! has "$month"; then
  "$bin" roster --month "$month" --db "$db" --time-limit 60 --threads 2 --quiet --by ops
fi
exec "$bin" serve --demo --bind "${BIND:-127.0.0.1:8080}" --db "$db"
