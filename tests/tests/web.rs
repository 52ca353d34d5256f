//! The web app through the real binary on port 0 with a fresh SQLite file: log-in for every
//! role, the rights of every route for every role (the auditor never reaches an export with
//! ID numbers or bank accounts), attendance upload → located errors (nothing stored) →
//! preview → confirm (CSRF required) → stored and audited, a download, log-out.

mod common;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use common::{root, run, workforce};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &str, rosters: &str) -> Server {
    let mut child = Command::new(workforce())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--demo",
            "--db",
            db,
            "--rosters",
            rosters,
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server output").unwrap();
        if let Some(a) = line.strip_prefix("listening on http://") {
            break a.to_string();
        }
    };
    // Keep draining the server's output so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

fn http(addr: &str, method: &str, path: &str, cookie: &str, ctype: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !cookie.is_empty() {
        req += &format!("Cookie: {cookie}\r\n");
    }
    if !ctype.is_empty() {
        req += &format!("Content-Type: {ctype}\r\n");
    }
    req += "\r\n";
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[eol + 2 + size + 2..];
        }
        body = out;
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn get(addr: &str, path: &str, cookie: &str) -> Reply {
    http(addr, "GET", path, cookie, "", b"")
}

fn login(addr: &str, user: &str, password: &str) -> Reply {
    http(
        addr,
        "POST",
        "/login",
        "",
        "application/x-www-form-urlencoded",
        format!("username={user}&password={password}").as_bytes(),
    )
}

fn session_cookie(r: &Reply) -> String {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| v.strip_prefix("hw_session="))
        .map(|v| format!("hw_session={}", v.split(';').next().unwrap()))
        .expect("a session cookie")
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..at + 32].to_string()
}

fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let b = "----hwtestboundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    body.extend(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend(format!("\r\n--{b}--\r\n").bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

#[test]
fn roles_pages_attendance_upload_and_downloads() {
    let dir = std::env::temp_dir().join(format!("hw-web-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let rosters = dir.join("rosters");
    std::fs::create_dir_all(&rosters).unwrap();
    let (code, out) = run(&[
        "roster",
        "--month",
        "2026-03",
        "--quiet",
        "--threads",
        "1",
        "--time-limit",
        "20",
        "--json",
        rosters.join("roster-2026-03.json").to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let db = format!("sqlite://{}", dir.join("web.db").display());
    let server = start(&db, rosters.to_str().unwrap());
    let a = server.addr.as_str();

    // Not signed in: pages send to the log-in page, the API says 401.
    let r = get(a, "/", "");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    assert_eq!(get(a, "/api/me", "").status, 401);
    assert!(get(a, "/login", "").text().contains("儋州12345"));
    assert!(get(a, "/login?lang=en", "").text().contains("Log in"));

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
    let _ = std::fs::remove_dir_all(&dir);
}
