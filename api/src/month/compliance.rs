//! The purchaser's view of a contract year: the seat labour cost of each month against the
//! annual floor. One computation, [`year`], serves the compliance page, the overview, the JSON
//! API and the compliance workbook, so they cannot disagree: the months with an approved
//! payroll run count at that run's stored figures (actual, with the run named); every other
//! month of the year is projected at the run rate (the latest approved month's cost). Drafts
//! count for nothing: a month is actual only once approved.

use crate::said;
use anyhow::Context as _;
use payroll::{CostMonthTotal, Money, Month, MonthCost, SeatCostYear};
use rust_decimal::Decimal;
use serde::Serialize;

use super::pay::CostDoc;
use super::{blocking, Context, Error, Result};
use crate::db::payroll::RunRow;
use crate::excel::payroll_xlsx::{self, ComplianceInput, HeadcountDays, MonthHeadcount};
use crate::staff::Staff;

/// Seats of the contract.
pub const CONTRACTED_SEATS: u32 = 52;

/// An approved run a month's figures come from.
#[derive(Debug, Clone, Serialize)]
pub struct ActualRun {
    /// Run id.
    pub id: i64,
    /// Who approved it.
    pub approved_by: String,
    /// When.
    pub approved_at: String,
}

/// One month of the year.
#[derive(Debug, Clone, Serialize)]
pub struct ComplianceMonth {
    /// The month.
    pub month: Month,
    /// The approved run, when the month is actual; `None`: projected (or a preview).
    pub actual: Option<ActualRun>,
    /// Paid now from the store as a preview (no month of the year approved yet).
    pub preview: bool,
    /// The month's seat labour cost: the run's, or the run rate.
    pub seat_labour_cost: Money,
    /// Cumulative to this month, actual and projected months alike.
    pub cumulative: Money,
    /// The run's month cost (actual months).
    #[serde(skip)]
    pub cost: Option<MonthCost>,
    /// Staff on post (reserve excluded) and reserve of the run (actual months).
    pub on_post: Option<u32>,
    /// Reserve staff of the run (actual months).
    pub reserve: Option<u32>,
    /// Open roster shortfalls of the run's roster (actual months).
    pub shortfalls: Option<usize>,
    /// Person-days on post, seat-days, vacancy and reserve days, from the employment dates.
    pub days: HeadcountDays,
}

impl ComplianceMonth {
    /// `实际 · 批次 #3 · hr 2026-04-05` or `预计（运行值）`.
    #[must_use]
    pub fn label_zh(&self) -> String {
        match &self.actual {
            Some(a) => format!(
                "实际 · 已审批批次 #{} · {} {}",
                a.id,
                a.approved_by,
                crate::clock::local(&a.approved_at)
            ),
            None if self.preview => "预览（未审批，按当前数据即时计算）".to_string(),
            None => "预计（按运行值）".to_string(),
        }
    }

    /// In English.
    #[must_use]
    pub fn label_en(&self) -> String {
        match &self.actual {
            Some(a) => format!(
                "actual · approved run #{} · {} {}",
                a.id,
                a.approved_by,
                crate::clock::local(&a.approved_at)
            ),
            None if self.preview => {
                "preview (not approved, paid now from the current data)".to_string()
            }
            None => "projected (run rate)".to_string(),
        }
    }
}

/// The year against the floor.
#[derive(Debug, Clone, Serialize)]
pub struct ComplianceYear {
    /// The contract year.
    pub year: i32,
    /// The annual floor.
    pub floor: Money,
    /// Where the floor comes from.
    pub floor_source: String,
    /// January to December.
    pub months: Vec<ComplianceMonth>,
    /// The annual view: actual months summed, the others projected at the run rate.
    pub view: SeatCostYear,
    /// The latest approved run (the run rate's month; its payslips give pay by position);
    /// `None` for a preview.
    pub latest_run: Option<ActualRun>,
    /// What the figures are, in words (the runs, the projection).
    pub basis_zh: String,
}

impl ComplianceYear {
    /// The months with figures: the approved ones (or the preview month).
    pub fn actual(&self) -> impl Iterator<Item = &ComplianceMonth> {
        self.months
            .iter()
            .filter(|m| m.actual.is_some() || m.preview)
    }

    /// The workbook's input (the same figures, so the workbook and the page agree).
    #[must_use]
    pub fn workbook_input(&self) -> ComplianceInput {
        let actual: Vec<&ComplianceMonth> = self.actual().collect();
        ComplianceInput {
            year: self.year,
            floor: self.floor,
            floor_source: self.floor_source.clone(),
            months: actual.iter().filter_map(|m| m.cost.clone()).collect(),
            year_view: self.view.clone(),
            headcount: actual
                .iter()
                .map(|m| MonthHeadcount {
                    month: m.month,
                    on_post: m.on_post.unwrap_or(0),
                    reserve: m.reserve.unwrap_or(0),
                    days: Some(m.days),
                })
                .collect(),
            contracted_heads: CONTRACTED_SEATS,
            sources: actual.iter().map(|m| m.label_zh()).collect(),
            basis: self.months.iter().map(ComplianceMonth::label_zh).collect(),
            note: Some(self.basis_zh.clone()),
        }
    }
}

