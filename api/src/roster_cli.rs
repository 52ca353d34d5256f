//! `workforce roster`: solve a month for a site and write the roster as JSON and as a workbook;
//! `workforce roster check FILE`: run the independent validator on a roster file.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use chrono::Duration;
use scheduler::{
    precheck, summarize, validate, Leave, PriorShift, Problem, RosterFile, ShortfallKind,
    SolveOptions,
};
use serde::Deserialize;

use crate::data::{load_calendar, load_site, parse_month};

/// Arguments of `workforce roster`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RosterArgs {
    /// `check`, or nothing to solve a month.
    #[command(subcommand)]
    pub command: Option<RosterCommand>,
    /// Options for solving.
    #[command(flatten)]
    pub solve: SolveArgs,
}

/// Subcommands of `workforce roster`.
#[derive(Debug, clap::Subcommand)]
pub enum RosterCommand {
    /// Validate a roster JSON file against every hard rule; exits non-zero on any violation.
    Check {
        /// Roster file written by `workforce roster --json` (or edited by hand).
        file: PathBuf,
    },
    /// Repair a published roster after events (absence, resignation, joiner, cover change):
    /// days before --from stay as published, the rest changes as little as possible.
    Repair(RepairArgs),
    /// Who can take an open shift? Everyone holding the role, ranked, with reasons.
    Candidates {
        /// Published roster JSON.
        #[arg(long)]
        roster: PathBuf,
        /// Date of the shift, YYYY-MM-DD.
        #[arg(long)]
        date: chrono::NaiveDate,
        /// Shift code.
        #[arg(long)]
        shift: String,
        /// Role needed.
        #[arg(long, default_value = "agent")]
        role: String,
    },
}

/// Arguments of `workforce roster repair`.
#[derive(Debug, clap::Args)]
pub struct RepairArgs {
    /// Published roster JSON (written by `workforce roster --json` or an earlier repair).
    #[arg(long)]
    pub roster: PathBuf,
    /// Events: JSON array of {"event": "absence" | "resignation" | "joiner" | "cover", ...}.
    #[arg(long)]
    pub events: Option<PathBuf>,
    /// Request book: its approved leave not yet in the roster becomes absence events.
    #[arg(long)]
    pub requests: Option<PathBuf>,
    /// Change date: the first day that may change, YYYY-MM-DD.
    #[arg(long)]
    pub from: chrono::NaiveDate,
    /// Write the repaired roster (with its changes) here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the repaired roster workbook here.
    #[arg(long)]
    pub xlsx: Option<PathBuf>,
    /// Solver time limit in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Solver threads.
    #[arg(long, default_value_t = 1)]
    pub threads: u32,
}

/// Options of a solve.
#[derive(Debug, clap::Args)]
pub struct SolveArgs {
    /// Month to roster, YYYY-MM.
    #[arg(long, default_value = "2026-02")]
    pub month: String,
    /// Site folder holding site.toml and staff.toml.
    #[arg(long, default_value = "data/demo")]
    pub site: PathBuf,
    /// Approved leave: JSON array or TOML `[[leave]]` rows of {employee, from, to, kind}.
    #[arg(long)]
    pub leave: Option<PathBuf>,
    /// Previous month: its roster JSON, or a JSON array of {employee, date, shift}.
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// Request book: its approved leave is added to the month's leave.
    #[arg(long)]
    pub requests: Option<PathBuf>,
    /// Interval needs from `workforce forecast --out`: agents are then covered per interval
    /// (instead of the site's per-shift minimums), on A/P/N and the staggered starts.
    #[arg(long)]
    pub need: Option<PathBuf>,
    /// With --need: only the fixed shifts (no staggered starts), for comparison.
    #[arg(long, requires = "need")]
    pub fixed_shifts: bool,
    /// Write the roster JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write the roster workbook here.
    #[arg(long)]
    pub xlsx: Option<PathBuf>,
    /// Solver time limit in seconds.
    #[arg(long, default_value_t = 60.0)]
    pub time_limit: f64,
    /// Solver threads.
    #[arg(long, default_value_t = 1)]
    pub threads: u32,
    /// Do not print the solver's progress.
    #[arg(long)]
    pub quiet: bool,
    /// Where HiGHS appends its log during the solve (the web app reads its progress there).
    #[arg(skip)]
    pub solver_log: Option<PathBuf>,
    /// Raised to stop the solve early (the web app's cancel button).
    #[arg(skip)]
    pub cancel: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl SolveArgs {
    /// A month of a site solved quietly with one thread and no files written (payroll and
    /// exports that need a roster when none is given).
    pub fn quiet_month(month: &str, site: &Path, time_limit: f64) -> Self {
        SolveArgs {
            month: month.to_string(),
            site: site.to_path_buf(),
            leave: None,
            previous: None,
            requests: None,
            need: None,
            fixed_shifts: false,
            json: None,
            xlsx: None,
            time_limit,
            threads: 1,
            quiet: true,
            solver_log: None,
            cancel: None,
        }
    }
}

/// Runs `workforce roster …`. Returns the process exit code.
pub fn run(args: RosterArgs, data_dir: &Path) -> anyhow::Result<i32> {
    match args.command {
        Some(RosterCommand::Check { file }) => check(&file),
        Some(RosterCommand::Repair(r)) => repair(&r).map(|_| 0),
        Some(RosterCommand::Candidates {
            roster,
            date,
            shift,
            role,
        }) => candidates(&roster, date, &shift, &role).map(|_| 0),
        None => solve(&args.solve, data_dir).map(|_| 0),
    }
}

#[derive(Deserialize)]
struct LeaveToml {
    leave: Vec<Leave>,
}

/// Reads a leave file (JSON array, or TOML with `[[leave]]`).
pub fn read_leave(path: &Path) -> anyhow::Result<Vec<Leave>> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("reading leave file {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "toml") {
        let f: LeaveToml =
            toml::from_str(&text).with_context(|| format!("leave file {}", path.display()))?;
        Ok(f.leave)
    } else {
        serde_json::from_str(&text).with_context(|| format!("leave file {}", path.display()))
    }
}

