//! `workforce nrp …`: the Curtois-Qu benchmark through the roster engine.
//! `solve` reads an instance and solves it (`scheduler::nrp_search::solve_guarded`): a
//! constructive roster first, then column generation over whole rows (`scheduler::nrp_cg`)
//! for the bound and the roster and, unless that roster meets the bound, the same cell model
//! as the hotline rosters warm-started from it (it proves small instances), or the
//! annealing on models too large to build; always answers with a roster by the time limit
//! (plus a grace of 2 s); writes `employee,day,shift` rows and prints
//! `objective=… bound=… status=optimal|feasible|time_limit|constructive seconds=…` last;
//! `score` checks a roster file with the independent scorer; `generate` (hidden) prints a
//! generated instance.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use scheduler::{nrp, nrp_search, SolveOptions};

/// Benchmark subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum NrpCommand {
    /// Solve an instance file.
    Solve {
        /// Instance file (InstanceN.txt).
        file: PathBuf,
        /// Solver time limit in seconds.
        #[arg(long, default_value_t = 60.0)]
        time_limit: f64,
        /// Solver threads (pricing runs on all of them; the benchmark machine has 2 cores).
        #[arg(long, default_value_t = 2)]
        threads: u32,
        /// Write the roster as CSV (`employee,day,shift`, day 0-based).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the solver's progress.
        #[arg(long)]
        log: bool,
    },
    /// Score a roster CSV against an instance: every hard violation and the objective.
    Score {
        /// Instance file.
        file: PathBuf,
        /// Roster CSV (`employee,day,shift`).
        roster: PathBuf,
    },
    /// Print a generated instance in the benchmark's format (`scheduler::nrp::generate`:
    /// deterministic by seed, feasible by construction), for tests and timings.
    #[command(hide = true)]
    Generate {
        /// Employees.
        #[arg(long, default_value_t = 150)]
        staff: usize,
        /// Days (rounded up to whole weeks).
        #[arg(long, default_value_t = 364)]
        days: usize,
        /// Shift types (1-63).
        #[arg(long, default_value_t = 32)]
        shifts: usize,
        /// Seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Seconds past `--time-limit` by which `nrp solve` answers with the best roster so far even
/// if a phase of the solve overran (every phase is given the time left; this is the net).
const GRACE_SECONDS: f64 = 2.0;

/// Runs a benchmark subcommand; returns the exit code (1 when a roster breaks a hard rule).
pub fn run(cmd: NrpCommand) -> anyhow::Result<i32> {
    match cmd {
        NrpCommand::Solve {
            file,
            time_limit,
            threads,
            out,
            log,
        } => {
            let inst = read_instance(&file)?;
            let opts = SolveOptions {
                time_limit_seconds: time_limit,
                threads,
                log,
                ..Default::default()
            };
            // Always a roster, by the time limit plus the grace: the constructive one at
            // worst (`nrp_search::solve_guarded`).
            let plan = nrp_search::Plan::for_instance(&inst);
            let result = nrp_search::solve_guarded(&inst, &opts, &plan, GRACE_SECONDS);
            let score = nrp::score(&inst, &result.worked);
            if let Some(path) = out {
                fs::write(&path, to_csv(&result.worked))
                    .with_context(|| format!("writing {}", path.display()))?;
            }
            for v in &score.violations {
                println!("violation: {v}");
            }
            println!(
                "roster: by {}; constructive start {}{}",
                result.found_by,
                result.constructive.0,
                match result.constructive.1 {
                    0 => String::new(),
                    n => format!(" ({n} violations)"),
                }
            );
            println!(
                "objective={} bound={:.2} status={} seconds={:.3}",
                score.objective(),
                result.bound,
                result.status.as_str(),
                result.seconds
            );
            Ok(if score.violations.is_empty() { 0 } else { 1 })
        }
        NrpCommand::Generate {
            staff,
            days,
            shifts,
            seed,
        } => {
            print!("{}", nrp::generate(seed, staff, days, shifts));
            Ok(0)
        }
        NrpCommand::Score { file, roster } => {
            let inst = read_instance(&file)?;
            let worked = read_csv(&roster)?;
            let score = nrp::score(&inst, &worked);
            for v in &score.violations {
                println!("violation: {v}");
            }
            println!(
                "on_requests={} off_requests={} under={} over={} objective={} violations={}",
                score.on_requests,
                score.off_requests,
                score.under,
                score.over,
                score.objective(),
                score.violations.len()
            );
            Ok(if score.violations.is_empty() { 0 } else { 1 })
        }
    }
}

fn read_instance(file: &Path) -> anyhow::Result<nrp::Instance> {
    let text = fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    nrp::parse(&text).with_context(|| file.display().to_string())
}

/// `employee,day,shift` rows with a header line.
pub fn to_csv(worked: &[nrp::Worked]) -> String {
    let mut out = String::from("employee,day,shift\n");
    for (e, d, s) in worked {
        let _ = writeln!(out, "{e},{d},{s}");
    }
    out
}

/// Reads `employee,day,shift` rows (header optional), naming the line of any bad row.
pub fn read_csv(path: &Path) -> anyhow::Result<Vec<nrp::Worked>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.starts_with("employee")) {
            continue;
        }
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        if f.len() != 3 {
            bail!(
                "{} line {}: expected `employee,day,shift`, found `{line}`",
                path.display(),
                i + 1
            );
        }
        let day: usize = f[1].parse().with_context(|| {
            format!(
                "{} line {}: day `{}` is not a number",
                path.display(),
                i + 1,
                f[1]
            )
        })?;
        out.push((f[0].to_string(), day, f[2].to_string()));
    }
    Ok(out)
}
