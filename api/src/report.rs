//! Periodic HR reports (报表): the figures of a day, an ISO week, a month or a quarter, computed
//! without any I/O from what `workforce report` has read (staff and HR records, rosters,
//! attendance, the call history, the payroll). The workbook is [`crate::excel::report_xlsx`].
//!
//! Reading order:
//! - [`Period`]: `2026-03-05` (日报), `2026-W10` (周报, ISO week), `2026-03` (月报),
//!   `2026-Q1` (季报), with its date range, the months it touches and its buckets;
//! - staffing (人员): [`Employment`] → [`staffing`]: headcount on post against the contracted
//!   seats and the reserve, joiners, leavers and the attrition rate ([`attrition`]);
//! - attendance (考勤): [`PersonHours`] from an attendance month ([`person_hours`],
//!   [`overtime_hours`]), summed per person ([`sum_by_person`]) and per team ([`by_team`]);
//! - service (话务): [`service_rows`] by day, week, month or quarter from the call history;
//!   satisfaction and callback timeliness through [`quality`], the one place measured values
//!   will replace today's KPI scores;
//! - KPI (绩效): [`paid_rating`] reads what a payslip was paid on, [`kpi_by_team`] averages it;
//! - labour cost (人工费): [`cost_table`], every item by month.
//!
//! Money, hours and rates are [`Decimal`]; a rate is a fraction (0.9388 for 93.88 %), rounded
//! only by the workbook's number format.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use payroll::{Kpi, MonthCost, Payslip, TimeSheet};
use rust_decimal::prelude::FromPrimitive as _;
use rust_decimal::Decimal;
use scheduler::demand::HistoryRow;

use crate::attendance::PersonMonth;

/// Seats on post the contract requires (合同坐席): the Danzhou sub-platform's 52.
pub const CONTRACTED_SEATS: u32 = 52;

/// The purchaser's answer-rate target (接通率 ≥ 90 %), drawn as a line on the service chart.
pub const ANSWER_RATE_TARGET: Decimal = Decimal::from_parts(90, 0, 0, false, 2);

// ---------------------------------------------------------------------------------------------
// Periods.

/// The length of a report period, also the grain of a breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodKind {
    /// One date (日报).
    Day,
    /// An ISO 8601 week, Monday to Sunday (周报).
    Week,
    /// A calendar month (月报).
    Month,
    /// A calendar quarter (季报).
    Quarter,
}

impl PeriodKind {
    /// The report's Chinese name.
    #[must_use]
    pub fn report_zh(self) -> &'static str {
        match self {
            PeriodKind::Day => "日报",
            PeriodKind::Week => "周报",
            PeriodKind::Month => "月报",
            PeriodKind::Quarter => "季报",
        }
    }
}

/// A report period: a kind and its first and last dates (inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    kind: PeriodKind,
    first: NaiveDate,
    last: NaiveDate,
}

/// A period text that is not one of the four forms, or names no such date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("period `{text}`: {reason} (expected a day 2026-03-05, an ISO week 2026-W10, a month 2026-03 or a quarter 2026-Q1)")]
pub struct PeriodError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Years a period may fall in (as for `--month`).
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

fn last_of_month(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .expect("a month in range")
}

/// ISO weeks in an ISO year: 53 when 28 December falls in week 53, else 52.
#[must_use]
pub fn iso_weeks_in(year: i32) -> u32 {
    NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |d| d.iso_week().week())
}

impl Period {
    /// One date.
    #[must_use]
    pub fn day(date: NaiveDate) -> Period {
        Period {
            kind: PeriodKind::Day,
            first: date,
            last: date,
        }
    }

    /// ISO week `week` of ISO year `year` (Monday to Sunday); `None` if the year has no such
    /// week.
    #[must_use]
    pub fn iso_week(year: i32, week: u32) -> Option<Period> {
        let first = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)?;
        Some(Period {
            kind: PeriodKind::Week,
            first,
            last: first + Days::new(6),
        })
    }

    /// A calendar month; `None` unless `month` is 1–12.
    #[must_use]
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(Period {
            kind: PeriodKind::Month,
            first,
            last: last_of_month(year, month),
        })
    }

    /// A calendar quarter; `None` unless `quarter` is 1–4.
    #[must_use]
    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?;
        Some(Period {
            kind: PeriodKind::Quarter,
            first,
            last: last_of_month(year, quarter * 3),
        })
    }

    /// The period of `kind` that contains `date`.
    #[must_use]
    pub fn containing(date: NaiveDate, kind: PeriodKind) -> Period {
        let found = match kind {
            PeriodKind::Day => Some(Period::day(date)),
            PeriodKind::Week => {
                let w = date.iso_week();
                Period::iso_week(w.year(), w.week())
            }
            PeriodKind::Month => Period::month(date.year(), date.month()),
            PeriodKind::Quarter => Period::quarter(date.year(), date.month0() / 3 + 1),
        };
        found.expect("every date lies in a period of each kind")
    }

    /// Day, week, month or quarter.
    #[must_use]
    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// First date.
    #[must_use]
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// Last date (inclusive).
    #[must_use]
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// Whether `date` lies in the period.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// Number of dates.
    #[must_use]
    pub fn len_days(&self) -> u32 {
        (self.last - self.first).num_days() as u32 + 1
    }

    /// Every date, in order.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last;
        self.first.iter_days().take_while(move |d| *d <= last)
    }

    /// The months the period touches, as `(year, month)` in order (a week may touch two).
    #[must_use]
    pub fn months(&self) -> Vec<(i32, u32)> {
        let mut out: Vec<(i32, u32)> = Vec::new();
        for d in self.dates() {
            let ym = (d.year(), d.month());
            if out.last() != Some(&ym) {
                out.push(ym);
            }
        }
        out
    }

    /// The months the period touches as `YYYY-MM` (the roster and attendance key).
    #[must_use]
    pub fn month_keys(&self) -> Vec<String> {
        self.months()
            .into_iter()
            .map(|(y, m)| format!("{y}-{m:02}"))
            .collect()
    }

    /// Whether the period is made of whole months (month, quarter): pay, KPI and overtime are
    /// settled by the month, so they are reported for these only.
    #[must_use]
    pub fn whole_months(&self) -> bool {
        matches!(self.kind, PeriodKind::Month | PeriodKind::Quarter)
    }

    /// The period cut into consecutive buckets of `grain` (the first and last clipped to the
    /// period: ISO weeks of a month start and end inside it).
    #[must_use]
    pub fn buckets(&self, grain: PeriodKind) -> Vec<Bucket> {
        let mut out: Vec<Bucket> = Vec::new();
        for d in self.dates() {
            let p = Period::containing(d, grain);
            match out.last_mut() {
                Some(b) if b.period == p => b.last = d,
                _ => out.push(Bucket {
                    period: p,
                    first: d,
                    last: d,
                }),
            }
        }
        out
    }

    /// The period in Chinese: `2026年3月5日（星期四）`, `2026年第10周（3月2日—3月8日）`,
    /// `2026年3月`, `2026年第1季度`.
    #[must_use]
    pub fn title_zh(&self) -> String {
        let f = self.first;
        match self.kind {
            PeriodKind::Day => format!(
                "{}年{}月{}日（{}）",
                f.year(),
                f.month(),
                f.day(),
                weekday_zh(f.weekday())
            ),
            PeriodKind::Week => {
                let w = f.iso_week();
                format!(
                    "{}年第{}周（{}月{}日—{}月{}日）",
                    w.year(),
                    w.week(),
                    f.month(),
                    f.day(),
                    self.last.month(),
                    self.last.day()
                )
            }
            PeriodKind::Month => format!("{}年{}月", f.year(), f.month()),
            PeriodKind::Quarter => format!("{}年第{}季度", f.year(), f.month0() / 3 + 1),
        }
    }
}

impl fmt::Display for Period {
    /// The canonical text: `2026-03-05`, `2026-W10`, `2026-03`, `2026-Q1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.first;
        match self.kind {
            PeriodKind::Day => write!(f, "{}", d.format("%Y-%m-%d")),
            PeriodKind::Week => {
                let w = d.iso_week();
                write!(f, "{}-W{:02}", w.year(), w.week())
            }
            PeriodKind::Month => write!(f, "{}-{:02}", d.year(), d.month()),
            PeriodKind::Quarter => write!(f, "{}-Q{}", d.year(), d.month0() / 3 + 1),
        }
    }
}

