//! The whole policy (政策参数): every effective-dated table, parsed from the TOML text of
//! `data/payroll/*.toml`. The crate never reads files; the caller passes the text.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::contract_cost::ContractCostRules;
use crate::dated::{horizon_of, Provenance};
use crate::error::PolicyError;
use crate::housing_fund::HousingFundPolicy;
use crate::iit::IitPolicy;
use crate::minimum_wage::MinimumWagePolicy;
use crate::pay_structure::PayStructure;
use crate::performance::PerformanceRules;
use crate::social_insurance::SocialInsurancePolicy;

/// The text of each policy file, as read by the caller from `data/payroll/`.
#[derive(Debug, Clone, Copy)]
pub struct PolicyTexts<'a> {
    /// `social-insurance.toml`
    pub social_insurance: &'a str,
    /// `housing-fund.toml`
    pub housing_fund: &'a str,
    /// `minimum-wage.toml`
    pub minimum_wage: &'a str,
    /// `iit.toml`
    pub iit: &'a str,
    /// `pay-structure.toml`
    pub pay_structure: &'a str,
    /// `performance.toml`
    pub performance: &'a str,
    /// `contract-cost.toml`
    pub contract_cost: &'a str,
}

impl PolicyTexts<'static> {
    /// The file names under `data/payroll/`, in the order of the fields.
    pub const FILE_NAMES: [&'static str; 7] = [
        "social-insurance.toml",
        "housing-fund.toml",
        "minimum-wage.toml",
        "iit.toml",
        "pay-structure.toml",
        "performance.toml",
        "contract-cost.toml",
    ];
}

/// Every policy table the engine uses.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Hainan social insurance rates and bases.
    pub social_insurance: SocialInsurancePolicy,
    /// Danzhou housing provident fund.
    pub housing_fund: HousingFundPolicy,
    /// Danzhou minimum wage.
    pub minimum_wage: MinimumWagePolicy,
    /// Individual income tax tables and deductions.
    pub iit: IitPolicy,
    /// Pay structure per position and grade (薪酬体系) and pay-conversion rules.
    pub pay_structure: PayStructure,
    /// Performance rules (绩效考核办法).
    pub performance: PerformanceRules,
    /// Contract cost items, disability fund and the labour-cost floor.
    pub contract_cost: ContractCostRules,
}

impl Policy {
    /// Parses and validates every policy file.
    ///
    /// # Errors
    /// [`PolicyError`] naming the file and row that is wrong.
    pub fn from_toml_strs(texts: &PolicyTexts<'_>) -> Result<Self, PolicyError> {
        let mut policy = Self {
            social_insurance: SocialInsurancePolicy::from_toml_str(texts.social_insurance)?,
            housing_fund: HousingFundPolicy::from_toml_str(texts.housing_fund)?,
            minimum_wage: MinimumWagePolicy::from_toml_str(texts.minimum_wage)?,
            iit: IitPolicy::from_toml_str(texts.iit)?,
            pay_structure: PayStructure::from_toml_str(texts.pay_structure)?,
            performance: PerformanceRules::from_toml_str(texts.performance)?,
            contract_cost: ContractCostRules::from_toml_str(texts.contract_cost)?,
        };
        policy.refresh_horizon();
        Ok(policy)
    }

    /// The horizon of the policy data: the latest date any dated row mentions (its
    /// `effective_from` or `effective_to`, over every table of every file), extended to 31
    /// December of that year; `None` without any row. An open-ended row, carried forward or not,
    /// is in force up to the horizon; a month after it has no figure and is refused.
    #[must_use]
    pub fn horizon(&self) -> Option<NaiveDate> {
        horizon_of(
            self.social_insurance
                .provenances()
                .chain(self.housing_fund.provenances())
                .chain(self.minimum_wage.provenances())
                .chain(self.iit.provenances())
                .chain(self.pay_structure.provenances())
                .chain(self.performance.provenances())
                .chain(self.contract_cost.provenances()),
        )
    }

    /// Bounds the open-ended rows of every table by [`Policy::horizon`]. [`Policy::from_toml_strs`]
    /// does it; call it again after replacing or editing a table.
    pub fn refresh_horizon(&mut self) {
        let h = self.horizon();
        self.social_insurance.horizon = h;
        self.housing_fund.horizon = h;
        self.minimum_wage.horizon = h;
        self.iit.horizon = h;
        self.pay_structure.horizon = h;
        self.performance.horizon = h;
        self.contract_cost.horizon = h;
    }
}

pub(crate) fn parse<T: DeserializeOwned>(file: &'static str, text: &str) -> Result<T, PolicyError> {
    toml::from_str(text).map_err(|e| PolicyError::Parse {
        file,
        message: e.to_string(),
    })
}

pub(crate) fn invalid(
    file: &'static str,
    what: impl Into<String>,
    message: impl Into<String>,
) -> PolicyError {
    PolicyError::Invalid {
        file,
        what: what.into(),
        message: message.into(),
    }
}

/// Checks a provenance's period.
pub(crate) fn check_period(
    file: &'static str,
    what: &str,
    p: &Provenance,
) -> Result<(), PolicyError> {
    if let Some(to) = p.effective_to {
        if to < p.effective_from {
            return Err(invalid(
                file,
                what,
                format!(
                    "effective_to {to} is before effective_from {}",
                    p.effective_from
                ),
            ));
        }
    }
    if p.source.trim().is_empty() {
        return Err(invalid(file, what, "source is empty"));
    }
    Ok(())
}

/// Checks a rate is a fraction in [0, 1].
pub(crate) fn check_rate(file: &'static str, what: &str, rate: Decimal) -> Result<(), PolicyError> {
    if rate < Decimal::ZERO || rate > Decimal::ONE {
        return Err(invalid(
            file,
            what,
            format!("rate {rate} is not a fraction in [0, 1]"),
        ));
    }
    Ok(())
}

/// Checks an amount is not negative.
pub(crate) fn check_amount(
    file: &'static str,
    what: &str,
    amount: Decimal,
) -> Result<(), PolicyError> {
    if amount < Decimal::ZERO {
        return Err(invalid(file, what, format!("amount {amount} is negative")));
    }
    Ok(())
}

/// Checks rows that share a key do not overlap in time.
pub(crate) fn check_no_overlap<'a, K: PartialEq + std::fmt::Debug>(
    file: &'static str,
    rows: impl IntoIterator<Item = (K, &'a Provenance)>,
) -> Result<(), PolicyError> {
    let rows: Vec<(K, &Provenance)> = rows.into_iter().collect();
    for (i, (ka, a)) in rows.iter().enumerate() {
        for (kb, b) in rows.iter().skip(i + 1) {
            if ka != kb {
                continue;
            }
            let a_before_b = a.effective_to.is_some_and(|t| t < b.effective_from);
            let b_before_a = b.effective_to.is_some_and(|t| t < a.effective_from);
            if !a_before_b && !b_before_a {
                return Err(invalid(
                    file,
                    format!("{ka:?}"),
                    format!(
                        "rows from {} and {} overlap in time",
                        a.effective_from, b.effective_from
                    ),
                ));
            }
        }
    }
    Ok(())
}
