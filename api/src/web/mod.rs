//! The web app (`workforce serve`): axum, server-rendered pages (minijinja templates embedded
//! from `templates/html/`, Chinese by default, English by `?lang=en`), sessions and roles from
//! [`crate::accounts`], storage in [`crate::store::Store`].
//!
//! First slice of the web app (issue 6): log-in and log-out, the overview, attendance upload →
//! preview with every problem located → confirm (one transaction), the payroll and purchaser
//! exports as downloads, the audit log, and `/api/me`. Every route's roles are in one table,
//! [`allowed`], which the authorisation test walks for every role. Forms carry the session's
//! CSRF token; the session cookie is HttpOnly and SameSite=Strict; failed log-ins are slowed.
//! Payroll computations run off the async runtime (`spawn_blocking`).

// Handlers return `Result<Response, Response>`: the refusal is a ready response (redirect,
// 403 page), built once per request, so its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::extract::{DefaultBodyLimit, Multipart, Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use minijinja::{context, Environment, Value};
use serde::Serialize;

use crate::accounts::{LoginThrottle, Role, Session};

/// Differences between roster and attendance, for HR to confirm.
pub mod differences;
/// The JSON API's OpenAPI document.
pub mod openapi;
/// Payroll runs (draft, review, approve) and the compliance page.
pub mod payroll;
/// The roster pages (generate, grid, edit with the validator's verdict, publish).
pub mod roster;
/// The staff list in the database and the site folder written from it.
pub mod site;
/// Staff: hiring criteria and the replacement tracker.
pub mod staff;
/// Staff changes: add, edit, deactivate, import.
pub mod staff_edit;
use crate::excel::attendance::Parsed;
use crate::store::Store;

/// Largest upload accepted (bytes).
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

const COOKIE: &str = "hw_session";
const LANG_COOKIE: &str = "hw_lang";

/// What a route is, for the authorisation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The overview.
    Home,
    /// Attendance upload, preview, confirm.
    Attendance,
    /// The exports page.
    ExportsPage,
    /// A payroll export with personal fields (register, payslips, ledger, tax, bank).
    PayrollExport,
    /// The purchaser's compliance workbook.
    ComplianceExport,
    /// The audit log.
    Audit,
    /// Who am I.
    Me,
    /// Rosters: view the grid and download the workbook.
    RosterView,
    /// Rosters: generate, edit a cell, publish.
    RosterEdit,
    /// Payroll runs: run a draft, review, payslips.
    Payroll,
    /// Payroll runs: approve (then immutable).
    PayrollApprove,
    /// The purchaser's compliance page (costs, headcount, coverage; no personal fields).
    Compliance,
    /// Staff list with the hiring criteria (ID numbers masked unless HR or admin).
    Staff,
    /// Replacement requests: record and close.
    StaffEdit,
}

/// The one table of rights: which roles may use an area.
pub fn allowed(role: Role, area: Area) -> bool {
    use Role::{Admin, Auditor, Hr, OpsManager};
    match area {
        Area::Home | Area::Me => true,
        Area::Attendance | Area::PayrollExport => matches!(role, Admin | Hr),
        Area::ExportsPage | Area::ComplianceExport => matches!(role, Admin | Hr | Auditor),
        Area::Audit => matches!(role, Admin | Auditor),
        Area::RosterView => matches!(role, Admin | OpsManager | Hr | Auditor),
        Area::RosterEdit => matches!(role, Admin | OpsManager),
        Area::Payroll | Area::PayrollApprove => matches!(role, Admin | Hr),
        Area::Compliance => matches!(role, Admin | Hr | Auditor),
        Area::Staff => matches!(role, Admin | Hr | OpsManager),
        Area::StaffEdit => matches!(role, Admin | Hr),
    }
}

/// Where the app finds things.
#[derive(Debug, Clone)]
pub struct Config {
    /// Data folder.
    pub data_dir: PathBuf,
    /// Site folder.
    pub site: PathBuf,
    /// Folder with `roster-YYYY-MM.json`.
    pub rosters: PathBuf,
    /// Database URL.
    pub db_url: String,
}

struct Pending {
    user: i64,
    month: String,
    file_name: String,
    parsed: Parsed,
    at: Instant,
}

/// Shared state.
pub struct App {
    pub(crate) store: Store,
    pub(crate) config: Config,
    env: Environment<'static>,
    pub(crate) texts: HashMap<String, HashMap<String, String>>,
    throttle: LoginThrottle,
    pending: Mutex<HashMap<String, Pending>>,
    /// The site folder the app reads (written from the stored staff list).
    pub(crate) site: site::SiteFolder,
}

