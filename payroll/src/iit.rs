//! Individual income tax on wages (个人所得税): cumulative withholding (累计预扣法)
//! and the annual one-off bonus (全年一次性奖金), separate or merged.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Notices, Provenance};
use crate::employee::{BasicDeduction, BonusTaxMethod, Employee};
use crate::error::{PayrollError, PolicyError};
use crate::line::PayLine;
use crate::money::{fmt2, round_fen, Money};
use crate::month::Month;
use crate::policy::{check_amount, check_no_overlap, check_period, check_rate, invalid, parse};

const FILE: &str = "iit.toml";

/// One bracket of a progressive table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bracket {
    /// Upper bound (inclusive); open for the top bracket.
    #[serde(default)]
    pub up_to: Option<Decimal>,
    /// Rate, a fraction.
    pub rate: Decimal,
    /// Quick deduction (速算扣除数).
    pub quick_deduction: Decimal,
}

/// A progressive table with its period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxTable {
    /// Brackets in ascending order; the last has no upper bound.
    pub brackets: Vec<Bracket>,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for TaxTable {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

impl TaxTable {
    /// The bracket that `amount` falls in.
    #[must_use]
    pub fn bracket(&self, amount: Decimal) -> &Bracket {
        self.brackets
            .iter()
            .find(|b| b.up_to.is_none_or(|u| amount <= u))
            .expect("validated: the last bracket is open")
    }

    fn check(&self, what: &str) -> Result<(), PolicyError> {
        check_period(FILE, what, &self.provenance)?;
        let mut last: Option<Decimal> = None;
        for (i, b) in self.brackets.iter().enumerate() {
            check_rate(FILE, what, b.rate)?;
            check_amount(FILE, what, b.quick_deduction)?;
            let is_last = i + 1 == self.brackets.len();
            match (b.up_to, is_last) {
                (None, true) => {}
                (None, false) => {
                    return Err(invalid(
                        FILE,
                        what,
                        format!("bracket {i} is open but not last"),
                    ))
                }
                (Some(_), true) => {
                    return Err(invalid(FILE, what, "the last bracket must have no up_to"))
                }
                (Some(u), false) => {
                    if last.is_some_and(|l| u <= l) {
                        return Err(invalid(
                            FILE,
                            what,
                            format!("bracket {i} up_to {u} is not ascending"),
                        ));
                    }
                    last = Some(u);
                }
            }
        }
        Ok(())
    }
}

/// The monthly basic deduction (基本减除费用).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicDeductionRow {
    /// Yuan per month.
    pub monthly: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for BasicDeductionRow {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// A standard special additional deduction amount, for reference and validation of claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDeduction {
    /// Code, e.g. `childcare`.
    pub code: String,
    /// Chinese label.
    pub label_zh: String,
    /// Monthly amount (absent where the deduction is annual or claimed at reconciliation).
    #[serde(default)]
    pub monthly: Option<Decimal>,
    /// Conditions.
    #[serde(default)]
    pub note: Option<String>,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

/// `iit.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IitPolicy {
    /// Basic deduction by period.
    pub basic_deduction: Vec<BasicDeductionRow>,
    /// 预扣率表一 (cumulative, annual brackets) by period.
    pub cumulative_table: Vec<TaxTable>,
    /// 按月换算后的综合所得税率表 for the separately taxed annual bonus, by period.
    pub bonus_table: Vec<TaxTable>,
    /// Standard special additional deductions.
    #[serde(default)]
    pub special_deduction: Vec<SpecialDeduction>,
    /// The horizon of the policy this table belongs to, set by [`crate::Policy`]: open-ended
    /// rows run to it. `None` for a file parsed on its own: they run on.
    #[serde(skip)]
    pub(crate) horizon: Option<NaiveDate>,
}

impl IitPolicy {
    /// Every dated row of the file, for the policy's horizon.
    pub(crate) fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        self.basic_deduction
            .iter()
            .map(|r| &r.provenance)
            .chain(self.cumulative_table.iter().map(|r| &r.provenance))
            .chain(self.bonus_table.iter().map(|r| &r.provenance))
            .chain(self.special_deduction.iter().map(|r| &r.provenance))
    }

    /// Parses and validates `iit.toml`.
    ///
    /// # Errors
    /// [`PolicyError`] naming the table.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let p: Self = parse(FILE, text)?;
        for (i, t) in p.cumulative_table.iter().enumerate() {
            t.check(&format!("cumulative_table[{i}]"))?;
        }
        for (i, t) in p.bonus_table.iter().enumerate() {
            t.check(&format!("bonus_table[{i}]"))?;
        }
        for (i, b) in p.basic_deduction.iter().enumerate() {
            check_period(FILE, &format!("basic_deduction[{i}]"), &b.provenance)?;
        }
        check_no_overlap(
            FILE,
            p.cumulative_table
                .iter()
                .map(|t| ("cumulative_table", &t.provenance)),
        )?;
        check_no_overlap(
            FILE,
            p.bonus_table.iter().map(|t| ("bonus_table", &t.provenance)),
        )?;
        check_no_overlap(
            FILE,
            p.basic_deduction
                .iter()
                .map(|t| ("basic_deduction", &t.provenance)),
        )?;
        Ok(p)
    }
}

