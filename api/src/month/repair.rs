//! Repair of a published month in the store (排班调整): events that break the published
//! roster (an absence, a leaving, a joiner, changed cover) are applied to its problem and the
//! month is solved again from a change date on, every day before it kept as it stands
//! ([`scheduler::repair`]: the fewest, latest changes). The result is stored as the month's
//! draft (origin `repair`, audited `roster.repair`), so publishing it is the ordinary
//! publish with its independent re-check.
//!
//! The roster repaired is the month's as it stands since publishing: its latest published
//! version, or the draft built on it by an approved swap or an earlier repair (which the new
//! draft replaces, keeping what it carried).
//!
//! [`suggested_events`] lists what the store knows and the roster does not honour yet:
//! leavers, joiners and approved leave.

use crate::said;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use scheduler::{Duty, Event, LeaveKind, Problem, RosterFile, SolveOptions};
use serde::{Deserialize, Serialize};

use super::roster::{current, store_draft, summary, Checked};
use super::{blocking, Context, Error, Result, YearMonth};
use crate::db::roster::{RosterStatus, StoredRoster};

/// An event as the front ends give it: people by id (a joiner's roster entry is read from
/// the staff list). JSON: `{"kind": "resignation", "employee": "A005", "last_day": …}`,
/// `{"kind": "absence", "employee", "from", "to", "leave_kind"?}` (default `sick`),
/// `{"kind": "joiner", "employee", "from"}`, `{"kind": "cover", "from", "to", "shift",
/// "role", "min"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RepairEvent {
    /// Absent from `from` to `to` inclusive.
    Absence {
        /// Employee id.
        employee: String,
        /// First day absent.
        from: NaiveDate,
        /// Last day absent.
        to: NaiveDate,
        /// Kind of absence.
        #[serde(default = "sick")]
        leave_kind: LeaveKind,
    },
    /// Leaves the company; `last_day` is the last day employed.
    Resignation {
        /// Employee id.
        employee: String,
        /// Last day employed.
        last_day: NaiveDate,
    },
    /// Someone of the staff list not on the roster, available from `from`.
    Joiner {
        /// Employee id.
        employee: String,
        /// First day available.
        from: NaiveDate,
    },
    /// Changed minimum cover of a shift and role on `from..=to`.
    Cover {
        /// First date.
        from: NaiveDate,
        /// Last date.
        to: NaiveDate,
        /// Shift code.
        shift: String,
        /// Role counted.
        role: String,
        /// New minimum.
        min: u32,
    },
}

fn sick() -> LeaveKind {
    LeaveKind::Sick
}

impl RepairEvent {
    /// The first date the event changes.
    #[must_use]
    pub fn first_date(&self) -> NaiveDate {
        match self {
            RepairEvent::Absence { from, .. }
            | RepairEvent::Joiner { from, .. }
            | RepairEvent::Cover { from, .. } => *from,
            RepairEvent::Resignation { last_day, .. } => *last_day + Duration::days(1),
        }
    }

    /// The person concerned, if any.
    #[must_use]
    pub fn employee(&self) -> Option<&str> {
        match self {
            RepairEvent::Absence { employee, .. }
            | RepairEvent::Resignation { employee, .. }
            | RepairEvent::Joiner { employee, .. } => Some(employee),
            RepairEvent::Cover { .. } => None,
        }
    }

    /// In words (English; ids and dates).
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            RepairEvent::Absence {
                employee,
                from,
                to,
                leave_kind,
            } => format!(
                "absence of {employee} {from}..{to} ({})",
                serde_json::to_value(leave_kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            ),
            RepairEvent::Resignation { employee, last_day } => {
                format!("resignation of {employee}, last day {last_day}")
            }
            RepairEvent::Joiner { employee, from } => format!("joiner {employee} from {from}"),
            RepairEvent::Cover {
                from,
                to,
                shift,
                role,
                min,
            } => format!("cover {shift} {role} at least {min} on {from}..{to}"),
        }
    }
}

/// How long and on how many threads the repair is solved.
#[derive(Debug, Clone)]
pub struct RepairOptions {
    /// Solver time limit, seconds.
    pub time_limit: f64,
    /// Solver threads.
    pub threads: u32,
    /// Raised to stop the solve early (the best roster so far is kept).
    pub cancel: Option<Arc<AtomicBool>>,
}

impl RepairOptions {
    /// `time_limit` seconds on one thread.
    #[must_use]
    pub fn new(time_limit: f64) -> Self {
        RepairOptions {
            time_limit,
            threads: 1,
            cancel: None,
        }
    }
}

