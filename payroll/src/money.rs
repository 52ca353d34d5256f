//! Money: `rust_decimal::Decimal` in yuan, rounded once per line to the fen.

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount of money in yuan (元). Never a float.
pub type Money = Decimal;

/// Rounds to the fen (0.01 yuan), half away from zero: every pay line is rounded
/// exactly once with this function and totals are sums of rounded lines.
#[must_use]
pub fn round_fen(amount: Decimal) -> Money {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats an amount with two decimals for formula strings, rounded like the lines are
/// (`Decimal`'s own `{:.2}` truncates, which showed 306.81 beside a line of 306.82).
pub(crate) fn fmt2(amount: Decimal) -> String {
    format!("{:.2}", round_fen(amount))
}

/// An amount rounded to the fen with thousands separators, as people read it: `1,234.56`,
/// `-0.13`; with `currency`, `¥1,234.56` and `-¥1,234.56`.
#[must_use]
pub fn grouped(amount: Decimal, currency: bool) -> String {
    let r = round_fen(amount);
    let text = format!("{:.2}", r.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut digits = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            digits.push(',');
        }
        digits.push(c);
    }
    let sign = if r.is_sign_negative() && !r.is_zero() {
        "-"
    } else {
        ""
    };
    let yuan = if currency { "¥" } else { "" };
    format!("{sign}{yuan}{digits}.{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_by_thousands() {
        assert_eq!(grouped(Decimal::new(123_456_785, 3), false), "123,456.79");
        assert_eq!(
            grouped(Decimal::new(-393_931_345, 2), true),
            "-¥3,939,313.45"
        );
        assert_eq!(grouped(Decimal::new(-1, 3), true), "¥0.00");
        assert_eq!(grouped(Decimal::from(100), false), "100.00");
    }

    /// 450 × 15 ÷ 22 = 306.8181…: the formula text shows the line's own 306.82; a half fen
    /// rounds away from zero both ways.
    #[test]
    fn formula_figures_round_like_the_lines() {
        let v = Decimal::from(450) * Decimal::from(15) / Decimal::from(22);
        assert_eq!(fmt2(v), "306.82");
        assert_eq!(fmt2(round_fen(v)), "306.82");
        assert_eq!(fmt2(Decimal::new(125, 3)), "0.13");
        assert_eq!(fmt2(Decimal::new(-125, 3)), "-0.13");
        assert_eq!(fmt2(Decimal::from(7)), "7.00");
    }
}
