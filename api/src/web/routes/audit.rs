//! The audit log (审计日志): who, when, what, before and after.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use minijinja::{context, Value};

use crate::web::extract::{areas, Signed};
use crate::web::{App, AppError};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/audit", get(page))
        .route("/api/audit", get(api_audit))
}

/// Personal data in an audit entry's `before` / `after` (JSON documents of staff changes):
/// the ID number and bank account, written masked (`460400********1239`), are hidden whole
/// from every role but admin and HR — the auditor checks who changed what, not whose account.
const PERSONAL: [&str; 2] = ["id_number", "bank_account"];

fn hide_personal(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                if PERSONAL.contains(&k.as_str()) && !x.is_null() {
                    *x = serde_json::Value::String("（已隐藏）".into());
                } else {
                    hide_personal(x);
                }
            }
        }
        serde_json::Value::Array(list) => list.iter_mut().for_each(hide_personal),
        _ => {}
    }
}

/// `text` with personal data hidden when it is a JSON document; other text as it is.
fn hidden(text: Option<String>) -> Option<String> {
    text.map(|t| match serde_json::from_str::<serde_json::Value>(&t) {
        Ok(mut v) if v.is_object() || v.is_array() => {
            hide_personal(&mut v);
            v.to_string()
        }
        _ => t,
    })
}

/// The newest `limit` entries as `ctx`'s role may read them.
async fn entries(
    ctx: &crate::web::Ctx,
    limit: i64,
) -> Result<Vec<crate::db::accounts::AuditEntry>, AppError> {
    use crate::accounts::Role;
    let whole = matches!(ctx.session.user.role, Role::Admin | Role::Hr);
    Ok(ctx
        .app
        .store
        .audit_log(limit)
        .await?
        .into_iter()
        .map(|mut e| {
            if !whole {
                e.before = hidden(e.before.take());
                e.after = hidden(e.after.take());
            }
            e
        })
        .collect())
}

async fn page(s: Signed<areas::Audit>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let entries: Vec<_> = entries(ctx, 500)
        .await?
        .into_iter()
        .map(|mut e| {
            e.at = crate::clock::local(&e.at);
            e
        })
        .collect();
    let title = ctx.text("nav_audit");
    Ok(ctx.render(
        "audit.html",
        "audit",
        &title,
        context! { entries => Value::from_serialize(&entries) },
    ))
}

/// `GET /api/audit?limit=N` (admin, auditor): the newest audit entries.
async fn api_audit(s: Signed<areas::Audit>) -> Result<Response, AppError> {
    let limit = match s.query.get("limit") {
        Some(l) => l.parse::<i64>().map_err(|_| {
            AppError::bad_request(crate::said::Said::new(
                format!("limit `{l}`: a number"),
                format!("条数“{l}”：应为数字"),
            ))
        })?,
        None => 200,
    }
    .clamp(1, 5000);
    let entries = entries(&s.ctx, limit).await?;
    Ok(Json(entries).into_response())
}
