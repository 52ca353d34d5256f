//! `workforce attendance …`: import attendance files into the database, download the empty
//! template, list what is stored, and reconcile a month with its roster.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::attendance::{reconcile, AttendancePolicy, Reconciliation};
use crate::excel::attendance::{parse, ImportContext, Parsed, ShiftEntry, StaffEntry};
use crate::store::{database_url, runtime, Store};

/// Attendance subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AttendanceCommand {
    /// Import an attendance file (our template, DingTalk 月度汇总 / 原始记录, WeCom 打卡详情,
    /// ZKTeco 考勤记录; .xlsx, .xls or CSV) for a month. Every problem is listed with sheet,
    /// row and column; with any problem nothing is stored. Importing a month again replaces
    /// that month for the people in the file.
    Import {
        /// The file.
        file: PathBuf,
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Site folder (staff list and shifts).
        #[arg(long, default_value = "data/demo")]
        site: PathBuf,
        /// Database URL (default: DATABASE_URL, else sqlite://out/workforce.db).
        #[arg(long)]
        db: Option<String>,
        /// Show what would be stored; store nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write the empty monthly template (考勤导入模板) for the site.
    Template {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Site folder.
        #[arg(long, default_value = "data/demo")]
        site: PathBuf,
        /// Output workbook.
        #[arg(long)]
        out: PathBuf,
    },
    /// The imports stored for a month.
    List {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Database URL.
        #[arg(long)]
        db: Option<String>,
    },
    /// Reconcile the stored attendance of a month with its roster: hours by day type, nights,
    /// leave, absence, lateness, and the differences HR must confirm.
    Reconcile {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// The published roster (JSON from `workforce roster --json`).
        #[arg(long)]
        roster: PathBuf,
        /// Database URL.
        #[arg(long)]
        db: Option<String>,
        /// Write the reconciliation as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the workbook HR works from (考勤汇总 + 待确认差异) here.
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
}

/// Reads the attendance policy from `DATA_DIR/attendance/policy.toml`.
///
/// # Errors
/// An unreadable or invalid file, named.
pub fn load_policy(data_dir: &Path) -> anyhow::Result<AttendancePolicy> {
    let path = data_dir.join("attendance").join("policy.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    AttendancePolicy::from_toml_str(&text)
        .with_context(|| format!("policy file {}", path.display()))
}

/// The import context for a site and month.
///
/// # Errors
/// A bad month, site or policy file.
pub fn context(month: &str, site: &Path, data_dir: &Path) -> anyhow::Result<ImportContext> {
    let (year, m) = crate::data::parse_month(month)?;
    let site = crate::data::load_site(site)?;
    let clocks = crate::attendance::shift_clocks(&site.shifts);
    Ok(ImportContext {
        year,
        month: m,
        staff: site
            .employees
            .iter()
            .map(|e| StaffEntry {
                id: e.id.clone(),
                name: e.name.clone(),
            })
            .collect(),
        shifts: site
            .shifts
            .iter()
            .zip(clocks)
            .map(|(s, clock)| ShiftEntry {
                name: s.name.clone(),
                clock,
            })
            .collect(),
        policy: load_policy(data_dir)?,
    })
}

/// Reads and parses a file; the error lists every located problem.
///
/// # Errors
/// An unreadable file, or the import problems.
pub fn read_file(file: &Path, ctx: &ImportContext) -> anyhow::Result<Parsed> {
    let bytes = fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let ctx = ctx.clone();
    crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
        parse(&bytes, &ctx)
    })
    .map_err(|e| anyhow::anyhow!("{} — {e}", file.display()))
}

fn print_parsed(p: &Parsed, month: &str) {
    let people = p.people();
    println!(
        "{}: sheet {} · {} records of {} people for {month}",
        p.source.label(),
        p.sheet,
        p.records.len(),
        people.len()
    );
    if p.punches > 0 {
        println!("  {} punches read, {} repeats merged", p.punches, p.merged);
    }
    for i in &p.ignored {
        println!("  ignored: {i}");
    }
}