/// `1`–`max_len` ASCII digits as a number.
fn digits(s: &str, max_len: usize) -> Option<u32> {
    (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Parses `2026-03-05`, `2026-W10` (also `w`), `2026-03` or `2026-Q1` (also `q`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| PeriodError {
            text: s.to_owned(),
            reason,
        };
        let t = s.trim();
        let (y, rest) = t
            .split_once('-')
            .ok_or_else(|| err("no `-` after the year".into()))?;
        let year = digits(y, 4)
            .filter(|_| y.len() == 4)
            .ok_or_else(|| err(format!("the year `{y}` is not four digits")))?
            as i32;
        if !YEARS.contains(&year) {
            return Err(err(format!(
                "the year {year} is outside {}–{}",
                YEARS.start(),
                YEARS.end()
            )));
        }
        if let Some(w) = rest.strip_prefix(['W', 'w']) {
            let week =
                digits(w, 2).ok_or_else(|| err(format!("the week `{w}` is not a number")))?;
            let weeks = iso_weeks_in(year);
            return Period::iso_week(year, week).ok_or_else(|| {
                err(format!(
                    "ISO year {year} has weeks 1–{weeks}, not week {week}"
                ))
            });
        }
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let quarter =
                digits(q, 1).ok_or_else(|| err(format!("the quarter `{q}` is not a number")))?;
            return Period::quarter(year, quarter)
                .ok_or_else(|| err(format!("quarter {quarter} is not 1–4")));
        }
        match rest.split_once('-') {
            Some((m, d)) => {
                let month =
                    digits(m, 2).ok_or_else(|| err(format!("the month `{m}` is not a number")))?;
                let day =
                    digits(d, 2).ok_or_else(|| err(format!("the day `{d}` is not a number")))?;
                NaiveDate::from_ymd_opt(year, month, day)
                    .map(Period::day)
                    .ok_or_else(|| err(format!("there is no date {year}-{month:02}-{day:02}")))
            }
            None => {
                let month = digits(rest, 2)
                    .ok_or_else(|| err(format!("the month `{rest}` is not a number")))?;
                Period::month(year, month).ok_or_else(|| err(format!("month {month} is not 1–12")))
            }
        }
    }
}

/// A stretch of a period: the `period` of the breakdown's grain it belongs to, clipped to the
/// report period by `first` and `last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    /// The whole day, week, month or quarter.
    pub period: Period,
    /// First date inside the report period.
    pub first: NaiveDate,
    /// Last date inside the report period.
    pub last: NaiveDate,
}

impl Bucket {
    /// Whether the bucket is cut by the report period (a week across a month's end).
    #[must_use]
    pub fn clipped(&self) -> bool {
        self.first != self.period.first || self.last != self.period.last
    }

    /// A short label: `03-05`, `2026-W10`, `2026-03`, `2026-Q1`; a clipped week gets its dates.
    #[must_use]
    pub fn label(&self) -> String {
        match self.period.kind {
            PeriodKind::Day => self.first.format("%m-%d").to_string(),
            PeriodKind::Week if self.clipped() => format!(
                "{}（{}—{}）",
                self.period,
                self.first.format("%m-%d"),
                self.last.format("%m-%d")
            ),
            _ => self.period.to_string(),
        }
    }
}

/// `星期一` … `星期日`.
#[must_use]
pub fn weekday_zh(w: Weekday) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][w.num_days_from_monday() as usize]
}

// ---------------------------------------------------------------------------------------------
// Groups: teams of the four-shift rotation, the fixed day shift, the reserve.

/// Where a person belongs for team totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// A team (班组) of the four-shift rotation.
    Team(u32),
    /// On post without a team: the manager, callback, QA and the analyst on the day shift.
    NoTeam,
    /// The reserve (预备人员).
    Reserve,
}

impl Group {
    /// The group of a person.
    #[must_use]
    pub fn of(team: Option<u32>, reserve: bool) -> Group {
        match (reserve, team) {
            (true, _) => Group::Reserve,
            (false, Some(t)) => Group::Team(t),
            (false, None) => Group::NoTeam,
        }
    }

    /// `1班`, `常白班（无班组）`, `预备人员`.
    #[must_use]
    pub fn label_zh(self) -> String {
        match self {
            Group::Team(t) => format!("{t}班"),
            Group::NoTeam => "常白班（无班组）".into(),
            Group::Reserve => "预备人员".into(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Staffing and attrition.

/// One person's employment: HR's dates joined with the staff list's team and reserve flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employment {
    /// Employee id (工号).
    pub id: String,
    /// Name.
    pub name: String,
    /// Team, if any.
    pub team: Option<u32>,
    /// Reserve (预备人员) rather than on post.
    pub reserve: bool,
    /// First day employed.
    pub hired_on: NaiveDate,
    /// Last day employed, if leaving or left.
    pub left_on: Option<NaiveDate>,
}

impl Employment {
    /// Still employed when `date` is over: hired by then and not leaving on or before it.
    #[must_use]
    pub fn on_books_after(&self, date: NaiveDate) -> bool {
        self.hired_on <= date && self.left_on.is_none_or(|l| l > date)
    }
}

/// Headcount split into staff on post and the reserve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Headcount {
    /// On post (在岗), counted against the contracted seats.
    pub on_post: u32,
    /// Reserve (预备人员).
    pub reserve: u32,
}

impl Headcount {
    /// On post plus reserve.
    #[must_use]
    pub fn total(self) -> u32 {
        self.on_post + self.reserve
    }
}

/// Headcount when `date` is over (期末人数 of a period ending on `date`): people hired on or
/// before it whose last day is after it.
#[must_use]
pub fn headcount_after(people: &[Employment], date: NaiveDate) -> Headcount {
    let mut h = Headcount::default();
    for p in people.iter().filter(|p| p.on_books_after(date)) {
        if p.reserve {
            h.reserve += 1;
        } else {
            h.on_post += 1;
        }
    }
    h
}

/// A joiner or a leaver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// Employee id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Team or reserve.
    pub group: Group,
    /// Hire date (joiner) or last day employed (leaver).
    pub date: NaiveDate,
}

/// The staffing figures of a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staffing {
    /// Contracted seats on post.
    pub contracted: u32,
    /// Headcount at the start (期初): when the day before the period is over.
    pub start: Headcount,
    /// Headcount at the end (期末): when the last day of the period is over.
    pub end: Headcount,
    /// Hired on a date of the period, by date.
    pub joiners: Vec<Move>,
    /// Last day employed on a date of the period, by date.
    pub leavers: Vec<Move>,
    /// (start + end) ÷ 2, on post and reserve together.
    pub average_headcount: Decimal,
    /// Leavers ÷ average headcount; `None` when nobody was employed.
    pub attrition: Option<Decimal>,
    /// Headcount at the end of each day (day, week, month report) or month (quarter).
    pub series: Vec<(Bucket, Headcount)>,
    /// Headcount at the end, per group.
    pub by_group: Vec<(Group, u32)>,
}

/// Attrition rate (人员流失率) = leavers ÷ average headcount, where average headcount =
/// (headcount at the start + headcount at the end) ÷ 2.
///
/// This is the usual formula of Chinese HR practice (流失率 = 离职人数 ÷ 平均人数 × 100%,
/// 平均人数 = (期初人数 + 期末人数) ÷ 2) and the one the purchaser's staff-attrition figure
/// asks for. The common alternative is leavers ÷ (headcount at the start + joiners): everyone
/// on the books during the period, so it never exceeds 100 % and is defined for a team that
/// starts from zero; it reads lower when many join. For a quarter, some firms average the
/// three monthly averages instead of the two ends, which smooths a quarter with large swings.
/// Neither alternative is used here.
///
/// `None` when the average is zero (nobody employed at either end).
#[must_use]
pub fn attrition(leavers: u32, start: u32, end: u32) -> Option<Decimal> {
    let average = Decimal::from(start + end) / Decimal::TWO;
    (!average.is_zero()).then(|| Decimal::from(leavers) / average)
}

