//! 企业微信 上下班打卡_日报 (docs/attendance-formats.md §3).
//!
//! - Sheet `概况统计与打卡明细` (§3.2, §3.7): row 1 the title, row 2
//!   `统计时间:03-01 ～ 03-31     制表时间:2026-04-02 09:30(UTC+8)`, rows 3–4 a two-level
//!   header (single-level `时间`, `姓名`, `账号`, `打卡时间记录` merged over both rows; groups
//!   `基础信息`, `考勤概况`, `异常统计`, `加班统计`, `假勤统计`, `上班1`, `下班1` merged along row 3
//!   over their leaves on row 4), data from row 5: one row per person per day, each person's
//!   days newest first (W6).
//! - `时间` as text `2026/03/05 星期四`; `账号` differs from the name (§3.7.2).
//! - Rest days: 班次 `休息`, every punch cell `--` (§3.4). A late day: `迟到12分钟` under
//!   `上班1 打卡状态` (§3.7.3). A missed clock-out: `--` under `下班1` (§3.7.3).
//! - Leave: `假勤申请` text and the `假勤统计` leaves `年假(天)`, `事假(小时)`, `病假(天)` (§3.4).
//! - Sheet `打卡详情` (§3.5): two title rows, header on row 3 with the confirmed `日期`, `姓名`,
//!   `部门`, `职务`, `实际打卡时间` and inferred others; one row per punch.
//!
//! Guesses (the spec says **not found** or C): the row-2 wording; `班次` as
//! `早班 08:00-16:00` (name and times, as DingTalk's 每日统计 shows shifts); the `考勤结果` words
//! (`正常`, `迟到`, `早退`, `缺卡`, `旷工`, `请假`, `休息`); no `次日`/`前一日` markers: a night
//! shift's 23:56 clock-in and a middle shift's 00:09 clock-out are shown as bare `HH:MM` on
//! the shift's row (the API has timestamps; the export's form is not documented); lunch punches
//! are not in the WeCom report (they would be 外出打卡, another report); an absent day's slots
//! read `缺卡`; `打卡详情`'s columns beyond the confirmed five.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::{t, weekday_zh, Book, Day, Event, LeaveType, Month, PunchKind, Sheet, V};

/// The main sheet.
pub const SHEET: &str = "概况统计与打卡明细";
/// The punch sheet.
pub const DETAIL_SHEET: &str = "打卡详情";

/// Columns: (group on row 3, leaf on row 4); a single-level column has no group.
pub const COLUMNS: [(Option<&str>, &str); 40] = [
    (None, "时间"),
    (None, "姓名"),
    (None, "账号"),
    (Some("基础信息"), "部门"),
    (Some("基础信息"), "职务"),
    (Some("考勤概况"), "所属规则"),
    (Some("考勤概况"), "班次"),
    (Some("考勤概况"), "最早"),
    (Some("考勤概况"), "最晚"),
    (Some("考勤概况"), "打卡次数(次)"),
    (Some("考勤概况"), "标准工作时长(小时)"),
    (Some("考勤概况"), "实际工作时长(小时)"),
    (Some("考勤概况"), "假勤申请"),
    (Some("考勤概况"), "考勤结果"),
    (Some("异常统计"), "异常合计(次)"),
    (Some("异常统计"), "迟到次数(次)"),
    (Some("异常统计"), "迟到时长(分钟)"),
    (Some("异常统计"), "早退次数(次)"),
    (Some("异常统计"), "早退时长(分钟)"),
    (Some("异常统计"), "旷工次数(次)"),
    (Some("异常统计"), "旷工时长(分钟)"),
    (Some("异常统计"), "缺卡次数(次)"),
    (Some("异常统计"), "地点异常(次)"),
    (Some("异常统计"), "设备异常(次)"),
    (Some("加班统计"), "加班状态"),
    (Some("加班统计"), "加班时长(小时)"),
    (Some("假勤统计"), "补卡次数(次)"),
    (Some("假勤统计"), "外出(小时)"),
    (Some("假勤统计"), "出差(天)"),
    (Some("假勤统计"), "年假(天)"),
    (Some("假勤统计"), "事假(小时)"),
    (Some("假勤统计"), "病假(天)"),
    (Some("假勤统计"), "调休假(天)"),
    (Some("上班1"), "打卡时间"),
    (Some("上班1"), "打卡状态"),
    (Some("下班1"), "打卡时间"),
    (Some("下班1"), "打卡状态"),
    (None, "打卡时间记录"),
    // Two trailing columns some versions have (W5).
    (None, "打卡详情"),
    (None, "备注"),
];

