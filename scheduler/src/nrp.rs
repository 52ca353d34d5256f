//! The Curtois-Qu employee shift scheduling benchmark (schedulingbenchmarks.org, "Nurse
//! Rostering Instances 1-24"): a reader for the text format, the mapping into this crate's
//! general [`Problem`] (so the benchmark measures the same model the hotline uses), and an
//! independent scorer that lists every hard violation and computes the three-term objective.
//! Format and objective: `shared/bench-data/curtois/format.md`.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use thiserror::Error;

use crate::calendar::{is_weekend, DayKind};
use crate::problem::{Day, Leave, LeaveKind, Problem, Requirement};
use crate::site::{Employee, Limits, Preference, Rules, ShiftType, Weights};

/// A malformed instance file, located.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("line {line} ({section}): {message}")]
#[non_exhaustive]
pub struct NrpError {
    /// 1-based line number.
    pub line: usize,
    /// Section name, e.g. `SECTION_STAFF`.
    pub section: String,
    /// What was expected and what was found.
    pub message: String,
}

/// A shift type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NrpShift {
    /// Shift id.
    pub id: String,
    /// Length in minutes.
    pub minutes: u32,
    /// Shifts that may not be worked the day after this one.
    pub forbid_next: Vec<String>,
}

/// An employee and their hard limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NrpStaff {
    /// Employee id.
    pub id: String,
    /// Maximum shifts per type (0 = cannot work it).
    pub max_shifts: BTreeMap<String, u32>,
    /// Maximum total minutes.
    pub max_total: u32,
    /// Minimum total minutes.
    pub min_total: u32,
    /// Maximum consecutive working days.
    pub max_consecutive: u32,
    /// Minimum consecutive working days (border runs exempt).
    pub min_consecutive: u32,
    /// Minimum consecutive days off (border runs exempt).
    pub min_days_off: u32,
    /// Maximum weekends worked.
    pub max_weekends: u32,
}

/// A shift on/off request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NrpRequest {
    /// Employee id.
    pub employee: String,
    /// Day index.
    pub day: usize,
    /// Shift id.
    pub shift: String,
    /// Penalty when not honoured.
    pub weight: u32,
}

/// A cover row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NrpCover {
    /// Day index.
    pub day: usize,
    /// Shift id.
    pub shift: String,
    /// Preferred number of people.
    pub requirement: u32,
    /// Weight per person under.
    pub under: u32,
    /// Weight per person over.
    pub over: u32,
}

/// A parsed instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Days in the horizon (day 0 is a Monday).
    pub horizon: usize,
    /// Shift types.
    pub shifts: Vec<NrpShift>,
    /// Staff.
    pub staff: Vec<NrpStaff>,
    /// Fixed days off per employee.
    pub days_off: BTreeMap<String, Vec<usize>>,
    /// Shift-on requests.
    pub on_requests: Vec<NrpRequest>,
    /// Shift-off requests.
    pub off_requests: Vec<NrpRequest>,
    /// Cover rows.
    pub cover: Vec<NrpCover>,
}

const SECTIONS: [&str; 7] = [
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
];