/// The staffing figures of `period`.
///
/// Start and end are taken when a day is over, so that end = start + joiners − leavers
/// exactly: someone hired on the first day is a joiner, not in the start; someone whose last
/// day is the period's last day is a leaver, not in the end. On post and reserve are counted
/// separately against the contract, and together for the attrition rate (a reserve who leaves
/// is a leaver too).
#[must_use]
pub fn staffing(period: &Period, people: &[Employment], contracted: u32) -> Staffing {
    let day_before = period.first().pred_opt().expect("a date after 2000");
    let start = headcount_after(people, day_before);
    let end = headcount_after(people, period.last());
    let moves = |date: fn(&Employment) -> Option<NaiveDate>| {
        let mut v: Vec<Move> = people
            .iter()
            .filter_map(|p| {
                date(p).filter(|d| period.contains(*d)).map(|d| Move {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    group: Group::of(p.team, p.reserve),
                    date: d,
                })
            })
            .collect();
        v.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        v
    };
    let joiners = moves(|p| Some(p.hired_on));
    let leavers = moves(|p| p.left_on);
    let grain = if period.kind() == PeriodKind::Quarter {
        PeriodKind::Month
    } else {
        PeriodKind::Day
    };
    let series = period
        .buckets(grain)
        .into_iter()
        .map(|b| (b, headcount_after(people, b.last)))
        .collect();
    let mut groups: BTreeMap<Group, u32> = BTreeMap::new();
    for p in people.iter().filter(|p| p.on_books_after(period.last())) {
        *groups.entry(Group::of(p.team, p.reserve)).or_default() += 1;
    }
    Staffing {
        contracted,
        start,
        end,
        average_headcount: Decimal::from(start.total() + end.total()) / Decimal::TWO,
        attrition: attrition(leavers.len() as u32, start.total(), end.total()),
        joiners,
        leavers,
        series,
        by_group: groups.into_iter().collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Attendance: hours per person and team.

/// One person's attendance over a stretch (a month, a part of one, or summed months).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonHours {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Team.
    pub team: Option<u32>,
    /// Reserve.
    pub reserve: bool,
    /// Shifts worked.
    pub shifts: u32,
    /// Paid hours on working days.
    pub ordinary_hours: Decimal,
    /// Paid hours on rest days.
    pub rest_day_hours: Decimal,
    /// Paid hours on statutory holidays.
    pub holiday_hours: Decimal,
    /// Night shifts.
    pub night_shifts: u32,
    /// Leave days (every kind).
    pub leave_days: Decimal,
    /// Days of absence (旷工).
    pub absence_days: u32,
    /// Late arrivals.
    pub late: u32,
    /// Early leaves.
    pub early_leave: u32,
    /// Missing clock-ins or clock-outs.
    pub missing_punches: u32,
    /// Overtime hours as payroll counts them; `None` unless every part was a whole month
    /// (comprehensive hours are settled by the month).
    pub overtime_hours: Option<Decimal>,
    /// Some of the figures are the roster's (no attendance record).
    pub from_roster: bool,
}

impl PersonHours {
    /// Paid hours worked: working days + rest days + statutory holidays.
    #[must_use]
    pub fn worked_hours(&self) -> Decimal {
        self.ordinary_hours + self.rest_day_hours + self.holiday_hours
    }

    /// The person's group.
    #[must_use]
    pub fn group(&self) -> Group {
        Group::of(self.team, self.reserve)
    }
}

/// Hours a day of work is owed (8 h; `hours_per_day` of the pay rules).
const HOURS_PER_DAY: u32 = 8;

/// Overtime hours of a whole month, counted as payroll pays them (`payroll::overtime`):
/// hours owed = 8 × (working days employed − leave days − absence days);
/// - comprehensive hours (综合工时, shift workers): working-day and rest-day hours beyond the
///   hours owed, plus statutory-holiday hours;
/// - standard hours (标准工时, `working_days_only`): working-day hours beyond the hours owed,
///   plus rest-day hours not given time off in lieu, plus statutory-holiday hours.
#[must_use]
pub fn overtime_hours(ts: &TimeSheet, standard_hours: bool) -> Decimal {
    let days = Decimal::from(ts.working_days_employed) - ts.leave.total() - ts.absence_days;
    let owed = (days * Decimal::from(HOURS_PER_DAY)).max(Decimal::ZERO);
    let beyond = if standard_hours {
        (ts.ordinary_day_hours - owed).max(Decimal::ZERO)
            + (ts.rest_day_hours - ts.rest_day_hours_in_lieu).max(Decimal::ZERO)
    } else {
        (ts.ordinary_day_hours + ts.rest_day_hours - owed).max(Decimal::ZERO)
    };
    beyond + ts.statutory_holiday_hours
}

/// One person's figures from a reconciled stretch (a [`PersonMonth`] and its time sheet);
/// overtime only when the stretch is the whole month.
#[must_use]
pub fn person_hours(
    pm: &PersonMonth,
    ts: &TimeSheet,
    e: &scheduler::Employee,
    whole_month: bool,
) -> PersonHours {
    PersonHours {
        employee: pm.employee.clone(),
        name: pm.name.clone(),
        team: e.team,
        reserve: e.reserve,
        shifts: pm.shifts_worked,
        ordinary_hours: pm.ordinary_hours,
        rest_day_hours: pm.rest_day_hours,
        holiday_hours: pm.holiday_hours,
        night_shifts: pm.night_shifts,
        leave_days: pm.leave.total(),
        absence_days: pm.absence_days,
        late: pm.late,
        early_leave: pm.early_leave,
        missing_punches: pm.missing_punches,
        overtime_hours: whole_month.then(|| overtime_hours(ts, e.working_days_only)),
        from_roster: pm.from_roster,
    }
}

/// Sums the parts (months of a quarter, the two months of a week) per person, in order of
/// first appearance; team and reserve are the latest part's. Overtime sums when every part of
/// the person has it.
#[must_use]
pub fn sum_by_person(parts: &[PersonHours]) -> Vec<PersonHours> {
    let mut out: Vec<PersonHours> = Vec::new();
    let mut at: BTreeMap<&str, usize> = BTreeMap::new();
    for p in parts {
        let Some(&i) = at.get(p.employee.as_str()) else {
            at.insert(&p.employee, out.len());
            out.push(p.clone());
            continue;
        };
        let s = &mut out[i];
        s.team = p.team;
        s.reserve = p.reserve;
        s.shifts += p.shifts;
        s.ordinary_hours += p.ordinary_hours;
        s.rest_day_hours += p.rest_day_hours;
        s.holiday_hours += p.holiday_hours;
        s.night_shifts += p.night_shifts;
        s.leave_days += p.leave_days;
        s.absence_days += p.absence_days;
        s.late += p.late;
        s.early_leave += p.early_leave;
        s.missing_punches += p.missing_punches;
        s.overtime_hours = s.overtime_hours.zip(p.overtime_hours).map(|(a, b)| a + b);
        s.from_roster |= p.from_roster;
    }
    out
}

/// A group's attendance totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamHours {
    /// The group.
    pub group: Group,
    /// People in it.
    pub people: u32,
    /// Shifts worked.
    pub shifts: u32,
    /// Paid hours worked.
    pub worked_hours: Decimal,
    /// Overtime hours, if settled (whole months).
    pub overtime_hours: Option<Decimal>,
    /// Night shifts.
    pub night_shifts: u32,
    /// Rest-day hours.
    pub rest_day_hours: Decimal,
    /// Statutory-holiday hours.
    pub holiday_hours: Decimal,
    /// Leave days.
    pub leave_days: Decimal,
    /// Absence days.
    pub absence_days: u32,
}

impl TeamHours {
    /// `total ÷ people`; `None` for an empty group.
    #[must_use]
    pub fn per_person(&self, total: Decimal) -> Option<Decimal> {
        (self.people > 0).then(|| total / Decimal::from(self.people))
    }
}

/// Totals per group (teams 1…, no team, reserve), from per-person figures.
#[must_use]
pub fn by_team(people: &[PersonHours]) -> Vec<TeamHours> {
    let mut groups: BTreeMap<Group, TeamHours> = BTreeMap::new();
    for p in people {
        let g = groups.entry(p.group()).or_insert_with(|| TeamHours {
            group: p.group(),
            people: 0,
            shifts: 0,
            worked_hours: Decimal::ZERO,
            overtime_hours: Some(Decimal::ZERO),
            night_shifts: 0,
            rest_day_hours: Decimal::ZERO,
            holiday_hours: Decimal::ZERO,
            leave_days: Decimal::ZERO,
            absence_days: 0,
        });
        g.people += 1;
        g.shifts += p.shifts;
        g.worked_hours += p.worked_hours();
        g.overtime_hours = g.overtime_hours.zip(p.overtime_hours).map(|(a, b)| a + b);
        g.night_shifts += p.night_shifts;
        g.rest_day_hours += p.rest_day_hours;
        g.holiday_hours += p.holiday_hours;
        g.leave_days += p.leave_days;
        g.absence_days += p.absence_days;
    }
    groups.into_values().collect()
}

/// Where one month's attendance figures came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceSource {
    /// `YYYY-MM`.
    pub month: String,
    /// Attendance records stored for the month's dates in the period (0: the roster is the
    /// time sheet).
    pub records: usize,
    /// People whose figures are the roster's.
    pub from_roster: usize,
}

/// The attendance section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// Per person, summed over the period.
    pub people: Vec<PersonHours>,
    /// Per group.
    pub teams: Vec<TeamHours>,
    /// Per month with a roster.
    pub sources: Vec<AttendanceSource>,
}

