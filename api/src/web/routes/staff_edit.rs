//! Staff changes (HR and admin): add, edit, deactivate (leaving date), re-activate, and
//! import the list from Excel — as pages and as JSON. Every change is one call to
//! [`crate::month::staff::apply`]: the whole list as it would be is checked, then stored with
//! its audit entry in one transaction; a change that does not check stores nothing.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use minijinja::{context, Value};
use scheduler::Employee;
use serde::Deserialize;

use crate::accounts::Role;
use crate::hr::HrRecord;
use crate::month::staff::{Applied, Change};
use crate::staff::Member;
use crate::web::extract::{areas, Fields, JsonBody, Posted, RawBody, Signed, Upload};
use crate::web::{App, AppError, Ctx};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/staff/new", get(new_page))
        .route("/staff/{id}/edit", get(edit_page))
        .route("/staff/save", post(save_form))
        .route("/staff/{id}/deactivate", post(deactivate_form))
        .route("/staff/{id}/reactivate", post(reactivate_form))
        .route("/staff/import", post(import_form))
        .route("/api/staff", get(api_list).post(api_save))
        .route("/api/staff/{id}/deactivate", post(api_deactivate))
        .route("/api/staff/{id}/reactivate", post(api_reactivate))
        .route("/api/staff/import", post(api_import))
}

/// The roles a person can hold, with the page text key of each.
pub(crate) const ROLES: &[&str] = &[
    "manager",
    "team_leader",
    "agent",
    "callback",
    "qa",
    "analyst",
];

// ---------------------------------------------------------------------------------------------
// Pages.

fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', '/', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// A person from the form's fields (`roles` and `shifts` may repeat, as checkboxes do).
fn member_of_form(fields: &[(String, String)]) -> Result<Member, String> {
    let one = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let many = |k: &str| -> Vec<String> {
        fields
            .iter()
            .filter(|(n, _)| n == k)
            .flat_map(|(_, v)| split_list(v))
            .collect()
    };
    let id = one("id");
    if id.is_empty() || id.chars().any(char::is_whitespace) {
        return Err("工号 id: required, without spaces".into());
    }
    let name = one("name");
    if name.is_empty() {
        return Err(format!("{id}: 姓名 name is required"));
    }
    let primary = one("primary_role");
    let mut roles = many("roles");
    if !primary.is_empty() {
        roles.retain(|r| *r != primary);
        roles.insert(0, primary);
    }
    if roles.is_empty() {
        return Err(format!("{id}: at least one role (角色)"));
    }
    let team = match one("team").as_str() {
        "" => None,
        t => Some(
            t.parse::<u32>()
                .ok()
                .filter(|t| (1..=4).contains(t))
                .ok_or_else(|| format!("{id}: 班组 team must be 1-4, not `{t}`"))?,
        ),
    };
    let grade = match one("grade").as_str() {
        "" => None,
        g => Some(g.parse::<u32>().ok().filter(|g| *g > 0).ok_or_else(|| {
            format!("{id}: 薪级 grade must be a positive whole number, not `{g}`")
        })?),
    };
    let position = Some(one("position")).filter(|p| !p.is_empty());
    let checked = |k: &str| matches!(one(k).as_str(), "on" | "true" | "1" | "yes");
    let date = |k: &str, label: &str| -> Result<Option<NaiveDate>, String> {
        match one(k).as_str() {
            "" => Ok(None),
            d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| format!("{id}: {label} must be a date YYYY-MM-DD, not `{d}`")),
        }
    };
    let employee = Employee {
        id: id.clone(),
        name: name.clone(),
        roles,
        team,
        reserve: checked("reserve"),
        shifts: many("shifts"),
        working_days_only: checked("working_days_only"),
        position,
        grade,
        preferences: Vec::new(),
        limits: scheduler::site::Limits::default(),
    };
    let id_number = one("id_number").to_uppercase();
    let hr = if id_number.is_empty() && one("bank_account").is_empty() {
        None
    } else {
        let hired_on = date("hired_on", "入职日期 hired_on")?
            .ok_or(format!("{id}: 入职日期 hired_on is required"))?;
        Some(HrRecord {
            id: id.clone(),
            name,
            id_type: Some(one("id_type"))
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| "居民身份证".into()),
            id_number,
            bank: one("bank"),
            bank_account: one("bank_account"),
            hired_on,
            left_on: date("left_on", "离职日期 left_on")?,
            education: Some(one("education")).filter(|e| !e.is_empty()),
            typing_cpm: match one("typing_cpm").as_str() {
                "" => None,
                n => Some(n.parse::<u32>().map_err(|_| {
                    format!("{id}: 打字速度 typing_cpm must be a whole number, not `{n}`")
                })?),
            },
            clock_ids: crate::excel::rows::ClockIds {
                dingtalk: Some(one("dingtalk_id")).filter(|v| !v.is_empty()),
                wecom: Some(one("wecom_id")).filter(|v| !v.is_empty()),
                zkteco: Some(one("zkteco_id")).filter(|v| !v.is_empty()),
            },
        })
    };
    Ok(Member {
        employee,
        hr,
        active: true,
        updated_by: String::new(),
        updated_at: String::new(),
    })
}

