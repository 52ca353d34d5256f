//! The month pipeline: one layer of plain functions over values, called by the command line
//! and by the web app alike. Each function takes a [`Context`] (the store and the reference
//! data) and values, reads what crosses months from the store, and returns values; none
//! prints, renders HTML, parses arguments or knows which front end called it.
//!
//! Reading order:
//! - [`staff`]: the staff list in the store (seeded from a site folder when empty) and its
//!   changes (add, edit, leave, re-activate, import), checked whole before anything is stored;
//! - [`roster`]: a month solved with the previous month's published roster (or its draft,
//!   said so) and the month's approved leave; checked by the independent validator, stored
//!   with its verdict as a draft version; published (with an audited override when it breaks
//!   a rule); roster files imported;
//! - [`repair`]: a published month repaired after events (an absence, a leaving, a joiner),
//!   stored as its draft; [`requests`]: leave and swap requests, a swap carried out as a draft;
//! - [`attendance`]: imports (one transaction with the audit entry; refused once the month's
//!   payroll is approved), the reconciliation with the month's roster, HR's confirmations;
//! - [`kpi`]: the month's evaluation from the stored evidence;
//! - [`pay`]: time sheets from the roster and attendance, a payroll run as a draft, approval;
//! - [`exports`]: the month's workbooks: from the approved run when there is one (saying
//!   which), else a preview computed now (saying so);
//! - [`compliance`]: the year's seat labour cost against the floor, approved months at their
//!   stored figures and the rest projected — one computation for the page and the workbook;
//! - [`report`] and [`policy`]: the periodic reports and the policy documents, from the store.

use chrono::{Datelike as _, NaiveDate};

use crate::db::Store;
use crate::reference::Reference;
use crate::said::Said;

/// The month's imports, reconciliation and confirmations.
pub mod attendance;
/// The year against the floor.
pub mod compliance;
/// Corrections of approved months, paid as arrears.
pub mod corrections;
/// Workbooks of a month.
pub mod exports;
/// The month's KPI evaluation.
pub mod kpi;
/// Payroll runs.
pub mod pay;
/// Policy documents.
pub mod policy;
/// Repairs of published months (events since publishing).
pub mod repair;
/// Periodic reports.
pub mod report;
/// The request book: leave and swap requests.
pub mod requests;
/// Rosters.
pub mod roster;
/// The staff list.
pub mod staff;

/// What every step works on: the store (the one home of the month's data) and the reference
/// data loaded at start-up.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The database.
    pub store: &'a Store,
    /// Calendars, policies, the site's rules.
    pub reference: &'a Reference,
}

/// Why a step could not be done. The front ends map these to exit codes or HTTP statuses:
/// everything but [`Error::Internal`] is the user's to act on, and says what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Something asked for does not exist (no roster for the month, no such run).
    #[error("{}", .0.en)]
    NotFound(Said),
    /// The request is malformed (a bad month, an unknown employee or shift).
    #[error("{}", .0.en)]
    Invalid(Said),
    /// The request clashes with the state: a published roster, an approved payroll, a solve
    /// or payroll run already under way.
    #[error("{}", .0.en)]
    Conflict(Said),
    /// The request breaks a rule that needs a decision (a roster with violations published
    /// without an override reason).
    #[error("{}", .0.en)]
    Refused(Said),
    /// An uploaded file has problems, each located (sheet, row, column); nothing was stored.
    #[error("{0}")]
    File(crate::excel::table::ImportErrors),
    /// Anything else (the database, a stored document that does not parse): not the user's
    /// doing; logged with its chain.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// The message in a page language (`zh` or `en`); [`Error::File`] lists its problems.
    #[must_use]
    pub fn text_in(&self, lang: &str) -> String {
        match self {
            Error::NotFound(m) | Error::Invalid(m) | Error::Conflict(m) | Error::Refused(m) => {
                m.in_lang(lang).to_string()
            }
            Error::File(f) => f.text_in(lang),
            Error::Internal(_) => self.to_string(),
        }
    }

    /// The message in both languages.
    #[must_use]
    pub fn said(&self) -> Said {
        match self {
            Error::NotFound(m) | Error::Invalid(m) | Error::Conflict(m) | Error::Refused(m) => {
                m.clone()
            }
            Error::File(f) => Said::new(f.text_in("en"), f.text_in("zh")),
            Error::Internal(_) => Said::new("internal error (logged)", "服务器内部错误（已记录）"),
        }
    }

    /// Wraps a displayable error as [`Error::Internal`].
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Error::Internal(anyhow::anyhow!("{e}"))
    }
}

/// A step's result.
pub type Result<T> = std::result::Result<T, Error>;

/// Parses `YYYY-MM` into year and month.
///
/// # Errors
/// A text that is not a month of 2000-2100, naming it.
pub fn parse_month(s: &str) -> anyhow::Result<(i32, u32)> {
    use anyhow::Context as _;
    let (y, m) = s
        .split_once('-')
        .with_context(|| format!("month `{s}` is not YYYY-MM"))?;
    let y: i32 = y
        .parse()
        .with_context(|| format!("month `{s}`: year is not a number"))?;
    let m: u32 = m
        .parse()
        .with_context(|| format!("month `{s}`: month is not a number"))?;
    if !(1..=12).contains(&m) || !(2000..=2100).contains(&y) {
        anyhow::bail!("month `{s}` is out of range");
    }
    Ok((y, m))
}

/// A checked `YYYY-MM`, parsed once at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
}

impl YearMonth {
    /// Parses `YYYY-MM`.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the text.
    pub fn parse(s: &str) -> Result<Self> {
        let (year, month) = parse_month(s).map_err(|e| {
            Error::Invalid(Said::new(
                e.to_string(),
                format!("月份“{s}”无效：应为 2000-2100 年间的 YYYY-MM"),
            ))
        })?;
        Ok(YearMonth { year, month })
    }

    /// The first day.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a checked month")
    }

    /// The last day.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before")
    }

    /// The month before.
    #[must_use]
    pub fn previous(self) -> Self {
        if self.month == 1 {
            YearMonth {
                year: self.year - 1,
                month: 12,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The month after.
    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month of a date.
    #[must_use]
    pub fn of(date: NaiveDate) -> Self {
        YearMonth {
            year: date.year(),
            month: date.month(),
        }
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Runs CPU-bound work (a solve, a payroll computation, an Excel parse) off the async
/// runtime's workers.
///
/// # Errors
/// [`Error::Internal`] when the task panicked.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::internal(format!("background task: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m = YearMonth::parse("2026-01").unwrap();
        assert_eq!(m.previous().to_string(), "2025-12");
        assert_eq!(m.next().to_string(), "2026-02");
        assert_eq!(
            YearMonth::parse("2026-02").unwrap().last_day().to_string(),
            "2026-02-28"
        );
        assert_eq!(
            YearMonth::parse("2024-12").unwrap().next().to_string(),
            "2025-01"
        );
        for bad in ["2026-13", "2026", "a", "中", "2026-00", "1999-05"] {
            assert!(
                matches!(YearMonth::parse(bad), Err(Error::Invalid(_))),
                "{bad}"
            );
        }
    }
}
