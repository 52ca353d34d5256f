//! `workforce policy print`: the three policy documents (制度文件) of requirement 2.3.6 —
//! 《工作人员薪酬体系》, 《绩效考核办法》, 《工作人员考勤管理制度》 — generated from the
//! configuration in force (`data/payroll/pay-structure.toml`, `performance.toml`,
//! `minimum-wage.toml`, `data/performance/kpi-scoring.toml`, `data/attendance/policy.toml`
//! and the site's `site.toml`), each as a printable HTML page and a Word document. The average
//! pay per position is that of the month's payroll: its approved run, else the month paid now
//! as the exports pay it.

use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;

use super::{file_name, write_atomic, Env, Global};
use crate::month::roster::read_roster;
use crate::month::YearMonth;

/// Policy document subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Write 薪酬体系, 绩效考核办法 and 考勤管理制度 as .html (print to PDF from a browser) and
    /// .doc (opened by Word) into a folder, from the configuration in force on the month's
    /// first day and the average pay of that month's payroll.
    Print {
        /// Output folder (created when missing).
        #[arg(long)]
        out: PathBuf,
        /// Month, YYYY-MM: its payroll gives the average pay per position, and the rules in
        /// force on its first day are written.
        #[arg(long, default_value = "2026-03")]
        month: String,
        /// A roster file to pay the month from (else its approved run, or the store's roster).
        #[arg(long)]
        roster: Option<PathBuf>,
    },
}

/// Runs `workforce policy …`.
///
/// # Errors
/// Unreadable or invalid configuration, roster or payroll errors, or a file that cannot be
/// written, each named.
pub fn run(cmd: PolicyCommand, g: &Global) -> anyhow::Result<()> {
    let PolicyCommand::Print { out, month, roster } = cmd;
    let m = YearMonth::parse(&month)?;
    let file = match &roster {
        Some(path) => Some((read_roster(path)?, file_name(path))),
        None => None,
    };
    let env = Env::open(g)?;
    let docs =
        env.block_on(|cx| async move { crate::month::policy::documents(cx, m, file).await })?;
    env.close();
    fs::create_dir_all(&out).with_context(|| format!("creating folder {}", out.display()))?;
    println!(
        "制度文件 policy documents, configuration in force on {} (average pay: {month} payroll, {} people)",
        m.first_day(),
        docs.people
    );
    println!("{}", docs.basis);
    for d in &docs.docs {
        let html = out.join(format!("{}.html", d.kind.file_stem()));
        let word = out.join(format!("{}.doc", d.kind.file_stem()));
        write_atomic(&html, d.html().as_bytes())?;
        write_atomic(&word, d.word().as_bytes())?;
        println!(
            "{} 版本 {} → {}, {}",
            d.title(),
            d.version,
            html.display(),
            word.display()
        );
    }
    Ok(())
}
