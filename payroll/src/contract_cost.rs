//! Contract cost (坐席人工费): personnel cost (wages + employer 五险一金) plus the five
//! management items (体检费, 工会经费, 管理费, 生产运营费, 残保金), month by month, year to date
//! and projected to year end, against the annual floor; and average pay per position.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::dated::{in_force, Dated, Notice, Notices, Provenance};
use crate::disability_fund::{disability_fund, CompanyFacts, DisabilityFund, DisabilityFundRule};
use crate::employee::Position;
use crate::error::{PayrollError, PolicyError};
use crate::line::PayLine;
use crate::money::{fmt2, round_fen, Money};
use crate::month::Month;
use crate::payslip::{MonthPayroll, Payslip};
use crate::policy::{check_amount, check_no_overlap, check_period, check_rate, invalid, parse};

const FILE: &str = "contract-cost.toml";

/// The four items with a simple rule (the fifth, the disability fund, has its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostItem {
    /// 体检费 physical exam.
    PhysicalExam,
    /// 工会经费 union fund.
    UnionFund,
    /// 管理费 management fee.
    ManagementFee,
    /// 生产运营费 operations cost.
    OperationsCost,
}

impl CostItem {
    fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            CostItem::PhysicalExam => ("PHYSICAL_EXAM", "体检费", "Physical examination"),
            CostItem::UnionFund => ("UNION_FUND", "工会经费", "Trade-union fund"),
            CostItem::ManagementFee => ("MANAGEMENT_FEE", "管理费", "Management fee"),
            CostItem::OperationsCost => ("OPERATIONS_COST", "生产运营费", "Operations cost"),
        }
    }
}

/// The rule of one item: exactly one of the four amounts or rates is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRule {
    /// Which item.
    pub item: CostItem,
    /// Yuan per head per year, spread evenly over the months.
    #[serde(default)]
    pub per_head_year: Option<Decimal>,
    /// Yuan per head per month.
    #[serde(default)]
    pub per_head_month: Option<Decimal>,
    /// Fraction of the wage bill (gross wages).
    #[serde(default)]
    pub rate_of_wage_bill: Option<Decimal>,
    /// Fraction of personnel cost (wages + employer contributions).
    #[serde(default)]
    pub rate_of_personnel_cost: Option<Decimal>,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for ItemRule {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// The annual seat-labour-cost floor of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Floor {
    /// Yuan per year.
    pub annual: Money,
    /// Period and source.
    #[serde(flatten)]
    pub provenance: Provenance,
}

impl Dated for Floor {
    fn provenance(&self) -> &Provenance {
        &self.provenance
    }
}

/// `contract-cost.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractCostRules {
    /// The floor by period.
    pub floor: Vec<Floor>,
    /// Item rules.
    pub item: Vec<ItemRule>,
    /// Disability fund rules.
    pub disability_fund: Vec<DisabilityFundRule>,
    /// Company facts for the disability fund.
    pub company: CompanyFacts,
    /// The horizon of the policy this table belongs to, set by [`crate::Policy`]: open-ended
    /// rows run to it. `None` for a file parsed on its own: they run on.
    #[serde(skip)]
    pub(crate) horizon: Option<NaiveDate>,
}

impl ContractCostRules {
    /// Every dated row of the file, for the policy's horizon.
    pub(crate) fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        self.floor
            .iter()
            .map(|r| &r.provenance)
            .chain(self.item.iter().map(|r| &r.provenance))
            .chain(self.disability_fund.iter().map(|r| &r.provenance))
    }

    /// Parses and validates `contract-cost.toml`.
    ///
    /// # Errors
    /// [`PolicyError`] naming the row.
    pub fn from_toml_str(text: &str) -> Result<Self, PolicyError> {
        let p: Self = parse(FILE, text)?;
        for f in &p.floor {
            check_period(FILE, "floor", &f.provenance)?;
            check_amount(FILE, "floor", f.annual)?;
        }
        for r in &p.item {
            let what = format!("item {:?}", r.item);
            check_period(FILE, &what, &r.provenance)?;
            let set = [
                r.per_head_year,
                r.per_head_month,
                r.rate_of_wage_bill,
                r.rate_of_personnel_cost,
            ];
            if set.iter().filter(|v| v.is_some()).count() != 1 {
                return Err(invalid(FILE, what, "set exactly one of per_head_year, per_head_month, rate_of_wage_bill, rate_of_personnel_cost"));
            }
            for v in [r.rate_of_wage_bill, r.rate_of_personnel_cost]
                .into_iter()
                .flatten()
            {
                check_rate(FILE, &what, v)?;
            }
            for v in [r.per_head_year, r.per_head_month].into_iter().flatten() {
                check_amount(FILE, &what, v)?;
            }
        }
        for d in &p.disability_fund {
            d.check(FILE)?;
        }
        check_rate(FILE, "company.project_share", p.company.project_share)?;
        check_no_overlap(FILE, p.floor.iter().map(|f| ("floor", &f.provenance)))?;
        check_no_overlap(FILE, p.item.iter().map(|r| (r.item, &r.provenance)))?;
        check_no_overlap(
            FILE,
            p.disability_fund
                .iter()
                .map(|r| ("disability_fund", &r.provenance)),
        )?;
        Ok(p)
    }

    /// The floor in force on `date`.
    ///
    /// # Errors
    /// [`PayrollError::NoFigureInForce`].
    pub fn floor_on(&self, date: NaiveDate) -> Result<&Floor, PayrollError> {
        in_force(
            &self.floor,
            FILE,
            "floor",
            self.horizon,
            date,
            "seat labour cost floor",
            |_| true,
        )
    }
}

