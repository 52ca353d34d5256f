//! Attendance import (考勤导入) from the files HR already has, and the empty template.
//!
//! Formats, recognised by their headers (never by position or file name):
//! - our template (`templates/excel/attendance-template.toml`): one row per person per day;
//! - DingTalk 月度汇总: title rows, two-row merged headers, one result text per day
//!   ("正常", "迟到8分钟", "休息", "事假4小时", …) under day-number columns 1..31;
//! - WeCom 概况统计与打卡明细: one row per person per day, two header rows, 上班N / 下班N
//!   打卡时间 read as clock-in / clock-out;
//! - WeCom 月报 is recognised and refused with the reason (monthly totals, no days);
//! - DingTalk 原始记录, WeCom 打卡详情, ZKTeco 考勤记录: one row per punch; punches are
//!   merged when repeated within the policy's minutes, paired by the site's shift times and
//!   attributed to the date their shift starts ([`crate::attendance::pair_punches`]).
//!
//! Dates may be Excel dates or text (`2026-03-01`, `2026/3/1`, `26-03-01 星期日`); times
//! Excel times, `07:55`, or a date and time. Workbooks are read with calamine: `.xlsx`,
//! legacy `.xls` (GBK text in BIFF5 is decoded by calamine), `.xlsb`, `.ods`, and CSV text.
//! Every problem is reported at once with sheet, row, column, what was expected and what was
//! found; with any problem nothing is returned (and so nothing is stored).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike as _, Duration, NaiveDate, NaiveDateTime};
use rust_decimal::prelude::FromPrimitive as _;
use rust_decimal::Decimal;
use serde::Deserialize;

pub use super::rows::StaffEntry;
use super::rows::{cell, text_of, who, who_with_clock_id, Problems, Vendor};
use super::table::{
    header_text, normalise, number, parse_date, Cell, ImportErrors, ImportProblem, Said, Table,
    TableError,
};
use crate::attendance::{
    leave_kind, merge_repeats, pair_punches, pair_with_roster, AttendancePolicy, DayRecord,
    Direction, Punch, Reported, ShiftClock, Source,
};
use crate::said;

/// The template's layout spec, embedded from `templates/excel/attendance-template.toml`.
pub const TEMPLATE_SPEC: &str = include_str!("../../../templates/excel/attendance-template.toml");

/// The layout spec of the template.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateSpec {
    /// Sheet name.
    pub sheet: String,
    /// Title (row 1).
    pub title: String,
    /// Header row (1-based).
    pub header_row: u32,
    /// Columns in workbook order.
    pub column: Vec<TemplateColumn>,
}

/// One column of the template.
#[derive(Debug, Clone, Deserialize)]
pub struct TemplateColumn {
    /// Field key.
    pub key: String,
    /// Header written.
    pub header: String,
    /// Other headers accepted.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Kind of value.
    pub kind: String,
    /// Column width in characters.
    pub width: f64,
    /// Help shown as the header's note.
    pub help: String,
}

impl TemplateSpec {
    /// The embedded spec.
    ///
    /// # Panics
    /// Never for the committed file (a unit test parses it).
    pub fn embedded() -> Self {
        toml::from_str(TEMPLATE_SPEC).expect("templates/excel/attendance-template.toml parses")
    }

    fn headers_of(&self, key: &str) -> Vec<String> {
        self.column
            .iter()
            .filter(|c| c.key == key)
            .flat_map(|c| std::iter::once(c.header.clone()).chain(c.aliases.iter().cloned()))
            .map(|h| normalise(&h))
            .collect()
    }
}

/// A shift the import may name: code, display name and clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftEntry {
    /// Display name (早班).
    pub name: String,
    /// Clock.
    pub clock: ShiftClock,
}

/// What an import needs to know.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// Year of the month imported.
    pub year: i32,
    /// Month imported (1-12).
    pub month: u32,
    /// The staff list.
    pub staff: Vec<StaffEntry>,
    /// The site's shifts.
    pub shifts: Vec<ShiftEntry>,
    /// The attendance rules.
    pub policy: AttendancePolicy,
    /// The month's published roster, when there is one: (employee, date the shift starts) →
    /// shift code. It guides the pairing of punches that carry no direction (ZKTeco).
    pub roster: BTreeMap<(String, NaiveDate), String>,
}

impl ImportContext {
    /// The context of a month: the people a file may name, the site's shifts (with their
    /// clocks) and the attendance rules.
    #[must_use]
    pub fn new(
        year: i32,
        month: u32,
        staff: Vec<StaffEntry>,
        shifts: &[scheduler::ShiftType],
        policy: AttendancePolicy,
    ) -> Self {
        let clocks = crate::attendance::shift_clocks(shifts);
        ImportContext {
            year,
            month,
            staff,
            shifts: shifts
                .iter()
                .zip(clocks)
                .map(|(s, clock)| ShiftEntry {
                    name: s.name.clone(),
                    clock,
                })
                .collect(),
            policy,
            roster: BTreeMap::new(),
        }
    }

    /// The same context with the month's roster (see [`ImportContext::roster`]).
    #[must_use]
    pub fn with_roster(mut self, roster: &scheduler::Roster) -> Self {
        self.roster = roster
            .assignments
            .iter()
            .map(|a| ((a.employee.clone(), a.date), a.shift.clone()))
            .collect();
        self
    }

    /// The context of a month for everyone on a site (the command line's files, tests).
    #[must_use]
    pub fn of_site(
        year: i32,
        month: u32,
        site: &scheduler::Site,
        policy: AttendancePolicy,
    ) -> Self {
        let staff = site
            .employees
            .iter()
            .map(|e| StaffEntry {
                id: e.id.clone(),
                name: e.name.clone(),
                ..StaffEntry::default()
            })
            .collect();
        Self::new(year, month, staff, &site.shifts, policy)
    }

    fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    fn last_day(&self) -> NaiveDate {
        let (y, m) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        NaiveDate::from_ymd_opt(y, m, 1).expect("valid month") - Duration::days(1)
    }

    fn in_month(&self, d: NaiveDate) -> bool {
        d.year() == self.year && d.month() == self.month
    }

    fn clocks(&self) -> Vec<ShiftClock> {
        self.shifts.iter().map(|s| s.clock.clone()).collect()
    }

    /// The shift a text names: its code or name, or a name followed by its times as WeCom
    /// and DingTalk's daily reports show it (`夜班 00:00-08:00`), or the times alone.
    fn shift_code(&self, text: &str) -> Option<String> {
        let t = text.trim();
        let by_name = |t: &str| {
            self.shifts
                .iter()
                .find(|s| s.clock.code.eq_ignore_ascii_case(t) || s.name == t)
                .map(|s| s.clock.code.clone())
        };
        if let Some(code) = by_name(t) {
            return Some(code);
        }
        // `名称 HH:MM-HH:MM`: the name decides; the times alone when the name is not ours.
        let (name, times) = match t.find(|c: char| c.is_ascii_digit()) {
            Some(i) => (t[..i].trim(), t[i..].trim()),
            None => return None,
        };
        if !name.is_empty() {
            if let Some(code) = by_name(name) {
                return Some(code);
            }
        }
        let (a, b) = times.split_once(['-', '~', '～', '至'])?;
        let (a, b) = (
            hh_mm(a.trim())?,
            hh_mm(b.trim().trim_start_matches("次日"))?,
        );
        let b = if b == 0 { 1440 } else { b };
        self.shifts
            .iter()
            .find(|s| s.clock.start == a && (s.clock.end == b || s.clock.end % 1440 == b % 1440))
            .map(|s| s.clock.code.clone())
    }

    /// The scheduled start (or, with `out`, end) of `employee`'s shift on `date`: the shift
    /// the file names, else the rostered one.
    fn anchor(
        &self,
        employee: &str,
        date: NaiveDate,
        shift: Option<&str>,
        out: bool,
    ) -> Option<NaiveDateTime> {
        let code = shift
            .map(str::to_string)
            .or_else(|| self.roster.get(&(employee.to_string(), date)).cloned())?;
        let c = self.shifts.iter().find(|s| s.clock.code == code)?;
        let minute = if out { c.clock.end } else { c.clock.start };
        Some(date.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(minute)))
    }
}

/// A time of day written without its date (`23:56` on a row of 03-05) as the date-time
/// nearest `anchor` (the shift's scheduled start or end) among the day before, the day and the
/// day after; on the day itself without an anchor. A night shift starting at 00:00 of the 5th
/// is clocked in at 23:56 of the 4th; a middle shift to 24:00 clocked out at 00:09 of the next
/// day.
fn nearest_day(date: NaiveDate, seconds: u32, anchor: Option<NaiveDateTime>) -> NaiveDateTime {
    let on = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).expect("midnight") + Duration::seconds(i64::from(seconds))
    };
    let Some(a) = anchor else { return on(date) };
    [date - Duration::days(1), date, date + Duration::days(1)]
        .into_iter()
        .map(on)
        .min_by_key(|t| (*t - a).num_seconds().abs())
        .expect("three candidates")
}

/// The result of reading an attendance file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The format recognised.
    pub source: Source,
    /// Sheet read.
    pub sheet: String,
    /// One record per person and date, by person and date.
    pub records: Vec<DayRecord>,
    /// Punch rows read (punch formats).
    pub punches: usize,
    /// Punches merged as repeats.
    pub merged: usize,
    /// Things left out, for the dry run (e.g. a punch belonging to the day before the month).
    pub ignored: Vec<Said>,
}

impl Parsed {
    /// The people in the file.
    pub fn people(&self) -> BTreeSet<String> {
        self.records.iter().map(|r| r.employee.clone()).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Employee,
    Name,
    Date,
    Shift,
    ClockIn,
    ClockOut,
    Leave,
    LeaveHours,
    Note,
    // Punch formats.
    PunchTime,
    PunchDate,
    PunchKind,
    PunchResult,
    /// The vendor's own id of the person (DingTalk UserId, WeCom 账号, ZKTeco 考勤号码).
    ClockId,
    /// DingTalk 考勤时间: the scheduled check a punch was matched to.
    PlanTime,
}

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::Employee => "工号",
            Field::Name => "姓名",
            Field::Date => "日期",
            Field::Shift => "班次",
            Field::ClockIn => "上班打卡",
            Field::ClockOut => "下班打卡",
            Field::Leave => "请假类型",
            Field::LeaveHours => "请假小时",
            Field::Note => "备注",
            Field::PunchTime => "打卡时间",
            Field::PunchDate => "考勤日期",
            Field::PunchKind => "打卡类型",
            Field::PunchResult => "打卡结果",
            Field::ClockId => "UserId/账号/考勤号码",
            Field::PlanTime => "考勤时间",
        }
    }
}

/// Header aliases of the punch formats (normalised by [`normalise`]).
fn punch_aliases(source: Source) -> Vec<(Field, &'static [&'static str])> {
    match source {
        Source::DingTalkPunches => vec![
            (Field::Employee, &["工号", "员工编号"]),
            (Field::ClockId, &["UserId", "钉钉UserID"]),
            (Field::Name, &["姓名"]),
            (Field::PunchDate, &["考勤日期", "日期"]),
            (Field::PlanTime, &["考勤时间"]),
            (Field::PunchTime, &["打卡时间", "实际打卡时间"]),
            (Field::PunchResult, &["打卡结果"]),
        ],
        Source::WeComPunches => vec![
            (Field::Name, &["姓名"]),
            (Field::ClockId, &["账号", "userid"]),
            (Field::Employee, &["工号"]),
            (Field::PunchDate, &["时间日期", "日期", "时间"]),
            (Field::PunchKind, &["打卡类型"]),
            (Field::PunchTime, &["实际打卡时间", "打卡时间"]),
            (Field::PunchResult, &["打卡状态"]),
        ],
        Source::ZktecoPunches => vec![
            (Field::ClockId, &["考勤号码", "登记号码", "人员编号", "PIN"]),
            (Field::Employee, &["工号"]),
            (Field::Name, &["姓名"]),
            (Field::PunchTime, &["日期时间", "打卡时间", "签到时间"]),
        ],
        Source::Template | Source::DingTalkSummary | Source::WeComDaily => vec![],
    }
}

/// Reads an attendance file.
///
/// # Errors
/// Every problem, located: a file that is not a workbook, an unrecognised layout, a missing
/// column, an unknown employee, a date outside the month, text in a number cell, a duplicate
/// row, overlapping punches, an unknown shift, leave type or day result.
pub fn parse(bytes: &[u8], ctx: &ImportContext) -> Result<Parsed, ImportErrors> {
    parse_tables(crate::excel::table::read_all(bytes), ctx)
}

/// [`parse`] of an upload named `file_name`: text is read as CSV only when the name says
/// so (a text file named `.xlsx` is refused, see [`crate::excel::table::read_all_named`]).
///
/// # Errors
/// As [`parse`].
pub fn parse_named(
    bytes: &[u8],
    file_name: &str,
    ctx: &ImportContext,
) -> Result<Parsed, ImportErrors> {
    parse_tables(crate::excel::table::read_all_named(bytes, file_name), ctx)
}

