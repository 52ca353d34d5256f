//! The roster pages: generate a month in the background (progress, cancel), the colour grid,
//! edit a cell and see the independent validator's verdict at once, publish (locks the month),
//! download the workbook. Stored rosters live in `roster_month` (migration 0004); a published
//! month is refused here and, should code forget, by the table's triggers.

// Handlers return `Result<Response, Response>` (see `super`).
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{Datelike as _, NaiveDate};
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use super::{check_csrf, guard, guard_form, internal, App, Area, Ctx, Page};
use scheduler::{Assignment, DayKind, RosterFile, SolveStatus, Violation};

/// Templates of this part, registered with the others.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[(
    "roster.html",
    include_str!("../../../templates/html/roster.html"),
)];

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

/// The roster of a month and whether it is published: the stored one, else
/// `roster-YYYY-MM.json` in the rosters folder (not published). Other pages (payroll,
/// exports, compliance) take their roster from here.
///
/// # Errors
/// A file or database error.
#[allow(dead_code)] // used by the payroll pages being written
pub(crate) async fn roster_doc(
    app: &App,
    month: &str,
) -> anyhow::Result<Option<(scheduler::RosterFile, bool)>> {
    if let Some(s) = app.store.roster_stored(month).await? {
        return Ok(Some((s.doc, s.published)));
    }
    let path = app.config.rosters.join(format!("roster-{month}.json"));
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some((crate::roster_cli::read_roster(&path)?, false)))
}

// ---------------------------------------------------------------------------------------------
// Storage.

/// A month's stored roster.
pub(crate) struct StoredRoster {
    pub(crate) doc: RosterFile,
    pub(crate) published: bool,
    pub(crate) updated_by: String,
    pub(crate) updated_at: String,
    pub(crate) published_by: Option<String>,
    pub(crate) published_at: Option<String>,
}

impl crate::store::Store {
    /// The stored roster of a month.
    ///
    /// # Errors
    /// A database or JSON error.
    pub(crate) async fn roster_stored(&self, month: &str) -> anyhow::Result<Option<StoredRoster>> {
        let Some(r) = sqlx::query(
            "SELECT status, doc, updated_by, updated_at, published_by, published_at FROM roster_month WHERE month = $1",
        )
        .bind(month)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let status: String = r.try_get("status")?;
        let doc: String = r.try_get("doc")?;
        Ok(Some(StoredRoster {
            doc: serde_json::from_str(&doc)?,
            published: status == "published",
            updated_by: r.try_get("updated_by")?,
            updated_at: r.try_get("updated_at")?,
            published_by: r.try_get("published_by")?,
            published_at: r.try_get("published_at")?,
        }))
    }