/// One changed (person, date) cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedCell {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Date.
    pub date: NaiveDate,
    /// Before: `off`, a shift code, or `standby X`.
    pub before: String,
    /// After, the same way.
    pub after: String,
}

/// A person with at least one changed cell (to be told).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Employee id.
    pub id: String,
    /// Name.
    pub name: String,
    /// How many cells changed.
    pub cells: usize,
}

/// A repaired month, stored as its draft.
#[derive(Debug, Clone, Serialize)]
pub struct Repaired {
    /// `YYYY-MM`.
    pub month: String,
    /// First date allowed to change.
    pub from: NaiveDate,
    /// The version repaired (the latest published one, or the draft built on it).
    pub based_on: i64,
    /// The events applied (absences and joiners starting before `from` start on it).
    pub events: Vec<RepairEvent>,
    /// The stored draft: row id, version, history, the validator's verdict.
    pub stored: Checked,
    /// Every changed cell, by person and date.
    pub changes: Vec<ChangedCell>,
    /// The people with a changed cell.
    pub affected: Vec<Person>,
    /// The solve in one line.
    pub summary: String,
    /// Open shortfalls of the repaired roster.
    pub shortfalls: usize,
}

/// A duty as a text: `off`, the shift code, or `standby X`.
#[must_use]
pub fn duty_text(d: &Duty) -> String {
    match d {
        Duty::Off => "off".into(),
        Duty::Shift(s) => s.clone(),
        Duty::Standby(s) => format!("standby {s}"),
    }
}

/// The month's published roster as it stands: the draft built on it after publishing, else
/// the latest published version.
///
/// # Errors
/// [`Error::Conflict`] naming the month when nothing of it is published, or a database
/// error.
pub async fn published_base(cx: Context<'_>, month: YearMonth) -> Result<StoredRoster> {
    let text = month.to_string();
    if cx
        .store
        .roster_latest(&text, Some(RosterStatus::Published))
        .await?
        .is_none()
    {
        return Err(Error::Conflict(said!(
            "{text} has no published roster: a repair changes a published month; generate and publish {text} first (a draft is edited or generated again)",
            "{text} 没有已发布的排班：调整只针对已发布的月份；请先生成并发布 {text}（草稿可直接编辑或重新生成）"
        )));
    }
    current(cx, &text)
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("{text}: the published version vanished")))
}

/// Turns the front end's events into the scheduler's, checked against the roster and the
/// staff list; absences and joiners that start before `from` start on it.
async fn resolve(
    cx: Context<'_>,
    problem: &Problem,
    events: &[RepairEvent],
    from: NaiveDate,
) -> Result<(Vec<RepairEvent>, Vec<Event>)> {
    let staff = cx.store.staff().await?;
    let on_roster = |id: &str| problem.employees.iter().any(|e| e.id == id);
    let month = &problem.month;
    let mut given = Vec::new();
    let mut out = Vec::new();
    for (i, ev) in events.iter().enumerate() {
        let n = i + 1;
        let ev = match ev.clone() {
            RepairEvent::Absence {
                employee,
                from: a,
                to,
                leave_kind,
            } => {
                if !on_roster(&employee) {
                    return Err(Error::Invalid(said!(
                        "event {n}: unknown employee {employee} (not on the roster of {month})",
                        "事件 {n}：查无此人 {employee}（不在 {month} 的排班中）"
                    )));
                }
                if to < a {
                    return Err(Error::Invalid(said!(
                        "event {n} (absence of {employee}): ends {to} before it starts {a}",
                        "事件 {n}（{employee} 缺勤）：结束日 {to} 早于开始日 {a}"
                    )));
                }
                if to < from {
                    return Err(Error::Invalid(said!(
                        "event {n} (absence of {employee}): ends {to}, before the change date {from}; the days before it are kept as they are",
                        "事件 {n}（{employee} 缺勤）：结束日 {to} 早于调整起始日 {from}；此前的日期保持不变"
                    )));
                }
                RepairEvent::Absence {
                    employee,
                    from: a.max(from),
                    to,
                    leave_kind,
                }
            }
            RepairEvent::Resignation { employee, last_day } => {
                if !on_roster(&employee) {
                    return Err(Error::Invalid(said!(
                        "event {n}: unknown employee {employee} (not on the roster of {month})",
                        "事件 {n}：查无此人 {employee}（不在 {month} 的排班中）"
                    )));
                }
                RepairEvent::Resignation { employee, last_day }
            }
            RepairEvent::Joiner { employee, from: j } => {
                if staff.get(&employee).is_none() {
                    return Err(Error::Invalid(said!(
                        "event {n}: unknown employee {employee} (not on the staff list)",
                        "事件 {n}：查无此人 {employee}（不在花名册中）"
                    )));
                }
                if on_roster(&employee) {
                    return Err(Error::Invalid(said!(
                        "event {n}: {employee} is on the roster of {month} already",
                        "事件 {n}：{employee} 已在 {month} 的排班中"
                    )));
                }
                RepairEvent::Joiner {
                    employee,
                    from: j.max(from),
                }
            }
            cover @ RepairEvent::Cover { .. } => cover,
        };
        out.push(match &ev {
            RepairEvent::Absence {
                employee,
                from,
                to,
                leave_kind,
            } => Event::Absence {
                employee: employee.clone(),
                from: *from,
                to: *to,
                kind: *leave_kind,
            },
            RepairEvent::Resignation { employee, last_day } => Event::Resignation {
                employee: employee.clone(),
                last_day: *last_day,
            },
            RepairEvent::Joiner { employee, from } => Event::Joiner {
                from: *from,
                employee: staff
                    .get(employee)
                    .map(|m| m.employee.clone())
                    .ok_or_else(|| {
                        Error::Invalid(said!("unknown employee {employee}", "查无此人 {employee}"))
                    })?,
            },
            RepairEvent::Cover {
                from,
                to,
                shift,
                role,
                min,
            } => Event::Cover {
                from: *from,
                to: *to,
                shift: shift.clone(),
                role: role.clone(),
                min: *min,
            },
        });
        given.push(ev);
    }
    Ok((given, out))
}

