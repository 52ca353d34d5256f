//! Paying a month: the time sheets from the month's roster and its stored attendance
//! (reconciled) or, without attendance, the roster itself; the KPI scores from the stored
//! evaluation; then the payroll and the month's seat labour cost. A run is stored as a draft
//! with what it was paid from, and approved (then immutable, its month frozen).

use crate::said;
use crate::said::Said;
use std::collections::{BTreeMap, BTreeSet};

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
    /// The roster used (fitted to the staff list's employment dates).
    pub roster: scheduler::RosterFile,
    /// Where it came from.
    pub roster_source: RosterSource,
    /// Attendance records reconciled (0: the roster was the time sheet).
    pub attendance_records: usize,
    /// People evaluated from stored KPI evidence (0: neutral KPI scores).
    pub evaluated: usize,
    /// What was used, in words, for the front end to show.
    pub notes: Vec<String>,
    /// What needs a look before approval (earlier months not approved, a roster that does
    /// not fit the employment dates, corrections that cannot be paid yet).
    pub warnings: Vec<String>,
    /// The corrections whose differences this month pays (settled by its approval).
    pub corrections: Vec<i64>,
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
    /// The warnings the run was computed with.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The corrections it pays.
    #[serde(default)]
    pub corrections: Vec<i64>,
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
            warnings: paid.warnings.clone(),
            corrections: paid.corrections.clone(),
        }
    }
}

/// The differences of corrected months each person is paid this month.
pub type ArrearsByPerson = BTreeMap<String, Vec<payroll::Arrears>>;

/// Pays `month` from `roster` (a file's roster and its name), or else from the store's roster
/// of the month ([`super::roster::for_pay`]), with the stored attendance and KPI evidence, the
/// cumulative tax of the year's approved months, and the differences of open corrections of
/// earlier months.
///
/// # Errors
/// [`Error::NotFound`] without a roster, [`Error::Invalid`] for a roster of another month or
/// a person without an HR record, or payroll errors naming the employee.
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
                return Err(Error::NotFound(said!(
                    "no roster for {month_text}: generate (or import) the month's roster first",
                    "{month_text} 没有排班：请先生成（或导入）本月排班"
                )))
            }
        },
    };
    let records = cx.store.attendance(&month_text).await?;
    let (arrears, corrections, mut warnings) =
        super::corrections::arrears_for(cx, month, &doc).await?;
    let mut paid = compute_core(cx, month, doc, source, records, &[], arrears).await?;
    paid.corrections = corrections;
    paid.warnings.append(&mut warnings);
    Ok(paid)
}

/// Fits a roster to the staff list's employment dates for paying: days outside someone's
/// employment become 不在职 leave and lose their shifts (a roster published before a leaving
/// was recorded still holds them), a person employed in the month but missing from the
/// roster (a joiner added after publishing) is added without shifts, and a person employed on
/// no day of the month is taken off. Each change is a warning: repair the roster.
pub fn fit_employment(
    doc: &mut scheduler::RosterFile,
    staff: &crate::staff::Staff,
    month: YearMonth,
) -> Vec<String> {
    use scheduler::LeaveKind;
    let (first, last) = (month.first_day(), month.last_day());
    let mut warnings = Vec::new();
    let employed: Vec<&crate::staff::Member> = staff.employed_between(first, last).collect();
    let records = staff.hr_records();
    let away = crate::hr::not_employed(&records, month.year, month.month);
    // Off: on the roster, employed on no day of the month.
    let gone: Vec<String> = doc
        .problem
        .employees
        .iter()
        .filter(|e| {
            staff.get(&e.id).is_some_and(|m| m.hr.is_some())
                && !employed.iter().any(|m| m.employee.id == e.id)
        })
        .map(|e| e.id.clone())
        .collect();
    for id in &gone {
        warnings.push(format!(
            "{id} is on the roster of {month} but employed on no day of it: not paid this month"
        ));
    }
    doc.problem.employees.retain(|e| !gone.contains(&e.id));
    doc.problem.leave.retain(|l| !gone.contains(&l.employee));
    doc.roster
        .assignments
        .retain(|a| !gone.contains(&a.employee));
    doc.roster.standby.retain(|a| !gone.contains(&a.employee));
    // Added: employed, not on the roster.
    for m in &employed {
        if !doc.problem.employees.iter().any(|e| e.id == m.employee.id) {
            warnings.push(format!(
                "{} {} is employed in {month} but not on its roster (the roster was made before the joining was recorded): paid for the days employed from the attendance stored; repair the roster",
                m.employee.id, m.employee.name
            ));
            doc.problem.employees.push(m.employee.clone());
        }
    }
    // Days outside employment: 不在职 leave, no shift.
    for l in away {
        if !doc.problem.employees.iter().any(|e| e.id == l.employee) {
            continue;
        }
        let dropped = doc
            .roster
            .assignments
            .iter()
            .filter(|a| a.employee == l.employee && a.date >= l.from && a.date <= l.to)
            .count();
        if dropped > 0 {
            warnings.push(format!(
                "the roster of {month} has {dropped} shift(s) of {} between {} and {}, when not employed: not paid; repair the roster",
                l.employee, l.from, l.to
            ));
        }
        doc.roster
            .assignments
            .retain(|a| !(a.employee == l.employee && a.date >= l.from && a.date <= l.to));
        doc.roster
            .standby
            .retain(|a| !(a.employee == l.employee && a.date >= l.from && a.date <= l.to));
        // Other leave of those days gives way to 不在职.
        doc.problem.leave.retain(|x| {
            !(x.employee == l.employee
                && x.kind != LeaveKind::Inactive
                && x.from >= l.from
                && x.to <= l.to)
        });
        if !doc.problem.leave.contains(&l) {
            doc.problem.leave.push(l);
        }
    }
    warnings
}

