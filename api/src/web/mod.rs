//! The web app (`workforce serve`): axum, server-rendered pages (minijinja templates embedded
//! from `templates/html/`, Chinese by default, English by `?lang=en`) and a JSON API for every
//! action, on the store.
//!
//! A handler is: extract ([`extract`]: signed in, allowed by the rights table [`allowed`],
//! CSRF checked on every POST, typed parameters) → one call into the month pipeline
//! ([`crate::month`]) or the store → render. It never imports a command-line module; errors
//! are one type ([`error::AppError`]), turned into a page or, under `/api/`, into JSON.
//! CPU-bound work (solves, payroll, Excel) runs off the async runtime inside the pipeline.
//! Reference data is loaded once at start ([`crate::reference::Reference`]).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use minijinja::{context, Environment, Value};

use crate::accounts::{LoginThrottle, Role, Session};
use crate::db::Store;
use crate::reference::Reference;

/// One error type for every handler, as pages or JSON.
pub mod error;
/// The extractors: signed in, allowed, CSRF checked, typed bodies.
pub mod extract;
/// The JSON API's OpenAPI document.
pub mod openapi;
/// The routes, one file per area.
pub mod routes;

pub use error::AppError;

/// Largest upload accepted (bytes).
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

pub(crate) const COOKIE: &str = "hw_session";
pub(crate) const LANG_COOKIE: &str = "hw_lang";

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
    /// The periodic reports and the policy documents (pages and downloads).
    Reports,
    /// The request book: leave and swap requests, decided by operations.
    Requests,
    /// The request book: approve or reject a request (a swap changes the roster).
    RequestsDecide,
    /// Corrections of approved months (attendance, KPI), paid as arrears later.
    Corrections,
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
        Area::Reports => true,
        Area::Requests => matches!(role, Admin | OpsManager | Hr),
        Area::RequestsDecide => matches!(role, Admin | OpsManager),
        Area::Corrections => matches!(role, Admin | Hr),
    }
}

/// Where the app finds things.
#[derive(Debug, Clone)]
pub struct Config {
    /// Reference data folder.
    pub data_dir: PathBuf,
    /// Site folder (`site.toml`; its staff files seed an empty database).
    pub site: PathBuf,
    /// A folder of roster files imported at start for the months the store lacks.
    pub rosters: Option<PathBuf>,
    /// Database URL.
    pub db_url: String,
    /// The first wait after a failed log-in ([`LoginThrottle::with_base`]).
    pub login_delay: std::time::Duration,
    /// Reached over HTTPS: `Secure` cookies and HSTS.
    pub behind_tls: bool,
    /// Roster solves run at once (the others queue).
    pub solves: usize,
}

/// An attendance file parsed and waiting for HR's confirmation.
pub(crate) struct Pending {
    pub(crate) user: i64,
    pub(crate) month: crate::month::YearMonth,
    pub(crate) file_name: String,
    pub(crate) parsed: crate::excel::attendance::Parsed,
    pub(crate) at: std::time::Instant,
}

/// A cached roster month: the store's change counter it was derived at, and the parts.
pub(crate) type RosterCacheEntry = (i64, Arc<routes::roster::RosterParts>);

/// Shared state: the store, the reference data, the templates and texts.
pub struct App {
    pub(crate) store: Store,
    pub(crate) reference: Reference,
    env: Environment<'static>,
    pub(crate) texts: HashMap<String, HashMap<String, String>>,
    /// The texts as template values, built once per language.
    texts_value: HashMap<String, Value>,
    pub(crate) throttle: LoginThrottle,
    /// Reached over HTTPS (cookies `Secure`, HSTS).
    pub(crate) behind_tls: bool,
    /// Turns for roster solves: at most this many run at once, the others wait in order.
    pub(crate) solves: Arc<tokio::sync::Semaphore>,
    pub(crate) pending: Mutex<HashMap<String, Pending>>,
    /// Derived figures of the overview, keyed by the store's change counter.
    pub(crate) overview_cache: Mutex<HashMap<String, (i64, Arc<routes::home::Overview>)>>,
    /// The roster page's and `/api/roster`'s derived parts per month (and language), kept
    /// until the store changes (keyed by the audit log's newest id, as the overview).
    pub(crate) roster_cache: Mutex<HashMap<(String, String), RosterCacheEntry>>,
}

impl App {
    /// The pipeline's view of the app.
    pub(crate) fn cx(&self) -> crate::month::Context<'_> {
        crate::month::Context {
            store: &self.store,
            reference: &self.reference,
        }
    }

    /// A text of the page language.
    pub(crate) fn text(&self, lang: &str, key: &str) -> String {
        self.texts
            .get(lang)
            .and_then(|t| t.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
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
            "roster_grid.html",
            include_str!("../../../templates/html/roster_grid.html"),
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
        (
            "roster.html",
            include_str!("../../../templates/html/roster.html"),
        ),
        (
            "payroll.html",
            include_str!("../../../templates/html/payroll.html"),
        ),
        (
            "payroll_slip.html",
            include_str!("../../../templates/html/payroll_slip.html"),
        ),
        (
            "compliance.html",
            include_str!("../../../templates/html/compliance.html"),
        ),
        (
            "staff.html",
            include_str!("../../../templates/html/staff.html"),
        ),
        (
            "staff_form.html",
            include_str!("../../../templates/html/staff_form.html"),
        ),
        (
            "requests.html",
            include_str!("../../../templates/html/requests.html"),
        ),
        (
            "roster_repair.html",
            include_str!("../../../templates/html/roster_repair.html"),
        ),
        (
            "reports.html",
            include_str!("../../../templates/html/reports.html"),
        ),
    ] {
        env.add_template(name, text)
            .with_context(|| format!("template {name}"))?;
    }
    // `{{ x.created_at | local }}`: a stored UTC time (RFC 3339) as Hainan reads it.
    env.add_filter("local", |t: Value| {
        if t.is_none() || t.is_undefined() {
            String::new()
        } else {
            crate::clock::local(&t.to_string())
        }
    });
    Ok(env)
}

