//! Golden income-tax cases, worked by hand (working in the comments).
//!
//! Manager grade 3 (standard hours, full months, KPI 87 → coefficient 1.00):
//! gross = base 2,250 + post 5,350 + performance 2,550 + meal 200 + communication 200 = 10,550.
//! Contributions on 10,550 (inside every 2026 band): pension 8% 844.00, medical 2% 211.00,
//! unemployment 0.5% 52.75, housing fund 5% 527.50 → 1,635.25 a month.
//! Monthly taxable = 10,550 − 5,000 − 1,635.25 = 3,914.75; cumulative after n months = 3,914.75 n.

mod common;

use common::*;
use payroll::{
    compute_payslip, BonusTaxMethod, EmployeeMonth, IitYearToDate, Month, Position,
    WorkingTimeSystem,
};

const DAYS_2026: [u32; 12] = [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23];

fn manager() -> EmployeeMonth {
    month_input(
        employee("M3", Position::Manager, 3, WorkingTimeSystem::Standard),
        full_month(21),
    )
}

fn run_year(
    mut input: EmployeeMonth,
    months: std::ops::RangeInclusive<u32>,
    special: impl Fn(u32) -> &'static str,
) -> Vec<(String, String)> {
    let p = policy();
    let mut out = Vec::new();
    for mo in months {
        input.time_sheet = full_month(DAYS_2026[mo as usize - 1]);
        input.employee.iit.special_deductions_monthly = d(special(mo));
        let s = compute_payslip(&p, Month::new(2026, mo).unwrap(), &input).unwrap();
        assert_eq!(s.totals.gross, d("10550.00"));
        assert_eq!(s.totals.employee_contributions, d("1635.25"));
        out.push((
            s.totals.income_tax.to_string(),
            s.iit.cumulative_tax.to_string(),
        ));
        input.iit_year_to_date = s.iit.year_to_date_after.clone();
    }
    out
}

/// January to December 2026; the cumulative taxable income crosses 36,000 in October.
///
/// | month | cumulative taxable | cumulative tax | withheld this month |
/// |---|---|---|---|
/// | Jan | 3,914.75 | × 3% = 117.4425 → 117.44 | 117.44 |
/// | Feb | 7,829.50 | 234.885 → 234.89 | 234.89 − 117.44 = 117.45 |
/// | Mar | 11,744.25 | 352.3275 → 352.33 | 117.44 |
/// | Apr | 15,659.00 | 469.77 | 117.44 |
/// | May | 19,573.75 | 587.2125 → 587.21 | 117.44 |
/// | Jun | 23,488.50 | 704.655 → 704.66 | 117.45 |
/// | Jul | 27,403.25 | 822.0975 → 822.10 | 117.44 |
/// | Aug | 31,318.00 | 939.54 | 117.44 |
/// | Sep | 35,232.75 | 1,056.9825 → 1,056.98 | 117.44 |
/// | Oct | 39,147.50 | × 10% − 2,520 = 1,394.75 | 1,394.75 − 1,056.98 = 337.77 |
/// | Nov | 43,062.25 | 4,306.225 − 2,520 = 1,786.225 → 1,786.23 | 391.48 |
/// | Dec | 46,977.00 | 4,697.70 − 2,520 = 2,177.70 | 391.47 |
#[test]
fn cumulative_withholding_january_to_december_with_a_bracket_change() {
    let got = run_year(manager(), 1..=12, |_| "0");
    let expect = [
        ("117.44", "117.44"),
        ("117.45", "234.89"),
        ("117.44", "352.33"),
        ("117.44", "469.77"),
        ("117.44", "587.21"),
        ("117.45", "704.66"),
        ("117.44", "822.10"),
        ("117.44", "939.54"),
        ("117.44", "1056.98"),
        ("337.77", "1394.75"),
        ("391.48", "1786.23"),
        ("391.47", "2177.70"),
    ];
    for (i, ((t, c), (et, ec))) in got.iter().zip(expect).enumerate() {
        assert_eq!((d(t), d(c)), (d(et), d(ec)), "month {}", i + 1);
    }
}

/// A month that would go negative withholds 0. Elderly support 3,000 a month is declared in
/// February together with January's (6,000 in February, 3,000 a month after).
/// Jan: 3,914.75 × 3% = 117.44 withheld.
/// Feb: 21,100 − 10,000 − 3,270.50 − 6,000 = 1,829.50 → 54.885 → 54.89; 54.89 − 117.44 < 0 → 0.
/// Mar: 31,650 − 15,000 − 4,905.75 − 9,000 = 2,744.25 → 82.3275 → 82.33; 82.33 − 117.44 < 0 → 0.
/// Apr: 42,200 − 20,000 − 6,541.00 − 12,000 = 3,659.00 → 109.77; < 117.44 → 0.
/// May: 52,750 − 25,000 − 8,176.25 − 15,000 = 4,573.75 → 137.2125 → 137.21; 137.21 − 117.44 = 19.77.
#[test]
fn a_month_that_would_go_negative_withholds_zero() {
    let got = run_year(manager(), 1..=5, |m| match m {
        1 => "0",
        2 => "6000",
        _ => "3000",
    });
    let expect = [
        ("117.44", "117.44"),
        ("0", "54.89"),
        ("0", "82.33"),
        ("0", "109.77"),
        ("19.77", "137.21"),
    ];
    for (i, ((t, c), (et, ec))) in got.iter().zip(expect).enumerate() {
        assert_eq!((d(t), d(c)), (d(et), d(ec)), "month {}", i + 1);
    }
}