impl Attendance {
    /// Builds the section from per-month parts.
    #[must_use]
    pub fn from_parts(parts: &[PersonHours], sources: Vec<AttendanceSource>) -> Attendance {
        let people = sum_by_person(parts);
        let teams = by_team(&people);
        Attendance {
            people,
            teams,
            sources,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Service: the call history by day, week, month, quarter.

/// Calls of a bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    /// The bucket.
    pub bucket: Bucket,
    /// Dates with at least one history row.
    pub days_with_data: u32,
    /// Calls offered (呼入量).
    pub offered: u64,
    /// Calls answered (接通量).
    pub answered: u64,
    /// Calls abandoned (放弃量).
    pub abandoned: u64,
    /// Σ AHT × answered, seconds (for the weighted AHT).
    pub handle_seconds: Decimal,
}

impl ServiceRow {
    /// 接通率 = answered ÷ offered; `None` without calls.
    #[must_use]
    pub fn answer_rate(&self) -> Option<Decimal> {
        (self.offered > 0).then(|| Decimal::from(self.answered) / Decimal::from(self.offered))
    }

    /// 放弃率 = abandoned ÷ offered; `None` without calls.
    #[must_use]
    pub fn abandon_rate(&self) -> Option<Decimal> {
        (self.offered > 0).then(|| Decimal::from(self.abandoned) / Decimal::from(self.offered))
    }

    /// Average handle time of answered calls, seconds, weighted by calls answered.
    #[must_use]
    pub fn aht_seconds(&self) -> Option<Decimal> {
        (self.answered > 0).then(|| self.handle_seconds / Decimal::from(self.answered))
    }
}

/// The history's calls in `period` summed per bucket of `grain` (every bucket, with zero
/// calls and `days_with_data` 0 where the history has nothing).
#[must_use]
pub fn service_rows(history: &[HistoryRow], period: &Period, grain: PeriodKind) -> Vec<ServiceRow> {
    let mut rows: Vec<ServiceRow> = period
        .buckets(grain)
        .into_iter()
        .map(|bucket| ServiceRow {
            bucket,
            days_with_data: 0,
            offered: 0,
            answered: 0,
            abandoned: 0,
            handle_seconds: Decimal::ZERO,
        })
        .collect();
    let mut seen: BTreeSet<NaiveDate> = BTreeSet::new();
    for h in history.iter().filter(|h| period.contains(h.date)) {
        let Some(r) = rows
            .iter_mut()
            .find(|r| r.bucket.first <= h.date && h.date <= r.bucket.last)
        else {
            continue;
        };
        if seen.insert(h.date) {
            r.days_with_data += 1;
        }
        r.offered += u64::from(h.offered);
        r.answered += u64::from(h.answered);
        r.abandoned += u64::from(h.abandoned);
        if h.answered > 0 && h.aht_seconds.is_finite() {
            r.handle_seconds +=
                Decimal::from_f64(h.aht_seconds).unwrap_or_default() * Decimal::from(h.answered);
        }
    }
    rows
}

/// The whole period as one row.
#[must_use]
pub fn service_total(history: &[HistoryRow], period: &Period) -> ServiceRow {
    let rows = service_rows(history, period, PeriodKind::Day);
    let mut total = ServiceRow {
        bucket: Bucket {
            period: *period,
            first: period.first(),
            last: period.last(),
        },
        days_with_data: 0,
        offered: 0,
        answered: 0,
        abandoned: 0,
        handle_seconds: Decimal::ZERO,
    };
    for r in rows {
        total.days_with_data += r.days_with_data;
        total.offered += r.offered;
        total.answered += r.answered;
        total.abandoned += r.abandoned;
        total.handle_seconds += r.handle_seconds;
    }
    total
}

/// The grain of the service summary table: weeks in a month, months in a quarter; `None` for
/// a day or a week (the daily table is the summary).
#[must_use]
pub fn summary_grain(kind: PeriodKind) -> Option<PeriodKind> {
    match kind {
        PeriodKind::Day | PeriodKind::Week => None,
        PeriodKind::Month => Some(PeriodKind::Week),
        PeriodKind::Quarter => Some(PeriodKind::Month),
    }
}

/// What satisfaction and callback timeliness are measured as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualityBasis {
    /// Averages of the 0–100 KPI scores the month was paid on (today: neutral 85 until the
    /// KPI import lands). Scores, not rates.
    KpiScores,
    /// Measured rates (满意率 = satisfied ÷ rated calls, 回访及时率 = callbacks on time ÷
    /// callbacks due), fractions.
    Measured,
}

/// Satisfaction and callback timeliness of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quality {
    /// Scores or measured rates.
    pub basis: QualityBasis,
    /// Satisfaction (score 0–100, or a fraction when measured).
    pub satisfaction: Option<Decimal>,
    /// Person-months behind it.
    pub satisfaction_count: u32,
    /// Callback timeliness (score 0–100, or a fraction when measured).
    pub callback_timeliness: Option<Decimal>,
    /// Person-months behind it.
    pub callback_count: u32,
}

/// Satisfaction (满意度) and callback timeliness (回访及时率) of the period — THE place where
/// measured values will be plugged in.
///
/// Today: the mean of the KPI scores the payslips were paid on, over the person-months whose
/// position weighs the KPI ([`QualityBasis::KpiScores`]; neutral 85 until the KPI import).
/// When the KPI import (`api::kpi`, the call platform's agent report and the callback log)
/// lands, this function takes the measured counts instead and returns
/// [`QualityBasis::Measured`] with satisfied ÷ rated and on time ÷ due, summed over the
/// period before dividing; the workbook already labels and formats each basis.
#[must_use]
pub fn quality(kpis: &[PersonKpi]) -> Quality {
    let mean = |kpi: Kpi| {
        let values: Vec<Decimal> = kpis
            .iter()
            .filter_map(|p| p.rating.scores.get(&kpi).copied())
            .collect();
        let n = values.len() as u32;
        let avg = (n > 0).then(|| values.iter().sum::<Decimal>() / Decimal::from(n));
        (avg, n)
    };
    let (satisfaction, satisfaction_count) = mean(Kpi::Satisfaction);
    let (callback_timeliness, callback_count) = mean(Kpi::CallbackTimeliness);
    Quality {
        basis: QualityBasis::KpiScores,
        satisfaction,
        satisfaction_count,
        callback_timeliness,
        callback_count,
    }
}

/// The service section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// One row per day of the period.
    pub daily: Vec<ServiceRow>,
    /// By week (month report) or month (quarter report); empty for a day or week.
    pub summary: Vec<ServiceRow>,
    /// The period.
    pub total: ServiceRow,
    /// Dates of the period the history has nothing for.
    pub days_without_data: Vec<NaiveDate>,
    /// Satisfaction and callback timeliness (month and quarter reports).
    pub quality: Option<Quality>,
}

impl Service {
    /// Builds the section from the call history.
    #[must_use]
    pub fn new(history: &[HistoryRow], period: &Period, quality: Option<Quality>) -> Service {
        let daily = service_rows(history, period, PeriodKind::Day);
        let days_without_data = daily
            .iter()
            .filter(|r| r.days_with_data == 0)
            .map(|r| r.bucket.first)
            .collect();
        Service {
            summary: summary_grain(period.kind())
                .map(|g| service_rows(history, period, g))
                .unwrap_or_default(),
            total: service_total(history, period),
            daily,
            days_without_data,
            quality,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// KPI results.

/// What a payslip's performance pay was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidRating {
    /// The KPI scores that counted (those the position weighs).
    pub scores: BTreeMap<Kpi, Decimal>,
    /// Σ weight × score.
    pub composite: Decimal,
    /// Coefficient of the band.
    pub coefficient: Decimal,
    /// Performance pay (绩效工资) paid.
    pub performance_pay: Decimal,
}

/// The rating a payslip was paid on, from its `PERF` line: composite and coefficient from the
/// line's inputs, the KPI scores from its working (`composite = answer_rate 85 × 0.30 + …`,
/// written by `payroll::PerformanceRules::rate`). `None` without a readable `PERF` line.
#[must_use]
pub fn paid_rating(p: &Payslip) -> Option<PaidRating> {
    let line = p.earnings.iter().find(|l| l.code == "PERF")?;
    let composite: Decimal = line.inputs.get("composite_score")?.parse().ok()?;
    let coefficient: Decimal = line.inputs.get("coefficient")?.parse().ok()?;
    // Payroll writes each KPI's score as an input of the line ("kpi.answer_rate" …).
    let scores: BTreeMap<Kpi, Decimal> = Kpi::ALL
        .into_iter()
        .filter_map(|k| {
            let v = line.inputs.get(&format!("kpi.{}", k.name()))?;
            Some((k, v.parse().ok()?))
        })
        .collect();
    Some(PaidRating {
        scores,
        composite,
        coefficient,
        performance_pay: line.amount,
    })
}

/// One person-month's KPI result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonKpi {
    /// `YYYY-MM`.
    pub month: String,
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Pay position (`agent`, …).
    pub position: String,
    /// Team.
    pub team: Option<u32>,
    /// Reserve.
    pub reserve: bool,
    /// What the month was paid on.
    pub rating: PaidRating,
}

impl PersonKpi {
    /// The person's group.
    #[must_use]
    pub fn group(&self) -> Group {
        Group::of(self.team, self.reserve)
    }
}

/// A group's KPI averages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamKpi {
    /// The group.
    pub group: Group,
    /// Person-months.
    pub person_months: u32,
    /// Mean score per KPI, over the person-months that weigh it.
    pub scores: BTreeMap<Kpi, Decimal>,
    /// Mean composite score.
    pub composite: Decimal,
    /// Mean coefficient.
    pub coefficient: Decimal,
    /// Person-months with a coefficient below 1.00.
    pub below_one: u32,
    /// Performance pay, summed.
    pub performance_pay: Decimal,
}

