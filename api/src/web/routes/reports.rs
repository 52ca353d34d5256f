//! The periodic HR reports (人力资源日报 / 周报 / 月报 / 季报) and the three policy documents
//! (制度文件) as pages, downloads and JSON. Every figure is the month pipeline's
//! ([`crate::month::report::build`], [`crate::month::policy::documents`]), computed from the
//! store as the command line computes it: page, JSON and workbook are one report.
//!
//! The service report needs the call platform's interval report, uploaded with
//! `POST /reports/service`; without it an "all" report still builds (the gap is said), and a
//! service-only report is a 400 naming what to upload.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::Path as UrlPath;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use minijinja::{context, Value};
use rust_decimal::Decimal;
use serde_json::json;

use crate::month::report::{Built, History, Kind};
use crate::month::YearMonth;
use crate::policy_doc::DocKind;
use crate::report::{Group, Move, Period, PersonHours, QualityBasis, Report, ServiceRow};
use crate::web::extract::{areas, Posted, Signed, Upload};
use crate::web::routes::payroll::money;
use crate::web::{current_month, percent_encode, xlsx_attachment, App, AppError, Ctx};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/reports", get(page))
        .route("/reports/download", get(download))
        .route("/reports/service", post(service))
        .route("/policy/{stem}", get(policy))
        .route("/api/reports", get(api))
        .route("/api/policy", get(api_policy))
}

/// The report kinds in the form's order: code, kind, label key.
const KINDS: [(&str, Kind, &str); 6] = [
    ("staffing", Kind::Staffing, "report_kind_staffing"),
    ("attendance", Kind::Attendance, "report_kind_attendance"),
    ("service", Kind::Service, "report_kind_service"),
    ("kpi", Kind::Kpi, "report_kind_kpi"),
    ("cost", Kind::Cost, "report_kind_cost"),
    ("all", Kind::All, "report_kind_all"),
];

/// The three documents: kind and the ASCII name used in links (the Chinese file stem works
/// too).
const DOCS: [(DocKind, &str); 3] = [
    (DocKind::PayStructure, "pay-structure"),
    (DocKind::Performance, "performance"),
    (DocKind::Attendance, "attendance"),
];

fn kind_of(code: &str) -> Result<(&'static str, Kind), AppError> {
    let code = code.trim();
    KINDS
        .iter()
        .find(|(c, ..)| c.eq_ignore_ascii_case(code))
        .map(|(c, k, _)| (*c, *k))
        .ok_or_else(|| {
            AppError::bad_request(crate::said::Said::new(
                format!("report kind `{code}`: expected staffing, attendance, service, kpi, cost or all"),
                format!("报表类型“{code}”：应为 staffing（人员）、attendance（考勤）、service（话务）、kpi（绩效）、cost（成本）或 all（全部）"),
            ))
        })
}

/// A report asked for: its kind (and code) and period.
#[derive(Debug, Clone, Copy)]
struct Asked {
    code: &'static str,
    kind: Kind,
    period: Period,
}

/// The kind (default staffing) and the period (default this month) of a query or form.
fn asked(fields: &HashMap<String, String>) -> Result<Asked, AppError> {
    let (code, kind) = kind_of(
        fields
            .get("kind")
            .map(|k| k.trim())
            .filter(|k| !k.is_empty())
            .unwrap_or("staffing"),
    )?;
    let text = period_text(fields);
    let period: Period = text
        .parse()
        .map_err(|e: crate::report::PeriodError| AppError::bad_request(e.to_string()))?;
    Ok(Asked { code, kind, period })
}

fn period_text(fields: &HashMap<String, String>) -> String {
    fields
        .get("period")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(current_month)
}

/// The call history when none was uploaded: an "all" report says the service part is missing.
fn no_history() -> History {
    History::Unreadable {
        label: "—".into(),
        error: "没有上传话务记录 no call history uploaded".into(),
    }
}