fn templates() -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    for (name, text) in [
        (
            "base.html",
            include_str!("../../../templates/html/base.html"),
        ),
        (
            "login.html",
            include_str!("../../../templates/html/login.html"),
        ),
        (
            "home.html",
            include_str!("../../../templates/html/home.html"),
        ),
        (
            "attendance.html",
            include_str!("../../../templates/html/attendance.html"),
        ),
        (
            "exports.html",
            include_str!("../../../templates/html/exports.html"),
        ),
        (
            "audit.html",
            include_str!("../../../templates/html/audit.html"),
        ),
        (
            "error.html",
            include_str!("../../../templates/html/error.html"),
        ),
    ]
    .into_iter()
    .chain(roster::TEMPLATES.iter().copied())
    .chain(payroll::TEMPLATES.iter().copied())
    .chain(staff::TEMPLATES.iter().copied())
    {
        env.add_template(name, text)
            .with_context(|| format!("template {name}"))?;
    }
    Ok(env)
}

/// The page texts of `templates/html/i18n.toml`, by language.
///
/// # Errors
/// A TOML error, or the languages not having the same keys.
pub fn texts() -> anyhow::Result<HashMap<String, HashMap<String, String>>> {
    let mut all: HashMap<String, HashMap<String, String>> = HashMap::new();
    for (file, text) in [
        (
            "i18n.toml",
            include_str!("../../../templates/html/i18n.toml"),
        ),
        (
            "i18n-roster.toml",
            include_str!("../../../templates/html/i18n-roster.toml"),
        ),
        (
            "i18n-payroll.toml",
            include_str!("../../../templates/html/i18n-payroll.toml"),
        ),
        (
            "i18n-staff.toml",
            include_str!("../../../templates/html/i18n-staff.toml"),
        ),
    ] {
        let t: HashMap<String, HashMap<String, String>> =
            toml::from_str(text).with_context(|| format!("templates/html/{file}"))?;
        for (lang, map) in t {
            let into = all.entry(lang).or_default();
            for (k, v) in map {
                anyhow::ensure!(
                    into.insert(k.clone(), v).is_none(),
                    "templates/html/{file}: key `{k}` repeats a key of another file"
                );
            }
        }
    }
    let zh: std::collections::BTreeSet<&String> = all["zh"].keys().collect();
    let en: std::collections::BTreeSet<&String> = all["en"].keys().collect();
    anyhow::ensure!(zh == en, "i18n: zh and en keys differ");
    Ok(all)
}

impl App {
    /// The app over an opened store: the staff list loaded (seeded from the configured site
    /// folder on an empty database) and its site folder written.
    ///
    /// # Errors
    /// A template, text or staff-list error.
    pub async fn new(store: Store, config: Config) -> anyhow::Result<Arc<Self>> {
        let folder = site::SiteFolder::new(&config.site);
        site::start(&store, &folder).await?;
        Ok(Arc::new(App {
            site: folder,
            store,
            config,
            env: templates()?,
            texts: texts()?,
            throttle: LoginThrottle::default(),
            pending: Mutex::new(HashMap::new()),
        }))
    }
}

/// The router.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login_post))
        .route("/logout", post(logout))
        .route("/attendance", get(attendance_page))
        .route("/attendance/preview", post(attendance_preview))
        .route("/attendance/confirm", post(attendance_confirm))
        .route("/exports", get(exports_page))
        .route("/exports/{kind}", get(export_download))
        .route("/audit", get(audit_page))
        .route("/api/me", get(api_me))
        .route("/api/openapi.json", get(api_openapi))
        .route("/api/audit", get(api_audit))
        .route("/api/attendance", get(api_attendance))
        .route("/api/attendance/import", post(api_attendance_import))
        .merge(roster::routes())
        .merge(payroll::routes())
        .merge(staff::routes())
        .merge(differences::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
        .with_state(app)
}

/// Starts the server; prints `listening on http://ADDR` once bound (port 0 picks a free one).
///
/// # Errors
/// Binding, database or template errors.
pub async fn serve(bind: &str, config: Config, demo: bool) -> anyhow::Result<()> {
    let store = Store::open(&config.db_url).await?;
    if demo && store.users().await?.is_empty() {
        for (name, display, role) in [
            ("admin", "系统管理员", Role::Admin),
            ("ops", "王海燕", Role::OpsManager),
            ("hr", "人事专员", Role::Hr),
            ("auditor", "采购方审计", Role::Auditor),
        ] {
            let password = format!("demo-{name}-2026");
            store
                .add_user(name, display, role, &password, "demo")
                .await?;
            println!("demo account {name} / {password} ({})", role.label_zh());
        }
    }
    let app = App::new(store, config).await?;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("binding {bind}"))?;
    let addr: SocketAddr = listener.local_addr()?;
    println!("listening on http://{addr}");
    axum::serve(listener, router(app))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving")
}

