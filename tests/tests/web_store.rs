//! Issue 20 ("one store, one month pipeline") through the real server, on a fresh SQLite file
//! and a fresh PostgreSQL database, with the server's own temporary folder:
//! - ops generates and publishes March, then generates April in the web app: April is solved
//!   with March's published last week (the stored history says so), and the stored April
//!   passes `workforce roster check` once the test feeds it March's last week itself; the
//!   overview shows the verdict and what it was checked against;
//! - HR pays March and approves it: an attendance import for March is then refused (web and
//!   command line, on the same store) and every export of March — bank list, register,
//!   compliance workbook — equals the approved run to the fen and names it;
//! - the compliance page, its JSON and the compliance workbook give the same year to date and
//!   projection;
//! - after all that (two solves, an import attempt, a payroll run), no file outside the
//!   database holds an ID number of `data/demo/hr.toml`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr as _;
use std::time::{Duration, Instant, SystemTime};

use api::excel::table::{read_all, Cell, Table};
use common::http::{api_post, api_token, get, login, session_cookie, start_env, Reply};
use common::{root, run};
use rust_decimal::Decimal;

const JSON: &str = "application/json";

fn json(r: &Reply) -> serde_json::Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

fn dec(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("a decimal string: {v}")),
    )
    .unwrap()
}

/// A number cell to the fen.
fn fen(c: &Cell) -> Decimal {
    match c {
        Cell::Number(x) => Decimal::from_str(&format!("{x:.2}")).unwrap(),
        other => panic!("a number: {other:?}"),
    }
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        _ => String::new(),
    }
}

fn sheet<'a>(tables: &'a [Table], name: &str) -> &'a Table {
    tables
        .iter()
        .find(|t| t.sheet == name)
        .unwrap_or_else(|| panic!("a sheet {name}"))
}

/// The value right of the first cell of a row whose first text starts with `label`.
fn labelled(t: &Table, label: &str) -> Decimal {
    let (_, cells) = t
        .rows
        .iter()
        .find(|(_, c)| text(&c[0]).starts_with(label))
        .unwrap_or_else(|| panic!("a row {label}"));
    fen(cells
        .iter()
        .skip(1)
        .find(|c| matches!(c, Cell::Number(_)))
        .unwrap_or_else(|| panic!("a number on the row {label}")))
}

