//! Scenario tests: each is a short story about a small site, with expectations worked out by
//! hand from the rules (not copied from solver output). Solves pin one thread and a time limit.

use chrono::NaiveDate;
mod common;

use common::*;
use scheduler::{
    precheck, validate, Assignment, CoverRule, DaySelector, Index, Leave, LeaveKind, PriorShift,
    Problem, Roster, ShortfallKind, Site, SolveOptions, StandbyDuty,
};

fn march(site: &Site, leave: Vec<Leave>, previous: Vec<PriorShift>) -> Problem {
    Problem::new(site, &cal(), 2026, 3, leave, previous).unwrap()
}

fn solve(p: &Problem) -> Roster {
    let opts = SolveOptions {
        time_limit_seconds: 30.0,
        threads: 1,
        ..Default::default()
    };
    scheduler::solve(p, &opts).unwrap()
}

fn cover_shortfalls(r: &Roster) -> Vec<(NaiveDate, String, String, u32)> {
    r.shortfalls
        .iter()
        .filter(|s| s.kind == ShortfallKind::Cover)
        .map(|s| {
            (
                s.date.unwrap(),
                s.shift.clone().unwrap(),
                s.role.clone().unwrap(),
                s.missing,
            )
        })
        .collect()
}

/// One agent alone must cover the morning shift every day of March 2026 (31 days, 22
/// working days: standard 176 h, cap 176 + 36 = 212 h = 26 shifts). She worked P on the last
/// day of February, which ends at 24:00, so A at 08:00 on 03-01 leaves 8 h rest: forbidden.
/// From 03-02 the 30 remaining days allow 30 − ⌊30/7⌋ = 26 shifts under the 6-in-7 rule, and
/// the hours cap allows 26: so exactly 26 shifts and 31 − 26 = 5 uncovered mornings, one of
/// them 03-01.
#[test]
fn rest_across_the_month_boundary_and_the_hours_cap() {
    let s = site(
        vec![shift("A", "08:00", "16:00"), shift("P", "16:00", "24:00")],
        vec![cover("A", "agent", 1)],
        rules(),
        vec![person("E1", &["agent"])],
    );
    let prev = vec![PriorShift {
        employee: "E1".into(),
        date: d("2026-02-28"),
        shift: "P".into(),
    }];
    let p = march(&s, vec![], prev);
    let r = solve(&p);
    assert_eq!(r.assignments.len(), 26);
    assert!(r.assignments.iter().all(|a| a.date != d("2026-03-01")));
    let short = cover_shortfalls(&r);
    assert_eq!(short.iter().map(|s| s.3).sum::<u32>(), 5);
    assert!(short.iter().any(|s| s.0 == d("2026-03-01")));
    let v = validate(&p, &r);
    assert_eq!(v.len(), 5, "{v:?}");
    assert!(v.iter().all(|v| v.rule == "cover"));
}

/// Two of three agents are on annual leave 03-10 to 03-12 and the morning needs two. Only one
/// agent is left on each of those dates: one person missing each day, named with its cause;
/// the pre-check sees it before solving. Everything else is coverable (3 agents × up to 26
/// shifts against 62 places).
#[test]
fn a_team_on_leave_gives_named_shortfalls() {
    let s = site(
        vec![shift("A", "08:00", "16:00")],
        vec![cover("A", "agent", 2)],
        rules(),
        vec![
            person("E1", &["agent"]),
            person("E2", &["agent"]),
            person("E3", &["agent"]),
        ],
    );
    let leave = ["E1", "E2"]
        .iter()
        .map(|e| Leave {
            employee: e.to_string(),
            from: d("2026-03-10"),
            to: d("2026-03-12"),
            kind: LeaveKind::Annual,
        })
        .collect();
    let p = march(&s, leave, vec![]);
    let found = precheck(&p);
    assert_eq!(
        found.iter().filter(|f| f.rule == "cover").count(),
        3,
        "{found:?}"
    );
    let r = solve(&p);
    let short = cover_shortfalls(&r);
    let expect: Vec<_> = ["2026-03-10", "2026-03-11", "2026-03-12"]
        .iter()
        .map(|x| (d(x), "A".to_string(), "agent".to_string(), 1))
        .collect();
    assert_eq!(short, expect);
    let first = r
        .shortfalls
        .iter()
        .find(|s| s.kind == ShortfallKind::Cover)
        .unwrap();
    assert!(
        first
            .cause
            .starts_with("2 agent on leave on 03-10, 1 qualified left for 2 places"),
        "{}",
        first.cause
    );
    assert!(r
        .assignments
        .iter()
        .all(|a| !(a.employee != "E3" && a.date >= d("2026-03-10") && a.date <= d("2026-03-12"))));
}

