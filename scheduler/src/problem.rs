//! A month to roster (排班问题): the site's shifts, staff and rules resolved against the calendar,
//! approved leave and the previous month's last days. It is plain data (serialisable), so a
//! roster file carries its own problem and can be validated on its own.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{month_dates, Calendar, DayKind};
use crate::demand::Demand;
use crate::error::ConfigError;
use crate::site::{Employee, Role, Rules, ShiftType, Site, Weights};

/// Kinds of approved absence (假别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveKind {
    /// 年休假
    Annual,
    /// 病假
    Sick,
    /// 事假
    Personal,
    /// 婚假
    Marriage,
    /// 丧假
    Bereavement,
    /// 产假 / 陪产假
    Maternity,
    /// 调休 / approved day off: honoured, but it does not lower the month's hours.
    DayOff,
    /// 不在职: not employed on these dates (joins later in the month or has left). A repair
    /// writes it for resignations and joiners; payroll pays only the employed days.
    Inactive,
}

impl LeaveKind {
    /// Whether a day of this leave lowers the person's minimum planned hours.
    pub fn credits_hours(self) -> bool {
        !matches!(self, LeaveKind::DayOff)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            LeaveKind::Annual => "年休假",
            LeaveKind::Sick => "病假",
            LeaveKind::Personal => "事假",
            LeaveKind::Marriage => "婚假",
            LeaveKind::Bereavement => "丧假",
            LeaveKind::Maternity => "产假",
            LeaveKind::DayOff => "调休",
            LeaveKind::Inactive => "不在职",
        }
    }
}

/// Approved leave from `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leave {
    /// Employee id.
    pub employee: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Kind of leave.
    pub kind: LeaveKind,
}

/// A shift worked in the days before the month (for rest and run-length rules).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorShift {
    /// Employee id.
    pub employee: String,
    /// Date (before the month).
    pub date: NaiveDate,
    /// Shift code.
    pub shift: String,
}

/// A date of the month with its calendar kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    /// The date.
    pub date: NaiveDate,
    /// Working day, rest day or statutory holiday.
    pub kind: DayKind,
}

/// Minimum head count for one date, shift and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// Date.
    pub date: NaiveDate,
    /// Shift code.
    pub shift: String,
    /// Role counted.
    pub role: Role,
    /// Minimum people.
    pub min: u32,
}

/// One month's rostering problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// `YYYY-MM`.
    pub month: String,
    /// Site name.
    pub site: String,
    /// Shift types.
    pub shifts: Vec<ShiftType>,
    /// Staff.
    pub employees: Vec<Employee>,
    /// Every date of the month with its kind.
    pub days: Vec<Day>,
    /// Standard minutes of the month (scheduled working days × 8 h).
    pub standard_minutes: u32,
    /// Minimum cover per date, shift and role (zero rows omitted).
    pub requirements: Vec<Requirement>,
    /// Hard limits.
    pub rules: Rules,
    /// Objective weights.
    pub weights: Weights,
    /// Approved leave touching the month.
    #[serde(default)]
    pub leave: Vec<Leave>,
    /// The previous month's last days.
    #[serde(default)]
    pub previous: Vec<PriorShift>,
    /// Interval cover for one role from a call forecast (replaces its per-shift minimums).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<Demand>,
}

