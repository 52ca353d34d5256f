//! Shared helpers: the real policy files, read at compile time so the library stays I/O-free.
#![allow(dead_code)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use payroll::{
    BasicDeduction, BonusTaxMethod, Employee, EmployeeMonth, IitProfile, IitYearToDate, Kpi,
    LeaveDays, Policy, PolicyTexts, Position, TimeSheet, WorkingTimeSystem,
};
use rust_decimal::Decimal;

pub const TEXTS: PolicyTexts<'static> = PolicyTexts {
    social_insurance: include_str!("../../../data/payroll/social-insurance.toml"),
    housing_fund: include_str!("../../../data/payroll/housing-fund.toml"),
    minimum_wage: include_str!("../../../data/payroll/minimum-wage.toml"),
    iit: include_str!("../../../data/payroll/iit.toml"),
    pay_structure: include_str!("../../../data/payroll/pay-structure.toml"),
    performance: include_str!("../../../data/payroll/performance.toml"),
    contract_cost: include_str!("../../../data/payroll/contract-cost.toml"),
};

pub fn policy() -> Policy {
    Policy::from_toml_strs(&TEXTS).expect("the real policy files parse")
}

pub fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn employee(id: &str, position: Position, grade: u8, wt: WorkingTimeSystem) -> Employee {
    Employee {
        id: id.to_owned(),
        name: format!("Staff {id}"),
        position,
        pay_grade: grade,
        working_time: wt,
        hired_on: date(2024, 3, 1),
        left_on: None,
        contribution_base: None,
        housing_fund_rate: None,
        iit: IitProfile {
            basic_deduction: BasicDeduction::FromHireMonth,
            ..IitProfile::default()
        },
        bonus_tax_method: BonusTaxMethod::Separate,
    }
}

/// KPI scores all equal to `score` (composite = score for every position).
pub fn kpi(score: &str) -> BTreeMap<Kpi, Decimal> {
    Kpi::ALL.into_iter().map(|k| (k, d(score))).collect()
}

/// A full month without leave, with `days` scheduled working days and exactly the owed hours
/// worked on ordinary days.
pub fn full_month(days: u32) -> TimeSheet {
    TimeSheet {
        standard_hours_of_month: Decimal::from(days * 8),
        scheduled_working_days_of_month: days,
        working_days_employed: days,
        ordinary_day_hours: Decimal::from(days * 8),
        rest_day_hours: Decimal::ZERO,
        rest_day_hours_in_lieu: Decimal::ZERO,
        statutory_holiday_hours: Decimal::ZERO,
        night_shifts: 0,
        leave: LeaveDays::default(),
        absence_days: Decimal::ZERO,
        kpi: kpi("87"),
    }
}

pub fn month_input(employee: Employee, time_sheet: TimeSheet) -> EmployeeMonth {
    EmployeeMonth {
        employee,
        time_sheet,
        iit_year_to_date: IitYearToDate::default(),
        annual_bonus: None,
        other_earnings: Vec::new(),
        other_deductions: Vec::new(),
        arrears: Vec::new(),
    }
}

pub fn line<'a>(lines: &'a [payroll::PayLine], code: &str) -> &'a payroll::PayLine {
    lines
        .iter()
        .find(|l| l.code == code)
        .unwrap_or_else(|| panic!("no line {code} in {lines:#?}"))
}

pub fn has_line(lines: &[payroll::PayLine], code: &str) -> bool {
    lines.iter().any(|l| l.code == code)
}

