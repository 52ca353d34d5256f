//! Payroll runs in the web app: run a month as a draft (the pipeline computes it off the async
//! runtime, one computation per month at a time), review the totals and every payslip,
//! approve (then the run is immutable and the month's attendance frozen, also in the
//! database), download the workbooks from the stored run (each saying which run it is).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::{context, Value};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::month::exports::Kind;
use crate::month::YearMonth;
use crate::web::extract::{areas, Fields, JsonBody, Posted, Signed};
use crate::web::{allowed, current_month, xlsx_attachment, App, AppError, Area, Ctx};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/payroll", get(payroll_page))
        .route("/payroll/run", post(run_post))
        .route("/payroll/run/{id}/payslip/{employee}", get(payslip_page))
        .route("/payroll/run/{id}/approve", post(approve_post))
        .route("/payroll/run/{id}/export/{kind}", get(export_run))
        .route("/api/payroll/runs", get(api_runs))
        .route("/api/payroll/run", post(api_run))
        .route("/api/payroll/run/{id}", get(api_run_get))
        .route("/api/payroll/run/{id}/approve", post(api_approve))
}

// ---------------------------------------------------------------------------------------------
// Presentation helpers.

pub(crate) fn money(d: Decimal) -> String {
    ::payroll::money::grouped(d, true)
}

pub(crate) fn position_label(p: ::payroll::Position, lang: &str) -> String {
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

fn month_param(q: Option<&String>) -> Result<YearMonth, AppError> {
    Ok(YearMonth::parse(q.map_or(&current_month(), |m| m))?)
}

// ---------------------------------------------------------------------------------------------
// Payroll pages.

async fn payroll_page(s: Signed<areas::Payroll>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let app = &ctx.app;
    let month = match s.query.get("month") {
        Some(m) => YearMonth::parse(m)?,
        // The latest month run, else the latest roster's month, else this month.
        None => match app.store.run_months(1).await?.first() {
            Some(m) => YearMonth::parse(m)?,
            None => match app.store.roster_months().await?.last() {
                Some(m) => YearMonth::parse(m)?,
                None => YearMonth::parse(&current_month())?,
            },
        },
    };
    let month_text = month.to_string();
    let runs: Vec<_> = app
        .store
        .runs_of_month(&month_text)
        .await?
        .into_iter()
        .map(|mut r| {
            r.created_at = crate::clock::local(&r.created_at);
            r.approved_at = r.approved_at.as_deref().map(crate::clock::local);
            r
        })
        .collect();
    let months = app.store.run_months(24).await?;
    let latest = match runs.first() {
        Some(r) => crate::month::pay::stored(app.cx(), r.id).await?,
        None => None,
    };
    let has_roster = crate::month::roster::for_pay(app.cx(), &month_text)
        .await?
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
            warnings => run.cost.warnings.clone(),
            corrections => run.cost.corrections.clone(),
        }
    });
    let approved = runs.iter().any(|r| r.status == "approved");
    // Differences between roster and attendance HR has not confirmed yet: shown before the
    // approval (the run pays them as reconciled; confirming is HR's check that this is right).
    let open_differences = crate::month::attendance::differences(app.cx(), month)
        .await?
        .map_or(0, |d| d.iter().filter(|r| r.confirmed_by.is_none()).count());
    let title = ctx.text("nav_payroll");
    Ok(ctx.render(
        "payroll.html",
        "payroll",
        &title,
        context! {
            month => &month_text,
            months => months,
            runs => Value::from_serialize(&runs),
            latest => latest,
            approved => approved,
            open_differences => open_differences,
            has_roster => has_roster,
            running => crate::month::pay::Running::busy(&month_text),
            can_approve => allowed(ctx.session.user.role, Area::PayrollApprove),
        },
    ))
}

/// Runs the month as a draft; its id.
async fn run_month(ctx: &Ctx, month: YearMonth) -> Result<i64, AppError> {
    let (id, _) = crate::month::pay::run(ctx.app.cx(), month, ctx.actor()).await?;
    Ok(id)
}

async fn run_post(p: Posted<areas::Payroll, Fields>) -> Result<Response, AppError> {
    let Some(m) = p.body.get("month") else {
        return Err(AppError::bad_request(crate::said::Said::new(
            "a month YYYY-MM is required",
            "需要月份（YYYY-MM）",
        )));
    };
    let month = YearMonth::parse(m)?;
    run_month(&p.ctx, month).await?;
    Ok(Redirect::to(&format!("/payroll?month={month}")).into_response())
}