/// Reads an instance from its text.
///
/// Accepts everything the format allows and the files in the wild carry: comment lines
/// (`#` first, after any indentation) and blank lines anywhere, also between the rows of a
/// section; CRLF line ends and a byte-order mark; whitespace around fields and at line ends;
/// trailing separators (`A,0,` or `0,D,5,100,1,`); signed whole numbers whose value is allowed
/// (`+3`, and `-0`, which is 0). Anything else is an [`NrpError`] naming the line, the section
/// and the field.
pub fn parse(text: &str) -> Result<Instance, NrpError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut section = String::from("(before any section)");
    let mut rows: BTreeMap<&str, Vec<(usize, Vec<&str>)>> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut fields: Vec<&str> = line.split(',').map(str::trim).collect();
        // Trailing separators add empty fields; no field of the format is last and empty
        // (a shift's empty forbidden list is optional: `E,480` reads as `E,480,`).
        while fields.len() > 1 && fields.last() == Some(&"") {
            fields.pop();
        }
        if let Some(s) = SECTIONS
            .iter()
            .find(|s| fields.len() == 1 && **s == fields[0])
        {
            section = s.to_string();
            rows.entry(s).or_default();
            continue;
        }
        let key = SECTIONS
            .iter()
            .find(|s| **s == section)
            .copied()
            .ok_or_else(|| NrpError {
                line: i + 1,
                section: section.clone(),
                message: format!("data before the first section header: `{line}`"),
            })?;
        rows.entry(key).or_default().push((i + 1, fields));
    }
    let err = |line: usize, section: &str, message: String| NrpError {
        line,
        section: section.into(),
        message,
    };
    let num = |line: usize, section: &str, field: &str, v: &str| -> Result<u32, NrpError> {
        whole(v).ok_or_else(|| {
            err(
                line,
                section,
                format!("{field}: expected a whole number, found `{v}`"),
            )
        })
    };
    for s in [
        "SECTION_HORIZON",
        "SECTION_SHIFTS",
        "SECTION_STAFF",
        "SECTION_COVER",
    ] {
        if !rows.contains_key(s) {
            return Err(err(text.lines().count(), s, "section missing".into()));
        }
    }
    let h = &rows["SECTION_HORIZON"];
    let (hl, hv) = h
        .first()
        .ok_or_else(|| err(0, "SECTION_HORIZON", "no horizon line".into()))?;
    let horizon = num(*hl, "SECTION_HORIZON", "horizon", hv[0])? as usize;
    if horizon == 0 || horizon % 7 != 0 {
        return Err(err(
            *hl,
            "SECTION_HORIZON",
            format!("horizon {horizon} is not a positive whole number of weeks"),
        ));
    }

    let mut shifts = Vec::new();
    for (l, f) in &rows["SECTION_SHIFTS"] {
        if f.len() < 2 {
            return Err(err(
                *l,
                "SECTION_SHIFTS",
                format!(
                    "expected `ShiftID,Length,Forbidden`, found {} field(s)",
                    f.len()
                ),
            ));
        }
        let minutes = num(*l, "SECTION_SHIFTS", "length in minutes", f[1])?;
        if minutes == 0 || minutes > 1440 {
            return Err(err(
                *l,
                "SECTION_SHIFTS",
                format!("length {minutes} is not 1..1440 minutes"),
            ));
        }
        let forbid_next = f.get(2).map_or(Vec::new(), |x| {
            x.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        });
        shifts.push(NrpShift {
            id: f[0].to_string(),
            minutes,
            forbid_next,
        });
    }
    let shift_ids: Vec<&str> = shifts.iter().map(|s| s.id.as_str()).collect();
    for (s, (l, _)) in shifts.iter().zip(&rows["SECTION_SHIFTS"]) {
        for t in &s.forbid_next {
            if !shift_ids.contains(&t.as_str()) {
                return Err(err(
                    *l,
                    "SECTION_SHIFTS",
                    format!("unknown shift `{t}` in the forbidden list of {}", s.id),
                ));
            }
        }
    }
    let known_shift = |l: usize, sec: &str, id: &str| -> Result<(), NrpError> {
        if shift_ids.contains(&id) {
            Ok(())
        } else {
            Err(err(l, sec, format!("unknown shift `{id}`")))
        }
    };

    let mut staff = Vec::new();
    for (l, f) in &rows["SECTION_STAFF"] {
        let sec = "SECTION_STAFF";
        if f.len() != 8 {
            return Err(err(*l, sec, format!("expected 8 fields (ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends), found {}", f.len())));
        }
        let mut max_shifts = BTreeMap::new();
        for pair in f[1].split('|').map(str::trim).filter(|x| !x.is_empty()) {
            let (id, m) = pair
                .split_once('=')
                .map(|(a, b)| (a.trim(), b.trim()))
                .ok_or_else(|| {
                    err(
                        *l,
                        sec,
                        format!("MaxShifts: expected `Shift=max`, found `{pair}`"),
                    )
                })?;
            known_shift(*l, sec, id)?;
            max_shifts.insert(id.to_string(), num(*l, sec, "MaxShifts", m)?);
        }
        for id in &shift_ids {
            max_shifts.entry(id.to_string()).or_insert(0);
        }
        staff.push(NrpStaff {
            id: f[0].to_string(),
            max_shifts,
            max_total: num(*l, sec, "MaxTotalMinutes", f[2])?,
            min_total: num(*l, sec, "MinTotalMinutes", f[3])?,
            max_consecutive: num(*l, sec, "MaxConsecutiveShifts", f[4])?,
            min_consecutive: num(*l, sec, "MinConsecutiveShifts", f[5])?,
            min_days_off: num(*l, sec, "MinConsecutiveDaysOff", f[6])?,
            max_weekends: num(*l, sec, "MaxWeekends", f[7])?,
        });
    }
    let staff_ids: Vec<&str> = staff.iter().map(|s| s.id.as_str()).collect();
    let known_staff = |l: usize, sec: &str, id: &str| -> Result<(), NrpError> {
        if staff_ids.contains(&id) {
            Ok(())
        } else {
            Err(err(l, sec, format!("unknown employee `{id}`")))
        }
    };
    let day = |l: usize, sec: &str, v: &str| -> Result<usize, NrpError> {
        let d = num(l, sec, "day", v)? as usize;
        if d >= horizon {
            return Err(err(
                l,
                sec,
                format!("day {d} is outside the horizon 0..{}", horizon - 1),
            ));
        }
        Ok(d)
    };

    let mut days_off: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (l, f) in rows.get("SECTION_DAYS_OFF").into_iter().flatten() {
        let sec = "SECTION_DAYS_OFF";
        known_staff(*l, sec, f[0])?;
        for v in &f[1..] {
            days_off
                .entry(f[0].to_string())
                .or_default()
                .push(day(*l, sec, v)?);
        }
    }
    let requests = |sec: &str| -> Result<Vec<NrpRequest>, NrpError> {
        let mut out = Vec::new();
        for (l, f) in rows.get(sec).into_iter().flatten() {
            if f.len() != 4 {
                return Err(err(
                    *l,
                    sec,
                    format!(
                        "expected `EmployeeID,Day,ShiftID,Weight`, found {} field(s)",
                        f.len()
                    ),
                ));
            }
            known_staff(*l, sec, f[0])?;
            known_shift(*l, sec, f[2])?;
            out.push(NrpRequest {
                employee: f[0].to_string(),
                day: day(*l, sec, f[1])?,
                shift: f[2].to_string(),
                weight: num(*l, sec, "weight", f[3])?,
            });
        }
        Ok(out)
    };
    let on_requests = requests("SECTION_SHIFT_ON_REQUESTS")?;
    let off_requests = requests("SECTION_SHIFT_OFF_REQUESTS")?;
    let mut cover = Vec::new();
    for (l, f) in &rows["SECTION_COVER"] {
        let sec = "SECTION_COVER";
        if f.len() != 5 {
            return Err(err(
                *l,
                sec,
                format!(
                    "expected `Day,ShiftID,Requirement,WeightUnder,WeightOver`, found {} field(s)",
                    f.len()
                ),
            ));
        }
        known_shift(*l, sec, f[1])?;
        cover.push(NrpCover {
            day: day(*l, sec, f[0])?,
            shift: f[1].to_string(),
            requirement: num(*l, sec, "requirement", f[2])?,
            under: num(*l, sec, "weight for under", f[3])?,
            over: num(*l, sec, "weight for over", f[4])?,
        });
    }
    Ok(Instance {
        horizon,
        shifts,
        staff,
        days_off,
        on_requests,
        off_requests,
        cover,
    })
}

