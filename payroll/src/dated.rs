//! Effective-dated policy rows (有效期) with their source and grade.
//!
//! Every figure in `data/payroll/*.toml` carries a [`Provenance`]: the period in force,
//! the source, the grade of that source, and whether the figure is UNKNOWN for the
//! period and was carried forward from the last known one.
//!
//! A row is in force from `effective_from` to `effective_to` inclusive. A row without
//! `effective_to` is open-ended (in force until changed, or, marked `carried_forward`, standing
//! for an UNKNOWN figure with the last known one), but only up to the *horizon* of the policy it
//! belongs to: the latest date any dated row of the loaded policy mentions (its `effective_from`
//! or `effective_to`, over every table of every file), extended to 31 December of that year
//! ([`crate::Policy::horizon`]). So the last known figure is carried into a new year (the new
//! contribution base is published mid-year) as long as the data reaches that year, but a month
//! past the horizon is refused naming the table whose figure is missing, instead of running on
//! the last known figures for ever. An open-ended row is the last of its figure: a later row of
//! the same figure needs `effective_to` on the one before, else the file is refused (overlap).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::PayrollError;

/// How far a figure can be trusted (see `hainan-payroll-and-labour.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grade {
    /// Official text read.
    A,
    /// Reputable news report of an official notice.
    B,
    /// Secondary sources only.
    C,
    /// A figure assumed by this project for lack of any source; replace it when known.
    #[serde(rename = "assumed")]
    Assumed,
    /// A company policy choice (pay levels, KPI weights), not a legal figure.
    #[serde(rename = "policy")]
    Policy,
}

/// Where a figure comes from and when it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force; open-ended when absent.
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
    /// The document or page the figure comes from.
    pub source: String,
    /// Grade of the source.
    pub grade: Grade,
    /// True when the figure for this period is UNKNOWN and the last known one is carried forward.
    #[serde(default)]
    pub carried_forward: bool,
    /// Free-text explanation, required in practice for carried-forward or assumed figures.
    #[serde(default)]
    pub note: Option<String>,
}

impl Provenance {
    /// The latest date the row mentions: `effective_to` when set, else `effective_from`.
    #[must_use]
    pub fn latest_date(&self) -> NaiveDate {
        self.effective_to
            .map_or(self.effective_from, |to| to.max(self.effective_from))
    }

    /// The last day in force in a policy whose data reaches `horizon`: `effective_to`, else
    /// (open-ended, carried forward or not) the horizon; `None` (no end) without a horizon.
    #[must_use]
    pub fn last_day(&self, horizon: Option<NaiveDate>) -> Option<NaiveDate> {
        self.effective_to.or(horizon)
    }

    /// Whether `date` falls in the row's own period: an open-ended row has no end here. The
    /// policy look-ups bound it by the policy's horizon ([`Provenance::covers_within`]).
    #[must_use]
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.covers_within(date, None)
    }

    /// Whether `date` falls in the period in force in a policy whose data reaches `horizon`
    /// ([`Provenance::last_day`]).
    #[must_use]
    pub fn covers_within(&self, date: NaiveDate, horizon: Option<NaiveDate>) -> bool {
        self.effective_from <= date && self.last_day(horizon).is_none_or(|to| date <= to)
    }

    /// Whether a user must be told about this figure (carried forward or assumed).
    #[must_use]
    pub fn needs_notice(&self) -> bool {
        self.carried_forward || self.grade == Grade::Assumed
    }
}

/// A policy row that carries a [`Provenance`].
pub trait Dated {
    /// The row's provenance.
    fn provenance(&self) -> &Provenance;
}

/// A figure that was carried forward or assumed and was used in a computation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Which figure (e.g. `social insurance base 2026`).
    pub figure: String,
    /// Its source.
    pub source: String,
    /// Why it needs attention.
    pub note: String,
}

/// Collects notices without duplicates, in first-use order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Notices(pub(crate) Vec<Notice>);

impl Notices {
    pub(crate) fn note(&mut self, figure: &str, p: &Provenance) {
        if !p.needs_notice() || self.0.iter().any(|n| n.figure == figure) {
            return;
        }
        let why = if p.carried_forward {
            "UNKNOWN for this period; last known figure carried forward"
        } else {
            "assumed figure, no source"
        };
        self.0.push(Notice {
            figure: figure.to_owned(),
            source: p.source.clone(),
            note: match &p.note {
                Some(n) => format!("{why}: {n}"),
                None => why.to_owned(),
            },
        });
    }
}

/// The horizon of policy rows: 31 December of the year of the latest date any of them mentions
/// ([`Provenance::latest_date`]); `None` without rows.
pub(crate) fn horizon_of<'a>(rows: impl IntoIterator<Item = &'a Provenance>) -> Option<NaiveDate> {
    let latest = rows.into_iter().map(Provenance::latest_date).max()?;
    NaiveDate::from_ymd_opt(latest.year(), 12, 31)
}

