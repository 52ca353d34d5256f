//! HTTP helpers of the web acceptance tests: start the real `workforce serve` on port 0 with
//! a fresh database, and speak HTTP/1.1 over a plain TCP stream (no client library).
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use super::{root, workforce};

/// A running `workforce serve`, killed when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// The server's peak resident memory so far (VmHWM of /proc/PID/status), in kB.
    pub fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status")
    }

    /// Kills the server at once (SIGKILL: no shutdown, no flush).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(db: &str, rosters: &str) -> Server {
    start_env(db, rosters, &[])
}

/// [`start`] with environment variables set for the server (e.g. its own `TMPDIR`).
pub fn start_env(db: &str, rosters: &str, env: &[(&str, &str)]) -> Server {
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
        .envs(env.iter().copied())
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

/// An HTTP reply.
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// Body (chunked encoding undone).
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

pub fn http(addr: &str, method: &str, path: &str, cookie: &str, ctype: &str, body: &[u8]) -> Reply {
    http_with(addr, method, path, cookie, ctype, &[], body)
}

/// A JSON API POST with the session's CSRF token in `X-CSRF-Token`.
pub fn api_post(
    addr: &str,
    path: &str,
    cookie: &str,
    token: &str,
    ctype: &str,
    body: &[u8],
) -> Reply {
    http_with(
        addr,
        "POST",
        path,
        cookie,
        ctype,
        &[("X-CSRF-Token", token)],
        body,
    )
}

/// The CSRF token of the signed-in session (`GET /api/me`).
pub fn api_token(addr: &str, cookie: &str) -> String {
    let me = get(addr, "/api/me", cookie).text();
    let at = me.find("\"csrf\":\"").expect("csrf in /api/me") + 8;
    me[at..at + 32].to_string()
}

/// `application/x-www-form-urlencoded` of the fields (UTF-8, percent-encoded).
pub fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

pub fn http_with(
    addr: &str,
    method: &str,
    path: &str,
    cookie: &str,
    ctype: &str,
    extra: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    // A hung peer fails the test instead of hanging it.
    s.set_read_timeout(Some(std::time::Duration::from_secs(180)))
        .unwrap();
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
    for (k, v) in extra {
        req += &format!("{k}: {v}\r\n");
    }
    req += "\r\n";
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    // Read the head, then the body by its Content-Length (some servers, chromedriver among
    // them, keep the connection open after the reply); without a length, up to the close.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = s.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if let Some(len) = length {
                if raw.len() >= split + 4 + len {
                    raw.truncate(split + 4 + len);
                    break;
                }
            }
        }
    }
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

pub fn get(addr: &str, path: &str, cookie: &str) -> Reply {
    http(addr, "GET", path, cookie, "", b"")
}

pub fn login(addr: &str, user: &str, password: &str) -> Reply {
    http(
        addr,
        "POST",
        "/login",
        "",
        "application/x-www-form-urlencoded",
        format!("username={user}&password={password}").as_bytes(),
    )
}

pub fn session_cookie(r: &Reply) -> String {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| v.strip_prefix("hw_session="))
        .map(|v| format!("hw_session={}", v.split(';').next().unwrap()))
        .expect("a session cookie")
}

pub fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    page[at..at + 32].to_string()
}

pub fn multipart(fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
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
