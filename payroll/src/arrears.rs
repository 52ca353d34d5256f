//! Arrears and corrections (补发/补扣): an approved past month is re-computed under new
//! inputs, and the differences become lines of the current month linked to the source month.
//!
//! Earnings differences are taxable income of the month they are paid in (cumulative
//! withholding absorbs them); contribution differences are paid with the current month.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::PayrollError;
use crate::line::PayLine;
use crate::money::{fmt2, Money};
use crate::month::Month;
use crate::payslip::Payslip;

/// The differences of one source month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrears {
    /// The month corrected.
    pub source_month: Month,
    /// Earnings differences (positive = back pay, negative = recovery).
    #[serde(default)]
    pub earnings: Vec<PayLine>,
    /// Employee contribution differences.
    #[serde(default)]
    pub employee_contributions: Vec<PayLine>,
    /// Employer contribution differences.
    #[serde(default)]
    pub employer_contributions: Vec<PayLine>,
}

fn diff(
    (section, section_zh): (&str, &str),
    approved: &[PayLine],
    revised: &[PayLine],
    month: Month,
) -> Vec<PayLine> {
    let mut by_code: BTreeMap<&str, (Money, Money, &PayLine)> = BTreeMap::new();
    for l in approved {
        let e = by_code
            .entry(&l.code)
            .or_insert((Decimal::ZERO, Decimal::ZERO, l));
        e.0 += l.amount;
    }
    for l in revised {
        let e = by_code
            .entry(&l.code)
            .or_insert((Decimal::ZERO, Decimal::ZERO, l));
        e.1 += l.amount;
    }
    // Keep the order of first appearance in the revised, then the approved payslip.
    let mut order: Vec<&str> = revised
        .iter()
        .chain(approved)
        .map(|l| l.code.as_str())
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    order.retain(|c| seen.insert(*c));
    order
        .into_iter()
        .filter_map(|code| {
            let (a, r, l) = by_code[code];
            let d = r - a;
            (!d.is_zero()).then(|| {
                let mut line = PayLine::new(
                    &format!("ARR_{code}"),
                    &format!("补差({month}){}", l.label_zh),
                    &format!("Arrears ({month}) {}", l.label_en),
                    d,
                    format!(
                        "{section} {code} for {month}: revised {} − approved {} = {}",
                        fmt2(r),
                        fmt2(a),
                        fmt2(d)
                    ),
                    format!(
                        "{section_zh} {} {month} 补差：修正后 {} − 已批准 {} = {}",
                        l.label_zh,
                        fmt2(r),
                        fmt2(a),
                        fmt2(d)
                    ),
                )
                .input("approved", fmt2(a))
                .input("revised", fmt2(r));
                line.source_month = Some(month);
                line
            })
        })
        .collect()
}

/// The differences between an approved payslip and its re-computation.
///
/// Income tax is not diffed: the earnings difference is taxed in the month it is paid.
///
/// # Errors
/// [`PayrollError::ArrearsMismatch`] when the payslips are of different employees or months.
pub fn arrears_between(approved: &Payslip, revised: &Payslip) -> Result<Arrears, PayrollError> {
    if approved.employee_id != revised.employee_id || approved.month != revised.month {
        return Err(PayrollError::ArrearsMismatch {
            approved_employee: approved.employee_id.clone(),
            approved_month: approved.month,
            revised_employee: revised.employee_id.clone(),
            revised_month: revised.month,
        });
    }
    let m = approved.month;
    Ok(Arrears {
        source_month: m,
        earnings: diff(
            ("earnings", "应发项目"),
            &approved.earnings,
            &revised.earnings,
            m,
        ),
        employee_contributions: diff(
            ("employee contributions", "个人缴纳"),
            &approved.employee_contributions,
            &revised.employee_contributions,
            m,
        ),
        employer_contributions: diff(
            ("employer contributions", "单位缴纳"),
            &approved.employer_contributions,
            &revised.employer_contributions,
            m,
        ),
    })
}
