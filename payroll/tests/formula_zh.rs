//! Every formula also in Chinese (`formula_zh`): the HR staff read the working on Chinese pages.
//!
//! Every line (and the minimum-wage check, the rating, the disability fund, the cost items and
//! the annual view) must carry a Chinese formula with Chinese text, no English words (only
//! `max`/`min`, see `common::ZH_ALLOWED_WORDS`; a one-off amount's note is the user's own text
//! and is listed here) and exactly the figures of the English one, in the same order. Some
//! Chinese formulas are checked in full; their expected text was written from the figures
//! worked by hand (golden_gross_to_net.rs, golden_contract.rs), not copied from output.

mod common;

use common::*;
use payroll::{
    compute_case, compute_month, compute_payslip, disability_fund, month_cost,
    seat_cost_year_projected, Adjustment, BonusTaxMethod, Case, CaseResult, CompanyFacts,
    CostMonthTotal, IitYearToDate, Kpi, MinimumWagePolicy, Month, PayLine, Payslip, Position,
    WorkingTimeSystem,
};

/// The notes of the example's one-off amounts: the user's text, shown as written.
const EXAMPLE_NOTES: [&str; 1] = ["February canteen card"];

fn m(s: &str) -> Month {
    s.parse().unwrap()
}

fn example() -> Case {
    serde_json::from_str(include_str!(
        "../../data/payroll/examples/case-2026-02.json"
    ))
    .unwrap()
}

/// The example with its contract view (January's total given), so the cost items, the
/// disability fund and the annual view are computed too.
fn example_with_view() -> Case {
    let mut case = example();
    case.contract_view = true;
    case.prior_month_costs = vec![CostMonthTotal {
        month: m("2026-01"),
        seat_labour_cost: d("15000.00"),
    }];
    case
}

fn slip<'a>(r: &'a CaseResult, id: &str) -> &'a Payslip {
    r.payroll
        .payslips
        .iter()
        .find(|p| p.employee_id == id)
        .unwrap()
}

fn zh<'a>(lines: &'a [PayLine], code: &str) -> &'a str {
    &line(lines, code).formula_zh
}

/// (what, English, Chinese) of every formula of a case result.
fn case_formulas(r: &CaseResult) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for p in &r.payroll.payslips {
        out.extend(payslip_formulas(p));
    }
    for a in &r.arrears {
        for l in a
            .arrears
            .earnings
            .iter()
            .chain(&a.arrears.employee_contributions)
            .chain(&a.arrears.employer_contributions)
        {
            out.push((
                format!("arrears {} {}", a.employee_id, l.code),
                l.formula.clone(),
                l.formula_zh.clone(),
            ));
        }
    }
    if let Some(c) = &r.contract_cost {
        for l in &c.items {
            out.push((
                format!("cost {}", l.code),
                l.formula.clone(),
                l.formula_zh.clone(),
            ));
        }
        out.push((
            "disability fund".to_owned(),
            c.disability_fund.formula.clone(),
            c.disability_fund.formula_zh.clone(),
        ));
    }
    if let Some(y) = &r.seat_cost_year {
        out.push((
            "seat cost year".to_owned(),
            y.formula.clone(),
            y.formula_zh.clone(),
        ));
    }
    out
}

#[test]
fn every_formula_of_the_example_case_is_also_in_chinese() {
    let r = compute_case(&policy(), &example_with_view()).unwrap();
    let all = case_formulas(&r);
    for (what, en, zh) in &all {
        assert_zh(what, en, zh, &EXAMPLE_NOTES);
    }
    // The example exercises each kind of line.
    for what in [
        "A001 BASE",
        "A001 POST",
        "A001 ALW_MEAL",
        "A001 PERF",
        "A001 NIGHT",
        "A001 OT150",
        "A001 OT300",
        "A001 ARR_PERF",
        "A001 ARR_HPF_EE",
        "A001 ARR_HPF_ER",
        "A001 SI_PENSION_EE",
        "A001 SI_INJURY_ER",
        "A001 HPF_EE",
        "A001 IIT",
        "A001 minimum wage",
        "D001 OT200",
        "D001 LEAVE_PERSONAL",
        "D001 CANTEEN",
        "T005 BASE",
        "arrears A001 ARR_PERF",
        "cost PHYSICAL_EXAM",
        "cost UNION_FUND",
        "cost MANAGEMENT_FEE",
        "cost OPERATIONS_COST",
        "cost DISABILITY_FUND",
        "disability fund",
        "seat cost year",
    ] {
        assert!(
            all.iter().any(|(w, _, _)| w == what),
            "the example has no {what}"
        );
    }
}

