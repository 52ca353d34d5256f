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

/// Decimal fields of the case input (JSON): a JSON string only.
///
/// `rust_decimal`'s own `Deserialize` (the workspace enables `serde-with-str`, not `serde-str`)
/// also takes JSON numbers, so `4500.10` would pass through an `f64` first. The case format
/// (`CASE_FORMAT.md`) writes money, hours, days, rates and scores as decimal strings, so every
/// such field of an input struct goes through these functions: a number is refused with a
/// message naming the field and saying how to write it. Serialisation is unchanged (a string).
pub(crate) mod strict {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::marker::PhantomData;

    use rust_decimal::Decimal;
    use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

    use crate::time_sheet::Kpi;

    struct Strict(&'static str);

    fn number<E: de::Error>(field: &str, v: impl fmt::Display) -> E {
        E::custom(format!(
            "{field}: write the decimal as a JSON string (\"{v}\"), not the number {v}"
        ))
    }

    impl<'de> Visitor<'de> for Strict {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "{}: a decimal written as a JSON string such as \"4500.00\"",
                self.0
            )
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            Decimal::from_str_exact(v)
                .map_err(|_| E::custom(format!("{}: \"{v}\" is not a decimal number", self.0)))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Err(number(self.0, v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Err(number(self.0, v))
        }

        fn visit_i128<E: de::Error>(self, v: i128) -> Result<Decimal, E> {
            Err(number(self.0, v))
        }

        fn visit_u128<E: de::Error>(self, v: u128) -> Result<Decimal, E> {
            Err(number(self.0, v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            Err(number(self.0, v))
        }
    }

    struct StrictOption(&'static str);

    impl<'de> Visitor<'de> for StrictOption {
        type Value = Option<Decimal>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}: null or a decimal written as a JSON string", self.0)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Strict(self.0)).map(Some)
        }
    }

    /// A decimal or an optional decimal read strictly, naming `field` in errors.
    pub(crate) trait StrictDecimal: Sized {
        fn strict<'de, D: Deserializer<'de>>(d: D, field: &'static str) -> Result<Self, D::Error>;
    }

    impl StrictDecimal for Decimal {
        fn strict<'de, D: Deserializer<'de>>(d: D, field: &'static str) -> Result<Self, D::Error> {
            d.deserialize_any(Strict(field))
        }
    }

    impl StrictDecimal for Option<Decimal> {
        fn strict<'de, D: Deserializer<'de>>(d: D, field: &'static str) -> Result<Self, D::Error> {
            d.deserialize_option(StrictOption(field))
        }
    }

    /// One `deserialize_with` function per decimal field of the input, named after it.
    macro_rules! fields {
        ($($name:ident: $t:ty = $label:literal;)*) => {$(
            pub(crate) fn $name<'de, D: Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                <$t as StrictDecimal>::strict(d, $label)
            }
        )*};
    }

    fields! {
        contribution_base: Option<Decimal> = "employee.contribution_base";
        housing_fund_rate: Option<Decimal> = "employee.housing_fund_rate";
        special_deductions_monthly: Decimal = "employee.iit.special_deductions_monthly";
        other_deductions_monthly: Decimal = "employee.iit.other_deductions_monthly";
        standard_hours_of_month: Decimal = "time_sheet.standard_hours_of_month";
        ordinary_day_hours: Decimal = "time_sheet.ordinary_day_hours";
        rest_day_hours: Decimal = "time_sheet.rest_day_hours";
        rest_day_hours_in_lieu: Decimal = "time_sheet.rest_day_hours_in_lieu";
        statutory_holiday_hours: Decimal = "time_sheet.statutory_holiday_hours";
        absence_days: Decimal = "time_sheet.absence_days";
        leave_annual: Decimal = "time_sheet.leave.annual";
        leave_marriage: Decimal = "time_sheet.leave.marriage";
        leave_bereavement: Decimal = "time_sheet.leave.bereavement";
        leave_maternity: Decimal = "time_sheet.leave.maternity";
        leave_compensatory: Decimal = "time_sheet.leave.compensatory";
        leave_personal: Decimal = "time_sheet.leave.personal";
        leave_sick: Decimal = "time_sheet.leave.sick";
        ytd_income: Decimal = "iit_year_to_date.income";
        ytd_employee_contributions: Decimal = "iit_year_to_date.employee_contributions";
        ytd_special_deductions: Decimal = "iit_year_to_date.special_deductions";
        ytd_other_deductions: Decimal = "iit_year_to_date.other_deductions";
        ytd_tax_withheld: Decimal = "iit_year_to_date.tax_withheld";
        annual_bonus: Option<Decimal> = "annual_bonus";
        adjustment_amount: Decimal = "other_earnings/other_deductions amount";
        line_amount: Decimal = "arrears line amount";
        seat_labour_cost: Decimal = "prior_month_costs.seat_labour_cost";
    }

    /// KPI scores, each a decimal string.
    pub(crate) fn kpi<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Kpi, Decimal>, D::Error> {
        struct Score(Decimal);
        impl<'de> Deserialize<'de> for Score {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(Strict("time_sheet.kpi")).map(Score)
            }
        }
        struct Scores(PhantomData<Score>);
        impl<'de> Visitor<'de> for Scores {
            type Value = BTreeMap<Kpi, Decimal>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("time_sheet.kpi: a map of KPI name to score string")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, Score(v))) = map.next_entry::<Kpi, Score>()? {
                    if out.insert(k, v).is_some() {
                        return Err(de::Error::custom(format!(
                            "time_sheet.kpi: `{}` is given twice",
                            k.name()
                        )));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(Scores(PhantomData))
    }
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
