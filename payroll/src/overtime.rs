//! Overtime pay (加班工资), Labour Law art.44, hour wage = monthly wage ÷ 21.75 ÷ 8.
//!
//! - Comprehensive hours (综合计算工时): hours on ordinary and rest days beyond the hours
//!   owed this month are paid at 150%; statutory-holiday hours are paid at 300% on top of the
//!   monthly wage and are left out of the comparison.
//! - Standard hours: ordinary-day hours beyond the hours owed at 150%; rest-day hours not
//!   compensated by time off in lieu at 200%; statutory-holiday hours at 300%.
//!
//! Hours owed = 8 × (working days employed − leave days − absence days), which is the month's
//! standard hours for a full month without leave (e.g. 128 h in February 2026).

use rust_decimal::Decimal;

use crate::employee::WorkingTimeSystem;
use crate::line::PayLine;
use crate::money::{fmt2, round_fen, Money};
use crate::pay_structure::PayRules;
use crate::time_sheet::TimeSheet;

/// Hours the employee owes this month.
pub(crate) fn hours_owed(ts: &TimeSheet, rules: &PayRules) -> Decimal {
    let days = Decimal::from(ts.working_days_employed) - ts.leave.total() - ts.absence_days;
    (days * rules.hours_per_day).max(Decimal::ZERO)
}

fn line(
    (code, zh, en): (&str, &str, &str),
    monthly: Money,
    hours: Decimal,
    pct: u32,
    rules: &PayRules,
    (why, why_zh): (String, String),
) -> PayLine {
    let divisor = rules.pay_conversion_days * rules.hours_per_day;
    let factor = Decimal::from(pct) / Decimal::ONE_HUNDRED;
    let v = monthly * hours * factor / divisor;
    PayLine::new(
        code,
        zh,
        en,
        round_fen(v),
        format!(
            "{why}; monthly wage × hours × {pct}% ÷ ({} × {}) = {} × {hours} × {factor} ÷ {divisor} = {}",
            rules.pay_conversion_days,
            rules.hours_per_day,
            fmt2(monthly),
            fmt2(v)
        ),
        format!(
            "{why_zh}；月工资 × 小时 × {pct}% ÷ ({} × {}) = {} × {hours} × {factor} ÷ {divisor} = {}",
            rules.pay_conversion_days,
            rules.hours_per_day,
            fmt2(monthly),
            fmt2(v)
        ),
    )
    .input("monthly_wage", fmt2(monthly))
    .input("hours", hours)
    .input("premium_percent", pct)
}

pub(crate) fn overtime_lines(
    system: WorkingTimeSystem,
    ts: &TimeSheet,
    monthly: Money,
    rules: &PayRules,
) -> Vec<PayLine> {
    let owed = hours_owed(ts, rules);
    let mut out = Vec::new();
    match system {
        WorkingTimeSystem::Comprehensive => {
            let worked = ts.ordinary_day_hours + ts.rest_day_hours;
            let excess = (worked - owed).max(Decimal::ZERO);
            if excess > Decimal::ZERO {
                out.push(line(
                    ("OT150", "超时加班工资(150%)", "Hours beyond the month's standard (150%)"),
                    monthly,
                    excess,
                    150,
                    rules,
                    (
                        format!(
                            "comprehensive hours: worked {} (ordinary {} + rest-day {}) − owed {owed} = {excess} h",
                            worked, ts.ordinary_day_hours, ts.rest_day_hours
                        ),
                        format!(
                            "综合计算工时：实际工时 {} (工作日 {} + 休息日 {}) − 应出勤工时 {owed} = {excess} 小时",
                            worked, ts.ordinary_day_hours, ts.rest_day_hours
                        ),
                    ),
                ));
            }
        }
        WorkingTimeSystem::Standard => {
            let excess = (ts.ordinary_day_hours - owed).max(Decimal::ZERO);
            if excess > Decimal::ZERO {
                out.push(line(
                    (
                        "OT150",
                        "延时加班工资(150%)",
                        "Workday extension overtime (150%)",
                    ),
                    monthly,
                    excess,
                    150,
                    rules,
                    (
                        format!(
                            "ordinary-day hours {} − owed {owed} = {excess} h",
                            ts.ordinary_day_hours
                        ),
                        format!(
                            "工作日工时 {} − 应出勤工时 {owed} = {excess} 小时",
                            ts.ordinary_day_hours
                        ),
                    ),
                ));
            }
            let rest = ts.rest_day_hours - ts.rest_day_hours_in_lieu;
            if rest > Decimal::ZERO {
                out.push(line(
                    ("OT200", "休息日加班工资(200%)", "Rest-day overtime (200%)"),
                    monthly,
                    rest,
                    200,
                    rules,
                    (
                        format!(
                            "rest-day hours {} − hours given time off in lieu {} = {rest} h",
                            ts.rest_day_hours, ts.rest_day_hours_in_lieu
                        ),
                        format!(
                            "休息日加班工时 {} − 已安排补休工时 {} = {rest} 小时",
                            ts.rest_day_hours, ts.rest_day_hours_in_lieu
                        ),
                    ),
                ));
            }
        }
    }
    if ts.statutory_holiday_hours > Decimal::ZERO {
        out.push(line(
            (
                "OT300",
                "法定节假日加班工资(300%)",
                "Statutory holiday overtime (300%)",
            ),
            monthly,
            ts.statutory_holiday_hours,
            300,
            rules,
            (
                format!("statutory-holiday hours {} h", ts.statutory_holiday_hours),
                format!("法定节假日加班工时 {} 小时", ts.statutory_holiday_hours),
            ),
        ));
    }
    out
}
