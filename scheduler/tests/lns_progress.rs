//! Live progress through the neighbourhood search (issue 23): HiGHS has 40 % of the limit on a
//! month with fairness terms and writes its log only then; the neighbourhoods after it append
//! their own lines to the same solver log, so a reader of the log (the web app's progress)
//! sees the best roster, the bound and the gap move on to the end of the limit.

use scheduler::{Problem, SearchProgress, SolveOptions};

/// The demo site's March 2026 (52 people, four spreads priced: the neighbourhood search
/// applies) solved for 20 s: HiGHS has 8 s; in a debug build the model and its first roster
/// take another 3-4 s before it, so the neighbourhoods have about 8 s.
#[test]
fn the_solver_log_goes_on_after_highs_share_of_the_limit() {
    let cal = scheduler::Calendar::from_toml_strs([
        include_str!("../../data/calendar/2025.toml"),
        include_str!("../../data/calendar/2026.toml"),
    ])
    .unwrap();
    let site = scheduler::Site::from_toml_strs(
        include_str!("../../data/demo/site.toml"),
        Some(include_str!("../../data/demo/staff.toml")),
    )
    .unwrap();
    let p = Problem::new(&site, &cal, 2026, 3, vec![], vec![]).unwrap();
    let dir = std::env::temp_dir().join(format!("wf-lns-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("solver.log");
    let _ = std::fs::remove_file(&log);
    let limit = 20.0;
    let opts = SolveOptions {
        time_limit_seconds: limit,
        threads: 1,
        solver_log: Some(log.to_string_lossy().into_owned()),
        ..Default::default()
    };
    let roster = scheduler::solve(&p, &opts).unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<SearchProgress> = text.lines().filter_map(SearchProgress::parse).collect();
    // HiGHS's log comes first (its share), then only the search's lines.
    let first_ours = text
        .lines()
        .position(|l| SearchProgress::parse(l).is_some())
        .unwrap_or_else(|| panic!("no search progress in the log:\n{text}"));
    assert!(first_ours > 0, "{text}");
    assert!(text
        .lines()
        .skip(first_ours)
        .all(|l| SearchProgress::parse(l).is_some()));
    // Round 0 is HiGHS's roster, written when its 8 s are over.
    assert_eq!(lines[0].round, 0);
    assert!(lines[0].seconds >= 0.4 * limit - 0.05, "{text}");
    // Then one line a round: rounds count up, the clock moves on, the best never worsens,
    // the bound is HiGHS's throughout, the gap follows from the two.
    assert!(lines.len() >= 2, "{text}");
    for w in lines.windows(2) {
        assert_eq!(w[1].round, w[0].round + 1, "{text}");
        assert!(w[1].seconds >= w[0].seconds, "{text}");
        assert!(w[1].best <= w[0].best, "{text}");
        assert!((w[1].bound - w[0].bound).abs() < 1e-9, "{text}");
    }
    for l in &lines {
        assert!(l.bound <= l.best && l.bound >= 0.0, "{text}");
        let gap = 100.0 * (l.best - l.bound) / l.best;
        assert!((l.gap_percent - gap).abs() < 0.01, "{text}");
    }
    // The last line comes when less than a second is left, and is the roster returned.
    let last = lines.last().unwrap();
    assert!(last.seconds >= limit - 1.0, "{text}");
    assert!((last.best - roster.stats.objective).abs() < 0.005, "{text}");
    assert!((last.bound - roster.stats.bound).abs() < 0.005, "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
