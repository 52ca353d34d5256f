//! Paying a month: the time sheets from the month's roster and its stored attendance
//! (reconciled) or, without attendance, the roster itself; the KPI scores from the stored
//! evaluation; then the payroll and the month's seat labour cost. A run is stored as a draft
//! with what it was paid from, and approved (then immutable, its month frozen).

use std::collections::BTreeMap;

use anyhow::Context as _;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{blocking, Context, Error, Result, YearMonth};
use crate::db::payroll::{NewRun, RunRow, RunWriteError};
use crate::db::roster::RosterVersion;

/// Where the roster a month was paid from came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum RosterSource {
    /// The month's published roster.
    Published {
        /// Row id.
        id: i64,
        /// Version.
        version: i64,
    },
    /// The month's draft (not published yet).
    Draft {
        /// Row id.
        id: i64,
        /// Version.
        version: i64,
    },
    /// A file given on the command line.
    File {
        /// Its name.
        name: String,
    },
}

impl RosterSource {
    fn of(meta: &RosterVersion) -> Self {
        if meta.published() {
            RosterSource::Published {
                id: meta.id,
                version: meta.version,
            }
        } else {
            RosterSource::Draft {
                id: meta.id,
                version: meta.version,
            }
        }
    }

    /// The stored version's id, if from the store.
    #[must_use]
    pub fn version_id(&self) -> Option<i64> {
        match self {
            RosterSource::Published { id, .. } | RosterSource::Draft { id, .. } => Some(*id),
            RosterSource::File { .. } => None,
        }
    }

    /// In words, Chinese.
    #[must_use]
    pub fn label_zh(&self) -> String {
        match self {
            RosterSource::Published { version, .. } => format!("已发布排班第 {version} 版"),
            RosterSource::Draft { version, .. } => format!("排班草稿第 {version} 版（未发布）"),
            RosterSource::File { name } => format!("排班文件 {name}"),
        }
    }
}

/// A month paid: the payroll and its seat labour cost.
#[derive(Debug, Clone)]
pub struct PayRun {
    /// The month's payroll.
    pub pay: payroll::MonthPayroll,
    /// The month's seat labour cost.
    pub cost: payroll::MonthCost,
    /// The annual floor in force.
    pub floor: Decimal,
}

/// A month paid, and what it was paid from.
#[derive(Debug, Clone)]
pub struct PaidMonth {
    /// The payroll and costs.
    pub run: PayRun,
    /// The roster used.
    pub roster: scheduler::RosterFile,
    /// Where it came from.
    pub roster_source: RosterSource,
    /// Attendance records reconciled (0: the roster was the time sheet).
    pub attendance_records: usize,
    /// People evaluated from stored KPI evidence (0: neutral KPI scores).
    pub evaluated: usize,
    /// What was used, in words, for the front end to show.
    pub notes: Vec<String>,
}

/// The month's cost and the facts a run was paid from (stored with the run as JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CostDoc {
    /// The month's seat labour cost.
    pub cost: payroll::MonthCost,
    /// The annual floor in force.
    pub floor: Decimal,
    /// Staff on post (reserve excluded).
    pub on_post: u32,
    /// Reserve staff.
    pub reserve: u32,
    /// Open roster shortfalls.
    pub shortfalls: usize,
    /// Whether the roster was published.
    pub roster_published: bool,
    /// Attendance records reconciled.
    pub attendance_records: usize,
    /// People evaluated from KPI evidence.
    pub evaluated: usize,
}

impl CostDoc {
    /// The cost document of a month paid.
    #[must_use]
    pub fn of(paid: &PaidMonth) -> Self {
        let employees = &paid.roster.problem.employees;
        let reserve = employees.iter().filter(|e| e.reserve).count();
        CostDoc {
            cost: paid.run.cost.clone(),
            floor: paid.run.floor,
            on_post: u32::try_from(employees.len() - reserve).unwrap_or(0),
            reserve: u32::try_from(reserve).unwrap_or(0),
            shortfalls: paid.roster.roster.shortfalls.len(),
            roster_published: matches!(paid.roster_source, RosterSource::Published { .. }),
            attendance_records: paid.attendance_records,
            evaluated: paid.evaluated,
        }
    }
}