/// A month's seat labour cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCost {
    /// Month.
    pub month: Month,
    /// Staff paid this month.
    pub headcount: u32,
    /// 工资总额: sum of gross.
    pub wages: Money,
    /// 单位社保: employer social insurance.
    pub employer_social_insurance: Money,
    /// 单位公积金: employer housing fund.
    pub employer_housing_fund: Money,
    /// 人员费用 = wages + employer social insurance + employer housing fund.
    pub personnel_cost: Money,
    /// The five management items, one line each.
    pub items: Vec<PayLine>,
    /// 管理费用 = sum of the items.
    pub management_cost: Money,
    /// 坐席人工费 = personnel cost + management cost.
    pub seat_labour_cost: Money,
    /// The disability fund working.
    pub disability_fund: DisabilityFund,
    /// Carried-forward or assumed figures used.
    pub notices: Vec<Notice>,
}

/// Computes the month's seat labour cost from its payroll.
///
/// # Errors
/// [`PayrollError::NoFigureInForce`] when an item rule is missing for the month.
pub fn month_cost(
    rules: &ContractCostRules,
    payroll: &MonthPayroll,
) -> Result<MonthCost, PayrollError> {
    let date = payroll.month.first_day();
    let mut notices = Notices::default();
    let headcount = u32::try_from(payroll.payslips.len()).unwrap_or(u32::MAX);
    let wages = payroll.totals.gross;
    let (mut si, mut hpf) = (Decimal::ZERO, Decimal::ZERO);
    for l in payroll
        .payslips
        .iter()
        .flat_map(|p| &p.employer_contributions)
    {
        if l.code.contains("HPF") {
            hpf += l.amount;
        } else {
            si += l.amount;
        }
    }
    let personnel = wages + si + hpf;
    let heads = Decimal::from(headcount);
    let mut items = Vec::new();
    for item in [
        CostItem::PhysicalExam,
        CostItem::UnionFund,
        CostItem::ManagementFee,
        CostItem::OperationsCost,
    ] {
        let (code, zh, en) = item.labels();
        let r = in_force(
            &rules.item,
            FILE,
            "item",
            rules.horizon,
            date,
            &format!("{en} rule"),
            |r| r.item == item,
        )?;
        notices.note(&format!("{en} rule"), &r.provenance);
        let (raw, f, f_zh) = if let Some(v) = r.per_head_year {
            (
                heads * v / Decimal::from(12),
                format!("headcount {headcount} × {} per year ÷ 12", fmt2(v)),
                format!("人数 {headcount} × 每人每年 {} ÷ 12", fmt2(v)),
            )
        } else if let Some(v) = r.per_head_month {
            (
                heads * v,
                format!("headcount {headcount} × {} per month", fmt2(v)),
                format!("人数 {headcount} × 每人每月 {}", fmt2(v)),
            )
        } else if let Some(v) = r.rate_of_wage_bill {
            (
                wages * v,
                format!("wage bill {} × {v}", fmt2(wages)),
                format!("工资总额 {} × {v}", fmt2(wages)),
            )
        } else {
            let v = r
                .rate_of_personnel_cost
                .expect("validated: one rule is set");
            (
                personnel * v,
                format!("personnel cost {} × {v}", fmt2(personnel)),
                format!("人员费用 {} × {v}", fmt2(personnel)),
            )
        };
        items.push(
            PayLine::new(
                code,
                zh,
                en,
                round_fen(raw),
                format!("{f} = {}", fmt2(raw)),
                format!("{f_zh} = {}", fmt2(raw)),
            )
            .input("source", &r.provenance.source),
        );
    }
    let fund_rule = in_force(
        &rules.disability_fund,
        FILE,
        "disability_fund",
        rules.horizon,
        date,
        "disability fund rule",
        |_| true,
    )?;
    notices.note("disability fund rule", &fund_rule.provenance);
    // The rule in force within the horizon, looked up above, is the one `disability_fund` finds.
    let fund = disability_fund(&rules.disability_fund, &rules.company, date)?;
    items.push(
        PayLine::new(
            "DISABILITY_FUND",
            "残疾人就业保障金",
            "Disability employment security fund",
            fund.monthly_project,
            fund.formula.clone(),
            fund.formula_zh.clone(),
        )
        .input("source", &fund_rule.provenance.source),
    );
    let management = items.iter().map(|l| l.amount).sum();
    Ok(MonthCost {
        month: payroll.month,
        headcount,
        wages,
        employer_social_insurance: si,
        employer_housing_fund: hpf,
        personnel_cost: personnel,
        items,
        management_cost: management,
        seat_labour_cost: personnel + management,
        disability_fund: fund,
        notices: notices.0,
    })
}

