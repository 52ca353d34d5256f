//! An independent corpus of vendor attendance exports (issue 22, part 4).
//!
//! Written from `docs/attendance-formats.md` (the vendors' layouts as public sources show them),
//! deliberately **not** from the importer (`api/src/excel/attendance.rs`) or its fixtures, so
//! that the importer can be tested against a second reading of the formats.
//!
//! - [`Month`]: a known month (March 2026, twelve of the demo staff): the roster, what each
//!   person actually did (punch times with seconds, lateness, early leave, missed punches,
//!   repeated presses, leave, rest days, absence, night shifts across midnight and across the
//!   month's edges, door-access punches), made deterministic by a small seeded generator.
//! - [`Layout`] and [`Month::write`]: the month as each vendor writes it —
//!   [`dingtalk_summary`] (钉钉 月度汇总), [`dingtalk_raw`] (钉钉 原始记录, also in the 1904 date
//!   system), [`wecom_daily`] (企业微信 上下班打卡_日报), [`zkteco`] (中控 考勤记录 as BIFF8 and
//!   as BIFF5 with GBK text, written by [`xls`]).
//! - [`Month::expected`]: the records an importer should produce from each layout, derived
//!   from the month (never from an importer), limited to what the layout carries
//!   ([`Layout::carried`]).
//! - [`broken`]: files each broken in one way, with the fault and place an importer must name.
//! - [`dingtalk_raw::dingtalk_raw_large`]: a 20,000-row 原始记录 for a benchmark.

pub mod broken;
pub mod dingtalk_raw;
pub mod dingtalk_summary;
pub mod wecom_daily;
pub mod xls;
pub mod zkteco;

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _, Write as _};

use chrono::{Datelike as _, Duration, NaiveDate, NaiveDateTime, Timelike as _, Weekday};
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------------------
// A small deterministic generator (splitmix64): no `rand` dependency, same month every run.

/// A seeded pseudo-random generator (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi);
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.next_u64() % den < num
    }
}

// ---------------------------------------------------------------------------------------
// The site's shifts (data/demo/site.toml): a shift belongs to the date it starts.

/// One of the demo site's shifts used in the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftDef {
    /// Code (A, P, N, D).
    pub code: &'static str,
    /// Name as the site (and the vendors' 班次) calls it.
    pub name: &'static str,
    /// Start, minutes from midnight of the shift's date.
    pub start: i64,
    /// End, minutes from midnight of the shift's date (1440 = 24:00).
    pub end: i64,
    /// Unpaid break inside the shift, minutes.
    pub break_minutes: i64,
}

/// A 08:00–16:00, P 16:00–24:00, N 00:00–08:00 (starting on its date), D 08:30–17:30.
pub const SHIFTS: [ShiftDef; 4] = [
    ShiftDef {
        code: "A",
        name: "早班",
        start: 480,
        end: 960,
        break_minutes: 0,
    },
    ShiftDef {
        code: "P",
        name: "中班",
        start: 960,
        end: 1440,
        break_minutes: 0,
    },
    ShiftDef {
        code: "N",
        name: "夜班",
        start: 0,
        end: 480,
        break_minutes: 0,
    },
    ShiftDef {
        code: "D",
        name: "白班",
        start: 510,
        end: 1050,
        break_minutes: 60,
    },
];

/// The shift of a code.
///
/// # Panics
/// An unknown code.
#[must_use]
pub fn shift(code: &str) -> &'static ShiftDef {
    SHIFTS
        .iter()
        .find(|s| s.code == code)
        .unwrap_or_else(|| panic!("no shift {code}"))
}

impl ShiftDef {
    /// `HH:MM-HH:MM` (24:00 for midnight at the end).
    #[must_use]
    pub fn range_text(&self) -> String {
        format!("{}-{}", hm(self.start), hm(self.end))
    }

    /// Start on `date`.
    #[must_use]
    pub fn start_on(&self, date: NaiveDate) -> NaiveDateTime {
        at(date, self.start * 60)
    }

    /// End of the shift starting on `date`.
    #[must_use]
    pub fn end_on(&self, date: NaiveDate) -> NaiveDateTime {
        at(date, self.end * 60)
    }
}

fn hm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `date` at `seconds` after its midnight (may run into the next day, or before it).
#[must_use]
pub fn at(date: NaiveDate, seconds: i64) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::seconds(seconds)
}

/// `date` of March 2026.
#[must_use]
pub fn march(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).expect("a day of March 2026")
}

/// The time without its seconds (how vendors that show `HH:MM` show it).
#[must_use]
pub fn trunc_minute(t: NaiveDateTime) -> NaiveDateTime {
    t.with_second(0)
        .expect("second 0")
        .with_nanosecond(0)
        .expect("0 ns")
}

/// The Excel serial (1900 date system: days since 1899-12-30, time as the fraction).
#[must_use]
pub fn serial_1900(t: NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("epoch")
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    (t - epoch).num_seconds() as f64 / 86_400.0
}

/// Days between the 1900 and the 1904 date systems' serials of one date.
pub const DAYS_1904: f64 = 1462.0;

