//! `workforce payroll …` subcommands.
//!
//! `compute` reads the policy TOML files from `DATA_DIR/payroll/` and a case JSON file, calls
//! the pure `payroll` crate and prints the whole result as pretty JSON. `demo` pays the demo
//! site for a month from its roster (solved, or given) and checks the labour-cost floor.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use payroll::{compute_case, Case, Policy, PolicyTexts};

/// Payroll subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PayrollCommand {
    /// Compute one month for any number of employees from a case file and print every line,
    /// total and check as JSON (format: payroll/CASE_FORMAT.md).
    Compute {
        /// The case JSON file.
        #[arg(long)]
        case: PathBuf,
        /// Write the JSON here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Pay the demo site for a month from its roster and check the seat labour cost floor.
    Demo {
        /// Month, YYYY-MM.
        #[arg(long, default_value = "2026-01")]
        month: String,
        /// Site folder.
        #[arg(long, default_value = "data/demo")]
        site: PathBuf,
        /// Use this roster file instead of solving the month.
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Solver time limit when solving the roster.
        #[arg(long, default_value_t = 60.0)]
        time_limit: f64,
        /// Write payslips, month cost and the annual view as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

/// Reads and validates the policy files under `data_dir/payroll/`.
///
/// # Errors
/// A file that cannot be read or does not validate, named in the message.
pub fn load_policy(data_dir: &Path) -> anyhow::Result<Policy> {
    let dir = data_dir.join("payroll");
    let read = |name: &str| -> anyhow::Result<String> {
        let path = dir.join(name);
        fs::read_to_string(&path).with_context(|| format!("reading policy file {}", path.display()))
    };
    let [si, hpf, mw, iit, pay, perf, cost] = PolicyTexts::FILE_NAMES.map(read);
    let (si, hpf, mw, iit, pay, perf, cost) = (si?, hpf?, mw?, iit?, pay?, perf?, cost?);
    Policy::from_toml_strs(&PolicyTexts {
        social_insurance: &si,
        housing_fund: &hpf,
        minimum_wage: &mw,
        iit: &iit,
        pay_structure: &pay,
        performance: &perf,
        contract_cost: &cost,
    })
    .with_context(|| format!("loading policy from {}", dir.display()))
}

/// Runs a payroll subcommand with the data directory (the one holding `payroll/*.toml`).
///
/// # Errors
/// Unreadable or invalid files, or a payroll error naming the employee and field.
pub fn run(cmd: PayrollCommand, data_dir: &Path) -> anyhow::Result<()> {
    match cmd {
        PayrollCommand::Compute { case, out } => {
            let policy = load_policy(data_dir)?;
            let text = fs::read_to_string(&case)
                .with_context(|| format!("reading case file {}", case.display()))?;
            let parsed: Case = serde_json::from_str(&text)
                .with_context(|| format!("parsing case file {}", case.display()))?;
            let result = compute_case(&policy, &parsed)
                .with_context(|| format!("computing case {}", case.display()))?;
            let json = serde_json::to_string_pretty(&result)?;
            match out {
                Some(path) => fs::write(&path, json + "\n")
                    .with_context(|| format!("writing {}", path.display()))?,
                None => println!("{json}"),
            }
            Ok(())
        }
        PayrollCommand::Demo {
            month,
            site,
            roster,
            time_limit,
            json,
        } => demo(
            &month,
            &site,
            roster.as_deref(),
            time_limit,
            json.as_deref(),
            data_dir,
        ),
    }
}

/// Contract start of the demo staff (hire date for income tax months).
const DEMO_HIRED_ON: (i32, u32, u32) = (2026, 1, 1);

fn demo(
    month_text: &str,
    site: &Path,
    roster: Option<&Path>,
    time_limit: f64,
    json: Option<&Path>,
    data_dir: &Path,
) -> anyhow::Result<()> {
    use payroll::Month;

    let policy = load_policy(data_dir)?;
    let month: Month = month_text
        .parse()
        .map_err(|e| anyhow::anyhow!("month `{month_text}`: {e}"))?;
    let doc = match roster {
        Some(path) => crate::roster_cli::read_roster(path)?,
        None => crate::roster_cli::solve(
            &crate::roster_cli::SolveArgs::quiet_month(month_text, site, time_limit),
            data_dir,
        )?,
    };
    anyhow::ensure!(
        doc.problem.month == month_text,
        "the roster is for {}, not {month_text}",
        doc.problem.month
    );
    let sheets = crate::timesheet::time_sheets(&doc);
    let run = pay_month(&policy, data_dir, &doc, sheets, month)?;
    let (pay, cost, year) = (&run.pay, &run.cost, &run.year);
    println!(
        "工资 payroll {month_text} · {} 人 (earlier months paid as standard months)",
        pay.payslips.len()
    );
    println!(
        "{:<6} {:<8} {:>10} {:>10} {:>9} {:>10} {:>10}",
        "工号", "姓名", "应发gross", "个人社保", "个税IIT", "实发net", "单位成本"
    );
    for s in &pay.payslips {
        println!(
            "{:<6} {:<8} {:>10} {:>10} {:>9} {:>10} {:>10}",
            s.employee_id,
            s.employee_name,
            s.totals.gross,
            s.totals.employee_contributions,
            s.totals.income_tax,
            s.totals.net,
            s.totals.employer_cost
        );
    }
    let t = &pay.totals;
    println!(
        "合计 totals: gross {} · employee contributions {} · IIT {} · net {} · employer cost {}",
        t.gross, t.employee_contributions, t.income_tax, t.net, t.employer_cost
    );
    if !pay.minimum_wage_breaches.is_empty() {
        println!(
            "最低工资 minimum wage breaches: {}",
            pay.minimum_wage_breaches.join(", ")
        );
    }
    println!(
        "坐席人工费 seat labour cost {month_text}: personnel {} + management {} = {}",
        cost.personnel_cost, cost.management_cost, cost.seat_labour_cost
    );
    println!(
        "年度 year {}: to date {}, projected {}, floor {}, margin {} → {}",
        year.year,
        year.year_to_date,
        year.projected_year,
        year.floor,
        year.margin,
        if year.meets_floor {
            "meets the floor (达标)"
        } else {
            "BELOW the floor (未达标)"
        }
    );
    if let Some(path) = json {
        let out = serde_json::json!({ "payroll": pay, "month_cost": cost, "year": year });
        fs::write(path, serde_json::to_string_pretty(&out)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        println!("JSON: {}", path.display());
    }
    Ok(())
}

/// A month paid: the payroll, its seat labour cost, the cost of every month of the year so
/// far (earlier months paid as standard months), and the year against the floor.
#[derive(Debug, Clone)]
pub struct PayRun {
    /// The month's payroll.
    pub pay: payroll::MonthPayroll,
    /// The month's seat labour cost.
    pub cost: payroll::MonthCost,
    /// Every month of the year up to and including this one.
    pub months: Vec<payroll::MonthCost>,
    /// The year against the floor.
    pub year: payroll::SeatCostYear,
    /// The annual floor in force.
    pub floor: rust_decimal::Decimal,
}

/// Pays the roster's staff for `month` from the given time sheets (staff order). Earlier
/// months of the year (for cumulative income tax and the annual view) are not rostered here:
/// they are paid as standard months, with this month's night count.
///
/// # Errors
/// Unknown pay positions, calendar or payroll errors, each naming what failed.
pub fn pay_month(
    policy: &Policy,
    data_dir: &Path,
    doc: &scheduler::RosterFile,
    sheets: Vec<payroll::TimeSheet>,
    month: payroll::Month,
) -> anyhow::Result<PayRun> {
    use payroll::{
        compute_month, month_cost, seat_cost_year, CostMonthTotal, EmployeeMonth, Month,
    };

    let hired = chrono::NaiveDate::from_ymd_opt(DEMO_HIRED_ON.0, DEMO_HIRED_ON.1, DEMO_HIRED_ON.2)
        .context("date")?;
    let employees: Vec<payroll::Employee> = doc
        .problem
        .employees
        .iter()
        .map(|e| crate::timesheet::payroll_employee(e, hired))
        .collect::<anyhow::Result<_>>()?;
    anyhow::ensure!(
        sheets.len() == employees.len(),
        "{} time sheets for {} employees",
        sheets.len(),
        employees.len()
    );
    let calendar = crate::data::load_calendar(data_dir)?;
    let mut ytd: Vec<payroll::IitYearToDate> = vec![Default::default(); employees.len()];
    let mut months = Vec::new();
    for m in 1..month.month() {
        let earlier = Month::new(month.year(), m).context("month")?;
        let days = calendar.working_days(month.year(), m)?;
        let inputs: Vec<EmployeeMonth> = employees
            .iter()
            .zip(&sheets)
            .zip(&ytd)
            .map(|((e, ts), y)| {
                let mut t = ts.clone();
                t.scheduled_working_days_of_month = days;
                t.working_days_employed = days;
                t.standard_hours_of_month = rust_decimal::Decimal::from(days * 8);
                t.ordinary_day_hours = t.standard_hours_of_month;
                t.rest_day_hours = rust_decimal::Decimal::ZERO;
                t.statutory_holiday_hours = rust_decimal::Decimal::ZERO;
                t.leave = Default::default();
                t.absence_days = rust_decimal::Decimal::ZERO;
                month_input(e, t, y)
            })
            .collect();
        let pay = compute_month(policy, earlier, &inputs)?;
        for (slot, slip) in ytd.iter_mut().zip(sorted_like(&employees, &pay.payslips)) {
            *slot = slip.iit.year_to_date_after.clone();
        }
        months.push(month_cost(&policy.contract_cost, &pay)?);
    }
    let inputs: Vec<EmployeeMonth> = employees
        .iter()
        .zip(sheets)
        .zip(&ytd)
        .map(|((e, ts), y)| month_input(e, ts, y))
        .collect();
    let pay = compute_month(policy, month, &inputs)?;
    let cost = month_cost(&policy.contract_cost, &pay)?;
    months.push(cost.clone());
    let floor = policy.contract_cost.floor_on(month.first_day())?.annual;
    let totals: Vec<CostMonthTotal> = months
        .iter()
        .map(|c| CostMonthTotal {
            month: c.month,
            seat_labour_cost: c.seat_labour_cost,
        })
        .collect();
    let year = seat_cost_year(floor, &totals, cost.seat_labour_cost)?;
    Ok(PayRun {
        pay,
        cost,
        months,
        year,
        floor,
    })
}

fn month_input(
    e: &payroll::Employee,
    time_sheet: payroll::TimeSheet,
    ytd: &payroll::IitYearToDate,
) -> payroll::EmployeeMonth {
    payroll::EmployeeMonth {
        employee: e.clone(),
        time_sheet,
        iit_year_to_date: ytd.clone(),
        annual_bonus: None,
        other_earnings: vec![],
        other_deductions: vec![],
        arrears: vec![],
    }
}

/// Payslips come back sorted by id; line them up with the employee order.
fn sorted_like<'a>(
    employees: &[payroll::Employee],
    slips: &'a [payroll::Payslip],
) -> Vec<&'a payroll::Payslip> {
    employees
        .iter()
        .map(|e| {
            slips
                .iter()
                .find(|s| s.employee_id == e.id)
                .expect("one payslip per employee")
        })
        .collect()
}