fn parse_tables(
    tables: Result<Vec<Table>, TableError>,
    ctx: &ImportContext,
) -> Result<Parsed, ImportErrors> {
    let tables = tables.map_err(|e| {
        let found = match &e {
            TableError::NotATable => said!(
                "neither a workbook nor UTF-8 text",
                "既不是工作簿，也不是 UTF-8 文本"
            ),
            other => other.said(),
        };
        ImportErrors(vec![ImportProblem::new(
            "-",
            None,
            None,
            said!(
                "an Excel workbook (.xlsx, .xls) or CSV file",
                "Excel 工作簿（.xlsx、.xls）或 CSV 文件"
            ),
            found,
        )])
    })?;
    let spec = TemplateSpec::embedded();
    // The first sheet whose headers are recognised.
    for t in &tables {
        if let Some((source, header_row)) = detect(t, &spec) {
            data_region(t, source, header_row)?;
            return match source {
                Source::Template => template(t, header_row, &spec, ctx),
                Source::DingTalkSummary => summary(t, header_row, ctx),
                Source::WeComDaily => wecom_daily(t, header_row, ctx),
                _ => punches(t, header_row, source, ctx),
            };
        }
    }
    // WeCom 月报 and DingTalk-style totals: recognised, but they hold no day records.
    for t in &tables {
        for (row, cells) in t.rows.iter().take(10) {
            let h: Vec<String> = cells.iter().map(header_text).collect();
            if has(&h, &["应打卡天数"]) && has(&h, &["正常天数"]) {
                return Err(ImportErrors(vec![ImportProblem::new(
                    t.sheet.clone(),
                    Some(*row),
                    None,
                    said!(
                        "day-by-day attendance: WeCom 打卡详情 or 概况统计与打卡明细 (or DingTalk 月度汇总 / 原始记录, or our template)",
                        "逐日考勤：企业微信 打卡详情 或 概况统计与打卡明细（或钉钉 月度汇总 / 原始记录，或本系统模板）"
                    ),
                    said!(
                        "a WeCom 月报 (monthly totals per person: 应打卡天数, 正常天数 …), which cannot be reconciled with the roster day by day",
                        "企业微信 月报（每人月度合计：应打卡天数、正常天数 …），无法与排班逐日核对"
                    ),
                )]));
            }
        }
    }
    let names: Vec<String> = tables.iter().map(|t| t.sheet.clone()).collect();
    Err(ImportErrors(vec![ImportProblem::new(
        names.join(", "),
        None,
        None,
        said!(
            "the headers of our template (工号 姓名 日期 班次 上班打卡 下班打卡 …), DingTalk 月度汇总 (姓名 + day columns 1..31), DingTalk 原始记录 (姓名 考勤日期 打卡时间), WeCom 打卡详情 (姓名 打卡类型 实际打卡时间) or a ZKTeco record (姓名/考勤号码 日期时间) in the first 10 rows",
            "前 10 行中应有以下表头之一：本系统模板（工号 姓名 日期 班次 上班打卡 下班打卡 …）、钉钉 月度汇总（姓名 + 1..31 日各列）、钉钉 原始记录（姓名 考勤日期 打卡时间）、企业微信 打卡详情（姓名 打卡类型 实际打卡时间）或中控考勤记录（姓名/考勤号码 日期时间）"
        ),
        said!("no such header row", "没有这样的表头行"),
    )]))
}

fn day_number(c: &Cell) -> Option<u32> {
    let n = match c {
        Cell::Number(x) if x.fract() == 0.0 => *x as u32,
        Cell::Text(t) => {
            let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
            let rest = &t[digits.len()..];
            if digits.is_empty() || rest.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return None;
            }
            digits.parse().ok()?
        }
        _ => return None,
    };
    (1..=31).contains(&n).then_some(n)
}

/// `上班1` → 1: a WeCom level-1 group of the N-th clock-in (or clock-out with `下班`).
fn group_number(header: &str, prefix: &str) -> Option<u32> {
    header.strip_prefix(prefix)?.parse().ok()
}

fn has(headers: &[String], names: &[&str]) -> bool {
    names.iter().any(|n| headers.iter().any(|h| h == n))
}

/// The format and 1-based header row of a sheet, if its headers are recognised.
fn detect(t: &Table, spec: &TemplateSpec) -> Option<(Source, usize)> {
    for (row, cells) in t.rows.iter().take(10) {
        let h: Vec<String> = cells.iter().map(header_text).collect();
        let days = cells.iter().filter(|c| day_number(c).is_some()).count();
        let next_days = t
            .rows
            .iter()
            .find(|(r, _)| *r == row + 1)
            .map_or(0, |(_, c)| c.iter().filter(|x| day_label(x)).count());
        if has(&h, &["姓名", "工号", "userid"]) && (days >= 28 || next_days >= 28) {
            return Some((Source::DingTalkSummary, *row));
        }
        if has(&h, &["打卡类型"]) && has(&h, &["实际打卡时间"]) {
            return Some((Source::WeComPunches, *row));
        }
        if has(&h, &["时间", "日期"])
            && has(&h, &["姓名", "账号"])
            && h.iter().any(|x| group_number(x, "上班").is_some())
        {
            return Some((Source::WeComDaily, *row));
        }
        if has(&h, &["打卡时间"]) && has(&h, &["考勤日期"]) {
            return Some((Source::DingTalkPunches, *row));
        }
        if has(&h, &["日期时间"]) && has(&h, &["考勤号码", "姓名"]) {
            return Some((Source::ZktecoPunches, *row));
        }
        let shift = spec.headers_of("shift");
        let clock = spec.headers_of("clock_in");
        let leave = spec.headers_of("leave");
        let date = spec.headers_of("date");
        let any = |names: &[String]| names.iter().any(|n| h.contains(n));
        if any(&date) && (any(&shift) || any(&clock) || any(&leave)) {
            return Some((Source::Template, *row));
        }
    }
    None
}

/// Refuses what no reader may skip over in the rows under the header: an Excel error value
/// (`#REF!`: a broken formula; its number is lost) and a merged range (it keeps its value in
/// its first cell only, so the cells under it would read as empty days). Each is named with
/// its place.
fn data_region(t: &Table, source: Source, header_row: usize) -> Result<(), ImportErrors> {
    let next_is_header = |min_days: usize| {
        t.rows
            .iter()
            .find(|(r, _)| *r == header_row + 1)
            .is_some_and(|(_, c)| c.iter().filter(|x| day_label(x)).count() >= min_days)
    };
    let last_header = match source {
        Source::DingTalkSummary if next_is_header(28) => header_row + 1,
        Source::WeComDaily => header_row + 1,
        _ => header_row,
    };
    let mut probs = Problems::new(&t.sheet);
    // CSV text has no cells, only commas: a row with more fields than the header has a comma
    // inside a value that is not in quotes, and every field after it is in the wrong column.
    if t.sheet == "CSV" {
        let width = header_cells(t, header_row).len();
        for (row, cells) in t.rows.iter().filter(|(r, _)| *r > header_row) {
            let used = cells.len();
            if used > width {
                probs.at(
                    *row,
                    None,
                    said!(
                        "{width} columns, as the header row {header_row} has",
                        "与表头行（第 {header_row} 行）相同的 {width} 列"
                    ),
                    said!(
                        "{used} columns (a comma inside a value that is not in quotes?)",
                        "{used} 列（某个值中含有未加引号的逗号？）"
                    ),
                );
            }
        }
        if !probs.list.is_empty() {
            return Err(ImportErrors(probs.list));
        }
    }
    for (row, cells) in t.rows.iter().filter(|(r, _)| *r > last_header) {
        for (i, c) in cells.iter().enumerate() {
            let err = match c {
                Cell::Error(e) => Some(e.as_str()),
                Cell::Text(x) if EXCEL_ERRORS.contains(&x.as_str()) => Some(x.as_str()),
                _ => None,
            };
            if let Some(e) = err {
                let head = t
                    .rows
                    .iter()
                    .find(|(r, _)| *r == header_row)
                    .and_then(|(_, h)| h.get(i))
                    .map(|h| match h {
                        Cell::Text(x) => x.clone(),
                        _ => String::new(),
                    })
                    .unwrap_or_default();
                probs.at(
                    *row,
                    Some((i, &head)),
                    said!(
                        "a value (the cell holds an Excel error: a broken formula; fix it in the export and save again)",
                        "一个值（该单元格是 Excel 错误值，即公式已损坏：请在导出文件中修正后重新保存）"
                    ),
                    said!("the error value {e}", "错误值 {e}"),
                );
            }
        }
    }
    for &m in &t.merged {
        if m.0 > last_header {
            probs.at(
                m.0,
                Some((m.1 - 1, "")),
                said!(
                    "one value per cell under the header (unmerge the cells and fill each one)",
                    "表头下每个单元格一个值（请取消合并并逐格填写）"
                ),
                said!(
                    "merged cells {} over the data rows (a merged range keeps its first cell's value only)",
                    "数据行中的合并单元格 {}（合并区域只保留第一个单元格的值）",
                    crate::excel::table::range_name(m)
                ),
            );
        }
    }
    if probs.list.is_empty() {
        Ok(())
    } else {
        let mut list = probs.list;
        list.sort_by_key(|p| (p.row, p.column.clone()));
        Err(ImportErrors(list))
    }
}

/// Excel's error values as they read when saved as text.
const EXCEL_ERRORS: [&str; 8] = [
    "#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#DATA!",
];

/// The cells of the header row [`detect`] found.
fn header_cells(t: &Table, header_row: usize) -> &[Cell] {
    &t.rows
        .iter()
        .find(|(r, _)| *r == header_row)
        .expect("the detected header row is in the table")
        .1
}

fn find_columns(header: &[Cell], wanted: &[(Field, Vec<String>)]) -> BTreeMap<Field, usize> {
    let h: Vec<String> = header.iter().map(header_text).collect();
    let mut out = BTreeMap::new();
    for (field, names) in wanted {
        if let Some(i) = names.iter().find_map(|n| h.iter().position(|x| x == n)) {
            out.insert(*field, i);
        }
    }
    out
}

/// Minutes after midnight of a time cell: an Excel time (fraction of a day) or `HH:MM[:SS]`.
fn time_of(c: &Cell) -> Option<u32> {
    time_secs(c).map(|s| s / 60)
}

/// Seconds after midnight of a time cell: an Excel time (fraction of a day) or
/// `HH:MM[:SS]` (the seconds kept: a punch at 07:59:40 is 20 s early, not on time).
fn time_secs(c: &Cell) -> Option<u32> {
    match c {
        Cell::Date(x) | Cell::Number(x) if (0.0..1.0).contains(x) => {
            let s = (x * 86_400.0).round() as u32;
            (s < 86_400).then_some(s)
        }
        Cell::Text(t) => {
            let mut parts = t.trim().split(':');
            let h: u32 = parts.next()?.trim().parse().ok()?;
            let m: u32 = parts.next()?.trim().parse().ok()?;
            let s: u32 = match parts.next() {
                Some(s) => s.trim().parse().ok()?,
                None => 0,
            };
            if parts.next().is_some() {
                return None;
            }
            (h < 24 && m < 60 && s < 60).then(|| h * 3600 + m * 60 + s)
        }
        _ => None,
    }
}

/// A date and time: an Excel date-time serial, or text `2026-03-01 07:55[:00]`.
fn datetime_of(c: &Cell) -> Option<NaiveDateTime> {
    match c {
        Cell::Date(x) | Cell::Number(x) if *x >= 1.0 => {
            let date = super::table::serial_date(*x)?;
            let secs = (x.fract() * 86_400.0).round() as i64;
            Some(date.and_hms_opt(0, 0, 0)? + Duration::seconds(secs))
        }
        Cell::Text(t) => {
            let mut words = t.split_whitespace();
            let date = parse_date(&Cell::Text(words.next()?.to_string()))?;
            let time = words.find_map(|w| time_secs(&Cell::Text(w.to_string())))?;
            Some(date.and_hms_opt(0, 0, 0)? + Duration::seconds(i64::from(time)))
        }
        _ => None,
    }
}

