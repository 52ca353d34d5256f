//! The roster pages through the real binary on port 0 with a fresh SQLite file and an empty
//! rosters folder: ops generates March 2026 in the background (a second request is refused
//! while it runs), progress is polled until done, the grid shows; hr may view but not
//! generate; a cell edit that breaks the rest rule shows `min_rest` at once; publish locks
//! the month (edits and regeneration refused); the workbook downloads.

mod common;

use std::time::{Duration, Instant};

use common::http::*;

const FORM: &str = "application/x-www-form-urlencoded";

/// A JSON POST with the CSRF token in `X-CSRF-Token`.
fn json_post(a: &str, path: &str, cookie: &str, token: &str, body: &str) -> Reply {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(a).unwrap();
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nCookie: {cookie}\r\nX-CSRF-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text.split(' ').nth(1).unwrap().parse().unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1.as_bytes().to_vec();
    Reply {
        status,
        headers: Vec::new(),
        body,
    }
}

fn token_of(me: &str) -> String {
    let at = me.find("\"csrf\":\"").unwrap() + 8;
    me[at..at + 32].to_string()
}

fn post(a: &str, path: &str, cookie: &str, body: &str) -> Reply {
    http(a, "POST", path, cookie, FORM, body.as_bytes())
}

#[test]
fn generate_view_edit_publish_download() {
    common::on_each_database("web-roster", None, scenario);
}

