//! `workforce attendance …`: import attendance files into the store, download the empty
//! template of the month's people, list what is stored, and reconcile a month with its roster.

use std::fs;
use std::path::PathBuf;

use anyhow::Context as _;

use super::{file_name, write_atomic, Env, Global};
use crate::attendance::Reconciliation;
use crate::excel::attendance::Parsed;
use crate::month::roster::read_roster;
use crate::month::YearMonth;

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
        /// Show what would be stored; store nothing.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run: print the records as JSON (full date-times) instead of text.
        #[arg(long)]
        json: bool,
        /// Replace stored records even where the file has fewer for a person (shown first).
        #[arg(long)]
        confirm_replace: bool,
    },
    /// Correct an approved month: the people's records in the file replace theirs on the
    /// dates it gives; the next payroll run pays the differences as arrears (补发/补扣).
    Correct {
        /// The corrected attendance file (any supported format).
        file: PathBuf,
        /// The approved month corrected, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Why (kept with the correction and in the audit log).
        #[arg(long)]
        reason: String,
        /// Who enters it.
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Write the empty monthly template (考勤导入模板) for the people employed in the month
    /// (the store's staff list).
    Template {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Output workbook.
        #[arg(long)]
        out: PathBuf,
    },
    /// The imports stored for a month.
    List {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
    },
    /// Reconcile the stored attendance of a month with its roster: hours by day type, nights,
    /// leave, absence, lateness, and the differences HR must confirm.
    Reconcile {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// A roster file to reconcile with (else the store's roster of the month: published,
        /// or its draft).
        #[arg(long)]
        roster: Option<PathBuf>,
        /// Write the reconciliation as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the workbook HR works from (考勤汇总 + 待确认差异) here.
        #[arg(long)]
        xlsx: Option<PathBuf>,
    },
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
        println!("  ignored: {}", i.en);
    }
}

/// Runs an attendance subcommand.
///
/// # Errors
/// Bad input (every problem listed), an approved month, or a database error; nothing is
/// stored then.
pub fn run(cmd: AttendanceCommand, g: &Global) -> anyhow::Result<()> {
    match cmd {
        AttendanceCommand::Import {
            file,
            month,
            dry_run,
            json,
            confirm_replace,
        } => {
            let month = YearMonth::parse(&month)?;
            let bytes = fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let env = Env::open(g)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let parsed = env
                .block_on(|cx| async move {
                    crate::month::attendance::parse(cx, month, &name, bytes).await
                })
                .map_err(|e| anyhow::anyhow!("{} — {e:#}", file.display()))?;
            if dry_run && json {
                env.close();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "month": month.to_string(),
                        "source": parsed.source.code(),
                        "sheet": parsed.sheet,
                        "punches": parsed.punches,
                        "merged": parsed.merged,
                        "ignored": parsed.ignored.iter().map(|i| &i.en).collect::<Vec<_>>(),
                        "records": parsed.records,
                    }))?
                );
                return Ok(());
            }
            print_parsed(&parsed, &month.to_string());
            if dry_run {
                env.close();
                println!("dry run: would store (工号 日期 班次 上班 下班 请假 备注):");
                for r in &parsed.records {
                    println!(
                        "  {} {} {} {} {} {} {}",
                        r.employee,
                        r.date,
                        r.shift.as_deref().unwrap_or("-"),
                        r.clock_in
                            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                            .unwrap_or("-".into()),
                        r.clock_out
                            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
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
            let name = file_name(&file);
            let replace = if confirm_replace {
                crate::month::attendance::Replace::Confirmed
            } else {
                crate::month::attendance::Replace::Guarded
            };
            let s = env.block_on(|cx| async move {
                crate::month::attendance::store(cx, month, &name, &parsed, "cli", replace).await
            })?;
            println!(
                "stored import #{}: {} records of {} people ({} earlier records of theirs for {month} replaced) in {}",
                s.import_id, s.inserted, s.people, s.replaced, env.url
            );
            env.close();
            Ok(())
        }
        AttendanceCommand::Correct {
            file,
            month,
            reason,
            by,
        } => {
            let month = YearMonth::parse(&month)?;
            let bytes = fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file_name(&file);
            let env = Env::open(g)?;
            let ids = env
                .block_on(|cx| async move {
                    crate::month::corrections::enter_attendance(
                        cx, month, &name, bytes, &reason, &by,
                    )
                    .await
                })
                .map_err(|e| anyhow::anyhow!("{} — {e:#}", file.display()))?;
            env.close();
            println!(
                "correction(s) #{} of {month} stored: the next payroll run pays the differences",
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" #")
            );
            Ok(())
        }
        AttendanceCommand::Template { month, out } => {
            let month = YearMonth::parse(&month)?;
            let env = Env::open(g)?;
            let bytes =
                env.block_on(
                    |cx| async move { crate::month::attendance::template(cx, month).await },
                )?;
            env.close();
            write_atomic(&out, &bytes)?;
            println!("template: {}", out.display());
            Ok(())
        }
        AttendanceCommand::List { month } => {
            let month = YearMonth::parse(&month)?.to_string();
            let env = Env::open(g)?;
            let m = month.clone();
            let (imports, records) = env.block_on(|cx| async move {
                Ok((
                    cx.store.imports(&m).await?,
                    cx.store.attendance_count(&m).await?,
                ))
            })?;
            env.close();
            println!("{month}: {records} records stored");
            for i in imports {
                println!(
                    "  #{} {} {} ({}): {} records, {} people, {} replaced",
                    i.id,
                    crate::clock::local(&i.imported_at),
                    i.file_name,
                    i.source,
                    i.records,
                    i.people,
                    i.replaced
                );
            }
            Ok(())
        }
        AttendanceCommand::Reconcile {
            month,
            roster,
            json,
            xlsx,
        } => {
            let month = YearMonth::parse(&month)?;
            let doc = match &roster {
                Some(path) => {
                    let doc = read_roster(path)?;
                    anyhow::ensure!(
                        doc.problem.month == month.to_string(),
                        "the roster is for {}, not {month}",
                        doc.problem.month
                    );
                    Some(doc)
                }
                None => None,
            };
            let env = Env::open(g)?;
            let rec = env.block_on(|cx| async move {
                crate::month::attendance::reconcile(cx, month, doc).await
            })?;
            let url = env.url.clone();
            env.close();
            let Some(rec) = rec else {
                anyhow::bail!(
                    "no attendance stored for {month} in {url} (run `workforce attendance import` first), or no roster of the month"
                );
            };
            print_reconciliation(&rec);
            if let Some(path) = json {
                write_atomic(
                    &path,
                    (serde_json::to_string_pretty(&rec)? + "\n").as_bytes(),
                )?;
                println!("JSON: {}", path.display());
            }
            if let Some(path) = xlsx {
                let bytes = crate::excel::reconciliation_xlsx::workbook(&rec)
                    .context("writing the reconciliation workbook")?;
                write_atomic(&path, &bytes)?;
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