/// 星期一 … 星期日.
#[must_use]
pub fn weekday_zh(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

// ---------------------------------------------------------------------------------------
// People.

/// The demo staff (id, name) from `data/demo/staff.toml`.
#[must_use]
pub fn demo_staff() -> Vec<(String, String)> {
    let text = include_str!("../../../data/demo/staff.toml");
    let value = |line: &str, key: &str| -> Option<String> {
        let rest = line.trim().strip_prefix(key)?.trim_start();
        let rest = rest.strip_prefix('=')?.trim();
        Some(rest.trim_matches('"').to_string())
    };
    let mut out = Vec::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(v) = value(line, "id") {
            id = Some(v);
        } else if let Some(v) = value(line, "name") {
            if let Some(i) = id.take() {
                out.push((i, v));
            }
        }
    }
    out
}

/// One person of the month, with the ids each attendance system knows them by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Employee id (工号) in the staff list.
    pub id: String,
    /// Name in the staff list.
    pub name: String,
    /// DingTalk UserId (text; may start with 0).
    pub dingtalk: String,
    /// WeCom 账号.
    pub wecom: String,
    /// ZKTeco 考勤号码 as the staff list keeps it (digits; one with leading zeros).
    pub zkteco: String,
    /// 部门.
    pub department: &'static str,
    /// 职位 / 职务.
    pub title: &'static str,
    /// DingTalk 考勤组.
    pub group: &'static str,
    /// DingTalk exports leave 工号 blank for this person (it is often not maintained).
    pub blank_job_number: bool,
    /// Last day employed (a leaver), if any.
    pub last_day: Option<NaiveDate>,
    /// Offset in the 8-day rotation A A P P - N N -; `None` = 白班 D on weekdays.
    rotation: Option<i64>,
}

impl Person {
    /// Employed on `date`.
    #[must_use]
    pub fn employed(&self, date: NaiveDate) -> bool {
        self.last_day.is_none_or(|l| date <= l)
    }

    /// The ZKTeco PIN as the device and its export keep it: a number.
    #[must_use]
    pub fn pin(&self) -> u64 {
        self.zkteco.parse().expect("digits")
    }

    /// The rostered shift on `date`, if any.
    #[must_use]
    pub fn rostered(&self, date: NaiveDate) -> Option<&'static str> {
        if !self.employed(date) {
            return None;
        }
        let day = (date - march(1)).num_days();
        match self.rotation {
            Some(off) => CYCLE[(day + off).rem_euclid(8) as usize],
            None => match date.weekday() {
                Weekday::Sat | Weekday::Sun => None,
                _ => Some("D"),
            },
        }
    }
}

/// The agents' rotation (四班倒 in 8 days): two early, two middle, a day off, two nights, a
/// day off. A night N on date d runs 00:00–08:00 of d (clocked in at about 23:50 of d−1).
const CYCLE: [Option<&str>; 8] = [
    Some("A"),
    Some("A"),
    Some("P"),
    Some("P"),
    None,
    Some("N"),
    Some("N"),
    None,
];

// ---------------------------------------------------------------------------------------
// The month.

/// Leave types used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeaveType {
    /// 事假
    Personal,
    /// 病假
    Sick,
    /// 年假
    Annual,
}

impl LeaveType {
    /// The code the importer's `LeaveKind` serialises to.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            LeaveType::Personal => "personal",
            LeaveType::Sick => "sick",
            LeaveType::Annual => "annual",
        }
    }

    /// 事假, 病假, 年假.
    #[must_use]
    pub fn zh(self) -> &'static str {
        match self {
            LeaveType::Personal => "事假",
            LeaveType::Sick => "病假",
            LeaveType::Annual => "年假",
        }
    }
}

/// Approved leave on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leave {
    /// Type.
    pub kind: LeaveType,
    /// Hours (8 for a whole day).
    pub hours: Decimal,
    /// From.
    pub from: NaiveDateTime,
    /// To.
    pub to: NaiveDateTime,
}

/// What happened on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Worked as rostered.
    Normal,
    /// Clocked in this many minutes late (of the time shown as `HH:MM`).
    Late(u32),
    /// Clocked out this many minutes early (of the time shown as `HH:MM`).
    Early(u32),
    /// Worked, no clock-in (上班缺卡).
    MissingIn,
    /// Worked, no clock-out (下班缺卡).
    MissingOut,
    /// Rostered, did not come, no leave (旷工).
    Absent,
    /// A whole day of leave.
    Leave,
    /// Worked the first half, then 4 h of leave.
    PartLeave,
    /// Not rostered (休息).
    Rest,
}

/// One person's day (the date a shift starts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// Index into [`Month::people`].
    pub person: usize,
    /// Date (the shift's start date).
    pub date: NaiveDate,
    /// Rostered shift code, `None` on a rest day.
    pub shift: Option<&'static str>,
    /// What happened.
    pub event: Event,
    /// The punch that is the clock-in (with seconds).
    pub clock_in: Option<NaiveDateTime>,
    /// The punch that is the clock-out (with seconds).
    pub clock_out: Option<NaiveDateTime>,
    /// Leave taken.
    pub leave: Option<Leave>,
}

