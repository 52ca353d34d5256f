#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with small valid (and known-hostile) files of every supported
# format from the committed fixtures. Safe to re-run: it only adds files (libFuzzer's own
# finds in the same folders are kept). Run from anywhere: bash fuzz/seed.sh
set -euo pipefail
fuzz="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$fuzz")"
fx="$root/tests/fixtures"
targets=(guard_check attendance_parse kpi_parse call_history_read staff_parse)

put() { # put TARGET FILE...
    local t="$1"; shift
    mkdir -p "$fuzz/corpus/$t"
    for f in "$@"; do
        [ -f "$f" ] && cp "$f" "$fuzz/corpus/$t/seed-$(basename "$f")"
    done
}

# A short call history (header + 300 half-hours) as CSV.
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
head -n 301 "$root/data/demo/call-history.csv" > "$tmp/call-history-300.csv"

# Every target reads uploads through the same guard + table reader (xlsx, xls, CSV), so each
# gets one valid file of every format plus the hostile ones the guard must refuse; then the
# files of its own importer.
common=(
    "$fx/attendance/good/template-2026-03.xlsx"
    "$fx/attendance/good/template-2026-03.csv"
    "$fx/attendance/good/zkteco-2026-03.xls"
    "$fx"/hostile/*.xlsx "$fx"/hostile/*.xls "$fx"/hostile/*.bin
    "$fx"/fuzz-regressions/*
)
for t in "${targets[@]}"; do put "$t" "${common[@]}"; done

put guard_check "$fx"/attendance/good/* "$fx"/kpi/good/* "$fuzz"/seeds/*.xlsx \
    "$fx/attendance/broken/02-truncated.xlsx" "$fx/attendance/broken/21-empty-zip.xlsx"
put attendance_parse "$fx"/attendance/good/* "$fx"/attendance/broken/*
put kpi_parse "$fx"/kpi/good/* "$fx"/kpi/broken/*
# calamine (open_workbook_auto) also opens OpenDocument: seeds/call-history.ods (3 cells).
# Until fuzz/findings/ods-repeat-bomb.ods is refused by the guard, expect the targets to
# rediscover that out-of-memory from it.
for t in "${targets[@]}"; do put "$t" "$fuzz/seeds/call-history.ods"; done
put call_history_read "$tmp/call-history-300.csv" "$fuzz/seeds/call-history.xlsx"
put staff_parse "$fuzz/seeds/staff.csv" "$fuzz/seeds/staff.xlsx"

for t in "${targets[@]}"; do
    printf '%-18s %3d files %8d bytes\n' "$t" "$(ls "$fuzz/corpus/$t" | wc -l)" \
        "$(cat "$fuzz/corpus/$t"/* | wc -c)"
done