    /// Stored months with their status.
    ///
    /// # Errors
    /// A database error.
    pub(crate) async fn roster_months_stored(&self) -> anyhow::Result<Vec<(String, String)>> {
        sqlx::query("SELECT month, status FROM roster_month ORDER BY month")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("month")?, r.try_get("status")?)))
            .collect()
    }

    /// Stores `doc` as the month's draft, audited in the same transaction. A published month
    /// is refused (the trigger raises).
    ///
    /// # Errors
    /// A database error, or the month being published.
    pub(crate) async fn roster_save_draft(
        &self,
        doc: &RosterFile,
        actor: &str,
        action: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> anyhow::Result<()> {
        let month = &doc.problem.month;
        let json = serde_json::to_string(doc)?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO roster_month (month, status, doc, updated_by, updated_at) VALUES ($1, 'draft', $2, $3, $4) \
             ON CONFLICT(month) DO UPDATE SET doc = excluded.doc, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(month)
        .bind(&json)
        .bind(actor)
        .bind(crate::store::now())
        .execute(&mut *tx)
        .await?;
        crate::accounts::audit_tx(&mut tx, actor, action, month, before, after).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a stored draft (locks the month), audited. Returns false when there is no
    /// draft to publish.
    ///
    /// # Errors
    /// A database error, or the month being published already.
    pub(crate) async fn roster_publish(&self, month: &str, actor: &str) -> anyhow::Result<bool> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE roster_month SET status = 'published', published_by = $1, published_at = $2 WHERE month = $3 AND status = 'draft'",
        )
        .bind(actor)
        .bind(crate::store::now())
        .bind(month)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        crate::accounts::audit_tx(
            &mut tx,
            actor,
            "roster.publish",
            month,
            Some("draft"),
            Some("published"),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
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
    started: Instant,
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

/// Reads the progress from the tail of a HiGHS log. A table row ends with
/// `BestBound BestSol Gap Cuts InLp Confl. LpIters Time`, e.g.
/// ` J  0  0  0  0.00%  -inf  435.3  Large  0  0  0  0  1.4s` — so it is read from the right.
pub(crate) fn solver_progress(log: &str) -> Option<SolverProgress> {
    let number = |t: &str| t.parse::<f64>().ok().filter(|x| x.is_finite());
    log.lines().rev().find_map(|line| {
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
    summary: String,
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
    chrono::Local::now().format("%H:%M").to_string()
}

fn summary_of(doc: &RosterFile) -> String {
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

/// Runs the solve off the async runtime and stores the draft unless cancelled meanwhile.
async fn run_job(app: Arc<App>, month: String, id: u64, by: String, limit: f64) {
    let mut args = crate::roster_cli::SolveArgs::quiet_month(&month, &app.site.path(), limit);
    let (log, stop) = jobs()
        .running
        .get(&month)
        .map(|j| (j.log.clone(), j.stop.clone()))
        .unzip();
    args.solver_log.clone_from(&log);
    args.cancel = stop;
    let data_dir = app.config.data_dir.clone();
    let solved = tokio::task::spawn_blocking(move || crate::roster_cli::solve(&args, &data_dir))
        .await
        .map_err(|e| anyhow::anyhow!("solver task: {e}"))
        .and_then(|r| r);
    // The job stays "running" until its outcome is recorded (below, under the same lock), so
    // a progress request in between never finds neither.
    let cancelled = jobs()
        .running
        .get(&month)
        .is_none_or(|job| job.cancelled() || job.id != id);
    let outcome = if cancelled {
        Outcome {
            status: "cancelled".into(),
            summary: "cancelled: the result was discarded".into(),
            finished_at: clock(),
        }
    } else {
        match solved {
            Ok(doc) => {
                let summary = summary_of(&doc);
                match app
                    .store
                    .roster_save_draft(&doc, &by, "roster.generate", None, Some(&summary))
                    .await
                {
                    Ok(()) => Outcome {
                        status: "done".into(),
                        summary,
                        finished_at: clock(),
                    },
                    Err(e) => Outcome {
                        status: "failed".into(),
                        summary: format!("not stored: {e:#}"),
                        finished_at: clock(),
                    },
                }
            }
            Err(e) => Outcome {
                status: "failed".into(),
                summary: format!("{e:#}"),
                finished_at: clock(),
            },
        }
    };
    {
        let mut j = jobs();
        if j.running.get(&month).is_some_and(|job| job.id == id) {
            j.running.remove(&month);
        }
        j.last.insert(month, outcome);
    }
    if let Some(log) = log {
        let _ = std::fs::remove_file(log);
    }
}

fn progress_json(month: &str) -> serde_json::Value {
    let j = jobs();
    match j.running.get(month) {
        Some(job) => {
            let elapsed = job.started.elapsed().as_secs_f64();
            let solver = tail(&job.log).and_then(|t| solver_progress(&t));
            serde_json::json!({
                "best_so_far": solver.as_ref().and_then(|p| p.best_solution),
                "best_bound": solver.as_ref().and_then(|p| p.best_bound),
                "gap_percent": solver.as_ref().and_then(|p| p.gap_percent),
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
                "result": last.map(|o| o.summary.clone()),
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

// ---------------------------------------------------------------------------------------------
// Helpers.

fn bad_request(msg: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, msg.into()).into_response()
}

fn month_of(given: Option<&String>) -> Result<String, Response> {
    let m = given.cloned().unwrap_or_else(super::current_month);
    crate::data::parse_month(&m).map_err(|e| bad_request(e.to_string()))?;
    Ok(m)
}

fn text(ctx: &Ctx<'_>, key: &str) -> String {
    ctx.app.texts[&ctx.lang]
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

fn with_status(mut r: Response, s: StatusCode) -> Response {
    *r.status_mut() = s;
    r
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
struct ViolationRow {
    rule: String,
    employee: String,
    date: String,
    detail: String,
}

fn violation_row(v: &Violation) -> ViolationRow {
    ViolationRow {
        rule: v.rule.clone(),
        employee: v.employee.clone().unwrap_or_default(),
        date: v.date.map(|d| d.to_string()).unwrap_or_default(),
        detail: v.detail.clone(),
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
            cause: s.cause.clone(),
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
        summary => summary_of(doc),
        standard_hours => p.standard_minutes / 60,
    }
}

/// The roster page of a month, with `extra` (notices, a verdict).
async fn view(ctx: &Ctx<'_>, month: &str, extra: Value) -> Page {
    let app = ctx.app;
    let mut months: BTreeMap<String, String> = super::roster_months(app)
        .into_iter()
        .map(|m| (m, "file".to_string()))
        .collect();
    for (m, s) in app.store.roster_months_stored().await.map_err(internal)? {
        months.insert(m, s);
    }
    months
        .entry(month.to_string())
        .or_insert_with(|| "none".into());
    let months: Vec<HashMap<&str, String>> = months
        .into_iter()
        .map(|(m, s)| HashMap::from([("month", m), ("status", s)]))
        .collect();
    let stored = app.store.roster_stored(month).await.map_err(internal)?;
    let (doc, status, meta) = match stored {
        Some(s) => {
            let meta = context! {
                updated_by => s.updated_by, updated_at => s.updated_at,
                published_by => s.published_by, published_at => s.published_at,
            };
            let st = if s.published { "published" } else { "draft" };
            (Some(s.doc), st, meta)
        }
        None => {
            let path = app.config.rosters.join(format!("roster-{month}.json"));
            if path.exists() {
                let doc = crate::roster_cli::read_roster(&path).map_err(internal)?;
                (Some(doc), "file", context! {})
            } else {
                (None, "none", context! {})
            }
        }
    };
    let violations: Vec<ViolationRow> = doc
        .as_ref()
        .map(|d| scheduler::validate(&d.problem, &d.roster))
        .unwrap_or_default()
        .iter()
        .map(violation_row)
        .collect();
    let people: Vec<HashMap<&str, String>> = doc
        .as_ref()
        .map(|d| {
            d.problem
                .employees
                .iter()
                .map(|e| HashMap::from([("id", e.id.clone()), ("name", e.name.clone())]))
                .collect()
        })
        .unwrap_or_default();
    let g = doc.as_ref().map(|d| grid(d, &ctx.lang));
    let running = jobs().running.contains_key(month);
    let progress = progress_json(month);
    let title = text(ctx, "roster_title");
    Ok(ctx.render(
        "roster.html",
        "roster",
        &title,
        context! {
            month => month,
            months => months,
            status => status,
            meta => meta,
            grid => g,
            people => people,
            violations => Value::from_serialize(&violations),
            running => running,
            can_edit => super::allowed(ctx.session.user.role, Area::RosterEdit),
            default_limit => DEFAULT_LIMIT,
            progress_pct => progress_pct(&progress),
            progress => Value::from_serialize(progress),
            ..extra
        },
    ))
}

/// The page with a notice and a status code (409 and the like).
async fn refuse(ctx: &Ctx<'_>, month: &str, status: StatusCode, message: String) -> Page {
    let r = view(ctx, month, context! { notice_bad => message }).await?;
    Err(with_status(r, status))
}

// ---------------------------------------------------------------------------------------------
// Handlers.

async fn page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::RosterView).await?;
    let month = month_of(q.get("month"))?;
    view(&ctx, &month, context! {}).await
}

async fn api_get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let _ctx = guard(&app, &headers, &q, Area::RosterView).await?;
    let month = month_of(q.get("month"))?;
    match roster_doc(&app, &month).await.map_err(internal)? {
        Some((doc, published)) => {
            let violations = scheduler::validate(&doc.problem, &doc.roster);
            Ok(Json(serde_json::json!({
                "month": month,
                "published": published,
                "roster": doc,
                "violations": violations,
            }))
            .into_response())
        }
        None => Err((
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({"error": format!("no roster for {month}")})),
        )
            .into_response()),
    }
}

async fn progress(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let _ctx = guard(&app, &headers, &q, Area::RosterView).await?;
    let month = month_of(q.get("month"))?;
    Ok(Json(progress_json(&month)).into_response())
}

/// Why an edit is refused: status and message.
type Refusal = (StatusCode, String);

fn refusal_500(e: impl std::fmt::Display) -> Refusal {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// The page refusing (a 400 as plain text, the rest as the page with a notice).
async fn refused_page(ctx: &Ctx<'_>, month: &str, (status, msg): Refusal) -> Page {
    if status == StatusCode::BAD_REQUEST || status == StatusCode::INTERNAL_SERVER_ERROR {
        return Err((status, msg).into_response());
    }
    refuse(ctx, month, status, msg).await
}

fn refused_json((status, msg): Refusal) -> Response {
    (status, Json(serde_json::json!({ "error": msg }))).into_response()
}

fn parse_limit(given: Option<f64>) -> Result<f64, Refusal> {
    match given {
        Some(v) if v.is_finite() && v >= 1.0 => Ok(v.min(f64::from(MAX_LIMIT))),
        Some(_) => Err((
            StatusCode::BAD_REQUEST,
            "time_limit: seconds, at least 1".into(),
        )),
        None => Ok(f64::from(DEFAULT_LIMIT)),
    }
}

/// Starts the background solve of a month, unless it is published or being solved.
async fn start_generate(
    app: &Arc<App>,
    ctx: &Ctx<'_>,
    month: &str,
    limit: f64,
) -> Result<(), Refusal> {
    if let Some(s) = app.store.roster_stored(month).await.map_err(refusal_500)? {
        if s.published {
            return Err((
                StatusCode::CONFLICT,
                format!("{month}: {}", text(ctx, "roster_locked")),
            ));
        }
    }
    let by = ctx.session.user.username.clone();
    let started = {
        let mut j = jobs();
        if let Some(job) = j.running.get(month) {
            Err(format!("{} ({})", job.started_at, job.by))
        } else {
            j.next += 1;
            let id = j.next;
            j.running.insert(
                month.to_string(),
                Job {
                    id,
                    by: by.clone(),
                    started: Instant::now(),
                    started_at: clock(),
                    limit_s: limit,
                    stop: Arc::default(),
                    log: std::env::temp_dir().join(format!(
                        "hotline-workforce-highs-{}-{month}-{id}.log",
                        std::process::id()
                    )),
                },
            );
            j.last.remove(month);
            Ok(id)
        }
    };
    let id = started.map_err(|since| {
        (
            StatusCode::CONFLICT,
            format!("{month}: {} {since}", text(ctx, "roster_busy_since")),
        )
    })?;
    tokio::spawn(run_job(app.clone(), month.to_string(), id, by, limit));
    Ok(())
}

/// Marks a running solve cancelled; true when there was one.
async fn do_cancel(ctx: &Ctx<'_>, month: &str) -> Result<bool, Refusal> {
    // The job is marked and its flag raised: HiGHS stops at its next interrupt point, and
    // `run_job` discards what it returns.
    let marked = jobs()
        .running
        .get(month)
        .map(|j| j.stop.store(true, std::sync::atomic::Ordering::Relaxed))
        .is_some();
    if marked {
        ctx.app
            .store
            .audit(
                &ctx.session.user.username,
                "roster.cancel",
                month,
                None,
                None,
            )
            .await
            .map_err(refusal_500)?;
    }
    Ok(marked)
}

/// What a cell edit did, as the validator sees it.
#[derive(Serialize)]
struct CellVerdict {
    what: String,
    employee: String,
    date: String,
    /// Violations the edit introduced (by rule name).
    new: Vec<ViolationRow>,
    /// Violations the edit removed.
    resolved: usize,
}

/// Sets one person's shift on one date of the month's draft (or `off`), validates the whole
/// roster independently of the solver, stores the draft (audited) and returns the verdict.
async fn apply_cell(
    ctx: &Ctx<'_>,
    month: &str,
    employee: &str,
    date: &str,
    shift: &str,
) -> Result<CellVerdict, Refusal> {
    let app = ctx.app;
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let date =
        NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad("date: YYYY-MM-DD".into()))?;
    let Some((mut doc, published)) = roster_doc(app, month).await.map_err(refusal_500)? else {
        return Err((
            StatusCode::NOT_FOUND,
            format!("{month}: {}", text(ctx, "roster_none")),
        ));
    };
    if published {
        return Err((
            StatusCode::CONFLICT,
            format!("{month}: {}", text(ctx, "roster_locked")),
        ));
    }
    let p = &doc.problem;
    let Some(emp) = p.employees.iter().find(|e| e.id == employee) else {
        return Err(bad(format!("unknown employee {employee}")));
    };
    if !p.days.iter().any(|d| d.date == date) {
        return Err(bad(format!("{date} is not in {month}")));
    }
    let off = shift.is_empty() || shift == "off";
    if !off && !p.shifts.iter().any(|s| s.code == shift) {
        return Err(bad(format!("unknown shift {shift}")));
    }
    let before_v: BTreeSet<Violation> = scheduler::validate(&doc.problem, &doc.roster)
        .into_iter()
        .collect();
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
    let after_all = scheduler::validate(&doc.problem, &doc.roster);
    let new: Vec<ViolationRow> = after_all
        .iter()
        .filter(|v| !before_v.contains(*v))
        .map(violation_row)
        .collect();
    let resolved = before_v.iter().filter(|v| !after_all.contains(v)).count();
    let after_text = if off { "off" } else { shift };
    let target_note = format!("{employee} {date}");
    let new_rules = if new.is_empty() {
        "none".to_string()
    } else {
        new.iter()
            .map(|v| v.rule.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    app.store
        .roster_save_draft(
            &doc,
            &ctx.session.user.username,
            "roster.cell",
            Some(&format!("{target_note} {before_text}")),
            Some(&format!(
                "{target_note} {after_text}; new violations: {new_rules}"
            )),
        )
        .await
        .map_err(refusal_500)?;
    Ok(CellVerdict {
        what: format!("{employee} {emp_name} · {date} · {before_text} → {after_text}"),
        employee: employee.to_string(),
        date: date.to_string(),
        new,
        resolved,
    })
}

/// Publishes (locks) a month: the stored draft, or the roster file stored first.
async fn do_publish(ctx: &Ctx<'_>, month: &str) -> Result<(), Refusal> {
    let app = ctx.app;
    let locked = || {
        (
            StatusCode::CONFLICT,
            format!("{month}: {}", text(ctx, "roster_locked")),
        )
    };
    if jobs().running.contains_key(month) {
        return Err((
            StatusCode::CONFLICT,
            format!("{month}: {}", text(ctx, "roster_busy_since")),
        ));
    }
    let user = ctx.session.user.username.clone();
    match app.store.roster_stored(month).await.map_err(refusal_500)? {
        Some(s) if s.published => return Err(locked()),
        Some(_) => {}
        None => {
            // A roster file only: store it first, then publish it.
            let Some((doc, _)) = roster_doc(app, month).await.map_err(refusal_500)? else {
                return Err((
                    StatusCode::NOT_FOUND,
                    format!("{month}: {}", text(ctx, "roster_none")),
                ));
            };
            app.store
                .roster_save_draft(
                    &doc,
                    &user,
                    "roster.import",
                    None,
                    Some("from the rosters folder"),
                )
                .await
                .map_err(refusal_500)?;
        }
    }
    if app
        .store
        .roster_publish(month, &user)
        .await
        .map_err(refusal_500)?
    {
        Ok(())
    } else {
        Err(locked())
    }
}

async fn generate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::RosterEdit).await?;
    let month = month_of(form.get("month"))?;
    let given = match form
        .get("time_limit")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(s) => Some(
            s.parse::<f64>()
                .map_err(|_| bad_request("time_limit: seconds, at least 1"))?,
        ),
        None => None,
    };
    let limit = parse_limit(given).map_err(|(s, m)| (s, m).into_response())?;
    match start_generate(&app, &ctx, &month, limit).await {
        Ok(()) => Ok(Redirect::to(&format!("/roster?month={month}")).into_response()),
        Err(r) => refused_page(&ctx, &month, r).await,
    }
}

async fn cancel(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::RosterEdit).await?;
    let month = month_of(form.get("month"))?;
    do_cancel(&ctx, &month)
        .await
        .map_err(|(s, m)| (s, m).into_response())?;
    Ok(Redirect::to(&format!("/roster?month={month}")).into_response())
}

async fn cell(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::RosterEdit).await?;
    let month = month_of(form.get("month"))?;
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    match apply_cell(
        &ctx,
        &month,
        &field("employee"),
        &field("date"),
        &field("shift"),
    )
    .await
    {
        Ok(v) => {
            view(
                &ctx,
                &month,
                context! { verdict => Value::from_serialize(&v) },
            )
            .await
        }
        Err(r) => refused_page(&ctx, &month, r).await,
    }
}

async fn publish(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::RosterEdit).await?;
    let month = month_of(form.get("month"))?;
    match do_publish(&ctx, &month).await {
        Ok(()) => {
            let msg = format!("{month}: {}", text(&ctx, "roster_published_ok"));
            view(&ctx, &month, context! { notice_ok => msg }).await
        }
        Err(r) => refused_page(&ctx, &month, r).await,
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

/// The signed-in roster editor (CSRF checked) and the JSON body, read only after the rights
/// are checked: a refused role gets 403 whatever it sent.
async fn api_edit_ctx<'a, T: serde::de::DeserializeOwned>(
    app: &'a App,
    headers: &HeaderMap,
    body: &[u8],
    month_of: impl FnOnce(&T) -> &str,
) -> Result<(Ctx<'a>, String, T), Response> {
    let ctx = guard(app, headers, &HashMap::new(), Area::RosterEdit).await?;
    let token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    check_csrf(&ctx, token.as_ref())?;
    let body: T = serde_json::from_slice(body)
        .map_err(|e| refused_json((StatusCode::BAD_REQUEST, format!("body: {e}"))))?;
    let month = month_of(&body).to_string();
    crate::data::parse_month(&month)
        .map_err(|e| refused_json((StatusCode::BAD_REQUEST, e.to_string())))?;
    Ok((ctx, month, body))
}

async fn api_generate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Page {
    let (ctx, month, body) =
        api_edit_ctx::<GenerateBody>(&app, &headers, &body, |b| &b.month).await?;
    let limit = parse_limit(body.time_limit).map_err(refused_json)?;
    start_generate(&app, &ctx, &month, limit)
        .await
        .map_err(refused_json)?;
    Ok((StatusCode::ACCEPTED, Json(progress_json(&month))).into_response())
}

async fn api_cancel(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Page {
    let (ctx, month, _) = api_edit_ctx::<MonthBody>(&app, &headers, &body, |b| &b.month).await?;
    let marked = do_cancel(&ctx, &month).await.map_err(refused_json)?;
    Ok(Json(serde_json::json!({ "month": month, "cancelled": marked })).into_response())
}

async fn api_cell(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Page {
    let (ctx, month, body) = api_edit_ctx::<CellBody>(&app, &headers, &body, |b| &b.month).await?;
    let v = apply_cell(&ctx, &month, &body.employee, &body.date, &body.shift)
        .await
        .map_err(refused_json)?;
    Ok(Json(v).into_response())
}

async fn api_publish(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Page {
    let (ctx, month, _) = api_edit_ctx::<MonthBody>(&app, &headers, &body, |b| &b.month).await?;
    do_publish(&ctx, &month).await.map_err(refused_json)?;
    Ok(Json(serde_json::json!({ "month": month, "published": true })).into_response())
}

async fn download(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::RosterView).await?;
    let month = month_of(q.get("month"))?;
    let Some((doc, _)) = roster_doc(&app, &month).await.map_err(internal)? else {
        return Err((StatusCode::NOT_FOUND, format!("no roster for {month}")).into_response());
    };
    let bytes = tokio::task::spawn_blocking(move || crate::excel::roster_xlsx::write(&doc))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    app.store
        .audit(
            &ctx.session.user.username,
            "roster.download",
            &month,
            None,
            None,
        )
        .await
        .map_err(internal)?;
    Ok(super::xlsx_attachment(
        bytes,
        &format!("排班表-{month}.xlsx"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn tiny_doc() -> RosterFile {
        let cal = scheduler::Calendar::from_toml_strs(["year = 2026\nstatutory = []\n"]).unwrap();
        let site = scheduler::Site::from_toml_strs(
            r#"
            name = "tiny"
            shifts = [{ code = "A", name = "早班", start = "08:00", end = "16:00", paid_minutes = 480 }]
            cover = [{ shift = "A", role = "agent", min = 1 }]
            [rules]
            min_rest_minutes = 720
            max_consecutive_days = 6
            overtime_cap_minutes = 2160
            under_standard_minutes = 480
            leave_day_minutes = 480
            [[employees]]
            id = "E1"
            name = "甲"
            roles = ["agent"]
            reserve = true
            "#,
            None,
        )
        .unwrap();
        let problem = scheduler::Problem::new(&site, &cal, 2026, 3, vec![], vec![]).unwrap();
        RosterFile {
            problem,
            roster: scheduler::Roster {
                status: SolveStatus::Unsolved,
                assignments: vec![],
                standby: vec![],
                shortfalls: vec![],
                stats: scheduler::SolveStats::default(),
            },
        }
    }

    /// A published month is locked: refused by the store's publish, and by the triggers for
    /// any update or delete whatever the code does.
    #[tokio::test]
    async fn published_months_are_locked_in_the_database() {
        for store in crate::store::test_stores().await {
            locked_on(&store).await;
        }
    }

    async fn locked_on(store: &Store) {
        let doc = tiny_doc();
        store
            .roster_save_draft(&doc, "ops", "roster.generate", None, None)
            .await
            .unwrap();
        store
            .roster_save_draft(&doc, "ops", "roster.cell", Some("a"), Some("b"))
            .await
            .unwrap();
        let s = store.roster_stored("2026-03").await.unwrap().unwrap();
        assert!(!s.published);
        assert_eq!(s.doc, doc);
        assert!(store.roster_publish("2026-03", "ops").await.unwrap());
        assert!(!store.roster_publish("2026-03", "ops").await.unwrap());
        let s = store.roster_stored("2026-03").await.unwrap().unwrap();
        assert!(s.published && s.published_by.as_deref() == Some("ops"));
        assert!(store
            .roster_save_draft(&doc, "ops", "roster.cell", None, None)
            .await
            .is_err());
        assert!(sqlx::query("UPDATE roster_month SET status = 'draft'")
            .execute(&store.pool)
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM roster_month")
            .execute(&store.pool)
            .await
            .is_err());
        let months = store.roster_months_stored().await.unwrap();
        assert_eq!(
            months,
            vec![("2026-03".to_string(), "published".to_string())]
        );
        let audit = store.audit_log(10).await.unwrap();
        let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["roster.publish", "roster.cell", "roster.generate"]
        );
    }

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