// ---------------------------------------------------------------------------------------------
// Request helpers.

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

fn lang(headers: &HeaderMap, q: &HashMap<String, String>) -> String {
    match q.get("lang").map(String::as_str) {
        Some("en") => "en".into(),
        Some("zh") => "zh".into(),
        _ => match cookie(headers, LANG_COOKIE) {
            Some("en") => "en".into(),
            _ => "zh".into(),
        },
    }
}

async fn session(app: &App, headers: &HeaderMap) -> Option<Session> {
    let token = cookie(headers, COOKIE)?;
    app.store.session(token).await.ok().flatten()
}

/// A rendered page, or a response that ends the request (redirect, 403, …).
pub(crate) type Page = Result<Response, Response>;

pub(crate) struct Ctx<'a> {
    pub(crate) app: &'a App,
    pub(crate) lang: String,
    pub(crate) session: Session,
}

impl Ctx<'_> {
    pub(crate) fn t(&self) -> Value {
        Value::from_serialize(&self.app.texts[&self.lang])
    }

    pub(crate) fn render(&self, template: &str, page: &str, title: &str, extra: Value) -> Response {
        let role = self.session.user.role;
        let base = context! {
            lang => &self.lang,
            t => self.t(),
            user => Value::from_serialize(&self.session.user),
            role_label => role.label_zh(),
            csrf => &self.session.csrf,
            page => page,
            title => title,
            can => context! {
                attendance => allowed(role, Area::Attendance),
                exports => allowed(role, Area::ExportsPage),
                audit => allowed(role, Area::Audit),
                roster => allowed(role, Area::RosterView),
                payroll => allowed(role, Area::Payroll),
                compliance => allowed(role, Area::Compliance),
                staff => allowed(role, Area::Staff),
            },
        };
        let ctx = context! { ..extra, ..base };
        render(&self.app.env, template, ctx, &self.lang)
    }
}

fn render(env: &Environment<'static>, template: &str, ctx: Value, lang: &str) -> Response {
    match env.get_template(template).and_then(|t| t.render(ctx)) {
        Ok(html) => {
            let mut r = Html(html).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000"
            )) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("template {template}: {e}"),
        )
            .into_response(),
    }
}

/// The signed-in user allowed in `area`, or the response that refuses.
pub(crate) async fn guard<'a>(
    app: &'a App,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    area: Area,
) -> Result<Ctx<'a>, Response> {
    let lang = lang(headers, q);
    let Some(session) = session(app, headers).await else {
        return Err(Redirect::to("/login").into_response());
    };
    let ctx = Ctx { app, lang, session };
    if !allowed(ctx.session.user.role, area) {
        let t = &app.texts[&ctx.lang];
        let mut r = ctx.render(
            "error.html",
            "",
            "403",
            context! { status => "403", message => t["forbidden"].clone() },
        );
        *r.status_mut() = StatusCode::FORBIDDEN;
        return Err(r);
    }
    Ok(ctx)
}

/// [`guard`] for a form post: the signed-in user allowed in `area`, with the form's CSRF
/// token checked (every state-changing page form goes through here).
pub(crate) async fn guard_form<'a>(
    app: &'a App,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
    area: Area,
) -> Result<Ctx<'a>, Response> {
    let ctx = guard(app, headers, &HashMap::new(), area).await?;
    check_csrf(&ctx, form.get("csrf"))?;
    Ok(ctx)
}

pub(crate) fn check_csrf(ctx: &Ctx<'_>, given: Option<&String>) -> Result<(), Response> {
    if given.map(String::as_str) == Some(ctx.session.csrf.as_str()) {
        Ok(())
    } else {
        Err((StatusCode::FORBIDDEN, "CSRF token missing or wrong").into_response())
    }
}

pub(crate) fn current_month() -> String {
    chrono::Local::now().format("%Y-%m").to_string()
}

