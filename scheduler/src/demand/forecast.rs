//! Interval forecast (话务预测) from the call history.
//!
//! Method, chosen to be explainable to a purchaser and robust on a few months of data:
//! - every date has a day type: its weekday, or a statutory holiday, or the first working
//!   day after a holiday (heavier: the backlog of the break), or a make-up working day
//!   (调休上班);
//! - a type factor: the mean daily volume of the type ÷ the mean daily volume of ordinary
//!   days (weekdays that are none of the other types);
//! - the level: the mean over the last 28 days of history of (volume ÷ type factor), so a
//!   trend in recent weeks carries into the forecast;
//! - the profile: for each type, the share of the day's calls in each interval;
//! - forecast calls = level × type factor × profile share; AHT per interval of the day is the
//!   answered-weighted mean over the history.
//!
//! Make-up working days are a type of their own: a 调休上班 Saturday or Sunday is a working
//! day (the offices callers deal with are open), so it is not the weekend day it falls on —
//! counted as one it would also lift that weekday's factor — and it is no particular weekday
//! either (the notices name none). Its factor and profile are measured on the make-up days of
//! the history; a history without one borrows the mean ordinary Monday-Friday day (factor and
//! pooled profile), with a warning.
//!
//! A type missing from the history borrows, with a warning: holiday → Sunday,
//! first-after-holiday → Monday, make-up day → the mean Monday-Friday. A weekday missing from
//! the history (or a type whose loan is missing too) is refused: its days would get no calls.
//!
//! What the history must be ([`audit`], run by [`fit`]): every day between its first and last
//! has all its intervals (a missing interval would count as no calls: refused, by date and
//! interval) and some calls (a day without any is an outage or a broken export: refused);
//! days with no rows at all are left out of the factors, profiles and level, with a warning.
//! [`forecast_month`] adds the month's reach: a month starting before the history is refused;
//! a month inside the history is forecast with a warning (its days are in the fit); a month
//! ending more than [`HORIZON_DAYS`] after the history's last day is refused (no trend, no
//! season: only the level of the last 28 days).
//!
//! The back-test refits on the history before its last ordinary days and scores those days
//! only: holidays, the days after them and make-up days in between are neither trained on nor
//! scored (a handful of them would swamp the daily error the planner reads).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::HistoryRow;
use crate::calendar::{is_weekend, month_dates, Calendar, DayKind};
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
    /// A make-up working day (调休上班): a Saturday or Sunday worked for a day of a break.
    Makeup,
}

/// Where a day type's factor and profile come from when the history has none of it.
enum Loan {
    /// Another type's.
    Type(DayType),
    /// The mean ordinary Monday-Friday day.
    WorkingDay,
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
                if is_weekend(date) {
                    // A working Saturday or Sunday is a make-up day (the calendar allows no
                    // other).
                    return DayType::Makeup;
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

    fn loan(self) -> Option<Loan> {
        match self {
            DayType::Holiday => Some(Loan::Type(DayType::Weekday(6))),
            DayType::AfterHoliday => Some(Loan::Type(DayType::Weekday(0))),
            DayType::Makeup => Some(Loan::WorkingDay),
            DayType::Weekday(_) => None,
        }
    }

    /// Whether this is an ordinary day (a weekday that is no holiday, no first day after one
    /// and no make-up day): the days the back-test scores.
    pub fn is_ordinary(self) -> bool {
        matches!(self, DayType::Weekday(_))
    }

    /// Label for reports.
    pub fn label(self) -> String {
        match self {
            DayType::Weekday(k) => {
                ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][k as usize % 7].to_string()
            }
            DayType::Holiday => "法定节假日".into(),
            DayType::AfterHoliday => "节后首个工作日".into(),
            DayType::Makeup => "调休上班".into(),
        }
    }

    /// Label with the English name, for messages: `周日 (Sunday)`.
    pub fn name(self) -> String {
        let english = match self {
            DayType::Weekday(k) => [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ][k as usize % 7],
            DayType::Holiday => "statutory holiday",
            DayType::AfterHoliday => "first working day after a holiday",
            DayType::Makeup => "make-up working day",
        };
        format!("{} ({english})", self.label())
    }
}

