//! Payroll runs and the compliance page through the real binary on port 0 with a fresh SQLite
//! file: HR runs March as a draft, sees the totals and a payslip (the net total is the sum of
//! the people's nets), approves it (then a second run or approval is refused with 409), and
//! downloads the register from the stored run; the auditor sees the compliance page (the
//! floor, no ID number or bank account) but no payroll page or run export; ops sees neither.

mod common;

use std::str::FromStr as _;

use common::http::{csrf_of, get, http, login, session_cookie, start};
use common::root;
use rust_decimal::Decimal;

const FORM: &str = "application/x-www-form-urlencoded";

fn amount(text: &str) -> Decimal {
    let digits: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    Decimal::from_str(&digits).unwrap_or_else(|_| panic!("an amount: `{text}`"))
}

/// The texts between `start` and the next `<`, every occurrence.
fn all_after<'a>(page: &'a str, start: &str) -> Vec<&'a str> {
    page.match_indices(start)
        .map(|(i, _)| {
            let rest = &page[i + start.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect()
}

fn sign_in(a: &str, user: &str) -> String {
    let r = login(a, user, &format!("demo-{user}-2026"));
    assert_eq!(r.status, 303, "{user} logs in");
    session_cookie(&r)
}

#[test]
fn run_review_approve_export_and_compliance() {
    common::on_each_database("web-payroll", Some("2026-03"), scenario);
}

fn scenario(db: &str, dir: &std::path::Path) {
    let rosters = dir.join("rosters");
    let server = start(db, rosters.to_str().unwrap());
    let a = server.addr.as_str();

    let hr = sign_in(a, "hr");
    let auditor = sign_in(a, "auditor");
    let ops = sign_in(a, "ops");

    // Rights: the auditor and ops never see the payroll pages.
    assert_eq!(get(a, "/payroll?month=2026-03", &auditor).status, 403);
    assert_eq!(get(a, "/payroll?month=2026-03", &ops).status, 403);
    assert_eq!(get(a, "/compliance", &ops).status, 403);

    // HR runs March: the POST computes the draft (bounded wait) and sends back to the page.
    let page = get(a, "/payroll?month=2026-03", &hr);
    assert_eq!(page.status, 200);
    let csrf = csrf_of(&page.text());
    let r = http(a, "POST", "/payroll/run", &hr, FORM, b"month=2026-03");
    assert_eq!(r.status, 403, "no CSRF token");
    let started = std::time::Instant::now();
    let r = http(
        a,
        "POST",
        "/payroll/run",
        &hr,
        FORM,
        format!("csrf={csrf}&month=2026-03").as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    assert!(started.elapsed().as_secs() < 60, "the run finishes in time");
    let page = get(a, "/payroll?month=2026-03", &hr).text();
    assert!(
        page.contains("/payroll/run/1/approve"),
        "a draft to approve"
    );
    let net_total = amount(all_after(&page, "id=\"net-total\">")[0]);
    let nets: Vec<Decimal> = all_after(&page, "class=\"n net\">")
        .into_iter()
        .map(amount)
        .collect();
    assert!(nets.len() >= 50, "one row per person: {}", nets.len());
    assert_eq!(nets.iter().copied().sum::<Decimal>(), net_total);
    assert!(net_total > Decimal::ZERO);

    // A payslip: every line with its formula, and the totals.
    let at = page.find("/payroll/run/1/payslip/").unwrap();
    let link = &page[at..at + page[at..].find('"').unwrap()];
    let slip = get(a, link, &hr);
    assert_eq!(slip.status, 200);
    let slip = slip.text();
    assert!(
        slip.contains("实发合计") && slip.contains("计算方法"),
        "{slip}"
    );

    // Approve; then the month is immutable.
    let r = http(
        a,
        "POST",
        "/payroll/run/1/approve",
        &hr,
        FORM,
        format!("csrf={csrf}").as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let r = http(
        a,
        "POST",
        "/payroll/run/1/approve",
        &hr,
        FORM,
        format!("csrf={csrf}").as_bytes(),
    );
    assert_eq!(r.status, 409);
    let r = http(
        a,
        "POST",
        "/payroll/run",
        &hr,
        FORM,
        format!("csrf={csrf}&month=2026-03").as_bytes(),
    );
    assert_eq!(r.status, 409);
    // In the page's language: Chinese by default, English on ?lang=en.
    assert!(r.text().contains("已审批的核算不可更改"), "{}", r.text());
    let r = http(
        a,
        "POST",
        "/payroll/run?lang=en",
        &hr,
        FORM,
        format!("csrf={csrf}&month=2026-03").as_bytes(),
    );
    assert_eq!(r.status, 409);
    assert!(
        r.text().contains("approved runs are immutable"),
        "{}",
        r.text()
    );

    // The JSON twins: the runs, the stored run, and the refusals (no token; approved).
    let runs = get(a, "/api/payroll/runs?month=2026-03", &hr).text();
    assert!(runs.contains("\"status\":\"approved\""), "{runs}");
    let stored = get(a, "/api/payroll/run/1", &hr);
    assert_eq!(stored.status, 200);
    assert!(stored.text().contains(&format!("\"net\":\"{net_total}\"")));
    assert_eq!(get(a, "/api/payroll/run/1", &auditor).status, 403);
    let me = get(a, "/api/me", &hr).text();
    let at = me.find("\"csrf\":\"").unwrap() + 8;
    let token = me[at..at + 32].to_string();
    let body = br#"{"month":"2026-03"}"#;
    assert_eq!(json_post(a, "/api/payroll/run", &hr, "", body), 403);
    assert_eq!(json_post(a, "/api/payroll/run", &hr, &token, body), 409);
    assert_eq!(
        json_post(a, "/api/payroll/run/1/approve", &hr, &token, b""),
        409
    );

    // The register from the stored run reads back with the same net total.
    let r = get(a, "/payroll/run/1/export/payroll", &hr);
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-disposition")
        .is_some_and(|d| d.contains("attachment")));
    let sheets = api::excel::table::read_all(&r.body).unwrap();
    let rows = &sheets[0].rows;
    let (_, header) = rows
        .iter()
        .find(|(_, cells)| cells.iter().any(|c| cell_text(c) == "实发合计"))
        .unwrap();
    let col = header
        .iter()
        .position(|c| cell_text(c) == "实发合计")
        .expect("a 实发合计 column");
    let (_, total) = rows
        .iter()
        .rev()
        .find(|(_, cells)| cells.first().is_some_and(|c| cell_text(c) == "合计"))
        .expect("a totals row");
    let api::excel::table::Cell::Number(v) = total[col] else {
        panic!("a number: {:?}", total[col]);
    };
    assert_eq!(Decimal::from_str(&format!("{v:.2}")).unwrap(), net_total);
    for kind in ["payslips", "ledger", "tax", "bank"] {
        let r = get(a, &format!("/payroll/run/1/export/{kind}"), &hr);
        assert_eq!(r.status, 200, "{kind}");
        assert!(r.body.starts_with(b"PK\x03\x04"), "{kind}: an xlsx");
    }

    // The auditor: compliance yes (the floor, no personal fields), run exports no.
    let r = get(a, "/compliance?year=2026", &auditor);
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains("3,939,313.45"), "the floor is shown");
    assert!(page.contains("<svg"), "the chart");
    let hr_toml = std::fs::read_to_string(root().join("data/demo/hr.toml")).unwrap();
    let mut personal = 0;
    for line in hr_toml.lines() {
        for key in ["id_number = \"", "bank_account = \""] {
            if let Some(v) = line.strip_prefix(key) {
                let v = v.trim_end_matches('"');
                personal += 1;
                assert!(!page.contains(v), "{key}{v} shown to the auditor");
            }
        }
    }
    assert!(personal >= 100, "the ID numbers and accounts were checked");
    // The overview shows the same year to date as the compliance page, with the chart, and
    // the month's cover (the demo March roster has no cover shortfall: every seat filled).
    let ytd = all_after(&page, "compliance_ytd_value\">")
        .first()
        .map(|s| s.to_string())
        .expect("the compliance page's year to date");
    let home = get(a, "/?month=2026-03", &ops).text();
    assert!(home.contains(&ytd), "overview YTD {ytd}");
    assert!(!home.contains("¥¥"), "one currency sign");
    assert!(home.contains("<svg"), "the overview's chart");
    assert!(home.contains("100.0%"), "March cover");
    let json = get(a, "/api/compliance?year=2026", &auditor);
    assert_eq!(json.status, 200);
    let json = json.text();
    assert!(
        json.contains("\"coverage_met\"") && json.contains("3939313.45"),
        "{json}"
    );
    assert!(!json.contains("id_number") && !json.contains("bank_account"));
    for kind in ["payroll", "payslips", "ledger", "tax", "bank"] {
        let r = get(a, &format!("/payroll/run/1/export/{kind}"), &auditor);
        assert_eq!(r.status, 403, "{kind}");
    }
    let at = page.find("/compliance/export/").expect("a workbook link");
    let link = &page[at..at + page[at..].find('"').unwrap()];
    let r = get(a, link, &auditor);
    assert_eq!(r.status, 200);
    assert!(!api::excel::table::read_all(&r.body).unwrap().is_empty());

    // Audited.
    let admin = sign_in(a, "admin");
    let audit = get(a, "/audit", &admin).text();
    assert!(audit.contains("payroll.run") && audit.contains("payroll.approve"));
    drop(server);
}

fn json_post(a: &str, path: &str, cookie: &str, token: &str, body: &[u8]) -> u16 {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(a).unwrap();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nCookie: {cookie}\r\nX-CSRF-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    raw.split(' ').nth(1).unwrap().parse().unwrap()
}

fn cell_text(c: &api::excel::table::Cell) -> String {
    match c {
        api::excel::table::Cell::Text(t) => t.split_whitespace().collect(),
        _ => String::new(),
    }
}
