//! A month under interval cover (`workforce roster --need`) solved with two threads: the
//! greedy start's small staffing solve used to run first on the caller's thread with one
//! thread, which fixed HiGHS's thread pool there at one, and the month's solve asking for two
//! then failed ("the scheduler has already been initialized to use 1 threads").

mod common;

use common::*;
use scheduler::demand::{Demand, IntervalNeed, ServicePolicy};
use scheduler::{validate, Problem, SolveOptions};

/// A (08-16) and P (16-24) with one agent each and standby for both; four agents; on
/// 2026-04-08 the curve asks 2 agents 08:00-12:00.
fn problem() -> Problem {
    let mut r = rules();
    r.under_standard_minutes = 20_000;
    r.max_consecutive_shifts.clear();
    r.standby_shifts = vec!["A".into(), "P".into()];
    let s = site(
        vec![shift("A", "08:00", "16:00"), shift("P", "16:00", "24:00")],
        vec![cover("A", "agent", 1), cover("P", "agent", 1)],
        r,
        (1..=4)
            .map(|k| person(&format!("E{k}"), &["agent"]))
            .collect(),
    );
    let mut p = Problem::new(&s, &cal(), 2026, 4, vec![], vec![]).unwrap();
    let needs = (16..24u32)
        .map(|k| IntervalNeed {
            date: on(8),
            start_minute: k * 30,
            minutes: 30,
            calls: 10.0,
            aht_seconds: 180.0,
            on_phones: 2,
            rostered: 2,
        })
        .collect();
    let demand = Demand {
        role: "agent".into(),
        shifts: vec![],
        policy: ServicePolicy {
            shrinkage: 0.0,
            ..Default::default()
        },
        patience_seconds: None,
        needs,
    };
    p.attach_demand(demand, false).unwrap();
    p
}

/// Solved with two threads on a fresh thread (as the command line does on its main thread):
/// a roster comes back, with every interval covered, a standby on every shift and no rule
/// broken.
#[test]
fn a_need_month_solves_with_two_threads() {
    let p = problem();
    let opts = SolveOptions {
        time_limit_seconds: 20.0,
        threads: 2,
        ..Default::default()
    };
    let roster = std::thread::spawn(move || scheduler::solve(&p, &opts).map(|r| (p, r)))
        .join()
        .unwrap();
    let (p, roster) = roster.expect("the month solves with two threads");
    assert!(roster.shortfalls.is_empty(), "{:?}", roster.shortfalls);
    assert_eq!(roster.standby.len(), 30 * 2);
    assert!(
        validate(&p, &roster).is_empty(),
        "{:?}",
        validate(&p, &roster)
    );
}