/// Pays `month` from `roster` (a file's roster and its name), or else from the store's roster
/// of the month ([`super::roster::for_pay`]), with the stored attendance and KPI evidence.
///
/// # Errors
/// [`Error::NotFound`] without a roster, [`Error::Invalid`] for a roster of another month, or
/// payroll errors naming the employee.
pub async fn compute(
    cx: Context<'_>,
    month: YearMonth,
    roster: Option<(scheduler::RosterFile, String)>,
) -> Result<PaidMonth> {
    let month_text = month.to_string();
    let (doc, source) = match roster {
        Some((doc, name)) => (doc, RosterSource::File { name }),
        None => match super::roster::for_pay(cx, &month_text).await? {
            Some(s) => {
                let source = RosterSource::of(&s.meta);
                (s.doc, source)
            }
            None => {
                return Err(Error::NotFound(format!(
                    "no roster for {month_text}: generate (or import) the month's roster first"
                )))
            }
        },
    };
    if doc.problem.month != month_text {
        return Err(Error::Invalid(format!(
            "the roster is for {}, not {month_text}",
            doc.problem.month
        )));
    }
    let mut notes = vec![format!("roster: {}", source.label_zh())];
    let records = cx.store.attendance(&month_text).await?;
    let mut attendance_kpi = BTreeMap::new();
    let sheets = if records.is_empty() {
        notes.push(format!(
            "no attendance stored for {month_text}: the roster is the time sheet"
        ));
        crate::timesheet::time_sheets(&doc)
    } else {
        let rec = crate::attendance::reconcile(
            &doc,
            &records,
            &cx.reference.attendance,
            Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
        );
        notes.push(format!(
            "time sheets from {} attendance records reconciled with the roster ({} differences to confirm)",
            records.len(),
            rec.differences.len()
        ));
        for p in &rec.people {
            attendance_kpi.insert(p.employee.clone(), p.attendance_kpi);
        }
        rec.time_sheets
    };
    let evaluations =
        super::kpi::evaluations(cx, month, &doc.problem.employees, &attendance_kpi).await?;
    let mut sheets = sheets;
    match &evaluations {
        Some(evals) => {
            // The evaluation's scores replace the time sheets' (neutral or attendance-only).
            for (ts, e) in sheets.iter_mut().zip(&doc.problem.employees) {
                if let Some(ev) = evals.iter().find(|v| v.employee == e.id) {
                    ts.kpi = ev.scores();
                }
            }
            notes.push(format!(
                "KPI scores from the month's evaluation ({} people)",
                evals.len()
            ));
        }
        None => notes.push(format!(
            "no KPI evidence stored for {month_text}: KPIs other than attendance score {} (neutral)",
            crate::timesheet::NEUTRAL_KPI_SCORE
        )),
    }
    let reference = cx.reference.clone();
    let d = doc.clone();
    let run = blocking(move || pay_month(&reference, &d, sheets, month))
        .await?
        .map_err(|e| Error::Internal(e.context(format!("paying {month_text}"))))?;
    Ok(PaidMonth {
        run,
        roster: doc,
        roster_source: source,
        attendance_records: records.len(),
        evaluated: evaluations.as_ref().map_or(0, Vec::len),
        notes,
    })
}

/// Contract start of the demo staff: the hire date income tax counts months from (the
/// year-to-date of earlier months is modelled; see [`pay_month`]).
const DEMO_HIRED_ON: (i32, u32, u32) = (2026, 1, 1);

/// Pays the roster's staff for `month` from the given time sheets (staff order). Earlier
/// months of the year (for cumulative income tax) are not rostered here: they are paid as
/// standard months, with this month's night count.
///
/// # Errors
/// Unknown pay positions, calendar or payroll errors, each naming what failed.
pub fn pay_month(
    reference: &crate::reference::Reference,
    doc: &scheduler::RosterFile,
    sheets: Vec<payroll::TimeSheet>,
    month: YearMonth,
) -> anyhow::Result<PayRun> {
    use payroll::{compute_month, month_cost, EmployeeMonth, Month};

    let policy = &reference.payroll;
    let month = Month::new(month.year, month.month).context("month")?;
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
    let calendar = &reference.calendar;
    let mut ytd: Vec<payroll::IitYearToDate> = vec![Default::default(); employees.len()];
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
                t.standard_hours_of_month = Decimal::from(days * 8);
                t.ordinary_day_hours = t.standard_hours_of_month;
                t.rest_day_hours = Decimal::ZERO;
                t.statutory_holiday_hours = Decimal::ZERO;
                t.leave = Default::default();
                t.absence_days = Decimal::ZERO;
                month_input(e, t, y)
            })
            .collect();
        let pay = compute_month(policy, earlier, &inputs)?;
        for (slot, slip) in ytd.iter_mut().zip(sorted_like(&employees, &pay.payslips)) {
            *slot = slip.iit.year_to_date_after.clone();
        }
    }
    let inputs: Vec<EmployeeMonth> = employees
        .iter()
        .zip(sheets)
        .zip(&ytd)
        .map(|((e, ts), y)| month_input(e, ts, y))
        .collect();
    let pay = compute_month(policy, month, &inputs)?;
    let cost = month_cost(&policy.contract_cost, &pay)?;
    let floor = policy.contract_cost.floor_on(month.first_day())?.annual;
    Ok(PayRun { pay, cost, floor })
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

