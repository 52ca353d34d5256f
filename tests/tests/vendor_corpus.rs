//! The attendance importer against an independent corpus of vendor exports (issue 22, part 4):
//! `tests::vendor` writes a known month as DingTalk, WeCom and ZKTeco write it (from
//! docs/attendance-formats.md, not from the importer) and derives the records an importer
//! should produce. Every record is compared; broken files must be refused with the fault and
//! the place named.
//!
//! Many of these fail against an importer written from another reading of the formats: that
//! is their point. Run with `--nocapture` to see every mismatch.

use std::collections::BTreeMap;
use std::path::PathBuf;

use api::attendance::{AttendancePolicy, DayRecord};
use api::excel::attendance::{parse_named, ImportContext};
use api::excel::rows::{ClockIds, StaffEntry};
use api::excel::table::{read_all, Cell};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use tests::vendor::{self, broken, Expected, Layout, Month, V};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn site() -> scheduler::Site {
    api::reference::load_site(&root().join("data/demo")).expect("demo site")
}

fn policy() -> AttendancePolicy {
    AttendancePolicy::from_toml_str(include_str!("../../data/attendance/policy.toml"))
        .expect("policy")
}

/// The demo staff, with the month's people's ids in the attendance systems.
fn staff(m: &Month) -> Vec<StaffEntry> {
    site()
        .employees
        .iter()
        .map(|e| {
            let p = m.people.iter().find(|p| p.id == e.id);
            StaffEntry {
                id: e.id.clone(),
                name: e.name.clone(),
                clock_ids: p.map_or_else(ClockIds::default, |p| ClockIds {
                    dingtalk: Some(p.dingtalk.clone()),
                    wecom: Some(p.wecom.clone()),
                    zkteco: Some(p.zkteco.clone()),
                }),
            }
        })
        .collect()
}

fn roster(m: &Month) -> scheduler::Roster {
    scheduler::Roster {
        status: scheduler::SolveStatus::Unsolved,
        assignments: m
            .roster()
            .into_iter()
            .map(|(employee, date, shift)| scheduler::Assignment {
                employee,
                date,
                shift: shift.to_string(),
                role: scheduler::roles::AGENT.to_string(),
            })
            .collect(),
        standby: Vec::new(),
        shortfalls: Vec::new(),
        stats: scheduler::SolveStats::default(),
    }
}

fn ctx(m: &Month, with_roster: bool) -> ImportContext {
    let c = ImportContext::new(m.year, m.month, staff(m), &site().shifts, policy());
    if with_roster {
        c.with_roster(&roster(m))
    } else {
        c
    }
}

// ---------------------------------------------------------------------------------------
// The writers, read back with calamine (api::excel::table::read_all).

/// What `read_all` should make of a value.
fn as_cell(v: &V, date1904: bool, gbk_as_latin1: bool) -> Cell {
    match v {
        V::Empty => Cell::Empty,
        V::Text(s) if gbk_as_latin1 => Cell::Text(
            vendor::xls::gbk(s)
                .into_iter()
                .map(char::from)
                .collect::<String>()
                .trim()
                .to_string(),
        ),
        V::Text(s) => Cell::Text(s.trim().to_string()),
        V::Num(n) => Cell::Number(*n),
        V::Date(x, _) => Cell::Date(if date1904 { x + vendor::DAYS_1904 } else { *x }),
        V::Error(e) => Cell::Error((*e).to_string()),
    }
}

