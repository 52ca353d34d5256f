//! Acceptance: `workforce report` on the demo site, through the real binary. February 2026 is
//! reported from a hand-made roster (three shifts) and one stored attendance record, so every
//! figure of the workbook can be worked by hand; the call history is the demo's CSV, summed
//! here independently of the program.

mod common;

use std::path::{Path, PathBuf};

use api::attendance::{DayRecord, Source};
use api::excel::table::{read_all, Cell, Table};
use chrono::NaiveDate;
use common::{root, run};
use scheduler::{Assignment, LeaveKind, Roster, RosterFile, SolveStatus};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wf-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// The demo site's February 2026 with three shifts:
///   T001 A on 02-02 (Monday, working day, 8 h) and N on 02-17 (Spring Festival, statutory,
///   8 h, a night); A005 A on 02-15 (Sunday, rest day, 8 h).
fn february_roster(folder: &Path) {
    let site = scheduler::Site::from_toml_strs(
        &std::fs::read_to_string(root().join("data/demo/site.toml")).unwrap(),
        Some(&std::fs::read_to_string(root().join("data/demo/staff.toml")).unwrap()),
    )
    .unwrap();
    let cal = api::reference::load_calendar(&root().join("data")).unwrap();
    let problem = scheduler::Problem::new(&site, &cal, 2026, 2, vec![], vec![]).unwrap();
    let a = |employee: &str, date: &str, shift: &str| Assignment {
        employee: employee.into(),
        date: d(date),
        shift: shift.into(),
        role: "agent".into(),
    };
    let doc = RosterFile {
        problem,
        roster: Roster {
            status: SolveStatus::Unsolved,
            assignments: vec![
                a("T001", "2026-02-02", "A"),
                a("T001", "2026-02-17", "N"),
                a("A005", "2026-02-15", "A"),
            ],
            standby: vec![],
            shortfalls: vec![],
            stats: Default::default(),
        },
    };
    std::fs::write(
        folder.join("roster-2026-02.json"),
        serde_json::to_string(&doc).unwrap(),
    )
    .unwrap();
}

/// A005 reports a day of personal leave on 02-15 instead of the rostered shift.
fn store_leave(url: &str) {
    let record = DayRecord {
        employee: "A005".into(),
        name: "冯文斌".into(),
        date: d("2026-02-15"),
        shift: None,
        shift_inferred: false,
        clock_in: None,
        clock_out: None,
        leave: Some(LeaveKind::Personal),
        leave_hours: None,
        reported: None,
        note: String::new(),
        source: Source::Template,
        sheet: "考勤".into(),
        row: 2,
    };
    api::db::runtime().unwrap().block_on(async {
        let store = api::db::Store::open(url).await.unwrap();
        store
            .replace_attendance(
                "2026-02",
                "leave.xlsx",
                Source::Template,
                "考勤",
                &[record],
                "test",
            )
            .await
            .unwrap();
        store.close().await;
    });
}

fn sheet<'a>(tables: &'a [Table], name: &str) -> &'a Table {
    tables
        .iter()
        .find(|t| t.sheet == name)
        .unwrap_or_else(|| panic!("no sheet {name}"))
}

fn text(c: &Cell) -> &str {
    match c {
        Cell::Text(t) => t,
        other => panic!("not text: {other:?}"),
    }
}

/// Asserts a cell's number (an f64 as Excel stores it) is the expected one.
#[track_caller]
fn same(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "got {got}, expected {want}");
}

fn num(c: &Cell) -> f64 {
    match c {
        Cell::Number(x) => *x,
        other => panic!("not a number: {other:?}"),
    }
}

/// The header row (the row holding `first`) and the column of each header.
fn header(t: &Table, first: &str) -> (usize, Vec<String>) {
    t.rows
        .iter()
        .enumerate()
        .find(|(_, (_, cells))| {
            cells
                .first()
                .is_some_and(|c| *c == Cell::Text(first.into()))
        })
        .map(|(i, (_, cells))| {
            (
                i,
                cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(t) => t.clone(),
                        _ => String::new(),
                    })
                    .collect(),
            )
        })
        .unwrap_or_else(|| panic!("{}: no header row starting {first}", t.sheet))
}

fn col(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
}

/// The data row whose first cell is `key`.
fn row<'a>(t: &'a Table, key: &str) -> &'a [Cell] {
    &t.rows
        .iter()
        .find(|(_, cells)| cells.first().is_some_and(|c| *c == Cell::Text(key.into())))
        .unwrap_or_else(|| panic!("{}: no row {key}", t.sheet))
        .1
}

/// Offered and answered calls of the demo history for dates starting with `prefix`, summed
/// from the CSV text (date, interval, offered, answered, …).
fn history_calls(prefix: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(root().join("data/demo/call-history.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| l.starts_with(prefix))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[2].parse::<u64>().unwrap(), f[3].parse::<u64>().unwrap())
        })
        .fold((0, 0), |(o, a), (x, y)| (o + x, a + y))
}

