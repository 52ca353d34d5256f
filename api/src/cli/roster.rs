//! `workforce roster`: generate a month into the store (solved with the previous month's
//! published roster and the approved leave, checked, stored as the month's draft with the
//! validator's verdict) and export it as JSON and as a workbook; `roster check` (a file, or a
//! stored month with its history), `roster publish`, `roster import`; `roster repair` and
//! `roster candidates` on a roster file.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use scheduler::{summarize, validate, Leave, PriorShift, RosterFile, ShortfallKind, SolveOptions};
use serde::Deserialize;

use super::{file_name, write_atomic, Env, Global};
use crate::month::roster::{read_roster, SolveRequest};
use crate::month::YearMonth;

/// Arguments of `workforce roster`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RosterArgs {
    /// `check`, `publish`, `import`, `repair`, `candidates`, or nothing to generate a month.
    #[command(subcommand)]
    pub command: Option<RosterCommand>,
    /// Options for generating.
    #[command(flatten)]
    pub solve: SolveArgs,
}

/// Subcommands of `workforce roster`.
#[derive(Debug, clap::Subcommand)]
pub enum RosterCommand {
    /// Validate a roster against every hard rule; exits 1 on any violation. A file as it is,
    /// or with --month the store's roster of the month checked with the store's history (the
    /// previous month's published roster) and approved leave.
    Check {
        /// Roster file written by `workforce roster --json` (or edited by hand).
        file: Option<PathBuf>,
        /// The stored month instead of a file.
        #[arg(long, conflicts_with = "file")]
        month: Option<String>,
    },
    /// Publish the month's draft (locks it): re-checked with the store as it is now; a roster
    /// that breaks a rule needs --override with the reason (audited).
    Publish {
        /// Month, YYYY-MM.
        #[arg(long)]
        month: String,
        /// Publish although the roster breaks a rule, for this reason.
        #[arg(long = "override")]
        override_reason: Option<String>,
        /// Who publishes (the audit log's actor).
        #[arg(long, default_value = "cli")]
        by: String,
    },
    /// Import roster files (`roster-YYYY-MM.json`, or a folder of them) into the store as
    /// drafts; months the store already holds are left as they are.
    Import {
        /// A roster file or a folder.
        path: PathBuf,
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

/// Options of a generation.
#[derive(Debug, clap::Args)]
pub struct SolveArgs {
    /// Month to roster, YYYY-MM.
    #[arg(long, default_value = "2026-02")]
    pub month: String,
    /// Leave on top of the approved leave in the store: JSON array or TOML `[[leave]]` rows
    /// of {employee, from, to, kind}.
    #[arg(long)]
    pub leave: Option<PathBuf>,
    /// The previous month from a file instead of the store: its roster JSON, or a JSON array
    /// of {employee, date, shift}.
    #[arg(long)]
    pub previous: Option<PathBuf>,
    /// Request book file: its approved leave is added to the month's leave.
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
    /// Who generates (the audit log's actor).
    #[arg(long, default_value = "cli")]
    pub by: String,
}

/// Runs `workforce roster …`. Returns the process exit code.
///
/// # Errors
/// Bad inputs, the store, the solver: each named.
pub fn run(args: RosterArgs, g: &Global) -> anyhow::Result<i32> {
    match args.command {
        Some(RosterCommand::Check { file, month }) => match (file, month) {
            (Some(file), _) => check(&file),
            (None, Some(month)) => check_stored(&month, g),
            (None, None) => bail!("roster check: give a roster file or --month"),
        },
        Some(RosterCommand::Publish {
            month,
            override_reason,
            by,
        }) => publish(&month, override_reason.as_deref(), &by, g).map(|_| 0),
        Some(RosterCommand::Import { path }) => import(&path, g).map(|_| 0),
        Some(RosterCommand::Repair(r)) => repair(&r).map(|_| 0),
        Some(RosterCommand::Candidates {
            roster,
            date,
            shift,
            role,
        }) => candidates(&roster, date, &shift, &role).map(|_| 0),
        None => generate(&args.solve, g).map(|_| 0),
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

/// Generates a month into the store and writes the requested files; returns the roster.
///
/// # Errors
/// Bad inputs, a published month, the solver or the store.
pub fn generate(a: &SolveArgs, g: &Global) -> anyhow::Result<RosterFile> {
    let month = YearMonth::parse(&a.month)?;
    let mut extra_leave = match &a.leave {
        Some(p) => read_leave(p)?,
        None => Vec::new(),
    };
    if let Some(book) = &a.requests {
        extra_leave.extend(super::request::read_book(book)?.approved_leave());
    }
    let previous_file = match &a.previous {
        Some(p) => Some((file_name(p), read_previous(p)?)),
        None => None,
    };
    let demand = match &a.need {
        Some(path) => {
            let need = super::forecast::read_need(path)?;
            if need.month != month.to_string() {
                bail!(
                    "{} is the need of {}, not of {month}",
                    path.display(),
                    need.month
                );
            }
            for w in &need.warnings {
                println!("warning: {}: {w}", path.display());
            }
            Some((need.demand(), !a.fixed_shifts))
        }
        None => None,
    };
    let req = SolveRequest {
        month,
        time_limit: a.time_limit,
        threads: a.threads,
        log: !a.quiet,
        solver_log: None,
        cancel: None,
        extra_leave,
        previous_file,
        demand,
    };
    let env = Env::open(g)?;
    let prepared =
        env.block_on(|cx| async move { crate::month::roster::prepare(cx, &req).await })?;
    println!(
        "排班 {} · {} · {} 人 · 标准工时 {} h · 时限 {} s",
        prepared.problem.month,
        prepared.problem.site,
        prepared.problem.employees.len(),
        prepared.problem.standard_minutes / 60,
        a.time_limit
    );
    println!(
        "衔接 history: {} · 已批准请假 approved leave from the store: {}",
        prepared.history.label_zh(),
        prepared.store_leave
    );
    for f in &prepared.findings {
        println!("预检 precheck [{}] {}", f.rule, f.message);
    }
    let req = SolveRequest {
        month,
        time_limit: a.time_limit,
        threads: a.threads,
        log: !a.quiet,
        solver_log: None,
        cancel: None,
        extra_leave: Vec::new(),
        previous_file: None,
        demand: None,
    };
    let doc = crate::month::roster::solve(&prepared, &req)?;
    print_summary(&doc);
    print_demand(&doc);
    let (d, h, by) = (doc.clone(), prepared.history.clone(), a.by.clone());
    let checked =
        env.block_on(
            |cx| async move { crate::month::roster::store_generated(cx, &d, &h, &by).await },
        )?;
    println!(
        "存储 stored: {} draft version {} in {} · 校验 validator: {}",
        doc.problem.month,
        checked.version,
        env.url,
        if checked.verdict.is_empty() {
            "no rule broken".to_string()
        } else {
            format!("{} violation(s)", checked.verdict.len())
        }
    );
    for v in checked.verdict.iter().take(20) {
        println!("  {v}");
    }
    env.close();
    if let Some(p) = &a.json {
        let json = serde_json::to_string_pretty(&doc)?;
        write_atomic(p, (json + "\n").as_bytes())?;
        println!("JSON: {}", p.display());
    }
    if let Some(p) = &a.xlsx {
        let bytes = crate::excel::roster_xlsx::write_checked(&doc, Some(&checked.verdict))?;
        write_atomic(p, &bytes)?;
        println!("Excel: {}", p.display());
    }
    Ok(doc)
}

/// `roster check --month`: the stored roster checked with the store's history and leave.
fn check_stored(month: &str, g: &Global) -> anyhow::Result<i32> {
    let env = Env::open(g)?;
    let month = month.to_string();
    let found = env.block_on(|cx| async move {
        let Some(s) = crate::month::roster::current(cx, &month).await? else {
            return Err(crate::month::Error::NotFound(crate::said::Said::same(
                format!("{month}: no roster in the store"),
            )));
        };
        let mut doc = s.doc;
        let (history, verdict) = crate::month::roster::recheck(cx, &mut doc).await?;
        Ok((s.meta, doc, history, verdict))
    })?;
    env.close();
    let (meta, doc, history, v) = found;
    println!(
        "{} version {} ({}) checked with {}",
        doc.problem.month,
        meta.version,
        meta.status.code(),
        history.label_en()
    );
    Ok(print_verdict(&doc, &v))
}

/// Prints the validator's verdict on a roster; the exit code (0: no rule broken, 1: some).
fn print_verdict(doc: &RosterFile, v: &[scheduler::Violation]) -> i32 {
    // The roster's own cost, recomputed from its assignments with the site's weights (as a
    // month's roster: a repair's changes are not priced here).
    let terms = scheduler::objective_terms(&doc.problem, &doc.roster);
    let priced: Vec<String> = terms
        .iter()
        .filter(|t| t.cost != 0.0)
        .map(|t| {
            format!(
                "{} {} {:.2}",
                scheduler::term_label_zh(&t.name),
                t.name,
                t.cost
            )
        })
        .collect();
    println!(
        "目标值 objective of this roster (recomputed): {:.2} ({})",
        terms.iter().map(|t| t.cost).sum::<f64>(),
        priced.join(", ")
    );
    if v.is_empty() {
        println!(
            "OK: {} · {} assignments, {} standby duties, no rule broken",
            doc.problem.month,
            doc.roster.assignments.len(),
            doc.roster.standby.len()
        );
        0
    } else {
        for x in v {
            println!("{x}");
        }
        println!("{} violation(s)", v.len());
        1
    }
}

/// `roster publish`.
fn publish(month: &str, override_reason: Option<&str>, by: &str, g: &Global) -> anyhow::Result<()> {
    let env = Env::open(g)?;
    let (m, o, b) = (
        month.to_string(),
        override_reason.map(str::to_string),
        by.to_string(),
    );
    let p =
        env.block_on(
            |cx| async move { crate::month::roster::publish(cx, &m, &b, o.as_deref()).await },
        )?;
    env.close();
    println!(
        "发布 published {} version {} (checked with {}){}",
        p.month,
        p.version,
        p.history.label_en(),
        if p.verdict.is_empty() {
            String::new()
        } else {
            format!("; {} violation(s) published by override", p.verdict.len())
        }
    );
    Ok(())
}

/// `roster import`.
fn import(path: &Path, g: &Global) -> anyhow::Result<()> {
    let env = Env::open(g)?;
    let p = path.to_path_buf();
    let months = env.block_on(|cx| async move {
        if p.is_dir() {
            crate::month::roster::import_folder(cx, &p, "cli").await
        } else {
            let doc = read_roster(&p).map_err(crate::month::Error::Internal)?;
            let month = doc.problem.month.clone();
            Ok(crate::month::roster::import(cx, doc, &file_name(&p), "cli")
                .await?
                .map(|_| vec![month])
                .unwrap_or_default())
        }
    })?;
    env.close();
    if months.is_empty() {
        println!("nothing imported: the store already holds those months");
    } else {
        println!("imported as drafts: {}", months.join(", "));
    }
    Ok(())
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
        let zh = scheduler::term_label_zh(&t.name);
        println!(
            "  {:<22} {zh}{:pad$} {:>10.2}  (cost {:.2})",
            t.name,
            "",
            t.measure,
            t.cost,
            // Terminal columns: a CJK character takes two, ASCII one (the longest label,
            // 次月首日缺位(含备班), takes 20).
            pad = 20usize.saturating_sub(
                zh.chars()
                    .map(|c| if c.is_ascii() { 1 } else { 2 })
                    .sum::<usize>()
            )
        );
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
        // On a thread of its own: HiGHS sizes its thread pool per calling thread by the first
        // solve there (the month's, maybe with 2 threads) and refuses this 1-thread solve.
        let least = std::thread::scope(|sc| {
            sc.spawn(|| scheduler::demand::staffing::least_paid_hours(&doc.problem, dm, &codes))
                .join()
        });
        let Ok(least) = least else {
            println!(
                "  least paid hours with {}: the solve failed",
                codes.join("/")
            );
            continue;
        };
        match least {
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
        events.extend(super::request::read_book(book)?.absence_events(&published, a.from));
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
    Ok(print_verdict(&doc, &v))
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
        let text = include_str!("../../../data/demo/events-example.json");
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