/// Agent A001 of the example, February 2026 (figures of golden_gross_to_net.rs
/// `comprehensive_hours_overtime_february_2026_with_holiday_hours`, plus the 75.00 January
/// performance arrears of golden_contract.rs):
/// - wages 5,539.65 inside the SI band 4,912.80–24,564.00; pension 8% = 443.172 → 443.17.
/// - 120 + 24 = 144 h worked against 8 × 16 = 128 owed → 16 h; monthly wage 2,250 + 450 =
///   2,700.00; 2,700 × 16 × 1.5 ÷ 174 = 372.41; holiday 2,700 × 24 × 3 ÷ 174 = 1,117.24
///   (the factors print as the English formula prints them: 150 ÷ 100 = 1.50, 300 ÷ 100 = 3).
/// - IIT: income 4,000 + 5,539.65 + 75 = 9,614.65; basic 2 months (hired 2024) × 5,000 =
///   10,000; contributions 715.84 + 858.64 + 3.75 = 1,578.23; 9,614.65 − 10,000 − 1,578.23
///   = −1,963.58 → 0; first bracket 3%, quick deduction 0; nothing withheld.
/// - KPI 87 on the four agent weights 0.30, 0.30, 0.25, 0.15 → 87.00 → band 85 → 1.00; 750.00.
/// - 8 night shifts × 50.00 = 400.00.
/// - January performance: approved 750.00 (KPI 87), revised 825.00 (KPI 92 → 1.10): 75.00.
/// - Minimum wage: 2,250 + 450 + 750 = 3,450.00 ≥ 2,250.00 × 16 ÷ 16.
#[test]
fn hand_checked_chinese_formulas_of_agent_a001() {
    let r = compute_case(&policy(), &example()).unwrap();
    let a = slip(&r, "A001");
    assert_eq!(
        zh(&a.employee_contributions, "SI_PENSION_EE"),
        "缴费基数 = 工资 5539.65 限于 下限 4912.80 与 上限 24564.00 之间 = 5539.65；基数 × 0.08 = 443.17"
    );
    assert_eq!(
        zh(&a.earnings, "OT150"),
        "综合计算工时：实际工时 144 (工作日 120 + 休息日 24) − 应出勤工时 128 = 16 小时；\
         月工资 × 小时 × 150% ÷ (21.75 × 8) = 2700.00 × 16 × 1.50 ÷ 174.00 = 372.41"
    );
    assert_eq!(
        zh(&a.earnings, "OT300"),
        "法定节假日加班工时 24 小时；月工资 × 小时 × 300% ÷ (21.75 × 8) = 2700.00 × 24 × 3 ÷ 174.00 = 1117.24"
    );
    assert_eq!(
        zh(&a.income_tax, "IIT"),
        "累计应纳税所得额 = 累计收入 9614.65 − 累计减除费用 10000.00 (2 个月 × 5000.00) − 累计专项扣除 1578.23 \
         − 累计专项附加扣除 0.00 − 累计其他扣除 0.00 = -1963.58 → 0；\
         累计应纳税额 = 0.00 × 税率 0.03 − 速算扣除数 0.00 = 0.00；本月应预扣 = max(0, 0.00 − 已预扣 0.00) = 0.00"
    );
    assert_eq!(
        zh(&a.earnings, "PERF"),
        "综合得分 = 接通率 87 × 0.30 + 满意率 87 × 0.30 + 质检得分 87 × 0.25 + 出勤 87 × 0.15 = 87.00；\
         得分 ≥ 85 档 → 系数 1.00；绩效基数 750.00 × 系数 1.00 = 750.00；绩效基数 × 系数 = 750.00"
    );
    assert_eq!(
        zh(&a.earnings, "NIGHT"),
        "夜班津贴 = 夜班数 × 每班标准 = 8 × 50.00 = 400.00"
    );
    assert_eq!(
        zh(&a.earnings, "ARR_PERF"),
        "应发项目 绩效工资 2026-01 补差：修正后 825.00 − 已批准 750.00 = 75.00"
    );
    assert_eq!(zh(&a.earnings, "ALW_MEAL"), "餐费补贴 = 200.00");
    assert_eq!(
        a.minimum_wage.formula_zh,
        "基本工资 2250.00 + 岗位津贴 450.00 + 绩效工资 750.00 = 3450.00 ≥ 最低工资标准 2250.00 × 16 ÷ 16 = 2250.00"
    );
}