/// Dates as text, consecutive ones as ranges: `2026-03-01, 2026-03-08..2026-03-10`.
pub fn dates_text(dates: &[NaiveDate]) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for &d in dates {
        match runs.last_mut() {
            Some((_, end)) if *end + Duration::days(1) == d => *end = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}..{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Interval starts as spans of the day: `12:00-24:00`.
fn spans_text(starts: &[u32], minutes: u32) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &m in starts {
        match runs.last_mut() {
            Some((_, end)) if *end == m => *end = m + minutes,
            _ => runs.push((m, m + minutes)),
        }
    }
    runs.iter()
        .map(|(a, b)| format!("{}-{}", super::hhmm(*a), super::hhmm(*b)))
        .collect::<Vec<_>>()
        .join(", ")
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
    /// The mean ordinary Monday-Friday day, lent to make-up days when the history has none:
    /// its factor and pooled profile (None without any such day).
    pub working_day: Option<(f64, BTreeMap<u32, f64>)>,
    /// AHT per interval start, seconds.
    pub aht: BTreeMap<u32, f64>,
    /// Mean caller patience, seconds (censored exponential estimate), when the history has
    /// wait times: (answered × ASA + abandoned × time to abandon) ÷ abandoned.
    pub patience_seconds: Option<f64>,
}

/// Days of history the level is taken from.
pub const LEVEL_DAYS: i64 = 28;

/// How far the forecast reaches: the month's last day at most this many days after the
/// history's last day. 62 days take a month's complete history to the end of the month after
/// next (2026-02-28 → 2026-04-30, 61 days), and a history ending on any day of a month to the
/// end of the next. The forecast has no trend and no season, only the level of the last
/// [`LEVEL_DAYS`]; further out that level is stale.
pub const HORIZON_DAYS: i64 = 62;

/// Problem lines shown in one refusal at most (then "… and N more").
const SHOWN: usize = 10;

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

/// What [`audit`] found in a usable history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryAudit {
    /// Interval length, minutes.
    pub minutes: u32,
    /// First date of the history.
    pub first: NaiveDate,
    /// Last date of the history.
    pub last: NaiveDate,
    /// Dates between the first and the last without any row (left out of the fit).
    pub missing_days: Vec<NaiveDate>,
    /// What the planner should know (missing days).
    pub warnings: Vec<String>,
}

/// Joins problem lines into one refusal, the first [`SHOWN`] of them.
fn refusal(lines: Vec<String>) -> ConfigError {
    let n = lines.len();
    let mut shown: Vec<String> = lines.into_iter().take(SHOWN).collect();
    if n > SHOWN {
        shown.push(format!("… and {} more", n - SHOWN));
    }
    ConfigError::Invalid(shown.join("\n"))
}

/// Checks the history as a whole, after [`check`]: a day with some of its intervals missing
/// and a day without any call are refused (every such day named, with the missing intervals);
/// days between the first and the last with no rows at all are a warning.
pub fn audit(history: &[HistoryRow], cal: &Calendar) -> Result<HistoryAudit, ConfigError> {
    let minutes = check(history, cal)?;
    let per_day = (1440 / minutes) as usize;
    let mut days: BTreeMap<NaiveDate, (BTreeSet<u32>, u64)> = BTreeMap::new();
    for r in history {
        let e = days.entry(r.date).or_default();
        e.0.insert(r.start_minute);
        e.1 += u64::from(r.offered);
    }
    let first = *days.keys().next().expect("checked: not empty");
    let last = *days.keys().next_back().expect("checked: not empty");
    let mut problems = Vec::new();
    let mut silent = Vec::new();
    for (d, (starts, calls)) in &days {
        if starts.len() < per_day {
            let missing: Vec<u32> = (0..1440 / minutes)
                .map(|k| k * minutes)
                .filter(|m| !starts.contains(m))
                .collect();
            problems.push(format!(
                "history {d}: {} of {per_day} intervals missing ({}); a missing interval would \
                 count as no calls (rule: every day of the history has all its intervals; add \
                 them, with 0 where there were no calls, or remove the day's rows to leave the \
                 day out)",
                missing.len(),
                spans_text(&missing, minutes)
            ));
        } else if *calls == 0 {
            silent.push(*d);
        }
    }
    // Consecutive silent days as one line.
    let mut runs: Vec<Vec<NaiveDate>> = Vec::new();
    for d in silent {
        match runs.last_mut() {
            Some(run) if *run.last().expect("non-empty") + Duration::days(1) == d => run.push(d),
            _ => runs.push(vec![d]),
        }
    }
    for run in runs {
        problems.push(format!(
            "history {} ({} day{}): no calls at all, in every interval; a day without calls is \
             an outage or a broken export, not a quiet day (rule: every day of the history has \
             calls; re-export it, or remove its rows to leave it out)",
            dates_text(&run),
            run.len(),
            if run.len() == 1 { "" } else { "s" }
        ));
    }
    if !problems.is_empty() {
        return Err(refusal(problems));
    }
    let missing_days: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter(|d| !days.contains_key(d))
        .collect();
    let mut warnings = Vec::new();
    if !missing_days.is_empty() {
        warnings.push(format!(
            "history {} ({} day{}): no rows; left out of the day-type factors, profiles and \
             level, which rest on the other days (rule: a missing day is left out)",
            dates_text(&missing_days),
            missing_days.len(),
            if missing_days.len() == 1 { "" } else { "s" }
        ));
    }
    Ok(HistoryAudit {
        minutes,
        first,
        last,
        missing_days,
        warnings,
    })
}

