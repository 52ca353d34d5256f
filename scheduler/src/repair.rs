//! Repair after publishing (排班调整): events that break a published roster (an absence, a
//! resignation, a new joiner, changed cover) are applied to its problem, and the month is
//! solved again from a change date on with every day before it pinned as published.
//!
//! The objective is lexicographic in effect: unmet needs first (cover, standby and hours
//! shortfalls at their usual weights), then the changed (person, date) cells priced by
//! `weights.repair_change` (three times as much on the change date as three weeks on; half
//! for the reserve, half again for a person called in from standby), then the usual soft
//! terms scaled down by 100 (see [`crate::model`]). The published roster is the first
//! incumbent, so a repair is fast: HiGHS starts from it minus the absent person's duties.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{ConfigError, SolveError};
use crate::model::{self, SolveOptions};
use crate::problem::{Leave, LeaveKind, Problem, Requirement};
use crate::roster::{Roster, RosterFile};
use crate::site::{Employee, Role};

/// Something that happened to a published roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// Absent from `from` to `to` inclusive (illness, approved leave).
    Absence {
        /// Employee id.
        employee: String,
        /// First day absent.
        from: NaiveDate,
        /// Last day absent.
        to: NaiveDate,
        /// Kind of absence.
        kind: LeaveKind,
    },
    /// Leaves the company; `last_day` is the last day employed.
    Resignation {
        /// Employee id.
        employee: String,
        /// Last day employed.
        last_day: NaiveDate,
    },
    /// A new person available from `from` (e.g. the replacement the purchaser asked for).
    Joiner {
        /// First day available.
        from: NaiveDate,
        /// The person, as in the staff file.
        employee: Employee,
    },
    /// Changed minimum cover for a shift and role on the dates `from..=to`.
    Cover {
        /// First date.
        from: NaiveDate,
        /// Last date.
        to: NaiveDate,
        /// Shift code.
        shift: String,
        /// Role counted.
        role: Role,
        /// New minimum.
        min: u32,
    },
}

impl Event {
    fn first_date(&self) -> NaiveDate {
        match self {
            Event::Absence { from, .. }
            | Event::Joiner { from, .. }
            | Event::Cover { from, .. } => *from,
            Event::Resignation { last_day, .. } => *last_day + Duration::days(1),
        }
    }
}

/// What a person does on a date, before or after a repair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "duty", content = "shift", rename_all = "snake_case")]
pub enum Duty {
    /// Not on duty.
    Off,
    /// Works the shift with this code.
    Shift(String),
    /// On standby (备班) for the shift with this code.
    Standby(String),
}

impl std::fmt::Display for Duty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Duty::Off => write!(f, "休"),
            Duty::Shift(s) => write!(f, "{s}"),
            Duty::Standby(s) => write!(f, "备{s}"),
        }
    }
}

/// One changed (person, date) cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Change {
    /// Employee id.
    pub employee: String,
    /// Date.
    pub date: NaiveDate,
    /// Published duty.
    pub before: Duty,
    /// New duty.
    pub after: Duty,
}

/// A repaired month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repair {
    /// First date that was allowed to change.
    pub from: NaiveDate,
    /// The events applied.
    pub events: Vec<Event>,
    /// The new roster with the problem it answers (events applied). Flattened, so a repair
    /// file is also a roster file (`workforce roster check` and payroll read it as one).
    #[serde(flatten)]
    pub roster: RosterFile,
    /// Every changed cell, by person and date.
    pub changes: Vec<Change>,
    /// People with at least one changed cell, to be told.
    pub affected: Vec<String>,
}

