//! 钉钉 考勤报表 原始记录 (docs/attendance-formats.md §2.1, §2.3–2.5).
//!
//! - Sheet `原始记录`: two merged title rows (row 1 holds the period's start and end as
//!   `yyyy-mm-dd`), the header on row 3, data from row 4 (§2.1).
//! - The 20 columns in the order of §2.3: `姓名 考勤组 部门 工号 职位 UserId 考勤日期 考勤时间
//!   打卡时间 打卡结果 打卡地址 打卡备注 异常打卡原因 打卡图片1 打卡图片2 打卡设备 管理员修改备注
//!   管理员修改备注图片1 管理员修改备注图片2 管理员修改备注图片3`.
//! - `考勤日期` as text `26-03-01 星期日` and the **work date** of the shift the punch counts
//!   for: the 23:56 clock-in of 02-28 carries `26-03-01 星期日`, the 00:09 clock-out of 04-01
//!   carries `26-03-31 星期二` (§2.4 night shifts). The export covers work dates 03-01…03-31, so
//!   the 23:5x clock-in of 03-31 for the night of 04-01 is not in it.
//! - `考勤时间` is the scheduled time of the slot a punch was matched to; door-access (`门禁`)
//!   and extra punches, and the second press of a repeated punch, have it **empty** and an
//!   empty `打卡结果` (§2.4 extra punches, inferred C).
//! - [`Layout::DingTalkRaw`]: `打卡时间` as text `2026-03-01 07:56:12`, and a row per missed
//!   check with an empty `打卡时间` and `打卡结果 = 缺卡` (§2.4: not confirmed, "generators should
//!   produce both variants").
//! - [`Layout::DingTalkRawHm`]: `打卡时间` as `HH:mm`, a time on another calendar day than
//!   `考勤日期` prefixed `次日 `/`昨日 ` (§2.2 for 每日统计, inferred for 原始记录), no 缺卡 rows.
//! - [`Layout::DingTalkRawSerial`] / [`Layout::DingTalkRaw1904`]: the same file after someone
//!   converted `考勤时间`/`打卡时间` to real date-times (§0.2: "until someone re-types or
//!   converts the cells"), saved in the 1900 or in the 1904 date system (§0.5).
//!
//! Guesses: the title wording (modelled on 月度汇总's), `考勤时间` as `yyyy-MM-dd HH:mm`
//! (§2.3 "probably"), `打卡时间` with seconds, the address and device texts, `缺卡` rather than
//! `未打卡`, and the half day of leave (the afternoon off) clocked out at 12:0x against a
//! `考勤时间` moved to the leave's start, 12:00, with result `正常`.

use chrono::{Datelike as _, Duration, NaiveDate, NaiveDateTime};

use super::{
    demo_staff, serial_1900, shift, t, weekday_zh, Book, Event, Layout, Month, PunchKind, Rng,
    Sheet, DAYS_1904, V,
};

/// The sheet.
pub const SHEET: &str = "原始记录";

/// The header (row 3).
pub const HEADERS: [&str; 20] = [
    "姓名",
    "考勤组",
    "部门",
    "工号",
    "职位",
    "UserId",
    "考勤日期",
    "考勤时间",
    "打卡时间",
    "打卡结果",
    "打卡地址",
    "打卡备注",
    "异常打卡原因",
    "打卡图片1",
    "打卡图片2",
    "打卡设备",
    "管理员修改备注",
    "管理员修改备注图片1",
    "管理员修改备注图片2",
    "管理员修改备注图片3",
];