/// A month's seat labour cost total, as carried into the annual view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostMonthTotal {
    /// Month.
    pub month: Month,
    /// Its seat labour cost.
    #[serde(deserialize_with = "crate::money::strict::seat_labour_cost")]
    pub seat_labour_cost: Money,
}

/// Checks the month totals given before `month` for its annual view: each of an earlier month of
/// the same (contract, calendar) year, ascending without repeats, not negative, and every month
/// from January to the one before `month` present, so that none counts as 0.
///
/// # Errors
/// [`PayrollError::BadCostMonths`] naming a month of another year, not before `month`, out of
/// order or negative; [`PayrollError::MissingCostMonths`] naming the months missing.
pub fn check_prior_months(prior: &[CostMonthTotal], month: Month) -> Result<(), PayrollError> {
    let year = month.year();
    let bad = |m: Month, message: String| PayrollError::BadCostMonths {
        year,
        month: m,
        message,
    };
    for (i, m) in prior.iter().enumerate() {
        if m.month.year() != year {
            return Err(bad(
                m.month,
                format!("is of another year than the case month {month}"),
            ));
        }
        if m.month >= month {
            return Err(bad(
                m.month,
                format!("is not before the case month {month}"),
            ));
        }
        if i > 0 && m.month <= prior[i - 1].month {
            return Err(bad(m.month, "is out of order or repeated".to_owned()));
        }
        if m.seat_labour_cost < Decimal::ZERO {
            return Err(bad(
                m.month,
                format!("has a negative seat_labour_cost {}", m.seat_labour_cost),
            ));
        }
    }
    let missing: Vec<Month> = (1..month.month())
        .filter_map(|mm| Month::new(year, mm))
        .filter(|m| !prior.iter().any(|p| p.month == *m))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(PayrollError::MissingCostMonths { month, missing })
    }
}

/// A row of the annual view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRow {
    /// Month.
    pub month: Month,
    /// Its seat labour cost.
    pub seat_labour_cost: Money,
    /// Cumulative to this month.
    pub year_to_date: Money,
}

/// The annual seat labour cost against the floor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatCostYear {
    /// Year.
    pub year: i32,
    /// The annual floor.
    pub floor: Money,
    /// Months computed so far.
    pub months: Vec<YearRow>,
    /// Sum of the months.
    pub year_to_date: Money,
    /// The latest month.
    pub latest_month: Month,
    /// The monthly run rate projected forward (the latest month without one-off pay).
    pub run_rate: Money,
    /// Months left after the latest.
    pub remaining_months: u32,
    /// year to date + run rate × remaining months.
    pub projected_year: Money,
    /// projected − floor (negative = short).
    pub margin: Money,
    /// True when the projected year reaches the floor.
    pub meets_floor: bool,
    /// The working.
    pub formula: String,
    /// The working in Chinese, with the same figures.
    #[serde(default)]
    pub formula_zh: String,
}

