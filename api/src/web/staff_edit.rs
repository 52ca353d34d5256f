//! Staff changes (HR and admin): add, edit, deactivate (leaving date), re-activate, and
//! import the list from Excel — as pages and as JSON. Every change goes through
//! [`apply`]: the whole list as it would be is checked by the loaders that read it
//! ([`super::site::check`]), stored with its audit entry in one transaction, and the site
//! folder rewritten; a change that does not check stores nothing. One change at a time
//! (a lock), so two people saving at once cannot lose each other's edit.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Multipart, Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::NaiveDate;
use minijinja::{context, Value};
use scheduler::Employee;
use serde::{Deserialize, Serialize};

use super::site::Member;
use super::{
    api_guard, check_csrf, check_csrf_header, guard, guard_form, internal, App, Area, Page,
};
use crate::accounts::Role;
use crate::hr::HrRecord;

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

/// One change of the staff list.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new person (the id must be new).
    Add(Box<Member>),
    /// New values for an existing person (the id must exist; personal limits and
    /// preferences are kept when the change leaves them empty).
    Edit(Box<Member>),
    /// Off post from the day after `left_on`.
    Deactivate {
        /// Employee id.
        id: String,
        /// Last day employed.
        left_on: NaiveDate,
        /// Why (kept in the audit log).
        reason: String,
    },
    /// Back on post (re-hired): the leaving date is cleared.
    Reactivate {
        /// Employee id.
        id: String,
    },
    /// Rows of an imported file: new ids added, existing ones replaced.
    Import {
        /// File name.
        file: String,
        /// The people.
        members: Vec<Member>,
    },
}

/// What a change did.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// People added.
    pub added: Vec<String>,
    /// People changed.
    pub changed: Vec<String>,
}

/// Why a change was refused.
#[derive(Debug)]
pub enum Refused {
    /// The change itself is wrong (400): the message names the person and field.
    Bad(String),
    /// Storage failed (500).
    Failed(String),
}

impl Refused {
    fn response(&self) -> Response {
        match self {
            Refused::Bad(m) => (StatusCode::BAD_REQUEST, m.clone()).into_response(),
            Refused::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m.clone()).into_response(),
        }
    }

    fn json(&self) -> Response {
        let (status, m) = match self {
            Refused::Bad(m) => (StatusCode::BAD_REQUEST, m),
            Refused::Failed(m) => (StatusCode::INTERNAL_SERVER_ERROR, m),
        };
        (
            status,
            Json(serde_json::json!({"stored": false, "error": m})),
        )
            .into_response()
    }
}

