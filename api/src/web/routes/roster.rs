//! The roster pages: generate a month in the background (progress, cancel), the colour grid
//! with the stored verdict and what the month boundary was checked against, edit a cell and
//! see the independent validator's verdict at once, publish (with an override reason when the
//! roster breaks a rule), download the workbook. Every step is one call into
//! [`crate::month::roster`]; a published month is refused there and, should code forget, by
//! the table's triggers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike as _, NaiveDate};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use crate::month::roster::SolveRequest;
use crate::month::YearMonth;
use crate::web::extract::{areas, Fields, JsonBody, Posted, Signed};
use crate::web::{current_month, xlsx_attachment, App, AppError, Ctx};
use scheduler::{Assignment, DayKind, RosterFile, Violation};

/// Default solver time limit of a generation (seconds), and the most a form may ask for.
const DEFAULT_LIMIT: u32 = 60;
const MAX_LIMIT: u32 = 120;

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/roster", get(page))
        .route("/roster/generate", post(generate))
        .route("/roster/progress", get(progress))
        .route("/roster/cancel", post(cancel))
        .route("/roster/cell", post(cell))
        .route("/roster/publish", post(publish))
        .route("/roster/download", get(download))
        .route("/api/roster", get(api_get))
        .route("/api/roster/progress", get(progress))
        .route("/api/roster/generate", post(api_generate))
        .route("/api/roster/cancel", post(api_cancel))
        .route("/api/roster/cell", post(api_cell))
        .route("/api/roster/publish", post(api_publish))
}

// ---------------------------------------------------------------------------------------------
// Background generation. One job per month. HiGHS writes its log to a file of the job's
// (`SolveOptions::solver_log`); the progress reads the branch-and-bound table's last row for
// the best roster so far, the bound and the gap, next to the elapsed time against the limit.
// A cancel marks the job and raises its flag (`SolveOptions::cancel`): HiGHS stops at its
// next interrupt point, and `run_job` discards what it returns.

struct Job {
    id: u64,
    by: String,
    /// When the request came (queued from then).
    requested: Instant,
    /// When it got its turn (the solve's clock starts then); `None` while queued.
    started: Option<Instant>,
    started_at: String,
    limit_s: f64,
    /// Raised by a cancel: the solver stops early and its result is discarded.
    stop: Arc<std::sync::atomic::AtomicBool>,
    /// HiGHS's log of this solve: read for the best roster so far, the bound and the gap.
    log: PathBuf,
}

impl Job {
    fn cancelled(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// What HiGHS's branch-and-bound table says so far: the last row's best bound, best
/// solution and gap (`None` before the first row, or for `-inf` / `inf` / `Large`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SolverProgress {
    pub(crate) best_bound: Option<f64>,
    pub(crate) best_solution: Option<f64>,
    pub(crate) gap_percent: Option<f64>,
    pub(crate) solver_seconds: Option<f64>,
}

/// Reads the progress from the tail of the solver log: its last progress line, HiGHS's or
/// the neighbourhood search's after it. A HiGHS table row ends with
/// `BestBound BestSol Gap Cuts InLp Confl. LpIters Time`, e.g.
/// ` J  0  0  0  0.00%  -inf  435.3  Large  0  0  0  0  1.4s` — so it is read from the right.
/// The neighbourhood search, which runs after HiGHS's share of the limit with HiGHS's log
/// off, appends its own lines ([`scheduler::SearchProgress`]): the best roster recomputed,
/// the bound, the gap.
pub(crate) fn solver_progress(log: &str) -> Option<SolverProgress> {
    let number = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite());
    log.lines().rev().find_map(|line| {
        if let Some(p) = scheduler::SearchProgress::parse(line) {
            return Some(SolverProgress {
                best_bound: Some(p.bound),
                best_solution: Some(p.best),
                gap_percent: Some(p.gap_percent),
                solver_seconds: Some(p.seconds),
            });
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        if tokens.len() < 9 {
            return None;
        }
        let time = tokens[tokens.len() - 1]
            .strip_suffix('s')?
            .parse::<f64>()
            .ok()?;
        // Cuts, InLp, Confl. and LpIters are whole numbers.
        if tokens[tokens.len() - 5..tokens.len() - 1]
            .iter()
            .any(|t| t.parse::<u64>().is_err())
        {
            return None;
        }
        let gap = tokens[tokens.len() - 6];
        if !(gap.ends_with('%') || gap == "Large" || gap == "inf") {
            return None;
        }
        Some(SolverProgress {
            best_bound: number(tokens[tokens.len() - 8]),
            best_solution: number(tokens[tokens.len() - 7]),
            gap_percent: gap.strip_suffix('%').and_then(number),
            solver_seconds: Some(time),
        })
    })
}

/// The last 16 KB of a file (the log grows; only its end matters).
fn tail(path: &Path) -> Option<String> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    let mut f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(16 * 1024)))
        .ok()?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

#[derive(Clone, Serialize)]
struct Outcome {
    /// done, cancelled, failed.
    status: String,
    /// What came of it, in English and in Chinese (the page shows its language's).
    summary: crate::said::Said,
    finished_at: String,
}

