//! The site (站点配置): shift types, roles, cover rules, labour-rule limits, objective weights and
//! staff. Parsed from TOML text (`data/demo/site.toml`, `data/demo/staff.toml`); every limit is
//! configuration, the demo's values are only defaults.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::DayKind;
use crate::error::ConfigError;

/// A role (岗位技能) a person can be rostered in, e.g. `agent`, `team_leader`.
pub type Role = String;

/// Well-known role names used by the demo and by the standby rule's default.
pub mod roles {
    /// 话务员: takes calls.
    pub const AGENT: &str = "agent";
    /// 班长: team leader seat, at least one on every shift.
    pub const TEAM_LEADER: &str = "team_leader";
    /// 运营经理: operations manager.
    pub const MANAGER: &str = "manager";
    /// 回访员: callback staff.
    pub const CALLBACK: &str = "callback";
    /// 质检督办: QA / supervision.
    pub const QA: &str = "qa";
    /// 数据分析员: data analyst.
    pub const ANALYST: &str = "analyst";
}

/// A shift type (班次). A shift belongs to the date it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftType {
    /// Short code shown in the grid, e.g. `A`.
    pub code: String,
    /// Display name, e.g. `早班`.
    pub name: String,
    /// Start clock time `HH:MM`.
    pub start: String,
    /// End clock time `HH:MM`; `24:00` or a time not after the start means the next day.
    pub end: String,
    /// Paid minutes (breaks excluded).
    pub paid_minutes: u32,
    /// Unpaid break minutes inside the span.
    #[serde(default)]
    pub break_minutes: u32,
    /// A staggered start (错峰班次), used only under interval cover (`roster --need`):
    /// without a demand curve nobody is rostered on it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub staggered: bool,
}

impl ShiftType {
    /// Start as minutes after midnight of the shift's date.
    pub fn start_minute(&self) -> u32 {
        parse_clock(&self.start).unwrap_or(0)
    }

    /// End as minutes after midnight of the shift's date (above 1440 when it ends next day).
    pub fn end_minute(&self) -> u32 {
        let s = self.start_minute();
        let e = parse_clock(&self.end).unwrap_or(0);
        if e <= s {
            e + 1440
        } else {
            e
        }
    }

    fn check(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| ConfigError::Invalid(format!("shift {}: {m}", self.code));
        let s = parse_clock(&self.start).ok_or_else(|| bad("start is not HH:MM"))?;
        parse_clock(&self.end).ok_or_else(|| bad("end is not HH:MM"))?;
        if s >= 1440 {
            return Err(bad("start must be before 24:00"));
        }
        let span = self.end_minute() - s;
        if self.paid_minutes + self.break_minutes != span {
            return Err(bad(&format!(
                "paid {} + break {} minutes differ from the span {} minutes",
                self.paid_minutes, self.break_minutes, span
            )));
        }
        if self.code.is_empty() || self.code.contains(char::is_whitespace) {
            return Err(bad("code must be non-empty without spaces"));
        }
        Ok(())
    }
}

/// Parses `HH:MM` (00:00 to 24:00) into minutes.
pub fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return None;
    }
    Some(h * 60 + m)
}

/// Which dates a cover rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DaySelector {
    /// Every date.
    All,
    /// Scheduled working days (including make-up days).
    Working,
    /// Rest days and statutory holidays.
    Off,
}

impl DaySelector {
    /// Whether a day of this kind is selected.
    pub fn matches(self, kind: DayKind) -> bool {
        match self {
            DaySelector::All => true,
            DaySelector::Working => kind == DayKind::Working,
            DaySelector::Off => kind != DayKind::Working,
        }
    }
}

/// A minimum cover rule: at least `min` people in `role` on `shift` on the selected days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverRule {
    /// Shift code.
    pub shift: String,
    /// Role counted.
    pub role: Role,
    /// Minimum head count.
    pub min: u32,
    /// Days it applies to.
    #[serde(default = "default_days")]
    pub days: DaySelector,
}

fn default_days() -> DaySelector {
    DaySelector::All
}

