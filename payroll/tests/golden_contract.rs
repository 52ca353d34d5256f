//! Golden contract-cost cases: the disability fund in each tier, the month cost, the floor
//! check, the goal-seek and arrears. Worked by hand; working in the comments.

mod common;

use common::*;
use payroll::{
    arrears_between, compute_month, compute_payslip, disability_fund, goal_seek_floor, month_cost,
    seat_cost_year, CompanyFacts, CostMonthTotal, GoalSeekOutcome, Lever, Month, PayrollError,
    Position, WorkingTimeSystem,
};
use rust_decimal::Decimal;

fn facts(headcount: u32, disabled: &str, wage: &str) -> CompanyFacts {
    CompanyFacts {
        headcount,
        disabled_staff: d(disabled),
        average_annual_wage: d(wage),
        local_average_annual_wage: d("98256"),
        project_share: d("0.52"),
        note: None,
    }
}

/// Hainan quota 1.5%, 2023-2027 tiers, 2× cap of the local average 98,256 (= 196,512).
/// - 100 staff, 0 disabled: ratio 0 < 1% → 90%; shortfall 1.5; 1.5 × 60,000 × 0.9 = 81,000.00;
///   project month = 81,000 × 0.52 ÷ 12 = 3,510.00.
/// - 100 staff, 1 disabled: ratio 1% → 50%; shortfall 0.5; 0.5 × 60,000 × 0.5 = 15,000.00.
/// - 100 staff, 2 disabled: ratio 2% ≥ 1.5% → 0.
/// - 100 staff, 0 disabled, average 250,000: capped to 196,512; 1.5 × 196,512 × 0.9 = 265,291.20.
/// - 30 staff: exempt → 0. 31 staff, 0 disabled: 0.465 × 60,000 × 0.9 = 25,110.00.
/// - 2028: the reduced tiers expire; no rule in the data → an error naming the figure.
#[test]
fn disability_fund_in_each_tier_and_the_exemption() {
    let rules = policy().contract_cost.disability_fund;
    let on = date(2026, 3, 1);
    let f = disability_fund(&rules, &facts(100, "0", "60000"), on).unwrap();
    assert_eq!(
        (f.payable_fraction, f.annual_company, f.monthly_project),
        (d("0.90"), d("81000.00"), d("3510.00"))
    );
    let f = disability_fund(&rules, &facts(100, "1", "60000"), on).unwrap();
    assert_eq!(
        (f.payable_fraction, f.annual_company),
        (d("0.50"), d("15000.00"))
    );
    let f = disability_fund(&rules, &facts(100, "2", "60000"), on).unwrap();
    assert_eq!(f.annual_company, d("0"));
    let f = disability_fund(&rules, &facts(100, "0", "250000"), on).unwrap();
    assert_eq!(
        (f.wage_used, f.annual_company),
        (d("196512"), d("265291.20"))
    );
    let f = disability_fund(&rules, &facts(30, "0", "60000"), on).unwrap();
    assert!(f.exempt);
    assert_eq!(f.annual_company, d("0"));
    let f = disability_fund(&rules, &facts(31, "0", "60000"), on).unwrap();
    assert!(!f.exempt);
    assert_eq!(f.annual_company, d("25110.00"));
    let err = disability_fund(&rules, &facts(100, "0", "60000"), date(2028, 1, 1)).unwrap_err();
    assert!(err.to_string().contains("disability fund rule"), "{err}");
}

fn one_agent(id: &str) -> payroll::EmployeeMonth {
    let mut ts = full_month(21);
    ts.night_shifts = 7;
    month_input(
        employee(id, Position::Agent, 1, WorkingTimeSystem::Comprehensive),
        ts,
    )
}

