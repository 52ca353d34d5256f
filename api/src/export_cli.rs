//! `workforce export KIND --month YYYY-MM --out FILE`: the month's payroll workbooks for HR
//! and the purchaser (工资表, 工资条, 社保公积金台账, 个税导入, 银行代发, 坐席人工费合规).
//!
//! The month is paid from its roster (`--roster`, else solved for the demo site) and, when
//! attendance for the month is stored, from the attendance reconciled with that roster;
//! without stored attendance the roster itself is the time sheet (and the command says so).
//! When KPI evidence is stored for the month, the evaluation's scores are the time sheets'
//! KPI scores (so performance pay follows the evaluation).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rust_decimal::Decimal;

use crate::excel::payroll_xlsx::{self, ComplianceInput, MonthHeadcount};
use crate::payroll_cli::{load_policy, pay_month, PayRun};
use crate::store::{database_url, runtime, Store};

/// Which workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    /// 工资表: one row per person, every pay line a column, totals row.
    Payroll,
    /// 工资条: the header row repeated above each person's row.
    Payslips,
    /// 社保公积金台账: bases, employer and employee amounts per item.
    Ledger,
    /// 个税导入: the tax client's 正常工资薪金收入 sheet.
    Tax,
    /// 银行代发: name, account, bank, net pay.
    Bank,
    /// 坐席人工费合规: monthly seat labour cost, year to date against the floor, chart.
    Compliance,
}

/// Arguments of `workforce export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Which workbook.
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// Month, YYYY-MM.
    #[arg(long)]
    pub month: String,
    /// Output workbook.
    #[arg(long)]
    pub out: PathBuf,
    /// The published roster of the month (else the demo site's month is solved).
    #[arg(long)]
    pub roster: Option<PathBuf>,
    /// Site folder (staff, shifts, hr.toml).
    #[arg(long, default_value = "data/demo")]
    pub site: PathBuf,
    /// Database URL holding imported attendance.
    #[arg(long)]
    pub db: Option<String>,
    /// Solver time limit when the roster is solved.
    #[arg(long, default_value_t = 60.0)]
    pub time_limit: f64,
}

/// Pays the month: roster (given or solved), stored attendance if any.
///
/// # Errors
/// Bad inputs, solver, database or payroll errors, named.
pub fn pay(a: &ExportArgs, data_dir: &Path) -> anyhow::Result<(PayRun, scheduler::RosterFile)> {
    let roster = a
        .roster
        .as_deref()
        .map(crate::roster_cli::read_roster)
        .transpose()?;
    let m = pay_inputs(
        &a.month,
        roster,
        &a.site,
        a.db.as_deref(),
        a.time_limit,
        data_dir,
    )?;
    Ok((m.run, m.roster))
}

/// A month paid, and what it was paid from.
#[derive(Debug, Clone)]
pub struct PaidMonth {
    /// The payroll and costs.
    pub run: PayRun,
    /// The roster used.
    pub roster: scheduler::RosterFile,
    /// Attendance records reconciled (0: the roster was the time sheet).
    pub attendance_records: usize,
    /// People evaluated from stored KPI evidence (0: neutral KPI scores).
    pub evaluated: usize,
}

/// Pays `month` the way every export does: the roster (given, or solved for the site), the
/// stored attendance reconciled with it if any, the stored KPI evaluation if any.
///
/// # Errors
/// Bad inputs, solver, database or payroll errors, named.
pub fn pay_inputs(
    month_text: &str,
    roster: Option<scheduler::RosterFile>,
    site: &Path,
    db: Option<&str>,
    time_limit: f64,
    data_dir: &Path,
) -> anyhow::Result<PaidMonth> {
    let month: payroll::Month = month_text
        .parse()
        .map_err(|e| anyhow::anyhow!("month `{month_text}`: {e}"))?;
    let doc = match roster {
        Some(doc) => doc,
        None => crate::roster_cli::solve(
            &crate::roster_cli::SolveArgs::quiet_month(month_text, site, time_limit),
            data_dir,
        )?,
    };
    anyhow::ensure!(
        doc.problem.month == month_text,
        "the roster is for {}, not {}",
        doc.problem.month,
        month_text
    );
    let url = database_url(db);
    let attendance_policy = crate::attendance_cli::load_policy(data_dir)?;
    let (sheets, evaluations, attendance_records) = runtime()?.block_on(async {
        let store = Store::open(&url).await?;
        let records = store.attendance(month_text).await?;
        let mut attendance_kpi = std::collections::BTreeMap::new();
        let sheets = if records.is_empty() {
            println!(
                "no attendance stored for {} in {url}: the roster is the time sheet",
                month_text
            );
            crate::timesheet::time_sheets(&doc)
        } else {
            let rec = crate::attendance::reconcile(
                &doc,
                &records,
                &attendance_policy,
                Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
            );
            println!(
                "time sheets from {} attendance records reconciled with the roster ({} differences to confirm: `workforce attendance reconcile`)",
                records.len(),
                rec.differences.len()
            );
            for p in &rec.people {
                attendance_kpi.insert(p.employee.clone(), p.attendance_kpi);
            }
            rec.time_sheets
        };
        let evaluations = crate::kpi_cli::stored_evaluations(
            &store,
            month_text,
            &doc.problem.employees,
            &attendance_kpi,
            data_dir,
        )
        .await;
        store.close().await;
        anyhow::Ok((sheets, evaluations?, records.len()))
    })?;
    let mut sheets = sheets;
    match &evaluations {
        Some(evals) => {
            // The evaluation's scores replace the time sheets' (neutral or attendance-only).
            for (ts, e) in sheets.iter_mut().zip(&doc.problem.employees) {
                if let Some(ev) = evals.iter().find(|v| v.employee == e.id) {
                    ts.kpi = ev.scores();
                }
            }
            println!(
                "KPI scores from the month's evaluation ({} people; `workforce kpi evaluate`)",
                evals.len()
            );
        }
        None => println!(
            "no KPI evidence stored for {}: KPIs other than attendance score {} (neutral)",
            month_text,
            crate::timesheet::NEUTRAL_KPI_SCORE
        ),
    }
    let policy = load_policy(data_dir)?;
    Ok(PaidMonth {
        run: pay_month(&policy, data_dir, &doc, sheets, month)?,
        roster: doc,
        attendance_records,
        evaluated: evaluations.as_ref().map_or(0, Vec::len),
    })
}

