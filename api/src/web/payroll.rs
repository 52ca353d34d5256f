//! Payroll runs in the web app: run a month as a draft (computed off the async runtime, one
//! computation per month at a time), review the totals and every payslip, approve (then the
//! run is immutable, also in the database; corrections become arrears lines in a later
//! month), download the workbooks from the stored run; and the purchaser's compliance page
//! (costs, projection, floor, headcount, coverage, pay per person: no ID numbers, bank
//! accounts or addresses).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use minijinja::{context, Value};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use super::{check_csrf, current_month, guard, guard_form, internal, App, Area, Ctx, Page};
use crate::excel::payroll_xlsx::{self, ComplianceInput, MonthHeadcount};

/// Templates of this part, registered with the others.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
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
];

/// The refusal once a month is approved.
pub(crate) const IMMUTABLE: &str =
    "approved runs are immutable; corrections become arrears lines in a later month";

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/payroll", get(payroll_page))
        .route("/payroll/run", post(run_post))
        .route("/payroll/run/{id}/payslip/{employee}", get(payslip_page))
        .route("/payroll/run/{id}/approve", post(approve_post))
        .route("/payroll/run/{id}/export/{kind}", get(export_run))
        .route("/compliance", get(compliance_page))
        .route("/compliance/export/{id}", get(compliance_export))
        .route("/api/payroll/runs", get(api_runs))
        .route("/api/payroll/run", post(api_run))
        .route("/api/payroll/run/{id}", get(api_run_get))
        .route("/api/payroll/run/{id}/approve", post(api_approve))
        .route("/api/compliance", get(api_compliance))
}

/// The compliance view as JSON (Compliance: admin, hr, auditor): costs, the year against the
/// floor, headcount, coverage, pay per person; no ID numbers, bank accounts or addresses.
async fn api_compliance(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let _ctx = guard(&app, &headers, &q, Area::Compliance).await?;
    let year: i32 = match q.get("year") {
        Some(y) => y.parse().map_err(|_| bad_request("year: YYYY"))?,
        None => current_month()[..4].parse().unwrap_or(2026),
    };
    let Some(run) = compliance_run(&app, year).await.map_err(internal)? else {
        return Ok(Json(serde_json::json!({ "year": year, "run": null })).into_response());
    };
    let (c, sources) = merged_cost(&app, &run).await.map_err(internal)?;
    let pay: Vec<serde_json::Value> = run
        .pay
        .payslips
        .iter()
        .map(|p| {
            serde_json::json!({
                "employee": p.employee_id,
                "name": p.employee_name,
                "position": p.position,
                "gross": p.totals.gross,
                "net": p.totals.net,
                "employer_cost": p.totals.employer_cost,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "year": year,
        "run": run.row,
        "months": c.months,
        "sources": sources,
        "year_view": c.year,
        "floor": c.floor,
        "on_post": c.on_post,
        "reserve": c.reserve,
        "contracted_heads": 52,
        "shortfalls": c.shortfalls,
        "coverage_met": c.shortfalls == 0,
        "pay": pay,
    }))
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// JSON twins (same roles; POSTs carry the session's CSRF token in `X-CSRF-Token`).

fn csrf_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn api_runs(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let _ctx = guard(&app, &headers, &q, Area::Payroll).await?;
    let month = month_of(&q)?;
    let runs = runs_where(&app, "month = $1", &month)
        .await
        .map_err(internal)?;
    Ok(Json(serde_json::json!({ "month": month, "runs": runs })).into_response())
}

async fn api_run_get(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<i64>,
) -> Page {
    let _ctx = guard(&app, &headers, &HashMap::new(), Area::Payroll).await?;
    let Some(run) = load_run(&app, id).await.map_err(internal)? else {
        return Err(super::not_found().await);
    };
    Ok(
        Json(serde_json::json!({ "run": run.row, "payroll": run.pay, "cost": run.cost }))
            .into_response(),
    )
}

async fn api_run(State(app): State<Arc<App>>, headers: HeaderMap, body: axum::body::Bytes) -> Page {
    let ctx = guard(&app, &headers, &HashMap::new(), Area::Payroll).await?;
    check_csrf(&ctx, csrf_header(&headers).as_ref())?;
    // Read only after the rights: a refused role gets 403 whatever it sent.
    let body: HashMap<String, String> = serde_json::from_slice(&body)
        .map_err(|e| bad_request(format!("body: a JSON object of text fields ({e})")))?;
    if !body.contains_key("month") {
        return Err(bad_request("a month YYYY-MM is required"));
    }
    let month = month_of(&body)?;
    let id = run_month(&app, &ctx, &month).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "month": month, "status": "draft" })),
    )
        .into_response())
}

