//! The documented example case (data/payroll/examples/case-2026-02.json) really runs, and its
//! agent matches the hand-worked golden figures (golden_gross_to_net.rs, arrears in golden_contract.rs).

mod common;

use common::*;
use payroll::{compute_case, Case, CostMonthTotal, Month};

#[test]
fn example_case_runs_and_matches_the_golden_figures() {
    let case: Case = serde_json::from_str(include_str!(
        "../../data/payroll/examples/case-2026-02.json"
    ))
    .unwrap();
    let r = compute_case(&policy(), &case).unwrap();
    assert_eq!(r.payroll.payslips.len(), 3);
    let agent = r
        .payroll
        .payslips
        .iter()
        .find(|p| p.employee_id == "A001")
        .unwrap();
    // 5,539.65 (golden Feb 2026 overtime) + 75.00 January performance arrears.
    assert_eq!(agent.totals.gross, d("5614.65"));
    assert_eq!(line(&agent.earnings, "ARR_PERF").amount, d("75.00"));
    assert_eq!(r.arrears.len(), 1);
    assert!(r.payroll.minimum_wage_breaches.is_empty());
    // The example gives `"prior_month_costs": []` in February and no goal-seek: no contract
    // view is asked for (an empty list for February would have counted January as 0).
    assert!(r.contract_cost.is_none() && r.seat_cost_year.is_none());
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"formula\""));

    // Asked for with January's total, the annual view is computed: three staff cannot meet a
    // 52-staff floor.
    let mut with_view = case.clone();
    with_view.contract_view = true;
    with_view.prior_month_costs = vec![CostMonthTotal {
        month: Month::new(2026, 1).unwrap(),
        seat_labour_cost: d("15000.00"),
    }];
    let r = compute_case(&policy(), &with_view).unwrap();
    let year = r.seat_cost_year.unwrap();
    assert_eq!(year.months.len(), 2);
    assert_eq!(year.months[0].seat_labour_cost, d("15000.00"));
    assert!(
        !year.meets_floor,
        "three staff cannot meet a 52-staff floor"
    );
    assert!(r.contract_cost.is_some());
}

/// The worked example in payroll/CASE_FORMAT.md: employee contributions 858.64 + 3.75 = 862.39,
/// net = 5,614.65 − 862.39 = 4,752.26.
#[test]
fn case_format_worked_example() {
    let case: Case = serde_json::from_str(include_str!(
        "../../data/payroll/examples/case-2026-02.json"
    ))
    .unwrap();
    let r = compute_case(&policy(), &case).unwrap();
    let agent = r
        .payroll
        .payslips
        .iter()
        .find(|p| p.employee_id == "A001")
        .unwrap();
    assert_eq!(agent.totals.employee_contributions, d("862.39"));
    assert_eq!(agent.totals.income_tax, d("0"));
    assert_eq!(agent.totals.net, d("4752.26"));
    assert_eq!(
        line(&agent.employer_contributions, "ARR_HPF_ER").amount,
        d("3.75")
    );
}