/// Reads the previous month: a roster file (its assignments) or a plain array of shifts.
pub fn read_previous(path: &Path) -> anyhow::Result<Vec<PriorShift>> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("reading previous-month file {}", path.display()))?;
    if let Ok(rf) = serde_json::from_str::<RosterFile>(&text) {
        return Ok(rf
            .roster
            .assignments
            .into_iter()
            .map(|a| PriorShift {
                employee: a.employee,
                date: a.date,
                shift: a.shift,
            })
            .collect());
    }
    serde_json::from_str(&text).with_context(|| {
        format!(
            "previous-month file {}: neither a roster file nor an array of {{employee, date, shift}}",
            path.display()
        )
    })
}

/// Solves a month and writes the requested files; returns the roster document.
pub fn solve(a: &SolveArgs, data_dir: &Path) -> anyhow::Result<RosterFile> {
    let (year, month) = parse_month(&a.month)?;
    let calendar = load_calendar(data_dir)?;
    let site = load_site(&a.site)?;
    let mut leave = match &a.leave {
        Some(p) => read_leave(p)?,
        None => Vec::new(),
    };
    if let Some(book) = &a.requests {
        leave.extend(crate::request_cli::read_book(book)?.approved_leave());
    }
    // Days before someone's hire date or after their last day (hr.toml beside the staff
    // list): no shift then, and the hours range only for the days employed. hr.toml also
    // keeps people who have left and are no longer on the staff list (for their payroll and
    // tax files): they are not in the month at all.
    if a.site.join(crate::hr::FILE).exists() {
        let records = crate::hr::load(&a.site)?;
        let on_site = |id: &str| site.employees.iter().any(|e| e.id == id);
        leave.extend(
            crate::hr::not_employed(&records, year, month)
                .into_iter()
                .filter(|l| on_site(&l.employee)),
        );
    }
    let mut previous = match &a.previous {
        Some(p) => read_previous(p)?,
        None => Vec::new(),
    };
    // Keep only the days the rules look back on.
    let first = chrono::NaiveDate::from_ymd_opt(year, month, 1).context("month")?;
    let horizon = first - Duration::days(site.rules.history_days as i64);
    previous.retain(|p| p.date < first && p.date >= horizon);
    let mut problem = Problem::new(&site, &calendar, year, month, leave, previous)?;
    if let Some(path) = &a.need {
        let need = crate::forecast_cli::read_need(path)?;
        if need.month != problem.month {
            bail!(
                "{} is the need of {}, not of {}",
                path.display(),
                need.month,
                problem.month
            );
        }
        problem
            .attach_demand(need.demand(), !a.fixed_shifts)
            .with_context(|| format!("need file {}", path.display()))?;
    }

    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(
        out,
        "排班 {} · {} · {} 人 · 标准工时 {} h · 时限 {} s",
        problem.month,
        problem.site,
        problem.employees.len(),
        problem.standard_minutes / 60,
        a.time_limit
    )?;
    let findings = precheck(&problem);
    for f in &findings {
        writeln!(out, "预检 precheck [{}] {}", f.rule, f.message)?;
    }
    drop(out);
    let opts = SolveOptions {
        time_limit_seconds: a.time_limit,
        threads: a.threads,
        log: !a.quiet,
        solver_log: a
            .solver_log
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        cancel: a.cancel.clone(),
        ..Default::default()
    };
    let roster = scheduler::solve(&problem, &opts)?;
    let doc = RosterFile { problem, roster };
    print_summary(&doc);
    print_demand(&doc);
    if let Some(p) = &a.json {
        let json = serde_json::to_string_pretty(&doc)?;
        fs::write(p, json + "\n").with_context(|| format!("writing {}", p.display()))?;
        println!("JSON: {}", p.display());
    }
    if let Some(p) = &a.xlsx {
        let bytes = crate::excel::roster_xlsx::write(&doc)?;
        fs::write(p, bytes).with_context(|| format!("writing {}", p.display()))?;
        println!("Excel: {}", p.display());
    }
    Ok(doc)
}

