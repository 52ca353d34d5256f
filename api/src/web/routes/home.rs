//! The overview (总览): the month's shift cover, people on post, the roster's status and the
//! validator's verdict (with what the month boundary was checked against), the open
//! shortfalls, the attendance stored, and the seat labour cost of the year against the floor
//! (the compliance computation itself).
//!
//! Everyone's landing page, so it must stay fast under load: its figures are derived once
//! per change of the store and kept ([`Overview`], keyed by the audit log's newest id — every
//! change is audited in its own transaction, so the key moves with every write, whichever
//! process made it). A request then costs the session lookup, one indexed query and the
//! rendering.

use std::sync::Arc;

use axum::response::Response;
use axum::routing::get;
use axum::Router;
use minijinja::{context, Value};
use serde::Serialize;

use crate::db::roster::RosterVersion;
use crate::month::YearMonth;
use crate::web::extract::{areas, Signed};
use crate::web::{current_month, App, AppError};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new().route("/", get(home))
}

/// One month of the roster list.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RosterRow {
    month: String,
    status: String,
    version: i64,
    assignments: i64,
    shortfalls: i64,
    violations: Option<usize>,
}

/// An open shortfall of the month.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ShortfallRow {
    kind: String,
    date: String,
    shift: String,
    who: String,
    missing: u32,
    cause: String,
    /// The cause in Chinese (empty for rosters stored before it existed).
    cause_zh: String,
}

/// The derived figures of one month's overview.
#[derive(Debug, Clone)]
pub(crate) struct Overview {
    on_post: usize,
    reserve: usize,
    versions: Vec<RosterVersion>,
    this: Option<RosterVersion>,
    open_shortfalls: Vec<ShortfallRow>,
    attendance_records: i64,
    floor: String,
    year: Option<crate::month::compliance::ComplianceYear>,
}

