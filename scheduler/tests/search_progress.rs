//! Live progress through the month's search (issue 23): the annealing appends a line about
//! once a second to the solver log, and a last line with the roster returned, so a reader of
//! the log (the web app's progress) sees the best roster, the bound and the gap move on to the
//! end of the limit.

mod common;

use scheduler::{SearchProgress, SolveOptions};

/// The demo site's March 2026 (52 people, four spreads priced: the search applies) solved
/// for 12 s.
#[test]
fn the_solver_log_has_a_line_a_second_to_the_end_of_the_limit() {
    let p = common::demo(3);
    let dir = std::env::temp_dir().join(format!("wf-lns-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("solver.log");
    let _ = std::fs::remove_file(&log);
    let limit = 12.0;
    let opts = SolveOptions {
        time_limit_seconds: limit,
        threads: 1,
        solver_log: Some(log.to_string_lossy().into_owned()),
        ..Default::default()
    };
    let roster = scheduler::solve(&p, &opts).unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<SearchProgress> = text.lines().filter_map(SearchProgress::parse).collect();
    // Only the search writes to the log (the bound's LP runs without one).
    assert!(
        text.lines().all(|l| SearchProgress::parse(l).is_some()),
        "{text}"
    );
    // A line a second: at least one per second of the limit but the first and the last.
    assert!(lines.len() as f64 >= limit - 2.0, "{text}");
    // Rounds count up, the clock moves on, the best never worsens, the bound never falls
    // once known (0 before), the gap follows from the two.
    for w in lines.windows(2) {
        assert_eq!(w[1].round, w[0].round + 1, "{text}");
        assert!(w[1].seconds >= w[0].seconds, "{text}");
        assert!(w[1].best <= w[0].best + 1e-9, "{text}");
        assert!(w[1].bound >= w[0].bound - 1e-9, "{text}");
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