/// 0-based column of a (group, leaf).
///
/// # Panics
/// An unknown column.
#[must_use]
pub fn col(group: Option<&str>, leaf: &str) -> usize {
    COLUMNS
        .iter()
        .position(|(g, l)| *g == group && *l == leaf)
        .unwrap_or_else(|| panic!("no column {group:?} {leaf}"))
}

/// `2026/03/05 星期四`.
#[must_use]
pub fn date_text(d: chrono::NaiveDate) -> String {
    format!("{} {}", d.format("%Y/%m/%d"), weekday_zh(d))
}

fn hm(x: NaiveDateTime) -> String {
    x.format("%H:%M").to_string()
}

fn leave_unit(kind: LeaveType) -> (&'static str, bool) {
    match kind {
        LeaveType::Annual => ("年假(天)", false),
        LeaveType::Personal => ("事假(小时)", true),
        LeaveType::Sick => ("病假(天)", false),
    }
}

fn num(x: f64) -> V {
    V::Num(x)
}

/// The WeCom punches of a day (the clock-in, its repeat, the clock-out), by time.
fn punches(m: &Month, d: &Day) -> Vec<NaiveDateTime> {
    let mut v: Vec<NaiveDateTime> = m
        .day_punches(d.person, d.date)
        .filter(|p| matches!(p.kind, PunchKind::In | PunchKind::Out | PunchKind::Repeat))
        .map(|p| p.at)
        .collect();
    v.sort();
    v
}

