//! The staff page: everyone on the site with the hiring criteria of clause 2.3.1 checked per
//! person (age 18-35 at hiring from the ID number's birth date, Hainan household registration,
//! college degree or above, typing ≥ 40 characters a minute), and the replacement tracker of
//! clause 2.3.7: when the purchaser asks for a worker to be replaced, the deadline is 15
//! working days later by the holiday calendar; the request stays open until the replacement.
//!
//! What the data does not record is shown as 未登记 (not recorded), never as passed: the demo
//! HR file has no education or typing test. The household registration is read from the ID
//! number's region code (46 = Hainan), which is the place of first registration, not
//! necessarily the current 户籍 — labelled as such on the page.
//! ID numbers are shown masked (first 6 and last 4) except to HR and admin.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::Path as UrlPath;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike as _, NaiveDate};
use minijinja::{context, Value};
use serde::Serialize;

use crate::accounts::Role;
use crate::web::extract::{areas, Fields, JsonBody, Posted, Signed};
use crate::web::{allowed, App, AppError, Area, Ctx};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/staff", get(staff_page))
        .route("/staff/replacement", post(add_replacement))
        .route("/staff/replacement/{id}/done", post(done_replacement))
        .route(
            "/api/staff/replacements",
            get(api_replacements).post(api_add_replacement),
        )
        .route(
            "/api/staff/replacements/{id}/done",
            post(api_done_replacement),
        )
}

/// Typing speed the purchaser requires (clause 2.3.1): at least 40 Chinese characters a
/// minute.
pub const MIN_TYPING_CPM: u32 = 40;

/// Working days the contractor has to replace a worker (clause 2.3.7).
pub const REPLACEMENT_WORKING_DAYS: u32 = 15;

/// A criterion's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// Not recorded.
    Unknown,
}

/// The birth date in an 18-character resident ID number (characters 7-14).
pub fn birth_date(id_number: &str) -> Option<NaiveDate> {
    let digits = id_number.get(6..14)?;
    NaiveDate::parse_from_str(digits, "%Y%m%d").ok()
}

/// Whole years between `born` and `on`.
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
}

/// The age criterion (18-35 at hiring).
pub fn age_verdict(id_number: &str, hired_on: NaiveDate) -> (Verdict, Option<i32>) {
    match birth_date(id_number) {
        Some(b) => {
            let age = age_on(b, hired_on);
            let v = if (18..=35).contains(&age) {
                Verdict::Met
            } else {
                Verdict::NotMet
            };
            (v, Some(age))
        }
        None => (Verdict::Unknown, None),
    }
}

pub use crate::hr::mask_id;

#[derive(Serialize)]
struct Row {
    id: String,
    name: String,
    position: String,
    team: String,
    reserve: bool,
    id_number: String,
    hired_on: String,
    age: String,
    age_ok: Verdict,
    hainan: Verdict,
    degree: Verdict,
    typing: Verdict,
}

#[derive(Serialize)]
struct Replacement {
    id: i64,
    employee: String,
    name: String,
    requested_on: String,
    deadline: String,
    days_left: i64,
    reason: String,
    status: String,
    replaced_by: String,
    done_on: String,
}

async fn staff_page(s: Signed<areas::Staff>) -> Result<Response, AppError> {
    render_page(&s.ctx, &s.query, "", &[]).await
}

#[derive(Serialize)]
struct Problem {
    sheet: String,
    row: String,
    column: String,
    expected: String,
    found: String,
}

#[derive(Serialize)]
struct Former {
    id: String,
    name: String,
    left_on: String,
}