/// A month's headcount day by day from the staff list's employment dates: the person-days on
/// post (reserve excluded) against the contracted seats × days, the vacancy days, and the
/// reserve's days. A leaver counts to the last day, a joiner from the first.
#[must_use]
pub fn headcount_days(staff: &Staff, month: super::YearMonth) -> HeadcountDays {
    let (first, last) = (month.first_day(), month.last_day());
    let days = u32::try_from((last - first).num_days() + 1).unwrap_or(0);
    let (mut on_post, mut reserve) = (0u32, 0u32);
    for m in &staff.members {
        let (from, to) = match &m.hr {
            Some(h) => (
                h.hired_on.max(first),
                h.left_on.map_or(last, |l| l.min(last)),
            ),
            None if m.active => (first, last),
            None => continue,
        };
        if from > to {
            continue;
        }
        let d = u32::try_from((to - from).num_days() + 1).unwrap_or(0);
        if m.employee.reserve {
            reserve += d;
        } else {
            on_post += d;
        }
    }
    let seat_days = CONTRACTED_SEATS * days;
    HeadcountDays {
        on_post_days: on_post,
        seat_days,
        vacancy_days: seat_days.saturating_sub(on_post),
        reserve_days: reserve,
    }
}

/// The year's compliance view from the approved runs; before the year's first approved
/// month, a preview of `preview` (when it has a roster), else `None`.
///
/// # Errors
/// [`Error::NotFound`] when no floor is in force for the year, or a stored cost document that
/// does not parse.
pub async fn year(
    cx: Context<'_>,
    year: i32,
    preview: Option<super::YearMonth>,
) -> Result<Option<ComplianceYear>> {
    let runs = cx.store.year_run_costs(year).await?;
    let mut approved: Vec<(Option<RunRow>, CostDoc)> = Vec::new();
    for r in runs.into_iter().filter(|r| r.row.approved()) {
        let doc: CostDoc = serde_json::from_str(&r.cost_json)
            .with_context(|| format!("stored cost of run #{} does not parse", r.row.id))?;
        approved.push((Some(r.row), doc));
    }
    approved.sort_by_key(|a| a.1.cost.month);
    if approved.is_empty() {
        // No month approved: a preview of the month asked for, if it has a roster.
        let Some(m) = preview.filter(|m| m.year == year) else {
            return Ok(None);
        };
        if super::roster::for_pay(cx, &m.to_string()).await?.is_none() {
            return Ok(None);
        }
        let paid = super::pay::compute(cx, m, None).await?;
        approved.push((None, CostDoc::of(&paid)));
    }
    let Some((latest_row, latest_doc)) = approved.last() else {
        return Ok(None);
    };
    let jan = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| Error::Invalid(said!("year {year}", "年份 {year} 无效")))?;
    let floor_row = cx
        .reference
        .payroll
        .contract_cost
        .floor_on(jan)
        .map_err(|e| {
            Error::NotFound(said!(
                "no labour-cost floor for {year}: {e}",
                "没有 {year} 年的人力成本下限：{e}"
            ))
        })?;
    let floor = floor_row.annual;
    let run_rate = latest_doc.cost.seat_labour_cost;
    let totals: Vec<CostMonthTotal> = approved
        .iter()
        .map(|(_, d)| CostMonthTotal {
            month: d.cost.month,
            seat_labour_cost: d.cost.seat_labour_cost,
        })
        .collect();
    let view = payroll::seat_cost_year_projected(floor, &totals, run_rate)
        .map_err(|e| Error::internal(format!("the year {year}: {e}")))?;
    let actual_run = |r: &RunRow| ActualRun {
        id: r.id,
        approved_by: r.approved_by.clone().unwrap_or_default(),
        approved_at: r.approved_at.clone().unwrap_or_default(),
    };
    let staff = cx.store.staff().await?;
    let mut months = Vec::with_capacity(12);
    let mut cumulative = Decimal::ZERO;
    for m in 1..=12u32 {
        let month =
            Month::new(year, m).ok_or_else(|| Error::internal(format!("month {year}-{m}")))?;
        let run = approved.iter().find(|(_, d)| d.cost.month == month);
        let cost = run.map_or(run_rate, |(_, d)| d.cost.seat_labour_cost);
        cumulative += cost;
        months.push(ComplianceMonth {
            month,
            actual: run.and_then(|(r, _)| r.as_ref().map(actual_run)),
            preview: run.is_some_and(|(r, _)| r.is_none()),
            seat_labour_cost: cost,
            cumulative,
            cost: run.map(|(_, d)| d.cost.clone()),
            on_post: run.map(|(_, d)| d.on_post),
            reserve: run.map(|(_, d)| d.reserve),
            shortfalls: run.map(|(_, d)| d.shortfalls),
            days: headcount_days(&staff, super::YearMonth { year, month: m }),
        });
    }
    let basis_zh = match latest_row {
        Some(_) => {
            let ids: Vec<String> = approved
                .iter()
                .filter_map(|(r, _)| r.as_ref())
                .map(|r| format!("{} #{}", r.month, r.id))
                .collect();
            format!(
                "按已审批工资批次计（{}）；其余 {} 个月按最近一月（{}）运行值 {} 预计",
                ids.join("、"),
                view.remaining_months,
                latest_doc.cost.month,
                payroll::money::grouped(run_rate, true)
            )
        }
        None => format!(
            "本年尚无已审批月份：{} 为按当前数据即时计算的预览（未审批），其余 {} 个月按其 {} 预计",
            latest_doc.cost.month,
            view.remaining_months,
            payroll::money::grouped(run_rate, true)
        ),
    };
    Ok(Some(ComplianceYear {
        year,
        floor,
        floor_source: floor_row.provenance.source.clone(),
        latest_run: latest_row.as_ref().map(actual_run),
        months,
        view,
        basis_zh,
    }))
}

