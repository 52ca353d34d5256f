//! Requests after publishing (请假 / 换班申请) and "who can take this shift?" (顶班候选).
//!
//! A request is checked against the published roster with the independent validator before
//! anyone decides: the roster as it would be is validated and the violations it would add are
//! listed by rule. A swap that adds any violation is rejected with the rules named; leave is a
//! right more than a wish, so its check lists what it leaves uncovered (cover, standby, hours)
//! for the manager, who approves or rejects with a reason, and approved leave becomes an
//! absence event for [`crate::repair`] and a leave row of the next month's problem.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::fairness::{comparison_groups, summarize};
use crate::problem::{Index, Leave, LeaveKind};
use crate::repair::{Duty, Event};
use crate::roster::{Assignment, Roster, RosterFile, StandbyDuty};
use crate::site::Role;
use crate::validate::{validate, Violation};

/// What is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "snake_case", deny_unknown_fields)]
pub enum RequestKind {
    /// Leave from `from` to `to` inclusive.
    Leave {
        /// Employee id.
        employee: String,
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
        /// Kind of leave.
        kind: LeaveKind,
    },
    /// Two people exchange their duties (shift, standby or day off) on each of `dates`.
    Swap {
        /// One person.
        first: String,
        /// The other.
        second: String,
        /// Dates exchanged.
        dates: Vec<NaiveDate>,
    },
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for a decision.
    Pending,
    /// Approved.
    Approved,
    /// Rejected (see the reason).
    Rejected,
}

/// A recorded request and its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Number within the book.
    pub id: u32,
    /// What is asked.
    #[serde(flatten)]
    pub kind: RequestKind,
    /// Who asked (or entered it).
    pub requested_by: String,
    /// Free text from the requester.
    #[serde(default)]
    pub note: String,
    /// Status.
    pub status: Status,
    /// Who decided.
    #[serde(default)]
    pub decided_by: Option<String>,
    /// Why (always given for a rejection).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The requests of a site, in the order received.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RequestBook {
    /// Requests.
    pub requests: Vec<Request>,
}

/// What a request would do to the published roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Violations the request adds (not present in the published roster).
    pub new_violations: Vec<Violation>,
    /// Whether the request must be rejected: a swap that adds any violation.
    pub blocking: bool,
    /// The roster as it would be once approved (leave in its problem, duties removed).
    pub roster: RosterFile,
}

impl Assessment {
    /// The rules the request would break, each once, in order.
    pub fn rules(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self
            .new_violations
            .iter()
            .map(|v| v.rule.as_str())
            .collect();
        set.into_iter().map(str::to_string).collect()
    }
}

/// Why a decision cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// No request with this id.
    #[error("no request #{0}")]
    Unknown(u32),
    /// Already approved or rejected.
    #[error("request #{id} is already {status:?}")]
    Decided {
        /// Request id.
        id: u32,
        /// Its status.
        status: Status,
    },
    /// A rejection needs a reason.
    #[error("a rejection needs a reason")]
    NoReason,
}

impl RequestBook {
    /// Records a new pending request and returns its id.
    pub fn add(&mut self, kind: RequestKind, requested_by: &str, note: &str) -> u32 {
        let id = self.requests.iter().map(|r| r.id).max().unwrap_or(0) + 1;
        self.requests.push(Request {
            id,
            kind,
            requested_by: requested_by.to_string(),
            note: note.to_string(),
            status: Status::Pending,
            decided_by: None,
            reason: None,
        });
        id
    }

    /// The request with this id.
    pub fn get(&self, id: u32) -> Result<&Request, RequestError> {
        self.requests
            .iter()
            .find(|r| r.id == id)
            .ok_or(RequestError::Unknown(id))
    }

    fn pending_mut(&mut self, id: u32) -> Result<&mut Request, RequestError> {
        let r = self
            .requests
            .iter_mut()
            .find(|r| r.id == id)
            .ok_or(RequestError::Unknown(id))?;
        if r.status != Status::Pending {
            return Err(RequestError::Decided {
                id,
                status: r.status,
            });
        }
        Ok(r)
    }

