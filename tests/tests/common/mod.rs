//! Helpers of the acceptance tests: the real `workforce` binary, run from the workspace root.
#![allow(dead_code)]

pub mod http;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn workforce() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("workforce");
    assert!(
        bin.exists(),
        "{} missing: run `cargo build -p api` first (scripts/test.sh does)",
        bin.display()
    );
    bin
}

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

/// Runs the binary from the workspace root. A command given no `--db` works on a fresh
/// SQLite file of its own (seeded from the demo site like any empty store), never on the
/// default `out/workforce.db`: each test is independent of the others and of whatever a
/// developer keeps there.
pub fn run(args: &[&str]) -> (i32, String) {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let mut cmd = Command::new(workforce());
    cmd.args(args).current_dir(root());
    let fresh = if args.contains(&"--db") {
        None
    } else {
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("hw-cli-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        cmd.env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("w.db").display()),
        );
        Some(dir)
    };
    let out = cmd.output().unwrap();
    if let Some(dir) = fresh {
        let _ = std::fs::remove_dir_all(dir);
    }
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// Solves the demo site's `month` quietly (one thread, 20 s) into the roster JSON `json`.
pub fn solve_demo_roster(month: &str, json: &Path) {
    let (code, out) = run(&[
        "roster",
        "--month",
        month,
        "--quiet",
        "--threads",
        "1",
        "--time-limit",
        "20",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
}

/// Attendance records stored for `month` in the database `db`, as `attendance list` says.
pub fn stored_attendance(db: &str, month: &str) -> usize {
    let (code, out) = run(&["attendance", "list", "--month", month, "--db", db]);
    assert_eq!(code, 0, "{out}");
    out.lines()
        .next()
        .and_then(|l| l.split(": ").nth(1))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {out}"))
}

/// The databases a storage-dependent acceptance test runs on: a fresh SQLite file in `dir`,
/// and a fresh PostgreSQL database when `WORKFORCE_TEST_POSTGRES` names a server
/// (`eval "$(scripts/postgres.sh start)"`; `scripts/test.sh` does it). In CI (`CI` set) the
/// PostgreSQL run is required, not skipped.
pub fn databases(dir: &Path) -> Vec<String> {
    let mut urls = vec![format!("sqlite://{}", dir.join("web.db").display())];
    match std::env::var("WORKFORCE_TEST_POSTGRES") {
        Ok(admin) if !admin.is_empty() => {
            let rt = api::db::runtime().unwrap();
            urls.push(
                rt.block_on(api::db::create_postgres_database(&admin, "wf_accept"))
                    .unwrap(),
            );
        }
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the acceptance tests on PostgreSQL too: set WORKFORCE_TEST_POSTGRES"
            );
            eprintln!("WORKFORCE_TEST_POSTGRES not set: PostgreSQL run skipped");
        }
    }
    urls
}

/// Runs `scenario(db_url, dir)` on every database of [`databases`], in a fresh temporary
/// folder `hw-NAME-PID` holding an empty `rosters/` (and, with `solve` a month, that month's
/// demo roster solved once for all runs); the folder is removed afterwards.
pub fn on_each_database(name: &str, solve: Option<&str>, scenario: impl Fn(&str, &Path)) {
    let dir = std::env::temp_dir().join(format!("hw-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let rosters = dir.join("rosters");
    std::fs::create_dir_all(&rosters).unwrap();
    if let Some(month) = solve {
        solve_demo_roster(month, &rosters.join(format!("roster-{month}.json")));
    }
    for db in databases(&dir) {
        eprintln!("on {db}");
        scenario(&db, &dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
