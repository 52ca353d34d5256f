//! 钉钉 考勤报表 月度汇总 (docs/attendance-formats.md §1).
//!
//! - Sheet `月度汇总`; row 1 `月度汇总 统计日期：2026-03-01 至 2026-03-31` and row 2
//!   `报表生成时间：2026-04-02 09:30`, each merged across all columns (§1.2, §1.7.1).
//! - Row 3: single-level headers merged over rows 3–4; the group headers `请假` and `考勤结果`
//!   merged along row 3. Row 4: the leave leaves with their units and the day labels, a day
//!   number on weekdays and `六`/`日` on Saturdays and Sundays (§1.4): March 2026 starts on a
//!   Sunday, so its labels are `日, 2, 3, 4, 5, 6, 六, 日, 9, …`.
//! - Fixed columns `姓名 考勤组 部门 工号 职位 UserId` (§1.7.3), then the totals, then `请假`,
//!   then the day columns (§1.3: they usually come last).
//! - `UserId` as text (one with a leading 0); `工号` blank for two people (§1.7.5); the leaver as
//!   `郑婷婷(已离职)` with empty day cells after the last day (§1.6, §1.7.7).
//! - Classic file: totals as **text** (§0.3), `工作时长(分钟)` in minutes, leave in
//!   `事假(小时)`, `病假(天)`, `年假(天)`; day cells `正常`, `休息`, `旷工`, `上班迟到12分钟`,
//!   `下班早退25分钟`, `上班缺卡`, `下班缺卡`, leave as `事假03-13 12:00到03-13 16:00 4小时`
//!   and a worked half day as `正常,事假…` (§1.5 classic).
//! - New file: numeric totals with `应出勤天数`, leave in `事假(天)`, `病假(小时)`, `年假(天)`;
//!   day cells `早班:正常\n(07:52,16:05)`, `中班:病假\n(-)`, `休息\n(-)`, `-` for a missing
//!   punch (§1.5 new style).
//!
//! Guesses (the spec does not settle them): the text after the colon in the new style for
//! lateness, early leave and missed punches (the classic words are reused: `早班:上班迟到12分钟`);
//! the leave span of a whole-day leave in `(天)` units (the shift's times, `… 1天`); a worked
//! half day of leave as `正常,事假…` (classic) and `早班:事假4小时` (new); the 工作时长 reading
//! (minutes clocked inside the shift, less the 白班 break).

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::{t, weekday_zh, Book, Day, Event, Layout, LeaveType, Month, Sheet, V};

/// The sheet.
pub const SHEET: &str = "月度汇总";

/// Fixed columns.
pub const FIXED: [&str; 6] = ["姓名", "考勤组", "部门", "工号", "职位", "UserId"];

/// Totals of the classic file (after the fixed columns).
pub const TOTALS_CLASSIC: [&str; 10] = [
    "出勤天数",
    "休息天数",
    "工作时长(分钟)",
    "迟到次数",
    "迟到时长(分钟)",
    "早退次数",
    "早退时长(分钟)",
    "上班缺卡次数",
    "下班缺卡次数",
    "旷工天数",
];

/// Totals of the new file.
pub const TOTALS_NEW: [&str; 11] = [
    "应出勤天数",
    "出勤天数",
    "休息天数",
    "工作时长(分钟)",
    "迟到次数",
    "迟到时长(分钟)",
    "早退次数",
    "早退时长(分钟)",
    "上班缺卡次数",
    "下班缺卡次数",
    "旷工天数",
];

/// A leave column's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// 小时
    Hours,
    /// 天 (8 hours)
    Days,
}

/// The leave leaves under `请假`: header, type, unit.
#[must_use]
pub fn leave_columns(layout: Layout) -> [(&'static str, LeaveType, Unit); 3] {
    if layout == Layout::DingTalkSummaryClassic {
        [
            ("事假(小时)", LeaveType::Personal, Unit::Hours),
            ("病假(天)", LeaveType::Sick, Unit::Days),
            ("年假(天)", LeaveType::Annual, Unit::Days),
        ]
    } else {
        [
            ("事假(天)", LeaveType::Personal, Unit::Days),
            ("病假(小时)", LeaveType::Sick, Unit::Hours),
            ("年假(天)", LeaveType::Annual, Unit::Days),
        ]
    }
}

fn amount(hours: Decimal, unit: Unit) -> Decimal {
    match unit {
        Unit::Hours => hours,
        Unit::Days => hours / Decimal::from(8),
    }
    .normalize()
}

fn unit_word(unit: Unit) -> &'static str {
    match unit {
        Unit::Hours => "小时",
        Unit::Days => "天",
    }
}

fn md_hm(t: NaiveDateTime) -> String {
    t.format("%m-%d %H:%M").to_string()
}