/// The hard labour-rule limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Minimum rest between the end of one shift and the start of the next (minutes).
    pub min_rest_minutes: u32,
    /// At most this many consecutive working days (6 = one day off in any 7).
    pub max_consecutive_days: u32,
    /// Per shift code, at most this many consecutive shifts of that code (e.g. N = 4).
    #[serde(default)]
    pub max_consecutive_shifts: BTreeMap<String, u32>,
    /// Planned minutes may exceed the month's standard by at most this (36 h = 2160).
    pub overtime_cap_minutes: u32,
    /// Planned minutes may fall short of (standard − leave) by at most this (8 h = 480).
    pub under_standard_minutes: u32,
    /// Leave day credit in minutes (8 h): each leave day lowers the month's lower bound.
    pub leave_day_minutes: u32,
    /// Shift codes that count as night work (夜班): fairness and the night allowance.
    #[serde(default)]
    pub night_shifts: Vec<String>,
    /// Shifts that need a standby (备班) each date.
    #[serde(default)]
    pub standby_shifts: Vec<String>,
    /// Standby people per shift and date.
    #[serde(default = "one")]
    pub standby_per_shift: u32,
    /// Role a standby must hold.
    #[serde(default = "agent")]
    pub standby_role: Role,
    /// How many days the previous month's tail must give (rest and run-length rules).
    #[serde(default = "seven")]
    pub history_days: u32,
    /// Explicit next-day successions that are forbidden (`[["L", "E"]]`: no E the day after
    /// L), on top of the clock-time rest rule.
    #[serde(default)]
    pub forbidden_successions: Vec<(String, String)>,
    /// When true the minimum-hours floor is hard (no slack); otherwise a shortfall is priced.
    #[serde(default)]
    pub hours_floor_hard: bool,
    /// Whether the month prices the handover to the next month (交接班): its last days must
    /// leave enough people free to cover the next month's first day (see
    /// `scheduler::model::handover`). On for sites; off for the benchmark instances, whose
    /// horizon has no next month.
    #[serde(default = "yes")]
    pub handover: bool,
}

fn yes() -> bool {
    true
}
fn one() -> u32 {
    1
}
fn seven() -> u32 {
    7
}
fn agent() -> Role {
    roles::AGENT.to_string()
}

/// Objective weights. Shortfalls dominate everything; the rest are soft preferences reported by
/// name in the solve summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Weights {
    /// Per missing person on a shift (hard rule relaxed: reported as a shortfall).
    pub shortfall: f64,
    /// Per missing standby.
    pub standby_shortfall: f64,
    /// Per hour below a person's minimum planned hours.
    pub hours_shortfall_per_hour: f64,
    /// Per shift worked by a reserve (预备人员): used only to fill a gap.
    pub reserve_shift: f64,
    /// Per person above minimum cover, by shift code (small: spreads slack where it is cheap).
    pub surplus: BTreeMap<String, f64>,
    /// Per unit of spread (max − min) of night shifts in a comparison group.
    pub night_spread: f64,
    /// Per unit of spread of statutory-holiday shifts.
    pub holiday_spread: f64,
    /// Per unit of spread of weekend shifts.
    pub weekend_spread: f64,
    /// Per unit of spread of standby duties.
    pub standby_spread: f64,
    /// Per unmet preference, multiplied by the preference's own weight.
    pub preference: f64,
    /// Per isolated single day off (work, off, work).
    pub isolated_day_off: f64,
    /// Per change of shift type between consecutive working days.
    pub shift_change: f64,
    /// Per standby duty given to a non-reserve (the reserve is the first standby candidate).
    pub standby_non_reserve: f64,
    /// Repair only: per changed (person, date) three weeks or more after the change date; a
    /// change on the change date costs three times as much, falling linearly in between.
    /// Below the shortfall weights (a gap is never kept to avoid a change), above the soft
    /// terms, which a repair scales down (see `scheduler::repair`).
    pub repair_change: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            shortfall: 10_000.0,
            standby_shortfall: 2_000.0,
            hours_shortfall_per_hour: 500.0,
            reserve_shift: 200.0,
            surplus: BTreeMap::new(),
            night_spread: 40.0,
            holiday_spread: 40.0,
            weekend_spread: 10.0,
            standby_spread: 10.0,
            preference: 5.0,
            isolated_day_off: 3.0,
            shift_change: 1.0,
            standby_non_reserve: 0.5,
            repair_change: 100.0,
        }
    }
}