/// KPI averages per group.
#[must_use]
pub fn kpi_by_team(rows: &[PersonKpi]) -> Vec<TeamKpi> {
    let mut groups: BTreeMap<Group, Vec<&PersonKpi>> = BTreeMap::new();
    for r in rows {
        groups.entry(r.group()).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(group, rs)| {
            let n = Decimal::from(rs.len() as u32);
            let mut scores = BTreeMap::new();
            for kpi in Kpi::ALL {
                let v: Vec<Decimal> = rs
                    .iter()
                    .filter_map(|r| r.rating.scores.get(&kpi).copied())
                    .collect();
                if !v.is_empty() {
                    scores.insert(
                        kpi,
                        v.iter().sum::<Decimal>() / Decimal::from(v.len() as u32),
                    );
                }
            }
            TeamKpi {
                group,
                person_months: rs.len() as u32,
                scores,
                composite: rs.iter().map(|r| r.rating.composite).sum::<Decimal>() / n,
                coefficient: rs.iter().map(|r| r.rating.coefficient).sum::<Decimal>() / n,
                below_one: rs
                    .iter()
                    .filter(|r| r.rating.coefficient < Decimal::ONE)
                    .count() as u32,
                performance_pay: rs.iter().map(|r| r.rating.performance_pay).sum(),
            }
        })
        .collect()
}

/// The KPI section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiReport {
    /// Per person-month, by month then staff order.
    pub people: Vec<PersonKpi>,
    /// Per group.
    pub teams: Vec<TeamKpi>,
}

// ---------------------------------------------------------------------------------------------
// Labour cost.

/// What a cost column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostKind {
    /// A part of the seat labour cost (stacked in the chart).
    Part,
    /// A subtotal (人员费用, 管理费用).
    Subtotal,
    /// The seat labour cost (坐席人工费).
    Total,
}

/// One column of the cost table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostColumn {
    /// Stable code (`WAGES`, `ER_SI`, `ER_HPF`, an item code, `PERSONNEL`, `MANAGEMENT`,
    /// `SEAT`).
    pub code: String,
    /// Chinese header.
    pub label: String,
    /// Part, subtotal or total.
    pub kind: CostKind,
}

/// One month of the cost table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostRow {
    /// `YYYY-MM`.
    pub month: String,
    /// Staff paid.
    pub headcount: u32,
    /// One amount per column (zero for an item the month does not have).
    pub amounts: Vec<Decimal>,
}

/// Labour cost by item by month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostTable {
    /// Columns.
    pub columns: Vec<CostColumn>,
    /// Months.
    pub rows: Vec<CostRow>,
    /// Column totals.
    pub totals: Vec<Decimal>,
}

/// Every cost item by month: wages, employer social insurance and housing fund, the five
/// management items (in the order the months list them), then the subtotals and the seat
/// labour cost. Parts add up to the seat labour cost of each month.
#[must_use]
pub fn cost_table(months: &[MonthCost]) -> CostTable {
    let col = |code: &str, label: &str, kind| CostColumn {
        code: code.into(),
        label: label.into(),
        kind,
    };
    let mut columns = vec![
        col("WAGES", "工资总额", CostKind::Part),
        col("ER_SI", "单位社会保险", CostKind::Part),
        col("ER_HPF", "单位住房公积金", CostKind::Part),
    ];
    for m in months {
        for l in &m.items {
            if !columns.iter().any(|c| c.code == l.code) {
                columns.push(col(&l.code, &l.label_zh, CostKind::Part));
            }
        }
    }
    columns.push(col("PERSONNEL", "人员费用", CostKind::Subtotal));
    columns.push(col("MANAGEMENT", "管理费用", CostKind::Subtotal));
    columns.push(col("SEAT", "坐席人工费", CostKind::Total));
    let rows: Vec<CostRow> = months
        .iter()
        .map(|m| CostRow {
            month: m.month.to_string(),
            headcount: m.headcount,
            amounts: columns
                .iter()
                .map(|c| match c.code.as_str() {
                    "WAGES" => m.wages,
                    "ER_SI" => m.employer_social_insurance,
                    "ER_HPF" => m.employer_housing_fund,
                    "PERSONNEL" => m.personnel_cost,
                    "MANAGEMENT" => m.management_cost,
                    "SEAT" => m.seat_labour_cost,
                    code => m
                        .items
                        .iter()
                        .filter(|l| l.code == code)
                        .map(|l| l.amount)
                        .sum(),
                })
                .collect(),
        })
        .collect();
    let totals = (0..columns.len())
        .map(|i| rows.iter().map(|r| r.amounts[i]).sum())
        .collect();
    CostTable {
        columns,
        rows,
        totals,
    }
}

// ---------------------------------------------------------------------------------------------
// The report.

/// Everything one workbook shows; a section is `None` when not asked for or not available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Site name.
    pub site: String,
    /// The period.
    pub period: Period,
    /// Staffing and attrition.
    pub staffing: Option<Staffing>,
    /// Hours per person and team.
    pub attendance: Option<Attendance>,
    /// Calls and quality.
    pub service: Option<Service>,
    /// KPI results.
    pub kpi: Option<KpiReport>,
    /// Labour cost by item by month.
    pub cost: Option<CostTable>,
    /// Data that was missing (a month without a roster, days without call history …), one
    /// sentence each, in Chinese.
    pub gaps: Vec<String>,
}