/// The 52-person demo composition used to choose the pay levels (see pay-structure.toml):
/// (position, grade, count, working time, night shifts a month).
pub const DEMO: [(Position, u8, u32, WorkingTimeSystem, u32); 13] = [
    (Position::Manager, 1, 1, WorkingTimeSystem::Standard, 0),
    (
        Position::TeamLeader,
        1,
        2,
        WorkingTimeSystem::Comprehensive,
        7,
    ),
    (
        Position::TeamLeader,
        2,
        1,
        WorkingTimeSystem::Comprehensive,
        7,
    ),
    (
        Position::TeamLeader,
        3,
        1,
        WorkingTimeSystem::Comprehensive,
        7,
    ),
    (Position::Agent, 1, 20, WorkingTimeSystem::Comprehensive, 7),
    (Position::Agent, 2, 12, WorkingTimeSystem::Comprehensive, 7),
    (Position::Agent, 3, 6, WorkingTimeSystem::Comprehensive, 7),
    (
        Position::Callback,
        1,
        2,
        WorkingTimeSystem::Comprehensive,
        0,
    ),
    (
        Position::Callback,
        2,
        2,
        WorkingTimeSystem::Comprehensive,
        0,
    ),
    (Position::Qa, 1, 2, WorkingTimeSystem::Comprehensive, 0),
    (Position::Qa, 2, 1, WorkingTimeSystem::Comprehensive, 0),
    (Position::Analyst, 1, 1, WorkingTimeSystem::Standard, 0),
    (Position::Analyst, 2, 1, WorkingTimeSystem::Standard, 0),
];

/// The demo staff for a month with `days` scheduled working days, no overtime, coefficient 1.00.
pub fn demo_staff(days: u32) -> Vec<EmployeeMonth> {
    let mut out = Vec::new();
    let mut n = 0;
    for (pos, grade, count, wt, nights) in DEMO {
        for _ in 0..count {
            n += 1;
            let mut ts = full_month(days);
            ts.night_shifts = nights;
            out.push(month_input(
                employee(&format!("E{n:03}"), pos, grade, wt),
                ts,
            ));
        }
    }
    assert_eq!(out.len(), 52);
    out
}

/// Runs of three or more ASCII letters a Chinese formula may hold: the two function names of
/// the working (`max(…)`, `min(…)`). Nothing else: no line codes, no English words, no units
/// (hours are 小时).
pub const ZH_ALLOWED_WORDS: [&str; 2] = ["max", "min"];

/// The figures of a formula in order: every run of digits and points (signs and separators
/// dropped), so the English and Chinese working can be compared figure by figure.
pub fn figures(formula: &str) -> Vec<&str> {
    formula
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Checks a Chinese formula against its English one: not empty, has Chinese (CJK) text, no run
/// of 3+ ASCII letters but [`ZH_ALLOWED_WORDS`] once the user's own free text `user_text` (notes
/// of one-off amounts, shown as written) is taken out, and the same figures in the same order.
/// Returns the first problem.
pub fn zh_problem(what: &str, en: &str, zh: &str, user_text: &[&str]) -> Option<String> {
    if zh.is_empty() {
        return Some(format!("{what}: formula_zh is empty (English: {en})"));
    }
    if !zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return Some(format!("{what}: no Chinese in formula_zh {zh:?}"));
    }
    let mut text = zh.to_owned();
    for t in user_text {
        text = text.replace(t, " ");
    }
    if let Some(w) = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|w| w.len() >= 3 && !ZH_ALLOWED_WORDS.contains(w))
    {
        return Some(format!("{what}: English {w:?} in formula_zh {zh:?}"));
    }
    if figures(en) != figures(zh) {
        return Some(format!(
            "{what}: the figures differ\n  en: {en}\n  zh: {zh}\n  {:?}\n  {:?}",
            figures(en),
            figures(zh)
        ));
    }
    None
}

/// [`zh_problem`] as an assertion.
pub fn assert_zh(what: &str, en: &str, zh: &str, user_text: &[&str]) {
    if let Some(p) = zh_problem(what, en, zh, user_text) {
        panic!("{p}");
    }
}

/// Every line of a payslip and its minimum-wage check, (what, English, Chinese).
pub fn payslip_formulas(s: &payroll::Payslip) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = s
        .earnings
        .iter()
        .chain(&s.employee_contributions)
        .chain(&s.income_tax)
        .chain(&s.other_deductions)
        .chain(&s.employer_contributions)
        .map(|l| {
            (
                format!("{} {}", s.employee_id, l.code),
                l.formula.clone(),
                l.formula_zh.clone(),
            )
        })
        .collect();
    out.push((
        format!("{} minimum wage", s.employee_id),
        s.minimum_wage.formula.clone(),
        s.minimum_wage.formula_zh.clone(),
    ));
    out
}