fn template(
    t: &Table,
    header_row: usize,
    spec: &TemplateSpec,
    ctx: &ImportContext,
) -> Result<Parsed, ImportErrors> {
    let mut probs = Problems::new(&t.sheet);
    let header = header_cells(t, header_row);
    let keys = [
        ("employee", Field::Employee),
        ("name", Field::Name),
        ("date", Field::Date),
        ("shift", Field::Shift),
        ("clock_in", Field::ClockIn),
        ("clock_out", Field::ClockOut),
        ("leave", Field::Leave),
        ("leave_hours", Field::LeaveHours),
        ("note", Field::Note),
    ];
    let wanted: Vec<(Field, Vec<String>)> =
        keys.iter().map(|(k, f)| (*f, spec.headers_of(k))).collect();
    let cols = find_columns(header, &wanted);
    if !cols.contains_key(&Field::Employee) && !cols.contains_key(&Field::Name) {
        probs.missing_column(
            header_row,
            said!("工号 or 姓名", "工号 或 姓名"),
            &spec.headers_of("employee"),
        );
    }
    for (k, f) in [("date", Field::Date), ("shift", Field::Shift)] {
        if !cols.contains_key(&f) {
            probs.missing_column(header_row, Said::same(f.label()), &spec.headers_of(k));
        }
    }
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }
    let col = |f: Field| cols.get(&f).copied();
    let label = |f: Field| -> (usize, &'static str) { (cols[&f], f.label()) };
    let mut records: Vec<DayRecord> = Vec::new();
    let mut seen: BTreeMap<(String, NaiveDate), usize> = BTreeMap::new();
    for (row, cells) in t.rows.iter().filter(|(r, _)| *r > header_row) {
        let row = *row;
        let employee = who(
            &ctx.staff,
            col(Field::Employee).map(|i| (i, cell(cells, Some(i)))),
            col(Field::Name).map(|i| (i, cell(cells, Some(i)))),
            true,
            row,
            &mut probs,
        );
        let date_cell = cell(cells, col(Field::Date));
        let date = match parse_date(date_cell) {
            Some(d) if ctx.in_month(d) => Some(d),
            Some(d) => {
                probs.at(
                    row,
                    Some(label(Field::Date)),
                    said!(
                        "a date in {}-{:02}",
                        "{}-{:02} 内的日期",
                        ctx.year,
                        ctx.month
                    ),
                    said!("{d} (date outside the month)", "{d}（不在本月）"),
                );
                None
            }
            None => {
                probs.at(
                    row,
                    Some(label(Field::Date)),
                    said!(
                        "a date (Excel date, 2026-03-01 or 26-03-01 星期日)",
                        "日期（Excel 日期、2026-03-01 或 26-03-01 星期日）"
                    ),
                    date_cell.said(),
                );
                None
            }
        };
        let shift_cell = cell(cells, col(Field::Shift));
        let mut rest = false;
        let shift = match shift_cell {
            Cell::Empty => None,
            c => {
                let s = text_of(c).unwrap_or_default();
                if ["休", "休息", "rest", "off", "-"].contains(&s.as_str()) {
                    rest = true;
                    None
                } else if let Some(code) = ctx.shift_code(&s) {
                    Some(code)
                } else {
                    let codes: Vec<String> = ctx
                        .shifts
                        .iter()
                        .map(|s| format!("{} {}", s.clock.code, s.name))
                        .collect();
                    probs.at(
                        row,
                        Some(label(Field::Shift)),
                        said!(
                            "a shift of the site ({}) or 休",
                            "本站点的班次（{}）或 休",
                            codes.join(", ")
                        ),
                        c.said(),
                    );
                    None
                }
            }
        };
        let mut clock = |f: Field| -> Option<NaiveDateTime> {
            let c = cell(cells, col(f));
            if *c == Cell::Empty {
                return None;
            }
            if let Some(dt) = datetime_of(c) {
                return Some(dt);
            }
            match (time_of(c), date) {
                (Some(m), Some(d)) => {
                    Some(d.and_hms_opt(0, 0, 0)? + Duration::minutes(i64::from(m)))
                }
                (Some(_), None) => None,
                (None, _) => {
                    probs.at(
                        row,
                        Some(label(f)),
                        said!(
                            "a time (HH:MM, an Excel time, or a date and time)",
                            "时间（HH:MM、Excel 时间，或日期加时间）"
                        ),
                        c.said(),
                    );
                    None
                }
            }
        };
        let clock_in = clock(Field::ClockIn);
        let mut clock_out = clock(Field::ClockOut);
        if let (Some(i), Some(o)) = (clock_in, clock_out) {
            if o <= i {
                // Earlier than the clock-in: the next day (a night shift).
                clock_out = Some(o + Duration::days(1));
            }
        }
        let leave_cell = cell(cells, col(Field::Leave));
        let leave = match leave_cell {
            Cell::Empty => None,
            c => match text_of(c).as_deref().and_then(leave_kind) {
                Some(k) => Some(k),
                None => {
                    probs.at(
                        row,
                        Some(label(Field::Leave)),
                        said!(
                            "a leave type: 年休假 病假 事假 婚假 丧假 产假 陪产假 调休",
                            "假别：年休假 病假 事假 婚假 丧假 产假 陪产假 调休"
                        ),
                        c.said(),
                    );
                    None
                }
            },
        };
        let hours_cell = cell(cells, col(Field::LeaveHours));
        let leave_hours = match hours_cell {
            Cell::Empty => None,
            c => match number(c).and_then(Decimal::from_f64) {
                Some(h) if h > Decimal::ZERO && h <= Decimal::from(24) => Some(h.round_dp(2)),
                _ => {
                    probs.at(
                        row,
                        Some(label(Field::LeaveHours)),
                        said!(
                            "a number of hours above 0 and at most 24 (text in a number cell is not read)",
                            "大于 0、不超过 24 的小时数（数字单元格中的文本不予读取）"
                        ),
                        c.said(),
                    );
                    None
                }
            },
        };
        if leave_hours.is_some() && leave.is_none() && *leave_cell == Cell::Empty {
            probs.at(
                row,
                cols.get(&Field::Leave).map(|i| (*i, Field::Leave.label())),
                said!(
                    "a leave type for the leave hours given",
                    "已填请假小时数对应的假别"
                ),
                Cell::Empty.said(),
            );
        }
        let note = text_of(cell(cells, col(Field::Note))).unwrap_or_default();
        let (Some(employee), Some(date)) = (employee, date) else {
            continue;
        };
        if shift.is_none() && clock_in.is_none() && clock_out.is_none() && leave.is_none() && !rest
        {
            // Nothing recorded (a pre-filled row left blank).
            continue;
        }
        if let Some(first) = seen.insert((employee.clone(), date), row) {
            probs.at(
                row,
                None,
                said!(
                    "one row per person and date ({employee} on {date})",
                    "每人每天一行（{employee} {date}）"
                ),
                said!(
                    "a duplicate row (also row {first})",
                    "重复行（与第 {first} 行重复）"
                ),
            );
            continue;
        }
        let mut shift = shift;
        let mut shift_inferred = false;
        if shift.is_none() && (clock_in.is_some() || clock_out.is_some()) && !rest {
            // Infer from the times, as for punches.
            let punches: Vec<Punch> = [(clock_in, Direction::In), (clock_out, Direction::Out)]
                .into_iter()
                .filter_map(|(time, d)| {
                    time.map(|at| Punch {
                        employee: employee.clone(),
                        at,
                        direction: Some(d),
                        day_hint: Some(date),
                        sheet: t.sheet.clone(),
                        row,
                    })
                })
                .collect();
            let names = BTreeMap::new();
            if let Ok(recs) = pair_punches(
                &punches,
                &ctx.clocks(),
                &ctx.policy,
                &names,
                Source::Template,
            ) {
                shift = recs.first().and_then(|r| r.shift.clone());
                shift_inferred = shift.is_some();
            }
        }
        let name = ctx
            .staff
            .iter()
            .find(|s| s.id == employee)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        records.push(DayRecord {
            employee,
            name,
            date,
            shift,
            shift_inferred,
            clock_in,
            clock_out,
            leave,
            leave_hours: if leave.is_some() {
                Some(leave_hours.unwrap_or_else(|| Decimal::from(8)))
            } else {
                None
            },
            reported: rest.then(|| Reported {
                rest: true,
                ..Reported::default()
            }),
            note,
            source: Source::Template,
            sheet: t.sheet.clone(),
            row,
        });
    }
    overlapping(&mut records, &mut probs);
    finish(probs, Source::Template, &t.sheet, records, 0, 0, vec![])
}

/// Flags a person's consecutive records whose clock intervals overlap.
fn overlapping(records: &mut [DayRecord], probs: &mut Problems<'_>) {
    records.sort_by(|a, b| (&a.employee, a.date).cmp(&(&b.employee, b.date)));
    for w in records.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.employee != b.employee {
            continue;
        }
        if let (Some(end), Some(start)) = (a.clock_out, b.clock_in) {
            if end > start {
                probs.at(
                    b.row,
                    None,
                    said!(
                        "a clock-in after the previous shift's clock-out ({} row {} ends {})",
                        "晚于上一班下班打卡的上班打卡（{} 第 {} 行于 {} 下班）",
                        a.date,
                        a.row,
                        end.format("%m-%d %H:%M")
                    ),
                    said!(
                        "overlapping punches: clock-in {}",
                        "打卡时间重叠：上班打卡 {}",
                        start.format("%m-%d %H:%M")
                    ),
                );
            }
        }
    }
}

fn finish(
    probs: Problems<'_>,
    source: Source,
    sheet: &str,
    mut records: Vec<DayRecord>,
    punches: usize,
    merged: usize,
    ignored: Vec<Said>,
) -> Result<Parsed, ImportErrors> {
    if !probs.list.is_empty() {
        let mut list = probs.list;
        list.sort_by_key(|p| (p.row, p.column.clone()));
        return Err(ImportErrors(list));
    }
    records.sort_by(|a, b| (&a.employee, a.date).cmp(&(&b.employee, b.date)));
    Ok(Parsed {
        source,
        sheet: sheet.to_string(),
        records,
        punches,
        merged,
        ignored,
    })
}

/// What one DingTalk day cell says.
#[derive(Debug, Clone, Default, PartialEq)]
struct DayCell {
    /// The report.
    rep: Reported,
    /// A leave: kind and hours.
    leave: Option<(scheduler::LeaveKind, Decimal)>,
    /// A shift of ours the cell names.
    shift: Option<String>,
    /// Punch times in the new style `(08:17,18:30)`, `None` for `-`.
    times: Option<(Option<u32>, Option<u32>)>,
}

/// `12分钟`, `1小时30分钟`, `1.5小时`, `2小时` as minutes.
fn duration_minutes(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = Decimal::ZERO;
    let mut rest = s;
    let mut any = false;
    while !rest.is_empty() {
        let num: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if num.is_empty() {
            return None;
        }
        let n: Decimal = num.parse().ok()?;
        rest = &rest[num.len()..];
        let (unit, len) = [("小时", 60), ("分钟", 1), ("分", 1), ("h", 60), ("min", 1)]
            .into_iter()
            .find(|(u, _)| rest.starts_with(u))
            .map(|(u, m)| (m, u.len()))?;
        total += n * Decimal::from(unit);
        rest = &rest[len..];
        any = true;
    }
    if !any || total < Decimal::ZERO {
        return None;
    }
    u32::try_from(total.round().mantissa()).ok()
}

/// `(08:17,18:30)`, `(-,18:07)`, `(09:15,-)`, `(-)`: the punch times of a new-style cell.
fn punch_pair(inner: &str) -> Option<(Option<u32>, Option<u32>)> {
    let parts: Vec<&str> = inner.split([',', '，']).map(str::trim).collect();
    let one = |p: &str| -> Option<Option<u32>> {
        if p == "-" || p == "--" || p.is_empty() {
            Some(None)
        } else {
            hh_mm(p).map(Some)
        }
    };
    match parts.as_slice() {
        [only] => Some((one(only)?, None)),
        [a, b] => Some((one(a)?, one(b)?)),
        _ => None,
    }
}

/// `08:17` or `08:17:05` as minutes after midnight (seconds dropped).
fn hh_mm(s: &str) -> Option<u32> {
    let mut it = s.split(':');
    let h: u32 = it.next()?.trim().parse().ok()?;
    let m: u32 = it.next()?.trim().parse().ok()?;
    if let Some(sec) = it.next() {
        let sec: u32 = sec.trim().parse().ok()?;
        if sec > 59 {
            return None;
        }
    }
    (h <= 24 && m <= 59 && (h < 24 || m == 0)).then_some(h * 60 + m)
}

