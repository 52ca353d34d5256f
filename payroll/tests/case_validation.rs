//! Bad case input is refused with a precise message (CASE_FORMAT.md, "Validation"): unknown
//! fields, negative amounts, decimals written as JSON numbers, an empty case, missing earlier
//! months of the annual view; a December goal-seek is answered; a month outside the contract
//! year is paid without the contract view; a month past the policy rows names the table.
//!
//! Serde messages end with serde_json's position: the JSON below is laid out one key per line
//! where it matters, so the column is the length of the line up to the end of the offending
//! token.

mod common;

use common::*;
use payroll::{compute_case, Case, CaseResult, GoalSeekOutcome, PayrollError};

/// One agent, February 2026 (16 working days, 128 h). `<EMP>` ends the employee object, `<TS>` the
/// time sheet, `<EM>` the employee month and `<TOP>` the case. Lines: 7 ends with `<EMP>`, 12 with
/// `<TS>`, 13 with `<EM>`, 15 with `<TOP>`.
const BASE: &str = r#"{
"month": "2026-02",
"employees": [
{
"employee": {
"id": "A001", "name": "王芳", "position": "agent", "pay_grade": 1,
"working_time": "comprehensive", "hired_on": "2024-03-01"<EMP>
},
"time_sheet": {
"standard_hours_of_month": "128", "scheduled_working_days_of_month": 16,
"working_days_employed": 16, "ordinary_day_hours": "128",
"kpi": { "answer_rate": "87", "satisfaction": "87", "qa_score": "87", "attendance": "87" }<TS>
}<EM>
}
]<TOP>
}"#;

/// The base case with text inserted at the markers, `(marker, text)`.
fn json(inserts: &[(&str, &str)]) -> String {
    json_in("2026-02", inserts)
}

/// The base case for `month`, with text inserted at the markers.
fn json_in(month: &str, inserts: &[(&str, &str)]) -> String {
    let mut s = BASE.replace("\"2026-02\"", &format!("\"{month}\""));
    for (marker, text) in inserts {
        assert!(s.contains(marker), "{marker}");
        s = s.replace(marker, text);
    }
    for marker in ["<EMP>", "<TS>", "<EM>", "<TOP>"] {
        s = s.replace(marker, "");
    }
    s
}

fn parse(text: &str) -> Result<Case, String> {
    serde_json::from_str::<Case>(text).map_err(|e| e.to_string())
}

fn run(text: &str) -> Result<CaseResult, PayrollError> {
    compute_case(&policy(), &parse(text).expect("the case parses"))
}

fn run_err(text: &str) -> String {
    run(text).expect_err("refused").to_string()
}

#[test]
fn the_base_case_runs() {
    let r = run(&json(&[])).unwrap();
    assert_eq!(r.payroll.payslips.len(), 1);
}

