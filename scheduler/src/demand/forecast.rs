//! Interval forecast (话务预测) from the call history.
//!
//! Method, chosen to be explainable to a purchaser and robust on a few months of data:
//! - every date has a day type: its weekday, or a statutory holiday, or the first working
//!   day after a holiday (heavier: the backlog of the break);
//! - a type factor: the mean daily volume of the type ÷ the mean daily volume of ordinary
//!   days (weekdays that are neither holiday nor first-after-holiday);
//! - the level: the mean over the last 28 days of history of (volume ÷ type factor), so a
//!   trend in recent weeks carries into the forecast;
//! - the profile: for each type, the share of the day's calls in each interval;
//! - forecast calls = level × type factor × profile share; AHT per interval of the day is the
//!   answered-weighted mean over the history.
//!
//! A type missing from the history borrows: holiday → Sunday, first-after-holiday → Monday.
//! The back-test refits on the history without its last days and scores those days.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::HistoryRow;
use crate::calendar::{Calendar, DayKind};
use crate::error::ConfigError;

/// The kind of day for call volumes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    /// Monday = 0 … Sunday = 6, on an ordinary day.
    Weekday(u8),
    /// A statutory holiday, or a rest day of the same break.
    Holiday,
    /// The first working day after a holiday.
    AfterHoliday,
}

impl DayType {
    /// The type of `date` by the calendar (which must cover its year).
    pub fn of(date: NaiveDate, cal: &Calendar) -> DayType {
        match cal.kind(date) {
            DayKind::Statutory => DayType::Holiday,
            DayKind::Working => {
                // Walk back over rest days: a holiday right before makes this the first
                // working day after it.
                let mut d = date - Duration::days(1);
                for _ in 0..10 {
                    match cal.kind(d) {
                        DayKind::Statutory => return DayType::AfterHoliday,
                        DayKind::Working => break,
                        DayKind::Rest => d -= Duration::days(1),
                    }
                }
                DayType::Weekday(date.weekday().num_days_from_monday() as u8)
            }
            DayKind::Rest => {
                // A rest day joined to a statutory day by other rest days belongs to the
                // holiday break (the days in lieu, the weekend of a long weekend).
                for step in [-1i64, 1] {
                    let mut d = date + Duration::days(step);
                    for _ in 0..10 {
                        match cal.kind(d) {
                            DayKind::Statutory => return DayType::Holiday,
                            DayKind::Working => break,
                            DayKind::Rest => d += Duration::days(step),
                        }
                    }
                }
                DayType::Weekday(date.weekday().num_days_from_monday() as u8)
            }
        }
    }

    fn fallback(self) -> DayType {
        match self {
            DayType::Holiday => DayType::Weekday(6),
            DayType::AfterHoliday => DayType::Weekday(0),
            w => w,
        }
    }

    /// Label for reports.
    pub fn label(self) -> String {
        match self {
            DayType::Weekday(k) => {
                ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][k as usize % 7].to_string()
            }
            DayType::Holiday => "法定节假日".into(),
            DayType::AfterHoliday => "节后首个工作日".into(),
        }
    }
}

/// Forecast calls and handle time for one interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalForecast {
    /// Date.
    pub date: NaiveDate,
    /// Interval start, minutes after midnight.
    pub start_minute: u32,
    /// Interval length, minutes.
    pub minutes: u32,
    /// Calls offered.
    pub calls: f64,
    /// Average handle time, seconds.
    pub aht_seconds: f64,
}

/// A fitted model: factors, level, profiles and handle times.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// Interval length, minutes.
    pub minutes: u32,
    /// Mean daily volume per type ÷ that of ordinary days.
    pub factors: BTreeMap<DayType, f64>,
    /// Calls on an ordinary day at the recent level.
    pub level: f64,
    /// Share of the day's calls per interval start, per type.
    pub profiles: BTreeMap<DayType, BTreeMap<u32, f64>>,
    /// AHT per interval start, seconds.
    pub aht: BTreeMap<u32, f64>,
    /// Mean caller patience, seconds (censored exponential estimate), when the history has
    /// wait times: (answered × ASA + abandoned × time to abandon) ÷ abandoned.
    pub patience_seconds: Option<f64>,
}

