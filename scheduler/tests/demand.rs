//! Interval cover from a demand curve, on a small site worked by hand.

mod common;

use common::*;
use scheduler::demand::staffing::{coverage, least_paid_hours};
use scheduler::demand::{Demand, IntervalNeed, ServicePolicy};
use scheduler::{validate, Problem, ShortfallKind, SolveOptions};

/// A 08-16 and P 16-24 carry the agents' per-shift minimum (1 each); S10 10-18 is a staggered
/// start. On 2026-04-08 the curve asks, per half hour: 2 agents 08:00-10:00, 3 agents
/// 10:00-16:00, 1 agent 16:00-18:00, nobody else.
fn site_and_problem(agents: usize) -> Problem {
    let mut r = rules();
    r.under_standard_minutes = 20_000;
    r.max_consecutive_shifts.clear();
    let mut s10 = shift("S10", "10:00", "18:00");
    s10.staggered = true;
    let names: Vec<String> = (1..=agents).map(|k| format!("E{k}")).collect();
    let s = site(
        vec![
            shift("A", "08:00", "16:00"),
            shift("P", "16:00", "24:00"),
            s10,
        ],
        vec![cover("A", "agent", 1), cover("P", "agent", 1)],
        r,
        names.iter().map(|n| person(n, &["agent"])).collect(),
    );
    Problem::new(&s, &cal(), 2026, 4, vec![], vec![]).unwrap()
}

fn curve() -> Demand {
    let mut needs = Vec::new();
    for k in 16..36u32 {
        let start = k * 30;
        let rostered = match start {
            480..=570 => 2,
            600..=930 => 3,
            _ => 1,
        };
        needs.push(IntervalNeed {
            date: on(8),
            start_minute: start,
            minutes: 30,
            calls: 10.0,
            aht_seconds: 180.0,
            on_phones: rostered,
            rostered,
        });
    }
    Demand {
        role: "agent".into(),
        shifts: vec![],
        policy: ServicePolicy {
            shrinkage: 0.0,
            ..Default::default()
        },
        patience_seconds: None,
        needs,
    }
}

/// Least paid hours, by hand. A/P only: A must cover 10:00-16:00 with 3, and 16:00-18:00
/// needs a P: 3 A + 1 P = 32 h. With S10: A ≥ 2 (08-10), A + S10 ≥ 3 (10-16), S10 ≥ 1
/// (16-18): 2 A + 1 S10 = 24 h.
#[test]
fn staggered_starts_need_fewer_paid_hours_by_hand() {
    let mut p = site_and_problem(4);
    p.attach_demand(curve(), true).unwrap();
    let dm = p.demand.clone().unwrap();
    assert_eq!(dm.shifts, vec!["A", "P", "S10"]);
    let fixed = least_paid_hours(&p, &dm, &["A".into(), "P".into()]).unwrap();
    assert!((fixed.hours - 32.0).abs() < 1e-9, "{fixed:?}");
    let all = least_paid_hours(&p, &dm, &["A".into(), "P".into(), "S10".into()]).unwrap();
    assert!((all.hours - 24.0).abs() < 1e-9, "{all:?}");
    assert_eq!(all.per_day[7].get("S10"), Some(&1));
}

/// The roster covers every half hour of the curve (the agents' per-shift minimums are gone,
/// interval cover replaces them) and the validator agrees; with one agent only, the 10:00-16:00
/// intervals miss two agents each and are named as interval shortfalls.
#[test]
fn the_roster_covers_each_interval_or_names_the_gap() {
    let opts = SolveOptions {
        time_limit_seconds: 20.0,
        threads: 1,
        ..Default::default()
    };
    let mut p = site_and_problem(4);
    p.attach_demand(curve(), true).unwrap();
    assert!(p.requirements.iter().all(|r| r.role != "agent"));
    let r = scheduler::solve(&p, &opts).unwrap();
    assert!(r.shortfalls.is_empty(), "{:?}", r.shortfalls);
    assert!(validate(&p, &r).is_empty());
    let cov = coverage(&p, &r);
    assert_eq!(cov.len(), 20);
    assert!(cov.iter().all(|c| c.planned >= c.need.rostered));

    let mut lone = site_and_problem(1);
    lone.attach_demand(curve(), true).unwrap();
    let r = scheduler::solve(&lone, &opts).unwrap();
    let gaps: Vec<_> = r
        .shortfalls
        .iter()
        .filter(|s| s.kind == ShortfallKind::Interval)
        .collect();
    // One person covers at most one shift: A (08-16) leaves 10:00-16:00 short by 2 (12
    // intervals), 08:00-10:00 short by 1 (4) and 16:00-18:00 short by 1 (4): 12×2 + 8 = 32;
    // S10 leaves 08-10 short by 2 (8), 10-16 by 2 (24), nothing after: 32 as well.
    let missing: u32 = gaps.iter().map(|s| s.missing).sum();
    assert_eq!(missing, 32, "{gaps:?}");
    assert!(validate(&lone, &r)
        .iter()
        .any(|v| v.rule == "interval_cover"));
    assert!(gaps
        .iter()
        .all(|s| s.shift.as_deref().unwrap().contains(':')));
}
