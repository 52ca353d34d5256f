//! Social insurance (社会保险, 五险): Hainan rates and contribution base, and the
//! employee and employer lines of a month.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Notices, Provenance};
use crate::error::{PayrollError, PolicyError};
use crate::line::PayLine;
use crate::money::{fmt2, round_fen, Money};
use crate::policy::{check_amount, check_no_overlap, check_period, check_rate, invalid, parse};

const FILE: &str = "social-insurance.toml";

/// A contribution base band (缴费基数上下限).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseBand {
    /// Floor (下限), yuan per month.
    pub floor: Decimal,
    /// Ceiling (上限), yuan per month.
    pub ceiling: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for BaseBand {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

impl BaseBand {
    /// Clamps `wages` into the band.
    #[must_use]
    pub fn clamp(&self, wages: Money) -> Money {
        wages.max(self.floor).min(self.ceiling)
    }

    pub(crate) fn check(&self, file: &'static str, what: &str) -> Result<(), PolicyError> {
        check_period(file, what, &self.provenance)?;
        check_amount(file, what, self.floor)?;
        if self.ceiling < self.floor {
            return Err(invalid(
                file,
                what,
                format!("ceiling {} is below floor {}", self.ceiling, self.floor),
            ));
        }
        Ok(())
    }
}

/// An insurance shared by employer and employee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceItem {
    /// 基本养老保险 pension.
    Pension,
    /// 基本医疗保险 (含生育) medical including maternity.
    Medical,
    /// 失业保险 unemployment.
    Unemployment,
}

impl InsuranceItem {
    fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            InsuranceItem::Pension => ("PENSION", "养老保险", "Pension insurance"),
            InsuranceItem::Medical => (
                "MEDICAL",
                "医疗保险(含生育)",
                "Medical insurance (incl. maternity)",
            ),
            InsuranceItem::Unemployment => ("UNEMPLOYMENT", "失业保险", "Unemployment insurance"),
        }
    }
}

/// Employer and employee rates of one insurance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsuranceRate {
    /// Which insurance.
    pub item: InsuranceItem,
    /// Employer rate (单位比例), a fraction.
    pub employer: Decimal,
    /// Employee rate (个人比例), a fraction.
    pub employee: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for InsuranceRate {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// Work-injury base rate of an industry class (工伤保险行业基准费率), employer only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkInjuryRate {
    /// Industry risk class 1..=8.
    pub class: u8,
    /// Base rate, a fraction.
    pub rate: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for WorkInjuryRate {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// A stage-wise multiplier on the work-injury rate (阶段性降费), 1 when none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkInjuryFactor {
    /// Multiplier on the base rate.
    pub factor: Decimal,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for WorkInjuryFactor {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// The employer's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsuranceEmployer {
    /// The employer's work-injury industry class (depends on its registered industry).
    pub work_injury_class: u8,
    /// Why this class.
    #[serde(default)]
    pub note: Option<String>,
}

/// `social-insurance.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialInsurancePolicy {
    /// Region the rates apply to.
    pub region: String,
    /// Employer configuration.
    pub employer: InsuranceEmployer,
    /// Contribution base bands by period.
    pub base: Vec<BaseBand>,
    /// Rates by insurance and period.
    pub rate: Vec<InsuranceRate>,
    /// Work-injury base rates by class and period.
    pub work_injury_rate: Vec<WorkInjuryRate>,
    /// Work-injury stage factors by period.
    pub work_injury_factor: Vec<WorkInjuryFactor>,
    /// The horizon of the policy this table belongs to, set by [`crate::Policy`]: open-ended
    /// rows run to it. `None` for a file parsed on its own: they run on.
    #[serde(skip)]
    pub(crate) horizon: Option<NaiveDate>,
}

impl SocialInsurancePolicy {
    /// Every dated row of the file, for the policy's horizon.
    pub(crate) fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        self.base
            .iter()
            .map(|r| &r.provenance)
            .chain(self.rate.iter().map(|r| &r.provenance))
            .chain(self.work_injury_rate.iter().map(|r| &r.provenance))
            .chain(self.work_injury_factor.iter().map(|r| &r.provenance))
    }

    /// Parses and validates `social-insurance.toml`.
    ///
    /// # Errors
    /// [`PolicyError`] naming the row.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let p: Self = parse(FILE, text)?;
        for (i, b) in p.base.iter().enumerate() {
            b.check(FILE, &format!("base[{i}]"))?;
        }
        for (i, r) in p.rate.iter().enumerate() {
            let what = format!("rate[{i}] ({:?})", r.item);
            check_period(FILE, &what, &r.provenance)?;
            check_rate(FILE, &what, r.employer)?;
            check_rate(FILE, &what, r.employee)?;
        }
        for (i, r) in p.work_injury_rate.iter().enumerate() {
            let what = format!("work_injury_rate[{i}] (class {})", r.class);
            check_period(FILE, &what, &r.provenance)?;
            check_rate(FILE, &what, r.rate)?;
        }
        for (i, r) in p.work_injury_factor.iter().enumerate() {
            check_period(FILE, &format!("work_injury_factor[{i}]"), &r.provenance)?;
        }
        if !(1..=8).contains(&p.employer.work_injury_class) {
            return Err(invalid(FILE, "employer.work_injury_class", "must be 1..=8"));
        }
        check_no_overlap(FILE, p.base.iter().map(|b| ("base", &b.provenance)))?;
        check_no_overlap(FILE, p.rate.iter().map(|r| (r.item, &r.provenance)))?;
        check_no_overlap(
            FILE,
            p.work_injury_rate.iter().map(|r| (r.class, &r.provenance)),
        )?;
        check_no_overlap(
            FILE,
            p.work_injury_factor
                .iter()
                .map(|r| ("factor", &r.provenance)),
        )?;
        Ok(p)
    }

    /// The base band in force on `date`.
    ///
    /// # Errors
    /// [`PayrollError::NoFigureInForce`] when no row covers the date.
    pub fn base_on(&self, date: NaiveDate) -> Result<&BaseBand, PayrollError> {
        in_force(
            &self.base,
            FILE,
            "base",
            self.horizon,
            date,
            "social insurance base",
            |_| true,
        )
    }
}

