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

/// The demo history with each data line passed through `edit` (None drops it), written to a
/// file of its own.
fn edited_demo(name: &str, edit: impl Fn(&str) -> Option<String>) -> std::path::PathBuf {
    let text = std::fs::read_to_string(common::root().join("data/demo/call-history.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = vec![lines.next().unwrap().to_string()];
    out.extend(lines.filter_map(edit));
    let dir = std::env::temp_dir().join(format!("wf-demand-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("history.csv");
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
    path
}

/// `workforce forecast` of `month` from `history`, writing need.json next to it.
fn forecast(history: &std::path::Path, month: &str) -> (i32, String, std::path::PathBuf) {
    let need = history.with_file_name(format!("need-{month}.json"));
    let (code, out) = run(&[
        "forecast",
        "--history",
        history.to_str().unwrap(),
        "--month",
        month,
        "--out",
        need.to_str().unwrap(),
    ]);
    (code, out, need)
}

/// Case 1 of the hardening issue: the demo history with February 2026 exported as zeros. It
/// used to forecast March at 0 calls and 0 agents, exit 0; now it is refused (exit 2) by its
/// dates and rule, and no need file is written.
#[test]
fn a_silent_last_month_is_refused() {
    let h = edited_demo("silent", |l| {
        Some(if l.starts_with("2026-02-") {
            format!("{},0,0,0,,,", &l[..16])
        } else {
            l.to_string()
        })
    });
    let (code, out, need) = forecast(&h, "2026-03");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error: history 2026-02-01..2026-02-28 (28 days): no calls at all, in every \
             interval; a day without calls is an outage or a broken export, not a quiet day \
             (rule: every day of the history has calls; re-export it, or remove its rows to \
             leave it out)"
        ),
        "{out}"
    );
    assert!(!need.exists());
}

/// Case 3: the afternoon and evening of 2026-01-15 (24 half hours from 12:00) missing from
/// the file: refused with the date and the span, not counted as no calls.
#[test]
fn half_a_day_missing_is_refused() {
    let h = edited_demo("halfday", |l| {
        let cut = l.starts_with("2026-01-15,") && l[11..13].parse::<u32>().unwrap() >= 12;
        (!cut).then(|| l.to_string())
    });
    let (code, out, need) = forecast(&h, "2026-03");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error: history 2026-01-15: 24 of 48 intervals missing (12:00-24:00); a missing \
             interval would count as no calls (rule: every day of the history has all its \
             intervals; add them, with 0 where there were no calls, or remove the day's rows \
             to leave the day out)"
        ),
        "{out}"
    );
    assert!(!need.exists());
}

/// Case 2: the demo history without its Sundays. March 2026's Sundays (03-01, 08, 15, 22,
/// 29) used to get 0 agents; now refused by day type and dates.
#[test]
fn a_history_without_sundays_is_refused() {
    let h = edited_demo("nosunday", |l| {
        let date: chrono::NaiveDate = l[..10].parse().unwrap();
        (chrono::Datelike::weekday(&date) != chrono::Weekday::Sun).then(|| l.to_string())
    });
    let (code, out, need) = forecast(&h, "2026-03");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error: no 周日 (Sunday) in the history: 2026-03-01, 2026-03-08, 2026-03-15, \
             2026-03-22, 2026-03-29 would be forecast with no calls and no agents (rule: every \
             day type of the month needs history)"
        ),
        "{out}"
    );
    assert!(!need.exists());
}