async fn api_approve(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<i64>,
) -> Page {
    let ctx = guard(&app, &headers, &HashMap::new(), Area::PayrollApprove).await?;
    check_csrf(&ctx, csrf_header(&headers).as_ref())?;
    let month = approve_run(&app, &ctx, id).await?;
    Ok(Json(serde_json::json!({ "id": id, "month": month, "status": "approved" })).into_response())
}

// ---------------------------------------------------------------------------------------------
// Storage.

/// The month's costs and the roster facts a run was paid from (stored as JSON text).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CostDoc {
    cost: ::payroll::MonthCost,
    months: Vec<::payroll::MonthCost>,
    year: ::payroll::SeatCostYear,
    floor: Decimal,
    on_post: u32,
    reserve: u32,
    shortfalls: usize,
    roster_published: bool,
    attendance_records: usize,
    evaluated: usize,
}

/// A stored run, without its documents.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RunRow {
    id: i64,
    month: String,
    status: String,
    created_by: String,
    created_at: String,
    approved_by: Option<String>,
    approved_at: Option<String>,
}

/// A stored run with its documents.
pub(crate) struct Run {
    row: RunRow,
    pay: ::payroll::MonthPayroll,
    cost: CostDoc,
}

const ROW_COLUMNS: &str = "id, month, status, created_by, created_at, approved_by, approved_at";

fn run_row(r: &sqlx::any::AnyRow) -> Result<RunRow, sqlx::Error> {
    Ok(RunRow {
        id: r.try_get("id")?,
        month: r.try_get("month")?,
        status: r.try_get("status")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        approved_by: r.try_get("approved_by")?,
        approved_at: r.try_get("approved_at")?,
    })
}

async fn runs_where(app: &App, filter: &str, arg: &str) -> anyhow::Result<Vec<RunRow>> {
    let sql = format!("SELECT {ROW_COLUMNS} FROM payroll_runs WHERE {filter} ORDER BY id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(arg)
        .fetch_all(&app.store.pool)
        .await?;
    Ok(rows.iter().map(run_row).collect::<Result<_, _>>()?)
}

async fn load_run(app: &App, id: i64) -> anyhow::Result<Option<Run>> {
    let sql =
        format!("SELECT {ROW_COLUMNS}, payroll_json, cost_json FROM payroll_runs WHERE id = $1");
    let Some(r) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&app.store.pool)
        .await?
    else {
        return Ok(None);
    };
    let pay: String = r.try_get("payroll_json")?;
    let cost: String = r.try_get("cost_json")?;
    Ok(Some(Run {
        row: run_row(&r)?,
        pay: serde_json::from_str(&pay)?,
        cost: serde_json::from_str(&cost)?,
    }))
}

async fn approved_of(app: &App, month: &str) -> anyhow::Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM payroll_runs WHERE month = $1 AND status = 'approved'")
            .bind(month)
            .fetch_optional(&app.store.pool)
            .await?,
    )
}

/// Months being computed now (one computation per month at a time).
static RUNNING: Mutex<Option<HashSet<String>>> = Mutex::new(None);

struct Running(String);

impl Running {
    fn claim(month: &str) -> Option<Self> {
        let mut set = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        set.get_or_insert_with(HashSet::new)
            .insert(month.to_string())
            .then(|| Running(month.to_string()))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let mut set = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = set.as_mut() {
            s.remove(&self.0);
        }
    }
}

fn conflict(message: &str) -> Response {
    (StatusCode::CONFLICT, message.to_string()).into_response()
}

fn bad_request(message: impl std::fmt::Display) -> Response {
    (StatusCode::BAD_REQUEST, message.to_string()).into_response()
}

// ---------------------------------------------------------------------------------------------
// Presentation helpers.

fn money(d: Decimal) -> String {
    ::payroll::money::grouped(d, true)
}

fn position_label(p: ::payroll::Position, lang: &str) -> String {
    use ::payroll::Position::*;
    let (zh, en) = match p {
        Manager => ("项目经理", "Project manager"),
        TeamLeader => ("班长", "Team leader"),
        Agent => ("话务员", "Agent"),
        Callback => ("回访员", "Callback"),
        Qa => ("质检督办", "QA"),
        Analyst => ("数据分析员", "Analyst"),
        #[allow(unreachable_patterns)]
        _ => return format!("{p:?}"),
    };
    if lang == "en" { en } else { zh }.to_string()
}

