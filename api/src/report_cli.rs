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
//! Inputs, each read as the other commands read it:
//! - staff and HR records of `--site` (employment dates in `hr.toml`);
//! - one published roster per month touched, `--rosters/roster-YYYY-MM.json` (what
//!   `scripts/run.sh` writes). A month without one is reported as missing, on the sheets and
//!   on the console, never solved here;
//! - attendance stored in `--db` (else `DATABASE_URL`, else `out/workforce.db`), reconciled
//!   with the roster; without any, the roster is the time sheet, as for payroll;
//! - the month's pay computed as `workforce export` computes it (KPI scores, labour cost);
//! - the call history `--history` (default `data/demo/call-history.csv`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use scheduler::RosterFile;

use crate::excel::report_xlsx;
use crate::export_cli::{ExportArgs, ExportKind};
use crate::hr::HrRecord;
use crate::report::{
    cost_table, kpi_by_team, person_hours, quality, staffing, Attendance, AttendanceSource,
    Employment, KpiReport, Period, PersonHours, PersonKpi, Report, Service, CONTRACTED_SEATS,
};
use crate::store::{database_url, runtime, Store};

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
    /// Site folder (staff.toml, hr.toml).
    #[arg(long, default_value = "data/demo")]
    pub site: PathBuf,
    /// Folder of the published rosters, roster-YYYY-MM.json (a month without one is reported
    /// as missing, never solved).
    #[arg(long, default_value = "out")]
    pub rosters: PathBuf,
    /// Database URL holding imported attendance.
    #[arg(long)]
    pub db: Option<String>,
    /// Call history (the call platform's interval report, workbook or CSV); default
    /// data/demo/call-history.csv.
    #[arg(long)]
    pub history: Option<PathBuf>,
}

impl ReportArgs {
    fn wants(&self, kind: ReportKind) -> bool {
        self.kind == ReportKind::All || self.kind == kind
    }
}

/// Joins the staff list (team, reserve) with the HR records (employment dates). A leaver no
/// longer on the staff list counts as on post without a team.
///
/// # Errors
/// A staff member without an HR record (named): their hire date is unknown.
pub fn employment(site: &scheduler::Site, hr: &[HrRecord]) -> anyhow::Result<Vec<Employment>> {
    let mut out = Vec::new();
    for e in &site.employees {
        let Some(r) = hr.iter().find(|r| r.id == e.id) else {
            bail!(
                "employee {} ({}) has no record in hr.toml: the staffing report needs the hire date",
                e.id,
                e.name
            );
        };
        out.push(Employment {
            id: e.id.clone(),
            name: e.name.clone(),
            team: e.team,
            reserve: e.reserve,
            hired_on: r.hired_on,
            left_on: r.left_on,
        });
    }
    for r in hr
        .iter()
        .filter(|r| !site.employees.iter().any(|e| e.id == r.id))
    {
        out.push(Employment {
            id: r.id.clone(),
            name: r.name.clone(),
            team: None,
            reserve: false,
            hired_on: r.hired_on,
            left_on: r.left_on,
        });
    }
    Ok(out)
}

/// The roster cut to the dates of the period (days, assignments, standby), so that the
/// reconciliation and the time sheets count those dates only.
#[must_use]
pub fn clip(doc: &RosterFile, period: &Period) -> RosterFile {
    let mut out = doc.clone();
    out.problem.days.retain(|d| period.contains(d.date));
    out.roster.assignments.retain(|a| period.contains(a.date));
    out.roster.standby.retain(|s| period.contains(s.date));
    out
}

/// `2026-03-01 至 2026-03-04、2026-03-09` from sorted dates.
fn date_ranges(dates: &[NaiveDate]) -> String {
    let mut spans: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for d in dates {
        match spans.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(*d) => *last = *d,
            _ => spans.push((*d, *d)),
        }
    }
    spans
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} 至 {b}")
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// One month's published roster, if there is one.
struct MonthRoster {
    key: String,
    path: PathBuf,
    doc: Option<RosterFile>,
}

fn read_rosters(a: &ReportArgs, period: &Period) -> anyhow::Result<Vec<MonthRoster>> {
    period
        .month_keys()
        .into_iter()
        .map(|key| {
            let path = a.rosters.join(format!("roster-{key}.json"));
            let doc = if path.exists() {
                let doc = crate::roster_cli::read_roster(&path)?;
                anyhow::ensure!(
                    doc.problem.month == key,
                    "{} is the roster of {}, not {key}",
                    path.display(),
                    doc.problem.month
                );
                Some(doc)
            } else {
                None
            };
            Ok(MonthRoster { key, path, doc })
        })
        .collect()
}