/// Fits the model on the whole history, after [`audit`] (whose refusals it returns).
pub fn fit(history: &[HistoryRow], cal: &Calendar) -> Result<Model, ConfigError> {
    let minutes = audit(history, cal)?.minutes;
    let mut daily: BTreeMap<NaiveDate, f64> = BTreeMap::new();
    for r in history {
        *daily.entry(r.date).or_default() += r.offered as f64;
    }
    let types: BTreeMap<NaiveDate, DayType> =
        daily.keys().map(|d| (*d, DayType::of(*d, cal))).collect();
    let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len().max(1) as f64;
    let ordinary: Vec<f64> = daily
        .iter()
        .filter(|(d, _)| types[*d].is_ordinary())
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
    let mut working: BTreeMap<u32, f64> = BTreeMap::new();
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
        if matches!(t, DayType::Weekday(0..=4)) {
            *working.entry(r.start_minute).or_default() += r.offered as f64;
        }
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
    // The mean ordinary Monday-Friday day: mean daily volume ÷ base, pooled profile.
    let working_days: Vec<f64> = daily
        .iter()
        .filter(|(d, _)| matches!(types[*d], DayType::Weekday(0..=4)))
        .map(|(_, v)| *v)
        .collect();
    let working_day = (!working_days.is_empty()).then(|| {
        let total: f64 = working.values().sum::<f64>().max(1e-9);
        let profile = working.iter().map(|(m, v)| (*m, v / total)).collect();
        (mean(&working_days) / base, profile)
    });
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
        working_day,
        aht,
        patience_seconds: (timed && abandons > 0.0).then(|| exposure / abandons),
    })
}

impl Model {
    /// The factor and profile of a type: its own, else its loan (and from what), else None.
    fn shape(&self, t: DayType) -> Option<(f64, &BTreeMap<u32, f64>, Option<String>)> {
        if let (Some(f), Some(p)) = (self.factors.get(&t), self.profiles.get(&t)) {
            return Some((*f, p, None));
        }
        match t.loan()? {
            Loan::Type(o) => {
                let (f, p) = (self.factors.get(&o)?, self.profiles.get(&o)?);
                Some((*f, p, Some(o.name())))
            }
            Loan::WorkingDay => {
                let (f, p) = self.working_day.as_ref()?;
                Some((*f, p, Some("the mean ordinary Monday-Friday day".into())))
            }
        }
    }

    /// Forecast for the given dates, every interval of each, with the warnings: a type the
    /// history lacks borrows (named in a warning); a date whose type has neither history nor
    /// a loan is refused, by type and dates, since it would get no calls.
    pub fn forecast(
        &self,
        dates: &[NaiveDate],
        cal: &Calendar,
    ) -> Result<(Vec<IntervalForecast>, Vec<String>), ConfigError> {
        let mut out = Vec::new();
        let mut lent: BTreeMap<(DayType, String), Vec<NaiveDate>> = BTreeMap::new();
        let mut lacking: BTreeMap<DayType, Vec<NaiveDate>> = BTreeMap::new();
        for &date in dates {
            let t = DayType::of(date, cal);
            let Some((factor, profile, loan)) = self.shape(t) else {
                lacking.entry(t).or_default().push(date);
                continue;
            };
            if let Some(from) = loan {
                lent.entry((t, from)).or_default().push(date);
            }
            let volume = self.level * factor;
            for k in 0..1440 / self.minutes {
                let m = k * self.minutes;
                let share = profile.get(&m).copied().unwrap_or(0.0);
                out.push(IntervalForecast {
                    date,
                    start_minute: m,
                    minutes: self.minutes,
                    calls: volume * share,
                    aht_seconds: self.aht.get(&m).copied().unwrap_or(0.0),
                });
            }
        }
        if !lacking.is_empty() {
            return Err(refusal(
                lacking
                    .iter()
                    .map(|(t, ds)| {
                        let loan = match t.loan() {
                            Some(Loan::Type(o)) => format!(", nor {} that it borrows", o.name()),
                            Some(Loan::WorkingDay) => {
                                ", nor an ordinary Monday-Friday day that it borrows".into()
                            }
                            None => String::new(),
                        };
                        format!(
                            "no {} in the history{loan}: {} would be forecast with no calls \
                             and no agents (rule: every day type of the month needs history)",
                            t.name(),
                            dates_text(ds)
                        )
                    })
                    .collect(),
            ));
        }
        let warnings = lent
            .iter()
            .map(|((t, from), ds)| {
                format!(
                    "no {} in the history: {} forecast as {from} (rule: a holiday, the day \
                     after one or a make-up day without history borrows)",
                    t.name(),
                    dates_text(ds)
                )
            })
            .collect();
        Ok((out, warnings))
    }
}

/// Forecast accuracy on held-out ordinary days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackTest {
    /// Days held out and scored: the last ordinary days of the history.
    pub days: Vec<NaiveDate>,
    /// Days of the history from the first held-out day on that are not ordinary (holidays,
    /// first days after them, make-up days): neither trained on nor scored.
    #[serde(default)]
    pub not_scored: Vec<NaiveDate>,
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

