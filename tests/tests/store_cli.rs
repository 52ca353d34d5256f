//! Issue 20: the command line works on the store the web app writes, never on the demo files.
//! On one store (a fresh SQLite file, and a fresh PostgreSQL database where given):
//! - HR records a leaver (A005, last day 2026-03-15) and a joiner (A950, from 2026-03-16) in
//!   the web app; then `workforce attendance template` lists the joiner and not the leaver, and
//!   `workforce report staffing` counts one joiner and one leaver;
//! - February is generated and published from the command line; sick leave of A021 for
//!   2026-03-02..04 is recorded and approved in the store; March generated from the command
//!   line then carries February's last week as its history and that leave (no shift of A021
//!   on those days), and `workforce roster check --month` checks the stored March with both.

mod common;

use api::excel::table::{read_all, Cell};
use common::http::{api_post, api_token, login, session_cookie, start};
use common::run;

fn valid_id(first17: &str) -> String {
    format!(
        "{first17}{}",
        api::hr::id_check_char(first17).expect("17 digits")
    )
}

fn cells_text(bytes: &[u8]) -> Vec<String> {
    read_all(bytes)
        .unwrap()
        .iter()
        .flat_map(|t| t.rows.iter().flat_map(|(_, c)| c.iter()))
        .filter_map(|c| match c {
            Cell::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_command_line_reads_the_store_the_web_app_writes() {
    common::on_each_database("store-cli", None, scenario);
}

fn scenario(db: &str, dir: &std::path::Path) {
    // 1. A leaver and a joiner, recorded in the web app.
    {
        let server = start(db, dir.join("rosters").to_str().unwrap());
        let a = server.addr.as_str();
        let hr = session_cookie(&login(a, "hr", "demo-hr-2026"));
        let token = api_token(a, &hr);
        let r = api_post(
            a,
            "/api/staff/A005/deactivate",
            &hr,
            &token,
            "application/json",
            r#"{"left_on": "2026-03-15", "reason": "个人原因辞职"}"#.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let joiner = serde_json::json!({
            "new": true,
            "employee": {"id": "A950", "name": "符新来", "roles": ["agent"], "team": 2,
                          "position": "agent", "grade": 1},
            "hr": {"id": "A950", "name": "符新来", "id_type": "居民身份证",
                   "id_number": valid_id("46040020000316002"), "bank": "中国工商银行儋州分行",
                   "bank_account": "6222024180779990001", "hired_on": "2026-03-16"}
        });
        let r = api_post(
            a,
            "/api/staff",
            &hr,
            &token,
            "application/json",
            joiner.to_string().as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
        drop(server);
    }
    let template = dir.join("template.xlsx");
    let (code, out) = run(&[
        "attendance",
        "template",
        "--month",
        "2026-03",
        "--db",
        db,
        "--out",
        template.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let texts = cells_text(&std::fs::read(&template).unwrap());
    assert!(
        texts.iter().any(|t| t == "A950"),
        "the joiner is on the template"
    );
    // Issue 21: the leaver worked until 03-15, so March's template still
    // lists him; April's does not.
    assert!(
        texts.iter().any(|t| t == "A005"),
        "the leaver is on the template of his last month"
    );
    let april = dir.join("template-04.xlsx");
    let (code, out) = run(&[
        "attendance",
        "template",
        "--month",
        "2026-04",
        "--db",
        db,
        "--out",
        april.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let texts_april = cells_text(&std::fs::read(&april).unwrap());
    assert!(
        !texts_april.iter().any(|t| t == "A005"),
        "the leaver is not on the template of the month after he left"
    );
    assert!(texts_april.iter().any(|t| t == "A950"));
    let (code, out) = run(&[
        "report",
        "staffing",
        "--period",
        "2026-03",
        "--db",
        db,
        "--out",
        dir.join("staffing.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("入职 1 · 离职 1"), "{out}");

    // 2. February generated and published, March's approved leave, March generated.
    let gen = |month: &str, json: &std::path::Path| {
        run(&[
            "roster",
            "--month",
            month,
            "--db",
            db,
            "--quiet",
            "--threads",
            "1",
            "--time-limit",
            "20",
            "--json",
            json.to_str().unwrap(),
        ])
    };
    let feb = dir.join("feb.json");
    let (code, out) = gen("2026-02", &feb);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("无 2026-01 排班"), "{out}");
    let (code, out) = run(&["roster", "publish", "--month", "2026-02", "--db", db]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&[
        "request",
        "leave",
        "--employee",
        "A021",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-04",
        "--kind",
        "sick",
        "--by",
        "hr",
        "--db",
        db,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("#1 recorded"), "{out}");
    let (code, out) = run(&["request", "approve", "1", "--by", "ops", "--db", db]);
    assert_eq!(code, 0, "{out}");
    let mar = dir.join("mar.json");
    let (code, out) = gen("2026-03", &mar);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("2026-02 已发布第 1 版") && out.contains("approved leave from the store: 1"),
        "{out}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&mar).unwrap()).unwrap();
    assert!(
        doc["leave"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["employee"] == "A021"
                && l["kind"] == "sick"
                && l["from"] == "2026-03-02"
                && l["to"] == "2026-03-04"),
        "{}",
        doc["leave"]
    );
    assert!(!doc["assignments"].as_array().unwrap().iter().any(|x| {
        x["employee"] == "A021"
            && ("2026-03-02"..="2026-03-04").contains(&x["date"].as_str().unwrap())
    }));
    // February's last week is March's history: every previous row is a February shift.
    let febdoc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&feb).unwrap()).unwrap();
    let prev = doc["previous"].as_array().unwrap();
    assert!(prev.len() > 100, "{} previous shifts", prev.len());
    for p in prev {
        assert!(
            febdoc["assignments"].as_array().unwrap().iter().any(|x| {
                x["employee"] == p["employee"] && x["date"] == p["date"] && x["shift"] == p["shift"]
            }),
            "{p} is not a February shift"
        );
    }
    // The joiner is rostered from the 16th only; the leaver until his last day, the 15th.
    let days = |who: &str| -> Vec<String> {
        doc["assignments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["employee"] == who)
            .map(|x| x["date"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(days("A005").iter().all(|d| d.as_str() <= "2026-03-15"));
    assert!(!days("A950").is_empty() && days("A950").iter().all(|d| d.as_str() >= "2026-03-16"));
    let (code, out) = run(&["roster", "check", "--month", "2026-03", "--db", db]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("checked with 2026-02 published version 1") && out.contains("OK"),
        "{out}"
    );
}