/// A service-only report asked for without a call history.
fn history_needed() -> AppError {
    AppError::bad_request(crate::said::Said::new(
        "the service report needs the call history: upload the call platform's interval report \
         with POST /reports/service (multipart: kind, period, file)",
        "话务报表需要话务历史：请上传话务平台的分时段报表",
    ))
}

/// Builds the report; the call history is `history`, else (service or all) none uploaded.
async fn build(ctx: &Ctx, a: Asked, history: Option<History>) -> Result<Built, AppError> {
    let history = match a.kind {
        Kind::Service | Kind::All => Some(history.unwrap_or_else(no_history)),
        _ => None,
    };
    Ok(crate::month::report::build(ctx.app.cx(), a.kind, a.period, history).await?)
}

/// The uploaded call history (off the runtime), every problem located on a bad file.
async fn read_history(name: String, bytes: Vec<u8>, lang: &str) -> Result<History, AppError> {
    let rows = tokio::task::spawn_blocking(move || crate::excel::call_history::read(&bytes))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::import(&e, lang))?;
    Ok(History::Rows { label: name, rows })
}

/// The report's workbook as a download (audited: it names joiners and leavers).
async fn workbook(ctx: &Ctx, a: Asked, built: Built) -> Result<Response, AppError> {
    let report = built.report;
    let bytes = tokio::task::spawn_blocking(move || crate::excel::report_xlsx::workbook(&report))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    ctx.app
        .store
        .audit(
            ctx.actor(),
            "report.download",
            &format!("{} {}", a.code, a.period),
            None,
            None,
        )
        .await?;
    Ok(xlsx_attachment(
        bytes,
        &format!("report-{}-{}.xlsx", a.code, a.period),
    ))
}

// ---------------------------------------------------------------------------------------------
// Figures: one reading of the report for the page (formatted) and the JSON (exact values).

fn pct(d: Decimal, places: u32) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(places))
}

fn num(d: Decimal) -> String {
    d.round_dp(2).normalize().to_string()
}

fn group_label(g: Group, lang: &str) -> String {
    match (g, lang) {
        (Group::Team(t), "en") => format!("Team {t}"),
        (Group::NoTeam, "en") => "Day shift (no team)".into(),
        (Group::Reserve, "en") => "Reserve".into(),
        _ => g.label_zh(),
    }
}

fn group_code(g: Group) -> String {
    match g {
        Group::Team(t) => format!("team-{t}"),
        Group::NoTeam => "no-team".into(),
        Group::Reserve => "reserve".into(),
    }
}

/// Attendance totals over everyone.
struct Hours {
    shifts: u32,
    worked: Decimal,
    overtime: Option<Decimal>,
    nights: u32,
    holiday: Decimal,
    rest_day: Decimal,
    leave: Decimal,
    absence: u32,
    late: u32,
    early: u32,
    missing: u32,
}

fn hours(people: &[PersonHours]) -> Hours {
    Hours {
        shifts: people.iter().map(|p| p.shifts).sum(),
        worked: people.iter().map(PersonHours::worked_hours).sum(),
        overtime: people.iter().map(|p| p.overtime_hours).sum(),
        nights: people.iter().map(|p| p.night_shifts).sum(),
        holiday: people.iter().map(|p| p.holiday_hours).sum(),
        rest_day: people.iter().map(|p| p.rest_day_hours).sum(),
        leave: people.iter().map(|p| p.leave_days).sum(),
        absence: people.iter().map(|p| p.absence_days).sum(),
        late: people.iter().map(|p| p.late).sum(),
        early: people.iter().map(|p| p.early_leave).sum(),
        missing: people.iter().map(|p| p.missing_punches).sum(),
    }
}

fn seat_total(r: &Report) -> Option<Decimal> {
    let c = r.cost.as_ref()?;
    let i = c.columns.iter().position(|c| c.code == "SEAT")?;
    c.totals.get(i).copied()
}

