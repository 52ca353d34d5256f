//! Repair of a published month (排班调整): the events the store knows since publishing
//! (leavers, joiners, approved leave) pre-filled, a change date, and the solve; the changed
//! cells shown (who, date, before → after) with a link to the month's roster page, where the
//! new draft is published the ordinary way. One call into [`crate::month::repair`].
//!
//! `/roster/repair?month=YYYY-MM` is linked from the roster page of a published month and
//! from the staff page after a leaving or a joining is recorded.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use minijinja::{context, Value};
use serde::{Deserialize, Serialize};

use crate::month::repair::{RepairEvent, RepairOptions, Repaired};
use crate::month::requests::{parse_date, parse_leave_kind, LEAVE_KINDS};
use crate::month::YearMonth;
use crate::web::extract::{areas, Fields, JsonBody, Posted, Signed};
use crate::web::{current_month, App, AppError, Ctx};

/// Default solver time limit of a repair (seconds), and the most one may ask for.
const DEFAULT_LIMIT: f64 = 20.0;
const MAX_LIMIT: f64 = 120.0;

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/roster/repair", get(page).post(repair_form))
        .route("/api/roster/repair", post(api_repair))
        .route("/api/roster/repair/suggested", get(api_suggested))
}

/// Months being repaired: one repair of a month at a time.
static RUNNING: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(|| Mutex::new(HashSet::new()));

/// Marks a month as being repaired until dropped.
struct Running(String);

impl Running {
    fn start(month: &str) -> Option<Self> {
        let mut set = RUNNING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        set.insert(month.to_string())
            .then(|| Running(month.to_string()))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.0);
    }
}

fn parse_limit(given: Option<f64>) -> Result<f64, AppError> {
    match given {
        Some(v) if v.is_finite() && v >= 1.0 => Ok(v.min(MAX_LIMIT)),
        Some(_) => Err(AppError::bad_request(crate::said::Said::new(
            "time_limit: seconds, at least 1",
            "时间上限：秒数，至少 1",
        ))),
        None => Ok(DEFAULT_LIMIT),
    }
}

/// Runs the repair, one at a time per month.
async fn run(
    ctx: &Ctx,
    month: YearMonth,
    events: &[RepairEvent],
    from: NaiveDate,
    limit: f64,
) -> Result<Repaired, AppError> {
    let key = month.to_string();
    let Some(_running) = Running::start(&key) else {
        return Err(AppError::conflict(format!(
            "{key}: {}",
            ctx.text("repair_busy")
        )));
    };
    Ok(crate::month::repair::repair(
        ctx.app.cx(),
        month,
        events,
        from,
        &RepairOptions::new(limit),
        ctx.actor(),
    )
    .await?)
}

#[derive(Serialize)]
struct EventRow {
    json: String,
    what: String,
    name: String,
    source: String,
}

fn event_row(e: &RepairEvent, name: &str, source: &str, lang: &str) -> EventRow {
    let zh = lang != "en";
    let what = match e {
        RepairEvent::Absence {
            employee,
            from,
            to,
            leave_kind,
        } => {
            if zh {
                format!("{employee} 缺勤（{}）{from} – {to}", leave_kind.label_zh())
            } else {
                format!("{employee} absent {from} – {to}")
            }
        }
        RepairEvent::Resignation { employee, last_day } => {
            if zh {
                format!("{employee} 离职，最后工作日 {last_day}")
            } else {
                format!("{employee} leaves, last day {last_day}")
            }
        }
        RepairEvent::Joiner { employee, from } => {
            if zh {
                format!("{employee} 新入职，{from} 起可排班")
            } else {
                format!("{employee} joins, available from {from}")
            }
        }
        RepairEvent::Cover { .. } => e.describe(),
    };
    EventRow {
        json: serde_json::to_string(e).unwrap_or_default(),
        what,
        name: name.to_string(),
        source: source.to_string(),
    }
}