/// The text between `start` and the next `<`.
fn after<'a>(page: &'a str, start: &str) -> &'a str {
    let at = page
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` on the page"))
        + start.len();
    &page[at..at + page[at..].find('<').unwrap()]
}

fn amount(s: &str) -> Decimal {
    let digits: String = s
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    Decimal::from_str(&digits).unwrap_or_else(|_| panic!("an amount: `{s}`"))
}

fn generate(a: &str, cookie: &str, token: &str, month: &str) {
    let r = api_post(
        a,
        "/api/roster/generate",
        cookie,
        token,
        JSON,
        format!(r#"{{"month": "{month}", "time_limit": 20}}"#).as_bytes(),
    );
    assert_eq!(r.status, 202, "{}", r.text());
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let p = json(&get(
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

/// Every file under `dir` (recursively).
fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => files(&p, out),
            Ok(t) if t.is_file() => out.push(p),
            _ => {}
        }
    }
}

/// A database file: SQLite's main file (by its header), its journal, WAL or shared memory.
fn is_database(p: &Path, bytes: &[u8]) -> bool {
    let name = p.to_string_lossy();
    bytes.starts_with(b"SQLite format 3\0")
        || name.ends_with("-wal")
        || name.ends_with("-shm")
        || name.ends_with("-journal")
}

#[test]
fn one_store_one_month_pipeline() {
    common::on_each_database("web-store", None, scenario);
}

fn scenario(db: &str, dir: &Path) {
    let tmp = dir.join(format!("tmp-{}", db.len()));
    std::fs::create_dir_all(&tmp).unwrap();
    let started = SystemTime::now();
    let server = start_env(
        db,
        dir.join("rosters").to_str().unwrap(),
        &[("TMPDIR", tmp.to_str().unwrap())],
    );
    let a = server.addr.as_str();
    let sign_in = |user: &str| {
        let c = session_cookie(&login(a, user, &format!("demo-{user}-2026")));
        let t = api_token(a, &c);
        (c, t)
    };
    let (ops, ops_t) = sign_in("ops");
    let (hr, hr_t) = sign_in("hr");
    let (auditor, _) = sign_in("auditor");

    // 1. March published, April generated after it.
    generate(a, &ops, &ops_t, "2026-03");
    let r = api_post(
        a,
        "/api/roster/publish",
        &ops,
        &ops_t,
        JSON,
        br#"{"month": "2026-03"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    generate(a, &ops, &ops_t, "2026-04");
    let april = json(&get(a, "/api/roster?month=2026-04", &ops));
    assert_eq!(
        april["history"],
        serde_json::json!({"source": "published", "month": "2026-03", "version": 1}),
        "April was solved and checked with March's published roster"
    );
    assert_eq!(
        april["violations"],
        serde_json::json!([]),
        "{}",
        april["violations"]
    );
    // The test feeds March's last week itself: the history days before April 1st, of the
    // people on April's roster, from the published March.
    let march = json(&get(a, "/api/roster?month=2026-03", &ops));
    assert_eq!(march["published"], true);
    let mut doc = april["roster"].clone();
    let days = doc["rules"]["history_days"].as_i64().unwrap();
    let first = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let horizon = (first - chrono::Duration::days(days)).to_string();
    let people: Vec<&str> = doc["employees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    let last_week: Vec<serde_json::Value> = march["roster"]["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["date"].as_str().unwrap() >= horizon.as_str())
        .filter(|x| people.contains(&x["employee"].as_str().unwrap()))
        .map(|x| serde_json::json!({"employee": x["employee"], "date": x["date"], "shift": x["shift"]}))
        .collect();
    assert!(
        last_week.len() > 100,
        "March's last week: {} shifts",
        last_week.len()
    );
    let mut stored_prev: Vec<String> = doc["previous"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.to_string())
        .collect();
    let mut fed: Vec<String> = last_week.iter().map(ToString::to_string).collect();
    stored_prev.sort();
    fed.sort();
    assert_eq!(
        stored_prev, fed,
        "the server used exactly March's last week"
    );
    doc["previous"] = serde_json::Value::Array(last_week);
    let file = dir.join("april.json");
    std::fs::write(&file, serde_json::to_string(&doc).unwrap()).unwrap();
    let (code, out) = run(&["roster", "check", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no rule broken"), "{out}");
    // The overview shows the verdict and what the boundary was checked against.
    let home = get(a, "/?month=2026-04", &ops).text();
    assert!(
        home.contains("校验：无违规（衔接：2026-03 已发布第 1 版）"),
        "{}",
        &home[home.find("verdict").unwrap_or(0)..][..400.min(home.len())]
    );

    // 2. HR pays March (from the published roster) and approves it.
    let r = api_post(
        a,
        "/api/payroll/run",
        &hr,
        &hr_t,
        JSON,
        br#"{"month": "2026-03"}"#,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let id = json(&r)["id"].as_i64().unwrap();
    let r = api_post(
        a,
        &format!("/api/payroll/run/{id}/approve"),
        &hr,
        &hr_t,
        JSON,
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let run_json = json(&get(a, &format!("/api/payroll/run/{id}"), &hr));
    assert!(
        run_json["run"]["roster_version_id"].is_i64(),
        "the run names the roster version it was paid from"
    );
    let slips = run_json["payroll"]["payslips"].as_array().unwrap();
    let net_of: BTreeMap<String, Decimal> = slips
        .iter()
        .map(|p| {
            (
                p["employee_id"].as_str().unwrap().to_string(),
                dec(&p["totals"]["net"]),
            )
        })
        .collect();
    let net_by_name: BTreeMap<String, Decimal> = slips
        .iter()
        .map(|p| {
            (
                p["employee_name"].as_str().unwrap().to_string(),
                dec(&p["totals"]["net"]),
            )
        })
        .collect();
    let total_net = dec(&run_json["payroll"]["totals"]["net"]);
    let seat_cost = dec(&run_json["cost"]["cost"]["seat_labour_cost"]);

    // 3. March is frozen: its attendance import is refused, on the web and on the command line.
    let csv = "工号,日期,班次,上班打卡,下班打卡\nA001,2026-03-02,A,07:58,16:01\n";
    let r = api_post(
        a,
        "/api/attendance/import?month=2026-03&file_name=late.csv",
        &hr,
        &hr_t,
        "text/csv",
        csv.as_bytes(),
    );
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(
        r.text().contains("approved") && r.text().contains(&format!("#{id}")),
        "{}",
        r.text()
    );
    let late = dir.join("late.csv");
    std::fs::write(&late, csv).unwrap();
    let (code, out) = run(&[
        "attendance",
        "import",
        late.to_str().unwrap(),
        "--month",
        "2026-03",
        "--db",
        db,
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("approved") && out.contains("frozen"), "{out}");

    // 4. Every export of March is the approved run, to the fen, and says so.
    let r = get(a, "/exports/bank?month=2026-03", &hr);
    assert_eq!(r.status, 200, "{}", r.text());
    let tables = read_all(&r.body).unwrap();
    let bank = sheet(&tables, "银行代发");
    let mut paid = 0;
    let mut bank_total = Decimal::ZERO;
    for (_, cells) in &bank.rows {
        if let Some(net) = net_by_name.get(&text(&cells[0])) {
            assert_eq!(fen(&cells[3]), *net, "bank amount of {}", text(&cells[0]));
            bank_total += fen(&cells[3]);
            paid += 1;
        }
    }
    assert_eq!(paid, net_by_name.values().filter(|n| !n.is_zero()).count());
    assert_eq!(bank_total, total_net);
    let source = text(&sheet(&tables, "数据来源").rows[1].1[0]);
    assert!(
        source.contains(&format!("已审批工资批次 #{id}")) && source.contains("hr"),
        "{source}"
    );
    let r = get(a, "/exports/payroll?month=2026-03", &hr);
    assert_eq!(r.status, 200);
    let tables = read_all(&r.body).unwrap();
    let reg = sheet(&tables, "工资表");
    assert!(
        reg.rows
            .iter()
            .any(|(_, c)| text(&c[0]).contains(&format!("数据来源：已审批工资批次 #{id}"))),
        "the register names the run"
    );
    let (_, header) = reg
        .rows
        .iter()
        .find(|(_, c)| c.iter().any(|x| text(x) == "实发合计"))
        .unwrap();
    let col = header.iter().position(|x| text(x) == "实发合计").unwrap();
    let mut seen = 0;
    for (_, cells) in &reg.rows {
        if let Some(net) = net_of.get(&text(&cells[0])) {
            assert_eq!(
                fen(&cells[col]),
                *net,
                "register net of {}",
                text(&cells[0])
            );
            seen += 1;
        }
        if text(&cells[0]) == "合计" {
            assert_eq!(fen(&cells[col]), total_net, "register total");
        }
    }
    assert_eq!(seen, net_of.len());
    let r = get(a, "/exports/compliance?month=2026-03", &auditor);
    assert_eq!(r.status, 200, "{}", r.text());
    let tables = read_all(&r.body).unwrap();
    let comp = sheet(&tables, "坐席人工费合规");
    let (_, header) = comp
        .rows
        .iter()
        .find(|(_, c)| {
            c.iter()
                .any(|x| text(x).replace('\n', "") == "坐席人工费（当月）")
        })
        .expect("the compliance header");
    let seat_col = header
        .iter()
        .position(|x| text(x).replace('\n', "") == "坐席人工费（当月）")
        .unwrap();
    let (_, march_row) = comp
        .rows
        .iter()
        .find(|(_, c)| text(&c[0]) == "2026-03")
        .expect("March's row");
    assert_eq!(
        fen(&march_row[seat_col]),
        seat_cost,
        "compliance seat cost of March"
    );
    assert!(
        march_row
            .iter()
            .any(|c| text(c).contains(&format!("已审批批次 #{id}"))),
        "March is labelled actual with its run: {march_row:?}"
    );

    // 5. The compliance page, its JSON and the workbook: the same year.
    let page = get(a, "/compliance?year=2026", &auditor).text();
    let page_ytd = amount(after(&page, "id=\"compliance_ytd_value\">"));
    let page_projected = amount(after(&page, "id=\"compliance_projected_value\">"));
    let view = json(&get(a, "/api/compliance?year=2026", &auditor));
    assert_eq!(dec(&view["year_view"]["year_to_date"]), page_ytd);
    assert_eq!(dec(&view["year_view"]["projected_year"]), page_projected);
    assert_eq!(page_ytd, seat_cost, "March is the only approved month");
    assert_eq!(labelled(comp, "截至"), page_ytd, "workbook year to date");
    assert_eq!(
        labelled(comp, "全年预计"),
        page_projected,
        "workbook projection"
    );
    // Eleven months projected at March's cost.
    assert_eq!(page_projected, seat_cost * Decimal::from(12));

    // 6. No file outside the database holds an ID number.
    let hr_toml = std::fs::read_to_string(root().join("data/demo/hr.toml")).unwrap();
    let ids: Vec<&str> = hr_toml
        .lines()
        .filter_map(|l| l.strip_prefix("id_number = \""))
        .map(|v| v.trim_end_matches('"'))
        .collect();
    assert!(ids.len() >= 50, "{} ID numbers", ids.len());
    let mut checked = Vec::new();
    files(&tmp, &mut checked);
    let mut global = Vec::new();
    files(&std::env::temp_dir(), &mut global);
    let pg_cluster =
        std::env::var("PGTEST_DIR").unwrap_or_else(|_| "/tmp/hotline-workforce-pg".into());
    checked.extend(global.into_iter().filter(|p| {
        !p.starts_with(&pg_cluster)
            && std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= started)
    }));
    let mut read = 0;
    for p in &checked {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        if is_database(p, &bytes) {
            continue;
        }
        read += 1;
        let text = String::from_utf8_lossy(&bytes);
        for id in &ids {
            assert!(
                !text.contains(id),
                "{} holds the ID number {id}",
                p.display()
            );
        }
    }
    eprintln!("{read} files written during the run hold no ID number");
    drop(server);
}
