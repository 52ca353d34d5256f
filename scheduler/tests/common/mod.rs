//! Helpers shared by the scheduler's scenario and repair tests: small sites built in code.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use scheduler::{
    Assignment, Calendar, CoverRule, DaySelector, Employee, Roster, Rules, ShiftType, Site,
    SolveStatus, StandbyDuty, Weights,
};

pub fn cal() -> Calendar {
    Calendar::from_toml_strs([include_str!("../../../data/calendar/2026.toml")]).unwrap()
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