/// A person's totals over the month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// 应出勤天数
    pub rostered: u32,
    /// 出勤天数
    pub attended: u32,
    /// 休息天数
    pub rest: u32,
    /// 工作时长(分钟)
    pub work_minutes: i64,
    /// 迟到次数
    pub late: u32,
    /// 迟到时长(分钟)
    pub late_minutes: u32,
    /// 早退次数
    pub early: u32,
    /// 早退时长(分钟)
    pub early_minutes: u32,
    /// 上班缺卡次数
    pub missing_in: u32,
    /// 下班缺卡次数
    pub missing_out: u32,
    /// 旷工天数
    pub absent: u32,
    /// Leave hours per type.
    pub leave_hours: Vec<(LeaveType, Decimal)>,
}

/// The totals of a person's month, from the days.
#[must_use]
pub fn totals(m: &Month, person: usize) -> Totals {
    let mut tot = Totals::default();
    for d in m.month_days(person) {
        tot.rostered += u32::from(d.shift.is_some());
        tot.attended += u32::from(d.attended());
        tot.rest += u32::from(d.event == Event::Rest);
        tot.work_minutes += d.work_minutes();
        if let Event::Late(x) = d.event {
            tot.late += 1;
            tot.late_minutes += x;
        }
        if let Event::Early(x) = d.event {
            tot.early += 1;
            tot.early_minutes += x;
        }
        tot.missing_in += u32::from(d.event == Event::MissingIn);
        tot.missing_out += u32::from(d.event == Event::MissingOut);
        tot.absent += u32::from(d.event == Event::Absent);
        if let Some(l) = &d.leave {
            match tot.leave_hours.iter_mut().find(|(k, _)| *k == l.kind) {
                Some((_, h)) => *h += l.hours,
                None => tot.leave_hours.push((l.kind, l.hours)),
            }
        }
    }
    tot
}

impl Totals {
    /// Hours of a leave type.
    #[must_use]
    pub fn hours(&self, kind: LeaveType) -> Decimal {
        self.leave_hours
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(Decimal::ZERO, |(_, h)| *h)
    }

    /// The value under a totals header.
    ///
    /// # Panics
    /// An unknown header.
    #[must_use]
    pub fn value(&self, header: &str) -> Decimal {
        let n = |x: u32| Decimal::from(x);
        match header {
            "应出勤天数" => n(self.rostered),
            "出勤天数" => n(self.attended),
            "休息天数" => n(self.rest),
            "工作时长(分钟)" => Decimal::from(self.work_minutes),
            "迟到次数" => n(self.late),
            "迟到时长(分钟)" => n(self.late_minutes),
            "早退次数" => n(self.early),
            "早退时长(分钟)" => n(self.early_minutes),
            "上班缺卡次数" => n(self.missing_in),
            "下班缺卡次数" => n(self.missing_out),
            "旷工天数" => n(self.absent),
            other => panic!("no total {other}"),
        }
    }
}

/// The leave segment of a classic cell: `事假03-13 12:00到03-13 16:00 4小时`.
fn leave_segment(d: &Day, layout: Layout) -> String {
    let l = d.leave.as_ref().expect("leave");
    let (_, _, unit) = leave_columns(layout)
        .into_iter()
        .find(|(_, k, _)| *k == l.kind)
        .expect("leave column");
    format!(
        "{}{}到{} {}{}",
        l.kind.zh(),
        md_hm(l.from),
        md_hm(l.to),
        amount(l.hours, unit),
        unit_word(unit)
    )
}

/// A day cell, classic style.
#[must_use]
pub fn classic_cell(d: &Day) -> String {
    match d.event {
        Event::Normal => "正常".into(),
        Event::Late(x) => format!("上班迟到{x}分钟"),
        Event::Early(x) => format!("下班早退{x}分钟"),
        Event::MissingIn => "上班缺卡".into(),
        Event::MissingOut => "下班缺卡".into(),
        Event::Absent => "旷工".into(),
        Event::Rest => "休息".into(),
        Event::Leave => leave_segment(d, Layout::DingTalkSummaryClassic),
        Event::PartLeave => format!("正常,{}", leave_segment(d, Layout::DingTalkSummaryClassic)),
    }
}