/// Days of history the level is taken from.
pub const LEVEL_DAYS: i64 = 28;

/// Checks the history: one interval length, intervals on its grid, no duplicate
/// (date, start), every year covered by the calendar. Errors name the row (1-based).
pub fn check(history: &[HistoryRow], cal: &Calendar) -> Result<u32, ConfigError> {
    let Some(first) = history.first() else {
        return Err(ConfigError::Invalid("the call history is empty".into()));
    };
    let minutes = first.minutes;
    if ![15, 30, 60].contains(&minutes) {
        return Err(ConfigError::Invalid(format!(
            "history row 1: interval of {minutes} minutes; expected 15, 30 or 60"
        )));
    }
    let mut seen = BTreeMap::new();
    for (i, r) in history.iter().enumerate() {
        let row = i + 1;
        if r.minutes != minutes {
            return Err(ConfigError::Invalid(format!(
                "history row {row}: interval of {} minutes, but the file uses {minutes}",
                r.minutes
            )));
        }
        if r.start_minute % minutes != 0 || r.start_minute >= 1440 {
            return Err(ConfigError::Invalid(format!(
                "history row {row}: interval start {} is not on the {minutes}-minute grid",
                super::hhmm(r.start_minute)
            )));
        }
        if let Some(prev) = seen.insert((r.date, r.start_minute), row) {
            return Err(ConfigError::Invalid(format!(
                "history row {row}: {} {} repeats row {prev}",
                r.date,
                super::hhmm(r.start_minute)
            )));
        }
        if !cal.covers_year(r.date.year()) {
            return Err(ConfigError::UnknownCalendarYear(r.date.year()));
        }
    }
    Ok(minutes)
}

/// Fits the model on the whole history.
pub fn fit(history: &[HistoryRow], cal: &Calendar) -> Result<Model, ConfigError> {
    let minutes = check(history, cal)?;
    let mut daily: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for r in history {
        *daily.entry(r.date).or_default() += r.offered as f64;
    }
    let types: BTreeMap<NaiveDate, DayType> =
        daily.keys().map(|d| (*d, DayType::of(*d, cal))).collect();
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len().max(1) as f64;
    let ordinary: Vec<f64> = daily
        .iter()
        .filter(|(d, _)| matches!(types[*d], DayType::Weekday(_)))
        .map(|(_, v)| *v)
        .collect();
    let base = mean(&ordinary);
    if base <= 0.0 {
        return Err(ConfigError::Invalid(
            "the call history has no calls on ordinary days".into(),
        ));
    }
    let mut by_type: BTreeMap<DayType, Vec<f64>> = BTreeMap::new();
    for (d, v) in &daily {
        by_type.entry(types[d]).or_default().push(*v);
    }
    let factors: BTreeMap<DayType, f64> =
        by_type.iter().map(|(t, v)| (*t, mean(v) / base)).collect();
    let last = *daily.keys().next_back().expect("non-empty");
    let recent: Vec<f64> = daily
        .range(last - Duration::days(LEVEL_DAYS - 1)..)
        .map(|(d, v)| v / factors[&types[d]].max(1e-9))
        .collect();
    let level = mean(&recent);
    let mut profiles: BTreeMap<DayType, BTreeMap<u32, f64>> = BTreeMap::new();
    let mut totals: BTreeMap<DayType, f64> = BTreeMap::new();
    let mut aht_num: BTreeMap<u32, f64> = BTreeMap::new();
    let mut aht_den: BTreeMap<u32, f64> = BTreeMap::new();
    let (mut exposure, mut abandons, mut timed) = (0.0, 0.0, true);
    for r in history {
        let t = types[&r.date];
        *profiles
            .entry(t)
            .or_default()
            .entry(r.start_minute)
            .or_default() += r.offered as f64;
        *totals.entry(t).or_default() += r.offered as f64;
        *aht_num.entry(r.start_minute).or_default() += r.aht_seconds * r.answered as f64;
        *aht_den.entry(r.start_minute).or_default() += r.answered as f64;
        // Wait times are needed where there are calls of that kind.
        let asa_known = r.answered == 0 || r.asa_seconds.is_some();
        let ata_known = r.abandoned == 0 || r.abandon_seconds.is_some();
        if asa_known && ata_known {
            exposure += r.asa_seconds.unwrap_or(0.0) * r.answered as f64
                + r.abandon_seconds.unwrap_or(0.0) * r.abandoned as f64;
            abandons += r.abandoned as f64;
        } else {
            timed = false;
        }
    }
    for (t, p) in profiles.iter_mut() {
        let total = totals[t].max(1e-9);
        for v in p.values_mut() {
            *v /= total;
        }
    }
    let all_num: f64 = aht_num.values().sum();
    let all_den: f64 = aht_den.values().sum();
    let overall_aht = if all_den > 0.0 {
        all_num / all_den
    } else {
        0.0
    };
    let aht = (0..1440 / minutes)
        .map(|k| {
            let m = k * minutes;
            let den = aht_den.get(&m).copied().unwrap_or(0.0);
            let v = if den > 0.0 {
                aht_num[&m] / den
            } else {
                overall_aht
            };
            (m, v)
        })
        .collect();
    Ok(Model {
        minutes,
        factors,
        level,
        profiles,
        aht,
        patience_seconds: (timed && abandons > 0.0).then(|| exposure / abandons),
    })
}