/// The month cost of one agent (gross 4,000, see golden_gross_to_net.rs) in June 2026.
/// Employer SI at the floor: 786.05 + 319.33 + 24.56 + 7.37 = 1,137.31; housing fund 200.00.
/// Personnel = 4,000 + 1,137.31 + 200 = 5,337.31.
/// Items: physical exam 1 × 300 ÷ 12 = 25.00; union 4,000 × 2% = 80.00; management
/// 5,337.31 × 3% = 160.1193 → 160.12; operations 1 × 150 = 150.00; disability fund
/// (demo company: 60 staff, 0 disabled, 55,000): 0.9 × 55,000 × 0.9 = 44,550.00;
/// × 0.8667 ÷ 12 = 38,611.485 ÷ 12 = 3,217.62375 → 3,217.62.
/// Management cost = 25 + 80 + 160.12 + 150 + 3,217.62 = 3,632.74; seat cost = 8,970.05.
#[test]
fn month_cost_of_one_agent() {
    let p = policy();
    let payroll = compute_month(&p, Month::new(2026, 6).unwrap(), &[one_agent("A1")]).unwrap();
    let c = month_cost(&p.contract_cost, &payroll).unwrap();
    assert_eq!(c.employer_social_insurance, d("1137.31"));
    assert_eq!(c.employer_housing_fund, d("200.00"));
    assert_eq!(c.personnel_cost, d("5337.31"));
    let items: Vec<(String, Decimal)> =
        c.items.iter().map(|l| (l.code.clone(), l.amount)).collect();
    assert_eq!(
        items,
        [
            ("PHYSICAL_EXAM", "25.00"),
            ("UNION_FUND", "80.00"),
            ("MANAGEMENT_FEE", "160.12"),
            ("OPERATIONS_COST", "150.00"),
            ("DISABILITY_FUND", "3217.62")
        ]
        .map(|(c, a)| (c.to_owned(), d(a)))
    );
    assert_eq!(c.management_cost, d("3632.74"));
    assert_eq!(c.seat_labour_cost, d("8970.05"));
}

fn small_floor_policy() -> payroll::Policy {
    let text = TEXTS
        .contract_cost
        .replace("annual = \"3939313.45\"", "annual = \"108000.00\"");
    let mut p = policy();
    p.contract_cost = payroll::ContractCostRules::from_toml_str(&text).unwrap();
    p.refresh_horizon();
    p
}

fn prior_five() -> Vec<CostMonthTotal> {
    (1..=5)
        .map(|m| CostMonthTotal {
            month: Month::new(2026, m).unwrap(),
            seat_labour_cost: d("8970.05"),
        })
        .collect()
}

/// Floor check: Jan–May 8,970.05 each, June 8,970.05 (the agent above), floor 108,000.00.
/// Year to date = 6 × 8,970.05 = 53,820.30; projected = 53,820.30 + 6 × 8,970.05 = 107,640.60;
/// margin = 107,640.60 − 108,000 = −359.40 → short.
///
/// Goal-seek on the performance base, from July: cost of a month with increase δ (coefficient
/// 1.00, gross 4,000 + δ, SI still at its floor):
/// C(δ) = G + 1,137.31 + r(5% G) + 25 + r(2% G) + r(3% (G + 1,137.31 + r(5% G))) + 150 + 3,217.62.
/// Need 53,820.30 + 6 C ≥ 108,000 → C ≥ 9,029.95.
/// δ = 54.38: G = 4,054.38; HPF 202.719 → 202.72; union 81.0876 → 81.09; personnel 5,394.41;
/// management 161.8323 → 161.83; C = 5,394.41 + 25 + 81.09 + 161.83 + 150 + 3,217.62 = 9,029.95
/// → projected 53,820.30 + 54,179.70 = 108,000.00 ≥ floor.
/// δ = 54.37: G = 4,054.37; HPF 202.7185 → 202.72; union 81.0874 → 81.09; personnel 5,394.40;
/// management 161.832 → 161.83; C = 9,029.94 → projected 107,999.94 < floor.
/// So the least increase is 54.38. With no overtime the base-wage lever moves gross the same way.
#[test]
fn floor_check_and_goal_seek_to_the_fen() {
    let p = small_floor_policy();
    let june = Month::new(2026, 6).unwrap();
    let inputs = [one_agent("A1")];
    let mut months = prior_five();
    months.push(CostMonthTotal {
        month: june,
        seat_labour_cost: d("8970.05"),
    });
    let y = seat_cost_year(d("108000.00"), &months, d("8970.05")).unwrap();
    assert_eq!(
        (y.year_to_date, y.projected_year, y.margin, y.meets_floor),
        (d("53820.30"), d("107640.60"), d("-359.40"), false)
    );

    for lever in [Lever::PerformanceBase, Lever::BaseWage] {
        let g = goal_seek_floor(&p, &prior_five(), june, &inputs, lever).unwrap();
        assert_eq!(g.increase_per_head_month, d("54.38"), "{lever:?}");
        assert_eq!(g.projected_year_before, d("107640.60"));
        assert_eq!(g.projected_year_after, d("108000.00"));
        assert_eq!(g.projected_year_one_fen_less, Some(d("107999.94")));
        assert_eq!(g.applies_from, Month::new(2026, 7));
        assert_eq!(g.months_applied, 6);
    }
}

