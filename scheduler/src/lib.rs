//! # scheduler: the roster engine of Hotline Workforce
//!
//! Builds a month's roster (排班) for a 24/7 hotline as a mixed-integer programme on HiGHS,
//! checks any roster independently of the solver, and explains what cannot be covered.
//! No I/O: configuration arrives as TOML text, results leave as values.
//!
//! Principal types, in reading order:
//! - [`Calendar`]: statutory holidays, rest days and make-up working days; standard hours.
//! - [`Site`]: shift types ([`ShiftType`]), cover rules, labour-rule limits ([`Rules`]),
//!   weights and staff ([`Employee`]).
//! - [`Problem`]: a site resolved for one month with leave ([`Leave`]) and the previous
//!   month's last days ([`PriorShift`]).
//! - [`solve`] → [`Roster`]: assignments, standby duties ([`StandbyDuty`]), named
//!   [`Shortfall`]s, and the objective by term.
//! - [`validate`] → [`Violation`]s: every hard rule recomputed from the roster.
//! - [`precheck`] → [`Finding`]s; [`summarize`] → per-person hours and fairness spreads.
//! - [`repair`]: events after publishing (absence, resignation, joiner, cover) re-solved from a
//!   change date with the fewest changes.
//! - [`requests`]: leave and swap requests checked by the validator before a decision, and
//!   the candidates for an open shift ranked by cost.
//! - [`nrp`]: the Curtois-Qu benchmark read into the same [`Problem`], and its own scorer.
//!
//! ```
//! use scheduler::{Calendar, Problem, Site, SolveOptions};
//! let cal = Calendar::from_toml_strs(["year = 2026\nstatutory = []\n"]).unwrap();
//! let site = Site::from_toml_strs(r#"
//!     name = "tiny"
//!     shifts = [{ code = "A", name = "早班", start = "08:00", end = "16:00", paid_minutes = 480 }]
//!     cover = [{ shift = "A", role = "agent", min = 1 }]
//!     [rules]
//!     min_rest_minutes = 720
//!     max_consecutive_days = 6
//!     overtime_cap_minutes = 2160
//!     under_standard_minutes = 480
//!     leave_day_minutes = 480
//!     [[employees]]
//!     id = "E1"
//!     name = "甲"
//!     roles = ["agent"]
//!     reserve = true
//! "#, None).unwrap();
//! let problem = Problem::new(&site, &cal, 2026, 3, vec![], vec![]).unwrap();
//! let roster = scheduler::solve(&problem, &SolveOptions { time_limit_seconds: 10.0, ..Default::default() }).unwrap();
//! // One person may work at most 6 days in a row, so some dates go uncovered, by name:
//! assert!(!roster.shortfalls.is_empty());
//! assert!(scheduler::validate(&problem, &roster).iter().all(|v| v.rule == "cover"));
//! ```

pub mod calendar;
pub mod demand;
mod error;
pub mod explain;
pub mod fairness;
mod model;
pub mod nrp;
pub mod nrp_cg;
pub mod nrp_lns;
pub mod nrp_search;
pub mod problem;
pub mod progress;
pub mod repair;
pub mod requests;
pub mod roster;
pub mod site;
#[cfg(test)]
mod testing;
pub mod validate;
mod zh;

pub use calendar::{Calendar, DayKind};
pub use error::{ConfigError, SolveError};
pub use explain::{precheck, Finding};
pub use fairness::{summarize, PersonStats, Spread, Summary};
pub use model::{objective_terms, solve, SolveOptions};
pub use problem::{Day, Index, Leave, LeaveKind, PriorShift, Problem, Requirement};
pub use progress::SearchProgress;
pub use repair::{apply_events, repair, Change, Duty, Event, Repair};
pub use requests::{
    assess, candidates, Assessment, Candidate, Request, RequestBook, RequestError, RequestKind,
    Status,
};
pub use roster::{
    Assignment, ObjectiveTerm, Roster, RosterFile, Shortfall, ShortfallKind, SolveStats,
    SolveStatus, StandbyDuty,
};
pub use site::{
    roles, CoverRule, DaySelector, Employee, Preference, Role, Rules, ShiftType, Site, Weights,
};
pub use validate::{validate, Violation};
pub use zh::term as term_label_zh;
