//! The periodic reports and the policy documents through the real server on port 0 (SQLite,
//! and PostgreSQL where given), on the demo site with March 2026 solved into the store.
//!
//! Figures worked by hand from the demo data: all 53 people (52 on post, the reserve R001)
//! are hired on 2026-01-01 and nobody has left. HR records A005's leaving, last day
//! 2026-03-15. Attrition = leavers ÷ average headcount, average = (start + end) ÷ 2, where the
//! start is the headcount when the day before the period is over (`api::report::staffing`):
//! - March: start 53 (52 on post + 1 reserve), end 52 (51 + 1), leavers 1, joiners 0;
//!   average (53 + 52) ÷ 2 = 52.5; attrition 1 ÷ 52.5 = 2/105 ≈ 1.90 %;
//! - February: start = end = 53, nobody moves: attrition 0;
//! - Q1: start 0 (nobody employed on 2025-12-31), joiners 53, leavers 1, end 52; average
//!   (0 + 52) ÷ 2 = 26; attrition 1 ÷ 26.
//!
//! The service report of February, with the demo call history uploaded, counts the calls
//! offered and answered that this test sums from the CSV itself.

mod common;

use std::str::FromStr;

use api::excel::table::{read_all, Cell};
use common::http::{api_post, api_token, get, http, login, multipart, session_cookie, start};
use rust_decimal::Decimal;

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

fn json(a: &str, path: &str, cookie: &str) -> serde_json::Value {
    let r = get(a, path, cookie);
    assert_eq!(r.status, 200, "{path}: {}", r.text());
    serde_json::from_slice(&r.body).unwrap()
}

fn dec(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("a decimal string: {v}")),
    )
    .unwrap()
}

/// Calls offered and answered on the dates starting with `prefix`, summed from the CSV.
fn calls(prefix: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(common::root().join("data/demo/call-history.csv")).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (date, offered, answered) = (col("日期"), col("呼入量"), col("接通量"));
    let mut sum = (0, 0);
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        if f[date].starts_with(prefix) {
            sum.0 += f[offered].parse::<u64>().unwrap();
            sum.1 += f[answered].parse::<u64>().unwrap();
        }
    }
    sum
}

#[test]
fn reports_and_policy_documents_on_the_web() {
    common::on_each_database("web-reports", Some("2026-03"), scenario);
}

