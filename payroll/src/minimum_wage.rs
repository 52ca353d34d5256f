//! Minimum wage (最低工资标准): the Danzhou figures and the monthly check.
//!
//! The check compares pay for standard hours (base, post allowance, performance pay and
//! the allowances marked as counting) with the monthly minimum, pro rata to the scheduled
//! working days employed. Overtime, night allowance and special allowances are excluded
//! (最低工资规定 art.12). A breach is reported, never corrected.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Notices, Provenance};
use crate::error::{PayrollError, PolicyError};
use crate::money::{fmt2, round_fen, Money};
use crate::policy::{check_amount, check_no_overlap, check_period, parse};

const FILE: &str = "minimum-wage.toml";

/// One period's minimum wage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinimumWageRow {
    /// Monthly minimum for full-time staff.
    pub monthly: Decimal,
    /// Hourly minimum for part-time staff.
    pub hourly: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for MinimumWageRow {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// Whether employee contributions are deducted before comparing (Hainan: UNKNOWN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionTreatment {
    /// If true, employee SI and housing fund are subtracted from pay before the comparison.
    pub deduct_employee_contributions: bool,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// `minimum-wage.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinimumWagePolicy {
    /// City and tier.
    pub region: String,
    /// Treatment of employee contributions.
    pub check: ContributionTreatment,
    /// Minimum wage by period.
    pub minimum_wage: Vec<MinimumWageRow>,
    /// The horizon of the policy this table belongs to, set by [`crate::Policy`]: open-ended
    /// rows run to it. `None` for a file parsed on its own: they run on.
    #[serde(skip)]
    pub(crate) horizon: Option<NaiveDate>,
}

impl MinimumWagePolicy {
    /// Every dated row of the file, for the policy's horizon.
    pub(crate) fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        self.minimum_wage.iter().map(|r| &r.provenance)
    }

    /// Parses and validates `minimum-wage.toml`.
    ///
    /// # Errors
    /// [`PolicyError`] naming the row.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let p: Self = parse(FILE, text)?;
        for (i, r) in p.minimum_wage.iter().enumerate() {
            let what = format!("minimum_wage[{i}]");
            check_period(FILE, &what, &r.provenance)?;
            check_amount(FILE, &what, r.monthly)?;
            check_amount(FILE, &what, r.hourly)?;
        }
        check_no_overlap(
            FILE,
            p.minimum_wage
                .iter()
                .map(|r| ("minimum_wage", &r.provenance)),
        )?;
        Ok(p)
    }

    /// The row in force on `date`.
    ///
    /// # Errors
    /// [`PayrollError::NoFigureInForce`].
    pub fn on(&self, date: NaiveDate) -> Result<&MinimumWageRow, PayrollError> {
        in_force(
            &self.minimum_wage,
            FILE,
            "minimum_wage",
            self.horizon,
            date,
            "minimum wage",
            |_| true,
        )
    }
}

/// The outcome of the minimum-wage check for one payslip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinimumWageCheck {
    /// The monthly minimum wage in force.
    pub minimum_wage: Money,
    /// The minimum pro rata to working days employed.
    pub required: Money,
    /// Pay for standard hours counted against it.
    pub pay_for_standard_hours: Money,
    /// The line codes counted.
    pub counted_codes: Vec<String>,
    /// True when `pay_for_standard_hours >= required`.
    pub passed: bool,
    /// The comparison with figures.
    pub formula: String,
    /// The comparison in Chinese, with the same figures (the lines by their Chinese labels).
    #[serde(default)]
    pub formula_zh: String,
}

pub(crate) fn check(
    row: &MinimumWageRow,
    treatment: &ContributionTreatment,
    counted: &[(String, String, Money)],
    employee_contributions: Money,
    working_days_employed: u32,
    scheduled_working_days: u32,
    notices: &mut Notices,
) -> MinimumWageCheck {
    notices.note("minimum wage", &row.provenance);
    let required = round_fen(
        row.monthly * Decimal::from(working_days_employed) / Decimal::from(scheduled_working_days),
    );
    let mut pay: Money = counted.iter().map(|(_, _, a)| *a).sum();
    let mut formula = counted
        .iter()
        .map(|(c, _, a)| format!("{c} {}", fmt2(*a)))
        .collect::<Vec<_>>()
        .join(" + ");
    let mut formula_zh = counted
        .iter()
        .map(|(_, zh, a)| format!("{zh} {}", fmt2(*a)))
        .collect::<Vec<_>>()
        .join(" + ");
    if treatment.deduct_employee_contributions {
        pay -= employee_contributions;
        formula.push_str(&format!(
            " − employee contributions {}",
            fmt2(employee_contributions)
        ));
        formula_zh.push_str(&format!(
            " − 个人缴纳社保公积金 {}",
            fmt2(employee_contributions)
        ));
    }
    let passed = pay >= required;
    MinimumWageCheck {
        minimum_wage: row.monthly,
        required,
        pay_for_standard_hours: pay,
        counted_codes: counted.iter().map(|(c, _, _)| c.clone()).collect(),
        passed,
        formula: format!(
            "{formula} = {} {} minimum {} × {working_days_employed} ÷ {scheduled_working_days} = {}",
            fmt2(pay),
            if passed { "≥" } else { "<" },
            fmt2(row.monthly),
            fmt2(required)
        ),
        formula_zh: format!(
            "{formula_zh} = {} {} 最低工资标准 {} × {working_days_employed} ÷ {scheduled_working_days} = {}",
            fmt2(pay),
            if passed { "≥" } else { "<" },
            fmt2(row.monthly),
            fmt2(required)
        ),
    }
}
