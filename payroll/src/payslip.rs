//! One employee's month (工资条) and a whole month's payroll (工资表): gross to net.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::arrears::Arrears;
use crate::base_pay::{fixed_pay_lines, prorate};
use crate::dated::{Notice, Notices};
use crate::employee::{Employee, Position};
use crate::error::PayrollError;
use crate::housing_fund::fund_lines;
use crate::iit::{withhold, IitInput, IitResult, IitYearToDate};
use crate::leave::leave_lines;
use crate::line::{sum, PayLine};
use crate::minimum_wage::{check as minimum_wage_check, MinimumWageCheck};
use crate::money::{fmt2, round_fen, Money};
use crate::month::Month;
use crate::night::night_line;
use crate::overtime::overtime_lines;
use crate::policy::Policy;
use crate::social_insurance::insurance_lines;
use crate::time_sheet::TimeSheet;

/// A one-off amount added to gross or deducted after tax.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// Line code.
    pub code: String,
    /// Chinese label.
    pub label_zh: String,
    /// English label.
    pub label_en: String,
    /// Amount, 0 or more (rounded to the fen on the line).
    #[serde(deserialize_with = "crate::money::strict::adjustment_amount")]
    pub amount: Money,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

impl Adjustment {
    fn line(&self, sign: Decimal) -> PayLine {
        PayLine::new(
            &self.code,
            &self.label_zh,
            &self.label_en,
            round_fen(self.amount) * sign,
            format!(
                "given: {}",
                self.note.as_deref().unwrap_or("one-off amount")
            ),
            // The note is the user's own text, shown as written.
            format!("录入：{}", self.note.as_deref().unwrap_or("一次性款项")),
        )
    }
}

/// Everything needed to pay one employee for one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmployeeMonth {
    /// Master data.
    pub employee: Employee,
    /// Attendance and KPI scores.
    pub time_sheet: TimeSheet,
    /// Cumulative tax figures of the year before this month.
    #[serde(default)]
    pub iit_year_to_date: IitYearToDate,
    /// Annual one-off bonus paid this month, if any.
    #[serde(default, deserialize_with = "crate::money::strict::annual_bonus")]
    pub annual_bonus: Option<Money>,
    /// Other taxable earnings (one-off awards), added to gross.
    #[serde(default)]
    pub other_earnings: Vec<Adjustment>,
    /// Deductions after tax (其他扣款), e.g. a recovered advance.
    #[serde(default)]
    pub other_deductions: Vec<Adjustment>,
    /// Differences from re-computed approved past months, paid this month.
    #[serde(default)]
    pub arrears: Vec<Arrears>,
}