/// Months with a stored roster or a roster file, sorted.
pub(crate) async fn all_roster_months(app: &App) -> Vec<String> {
    let mut months = roster_months(app);
    if let Ok(stored) = app.store.roster_months_stored().await {
        months.extend(stored.into_iter().map(|(m, _)| m));
    }
    months.sort();
    months.dedup();
    months
}

/// Months with a roster file in the rosters folder (stored rosters: [`all_roster_months`]).
pub(crate) fn roster_months(app: &App) -> Vec<String> {
    let mut months: Vec<String> = std::fs::read_dir(&app.config.rosters)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().to_string();
                    let m = n
                        .strip_prefix("roster-")?
                        .strip_suffix(".json")?
                        .to_string();
                    crate::data::parse_month(&m).ok().map(|_| m)
                })
                .collect()
        })
        .unwrap_or_default();
    months.sort();
    months
}

// ---------------------------------------------------------------------------------------------
// Pages.

async fn login_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = lang(&headers, &q);
    let texts = &app.texts[&lang];
    let t = Value::from_serialize(texts);
    render(
        &app.env,
        "login.html",
        context! { lang => &lang, t => t, title => texts["login"].clone() },
        &lang,
    )
}

async fn login_post(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    tokio::time::sleep(app.throttle.delay(&username)).await;
    let store = app.store.clone();
    let result = store.login(&username, &password).await;
    match result {
        Ok(Some((token, _))) => {
            app.throttle.succeeded(&username);
            let mut r = Redirect::to("/").into_response();
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
                crate::accounts::SESSION_HOURS * 3600
            )) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
        Ok(None) => {
            app.throttle.failed(&username);
            let lang = lang(&headers, &HashMap::new());
            let texts = &app.texts[&lang];
            let mut r = render(
                &app.env,
                "login.html",
                context! { lang => &lang, t => Value::from_serialize(texts), title => texts["login"].clone(), error => texts["login_failed"].clone() },
                &lang,
            );
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            r
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")).into_response(),
    }
}

async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::Me).await?;
    if let Some(token) = cookie(&headers, COOKIE) {
        let _ = app.store.logout(token, &ctx.session.user.username).await;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("hw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(r)
}

#[derive(Serialize)]
struct RosterRow {
    month: String,
    status: String,
    assignments: usize,
    shortfalls: usize,
}

async fn home(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::Home).await?;
    let site = crate::data::load_site(&app.site.path()).map_err(internal)?;
    let reserve = site.employees.iter().filter(|e| e.reserve).count();
    let on_post = site.employees.len() - reserve;
    let mut rosters = Vec::new();
    for m in all_roster_months(&app).await {
        if let Ok(Some((doc, published))) = roster::roster_doc(&app, &m).await {
            rosters.push(RosterRow {
                month: m,
                status: {
                    let (zh, en) = if published {
                        ("已发布", "published")
                    } else {
                        match doc.roster.status {
                            scheduler::SolveStatus::Optimal => ("草稿 · 最优", "draft · optimal"),
                            scheduler::SolveStatus::TimeLimited => {
                                ("草稿 · 限时求解", "draft · time-limited solve")
                            }
                            scheduler::SolveStatus::Unsolved => {
                                ("草稿 · 手工调整", "draft · edited")
                            }
                        }
                    };
                    if ctx.lang == "en" { en } else { zh }.to_string()
                },
                assignments: doc.roster.assignments.len(),
                shortfalls: doc.roster.shortfalls.len(),
            });
        }
    }
    // The month asked for; else this month if it has a roster; else the latest roster's month.
    let month = q.get("month").cloned().unwrap_or_else(|| {
        let now = current_month();
        if rosters.iter().any(|r| r.month == now) {
            now
        } else {
            rosters.last().map_or(now, |r| r.month.clone())
        }
    });
    let this = rosters.iter().find(|r| r.month == month);
    let attendance_records = app.store.attendance(&month).await.map_err(internal)?.len();
    let policy = crate::payroll_cli::load_policy(&app.config.data_dir).map_err(internal)?;
    let floor = chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .and_then(|d| policy.contract_cost.floor_on(d).ok())
        .map(|f| ::payroll::money::grouped(f.annual, true))
        .unwrap_or_else(|| "—".into());
    // Coverage of the month's roster: required shift seats (every cover minimum) against the
    // people missing on them, and the open shortfalls to act on.
    let mut coverage = None;
    let mut open_shortfalls = Vec::new();
    if let Ok(Some((doc, _))) = roster::roster_doc(&app, &month).await {
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
            .filter(|s| s.kind == scheduler::roster::ShortfallKind::Cover)
            .map(|s| u64::from(s.missing))
            .sum();
        if required > 0 {
            coverage = Some(context! {
                required => required,
                filled => required - missing.min(required),
                percent => format!("{:.1}", 100.0 * (required - missing.min(required)) as f64 / required as f64),
            });
        }
        open_shortfalls = doc
            .roster
            .shortfalls
            .iter()
            .map(|s| ShortfallRow {
                kind: format!("{:?}", s.kind),
                date: s.date.map(|d| d.to_string()).unwrap_or_default(),
                shift: s.shift.clone().unwrap_or_default(),
                who: s
                    .role
                    .clone()
                    .or_else(|| s.employee.clone())
                    .unwrap_or_default(),
                missing: s.missing,
                cause: s.cause.clone(),
            })
            .collect();
    }
    let year: i32 = month[..4].parse().unwrap_or(2026);
    let cost = payroll::year_cost(&app, year, &ctx.lang)
        .await
        .map_err(internal)?;
    let title = app.texts[&ctx.lang]["nav_home"].clone();
    Ok(ctx.render(
        "home.html",
        "home",
        &title,
        context! {
            coverage => coverage,
            open_shortfalls => Value::from_serialize(&open_shortfalls),
            cost => cost,
            year => year,
            month => &month,
            on_post => on_post,
            reserve => reserve,
            roster_status => this.map_or("—".to_string(), |r| r.status.clone()),
            shortfalls => this.map_or(String::new(), |r| format!("{} {}", app.texts[&ctx.lang]["shortfall_count"], r.shortfalls)),
            attendance_records => attendance_records,
            floor => floor,
            rosters => Value::from_serialize(&rosters),
        },
    ))
}

