//! Corrections of approved months (更正) in the web app: a corrected attendance file or a KPI
//! adjustment entered against the approved month it corrects, listed on that month's
//! attendance page, paid as difference lines (补发/补扣) by the next payroll run
//! ([`crate::month::corrections`]). The approved month itself never changes.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::context;
use rust_decimal::Decimal;

use crate::db::corrections::CorrectionRow;
use crate::kpi::Adjustment;
use crate::month::YearMonth;
use crate::web::extract::{areas, JsonBody, Posted, RawBody, Signed, Upload};
use crate::web::routes::attendance::view;
use crate::web::{App, AppError, Ctx};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/attendance/correct", post(correct_form))
        .route("/api/corrections", get(api_list))
        .route("/api/corrections/attendance", post(api_attendance))
        .route("/api/corrections/kpi", post(api_kpi))
}

/// The corrections of `month` for the attendance page, with the run that paid each.
pub(crate) async fn of_month(ctx: &Ctx, month: YearMonth) -> Result<Vec<CorrectionRow>, AppError> {
    Ok(ctx
        .app
        .store
        .corrections_of(&month.to_string())
        .await?
        .into_iter()
        .map(|mut c| {
            c.created_at = crate::clock::local(&c.created_at);
            c
        })
        .collect())
}

/// The form on a frozen month's attendance page: `month`, `reason`, `file`.
async fn correct_form(p: Posted<areas::Corrections, Upload>) -> Result<Response, AppError> {
    let ctx = &p.ctx;
    let month = YearMonth::parse(p.body.fields.get("month").map_or("", String::as_str))?;
    let reason = p.body.fields.get("reason").cloned().unwrap_or_default();
    let Some((file_name, bytes)) = p.body.file else {
        return Err(AppError::bad_request(crate::said::Said::new(
            "a corrected attendance file is required",
            "需要更正后的考勤文件",
        )));
    };
    match crate::month::corrections::enter_attendance(
        ctx.app.cx(),
        month,
        &file_name,
        bytes,
        &reason,
        ctx.actor(),
    )
    .await
    {
        Ok(ids) => {
            let ids: Vec<String> = ids.iter().map(|i| format!("#{i}")).collect();
            let text = format!("{} {}", ids.join(", "), ctx.text("correction_stored"));
            view(ctx, month, context! { correction_stored => text }).await
        }
        Err(crate::month::Error::File(errors)) => {
            let rows: Vec<_> = errors
                .0
                .iter()
                .map(|p| {
                    context! {
                        sheet => &p.sheet,
                        row => p.row.map(|r| r.to_string()).unwrap_or_default(),
                        column => p.column.clone().unwrap_or_default(),
                        expected => p.expected_in(&ctx.lang),
                        found => p.found_in(&ctx.lang),
                    }
                })
                .collect();
            let mut r = view(ctx, month, context! { errors => rows }).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Err(AppError::page(r, errors.text_in(&ctx.lang)))
        }
        Err(
            e @ (crate::month::Error::Conflict(_)
            | crate::month::Error::Invalid(_)
            | crate::month::Error::Refused(_)),
        ) => {
            let status = match e {
                crate::month::Error::Conflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            };
            let m = e.said();
            let mut r = view(ctx, month, context! { notice_bad => m.in_lang(&ctx.lang) }).await?;
            *r.status_mut() = status;
            Err(AppError::page(r, m))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/corrections?month=`: the corrections of an approved month, each with the run
/// that paid it (none while open).
async fn api_list(s: Signed<areas::Corrections>) -> Result<Response, AppError> {
    let month = YearMonth::parse(s.query.get("month").map_or("", String::as_str))?;
    let rows = s.ctx.app.store.corrections_of(&month.to_string()).await?;
    Ok(Json(serde_json::json!({"month": month.to_string(), "corrections": rows})).into_response())
}

/// `POST /api/corrections/attendance?month=&reason=[&file_name=]` (body: the corrected file).
async fn api_attendance(p: Posted<areas::Corrections, RawBody>) -> Result<Response, AppError> {
    let month = YearMonth::parse(p.query.get("month").map_or("", String::as_str))?;
    let reason = p.query.get("reason").cloned().unwrap_or_default();
    let file_name = p
        .query
        .get("file_name")
        .cloned()
        .unwrap_or_else(|| "upload".into());
    let ids = crate::month::corrections::enter_attendance(
        p.ctx.app.cx(),
        month,
        &file_name,
        p.body.0.to_vec(),
        &reason,
        p.ctx.actor(),
    )
    .await?;
    Ok(
        Json(serde_json::json!({"stored": true, "month": month.to_string(), "corrections": ids}))
            .into_response(),
    )
}

#[derive(serde::Deserialize)]
struct KpiBody {
    month: String,
    employee: String,
    kpi: String,
    points: Decimal,
    reason: String,
}

/// `POST /api/corrections/kpi` {month, employee, kpi, points, reason}.
async fn api_kpi(p: Posted<areas::Corrections, JsonBody<KpiBody>>) -> Result<Response, AppError> {
    let b = p.body.0;
    let month = YearMonth::parse(&b.month)?;
    let kpi = payroll::Kpi::ALL
        .into_iter()
        .find(|k| k.name() == b.kpi)
        .ok_or_else(|| {
            AppError::bad_request(crate::said::Said::new(
                format!(
                    "unknown KPI `{}`: answer_rate, satisfaction, qa_score, callback_timeliness or attendance",
                    b.kpi
                ),
                format!(
                    "未知绩效指标“{}”：可选 answer_rate（接通率）、satisfaction（满意率）、qa_score（质检得分）、callback_timeliness（回访及时率）、attendance（出勤）",
                    b.kpi
                ),
            ))
        })?;
    let adj = Adjustment {
        employee: b.employee,
        kpi,
        points: b.points,
        reason: b.reason,
        by: p.ctx.actor().to_string(),
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let id = crate::month::corrections::enter_kpi(p.ctx.app.cx(), month, adj).await?;
    Ok(
        Json(serde_json::json!({"stored": true, "month": month.to_string(), "correction": id}))
            .into_response(),
    )
}