/// Applies events to a month's problem. Every event must start on or after the change date
/// `from` (the days before it are pinned) and touch the month.
pub fn apply_events(
    problem: &Problem,
    events: &[Event],
    from: NaiveDate,
) -> Result<Problem, ConfigError> {
    let first = problem.first_date();
    let last = problem.days[problem.num_days() - 1].date;
    if from < first || from > last {
        return Err(ConfigError::Invalid(format!(
            "change date {from} is outside the roster's month {}",
            problem.month
        )));
    }
    let mut p = problem.clone();
    for (i, ev) in events.iter().enumerate() {
        let n = i + 1;
        let start = ev.first_date();
        if start < from {
            return Err(ConfigError::Invalid(format!(
                "event {n}: starts {start}, before the change date {from}; the days before the change date are kept as published, so repair from {start} or earlier"
            )));
        }
        if start > last {
            return Err(ConfigError::Invalid(format!(
                "event {n}: starts {start}, after the roster's month {}",
                problem.month
            )));
        }
        let known = |id: &str| p.employees.iter().any(|e| e.id == id);
        match ev {
            Event::Absence {
                employee,
                from: a,
                to,
                kind,
            } => {
                if !known(employee) {
                    return Err(unknown_employee(employee, n));
                }
                if to < a {
                    return Err(ConfigError::Invalid(format!(
                        "event {n} (absence of {employee}): ends {to} before it starts {a}"
                    )));
                }
                p.leave.push(Leave {
                    employee: employee.clone(),
                    from: *a,
                    to: (*to).min(last),
                    kind: *kind,
                });
            }
            Event::Resignation { employee, .. } => {
                if !known(employee) {
                    return Err(unknown_employee(employee, n));
                }
                p.leave.push(Leave {
                    employee: employee.clone(),
                    from: start,
                    to: last,
                    kind: LeaveKind::Inactive,
                });
            }
            Event::Joiner { employee, from: j } => {
                if known(&employee.id) {
                    return Err(ConfigError::Invalid(format!(
                        "event {n} (joiner): employee id {} is already on the staff",
                        employee.id
                    )));
                }
                if employee.roles.is_empty() {
                    return Err(ConfigError::Invalid(format!(
                        "event {n} (joiner {}): no role",
                        employee.id
                    )));
                }
                p.employees.push(employee.clone());
                if *j > first {
                    p.leave.push(Leave {
                        employee: employee.id.clone(),
                        from: first,
                        to: *j - Duration::days(1),
                        kind: LeaveKind::Inactive,
                    });
                }
            }
            Event::Cover {
                from: a,
                to,
                shift,
                role,
                min,
            } => {
                if !p.shifts.iter().any(|s| s.code == *shift) {
                    return Err(ConfigError::Unknown {
                        kind: "shift",
                        name: shift.clone(),
                        context: format!(" in event {n} (cover)"),
                    });
                }
                if to < a {
                    return Err(ConfigError::Invalid(format!(
                        "event {n} (cover {shift} {role}): ends {to} before it starts {a}"
                    )));
                }
                p.requirements.retain(|r| {
                    !(r.date >= *a && r.date <= *to && r.shift == *shift && r.role == *role)
                });
                if *min > 0 {
                    for day in p.days.iter().filter(|d| d.date >= *a && d.date <= *to) {
                        p.requirements.push(Requirement {
                            date: day.date,
                            shift: shift.clone(),
                            role: role.clone(),
                            min: *min,
                        });
                    }
                }
                p.requirements
                    .sort_by(|x, y| (x.date, &x.shift, &x.role).cmp(&(y.date, &y.shift, &y.role)));
            }
        }
    }
    p.check_inputs()?;
    Ok(p)
}

fn unknown_employee(id: &str, n: usize) -> ConfigError {
    ConfigError::Unknown {
        kind: "employee",
        name: id.to_string(),
        context: format!(" in event {n}"),
    }
}

/// Repairs a published roster: applies `events`, keeps every day before `from` as published
/// and re-solves the rest with the fewest, latest changes.
pub fn repair(
    published: &RosterFile,
    events: &[Event],
    from: NaiveDate,
    opts: &SolveOptions,
) -> Result<Repair, SolveError> {
    let problem = apply_events(&published.problem, events, from)?;
    let from_day = (from - problem.first_date()).num_days() as usize;
    let roster = model::solve_anchored(&problem, opts, &published.roster, from_day)?;
    let changes = diff(&published.roster, &roster);
    let affected: BTreeSet<String> = changes.iter().map(|c| c.employee.clone()).collect();
    Ok(Repair {
        from,
        events: events.to_vec(),
        roster: RosterFile { problem, roster },
        changes,
        affected: affected.into_iter().collect(),
    })
}

/// Every (person, date) whose duty differs between two rosters, sorted by person and date.
pub fn diff(before: &Roster, after: &Roster) -> Vec<Change> {
    let cells = |r: &Roster| {
        let mut m: BTreeMap<(String, NaiveDate), Duty> = BTreeMap::new();
        for a in &r.assignments {
            m.insert((a.employee.clone(), a.date), Duty::Shift(a.shift.clone()));
        }
        for s in &r.standby {
            m.insert((s.employee.clone(), s.date), Duty::Standby(s.shift.clone()));
        }
        m
    };
    let (b, a) = (cells(before), cells(after));
    let keys: BTreeSet<&(String, NaiveDate)> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let old = b.get(k).cloned().unwrap_or(Duty::Off);
            let new = a.get(k).cloned().unwrap_or(Duty::Off);
            (old != new).then(|| Change {
                employee: k.0.clone(),
                date: k.1,
                before: old,
                after: new,
            })
        })
        .collect()
}
