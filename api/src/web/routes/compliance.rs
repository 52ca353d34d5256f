//! The purchaser's compliance page (合规), its JSON and its workbook: one computation
//! ([`crate::month::compliance::year`]) — approved months at their stored figures, the rest
//! projected, each month labelled — so page, JSON and workbook give the same year. No ID
//! numbers, bank accounts or addresses.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::Path as UrlPath;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use minijinja::{context, Value};
use rust_decimal::Decimal;

use crate::month::compliance::{ComplianceYear, CONTRACTED_SEATS};
use crate::web::extract::{areas, Signed};
use crate::web::routes::payroll::{money, position_label};
use crate::web::{current_month, xlsx_attachment, App, AppError};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/compliance", get(page))
        .route("/compliance/export/{id}", get(export))
        .route("/api/compliance", get(api))
}

fn year_of(q: &std::collections::HashMap<String, String>) -> Result<i32, AppError> {
    match q.get("year") {
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                AppError::bad_request(crate::said::Said::new(
                    format!("year `{y}`: YYYY"),
                    format!("年份“{y}”：应为 YYYY"),
                ))
            }),
        None => Ok(current_month()[..4].parse().unwrap_or(2026)),
    }
}

/// The SVG chart: cumulative cost of the actual months, the projection to December, and the
/// floor line (floor × months ÷ 12).
pub(crate) fn chart(y: &ComplianceYear, lang: &str) -> String {
    let (w, h, left, right, top, bottom) = (1000.0_f64, 300.0_f64, 70.0, 20.0, 30.0, 36.0);
    let floor = y.floor;
    let to_f = |d: Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
    let max = to_f(floor.max(y.view.projected_year).max(y.view.year_to_date)) * 1.05;
    let max = if max > 0.0 { max } else { 1.0 };
    let x = |m: u32| left + (w - left - right) * f64::from(m) / 12.0;
    let yy = |v: f64| top + (h - top - bottom) * (1.0 - v / max);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px" role="img" font-size="11">"#
    );
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        s += &format!(
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e7eb"/><text x="{}" y="{:.1}" text-anchor="end" fill="#6b7280">{}</text>"##,
            w - right,
            left - 6.0,
            yy(v) + 4.0,
            if lang == "en" {
                format!("{:.2}M", v / 1_000_000.0)
            } else {
                format!("{:.0}万", v / 10_000.0)
            },
            y = yy(v)
        );
    }
    for m in 1..=12u32 {
        s += &format!(
            r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#6b7280">{m}</text>"##,
            x(m),
            h - bottom + 16.0
        );
    }
    s += &format!(
        r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#b91c1c" stroke-width="2" stroke-dasharray="6 4"/>"##,
        x(0),
        yy(0.0),
        x(12),
        yy(to_f(floor))
    );
    // Cumulative over the year: solid through the actual months, dashed where projected.
    let mut prev = (x(0), yy(0.0));
    for m in &y.months {
        let pt = (x(m.month.month()), yy(to_f(m.cumulative)));
        s += &format!(
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#1d4ed8" stroke-width="{}"{}/>"##,
            prev.0,
            prev.1,
            pt.0,
            pt.1,
            if m.actual.is_some() { "2.5" } else { "1.5" },
            if m.actual.is_some() {
                ""
            } else {
                r#" stroke-dasharray="3 3""#
            }
        );
        if m.actual.is_some() {
            s += &format!(
                r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#1d4ed8"/>"##,
                pt.0, pt.1
            );
        }
        prev = pt;
    }
    let (l_cost, l_floor, l_proj) = if lang == "en" {
        (
            "cumulative cost (approved)",
            "floor (pro rata)",
            "projection",
        )
    } else {
        ("累计人工费（已审批）", "下限（按月均摊）", "预计")
    };
    s += &format!(
        r##"<g transform="translate({left},4)"><rect width="10" height="3" y="4" fill="#1d4ed8"/><text x="14" y="9">{l_cost}</text><rect x="170" width="10" height="3" y="4" fill="#b91c1c"/><text x="184" y="9">{l_floor}</text><line x1="310" x2="322" y1="5" y2="5" stroke="#1d4ed8" stroke-dasharray="3 3"/><text x="326" y="9">{l_proj}</text></g>"##
    );
    s += "</svg>";
    s
}