#[derive(Default)]
struct Jobs {
    next: u64,
    running: HashMap<String, Job>,
    last: HashMap<String, Outcome>,
}

static JOBS: LazyLock<Mutex<Jobs>> = LazyLock::new(|| Mutex::new(Jobs::default()));

fn jobs() -> std::sync::MutexGuard<'static, Jobs> {
    JOBS.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn clock() -> String {
    crate::clock::now_local().format("%H:%M").to_string()
}

/// Queued solves ahead of job `id` (its position is this plus one).
fn queued_ahead(j: &Jobs, id: u64) -> usize {
    j.running
        .values()
        .filter(|o| o.started.is_none() && o.id < id)
        .count()
}

/// Whether job `id` of `key` was cancelled (or replaced).
fn is_cancelled(key: &str, id: u64) -> bool {
    jobs()
        .running
        .get(key)
        .is_none_or(|job| job.cancelled() || job.id != id)
}

/// Records a job's outcome and forgets it.
fn finish_job(key: &str, id: u64, outcome: Outcome, log: Option<&PathBuf>) {
    {
        let mut j = jobs();
        if j.running.get(key).is_some_and(|job| job.id == id) {
            j.running.remove(key);
        }
        j.last.insert(key.to_string(), outcome);
    }
    if let Some(log) = log {
        let _ = std::fs::remove_file(log);
    }
}

fn cancelled_outcome() -> Outcome {
    Outcome {
        status: "cancelled".into(),
        summary: crate::said::Said::new(
            "cancelled: the result was discarded",
            "已取消：结果已丢弃",
        ),
        finished_at: clock(),
    }
}

/// Runs the solve (the pipeline: history and leave from the store, solved off the async
/// runtime, checked, stored) unless cancelled meanwhile. Solves take their turn: at most
/// [`App::solves`] run at once (one by default; each takes a core and hundreds of MB), the
/// others wait in order, showing their place. A cancel ends a waiting job at once; a running
/// one is answered within a second — its outcome recorded, its result to be discarded —
/// while HiGHS stops at its next interrupt point and only then gives its turn to the next.
async fn run_job(app: Arc<App>, month: YearMonth, id: u64, by: String, limit: f64) {
    let key = month.to_string();
    let (log, stop) = jobs()
        .running
        .get(&key)
        .map(|j| (j.log.clone(), j.stop.clone()))
        .unzip();
    // Wait for a turn, looking for a cancel every 200 ms (the place in the queue is kept).
    let acquire = app.solves.clone().acquire_owned();
    tokio::pin!(acquire);
    let permit = loop {
        tokio::select! {
            p = &mut acquire => break p.ok(),
            () = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                if is_cancelled(&key, id) {
                    finish_job(&key, id, cancelled_outcome(), log.as_ref());
                    return;
                }
            }
        }
    };
    if let Some(job) = jobs().running.get_mut(&key).filter(|j| j.id == id) {
        job.started = Some(Instant::now());
        job.started_at = clock();
    }
    let mut req = SolveRequest::month(month, limit);
    req.solver_log.clone_from(&log);
    req.cancel = stop.clone();
    // Prepared and solved here; stored below only if not cancelled meanwhile.
    let cx = app.cx();
    let solved = match crate::month::roster::prepare(cx, &req).await {
        Ok(prepared) => {
            let r = req.clone();
            let p = prepared.clone();
            // A JoinHandle is Unpin: polled by reference below, moved into the waiter after.
            let mut handle =
                tokio::task::spawn_blocking(move || crate::month::roster::solve(&p, &r));
            // The turn is held until the solver thread has really stopped.
            let finished = loop {
                tokio::select! {
                    done = &mut handle => break Some(done),
                    () = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                        if is_cancelled(&key, id) { break None; }
                    }
                }
            };
            match finished {
                Some(Ok(Ok(doc))) => Ok((doc, prepared.history)),
                Some(Ok(Err(e))) => Err(format!("{e:#}")),
                Some(Err(e)) => Err(format!("solver task: {e}")),
                None => {
                    // Cancelled while solving: answered now; the turn passes on when the
                    // solver has stopped.
                    finish_job(&key, id, cancelled_outcome(), None);
                    tokio::spawn(async move {
                        let _ = handle.await;
                        drop(permit);
                        if let Some(log) = log {
                            let _ = std::fs::remove_file(log);
                        }
                    });
                    return;
                }
            }
        }
        Err(e) => Err(e.to_string()),
    };
    // The job stays "running" until its outcome is recorded (below, under the same lock), so
    // a progress request in between never finds neither.
    let outcome = if is_cancelled(&key, id) {
        cancelled_outcome()
    } else {
        match solved {
            Ok((doc, history)) => {
                let (en, zh) = (
                    crate::month::roster::summary_in(&doc, "en"),
                    crate::month::roster::summary_in(&doc, "zh"),
                );
                match crate::month::roster::store_generated(cx, &doc, &history, &by).await {
                    Ok(c) => Outcome {
                        status: "done".into(),
                        summary: crate::said::Said::new(
                            format!(
                                "{en} · version {} · {} violation(s) · {}",
                                c.version,
                                c.verdict.len(),
                                c.history.label_en()
                            ),
                            format!(
                                "{zh} · 第 {} 版 · 违规 {} 处 · 衔接：{}",
                                c.version,
                                c.verdict.len(),
                                c.history.label_zh()
                            ),
                        ),
                        finished_at: clock(),
                    },
                    Err(e) => Outcome {
                        status: "failed".into(),
                        summary: crate::said::Said::new(
                            format!("not stored: {e}"),
                            format!("未保存：{e}"),
                        ),
                        finished_at: clock(),
                    },
                }
            }
            Err(e) => Outcome {
                status: "failed".into(),
                summary: crate::said::Said::new(e.clone(), format!("排班失败：{e}")),
                finished_at: clock(),
            },
        }
    };
    drop(permit);
    finish_job(&key, id, outcome, log.as_ref());
}