/// The row of one person's day.
#[must_use]
pub fn day_row(m: &Month, d: &Day) -> Vec<V> {
    let p = &m.people[d.person];
    let mut row = vec![V::Empty; COLUMNS.len()];
    let set = |row: &mut Vec<V>, g: Option<&str>, l: &str, v: V| row[col(g, l)] = v;
    let dash = || t("--");
    set(&mut row, None, "时间", t(date_text(d.date)));
    set(&mut row, None, "姓名", t(p.name.clone()));
    set(&mut row, None, "账号", t(p.wecom.clone()));
    set(
        &mut row,
        Some("基础信息"),
        "部门",
        t(format!("儋州12345热线/{}", p.department)),
    );
    set(&mut row, Some("基础信息"), "职务", t(p.title));
    let rule = if p.group == "话务排班组" {
        "热线排班规则"
    } else {
        "行政白班规则"
    };
    let ov = Some("考勤概况");
    set(&mut row, ov, "所属规则", t(rule));
    let ps = punches(m, d);
    set(
        &mut row,
        ov,
        "班次",
        t(d.def().map_or("休息".to_string(), |s| {
            format!("{} {}", s.name, s.range_text())
        })),
    );
    set(
        &mut row,
        ov,
        "最早",
        ps.first().map_or_else(dash, |x| t(hm(*x))),
    );
    set(
        &mut row,
        ov,
        "最晚",
        ps.last().map_or_else(dash, |x| t(hm(*x))),
    );
    set(&mut row, ov, "打卡次数(次)", num(ps.len() as f64));
    set(
        &mut row,
        ov,
        "标准工作时长(小时)",
        num(if d.shift.is_some() { 8.0 } else { 0.0 }),
    );
    set(
        &mut row,
        ov,
        "实际工作时长(小时)",
        num((d.work_minutes() as f64 / 6.0).round() / 10.0),
    );
    set(
        &mut row,
        ov,
        "假勤申请",
        d.leave.as_ref().map_or_else(dash, |l| {
            let (_, hours) = leave_unit(l.kind);
            let amount = if hours {
                format!("{}小时", l.hours.normalize())
            } else {
                format!("{}天", (l.hours / Decimal::from(8)).normalize())
            };
            t(format!(
                "{} {}~{} {amount}",
                l.kind.zh(),
                l.from.format("%m-%d %H:%M"),
                l.to.format("%m-%d %H:%M")
            ))
        }),
    );
    let result = match d.event {
        Event::Normal => "正常",
        Event::Late(_) => "迟到",
        Event::Early(_) => "早退",
        Event::MissingIn | Event::MissingOut => "缺卡",
        Event::Absent => "旷工",
        Event::Leave | Event::PartLeave => "请假",
        Event::Rest => "休息",
    };
    set(&mut row, ov, "考勤结果", t(result));
    let ex = Some("异常统计");
    let late = u32::from(matches!(d.event, Event::Late(_)));
    let early = u32::from(matches!(d.event, Event::Early(_)));
    let absent = u32::from(d.event == Event::Absent);
    let missing = u32::from(matches!(d.event, Event::MissingIn | Event::MissingOut));
    set(
        &mut row,
        ex,
        "异常合计(次)",
        num(f64::from(late + early + absent + missing)),
    );
    set(&mut row, ex, "迟到次数(次)", num(f64::from(late)));
    set(
        &mut row,
        ex,
        "迟到时长(分钟)",
        num(f64::from(d.late_minutes())),
    );
    set(&mut row, ex, "早退次数(次)", num(f64::from(early)));
    set(
        &mut row,
        ex,
        "早退时长(分钟)",
        num(f64::from(d.early_minutes())),
    );
    set(&mut row, ex, "旷工次数(次)", num(f64::from(absent)));
    set(&mut row, ex, "旷工时长(分钟)", num(f64::from(absent * 480)));
    set(&mut row, ex, "缺卡次数(次)", num(f64::from(missing)));
    set(&mut row, ex, "地点异常(次)", num(0.0));
    set(&mut row, ex, "设备异常(次)", num(0.0));
    set(&mut row, Some("加班统计"), "加班状态", dash());
    set(&mut row, Some("加班统计"), "加班时长(小时)", num(0.0));
    let lv = Some("假勤统计");
    for h in [
        "补卡次数(次)",
        "外出(小时)",
        "出差(天)",
        "年假(天)",
        "事假(小时)",
        "病假(天)",
        "调休假(天)",
    ] {
        set(&mut row, lv, h, num(0.0));
    }
    if let Some(l) = &d.leave {
        let (h, hours) = leave_unit(l.kind);
        let v = if hours {
            l.hours
        } else {
            l.hours / Decimal::from(8)
        };
        set(&mut row, lv, h, num(v.to_string().parse().expect("number")));
    }
    let (in_state, out_state) = match d.event {
        Event::Normal | Event::PartLeave => ("正常".to_string(), "正常".to_string()),
        Event::Late(x) => (format!("迟到{x}分钟"), "正常".into()),
        Event::Early(x) => ("正常".into(), format!("早退{x}分钟")),
        Event::MissingIn => ("缺卡".into(), "正常".into()),
        Event::MissingOut => ("正常".into(), "缺卡".into()),
        Event::Absent => ("缺卡".into(), "缺卡".into()),
        Event::Leave => ("请假".into(), "请假".into()),
        Event::Rest => ("--".into(), "--".into()),
    };
    set(
        &mut row,
        Some("上班1"),
        "打卡时间",
        d.clock_in.map_or_else(dash, |x| t(hm(x))),
    );
    set(&mut row, Some("上班1"), "打卡状态", t(in_state));
    set(
        &mut row,
        Some("下班1"),
        "打卡时间",
        d.clock_out.map_or_else(dash, |x| t(hm(x))),
    );
    set(&mut row, Some("下班1"), "打卡状态", t(out_state));
    set(
        &mut row,
        None,
        "打卡时间记录",
        if ps.is_empty() {
            dash()
        } else {
            t(ps.iter().map(|x| hm(*x)).collect::<Vec<_>>().join(" "))
        },
    );
    set(&mut row, None, "打卡详情", t("查看"));
    row
}

/// The rows of `概况统计与打卡明细` and, for each data row, the (person, date) it holds.
#[must_use]
pub fn daily_rows(m: &Month) -> (Vec<Vec<V>>, Vec<(usize, chrono::NaiveDate)>) {
    let n = COLUMNS.len();
    let mut rows = vec![vec![V::Empty; n]; 4];
    let (first, last) = m.bounds();
    rows[0][0] = t(SHEET);
    rows[1][0] = t(format!(
        "统计时间:{} ～ {}     制表时间:{}(UTC+8)",
        first.format("%m-%d"),
        last.format("%m-%d"),
        m.generated_at.format("%Y-%m-%d %H:%M")
    ));
    for (c, (g, l)) in COLUMNS.iter().enumerate() {
        match g {
            None => rows[2][c] = t(*l),
            Some(g) => {
                if c == 0 || COLUMNS[c - 1].0 != Some(*g) {
                    rows[2][c] = t(*g);
                }
                rows[3][c] = t(*l);
            }
        }
    }
    let mut keys = Vec::new();
    for k in 0..m.people.len() {
        let mut days: Vec<&Day> = m.month_days(k).collect();
        days.sort_by_key(|d| std::cmp::Reverse(d.date));
        for d in days {
            rows.push(day_row(m, d));
            keys.push((k, d.date));
        }
    }
    (rows, keys)
}