async fn page(s: Signed<areas::Compliance>) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let lang = ctx.lang.as_str();
    let year = year_of(&s.query)?;
    let cx = ctx.app.cx();
    let floor_row = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| cx.reference.payroll.contract_cost.floor_on(d).ok());
    let preview = crate::month::compliance::preview_month(cx, year).await?;
    let y = crate::month::compliance::year(cx, year, preview).await?;
    let approved: Vec<String> = y
        .as_ref()
        .map(|y| {
            y.actual()
                .map(|m| format!("{} #{}", m.month, m.actual.as_ref().map_or(0, |a| a.id)))
                .collect()
        })
        .unwrap_or_default();
    let view = match &y {
        None => None,
        Some(y) => {
            let latest = match &y.latest_run {
                Some(r) => crate::month::pay::stored(cx, r.id).await?,
                None => None,
            };
            let item_names: Vec<String> = y
                .actual()
                .next()
                .and_then(|m| m.cost.as_ref())
                .map(|c| {
                    c.items
                        .iter()
                        .map(|l| {
                            if lang == "en" {
                                &l.label_en
                            } else {
                                &l.label_zh
                            }
                            .clone()
                        })
                        .collect()
                })
                .unwrap_or_default();
            let months: Vec<Value> = y
                .months
                .iter()
                .map(|m| match &m.cost {
                    Some(c) => context! {
                        month => m.month.to_string(),
                        actual => true,
                        on_post_days => m.days.on_post_days,
                        seat_days => m.days.seat_days,
                        vacancy_days => m.days.vacancy_days,
                        reserve_days => m.days.reserve_days,
                        headcount => c.headcount,
                        wages => money(c.wages),
                        si => money(c.employer_social_insurance),
                        hf => money(c.employer_housing_fund),
                        items => c.items.iter().map(|l| money(l.amount)).collect::<Vec<_>>(),
                        seat => money(c.seat_labour_cost),
                        cumulative => money(m.cumulative),
                        basis => if lang == "en" { m.label_en() } else { m.label_zh() },
                    },
                    None => context! {
                        month => m.month.to_string(),
                        actual => false,
                        on_post_days => m.days.on_post_days,
                        seat_days => m.days.seat_days,
                        vacancy_days => m.days.vacancy_days,
                        reserve_days => m.days.reserve_days,
                        items => item_names.iter().map(|_| String::new()).collect::<Vec<_>>(),
                        seat => money(m.seat_labour_cost),
                        cumulative => money(m.cumulative),
                        basis => if lang == "en" { m.label_en() } else { m.label_zh() },
                    },
                })
                .collect();
            let mut positions: Vec<Value> = Vec::new();
            let (on_post, reserve, shortfalls) = match &latest {
                Some(run) => {
                    let mut by_position: BTreeMap<::payroll::Position, Vec<&::payroll::Payslip>> =
                        BTreeMap::new();
                    for p in &run.pay.payslips {
                        by_position.entry(p.position).or_default().push(p);
                    }
                    positions = by_position
                        .iter()
                        .map(|(pos, ps)| {
                            let n = Decimal::from(ps.len());
                            let gross: Decimal = ps.iter().map(|p| p.totals.gross).sum();
                            let net: Decimal = ps.iter().map(|p| p.totals.net).sum();
                            let cost: Decimal = ps.iter().map(|p| p.totals.employer_cost).sum();
                            context! {
                                position => position_label(*pos, lang),
                                count => ps.len(),
                                avg_gross => money(gross / n),
                                avg_net => money(net / n),
                                employer_cost => money(cost),
                                people => ps.iter().map(|p| context! {
                                    id => &p.employee_id,
                                    name => &p.employee_name,
                                    gross => money(p.totals.gross),
                                    net => money(p.totals.net),
                                    employer_cost => money(p.totals.employer_cost),
                                }).collect::<Vec<_>>(),
                            }
                        })
                        .collect();
                    (run.cost.on_post, run.cost.reserve, run.cost.shortfalls)
                }
                None => y.actual().last().map_or((0, 0, 0), |m| {
                    (
                        m.on_post.unwrap_or(0),
                        m.reserve.unwrap_or(0),
                        m.shortfalls.unwrap_or(0),
                    )
                }),
            };
            let v = &y.view;
            Some(context! {
                run => y.latest_run.as_ref().map(|r| context! { id => r.id, month => v.latest_month.to_string(), status => "approved" }),
                basis => &y.basis_zh,
                item_names => item_names,
                months => months,
                floor => money(v.floor),
                year_to_date => money(v.year_to_date),
                floor_to_date => money(crate::excel::payroll_xlsx::floor_line(v.floor, v.latest_month.month())),
                run_rate => money(v.run_rate),
                remaining_months => v.remaining_months,
                projected_year => money(v.projected_year),
                margin => money(v.margin),
                margin_negative => v.margin < Decimal::ZERO,
                meets_floor => v.meets_floor,
                formula => if lang == "en" || v.formula_zh.is_empty() { &v.formula } else { &v.formula_zh },
                latest_month => v.latest_month.to_string(),
                on_post => on_post,
                reserve => reserve,
                contracted => CONTRACTED_SEATS,
                shortfalls => shortfalls,
                coverage_met => shortfalls == 0,
                positions => positions,
                chart => Value::from_safe_string(chart(y, lang)),
            })
        }
    };
    let title = ctx.text("nav_compliance");
    Ok(ctx.render(
        "compliance.html",
        "compliance",
        &title,
        context! {
            year => year,
            policy_floor => floor_row.map(|f| money(f.annual)),
            floor_source => floor_row.map(|f| f.provenance.source.clone()),
            approved => approved,
            view => view,
        },
    ))
}