/// One person as the roster sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Employee {
    /// Stable id (工号).
    pub id: String,
    /// Name.
    pub name: String,
    /// Roles held; the first is the primary one.
    pub roles: Vec<Role>,
    /// Team (班组) 1-4 in the four-shift rotation, if any.
    #[serde(default)]
    pub team: Option<u32>,
    /// Reserve (预备人员): rostered only as standby or to fill a shortfall; no lower hours bound.
    #[serde(default)]
    pub reserve: bool,
    /// Shift codes this person may work; empty = every shift one of the roles is needed on.
    #[serde(default)]
    pub shifts: Vec<String>,
    /// Works on scheduled working days only (e.g. the manager's D shift).
    #[serde(default)]
    pub working_days_only: bool,
    /// Pay position (薪酬岗位) for payroll; defaults to the primary role.
    #[serde(default)]
    pub position: Option<String>,
    /// Pay grade for payroll.
    #[serde(default)]
    pub grade: Option<u32>,
    /// Standing preferences.
    #[serde(default)]
    pub preferences: Vec<Preference>,
    /// Personal limits that override the site's rules (contracts, part-time, benchmarks).
    #[serde(default, skip_serializing_if = "Limits::is_empty")]
    pub limits: Limits,
}

/// Personal limits (个人约束); each overrides the site-wide rule where given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// At most this many shifts of a code in the horizon (0 = not qualified for it).
    pub max_shifts: BTreeMap<String, u32>,
    /// Minimum planned minutes in the horizon (replaces standard − leave − tolerance).
    pub min_minutes: Option<u32>,
    /// Maximum planned minutes (replaces standard + overtime cap).
    pub max_minutes: Option<u32>,
    /// At most this many consecutive working days.
    pub max_consecutive_days: Option<u32>,
    /// Every run of working days inside the horizon is at least this long (runs touching
    /// the first or last day are exempt).
    pub min_consecutive_days: Option<u32>,
    /// Every run of days off inside the horizon is at least this long (same exemption).
    pub min_consecutive_days_off: Option<u32>,
    /// At most this many weekends (Saturday or Sunday) worked.
    pub max_weekends: Option<u32>,
}

impl Limits {
    /// No personal limit set.
    pub fn is_empty(&self) -> bool {
        *self == Limits::default()
    }
}

impl Employee {
    /// Whether this person holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// A wish for or against a shift (or any work) on a date or a weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preference {
    /// A specific date, or
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// a weekday (1 = Monday … 7 = Sunday).
    #[serde(default)]
    pub weekday: Option<u32>,
    /// Shift code; `None` means "any work" (so `want = false` asks for the day off).
    #[serde(default)]
    pub shift: Option<String>,
    /// `true` wants it, `false` does not.
    pub want: bool,
    /// Relative weight 1-10.
    #[serde(default = "one")]
    pub weight: u32,
}

impl Preference {
    /// Whether the preference is about `date` (its date, or its weekday).
    pub fn applies_on(&self, date: NaiveDate) -> bool {
        use chrono::Datelike;
        self.date == Some(date) || self.weekday == Some(date.weekday().number_from_monday())
    }
}

/// The whole site configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Site name.
    pub name: String,
    /// Shift types.
    pub shifts: Vec<ShiftType>,
    /// Minimum cover rules.
    pub cover: Vec<CoverRule>,
    /// Hard rule limits.
    pub rules: Rules,
    /// Objective weights.
    #[serde(default)]
    pub weights: Weights,
    /// Staff (may also come from a separate staff file, see [`Site::from_toml_strs`]).
    #[serde(default)]
    pub employees: Vec<Employee>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffFile {
    employees: Vec<Employee>,
}