/// Case 1: Unknown fields: `personal_days` is not a field of `leave` (the field is `personal`), so
/// the leave would have been ignored and a full month paid. Every input struct refuses them.
#[test]
fn unknown_fields_are_refused_in_every_input_struct() {
    // Line 13 `"leave": {`, line 14 `"personal_days": "2"`: the key ends at column 15.
    let err = parse(&json(&[(
        "<TS>",
        ",\n\"leave\": {\n\"personal_days\": \"2\"\n}",
    )]))
    .unwrap_err();
    assert_eq!(
        err,
        "unknown field `personal_days`, expected one of `annual`, `marriage`, `bereavement`, \
         `maternity`, `compensatory`, `personal`, `sick` at line 14 column 15"
    );

    let arrears = r#",
"arrears": [{ "source_month": "2026-01", "earnings": [{ "code": "ARR_PERF", "label_zh": "补差",
  "label_en": "Arrears", "amount": "75.00", "formula": "given", "note": "x" }] }]"#;
    let correction = r#",
"corrections": [{ "reason": "x", "month": "2026-01", "approved": {}, "revised": {} }]"#;
    for (inserts, field) in [
        (vec![("<TOP>", ",\n\"prior_months\": []")], "prior_months"),
        (vec![("<EMP>", ",\n\"contribution_bases\": \"4000\"")], "contribution_bases"),
        (vec![("<EMP>", ",\n\"iit\": { \"special_deduction\": \"1000\" }")], "special_deduction"),
        (vec![("<TS>", ",\n\"night_shift\": 3")], "night_shift"),
        (vec![("<EM>", ",\n\"bonus\": \"1000\"")], "bonus"),
        (vec![("<EM>", ",\n\"iit_year_to_date\": { \"tax_paid\": \"10\" }")], "tax_paid"),
        (
            vec![(
                "<EM>",
                ",\n\"other_earnings\": [{ \"code\": \"X\", \"label_zh\": \"奖\", \"label_en\": \"Award\", \"amount\": \"1\", \"memo\": \"x\" }]",
            )],
            "memo",
        ),
        (vec![("<EM>", arrears)], "note"),
        (vec![("<TOP>", correction)], "reason"),
        (
            vec![(
                "<TOP>",
                ",\n\"prior_month_costs\": [{ \"month\": \"2026-01\", \"seat_labour_cost\": \"1\", \"cost\": \"1\" }]",
            )],
            "cost",
        ),
    ] {
        let err = parse(&json(&inserts)).unwrap_err();
        assert!(
            err.starts_with(&format!("unknown field `{field}`, expected")),
            "{field}: {err}"
        );
    }
}

/// Case 2: Negative inputs the law does not allow: the special additional deductions are amounts
/// claimed (个人所得税专项附加扣除暂行办法), the year-to-date figures are sums of income, deductions
/// and tax withheld, the declared base and the bonus are amounts paid; hours and days are
/// counted. An arrears line is a difference and may be negative (a recovery).
#[test]
fn negative_amounts_hours_and_days_are_refused_naming_employee_and_field() {
    for (inserts, message) in [
        (
            vec![("<EMP>", ",\n\"iit\": { \"special_deductions_monthly\": \"-5000\" }")],
            "employee A001, 2026-02: field `employee.iit.special_deductions_monthly`: -5000 is \
             negative; it must be 0 or more",
        ),
        (
            vec![("<EMP>", ",\n\"contribution_base\": \"-4912.80\"")],
            "employee A001, 2026-02: field `employee.contribution_base`: -4912.80 is negative; \
             it must be 0 or more",
        ),
        (
            vec![("<EM>", ",\n\"annual_bonus\": \"-1000\"")],
            "employee A001, 2026-02: field `annual_bonus`: -1000 is negative; it must be 0 or more",
        ),
        (
            vec![(
                "<EM>",
                ",\n\"iit_year_to_date\": { \"income\": \"4000\", \"tax_withheld\": \"-30\" }",
            )],
            "employee A001, 2026-02: field `iit_year_to_date.tax_withheld`: -30 is negative; it \
             must be 0 or more",
        ),
        (
            vec![(
                "<EM>",
                ",\n\"other_deductions\": [{ \"code\": \"CANTEEN\", \"label_zh\": \"餐费\", \"label_en\": \"Canteen\", \"amount\": \"-120\" }]",
            )],
            "employee A001, 2026-02: field `other_deductions`: CANTEEN amount -120 is negative; \
             give it as 0 or more (an earning that takes pay away is an other_deduction, and \
             the reverse)",
        ),
        (
            vec![("<TS>", ",\n\"rest_day_hours\": \"-8\"")],
            "employee A001, 2026-02: field `rest_day_hours`: -8 is negative",
        ),
        (
            vec![("<TS>", ",\n\"leave\": { \"sick\": \"-1\" }")],
            "employee A001, 2026-02: field `leave.sick`: -1 is negative",
        ),
    ] {
        assert_eq!(run_err(&json(&inserts)), message);
    }

    // The inputs of a correction are checked for the correction's month.
    let correction = json_in("2026-01", &[]);
    let approved: serde_json::Value = serde_json::from_str(&correction).unwrap();
    let employee = approved["employees"][0].to_string();
    let revised = employee.replace("\"87\"", "\"92\"").replace(
        "\"hired_on\":\"2024-03-01\"",
        "\"hired_on\":\"2024-03-01\",\"iit\":{\"other_deductions_monthly\":\"-200\"}",
    );
    let with_correction = json(&[(
        "<TOP>",
        &format!(",\n\"corrections\": [{{ \"month\": \"2026-01\", \"approved\": {employee}, \"revised\": {revised} }}]"),
    )]);
    assert_eq!(
        run_err(&with_correction),
        "employee A001, 2026-01: field `employee.iit.other_deductions_monthly`: -200 is \
         negative; it must be 0 or more"
    );

    // A negative arrears line (a recovery of 75.00) is accepted and lowers gross by 75.00.
    let plain = run(&json(&[])).unwrap();
    let recovered = run(&json(&[(
        "<EM>",
        r#",
"arrears": [{ "source_month": "2026-01", "earnings": [{ "code": "ARR_PERF", "label_zh": "补差",
  "label_en": "Arrears", "amount": "-75.00", "formula": "recovery" }] }]"#,
    )]))
    .unwrap();
    assert_eq!(
        recovered.payroll.totals.gross,
        plain.payroll.totals.gross - d("75.00")
    );
}