/// Applies one change for `actor`: checked whole, stored with its audit entry in one
/// transaction, the site folder rewritten.
///
/// # Errors
/// [`Refused::Bad`] naming what is wrong (nothing stored), or a storage failure.
pub async fn apply(app: &App, actor: &str, change: Change) -> Result<Applied, Refused> {
    let _one_at_a_time = app.site.lock.lock().await;
    let failed = |e: anyhow::Error| Refused::Failed(format!("{e:#}"));
    let mut all = app.store.staff_members().await.map_err(failed)?;
    let position = |all: &[Member], id: &str| all.iter().position(|m| m.employee.id == id);
    let mut touched: Vec<usize> = Vec::new();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let (action, target, before, after);
    match change {
        Change::Add(m) => {
            if position(&all, &m.employee.id).is_some() {
                return Err(Refused::Bad(format!(
                    "employee id {} is already used (a former employee keeps the id)",
                    m.employee.id
                )));
            }
            action = "staff.add";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = None;
            after = Some(serde_json::to_string(&public(&m)).unwrap_or_default());
            added.push(m.employee.id.clone());
            all.push(*m);
            touched.push(all.len() - 1);
        }
        Change::Edit(mut m) => {
            let Some(i) = position(&all, &m.employee.id) else {
                return Err(Refused::Bad(format!("unknown employee {}", m.employee.id)));
            };
            let old = &all[i];
            if m.employee.preferences.is_empty() {
                m.employee.preferences.clone_from(&old.employee.preferences);
            }
            if m.employee.limits == scheduler::site::Limits::default() {
                m.employee.limits = old.employee.limits.clone();
            }
            m.active = old.active;
            if let (Some(new), Some(old)) = (m.hr.as_mut(), old.hr.as_ref()) {
                if new.left_on.is_none() {
                    new.left_on = old.left_on;
                }
            }
            action = "staff.edit";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = Some(serde_json::to_string(&public(old)).unwrap_or_default());
            after = Some(serde_json::to_string(&public(&m)).unwrap_or_default());
            changed.push(m.employee.id.clone());
            all[i] = *m;
            touched.push(i);
        }
        Change::Deactivate {
            id,
            left_on,
            reason,
        } => {
            let Some(i) = position(&all, &id) else {
                return Err(Refused::Bad(format!("unknown employee {id}")));
            };
            if reason.trim().is_empty() {
                return Err(Refused::Bad("a reason is required".into()));
            }
            let m = &mut all[i];
            if !m.active {
                return Err(Refused::Bad(format!("{id} is already off post")));
            }
            let Some(hr) = m.hr.as_mut() else {
                return Err(Refused::Bad(format!(
                    "{id} has no HR record to hold the leaving date: record one first"
                )));
            };
            if left_on < hr.hired_on {
                return Err(Refused::Bad(format!(
                    "{id}: leaving date {left_on} is before the hiring date {}",
                    hr.hired_on
                )));
            }
            hr.left_on = Some(left_on);
            m.active = false;
            action = "staff.deactivate";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = Some("在职 on post".to_string());
            after = Some(format!("离职 left on {left_on}: {reason}"));
            changed.push(id);
            touched.push(i);
        }
        Change::Reactivate { id } => {
            let Some(i) = position(&all, &id) else {
                return Err(Refused::Bad(format!("unknown employee {id}")));
            };
            let m = &mut all[i];
            if m.active {
                return Err(Refused::Bad(format!("{id} is on post")));
            }
            let left = m.hr.as_mut().and_then(|h| h.left_on.take());
            m.active = true;
            action = "staff.reactivate";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = Some(format!(
                "离职 left on {}",
                left.map(|d| d.to_string()).unwrap_or_default()
            ));
            after = Some("在职 on post".to_string());
            changed.push(id);
            touched.push(i);
        }
        Change::Import { file, members } => {
            for m in members {
                match position(&all, &m.employee.id) {
                    Some(i) => {
                        let mut m = m;
                        if m.employee.preferences.is_empty() {
                            m.employee
                                .preferences
                                .clone_from(&all[i].employee.preferences);
                        }
                        if m.employee.limits == scheduler::site::Limits::default() {
                            m.employee.limits = all[i].employee.limits.clone();
                        }
                        m.active = m.hr.as_ref().is_none_or(|h| h.left_on.is_none());
                        changed.push(m.employee.id.clone());
                        all[i] = m;
                        touched.push(i);
                    }
                    None => {
                        added.push(m.employee.id.clone());
                        all.push(m);
                        touched.push(all.len() - 1);
                    }
                }
            }
            action = "staff.import";
            target = file;
            before = None;
            after = Some(format!(
                "{} added ({}), {} replaced ({})",
                added.len(),
                added.join(" "),
                changed.len(),
                changed.join(" ")
            ));
        }
    }
    for &i in &touched {
        all[i].updated_by = actor.to_string();
    }
    let site_toml = app.site.site_toml().map_err(failed)?;
    super::site::check(&all, &site_toml).map_err(|e| Refused::Bad(format!("{e:#}")))?;
    let save: Vec<Member> = touched.iter().map(|&i| all[i].clone()).collect();
    app.store
        .staff_save(
            &save,
            actor,
            action,
            &target,
            before.as_deref(),
            after.as_deref(),
        )
        .await
        .map_err(failed)?;
    let stored = app.store.staff_members().await.map_err(failed)?;
    app.site.write(&stored).map_err(failed)?;
    Ok(Applied { added, changed })
}

/// What the audit log keeps of a person: the staff entry and the HR record without the ID
/// number and bank account (the auditor reads the log).
fn public(m: &Member) -> serde_json::Value {
    let mut v = serde_json::json!({"employee": m.employee, "active": m.active});
    if let Some(hr) = &m.hr {
        v["hr"] = serde_json::json!({
            "id_type": hr.id_type,
            "id_number": super::staff::mask_id(&hr.id_number),
            "bank": hr.bank,
            "bank_account": super::staff::mask_id(&hr.bank_account),
            "hired_on": hr.hired_on,
            "left_on": hr.left_on,
            "education": hr.education,
            "typing_cpm": hr.typing_cpm,
        });
    }
    v
}

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