/// Repairs the month's published roster: `events` applied, every day before `from` kept,
/// the rest solved again off the async runtime (`opts`: time limit, threads) with the
/// fewest, latest changes; stored as the month's draft (origin `repair`, audited
/// `roster.repair`) with the validator's verdict. Returns the stored version, every changed
/// cell and the people affected.
///
/// # Errors
/// [`Error::Conflict`] naming the month when nothing of it is published (or it was
/// meanwhile changed so that the draft cannot be stored), [`Error::Invalid`] for a `from`
/// outside the month, no events, an unknown employee or an event that does not fit, or a
/// solver or database error.
pub async fn repair(
    cx: Context<'_>,
    month: YearMonth,
    events: &[RepairEvent],
    from: NaiveDate,
    opts: &RepairOptions,
    actor: &str,
) -> Result<Repaired> {
    let month_text = month.to_string();
    if from < month.first_day() || from > month.last_day() {
        return Err(Error::Invalid(said!(
            "change date {from} is outside {month_text}",
            "调整起始日 {from} 不在 {month_text} 内"
        )));
    }
    if events.is_empty() {
        return Err(Error::Invalid(said!(
            "nothing to repair: give at least one event",
            "没有需要调整的内容：请至少给出一个事件"
        )));
    }
    let base = published_base(cx, month).await?;
    let (given, scheduled) = resolve(cx, &base.doc.problem, events, from).await?;
    let solve_opts = SolveOptions {
        time_limit_seconds: opts.time_limit,
        threads: opts.threads,
        cancel: opts.cancel.clone(),
        ..Default::default()
    };
    let doc = base.doc.clone();
    let r = blocking(move || scheduler::repair(&doc, &scheduled, from, &solve_opts))
        .await?
        .map_err(|e| match e {
            scheduler::SolveError::Config(c) => {
                Error::Invalid(said!("{month_text}: {c}", "{month_text}：{c}"))
            }
            other => Error::Internal(anyhow::anyhow!("repairing {month_text}: {other}")),
        })?;
    let repaired: RosterFile = r.roster;
    let names = |id: &str| {
        repaired
            .problem
            .employees
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.name.clone())
            .unwrap_or_default()
    };
    let changes: Vec<ChangedCell> = r
        .changes
        .iter()
        .map(|c| ChangedCell {
            employee: c.employee.clone(),
            name: names(&c.employee),
            date: c.date,
            before: duty_text(&c.before),
            after: duty_text(&c.after),
        })
        .collect();
    let affected: Vec<Person> = r
        .affected
        .iter()
        .map(|id| Person {
            id: id.clone(),
            name: names(id),
            cells: r.changes.iter().filter(|c| &c.employee == id).count(),
        })
        .collect();
    let line = summary(&repaired);
    let what: Vec<String> = given.iter().map(RepairEvent::describe).collect();
    let before = format!(
        "version {} ({})",
        base.meta.version,
        base.meta.status.code()
    );
    let after = format!(
        "from {from}: {}; {} cell(s) changed, {} people affected; {line}",
        what.join("; "),
        changes.len(),
        affected.len()
    );
    let stored = store_draft(
        cx,
        &repaired,
        &base.meta.history,
        "repair",
        "roster.repair",
        actor,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(Repaired {
        month: month_text,
        from,
        based_on: base.meta.version,
        events: given,
        stored,
        changes,
        affected,
        summary: line,
        shortfalls: repaired.roster.shortfalls.len(),
    })
}

