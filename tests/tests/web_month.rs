//! The whole month on one real server (port 0, a fresh SQLite file, and a fresh PostgreSQL
//! database where given), as the three people do it, through the JSON API:
//! - the operations manager generates March 2026 (background solve, 20 s) and publishes it;
//! - HR imports the month's attendance — written from the published roster, everyone at
//!   their shift's times, except one deliberate absence — sees exactly that person-day as
//!   排班未出勤 among the differences, confirms it, runs payroll as a draft (paid from the
//!   reconciled attendance: the absent day is deducted), approves it, downloads every export;
//! - the auditor reads the compliance view and workbook, never an ID number or bank account,
//!   and cannot reach payroll runs.

mod common;

use std::time::{Duration, Instant};

use common::http::{api_post, api_token, get, login, session_cookie, start};
use common::root;

const JSON: &str = "application/json";

fn json(r: &common::http::Reply) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

#[test]
fn a_whole_month_by_every_role() {
    common::on_each_database("web-month", None, month);
}

fn month(db: &str, dir: &std::path::Path) {
    let server = start(db, dir.join("rosters").to_str().unwrap());
    let a = server.addr.as_str();
    let sign_in = |user: &str| {
        let c = session_cookie(&login(a, user, &format!("demo-{user}-2026")));
        let t = api_token(a, &c);
        (c, t)
    };
    let (ops, ops_t) = sign_in("ops");
    let (hr, hr_t) = sign_in("hr");
    let (auditor, _) = sign_in("auditor");
    let m = "2026-03";

    // 1. Ops generates and publishes.
    let r = api_post(
        a,
        "/api/roster/generate",
        &ops,
        &ops_t,
        JSON,
        br#"{"month": "2026-03", "time_limit": 20}"#,
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let p = json(&get(a, &format!("/api/roster/progress?month={m}"), &ops));
        if p["running"] == false {
            assert_eq!(p["status"], "done", "{p}");
            break;
        }
        assert!(Instant::now() < deadline, "still solving: {p}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let r = api_post(
        a,
        "/api/roster/publish",
        &ops,
        &ops_t,
        JSON,
        br#"{"month": "2026-03"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let stored = json(&get(a, &format!("/api/roster?month={m}"), &hr));
    assert_eq!(stored["published"], true);
    assert_eq!(
        stored["violations"],
        serde_json::json!([]),
        "a valid roster"
    );
    let doc: scheduler::RosterFile = serde_json::from_value(stored["roster"].clone()).unwrap();

    // 2. HR: attendance from the published roster, one rostered day of A010 left out.
    let times: std::collections::HashMap<&str, (&str, &str)> = doc
        .problem
        .shifts
        .iter()
        .map(|s| (s.code.as_str(), (s.start.as_str(), s.end.as_str())))
        .collect();
    let absent = doc
        .roster
        .assignments
        .iter()
        .find(|x| x.employee == "A010")
        .expect("A010 works in March")
        .clone();
    let mut csv = String::from("工号,日期,班次,上班打卡,下班打卡\n");
    for x in &doc.roster.assignments {
        if x.employee == absent.employee && x.date == absent.date {
            continue;
        }
        let (start, end) = times[x.shift.as_str()];
        let end = if end == "24:00" { "00:00" } else { end };
        csv += &format!("{},{},{},{start},{end}\n", x.employee, x.date, x.shift);
    }
    let r = api_post(
        a,
        "/api/attendance/import?month=2026-03&file_name=march.csv",
        &hr,
        &hr_t,
        "text/csv",
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        json(&r)["import"]["inserted"].as_u64().unwrap() as usize,
        doc.roster.assignments.len() - 1
    );
    // Exactly one difference: A010's missing day, rostered and absent.
    let d = json(&get(
        a,
        &format!("/api/attendance/differences?month={m}"),
        &hr,
    ));
    let list = d["differences"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{d}");
    assert_eq!(list[0]["employee"], "A010");
    assert_eq!(list[0]["date"], absent.date.to_string());
    assert_eq!(list[0]["kind"], "rostered_absent");
    // The payroll page says one difference is still to confirm, until it is confirmed.
    let page = get(a, &format!("/payroll?month={m}"), &hr).text();
    assert!(page.contains("1 处排班与考勤差异尚未确认"), "{page}");
    let confirm = format!(
        r#"{{"month":"2026-03","note":"旷工一天，已与本人核实","items":[{{"employee":"A010","date":"{}","kind":"rostered_absent"}}]}}"#,
        absent.date
    );
    let r = api_post(
        a,
        "/api/attendance/differences/confirm",
        &hr,
        &hr_t,
        JSON,
        confirm.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    let page = get(a, &format!("/payroll?month={m}"), &hr).text();
    assert!(!page.contains("尚未确认"), "nothing left to confirm");

    // Payroll: a draft from the reconciled attendance, then approved.
    let r = api_post(
        a,
        "/api/payroll/run",
        &hr,
        &hr_t,
        JSON,
        br#"{"month": "2026-03"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = json(&r)["id"].as_i64().unwrap();
    let run = json(&get(a, &format!("/api/payroll/run/{id}"), &hr));
    let text = run.to_string();
    let slip = run["payroll"]["payslips"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["employee_id"] == "A010")
        .expect("A010's payslip");
    assert!(
        slip.to_string().contains("旷工") || slip.to_string().contains("absence"),
        "the absent day is on A010's payslip: {slip}"
    );
    assert!(text.contains("\"employee_id\":\"A001\""));
    let r = api_post(
        a,
        &format!("/api/payroll/run/{id}/approve"),
        &hr,
        &hr_t,
        JSON,
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // Every export, from the stored run and computed now; each a workbook with rows.
    for kind in ["payroll", "payslips", "ledger", "tax", "bank"] {
        for path in [
            format!("/payroll/run/{id}/export/{kind}"),
            format!("/exports/{kind}?month={m}"),
        ] {
            let r = get(a, &path, &hr);
            assert_eq!(r.status, 200, "{path}");
            let sheets = api::excel::table::read_all(&r.body).unwrap();
            assert!(
                sheets.iter().any(|t| t.rows.len() > 50),
                "{path}: a row per person"
            );
        }
    }
    let r = get(a, &format!("/compliance/export/{id}"), &auditor);
    assert_eq!(r.status, 200);
    assert!(!api::excel::table::read_all(&r.body).unwrap().is_empty());

    // 3. The auditor: compliance yes, no personal field anywhere in it; payroll no.
    let page = get(a, "/compliance?year=2026", &auditor).text();
    let view = get(a, "/api/compliance?year=2026", &auditor).text();
    assert!(page.contains("3,939,313.45"));
    let hr_toml = std::fs::read_to_string(root().join("data/demo/hr.toml")).unwrap();
    for line in hr_toml.lines() {
        for key in ["id_number = \"", "bank_account = \""] {
            if let Some(v) = line.strip_prefix(key) {
                let v = v.trim_end_matches('"');
                assert!(
                    !page.contains(v) && !view.contains(v),
                    "{v} shown to the auditor"
                );
            }
        }
    }
    assert_eq!(
        get(a, &format!("/api/payroll/run/{id}"), &auditor).status,
        403
    );
    assert_eq!(
        get(a, &format!("/payroll/run/{id}/export/bank"), &auditor).status,
        403
    );
    // Everyone's steps are in the audit log.
    let (admin, _) = sign_in("admin");
    let audit = get(a, "/api/audit?limit=500", &admin).text();
    for action in [
        "roster.generate",
        "roster.publish",
        "attendance.import",
        "attendance.difference.confirm",
        "payroll.run",
        "payroll.approve",
        "export.download",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    drop(server);
}
