//! Property tests: random small sites. Every returned roster either passes the validator or
//! reports each unmet need as a shortfall, and nothing panics.

mod common;

use chrono::NaiveDate;
use common::{person, shift};
use proptest::prelude::*;
use scheduler::{
    validate, Calendar, CoverRule, DaySelector, Employee, Leave, LeaveKind, Problem, Rules,
    ShortfallKind, Site, SolveOptions, Weights,
};

fn build(
    people: usize,
    a_min: u32,
    p_min: u32,
    n_min: u32,
    standby: bool,
    leave: Vec<(usize, u32, u32)>,
) -> Problem {
    let employees: Vec<Employee> = (0..people)
        .map(|i| {
            let mut e = person(&format!("E{i}"), &["agent"]);
            e.reserve = i == 0;
            e
        })
        .collect();
    let cover = [("A", a_min), ("P", p_min), ("N", n_min)]
        .iter()
        .map(|(s, m)| CoverRule {
            shift: s.to_string(),
            role: "agent".into(),
            min: *m,
            days: DaySelector::All,
        })
        .collect();
    let rules = Rules {
        min_rest_minutes: 720,
        max_consecutive_days: 6,
        max_consecutive_shifts: [("N".to_string(), 4)].into(),
        overtime_cap_minutes: 2160,
        under_standard_minutes: 480,
        leave_day_minutes: 480,
        night_shifts: vec!["N".into()],
        standby_shifts: if standby {
            vec!["A".into(), "N".into()]
        } else {
            vec![]
        },
        standby_per_shift: 1,
        standby_role: "agent".into(),
        history_days: 7,
        forbidden_successions: vec![],
        hours_floor_hard: false,
        handover: true,
    };
    let site = Site {
        name: "prop".into(),
        shifts: vec![
            shift("A", "08:00", "16:00"),
            shift("P", "16:00", "24:00"),
            shift("N", "00:00", "08:00"),
        ],
        cover,
        rules,
        weights: Weights::default(),
        employees,
    };
    let leave = leave
        .into_iter()
        .filter(|(e, _, _)| *e < people)
        .map(|(e, from, len)| Leave {
            employee: format!("E{e}"),
            from: NaiveDate::from_ymd_opt(2026, 2, from).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 2, (from + len).min(28)).unwrap(),
            kind: LeaveKind::Annual,
        })
        .collect();
    let cal = Calendar::from_toml_strs([include_str!("../../data/calendar/2026.toml")]).unwrap();
    Problem::new(&site, &cal, 2026, 2, leave, vec![]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, .. ProptestConfig::default() })]
    #[test]
    fn every_roster_is_valid_or_names_its_gaps(
        people in 1usize..7,
        a_min in 0u32..3, p_min in 0u32..2, n_min in 0u32..2,
        standby in any::<bool>(),
        leave in proptest::collection::vec((0usize..7, 1u32..28, 0u32..6), 0..4),
    ) {
        let p = build(people, a_min, p_min, n_min, standby, leave);
        let opts = SolveOptions { time_limit_seconds: 10.0, threads: 1, ..Default::default() };
        let r = scheduler::solve(&p, &opts).unwrap();
        for v in validate(&p, &r) {
            let explained = match v.rule.as_str() {
                "cover" => r.shortfalls.iter().any(|s| s.kind == ShortfallKind::Cover && s.date == v.date),
                "standby_cover" => r.shortfalls.iter().any(|s| s.kind == ShortfallKind::Standby && s.date == v.date),
                "hours_min" => r.shortfalls.iter().any(|s| s.kind == ShortfallKind::Hours && s.employee == v.employee),
                _ => false,
            };
            prop_assert!(explained, "unexplained violation {v}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]
    /// One more agent never lowers the service level or the answer rate, under Erlang C or
    /// Erlang A, whatever the traffic.
    #[test]
    fn more_agents_never_lower_the_service_level(
        calls in 0.0f64..400.0,
        aht in 30.0f64..900.0,
        agents in 0u32..80,
        patience in proptest::option::of(10.0f64..1200.0),
        answer in 5.0f64..60.0,
    ) {
        use scheduler::demand::erlang::{performance, Traffic};
        let t = Traffic { calls, interval_seconds: 1800.0, aht_seconds: aht, patience_seconds: patience };
        let a = performance(&t, agents, answer);
        let b = performance(&t, agents + 1, answer);
        prop_assert!(b.service_level >= a.service_level - 1e-9, "{a:?} → {b:?}");
        prop_assert!(b.answer_rate >= a.answer_rate - 1e-9, "{a:?} → {b:?}");
        prop_assert!((0.0..=1.0).contains(&a.service_level));
    }
}