impl Problem {
    /// Resolves a site for a month.
    pub fn new(
        site: &Site,
        calendar: &Calendar,
        year: i32,
        month: u32,
        leave: Vec<Leave>,
        previous: Vec<PriorShift>,
    ) -> Result<Problem, ConfigError> {
        site.check()?;
        if !calendar.covers_year(year) {
            return Err(ConfigError::UnknownCalendarYear(year));
        }
        let dates = month_dates(year, month)?;
        let days: Vec<Day> = dates
            .iter()
            .map(|d| Day {
                date: *d,
                kind: calendar.kind(*d),
            })
            .collect();
        let mut requirements: Vec<Requirement> = Vec::new();
        for day in &days {
            for s in &site.shifts {
                let mut per_role: Vec<(Role, u32)> = Vec::new();
                for c in site
                    .cover
                    .iter()
                    .filter(|c| c.shift == s.code && c.days.matches(day.kind))
                {
                    match per_role.iter_mut().find(|(r, _)| *r == c.role) {
                        Some((_, m)) => *m = (*m).max(c.min),
                        None => per_role.push((c.role.clone(), c.min)),
                    }
                }
                for (role, min) in per_role.into_iter().filter(|(_, m)| *m > 0) {
                    requirements.push(Requirement {
                        date: day.date,
                        shift: s.code.clone(),
                        role,
                        min,
                    });
                }
            }
        }
        let p = Problem {
            month: format!("{year:04}-{month:02}"),
            site: site.name.clone(),
            shifts: site.shifts.clone(),
            employees: site.employees.clone(),
            days,
            standard_minutes: calendar.standard_minutes(year, month)?,
            requirements,
            rules: site.rules.clone(),
            weights: site.weights.clone(),
            leave,
            previous,
            demand: None,
        };
        p.check_inputs()?;
        Ok(p)
    }

    /// Replaces the per-shift minimums of `demand.role` with interval cover. The role may then
    /// work the shifts that carried its minimums, plus the staggered starts when
    /// `staggered` is set. Needs outside the month are dropped; none inside is an error.
    pub fn attach_demand(
        &mut self,
        mut demand: Demand,
        staggered: bool,
    ) -> Result<(), ConfigError> {
        let first = self.first_date();
        let last = self.days[self.num_days() - 1].date;
        demand.needs.retain(|n| n.date >= first && n.date <= last);
        if demand.needs.is_empty() {
            return Err(ConfigError::Invalid(format!(
                "the need file has no interval in {}",
                self.month
            )));
        }
        let mut shifts: Vec<String> = self
            .shifts
            .iter()
            .filter(|s| {
                self.requirements
                    .iter()
                    .any(|r| r.role == demand.role && r.shift == s.code)
                    || (staggered && s.staggered)
            })
            .map(|s| s.code.clone())
            .collect();
        shifts.dedup();
        if shifts.is_empty() {
            return Err(ConfigError::Invalid(format!(
                "no shift carries role `{}`, so nobody could cover the need file",
                demand.role
            )));
        }
        demand.shifts = shifts;
        self.requirements.retain(|r| r.role != demand.role);
        self.demand = Some(demand);
        Ok(())
    }

    /// Checks leave and previous-month rows against the staff and shifts.
    pub fn check_inputs(&self) -> Result<(), ConfigError> {
        let ids: HashMap<&str, ()> = self.employees.iter().map(|e| (e.id.as_str(), ())).collect();
        for (i, l) in self.leave.iter().enumerate() {
            if !ids.contains_key(l.employee.as_str()) {
                return Err(ConfigError::Unknown {
                    kind: "employee",
                    name: l.employee.clone(),
                    context: format!(" in leave row {}", i + 1),
                });
            }
            if l.to < l.from {
                return Err(ConfigError::Invalid(format!(
                    "leave row {} ({}): ends {} before it starts {}",
                    i + 1,
                    l.employee,
                    l.to,
                    l.from
                )));
            }
        }
        let first = self.first_date();
        let horizon = Duration::days(self.rules.history_days as i64);
        for (i, p) in self.previous.iter().enumerate() {
            if !ids.contains_key(p.employee.as_str()) {
                return Err(ConfigError::Unknown {
                    kind: "employee",
                    name: p.employee.clone(),
                    context: format!(" in previous-month row {}", i + 1),
                });
            }
            if !self.shifts.iter().any(|s| s.code == p.shift) {
                return Err(ConfigError::Unknown {
                    kind: "shift",
                    name: p.shift.clone(),
                    context: format!(" in previous-month row {}", i + 1),
                });
            }
            if p.date >= first || p.date < first - horizon {
                return Err(ConfigError::Invalid(format!(
                    "previous-month row {} ({} {}): date must be within the {} days before {}",
                    i + 1,
                    p.employee,
                    p.date,
                    self.rules.history_days,
                    first
                )));
            }
        }
        Ok(())
    }

