//! Performance pay (绩效工资) from KPI scores: weights per position, the score→coefficient
//! table, and performance base × coefficient, prorated for a part month.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Provenance};
use crate::employee::Position;
use crate::error::{PayrollError, PolicyError};
use crate::policy::{check_no_overlap, check_period, invalid, parse};
use crate::time_sheet::Kpi;

const FILE: &str = "performance.toml";

/// KPI weights of one position; they sum to 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiWeights {
    /// Position.
    pub position: Position,
    /// Weight per KPI (fractions).
    pub weights: BTreeMap<Kpi, Decimal>,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for KpiWeights {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// One band of the coefficient table: a composite score at least `min_score` earns `coefficient`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Band {
    /// Lowest composite score of the band.
    pub min_score: Decimal,
    /// Coefficient applied to the performance base.
    pub coefficient: Decimal,
}

/// The score→coefficient table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoefficientTable {
    /// Bands in descending `min_score`; the last starts at 0.
    pub bands: Vec<Band>,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for CoefficientTable {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// `performance.toml` (绩效考核办法).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PerformanceRules {
    /// Weights per position.
    pub kpi_weights: Vec<KpiWeights>,
    /// Coefficient tables by period.
    pub coefficient_table: Vec<CoefficientTable>,
    /// The horizon of the policy this table belongs to, set by [`crate::Policy`]: open-ended
    /// rows run to it. `None` for a file parsed on its own: they run on.
    #[serde(skip)]
    pub(crate) horizon: Option<NaiveDate>,
}

/// A composite score and its coefficient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// Σ weight × score.
    pub composite_score: Decimal,
    /// The coefficient of the band the score falls in.
    pub coefficient: Decimal,
    /// The working.
    pub formula: String,
    /// The working in Chinese, with the same figures.
    #[serde(default)]
    pub formula_zh: String,
    /// The scores weighed (KPIs with a non-zero weight for the position).
    #[serde(default)]
    pub scores: BTreeMap<Kpi, Decimal>,
}

impl PerformanceRules {
    /// Every dated row of the file, for the policy's horizon.
    pub(crate) fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        self.kpi_weights
            .iter()
            .map(|r| &r.provenance)
            .chain(self.coefficient_table.iter().map(|r| &r.provenance))
    }

    /// Parses and validates `performance.toml`.
    ///
    /// # Errors
    /// [`PolicyError`] naming the row.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let p: Self = parse(FILE, text)?;
        for w in &p.kpi_weights {
            let what = format!("kpi_weights {}", w.position.name());
            check_period(FILE, &what, &w.provenance)?;
            let sum: Decimal = w.weights.values().sum();
            if sum != Decimal::ONE || w.weights.values().any(|v| *v < Decimal::ZERO) {
                return Err(invalid(
                    FILE,
                    what,
                    format!("weights must be non-negative and sum to 1, not {sum}"),
                ));
            }
        }
        for (i, t) in p.coefficient_table.iter().enumerate() {
            let what = format!("coefficient_table[{i}]");
            check_period(FILE, &what, &t.provenance)?;
            if !t.bands.windows(2).all(|w| w[0].min_score > w[1].min_score)
                || t.bands.last().is_none_or(|b| !b.min_score.is_zero())
            {
                return Err(invalid(
                    FILE,
                    what,
                    "bands must descend by min_score and end at 0",
                ));
            }
        }
        check_no_overlap(
            FILE,
            p.kpi_weights.iter().map(|w| (w.position, &w.provenance)),
        )?;
        check_no_overlap(
            FILE,
            p.coefficient_table
                .iter()
                .map(|t| ("coefficient_table", &t.provenance)),
        )?;
        Ok(p)
    }

    /// Rates the scores of an employee of `position`. The inner `Err` is the first weighted
    /// KPI without a score and its weight (the caller names the employee).
    ///
    /// # Errors
    /// [`PayrollError::NoFigureInForce`] when no weights or coefficient table apply.
    ///
    /// Public so that an evaluation shows exactly the rating payroll will apply.
    pub fn rate(
        &self,
        position: Position,
        scores: &BTreeMap<Kpi, Decimal>,
        date: NaiveDate,
    ) -> Result<Result<Rating, (Kpi, Decimal)>, PayrollError> {
        let w = in_force(
            &self.kpi_weights,
            FILE,
            "kpi_weights",
            self.horizon,
            date,
            &format!("KPI weights for {}", position.name()),
            |w| w.position == position,
        )?;
        let table = in_force(
            &self.coefficient_table,
            FILE,
            "coefficient_table",
            self.horizon,
            date,
            "performance coefficient table",
            |_| true,
        )?;
        let mut composite = Decimal::ZERO;
        let mut parts = Vec::new();
        let mut parts_zh = Vec::new();
        let mut weighed = BTreeMap::new();
        for (kpi, weight) in &w.weights {
            if weight.is_zero() {
                continue;
            }
            let Some(score) = scores.get(kpi) else {
                return Ok(Err((*kpi, *weight)));
            };
            composite += weight * score;
            weighed.insert(*kpi, *score);
            parts.push(format!("{} {score} × {weight}", kpi.name()));
            parts_zh.push(format!("{} {score} × {weight}", kpi.name_zh()));
        }
        let band = table
            .bands
            .iter()
            .find(|b| composite >= b.min_score)
            .expect("validated: last band starts at 0");
        Ok(Ok(Rating {
            composite_score: composite,
            coefficient: band.coefficient,
            formula: format!(
                "composite = {} = {composite}; band ≥ {} → coefficient {}",
                parts.join(" + "),
                band.min_score,
                band.coefficient
            ),
            formula_zh: format!(
                "综合得分 = {} = {composite}；得分 ≥ {} 档 → 系数 {}",
                parts_zh.join(" + "),
                band.min_score,
                band.coefficient
            ),
            scores: weighed,
        }))
    }
}