/// Merged ranges of the header rows.
#[must_use]
pub fn header_merges() -> Vec<(u32, u16, u32, u16)> {
    let last = (COLUMNS.len() - 1) as u16;
    let mut merges = vec![(0, 0, 0, last), (1, 0, 1, last)];
    let mut c = 0;
    while c < COLUMNS.len() {
        match COLUMNS[c].0 {
            None => {
                merges.push((2, c as u16, 3, c as u16));
                c += 1;
            }
            Some(g) => {
                let mut e = c;
                while e + 1 < COLUMNS.len() && COLUMNS[e + 1].0 == Some(g) {
                    e += 1;
                }
                if e > c {
                    merges.push((2, c as u16, 2, e as u16));
                }
                c = e + 1;
            }
        }
    }
    merges
}

/// The `打卡详情` sheet.
#[must_use]
pub fn detail_sheet(m: &Month) -> Sheet {
    const H: [&str; 13] = [
        "日期",
        "姓名",
        "账号",
        "部门",
        "职务",
        "所属规则",
        "打卡类型",
        "应打卡时间",
        "实际打卡时间",
        "打卡状态",
        "打卡地点",
        "打卡设备",
        "备注",
    ];
    let (first, last) = m.bounds();
    let mut rows = vec![vec![V::Empty; H.len()]; 3];
    rows[0][0] = t(DETAIL_SHEET);
    rows[1][0] = t(format!(
        "统计时间:{} ～ {}     制表时间:{}(UTC+8)",
        first.format("%m-%d"),
        last.format("%m-%d"),
        m.generated_at.format("%Y-%m-%d %H:%M")
    ));
    for (c, h) in H.iter().enumerate() {
        rows[2][c] = t(*h);
    }
    for (k, person) in m.people.iter().enumerate() {
        for d in m.month_days(k) {
            let Some(def) = d.def() else { continue };
            let mut ps: Vec<_> = m
                .day_punches(k, d.date)
                .filter(|p| matches!(p.kind, PunchKind::In | PunchKind::Out | PunchKind::Repeat))
                .collect();
            ps.sort_by_key(|p| p.at);
            for p in ps {
                let (kind, plan, state) = match p.kind {
                    PunchKind::Out => (
                        "下班打卡",
                        match (&d.leave, d.event) {
                            (Some(l), Event::PartLeave) => l.from,
                            _ => def.end_on(d.date),
                        },
                        match d.event {
                            Event::Early(x) => format!("早退{x}分钟"),
                            _ => "正常".into(),
                        },
                    ),
                    _ => (
                        "上班打卡",
                        def.start_on(d.date),
                        match (p.kind, d.event) {
                            (PunchKind::In, Event::Late(x)) => format!("迟到{x}分钟"),
                            _ => "正常".into(),
                        },
                    ),
                };
                rows.push(vec![
                    t(date_text(d.date)),
                    t(person.name.clone()),
                    t(person.wecom.clone()),
                    t(format!("儋州12345热线/{}", person.department)),
                    t(person.title),
                    t(if person.group == "话务排班组" {
                        "热线排班规则"
                    } else {
                        "行政白班规则"
                    }),
                    t(kind),
                    t(hm(plan)),
                    t(hm(p.at)),
                    t(state),
                    t("儋州12345热线中心"),
                    t("企业微信"),
                    V::Empty,
                ]);
            }
        }
    }
    let last = (H.len() - 1) as u16;
    Sheet {
        name: DETAIL_SHEET.into(),
        rows,
        merges: vec![(0, 0, 0, last), (1, 0, 1, last)],
    }
}

/// The 日报 workbook: `概况统计与打卡明细`, then `打卡详情`.
#[must_use]
pub fn book(m: &Month) -> Book {
    let (rows, _) = daily_rows(m);
    Book {
        sheets: vec![
            Sheet {
                name: SHEET.into(),
                rows,
                merges: header_merges(),
            },
            detail_sheet(m),
        ],
        date1904: false,
    }
}