/// The page texts of `templates/html/i18n*.toml`, by language.
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
        (
            "i18n-requests.toml",
            include_str!("../../../templates/html/i18n-requests.toml"),
        ),
        (
            "i18n-reports.toml",
            include_str!("../../../templates/html/i18n-reports.toml"),
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
    /// The app over an opened store: the reference data loaded (failing on a bad file), the
    /// staff list seeded from the site folder on an empty database, roster files imported,
    /// and the verdicts of versions stored before versions kept one filled in.
    ///
    /// # Errors
    /// A template, text, reference-data, staff-list or roster-file error.
    pub async fn new(store: Store, config: Config) -> anyhow::Result<Arc<Self>> {
        let reference = Reference::load(&config.data_dir, &config.site)?;
        let texts = texts()?;
        let texts_value = texts
            .iter()
            .map(|(l, t)| (l.clone(), Value::from_serialize(t)))
            .collect();
        let app = Arc::new(App {
            store,
            reference,
            env: templates()?,
            texts,
            texts_value,
            throttle: LoginThrottle::with_base(config.login_delay),
            behind_tls: config.behind_tls,
            solves: Arc::new(tokio::sync::Semaphore::new(config.solves.max(1))),
            pending: Mutex::new(HashMap::new()),
            overview_cache: Mutex::new(HashMap::new()),
            roster_cache: Mutex::new(HashMap::new()),
        });
        let cx = app.cx();
        crate::month::staff::ensure_seeded(cx, &config.site).await?;
        if let Some(dir) = &config.rosters {
            crate::month::roster::import_folder(cx, dir, "system").await?;
        }
        crate::month::roster::backfill(cx).await?;
        Ok(app)
    }
}

/// The router.
pub fn router(app: Arc<App>) -> Router {
    routes::router()
        .route("/app.js", axum::routing::get(app_js))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(error::json_under_api))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            security_headers,
        ))
        .with_state(app)
}

/// The pages' script (`templates/html/app.js`): the only script the policy allows.
async fn app_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../templates/html/app.js"),
    )
        .into_response()
}

/// The Content-Security-Policy of every answer: scripts from this origin only (no inline
/// script or event handler: `/app.js` holds them), no framing, forms posted here only.
/// Inline `style` attributes stay allowed (the pages use them; they cannot run code).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every answer: the policy above, `X-Frame-Options: DENY` for older
/// browsers, no MIME sniffing, no referrer outside the site, `Cache-Control: no-store` on
/// everything but the script (pages and JSON carry names, ID numbers, pay: no shared cache or
/// back-button copy keeps them), and HSTS when the server is told it is behind TLS.
async fn security_headers(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if app.behind_tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    r
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
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("serving")
}

/// A signed-in request: the app, the page language and the session.
#[derive(Clone)]
pub struct Ctx {
    pub(crate) app: Arc<App>,
    pub(crate) lang: String,
    pub(crate) session: Session,
}

impl Ctx {
    /// The user name (the audit log's actor).
    pub(crate) fn actor(&self) -> &str {
        &self.session.user.username
    }

    /// A text of the page language.
    pub(crate) fn text(&self, key: &str) -> String {
        self.app.text(&self.lang, key)
    }

    pub(crate) fn t(&self) -> Value {
        self.app.texts_value[&self.lang].clone()
    }

    /// Renders `template` inside the page frame (navigation by role, CSRF token, language).
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
                reports => allowed(role, Area::Reports),
                requests => allowed(role, Area::Requests),
                corrections => allowed(role, Area::Corrections),
            },
        };
        let ctx = context! { ..extra, ..base };
        render(&self.app, template, ctx, &self.lang)
    }

    /// The error page with `status` and `message`.
    pub(crate) fn error_page(&self, status: StatusCode, message: &str) -> Response {
        let mut r = self.render(
            "error.html",
            "",
            status.as_str(),
            context! { status => status.as_str(), message => message },
        );
        *r.status_mut() = status;
        r
    }
}

pub(crate) fn render(app: &App, template: &str, ctx: Value, lang: &str) -> Response {
    match app.env.get_template(template).and_then(|t| t.render(ctx)) {
        Ok(html) => {
            let mut r = Html(html).into_response();
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000"
            )) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => AppError::internal(anyhow::anyhow!("template {template}: {e}")).into_response(),
    }
}

/// A template rendered to a string (a fragment kept in a cache).
pub(crate) fn render_fragment(app: &App, template: &str, ctx: Value) -> Result<String, AppError> {
    app.env
        .get_template(template)
        .and_then(|t| t.render(ctx))
        .map_err(|e| AppError::internal(anyhow::anyhow!("template {template}: {e}")))
}

/// The login page (no session).
pub(crate) fn render_login(app: &App, lang: &str, error: Option<String>) -> Response {
    let texts = &app.texts[lang];
    render(
        app,
        "login.html",
        context! { lang => lang, t => app.texts_value[lang].clone(), title => texts["login"].clone(), error => error },
        lang,
    )
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

/// This month in China Standard Time, `YYYY-MM`.
pub(crate) fn current_month() -> String {
    crate::clock::now_local().format("%Y-%m").to_string()
}

pub(crate) async fn not_found() -> AppError {
    AppError::not_found(crate::said::Said::new("404 not found", "404 页面不存在"))
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
}
