//! The request book (请假 / 换班): the list with each request's status, forms to enter a leave
//! request and a swap, approve and reject — as a page and as JSON. Every step is one call
//! into [`crate::month::requests`]: approving a swap carries it out on the month's roster as
//! a draft (origin `swap`, then published the ordinary way) or refuses it with the rules it
//! breaks, storing nothing.
//!
//! Rights: the area [`areas::Requests`] (admin, operations manager, HR) views the book and
//! enters requests; deciding (approve, reject: [`areas::RequestsDecide`]) is for the admin
//! and the operations manager only, who answer for the roster.

use std::sync::Arc;

use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use crate::month::requests::{self as pipeline, LEAVE_KINDS};
use crate::web::extract::{areas, Fields, JsonBody, Posted, RawBody, Signed};
use crate::web::{allowed, App, AppError, Area, Ctx};
use scheduler::{RequestKind, Status};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/requests", get(page))
        .route("/requests/leave", post(leave_form))
        .route("/requests/swap", post(swap_form))
        .route("/requests/{id}/approve", post(approve_form))
        .route("/requests/{id}/reject", post(reject_form))
        .route("/api/requests", get(api_list))
        .route("/api/requests/leave", post(api_leave))
        .route("/api/requests/swap", post(api_swap))
        .route("/api/requests/{id}/approve", post(api_approve))
        .route("/api/requests/{id}/reject", post(api_reject))
}

/// Whether the signed-in role decides requests (admin, operations manager).
fn decides(ctx: &Ctx) -> bool {
    allowed(ctx.session.user.role, Area::RequestsDecide)
}

#[derive(Serialize)]
struct Row {
    id: u32,
    kind: &'static str,
    what: String,
    people: String,
    dates: String,
    requested_by: String,
    note: String,
    status: &'static str,
    decided_by: String,
    reason: String,
    month: String,
}

fn status_code(s: Status) -> &'static str {
    match s {
        Status::Pending => "pending",
        Status::Approved => "approved",
        Status::Rejected => "rejected",
    }
}

