//! A calendar month (`YYYY-MM`), the unit of a payroll run.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A payroll month such as `2026-02` (工资所属期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month `year-month`; `None` unless `month` is 1..=12.
    #[must_use]
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// The calendar year.
    #[must_use]
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1..=12.
    #[must_use]
    pub fn month(self) -> u32 {
        self.month
    }

    /// The first day of the month; policy figures are looked up on this date.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("month is 1..=12")
    }

    /// The month containing `date`.
    #[must_use]
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// Months left in the year after this one (0 for December).
    #[must_use]
    pub fn remaining_in_year(self) -> u32 {
        12 - self.month
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A month string that is not `YYYY-MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a month in the form YYYY-MM")]
pub struct BadMonth(pub String);

impl FromStr for Month {
    type Err = BadMonth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadMonth(s.to_owned());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year = y.parse().map_err(|_| bad())?;
        let month = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let m: Month = "2026-02".parse().unwrap();
        assert_eq!(m.to_string(), "2026-02");
        assert_eq!(m.remaining_in_year(), 10);
        assert!("2026-13".parse::<Month>().is_err());
        assert!("2026-2".parse::<Month>().is_err());
    }
}
