//! Log-in under attack, through the real server: parallel guesses on one account are no
//! faster than serial ones (the throttle holds under parallel requests), the right password
//! still gets in after them, and the failures are counted in the audit log at the first and
//! every tenth in a row rather than a row each.

mod common;

use std::time::{Duration, Instant};

use common::http::{get, login, session_cookie, start_env};

/// The server's first delay after a failure (`LOGIN_DELAY_MS`); short so the test is quick.
const BASE_MS: u64 = 10;

#[test]
fn parallel_wrong_passwords_wait_as_long_as_serial_ones() {
    let dir = std::env::temp_dir().join(format!("hw-web-login-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rosters")).unwrap();
    let db = format!("sqlite://{}", dir.join("web.db").display());
    let server = start_env(
        &db,
        dir.join("rosters").to_str().unwrap(),
        &[("LOGIN_DELAY_MS", &BASE_MS.to_string())],
    );
    let a = server.addr.clone();

    // 40 wrong passwords for `hr`, all sent at once.
    let started = Instant::now();
    let handles: Vec<_> = (0..40)
        .map(|k| {
            let a = a.clone();
            std::thread::spawn(move || login(&a, "hr", &format!("wrong-password-{k}")).status)
        })
        .collect();
    let statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let took = started.elapsed();
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    // Serially, the k-th attempt (k = 0…39) waits base × 2^(k−1), at most 16 × base: 0, 10,
    // 20, 40, 80, then 160 ms for each of the other 35: 150 + 5,600 = 5,750 ms in all.
    let serial: u64 = (0..40u32)
        .map(|k| if k == 0 { 0 } else { BASE_MS << (k - 1).min(4) })
        .sum();
    assert_eq!(serial, 5_750);
    assert!(
        took >= Duration::from_millis(serial),
        "40 parallel guesses took {took:?}, the serial throttle says at least {serial} ms"
    );

    // The right password still gets in (after its earned wait), and clears the count.
    let r = login(&a, "hr", "demo-hr-2026");
    assert_eq!(r.status, 303, "{}", r.text());
    let hr = session_cookie(&r);
    assert_eq!(get(&a, "/api/me", &hr).status, 200);

    // The audit log: failures 1, 10, 20, 30 and 40 in a row, five rows, each with its count.
    let admin = session_cookie(&login(&a, "admin", "demo-admin-2026"));
    let log: serde_json::Value =
        serde_json::from_slice(&get(&a, "/api/audit?limit=500", &admin).body).unwrap();
    let failed: Vec<i64> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login.failed" && e["target"] == "hr")
        .map(|e| {
            let after: serde_json::Value =
                serde_json::from_str(e["after"].as_str().unwrap()).unwrap();
            after["failures_in_a_row"].as_i64().unwrap()
        })
        .collect();
    let mut counts = failed.clone();
    counts.sort_unstable();
    assert_eq!(counts, [1, 10, 20, 30, 40], "{log}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
