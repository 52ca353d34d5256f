//! The server under bad input and as a browser sees it, through the real binary:
//! - every operation of the API and every page, with each parameter malformed in turn (a
//!   month `a`, `ab`, `中`, `2026-13`, a year `x`, an id `abc`, a period `zzz` …), answers 4xx
//!   — never a dropped connection (a panic) or a 500 — and the server keeps serving;
//! - the API answers its errors as JSON, 401 signed out and 403 for a role without the right;
//! - every answer carries the security headers (a script policy without inline script, no
//!   framing, no sniffing, `no-store` on pages and JSON with personal data), and the pages'
//!   one script is served from the site.

mod common;

use api::web::openapi::{In, OPERATIONS};
use common::http::{api_post, api_token, get, login, session_cookie, start};

fn malformed(name: &str) -> &'static [&'static str] {
    match name {
        "month" => &[
            "a",
            "ab",
            "%E4%B8%AD",
            "2026-13",
            "2026-00",
            "99999-01",
            "2026-3x",
            "",
        ],
        "year" => &["x", "99999", "-1"],
        "period" => &["zzz", "2026-W99", "2026-Q5"],
        "kind" => &["zzz"],
        "limit" => &["abc", "1e9"],
        "id" => &["abc", "-1", "99999999999999999999"],
        _ => &[],
    }
}

fn valid(name: &str) -> &'static str {
    match name {
        "month" => "2026-03",
        "year" => "2026",
        "period" => "2026-03",
        "kind" => "staffing",
        "limit" => "10",
        "id" => "999999",
        "reason" => "test",
        "file_name" => "x.csv",
        _ => "false",
    }
}

#[test]
fn malformed_parameters_get_4xx_and_answers_carry_security_headers() {
    let dir = std::env::temp_dir().join(format!("hw-web-hardening-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rosters")).unwrap();
    let db = format!("sqlite://{}", dir.join("web.db").display());
    let server = start(&db, dir.join("rosters").to_str().unwrap());
    let a = server.addr.as_str();
    let admin = session_cookie(&login(a, "admin", "demo-admin-2026"));
    let token = api_token(a, &admin);

    let mut tried = 0;
    let mut bad = Vec::new();
    for op in OPERATIONS {
        let required: Vec<&(&str, In, bool, &str)> = op
            .params
            .iter()
            .filter(|p| p.2 || malformed(p.0).is_empty() || matches!(p.1, In::Path))
            .collect();
        for (k, p) in op.params.iter().enumerate() {
            for value in malformed(p.0) {
                let mut path = op.path.to_string();
                let mut query = Vec::new();
                for (j, q) in op.params.iter().enumerate() {
                    let v = if j == k { *value } else { valid(q.0) };
                    match q.1 {
                        In::Path => path = path.replace(&format!("{{{}}}", q.0), v),
                        In::Query if j == k || required.iter().any(|r| r.0 == q.0) => {
                            query.push(format!("{}={v}", q.0));
                        }
                        In::Query => {}
                    }
                }
                let url = if query.is_empty() {
                    path
                } else {
                    format!("{path}?{}", query.join("&"))
                };
                let r = if op.method == "get" {
                    get(a, &url, &admin)
                } else {
                    api_post(a, &url, &admin, &token, "application/json", b"{}")
                };
                tried += 1;
                if !(400..500).contains(&r.status) {
                    bad.push(format!("{} {url}: {} {}", op.method, r.status, r.text()));
                } else if url.starts_with("/api/")
                    && !r
                        .header("content-type")
                        .is_some_and(|c| c.starts_with("application/json"))
                {
                    bad.push(format!("{} {url}: {} not JSON", op.method, r.status));
                }
            }
        }
    }
    // Pages.
    for url in [
        "/?month=a",
        "/?month=ab",
        "/?month=%E4%B8%AD",
        "/?month=2026-13",
        "/attendance?month=a",
        "/roster?month=a",
        "/roster?month=2026-00",
        "/roster/progress?month=a",
        "/roster/repair?month=a",
        "/payroll?month=a",
        "/payroll/run/abc/payslip/A001",
        "/compliance?year=x",
        "/policy/performance?month=a",
        "/reports?period=zzz",
        "/staff/%3Cscript%3E/edit",
    ] {
        let r = get(a, url, &admin);
        tried += 1;
        if !(400..500).contains(&r.status) {
            bad.push(format!("get {url}: {}", r.status));
        }
    }
    assert!(tried > 60, "{tried} requests");
    assert!(
        bad.is_empty(),
        "{} of {tried}:\n{}",
        bad.len(),
        bad.join("\n")
    );
    // Still serving.
    assert_eq!(get(a, "/api/me", &admin).status, 200);

    // JSON errors under /api/: signed out 401, a role without the right 403.
    let auditor = session_cookie(&login(a, "auditor", "demo-auditor-2026"));
    for (cookie, path, status) in [
        ("", "/api/staff", 401),
        ("", "/api/me", 401),
        (auditor.as_str(), "/api/staff", 403),
    ] {
        let r = get(a, path, cookie);
        assert_eq!(r.status, status, "{path}: {}", r.text());
        assert!(
            r.header("content-type")
                .is_some_and(|c| c.starts_with("application/json")),
            "{path}: {:?}",
            r.headers
        );
    }

    // Security headers on a page, the log-in page and JSON with personal data.
    for (cookie, path) in [
        (admin.as_str(), "/"),
        ("", "/login"),
        (admin.as_str(), "/api/staff"),
        (admin.as_str(), "/staff"),
    ] {
        let r = get(a, path, cookie);
        assert_eq!(r.status, 200, "{path}");
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("script-src 'self' 'unsafe-inline'")
                && csp.contains("frame-ancestors 'none'"),
            "{path}: {csp}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        // No inline script or event handler on the pages: the policy would block them.
        let body = r.text();
        if path != "/api/staff" {
            assert!(!body.contains("<script>"), "{path} has an inline script");
            for handler in ["onclick=", "onsubmit=", "onchange=", "onload="] {
                assert!(!body.contains(handler), "{path} has {handler}");
            }
            assert!(
                body.contains("<script src=\"/app.js\" defer></script>"),
                "{path}"
            );
        }
    }
    let js = get(a, "/app.js", "");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .is_some_and(|c| c.starts_with("text/javascript")));
    assert!(js.text().contains("data-confirm"));
    // Without TLS the session cookie is not `Secure` (it would not be sent over plain HTTP).
    let r = login(a, "hr", "demo-hr-2026");
    let set = r.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && !set.contains("Secure"),
        "{set}"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Behind TLS (`--behind-tls`): the session cookie is `Secure` and pages send HSTS.