impl Site {
    /// Parses a site file and, optionally, a separate staff file, and checks them.
    pub fn from_toml_strs(site: &str, staff: Option<&str>) -> Result<Site, ConfigError> {
        let mut s: Site = toml::from_str(site).map_err(|e| ConfigError::Toml {
            what: "site".into(),
            message: e.to_string(),
        })?;
        if let Some(staff) = staff {
            let f: StaffFile = toml::from_str(staff).map_err(|e| ConfigError::Toml {
                what: "staff".into(),
                message: e.to_string(),
            })?;
            s.employees.extend(f.employees);
        }
        s.check()?;
        Ok(s)
    }

    /// Index of a shift code.
    pub fn shift_index(&self, code: &str) -> Option<usize> {
        self.shifts.iter().position(|s| s.code == code)
    }

    /// Checks internal consistency: unique codes and ids, known names, sane limits.
    pub fn check(&self) -> Result<(), ConfigError> {
        let mut codes = BTreeSet::new();
        for s in &self.shifts {
            s.check()?;
            if !codes.insert(s.code.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "shift code {} defined twice",
                    s.code
                )));
            }
        }
        if self.shifts.is_empty() {
            return Err(ConfigError::Invalid("the site defines no shift".into()));
        }
        let unknown_shift = |code: &str, ctx: String| ConfigError::Unknown {
            kind: "shift",
            name: code.to_string(),
            context: ctx,
        };
        for (i, c) in self.cover.iter().enumerate() {
            if !codes.contains(c.shift.as_str()) {
                return Err(unknown_shift(&c.shift, format!(" in cover rule {}", i + 1)));
            }
        }
        for code in self.rules.max_consecutive_shifts.keys() {
            if !codes.contains(code.as_str()) {
                return Err(unknown_shift(
                    code,
                    " in rules.max_consecutive_shifts".into(),
                ));
            }
        }
        for code in self
            .rules
            .standby_shifts
            .iter()
            .chain(&self.rules.night_shifts)
        {
            if !codes.contains(code.as_str()) {
                return Err(unknown_shift(
                    code,
                    " in rules.standby_shifts / night_shifts".into(),
                ));
            }
        }
        for (a, b) in &self.rules.forbidden_successions {
            for code in [a, b] {
                if !codes.contains(code.as_str()) {
                    return Err(unknown_shift(
                        code,
                        " in rules.forbidden_successions".into(),
                    ));
                }
            }
        }
        if self.rules.max_consecutive_days == 0 {
            return Err(ConfigError::Invalid(
                "rules.max_consecutive_days must be at least 1".into(),
            ));
        }
        if self.rules.history_days < self.rules.max_consecutive_days {
            return Err(ConfigError::Invalid(
                "rules.history_days must be at least max_consecutive_days".into(),
            ));
        }
        let mut ids = BTreeSet::new();
        for e in &self.employees {
            if !ids.insert(e.id.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "employee id {} used twice",
                    e.id
                )));
            }
            if e.roles.is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "employee {} has no role",
                    e.id
                )));
            }
            for code in e.shifts.iter().chain(e.limits.max_shifts.keys()) {
                if !codes.contains(code.as_str()) {
                    return Err(unknown_shift(code, format!(" in employee {}", e.id)));
                }
            }
            for p in &e.preferences {
                if let Some(code) = &p.shift {
                    if !codes.contains(code.as_str()) {
                        return Err(unknown_shift(code, format!(" in a preference of {}", e.id)));
                    }
                }
                if p.date.is_none() == p.weekday.is_none() {
                    return Err(ConfigError::Invalid(format!(
                        "a preference of {} must give exactly one of date or weekday",
                        e.id
                    )));
                }
                if matches!(p.weekday, Some(w) if !(1..=7).contains(&w)) {
                    return Err(ConfigError::Invalid(format!(
                        "a preference of {} has weekday outside 1-7",
                        e.id
                    )));
                }
            }
        }
        Ok(())
    }
}