/// The cumulative tax figures each person brings into `month`: the `year_to_date_after` of
/// their payslip in the latest approved run of an earlier month of the year (nothing for
/// someone without one, such as a joiner); and the earlier months of the year without an
/// approved run.
///
/// # Errors
/// A database error or a stored payroll that does not parse.
pub async fn year_to_date(
    cx: Context<'_>,
    month: YearMonth,
    employees: &[scheduler::Employee],
) -> Result<(Vec<payroll::IitYearToDate>, Vec<String>)> {
    let mut ytd = vec![payroll::IitYearToDate::default(); employees.len()];
    let mut found = vec![false; employees.len()];
    let mut missing = Vec::new();
    for m in (1..month.month).rev() {
        let earlier = YearMonth {
            year: month.year,
            month: m,
        };
        match cx.store.approved_run(&earlier.to_string()).await? {
            Some(run) => {
                let Some((_, pay)) = cx.store.run_payroll(run.id).await? else {
                    continue;
                };
                for (i, e) in employees.iter().enumerate() {
                    if found[i] {
                        continue;
                    }
                    if let Some(slip) = pay.payslips.iter().find(|p| p.employee_id == e.id) {
                        ytd[i] = slip.iit.year_to_date_after.clone();
                        found[i] = true;
                    }
                }
            }
            None => missing.push(earlier.to_string()),
        }
    }
    missing.reverse();
    Ok((ytd, missing))
}

/// Pays `month` from a roster and day records, with extra KPI adjustments and arrears: the
/// computation every run, preview and correction goes through.
///
/// # Errors
/// As [`compute`].
pub async fn compute_core(
    cx: Context<'_>,
    month: YearMonth,
    mut doc: scheduler::RosterFile,
    source: RosterSource,
    records: Vec<crate::attendance::DayRecord>,
    extra_adjustments: &[crate::kpi::Adjustment],
    arrears: ArrearsByPerson,
) -> Result<PaidMonth> {
    let month_text = month.to_string();
    if doc.problem.month != month_text {
        return Err(Error::Invalid(said!(
            "the roster is for {}, not {month_text}",
            "该排班属于 {}，不是 {month_text}",
            doc.problem.month
        )));
    }
    let staff = cx.store.staff().await?;
    let mut warnings = fit_employment(&mut doc, &staff, month);
    let mut notes = vec![format!("roster: {}", source.label_zh())];
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
    let evaluations = super::kpi::evaluations_with(
        cx,
        month,
        &doc.problem.employees,
        &attendance_kpi,
        extra_adjustments,
    )
    .await?;
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
    let employees: Vec<payroll::Employee> = doc
        .problem
        .employees
        .iter()
        .map(|e| {
            let hr = staff
                .get(&e.id)
                .and_then(|m| m.hr.as_ref())
                .ok_or_else(|| {
                    Error::Invalid(said!(
                        "employee {} ({}) has no HR record: the hire date is needed for the income tax",
                        "员工 {}（{}）没有人事档案：计算个人所得税需要入职日期",
                        e.id,
                        e.name
                    ))
                })?;
            crate::timesheet::payroll_employee_of(e, hr).map_err(Error::Internal)
        })
        .collect::<Result<_>>()?;
    let (ytd, missing) = year_to_date(cx, month, &doc.problem.employees).await?;
    if !missing.is_empty() {
        warnings.push(format!(
            "no approved payroll of {}: the cumulative income tax counts no income or tax of those months",
            missing.join(", ")
        ));
    }
    let reference = cx.reference.clone();
    let run = blocking(move || pay_month(&reference, employees, sheets, ytd, arrears, month))
        .await?
        .map_err(|e| Error::Internal(e.context(format!("paying {month_text}"))))?;
    Ok(PaidMonth {
        run,
        roster: doc,
        roster_source: source,
        attendance_records: records.len(),
        evaluated: evaluations.as_ref().map_or(0, Vec::len),
        notes,
        warnings,
        corrections: Vec::new(),
    })
}