/// 0-based column of a header.
///
/// # Panics
/// An unknown header.
#[must_use]
pub fn col(header: &str) -> usize {
    HEADERS
        .iter()
        .position(|h| *h == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

const ADDRESS: &str = "儋州12345热线中心 海南省儋州市那大镇人民中路88号";
const DOOR: &str = "儋州12345热线中心 1楼门禁";

/// `26-03-01 星期日`.
#[must_use]
pub fn work_date_text(d: NaiveDate) -> String {
    format!(
        "{:02}-{:02}-{:02} {}",
        d.year() % 100,
        d.month(),
        d.day(),
        weekday_zh(d)
    )
}

/// How one row describes its punch.
struct Row<'a> {
    person: usize,
    work_date: NaiveDate,
    /// Scheduled time (考勤时间), if matched to a slot.
    plan: Option<NaiveDateTime>,
    /// Actual time (打卡时间), `None` for a missed check.
    at: Option<NaiveDateTime>,
    result: &'a str,
    address: &'a str,
    device: &'a str,
}

fn title_rows(first: NaiveDate, last: NaiveDate, generated: NaiveDateTime) -> Vec<Vec<V>> {
    let mut rows = vec![vec![V::Empty; HEADERS.len()]; 3];
    rows[0][0] = t(format!(
        "原始记录 统计日期：{} 至 {}",
        first.format("%Y-%m-%d"),
        last.format("%Y-%m-%d")
    ));
    rows[1][0] = t(format!(
        "报表生成时间：{}",
        generated.format("%Y-%m-%d %H:%M")
    ));
    for (c, h) in HEADERS.iter().enumerate() {
        rows[2][c] = t(*h);
    }
    rows
}

/// The rows of the sheet (titles, header, data) for a layout.
#[must_use]
pub fn rows(m: &Month, layout: Layout) -> Vec<Vec<V>> {
    let mut list: Vec<Row<'_>> = Vec::new();
    for p in m.punches.iter().filter(|p| m.in_month(p.work_date)) {
        let d = m.day(p.person, p.work_date).expect("day of a punch");
        let def = d.def().expect("punch on a shift");
        let (plan, result, address, device) = match p.kind {
            PunchKind::In => (
                Some(def.start_on(d.date)),
                if matches!(d.event, Event::Late(_)) {
                    "迟到"
                } else {
                    "正常"
                },
                ADDRESS,
                if (p.person + d.date.day() as usize) % 5 == 0 {
                    "手机打卡"
                } else {
                    "考勤机"
                },
            ),
            // With leave covering the end of the shift, the off-duty check moves to the
            // leave's start (the afternoon off: 12:00).
            PunchKind::Out => (
                Some(match (&d.leave, d.event) {
                    (Some(l), Event::PartLeave) => l.from,
                    _ => def.end_on(d.date),
                }),
                if matches!(d.event, Event::Early(_)) {
                    "早退"
                } else {
                    "正常"
                },
                ADDRESS,
                "考勤机",
            ),
            PunchKind::Repeat | PunchKind::Extra => (None, "", ADDRESS, "考勤机"),
            PunchKind::Door => (None, "", DOOR, "门禁"),
        };
        list.push(Row {
            person: p.person,
            work_date: p.work_date,
            plan,
            at: Some(p.at),
            result,
            address,
            device,
        });
    }
    if layout == Layout::DingTalkRaw {
        for d in m.days.iter().filter(|d| m.in_month(d.date)) {
            let Some(def) = d.def() else { continue };
            let mut missed = Vec::new();
            if matches!(d.event, Event::MissingIn | Event::Absent) {
                missed.push(def.start_on(d.date));
            }
            if matches!(d.event, Event::MissingOut | Event::Absent) {
                missed.push(def.end_on(d.date));
            }
            for plan in missed {
                list.push(Row {
                    person: d.person,
                    work_date: d.date,
                    plan: Some(plan),
                    at: None,
                    result: "缺卡",
                    address: "",
                    device: "",
                });
            }
        }
    }
    list.sort_by_key(|r| (r.person, r.work_date, r.at.or(r.plan)));
    let (first, last) = m.bounds();
    let mut rows = title_rows(first, last, m.generated_at);
    for r in &list {
        let p = &m.people[r.person];
        let mut row = vec![V::Empty; HEADERS.len()];
        row[col("姓名")] = t(p.name.clone());
        row[col("考勤组")] = t(p.group);
        row[col("部门")] = t(p.department);
        if !p.blank_job_number {
            row[col("工号")] = t(p.id.clone());
        }
        row[col("职位")] = t(p.title);
        row[col("UserId")] = t(p.dingtalk.clone());
        row[col("考勤日期")] = t(work_date_text(r.work_date));
        row[col("考勤时间")] = match (r.plan, layout) {
            (None, _) => V::Empty,
            (Some(x), Layout::DingTalkRawSerial) => V::Date(serial_1900(x), "yyyy-mm-dd hh:mm"),
            (Some(x), Layout::DingTalkRaw1904) => {
                V::Date(serial_1900(x) - DAYS_1904, "yyyy-mm-dd hh:mm")
            }
            (Some(x), _) => t(x.format("%Y-%m-%d %H:%M").to_string()),
        };
        row[col("打卡时间")] = match (r.at, layout) {
            (None, _) => V::Empty,
            (Some(x), Layout::DingTalkRawSerial) => V::Date(serial_1900(x), "yyyy-mm-dd hh:mm:ss"),
            (Some(x), Layout::DingTalkRaw1904) => {
                V::Date(serial_1900(x) - DAYS_1904, "yyyy-mm-dd hh:mm:ss")
            }
            (Some(x), Layout::DingTalkRawHm) => {
                let prefix = match x.date().cmp(&r.work_date) {
                    std::cmp::Ordering::Less => "昨日 ",
                    std::cmp::Ordering::Equal => "",
                    std::cmp::Ordering::Greater => "次日 ",
                };
                t(format!("{prefix}{}", x.format("%H:%M")))
            }
            (Some(x), _) => t(x.format("%Y-%m-%d %H:%M:%S").to_string()),
        };
        if !r.result.is_empty() {
            row[col("打卡结果")] = t(r.result);
        }
        if !r.address.is_empty() {
            row[col("打卡地址")] = t(r.address);
        }
        if !r.device.is_empty() {
            row[col("打卡设备")] = t(r.device);
        }
        rows.push(row);
    }
    rows
}

/// The 原始记录 workbook of a layout.
#[must_use]
pub fn book(m: &Month, layout: Layout) -> Book {
    let rows = rows(m, layout);
    Book {
        sheets: vec![Sheet {
            name: SHEET.into(),
            rows,
            merges: vec![(0, 0, 0, 19), (1, 0, 1, 19)],
        }],
        date1904: layout == Layout::DingTalkRaw1904,
    }
}

/// Rows of [`dingtalk_raw_large`].
pub const LARGE_ROWS: usize = 20_000;
/// Of which door-access and extra punches without `考勤时间`.
pub const LARGE_UNMATCHED: usize = 18_313;

/// The people of [`dingtalk_raw_large`]: every demo employee, (id, name, UserId).
#[must_use]
pub fn large_people() -> Vec<(String, String, String)> {
    demo_staff()
        .into_iter()
        .enumerate()
        .map(|(k, (id, name))| {
            let user = format!("{:018}", 10_293_847_561_000_000u64 + (k as u64) * 7_919_113);
            // Every seventh id with a leading zero, as DingTalk gives some.
            let user = if k % 7 == 3 {
                format!("0{}", &user[1..])
            } else {
                user
            };
            (id, name, user)
        })
        .collect()
}

/// (person, work date, 考勤时间, 打卡时间, 打卡结果, 打卡设备) of [`dingtalk_raw_large`].
type LargeRow = (
    usize,
    NaiveDate,
    Option<NaiveDateTime>,
    NaiveDateTime,
    &'static str,
    &'static str,
);

/// A 20,000-row 原始记录 of a month (March 2026) for 53 people, 18,313 of its rows door-access
/// or extra punches without `考勤时间` (as in issue 22's real export), for a benchmark.
///
/// # Panics
/// Never.
#[must_use]
pub fn dingtalk_raw_large() -> Vec<u8> {
    let people = large_people();
    let mut rng = Rng::new(0x5EED_2000);
    let dates: Vec<NaiveDate> = (1..=31).map(super::march).collect();
    // Every shift of the month: the agents rotate, the others work 白班 on weekdays.
    let mut shifts: Vec<(usize, NaiveDate, &'static str)> = Vec::new();
    for (k, (id, _, _)) in people.iter().enumerate() {
        for (j, &d) in dates.iter().enumerate() {
            let code = if ["M", "C", "Q", "S"].iter().any(|p| id.starts_with(p)) {
                (d.weekday().number_from_monday() <= 5).then_some("D")
            } else {
                [
                    Some("A"),
                    Some("A"),
                    Some("P"),
                    Some("P"),
                    None,
                    Some("N"),
                    Some("N"),
                    None,
                ][(j + k) % 8]
            };
            if let Some(c) = code {
                shifts.push((k, d, c));
            }
        }
    }
    // Which shifts show their matched punches: a deterministic shuffle, 843 whole shifts and
    // one clock-in (1,687 matched rows).
    for i in (1..shifts.len()).rev() {
        let j = rng.range(0, i as i64) as usize;
        shifts.swap(i, j);
    }
    let matched = LARGE_ROWS - LARGE_UNMATCHED;
    let mut list: Vec<LargeRow> = Vec::new();
    for &(k, d, code) in &shifts {
        if list.len() >= matched {
            break;
        }
        let def = shift(code);
        let start = def.start_on(d);
        let end = def.end_on(d);
        let i = start - Duration::seconds(rng.range(60, 1500));
        list.push((k, d, Some(start), i, "正常", "考勤机"));
        if list.len() < matched {
            let o = end + Duration::seconds(rng.range(1, 900));
            list.push((k, d, Some(end), o, "正常", "考勤机"));
        }
    }
    while list.len() < LARGE_ROWS {
        let (k, d, code) = shifts[rng.range(0, shifts.len() as i64 - 1) as usize];
        let def = shift(code);
        let at =
            def.start_on(d) + Duration::seconds(rng.range(600, (def.end - def.start) * 60 - 600));
        list.push((k, at.date(), None, at, "", "门禁"));
    }
    list.sort_by_key(|r| (r.0, r.1, r.3));
    let generated = (super::march(31) + Duration::days(2))
        .and_hms_opt(9, 30, 0)
        .expect("time");
    let mut rows = title_rows(dates[0], dates[30], generated);
    for (k, work_date, plan, at, result, device) in list {
        let (id, name, user) = &people[k];
        let mut row = vec![V::Empty; HEADERS.len()];
        row[col("姓名")] = t(name.clone());
        row[col("考勤组")] = t("话务排班组");
        row[col("部门")] = t("话务部");
        row[col("工号")] = t(id.clone());
        row[col("职位")] = t("话务员");
        row[col("UserId")] = t(user.clone());
        row[col("考勤日期")] = t(work_date_text(work_date));
        if let Some(p) = plan {
            row[col("考勤时间")] = t(p.format("%Y-%m-%d %H:%M").to_string());
        }
        row[col("打卡时间")] = t(at.format("%Y-%m-%d %H:%M:%S").to_string());
        if !result.is_empty() {
            row[col("打卡结果")] = t(result);
        }
        row[col("打卡地址")] = t(if device == "门禁" { DOOR } else { ADDRESS });
        row[col("打卡设备")] = t(device);
        rows.push(row);
    }
    assert_eq!(rows.len(), 3 + LARGE_ROWS);
    super::xlsx(&Book {
        sheets: vec![Sheet {
            name: SHEET.into(),
            rows,
            merges: vec![(0, 0, 0, 19), (1, 0, 1, 19)],
        }],
        date1904: false,
    })
}