async fn form_page(
    app: &App,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    id: Option<&str>,
) -> Page {
    let ctx = guard(app, headers, q, Area::StaffEdit).await?;
    let member = match id {
        Some(id) => Some(
            app.store
                .staff_members()
                .await
                .map_err(internal)?
                .into_iter()
                .find(|m| m.employee.id == id)
                .ok_or_else(|| {
                    (StatusCode::NOT_FOUND, format!("unknown employee {id}")).into_response()
                })?,
        ),
        None => None,
    };
    let site = crate::data::load_site(&app.site.path()).map_err(internal)?;
    let shifts: Vec<(String, String)> = site
        .shifts
        .iter()
        .map(|s| (s.code.clone(), s.name.clone()))
        .collect();
    let t = &app.texts[&ctx.lang];
    let title = if member.is_some() {
        t["staff_edit"].clone()
    } else {
        t["staff_new"].clone()
    };
    let today = chrono::Local::now().date_naive().to_string();
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

async fn new_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    form_page(&app, &headers, &q, None).await
}

async fn edit_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    form_page(&app, &headers, &q, Some(&id)).await
}

fn redirect_saved(id: &str) -> Response {
    Redirect::to(&format!("/staff?saved={id}")).into_response()
}

async fn save_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Page {
    let ctx = guard(&app, &headers, &HashMap::new(), Area::StaffEdit).await?;
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.clone());
    check_csrf(&ctx, csrf.as_ref())?;
    let m = member_of_form(&fields).map_err(|e| Refused::Bad(e).response())?;
    let is_new = fields.iter().any(|(k, v)| k == "new" && v == "1");
    let id = m.employee.id.clone();
    let change = if is_new {
        Change::Add(Box::new(m))
    } else {
        Change::Edit(Box::new(m))
    };
    apply(&app, &ctx.session.user.username, change)
        .await
        .map_err(|e| e.response())?;
    Ok(redirect_saved(&id))
}

async fn deactivate_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::StaffEdit).await?;
    let left_on = form
        .get("left_on")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| Refused::Bad("left_on must be a date YYYY-MM-DD".into()).response())?;
    let reason = form.get("reason").cloned().unwrap_or_default();
    apply(
        &app,
        &ctx.session.user.username,
        Change::Deactivate {
            id: id.clone(),
            left_on,
            reason,
        },
    )
    .await
    .map_err(|e| e.response())?;
    Ok(redirect_saved(&id))
}

async fn reactivate_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let ctx = guard_form(&app, &headers, &form, Area::StaffEdit).await?;
    apply(
        &app,
        &ctx.session.user.username,
        Change::Reactivate { id: id.clone() },
    )
    .await
    .map_err(|e| e.response())?;
    Ok(redirect_saved(&id))
}

/// Why an upload was not imported.
enum UploadError {
    /// The file's problems, every one located; nothing stored.
    Problems(Vec<crate::excel::table::ImportProblem>),
    /// Something else went wrong.
    Failed(Response),
}

/// Parses an uploaded staff workbook into members (every problem located, or all rows).
async fn parse_upload(app: &App, bytes: Vec<u8>) -> Result<Vec<Member>, UploadError> {
    let site =
        crate::data::load_site(&app.site.path()).map_err(|e| UploadError::Failed(internal(e)))?;
    let today = chrono::Local::now().date_naive();
    let parsed = tokio::task::spawn_blocking(move || {
        crate::excel::bounded::within(crate::excel::bounded::PARSE_LIMIT, move || {
            crate::excel::staff_import::parse_staff(&bytes, &site, today)
        })
    })
    .await
    .map_err(|e| UploadError::Failed(internal(e)))?;
    match parsed {
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
        Err(errors) => Err(UploadError::Problems(errors.0)),
    }
}

