//! Rosters in the pipeline. A month is always solved and checked with what crosses the month
//! boundary, read from the store: the previous month's published roster (its latest version;
//! else its draft, and the history says so) for the rest and run rules, and the month's
//! approved leave. The independent validator's verdict is stored with every version and
//! shown wherever the roster is; publishing re-checks against the store as it is then, and
//! a roster that breaks a rule is published only with an override reason, audited.

use crate::said;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::Context as _;
use chrono::{Duration, NaiveDate};
use scheduler::demand::Demand;
use scheduler::{
    Assignment, Finding, Leave, PriorShift, Problem, RosterFile, ShortfallKind, SolveOptions,
    SolveStatus, Violation,
};
use serde::Serialize;

use super::{blocking, Context, Error, Result, YearMonth};
use crate::db::roster::{
    DraftSave, History, RosterFigures, RosterStatus, RosterVersion, RosterWriteError, StoredRoster,
};

/// What a solve is asked for.
#[derive(Debug, Clone)]
pub struct SolveRequest {
    /// The month.
    pub month: YearMonth,
    /// Solver time limit, seconds.
    pub time_limit: f64,
    /// Solver threads.
    pub threads: u32,
    /// HiGHS prints its progress to standard output (the command line only).
    pub log: bool,
    /// Where HiGHS appends its log (the web app reads the progress there).
    pub solver_log: Option<PathBuf>,
    /// Raised to stop the solve early.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Leave given as a file on top of the approved leave in the store.
    pub extra_leave: Vec<Leave>,
    /// The previous month given as a file (its name and shifts) instead of the store's.
    pub previous_file: Option<(String, Vec<PriorShift>)>,
    /// Interval cover from a call forecast, and whether staggered starts may be used.
    pub demand: Option<(Demand, bool)>,
}

impl SolveRequest {
    /// A month with the defaults: 60 s, one thread, quiet, nothing from files.
    #[must_use]
    pub fn month(month: YearMonth, time_limit: f64) -> Self {
        SolveRequest {
            month,
            time_limit,
            threads: 1,
            log: false,
            solver_log: None,
            cancel: None,
            extra_leave: Vec::new(),
            previous_file: None,
            demand: None,
        }
    }
}

/// A month's problem ready to solve, with what it was built from.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The problem (staff, leave, previous month, cover).
    pub problem: Problem,
    /// What the month boundary is checked against.
    pub history: History,
    /// What the pre-check finds (needs that cannot be met, with their reason).
    pub findings: Vec<Finding>,
    /// Approved leave rows taken from the store.
    pub store_leave: usize,
}

/// A stored, checked version.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    /// Row id.
    pub id: i64,
    /// Version number within the month.
    pub version: i64,
    /// What the month boundary was checked against.
    pub history: History,
    /// The validator's verdict (empty: no rule broken).
    pub verdict: Vec<Violation>,
}

/// A generated month.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The roster.
    pub doc: RosterFile,
    /// Its stored version.
    pub checked: Checked,
    /// The pre-check's findings.
    pub findings: Vec<Finding>,
}

fn conflict(e: RosterWriteError) -> Error {
    match e {
        RosterWriteError::Database(e) => Error::Internal(e),
        other => Error::Conflict(other.said()),
    }
}

/// The solver's status as stored.
#[must_use]
pub fn status_code(s: SolveStatus) -> &'static str {
    match s {
        SolveStatus::Optimal => "optimal",
        SolveStatus::TimeLimited => "time_limited",
        SolveStatus::Unsolved => "unsolved",
    }
}

/// One line on the solve: status, objective, bound, gap, time, assignments, shortfalls.
#[must_use]
pub fn summary(doc: &RosterFile) -> String {
    let r = &doc.roster;
    let status = match r.status {
        SolveStatus::Optimal => "optimal",
        SolveStatus::TimeLimited => "time limit reached (feasible)",
        SolveStatus::Unsolved => "edited by hand (figures of the last solve)",
    };
    // A gap above 100 % (a weak or negative bound at the time limit) says little: shown as such.
    let gap = if r.stats.gap > 1.0 {
        ">100%".to_string()
    } else {
        format!("{:.2}%", r.stats.gap * 100.0)
    };
    format!(
        "{status} · objective {:.1} · best bound {:.1} · gap {gap} · {:.0} s · {} assignments · {} shortfalls",
        r.stats.objective,
        r.stats.bound,
        r.stats.seconds,
        r.assignments.len(),
        r.shortfalls.len()
    )
}