/// Cumulative figures of the year at this employer before the month (累计数).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IitYearToDate {
    /// 累计收入: taxable wage income (including a merged bonus and arrears).
    #[serde(deserialize_with = "crate::money::strict::ytd_income")]
    pub income: Money,
    /// 累计专项扣除: employee social insurance and housing fund.
    #[serde(deserialize_with = "crate::money::strict::ytd_employee_contributions")]
    pub employee_contributions: Money,
    /// 累计专项附加扣除.
    #[serde(deserialize_with = "crate::money::strict::ytd_special_deductions")]
    pub special_deductions: Money,
    /// 累计其他扣除.
    #[serde(deserialize_with = "crate::money::strict::ytd_other_deductions")]
    pub other_deductions: Money,
    /// 累计已预扣预缴税额 (wages only; a separately taxed bonus is not included).
    #[serde(deserialize_with = "crate::money::strict::ytd_tax_withheld")]
    pub tax_withheld: Money,
}

/// The month's tax result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IitResult {
    /// Cumulative basic deduction used (累计减除费用).
    pub cumulative_basic_deduction: Money,
    /// Cumulative taxable income (累计应纳税所得额), 0 when negative.
    pub cumulative_taxable_income: Money,
    /// Cumulative tax due (累计应纳税额).
    pub cumulative_tax: Money,
    /// Year to date after this month, to pass to the next month.
    pub year_to_date_after: IitYearToDate,
}

/// Tax on a separately taxed annual bonus: (tax, rate, quick deduction).
#[must_use]
pub fn bonus_tax_separate(table: &TaxTable, bonus: Money) -> (Money, Decimal, Decimal) {
    let b = table.bracket(bonus / Decimal::from(12));
    (
        round_fen(bonus * b.rate - b.quick_deduction).max(Decimal::ZERO),
        b.rate,
        b.quick_deduction,
    )
}

/// Months counted for the basic deduction in `month` (1..=12).
fn months_counted(mode: BasicDeduction, hired_on: NaiveDate, month: Month) -> u32 {
    match mode {
        BasicDeduction::Annual60000 => 12,
        BasicDeduction::FirstJobOfYear => month.month(),
        BasicDeduction::FromHireMonth => {
            let start = if hired_on.year() == month.year() {
                hired_on.month()
            } else {
                1
            };
            (month.month() + 1).saturating_sub(start).max(1)
        }
    }
}

pub(crate) struct IitInput<'a> {
    pub(crate) employee: &'a Employee,
    pub(crate) month: Month,
    pub(crate) ytd: &'a IitYearToDate,
    /// Taxable wage income this month, excluding the bonus.
    pub(crate) wages: Money,
    pub(crate) employee_contributions: Money,
    pub(crate) bonus: Option<Money>,
}