async fn import_form(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Page {
    let ctx = guard(&app, &headers, &HashMap::new(), Area::StaffEdit).await?;
    let mut csrf = None;
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()).into_response())?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| (StatusCode::BAD_REQUEST, e.to_string()).into_response())?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&ctx, csrf.as_ref())?;
    let Some((name, bytes)) = file else {
        return Err((StatusCode::BAD_REQUEST, "no file").into_response());
    };
    let members = match parse_upload(&app, bytes).await {
        Ok(m) => m,
        Err(UploadError::Failed(r)) => return Err(r),
        Err(UploadError::Problems(problems)) => {
            // The staff page with every problem located; nothing stored.
            let q = HashMap::from([("lang".to_string(), ctx.lang.clone())]);
            let mut r = super::staff::render_page(&app, &headers, &q, &name, &problems).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
    };
    let applied = apply(
        &app,
        &ctx.session.user.username,
        Change::Import {
            file: name.clone(),
            members,
        },
    )
    .await
    .map_err(|e| e.response())?;
    Ok(Redirect::to(&format!(
        "/staff?imported={}&added={}&changed={}",
        url_escape(&name),
        applied.added.len(),
        applied.changed.len()
    ))
    .into_response())
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// JSON.

async fn api_list(State(app): State<Arc<App>>, headers: HeaderMap) -> Page {
    let ctx = api_guard(&app, &headers, Area::Staff).await?;
    let whole = matches!(ctx.session.user.role, Role::Admin | Role::Hr);
    let members = app.store.staff_members().await.map_err(internal)?;
    let list: Vec<serde_json::Value> = members
        .iter()
        .map(|m| {
            if whole {
                serde_json::to_value(m).unwrap_or_default()
            } else {
                public(m)
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

async fn api_save(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Page {
    let ctx = api_guard(&app, &headers, Area::StaffEdit).await?;
    check_csrf_header(&ctx, &headers)?;
    let body: SaveBody =
        serde_json::from_slice(&body).map_err(|e| Refused::Bad(format!("body: {e}")).json())?;
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
    let applied = apply(&app, &ctx.session.user.username, change)
        .await
        .map_err(|e| e.json())?;
    Ok(Json(
        serde_json::json!({"stored": true, "added": applied.added, "changed": applied.changed}),
    )
    .into_response())
}

#[derive(Deserialize)]
struct DeactivateBody {
    left_on: NaiveDate,
    reason: String,
}

async fn api_deactivate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    body: axum::body::Bytes,
) -> Page {
    let ctx = api_guard(&app, &headers, Area::StaffEdit).await?;
    check_csrf_header(&ctx, &headers)?;
    let body: DeactivateBody =
        serde_json::from_slice(&body).map_err(|e| Refused::Bad(format!("body: {e}")).json())?;
    let applied = apply(
        &app,
        &ctx.session.user.username,
        Change::Deactivate {
            id,
            left_on: body.left_on,
            reason: body.reason,
        },
    )
    .await
    .map_err(|e| e.json())?;
    Ok(Json(serde_json::json!({"stored": true, "changed": applied.changed})).into_response())
}

async fn api_import(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Page {
    let ctx = api_guard(&app, &headers, Area::StaffEdit).await?;
    check_csrf_header(&ctx, &headers)?;
    let file = q
        .get("file_name")
        .cloned()
        .unwrap_or_else(|| "upload".into());
    let members = match parse_upload(&app, body.to_vec()).await {
        Ok(m) => m,
        Err(UploadError::Failed(r)) => return Err(r),
        Err(UploadError::Problems(problems)) => {
            let list = super::problems_json(&problems);
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({"stored": false, "file": file, "problems": list})),
            )
                .into_response());
        }
    };
    let applied = apply(
        &app,
        &ctx.session.user.username,
        Change::Import { file, members },
    )
    .await
    .map_err(|e| e.json())?;
    Ok(Json(
        serde_json::json!({"stored": true, "added": applied.added, "changed": applied.changed}),
    )
    .into_response())
}

async fn api_reactivate(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Page {
    let ctx = api_guard(&app, &headers, Area::StaffEdit).await?;
    check_csrf_header(&ctx, &headers)?;
    let applied = apply(&app, &ctx.session.user.username, Change::Reactivate { id })
        .await
        .map_err(|e| e.json())?;
    Ok(Json(serde_json::json!({"stored": true, "changed": applied.changed})).into_response())
}