/// Case 4 and 6 on the demo history (2025-09-01..2026-02-28): August 2025 starts before it
/// (refused); February 2026 is inside it (a warning, exit 0, kept in need.json); May 2026
/// ends 31 + 30 + 31 = 92 days after it, beyond the 62-day horizon (refused). The back-test
/// holds out the last 14 ordinary days — 02-25..27 and 02-03..13 — and leaves out 02-14 and
/// 02-28 (make-up Saturdays), the Spring Festival break 02-15..23 and 02-24.
#[test]
fn months_outside_the_history_and_the_back_test() {
    let h = common::root().join("data/demo/call-history.csv");
    let (code, out) = run(&[
        "forecast",
        "--history",
        h.to_str().unwrap(),
        "--month",
        "2025-08",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error: month 2025-08 starts before the history, whose first day is 2025-09-01: \
             the forecast carries the history's recent level forward and cannot reach back \
             (rule: the month does not start before the history)"
        ),
        "{out}"
    );
    let (code, out) = run(&[
        "forecast",
        "--history",
        h.to_str().unwrap(),
        "--month",
        "2026-05",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "error: month 2026-05 ends 2026-05-31, 92 days after the history's last day \
             2026-02-28: the forecast reaches 62 days past the history, having no trend or \
             season, only the level of its last 28 days (rule: horizon of 62 days; add recent \
             history)"
        ),
        "{out}"
    );
    let dir = std::env::temp_dir().join(format!("wf-demand-inside-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let need = dir.join("need.json");
    let (code, out) = run(&[
        "forecast",
        "--history",
        h.to_str().unwrap(),
        "--month",
        "2026-02",
        "--out",
        need.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let warning = "month 2026-02 is inside the history (2026-02-01..2026-02-28 in it): those \
                   days are forecast by a model fitted on them, not unseen (rule: a forecast is \
                   for the days after the history)";
    assert!(out.contains(&format!("warning: {warning}")), "{out}");
    assert!(
        out.contains(
            "回测 back-test on the last 14 days that are ordinary days, 2026-02-03..2026-02-27 \
             (fitted on the days before)"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "  not scored (not ordinary days): 2026-02-14 调休上班, 2026-02-15..2026-02-23 \
             法定节假日, 2026-02-24 节后首个工作日, 2026-02-28 调休上班"
        ),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&need).unwrap()).unwrap();
    assert_eq!(json["warnings"][0], warning);
    assert_eq!(json["backtest"]["days"].as_array().unwrap().len(), 14);
    assert_eq!(json["backtest"]["not_scored"].as_array().unwrap().len(), 12);
}

/// Case 5 through the binary: four hourly weeks 2026-08-03 (Monday)..08-30 — Monday 20 calls
/// at 09:00 and 60 at 14:00, Tuesday-Friday 10 and 30, Saturday and Sunday 20 at 10:00 —
/// forecast for September 2026. Base (4·80 + 16·40 + 8·20) ÷ 28 = 40, level 40. The make-up
/// Sunday 09-20 borrows the mean ordinary Monday-Friday: (4·80 + 16·40) ÷ 20 = 48 calls, 12 at
/// 09:00 and 36 at 14:00 (it used to be an ordinary Sunday: 20 at 10:00). The Mid-Autumn
/// break 09-25..27 borrows Sunday (20 calls), 09-28 Monday (80); each loan is a warning. The
/// back-test: the last 14 ordinary days 08-17..30 fitted on 08-03..16, the same weeks: 0.0 %.
#[test]
fn a_makeup_day_is_forecast_as_a_working_day() {
    let dir = std::env::temp_dir().join(format!("wf-demand-makeup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut csv = String::from("日期,时段,呼入量,接通量,放弃量,平均处理时长(秒)\n");
    let start: chrono::NaiveDate = "2026-08-03".parse().unwrap();
    for date in start.iter_days().take(28) {
        let weekday = chrono::Datelike::weekday(&date).num_days_from_monday();
        for hour in 0..24 {
            let calls = match (weekday, hour) {
                (0, 9) => 20,
                (0, 14) => 60,
                (1..=4, 9) => 10,
                (1..=4, 14) => 30,
                (5 | 6, 10) => 20,
                _ => 0,
            };
            let aht = if calls > 0 { "200" } else { "" };
            csv += &format!("{date},{hour:02}:00,{calls},{calls},0,{aht}\n");
        }
    }
    let h = dir.join("history.csv");
    std::fs::write(&h, csv).unwrap();
    let (code, out, need) = forecast(&h, "2026-09");
    assert_eq!(code, 0, "{out}");
    let rule = "(rule: a holiday, the day after one or a make-up day without history borrows)";
    for w in [
        format!(
            "warning: no 法定节假日 (statutory holiday) in the history: 2026-09-25..2026-09-27 \
             forecast as 周日 (Sunday) {rule}"
        ),
        format!(
            "warning: no 节后首个工作日 (first working day after a holiday) in the history: \
             2026-09-28 forecast as 周一 (Monday) {rule}"
        ),
        format!(
            "warning: no 调休上班 (make-up working day) in the history: 2026-09-20 forecast as \
             the mean ordinary Monday-Friday day {rule}"
        ),
    ] {
        assert!(out.contains(&w), "{w}\n{out}");
    }
    assert!(
        out.contains(
            "回测 back-test on the last 14 days that are ordinary days, 2026-08-17..2026-08-30 \
             (fitted on the days before): daily MAPE 0.0%, interval MAPE 0.0%, interval WAPE \
             0.0%"
        ),
        "{out}"
    );
    assert!(out.contains("\n2026-09-20  调休上班"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&need).unwrap()).unwrap();
    let calls = |date: &str, start: u64| -> f64 {
        json["needs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["date"] == date && (start == 9999 || n["start_minute"] == start))
            .map(|n| n["calls"].as_f64().unwrap())
            .sum()
    };
    assert!((calls("2026-09-20", 9999) - 48.0).abs() < 1e-9);
    assert!((calls("2026-09-20", 540) - 12.0).abs() < 1e-9);
    assert!((calls("2026-09-20", 840) - 36.0).abs() < 1e-9);
    assert!(calls("2026-09-20", 600).abs() < 1e-12);
    assert!((calls("2026-09-26", 600) - 20.0).abs() < 1e-9);
    assert!((calls("2026-09-28", 9999) - 80.0).abs() < 1e-9);
    assert!((calls("2026-09-27", 9999) - 20.0).abs() < 1e-9);
}