impl Model {
    fn factor(&self, t: DayType) -> f64 {
        self.factors
            .get(&t)
            .or_else(|| self.factors.get(&t.fallback()))
            .copied()
            .unwrap_or(1.0)
    }

    fn profile(&self, t: DayType) -> Option<&BTreeMap<u32, f64>> {
        self.profiles
            .get(&t)
            .or_else(|| self.profiles.get(&t.fallback()))
    }

    /// Forecast for the given dates, every interval of each.
    pub fn forecast(&self, dates: &[NaiveDate], cal: &Calendar) -> Vec<IntervalForecast> {
        let mut out = Vec::new();
        for &date in dates {
            let t = DayType::of(date, cal);
            let volume = self.level * self.factor(t);
            let profile = self.profile(t);
            for k in 0..1440 / self.minutes {
                let m = k * self.minutes;
                let share = profile.and_then(|p| p.get(&m)).copied().unwrap_or(0.0);
                out.push(IntervalForecast {
                    date,
                    start_minute: m,
                    minutes: self.minutes,
                    calls: volume * share,
                    aht_seconds: self.aht.get(&m).copied().unwrap_or(0.0),
                });
            }
        }
        out
    }
}

/// Forecast accuracy on held-out days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackTest {
    /// Days held out (the last of the history).
    pub days: Vec<NaiveDate>,
    /// MAPE of daily totals, per day: |forecast − actual| ÷ actual.
    pub by_day: Vec<(NaiveDate, f64)>,
    /// MAPE per interval of the day over the held-out days (intervals with calls only).
    pub by_interval: Vec<(u32, f64)>,
    /// Mean of `by_day`.
    pub mape_daily: f64,
    /// Mean absolute percentage error over every (day, interval) with calls.
    pub mape_interval: f64,
    /// Weighted error over every interval: Σ|forecast − actual| ÷ Σ actual (quiet night
    /// intervals with one or two calls inflate the MAPE; this one weighs by volume).
    pub wape_interval: f64,
}

