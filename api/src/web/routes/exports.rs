//! The exports page and the month's workbooks. An approved month's workbooks are its
//! approved run as stored (each sheet names the run); a month not yet approved is a preview
//! computed now, labelled so.

use std::sync::Arc;

use axum::extract::Path as UrlPath;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use minijinja::context;

use crate::month::exports::Kind;
use crate::month::YearMonth;
use crate::web::extract::{areas, authorize, Signed};
use crate::web::{allowed, xlsx_attachment, App, AppError, Area};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/exports", get(page))
        .route("/exports/{kind}", get(download))
}

async fn page(s: Signed<areas::ExportsPage>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let role = ctx.session.user.role;
    let kinds: Vec<_> = Kind::ALL
        .iter()
        .filter(|k| {
            allowed(
                role,
                if k.personal() {
                    Area::PayrollExport
                } else {
                    Area::ComplianceExport
                },
            )
        })
        .map(|k| context! { code => k.code(), label => k.label_zh() })
        .collect();
    let mut months = Vec::new();
    for m in ctx.app.store.roster_months().await? {
        let approved = ctx.app.store.approved_run(&m).await?;
        let state = match &approved {
            Some(r) => format!("{} #{}", ctx.text("approved_run"), r.id),
            None => ctx.text("preview_not_approved"),
        };
        months.push(context! { month => m, state => state, approved => approved.is_some() });
    }
    let title = ctx.text("nav_exports");
    Ok(ctx.render(
        "exports.html",
        "exports",
        &title,
        context! { kinds => kinds, months => months },
    ))
}

async fn download(
    axum::extract::State(app): axum::extract::State<Arc<App>>,
    UrlPath(kind): UrlPath<String>,
    parts: axum::http::request::Parts,
) -> Result<Response, AppError> {
    let Some(kind) = Kind::parse(&kind) else {
        return Err(AppError::not_found(crate::said::Said::new(
            format!("no export `{kind}`"),
            format!("没有导出项“{kind}”"),
        )));
    };
    let area = if kind.personal() {
        Area::PayrollExport
    } else {
        Area::ComplianceExport
    };
    let ctx = authorize(&parts, &app, area, None).await?;
    let query = crate::web::extract::query_map(parts.uri.query());
    let month = YearMonth::parse(query.get("month").map_or("", String::as_str))?;
    let w = crate::month::exports::month_workbook(app.cx(), kind, month, None).await?;
    app.store
        .audit(
            ctx.actor(),
            "export.download",
            &format!("{} {month}: {}", kind.code(), w.source),
            None,
            None,
        )
        .await?;
    Ok(xlsx_attachment(w.bytes, &w.file_name))
}