/// [`summary`] in the page's language (`zh`: Chinese; anything else: English).
#[must_use]
pub fn summary_in(doc: &RosterFile, lang: &str) -> String {
    if lang != "zh" {
        return summary(doc);
    }
    let r = &doc.roster;
    let status = match r.status {
        SolveStatus::Optimal => "已证明最优",
        SolveStatus::TimeLimited => "达到时间上限（可行解）",
        SolveStatus::Unsolved => "已手工修改（最近一次求解的数字）",
    };
    let gap = if r.stats.gap > 1.0 {
        ">100%".to_string()
    } else {
        format!("{:.2}%", r.stats.gap * 100.0)
    };
    format!(
        "{status} · 目标值 {:.1} · 最优下界 {:.1} · 差距 {gap} · 用时 {:.0} 秒 · {} 个班次安排 · {} 处缺口",
        r.stats.objective,
        r.stats.bound,
        r.stats.seconds,
        r.assignments.len(),
        r.shortfalls.len()
    )
}

/// One priced term of a roster's own cost.
#[derive(Debug, Clone, Serialize)]
pub struct CostTerm {
    /// The term's code (`isolated_day_off`).
    pub code: String,
    /// Its label in the page's language (`单日休息`; English: `isolated day off`).
    pub label: String,
    /// Its cost, one decimal.
    pub cost: String,
}

/// A roster's own cost: the objective recomputed from its cells with the site's weights
/// (never the solver's helper variables), total and the non-zero terms, dearest first.
#[derive(Debug, Clone, Serialize)]
pub struct RosterCost {
    /// The sum of every term, one decimal.
    pub total: String,
    pub terms: Vec<CostTerm>,
}

/// [`RosterCost`] of `doc`'s roster in `lang` (`zh`: Chinese labels; else English). As a
/// month's roster: a repair's changes are not priced here, and a hand edit shows at once
/// (the solve's summary line keeps the figures of the last solve).
#[must_use]
pub fn cost_in(doc: &RosterFile, lang: &str) -> RosterCost {
    let mut terms = scheduler::objective_terms(&doc.problem, &doc.roster);
    let total: f64 = terms.iter().map(|t| t.cost).sum();
    terms.retain(|t| t.cost != 0.0);
    terms.sort_by(|a, b| b.cost.total_cmp(&a.cost).then(a.name.cmp(&b.name)));
    RosterCost {
        total: format!("{total:.1}"),
        terms: terms
            .into_iter()
            .map(|t| CostTerm {
                label: if lang == "zh" {
                    scheduler::term_label_zh(&t.name).to_string()
                } else {
                    t.name.replace('_', " ")
                },
                cost: format!("{:.1}", t.cost),
                code: t.name,
            })
            .collect(),
    }
}

/// The figures the month list and the overview show.
#[must_use]
pub fn figures(doc: &RosterFile) -> RosterFigures {
    let required: u64 = doc
        .problem
        .requirements
        .iter()
        .map(|r| u64::from(r.min))
        .sum();
    let missing: u64 = doc
        .roster
        .shortfalls
        .iter()
        .filter(|s| s.kind == ShortfallKind::Cover)
        .map(|s| u64::from(s.missing))
        .sum();
    RosterFigures {
        assignments: doc.roster.assignments.len() as i64,
        shortfalls: doc.roster.shortfalls.len() as i64,
        seats_required: required as i64,
        seats_missing: missing.min(required) as i64,
        solve_status: status_code(doc.roster.status).to_string(),
        summary: summary(doc),
    }
}

