//! `workforce policy print`: the three policy documents (制度文件) of requirement 2.3.6 —
//! 《工作人员薪酬体系》, 《绩效考核办法》, 《工作人员考勤管理制度》 — generated from the
//! configuration in force (`data/payroll/pay-structure.toml`, `performance.toml`,
//! `minimum-wage.toml`, `data/performance/kpi-scoring.toml`, `data/attendance/policy.toml`
//! and the site's `site.toml`), each as a printable HTML page and a Word document. The average
//! pay per position is that of the month's payroll, paid from its roster (given, or solved for
//! the site) exactly as `workforce payroll demo` pays it.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::policy_doc::{
    attendance_doc, pay_structure_doc, performance_doc, ConfigFile, PayMonth, PolicyConfig,
    PolicySources,
};

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
        /// The month's roster (else the site's month is solved).
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Site folder (shifts and night shifts; staff when the roster is solved).
        #[arg(long, default_value = "data/demo")]
        site: PathBuf,
        /// Solver time limit when the roster is solved.
        #[arg(long, default_value_t = 30.0)]
        time_limit: f64,
        /// Database URL (stored attendance and KPI evidence of the month, as the exports use).
        #[arg(long)]
        db: Option<String>,
    },
}

/// Reads the configuration texts of the documents: the policy files under `data_dir` and the
/// site's `site.toml`.
///
/// # Errors
/// A file that cannot be read, named.
pub fn read_sources(data_dir: &Path, site: &Path) -> anyhow::Result<PolicySources> {
    let read = |name: &str| -> anyhow::Result<ConfigFile> {
        let path = data_dir.join(name);
        let text = fs::read_to_string(&path)
            .with_context(|| format!("reading configuration file {}", path.display()))?;
        Ok(ConfigFile {
            name: name.to_owned(),
            text,
        })
    };
    let site_path = site.join("site.toml");
    let site_text = fs::read_to_string(&site_path)
        .with_context(|| format!("reading site file {}", site_path.display()))?;
    // Shown relative to the data folder when the site lies in it (`demo/site.toml`).
    let site_name = site_path
        .strip_prefix(data_dir)
        .unwrap_or(&site_path)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(PolicySources {
        pay_structure: read(PolicySources::PAY_STRUCTURE)?,
        performance: read(PolicySources::PERFORMANCE)?,
        minimum_wage: read(PolicySources::MINIMUM_WAGE)?,
        kpi_scoring: read(PolicySources::KPI_SCORING)?,
        attendance: read(PolicySources::ATTENDANCE)?,
        site: ConfigFile {
            name: site_name,
            text: site_text,
        },
    })
}

/// Runs `workforce policy …`.
///
/// # Errors
/// Unreadable or invalid configuration, roster, solver or payroll errors, or a file that
/// cannot be written, each named.
pub fn run(cmd: PolicyCommand, data_dir: &Path) -> anyhow::Result<()> {
    let PolicyCommand::Print {
        out,
        month,
        roster,
        site,
        time_limit,
        db,
    } = cmd;
    let m: payroll::Month = month
        .parse()
        .map_err(|e| anyhow::anyhow!("month `{month}`: {e}"))?;
    let cfg = PolicyConfig::parse(read_sources(data_dir, &site)?)?;
    let roster_text = match &roster {
        Some(path) => format!(
            "排班文件 {}",
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into()
            )
        ),
        None => "系统求解的排班".to_owned(),
    };
    // The same inputs as every export, so the averages equal the payroll register's.
    let roster_doc = roster
        .as_deref()
        .map(crate::roster_cli::read_roster)
        .transpose()?;
    let paid = crate::export_cli::pay_inputs(
        &month,
        roster_doc,
        &site,
        db.as_deref(),
        time_limit,
        data_dir,
    )?;
    let (run, doc) = (&paid.run, &paid.roster);
    let reserve = doc.problem.employees.iter().filter(|e| e.reserve).count();
    let neutral = crate::timesheet::NEUTRAL_KPI_SCORE;
    let coefficient = cfg
        .performance
        .coefficient_table
        .iter()
        .find(|t| t.provenance.covers(m.first_day()))
        .and_then(|t| {
            t.bands
                .iter()
                .find(|b| rust_decimal::Decimal::from(neutral) >= b.min_score)
        })
        .map(|b| format!("（绩效系数 {:.2}）", b.coefficient))
        .unwrap_or_default();
    let attendance = if paid.attendance_records > 0 {
        format!(
            "以{roster_text}与已导入的 {} 条考勤记录核对后的考勤",
            paid.attendance_records
        )
    } else {
        format!("以{roster_text}为考勤（本月未导入考勤）")
    };
    let kpi = if paid.evaluated > 0 {
        format!("绩效按本月考核结果（{} 人）计", paid.evaluated)
    } else {
        format!("各项考核指标按 {neutral} 分计{coefficient}")
    };
    let basis = format!(
        "测算{attendance}，共 {} 人（含预备人员 {reserve} 名）；{kpi}；与同月工资表（workforce export payroll）取数一致。\
         年内此前月份按标准月计算（仅影响个人所得税，不影响应发工资）。",
        run.pay.payslips.len()
    );
    let today = chrono::Local::now().date_naive();
    let docs = [
        pay_structure_doc(
            &cfg,
            PayMonth {
                payroll: &run.pay,
                basis: &basis,
            },
            today,
        )?,
        performance_doc(&cfg, m.first_day(), today)?,
        attendance_doc(&cfg, m.first_day(), today)?,
    ];
    fs::create_dir_all(&out).with_context(|| format!("creating folder {}", out.display()))?;
    println!(
        "制度文件 policy documents, configuration in force on {} (average pay: {month} payroll, {} people, {roster_text})",
        m.first_day(),
        run.pay.payslips.len()
    );
    for d in &docs {
        let html = out.join(format!("{}.html", d.kind.file_stem()));
        let word = out.join(format!("{}.doc", d.kind.file_stem()));
        crate::roster_cli::write_atomic(&html, d.html().as_bytes())?;
        crate::roster_cli::write_atomic(&word, d.word().as_bytes())?;
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
