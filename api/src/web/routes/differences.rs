//! The differences between the roster and the stored attendance of a month (未排班出勤,
//! 排班未出勤, 换班, 缺卡, 请假未在排班中, 无考勤记录), computed by the same reconciliation
//! payroll pays from, for HR to confirm one by one with a note
//! ([`crate::month::attendance::differences`]).

use std::sync::Arc;

use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::month::YearMonth;
use crate::web::extract::{areas, Fields, JsonBody, Posted, Signed};
use crate::web::{App, AppError};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/attendance/differences/confirm", post(confirm_form))
        .route("/api/attendance/differences", get(api_list))
        .route("/api/attendance/differences/confirm", post(api_confirm))
}

/// The form: `month`, `note`, and one or more `item` = `EMPLOYEE|DATE|KIND`.
async fn confirm_form(p: Posted<areas::Attendance, Fields>) -> Result<Response, AppError> {
    let month = YearMonth::parse(p.body.get("month").unwrap_or_default())?;
    let which: Vec<(String, String, String)> = p
        .body
        .all("item")
        .filter_map(|v| {
            let mut it = v.splitn(3, '|');
            Some((
                it.next()?.to_string(),
                it.next()?.to_string(),
                it.next()?.to_string(),
            ))
        })
        .collect();
    crate::month::attendance::confirm(
        p.ctx.app.cx(),
        month,
        &which,
        p.body.get("note").unwrap_or_default().trim(),
        p.ctx.actor(),
    )
    .await?;
    Ok(Redirect::to(&format!("/attendance?month={month}#differences")).into_response())
}

async fn api_list(s: Signed<areas::Attendance>) -> Result<Response, AppError> {
    let month = YearMonth::parse(s.query.get("month").map_or("", String::as_str))?;
    let rows = crate::month::attendance::differences(s.ctx.app.cx(), month).await?;
    Ok(Json(serde_json::json!({
        "month": month.to_string(),
        "reconciled": rows.is_some(),
        "differences": rows.unwrap_or_default(),
    }))
    .into_response())
}

#[derive(serde::Deserialize)]
struct ConfirmBody {
    month: String,
    #[serde(default)]
    note: String,
    items: Vec<Item>,
}

#[derive(serde::Deserialize)]
struct Item {
    employee: String,
    date: String,
    kind: String,
}

async fn api_confirm(
    p: Posted<areas::Attendance, JsonBody<ConfirmBody>>,
) -> Result<Response, AppError> {
    let b = p.body.0;
    let month = YearMonth::parse(&b.month)?;
    let which: Vec<(String, String, String)> = b
        .items
        .into_iter()
        .map(|i| (i.employee, i.date, i.kind))
        .collect();
    let new = crate::month::attendance::confirm(
        p.ctx.app.cx(),
        month,
        &which,
        b.note.trim(),
        p.ctx.actor(),
    )
    .await?;
    Ok(Json(serde_json::json!({"stored": true, "confirmed": new})).into_response())
}
