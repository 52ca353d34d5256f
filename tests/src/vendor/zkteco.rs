//! 中控 ZKTeco 考勤记录 `.xls` (docs/attendance-formats.md §4).
//!
//! - One header row, data from row 2, no title rows (§4.1 #4.1).
//! - Columns `部门 姓名 登记号码 日期时间 机器号 编号 比对方式 卡号`; `考勤号码` instead of
//!   `登记号码` in the serial files (§4.1 #4.2, §4.2.2).
//! - `日期时间` as text `2026/3/1 7:56:12` (`yyyy/M/d H:mm:ss`, with seconds) in
//!   [`Layout::ZktecoText`] and the BIFF5 files, as an Excel date serial with a date-time format
//!   in [`Layout::ZktecoSerial`], and with the 1904 flag in [`Layout::ZktecoSerial1904`]
//!   (§4.1 #4.3, §4.2.3).
//! - PINs as numbers; A005's PIN is `00001234` in the staff list and `1234` in the file (§4.2.4,
//!   §5). No direction column (§4.1 #4.5). Every press is a row: the repeated press seconds
//!   after a clock-in, lunch punches on the machine (§4.2.5).
//! - The export covers whole days 2026/2/28 to 2026/4/1 (HR picks a day either side so that
//!   night shifts are complete; §4.1 #4.8 leaves month edges to the importer): it holds the 23:56
//!   clock-in of 02-28 for the night of 03-01, the 00:09 clock-out of 04-01 for the middle shift
//!   of 03-31, but also punches of shifts of February and April (the morning of 02-28, the night
//!   of 04-01 clocked in at 23:5x on 03-31, …) that are not March's.
//! - [`Layout::ZktecoText`] has one junk row with PIN 0 and no name (§4.1 #4.10, §4.2.5).
//! - BIFF5 with GBK strings: [`Layout::ZktecoBiff5Gbk`] with CODEPAGE 936,
//!   [`Layout::ZktecoBiff5NoCodepage`] without the record (§0.6, §4.1 #4.9, §4.2.1).
//!
//! Guesses: the sheet name `考勤记录`; `比对方式` as text (`指纹`, `面部`) in BIFF8 and as the
//! SDK code (`1`) in BIFF5 (§4.1 #4.6: not found which); `机器号` 1, `编号` and `卡号` empty.

use chrono::{NaiveDate, NaiveDateTime, Timelike as _};

use super::{serial_1900, t, xls, Layout, Month, PunchKind, Sheet, DAYS_1904, V};

/// The sheet.
pub const SHEET: &str = "考勤记录";

/// The header of a layout.
#[must_use]
pub fn headers(layout: Layout) -> [&'static str; 8] {
    let id = match layout {
        Layout::ZktecoSerial | Layout::ZktecoSerial1904 => "考勤号码",
        _ => "登记号码",
    };
    [
        "部门",
        "姓名",
        id,
        "日期时间",
        "机器号",
        "编号",
        "比对方式",
        "卡号",
    ]
}

/// `2026/3/1 7:56:12`.
#[must_use]
pub fn time_text(x: NaiveDateTime) -> String {
    format!(
        "{} {}:{:02}:{:02}",
        x.format("%Y/%-m/%-d"),
        x.hour(),
        x.minute(),
        x.second()
    )
}

/// The first and last day exported.
#[must_use]
pub fn export_days() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"),
        NaiveDate::from_ymd_opt(2026, 4, 1).expect("date"),
    )
}

/// The sheet of a layout (row 0 is the header).
#[must_use]
pub fn sheet(m: &Month, layout: Layout) -> Sheet {
    let (from, to) = export_days();
    let mut rows = vec![headers(layout).iter().map(|h| t(*h)).collect::<Vec<V>>()];
    let mut punches: Vec<_> = m
        .punches
        .iter()
        .filter(|p| {
            matches!(
                p.kind,
                PunchKind::In | PunchKind::Out | PunchKind::Repeat | PunchKind::Extra
            )
        })
        .filter(|p| (from..=to).contains(&p.at.date()))
        .collect();
    punches.sort_by_key(|p| (m.people[p.person].pin(), p.at));
    let biff5 = matches!(
        layout,
        Layout::ZktecoBiff5Gbk | Layout::ZktecoBiff5NoCodepage
    );
    let mut junk_done = layout != Layout::ZktecoText;
    for p in punches {
        let person = &m.people[p.person];
        if !junk_done && p.at.date() == super::march(15) {
            // A press the device could not match to anyone: PIN 0, no name.
            let at = super::at(super::march(15), 10 * 3600 + 22 * 60 + 31);
            rows.push(vec![
                V::Empty,
                V::Empty,
                V::Num(0.0),
                t(time_text(at)),
                V::Num(1.0),
                V::Empty,
                t("指纹"),
                V::Empty,
            ]);
            junk_done = true;
        }
        let when = match layout {
            Layout::ZktecoSerial => V::Date(serial_1900(p.at), "yyyy/m/d h:mm:ss"),
            Layout::ZktecoSerial1904 => V::Date(serial_1900(p.at) - DAYS_1904, "yyyy/m/d h:mm:ss"),
            _ => t(time_text(p.at)),
        };
        let verify = if biff5 {
            t("1")
        } else if person.id.starts_with('M') || person.id.starts_with('Q') {
            t("面部")
        } else {
            t("指纹")
        };
        rows.push(vec![
            t(person.department),
            t(person.name.clone()),
            V::Num(person.pin() as f64),
            when,
            V::Num(1.0),
            V::Empty,
            verify,
            V::Empty,
        ]);
    }
    Sheet {
        name: SHEET.into(),
        rows,
        merges: Vec::new(),
    }
}

/// The file of a ZKTeco layout.
///
/// # Panics
/// A layout that is not ZKTeco's.
#[must_use]
pub fn write(m: &Month, layout: Layout) -> Vec<u8> {
    let s = sheet(m, layout);
    match layout {
        Layout::ZktecoText => xls::biff8(
            &s,
            xls::Biff8 {
                sst: true,
                date1904: false,
            },
        ),
        Layout::ZktecoSerial => xls::biff8(
            &s,
            xls::Biff8 {
                sst: false,
                date1904: false,
            },
        ),
        Layout::ZktecoSerial1904 => xls::biff8(
            &s,
            xls::Biff8 {
                sst: false,
                date1904: true,
            },
        ),
        Layout::ZktecoBiff5Gbk => xls::biff5(&s, Some(936)),
        Layout::ZktecoBiff5NoCodepage => xls::biff5(&s, None),
        other => panic!("{other:?} is not a ZKTeco layout"),
    }
}