#[derive(Serialize)]
struct ShortfallRow {
    kind: String,
    date: String,
    shift: String,
    who: String,
    missing: u32,
    cause: String,
}

/// Pays `month` from `doc` off the async runtime, the way every export and payroll run does:
/// the stored attendance reconciled with the roster, the stored KPI evaluation, the app's
/// site folder for the HR records.
pub(crate) async fn pay_month(
    app: &App,
    month: &str,
    doc: scheduler::RosterFile,
) -> anyhow::Result<crate::export_cli::PaidMonth> {
    let (site_dir, db, data_dir) = (
        app.site.path(),
        app.config.db_url.clone(),
        app.config.data_dir.clone(),
    );
    let month = month.to_string();
    tokio::task::spawn_blocking(move || {
        crate::export_cli::pay_inputs(&month, Some(doc), &site_dir, Some(&db), 30.0, &data_dir)
    })
    .await?
}

/// Located import problems as JSON objects.
pub(crate) fn problems_json(
    problems: &[crate::excel::table::ImportProblem],
) -> Vec<serde_json::Value> {
    problems
        .iter()
        .map(|p| serde_json::json!({"sheet": p.sheet, "row": p.row, "column": p.column, "expected": p.expected, "found": p.found}))
        .collect()
}

pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response()
}

#[derive(Serialize)]
struct RecordRow {
    employee: String,
    name: String,
    date: String,
    shift: String,
    clock_in: String,
    clock_out: String,
    leave: String,
    note: String,
}

async fn attendance_view(ctx: &Ctx<'_>, month: &str, extra: Value) -> Result<Response, Response> {
    let imports = ctx.app.store.imports(month).await.map_err(internal)?;
    let differences = differences::of_month(ctx.app, month)
        .await
        .map_err(internal)?;
    let open = differences
        .as_ref()
        .map_or(0, |d| d.iter().filter(|r| r.confirmed_by.is_none()).count());
    let title = ctx.app.texts[&ctx.lang]["nav_attendance"].clone();
    Ok(ctx.render(
        "attendance.html",
        "attendance",
        &title,
        context! {
            month => month,
            imports => Value::from_serialize(&imports),
            differences => Value::from_serialize(&differences),
            open_differences => open,
            ..extra
        },
    ))
}

async fn attendance_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::Attendance).await?;
    let month = q.get("month").cloned().unwrap_or_else(current_month);
    attendance_view(&ctx, &month, context! {}).await
}