/// Every cell of `sheet` as read back, merged cells other than their first read as empty.
fn assert_reads_back(
    label: &str,
    table: &api::excel::table::Table,
    sheet: &vendor::Sheet,
    date1904: bool,
    latin1: bool,
) {
    let name = if latin1 {
        vendor::xls::gbk(&sheet.name)
            .into_iter()
            .map(char::from)
            .collect()
    } else {
        sheet.name.clone()
    };
    assert_eq!(table.sheet, name, "{label}");
    let read: BTreeMap<usize, &Vec<Cell>> = table.rows.iter().map(|(r, c)| (*r, c)).collect();
    let mut bad = Vec::new();
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let covered = sheet.merges.iter().any(|&(r0, c0, r1, c1)| {
                (r0 as usize..=r1 as usize).contains(&r)
                    && (c0 as usize..=c1 as usize).contains(&c)
                    && (r, c) != (r0 as usize, c0 as usize)
            });
            let want = if covered {
                Cell::Empty
            } else {
                as_cell(v, date1904, latin1)
            };
            let got = read
                .get(&(r + 1))
                .and_then(|cells| cells.get(c))
                .cloned()
                .unwrap_or(Cell::Empty);
            let same = match (&want, &got) {
                (Cell::Date(a), Cell::Date(b)) => (a - b).abs() < 1e-9,
                _ => want == got,
            };
            if !same {
                bad.push(format!(
                    "{}: wrote {want:?}, read {got:?}",
                    vendor::cell_ref(r, c)
                ));
            }
        }
    }
    let mut merged: Vec<_> = sheet
        .merges
        .iter()
        .map(|&(r0, c0, r1, c1)| {
            (
                r0 as usize + 1,
                c0 as usize + 1,
                r1 as usize + 1,
                c1 as usize + 1,
            )
        })
        .collect();
    let mut got_merged = table.merged.clone();
    merged.sort_unstable();
    got_merged.sort_unstable();
    if merged != got_merged {
        bad.push(format!(
            "merged ranges: wrote {merged:?}, read {got_merged:?}"
        ));
    }
    assert!(
        bad.is_empty(),
        "{label} sheet {}: {} cells differ:\n{}",
        sheet.name,
        bad.len(),
        bad[..bad.len().min(20)].join("\n")
    );
}

#[test]
fn writers_read_back_with_calamine() {
    let m = Month::march_2026();
    for layout in Layout::ALL {
        let bytes = m.write(layout);
        let tables = read_all(&bytes).unwrap_or_else(|e| panic!("{}: {e}", layout.label()));
        let (sheets, date1904, latin1) = match layout {
            Layout::DingTalkSummaryClassic | Layout::DingTalkSummaryNew => (
                vendor::dingtalk_summary::book(&m, layout).sheets,
                false,
                false,
            ),
            Layout::DingTalkRaw
            | Layout::DingTalkRawHm
            | Layout::DingTalkRawSerial
            | Layout::DingTalkRaw1904 => (
                vendor::dingtalk_raw::book(&m, layout).sheets,
                layout == Layout::DingTalkRaw1904,
                false,
            ),
            Layout::WeComDaily => (vendor::wecom_daily::book(&m).sheets, false, false),
            // The BIFF5 file without CODEPAGE reads as GBK too: the table reader notices the
            // Latin-1 reading and reads it again with code page 936.
            _ => (
                vec![vendor::zkteco::sheet(&m, layout)],
                layout == Layout::ZktecoSerial1904,
                false,
            ),
        };
        assert_eq!(tables.len(), sheets.len(), "{}", layout.label());
        for (table, sheet) in tables.iter().zip(&sheets) {
            assert_reads_back(layout.label(), table, sheet, date1904, latin1);
        }
    }
}