/// The progress of `month`'s solve; the last outcome in `lang`.
fn progress_json(month: &str, lang: &str) -> serde_json::Value {
    let j = jobs();
    match j.running.get(month) {
        Some(job) if job.started.is_none() => {
            let ahead = queued_ahead(&j, job.id)
                + j.running.values().filter(|o| o.started.is_some()).count();
            serde_json::json!({
                "month": month,
                "running": true,
                "queued": true,
                "position": ahead + 1,
                "cancelled": job.cancelled(),
                "by": job.by,
                "started": job.started_at,
                "elapsed_s": 0.0,
                "waited_s": job.requested.elapsed().as_secs_f64().round(),
                "limit_s": job.limit_s,
                "status": if job.cancelled() { "cancelling" } else { "queued" },
            })
        }
        Some(job) => {
            let elapsed = job.started.map_or(0.0, |s| s.elapsed().as_secs_f64());
            let solver = tail(&job.log).and_then(|t| solver_progress(&t));
            serde_json::json!({
                "queued": false,
                "best_so_far": solver.as_ref().and_then(|p| p.best_solution),
                "best_bound": solver.as_ref().and_then(|p| p.best_bound),
                "gap_percent": solver.as_ref().and_then(|p| p.gap_percent),
                // The solver's own clock at that line: past HiGHS's share of the limit once
                // the neighbourhood search reports.
                "solver_s": solver.as_ref().and_then(|p| p.solver_seconds),
                "month": month,
                "running": true,
                "cancelled": job.cancelled(),
                "by": job.by,
                "started": job.started_at,
                "elapsed_s": elapsed.round(),
                "limit_s": job.limit_s,
                "status": if job.cancelled() { "cancelling" } else { "running" },
            })
        }
        None => {
            let last = j.last.get(month);
            serde_json::json!({
                "month": month,
                "running": false,
                "status": last.map_or("idle", |o| o.status.as_str()),
                "result": last.map(|o| o.summary.in_lang(lang).to_string()),
                "finished": last.map(|o| o.finished_at.clone()),
            })
        }
    }
}

/// Elapsed share of the time limit, 0-100, for the progress bar.
fn progress_pct(p: &serde_json::Value) -> u32 {
    let (Some(e), Some(l)) = (p["elapsed_s"].as_f64(), p["limit_s"].as_f64()) else {
        return 0;
    };
    if l <= 0.0 {
        return 0;
    }
    // Bounded 0..=100 before the cast.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let pct = (100.0 * e / l).clamp(0.0, 100.0).round() as u32;
    pct
}

fn month_of(given: Option<&str>) -> Result<YearMonth, AppError> {
    Ok(YearMonth::parse(given.unwrap_or(&current_month()))?)
}

#[derive(Serialize)]
struct DayCol {
    day: u32,
    weekday: String,
    date: String,
    class: &'static str,
}

#[derive(Serialize)]
struct GridCell {
    code: String,
    /// The shift worked (empty when off, on leave or on standby), for the edit form.
    shift: String,
    class: String,
    title: String,
}

#[derive(Serialize)]
struct GridRow {
    id: String,
    name: String,
    reserve: bool,
    hours: String,
    cells: Vec<GridCell>,
}

#[derive(Serialize)]
struct CountRow {
    shift: String,
    counts: Vec<u32>,
}

#[derive(Serialize)]
struct ShortRow {
    kind: String,
    date: String,
    shift: String,
    role: String,
    employee: String,
    missing: u32,
    cause: String,
}

#[derive(Serialize)]
pub(crate) struct ViolationRow {
    rule: String,
    /// The rule's name in the page's language (`rule_<code>` of the texts), the code if none.
    rule_label: String,
    employee: String,
    date: String,
    detail: String,
}

pub(crate) fn violation_row(v: &Violation, ctx: &Ctx) -> ViolationRow {
    let key = format!("rule_{}", v.rule);
    let label = ctx.text(&key);
    ViolationRow {
        rule_label: if label == key { v.rule.clone() } else { label },
        rule: v.rule.clone(),
        employee: v.employee.clone().unwrap_or_default(),
        date: v.date.map(|d| d.to_string()).unwrap_or_default(),
        detail: v.detail_in(&ctx.lang).to_string(),
    }
}

