//! Attendance (考勤): what people actually did, as clock punches or a vendor's day results,
//! turned into one record per person per day, then reconciled with the published roster into
//! the time sheets payroll takes and a list of differences for HR to confirm.
//!
//! Reading order:
//! - [`AttendancePolicy`]: the figures of the attendance rules (考勤管理制度) in
//!   `data/attendance/policy.toml`: repeat-punch merging, punch windows, lateness and early
//!   leave thresholds, the attendance KPI points;
//! - [`Punch`] → [`pair_punches`] → [`DayRecord`]: punches merged when repeated within a few
//!   minutes, paired into clock-in/clock-out by the site's shift times, and attributed to the
//!   date the shift *starts* (a night shift's 08:00 clock-out belongs to the evening before);
//! - [`reconcile`]: records against the roster → [`Reconciliation`] (per-person summary,
//!   payroll time sheets, differences).
//!
//! The Excel readers that produce punches and records are in `excel::attendance`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike as _, Duration, NaiveDate, NaiveDateTime, Timelike as _};
use payroll::{Kpi, LeaveDays, TimeSheet};
use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::Decimal;
use scheduler::{DayKind, LeaveKind, RosterFile, ShiftType};
use serde::{Deserialize, Serialize};

/// The figures of the attendance rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendancePolicy {
    /// First day the figures apply.
    pub effective_from: NaiveDate,
    /// Where the figures come from.
    pub source: String,
    /// Reliability grade of the source (A law … C own draft).
    pub grade: String,
    /// Punches of one person within this many minutes are one.
    pub merge_repeat_minutes: u32,
    /// How long before a start a punch still counts as that shift's clock-in.
    pub clock_in_early_window_minutes: u32,
    /// How long after an end a punch still counts as that shift's clock-out.
    pub clock_out_late_window_minutes: u32,
    /// Minutes late that are not counted.
    pub late_grace_minutes: u32,
    /// More than this many minutes late is serious lateness.
    pub serious_late_minutes: u32,
    /// More than this many minutes late is a missed shift.
    pub absent_late_minutes: u32,
    /// Minutes early that are not counted.
    pub early_grace_minutes: u32,
    /// Leaving more than this many minutes early is a missed shift.
    pub absent_early_minutes: u32,
    /// Points off the attendance KPI.
    pub kpi_points: KpiPoints,
}

/// Points off the attendance KPI (出勤) per event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiPoints {
    /// Per late arrival (within the serious threshold).
    pub late: u32,
    /// Per serious late arrival.
    pub serious_late: u32,
    /// Per early leave.
    pub early_leave: u32,
    /// Per missing clock-in or clock-out (缺卡).
    pub missing_punch: u32,
    /// Per day of absence (旷工).
    pub absence_day: u32,
}

impl AttendancePolicy {
    /// Parses and checks `data/attendance/policy.toml`.
    ///
    /// # Errors
    /// A TOML or field error, or thresholds out of order.
    pub fn from_toml_str(text: &str) -> anyhow::Result<Self> {
        let p: Self = toml::from_str(text)?;
        anyhow::ensure!(
            p.late_grace_minutes <= p.serious_late_minutes
                && p.serious_late_minutes <= p.absent_late_minutes,
            "attendance policy: late_grace_minutes <= serious_late_minutes <= absent_late_minutes must hold"
        );
        anyhow::ensure!(
            p.early_grace_minutes <= p.absent_early_minutes,
            "attendance policy: early_grace_minutes <= absent_early_minutes must hold"
        );
        anyhow::ensure!(
            p.merge_repeat_minutes <= 30,
            "attendance policy: merge_repeat_minutes above 30 would merge real punches"
        );
        Ok(p)
    }
}

/// Where records came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Our own monthly template (one row per person per day).
    Template,
    /// DingTalk 月度汇总 (a result text per person per day).
    DingTalkSummary,
    /// DingTalk 原始记录 (one row per punch).
    DingTalkPunches,
    /// WeCom 打卡详情 (one row per punch).
    WeComPunches,
    /// WeCom 概况统计与打卡明细 (one row per person per day, two header rows).
    WeComDaily,
    /// ZKTeco PC software 考勤记录 (one row per punch).
    ZktecoPunches,
}

impl Source {
    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Source::Template => "考勤导入模板 (template)",
            Source::DingTalkSummary => "钉钉 月度汇总 (DingTalk monthly summary)",
            Source::DingTalkPunches => "钉钉 原始记录 (DingTalk punches)",
            Source::WeComPunches => "企业微信 打卡详情 (WeCom punches)",
            Source::WeComDaily => "企业微信 概况统计与打卡明细 (WeCom daily detail)",
            Source::ZktecoPunches => "中控 考勤记录 (ZKTeco punches)",
        }
    }

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Source::Template => "template",
            Source::DingTalkSummary => "dingtalk_summary",
            Source::DingTalkPunches => "dingtalk_punches",
            Source::WeComPunches => "wecom_punches",
            Source::WeComDaily => "wecom_daily",
            Source::ZktecoPunches => "zkteco_punches",
        }
    }

    /// The source of a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Source::Template,
            Source::DingTalkSummary,
            Source::DingTalkPunches,
            Source::WeComPunches,
            Source::WeComDaily,
            Source::ZktecoPunches,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// Clock-in or clock-out, when the file says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// 上班打卡
    In,
    /// 下班打卡
    Out,
}

