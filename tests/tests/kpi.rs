//! Performance evaluation with evidence: the hand-worked case of three agents from the
//! fixture files made by `tests/fixtures/kpi/make_fixtures.py`, the broken-file corpus, and
//! the evidence stored, adjusted and evaluated through the binary.

mod common;

use std::collections::BTreeMap;

use api::excel::kpi_import::{parse, KpiFile};
use api::excel::rows::StaffEntry;
use api::kpi::{evaluate, Adjustment, Evaluation, Evidence, Person};
use common::{root, run};
use payroll::Kpi;
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn staff() -> Vec<StaffEntry> {
    api::reference::load_site(&root().join("data/demo"))
        .unwrap()
        .employees
        .iter()
        .map(|e| StaffEntry {
            id: e.id.clone(),
            name: e.name.clone(),
            ..StaffEntry::default()
        })
        .collect()
}

fn read(name: &str) -> KpiFile {
    let path = root().join("tests/fixtures/kpi").join(name);
    let bytes = std::fs::read(&path).unwrap();
    parse(&bytes, name, &staff(), 2026, 3).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn evidence() -> Evidence {
    let mut ev = Evidence::default();
    match read("good/agent-report-2026-03.xlsx") {
        KpiFile::AgentReport(v) => ev.agent_months = v,
        other => panic!("{other:?}"),
    }
    match read("good/qa-2026-03.xlsx") {
        KpiFile::QaSheets(v) => ev.qa = v,
        other => panic!("{other:?}"),
    }
    match read("good/feedback-2026-03.xlsx") {
        KpiFile::Feedback(v) => ev.feedback = v,
        other => panic!("{other:?}"),
    }
    ev.adjustments.push(Adjustment {
        employee: "A007".into(),
        kpi: Kpi::QaScore,
        points: dec("3"),
        reason: "质检员另抽听 2 通，服务优秀".into(),
        by: "王海燕".into(),
        at: "2026-04-02T09:00:00Z".into(),
    });
    ev
}

fn evaluations(attendance: &[(&str, u32)]) -> Vec<Evaluation> {
    let site = api::reference::load_site(&root().join("data/demo")).unwrap();
    let att: BTreeMap<String, u32> = attendance
        .iter()
        .map(|(id, k)| (id.to_string(), *k))
        .collect();
    let three: Vec<scheduler::Employee> = site
        .employees
        .iter()
        .filter(|e| ["A005", "A006", "A007"].contains(&e.id.as_str()))
        .cloned()
        .collect();
    let people: Vec<Person> = api::month::kpi::people(&three, &att).unwrap();
    let policy = api::reference::load_payroll_policy(&root().join("data")).unwrap();
    let scoring = api::reference::load_kpi_scoring(&root().join("data")).unwrap();
    evaluate(
        &people,
        &evidence(),
        &scoring,
        &policy.performance,
        "2026-03-01".parse().unwrap(),
    )
    .unwrap()
}

fn score(e: &Evaluation, k: Kpi) -> Decimal {
    e.kpis.iter().find(|f| f.kpi == k).unwrap().score
}

/// Hand-worked (agent weights: answer rate 0.30, satisfaction 0.30, QA 0.25, attendance 0.15;
/// scoring: answer rate 100 at 95 %, 0 at 75 % → 5 points a percent; satisfaction 100 at 98 %,
/// 0 at 80 % → 100/18 a percent; +2 a commendation, at most +6; −5 a verified complaint;
/// bands ≥ 95 → 1.20, ≥ 90 → 1.10, ≥ 85 → 1.00, ≥ 80 → 0.90, ≥ 70 → 0.80, ≥ 60 → 0.60).
///
/// A005 (grade 3, performance base 950.00), attendance 100:
///   answer 93.0 → 5 × 18 = 90.00; satisfaction 96.2 → 16.2 × 100/18 = 90.00, +2 (one
///   commendation) = 92.00; QA 88, 92, 90, 94 → 91.00;
///   composite 27 + 27.6 + 22.75 + 15 = 92.35 → 1.10 → performance pay 950 × 1.10 = 1045.00.
/// A006 (grade 1, base 750.00), attendance 90:
///   answer 88.5 → 67.50; satisfaction 0.9 (a percent cell) = 90 % → 10 × 100/18 = 55.555… →
///   55.56, −5 (one verified complaint; the unverified one counts nothing) = 50.56;
///   QA 80, 85, 78 → 81.00 (three sheets: flagged, fewer than four);
///   composite 20.25 + 15.168 + 20.25 + 13.5 = 69.168 → 0.60 → 750 × 0.60 = 450.00.
/// A007 (grade 2, base 850.00), attendance 100:
///   answer "97.1%" → above 95 → 100; satisfaction 97.1 → 17.1 × 100/18 = 95.00, +8 from
///   four commendations capped at +6 → 101 → 100 (clamped); QA: no sheet → 85 (flagged),
///   manager's adjustment +3 with its reason → 88;
///   composite 30 + 30 + 22 + 15 = 97 → 1.20 → 850 × 1.20 = 1020.00.
#[test]
fn three_agents_scores_coefficients_and_performance_pay_by_hand() {
    let evals = evaluations(&[("A005", 100), ("A006", 90), ("A007", 100)]);
    let by: BTreeMap<&str, &Evaluation> = evals.iter().map(|e| (e.employee.as_str(), e)).collect();

    let a5 = by["A005"];
    assert_eq!(score(a5, Kpi::AnswerRate), dec("90.00"));
    assert_eq!(score(a5, Kpi::Satisfaction), dec("92.00"));
    assert_eq!(score(a5, Kpi::QaScore), dec("91.00"));
    assert_eq!(score(a5, Kpi::Attendance), dec("100"));
    assert_eq!(a5.composite, dec("92.35"));
    assert_eq!(a5.coefficient, dec("1.10"));

    let a6 = by["A006"];
    assert_eq!(score(a6, Kpi::AnswerRate), dec("67.50"));
    assert_eq!(score(a6, Kpi::Satisfaction), dec("50.56"));
    assert_eq!(score(a6, Kpi::QaScore), dec("81.00"));
    assert_eq!(a6.composite, dec("69.168"));
    assert_eq!(a6.coefficient, dec("0.60"));
    let qa6 = a6.kpis.iter().find(|f| f.kpi == Kpi::QaScore).unwrap();
    assert_eq!(qa6.flags.len(), 1, "three sheets, fewer than four");
    assert_eq!(qa6.evidence.len(), 3, "one line per QA sheet");
    let sat6 = a6.kpis.iter().find(|f| f.kpi == Kpi::Satisfaction).unwrap();
    assert!(sat6.evidence.iter().any(|e| e.contains("投诉属实")));
    assert!(sat6.evidence.iter().any(|e| e.contains("投诉不属实")));

    let a7 = by["A007"];
    assert_eq!(score(a7, Kpi::AnswerRate), dec("100"));
    assert_eq!(score(a7, Kpi::Satisfaction), dec("100"));
    assert_eq!(score(a7, Kpi::QaScore), dec("88"));
    assert_eq!(a7.composite, dec("97.00"));
    assert_eq!(a7.coefficient, dec("1.20"));
    let qa7 = a7.kpis.iter().find(|f| f.kpi == Kpi::QaScore).unwrap();
    assert!(qa7.flags[0].contains("无考核依据"));
    assert!(
        qa7.evidence[0].contains("质检员另抽听"),
        "{:?}",
        qa7.evidence
    );

    // Performance pay through payroll, a full March (22 working days), to the fen.
    let policy = api::reference::load_payroll_policy(&root().join("data")).unwrap();
    let site = api::reference::load_site(&root().join("data/demo")).unwrap();
    for (id, expected) in [("A005", "1045.00"), ("A006", "450.00"), ("A007", "1020.00")] {
        let e = site.employees.iter().find(|e| e.id == id).unwrap();
        let employee = api::timesheet::payroll_employee(e, "2026-01-01".parse().unwrap()).unwrap();
        let input = payroll::EmployeeMonth {
            employee,
            time_sheet: payroll::TimeSheet {
                standard_hours_of_month: dec("176"),
                scheduled_working_days_of_month: 22,
                working_days_employed: 22,
                ordinary_day_hours: dec("176"),
                rest_day_hours: Decimal::ZERO,
                rest_day_hours_in_lieu: Decimal::ZERO,
                statutory_holiday_hours: Decimal::ZERO,
                night_shifts: 0,
                leave: Default::default(),
                absence_days: Decimal::ZERO,
                kpi: by[id].scores(),
            },
            iit_year_to_date: Default::default(),
            annual_bonus: None,
            other_earnings: vec![],
            other_deductions: vec![],
            arrears: vec![],
        };
        let slip = payroll::compute_payslip(&policy, "2026-03".parse().unwrap(), &input).unwrap();
        let perf = slip.earnings.iter().find(|l| l.code == "PERF").unwrap();
        assert_eq!(perf.amount, dec(expected), "{id}");
    }
}

#[test]
fn broken_kpi_files_each_name_their_problem() {
    let cases: &[(&str, &[&str])] = &[
        (
            "01-unknown-employee.xlsx",
            &["row 4, column A (工号)", "\"X999\""],
        ),
        (
            "02-percent-above-100.xlsx",
            &["row 3, column D (接通率)", "0 to 100", "193"],
        ),
        (
            "03-text-in-number.xlsx",
            &["row 3, column C (接听量)", "\"一千\""],
        ),
        (
            "04-duplicate-person.xlsx",
            &["row 4", "duplicate row (also row 3)"],
        ),
        (
            "05-more-on-time-than-due.xlsx",
            &["column G (按时回访数)", "at most the callbacks due (12)"],
        ),
        (
            "06-qa-total-not-sum.xlsx",
            &["column I (总分)", "sum of the item scores (88)", "99"],
        ),
        (
            "07-qa-duplicate-recording.xlsx",
            &["row 4, column A (录音编号)", "also row 3"],
        ),
        (
            "08-qa-date-outside-month.xlsx",
            &["column B (日期)", "2026-04-02 (date outside the month)"],
        ),
        (
            "09-feedback-unknown-type.xlsx",
            &["column D (类型)", "\"建议\""],
        ),
        (
            "10-feedback-bad-verified.xlsx",
            &["column E (是否属实)", "\"待查\""],
        ),
    ];
    for (file, needles) in cases {
        let path = root().join("tests/fixtures/kpi/broken").join(file);
        let bytes = std::fs::read(&path).unwrap();
        let err = parse(&bytes, file, &staff(), 2026, 3)
            .expect_err(file)
            .to_string();
        for n in *needles {
            assert!(err.contains(n), "{file}: `{n}` not in\n{err}");
        }
    }
}

/// Through the binary: three imports and an adjustment stored, a broken file storing nothing,
/// an adjustment without a reason refused, and the evaluation giving the hand-worked
/// coefficients (attendance: none stored, so the attendance KPI has no evidence and scores
/// 85 for everyone: A005 27 + 27.6 + 22.75 + 12.75 = 90.10 → 1.10; A006 20.25 + 15.168 +
/// 20.25 + 12.75 = 68.418 → 0.60; A007 30 + 30 + 22 + 12.75 = 94.75 → 1.10).
#[test]
fn evidence_stored_adjusted_and_evaluated_through_the_binary() {
    let dir = std::env::temp_dir().join(format!("hw-kpi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("w.db").display());
    let fixture = |n: &str| {
        root()
            .join("tests/fixtures/kpi")
            .join(n)
            .display()
            .to_string()
    };
    for f in [
        "good/agent-report-2026-03.xlsx",
        "good/qa-2026-03.xlsx",
        "good/feedback-2026-03.xlsx",
    ] {
        let (code, out) = run(&[
            "kpi",
            "import",
            &fixture(f),
            "--month",
            "2026-03",
            "--db",
            &db,
        ]);
        assert_eq!(code, 0, "{out}");
    }
    let (code, out) = run(&[
        "kpi",
        "import",
        &fixture("broken/06-qa-total-not-sum.xlsx"),
        "--month",
        "2026-03",
        "--db",
        &db,
    ]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = run(&[
        "kpi",
        "adjust",
        "--month",
        "2026-03",
        "--employee",
        "A007",
        "--kpi",
        "qa_score",
        "--points",
        "3",
        "--reason",
        " ",
        "--by",
        "王海燕",
        "--db",
        &db,
    ]);
    assert_eq!(code, 2, "an adjustment needs a reason: {out}");
    let (code, out) = run(&[
        "kpi",
        "adjust",
        "--month",
        "2026-03",
        "--employee",
        "A007",
        "--kpi",
        "qa_score",
        "--points",
        "3",
        "--reason",
        "质检员另抽听 2 通，服务优秀",
        "--by",
        "王海燕",
        "--db",
        &db,
    ]);
    assert_eq!(code, 0, "{out}");
    let json = dir.join("eval.json");
    let xlsx = dir.join("eval.xlsx");
    let (code, out) = run(&[
        "kpi",
        "evaluate",
        "--month",
        "2026-03",
        "--db",
        &db,
        "--employee",
        "A007",
        "--json",
        json.to_str().unwrap(),
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("质检员另抽听"), "{out}");
    let evals: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let num = |v: &serde_json::Value| dec(v.as_str().unwrap());
    let get = |id: &str| evals.iter().find(|e| e["employee"] == id).unwrap().clone();
    assert_eq!(num(&get("A005")["composite"]), dec("90.1000"));
    assert_eq!(num(&get("A005")["coefficient"]), dec("1.10"));
    assert_eq!(num(&get("A006")["composite"]), dec("68.4180"));
    assert_eq!(num(&get("A006")["coefficient"]), dec("0.60"));
    assert_eq!(num(&get("A007")["composite"]), dec("94.7500"));
    assert_eq!(num(&get("A007")["coefficient"]), dec("1.10"));
    // QA sheets of the broken file were not stored: A005 still has exactly four.
    let qa5 = get("A005")["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi"] == "qa_score")
        .unwrap()
        .clone();
    assert_eq!(qa5["evidence"].as_array().unwrap().len(), 4);

    // The workbook: 绩效汇总 row of A006 carries the composite and coefficient read back.
    let sheets = api::excel::table::read_all(&std::fs::read(&xlsx).unwrap()).unwrap();
    assert_eq!(
        sheets.iter().map(|t| t.sheet.as_str()).collect::<Vec<_>>(),
        ["绩效汇总", "考核明细", "考核依据"]
    );
    let row = sheets[0]
        .rows
        .iter()
        .find(|(_, c)| c.first() == Some(&api::excel::table::Cell::Text("A006".into())))
        .unwrap();
    let api::excel::table::Cell::Number(composite) = row.1[8] else {
        panic!("{:?}", row.1[8]);
    };
    assert!((composite - 68.418).abs() < 1e-9);
    let api::excel::table::Cell::Number(coefficient) = row.1[9] else {
        panic!("{:?}", row.1[9]);
    };
    assert!((coefficient - 0.6).abs() < 1e-9);
    let evidence_rows = sheets[2].rows.len() - 1;
    let evidence_lines: usize = evals
        .iter()
        .flat_map(|e| e["kpis"].as_array().unwrap().iter())
        .map(|k| k["evidence"].as_array().unwrap().len())
        .sum();
    assert_eq!(evidence_rows, evidence_lines);
    let _ = std::fs::remove_dir_all(&dir);
}