fn shift_class(code: &str) -> String {
    match code {
        "A" | "P" | "N" | "D" => format!("s{code}"),
        _ => "sX".into(),
    }
}

/// Everything the grid needs.
fn grid(doc: &RosterFile, lang: &str) -> Value {
    let (p, r) = (&doc.problem, &doc.roster);
    let zh = lang == "zh";
    let wd_zh = ["一", "二", "三", "四", "五", "六", "日"];
    let wd_en = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
    let days: Vec<DayCol> = p
        .days
        .iter()
        .map(|d| {
            let i = d.date.weekday().num_days_from_monday() as usize;
            DayCol {
                day: d.date.day(),
                weekday: if zh { wd_zh[i] } else { wd_en[i] }.to_string(),
                date: d.date.to_string(),
                class: match d.kind {
                    DayKind::Working => "",
                    DayKind::Rest => "we",
                    DayKind::Statutory => "hol",
                },
            }
        })
        .collect();
    let day_ix: HashMap<NaiveDate, usize> = p
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| (d.date, i))
        .collect();
    let minutes: HashMap<&str, u32> = p
        .shifts
        .iter()
        .map(|s| (s.code.as_str(), s.paid_minutes))
        .collect();
    let mut work: HashMap<(&str, usize), &Assignment> = HashMap::new();
    for a in &r.assignments {
        if let Some(&d) = day_ix.get(&a.date) {
            work.insert((a.employee.as_str(), d), a);
        }
    }
    let standby: BTreeSet<(&str, usize, &str)> = r
        .standby
        .iter()
        .filter_map(|s| Some((s.employee.as_str(), *day_ix.get(&s.date)?, s.shift.as_str())))
        .collect();
    let mut leave: HashMap<(&str, usize), &'static str> = HashMap::new();
    for l in &p.leave {
        for (i, d) in p.days.iter().enumerate() {
            if d.date >= l.from && d.date <= l.to {
                leave.insert((l.employee.as_str(), i), l.kind.label_zh());
            }
        }
    }
    let rows: Vec<GridRow> = p
        .employees
        .iter()
        .map(|e| {
            let mut total = 0u32;
            let cells = (0..p.days.len())
                .map(|d| {
                    let id = e.id.as_str();
                    if let Some(a) = work.get(&(id, d)) {
                        total += minutes.get(a.shift.as_str()).copied().unwrap_or(0);
                        let mut class = shift_class(&a.shift);
                        if leave.contains_key(&(id, d)) {
                            class.push_str(" clash");
                        }
                        GridCell {
                            code: a.shift.clone(),
                            shift: a.shift.clone(),
                            class,
                            title: format!("{} {} {} · {}", e.name, days[d].date, a.shift, a.role),
                        }
                    } else if let Some(k) = leave.get(&(id, d)) {
                        GridCell {
                            shift: String::new(),
                            code: k.chars().next().map(String::from).unwrap_or_default(),
                            class: "lv".into(),
                            title: format!("{} {} {k}", e.name, days[d].date),
                        }
                    } else if let Some((_, _, s)) = standby
                        .range((id, d, "")..)
                        .next()
                        .filter(|x| x.0 == id && x.1 == d)
                    {
                        GridCell {
                            shift: String::new(),
                            code: format!("b{s}"),
                            class: "sb".into(),
                            title: format!("{} {} 备班 standby {s}", e.name, days[d].date),
                        }
                    } else {
                        GridCell {
                            shift: String::new(),
                            code: String::new(),
                            class: String::new(),
                            title: format!("{} {}", e.name, days[d].date),
                        }
                    }
                })
                .collect();
            GridRow {
                id: e.id.clone(),
                name: e.name.clone(),
                reserve: e.reserve,
                hours: format!("{}", total / 60),
                cells,
            }
        })
        .collect();
    let mut counts: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    let used: BTreeSet<&str> = r.assignments.iter().map(|a| a.shift.as_str()).collect();
    let shift_order: Vec<&str> = p
        .shifts
        .iter()
        .map(|s| s.code.as_str())
        .filter(|c| used.contains(c) || ["A", "P", "N"].contains(c))
        .collect();
    for c in &shift_order {
        counts.insert(c, vec![0; p.days.len()]);
    }
    for a in &r.assignments {
        if let (Some(v), Some(&d)) = (counts.get_mut(a.shift.as_str()), day_ix.get(&a.date)) {
            v[d] += 1;
        }
    }
    let counts: Vec<CountRow> = shift_order
        .iter()
        .map(|c| CountRow {
            shift: (*c).to_string(),
            counts: counts[c].clone(),
        })
        .collect();
    let shortfalls: Vec<ShortRow> = r
        .shortfalls
        .iter()
        .map(|s| ShortRow {
            kind: serde_json::to_value(s.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            date: s.date.map(|d| d.to_string()).unwrap_or_default(),
            shift: s.shift.clone().unwrap_or_default(),
            role: s
                .role
                .as_deref()
                .map(|r| crate::excel::roster_xlsx::role_zh(r).to_string())
                .unwrap_or_default(),
            employee: s.employee.clone().unwrap_or_default(),
            missing: s.missing,
            cause: if zh && !s.cause_zh.is_empty() {
                s.cause_zh.clone()
            } else {
                s.cause.clone()
            },
        })
        .collect();
    let shifts: Vec<HashMap<&str, String>> = p
        .shifts
        .iter()
        .filter(|s| !s.staggered)
        .map(|s| {
            HashMap::from([
                ("code", s.code.clone()),
                ("name", s.name.clone()),
                ("span", format!("{}-{}", s.start, s.end)),
                ("class", shift_class(&s.code)),
            ])
        })
        .collect();
    context! {
        days => Value::from_serialize(&days),
        rows => Value::from_serialize(&rows),
        counts => Value::from_serialize(&counts),
        shortfalls => Value::from_serialize(&shortfalls),
        shifts => Value::from_serialize(&shifts),
        summary => crate::month::roster::summary_in(doc, lang),
        cost => Value::from_serialize(crate::month::roster::cost_in(doc, lang)),
        standard_hours => p.standard_minutes / 60,
    }
}

