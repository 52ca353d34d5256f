//! Errors of the scheduler crate. "Infeasible" is never one of them: an impossible month is
//! still solved, with named shortfalls (see [`crate::Shortfall`]).

use thiserror::Error;

/// A site, calendar, leave or roster input that cannot be used.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML text of a configuration file did not parse.
    #[error("{what}: {message}")]
    Toml {
        /// Which input (e.g. "site", "calendar").
        what: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A value is out of range or inconsistent with another.
    #[error("{0}")]
    Invalid(String),
    /// A name (employee, shift, role) that the site does not define.
    #[error("unknown {kind} `{name}`{context}")]
    Unknown {
        /// "employee", "shift" or "role".
        kind: &'static str,
        /// The name as given.
        name: String,
        /// Where it was found, e.g. " in leave row 3".
        context: String,
    },
    /// The holiday calendar has no data for this year: add `data/calendar/YEAR.toml`.
    #[error(
        "no holiday calendar for {0}: add data/calendar/{0}.toml from the State Council notice"
    )]
    UnknownCalendarYear(i32),
}

/// The solver could not be run at all (as opposed to a month that cannot be fully covered,
/// which is reported as shortfalls).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SolveError {
    /// The problem definition is inconsistent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// HiGHS failed or found no solution within the time limit.
    #[error("HiGHS: {0}")]
    Solver(String),
}