/// One clock punch of a known employee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Punch {
    /// Employee id (工号).
    pub employee: String,
    /// When.
    pub at: NaiveDateTime,
    /// In or out, if the file says.
    pub direction: Option<Direction>,
    /// The date the file attributes the punch to (DingTalk's 考勤日期), if it says.
    pub day_hint: Option<NaiveDate>,
    /// Sheet and 1-based row it came from.
    pub sheet: String,
    /// Row.
    pub row: usize,
}

/// What a vendor's day result said (DingTalk 月度汇总 per-day text), when there are no punch times.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reported {
    /// Worked (正常, 迟到…, 早退…, 出差, 外出).
    pub present: bool,
    /// 休息: a day off.
    pub rest: bool,
    /// 旷工: absent without leave.
    pub absent: bool,
    /// 迟到 N 分钟.
    pub late_minutes: Option<u32>,
    /// 早退 N 分钟.
    pub early_minutes: Option<u32>,
    /// 上班缺卡.
    pub missing_in: bool,
    /// 下班缺卡.
    pub missing_out: bool,
}

/// One person's attendance on one date (the date the shift starts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRecord {
    /// Employee id.
    pub employee: String,
    /// Name as in the staff list.
    pub name: String,
    /// Date the shift starts.
    pub date: NaiveDate,
    /// Shift code worked, as given or inferred from the punch times.
    pub shift: Option<String>,
    /// Whether `shift` was inferred from the times (a guess the roster may overrule) rather
    /// than stated in the file.
    #[serde(default)]
    pub shift_inferred: bool,
    /// Clock-in.
    pub clock_in: Option<NaiveDateTime>,
    /// Clock-out.
    pub clock_out: Option<NaiveDateTime>,
    /// Leave taken on the day.
    pub leave: Option<LeaveKind>,
    /// Hours of that leave (8 for a whole day).
    pub leave_hours: Option<Decimal>,
    /// The vendor's day result, when the file gives one.
    pub reported: Option<Reported>,
    /// The vendor's text as found, or the template's note.
    pub note: String,
    /// The file format.
    pub source: Source,
    /// Sheet of the (first) row it came from.
    pub sheet: String,
    /// 1-based row.
    pub row: usize,
}

impl DayRecord {
    /// Whether the person was at work that day by this record.
    pub fn worked(&self) -> bool {
        self.clock_in.is_some()
            || self.clock_out.is_some()
            || self.reported.as_ref().is_some_and(|r| r.present)
    }
}

/// One person's month "worked as rostered": a record per rostered shift, clocked in at its
/// start and out at its end. The baseline a correction changes for someone paid from the
/// roster (no attendance stored), so that only the days corrected differ.
#[must_use]
pub fn as_rostered(doc: &RosterFile, employee: &str) -> Vec<DayRecord> {
    let name = doc
        .problem
        .employees
        .iter()
        .find(|e| e.id == employee)
        .map(|e| e.name.clone())
        .unwrap_or_default();
    let clocks = shift_clocks(&doc.problem.shifts);
    doc.roster
        .assignments
        .iter()
        .filter(|a| a.employee == employee)
        .filter_map(|a| {
            let c = clocks.iter().find(|c| c.code == a.shift)?;
            Some(DayRecord {
                employee: employee.to_string(),
                name: name.clone(),
                date: a.date,
                shift: Some(a.shift.clone()),
                shift_inferred: false,
                clock_in: Some(at(a.date, c.start)),
                clock_out: Some(at(a.date, c.end)),
                leave: None,
                leave_hours: None,
                reported: None,
                note: "按排班出勤".into(),
                source: Source::Template,
                sheet: "排班".into(),
                row: 0,
            })
        })
        .collect()
}

/// A shift's clock, in minutes from midnight of its start date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftClock {
    /// Code.
    pub code: String,
    /// Start minute.
    pub start: u32,
    /// End minute (above 1440 when it ends the next day).
    pub end: u32,
    /// Paid minutes.
    pub paid_minutes: u32,
}

/// The clocks of a site's shifts.
pub fn shift_clocks(shifts: &[ShiftType]) -> Vec<ShiftClock> {
    shifts
        .iter()
        .map(|s| ShiftClock {
            code: s.code.clone(),
            start: s.start_minute(),
            end: s.end_minute(),
            paid_minutes: s.paid_minutes,
        })
        .collect()
}

fn at(date: NaiveDate, minute: u32) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(minute))
}

fn minutes_between(a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    (b - a).num_minutes()
}

/// Drops punches that repeat the previous kept punch of the same person within `minutes`.
/// Returns the kept punches (sorted by person and time) and how many were merged away.
pub fn merge_repeats(mut punches: Vec<Punch>, minutes: u32) -> (Vec<Punch>, usize) {
    punches.sort_by(|a, b| (&a.employee, a.at, a.row).cmp(&(&b.employee, b.at, b.row)));
    let before = punches.len();
    let mut kept: Vec<Punch> = Vec::with_capacity(before);
    for p in punches {
        if let Some(last) = kept.last() {
            if last.employee == p.employee
                && minutes_between(last.at, p.at) <= i64::from(minutes)
                && (last.direction == p.direction
                    || last.direction.is_none()
                    || p.direction.is_none())
            {
                continue;
            }
        }
        kept.push(p);
    }
    let merged = before - kept.len();
    (kept, merged)
}

/// The shift and start date that fit a clock-in `inp` and clock-out `out` best (least total
/// distance from start and end), among the shifts whose windows hold both punches.
fn candidate_dates(p: NaiveDateTime, hint: Option<NaiveDate>) -> Vec<NaiveDate> {
    match hint {
        Some(d) => vec![d],
        None => vec![
            p.date(),
            p.date() - Duration::days(1),
            p.date() + Duration::days(1),
        ],
    }
}