/// Pays `employees` for `month` from their time sheets (same order), with the cumulative tax
/// figures they bring into the month and the arrears of corrected months.
///
/// # Errors
/// Payroll errors, each naming what failed.
pub fn pay_month(
    reference: &crate::reference::Reference,
    employees: Vec<payroll::Employee>,
    sheets: Vec<payroll::TimeSheet>,
    ytd: Vec<payroll::IitYearToDate>,
    mut arrears: ArrearsByPerson,
    month: YearMonth,
) -> anyhow::Result<PayRun> {
    use payroll::{compute_month, month_cost, EmployeeMonth, Month};

    let policy = &reference.payroll;
    let month = Month::new(month.year, month.month).context("month")?;
    anyhow::ensure!(
        sheets.len() == employees.len() && ytd.len() == employees.len(),
        "{} time sheets and {} year-to-date figures for {} employees",
        sheets.len(),
        ytd.len(),
        employees.len()
    );
    let inputs: Vec<EmployeeMonth> = employees
        .into_iter()
        .zip(sheets)
        .zip(ytd)
        .map(|((e, time_sheet), iit_year_to_date)| EmployeeMonth {
            arrears: arrears.remove(&e.id).unwrap_or_default(),
            employee: e,
            time_sheet,
            iit_year_to_date,
            annual_bonus: None,
            other_earnings: vec![],
            other_deductions: vec![],
        })
        .collect();
    let pay = compute_month(policy, month, &inputs)?;
    let cost = month_cost(&policy.contract_cost, &pay)?;
    let floor = policy.contract_cost.floor_on(month.first_day())?.annual;
    Ok(PayRun { pay, cost, floor })
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
        RunWriteError::NoDraft(id) => Error::NotFound(said!(
            "no draft payroll run #{id}",
            "没有工资核算草稿 #{id}"
        )),
        RunWriteError::Approved { ref month, id } => Error::Conflict(Said::new(
            e.to_string(),
            format!(
                "{month}：已审批的核算不可更改；更正将作为以后月份的补差项（核算 #{id} 已审批）"
            ),
        )),
        RunWriteError::Superseded {
            ref month,
            id,
            newer,
        } => Error::Conflict(Said::new(
            e.to_string(),
            format!("{month}：草稿核算 #{id} 已被更新的草稿 #{newer} 取代；请审批最新的草稿"),
        )),
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
        return Err(Error::Conflict(said!(
            "the payroll of {month_text} is being computed; wait for it to finish",
            "{month_text} 的工资正在核算中；请等待完成"
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
        return Err(Error::NotFound(said!(
            "no payroll run #{id}",
            "没有工资核算 #{id}"
        )));
    };
    if row.approved() {
        return Err(run_refused(RunWriteError::Approved {
            month: row.month,
            id,
        }));
    }
    let settles = match cx.store.run_cost(id).await? {
        Some(c) => serde_json::from_str::<CostDoc>(&c.cost_json)
            .map(|d| d.corrections)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    // A draft is a computation of the month's inputs at the time it was run. What is approved
    // must be what the inputs pay now: a leaving or joining recorded since, a repaired roster,
    // attendance imported again or a correction entered since all change them, and a stale
    // draft approved would freeze the wrong month. So the month is paid again here and must
    // come out the same, person by person.
    let month = YearMonth::parse(&row.month)?;
    let now = compute(cx, month, None).await?;
    let stale = stale_people(&pay, &now.run.pay);
    if !stale.is_empty() || now.corrections != settles {
        let who = if stale.is_empty() {
            "the corrections it pays".to_string()
        } else {
            stale.join(", ")
        };
        return Err(Error::Conflict(said!(
            "run #{id} of {} was computed before its inputs changed (staff, roster, attendance, KPI or corrections; differs for {who}): run the payroll of {} again and approve the new run",
            "{} 的核算 #{id} 计算后其依据已有变动（人员、排班、考勤、绩效或更正；{who} 不同）：请重新核算 {} 的工资并审批新的核算",
            row.month,
            row.month
        )));
    }
    let t = &pay.totals;
    let after = format!(
        "approved: {} people · gross {} · net {} · employer cost {}{}",
        pay.payslips.len(),
        t.gross,
        t.net,
        t.employer_cost,
        if settles.is_empty() {
            String::new()
        } else {
            format!(
                " · settles correction(s) #{}",
                settles
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" #")
            )
        }
    );
    cx.store
        .run_approve(id, actor, &after, &settles)
        .await
        .map_err(run_refused)
}

/// The people whose payslips differ between two payrolls of a month (present in one only, or
/// paid differently), by id.
fn stale_people(a: &payroll::MonthPayroll, b: &payroll::MonthPayroll) -> Vec<String> {
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for p in &a.payslips {
        if b.payslips.iter().find(|q| q.employee_id == p.employee_id) != Some(p) {
            ids.insert(&p.employee_id);
        }
    }
    for q in &b.payslips {
        if !a.payslips.iter().any(|p| p.employee_id == q.employee_id) {
            ids.insert(&q.employee_id);
        }
    }
    ids.into_iter().map(str::to_string).collect()
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