/// The staff page; `problems` of a refused import of `file` are listed at the top.
pub(crate) async fn render_page(
    ctx: &Ctx,
    q: &HashMap<String, String>,
    file: &str,
    problems: &[crate::excel::table::ImportProblem],
) -> Result<Response, AppError> {
    let staff = ctx.app.store.staff().await?;
    let former: Vec<Former> = staff
        .members
        .iter()
        .filter(|m| !m.active)
        .map(|m| Former {
            id: m.employee.id.clone(),
            name: m.employee.name.clone(),
            left_on: m
                .hr
                .as_ref()
                .and_then(|h| h.left_on)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let problems: Vec<Problem> = problems
        .iter()
        .map(|p| Problem {
            sheet: p.sheet.clone(),
            row: p.row.map(|r| r.to_string()).unwrap_or_default(),
            column: p.column.clone().unwrap_or_default(),
            expected: p.expected_in(&ctx.lang).to_string(),
            found: p.found_in(&ctx.lang).to_string(),
        })
        .collect();
    let whole_ids = matches!(ctx.session.user.role, Role::Admin | Role::Hr);
    let rows: Vec<Row> = staff
        .on_post()
        .map(|m| {
            let e = &m.employee;
            let rec = m.hr.as_ref();
            let (id_number, hired_on) = rec.map_or((String::new(), None), |r| {
                (r.id_number.clone(), Some(r.hired_on))
            });
            let (age_ok, age) =
                hired_on.map_or((Verdict::Unknown, None), |h| age_verdict(&id_number, h));
            let hainan = if id_number.is_empty() {
                Verdict::Unknown
            } else if id_number.starts_with("46") {
                Verdict::Met
            } else {
                Verdict::NotMet
            };
            Row {
                id: e.id.clone(),
                name: e.name.clone(),
                position: e.position.clone().unwrap_or_default(),
                team: e.team.map(|t| t.to_string()).unwrap_or_default(),
                reserve: e.reserve,
                id_number: if whole_ids {
                    id_number.clone()
                } else {
                    mask_id(&id_number)
                },
                hired_on: hired_on.map(|d| d.to_string()).unwrap_or_default(),
                age: age.map(|a| a.to_string()).unwrap_or_default(),
                age_ok,
                hainan,
                degree: rec
                    .and_then(|r| r.education.as_deref())
                    .and_then(crate::hr::college_or_above)
                    .map_or(Verdict::Unknown, |c| {
                        if c {
                            Verdict::Met
                        } else {
                            Verdict::NotMet
                        }
                    }),
                typing: rec
                    .and_then(|r| r.typing_cpm)
                    .map_or(Verdict::Unknown, |n| {
                        if n >= MIN_TYPING_CPM {
                            Verdict::Met
                        } else {
                            Verdict::NotMet
                        }
                    }),
            }
        })
        .collect();
    let today = crate::clock::now_local().date_naive();
    let replacements = replacements(ctx).await?;
    let title = ctx.text("staff_title");
    let can_edit = allowed(ctx.session.user.role, Area::StaffEdit);
    let people: Vec<(String, String)> = staff
        .on_post()
        .map(|m| (m.employee.id.clone(), m.employee.name.clone()))
        .collect();
    let follow_ups = match q.get("saved") {
        Some(id) => crate::month::staff::follow_ups(ctx.app.cx(), id).await?,
        None => Vec::new(),
    };
    Ok(ctx.render(
        "staff.html",
        "staff",
        &title,
        context! {
            follow_ups => Value::from_serialize(&follow_ups),
            rows => Value::from_serialize(&rows),
            replacements => Value::from_serialize(&replacements),
            can_edit => can_edit,
            former => Value::from_serialize(&former),
            problems => Value::from_serialize(&problems),
            import_file => file,
            saved => q.get("saved"),
            imported => q.get("imported"),
            added => q.get("added"),
            changed => q.get("changed"),
            today => today.to_string(),
            people => Value::from_serialize(people),
        },
    ))
}

async fn add_replacement(p: Posted<areas::StaffEdit, Fields>) -> Result<Response, AppError> {
    record_replacement(&p.ctx, &p.body.map()).await?;
    Ok(Redirect::to("/staff").into_response())
}

/// Records a replacement request (`employee`, `requested_on`, `reason`); the deadline is
/// [`REPLACEMENT_WORKING_DAYS`] working days later by the holiday calendar.
async fn record_replacement(
    ctx: &Ctx,
    form: &HashMap<String, String>,
) -> Result<(String, String), AppError> {
    let employee = form.get("employee").cloned().unwrap_or_default();
    let staff = ctx.app.store.staff().await?;
    if staff.get(&employee).is_none() {
        return Err(AppError::bad_request(format!(
            "unknown employee `{employee}`"
        )));
    }
    let requested_on = form
        .get("requested_on")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| AppError::bad_request("requested_on must be a date YYYY-MM-DD"))?;
    let reason = form.get("reason").cloned().unwrap_or_default();
    if reason.trim().is_empty() {
        return Err(AppError::bad_request("the purchaser's reason is required"));
    }
    let calendar = &ctx.app.reference.calendar;
    if !calendar.covers_year(requested_on.year()) {
        return Err(AppError::bad_request(format!(
            "no holiday calendar for {}: add data/calendar/{}.toml",
            requested_on.year(),
            requested_on.year()
        )));
    }
    let deadline = calendar.add_working_days(requested_on, REPLACEMENT_WORKING_DAYS);
    ctx.app
        .store
        .replacement_add(
            &employee,
            &requested_on.to_string(),
            &deadline.to_string(),
            &reason,
            ctx.actor(),
        )
        .await?;
    Ok((employee, deadline.to_string()))
}

async fn done_replacement(
    UrlPath(id): UrlPath<i64>,
    p: Posted<areas::StaffEdit, Fields>,
) -> Result<Response, AppError> {
    close_replacement(&p.ctx, id, &p.body.map()).await?;
    Ok(Redirect::to("/staff").into_response())
}

/// Closes an open replacement request: `replaced_by` names the new person (their employee id,
/// or a name); the request is done on the replacement's first day — their HR record's hire
/// date when they are on the staff list, else `done_on` as given, else today.
async fn close_replacement(
    ctx: &Ctx,
    id: i64,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let replaced_by = form.get("replaced_by").cloned().unwrap_or_default();
    let replaced_by = replaced_by.trim().to_string();
    if replaced_by.is_empty() {
        return Err(AppError::bad_request("name the replacement (replaced_by)"));
    }
    let staff = ctx.app.store.staff().await?;
    let hired = staff
        .get(&replaced_by)
        .and_then(|m| m.hr.as_ref())
        .map(|h| h.hired_on);
    let given = match form
        .get("done_on")
        .map(|d| d.trim())
        .filter(|d| !d.is_empty())
    {
        Some(d) => Some(
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| AppError::bad_request("done_on must be a date YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let today = hired
        .or(given)
        .unwrap_or_else(|| crate::clock::now_local().date_naive())
        .to_string();
    if !ctx
        .app
        .store
        .replacement_done(id, &replaced_by, &today, ctx.actor())
        .await?
    {
        return Err(AppError::conflict(
            "no open replacement request with that id",
        ));
    }
    Ok(())
}

/// The replacement requests, open first.
async fn replacements(ctx: &Ctx) -> Result<Vec<Replacement>, AppError> {
    let today = crate::clock::now_local().date_naive();
    let staff = ctx.app.store.staff().await?;
    Ok(ctx
        .app
        .store
        .replacements()
        .await?
        .into_iter()
        .map(|r| {
            let days_left = NaiveDate::parse_from_str(&r.deadline, "%Y-%m-%d")
                .map(|d| (d - today).num_days())
                .unwrap_or_default();
            Replacement {
                id: r.id,
                name: staff
                    .get(&r.employee)
                    .map(|m| m.employee.name.clone())
                    .unwrap_or_default(),
                employee: r.employee,
                requested_on: r.requested_on,
                deadline: r.deadline,
                days_left,
                reason: r.reason,
                status: r.status,
                replaced_by: r.replaced_by.unwrap_or_default(),
                done_on: r.done_on.unwrap_or_default(),
            }
        })
        .collect())
}

/// JSON body fields as text (numbers and dates written as strings or plain JSON values).
fn json_fields(v: serde_json::Map<String, serde_json::Value>) -> HashMap<String, String> {
    v.into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

async fn api_replacements(s: Signed<areas::Staff>) -> Result<Response, AppError> {
    let list = replacements(&s.ctx).await?;
    Ok(Json(serde_json::json!({ "replacements": list })).into_response())
}

async fn api_add_replacement(
    p: Posted<areas::StaffEdit, JsonBody<serde_json::Map<String, serde_json::Value>>>,
) -> Result<Response, AppError> {
    let (employee, deadline) = record_replacement(&p.ctx, &json_fields(p.body.0)).await?;
    Ok(
        Json(serde_json::json!({"stored": true, "employee": employee, "deadline": deadline}))
            .into_response(),
    )
}

async fn api_done_replacement(
    UrlPath(id): UrlPath<i64>,
    p: Posted<areas::StaffEdit, JsonBody<serde_json::Map<String, serde_json::Value>>>,
) -> Result<Response, AppError> {
    close_replacement(&p.ctx, id, &json_fields(p.body.0)).await?;
    Ok(Json(serde_json::json!({"stored": true, "id": id})).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 460400199412280028: born 1994-12-28; hired 2026-01-01 → 31 (birthday passed);
    /// 1990-06-15 hired 2026-01-01 → 35 (not yet 36): met; 1989-12-31 → 36: not met.
    #[test]
    fn age_from_the_id_number() {
        assert_eq!(
            birth_date("460400199412280028"),
            NaiveDate::from_ymd_opt(1994, 12, 28)
        );
        let hired = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(
            age_verdict("460400199412280028", hired),
            (Verdict::Met, Some(31))
        );
        assert_eq!(
            age_verdict("460400199006150011", hired),
            (Verdict::Met, Some(35))
        );
        assert_eq!(
            age_verdict("460400198912310011", hired),
            (Verdict::NotMet, Some(36))
        );
        assert_eq!(age_verdict("4604001989", hired), (Verdict::Unknown, None));
        assert_eq!(mask_id("460400199412280028"), "460400********0028");
    }

    /// Clause 2.3.7, worked by hand with the 2026 calendar (国办发明电〔2025〕7号): a request on
    /// Thursday 2026-09-24. 09-25 is 中秋 (statutory), 09-26/27 the weekend; working days:
    /// 09-28, 09-29, 09-30 (1-3); 10-01..10-07 the National Day break; 10-08, 10-09 (4-5);
    /// 10-10 Saturday, a make-up working day (6); 10-12..10-16 (7-11); 10-19..10-22 (12-15)
    /// → the deadline is Thursday 2026-10-22.
    #[test]
    fn replacement_deadline_counts_working_days_of_the_calendar() {
        let cal = scheduler::Calendar::from_toml_strs([include_str!(
            "../../../../data/calendar/2026.toml"
        )])
        .unwrap();
        let d = cal.add_working_days(
            NaiveDate::from_ymd_opt(2026, 9, 24).unwrap(),
            REPLACEMENT_WORKING_DAYS,
        );
        assert_eq!(d, NaiveDate::from_ymd_opt(2026, 10, 22).unwrap());
    }
}
