//! The pay structure (薪酬体系): pay per position and grade, and the pay-conversion rules
//! (21.75 days, 8 hours, which components form the monthly wage for overtime and leave).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Provenance};
use crate::employee::Position;
use crate::error::{PayrollError, PolicyError};
use crate::policy::{check_amount, check_no_overlap, check_period, check_rate, invalid, parse};

const FILE: &str = "pay-structure.toml";

/// A component of the monthly wage used for the day and hour wage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WageComponent {
    /// 基本工资.
    BaseWage,
    /// 岗位津贴.
    PostAllowance,
    /// 绩效基数.
    PerformanceBase,
}

/// Pay-conversion and leave rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayRules {
    /// 月计薪天数: day wage = monthly ÷ this (21.75).
    pub pay_conversion_days: Decimal,
    /// Hours per day (8): hour wage = monthly ÷ 21.75 ÷ 8.
    pub hours_per_day: Decimal,
    /// Components summed into the "monthly wage" for day and hour wage.
    pub monthly_wage_components: Vec<WageComponent>,
    /// Sick pay as a fraction of the day wage (病假工资比例).
    pub sick_pay_rate: Decimal,
    /// Sick pay floor as a fraction of the minimum wage (0.8).
    pub sick_pay_floor_of_minimum_wage: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for PayRules {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// A fixed monthly allowance of a pay grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allowance {
    /// Line code (prefixed `ALW_` on the payslip).
    pub code: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Yuan per month, prorated for a part month.
    pub amount: Decimal,
    /// Whether it counts toward the minimum wage (special-condition allowances do not).
    pub counts_for_minimum_wage: bool,
}

/// Pay of one position and grade (岗位薪级).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayGrade {
    /// Position.
    pub position: Position,
    /// Grade within the position.
    pub pay_grade: u8,
    /// 基本工资 per month.
    pub base_wage: Decimal,
    /// 岗位津贴 per month.
    pub post_allowance: Decimal,
    /// 绩效基数 per month (× coefficient).
    pub performance_base: Decimal,
    /// 夜班津贴 per night shift.
    pub night_allowance_per_shift: Decimal,
    /// Other fixed allowances.
    #[serde(default)]
    pub allowances: Vec<Allowance>,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for PayGrade {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

impl PayGrade {
    /// The monthly wage for day and hour wage under `rules`.
    #[must_use]
    pub fn monthly_wage(&self, rules: &PayRules) -> Decimal {
        rules
            .monthly_wage_components
            .iter()
            .map(|c| match c {
                WageComponent::BaseWage => self.base_wage,
                WageComponent::PostAllowance => self.post_allowance,
                WageComponent::PerformanceBase => self.performance_base,
            })
            .sum()
    }

    /// The nominal full-month pay before performance coefficient and night shifts:
    /// base + post + performance base + allowances.
    #[must_use]
    pub fn nominal_monthly(&self) -> Decimal {
        self.base_wage
            + self.post_allowance
            + self.performance_base
            + self.allowances.iter().map(|a| a.amount).sum::<Decimal>()
    }
}

/// `pay-structure.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayStructure {
    /// Rules by period.
    pub rules: Vec<PayRules>,
    /// Pay grades.
    pub grade: Vec<PayGrade>,
    /// The horizon of the policy this table belongs to, set by [`crate::Policy`]: open-ended
    /// rows run to it. `None` for a file parsed on its own: they run on.
    #[serde(skip)]
    pub(crate) horizon: Option<NaiveDate>,
}

impl PayStructure {
    /// Every dated row of the file, for the policy's horizon.
    pub(crate) fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        self.rules
            .iter()
            .map(|r| &r.provenance)
            .chain(self.grade.iter().map(|r| &r.provenance))
    }

    /// Parses and validates `pay-structure.toml`.
    ///
    /// # Errors
    /// [`PolicyError`] naming the row.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let p: Self = parse(FILE, text)?;
        for (i, r) in p.rules.iter().enumerate() {
            let what = format!("rules[{i}]");
            check_period(FILE, &what, &r.provenance)?;
            check_rate(FILE, &what, r.sick_pay_rate)?;
            check_rate(FILE, &what, r.sick_pay_floor_of_minimum_wage)?;
            if r.pay_conversion_days <= Decimal::ZERO || r.hours_per_day <= Decimal::ZERO {
                return Err(invalid(
                    FILE,
                    what,
                    "pay_conversion_days and hours_per_day must be positive",
                ));
            }
            if r.monthly_wage_components.is_empty() {
                return Err(invalid(FILE, what, "monthly_wage_components is empty"));
            }
        }
        for g in &p.grade {
            let what = format!("grade {} {}", g.position.name(), g.pay_grade);
            check_period(FILE, &what, &g.provenance)?;
            for a in [
                g.base_wage,
                g.post_allowance,
                g.performance_base,
                g.night_allowance_per_shift,
            ] {
                check_amount(FILE, &what, a)?;
            }
            for a in &g.allowances {
                check_amount(FILE, &format!("{what} allowance {}", a.code), a.amount)?;
            }
        }
        check_no_overlap(FILE, p.rules.iter().map(|r| ("rules", &r.provenance)))?;
        check_no_overlap(
            FILE,
            p.grade
                .iter()
                .map(|g| ((g.position, g.pay_grade), &g.provenance)),
        )?;
        Ok(p)
    }

    /// The rules in force on `date`.
    ///
    /// # Errors
    /// [`PayrollError::NoFigureInForce`].
    pub fn rules_on(&self, date: NaiveDate) -> Result<&PayRules, PayrollError> {
        in_force(
            &self.rules,
            FILE,
            "rules",
            self.horizon,
            date,
            "pay-rule set",
            |_| true,
        )
    }

    /// The pay grade in force on `date`.
    ///
    /// # Errors
    /// [`PayrollError::NoFigureInForce`] naming position and grade.
    pub fn grade_on(
        &self,
        position: Position,
        pay_grade: u8,
        date: NaiveDate,
    ) -> Result<&PayGrade, PayrollError> {
        in_force(
            &self.grade,
            FILE,
            "grade",
            self.horizon,
            date,
            &format!("pay grade {} {pay_grade}", position.name()),
            |g| g.position == position && g.pay_grade == pay_grade,
        )
    }
}
