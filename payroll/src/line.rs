//! A pay line (工资条项目): one amount with its code, labels and working.

use std::collections::BTreeMap;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::month::Month;

/// One line of a payslip or cost sheet. It explains itself: `formula` (English) and
/// `formula_zh` (Chinese, same figures and structure) show the arithmetic with the figures
/// filled in, `inputs` names every figure used.
///
/// A line is also input (the `arrears` of a case), so it refuses unknown fields and reads its
/// amount as a decimal string only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayLine {
    /// Stable machine code, e.g. `BASE`, `OT150`, `SI_PENSION_EE`.
    pub code: String,
    /// Chinese label as on a 工资条.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// The amount, rounded once to the fen. Deductions within gross are negative.
    #[serde(deserialize_with = "crate::money::strict::line_amount")]
    pub amount: Money,
    /// How it was computed, with the figures filled in (English).
    pub formula: String,
    /// The same working in Chinese (计算方法), with the same figures. Empty only on a line read
    /// from JSON written before it existed (older stored runs, hand-written arrears lines):
    /// show `formula` then.
    #[serde(default)]
    pub formula_zh: String,
    /// Every input figure by name.
    #[serde(default)]
    pub inputs: BTreeMap<String, String>,
    /// For arrears and corrections: the month the difference belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_month: Option<Month>,
}

impl PayLine {
    /// A line with its code, labels, amount and working in English and in Chinese; no inputs
    /// and no source month yet.
    #[must_use]
    pub fn new(
        code: &str,
        label_zh: &str,
        label_en: &str,
        amount: Money,
        formula: impl Into<String>,
        formula_zh: impl Into<String>,
    ) -> Self {
        Self {
            code: code.to_owned(),
            label_zh: label_zh.to_owned(),
            label_en: label_en.to_owned(),
            amount,
            formula: formula.into(),
            formula_zh: formula_zh.into(),
            inputs: BTreeMap::new(),
            source_month: None,
        }
    }

    /// Adds (or replaces) the input figure `name`.
    #[must_use]
    pub fn input(mut self, name: &str, value: impl Display) -> Self {
        self.inputs.insert(name.to_owned(), value.to_string());
        self
    }
}

/// The sum of the lines' amounts.
#[must_use]
pub fn sum(lines: &[PayLine]) -> Money {
    lines.iter().map(|l| l.amount).sum()
}