#[derive(Serialize)]
struct Totals {
    gross: String,
    employee_contributions: String,
    income_tax: String,
    other_deductions: String,
    deductions: String,
    net: String,
    employer_contributions: String,
    employer_cost: String,
}

fn totals(t: &::payroll::PayslipTotals) -> Totals {
    Totals {
        gross: money(t.gross),
        employee_contributions: money(t.employee_contributions),
        income_tax: money(t.income_tax),
        other_deductions: money(t.other_deductions),
        deductions: money(t.employee_contributions + t.income_tax + t.other_deductions),
        net: money(t.net),
        employer_contributions: money(t.employer_contributions),
        employer_cost: money(t.employer_cost),
    }
}

/// The month shown without `?month=`: the latest month run, else the latest roster's month,
/// else this month.
async fn default_month(app: &App) -> anyhow::Result<String> {
    let run: Option<String> = sqlx::query_scalar("SELECT max(month) FROM payroll_runs")
        .fetch_one(&app.store.pool)
        .await?;
    Ok(run
        .or_else(|| super::roster_months(app).pop())
        .unwrap_or_else(current_month))
}

fn month_of(q: &HashMap<String, String>) -> Result<String, Response> {
    let month = q.get("month").cloned().unwrap_or_else(current_month);
    crate::data::parse_month(&month).map_err(bad_request)?;
    Ok(month)
}

// ---------------------------------------------------------------------------------------------
// Payroll pages.

async fn payroll_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::Payroll).await?;
    let month = match q.get("month") {
        Some(_) => month_of(&q)?,
        None => default_month(&app).await.map_err(internal)?,
    };
    let runs = runs_where(&app, "month = $1", &month)
        .await
        .map_err(internal)?;
    let months: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT month FROM payroll_runs ORDER BY month DESC LIMIT 24")
            .fetch_all(&app.store.pool)
            .await
            .map_err(internal)?;
    let latest = match runs.first() {
        Some(r) => load_run(&app, r.id).await.map_err(internal)?,
        None => None,
    };
    let has_roster = super::roster::roster_doc(&app, &month)
        .await
        .map_err(internal)?
        .is_some();
    let latest = latest.map(|run| {
        let people: Vec<BTreeMap<&str, String>> = run
            .pay
            .payslips
            .iter()
            .map(|p| {
                let t = &p.totals;
                BTreeMap::from([
                    ("id", p.employee_id.clone()),
                    ("name", p.employee_name.clone()),
                    ("position", position_label(p.position, &ctx.lang)),
                    ("gross", money(t.gross)),
                    (
                        "deductions",
                        money(t.employee_contributions + t.income_tax + t.other_deductions),
                    ),
                    ("net", money(t.net)),
                ])
            })
            .collect();
        context! {
            run => Value::from_serialize(&run.row),
            totals => Value::from_serialize(totals(&run.pay.totals)),
            breaches => run.pay.minimum_wage_breaches.clone(),
            people => people,
            count => run.pay.payslips.len(),
            attendance_records => run.cost.attendance_records,
            evaluated => run.cost.evaluated,
            shortfalls => run.cost.shortfalls,
            seat_labour_cost => money(run.cost.cost.seat_labour_cost),
        }
    });
    let approved = runs.iter().any(|r| r.status == "approved");
    // Differences between roster and attendance HR has not confirmed yet: shown before the
    // approval (the run pays them as reconciled; confirming is HR's check that this is right).
    let open_differences = super::differences::of_month(&app, &month)
        .await
        .map_err(internal)?
        .map_or(0, |d| d.iter().filter(|r| r.confirmed_by.is_none()).count());
    let title = app.texts[&ctx.lang]["nav_payroll"].clone();
    Ok(ctx.render(
        "payroll.html",
        "payroll",
        &title,
        context! {
            month => &month,
            months => months,
            runs => Value::from_serialize(&runs),
            latest => latest,
            approved => approved,
            open_differences => open_differences,
            has_roster => has_roster,
            running => RUNNING.lock().ok().and_then(|s| s.as_ref().map(|s| s.contains(&month))).unwrap_or(false),
            can_approve => super::allowed(ctx.session.user.role, Area::PayrollApprove),
        },
    ))
}

async fn run_post(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::Payroll).await?;
    if !form.contains_key("month") {
        return Err(bad_request("a month YYYY-MM is required"));
    }
    let month = month_of(&form)?;
    run_month(&app, &ctx, &month).await?;
    Ok(Redirect::to(&format!("/payroll?month={month}")).into_response())
}

