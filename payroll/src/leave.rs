//! Leave and absence deductions (事假/病假/旷工扣款), day wage = monthly wage ÷ 21.75.
//!
//! Paid leave (annual, marriage, bereavement, maternity, time off in lieu) keeps full pay and
//! produces no line. Personal leave and absence deduct the day wage. Sick leave is paid at the
//! policy percentage of the day wage but never below 80% of the minimum wage's day rate, so
//! the deduction is day wage − sick pay. Deductions never exceed the prorated fixed pay.

use rust_decimal::Decimal;

use crate::line::PayLine;
use crate::money::{fmt2, round_fen, Money};
use crate::pay_structure::PayRules;
use crate::time_sheet::TimeSheet;

pub(crate) fn leave_lines(
    ts: &TimeSheet,
    monthly: Money,
    minimum_wage: Money,
    rules: &PayRules,
    cap: Money,
) -> Vec<PayLine> {
    let d = rules.pay_conversion_days;
    let mut left = cap;
    let mut out = Vec::new();
    let mut push = |code: &str,
                    zh: &str,
                    en: &str,
                    raw: Decimal,
                    (formula, formula_zh): (String, String),
                    days: Decimal| {
        let v = round_fen(raw).min(left).max(Decimal::ZERO);
        left -= v;
        let (capped, capped_zh) = if v < round_fen(raw) {
            (
                format!("; capped at the remaining fixed pay {}", fmt2(v)),
                format!("；以剩余固定工资 {} 为限", fmt2(v)),
            )
        } else {
            (String::new(), String::new())
        };
        out.push(
            PayLine::new(
                code,
                zh,
                en,
                -v,
                format!("−({formula}){capped}"),
                format!("−({formula_zh}){capped_zh}"),
            )
            .input("days", days)
            .input("monthly_wage", fmt2(monthly))
            .input("pay_conversion_days", d),
        );
    };
    if ts.leave.personal > Decimal::ZERO {
        let raw = monthly * ts.leave.personal / d;
        push(
            "LEAVE_PERSONAL",
            "事假扣款",
            "Personal leave deduction",
            raw,
            (
                format!(
                    "monthly wage × days ÷ {d} = {} × {} ÷ {d} = {}",
                    fmt2(monthly),
                    ts.leave.personal,
                    fmt2(raw)
                ),
                format!(
                    "月工资 × 事假天数 ÷ {d} = {} × {} ÷ {d} = {}",
                    fmt2(monthly),
                    ts.leave.personal,
                    fmt2(raw)
                ),
            ),
            ts.leave.personal,
        );
    }
    if ts.absence_days > Decimal::ZERO {
        let raw = monthly * ts.absence_days / d;
        push(
            "ABSENCE",
            "旷工扣款",
            "Absence deduction",
            raw,
            (
                format!(
                    "monthly wage × days ÷ {d} = {} × {} ÷ {d} = {}",
                    fmt2(monthly),
                    ts.absence_days,
                    fmt2(raw)
                ),
                format!(
                    "月工资 × 旷工天数 ÷ {d} = {} × {} ÷ {d} = {}",
                    fmt2(monthly),
                    ts.absence_days,
                    fmt2(raw)
                ),
            ),
            ts.absence_days,
        );
    }
    if ts.leave.sick > Decimal::ZERO {
        let days = ts.leave.sick;
        let full = monthly * days / d;
        let by_rate = full * rules.sick_pay_rate;
        let floor = minimum_wage * rules.sick_pay_floor_of_minimum_wage * days / d;
        let sick_pay = by_rate.max(floor).min(full);
        let raw = full - sick_pay;
        push(
            "LEAVE_SICK",
            "病假扣款",
            "Sick leave deduction",
            raw,
            (
                format!(
                    "day wage × days − sick pay; sick pay = max({} × {days} ÷ {d} × {} = {}, minimum {} × {} × {days} ÷ {d} = {}) = {}; {} − {} = {}",
                    fmt2(monthly),
                    rules.sick_pay_rate,
                    fmt2(by_rate),
                    fmt2(minimum_wage),
                    rules.sick_pay_floor_of_minimum_wage,
                    fmt2(floor),
                    fmt2(sick_pay),
                    fmt2(full),
                    fmt2(sick_pay),
                    fmt2(raw)
                ),
                format!(
                    "日工资 × 病假天数 − 病假工资；病假工资 = max(月工资 {} × {days} ÷ {d} × {} = {}, 最低工资 {} × {} × {days} ÷ {d} = {}) = {}；{} − {} = {}",
                    fmt2(monthly),
                    rules.sick_pay_rate,
                    fmt2(by_rate),
                    fmt2(minimum_wage),
                    rules.sick_pay_floor_of_minimum_wage,
                    fmt2(floor),
                    fmt2(sick_pay),
                    fmt2(full),
                    fmt2(sick_pay),
                    fmt2(raw)
                ),
            ),
            days,
        );
    }
    out
}
