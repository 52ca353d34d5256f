//! Fixed monthly pay (基本工资, 岗位津贴, fixed allowances), prorated for a mid-month
//! join or leave by scheduled working days employed ÷ scheduled working days of the month.

use rust_decimal::Decimal;

use crate::line::PayLine;
use crate::money::{fmt2, round_fen, Money};
use crate::pay_structure::PayGrade;
use crate::time_sheet::TimeSheet;

/// `amount` prorated, with its formula in English and in Chinese; `name` is the amount's
/// (English, Chinese) name.
pub(crate) fn prorate(
    amount: Decimal,
    ts: &TimeSheet,
    (name, name_zh): (&str, &str),
) -> (Money, String, String) {
    let (e, s) = (ts.working_days_employed, ts.scheduled_working_days_of_month);
    if e == s {
        (
            round_fen(amount),
            format!("{name} = {}", fmt2(amount)),
            format!("{name_zh} = {}", fmt2(amount)),
        )
    } else {
        let v = amount * Decimal::from(e) / Decimal::from(s);
        (
            round_fen(v),
            format!(
                "{name} × working days employed ÷ scheduled working days = {} × {e} ÷ {s} = {}",
                fmt2(amount),
                fmt2(v)
            ),
            format!(
                "{name_zh} × 在职应出勤天数 ÷ 当月应出勤天数 = {} × {e} ÷ {s} = {}",
                fmt2(amount),
                fmt2(v)
            ),
        )
    }
}

/// Lines for base wage, post allowance and each fixed allowance; the second value lists
/// the (code, Chinese label, amount) of those that count toward the minimum wage.
pub(crate) fn fixed_pay_lines(
    grade: &PayGrade,
    ts: &TimeSheet,
) -> (Vec<PayLine>, Vec<(String, String, Money)>) {
    let mut lines = Vec::new();
    let mut counted = Vec::new();
    let mut push = |code: &str, zh: &str, en: &str, amount: Decimal, counts: bool| {
        let (v, f, f_zh) = prorate(amount, ts, (en, zh));
        if counts {
            counted.push((code.to_owned(), zh.to_owned(), v));
        }
        lines.push(
            PayLine::new(code, zh, en, v, f, f_zh)
                .input("monthly_amount", fmt2(amount))
                .input("working_days_employed", ts.working_days_employed)
                .input("scheduled_working_days", ts.scheduled_working_days_of_month),
        );
    };
    push("BASE", "基本工资", "Base wage", grade.base_wage, true);
    push(
        "POST",
        "岗位津贴",
        "Post allowance",
        grade.post_allowance,
        true,
    );
    for a in &grade.allowances {
        push(
            &format!("ALW_{}", a.code),
            &a.label_zh,
            &a.label_en,
            a.amount,
            a.counts_for_minimum_wage,
        );
    }
    (lines, counted)
}