pub(crate) fn withhold(
    policy: &IitPolicy,
    input: &IitInput<'_>,
    notices: &mut Notices,
) -> Result<(Vec<PayLine>, IitResult), PayrollError> {
    let date = input.month.first_day();
    let e = input.employee;
    let basic = in_force(
        &policy.basic_deduction,
        FILE,
        "basic_deduction",
        policy.horizon,
        date,
        "IIT basic deduction",
        |_| true,
    )?;
    let table = in_force(
        &policy.cumulative_table,
        FILE,
        "cumulative_table",
        policy.horizon,
        date,
        "IIT cumulative withholding table",
        |_| true,
    )?;
    notices.note("IIT cumulative withholding table", &table.provenance);
    let merged_bonus = match (input.bonus, e.bonus_tax_method) {
        (Some(b), BonusTaxMethod::Merged) => b,
        _ => Decimal::ZERO,
    };
    let income = input.ytd.income + input.wages + merged_bonus;
    let contributions = input.ytd.employee_contributions + input.employee_contributions;
    let special = input.ytd.special_deductions + e.iit.special_deductions_monthly;
    let other = input.ytd.other_deductions + e.iit.other_deductions_monthly;
    let months = months_counted(e.iit.basic_deduction, e.hired_on, input.month);
    let basic_cum = basic.monthly * Decimal::from(months);
    let raw = income - basic_cum - contributions - special - other;
    let taxable = raw.max(Decimal::ZERO);
    let b = table.bracket(taxable);
    let cum_tax = round_fen(taxable * b.rate - b.quick_deduction).max(Decimal::ZERO);
    let due = cum_tax - input.ytd.tax_withheld;
    let this_month = due.max(Decimal::ZERO);
    let mut lines = vec![PayLine::new(
        "IIT",
        "个人所得税(工资薪金)",
        "Individual income tax (wages)",
        this_month,
        format!(
            "cumulative taxable = income {} − basic {} ({months} × {}) − contributions {} − special {} − other {} = {}{}; \
             cumulative tax = {} × {} − {} = {}; this month = max(0, {} − withheld {}) = {}",
            fmt2(income),
            fmt2(basic_cum),
            fmt2(basic.monthly),
            fmt2(contributions),
            fmt2(special),
            fmt2(other),
            fmt2(raw),
            if raw < Decimal::ZERO { " → 0" } else { "" },
            fmt2(taxable),
            b.rate,
            fmt2(b.quick_deduction),
            fmt2(cum_tax),
            fmt2(cum_tax),
            fmt2(input.ytd.tax_withheld),
            fmt2(this_month)
        ),
        format!(
            "累计应纳税所得额 = 累计收入 {} − 累计减除费用 {} ({months} 个月 × {}) − 累计专项扣除 {} − 累计专项附加扣除 {} − 累计其他扣除 {} = {}{}；\
             累计应纳税额 = {} × 税率 {} − 速算扣除数 {} = {}；本月应预扣 = max(0, {} − 已预扣 {}) = {}",
            fmt2(income),
            fmt2(basic_cum),
            fmt2(basic.monthly),
            fmt2(contributions),
            fmt2(special),
            fmt2(other),
            fmt2(raw),
            if raw < Decimal::ZERO { " → 0" } else { "" },
            fmt2(taxable),
            b.rate,
            fmt2(b.quick_deduction),
            fmt2(cum_tax),
            fmt2(cum_tax),
            fmt2(input.ytd.tax_withheld),
            fmt2(this_month)
        ),
    )
    .input("cumulative_income", fmt2(income))
    .input("months_counted", months)
    .input("cumulative_taxable_income", fmt2(taxable))
    .input("rate", b.rate)
    .input("quick_deduction", fmt2(b.quick_deduction))
    .input("tax_withheld_before", fmt2(input.ytd.tax_withheld))];
    if let (Some(bonus), BonusTaxMethod::Separate) = (input.bonus, e.bonus_tax_method) {
        let bt = in_force(
            &policy.bonus_table,
            FILE,
            "bonus_table",
            policy.horizon,
            date,
            "annual bonus tax table",
            |_| true,
        )?;
        notices.note("annual bonus tax table", &bt.provenance);
        let (tax, rate, quick) = bonus_tax_separate(bt, bonus);
        lines.push(
            PayLine::new(
                "IIT_BONUS",
                "个人所得税(全年一次性奖金单独计税)",
                "Income tax on annual bonus (taxed separately)",
                tax,
                format!(
                    "bonus {} ÷ 12 = {} → rate {rate}, quick deduction {}; {} × {rate} − {} = {}",
                    fmt2(bonus),
                    fmt2(bonus / Decimal::from(12)),
                    fmt2(quick),
                    fmt2(bonus),
                    fmt2(quick),
                    fmt2(tax)
                ),
                format!(
                    "全年一次性奖金 {} ÷ 12 = {} → 税率 {rate}，速算扣除数 {}；{} × {rate} − {} = {}",
                    fmt2(bonus),
                    fmt2(bonus / Decimal::from(12)),
                    fmt2(quick),
                    fmt2(bonus),
                    fmt2(quick),
                    fmt2(tax)
                ),
            )
            .input("bonus", fmt2(bonus))
            .input("rate", rate)
            .input("quick_deduction", fmt2(quick))
            .input("table_source", &bt.provenance.source),
        );
    }
    let after = IitYearToDate {
        income,
        employee_contributions: contributions,
        special_deductions: special,
        other_deductions: other,
        tax_withheld: input.ytd.tax_withheld + this_month,
    };
    Ok((
        lines,
        IitResult {
            cumulative_basic_deduction: basic_cum,
            cumulative_taxable_income: taxable,
            cumulative_tax: cum_tax,
            year_to_date_after: after,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_from_hire() {
        let m = Month::new(2026, 9).unwrap();
        let hired = NaiveDate::from_ymd_opt(2026, 7, 20).unwrap();
        assert_eq!(months_counted(BasicDeduction::FromHireMonth, hired, m), 3);
        let old = NaiveDate::from_ymd_opt(2020, 7, 20).unwrap();
        assert_eq!(months_counted(BasicDeduction::FromHireMonth, old, m), 9);
        assert_eq!(months_counted(BasicDeduction::FirstJobOfYear, hired, m), 9);
        assert_eq!(months_counted(BasicDeduction::Annual60000, hired, m), 12);
    }
}