/// One DingTalk 月度汇总 day cell, in the classic style (`正常`, `上班迟到12分钟`,
/// `事假09-01 09:00到09-01 13:00 4小时`, several joined by `,`) or the new one
/// (`正常班:正常\n(08:17,18:30)`, `休息\n(-)`, `(09:15,-)`).
fn day_cell(text: &str, ctx: &ImportContext) -> Result<DayCell, Said> {
    let mut out = DayCell::default();
    // The punch times in parentheses (new style) come out first.
    let mut rest = String::new();
    let mut chars = text.char_indices().peekable();
    let mut last = 0;
    while let Some((i, c)) = chars.next() {
        if c == '(' || c == '（' {
            let close = text[i..].find([')', '）']).map(|j| i + j);
            let Some(close) = close else {
                return Err(said!(
                    "\"{text}\": a parenthesis is not closed",
                    "“{text}”：括号未闭合"
                ));
            };
            let inner = &text[i + c.len_utf8()..close];
            let is_times = inner
                .chars()
                .all(|c| c.is_ascii_digit() || ":-,， ".contains(c));
            if is_times {
                rest.push_str(&text[last..i]);
                out.times = Some(punch_pair(inner).ok_or_else(|| {
                    said!(
                        "\"{inner}\" in \"{text}\": punch times (HH:MM,HH:MM), - for none",
                        "“{text}”中的“{inner}”：应为打卡时间 (HH:MM,HH:MM)，无打卡写 -"
                    )
                })?);
                let end = close + text[close..].chars().next().map_or(1, char::len_utf8);
                last = end;
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
        }
    }
    rest.push_str(&text[last..]);
    if let Some((Some(_), _) | (_, Some(_))) = out.times {
        out.rep.present = true;
    }
    if let Some((a, b)) = out.times {
        if a.is_none() && b.is_some() {
            out.rep.missing_in = true;
        }
        if a.is_some() && b.is_none() {
            out.rep.missing_out = true;
        }
    }
    for segment in rest
        .split([',', '，', ';', '；', '\n'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        // `正常班:正常`: the company's shift name, then the result.
        // A name with digits is not a shift name: `年假03-24 08:00到…` holds times.
        let seg = match segment.split_once([':', '：']) {
            Some((name, result))
                if ctx.shift_code(name).is_some() || !name.chars().any(|c| c.is_ascii_digit()) =>
            {
                if let Some(code) = ctx.shift_code(name) {
                    out.shift = Some(code);
                }
                result.trim()
            }
            _ => segment,
        };
        if seg.is_empty() {
            continue;
        }
        let after = |p: &str| seg.strip_prefix(p);
        match seg {
            "正常" | "出勤" | "外勤" | "补卡审批通过" | "不在考勤组并打卡" => {
                out.rep.present = true;
            }
            "休息" | "休" => out.rep.rest = true,
            "休息并打卡" => {
                out.rep.rest = true;
                out.rep.present = true;
            }
            "旷工" => out.rep.absent = true,
            "上班缺卡" => {
                out.rep.present = true;
                out.rep.missing_in = true;
            }
            "下班缺卡" => {
                out.rep.present = true;
                out.rep.missing_out = true;
            }
            "缺卡" => {
                out.rep.present = true;
                out.rep.missing_in = true;
                out.rep.missing_out = true;
            }
            _ => {
                let late = ["上班严重迟到", "严重迟到", "上班迟到", "迟到"]
                    .iter()
                    .find_map(|p| after(p))
                    .map(|r| duration_minutes(r).ok_or(r));
                let early = ["下班早退", "早退"]
                    .iter()
                    .find_map(|p| after(p))
                    .map(|r| duration_minutes(r).ok_or(r));
                if seg.starts_with("管理员") && seg.ends_with("改为正常") {
                    out.rep.present = true;
                } else if let Some(r) = ["旷工迟到", "上班旷工迟到"].iter().find_map(|p| after(p))
                {
                    let _ = r;
                    out.rep.absent = true;
                } else if let Some(m) = late {
                    let m = m.map_err(|r| {
                        said!(
                            "\"{r}\" in \"{text}\": a duration (12分钟, 1小时30分钟)",
                            "“{text}”中的“{r}”：应为时长（12分钟、1小时30分钟）"
                        )
                    })?;
                    out.rep.present = true;
                    out.rep.late_minutes = Some(out.rep.late_minutes.unwrap_or(0) + m);
                } else if let Some(m) = early {
                    let m = m.map_err(|r| {
                        said!(
                            "\"{r}\" in \"{text}\": a duration (5分钟)",
                            "“{text}”中的“{r}”：应为时长（5分钟）"
                        )
                    })?;
                    out.rep.present = true;
                    out.rep.early_minutes = Some(out.rep.early_minutes.unwrap_or(0) + m);
                } else if ["出差", "外出", "加班", "休息加班"]
                    .iter()
                    .any(|p| seg.starts_with(p))
                {
                    // A trip or outing is work; overtime hours come from the roster.
                    if !seg.starts_with("加班") && !seg.starts_with("休息加班") {
                        out.rep.present = true;
                    }
                } else if let Some((kind, hours)) = leave_segment(seg) {
                    let hours = hours.map_err(|e| {
                        Said::new(
                            format!("\"{seg}\" in \"{text}\": {}", e.en),
                            format!("“{text}”中的“{seg}”：{}", e.zh),
                        )
                    })?;
                    out.leave = Some(match out.leave {
                        Some((k, h)) if k == kind => (k, h + hours),
                        _ => (kind, hours),
                    });
                } else if let Some(code) = ctx.shift_code(seg) {
                    out.shift = Some(code);
                } else {
                    return Err(said!("\"{seg}\" in \"{text}\"", "“{text}”中的“{seg}”"));
                }
            }
        }
    }
    Ok(out)
}

/// A leave segment: a leave name, optionally a time span, and the amount at the end
/// (`事假4小时`, `年假1天`, `病假3.5小时`, `事假09-01 09:00到09-01 13:00 4小时`), or the bare
/// name (a whole day). `None` when it is not a leave; `Some(Err)` for a leave with a bad
/// amount (a negative or unreadable one).
fn leave_segment(seg: &str) -> Option<(scheduler::LeaveKind, Result<Decimal, Said>)> {
    let name_end = seg
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit() || *c == '-' || c.is_whitespace())
        .map_or(seg.len(), |(i, _)| i);
    let kind = leave_kind(&seg[..name_end])?;
    let tail = seg[name_end..].trim();
    if tail.is_empty() {
        return Some((kind, Ok(Decimal::from(8))));
    }
    // The amount is the last word: `4小时`, `1天`, `0.5天`.
    let last = tail.rsplit(' ').next().unwrap_or(tail);
    let last = last.rsplit('到').next().unwrap_or(last);
    let num_start = last
        .char_indices()
        .rev()
        .take_while(|(_, c)| !c.is_ascii_digit() && *c != '.')
        .last()
        .map_or(last.len(), |(i, _)| i);
    let unit = &last[num_start..];
    let digits_start = last[..num_start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == '-')
        .last()
        .map_or(num_start, |(i, _)| i);
    let num = &last[digits_start..num_start];
    let amount: Result<Decimal, Said> = num
        .parse::<Decimal>()
        .map_err(|_| {
            said!(
                "a leave amount (4小时, 1天), not \"{last}\"",
                "应为请假时长（4小时、1天），而不是“{last}”"
            )
        })
        .and_then(|n| {
            if n < Decimal::ZERO {
                return Err(said!(
                    "a leave amount of at least 0, not {n}",
                    "请假时长应不小于 0，而不是 {n}"
                ));
            }
            match unit {
                "小时" | "h" => Ok(n),
                "天" | "d" => Ok(n * Decimal::from(8)),
                _ => Err(said!(
                    "a leave amount in 小时 or 天, not \"{last}\"",
                    "请假时长单位应为 小时 或 天，而不是“{last}”"
                )),
            }
        });
    Some((kind, amount))
}

/// A DingTalk 月度汇总 totals column this reader checks against the day cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Total {
    LateCount,
    LateMinutes,
    EarlyCount,
    EarlyMinutes,
    MissingIn,
    MissingOut,
    AbsentDays,
    RestDays,
    /// A leave kind's total, in hours (`true`) or days.
    Leave(scheduler::LeaveKind, bool),
    /// Read as a number ≥ 0, not compared.
    Other,
}

/// The totals column a (normalised) header names, if any.
fn total_of(h: &str) -> Option<Total> {
    Some(match h {
        "迟到次数" => Total::LateCount,
        "迟到时长" | "迟到时长分钟" | "迟到时长分" => Total::LateMinutes,
        "早退次数" => Total::EarlyCount,
        "早退时长" | "早退时长分钟" | "早退时长分" => Total::EarlyMinutes,
        "上班缺卡次数" => Total::MissingIn,
        "下班缺卡次数" => Total::MissingOut,
        "旷工天数" => Total::AbsentDays,
        "休息天数" => Total::RestDays,
        "出勤天数"
        | "应出勤天数"
        | "工作时长"
        | "工作时长分钟"
        | "工作时长分"
        | "严重迟到次数"
        | "严重迟到时长"
        | "严重迟到时长分钟"
        | "旷工迟到天数"
        | "旷工迟到次数"
        | "出差时长"
        | "外出时长"
        | "补卡次数"
        | "加班总时长"
        | "打卡次数" => Total::Other,
        _ => {
            let (name, hours) = if let Some(n) = h.strip_suffix("小时") {
                (n, true)
            } else if let Some(n) = h.strip_suffix("天") {
                (n, false)
            } else {
                return None;
            };
            Total::Leave(leave_kind(name)?, hours)
        }
    })
}

/// The label of a DingTalk day column: `1`..`31`, or `六` / `日` on weekends (whose date is
/// counted from the title's period).
fn day_label(c: &Cell) -> bool {
    day_number(c).is_some()
        || matches!(c, Cell::Text(t) if matches!(t.as_str(), "六" | "日" | "一" | "二" | "三" | "四" | "五"))
}

/// `月度汇总 统计日期：2026-03-01 至 2026-03-31` in the rows above the header: the period.
fn summary_period(t: &Table, header_row: usize) -> Option<(NaiveDate, NaiveDate)> {
    for (_, cells) in t.rows.iter().filter(|(r, _)| *r < header_row) {
        for c in cells {
            let Cell::Text(s) = c else { continue };
            let Some(at) = s.find("统计日期") else {
                continue;
            };
            let rest = s[at + "统计日期".len()..].trim_start_matches([':', '：', ' ']);
            let (a, b) = rest.split_once('至')?;
            let a = parse_date(&Cell::Text(a.trim().to_string()))?;
            let b = parse_date(&Cell::Text(b.split_whitespace().next()?.to_string()))?;
            return Some((a, b));
        }
    }
    None
}