#[test]
fn behind_tls_cookies_are_secure() {
    let dir = std::env::temp_dir().join(format!("hw-web-tls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rosters")).unwrap();
    let db = format!("sqlite://{}", dir.join("web.db").display());
    let server = common::http::start_env(
        &db,
        dir.join("rosters").to_str().unwrap(),
        &[("BEHIND_TLS", "true")],
    );
    let a = server.addr.as_str();
    let r = login(a, "hr", "demo-hr-2026");
    assert_eq!(r.status, 303);
    let set = r.header("set-cookie").unwrap_or_default();
    assert!(set.contains("; Secure"), "{set}");
    let page = get(a, "/", &session_cookie(&r));
    assert!(page
        .header("strict-transport-security")
        .is_some_and(|h| h.starts_with("max-age=")));
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two imports of the same month at once, on SQLite and PostgreSQL: each answers 2xx (the
/// second waits for the first and replaces the same people's days) or a clear 409, never a
/// 500; the month holds one file's records afterwards, not a mix.
#[test]
fn concurrent_imports_of_one_month() {
    common::on_each_database("web-concurrent", None, |db, dir| {
        let server = start(db, dir.join("rosters").to_str().unwrap());
        let a = server.addr.clone();
        let hr = session_cookie(&login(&a, "hr", "demo-hr-2026"));
        let token = api_token(&a, &hr);
        let site = api::reference::load_site(&common::root().join("data/demo")).unwrap();
        let file = |shift: &str| {
            let mut csv = String::from("工号,日期,班次,上班打卡,下班打卡\n");
            for e in &site.employees {
                for day in 1..=31 {
                    let (i, o) = if shift == "A" {
                        ("07:57", "16:02")
                    } else {
                        ("08:27", "17:33")
                    };
                    csv += &format!("{},2026-03-{day:02},{shift},{i},{o}\n", e.id);
                }
            }
            csv
        };
        for round in 0..3 {
            let handles: Vec<_> = ["A", "D"]
                .into_iter()
                .map(|shift| {
                    let (a, hr, token, body) = (a.clone(), hr.clone(), token.clone(), file(shift));
                    std::thread::spawn(move || {
                        api_post(
                            &a,
                            &format!("/api/attendance/import?month=2026-03&file_name={shift}.csv&confirm_replace=true"),
                            &hr,
                            &token,
                            "text/csv",
                            body.as_bytes(),
                        )
                    })
                })
                .collect();
            for h in handles {
                let r = h.join().unwrap();
                assert!(
                    (200..300).contains(&r.status) || r.status == 409,
                    "round {round} on {db}: {} {}",
                    r.status,
                    r.text()
                );
            }
            let list: serde_json::Value =
                serde_json::from_slice(&get(&a, "/api/attendance?month=2026-03", &hr).body)
                    .unwrap();
            let shifts: std::collections::BTreeSet<String> = list["records"]
                .as_array()
                .map(|r| {
                    r.iter()
                        .filter_map(|x| x["shift"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                shifts.len(),
                1,
                "round {round} on {db}: a mix of both files: {shifts:?}"
            );
        }
        drop(server);
    });
}

/// An upload over the 20 MB limit is refused as too large (413), the staff import as the
/// attendance import, not as a broken form (400).
#[test]
fn an_upload_over_the_limit_is_413() {
    let dir = std::env::temp_dir().join(format!("hw-web-413-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rosters")).unwrap();
    let db = format!("sqlite://{}", dir.join("web.db").display());
    let server = start(&db, dir.join("rosters").to_str().unwrap());
    let a = server.addr.as_str();
    let hr = session_cookie(&login(a, "hr", "demo-hr-2026"));
    let token = api_token(a, &hr);
    // The head declares 25 MB and the server answers before the body is sent (a client
    // writing the whole body would meet a closed connection: the answer comes first).
    for path in ["/staff/import", "/attendance/preview"] {
        use std::io::{Read as _, Write as _};
        let mut c = std::net::TcpStream::connect(a).unwrap();
        c.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nCookie: {hr}\r\nX-CSRF-Token: {token}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n",
            25 * 1024 * 1024
        );
        c.write_all(head.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let _ = c.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with("HTTP/1.1 413"), "{path}: {text}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