impl Day {
    /// The shift's definition.
    #[must_use]
    pub fn def(&self) -> Option<&'static ShiftDef> {
        self.shift.map(shift)
    }

    /// Status word of [`Expected::status`].
    #[must_use]
    pub fn status(&self) -> &'static str {
        match self.event {
            Event::Normal => "normal",
            Event::Late(_) => "late",
            Event::Early(_) => "early",
            Event::MissingIn => "missing_in",
            Event::MissingOut => "missing_out",
            Event::Absent => "absent",
            Event::Leave | Event::PartLeave => "leave",
            Event::Rest => "rest",
        }
    }

    /// Attended (any punch of the shift, or a worked half day).
    #[must_use]
    pub fn attended(&self) -> bool {
        matches!(
            self.event,
            Event::Normal
                | Event::Late(_)
                | Event::Early(_)
                | Event::MissingIn
                | Event::MissingOut
                | Event::PartLeave
        )
    }

    /// Minutes late.
    #[must_use]
    pub fn late_minutes(&self) -> u32 {
        match self.event {
            Event::Late(m) => m,
            _ => 0,
        }
    }

    /// Minutes early.
    #[must_use]
    pub fn early_minutes(&self) -> u32 {
        match self.event {
            Event::Early(m) => m,
            _ => 0,
        }
    }

    /// Minutes worked inside the shift (times shown as `HH:MM`), less the break: the
    /// DingTalk 工作时长 (a reading of it: time clocked within the shift).
    #[must_use]
    pub fn work_minutes(&self) -> i64 {
        let (Some(def), Some(i), Some(o)) = (self.def(), self.clock_in, self.clock_out) else {
            return 0;
        };
        let start = def.start_on(self.date).max(trunc_minute(i));
        let end = def.end_on(self.date).min(trunc_minute(o));
        let m = (end - start).num_minutes();
        if m > def.break_minutes * 2 {
            m - def.break_minutes
        } else {
            m.max(0)
        }
    }
}

/// What a punch is, in the month's truth (no export says all of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PunchKind {
    /// The clock-in.
    In,
    /// The clock-out.
    Out,
    /// A second press within a minute of the clock-in.
    Repeat,
    /// A door-access (门禁) punch during the shift (DingTalk only).
    Door,
    /// An extra punch on the attendance machine during the shift (at lunch).
    Extra,
}

/// One punch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Punch {
    /// Index into [`Month::people`].
    pub person: usize,
    /// When (with seconds).
    pub at: NaiveDateTime,
    /// What it is.
    pub kind: PunchKind,
    /// The date of the shift it belongs to (DingTalk 考勤日期).
    pub work_date: NaiveDate,
}

/// The known month.
#[derive(Debug, Clone)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month.
    pub month: u32,
    /// The people.
    pub people: Vec<Person>,
    /// Every person's days from 02-28 to 04-01 (the edges feed the punch exports).
    pub days: Vec<Day>,
    /// Every punch, by person and time.
    pub punches: Vec<Punch>,
    /// When the vendors' reports were generated (报表生成时间).
    pub generated_at: NaiveDateTime,
}

/// One record an importer should produce: a person's day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Employee id (工号 of the staff list).
    pub employee: String,
    /// The shift's start date.
    pub date: NaiveDate,
    /// normal | late | early | missing_in | missing_out | rest | leave | absent.
    pub status: &'static str,
    /// Shift code.
    pub shift: Option<String>,
    /// Clock-in (to the precision the layout carries).
    pub clock_in: Option<NaiveDateTime>,
    /// Clock-out.
    pub clock_out: Option<NaiveDateTime>,
    /// Minutes late.
    pub late_minutes: u32,
    /// Minutes early.
    pub early_minutes: u32,
    /// Leave (type code: personal | sick | annual, hours).
    pub leave: Option<(String, Decimal)>,
}

/// Which fields of [`Expected`] a layout carries (the others are not compared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carried {
    /// `status` (punch layouts give times only: their status is the reconciliation's job).
    pub status: bool,
    /// `shift`.
    pub shift: bool,
    /// `clock_in` and `clock_out`.
    pub clocks: bool,
    /// `late_minutes` and `early_minutes`.
    pub minutes: bool,
    /// `leave`.
    pub leave: bool,
}

/// The files of the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layout {
    /// 钉钉 月度汇总, classic day cells (`正常`, `上班迟到12分钟`, `事假… 4小时`), totals as text,
    /// leave in `事假(小时)`, `病假(天)`, `年假(天)`.
    DingTalkSummaryClassic,
    /// 钉钉 月度汇总, new day cells (`早班:正常\n(07:52,16:05)`), numeric totals, leave in
    /// `事假(天)`, `病假(小时)`, `年假(天)`.
    DingTalkSummaryNew,
    /// 钉钉 原始记录: text times with seconds (`2026-03-01 07:56:12`), 缺卡 rows with an empty
    /// 打卡时间.
    DingTalkRaw,
    /// 钉钉 原始记录: 打卡时间 as `HH:mm` with `次日 `/`昨日 ` prefixes, no 缺卡 rows.
    DingTalkRawHm,
    /// 钉钉 原始记录 whose 考勤时间/打卡时间 were converted to Excel date-times (1900 system).
    DingTalkRawSerial,
    /// The same saved with the 1904 date system (Excel for Mac).
    DingTalkRaw1904,
    /// 企业微信 上下班打卡_日报 (概况统计与打卡明细 + 打卡详情).
    WeComDaily,
    /// 中控 考勤记录 .xls (BIFF8, SST strings), `登记号码`, 日期时间 as text `2026/3/1 7:56:12`.
    ZktecoText,
    /// 中控 考勤记录 .xls (BIFF8, LABEL strings), `考勤号码`, 日期时间 as date serials.
    ZktecoSerial,
    /// As [`Layout::ZktecoSerial`] with the 1904 date system (DATEMODE 1).
    ZktecoSerial1904,
    /// 中控 考勤记录 .xls in BIFF5 (Excel 5.0/95) with GBK text and CODEPAGE 936.
    ZktecoBiff5Gbk,
    /// BIFF5 with GBK text and no CODEPAGE record (readers fall back to a Latin code page).
    ZktecoBiff5NoCodepage,
}