#[test]
fn writers_follow_the_spec_where_it_is_specific() {
    let m = Month::march_2026();
    let cells = |layout: Layout| read_all(&m.write(layout)).expect("readable");
    let text = |c: &Cell| match c {
        Cell::Text(t) => t.clone(),
        other => format!("{other:?}"),
    };
    // 月度汇总: title, 六/日 day labels, text totals, UserId with a leading 0, the leaver.
    let t = &cells(Layout::DingTalkSummaryClassic)[0];
    assert_eq!(t.sheet, "月度汇总");
    assert_eq!(
        text(&t.rows[0].1[0]),
        "月度汇总 统计日期：2026-03-01 至 2026-03-31"
    );
    let labels: Vec<String> = t.rows[3].1[19..28].iter().map(text).collect();
    assert_eq!(labels, ["日", "2", "3", "4", "5", "6", "六", "日", "9"]);
    let t001 = &t.rows[5].1;
    assert_eq!(text(&t001[0]), "赵晓东");
    assert_eq!(text(&t001[5]), "066937470829612195");
    assert!(
        matches!(t001[6], Cell::Text(_)),
        "出勤天数 as text: {:?}",
        t001[6]
    );
    assert!(t.rows.iter().any(|(_, r)| text(&r[0]) == "郑婷婷(已离职)"));
    assert!(t.merged.contains(&(3, 1, 4, 1)) && t.merged.contains(&(1, 1, 1, 50)));
    // 原始记录: the 23:56 clock-in of 02-28 counts for 03-01.
    let t = &cells(Layout::DingTalkRaw)[0];
    assert!(t.rows.iter().any(|(_, r)| text(&r[0]) == "冯文斌"
        && text(&r[6]) == "26-03-01 星期日"
        && text(&r[8]).starts_with("2026-02-28 23:56:")));
    assert!(t
        .rows
        .iter()
        .any(|(_, r)| text(&r[6]) == "26-03-31 星期二"
            && text(&r[8]).starts_with("2026-04-01 00:09:")));
    let door = t
        .rows
        .iter()
        .filter(|(_, r)| text(&r[15]) == "门禁" && r[7] == Cell::Empty)
        .count();
    assert!(door > 300, "{door} door punches");
    let t = &cells(Layout::DingTalkRawHm)[0];
    assert!(t
        .rows
        .iter()
        .any(|(_, r)| text(&r[8]).starts_with("昨日 23:56")));
    assert!(t.rows.iter().any(|(_, r)| text(&r[8]) == "次日 00:09"));
}

#[test]
fn the_1904_files_hold_1904_serials() {
    use calamine::{Data, Reader as _};
    let m = Month::march_2026();
    let bytes = m.write(Layout::DingTalkRaw1904);
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).expect("xlsx");
    let range = wb.worksheet_range("原始记录").expect("sheet");
    let serial = range
        .rows()
        .skip(3)
        .find_map(|r| match &r[8] {
            Data::DateTime(d) => Some(d.as_f64()),
            _ => None,
        })
        .expect("a date cell");
    // The first punch is in late February or March 2026: 1900 serials 46000…46100, 1904
    // serials 1,462 less.
    assert!(
        (44_500.0..44_700.0).contains(&serial),
        "raw serial {serial}"
    );
    let first = vendor::serial_1900(
        m.punches
            .iter()
            .find(|p| m.in_month(p.work_date))
            .expect("punch")
            .at,
    );
    assert!(
        (serial + vendor::DAYS_1904 - first).abs() < 1e-6,
        "{serial} vs {first}"
    );
    // Read through the importer's table reader, they come back as 1900 serials.
    let t = &read_all(&bytes).expect("read")[0];
    assert_eq!(t.rows[3].1[8], Cell::Date(first));
    // The ZKTeco file with DATEMODE 1 likewise.
    let bytes = m.write(Layout::ZktecoSerial1904);
    let mut wb = calamine::Xls::new(std::io::Cursor::new(bytes)).expect("xls");
    let range = wb.worksheet_range("考勤记录").expect("sheet");
    let Data::DateTime(d) = &range.rows().nth(1).expect("row")[3] else {
        panic!("not a date: {:?}", range.rows().nth(1));
    };
    assert!((44_500.0..44_700.0).contains(&d.as_f64()), "{}", d.as_f64());
}

#[test]
fn the_biff5_files_are_gbk() {
    let m = Month::march_2026();
    let t = &read_all(&m.write(Layout::ZktecoBiff5Gbk)).expect("read")[0];
    assert_eq!(t.sheet, "考勤记录");
    assert_eq!(t.rows[0].1[1], Cell::Text("姓名".into()));
    assert!(t
        .rows
        .iter()
        .any(|(_, r)| r[1] == Cell::Text("赵晓东".into())));
    // Without the CODEPAGE record calamine reads the bytes as Latin-1 (the failure of §0.6)…
    use calamine::{Data, Reader as _};
    let bytes = m.write(Layout::ZktecoBiff5NoCodepage);
    let mut wb = calamine::Xls::new(std::io::Cursor::new(bytes.clone())).expect("xls");
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).expect("sheet");
    assert_eq!(range.get((0, 1)), Some(&Data::String("ÐÕÃû".into())));
    // … and the importer's table reader reads it again as GBK.
    let t = &read_all(&bytes).expect("read")[0];
    assert_eq!(t.sheet, "考勤记录");
    assert_eq!(t.rows[0].1[1], Cell::Text("姓名".into()));
}