/// Employee and employer social-insurance lines of one month.
pub(crate) struct InsuranceLines {
    pub(crate) base: Money,
    pub(crate) employee: Vec<PayLine>,
    pub(crate) employer: Vec<PayLine>,
}

pub(crate) fn insurance_lines(
    policy: &SocialInsurancePolicy,
    date: NaiveDate,
    wages: Money,
    notices: &mut Notices,
) -> Result<InsuranceLines, PayrollError> {
    let band = policy.base_on(date)?;
    notices.note("social insurance base", &band.provenance);
    let base = band.clamp(wages);
    let base_note = format!(
        "base = clamp(wages {}, floor {}, ceiling {}) = {}",
        fmt2(wages),
        fmt2(band.floor),
        fmt2(band.ceiling),
        fmt2(base)
    );
    let base_note_zh = format!(
        "缴费基数 = 工资 {} 限于 下限 {} 与 上限 {} 之间 = {}",
        fmt2(wages),
        fmt2(band.floor),
        fmt2(band.ceiling),
        fmt2(base)
    );
    let mut employee = Vec::new();
    let mut employer = Vec::new();
    for item in [
        InsuranceItem::Pension,
        InsuranceItem::Medical,
        InsuranceItem::Unemployment,
    ] {
        let (code, zh, en) = item.labels();
        let rate = in_force(
            &policy.rate,
            FILE,
            "rate",
            policy.horizon,
            date,
            &format!("{en} rate"),
            |r| r.item == item,
        )?;
        notices.note(&format!("{en} rate"), &rate.provenance);
        for (who, r, out, zh_who, en_who) in [
            ("ER", rate.employer, &mut employer, "单位", "employer"),
            ("EE", rate.employee, &mut employee, "个人", "employee"),
        ] {
            out.push(
                PayLine::new(
                    &format!("SI_{code}_{who}"),
                    &format!("{zh}({zh_who})"),
                    &format!("{en} ({en_who})"),
                    round_fen(base * r),
                    format!("{base_note}; base × {r} = {}", fmt2(base * r)),
                    format!("{base_note_zh}；基数 × {r} = {}", fmt2(base * r)),
                )
                .input("wages", fmt2(wages))
                .input("base", fmt2(base))
                .input("rate", r)
                .input("rate_source", &rate.provenance.source),
            );
        }
    }
    let class = policy.employer.work_injury_class;
    let injury = in_force(
        &policy.work_injury_rate,
        FILE,
        "work_injury_rate",
        policy.horizon,
        date,
        &format!("work injury rate class {class}"),
        |r| r.class == class,
    )?;
    notices.note(
        &format!("work injury rate class {class}"),
        &injury.provenance,
    );
    let factor = in_force(
        &policy.work_injury_factor,
        FILE,
        "work_injury_factor",
        policy.horizon,
        date,
        "work injury rate factor",
        |_| true,
    )?;
    notices.note("work injury rate factor", &factor.provenance);
    employer.push(
        PayLine::new(
            "SI_INJURY_ER",
            "工伤保险(单位)",
            "Work injury insurance (employer)",
            round_fen(base * injury.rate * factor.factor),
            format!(
                "{base_note}; base × class-{class} rate {} × factor {} = {}",
                injury.rate,
                factor.factor,
                fmt2(base * injury.rate * factor.factor)
            ),
            format!(
                "{base_note_zh}；基数 × 行业类别 {class} 类基准费率 {} × 浮动系数 {} = {}",
                injury.rate,
                factor.factor,
                fmt2(base * injury.rate * factor.factor)
            ),
        )
        .input("base", fmt2(base))
        .input("class", class)
        .input("rate", injury.rate)
        .input("factor", factor.factor)
        .input("rate_source", &injury.provenance.source)
        .input("factor_source", &factor.provenance.source),
    );
    Ok(InsuranceLines {
        base,
        employee,
        employer,
    })
}