/// Runs `workforce export`.
///
/// # Errors
/// As [`pay`], a missing or invalid `hr.toml`, or a workbook error.
pub fn run(a: &ExportArgs, data_dir: &Path) -> anyhow::Result<()> {
    let (run, doc) = pay(a, data_dir)?;
    let bytes = workbook(a.kind, &run, &doc, &a.site, data_dir)?;
    crate::roster_cli::write_atomic(&a.out, &bytes)
        .with_context(|| format!("writing {}", a.out.display()))?;
    let t = &run.pay.totals;
    println!(
        "{:?} {}: {} people · gross {} · net {} · employer cost {} → {}",
        a.kind,
        a.month,
        run.pay.payslips.len(),
        t.gross,
        t.net,
        t.employer_cost,
        a.out.display()
    );
    Ok(())
}

/// The workbook of one of the five payroll kinds (register, payslips, ledger, tax, bank) from
/// the month's payroll alone (`site` for the HR records); `None` for the compliance workbook,
/// which needs the year's cost and the roster ([`workbook`]). The web app's stored runs use
/// this too.
///
/// # Errors
/// A missing or invalid `hr.toml`, or a workbook error.
pub fn pay_workbook(
    kind: ExportKind,
    pay: &payroll::MonthPayroll,
    site: &Path,
) -> anyhow::Result<Option<Vec<u8>>> {
    let hr = || crate::hr::load(site);
    Ok(Some(match kind {
        ExportKind::Payroll => payroll_xlsx::register(pay)?,
        ExportKind::Payslips => payroll_xlsx::payslips(pay)?,
        ExportKind::Ledger => payroll_xlsx::ledger(pay, &hr()?)?,
        ExportKind::Tax => payroll_xlsx::tax_import(pay, &hr()?)?,
        ExportKind::Bank => payroll_xlsx::bank_transfer(pay, &hr()?)?,
        ExportKind::Compliance => return Ok(None),
    }))
}

/// The workbook of one export kind for a paid month (`site` for the HR records).
///
/// # Errors
/// A missing or invalid `hr.toml`, a policy or workbook error.
pub fn workbook(
    kind: ExportKind,
    run: &PayRun,
    doc: &scheduler::RosterFile,
    site: &Path,
    data_dir: &Path,
) -> anyhow::Result<Vec<u8>> {
    if let Some(bytes) = pay_workbook(kind, &run.pay, site)? {
        return Ok(bytes);
    }
    // Only the compliance workbook is left.
    let policy = load_policy(data_dir)?;
    let floor_row = policy.contract_cost.floor_on(run.pay.month.first_day())?;
    let reserve = doc.problem.employees.iter().filter(|e| e.reserve).count() as u32;
    let on_post = doc.problem.employees.len() as u32 - reserve;
    Ok(payroll_xlsx::compliance(&ComplianceInput {
        year: run.pay.month.year(),
        floor: run.floor,
        floor_source: floor_row.provenance.source.clone(),
        headcount: run
            .months
            .iter()
            .map(|m| MonthHeadcount {
                month: m.month,
                on_post,
                reserve,
            })
            .collect(),
        months: run.months.clone(),
        year_view: run.year.clone(),
        contracted_heads: 52,
    })?)
}