/// Prints status, objective by term, shortfalls, hours range and fairness spreads.
pub fn print_summary(doc: &RosterFile) {
    let (p, r) = (&doc.problem, &doc.roster);
    let st = &r.stats;
    let status = match r.status {
        scheduler::SolveStatus::Optimal => "optimal (最优)".to_string(),
        scheduler::SolveStatus::TimeLimited => {
            format!("time-limited (达到时限), gap {:.2}%", st.gap * 100.0)
        }
        scheduler::SolveStatus::Unsolved => "unsolved".to_string(),
    };
    println!(
        "状态 status: {status}; objective {:.2}, bound {:.2}, {:.1} s",
        st.objective, st.bound, st.seconds
    );
    println!("目标分项 objective by term:");
    for t in &st.terms {
        println!("  {:<22} {:>10.2}  (cost {:.2})", t.name, t.measure, t.cost);
    }
    if r.shortfalls.is_empty() {
        println!("缺口 shortfalls: none (无)");
    } else {
        println!("缺口 shortfalls: {}", r.shortfalls.len());
        for s in &r.shortfalls {
            match s.kind {
                ShortfallKind::Hours => println!(
                    "  hours {}: {} min short — {}",
                    s.employee.as_deref().unwrap_or("?"),
                    s.missing,
                    s.cause
                ),
                _ => println!(
                    "  {:?} {} {} {}: {} missing — {}",
                    s.kind,
                    s.date.map(|d| d.to_string()).unwrap_or_default(),
                    s.shift.as_deref().unwrap_or(""),
                    s.role.as_deref().unwrap_or(""),
                    s.missing,
                    s.cause
                ),
            }
        }
    }
    let sum = summarize(p, r);
    let working: Vec<_> = sum
        .people
        .iter()
        .zip(&p.employees)
        .filter(|(_, e)| !e.reserve)
        .map(|(s, _)| s)
        .collect();
    if let (Some(lo), Some(hi)) = (
        working.iter().map(|s| s.minutes).min(),
        working.iter().map(|s| s.minutes).max(),
    ) {
        println!(
            "工时 planned hours per person: {:.0}–{:.0} h (allowed up to {:.0} h; standard {:.0} h)",
            lo as f64 / 60.0,
            hi as f64 / 60.0,
            (p.standard_minutes + p.rules.overtime_cap_minutes) as f64 / 60.0,
            p.standard_minutes as f64 / 60.0
        );
    }
    println!("公平 fairness spreads (max − min):");
    for s in &sum.spreads {
        println!(
            "  {:<12} {:<15} {}–{} spread {}",
            s.group,
            s.measure,
            s.min,
            s.max,
            s.spread()
        );
    }
}

