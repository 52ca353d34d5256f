//! The request book and the roster repair through the real server, on a fresh SQLite file and
//! a fresh PostgreSQL database:
//! - rights: HR enters requests but does not decide them; the auditor does not see the book;
//! - ops generates and publishes March; the roster page links to its repair;
//! - leave for April entered by HR and approved by ops is in the book as approved, and April,
//!   generated afterwards, gives the person no shift on those dates;
//! - a swap of two agents' shifts (A ⇄ P) on one date of the published March, chosen so that
//!   no rule can break (worked out below from the site's rules), is approved into a new
//!   draft version where exactly those two cells are exchanged;
//! - a swap that puts someone on A (08:00) the morning after their P (16:00-24:00) — 8 h of
//!   rest where the site requires 12 — is refused naming `min_rest`, and nothing is stored
//!   (the roster and the request as they were);
//! - a leaver recorded inside published March (`left_on` the 15th): the suggested events list
//!   his resignation, the repair (10 s, one thread) stores a draft in which he has no duty
//!   after his last day, every changed cell is reported (the test diffs the two versions
//!   itself), and no cell before the change date moved.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::http::{api_post, api_token, csrf_of, get, http, login, session_cookie, start, Reply};
use serde_json::{json, Value};

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const M: &str = "2026-03";

fn parse(r: &Reply) -> Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

fn post_json(a: &str, path: &str, cookie: &str, token: &str, body: &Value) -> Reply {
    api_post(a, path, cookie, token, JSON, body.to_string().as_bytes())
}

