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

async fn page(s: Signed<areas::Audit>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let entries: Vec<_> = ctx
        .app
        .store
        .audit_log(500)
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
        Some(l) => l
            .parse::<i64>()
            .map_err(|_| AppError::bad_request(format!("limit `{l}`: a number")))?,
        None => 200,
    }
    .clamp(1, 5000);
    let entries = s.ctx.app.store.audit_log(limit).await?;
    Ok(Json(entries).into_response())
}