/// Computes a draft of `month` and stores it (audited); its id.
async fn run_month(app: &App, ctx: &Ctx<'_>, month: &str) -> Result<i64, Response> {
    let month = month.to_string();
    if approved_of(app, &month).await.map_err(internal)?.is_some() {
        return Err(conflict(IMMUTABLE));
    }
    let Some(_running) = Running::claim(&month) else {
        return Err(conflict(&format!(
            "the payroll of {month} is being computed; wait for it to finish"
        )));
    };
    let Some((doc, published)) = super::roster::roster_doc(app, &month)
        .await
        .map_err(internal)?
    else {
        return Err((StatusCode::NOT_FOUND, format!("no roster for {month}")).into_response());
    };
    let paid = super::pay_month(app, &month, doc)
        .await
        .map_err(|e| internal(format!("{e:#}")))?;
    // Approved meanwhile (by someone else)? Then this draft is not stored.
    if approved_of(app, &month).await.map_err(internal)?.is_some() {
        return Err(conflict(IMMUTABLE));
    }
    let reserve = paid
        .roster
        .problem
        .employees
        .iter()
        .filter(|e| e.reserve)
        .count();
    let cost = CostDoc {
        cost: paid.run.cost.clone(),
        months: paid.run.months.clone(),
        year: paid.run.year.clone(),
        floor: paid.run.floor,
        on_post: u32::try_from(paid.roster.problem.employees.len() - reserve).unwrap_or(0),
        reserve: u32::try_from(reserve).unwrap_or(0),
        shortfalls: paid.roster.roster.shortfalls.len(),
        roster_published: published,
        attendance_records: paid.attendance_records,
        evaluated: paid.evaluated,
    };
    let pay_json = serde_json::to_string(&paid.run.pay).map_err(internal)?;
    let cost_json = serde_json::to_string(&cost).map_err(internal)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payroll_runs (month, status, payroll_json, cost_json, created_by, created_at) VALUES ($1, 'draft', $2, $3, $4, $5) RETURNING id",
    )
    .bind(&month)
    .bind(&pay_json)
    .bind(&cost_json)
    .bind(&ctx.session.user.username)
    .bind(crate::store::now())
    .fetch_one(&app.store.pool)
    .await
    .map_err(internal)?;
    let t = &paid.run.pay.totals;
    app.store
        .audit(
            &ctx.session.user.username,
            "payroll.run",
            &format!("{month} run #{id}"),
            None,
            Some(&format!(
                "draft: {} people · gross {} · net {} · employer cost {}",
                paid.run.pay.payslips.len(),
                t.gross,
                t.net,
                t.employer_cost
            )),
        )
        .await
        .map_err(internal)?;
    Ok(id)
}

async fn approve_post(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::PayrollApprove).await?;
    let month = approve_run(&app, &ctx, id).await?;
    Ok(Redirect::to(&format!("/payroll?month={month}")).into_response())
}

/// Approves run `id` (audited); its month.
async fn approve_run(app: &App, ctx: &Ctx<'_>, id: i64) -> Result<String, Response> {
    let Some(run) = load_run(app, id).await.map_err(internal)? else {
        return Err(super::not_found().await);
    };
    if run.row.status == "approved"
        || approved_of(app, &run.row.month)
            .await
            .map_err(internal)?
            .is_some()
    {
        return Err(conflict(IMMUTABLE));
    }
    let done = sqlx::query(
        "UPDATE payroll_runs SET status = 'approved', approved_by = $1, approved_at = $2 WHERE id = $3 AND status = 'draft'",
    )
    .bind(&ctx.session.user.username)
    .bind(crate::store::now())
    .bind(id)
    .execute(&app.store.pool)
    .await;
    match done {
        Ok(r) if r.rows_affected() == 1 => {}
        // Another approval of the month won the race (unique index) or this one did.
        _ => return Err(conflict(IMMUTABLE)),
    }
    let t = &run.pay.totals;
    app.store
        .audit(
            &ctx.session.user.username,
            "payroll.approve",
            &format!("{} run #{id}", run.row.month),
            Some("draft"),
            Some(&format!(
                "approved: {} people · gross {} · net {} · employer cost {}",
                run.pay.payslips.len(),
                t.gross,
                t.net,
                t.employer_cost
            )),
        )
        .await
        .map_err(internal)?;
    Ok(run.row.month)
}

