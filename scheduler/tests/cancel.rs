//! Stopping a solve from another thread (the web app's cancel button).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;

use scheduler::{Problem, SolveOptions, SolveStatus};

fn march() -> Problem {
    common::demo(3)
}

/// The demo's March does not reach the 0.1 % gap in minutes (docs: 82 % after 60 s), so with
/// a 300-s limit only the flag, raised 2 s into the solve, can end it early. It then ends
/// with the best roster so far, reported as time-limited, and that roster breaks no hard
/// rule. A flag raised before the solve stops it at once.
#[test]
fn a_raised_flag_stops_the_solver_with_its_best_roster() {
    let problem = march();
    let stop = Arc::new(AtomicBool::new(false));
    let opts = SolveOptions {
        time_limit_seconds: 300.0,
        threads: 1,
        cancel: Some(stop.clone()),
        ..Default::default()
    };
    let raiser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2));
        stop.store(true, Ordering::Relaxed);
    });
    let t = Instant::now();
    let roster = scheduler::solve(&problem, &opts).unwrap();
    raiser.join().unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(120),
        "ran {:?}",
        t.elapsed()
    );
    assert!(roster.stats.seconds < 60.0, "{}", roster.stats.seconds);
    assert_eq!(roster.status, SolveStatus::TimeLimited);
    assert!(!roster.assignments.is_empty());
    let hard: Vec<_> = scheduler::validate(&problem, &roster)
        .into_iter()
        .filter(|v| v.rule != "cover")
        .collect();
    assert!(hard.is_empty(), "{hard:?}");

    let opts = SolveOptions {
        time_limit_seconds: 300.0,
        threads: 1,
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..Default::default()
    };
    let roster = scheduler::solve(&problem, &opts).unwrap();
    assert!(roster.stats.seconds < 30.0, "{}", roster.stats.seconds);
    assert_eq!(roster.status, SolveStatus::TimeLimited);
}
