//! The real data/payroll/*.toml files parse, validate and carry what a user must see.

mod common;

use common::*;
use payroll::{Grade, Month, PolicyError, PolicyTexts, Position};

#[test]
fn every_real_policy_file_parses_and_validates() {
    let p = policy();
    // Every position has three grades in force in 2026.
    for pos in Position::ALL {
        for g in 1..=3 {
            p.pay_structure.grade_on(pos, g, date(2026, 2, 1)).unwrap();
        }
    }
    assert_eq!(
        p.contract_cost.floor_on(date(2026, 6, 1)).unwrap().annual,
        d("3939313.45")
    );
}

#[test]
fn unknown_figures_are_marked_carried_forward_with_a_note() {
    let p = policy();
    let base_2026 = p.social_insurance.base_on(date(2026, 3, 1)).unwrap();
    assert!(base_2026.provenance.carried_forward);
    assert!(base_2026
        .provenance
        .note
        .as_deref()
        .unwrap()
        .contains("2026"));
    assert_eq!(base_2026.floor, d("4912.80"));
    for row in p
        .social_insurance
        .rate
        .iter()
        .filter(|r| r.provenance.carried_forward)
    {
        assert!(row.provenance.note.is_some(), "{row:?}");
    }
}

#[test]
fn danzhou_minimum_wage_periods() {
    let p = policy();
    assert_eq!(
        p.minimum_wage.on(date(2025, 11, 30)).unwrap().monthly,
        d("1730")
    );
    assert_eq!(
        p.minimum_wage.on(date(2025, 12, 1)).unwrap().monthly,
        d("2250")
    );
    assert_eq!(
        p.minimum_wage
            .on(date(2021, 12, 1))
            .unwrap()
            .provenance
            .grade,
        Grade::A
    );
}

#[test]
fn a_month_using_carried_forward_figures_tells_the_user() {
    let p = policy();
    let m: Month = "2026-02".parse().unwrap();
    let slip = payroll::compute_payslip(
        &p,
        m,
        &month_input(
            employee(
                "A1",
                Position::Agent,
                1,
                payroll::WorkingTimeSystem::Comprehensive,
            ),
            full_month(16),
        ),
    )
    .unwrap();
    let figures: Vec<&str> = slip.notices.iter().map(|n| n.figure.as_str()).collect();
    assert!(figures.contains(&"social insurance base"), "{figures:?}");
    assert!(
        figures.contains(&"Unemployment insurance rate"),
        "{figures:?}"
    );
}

#[test]
fn a_bad_file_is_named_in_the_error() {
    let broken = TEXTS
        .social_insurance
        .replace("employer = \"0.16\"", "employer = \"1.6\"");
    let texts = PolicyTexts {
        social_insurance: &broken,
        ..TEXTS
    };
    let err = payroll::Policy::from_toml_strs(&texts).unwrap_err();
    assert!(
        matches!(
            err,
            PolicyError::Invalid {
                file: "social-insurance.toml",
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("1.6"), "{err}");

    let overlapping = format!(
        "{}\n[[minimum_wage]]\nmonthly = \"1\"\nhourly = \"1\"\neffective_from = \"2026-01-01\"\nsource = \"x\"\ngrade = \"C\"\n",
        TEXTS.minimum_wage
    );
    let err = payroll::MinimumWagePolicy::from_toml_str(&overlapping).unwrap_err();
    assert!(err.to_string().contains("overlap"), "{err}");
}