#[derive(Serialize)]
struct LineRow {
    label: String,
    code: String,
    amount: String,
    formula: String,
    inputs: String,
}

async fn payslip_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath((id, employee)): UrlPath<(i64, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::Payroll).await?;
    let Some(run) = load_run(&app, id).await.map_err(internal)? else {
        return Err(super::not_found().await);
    };
    let Some(p) = run.pay.payslips.iter().find(|p| p.employee_id == employee) else {
        return Err(super::not_found().await);
    };
    let en = ctx.lang == "en";
    let t = &app.texts[&ctx.lang];
    let lines = |ls: &[::payroll::PayLine]| -> Vec<LineRow> {
        ls.iter()
            .map(|l| LineRow {
                label: if en { &l.label_en } else { &l.label_zh }.clone()
                    + &l.source_month
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default(),
                code: l.code.clone(),
                amount: money(l.amount),
                formula: l.formula.clone(),
                inputs: l
                    .inputs
                    .iter()
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect()
    };
    let sections = vec![
        context! { title => t["payroll_earnings"].clone(), lines => Value::from_serialize(lines(&p.earnings)), total => money(p.totals.gross) },
        context! { title => t["payroll_employee_contributions"].clone(), lines => Value::from_serialize(lines(&p.employee_contributions)), total => money(p.totals.employee_contributions) },
        context! { title => t["payroll_income_tax"].clone(), lines => Value::from_serialize(lines(&p.income_tax)), total => money(p.totals.income_tax) },
        context! { title => t["payroll_other_deductions"].clone(), lines => Value::from_serialize(lines(&p.other_deductions)), total => money(p.totals.other_deductions) },
        context! { title => t["payroll_employer_contributions"].clone(), lines => Value::from_serialize(lines(&p.employer_contributions)), total => money(p.totals.employer_contributions) },
    ];
    let title = format!(
        "{} {} {}",
        t["payroll_payslip"], p.employee_name, run.row.month
    );
    Ok(ctx.render(
        "payroll_slip.html",
        "payroll",
        &title,
        context! {
            run => Value::from_serialize(&run.row),
            person => context! {
                id => &p.employee_id,
                name => &p.employee_name,
                position => position_label(p.position, &ctx.lang),
                grade => p.pay_grade,
            },
            sections => sections,
            totals => Value::from_serialize(totals(&p.totals)),
        },
    ))
}

async fn export_run(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath((id, kind)): UrlPath<(i64, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::Payroll).await?;
    let Some(run) = load_run(&app, id).await.map_err(internal)? else {
        return Err(super::not_found().await);
    };
    let label = match kind.as_str() {
        "payroll" => "工资表",
        "payslips" => "工资条",
        "ledger" => "社保公积金台账",
        "tax" => "个税导入",
        "bank" => "银行代发",
        _ => return Err(super::not_found().await),
    };
    let month = run.row.month.clone();
    let status = run.row.status.clone();
    let site = app.site.path();
    let k = <crate::export_cli::ExportKind as clap::ValueEnum>::from_str(&kind, true)
        .map_err(|e| (StatusCode::NOT_FOUND, e).into_response())?;
    let bytes = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<u8>> {
        crate::export_cli::pay_workbook(k, &run.pay, &site)?
            .ok_or_else(|| anyhow::anyhow!("not a payroll workbook"))
    })
    .await
    .map_err(internal)?
    .map_err(|e| internal(format!("{e:#}")))?;
    app.store
        .audit(
            &ctx.session.user.username,
            "payroll.export",
            &format!("{kind} {month} run #{id}"),
            None,
            None,
        )
        .await
        .map_err(internal)?;
    let draft = if status == "approved" { "" } else { "-草稿" };
    Ok(super::xlsx_attachment(
        bytes,
        &format!("{label}-{month}-run{id}{draft}.xlsx"),
    ))
}

// ---------------------------------------------------------------------------------------------
// Compliance.

/// The run the compliance view of `year` is taken from: the latest month's approved run,
/// else its latest run.
async fn compliance_run(app: &App, year: i32) -> anyhow::Result<Option<Run>> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM payroll_runs WHERE month LIKE $1 ORDER BY month DESC, status = 'approved' DESC, id DESC LIMIT 1",
    )
    .bind(format!("{year}-%"))
    .fetch_optional(&app.store.pool)
    .await?;
    match id {
        Some(id) => load_run(app, id).await,
        None => Ok(None),
    }
}