/// An event the store knows and the roster does not honour yet.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// The event.
    pub event: RepairEvent,
    /// The person's name.
    pub name: String,
    /// Where it comes from: `leaving`, `joining`, or `leave #ID`.
    pub source: String,
}

/// What a repair of the month would start from.
#[derive(Debug, Clone, Serialize)]
pub struct Suggested {
    /// `YYYY-MM`.
    pub month: String,
    /// The version a repair would change.
    pub based_on: i64,
    /// Whether that version is published (else a draft built on the published one).
    pub published: bool,
    /// The events, by first date.
    pub events: Vec<Suggestion>,
    /// The earliest first date of the events (a change date that takes them all).
    pub from: Option<NaiveDate>,
}

/// The events the store knows since the month's published roster (as it stands): people
/// whose leaving date falls in the month before its last day (resignation), people employed
/// in the month who are not on the roster (joiner, from their hiring date or the first of
/// the month), and approved leave in the month the roster's problem does not hold (absence,
/// within the month).
///
/// # Errors
/// [`Error::Conflict`] naming the month when nothing of it is published, or a database
/// error.
pub async fn suggested_events(cx: Context<'_>, month: YearMonth) -> Result<Suggested> {
    let base = published_base(cx, month).await?;
    let p = &base.doc.problem;
    let (first, last) = (month.first_day(), month.last_day());
    let staff = cx.store.staff().await?;
    let on_roster = |id: &str| p.employees.iter().any(|e| e.id == id);
    let mut events = Vec::new();
    for m in &staff.members {
        let id = m.employee.id.as_str();
        let Some(hr) = &m.hr else { continue };
        if let Some(left) = hr.left_on {
            let next = left + Duration::days(1);
            let honoured = p.leave.iter().any(|l| {
                l.employee == id && l.kind == LeaveKind::Inactive && l.from <= next && l.to >= last
            });
            if left >= first && left < last && on_roster(id) && !honoured {
                events.push(Suggestion {
                    event: RepairEvent::Resignation {
                        employee: id.to_string(),
                        last_day: left,
                    },
                    name: m.employee.name.clone(),
                    source: "leaving".into(),
                });
            }
        }
    }
    for m in staff.employed_between(first, last) {
        let id = m.employee.id.as_str();
        if on_roster(id) {
            continue;
        }
        let start = m.hr.as_ref().map_or(first, |h| h.hired_on.max(first));
        events.push(Suggestion {
            event: RepairEvent::Joiner {
                employee: id.to_string(),
                from: start,
            },
            name: m.employee.name.clone(),
            source: "joining".into(),
        });
    }
    let book = cx.store.request_book().await?;
    for q in &book.requests {
        if q.status != scheduler::Status::Approved {
            continue;
        }
        let scheduler::RequestKind::Leave {
            employee,
            from,
            to,
            kind,
        } = &q.kind
        else {
            continue;
        };
        if *to < first || *from > last || !on_roster(employee) {
            continue;
        }
        // Honoured: the problem holds it, whole or from a later start (a repair starts an
        // absence on its change date).
        let (start, end) = ((*from).max(first), (*to).min(last));
        let honoured = p.leave.iter().any(|l| {
            &l.employee == employee
                && l.kind == *kind
                && l.to >= end
                && l.from <= end
                && (l.from <= start || l.to == end)
        });
        if honoured {
            continue;
        }
        events.push(Suggestion {
            event: RepairEvent::Absence {
                employee: employee.clone(),
                from: start,
                to: end,
                leave_kind: *kind,
            },
            name: p
                .employees
                .iter()
                .find(|e| &e.id == employee)
                .map(|e| e.name.clone())
                .unwrap_or_default(),
            source: format!("leave #{}", q.id),
        });
    }
    events.sort_by_key(|s| s.event.first_date());
    let from = events
        .iter()
        .map(|s| s.event.first_date().clamp(first, last))
        .min();
    Ok(Suggested {
        month: month.to_string(),
        based_on: base.meta.version,
        published: base.meta.published(),
        events,
        from,
    })
}