/// Case 3: Money (and every decimal) is a JSON string; a JSON number would pass through a float.
/// Whole counts (working days, night shifts, pay grade) stay JSON integers.
#[test]
fn decimals_written_as_json_numbers_are_refused_with_how_to_write_them() {
    // Line 14 `"annual_bonus": 5000.5` ends at column 22.
    assert_eq!(
        parse(&json(&[("<EM>", ",\n\"annual_bonus\": 5000.5")])).unwrap_err(),
        "annual_bonus: write the decimal as a JSON string (\"5000.5\"), not the number 5000.5 \
         at line 14 column 22"
    );
    // An integer is a number too. Line 8 `"iit": { "special_deductions_monthly": 2000 }`:
    // 9 + 28 + 2 + 4 = column 43.
    assert_eq!(
        parse(&json(&[(
            "<EMP>",
            ",\n\"iit\": { \"special_deductions_monthly\": 2000 }"
        )]))
        .unwrap_err(),
        "employee.iit.special_deductions_monthly: write the decimal as a JSON string \
         (\"2000\"), not the number 2000 at line 8 column 43"
    );
    // A score: line 12 `"kpi": { "answer_rate": 87`: 9 + 13 + 2 + 2 = column 26.
    assert_eq!(
        parse(&json(&[]).replace("\"answer_rate\": \"87\"", "\"answer_rate\": 87")).unwrap_err(),
        "time_sheet.kpi: write the decimal as a JSON string (\"87\"), not the number 87 at \
         line 12 column 26"
    );
    // Hours: line 10 `"standard_hours_of_month": 128`: 25 + 2 + 3 = column 30.
    assert_eq!(
        parse(&json(&[]).replace(
            "\"standard_hours_of_month\": \"128\"",
            "\"standard_hours_of_month\": 128"
        ))
        .unwrap_err(),
        "time_sheet.standard_hours_of_month: write the decimal as a JSON string (\"128\"), not \
         the number 128 at line 10 column 30"
    );
    // A string that is not a decimal: line 14 `"annual_bonus": "5,000"` ends at column 23.
    assert_eq!(
        parse(&json(&[("<EM>", ",\n\"annual_bonus\": \"5,000\"")])).unwrap_err(),
        "annual_bonus: \"5,000\" is not a decimal number at line 14 column 23"
    );
    // Strings are read exactly; null is an absent optional amount.
    let c = parse(&json(&[
        ("<EMP>", ",\n\"contribution_base\": null"),
        ("<EM>", ",\n\"annual_bonus\": \"4500.10\""),
    ]))
    .unwrap();
    assert_eq!(c.employees[0].annual_bonus, Some(d("4500.10")));
    assert_eq!(c.employees[0].employee.contribution_base, None);
    assert_eq!(
        c.employees[0].time_sheet.scheduled_working_days_of_month,
        16
    );
}

