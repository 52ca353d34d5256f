//! The case format (`workforce payroll compute --case FILE.json`): one month's inputs for any
//! number of employees, optional corrections of past months, prior month totals and a
//! goal-seek request. See `payroll/CASE_FORMAT.md`.
//!
//! Every input struct refuses unknown fields and reads decimals from JSON strings only; a case is
//! validated ([`Case::validate`]) before anything is computed. Contract figures
//! (`contract-cost.toml`: the items, the disability fund, the floor) are looked up only when the
//! contract view is asked for ([`Case::wants_contract_view`]), so a month outside the contract
//! year can be paid.

use serde::{Deserialize, Serialize};

use crate::arrears::{arrears_between, Arrears};
use crate::contract_cost::{
    average_pay_by_position, check_prior_months, month_cost, seat_cost_year, CostMonthTotal,
    MonthCost, PositionAverage, SeatCostYear,
};
use crate::error::PayrollError;
use crate::goal_seek::{goal_seek_floor, recurring, GoalSeekResult, Lever};
use crate::month::Month;
use crate::payslip::{compute_month, compute_payslip, EmployeeMonth, MonthPayroll};
use crate::policy::Policy;

/// A correction: an approved past month and its revised inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The past month.
    pub month: Month,
    /// The inputs as approved then.
    pub approved: EmployeeMonth,
    /// The corrected inputs.
    pub revised: EmployeeMonth,
}

/// One month's case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// The payroll month.
    pub month: Month,
    /// Every employee paid this month.
    pub employees: Vec<EmployeeMonth>,
    /// Corrections of past months; their differences are paid with the employee's month.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// Compute the contract view: the month's seat labour cost and the annual view against the
    /// floor. Implied by `goal_seek` or a non-empty `prior_month_costs`.
    #[serde(default)]
    pub contract_view: bool,
    /// Seat labour cost of the earlier months of the year, for the annual view: every month
    /// from January to the month before `month`, ascending.
    #[serde(default)]
    pub prior_month_costs: Vec<CostMonthTotal>,
    /// Run the goal-seek with this lever when the projected year is short of the floor.
    #[serde(default)]
    pub goal_seek: Option<Lever>,
}

/// The arrears of one employee derived from a correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeArrears {
    /// Employee id.
    pub employee_id: String,
    /// The difference lines, paid with this month.
    pub arrears: Arrears,
}

/// The full result of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseResult {
    /// The month.
    pub month: Month,
    /// Arrears derived from the corrections.
    pub arrears: Vec<EmployeeArrears>,
    /// Every payslip and the month totals.
    pub payroll: MonthPayroll,
    /// Average pay per position this month.
    pub average_pay: Vec<PositionAverage>,
    /// The month's seat labour cost, when the contract view is asked for.
    pub contract_cost: Option<MonthCost>,
    /// The annual view and floor check, when the contract view is asked for.
    pub seat_cost_year: Option<SeatCostYear>,
    /// The goal-seek, when asked for.
    pub goal_seek: Option<GoalSeekResult>,
}

impl Case {
    /// Whether the contract view (month cost, annual view, floor) is asked for: `contract_view`,
    /// a `goal_seek` or any `prior_month_costs`.
    #[must_use]
    pub fn wants_contract_view(&self) -> bool {
        self.contract_view || self.goal_seek.is_some() || !self.prior_month_costs.is_empty()
    }

    /// Checks the case before anything is computed: at least one employee; each employee's
    /// month and each correction's inputs ([`EmployeeMonth::validate`]); and, when the contract
    /// view is asked for, the prior month totals ([`check_prior_months`]: every earlier month
    /// of the year, none negative).
    ///
    /// # Errors
    /// [`PayrollError::NoEmployees`], [`PayrollError::Input`] naming the employee, month and
    /// field, [`PayrollError::BadCostMonths`] or [`PayrollError::MissingCostMonths`].
    pub fn validate(&self) -> Result<(), PayrollError> {
        if self.employees.is_empty() {
            return Err(PayrollError::NoEmployees { month: self.month });
        }
        for e in &self.employees {
            e.validate(self.month)?;
        }
        for c in &self.corrections {
            c.approved.validate(c.month)?;
            c.revised.validate(c.month)?;
        }
        if self.wants_contract_view() {
            check_prior_months(&self.prior_month_costs, self.month)?;
        }
        Ok(())
    }
}

/// Computes a case.
///
/// # Errors
/// Any [`PayrollError`]: first those of [`Case::validate`]; a correction for an employee not in
/// `employees` is an input error.
pub fn compute_case(policy: &Policy, case: &Case) -> Result<CaseResult, PayrollError> {
    case.validate()?;
    let mut inputs = case.employees.clone();
    let mut arrears = Vec::new();
    for c in &case.corrections {
        let id = &c.revised.employee.id;
        let approved = compute_payslip(policy, c.month, &c.approved)?;
        let revised = compute_payslip(policy, c.month, &c.revised)?;
        let a = arrears_between(&approved, &revised)?;
        let target = inputs
            .iter_mut()
            .find(|i| &i.employee.id == id)
            .ok_or_else(|| PayrollError::Input {
                employee: id.clone(),
                month: case.month,
                field: "corrections",
                message: format!(
                    "correction of {} for an employee not paid this month",
                    c.month
                ),
            })?;
        target.arrears.push(a.clone());
        arrears.push(EmployeeArrears {
            employee_id: id.clone(),
            arrears: a,
        });
    }
    let payroll = compute_month(policy, case.month, &inputs)?;
    let (contract_cost, year) = if case.wants_contract_view() {
        let cost = month_cost(&policy.contract_cost, &payroll)?;
        let run_rate = month_cost(
            &policy.contract_cost,
            &compute_month(policy, case.month, &recurring(&inputs))?,
        )?;
        let floor = policy
            .contract_cost
            .floor_on(case.month.first_day())?
            .annual;
        let mut months = case.prior_month_costs.clone();
        months.push(CostMonthTotal {
            month: case.month,
            seat_labour_cost: cost.seat_labour_cost,
        });
        let year = seat_cost_year(floor, &months, run_rate.seat_labour_cost)?;
        (Some(cost), Some(year))
    } else {
        (None, None)
    };
    let goal_seek = match case.goal_seek {
        Some(lever) => Some(goal_seek_floor(
            policy,
            &case.prior_month_costs,
            case.month,
            &inputs,
            lever,
        )?),
        None => None,
    };
    Ok(CaseResult {
        month: case.month,
        arrears,
        average_pay: average_pay_by_position(&payroll.payslips),
        payroll,
        contract_cost,
        seat_cost_year: year,
        goal_seek,
    })
}