/// The year of `run` with every earlier month that has an approved run taken from that run's
/// stored cost (not the standard-month model), the year view recomputed over them; and where
/// each month comes from (`approved #id`, `draft #id`, or modelled).
async fn merged_cost(app: &App, run: &Run) -> anyhow::Result<(CostDoc, BTreeMap<String, String>)> {
    let mut c = run.cost.clone();
    let mut sources = BTreeMap::new();
    sources.insert(
        run.row.month.clone(),
        format!("{} #{}", run.row.status, run.row.id),
    );
    let year = &run.row.month[..4];
    let mut changed = false;
    for r in runs_where(
        app,
        "month LIKE $1 AND status = 'approved'",
        &format!("{year}-%"),
    )
    .await?
    {
        if r.id == run.row.id || r.month >= run.row.month {
            continue;
        }
        let Some(other) = load_run(app, r.id).await? else {
            continue;
        };
        if let Some(slot) = c
            .months
            .iter_mut()
            .find(|m| m.month == other.cost.cost.month)
        {
            *slot = other.cost.cost.clone();
            sources.insert(r.month.clone(), format!("approved #{}", r.id));
            changed = true;
        }
    }
    if changed {
        let totals: Vec<::payroll::CostMonthTotal> = c
            .months
            .iter()
            .map(|m| ::payroll::CostMonthTotal {
                month: m.month,
                seat_labour_cost: m.seat_labour_cost,
            })
            .collect();
        c.year = ::payroll::seat_cost_year(c.floor, &totals, c.cost.seat_labour_cost)?;
    }
    Ok((c, sources))
}

/// The year's labour cost for the overview: year to date, the floor, the projection, whether
/// it is met, and the chart — from the same run and months as the compliance page; `None`
/// before any payroll run of the year.
pub(crate) async fn year_cost(app: &App, year: i32, lang: &str) -> anyhow::Result<Option<Value>> {
    let Some(run) = compliance_run(app, year).await? else {
        return Ok(None);
    };
    let (c, _) = merged_cost(app, &run).await?;
    let y = &c.year;
    Ok(Some(context! {
        latest_month => y.latest_month.to_string(),
        year_to_date => money(y.year_to_date),
        floor => money(y.floor),
        floor_to_date => money(payroll_xlsx::floor_line(y.floor, y.latest_month.month())),
        projected_year => money(y.projected_year),
        margin => money(y.margin),
        meets_floor => y.meets_floor,
        run_status => &run.row.status,
        chart => Value::from_safe_string(chart(&c, lang)),
    }))
}

fn chart(cost: &CostDoc, lang: &str) -> String {
    let (w, h, left, right, top, bottom) = (1000.0_f64, 300.0_f64, 70.0, 20.0, 30.0, 36.0);
    let floor = cost.year.floor;
    let to_f = |d: Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
    let max = to_f(
        floor
            .max(cost.year.projected_year)
            .max(cost.year.year_to_date),
    ) * 1.05;
    let max = if max > 0.0 { max } else { 1.0 };
    let x = |m: u32| left + (w - left - right) * f64::from(m) / 12.0;
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px" role="img" font-size="11">"#
    );
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e7eb"/><text x="{}" y="{:.1}" text-anchor="end" fill="#6b7280">{}</text>"##,
            w - right,
            left - 6.0,
            y(v) + 4.0,
            if lang == "en" {
                format!("{:.2}M", v / 1_000_000.0)
            } else {
                format!("{:.0}万", v / 10_000.0)
            },
            y = y(v)
        );
    }
    for m in 1..=12u32 {
        s += &format!(
            r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#6b7280">{m}</text>"##,
            x(m),
            h - bottom + 16.0
        );
    }
    // The floor line, pro rata from 0 to the annual floor.
    s += &format!(
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#b91c1c" stroke-width="2" stroke-dasharray="6 4"/>"##,
        x(0),
        y(0.0),
        x(12),
        y(to_f(floor))
    );
    // Cumulative cost.
    let mut pts = vec![format!("{:.1},{:.1}", x(0), y(0.0))];
    for r in &cost.year.months {
        pts.push(format!(
            "{:.1},{:.1}",
            x(r.month.month()),
            y(to_f(r.year_to_date))
        ));
    }
    s += &format!(
        r##"<polyline points="{}" fill="none" stroke="#1d4ed8" stroke-width="2.5"/>"##,
        pts.join(" ")
    );
    for r in &cost.year.months {
        s += &format!(
            r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#1d4ed8"/>"##,
            x(r.month.month()),
            y(to_f(r.year_to_date))
        );
    }
    // The projection to December.
    let last = cost.year.latest_month.month();
    s += &format!(
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#1d4ed8" stroke-width="1.5" stroke-dasharray="3 3"/>"##,
        x(last),
        y(to_f(cost.year.year_to_date)),
        x(12),
        y(to_f(cost.year.projected_year))
    );
    let (l_cost, l_floor, l_proj) = if lang == "en" {
        ("cumulative cost", "floor (pro rata)", "projection")
    } else {
        ("累计人工费", "下限（按月均摊）", "全年预测")
    };
    s += &format!(
        r##"<g transform="translate({left},4)"><rect width="10" height="3" y="4" fill="#1d4ed8"/><text x="14" y="9">{l_cost}</text><rect x="130" width="10" height="3" y="4" fill="#b91c1c"/><text x="144" y="9">{l_floor}</text><line x1="270" x2="282" y1="5" y2="5" stroke="#1d4ed8" stroke-dasharray="3 3"/><text x="286" y="9">{l_proj}</text></g>"##
    );
    s += "</svg>";
    s
}

