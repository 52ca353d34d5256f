//! The web app through the real binary on port 0 with a fresh SQLite file: log-in for every
//! role, the rights of every route for every role (the auditor never reaches an export with
//! ID numbers or bank accounts), attendance upload → located errors (nothing stored) →
//! preview → confirm (CSRF required) → stored and audited, a download, log-out.

mod common;

use common::http::{api_post, csrf_of, get, http, login, multipart, session_cookie, start};
use common::root;

#[test]
fn roles_pages_attendance_upload_and_downloads() {
    common::on_each_database("web", Some("2026-03"), scenario);
}

fn scenario(db: &str, dir: &std::path::Path) {
    let rosters = dir.join("rosters");
    let server = start(db, rosters.to_str().unwrap());
    let a = server.addr.as_str();

    // Not signed in: pages send to the log-in page, the API says 401.
    let r = get(a, "/", "");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    assert_eq!(get(a, "/api/me", "").status, 401);
    assert!(get(a, "/login", "").text().contains("儋州12345"));
    assert!(get(a, "/login", "").text().contains("<title>登录 · "));
    assert!(get(a, "/login?lang=en", "").text().contains("Log in"));
    assert!(get(a, "/login?lang=en", "")
        .text()
        .contains("<title>Log in · "));

    // A wrong password: 401, and no cookie.
    let r = login(a, "hr", "wrong-password");
    assert_eq!(r.status, 401);
    assert!(r
        .header("set-cookie")
        .is_none_or(|c| !c.starts_with("hw_session=")));

    // Every role: the rights table of every route.
    let pages = [
        "/",
        "/attendance",
        "/exports",
        "/audit",
        "/exports/tax?month=2026-03",
        "/exports/bank?month=2026-03",
        "/exports/ledger?month=2026-03",
    ];
    let expected: [(&str, [u16; 7]); 4] = [
        ("admin", [200, 200, 200, 200, 200, 200, 200]),
        ("ops", [200, 403, 403, 403, 403, 403, 403]),
        ("hr", [200, 200, 200, 403, 200, 200, 200]),
        ("auditor", [200, 403, 200, 200, 403, 403, 403]),
    ];
    let mut cookies = std::collections::BTreeMap::new();
    for (user, statuses) in expected {
        let r = login(a, user, &format!("demo-{user}-2026"));
        assert_eq!(r.status, 303, "{user} logs in");
        let cookie = session_cookie(&r);
        let set = r.header("set-cookie").unwrap().to_string();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        for (page, want) in pages.iter().zip(statuses) {
            // Downloads by the roles allowed are checked once below; here the refusals.
            if page.starts_with("/exports/") && want == 200 && user != "hr" {
                continue;
            }
            let r = get(a, page, &cookie);
            assert_eq!(r.status, want, "{user} {page}");
        }
        let me = get(a, "/api/me", &cookie).text();
        assert!(me.contains(&format!("\"username\":\"{user}\"")), "{me}");
        cookies.insert(user, cookie);
    }
    // The auditor's exports page offers the compliance workbook only, and it downloads.
    let page = get(a, "/exports", &cookies["auditor"]).text();
    assert!(page.contains("/exports/compliance?month=2026-03"));
    assert!(!page.contains("/exports/tax?"));
    let r = get(a, "/exports/compliance?month=2026-03", &cookies["auditor"]);
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with(b"PK\x03\x04"), "an xlsx");
    let sheets = api::excel::table::read_all(&r.body).unwrap();
    assert!(!sheets.is_empty());

    // Staff: HR, admin and the operations manager see the list; the auditor does not. HR
    // records the purchaser's replacement request of Thursday 2026-09-24: the deadline is 15
    // working days later by the 2026 calendar, 2026-10-22 (中秋 09-25 and the National Day
    // break skipped, the make-up Saturday 10-10 counted). The operations manager sees ID
    // numbers masked and may not record requests.
    for (user, want) in [("admin", 200), ("ops", 200), ("hr", 200), ("auditor", 403)] {
        assert_eq!(
            get(a, "/staff", &cookies[user]).status,
            want,
            "{user} /staff"
        );
    }
    let staff_page = get(a, "/staff", &cookies["hr"]).text();
    let staff_csrf = csrf_of(&staff_page);
    assert!(staff_page.contains("460400"), "HR sees whole ID numbers");
    let form = "application/x-www-form-urlencoded";
    let r = http(
        a,
        "POST",
        "/staff/replacement",
        &cookies["hr"],
        form,
        format!("csrf={staff_csrf}&employee=A005&requested_on=2026-09-24&reason=complaints")
            .as_bytes(),
    );
    assert_eq!(r.status, 303);
    let ops_page = get(a, "/staff", &cookies["ops"]).text();
    assert!(ops_page.contains("2026-10-22"), "the deadline");
    assert!(
        ops_page.contains("460400********"),
        "masked for the operations manager"
    );
    let ops_csrf = csrf_of(&ops_page);
    let r = http(
        a,
        "POST",
        "/staff/replacement",
        &cookies["ops"],
        form,
        format!("csrf={ops_csrf}&employee=A006&requested_on=2026-09-24&reason=x").as_bytes(),
    );
    assert_eq!(r.status, 403);

    // HR uploads attendance: a broken file shows its problems and stores nothing.
    let hr = cookies["hr"].clone();
    let csrf = csrf_of(&get(a, "/attendance", &hr).text());
    let broken =
        std::fs::read(root().join("tests/fixtures/attendance/broken/20-many-problems.xlsx"))
            .unwrap();
    let (ctype, body) = multipart(
        &[("csrf", &csrf), ("month", "2026-03")],
        ("bad.xlsx", &broken),
    );
    let r = http(a, "POST", "/attendance/preview", &hr, &ctype, &body);
    assert_eq!(r.status, 422);
    let text = r.text();
    assert!(
        text.contains("X998") && text.contains("2026-02-27"),
        "the problems are listed"
    );
    // In the page's language (Chinese by default): what was expected and what was found.
    assert!(
        text.contains("查无此人“X998”") && text.contains("花名册中的"),
        "the problems in Chinese: {text}"
    );
    assert!(
        !text.contains("unknown employee") && !text.contains("(date outside the month)"),
        "no English problem text on the Chinese page"
    );
    // A good file: preview, then confirm; without the CSRF token the confirm is refused.
    let good =
        std::fs::read(root().join("tests/fixtures/attendance/good/template-2026-03.xlsx")).unwrap();
    let (ctype, body) = multipart(
        &[("csrf", &csrf), ("month", "2026-03")],
        ("good.xlsx", &good),
    );
    let r = http(a, "POST", "/attendance/preview", &hr, &ctype, &body);
    assert_eq!(r.status, 200);
    let text = r.text();
    let at = text.find("name=\"pending\" value=\"").unwrap() + 22;
    let pending = text[at..at + 32].to_string();
    let form = "application/x-www-form-urlencoded";
    let r = http(
        a,
        "POST",
        "/attendance/confirm",
        &hr,
        form,
        format!("pending={pending}").as_bytes(),
    );
    assert_eq!(r.status, 403, "no CSRF token");
    let r = http(
        a,
        "POST",
        "/attendance/confirm",
        &hr,
        form,
        format!("csrf={csrf}&pending={pending}").as_bytes(),
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("good.xlsx"), "the import is listed");
    // The audit log (admin) shows the import with its actor.
    let audit = get(a, "/audit", &cookies["admin"]).text();
    assert!(audit.contains("attendance.import") && audit.contains("good.xlsx"));
    assert!(audit.contains("login.failed"));

    // The JSON API: the CSRF token comes with /api/me; a broken file gives every problem as
    // JSON with 422; a dry run stores nothing; without the token, or as the auditor, refused.
    let me = get(a, "/api/me", &hr).text();
    let at = me.find("\"csrf\":\"").unwrap() + 8;
    let token = me[at..at + 32].to_string();
    let json_post = |cookie: &str, path: &str, token: &str, body: &[u8]| {
        let r = api_post(a, path, cookie, token, "application/octet-stream", body);
        (r.status, r.text())
    };
    let (status, raw) = json_post(&hr, "/api/attendance/import?month=2026-03", &token, &broken);
    assert_eq!(status, 422, "{raw}");
    assert!(
        raw.contains("\"problems\"") && raw.contains("X998"),
        "{raw}"
    );
    // JSON gives each problem in both languages.
    assert!(
        raw.contains("\"found\":\"unknown employee \\\"X998\\\"\"")
            && raw.contains("\"found_zh\":\"查无此人“X998”\""),
        "{raw}"
    );
    let (status, raw) = json_post(
        &hr,
        "/api/attendance/import?month=2026-03&dry_run=true",
        &token,
        &good,
    );
    assert_eq!(status, 200, "{raw}");
    assert!(raw.contains("\"dry_run\":true"), "{raw}");
    let (status, _) = json_post(
        &hr,
        "/api/attendance/import?month=2026-03",
        "wrong-token",
        &good,
    );
    assert_eq!(status, 403);
    let (status, _) = json_post(
        &cookies["auditor"],
        "/api/attendance/import?month=2026-03",
        &token,
        &good,
    );
    assert_eq!(status, 403);
    let listed = get(a, "/api/attendance?month=2026-03", &hr).text();
    assert!(listed.contains("good.xlsx"), "{listed}");

    // Differences between the roster and the stored attendance, for HR to confirm: the
    // manager M001 is rostered on March's working days and has no record in the file, so
    // "no attendance" (无考勤记录) is among them; confirming it (with a note) is stored,
    // shown and audited; a difference the month does not have is refused; the auditor may
    // not confirm.
    let diffs = |cookie: &str| -> serde_json::Value {
        serde_json::from_slice(&get(a, "/api/attendance/differences?month=2026-03", cookie).body)
            .unwrap()
    };
    let d = diffs(&hr);
    assert_eq!(d["reconciled"], true);
    let m001 = d["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["employee"] == "M001" && x["kind"] == "no_attendance")
        .unwrap_or_else(|| panic!("M001 without attendance: {d}"))
        .clone();
    assert!(m001["confirmed_by"].is_null());
    let page = get(a, "/attendance?month=2026-03", &hr).text();
    assert!(
        page.contains("无考勤记录") && page.contains("M001|"),
        "the page lists it"
    );
    let item = format!(
        r#"{{"month":"2026-03","note":"经理外出开会，考勤另报","items":[{{"employee":"M001","date":"{}","kind":"no_attendance"}}]}}"#,
        m001["date"].as_str().unwrap()
    );
    let r = api_post(
        a,
        "/api/attendance/differences/confirm",
        &cookies["auditor"],
        &token,
        "application/json",
        item.as_bytes(),
    );
    assert_eq!(r.status, 403);
    let r = api_post(
        a,
        "/api/attendance/differences/confirm",
        &hr,
        &token,
        "application/json",
        item.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("\"confirmed\":1"), "{}", r.text());
    let bogus = r#"{"month":"2026-03","items":[{"employee":"M001","date":"2026-03-31","kind":"shift_swapped"}]}"#;
    let r = api_post(
        a,
        "/api/attendance/differences/confirm",
        &hr,
        &token,
        "application/json",
        bogus.as_bytes(),
    );
    assert_eq!(r.status, 400, "{}", r.text());
    let d = diffs(&hr);
    let again = d["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["employee"] == "M001" && x["kind"] == "no_attendance")
        .unwrap();
    assert_eq!(again["confirmed_by"], "hr");
    assert_eq!(again["note"], "经理外出开会，考勤另报");
    assert!(get(a, "/api/audit", &cookies["admin"])
        .text()
        .contains("attendance.difference.confirm"));
    assert_eq!(get(a, "/api/audit", &cookies["auditor"]).status, 200);
    assert_eq!(get(a, "/api/audit", &hr).status, 403);

    // Log-out ends the session.
    let r = http(
        a,
        "POST",
        "/logout",
        &hr,
        form,
        format!("csrf={csrf}").as_bytes(),
    );
    assert_eq!(r.status, 303);
    assert_eq!(get(a, "/api/me", &hr).status, 401);
    drop(server);
}
