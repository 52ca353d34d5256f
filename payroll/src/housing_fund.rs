//! Housing provident fund (住房公积金): Danzhou base band and the employer = employee rate.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Notices, Provenance};
use crate::error::{PayrollError, PolicyError};
use crate::line::PayLine;
use crate::money::{fmt2, round_fen, Money};
use crate::policy::{check_no_overlap, check_period, check_rate, invalid, parse};
use crate::social_insurance::BaseBand;

const FILE: &str = "housing-fund.toml";

/// The legal range of the rate (employer = employee, each 5%–12%).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRange {
    /// Lowest rate.
    pub min: Decimal,
    /// Highest rate.
    pub max: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for RateRange {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// The employer's chosen rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundEmployer {
    /// Default rate for every employee, each side.
    pub rate: Decimal,
    /// Why this rate.
    #[serde(default)]
    pub note: Option<String>,
}

/// `housing-fund.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HousingFundPolicy {
    /// City.
    pub region: String,
    /// Employer choice.
    pub employer: FundEmployer,
    /// Legal rate range by period.
    pub rate_range: Vec<RateRange>,
    /// Base band by period.
    pub base: Vec<BaseBand>,
    /// The horizon of the policy this table belongs to, set by [`crate::Policy`]: open-ended
    /// rows run to it. `None` for a file parsed on its own: they run on.
    #[serde(skip)]
    pub(crate) horizon: Option<NaiveDate>,
}

impl HousingFundPolicy {
    /// Every dated row of the file, for the policy's horizon.
    pub(crate) fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        self.rate_range
            .iter()
            .map(|r| &r.provenance)
            .chain(self.base.iter().map(|r| &r.provenance))
    }

    /// Parses and validates `housing-fund.toml`.
    ///
    /// # Errors
    /// [`PolicyError`] naming the row.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let p: Self = parse(FILE, text)?;
        for (i, b) in p.base.iter().enumerate() {
            b.check(FILE, &format!("base[{i}]"))?;
        }
        for (i, r) in p.rate_range.iter().enumerate() {
            let what = format!("rate_range[{i}]");
            check_period(FILE, &what, &r.provenance)?;
            check_rate(FILE, &what, r.min)?;
            check_rate(FILE, &what, r.max)?;
            if !(r.min..=r.max).contains(&p.employer.rate) {
                return Err(invalid(
                    FILE,
                    "employer.rate",
                    format!("{} is outside {}..={}", p.employer.rate, r.min, r.max),
                ));
            }
        }
        check_no_overlap(FILE, p.base.iter().map(|b| ("base", &b.provenance)))?;
        check_no_overlap(
            FILE,
            p.rate_range.iter().map(|b| ("rate_range", &b.provenance)),
        )?;
        Ok(p)
    }
}

pub(crate) struct FundLines {
    pub(crate) employee: PayLine,
    pub(crate) employer: PayLine,
}

pub(crate) fn fund_lines(
    policy: &HousingFundPolicy,
    date: NaiveDate,
    wages: Money,
    employee_rate: Option<Decimal>,
    notices: &mut Notices,
) -> Result<FundLines, PayrollError> {
    let band = in_force(
        &policy.base,
        FILE,
        "base",
        policy.horizon,
        date,
        "housing fund base",
        |_| true,
    )?;
    notices.note("housing fund base", &band.provenance);
    let range = in_force(
        &policy.rate_range,
        FILE,
        "rate_range",
        policy.horizon,
        date,
        "housing fund rate range",
        |_| true,
    )?;
    let rate = employee_rate.unwrap_or(policy.employer.rate);
    if !(range.min..=range.max).contains(&rate) {
        return Err(PayrollError::NoFigureInForce {
            what: format!(
                "housing fund rate {rate} within {}..={}",
                range.min, range.max
            ),
            date,
            detail: String::new(),
        });
    }
    let base = band.clamp(wages);
    let formula = format!(
        "base = clamp(wages {}, floor {}, ceiling {}) = {}; base × {rate} = {}",
        fmt2(wages),
        fmt2(band.floor),
        fmt2(band.ceiling),
        fmt2(base),
        fmt2(base * rate)
    );
    let formula_zh = format!(
        "缴存基数 = 工资 {} 限于 下限 {} 与 上限 {} 之间 = {}；基数 × {rate} = {}",
        fmt2(wages),
        fmt2(band.floor),
        fmt2(band.ceiling),
        fmt2(base),
        fmt2(base * rate)
    );
    let line = |code: &str, zh: &str, en: &str| {
        PayLine::new(
            code,
            zh,
            en,
            round_fen(base * rate),
            formula.clone(),
            formula_zh.clone(),
        )
        .input("wages", fmt2(wages))
        .input("base", fmt2(base))
        .input("rate", rate)
        .input("base_source", &band.provenance.source)
    };
    Ok(FundLines {
        employee: line("HPF_EE", "住房公积金(个人)", "Housing fund (employee)"),
        employer: line("HPF_ER", "住房公积金(单位)", "Housing fund (employer)"),
    })
}
