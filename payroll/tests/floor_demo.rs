//! The demo pay levels of data/payroll/pay-structure.toml land a full year of the 52-person
//! composition a little above the floor (issue 3). Not a golden test: it pins the data choice.

mod common;

use common::*;
use payroll::{compute_month, month_cost, seat_cost_year, CostMonthTotal, Month};
use rust_decimal::Decimal;

/// Scheduled working days of 2026 (hainan-payroll-and-labour.md §5).
const DAYS_2026: [u32; 12] = [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23];

#[test]
fn demo_year_2026_lands_a_little_above_the_floor() {
    let policy = policy();
    let mut months = Vec::new();
    for (i, days) in DAYS_2026.iter().enumerate() {
        let m = Month::new(2026, u32::try_from(i).unwrap() + 1).unwrap();
        let payroll = compute_month(&policy, m, &demo_staff(*days)).unwrap();
        assert!(payroll.minimum_wage_breaches.is_empty());
        let cost = month_cost(&policy.contract_cost, &payroll).unwrap();
        months.push(CostMonthTotal {
            month: m,
            seat_labour_cost: cost.seat_labour_cost,
        });
    }
    let last = months[11].seat_labour_cost;
    let year = seat_cost_year(common::d("3939313.45"), &months, last).unwrap();
    let floor = year.floor;
    eprintln!(
        "demo year 2026 = {} (floor {floor}, margin {})",
        year.year_to_date, year.margin
    );
    assert!(year.year_to_date >= floor, "{}", year.year_to_date);
    assert!(
        year.year_to_date <= floor * Decimal::new(101, 2),
        "{}",
        year.year_to_date
    );
}
