//! Golden payslips. Every expected figure below was worked out by hand from the rules and the
//! data files (pay-structure.toml demo levels, 2026 Hainan rates), with the working in the
//! comment; none was copied from program output.
//!
//! Figures used throughout (2026): SI base band 4,912.80–24,564.00; pension 16% / 8%,
//! medical 6.5% / 2%, unemployment 0.5% / 0.5%, work injury class 1 0.15% × 1; housing fund
//! 5% / 5%, base floor 2,250; hour wage = monthly ÷ 21.75 ÷ 8 = monthly ÷ 174.
//! Agent grade 1: base 2,250, post 450, performance base 750, night 50 per shift, meal 200.

mod common;

use common::*;
use payroll::{compute_payslip, EmployeeMonth, IitYearToDate, Month, Position, WorkingTimeSystem};

fn m(s: &str) -> Month {
    s.parse().unwrap()
}

fn agent_feb_7_nights() -> EmployeeMonth {
    let mut ts = full_month(16);
    ts.night_shifts = 7;
    month_input(
        employee("A1", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
        ts,
    )
}

/// An agent at the minimum-wage base wage with night shifts; SI base clamped up to the floor.
///
/// Feb 2026, 16 working days, 128 h worked, 7 night shifts, all KPIs 87 → composite 87 → 1.00.
/// Earnings: BASE 2,250.00; POST 450.00; MEAL 200.00; PERF 750 × 1.00 = 750.00;
/// NIGHT 7 × 50 = 350.00. Gross = 4,000.00.
/// SI base = clamp(4,000, 4,912.80, 24,564) = 4,912.80.
/// Employee: pension 4,912.80 × 8% = 393.024 → 393.02; medical × 2% = 98.256 → 98.26;
/// unemployment × 0.5% = 24.564 → 24.56; housing fund 4,000 × 5% = 200.00. Total 715.84.
/// Employer: pension × 16% = 786.048 → 786.05; medical × 6.5% = 319.332 → 319.33;
/// unemployment 24.56; injury × 0.15% = 7.3692 → 7.37; housing fund 200.00. Total 1,337.31.
/// IIT: hired 2024, January income 4,000 and contributions 715.84 already counted;
/// cumulative taxable = 8,000 − 10,000 − 1,431.68 < 0 → 0.
/// Net = 4,000 − 715.84 = 3,284.16; employer cost = 4,000 + 1,337.31 = 5,337.31.
/// Minimum wage: BASE + POST + PERF = 3,450.00 ≥ 2,250.00 (night and meal excluded).
#[test]
fn agent_at_minimum_wage_base_with_night_shifts() {
    let mut input = agent_feb_7_nights();
    input.iit_year_to_date = IitYearToDate {
        income: d("4000"),
        employee_contributions: d("715.84"),
        ..Default::default()
    };
    let s = compute_payslip(&policy(), m("2026-02"), &input).unwrap();
    for (code, amount) in [
        ("BASE", "2250.00"),
        ("POST", "450.00"),
        ("ALW_MEAL", "200.00"),
        ("PERF", "750.00"),
        ("NIGHT", "350.00"),
    ] {
        assert_eq!(line(&s.earnings, code).amount, d(amount), "{code}");
    }
    assert_eq!(s.totals.gross, d("4000.00"));
    assert_eq!(s.social_insurance_base, d("4912.80"));
    for (code, amount) in [
        ("SI_PENSION_EE", "393.02"),
        ("SI_MEDICAL_EE", "98.26"),
        ("SI_UNEMPLOYMENT_EE", "24.56"),
        ("HPF_EE", "200.00"),
    ] {
        assert_eq!(
            line(&s.employee_contributions, code).amount,
            d(amount),
            "{code}"
        );
    }
    for (code, amount) in [
        ("SI_PENSION_ER", "786.05"),
        ("SI_MEDICAL_ER", "319.33"),
        ("SI_UNEMPLOYMENT_ER", "24.56"),
        ("SI_INJURY_ER", "7.37"),
        ("HPF_ER", "200.00"),
    ] {
        assert_eq!(
            line(&s.employer_contributions, code).amount,
            d(amount),
            "{code}"
        );
    }
    assert_eq!(s.totals.employee_contributions, d("715.84"));
    assert_eq!(s.totals.employer_contributions, d("1337.31"));
    assert_eq!(s.totals.income_tax, d("0"));
    assert_eq!(s.totals.net, d("3284.16"));
    assert_eq!(s.totals.employer_cost, d("5337.31"));
    assert!(s.minimum_wage.passed);
    assert_eq!(s.minimum_wage.pay_for_standard_hours, d("3450.00"));
    assert_eq!(s.minimum_wage.required, d("2250.00"));
    // Every line explains itself.
    assert!(line(&s.earnings, "NIGHT").formula.contains("7 × 50.00"));
    assert!(line(&s.employee_contributions, "SI_PENSION_EE")
        .formula
        .contains("floor 4912.80"));
}

/// Comprehensive hours in February 2026 (16 working days, 128 h) with statutory-holiday hours.
///
/// Agent grade 1, monthly wage for overtime = base + post = 2,700. Worked 120 h on ordinary
/// days, 24 h on rest days, 24 h on 16–19 Feb (statutory), 8 night shifts, KPI 87.
/// Comparison: 120 + 24 = 144 h against 128 h owed (holiday hours excluded) → 16 h at 150%:
/// 2,700 × 16 × 1.5 ÷ 174 = 64,800 ÷ 174 = 372.413… → 372.41.
/// Holiday: 2,700 × 24 × 3 ÷ 174 = 194,400 ÷ 174 = 1,117.241… → 1,117.24.
/// Gross = 2,250 + 450 + 200 + 750 + 8 × 50 + 372.41 + 1,117.24 = 5,539.65.
/// SI base 5,539.65 (inside the band). Employee: pension 443.172 → 443.17; medical 110.793 →
/// 110.79; unemployment 27.69825 → 27.70; housing fund 276.9825 → 276.98; total 858.64.
/// Employer: pension 886.344 → 886.34; medical 360.07725 → 360.08; unemployment 27.70;
/// injury 8.309475 → 8.31; housing fund 276.98; total 1,559.41.
/// Net (no tax: January income 4,000) = 5,539.65 − 858.64 = 4,681.01.
#[test]
fn comprehensive_hours_overtime_february_2026_with_holiday_hours() {
    let mut ts = full_month(16);
    ts.ordinary_day_hours = d("120");
    ts.rest_day_hours = d("24");
    ts.statutory_holiday_hours = d("24");
    ts.night_shifts = 8;
    let mut input = month_input(
        employee("A2", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
        ts,
    );
    input.iit_year_to_date = IitYearToDate {
        income: d("4000"),
        employee_contributions: d("715.84"),
        ..Default::default()
    };
    let s = compute_payslip(&policy(), m("2026-02"), &input).unwrap();
    assert_eq!(line(&s.earnings, "OT150").amount, d("372.41"));
    assert_eq!(line(&s.earnings, "OT300").amount, d("1117.24"));
    assert!(
        !has_line(&s.earnings, "OT200"),
        "rest days are normal work under comprehensive hours"
    );
    assert_eq!(s.totals.gross, d("5539.65"));
    assert_eq!(s.totals.employee_contributions, d("858.64"));
    assert_eq!(s.totals.employer_contributions, d("1559.41"));
    assert_eq!(s.totals.net, d("4681.01"));
    // Minimum wage excludes overtime: 2,250 + 450 + 750 = 3,450.
    assert_eq!(s.minimum_wage.pay_for_standard_hours, d("3450.00"));
}

/// Holiday hours are excluded from the comparison: 104 ordinary + 24 holiday = 128 h, but only
/// 104 h count against 128 owed, so there is no 150% line; the 24 h are paid 300%: 1,117.24.
#[test]
fn comprehensive_holiday_hours_do_not_count_toward_the_standard() {
    let mut ts = full_month(16);
    ts.ordinary_day_hours = d("104");
    ts.statutory_holiday_hours = d("24");
    let input = month_input(
        employee("A3", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
        ts,
    );
    let s = compute_payslip(&policy(), m("2026-02"), &input).unwrap();
    assert!(!has_line(&s.earnings, "OT150"));
    assert_eq!(line(&s.earnings, "OT300").amount, d("1117.24"));
}

/// A standard-hours analyst (grade 1: base 2,250, post 1,350, performance 1,150, meal 200)
/// works a rest day in March 2026 (22 working days, 176 h).
/// Ordinary days 178 h → 2 h extension: 3,600 × 2 × 1.5 ÷ 174 = 10,800 ÷ 174 = 62.068… → 62.07.
/// Rest days 16 h, 8 of them given time off in lieu → 8 h at 200%:
/// 3,600 × 8 × 2 ÷ 174 = 57,600 ÷ 174 = 331.034… → 331.03.
/// Gross = 2,250 + 1,350 + 200 + 1,150 + 62.07 + 331.03 = 5,343.10.
/// Without time off in lieu, 16 h at 200% = 115,200 ÷ 174 = 662.068… → 662.07.
#[test]
fn standard_hours_employee_working_a_rest_day() {
    let mut ts = full_month(22);
    ts.ordinary_day_hours = d("178");
    ts.rest_day_hours = d("16");
    ts.rest_day_hours_in_lieu = d("8");
    let mut input = month_input(
        employee("N1", Position::Analyst, 1, WorkingTimeSystem::Standard),
        ts,
    );
    let s = compute_payslip(&policy(), m("2026-03"), &input).unwrap();
    assert_eq!(line(&s.earnings, "OT150").amount, d("62.07"));
    assert_eq!(line(&s.earnings, "OT200").amount, d("331.03"));
    assert_eq!(s.totals.gross, d("5343.10"));

    input.time_sheet.rest_day_hours_in_lieu = d("0");
    let s = compute_payslip(&policy(), m("2026-03"), &input).unwrap();
    assert_eq!(line(&s.earnings, "OT200").amount, d("662.07"));
}

/// Base clamped at the ceiling: a manager declares a base of 30,000.
/// Feb 2026: SI base = min(30,000, 24,564) = 24,564. Employee pension 24,564 × 8% = 1,965.12;
/// medical × 2% = 491.28; unemployment × 0.5% = 122.82. Employer pension × 16% = 3,930.24;
/// medical × 6.5% = 1,596.66; injury × 0.15% = 36.846 → 36.85.
/// Housing fund base = min(30,000, 25,775) = 25,775 × 5% = 1,288.75.
/// Aug 2026 (housing fund band 2,250–30,806.07): 30,000 × 5% = 1,500.00.
/// (The floor clamp is in `agent_at_minimum_wage_base_with_night_shifts`.)
#[test]
fn contribution_base_clamped_at_the_ceiling() {
    let mut e = employee("M1", Position::Manager, 1, WorkingTimeSystem::Standard);
    e.contribution_base = Some(d("30000"));
    let input = month_input(e, full_month(16));
    let s = compute_payslip(&policy(), m("2026-02"), &input).unwrap();
    assert_eq!(s.social_insurance_base, d("24564"));
    for (code, amount) in [
        ("SI_PENSION_EE", "1965.12"),
        ("SI_MEDICAL_EE", "491.28"),
        ("SI_UNEMPLOYMENT_EE", "122.82"),
        ("HPF_EE", "1288.75"),
    ] {
        assert_eq!(
            line(&s.employee_contributions, code).amount,
            d(amount),
            "{code}"
        );
    }
    for (code, amount) in [
        ("SI_PENSION_ER", "3930.24"),
        ("SI_MEDICAL_ER", "1596.66"),
        ("SI_INJURY_ER", "36.85"),
    ] {
        assert_eq!(
            line(&s.employer_contributions, code).amount,
            d(amount),
            "{code}"
        );
    }
    let mut aug = input.clone();
    aug.time_sheet = full_month(21);
    let s = compute_payslip(&policy(), m("2026-08"), &aug).unwrap();
    assert_eq!(
        line(&s.employee_contributions, "HPF_EE").amount,
        d("1500.00")
    );
}

/// A mid-month hire: agent grade 1 hired Monday 2026-03-16; March has 22 working days, of which
/// 16–20, 23–27, 30–31 = 12 are employed. 96 h worked, 3 night shifts, KPI 87.
/// BASE 2,250 × 12 ÷ 22 = 1,227.2727 → 1,227.27; POST 450 × 12 ÷ 22 = 245.4545 → 245.45;
/// MEAL 200 × 12 ÷ 22 = 109.0909 → 109.09; PERF 750 × 1.00 × 12 ÷ 22 = 409.0909 → 409.09;
/// NIGHT 150.00. Gross = 2,140.90.
/// Contributions for the whole month: SI at the floor 515.84 (393.02 + 98.26 + 24.56);
/// housing fund base = max(2,140.90, 2,250) = 2,250 × 5% = 112.50; total 628.34.
/// IIT: months counted from March = 1 → basic deduction 5,000; taxable < 0 → 0.
/// Net = 2,140.90 − 628.34 = 1,512.56. Minimum wage required 2,250 × 12 ÷ 22 = 1,227.27,
/// counted 1,227.27 + 245.45 + 409.09 = 1,881.81 → passes.
#[test]
fn mid_month_hire() {
    let mut e = employee("H1", Position::Agent, 1, WorkingTimeSystem::Comprehensive);
    e.hired_on = date(2026, 3, 16);
    let mut ts = full_month(22);
    ts.working_days_employed = 12;
    ts.ordinary_day_hours = d("96");
    ts.night_shifts = 3;
    let s = compute_payslip(&policy(), m("2026-03"), &month_input(e, ts)).unwrap();
    for (code, amount) in [
        ("BASE", "1227.27"),
        ("POST", "245.45"),
        ("ALW_MEAL", "109.09"),
        ("PERF", "409.09"),
        ("NIGHT", "150.00"),
    ] {
        assert_eq!(line(&s.earnings, code).amount, d(amount), "{code}");
    }
    assert!(!has_line(&s.earnings, "OT150"));
    assert_eq!(s.totals.gross, d("2140.90"));
    assert_eq!(
        line(&s.employee_contributions, "HPF_EE").amount,
        d("112.50")
    );
    assert_eq!(s.totals.employee_contributions, d("628.34"));
    assert_eq!(s.iit.cumulative_basic_deduction, d("5000"));
    assert_eq!(s.totals.net, d("1512.56"));
    assert_eq!(s.minimum_wage.required, d("1227.27"));
    assert_eq!(s.minimum_wage.pay_for_standard_hours, d("1881.81"));
    assert!(s.minimum_wage.passed);
}

/// Personal and sick leave: agent grade 1, Feb 2026, 2 days personal and 3 days sick leave,
/// 88 h worked (11 days × 8), KPI 87. Monthly wage 2,700, day wage = 2,700 ÷ 21.75.
/// Personal: 2,700 × 2 ÷ 21.75 = 248.2758… → −248.28.
/// Sick: full pay for 3 days = 8,100 ÷ 21.75 = 372.4137…; at 80% = 297.9310…; floor
/// 2,250 × 0.8 × 3 ÷ 21.75 = 248.2758…; sick pay 297.9310…; deduction 74.4827… → −74.48.
/// Gross = 2,250 + 450 + 200 + 750 − 248.28 − 74.48 = 3,327.24.
/// With a 60% sick-pay policy: 60% = 223.4482… < floor 248.2758…, so sick pay = the floor and
/// the deduction = 372.4137… − 248.2758… = 124.1379… → −124.14.
#[test]
fn personal_and_sick_leave() {
    let mut ts = full_month(16);
    ts.ordinary_day_hours = d("88");
    ts.leave.personal = d("2");
    ts.leave.sick = d("3");
    let input = month_input(
        employee("L1", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
        ts,
    );
    let s = compute_payslip(&policy(), m("2026-02"), &input).unwrap();
    assert_eq!(line(&s.earnings, "LEAVE_PERSONAL").amount, d("-248.28"));
    assert_eq!(line(&s.earnings, "LEAVE_SICK").amount, d("-74.48"));
    assert!(
        !has_line(&s.earnings, "OT150"),
        "leave days reduce the hours owed"
    );
    assert_eq!(s.totals.gross, d("3327.24"));

    let text = TEXTS
        .pay_structure
        .replace("sick_pay_rate = \"0.80\"", "sick_pay_rate = \"0.60\"");
    let mut p = policy();
    p.pay_structure = payroll::pay_structure::PayStructure::from_toml_str(&text).unwrap();
    p.refresh_horizon();
    let s = compute_payslip(&p, m("2026-02"), &input).unwrap();
    assert_eq!(line(&s.earnings, "LEAVE_SICK").amount, d("-124.14"));
}

/// Paid leave keeps pay: 3 days annual leave, 104 h worked → no deduction, no overtime,
/// gross as a full month without nights: 2,250 + 450 + 200 + 750 = 3,650.00.
#[test]
fn paid_leave_keeps_pay() {
    let mut ts = full_month(16);
    ts.ordinary_day_hours = d("104");
    ts.leave.annual = d("3");
    let input = month_input(
        employee("L2", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
        ts,
    );
    let s = compute_payslip(&policy(), m("2026-02"), &input).unwrap();
    assert_eq!(s.totals.gross, d("3650.00"));
    assert_eq!(s.earnings.len(), 4);
}

/// A minimum-wage breach is reported, not corrected: with a 2,000 base wage and no post
/// allowance or performance (KPI 50 → coefficient 0), pay for standard hours is 2,000 < 2,250.
#[test]
fn minimum_wage_breach_is_reported_not_corrected() {
    let text = TEXTS.pay_structure.replacen(
        "base_wage = \"2250.00\"\npost_allowance = \"3850.00\"",
        "base_wage = \"2000.00\"\npost_allowance = \"0.00\"",
        1,
    );
    assert!(
        text != TEXTS.pay_structure,
        "the manager grade 1 row was found"
    );
    let mut p = policy();
    p.pay_structure = payroll::pay_structure::PayStructure::from_toml_str(&text).unwrap();
    p.refresh_horizon();
    let mut ts = full_month(16);
    ts.kpi = kpi("50");
    let s = compute_payslip(
        &p,
        m("2026-02"),
        &month_input(
            employee("B1", Position::Manager, 1, WorkingTimeSystem::Standard),
            ts,
        ),
    )
    .unwrap();
    assert!(!s.minimum_wage.passed);
    assert_eq!(s.minimum_wage.pay_for_standard_hours, d("2000.00"));
    assert_eq!(line(&s.earnings, "BASE").amount, d("2000.00"));
}