    /// Decides a request after its assessment: approved unless the assessment blocks it, in
    /// which case it is rejected with the broken rules as the reason. Returns the new status.
    pub fn approve(
        &mut self,
        id: u32,
        by: &str,
        assessment: &Assessment,
        note: Option<&str>,
    ) -> Result<Status, RequestError> {
        let r = self.pending_mut(id)?;
        r.decided_by = Some(by.to_string());
        if assessment.blocking {
            r.status = Status::Rejected;
            let first: Vec<String> = assessment
                .new_violations
                .iter()
                .take(3)
                .map(|v| v.to_string())
                .collect();
            r.reason = Some(format!(
                "breaks {}: {}",
                assessment.rules().join(", "),
                first.join("; ")
            ));
        } else {
            r.status = Status::Approved;
            r.reason = note.map(str::to_string);
        }
        Ok(r.status)
    }

    /// Rejects a request with a reason.
    pub fn reject(&mut self, id: u32, by: &str, reason: &str) -> Result<(), RequestError> {
        if reason.trim().is_empty() {
            return Err(RequestError::NoReason);
        }
        let r = self.pending_mut(id)?;
        r.status = Status::Rejected;
        r.decided_by = Some(by.to_string());
        r.reason = Some(reason.trim().to_string());
        Ok(())
    }

    /// Approved leave, as leave rows for the next solve.
    pub fn approved_leave(&self) -> Vec<Leave> {
        self.requests
            .iter()
            .filter(|r| r.status == Status::Approved)
            .filter_map(|r| match &r.kind {
                RequestKind::Leave {
                    employee,
                    from,
                    to,
                    kind,
                } => Some(Leave {
                    employee: employee.clone(),
                    from: *from,
                    to: *to,
                    kind: *kind,
                }),
                RequestKind::Swap { .. } => None,
            })
            .collect()
    }

    /// Approved leave touching `from..=to` (a roster's month) that the roster's problem does
    /// not hold yet, as absence events for a repair, clipped to start no earlier than `from`.
    pub fn absence_events(&self, doc: &RosterFile, from: NaiveDate) -> Vec<Event> {
        let last = doc.problem.days[doc.problem.num_days() - 1].date;
        self.approved_leave()
            .into_iter()
            .filter(|l| l.to >= from && l.from <= last)
            .filter(|l| !doc.problem.leave.contains(l))
            .map(|l| Event::Absence {
                employee: l.employee,
                from: l.from.max(from),
                to: l.to.min(last),
                kind: l.kind,
            })
            .collect()
    }
}

/// Checks a request against a published roster: builds the roster as it would be and lists
/// the violations it adds.
pub fn assess(doc: &RosterFile, kind: &RequestKind) -> Result<Assessment, ConfigError> {
    let before = validate(&doc.problem, &doc.roster);
    let mut after = doc.clone();
    let ix = Index::new(&doc.problem);
    let known = |id: &str| {
        ix.employee(id).ok_or_else(|| ConfigError::Unknown {
            kind: "employee",
            name: id.to_string(),
            context: " in the request".into(),
        })
    };
    let blocking = match kind {
        RequestKind::Leave {
            employee,
            from,
            to,
            kind,
        } => {
            known(employee)?;
            if to < from {
                return Err(ConfigError::Invalid(format!(
                    "leave of {employee}: ends {to} before it starts {from}"
                )));
            }
            let leave = Leave {
                employee: employee.clone(),
                from: *from,
                to: *to,
                kind: *kind,
            };
            after.problem.leave.push(leave);
            let inside = |d: &NaiveDate| d >= from && d <= to;
            after
                .roster
                .assignments
                .retain(|a| !(a.employee == *employee && inside(&a.date)));
            after
                .roster
                .standby
                .retain(|s| !(s.employee == *employee && inside(&s.date)));
            false
        }
        RequestKind::Swap {
            first,
            second,
            dates,
        } => {
            let (a, b) = (known(first)?, known(second)?);
            if a == b {
                return Err(ConfigError::Invalid(format!(
                    "a swap needs two people; {first} was given twice"
                )));
            }
            if dates.is_empty() {
                return Err(ConfigError::Invalid(
                    "a swap needs at least one date".into(),
                ));
            }
            for date in dates {
                if ix.day(*date).is_none() {
                    return Err(ConfigError::Invalid(format!(
                        "swap date {date} is not in the roster's month {}",
                        doc.problem.month
                    )));
                }
                let da = take_duty(&mut after.roster, first, *date);
                let db = take_duty(&mut after.roster, second, *date);
                put_duty(&ix, &mut after.roster, b, *date, da);
                put_duty(&ix, &mut after.roster, a, *date, db);
            }
            after.roster.assignments.sort();
            after.roster.standby.sort();
            true
        }
    };
    after.roster.shortfalls =
        crate::explain::shortfalls(&Index::new(&after.problem), &after.roster);
    let new_violations: Vec<Violation> = validate(&after.problem, &after.roster)
        .into_iter()
        .filter(|v| !before.contains(v))
        .collect();
    Ok(Assessment {
        blocking: blocking && !new_violations.is_empty(),
        new_violations,
        roster: after,
    })
}