fn leave_code(k: scheduler::LeaveKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// The request book page, with `extra` (notices).
async fn view(ctx: &Ctx, extra: Value) -> Result<Response, AppError> {
    let cx = ctx.app.cx();
    let book = pipeline::book(cx).await?;
    let staff = ctx.app.store.staff().await?;
    let name = |id: &str| {
        staff
            .get(id)
            .map(|m| format!("{id} {}", m.employee.name))
            .unwrap_or_else(|| id.to_string())
    };
    let mut rows: Vec<Row> = book
        .requests
        .iter()
        .map(|q| {
            let (kind, what, people, dates) = match &q.kind {
                RequestKind::Leave {
                    employee,
                    from,
                    to,
                    kind,
                } => (
                    "leave",
                    leave_code(*kind),
                    name(employee),
                    if from == to {
                        from.to_string()
                    } else {
                        format!("{from} – {to}")
                    },
                ),
                RequestKind::Swap {
                    first,
                    second,
                    dates,
                } => (
                    "swap",
                    String::new(),
                    format!("{} ⇄ {}", name(first), name(second)),
                    dates
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            };
            Row {
                id: q.id,
                kind,
                what,
                people,
                dates,
                requested_by: q.requested_by.clone(),
                note: q.note.clone(),
                status: status_code(q.status),
                decided_by: q.decided_by.clone().unwrap_or_default(),
                reason: q.reason.clone().unwrap_or_default(),
                month: pipeline::month_of(&q.kind)
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    // Pending first, then the newest.
    rows.sort_by_key(|r| (r.status != "pending", std::cmp::Reverse(r.id)));
    let people: Vec<(String, String)> = staff
        .on_post()
        .map(|m| (m.employee.id.clone(), m.employee.name.clone()))
        .collect();
    let today = crate::clock::now_local().date_naive().to_string();
    let title = ctx.text("req_title");
    Ok(ctx.render(
        "requests.html",
        "requests",
        &title,
        context! {
            rows => Value::from_serialize(&rows),
            people => Value::from_serialize(&people),
            kinds => Value::from_serialize(LEAVE_KINDS),
            can_decide => decides(ctx),
            today => today,
            ..extra
        },
    ))
}

/// A refusal of a page form: the page with the notice and the status (400, 404, 409, 422),
/// or the plain error for the rest.
async fn refused(ctx: &Ctx, e: AppError) -> AppError {
    let status = e.status_code();
    if status.is_client_error() && status != StatusCode::FORBIDDEN {
        let message = e.message_in(&ctx.lang);
        match view(ctx, context! { notice_bad => &message }).await {
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

async fn page(s: Signed<areas::Requests>) -> Result<Response, AppError> {
    let notice = s.query.get("added").map(|id| format!("#{id}"));
    view(&s.ctx, context! { added => notice }).await
}

fn field<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.get(k).map_or("", str::trim)
}

fn leave_of(f: &Fields) -> Result<RequestKind, AppError> {
    Ok(RequestKind::Leave {
        employee: field(f, "employee").to_string(),
        from: pipeline::parse_date("from", field(f, "from"))?,
        to: pipeline::parse_date("to", field(f, "to"))?,
        kind: pipeline::parse_leave_kind(field(f, "kind"))?,
    })
}

fn swap_of(f: &Fields) -> Result<RequestKind, AppError> {
    let mut dates = Vec::new();
    for d in f
        .all("date")
        .flat_map(|v| v.split([',', '，', ' ']))
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        dates.push(pipeline::parse_date("date", d)?);
    }
    Ok(RequestKind::Swap {
        first: field(f, "first").to_string(),
        second: field(f, "second").to_string(),
        dates,
    })
}

async fn add(
    ctx: &Ctx,
    kind: RequestKind,
    requested_by: &str,
    note: &str,
) -> Result<u32, AppError> {
    let by = if requested_by.trim().is_empty() {
        ctx.actor()
    } else {
        requested_by.trim()
    };
    Ok(pipeline::add(ctx.app.cx(), kind, by, note.trim(), ctx.actor()).await?)
}

async fn leave_form(p: Posted<areas::Requests, Fields>) -> Result<Response, AppError> {
    let r = match leave_of(&p.body) {
        Ok(kind) => {
            add(
                &p.ctx,
                kind,
                field(&p.body, "requested_by"),
                field(&p.body, "note"),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(id) => Ok(Redirect::to(&format!("/requests?added={id}")).into_response()),
        Err(e) => Err(refused(&p.ctx, e).await),
    }
}

async fn swap_form(p: Posted<areas::Requests, Fields>) -> Result<Response, AppError> {
    let r = match swap_of(&p.body) {
        Ok(kind) => {
            add(
                &p.ctx,
                kind,
                field(&p.body, "requested_by"),
                field(&p.body, "note"),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(id) => Ok(Redirect::to(&format!("/requests?added={id}")).into_response()),
        Err(e) => Err(refused(&p.ctx, e).await),
    }
}

async fn approve_form(
    UrlPath(id): UrlPath<u32>,
    p: Posted<areas::RequestsDecide, Fields>,
) -> Result<Response, AppError> {
    let note = Some(field(&p.body, "note")).filter(|n| !n.is_empty());
    match pipeline::approve(p.ctx.app.cx(), id, p.ctx.actor(), note).await {
        Ok(d) => {
            let decided = context! {
                id => id,
                month => &d.month,
                version => d.version.as_ref().map(|v| v.version),
                violations => d.version.as_ref().map(|v| v.verdict.len()),
                repair_needed => d.repair_needed,
                uncovered => Value::from_serialize(
                    d.new_violations.iter().map(|v| super::roster::violation_row(v, &p.ctx)).collect::<Vec<_>>()
                ),
            };
            view(&p.ctx, context! { decided => decided }).await
        }
        Err(e) => Err(refused(&p.ctx, e.into()).await),
    }
}

async fn reject_form(
    UrlPath(id): UrlPath<u32>,
    p: Posted<areas::RequestsDecide, Fields>,
) -> Result<Response, AppError> {
    match pipeline::reject(p.ctx.app.cx(), id, p.ctx.actor(), field(&p.body, "reason")).await {
        Ok(_) => {
            let msg = format!("#{id}: {}", p.ctx.text("req_rejected_ok"));
            view(&p.ctx, context! { notice_ok => msg }).await
        }
        Err(e) => Err(refused(&p.ctx, e.into()).await),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON.

async fn api_list(s: Signed<areas::Requests>) -> Result<Response, AppError> {
    let book = pipeline::book(s.ctx.app.cx()).await?;
    Ok(Json(serde_json::json!({ "requests": book.requests })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LeaveBody {
    employee: String,
    from: NaiveDate,
    to: NaiveDate,
    kind: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    requested_by: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SwapBody {
    first: String,
    second: String,
    dates: Vec<NaiveDate>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    requested_by: String,
}

#[derive(Deserialize)]
struct RejectBody {
    reason: String,
}

#[derive(Deserialize, Default)]
struct ApproveBody {
    #[serde(default)]
    note: Option<String>,
}

async fn api_leave(p: Posted<areas::Requests, JsonBody<LeaveBody>>) -> Result<Response, AppError> {
    let b = p.body.0;
    let kind = RequestKind::Leave {
        employee: b.employee,
        from: b.from,
        to: b.to,
        kind: pipeline::parse_leave_kind(&b.kind)?,
    };
    let id = add(&p.ctx, kind, &b.requested_by, &b.note).await?;
    Ok(Json(serde_json::json!({"stored": true, "id": id, "status": "pending"})).into_response())
}

async fn api_swap(p: Posted<areas::Requests, JsonBody<SwapBody>>) -> Result<Response, AppError> {
    let b = p.body.0;
    let kind = RequestKind::Swap {
        first: b.first,
        second: b.second,
        dates: b.dates,
    };
    let id = add(&p.ctx, kind, &b.requested_by, &b.note).await?;
    Ok(Json(serde_json::json!({"stored": true, "id": id, "status": "pending"})).into_response())
}

async fn api_approve(
    UrlPath(id): UrlPath<u32>,
    p: Posted<areas::RequestsDecide, RawBody>,
) -> Result<Response, AppError> {
    let body: ApproveBody = if p.body.0.iter().all(u8::is_ascii_whitespace) {
        ApproveBody::default()
    } else {
        serde_json::from_slice(&p.body.0).map_err(|e| {
            AppError::bad_request(crate::said::Said::new(
                format!("body: {e}"),
                format!("请求内容：{e}"),
            ))
        })?
    };
    let d = pipeline::approve(p.ctx.app.cx(), id, p.ctx.actor(), body.note.as_deref()).await?;
    let repair = d
        .repair_needed
        .then(|| format!("/roster/repair?month={}", d.month));
    Ok(Json(serde_json::json!({
        "id": id,
        "status": status_code(d.request.status),
        "request": d.request,
        "month": d.month,
        "new_violations": d.new_violations,
        "version": d.version,
        "repair_needed": d.repair_needed,
        "repair": repair,
    }))
    .into_response())
}

async fn api_reject(
    UrlPath(id): UrlPath<u32>,
    p: Posted<areas::RequestsDecide, JsonBody<RejectBody>>,
) -> Result<Response, AppError> {
    let q = pipeline::reject(p.ctx.app.cx(), id, p.ctx.actor(), &p.body.0.reason).await?;
    Ok(Json(serde_json::json!({
        "id": id,
        "status": status_code(q.status),
        "request": q,
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_dates_from_the_form() {
        let f = Fields(vec![
            ("first".into(), "A005".into()),
            ("second".into(), "A006".into()),
            ("date".into(), "2026-03-20".into()),
            ("date".into(), "".into()),
            ("date".into(), "2026-03-21, 2026-03-22".into()),
        ]);
        let RequestKind::Swap { dates, .. } = swap_of(&f).unwrap() else {
            panic!("a swap")
        };
        assert_eq!(dates.len(), 3);
        let bad = Fields(vec![("date".into(), "20.3.2026".into())]);
        assert!(swap_of(&bad).is_err());
    }
}