/// The repair page of a month, with `extra` (a result, notices).
async fn view(ctx: &Ctx, month: YearMonth, extra: Value) -> Result<Response, AppError> {
    let title = ctx.text("repair_title");
    let cx = ctx.app.cx();
    let (first, last) = (month.first_day(), month.last_day());
    let base = match crate::month::repair::suggested_events(cx, month).await {
        Ok(s) => Ok(s),
        Err(crate::month::Error::Conflict(m)) => Err(m),
        Err(e) => return Err(e.into()),
    };
    let (suggested, people, from, based_on, published, unpublished) = match base {
        Ok(s) => {
            let rows: Vec<EventRow> = s
                .events
                .iter()
                .map(|x| event_row(&x.event, &x.name, &x.source, &ctx.lang))
                .collect();
            let people: Vec<(String, String)> =
                match crate::month::roster::current(cx, &month.to_string()).await? {
                    Some(r) => r
                        .doc
                        .problem
                        .employees
                        .iter()
                        .map(|e| (e.id.clone(), e.name.clone()))
                        .collect(),
                    None => Vec::new(),
                };
            let today = crate::clock::now_local().date_naive();
            let from = s.from.unwrap_or(today).clamp(first, last);
            (rows, people, from, Some(s.based_on), s.published, None)
        }
        Err(m) => (
            Vec::new(),
            Vec::new(),
            first,
            None,
            false,
            Some(m.in_lang(&ctx.lang).to_string()),
        ),
    };
    Ok(ctx.render(
        "roster_repair.html",
        "roster",
        &title,
        context! {
            month => month.to_string(),
            first => first.to_string(),
            last => last.to_string(),
            from => from.to_string(),
            suggested => Value::from_serialize(&suggested),
            people => Value::from_serialize(&people),
            kinds => Value::from_serialize(LEAVE_KINDS),
            based_on => based_on,
            base_published => published,
            unpublished => unpublished,
            default_limit => DEFAULT_LIMIT,
            ..extra
        },
    ))
}

fn month_of(given: Option<&str>) -> Result<YearMonth, AppError> {
    Ok(YearMonth::parse(
        given
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(&current_month()),
    )?)
}

async fn page(s: Signed<areas::RosterEdit>) -> Result<Response, AppError> {
    let month = month_of(s.query.get("month").map(String::as_str))?;
    view(&s.ctx, month, context! {}).await
}

/// The events of the form: the ticked suggestions (`event`, each an event as JSON) and the
/// absence entered by hand, if any.
fn events_of(f: &Fields) -> Result<Vec<RepairEvent>, AppError> {
    let mut events = Vec::new();
    for v in f.all("event").filter(|v| !v.trim().is_empty()) {
        events.push(serde_json::from_str::<RepairEvent>(v).map_err(|e| {
            AppError::bad_request(crate::said::Said::new(
                format!("event `{v}`: {e}"),
                format!("事件“{v}”：{e}"),
            ))
        })?);
    }
    let one = |k: &str| f.get(k).map_or("", str::trim);
    let employee = one("absence_employee");
    if !employee.is_empty() {
        let from = parse_date("absence_from", one("absence_from"))?;
        let to = match one("absence_to") {
            "" => from,
            t => parse_date("absence_to", t)?,
        };
        let kind = match one("absence_kind") {
            "" => scheduler::LeaveKind::Sick,
            k => parse_leave_kind(k)?,
        };
        events.push(RepairEvent::Absence {
            employee: employee.to_string(),
            from,
            to,
            leave_kind: kind,
        });
    }
    Ok(events)
}

#[derive(Serialize)]
struct ChangeRow {
    employee: String,
    name: String,
    date: String,
    before: String,
    after: String,
}

