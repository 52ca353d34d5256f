//! The case format (`workforce payroll compute --case FILE.json`): one month's inputs for any
//! number of employees, optional corrections of past months, prior month totals and a
//! goal-seek request. See `payroll/CASE_FORMAT.md`.

use serde::{Deserialize, Serialize};

use crate::arrears::{arrears_between, Arrears};
use crate::contract_cost::{
    average_pay_by_position, month_cost, seat_cost_year, CostMonthTotal, MonthCost,
    PositionAverage, SeatCostYear,
};
use crate::error::PayrollError;
use crate::goal_seek::{goal_seek_floor, recurring, GoalSeekResult, Lever};
use crate::month::Month;
use crate::payslip::{compute_month, compute_payslip, EmployeeMonth, MonthPayroll};
use crate::policy::Policy;

/// A correction: an approved past month and its revised inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Seat labour cost of earlier months of the year, for the annual view.
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
    /// The month's seat labour cost.
    pub contract_cost: MonthCost,
    /// The annual view and floor check.
    pub seat_cost_year: SeatCostYear,
    /// The goal-seek, when asked for.
    pub goal_seek: Option<GoalSeekResult>,
}

/// Computes a case.
///
/// # Errors
/// Any [`PayrollError`]; a correction for an employee not in `employees` is an input error.
pub fn compute_case(policy: &Policy, case: &Case) -> Result<CaseResult, PayrollError> {
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
        contract_cost: cost,
        seat_cost_year: year,
        goal_seek,
    })
}
