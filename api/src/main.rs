//! `workforce`: the Hotline Workforce command line. Thin: parse, dispatch to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use api::{
    attendance_cli, export_cli, forecast_cli, kpi_cli, nrp_cli, payroll_cli, policy_cli,
    report_cli, request_cli, roster_cli, serve_cli,
};
use clap::{Parser, Subcommand};

/// Hotline Workforce: rosters, payroll and labour cost for the Danzhou 12345 hotline.
#[derive(Debug, Parser)]
#[command(name = "workforce", version, about)]
struct Cli {
    /// Reference data folder (calendars, rates, demo site).
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a month's roster (排班), or check one.
    Roster(roster_cli::RosterArgs),
    /// Call forecast and staffing (话务预测): history → agents per interval → need.json.
    Forecast(forecast_cli::ForecastArgs),
    /// Erlang calculator for one interval: expected service of N agents, or the N a target needs.
    Erlang(forecast_cli::ErlangArgs),
    /// Leave and swap requests (请假 / 换班): record, check, approve or reject.
    #[command(subcommand)]
    Request(request_cli::RequestCommand),
    /// Payroll (工资): compute a case file, or pay the demo site for a month.
    #[command(subcommand)]
    Payroll(payroll_cli::PayrollCommand),
    /// The web app (网页版): pages and JSON API on an embedded SQLite database.
    Serve(serve_cli::ServeArgs),
    /// Accounts of the web app.
    #[command(subcommand)]
    User(serve_cli::UserCommand),
    /// Attendance (考勤): import files, download the template, reconcile with the roster.
    #[command(subcommand)]
    Attendance(attendance_cli::AttendanceCommand),
    /// Payroll workbooks (导出): register, payslips, ledger, tax import, bank, compliance.
    Export(export_cli::ExportArgs),
    /// Performance evaluation (绩效): import KPI evidence, adjust with a reason, evaluate.
    #[command(subcommand)]
    Kpi(kpi_cli::KpiCommand),
    /// Policy documents (制度文件): 薪酬体系, 绩效考核办法, 考勤管理制度 from the configuration in force.
    #[command(subcommand)]
    Policy(policy_cli::PolicyCommand),
    /// Reports (报表): staffing and attrition, attendance, service, KPI and labour cost by
    /// day, ISO week, month or quarter, as one workbook with charts.
    Report(report_cli::ReportArgs),
    /// The Curtois-Qu shift scheduling benchmark: solve or score an instance.
    #[command(subcommand)]
    Nrp(nrp_cli::NrpCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Roster(args) => roster_cli::run(args, &cli.data_dir),
        Command::Request(cmd) => request_cli::run(cmd),
        Command::Forecast(a) => forecast_cli::run(&a, &cli.data_dir).map(|_| 0),
        Command::Erlang(a) => forecast_cli::erlang(&a).map(|_| 0),
        Command::Payroll(cmd) => payroll_cli::run(cmd, &cli.data_dir).map(|_| 0),
        Command::Nrp(cmd) => nrp_cli::run(cmd),
        Command::Serve(a) => serve_cli::serve(&a, &cli.data_dir).map(|_| 0),
        Command::User(cmd) => serve_cli::user(cmd).map(|_| 0),
        Command::Export(a) => export_cli::run(&a, &cli.data_dir).map(|_| 0),
        Command::Report(a) => report_cli::run(&a, &cli.data_dir).map(|_| 0),
        Command::Kpi(cmd) => kpi_cli::run(cmd, &cli.data_dir).map(|_| 0),
        Command::Policy(cmd) => policy_cli::run(cmd, &cli.data_dir).map(|_| 0),
        Command::Attendance(cmd) => attendance_cli::run(cmd, &cli.data_dir).map(|_| 0),
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
