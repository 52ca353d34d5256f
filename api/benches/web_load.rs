//! Load on the web app over loopback: `cargo bench -p api --bench web_load`.
//!
//! Sets up a store as a month in use looks (the demo site seeded, March 2026 generated and
//! published, its payroll run and approved), starts the real router on 127.0.0.1 with the
//! server's own runtime (2 worker threads, as `workforce serve`), signs in, and then for each
//! page keeps CONNECTIONS keep-alive connections busy for SECONDS (env `LOAD_CONNECTIONS`,
//! default 50; `LOAD_SECONDS`, default 20), each sending the next request as soon as the
//! previous answer is read (a closed loop, as wrk does). Prints requests per second and the
//! latency percentiles per page. The client threads run on the same 2-core machine as the
//! server, so the figures include that competition.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use api::db::Store;
use api::month::roster::SolveRequest;
use api::month::YearMonth;
use api::web::{App, Config};

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One GET on a kept-alive connection; the status and the body's length.
fn get(
    stream: &mut BufReader<TcpStream>,
    path: &str,
    cookie: &str,
) -> std::io::Result<(u16, usize)> {
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\nConnection: keep-alive\r\n\r\n"
    );
    stream.get_mut().write_all(req.as_bytes())?;
    let mut line = String::new();
    stream.read_line(&mut line)?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        stream.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let lower = l.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut total = 0;
    if chunked {
        loop {
            line.clear();
            stream.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let mut buf = vec![0; n + 2];
            stream.read_exact(&mut buf)?;
            total += n;
            if n == 0 {
                break;
            }
        }
    } else if let Some(n) = length {
        let mut buf = vec![0; n];
        stream.read_exact(&mut buf)?;
        total = n;
    }
    Ok((status, total))
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn load(addr: &str, path: &str, cookie: &str, connections: u64, seconds: u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..connections)
        .map(|_| {
            let (addr, path, cookie, stop) = (
                addr.to_string(),
                path.to_string(),
                cookie.to_string(),
                stop.clone(),
            );
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut errors = 0u64;
                let mut stream =
                    BufReader::new(TcpStream::connect(&addr).expect("connect to the server"));
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    match get(&mut stream, &path, &cookie) {
                        Ok((200, _)) => lat.push(t.elapsed()),
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            stream = BufReader::new(
                                TcpStream::connect(&addr).expect("reconnect to the server"),
                            );
                        }
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for t in threads {
        let (lat, e) = t.join().expect("a client thread");
        all.extend(lat);
        errors += e;
    }
    all.sort();
    println!(
        "| {path} | {connections} | {seconds} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {errors} |",
        all.len(),
        all.len() as f64 / seconds as f64,
        percentile(&all, 0.50),
        percentile(&all, 0.90),
        percentile(&all, 0.99),
        all.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
    );
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let connections = env_num("LOAD_CONNECTIONS", 50);
    let seconds = env_num("LOAD_SECONDS", 20);
    let dir = std::env::temp_dir().join(format!("hw-web-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let url = format!("sqlite://{}", dir.join("load.db").display());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let (app, cookie) = rt.block_on(async {
        let store = Store::open(&url).await.expect("the store");
        store
            .add_user(
                "bench",
                "压测",
                api::accounts::Role::Admin,
                "bench-password-1",
                "bench",
            )
            .await
            .expect("a user");
        let app = App::new(
            store.clone(),
            Config {
                data_dir: root.join("data"),
                site: root.join("data/demo"),
                rosters: None,
                db_url: url.clone(),
                login_delay: Duration::from_millis(250),
                behind_tls: false,
                solves: 1,
            },
        )
        .await
        .expect("the app");
        let cx = api::month::Context {
            store: &store,
            reference: &api::reference::Reference::load(
                &root.join("data"),
                &root.join("data/demo"),
            )
            .expect("reference data"),
        };
        let march = YearMonth::parse("2026-03").expect("a month");
        let mut req = SolveRequest::month(march, 20.0);
        req.threads = 2;
        let g = api::month::roster::generate(cx, &req, "bench")
            .await
            .expect("March generated");
        println!(
            "setup: March generated ({} violation(s)), published, paid and approved",
            g.checked.verdict.len()
        );
        api::month::roster::publish(cx, "2026-03", "bench", Some("bench"))
            .await
            .expect("published");
        let (id, _) = api::month::pay::run(cx, march, "bench")
            .await
            .expect("paid");
        api::month::pay::approve(cx, id, "bench")
            .await
            .expect("approved");
        let (token, _) = store
            .login("bench", "bench-password-1")
            .await
            .expect("login")
            .expect("signed in");
        (app, format!("hw_session={token}"))
    });
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a port");
    let addr = listener.local_addr().expect("an address").to_string();
    rt.spawn(async move {
        axum::serve(listener, api::web::router(app))
            .await
            .expect("serving");
    });
    // Warm up (the overview's figures are derived once per change of the store).
    let mut s = BufReader::new(TcpStream::connect(&addr).expect("connect"));
    for p in [
        "/?month=2026-03",
        "/roster?month=2026-03",
        "/api/roster?month=2026-03",
    ] {
        let (status, bytes) = get(&mut s, p, &cookie).expect("a warm-up answer");
        assert_eq!(status, 200, "{p}");
        println!("warm-up {p}: {bytes} bytes");
    }
    println!();
    println!("| path | connections | seconds | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | errors |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for path in [
        "/?month=2026-03",
        "/roster?month=2026-03",
        "/api/roster?month=2026-03",
        "/api/me",
    ] {
        load(&addr, path, &cookie, connections, seconds);
    }
    // `/api/me` again while 20 clients send wrong passwords without pause, each attempt under
    // a new user name (no account's throttle slows them: every attempt costs a password
    // check, the worst case for the hashing pool).
    let stop = Arc::new(AtomicBool::new(false));
    let flood: Vec<_> = (0..20)
        .map(|k| {
            let (addr, stop) = (addr.to_string(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let body = format!("username=flood-{k}-{n}&password=wrong-password");
                    let Ok(mut c) = TcpStream::connect(&addr) else {
                        continue;
                    };
                    let req = format!(
                        "POST /login HTTP/1.1\r\nHost: bench\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = c.write_all(req.as_bytes());
                    let mut sink = Vec::new();
                    let _ = c.read_to_end(&mut sink);
                    n += 1;
                }
                n
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(1));
    print!("(20 wrong-password log-ins in parallel) ");
    load(&addr, "/api/me", &cookie, connections, seconds);
    stop.store(true, Ordering::Relaxed);
    let attempts: u64 = flood.into_iter().map(|t| t.join().unwrap_or(0)).sum();
    println!(
        "wrong-password log-ins answered meanwhile: {attempts} ({:.1}/s)",
        attempts as f64 / (seconds + 1) as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
}
