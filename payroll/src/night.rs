//! Night-shift allowance (夜班津贴): a fixed amount per night shift worked.
//! Excluded from the minimum-wage comparison.

use rust_decimal::Decimal;

use crate::line::PayLine;
use crate::money::{fmt2, round_fen};
use crate::pay_structure::PayGrade;

pub(crate) fn night_line(grade: &PayGrade, night_shifts: u32) -> Option<PayLine> {
    (night_shifts > 0).then(|| {
        let v = grade.night_allowance_per_shift * Decimal::from(night_shifts);
        PayLine::new(
            "NIGHT",
            "夜班津贴",
            "Night-shift allowance",
            round_fen(v),
            format!(
                "night shifts × per shift = {night_shifts} × {} = {}",
                fmt2(grade.night_allowance_per_shift),
                fmt2(v)
            ),
            format!(
                "夜班津贴 = 夜班数 × 每班标准 = {night_shifts} × {} = {}",
                fmt2(grade.night_allowance_per_shift),
                fmt2(v)
            ),
        )
        .input("night_shifts", night_shifts)
        .input("per_shift", fmt2(grade.night_allowance_per_shift))
    })
}
