//! Attendance (考勤导入): upload → preview with every problem located → confirm in one
//! transaction; the JSON import and listing. An approved month refuses imports.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::{context, Value};
use serde::Serialize;

use crate::month::YearMonth;
use crate::web::extract::{areas, Fields, Posted, RawBody, Signed, Upload};
use crate::web::{current_month, xlsx_attachment, App, AppError, Ctx, Pending};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/attendance", get(page))
        .route("/attendance/preview", post(preview))
        .route("/attendance/confirm", post(confirm))
        .route("/attendance/template", get(template))
        .route("/api/attendance", get(api_list))
        .route("/api/attendance/import", post(api_import))
}

#[derive(Serialize)]
struct RecordRow {
    employee: String,
    name: String,
    date: String,
    shift: String,
    clock_in: String,
    clock_out: String,
    leave: String,
    note: String,
}

/// The attendance page of `month` with `extra` (a preview, problems, a notice).
pub(crate) async fn view(ctx: &Ctx, month: YearMonth, extra: Value) -> Result<Response, AppError> {
    let cx = ctx.app.cx();
    let imports: Vec<_> = ctx
        .app
        .store
        .imports(&month.to_string())
        .await?
        .into_iter()
        .map(|mut i| {
            i.imported_at = crate::clock::local(&i.imported_at);
            i
        })
        .collect();
    let differences = crate::month::attendance::differences(cx, month).await?;
    let open = differences
        .as_ref()
        .map_or(0, |d| d.iter().filter(|r| r.confirmed_by.is_none()).count());
    let approved = ctx.app.store.approved_run(&month.to_string()).await?;
    let corrections = if approved.is_some() {
        super::corrections::of_month(ctx, month).await?
    } else {
        Vec::new()
    };
    let title = ctx.text("nav_attendance");
    Ok(ctx.render(
        "attendance.html",
        "attendance",
        &title,
        context! {
            month => month.to_string(),
            imports => Value::from_serialize(&imports),
            differences => Value::from_serialize(&differences),
            open_differences => open,
            corrections => Value::from_serialize(&corrections),
            frozen => approved.map(|r| format!("{month}: {} #{}", ctx.text("attendance_frozen"), r.id)),
            ..extra
        },
    ))
}

fn month_param(q: Option<&String>) -> Result<YearMonth, AppError> {
    Ok(YearMonth::parse(q.map_or(&current_month(), |m| m))?)
}

async fn page(s: Signed<areas::Attendance>) -> Result<Response, AppError> {
    let month = month_param(s.query.get("month"))?;
    view(&s.ctx, month, context! {}).await
}

/// `GET /attendance/template?month=`: the month's import template (考勤导入模板) listing the
/// people employed in it (a leaver until the month of his last day, a joiner from his first).
async fn template(s: Signed<areas::Attendance>) -> Result<Response, AppError> {
    let month = month_param(s.query.get("month"))?;
    let bytes = crate::month::attendance::template(s.ctx.app.cx(), month).await?;
    Ok(xlsx_attachment(
        bytes,
        &format!("考勤导入模板-{month}.xlsx"),
    ))
}

