//! `workforce kpi …`: import the month's KPI evidence, record a manager's adjustment with its
//! reason, and evaluate (scores, composite, coefficient, evidence per person).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rust_decimal::Decimal;

use crate::excel::kpi_import::{parse, KpiFile};
use crate::excel::rows::StaffEntry;
use crate::kpi::{evaluate, Adjustment, Evaluation, Evidence, KpiScoring, Person};
use crate::store::{database_url, runtime, Store};

/// KPI subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum KpiCommand {
    /// Import a KPI file for a month: the call platform's agent report (坐席月报), QA listening
    /// sheets (质检评分表) or commendations and complaints (表扬投诉), recognised by headers.
    /// Every problem is listed; with any, nothing is stored. A new file of the same kind
    /// replaces the month's records of the people in it.
    Import {
        /// The file (.xlsx, .xls or CSV).
        file: PathBuf,
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Site folder (staff list).
        #[arg(long, default_value = "data/demo")]
        site: PathBuf,
        /// Database URL.
        #[arg(long)]
        db: Option<String>,
        /// Show what would be stored; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A manager's adjustment of one KPI score, with a written reason (kept for good).
    Adjust {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Employee id.
        #[arg(long)]
        employee: String,
        /// KPI: answer_rate, satisfaction, qa_score, callback_timeliness, attendance.
        #[arg(long)]
        kpi: String,
        /// Points to add (negative to take away).
        #[arg(long, allow_hyphen_values = true)]
        points: Decimal,
        /// The written reason (required).
        #[arg(long)]
        reason: String,
        /// Who decides.
        #[arg(long)]
        by: String,
        /// Site folder (staff list).
        #[arg(long, default_value = "data/demo")]
        site: PathBuf,
        /// Database URL.
        #[arg(long)]
        db: Option<String>,
    },
    /// Evaluate the month: each KPI's value, target, weight, score and evidence; composite and
    /// coefficient as payroll applies them.
    Evaluate {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// The month's roster, to take the attendance KPI from the stored attendance.
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Site folder.
        #[arg(long, default_value = "data/demo")]
        site: PathBuf,
        /// Database URL.
        #[arg(long)]
        db: Option<String>,
        /// Show the evidence of this employee.
        #[arg(long)]
        employee: Option<String>,
        /// Write the evaluations as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the evaluation workbook (绩效汇总, 考核明细, 考核依据) here.
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
}

/// Reads `DATA_DIR/performance/kpi-scoring.toml`.
///
/// # Errors
/// An unreadable or invalid file, named.
pub fn load_scoring(data_dir: &Path) -> anyhow::Result<KpiScoring> {
    let path = data_dir.join("performance").join("kpi-scoring.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    KpiScoring::from_toml_str(&text).with_context(|| format!("scoring file {}", path.display()))
}

fn staff(site: &Path) -> anyhow::Result<Vec<StaffEntry>> {
    Ok(crate::data::load_site(site)?
        .employees
        .iter()
        .map(|e| StaffEntry {
            id: e.id.clone(),
            name: e.name.clone(),
        })
        .collect())
}

/// The people of a roster (or site) with their pay positions and attendance KPIs.
///
/// # Errors
/// An employee without a known pay position.
pub fn people(
    employees: &[scheduler::Employee],
    attendance: &BTreeMap<String, u32>,
) -> anyhow::Result<Vec<Person>> {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).context("date")?;
    employees
        .iter()
        .map(|e| {
            let pe = crate::timesheet::payroll_employee(e, date)?;
            Ok(Person {
                id: e.id.clone(),
                name: e.name.clone(),
                position: pe.position,
                attendance_kpi: attendance.get(&e.id).copied(),
            })
        })
        .collect()
}

/// Evaluates a month from the stored evidence, if any KPI evidence is stored for it (else
/// `None`: the time sheets keep their scores). `attendance` maps employee ids to the
/// reconciliation's attendance KPI.
///
/// # Errors
/// Database, policy or rating errors.
pub async fn stored_evaluations(
    store: &Store,
    month: &str,
    employees: &[scheduler::Employee],
    attendance: &BTreeMap<String, u32>,
    data_dir: &Path,
) -> anyhow::Result<Option<Vec<Evaluation>>> {
    let evidence = store.kpi_evidence(month).await?;
    if evidence == Evidence::default() {
        return Ok(None);
    }
    let policy = crate::payroll_cli::load_policy(data_dir)?;
    let scoring = load_scoring(data_dir)?;
    let (y, m) = crate::data::parse_month(month)?;
    let date = chrono::NaiveDate::from_ymd_opt(y, m, 1).context("month")?;
    let people = people(employees, attendance)?;
    Ok(Some(evaluate(
        &people,
        &evidence,
        &scoring,
        &policy.performance,
        date,
    )?))
}

fn print_evaluations(evals: &[Evaluation], detail: Option<&str>) {
    println!(
        "{:<6} {:<6} {:<12} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>5}",
        "工号", "姓名", "岗位", "接通率", "满意率", "质检", "回访", "出勤", "综合分", "系数"
    );
    for e in evals {
        let s = e.scores();
        let g = |k: payroll::Kpi| s.get(&k).map(|v| v.to_string()).unwrap_or_default();
        println!(
            "{:<6} {:<6} {:<12} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>5}",
            e.employee,
            e.name,
            e.position.name(),
            g(payroll::Kpi::AnswerRate),
            g(payroll::Kpi::Satisfaction),
            g(payroll::Kpi::QaScore),
            g(payroll::Kpi::CallbackTimeliness),
            g(payroll::Kpi::Attendance),
            e.composite.round_dp(2),
            e.coefficient
        );
    }
    let flagged: usize = evals
        .iter()
        .map(|e| {
            e.kpis
                .iter()
                .filter(|k| !k.flags.is_empty() && !k.weight.is_zero())
                .count()
        })
        .sum();
    if flagged > 0 {
        println!("{flagged} weighted KPI figures are flagged (no evidence or too few QA sheets): see --employee ID or --json");
    }
    if let Some(id) = detail {
        for e in evals.iter().filter(|e| e.employee == id) {
            println!("{} {} · {}", e.employee, e.name, e.formula);
            for k in &e.kpis {
                println!(
                    "  {} value {} target {} weight {} → score {}",
                    k.kpi.name(),
                    k.value.map(|v| v.to_string()).unwrap_or("-".into()),
                    k.target.map(|v| v.to_string()).unwrap_or("-".into()),
                    k.weight,
                    k.score
                );
                for ev in &k.evidence {
                    println!("    依据 {ev}");
                }
                for f in &k.flags {
                    println!("    注意 {f}");
                }
            }
        }
    }
}

/// Runs a KPI subcommand.
///
/// # Errors
/// Bad input (every problem listed), database or policy errors.
pub fn run(cmd: KpiCommand, data_dir: &Path) -> anyhow::Result<()> {
    match cmd {
        KpiCommand::Import {
            file,
            month,
            site,
            db,
            dry_run,
        } => {
            let (y, m) = crate::data::parse_month(&month)?;
            let staff = staff(&site)?;
            let bytes = fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let (n, st) = (name.clone(), staff.clone());
            let parsed =
                crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
                    parse(&bytes, &n, &st, y, m)
                })
                .map_err(|e| anyhow::anyhow!("{} — {e}", file.display()))?;
            println!(
                "{}: {} records of {} people for {month}",
                parsed.kind().label(),
                parsed.len(),
                parsed.people().len()
            );
            if dry_run {
                match &parsed {
                    KpiFile::AgentReport(v) => {
                        for r in v {
                            println!(
                                "  {} 接通率 {:?} 满意率 {:?} 回访 {:?}/{:?}",
                                r.employee,
                                r.answer_rate,
                                r.satisfaction,
                                r.callbacks_on_time,
                                r.callbacks_due
                            );
                        }
                    }
                    KpiFile::QaSheets(v) => {
                        for r in v {
                            println!(
                                "  {} {} {} 总分 {}",
                                r.recording, r.date, r.employee, r.total
                            );
                        }
                    }
                    KpiFile::Feedback(v) => {
                        for r in v {
                            println!(
                                "  {} {} {:?} 属实 {} {}",
                                r.date, r.employee, r.kind, r.verified, r.description
                            );
                        }
                    }
                }
                println!("dry run: nothing stored");
                return Ok(());
            }
            let url = database_url(db.as_deref());
            runtime()?.block_on(async {
                let store = Store::open(&url).await?;
                let s = store.replace_kpi(&month, &name, &parsed).await;
                store.close().await;
                let s = s?;
                println!(
                    "stored import #{}: {} records of {} people ({} earlier records of theirs replaced) in {url}",
                    s.import_id, s.inserted, s.people, s.replaced
                );
                Ok(())
            })
        }
        KpiCommand::Adjust {
            month,
            employee,
            kpi,
            points,
            reason,
            by,
            site,
            db,
        } => {
            crate::data::parse_month(&month)?;
            anyhow::ensure!(
                staff(&site)?.iter().any(|s| s.id == employee),
                "unknown employee {employee}"
            );
            let kpi = payroll::Kpi::ALL
                .into_iter()
                .find(|k| k.name() == kpi)
                .with_context(|| {
                    format!("unknown KPI `{kpi}`: answer_rate, satisfaction, qa_score, callback_timeliness or attendance")
                })?;
            anyhow::ensure!(
                !reason.trim().is_empty(),
                "an adjustment needs a written reason (--reason)"
            );
            let adj = Adjustment {
                employee,
                kpi,
                points,
                reason,
                by,
                at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            let url = database_url(db.as_deref());
            runtime()?.block_on(async {
                let store = Store::open(&url).await?;
                let id = store.add_adjustment(&month, &adj).await;
                store.close().await;
                println!(
                    "adjustment #{} stored: {} {} {:+} ({}, by {})",
                    id?,
                    adj.employee,
                    adj.kpi.name(),
                    adj.points,
                    adj.reason,
                    adj.by
                );
                Ok(())
            })
        }
        KpiCommand::Evaluate {
            month,
            roster,
            site,
            db,
            employee,
            json,
            xlsx,
        } => {
            let url = database_url(db.as_deref());
            let (employees, doc) = match &roster {
                Some(path) => {
                    let doc = crate::roster_cli::read_roster(path)?;
                    (doc.problem.employees.clone(), Some(doc))
                }
                None => (crate::data::load_site(&site)?.employees, None),
            };
            let evals = runtime()?.block_on(async {
                let store = Store::open(&url).await?;
                let mut attendance = BTreeMap::new();
                if let Some(doc) = &doc {
                    let records = store.attendance(&month).await?;
                    if !records.is_empty() {
                        let policy = crate::attendance_cli::load_policy(data_dir)?;
                        let rec = crate::attendance::reconcile(
                            doc,
                            &records,
                            &policy,
                            Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
                        );
                        for p in rec.people {
                            attendance.insert(p.employee, p.attendance_kpi);
                        }
                    }
                }
                let r = stored_evaluations(&store, &month, &employees, &attendance, data_dir).await;
                store.close().await;
                r
            })?;
            let Some(evals) = evals else {
                anyhow::bail!(
                    "no KPI evidence stored for {month} in {url}: run `workforce kpi import` first"
                );
            };
            println!("绩效考核 evaluation {month} · {} people", evals.len());
            print_evaluations(&evals, employee.as_deref());
            if let Some(path) = json {
                crate::roster_cli::write_atomic(
                    &path,
                    (serde_json::to_string_pretty(&evals)? + "\n").as_bytes(),
                )?;
                println!("JSON: {}", path.display());
            }
            if let Some(path) = xlsx {
                let bytes = crate::excel::kpi_xlsx::workbook(&month, &evals)
                    .context("writing the evaluation workbook")?;
                crate::roster_cli::write_atomic(&path, &bytes)?;
                println!("workbook: {}", path.display());
            }
            Ok(())
        }
    }
}