/// DingTalk 月度汇总: one row per person under a one- or two-level header (identification
/// and totals merged over both rows; 请假 over its leave types and 考勤结果 over the day
/// columns, labelled with the day number, or 六 / 日 on weekends), the period in the title.
/// Every day cell is read; the totals are checked as numbers ≥ 0 that agree with the day
/// cells.
fn summary(t: &Table, header_row: usize, ctx: &ImportContext) -> Result<Parsed, ImportErrors> {
    let mut probs = Problems::new(&t.sheet);
    let top = header_cells(t, header_row);
    let sub: Option<&[Cell]> = t
        .rows
        .iter()
        .find(|(r, _)| *r == header_row + 1)
        .map(|(_, c)| c.as_slice())
        .filter(|c| c.iter().filter(|x| day_label(x)).count() >= 28);
    let width = top.len().max(sub.map_or(0, <[Cell]>::len));
    // The header of each column: the sub-header's text where it has one.
    let header: Vec<Cell> = (0..width)
        .map(|i| match sub.and_then(|s| s.get(i)) {
            Some(c) if *c != Cell::Empty => c.clone(),
            _ => top.get(i).cloned().unwrap_or(Cell::Empty),
        })
        .collect();
    let last_header = header_row + usize::from(sub.is_some());
    let h: Vec<String> = header.iter().map(header_text).collect();
    let col = |names: &[&str]| {
        h.iter()
            .position(|x| names.iter().any(|n| x == &normalise(n)))
    };
    let id_col = col(&["工号", "员工编号"]);
    let user_col = col(&["UserId", "userid", "钉钉UserID"]);
    let name_col = col(&["姓名"]);
    if id_col.is_none() && user_col.is_none() {
        probs.missing_column(
            last_header,
            said!(
                "工号 or UserId (the 月度汇总 identifies people by them; a file without them cannot be matched safely)",
                "工号 或 UserId（月度汇总以此识别人员；缺少它们的文件无法可靠匹配）"
            ),
            &["工号".to_string(), "UserId".to_string()],
        );
        return Err(ImportErrors(probs.list));
    }
    // The day columns, in order, with their dates.
    let day_cols: Vec<usize> = (0..width).filter(|&i| day_label(&header[i])).collect();
    let period = summary_period(t, header_row);
    // The file of another month is refused at its title, before any cell is read.
    if let Some((from, to)) = period {
        if from < ctx.first_day() || to > ctx.last_day() {
            let title_row = t
                .rows
                .iter()
                .find(|(r, cells)| {
                    *r < header_row
                        && cells
                            .iter()
                            .any(|c| matches!(c, Cell::Text(s) if s.contains("统计日期")))
                })
                .map_or(1, |(r, _)| *r);
            probs.at(
                title_row,
                None,
                said!(
                    "the period of {}-{:02} in the title (统计日期)",
                    "标题中的统计日期为 {}-{:02}",
                    ctx.year,
                    ctx.month
                ),
                said!(
                    "统计日期 {} 至 {} (the file of another period)",
                    "统计日期 {} 至 {}（其他期间的文件）",
                    from.format("%Y-%m-%d"),
                    to.format("%Y-%m-%d")
                ),
            );
            return Err(ImportErrors(probs.list));
        }
    }
    let dates: Vec<(usize, Result<NaiveDate, Said>)> = match period {
        Some((from, _)) => day_cols
            .iter()
            .enumerate()
            .map(|(k, &i)| (i, Ok(from + Duration::days(k as i64))))
            .collect(),
        None => day_cols
            .iter()
            .map(|&i| {
                let d = day_number(&header[i]).ok_or_else(|| {
                    said!(
                        "a day number (the title's 统计日期 is missing, so 六/日 columns have no date)",
                        "日期数字（标题缺少统计日期，六/日 列无法对应日期）"
                    )
                });
                (
                    i,
                    d.and_then(|d| {
                        NaiveDate::from_ymd_opt(ctx.year, ctx.month, d)
                            .ok_or_else(|| {
                                said!("day {d} of {}-{:02}", "{}-{:02} 的 {d} 日", ctx.year, ctx.month)
                            })
                    }),
                )
            })
            .collect(),
    };
    // The label must agree with the date it stands for.
    for (i, d) in &dates {
        if let (Ok(d), Some(n)) = (d, day_number(&header[*i])) {
            if d.day() != n {
                probs.at(
                    last_header,
                    Some((*i, "考勤结果")),
                    said!(
                        "day {} (the column's date by the title's period)",
                        "{} 日（按标题期间推算的该列日期）",
                        d.day()
                    ),
                    said!("day label {n}", "日期标签 {n}"),
                );
            }
        }
    }
    let totals: Vec<(usize, Total)> = (0..width)
        .filter(|i| !day_cols.contains(i))
        .filter_map(|i| total_of(&h[i]).map(|t| (i, t)))
        .collect();
    let mut records = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, cells) in t.rows.iter().filter(|(r, _)| *r > last_header) {
        let row = *row;
        let id_cell = cell(cells, id_col);
        let user_cell = cell(cells, user_col);
        let name_cell = cell(cells, name_col);
        if [id_cell, user_cell, name_cell]
            .iter()
            .all(|c| **c == Cell::Empty)
        {
            continue;
        }
        let Some(employee) = who_with_clock_id(
            &ctx.staff,
            Vendor::DingTalk,
            user_col.map(|i| (i, user_cell)),
            id_col.map(|i| (i, id_cell)),
            name_col.map(|i| (i, name_cell)),
            row,
            &mut probs,
        ) else {
            continue;
        };
        if let Some(first) = seen.insert(employee.clone(), row) {
            let name = ctx
                .staff
                .iter()
                .find(|s| s.id == employee)
                .map_or("", |s| s.name.as_str());
            probs.at(
                row,
                None,
                said!(
                    "one row per person ({employee} {name})",
                    "每人一行（{employee} {name}）"
                ),
                said!(
                    "a duplicate row of {name} (also row {first})",
                    "{name} 的重复行（与第 {first} 行重复）"
                ),
            );
            continue;
        }
        let name = ctx
            .staff
            .iter()
            .find(|s| s.id == employee)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let mut sums = DaySums::default();
        for (i, date) in &dates {
            let c = cell(cells, Some(*i));
            if let Cell::Error(e) = c {
                probs.at(
                    row,
                    Some((*i, "考勤结果")),
                    said!("a day result", "当日考勤结果"),
                    said!("the error value {e}", "错误值 {e}"),
                );
                continue;
            }
            let Some(text) = text_of(c) else { continue };
            let head = match date {
                Ok(d) => format!("{}", d.day()),
                Err(_) => "考勤结果".to_string(),
            };
            let date = match date {
                Ok(d) => *d,
                Err(e) => {
                    probs.at(
                        row,
                        Some((*i, &head)),
                        e.clone(),
                        said!("\"{text}\"", "“{text}”"),
                    );
                    continue;
                }
            };
            if !ctx.in_month(date) {
                probs.at(
                    row,
                    Some((*i, &head)),
                    said!(
                        "a day of {}-{:02}",
                        "{}-{:02} 内的一天",
                        ctx.year,
                        ctx.month
                    ),
                    said!(
                        "\"{text}\" on {date} (date outside the month)",
                        "{date} 的“{text}”（不在本月）"
                    ),
                );
                continue;
            }
            match day_cell(&text, ctx) {
                Ok(dc) => {
                    sums.add(&dc);
                    // Times of day placed nearest the shift's start and end: a night
                    // shift's 23:57 clock-in is on the day before.
                    let shift = dc.shift.as_deref();
                    let at = |m: Option<u32>, out: bool| {
                        m.map(|m| nearest_day(date, m * 60, ctx.anchor(&employee, date, shift, out)))
                    };
                    let (clock_in, mut clock_out) =
                        dc.times.map_or((None, None), |(a, b)| (at(a, false), at(b, true)));
                    if let (Some(a), Some(b)) = (clock_in, clock_out) {
                        if b <= a {
                            clock_out = Some(b + Duration::days(1));
                        }
                    }
                    records.push(DayRecord {
                        employee: employee.clone(),
                        name: name.clone(),
                        date,
                        shift: dc.shift,
                        shift_inferred: false,
                        clock_in,
                        clock_out,
                        leave: dc.leave.map(|(k, _)| k),
                        leave_hours: dc.leave.map(|(_, h)| h),
                        reported: Some(dc.rep),
                        note: text,
                        source: Source::DingTalkSummary,
                        sheet: t.sheet.clone(),
                        row,
                    });
                }
                Err(found) => probs.at(
                    row,
                    Some((*i, &head)),
                    said!(
                        "a DingTalk day result: 正常, 休息, 上班迟到N分钟, 下班早退N分钟, 上班缺卡, 下班缺卡, 旷工, 事假N小时, 年假N天, 班次:结果 (HH:MM,HH:MM) …",
                        "钉钉当日结果：正常、休息、上班迟到N分钟、下班早退N分钟、上班缺卡、下班缺卡、旷工、事假N小时、年假N天、班次:结果 (HH:MM,HH:MM) …"
                    ),
                    found,
                ),
            }
        }
        // The totals: numbers ≥ 0 agreeing with the day cells.
        for &(i, total) in &totals {
            let c = cell(cells, Some(i));
            let head = match &header[i] {
                Cell::Text(t) => t.clone(),
                _ => h[i].clone(),
            };
            let value = match c {
                Cell::Empty => continue,
                Cell::Error(e) => {
                    probs.at(
                        row,
                        Some((i, &head)),
                        said!("a number of at least 0", "不小于 0 的数"),
                        said!("the error value {e}", "错误值 {e}"),
                    );
                    continue;
                }
                other => match number(other) {
                    Some(v) if v >= 0.0 && v.is_finite() => v,
                    Some(v) => {
                        probs.at(
                            row,
                            Some((i, &head)),
                            said!("a number of at least 0", "不小于 0 的数"),
                            Said::same(format!("{v}")),
                        );
                        continue;
                    }
                    None => {
                        probs.at(
                            row,
                            Some((i, &head)),
                            said!("a number", "数字"),
                            other.said(),
                        );
                        continue;
                    }
                },
            };
            if let Some(expected) = sums.total(total) {
                let v = Decimal::try_from(value).unwrap_or_default();
                if (v - expected).abs() > Decimal::new(1, 2) {
                    probs.at(
                        row,
                        Some((i, &head)),
                        said!(
                            "{} (the sum of the day cells)",
                            "{}（各日单元格之和）",
                            expected.normalize()
                        ),
                        said!(
                            "{} (the totals disagree with the days)",
                            "{}（合计与各日不符）",
                            v.normalize()
                        ),
                    );
                }
            }
        }
    }
    finish(
        probs,
        Source::DingTalkSummary,
        &t.sheet,
        records,
        0,
        0,
        vec![],
    )
}

/// The day cells of a summary row, summed for the totals columns.
#[derive(Debug, Default)]
struct DaySums {
    late_count: u32,
    late_minutes: u32,
    early_count: u32,
    early_minutes: u32,
    missing_in: u32,
    missing_out: u32,
    absent: u32,
    rest: u32,
    leave_hours: Vec<(scheduler::LeaveKind, Decimal)>,
}

impl DaySums {
    fn add(&mut self, d: &DayCell) {
        if let Some(m) = d.rep.late_minutes {
            self.late_count += 1;
            self.late_minutes += m;
        }
        if let Some(m) = d.rep.early_minutes {
            self.early_count += 1;
            self.early_minutes += m;
        }
        self.missing_in += u32::from(d.rep.missing_in);
        self.missing_out += u32::from(d.rep.missing_out);
        self.absent += u32::from(d.rep.absent);
        self.rest += u32::from(d.rep.rest && !d.rep.present);
        if let Some((k, h)) = d.leave {
            match self.leave_hours.iter_mut().find(|(x, _)| *x == k) {
                Some((_, sum)) => *sum += h,
                None => self.leave_hours.push((k, h)),
            }
        }
    }

    fn total(&self, t: Total) -> Option<Decimal> {
        Some(match t {
            Total::LateCount => self.late_count.into(),
            Total::LateMinutes => self.late_minutes.into(),
            Total::EarlyCount => self.early_count.into(),
            Total::EarlyMinutes => self.early_minutes.into(),
            Total::MissingIn => self.missing_in.into(),
            Total::MissingOut => self.missing_out.into(),
            Total::AbsentDays => self.absent.into(),
            Total::RestDays => self.rest.into(),
            Total::Leave(k, hours) => {
                let h = self
                    .leave_hours
                    .iter()
                    .find(|(x, _)| *x == k)
                    .map(|(_, h)| *h)
                    .unwrap_or_default();
                if hours {
                    h
                } else {
                    h / Decimal::from(8)
                }
            }
            Total::Other => return None,
        })
    }
}

fn punches(
    t: &Table,
    header_row: usize,
    source: Source,
    ctx: &ImportContext,
) -> Result<Parsed, ImportErrors> {
    let mut probs = Problems::new(&t.sheet);
    let header = header_cells(t, header_row);
    let aliases = punch_aliases(source);
    let wanted: Vec<(Field, Vec<String>)> = aliases
        .iter()
        .map(|(f, names)| (*f, names.iter().map(|n| normalise(n)).collect()))
        .collect();
    let cols = find_columns(header, &wanted);
    let required: &[Field] = match source {
        Source::WeComPunches => &[Field::PunchDate, Field::PunchTime],
        Source::DingTalkPunches => &[Field::Name, Field::PunchTime],
        _ => &[Field::PunchTime],
    };
    for f in required {
        if !cols.contains_key(f) {
            let names: Vec<String> = aliases
                .iter()
                .filter(|(g, _)| g == f)
                .flat_map(|(_, n)| n.iter().map(|s| s.to_string()))
                .collect();
            probs.missing_column(header_row, Said::same(f.label()), &names);
        }
    }
    // Each layout's identifier column (DingTalk 工号 or UserId, WeCom 账号, ZKTeco 考勤号码)
    // must be there: matching by name alone would pass a renamed or dropped column without
    // a word.
    let (vendor, ident): (Vendor, &[Field]) = match source {
        Source::DingTalkPunches => (Vendor::DingTalk, &[Field::Employee, Field::ClockId]),
        // 打卡详情 may carry only the name (its 账号 column is not in every version).
        Source::WeComPunches => (
            Vendor::WeCom,
            &[Field::Name, Field::ClockId, Field::Employee],
        ),
        _ => (Vendor::Zkteco, &[Field::ClockId, Field::Employee]),
    };
    if !ident.iter().any(|f| cols.contains_key(f)) {
        let names: Vec<String> = aliases
            .iter()
            .filter(|(g, _)| ident.contains(g))
            .flat_map(|(_, n)| n.iter().map(|s| s.to_string()))
            .collect();
        probs.missing_column(
            header_row,
            said!(
                "{} (the layout identifies people by it)",
                "{}（该格式以此识别人员）",
                names.join(" / ")
            ),
            &names,
        );
    }
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }
    // 考勤时间 (the scheduled check a punch was matched to) marks the punches that are
    // attendance; a file whose column is empty throughout does not use it.
    let plan_col = cols.get(&Field::PlanTime).copied().filter(|&i| {
        t.rows
            .iter()
            .filter(|(r, _)| *r > header_row)
            .any(|(_, c)| *cell(c, Some(i)) != Cell::Empty)
    });
    if let (Source::DingTalkPunches, Some(plan)) = (source, plan_col) {
        return dingtalk_checks(t, header_row, ctx, &cols, plan, probs);
    }
    let label = |f: Field| -> (usize, &'static str) { (cols[&f], f.label()) };
    let clock_col = cols.get(&Field::ClockId).copied();
    let id_col = cols.get(&Field::Employee).copied();
    let (first, last) = (ctx.first_day(), ctx.last_day());
    let mut list: Vec<Punch> = Vec::new();
    let mut read = 0usize;
    let mut ignored_missing = 0usize;
    let mut ignored_junk = 0usize;
    let mut orphans: Vec<Said> = Vec::new();
    for (row, cells) in t.rows.iter().filter(|(r, _)| *r > header_row) {
        let row = *row;
        let time_cell = cell(cells, cols.get(&Field::PunchTime).copied());
        let result =
            text_of(cell(cells, cols.get(&Field::PunchResult).copied())).unwrap_or_default();
        if source == Source::WeComPunches {
            // "未打卡": a punch that did not happen.
            if let Cell::Text(s) = time_cell {
                if s.contains("未打卡") || s == "--" {
                    ignored_missing += 1;
                    continue;
                }
            }
        }
        if source == Source::DingTalkPunches {
            // A missed check (缺卡 / 未打卡) has no punch time: not a punch, not an error.
            if *time_cell == Cell::Empty && (result.contains("缺卡") || result.contains("未打卡"))
            {
                ignored_missing += 1;
                continue;
            }
        }
        if source == Source::ZktecoPunches {
            let pin = cell(cells, clock_col);
            let name = cell(cells, cols.get(&Field::Name).copied());
            let no_pin = match pin {
                Cell::Empty => true,
                Cell::Number(n) => *n == 0.0,
                Cell::Text(s) => s.trim().trim_start_matches('0').is_empty(),
                _ => false,
            };
            // A press by nobody registered (PIN 0, no name): the device's junk, counted.
            if no_pin && text_of(name).is_none_or(|n| n.trim().is_empty()) {
                ignored_junk += 1;
                continue;
            }
            // 考勤号码 is a number on the device: a letter in it is a typing slip.
            if let (Cell::Text(s), Some(i)) = (pin, clock_col) {
                if !s.trim().bytes().all(|c| c.is_ascii_digit()) {
                    probs.at(
                        row,
                        Some((i, "考勤号码/登记号码")),
                        said!(
                            "a 考勤号码 of digits (the number registered on the device)",
                            "由数字组成的考勤号码（在考勤机上登记的号码）"
                        ),
                        said!("\"{s}\"", "“{s}”"),
                    );
                    continue;
                }
            }
        }
        let employee = who_with_clock_id(
            &ctx.staff,
            vendor,
            clock_col.map(|i| (i, cell(cells, Some(i)))),
            id_col.map(|i| (i, cell(cells, Some(i)))),
            cols.get(&Field::Name).map(|i| (*i, cell(cells, Some(*i)))),
            row,
            &mut probs,
        );
        let date_cell = cell(cells, cols.get(&Field::PunchDate).copied());
        let at = datetime_of(time_cell).or_else(|| {
            let d = parse_date(date_cell)?;
            let s = time_secs(time_cell)?;
            Some(d.and_hms_opt(0, 0, 0)? + Duration::seconds(i64::from(s)))
        });
        let Some(mut at) = at else {
            let (col, expected) = if time_of(time_cell).is_some() {
                (
                    cols.get(&Field::PunchDate).map(|_| label(Field::PunchDate)),
                    said!("a date (the time has none)", "日期（该时间不含日期）"),
                )
            } else {
                (
                    Some(label(Field::PunchTime)),
                    said!(
                        "a punch time (2026-03-01 07:55:00, or HH:MM[:SS] with a date column)",
                        "打卡时间（2026-03-01 07:55:00，或配合日期列的 HH:MM[:SS]）"
                    ),
                )
            };
            let found = if time_of(time_cell).is_some() {
                date_cell.said()
            } else {
                time_cell.said()
            };
            probs.at(row, col, expected, found);
            continue;
        };
        // DingTalk's 考勤日期 is the work date the punch counts for: a night shift's clock-in
        // at 23:56 on the last day of the month before carries the 1st. The month is checked
        // on it, and a bare time (HH:MM) before it is read on the day before.
        let day_hint = match source {
            Source::DingTalkPunches => parse_date(date_cell),
            _ => None,
        };
        if let (Some(h), true) = (day_hint, datetime_of(time_cell).is_none()) {
            // A time of day with the work date: a clock-in late in the evening before a shift
            // starting at midnight belongs to the day before the work date.
            if at.date() == h
                && at.time() >= chrono::NaiveTime::from_hms_opt(20, 0, 0).expect("time")
                && ctx
                    .roster
                    .get(&(employee.clone().unwrap_or_default(), h))
                    .is_some_and(|code| {
                        ctx.clocks().iter().any(|c| c.code == *code && c.start == 0)
                    })
            {
                at -= Duration::days(1);
            }
        }
        // The month check is on the work date where the file gives one; the day before the
        // month (a shift ending in it) and the day after (a shift starting in it) pass to the
        // pairing, which keeps the month's shifts and says what it left out.
        let check_date = day_hint.unwrap_or(at.date());
        let lowest = if day_hint.is_some() {
            first - Duration::days(1)
        } else {
            first
        };
        if source != Source::ZktecoPunches
            && (check_date < lowest || check_date > last + Duration::days(1))
        {
            if source == Source::ZktecoPunches {
                // The device's export covers its own range: a punch outside the month is an
                // orphan, said in the preview.
                orphans.push(said!(
                    "row {row}: {} outside {}-{:02}",
                    "第 {row} 行：{} 不在 {}-{:02} 内",
                    at.format("%Y-%m-%d %H:%M:%S"),
                    ctx.year,
                    ctx.month
                ));
                continue;
            }
            let shown = match day_hint {
                Some(h)
                    if h.format("%Y-%m-%d").to_string() != at.format("%Y-%m-%d").to_string() =>
                {
                    format!("{} (考勤日期 {h})", at.format("%Y-%m-%d %H:%M"))
                }
                _ => at.format("%Y-%m-%d %H:%M").to_string(),
            };
            probs.at(
                row,
                Some(label(Field::PunchTime)),
                said!(
                    "a punch in {}-{:02} (or the next morning, for a night shift)",
                    "{}-{:02} 内的打卡（夜班可到次日早晨）",
                    ctx.year,
                    ctx.month
                ),
                said!("{shown} (date outside the month)", "{shown}（不在本月）"),
            );
            continue;
        }
        let direction = match cell(cells, cols.get(&Field::PunchKind).copied()) {
            Cell::Text(k) if k.contains("上班") => Some(Direction::In),
            Cell::Text(k) if k.contains("下班") => Some(Direction::Out),
            Cell::Text(k) if k.contains("外出") => continue,
            _ => None,
        };
        let Some(employee) = employee else { continue };
        read += 1;
        list.push(Punch {
            employee,
            at,
            direction,
            day_hint,
            sheet: t.sheet.clone(),
            row,
        });
    }
    let mut ignored = Vec::new();
    if ignored_missing > 0 {
        ignored.push(missed_checks(ignored_missing));
    }
    if ignored_junk > 0 {
        ignored.push(said!(
            "{ignored_junk} row(s) with 考勤号码 0 and no name (presses by nobody registered): left out",
            "{ignored_junk} 行考勤号码为 0 且无姓名（未登记人员的打卡）：未计入"
        ));
    }
    ignored.extend(orphans);
    pair_and_finish(probs, list, read, source, &t.sheet, ctx, ignored)
}

