//! The command line: one file per command, each argument parsing, one call into the month
//! pipeline ([`crate::month`]) or the store, and printing. Commands that touch a month's data
//! work on the same store as the web app (`--db`, default `DATABASE_URL`, else
//! `sqlite://out/workforce.db`), seeded from the site folder (`--site`) when empty; files are
//! what is imported and exported. The benchmark, Erlang, forecast and payroll-case commands
//! are tools over files and touch no store.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::db::{database_url, runtime, Store};
use crate::month::Context;
use crate::reference::Reference;

/// `workforce attendance …`.
pub mod attendance;
/// `workforce export …`.
pub mod export;
/// `workforce forecast` and `workforce erlang`.
pub mod forecast;
/// `workforce kpi …`.
pub mod kpi;
/// `workforce nrp …`.
pub mod nrp;
/// `workforce payroll …`.
pub mod payroll;
/// `workforce policy …`.
pub mod policy;
/// `workforce report …`.
pub mod report;
/// `workforce request …`.
pub mod request;
/// `workforce roster …`.
pub mod roster;
/// `workforce serve` and `workforce user …`.
pub mod serve;

/// Hotline Workforce: rosters, payroll and labour cost for the Danzhou 12345 hotline.
#[derive(Debug, Parser)]
#[command(name = "workforce", version, about)]
pub struct Cli {
    /// Where things are: the store, the reference data, the site.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Global {
    /// Reference data folder (calendars, payroll and attendance policy, KPI scoring).
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Site folder: its site.toml gives the site's shifts, cover and rules; its staff.toml and
    /// hr.toml seed an empty database (and nothing more).
    #[arg(long, env = "SITE_DIR", default_value = "data/demo", global = true)]
    pub site: PathBuf,
    /// Database URL: sqlite:PATH or postgres://USER@HOST/DB (default: DATABASE_URL, else
    /// sqlite://out/workforce.db, the web app's).
    #[arg(long, global = true)]
    pub db: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a month's roster into the store (排班), or check, publish, repair one.
    Roster(roster::RosterArgs),
    /// Call forecast and staffing (话务预测): history → agents per interval → need.json.
    Forecast(forecast::ForecastArgs),
    /// Erlang calculator for one interval: expected service of N agents, or the N a target needs.
    Erlang(forecast::ErlangArgs),
    /// Leave and swap requests (请假 / 换班): record, check, approve or reject.
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// Payroll (工资): run and approve a month in the store, or compute a case file.
    #[command(subcommand)]
    Payroll(payroll::PayrollCommand),
    /// The web app (网页版): pages and JSON API on the store.
    Serve(serve::ServeArgs),
    /// Accounts of the web app.
    #[command(subcommand)]
    User(serve::UserCommand),
    /// Attendance (考勤): import files, download the template, reconcile with the roster.
    #[command(subcommand)]
    Attendance(attendance::AttendanceCommand),
    /// Payroll workbooks (导出): register, payslips, ledger, tax import, bank, compliance.
    Export(export::ExportArgs),
    /// Performance evaluation (绩效): import KPI evidence, adjust with a reason, evaluate.
    #[command(subcommand)]
    Kpi(kpi::KpiCommand),
    /// Policy documents (制度文件): 薪酬体系, 绩效考核办法, 考勤管理制度 from the configuration in force.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Reports (报表): staffing and attrition, attendance, service, KPI and labour cost by
    /// day, ISO week, month or quarter, as one workbook with charts.
    Report(report::ReportArgs),
    /// The Curtois-Qu shift scheduling benchmark: solve or score an instance.
    #[command(subcommand)]
    Nrp(nrp::NrpCommand),
}

/// The store and the reference data a command works on, with the runtime that drives the
/// store.
pub struct Env {
    /// The database.
    pub store: Store,
    /// The reference data.
    pub reference: Reference,
    /// The database URL (for messages, password hidden).
    pub url: String,
    rt: tokio::runtime::Runtime,
}

impl Env {
    /// Opens the store named by `global` (seeding an empty one from the site folder) and loads
    /// the reference data.
    ///
    /// # Errors
    /// Reference data that does not load, or a database that does not open.
    pub fn open(global: &Global) -> anyhow::Result<Self> {
        let reference = Reference::load(&global.data_dir, &global.site)?;
        let url = database_url(global.db.as_deref());
        let rt = runtime()?;
        let store = rt.block_on(Store::open(&url))?;
        let env = Env {
            store,
            reference,
            url: crate::db::redacted(&url),
            rt,
        };
        env.block_on(|cx| async move {
            crate::month::staff::ensure_seeded(cx, &cx.reference.site_dir).await?;
            Ok(())
        })?;
        Ok(env)
    }

    /// Runs a pipeline step on the store.
    ///
    /// # Errors
    /// The step's error.
    pub fn block_on<'a, T, F>(&'a self, f: impl FnOnce(Context<'a>) -> F) -> anyhow::Result<T>
    where
        F: std::future::Future<Output = crate::month::Result<T>> + 'a,
    {
        let cx = Context {
            store: &self.store,
            reference: &self.reference,
        };
        self.rt.block_on(f(cx)).map_err(anyhow::Error::from)
    }

    /// Closes the store (flushes SQLite's write-ahead log).
    pub fn close(self) {
        let Env { store, rt, .. } = self;
        rt.block_on(store.close());
    }
}

/// Writes a file whole or not at all: to a temporary file beside it, then renamed.
///
/// # Errors
/// A file that cannot be written, named.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
}

/// A file's name, for messages and the store.
#[must_use]
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    )
}

/// Parses the command line and runs the command; the process's exit code (0 done, 1 a check
/// that found violations, 2 an error).
#[must_use]
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let g = &cli.global;
    let result = match cli.command {
        Command::Roster(args) => roster::run(args, g),
        Command::Request(cmd) => request::run(cmd, g),
        Command::Forecast(a) => forecast::run(&a, &g.data_dir).map(|_| 0),
        Command::Erlang(a) => forecast::erlang(&a).map(|_| 0),
        Command::Payroll(cmd) => payroll::run(cmd, g).map(|_| 0),
        Command::Nrp(cmd) => nrp::run(cmd),
        Command::Serve(a) => serve::serve(&a, g).map(|_| 0),
        Command::User(cmd) => serve::user(cmd, g).map(|_| 0),
        Command::Export(a) => export::run(&a, g).map(|_| 0),
        Command::Report(a) => report::run(&a, g).map(|_| 0),
        Command::Kpi(cmd) => kpi::run(cmd, g).map(|_| 0),
        Command::Policy(cmd) => policy::run(cmd, g).map(|_| 0),
        Command::Attendance(cmd) => attendance::run(cmd, g).map(|_| 0),
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(code.clamp(1, 255) as u8),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