/// Runs an attendance subcommand.
///
/// # Errors
/// Bad input (every problem listed), or a database error; nothing is stored then.
pub fn run(cmd: AttendanceCommand, data_dir: &Path) -> anyhow::Result<()> {
    match cmd {
        AttendanceCommand::Import {
            file,
            month,
            site,
            db,
            dry_run,
        } => {
            let ctx = context(&month, &site, data_dir)?;
            let parsed = read_file(&file, &ctx)?;
            print_parsed(&parsed, &month);
            if dry_run {
                println!("dry run: would store (工号 日期 班次 上班 下班 请假 备注):");
                for r in &parsed.records {
                    println!(
                        "  {} {} {} {} {} {} {}",
                        r.employee,
                        r.date,
                        r.shift.as_deref().unwrap_or("-"),
                        r.clock_in
                            .map(crate::attendance::clock_text)
                            .unwrap_or("-".into()),
                        r.clock_out
                            .map(crate::attendance::clock_text)
                            .unwrap_or("-".into()),
                        r.leave
                            .map(|k| format!(
                                "{}{}h",
                                k.label_zh(),
                                r.leave_hours.unwrap_or_default().normalize()
                            ))
                            .unwrap_or("-".into()),
                        if r.note.is_empty() { "-" } else { &r.note },
                    );
                }
                println!("dry run: nothing stored");
                return Ok(());
            }
            let url = database_url(db.as_deref());
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            runtime()?.block_on(async {
                let store = Store::open(&url).await?;
                let s = store
                    .replace_attendance(&month, &name, parsed.source, &parsed.sheet, &parsed.records)
                    .await?;
                store.close().await;
                println!(
                    "stored import #{}: {} records of {} people ({} earlier records of theirs for {month} replaced) in {url}",
                    s.import_id, s.inserted, s.people, s.replaced
                );
                Ok(())
            })
        }
        AttendanceCommand::Template { month, site, out } => {
            let ctx = context(&month, &site, data_dir)?;
            let bytes = crate::excel::attendance::template_workbook(&ctx)
                .context("writing the template workbook")?;
            crate::roster_cli::write_atomic(&out, &bytes)?;
            println!("template: {}", out.display());
            Ok(())
        }
        AttendanceCommand::List { month, db } => {
            let url = database_url(db.as_deref());
            runtime()?.block_on(async {
                let store = Store::open(&url).await?;
                let imports = store.imports(&month).await?;
                let records = store.attendance(&month).await?;
                store.close().await;
                println!("{month}: {} records stored", records.len());
                for i in imports {
                    println!(
                        "  #{} {} {} ({}): {} records, {} people, {} replaced",
                        i.id, i.imported_at, i.file_name, i.source, i.records, i.people, i.replaced
                    );
                }
                Ok(())
            })
        }
        AttendanceCommand::Reconcile {
            month,
            roster,
            db,
            json,
            xlsx,
        } => {
            let doc = crate::roster_cli::read_roster(&roster)?;
            anyhow::ensure!(
                doc.problem.month == month,
                "the roster is for {}, not {month}",
                doc.problem.month
            );
            let policy = load_policy(data_dir)?;
            let url = database_url(db.as_deref());
            let records = runtime()?.block_on(async {
                let store = Store::open(&url).await?;
                let r = store.attendance(&month).await;
                store.close().await;
                r
            })?;
            anyhow::ensure!(
                !records.is_empty(),
                "no attendance stored for {month} in {url}: run `workforce attendance import` first"
            );
            let rec = reconcile(
                &doc,
                &records,
                &policy,
                rust_decimal::Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
            );
            print_reconciliation(&rec);
            if let Some(path) = json {
                crate::roster_cli::write_atomic(
                    &path,
                    (serde_json::to_string_pretty(&rec)? + "\n").as_bytes(),
                )?;
                println!("JSON: {}", path.display());
            }
            if let Some(path) = xlsx {
                let bytes = crate::excel::reconciliation_xlsx::workbook(&rec)
                    .context("writing the reconciliation workbook")?;
                crate::roster_cli::write_atomic(&path, &bytes)?;
                println!("workbook: {}", path.display());
            }
            Ok(())
        }
    }
}

fn print_reconciliation(rec: &Reconciliation) {
    println!(
        "考勤核对 reconciliation {} · {} people · {} differences",
        rec.month,
        rec.people.len(),
        rec.differences.len()
    );
    println!(
        "{:<6} {:<6} {:>4} {:>6} {:>6} {:>6} {:>4} {:>4} {:>4} {:>4} {:>4} {:>5} {:>4}",
        "工号",
        "姓名",
        "班数",
        "平日h",
        "休息日h",
        "节日h",
        "夜班",
        "迟到",
        "早退",
        "缺卡",
        "旷工",
        "请假d",
        "出勤"
    );
    for p in &rec.people {
        println!(
            "{:<6} {:<6} {:>4} {:>6} {:>6} {:>6} {:>4} {:>4} {:>4} {:>4} {:>4} {:>5} {:>4}",
            p.employee,
            p.name,
            p.shifts_worked,
            p.ordinary_hours.normalize(),
            p.rest_day_hours.normalize(),
            p.holiday_hours.normalize(),
            p.night_shifts,
            p.late,
            p.early_leave,
            p.missing_punches,
            p.absence_days,
            p.leave.total().normalize(),
            p.attendance_kpi
        );
    }
    if !rec.differences.is_empty() {
        println!("待确认 differences for HR:");
        for d in &rec.differences {
            println!(
                "  {} {} {} {}: {}",
                d.employee,
                d.name,
                d.date,
                d.kind.label_zh(),
                d.detail
            );
        }
    }
}