/// The report's figures as JSON: the summary of every section built, with the gaps, warnings
/// and notes. Decimals are strings (exact); rates are fractions.
fn summary_json(a: Asked, b: &Built) -> serde_json::Value {
    let r = &b.report;
    let moves = |m: &[Move]| -> Vec<serde_json::Value> {
        m.iter()
            .map(|m| json!({"id": m.id, "name": m.name, "group": m.group.label_zh(), "date": m.date}))
            .collect()
    };
    let row = |s: &ServiceRow| {
        json!({
            "label": s.bucket.label(),
            "days_with_data": s.days_with_data,
            "offered": s.offered,
            "answered": s.answered,
            "abandoned": s.abandoned,
            "answer_rate": s.answer_rate(),
            "abandon_rate": s.abandon_rate(),
            "aht_seconds": s.aht_seconds(),
        })
    };
    json!({
        "kind": a.code,
        "period": r.period.to_string(),
        "title": r.title(),
        "first": r.period.first(),
        "last": r.period.last(),
        "site": r.site,
        "staffing": r.staffing.as_ref().map(|s| json!({
            "contracted": s.contracted,
            "start": {"on_post": s.start.on_post, "reserve": s.start.reserve, "total": s.start.total()},
            "end": {"on_post": s.end.on_post, "reserve": s.end.reserve, "total": s.end.total()},
            "joiners": moves(&s.joiners),
            "leavers": moves(&s.leavers),
            "average_headcount": s.average_headcount,
            "attrition": s.attrition,
            "by_group": s.by_group.iter().map(|(g, n)| json!({"group": group_code(*g), "label": g.label_zh(), "count": n})).collect::<Vec<_>>(),
        })),
        "attendance": r.attendance.as_ref().map(|at| {
            let h = hours(&at.people);
            json!({
                "people": at.people.len(),
                "shifts": h.shifts,
                "worked_hours": h.worked,
                "overtime_hours": h.overtime,
                "night_shifts": h.nights,
                "holiday_hours": h.holiday,
                "rest_day_hours": h.rest_day,
                "leave_days": h.leave,
                "absence_days": h.absence,
                "late": h.late,
                "early_leave": h.early,
                "missing_punches": h.missing,
                "teams": at.teams.iter().map(|t| json!({
                    "group": group_code(t.group), "label": t.group.label_zh(), "people": t.people,
                    "shifts": t.shifts, "worked_hours": t.worked_hours, "overtime_hours": t.overtime_hours,
                    "night_shifts": t.night_shifts, "holiday_hours": t.holiday_hours,
                    "leave_days": t.leave_days, "absence_days": t.absence_days,
                })).collect::<Vec<_>>(),
                "sources": at.sources.iter().map(|s| json!({"month": s.month, "records": s.records, "from_roster": s.from_roster})).collect::<Vec<_>>(),
            })
        }),
        "service": r.service.as_ref().map(|s| json!({
            "total": row(&s.total),
            "summary": s.summary.iter().map(row).collect::<Vec<_>>(),
            "days_without_data": s.days_without_data,
            "quality": s.quality.as_ref().map(|q| json!({
                "basis": match q.basis { QualityBasis::KpiScores => "kpi_scores", QualityBasis::Measured => "measured" },
                "satisfaction": q.satisfaction,
                "satisfaction_count": q.satisfaction_count,
                "callback_timeliness": q.callback_timeliness,
                "callback_count": q.callback_count,
            })),
        })),
        "kpi": r.kpi.as_ref().map(|k| json!({
            "person_months": k.people.len(),
            "below_one": k.people.iter().filter(|p| p.rating.coefficient < Decimal::ONE).count(),
            "teams": k.teams.iter().map(|t| json!({
                "group": group_code(t.group), "label": t.group.label_zh(), "person_months": t.person_months,
                "composite": t.composite, "coefficient": t.coefficient, "below_one": t.below_one,
                "performance_pay": t.performance_pay,
            })).collect::<Vec<_>>(),
        })),
        "cost": r.cost.as_ref().map(|c| json!({
            "columns": c.columns.iter().map(|c| json!({"code": c.code, "label": c.label})).collect::<Vec<_>>(),
            "months": c.rows.iter().map(|row| json!({
                "month": row.month,
                "headcount": row.headcount,
                "amounts": c.columns.iter().zip(&row.amounts).map(|(c, a)| (c.code.clone(), json!(a))).collect::<serde_json::Map<_, _>>(),
            })).collect::<Vec<_>>(),
            "totals": c.columns.iter().zip(&c.totals).map(|(c, a)| (c.code.clone(), json!(a))).collect::<serde_json::Map<_, _>>(),
            "seat_labour_cost": seat_total(r),
        })),
        "gaps": r.gaps,
        "warnings": b.warnings,
        "notes": b.notes,
    })
}