/// Removes and returns what `who` does on `date` (with the role counted, for shifts).
fn take_duty(r: &mut Roster, who: &str, date: NaiveDate) -> (Duty, Option<Role>) {
    if let Some(k) = r
        .assignments
        .iter()
        .position(|a| a.employee == who && a.date == date)
    {
        let a = r.assignments.remove(k);
        return (Duty::Shift(a.shift), Some(a.role));
    }
    if let Some(k) = r
        .standby
        .iter()
        .position(|s| s.employee == who && s.date == date)
    {
        let s = r.standby.remove(k);
        return (Duty::Standby(s.shift), None);
    }
    (Duty::Off, None)
}

/// Gives `e` the duty on `date`, counted in the same role if held, else the first role of
/// theirs that the shift needs (the validator names it if there is none).
fn put_duty(ix: &Index<'_>, r: &mut Roster, e: usize, date: NaiveDate, duty: (Duty, Option<Role>)) {
    let emp = &ix.p.employees[e];
    match duty {
        (Duty::Off, _) => {}
        (Duty::Standby(shift), _) => r.standby.push(StandbyDuty {
            employee: emp.id.clone(),
            date,
            shift,
        }),
        (Duty::Shift(shift), role) => {
            let role = match role {
                Some(role) if emp.has_role(&role) => role,
                other => ix
                    .shift(&shift)
                    .and_then(|s| ix.roles_on_shift(e, s).into_iter().next())
                    .or(other)
                    .unwrap_or_else(|| emp.roles[0].clone()),
            };
            r.assignments.push(Assignment {
                employee: emp.id.clone(),
                date,
                shift,
                role,
            });
        }
    }
}

/// One person considered for an open shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Whether giving them the shift breaks no rule of theirs.
    pub possible: bool,
    /// Cost of using them (lower is better; only meaningful when possible).
    pub cost: f64,
    /// Why they can or cannot, in words: the broken rules, or what using them costs.
    pub reasons: Vec<String>,
}

