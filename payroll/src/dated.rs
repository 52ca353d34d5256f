//! Effective-dated policy rows (有效期) with their source and grade.
//!
//! Every figure in `data/payroll/*.toml` carries a [`Provenance`]: the period in force,
//! the source, the grade of that source, and whether the figure is UNKNOWN for the
//! period and was carried forward from the last known one.

use chrono::NaiveDate;
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
    /// Whether `date` falls in the period in force.
    #[must_use]
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
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

/// The single row of `rows` matching `filter` that is in force on `date`.
pub(crate) fn in_force<'a, T: Dated>(
    rows: &'a [T],
    date: NaiveDate,
    what: &str,
    filter: impl Fn(&T) -> bool,
) -> Result<&'a T, PayrollError> {
    let mut found = rows
        .iter()
        .filter(|r| filter(r) && r.provenance().covers(date));
    let first = found.next().ok_or_else(|| PayrollError::NoFigureInForce {
        what: what.to_owned(),
        date,
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
