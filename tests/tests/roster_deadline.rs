//! `workforce roster` keeps its time limit on a large site (issue 23): the 265-person site
//! `data/scale-265` (the demo five times over, made by `scripts/scale_site.py`), March 2026,
//! `--time-limit 10 --threads 1`, with the debug binary the tests run. Before the fix the model
//! build and the constructive start alone took 100 s there in a debug build (the greedy was
//! quadratic in the staff, and HiGHS was then handed the whole limit on top).
//!
//! The site folder is used in place (read-only; the cheapest way: no copy, no generation);
//! the store is a fresh SQLite file in a temporary folder.
//!
//! Which outcome this test asserts: the roster is stored with its status within limit + 5 s,
//! always. Measured on the 2-core machine (busy, load 3) it had no shortfall and `roster check`
//! passed (HiGHS's feasibility jump finds a full roster right after its presolve, about 3 s
//! on one thread). On a machine too busy for HiGHS to get through its presolve in its share,
//! the answer is the constructive start (which leaves team-leader seats open on 03-23 at this
//! size) as improved by the neighbourhood search: then the roster must still be stored and
//! printed as time-limited with its shortfalls named, and `roster check` must name only
//! unmet needs (cover, standby, the hours floor; no broken rest, run or hours-cap rule).

mod common;

use std::time::Instant;

use common::run;

#[test]
fn a_265_person_month_returns_within_its_limit_with_a_stored_roster() {
    let dir = std::env::temp_dir().join(format!("hw-deadline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("w.db").display());
    let json = dir.join("r.json");
    let limit = 10.0;

    let t = Instant::now();
    let (code, out) = run(&[
        "roster",
        "--site",
        "data/scale-265",
        "--db",
        &db,
        "--month",
        "2026-03",
        "--time-limit",
        "10",
        "--threads",
        "1",
        "--quiet",
        "--json",
        json.to_str().unwrap(),
    ]);
    let wall = t.elapsed().as_secs_f64();
    eprintln!("roster on 265 people, --time-limit {limit}: {wall:.1} s");
    assert!(
        wall <= limit + 5.0,
        "answered after {wall:.1} s with --time-limit {limit}\n{out}"
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("265 人"), "not the 265-person site: {out}");
    let status = out
        .lines()
        .find(|l| l.starts_with("状态 status:"))
        .unwrap_or_else(|| panic!("no status line: {out}"));
    eprintln!("{status}");
    assert!(
        status.contains("time-limited") || status.contains("optimal"),
        "{status}"
    );
    assert!(
        out.contains("存储 stored: 2026-03 draft version 1"),
        "no stored roster: {out}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["employees"].as_array().unwrap().len(), 265);
    assert!(
        doc["assignments"].as_array().unwrap().len() > 265 * 15,
        "a roster without its shifts"
    );

    // The stored month, checked again from the store.
    let (check_code, check) = run(&[
        "roster",
        "check",
        "--month",
        "2026-03",
        "--site",
        "data/scale-265",
        "--db",
        &db,
    ]);
    if out.contains("缺口 shortfalls: none") {
        eprintln!("no shortfall: roster check must pass");
        assert_eq!(check_code, 0, "{check}");
        assert!(out.contains("校验 validator: no rule broken"), "{out}");
    } else {
        // The honest fallback: a time-limited roster with its gaps named.
        eprintln!("shortfalls at this limit: they must be named and be the only violations");
        assert!(status.contains("time-limited"), "{status}");
        assert!(out.contains("缺口 shortfalls: "), "{out}");
        assert_eq!(check_code, 1, "{check}");
        // Unmet needs only: cover, standby, the hours floor.
        for line in check.lines().filter(|l| l.starts_with('[')) {
            assert!(
                ["[cover]", "[standby_cover]", "[hours_min]"]
                    .iter()
                    .any(|r| line.starts_with(r)),
                "a broken rule besides unmet needs: {line}\n{check}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