/// The preview's line for `n` missed checks (rows with no punch time), left out.
fn missed_checks(n: usize) -> Said {
    said!(
        "{n} missed check(s) (缺卡 / 未打卡, no punch time): the day shows the missing punch",
        "{n} 次缺卡（缺卡 / 未打卡，无打卡时间）：当日记录显示缺卡"
    )
}

/// One DingTalk 原始记录 row matched to a scheduled check (its 考勤时间).
struct Check {
    plan: NaiveDateTime,
    at: Option<NaiveDateTime>,
    /// 打卡结果 (正常, 迟到, 早退, 缺卡 …).
    result: String,
    row: usize,
}

/// A time written `次日 00:09`, `昨日 23:56`, `前一日 23:56` or bare: the day offset it names
/// (`None` when bare) and the time of day in seconds.
fn marked_time(c: &Cell) -> Option<(Option<i64>, u32)> {
    match c {
        Cell::Text(s) => {
            let s = s.trim();
            let (offset, rest) = [("次日", 1), ("前一日", -1), ("昨日", -1), ("前日", -1)]
                .into_iter()
                .find_map(|(m, d)| s.strip_prefix(m).map(|r| (Some(d), r.trim())))
                .unwrap_or((None, s));
            Some((offset, time_secs(&Cell::Text(rest.to_string()))?))
        }
        other => Some((None, time_secs(other)?)),
    }
}

/// A punch cell of a row dated `date`: a date-time as it is; a time with a marker (次日,
/// 昨日 …) on the day it names; a bare time on the day nearest `anchor` ([`nearest_day`]).
fn time_on(c: &Cell, date: NaiveDate, anchor: Option<NaiveDateTime>) -> Option<NaiveDateTime> {
    datetime_of(c).or_else(|| {
        let (offset, secs) = marked_time(c)?;
        Some(match offset {
            Some(o) => {
                date.and_hms_opt(0, 0, 0)? + Duration::days(o) + Duration::seconds(i64::from(secs))
            }
            None => nearest_day(date, secs, anchor),
        })
    })
}

/// DingTalk 原始记录 read by its checks: each row with a 考勤时间 is a punch matched to a
/// scheduled check (上班 or 下班) of the shift of its 考勤日期, the work date; a row with
/// 打卡结果 缺卡 and no 打卡时间 is that check missed. The earliest check of a person's work
/// date is the clock-in, the latest the clock-out (a half day of leave moves the off-duty check
/// to the leave's start: 12:00, still the clock-out); a single check is the clock-in when it is
/// the shift's start, else the clock-out. Rows without 考勤时间 (door access, extra punches,
/// a second press) are counted and left out; work dates of the day before the month (a night
/// shift's clock-in) too.
fn dingtalk_checks(
    t: &Table,
    header_row: usize,
    ctx: &ImportContext,
    cols: &BTreeMap<Field, usize>,
    plan_col: usize,
    mut probs: Problems<'_>,
) -> Result<Parsed, ImportErrors> {
    let label = |f: Field| cols.get(&f).map(|i| (*i, f.label()));
    let (first, last) = (ctx.first_day(), ctx.last_day());
    let mut checks: BTreeMap<(String, NaiveDate), Vec<Check>> = BTreeMap::new();
    let (mut extra, mut missed, mut before, mut read) = (0usize, 0usize, 0usize, 0usize);
    for (row, cells) in t.rows.iter().filter(|(r, _)| *r > header_row) {
        let row = *row;
        let plan_cell = cell(cells, Some(plan_col));
        let time_cell = cell(cells, cols.get(&Field::PunchTime).copied());
        if *plan_cell == Cell::Empty {
            extra += 1;
            continue;
        }
        let employee = who_with_clock_id(
            &ctx.staff,
            Vendor::DingTalk,
            label(Field::ClockId).map(|(i, _)| (i, cell(cells, Some(i)))),
            label(Field::Employee).map(|(i, _)| (i, cell(cells, Some(i)))),
            label(Field::Name).map(|(i, _)| (i, cell(cells, Some(i)))),
            row,
            &mut probs,
        );
        // The work date: 考勤日期, else the date of the scheduled check.
        let date_cell = cell(cells, cols.get(&Field::PunchDate).copied());
        let work_date = match (date_cell, parse_date(date_cell)) {
            (_, Some(d)) => Some(d),
            (Cell::Empty, None) => None,
            (other, None) => {
                probs.at(
                    row,
                    label(Field::PunchDate),
                    said!(
                        "a 考勤日期 (26-03-01 星期日, 2026-03-01 or an Excel date)",
                        "考勤日期（26-03-01 星期日、2026-03-01 或 Excel 日期）"
                    ),
                    other.said(),
                );
                continue;
            }
        };
        let plan = match work_date {
            Some(d) => time_on(plan_cell, d, None),
            None => datetime_of(plan_cell),
        };
        let Some(plan) = plan else {
            probs.at(
                row,
                Some((plan_col, "考勤时间")),
                said!(
                    "a scheduled check time (2026-03-01 08:00, or HH:MM with 考勤日期)",
                    "考勤时间（2026-03-01 08:00，或配合考勤日期的 HH:MM）"
                ),
                plan_cell.said(),
            );
            continue;
        };
        let work_date = work_date.unwrap_or(plan.date());
        // A scheduled check lies on its work date or the next (a shift to 24:00).
        let gap = (plan.date() - work_date).num_days();
        if !(0..=1).contains(&gap) {
            probs.at(
                row,
                Some((plan_col, "考勤时间")),
                said!(
                    "a check on the work date {work_date} (考勤日期) or the day after",
                    "考勤日期 {work_date} 当天或次日的考勤时间"
                ),
                said!(
                    "{} ({} days away: dates saved in another date system? a 1904-dated workbook reads four years early)",
                    "{}（相差 {} 天：日期按另一种日期系统保存？1904 日期系统的工作簿会早四年）",
                    plan.format("%Y-%m-%d %H:%M"),
                    gap
                ),
            );
            continue;
        }
        if work_date < first - Duration::days(1) || work_date > last {
            probs.at(
                row,
                label(Field::PunchDate).or(Some((plan_col, "考勤时间"))),
                said!(
                    "a work date in {}-{:02}",
                    "{}-{:02} 内的考勤日期",
                    ctx.year,
                    ctx.month
                ),
                said!(
                    "{work_date} (date outside the month)",
                    "{work_date}（不在本月）"
                ),
            );
            continue;
        }
        let at = match time_cell {
            Cell::Empty => {
                missed += 1;
                None
            }
            c => {
                let at = time_on(c, work_date, Some(plan));
                let Some(at) = at else {
                    probs.at(
                        row,
                        label(Field::PunchTime),
                        said!(
                            "a punch time (2026-03-01 07:55:00, HH:MM[:SS], 次日 HH:MM, 昨日 HH:MM)",
                            "打卡时间（2026-03-01 07:55:00、HH:MM[:SS]、次日 HH:MM、昨日 HH:MM）"
                        ),
                        c.said(),
                    );
                    continue;
                };
                if (at - plan).num_hours().abs() >= 24 {
                    probs.at(
                        row,
                        label(Field::PunchTime),
                        said!(
                            "a punch within a day of its scheduled check {}",
                            "与考勤时间 {} 相差一天以内的打卡",
                            plan.format("%Y-%m-%d %H:%M")
                        ),
                        said!(
                            "{} (dates saved in another date system? a 1904-dated workbook reads four years early)",
                            "{}（日期按另一种日期系统保存？1904 日期系统的工作簿会早四年）",
                            at.format("%Y-%m-%d %H:%M:%S")
                        ),
                    );
                    continue;
                }
                Some(at)
            }
        };
        if work_date < first {
            before += 1;
            continue;
        }
        let Some(employee) = employee else { continue };
        if at.is_some() {
            read += 1;
        }
        checks
            .entry((employee, work_date))
            .or_default()
            .push(Check {
                plan,
                at,
                result: text_of(cell(cells, cols.get(&Field::PunchResult).copied()))
                    .unwrap_or_default(),
                row,
            });
    }
    let names: BTreeMap<&str, &str> = ctx
        .staff
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    let clocks = ctx.clocks();
    let on = |d: NaiveDate, m: u32| {
        d.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(i64::from(m))
    };
    let mut records = Vec::new();
    let mut merged = 0usize;
    for ((employee, date), mut list) in checks {
        list.sort_by_key(|c| (c.plan, c.at, c.row));
        let (first_plan, last_plan) = (list[0].plan, list[list.len() - 1].plan);
        // A lone check at a time where one shift ends as another starts (08:00, 16:00, 24:00)
        // with no roster to say which: a clock-in is on time or 迟到 (late), a clock-out on
        // time or 早退 (early); a punch after the check is a clock-out, at or before it a
        // clock-in.
        let rostered = ctx.roster.get(&(employee.clone(), date)).cloned();
        let boundary_out = (rostered.is_none()
            && first_plan == last_plan
            && clocks.iter().any(|c| on(date, c.start) == first_plan)
            && clocks.iter().any(|c| on(date, c.end) == first_plan))
        .then(|| {
            let c = &list[0];
            c.result.contains("早退")
                || (!c.result.contains("迟到") && c.at.is_some_and(|t| t > c.plan))
        });
        // The shift: the rostered one, else the one whose start or end the checks are.
        let shift = rostered.clone().or_else(|| {
            let starts = |c: &&ShiftClock| on(date, c.start) == first_plan;
            let ends = |c: &&ShiftClock| on(date, c.end) == last_plan;
            match boundary_out {
                Some(true) => clocks.iter().find(ends),
                Some(false) => clocks.iter().find(starts),
                None => clocks
                    .iter()
                    .find(|c| starts(c) && ends(c))
                    .or_else(|| clocks.iter().find(starts))
                    .or_else(|| clocks.iter().find(ends)),
            }
            .map(|c| c.code.clone())
        });
        let clock = shift
            .as_ref()
            .and_then(|s| clocks.iter().find(|c| &c.code == s));
        let (in_plan, out_plan) = if first_plan != last_plan {
            (Some(first_plan), Some(last_plan))
        } else {
            let is_out = match (boundary_out, clock) {
                (Some(out), _) => out,
                (None, clock) => match clock {
                    Some(c) => {
                        on(date, c.start) != first_plan && {
                            let (to_start, to_end) = (
                                (first_plan - on(date, c.start)).num_minutes().abs(),
                                (first_plan - on(date, c.end)).num_minutes().abs(),
                            );
                            to_end < to_start || on(date, c.end) == first_plan
                        }
                    }
                    None => {
                        clocks.iter().any(|c| on(date, c.end) == first_plan)
                            && !clocks.iter().any(|c| on(date, c.start) == first_plan)
                    }
                },
            };
            if is_out {
                (None, Some(first_plan))
            } else {
                (Some(first_plan), None)
            }
        };
        let pick = |plan: Option<NaiveDateTime>, latest: bool| -> Option<&Check> {
            let mut of: Vec<&Check> = list
                .iter()
                .filter(|c| Some(c.plan) == plan && c.at.is_some())
                .collect();
            of.sort_by_key(|c| c.at);
            if latest {
                of.last().copied()
            } else {
                of.first().copied()
            }
        };
        let (cin, cout) = (pick(in_plan, false), pick(out_plan, true));
        merged += list.iter().filter(|c| c.at.is_some()).count()
            - usize::from(cin.is_some())
            - usize::from(cout.is_some());
        if let (Some(i), Some(o)) = (cin, cout) {
            if i.at > o.at {
                probs.at(
                    i.row,
                    label(Field::PunchTime),
                    said!(
                        "a clock-in before the clock-out of the same work date",
                        "同一考勤日期的上班打卡早于下班打卡"
                    ),
                    said!(
                        "clock-in (考勤时间 {}) at {} after the clock-out (考勤时间 {}, row {}) at {}",
                        "上班打卡（考勤时间 {}）于 {}，晚于下班打卡（考勤时间 {}，第 {} 行）于 {}",
                        i.plan.format("%H:%M"),
                        i.at.expect("a punch").format("%m-%d %H:%M:%S"),
                        o.plan.format("%H:%M"),
                        o.row,
                        o.at.expect("a punch").format("%m-%d %H:%M:%S"),
                    ),
                );
                continue;
            }
        }
        let none_punched = cin.is_none() && cout.is_none();
        records.push(DayRecord {
            employee: employee.clone(),
            name: names
                .get(employee.as_str())
                .map(|n| (*n).to_string())
                .unwrap_or_default(),
            date,
            shift,
            shift_inferred: false,
            clock_in: cin.and_then(|c| c.at),
            clock_out: cout.and_then(|c| c.at),
            leave: None,
            leave_hours: None,
            // Every check of the day missed (缺卡): DingTalk counts the day as 旷工.
            reported: none_punched.then(|| Reported {
                absent: true,
                missing_in: true,
                missing_out: true,
                ..Reported::default()
            }),
            note: String::new(),
            source: Source::DingTalkPunches,
            sheet: t.sheet.clone(),
            row: list[0].row,
        });
    }
    let mut ignored = Vec::new();
    if extra > 0 {
        ignored.push(said!(
            "{extra} punch row(s) without 考勤时间 (extra punches, door access): not attendance, left out",
            "{extra} 行打卡没有考勤时间（额外打卡、门禁记录）：不属于考勤，未计入"
        ));
    }
    if missed > 0 {
        ignored.push(missed_checks(missed));
    }
    if before > 0 {
        ignored.push(said!(
            "{before} check(s) of work dates before {first}: they belong to the month before, left out",
            "{before} 次考勤属于 {first} 之前的考勤日期：归上月，未计入"
        ));
    }
    finish(
        probs,
        Source::DingTalkPunches,
        &t.sheet,
        records,
        read,
        merged,
        ignored,
    )
}

