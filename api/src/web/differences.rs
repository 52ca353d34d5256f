//! The differences between the roster and the stored attendance of a month (未排班出勤,
//! 排班未出勤, 换班, 缺卡, 请假未在排班中, 无考勤记录), computed by the same reconciliation
//! payroll pays from, for HR to confirm one by one with a note. Confirmations are stored by
//! person, date and kind, audited; a difference a later import no longer produces simply
//! stops showing.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::Row as _;

use super::{api_guard, check_csrf, check_csrf_header, guard, internal, App, Area, Page};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/attendance/differences/confirm", post(confirm_form))
        .route("/api/attendance/differences", get(api_list))
        .route("/api/attendance/differences/confirm", post(api_confirm))
}

/// One difference with its confirmation, if any.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    pub(crate) employee: String,
    pub(crate) name: String,
    pub(crate) date: String,
    /// `DifferenceKind` code (snake case).
    pub(crate) kind: String,
    pub(crate) label: String,
    pub(crate) rostered: String,
    pub(crate) recorded: String,
    pub(crate) detail: String,
    pub(crate) confirmed_by: Option<String>,
    pub(crate) confirmed_at: Option<String>,
    pub(crate) note: Option<String>,
}

fn kind_code(k: crate::attendance::DifferenceKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The month's differences (none when nothing is stored or there is no roster: then
/// `None`), each with its confirmation.
pub(crate) async fn of_month(app: &App, month: &str) -> anyhow::Result<Option<Vec<Row>>> {
    let records = app.store.attendance(month).await?;
    if records.is_empty() {
        return Ok(None);
    }
    let Some((doc, _)) = super::roster::roster_doc(app, month).await? else {
        return Ok(None);
    };
    let policy = crate::attendance_cli::load_policy(&app.config.data_dir)?;
    let rec = crate::attendance::reconcile(
        &doc,
        &records,
        &policy,
        Decimal::from(crate::timesheet::NEUTRAL_KPI_SCORE),
    );
    let mut confirmed: HashMap<(String, String, String), (String, String, String)> = HashMap::new();
    for r in sqlx::query("SELECT employee_id, date, kind, note, confirmed_by, confirmed_at FROM attendance_confirmation WHERE month = $1")
        .bind(month)
        .fetch_all(&app.store.pool)
        .await?
    {
        confirmed.insert(
            (r.try_get("employee_id")?, r.try_get("date")?, r.try_get("kind")?),
            (r.try_get("confirmed_by")?, r.try_get("confirmed_at")?, r.try_get("note")?),
        );
    }
    Ok(Some(
        rec.differences
            .iter()
            .map(|d| {
                let kind = kind_code(d.kind);
                let date = d.date.to_string();
                let c = confirmed.get(&(d.employee.clone(), date.clone(), kind.clone()));
                Row {
                    employee: d.employee.clone(),
                    name: d.name.clone(),
                    label: d.kind.label_zh().to_string(),
                    rostered: d.rostered.clone().unwrap_or_default(),
                    recorded: d.recorded.clone().unwrap_or_default(),
                    detail: d.detail.clone(),
                    confirmed_by: c.map(|c| c.0.clone()),
                    confirmed_at: c.map(|c| c.1.clone()),
                    note: c.map(|c| c.2.clone()),
                    date,
                    kind,
                }
            })
            .collect(),
    ))
}

/// Confirms the differences named by `(employee, date, kind)` (each must be one the month has
/// now), with `note`, in one transaction with its audit entry. Returns how many were new.
async fn confirm(
    app: &App,
    actor: &str,
    month: &str,
    which: &[(String, String, String)],
    note: &str,
) -> Result<usize, Response> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m).into_response();
    crate::data::parse_month(month).map_err(|e| bad(e.to_string()))?;
    let rows = of_month(app, month)
        .await
        .map_err(internal)?
        .ok_or_else(|| {
            bad(format!(
                "{month}: no stored attendance or no roster to reconcile"
            ))
        })?;
    if which.is_empty() {
        return Err(bad("name at least one difference".into()));
    }
    for (e, d, k) in which {
        if !rows
            .iter()
            .any(|r| r.employee == *e && r.date == *d && r.kind == *k)
        {
            return Err(bad(format!("{month} has no difference {k} of {e} on {d}")));
        }
    }
    let at = crate::store::now();
    let mut tx = app.store.pool.begin().await.map_err(internal)?;
    let mut new = 0;
    for (e, d, k) in which {
        new += sqlx::query(
            "INSERT INTO attendance_confirmation (month, employee_id, date, kind, note, confirmed_by, confirmed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (month, employee_id, date, kind) DO NOTHING",
        )
        .bind(month)
        .bind(e)
        .bind(d)
        .bind(k)
        .bind(note)
        .bind(actor)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(internal)?
        .rows_affected() as usize;
    }
    let target = which
        .iter()
        .map(|(e, d, k)| format!("{e} {d} {k}"))
        .collect::<Vec<_>>()
        .join("; ");
    crate::accounts::audit_tx(
        &mut tx,
        actor,
        "attendance.difference.confirm",
        &format!("{month}: {target}"),
        None,
        Some(note),
    )
    .await
    .map_err(internal)?;
    tx.commit().await.map_err(internal)?;
    Ok(new)
}

/// The form: `month`, `note`, and one or more `item` = `EMPLOYEE|DATE|KIND`.
async fn confirm_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Page {
    let ctx = guard(&app, &headers, &HashMap::new(), Area::Attendance).await?;
    let one = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    check_csrf(&ctx, one("csrf").as_ref())?;
    let month = one("month").unwrap_or_default();
    let which: Vec<(String, String, String)> = fields
        .iter()
        .filter(|(k, _)| k == "item")
        .filter_map(|(_, v)| {
            let mut p = v.splitn(3, '|');
            Some((
                p.next()?.to_string(),
                p.next()?.to_string(),
                p.next()?.to_string(),
            ))
        })
        .collect();
    confirm(
        &app,
        &ctx.session.user.username,
        &month,
        &which,
        one("note").unwrap_or_default().trim(),
    )
    .await?;
    Ok(Redirect::to(&format!("/attendance?month={month}#differences")).into_response())
}

async fn api_list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    api_guard(&app, &headers, Area::Attendance).await?;
    let month = q.get("month").cloned().unwrap_or_default();
    crate::data::parse_month(&month)
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()).into_response())?;
    let rows = of_month(&app, &month).await.map_err(internal)?;
    Ok(Json(serde_json::json!({
        "month": month,
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
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Page {
    let ctx = api_guard(&app, &headers, Area::Attendance).await?;
    check_csrf_header(&ctx, &headers)?;
    let b: ConfirmBody = serde_json::from_slice(&body)
        .map_err(|e| (StatusCode::BAD_REQUEST, format!("body: {e}")).into_response())?;
    let which: Vec<(String, String, String)> = b
        .items
        .into_iter()
        .map(|i| (i.employee, i.date, i.kind))
        .collect();
    let new = confirm(
        &app,
        &ctx.session.user.username,
        &b.month,
        &which,
        b.note.trim(),
    )
    .await?;
    Ok(Json(serde_json::json!({"stored": true, "confirmed": new})).into_response())
}