/// A whole number of the format: digits with an optional sign, whose value is at least 0
/// (`7`, `+7`, `-0` and `+0`; not `-1`, `1.0`, `1e3` or an empty field).
fn whole(v: &str) -> Option<u32> {
    let (negative, digits) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    (!negative || n == 0).then_some(n)
}

/// Day 0 of every instance is a Monday; dates are anchored on 2024-01-01 (a Monday).
pub fn day_zero() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date")
}

/// The role every benchmark employee holds.
pub const ROLE: &str = "staff";

impl Instance {
    /// The instance in the benchmark's text format, laid out as the files are (a comment
    /// naming each section's columns, a blank line after each section); [`parse`] reads it
    /// back to the same instance.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::from("# This is a comment. Comments start with #\nSECTION_HORIZON\n# All instances start on a Monday\n# The horizon length in days:\n");
        let _ = writeln!(out, "{}\n", self.horizon);
        out.push_str("SECTION_SHIFTS\n# ShiftID, Length in mins, Shifts which cannot follow this shift | separated\n");
        for s in &self.shifts {
            let _ = writeln!(out, "{},{},{}", s.id, s.minutes, s.forbid_next.join("|"));
        }
        out.push_str("\nSECTION_STAFF\n# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends\n");
        for st in &self.staff {
            let max: Vec<String> = self
                .shifts
                .iter()
                .map(|s| {
                    format!(
                        "{}={}",
                        s.id,
                        st.max_shifts.get(&s.id).copied().unwrap_or(0)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                st.id,
                max.join("|"),
                st.max_total,
                st.min_total,
                st.max_consecutive,
                st.min_consecutive,
                st.min_days_off,
                st.max_weekends
            );
        }
        out.push_str("\nSECTION_DAYS_OFF\n# EmployeeID, DayIndexes (start at zero)\n");
        for (e, days) in &self.days_off {
            let days: Vec<String> = days.iter().map(ToString::to_string).collect();
            let _ = writeln!(out, "{e},{}", days.join(","));
        }
        for (name, list) in [
            ("SECTION_SHIFT_ON_REQUESTS", &self.on_requests),
            ("SECTION_SHIFT_OFF_REQUESTS", &self.off_requests),
        ] {
            let _ = writeln!(out, "\n{name}\n# EmployeeID, Day, ShiftID, Weight");
            for r in list {
                let _ = writeln!(out, "{},{},{},{}", r.employee, r.day, r.shift, r.weight);
            }
        }
        out.push_str(
            "\nSECTION_COVER\n# Day, ShiftID, Requirement, Weight for under, Weight for over\n",
        );
        for c in &self.cover {
            let _ = writeln!(
                out,
                "{},{},{},{},{}",
                c.day, c.shift, c.requirement, c.under, c.over
            );
        }
        out
    }

    /// Maps the instance into the general roster [`Problem`]: shift types with their length,
    /// forbidden successions, personal limits, fixed days off as approved days off, requests
    /// as weighted preferences, cover rows as requirements with the under/over weights.
    ///
    /// Errors when cover rows carry different weights (the model prices all rows alike).
    pub fn to_problem(&self) -> Result<Problem, NrpError> {
        let start = day_zero();
        let (under, over) = match self.cover.first() {
            Some(c) => (c.under, c.over),
            None => (100, 1),
        };
        if let Some(c) = self
            .cover
            .iter()
            .find(|c| (c.under, c.over) != (under, over))
        {
            return Err(NrpError {
                line: 0,
                section: "SECTION_COVER".into(),
                message: format!(
                    "day {} shift {}: cover weights {}/{} differ from {under}/{over}; mixed weights are not supported",
                    c.day, c.shift, c.under, c.over
                ),
            });
        }
        let clock = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let shifts: Vec<ShiftType> = self
            .shifts
            .iter()
            .map(|s| ShiftType {
                code: s.id.clone(),
                name: s.id.clone(),
                start: "00:00".into(),
                end: clock(s.minutes),
                paid_minutes: s.minutes,
                break_minutes: 0,
                staggered: false,
            })
            .collect();
        let max_run = self
            .staff
            .iter()
            .map(|s| s.max_consecutive)
            .max()
            .unwrap_or(1)
            .max(1);
        let rules = Rules {
            min_rest_minutes: 0,
            max_consecutive_days: max_run,
            max_consecutive_shifts: BTreeMap::new(),
            overtime_cap_minutes: 0,
            under_standard_minutes: 0,
            leave_day_minutes: 0,
            night_shifts: vec![],
            standby_shifts: vec![],
            standby_per_shift: 0,
            standby_role: ROLE.into(),
            history_days: max_run,
            forbidden_successions: self
                .shifts
                .iter()
                .flat_map(|s| s.forbid_next.iter().map(move |t| (s.id.clone(), t.clone())))
                .collect(),
            hours_floor_hard: true,
            // The instance is the whole horizon: no next month to hand over to.
            handover: false,
        };
        let weights = Weights {
            shortfall: under as f64,
            standby_shortfall: 0.0,
            hours_shortfall_per_hour: 0.0,
            reserve_shift: 0.0,
            surplus: self
                .shifts
                .iter()
                .map(|s| (s.id.clone(), over as f64))
                .collect(),
            night_spread: 0.0,
            holiday_spread: 0.0,
            weekend_spread: 0.0,
            standby_spread: 0.0,
            preference: 1.0,
            isolated_day_off: 0.0,
            shift_change: 0.0,
            standby_non_reserve: 0.0,
            repair_change: 0.0,
        };
        let date = |d: usize| start + Duration::days(d as i64);
        let mut prefs: HashMap<&str, Vec<Preference>> = HashMap::new();
        for (want, list) in [(true, &self.on_requests), (false, &self.off_requests)] {
            for r in list {
                prefs
                    .entry(r.employee.as_str())
                    .or_default()
                    .push(Preference {
                        date: Some(date(r.day)),
                        weekday: None,
                        shift: Some(r.shift.clone()),
                        want,
                        weight: r.weight,
                    });
            }
        }
        let employees: Vec<Employee> = self
            .staff
            .iter()
            .map(|s| Employee {
                id: s.id.clone(),
                name: s.id.clone(),
                roles: vec![ROLE.into()],
                team: None,
                reserve: false,
                shifts: vec![],
                working_days_only: false,
                position: None,
                grade: None,
                preferences: prefs.remove(s.id.as_str()).unwrap_or_default(),
                limits: Limits {
                    max_shifts: s.max_shifts.clone(),
                    min_minutes: Some(s.min_total),
                    max_minutes: Some(s.max_total),
                    max_consecutive_days: Some(s.max_consecutive),
                    min_consecutive_days: Some(s.min_consecutive),
                    min_consecutive_days_off: Some(s.min_days_off),
                    max_weekends: Some(s.max_weekends),
                },
            })
            .collect();
        let days: Vec<Day> = (0..self.horizon)
            .map(|d| Day {
                date: date(d),
                kind: if is_weekend(date(d)) {
                    DayKind::Rest
                } else {
                    DayKind::Working
                },
            })
            .collect();
        let requirements = self
            .cover
            .iter()
            .map(|c| Requirement {
                date: date(c.day),
                shift: c.shift.clone(),
                role: ROLE.into(),
                min: c.requirement,
            })
            .collect();
        let leave = self
            .days_off
            .iter()
            .flat_map(|(e, ds)| {
                ds.iter().map(move |d| Leave {
                    employee: e.clone(),
                    from: date(*d),
                    to: date(*d),
                    kind: LeaveKind::DayOff,
                })
            })
            .collect();
        Ok(Problem {
            month: format!("curtois-{}d", self.horizon),
            site: "Curtois-Qu benchmark".into(),
            shifts,
            employees,
            days,
            standard_minutes: 0,
            requirements,
            rules,
            weights,
            leave,
            previous: vec![],
            demand: None,
        })
    }
}

/// One worked shift: employee, day index, shift id.
pub type Worked = (String, usize, String);

/// The scorer's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Score {
    /// Hard violations, each naming the rule, employee and day.
    pub violations: Vec<String>,
    /// Penalty of unmet on-requests.
    pub on_requests: u64,
    /// Penalty of honoured off-requests.
    pub off_requests: u64,
    /// Under-cover penalty.
    pub under: u64,
    /// Over-cover penalty.
    pub over: u64,
}