/// Hours per person over the period from each month's roster, reconciled with the stored
/// attendance of the period's dates.
fn attendance_section(
    a: &ReportArgs,
    period: &Period,
    rosters: &[MonthRoster],
    data_dir: &Path,
) -> anyhow::Result<Option<Attendance>> {
    let present: Vec<(&str, &RosterFile)> = rosters
        .iter()
        .filter_map(|m| m.doc.as_ref().map(|d| (m.key.as_str(), d)))
        .collect();
    if present.is_empty() {
        return Ok(None);
    }
    let policy = crate::attendance_cli::load_policy(data_dir)?;
    let url = database_url(a.db.as_deref());
    let stored = runtime()?.block_on(async {
        let store = Store::open(&url).await?;
        let mut out = Vec::new();
        for (key, _) in &present {
            match store.attendance(key).await {
                Ok(r) => out.push(r),
                Err(e) => {
                    store.close().await;
                    return Err(e);
                }
            }
        }
        store.close().await;
        anyhow::Ok(out)
    })?;
    let mut parts: Vec<PersonHours> = Vec::new();
    let mut sources = Vec::new();
    for ((key, doc), records) in present.iter().zip(stored) {
        let records: Vec<_> = records
            .into_iter()
            .filter(|r| period.contains(r.date))
            .collect();
        let clipped = clip(doc, period);
        let whole = clipped.problem.days.len() == doc.problem.days.len();
        let rec = crate::attendance::reconcile(
            &clipped,
            &records,
            &policy,
            Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
        );
        for ((pm, ts), e) in rec
            .people
            .iter()
            .zip(&rec.time_sheets)
            .zip(&clipped.problem.employees)
        {
            parts.push(person_hours(pm, ts, e, whole));
        }
        sources.push(AttendanceSource {
            month: (*key).to_owned(),
            records: records.len(),
            from_roster: rec.people.iter().filter(|p| p.from_roster).count(),
        });
    }
    Ok(Some(Attendance::from_parts(&parts, sources)))
}

/// Each month with a roster paid as `workforce export` pays it: KPI rows (roster staff
/// order) and the month's cost.
fn pay_section(
    a: &ReportArgs,
    rosters: &[MonthRoster],
    data_dir: &Path,
) -> anyhow::Result<(Vec<PersonKpi>, Vec<payroll::MonthCost>)> {
    let mut kpis = Vec::new();
    let mut costs = Vec::new();
    for m in rosters {
        let Some(doc) = &m.doc else { continue };
        let args = ExportArgs {
            kind: ExportKind::Payroll,
            month: m.key.clone(),
            out: PathBuf::new(),
            roster: Some(m.path.clone()),
            site: a.site.clone(),
            db: a.db.clone(),
            time_limit: 0.0,
        };
        let (run, _) = crate::export_cli::pay(&args, data_dir)
            .with_context(|| format!("paying {} for the report", m.key))?;
        for e in &doc.problem.employees {
            let Some(slip) = run.pay.payslips.iter().find(|p| p.employee_id == e.id) else {
                continue;
            };
            let rating = crate::report::paid_rating(slip).with_context(|| {
                format!(
                    "{} {}: the payslip has no readable performance line (PERF)",
                    m.key, e.id
                )
            })?;
            kpis.push(PersonKpi {
                month: m.key.clone(),
                employee: e.id.clone(),
                name: e.name.clone(),
                position: slip.position.name().to_owned(),
                team: e.team,
                reserve: e.reserve,
                rating,
            });
        }
        costs.push(run.cost);
    }
    Ok((kpis, costs))
}