/// The month report of February 2026 for HR and the purchaser.
///
/// Staffing: the demo's 53 (52 on post + 1 reserve) were all hired 2026-01-01 and nobody has
/// left, so start = end = 52 + 1, no joiners or leavers, average 53, attrition 0 %.
/// Attendance (16 working days, 128 h owed; T001 has no attendance record, so the roster is
/// its time sheet; A005's stored record says personal leave on 02-15):
///   T001: 8 h working day + 8 h statutory = 16 h, one night; overtime (comprehensive):
///         8 − 128 < 0 → 0, plus 8 statutory = 8 h;
///   A005: the rest-day shift not worked (on leave): 0 h, 1 day of leave, source 考勤;
///   team 1 (T001 and ten others): 16 h; every team together: 16 h.
/// Service: answered ÷ offered of every February row of the CSV.
#[test]
fn february_report_from_a_hand_made_roster_stored_attendance_and_the_history() {
    let dir = dir("feb");
    february_roster(&dir);
    let url = format!("sqlite://{}", s(&dir.join("wf.db")));
    store_leave(&url);
    let out = dir.join("feb.xlsx");
    let (code, text_out) = run(&[
        "report",
        "all",
        "--period",
        "2026-02",
        "--rosters",
        &s(&dir),
        "--db",
        &url,
        "--out",
        &s(&out),
    ]);
    assert_eq!(code, 0, "{text_out}");
    assert!(text_out.contains("2026年2月 人力资源月报"), "{text_out}");
    assert!(
        !text_out.contains("missing"),
        "February is complete: {text_out}"
    );
    let tables = read_all(&std::fs::read(&out).unwrap()).unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.sheet.as_str()).collect();
    assert_eq!(
        names,
        [
            "概览",
            "人员",
            "考勤明细",
            "考勤班组",
            "话务汇总",
            "话务日明细",
            "绩效明细",
            "绩效班组",
            "人工费"
        ]
    );

    // Staffing.
    let t = sheet(&tables, "人员");
    let (h, headers) = header(t, "日期");
    let days: Vec<&[Cell]> = t.rows[h + 1..].iter().map(|(_, c)| c.as_slice()).collect();
    assert!(days.len() >= 28);
    for day in &days[..28] {
        same(num(&day[col(&headers, "在岗")]), 52.0);
        same(num(&day[col(&headers, "预备人员")]), 1.0);
        same(num(&day[col(&headers, "在岗−合同")]), 0.0);
    }
    let key = col(&headers, "指标");
    let figure = |name: &str| {
        let r = t
            .rows
            .iter()
            .find(|(_, c)| c.get(key) == Some(&Cell::Text(name.into())))
            .unwrap_or_else(|| panic!("no {name}"));
        num(&r.1[key + 1])
    };
    same(figure("期初在岗"), 52.0);
    same(figure("本期离职"), 0.0);
    same(figure("平均人数"), 53.0);
    same(figure("人员流失率"), 0.0);

    // Attendance per person and team.
    let t = sheet(&tables, "考勤明细");
    let (_, headers) = header(t, "工号");
    let t001 = row(t, "T001");
    same(num(&t001[col(&headers, "合计工时")]), 16.0);
    same(num(&t001[col(&headers, "法定节假日工时")]), 8.0);
    same(num(&t001[col(&headers, "夜班次数")]), 1.0);
    same(num(&t001[col(&headers, "加班工时")]), 8.0);
    assert_eq!(text(&t001[col(&headers, "数据来源")]), "排班");
    let a005 = row(t, "A005");
    same(num(&a005[col(&headers, "合计工时")]), 0.0);
    same(num(&a005[col(&headers, "请假天数")]), 1.0);
    same(num(&a005[col(&headers, "旷工天数")]), 0.0);
    assert_eq!(text(&a005[col(&headers, "数据来源")]), "考勤");
    same(num(&row(t, "合计")[col(&headers, "合计工时")]), 16.0);
    let t = sheet(&tables, "考勤班组");
    let (_, headers) = header(t, "班组");
    same(num(&row(t, "1班")[col(&headers, "合计工时")]), 16.0);
    same(num(&row(t, "1班")[col(&headers, "人数")]), 11.0);
    same(num(&row(t, "合计")[col(&headers, "人数")]), 53.0);

    // Service: February of the demo history, summed from the CSV here.
    let (offered, answered) = history_calls("2026-02-");
    assert!(offered > 0);
    let t = sheet(&tables, "话务日明细");
    let (_, headers) = header(t, "日期");
    let total = row(t, "合计");
    same(num(&total[col(&headers, "呼入量")]), offered as f64);
    same(num(&total[col(&headers, "接通量")]), answered as f64);
    let rate = num(&total[col(&headers, "接通率")]);
    assert!(
        (rate - answered as f64 / offered as f64).abs() < 1e-12,
        "{rate}"
    );
    let (o1, a1) = history_calls("2026-02-01,");
    let (h, _) = header(t, "日期");
    let feb1 = &t.rows[h + 1].1;
    assert!((num(&feb1[col(&headers, "接通率")]) - a1 as f64 / o1 as f64).abs() < 1e-12);
    let t = sheet(&tables, "话务汇总");
    let (_, headers) = header(t, "服务质量");
    // Satisfaction: every one of the 53 is weighed on it; KPI scores, neutral 85 today.
    same(num(&row(t, "满意度")[1]), 85.0);
    same(num(&row(t, "满意度")[col(&headers, "人次")]), 53.0);

    // KPI and cost: 53 payslips of February.
    let t = sheet(&tables, "绩效明细");
    let (h, _) = header(t, "月份");
    let months: Vec<&str> = t.rows[h + 1..]
        .iter()
        .map(|(_, c)| text(&c[0]))
        .filter(|m| *m == "2026-02")
        .collect();
    assert_eq!(months.len(), 53);
    let t = sheet(&tables, "人工费");
    let (_, headers) = header(t, "月份");
    let feb = row(t, "2026-02");
    same(num(&feb[col(&headers, "计薪人数")]), 53.0);
    let seat = num(&feb[col(&headers, "坐席人工费")]);
    let parts: f64 = [
        "工资总额",
        "单位社会保险",
        "单位住房公积金",
        "体检费",
        "工会经费",
        "管理费",
        "生产运营费",
        "残疾人就业保障金",
    ]
    .iter()
    .map(|h| num(&feb[col(&headers, h)]))
    .sum();
    assert!((parts - seat).abs() < 0.005, "{parts} vs {seat}");

    // The overview repeats the key figures.
    let t = sheet(&tables, "概览");
    let r = t
        .rows
        .iter()
        .find(|(_, c)| c.get(1) == Some(&Cell::Text("接通率".into())))
        .unwrap();
    assert!((num(&r.1[2]) - rate).abs() < 1e-12);
}

