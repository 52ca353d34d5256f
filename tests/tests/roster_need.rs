//! Acceptance (issue 23): the roster made from interval needs for March 2026 passes its own
//! check, made the way the operations manager makes it: February generated and published in
//! one store, the need file forecast from the demo call history, March generated with
//! `--need` (so solved with February's last week as its history), then `roster check` on the
//! store's month (with the store's history) and on the roster JSON.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::run;

#[test]
fn march_from_the_need_file_passes_its_check_after_a_published_february() {
    let dir = std::env::temp_dir().join(format!("wf-roster-need-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("w.db").display());
    let need = dir.join("need.json");
    let json = dir.join("march.json");

    let (code, out) = run(&[
        "forecast",
        "--history",
        "data/demo/call-history.csv",
        "--month",
        "2026-03",
        "--out",
        need.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");

    // February into the store and published: March's history.
    let (code, out) = run(&[
        "roster",
        "--month",
        "2026-02",
        "--db",
        &db,
        "--threads",
        "1",
        "--time-limit",
        "10",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["roster", "publish", "--month", "2026-02", "--db", &db]);
    assert_eq!(code, 0, "{out}");

    // March from the need file, solved with February's last week.
    let (code, out) = run(&[
        "roster",
        "--month",
        "2026-03",
        "--need",
        need.to_str().unwrap(),
        "--db",
        &db,
        "--threads",
        "1",
        "--time-limit",
        "15",
        "--quiet",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("衔接 history: 2026-02 已发布第 1 版"), "{out}");
    assert!(out.contains("缺口 shortfalls: none"), "{out}");
    // 31 days of 48 half-hours, every one covered.
    assert!(out.contains("0 of 1488 intervals short"), "{out}");
    assert!(out.contains("校验 validator: no rule broken"), "{out}");

    // The store's month, checked with the store's history (February as published).
    let (code, out) = run(&["roster", "check", "--month", "2026-03", "--db", &db]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("checked with 2026-02 published version 1"),
        "{out}"
    );
    assert!(out.contains("no rule broken"), "{out}");
    // The JSON as written, checked with the history it carries.
    let (code, out) = run(&["roster", "check", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");

    // No standby short: the demo site asks one standby agent for each of A, P and N on each
    // of March's 31 dates, 93 duties, each by an agent who does not work that date.
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(
        doc["shortfalls"].as_array().unwrap().is_empty(),
        "{}",
        doc["shortfalls"]
    );
    let agents: BTreeSet<&str> = doc["employees"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["roles"].as_array().unwrap().iter().any(|r| r == "agent"))
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let working: BTreeSet<(&str, &str)> = doc["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["employee"].as_str().unwrap(), a["date"].as_str().unwrap()))
        .collect();
    let mut per_slot: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for sb in doc["standby"].as_array().unwrap() {
        let (e, date, shift) = (
            sb["employee"].as_str().unwrap(),
            sb["date"].as_str().unwrap(),
            sb["shift"].as_str().unwrap(),
        );
        assert!(agents.contains(e), "{sb}");
        assert!(!working.contains(&(e, date)), "{sb}");
        *per_slot.entry((date, shift)).or_default() += 1;
    }
    for day in 1..=31 {
        let date = format!("2026-03-{day:02}");
        for shift in ["A", "P", "N"] {
            assert_eq!(
                per_slot.get(&(date.as_str(), shift)),
                Some(&1),
                "{date} {shift}"
            );
        }
    }
    assert_eq!(per_slot.len(), 93);
    let _ = std::fs::remove_dir_all(&dir);
}
