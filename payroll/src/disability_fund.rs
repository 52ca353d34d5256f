//! Disability employment security fund (残疾人就业保障金).
//!
//! Annual amount = (headcount × quota − disabled staff) × average annual wage, the wage capped
//! at 2 × the local average; 2023-2027 (财政部公告2023年第8号): a disabled-staff ratio ≥ 1% pays
//! 50%, below 1% pays 90%; employers with ≤ 30 staff are exempt. The headcount is the
//! contractor's whole company; the project carries `project_share` of it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Provenance};
use crate::error::{PayrollError, PolicyError};
use crate::money::{fmt2, round_fen, Money};
use crate::policy::{check_period, check_rate, invalid};

/// A reduction tier: a disabled-staff ratio at least `min_ratio` pays `payable` of the full amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// Lowest ratio of the tier.
    pub min_ratio: Decimal,
    /// Fraction of the full amount payable.
    pub payable: Decimal,
}

/// The fund rules of one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisabilityFundRule {
    /// Required ratio of disabled staff (Hainan 1.5%).
    pub quota: Decimal,
    /// Employers with at most this many staff pay nothing.
    pub small_employer_max_headcount: u32,
    /// The employer's average wage is capped at this multiple of the local average.
    pub wage_cap_multiple: Decimal,
    /// Tiers in descending `min_ratio`, the last at 0 (below the quota).
    pub tiers: Vec<Tier>,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for DisabilityFundRule {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

impl DisabilityFundRule {
    pub(crate) fn check(&self, file: &'static str) -> Result<(), PolicyError> {
        let what = "disability_fund";
        check_period(file, what, &self.provenance)?;
        check_rate(file, what, self.quota)?;
        for t in &self.tiers {
            check_rate(file, what, t.payable)?;
        }
        if !self
            .tiers
            .windows(2)
            .all(|w| w[0].min_ratio > w[1].min_ratio)
            || self.tiers.last().is_none_or(|t| !t.min_ratio.is_zero())
        {
            return Err(invalid(
                file,
                what,
                "tiers must descend by min_ratio and end at 0",
            ));
        }
        Ok(())
    }
}

/// The company facts the fund is computed from (prior year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyFacts {
    /// Prior-year average headcount of the whole company (在职职工人数).
    pub headcount: u32,
    /// Disabled staff counted (a severely disabled person may count as 2 where local rules say so).
    pub disabled_staff: Decimal,
    /// Prior-year average annual wage of the company's staff.
    pub average_annual_wage: Money,
    /// Prior-year local average annual wage (社会平均工资), for the 2× cap.
    pub local_average_annual_wage: Money,
    /// Share of the company fund carried by this project (e.g. project staff ÷ company staff).
    pub project_share: Decimal,
    /// Where the facts come from.
    #[serde(default)]
    pub note: Option<String>,
}

/// The fund, worked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisabilityFund {
    /// True when the small-employer exemption applies.
    pub exempt: bool,
    /// Disabled staff ÷ headcount.
    pub disabled_ratio: Decimal,
    /// headcount × quota − disabled staff, not below 0.
    pub shortfall_staff: Decimal,
    /// Average wage after the cap.
    pub wage_used: Money,
    /// Fraction payable under the tiers.
    pub payable_fraction: Decimal,
    /// Company amount for the year.
    pub annual_company: Money,
    /// Project share per month.
    pub monthly_project: Money,
    /// The working.
    pub formula: String,
    /// The working in Chinese, with the same figures.
    #[serde(default)]
    pub formula_zh: String,
}

/// Computes the fund for the rule in force on `date`. The rules are given without their policy,
/// so an open-ended rule has no end here ([`crate::month_cost`] bounds it by the policy's horizon).
///
/// # Errors
/// [`PayrollError::NoFigureInForce`] when no rule covers the date.
pub fn disability_fund(
    rules: &[DisabilityFundRule],
    facts: &CompanyFacts,
    date: NaiveDate,
) -> Result<DisabilityFund, PayrollError> {
    let rule = in_force(
        rules,
        "contract-cost.toml",
        "disability_fund",
        None,
        date,
        "disability fund rule",
        |_| true,
    )?;
    let head = Decimal::from(facts.headcount);
    let ratio = if facts.headcount == 0 {
        Decimal::ZERO
    } else {
        facts.disabled_staff / head
    };
    let cap = facts.local_average_annual_wage * rule.wage_cap_multiple;
    let wage_used = facts.average_annual_wage.min(cap);
    let shortfall = (head * rule.quota - facts.disabled_staff).max(Decimal::ZERO);
    if facts.headcount <= rule.small_employer_max_headcount {
        return Ok(DisabilityFund {
            exempt: true,
            disabled_ratio: ratio,
            shortfall_staff: shortfall,
            wage_used,
            payable_fraction: Decimal::ZERO,
            annual_company: Decimal::ZERO,
            monthly_project: Decimal::ZERO,
            formula: format!(
                "headcount {} ≤ {}: small-employer exemption, 0",
                facts.headcount, rule.small_employer_max_headcount
            ),
            formula_zh: format!(
                "在职职工人数 {} ≤ {}：小微企业免征，0",
                facts.headcount, rule.small_employer_max_headcount
            ),
        });
    }
    let fraction = if ratio >= rule.quota {
        Decimal::ZERO
    } else {
        rule.tiers
            .iter()
            .find(|t| ratio >= t.min_ratio)
            .map_or(Decimal::ONE, |t| t.payable)
    };
    let annual = round_fen(shortfall * wage_used * fraction);
    let monthly = round_fen(annual * facts.project_share / Decimal::from(12));
    Ok(DisabilityFund {
        exempt: false,
        disabled_ratio: ratio,
        shortfall_staff: shortfall,
        wage_used,
        payable_fraction: fraction,
        annual_company: annual,
        monthly_project: monthly,
        formula: format!(
            "ratio {} ÷ {} = {}; shortfall = {} × {} − {} = {shortfall}; wage = min({}, {} × {}) = {}; \
             annual = {shortfall} × {} × {fraction} = {}; project month = {} × {} ÷ 12 = {}",
            facts.disabled_staff,
            facts.headcount,
            ratio.round_dp(6),
            facts.headcount,
            rule.quota,
            facts.disabled_staff,
            fmt2(facts.average_annual_wage),
            fmt2(facts.local_average_annual_wage),
            rule.wage_cap_multiple,
            fmt2(wage_used),
            fmt2(wage_used),
            fmt2(annual),
            fmt2(annual),
            facts.project_share,
            fmt2(monthly)
        ),
        formula_zh: format!(
            "残疾职工比例 {} ÷ {} = {}；差额人数 = {} × 安排比例 {} − 已安排 {} = {shortfall}；\
             年平均工资 = min(本单位 {}, 当地社会平均工资 {} × {}) = {}；\
             全年应缴 = {shortfall} × {} × 征收比例 {fraction} = {}；项目每月分摊 = {} × {} ÷ 12 = {}",
            facts.disabled_staff,
            facts.headcount,
            ratio.round_dp(6),
            facts.headcount,
            rule.quota,
            facts.disabled_staff,
            fmt2(facts.average_annual_wage),
            fmt2(facts.local_average_annual_wage),
            rule.wage_cap_multiple,
            fmt2(wage_used),
            fmt2(wage_used),
            fmt2(annual),
            fmt2(annual),
            facts.project_share,
            fmt2(monthly)
        ),
    })
}