impl Layout {
    /// Every layout.
    pub const ALL: [Layout; 12] = [
        Layout::DingTalkSummaryClassic,
        Layout::DingTalkSummaryNew,
        Layout::DingTalkRaw,
        Layout::DingTalkRawHm,
        Layout::DingTalkRawSerial,
        Layout::DingTalkRaw1904,
        Layout::WeComDaily,
        Layout::ZktecoText,
        Layout::ZktecoSerial,
        Layout::ZktecoSerial1904,
        Layout::ZktecoBiff5Gbk,
        Layout::ZktecoBiff5NoCodepage,
    ];

    /// The file name the vendor gives it.
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            Layout::DingTalkSummaryClassic => "儋州12345分平台_月度汇总_20260301-20260331.xlsx",
            Layout::DingTalkSummaryNew => "儋州12345分平台_考勤报表_20260301-20260331.xlsx",
            Layout::DingTalkRaw => "儋州12345分平台_原始记录_20260301-20260331.xlsx",
            Layout::DingTalkRawHm => "儋州12345分平台_原始记录_20260301-20260331(1).xlsx",
            Layout::DingTalkRawSerial => "原始记录_日期已转换.xlsx",
            Layout::DingTalkRaw1904 => "原始记录_Mac.xlsx",
            Layout::WeComDaily => "上下班打卡_日报_20260301-20260331.xlsx",
            Layout::ZktecoText => "考勤记录_20260228-20260401.xls",
            Layout::ZktecoSerial => "考勤记录(数值时间).xls",
            Layout::ZktecoSerial1904 => "考勤记录(1904).xls",
            Layout::ZktecoBiff5Gbk => "原始考勤记录_Excel95.xls",
            Layout::ZktecoBiff5NoCodepage => "原始考勤记录_无代码页.xls",
        }
    }

    /// A short name for messages.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Layout::DingTalkSummaryClassic => "dingtalk_summary_classic",
            Layout::DingTalkSummaryNew => "dingtalk_summary_new",
            Layout::DingTalkRaw => "dingtalk_raw",
            Layout::DingTalkRawHm => "dingtalk_raw_hm",
            Layout::DingTalkRawSerial => "dingtalk_raw_serial",
            Layout::DingTalkRaw1904 => "dingtalk_raw_1904",
            Layout::WeComDaily => "wecom_daily",
            Layout::ZktecoText => "zkteco_text",
            Layout::ZktecoSerial => "zkteco_serial",
            Layout::ZktecoSerial1904 => "zkteco_serial_1904",
            Layout::ZktecoBiff5Gbk => "zkteco_biff5_gbk",
            Layout::ZktecoBiff5NoCodepage => "zkteco_biff5_no_codepage",
        }
    }

    /// A punch layout (one row per punch).
    #[must_use]
    pub fn is_punches(self) -> bool {
        !matches!(
            self,
            Layout::DingTalkSummaryClassic | Layout::DingTalkSummaryNew | Layout::WeComDaily
        )
    }

    /// Times shown to the minute only (`HH:MM`).
    #[must_use]
    pub fn minutes_only(self) -> bool {
        matches!(
            self,
            Layout::DingTalkSummaryNew | Layout::DingTalkRawHm | Layout::WeComDaily
        )
    }

    /// What the layout carries.
    #[must_use]
    pub fn carried(self) -> Carried {
        match self {
            Layout::DingTalkSummaryClassic => Carried {
                status: true,
                shift: false,
                clocks: false,
                minutes: true,
                leave: true,
            },
            Layout::DingTalkSummaryNew | Layout::WeComDaily => Carried {
                status: true,
                shift: true,
                clocks: true,
                minutes: true,
                leave: true,
            },
            _ => Carried {
                status: false,
                shift: true,
                clocks: true,
                minutes: false,
                leave: false,
            },
        }
    }
}