/// What the roster page and `/api/roster` derive from a month's stored roster: parsed,
/// checked, laid out and rendered once per change of the store (a 53 × 31 grid is about
/// 110 KB of JSON to parse and of HTML to render), not per request.
pub(crate) struct RosterParts {
    /// `published`, `draft` or `none`.
    status: &'static str,
    meta: Value,
    violations: Value,
    history: String,
    people: Value,
    grid: Option<Value>,
    /// The grid's table, rendered.
    grid_html: String,
    /// `/api/roster`'s body, `None` without a roster.
    api_json: Option<String>,
}

/// The month's [`RosterParts`] in `lang`, derived again only when the store changed.
async fn parts(ctx: &Ctx, month: &str) -> Result<Arc<RosterParts>, AppError> {
    let app = &ctx.app;
    let counter = app.store.change_counter().await?;
    let key = (month.to_string(), ctx.lang.clone());
    if let Some((k, p)) = app
        .roster_cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&key)
    {
        if *k == counter {
            return Ok(p.clone());
        }
    }
    let stored = crate::month::roster::current(app.cx(), month).await?;
    let parts = match stored {
        Some(s) => {
            let meta = context! {
                version => s.meta.version,
                updated_by => &s.meta.updated_by, updated_at => crate::clock::local(&s.meta.updated_at),
                published_by => &s.meta.published_by,
                published_at => s.meta.published_at.as_deref().map(crate::clock::local),
                override_reason => &s.meta.override_reason,
            };
            let status = if s.meta.published() {
                "published"
            } else {
                "draft"
            };
            let verdict = s
                .meta
                .verdict
                .clone()
                .unwrap_or_else(|| scheduler::validate(&s.doc.problem, &s.doc.roster));
            let history = if ctx.lang == "en" {
                s.meta.history.label_en()
            } else {
                s.meta.history.label_zh()
            };
            let api_json = serde_json::json!({
                "month": month,
                "published": s.meta.published(),
                "version": s.meta.version,
                "history": s.meta.history,
                "roster": s.doc,
                "violations": verdict,
            })
            .to_string();
            let rows: Vec<ViolationRow> = verdict.iter().map(|v| violation_row(v, ctx)).collect();
            let people: Vec<HashMap<&str, String>> = s
                .doc
                .problem
                .employees
                .iter()
                .map(|e| HashMap::from([("id", e.id.clone()), ("name", e.name.clone())]))
                .collect();
            let g = grid(&s.doc, &ctx.lang);
            let grid_html = crate::web::render_fragment(
                app,
                "roster_grid.html",
                context! { t => ctx.t(), grid => g.clone() },
            )?;
            RosterParts {
                status,
                meta,
                violations: Value::from_serialize(&rows),
                history,
                people: Value::from_serialize(&people),
                grid: Some(g),
                grid_html,
                api_json: Some(api_json),
            }
        }
        None => RosterParts {
            status: "none",
            meta: context! {},
            violations: Value::from_serialize(Vec::<ViolationRow>::new()),
            history: String::new(),
            people: Value::from_serialize(Vec::<HashMap<&str, String>>::new()),
            grid: None,
            grid_html: String::new(),
            api_json: None,
        },
    };
    let parts = Arc::new(parts);
    let mut cache = app
        .roster_cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.len() > 64 {
        cache.clear();
    }
    cache.insert(key, (counter, parts.clone()));
    Ok(parts)
}