/// Analyst D001 (monthly wage 2,250 + 1,350 = 3,600.00): a quarter day of personal leave,
/// 3,600 × 0.25 ÷ 21.75 = 41.379… → 41.38; 8 rest-day hours none in lieu at 200%:
/// 3,600 × 8 × 2 ÷ 174 = 331.034… → 331.03. Team leader T005, hired 9 February, 11 of 16
/// days: base 2,250 × 11 ÷ 16 = 1,546.875 → 1,546.88.
#[test]
fn hand_checked_chinese_formulas_of_d001_and_t005() {
    let r = compute_case(&policy(), &example()).unwrap();
    let d001 = slip(&r, "D001");
    assert_eq!(
        zh(&d001.earnings, "LEAVE_PERSONAL"),
        "−(月工资 × 事假天数 ÷ 21.75 = 3600.00 × 0.25 ÷ 21.75 = 41.38)"
    );
    assert_eq!(
        zh(&d001.earnings, "OT200"),
        "休息日加班工时 8 − 已安排补休工时 0 = 8 小时；月工资 × 小时 × 200% ÷ (21.75 × 8) = 3600.00 × 8 × 2 ÷ 174.00 = 331.03"
    );
    assert_eq!(
        zh(&d001.other_deductions, "CANTEEN"),
        "录入：February canteen card"
    );
    let t005 = slip(&r, "T005");
    assert_eq!(
        zh(&t005.earnings, "BASE"),
        "基本工资 × 在职应出勤天数 ÷ 当月应出勤天数 = 2250.00 × 11 ÷ 16 = 1546.88"
    );
}

