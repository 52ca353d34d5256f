//! The authorisation matrix through the real server: every route — each operation of the
//! OpenAPI table and every page and form — for every role. A role the rights table
//! (`api::web::allowed`) refuses gets 403 (never the page, never an action); a role it allows
//! gets past the guard (any other status). The requests are harmless for an allowed role: an
//! unknown id, a month out of range or a missing field, so nothing is solved or stored.
//! The pages' expected areas are written out here by hand from the role descriptions.

mod common;

use api::accounts::Role;
use api::web::{allowed, Area};
use common::http::{api_post, api_token, get, http, login, multipart, session_cookie, start};

const FORM: &str = "application/x-www-form-urlencoded";

fn fill(path: &str) -> String {
    path.replace("{id}", "999999")
        .replace("{kind}", "payroll")
        .replace("{employee}", "A001")
}

#[test]
fn every_route_for_every_role() {
    let dir = std::env::temp_dir().join(format!("hw-web-rights-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rosters")).unwrap();
    let db = format!("sqlite://{}", dir.join("web.db").display());
    let server = start(&db, dir.join("rosters").to_str().unwrap());
    let a = server.addr.as_str();
    let users = [
        (Role::Admin, "admin"),
        (Role::OpsManager, "ops"),
        (Role::Hr, "hr"),
        (Role::Auditor, "auditor"),
    ];
    let sessions: Vec<(Role, &str, String, String)> = users
        .iter()
        .map(|(role, user)| {
            let cookie = session_cookie(&login(a, user, &format!("demo-{user}-2026")));
            let token = api_token(a, &cookie);
            (*role, *user, cookie, token)
        })
        .collect();

    // Pages and forms, with the area each belongs to (by hand, from the issue: ops plans
    // rosters; HR runs attendance, payroll and staff; the auditor checks compliance and the
    // audit log; admin everything).
    let pages: &[(&str, &str, Area)] = &[
        ("get", "/", Area::Home),
        ("get", "/attendance", Area::Attendance),
        ("get", "/exports", Area::ExportsPage),
        ("get", "/audit", Area::Audit),
        ("get", "/roster?month=2026-03", Area::RosterView),
        ("get", "/roster/progress?month=2026-03", Area::RosterView),
        ("get", "/payroll?month=2026-03", Area::Payroll),
        ("get", "/payroll/run/999999/payslip/A001", Area::Payroll),
        ("get", "/compliance", Area::Compliance),
        ("get", "/staff", Area::Staff),
        ("get", "/staff/new", Area::StaffEdit),
        ("get", "/staff/A001/edit", Area::StaffEdit),
        ("post", "/attendance/confirm", Area::Attendance),
        ("post", "/attendance/differences/confirm", Area::Attendance),
        ("post", "/roster/generate", Area::RosterEdit),
        ("post", "/roster/cell", Area::RosterEdit),
        ("post", "/roster/publish", Area::RosterEdit),
        ("post", "/roster/cancel", Area::RosterEdit),
        ("post", "/payroll/run", Area::Payroll),
        ("post", "/payroll/run/999999/approve", Area::PayrollApprove),
        ("post", "/staff/save", Area::StaffEdit),
        ("post", "/staff/A001/deactivate", Area::StaffEdit),
        ("post", "/staff/A001/reactivate", Area::StaffEdit),
        ("post", "/staff/replacement", Area::StaffEdit),
        ("post", "/staff/replacement/999999/done", Area::StaffEdit),
        ("get", "/reports", Area::Reports),
        ("get", "/requests", Area::Requests),
        ("post", "/requests/leave", Area::Requests),
        ("post", "/requests/swap", Area::Requests),
        ("post", "/requests/999999/approve", Area::RequestsDecide),
        ("post", "/requests/999999/reject", Area::RequestsDecide),
        ("get", "/roster/repair?month=2026-03", Area::RosterEdit),
        ("post", "/roster/repair", Area::RosterEdit),
        ("get", "/policy/performance?month=1999-01", Area::Reports),
        // Multipart uploads.
        ("upload", "/attendance/preview", Area::Attendance),
        ("upload", "/staff/import", Area::StaffEdit),
        ("upload", "/reports/service", Area::Reports),
    ];
    let mut checked = 0;
    for (role, user, cookie, token) in &sessions {
        for (method, path, area) in pages {
            let r = match *method {
                "get" => get(a, path, cookie),
                "post" => http(
                    a,
                    "POST",
                    path,
                    cookie,
                    FORM,
                    format!("csrf={token}&month=1999-01").as_bytes(),
                ),
                _ => {
                    let (ctype, body) =
                        multipart(&[("csrf", token), ("month", "1999-01")], ("x.csv", b"x"));
                    http(a, "POST", path, cookie, &ctype, &body)
                }
            };
            let allowed_here = allowed(*role, *area);
            if allowed_here {
                assert!(
                    r.status != 403 && r.status != 401,
                    "{user} {method} {path}: allowed, got {}",
                    r.status
                );
            } else {
                assert_eq!(r.status, 403, "{user} {method} {path}: {}", r.text());
            }
            checked += 1;
        }
        for op in api::web::openapi::OPERATIONS {
            let path = fill(op.path);
            let path = if op.params.iter().any(|p| p.0 == "month") {
                format!("{path}?month=1999-01")
            } else {
                path
            };
            let r = if op.method == "get" {
                get(a, &path, cookie)
            } else {
                api_post(a, &path, cookie, token, "application/json", b"{}")
            };
            if allowed(*role, op.area) {
                assert!(
                    r.status != 403 && r.status != 401,
                    "{user} {} {path}: allowed, got {} {}",
                    op.method,
                    r.status,
                    r.text()
                );
            } else {
                assert_eq!(r.status, 403, "{user} {} {path}: {}", op.method, r.text());
            }
            checked += 1;
        }
    }
    // Not signed in: pages send to the log-in page, the API answers 401.
    for op in api::web::openapi::OPERATIONS {
        let path = fill(op.path);
        let r = if op.method == "get" {
            get(a, &path, "")
        } else {
            http(a, "POST", &path, "", "application/json", b"{}")
        };
        assert!(
            r.status == 401 || r.status == 303,
            "anonymous {} {path}: {}",
            op.method,
            r.status
        );
    }
    assert!(checked > 4 * 50, "{checked} checks");
    // Nothing was stored by all that: no roster, no run, no staff change.
    let admin = &sessions[0].2;
    let audit = get(a, "/api/audit?limit=500", admin).text();
    for action in [
        "roster.generate",
        "payroll.run",
        "staff.edit",
        "staff.deactivate",
        "staff.replacement.request",
    ] {
        assert!(!audit.contains(action), "{action} happened: {audit}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