async fn preview(p: Posted<areas::Attendance, Upload>) -> Result<Response, AppError> {
    let ctx = &p.ctx;
    let month_text = p.body.fields.get("month").cloned().unwrap_or_default();
    let month = YearMonth::parse(&month_text).map_err(|_| {
        AppError::bad_request(crate::said::Said::new(
            "a month YYYY-MM and a file are required",
            "需要月份（YYYY-MM）和文件",
        ))
    })?;
    let Some((file_name, bytes)) = p.body.file else {
        return Err(AppError::bad_request(crate::said::Said::new(
            "a month YYYY-MM and a file are required",
            "需要月份（YYYY-MM）和文件",
        )));
    };
    match crate::month::attendance::parse(ctx.app.cx(), month, &file_name, bytes).await {
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
        Err(crate::month::Error::Conflict(m)) => {
            let mut r = view(ctx, month, context! { notice_bad => m.in_lang(&ctx.lang) }).await?;
            *r.status_mut() = StatusCode::CONFLICT;
            Err(AppError::page(r, m))
        }
        Err(e) => Err(e.into()),
        Ok(parsed) => {
            let rows: Vec<RecordRow> = parsed
                .records
                .iter()
                .map(|r| RecordRow {
                    employee: r.employee.clone(),
                    name: r.name.clone(),
                    date: r.date.to_string(),
                    shift: r.shift.clone().unwrap_or_default(),
                    clock_in: r
                        .clock_in
                        .map(crate::attendance::clock_text)
                        .unwrap_or_default(),
                    clock_out: r
                        .clock_out
                        .map(crate::attendance::clock_text)
                        .unwrap_or_default(),
                    leave: r
                        .leave
                        .map(|k| {
                            format!(
                                "{} {}h",
                                k.label_zh(),
                                r.leave_hours.unwrap_or_default().normalize()
                            )
                        })
                        .unwrap_or_default(),
                    note: r.note.clone(),
                })
                .collect();
            let token = crate::accounts::random_token();
            let people = parsed.people().len();
            let source = parsed.source.label();
            let losses: Vec<String> =
                crate::month::attendance::losses(ctx.app.cx(), month, &parsed)
                    .await?
                    .iter()
                    .map(|l| {
                        if ctx.lang == "zh" {
                            l.zh()
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
            let ignored: Vec<String> = parsed
                .ignored
                .iter()
                .map(|i| i.in_lang(&ctx.lang).to_string())
                .collect();
            {
                let mut pending = ctx
                    .app
                    .pending
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                pending.retain(|_, p| p.at.elapsed() < Duration::from_secs(3600));
                pending.insert(
                    token.clone(),
                    Pending {
                        user: ctx.session.user.id,
                        month,
                        file_name,
                        parsed,
                        at: Instant::now(),
                    },
                );
            }
            view(
                ctx,
                month,
                context! { preview => context! { pending => token, records => Value::from_serialize(&rows), people => people, source => source, losses => losses, ignored => ignored } },
            )
            .await
        }
    }
}

async fn confirm(p: Posted<areas::Attendance, Fields>) -> Result<Response, AppError> {
    let ctx = &p.ctx;
    let token = p.body.get("pending").unwrap_or_default().to_string();
    let pending = ctx
        .app
        .pending
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .remove(&token)
        .filter(|p| p.user == ctx.session.user.id);
    let Some(pending) = pending else {
        return Err(AppError::bad_request(crate::said::Said::new(
            "no such preview (expired, or someone else's)",
            "没有这个预览（已过期，或属于他人）",
        )));
    };
    let month = pending.month;
    let replace = if p.body.get("confirm_replace").is_some() {
        crate::month::attendance::Replace::Confirmed
    } else {
        crate::month::attendance::Replace::Guarded
    };
    match crate::month::attendance::store(
        ctx.app.cx(),
        month,
        &pending.file_name,
        &pending.parsed,
        ctx.actor(),
        replace,
    )
    .await
    {
        Ok(s) => {
            let stored = format!(
                "#{}: {} / {} ({} replaced)",
                s.import_id, s.inserted, s.people, s.replaced
            );
            view(ctx, month, context! { stored => stored }).await
        }
        Err(crate::month::Error::Conflict(m)) => {
            let mut r = view(ctx, month, context! { notice_bad => m.in_lang(&ctx.lang) }).await?;
            *r.status_mut() = StatusCode::CONFLICT;
            Err(AppError::page(r, m))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /api/attendance?month=` (admin, hr): the month's imports and stored records.
async fn api_list(s: Signed<areas::Attendance>) -> Result<Response, AppError> {
    let month = month_param(s.query.get("month"))?.to_string();
    let store = &s.ctx.app.store;
    let imports = store.imports(&month).await?;
    let records = store.attendance(&month).await?;
    Ok(
        Json(serde_json::json!({ "month": month, "imports": imports, "records": records }))
            .into_response(),
    )
}

/// `POST /api/attendance/import?month=YYYY-MM[&dry_run=true][&file_name=]` (admin, hr; header
/// `X-CSRF-Token`; body: the file's bytes): every located problem as JSON with 422 and nothing
/// stored, 409 for an approved month, or what was (or would be) stored.
async fn api_import(p: Posted<areas::Attendance, RawBody>) -> Result<Response, AppError> {
    let ctx = &p.ctx;
    let month = YearMonth::parse(p.query.get("month").map_or("", String::as_str))?;
    let file_name = p
        .query
        .get("file_name")
        .cloned()
        .unwrap_or_else(|| "upload".into());
    let cx = ctx.app.cx();
    let parsed = crate::month::attendance::parse(cx, month, &file_name, p.body.0.to_vec()).await?;
    if p.query
        .get("dry_run")
        .is_some_and(|v| v == "true" || v == "1")
    {
        return Ok(Json(serde_json::json!({
            "stored": false, "dry_run": true, "source": parsed.source.code(),
            "records": parsed.records, "ignored": parsed.ignored.iter().map(|i| &i.en).collect::<Vec<_>>(),
        }))
        .into_response());
    }
    let replace = if p
        .query
        .get("confirm_replace")
        .is_some_and(|v| v == "true" || v == "1")
    {
        crate::month::attendance::Replace::Confirmed
    } else {
        crate::month::attendance::Replace::Guarded
    };
    let s = crate::month::attendance::store(cx, month, &file_name, &parsed, ctx.actor(), replace)
        .await?;
    Ok(Json(serde_json::json!({"stored": true, "import": s})).into_response())
}