impl Month {
    /// March 2026 for twelve of the demo staff.
    ///
    /// # Panics
    /// Never (the demo staff list holds the ids used).
    #[must_use]
    pub fn march_2026() -> Month {
        let staff = demo_staff();
        let name = |id: &str| {
            staff
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_else(|| panic!("{id} is not in data/demo/staff.toml"))
        };
        // (id, DingTalk UserId, WeCom 账号, ZKTeco PIN, 部门, 职位, rotation offset, 工号 blank)
        #[allow(clippy::type_complexity)]
        let specs: [(&str, &str, &str, &str, &str, &str, Option<i64>, bool); 12] = [
            (
                "M001",
                "manager4220",
                "WangHaiYan",
                "1001",
                "运营管理部",
                "运营经理",
                None,
                false,
            ),
            (
                "T001",
                "066937470829612195",
                "ZhaoXiaoDong",
                "1002",
                "话务部",
                "班长",
                Some(0),
                false,
            ),
            (
                "T002",
                "19283746501234",
                "HuLiNa",
                "1003",
                "话务部",
                "班长",
                Some(1),
                false,
            ),
            (
                "A001",
                "2738291045671123",
                "WangJianHua",
                "1004",
                "话务部",
                "话务员",
                Some(2),
                false,
            ),
            (
                "A002",
                "0128460736212345",
                "ZhaoYaTing",
                "1005",
                "话务部",
                "话务员",
                Some(3),
                true,
            ),
            (
                "A003",
                "3301928374650021",
                "HuJunJie",
                "1006",
                "话务部",
                "话务员",
                Some(4),
                false,
            ),
            (
                "A004",
                "4410293847561109",
                "ZhengTingTing",
                "1007",
                "话务部",
                "话务员",
                Some(7),
                false,
            ),
            (
                "A005",
                "5528391047562238",
                "FengWenBin",
                "00001234",
                "话务部",
                "话务员",
                Some(5),
                false,
            ),
            (
                "A006",
                "016283940571827364",
                "WangXiuYing",
                "1009",
                "话务部",
                "话务员",
                Some(6),
                true,
            ),
            (
                "A007",
                "7746382910564473",
                "ZhaoGuoDong",
                "1010",
                "话务部",
                "话务员",
                Some(0),
                false,
            ),
            (
                "C001",
                "8839201746352281",
                "FengJinCheng",
                "1011",
                "回访部",
                "回访员",
                None,
                false,
            ),
            (
                "Q001",
                "9901827364510092",
                "ZhengYiMing",
                "1012",
                "质检部",
                "质检员",
                None,
                false,
            ),
        ];
        let people: Vec<Person> = specs
            .iter()
            .map(
                |&(id, ding, wecom, pin, dept, title, rotation, blank)| Person {
                    id: id.into(),
                    name: name(id),
                    dingtalk: ding.into(),
                    wecom: wecom.into(),
                    zkteco: pin.into(),
                    department: dept,
                    title,
                    group: if rotation.is_some() {
                        "话务排班组"
                    } else {
                        "行政白班组"
                    },
                    blank_job_number: blank,
                    last_day: (id == "A004").then(|| march(20)),
                    rotation,
                },
            )
            .collect();
        Self::build(people)
    }