fn scenario(db: &str, dir: &std::path::Path) {
    let server = start(db, dir.join("rosters").to_str().unwrap());
    let a = server.addr.as_str();
    let hr = session_cookie(&login(a, "hr", "demo-hr-2026"));
    let ops = session_cookie(&login(a, "ops", "demo-ops-2026"));
    let auditor = session_cookie(&login(a, "auditor", "demo-auditor-2026"));

    // Every role sees the reports, and the navigation links them; no session: sign in.
    for c in [&hr, &ops, &auditor] {
        let r = get(a, "/reports", c);
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.text().contains("href=\"/reports\""), "nav link");
    }
    assert_eq!(get(a, "/api/reports", "").status, 401);
    assert_eq!(get(a, "/reports", "").status, 303);

    // Before anyone leaves: February has no moves.
    let feb = json(a, "/api/reports?kind=staffing&period=2026-02", &auditor);
    let s = &feb["staffing"];
    assert_eq!(
        (s["start"]["total"].as_u64(), s["end"]["total"].as_u64()),
        (Some(53), Some(53))
    );
    assert_eq!(dec(&s["attrition"]), Decimal::ZERO);

    // HR records A005's leaving, last day 2026-03-15.
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

    // March: start 53, end 52, one leaver, average 52.5, attrition 1 ÷ 52.5.
    let march = json(a, "/api/reports?kind=staffing&period=2026-03", &auditor);
    let s = &march["staffing"];
    assert_eq!(march["period"], "2026-03");
    assert_eq!(s["start"]["on_post"], 52);
    assert_eq!(s["start"]["reserve"], 1);
    assert_eq!(s["end"]["on_post"], 51);
    assert_eq!(s["end"]["reserve"], 1);
    assert_eq!(s["contracted"], 52);
    assert_eq!(s["joiners"].as_array().unwrap().len(), 0);
    let leavers = s["leavers"].as_array().unwrap();
    assert_eq!(leavers.len(), 1);
    assert_eq!(
        (leavers[0]["id"].as_str(), leavers[0]["date"].as_str()),
        (Some("A005"), Some("2026-03-15"))
    );
    let average = Decimal::new(525, 1);
    assert_eq!(dec(&s["average_headcount"]), average);
    assert_eq!(dec(&s["attrition"]), Decimal::ONE / average);
    let rate: f64 = s["attrition"].as_str().unwrap().parse().unwrap();
    assert!((rate - 2.0 / 105.0).abs() < 1e-12, "{rate}");
    assert!(march["gaps"].as_array().unwrap().is_empty(), "{march}");

    // The quarter: everyone joined on 2026-01-01, so the start is 0 and the average 26.
    let q1 = json(a, "/api/reports?kind=staffing&period=2026-Q1", &auditor);
    let s = &q1["staffing"];
    assert_eq!(
        (s["start"]["total"].as_u64(), s["end"]["total"].as_u64()),
        (Some(0), Some(52))
    );
    assert_eq!(s["joiners"].as_array().unwrap().len(), 53);
    assert_eq!(dec(&s["average_headcount"]), Decimal::from(26));
    assert_eq!(dec(&s["attrition"]), Decimal::ONE / Decimal::from(26));

    // The page shows the same figures (1 ÷ 52.5 = 1.90 %), with the download link.
    let page = get(a, "/reports?kind=staffing&period=2026-03", &auditor).text();
    for want in [
        "id=\"staffing_leavers\">1<",
        "id=\"staffing_joiners\">0<",
        "id=\"staffing_average\">52.5<",
        "id=\"staffing_attrition\">1.90%<",
        "id=\"staffing_on_post\">51 / 52<",
        "A005",
        // minijinja escapes the slashes of the link.
        "id=\"report_download\"",
        "download?kind=staffing&amp;period=2026-03",
    ] {
        assert!(page.contains(want), "{want} not on the page");
    }
    let en = get(a, "/reports?kind=staffing&period=2026-03&lang=en", &auditor).text();
    assert!(en.contains("Attrition") && en.contains("1.90%"));

    // The workbook: an xlsx named for the kind and period, with the leaver on it.
    let r = get(
        a,
        "/reports/download?kind=staffing&period=2026-03",
        &auditor,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.body.starts_with(b"PK"), "a zip");
    assert!(r.header("content-type").unwrap().contains("spreadsheetml"));
    let cd = r.header("content-disposition").unwrap();
    assert!(
        cd.starts_with("attachment") && cd.contains("report-staffing-2026-03.xlsx"),
        "{cd}"
    );
    let texts = cells_text(&r.body);
    assert!(texts.iter().any(|t| t.contains("A005")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("流失率")), "{texts:?}");

    // Bad periods and kinds: 400, naming the expected forms.
    for path in [
        "/api/reports?period=2026-13",
        "/api/reports?period=March",
        "/reports/download?period=2026-W60",
    ] {
        let r = get(a, path, &auditor);
        assert_eq!(r.status, 400, "{path}: {}", r.text());
        assert!(
            r.text().contains("2026-W10") && r.text().contains("2026-Q1"),
            "{}",
            r.text()
        );
    }
    let r = get(a, "/reports?kind=staffing&period=March", &auditor);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("id=\"report_error\""));
    assert_eq!(
        get(a, "/api/reports?kind=payroll&period=2026-03", &auditor).status,
        400
    );
    // KPI is settled by the month: not for a week.
    assert_eq!(
        get(a, "/api/reports?kind=kpi&period=2026-W10", &auditor).status,
        400
    );

    // The service report needs the call history: without it a clear 400; uploaded, the calls
    // of February are the CSV's.
    let r = get(a, "/reports/download?kind=service&period=2026-02", &auditor);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("话务报表需要话务历史"), "{}", r.text());
    let r = get(
        a,
        "/reports/download?kind=service&period=2026-02&lang=en",
        &auditor,
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains("call history"), "{}", r.text());
    assert_eq!(
        get(a, "/api/reports?kind=service&period=2026-02", &auditor).status,
        400
    );
    let history = std::fs::read(common::root().join("data/demo/call-history.csv")).unwrap();
    let auditor_token = api_token(a, &auditor);
    let (ctype, body) = multipart(
        &[
            ("csrf", auditor_token.as_str()),
            ("kind", "service"),
            ("period", "2026-02"),
        ],
        ("call-history.csv", &history),
    );
    let r = http(a, "POST", "/reports/service", &auditor, &ctype, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let (offered, answered) = calls("2026-02");
    let page = r.text();
    assert!(
        page.contains(&format!("id=\"service_offered\">{offered}<")),
        "offered {offered}"
    );
    assert!(
        page.contains(&format!("{answered} · ")),
        "answered {answered}"
    );
    // Without the CSRF token: refused.
    let (ctype, body) = multipart(
        &[("kind", "service"), ("period", "2026-02")],
        ("h.csv", &history),
    );
    assert_eq!(
        http(a, "POST", "/reports/service", &auditor, &ctype, &body).status,
        403
    );
    // The same upload as a workbook.
    let (ctype, body) = multipart(
        &[
            ("csrf", auditor_token.as_str()),
            ("kind", "service"),
            ("period", "2026-02"),
            ("format", "xlsx"),
        ],
        ("call-history.csv", &history),
    );
    let r = http(a, "POST", "/reports/service", &auditor, &ctype, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.body.starts_with(b"PK"));
    assert!(r
        .header("content-disposition")
        .unwrap()
        .contains("report-service-2026-02.xlsx"));
    // An "all" report without an upload still builds, the service part named as missing.
    let (ctype, body) = multipart(
        &[
            ("csrf", auditor_token.as_str()),
            ("kind", "all"),
            ("period", "2026-03"),
        ],
        ("", b""),
    );
    let r = http(a, "POST", "/reports/service", &auditor, &ctype, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("没有上传话务记录"));
    assert!(r.text().contains("id=\"staffing_leavers\">1<"));

    // The policy documents of March: each page carries its title; the Word download; the list.
    for (name, title) in [
        ("pay-structure", "工作人员薪酬体系"),
        ("performance", "绩效考核办法"),
        ("attendance", "工作人员考勤管理制度"),
    ] {
        let r = get(a, &format!("/policy/{name}?month=2026-03"), &ops);
        assert_eq!(r.status, 200, "{name}: {}", r.text());
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        assert!(r.text().contains(title), "{name}: {title}");
        let w = get(a, &format!("/policy/{name}.doc?month=2026-03"), &ops);
        assert_eq!(w.status, 200);
        assert_eq!(w.header("content-type"), Some("application/msword"));
        assert!(w
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment"));
        assert!(w.text().contains(title));
    }
    // By the Chinese file stem (考勤管理制度), and ?format=doc.
    let r = get(
        a,
        "/policy/%E8%80%83%E5%8B%A4%E7%AE%A1%E7%90%86%E5%88%B6%E5%BA%A6?month=2026-03&format=doc",
        &auditor,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/msword"));
    assert_eq!(
        get(a, "/policy/holidays?month=2026-03", &auditor).status,
        404
    );
    assert_eq!(
        get(a, "/policy/performance?month=2026-13", &auditor).status,
        400
    );
    let p = json(a, "/api/policy?month=2026-03", &auditor);
    let titles: Vec<&str> = p["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "《工作人员薪酬体系》",
            "《绩效考核办法》",
            "《工作人员考勤管理制度》"
        ]
    );
    assert!(p["documents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| !d["version"].as_str().unwrap().is_empty()));
    // The reports page lists them with view and download links.
    let page = get(a, "/reports?month=2026-03", &auditor).text();
    for t in [
        "《工作人员薪酬体系》",
        "《绩效考核办法》",
        "《工作人员考勤管理制度》",
    ] {
        assert!(page.contains(t), "{t}");
    }
    assert!(page.contains("performance.doc?month=2026-03"));
}