/// A quarter with one roster: the other months are reported as missing (console and
/// sheets), not solved; staffing needs no roster at all.
#[test]
fn months_without_a_roster_are_reported_missing_not_solved() {
    let dir = dir("q1");
    february_roster(&dir);
    let url = format!("sqlite://{}", s(&dir.join("wf.db")));
    let out = dir.join("q1.xlsx");
    let (code, text_out) = run(&[
        "report",
        "attendance",
        "--period",
        "2026-Q1",
        "--rosters",
        &s(&dir),
        "--db",
        &url,
        "--out",
        &s(&out),
    ]);
    assert_eq!(code, 0, "{text_out}");
    for month in ["2026-01", "2026-03"] {
        assert!(
            text_out.contains(&format!("no roster for {month}")),
            "{text_out}"
        );
    }
    assert!(!text_out.contains("solving"), "{text_out}");
    let tables = read_all(&std::fs::read(&out).unwrap()).unwrap();
    let t = sheet(&tables, "考勤明细");
    let gap = t
        .rows
        .iter()
        .find(|(n, _)| *n == 3)
        .map(|(_, c)| text(&c[0]).to_owned())
        .unwrap();
    assert!(gap.contains("2026-01") && gap.contains("2026-03"), "{gap}");
    let (_, headers) = header(t, "工号");
    same(num(&row(t, "T001")[col(&headers, "合计工时")]), 16.0);

    // Staffing alone reads no roster: an empty folder is fine.
    let empty = dir.join("none");
    std::fs::create_dir_all(&empty).unwrap();
    let (code, text_out) = run(&[
        "report",
        "staffing",
        "--period",
        "2026-W10",
        "--rosters",
        &s(&empty),
        "--out",
        &s(&dir.join("w10.xlsx")),
    ]);
    assert_eq!(code, 0, "{text_out}");
    assert!(text_out.contains("期末在岗 52/52"), "{text_out}");
    assert!(!text_out.contains("no roster"), "{text_out}");

    // Attendance with no roster at all is an error naming the file expected.
    let (code, text_out) = run(&[
        "report",
        "attendance",
        "--period",
        "2026-03-05",
        "--rosters",
        &s(&empty),
        "--out",
        &s(&dir.join("x.xlsx")),
    ]);
    assert_eq!(code, 2, "{text_out}");
    assert!(text_out.contains("roster-2026-03.json"), "{text_out}");
}

#[test]
fn bad_periods_and_monthly_reports_for_a_week_are_refused() {
    let dir = dir("bad");
    let out = s(&dir.join("x.xlsx"));
    let (code, text_out) = run(&["report", "staffing", "--period", "2026-13", "--out", &out]);
    assert_eq!(code, 2, "{text_out}");
    assert!(
        text_out.contains("`2026-13`") && text_out.contains("1–12"),
        "{text_out}"
    );
    let (code, text_out) = run(&["report", "kpi", "--period", "2026-W10", "--out", &out]);
    assert_eq!(code, 2, "{text_out}");
    assert!(text_out.contains("settled by the month"), "{text_out}");
    let (code, text_out) = run(&["report", "cost", "--period", "2026-03-05", "--out", &out]);
    assert_eq!(code, 2, "{text_out}");
    assert!(!Path::new(&out).exists(), "nothing written on an error");
}
