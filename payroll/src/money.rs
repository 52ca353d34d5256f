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

#[cfg(test)]
mod tests {
    use super::*;

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