impl Score {
    /// The objective: the sum of the four penalties.
    pub fn objective(&self) -> u64 {
        self.on_requests + self.off_requests + self.under + self.over
    }
}

/// Scores a roster against an instance, from the instance alone (independent of the model):
/// every hard rule of format.md §3 and the objective of §4.
pub fn score(inst: &Instance, roster: &[Worked]) -> Score {
    let mut sc = Score::default();
    let h = inst.horizon;
    let shift_ix: HashMap<&str, usize> = inst
        .shifts
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let staff_ix: HashMap<&str, usize> = inst
        .staff
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut grid: Vec<Vec<Option<usize>>> = vec![vec![None; h]; inst.staff.len()];
    for (e, d, s) in roster {
        let (Some(&ei), Some(&si)) = (staff_ix.get(e.as_str()), shift_ix.get(s.as_str())) else {
            sc.violations
                .push(format!("unknown: employee `{e}` or shift `{s}` on day {d}"));
            continue;
        };
        if *d >= h {
            sc.violations
                .push(format!("horizon: {e} day {d} is outside 0..{}", h - 1));
            continue;
        }
        if grid[ei][*d].is_some() {
            sc.violations
                .push(format!("one_shift_a_day: {e} day {d} has two shifts"));
        }
        grid[ei][*d] = Some(si);
    }
    for (ei, st) in inst.staff.iter().enumerate() {
        let row = &grid[ei];
        let e = &st.id;
        for d in 0..h.saturating_sub(1) {
            if let (Some(a), Some(b)) = (row[d], row[d + 1]) {
                if inst.shifts[a].forbid_next.contains(&inst.shifts[b].id) {
                    sc.violations.push(format!(
                        "shift_rotation: {e} day {}: {} may not follow {}",
                        d + 1,
                        inst.shifts[b].id,
                        inst.shifts[a].id
                    ));
                }
            }
        }
        for (si, s) in inst.shifts.iter().enumerate() {
            let n = row.iter().filter(|x| **x == Some(si)).count() as u32;
            let max = st.max_shifts.get(&s.id).copied().unwrap_or(0);
            if n > max {
                sc.violations.push(format!(
                    "max_shifts: {e} works {n} {} shifts, at most {max}",
                    s.id
                ));
            }
        }
        let total: u32 = row.iter().flatten().map(|s| inst.shifts[*s].minutes).sum();
        if total > st.max_total {
            sc.violations
                .push(format!("max_total_minutes: {e} {total} > {}", st.max_total));
        }
        if total < st.min_total {
            sc.violations
                .push(format!("min_total_minutes: {e} {total} < {}", st.min_total));
        }
        for (worked, d, end) in runs(row) {
            let len = (end - d + 1) as u32;
            let interior = d > 0 && end + 1 < h;
            if worked && len > st.max_consecutive {
                sc.violations.push(format!(
                    "max_consecutive_shifts: {e} days {d}..{end}: {len} > {}",
                    st.max_consecutive
                ));
            }
            if worked && interior && len < st.min_consecutive {
                sc.violations.push(format!(
                    "min_consecutive_shifts: {e} days {d}..{end}: {len} < {}",
                    st.min_consecutive
                ));
            }
            if !worked && interior && len < st.min_days_off {
                sc.violations.push(format!(
                    "min_consecutive_days_off: {e} days {d}..{end}: {len} < {}",
                    st.min_days_off
                ));
            }
        }
        let weekends = (0..h / 7)
            .filter(|k| row[7 * k + 5].is_some() || row[7 * k + 6].is_some())
            .count() as u32;
        if weekends > st.max_weekends {
            sc.violations.push(format!(
                "max_weekends: {e} works {weekends} weekends, at most {}",
                st.max_weekends
            ));
        }
        for &d in inst.days_off.get(e).into_iter().flatten() {
            if row[d].is_some() {
                sc.violations
                    .push(format!("day_off: {e} works on fixed day off {d}"));
            }
        }
    }
    let works = |e: &str, d: usize, s: &str| -> bool {
        match (staff_ix.get(e), shift_ix.get(s)) {
            (Some(&ei), Some(&si)) => grid[ei][d] == Some(si),
            _ => false,
        }
    };
    for r in &inst.on_requests {
        if !works(&r.employee, r.day, &r.shift) {
            sc.on_requests += r.weight as u64;
        }
    }
    for r in &inst.off_requests {
        if works(&r.employee, r.day, &r.shift) {
            sc.off_requests += r.weight as u64;
        }
    }
    for c in &inst.cover {
        let si = shift_ix[c.shift.as_str()];
        let n = grid.iter().filter(|row| row[c.day] == Some(si)).count() as u32;
        sc.under += c.under as u64 * c.requirement.saturating_sub(n) as u64;
        sc.over += c.over as u64 * n.saturating_sub(c.requirement) as u64;
    }
    sc
}

