//! The working-day calendar (工作日历): statutory holidays (法定节假日), other rest days and
//! make-up working days (调休上班), and the scheduled working time derived from them.
//!
//! A year is parsed from the TOML text kept in `data/calendar/YYYY.toml`; this module never
//! reads files. Dates not listed follow the week: Monday-Friday work, Saturday-Sunday rest.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::ConfigError;

/// The kind of a calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A scheduled working day (工作日), including make-up working days.
    Working,
    /// A rest day that is not a statutory holiday (休息日): weekends and 调休 days off.
    Rest,
    /// A statutory holiday (法定节假日); work on it is paid at 300%.
    Statutory,
}

impl DayKind {
    /// True for rest days and statutory holidays.
    pub fn is_day_off(self) -> bool {
        !matches!(self, DayKind::Working)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    #[allow(dead_code)]
    effective_from: Option<String>,
    #[allow(dead_code)]
    effective_to: Option<String>,
    #[allow(dead_code)]
    source: Option<String>,
    statutory: Vec<NaiveDate>,
    #[serde(default)]
    rest: Vec<NaiveDate>,
    #[serde(default)]
    makeup: Vec<NaiveDate>,
}

/// Holiday calendar for one or more years.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    years: BTreeSet<i32>,
    overrides: BTreeMap<NaiveDate, DayKind>,
}

impl Calendar {
    /// An empty calendar: knows no year.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one year's TOML text (see `data/calendar/2026.toml`) and adds it.
    pub fn add_year_toml(&mut self, text: &str) -> Result<(), ConfigError> {
        let file: YearFile = toml::from_str(text).map_err(|e| ConfigError::Toml {
            what: "calendar".into(),
            message: e.to_string(),
        })?;
        let year = file.year;
        let mut put = |d: NaiveDate, kind: DayKind, list: &str| -> Result<(), ConfigError> {
            if d.year() != year {
                return Err(ConfigError::Invalid(format!(
                    "calendar {year}: date {d} in `{list}` is not in {year}"
                )));
            }
            if let Some(prev) = self.overrides.insert(d, kind) {
                return Err(ConfigError::Invalid(format!(
                    "calendar {year}: date {d} listed twice ({prev:?} and {kind:?})"
                )));
            }
            Ok(())
        };
        for d in file.statutory {
            put(d, DayKind::Statutory, "statutory")?;
        }
        for d in file.rest {
            if is_weekend(d) {
                return Err(ConfigError::Invalid(format!(
                    "calendar {year}: {d} in `rest` is already a weekend day"
                )));
            }
            put(d, DayKind::Rest, "rest")?;
        }
        for d in file.makeup {
            if !is_weekend(d) {
                return Err(ConfigError::Invalid(format!(
                    "calendar {year}: make-up working day {d} is not a Saturday or Sunday"
                )));
            }
            put(d, DayKind::Working, "makeup")?;
        }
        self.years.insert(year);
        Ok(())
    }

    /// Builds a calendar from several years' TOML texts.
    pub fn from_toml_strs<'a>(
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, ConfigError> {
        let mut cal = Calendar::new();
        for t in texts {
            cal.add_year_toml(t)?;
        }
        Ok(cal)
    }

    /// Whether the calendar knows this year's holidays.
    pub fn covers_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The years this calendar knows.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// The kind of a date. For a year the calendar does not know, only weekends are rest days;
    /// callers that need certainty check [`Calendar::covers_year`] first.
    pub fn kind(&self, date: NaiveDate) -> DayKind {
        if let Some(k) = self.overrides.get(&date) {
            return *k;
        }
        if is_weekend(date) {
            DayKind::Rest
        } else {
            DayKind::Working
        }
    }

    /// Scheduled working days (计薪/制度工作日) in a month.
    pub fn working_days(&self, year: i32, month: u32) -> Result<u32, ConfigError> {
        self.require_year(year)?;
        Ok(month_dates(year, month)?
            .into_iter()
            .filter(|d| self.kind(*d) == DayKind::Working)
            .count() as u32)
    }

    /// Standard hours of a month in minutes: scheduled working days × 8 h.
    pub fn standard_minutes(&self, year: i32, month: u32) -> Result<u32, ConfigError> {
        Ok(self.working_days(year, month)? * 8 * 60)
    }