/// The compliance workbook of the year, from [`year`]; `None` before the first approved
/// month (and without a preview month).
///
/// # Errors
/// As [`year`], or a workbook error.
pub async fn workbook(
    cx: Context<'_>,
    year: i32,
    preview: Option<super::YearMonth>,
) -> Result<Option<Vec<u8>>> {
    let Some(y) = self::year(cx, year, preview).await? else {
        return Ok(None);
    };
    let input = y.workbook_input();
    Ok(Some(
        blocking(move || payroll_xlsx::compliance(&input))
            .await?
            .map_err(|e| Error::internal(format!("the compliance workbook: {e}")))?,
    ))
}

/// The month to preview before the year's first approval: the latest month of the year with
/// a roster.
///
/// # Errors
/// A database error.
pub async fn preview_month(cx: Context<'_>, year: i32) -> Result<Option<super::YearMonth>> {
    Ok(cx
        .store
        .roster_months()
        .await?
        .iter()
        .rev()
        .filter_map(|m| super::YearMonth::parse(m).ok())
        .find(|m| m.year == year))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The demo's 52 on post and 1 reserve, hired 2026-01-01; A031 leaves on 04-15 and a
    /// joiner A950 starts 05-06. Worked by hand:
    /// - April (30 days): on post 51 × 30 + 15 (A031, 04-01..15) = 1,545 person-days against
    ///   52 × 30 = 1,560: 15 vacancy days; the reserve 30.
    /// - May (31 days): 51 × 31 + 26 (A950, 05-06..31) = 1,607 against 1,612: 5 vacancy days.
    /// - December 2025, before anyone was hired: 0 on post, all 52 × 31 = 1,612 vacant.
    #[test]
    fn headcount_is_counted_day_by_day() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo");
        let mut staff = Staff {
            members: crate::staff::from_folder(&demo).unwrap(),
        };
        let a031 = staff
            .members
            .iter_mut()
            .find(|m| m.employee.id == "A031")
            .unwrap();
        a031.active = false;
        a031.hr.as_mut().unwrap().left_on = Some("2026-04-15".parse().unwrap());
        let mut joiner = staff.members[20].clone();
        joiner.employee.id = "A950".into();
        joiner.hr.as_mut().unwrap().id = "A950".into();
        joiner.hr.as_mut().unwrap().hired_on = "2026-05-06".parse().unwrap();
        staff.members.push(joiner);
        let m = |s: &str| super::super::YearMonth::parse(s).unwrap();
        let april = headcount_days(&staff, m("2026-04"));
        assert_eq!(
            (
                april.on_post_days,
                april.seat_days,
                april.vacancy_days,
                april.reserve_days
            ),
            (1545, 1560, 15, 30)
        );
        let may = headcount_days(&staff, m("2026-05"));
        assert_eq!(
            (
                may.on_post_days,
                may.seat_days,
                may.vacancy_days,
                may.reserve_days
            ),
            (1607, 1612, 5, 31)
        );
        let dec = headcount_days(&staff, m("2025-12"));
        assert_eq!((dec.on_post_days, dec.vacancy_days), (0, 1612));
    }
}