async fn attendance_preview(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Page {
    let ctx = guard(&app, &headers, &HashMap::new(), Area::Attendance).await?;
    let mut csrf = None;
    let mut month = current_month();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.ok(),
            "month" => month = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| (StatusCode::PAYLOAD_TOO_LARGE, e.to_string()).into_response())?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&ctx, csrf.as_ref())?;
    let month_ok = crate::data::parse_month(&month).is_ok();
    let Some((file_name, bytes)) = file.filter(|_| month_ok) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "a month YYYY-MM and a file are required",
        )
            .into_response());
    };
    let import_ctx = crate::attendance_cli::context(&month, &app.site.path(), &app.config.data_dir)
        .map_err(internal)?;
    let parsed = tokio::task::spawn_blocking(move || {
        crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
            crate::excel::attendance::parse(&bytes, &import_ctx)
        })
    })
    .await
    .map_err(internal)?;
    match parsed {
        Err(errors) => {
            let rows: Vec<HashMap<&str, String>> = errors
                .0
                .iter()
                .map(|p| {
                    HashMap::from([
                        ("sheet", p.sheet.clone()),
                        ("row", p.row.map(|r| r.to_string()).unwrap_or_default()),
                        ("column", p.column.clone().unwrap_or_default()),
                        ("expected", p.expected.clone()),
                        ("found", p.found.clone()),
                    ])
                })
                .collect();
            let mut r = attendance_view(&ctx, &month, context! { errors => rows }).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Ok(parsed) => {
            let rows: Vec<RecordRow> = parsed
                .records
                .iter()
                .map(|r| RecordRow {
                    employee: r.employee.clone(),
                    name: r.name.clone(),
                    date: r.date.to_string(),
                    shift: r.shift.clone().unwrap_or_default(),
                    clock_in: r
                        .clock_in
                        .map(crate::attendance::clock_text)
                        .unwrap_or_default(),
                    clock_out: r
                        .clock_out
                        .map(crate::attendance::clock_text)
                        .unwrap_or_default(),
                    leave: r
                        .leave
                        .map(|k| {
                            format!(
                                "{} {}h",
                                k.label_zh(),
                                r.leave_hours.unwrap_or_default().normalize()
                            )
                        })
                        .unwrap_or_default(),
                    note: r.note.clone(),
                })
                .collect();
            let token = crate::accounts::random_token();
            let people = parsed.people().len();
            let source = parsed.source.label();
            {
                let mut pending = app.pending.lock().expect("pending lock");
                pending.retain(|_, p| p.at.elapsed() < Duration::from_secs(3600));
                pending.insert(
                    token.clone(),
                    Pending {
                        user: ctx.session.user.id,
                        month: month.clone(),
                        file_name,
                        parsed,
                        at: Instant::now(),
                    },
                );
            }
            attendance_view(
                &ctx,
                &month,
                context! { preview => context! { pending => token, records => Value::from_serialize(&rows), people => people, source => source } },
            )
            .await
        }
    }
}

async fn attendance_confirm(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::Attendance).await?;
    let token = form.get("pending").cloned().unwrap_or_default();
    let pending = app
        .pending
        .lock()
        .expect("pending lock")
        .remove(&token)
        .filter(|p| p.user == ctx.session.user.id);
    let Some(p) = pending else {
        return Err((
            StatusCode::BAD_REQUEST,
            "no such preview (expired, or someone else's)",
        )
            .into_response());
    };
    let s = app
        .store
        .replace_attendance(
            &p.month,
            &p.file_name,
            p.parsed.source,
            &p.parsed.sheet,
            &p.parsed.records,
        )
        .await
        .map_err(internal)?;
    app.store
        .audit(
            &ctx.session.user.username,
            "attendance.import",
            &format!("{} {}", p.month, p.file_name),
            Some(&format!("{} records replaced", s.replaced)),
            Some(&format!(
                "{} records of {} people (import #{})",
                s.inserted, s.people, s.import_id
            )),
        )
        .await
        .map_err(internal)?;
    let stored = format!(
        "#{}: {} / {} ({} replaced)",
        s.import_id, s.inserted, s.people, s.replaced
    );
    attendance_view(&ctx, &p.month, context! { stored => stored }).await
}

const EXPORTS: [(&str, &str); 6] = [
    ("payroll", "工资表"),
    ("payslips", "工资条"),
    ("ledger", "社保公积金台账"),
    ("tax", "个税导入"),
    ("bank", "银行代发"),
    ("compliance", "坐席人工费合规"),
];

async fn exports_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::ExportsPage).await?;
    let role = ctx.session.user.role;
    let kinds: Vec<HashMap<&str, &str>> = EXPORTS
        .iter()
        .filter(|(code, _)| {
            let area = if *code == "compliance" {
                Area::ComplianceExport
            } else {
                Area::PayrollExport
            };
            allowed(role, area)
        })
        .map(|(code, label)| HashMap::from([("code", *code), ("label", *label)]))
        .collect();
    let title = app.texts[&ctx.lang]["nav_exports"].clone();
    Ok(ctx.render(
        "exports.html",
        "exports",
        &title,
        context! { kinds => kinds, months => all_roster_months(&app).await },
    ))
}

