//! A contract year through the real server, on SQLite and on PostgreSQL (issue 21).
//!
//! Twelve months of 2026 as the three people run them: each month's roster published, its
//! attendance imported (written from the published roster, everyone at their shift's times),
//! payroll run and approved. During the year:
//! - C002 (callback, grade 1, day shifts only) leaves on 2026-04-15, recorded after April's
//!   roster was published; the roster still holds his later shifts;
//! - A950 (agent, grade 1) joins on 2026-05-06, after May was published; he is on no roster
//!   file, and his May attendance is imported from his first day;
//! - in March A010 misses one rostered day shift (absence); in July HR finds he worked it and
//!   enters a correction of the approved March; July's run pays the difference.
//!
//! Every expected figure is worked by hand in this file from the pay structure, the holiday
//! calendar and the law's tables — never read from the program's output — except the
//! roster's facts (who works which shift on which day), which are the solver's and are read
//! from the published roster.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use common::http::{api_post, api_token, get, login, session_cookie, start};
use common::run;
use rust_decimal::Decimal;
use serde_json::Value;

const JSON: &str = "application/json";

fn json(r: &common::http::Reply) -> Value {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.text()))
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A money value of the JSON (the engine writes decimals as strings).
fn money(v: &Value) -> Decimal {
    match v {
        Value::String(s) => dec(s),
        Value::Number(n) => dec(&n.to_string()),
        other => panic!("not money: {other}"),
    }
}