// ---------------------------------------------------------------------------------------
// The importer against the expected records.

fn leave_code(r: &DayRecord) -> Option<(String, Decimal)> {
    let kind = r.leave?;
    let code = serde_json::to_value(kind)
        .ok()?
        .as_str()
        .map(str::to_string)
        .unwrap_or_default();
    Some((code, r.leave_hours.unwrap_or_default().normalize()))
}

fn status(r: &DayRecord) -> &'static str {
    if r.leave.is_some() {
        return "leave";
    }
    match &r.reported {
        Some(rep) => {
            if rep.rest {
                "rest"
            } else if rep.absent {
                "absent"
            } else if rep.missing_in {
                "missing_in"
            } else if rep.missing_out {
                "missing_out"
            } else if rep.late_minutes.unwrap_or(0) > 0 {
                "late"
            } else if rep.early_minutes.unwrap_or(0) > 0 {
                "early"
            } else if rep.present {
                "normal"
            } else {
                "(reported nothing)"
            }
        }
        None => match (r.clock_in, r.clock_out) {
            (None, None) if r.shift.is_none() => "rest",
            (None, None) => "absent",
            (None, Some(_)) => "missing_in",
            (Some(_), None) => "missing_out",
            (Some(_), Some(_)) => "normal",
        },
    }
}