/// The report's figures for the page, formatted.
fn view(a: Asked, b: &Built, history: Option<&str>, lang: &str) -> Value {
    let r = &b.report;
    let staffing = r.staffing.as_ref().map(|s| {
        let mut moves: Vec<Value> = Vec::new();
        for (list, key) in [(&s.joiners, "report_move_joined"), (&s.leavers, "report_move_left")] {
            for m in list {
                moves.push(context! {
                    key => key, id => &m.id, name => &m.name,
                    group => group_label(m.group, lang), date => m.date.to_string(),
                });
            }
        }
        context! {
            contracted => s.contracted,
            start_on_post => s.start.on_post,
            start_total => s.start.total(),
            end_on_post => s.end.on_post,
            end_reserve => s.end.reserve,
            end_total => s.end.total(),
            short => s.end.on_post < s.contracted,
            joiners => s.joiners.len(),
            leavers => s.leavers.len(),
            average => num(s.average_headcount),
            attrition => s.attrition.map_or("—".into(), |x| pct(x, 2)),
            moves => moves,
            by_group => s.by_group.iter().map(|(g, n)| context! { group => group_label(*g, lang), count => n }).collect::<Vec<_>>(),
        }
    });
    let attendance = r.attendance.as_ref().map(|at| {
        let h = hours(&at.people);
        context! {
            people => at.people.len(),
            shifts => h.shifts,
            worked => num(h.worked),
            overtime => h.overtime.map(num),
            nights => h.nights,
            holiday => num(h.holiday),
            rest_day => num(h.rest_day),
            leave => num(h.leave),
            absence => h.absence,
            late => h.late,
            early => h.early,
            missing => h.missing,
            teams => at.teams.iter().map(|t| context! {
                group => group_label(t.group, lang), people => t.people, shifts => t.shifts,
                worked => num(t.worked_hours), overtime => t.overtime_hours.map(num),
                nights => t.night_shifts, holiday => num(t.holiday_hours),
                leave => num(t.leave_days), absence => t.absence_days,
            }).collect::<Vec<_>>(),
            sources => at.sources.iter().map(|s| context! { month => &s.month, records => s.records, from_roster => s.from_roster }).collect::<Vec<_>>(),
        }
    });
    let row = |s: &ServiceRow| {
        context! {
            label => s.bucket.label(),
            offered => s.offered,
            answered => s.answered,
            abandoned => s.abandoned,
            answer_rate => s.answer_rate().map_or("—".into(), |x| pct(x, 1)),
            below => s.answer_rate().is_some_and(|x| x < crate::report::ANSWER_RATE_TARGET),
            aht => s.aht_seconds().map_or("—".into(), |x| x.round_dp(1).to_string()),
        }
    };
    let service = r.service.as_ref().map(|s| {
        context! {
            history => history,
            total => row(&s.total),
            summary => s.summary.iter().map(row).collect::<Vec<_>>(),
            days_without => s.days_without_data.len(),
            quality => s.quality.as_ref().map(|q| context! {
                scores => q.basis == QualityBasis::KpiScores,
                satisfaction => q.satisfaction.map_or("—".into(), |x| match q.basis {
                    QualityBasis::KpiScores => num(x),
                    QualityBasis::Measured => pct(x, 1),
                }),
                callback => q.callback_timeliness.map_or("—".into(), |x| match q.basis {
                    QualityBasis::KpiScores => num(x),
                    QualityBasis::Measured => pct(x, 1),
                }),
            }),
        }
    });
    let kpi = r.kpi.as_ref().map(|k| {
        context! {
            person_months => k.people.len(),
            below_one => k.people.iter().filter(|p| p.rating.coefficient < Decimal::ONE).count(),
            teams => k.teams.iter().map(|t| context! {
                group => group_label(t.group, lang), person_months => t.person_months,
                composite => num(t.composite), coefficient => t.coefficient.round_dp(2).to_string(),
                below_one => t.below_one, pay => money(t.performance_pay),
            }).collect::<Vec<_>>(),
        }
    });
    let cost = r.cost.as_ref().map(|c| {
        context! {
            columns => c.columns.iter().map(|c| &c.label).collect::<Vec<_>>(),
            rows => c.rows.iter().map(|row| context! {
                month => &row.month, headcount => row.headcount,
                amounts => row.amounts.iter().map(|a| money(*a)).collect::<Vec<_>>(),
            }).collect::<Vec<_>>(),
            totals => c.totals.iter().map(|a| money(*a)).collect::<Vec<_>>(),
            seat => seat_total(r).map(money),
        }
    });
    let empty = staffing.is_none()
        && attendance.is_none()
        && service.is_none()
        && kpi.is_none()
        && cost.is_none();
    context! {
        title => r.title(),
        first => r.period.first().to_string(),
        last => r.period.last().to_string(),
        download => format!("/reports/download?kind={}&period={}", a.code, r.period),
        // A service report downloads from its upload (the GET has no call history).
        download_needs_upload => a.kind == Kind::Service || history.is_some(),
        staffing => staffing,
        attendance => attendance,
        service => service,
        kpi => kpi,
        cost => cost,
        empty => empty,
        gaps => &r.gaps,
        warnings => &b.warnings,
        notes => &b.notes,
    }
}