async fn form_page(ctx: &Ctx, id: Option<&str>) -> Result<Response, AppError> {
    let member = match id {
        Some(id) => Some(
            ctx.app
                .store
                .staff()
                .await?
                .get(id)
                .cloned()
                .ok_or_else(|| AppError::not_found(format!("unknown employee {id}")))?,
        ),
        None => None,
    };
    let shifts: Vec<(String, String)> = ctx
        .app
        .reference
        .site
        .shifts
        .iter()
        .map(|s| (s.code.clone(), s.name.clone()))
        .collect();
    let title = if member.is_some() {
        ctx.text("staff_edit")
    } else {
        ctx.text("staff_new")
    };
    let today = crate::clock::now_local().date_naive().to_string();
    Ok(ctx.render(
        "staff_form.html",
        "staff",
        &title,
        context! {
            m => Value::from_serialize(&member),
            roles => ROLES,
            education => crate::hr::EDUCATION.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            shifts => shifts,
            today => today,
        },
    ))
}

async fn new_page(s: Signed<areas::StaffEdit>) -> Result<Response, AppError> {
    form_page(&s.ctx, None).await
}

async fn edit_page(
    UrlPath(id): UrlPath<String>,
    s: Signed<areas::StaffEdit>,
) -> Result<Response, AppError> {
    form_page(&s.ctx, Some(&id)).await
}

fn redirect_saved(id: &str) -> Response {
    Redirect::to(&format!("/staff?saved={}", url_escape(id))).into_response()
}

async fn apply(ctx: &Ctx, change: Change) -> Result<Applied, AppError> {
    Ok(crate::month::staff::apply(ctx.app.cx(), ctx.actor(), change).await?)
}

/// The follow-ups of the people a change touched (roster repairs, payroll re-runs).
async fn follow_up(ctx: &Ctx, applied: &Applied) -> Result<serde_json::Value, AppError> {
    let mut all = Vec::new();
    for id in applied.added.iter().chain(&applied.changed) {
        for f in crate::month::staff::follow_ups(ctx.app.cx(), id).await? {
            all.push(serde_json::json!({"employee": id, "month": f.month, "kind": f.kind, "message": f.message, "link": f.link}));
        }
    }
    Ok(serde_json::Value::Array(all))
}

async fn save_form(p: Posted<areas::StaffEdit, Fields>) -> Result<Response, AppError> {
    let m = member_of_form(&p.body.0).map_err(AppError::bad_request)?;
    let is_new = p.body.get("new") == Some("1");
    let id = m.employee.id.clone();
    let change = if is_new {
        Change::Add(Box::new(m))
    } else {
        Change::Edit(Box::new(m))
    };
    apply(&p.ctx, change).await?;
    Ok(redirect_saved(&id))
}

async fn deactivate_form(
    UrlPath(id): UrlPath<String>,
    p: Posted<areas::StaffEdit, Fields>,
) -> Result<Response, AppError> {
    let left_on = p
        .body
        .get("left_on")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| AppError::bad_request("left_on must be a date YYYY-MM-DD"))?;
    let reason = p.body.get("reason").unwrap_or_default().to_string();
    apply(
        &p.ctx,
        Change::Deactivate {
            id: id.clone(),
            left_on,
            reason,
        },
    )
    .await?;
    Ok(redirect_saved(&id))
}

async fn reactivate_form(
    UrlPath(id): UrlPath<String>,
    p: Posted<areas::StaffEdit, Fields>,
) -> Result<Response, AppError> {
    apply(&p.ctx, Change::Reactivate { id: id.clone() }).await?;
    Ok(redirect_saved(&id))
}

/// Parses an uploaded staff workbook into members (every problem located, or all rows).
async fn parse_upload(
    ctx: &Ctx,
    bytes: Vec<u8>,
) -> Result<Result<Vec<Member>, Vec<crate::excel::table::ImportProblem>>, AppError> {
    let staff = ctx.app.store.staff().await?;
    let site = staff.site(&ctx.app.reference.site);
    let today = crate::clock::now_local().date_naive();
    let parsed = tokio::task::spawn_blocking(move || {
        crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
            crate::excel::staff_import::parse_staff(&bytes, &site, today)
        })
    })
    .await
    .map_err(AppError::internal)?;
    Ok(match parsed {
        Ok((_, rows)) => Ok(rows
            .into_iter()
            .map(|r| Member {
                active: r.hr.left_on.is_none(),
                employee: r.employee,
                hr: Some(r.hr),
                updated_by: String::new(),
                updated_at: String::new(),
            })
            .collect()),
        Err(errors) => Err(errors.0),
    })
}

