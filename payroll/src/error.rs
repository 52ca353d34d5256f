//! Errors of the payroll engine. Every message names the employee, field, figure or period.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::month::Month;

/// A policy file (`data/payroll/*.toml`) that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The TOML text does not parse into the expected schema.
    #[error("policy file `{file}` does not parse: {message}")]
    Parse {
        /// Which policy file (e.g. `social-insurance.toml`).
        file: &'static str,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A row parses but its values are impossible (a rate above 1, a period ending before it starts, …).
    #[error("policy file `{file}`, {what}: {message}")]
    Invalid {
        /// Which policy file.
        file: &'static str,
        /// Which row or field.
        what: String,
        /// What is wrong with it.
        message: String,
    },
}

/// A payroll computation that cannot be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayrollError {
    /// A policy file is unusable.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// No row of a policy figure is in force on the date.
    #[error("no {what} is in force on {date}{detail}; add an effective-dated row to data/payroll")]
    NoFigureInForce {
        /// The figure looked up (e.g. `social insurance base`).
        what: String,
        /// The date looked up (first day of the payroll month).
        date: NaiveDate,
        /// Which file's table lacks the row and where its rows end, or, past the policy's
        /// horizon, the file, the table and the horizon, as ` (file …: …)`; may be empty.
        detail: String,
    },
    /// Several rows of one figure are in force on the same date.
    #[error("{count} rows of {what} are in force on {date}; their effective periods overlap")]
    OverlappingFigures {
        /// The figure looked up.
        what: String,
        /// The date looked up.
        date: NaiveDate,
        /// How many rows matched.
        count: usize,
    },
    /// A time-sheet or employee field is inconsistent.
    #[error("employee {employee}, {month}: field `{field}`: {message}")]
    Input {
        /// Employee id.
        employee: String,
        /// Payroll month.
        month: Month,
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A KPI carries weight for the employee's position but has no score on the time sheet.
    #[error("employee {employee}, {month}: KPI `{kpi}` weighs {weight} for position `{position}` but the time sheet has no score for it")]
    MissingKpi {
        /// Employee id.
        employee: String,
        /// Payroll month.
        month: Month,
        /// The KPI name.
        kpi: String,
        /// Its weight.
        weight: Decimal,
        /// The employee's position.
        position: String,
    },
    /// Any error raised while computing one employee's month, with that context.
    #[error("employee {employee}, {month}: {error}")]
    ForEmployee {
        /// Employee id.
        employee: String,
        /// Payroll month.
        month: Month,
        /// The underlying error.
        error: Box<PayrollError>,
    },
    /// The same employee id appears twice in one month's input.
    #[error("employee {employee} appears more than once in {month}")]
    DuplicateEmployee {
        /// Employee id.
        employee: String,
        /// Payroll month.
        month: Month,
    },
    /// Arrears were asked between payslips of different employees or months.
    #[error("arrears: approved payslip is {approved_employee} {approved_month} but the revised one is {revised_employee} {revised_month}")]
    ArrearsMismatch {
        /// Employee of the approved payslip.
        approved_employee: String,
        /// Month of the approved payslip.
        approved_month: Month,
        /// Employee of the revised payslip.
        revised_employee: String,
        /// Month of the revised payslip.
        revised_month: Month,
    },
    /// Monthly seat-cost totals given for the annual view are out of order, duplicated or of another year.
    #[error("seat labour cost for {year}: month {month} {message}")]
    BadCostMonths {
        /// The contract year.
        year: i32,
        /// The offending month.
        month: Month,
        /// What is wrong.
        message: String,
    },
    /// The annual view (or the goal-seek) of a month lacks the seat labour cost of some earlier
    /// month of the contract year; it would count as 0.
    #[error("annual view of {month}: `prior_month_costs` has no seat labour cost for {}; give every earlier month of {} (a missing month is not counted as 0)", months_list(missing), month.year())]
    MissingCostMonths {
        /// The case month (the latest month of the view).
        month: Month,
        /// The earlier months of its year without a total, ascending.
        missing: Vec<Month>,
    },
    /// A case without any employee.
    #[error("case {month}: `employees` is empty; a case pays at least one employee")]
    NoEmployees {
        /// The case month.
        month: Month,
    },
    /// No increase up to the search limit lifts the projected year to the floor.
    #[error("goal-seek: even {limit} more {lever} per head-month leaves the projected year at {projected}, below the floor {floor}")]
    GoalUnreachable {
        /// The lever searched.
        lever: String,
        /// The search limit per head-month.
        limit: Decimal,
        /// The projected year at the limit.
        projected: Decimal,
        /// The floor.
        floor: Decimal,
    },
}

fn months_list(months: &[Month]) -> String {
    months
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl PayrollError {
    pub(crate) fn for_employee(self, employee: &str, month: Month) -> Self {
        match self {
            e @ (PayrollError::Input { .. }
            | PayrollError::MissingKpi { .. }
            | PayrollError::ForEmployee { .. }) => e,
            e => PayrollError::ForEmployee {
                employee: employee.to_owned(),
                month,
                error: Box::new(e),
            },
        }
    }
}