/// The roster page of a month, with `extra` (notices, a verdict).
async fn view(ctx: &Ctx, month: YearMonth, extra: Value) -> Result<Response, AppError> {
    let app = &ctx.app;
    let month_text = month.to_string();
    let mut months: BTreeMap<String, String> = BTreeMap::new();
    for v in app.store.roster_versions().await? {
        months
            .entry(v.month.clone())
            .or_insert_with(|| v.status.code().to_string());
    }
    months
        .entry(month_text.clone())
        .or_insert_with(|| "none".into());
    let months: Vec<HashMap<&str, String>> = months
        .into_iter()
        .map(|(m, s)| HashMap::from([("month", m), ("status", s)]))
        .collect();
    let p = parts(ctx, &month_text).await?;
    // After a cell edit the grid marks the edited cell: rendered for this answer only.
    let verdict = extra
        .get_attr("verdict")
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_none());
    let grid_html = match (&p.grid, verdict) {
        (Some(g), Some(v)) => crate::web::render_fragment(
            app,
            "roster_grid.html",
            context! { t => ctx.t(), grid => g.clone(), verdict => v },
        )?,
        _ => p.grid_html.clone(),
    };
    let running = jobs().running.contains_key(&month_text);
    let progress = progress_json(&month_text, &ctx.lang);
    let title = ctx.text("roster_title");
    Ok(ctx.render(
        "roster.html",
        "roster",
        &title,
        context! {
            month => &month_text,
            months => months,
            status => p.status,
            meta => p.meta.clone(),
            grid => p.grid.clone(),
            grid_html => Value::from_safe_string(grid_html),
            people => p.people.clone(),
            violations => p.violations.clone(),
            history => p.history.clone(),
            running => running,
            can_edit => crate::web::allowed(ctx.session.user.role, crate::web::Area::RosterEdit),
            default_limit => DEFAULT_LIMIT,
            progress_pct => progress_pct(&progress),
            progress => Value::from_serialize(progress),
            ..extra
        },
    ))
}