/// Half away from zero, to the fen (the standards' rounding).
fn fen(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

fn months() -> Vec<String> {
    (1..=12).map(|m| format!("2026-{m:02}")).collect()
}

fn valid_id(first17: &str) -> String {
    format!(
        "{first17}{}",
        api::hr::id_check_char(first17).expect("17 digits")
    )
}

// ---------------------------------------------------------------------------------------
// The holiday calendar of 2026, from 国办发明电〔2025〕7号 (typed here, not read from data/).

const STATUTORY: [&str; 13] = [
    "2026-01-01",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-04-05",
    "2026-05-01",
    "2026-05-02",
    "2026-06-19",
    "2026-09-25",
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
];
const REST_IN_LIEU: [&str; 9] = [
    "2026-01-02",
    "2026-02-20",
    "2026-02-23",
    "2026-04-06",
    "2026-05-04",
    "2026-05-05",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
];
const MAKEUP: [&str; 6] = [
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
];

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn is_statutory(day: NaiveDate) -> bool {
    STATUTORY.iter().any(|s| d(s) == day)
}

/// A scheduled working day: Monday to Friday unless a holiday or a day in lieu, and the
/// make-up Saturdays and Sundays.
fn is_working_day(day: NaiveDate) -> bool {
    if MAKEUP.iter().any(|s| d(s) == day) {
        return true;
    }
    if is_statutory(day) || REST_IN_LIEU.iter().any(|s| d(s) == day) {
        return false;
    }
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

fn working_days(from: NaiveDate, to: NaiveDate) -> u32 {
    from.iter_days()
        .take_while(|x| *x <= to)
        .filter(|x| is_working_day(*x))
        .count() as u32
}

#[test]
fn the_calendar_typed_here_counts_as_worked_by_hand() {
    // April 2026: 22 weekdays less Monday 04-06 (day in lieu of Qingming) = 21; employed
    // 04-01..04-15: 1-3, 7-10, 13-15 = 10.
    assert_eq!(working_days(d("2026-04-01"), d("2026-04-30")), 21);
    assert_eq!(working_days(d("2026-04-01"), d("2026-04-15")), 10);
    // May 2026: 21 weekdays less 05-01 (statutory), 05-04 and 05-05 (in lieu), plus the
    // make-up Saturday 05-09 = 19, all of them from the 6th.
    assert_eq!(working_days(d("2026-05-01"), d("2026-05-31")), 19);
    assert_eq!(working_days(d("2026-05-06"), d("2026-05-31")), 19);
    // The whole year: 248 scheduled working days (the notice's count).
    assert_eq!(working_days(d("2026-01-01"), d("2026-12-31")), 248);
}

// ---------------------------------------------------------------------------------------
// An independent cumulative withholding calculator (累计预扣法), written from 国家税务总局公告
// 2018年第61号: 累计预扣预缴应纳税所得额 = 累计收入 − 累计免税收入 − 累计减除费用 (5,000 × months
// employed in the year at this employer) − 累计专项扣除 − 累计专项附加扣除 − 累计其他扣除;
// 本期应预扣预缴税额 = (累计应纳税所得额 × 预扣率 − 速算扣除数) − 累计已预扣预缴税额, and
// nothing is withheld (or refunded) when that is negative.

const TABLE: [(i64, &str, i64); 7] = [
    (36_000, "0.03", 0),
    (144_000, "0.10", 2_520),
    (300_000, "0.20", 16_920),
    (420_000, "0.25", 31_920),
    (660_000, "0.30", 52_920),
    (960_000, "0.35", 85_920),
    (i64::MAX, "0.45", 181_920),
];

fn cumulative_tax(taxable: Decimal) -> Decimal {
    if taxable <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let (_, rate, quick) = TABLE
        .iter()
        .find(|(up_to, _, _)| taxable <= Decimal::from(*up_to))
        .unwrap();
    fen(taxable * dec(rate) - Decimal::from(*quick))
}

/// One monthly row of the tax client's import sheet.
#[derive(Debug, Clone, Copy, Default)]
struct TaxRow {
    income: Decimal,
    tax_free: Decimal,
    contributions: Decimal,
}

/// The tax client's running totals of one person.
#[derive(Debug, Default)]
struct Client {
    income: Decimal,
    tax_free: Decimal,
    contributions: Decimal,
    withheld: Decimal,
}

impl Client {
    /// Enters a month's row, `months` the months employed in the year to it (from the hire
    /// month); the tax to withhold this month.
    fn enter(&mut self, row: TaxRow, months: u32) -> Decimal {
        self.income += row.income;
        self.tax_free += row.tax_free;
        self.contributions += row.contributions;
        let taxable =
            self.income - self.tax_free - self.contributions - Decimal::from(5_000 * months);
        let due = cumulative_tax(taxable);
        let now = (due - self.withheld).max(Decimal::ZERO);
        self.withheld += now;
        now
    }
}

#[test]
fn the_independent_calculator_follows_the_law_s_worked_examples() {
    // 10,000 a month, 1,500 contributions: taxable 3,500 a month. January 3,500 × 3% = 105;
    // by November 38,500 crosses 36,000: 38,500 × 10% − 2,520 = 1,330 less 1,050 = 280.
    let mut c = Client::default();
    let row = TaxRow {
        income: dec("10000"),
        tax_free: Decimal::ZERO,
        contributions: dec("1500"),
    };
    let taxes: Vec<Decimal> = (1..=12).map(|n| c.enter(row, n)).collect();
    assert_eq!(taxes[0], dec("105.00"));
    assert_eq!(taxes[9], dec("105.00"));
    assert_eq!(taxes[10], dec("280.00"));
    assert_eq!(taxes[11], dec("350.00"));
    assert_eq!(c.withheld, dec("1680.00"), "42,000 × 10% − 2,520");
    // A month below the deduction withholds nothing and refunds nothing.
    let mut c = Client::default();
    c.enter(
        TaxRow {
            income: dec("9000"),
            ..TaxRow::default()
        },
        1,
    );
    assert_eq!(c.withheld, dec("120.00"));
    assert_eq!(
        c.enter(
            TaxRow {
                income: dec("1000"),
                ..TaxRow::default()
            },
            2
        ),
        Decimal::ZERO
    );
}

// ---------------------------------------------------------------------------------------
// The year.

#[test]
fn a_contract_year_through_the_web_app() {
    let dir = std::env::temp_dir().join(format!("hw-year-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let rosters = dir.join("rosters");
    std::fs::create_dir_all(&rosters).unwrap();
    // The twelve rosters, solved once for every database, month after month in a scratch
    // store (each checked against the published month before it), as files the server
    // imports at start.
    let scratch = format!("sqlite://{}", dir.join("solve.db").display());
    for m in months() {
        let file = rosters.join(format!("roster-{m}.json"));
        let (code, out) = run(&[
            "roster",
            "--month",
            &m,
            "--quiet",
            "--threads",
            "1",
            "--time-limit",
            "8",
            "--json",
            file.to_str().unwrap(),
            "--db",
            &scratch,
        ]);
        assert_eq!(code, 0, "{out}");
        let (code, out) = run(&["roster", "publish", "--month", &m, "--db", &scratch]);
        if code != 0 {
            let (code, out2) = run(&[
                "roster",
                "publish",
                "--month",
                &m,
                "--db",
                &scratch,
                "--override",
                "year test: a short solve",
            ]);
            assert_eq!(code, 0, "{out}\n{out2}");
        }
    }
    for db in common::databases(&dir) {
        eprintln!("on {db}");
        year(&db, &dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

struct People {
    ops: (String, String),
    hr: (String, String),
    auditor: String,
}

fn year(db: &str, dir: &Path) {
    let server = start(db, dir.join("rosters").to_str().unwrap());
    let a = server.addr.as_str();
    let sign_in = |user: &str| {
        let c = session_cookie(&login(a, user, &format!("demo-{user}-2026")));
        let t = api_token(a, &c);
        (c, t)
    };
    let p = People {
        ops: sign_in("ops"),
        hr: sign_in("hr"),
        auditor: sign_in("auditor").0,
    };
    let post = |who: &(String, String), path: &str, ctype: &str, body: &[u8]| {
        api_post(a, path, &who.0, &who.1, ctype, body)
    };

    let mut runs: BTreeMap<String, i64> = BTreeMap::new();
    let mut rosters: BTreeMap<String, scheduler::RosterFile> = BTreeMap::new();
    let mut a010_absent: Option<(NaiveDate, String)> = None;
    for m in months() {
        // 1. Ops publishes the month (a month the store re-checks against a changed staff
        //    list may need the reason for publishing anyway).
        let body = format!(r#"{{"month": "{m}"}}"#);
        let r = post(&p.ops, "/api/roster/publish", JSON, body.as_bytes());
        if r.status != 200 {
            let body = format!(r#"{{"month": "{m}", "override": "年度测试：按导入的排班发布"}}"#);
            let r2 = post(&p.ops, "/api/roster/publish", JSON, body.as_bytes());
            assert_eq!(r2.status, 200, "{m}: {} / {}", r.text(), r2.text());
        }
        let stored = json(&get(a, &format!("/api/roster?month={m}"), &p.hr.0));
        assert_eq!(stored["published"], true, "{m}");
        let doc: scheduler::RosterFile = serde_json::from_value(stored["roster"].clone()).unwrap();

        // 2. The year's staff events, recorded by HR after the month was published.
        if m == "2026-04" {
            let r = post(
                &p.hr,
                "/api/staff/C002/deactivate",
                JSON,
                r#"{"left_on": "2026-04-15", "reason": "个人原因辞职"}"#.as_bytes(),
            );
            assert_eq!(r.status, 200, "{}", r.text());
            // The published April roster still gives him shifts after the 15th: the answer
            // names April's roster repair.
            let follow = json(&r)["follow_up"].clone();
            assert!(
                follow
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["month"] == "2026-04"
                        && f["kind"] == "repair_roster"
                        && f["link"] == "/roster/repair?month=2026-04"),
                "{follow}"
            );
        }
        if m == "2026-05" {
            let joiner = serde_json::json!({
                "new": true,
                "employee": {"id": "A950", "name": "符新来", "roles": ["agent"], "team": 2,
                              "position": "agent", "grade": 1},
                "hr": {"id": "A950", "name": "符新来", "id_type": "居民身份证",
                       "id_number": valid_id("46040020000316002"), "bank": "中国工商银行儋州分行",
                       "bank_account": "6222024180779990001", "hired_on": "2026-05-06"}
            });
            let r = post(&p.hr, "/api/staff", JSON, joiner.to_string().as_bytes());
            assert_eq!(r.status, 200, "{}", r.text());
            let follow = json(&r)["follow_up"].clone();
            assert!(
                follow
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["month"] == "2026-05" && f["kind"] == "repair_roster"),
                "the joiner is not on May's published roster: {follow}"
            );
        }

        // 3. HR imports the month's attendance, written from the published roster.
        let csv = attendance_csv(&m, &doc, &mut a010_absent);
        let r = post(
            &p.hr,
            &format!("/api/attendance/import?month={m}&file_name=attendance-{m}.csv"),
            "text/csv",
            csv.as_bytes(),
        );
        assert_eq!(r.status, 200, "{m}: {}", r.text());

        // 4. July: the March mistake is found. A010 did work the day he was marked absent;
        //    HR enters a correction of the approved March.
        if m == "2026-07" {
            let (day, shift) = a010_absent.clone().expect("March set it");
            let (start, end) = times(&rosters["2026-03"], &shift);
            let fix =
                format!("工号,日期,班次,上班打卡,下班打卡\nA010,{day},{shift},{start},{end}\n");
            // Not in the web app's month import: March is approved and frozen.
            let r = post(
                &p.hr,
                "/api/attendance/import?month=2026-03&file_name=fix.csv",
                "text/csv",
                fix.as_bytes(),
            );
            assert_eq!(r.status, 409, "{}", r.text());
            let r = post(
                &p.hr,
                "/api/corrections/attendance?month=2026-03&file_name=fix.csv&reason=%E6%9F%A5%E5%AE%9E%E5%87%BA%E5%8B%A4",
                "text/csv",
                fix.as_bytes(),
            );
            assert_eq!(r.status, 200, "{}", r.text());
            let list = json(&get(a, "/api/corrections?month=2026-03", &p.hr.0));
            assert_eq!(list["corrections"].as_array().unwrap().len(), 1, "{list}");
            assert!(list["corrections"][0]["settled_run_id"].is_null());
        }

        // 5. Payroll: a draft run, approved.
        let r = post(
            &p.hr,
            "/api/payroll/run",
            JSON,
            format!(r#"{{"month": "{m}"}}"#).as_bytes(),
        );
        assert_eq!(r.status, 201, "{m}: {}", r.text());
        let id = json(&r)["id"].as_i64().unwrap();
        let r = post(&p.hr, &format!("/api/payroll/run/{id}/approve"), JSON, b"");
        assert_eq!(r.status, 200, "{m}: {}", r.text());
        runs.insert(m.clone(), id);
        rosters.insert(m.clone(), doc);
    }
    let run_of = |m: &str| json(&get(a, &format!("/api/payroll/run/{}", runs[m]), &p.hr.0));
    let slip = |run: &Value, who: &str| -> Option<Value> {
        run["payroll"]["payslips"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["employee_id"] == who)
            .cloned()
    };
    let line = |slip: &Value, section: &str, code: &str| -> Option<Decimal> {
        let lines: Vec<&Value> = slip[section]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["code"] == code)
            .collect();
        (!lines.is_empty()).then(|| lines.iter().map(|l| money(&l["amount"])).sum())
    };

    // ---- The leaver's April pay (C002: callback grade 1, day shifts; comprehensive hours).
    // Fixed pay prorated by working days employed 10 ÷ scheduled 21 (each line rounded):
    //   base 2,250 × 10 ÷ 21 = 1,071.428… → 1,071.43; post 550 × 10 ÷ 21 = 261.904… → 261.90;
    //   meal 200 × 10 ÷ 21 = 95.238… → 95.24; performance 750 × 1.00 × 10 ÷ 21 = 357.142… →
    //   357.14 (composite 0.35×85 + 0.30×85 + 0.20×85 + 0.15×100 = 87.25 ≥ 85: coefficient
    //   1.00, the KPIs other than attendance at the neutral 85 without a KPI import).
    // Overtime: hours worked up to the 15th beyond 8 × 10 owed at 150% of 2,800 ÷ 174 an hour;
    // a statutory day (04-05) worked at 300%. No night shifts. Nothing after the 15th: he was
    // not employed, which is neither absence nor pay.
    let april = run_of("2026-04");
    let c002 = slip(&april, "C002").expect("the leaver is paid for April");
    let (mut ordinary_h, mut holiday_h) = (Decimal::ZERO, Decimal::ZERO);
    for x in rosters["2026-04"]
        .roster
        .assignments
        .iter()
        .filter(|x| x.employee == "C002" && x.date <= d("2026-04-15"))
    {
        assert_eq!(x.shift, "D", "C002 works day shifts only");
        if is_statutory(x.date) {
            holiday_h += Decimal::from(8);
        } else {
            ordinary_h += Decimal::from(8);
        }
    }
    let hour = dec("2800") / dec("174");
    let ot150 = fen((ordinary_h - Decimal::from(80)).max(Decimal::ZERO) * hour * dec("1.5"));
    let ot300 = fen(holiday_h * hour * dec("3"));
    assert_eq!(line(&c002, "earnings", "BASE"), Some(dec("1071.43")));
    assert_eq!(line(&c002, "earnings", "POST"), Some(dec("261.90")));
    assert_eq!(line(&c002, "earnings", "ALW_MEAL"), Some(dec("95.24")));
    assert_eq!(line(&c002, "earnings", "PERF"), Some(dec("357.14")));
    assert_eq!(line(&c002, "earnings", "ABSENCE"), None, "{c002}");
    let expected = dec("1071.43") + dec("261.90") + dec("95.24") + dec("357.14") + ot150 + ot300;
    assert_eq!(
        money(&c002["totals"]["gross"]),
        expected,
        "C002 April: ordinary {ordinary_h} h, holiday {holiday_h} h: {c002}"
    );
    // The run says the roster still held him after his last day.
    let warnings = april["cost"]["warnings"].to_string();
    assert!(warnings.contains("C002"), "{warnings}");
    // May onward: not paid.
    assert!(slip(&run_of("2026-05"), "C002").is_none());

    // ---- The joiner's May (A950: agent grade 1, employed every one of May's 19 working
    // days from the 6th, so no proration): 2,250 + 450 + meal 200 + performance 750 × 1.00
    // = 3,650.00; 19 × 8 h worked = 152 h owed: no overtime. One month's basic deduction,
    // 5,000; the year to date is May alone; taxable 3,650 − contributions − 5,000 < 0: no tax.
    let may = run_of("2026-05");
    let a950 = slip(&may, "A950").expect("the joiner is paid for May");
    assert_eq!(money(&a950["totals"]["gross"]), dec("3650.00"), "{a950}");
    assert_eq!(
        money(&a950["iit"]["cumulative_basic_deduction"]),
        dec("5000.00")
    );
    assert_eq!(
        money(&a950["iit"]["year_to_date_after"]["income"]),
        dec("3650.00")
    );
    assert_eq!(money(&a950["totals"]["income_tax"]), Decimal::ZERO);
    // His pension 8% of the 2026 Hainan floor 4,912.80 = 393.024 → 393.02.
    assert_eq!(
        line(&a950, "employee_contributions", "SI_PENSION_EE"),
        Some(dec("393.02"))
    );
    // June: two months' deduction.
    let june_a950 = slip(&run_of("2026-06"), "A950").unwrap();
    assert_eq!(
        money(&june_a950["iit"]["cumulative_basic_deduction"]),
        dec("10000.00")
    );

    // ---- July's difference lines for A010's March (agent grade 2, monthly wage 2,250 + 650
    // = 2,900): the absence deduction 2,900 ÷ 21.75 = 133.333… → 133.33 comes back, and the
    // attendance KPI 100 − 20 (one absence day) = 80 had made the composite 0.30×85 + 0.30×85
    // + 0.25×85 + 0.15×80 = 84.25 (coefficient 0.90) instead of 87.25 (1.00): performance
    // 850 × 0.10 = 85.00 comes back. Overtime is unchanged (the day adds 8 h worked and 8 h
    // owed).
    let march_a010 = slip(&run_of("2026-03"), "A010").unwrap();
    assert_eq!(
        line(&march_a010, "earnings", "ABSENCE"),
        Some(dec("-133.33"))
    );
    assert_eq!(line(&march_a010, "earnings", "PERF"), Some(dec("765.00")));
    let july = run_of("2026-07");
    let a010 = slip(&july, "A010").unwrap();
    let arrears: Vec<&Value> = a010["earnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["code"].as_str().unwrap().starts_with("ARR_"))
        .collect();
    assert!(
        arrears.iter().all(|l| l["source_month"] == "2026-03"),
        "{arrears:?}"
    );
    assert_eq!(line(&a010, "earnings", "ARR_ABSENCE"), Some(dec("133.33")));
    assert_eq!(line(&a010, "earnings", "ARR_PERF"), Some(dec("85.00")));
    assert_eq!(arrears.len(), 2, "{arrears:?}");
    // The approved March is unchanged, and July's approval settled the correction.
    assert_eq!(
        slip(&run_of("2026-03"), "A010").unwrap(),
        march_a010,
        "March as approved"
    );
    let list = json(&get(a, "/api/corrections?month=2026-03", &p.hr.0));
    assert_eq!(list["corrections"][0]["settled_run_id"], runs["2026-07"]);
    // The payslip page and the register name the month the lines correct.
    let page = get(
        a,
        &format!("/payroll/run/{}/payslip/A010", runs["2026-07"]),
        &p.hr.0,
    )
    .text();
    assert!(page.contains("补差(2026-03)旷工扣款"), "{page}");
    let r = get(
        a,
        &format!("/payroll/run/{}/export/payroll", runs["2026-07"]),
        &p.hr.0,
    );
    assert_eq!(r.status, 200);
    let register: Vec<String> = api::excel::table::read_all(&r.body)
        .unwrap()
        .iter()
        .flat_map(|t| t.rows.iter().flat_map(|(_, c)| c.iter().map(cell_text)))
        .collect();
    assert!(
        register
            .iter()
            .any(|c| c.replace('\n', "").contains("补差(2026-03)")),
        "the register names the corrected month"
    );
    // Nobody else has a difference line.
    for s in july["payroll"]["payslips"].as_array().unwrap() {
        if s["employee_id"] != "A010" {
            assert!(!s["earnings"].to_string().contains("ARR_"), "{s}");
        }
    }

    // ---- The tax client: each month's 正常工资薪金收入 sheet entered after the months before
    // gives the tax each payslip withholds, for everyone, every month, to the fen.
    let hired: BTreeMap<String, NaiveDate> = hire_dates();
    let mut clients: BTreeMap<String, Client> = BTreeMap::new();
    let mut withheld_by: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for m in months() {
        let run = run_of(&m);
        let r = get(a, &format!("/payroll/run/{}/export/tax", runs[&m]), &p.hr.0);
        assert_eq!(r.status, 200);
        let rows = tax_sheet(&r.body);
        assert_eq!(
            rows.len(),
            run["payroll"]["payslips"].as_array().unwrap().len(),
            "{m}: a row per payslip"
        );
        for (who, row) in rows {
            let first = hired.get(&who).copied().unwrap_or(d("2026-05-06"));
            let month_no: u32 = m[5..].parse().unwrap();
            assert!(
                first.year() < 2026 || first.month() <= month_no,
                "{who} paid in {m} before being hired"
            );
            let from = if first.year() < 2026 {
                1
            } else {
                first.month()
            };
            let expected = clients
                .entry(who.clone())
                .or_default()
                .enter(row, month_no - from + 1);
            let s = slip(&run, &who).unwrap();
            let paid = line(&s, "income_tax", "IIT").unwrap_or_default();
            assert_eq!(
                paid, expected,
                "{who} {m}: the payslip withholds {paid}, the tax client {expected}"
            );
            withheld_by.insert((who, m.clone()), paid);
        }
    }
    // Three people month by month: the manager and two team leaders pay tax.
    for who in ["M001", "T001", "T002"] {
        let year: Decimal = months()
            .iter()
            .map(|m| withheld_by[&(who.to_string(), m.clone())])
            .sum();
        eprintln!("{who}: withheld {year} over the year");
        assert_eq!(year, clients[who].withheld, "{who}: the year's withholding");
    }
    assert!(
        clients["M001"].withheld > Decimal::ZERO,
        "the manager pays tax"
    );

    // ---- The compliance year: the page = the workbook = the approved runs.
    let view = json(&get(a, "/api/compliance?year=2026", &p.auditor));
    let page = get(a, "/compliance?year=2026", &p.auditor).text();
    let w = get(
        a,
        &format!("/compliance/export/{}", runs["2026-12"]),
        &p.auditor,
    );
    assert_eq!(w.status, 200);
    let book = compliance_rows(&w.body);
    let mut year_total = Decimal::ZERO;
    for (i, m) in months().iter().enumerate() {
        let month = &view["months"][i];
        assert_eq!(month["month"], m.as_str());
        assert_eq!(month["actual"]["id"], runs[m], "{m} is actual");
        // The run: wages + employer contributions = its payslips' sums.
        let run = run_of(m);
        let (mut gross, mut employer) = (Decimal::ZERO, Decimal::ZERO);
        for s in run["payroll"]["payslips"].as_array().unwrap() {
            gross += money(&s["totals"]["gross"]);
            for l in s["employer_contributions"].as_array().unwrap() {
                employer += money(&l["amount"]);
            }
        }
        let cost = &run["cost"]["cost"];
        assert_eq!(money(&cost["wages"]), gross, "{m}");
        assert_eq!(
            money(&cost["employer_social_insurance"]) + money(&cost["employer_housing_fund"]),
            employer,
            "{m}"
        );
        let seat = money(&month["seat_labour_cost"]);
        assert_eq!(
            seat,
            gross + employer + money(&cost["management_cost"]),
            "{m}"
        );
        assert_eq!(book[m].0, seat, "{m}: workbook = page");
        year_total += seat;
        assert_eq!(money(&month["cumulative"]), year_total, "{m}");
        // Headcount days: 52 seats every day; C002 on post to 04-15, A950 from 05-06.
        let days_in = i64::from(
            NaiveDate::from_ymd_opt(2026, i as u32 + 1, 1)
                .unwrap()
                .iter_days()
                .take_while(|x| x.month() == i as u32 + 1)
                .count() as u32,
        );
        let vacancy = match m.as_str() {
            "2026-04" => 15, // 04-16..04-30
            "2026-05" => 5,  // 05-01..05-05
            _ => 0,
        };
        let days = &month["days"];
        assert_eq!(days["seat_days"], 52 * days_in, "{m}");
        assert_eq!(days["on_post_days"], 52 * days_in - vacancy, "{m}");
        assert_eq!(days["vacancy_days"], vacancy, "{m}");
        assert_eq!(days["reserve_days"], days_in, "{m}: the one reserve");
        assert_eq!(i64::from(book[m].1), vacancy, "{m}: workbook vacancy days");
    }
    assert_eq!(money(&view["year_view"]["year_to_date"]), year_total);
    let shown = format!("{year_total}");
    let grouped = group_thousands(&shown);
    assert!(page.contains(&grouped), "the page shows {grouped}");
    drop(server);
}

/// The attendance file of `m`: everyone's published shifts at the shift's times, except
/// C002 after his last day and C002 from May (not employed), one of A010's March day shifts
/// (remembered in `absent`), and A950's May working days from the 6th on the early shift.
fn attendance_csv(
    m: &str,
    doc: &scheduler::RosterFile,
    absent: &mut Option<(NaiveDate, String)>,
) -> String {
    let mut csv = String::from("工号,日期,班次,上班打卡,下班打卡\n");
    if m == "2026-03" {
        let x = doc
            .roster
            .assignments
            .iter()
            .find(|x| x.employee == "A010" && x.shift == "A" && is_working_day(x.date))
            .expect("A010 works an early shift on a working day in March");
        *absent = Some((x.date, x.shift.clone()));
    }
    for x in &doc.roster.assignments {
        if x.employee == "C002" && x.date > d("2026-04-15") {
            continue;
        }
        if m == "2026-03"
            && x.employee == "A010"
            && absent.as_ref().is_some_and(|(d, _)| *d == x.date)
        {
            continue;
        }
        let (start, end) = times(doc, &x.shift);
        csv += &format!("{},{},{},{start},{end}\n", x.employee, x.date, x.shift);
    }
    if m == "2026-05" {
        for day in d("2026-05-06").iter_days().take_while(|x| x.month() == 5) {
            if is_working_day(day) {
                csv += &format!("A950,{day},A,08:00,16:00\n");
            }
        }
    }
    csv
}

fn times(doc: &scheduler::RosterFile, shift: &str) -> (String, String) {
    let s = doc.problem.shifts.iter().find(|s| s.code == shift).unwrap();
    let end = if s.end == "24:00" {
        "00:00".to_string()
    } else {
        s.end.clone()
    };
    (s.start.clone(), end)
}

/// The demo HR file's hire dates.
fn hire_dates() -> BTreeMap<String, NaiveDate> {
    let text = std::fs::read_to_string(common::root().join("data/demo/hr.toml")).unwrap();
    let mut out = BTreeMap::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("id = \"") {
            id = Some(v.trim_end_matches('"').to_string());
        }
        if let Some(v) = line.strip_prefix("hired_on = \"") {
            out.insert(id.take().expect("id first"), d(v.trim_end_matches('"')));
        }
    }
    out
}

fn cell_text(c: &api::excel::table::Cell) -> String {
    use api::excel::table::Cell;
    match c {
        Cell::Text(t) | Cell::Error(t) => t.clone(),
        Cell::Number(n) | Cell::Date(n) => format!("{n:.2}"),
        Cell::Empty => String::new(),
    }
}

fn cell_money(c: &api::excel::table::Cell) -> Decimal {
    let t = cell_text(c);
    if t.is_empty() {
        Decimal::ZERO
    } else {
        dec(&t.replace(',', ""))
    }
}

/// The rows of the ITS import sheet 正常工资薪金收入, by 工号.
fn tax_sheet(bytes: &[u8]) -> Vec<(String, TaxRow)> {
    let tables = api::excel::table::read_all(bytes).unwrap();
    let t = tables
        .iter()
        .find(|t| t.sheet == "正常工资薪金收入")
        .expect("the import sheet");
    let head: Vec<String> = t.rows[0].1.iter().map(cell_text).collect();
    let col = |h: &str| {
        head.iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("{h}"))
    };
    let (id, income, free) = (col("工号"), col("本期收入"), col("本期免税收入"));
    let contrib = [
        col("基本养老保险费"),
        col("基本医疗保险费"),
        col("失业保险费"),
        col("住房公积金"),
    ];
    t.rows[1..]
        .iter()
        .map(|(_, r)| {
            (
                cell_text(&r[id]),
                TaxRow {
                    income: cell_money(&r[income]),
                    tax_free: cell_money(&r[free]),
                    contributions: contrib.iter().map(|&c| cell_money(&r[c])).sum(),
                },
            )
        })
        .collect()
}

/// The compliance workbook's month rows: seat labour cost of the month and vacancy days.
fn compliance_rows(bytes: &[u8]) -> BTreeMap<String, (Decimal, u32)> {
    let tables = api::excel::table::read_all(bytes).unwrap();
    let t = tables
        .iter()
        .find(|t| t.sheet == "坐席人工费合规")
        .expect("the compliance sheet");
    let (hi, head) = t
        .rows
        .iter()
        .map(|(_, r)| {
            r.iter()
                .map(|c| cell_text(c).replace('\n', ""))
                .collect::<Vec<_>>()
        })
        .enumerate()
        .find(|(_, r)| r.first().is_some_and(|c| c.starts_with("月份")))
        .expect("the header row");
    let col = |h: &str| {
        head.iter()
            .position(|x| x.starts_with(h))
            .unwrap_or_else(|| panic!("{h} in {head:?}"))
    };
    let (seat, vacancy) = (col("坐席人工费（当月）"), col("空缺人日"));
    t.rows[hi + 1..]
        .iter()
        .filter_map(|(_, r)| {
            let m = cell_text(&r[0]);
            (m.len() == 7 && m.starts_with("2026-")).then(|| {
                (
                    m,
                    (
                        cell_money(&r[seat]),
                        cell_money(&r[vacancy]).to_string().parse::<f64>().unwrap() as u32,
                    ),
                )
            })
        })
        .collect()
}

/// `3939313.45` → `3,939,313.45`.
fn group_thousands(s: &str) -> String {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if frac.is_empty() {
        out
    } else {
        format!("{out}.{frac}")
    }
}