/// Already above the floor → increase 0; in December with a shortfall → no month remains, said
/// in the answer (not an error). December's cost of the agent equals June's 8,970.05 (same
/// rates, bases and items in 2026), so with January–November at 8,970.05 the year is
/// 12 × 8,970.05 = 107,640.60 against the real floor 3,939,313.45: short by 3,831,672.85.
/// December without the earlier months is refused naming them (they would count as 0).
#[test]
fn goal_seek_edges() {
    let p = small_floor_policy();
    let many: Vec<_> = (0..20).map(|i| one_agent(&format!("A{i:02}"))).collect();
    let g = goal_seek_floor(
        &p,
        &prior_five(),
        Month::new(2026, 6).unwrap(),
        &many,
        Lever::PerformanceBase,
    )
    .unwrap();
    assert_eq!(g.increase_per_head_month, d("0"));
    assert_eq!(g.outcome, GoalSeekOutcome::MeetsFloor);
    let december = Month::new(2026, 12).unwrap();
    let eleven: Vec<CostMonthTotal> = (1..=11)
        .map(|m| CostMonthTotal {
            month: Month::new(2026, m).unwrap(),
            seat_labour_cost: d("8970.05"),
        })
        .collect();
    let g = goal_seek_floor(
        &policy(),
        &eleven,
        december,
        &[one_agent("A1")],
        Lever::BaseWage,
    )
    .unwrap();
    assert_eq!(g.outcome, GoalSeekOutcome::NoMonthsRemaining);
    assert_eq!(
        (g.increase_per_head_month, g.months_applied, g.applies_from),
        (d("0"), 0, None)
    );
    assert_eq!(
        (g.projected_year_before, g.projected_year_after, g.floor),
        (d("107640.60"), d("107640.60"), d("3939313.45"))
    );
    assert_eq!(
        g.note,
        "2026-12 is the last month of the contract year 2026: no month remains to carry an \
         increase; the projected year 107640.60 stays 3831672.85 short of the floor 3939313.45"
    );
    // Without the earlier months (formerly the input of this test) they are named.
    let err = goal_seek_floor(
        &policy(),
        &[],
        december,
        &[one_agent("A1")],
        Lever::BaseWage,
    )
    .unwrap_err();
    assert!(
        matches!(err, PayrollError::MissingCostMonths { ref missing, .. } if missing.len() == 11),
        "{err}"
    );
}