/// A day cell, new style: `早班:正常\n(07:52,16:05)`.
#[must_use]
pub fn new_cell(d: &Day) -> String {
    let Some(def) = d.def() else {
        return "休息\n(-)".into();
    };
    let hm =
        |t: Option<NaiveDateTime>| t.map_or("-".to_string(), |t| t.format("%H:%M").to_string());
    let times = format!("({},{})", hm(d.clock_in), hm(d.clock_out));
    let result = match d.event {
        Event::Normal => "正常".to_string(),
        Event::Late(x) => format!("上班迟到{x}分钟"),
        Event::Early(x) => format!("下班早退{x}分钟"),
        Event::MissingIn => "上班缺卡".into(),
        Event::MissingOut => "下班缺卡".into(),
        Event::Absent => return format!("{}:旷工\n(-)", def.name),
        Event::Leave => {
            let l = d.leave.as_ref().expect("leave");
            return format!("{}:{}\n(-)", def.name, l.kind.zh());
        }
        Event::PartLeave => {
            let l = d.leave.as_ref().expect("leave");
            format!("{}{}小时", l.kind.zh(), l.hours.normalize())
        }
        Event::Rest => unreachable!("a rest day has no shift"),
    };
    format!("{}:{result}\n{times}", def.name)
}

/// Row label of a day column (row 4).
#[must_use]
pub fn day_label(date: chrono::NaiveDate) -> String {
    match weekday_zh(date) {
        "星期六" => "六".into(),
        "星期日" => "日".into(),
        _ => chrono::Datelike::day(&date).to_string(),
    }
}

/// The sheet's column layout: (fixed+totals headers, first leave column, first day column,
/// number of columns).
#[must_use]
pub fn columns(m: &Month, layout: Layout) -> (Vec<&'static str>, usize, usize, usize) {
    let mut single: Vec<&'static str> = FIXED.to_vec();
    if layout == Layout::DingTalkSummaryClassic {
        single.extend(TOTALS_CLASSIC);
    } else {
        single.extend(TOTALS_NEW);
    }
    let leave0 = single.len();
    let day0 = leave0 + 3;
    (single, leave0, day0, day0 + m.dates().len())
}

/// 0-based row of a person's data.
#[must_use]
pub fn person_row(person: usize) -> usize {
    4 + person
}

/// The name as written (leavers marked).
#[must_use]
pub fn shown_name(m: &Month, person: usize) -> String {
    let p = &m.people[person];
    if p.last_day.is_some_and(|l| m.in_month(l)) {
        format!("{}(已离职)", p.name)
    } else {
        p.name.clone()
    }
}

/// The 月度汇总 workbook.
#[must_use]
pub fn book(m: &Month, layout: Layout) -> Book {
    let classic = layout == Layout::DingTalkSummaryClassic;
    let (single, leave0, day0, ncols) = columns(m, layout);
    let (first, last) = m.bounds();
    let mut rows: Vec<Vec<V>> = vec![vec![V::Empty; ncols]; 4];
    rows[0][0] = t(format!(
        "月度汇总 统计日期：{} 至 {}",
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    ));
    rows[1][0] = t(format!(
        "报表生成时间：{}",
        m.generated_at.format("%Y-%m-%d %H:%M")
    ));
    let mut merges = vec![(0, 0, 0, (ncols - 1) as u16), (1, 0, 1, (ncols - 1) as u16)];
    for (c, h) in single.iter().enumerate() {
        rows[2][c] = t(*h);
        merges.push((2, c as u16, 3, c as u16));
    }
    rows[2][leave0] = t("请假");
    merges.push((2, leave0 as u16, 2, (leave0 + 2) as u16));
    for (k, (h, _, _)) in leave_columns(layout).iter().enumerate() {
        rows[3][leave0 + k] = t(*h);
    }
    rows[2][day0] = t("考勤结果");
    merges.push((2, day0 as u16, 2, (ncols - 1) as u16));
    for (k, date) in m.dates().into_iter().enumerate() {
        rows[3][day0 + k] = t(day_label(date));
    }
    let number = |x: Decimal| {
        if classic {
            t(x.normalize().to_string())
        } else {
            V::Num(x.to_string().parse().expect("number"))
        }
    };
    for (k, p) in m.people.iter().enumerate() {
        let tot = totals(m, k);
        let mut row = vec![V::Empty; ncols];
        row[0] = t(shown_name(m, k));
        row[1] = t(p.group);
        row[2] = t(p.department);
        row[3] = if p.blank_job_number {
            V::Empty
        } else {
            t(p.id.clone())
        };
        row[4] = t(p.title);
        row[5] = t(p.dingtalk.clone());
        for (c, h) in single.iter().enumerate().skip(FIXED.len()) {
            row[c] = number(tot.value(h));
        }
        for (j, (_, kind, unit)) in leave_columns(layout).iter().enumerate() {
            row[leave0 + j] = number(amount(tot.hours(*kind), *unit));
        }
        for (j, date) in m.dates().into_iter().enumerate() {
            if let Some(d) = m.day(k, date) {
                row[day0 + j] = t(if classic {
                    classic_cell(d)
                } else {
                    new_cell(d)
                });
            }
        }
        rows.push(row);
    }
    Book {
        sheets: vec![Sheet {
            name: SHEET.into(),
            rows,
            merges,
        }],
        date1904: false,
    }
}
