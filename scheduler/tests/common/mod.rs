//! Helpers shared by the scheduler's integration tests: small sites built in code, the demo.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use scheduler::{
    validate, Assignment, Calendar, CoverRule, DaySelector, Employee, Problem, Roster, RosterFile,
    Rules, ShiftType, Site, SolveStatus, StandbyDuty, Weights,
};

pub fn cal() -> Calendar {
    Calendar::from_toml_strs([include_str!("../../../data/calendar/2026.toml")]).unwrap()
}

/// The demo site (data/demo) for a month of 2026, without leave or a previous month.
pub fn demo(month: u32) -> Problem {
    let cal = Calendar::from_toml_strs([
        include_str!("../../../data/calendar/2025.toml"),
        include_str!("../../../data/calendar/2026.toml"),
    ])
    .unwrap();
    let site = Site::from_toml_strs(
        include_str!("../../../data/demo/site.toml"),
        Some(include_str!("../../../data/demo/staff.toml")),
    )
    .unwrap();
    Problem::new(&site, &cal, 2026, month, vec![], vec![]).unwrap()
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn shift(code: &str, start: &str, end: &str) -> ShiftType {
    ShiftType {
        code: code.into(),
        name: code.into(),
        start: start.into(),
        end: end.into(),
        paid_minutes: 480,
        break_minutes: 0,
        staggered: false,
    }
}

pub fn person(id: &str, roles: &[&str]) -> Employee {
    Employee {
        id: id.into(),
        name: id.into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        team: None,
        reserve: false,
        shifts: vec![],
        working_days_only: false,
        position: None,
        grade: None,
        preferences: vec![],
        limits: Default::default(),
    }
}

pub fn cover(shift: &str, role: &str, min: u32) -> CoverRule {
    CoverRule {
        shift: shift.into(),
        role: role.into(),
        min,
        days: DaySelector::All,
    }
}

pub fn rules() -> Rules {
    Rules {
        min_rest_minutes: 720,
        max_consecutive_days: 6,
        max_consecutive_shifts: BTreeMap::from([("N".to_string(), 4)]),
        overtime_cap_minutes: 36 * 60,
        under_standard_minutes: 8 * 60,
        leave_day_minutes: 8 * 60,
        night_shifts: vec![],
        standby_shifts: vec![],
        standby_per_shift: 1,
        standby_role: "agent".into(),
        history_days: 7,
        forbidden_successions: vec![],
        hours_floor_hard: false,
        handover: true,
    }
}

pub fn three_shifts() -> Vec<ShiftType> {
    vec![
        shift("A", "08:00", "16:00"),
        shift("P", "16:00", "24:00"),
        shift("N", "00:00", "08:00"),
    ]
}

pub fn site(
    shifts: Vec<ShiftType>,
    cover: Vec<CoverRule>,
    mut rules: Rules,
    employees: Vec<Employee>,
) -> Site {
    rules
        .max_consecutive_shifts
        .retain(|code, _| shifts.iter().any(|s| &s.code == code));
    let s = Site {
        name: "test".into(),
        shifts,
        cover,
        rules,
        weights: Weights::default(),
        employees,
    };
    s.check().unwrap();
    s
}

pub fn a(e: &str, date: &str, shift: &str) -> Assignment {
    Assignment {
        employee: e.into(),
        date: d(date),
        shift: shift.into(),
        role: "agent".into(),
    }
}

pub fn hand(assignments: Vec<Assignment>, standby: Vec<StandbyDuty>) -> Roster {
    Roster {
        status: SolveStatus::Unsolved,
        assignments,
        standby,
        shortfalls: vec![],
        stats: Default::default(),
    }
}

/// One day shift D (08-16) needing one agent, three agents, at most `max_run` days in a row,
/// hours bounds wide enough not to bind (cap 176 + 100 h, no floor).
pub fn day_site(names: &[&str], min: u32, max_run: u32, reserve: &[&str]) -> Site {
    let mut r = rules();
    r.max_consecutive_days = max_run;
    r.overtime_cap_minutes = 6000;
    r.under_standard_minutes = 20_000;
    let staff = names
        .iter()
        .map(|n| {
            let mut p = person(n, &["agent"]);
            p.reserve = reserve.contains(n);
            p
        })
        .collect();
    site(
        vec![shift("D", "08:00", "16:00")],
        vec![cover("D", "agent", min)],
        r,
        staff,
    )
}

pub fn april(site: &Site) -> Problem {
    Problem::new(site, &cal(), 2026, 4, vec![], vec![]).unwrap()
}

pub fn on(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, day).unwrap()
}

pub fn published(p: Problem, assignments: Vec<Assignment>) -> RosterFile {
    let roster = Roster {
        assignments,
        ..hand(vec![], vec![])
    };
    assert!(
        validate(&p, &roster).is_empty(),
        "the hand-built published roster must be valid: {:?}",
        validate(&p, &roster)
    );
    RosterFile { problem: p, roster }
}

/// E1, E2, E3 take turns two days each (E1 on 1-2, E2 on 3-4, E3 on 5-6, E1 on 7-8, ...):
/// on day d the worker is number ((d-1)/2) mod 3. One agent a day, at most `max_run` days in a row.
pub fn rotation(max_run: u32) -> RosterFile {
    let s = day_site(&["E1", "E2", "E3"], 1, max_run, &[]);
    let names = ["E1", "E2", "E3"];
    let assignments = (1..=30)
        .map(|day| {
            a(
                names[((day - 1) / 2 % 3) as usize],
                &on(day).to_string(),
                "D",
            )
        })
        .collect();
    published(april(&s), assignments)
}