/// A refusal of a page form: the page with the notice and the status (409, 422), or the
/// plain error for the rest.
async fn refused(ctx: &Ctx, month: YearMonth, e: AppError) -> AppError {
    let status = e.status_code();
    if status == StatusCode::CONFLICT || status == StatusCode::UNPROCESSABLE_ENTITY {
        let message = e.message_in(&ctx.lang);
        match view(ctx, month, context! { notice_bad => &message }).await {
            Ok(mut r) => {
                *r.status_mut() = status;
                AppError::page(r, message)
            }
            Err(e) => e,
        }
    } else {
        e
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

async fn page(s: Signed<areas::RosterView>) -> Result<Response, AppError> {
    let month = month_of(s.query.get("month").map(String::as_str))?;
    view(&s.ctx, month, context! {}).await
}

async fn api_get(s: Signed<areas::RosterView>) -> Result<Response, AppError> {
    let month = month_of(s.query.get("month").map(String::as_str))?;
    match &parts(&s.ctx, &month.to_string()).await?.api_json {
        Some(body) => Ok((
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body.clone(),
        )
            .into_response()),
        None => Err(AppError::not_found(crate::said::Said::new(
            format!("no roster for {month}"),
            format!("{month} 没有排班"),
        ))),
    }
}

async fn progress(s: Signed<areas::RosterView>) -> Result<Response, AppError> {
    let month = month_of(s.query.get("month").map(String::as_str))?;
    Ok(Json(progress_json(&month.to_string(), &s.ctx.lang)).into_response())
}

fn parse_limit(given: Option<f64>) -> Result<f64, AppError> {
    match given {
        Some(v) if v.is_finite() && v >= 1.0 => Ok(v.min(f64::from(MAX_LIMIT))),
        Some(_) => Err(AppError::bad_request(crate::said::Said::new(
            "time_limit: seconds, at least 1",
            "时间上限：秒数，至少 1",
        ))),
        None => Ok(f64::from(DEFAULT_LIMIT)),
    }
}

/// Starts the background solve of a month, unless it is published or being solved.
async fn start_generate(ctx: &Ctx, month: YearMonth, limit: f64) -> Result<(), AppError> {
    let key = month.to_string();
    if let Some(p) = ctx
        .app
        .store
        .roster_latest(&key, Some(crate::db::roster::RosterStatus::Published))
        .await?
    {
        return Err(AppError::conflict(format!(
            "{key}: {} (v{})",
            ctx.text("roster_locked"),
            p.meta.version
        )));
    }
    let by = ctx.actor().to_string();
    let started = {
        let mut j = jobs();
        if let Some(job) = j.running.get(&key) {
            Err(format!("{} ({})", job.started_at, job.by))
        } else {
            j.next += 1;
            let id = j.next;
            j.running.insert(
                key.clone(),
                Job {
                    id,
                    by: by.clone(),
                    requested: Instant::now(),
                    started: None,
                    started_at: clock(),
                    limit_s: limit,
                    stop: Arc::default(),
                    log: std::env::temp_dir().join(format!(
                        "hotline-workforce-highs-{}-{key}-{id}.log",
                        std::process::id()
                    )),
                },
            );
            j.last.remove(&key);
            Ok(id)
        }
    };
    let id = started.map_err(|since| {
        AppError::conflict(format!("{key}: {} {since}", ctx.text("roster_busy_since")))
    })?;
    tokio::spawn(run_job(ctx.app.clone(), month, id, by, limit));
    Ok(())
}

/// Marks a running solve cancelled (HiGHS stops at its next interrupt point); true when
/// there was one.
async fn do_cancel(ctx: &Ctx, month: YearMonth) -> Result<bool, AppError> {
    let key = month.to_string();
    let marked = jobs()
        .running
        .get(&key)
        .map(|j| j.stop.store(true, std::sync::atomic::Ordering::Relaxed))
        .is_some();
    if marked {
        ctx.app
            .store
            .audit(ctx.actor(), "roster.cancel", &key, None, None)
            .await?;
    }
    Ok(marked)
}

/// Publishes the month's draft; busy while a solve of it runs.
async fn do_publish(
    ctx: &Ctx,
    month: YearMonth,
    reason: Option<&str>,
) -> Result<crate::month::roster::Published, AppError> {
    let key = month.to_string();
    if jobs().running.contains_key(&key) {
        return Err(AppError::conflict(format!(
            "{key}: {}",
            ctx.text("roster_busy_since")
        )));
    }
    Ok(crate::month::roster::publish(ctx.app.cx(), &key, ctx.actor(), reason).await?)
}

async fn generate(p: Posted<areas::RosterEdit, Fields>) -> Result<Response, AppError> {
    let month = month_of(Some(p.body.get("month").unwrap_or_default()))?;
    let given = match p
        .body
        .get("time_limit")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => Some(
            s.parse::<f64>()
                .map_err(|_| AppError::bad_request("time_limit: seconds, at least 1"))?,
        ),
        None => None,
    };
    let limit = parse_limit(given)?;
    match start_generate(&p.ctx, month, limit).await {
        Ok(()) => Ok(Redirect::to(&format!("/roster?month={month}")).into_response()),
        Err(e) => Err(refused(&p.ctx, month, e).await),
    }
}

async fn cancel(p: Posted<areas::RosterEdit, Fields>) -> Result<Response, AppError> {
    let month = month_of(Some(p.body.get("month").unwrap_or_default()))?;
    do_cancel(&p.ctx, month).await?;
    Ok(Redirect::to(&format!("/roster?month={month}")).into_response())
}

async fn cell(p: Posted<areas::RosterEdit, Fields>) -> Result<Response, AppError> {
    let month = month_of(Some(p.body.get("month").unwrap_or_default()))?;
    let f = |k: &str| p.body.get(k).unwrap_or_default().to_string();
    let r = crate::month::roster::edit_cell(
        p.ctx.app.cx(),
        &month.to_string(),
        &f("employee"),
        &f("date"),
        &f("shift"),
        p.ctx.actor(),
    )
    .await;
    match r {
        Ok(v) => {
            let verdict = context! {
                what => &v.what, employee => &v.employee, date => &v.date,
                new => Value::from_serialize(v.new.iter().map(|x| violation_row(x, &p.ctx)).collect::<Vec<_>>()),
                resolved => v.resolved,
            };
            view(&p.ctx, month, context! { verdict => verdict }).await
        }
        Err(e) => Err(refused(&p.ctx, month, e.into()).await),
    }
}

async fn publish(p: Posted<areas::RosterEdit, Fields>) -> Result<Response, AppError> {
    let month = month_of(Some(p.body.get("month").unwrap_or_default()))?;
    let reason = p.body.get("override_reason").map(str::to_string);
    match do_publish(&p.ctx, month, reason.as_deref()).await {
        Ok(done) => {
            let msg = format!(
                "{month}: {} (v{})",
                p.ctx.text("roster_published_ok"),
                done.version
            );
            view(&p.ctx, month, context! { notice_ok => msg }).await
        }
        Err(e) => Err(refused(&p.ctx, month, e).await),
    }
}

// JSON twins: the same roles; the CSRF token comes in the `X-CSRF-Token` header (it is in
// `/api/me`).

#[derive(Deserialize)]
struct GenerateBody {
    month: String,
    #[serde(default)]
    time_limit: Option<f64>,
}

#[derive(Deserialize)]
struct CellBody {
    month: String,
    employee: String,
    date: String,
    /// A shift code, or `off`.
    shift: String,
}

#[derive(Deserialize)]
struct MonthBody {
    month: String,
}

#[derive(Deserialize)]
struct PublishBody {
    month: String,
    /// Publish although the roster breaks a rule, for this reason.
    #[serde(default, rename = "override")]
    override_reason: Option<String>,
}

async fn api_generate(
    p: Posted<areas::RosterEdit, JsonBody<GenerateBody>>,
) -> Result<Response, AppError> {
    let month = YearMonth::parse(&p.body.0.month)?;
    let limit = parse_limit(p.body.0.time_limit)?;
    start_generate(&p.ctx, month, limit).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(progress_json(&month.to_string(), &p.ctx.lang)),
    )
        .into_response())
}

async fn api_cancel(
    p: Posted<areas::RosterEdit, JsonBody<MonthBody>>,
) -> Result<Response, AppError> {
    let month = YearMonth::parse(&p.body.0.month)?;
    let marked = do_cancel(&p.ctx, month).await?;
    Ok(
        Json(serde_json::json!({ "month": month.to_string(), "cancelled": marked }))
            .into_response(),
    )
}