fn best_pair(
    inp: NaiveDateTime,
    out: NaiveDateTime,
    hint: Option<NaiveDate>,
    shifts: &[ShiftClock],
    policy: &AttendancePolicy,
) -> Option<(usize, NaiveDate)> {
    best_pair_cost(inp, out, hint, shifts, policy).map(|(_, k, d)| (k, d))
}

/// As [`best_pair`], with the fit's cost (minutes from the start and from the end).
fn best_pair_cost(
    inp: NaiveDateTime,
    out: NaiveDateTime,
    hint: Option<NaiveDate>,
    shifts: &[ShiftClock],
    policy: &AttendancePolicy,
) -> Option<(i64, usize, NaiveDate)> {
    let mut best: Option<(i64, usize, NaiveDate)> = None;
    for date in candidate_dates(inp, hint) {
        for (k, s) in shifts.iter().enumerate() {
            let start = at(date, s.start);
            let end = at(date, s.end);
            let d_in = minutes_between(start, inp);
            let d_out = minutes_between(end, out);
            let in_ok = d_in >= -i64::from(policy.clock_in_early_window_minutes)
                && d_in <= i64::from(policy.absent_late_minutes);
            let out_ok = d_out >= -i64::from(policy.absent_early_minutes)
                && d_out <= i64::from(policy.clock_out_late_window_minutes);
            if in_ok && out_ok {
                let cost = d_in.abs() + d_out.abs();
                if best.is_none_or(|(c, _, _)| cost < c) {
                    best = Some((cost, k, date));
                }
            }
        }
    }
    best
}

/// The shift whose clock-in (or clock-out) window holds one lone punch.
fn best_single(
    p: NaiveDateTime,
    as_out: bool,
    hint: Option<NaiveDate>,
    shifts: &[ShiftClock],
    policy: &AttendancePolicy,
) -> Option<(i64, usize, NaiveDate)> {
    let mut best: Option<(i64, usize, NaiveDate)> = None;
    for date in candidate_dates(p, hint) {
        for (k, s) in shifts.iter().enumerate() {
            let (d, ok) = if as_out {
                let d = minutes_between(at(date, s.end), p);
                (
                    d,
                    d >= -i64::from(policy.absent_early_minutes)
                        && d <= i64::from(policy.clock_out_late_window_minutes),
                )
            } else {
                let d = minutes_between(at(date, s.start), p);
                (
                    d,
                    d >= -i64::from(policy.clock_in_early_window_minutes)
                        && d <= i64::from(policy.absent_late_minutes),
                )
            };
            if ok && best.is_none_or(|(c, _, _)| d.abs() < c) {
                best = Some((d.abs(), k, date));
            }
        }
    }
    best
}

/// Longest span accepted between a clock-in and its clock-out when no shift fits both.
const MAX_UNMATCHED_SPAN_HOURS: i64 = 16;

/// Two shifts of one person attributed to one date: the punches overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap {
    /// The sheet.
    pub sheet: String,
    /// The first row of the later shift.
    pub row: usize,
    /// The person.
    pub employee: String,
    /// The date both shifts are attributed to.
    pub date: NaiveDate,
    /// Every row of both.
    pub rows: Vec<usize>,
}