/// The simplified 60,000 deduction from January (公告2020年第19号): the cumulative basic
/// deduction is 60,000 in every month.
/// Jan: 10,550 − 60,000 − 1,635.25 < 0 → 0 (117.44 under the monthly rule).
/// Dec: 126,600 − 60,000 − 19,623 = 46,977 → 4,697.70 − 2,520 = 2,177.70 cumulative, the same
/// as the monthly rule by December.
#[test]
fn simplified_annual_deduction_from_january() {
    let mut input = manager();
    input.employee.iit.basic_deduction = payroll::BasicDeduction::Annual60000;
    let got = run_year(input, 1..=12, |_| "0");
    assert_eq!(d(&got[0].0), d("0"));
    assert_eq!(d(&got[11].1), d("2177.70"));
}

/// Months counted from the month of hire: hired 2026-07-01, in August the cumulative basic
/// deduction is 2 × 5,000 = 10,000 (not 8 × 5,000).
/// Aug: income 21,100 − 10,000 − 3,270.50 = 7,829.50 → 234.885 → 234.89 cumulative.
#[test]
fn basic_deduction_counts_months_from_hire() {
    let mut input = manager();
    input.employee.hired_on = date(2026, 7, 1);
    let got = run_year(input, 7..=8, |_| "0");
    assert_eq!(d(&got[1].1), d("234.89"));
}

fn december_with_bonus(method: BonusTaxMethod, bonus: &str) -> payroll::Payslip {
    let mut input = manager();
    input.employee.bonus_tax_method = method;
    input.time_sheet = full_month(23);
    input.annual_bonus = Some(d(bonus));
    // After November: 11 × 10,550 = 116,050 income; 11 × 1,635.25 = 17,987.75 contributions;
    // 1,786.23 withheld (table above).
    input.iit_year_to_date = IitYearToDate {
        income: d("116050"),
        employee_contributions: d("17987.75"),
        tax_withheld: d("1786.23"),
        ..Default::default()
    };
    compute_payslip(&policy(), Month::new(2026, 12).unwrap(), &input).unwrap()
}

/// Annual bonus 30,000 in December, both ways.
/// Separate: 30,000 ÷ 12 = 2,500 → 3%, quick 0 → 900.00; wages as usual 391.47; total 1,291.47.
/// Merged: cumulative income 126,600 + 30,000 = 156,600 − 60,000 − 19,623 = 76,977 →
/// 7,697.70 − 2,520 = 5,177.70; 5,177.70 − 1,786.23 = 3,391.47.
/// The bonus is gross pay (10,550 + 30,000 = 40,550) but not in the contribution base.
#[test]
fn annual_bonus_taxed_separately_or_merged() {
    let s = december_with_bonus(BonusTaxMethod::Separate, "30000");
    assert_eq!(line(&s.income_tax, "IIT_BONUS").amount, d("900.00"));
    assert_eq!(line(&s.income_tax, "IIT").amount, d("391.47"));
    assert_eq!(s.totals.income_tax, d("1291.47"));
    assert_eq!(s.totals.gross, d("40550.00"));
    assert_eq!(s.totals.employee_contributions, d("1635.25"));
    assert_eq!(s.totals.net, d("40550.00") - d("1635.25") - d("1291.47"));

    let s = december_with_bonus(BonusTaxMethod::Merged, "30000");
    assert!(!has_line(&s.income_tax, "IIT_BONUS"));
    assert_eq!(s.totals.income_tax, d("3391.47"));
}

/// A bonus of 40,000 separately: 40,000 ÷ 12 = 3,333.33 → 10%, quick 210 → 4,000 − 210 = 3,790.00.
#[test]
fn separate_bonus_uses_the_monthly_table_and_one_quick_deduction() {
    let s = december_with_bonus(BonusTaxMethod::Separate, "40000");
    assert_eq!(line(&s.income_tax, "IIT_BONUS").amount, d("3790.00"));
}

/// A low earner is better off merging: agent grade 1 with 7 night shifts earns 4,000 a month
/// (contributions 715.84, see golden_gross_to_net.rs). A 3,000 bonus in December:
/// separate: 3,000 ÷ 12 = 250 → 3% → 90.00;
/// merged: 11 × 4,000 + 4,000 + 3,000 = 51,000 − 60,000 − 12 × 715.84 < 0 → 0.
#[test]
fn small_bonus_both_ways_for_a_low_earner() {
    for (method, tax) in [
        (BonusTaxMethod::Separate, "90.00"),
        (BonusTaxMethod::Merged, "0"),
    ] {
        let mut ts = full_month(23);
        ts.night_shifts = 7;
        let mut input = month_input(
            employee("A9", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
            ts,
        );
        input.employee.bonus_tax_method = method;
        input.annual_bonus = Some(d("3000"));
        input.iit_year_to_date = IitYearToDate {
            income: d("44000"),
            employee_contributions: d("7874.24"),
            ..Default::default()
        };
        let s = compute_payslip(&policy(), Month::new(2026, 12).unwrap(), &input).unwrap();
        assert_eq!(s.totals.gross, d("7000.00"));
        assert_eq!(s.totals.income_tax, d(tax), "{method:?}");
    }
}