/// Ranks everyone holding `role` for one more person on `shift` on `date`: possible
/// candidates first, cheapest first. A candidate is possible when the roster with them added
/// (taken off their standby duty that date, if any) adds no violation of a rule about them;
/// the cost counts what using them spends:
/// - 0 for a person on standby that date (that is what standby is for), 10 for the reserve,
///   30 for anyone else on a day off;
/// - +40 when calling them in leaves their standby duty uncovered;
/// - +1 per hour above the month's standard hours after the shift;
/// - for a night or statutory-holiday shift, +5 per such shift they have above their group's
///   average;
/// - +5 when the rest before or after the shift is under 16 h.
pub fn candidates(
    doc: &RosterFile,
    date: NaiveDate,
    shift: &str,
    role: &str,
) -> Result<Vec<Candidate>, ConfigError> {
    let p = &doc.problem;
    let ix = Index::new(p);
    let s = ix.shift(shift).ok_or_else(|| ConfigError::Unknown {
        kind: "shift",
        name: shift.to_string(),
        context: " for the open shift".into(),
    })?;
    let d = ix.day(date).ok_or_else(|| {
        ConfigError::Invalid(format!("{date} is not in the roster's month {}", p.month))
    })?;
    let before = validate(p, &doc.roster);
    let summary = summarize(p, &doc.roster);
    let groups = comparison_groups(&ix);
    let night = p.rules.night_shifts.iter().any(|c| c == shift);
    let holiday = p.days[d].kind == crate::calendar::DayKind::Statutory;
    let mut out = Vec::new();
    for (e, emp) in p.employees.iter().enumerate() {
        if !emp.has_role(role) {
            continue;
        }
        let mut c = Candidate {
            employee: emp.id.clone(),
            name: emp.name.clone(),
            possible: false,
            cost: 0.0,
            reasons: Vec::new(),
        };
        if let Some(a) = doc
            .roster
            .assignments
            .iter()
            .find(|a| a.employee == emp.id && a.date == date)
        {
            c.reasons.push(if a.shift == shift {
                format!("already on {shift} that day")
            } else {
                format!("already works {} that day", a.shift)
            });
            out.push(c);
            continue;
        }
        let mut trial = doc.roster.clone();
        let standby = take_duty(&mut trial, &emp.id, date).0;
        trial.assignments.push(Assignment {
            employee: emp.id.clone(),
            date,
            shift: shift.to_string(),
            role: role.to_string(),
        });
        let added: Vec<Violation> = validate(p, &trial)
            .into_iter()
            .filter(|v| !before.contains(v))
            .collect();
        let (theirs, others): (Vec<Violation>, Vec<Violation>) = added
            .into_iter()
            .partition(|v| v.employee.as_deref() == Some(emp.id.as_str()));
        if !theirs.is_empty() {
            c.reasons = theirs.iter().map(|v| v.to_string()).collect();
            out.push(c);
            continue;
        }
        c.possible = true;
        match &standby {
            Duty::Standby(sb) => c.reasons.push(format!("on standby for {sb} that day")),
            _ if emp.reserve => {
                c.cost += 10.0;
                c.reasons.push("reserve".into());
            }
            _ => {
                c.cost += 30.0;
                c.reasons.push("day off".into());
            }
        }
        if others.iter().any(|v| v.rule.starts_with("standby")) {
            c.cost += 40.0;
            c.reasons
                .push("calling them in leaves their standby duty uncovered".into());
        }
        let ps = &summary.people[e];
        let minutes = ps.minutes + p.shifts[s].paid_minutes;
        if minutes > p.standard_minutes {
            let over = (minutes - p.standard_minutes) as f64 / 60.0;
            c.cost += over;
            c.reasons.push(format!(
                "{over:.0} h above the standard hours after this shift"
            ));
        }
        let group = groups.iter().find(|(_, m)| m.contains(&e)).map(|(_, m)| m);
        let above_mean = |f: fn(&crate::fairness::PersonStats) -> u32| {
            let members = group.map(|m| m.as_slice()).unwrap_or(&[]);
            let mean = members
                .iter()
                .map(|&k| f(&summary.people[k]) as f64)
                .sum::<f64>()
                / members.len().max(1) as f64;
            (f(ps) as f64 - mean).max(0.0)
        };
        if night {
            let x = above_mean(|q| q.nights);
            c.cost += 5.0 * x;
            c.reasons.push(format!(
                "{} nights so far ({x:.1} above the group mean)",
                ps.nights
            ));
        }
        if holiday {
            let x = above_mean(|q| q.holiday_shifts);
            c.cost += 5.0 * x;
            c.reasons.push(format!(
                "{} holiday shifts so far ({x:.1} above the group mean)",
                ps.holiday_shifts
            ));
        }
        if let Some(rest) = tightest_rest(&ix, &trial, e, d, s) {
            if rest < 16 * 60 {
                c.cost += 5.0;
                c.reasons
                    .push(format!("{} h rest next to this shift", rest / 60));
            }
        }
        out.push(c);
    }
    out.sort_by(|a, b| {
        b.possible
            .cmp(&a.possible)
            .then(a.cost.total_cmp(&b.cost))
            .then(a.employee.cmp(&b.employee))
    });
    Ok(out)
}

/// The shortest rest in minutes between shift `s` on day `d` and `e`'s neighbouring shifts
/// (the day before and after, including the previous month).
fn tightest_rest(ix: &Index<'_>, r: &Roster, e: usize, d: usize, s: usize) -> Option<i64> {
    let id = &ix.p.employees[e].id;
    let shift_on = |k: i64| -> Option<usize> {
        if k < 0 {
            return ix.history_shift(e, k);
        }
        let date = ix.p.days.get(k as usize)?.date;
        r.assignments
            .iter()
            .find(|a| a.employee == *id && a.date == date)
            .and_then(|a| ix.shift(&a.shift))
    };
    let d = d as i64;
    let before = shift_on(d - 1).map(|a| ix.rest_minutes(d - 1, a, d, s));
    let after = shift_on(d + 1).map(|b| ix.rest_minutes(d, s, d + 1, b));
    before.into_iter().chain(after).min()
}