async fn export_download(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(kind): UrlPath<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let area = if kind == "compliance" {
        Area::ComplianceExport
    } else {
        Area::PayrollExport
    };
    let ctx = guard(&app, &headers, &q, area).await?;
    let Some((_, label)) = EXPORTS.iter().find(|(c, _)| *c == kind) else {
        return Err(not_found().await);
    };
    let month = q.get("month").cloned().unwrap_or_default();
    crate::data::parse_month(&month)
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()).into_response())?;
    // The stored roster (published or draft), else the file.
    let Some((doc, _)) = roster::roster_doc(&app, &month).await.map_err(internal)? else {
        return Err((StatusCode::NOT_FOUND, format!("no roster for {month}")).into_response());
    };
    let kind_enum = <crate::export_cli::ExportKind as clap::ValueEnum>::from_str(&kind, true)
        .map_err(|e| (StatusCode::NOT_FOUND, e).into_response())?;
    let paid = pay_month(&app, &month, doc)
        .await
        .map_err(|e| internal(format!("{e:#}")))?;
    let (site_dir, data_dir) = (app.site.path(), app.config.data_dir.clone());
    let bytes = tokio::task::spawn_blocking(move || {
        crate::export_cli::workbook(kind_enum, &paid.run, &paid.roster, &site_dir, &data_dir)
    })
    .await
    .map_err(internal)?
    .map_err(|e| internal(format!("{e:#}")))?;
    app.store
        .audit(
            &ctx.session.user.username,
            "export.download",
            &format!("{kind} {month}"),
            None,
            None,
        )
        .await
        .map_err(internal)?;
    Ok(xlsx_attachment(bytes, &format!("{label}-{month}.xlsx")))
}

/// An xlsx workbook as a download named `filename` (UTF-8, RFC 5987; an ASCII fallback).
pub(crate) fn xlsx_attachment(bytes: Vec<u8>, filename: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}",
        percent_encode(filename)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

pub(crate) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn audit_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::Audit).await?;
    let entries = app.store.audit_log(500).await.map_err(internal)?;
    let title = app.texts[&ctx.lang]["nav_audit"].clone();
    Ok(ctx.render(
        "audit.html",
        "audit",
        &title,
        context! { entries => Value::from_serialize(&entries) },
    ))
}

/// The CSRF token of a JSON request: header `X-CSRF-Token`.
pub(crate) fn check_csrf_header(ctx: &Ctx<'_>, headers: &HeaderMap) -> Result<(), Response> {
    let given = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    check_csrf(ctx, given.as_ref())
}

/// The session for a JSON route: 401 as JSON when not signed in, 403 when not allowed.
pub(crate) async fn api_guard<'a>(
    app: &'a App,
    headers: &HeaderMap,
    area: Area,
) -> Result<Ctx<'a>, Response> {
    let Some(session) = session(app, headers).await else {
        return Err((
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "not signed in"})),
        )
            .into_response());
    };
    if !allowed(session.user.role, area) {
        return Err((
            StatusCode::FORBIDDEN,
            Json(serde_json::json!({"error": "not allowed for this role", "role": session.user.role})),
        )
            .into_response());
    }
    Ok(Ctx {
        app,
        lang: "zh".into(),
        session,
    })
}

/// `GET /api/audit?limit=N` (admin, auditor): the newest audit entries.
async fn api_audit(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    api_guard(&app, &headers, Area::Audit).await?;
    let limit = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(200i64)
        .clamp(1, 5000);
    let entries = app.store.audit_log(limit).await.map_err(internal)?;
    Ok(Json(entries).into_response())
}

/// `GET /api/attendance?month=` (admin, hr): the month's imports and stored records.
async fn api_attendance(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    api_guard(&app, &headers, Area::Attendance).await?;
    let month = q.get("month").cloned().unwrap_or_else(current_month);
    crate::data::parse_month(&month).map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": e.to_string()})),
        )
            .into_response()
    })?;
    let imports = app.store.imports(&month).await.map_err(internal)?;
    let records = app.store.attendance(&month).await.map_err(internal)?;
    Ok(
        Json(serde_json::json!({ "month": month, "imports": imports, "records": records }))
            .into_response(),
    )
}