/// What the page shows under the form.
enum Shown {
    /// A report built, with the call history's name when one was uploaded.
    Report(Asked, Box<Built>, Option<String>),
    /// A service report without a call history: the upload form is the answer.
    NeedsHistory,
    /// A report that could not be built (the status and the message).
    Refused(StatusCode, crate::said::Said),
}

/// Renders the reports page: the form as given, what it shows, the policy documents' links.
fn render(ctx: &Ctx, fields: &HashMap<String, String>, shown: Shown) -> Result<Response, AppError> {
    let kind = fields
        .get("kind")
        .map(|k| k.trim().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "staffing".into());
    let period = period_text(fields);
    let policy_month = fields
        .get("month")
        .map(|m| m.trim().to_string())
        .filter(|m| YearMonth::parse(m).is_ok())
        .or_else(|| {
            period
                .parse::<Period>()
                .ok()
                .filter(|p| p.months().len() == 1)
                .map(|p| p.month_keys().remove(0))
        })
        .unwrap_or_else(current_month);
    let kinds: Vec<Value> = KINDS
        .iter()
        .map(|(code, _, key)| context! { code => code, label => ctx.text(key) })
        .collect();
    let docs: Vec<Value> = DOCS
        .iter()
        .map(|(k, slug)| {
            context! {
                title => format!("《{}》", k.title()),
                html => format!("/policy/{slug}?month={policy_month}"),
                word => format!("/policy/{slug}.doc?month={policy_month}"),
            }
        })
        .collect();
    let (status, report, needs_history, error) = match shown {
        Shown::Report(a, built, history) => (
            StatusCode::OK,
            Some(view(a, &built, history.as_deref(), &ctx.lang)),
            false,
            None,
        ),
        Shown::NeedsHistory => (StatusCode::OK, None, true, None),
        Shown::Refused(status, message) => (
            status,
            None,
            false,
            Some(message.in_lang(&ctx.lang).to_string()),
        ),
    };
    let title = ctx.text("report_title");
    let mut r = ctx.render(
        "reports.html",
        "reports",
        &title,
        context! {
            kinds => kinds,
            kind => kind,
            period => period,
            report => report,
            needs_history => needs_history,
            error => error,
            policy_month => policy_month,
            docs => docs,
        },
    );
    *r.status_mut() = status;
    Ok(r)
}

