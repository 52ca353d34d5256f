//! Staff changes through the real server on port 0 (SQLite, and PostgreSQL where given): HR
//! adds a person, who then exists for the attendance importer (an attendance row of theirs is
//! accepted; before, the same row was refused as an unknown employee); edits them; a change
//! the loaders would refuse stores nothing; records their leaving (gone from the staff list,
//! kept among former staff) and re-activates them; imports a staff list (a file with
//! problems: each located, nothing stored). Ops and the auditor cannot change staff; the
//! audit log keeps the ID number masked, and the auditor reads it hidden whole.

mod common;

use common::http::{api_post, api_token, form, get, http, login, session_cookie, start};

const FORM: &str = "application/x-www-form-urlencoded";

/// A fictional ID number with a valid GB 11643 check character, worked by hand:
/// 46040019980512123 × weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 sums to 278;
/// 278 mod 11 = 3; "10X98765432"[3] = 9.
const ID_NUMBER: &str = "460400199805121239";

fn person(id: &str, team: &str, shifts: &[&str]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("new", "1"),
        ("id", id),
        ("name", "林小雨"),
        ("roles", "agent"),
        ("primary_role", "agent"),
        ("team", team),
        ("position", "agent"),
        ("grade", "1"),
        ("id_type", "居民身份证"),
        ("id_number", ID_NUMBER),
        ("bank", "海南农信儋州支行"),
        ("bank_account", "6221000011112222"),
        ("hired_on", "2026-03-01"),
        ("education", "本科"),
        ("typing_cpm", "38"),
        ("zkteco_id", "4321"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for s in shifts {
        f.push(("shifts".into(), s.to_string()));
    }
    f
}

fn post_form(a: &str, path: &str, cookie: &str, csrf: &str, fields: &[(String, String)]) -> u16 {
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf)];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    http(a, "POST", path, cookie, FORM, &form(&all)).status
}

fn staff_json(a: &str, cookie: &str) -> serde_json::Value {
    let r = get(a, "/api/staff", cookie);
    assert_eq!(r.status, 200);
    serde_json::from_slice(&r.body).unwrap()
}

fn find<'a>(list: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    list["staff"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["employee"]["id"] == id)
}

#[test]
fn add_edit_deactivate_and_import_staff() {
    common::on_each_database("web-staff", None, scenario);
}

