//! Benchmark: the Curtois-Qu instances through the same model as the hotline rosters.
//! Prints, per instance, the objective found, the bound, the best-known optimum, the gap to it,
//! seconds and the independent scorer's violation count.
//! Run: `cargo bench -p scheduler --bench curtois -- 1 2 3` (default 1-12).
//! Environment: NRP_TIME_LIMIT (s, default 60), NRP_THREADS (default 2, the benchmark machine's cores), NRP_DIR (default
//! ../shared/bench-data/curtois relative to the workspace), NRP_CG_SHARE (share of the limit for
//! column generation; 0 = the cell model alone), NRP_CG_ROSTERS (0 = column generation for the
//! bound only), NRP_MIP_SHARE, NRP_ANNEAL_SHARE, NRP_T0/T1
//! (the cell-model path), NRP_LOG_LNS (search statistics).

use scheduler::{nrp, SolveOptions};

const BEST: [u64; 12] = [
    607, 828, 1001, 1716, 1143, 1950, 1056, 1300, 439, 4631, 3443, 4040,
];

fn main() {
    let dir = std::env::var("NRP_DIR").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/bench-data/curtois"
        )
        .to_string()
    });
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let list: Vec<usize> = if args.is_empty() {
        (1..=12).collect()
    } else {
        args
    };
    let env = |k: &str, d: f64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let opts = SolveOptions {
        time_limit_seconds: env("NRP_TIME_LIMIT", 60.0),
        threads: env("NRP_THREADS", 2.0) as u32,
        log: std::env::var("NRP_LOG").is_ok(),
        ..Default::default()
    };
    println!("inst  status        objective   bound  best  gap_to_best%  seconds  violations");
    for i in list {
        let path = format!("{dir}/Instance{i}.txt");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let inst = nrp::parse(&text).expect("instance");
        let default = scheduler::nrp_search::Plan::for_instance(&inst);
        let plan = scheduler::nrp_search::Plan {
            cg_share: env("NRP_CG_SHARE", default.cg_share),
            cg_rosters: std::env::var("NRP_CG_ROSTERS")
                .map(|v| v != "0")
                .unwrap_or(default.cg_rosters),
            mip_share: env("NRP_MIP_SHARE", default.mip_share),
            anneal_share: env("NRP_ANNEAL_SHARE", default.anneal_share),
            temps: (
                env("NRP_T0", scheduler::nrp_search::T0),
                env("NRP_T1", scheduler::nrp_search::T1),
            ),
        };
        let r = scheduler::nrp_search::solve(&inst, &opts, &plan).expect("solve");
        let score = nrp::score(&inst, &r.worked);
        let best = BEST[i - 1];
        println!(
            "{:>4}  {:<12} {:>10} {:>7.0} {:>5} {:>13.2} {:>8.1} {:>11}",
            i,
            if r.optimal { "Optimal" } else { "Feasible" },
            score.objective(),
            r.bound,
            best,
            (score.objective() as f64 - best as f64) / best as f64 * 100.0,
            r.seconds,
            score.violations.len()
        );
        if std::env::var("NRP_LOG_LNS").is_ok() {
            println!(
                "      lns: {:?}; under {} over {} on {} off {}",
                r.lns, score.under, score.over, score.on_requests, score.off_requests
            );
            if let Some(cg) = &r.cg {
                println!(
                    "      cg: bound {} converged {} root {:.1}s rounds {} columns {} {:?}",
                    cg.bound, cg.converged, cg.root_seconds, cg.rounds, cg.columns, cg.lns
                );
            }
        }
        for v in score.violations.iter().take(3) {
            println!("      {v}");
        }
    }
}