/// Leave, overtime on standard hours, the bonus both ways, one-offs and a capped deduction.
#[test]
fn leave_overtime_bonus_and_one_offs_are_also_in_chinese() {
    let p = policy();
    // Standard hours: owed 8 × (16 − 1 − 2 − 0.5) = 100 h; 120 worked → 20 h at 150%; 16 rest-day
    // hours, 4 in lieu → 12 h at 200%; 8 holiday hours at 300%; personal, sick, absence; a
    // one-off award without a note; a separately taxed bonus and enough income to pay tax.
    let mut ts = full_month(16);
    ts.ordinary_day_hours = d("120");
    ts.rest_day_hours = d("16");
    ts.rest_day_hours_in_lieu = d("4");
    ts.statutory_holiday_hours = d("8");
    ts.leave.personal = d("1");
    ts.leave.sick = d("2");
    ts.absence_days = d("0.5");
    let mut standard = month_input(
        employee("S1", Position::Manager, 1, WorkingTimeSystem::Standard),
        ts,
    );
    standard.other_earnings = vec![Adjustment {
        code: "AWARD".to_owned(),
        label_zh: "季度奖".to_owned(),
        label_en: "Quarter award".to_owned(),
        amount: d("300"),
        note: None,
    }];
    standard.annual_bonus = Some(d("36000"));
    standard.iit_year_to_date = IitYearToDate {
        income: d("30000"),
        employee_contributions: d("1500"),
        tax_withheld: d("300"),
        ..IitYearToDate::default()
    };
    // A merged bonus.
    let mut merged = month_input(
        employee("S2", Position::Agent, 2, WorkingTimeSystem::Comprehensive),
        full_month(16),
    );
    merged.employee.bonus_tax_method = BonusTaxMethod::Merged;
    merged.annual_bonus = Some(d("12000"));
    let feb = compute_month(&p, m("2026-02"), &[standard, merged]).unwrap();
    let s1 = &feb.payslips[0];
    for code in [
        "OT150",
        "OT200",
        "OT300",
        "LEAVE_PERSONAL",
        "LEAVE_SICK",
        "ABSENCE",
        "AWARD",
        "BONUS",
    ] {
        assert!(has_line(&s1.earnings, code), "S1 has no {code}");
    }
    assert!(has_line(&s1.income_tax, "IIT_BONUS"));
    assert!(line(&s1.income_tax, "IIT").amount > d("0"));
    assert_eq!(zh(&s1.earnings, "AWARD"), "录入：一次性款项");
    assert_eq!(zh(&s1.earnings, "BONUS"), "录入：36000.00");
    // Every deduction is capped at the fixed pay left: 22 days of absence in a 22-day month
    // cost 2,700 × 22 ÷ 21.75 = 2,731.03, more than the 2,700.00 of base and post allowance.
    let mut ts = full_month(22);
    ts.ordinary_day_hours = d("0");
    ts.absence_days = d("22");
    let capped = compute_payslip(
        &p,
        m("2026-03"),
        &month_input(
            employee("S3", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
            ts,
        ),
    )
    .unwrap();
    assert_eq!(
        zh(&capped.earnings, "ABSENCE"),
        "−(月工资 × 旷工天数 ÷ 21.75 = 2700.00 × 22 ÷ 21.75 = 2731.03)；以剩余固定工资 2700.00 为限"
    );
    for s in feb.payslips.iter().chain([&capped]) {
        for (what, en, zh) in payslip_formulas(s) {
            assert_zh(&what, &en, &zh, &[]);
        }
    }
}

/// Agent grade 1 (monthly wage 2,700.00), February 2026, 2 days personal and 3 days sick leave
/// (golden_gross_to_net.rs `personal_and_sick_leave`): personal 2,700 × 2 ÷ 21.75 = 248.28;
/// sick: full 2,700 × 3 ÷ 21.75 = 372.41, 80% = 297.93, floor 2,250 × 0.8 × 3 ÷ 21.75 = 248.28,
/// sick pay 297.93, deduction 372.41 − 297.93 = 74.48.
#[test]
fn hand_checked_chinese_leave_formulas() {
    let mut ts = full_month(16);
    ts.leave.personal = d("2");
    ts.leave.sick = d("3");
    let s = compute_payslip(
        &policy(),
        m("2026-02"),
        &month_input(
            employee("L1", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
            ts,
        ),
    )
    .unwrap();
    assert_eq!(
        zh(&s.earnings, "LEAVE_PERSONAL"),
        "−(月工资 × 事假天数 ÷ 21.75 = 2700.00 × 2 ÷ 21.75 = 248.28)"
    );
    assert_eq!(
        zh(&s.earnings, "LEAVE_SICK"),
        "−(日工资 × 病假天数 − 病假工资；病假工资 = max(月工资 2700.00 × 3 ÷ 21.75 × 0.80 = 297.93, \
         最低工资 2250.00 × 0.80 × 3 ÷ 21.75 = 248.28) = 297.93；372.41 − 297.93 = 74.48)"
    );
}

/// With employee contributions deducted before the comparison, an agent on KPI 50
/// (coefficient 0) falls below the minimum: wages 2,250 + 450 + 200 = 2,900; SI at the floor
/// 4,912.80: 393.02 + 98.26 + 24.56 = 515.84; housing fund 2,900 × 5% = 145.00; together
/// 660.84; 2,250 + 450 + 0 − 660.84 = 2,039.16 < 2,250.00.
#[test]
fn hand_checked_minimum_wage_breach_after_contributions() {
    let text = TEXTS.minimum_wage.replacen(
        "deduct_employee_contributions = false",
        "deduct_employee_contributions = true",
        1,
    );
    assert_ne!(text, TEXTS.minimum_wage);
    let mut p = policy();
    p.minimum_wage = MinimumWagePolicy::from_toml_str(&text).unwrap();
    p.refresh_horizon();
    let mut ts = full_month(16);
    ts.kpi = kpi("50");
    let s = compute_payslip(
        &p,
        m("2026-02"),
        &month_input(
            employee("W1", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
            ts,
        ),
    )
    .unwrap();
    assert!(!s.minimum_wage.passed);
    assert_eq!(
        s.minimum_wage.formula_zh,
        "基本工资 2250.00 + 岗位津贴 450.00 + 绩效工资 0.00 − 个人缴纳社保公积金 660.84 = 2039.16 \
         < 最低工资标准 2250.00 × 16 ÷ 16 = 2250.00"
    );
    assert_zh(
        "minimum wage",
        &s.minimum_wage.formula,
        &s.minimum_wage.formula_zh,
        &[],
    );
}

/// The month cost of one agent in June 2026 (golden_contract.rs `month_cost_of_one_agent`):
/// physical exam 1 × 300 ÷ 12 = 25.00; union 4,000 × 2% = 80.00; management 5,337.31 × 3% =
/// 160.12; operations 1 × 150 = 150.00.
#[test]
fn hand_checked_chinese_cost_items() {
    let p = policy();
    let mut ts = full_month(21);
    ts.night_shifts = 7;
    let payroll = compute_month(
        &p,
        m("2026-06"),
        &[month_input(
            employee("A1", Position::Agent, 1, WorkingTimeSystem::Comprehensive),
            ts,
        )],
    )
    .unwrap();
    let c = month_cost(&p.contract_cost, &payroll).unwrap();
    let items: Vec<&str> = c.items.iter().map(|l| l.formula_zh.as_str()).collect();
    assert_eq!(
        items[..4],
        [
            "人数 1 × 每人每年 300.00 ÷ 12 = 25.00",
            "工资总额 4000.00 × 0.02 = 80.00",
            "人员费用 5337.31 × 0.03 = 160.12",
            "人数 1 × 每人每月 150.00 = 150.00",
        ]
    );
    assert_eq!(items[4], c.disability_fund.formula_zh);
    for l in &c.items {
        assert_zh(&l.code, &l.formula, &l.formula_zh, &[]);
    }
}

/// The disability fund (golden_contract.rs): 100 staff, none disabled, average 60,000: 1.500
/// short, 90% payable, 1.5 × 60,000 × 0.9 = 81,000.00, project 81,000 × 0.52 ÷ 12 = 3,510.00;
/// 30 staff are exempt. Each tier's formula is also in Chinese.
#[test]
fn hand_checked_chinese_disability_fund() {
    let rules = policy().contract_cost.disability_fund;
    let on = date(2026, 3, 1);
    let facts = |headcount: u32, disabled: &str, wage: &str| CompanyFacts {
        headcount,
        disabled_staff: d(disabled),
        average_annual_wage: d(wage),
        local_average_annual_wage: d("98256"),
        project_share: d("0.52"),
        note: None,
    };
    let f = disability_fund(&rules, &facts(100, "0", "60000"), on).unwrap();
    assert_eq!(
        f.formula_zh,
        "残疾职工比例 0 ÷ 100 = 0；差额人数 = 100 × 安排比例 0.015 − 已安排 0 = 1.500；\
         年平均工资 = min(本单位 60000.00, 当地社会平均工资 98256.00 × 2) = 60000.00；\
         全年应缴 = 1.500 × 60000.00 × 征收比例 0.90 = 81000.00；项目每月分摊 = 81000.00 × 0.52 ÷ 12 = 3510.00"
    );
    let f = disability_fund(&rules, &facts(30, "0", "60000"), on).unwrap();
    assert_eq!(f.formula_zh, "在职职工人数 30 ≤ 30：小微企业免征，0");
    for (h, dis, wage) in [
        (100, "1", "60000"),
        (100, "2", "60000"),
        (100, "0", "250000"),
        (31, "0", "60000"),
        (30, "0", "60000"),
    ] {
        let f = disability_fund(&rules, &facts(h, dis, wage), on).unwrap();
        assert_zh("disability fund", &f.formula, &f.formula_zh, &[]);
    }
}

/// The compliance year (golden_contract.rs): January 100 and March 120 settled, run rate 120:
/// 220 + 120 × 10 = 1,420.00; margin 1,420 − 1,200 = 220.00.
#[test]
fn hand_checked_chinese_annual_view() {
    let month = |mm: u32, v: &str| CostMonthTotal {
        month: Month::new(2026, mm).unwrap(),
        seat_labour_cost: d(v),
    };
    let y =
        seat_cost_year_projected(d("1200"), &[month(1, "100"), month(3, "120")], d("120")).unwrap();
    assert_eq!(
        y.formula_zh,
        "预计全年 = 实际 220.00 (2 个月) + 月运行成本 120.00 × 预测 10 个月 = 1420.00；差额 = 1420.00 − 年度下限 1200.00 = 220.00"
    );
    assert_zh("annual view", &y.formula, &y.formula_zh, &[]);
}

fn r_of(p: &payroll::Policy) -> payroll::Rating {
    p.performance
        .rate(Position::Agent, &kpi("87"), date(2026, 2, 1))
        .unwrap()
        .unwrap()
}

/// The rating of every position names its KPIs in Chinese.
#[test]
fn ratings_name_the_kpis_in_chinese() {
    let p = policy();
    for position in Position::ALL {
        let r = p
            .performance
            .rate(position, &kpi("90"), date(2026, 2, 1))
            .unwrap()
            .unwrap();
        assert_zh(position.name(), &r.formula, &r.formula_zh, &[]);
        for k in r.scores.keys() {
            assert!(r.formula_zh.contains(k.name_zh()), "{}", r.formula_zh);
        }
    }
    // A rating stored without it still reads.
    let mut json = serde_json::to_value(r_of(&p)).unwrap();
    json.as_object_mut().unwrap().remove("formula_zh").unwrap();
    let old: payroll::Rating = serde_json::from_value(json).unwrap();
    assert!(old.formula_zh.is_empty() && !old.formula.is_empty());
    assert_eq!(
        Kpi::ALL.map(Kpi::name_zh),
        ["接通率", "满意率", "质检得分", "回访及时率", "出勤"]
    );
}

/// Stored runs and hand-written arrears lines from before `formula_zh` still read: it is empty.
#[test]
fn json_without_formula_zh_still_deserialises() {
    let l: PayLine = serde_json::from_str(
        r#"{ "code": "ARR_PERF", "label_zh": "补差", "label_en": "Arrears", "amount": "75.00",
             "formula": "given" }"#,
    )
    .unwrap();
    assert_eq!((l.formula.as_str(), l.formula_zh.as_str()), ("given", ""));
    assert_eq!(l.amount, d("75.00"));

    // A whole result written without any formula_zh (an older stored run) reads back, and
    // equals the result with the Chinese formulas emptied.
    let r = compute_case(&policy(), &example_with_view()).unwrap();
    let mut json = serde_json::to_value(&r).unwrap();
    fn strip(v: &mut serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(o) => {
                let n = usize::from(o.remove("formula_zh").is_some());
                n + o.values_mut().map(strip).sum::<usize>()
            }
            serde_json::Value::Array(a) => a.iter_mut().map(strip).sum(),
            _ => 0,
        }
    }
    assert!(strip(&mut json) > 20);
    let old: CaseResult = serde_json::from_value(json).unwrap();
    let mut expected = r.clone();
    for p in &mut expected.payroll.payslips {
        for l in p
            .earnings
            .iter_mut()
            .chain(&mut p.employee_contributions)
            .chain(&mut p.income_tax)
            .chain(&mut p.other_deductions)
            .chain(&mut p.employer_contributions)
        {
            l.formula_zh.clear();
        }
        p.minimum_wage.formula_zh.clear();
    }
    for a in &mut expected.arrears {
        for l in a
            .arrears
            .earnings
            .iter_mut()
            .chain(&mut a.arrears.employee_contributions)
            .chain(&mut a.arrears.employer_contributions)
        {
            l.formula_zh.clear();
        }
    }
    let c = expected.contract_cost.as_mut().unwrap();
    for l in &mut c.items {
        l.formula_zh.clear();
    }
    c.disability_fund.formula_zh.clear();
    expected.seat_cost_year.as_mut().unwrap().formula_zh.clear();
    assert_eq!(old, expected);
}