impl EmployeeMonth {
    /// Checks the inputs for `month` before anything is computed: the time sheet (hours, days
    /// and leave not negative, consistent with the month, KPI 0–100), the employment dates, and
    /// every amount the law or the format does not allow below 0 — the declared contribution
    /// base and housing-fund rate, the monthly special additional and other deductions
    /// (专项附加扣除, 其他扣除: amounts claimed), the year-to-date tax figures (sums of such
    /// amounts and of tax withheld), the annual bonus and the one-off earnings and deductions
    /// (given as positive amounts, their side says the sign). Arrears lines are differences and
    /// may be negative (a recovery).
    ///
    /// # Errors
    /// [`PayrollError::Input`] naming the employee, the month, the field and the value.
    pub fn validate(&self, month: Month) -> Result<(), PayrollError> {
        let e = &self.employee;
        let bad = |field: &'static str, message: String| PayrollError::Input {
            employee: e.id.clone(),
            month,
            field,
            message,
        };
        self.time_sheet.check().map_err(|(f, m)| bad(f, m))?;
        if Month::of(e.hired_on) > month {
            return Err(bad(
                "hired_on",
                format!("{} is after the payroll month", e.hired_on),
            ));
        }
        if let Some(left) = e.left_on {
            if Month::of(left) < month {
                return Err(bad(
                    "left_on",
                    format!("{left} is before the payroll month"),
                ));
            }
        }
        let not_negative = |field: &'static str, v: Decimal| {
            if v < Decimal::ZERO {
                Err(bad(field, format!("{v} is negative; it must be 0 or more")))
            } else {
                Ok(())
            }
        };
        let ytd = &self.iit_year_to_date;
        for (field, v) in [
            ("employee.contribution_base", e.contribution_base),
            ("employee.housing_fund_rate", e.housing_fund_rate),
            (
                "employee.iit.special_deductions_monthly",
                Some(e.iit.special_deductions_monthly),
            ),
            (
                "employee.iit.other_deductions_monthly",
                Some(e.iit.other_deductions_monthly),
            ),
            ("iit_year_to_date.income", Some(ytd.income)),
            (
                "iit_year_to_date.employee_contributions",
                Some(ytd.employee_contributions),
            ),
            (
                "iit_year_to_date.special_deductions",
                Some(ytd.special_deductions),
            ),
            (
                "iit_year_to_date.other_deductions",
                Some(ytd.other_deductions),
            ),
            ("iit_year_to_date.tax_withheld", Some(ytd.tax_withheld)),
            ("annual_bonus", self.annual_bonus),
        ] {
            if let Some(v) = v {
                not_negative(field, v)?;
            }
        }
        for (field, list) in [
            ("other_earnings", &self.other_earnings),
            ("other_deductions", &self.other_deductions),
        ] {
            if let Some(a) = list.iter().find(|a| a.amount < Decimal::ZERO) {
                return Err(bad(
                    field,
                    format!(
                        "{} amount {} is negative; give it as 0 or more (an earning that takes pay away is an other_deduction, and the reverse)",
                        a.code, a.amount
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A uniform increase applied to every employee's pay grade (used by the goal-seek).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uplift {
    /// Added to the performance base per head-month.
    pub performance_base: Money,
    /// Added to the base wage per head-month.
    pub base_wage: Money,
}

/// Totals of a payslip; each is the sum of its section's rounded lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayslipTotals {
    /// 应发合计: sum of earnings lines (attendance deductions are negative earnings).
    pub gross: Money,
    /// 个人社保公积金合计.
    pub employee_contributions: Money,
    /// 个税合计 (wages and separately taxed bonus).
    pub income_tax: Money,
    /// 其他扣款合计.
    pub other_deductions: Money,
    /// 实发合计 = gross − employee contributions − income tax − other deductions.
    pub net: Money,
    /// 单位社保公积金合计.
    pub employer_contributions: Money,
    /// 单位用工成本 = gross + employer contributions.
    pub employer_cost: Money,
}

impl PayslipTotals {
    fn add(&mut self, o: &PayslipTotals) {
        self.gross += o.gross;
        self.employee_contributions += o.employee_contributions;
        self.income_tax += o.income_tax;
        self.other_deductions += o.other_deductions;
        self.net += o.net;
        self.employer_contributions += o.employer_contributions;
        self.employer_cost += o.employer_cost;
    }
}

/// One employee's computed month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payslip {
    /// Employee id.
    pub employee_id: String,
    /// Employee name.
    pub employee_name: String,
    /// Position.
    pub position: Position,
    /// Pay grade.
    pub pay_grade: u8,
    /// Payroll month.
    pub month: Month,
    /// Earnings (应发项目), attendance deductions negative.
    pub earnings: Vec<PayLine>,
    /// Employee social insurance and housing fund (个人缴纳).
    pub employee_contributions: Vec<PayLine>,
    /// Income tax lines.
    pub income_tax: Vec<PayLine>,
    /// Deductions after tax.
    pub other_deductions: Vec<PayLine>,
    /// Employer social insurance and housing fund (单位缴纳).
    pub employer_contributions: Vec<PayLine>,
    /// Totals.
    pub totals: PayslipTotals,
    /// Social insurance base after clamping.
    pub social_insurance_base: Money,
    /// Tax working and year to date after this month.
    pub iit: IitResult,
    /// The minimum-wage check (a breach is reported, not corrected).
    pub minimum_wage: MinimumWageCheck,
    /// Carried-forward or assumed figures used.
    pub notices: Vec<Notice>,
}

/// A whole month's payroll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthPayroll {
    /// Payroll month.
    pub month: Month,
    /// Payslips sorted by employee id.
    pub payslips: Vec<Payslip>,
    /// Sums of the payslip totals.
    pub totals: PayslipTotals,
    /// Employees whose minimum-wage check failed.
    pub minimum_wage_breaches: Vec<String>,
    /// Every distinct notice of the month.
    pub notices: Vec<Notice>,
}

/// Computes one employee's month.
///
/// # Errors
/// [`PayrollError`] naming the employee, field or missing policy figure.
pub fn compute_payslip(
    policy: &Policy,
    month: Month,
    input: &EmployeeMonth,
) -> Result<Payslip, PayrollError> {
    compute_payslip_uplifted(policy, month, input, Uplift::default())
}

/// Computes one employee's month with a uniform [`Uplift`] on the pay grade.
///
/// # Errors
/// As [`compute_payslip`].
pub fn compute_payslip_uplifted(
    policy: &Policy,
    month: Month,
    input: &EmployeeMonth,
    uplift: Uplift,
) -> Result<Payslip, PayrollError> {
    let e = &input.employee;
    inner(policy, month, input, uplift).map_err(|err| err.for_employee(&e.id, month))
}

fn inner(
    policy: &Policy,
    month: Month,
    input: &EmployeeMonth,
    uplift: Uplift,
) -> Result<Payslip, PayrollError> {
    let e = &input.employee;
    let ts = &input.time_sheet;
    input.validate(month)?;
    let date = month.first_day();
    let mut notices = Notices::default();
    let rules = policy.pay_structure.rules_on(date)?;
    let mut grade = policy
        .pay_structure
        .grade_on(e.position, e.pay_grade, date)?
        .clone();
    grade.performance_base += uplift.performance_base;
    grade.base_wage += uplift.base_wage;
    notices.note(
        &format!("pay grade {} {}", e.position.name(), e.pay_grade),
        &grade.provenance,
    );
    let min_wage = policy.minimum_wage.on(date)?;
    let monthly = grade.monthly_wage(rules);

    // Earnings.
    let (mut earnings, mut counted) = fixed_pay_lines(&grade, ts);
    let rating = match policy.performance.rate(e.position, &ts.kpi, date)? {
        Ok(r) => r,
        Err((kpi, weight)) => {
            return Err(PayrollError::MissingKpi {
                employee: e.id.clone(),
                month,
                kpi: kpi.name().to_owned(),
                weight,
                position: e.position.name().to_owned(),
            })
        }
    };
    let (perf, perf_f, perf_f_zh) = prorate(
        grade.performance_base * rating.coefficient,
        ts,
        ("performance base × coefficient", "绩效基数 × 系数"),
    );
    counted.push(("PERF".to_owned(), "绩效工资".to_owned(), perf));
    let mut perf_line = PayLine::new(
        "PERF",
        "绩效工资",
        "Performance pay",
        perf,
        format!(
            "{}; performance base {} × coefficient {} = {}; {perf_f}",
            rating.formula,
            fmt2(grade.performance_base),
            rating.coefficient,
            fmt2(grade.performance_base * rating.coefficient)
        ),
        format!(
            "{}；绩效基数 {} × 系数 {} = {}；{perf_f_zh}",
            rating.formula_zh,
            fmt2(grade.performance_base),
            rating.coefficient,
            fmt2(grade.performance_base * rating.coefficient)
        ),
    )
    .input("performance_base", fmt2(grade.performance_base))
    .input("composite_score", rating.composite_score)
    .input("coefficient", rating.coefficient);
    // Each weighed KPI's score as an input of its own ("kpi.answer_rate" …), for reports.
    for (kpi, score) in &rating.scores {
        perf_line = perf_line.input(&format!("kpi.{}", kpi.name()), score);
    }
    earnings.push(perf_line);
    earnings.extend(night_line(&grade, ts.night_shifts));
    earnings.extend(overtime_lines(e.working_time, ts, monthly, rules));
    let fixed: Money = earnings
        .iter()
        .filter(|l| l.code == "BASE" || l.code == "POST")
        .map(|l| l.amount)
        .sum();
    earnings.extend(leave_lines(ts, monthly, min_wage.monthly, rules, fixed));
    earnings.extend(input.other_earnings.iter().map(|a| a.line(Decimal::ONE)));
    let wages = sum(&earnings);
    let mut arrears_total = Decimal::ZERO;
    let mut employee_contributions = Vec::new();
    let mut employer_contributions = Vec::new();
    for a in &input.arrears {
        arrears_total += sum(&a.earnings);
        earnings.extend(a.earnings.iter().cloned());
    }
    if let Some(bonus) = input.annual_bonus {
        earnings.push(
            PayLine::new(
                "BONUS",
                "全年一次性奖金",
                "Annual one-off bonus",
                round_fen(bonus),
                format!("given: {}", fmt2(bonus)),
                format!("录入：{}", fmt2(bonus)),
            )
            .input("tax_method", format!("{:?}", e.bonus_tax_method)),
        );
    }
    let gross = sum(&earnings);

    // Contributions.
    let contribution_wages = e.contribution_base.unwrap_or(wages);
    let si = insurance_lines(
        &policy.social_insurance,
        date,
        contribution_wages,
        &mut notices,
    )?;
    let hpf = fund_lines(
        &policy.housing_fund,
        date,
        contribution_wages,
        e.housing_fund_rate,
        &mut notices,
    )?;
    employee_contributions.extend(si.employee);
    employee_contributions.push(hpf.employee);
    employer_contributions.extend(si.employer);
    employer_contributions.push(hpf.employer);
    for a in &input.arrears {
        employee_contributions.extend(a.employee_contributions.iter().cloned());
        employer_contributions.extend(a.employer_contributions.iter().cloned());
    }
    let ee_total = sum(&employee_contributions);

    // Tax.
    let (income_tax, iit) = withhold(
        &policy.iit,
        &IitInput {
            employee: e,
            month,
            ytd: &input.iit_year_to_date,
            wages: wages + arrears_total,
            employee_contributions: ee_total,
            bonus: input.annual_bonus.map(round_fen),
        },
        &mut notices,
    )?;
    let other_deductions: Vec<PayLine> = input
        .other_deductions
        .iter()
        .map(|a| a.line(Decimal::ONE))
        .collect();

    let mut totals = PayslipTotals {
        gross,
        employee_contributions: ee_total,
        income_tax: sum(&income_tax),
        other_deductions: sum(&other_deductions),
        employer_contributions: sum(&employer_contributions),
        ..PayslipTotals::default()
    };
    totals.net =
        totals.gross - totals.employee_contributions - totals.income_tax - totals.other_deductions;
    totals.employer_cost = totals.gross + totals.employer_contributions;

    let si_ee_regular: Money = ee_total
        - input
            .arrears
            .iter()
            .map(|a| sum(&a.employee_contributions))
            .sum::<Money>();
    let minimum_wage = minimum_wage_check(
        min_wage,
        &policy.minimum_wage.check,
        &counted,
        si_ee_regular,
        ts.working_days_employed,
        ts.scheduled_working_days_of_month,
        &mut notices,
    );
    Ok(Payslip {
        employee_id: e.id.clone(),
        employee_name: e.name.clone(),
        position: e.position,
        pay_grade: e.pay_grade,
        month,
        earnings,
        employee_contributions,
        income_tax,
        other_deductions,
        employer_contributions,
        totals,
        social_insurance_base: si.base,
        iit,
        minimum_wage,
        notices: notices.0,
    })
}

/// Computes a month for many employees. The result does not depend on their order.
///
/// # Errors
/// The first employee error in id order, or [`PayrollError::DuplicateEmployee`].
pub fn compute_month(
    policy: &Policy,
    month: Month,
    inputs: &[EmployeeMonth],
) -> Result<MonthPayroll, PayrollError> {
    compute_month_uplifted(policy, month, inputs, Uplift::default())
}

/// [`compute_month`] with a uniform [`Uplift`].
///
/// # Errors
/// As [`compute_month`].
pub fn compute_month_uplifted(
    policy: &Policy,
    month: Month,
    inputs: &[EmployeeMonth],
    uplift: Uplift,
) -> Result<MonthPayroll, PayrollError> {
    let mut order: Vec<&EmployeeMonth> = inputs.iter().collect();
    order.sort_by(|a, b| a.employee.id.cmp(&b.employee.id));
    if let Some(w) = order
        .windows(2)
        .find(|w| w[0].employee.id == w[1].employee.id)
    {
        return Err(PayrollError::DuplicateEmployee {
            employee: w[0].employee.id.clone(),
            month,
        });
    }
    let payslips = order
        .into_iter()
        .map(|i| compute_payslip_uplifted(policy, month, i, uplift))
        .collect::<Result<Vec<_>, _>>()?;
    let mut totals = PayslipTotals::default();
    let mut seen = BTreeSet::new();
    let mut notices = Vec::new();
    for p in &payslips {
        totals.add(&p.totals);
        for n in &p.notices {
            if seen.insert(n.figure.clone()) {
                notices.push(n.clone());
            }
        }
    }
    Ok(MonthPayroll {
        month,
        minimum_wage_breaches: payslips
            .iter()
            .filter(|p| !p.minimum_wage.passed)
            .map(|p| p.employee_id.clone())
            .collect(),
        payslips,
        totals,
        notices,
    })
}