/// Under interval cover: intervals short of their need, the service expected, and the least
/// paid hours of the fixed shifts against the staggered starts for the same curve.
pub fn print_demand(doc: &RosterFile) {
    let Some(dm) = &doc.problem.demand else {
        return;
    };
    let cov = scheduler::demand::staffing::coverage(&doc.problem, &doc.roster);
    let short = cov.iter().filter(|c| c.planned < c.need.rostered).count();
    let calls: f64 = cov.iter().map(|c| c.need.calls).sum();
    let weighted = |f: fn(&scheduler::demand::staffing::IntervalCoverage) -> f64| {
        cov.iter().map(|c| f(c) * c.need.calls).sum::<f64>() / calls.max(1e-9)
    };
    let worst = cov
        .iter()
        .filter(|c| c.need.calls >= 1.0)
        .min_by(|a, b| a.service_level.total_cmp(&b.service_level));
    println!(
        "话务需求 interval cover ({} shifts: {}): {} of {} intervals short; expected service level {:.1}% and answer rate {:.1}% (call-weighted){}",
        dm.role,
        dm.shifts.join(" "),
        short,
        cov.len(),
        weighted(|c| c.service_level) * 100.0,
        weighted(|c| c.answer_rate) * 100.0,
        worst
            .map(|w| format!(
                "; lowest {:.1}% on {} {}",
                w.service_level * 100.0,
                w.need.date,
                scheduler::demand::hhmm(w.need.start_minute)
            ))
            .unwrap_or_default()
    );
    let fixed: Vec<String> = doc
        .problem
        .shifts
        .iter()
        .filter(|s| dm.shifts.contains(&s.code) && !s.staggered)
        .map(|s| s.code.clone())
        .collect();
    let all: Vec<String> = doc
        .problem
        .shifts
        .iter()
        .filter(|s| dm.shifts.contains(&s.code) || s.staggered)
        .map(|s| s.code.clone())
        .collect();
    for codes in [fixed, all] {
        match scheduler::demand::staffing::least_paid_hours(&doc.problem, dm, &codes) {
            Ok(h) => println!(
                "  least paid {} hours for the curve with {}: {:.0} h ({})",
                dm.role,
                codes.join("/"),
                h.hours,
                h.starts
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(c, n)| format!("{c}×{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            Err(e) => println!("  least paid hours with {}: {e}", codes.join("/")),
        }
    }
}

/// Reads a roster file (a repair file is one too).
pub fn read_roster(file: &Path) -> anyhow::Result<RosterFile> {
    let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let doc: RosterFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a roster file", file.display()))?;
    doc.problem
        .check_inputs()
        .with_context(|| format!("{}: problem section", file.display()))?;
    if doc.problem.days.is_empty() {
        bail!("{}: the roster has no days", file.display());
    }
    Ok(doc)
}

/// Writes a file whole or not at all: to a temporary file beside it, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().and_then(|e| e.to_str()).unwrap_or("")
    ));
    fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
}

/// `workforce roster repair`: applies the events, re-solves from the change date, prints the
/// changes by person (the people to tell) and writes the repaired roster.
pub fn repair(a: &RepairArgs) -> anyhow::Result<scheduler::Repair> {
    let published = read_roster(&a.roster)?;
    let mut events: Vec<scheduler::Event> = match &a.events {
        Some(p) => {
            let text = fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            serde_json::from_str(&text).with_context(|| {
                format!(
                    "events file {}: expected a JSON array of events (absence, resignation, joiner, cover)",
                    p.display()
                )
            })?
        }
        None => Vec::new(),
    };
    if let Some(book) = &a.requests {
        events.extend(crate::request_cli::read_book(book)?.absence_events(&published, a.from));
    }
    if events.is_empty() {
        bail!("nothing to repair: give --events or a --requests book with approved leave");
    }
    let opts = SolveOptions {
        time_limit_seconds: a.time_limit,
        threads: a.threads,
        ..Default::default()
    };
    let r = scheduler::repair(&published, &events, a.from, &opts)?;
    println!(
        "调整 repair {} from {} · {} event(s) · {:.1} s",
        r.roster.problem.month,
        r.from,
        r.events.len(),
        r.roster.roster.stats.seconds
    );
    println!(
        "变更 changes: {} cell(s), {} people affected (需通知)",
        r.changes.len(),
        r.affected.len()
    );
    let names: std::collections::HashMap<&str, &str> = r
        .roster
        .problem
        .employees
        .iter()
        .map(|e| (e.id.as_str(), e.name.as_str()))
        .collect();
    for who in &r.affected {
        let cells: Vec<String> = r
            .changes
            .iter()
            .filter(|c| &c.employee == who)
            .map(|c| format!("{} {}→{}", c.date.format("%m-%d"), c.before, c.after))
            .collect();
        println!(
            "  {who} {}: {}",
            names.get(who.as_str()).unwrap_or(&""),
            cells.join(", ")
        );
    }
    let doc = &r.roster;
    if doc.roster.shortfalls.is_empty() {
        println!("缺口 shortfalls: none (无)");
    } else {
        println!("缺口 shortfalls: {}", doc.roster.shortfalls.len());
        for s in &doc.roster.shortfalls {
            println!(
                "  {:?} {} {} {}: {} missing — {}",
                s.kind,
                s.date.map(|d| d.to_string()).unwrap_or_default(),
                s.shift.as_deref().unwrap_or(""),
                s.role.as_deref().or(s.employee.as_deref()).unwrap_or(""),
                s.missing,
                s.cause
            );
        }
    }
    let v = validate(&doc.problem, &doc.roster);
    println!(
        "校验 validator: {} violation(s){}",
        v.len(),
        if !v.is_empty() && v.iter().all(|x| x.rule.contains("cover")) {
            " (the shortfalls above)"
        } else {
            ""
        }
    );
    if let Some(p) = &a.json {
        write_atomic(p, (serde_json::to_string_pretty(&r)? + "\n").as_bytes())?;
        println!("JSON: {}", p.display());
    }
    if let Some(p) = &a.xlsx {
        write_atomic(p, &crate::excel::roster_xlsx::write(doc)?)?;
        println!("Excel: {}", p.display());
    }
    Ok(r)
}