impl Report {
    /// `儋州12345分平台 2026年第1季度 人力资源季报`.
    #[must_use]
    pub fn title(&self) -> String {
        format!(
            "{} {} 人力资源{}",
            self.site,
            self.period.title_zh(),
            self.period.kind().report_zh()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn p(s: &str) -> Period {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_four_forms_parse_with_their_ranges_and_months() {
        let day = p("2026-03-05");
        assert_eq!(
            (day.kind(), day.first(), day.last()),
            (PeriodKind::Day, d("2026-03-05"), d("2026-03-05"))
        );
        assert_eq!(day.title_zh(), "2026年3月5日（星期四）");
        let month = p("2026-02");
        assert_eq!(
            (month.first(), month.last()),
            (d("2026-02-01"), d("2026-02-28"))
        );
        assert_eq!(month.len_days(), 28);
        assert_eq!(p("2028-02").last(), d("2028-02-29"), "2028 is a leap year");
        for (text, canonical) in [
            ("2026-03-05", "2026-03-05"),
            ("2026-w1", "2026-W01"),
            ("2026-W10", "2026-W10"),
            ("2026-3", "2026-03"),
            ("2026-q4", "2026-Q4"),
            (" 2026-Q1 ", "2026-Q1"),
        ] {
            assert_eq!(p(text).to_string(), canonical);
            assert_eq!(p(canonical), p(text));
        }
    }

    /// ISO 8601: week 1 is the week with the year's first Thursday. 2026-01-01 is a Thursday,
    /// so week 1 runs Monday 2025-12-29 to Sunday 2026-01-04, and 2026 has 53 weeks (its
    /// 28 December is in week 53: 2026-12-28 is a Monday). 2025-01-01 was a Wednesday of a
    /// common year: 52 weeks.
    #[test]
    fn iso_weeks_start_on_monday_of_the_week_with_the_first_thursday() {
        let w1 = p("2026-W01");
        assert_eq!((w1.first(), w1.last()), (d("2025-12-29"), d("2026-01-04")));
        assert_eq!(w1.months(), vec![(2025, 12), (2026, 1)]);
        assert_eq!(w1.month_keys(), vec!["2025-12", "2026-01"]);
        let w10 = p("2026-W10");
        assert_eq!(
            (w10.first(), w10.last()),
            (d("2026-03-02"), d("2026-03-08"))
        );
        assert_eq!(w10.title_zh(), "2026年第10周（3月2日—3月8日）");
        assert_eq!(iso_weeks_in(2026), 53);
        assert_eq!(iso_weeks_in(2025), 52);
        let w53 = p("2026-W53");
        assert_eq!(
            (w53.first(), w53.last()),
            (d("2026-12-28"), d("2027-01-03"))
        );
        let err = "2025-W53".parse::<Period>().unwrap_err().to_string();
        assert!(
            err.contains("`2025-W53`") && err.contains("weeks 1–52"),
            "{err}"
        );
        // The week containing a date: 2027-01-01 lies in ISO week 53 of 2026.
        assert_eq!(Period::containing(d("2027-01-01"), PeriodKind::Week), w53);
        assert_eq!(
            Period::containing(d("2027-01-01"), PeriodKind::Week).to_string(),
            "2026-W53"
        );
    }

    #[test]
    fn quarters_cover_their_three_months() {
        let q1 = p("2026-Q1");
        // 31 + 28 + 31 = 90 days.
        assert_eq!(
            (q1.first(), q1.last(), q1.len_days()),
            (d("2026-01-01"), d("2026-03-31"), 90)
        );
        assert_eq!(q1.months(), vec![(2026, 1), (2026, 2), (2026, 3)]);
        assert_eq!(q1.title_zh(), "2026年第1季度");
        let q2 = p("2026-Q2");
        // 30 + 31 + 30 = 91.
        assert_eq!(
            (q2.first(), q2.last(), q2.len_days()),
            (d("2026-04-01"), d("2026-06-30"), 91)
        );
        let q4 = p("2026-Q4");
        assert_eq!((q4.first(), q4.last()), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(
            Period::containing(d("2026-08-15"), PeriodKind::Quarter).to_string(),
            "2026-Q3"
        );
        assert!(q1.whole_months() && p("2026-03").whole_months());
        assert!(!p("2026-W10").whole_months() && !p("2026-03-05").whole_months());
    }

    #[test]
    fn buckets_cut_a_month_into_iso_weeks_clipped_at_its_ends() {
        // March 2026: Sunday 1st (end of W09), weeks W10–W13 Monday 2nd to Sunday 29th, and
        // Monday 30th–Tuesday 31st (start of W14).
        let b = p("2026-03").buckets(PeriodKind::Week);
        let spans: Vec<(String, NaiveDate, NaiveDate, bool)> = b
            .iter()
            .map(|b| (b.period.to_string(), b.first, b.last, b.clipped()))
            .collect();
        assert_eq!(spans.len(), 6);
        assert_eq!(
            spans[0],
            ("2026-W09".into(), d("2026-03-01"), d("2026-03-01"), true)
        );
        assert_eq!(
            spans[1],
            ("2026-W10".into(), d("2026-03-02"), d("2026-03-08"), false)
        );
        assert_eq!(
            spans[5],
            ("2026-W14".into(), d("2026-03-30"), d("2026-03-31"), true)
        );
        assert_eq!(b[5].label(), "2026-W14（03-30—03-31）");
        assert_eq!(b[1].label(), "2026-W10");
        assert_eq!(p("2026-Q1").buckets(PeriodKind::Month).len(), 3);
        assert_eq!(p("2026-W10").buckets(PeriodKind::Day).len(), 7);
    }

    #[test]
    fn bad_periods_name_the_text_and_what_is_wrong() {
        for (text, why) in [
            ("2026", "no `-`"),
            ("26-03", "four digits"),
            ("2026-13", "month 13 is not 1–12"),
            ("2026-00", "month 0 is not 1–12"),
            ("2026-02-30", "no date 2026-02-30"),
            ("2026-Q5", "quarter 5 is not 1–4"),
            ("2026-Q", "quarter `` is not a number"),
            ("2026-W00", "weeks 1–53, not week 0"),
            ("2026-W+1", "week `+1`"),
            ("2026-March", "month `March`"),
            ("1999-01", "outside 2000–2100"),
        ] {
            let err = text.parse::<Period>().unwrap_err();
            assert_eq!(err.text, text);
            let msg = err.to_string();
            assert!(msg.contains(&format!("`{text}`")), "{msg}");
            assert!(msg.contains(why), "{text}: {msg}");
            assert!(
                msg.contains("2026-W10"),
                "the message shows the forms: {msg}"
            );
        }
    }

    fn person(
        id: &str,
        team: Option<u32>,
        reserve: bool,
        hired: &str,
        left: Option<&str>,
    ) -> Employment {
        Employment {
            id: id.into(),
            name: format!("员工{id}"),
            team,
            reserve,
            hired_on: d(hired),
            left_on: left.map(d),
        }
    }

    /// The quarter of the brief: 52 on post at the start, one joiner in February, two leavers
    /// in March.
    ///   start (end of 2025-12-31) = 52; joiners 1 (2026-02-16); leavers 2 (03-13, 03-31)
    ///   end (end of 2026-03-31)   = 52 + 1 − 2 = 51 (the 03-31 leaver is gone at the end)
    ///   average = (52 + 51) ÷ 2 = 51.5
    ///   attrition = 2 ÷ 51.5 = 0.038834951… = 3.88 %
    /// A reserve hired in 2025 is counted apart from the 52 (and is no leaver): with it the
    /// totals are 53 and 52, the average 52.5 and the rate 2 ÷ 52.5 = 3.81 %.
    #[test]
    fn attrition_of_a_quarter_with_one_joiner_and_two_leavers() {
        let mut people: Vec<Employment> = (1..=52)
            .map(|i| {
                person(
                    &format!("A{i:03}"),
                    Some(i % 4 + 1),
                    false,
                    "2025-06-01",
                    None,
                )
            })
            .collect();
        people[10].left_on = Some(d("2026-03-13"));
        people[20].left_on = Some(d("2026-03-31"));
        people.push(person("N001", Some(1), false, "2026-02-16", None));
        // Someone who left before the quarter is in neither end.
        people.push(person(
            "X001",
            Some(2),
            false,
            "2025-06-01",
            Some("2025-12-31"),
        ));
        let q1 = p("2026-Q1");
        let s = staffing(&q1, &people, CONTRACTED_SEATS);
        assert_eq!(
            s.start,
            Headcount {
                on_post: 52,
                reserve: 0
            }
        );
        assert_eq!(
            s.end,
            Headcount {
                on_post: 51,
                reserve: 0
            }
        );
        assert_eq!(
            s.joiners.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
            ["N001"]
        );
        assert_eq!(
            s.leavers
                .iter()
                .map(|m| (m.id.as_str(), m.date))
                .collect::<Vec<_>>(),
            [("A011", d("2026-03-13")), ("A021", d("2026-03-31"))]
        );
        assert_eq!(s.average_headcount, dec("51.5"));
        let rate = s.attrition.unwrap();
        assert_eq!(rate.round_dp(4), dec("0.0388"));
        assert_eq!(attrition(2, 52, 51), Some(rate));
        // Month by month at the end of each: Jan 52, Feb 53 (the joiner), Mar 51.
        let series: Vec<(String, u32)> = s
            .series
            .iter()
            .map(|(b, h)| (b.period.to_string(), h.on_post))
            .collect();
        assert_eq!(
            series,
            [
                ("2026-01".into(), 52),
                ("2026-02".into(), 53),
                ("2026-03".into(), 51)
            ]
        );

        people.push(person("R001", None, true, "2025-06-01", None));
        let s = staffing(&q1, &people, CONTRACTED_SEATS);
        assert_eq!(
            (
                s.start.on_post,
                s.start.reserve,
                s.end.on_post,
                s.end.reserve
            ),
            (52, 1, 51, 1)
        );
        assert_eq!(s.average_headcount, dec("52.5"));
        assert_eq!(s.attrition.unwrap().round_dp(4), dec("0.0381"));
        assert_eq!(s.by_group.last(), Some(&(Group::Reserve, 1)));
        assert_eq!(s.by_group.iter().map(|(_, n)| n).sum::<u32>(), 52);

        // The month of March alone: start 53 (after the February joiner), end 51, average 52,
        // 2 ÷ 52 = 3.85 %. February: 52 → 53, no leaver, 0 %.
        let s = staffing(&p("2026-03"), &people[..54], CONTRACTED_SEATS);
        assert_eq!((s.start.total(), s.end.total()), (53, 51));
        assert_eq!(s.attrition.unwrap().round_dp(4), dec("0.0385"));
        let s = staffing(&p("2026-02"), &people[..54], CONTRACTED_SEATS);
        assert_eq!(
            (s.start.total(), s.end.total(), s.attrition),
            (52, 53, Some(Decimal::ZERO))
        );
        // Nobody employed: no rate rather than a division by zero.
        assert_eq!(attrition(0, 0, 0), None);
    }

    /// Someone hired and gone within the period is both a joiner and a leaver, and
    /// end = start + joiners − leavers still holds.
    #[test]
    fn a_short_stay_is_a_joiner_and_a_leaver() {
        let people = vec![
            person("A001", Some(1), false, "2026-01-01", None),
            person("A002", Some(1), false, "2026-03-02", Some("2026-03-06")),
        ];
        let s = staffing(&p("2026-W10"), &people, CONTRACTED_SEATS);
        assert_eq!(
            (
                s.start.total(),
                s.joiners.len(),
                s.leavers.len(),
                s.end.total()
            ),
            (1, 1, 1, 1)
        );
        // Day by day: 2 people at the end of 03-02 … 03-05, 1 from the end of 03-06 (last day).
        let by_day: Vec<u32> = s.series.iter().map(|(_, h)| h.total()).collect();
        assert_eq!(by_day, [2, 2, 2, 2, 1, 1, 1]);
        // Attrition 1 ÷ ((1 + 1) ÷ 2) = 100 %.
        assert_eq!(s.attrition, Some(Decimal::ONE));
    }

    fn hist(
        date: &str,
        start_minute: u32,
        offered: u32,
        answered: u32,
        abandoned: u32,
        aht: f64,
    ) -> HistoryRow {
        HistoryRow {
            date: d(date),
            start_minute,
            minutes: 30,
            offered,
            answered,
            abandoned,
            aht_seconds: aht,
            asa_seconds: None,
            abandon_seconds: None,
        }
    }

    /// Hand-made history, three days of the week 2026-W10 (03-02 … 03-08) plus a row outside:
    ///   03-02: 09:00 100 offered 92 answered 8 abandoned AHT 200 s; 09:30 60/54/6 AHT 250 s
    ///          → 160 offered, 146 answered: 146 ÷ 160 = 91.25 %; abandoned 14 ÷ 160 = 8.75 %;
    ///            AHT (92 × 200 + 54 × 250) ÷ 146 = (18,400 + 13,500) ÷ 146 = 218.49 s
    ///   03-03: 10:00 40/40/0 → 100 %
    ///   03-05: 03:00 0 offered → no rate (not 0 %, not 100 %)
    ///   03-09 (next week) 50/10/40 → not in the week.
    /// Week: 200 offered, 186 answered → 93.00 %; days without data 03-04, 03-06, 03-07, 03-08.
    #[test]
    fn answer_rate_by_day_and_for_the_week_from_hand_made_history() {
        let history = vec![
            hist("2026-03-02", 540, 100, 92, 8, 200.0),
            hist("2026-03-02", 570, 60, 54, 6, 250.0),
            hist("2026-03-03", 600, 40, 40, 0, 180.0),
            hist("2026-03-05", 180, 0, 0, 0, f64::NAN),
            hist("2026-03-09", 600, 50, 10, 40, 100.0),
        ];
        let week = p("2026-W10");
        let s = Service::new(&history, &week, None);
        assert_eq!(s.daily.len(), 7);
        let mon = &s.daily[0];
        assert_eq!((mon.offered, mon.answered, mon.abandoned), (160, 146, 14));
        assert_eq!(mon.answer_rate(), Some(dec("0.9125")));
        assert_eq!(mon.abandon_rate(), Some(dec("0.0875")));
        assert_eq!(mon.aht_seconds().unwrap().round_dp(2), dec("218.49"));
        assert_eq!(s.daily[1].answer_rate(), Some(Decimal::ONE));
        assert_eq!(s.daily[3].days_with_data, 1);
        assert_eq!(s.daily[3].answer_rate(), None);
        assert_eq!(s.daily[2].days_with_data, 0);
        assert_eq!(
            s.days_without_data,
            [
                d("2026-03-04"),
                d("2026-03-06"),
                d("2026-03-07"),
                d("2026-03-08")
            ]
        );
        assert_eq!((s.total.offered, s.total.answered), (200, 186));
        assert_eq!(s.total.answer_rate(), Some(dec("0.93")));
        assert_eq!(s.total.days_with_data, 3);
        assert!(s.summary.is_empty(), "a week's summary is its days");
        // The month of March by ISO week: W10 holds the 200 calls, W11 the 50 of 03-09.
        let m = Service::new(&history, &p("2026-03"), None);
        let weeks: Vec<(String, u64)> = m
            .summary
            .iter()
            .map(|r| (r.bucket.period.to_string(), r.offered))
            .collect();
        assert_eq!(weeks[1], ("2026-W10".into(), 200));
        assert_eq!(weeks[2], ("2026-W11".into(), 50));
        assert_eq!(m.total.answer_rate(), Some(dec("196") / dec("250")));
    }

    fn pm(
        id: &str,
        shifts: u32,
        ordinary: u32,
        rest: u32,
        holiday: u32,
        nights: u32,
    ) -> PersonMonth {
        PersonMonth {
            employee: id.into(),
            name: format!("员工{id}"),
            shifts_worked: shifts,
            ordinary_hours: Decimal::from(ordinary),
            rest_day_hours: Decimal::from(rest),
            holiday_hours: Decimal::from(holiday),
            night_shifts: nights,
            ..PersonMonth::default()
        }
    }

    fn sheet(working_days: u32, ordinary: u32, rest: u32, holiday: u32) -> TimeSheet {
        TimeSheet {
            standard_hours_of_month: Decimal::from(working_days * 8),
            scheduled_working_days_of_month: working_days,
            working_days_employed: working_days,
            ordinary_day_hours: Decimal::from(ordinary),
            rest_day_hours: Decimal::from(rest),
            rest_day_hours_in_lieu: Decimal::ZERO,
            statutory_holiday_hours: Decimal::from(holiday),
            night_shifts: 0,
            leave: Default::default(),
            absence_days: Decimal::ZERO,
            kpi: BTreeMap::new(),
        }
    }

    fn employee(
        id: &str,
        team: Option<u32>,
        reserve: bool,
        days_only: bool,
    ) -> scheduler::Employee {
        scheduler::Employee {
            id: id.into(),
            name: format!("员工{id}"),
            roles: vec!["agent".into()],
            team,
            reserve,
            shifts: vec![],
            working_days_only: days_only,
            position: None,
            grade: None,
            preferences: vec![],
            limits: Default::default(),
        }
    }

    /// Overtime as payroll counts it. February 2026: 16 working days, 128 h owed.
    ///   shift worker (comprehensive): 112 working-day + 32 rest-day h = 144 − 128 = 16 h,
    ///     plus 8 statutory-holiday h = 24 h;
    ///   with 2 days of annual leave: owed 8 × 14 = 112; 144 − 112 = 32 + 8 = 40 h;
    ///   day-shift worker (standard): 128 working-day h − 128 = 0, plus 8 rest-day h = 8 h.
    #[test]
    fn overtime_hours_follow_the_working_time_system() {
        assert_eq!(
            overtime_hours(&sheet(16, 112, 32, 8), false),
            Decimal::from(24)
        );
        let mut leave = sheet(16, 112, 32, 8);
        leave.leave.annual = Decimal::TWO;
        assert_eq!(overtime_hours(&leave, false), Decimal::from(40));
        assert_eq!(
            overtime_hours(&sheet(16, 128, 8, 0), true),
            Decimal::from(8)
        );
        assert_eq!(overtime_hours(&sheet(16, 100, 0, 0), false), Decimal::ZERO);
    }

    /// Hours by team from hand-made months (February, 16 working days, 128 h owed):
    ///   A001 team 1: 18 shifts, 112 + 32 + 0 = 144 h, 4 nights  → overtime 144 − 128 = 16
    ///   A002 team 1: 16 shifts,  96 + 24 + 8 = 128 h, 6 nights  → 120 − 128 < 0 → 0 + 8 = 8
    ///   A003 team 2: 17 shifts, 104 + 32 + 0 = 136 h, 5 nights  → 8
    ///   C001 none (standard hours): 16 shifts, 128 + 0 + 0 = 128 h → 0
    ///   R001 reserve: 2 shifts, 16 + 0 + 0 = 16 h → comprehensive 16 − 128 < 0 → 0
    /// Team 1: 2 people, 34 shifts, 272 h (136 per person), overtime 24 (12 per person),
    ///         10 nights, holiday 8 h, rest-day 56 h.
    /// Team 2: 1 person, 136 h, overtime 8.  No team: 128 h.  Reserve: 16 h.
    /// The same month twice (two months of a quarter) sums per person: A001 → 36 shifts,
    /// 288 h, overtime 32.
    #[test]
    fn hours_by_person_and_team_from_hand_made_months() {
        let rows = [
            (
                pm("A001", 18, 112, 32, 0, 4),
                sheet(16, 112, 32, 0),
                employee("A001", Some(1), false, false),
            ),
            (
                pm("A002", 16, 96, 24, 8, 6),
                sheet(16, 96, 24, 8),
                employee("A002", Some(1), false, false),
            ),
            (
                pm("A003", 17, 104, 32, 0, 5),
                sheet(16, 104, 32, 0),
                employee("A003", Some(2), false, false),
            ),
            (
                pm("C001", 16, 128, 0, 0, 0),
                sheet(16, 128, 0, 0),
                employee("C001", None, false, true),
            ),
            (
                pm("R001", 2, 16, 0, 0, 0),
                sheet(16, 16, 0, 0),
                employee("R001", None, true, false),
            ),
        ];
        let month: Vec<PersonHours> = rows
            .iter()
            .map(|(pm, ts, e)| person_hours(pm, ts, e, true))
            .collect();
        let overtime: Vec<Option<Decimal>> = month.iter().map(|p| p.overtime_hours).collect();
        assert_eq!(overtime, [16, 8, 8, 0, 0].map(|h| Some(Decimal::from(h))));
        let teams = by_team(&month);
        let groups: Vec<Group> = teams.iter().map(|t| t.group).collect();
        assert_eq!(
            groups,
            [
                Group::Team(1),
                Group::Team(2),
                Group::NoTeam,
                Group::Reserve
            ]
        );
        let t1 = &teams[0];
        assert_eq!((t1.people, t1.shifts, t1.night_shifts), (2, 34, 10));
        assert_eq!(t1.worked_hours, Decimal::from(272));
        assert_eq!(t1.per_person(t1.worked_hours), Some(Decimal::from(136)));
        assert_eq!(t1.overtime_hours, Some(Decimal::from(24)));
        assert_eq!(
            t1.per_person(t1.overtime_hours.unwrap()),
            Some(Decimal::from(12))
        );
        assert_eq!(
            (t1.holiday_hours, t1.rest_day_hours),
            (Decimal::from(8), Decimal::from(56))
        );
        assert_eq!(teams[1].worked_hours, Decimal::from(136));
        assert_eq!(teams[2].worked_hours, Decimal::from(128));
        assert_eq!(teams[3].worked_hours, Decimal::from(16));

        // Two months summed per person.
        let mut parts = month.clone();
        parts.extend(month.iter().cloned());
        let q = sum_by_person(&parts);
        assert_eq!(q.len(), 5);
        assert_eq!((q[0].employee.as_str(), q[0].shifts), ("A001", 36));
        assert_eq!(q[0].worked_hours(), Decimal::from(288));
        assert_eq!(q[0].overtime_hours, Some(Decimal::from(32)));
        // A part that is not a whole month (a week) leaves overtime unsettled.
        let week = person_hours(&rows[0].0, &rows[0].1, &rows[0].2, false);
        assert_eq!(week.overtime_hours, None);
        let mixed = sum_by_person(&[month[0].clone(), week]);
        assert_eq!(mixed[0].overtime_hours, None);
        assert_eq!(by_team(&mixed)[0].overtime_hours, None);
    }

    fn policy() -> payroll::Policy {
        macro_rules! data {
            ($f:literal) => {
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/payroll/", $f))
            };
        }
        payroll::Policy::from_toml_strs(&payroll::PolicyTexts {
            social_insurance: data!("social-insurance.toml"),
            housing_fund: data!("housing-fund.toml"),
            minimum_wage: data!("minimum-wage.toml"),
            iit: data!("iit.toml"),
            pay_structure: data!("pay-structure.toml"),
            performance: data!("performance.toml"),
            contract_cost: data!("contract-cost.toml"),
        })
        .unwrap()
    }

    /// Three people paid for a month of `days` working days, full hours, with KPI scores
    /// (answer rate, satisfaction, QA, callback timeliness, attendance).
    fn pay(policy: &payroll::Policy, month: u32, days: u32) -> payroll::MonthPayroll {
        let people = [
            ("A001", "王建华", "agent", ["91", "93", "90", "88", "100"]),
            ("A002", "赵雅婷", "agent", ["80", "82", "85", "70", "90"]),
            (
                "C001",
                "冯锦程",
                "callback",
                ["85", "93", "90", "88", "100"],
            ),
        ];
        let inputs: Vec<payroll::EmployeeMonth> = people
            .iter()
            .map(|(id, name, position, k)| {
                serde_json::from_value(serde_json::json!({
                    "employee": { "id": id, "name": name, "position": position, "pay_grade": 1,
                                  "working_time": "comprehensive", "hired_on": "2026-01-01" },
                    "time_sheet": {
                        "standard_hours_of_month": (days * 8).to_string(),
                        "scheduled_working_days_of_month": days, "working_days_employed": days,
                        "ordinary_day_hours": (days * 8).to_string(),
                        "kpi": { "answer_rate": k[0], "satisfaction": k[1], "qa_score": k[2],
                                 "callback_timeliness": k[3], "attendance": k[4] } }
                }))
                .unwrap()
            })
            .collect();
        payroll::compute_month(policy, payroll::Month::new(2026, month).unwrap(), &inputs).unwrap()
    }

    fn person_kpi(p: &Payslip, team: Option<u32>) -> PersonKpi {
        PersonKpi {
            month: p.month.to_string(),
            employee: p.employee_id.clone(),
            name: p.employee_name.clone(),
            position: p.position.name().into(),
            team,
            reserve: false,
            rating: paid_rating(p).expect("a PERF line"),
        }
    }

    /// What the payslips were paid on, read back (weights of data/payroll/performance.toml):
    ///   A001 agent: 0.30 × 91 + 0.30 × 93 + 0.25 × 90 + 0.15 × 100
    ///             = 27.3 + 27.9 + 22.5 + 15 = 92.70 → band ≥ 90 → 1.10
    ///   A002 agent: 0.30 × 80 + 0.30 × 82 + 0.25 × 85 + 0.15 × 90
    ///             = 24 + 24.6 + 21.25 + 13.5 = 83.35 → band ≥ 80 → 0.90
    ///   C001 callback: 0.35 × 88 + 0.30 × 93 + 0.20 × 90 + 0.15 × 100
    ///             = 30.8 + 27.9 + 18 + 15 = 91.70 → 1.10
    /// An agent's callback timeliness is not weighed, so it is not among the scores paid on.
    /// Team 1 (A001, A002): satisfaction (93 + 82) ÷ 2 = 87.5, composite (92.7 + 83.35) ÷ 2
    /// = 88.025, coefficient (1.10 + 0.90) ÷ 2 = 1.00, one below 1.00.
    /// Satisfaction over the three: (93 + 82 + 93) ÷ 3 = 89.33; callback timeliness only C001's
    /// 88 (the one position weighing it).
    #[test]
    fn kpi_results_are_what_the_payslips_were_paid_on() {
        let policy = policy();
        let feb = pay(&policy, 2, 16);
        let slip = |id: &str| feb.payslips.iter().find(|p| p.employee_id == id).unwrap();
        let a001 = paid_rating(slip("A001")).unwrap();
        assert_eq!(
            a001.scores,
            BTreeMap::from([
                (Kpi::AnswerRate, dec("91")),
                (Kpi::Satisfaction, dec("93")),
                (Kpi::QaScore, dec("90")),
                (Kpi::Attendance, dec("100")),
            ])
        );
        assert_eq!(
            (a001.composite, a001.coefficient),
            (dec("92.7"), dec("1.10"))
        );
        let perf = slip("A001")
            .earnings
            .iter()
            .find(|l| l.code == "PERF")
            .unwrap();
        assert_eq!(a001.performance_pay, perf.amount);
        let a002 = paid_rating(slip("A002")).unwrap();
        assert_eq!(
            (a002.composite, a002.coefficient),
            (dec("83.35"), dec("0.90"))
        );
        let c001 = paid_rating(slip("C001")).unwrap();
        assert_eq!(c001.scores.get(&Kpi::CallbackTimeliness), Some(&dec("88")));
        assert_eq!(c001.scores.get(&Kpi::AnswerRate), None);
        assert_eq!(
            (c001.composite, c001.coefficient),
            (dec("91.7"), dec("1.10"))
        );

        let rows = vec![
            person_kpi(slip("A001"), Some(1)),
            person_kpi(slip("A002"), Some(1)),
            person_kpi(slip("C001"), None),
        ];
        let teams = kpi_by_team(&rows);
        assert_eq!(teams.len(), 2);
        let t1 = &teams[0];
        assert_eq!(
            (t1.group, t1.person_months, t1.below_one),
            (Group::Team(1), 2, 1)
        );
        assert_eq!(t1.scores[&Kpi::Satisfaction], dec("87.5"));
        assert_eq!(t1.composite, dec("88.025"));
        assert_eq!(t1.coefficient, Decimal::ONE);
        assert_eq!(t1.scores.get(&Kpi::CallbackTimeliness), None);
        assert_eq!(teams[1].scores[&Kpi::CallbackTimeliness], dec("88"));

        let q = quality(&rows);
        assert_eq!(q.basis, QualityBasis::KpiScores);
        assert_eq!((q.satisfaction_count, q.callback_count), (3, 1));
        assert_eq!(q.satisfaction.unwrap().round_dp(2), dec("89.33"));
        assert_eq!(q.callback_timeliness, Some(dec("88")));
        // A payslip without a PERF line has no rating (rather than a made-up one).
        let mut bare = slip("A001").clone();
        bare.earnings.retain(|l| l.code != "PERF");
        assert_eq!(paid_rating(&bare), None);
    }

    /// Cost by item for January and February: the parts of each month (wages, employer social
    /// insurance and housing fund, the five management items) add up to its seat labour
    /// cost, the subtotals are payroll's, and the totals are the months' sums.
    #[test]
    fn cost_by_item_adds_up_to_the_seat_labour_cost_of_each_month() {
        let policy = policy();
        let months: Vec<MonthCost> = [(1, 21), (2, 16)]
            .into_iter()
            .map(|(m, days)| {
                payroll::month_cost(&policy.contract_cost, &pay(&policy, m, days)).unwrap()
            })
            .collect();
        let t = cost_table(&months);
        let codes: Vec<&str> = t.columns.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(&codes[..3], ["WAGES", "ER_SI", "ER_HPF"]);
        assert_eq!(
            &codes[codes.len() - 3..],
            ["PERSONNEL", "MANAGEMENT", "SEAT"]
        );
        assert_eq!(t.columns.len(), 3 + months[0].items.len() + 3);
        assert_eq!(months[0].items.len(), 5);
        let at = |code: &str| codes.iter().position(|c| *c == code).unwrap();
        for (row, m) in t.rows.iter().zip(&months) {
            let parts: Decimal = t
                .columns
                .iter()
                .zip(&row.amounts)
                .filter(|(c, _)| c.kind == CostKind::Part)
                .map(|(_, a)| *a)
                .sum();
            assert_eq!(parts, m.seat_labour_cost, "{}", row.month);
            assert_eq!(row.amounts[at("SEAT")], m.seat_labour_cost);
            assert_eq!(row.amounts[at("WAGES")], m.wages);
            assert_eq!(row.amounts[at("PERSONNEL")], m.personnel_cost);
            assert_eq!(row.amounts[at("MANAGEMENT")], m.management_cost);
            assert_eq!(row.headcount, 3);
        }
        assert_eq!(t.rows[0].month, "2026-01");
        assert_eq!(
            t.totals[at("SEAT")],
            months[0].seat_labour_cost + months[1].seat_labour_cost
        );
    }
}
