//! Acceptance: from the demo call history to a roster that follows the call curve, through the
//! real `workforce` binary (built by `scripts/test.sh` before the tests run).

mod common;

use common::run;

/// The number after `label` up to " h" on the line that contains `label`.
fn hours_after(out: &str, label: &str) -> f64 {
    let line = out.lines().find(|l| l.contains(label)).unwrap();
    let tail = line.split(": ").nth(1).unwrap();
    tail.split(" h").next().unwrap().trim().parse().unwrap()
}

/// The operations manager forecasts March 2026 from the half year of history: the back-test
/// is printed, Erlang A is used (the history has wait times), the need file feeds the roster,
/// which covers every half hour, passes the independent check (interval cover included), and
/// the staggered starts need fewer paid agent hours for the curve than A/P/N alone.
#[test]
fn forecast_to_a_roster_that_follows_the_curve() {
    let dir = std::env::temp_dir().join(format!("wf-demand-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let need = dir.join("need.json");
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
    assert!(out.contains("回测 back-test on the last 14 days"), "{out}");
    assert!(out.contains("Erlang A, mean patience"), "{out}");
    let json = dir.join("roster.json");
    let (code, out) = run(&[
        "roster",
        "--month",
        "2026-03",
        "--need",
        need.to_str().unwrap(),
        "--quiet",
        "--time-limit",
        "5",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 of 1488 intervals short"), "{out}");
    let fixed = hours_after(&out, "with A/P/N:");
    let staggered = hours_after(&out, "with A/P/N/S07");
    assert!(staggered < fixed, "{staggered} vs {fixed}\n{out}");
    let (code, out) = run(&["roster", "check", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");

    // A need file for another month is refused by name.
    let (code, out) = run(&[
        "roster",
        "--month",
        "2026-04",
        "--need",
        need.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("is the need of 2026-03"), "{out}");
}

/// A history with text in a number cell and an unknown date is refused, each problem with
/// its row and column, and no need file is written.
#[test]
fn a_broken_history_is_refused_with_rows_and_columns() {
    let dir = std::env::temp_dir().join(format!("wf-demand-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "日期,时段,呼入量,接通量,放弃量,平均处理时长(秒)\n2026-02-01,09:00,12,12,0,200\n2026-02-31,09:30,12,12,0,200\n2026-02-01,10:00,十二,12,0,200\n",
    )
    .unwrap();
    let need = dir.join("need.json");
    let (code, out) = run(&[
        "forecast",
        "--history",
        bad.to_str().unwrap(),
        "--month",
        "2026-03",
        "--out",
        need.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("row 3, column A (日期)"), "{out}");
    assert!(out.contains("row 4, column C (呼入量)"), "{out}");
    assert!(!need.exists());
}

/// The calculator on the golden case: 100 calls in 30 min, AHT 180 s, 14 agents.
#[test]
fn erlang_calculator_golden_case() {
    let (code, out) = run(&["erlang", "--calls", "100", "--aht", "180", "--agents", "14"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("load 10.00 Erlangs"), "{out}");
    assert!(out.contains("P(wait) 0.1741"), "{out}");
    assert!(out.contains("service level 0.8884"), "{out}");
    assert!(out.contains("ASA 7.84 s"), "{out}");
    let (code, out) = run(&["erlang", "--calls", "100", "--aht", "180"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("14 agents (fewest"), "{out}");
}
