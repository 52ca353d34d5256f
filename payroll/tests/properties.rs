//! Property tests of the invariants: net = gross − deductions; line sums equal totals; every
//! formula also in Chinese with the same figures; more hours never lower gross; results do not
//! depend on the order of employees.

mod common;

use common::*;
use payroll::{compute_month, compute_payslip, EmployeeMonth, Month, Position, WorkingTimeSystem};
use proptest::prelude::*;
use rust_decimal::Decimal;

const DAYS_2026: [u32; 12] = [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23];

fn position() -> impl Strategy<Value = Position> {
    prop::sample::select(Position::ALL.to_vec())
}

fn hours(max: i64) -> impl Strategy<Value = Decimal> {
    (0..=max * 2).prop_map(|h| Decimal::new(h * 5, 1))
}

prop_compose! {
    fn employee_month(id: String)(
        pos in position(),
        grade in 1u8..=3,
        standard in any::<bool>(),
        month in 1u32..=12,
        employed_short in 0u32..=10,
        ordinary in hours(220),
        rest in hours(60),
        lieu_share in 0u32..=100,
        holiday in hours(30),
        nights in 0u32..=12,
        personal in 0i64..=4,
        sick in 0i64..=4,
        annual in 0i64..=3,
        absence in 0i64..=2,
        score in 0i64..=100,
        declared in prop::option::of(1000i64..=40000),
        bonus in prop::option::of(0i64..=100_000),
        special in 0i64..=6000,
    ) -> (u32, EmployeeMonth) {
        let days = DAYS_2026[month as usize - 1];
        let mut ts = full_month(days);
        ts.working_days_employed = days - employed_short.min(days - 13);
        ts.ordinary_day_hours = ordinary;
        ts.rest_day_hours = rest;
        ts.rest_day_hours_in_lieu = (rest * Decimal::from(lieu_share) / Decimal::ONE_HUNDRED).round_dp(1);
        ts.statutory_holiday_hours = holiday;
        ts.night_shifts = nights;
        ts.leave.personal = Decimal::from(personal);
        ts.leave.sick = Decimal::from(sick);
        ts.leave.annual = Decimal::from(annual);
        ts.absence_days = Decimal::from(absence);
        ts.kpi = kpi(&score.to_string());
        let wt = if standard { WorkingTimeSystem::Standard } else { WorkingTimeSystem::Comprehensive };
        let mut e = employee(&id, pos, grade, wt);
        e.contribution_base = declared.map(Decimal::from);
        e.iit.special_deductions_monthly = Decimal::from(special);
        let mut input = month_input(e, ts);
        input.annual_bonus = bonus.map(|b| Decimal::new(b * 100 + 37, 2));
        (month, input)
    }
}

fn sum(lines: &[payroll::PayLine]) -> Decimal {
    lines.iter().map(|l| l.amount).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn net_is_gross_less_deductions_and_lines_sum_to_totals((month, input) in employee_month("P1".into())) {
        let s = compute_payslip(&policy(), Month::new(2026, month).unwrap(), &input).unwrap();
        let t = &s.totals;
        prop_assert_eq!(t.net, t.gross - t.employee_contributions - t.income_tax - t.other_deductions);
        prop_assert_eq!(t.employer_cost, t.gross + t.employer_contributions);
        prop_assert_eq!(t.gross, sum(&s.earnings));
        prop_assert_eq!(t.employee_contributions, sum(&s.employee_contributions));
        prop_assert_eq!(t.employer_contributions, sum(&s.employer_contributions));
        prop_assert_eq!(t.income_tax, sum(&s.income_tax));
        prop_assert_eq!(t.other_deductions, sum(&s.other_deductions));
        for l in s.earnings.iter().chain(&s.employee_contributions).chain(&s.employer_contributions).chain(&s.income_tax) {
            prop_assert_eq!(l.amount, l.amount.round_dp(2), "{} is not rounded to the fen", l.code);
            prop_assert!(!l.formula.is_empty());
        }
        prop_assert!(t.income_tax >= Decimal::ZERO);
        // Every formula also in Chinese, with the same figures.
        for (what, en, zh) in payslip_formulas(&s) {
            let problem = zh_problem(&what, &en, &zh, &[]);
            prop_assert!(problem.is_none(), "{}", problem.unwrap_or_default());
        }
    }

    #[test]
    fn more_hours_never_lower_gross(
        (month, input) in employee_month("P1".into()),
        which in 0usize..3,
        extra in hours(20),
    ) {
        let p = policy();
        let m = Month::new(2026, month).unwrap();
        let before = compute_payslip(&p, m, &input).unwrap().totals.gross;
        let mut more = input.clone();
        match which {
            0 => more.time_sheet.ordinary_day_hours += extra,
            1 => more.time_sheet.rest_day_hours += extra,
            _ => more.time_sheet.statutory_holiday_hours += extra,
        }
        let after = compute_payslip(&p, m, &more).unwrap().totals.gross;
        prop_assert!(after >= before, "{after} < {before}");
    }

    #[test]
    fn results_do_not_depend_on_the_order_of_employees(
        staff in prop::collection::vec(employee_month(String::new()), 1..8),
        seed in any::<u64>(),
    ) {
        let p = policy();
        let mut inputs: Vec<EmployeeMonth> = staff
            .into_iter()
            .enumerate()
            .map(|(i, (_, mut e))| { e.employee.id = format!("E{i:02}"); e.time_sheet = { let mut t = e.time_sheet.clone(); let days = 21; t.scheduled_working_days_of_month = days; t.standard_hours_of_month = Decimal::from(days * 8); t.working_days_employed = t.working_days_employed.min(days); t }; e })
            .collect();
        let m = Month::new(2026, 6).unwrap();
        let a = compute_month(&p, m, &inputs).unwrap();
        // A deterministic shuffle from the seed.
        let n = inputs.len();
        let mut s = seed;
        for i in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            inputs.swap(i, usize::try_from(s >> 33).unwrap() % (i + 1));
        }
        let b = compute_month(&p, m, &inputs).unwrap();
        prop_assert_eq!(a, b);
    }
}