    fn build(people: Vec<Person>) -> Month {
        let idx = |id: &str| people.iter().position(|p| p.id == id).expect("person");
        // The first date on or after `from` on which `id` is rostered `code`.
        let first = |id: &str, from: u32, code: &str| -> NaiveDate {
            let p = &people[idx(id)];
            (from..=31)
                .map(march)
                .find(|&d| p.rostered(d) == Some(code))
                .unwrap_or_else(|| panic!("{id} has no {code} from 03-{from:02}"))
        };
        let mut events: BTreeMap<(usize, NaiveDate), Event> = BTreeMap::new();
        let mut leaves: BTreeMap<(usize, NaiveDate), LeaveType> = BTreeMap::new();
        let mut repeats: Vec<(usize, NaiveDate)> = Vec::new();
        events.insert((idx("T001"), first("T001", 9, "A")), Event::Late(12));
        events.insert((idx("A001"), first("A001", 5, "P")), Event::Late(18));
        let sick = first("A001", 16, "P");
        events.insert((idx("A001"), sick), Event::Leave);
        leaves.insert((idx("A001"), sick), LeaveType::Sick);
        events.insert((idx("A002"), first("A002", 10, "A")), Event::Early(25));
        events.insert((idx("A003"), first("A003", 11, "A")), Event::MissingIn);
        events.insert((idx("A003"), first("A003", 20, "N")), Event::Late(9));
        events.insert((idx("A005"), first("A005", 12, "P")), Event::MissingOut);
        repeats.push((idx("A006"), first("A006", 4, "A")));
        repeats.push((idx("T002"), first("T002", 14, "P")));
        let annual = first("T002", 18, "A");
        events.insert((idx("T002"), annual), Event::Leave);
        leaves.insert((idx("T002"), annual), LeaveType::Annual);
        let part = first("A007", 10, "A");
        events.insert((idx("A007"), part), Event::PartLeave);
        leaves.insert((idx("A007"), part), LeaveType::Personal);
        events.insert((idx("C001"), first("C001", 17, "D")), Event::Absent);
        events.insert((idx("M001"), first("M001", 24, "D")), Event::Late(7));
        events.insert((idx("Q001"), first("Q001", 26, "D")), Event::MissingOut);

        // Fixed edge times: A005's night of 03-01 clocked in on 02-28 at 23:56, and A005's
        // middle shift of 03-31 (to 24:00) clocked out on 04-01 at 00:09.
        let a005 = idx("A005");
        assert_eq!(people[a005].rostered(march(1)), Some("N"));
        assert_eq!(people[a005].rostered(march(31)), Some("P"));
        let a006 = idx("A006");
        assert_eq!(people[a006].rostered(march(31)), None);
        assert_eq!(
            people[a006].rostered(NaiveDate::from_ymd_opt(2026, 4, 1).expect("date")),
            Some("N")
        );

        let mut rng = Rng::new(0x2026_0301);
        let mut days = Vec::new();
        let mut punches = Vec::new();
        let first_day = NaiveDate::from_ymd_opt(2026, 2, 28).expect("date");
        let last_day = NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
        for (p, person) in people.iter().enumerate() {
            let mut date = first_day;
            while date <= last_day {
                if !person.employed(date) {
                    date += Duration::days(1);
                    continue;
                }
                let code = person.rostered(date);
                let event = match code {
                    None => Event::Rest,
                    Some(_) => events.get(&(p, date)).copied().unwrap_or(Event::Normal),
                };
                let mut day = Day {
                    person: p,
                    date,
                    shift: code,
                    event,
                    clock_in: None,
                    clock_out: None,
                    leave: None,
                };
                if let Some(def) = day.def() {
                    let start = def.start * 60;
                    let end = def.end * 60;
                    let normal_in =
                        |rng: &mut Rng| start - rng.range(2, 25) * 60 - rng.range(0, 59);
                    let normal_out = |rng: &mut Rng| end + rng.range(0, 15) * 60 + rng.range(1, 59);
                    let (i, o) = match event {
                        Event::Normal => (Some(normal_in(&mut rng)), Some(normal_out(&mut rng))),
                        Event::Late(m) => (
                            Some(start + i64::from(m) * 60 + rng.range(5, 55)),
                            Some(normal_out(&mut rng)),
                        ),
                        Event::Early(m) => (
                            Some(normal_in(&mut rng)),
                            Some(end - i64::from(m) * 60 + rng.range(1, 59)),
                        ),
                        Event::MissingIn => (None, Some(normal_out(&mut rng))),
                        Event::MissingOut => (Some(normal_in(&mut rng)), None),
                        Event::PartLeave => (
                            Some(normal_in(&mut rng)),
                            Some(start + 4 * 3600 + rng.range(1, 8) * 60 + rng.range(0, 59)),
                        ),
                        Event::Absent | Event::Leave | Event::Rest => (None, None),
                    };
                    let mut i = i.map(|s| at(date, s));
                    let mut o = o.map(|s| at(date, s));
                    if p == a005 && date == march(1) {
                        i = Some(at(first_day, 23 * 3600 + 56 * 60 + rng.range(0, 59)));
                    }
                    if p == a005 && date == march(31) {
                        o = Some(at(last_day, 9 * 60 + rng.range(0, 59)));
                    }
                    day.clock_in = i;
                    day.clock_out = o;
                    if let Some(kind) = leaves.get(&(p, date)) {
                        let (from, hours) = if event == Event::PartLeave {
                            (def.start_on(date) + Duration::hours(4), 4)
                        } else {
                            (def.start_on(date), 8)
                        };
                        day.leave = Some(Leave {
                            kind: *kind,
                            hours: Decimal::from(hours),
                            from,
                            to: def.end_on(date),
                        });
                    }
                    for (t, kind) in [(i, PunchKind::In), (o, PunchKind::Out)] {
                        if let Some(t) = t {
                            punches.push(Punch {
                                person: p,
                                at: t,
                                kind,
                                work_date: date,
                            });
                        }
                    }
                    if let (Some(t), true) = (i, repeats.contains(&(p, date))) {
                        punches.push(Punch {
                            person: p,
                            at: t + Duration::seconds(rng.range(10, 50)),
                            kind: PunchKind::Repeat,
                            work_date: date,
                        });
                    }
                    // At lunch, some punch the attendance machine on the way out and back.
                    if matches!(def.code, "A" | "D") && event == Event::Normal && rng.chance(1, 5) {
                        let out = at(date, 12 * 3600 + rng.range(0, 5) * 60 + rng.range(0, 59));
                        let back =
                            out + Duration::seconds(rng.range(40, 55) * 60 + rng.range(0, 59));
                        for t in [out, back] {
                            punches.push(Punch {
                                person: p,
                                at: t,
                                kind: PunchKind::Extra,
                                work_date: date,
                            });
                        }
                    }
                    // Door access during the shift (DingTalk 门禁), March days only.
                    if date.month() == 3 && day.attended() {
                        let lo = def.start_on(date) + Duration::minutes(20);
                        let hi = match day.clock_out {
                            Some(o) if o < def.end_on(date) => o - Duration::minutes(20),
                            _ => def.end_on(date) - Duration::minutes(20),
                        };
                        let span = (hi - lo).num_seconds();
                        for _ in 0..rng.range(0, 6) {
                            punches.push(Punch {
                                person: p,
                                at: lo + Duration::seconds(rng.range(0, span)),
                                kind: PunchKind::Door,
                                work_date: date,
                            });
                        }
                    }
                }
                days.push(day);
                date += Duration::days(1);
            }
        }
        // The night of 04-01 (A006) clocked in on 03-31 at 23:5x belongs to April: it is in
        // the loop above (04-01 is simulated), nothing to add.
        punches.sort_by_key(|p| (p.person, p.at));
        Month {
            year: 2026,
            month: 3,
            people,
            days,
            punches,
            generated_at: NaiveDate::from_ymd_opt(2026, 4, 2)
                .expect("date")
                .and_hms_opt(9, 30, 0)
                .expect("time"),
        }
    }

