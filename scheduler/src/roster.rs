//! A solved month (排班表): assignments, standby duties (备班), named shortfalls and how the solve
//! went. [`RosterFile`] is the self-contained document the CLI writes and checks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::problem::Problem;
use crate::site::Role;

/// One person on one shift on one date, counted in one role.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Assignment {
    /// Employee id.
    pub employee: String,
    /// Date the shift starts.
    pub date: NaiveDate,
    /// Shift code.
    pub shift: String,
    /// Role this person counts in.
    pub role: Role,
}

/// A standby duty: off duty all date, ready to be called in for `shift`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StandbyDuty {
    /// Employee id.
    pub employee: String,
    /// Date.
    pub date: NaiveDate,
    /// Shift covered.
    pub shift: String,
}

/// What kind of need went unmet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortfallKind {
    /// Fewer people than the minimum cover on a shift.
    Cover,
    /// No standby for a shift.
    Standby,
    /// Fewer people than an interval of the call-demand curve needs.
    Interval,
    /// A person planned below the month's minimum hours.
    Hours,
}

/// An unmet need with its likely cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    /// Kind.
    pub kind: ShortfallKind,
    /// Date (cover and standby).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Shift code (cover and standby), or the interval `HH:MM-HH:MM` (interval).
    #[serde(default)]
    pub shift: Option<String>,
    /// Role (cover and standby).
    #[serde(default)]
    pub role: Option<Role>,
    /// Employee (hours).
    #[serde(default)]
    pub employee: Option<String>,
    /// People missing (cover, standby) or minutes missing (hours).
    pub missing: u32,
    /// Likely cause, in words.
    pub cause: String,
    /// The same in Chinese, with the same figures (empty in rosters stored before it existed).
    #[serde(default)]
    pub cause_zh: String,
}

/// How the solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Proven optimal (within the configured gap).
    Optimal,
    /// Stopped by the time limit with a feasible roster; see `gap`.
    TimeLimited,
    /// A roster that was not solved here (e.g. edited by hand).
    Unsolved,
}

/// One named term of the objective.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveTerm {
    /// Machine name, e.g. `night_spread`.
    pub name: String,
    /// Raw measure (count, spread, hours).
    pub measure: f64,
    /// Weighted contribution to the objective.
    pub cost: f64,
}

/// Solver figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SolveStats {
    /// Objective value of the roster.
    pub objective: f64,
    /// Best proven lower bound.
    pub bound: f64,
    /// Relative gap (objective − bound) / objective; 0 when optimal.
    pub gap: f64,
    /// Wall seconds in the solver.
    pub seconds: f64,
    /// Variables and constraints in the model.
    pub variables: usize,
    /// See `variables`.
    pub constraints: usize,
    /// Objective by term.
    pub terms: Vec<ObjectiveTerm>,
}

/// A roster for a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Roster {
    /// How the solve ended.
    pub status: SolveStatus,
    /// Shift assignments, sorted by employee and date.
    pub assignments: Vec<Assignment>,
    /// Standby duties.
    #[serde(default)]
    pub standby: Vec<StandbyDuty>,
    /// Unmet needs.
    #[serde(default)]
    pub shortfalls: Vec<Shortfall>,
    /// Solver figures.
    #[serde(default)]
    pub stats: SolveStats,
}

/// The self-contained roster document: the problem it answers and the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterFile {
    /// The problem.
    #[serde(flatten)]
    pub problem: Problem,
    /// The roster.
    #[serde(flatten)]
    pub roster: Roster,
}