/// Case 4: A case without employees has no payroll and no seat cost.
#[test]
fn a_case_without_employees_is_refused() {
    assert_eq!(
        run_err(r#"{ "month": "2026-02", "employees": [] }"#),
        "case 2026-02: `employees` is empty; a case pays at least one employee"
    );
}

/// Case 5: The annual view of April needs January to March; February missing would count as 0.
#[test]
fn missing_earlier_months_of_the_year_are_named() {
    let totals = |months: &[&str]| {
        months
            .iter()
            .map(|m| format!("{{ \"month\": \"{m}\", \"seat_labour_cost\": \"8970.05\" }}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let case = |top: String| json_in("2026-04", &[("<TOP>", &top)]);
    assert_eq!(
        run_err(&case(format!(
            ",\n\"contract_view\": true,\n\"prior_month_costs\": [{}]",
            totals(&["2026-01", "2026-03"])
        ))),
        "annual view of 2026-04: `prior_month_costs` has no seat labour cost for 2026-02; give \
         every earlier month of 2026 (a missing month is not counted as 0)"
    );
    // The goal-seek needs them too; none given.
    assert_eq!(
        run_err(&case(",\n\"goal_seek\": \"base_wage\"".to_owned())),
        "annual view of 2026-04: `prior_month_costs` has no seat labour cost for 2026-01, \
         2026-02, 2026-03; give every earlier month of 2026 (a missing month is not counted as 0)"
    );
    // A month of another year, or the case month itself, is named.
    assert_eq!(
        run_err(&case(format!(
            ",\n\"prior_month_costs\": [{}]",
            totals(&["2025-12", "2026-01", "2026-02", "2026-03"])
        ))),
        "seat labour cost for 2026: month 2025-12 is of another year than the case month 2026-04"
    );
    assert_eq!(
        run_err(&case(format!(
            ",\n\"prior_month_costs\": [{}]",
            totals(&["2026-01", "2026-02", "2026-03", "2026-04"])
        ))),
        "seat labour cost for 2026: month 2026-04 is not before the case month 2026-04"
    );
    // All three: the view is computed.
    let r = run(&case(format!(
        ",\n\"prior_month_costs\": [{}]",
        totals(&["2026-01", "2026-02", "2026-03"])
    )))
    .unwrap();
    assert_eq!(r.seat_cost_year.unwrap().months.len(), 4);
    // Without the contract view no earlier month is needed.
    assert!(run(&case(String::new())).unwrap().seat_cost_year.is_none());
}

/// Case 6: December: no month is left to raise. The agent of golden_contract.rs (21 days, 168 h,
/// 7 night shifts, KPI 87: gross 4,000) costs 8,970.05 a month in 2026 (worked there for June;
/// December has the same rates, bases and items). January–November at 8,970.05 each:
/// year = 12 × 8,970.05 = 107,640.60; floor 3,939,313.45; short by 3,831,672.85.
#[test]
fn a_december_goal_seek_is_answered_not_an_error() {
    let prior = (1..=11)
        .map(|m| format!("{{ \"month\": \"2026-{m:02}\", \"seat_labour_cost\": \"8970.05\" }}"))
        .collect::<Vec<_>>()
        .join(", ");
    let december = json_in(
        "2026-12",
        &[
            ("<TS>", ",\n\"night_shifts\": 7"),
            (
                "<TOP>",
                &format!(",\n\"prior_month_costs\": [{prior}],\n\"goal_seek\": \"base_wage\""),
            ),
        ],
    )
    .replace(
        "\"standard_hours_of_month\": \"128\", \"scheduled_working_days_of_month\": 16,",
        "\"standard_hours_of_month\": \"168\", \"scheduled_working_days_of_month\": 21,",
    )
    .replace(
        "\"working_days_employed\": 16, \"ordinary_day_hours\": \"128\",",
        "\"working_days_employed\": 21, \"ordinary_day_hours\": \"168\",",
    );
    let r = run(&december).unwrap();
    assert_eq!(r.payroll.totals.gross, d("4000.00"));
    assert_eq!(r.contract_cost.unwrap().seat_labour_cost, d("8970.05"));
    let year = r.seat_cost_year.unwrap();
    assert_eq!(
        (year.projected_year, year.margin, year.remaining_months),
        (d("107640.60"), d("-3831672.85"), 0)
    );
    let g = r.goal_seek.unwrap();
    assert_eq!(g.outcome, GoalSeekOutcome::NoMonthsRemaining);
    assert_eq!(
        (g.increase_per_head_month, g.months_applied, g.applies_from),
        (d("0"), 0, None)
    );
    assert_eq!(
        g.note,
        "2026-12 is the last month of the contract year 2026: no month remains to carry an \
         increase; the projected year 107640.60 stays 3831672.85 short of the floor 3939313.45"
    );
}

/// Case 7: December 2025 lies outside the contract year 2026 (floor row 2026-01-01..2026-12-31):
/// paid without the contract view; asked for, the floor is missing and named.
#[test]
fn a_month_outside_the_contract_year_is_paid_without_the_contract_view() {
    let dec_2025 = json_in("2025-12", &[]);
    let r = run(&dec_2025).unwrap();
    assert_eq!(r.payroll.payslips.len(), 1);
    assert!(r.contract_cost.is_none() && r.seat_cost_year.is_none() && r.goal_seek.is_none());

    let prior = (1..=11)
        .map(|m| format!("{{ \"month\": \"2025-{m:02}\", \"seat_labour_cost\": \"8000.00\" }}"))
        .collect::<Vec<_>>()
        .join(", ");
    let asked = json_in(
        "2025-12",
        &[(
            "<TOP>",
            &format!(",\n\"contract_view\": true,\n\"prior_month_costs\": [{prior}]"),
        )],
    );
    assert_eq!(
        run_err(&asked),
        "no seat labour cost floor is in force on 2025-12-01 (contract-cost.toml: the first \
         row starts 2026-01-01); add an effective-dated row to data/payroll"
    );
}

/// Case 8: The policy data reaches 2027-12-31: the latest date any row mentions is 2027-12-31
/// (`effective_to` of the bonus tax table in iit.toml and of the disability fund rule in
/// contract-cost.toml; the 2027 social-insurance rate row starts 2027-01-01), and it is already
/// the end of its year. Open-ended rows run to it, so January 2027 is paid on the 2026 base band,
/// carried forward from 2025 (floor 4,912.80; A001's wages are below it) and still noticed as
/// carried forward. January 2028 and 2030 are past the horizon: the first figure looked up, the
/// pay rules of pay-structure.toml, is refused naming the table and the horizon.
#[test]
fn a_month_past_the_policy_rows_is_refused_naming_the_table() {
    let p = policy();
    assert_eq!(p.horizon(), Some(date(2027, 12, 31)));

    let r = run(&json_in("2027-01", &[])).unwrap();
    let slip = &r.payroll.payslips[0];
    assert_eq!(slip.social_insurance_base, d("4912.80"));
    let base = p.social_insurance.base_on(date(2027, 1, 1)).unwrap();
    assert_eq!(base.provenance.effective_from, date(2026, 1, 1));
    assert!(base.provenance.carried_forward);
    let notice = slip
        .notices
        .iter()
        .find(|n| n.figure == "social insurance base")
        .expect("the carried-forward base is noticed");
    assert!(
        notice.note.starts_with(
            "UNKNOWN for this period; last known figure carried forward: The 2026 Hainan base band"
        ),
        "{notice:?}"
    );
    assert!(run(&json_in("2027-12", &[])).is_ok());

    for month in ["2028-01", "2030-01"] {
        assert_eq!(
            run_err(&json_in(month, &[])),
            format!(
                "employee A001, {month}: no pay-rule set is in force on {month}-01 \
                 (pay-structure.toml [[rules]]: the policy data reaches 2027-12-31); add an \
                 effective-dated row to data/payroll"
            )
        );
    }
    assert_eq!(
        p.social_insurance
            .base_on(date(2030, 1, 1))
            .unwrap_err()
            .to_string(),
        "no social insurance base is in force on 2030-01-01 (social-insurance.toml [[base]]: \
         the policy data reaches 2027-12-31); add an effective-dated row to data/payroll"
    );
}