/// Pairs each person's punches into day records. Punches must already be merged
/// ([`merge_repeats`]) and sorted by person and time. A clock-in and the next punch form a
/// pair when a shift's windows hold both (or, for punches marked in/out, when they are less
/// than 16 h apart); the record's date is the shift's start date. A lone punch becomes a
/// record with the other side missing (缺卡). `names` maps employee id to name; `source`,
/// the file's format.
///
/// # Errors
/// Two records for one person on one date (overlapping punches), each naming its rows.
pub fn pair_punches(
    punches: &[Punch],
    shifts: &[ShiftClock],
    policy: &AttendancePolicy,
    names: &BTreeMap<String, String>,
    source: Source,
) -> Result<Vec<DayRecord>, Vec<Overlap>> {
    let mut records: BTreeMap<(String, NaiveDate), (DayRecord, Vec<usize>)> = BTreeMap::new();
    let mut overlaps = Vec::new();
    // The record the person's last punch went to (punches come by person and time).
    let mut open: Option<(String, NaiveDate)> = None;
    let mut i = 0;
    while i < punches.len() {
        let p = &punches[i];
        // A press inside the shift the person clocked in for and has not clocked out of: out
        // and back at lunch when a later press falls where the shift ends (that one is the
        // clock-out), else an early clock-out.
        if p.direction.is_none() {
            let ongoing = open
                .as_ref()
                .filter(|(e, _)| *e == p.employee)
                .and_then(|k| {
                    let (r, _) = records.get(k)?;
                    let c = shifts.iter().find(|c| Some(&c.code) == r.shift.as_ref())?;
                    let end = at(r.date, c.end);
                    (r.clock_out.is_none() && r.clock_in.is_some_and(|t| t < p.at) && p.at < end)
                        .then(|| (k.clone(), end))
                });
            if let Some((key, end)) = ongoing {
                let out_window = (
                    end - Duration::minutes(i64::from(policy.absent_early_minutes)),
                    end + Duration::minutes(i64::from(policy.clock_out_late_window_minutes)),
                );
                let later_out = punches[i + 1..]
                    .iter()
                    .take_while(|q| q.employee == p.employee && q.at <= out_window.1)
                    .any(|q| q.at >= out_window.0);
                if !later_out {
                    if let Some((r, rows)) = records.get_mut(&key) {
                        r.clock_out = Some(p.at);
                        rows.push(p.row);
                    }
                }
                i += 1;
                continue;
            }
        }
        let next = punches
            .get(i + 1)
            .filter(|q| q.employee == p.employee && q.direction != Some(Direction::In));
        let mut rec = DayRecord {
            employee: p.employee.clone(),
            name: names.get(&p.employee).cloned().unwrap_or_default(),
            date: p.at.date(),
            shift: None,
            shift_inferred: false,
            clock_in: None,
            clock_out: None,
            leave: None,
            leave_hours: None,
            reported: None,
            note: String::new(),
            source,
            sheet: p.sheet.clone(),
            row: p.row,
        };
        let mut rows = vec![p.row];
        let mut used = 1;
        let paired = match (p.direction, next) {
            (Some(Direction::Out), _) | (_, None) => None,
            (_, Some(q)) => match best_pair_cost(p.at, q.at, p.day_hint, shifts, policy) {
                // The next punch fits a shift with the one after it more closely: it is that
                // shift's clock-in, and this punch stands alone (08:01 then 23:47 is not a
                // 10:00-18:00 shift stretched to its windows' ends when 23:47 and 08:09 are
                // a night shift).
                Some((cost, _, _))
                    if q.direction.is_none()
                        && punches.get(i + 2).is_some_and(|r| {
                            r.employee == p.employee
                                && r.direction != Some(Direction::In)
                                && best_pair_cost(q.at, r.at, q.day_hint, shifts, policy)
                                    .is_some_and(|(c, _, _)| c < cost)
                        }) =>
                {
                    None
                }
                Some((_, k, d)) => Some((q, Some((k, d)))),
                None if q.direction == Some(Direction::Out)
                    && q.at > p.at
                    && (q.at - p.at) <= Duration::hours(MAX_UNMATCHED_SPAN_HOURS) =>
                {
                    Some((q, None))
                }
                None => None,
            },
        };
        if let Some((q, fit)) = paired {
            rec.clock_in = Some(p.at);
            rec.clock_out = Some(q.at);
            if let Some((k, date)) = fit {
                rec.shift = Some(shifts[k].code.clone());
                rec.shift_inferred = true;
                rec.date = date;
            } else if let Some(d) = p.day_hint {
                rec.date = d;
            }
            rows.push(q.row);
            used = 2;
        } else {
            // A lone punch: a clock-in or a clock-out, as the file says, else whichever a
            // shift's window fits more closely (a clock-in on a tie).
            let as_in = (p.direction != Some(Direction::Out))
                .then(|| best_single(p.at, false, p.day_hint, shifts, policy))
                .flatten();
            let as_out = (p.direction != Some(Direction::In))
                .then(|| best_single(p.at, true, p.day_hint, shifts, policy))
                .flatten();
            // The clock-out of the shift the person is on wins a tie with the next shift's
            // clock-in (16:10 after an early shift is its clock-out, not a late middle shift).
            let ends_open = as_out.is_some_and(|(_, k, date)| {
                open.as_ref()
                    .filter(|(e, d)| *e == p.employee && *d == date)
                    .and_then(|key| records.get(key))
                    .is_some_and(|(r, _)| {
                        r.clock_out.is_none() && r.shift.as_ref() == Some(&shifts[k].code)
                    })
            });
            let out = match (as_in, as_out) {
                _ if ends_open => true,
                (Some(i), Some(o)) => o.0 < i.0,
                (None, Some(_)) => true,
                (_, None) => p.direction == Some(Direction::Out),
            };
            if out {
                rec.clock_out = Some(p.at);
            } else {
                rec.clock_in = Some(p.at);
            }
            if let Some((_, k, date)) = if out { as_out } else { as_in } {
                rec.shift = Some(shifts[k].code.clone());
                rec.shift_inferred = true;
                rec.date = date;
            } else if let Some(d) = p.day_hint {
                rec.date = d;
            }
        }
        i += used;
        let key = (rec.employee.clone(), rec.date);
        open = Some(key.clone());
        match records.get_mut(&key) {
            None => {
                records.insert(key, (rec, rows));
            }
            Some((old, old_rows)) => {
                // A lone clock-out after a lone clock-in of the same shift completes it. When
                // each was read as a different shift (08:18 alone looks like 早班 08:00, 17:35
                // alone like 白班's end), the shift the two fit together decides.
                let together = match (old.clock_in, rec.clock_out) {
                    (Some(a), Some(b)) if old.clock_out.is_none() && rec.clock_in.is_none() => {
                        best_pair(a, b, Some(rec.date), shifts, policy)
                            .filter(|(_, d)| *d == rec.date)
                    }
                    _ => None,
                };
                let completes = old.clock_out.is_none()
                    && rec.clock_in.is_none()
                    && (old.shift.is_none()
                        || rec.shift.is_none()
                        || old.shift == rec.shift
                        || together.is_some());
                if completes {
                    old.clock_out = rec.clock_out;
                    if let Some((k, _)) = together {
                        old.shift = Some(shifts[k].code.clone());
                        old.shift_inferred = true;
                    } else if old.shift.is_none() {
                        old.shift = rec.shift;
                    }
                    old_rows.extend(rows);
                } else {
                    overlaps.push(Overlap {
                        sheet: rec.sheet.clone(),
                        row: rows[0],
                        employee: rec.employee.clone(),
                        date: rec.date,
                        rows: old_rows.iter().chain(&rows).copied().collect(),
                    });
                }
            }
        }
    }
    if overlaps.is_empty() {
        Ok(records.into_values().map(|(r, _)| r).collect())
    } else {
        Err(overlaps)
    }
}