/// Merges repeated punches, pairs them into day records and keeps the month's.
fn pair_and_finish(
    mut probs: Problems<'_>,
    list: Vec<Punch>,
    read: usize,
    source: Source,
    sheet: &str,
    ctx: &ImportContext,
    mut ignored: Vec<Said>,
) -> Result<Parsed, ImportErrors> {
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }
    // A device's export covers its own range of days: punches no shift of the month can
    // hold (earlier than the first shift's clock-in window, later than the last shift's
    // clock-out window) are another month's, left out with a word.
    let list = if source == Source::ZktecoPunches {
        let clocks = ctx.clocks();
        let minutes = |m: u32| Duration::minutes(i64::from(m));
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight");
        // The day before and the day after are paired too, so that their shifts take their
        // own punches (a middle shift of the 28th clocked out at 00:02 of the 1st); their
        // records are dropped after pairing.
        let earliest = clocks.iter().map(|c| c.start).min().map(|m| {
            midnight(ctx.first_day() - Duration::days(1)) + minutes(m)
                - minutes(ctx.policy.clock_in_early_window_minutes)
        });
        let latest = clocks.iter().map(|c| c.end).max().map(|m| {
            midnight(ctx.last_day() + Duration::days(1))
                + minutes(m)
                + minutes(ctx.policy.clock_out_late_window_minutes)
        });
        let _ = &minutes;
        let (inside, outside): (Vec<Punch>, Vec<Punch>) = list
            .into_iter()
            .partition(|p| earliest.is_none_or(|e| p.at >= e) && latest.is_none_or(|l| p.at <= l));
        if !outside.is_empty() {
            ignored.push(said!(
                "{} punch(es) outside the month's shifts ({} to {}): another month's, left out",
                "{} 次打卡不在本月班次内（{} 至 {}）：属于其他月份，未计入",
                outside.len(),
                earliest.map_or_else(String::new, |e| e.format("%Y-%m-%d %H:%M").to_string()),
                latest.map_or_else(String::new, |l| l.format("%Y-%m-%d %H:%M").to_string()),
            ));
        }
        inside
    } else {
        list
    };
    let (kept, merged) = merge_repeats(list, ctx.policy.merge_repeat_minutes);
    let names: BTreeMap<String, String> = ctx
        .staff
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    // Punches without a direction are read against the person's rostered shifts first
    // (a P shift's 00:09 clock-out is not an N clock-in; a lone 08:00 punch of someone
    // rostered N is its clock-out); what no rostered shift takes is paired by its times.
    let (rostered, kept, inside) = if source == Source::ZktecoPunches && !ctx.roster.is_empty() {
        pair_with_roster(
            &kept,
            &ctx.roster,
            &ctx.clocks(),
            &ctx.policy,
            &names,
            source,
        )
    } else {
        (Vec::new(), kept, 0)
    };
    if inside > 0 {
        ignored.push(said!(
            "{inside} press(es) inside a rostered shift (out and back at lunch, a second press): kept with the shift, not paired",
            "{inside} 次打卡在排班班次之内（午间外出返回、重复打卡）：归入该班次，不另行配对"
        ));
    }
    let taken: BTreeSet<(String, NaiveDate)> = rostered
        .iter()
        .map(|r| (r.employee.clone(), r.date))
        .collect();
    let records = match pair_punches(&kept, &ctx.clocks(), &ctx.policy, &names, source) {
        Ok(recs) => {
            let mut out = rostered;
            for r in recs {
                if taken.contains(&(r.employee.clone(), r.date)) {
                    ignored.push(said!(
                        "{} {} row {}: a punch beside the rostered shift of {} (extra punch), left out",
                        "{} {} 第 {} 行：{} 排班班次之外的打卡（额外打卡），未计入",
                        r.employee,
                        r.name,
                        r.row,
                        r.date
                    ));
                } else if !ctx.in_month(r.date) {
                    ignored.push(said!(
                        "{} {} row {}: the shift starts on {}, outside the month",
                        "{} {} 第 {} 行：班次开始于 {}，不在本月",
                        r.employee,
                        r.name,
                        r.row,
                        r.date
                    ));
                } else {
                    out.push(r);
                }
            }
            out
        }
        Err(overlaps) => {
            for o in overlaps {
                let all: Vec<String> = o.rows.iter().map(ToString::to_string).collect();
                let all = all.join(", ");
                probs.at(
                    o.row,
                    None,
                    said!("one shift per person and date", "每人每天一个班次"),
                    said!(
                        "overlapping punches: {} has two shifts attributed to {} (rows {all})",
                        "打卡时间重叠：{} 在 {} 有两个班次（第 {all} 行）",
                        o.employee,
                        o.date
                    ),
                );
            }
            vec![]
        }
    };
    finish(probs, source, sheet, records, read, merged, ignored)
}

