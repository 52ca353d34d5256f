//! A real browser through the web app: headless Chromium driven by chromedriver (Debian's
//! `chromium` and `chromium-driver`, installed by `scripts/setup.sh`) over the WebDriver
//! protocol, spoken with the plain HTTP helpers. It logs in as HR by typing into the form,
//! opens the overview, uploads an attendance file through the file input, sees the preview,
//! confirms, switches to English; then the operations manager generates a month's roster and
//! reads the grid. It saves a screenshot of every step under
//! `target/browser-shots/` (look at them; CI keeps them in the target folder).

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::http::{http, start};
use common::{root, solve_demo_roster};
use serde_json::{json, Value};

struct Driver {
    child: Child,
    addr: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn chromedriver() -> Driver {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver not found: install the Debian packages chromium and chromium-driver (scripts/setup.sh does as root)");
    let addr = format!("127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver { child, addr }
}

fn wd(d: &Driver, method: &str, path: &str, body: Value) -> Value {
    let text = if method == "GET" || method == "DELETE" {
        String::new()
    } else {
        body.to_string()
    };
    let r = http(
        &d.addr,
        method,
        path,
        "",
        "application/json",
        text.as_bytes(),
    );
    let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    assert!(
        r.status < 300,
        "WebDriver {method} {path}: {} {}",
        r.status,
        r.text()
    );
    v["value"].clone()
}

fn b64decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => 0,
        }
    };
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let pad = chunk.iter().filter(|&&c| c == b'=').count();
        let n = chunk.iter().fold(0u32, |acc, &c| {
            (acc << 6) | if c == b'=' { 0 } else { val(c) }
        });
        let n = n << (6 * (4 - chunk.len() as u32));
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad.min(3)]);
    }
    out
}

struct Browser<'a> {
    d: &'a Driver,
    session: String,
    shots: PathBuf,
}