/// Every difference between the expected and the found records.
fn diff(layout: Layout, expected: &[Expected], found: &[DayRecord]) -> Vec<String> {
    let carried = layout.carried();
    let mut by_key: BTreeMap<(String, NaiveDate), Vec<&DayRecord>> = BTreeMap::new();
    for r in found {
        by_key
            .entry((r.employee.clone(), r.date))
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    for e in expected {
        let Some(rs) = by_key.remove(&(e.employee.clone(), e.date)) else {
            out.push(format!(
                "{} {}: missing record (expected {} {:?} {:?}-{:?})",
                e.employee, e.date, e.status, e.shift, e.clock_in, e.clock_out
            ));
            continue;
        };
        if rs.len() > 1 {
            out.push(format!("{} {}: {} records", e.employee, e.date, rs.len()));
        }
        let r = rs[0];
        let mut field = |name: &str, want: String, got: String| {
            if want != got {
                out.push(format!(
                    "{} {} {name}: expected {want}, found {got}",
                    e.employee, e.date
                ));
            }
        };
        if carried.status {
            field("status", e.status.into(), status(r).into());
        }
        if carried.shift {
            field("shift", format!("{:?}", e.shift), format!("{:?}", r.shift));
        }
        if carried.clocks {
            field(
                "clock_in",
                format!("{:?}", e.clock_in),
                format!("{:?}", r.clock_in),
            );
            field(
                "clock_out",
                format!("{:?}", e.clock_out),
                format!("{:?}", r.clock_out),
            );
        }
        if carried.minutes {
            let rep = r.reported.clone().unwrap_or_default();
            field(
                "late_minutes",
                e.late_minutes.to_string(),
                rep.late_minutes.unwrap_or(0).to_string(),
            );
            field(
                "early_minutes",
                e.early_minutes.to_string(),
                rep.early_minutes.unwrap_or(0).to_string(),
            );
        }
        if carried.leave {
            let want = e.leave.clone().map(|(k, h)| (k, h.normalize()));
            field("leave", format!("{want:?}"), format!("{:?}", leave_code(r)));
        }
    }
    for ((emp, date), rs) in by_key {
        for r in rs {
            out.push(format!(
                "{emp} {date}: unexpected record (status {}, shift {:?}, {:?}-{:?}, row {})",
                status(r),
                r.shift,
                r.clock_in,
                r.clock_out,
                r.row
            ));
        }
    }
    out
}

fn check_layout(layout: Layout) {
    let m = Month::march_2026();
    let bytes = m.write(layout);
    let zk = matches!(
        layout,
        Layout::ZktecoText
            | Layout::ZktecoSerial
            | Layout::ZktecoSerial1904
            | Layout::ZktecoBiff5Gbk
            | Layout::ZktecoBiff5NoCodepage
    );
    let parsed = match parse_named(&bytes, layout.file_name(), &ctx(&m, zk)) {
        Ok(p) => p,
        Err(e) => panic!(
            "{} ({}): refused, {} problem(s), first: {}",
            layout.label(),
            layout.file_name(),
            e.0.len(),
            e.0.iter()
                .take(5)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n  ")
        ),
    };
    let expected = m.expected(layout);
    let d = diff(layout, &expected, &parsed.records);
    for line in &d {
        eprintln!("{}: {line}", layout.label());
    }
    assert!(
        d.is_empty(),
        "{} (read as {:?}): {} of {} expected records; {} differences, the first:\n  {}",
        layout.label(),
        parsed.source,
        parsed.records.len(),
        expected.len(),
        d.len(),
        d.iter().take(25).cloned().collect::<Vec<_>>().join("\n  ")
    );
}

macro_rules! layout_tests {
    ($($name:ident => $layout:ident,)*) => {$(
        #[test]
        fn $name() {
            check_layout(Layout::$layout);
        }
    )*};
}

layout_tests! {
    import_dingtalk_summary_classic => DingTalkSummaryClassic,
    import_dingtalk_summary_new => DingTalkSummaryNew,
    import_dingtalk_raw => DingTalkRaw,
    import_dingtalk_raw_hm => DingTalkRawHm,
    import_dingtalk_raw_serial => DingTalkRawSerial,
    import_dingtalk_raw_1904 => DingTalkRaw1904,
    import_wecom_daily => WeComDaily,
    import_zkteco_text => ZktecoText,
    import_zkteco_serial => ZktecoSerial,
    import_zkteco_serial_1904 => ZktecoSerial1904,
    import_zkteco_biff5_gbk => ZktecoBiff5Gbk,
    import_zkteco_biff5_no_codepage => ZktecoBiff5NoCodepage,
}

// ---------------------------------------------------------------------------------------
// Broken files.

fn check_broken(key: &str) {
    let m = Month::march_2026();
    let all = broken::all(&m);
    assert!(all.len() >= 25);
    let b = all
        .iter()
        .find(|b| b.key == key)
        .unwrap_or_else(|| panic!("no broken file {key}"));
    let e = match parse_named(&b.bytes, &b.name, &ctx(&m, true)) {
        Ok(p) => panic!(
            "{key} ({}): accepted ({} records from {:?}), should be refused: {}",
            b.name,
            p.records.len(),
            p.source,
            b.what
        ),
        Err(e) => e,
    };
    let wrong = |p: &api::excel::table::ImportProblem| -> Vec<String> {
        let msg = p.to_string();
        let mut wrong = Vec::new();
        if !msg.contains(b.fault) {
            wrong.push(format!("the message lacks {:?}", b.fault));
        }
        if let Some(s) = &b.place.sheet {
            if p.sheet != *s {
                wrong.push(format!("sheet {:?}, expected {s:?}", p.sheet));
            }
        }
        if !b.place.rows.is_empty() && !p.row.is_some_and(|r| b.place.rows.contains(&r)) {
            wrong.push(format!(
                "row {:?}, expected one of {:?}",
                p.row, b.place.rows
            ));
        }
        if !b.place.columns.is_empty() {
            let ok = p.column.as_ref().is_some_and(|c| {
                b.place.columns.iter().any(|(letter, header)| {
                    c == letter
                        || c.starts_with(&format!("{letter} "))
                        || c.contains(header.as_str())
                })
            });
            if !ok {
                wrong.push(format!(
                    "column {:?}, expected one of {:?}",
                    p.column, b.place.columns
                ));
            }
        }
        wrong
    };
    for p in &e.0 {
        chinese_problem(key, p);
    }
    let first = wrong(&e.0[0]);
    if !first.is_empty() {
        let later = e.0.iter().position(|p| wrong(p).is_empty()).map_or_else(
            || format!("none of the {} problems matches", e.0.len()),
            |k| format!("problem #{} of {} would: {}", k + 1, e.0.len(), e.0[k]),
        );
        panic!(
            "{key} ({}: {}): {}\n  first problem: {}\n  {later}",
            b.name,
            b.what,
            first.join("; "),
            e.0[0]
        );
    }
}

/// Words of 3 or more ASCII letters outside quoted cell contents (“…”, "…") that are not
/// names of formats, units or vendors a Chinese user sees as they are.
fn english_words(text: &str) -> Vec<String> {
    const KEPT: &[&str] = &[
        "Excel", "CSV", "xlsx", "xls", "xlsb", "ods", "UTF", "UserId", "ZKTeco", "XML", "zip",
        "yes", "true", "false", "MOD", "YYYYMMDD", "PIN",
    ];
    let mut out = Vec::new();
    let mut quoted = false;
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        match c {
            '“' => quoted = true,
            '”' => quoted = false,
            '"' => quoted = !quoted,
            _ => {}
        }
        if c.is_ascii_alphabetic() && !quoted {
            word.push(c);
        } else {
            if word.len() >= 3 && !KEPT.contains(&word.as_str()) {
                out.push(word.clone());
            }
            word.clear();
        }
    }
    out
}