/// The single row of `rows` (table `table` of policy file `file`) matching `filter` that is in
/// force on `date`, open-ended rows running to `horizon` (the policy's, `None`: no end).
pub(crate) fn in_force<'a, T: Dated>(
    rows: &'a [T],
    file: &str,
    table: &str,
    horizon: Option<NaiveDate>,
    date: NaiveDate,
    what: &str,
    filter: impl Fn(&T) -> bool,
) -> Result<&'a T, PayrollError> {
    let mut found = rows
        .iter()
        .filter(|r| filter(r) && r.provenance().covers_within(date, horizon));
    let first = found.next().ok_or_else(|| PayrollError::NoFigureInForce {
        what: what.to_owned(),
        date,
        detail: why_none(rows, file, table, horizon, date, &filter),
    })?;
    let more = found.count();
    if more > 0 {
        return Err(PayrollError::OverlappingFigures {
            what: what.to_owned(),
            date,
            count: more + 1,
        });
    }
    Ok(first)
}

/// Where the rows of a figure stop short of `date`, for [`PayrollError::NoFigureInForce`]: past
/// the policy's horizon, the file, the table and the horizon; else where the table's rows end.
fn why_none<T: Dated>(
    rows: &[T],
    file: &str,
    table: &str,
    horizon: Option<NaiveDate>,
    date: NaiveDate,
    filter: &impl Fn(&T) -> bool,
) -> String {
    if let Some(h) = horizon.filter(|h| date > *h) {
        return format!(" ({file} [[{table}]]: the policy data reaches {h})");
    }
    let of: Vec<&Provenance> = rows
        .iter()
        .filter(|r| filter(r))
        .map(Dated::provenance)
        .collect();
    let before = of
        .iter()
        .filter(|p| p.effective_from <= date)
        .max_by_key(|p| p.effective_from);
    match before.and_then(|p| p.last_day(horizon)) {
        Some(end) => format!(" ({file}: the last row before that date ends {end})"),
        None if before.is_some() => format!(" ({file})"),
        None => match of.iter().map(|p| p.effective_from).min() {
            Some(first) => format!(" ({file}: the first row starts {first})"),
            None => format!(" ({file}: no row at all)"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(from: &str, to: Option<&str>, carried: bool) -> Provenance {
        Provenance {
            effective_from: from.parse().unwrap(),
            effective_to: to.map(|t| t.parse().unwrap()),
            source: "test".to_owned(),
            grade: Grade::C,
            carried_forward: carried,
            note: None,
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The horizon is 31 December of the year of the latest date any row mentions; an open-ended
    /// row, carried forward or not, runs to it (without a horizon, for ever); an explicit end is
    /// kept.
    #[test]
    fn an_open_row_runs_to_the_policy_horizon() {
        let carried = row("2026-01-01", None, true);
        let known = row("2019-05-01", None, false);
        let ended = row("2024-07-01", Some("2026-12-31"), false);
        let next = row("2027-01-01", None, true);
        assert_eq!(horizon_of([&carried, &known]), Some(day("2026-12-31")));
        assert_eq!(
            horizon_of([&carried, &ended, &next]),
            Some(day("2027-12-31"))
        );
        assert_eq!(
            horizon_of([&row("2025-07-01", None, false)]),
            Some(day("2025-12-31"))
        );
        assert_eq!(horizon_of([]), None);
        let h = Some(day("2027-12-31"));
        for r in [&carried, &known] {
            assert_eq!(r.last_day(h), h);
            assert!(r.covers_within(day("2027-01-01"), h));
            assert!(r.covers_within(day("2027-12-01"), h));
            assert!(!r.covers_within(day("2028-01-01"), h));
            assert_eq!(r.last_day(None), None);
            assert!(r.covers(day("2030-01-01")));
        }
        assert_eq!(ended.last_day(h), Some(day("2026-12-31")));
        assert!(!ended.covers_within(day("2027-01-01"), h));
    }

    #[derive(Debug)]
    struct R(Provenance);
    impl Dated for R {
        fn provenance(&self) -> &Provenance {
            &self.0
        }
    }

    /// Past the horizon the error names the file, the table and the horizon; within it, where
    /// the table's rows stop: an explicit end or the first row after the date.
    #[test]
    fn a_missing_row_names_the_file_and_where_the_rows_stop() {
        let rows = [
            R(row("2025-01-01", Some("2025-12-31"), false)),
            R(row("2026-01-01", None, true)),
        ];
        let h = Some(day("2027-12-31"));
        let found = in_force(
            &rows,
            "x.toml",
            "base",
            h,
            day("2027-06-01"),
            "base",
            |_| true,
        );
        assert_eq!(found.unwrap().0.effective_from, day("2026-01-01"));
        let err = in_force(
            &rows,
            "x.toml",
            "base",
            h,
            day("2030-01-01"),
            "base",
            |_| true,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no base is in force on 2030-01-01 (x.toml [[base]]: the policy data reaches \
             2027-12-31); add an effective-dated row to data/payroll"
        );
        let err = in_force(
            &rows[..1],
            "x.toml",
            "base",
            h,
            day("2026-03-01"),
            "base",
            |_| true,
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .contains("(x.toml: the last row before that date ends 2025-12-31)"));
        let err = in_force(
            &rows,
            "x.toml",
            "base",
            h,
            day("2024-03-01"),
            "base",
            |_| true,
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .contains("(x.toml: the first row starts 2025-01-01)"));
    }
}