/// Holds out the history's last `holdout_days` ordinary days, fits on the days before the
/// first of them and scores them (the days in between that are not ordinary are left out of
/// both).
pub fn back_test(
    history: &[HistoryRow],
    cal: &Calendar,
    holdout_days: i64,
) -> Result<BackTest, ConfigError> {
    audit(history, cal)?;
    if holdout_days < 1 {
        return Err(ConfigError::Invalid(format!(
            "a back-test holds out 1 day or more, not {holdout_days}"
        )));
    }
    let present: BTreeSet<NaiveDate> = history.iter().map(|r| r.date).collect();
    let mut days: Vec<NaiveDate> = present
        .iter()
        .rev()
        .filter(|d| DayType::of(**d, cal).is_ordinary())
        .take(holdout_days as usize)
        .copied()
        .collect();
    days.reverse();
    let too_short = || {
        ConfigError::Invalid(format!(
            "the history is too short for a {holdout_days}-day back-test"
        ))
    };
    if days.len() < holdout_days as usize {
        return Err(too_short());
    }
    let cut = days[0];
    let train: Vec<HistoryRow> = history.iter().filter(|r| r.date < cut).cloned().collect();
    if train.len() < history.len() / 4 || train.is_empty() {
        return Err(too_short());
    }
    let not_scored: Vec<NaiveDate> = present
        .range(cut..)
        .filter(|d| !days.contains(d))
        .copied()
        .collect();
    let model = fit(&train, cal)?;
    let (f, _) = model
        .forecast(&days, cal)
        .map_err(|e| ConfigError::Invalid(format!("back-test before {cut}: {e}")))?;
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
        not_scored,
        mape_interval: mean(&all),
        wape_interval: if volume > 0.0 { abs_err / volume } else { 0.0 },
    })
}

/// A month's forecast with its model, back-test and warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthForecast {
    /// The model fitted on the whole history.
    pub model: Model,
    /// The back-test on the history's last ordinary days.
    pub backtest: BackTest,
    /// Every interval of the month.
    pub intervals: Vec<IntervalForecast>,
    /// What the planner should know: missing days, a month inside the history, borrowed
    /// day types.
    pub warnings: Vec<String>,
}

