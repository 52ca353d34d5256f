//! `workforce report KIND --period P --out FILE`: the periodic HR reports (人力资源日报 / 周报 /
//! 月报 / 季报) as one workbook, for the purchaser and HR.
//!
//! KIND is `staffing` (headcount, joiners, leavers, attrition), `attendance` (hours, overtime,
//! nights and holiday work per person and team), `service` (answer rate; satisfaction and
//! callback timeliness in month and quarter reports), `kpi` (KPI results by person and team),
//! `cost` (labour cost by item by month) or `all`. P is `2026-03-05`, `2026-W10`, `2026-03` or
//! `2026-Q1`. KPI results and labour cost are settled by the month: `kpi` and `cost` take a
//! month or a quarter only, and `all` leaves them out of a day or week report.
//!
//! Everything comes from the store ([`crate::month::report`]): the staff list's employment
//! dates, each month's roster, the stored attendance, the approved payroll runs (a month not
//! yet approved is paid now, said in the report); the call history is the file `--history`
//! (default `data/demo/call-history.csv`).

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::{write_atomic, Env, Global};
use crate::month::report::{History, Kind};
use crate::report::{Period, PersonHours, Report};

/// The call history read when `--history` is not given.
pub const DEFAULT_HISTORY: &str = "data/demo/call-history.csv";

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportKind {
    /// 人员: headcount on post against the contract and the reserve, joiners, leavers,
    /// attrition rate.
    Staffing,
    /// 考勤: hours, overtime, nights and holiday work per person and team.
    Attendance,
    /// 话务: calls and answer rate by day; satisfaction and callback timeliness by month.
    Service,
    /// 绩效: KPI scores, composite and coefficient per person and team (month, quarter).
    Kpi,
    /// 人工费: labour cost by item by month (month, quarter).
    Cost,
    /// Every report of the period in one workbook, with an overview.
    All,
}

/// Arguments of `workforce report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    pub kind: ReportKind,
    /// Period: a day 2026-03-05, an ISO week 2026-W10, a month 2026-03 or a quarter 2026-Q1.
    #[arg(long)]
    pub period: String,
    /// Output workbook (.xlsx).
    #[arg(long)]
    pub out: PathBuf,
    /// A folder of roster files, roster-YYYY-MM.json, imported into the store first for the
    /// months it lacks (a month without a roster is reported as missing, never solved).
    #[arg(long)]
    pub rosters: Option<PathBuf>,
    /// Call history (the call platform's interval report, workbook or CSV); default
    /// data/demo/call-history.csv.
    #[arg(long)]
    pub history: Option<PathBuf>,
}

impl ReportKind {
    fn kind(self) -> Kind {
        match self {
            ReportKind::Staffing => Kind::Staffing,
            ReportKind::Attendance => Kind::Attendance,
            ReportKind::Service => Kind::Service,
            ReportKind::Kpi => Kind::Kpi,
            ReportKind::Cost => Kind::Cost,
            ReportKind::All => Kind::All,
        }
    }
}

/// Runs `workforce report`.
///
/// # Errors
/// A bad period, a KPI or cost report for a day or week, a report with no data at all, the
/// store, payroll or workbook errors.
pub fn run(a: &ReportArgs, g: &Global) -> anyhow::Result<()> {
    let period: Period = a.period.parse()?;
    let history = if matches!(a.kind, ReportKind::Service | ReportKind::All) {
        let path = a
            .history
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_HISTORY));
        let label = path.display().to_string();
        Some(match std::fs::read(&path) {
            Ok(bytes) => match crate::excel::call_history::read(&bytes) {
                Ok(rows) => History::Rows { label, rows },
                Err(e) => anyhow::bail!("{}: {e}", path.display()),
            },
            Err(e) => History::Unreadable {
                label,
                error: e.to_string(),
            },
        })
    } else {
        None
    };
    let env = Env::open(g)?;
    if let Some(dir) = &a.rosters {
        let d = dir.clone();
        let imported =
            env.block_on(
                |cx| async move { crate::month::roster::import_folder(cx, &d, "cli").await },
            )?;
        if !imported.is_empty() {
            println!(
                "imported roster files for {} from {}",
                imported.join(", "),
                dir.display()
            );
        }
    }
    let kind = a.kind.kind();
    let built = env
        .block_on(|cx| async move { crate::month::report::build(cx, kind, period, history).await });
    env.close();
    let built = match built {
        Ok(b) => b,
        Err(e) => match &a.rosters {
            Some(dir) => anyhow::bail!("{e:#} (nor found in {})", dir.display()),
            None => return Err(e),
        },
    };
    for w in &built.warnings {
        eprintln!("warning: {w}");
    }
    for n in &built.notes {
        println!("{n}");
    }
    let bytes = crate::excel::report_xlsx::workbook(&built.report)?;
    write_atomic(&a.out, &bytes)?;
    print_summary(&built.report, &a.out);
    Ok(())
}

fn pct(d: Decimal, places: u32) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(places))
}

fn print_summary(r: &Report, out: &Path) {
    println!(
        "{} ({} … {}) → {}",
        r.title(),
        r.period.first(),
        r.period.last(),
        out.display()
    );
    if let Some(s) = &r.staffing {
        println!(
            "人员 staffing: 期末在岗 {}/{} · 预备 {} · 入职 {} · 离职 {} · 平均人数 {} · 流失率 attrition {}",
            s.end.on_post,
            s.contracted,
            s.end.reserve,
            s.joiners.len(),
            s.leavers.len(),
            s.average_headcount.normalize(),
            s.attrition.map_or("-".into(), |x| pct(x, 2))
        );
    }
    if let Some(a) = &r.attendance {
        let hours: Decimal = a.people.iter().map(PersonHours::worked_hours).sum();
        let overtime: Option<Decimal> = a.people.iter().map(|p| p.overtime_hours).sum();
        println!(
            "考勤 attendance: {} 人 · 工时 {} h · 加班 {} · 夜班 {} · 法定节假日 {} h",
            a.people.len(),
            hours.normalize(),
            overtime.map_or("按月结算 (monthly only)".into(), |o| format!(
                "{} h",
                o.normalize()
            )),
            a.people.iter().map(|p| p.night_shifts).sum::<u32>(),
            a.people
                .iter()
                .map(|p| p.holiday_hours)
                .sum::<Decimal>()
                .normalize()
        );
    }
    if let Some(s) = &r.service {
        println!(
            "话务 service: 呼入 {} · 接通 {} · 接通率 answer rate {}{}",
            s.total.offered,
            s.total.answered,
            s.total.answer_rate().map_or("-".into(), |x| pct(x, 1)),
            s.quality.as_ref().map_or(String::new(), |q| format!(
                " · 满意度得分 {} · 回访及时率得分 {} (KPI scores)",
                q.satisfaction
                    .map_or("-".into(), |x| x.round_dp(2).to_string()),
                q.callback_timeliness
                    .map_or("-".into(), |x| x.round_dp(2).to_string())
            ))
        );
    }
    if let Some(k) = &r.kpi {
        println!(
            "绩效 kpi: {} 人次 · 系数低于 1.00 {} 人次",
            k.people.len(),
            k.people
                .iter()
                .filter(|p| p.rating.coefficient < Decimal::ONE)
                .count()
        );
    }
    if let Some(c) = &r.cost {
        if let Some(i) = c.columns.iter().position(|c| c.code == "SEAT") {
            println!(
                "人工费 cost: {} 个月 · 坐席人工费 {}",
                c.rows.len(),
                c.totals[i]
            );
        }
    }
    for g in &r.gaps {
        println!("缺失 missing: {g}");
    }
}