/// The maximal runs of a row, worked or off, as (worked, first day, last day).
pub(crate) fn runs(row: &[Option<usize>]) -> impl Iterator<Item = (bool, usize, usize)> + '_ {
    let mut d = 0;
    std::iter::from_fn(move || {
        if d >= row.len() {
            return None;
        }
        let worked = row[d].is_some();
        let mut end = d;
        while end + 1 < row.len() && row[end + 1].is_some() == worked {
            end += 1;
        }
        let run = (worked, d, end);
        d = end + 1;
        Some(run)
    })
}

/// Per employee, per day: the shift index worked, if any.
pub type Grid = Vec<Vec<Option<usize>>>;

/// The roster as a grid; `None` if it names an unknown employee, shift or day.
pub fn grid_of(inst: &Instance, roster: &[Worked]) -> Option<Grid> {
    let mut grid = vec![vec![None; inst.horizon]; inst.staff.len()];
    for (e, d, s) in roster {
        let ei = inst.staff.iter().position(|x| &x.id == e)?;
        let si = inst.shifts.iter().position(|x| &x.id == s)?;
        if *d >= inst.horizon {
            return None;
        }
        grid[ei][*d] = Some(si);
    }
    Some(grid)
}

/// The grid as worked shifts.
pub fn worked_of(inst: &Instance, grid: &Grid) -> Vec<Worked> {
    let mut out = Vec::new();
    for (e, row) in grid.iter().enumerate() {
        for (d, x) in row.iter().enumerate() {
            if let Some(s) = x {
                out.push((inst.staff[e].id.clone(), d, inst.shifts[*s].id.clone()));
            }
        }
    }
    out
}

