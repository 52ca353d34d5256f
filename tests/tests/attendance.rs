//! Attendance import, storage and reconciliation: the fixture workbooks made by
//! `tests/fixtures/attendance/make_fixtures.py` (every supported format, and a corpus of
//! broken files each broken one way), the replace-the-month storage rule, and a hand-worked
//! reconciliation of attendance against a roster.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use api::attendance::{reconcile, DayRecord, DifferenceKind, Source};
use api::excel::attendance::{parse, ImportContext, Parsed};
use api::excel::table::Cell;
use api::reference::load_attendance_policy as load_policy;
use chrono::{NaiveDate, NaiveDateTime};
use common::{root, run, solve_demo_roster, stored_attendance};
use scheduler::{Assignment, LeaveKind, Roster, RosterFile, SolveStatus};

fn ctx() -> ImportContext {
    ImportContext::of_site(
        2026,
        3,
        &api::reference::load_site(&root().join("data/demo")).unwrap(),
        load_policy(&root().join("data")).unwrap(),
    )
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/attendance").join(name)
}

fn read(name: &str) -> Parsed {
    let bytes = std::fs::read(fixture(name)).unwrap();
    parse(&bytes, &ctx()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn by_key(p: &Parsed) -> BTreeMap<(String, NaiveDate), DayRecord> {
    p.records
        .iter()
        .map(|r| ((r.employee.clone(), r.date), r.clone()))
        .collect()
}

fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().unwrap()
}

#[test]
fn our_template_with_excel_and_text_dates_night_shift_leave_and_inferred_shift() {
    let p = read("good/template-2026-03.xlsx");
    assert_eq!(p.source, Source::Template);
    assert_eq!(p.sheet, "考勤");
    // Seven rows, one left blank (pre-filled id, name and date only): six records.
    assert_eq!(p.records.len(), 6);
    let r = by_key(&p);
    let t001 = &r[&("T001".into(), d("2026-03-02"))];
    assert_eq!(t001.shift.as_deref(), Some("A"));
    assert_eq!(t001.clock_in, Some(t("2026-03-02 07:55")));
    assert_eq!(t001.clock_out, Some(t("2026-03-02 16:05")));
    assert_eq!(t001.row, 3, "title row 1, headers row 2, data from row 3");
    // Night shift N (00:00-08:00) of 03-03: in at 23:52 the evening before; the out time
    // "08:03" is earlier than the in time, so it falls on the next day.
    let n = &r[&("A005".into(), d("2026-03-03"))];
    assert_eq!(n.shift.as_deref(), Some("N"));
    assert_eq!(n.clock_in, Some(t("2026-03-02 23:52")));
    assert_eq!(n.clock_out, Some(t("2026-03-03 08:03")));
    // 26-03-03 星期二 as text; sick leave 8 h.
    let sick = &r[&("A006".into(), d("2026-03-03"))];
    assert_eq!(sick.leave, Some(LeaveKind::Sick));
    assert_eq!(sick.leave_hours, Some(dec("8")));
    assert!(!sick.worked());
    // 休: a day off.
    let rest = &r[&("A007".into(), d("2026-03-04"))];
    assert!(rest.reported.as_ref().unwrap().rest);
    // Late A plus 4 h personal leave.
    let late = &r[&("A008".into(), d("2026-03-05"))];
    assert_eq!(late.clock_in, Some(t("2026-03-05 08:12")));
    assert_eq!(late.leave, Some(LeaveKind::Personal));
    assert_eq!(late.leave_hours, Some(dec("4")));
    assert_eq!(late.note, "下午事假");
    // No shift given: 15:50-00:02 fits P (16:00-24:00) best; inferred, out on the next day.
    let p_shift = &r[&("A009".into(), d("2026-03-06"))];
    assert_eq!(p_shift.shift.as_deref(), Some("P"));
    assert!(p_shift.shift_inferred);
    assert_eq!(p_shift.clock_out, Some(t("2026-03-07 00:02")));
    assert!(!r.contains_key(&("A001".into(), d("2026-03-07"))));
}

#[test]
fn template_as_csv() {
    let p = read("good/template-2026-03.csv");
    assert_eq!(p.source, Source::Template);
    let r = by_key(&p);
    assert_eq!(
        r[&("T002".into(), d("2026-03-09"))].clock_out,
        Some(t("2026-03-10 00:05"))
    );
    assert_eq!(
        r[&("T002".into(), d("2026-03-10"))].clock_in,
        Some(t("2026-03-10 16:01")),
        "2026/3/10 as a date"
    );
}

#[test]
fn dingtalk_monthly_summary_with_title_rows_and_merged_headers() {
    let p = read("good/dingtalk-summary-2026-03.xlsx");
    assert_eq!(p.source, Source::DingTalkSummary);
    // T001 has 8 day results, T002 3; the sub-header row 4 is not a person.
    assert_eq!(p.records.len(), 11);
    let r = by_key(&p);
    let rep = |id: &str, day: &str| r[&(id.to_string(), d(day))].reported.clone().unwrap();
    assert!(rep("T001", "2026-03-01").rest);
    assert!(rep("T001", "2026-03-02").present);
    assert_eq!(rep("T001", "2026-03-03").late_minutes, Some(8));
    assert_eq!(rep("T001", "2026-03-04").early_minutes, Some(5));
    let half = &r[&("T001".into(), d("2026-03-05"))];
    assert_eq!(half.leave, Some(LeaveKind::Personal));
    assert_eq!(half.leave_hours, Some(dec("4")));
    assert!(half.worked());
    assert!(rep("T001", "2026-03-06").missing_in);
    assert!(rep("T001", "2026-03-07").absent);
    let annual = &r[&("T001".into(), d("2026-03-08"))];
    assert_eq!(annual.leave, Some(LeaveKind::Annual));
    assert_eq!(annual.leave_hours, Some(dec("8")), "年假1天 = 8 h");
    assert_eq!(rep("T002", "2026-03-02").late_minutes, Some(45));
    assert_eq!(r[&("T002".into(), d("2026-03-02"))].row, 6);
}

#[test]
fn dingtalk_punches_merged_paired_and_attributed_to_the_start_date() {
    let p = read("good/dingtalk-punches-2026-03.xlsx");
    assert_eq!(p.source, Source::DingTalkPunches);
    assert_eq!(p.punches, 7);
    assert_eq!(p.merged, 1, "07:58 repeats 07:56 within 5 minutes");
    let r = by_key(&p);
    let a = &r[&("A001".into(), d("2026-03-02"))];
    assert_eq!(
        (a.shift.as_deref(), a.clock_in, a.clock_out),
        (
            Some("A"),
            Some(t("2026-03-02 07:56")),
            Some(t("2026-03-02 16:04"))
        )
    );
    let n = &r[&("A002".into(), d("2026-03-03"))];
    assert_eq!(n.shift.as_deref(), Some("N"));
    assert_eq!(n.clock_in, Some(t("2026-03-02 23:50")));
    let lone = &r[&("A003".into(), d("2026-03-04"))];
    assert_eq!(lone.clock_in, Some(t("2026-03-04 15:57")));
    assert_eq!(lone.clock_out, None);
    // 00:04 on 03-01 ends the P shift of 02-28: not March's.
    assert_eq!(p.records.len(), 3);
    assert_eq!(p.ignored.len(), 1);
    assert!(p.ignored[0].en.contains("2026-02-28"), "{:?}", p.ignored);
    assert!(
        p.ignored[0].zh.contains("2026-02-28") && p.ignored[0].zh.contains("不在本月"),
        "{:?}",
        p.ignored
    );
}

#[test]
fn wecom_punch_details_with_types_and_missed_punches() {
    let p = read("good/wecom-punches-2026-03.xlsx");
    assert_eq!(p.source, Source::WeComPunches);
    // 账号 is not our id: people are found by name (胡俊杰 = A003, 郑婷婷 = A004).
    let r = by_key(&p);
    let a = &r[&("A003".into(), d("2026-03-09"))];
    assert_eq!(a.clock_in, Some(t("2026-03-09 07:49")));
    assert_eq!(a.clock_out, Some(t("2026-03-09 16:10")));
    let missed = &r[&("A003".into(), d("2026-03-10"))];
    assert_eq!(missed.clock_in, Some(t("2026-03-10 08:20")));
    assert_eq!(missed.clock_out, None, "未打卡 is no punch");
    let p_shift = &r[&("A004".into(), d("2026-03-11"))];
    assert_eq!(p_shift.shift.as_deref(), Some("P"));
    assert_eq!(p_shift.clock_out, Some(t("2026-03-12 00:04")));
    assert_eq!(p.records.len(), 3);
}

#[test]
fn zkteco_legacy_xls_with_chinese_text() {
    let p = read("good/zkteco-2026-03.xls");
    assert_eq!(p.source, Source::ZktecoPunches);
    assert_eq!(p.sheet, "考勤记录");
    assert_eq!(p.merged, 1, "08:27:40 repeats 08:27:10");
    let r = by_key(&p);
    let dshift = &r[&("A009".into(), d("2026-03-16"))];
    assert_eq!(dshift.name, "郑明亮");
    assert_eq!(
        dshift.shift.as_deref(),
        Some("D"),
        "08:27-17:36 fits D 08:30-17:30"
    );
    assert_eq!(
        r[&("A006".into(), d("2026-03-16"))].shift.as_deref(),
        Some("A")
    );
}

#[test]
fn wecom_daily_detail_with_two_header_rows_and_next_day_times() {
    let p = read("good/wecom-daily-2026-03.xlsx");
    assert_eq!(p.source, Source::WeComDaily);
    assert_eq!(p.punches, 3, "未打卡 is no punch");
    let r = by_key(&p);
    // 基础信息/工号 = A009; 15:52 and 次日 00:03: the P shift (16:00-24:00) of 03-17.
    let a = &r[&("A009".into(), d("2026-03-17"))];
    assert_eq!(a.shift.as_deref(), Some("P"));
    assert_eq!(a.clock_in, Some(t("2026-03-17 15:52")));
    assert_eq!(a.clock_out, Some(t("2026-03-18 00:03")));
    let b = &r[&("A009".into(), d("2026-03-18"))];
    assert_eq!(b.clock_in, Some(t("2026-03-18 16:09")));
    assert_eq!(b.clock_out, None);
}

/// Every broken file yields its named, located problem (and, through `parse` returning an
/// error, nothing to store).
#[test]
fn broken_corpus_each_file_names_its_problem() {
    let cases: &[(&str, &[&str])] = &[
        (
            "01-not-a-workbook.xlsx",
            &["neither a workbook nor UTF-8 text"],
        ),
        ("02-truncated.xlsx", &["the workbook cannot be read"]),
        (
            "03-unknown-employee.xlsx",
            &[
                "sheet 考勤, row 4, column A (工号)",
                "unknown employee \"X999\"",
            ],
        ),
        (
            "04-name-mismatch.xlsx",
            &["row 3, column B (姓名)", "T001 (赵晓东)", "\"胡丽娜\""],
        ),
        (
            "05-date-outside-month.xlsx",
            &[
                "row 4, column C (日期)",
                "2026-04-01 (date outside the month)",
            ],
        ),
        (
            "06-text-in-number.xlsx",
            &["row 3, column H (请假小时)", "\"八小时\""],
        ),
        ("07-missing-column.xlsx", &["row 2", "a column headed 班次"]),
        (
            "08-duplicate-row.xlsx",
            &["row 4", "duplicate row (also row 3)"],
        ),
        (
            "09-overlapping-punches.xlsx",
            &["row 4", "overlapping punches", "ends 03-03 08:30"],
        ),
        (
            "10-unknown-shift.xlsx",
            &["row 3, column D (班次)", "\"X\""],
        ),
        (
            "11-unknown-leave-type.xlsx",
            &["row 3, column G (请假类型)", "\"旅游假\""],
        ),
        (
            "12-bad-time.xlsx",
            &["row 3, column E (上班打卡)", "\"8点\""],
        ),
        (
            "13-dingtalk-unknown-result.xlsx",
            &["sheet 月度汇总, row 5, column O (3)", "\"迟到很久\""],
        ),
        (
            "14-dingtalk-duplicate-person.xlsx",
            &[
                "sheet 月度汇总, row 6",
                "duplicate row of 赵晓东 (also row 5)",
            ],
        ),
        (
            "15-punch-outside-month.xlsx",
            &[
                "sheet 原始记录, row 4, column I (打卡时间)",
                "2026-04-02 07:56 (date outside the month)",
            ],
        ),
        (
            "16-two-shifts-one-date.xlsx",
            &["overlapping punches", "two shifts attributed to 2026-03-02"],
        ),
        (
            "17-unrecognised-headers.xlsx",
            &["sheet Sheet1", "no such header row"],
        ),
        (
            "18-wecom-no-name.xlsx",
            &["sheet 打卡详情, row 1", "a column headed 姓名"],
        ),
        (
            "19-punch-time-text.xlsx",
            &["row 4, column I (打卡时间)", "\"早上八点\""],
        ),
        ("21-empty-zip.xlsx", &["the workbook cannot be read"]),
        (
            "22-wecom-monthly-report.xlsx",
            &["sheet 月报, row 1", "WeCom 月报", "cannot be reconciled"],
        ),
        (
            "23-wecom-daily-bad-time.xlsx",
            &["row 3, column J (上班1/打卡时间)", "\"下午四点\""],
        ),
    ];
    let c = ctx();
    for (file, needles) in cases {
        let bytes = std::fs::read(fixture(&format!("broken/{file}"))).unwrap();
        let err = parse(&bytes, &c).expect_err(file).to_string();
        for n in *needles {
            assert!(err.contains(n), "{file}: `{n}` not in\n{err}");
        }
    }
    // Several problems in one file are reported together, in row order.
    let bytes = std::fs::read(fixture("broken/20-many-problems.xlsx")).unwrap();
    let err = parse(&bytes, &c).unwrap_err();
    assert_eq!(err.0.len(), 3, "{err}");
    assert_eq!(
        err.0.iter().map(|p| p.row.unwrap()).collect::<Vec<_>>(),
        [3, 4, 5]
    );
    assert!(err.0[0].found.contains("X998"));
    assert!(err.0[1].found.contains("2026-02-27"));
    assert!(err.0[2].found.contains("\"Q\""));
}

/// The empty template is generated from the same layout spec the importer reads: reading it
/// back finds our format with no records.
#[test]
fn the_generated_template_reads_back_as_our_format() {
    let c = ctx();
    let bytes = api::excel::attendance::template_workbook(&c).unwrap();
    let p = parse(&bytes, &c).unwrap();
    assert_eq!(p.source, Source::Template);
    assert_eq!(p.sheet, "考勤");
    assert!(p.records.is_empty());
    let spec = api::excel::attendance::TemplateSpec::embedded();
    let t = api::excel::table::read(&bytes).unwrap();
    let header: Vec<String> = t.rows[1]
        .1
        .iter()
        .map(|c| match c {
            api::excel::table::Cell::Text(s) => s.clone(),
            other => panic!("header {other:?}"),
        })
        .collect();
    let expected: Vec<String> = spec.column.iter().map(|c| c.header.clone()).collect();
    assert_eq!(header, expected);
}

fn assignment(employee: &str, date: &str, shift: &str) -> Assignment {
    Assignment {
        employee: employee.into(),
        date: d(date),
        shift: shift.into(),
        role: "agent".into(),
    }
}

/// The demo site's March 2026 with the given roster.
fn march(assignments: Vec<Assignment>) -> RosterFile {
    let site = scheduler::Site::from_toml_strs(
        &std::fs::read_to_string(root().join("data/demo/site.toml")).unwrap(),
        Some(&std::fs::read_to_string(root().join("data/demo/staff.toml")).unwrap()),
    )
    .unwrap();
    let cal = api::reference::load_calendar(&root().join("data")).unwrap();
    let problem = scheduler::Problem::new(&site, &cal, 2026, 3, vec![], vec![]).unwrap();
    let roster = Roster {
        status: SolveStatus::Unsolved,
        assignments,
        standby: vec![],
        shortfalls: vec![],
        stats: Default::default(),
    };
    RosterFile { problem, roster }
}

fn record(employee: &str, date: &str) -> DayRecord {
    DayRecord {
        employee: employee.into(),
        name: String::new(),
        date: d(date),
        shift: None,
        shift_inferred: false,
        clock_in: None,
        clock_out: None,
        leave: None,
        leave_hours: None,
        reported: None,
        note: String::new(),
        source: Source::Template,
        sheet: "考勤".into(),
        row: 3,
    }
}

/// Hand-worked: March 2026 (22 working days; 03-07 and 03-08 are Saturday and Sunday, rest
/// days). Policy: grace 5 min, serious > 30, missed > 120 (late or early); KPI points late 2,
/// serious 5, early 2, missing punch 2, absence 20.
///
/// T001, rostered A (08:00-16:00) on 03-02, 03-03, 03-04, 03-09, 03-10 and P on 03-07:
/// - 03-02 in 07:55 out 16:05: 8 h ordinary, on time;
/// - 03-03 in 08:12: 12 min late (> 5, ≤ 30): late 1; 8 h ordinary;
/// - 03-04 no record: absence 1 (排班未出勤);
/// - 03-07 (rest day) worked N as stated (00:00-08:00: in 03-06 23:58, out 07:40, 20 min
///   early): 8 h rest day, 1 night, early 1; rostered P → swap;
/// - 03-08 (rest day, not rostered) A 07:59-16:00: 8 h rest day; worked without roster entry;
/// - 03-09 sick leave 8 h: 1 day sick, leave not in roster;
/// - 03-10 in 07:58, no clock-out: 8 h ordinary, missing punch 1.
///
/// Shifts worked 5; ordinary 24 h, rest day 16 h; KPI 100 − 2 − 2 − 2 − 20 = 74; five
/// differences.
///
/// A005, rostered A on 03-02 and 03-03: in 08:45 (45 min: late and serious) out 16:00; in
/// 10:30 (150 min > 120: a missed shift, absence). KPI 100 − 5 − 20 = 75; 8 h ordinary.
///
/// A006, rostered A on 03-02 with no attendance record at all: paid as rostered (8 h
/// ordinary, no absence), flagged once as 无考勤记录.
#[test]
fn reconciliation_worked_by_hand() {
    let doc = march(vec![
        assignment("T001", "2026-03-02", "A"),
        assignment("T001", "2026-03-03", "A"),
        assignment("T001", "2026-03-04", "A"),
        assignment("T001", "2026-03-07", "P"),
        assignment("T001", "2026-03-09", "A"),
        assignment("T001", "2026-03-10", "A"),
        assignment("A005", "2026-03-02", "A"),
        assignment("A005", "2026-03-03", "A"),
        // A006 is rostered but has no attendance record at all this month.
        assignment("A006", "2026-03-02", "A"),
    ]);
    let mut recs = Vec::new();
    let mut r = record("T001", "2026-03-02");
    r.shift = Some("A".into());
    r.clock_in = Some(t("2026-03-02 07:55"));
    r.clock_out = Some(t("2026-03-02 16:05"));
    recs.push(r);
    let mut r = record("T001", "2026-03-03");
    r.shift = Some("A".into());
    r.clock_in = Some(t("2026-03-03 08:12"));
    r.clock_out = Some(t("2026-03-03 16:00"));
    recs.push(r);
    let mut r = record("T001", "2026-03-07");
    r.shift = Some("N".into());
    r.clock_in = Some(t("2026-03-06 23:58"));
    r.clock_out = Some(t("2026-03-07 07:40"));
    recs.push(r);
    let mut r = record("T001", "2026-03-08");
    r.shift = Some("A".into());
    r.clock_in = Some(t("2026-03-08 07:59"));
    r.clock_out = Some(t("2026-03-08 16:00"));
    recs.push(r);
    let mut r = record("T001", "2026-03-09");
    r.leave = Some(LeaveKind::Sick);
    r.leave_hours = Some(dec("8"));
    recs.push(r);
    let mut r = record("T001", "2026-03-10");
    r.shift = Some("A".into());
    r.clock_in = Some(t("2026-03-10 07:58"));
    recs.push(r);
    let mut r = record("A005", "2026-03-02");
    r.clock_in = Some(t("2026-03-02 08:45"));
    r.clock_out = Some(t("2026-03-02 16:00"));
    recs.push(r);
    let mut r = record("A005", "2026-03-03");
    r.clock_in = Some(t("2026-03-03 10:30"));
    r.clock_out = Some(t("2026-03-03 16:00"));
    recs.push(r);

    let policy = load_policy(&root().join("data")).unwrap();
    let rec = reconcile(&doc, &recs, &policy, dec("85"));
    let idx = |id: &str| {
        doc.problem
            .employees
            .iter()
            .position(|e| e.id == id)
            .unwrap()
    };
    let t001 = &rec.people[idx("T001")];
    assert_eq!(t001.shifts_worked, 5);
    assert_eq!(t001.ordinary_hours, dec("24"));
    assert_eq!(t001.rest_day_hours, dec("16"));
    assert_eq!(t001.holiday_hours, dec("0"));
    assert_eq!(t001.night_shifts, 1);
    assert_eq!(
        (t001.late, t001.serious_late, t001.late_minutes),
        (1, 0, 12)
    );
    assert_eq!((t001.early_leave, t001.early_minutes), (1, 20));
    assert_eq!(t001.missing_punches, 1);
    assert_eq!(t001.absence_days, 1);
    assert_eq!(t001.leave.sick, dec("1"));
    assert_eq!(t001.attendance_kpi, 74);
    let ts = &rec.time_sheets[idx("T001")];
    assert_eq!(ts.scheduled_working_days_of_month, 22);
    assert_eq!(ts.standard_hours_of_month, dec("176"));
    assert_eq!(ts.ordinary_day_hours, dec("24"));
    assert_eq!(ts.rest_day_hours, dec("16"));
    assert_eq!(ts.absence_days, dec("1"));
    assert_eq!(ts.kpi[&payroll::Kpi::Attendance], dec("74"));
    assert_eq!(ts.kpi[&payroll::Kpi::QaScore], dec("85"));
    let kinds: Vec<(NaiveDate, DifferenceKind)> = rec
        .differences
        .iter()
        .filter(|x| x.employee == "T001")
        .map(|x| (x.date, x.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (d("2026-03-04"), DifferenceKind::RosteredAbsent),
            (d("2026-03-07"), DifferenceKind::ShiftSwapped),
            (d("2026-03-08"), DifferenceKind::WorkedNotRostered),
            (d("2026-03-09"), DifferenceKind::LeaveNotInRoster),
            (d("2026-03-10"), DifferenceKind::MissingPunch),
        ]
    );
    let a005 = &rec.people[idx("A005")];
    assert_eq!(
        (a005.late, a005.serious_late, a005.late_minutes),
        (1, 1, 45)
    );
    assert_eq!(a005.absence_days, 1);
    assert_eq!(a005.shifts_worked, 1);
    assert_eq!(a005.ordinary_hours, dec("8"));
    assert_eq!(a005.attendance_kpi, 75);
    let a006 = &rec.people[idx("A006")];
    assert!(a006.from_roster);
    assert_eq!((a006.shifts_worked, a006.absence_days), (1, 0));
    assert_eq!(rec.time_sheets[idx("A006")].ordinary_day_hours, dec("8"));
    let a006_diffs: Vec<DifferenceKind> = rec
        .differences
        .iter()
        .filter(|x| x.employee == "A006")
        .map(|x| x.kind)
        .collect();
    assert_eq!(a006_diffs, vec![DifferenceKind::NoAttendance]);
    // Nobody else has entries: no other differences, full KPI.
    assert!(rec
        .differences
        .iter()
        .all(|x| ["T001", "A005", "A006"].contains(&x.employee.as_str())));
    assert_eq!(rec.people[idx("A001")].attendance_kpi, 100);

    // The workbook HR works from reads back with the same figures.
    let bytes = api::excel::reconciliation_xlsx::workbook(&rec).unwrap();
    let sheets = api::excel::table::read_all(&bytes).unwrap();
    assert_eq!(sheets[0].sheet, "考勤汇总");
    let row_of = |id: &str| {
        sheets[0]
            .rows
            .iter()
            .find(|(_, c)| c.first() == Some(&Cell::Text(id.into())))
            .unwrap()
            .1
            .clone()
    };
    let n = |c: &Cell| match c {
        Cell::Number(x) => *x,
        other => panic!("{other:?}"),
    };
    let t001_row = row_of("T001");
    // 出勤班数, 平日工时, 休息日工时, …, 旷工天数, 病假, 出勤考核分
    assert_eq!(n(&t001_row[2]) as u32, 5);
    assert!((n(&t001_row[3]) - 24.0).abs() < 1e-9);
    assert!((n(&t001_row[4]) - 16.0).abs() < 1e-9);
    assert_eq!(n(&t001_row[9]) as u32, 12, "迟到分钟");
    assert_eq!(n(&t001_row[13]) as u32, 1, "旷工天数");
    assert!((n(&t001_row[15]) - 1.0).abs() < 1e-9, "病假");
    assert_eq!(n(&t001_row[18]) as u32, 74);
    let totals = row_of("合计");
    assert_eq!(
        n(&totals[2]) as u32,
        7,
        "5 + 1 + 1 (A006 as rostered) shifts worked"
    );
    assert_eq!(n(&totals[13]) as u32, 2, "absence 1 + 1");
    assert_eq!(sheets[1].sheet, "待确认差异");
    // Title, header, then one row per difference: T001's five, A005's and A006's one.
    assert_eq!(sheets[1].rows.len(), 2 + rec.differences.len());
    assert_eq!(rec.differences.len(), 7);
}

/// A shift worker rostered on 24 of March's days who comes to none of them but one (a record
/// on 03-31 only): 23 missed shifts, but March has 22 working days, so payroll deducts at most
/// 22 days (the time sheet's absence is capped at the working days employed less leave).
#[test]
fn absence_for_pay_never_exceeds_the_working_days() {
    let mut roster: Vec<Assignment> = (1..=23)
        .map(|day| assignment("A007", &format!("2026-03-{day:02}"), "A"))
        .collect();
    roster.push(assignment("A007", "2026-03-31", "A"));
    let doc = march(roster);
    let mut r = record("A007", "2026-03-31");
    r.shift = Some("A".into());
    r.clock_in = Some(t("2026-03-31 07:58"));
    r.clock_out = Some(t("2026-03-31 16:01"));
    let policy = load_policy(&root().join("data")).unwrap();
    let rec = reconcile(&doc, &[r], &policy, dec("85"));
    let i = doc
        .problem
        .employees
        .iter()
        .position(|e| e.id == "A007")
        .unwrap();
    assert_eq!(rec.people[i].absence_days, 23);
    assert_eq!(
        rec.people[i].attendance_kpi, 0,
        "100 - 23 x 20, not below 0"
    );
    assert_eq!(rec.time_sheets[i].absence_days, dec("22"));
}

fn import(file: &str, db: &str) -> (i32, String) {
    run(&[
        "attendance",
        "import",
        file,
        "--month",
        "2026-03",
        "--db",
        db,
    ])
}

/// Through the binary: a dry run stores nothing; an import stores; a broken file stores
/// nothing and keeps what was there; importing the month again replaces it for the people in
/// the file, never duplicating; people not in the new file keep their records.
#[test]
fn import_is_a_transaction_and_replaces_the_month_for_the_people_in_the_file() {
    let dir = std::env::temp_dir().join(format!("hw-attendance-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("w.db").display());
    let file = |n: &str| fixture(n).display().to_string();

    let (code, out) = run(&[
        "attendance",
        "import",
        &file("good/template-2026-03.xlsx"),
        "--month",
        "2026-03",
        "--db",
        &db,
        "--dry-run",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("dry run: nothing stored"), "{out}");
    // Full date-times: the night shift of 03-03 starts on the evening of 03-02.
    assert!(
        out.contains("A005 2026-03-03 N 2026-03-02 23:52:00 2026-03-03 08:03:00"),
        "{out}"
    );
    assert_eq!(stored_attendance(&db, "2026-03"), 0);
    // The dry run as JSON: every record with its date-times.
    let (code, out) = run(&[
        "attendance",
        "import",
        &file("good/template-2026-03.xlsx"),
        "--month",
        "2026-03",
        "--db",
        &db,
        "--dry-run",
        "--json",
    ]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["records"].as_array().unwrap().len(), 6);
    assert!(v["records"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["employee"] == "A005" && r["clock_in"] == "2026-03-02T23:52:00"));

    let (code, out) = import(&file("good/template-2026-03.xlsx"), &db);
    assert_eq!(code, 0, "{out}");
    assert_eq!(stored_attendance(&db, "2026-03"), 6);

    // The summary file holds T001 (8 days) and T002 (3 days): T001's one template record is
    // replaced by 8, T002 is new: 6 - 1 + 8 + 3 = 16.
    let (code, out) = import(&file("good/dingtalk-summary-2026-03.xlsx"), &db);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 earlier records of theirs"), "{out}");
    assert_eq!(stored_attendance(&db, "2026-03"), 16);

    // Again: same count (replaced, not duplicated).
    let (code, _) = import(&file("good/dingtalk-summary-2026-03.xlsx"), &db);
    assert_eq!(code, 0);
    assert_eq!(stored_attendance(&db, "2026-03"), 16);

    // Every broken file of the corpus: exit 2 with its problems, nothing changed.
    let broken = root().join("tests/fixtures/attendance/broken");
    let mut files: Vec<_> = std::fs::read_dir(&broken)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{} broken files", files.len());
    for f in &files {
        let (code, out) = import(f.to_str().unwrap(), &db);
        assert_eq!(code, 2, "{}: {out}", f.display());
        assert!(
            out.contains("problem(s) in the file"),
            "{}: {out}",
            f.display()
        );
    }
    assert_eq!(stored_attendance(&db, "2026-03"), 16);

    // A broken file: exit 2, every problem named, nothing changed.
    let (code, out) = import(&file("broken/20-many-problems.xlsx"), &db);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("3 problem(s)"), "{out}");
    assert_eq!(stored_attendance(&db, "2026-03"), 16);

    // Nothing lost unconfirmed: the template holds one record of T001, who has 8 stored
    // from the summary; importing it is refused naming him, and nothing changes.
    let (code, out) = import(&file("good/template-2026-03.xlsx"), &db);
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("T001") && out.contains("8 stored day records → 1 in the file"),
        "{out}"
    );
    assert_eq!(stored_attendance(&db, "2026-03"), 16);
    // Confirmed: T001's 8 become 1; the other five people had one each and keep one.
    let (code, out) = run(&[
        "attendance",
        "import",
        &file("good/template-2026-03.xlsx"),
        "--month",
        "2026-03",
        "--db",
        &db,
        "--confirm-replace",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(stored_attendance(&db, "2026-03"), 16 - 8 + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The month end to end through the binary: a March roster is solved; attendance is written
/// from it in our template (CSV) — everyone on time (clock-in 3 minutes early, out 2 minutes
/// late) except three changes made here: the first rostered A shift of A001 (or of the first
/// of A008-A012 with one, when the roster gives A001 none) is 12 minutes late, A002's first
/// rostered shift has no record at all, and A003's first rostered shift is sick leave.
/// Imported and reconciled, exactly those show: that agent one late arrival of 12 minutes, A002 one absence (排班未出勤), A003 one sick day (请假未在排班中), and no other
/// difference. Then the payroll register and the tax import are exported from the stored
/// attendance, and the register's totals row is read back: its 实发合计 is the net the
/// command printed.
#[test]
fn month_end_to_end_roster_attendance_reconcile_and_exports() {
    let dir = std::env::temp_dir().join(format!("hw-month-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let roster = dir.join("roster.json");
    solve_demo_roster("2026-03", &roster);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&roster).unwrap()).unwrap();
    let shifts: BTreeMap<String, (String, String)> = doc["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["code"].as_str().unwrap().to_string(),
                (
                    s["start"].as_str().unwrap().to_string(),
                    s["end"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let shift_by = |hm: &str, delta: i32| {
        let (h, m) = hm.split_once(':').unwrap();
        let total =
            (h.parse::<i32>().unwrap() * 60 + m.parse::<i32>().unwrap() + delta).rem_euclid(1440);
        format!("{:02}:{:02}", total / 60, total % 60)
    };
    let mut assignments: Vec<(String, String, String)> = doc["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["employee"].as_str().unwrap().to_string(),
                a["date"].as_str().unwrap().to_string(),
                a["shift"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assignments.sort();
    let first = |who: &str, shift: Option<&str>| {
        assignments
            .iter()
            .find(|(e, _, s)| e == who && shift.is_none_or(|x| x == s))
            .cloned()
            .unwrap_or_else(|| panic!("{who} has no shift"))
    };
    // The late one: A001, or the first of A008-A012 with a morning shift (a roster may give
    // someone only evening and night shifts; A002-A007 have roles of their own below).
    let late_who = ["A001", "A008", "A009", "A010", "A011", "A012"]
        .into_iter()
        .find(|w| assignments.iter().any(|(e, _, s)| e == w && s == "A"))
        .expect("an agent with a morning shift");
    let late = first(late_who, Some("A"));
    let absent = first("A002", None);
    let sick = first("A003", None);
    let mut csv = String::from("工号,日期,班次,上班打卡,下班打卡,请假类型,请假小时\n");
    for a in &assignments {
        if *a == absent {
            continue;
        }
        if *a == sick {
            csv += &format!("{},{},,,,病假,8\n", a.0, a.1);
            continue;
        }
        let (start, end) = &shifts[&a.2];
        let clock_in = if *a == late {
            shift_by(start, 12)
        } else {
            shift_by(start, -3)
        };
        // N starts at 00:00: a clock-in 3 minutes early is on the evening before.
        let clock_in = if a.2 == "N" && *a != late {
            let date = d(&a.1).pred_opt().unwrap();
            format!("{date} {clock_in}")
        } else {
            clock_in
        };
        csv += &format!(
            "{},{},{},{},{},,\n",
            a.0,
            a.1,
            a.2,
            clock_in,
            shift_by(end, 2)
        );
    }
    let file = dir.join("attendance.csv");
    std::fs::write(&file, csv).unwrap();
    let db = format!("sqlite://{}", dir.join("w.db").display());
    let (code, out) = run(&[
        "attendance",
        "import",
        file.to_str().unwrap(),
        "--month",
        "2026-03",
        "--db",
        &db,
    ]);
    assert_eq!(code, 0, "{out}");
    let rec_json = dir.join("rec.json");
    let (code, out) = run(&[
        "attendance",
        "reconcile",
        "--month",
        "2026-03",
        "--roster",
        roster.to_str().unwrap(),
        "--db",
        &db,
        "--json",
        rec_json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&rec_json).unwrap()).unwrap();
    let diffs: Vec<(String, String, String)> = rec["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["employee"].as_str().unwrap().to_string(),
                x["date"].as_str().unwrap().to_string(),
                x["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        diffs,
        vec![
            (
                absent.0.clone(),
                absent.1.clone(),
                "rostered_absent".to_string()
            ),
            (
                sick.0.clone(),
                sick.1.clone(),
                "leave_not_in_roster".to_string()
            ),
        ],
        "{out}"
    );
    let person = |id: &str| {
        rec["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["employee"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(person(late_who)["late"], 1);
    assert_eq!(person(late_who)["late_minutes"], 12);
    assert_eq!(person("A002")["absence_days"], 1);
    assert_eq!(person("A003")["leave"]["sick"], "1");
    assert_eq!(person("A004")["late"], 0);

    // KPI evidence for three agents (the hand-worked case of tests/tests/kpi.rs) and one
    // adjustment; their attendance KPI is 100 here (on time all month), so performance pay:
    // A005 composite 92.35 → 1.10 × 950 = 1045.00; A006 20.25 + 15.168 + 20.25 + 15 = 70.668
    // → 0.80 × 750 = 600.00; A007 97 → 1.20 × 850 = 1020.00.
    for f in [
        "agent-report-2026-03.xlsx",
        "qa-2026-03.xlsx",
        "feedback-2026-03.xlsx",
    ] {
        let path = root().join("tests/fixtures/kpi/good").join(f);
        let (code, out) = run(&[
            "kpi",
            "import",
            path.to_str().unwrap(),
            "--month",
            "2026-03",
            "--db",
            &db,
        ]);
        assert_eq!(code, 0, "{out}");
    }
    let (code, out) = run(&[
        "kpi",
        "adjust",
        "--month",
        "2026-03",
        "--employee",
        "A007",
        "--kpi",
        "qa_score",
        "--points",
        "3",
        "--reason",
        "质检员另抽听 2 通，服务优秀",
        "--by",
        "王海燕",
        "--db",
        &db,
    ]);
    assert_eq!(code, 0, "{out}");

    let register = dir.join("register.xlsx");
    let (code, out) = run(&[
        "export",
        "payroll",
        "--month",
        "2026-03",
        "--roster",
        roster.to_str().unwrap(),
        "--db",
        &db,
        "--out",
        register.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("time sheets from"), "{out}");
    let net = out
        .split("net ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let t = api::excel::table::read(&std::fs::read(&register).unwrap()).unwrap();
    let header_row = t
        .rows
        .iter()
        .find(|(_, cells)| {
            cells
                .iter()
                .any(|c| *c == api::excel::table::Cell::Text("实发合计".into()))
        })
        .expect("header row");
    let col = header_row
        .1
        .iter()
        .position(|c| *c == api::excel::table::Cell::Text("实发合计".into()))
        .unwrap();
    let totals = t
        .rows
        .iter()
        .find(|(_, cells)| matches!(cells.first(), Some(api::excel::table::Cell::Text(s)) if s == "合计"))
        .expect("totals row");
    let api::excel::table::Cell::Number(x) = totals.1[col] else {
        panic!("net total is not a number: {:?}", totals.1[col]);
    };
    assert_eq!(format!("{x:.2}"), net, "register total vs printed net");
    assert!(
        out.contains("KPI scores from the month's evaluation"),
        "{out}"
    );
    let perf_col = header_row
        .1
        .iter()
        .position(|c| *c == api::excel::table::Cell::Text("绩效工资".into()))
        .expect("绩效工资 column");
    for (id, expected) in [("A005", 1045.0), ("A006", 600.0), ("A007", 1020.0)] {
        let row = t
            .rows
            .iter()
            .find(|(_, cells)| cells.first() == Some(&api::excel::table::Cell::Text(id.into())))
            .unwrap_or_else(|| panic!("{id} row"));
        let api::excel::table::Cell::Number(v) = row.1[perf_col] else {
            panic!("{id} performance pay: {:?}", row.1[perf_col]);
        };
        assert!((v - expected).abs() < 0.005, "{id}: {v} vs {expected}");
    }

    // The pay-structure document takes its average pay from the same inputs as the register.
    let policy_dir = dir.join("policy");
    let (code, out) = run(&[
        "policy",
        "print",
        "--month",
        "2026-03",
        "--roster",
        roster.to_str().unwrap(),
        "--db",
        &db,
        "--out",
        policy_dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let html = std::fs::read_to_string(policy_dir.join("薪酬体系.html")).unwrap();
    assert!(
        html.contains("考勤记录核对后的考勤"),
        "the basis names the attendance used"
    );
    assert!(
        html.contains("绩效按本月考核结果"),
        "the basis names the evaluation used"
    );

    let tax = dir.join("tax.xlsx");
    let (code, out) = run(&[
        "export",
        "tax",
        "--month",
        "2026-03",
        "--roster",
        roster.to_str().unwrap(),
        "--db",
        &db,
        "--out",
        tax.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let sheets = api::excel::table::read_all(&std::fs::read(&tax).unwrap()).unwrap();
    assert_eq!(sheets[0].sheet, "正常工资薪金收入");
    let _ = std::fs::remove_dir_all(&dir);
}