    /// The first and last date of the month.
    #[must_use]
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("month");
        let next = if self.month == 12 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, self.month + 1, 1)
        }
        .expect("month");
        (first, next - Duration::days(1))
    }

    /// The dates of the month.
    #[must_use]
    pub fn dates(&self) -> Vec<NaiveDate> {
        let (first, last) = self.bounds();
        first.iter_days().take_while(|d| *d <= last).collect()
    }

    /// Whether `date` is in the month.
    #[must_use]
    pub fn in_month(&self, date: NaiveDate) -> bool {
        let (first, last) = self.bounds();
        (first..=last).contains(&date)
    }

    /// A person's day, if employed.
    #[must_use]
    pub fn day(&self, person: usize, date: NaiveDate) -> Option<&Day> {
        self.days
            .iter()
            .find(|d| d.person == person && d.date == date)
    }

    /// The month's days of a person (employed days only).
    pub fn month_days(&self, person: usize) -> impl Iterator<Item = &Day> {
        self.days
            .iter()
            .filter(move |d| d.person == person && self.in_month(d.date))
    }

    /// The punches of a person's day.
    pub fn day_punches(&self, person: usize, date: NaiveDate) -> impl Iterator<Item = &Punch> {
        self.punches
            .iter()
            .filter(move |p| p.person == person && p.work_date == date)
    }

    /// The published roster of the month: (employee id, date, shift code).
    #[must_use]
    pub fn roster(&self) -> Vec<(String, NaiveDate, &'static str)> {
        self.days
            .iter()
            .filter(|d| self.in_month(d.date))
            .filter_map(|d| Some((self.people[d.person].id.clone(), d.date, d.shift?)))
            .collect()
    }

    /// The file of a layout.
    #[must_use]
    pub fn write(&self, layout: Layout) -> Vec<u8> {
        match layout {
            Layout::DingTalkSummaryClassic | Layout::DingTalkSummaryNew => {
                xlsx(&dingtalk_summary::book(self, layout))
            }
            Layout::DingTalkRaw
            | Layout::DingTalkRawHm
            | Layout::DingTalkRawSerial
            | Layout::DingTalkRaw1904 => xlsx(&dingtalk_raw::book(self, layout)),
            Layout::WeComDaily => xlsx(&wecom_daily::book(self)),
            Layout::ZktecoText
            | Layout::ZktecoSerial
            | Layout::ZktecoSerial1904
            | Layout::ZktecoBiff5Gbk
            | Layout::ZktecoBiff5NoCodepage => zkteco::write(self, layout),
        }
    }

    /// The records an importer should produce from `layout`, by employee and date.
    #[must_use]
    pub fn expected(&self, layout: Layout) -> Vec<Expected> {
        let minutes = layout.minutes_only();
        let clock = |t: Option<NaiveDateTime>| {
            if minutes {
                t.map(trunc_minute)
            } else {
                t
            }
        };
        let mut out = Vec::new();
        for d in self.days.iter().filter(|d| self.in_month(d.date)) {
            let person = &self.people[d.person];
            let keep = if layout.is_punches() {
                // A punch file yields a record for a shift with a clock-in or clock-out; the
                // 原始记录 with 缺卡 rows also lists a rostered day missed entirely.
                d.clock_in.is_some()
                    || d.clock_out.is_some()
                    || (layout == Layout::DingTalkRaw && d.event == Event::Absent)
            } else {
                true
            };
            if !keep {
                continue;
            }
            out.push(Expected {
                employee: person.id.clone(),
                date: d.date,
                status: d.status(),
                shift: d.shift.map(str::to_string),
                clock_in: clock(d.clock_in),
                clock_out: clock(d.clock_out),
                late_minutes: d.late_minutes(),
                early_minutes: d.early_minutes(),
                leave: d
                    .leave
                    .as_ref()
                    .map(|l| (l.kind.code().to_string(), l.hours)),
            });
        }
        out.sort_by(|a, b| (&a.employee, a.date).cmp(&(&b.employee, b.date)));
        out
    }
}

// ---------------------------------------------------------------------------------------
// A workbook as rows of values, written as xlsx (rust_xlsxwriter, then patched where it
// cannot write what the vendors' files hold: error values, the 1904 date system).

/// A cell value.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Num(f64),
    /// A date-time serial (in the book's date system) with its number format.
    Date(f64, &'static str),
    /// An error value (`#REF!`).
    Error(&'static str),
}

/// Text.
#[must_use]
pub fn t(s: impl Into<String>) -> V {
    V::Text(s.into())
}

/// A sheet: rows of values (0-based), merged ranges (0-based, inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Name.
    pub name: String,
    /// Rows.
    pub rows: Vec<Vec<V>>,
    /// Merged ranges: (first row, first column, last row, last column).
    pub merges: Vec<(u32, u16, u32, u16)>,
}

impl Sheet {
    /// The 0-based column of `header` in 0-based row `row`.
    #[must_use]
    pub fn col(&self, row: usize, header: &str) -> Option<usize> {
        self.rows[row]
            .iter()
            .position(|v| *v == V::Text(header.to_string()))
    }

