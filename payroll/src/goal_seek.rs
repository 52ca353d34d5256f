//! Goal-seek: the smallest uniform increase per head-month, to the fen, of the performance
//! base or the base wage that lifts the projected year to the floor.
//!
//! The increase applies to the months after the latest one. Each candidate re-runs the whole
//! payroll of the latest month (without one-off pay) and its cost, so contributions (with their
//! floors and ceilings) and the items that depend on wages are accounted exactly. The projected
//! cost never falls as the increase grows, so a bisection over whole fen finds the least one.
//!
//! The year is the calendar (contract) year of the latest month: its earlier months must all be
//! given, and in December no month is left to raise, which the result says.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::contract_cost::{check_prior_months, month_cost, seat_cost_year, CostMonthTotal};
use crate::error::PayrollError;
use crate::money::{fmt2, Money};
use crate::month::Month;
use crate::payslip::{compute_month_uplifted, EmployeeMonth, Uplift};
use crate::policy::Policy;

/// Which pay component the goal-seek raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lever {
    /// Raise every performance base (the performance pool); pay rises by the increase × coefficient.
    PerformanceBase,
    /// Raise every base wage (also raises overtime and day wage).
    BaseWage,
}

impl Lever {
    fn uplift(self, amount: Money) -> Uplift {
        match self {
            Lever::PerformanceBase => Uplift {
                performance_base: amount,
                ..Uplift::default()
            },
            Lever::BaseWage => Uplift {
                base_wage: amount,
                ..Uplift::default()
            },
        }
    }

    fn name(self) -> &'static str {
        match self {
            Lever::PerformanceBase => "performance base",
            Lever::BaseWage => "base wage",
        }
    }
}

/// What the goal-seek found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalSeekOutcome {
    /// The projected year already reaches the floor: no increase is needed (0).
    MeetsFloor,
    /// The least increase that lifts the projected year to the floor.
    Increase,
    /// The latest month is December and the year is short: no month is left to carry an
    /// increase (the increase is 0 and `note` says by how much the year is short).
    NoMonthsRemaining,
}

/// The goal-seek's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalSeekResult {
    /// The lever raised.
    pub lever: Lever,
    /// What was found.
    pub outcome: GoalSeekOutcome,
    /// The answer in words.
    pub note: String,
    /// The least increase per head-month, in yuan to the fen (0 unless `outcome` is `increase`).
    pub increase_per_head_month: Money,
    /// First month the increase applies.
    pub applies_from: Option<Month>,
    /// Months it applies to.
    pub months_applied: u32,
    /// Projected year without the increase.
    pub projected_year_before: Money,
    /// Projected year with it (≥ the floor).
    pub projected_year_after: Money,
    /// Projected year with one fen less (< the floor), absent when the increase is 0.
    pub projected_year_one_fen_less: Option<Money>,
    /// The floor.
    pub floor: Money,
    /// Payroll runs made.
    pub evaluations: u32,
}

/// The months' inputs without one-off pay (bonus, arrears, other earnings and deductions):
/// the run rate that is projected forward.
#[must_use]
pub fn recurring(inputs: &[EmployeeMonth]) -> Vec<EmployeeMonth> {
    inputs
        .iter()
        .map(|i| EmployeeMonth {
            annual_bonus: None,
            arrears: Vec::new(),
            other_earnings: Vec::new(),
            other_deductions: Vec::new(),
            ..i.clone()
        })
        .collect()
}

/// Largest increase searched per head-month (yuan).
pub const SEARCH_LIMIT: i64 = 100_000;