fn scenario(db: &str, dir: &std::path::Path) {
    let server = start(db, dir.join("rosters").to_str().unwrap());
    let a = server.addr.as_str();
    let hr = session_cookie(&login(a, "hr", "demo-hr-2026"));
    let ops = session_cookie(&login(a, "ops", "demo-ops-2026"));
    let auditor = session_cookie(&login(a, "auditor", "demo-auditor-2026"));
    let token = api_token(a, &hr);
    let ops_token = api_token(a, &ops);

    // Rights: HR edits; ops sees the list but cannot change it; the auditor sees neither.
    assert_eq!(get(a, "/staff/new", &hr).status, 200);
    assert_eq!(get(a, "/staff/new", &ops).status, 403);
    assert_eq!(get(a, "/staff", &ops).status, 200);
    assert_eq!(get(a, "/staff", &auditor).status, 403);
    assert_eq!(
        post_form(
            a,
            "/staff/save",
            &ops,
            &ops_token,
            &person("A900", "2", &[])
        ),
        403
    );
    let before = staff_json(a, &hr);
    assert_eq!(before["staff"].as_array().unwrap().len(), 53);

    // Before A900 exists, an attendance row of theirs is an unknown employee.
    let csv = "工号,日期,班次,上班打卡,下班打卡\nA900,2026-03-02,A,07:58,16:01\n";
    let r = api_post(
        a,
        "/api/attendance/import?month=2026-03&file_name=a900.csv&dry_run=true",
        &hr,
        &token,
        "text/csv",
        csv.as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("A900"), "{}", r.text());

    // Without the CSRF token: refused.
    let no_csrf: Vec<(&str, &str)> = vec![("id", "A900")];
    assert_eq!(
        http(a, "POST", "/staff/save", &hr, FORM, &form(&no_csrf)).status,
        403
    );
    // HR adds A900.
    assert_eq!(
        post_form(a, "/staff/save", &hr, &token, &person("A900", "2", &[])),
        303
    );
    let list = staff_json(a, &hr);
    let m = find(&list, "A900").expect("A900 stored");
    assert_eq!(m["employee"]["team"], 2);
    assert_eq!(m["active"], true);
    assert_eq!(m["hr"]["id_number"], ID_NUMBER, "HR sees the whole number");
    // The attendance system's id (ZKTeco 考勤号码) is kept and shown for editing.
    assert_eq!(m["hr"]["clock_ids"]["zkteco"], "4321");
    let edit = get(a, "/staff/A900/edit", &hr).text();
    assert!(edit.contains("name=\"zkteco_id\" value=\"4321\""), "{edit}");
    let ops_view = staff_json(a, &ops);
    assert_eq!(
        find(&ops_view, "A900").unwrap()["hr"]["id_number"],
        "460400********1239",
        "ops sees it masked"
    );
    // The hiring criteria of the new person, worked by hand: born 1998-05-12, hired
    // 2026-03-01 → 27 (18-35 met); region 46 (Hainan met); 本科 (college or above met);
    // 38 characters a minute (< 40, not met).
    let page = get(a, "/staff", &hr).text();
    let at = page.find("<td>A900 林小雨").expect("A900 listed");
    let row = &page[at..at + page[at..].find("</tr>").unwrap()];
    assert!(row.contains(">27<"), "{row}");
    let verdicts: Vec<&str> = row
        .match_indices("\">")
        .filter_map(|(i, _)| {
            let rest = &row[i + 2..];
            ["符合", "不符合", "未登记"]
                .into_iter()
                .find(|v| rest.starts_with(&format!("{v}<")))
        })
        .collect();
    assert_eq!(verdicts, ["符合", "符合", "符合", "不符合"], "{row}");
    // A ZKTeco record that names the person by the device's PIN alone (no 工号, no name):
    // matched by the PIN kept on the staff record.
    let zk = "考勤号码,日期时间\n4321,2026/3/2 7:58:12\n4321,2026/3/2 16:01:40\n";
    let r = api_post(
        a,
        "/api/attendance/import?month=2026-03&file_name=zk.csv&dry_run=true",
        &hr,
        &token,
        "text/csv",
        zk.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("A900"), "{}", r.text());
    // Now the same attendance row is accepted.
    let r = api_post(
        a,
        "/api/attendance/import?month=2026-03&file_name=a900.csv&dry_run=true",
        &hr,
        &token,
        "text/csv",
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // Adding the same id again, or a shift the site does not have: refused, nothing stored.
    assert_eq!(
        post_form(a, "/staff/save", &hr, &token, &person("A900", "2", &[])),
        400
    );
    let mut bad = person("A901", "1", &["Z"]);
    bad.retain(|(k, _)| k != "id_number");
    bad.push(("id_number".into(), "460400200001014564".into()));
    let r = http(
        a,
        "POST",
        "/staff/save",
        &hr,
        FORM,
        &form(
            &std::iter::once(("csrf", token.as_str()))
                .chain(bad.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .collect::<Vec<_>>(),
        ),
    );
    assert_eq!(r.status, 400);
    assert!(r.text().contains('Z'), "{}", r.text());
    assert!(find(&staff_json(a, &hr), "A901").is_none());

    // Edit: A900 moves to team 3 and is restricted to A and P.
    let mut edit = person("A900", "3", &["A", "P"]);
    edit[0].1 = "0".into();
    assert_eq!(post_form(a, "/staff/save", &hr, &token, &edit), 303);
    let list = staff_json(a, &hr);
    let m = find(&list, "A900").unwrap();
    assert_eq!(m["employee"]["team"], 3);
    assert_eq!(m["employee"]["shifts"], serde_json::json!(["A", "P"]));
    assert_eq!(list["staff"].as_array().unwrap().len(), 54);

    // Leaving: a reason is required; then A900 is off the list and among former staff.
    assert_eq!(
        post_form(
            a,
            "/staff/A900/deactivate",
            &hr,
            &token,
            &[("left_on".into(), "2026-03-20".into())]
        ),
        400
    );
    assert_eq!(
        post_form(
            a,
            "/staff/A900/deactivate",
            &hr,
            &token,
            &[
                ("left_on".into(), "2026-03-20".into()),
                ("reason".into(), "个人原因辞职".into())
            ]
        ),
        303
    );
    let list = staff_json(a, &hr);
    let m = find(&list, "A900").unwrap();
    assert_eq!(m["active"], false);
    assert_eq!(m["hr"]["left_on"], "2026-03-20");
    let page = get(a, "/staff", &hr).text();
    let former = page.find("已离职人员").expect("a former staff section");
    assert!(page[former..].contains("A900 林小雨"));
    // Issue 21 (employment dates drive attendance): A900's row of 2026-03-02, a day of their
    // employment (hired 03-01, last day 03-20), is still accepted after the leaving is
    // recorded (wave 1 refused it, and a leaver's real days could not be paid); a row of
    // April, after the last day, is refused: A900 is no longer employed then.
    let r = api_post(
        a,
        "/api/attendance/import?month=2026-03&file_name=a900.csv&dry_run=true",
        &hr,
        &token,
        "text/csv",
        csv.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let april = "工号,日期,班次,上班打卡,下班打卡\nA900,2026-04-02,A,07:58,16:01\n";
    let r = api_post(
        a,
        "/api/attendance/import?month=2026-04&file_name=a900.csv&dry_run=true",
        &hr,
        &token,
        "text/csv",
        april.as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    // Re-activated.
    assert_eq!(
        post_form(a, "/staff/A900/reactivate", &hr, &token, &[]),
        303
    );
    let list = staff_json(a, &hr);
    assert_eq!(find(&list, "A900").unwrap()["active"], true);
    assert!(find(&list, "A900").unwrap()["hr"]["left_on"].is_null());

    // Import (JSON API): a file with two problems is refused with both located; then a good
    // file adds A902 and changes A900's team.
    let header = "工号,姓名,角色,班组,证件号码,开户银行,银行账号,入职日期\n";
    let broken = format!(
        "{header}A902,陈思,话务员,9,460400200001014564,工行,6222000033334444,2026-04-01\nA903,吴月,飞行员,1,460400200001014564,工行,6222000055556666,2026-04-01\n"
    );
    let r = api_post(
        a,
        "/api/staff/import?file_name=broken.csv",
        &hr,
        &token,
        "text/csv",
        broken.as_bytes(),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let problems: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let rows: Vec<u64> = problems["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["row"].as_u64())
        .collect();
    assert!(rows.contains(&2) && rows.contains(&3), "{problems}");
    // Each problem in both languages: team 9 (row 2) and the unknown role 飞行员 (row 3).
    let said: Vec<(String, String)> = problems["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["expected_zh"].as_str().unwrap_or_default().to_string(),
                p["found_zh"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        said.iter().any(|(e, _)| e.starts_with("1 至 4 的班组号")),
        "{problems}"
    );
    assert!(
        said.iter().any(|(_, f)| f == "未知角色“飞行员”"),
        "{problems}"
    );
    assert!(find(&staff_json(a, &hr), "A902").is_none());
    let good = format!(
        "{header}A902,陈思,话务员,1,460400200001014564,工行,6222000033334444,2026-04-01\nA900,林小雨,话务员,4,{ID_NUMBER},海南农信儋州支行,6221000011112222,2026-03-01\n"
    );
    let r = api_post(
        a,
        "/api/staff/import?file_name=good.csv",
        &hr,
        &token,
        "text/csv",
        good.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let list = staff_json(a, &hr);
    assert_eq!(list["staff"].as_array().unwrap().len(), 55);
    assert_eq!(find(&list, "A900").unwrap()["employee"]["team"], 4);
    assert_eq!(
        find(&list, "A902").unwrap()["employee"]["roles"],
        serde_json::json!(["agent"])
    );

    // Replacement requests through the JSON API: the deadline as worked by hand in
    // web::staff's unit test (request Thursday 2026-09-24 → Thursday 2026-10-22 over 中秋 and
    // the National Day break); closed once; ops may read but not record.
    let body =
        r#"{"employee": "A001", "requested_on": "2026-09-24", "reason": "采购方考核不合格"}"#
            .as_bytes();
    let r = api_post(
        a,
        "/api/staff/replacements",
        &ops,
        &ops_token,
        "application/json",
        body,
    );
    assert_eq!(r.status, 403);
    let r = api_post(
        a,
        "/api/staff/replacements",
        &hr,
        &token,
        "application/json",
        body,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(
        r.text().contains("\"deadline\":\"2026-10-22\""),
        "{}",
        r.text()
    );
    let list: serde_json::Value =
        serde_json::from_slice(&get(a, "/api/staff/replacements", &ops).body).unwrap();
    let id = list["replacements"][0]["id"].as_i64().unwrap();
    assert_eq!(list["replacements"][0]["status"], "open");
    let done = format!("/api/staff/replacements/{id}/done");
    let by = br#"{"replaced_by": "A902"}"#;
    assert_eq!(
        api_post(a, &done, &hr, &token, "application/json", by).status,
        200
    );
    assert_eq!(
        api_post(a, &done, &hr, &token, "application/json", by).status,
        409
    );

    // The OpenAPI document lists the staff operations with their roles.
    let doc: serde_json::Value =
        serde_json::from_slice(&get(a, "/api/openapi.json", &ops).body).unwrap();
    assert_eq!(
        doc["paths"]["/api/staff/import"]["post"]["x-roles"],
        serde_json::json!(["admin", "hr"])
    );
    assert_eq!(get(a, "/api/openapi.json", "").status, 401);

    // The audit log: every change, the ID number masked (the auditor reads it).
    let admin = session_cookie(&login(a, "admin", "demo-admin-2026"));
    let log = get(a, "/api/audit", &admin).text();
    for action in [
        "staff.add",
        "staff.edit",
        "staff.deactivate",
        "staff.reactivate",
        "staff.import",
    ] {
        assert!(log.contains(action), "{action} in the audit log");
    }
    assert!(
        !log.contains(ID_NUMBER),
        "no whole ID number in the audit log"
    );
    // Admin and HR read the entries as written (masked: 460400********1239); the auditor
    // reads them with the ID number and the bank account hidden whole.
    assert!(
        log.contains("460400********1239"),
        "admin sees the masked number"
    );
    let audit_view = get(a, "/api/audit", &auditor).text();
    assert!(audit_view.contains("staff.add"), "{audit_view}");
    assert!(
        !audit_view.contains("460400"),
        "the auditor sees no part of the ID number: {audit_view}"
    );
    assert!(audit_view.contains("（已隐藏）"), "{audit_view}");
}