/// `workforce roster candidates`: everyone holding the role for one more person on a shift.
pub fn candidates(
    roster: &Path,
    date: chrono::NaiveDate,
    shift: &str,
    role: &str,
) -> anyhow::Result<Vec<scheduler::Candidate>> {
    let doc = read_roster(roster)?;
    let list = scheduler::candidates(&doc, date, shift, role)?;
    println!("顶班候选 candidates for {date} {shift} ({role}):");
    for (k, c) in list.iter().enumerate() {
        println!(
            "  {:>2}. {} {} {} {} — {}",
            k + 1,
            if c.possible { "✓" } else { "✗" },
            c.employee,
            c.name,
            if c.possible {
                format!("cost {:.0}", c.cost)
            } else {
                "not possible (不可)".into()
            },
            c.reasons.join("; ")
        );
    }
    Ok(list)
}

/// Runs the validator on a roster file; prints each violation. Exit code 0 if none, 1 otherwise.
pub fn check(file: &Path) -> anyhow::Result<i32> {
    let doc = read_roster(file)?;
    let v = validate(&doc.problem, &doc.roster);
    if v.is_empty() {
        println!(
            "OK: {} · {} assignments, {} standby duties, no rule broken",
            doc.problem.month,
            doc.roster.assignments.len(),
            doc.roster.standby.len()
        );
        Ok(0)
    } else {
        for x in &v {
            println!("{x}");
        }
        println!("{} violation(s)", v.len());
        Ok(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str, text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("wf-cli-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        fs::write(&p, text).unwrap();
        p
    }

    /// The demo's example leave file parses: three rows, the first four days of annual leave.
    #[test]
    fn example_leave_file_parses() {
        let rows = read_leave(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/demo/leave-example.json"
        )))
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].employee, "A012");
        assert_eq!((rows[0].to - rows[0].from).num_days(), 3);
    }

    /// The demo's example events file parses: an absence, a resignation, a joiner with the
    /// staff-file fields, and a cover change.
    #[test]
    fn example_events_file_parses() {
        let text = include_str!("../../data/demo/events-example.json");
        let events: Vec<scheduler::Event> = serde_json::from_str(text).unwrap();
        assert_eq!(events.len(), 4);
        assert!(
            matches!(&events[1], scheduler::Event::Resignation { employee, .. } if employee == "A030")
        );
        assert!(
            matches!(&events[2], scheduler::Event::Joiner { employee, .. } if employee.id == "A040")
        );
    }

    /// Leave as TOML `[[leave]]`, and the previous month as a plain array of shifts.
    #[test]
    fn leave_toml_and_previous_array() {
        let leave = tmp(
            "leave.toml",
            "[[leave]]\nemployee = \"A001\"\nfrom = \"2026-03-02\"\nto = \"2026-03-03\"\nkind = \"day_off\"\n",
        );
        let rows = read_leave(&leave).unwrap();
        assert_eq!(rows[0].kind, scheduler::LeaveKind::DayOff);
        let prev = tmp(
            "prev.json",
            r#"[{"employee":"A001","date":"2026-02-28","shift":"P"}]"#,
        );
        let rows = read_previous(&prev).unwrap();
        assert_eq!(
            rows,
            vec![PriorShift {
                employee: "A001".into(),
                date: "2026-02-28".parse().unwrap(),
                shift: "P".into()
            }]
        );
        let bad = tmp("bad.json", r#"{"not":"a roster"}"#);
        let e = read_previous(&bad).unwrap_err().to_string();
        assert!(e.contains("neither a roster file nor an array"), "{e}");
    }
}