    /// First date of the month.
    pub fn first_date(&self) -> NaiveDate {
        self.days[0].date
    }

    /// Number of days.
    pub fn num_days(&self) -> usize {
        self.days.len()
    }

    /// Year and month numbers.
    pub fn year_month(&self) -> (i32, u32) {
        let d = self.first_date();
        (d.year(), d.month())
    }
}

/// Dense indexes over a [`Problem`], shared by the model builder, the validator and the
/// explanations so they agree on what each rule means.
#[derive(Debug, Clone)]
pub struct Index<'p> {
    /// The problem.
    pub p: &'p Problem,
    emp: HashMap<&'p str, usize>,
    shift: HashMap<&'p str, usize>,
    /// `req[d][s]` = (role, min) pairs.
    pub req: Vec<Vec<Vec<(Role, u32)>>>,
    /// `leave[e][d]`.
    pub leave: Vec<Vec<Option<LeaveKind>>>,
    /// `history[e][k]`: shift worked k+1 days before the month (k = 0 is the last day).
    pub history: Vec<Vec<Option<usize>>>,
    /// Shift start and end minutes relative to the shift's date.
    pub start: Vec<i64>,
    /// See `start`.
    pub end: Vec<i64>,
}

impl<'p> Index<'p> {
    /// Builds the indexes. The problem must have passed [`Problem::check_inputs`].
    pub fn new(p: &'p Problem) -> Index<'p> {
        let emp: HashMap<&str, usize> = p
            .employees
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), i))
            .collect();
        let shift: HashMap<&str, usize> = p
            .shifts
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.as_str(), i))
            .collect();
        let nd = p.num_days();
        let ns = p.shifts.len();
        let first = p.first_date();
        let mut req = vec![vec![Vec::new(); ns]; nd];
        for r in &p.requirements {
            let d = (r.date - first).num_days();
            if let (true, Some(&s)) = (d >= 0 && (d as usize) < nd, shift.get(r.shift.as_str())) {
                req[d as usize][s].push((r.role.clone(), r.min));
            }
        }
        let mut leave = vec![vec![None; nd]; p.employees.len()];
        for l in &p.leave {
            if let Some(&e) = emp.get(l.employee.as_str()) {
                for (d, day) in p.days.iter().enumerate() {
                    if day.date >= l.from && day.date <= l.to {
                        leave[e][d] = Some(l.kind);
                    }
                }
            }
        }
        let hd = p.rules.history_days as usize;
        let mut history = vec![vec![None; hd]; p.employees.len()];
        for ps in &p.previous {
            let k = (first - ps.date).num_days() - 1;
            if let (Some(&e), Some(&s)) =
                (emp.get(ps.employee.as_str()), shift.get(ps.shift.as_str()))
            {
                if k >= 0 && (k as usize) < hd {
                    history[e][k as usize] = Some(s);
                }
            }
        }
        let start = p.shifts.iter().map(|s| s.start_minute() as i64).collect();
        let end = p.shifts.iter().map(|s| s.end_minute() as i64).collect();
        Index {
            p,
            emp,
            shift,
            req,
            leave,
            history,
            start,
            end,
        }
    }

    /// Employee index by id.
    pub fn employee(&self, id: &str) -> Option<usize> {
        self.emp.get(id).copied()
    }

    /// Shift index by code.
    pub fn shift(&self, code: &str) -> Option<usize> {
        self.shift.get(code).copied()
    }

    /// Day index of a date within the month.
    pub fn day(&self, date: NaiveDate) -> Option<usize> {
        let d = (date - self.p.first_date()).num_days();
        (d >= 0 && (d as usize) < self.p.num_days()).then_some(d as usize)
    }

    /// Rest in minutes between shift `a` on day `da` and shift `b` on a later day `db`
    /// (day numbers may be negative for the previous month).
    pub fn rest_minutes(&self, da: i64, a: usize, db: i64, b: usize) -> i64 {
        (db - da) * 1440 + self.start[b] - self.end[a]
    }

    /// Whether shift `b` on day `da + gap` may follow shift `a` on day `da`: the clock-time
    /// rest and the explicit forbidden next-day successions.
    pub fn rest_ok(&self, a: usize, gap: i64, b: usize) -> bool {
        self.rest_minutes(0, a, gap, b) >= self.p.rules.min_rest_minutes as i64
            && !(gap == 1 && self.forbidden_succession(a, b))
    }

    /// Whether `b` the day after `a` is listed as forbidden.
    pub fn forbidden_succession(&self, a: usize, b: usize) -> bool {
        let (ca, cb) = (&self.p.shifts[a].code, &self.p.shifts[b].code);
        self.p
            .rules
            .forbidden_successions
            .iter()
            .any(|(x, y)| x == ca && y == cb)
    }

    /// The consecutive-working-days limit for `e`.
    pub fn max_consecutive_days(&self, e: usize) -> u32 {
        self.p.employees[e]
            .limits
            .max_consecutive_days
            .unwrap_or(self.p.rules.max_consecutive_days)
    }

    /// The largest day gap over which the rest rule can bind.
    pub fn max_rest_gap(&self) -> i64 {
        let max_end = self.end.iter().copied().max().unwrap_or(0);
        let min_start = self.start.iter().copied().min().unwrap_or(0);
        let need = max_end + self.p.rules.min_rest_minutes as i64 - min_start;
        (need + 1439) / 1440
    }

    /// Whether employee `e` may be given shift `s` in `role` on day `d`, ignoring the
    /// sequence rules: holds the role, the shift is allowed, the day is allowed, not on leave.
    pub fn can_work(&self, e: usize, d: usize, s: usize) -> bool {
        let emp = &self.p.employees[e];
        if self.leave[e][d].is_some() {
            return false;
        }
        if emp.working_days_only && self.p.days[d].kind != DayKind::Working {
            return false;
        }
        let code = &self.p.shifts[s].code;
        if !emp.shifts.is_empty() && !emp.shifts.iter().any(|c| c == code) {
            return false;
        }
        emp.limits.max_shifts.get(code) != Some(&0)
    }

    /// The roles in which `e` can count on shift `s`: roles held that some date of the month
    /// needs on that shift.
    pub fn roles_on_shift(&self, e: usize, s: usize) -> Vec<Role> {
        let emp = &self.p.employees[e];
        let code = &self.p.shifts[s].code;
        emp.roles
            .iter()
            .filter(|r| {
                self.req
                    .iter()
                    .any(|day| day[s].iter().any(|(rr, _)| rr == *r))
                    || self
                        .p
                        .demand
                        .as_ref()
                        .is_some_and(|dm| dm.role == **r && dm.shifts.contains(code))
            })
            .cloned()
            .collect()
    }

    /// Minimum cover for (day, shift, role), 0 if none.
    pub fn requirement(&self, d: usize, s: usize, role: &str) -> u32 {
        self.req[d][s]
            .iter()
            .find(|(r, _)| r == role)
            .map(|(_, m)| *m)
            .unwrap_or(0)
    }

    /// Leave days in the month that lower the minimum hours (days not employed excluded:
    /// they shorten the month instead, see [`Index::employed_standard_minutes`]).
    pub fn credited_leave_days(&self, e: usize) -> u32 {
        self.leave[e]
            .iter()
            .filter(|l| matches!(l, Some(k) if k.credits_hours() && *k != LeaveKind::Inactive))
            .count() as u32
    }

    /// The month's standard minutes for the part of it `e` is employed: standard minutes ×
    /// working days employed ÷ working days (floored to the minute), the same proration
    /// payroll applies to a joiner or leaver.
    pub fn employed_standard_minutes(&self, e: usize) -> u32 {
        let working: Vec<usize> = (0..self.p.num_days())
            .filter(|&d| self.p.days[d].kind == DayKind::Working)
            .collect();
        let employed = working
            .iter()
            .filter(|&&d| self.leave[e][d] != Some(LeaveKind::Inactive))
            .count();
        if employed == working.len() {
            return self.p.standard_minutes;
        }
        (self.p.standard_minutes as u64 * employed as u64 / working.len().max(1) as u64) as u32
    }

    /// Minimum planned minutes for `e` (0 for the reserve).
    pub fn min_minutes(&self, e: usize) -> u32 {
        if self.p.employees[e].reserve {
            return 0;
        }
        if let Some(m) = self.p.employees[e].limits.min_minutes {
            return m;
        }
        let r = &self.p.rules;
        let credit = self.credited_leave_days(e) * r.leave_day_minutes + r.under_standard_minutes;
        self.employed_standard_minutes(e).saturating_sub(credit)
    }

    /// Maximum planned minutes for `e`: the standard for the employed part of the month plus
    /// the overtime cap.
    pub fn max_minutes(&self, e: usize) -> u32 {
        self.p.employees[e]
            .limits
            .max_minutes
            .unwrap_or(self.employed_standard_minutes(e) + self.p.rules.overtime_cap_minutes)
    }

    /// Shift indexes that need a standby.
    pub fn standby_shifts(&self) -> Vec<usize> {
        self.p
            .rules
            .standby_shifts
            .iter()
            .filter_map(|c| self.shift(c))
            .collect()
    }

    /// Whether `e` may stand by at all (holds the standby role).
    pub fn standby_qualified(&self, e: usize) -> bool {
        self.p.employees[e].has_role(&self.p.rules.standby_role)
    }

    /// Worked shift of `e` on day `d` counted from the month start; negative days read the
    /// previous month's tail, days past the end are `None`.
    pub fn history_shift(&self, e: usize, d: i64) -> Option<usize> {
        if d < 0 {
            let k = (-d - 1) as usize;
            self.history[e].get(k).copied().flatten()
        } else {
            None
        }
    }

    /// A grid of worked shifts per employee over the history days and the month:
    /// `grid[e][history_days + d]` for day `d` of the month, the history already filled in.
    pub fn worked_grid(&self) -> Vec<Vec<Option<usize>>> {
        let hd = self.p.rules.history_days as usize;
        (0..self.p.employees.len())
            .map(|e| {
                let mut row = vec![None; hd + self.p.num_days()];
                for k in 0..hd {
                    row[hd - 1 - k] = self.history_shift(e, -1 - k as i64);
                }
                row
            })
            .collect()
    }

    /// Number of consecutive worked days ending on the previous month's last day.
    pub fn history_run(&self, e: usize) -> u32 {
        self.history[e].iter().take_while(|s| s.is_some()).count() as u32
    }

    /// Number of consecutive shifts of code `s` ending on the previous month's last day.
    pub fn history_run_of(&self, e: usize, s: usize) -> u32 {
        self.history[e]
            .iter()
            .take_while(|x| **x == Some(s))
            .count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// March 2026: 22 working days, standard 176 h = 10,560 min. A030 leaves after 03-20
    /// (not employed 03-21..31: 7 working days, 03-23..27 and 03-30..31), so 15 working days
    /// employed: 10,560 × 15 ÷ 22 = 7,200 min (120 h). The demo's tolerance is 8 h below and
    /// 36 h above: 6,720..9,360 min. A012 on annual leave 03-02..03-03 keeps the full month
    /// less 2 × 8 h: 10,560 − 960 − 480 = 9,120 min.
    #[test]
    fn days_not_employed_prorate_the_hours_range() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let leave = vec![
            Leave {
                employee: "A030".into(),
                from: d("2026-03-21"),
                to: d("2026-03-31"),
                kind: LeaveKind::Inactive,
            },
            Leave {
                employee: "A012".into(),
                from: d("2026-03-02"),
                to: d("2026-03-03"),
                kind: LeaveKind::Annual,
            },
        ];
        let p = crate::testing::demo(3, leave);
        let ix = Index::new(&p);
        let a030 = ix.employee("A030").unwrap();
        assert_eq!(p.standard_minutes, 10_560);
        assert_eq!(ix.employed_standard_minutes(a030), 7_200);
        assert_eq!(ix.min_minutes(a030), 6_720);
        assert_eq!(ix.max_minutes(a030), 7_200 + 2_160);
        let a012 = ix.employee("A012").unwrap();
        assert_eq!(ix.min_minutes(a012), 9_120);
    }
}
