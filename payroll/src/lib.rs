//! # payroll — gross to net and seat labour cost for the Danzhou 12345 hotline
//!
//! A pure library: no I/O, money in [`rust_decimal::Decimal`] only, every pay line rounded once
//! to the fen (half away from zero) and every total the sum of its rounded lines.
//!
//! ## Principal types, in reading order
//! - [`Policy`] — every effective-dated figure, parsed from the TOML text of `data/payroll/*.toml`
//!   by [`Policy::from_toml_strs`] (the caller reads the files). Each row carries a
//!   [`Provenance`] (source, grade, period, `carried_forward`).
//! - [`Employee`] — master data: [`Position`], pay grade, [`WorkingTimeSystem`], hire/leave dates,
//!   declared contribution base, [`IitProfile`].
//! - [`TimeSheet`] — the month's attendance as the roster glue fills it: standard hours and
//!   scheduled working days of the month, hours on ordinary days, rest days and statutory
//!   holidays, night shifts, [`LeaveDays`], absence, working days employed, KPI scores.
//! - [`EmployeeMonth`] — employee + time sheet + tax year-to-date + bonus + one-offs + [`Arrears`].
//! - [`compute_payslip`] → [`Payslip`]: earnings, employee and employer contributions, income tax,
//!   other deductions, [`PayslipTotals`], the [`MinimumWageCheck`] and [`Notice`]s of carried-forward
//!   figures. [`compute_month`] → [`MonthPayroll`] for many employees (order-independent).
//! - [`month_cost`] → [`MonthCost`]: personnel cost plus the five management items;
//!   [`seat_cost_year`] → [`SeatCostYear`] against the floor; [`goal_seek_floor`] →
//!   [`GoalSeekResult`]; [`average_pay_by_position`].
//! - [`arrears_between`] — differences of a re-computed approved month, paid in the current one.
//! - [`Case`] / [`compute_case`] — the public test-vector format of `workforce payroll compute`.
//!
//! ## Example
//! ```
//! use payroll::{compute_payslip, Policy, PolicyTexts, EmployeeMonth, Month};
//!
//! macro_rules! data { ($f:literal) => { include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/payroll/", $f)) } }
//! let policy = Policy::from_toml_strs(&PolicyTexts {
//!     social_insurance: data!("social-insurance.toml"),
//!     housing_fund: data!("housing-fund.toml"),
//!     minimum_wage: data!("minimum-wage.toml"),
//!     iit: data!("iit.toml"),
//!     pay_structure: data!("pay-structure.toml"),
//!     performance: data!("performance.toml"),
//!     contract_cost: data!("contract-cost.toml"),
//! })?;
//! let input: EmployeeMonth = serde_json::from_str(r#"{
//!   "employee": { "id": "A001", "name": "王芳", "position": "agent", "pay_grade": 1,
//!                 "working_time": "comprehensive", "hired_on": "2024-03-01" },
//!   "time_sheet": { "standard_hours_of_month": "128", "scheduled_working_days_of_month": 16,
//!                   "working_days_employed": 16, "ordinary_day_hours": "120",
//!                   "rest_day_hours": "8", "night_shifts": 4,
//!                   "kpi": { "answer_rate": "92", "satisfaction": "92", "qa_score": "92", "attendance": "100" } }
//! }"#)?;
//! let slip = compute_payslip(&policy, "2026-02".parse::<Month>()?, &input)?;
//! assert_eq!(slip.totals.net, slip.totals.gross - slip.totals.employee_contributions
//!     - slip.totals.income_tax - slip.totals.other_deductions);
//! assert!(slip.minimum_wage.passed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// Arrears and corrections.
pub mod arrears;
/// Base wage, post allowance and fixed allowances, prorated.
mod base_pay;
/// The case (test-vector) format.
pub mod case;
/// Seat labour cost, the five items, the floor, average pay.
pub mod contract_cost;
/// Effective-dated rows with source, grade and the carried-forward mark.
pub mod dated;
/// Disability employment security fund.
pub mod disability_fund;
/// Employee master data.
pub mod employee;
/// Errors, each naming the employee, field, figure or period.
pub mod error;
/// Goal-seek to the floor.
pub mod goal_seek;
/// Housing provident fund.
pub mod housing_fund;
/// Individual income tax.
pub mod iit;
/// Leave and absence deductions.
mod leave;
/// Pay lines that explain themselves.
pub mod line;
/// Minimum wage and its check.
pub mod minimum_wage;
/// Money type and the one rounding rule.
pub mod money;
/// The payroll month.
pub mod month;
/// Night-shift allowance.
mod night;
/// Overtime premiums.
mod overtime;
/// Pay structure per position and grade, pay-conversion rules.
pub mod pay_structure;
/// Payslips and month payrolls.
pub mod payslip;
/// Performance pay from KPI scores.
pub mod performance;
/// The policy aggregate and its parsing.
pub mod policy;
/// Social insurance.
pub mod social_insurance;
/// The time sheet filled by the roster glue.
pub mod time_sheet;

pub use arrears::{arrears_between, Arrears};
pub use case::{compute_case, Case, CaseResult, Correction, EmployeeArrears};
pub use contract_cost::{
    average_pay_by_position, check_prior_months, month_cost, seat_cost_year,
    seat_cost_year_projected, ContractCostRules, CostMonthTotal, MonthCost, PositionAverage,
    SeatCostYear,
};
pub use dated::{Grade, Notice, Provenance};
pub use disability_fund::{disability_fund, CompanyFacts, DisabilityFund, DisabilityFundRule};
pub use employee::{
    BasicDeduction, BonusTaxMethod, Employee, IitProfile, Position, WorkingTimeSystem,
};
pub use error::{PayrollError, PolicyError};
pub use goal_seek::{goal_seek_floor, recurring, GoalSeekOutcome, GoalSeekResult, Lever};
pub use iit::{IitResult, IitYearToDate};
pub use line::PayLine;
pub use minimum_wage::{MinimumWageCheck, MinimumWagePolicy};
pub use money::{round_fen, Money};
pub use month::Month;
pub use payslip::{
    compute_month, compute_month_uplifted, compute_payslip, compute_payslip_uplifted, Adjustment,
    EmployeeMonth, MonthPayroll, Payslip, PayslipTotals, Uplift,
};
pub use performance::{Band, CoefficientTable, KpiWeights, PerformanceRules, Rating};
pub use policy::{Policy, PolicyTexts};
pub use time_sheet::{Kpi, LeaveDays, TimeSheet};