/// A problem says what was expected and what was found in Chinese too, and the Chinese line
/// places it by 工作表 / 行 / 列.
fn chinese_problem(key: &str, p: &api::excel::table::ImportProblem) {
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    assert!(
        cjk(&p.expected_zh),
        "{key}: no Chinese for what was expected: {p}"
    );
    let words = english_words(&p.expected_zh);
    assert!(
        words.is_empty(),
        "{key}: English words {words:?} in the Chinese text {:?}",
        p.expected_zh
    );
    assert!(
        !p.found_zh.is_empty(),
        "{key}: nothing found in Chinese: {p}"
    );
    let line = p.line_in("zh");
    assert!(
        line.starts_with(&format!("工作表 {}", p.sheet)) && line.contains("：应为"),
        "{key}: {line}"
    );
    assert_eq!(p.line_in("en"), p.to_string());
}

macro_rules! broken_tests {
    ($($name:ident,)*) => {
        mod broken_files {
            $(
                #[test]
                fn $name() {
                    super::check_broken(stringify!($name));
                }
            )*

            #[test]
            fn every_broken_file_has_a_test() {
                let keys = [$(stringify!($name)),*];
                let m = tests::vendor::Month::march_2026();
                let all = tests::vendor::broken::all(&m);
                assert!(all.len() >= 25, "{} broken files", all.len());
                for b in &all {
                    assert!(keys.contains(&b.key), "no test for {}", b.key);
                }
            }
        }
    };
}

broken_tests! {
    text_named_xlsx,
    empty_file,
    truncated_xlsx,
    encrypted_xlsx,
    truncated_xls,
    summary_ref_error,
    summary_text_in_number,
    summary_negative_leave,
    summary_totals_disagree,
    summary_merged_days,
    summary_unknown_person,
    summary_duplicate_person,
    summary_unknown_day_result,
    summary_unknown_leave_type,
    summary_other_month,
    raw_date_outside_month,
    raw_impossible_date,
    raw_clock_in_after_out,
    raw_time_25_61,
    raw_1904_serials_in_1900_book,
    raw_header_row_missing,
    raw_csv_wrong_column_count,
    wecom_overlapping_shifts,
    wecom_text_in_number,
    wecom_second_header_missing,
    zkteco_no_pin_column,
    zkteco_pin_column_renamed,
    zkteco_non_numeric_pin,
    zkteco_unknown_pin,
}

// ---------------------------------------------------------------------------------------
// The large export (for the benchmark).