/// Leave type from the text people write: 年休假/年假, 病假, 事假, 婚假, 丧假, 产假/陪产假,
/// 调休/补休 (or the English names).
pub fn leave_kind(text: &str) -> Option<LeaveKind> {
    let t = text.trim().to_lowercase();
    Some(match t.as_str() {
        "年休假" | "年假" | "带薪年假" | "annual" => LeaveKind::Annual,
        "病假" | "sick" => LeaveKind::Sick,
        "事假" | "personal" => LeaveKind::Personal,
        "婚假" | "marriage" => LeaveKind::Marriage,
        "丧假" | "bereavement" => LeaveKind::Bereavement,
        "产假" | "陪产假" | "护理假" | "maternity" | "paternity" => LeaveKind::Maternity,
        "调休" | "补休" | "day_off" | "dayoff" => LeaveKind::DayOff,
        _ => return None,
    })
}

/// What HR must confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// Worked without a roster entry (未排班出勤).
    WorkedNotRostered,
    /// Rostered, no attendance and no leave: counted as absence (排班未出勤).
    RosteredAbsent,
    /// Worked another shift than rostered (换班).
    ShiftSwapped,
    /// A clock-in or clock-out is missing (缺卡).
    MissingPunch,
    /// Leave in attendance that the roster did not have (未排假的请假).
    LeaveNotInRoster,
    /// No attendance record at all for a rostered person this month: paid as rostered.
    NoAttendance,
}

impl DifferenceKind {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            DifferenceKind::WorkedNotRostered => "未排班出勤",
            DifferenceKind::RosteredAbsent => "排班未出勤",
            DifferenceKind::ShiftSwapped => "换班",
            DifferenceKind::MissingPunch => "缺卡",
            DifferenceKind::LeaveNotInRoster => "请假未在排班中",
            DifferenceKind::NoAttendance => "无考勤记录",
        }
    }
}

/// One difference between roster and attendance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Date.
    pub date: NaiveDate,
    /// Kind.
    pub kind: DifferenceKind,
    /// Rostered shift code, if any.
    pub rostered: Option<String>,
    /// What attendance shows (shift code, leave, or empty).
    pub recorded: Option<String>,
    /// A sentence for HR.
    pub detail: String,
}

/// One person's attendance month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonMonth {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Shifts worked.
    pub shifts_worked: u32,
    /// Paid hours on ordinary days.
    pub ordinary_hours: Decimal,
    /// Paid hours on rest days.
    pub rest_day_hours: Decimal,
    /// Paid hours on statutory holidays.
    pub holiday_hours: Decimal,
    /// Night shifts worked.
    pub night_shifts: u32,
    /// Late arrivals beyond the grace (including serious ones).
    pub late: u32,
    /// Of those, serious ones.
    pub serious_late: u32,
    /// Minutes late, summed.
    pub late_minutes: u32,
    /// Early leaves beyond the grace.
    pub early_leave: u32,
    /// Minutes early, summed.
    pub early_minutes: u32,
    /// Missing clock-ins or clock-outs.
    pub missing_punches: u32,
    /// Days of absence (旷工).
    pub absence_days: u32,
    /// Leave taken, in days, by kind.
    pub leave: LeaveDays,
    /// Attendance KPI by the policy.
    pub attendance_kpi: u32,
    /// No attendance record at all this month: the figures are the roster's.
    #[serde(default)]
    pub from_roster: bool,
}

/// The month reconciled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    /// Month `YYYY-MM`.
    pub month: String,
    /// Per person, staff order.
    pub people: Vec<PersonMonth>,
    /// Payroll time sheets, staff order (same order as `people`).
    pub time_sheets: Vec<TimeSheet>,
    /// Differences for HR to confirm, by person and date.
    pub differences: Vec<Difference>,
}

/// Whether a record's clock times lie in the punch windows of a shift on `date`.
fn fits(r: &DayRecord, date: NaiveDate, c: &ShiftClock, policy: &AttendancePolicy) -> bool {
    let in_ok = r.clock_in.is_none_or(|t| {
        let d = minutes_between(at(date, c.start), t);
        d >= -i64::from(policy.clock_in_early_window_minutes)
            && d <= i64::from(policy.absent_late_minutes)
    });
    let out_ok = r.clock_out.is_none_or(|t| {
        let d = minutes_between(at(date, c.end), t);
        d >= -i64::from(policy.absent_early_minutes)
            && d <= i64::from(policy.clock_out_late_window_minutes)
    });
    in_ok && out_ok
}

fn hours(minutes: u32) -> Decimal {
    Decimal::from(minutes) / Decimal::from(60)
}

fn leave_slot(leave: &mut LeaveDays, kind: LeaveKind) -> Option<&mut Decimal> {
    Some(match kind {
        LeaveKind::Annual => &mut leave.annual,
        LeaveKind::Sick => &mut leave.sick,
        LeaveKind::Personal => &mut leave.personal,
        LeaveKind::Marriage => &mut leave.marriage,
        LeaveKind::Bereavement => &mut leave.bereavement,
        LeaveKind::Maternity => &mut leave.maternity,
        LeaveKind::DayOff => &mut leave.compensatory,
        LeaveKind::Inactive => return None,
    })
}

