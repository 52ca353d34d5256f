//! Benchmark: solve the demo site for the months given on the command line (default: every
//! month of 2026) and print solve time, gap and shortfalls. Not a test: figures go to the
//! README. Run: `cargo bench -p scheduler --bench demo_months -- 2026-02 2026-10`.
//! Environment: ROSTER_TIME_LIMIT (s, default 60), ROSTER_THREADS (default 1), ROSTER_CHAIN
//! (each month from the previous one's roster; the months in order).

use scheduler::{summarize, validate, Calendar, PriorShift, Problem, Site, SolveOptions};

fn main() {
    let cal = Calendar::from_toml_strs([
        include_str!("../../data/calendar/2025.toml"),
        include_str!("../../data/calendar/2026.toml"),
    ])
    .expect("calendar");
    let mut site = Site::from_toml_strs(
        include_str!("../../data/demo/site.toml"),
        Some(include_str!("../../data/demo/staff.toml")),
    )
    .expect("site");
    // Ablation switches for studying the model (not used for the README figures).
    if std::env::var("ROSTER_NO_STANDBY").is_ok() {
        site.rules.standby_shifts.clear();
    }
    if std::env::var("ROSTER_NO_SOFT").is_ok() {
        let w = &mut site.weights;
        (
            w.night_spread,
            w.holiday_spread,
            w.weekend_spread,
            w.standby_spread,
        ) = (0.0, 0.0, 0.0, 0.0);
        (w.isolated_day_off, w.shift_change) = (0.0, 0.0);
    }
    if std::env::var("ROSTER_NO_PATTERN").is_ok() {
        let w = &mut site.weights;
        (w.isolated_day_off, w.shift_change) = (0.0, 0.0);
    }
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let months: Vec<(i32, u32)> = if args.is_empty() {
        (1..=12).map(|m| (2026, m)).collect()
    } else {
        args.iter()
            .map(|a| {
                let (y, m) = a.split_once('-').expect("YYYY-MM");
                (y.parse().expect("year"), m.parse().expect("month"))
            })
            .collect()
    };
    let env = |k: &str, d: f64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let opts = SolveOptions {
        time_limit_seconds: env("ROSTER_TIME_LIMIT", 60.0),
        threads: env("ROSTER_THREADS", 1.0) as u32,
        log: std::env::var("ROSTER_LOG").is_ok(),
        ..Default::default()
    };
    println!("month    status        seconds  objective      bound    gap%  shortfalls violations nights(spread) holiday(spread)  vars  rows");
    // ROSTER_CHAIN: each month starts from the previous month's roster (its last days, as
    // `roster --previous` gives them), as the operations manager runs the year.
    let chain = std::env::var("ROSTER_CHAIN").is_ok();
    let mut previous: Vec<PriorShift> = Vec::new();
    for (y, m) in months {
        let problem = Problem::new(&site, &cal, y, m, vec![], previous.clone()).expect("problem");
        let roster = scheduler::solve(&problem, &opts).expect("solve");
        if chain {
            let keep = problem.rules.history_days as i64;
            let last = problem.days.last().expect("days").date;
            previous = roster
                .assignments
                .iter()
                .filter(|a| (last - a.date).num_days() < keep)
                .map(|a| PriorShift {
                    employee: a.employee.clone(),
                    date: a.date,
                    shift: a.shift.clone(),
                })
                .collect();
        }
        let v = validate(&problem, &roster);
        let s = summarize(&problem, &roster);
        println!(
            "{}  {:<12} {:>8.1} {:>10.1} {:>10.1} {:>6.2} {:>10} {:>10} {:>14} {:>15} {:>5} {:>5}",
            problem.month,
            format!("{:?}", roster.status),
            roster.stats.seconds,
            roster.stats.objective,
            roster.stats.bound,
            roster.stats.gap * 100.0,
            roster.shortfalls.len(),
            v.len(),
            s.spread("agent", "nights").unwrap_or(0),
            s.spread("agent", "holiday_shifts").unwrap_or(0),
            roster.stats.variables,
            roster.stats.constraints,
        );
        for sf in &roster.shortfalls {
            println!(
                "    shortfall {:?} {:?} {:?} {:?} missing {}: {}",
                sf.kind, sf.date, sf.shift, sf.role, sf.missing, sf.cause
            );
        }
        for x in &v {
            println!("    violation {}", x.line_in("en"));
        }
        for t in &roster.stats.terms {
            println!(
                "    {:<22} measure {:>9.2} cost {:>10.2}",
                t.name, t.measure, t.cost
            );
        }
    }
}