/// A built report shown, or a refusal (4xx) shown on the page; a server error is the error
/// page.
fn shown(
    a: Asked,
    built: Result<Built, AppError>,
    history: Option<String>,
) -> Result<Shown, AppError> {
    match built {
        Ok(b) => Ok(Shown::Report(a, Box::new(b), history)),
        Err(e) if e.status_code().is_client_error() => {
            Ok(Shown::Refused(e.status_code(), e.said()))
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

async fn page(s: Signed<areas::Reports>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let shown = match asked(&s.query) {
        Err(e) => Shown::Refused(e.status_code(), e.said()),
        Ok(a) if a.kind == Kind::Service => Shown::NeedsHistory,
        Ok(a) => shown(a, build(ctx, a, None).await, None)?,
    };
    render(ctx, &s.query, shown)
}

/// The report as a workbook (`report-KIND-PERIOD.xlsx`).
async fn download(s: Signed<areas::Reports>) -> Result<Response, AppError> {
    let a = asked(&s.query)?;
    if a.kind == Kind::Service {
        return Err(history_needed());
    }
    let built = build(&s.ctx, a, None).await?;
    workbook(&s.ctx, a, built).await
}

/// A report with the uploaded call history: the page, or with `format=xlsx` the workbook.
async fn service(p: Posted<areas::Reports, Upload>) -> Result<Response, AppError> {
    let ctx = &p.ctx;
    let mut fields = p.body.fields;
    if !fields.contains_key("kind") {
        fields.insert("kind".into(), "service".into());
    }
    let xlsx = fields
        .get("format")
        .is_some_and(|f| f.eq_ignore_ascii_case("xlsx"));
    let file = p.body.file.filter(|(_, bytes)| !bytes.is_empty());
    let a = match asked(&fields) {
        Ok(a) => a,
        Err(e) if xlsx => return Err(e),
        Err(e) => return render(ctx, &fields, Shown::Refused(e.status_code(), e.said())),
    };
    let (history, label) = match file {
        Some((name, bytes)) => match read_history(name.clone(), bytes, &ctx.lang).await {
            Ok(h) => (Some(h), Some(name)),
            Err(e) if xlsx => return Err(e),
            Err(e) => {
                return render(ctx, &fields, Shown::Refused(e.status_code(), e.said()));
            }
        },
        None if a.kind == Kind::Service && xlsx => return Err(history_needed()),
        None if a.kind == Kind::Service => return render(ctx, &fields, Shown::NeedsHistory),
        None => (None, None),
    };
    let built = build(ctx, a, history).await;
    if xlsx {
        return workbook(ctx, a, built?).await;
    }
    let shown = shown(a, built, label)?;
    render(ctx, &fields, shown)
}

/// The report's figures as JSON.
async fn api(s: Signed<areas::Reports>) -> Result<Response, AppError> {
    let a = asked(&s.query)?;
    if a.kind == Kind::Service {
        return Err(history_needed());
    }
    let built = build(&s.ctx, a, None).await?;
    Ok(Json(summary_json(a, &built)).into_response())
}

fn doc_of(stem: &str) -> Option<(DocKind, &'static str)> {
    DOCS.iter()
        .find(|(k, slug)| stem == *slug || stem == k.file_stem())
        .copied()
}

fn policy_month(q: &HashMap<String, String>) -> Result<YearMonth, AppError> {
    Ok(YearMonth::parse(
        q.get("month")
            .map(|m| m.trim())
            .filter(|m| !m.is_empty())
            .unwrap_or(&current_month()),
    )?)
}

/// A policy document of a month: the printable page, or (`NAME.doc`, `?format=doc`) the
/// Word document.
async fn policy(
    s: Signed<areas::Reports>,
    UrlPath(stem): UrlPath<String>,
) -> Result<Response, AppError> {
    let (name, word) = match stem.strip_suffix(".doc") {
        Some(name) => (name, true),
        None => (
            stem.strip_suffix(".html").unwrap_or(&stem),
            s.query
                .get("format")
                .is_some_and(|f| f == "doc" || f == "word"),
        ),
    };
    let Some((kind, slug)) = doc_of(name) else {
        return Err(AppError::not_found(crate::said::Said::new(
            format!("no policy document `{name}`: expected pay-structure (薪酬体系), performance (绩效考核办法) or attendance (考勤管理制度)"),
            format!("没有制度文件“{name}”：应为 pay-structure（薪酬体系）、performance（绩效考核办法）或 attendance（考勤管理制度）"),
        )));
    };
    let month = policy_month(&s.query)?;
    let docs = crate::month::policy::documents(s.ctx.app.cx(), month, None).await?;
    let doc = docs
        .docs
        .into_iter()
        .find(|d| d.kind == kind)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("{} not generated", kind.title())))?;
    let (body, ctype) = if word {
        (doc.word(), "application/msword")
    } else {
        (doc.html(), "text/html; charset=utf-8")
    };
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    if word {
        let file = format!("{}-{month}.doc", kind.file_stem());
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"{slug}-{month}.doc\"; filename*=UTF-8''{}",
            percent_encode(&file)
        )) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(r)
}