/// Reconciles attendance records with a published roster.
///
/// Per person and date:
/// - a record that shows work counts the paid hours of the shift worked (the record's shift,
///   else the rostered one) on the calendar kind of the date; lateness and early leave are
///   measured against that shift's clock and classified by the policy; a missing clock-in or
///   clock-out is counted and listed; a worked shift other than the rostered one is listed as
///   a swap, work without a roster entry as such;
/// - leave in the record counts its hours ÷ 8 as days of its kind; leave the roster carries
///   (approved before publishing) counts on scheduled working days when attendance has no
///   record for the date;
/// - a rostered shift with neither work nor leave is a day of absence (旷工), listed;
/// - so is a shift missed by arriving later, or leaving earlier, than the policy's limits.
///
/// A rostered person with no attendance record at all in the month is not counted absent for
/// the whole month (that is a missing file): the roster is their time sheet, flagged once
/// ([`DifferenceKind::NoAttendance`]).
///
/// The attendance KPI is 100 less the policy's points (never below 0); the other KPIs stay
/// at `other_kpi` until the KPI import.
pub fn reconcile(
    doc: &RosterFile,
    records: &[DayRecord],
    policy: &AttendancePolicy,
    other_kpi: Decimal,
) -> Reconciliation {
    let p = &doc.problem;
    let kinds: BTreeMap<NaiveDate, DayKind> = p.days.iter().map(|d| (d.date, d.kind)).collect();
    let working_days = p.days.iter().filter(|d| d.kind == DayKind::Working).count() as u32;
    let clocks: BTreeMap<&str, ShiftClock> = shift_clocks(&p.shifts)
        .into_iter()
        .map(|c| {
            let code = p
                .shifts
                .iter()
                .find(|s| s.code == c.code)
                .map(|s| s.code.as_str())
                .unwrap_or("");
            (code, c)
        })
        .collect();
    let rostered: BTreeMap<(&str, NaiveDate), &str> = doc
        .roster
        .assignments
        .iter()
        .map(|a| ((a.employee.as_str(), a.date), a.shift.as_str()))
        .collect();
    let by_day: BTreeMap<(&str, NaiveDate), &DayRecord> = records
        .iter()
        .map(|r| ((r.employee.as_str(), r.date), r))
        .collect();
    let night: BTreeSet<&str> = p.rules.night_shifts.iter().map(String::as_str).collect();

    let mut people = Vec::new();
    let mut sheets = Vec::new();
    let mut differences = Vec::new();
    let with_records: BTreeSet<&str> = records.iter().map(|r| r.employee.as_str()).collect();
    let roster_sheets = crate::timesheet::time_sheets(doc);
    for (e_idx, e) in p.employees.iter().enumerate() {
        let mut pm = PersonMonth {
            employee: e.id.clone(),
            name: e.name.clone(),
            ..PersonMonth::default()
        };
        if !with_records.contains(e.id.as_str()) {
            // No attendance at all for this person: a missing file, not a month of absence.
            // The roster is the time sheet, and HR is told once.
            let shifts = doc
                .roster
                .assignments
                .iter()
                .filter(|a| a.employee == e.id)
                .count();
            let ts = roster_sheets[e_idx].clone();
            pm.from_roster = true;
            pm.shifts_worked = shifts as u32;
            pm.ordinary_hours = ts.ordinary_day_hours;
            pm.rest_day_hours = ts.rest_day_hours;
            pm.holiday_hours = ts.statutory_holiday_hours;
            pm.night_shifts = ts.night_shifts;
            pm.leave = ts.leave.clone();
            pm.attendance_kpi = 100;
            if shifts > 0 {
                differences.push(Difference {
                    employee: e.id.clone(),
                    name: e.name.clone(),
                    date: p.days.first().map_or(NaiveDate::MIN, |d| d.date),
                    kind: DifferenceKind::NoAttendance,
                    rostered: None,
                    recorded: None,
                    detail: format!(
                        "本月无考勤记录，按排班 {shifts} 个班次计 (no attendance this month: paid as rostered)"
                    ),
                });
            }
            let mut ts = ts;
            ts.kpi.insert(Kpi::Attendance, Decimal::from(100));
            for (kpi, v) in ts.kpi.iter_mut() {
                if *kpi != Kpi::Attendance {
                    *v = other_kpi;
                }
            }
            sheets.push(ts);
            people.push(pm);
            continue;
        }
        let mut working_days_employed = working_days;
        let mut diff = |date: NaiveDate,
                        kind: DifferenceKind,
                        rostered: Option<&str>,
                        recorded: Option<String>,
                        detail: String| {
            differences.push(Difference {
                employee: e.id.clone(),
                name: e.name.clone(),
                date,
                kind,
                rostered: rostered.map(str::to_string),
                recorded,
                detail,
            });
        };
        for day in &p.days {
            let date = day.date;
            let roster_shift = rostered.get(&(e.id.as_str(), date)).copied();
            let record = by_day.get(&(e.id.as_str(), date)).copied();
            let roster_leave = p
                .leave
                .iter()
                .find(|l| l.employee == e.id && l.from <= date && date <= l.to)
                .map(|l| l.kind);
            if roster_leave == Some(LeaveKind::Inactive) {
                if day.kind == DayKind::Working {
                    working_days_employed = working_days_employed.saturating_sub(1);
                }
                continue;
            }
            // Leave: the record's, else the roster's on a scheduled working day.
            let mut on_leave = false;
            if let Some((kind, h)) = record.and_then(|r| {
                r.leave
                    .map(|k| (k, r.leave_hours.unwrap_or_else(|| Decimal::from(8))))
            }) {
                if let Some(slot) = leave_slot(&mut pm.leave, kind) {
                    *slot += h / Decimal::from(8);
                }
                on_leave = h >= Decimal::from(8);
                if roster_leave.is_none() && roster_shift.is_some() {
                    diff(
                        date,
                        DifferenceKind::LeaveNotInRoster,
                        roster_shift,
                        Some(kind.label_zh().to_string()),
                        format!(
                            "{} 小时{}，排班为 {}",
                            h.normalize(),
                            kind.label_zh(),
                            roster_shift.unwrap_or("-")
                        ),
                    );
                }
            } else if let Some(kind) = roster_leave {
                if !record.is_some_and(DayRecord::worked) {
                    if day.kind == DayKind::Working {
                        if let Some(slot) = leave_slot(&mut pm.leave, kind) {
                            *slot += Decimal::ONE;
                        }
                    }
                    on_leave = true;
                }
            }

            let worked = record.is_some_and(DayRecord::worked);
            if worked {
                let r = record.expect("worked implies a record");
                // A shift stated in the file wins; one inferred from the times yields to the
                // rostered shift when the times fit that shift's windows too.
                let fits_roster = roster_shift
                    .and_then(|c| clocks.get(c))
                    .is_some_and(|c| fits(r, date, c, policy));
                let shift_code = match (&r.shift, r.shift_inferred) {
                    (Some(_), true) if fits_roster => roster_shift,
                    (Some(s), _) => Some(s.as_str()),
                    (None, _) => roster_shift,
                };
                let clock = shift_code.and_then(|c| clocks.get(c));
                let mut missed = false;
                if let Some(c) = clock {
                    let start = at(date, c.start);
                    let end = at(date, c.end);
                    let late = match (r.clock_in, r.reported.as_ref()) {
                        (Some(t), _) => minutes_between(start, t).max(0) as u32,
                        (None, Some(rep)) => rep.late_minutes.unwrap_or(0),
                        _ => 0,
                    };
                    let early = match (r.clock_out, r.reported.as_ref()) {
                        (Some(t), _) => minutes_between(t, end).max(0) as u32,
                        (None, Some(rep)) => rep.early_minutes.unwrap_or(0),
                        _ => 0,
                    };
                    // Leave on the day (a half day) covers the hours it names: the afternoon
                    // off is not an early leave, the morning off not a late arrival.
                    let mut cover = r
                        .leave
                        .and(r.leave_hours)
                        .map_or(0, |h| (h * Decimal::from(60)).round().to_u32().unwrap_or(0));
                    let early = {
                        let e = early.saturating_sub(cover);
                        cover = cover.saturating_sub(early);
                        e
                    };
                    let late = late.saturating_sub(cover);
                    if late > policy.absent_late_minutes || early > policy.absent_early_minutes {
                        missed = true;
                    } else {
                        if late > policy.late_grace_minutes {
                            pm.late += 1;
                            pm.late_minutes += late;
                            if late > policy.serious_late_minutes {
                                pm.serious_late += 1;
                            }
                        }
                        if early > policy.early_grace_minutes {
                            pm.early_leave += 1;
                            pm.early_minutes += early;
                        }
                    }
                }
                let reported = r.reported.clone().unwrap_or_default();
                let missing_in =
                    r.clock_in.is_none() && (r.reported.is_none() || reported.missing_in);
                let missing_out =
                    r.clock_out.is_none() && (r.reported.is_none() || reported.missing_out);
                for (missing, side) in [(missing_in, "上班"), (missing_out, "下班")] {
                    if missing {
                        pm.missing_punches += 1;
                        diff(
                            date,
                            DifferenceKind::MissingPunch,
                            roster_shift,
                            shift_code.map(str::to_string),
                            format!("{side}缺卡 (sheet {}, row {})", r.sheet, r.row),
                        );
                    }
                }
                if missed {
                    pm.absence_days += 1;
                    diff(
                        date,
                        DifferenceKind::RosteredAbsent,
                        roster_shift,
                        shift_code.map(str::to_string),
                        "迟到或早退超过制度上限，按旷工计 (late or early beyond the policy limit: a missed shift)".into(),
                    );
                    continue;
                }
                pm.shifts_worked += 1;
                let paid = clock.map(|c| hours(c.paid_minutes)).unwrap_or_default();
                match kinds.get(&date) {
                    Some(DayKind::Statutory) => pm.holiday_hours += paid,
                    Some(DayKind::Rest) => pm.rest_day_hours += paid,
                    _ => pm.ordinary_hours += paid,
                }
                if shift_code.is_some_and(|c| night.contains(c)) {
                    pm.night_shifts += 1;
                }
                match (roster_shift, shift_code) {
                    (None, _) => diff(
                        date,
                        DifferenceKind::WorkedNotRostered,
                        None,
                        shift_code.map(str::to_string),
                        format!(
                            "出勤 {} 但未排班 (worked without a roster entry)",
                            shift_code.unwrap_or("?")
                        ),
                    ),
                    (Some(ro), Some(w)) if ro != w => diff(
                        date,
                        DifferenceKind::ShiftSwapped,
                        Some(ro),
                        Some(w.to_string()),
                        format!("排班 {ro}，实际 {w} (shift swapped)"),
                    ),
                    _ => {}
                }
            } else if let Some(ro) = roster_shift {
                if !on_leave {
                    pm.absence_days += 1;
                    diff(
                        date,
                        DifferenceKind::RosteredAbsent,
                        Some(ro),
                        None,
                        format!("排班 {ro}，无出勤记录也无请假，按旷工计 (rostered, absent)"),
                    );
                }
            }
        }
        let k = &policy.kpi_points;
        let points = pm.late.saturating_sub(pm.serious_late) * k.late
            + pm.serious_late * k.serious_late
            + pm.early_leave * k.early_leave
            + pm.missing_punches * k.missing_punch
            + pm.absence_days * k.absence_day;
        pm.attendance_kpi = 100u32.saturating_sub(points);
        sheets.push(TimeSheet {
            standard_hours_of_month: Decimal::from(working_days * 8),
            scheduled_working_days_of_month: working_days,
            working_days_employed,
            ordinary_day_hours: pm.ordinary_hours,
            rest_day_hours: pm.rest_day_hours,
            rest_day_hours_in_lieu: Decimal::ZERO,
            statutory_holiday_hours: pm.holiday_hours,
            night_shifts: pm.night_shifts,
            leave: pm.leave.clone(),
            // A shift worker can miss more rostered shifts than the month has working days;
            // the pay deduction stops at the working days employed less leave.
            absence_days: Decimal::from(pm.absence_days)
                .min((Decimal::from(working_days_employed) - pm.leave.total()).max(Decimal::ZERO)),
            kpi: Kpi::ALL
                .into_iter()
                .map(|kpi| {
                    let v = if kpi == Kpi::Attendance {
                        Decimal::from(pm.attendance_kpi)
                    } else {
                        other_kpi
                    };
                    (kpi, v)
                })
                .collect(),
        });
        people.push(pm);
    }
    Reconciliation {
        month: p.month.clone(),
        people,
        time_sheets: sheets,
        differences,
    }
}