#[test]
fn large_dingtalk_raw_export() {
    let bytes = vendor::dingtalk_raw::dingtalk_raw_large();
    let t = &read_all(&bytes).expect("read")[0];
    assert_eq!(t.rows.len(), 3 + vendor::dingtalk_raw::LARGE_ROWS);
    let no_plan = t
        .rows
        .iter()
        .skip(3)
        .filter(|(_, r)| r[7] == Cell::Empty)
        .count();
    assert_eq!(no_plan, vendor::dingtalk_raw::LARGE_UNMATCHED);
    let people = vendor::dingtalk_raw::large_people();
    assert_eq!(people.len(), 53);
    let staff: Vec<StaffEntry> = people
        .iter()
        .map(|(id, name, user)| StaffEntry {
            id: id.clone(),
            name: name.clone(),
            clock_ids: ClockIds {
                dingtalk: Some(user.clone()),
                ..ClockIds::default()
            },
        })
        .collect();
    let ctx = ImportContext::new(2026, 3, staff, &site().shifts, policy());
    let started = std::time::Instant::now();
    let parsed = parse_named(
        &bytes,
        "儋州12345分平台_原始记录_20260301-20260331.xlsx",
        &ctx,
    );
    eprintln!("20,000-row 原始记录 parsed in {:?}", started.elapsed());
    let parsed = parsed.unwrap_or_else(|e| {
        panic!(
            "refused: {}",
            e.0.iter()
                .take(3)
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    eprintln!(
        "{} punch rows read, {} merged, {} records, {} ignored",
        parsed.punches,
        parsed.merged,
        parsed.records.len(),
        parsed.ignored.len()
    );
    assert!(!parsed.records.is_empty());
}

// ---------------------------------------------------------------------------------------
// Reconciliation after a WeCom import: leave is leave.

/// The demo site's March 2026 with the corpus month's roster.
fn roster_doc(m: &Month) -> scheduler::RosterFile {
    let cal = api::reference::load_calendar(&root().join("data")).expect("calendar");
    let problem = scheduler::Problem::new(&site(), &cal, 2026, 3, vec![], vec![]).expect("problem");
    scheduler::RosterFile {
        problem,
        roster: roster(m),
    }
}

#[test]
fn reconciliation_after_a_wecom_import_counts_leave_as_leave() {
    let m = Month::march_2026();
    let parsed = parse_named(
        &m.write(Layout::WeComDaily),
        Layout::WeComDaily.file_name(),
        &ctx(&m, true),
    )
    .expect("the WeCom 日报 imports");
    let rec = api::attendance::reconcile(
        &roster_doc(&m),
        &parsed.records,
        &policy(),
        Decimal::from(85),
    );
    let person = |id: &str| {
        rec.people
            .iter()
            .find(|p| p.employee == id)
            .unwrap_or_else(|| panic!("{id} in the reconciliation"))
    };
    let absent_on = |id: &str| -> Vec<NaiveDate> {
        rec.differences
            .iter()
            .filter(|d| {
                d.employee == id && d.kind == api::attendance::DifferenceKind::RosteredAbsent
            })
            .map(|d| d.date)
            .collect()
    };
    // By hand from the month (tests/src/vendor/mod.rs `build`): A001 a whole day of sick leave
    // on its P shift from the 16th, T002 a whole day of annual leave on its A shift from the
    // 18th, A007 the afternoon (4 of 8 hours) of personal leave on its A shift from the 10th,
    // having worked the morning. Whole days count 1, the half day 4/8 = 0.5; none is 旷工.
    let a001 = person("A001");
    assert_eq!(a001.leave.sick, Decimal::ONE, "A001 sick days");
    assert_eq!(a001.absence_days, 0, "A001: {:?}", absent_on("A001"));
    let t002 = person("T002");
    assert_eq!(t002.leave.annual, Decimal::ONE, "T002 annual days");
    assert_eq!(t002.absence_days, 0, "T002: {:?}", absent_on("T002"));
    let a007 = person("A007");
    assert_eq!(
        a007.leave.personal,
        Decimal::new(5, 1),
        "A007 personal days"
    );
    assert_eq!(a007.absence_days, 0, "A007: {:?}", absent_on("A007"));
    assert_eq!(
        a007.early_leave, 0,
        "the afternoon off is not an early leave"
    );
    // The one day of 旷工 in the month: C001's rostered 白班 from the 17th.
    let c001 = person("C001");
    assert_eq!(c001.absence_days, 1);
    assert_eq!(absent_on("C001"), vec![vendor::march(17)]);
    for id in [
        "M001", "T001", "T002", "A001", "A002", "A003", "A005", "A006", "A007", "Q001",
    ] {
        assert_eq!(person(id).absence_days, 0, "{id}: {:?}", absent_on(id));
    }
}

// ---------------------------------------------------------------------------------------
// Through the binary and the store: a broken file changes nothing stored.

#[path = "common/mod.rs"]
mod common;

/// A month imported from a good WeCom 日报; then every broken file of the corpus is refused
/// by `workforce attendance import` (exit 2, the fault in its output) and the stored records
/// are counted before and after each: unchanged.
#[test]
fn broken_files_change_nothing_stored() {
    let m = Month::march_2026();
    let dir = std::env::temp_dir().join(format!("hw-vendor-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("files")).expect("dir");
    let db = format!("sqlite://{}", dir.join("w.db").display());
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join("files").join(name);
        std::fs::write(&path, bytes).expect("write");
        path.display().to_string()
    };
    let import = |path: &str| {
        common::run(&[
            "attendance",
            "import",
            path,
            "--month",
            "2026-03",
            "--db",
            &db,
        ])
    };
    let good = write(Layout::WeComDaily.file_name(), &m.write(Layout::WeComDaily));
    let (code, out) = import(&good);
    assert_eq!(code, 0, "{out}");
    let stored = common::stored_attendance(&db, "2026-03");
    // Every day of the month of the eleven people employed all month, and A004's 20 days.
    assert_eq!(stored, 11 * 31 + 20, "{out}");
    let all = broken::all(&m);
    assert!(all.len() >= 25, "{} broken files", all.len());
    for (k, b) in all.iter().enumerate() {
        let path = write(&format!("{k:02}-{}", b.name), &b.bytes);
        let (code, out) = import(&path);
        assert_eq!(code, 2, "{} ({}): {out}", b.key, b.what);
        assert!(
            out.contains(b.fault),
            "{}: {:?} not in\n{out}",
            b.key,
            b.fault
        );
        assert_eq!(
            common::stored_attendance(&db, "2026-03"),
            stored,
            "{} changed the stored records",
            b.key
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// ZKTeco punches carry no direction; without a published roster they are paired by the
/// shifts' clocks alone. Every shift with both punches must come out as in the month (shift,
/// clock-in and clock-out to the second: lunch presses kept inside, 早班/白班 told apart by
/// the pair, the month's edges paired and dropped). A lone punch at a boundary (16:11 is an
/// early shift's clock-out or a middle shift's late clock-in) cannot be told without the
/// roster: for those only the date and the punch are checked.
#[test]
fn import_zkteco_without_a_roster() {
    let m = Month::march_2026();
    let layout = Layout::ZktecoText;
    let parsed = parse_named(&m.write(layout), layout.file_name(), &ctx(&m, false))
        .unwrap_or_else(|e| panic!("refused: {e}"));
    let found: BTreeMap<(String, NaiveDate), &DayRecord> = parsed
        .records
        .iter()
        .map(|r| ((r.employee.clone(), r.date), r))
        .collect();
    assert_eq!(
        found.len(),
        parsed.records.len(),
        "one record per person and date"
    );
    let expected = m.expected(layout);
    let mut bad = Vec::new();
    for e in &expected {
        let Some(r) = found.get(&(e.employee.clone(), e.date)) else {
            bad.push(format!("{} {}: missing", e.employee, e.date));
            continue;
        };
        if e.clock_in.is_some() && e.clock_out.is_some() {
            if (r.shift.clone(), r.clock_in, r.clock_out)
                != (e.shift.clone(), e.clock_in, e.clock_out)
            {
                bad.push(format!(
                    "{} {}: expected {:?} {:?}-{:?}, found {:?} {:?}-{:?}",
                    e.employee,
                    e.date,
                    e.shift,
                    e.clock_in,
                    e.clock_out,
                    r.shift,
                    r.clock_in,
                    r.clock_out
                ));
            }
        } else {
            let punch = e.clock_in.or(e.clock_out);
            if r.clock_in.or(r.clock_out) != punch {
                bad.push(format!(
                    "{} {}: the lone punch {punch:?} not found: {r:?}",
                    e.employee, e.date
                ));
            }
        }
    }
    assert_eq!(parsed.records.len(), expected.len(), "records: {bad:?}");
    assert!(
        bad.is_empty(),
        "{} differences:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