/// The compliance view as JSON (admin, hr, auditor): the same computation as the page and the
/// workbook; no ID numbers, bank accounts or addresses.
async fn api(s: Signed<areas::Compliance>) -> Result<Response, AppError> {
    let year = year_of(&s.query)?;
    let cx = s.ctx.app.cx();
    let preview = crate::month::compliance::preview_month(cx, year).await?;
    let Some(y) = crate::month::compliance::year(cx, year, preview).await? else {
        return Ok(
            Json(serde_json::json!({ "year": year, "run": null, "months": [] })).into_response(),
        );
    };
    let latest = match &y.latest_run {
        Some(r) => crate::month::pay::stored(cx, r.id).await?,
        None => None,
    };
    let (on_post, reserve, shortfalls) = y.actual().last().map_or((0, 0, 0), |m| {
        (
            m.on_post.unwrap_or(0),
            m.reserve.unwrap_or(0),
            m.shortfalls.unwrap_or(0),
        )
    });
    let pay: Vec<serde_json::Value> = latest
        .iter()
        .flat_map(|r| &r.pay.payslips)
        .map(|p| {
            serde_json::json!({
                "employee": p.employee_id,
                "name": p.employee_name,
                "position": p.position,
                "gross": p.totals.gross,
                "net": p.totals.net,
                "employer_cost": p.totals.employer_cost,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "year": year,
        "run": y.latest_run,
        "months": y.months,
        "basis": y.basis_zh,
        "year_view": y.view,
        "floor": y.floor,
        "floor_source": y.floor_source,
        "on_post": on_post,
        "reserve": reserve,
        "contracted_heads": CONTRACTED_SEATS,
        "shortfalls": shortfalls,
        "coverage_met": shortfalls == 0,
        "pay": pay,
    }))
    .into_response())
}

/// The year's compliance workbook (of run `id`'s year): the same figures as the page.
async fn export(
    s: Signed<areas::ComplianceExport>,
    UrlPath(id): UrlPath<i64>,
) -> Result<Response, AppError> {
    let ctx = &s.ctx;
    let w = crate::month::exports::run_workbook(
        ctx.app.cx(),
        crate::month::exports::Kind::Compliance,
        id,
    )
    .await?;
    ctx.app
        .store
        .audit(
            ctx.actor(),
            "compliance.export",
            &format!("run #{id}: {}", w.source),
            None,
            None,
        )
        .await?;
    Ok(xlsx_attachment(w.bytes, &w.file_name))
}