impl Browser<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    fn go(&self, url: &str) {
        wd(self.d, "POST", &self.path("/url"), json!({ "url": url }));
    }

    fn find(&self, css: &str) -> String {
        let v = wd(
            self.d,
            "POST",
            &self.path("/element"),
            json!({ "using": "css selector", "value": css }),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        wd(
            self.d,
            "POST",
            &self.path(&format!("/element/{e}/value")),
            json!({ "text": text }),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        wd(
            self.d,
            "POST",
            &self.path(&format!("/element/{e}/click")),
            json!({}),
        );
    }

    fn source(&self) -> String {
        wd(self.d, "GET", &self.path("/source"), Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn url(&self) -> String {
        wd(self.d, "GET", &self.path("/url"), Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits (up to 20 s) until the page's address satisfies `ok`; returns it.
    fn wait_url(&self, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let u = self.url();
            if ok(&u) || Instant::now() > deadline {
                return u;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Waits (up to 30 s) until the page's source satisfies `ok` (a click that submits a form
    /// returns before the next page has loaded); returns it.
    fn wait_source(&self, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let page = self.source();
            if ok(&page) || Instant::now() > deadline {
                return page;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn shot(&self, name: &str) {
        let png = wd(self.d, "GET", &self.path("/screenshot"), Value::Null);
        let bytes = b64decode(png.as_str().unwrap());
        assert!(bytes.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(self.shots.join(format!("{name}.png")), bytes).unwrap();
    }
}

#[test]
fn a_person_logs_in_uploads_attendance_and_reads_the_pages() {
    let dir = std::env::temp_dir().join(format!("hw-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rosters")).unwrap();
    solve_demo_roster("2026-03", &dir.join("rosters/roster-2026-03.json"));
    let db = format!("sqlite://{}", dir.join("web.db").display());
    let server = start(&db, dir.join("rosters").to_str().unwrap());
    let base = format!("http://{}", server.addr);
    let shots = root().join("target/browser-shots");
    std::fs::create_dir_all(&shots).unwrap();

    let d = chromedriver();
    let caps = json!({ "capabilities": { "alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,800"]
        }
    }}});
    let s = wd(&d, "POST", "/session", caps);
    let b = Browser {
        d: &d,
        session: s["sessionId"].as_str().unwrap().to_string(),
        shots,
    };

    b.go(&format!("{base}/"));
    assert!(b.url().ends_with("/login"), "sent to the log-in page");
    b.shot("01-login");
    b.type_into("input[name=username]", "hr");
    b.type_into("input[name=password]", "demo-hr-2026");
    b.click("button.primary");
    let u = b.wait_url(|u| u.ends_with('/'));
    assert!(u.ends_with('/'), "{u}");
    let home = b.wait_source(|p| p.contains("人事专员"));
    assert!(
        home.contains("人事专员") && home.contains("52"),
        "the overview"
    );
    b.shot("02-overview");

    b.go(&format!("{base}/attendance?month=2026-03"));
    let file = root().join("tests/fixtures/attendance/good/template-2026-03.xlsx");
    b.type_into("input[type=file]", file.to_str().unwrap());
    b.click("button.primary");
    let preview = b.wait_source(|p| p.contains("name=\"pending\""));
    assert!(
        preview.contains("A005") && preview.contains("23:52"),
        "the preview lists the records"
    );
    b.shot("03-attendance-preview");
    b.click("form[action='/attendance/confirm'] button.primary");
    let stored = b.wait_source(|p| p.contains("template-2026-03.xlsx"));
    assert!(
        stored.contains("template-2026-03.xlsx"),
        "stored and listed"
    );
    b.shot("04-attendance-stored");
    // The differences with the roster, to confirm: tick the first, write a note, confirm.
    b.go(&format!("{base}/attendance?month=2026-03#differences"));
    b.wait_source(|p| p.contains("id=\"differences\""));
    b.click("#differences input[name=item]");
    b.type_into("#differences input[name=note]", "已与班长核实");
    b.shot("04b-attendance-differences");
    b.click("#differences button.primary");
    let confirmed = b.wait_source(|p| p.contains("已与班长核实"));
    assert!(
        confirmed.contains("已与班长核实"),
        "the confirmation is shown"
    );

    b.go(&format!("{base}/exports?lang=en"));
    let exports = b.wait_source(|p| p.contains("Exports"));
    assert!(exports.contains("Exports") && exports.contains("/exports/tax?month=2026-03"));
    b.shot("05-exports-english");

    // HR adds a person through the form; the staff page lists them.
    b.go(&format!("{base}/staff/new?lang=zh"));
    b.wait_source(|p| p.contains("name=\"id_number\""));
    b.type_into("input[name=id]", "A950");
    b.type_into("input[name=name]", "黄诗琪");
    b.click("input[name=roles][value=agent]");
    b.type_into("input[name=grade]", "1");
    b.type_into("input[name=id_number]", "460400199805121239");
    b.type_into("input[name=bank]", "海南农信儋州支行");
    b.type_into("input[name=bank_account]", "6221000011112222");
    b.shot("05b-staff-form");
    b.click("form[action='/staff/save'] button.primary");
    let staff = b.wait_source(|p| p.contains("A950 黄诗琪"));
    assert!(staff.contains("A950 黄诗琪"), "the new person is listed");
    b.shot("05c-staff-list");

    // The operations manager generates April in the browser, watches the progress and reads
    // the grid.
    b.go(&format!("{base}/?lang=zh"));
    b.click("header form button");
    b.wait_url(|u| u.ends_with("/login"));
    b.type_into("input[name=username]", "ops");
    b.type_into("input[name=password]", "demo-ops-2026");
    b.click("button.primary");
    b.wait_url(|u| u.ends_with('/'));
    b.go(&format!("{base}/roster?month=2026-04"));
    let tl = b.find("input[name=time_limit]");
    wd(
        &d,
        "POST",
        &b.path(&format!("/element/{tl}/clear")),
        json!({}),
    );
    b.type_into("input[name=time_limit]", "20");
    b.click("#genform button.primary");
    b.wait_source(|p| p.contains("id=\"prog\"") || p.contains("id=\"grid\""));
    b.shot("06-roster-generating");
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        b.go(&format!("{base}/roster?month=2026-04"));
        let page = b.source();
        if page.contains("id=\"grid\"") && page.contains("A001") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the roster did not appear: {page}"
        );
        std::thread::sleep(Duration::from_secs(3));
    }
    b.shot("07-roster-grid");

    wd(
        &d,
        "DELETE",
        &format!("/session/{}", b.session),
        Value::Null,
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
