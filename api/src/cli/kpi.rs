//! `workforce kpi …`: import the month's KPI evidence into the store, record a manager's
//! adjustment with its reason, and evaluate (scores, composite, coefficient, evidence per
//! person).

use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;
use rust_decimal::Decimal;

use super::{file_name, write_atomic, Env, Global};
use crate::excel::kpi_import::{parse, KpiFile};
use crate::excel::rows::StaffEntry;
use crate::kpi::{Adjustment, Evaluation};
use crate::month::roster::read_roster;
use crate::month::YearMonth;

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
    },
    /// Correct an approved month's KPI: an adjustment entered against it; the next payroll
    /// run pays the difference in performance pay as arrears.
    Correct {
        /// The approved month, YYYY-MM.
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
    },
    /// Evaluate the month: each KPI's value, target, weight, score and evidence; composite and
    /// coefficient as payroll applies them.
    Evaluate {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// A roster file to take the attendance KPI from (with the stored attendance); else the
        /// store's roster of the month.
        #[arg(long)]
        roster: Option<PathBuf>,
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
/// Bad input (every problem listed), an approved month, database or policy errors.
pub fn run(cmd: KpiCommand, g: &Global) -> anyhow::Result<()> {
    match cmd {
        KpiCommand::Import {
            file,
            month,
            dry_run,
        } => {
            let ym = YearMonth::parse(&month)?;
            let (y, m) = (ym.year, ym.month);
            let env = Env::open(g)?;
            let staff: Vec<StaffEntry> = env.block_on(|cx| async move {
                Ok(crate::month::attendance::employed_in(
                    &cx.store.staff().await?,
                    ym,
                ))
            })?;
            let bytes = fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file_name(&file);
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
            let month_text = ym.to_string();
            let s = env.block_on(|cx| async move {
                Ok(cx.store.replace_kpi(&month_text, &name, &parsed).await?)
            })?;
            println!(
                "stored import #{}: {} records of {} people ({} earlier records of theirs replaced) in {}",
                s.import_id, s.inserted, s.people, s.replaced, env.url
            );
            env.close();
            Ok(())
        }
        KpiCommand::Adjust {
            month,
            employee,
            kpi,
            points,
            reason,
            by,
        } => {
            let ym = YearMonth::parse(&month)?;
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
            let env = Env::open(g)?;
            let e = employee.clone();
            let known = env.block_on(|cx| async move {
                Ok(
                    crate::month::attendance::employed_in(&cx.store.staff().await?, ym)
                        .iter()
                        .any(|s| s.id == e),
                )
            })?;
            anyhow::ensure!(known, "unknown employee {employee}");
            let adj = Adjustment {
                employee,
                kpi,
                points,
                reason,
                by,
                at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            let (a, m) = (adj.clone(), ym.to_string());
            let id =
                env.block_on(|cx| async move { Ok(cx.store.add_adjustment(&m, &a).await?) })?;
            env.close();
            println!(
                "adjustment #{} stored: {} {} {:+} ({}, by {})",
                id,
                adj.employee,
                adj.kpi.name(),
                adj.points,
                adj.reason,
                adj.by
            );
            Ok(())
        }
        KpiCommand::Correct {
            month,
            employee,
            kpi,
            points,
            reason,
            by,
        } => {
            let ym = YearMonth::parse(&month)?;
            let kpi = payroll::Kpi::ALL
                .into_iter()
                .find(|k| k.name() == kpi)
                .with_context(|| {
                    format!("unknown KPI `{kpi}`: answer_rate, satisfaction, qa_score, callback_timeliness or attendance")
                })?;
            let adj = Adjustment {
                employee,
                kpi,
                points,
                reason,
                by,
                at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            let env = Env::open(g)?;
            let id = env.block_on(|cx| async move {
                crate::month::corrections::enter_kpi(cx, ym, adj).await
            })?;
            env.close();
            println!("correction #{id} of {ym} stored: the next payroll run pays the difference");
            Ok(())
        }
        KpiCommand::Evaluate {
            month,
            roster,
            employee,
            json,
            xlsx,
        } => {
            let ym = YearMonth::parse(&month)?;
            let doc = roster.as_deref().map(read_roster).transpose()?;
            let env = Env::open(g)?;
            let evals =
                env.block_on(
                    |cx| async move { crate::month::kpi::evaluate_month(cx, ym, doc).await },
                )?;
            let url = env.url.clone();
            env.close();
            let Some(evals) = evals else {
                anyhow::bail!(
                    "no KPI evidence stored for {month} in {url}: run `workforce kpi import` first"
                );
            };
            println!("绩效考核 evaluation {month} · {} people", evals.len());
            print_evaluations(&evals, employee.as_deref());
            if let Some(path) = json {
                write_atomic(
                    &path,
                    (serde_json::to_string_pretty(&evals)? + "\n").as_bytes(),
                )?;
                println!("JSON: {}", path.display());
            }
            if let Some(path) = xlsx {
                let bytes = crate::excel::kpi_xlsx::workbook(&month, &evals)
                    .context("writing the evaluation workbook")?;
                write_atomic(&path, &bytes)?;
                println!("workbook: {}", path.display());
            }
            Ok(())
        }
    }
}