    /// Sets a cell, growing the row as needed.
    pub fn set(&mut self, row: usize, col: usize, v: V) {
        let r = &mut self.rows[row];
        if r.len() <= col {
            r.resize(col + 1, V::Empty);
        }
        r[col] = v;
    }
}

/// A workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    /// Sheets in order.
    pub sheets: Vec<Sheet>,
    /// Saved with the 1904 date system.
    pub date1904: bool,
}

/// Excel's `A1` reference of 0-based (row, column).
#[must_use]
pub fn cell_ref(row: usize, col: usize) -> String {
    format!("{}{}", column_letter(col), row + 1)
}

/// Column letters of a 0-based index.
#[must_use]
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// The book as an xlsx.
///
/// # Panics
/// rust_xlsxwriter refusing a value (never for the books here).
#[must_use]
pub fn xlsx(book: &Book) -> Vec<u8> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut wb = Workbook::new();
    let merged_fmt = Format::new()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    // Error cells are written as unique numbers, then replaced in the sheet XML.
    let mut errors: Vec<(usize, String, f64, &'static str)> = Vec::new();
    for (k, sheet) in book.sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).expect("sheet name");
        let merged = |r: usize, c: usize| {
            sheet.merges.iter().any(|&(r0, c0, r1, c1)| {
                (r0 as usize..=r1 as usize).contains(&r) && (c0 as usize..=c1 as usize).contains(&c)
            })
        };
        for &(r0, c0, r1, c1) in &sheet.merges {
            let text = match sheet.rows.get(r0 as usize).and_then(|r| r.get(c0 as usize)) {
                Some(V::Text(s)) => s.clone(),
                _ => String::new(),
            };
            ws.merge_range(r0, c0, r1, c1, &text, &merged_fmt)
                .expect("merge");
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if merged(r, c) {
                    continue;
                }
                let (rr, cc) = (r as u32, c as u16);
                match v {
                    V::Empty => {}
                    V::Text(s) if s.contains('\n') => {
                        ws.write_string_with_format(rr, cc, s, &wrap)
                            .expect("write");
                    }
                    V::Text(s) => {
                        ws.write_string(rr, cc, s).expect("write");
                    }
                    V::Num(n) => {
                        ws.write_number(rr, cc, *n).expect("write");
                    }
                    V::Date(serial, fmt) => {
                        let f = Format::new().set_num_format(*fmt);
                        ws.write_number_with_format(rr, cc, *serial, &f)
                            .expect("write");
                    }
                    V::Error(e) => {
                        let mark = 987_654_000.0 + errors.len() as f64;
                        ws.write_number(rr, cc, mark).expect("write");
                        errors.push((k, cell_ref(r, c), mark, e));
                    }
                }
            }
        }
    }
    let bytes = wb.save_to_buffer().expect("xlsx");
    if !book.date1904 && errors.is_empty() {
        return bytes;
    }
    rewrite_zip(&bytes, |name, data| {
        if name == "xl/workbook.xml" && book.date1904 {
            let text = String::from_utf8(data).expect("utf-8");
            assert!(text.contains("<workbookPr"), "{text}");
            return text
                .replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
                .into_bytes();
        }
        let mut text = match String::from_utf8(data) {
            Ok(t) => t,
            Err(e) => return e.into_bytes(),
        };
        for (k, r, mark, e) in &errors {
            if name != format!("xl/worksheets/sheet{}.xml", k + 1) {
                continue;
            }
            let open = format!("<c r=\"{r}\"");
            let start = text.find(&open).expect("error cell");
            let end = start + text[start..].find("</c>").expect("cell end") + 4;
            assert!(text[start..end].contains(&format!("<v>{mark}</v>")));
            text.replace_range(
                start..end,
                &format!("<c r=\"{r}\" t=\"e\"><f>{e}</f><v>{e}</v></c>"),
            );
        }
        text.into_bytes()
    })
}

/// The zip with each part passed through `f(name, bytes)`, in the same order.
///
/// # Panics
/// Bytes that are not a zip.
#[must_use]
pub fn rewrite_zip(bytes: &[u8], mut f: impl FnMut(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut zout = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut part = zin.by_index(i).expect("part");
        let name = part.name().expect("part name").to_string();
        let mut data = Vec::new();
        part.read_to_end(&mut data).expect("read part");
        let data = f(&name, data);
        zout.start_file(name, opts).expect("start part");
        zout.write_all(&data).expect("write part");
    }
    zout.finish().expect("zip").into_inner()
}

/// The rows as CSV text (UTF-8 with a byte-order mark, CRLF, quoted where needed).
#[must_use]
pub fn csv(rows: &[Vec<V>]) -> Vec<u8> {
    let mut s = String::from("\u{feff}");
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| {
                let text = match v {
                    V::Empty => String::new(),
                    V::Text(t) => t.clone(),
                    V::Num(n) | V::Date(n, _) => format!("{n}"),
                    V::Error(e) => (*e).to_string(),
                };
                if text.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", text.replace('"', "\"\""))
                } else {
                    text
                }
            })
            .collect();
        s.push_str(&cells.join(","));
        s.push_str("\r\n");
    }
    s.into_bytes()
}
