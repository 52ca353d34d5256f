//! `workforce payroll …`: run a month as a draft in the store and approve it (the same steps
//! as the web app's payroll page), list a month's runs, pay a month without storing it
//! (`demo`: a what-if from a roster file or the store's roster), or compute a case file.

use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;
use payroll::{compute_case, Case};

use super::{Env, Global};
use crate::month::roster::read_roster;
use crate::month::YearMonth;

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
    /// Run a month's payroll as a draft in the store: from the month's roster (published,
    /// else its draft), the stored attendance and KPI evidence.
    Run {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Who runs it (the audit log's actor).
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Approve a draft run: then it is immutable and its month's attendance frozen.
    Approve {
        /// Run id.
        id: i64,
        /// Who approves (the audit log's actor).
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// The runs of a month.
    Runs {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
    },
    /// Pay a month without storing anything and check the seat labour cost floor: from a
    /// roster file, or the store's roster of the month.
    Demo {
        /// Month, YYYY-MM.
        #[arg(long, default_value = "2026-01")]
        month: String,
        /// The roster file to pay from (else the store's roster of the month).
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Write payslips and the month cost as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

/// Runs a payroll subcommand.
///
/// # Errors
/// Unreadable or invalid files, the store, or a payroll error naming the employee and field.
pub fn run(cmd: PayrollCommand, g: &Global) -> anyhow::Result<()> {
    match cmd {
        PayrollCommand::Compute { case, out } => {
            let policy = crate::reference::load_payroll_policy(&g.data_dir)?;
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
        PayrollCommand::Run { month, by } => {
            let month = YearMonth::parse(&month)?;
            let env = Env::open(g)?;
            let (id, paid) =
                env.block_on(|cx| async move { crate::month::pay::run(cx, month, &by).await })?;
            env.close();
            for n in &paid.notes {
                println!("{n}");
            }
            for w in &paid.warnings {
                println!("warning: {w}");
            }
            if !paid.corrections.is_empty() {
                println!(
                    "pays the differences of correction(s) #{}",
                    paid.corrections
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" #")
                );
            }
            let t = &paid.run.pay.totals;
            println!(
                "工资批次 run #{id} {month} (draft): {} people · gross {} · net {} · employer cost {} · seat labour cost {}",
                paid.run.pay.payslips.len(),
                t.gross,
                t.net,
                t.employer_cost,
                paid.run.cost.seat_labour_cost
            );
            Ok(())
        }
        PayrollCommand::Approve { id, by } => {
            let env = Env::open(g)?;
            let month =
                env.block_on(|cx| async move { crate::month::pay::approve(cx, id, &by).await })?;
            env.close();
            println!(
                "审批 approved run #{id} of {month}: immutable; the month's attendance is frozen"
            );
            Ok(())
        }
        PayrollCommand::Runs { month } => {
            let month = YearMonth::parse(&month)?.to_string();
            let env = Env::open(g)?;
            let runs =
                env.block_on(|cx| async move { Ok(cx.store.runs_of_month(&month).await?) })?;
            env.close();
            for r in runs {
                println!(
                    "#{} {} {} by {} at {}{}",
                    r.id,
                    r.month,
                    r.status,
                    r.created_by,
                    crate::clock::local(&r.created_at),
                    r.approved_by
                        .map(|b| format!(
                            " · approved by {b} at {}",
                            crate::clock::local(r.approved_at.as_deref().unwrap_or_default())
                        ))
                        .unwrap_or_default()
                );
            }
            Ok(())
        }
        PayrollCommand::Demo {
            month,
            roster,
            json,
        } => demo(&month, roster, json, g),
    }
}

fn demo(
    month_text: &str,
    roster: Option<PathBuf>,
    json: Option<PathBuf>,
    g: &Global,
) -> anyhow::Result<()> {
    let month = YearMonth::parse(month_text)?;
    let file = match &roster {
        Some(path) => Some((read_roster(path)?, super::file_name(path))),
        None => None,
    };
    let env = Env::open(g)?;
    let paid =
        env.block_on(|cx| async move { crate::month::pay::compute(cx, month, file).await })?;
    env.close();
    let (pay, cost) = (&paid.run.pay, &paid.run.cost);
    println!(
        "工资 payroll {month_text} · {} 人 (year to date from the approved runs of the store; nothing stored)",
        pay.payslips.len()
    );
    for n in &paid.notes {
        println!("{n}");
    }
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
        "年度 year {}: floor {} (the year against it: the compliance page or `workforce export compliance`, from the approved months)",
        month.year, paid.run.floor
    );
    if let Some(path) = json {
        let out =
            serde_json::json!({ "payroll": pay, "month_cost": cost, "floor": paid.run.floor });
        fs::write(&path, serde_json::to_string_pretty(&out)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        println!("JSON: {}", path.display());
    }
    Ok(())
}