/// WeCom 概况统计与打卡明细: one row per person per day under two header rows (level 1 such
/// as 时间, 姓名, 基础信息, 上班1, 下班1; level 2 such as 工号, 打卡时间, 打卡状态), matched by
/// the (level 1, level 2) pair. Each 上班N / 下班N 打卡时间 is a clock-in / clock-out; a time
/// written `次日 00:04` is on the next day; 未打卡 or `--` is no punch.
fn wecom_daily(t: &Table, header_row: usize, ctx: &ImportContext) -> Result<Parsed, ImportErrors> {
    let mut probs = Problems::new(&t.sheet);
    let top = header_cells(t, header_row);
    let sub: &[Cell] = t
        .rows
        .iter()
        .find(|(r, _)| *r == header_row + 1)
        .map_or(&[], |(_, c)| c.as_slice());
    let width = top.len().max(sub.len());
    // Level-1 names carried right over merged cells that have a level-2 name.
    let mut keys: Vec<(String, String)> = Vec::with_capacity(width);
    let mut group = String::new();
    for i in 0..width {
        let a = top.get(i).map(header_text).unwrap_or_default();
        let b = sub.get(i).map(header_text).unwrap_or_default();
        if !a.is_empty() {
            group = a.clone();
        }
        keys.push((
            if a.is_empty() && !b.is_empty() {
                group.clone()
            } else {
                a
            },
            b,
        ));
    }
    let find = |l1: &str, l2: &[&str]| {
        keys.iter().position(|(a, b)| {
            a == l1 && (l2.is_empty() && b.is_empty() || l2.contains(&b.as_str()))
        })
    };
    let date_col = find("时间", &[]).or_else(|| find("日期", &[]));
    let name_col = find("姓名", &[]);
    let account_col = find("账号", &[]).or_else(|| find("基础信息", &["账号"]));
    let id_col = find("基础信息", &["工号"]).or_else(|| find("工号", &[]));
    // 假勤统计: leave taken per type, in days or hours by the header's unit.
    let leave_cols: Vec<(usize, scheduler::LeaveKind, bool, String)> = keys
        .iter()
        .enumerate()
        .filter(|(_, (a, _))| a == "假勤统计")
        .filter_map(|(i, (_, b))| {
            let (name, hours) = if let Some(n) = b.strip_suffix("小时") {
                (n, true)
            } else {
                (b.strip_suffix("天")?, false)
            };
            Some((i, leave_kind(name)?, hours, format!("假勤统计/{b}")))
        })
        .collect();
    let absent_col = find("异常统计", &["旷工次数次", "旷工次数"]);
    let late_col = find("异常统计", &["迟到时长分钟", "迟到时长"]);
    let early_col = find("异常统计", &["早退时长分钟", "早退时长"]);
    let missing_col = find("异常统计", &["缺卡次数次", "缺卡次数"]);
    let result_col = find("考勤概况", &["考勤结果"]).or_else(|| find("考勤结果", &[]));
    let shift_col = find("考勤概况", &["班次"]).or_else(|| find("班次", &[]));
    // 上班1, 下班1, 上班2 … with their 打卡时间 columns.
    let mut punch_cols: Vec<(usize, Direction, String)> = Vec::new();
    for (i, (a, b)) in keys.iter().enumerate() {
        let dir = if group_number(a, "上班").is_some() {
            Direction::In
        } else if group_number(a, "下班").is_some() {
            Direction::Out
        } else {
            continue;
        };
        if b == "打卡时间" {
            punch_cols.push((i, dir, format!("{a}/{b}")));
        }
    }
    if punch_cols.is_empty() {
        // Without the second header row nothing else can be found either: say that first.
        probs.missing_column(
            header_row + 1,
            said!(
                "上班1/打卡时间 and 下班1/打卡时间 (the second header row under 上班1, 下班1)",
                "上班1/打卡时间 与 下班1/打卡时间（上班1、下班1 下的第二行表头）"
            ),
            &[],
        );
        return Err(ImportErrors(probs.list));
    }
    if date_col.is_none() {
        probs.missing_column(header_row, Said::same("时间"), &["日期".into()]);
    }
    if account_col.is_none() && id_col.is_none() {
        probs.missing_column(
            header_row,
            said!(
                "账号 (the WeCom userid the 日报 identifies people by; or 基础信息/工号)",
                "账号（日报以企业微信 userid 识别人员；或 基础信息/工号）"
            ),
            &["账号".to_string()],
        );
    }
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }
    let date_col = date_col.expect("checked");
    let first = ctx.first_day();
    let last = ctx.last_day();
    let mut read = 0usize;
    // One record per row: the day's punches, leave (假勤统计), rest or absence.
    let mut days: Vec<DayRecord> = Vec::new();
    for (row, cells) in t.rows.iter().filter(|(r, _)| *r > header_row + 1) {
        let row = *row;
        let employee = who_with_clock_id(
            &ctx.staff,
            Vendor::WeCom,
            account_col.map(|i| (i, cell(cells, Some(i)))),
            id_col.map(|i| (i, cell(cells, Some(i)))),
            name_col.map(|i| (i, cell(cells, Some(i)))),
            row,
            &mut probs,
        );
        let date_cell = cell(cells, Some(date_col));
        let date = match parse_date(date_cell) {
            Some(d) if d >= first && d <= last => d,
            Some(d) => {
                probs.at(
                    row,
                    Some((date_col, "时间")),
                    said!(
                        "a date in {}-{:02}",
                        "{}-{:02} 内的日期",
                        ctx.year,
                        ctx.month
                    ),
                    said!("{d} (date outside the month)", "{d}（不在本月）"),
                );
                continue;
            }
            None => {
                probs.at(
                    row,
                    Some((date_col, "时间")),
                    said!(
                        "a date (2026/03/09 星期一, or an Excel date)",
                        "日期（2026/03/09 星期一，或 Excel 日期）"
                    ),
                    date_cell.said(),
                );
                continue;
            }
        };
        // The shift of the row: 班次 (`夜班 00:00-08:00`), else the rostered one.
        let text = |i: Option<usize>| text_of(cell(cells, i)).unwrap_or_default();
        let (result, shift_text) = (text(result_col), text(shift_col));
        let shift = ctx.shift_code(&shift_text);
        // Each 上班N / 下班N 打卡时间: a time on another calendar day than the row's may carry a
        // marker (次日, 前一日 / 昨日); a bare time is placed nearest the shift's start (上班)
        // or end (下班): a night shift's 23:51 clock-in is on the day before.
        let mut clock_in: Option<NaiveDateTime> = None;
        let mut clock_out: Option<NaiveDateTime> = None;
        for (i, dir, head) in &punch_cols {
            let c = cell(cells, Some(*i));
            let missing = match c {
                Cell::Empty => true,
                Cell::Text(s) => {
                    let s = s.trim();
                    s.contains("未打卡") || s.contains("缺卡") || s == "--" || s == "-"
                }
                _ => false,
            };
            let out = *dir == Direction::Out;
            if missing {
                continue;
            }
            let anchor = employee
                .as_ref()
                .and_then(|e| ctx.anchor(e, date, shift.as_deref(), out));
            let at = time_on(c, date, anchor);
            let Some(at) = at else {
                probs.at(
                    row,
                    Some((*i, head.as_str())),
                    said!(
                        "a punch time (HH:MM[:SS], 次日 HH:MM, 前一日 HH:MM, 未打卡, --)",
                        "打卡时间（HH:MM[:SS]、次日 HH:MM、前一日 HH:MM、未打卡、--）"
                    ),
                    c.said(),
                );
                continue;
            };
            read += 1;
            // The first clock-in and the last clock-out of the day.
            if out {
                clock_out = Some(clock_out.map_or(at, |o: NaiveDateTime| o.max(at)));
            } else {
                clock_in = Some(clock_in.map_or(at, |o: NaiveDateTime| o.min(at)));
            }
        }
        if let (Some(i), Some(o)) = (clock_in, clock_out) {
            if o < i {
                probs.at(
                    row,
                    punch_cols
                        .iter()
                        .find(|(_, d, _)| *d == Direction::Out)
                        .map(|(i, _, h)| (*i, h.as_str())),
                    said!("a clock-out after the clock-in", "晚于上班打卡的下班打卡"),
                    said!(
                        "clock-out {} before the clock-in {}",
                        "下班打卡 {} 早于上班打卡 {}",
                        o.format("%m-%d %H:%M"),
                        i.format("%m-%d %H:%M")
                    ),
                );
                continue;
            }
        }
        let punched = clock_in.is_some() || clock_out.is_some();
        // The day's minutes and counts (异常统计): numbers ≥ 0, `--` for none.
        let mut count = |col: Option<(usize, &str)>| -> u32 {
            let Some((i, head)) = col else { return 0 };
            match cell(cells, Some(i)) {
                Cell::Empty => 0,
                Cell::Text(s) if s.trim() == "--" || s.trim() == "-" => 0,
                other => match number(other) {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 => n as u32,
                    _ => {
                        probs.at(
                            row,
                            Some((i, head)),
                            said!("a whole number of at least 0", "不小于 0 的整数"),
                            other.said(),
                        );
                        0
                    }
                },
            }
        };
        let late = count(late_col.map(|i| (i, "异常统计/迟到时长(分钟)")));
        let early = count(early_col.map(|i| (i, "异常统计/早退时长(分钟)")));
        let absent_n = count(absent_col.map(|i| (i, "异常统计/旷工次数(次)")));
        let missed_n = count(missing_col.map(|i| (i, "异常统计/缺卡次数(次)")));
        // Leave of the day (假勤统计), with its unit.
        let mut leave: Option<(scheduler::LeaveKind, Decimal)> = None;
        for (i, kind, hours, head) in &leave_cols {
            let c = cell(cells, Some(*i));
            let v = match c {
                Cell::Empty => continue,
                Cell::Text(s) if s == "--" || s == "-" => continue,
                Cell::Error(e) => {
                    probs.at(
                        row,
                        Some((*i, head)),
                        said!("a number of at least 0", "不小于 0 的数"),
                        said!("the error value {e}", "错误值 {e}"),
                    );
                    continue;
                }
                other => match number(other).and_then(Decimal::from_f64) {
                    Some(v) if v >= Decimal::ZERO => v,
                    _ => {
                        probs.at(
                            row,
                            Some((*i, head)),
                            said!("a number of at least 0", "不小于 0 的数"),
                            other.said(),
                        );
                        continue;
                    }
                },
            };
            if v.is_zero() {
                continue;
            }
            let h = if *hours { v } else { v * Decimal::from(8) };
            leave = Some(match leave {
                Some((k, x)) if k == *kind => (k, x + h),
                Some(other) => other,
                None => (*kind, h),
            });
        }
        let absent = !punched && (result.contains("旷工") || absent_n > 0);
        let rest = !punched
            && leave.is_none()
            && !absent
            && missed_n == 0
            && (result.contains("休息") || shift_text.contains("休息") || result.is_empty());
        let Some(e) = &employee else { continue };
        if !punched && !rest && !absent && leave.is_none() && missed_n == 0 && result.is_empty() {
            continue;
        }
        let name = ctx
            .staff
            .iter()
            .find(|s| s.id == *e)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        days.push(DayRecord {
            employee: e.clone(),
            name,
            date,
            shift: if rest {
                None
            } else {
                shift.or_else(|| ctx.roster.get(&(e.clone(), date)).cloned())
            },
            shift_inferred: false,
            clock_in,
            clock_out,
            leave: leave.map(|(k, _)| k),
            leave_hours: leave.map(|(_, h)| h),
            reported: Some(Reported {
                present: punched,
                rest,
                absent,
                late_minutes: (late > 0).then_some(late),
                early_minutes: (early > 0).then_some(early),
                missing_in: punched && clock_in.is_none() || !punched && missed_n > 0,
                missing_out: punched && clock_out.is_none() || !punched && missed_n > 0,
            }),
            note: if result == shift_text || shift_text == "--" || shift_text.is_empty() {
                result
            } else if result.is_empty() || result == "--" {
                shift_text
            } else {
                format!("{result} {shift_text}")
            },
            source: Source::WeComDaily,
            sheet: t.sheet.clone(),
            row,
        });
    }
    overlapping(&mut days, &mut probs);
    finish(
        probs,
        Source::WeComDaily,
        &t.sheet,
        days,
        read,
        0,
        Vec::new(),
    )
}

/// The empty template workbook for a month: the header row with notes, a drop-down of the
/// site's shifts and of leave types, date and time formats, and a second sheet listing the
/// staff and shifts (说明).
///
/// # Errors
/// A workbook writer error.
pub fn template_workbook(ctx: &ImportContext) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DataValidation, Format, FormatAlign, FormatBorder, Note, Workbook};
    let spec = TemplateSpec::embedded();
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center);
    let title = Format::new().set_bold().set_font_size(14);
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let time_fmt = Format::new().set_num_format("hh:mm");
    let ws = wb.add_worksheet();
    ws.set_name(&spec.sheet)?;
    let hr = spec.header_row - 1;
    ws.write_with_format(
        0,
        0,
        format!("{} {}-{:02}", spec.title, ctx.year, ctx.month),
        &title,
    )?;
    let rows_allowed = 5000u32;
    let mut shift_list: Vec<String> = ctx.shifts.iter().map(|s| s.clock.code.clone()).collect();
    shift_list.push("休".into());
    let leave_list = [
        "年休假",
        "病假",
        "事假",
        "婚假",
        "丧假",
        "产假",
        "陪产假",
        "调休",
    ];
    for (i, c) in spec.column.iter().enumerate() {
        let col = i as u16;
        ws.write_with_format(hr, col, &c.header, &head)?;
        ws.set_column_width(col, c.width)?;
        ws.insert_note(hr, col, &Note::new(&c.help).set_author("Hotline Workforce"))?;
        match c.kind.as_str() {
            "date" => {
                ws.set_column_format(col, &date_fmt)?;
            }
            "time" => {
                ws.set_column_format(col, &time_fmt)?;
            }
            "shift" => {
                let v = DataValidation::new().allow_list_strings(&shift_list)?;
                ws.add_data_validation(hr + 1, col, hr + rows_allowed, col, &v)?;
            }
            "leave" => {
                let v = DataValidation::new().allow_list_strings(&leave_list)?;
                ws.add_data_validation(hr + 1, col, hr + rows_allowed, col, &v)?;
            }
            "number" => {
                let v = DataValidation::new()
                    .allow_decimal_number(rust_xlsxwriter::DataValidationRule::Between(0.5, 24.0))
                    .set_error_message("请假小时须为 0.5 到 24 之间的数字")?;
                ws.add_data_validation(hr + 1, col, hr + rows_allowed, col, &v)?;
            }
            _ => {}
        }
    }
    ws.set_freeze_panes(hr + 1, 0)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(hr, hr)?;
    let info = wb.add_worksheet();
    info.set_name("说明")?;
    info.write_with_format(0, 0, "人员名单 Staff", &head)?;
    info.write_with_format(1, 0, "工号", &head)?;
    info.write_with_format(1, 1, "姓名", &head)?;
    for (i, s) in ctx.staff.iter().enumerate() {
        info.write(i as u32 + 2, 0, &s.id)?;
        info.write(i as u32 + 2, 1, &s.name)?;
    }
    info.write_with_format(0, 3, "班次 Shifts", &head)?;
    for (j, h) in ["代码", "名称", "开始", "结束"].iter().enumerate() {
        info.write_with_format(1, 3 + j as u16, *h, &head)?;
    }
    for (i, s) in ctx.shifts.iter().enumerate() {
        let r = i as u32 + 2;
        info.write(r, 3, &s.clock.code)?;
        info.write(r, 4, &s.name)?;
        let hm = |m: u32| format!("{:02}:{:02}", (m / 60) % 24, m % 60);
        info.write(r, 5, hm(s.clock.start))?;
        info.write(r, 6, hm(s.clock.end))?;
    }
    info.set_column_width(0, 8)?;
    info.set_column_width(1, 10)?;
    info.set_column_width(4, 12)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod fuzz_findings {
    use super::*;

    /// Found by fuzzing: `4294967295:00` overflowed the minutes before the range check.
    #[test]
    fn an_out_of_range_time_is_not_a_time() {
        assert_eq!(time_of(&Cell::Text("4294967295:00".into())), None);
        assert_eq!(time_of(&Cell::Text("23:59".into())), Some(23 * 60 + 59));
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/fuzz-inputs/attendance-time-overflow.bin"
        ))
        .unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let ctx = ImportContext::of_site(
            2026,
            3,
            &crate::reference::load_site(&root.join("data/demo")).unwrap(),
            crate::reference::load_attendance_policy(&root.join("data")).unwrap(),
        );
        // Read without a panic; whatever the verdict on the garbage, it is an answer.
        let _ = parse(&bytes, &ctx);
    }
}