/// Months being computed now (one computation per month at a time).
static RUNNING: std::sync::Mutex<Option<std::collections::HashSet<String>>> =
    std::sync::Mutex::new(None);

/// A claim on a month's computation, released when dropped.
pub struct Running(String);

impl Running {
    /// Claims `month`; `None` when it is being computed already.
    #[must_use]
    pub fn claim(month: &str) -> Option<Self> {
        let mut set = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        set.get_or_insert_with(Default::default)
            .insert(month.to_string())
            .then(|| Running(month.to_string()))
    }

    /// Whether `month` is being computed.
    #[must_use]
    pub fn busy(month: &str) -> bool {
        RUNNING
            .lock()
            .ok()
            .and_then(|s| s.as_ref().map(|s| s.contains(month)))
            .unwrap_or(false)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut set = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = set.as_mut() {
            s.remove(&self.0);
        }
    }
}

fn run_refused(e: RunWriteError) -> Error {
    match e {
        RunWriteError::Database(e) => Error::Internal(e),
        RunWriteError::NoDraft(id) => Error::NotFound(format!("no draft payroll run #{id}")),
        other @ RunWriteError::Approved { .. } => Error::Conflict(other.to_string()),
    }
}

/// Computes a draft run of `month` from the store and stores it (audited `payroll.run`).
///
/// # Errors
/// [`Error::Conflict`] when the month is approved or being computed, else as [`compute`].
pub async fn run(cx: Context<'_>, month: YearMonth, actor: &str) -> Result<(i64, PaidMonth)> {
    let month_text = month.to_string();
    if let Some(r) = cx.store.approved_run(&month_text).await? {
        return Err(run_refused(RunWriteError::Approved {
            month: month_text,
            id: r.id,
        }));
    }
    let Some(_running) = Running::claim(&month_text) else {
        return Err(Error::Conflict(format!(
            "the payroll of {month_text} is being computed; wait for it to finish"
        )));
    };
    let paid = compute(cx, month, None).await?;
    let cost = CostDoc::of(&paid);
    let pay_json = serde_json::to_string(&paid.run.pay).context("writing the payroll")?;
    let cost_json = serde_json::to_string(&cost).context("writing the cost")?;
    let t = &paid.run.pay.totals;
    let after = format!(
        "draft: {} people · gross {} · net {} · employer cost {} · {}",
        paid.run.pay.payslips.len(),
        t.gross,
        t.net,
        t.employer_cost,
        paid.roster_source.label_zh()
    );
    let id = cx
        .store
        .run_insert(&NewRun {
            month: &month_text,
            payroll_json: &pay_json,
            cost_json: &cost_json,
            roster_version_id: paid.roster_source.version_id(),
            actor,
            audit_after: &after,
        })
        .await
        .map_err(run_refused)?;
    Ok((id, paid))
}

/// Approves draft run `id` (audited `payroll.approve`); its month, now frozen.
///
/// # Errors
/// [`Error::NotFound`] for an unknown run, [`Error::Conflict`] when the month is approved.
pub async fn approve(cx: Context<'_>, id: i64, actor: &str) -> Result<String> {
    let Some((row, pay)) = cx.store.run_payroll(id).await? else {
        return Err(Error::NotFound(format!("no payroll run #{id}")));
    };
    if row.approved() {
        return Err(run_refused(RunWriteError::Approved {
            month: row.month,
            id,
        }));
    }
    let t = &pay.totals;
    let after = format!(
        "approved: {} people · gross {} · net {} · employer cost {}",
        pay.payslips.len(),
        t.gross,
        t.net,
        t.employer_cost
    );
    cx.store
        .run_approve(id, actor, &after)
        .await
        .map_err(run_refused)
}

/// A stored run with its payroll and cost.
#[derive(Debug, Clone)]
pub struct StoredRun {
    /// The run.
    pub row: RunRow,
    /// Its payroll.
    pub pay: payroll::MonthPayroll,
    /// Its cost document.
    pub cost: CostDoc,
}

/// Reads a stored run.
///
/// # Errors
/// A database error or a stored document that does not parse (named).
pub async fn stored(cx: Context<'_>, id: i64) -> Result<Option<StoredRun>> {
    let Some((row, pay)) = cx.store.run_payroll(id).await? else {
        return Ok(None);
    };
    let Some(cost) = cx.store.run_cost(id).await? else {
        return Ok(None);
    };
    let cost: CostDoc = serde_json::from_str(&cost.cost_json)
        .with_context(|| format!("stored cost of run #{id} does not parse"))?;
    Ok(Some(StoredRun { row, pay, cost }))
}