/// Finds the least increase per head-month, to the fen, that lifts the projected year to the floor.
///
/// `prior` are the month totals before `latest_month`, every earlier month of its year;
/// `latest_inputs` is the latest month's input. In December with the year short of the floor
/// the answer is [`GoalSeekOutcome::NoMonthsRemaining`], not an error.
///
/// # Errors
/// [`PayrollError::MissingCostMonths`] or [`PayrollError::BadCostMonths`] when `prior` does not
/// hold exactly the earlier months of the year, [`PayrollError::GoalUnreachable`] beyond
/// [`SEARCH_LIMIT`], or any payroll error.
pub fn goal_seek_floor(
    policy: &Policy,
    prior: &[CostMonthTotal],
    latest_month: Month,
    latest_inputs: &[EmployeeMonth],
    lever: Lever,
) -> Result<GoalSeekResult, PayrollError> {
    check_prior_months(prior, latest_month)?;
    let floor = policy
        .contract_cost
        .floor_on(latest_month.first_day())?
        .annual;
    let actual = month_cost(
        &policy.contract_cost,
        &compute_month_uplifted(policy, latest_month, latest_inputs, Uplift::default())?,
    )?;
    let mut months = prior.to_vec();
    months.push(CostMonthTotal {
        month: latest_month,
        seat_labour_cost: actual.seat_labour_cost,
    });
    let template = recurring(latest_inputs);
    let mut evaluations = 1;
    let mut projected = |fen: i64| -> Result<Money, PayrollError> {
        evaluations += 1;
        let amount = Decimal::new(fen, 2);
        let payroll =
            compute_month_uplifted(policy, latest_month, &template, lever.uplift(amount))?;
        let run_rate = month_cost(&policy.contract_cost, &payroll)?.seat_labour_cost;
        Ok(seat_cost_year(floor, &months, run_rate)?.projected_year)
    };
    let before = projected(0)?;
    let remaining = latest_month.remaining_in_year();
    let base = |outcome: GoalSeekOutcome,
                note: String,
                inc: i64,
                after: Money,
                less: Option<Money>,
                evaluations: u32| GoalSeekResult {
        lever,
        outcome,
        note,
        increase_per_head_month: Decimal::new(inc, 2),
        applies_from: Month::new(latest_month.year(), latest_month.month() + 1),
        months_applied: remaining,
        projected_year_before: before,
        projected_year_after: after,
        projected_year_one_fen_less: less,
        floor,
        evaluations,
    };
    if before >= floor {
        let note = format!(
            "the projected year {} already reaches the floor {}; no increase is needed",
            fmt2(before),
            fmt2(floor)
        );
        return Ok(base(
            GoalSeekOutcome::MeetsFloor,
            note,
            0,
            before,
            None,
            evaluations,
        ));
    }
    if remaining == 0 {
        let note = format!(
            "{latest_month} is the last month of the contract year {}: no month remains to carry an increase; the projected year {} stays {} short of the floor {}",
            latest_month.year(),
            fmt2(before),
            fmt2(floor - before),
            fmt2(floor)
        );
        return Ok(base(
            GoalSeekOutcome::NoMonthsRemaining,
            note,
            0,
            before,
            None,
            evaluations,
        ));
    }
    // Exponential search for an upper bound, then bisection: lo fails, hi succeeds.
    let limit = SEARCH_LIMIT * 100;
    let (mut lo, mut hi) = (0_i64, 1_i64);
    let mut hi_value = projected(hi)?;
    while hi_value < floor {
        if hi >= limit {
            return Err(PayrollError::GoalUnreachable {
                lever: lever.name().to_owned(),
                limit: Decimal::from(SEARCH_LIMIT),
                projected: hi_value,
                floor,
            });
        }
        lo = hi;
        hi = (hi * 2).min(limit);
        hi_value = projected(hi)?;
    }
    let mut lo_value = if lo == 0 { before } else { projected(lo)? };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let v = projected(mid)?;
        if v >= floor {
            hi = mid;
            hi_value = v;
        } else {
            lo = mid;
            lo_value = v;
        }
    }
    let note = format!(
        "{} more {} per head-month from {} lifts the projected year from {} to {}, reaching the floor {}",
        fmt2(Decimal::new(hi, 2)),
        lever.name(),
        Month::new(latest_month.year(), latest_month.month() + 1).map_or_else(String::new, |m| m.to_string()),
        fmt2(before),
        fmt2(hi_value),
        fmt2(floor)
    );
    Ok(base(
        GoalSeekOutcome::Increase,
        note,
        hi,
        hi_value,
        Some(lo_value),
        evaluations,
    ))
}