async fn approve_post(
    UrlPath(id): UrlPath<i64>,
    p: Posted<areas::PayrollApprove, Fields>,
) -> Result<Response, AppError> {
    let month = crate::month::pay::approve(p.ctx.app.cx(), id, p.ctx.actor()).await?;
    Ok(Redirect::to(&format!("/payroll?month={month}")).into_response())
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
    UrlPath((id, employee)): UrlPath<(i64, String)>,
    s: Signed<areas::Payroll>,
) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let Some((row, pay)) = ctx.app.store.run_payroll(id).await? else {
        return Err(AppError::not_found(crate::said::Said::new(
            format!("no payroll run #{id}"),
            format!("没有工资核算 #{id}"),
        )));
    };
    let Some(p) = pay.payslips.iter().find(|p| p.employee_id == employee) else {
        return Err(AppError::not_found(crate::said::Said::new(
            format!("run #{id} has no payslip of {employee}"),
            format!("核算 #{id} 中没有 {employee} 的工资条"),
        )));
    };
    let en = ctx.lang == "en";
    let t = |k: &str| ctx.text(k);
    let lines = |ls: &[::payroll::PayLine]| -> Vec<LineRow> {
        ls.iter()
            .map(|l| LineRow {
                label: if en { &l.label_en } else { &l.label_zh }.clone()
                    + &l.source_month
                        .map(|m| format!(" ({m})"))
                        .unwrap_or_default(),
                code: l.code.clone(),
                amount: money(l.amount),
                // The Chinese formula on Chinese pages (runs stored before it existed have
                // none: their English one is shown). The inputs are named by their English
                // keys, so they are listed on English pages only: the Chinese formula carries
                // every figure.
                formula: if en || l.formula_zh.is_empty() {
                    l.formula.clone()
                } else {
                    l.formula_zh.clone()
                },
                inputs: if en {
                    l.inputs
                        .iter()
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    String::new()
                },
            })
            .collect()
    };
    let sections = vec![
        context! { title => t("payroll_earnings"), lines => Value::from_serialize(lines(&p.earnings)), total => money(p.totals.gross) },
        context! { title => t("payroll_employee_contributions"), lines => Value::from_serialize(lines(&p.employee_contributions)), total => money(p.totals.employee_contributions) },
        context! { title => t("payroll_income_tax"), lines => Value::from_serialize(lines(&p.income_tax)), total => money(p.totals.income_tax) },
        context! { title => t("payroll_other_deductions"), lines => Value::from_serialize(lines(&p.other_deductions)), total => money(p.totals.other_deductions) },
        context! { title => t("payroll_employer_contributions"), lines => Value::from_serialize(lines(&p.employer_contributions)), total => money(p.totals.employer_contributions) },
    ];
    let title = format!("{} {} {}", t("payroll_payslip"), p.employee_name, row.month);
    Ok(ctx.render(
        "payroll_slip.html",
        "payroll",
        &title,
        context! {
            run => Value::from_serialize(&row),
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
    UrlPath((id, kind)): UrlPath<(i64, String)>,
    s: Signed<areas::Payroll>,
) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let Some(kind) = Kind::parse(&kind).filter(|k| k.personal()) else {
        return Err(AppError::not_found(crate::said::Said::new(
            format!("no payroll workbook `{kind}`"),
            format!("没有工资工作簿“{kind}”"),
        )));
    };
    let w = crate::month::exports::run_workbook(ctx.app.cx(), kind, id).await?;
    ctx.app
        .store
        .audit(
            ctx.actor(),
            "payroll.export",
            &format!("{} run #{id}: {}", kind.code(), w.source),
            None,
            None,
        )
        .await?;
    Ok(xlsx_attachment(w.bytes, &w.file_name))
}

// ---------------------------------------------------------------------------------------------
// JSON twins (same roles; POSTs carry the session's CSRF token in `X-CSRF-Token`).

async fn api_runs(s: Signed<areas::Payroll>) -> Result<Response, AppError> {
    let month = month_param(s.query.get("month"))?.to_string();
    let runs = s.ctx.app.store.runs_of_month(&month).await?;
    Ok(Json(serde_json::json!({ "month": month, "runs": runs })).into_response())
}

async fn api_run_get(
    UrlPath(id): UrlPath<i64>,
    s: Signed<areas::Payroll>,
) -> Result<Response, AppError> {
    let Some(run) = crate::month::pay::stored(s.ctx.app.cx(), id).await? else {
        return Err(AppError::not_found(crate::said::Said::new(
            format!("no payroll run #{id}"),
            format!("没有工资核算 #{id}"),
        )));
    };
    Ok(
        Json(serde_json::json!({ "run": run.row, "payroll": run.pay, "cost": run.cost }))
            .into_response(),
    )
}

#[derive(Deserialize)]
struct RunBody {
    month: Option<String>,
}

async fn api_run(p: Posted<areas::Payroll, JsonBody<RunBody>>) -> Result<Response, AppError> {
    let Some(m) = &p.body.0.month else {
        return Err(AppError::bad_request(crate::said::Said::new(
            "a month YYYY-MM is required",
            "需要月份（YYYY-MM）",
        )));
    };
    let month = YearMonth::parse(m)?;
    let id = run_month(&p.ctx, month).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "id": id, "month": month.to_string(), "status": "draft" })),
    )
        .into_response())
}

async fn api_approve(
    UrlPath(id): UrlPath<i64>,
    p: Posted<areas::PayrollApprove, Fields>,
) -> Result<Response, AppError> {
    let month = crate::month::pay::approve(p.ctx.app.cx(), id, p.ctx.actor()).await?;
    Ok(Json(serde_json::json!({ "id": id, "month": month, "status": "approved" })).into_response())
}
