#!/usr/bin/env python3
"""Generates the demo call history, data/demo/call-history.csv (deterministic, seed 12345).

Half-hour intervals from 2025-09-01 to 2026-02-28 for a city government-service hotline,
plausible rather than real (no real data is available to us):
- daily volume about 250-400 calls on working days: Monday x1.20, Tuesday-Thursday x1.00,
  Friday x0.95, Saturday x0.80, Sunday x0.75 of a level rising from 300 to 320 over the
  half year; statutory holidays and their rest days x0.60; the first working day after a
  holiday x1.35 (the backlog);
- intraday: peaks 09:00-11:00 and 14:00-17:00, an evening shoulder, quiet 01:00-06:00;
- offered calls per interval are Poisson around the expected value;
- handle time about 240 s by day and 200 s at night (+-10 %); answer speed and abandonment
  rise with the interval's load; abandoned callers leave after 30-60 s on average.

Day kinds come from data/calendar/*.toml, the same files the roster uses.
Run: python3 scripts/gen_call_history.py  (writes the CSV; prints daily totals' range)
"""

import csv
import datetime as dt
import math
import pathlib
import random
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "demo" / "call-history.csv"
START = dt.date(2025, 9, 1)
END = dt.date(2026, 2, 28)

# Relative weight of each half hour (index 0 = 00:00-00:30).
PROFILE = [
    0.9, 0.7, 0.4, 0.3, 0.25, 0.2, 0.2, 0.2, 0.25, 0.3, 0.4, 0.6,  # 00:00-06:00
    1.0, 1.6, 2.6, 3.6,  # 06:00-08:00
    4.6, 5.6, 6.6, 7.2, 7.4, 7.0,  # 08:00-11:00 (peak 09-11)
    5.8, 4.6, 3.8, 3.6,  # 11:00-13:00 (lunch dip)
    4.4, 5.4, 6.4, 6.8, 6.9, 6.7, 6.2, 5.2,  # 13:00-17:00 (peak 14-17)
    4.2, 3.6, 3.2, 3.0, 2.8, 2.6,  # 17:00-20:00
    2.4, 2.1, 1.8, 1.5, 1.3, 1.1,  # 20:00-23:00
    1.0, 0.95,  # 23:00-24:00
]
WEEKDAY = [1.20, 1.00, 1.00, 1.00, 0.95, 0.80, 0.75]


def calendar():
    kinds = {}
    for f in sorted((ROOT / "data" / "calendar").glob("*.toml")):
        c = tomllib.loads(f.read_text(encoding="utf-8"))
        for d in c.get("statutory", []):
            kinds[dt.date.fromisoformat(d)] = "statutory"
        for d in c.get("rest", []):
            kinds[dt.date.fromisoformat(d)] = "rest"
        for d in c.get("makeup", []):
            kinds[dt.date.fromisoformat(d)] = "working"
    return lambda d: kinds.get(d, "rest" if d.weekday() >= 5 else "working")


def day_factor(d, kind):
    k = kind(d)
    if k == "statutory":
        return 0.60
    if k == "rest":
        for step in (-1, 1):
            x = d + dt.timedelta(days=step)
            for _ in range(10):
                if kind(x) == "statutory":
                    return 0.60
                if kind(x) == "working":
                    break
                x += dt.timedelta(days=step)
        return WEEKDAY[d.weekday()]
    x = d - dt.timedelta(days=1)
    for _ in range(10):
        if kind(x) == "statutory":
            return 1.35
        if kind(x) == "working":
            break
        x -= dt.timedelta(days=1)
    return WEEKDAY[d.weekday()]


def poisson(rng, lam):
    if lam > 60:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def main():
    rng = random.Random(12345)
    kind = calendar()
    total_weight = sum(PROFILE)
    days = (END - START).days + 1
    rows, totals = [], []
    for i in range(days):
        d = START + dt.timedelta(days=i)
        level = 300 + 20 * i / (days - 1)
        expected_day = level * day_factor(d, kind)
        day_total = 0
        for k, w in enumerate(PROFILE):
            lam = expected_day * w / total_weight
            offered = poisson(rng, lam)
            night = k < 12 or k >= 44
            aht = (200 if night else 240) * rng.uniform(0.9, 1.1)
            load = lam * aht / 1800  # Erlangs
            abandon_share = min(0.12, 0.01 + 0.012 * load) if offered else 0.0
            abandoned = sum(1 for _ in range(offered) if rng.random() < abandon_share)
            answered = offered - abandoned
            asa = round(3 + 2.5 * load * rng.uniform(0.8, 1.2), 1) if answered else ""
            ata = round(rng.uniform(30, 60), 1) if abandoned else ""
            rows.append([
                d.isoformat(), f"{k // 2:02d}:{(k % 2) * 30:02d}", offered, answered,
                abandoned, round(aht, 1) if answered else "", asa, ata,
            ])
            day_total += offered
        totals.append(day_total)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["日期", "时段", "呼入量", "接通量", "放弃量", "平均处理时长(秒)",
                    "平均应答时长(秒)", "平均放弃时长(秒)"])
        w.writerows(rows)
    print(f"{OUT}: {len(rows)} rows, daily calls {min(totals)}-{max(totals)}")


if __name__ == "__main__":
    main()