/// Runs `workforce report`.
///
/// # Errors
/// A bad period, a KPI or cost report for a day or week, unreadable staff, HR, roster,
/// attendance or history files, a report with no data at all, payroll or workbook errors.
pub fn run(a: &ReportArgs, data_dir: &Path) -> anyhow::Result<()> {
    let period: Period = a.period.parse()?;
    if matches!(a.kind, ReportKind::Kpi | ReportKind::Cost) && !period.whole_months() {
        bail!(
            "the {} report is settled by the month (KPI scores and pay): give a month (2026-03) or a quarter (2026-Q1), not `{}`",
            if a.kind == ReportKind::Kpi { "kpi" } else { "cost" },
            a.period
        );
    }
    let site = crate::data::load_site(&a.site)?;
    let mut gaps: Vec<String> = Vec::new();

    let needs_rosters = a.wants(ReportKind::Attendance)
        || (period.whole_months()
            && (a.wants(ReportKind::Kpi)
                || a.wants(ReportKind::Cost)
                || a.wants(ReportKind::Service)));
    let rosters = if needs_rosters {
        read_rosters(a, &period)?
    } else {
        Vec::new()
    };
    for m in rosters.iter().filter(|m| m.doc.is_none()) {
        eprintln!(
            "warning: no roster for {} ({} not found): the month is reported as missing, not solved",
            m.key,
            m.path.display()
        );
        gaps.push(format!(
            "{} 无排班文件（{}），该月考勤、绩效、人工费及满意度、回访得分未计入",
            m.key,
            m.path.display()
        ));
    }
    let any_roster = rosters.iter().any(|m| m.doc.is_some());
    if needs_rosters
        && !any_roster
        && matches!(
            a.kind,
            ReportKind::Attendance | ReportKind::Kpi | ReportKind::Cost
        )
    {
        bail!(
            "no roster for any month of {period}: expected {} (publish them with `workforce roster --json`)",
            rosters
                .iter()
                .map(|m| m.path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    let staffing_section = if a.wants(ReportKind::Staffing) {
        let hr = crate::hr::load(&a.site)?;
        Some(staffing(
            &period,
            &employment(&site, &hr)?,
            CONTRACTED_SEATS,
        ))
    } else {
        None
    };

    let attendance = if a.wants(ReportKind::Attendance) {
        attendance_section(a, &period, &rosters, data_dir)?
    } else {
        None
    };

    let paid =
        a.wants(ReportKind::Kpi) || a.wants(ReportKind::Cost) || a.wants(ReportKind::Service);
    let (kpis, costs) = if paid && period.whole_months() && any_roster {
        pay_section(a, &rosters, data_dir)?
    } else {
        (Vec::new(), Vec::new())
    };

    let service = if a.wants(ReportKind::Service) {
        let path = a
            .history
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_HISTORY));
        match std::fs::read(&path) {
            Ok(bytes) => {
                let rows = crate::excel::call_history::read(&bytes)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                let q = (period.whole_months() && !kpis.is_empty()).then(|| quality(&kpis));
                let s = Service::new(&rows, &period, q);
                if !s.days_without_data.is_empty() {
                    gaps.push(format!(
                        "话务历史 {} 无 {} 天数据：{}",
                        path.display(),
                        s.days_without_data.len(),
                        date_ranges(&s.days_without_data)
                    ));
                }
                Some(s)
            }
            Err(e) if a.kind == ReportKind::Service => {
                return Err(e)
                    .with_context(|| format!("reading the call history {}", path.display()));
            }
            Err(e) => {
                gaps.push(format!(
                    "话务历史 {} 无法读取（{e}），话务未计入",
                    path.display()
                ));
                None
            }
        }
    } else {
        None
    };
    if a.kind == ReportKind::All && !period.whole_months() {
        println!("KPI results and labour cost are settled by the month: see the month or quarter report (绩效与人工费按月核算)");
    }

    let kpi = (a.wants(ReportKind::Kpi) && !kpis.is_empty()).then(|| KpiReport {
        teams: kpi_by_team(&kpis),
        people: kpis,
    });
    let cost = (a.wants(ReportKind::Cost) && !costs.is_empty()).then(|| cost_table(&costs));
    let report = Report {
        site: site.name.clone(),
        period,
        staffing: staffing_section,
        attendance,
        service,
        kpi,
        cost,
        gaps,
    };
    let bytes = report_xlsx::workbook(&report)?;
    crate::roster_cli::write_atomic(&a.out, &bytes)
        .with_context(|| format!("writing {}", a.out.display()))?;
    print_summary(&report, &a.out);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn missing_dates_are_shown_as_ranges() {
        let dates = [
            d("2026-03-01"),
            d("2026-03-02"),
            d("2026-03-03"),
            d("2026-03-09"),
            d("2026-03-30"),
            d("2026-03-31"),
        ];
        assert_eq!(
            date_ranges(&dates),
            "2026-03-01 至 2026-03-03、2026-03-09、2026-03-30 至 2026-03-31"
        );
        assert_eq!(date_ranges(&[]), "");
    }

    #[test]
    fn employment_joins_staff_and_hr_and_names_a_missing_record() {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo"));
        let site = crate::data::load_site(dir).unwrap();
        let hr = crate::hr::load(dir).unwrap();
        let people = employment(&site, &hr).unwrap();
        assert_eq!(people.len(), 53);
        assert_eq!(people.iter().filter(|p| p.reserve).count(), 1);
        let t001 = people.iter().find(|p| p.id == "T001").unwrap();
        assert_eq!((t001.team, t001.hired_on), (Some(1), d("2026-01-01")));
        // A leaver no longer on the staff list still counts; a staff member without a record
        // is named.
        let mut more = hr.clone();
        more.push(HrRecord {
            id: "X900".into(),
            left_on: Some(d("2026-02-10")),
            ..hr[0].clone()
        });
        let people = employment(&site, &more).unwrap();
        let x = people.iter().find(|p| p.id == "X900").unwrap();
        assert_eq!(
            (x.team, x.reserve, x.left_on),
            (None, false, Some(d("2026-02-10")))
        );
        let err = employment(&site, &hr[1..]).unwrap_err().to_string();
        assert!(err.contains("M001") && err.contains("hr.toml"), "{err}");
    }
}