/// Every shift needs a team leader. Both team leaders are on sick leave on 03-05: that
/// morning has no team leader, and it is the only gap (the two agents and the leaders cover
/// everything else; a leader counts once, in one role).
#[test]
fn a_team_leader_on_every_shift() {
    let s = site(
        vec![shift("A", "08:00", "16:00")],
        vec![cover("A", "agent", 1), cover("A", "team_leader", 1)],
        rules(),
        vec![
            person("L1", &["team_leader", "agent"]),
            person("L2", &["team_leader", "agent"]),
            person("E1", &["agent"]),
            person("E2", &["agent"]),
        ],
    );
    let leave = ["L1", "L2"]
        .iter()
        .map(|e| Leave {
            employee: e.to_string(),
            from: d("2026-03-05"),
            to: d("2026-03-05"),
            kind: LeaveKind::Sick,
        })
        .collect();
    let p = march(&s, leave, vec![]);
    let r = solve(&p);
    assert_eq!(
        cover_shortfalls(&r),
        vec![(d("2026-03-05"), "A".into(), "team_leader".into(), 1)]
    );
    let cause = &r.shortfalls[0].cause;
    assert!(
        cause.starts_with("2 team_leader on leave on 03-05, 0 qualified left for 1 places"),
        "{cause}"
    );
    // Every other day has someone counted as team leader.
    for day in 1..=31 {
        let date = NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
        let tl = r
            .assignments
            .iter()
            .filter(|a| a.date == date && a.role == "team_leader")
            .count();
        assert_eq!(tl == 0, day == 5, "{date}");
    }
    assert_eq!(
        validate(&p, &r)
            .iter()
            .filter(|v| v.rule != "cover")
            .count(),
        0
    );
}

fn standby_site() -> Site {
    let mut r = rules();
    r.standby_shifts = vec!["A".into(), "P".into(), "N".into()];
    r.under_standard_minutes = 176 * 60; // no hours floor: 8 people share 93 shifts
    site(
        three_shifts(),
        vec![
            cover("A", "agent", 1),
            cover("P", "agent", 1),
            cover("N", "agent", 1),
        ],
        r,
        (1..=8)
            .map(|i| person(&format!("E{i}"), &["agent"]))
            .collect(),
    )
}

/// Three shifts a day, one agent each, and one standby per shift. Every date gets three
/// standbys who are off duty that whole date and could be called in without breaking the rest
/// rule, and nobody stands by twice a day.
#[test]
fn standby_is_designated_off_duty_and_callable() {
    let p = march(&standby_site(), vec![], vec![]);
    let r = solve(&p);
    assert!(r.shortfalls.is_empty(), "{:?}", r.shortfalls);
    assert_eq!(r.standby.len(), 31 * 3, "{:?} {:?}", r.status, r.stats);
    for sb in &r.standby {
        assert!(!r
            .assignments
            .iter()
            .any(|a| a.employee == sb.employee && a.date == sb.date));
    }
    assert!(validate(&p, &r).is_empty());
}

fn rules_broken(v: &[scheduler::Violation], who: &str) -> Vec<String> {
    v.iter()
        .filter(|v| v.employee.as_deref() == Some(who))
        .map(|v| v.rule.clone())
        .collect()
}

/// A hand-edited roster with four mistakes: E1 works P then A next morning (8 h rest); E2 has
/// two shifts on one date; E3 works on a leave day; E4 works N after four nights at the end
/// of February. The validator names each with person, date and rule.
#[test]
fn the_validator_names_each_broken_rule() {
    let leave = vec![Leave {
        employee: "E3".into(),
        from: d("2026-03-04"),
        to: d("2026-03-04"),
        kind: LeaveKind::Personal,
    }];
    let prev = (25..=28)
        .map(|day| PriorShift {
            employee: "E4".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
            shift: "N".into(),
        })
        .collect();
    let p = march(&standby_site(), leave, prev);
    let r = hand(
        vec![
            a("E1", "2026-03-01", "P"),
            a("E1", "2026-03-02", "A"),
            a("E2", "2026-03-03", "A"),
            a("E2", "2026-03-03", "N"),
            a("E3", "2026-03-04", "A"),
            a("E4", "2026-03-01", "N"),
        ],
        vec![],
    );
    let v = validate(&p, &r);
    assert_eq!(rules_broken(&v, "E1"), vec!["min_rest"]);
    let rest = v.iter().find(|v| v.rule == "min_rest").unwrap();
    assert_eq!(rest.date, Some(d("2026-03-02")));
    assert!(
        rest.detail.contains("8 h 0 min rest, 12 h required"),
        "{}",
        rest.detail
    );
    assert!(rules_broken(&v, "E2").contains(&"one_shift_a_day".to_string()));
    assert_eq!(rules_broken(&v, "E3"), vec!["leave"]);
    assert_eq!(rules_broken(&v, "E4"), vec!["max_consecutive_shifts"]);
}

/// Seven days in a row breaks the 6-in-7 rule, counting the previous month: E1 worked
/// 02-24..02-28 (5 days); 03-01 is the sixth (allowed), 03-02 the seventh (violation).
#[test]
fn consecutive_days_count_the_previous_month() {
    let prev = (24..=28)
        .map(|day| PriorShift {
            employee: "E1".into(),
            date: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
            shift: "A".into(),
        })
        .collect();
    let p = march(&standby_site(), vec![], prev);
    let r = hand(
        vec![a("E1", "2026-03-01", "A"), a("E1", "2026-03-02", "A")],
        vec![],
    );
    let v = validate(&p, &r);
    let broken: Vec<_> = v
        .iter()
        .filter(|v| v.rule == "max_consecutive_days")
        .collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].date, Some(d("2026-03-02")));
}