async fn derive(app: &App, month: YearMonth) -> Result<Overview, AppError> {
    let cx = app.cx();
    let staff = cx.store.staff().await?;
    let on_post: Vec<_> = staff.on_post().collect();
    let reserve = on_post.iter().filter(|m| m.employee.reserve).count();
    let versions = cx.store.roster_versions().await?;
    let month_text = month.to_string();
    // The month's roster as it stands: its draft, else its latest published version.
    let this = versions.iter().find(|v| v.month == month_text).cloned();
    let open_shortfalls = match &this {
        Some(v) if v.figures.shortfalls > 0 => cx
            .store
            .roster_version(v.id)
            .await?
            .map(|s| {
                s.doc
                    .roster
                    .shortfalls
                    .iter()
                    .map(|s| ShortfallRow {
                        kind: serde_json::to_value(s.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(String::from))
                            .unwrap_or_default(),
                        date: s.date.map(|d| d.to_string()).unwrap_or_default(),
                        shift: s.shift.clone().unwrap_or_default(),
                        who: s
                            .role
                            .clone()
                            .or_else(|| s.employee.clone())
                            .unwrap_or_default(),
                        missing: s.missing,
                        cause: s.cause.clone(),
                        cause_zh: s.cause_zh.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let floor = cx
        .reference
        .payroll
        .contract_cost
        .floor_on(month.first_day())
        .map(|f| payroll::money::grouped(f.annual, true))
        .unwrap_or_else(|_| "—".into());
    Ok(Overview {
        on_post: on_post.len() - reserve,
        reserve,
        versions,
        this,
        open_shortfalls,
        attendance_records: cx.store.attendance_count(&month_text).await?,
        floor,
        year: {
            let preview = crate::month::compliance::preview_month(cx, month.year).await?;
            crate::month::compliance::year(cx, month.year, preview).await?
        },
    })
}

/// The month's overview, derived again only when the store changed.
async fn overview(app: &App, month: YearMonth) -> Result<Arc<Overview>, AppError> {
    let key = app.store.change_counter().await?;
    let name = month.to_string();
    if let Some((k, o)) = app
        .overview_cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(&name)
    {
        if *k == key {
            return Ok(o.clone());
        }
    }
    let o = Arc::new(derive(app, month).await?);
    let mut cache = app
        .overview_cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.len() > 64 {
        cache.clear();
    }
    cache.insert(name, (key, o.clone()));
    Ok(o)
}

/// `draft · optimal`, `published v2`, … in the page language.
pub(crate) fn status_label(v: &RosterVersion, lang: &str) -> String {
    let en = lang == "en";
    if v.published() {
        return if en {
            format!("published v{}", v.version)
        } else {
            format!("已发布 第{}版", v.version)
        };
    }
    let (zh, e) = match v.figures.solve_status.as_str() {
        "optimal" => ("草稿 · 最优", "draft · optimal"),
        "time_limited" => ("草稿 · 限时求解", "draft · time-limited solve"),
        _ => ("草稿 · 手工调整", "draft · edited"),
    };
    if en { e } else { zh }.to_string()
}

/// `ok` for a roster that breaks no rule checked against the previous month's published
/// roster, `bad` for one that breaks a rule, `muted` when the boundary could not be checked
/// (no previous month, or only its draft) or the verdict is not known yet.
pub(crate) fn verdict_class(v: &RosterVersion) -> &'static str {
    use crate::db::roster::History;
    match &v.verdict {
        Some(list) if !list.is_empty() => "bad",
        Some(_) if matches!(v.history, History::Published { .. } | History::File { .. }) => "ok",
        _ => "muted",
    }
}

/// The verdict in words: `校验：无违规（衔接 …）` or `校验：违反规则 3 处（…）`.
pub(crate) fn verdict_label(v: &RosterVersion, lang: &str) -> String {
    let en = lang == "en";
    let history = if en {
        v.history.label_en()
    } else {
        v.history.label_zh()
    };
    match &v.verdict {
        None => if en {
            "validator: not checked yet"
        } else {
            "校验：尚未校验"
        }
        .to_string(),
        Some(list) if list.is_empty() => {
            if en {
                format!("validator: no rule broken (checked with {history})")
            } else {
                format!("校验：无违规（衔接：{history}）")
            }
        }
        Some(list) => {
            if en {
                format!(
                    "validator: {} rule(s) broken (checked with {history})",
                    list.len()
                )
            } else {
                format!("校验：违反规则 {} 处（衔接：{history}）", list.len())
            }
        }
    }
}

async fn home(s: Signed<areas::Home>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let app = &ctx.app;
    let month = match s.query.get("month") {
        Some(m) => YearMonth::parse(m)?,
        None => {
            // This month if it has a roster, else the latest roster's month.
            let now = YearMonth::parse(&current_month())?;
            let months = app.store.roster_months().await?;
            if months.iter().any(|m| *m == now.to_string()) {
                now
            } else {
                months
                    .last()
                    .and_then(|m| YearMonth::parse(m).ok())
                    .unwrap_or(now)
            }
        }
    };
    let o = overview(app, month).await?;
    let lang = ctx.lang.as_str();
    // One row per month: the version that stands (the draft, else the latest published).
    let mut rows: Vec<RosterRow> = Vec::new();
    for v in &o.versions {
        if rows.last().is_some_and(|r| r.month == v.month) {
            continue;
        }
        rows.push(RosterRow {
            month: v.month.clone(),
            status: status_label(v, lang),
            version: v.version,
            assignments: v.figures.assignments,
            shortfalls: v.figures.shortfalls,
            violations: v.verdict.as_ref().map(Vec::len),
        });
    }
    let coverage = o.this.as_ref().and_then(|v| {
        let (required, missing) = (v.figures.seats_required, v.figures.seats_missing);
        (required > 0).then(|| {
            context! {
                required => required,
                filled => required - missing,
                percent => format!("{:.1}", 100.0 * (required - missing) as f64 / required as f64),
            }
        })
    });
    let cost = o.year.as_ref().map(|y| {
        let v = &y.view;
        context! {
            latest_month => v.latest_month.to_string(),
            year_to_date => payroll::money::grouped(v.year_to_date, true),
            floor => payroll::money::grouped(v.floor, true),
            floor_to_date => payroll::money::grouped(
                crate::excel::payroll_xlsx::floor_line(v.floor, v.latest_month.month()), true),
            projected_year => payroll::money::grouped(v.projected_year, true),
            margin => payroll::money::grouped(v.margin, true),
            meets_floor => v.meets_floor,
            run_status => match (&y.latest_run, lang) {
                (None, "en") => "no month approved yet: a preview".to_string(),
                (None, _) => "尚无已审批月份：预览".to_string(),
                (Some(_), "en") => format!("{} approved month(s) actual, {} projected", y.actual().count(), v.remaining_months),
                (Some(_), _) => format!("已审批 {} 个月为实际，其余 {} 个月为预计", y.actual().count(), v.remaining_months),
            },
            chart => Value::from_safe_string(super::compliance::chart(y, lang)),
        }
    });
    let title = ctx.text("nav_home");
    Ok(ctx.render(
        "home.html",
        "home",
        &title,
        context! {
            coverage => coverage,
            open_shortfalls => Value::from_serialize(&o.open_shortfalls),
            cost => cost,
            year => month.year,
            month => month.to_string(),
            on_post => o.on_post,
            reserve => o.reserve,
            roster_status => o.this.as_ref().map_or("—".to_string(), |v| status_label(v, lang)),
            shortfalls => o.this.as_ref().map_or(String::new(), |v| format!("{} {}", ctx.text("shortfall_count"), v.figures.shortfalls)),
            verdict => o.this.as_ref().map(|v| verdict_label(v, lang)),
            verdict_class => o.this.as_ref().map_or("", verdict_class),
            attendance_records => o.attendance_records,
            floor => &o.floor,
            rosters => Value::from_serialize(&rows),
        },
    ))
}