/// Forecasts every interval of `year`-`month` from the history: [`audit`], the month's reach
/// (before the history: refused; inside it: a warning; ending more than [`HORIZON_DAYS`]
/// after it: refused), [`fit`], the day types of the month ([`Model::forecast`]) and the
/// [`back_test`] of `holdout_days` ordinary days. The month's refusals come together.
pub fn forecast_month(
    history: &[HistoryRow],
    cal: &Calendar,
    year: i32,
    month: u32,
    holdout_days: i64,
) -> Result<MonthForecast, ConfigError> {
    let audit = audit(history, cal)?;
    let dates = month_dates(year, month)?;
    if !cal.covers_year(year) {
        return Err(ConfigError::UnknownCalendarYear(year));
    }
    let (from, to) = (dates[0], *dates.last().expect("a month has days"));
    let name = format!("{year}-{month:02}");
    let mut warnings = audit.warnings.clone();
    let mut problems = Vec::new();
    if from < audit.first {
        problems.push(format!(
            "month {name} starts before the history, whose first day is {}: the forecast carries \
             the history's recent level forward and cannot reach back (rule: the month does \
             not start before the history)",
            audit.first
        ));
    } else if from <= audit.last {
        let inside: Vec<NaiveDate> = dates
            .iter()
            .filter(|d| **d <= audit.last)
            .copied()
            .collect();
        warnings.push(format!(
            "month {name} is inside the history ({} in it): those days are forecast by a model \
             fitted on them, not unseen (rule: a forecast is for the days after the history)",
            dates_text(&inside)
        ));
    } else if (to - audit.last).num_days() > HORIZON_DAYS {
        problems.push(format!(
            "month {name} ends {to}, {} days after the history's last day {}: the forecast \
             reaches {HORIZON_DAYS} days past the history, having no trend or season, only the \
             level of its last {LEVEL_DAYS} days (rule: horizon of {HORIZON_DAYS} days; add \
             recent history)",
            (to - audit.last).num_days(),
            audit.last
        ));
    }
    let model = fit(history, cal)?;
    let intervals = match model.forecast(&dates, cal) {
        Ok((intervals, lent)) => {
            warnings.extend(lent);
            intervals
        }
        Err(e) => {
            problems.push(e.to_string());
            Vec::new()
        }
    };
    if !problems.is_empty() {
        return Err(ConfigError::Invalid(problems.join("\n")));
    }
    let backtest = back_test(history, cal, holdout_days)?;
    Ok(MonthForecast {
        model,
        backtest,
        intervals,
        warnings,
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

    /// 调休上班: the `makeup` lists of 2025.toml and 2026.toml. 2026-05-09 and 2026-10-10 are
    /// Saturdays, 2025-09-28 and 2026-09-20 Sundays, each after an ordinary working Friday or
    /// Saturday: make-up days. 2026-01-04 (Sunday) follows 01-01 (statutory), 01-02 (rest in
    /// lieu) and 01-03 (Saturday): the first working day after the holiday comes first.
    /// 2026-05-16, the Saturday after, is an ordinary Saturday.
    #[test]
    fn makeup_days_are_their_own_type() {
        let c = cal();
        for day in [
            "2026-05-09",
            "2026-10-10",
            "2026-02-14",
            "2026-02-28",
            "2025-09-28",
            "2026-09-20",
        ] {
            assert_eq!(DayType::of(d(day), &c), DayType::Makeup, "{day}");
        }
        assert_eq!(DayType::of(d("2026-01-04"), &c), DayType::AfterHoliday);
        assert_eq!(DayType::of(d("2026-05-16"), &c), DayType::Weekday(5));
        assert!(!DayType::Makeup.is_ordinary());
        assert_eq!(DayType::Makeup.label(), "调休上班");
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

    /// A whole day of hourly rows: `calls` at the given hours, 0 in every other hour.
    fn day(date: NaiveDate, calls: &[(u32, u32, f64)]) -> Vec<HistoryRow> {
        (0..24)
            .map(|h| {
                let (offered, aht) = calls
                    .iter()
                    .find(|(hour, _, _)| *hour == h)
                    .map_or((0, 0.0), |(_, n, a)| (*n, *a));
                row(&date.to_string(), h * 60, offered, aht)
            })
            .collect()
    }

    /// Days `from..=to` of the week pattern worked by hand in the tests below: Monday 20 calls
    /// at 09:00 and 60 at 14:00 (80), Tuesday-Friday 10 and 30 (40), Saturday and Sunday 20 at
    /// 10:00; AHT 200 s. Dates in `skip` get no rows.
    fn weeks(from: &str, to: &str, skip: &[&str]) -> Vec<HistoryRow> {
        let mut h = Vec::new();
        for date in d(from).iter_days().take_while(|x| *x <= d(to)) {
            if skip.contains(&date.to_string().as_str()) {
                continue;
            }
            let calls: &[(u32, u32, f64)] = match date.weekday().num_days_from_monday() {
                0 => &[(9, 20, 200.0), (14, 60, 200.0)],
                1..=4 => &[(9, 10, 200.0), (14, 30, 200.0)],
                _ => &[(10, 20, 200.0)],
            };
            h.extend(day(date, calls));
        }
        h
    }

    fn calls_at(f: &[IntervalForecast], date: &str, hour: u32) -> f64 {
        f.iter()
            .find(|x| x.date == d(date) && x.start_minute == hour * 60)
            .unwrap()
            .calls
    }

    /// Four March 2026 weeks of hourly history, worked by hand: every ordinary day has 10
    /// calls at 09:00 and 30 at 14:00 (40 a day), except Mondays with 20 + 60 = 80. Ordinary
    /// days all count in the base: (4 × 80 + 24 × 40) ÷ 28 = 1280 ÷ 28 = 45.714…; Monday's
    /// factor 80 ÷ 45.714 = 1.75, Tuesday's 40 ÷ 45.714 = 0.875. Level over the last 28 days
    /// = mean of volume ÷ factor = 45.714. So a Monday forecasts 80 calls: 20 at 09:00 (share
    /// 0.25) and 60 at 14:00, and a Tuesday 10 and 30. AHT at 14:00 is (200·30·24 + 300·60·4)
    /// ÷ (30·24 + 60·4) = 216,000 ÷ 960 = 225 s.
    ///
    /// (The other 22 hours of each day now have rows with 0 calls: a day with missing
    /// intervals is refused.)
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
            h.extend(day(date, &[(9, a, aht), (14, b, aht)]));
        }
        let m = fit(&h, &c).unwrap();
        assert!((m.factors[&DayType::Weekday(0)] - 1.75).abs() < 1e-9);
        assert!((m.factors[&DayType::Weekday(1)] - 0.875).abs() < 1e-9);
        assert!((m.level - 1280.0 / 28.0).abs() < 1e-9);
        let (f, warnings) = m.forecast(&[d("2026-03-30"), d("2026-03-31")], &c).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
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
    /// abandoned after 40 s: (90·10 + 10·40) ÷ 10 = 130 s. (The rest of the day: rows with
    /// 0 calls.)
    #[test]
    fn patience_from_wait_times() {
        let mut h = day(d("2026-03-02"), &[]);
        let r = &mut h[10];
        (r.offered, r.answered, r.abandoned, r.aht_seconds) = (100, 90, 10, 200.0);
        (r.asa_seconds, r.abandon_seconds) = (Some(10.0), Some(40.0));
        let m = fit(&h, &cal()).unwrap();
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

    /// Case 1 of the hardening issue: the four weeks 2026-03-02..29 with calls, then four
    /// weeks 2026-03-30..04-26 (27 days after 03-30: 28 days) with every row at 0 calls, and
    /// one silent Tuesday 03-10 inside. Counted as quiet days the level of the last 28 days
    /// would be 0 and so every agent need. Each silent stretch is refused by its dates.
    #[test]
    fn days_without_calls_are_refused() {
        let c = cal();
        let mut h = weeks("2026-03-02", "2026-03-29", &["2026-03-10"]);
        h.extend(day(d("2026-03-10"), &[]));
        for date in d("2026-03-30").iter_days().take(28) {
            h.extend(day(date, &[]));
        }
        let rule = "no calls at all, in every interval; a day without calls is an outage or a \
                    broken export, not a quiet day (rule: every day of the history has calls; \
                    re-export it, or remove its rows to leave it out)";
        let expected = format!(
            "history 2026-03-10 (1 day): {rule}\nhistory 2026-03-30..2026-04-26 (28 days): {rule}"
        );
        assert_eq!(fit(&h, &c).unwrap_err().to_string(), expected);
        assert_eq!(
            forecast_month(&h, &c, 2026, 5, 14).unwrap_err().to_string(),
            expected
        );
        assert_eq!(back_test(&h, &c, 7).unwrap_err().to_string(), expected);
    }

    /// Case 3: 2026-03-10 has its hours 00:00-11:00 only (12 of 24 intervals, 12:00-24:00
    /// missing); 2026-03-17 lacks 03:00 and 14:00-16:00 (3 of 24). Both refused, by date and
    /// interval span.
    #[test]
    fn missing_intervals_are_refused() {
        let c = cal();
        let mut h = weeks("2026-03-01", "2026-03-28", &[]);
        h.retain(|r| {
            !(r.date == d("2026-03-10") && r.start_minute >= 12 * 60
                || r.date == d("2026-03-17")
                    && [3 * 60, 14 * 60, 15 * 60].contains(&r.start_minute))
        });
        let rule = "a missing interval would count as no calls (rule: every day of the history \
                    has all its intervals; add them, with 0 where there were no calls, or remove \
                    the day's rows to leave the day out)";
        let e = fit(&h, &c).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "history 2026-03-10: 12 of 24 intervals missing (12:00-24:00); {rule}\n\
                 history 2026-03-17: 3 of 24 intervals missing (03:00-04:00, 14:00-16:00); {rule}"
            )
        );
    }

    /// Missing days are left out, with a warning. 2026-03-01..28 by the week pattern without
    /// Tuesday 03-10: base = (4·80 + 15·40 + 8·20) ÷ 27 = 1080 ÷ 27 = 40; Tuesday's factor
    /// 40 ÷ 40 = 1 from the three Tuesdays present (a missing day counted as 0 would make it
    /// 30 ÷ 40); level 40. So Tuesday 2026-04-14 is 10 at 09:00 and 30 at 14:00.
    /// April's types the history lacks borrow, with warnings: 04-04 (Saturday before),
    /// 04-05 (清明, Sunday) and 04-06 (rest in lieu) are holidays → Sunday's factor 20 ÷ 40 =
    /// 0.5, 20 calls at 10:00; 04-07 is the first working day after → Monday's 2.0: 20 at
    /// 09:00, 60 at 14:00.
    #[test]
    fn missing_days_and_borrowed_types_are_warnings() {
        let c = cal();
        let h = weeks("2026-03-01", "2026-03-28", &["2026-03-10"]);
        let m = forecast_month(&h, &c, 2026, 4, 7).unwrap();
        assert_eq!(
            m.warnings,
            [
                "history 2026-03-10 (1 day): no rows; left out of the day-type factors, \
                 profiles and level, which rest on the other days (rule: a missing day is left \
                 out)",
                "no 法定节假日 (statutory holiday) in the history: 2026-04-04..2026-04-06 \
                 forecast as 周日 (Sunday) (rule: a holiday, the day after one or a make-up day \
                 without history borrows)",
                "no 节后首个工作日 (first working day after a holiday) in the history: \
                 2026-04-07 forecast as 周一 (Monday) (rule: a holiday, the day after one or a \
                 make-up day without history borrows)",
            ]
        );
        assert!((m.model.level - 40.0).abs() < 1e-9);
        assert!((m.model.factors[&DayType::Weekday(1)] - 1.0).abs() < 1e-9);
        let f = &m.intervals;
        assert_eq!(f.len(), 30 * 24);
        assert!((calls_at(f, "2026-04-14", 9) - 10.0).abs() < 1e-9);
        assert!((calls_at(f, "2026-04-14", 14) - 30.0).abs() < 1e-9);
        for holiday in ["2026-04-04", "2026-04-05", "2026-04-06"] {
            assert!((calls_at(f, holiday, 10) - 20.0).abs() < 1e-9);
            assert!(calls_at(f, holiday, 14).abs() < 1e-12);
        }
        assert!((calls_at(f, "2026-04-07", 9) - 20.0).abs() < 1e-9);
        assert!((calls_at(f, "2026-04-07", 14) - 60.0).abs() < 1e-9);
    }

    /// Case 2: 2026-03-02..28 without its Sundays (03-08, 03-15, 03-22). April's Sundays
    /// 04-12, 04-19 and 04-26 would get no calls: refused. Its holidays 04-04..06 borrow
    /// Sunday, missing too: refused. (04-05, a Sunday, is 清明, a holiday.) 04-07 borrows
    /// Monday, which is there.
    #[test]
    fn a_day_type_without_history_is_refused() {
        let c = cal();
        let h = weeks(
            "2026-03-02",
            "2026-03-28",
            &["2026-03-08", "2026-03-15", "2026-03-22"],
        );
        let e = forecast_month(&h, &c, 2026, 4, 7).unwrap_err().to_string();
        let rule = "would be forecast with no calls and no agents (rule: every day type of the \
                    month needs history)";
        assert_eq!(
            e,
            format!(
                "no 周日 (Sunday) in the history: 2026-04-12, 2026-04-19, 2026-04-26 {rule}\n\
                 no 法定节假日 (statutory holiday) in the history, nor 周日 (Sunday) that it \
                 borrows: 2026-04-04..2026-04-06 {rule}"
            )
        );
        // The model itself refuses the same way.
        let m = fit(&h, &c).unwrap();
        assert!(m.forecast(&[d("2026-04-12")], &c).is_err());
        assert!(m.forecast(&[d("2026-04-13")], &c).is_ok());
    }

    /// Case 4, history 2026-03-01..28: February starts before it (refused); March is inside
    /// it (03-01..28; a warning, the forecast is made); April ends 33 days after 03-28
    /// (3 + 30); May ends 3 + 30 + 31 = 64 days after: beyond the 62-day horizon (refused).
    /// The horizon's edge: a history to 2026-03-30 reaches May exactly (1 + 30 + 31 = 62).
    #[test]
    fn the_month_must_be_within_the_reach_of_the_history() {
        let c = cal();
        let h = weeks("2026-03-01", "2026-03-28", &[]);
        let e = forecast_month(&h, &c, 2026, 2, 7).unwrap_err().to_string();
        assert_eq!(
            e,
            "month 2026-02 starts before the history, whose first day is 2026-03-01: the \
             forecast carries the history's recent level forward and cannot reach back (rule: \
             the month does not start before the history)"
        );
        let m = forecast_month(&h, &c, 2026, 3, 7).unwrap();
        assert_eq!(
            m.warnings,
            [
                "month 2026-03 is inside the history (2026-03-01..2026-03-28 in it): those days \
              are forecast by a model fitted on them, not unseen (rule: a forecast is for the \
              days after the history)"
            ]
        );
        assert_eq!(m.intervals.len(), 31 * 24);
        assert!(forecast_month(&h, &c, 2026, 4, 7).is_ok());
        let e = forecast_month(&h, &c, 2026, 5, 7).unwrap_err().to_string();
        assert_eq!(
            e,
            "month 2026-05 ends 2026-05-31, 64 days after the history's last day 2026-03-28: \
             the forecast reaches 62 days past the history, having no trend or season, only \
             the level of its last 28 days (rule: horizon of 62 days; add recent history)"
        );
        let to_30 = weeks("2026-03-01", "2026-03-30", &[]);
        assert!(forecast_month(&to_30, &c, 2026, 5, 7).is_ok());
        let to_29 = weeks("2026-03-01", "2026-03-29", &[]);
        let e = forecast_month(&to_29, &c, 2026, 5, 7)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("month 2026-05 ends 2026-05-31, 63 days after"),
            "{e}"
        );
    }

    /// Case 5. History 2026-03-01..28 by the week pattern, no make-up day in it: base =
    /// (4·80 + 16·40 + 8·20) ÷ 28 = 1120 ÷ 28 = 40, level 40. The mean ordinary Monday-Friday
    /// is (4·80 + 16·40) ÷ 20 = 48 calls (factor 1.2), 09:00 holding (4·20 + 16·10) ÷ 960 =
    /// 0.25 of them and 14:00 0.75. So the make-up Saturday 2026-05-09 is 12 calls at 09:00
    /// and 36 at 14:00, none at 10:00 — not the 20 at 10:00 of the Saturday 05-16.
    #[test]
    fn a_makeup_day_without_history_borrows_the_working_day() {
        let c = cal();
        let m = fit(&weeks("2026-03-01", "2026-03-28", &[]), &c).unwrap();
        let (f, warnings) = m.forecast(&[d("2026-05-09"), d("2026-05-16")], &c).unwrap();
        assert!((calls_at(&f, "2026-05-09", 9) - 12.0).abs() < 1e-9);
        assert!((calls_at(&f, "2026-05-09", 14) - 36.0).abs() < 1e-9);
        assert!(calls_at(&f, "2026-05-09", 10).abs() < 1e-12);
        assert!((calls_at(&f, "2026-05-16", 10) - 20.0).abs() < 1e-9);
        assert_eq!(
            warnings,
            [
                "no 调休上班 (make-up working day) in the history: 2026-05-09 forecast as the \
              mean ordinary Monday-Friday day (rule: a holiday, the day after one or a make-up \
              day without history borrows)"
            ]
        );
    }

    /// Case 5, with a make-up day in the history: 2026-08-31..09-24 by the week pattern
    /// except the make-up Sunday 09-20 with 15 calls at 09:00 and 15 at 14:00. Ordinary days:
    /// 4 Mondays (80), 15 Tuesday-Fridays (40) and 5 weekend days (20): base = (320 + 600 +
    /// 100) ÷ 24 = 42.5; make-up factor 30 ÷ 42.5; every day's volume ÷ its factor is 42.5,
    /// so the level is 42.5 and the make-up Saturday 2026-10-10 is 30 calls, 15 and 15; no
    /// warning. Sunday 09-20 did not enter Sunday's factor: 20 ÷ 42.5.
    #[test]
    fn a_makeup_day_with_history_is_measured() {
        let c = cal();
        let mut h = weeks("2026-08-31", "2026-09-24", &["2026-09-20"]);
        h.extend(day(d("2026-09-20"), &[(9, 15, 200.0), (14, 15, 200.0)]));
        let m = fit(&h, &c).unwrap();
        assert!((m.level - 42.5).abs() < 1e-9);
        assert!((m.factors[&DayType::Makeup] - 30.0 / 42.5).abs() < 1e-9);
        assert!((m.factors[&DayType::Weekday(6)] - 20.0 / 42.5).abs() < 1e-9);
        let (f, warnings) = m.forecast(&[d("2026-10-10")], &c).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!((calls_at(&f, "2026-10-10", 9) - 15.0).abs() < 1e-9);
        assert!((calls_at(&f, "2026-10-10", 14) - 15.0).abs() < 1e-9);
    }

    /// Case 6. History 2026-08-31..10-11 (42 days) through the Mid-Autumn and National Day
    /// breaks: every ordinary day 10 calls at 09:00 and 30 at 14:00 (40), except Friday 10-09
    /// and Sunday 10-11 with 10 and 40 (50); holidays 5 calls at 10:00; the days after 60;
    /// make-up days 09-20 (in the training) 40 and 10-10 35. The last 7 ordinary days are
    /// 09-22, 09-23, 09-24, 09-29, 09-30, 10-09 and 10-11; the model is fitted on
    /// 08-31..09-21 (all 40: factors 1, level 40) and forecasts each 10 + 30. Scored: daily
    /// errors 0 five times and 10 ÷ 50 = 0.2 twice: MAPE 0.4 ÷ 7; intervals with calls 14, two
    /// of them off by 10 ÷ 40 = 0.25: MAPE 0.5 ÷ 14; WAPE 20 ÷ (5·40 + 2·50) = 20 ÷ 300.
    /// Not scored: 09-25..28 (holiday, day after), 10-01..08, 10-10: 13 days. (The old
    /// back-test scored the last 7 calendar days, 10-05..11: four holidays forecast from
    /// nothing like them.)
    #[test]
    fn the_back_test_scores_ordinary_days() {
        let c = cal();
        let mut h = Vec::new();
        for date in d("2026-08-31").iter_days().take(42) {
            let calls: &[(u32, u32, f64)] = match DayType::of(date, &c) {
                DayType::Holiday => &[(10, 5, 200.0)],
                DayType::AfterHoliday => &[(9, 15, 200.0), (14, 45, 200.0)],
                DayType::Makeup if date == d("2026-10-10") => &[(9, 5, 200.0), (14, 30, 200.0)],
                _ if date == d("2026-10-09") || date == d("2026-10-11") => {
                    &[(9, 10, 200.0), (14, 40, 200.0)]
                }
                _ => &[(9, 10, 200.0), (14, 30, 200.0)],
            };
            h.extend(day(date, calls));
        }
        let bt = back_test(&h, &c, 7).unwrap();
        let ds = |xs: &[&str]| xs.iter().map(|x| d(x)).collect::<Vec<_>>();
        assert_eq!(
            bt.days,
            ds(&[
                "2026-09-22",
                "2026-09-23",
                "2026-09-24",
                "2026-09-29",
                "2026-09-30",
                "2026-10-09",
                "2026-10-11"
            ])
        );
        assert_eq!(
            dates_text(&bt.not_scored),
            "2026-09-25..2026-09-28, 2026-10-01..2026-10-08, 2026-10-10"
        );
        assert_eq!(bt.not_scored.len(), 13);
        assert!((bt.mape_daily - 0.4 / 7.0).abs() < 1e-9, "{bt:?}");
        assert!((bt.mape_interval - 0.5 / 14.0).abs() < 1e-9, "{bt:?}");
        assert!((bt.wape_interval - 20.0 / 300.0).abs() < 1e-9, "{bt:?}");
        assert_eq!(bt.by_interval, vec![(540, 0.0), (840, 0.5 / 7.0)]);
        assert_eq!(
            back_test(&h, &c, 30).unwrap_err().to_string(),
            "the history is too short for a 30-day back-test"
        );
    }
}