/// A standby for the morning of 03-02 who worked P on 03-01 (ends 24:00) could not be called
/// in (8 h rest): the validator rejects the designation.
#[test]
fn a_standby_who_could_not_be_called_in_is_rejected() {
    let p = march(&standby_site(), vec![], vec![]);
    let sb = StandbyDuty {
        employee: "E1".into(),
        date: d("2026-03-02"),
        shift: "A".into(),
    };
    let r = hand(vec![a("E1", "2026-03-01", "P")], vec![sb]);
    let v = validate(&p, &r);
    assert!(
        v.iter()
            .any(|v| v.rule == "standby_call_in" && v.employee.as_deref() == Some("E1")),
        "{v:?}"
    );
}

/// Hours range: March 2026 has 22 working days = 176 h. With 5 days of annual leave the floor
/// is 176 − 5 × 8 − 8 = 128 h; without leave 168 h; the cap is 176 + 36 = 212 h; the reserve
/// has no floor.
#[test]
fn hours_range_follows_leave() {
    let mut reserve = person("R1", &["agent"]);
    reserve.reserve = true;
    let s = site(
        vec![shift("A", "08:00", "16:00")],
        vec![cover("A", "agent", 1)],
        rules(),
        vec![person("E1", &["agent"]), person("E2", &["agent"]), reserve],
    );
    let leave = vec![Leave {
        employee: "E1".into(),
        from: d("2026-03-09"),
        to: d("2026-03-13"),
        kind: LeaveKind::Annual,
    }];
    let p = march(&s, leave, vec![]);
    let ix = Index::new(&p);
    assert_eq!(ix.min_minutes(0), 128 * 60);
    assert_eq!(ix.min_minutes(1), 168 * 60);
    assert_eq!(ix.min_minutes(2), 0);
    assert_eq!(ix.max_minutes(0), 212 * 60);
}

/// The manager works the D shift on working days only: a Saturday shift is a violation,
/// a make-up Saturday (2026-02-28 is 调休上班) is not.
#[test]
fn working_days_only() {
    let mut m = person("M1", &["manager"]);
    m.working_days_only = true;
    let s = site(
        vec![shift("D", "08:00", "16:00")],
        vec![CoverRule {
            shift: "D".into(),
            role: "manager".into(),
            min: 1,
            days: DaySelector::Working,
        }],
        rules(),
        vec![m],
    );
    let p = Problem::new(&s, &cal(), 2026, 2, vec![], vec![]).unwrap();
    let mk = |date: &str| Assignment {
        employee: "M1".into(),
        date: d(date),
        shift: "D".into(),
        role: "manager".into(),
    };
    let v = validate(&p, &hand(vec![mk("2026-02-07"), mk("2026-02-28")], vec![]));
    let wdo: Vec<_> = v.iter().filter(|v| v.rule == "working_days_only").collect();
    assert_eq!(wdo.len(), 1);
    assert_eq!(wdo[0].date, Some(d("2026-02-07")));
}

/// Three agents share one morning seat. E1 asks not to work on 03-10 (weight 3) and wants
/// the morning of 03-11. With two colleagues free, both wishes can be granted at no cost to
/// any hard rule, so the solver grants them and reports the `preferences` term at 0.
#[test]
fn preferences_are_granted_when_there_is_slack() {
    let mut e1 = person("E1", &["agent"]);
    e1.preferences = vec![
        scheduler::Preference {
            date: Some(d("2026-03-10")),
            weekday: None,
            shift: None,
            want: false,
            weight: 3,
        },
        scheduler::Preference {
            date: Some(d("2026-03-11")),
            weekday: None,
            shift: Some("A".into()),
            want: true,
            weight: 1,
        },
    ];
    let mut r = rules();
    r.under_standard_minutes = 176 * 60; // no hours floor: 3 people share 31 shifts
    let s = site(
        vec![shift("A", "08:00", "16:00")],
        vec![cover("A", "agent", 1)],
        r,
        vec![e1, person("E2", &["agent"]), person("E3", &["agent"])],
    );
    let p = march(&s, vec![], vec![]);
    let roster = solve(&p);
    assert!(!roster
        .assignments
        .iter()
        .any(|a| a.employee == "E1" && a.date == d("2026-03-10")));
    assert!(roster
        .assignments
        .iter()
        .any(|a| a.employee == "E1" && a.date == d("2026-03-11") && a.shift == "A"));
    let term = roster
        .stats
        .terms
        .iter()
        .find(|t| t.name == "preferences")
        .unwrap();
    assert!(term.measure.abs() < 1e-9, "{}", term.measure);
    assert!(validate(&p, &roster).is_empty());
}