/// Fits on the history without its last `holdout_days` and scores those days.
pub fn back_test(
    history: &[HistoryRow],
    cal: &Calendar,
    holdout_days: i64,
) -> Result<BackTest, ConfigError> {
    check(history, cal)?;
    let last = history.iter().map(|r| r.date).max().expect("checked");
    let cut = last - Duration::days(holdout_days - 1);
    let train: Vec<HistoryRow> = history.iter().filter(|r| r.date < cut).cloned().collect();
    if train.len() < history.len() / 4 || train.is_empty() {
        return Err(ConfigError::Invalid(format!(
            "the history is too short for a {holdout_days}-day back-test"
        )));
    }
    let model = fit(&train, cal)?;
    let days: Vec<NaiveDate> = (0..holdout_days).map(|k| cut + Duration::days(k)).collect();
    let f = model.forecast(&days, cal);
    let actual: BTreeMap<(NaiveDate, u32), f64> = history
        .iter()
        .filter(|r| r.date >= cut)
        .map(|r| ((r.date, r.start_minute), r.offered as f64))
        .collect();
    let mut by_day = Vec::new();
    let mut per_interval: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    let (mut all, mut abs_err, mut volume) = (Vec::new(), 0.0, 0.0);
    for d in &days {
        let fd: Vec<&IntervalForecast> = f.iter().filter(|x| x.date == *d).collect();
        let ft: f64 = fd.iter().map(|x| x.calls).sum();
        let at: f64 = fd
            .iter()
            .map(|x| actual.get(&(*d, x.start_minute)).copied().unwrap_or(0.0))
            .sum();
        if at > 0.0 {
            by_day.push((*d, (ft - at).abs() / at));
        }
        for x in fd {
            let a = actual.get(&(*d, x.start_minute)).copied().unwrap_or(0.0);
            abs_err += (x.calls - a).abs();
            volume += a;
            if a > 0.0 {
                let ape = (x.calls - a).abs() / a;
                per_interval.entry(x.start_minute).or_default().push(ape);
                all.push(ape);
            }
        }
    }
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len().max(1) as f64;
    let day_errors: Vec<f64> = by_day.iter().map(|(_, e)| *e).collect();
    Ok(BackTest {
        mape_daily: mean(&day_errors),
        by_interval: per_interval.iter().map(|(m, v)| (*m, mean(v))).collect(),
        by_day,
        days,
        mape_interval: mean(&all),
        wape_interval: if volume > 0.0 { abs_err / volume } else { 0.0 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        Calendar::from_toml_strs([
            include_str!("../../../data/calendar/2025.toml"),
            include_str!("../../../data/calendar/2026.toml"),
        ])
        .unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// From `data/calendar/2026.toml`: 10-01..03 statutory, 10-04 a Sunday, 10-05..07 rest in
    /// lieu, 10-08 a Thursday back at work (10-10 is the make-up Saturday); the Spring
    /// Festival break runs 02-15 (Sunday) to 02-23, so 02-24 is the first working day after.
    #[test]
    fn day_types_follow_the_calendar() {
        let c = cal();
        assert_eq!(DayType::of(d("2026-10-01"), &c), DayType::Holiday);
        assert_eq!(DayType::of(d("2026-10-04"), &c), DayType::Holiday);
        assert_eq!(DayType::of(d("2026-10-06"), &c), DayType::Holiday);
        assert_eq!(DayType::of(d("2026-10-08"), &c), DayType::AfterHoliday);
        assert_eq!(DayType::of(d("2026-02-15"), &c), DayType::Holiday);
        assert_eq!(DayType::of(d("2026-02-24"), &c), DayType::AfterHoliday);
        // 2026-03-02 is a Monday after an ordinary weekend.
        assert_eq!(DayType::of(d("2026-03-02"), &c), DayType::Weekday(0));
        assert_eq!(DayType::of(d("2026-03-08"), &c), DayType::Weekday(6));
    }

    fn row(date: &str, start: u32, offered: u32, aht: f64) -> HistoryRow {
        HistoryRow {
            date: d(date),
            start_minute: start,
            minutes: 60,
            offered,
            answered: offered,
            abandoned: 0,
            aht_seconds: aht,
            asa_seconds: None,
            abandon_seconds: None,
        }
    }

    /// Four March 2026 weeks of hourly history, worked by hand: every ordinary day has 10
    /// calls at 09:00 and 30 at 14:00 (40 a day), except Mondays with 20 + 60 = 80. Ordinary
    /// days all count in the base: (4 × 80 + 24 × 40) ÷ 28 = 1280 ÷ 28 = 45.714…; Monday's
    /// factor 80 ÷ 45.714 = 1.75, Tuesday's 40 ÷ 45.714 = 0.875. Level over the last 28 days
    /// = mean of volume ÷ factor = 45.714. So a Monday forecasts 80 calls: 20 at 09:00 (share
    /// 0.25) and 60 at 14:00, and a Tuesday 10 and 30. AHT at 14:00 is (200·30·24 + 300·60·4)
    /// ÷ (30·24 + 60·4) = 216,000 ÷ 960 = 225 s.
    #[test]
    fn fit_and_forecast_by_hand() {
        let c = cal();
        let mut h = Vec::new();
        for k in 0..28 {
            let date = d("2026-03-02") + Duration::days(k);
            let monday = date.weekday().num_days_from_monday() == 0;
            let (a, b, aht) = if monday {
                (20, 60, 300.0)
            } else {
                (10, 30, 200.0)
            };
            h.push(row(&date.to_string(), 9 * 60, a, aht));
            h.push(row(&date.to_string(), 14 * 60, b, aht));
        }
        let m = fit(&h, &c).unwrap();
        assert!((m.factors[&DayType::Weekday(0)] - 1.75).abs() < 1e-9);
        assert!((m.factors[&DayType::Weekday(1)] - 0.875).abs() < 1e-9);
        assert!((m.level - 1280.0 / 28.0).abs() < 1e-9);
        let f = m.forecast(&[d("2026-03-30"), d("2026-03-31")], &c);
        let at = |date: &str, hour: u32| {
            f.iter()
                .find(|x| x.date == d(date) && x.start_minute == hour * 60)
                .unwrap()
                .clone()
        };
        assert!((at("2026-03-30", 9).calls - 20.0).abs() < 1e-9);
        assert!((at("2026-03-30", 14).calls - 60.0).abs() < 1e-9);
        assert!((at("2026-03-31", 14).calls - 30.0).abs() < 1e-9);
        assert!((at("2026-03-31", 3).calls).abs() < 1e-12);
        assert!((at("2026-03-31", 14).aht_seconds - 225.0).abs() < 1e-9);
        assert_eq!(m.patience_seconds, None);
        // A perfectly regular history back-tests without error.
        let bt = back_test(&h, &c, 7).unwrap();
        assert!(bt.mape_daily < 1e-9 && bt.wape_interval < 1e-9, "{bt:?}");
    }

    /// Patience, the censored exponential estimate: 90 answered after 10 s on average and 10
    /// abandoned after 40 s: (90·10 + 10·40) ÷ 10 = 130 s.
    #[test]
    fn patience_from_wait_times() {
        let mut r = row("2026-03-02", 600, 100, 200.0);
        (r.answered, r.abandoned) = (90, 10);
        (r.asa_seconds, r.abandon_seconds) = (Some(10.0), Some(40.0));
        let m = fit(&[r], &cal()).unwrap();
        assert!((m.patience_seconds.unwrap() - 130.0).abs() < 1e-9);
    }

    /// Rows off the grid, repeated or with another interval length are refused by row.
    #[test]
    fn bad_history_rows_are_named() {
        let c = cal();
        let e = check(
            &[row("2026-03-02", 0, 1, 1.0), row("2026-03-02", 0, 1, 1.0)],
            &c,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("row 2") && e.contains("repeats row 1"), "{e}");
        let mut odd = row("2026-03-02", 90, 1, 1.0);
        odd.minutes = 60;
        let e = check(&[odd], &c).unwrap_err().to_string();
        assert!(e.contains("row 1") && e.contains("grid"), "{e}");
        assert!(check(&[], &c).is_err());
    }
}