    /// Statutory holidays in a year (should be 13 from 2025 on).
    pub fn statutory_days(&self, year: i32) -> Vec<NaiveDate> {
        self.overrides
            .iter()
            .filter(|(d, k)| d.year() == year && **k == DayKind::Statutory)
            .map(|(d, _)| *d)
            .collect()
    }

    /// Adds `n` working days after `from` (not counting `from`): e.g. the 15-working-day
    /// replacement deadline of clause 2.3.7.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d = d.succ_opt().expect("date in range");
            if self.kind(d) == DayKind::Working {
                left -= 1;
            }
        }
        d
    }

    fn require_year(&self, year: i32) -> Result<(), ConfigError> {
        if self.covers_year(year) {
            Ok(())
        } else {
            Err(ConfigError::UnknownCalendarYear(year))
        }
    }
}

/// True on Saturday and Sunday.
pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// All dates of a month.
pub fn month_dates(year: i32, month: u32) -> Result<Vec<NaiveDate>, ConfigError> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)
        .ok_or_else(|| ConfigError::Invalid(format!("no such month {year}-{month:02}")))?;
    let mut out = Vec::with_capacity(31);
    let mut d = first;
    while d.month() == month {
        out.push(d);
        d = d.succ_opt().expect("date in range");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y2025: &str = include_str!("../../data/calendar/2025.toml");
    const Y2026: &str = include_str!("../../data/calendar/2026.toml");

    fn cal() -> Calendar {
        Calendar::from_toml_strs([Y2025, Y2026]).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Per 人社部发〔2025〕2号 a year has 248 scheduled working days; the per-month counts
    /// are the ones worked out by hand in shared/reference §5 from the State Council notices.
    #[test]
    fn working_days_per_month_match_the_notices() {
        let c = cal();
        let y2025 = [19, 19, 21, 22, 19, 20, 23, 21, 23, 18, 20, 23];
        let y2026 = [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23];
        for m in 1..=12u32 {
            assert_eq!(
                c.working_days(2025, m).unwrap(),
                y2025[m as usize - 1],
                "2025-{m}"
            );
            assert_eq!(
                c.working_days(2026, m).unwrap(),
                y2026[m as usize - 1],
                "2026-{m}"
            );
        }
        assert_eq!(y2025.iter().sum::<u32>(), 248);
        assert_eq!(y2026.iter().sum::<u32>(), 248);
    }

    #[test]
    fn february_2026_has_128_standard_hours() {
        assert_eq!(cal().standard_minutes(2026, 2).unwrap(), 128 * 60);
    }

    #[test]
    fn thirteen_statutory_days_a_year() {
        assert_eq!(cal().statutory_days(2025).len(), 13);
        assert_eq!(cal().statutory_days(2026).len(), 13);
    }

    #[test]
    fn day_kinds() {
        let c = cal();
        assert_eq!(c.kind(d("2026-02-17")), DayKind::Statutory);
        assert_eq!(c.kind(d("2026-02-20")), DayKind::Rest); // weekday 调休
        assert_eq!(c.kind(d("2026-02-14")), DayKind::Working); // Saturday make-up
        assert_eq!(c.kind(d("2026-02-21")), DayKind::Rest); // weekend in the block
        assert_eq!(c.kind(d("2026-04-05")), DayKind::Statutory); // Sunday 清明
        assert_eq!(c.kind(d("2026-03-03")), DayKind::Working);
    }

    #[test]
    fn unknown_year_is_an_error() {
        assert!(matches!(
            cal().working_days(2027, 1),
            Err(ConfigError::UnknownCalendarYear(2027))
        ));
    }

    #[test]
    fn fifteen_working_days_skip_the_spring_festival() {
        // From Fri 2026-02-13: 14 (Sat make-up) is day 1; 15-23 are off; 24,25,26,27,28(Sat make-up)
        // are 2-6; March 2-6 are 7-11; March 9-12 are 12-15.
        assert_eq!(cal().add_working_days(d("2026-02-13"), 15), d("2026-03-12"));
    }

    #[test]
    fn a_makeup_day_on_a_weekday_is_rejected() {
        let bad = "year = 2030\nstatutory = []\nmakeup = [\"2030-01-02\"]\n";
        assert!(Calendar::from_toml_strs([bad]).is_err());
    }
}