async fn compliance_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::Compliance).await?;
    let year: i32 = match q.get("year") {
        Some(y) => y.parse().map_err(|_| bad_request("year: YYYY"))?,
        None => current_month()[..4].parse().unwrap_or(2026),
    };
    let policy = crate::payroll_cli::load_policy(&app.config.data_dir).map_err(internal)?;
    let floor_row = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| policy.contract_cost.floor_on(d).ok());
    let run = compliance_run(&app, year).await.map_err(internal)?;
    let approved: Vec<String> = sqlx::query_scalar(
        "SELECT month FROM payroll_runs WHERE month LIKE $1 AND status = 'approved' ORDER BY month",
    )
    .bind(format!("{year}-%"))
    .fetch_all(&app.store.pool)
    .await
    .map_err(internal)?;
    let merged = match &run {
        Some(run) => Some(merged_cost(&app, run).await.map_err(internal)?),
        None => None,
    };
    let view = run.zip(merged).map(|(run, (c, sources))| {
        let c = &c;
        let item_names: Vec<String> = c
            .cost
            .items
            .iter()
            .map(|l| {
                if ctx.lang == "en" {
                    &l.label_en
                } else {
                    &l.label_zh
                }
                .clone()
            })
            .collect();
        let months: Vec<Value> = c
            .months
            .iter()
            .map(|m| {
                let ytd = c
                    .year
                    .months
                    .iter()
                    .find(|r| r.month == m.month)
                    .map(|r| money(r.year_to_date))
                    .unwrap_or_default();
                let month_text = m.month.to_string();
                let source = sources.get(&month_text).cloned().unwrap_or_default();
                let (source_kind, source_run) = source.split_once(' ').unwrap_or(("", ""));
                context! {
                    month => month_text,
                    headcount => m.headcount,
                    wages => money(m.wages),
                    si => money(m.employer_social_insurance),
                    hf => money(m.employer_housing_fund),
                    items => m.items.iter().map(|l| money(l.amount)).collect::<Vec<_>>(),
                    management => money(m.management_cost),
                    seat => money(m.seat_labour_cost),
                    ytd => ytd,
                    source_kind => source_kind,
                    source_run => source_run,
                }
            })
            .collect();
        let mut by_position: BTreeMap<::payroll::Position, Vec<&::payroll::Payslip>> =
            BTreeMap::new();
        for p in &run.pay.payslips {
            by_position.entry(p.position).or_default().push(p);
        }
        let positions: Vec<Value> = by_position
            .iter()
            .map(|(pos, ps)| {
                let n = Decimal::from(ps.len());
                let gross: Decimal = ps.iter().map(|p| p.totals.gross).sum();
                let net: Decimal = ps.iter().map(|p| p.totals.net).sum();
                let cost: Decimal = ps.iter().map(|p| p.totals.employer_cost).sum();
                context! {
                    position => position_label(*pos, &ctx.lang),
                    count => ps.len(),
                    avg_gross => money(gross / n),
                    avg_net => money(net / n),
                    employer_cost => money(cost),
                    people => ps.iter().map(|p| context! {
                        id => &p.employee_id,
                        name => &p.employee_name,
                        gross => money(p.totals.gross),
                        net => money(p.totals.net),
                        employer_cost => money(p.totals.employer_cost),
                    }).collect::<Vec<_>>(),
                }
            })
            .collect();
        let y = &c.year;
        context! {
            run => Value::from_serialize(&run.row),
            item_names => item_names,
            months => months,
            floor => money(y.floor),
            year_to_date => money(y.year_to_date),
            floor_to_date => money(payroll_xlsx::floor_line(y.floor, y.latest_month.month())),
            run_rate => money(y.run_rate),
            remaining_months => y.remaining_months,
            projected_year => money(y.projected_year),
            margin => money(y.margin),
            margin_negative => y.margin < Decimal::ZERO,
            meets_floor => y.meets_floor,
            formula => &y.formula,
            latest_month => y.latest_month.to_string(),
            on_post => c.on_post,
            reserve => c.reserve,
            contracted => 52,
            shortfalls => c.shortfalls,
            coverage_met => c.shortfalls == 0,
            positions => positions,
            chart => Value::from_safe_string(chart(c, &ctx.lang)),
        }
    });
    let title = app.texts[&ctx.lang]["nav_compliance"].clone();
    Ok(ctx.render(
        "compliance.html",
        "compliance",
        &title,
        context! {
            year => year,
            policy_floor => floor_row.map(|f| money(f.annual)),
            floor_source => floor_row.map(|f| f.provenance.source.clone()),
            approved => approved,
            view => view,
        },
    ))
}