/// `HH:MM` of a time.
pub fn clock_text(t: NaiveDateTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// Whether a date lies in the month `YYYY-MM` given as year and month.
pub fn in_month(date: NaiveDate, year: i32, month: u32) -> bool {
    date.year() == year && date.month() == month
}

/// Pairs punches with the person's rostered shifts first, for files whose punches carry no
/// direction (ZKTeco): each rostered shift takes, as its clock-in, the first punch from the
/// clock-in window before its start to the absence limit after it, and as its clock-out the
/// last punch after that from the absence limit before its end to the clock-out window
/// after it. At a boundary where one shift ends as another starts (08:00, 24:00) the
/// rostered shift decides what a punch is. Returns the records of rostered shifts with a
/// punch, the punches no rostered shift took (paired by the times alone afterwards), and how
/// many presses inside a rostered shift (lunch, a second press) went with it unused.
#[must_use]
pub fn pair_with_roster(
    punches: &[Punch],
    roster: &BTreeMap<(String, NaiveDate), String>,
    shifts: &[ShiftClock],
    policy: &AttendancePolicy,
    names: &BTreeMap<String, String>,
    source: Source,
) -> (Vec<DayRecord>, Vec<Punch>, usize) {
    let mut taken = vec![false; punches.len()];
    let mut records = Vec::new();
    let mut extras = 0usize;
    let minutes = |m: u32| Duration::minutes(i64::from(m));
    for ((employee, date), code) in roster {
        let Some(clock) = shifts.iter().find(|s| &s.code == code) else {
            continue;
        };
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight");
        let (start, end) = (
            midnight + minutes(clock.start),
            midnight + minutes(clock.end),
        );
        let mine = |i: usize| !taken[i] && punches[i].employee == *employee;
        let in_window = (
            start - minutes(policy.clock_in_early_window_minutes),
            start + minutes(policy.absent_late_minutes),
        );
        let clock_in = (0..punches.len()).find(|&i| {
            mine(i)
                && punches[i].direction != Some(Direction::Out)
                && punches[i].at >= in_window.0
                && punches[i].at <= in_window.1
        });
        let out_from = clock_in.map_or(end - minutes(policy.absent_early_minutes), |i| {
            punches[i]
                .at
                .max(end - minutes(policy.absent_early_minutes))
        });
        let out_window = (
            out_from,
            end + minutes(policy.clock_out_late_window_minutes),
        );
        let clock_out = (0..punches.len()).rev().find(|&i| {
            mine(i)
                && Some(i) != clock_in
                && punches[i].direction != Some(Direction::In)
                && punches[i].at > out_window.0 - Duration::seconds(1)
                && punches[i].at <= out_window.1
                && clock_in.is_none_or(|c| punches[i].at > punches[c].at)
        });
        // No punch where the shift ends: the last press inside the shift after the clock-in
        // is an early clock-out (gone at noon on a half day of leave), not a missing one.
        let clock_out = clock_out.or_else(|| {
            let from = clock_in.map_or(start, |i| punches[i].at);
            (0..punches.len()).rev().find(|&i| {
                mine(i)
                    && Some(i) != clock_in
                    && punches[i].direction != Some(Direction::In)
                    && punches[i].at > from
                    && punches[i].at < out_window.0
            })
        });
        if clock_in.is_none() && clock_out.is_none() {
            continue;
        }
        let first = clock_in.or(clock_out).expect("one of them");
        for i in [clock_in, clock_out].into_iter().flatten() {
            taken[i] = true;
        }
        // Presses inside the shift (out and back at lunch, a second press) are not another
        // shift: they go with this one, unused.
        let inside = (
            clock_in.map_or(start, |i| punches[i].at),
            clock_out.map_or(end, |i| punches[i].at),
        );
        for i in 0..punches.len() {
            if !taken[i]
                && punches[i].employee == *employee
                && punches[i].at > inside.0
                && punches[i].at < inside.1
            {
                taken[i] = true;
                extras += 1;
            }
        }
        records.push(DayRecord {
            employee: employee.clone(),
            name: names.get(employee).cloned().unwrap_or_default(),
            date: *date,
            shift: Some(code.clone()),
            shift_inferred: false,
            clock_in: clock_in.map(|i| punches[i].at),
            clock_out: clock_out.map(|i| punches[i].at),
            leave: None,
            leave_hours: None,
            reported: None,
            note: String::new(),
            source,
            sheet: punches[first].sheet.clone(),
            row: punches[first].row,
        });
    }
    let rest = punches
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(p, _)| p.clone())
        .collect();
    (records, rest, extras)
}
