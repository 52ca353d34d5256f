//! Plain timing benchmark (no criterion): `cargo bench -p payroll`.
//! Prints the time for one 52-person month (payroll + contract cost) and for 10,000 staff-months.

use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use payroll::{
    compute_month, month_cost, BasicDeduction, BonusTaxMethod, Employee, EmployeeMonth, IitProfile,
    IitYearToDate, Kpi, LeaveDays, Month, Policy, PolicyTexts, Position, TimeSheet,
    WorkingTimeSystem,
};
use rust_decimal::Decimal;

const TEXTS: PolicyTexts<'static> = PolicyTexts {
    social_insurance: include_str!("../../data/payroll/social-insurance.toml"),
    housing_fund: include_str!("../../data/payroll/housing-fund.toml"),
    minimum_wage: include_str!("../../data/payroll/minimum-wage.toml"),
    iit: include_str!("../../data/payroll/iit.toml"),
    pay_structure: include_str!("../../data/payroll/pay-structure.toml"),
    performance: include_str!("../../data/payroll/performance.toml"),
    contract_cost: include_str!("../../data/payroll/contract-cost.toml"),
};

fn staff(n: usize) -> Vec<EmployeeMonth> {
    let kpi = Kpi::ALL
        .into_iter()
        .map(|k| (k, Decimal::from(85 + (n % 10) as i64)))
        .collect::<std::collections::BTreeMap<_, _>>();
    (0..n)
        .map(|i| {
            let position = Position::ALL[i % 6];
            EmployeeMonth {
                employee: Employee {
                    id: format!("E{i:05}"),
                    name: format!("Staff {i}"),
                    position,
                    pay_grade: (i % 3) as u8 + 1,
                    working_time: if i % 5 == 0 {
                        WorkingTimeSystem::Standard
                    } else {
                        WorkingTimeSystem::Comprehensive
                    },
                    hired_on: NaiveDate::from_ymd_opt(2024, 3, 1).expect("valid"),
                    left_on: None,
                    contribution_base: None,
                    housing_fund_rate: None,
                    iit: IitProfile {
                        basic_deduction: BasicDeduction::FromHireMonth,
                        ..IitProfile::default()
                    },
                    bonus_tax_method: BonusTaxMethod::Separate,
                },
                time_sheet: TimeSheet {
                    standard_hours_of_month: Decimal::from(128),
                    scheduled_working_days_of_month: 16,
                    working_days_employed: 16,
                    ordinary_day_hours: Decimal::from(120 + (i % 7) as i64 * 4),
                    rest_day_hours: Decimal::from((i % 3) as i64 * 12),
                    rest_day_hours_in_lieu: Decimal::ZERO,
                    statutory_holiday_hours: Decimal::from((i % 4) as i64 * 12),
                    night_shifts: (i % 9) as u32,
                    leave: LeaveDays {
                        personal: Decimal::from((i % 11 == 0) as i64),
                        ..LeaveDays::default()
                    },
                    absence_days: Decimal::ZERO,
                    kpi: kpi.clone(),
                },
                iit_year_to_date: IitYearToDate::default(),
                annual_bonus: None,
                other_earnings: Vec::new(),
                other_deductions: Vec::new(),
                arrears: Vec::new(),
            }
        })
        .collect()
}

fn main() {
    let policy = Policy::from_toml_strs(&TEXTS).expect("policy files parse");
    let month = Month::new(2026, 2).expect("valid");

    let team = staff(52);
    let runs = 50;
    let start = Instant::now();
    for _ in 0..runs {
        let p = compute_month(&policy, month, black_box(&team)).expect("computes");
        black_box(month_cost(&policy.contract_cost, &p).expect("costs"));
    }
    let per = start.elapsed() / runs;
    println!("52-person month (payroll + contract cost): {per:?} per run (mean of {runs})");

    let many = staff(10_000);
    let start = Instant::now();
    let p = compute_month(&policy, month, black_box(&many)).expect("computes");
    black_box(month_cost(&policy.contract_cost, &p).expect("costs"));
    let total = start.elapsed();
    println!(
        "10,000 staff-months: {total:?} ({:?} per staff-month)",
        total / 10_000
    );
}