async fn compliance_export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    let ctx = guard(&app, &headers, &q, Area::ComplianceExport).await?;
    let Some(run) = load_run(&app, id).await.map_err(internal)? else {
        return Err(super::not_found().await);
    };
    let policy = crate::payroll_cli::load_policy(&app.config.data_dir).map_err(internal)?;
    let floor_row = policy
        .contract_cost
        .floor_on(run.pay.month.first_day())
        .map_err(internal)?;
    let (c, _) = merged_cost(&app, &run).await.map_err(internal)?;
    let c = &c;
    let input = ComplianceInput {
        year: run.pay.month.year(),
        floor: c.floor,
        floor_source: floor_row.provenance.source.clone(),
        headcount: c
            .months
            .iter()
            .map(|m| MonthHeadcount {
                month: m.month,
                on_post: c.on_post,
                reserve: c.reserve,
            })
            .collect(),
        months: c.months.clone(),
        year_view: c.year.clone(),
        contracted_heads: 52,
    };
    let bytes = tokio::task::spawn_blocking(move || payroll_xlsx::compliance(&input))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    app.store
        .audit(
            &ctx.session.user.username,
            "compliance.export",
            &format!("{} run #{id}", run.row.month),
            None,
            None,
        )
        .await
        .map_err(internal)?;
    Ok(super::xlsx_attachment(
        bytes,
        &format!("坐席人工费合规-{}-run{id}.xlsx", run.row.month),
    ))
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    /// The database itself refuses to change or delete an approved run, and holds at most one
    /// approved run per month.
    #[tokio::test]
    async fn approved_runs_are_immutable_in_the_database() {
        for store in crate::store::test_stores().await {
            immutable_on(&store).await;
        }
    }

    async fn immutable_on(store: &Store) {
        let insert = |status: &'static str| {
            sqlx::query("INSERT INTO payroll_runs (month, status, payroll_json, cost_json, created_by, created_at) VALUES ('2026-03', $1, '{}', '{}', 'hr', 'now')")
                .bind(status)
                .execute(&store.pool)
        };
        insert("draft").await.unwrap();
        insert("approved").await.unwrap();
        assert!(
            insert("approved").await.is_err(),
            "one approved run a month"
        );
        let err =
            sqlx::query("UPDATE payroll_runs SET payroll_json = '[]' WHERE status = 'approved'")
                .execute(&store.pool)
                .await
                .unwrap_err();
        assert!(err.to_string().contains("immutable"), "{err}");
        assert!(
            sqlx::query("DELETE FROM payroll_runs WHERE status = 'approved'")
                .execute(&store.pool)
                .await
                .is_err()
        );
        // Drafts stay editable.
        sqlx::query("DELETE FROM payroll_runs WHERE status = 'draft'")
            .execute(&store.pool)
            .await
            .unwrap();
    }
}

#[cfg(test)]
mod running_tests {
    use super::Running;

    #[test]
    fn one_computation_per_month_at_a_time() {
        let first = Running::claim("2031-05").unwrap();
        assert!(Running::claim("2031-05").is_none(), "the second waits");
        let other = Running::claim("2031-06").unwrap();
        drop(first);
        assert!(Running::claim("2031-05").is_some(), "free once done");
        drop(other);
    }
}