fn result_of(r: &Repaired, lang: &str) -> Value {
    let off = if lang == "en" { "off" } else { "休" };
    let duty = |d: &str| {
        if d == "off" {
            off.to_string()
        } else if let Some(s) = d.strip_prefix("standby ") {
            if lang == "en" {
                format!("standby {s}")
            } else {
                format!("备{s}")
            }
        } else {
            d.to_string()
        }
    };
    let rows: Vec<ChangeRow> = r
        .changes
        .iter()
        .map(|c| ChangeRow {
            employee: c.employee.clone(),
            name: c.name.clone(),
            date: c.date.to_string(),
            before: duty(&c.before),
            after: duty(&c.after),
        })
        .collect();
    let events: Vec<EventRow> = r
        .events
        .iter()
        .map(|e| event_row(e, "", "", lang))
        .collect();
    context! {
        month => &r.month,
        from => r.from.to_string(),
        based_on => r.based_on,
        version => r.stored.version,
        violations => r.stored.verdict.len(),
        summary => &r.summary,
        shortfalls => r.shortfalls,
        changes => Value::from_serialize(&rows),
        affected => Value::from_serialize(&r.affected),
        events => Value::from_serialize(&events),
    }
}

async fn repair_form(p: Posted<areas::RosterEdit, Fields>) -> Result<Response, AppError> {
    let ctx = &p.ctx;
    let month = month_of(p.body.get("month"))?;
    let attempt = async {
        let events = events_of(&p.body)?;
        let from = parse_date("from", p.body.get("from").unwrap_or_default())?;
        let given = match p
            .body
            .get("time_limit")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(s.parse::<f64>().map_err(|_| {
                AppError::bad_request(crate::said::Said::new(
                    "time_limit: seconds, at least 1",
                    "时间上限：秒数，至少 1",
                ))
            })?),
            None => None,
        };
        let limit = parse_limit(given)?;
        run(ctx, month, &events, from, limit).await
    };
    match attempt.await {
        Ok(r) => view(ctx, month, context! { result => result_of(&r, &ctx.lang) }).await,
        Err(e) => {
            let status = e.status_code();
            if status.is_client_error() && status != StatusCode::FORBIDDEN {
                let message = e.message_in(&ctx.lang);
                let mut r = view(ctx, month, context! { notice_bad => &message }).await?;
                *r.status_mut() = status;
                Err(AppError::page(r, message))
            } else {
                Err(e)
            }
        }
    }
}

/// The body of `POST /api/roster/repair`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RepairBody {
    month: String,
    from: NaiveDate,
    events: Vec<RepairEvent>,
    #[serde(default)]
    time_limit: Option<f64>,
}

async fn api_repair(
    p: Posted<areas::RosterEdit, JsonBody<RepairBody>>,
) -> Result<Response, AppError> {
    let b = p.body.0;
    let month = YearMonth::parse(&b.month)?;
    let limit = parse_limit(b.time_limit)?;
    let r = run(&p.ctx, month, &b.events, b.from, limit).await?;
    let link = format!("/roster?month={}", r.month);
    let mut v = serde_json::to_value(&r).map_err(AppError::internal)?;
    v["roster_page"] = serde_json::Value::String(link);
    Ok(Json(v).into_response())
}

async fn api_suggested(s: Signed<areas::RosterEdit>) -> Result<Response, AppError> {
    let month = YearMonth::parse(s.query.get("month").map_or("", String::as_str))?;
    let suggested = crate::month::repair::suggested_events(s.ctx.app.cx(), month).await?;
    Ok(Json(suggested).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_from_the_form() {
        let f = Fields(vec![
            (
                "event".into(),
                r#"{"kind":"resignation","employee":"A005","last_day":"2026-04-15"}"#.into(),
            ),
            ("absence_employee".into(), "A007".into()),
            ("absence_from".into(), "2026-04-20".into()),
            ("absence_to".into(), "".into()),
            ("absence_kind".into(), "annual".into()),
        ]);
        let ev = events_of(&f).unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(
            ev[1],
            RepairEvent::Absence {
                employee: "A007".into(),
                from: NaiveDate::from_ymd_opt(2026, 4, 20).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 4, 20).unwrap(),
                leave_kind: scheduler::LeaveKind::Annual,
            }
        );
        let bad = Fields(vec![("event".into(), r#"{"kind":"holiday"}"#.into())]);
        assert!(events_of(&bad).is_err());
        assert!((parse_limit(None).unwrap() - 20.0).abs() < 1e-9);
        assert!(parse_limit(Some(0.5)).is_err());
    }
}