fn scenario(db: &str, dir: &std::path::Path) {
    let rosters = dir.join("rosters");
    for f in std::fs::read_dir(&rosters).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    let server = start(db, rosters.to_str().unwrap());
    let a = server.addr.as_str();
    let m = "2026-03";

    let ops = session_cookie(&login(a, "ops", "demo-ops-2026"));
    let hr = session_cookie(&login(a, "hr", "demo-hr-2026"));
    let auditor = session_cookie(&login(a, "auditor", "demo-auditor-2026"));

    // Nothing yet; every viewing role sees the page.
    let r = get(a, &format!("/roster?month={m}"), &ops);
    assert_eq!(r.status, 200, "{}", r.text());
    let csrf = csrf_of(&r.text());
    assert!(r.text().contains("/roster/generate"));
    assert_eq!(get(a, &format!("/roster?month={m}"), &auditor).status, 200);
    let r = get(a, &format!("/roster?month={m}"), &hr);
    assert_eq!(r.status, 200);
    assert!(
        !r.text().contains("/roster/generate"),
        "hr gets no generate form"
    );
    // hr may not generate, even with its own token.
    let hr_csrf = csrf_of(&r.text());
    let r = post(
        a,
        "/roster/generate",
        &hr,
        &format!("csrf={hr_csrf}&month={m}"),
    );
    assert_eq!(r.status, 403);
    // Without the token: refused.
    assert_eq!(
        post(a, "/roster/generate", &ops, &format!("month={m}")).status,
        403
    );

    // Generate; a second request while it runs gets 409 with the start time.
    let gen = format!("csrf={csrf}&month={m}&time_limit=20");
    let r = post(a, "/roster/generate", &ops, &gen);
    assert_eq!(r.status, 303, "{}", r.text());
    let r = post(a, "/roster/generate", &ops, &gen);
    assert_eq!(r.status, 409);
    assert!(r.text().contains("正在生成中"), "{}", r.text());
    let p = get(a, &format!("/roster/progress?month={m}"), &hr).text();
    assert!(
        p.contains("\"running\":true") && p.contains("\"limit_s\":20"),
        "{p}"
    );

    // While it runs, the solver's own figures appear: the best roster so far (the warm start
    // gives HiGHS one at once) from its log. HiGHS has 40 % of the limit (8 s); the
    // neighbourhood search after it goes on reporting in the same log, so the solver's clock
    // in the progress passes half the limit.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut seen_best = false;
    let mut solver_s: f64 = 0.0;
    let progress = loop {
        let p = get(a, &format!("/roster/progress?month={m}"), &ops).text();
        if p.contains("\"running\":false") {
            break p;
        }
        let v: serde_json::Value = serde_json::from_str(&p).unwrap();
        seen_best |= v["best_so_far"].as_f64().is_some();
        solver_s = solver_s.max(v["solver_s"].as_f64().unwrap_or(0.0));
        assert!(Instant::now() < deadline, "still solving: {p}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(progress.contains("\"status\":\"done\""), "{progress}");
    // The outcome in the page's language (Chinese by default), English on ?lang=en.
    assert!(progress.contains("差距"), "{progress}");
    let en = get(a, &format!("/roster/progress?month={m}&lang=en"), &ops).text();
    assert!(en.contains("gap") && en.contains("version 1"), "{en}");
    assert!(seen_best, "the best roster so far was shown while solving");
    assert!(
        solver_s >= 10.0,
        "the progress stopped at {solver_s} s of 20"
    );

    // The grid.
    let page = get(a, &format!("/roster?month={m}"), &hr).text();
    assert!(
        page.contains("id=\"grid\"") && page.contains("class=\"c "),
        "the grid shows: {}",
        &page[page.len().saturating_sub(3000)..]
    );
    assert!(page.contains("/roster/download?month=2026-03"));
    // The solver's result line speaks the page's language: Chinese by default, English on
    // `?lang=en`.
    assert!(
        page.contains("目标值") && page.contains("最优下界"),
        "the Chinese result line"
    );
    assert!(
        !page.contains("· objective "),
        "no English result line on the Chinese page"
    );
    let en = get(a, &format!("/roster?month={m}&lang=en"), &hr).text();
    assert!(en.contains("· objective "), "the English result line");
    // The roster's own cost, term by term, recomputed from its cells: the terms add up to the
    // total (each shown to 0.1), the total is the solve's own objective (the solve reports the
    // roster's cost, not its helper variables), labels in the page's language.
    let (total, terms) = roster_cost(&page);
    assert!(!terms.is_empty(), "a demo month costs something: {total}");
    let sum: f64 = terms.iter().map(|t| t.2).sum();
    assert!(
        (sum - total).abs() <= 0.05 * terms.len() as f64 + 1e-9,
        "{terms:?} add up to {sum}, shown {total}"
    );
    let said = page
        .split("目标值 ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|x| x.parse::<f64>().ok())
        .expect("the summary's objective");
    assert!(
        (said - total).abs() < 0.051,
        "summary {said}, recomputed {total}"
    );
    assert!(
        terms.iter().all(|t| !t.1.is_ascii()),
        "Chinese labels: {terms:?}"
    );
    let (en_total, en_terms) = roster_cost(&en);
    assert!(
        (en_total - total).abs() < 1e-9,
        "{en_total} against {total}"
    );
    assert!(
        en_terms
            .iter()
            .all(|t| t.1.is_ascii() && t.1 == t.0.replace('_', " ")),
        "English labels: {en_terms:?}"
    );

    // A person on P on some day, not working the next day (in the month): put them on A.
    let json: serde_json::Value =
        serde_json::from_str(&get(a, &format!("/api/roster?month={m}"), &ops).text()).unwrap();
    assert_eq!(json["published"], false);
    let asg = json["roster"]["assignments"].as_array().unwrap();
    let works = |e: &str, d: &str| asg.iter().any(|x| x["employee"] == e && x["date"] == d);
    let (emp, next) = asg
        .iter()
        .filter(|x| x["shift"] == "P")
        .find_map(|x| {
            let e = x["employee"].as_str().unwrap();
            let d =
                chrono::NaiveDate::parse_from_str(x["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
            let n = d.succ_opt().unwrap();
            let ns = n.to_string();
            (ns.starts_with(m) && !works(e, &ns)).then(|| (e.to_string(), ns))
        })
        .expect("someone on P with the next day off");
    let edit = format!("csrf={csrf}&month={m}&employee={emp}&date={next}&shift=A");
    let r = post(a, "/roster/cell", &ops, &edit);
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.text();
    assert!(
        text.contains("id=\"verdict\"") && text.contains("min_rest"),
        "the verdict names the rule"
    );
    // hr may not edit.
    assert_eq!(
        post(
            a,
            "/roster/cell",
            &hr,
            &format!("csrf={hr_csrf}&month={m}&employee={emp}&date={next}&shift=off")
        )
        .status,
        403
    );
    // Undo: back to off, no new rule broken.
    let r = post(
        a,
        "/roster/cell",
        &ops,
        &format!("csrf={csrf}&month={m}&employee={emp}&date={next}&shift=off"),
    );
    assert_eq!(r.status, 200);
    assert!(r.text().contains("没有违反任何规则"), "{}", r.text());

    // The JSON twin: the same edit through /api/roster/cell with the header token.
    let token = token_of(&get(a, "/api/me", &ops).text());
    let cell_json = format!(r#"{{"month":"{m}","employee":"{emp}","date":"{next}","shift":"A"}}"#);
    assert_eq!(
        json_post(a, "/api/roster/cell", &ops, "wrong", &cell_json).status,
        403
    );
    let hr_token = token_of(&get(a, "/api/me", &hr).text());
    assert_eq!(
        json_post(a, "/api/roster/cell", &hr, &hr_token, &cell_json).status,
        403
    );
    let r = json_post(a, "/api/roster/cell", &ops, &token, &cell_json);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("\"rule\":\"min_rest\""), "{}", r.text());
    let off_json = format!(r#"{{"month":"{m}","employee":"{emp}","date":"{next}","shift":"off"}}"#);
    assert_eq!(
        json_post(a, "/api/roster/cell", &ops, &token, &off_json).status,
        200
    );

    // Publish locks the month.
    let r = post(
        a,
        "/roster/publish",
        &ops,
        &format!("csrf={csrf}&month={m}"),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("已发布"));
    let r = post(a, "/roster/cell", &ops, &edit);
    assert_eq!(r.status, 409);
    assert!(r.text().contains("锁定"));
    assert_eq!(post(a, "/roster/generate", &ops, &gen).status, 409);
    assert_eq!(
        post(
            a,
            "/roster/publish",
            &ops,
            &format!("csrf={csrf}&month={m}")
        )
        .status,
        409
    );
    let r = json_post(a, "/api/roster/cell", &ops, &token, &off_json);
    assert_eq!(r.status, 409, "{}", r.text());
    let json = get(a, &format!("/api/roster?month={m}"), &auditor).text();
    assert!(json.contains("\"published\":true"));

    // The workbook.
    let r = get(a, &format!("/roster/download?month={m}"), &auditor);
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with(b"PK\x03\x04"), "an xlsx");
    assert!(r
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment"));

    // Cancel: April is generated with the 120-s limit and cancelled; the solver is interrupted
    // (April does not converge in minutes: without the interrupt it would run
    // the 120 s and the 60-s deadline below would fail), its result is discarded, nothing is
    // stored.
    let r = post(
        a,
        "/roster/generate",
        &ops,
        &format!("csrf={csrf}&month=2026-04&time_limit=120"),
    );
    assert_eq!(r.status, 303);
    let r = post(
        a,
        "/roster/cancel",
        &ops,
        &format!("csrf={csrf}&month=2026-04"),
    );
    assert_eq!(r.status, 303);
    let deadline = Instant::now() + Duration::from_secs(60);
    let progress = loop {
        let p = get(a, "/roster/progress?month=2026-04", &ops).text();
        if p.contains("\"running\":false") {
            break p;
        }
        assert!(Instant::now() < deadline, "still solving: {p}");
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(progress.contains("\"status\":\"cancelled\""), "{progress}");
    assert_eq!(get(a, "/api/roster?month=2026-04", &ops).status, 404);

    // Audited.
    let admin = session_cookie(&login(a, "admin", "demo-admin-2026"));
    let audit = get(a, "/audit", &admin).text();
    for action in [
        "roster.cancel",
        "roster.generate",
        "roster.cell",
        "roster.publish",
        "roster.download",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    drop(server);
}

/// The roster page's cost panel: the total and each term as (code, label, cost).
fn roster_cost(page: &str) -> (f64, Vec<(String, String, f64)>) {
    let panel = page
        .split("id=\"roster-cost\"")
        .nth(1)
        .and_then(|p| p.split("</div>").next())
        .expect("the cost panel");
    let total = panel
        .split("<span class=\"total\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .and_then(|t| t.trim().parse::<f64>().ok())
        .expect("the total");
    let terms = panel
        .split("<span class=\"term\" title=\"")
        .skip(1)
        .map(|t| {
            let (code, rest) = t.split_once("\">").unwrap();
            let text = rest.split('<').next().unwrap().trim();
            let (label, cost) = text.rsplit_once(' ').unwrap();
            (
                code.to_string(),
                label.to_string(),
                cost.parse::<f64>().unwrap(),
            )
        })
        .collect();
    (total, terms)
}
