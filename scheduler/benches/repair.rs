//! Benchmark: repair a published demo month after one absence. Solves the month first (the
//! "published" roster, ROSTER_TIME_LIMIT s, default 60), then for each scenario makes one
//! agent sick for three days from the change date and repairs with REPAIR_TIME_LIMIT
//! (default 10 s). Prints seconds, changes, people affected, shortfalls and violations.
//! Run: `cargo bench -p scheduler --bench repair -- 2026-03`.

use chrono::{Duration, NaiveDate};
use scheduler::{repair, validate, Calendar, Event, LeaveKind, Problem, Site, SolveOptions};

fn main() {
    let cal = Calendar::from_toml_strs([
        include_str!("../../data/calendar/2025.toml"),
        include_str!("../../data/calendar/2026.toml"),
    ])
    .expect("calendar");
    let site = Site::from_toml_strs(
        include_str!("../../data/demo/site.toml"),
        Some(include_str!("../../data/demo/staff.toml")),
    )
    .expect("site");
    let month = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| "2026-03".into());
    let (y, m) = month.split_once('-').expect("YYYY-MM");
    let (y, m): (i32, u32) = (y.parse().expect("year"), m.parse().expect("month"));
    let env = |k: &str, d: f64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let threads = env("ROSTER_THREADS", 1.0) as u32;
    let log = std::env::var("ROSTER_LOG").is_ok();
    let problem = Problem::new(&site, &cal, y, m, vec![], vec![]).expect("problem");
    let published = scheduler::solve(
        &problem,
        &SolveOptions {
            time_limit_seconds: env("ROSTER_TIME_LIMIT", 60.0),
            threads,
            ..Default::default()
        },
    )
    .expect("solve");
    println!(
        "published {month}: {} assignments, {} shortfalls, {} violations",
        published.assignments.len(),
        published.shortfalls.len(),
        validate(&problem, &published).len()
    );
    let doc = scheduler::RosterFile {
        problem,
        roster: published,
    };
    let opts = SolveOptions {
        time_limit_seconds: env("REPAIR_TIME_LIMIT", 10.0),
        threads,
        log,
        ..Default::default()
    };
    let first = NaiveDate::from_ymd_opt(y, m, 1).expect("date");
    println!(
        "change date  absent  status        seconds  changes  affected  shortfalls  violations"
    );
    for (offset, who) in [(4, "A010"), (14, "A021"), (24, "A033"), (14, "T002")] {
        let from = first + Duration::days(offset);
        let events = [Event::Absence {
            employee: who.into(),
            from,
            to: from + Duration::days(2),
            kind: LeaveKind::Sick,
        }];
        let started = std::time::Instant::now();
        let r = repair(&doc, &events, from, &opts).expect("repair");
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{from}  {who:6}  {:12?}  {secs:7.1}  {:7}  {:8}  {:10}  {:10}",
            r.roster.roster.status,
            r.changes.len(),
            r.affected.len(),
            r.roster.roster.shortfalls.len(),
            validate(&r.roster.problem, &r.roster.roster).len()
        );
    }
}
