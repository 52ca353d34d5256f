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

/// Formats an amount with two decimals for formula strings.
pub(crate) fn fmt2(amount: Decimal) -> String {
    format!("{:.2}", amount)
}