/// The annual view from month totals (ascending, one year) and the run rate of the latest month.
///
/// # Errors
/// [`PayrollError::BadCostMonths`] when months are empty, unsorted, repeated or span years.
pub fn seat_cost_year(
    floor: Money,
    months: &[CostMonthTotal],
    run_rate: Money,
) -> Result<SeatCostYear, PayrollError> {
    let first = months.first().ok_or(PayrollError::BadCostMonths {
        year: 0,
        month: Month::new(1970, 1).expect("valid"),
        message: "list is empty".to_owned(),
    })?;
    let year = first.month.year();
    let mut rows = Vec::new();
    let mut ytd = Decimal::ZERO;
    for (i, m) in months.iter().enumerate() {
        if m.month.year() != year {
            return Err(PayrollError::BadCostMonths {
                year,
                month: m.month,
                message: "is of another year".to_owned(),
            });
        }
        if i > 0 && m.month <= months[i - 1].month {
            return Err(PayrollError::BadCostMonths {
                year,
                month: m.month,
                message: "is out of order or repeated".to_owned(),
            });
        }
        ytd += m.seat_labour_cost;
        rows.push(YearRow {
            month: m.month,
            seat_labour_cost: m.seat_labour_cost,
            year_to_date: ytd,
        });
    }
    let latest = months[months.len() - 1].month;
    let remaining = latest.remaining_in_year();
    let projected = ytd + run_rate * Decimal::from(remaining);
    Ok(SeatCostYear {
        year,
        floor,
        months: rows,
        year_to_date: ytd,
        latest_month: latest,
        run_rate,
        remaining_months: remaining,
        projected_year: projected,
        margin: projected - floor,
        meets_floor: projected >= floor,
        formula: format!(
            "projected = year to date {} + run rate {} × {remaining} remaining months = {}; margin = {} − floor {} = {}",
            fmt2(ytd),
            fmt2(run_rate),
            fmt2(projected),
            fmt2(projected),
            fmt2(floor),
            fmt2(projected - floor)
        ),
        formula_zh: format!(
            "预计全年 = 本年累计 {} + 月运行成本 {} × 剩余 {remaining} 个月 = {}；差额 = {} − 年度下限 {} = {}",
            fmt2(ytd),
            fmt2(run_rate),
            fmt2(projected),
            fmt2(projected),
            fmt2(floor),
            fmt2(projected - floor)
        ),
    })
}

/// The annual view for a contract year in which `actual` months are settled (their stored
/// figures, ascending) and every other month of the year — before, between or after them — is
/// projected at `run_rate`: `projected = Σ actual + run rate × (12 − actual months)`. Equal to
/// [`seat_cost_year`] when the actual months run from January without a gap.
///
/// # Errors
/// As [`seat_cost_year`].
pub fn seat_cost_year_projected(
    floor: Money,
    actual: &[CostMonthTotal],
    run_rate: Money,
) -> Result<SeatCostYear, PayrollError> {
    let mut y = seat_cost_year(floor, actual, run_rate)?;
    let projected_months = 12u32.saturating_sub(actual.len() as u32);
    let projected = y.year_to_date + run_rate * Decimal::from(projected_months);
    y.remaining_months = projected_months;
    y.projected_year = projected;
    y.margin = projected - floor;
    y.meets_floor = projected >= floor;
    y.formula = format!(
        "projected = actual {} ({} months) + run rate {} × {projected_months} projected months = {}; margin = {} − floor {} = {}",
        fmt2(y.year_to_date),
        actual.len(),
        fmt2(run_rate),
        fmt2(projected),
        fmt2(projected),
        fmt2(floor),
        fmt2(projected - floor)
    );
    y.formula_zh = format!(
        "预计全年 = 实际 {} ({} 个月) + 月运行成本 {} × 预测 {projected_months} 个月 = {}；差额 = {} − 年度下限 {} = {}",
        fmt2(y.year_to_date),
        actual.len(),
        fmt2(run_rate),
        fmt2(projected),
        fmt2(projected),
        fmt2(floor),
        fmt2(projected - floor)
    );
    Ok(y)
}

/// Average pay of one position (平均薪资水平).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionAverage {
    /// Position.
    pub position: Position,
    /// Payslips counted (person-months).
    pub person_months: u32,
    /// Average gross (应发).
    pub average_gross: Money,
    /// Average net (实发).
    pub average_net: Money,
    /// Average employer cost (gross + employer contributions).
    pub average_employer_cost: Money,
}

/// Average pay per position over the payslips given (one month or many).
#[must_use]
pub fn average_pay_by_position(payslips: &[Payslip]) -> Vec<PositionAverage> {
    Position::ALL
        .iter()
        .filter_map(|&pos| {
            let of: Vec<&Payslip> = payslips.iter().filter(|p| p.position == pos).collect();
            if of.is_empty() {
                return None;
            }
            let n = Decimal::from(of.len());
            let avg =
                |f: fn(&Payslip) -> Money| round_fen(of.iter().map(|p| f(p)).sum::<Money>() / n);
            Some(PositionAverage {
                position: pos,
                person_months: u32::try_from(of.len()).unwrap_or(u32::MAX),
                average_gross: avg(|p| p.totals.gross),
                average_net: avg(|p| p.totals.net),
                average_employer_cost: avg(|p| p.totals.employer_cost),
            })
        })
        .collect()
}