/// Generates `month` in the background (15 s, the server's one thread) and waits for it.
fn generate(a: &str, cookie: &str, token: &str, month: &str) {
    let r = post_json(
        a,
        "/api/roster/generate",
        cookie,
        token,
        &json!({"month": month, "time_limit": 15}),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let p = parse(&get(
            a,
            &format!("/api/roster/progress?month={month}"),
            cookie,
        ));
        if p["running"] == false {
            assert_eq!(p["status"], "done", "{p}");
            return;
        }
        assert!(Instant::now() < deadline, "still solving: {p}");
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Every (employee, date) with a duty, as the repair reports them: the shift code, or
/// `standby X`.
fn cells(roster: &Value) -> BTreeMap<(String, String), String> {
    let mut m = BTreeMap::new();
    for a in roster["assignments"].as_array().unwrap() {
        m.insert(
            (
                a["employee"].as_str().unwrap().to_string(),
                a["date"].as_str().unwrap().to_string(),
            ),
            a["shift"].as_str().unwrap().to_string(),
        );
    }
    for s in roster["standby"].as_array().unwrap() {
        m.insert(
            (
                s["employee"].as_str().unwrap().to_string(),
                s["date"].as_str().unwrap().to_string(),
            ),
            format!("standby {}", s["shift"].as_str().unwrap()),
        );
    }
    m
}

/// The (employee, date, shift, role) of every assignment.
fn assignments(roster: &Value) -> BTreeSet<(String, String, String, String)> {
    roster["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["employee"].as_str().unwrap().to_string(),
                a["date"].as_str().unwrap().to_string(),
                a["shift"].as_str().unwrap().to_string(),
                a["role"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn roster_of(a: &str, cookie: &str, month: &str) -> Value {
    let r = get(a, &format!("/api/roster?month={month}"), cookie);
    assert_eq!(r.status, 200, "{}", r.text());
    parse(&r)
}

fn request_status(a: &str, cookie: &str, id: u64) -> String {
    let book = parse(&get(a, "/api/requests", cookie));
    book["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .unwrap_or_else(|| panic!("request #{id} in {book}"))["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn requests_swaps_and_repair() {
    common::on_each_database("web-requests", None, scenario);
}

#[allow(clippy::too_many_lines)]
fn scenario(db: &str, dir: &std::path::Path) {
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

    // Rights: the auditor does not see the book; HR and ops do, with the nav link.
    assert_eq!(get(a, "/requests", &auditor).status, 403);
    assert_eq!(get(a, "/api/requests", &auditor).status, 403);
    let page = get(a, "/requests", &hr);
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("href=\"/requests\""), "nav link");

    // 1. March generated and published; its roster page links to the repair.
    generate(a, &ops, &ops_t, M);
    let v1 = roster_of(a, &ops, M);
    let override_reason = if v1["violations"].as_array().unwrap().is_empty() {
        json!({"month": M})
    } else {
        json!({"month": M, "override": "test: a short solve"})
    };
    let r = post_json(a, "/api/roster/publish", &ops, &ops_t, &override_reason);
    assert_eq!(r.status, 200, "{}", r.text());
    let page = get(a, &format!("/roster?month={M}"), &ops).text();
    assert!(
        page.contains(&format!("/roster/repair?month={M}")),
        "the published month links to its repair"
    );
    let v1 = roster_of(a, &ops, M);
    assert_eq!(v1["published"], true);
    let doc = &v1["roster"];
    let employees: BTreeMap<String, Value> = doc["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_str().unwrap().to_string(), e.clone()))
        .collect();
    let before_swap = cells(doc);
    let duty = |c: &BTreeMap<(String, String), String>, e: &str, d: NaiveDate| {
        c.get(&(e.to_string(), d.to_string())).cloned()
    };
    let agent_shift = |e: &str, d: NaiveDate, shift: &str| {
        doc["assignments"].as_array().unwrap().iter().any(|x| {
            x["employee"] == e
                && x["date"] == d.to_string()
                && x["shift"] == shift
                && x["role"] == "agent"
        })
    };
    // Someone who may work A and P, with no personal limits.
    let free = |e: &str| {
        let emp = &employees[e];
        let shifts: Vec<&str> = emp["shifts"]
            .as_array()
            .map(|s| s.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        (shifts.is_empty() || (shifts.contains(&"A") && shifts.contains(&"P")))
            && emp
                .get("limits")
                .is_none_or(|l| l.as_object().is_none_or(serde_json::Map::is_empty))
    };

    // 2. Leave for April: entered by HR (a form and JSON), approved by ops (HR may not).
    let leaver_pool: Vec<&String> = employees
        .keys()
        .filter(|e| employees[*e]["reserve"] != true && employees[*e]["roles"][0] == "agent")
        .collect();
    let on_leave = leaver_pool[0].clone();
    let r = post_json(
        a,
        "/api/requests/leave",
        &hr,
        &hr_t,
        &json!({"employee": on_leave, "from": "2026-04-06", "to": "2026-04-08", "kind": "sick", "note": "住院"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let leave_id = parse(&r)["id"].as_u64().unwrap();
    assert_eq!(request_status(a, &hr, leave_id), "pending");
    let r = post_json(
        a,
        &format!("/api/requests/{leave_id}/approve"),
        &hr,
        &hr_t,
        &json!({}),
    );
    assert_eq!(r.status, 403, "HR does not decide: {}", r.text());
    // The form twin: HR enters a second leave with the page's token; ops rejects it.
    let csrf = csrf_of(&get(a, "/requests", &hr).text());
    let r = http(
        a,
        "POST",
        "/requests/leave",
        &hr,
        FORM,
        format!("csrf={csrf}&employee={on_leave}&from=2026-04-20&to=2026-04-20&kind=annual&note=x")
            .as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.text());
    let book = parse(&get(a, "/api/requests", &ops));
    let form_id = book["requests"].as_array().unwrap().last().unwrap()["id"]
        .as_u64()
        .unwrap();
    let r = post_json(
        a,
        &format!("/api/requests/{form_id}/reject"),
        &ops,
        &ops_t,
        &json!({"reason": "同日已有两人休假"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(request_status(a, &ops, form_id), "rejected");
    let r = api_post(
        a,
        &format!("/api/requests/{leave_id}/approve"),
        &ops,
        &ops_t,
        JSON,
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let d = parse(&r);
    assert_eq!(d["status"], "approved", "{d}");
    assert_eq!(d["repair_needed"], false, "April has no roster: {d}");
    assert_eq!(request_status(a, &ops, leave_id), "approved");
    let r = post_json(
        a,
        &format!("/api/requests/{leave_id}/approve"),
        &ops,
        &ops_t,
        &json!({}),
    );
    assert_eq!(r.status, 409, "decided already: {}", r.text());

    // 3. A swap that breaks no rule. X works A (08-16) and Y works P (16-24) on date d, both
    // as agents; after the swap X works P on d and Y works A. The rules that could break:
    // - rest (12 h): X's P on d ends at 24:00, so X must have nothing on d+1 (any shift or a
    //   standby call-in there would start within 12 h, except P, excluded for simplicity);
    //   Y's A on d starts at 08:00, so Y must have nothing on d-1 (a P there ends at 24:00);
    //   Y's A ends at 16:00, and what Y did on d+1 already followed a P ending at 24:00;
    //   X's P starts at 16:00 on d, at least 16 h after anything X did on d-1;
    // - standby call-ins of the neighbouring days: none on d-1 and d+1 for either;
    // - days in a row, nights, hours, cover by shift and role: unchanged (both agents, one
    //   8-hour shift each on d); personal shift lists and limits: none or both shifts allowed.
    let days: Vec<NaiveDate> = (2..=30)
        .map(|n| NaiveDate::from_ymd_opt(2026, 3, n).unwrap())
        .collect();
    let (x, y, d) = days
        .iter()
        .find_map(|&d| {
            let (prev, next) = (d.pred_opt().unwrap(), d.succ_opt().unwrap());
            let xs: Vec<&String> = employees
                .keys()
                .filter(|e| agent_shift(e, d, "A") && free(e))
                .filter(|e| duty(&before_swap, e, next).is_none() && !matches!(duty(&before_swap, e, prev), Some(s) if s.starts_with("standby")))
                .collect();
            let ys: Vec<&String> = employees
                .keys()
                .filter(|e| agent_shift(e, d, "P") && free(e))
                .filter(|e| {
                    duty(&before_swap, e, prev).is_none()
                        && !matches!(duty(&before_swap, e, next), Some(s) if s.starts_with("standby"))
                })
                .collect();
            Some(((*xs.first()?).clone(), (*ys.first()?).clone(), d))
        })
        .expect("two agents to swap A and P");
    let r = post_json(
        a,
        "/api/requests/swap",
        &ops,
        &ops_t,
        &json!({"first": x, "second": y, "dates": [d.to_string()], "note": "个人原因"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let swap_id = parse(&r)["id"].as_u64().unwrap();
    let r = post_json(
        a,
        &format!("/api/requests/{swap_id}/approve"),
        &ops,
        &ops_t,
        &json!({"note": "同意"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let decided = parse(&r);
    assert_eq!(decided["status"], "approved", "{decided}");
    assert_eq!(decided["version"]["version"], 2, "{decided}");
    assert_eq!(request_status(a, &ops, swap_id), "approved");
    let v2 = roster_of(a, &ops, M);
    assert_eq!(v2["published"], false);
    assert_eq!(v2["version"], 2);
    let after_swap = cells(&v2["roster"]);
    assert_eq!(duty(&after_swap, &x, d).as_deref(), Some("P"), "{x} on {d}");
    assert_eq!(duty(&after_swap, &y, d).as_deref(), Some("A"), "{y} on {d}");
    let moved: BTreeSet<(String, String)> = before_swap
        .keys()
        .chain(after_swap.keys())
        .filter(|k| before_swap.get(*k) != after_swap.get(*k))
        .cloned()
        .collect();
    let expected: BTreeSet<(String, String)> =
        [(x.clone(), d.to_string()), (y.clone(), d.to_string())]
            .into_iter()
            .collect();
    assert_eq!(moved, expected, "only the two cells are exchanged");
    let old_verdict = v1["violations"].as_array().unwrap();
    for v in v2["violations"].as_array().unwrap() {
        assert!(old_verdict.contains(v), "the swap broke {v}");
    }

    // 4. A swap that breaks the rest rule: P on e (ends 24:00) for X2, nothing on e+1; Y2 on
    // A on e+1. Exchanged on e+1, X2 works A at 08:00 after 8 h of rest (12 required).
    let (x2, y2, e1) = days
        .iter()
        .find_map(|&e| {
            let next = e.succ_opt().unwrap();
            let x2 = employees.keys().find(|p| {
                duty(&after_swap, p, e).as_deref() == Some("P")
                    && duty(&after_swap, p, next).is_none()
            })?;
            let y2 = employees
                .keys()
                .find(|p| *p != x2 && duty(&after_swap, p, next).as_deref() == Some("A"))?;
            Some((x2.clone(), y2.clone(), next))
        })
        .expect("a P with the next day off, and an A that day");
    let r = post_json(
        a,
        "/api/requests/swap",
        &hr,
        &hr_t,
        &json!({"first": x2, "second": y2, "dates": [e1.to_string()]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let bad_id = parse(&r)["id"].as_u64().unwrap();
    let r = post_json(
        a,
        &format!("/api/requests/{bad_id}/approve"),
        &ops,
        &ops_t,
        &json!({}),
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let err = parse(&r)["error"].as_str().unwrap().to_string();
    assert!(err.contains("min_rest"), "the rule is named: {err}");
    let still = roster_of(a, &ops, M);
    assert_eq!(still["version"], 2, "nothing stored");
    assert_eq!(
        assignments(&still["roster"]),
        assignments(&v2["roster"]),
        "nothing stored"
    );
    assert_eq!(request_status(a, &ops, bad_id), "pending");
    // The page says so too, with the form.
    let csrf = csrf_of(&get(a, "/requests", &ops).text());
    let r = http(
        a,
        "POST",
        &format!("/requests/{bad_id}/approve"),
        &ops,
        FORM,
        format!("csrf={csrf}").as_bytes(),
    );
    assert_eq!(r.status, 422);
    assert!(r.text().contains("min_rest"), "the page names the rule");
    let r = post_json(
        a,
        &format!("/api/requests/{bad_id}/reject"),
        &ops,
        &ops_t,
        &json!({"reason": "违反休息时间规定"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());

    // The swap's draft is published the ordinary way.
    let body = if v2["violations"].as_array().unwrap().is_empty() {
        json!({"month": M})
    } else {
        json!({"month": M, "override": "test: a short solve"})
    };
    let r = post_json(a, "/api/roster/publish", &ops, &ops_t, &body);
    assert_eq!(r.status, 200, "{}", r.text());
    let published = roster_of(a, &ops, M);
    assert_eq!(
        (
            published["version"].as_i64(),
            published["published"].as_bool()
        ),
        (Some(2), Some(true))
    );
    let base = cells(&published["roster"]);

    // 5. A leaver inside published March: someone with duties after the 15th.
    let last_day = day("2026-03-15");
    let from = day("2026-03-16");
    let leaver = leaver_pool
        .iter()
        .map(|e| (*e).clone())
        .find(|e| {
            *e != on_leave
                && *e != x
                && *e != y
                && base
                    .keys()
                    .filter(|(p, dt)| p == e && day(dt) > last_day)
                    .count()
                    >= 5
        })
        .expect("an agent with shifts after the 15th");
    let r = post_json(
        a,
        &format!("/api/staff/{leaver}/deactivate"),
        &hr,
        &hr_t,
        &json!({"left_on": last_day.to_string(), "reason": "个人原因辞职"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = get(a, &format!("/api/roster/repair/suggested?month={M}"), &ops);
    assert_eq!(r.status, 200, "{}", r.text());
    let suggested = parse(&r);
    let resignation =
        json!({"kind": "resignation", "employee": leaver, "last_day": last_day.to_string()});
    assert!(
        suggested["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["event"] == resignation),
        "{suggested}"
    );
    assert_eq!(suggested["from"], from.to_string(), "{suggested}");
    assert_eq!(suggested["published"], true);
    // The page pre-fills it.
    let page = get(a, &format!("/roster/repair?month={M}"), &ops);
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("name=\"event\"") && page.text().contains(leaver.as_str()));
    assert_eq!(
        get(a, &format!("/roster/repair?month={M}"), &hr).status,
        403
    );
    // Refusals: a change date outside the month, an unknown person, a month not published.
    let bad = |body: Value, status: u16| {
        let r = post_json(a, "/api/roster/repair", &ops, &ops_t, &body);
        assert_eq!(r.status, status, "{body}: {}", r.text());
    };
    bad(
        json!({"month": M, "from": "2026-04-02", "events": [resignation]}),
        400,
    );
    bad(
        json!({"month": M, "from": from.to_string(), "events": [{"kind": "absence", "employee": "Z999", "from": "2026-03-20", "to": "2026-03-21"}]}),
        400,
    );
    bad(
        json!({"month": "2026-05", "from": "2026-05-10", "events": [resignation]}),
        409,
    );

    // The repair.
    let r = post_json(
        a,
        "/api/roster/repair",
        &ops,
        &ops_t,
        &json!({"month": M, "from": from.to_string(), "events": suggested["events"].as_array().unwrap().iter().map(|s| s["event"].clone()).collect::<Vec<_>>(), "time_limit": 10}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let repaired = parse(&r);
    assert_eq!(repaired["based_on"], 2, "{}", repaired["based_on"]);
    assert_eq!(repaired["stored"]["version"], 3);
    assert_eq!(repaired["roster_page"], format!("/roster?month={M}"));
    let v3 = roster_of(a, &ops, M);
    assert_eq!(
        (v3["version"].as_i64(), v3["published"].as_bool()),
        (Some(3), Some(false))
    );
    let now = cells(&v3["roster"]);
    let after_last: Vec<_> = now
        .iter()
        .filter(|((p, dt), _)| *p == leaver && day(dt) > last_day)
        .collect();
    assert!(
        after_last.is_empty(),
        "{leaver} after his last day: {after_last:?}"
    );
    // Every changed cell reported, and only those; none before the change date.
    let diff: BTreeSet<(String, String, String, String)> = base
        .keys()
        .chain(now.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|k| base.get(*k) != now.get(*k))
        .map(|k| {
            (
                k.0.clone(),
                k.1.clone(),
                base.get(k).cloned().unwrap_or_else(|| "off".into()),
                now.get(k).cloned().unwrap_or_else(|| "off".into()),
            )
        })
        .collect();
    let reported: BTreeSet<(String, String, String, String)> = repaired["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["employee"].as_str().unwrap().to_string(),
                c["date"].as_str().unwrap().to_string(),
                c["before"].as_str().unwrap().to_string(),
                c["after"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(reported, diff, "the changes reported are the cells changed");
    assert!(
        diff.iter().any(|c| c.0 == leaver),
        "the leaver's duties after the 15th went"
    );
    assert!(
        diff.iter().all(|c| day(&c.1) >= from),
        "a cell before the change date moved: {diff:?}"
    );
    for (k, v) in &base {
        if day(&k.1) < from {
            assert_eq!(now.get(k), Some(v), "{k:?} before the change date");
        }
    }
    let affected: BTreeSet<&str> = repaired["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        affected,
        diff.iter().map(|c| c.0.as_str()).collect::<BTreeSet<_>>()
    );
    // Honoured now: no longer suggested.
    let again = parse(&get(
        a,
        &format!("/api/roster/repair/suggested?month={M}"),
        &ops,
    ));
    assert!(
        !again["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["event"] == resignation),
        "{again}"
    );

    // The page's form: an absence entered by hand, repaired from its first day (5 s); the
    // draft (version 3) is replaced, the result lists the changes and links to the roster.
    let csrf = csrf_of(&get(a, &format!("/roster/repair?month={M}"), &ops).text());
    let r = http(
        a,
        "POST",
        "/roster/repair",
        &ops,
        FORM,
        format!("csrf={csrf}&month={M}&absence_employee={y}&absence_from=2026-03-20&absence_to=2026-03-21&absence_kind=sick&from=2026-03-20&time_limit=5").as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.text();
    assert!(
        page.contains("id=\"result\"") && page.contains(&format!("href=\"/roster?month={M}\"")),
        "the result links to the roster page"
    );
    let v3b = roster_of(a, &ops, M);
    assert_eq!(v3b["version"], 3, "the repair draft is replaced");
    let sick: Vec<_> = cells(&v3b["roster"])
        .into_iter()
        .filter(|((p, dt), _)| {
            *p == y && (day("2026-03-20")..=day("2026-03-21")).contains(&day(dt))
        })
        .collect();
    assert!(sick.is_empty(), "{y} absent but rostered: {sick:?}");

    // 6. April is generated with the approved leave: no shift on those dates.
    generate(a, &ops, &ops_t, "2026-04");
    let april = roster_of(a, &ops, "2026-04");
    let worked: Vec<_> = april["roster"]["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| {
            x["employee"] == on_leave.as_str()
                && ("2026-04-06"..="2026-04-08").contains(&x["date"].as_str().unwrap())
        })
        .collect();
    assert!(worked.is_empty(), "{on_leave} on leave works: {worked:?}");
    assert!(april["roster"]["leave"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| {
            l["employee"] == on_leave.as_str()
                && l["from"] == "2026-04-06"
                && l["to"] == "2026-04-08"
                && l["kind"] == "sick"
        }));

    // The book page lists them with their status; audited.
    let page = get(a, "/requests", &ops).text();
    assert!(
        page.contains("已批准") && page.contains("已驳回"),
        "statuses shown"
    );
    let (admin, _) = sign_in("admin");
    let audit = get(a, "/audit", &admin).text();
    for action in [
        "request.add",
        "request.approved",
        "request.rejected",
        "roster.swap",
        "roster.repair",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    drop(server);
}