/// Worked shifts of a solved roster, as (employee, day index, shift).
pub fn worked(roster: &crate::Roster) -> Vec<Worked> {
    let start = day_zero();
    roster
        .assignments
        .iter()
        .map(|a| {
            (
                a.employee.clone(),
                (a.date - start).num_days() as usize,
                a.shift.clone(),
            )
        })
        .collect()
}

/// Employee ids as the benchmark writes them: `A`..`Z`, then `AA`, `AB`, … (spreadsheet
/// columns).
pub fn staff_id(mut i: usize) -> String {
    let mut id = Vec::new();
    loop {
        id.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    id.reverse();
    String::from_utf8(id).expect("ASCII letters")
}

/// A generated instance in the benchmark's text format, deterministic by `seed`: `staff`
/// employees (at least 1), `days` rounded up to whole weeks (at least 7), `shift_types` shift
/// types (1-63). Built to resemble the benchmark's large instances (13-24: up to 150 staff,
/// 364 days, 32 shift types), and to be feasible by construction.
///
/// Shift types come in four classes, early `E`, day `D`, late `L` and night `N` (numbered
/// within a class when there are more than four types: `E1`, `E2`, …), of 480, 600 or 720
/// minutes; a shift may not be followed the next day by one of an earlier class (no `E` after
/// a `D`, `L` or `N`, as in instance 12). Each employee is first given a hidden row that keeps
/// the rules it is then given: skills (a random share of the types, 0 elsewhere, a maximum on
/// up to two night types), runs of `MinConsecutiveShifts..=MaxConsecutiveShifts` working days
/// (one class a run, or a later class from some day on) between runs of at least
/// `MinConsecutiveDaysOff` days off, full-time or part-time density. Its limits are drawn
/// around that row: minimum and maximum minutes a few per cent below and above its minutes
/// (multiples of 60), maximum weekends at least those it works, fixed days off (one in 14
/// days) on its days off. Shift-on and shift-off requests (weights 1-3) half agree with it,
/// half not. Each cover requirement is the hidden roster's count on that day and shift, one
/// more or less at times, weighted 100 per person under and 1 per person over as in every
/// benchmark file. So the hidden rows form a roster that breaks no hard rule, and its
/// objective is a (loose) upper bound of the optimum ([`generate_with_roster`] returns it).
pub fn generate(seed: u64, staff: usize, days: usize, shift_types: usize) -> String {
    generate_with_roster(seed, staff, days, shift_types).0
}

/// [`generate`], with the hidden roster the instance was drawn around (it breaks no hard
/// rule of the instance).
pub fn generate_with_roster(
    seed: u64,
    staff: usize,
    days: usize,
    shift_types: usize,
) -> (String, Vec<Worked>) {
    use std::fmt::Write as _;
    let mut rng = crate::nrp_search::Rng::new(seed ^ 0x5EED_0FC0_4E15);
    let ne = staff.max(1);
    let h = days.max(7).div_ceil(7) * 7;
    let ns = shift_types.clamp(1, 63);
    // Shift types: class (0 E, 1 D, 2 L, 3 N), id, minutes.
    let classes: Vec<usize> = match ns {
        1 => vec![1],
        2 => vec![1, 3],
        3 => vec![0, 1, 2],
        _ => (0..ns).map(|i| i * 4 / ns).collect(),
    };
    let letter = ['E', 'D', 'L', 'N'];
    let per_class = |c: usize| classes.iter().filter(|&&x| x == c).count();
    let mut seen = [0usize; 4];
    let mut ids = Vec::with_capacity(ns);
    let mut minutes = Vec::with_capacity(ns);
    for &c in &classes {
        seen[c] += 1;
        ids.push(if per_class(c) == 1 {
            letter[c].to_string()
        } else {
            format!("{}{}", letter[c], seen[c])
        });
        minutes.push(match c {
            0 => [480, 480, 600][rng.below(3)],
            1 => [480, 600, 720][rng.below(3)],
            2 => [480, 600][rng.below(2)],
            _ => [600, 720][rng.below(2)],
        });
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Generated instance (scheduler::nrp::generate): seed {seed}, {ne} staff, {h} days, {ns} shift types"
    );
    out.push_str(
        "SECTION_HORIZON\n# All instances start on a Monday\n# The horizon length in days:\n",
    );
    let _ = writeln!(out, "{h}\n");
    out.push_str(
        "SECTION_SHIFTS\n# ShiftID, Length in mins, Shifts which cannot follow this shift | separated\n",
    );
    for s in 0..ns {
        let forbid: Vec<&str> = (0..ns)
            .filter(|&t| classes[t] < classes[s])
            .map(|t| ids[t].as_str())
            .collect();
        let _ = writeln!(out, "{},{},{}", ids[s], minutes[s], forbid.join("|"));
    }
    out.push_str("\nSECTION_STAFF\n# ID, MaxShifts, MaxTotalMinutes, MinTotalMinutes, MaxConsecutiveShifts, MinConsecutiveShifts, MinConsecutiveDaysOff, MaxWeekends\n");
    // The hidden roster, row by row, and what each employee is given.
    let mut hidden: Vec<Vec<Option<usize>>> = Vec::with_capacity(ne);
    let mut staff_lines = Vec::with_capacity(ne);
    let mut skills: Vec<Vec<usize>> = Vec::with_capacity(ne);
    for e in 0..ne {
        let share = if ns <= 4 { 0.75 } else { 0.4 };
        let mut skill: Vec<usize> = (0..ns).filter(|_| rng.unit() < share).collect();
        if skill.is_empty() {
            skill.push(rng.below(ns));
        }
        let full_time = rng.below(10) < 7;
        let max_consecutive = if full_time {
            5 + rng.below(2)
        } else {
            4 + rng.below(2)
        };
        let min_consecutive = [1, 2, 2, 2, 3][rng.below(5)].min(max_consecutive);
        let min_off = [1, 2, 2, 2, 3][rng.below(5)];
        // Extra days off per off run beyond the minimum: fewer for full-time staff.
        let extra_off = if full_time { 2 } else { 4 };
        let mut row = vec![None; h];
        let mut d = rng.below(3); // a short off run (or none) at the border
        let mut class_skills: Vec<usize> = skill.iter().map(|&s| classes[s]).collect();
        class_skills.sort_unstable();
        class_skills.dedup();
        while d < h {
            let len = min_consecutive + rng.below(max_consecutive - min_consecutive + 1);
            let mut class = class_skills[rng.below(class_skills.len())];
            for day in d..(d + len).min(h) {
                // Now and then a later class from this day on (never an earlier one).
                if rng.below(6) == 0 {
                    if let Some(&later) = class_skills.iter().find(|&&c| c > class) {
                        class = later;
                    }
                }
                let of_class: Vec<usize> = skill
                    .iter()
                    .copied()
                    .filter(|&s| classes[s] == class)
                    .collect();
                row[day] = Some(of_class[rng.below(of_class.len())]);
            }
            d += len + min_off + rng.below(extra_off + 1);
        }
        let total: u32 = row.iter().flatten().map(|&s| minutes[s]).sum();
        let weekends = (0..h / 7)
            .filter(|k| row[7 * k + 5].is_some() || row[7 * k + 6].is_some())
            .count();
        let max_total = (total as f64 * (1.03 + 0.07 * rng.unit()) / 60.0).ceil() as u32 * 60;
        let min_total = (total as f64 * (0.88 + 0.07 * rng.unit()) / 60.0).floor() as u32 * 60;
        let max_weekends = weekends + rng.below(2);
        // Maxima: the horizon where skilled (no limit in effect), a cap on up to two night
        // types, 0 where not skilled.
        let mut caps = 0;
        let max_shifts: Vec<String> = (0..ns)
            .map(|s| {
                let max = if !skill.contains(&s) {
                    0
                } else if classes[s] == 3 && caps < 2 && rng.below(2) == 0 {
                    caps += 1;
                    let worked = row.iter().filter(|x| **x == Some(s)).count();
                    (worked + rng.below(3)).min(h)
                } else {
                    h
                };
                format!("{}={max}", ids[s])
            })
            .collect();
        staff_lines.push(format!(
            "{},{},{max_total},{min_total},{max_consecutive},{min_consecutive},{min_off},{max_weekends}",
            staff_id(e),
            max_shifts.join("|"),
        ));
        hidden.push(row);
        skills.push(skill);
    }
    for l in &staff_lines {
        let _ = writeln!(out, "{l}");
    }
    out.push_str("\nSECTION_DAYS_OFF\n# EmployeeID, DayIndexes (start at zero)\n");
    for (e, row) in hidden.iter().enumerate() {
        let free: Vec<usize> = (0..h).filter(|&d| row[d].is_none()).collect();
        let mut picked: Vec<usize> = Vec::new();
        for _ in 0..(h / 14).max(1) {
            if free.is_empty() {
                break;
            }
            let d = free[rng.below(free.len())];
            if !picked.contains(&d) {
                picked.push(d);
            }
        }
        if picked.is_empty() {
            continue;
        }
        picked.sort_unstable();
        let days: Vec<String> = picked.iter().map(ToString::to_string).collect();
        let _ = writeln!(out, "{},{}", staff_id(e), days.join(","));
    }
    // Requests: half agree with the hidden row (an on-request for the shift it works, an
    // off-request for one it does not), half go against it.
    let mut asked = std::collections::HashSet::new();
    let mut on = String::new();
    let mut off = String::new();
    for (e, row) in hidden.iter().enumerate() {
        for want in [true, false] {
            let n = if want { h / 7 } else { h / 10 };
            for _ in 0..n {
                let d = rng.below(h);
                let agree = rng.below(2) == 0;
                let sk = &skills[e];
                let s = if want == agree {
                    // An on-request it keeps, or an off-request it breaks: the shift it works.
                    row[d].unwrap_or_else(|| sk[rng.below(sk.len())])
                } else {
                    // An on-request it breaks, or an off-request it keeps: another shift.
                    let s = sk[rng.below(sk.len())];
                    if row[d] == Some(s) {
                        continue;
                    }
                    s
                };
                if !asked.insert((e, d)) {
                    continue;
                }
                let line = format!("{},{d},{},{}\n", staff_id(e), ids[s], 1 + rng.below(3));
                if want {
                    on.push_str(&line);
                } else {
                    off.push_str(&line);
                }
            }
        }
    }
    out.push_str("\nSECTION_SHIFT_ON_REQUESTS\n# EmployeeID, Day, ShiftID, Weight\n");
    out.push_str(&on);
    out.push_str("\nSECTION_SHIFT_OFF_REQUESTS\n# EmployeeID, Day, ShiftID, Weight\n");
    out.push_str(&off);
    out.push_str(
        "\nSECTION_COVER\n# Day, ShiftID, Requirement, Weight for under, Weight for over\n",
    );
    for d in 0..h {
        for s in 0..ns {
            let n = hidden.iter().filter(|row| row[d] == Some(s)).count() as i64;
            let noise = [-1, 0, 0, 0, 1][rng.below(5)];
            let _ = writeln!(out, "{d},{},{},100,1", ids[s], (n + noise).max(0));
        }
    }
    let roster = hidden
        .iter()
        .enumerate()
        .flat_map(|(e, row)| {
            let ids = &ids;
            row.iter()
                .enumerate()
                .filter_map(move |(d, x)| x.map(|s| (staff_id(e), d, ids[s].clone())))
        })
        .collect();
    (out, roster)
}
