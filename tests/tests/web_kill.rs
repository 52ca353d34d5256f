//! Killing the server in the middle of an import leaves the database as before the import.
//!
//! A large attendance file (every demo person, every day of March, in our template as CSV) is
//! posted to the JSON import; the server is killed with SIGKILL after a delay, at several
//! delays so that some kills land while the file is being read and some while the records are
//! being written; after each kill the database, opened by the CLI, holds either the records of
//! before the import or all of the new ones — never a part — and the import's audit entry
//! exactly when its records are there. The import and its audit entry are one transaction, so
//! a kill before its commit leaves nothing of either.

mod common;

use std::time::Duration;

use common::http::{get, login, session_cookie, start};
use common::{root, run, stored_attendance};

#[test]
fn a_killed_import_leaves_the_database_as_before() {
    let dir = std::env::temp_dir().join(format!("hw-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rosters")).unwrap();

    // Everyone on A every day of March: 53 × 31 = 1,643 rows.
    let site = api::reference::load_site(&root().join("data/demo")).unwrap();
    let mut csv = String::from("工号,日期,班次,上班打卡,下班打卡\n");
    for e in &site.employees {
        for day in 1..=31 {
            csv += &format!("{},2026-03-{day:02},A,07:57,16:02\n", e.id);
        }
    }
    let full = site.employees.len() * 31;
    let mut outcomes = Vec::new();
    let fixture = root().join("tests/fixtures/attendance/good/template-2026-03.xlsx");
    for delay_ms in [5u64, 40, 55, 70, 85, 100, 120, 400] {
        // A fresh database (SQLite, and PostgreSQL where given) holding a first, small import
        // (the fixture template, 6 records).
        let sub = dir.join(format!("kill-{delay_ms}"));
        std::fs::create_dir_all(&sub).unwrap();
        for db in common::databases(&sub) {
            let (code, out) = run(&[
                "attendance",
                "import",
                fixture.to_str().unwrap(),
                "--month",
                "2026-03",
                "--db",
                &db,
            ]);
            assert_eq!(code, 0, "{out}");
            let before = stored_attendance(&db, "2026-03");
            assert_eq!(before, 6);
            let mut server = start(&db, dir.join("rosters").to_str().unwrap());
            let addr = server.addr.clone();
            let cookie = session_cookie(&login(&addr, "hr", "demo-hr-2026"));
            let me = get(&addr, "/api/me", &cookie).text();
            let at = me.find("\"csrf\":\"").unwrap() + 8;
            let token = me[at..at + 32].to_string();
            let body = csv.clone();
            let cookie2 = cookie.clone();
            let sender = std::thread::spawn(move || {
                use std::io::{Read as _, Write as _};
                let Ok(mut s) = std::net::TcpStream::connect(&addr) else {
                    return;
                };
                let req = format!(
                "POST /api/attendance/import?month=2026-03&file_name=big.csv HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCookie: {cookie2}\r\nX-CSRF-Token: {token}\r\nContent-Type: text/csv\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
                let _ = s.write_all(req.as_bytes());
                let _ = s.write_all(body.as_bytes());
                let mut sink = Vec::new();
                let _ = s.read_to_end(&mut sink);
            });
            std::thread::sleep(Duration::from_millis(delay_ms));
            server.kill();
            let _ = sender.join();
            let after = stored_attendance(&db, "2026-03");
            assert!(
            after == before || after == full,
            "killed after {delay_ms} ms: {after} records, expected {before} (as before) or {full} (all)"
        );
            // The import and its audit entry are one transaction: both or neither.
            let server = start(&db, dir.join("rosters").to_str().unwrap());
            let admin = session_cookie(&login(&server.addr, "admin", "demo-admin-2026"));
            let audit = get(&server.addr, "/api/audit?limit=50", &admin).text();
            let audited = audit.contains("2026-03 big.csv");
            assert_eq!(
                audited,
                after == full,
                "killed after {delay_ms} ms on {db}: {after} records, audit entry {audited}"
            );
            drop(server);
            outcomes.push((
                delay_ms,
                db.split(':').next().unwrap_or("").to_string(),
                after,
            ));
        }
    }
    eprintln!("records after each kill (delay ms, database, records): {outcomes:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