async fn import_form(p: Posted<areas::StaffEdit, Upload>) -> Result<Response, AppError> {
    let ctx = &p.ctx;
    let Some((name, bytes)) = p.body.file else {
        return Err(AppError::bad_request("no file"));
    };
    let members = match parse_upload(ctx, bytes).await? {
        Ok(m) => m,
        Err(problems) => {
            // The staff page with every problem located; nothing stored.
            let q = HashMap::from([("lang".to_string(), ctx.lang.clone())]);
            let mut r = super::staff::render_page(ctx, &q, &name, &problems).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Err(AppError::page(
                r,
                format!("{}: {} problem(s)", name, problems.len()),
            ));
        }
    };
    let applied = apply(
        ctx,
        Change::Import {
            file: name.clone(),
            members,
        },
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/staff?imported={}&added={}&changed={}",
        url_escape(&name),
        applied.added.len(),
        applied.changed.len()
    ))
    .into_response())
}

fn url_escape(s: &str) -> String {
    crate::web::percent_encode(s)
}

// ---------------------------------------------------------------------------------------------
// JSON.

async fn api_list(s: Signed<areas::Staff>) -> Result<Response, AppError> {
    let whole = matches!(s.ctx.session.user.role, Role::Admin | Role::Hr);
    let staff = s.ctx.app.store.staff().await?;
    let list: Vec<serde_json::Value> = staff
        .members
        .iter()
        .map(|m| {
            if whole {
                serde_json::to_value(m).unwrap_or_default()
            } else {
                crate::month::staff::public(m)
            }
        })
        .collect();
    Ok(Json(serde_json::json!({ "staff": list })).into_response())
}

/// The body of `POST /api/staff`.
#[derive(Deserialize)]
struct SaveBody {
    /// True to add a new person, false to change one.
    #[serde(default)]
    new: bool,
    employee: Employee,
    #[serde(default)]
    hr: Option<HrRecord>,
}

async fn api_save(p: Posted<areas::StaffEdit, JsonBody<SaveBody>>) -> Result<Response, AppError> {
    let body = p.body.0;
    let m = Member {
        employee: body.employee,
        hr: body.hr,
        active: true,
        updated_by: String::new(),
        updated_at: String::new(),
    };
    let change = if body.new {
        Change::Add(Box::new(m))
    } else {
        Change::Edit(Box::new(m))
    };
    let applied = apply(&p.ctx, change).await?;
    let follow_up = follow_up(&p.ctx, &applied).await?;
    Ok(Json(
        serde_json::json!({"stored": true, "added": applied.added, "changed": applied.changed, "follow_up": follow_up}),
    )
    .into_response())
}

#[derive(Deserialize)]
struct DeactivateBody {
    left_on: NaiveDate,
    reason: String,
}

async fn api_deactivate(
    UrlPath(id): UrlPath<String>,
    p: Posted<areas::StaffEdit, JsonBody<DeactivateBody>>,
) -> Result<Response, AppError> {
    let body = p.body.0;
    let applied = apply(
        &p.ctx,
        Change::Deactivate {
            id,
            left_on: body.left_on,
            reason: body.reason,
        },
    )
    .await?;
    let follow_up = follow_up(&p.ctx, &applied).await?;
    Ok(Json(
        serde_json::json!({"stored": true, "changed": applied.changed, "follow_up": follow_up}),
    )
    .into_response())
}

async fn api_import(p: Posted<areas::StaffEdit, RawBody>) -> Result<Response, AppError> {
    let file = p
        .query
        .get("file_name")
        .cloned()
        .unwrap_or_else(|| "upload".into());
    let members = match parse_upload(&p.ctx, p.body.0.to_vec()).await? {
        Ok(m) => m,
        Err(problems) => {
            let list: Vec<serde_json::Value> = problems
                .iter()
                .map(|p| serde_json::json!({"sheet": p.sheet, "row": p.row, "column": p.column, "expected": p.expected, "found": p.found, "expected_zh": p.expected_zh, "found_zh": p.found_zh}))
                .collect();
            return Err(AppError::detailed(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{file}: {} problem(s)", problems.len()),
                serde_json::json!({"stored": false, "file": file, "problems": list}),
            ));
        }
    };
    let applied = apply(&p.ctx, Change::Import { file, members }).await?;
    let follow_up = follow_up(&p.ctx, &applied).await?;
    Ok(Json(
        serde_json::json!({"stored": true, "added": applied.added, "changed": applied.changed, "follow_up": follow_up}),
    )
    .into_response())
}

async fn api_reactivate(
    UrlPath(id): UrlPath<String>,
    p: Posted<areas::StaffEdit, Fields>,
) -> Result<Response, AppError> {
    let applied = apply(&p.ctx, Change::Reactivate { id }).await?;
    let follow_up = follow_up(&p.ctx, &applied).await?;
    Ok(Json(
        serde_json::json!({"stored": true, "changed": applied.changed, "follow_up": follow_up}),
    )
    .into_response())
}