/// The previous month's shifts the rules look back on, for the people of this month: from the
/// previous month's latest published version, else its draft (said so), else none.
///
/// # Errors
/// A database error.
pub async fn history(
    cx: Context<'_>,
    month: YearMonth,
    employees: &[scheduler::Employee],
    history_days: u32,
) -> Result<(History, Vec<PriorShift>)> {
    let prev = month.previous();
    let prev_text = prev.to_string();
    let stored = match cx
        .store
        .roster_latest(&prev_text, Some(RosterStatus::Published))
        .await?
    {
        Some(s) => Some(s),
        None => {
            cx.store
                .roster_latest(&prev_text, Some(RosterStatus::Draft))
                .await?
        }
    };
    let Some(s) = stored else {
        return Ok((History::None { month: prev_text }, Vec::new()));
    };
    let history = if s.meta.published() {
        History::Published {
            month: prev_text,
            version: s.meta.version,
        }
    } else {
        History::Draft {
            month: prev_text,
            version: s.meta.version,
        }
    };
    Ok((
        history,
        prior_shifts(&s.doc.roster.assignments, month, employees, history_days),
    ))
}

/// The assignments within the look-back before `month`, of the people in `employees`.
fn prior_shifts(
    assignments: &[Assignment],
    month: YearMonth,
    employees: &[scheduler::Employee],
    history_days: u32,
) -> Vec<PriorShift> {
    let first = month.first_day();
    let horizon = first - Duration::days(i64::from(history_days));
    assignments
        .iter()
        .filter(|a| a.date < first && a.date >= horizon)
        .filter(|a| employees.iter().any(|e| e.id == a.employee))
        .map(|a| PriorShift {
            employee: a.employee.clone(),
            date: a.date,
            shift: a.shift.clone(),
        })
        .collect()
}

/// Builds the month's problem from the store: the staff employed on a day of the month, the
/// site's rules, the approved leave (plus any given as a file), the days outside someone's
/// employment as 不在职 leave, and the previous month's last week.
///
/// # Errors
/// [`Error::Conflict`] when the month is published, [`Error::Invalid`] for inputs that do not
/// fit (an unknown employee in a leave file, a need file of another month), or a database
/// error.
pub async fn prepare(cx: Context<'_>, req: &SolveRequest) -> Result<Prepared> {
    let month = req.month;
    let month_text = month.to_string();
    if let Some(p) = cx
        .store
        .roster_latest(&month_text, Some(RosterStatus::Published))
        .await?
    {
        return Err(Error::Conflict(said!(
            "{month_text} is published (version {}) and locked; changes go through a repair",
            "{month_text} 已发布（第 {} 版）并锁定；更改须通过排班调整",
            p.meta.version
        )));
    }
    let staff = cx.store.staff().await?;
    // Everyone employed on a day of the month: a leaver until the last day, a joiner from the
    // first (the days outside are 不在职 leave below).
    let site = staff.site_between(&cx.reference.site, month.first_day(), month.last_day());
    let on_site = |id: &str| site.employees.iter().any(|e| e.id == id);
    let store_leave = cx
        .store
        .approved_leave(month.first_day(), month.last_day())
        .await?;
    let n_store = store_leave.len();
    let mut leave: Vec<Leave> = store_leave
        .into_iter()
        .filter(|l| on_site(&l.employee))
        .collect();
    leave.extend(req.extra_leave.iter().cloned());
    // Days before someone's hire date or after their last day: no shift then, and the hours
    // range only for the days employed.
    leave.extend(
        crate::hr::not_employed(&staff.hr_records(), month.year, month.month)
            .into_iter()
            .filter(|l| on_site(&l.employee)),
    );
    let (history, previous) = match &req.previous_file {
        Some((name, shifts)) => {
            let first = month.first_day();
            let horizon = first - Duration::days(i64::from(site.rules.history_days));
            let shifts: Vec<PriorShift> = shifts
                .iter()
                .filter(|p| p.date < first && p.date >= horizon)
                .cloned()
                .collect();
            (History::File { name: name.clone() }, shifts)
        }
        None => history(cx, month, &site.employees, site.rules.history_days).await?,
    };
    let mut problem = Problem::new(
        &site,
        &cx.reference.calendar,
        month.year,
        month.month,
        leave,
        previous,
    )
    .map_err(|e| Error::Invalid(said!("{month_text}: {e}", "{month_text}：{e}")))?;
    if let Some((demand, staggered)) = &req.demand {
        problem
            .attach_demand(demand.clone(), *staggered)
            .map_err(|e| Error::Invalid(said!("need file: {e}", "话务需求文件：{e}")))?;
    }
    let findings = scheduler::precheck(&problem);
    Ok(Prepared {
        problem,
        history,
        findings,
        store_leave: n_store,
    })
}