/// The month's three documents: titles, versions, what the pay figures come from.
async fn api_policy(s: Signed<areas::Reports>) -> Result<Response, AppError> {
    let month = policy_month(&s.query)?;
    let docs = crate::month::policy::documents(s.ctx.app.cx(), month, None).await?;
    let list: Vec<serde_json::Value> = docs
        .docs
        .iter()
        .map(|d| {
            let slug = doc_of(d.kind.file_stem()).map_or("", |(_, s)| s);
            json!({
                "name": slug,
                "stem": d.kind.file_stem(),
                "title": d.title(),
                "version": d.version.to_string(),
                "as_of": d.as_of,
                "generated_on": d.generated_on,
                "html": format!("/policy/{slug}?month={month}"),
                "word": format!("/policy/{slug}.doc?month={month}"),
            })
        })
        .collect();
    Ok(Json(json!({
        "month": month.to_string(),
        "people": docs.people,
        "basis": docs.basis,
        "documents": list,
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_periods_and_documents_are_read() {
        let q = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let a = asked(&q(&[("kind", "KPI"), ("period", "2026-q1")])).unwrap();
        assert_eq!(
            (a.code, a.kind, a.period.to_string()),
            ("kpi", Kind::Kpi, "2026-Q1".into())
        );
        let a = asked(&q(&[])).unwrap();
        assert_eq!(
            (a.kind, a.period.to_string()),
            (Kind::Staffing, current_month())
        );
        let e = asked(&q(&[("period", "March")])).unwrap_err();
        assert_eq!(e.status_code(), StatusCode::BAD_REQUEST);
        assert!(e.message().contains("2026-W10"), "{}", e.message());
        assert_eq!(
            asked(&q(&[("kind", "payroll")])).unwrap_err().status_code(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(doc_of("performance").unwrap().0, DocKind::Performance);
        assert_eq!(doc_of("考勤管理制度").unwrap().0, DocKind::Attendance);
        assert!(doc_of("holidays").is_none());
        assert_eq!(pct(Decimal::ONE / Decimal::new(525, 1), 2), "1.90%");
    }
}