async fn api_cell(p: Posted<areas::RosterEdit, JsonBody<CellBody>>) -> Result<Response, AppError> {
    let b = &p.body.0;
    let month = YearMonth::parse(&b.month)?;
    let v = crate::month::roster::edit_cell(
        p.ctx.app.cx(),
        &month.to_string(),
        &b.employee,
        &b.date,
        &b.shift,
        p.ctx.actor(),
    )
    .await?;
    Ok(Json(v).into_response())
}

async fn api_publish(
    p: Posted<areas::RosterEdit, JsonBody<PublishBody>>,
) -> Result<Response, AppError> {
    let month = YearMonth::parse(&p.body.0.month)?;
    let done = do_publish(&p.ctx, month, p.body.0.override_reason.as_deref()).await?;
    Ok(Json(serde_json::json!({
        "month": month.to_string(), "published": true, "version": done.version,
        "history": done.history, "violations": done.verdict,
    }))
    .into_response())
}

async fn download(s: Signed<areas::RosterView>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let month = month_of(s.query.get("month").map(String::as_str))?;
    let Some(stored) = crate::month::roster::current(ctx.app.cx(), &month.to_string()).await?
    else {
        return Err(AppError::not_found(format!("no roster for {month}")));
    };
    let verdict = stored.meta.verdict.clone();
    let doc = stored.doc;
    let bytes = tokio::task::spawn_blocking(move || {
        crate::excel::roster_xlsx::write_checked(&doc, verdict.as_deref())
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    ctx.app
        .store
        .audit(
            ctx.actor(),
            "roster.download",
            &month.to_string(),
            None,
            None,
        )
        .await?;
    Ok(xlsx_attachment(
        bytes,
        &format!("排班表-{month}-v{}.xlsx", stored.meta.version),
    ))
}

#[cfg(test)]
mod tests {

    /// Every rule the validator can name (`scheduler/src/validate.rs`, read here as text) has
    /// a name in both languages, so no page shows a bare code.
    #[test]
    fn every_validator_rule_has_a_name_in_both_languages() {
        let source = include_str!("../../../../scheduler/src/validate.rs");
        let mut codes = std::collections::BTreeSet::new();
        for line in source.lines() {
            let t = line.trim();
            let quoted = t
                .strip_prefix("out.push(\"")
                .or_else(|| t.strip_prefix("push(\""))
                .or_else(|| (t.starts_with('"') && t.ends_with("\",")).then(|| &t[1..]));
            if let Some(rest) = quoted {
                let code: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if rest[code.len()..].starts_with('"') && code.contains('_')
                    || code == "cover"
                    || code == "leave"
                {
                    codes.insert(code);
                }
            }
        }
        assert!(codes.len() >= 20, "{codes:?}");
        let texts = crate::web::texts().unwrap();
        for lang in ["zh", "en"] {
            for code in &codes {
                assert!(
                    texts[lang].contains_key(&format!("rule_{code}")),
                    "no {lang} name for rule {code}"
                );
            }
        }
    }

    use super::*;

    /// Rows of a real HiGHS 1.x log (a 12 s March solve): the last table row counts; the
    /// header and the solving report are not rows.
    #[test]
    fn progress_from_the_highs_log() {
        let log = "\
Src  Proc. InQueue |  Leaves   Expl. | BestBound       BestSol              Gap |   Cuts   InLp Confl. | LpIters     Time

 J       0       0         0   0.00%   -inf            435.3              Large        0      0      0         0     1.4s
         0       0         0   0.00%   -3870           435.3            989.04%        0      0      5     16900    12.0s

Solving report
  Status            Time limit reached
";
        let p = solver_progress(log).unwrap();
        assert_eq!(p.best_bound, Some(-3870.0));
        assert_eq!(p.best_solution, Some(435.3));
        assert_eq!(p.gap_percent, Some(989.04));
        assert_eq!(p.solver_seconds, Some(12.0));
        let first = log.lines().take(3).collect::<Vec<_>>().join("\n");
        let p = solver_progress(&first).unwrap();
        assert_eq!(
            (p.best_bound, p.best_solution, p.gap_percent),
            (None, Some(435.3), None)
        );
        assert_eq!(
            solver_progress("Running HiGHS 1.11.0\nSolving MIP model with:\n"),
            None
        );
        // After HiGHS's share the neighbourhood search's lines follow its report; the last
        // one counts.
        let lns = format!(
            "{log}LNS round 0: best 760.40 bound 310.50 gap 59.17% 24.3s\n\
             LNS round 7: best 742.20 bound 310.50 gap 58.16% 35.2s\n"
        );
        let p = solver_progress(&lns).unwrap();
        assert_eq!(
            p,
            SolverProgress {
                best_bound: Some(310.5),
                best_solution: Some(742.2),
                gap_percent: Some(58.16),
                solver_seconds: Some(35.2),
            }
        );
    }

    #[test]
    fn shift_classes_and_limits() {
        assert_eq!(shift_class("A"), "sA");
        assert_eq!(shift_class("S07"), "sX");
        assert!((parse_limit(None).unwrap() - 60.0).abs() < 1e-9);
        assert!((parse_limit(Some(500.0)).unwrap() - 120.0).abs() < 1e-9);
        assert!(parse_limit(Some(0.0)).is_err());
    }
}