/// Solves a prepared month (CPU-bound: call it off the async runtime).
///
/// # Errors
/// A solver error.
pub fn solve(prepared: &Prepared, req: &SolveRequest) -> anyhow::Result<RosterFile> {
    let opts = SolveOptions {
        time_limit_seconds: req.time_limit,
        threads: req.threads,
        log: req.log,
        solver_log: req
            .solver_log
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        cancel: req.cancel.clone(),
        ..Default::default()
    };
    let roster = scheduler::solve(&prepared.problem, &opts)?;
    Ok(RosterFile {
        problem: prepared.problem.clone(),
        roster,
    })
}

/// Stores `doc` as its month's draft with the validator's verdict (the problem carries the
/// history it was built with), audited.
///
/// # Errors
/// [`Error::Conflict`] when the month is published, or a database error.
#[allow(clippy::too_many_arguments)]
pub async fn store_draft(
    cx: Context<'_>,
    doc: &RosterFile,
    history: &History,
    origin: &str,
    action: &str,
    actor: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<Checked> {
    let d = doc.clone();
    let verdict = blocking(move || scheduler::validate(&d.problem, &d.roster)).await?;
    let id = cx
        .store
        .roster_save_draft(&DraftSave {
            doc,
            figures: figures(doc),
            history,
            verdict: &verdict,
            origin,
            actor,
            action,
            before,
            after,
        })
        .await
        .map_err(conflict)?;
    let version = cx
        .store
        .roster_versions_of(&doc.problem.month)
        .await?
        .into_iter()
        .find(|v| v.id == id)
        .map_or(0, |v| v.version);
    Ok(Checked {
        id,
        version,
        history: history.clone(),
        verdict,
    })
}

/// Stores a month just solved as its draft (audited `roster.generate`, with the solve's
/// summary).
///
/// # Errors
/// As [`store_draft`].
pub async fn store_generated(
    cx: Context<'_>,
    doc: &RosterFile,
    history: &History,
    actor: &str,
) -> Result<Checked> {
    let line = summary(doc);
    store_draft(
        cx,
        doc,
        history,
        "generate",
        "roster.generate",
        actor,
        None,
        Some(&line),
    )
    .await
}

/// Generates a month: prepared from the store, solved off the async runtime, checked and
/// stored as the month's draft (audited `roster.generate`).
///
/// # Errors
/// As [`prepare`], a solver error, or the month published meanwhile.
pub async fn generate(cx: Context<'_>, req: &SolveRequest, actor: &str) -> Result<Generated> {
    let prepared = prepare(cx, req).await?;
    let (p, r) = (prepared.clone(), req.clone());
    let doc = blocking(move || solve(&p, &r))
        .await?
        .map_err(|e| Error::Internal(e.context(format!("solving {}", req.month))))?;
    let checked = store_generated(cx, &doc, &prepared.history, actor).await?;
    Ok(Generated {
        doc,
        checked,
        findings: prepared.findings,
    })
}

/// The month's roster as it stands: its draft if there is one, else its latest published
/// version.
///
/// # Errors
/// A database error.
pub async fn current(cx: Context<'_>, month: &str) -> Result<Option<StoredRoster>> {
    Ok(cx.store.roster_latest(month, None).await?)
}

/// The roster a month is paid and reconciled from: its latest published version, else its
/// draft (the caller says so).
///
/// # Errors
/// A database error.
pub async fn for_pay(cx: Context<'_>, month: &str) -> Result<Option<StoredRoster>> {
    if let Some(p) = cx
        .store
        .roster_latest(month, Some(RosterStatus::Published))
        .await?
    {
        return Ok(Some(p));
    }
    Ok(cx
        .store
        .roster_latest(month, Some(RosterStatus::Draft))
        .await?)
}

/// Brings a stored roster's inputs up to date with the store — the previous month's last
/// week as it now stands and the month's approved leave — and validates it.
///
/// # Errors
/// A database error.
pub async fn recheck(cx: Context<'_>, doc: &mut RosterFile) -> Result<(History, Vec<Violation>)> {
    let month = YearMonth::parse(&doc.problem.month)?;
    let (history, previous) = history(
        cx,
        month,
        &doc.problem.employees,
        doc.problem.rules.history_days,
    )
    .await?;
    doc.problem.previous = previous;
    let on_roster = |id: &str| doc.problem.employees.iter().any(|e| e.id == id);
    let approved: Vec<Leave> = cx
        .store
        .approved_leave(month.first_day(), month.last_day())
        .await?
        .into_iter()
        .filter(|l| on_roster(&l.employee))
        .collect();
    for l in approved {
        if !doc.problem.leave.contains(&l) {
            doc.problem.leave.push(l);
        }
    }
    let d = doc.clone();
    let verdict = blocking(move || scheduler::validate(&d.problem, &d.roster)).await?;
    Ok((history, verdict))
}

/// What publishing did.
#[derive(Debug, Clone, Serialize)]
pub struct Published {
    /// `YYYY-MM`.
    pub month: String,
    /// The version published.
    pub version: i64,
    /// The verdict at publishing (non-empty only with an override).
    pub verdict: Vec<Violation>,
    /// What the month boundary was checked against.
    pub history: History,
}

/// Publishes the month's draft: re-checked with the store as it is now (the previous month,
/// the approved leave); a roster that breaks a rule needs `override_reason`, stored and
/// audited (`roster.publish.override`).
///
/// # Errors
/// [`Error::NotFound`] without a draft, [`Error::Conflict`] when published already,
/// [`Error::Refused`] naming the broken rules when there is no override reason.
pub async fn publish(
    cx: Context<'_>,
    month: &str,
    actor: &str,
    override_reason: Option<&str>,
) -> Result<Published> {
    let Some(draft) = cx
        .store
        .roster_latest(month, Some(RosterStatus::Draft))
        .await?
    else {
        if let Some(p) = cx
            .store
            .roster_latest(month, Some(RosterStatus::Published))
            .await?
        {
            return Err(Error::Conflict(said!(
                "{month} is published (version {}) and locked",
                "{month} 已发布（第 {} 版）并锁定",
                p.meta.version
            )));
        }
        return Err(Error::NotFound(said!(
            "{month}: no roster to publish",
            "{month}：没有可发布的排班"
        )));
    };
    let mut doc = draft.doc.clone();
    let (history, verdict) = recheck(cx, &mut doc).await?;
    let reason = override_reason.map(str::trim).filter(|r| !r.is_empty());
    if !verdict.is_empty() && reason.is_none() {
        let mut rules: Vec<&str> = verdict.iter().map(|v| v.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        let first: Vec<String> = verdict.iter().take(3).map(ToString::to_string).collect();
        let first_zh: Vec<String> = verdict.iter().take(3).map(|v| v.line_in("zh")).collect();
        let n = verdict.len();
        return Err(Error::Refused(crate::said::Said::new(
            format!(
                "{month}: the roster breaks {n} rule(s) ({}) when checked with {}: {}; publish it with an override reason, or correct it first",
                rules.join(", "),
                history.label_en(),
                first.join("; ")
            ),
            format!(
                "{month}：按 {} 校验，排班违反 {n} 条规则（{}）：{}；请填写强制发布原因后发布，或先行修正",
                history.label_zh(),
                rules.join("、"),
                first_zh.join("；")
            ),
        )));
    }
    let after = match reason {
        Some(r) => format!(
            "published with {} violation(s) ({}); override: {r}",
            verdict.len(),
            history.label_en()
        ),
        None => format!("published, no rule broken ({})", history.label_en()),
    };
    cx.store
        .roster_publish(
            draft.meta.id,
            month,
            &history,
            &verdict,
            reason,
            actor,
            &after,
        )
        .await
        .map_err(conflict)?;
    Ok(Published {
        month: month.to_string(),
        version: draft.meta.version,
        verdict,
        history,
    })
}

/// What a cell edit did, as the validator sees it.
#[derive(Debug, Clone, Serialize)]
pub struct CellVerdict {
    /// `A001 黎明 · 2026-03-02 · A → off`.
    pub what: String,
    /// Employee id.
    pub employee: String,
    /// Date.
    pub date: String,
    /// Violations the edit introduced.
    pub new: Vec<Violation>,
    /// How many violations the edit removed.
    pub resolved: usize,
    /// The whole verdict after the edit.
    pub violations: usize,
}

/// Sets one person's shift on one date of the month's draft (or `off`), validates the whole
/// roster independently of the solver, and stores the draft (audited `roster.cell`).
///
/// # Errors
/// [`Error::Invalid`] for an unknown person, date or shift, [`Error::NotFound`] without a
/// roster, [`Error::Conflict`] when the month is published.
pub async fn edit_cell(
    cx: Context<'_>,
    month: &str,
    employee: &str,
    date: &str,
    shift: &str,
    actor: &str,
) -> Result<CellVerdict> {
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
        Error::Invalid(said!(
            "date `{date}`: YYYY-MM-DD",
            "日期“{date}”：应为 YYYY-MM-DD"
        ))
    })?;
    let Some(stored) = current(cx, month).await? else {
        return Err(Error::NotFound(said!(
            "{month}: no roster",
            "{month}：没有排班"
        )));
    };
    if stored.meta.published() {
        return Err(Error::Conflict(said!(
            "{month} is published (version {}) and locked",
            "{month} 已发布（第 {} 版）并锁定",
            stored.meta.version
        )));
    }
    let mut doc = stored.doc;
    let p = &doc.problem;
    let Some(emp) = p.employees.iter().find(|e| e.id == employee) else {
        return Err(Error::Invalid(said!(
            "unknown employee {employee}",
            "查无此人 {employee}"
        )));
    };
    if !p.days.iter().any(|d| d.date == date) {
        return Err(Error::Invalid(said!(
            "{date} is not in {month}",
            "{date} 不在 {month} 内"
        )));
    }
    let off = shift.is_empty() || shift == "off";
    if !off && !p.shifts.iter().any(|s| s.code == shift) {
        return Err(Error::Invalid(said!(
            "unknown shift {shift}",
            "未知班次 {shift}"
        )));
    }
    let before_v: Vec<Violation> = stored
        .meta
        .verdict
        .clone()
        .unwrap_or_else(|| scheduler::validate(&doc.problem, &doc.roster));
    let old: Vec<Assignment> = doc
        .roster
        .assignments
        .iter()
        .filter(|a| a.employee == employee && a.date == date)
        .cloned()
        .collect();
    let before_text = if old.is_empty() {
        "off".to_string()
    } else {
        old.iter()
            .map(|a| a.shift.as_str())
            .collect::<Vec<_>>()
            .join("+")
    };
    // The role: the one held before on that day if any, else the person's primary role.
    let role = old
        .first()
        .map(|a| a.role.clone())
        .or_else(|| emp.roles.first().cloned())
        .unwrap_or_default();
    let emp_name = emp.name.clone();
    doc.roster
        .assignments
        .retain(|a| !(a.employee == employee && a.date == date));
    if !off {
        doc.roster.assignments.push(Assignment {
            employee: employee.to_string(),
            date,
            shift: shift.to_string(),
            role,
        });
        doc.roster.assignments.sort();
    }
    doc.roster.status = SolveStatus::Unsolved;
    let after_text = if off { "off" } else { shift };
    let target = format!("{employee} {date}");
    let d = doc.clone();
    let after_all = blocking(move || scheduler::validate(&d.problem, &d.roster)).await?;
    let new: Vec<Violation> = after_all
        .iter()
        .filter(|v| !before_v.contains(v))
        .cloned()
        .collect();
    let resolved = before_v.iter().filter(|v| !after_all.contains(v)).count();
    let new_rules = if new.is_empty() {
        "none".to_string()
    } else {
        new.iter()
            .map(|v| v.rule.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    store_draft(
        cx,
        &doc,
        &stored.meta.history,
        "edit",
        "roster.cell",
        actor,
        Some(&format!("{target} {before_text}")),
        Some(&format!(
            "{target} {after_text}; new violations: {new_rules}"
        )),
    )
    .await?;
    Ok(CellVerdict {
        what: format!("{employee} {emp_name} · {date} · {before_text} → {after_text}"),
        employee: employee.to_string(),
        date: date.to_string(),
        violations: after_all.len(),
        new,
        resolved,
    })
}

/// Reads a roster file (a repair file is one too) and checks its problem section.
///
/// # Errors
/// An unreadable file or one that is not a roster, named.
pub fn read_roster(file: &Path) -> anyhow::Result<RosterFile> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let doc: RosterFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a roster file", file.display()))?;
    doc.problem
        .check_inputs()
        .with_context(|| format!("{}: problem section", file.display()))?;
    anyhow::ensure!(
        !doc.problem.days.is_empty(),
        "{}: the roster has no days",
        file.display()
    );
    Ok(doc)
}

/// Imports a roster file into the store as its month's draft (audited `roster.import`),
/// checked with the store's history, unless the month already has a roster there. Returns
/// the stored version, or `None` when the month was left as it was.
///
/// # Errors
/// A database error.
pub async fn import(
    cx: Context<'_>,
    mut doc: RosterFile,
    name: &str,
    actor: &str,
) -> Result<Option<Checked>> {
    if !cx
        .store
        .roster_versions_of(&doc.problem.month)
        .await?
        .is_empty()
    {
        return Ok(None);
    }
    let (history, _) = recheck(cx, &mut doc).await?;
    let checked = store_draft(
        cx,
        &doc,
        &history,
        "import",
        "roster.import",
        actor,
        None,
        Some(&format!("from {name}")),
    )
    .await?;
    Ok(Some(checked))
}

/// Imports every `roster-YYYY-MM.json` of a folder (months in order, so each is checked
/// with the one before) into the store, skipping months the store already holds. Returns
/// the months imported.
///
/// # Errors
/// A file that is not a roster (named), or a database error.
pub async fn import_folder(cx: Context<'_>, dir: &Path, actor: &str) -> Result<Vec<String>> {
    let mut files: Vec<(String, PathBuf)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(std::result::Result::ok)
            .filter_map(|e| {
                let n = e.file_name().to_string_lossy().to_string();
                let m = n
                    .strip_prefix("roster-")?
                    .strip_suffix(".json")?
                    .to_string();
                super::parse_month(&m).ok().map(|_| (m, e.path()))
            })
            .collect(),
        Err(_) => return Ok(Vec::new()),
    };
    files.sort();
    let mut done = Vec::new();
    for (month, path) in files {
        let doc = read_roster(&path)
            .map_err(|e| Error::Invalid(said!("{e:#}", "排班文件无法读取：{e:#}")))?;
        if doc.problem.month != month {
            return Err(Error::Invalid(said!(
                "{} holds the roster of {}, not {month}",
                "{} 是 {} 的排班，不是 {month}",
                path.display(),
                doc.problem.month
            )));
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if import(cx, doc, &name, actor).await?.is_some() {
            done.push(month);
        }
    }
    Ok(done)
}

/// Checks the versions stored without a verdict (migrated from before versions kept one)
/// with the history the store holds, and records it. Returns how many were checked.
///
/// # Errors
/// A database error.
pub async fn backfill(cx: Context<'_>) -> Result<usize> {
    let ids = cx.store.roster_unchecked().await?;
    for &id in &ids {
        let Some(s) = cx.store.roster_version(id).await? else {
            continue;
        };
        let mut doc = s.doc;
        let (history, verdict) = recheck(cx, &mut doc).await?;
        cx.store
            .roster_fill_verdict(id, &history, &verdict, &figures(&doc))
            .await?;
    }
    Ok(ids.len())
}

/// The versions of every month, newest first within a month.
///
/// # Errors
/// A database error.
pub async fn versions(cx: Context<'_>) -> Result<Vec<RosterVersion>> {
    Ok(cx.store.roster_versions().await?)
}