/// `POST /api/attendance/import?month=YYYY-MM[&dry_run=true]` (admin, hr; header
/// `X-CSRF-Token`; body: the file's bytes): every located problem as JSON with 422 and nothing
/// stored, or what was (or would be) stored.
async fn api_attendance_import(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Page {
    let ctx = api_guard(&app, &headers, Area::Attendance).await?;
    check_csrf_header(&ctx, &headers)?;
    let month = q.get("month").cloned().unwrap_or_default();
    crate::data::parse_month(&month).map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({"error": e.to_string()})),
        )
            .into_response()
    })?;
    let file_name = q
        .get("file_name")
        .cloned()
        .unwrap_or_else(|| "upload".into());
    let import_ctx = crate::attendance_cli::context(&month, &app.site.path(), &app.config.data_dir)
        .map_err(internal)?;
    let bytes = body.to_vec();
    let parsed = tokio::task::spawn_blocking(move || {
        crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
            crate::excel::attendance::parse(&bytes, &import_ctx)
        })
    })
    .await
    .map_err(internal)?;
    let parsed = match parsed {
        Ok(p) => p,
        Err(errors) => {
            let list = problems_json(&errors.0);
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({"stored": false, "problems": list})),
            )
                .into_response());
        }
    };
    if q.get("dry_run").is_some_and(|v| v == "true" || v == "1") {
        return Ok(Json(serde_json::json!({
            "stored": false, "dry_run": true, "source": parsed.source.code(),
            "records": parsed.records, "ignored": parsed.ignored,
        }))
        .into_response());
    }
    let s = app
        .store
        .replace_attendance(
            &month,
            &file_name,
            parsed.source,
            &parsed.sheet,
            &parsed.records,
        )
        .await
        .map_err(internal)?;
    app.store
        .audit(
            &ctx.session.user.username,
            "attendance.import",
            &format!("{month} {file_name}"),
            Some(&format!("{} records replaced", s.replaced)),
            Some(&format!(
                "{} records of {} people (import #{})",
                s.inserted, s.people, s.import_id
            )),
        )
        .await
        .map_err(internal)?;
    Ok(Json(serde_json::json!({"stored": true, "import": s})).into_response())
}

async fn api_me(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    match session(&app, &headers).await {
        // The CSRF token is given to the signed-in client for `X-CSRF-Token` on JSON POSTs.
        Some(s) => Json(serde_json::json!({
            "id": s.user.id, "username": s.user.username, "display_name": s.user.display_name,
            "role": s.user.role, "csrf": s.csrf,
        }))
        .into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({"error": "not signed in"})),
        )
            .into_response(),
    }
}

async fn api_openapi(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    api_guard(&app, &headers, Area::Me).await?;
    Ok(Json(openapi::document()).into_response())
}

pub(crate) async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "404 not found · 页面不存在").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rights table as the issue states them: the auditor sees costs (compliance) but no
    /// export with personal fields (ID numbers, bank accounts), and not attendance uploads.
    #[test]
    fn rights_table() {
        use Area::*;
        let all = [
            Home,
            Attendance,
            ExportsPage,
            PayrollExport,
            ComplianceExport,
            Audit,
            Me,
            RosterView,
            RosterEdit,
            Payroll,
            PayrollApprove,
            Compliance,
            Staff,
            StaffEdit,
        ];
        let expect = |role: Role, areas: &[Area]| {
            for a in all {
                assert_eq!(allowed(role, a), areas.contains(&a), "{role:?} {a:?}");
            }
        };
        expect(Role::Admin, &all);
        expect(
            Role::Hr,
            &[
                Home,
                Attendance,
                ExportsPage,
                PayrollExport,
                ComplianceExport,
                Me,
                RosterView,
                Payroll,
                PayrollApprove,
                Compliance,
                Staff,
                StaffEdit,
            ],
        );
        expect(
            Role::Auditor,
            &[
                Home,
                ExportsPage,
                ComplianceExport,
                Audit,
                Me,
                RosterView,
                Compliance,
            ],
        );
        expect(Role::OpsManager, &[Home, Me, RosterView, RosterEdit, Staff]);
    }

    #[test]
    fn texts_have_the_same_keys_and_templates_parse() {
        texts().unwrap();
        templates().unwrap();
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; hw_session=abc; hw_lang=en"),
        );
        assert_eq!(cookie(&h, "hw_session"), Some("abc"));
        assert_eq!(cookie(&h, "hw_lang"), Some("en"));
        assert_eq!(cookie(&h, "hw"), None);
    }
}