/// Arrears: January 2026 was approved with KPI 87 (coefficient 1.00, performance 750.00); the
/// QA re-score gives 92 (coefficient 1.10, performance 825.00). January gross 4,000 → 4,075.
/// Differences: ARR_PERF +75.00; SI unchanged (base at the floor 4,912.80 both times);
/// housing fund 4,075 × 5% = 203.75 vs 200.00 → ARR_HPF_EE +3.75 and ARR_HPF_ER +3.75.
/// Paid with February (gross 4,000): gross 4,075.00; employee contributions 715.84 + 3.75 =
/// 719.59; February's own housing fund still on 4,000 (200.00); net = 4,075 − 719.59 = 3,355.41.
#[test]
fn arrears_from_a_recomputed_approved_month() {
    let p = policy();
    let jan = Month::new(2026, 1).unwrap();
    let approved_input = one_agent("A1");
    let mut revised_input = approved_input.clone();
    revised_input.time_sheet.kpi = kpi("92");
    let approved = compute_payslip(&p, jan, &approved_input).unwrap();
    let revised = compute_payslip(&p, jan, &revised_input).unwrap();
    let a = arrears_between(&approved, &revised).unwrap();
    let e: Vec<_> = a
        .earnings
        .iter()
        .map(|l| (l.code.as_str(), l.amount, l.source_month))
        .collect();
    assert_eq!(e, [("ARR_PERF", d("75.00"), Some(jan))]);
    let ee: Vec<_> = a
        .employee_contributions
        .iter()
        .map(|l| (l.code.as_str(), l.amount))
        .collect();
    assert_eq!(ee, [("ARR_HPF_EE", d("3.75"))]);
    let er: Vec<_> = a
        .employer_contributions
        .iter()
        .map(|l| (l.code.as_str(), l.amount))
        .collect();
    assert_eq!(er, [("ARR_HPF_ER", d("3.75"))]);

    let mut feb = one_agent("A1");
    feb.time_sheet = full_month(16);
    feb.time_sheet.night_shifts = 7;
    feb.arrears.push(a);
    let s = compute_payslip(&p, Month::new(2026, 2).unwrap(), &feb).unwrap();
    assert_eq!(s.totals.gross, d("4075.00"));
    assert_eq!(
        line(&s.employee_contributions, "HPF_EE").amount,
        d("200.00")
    );
    assert_eq!(s.totals.employee_contributions, d("719.59"));
    assert_eq!(s.totals.net, d("3355.41"));
    assert!(line(&s.earnings, "ARR_PERF").label_zh.contains("2026-01"));

    let other = compute_payslip(&p, Month::new(2026, 2).unwrap(), &one_agent("A1")).unwrap();
    assert!(matches!(
        arrears_between(&approved, &other),
        Err(PayrollError::ArrearsMismatch { .. })
    ));
}

/// Issue 20: the compliance year with approved months and projected ones. Worked by hand:
/// floor 1,200.00; January 100.00 and March 120.00 approved (February not); run rate 120.00.
/// Actual to date 100 + 120 = 220.00; projected months 12 − 2 = 10 (February among them);
/// projected year 220 + 120 × 10 = 1,420.00; margin 1,420 − 1,200 = 220.00, met.
/// With January to March approved (100, 110, 120) it is the plain view: 330 + 120 × 9 =
/// 1,410.00, as `seat_cost_year` gives.
#[test]
fn the_compliance_year_projects_every_month_not_settled() {
    use payroll::seat_cost_year_projected;
    let m = |mm: u32, v: &str| CostMonthTotal {
        month: Month::new(2026, mm).unwrap(),
        seat_labour_cost: d(v),
    };
    let y = seat_cost_year_projected(d("1200"), &[m(1, "100"), m(3, "120")], d("120")).unwrap();
    assert_eq!(
        (
            y.year_to_date,
            y.remaining_months,
            y.projected_year,
            y.margin,
            y.meets_floor
        ),
        (d("220"), 10, d("1420"), d("220"), true)
    );
    let all = [m(1, "100"), m(2, "110"), m(3, "120")];
    let a = seat_cost_year_projected(d("1200"), &all, d("120")).unwrap();
    let b = seat_cost_year(d("1200"), &all, d("120")).unwrap();
    assert_eq!((a.projected_year, a.remaining_months), (d("1410"), 9));
    assert_eq!(
        (a.projected_year, a.remaining_months, a.margin),
        (b.projected_year, b.remaining_months, b.margin)
    );
}
