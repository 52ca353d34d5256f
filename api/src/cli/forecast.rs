//! `workforce forecast`: call history → back-test → interval forecast for a month → agents
//! per interval (Erlang A when the history gives wait times, else Erlang C) → `need.json`,
//! which `workforce roster --need` takes as interval cover.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use scheduler::demand::forecast::{dates_text, forecast_month, BackTest, DayType};
use scheduler::demand::{hhmm, staffing, Demand, IntervalNeed, ServicePolicy};
use serde::{Deserialize, Serialize};

use crate::month::parse_month;
use crate::reference::load_calendar;

/// Which queueing model to staff with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErlangModel {
    /// Erlang A when the history gives wait times (patience), else Erlang C.
    Auto,
    /// Erlang C: callers never abandon (conservative).
    C,
    /// Erlang A: callers abandon after an exponential patience estimated from the history.
    A,
}

/// Arguments of `workforce forecast`.
#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// Call history: workbook (xlsx, xls) or CSV, one row per date and interval.
    #[arg(long)]
    pub history: PathBuf,
    /// Month to forecast, YYYY-MM.
    #[arg(long)]
    pub month: String,
    /// Write the interval needs here (input of `workforce roster --need`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Service target and occupancy cap.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Shrinkage: share of rostered time not on the phones (breaks, training, meetings).
    #[arg(long, default_value_t = 0.30)]
    pub shrinkage: f64,
    /// Queueing model.
    #[arg(long, value_enum, default_value_t = ErlangModel::Auto)]
    pub erlang: ErlangModel,
    /// Ordinary days at the end of the history held out for the back-test (holidays, the
    /// days after them and make-up days are neither trained on nor scored).
    #[arg(long, default_value_t = 14)]
    pub backtest_days: i64,
    /// Role the needs are for.
    #[arg(long, default_value = "agent")]
    pub role: String,
}

/// The service target options shared by `forecast` and `erlang`.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct TargetArgs {
    /// Share of calls to answer within --answer-seconds.
    #[arg(long, default_value_t = 0.80)]
    pub service_level: f64,
    /// Answer time target, seconds.
    #[arg(long, default_value_t = 20.0)]
    pub answer_seconds: f64,
    /// Highest agent occupancy.
    #[arg(long, default_value_t = 0.85)]
    pub occupancy: f64,
}

/// The need file: interval needs for a month and how they were made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedFile {
    /// `YYYY-MM`.
    pub month: String,
    /// History file the forecast came from.
    pub history: String,
    /// `erlang_a` or `erlang_c`.
    pub model: String,
    /// Role covered.
    pub role: String,
    /// Mean caller patience, seconds (Erlang A).
    pub patience_seconds: Option<f64>,
    /// Service target, occupancy cap, shrinkage.
    pub policy: ServicePolicy,
    /// Back-test of the method on the history's last ordinary days.
    pub backtest: BackTest,
    /// What the planner should know about this forecast (missing days, borrowed day types,
    /// a month inside the history), as printed.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Needs per interval.
    pub needs: Vec<IntervalNeed>,
}

impl NeedFile {
    /// The demand to attach to a month's problem (its shifts are set by the problem).
    pub fn demand(&self) -> Demand {
        Demand {
            role: self.role.clone(),
            shifts: Vec::new(),
            policy: self.policy,
            patience_seconds: self.patience_seconds,
            needs: self.needs.clone(),
        }
    }
}

/// Reads a need file.
pub fn read_need(path: &Path) -> anyhow::Result<NeedFile> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a need file (written by `workforce forecast --out`)",
            path.display()
        )
    })
}

/// Runs the forecast and writes the need file.
pub fn run(a: &ForecastArgs, data_dir: &Path) -> anyhow::Result<NeedFile> {
    let (year, month) = parse_month(&a.month)?;
    for (name, v) in [
        ("--service-level", a.target.service_level),
        ("--occupancy", a.target.occupancy),
    ] {
        if !(0.0 < v && v <= 1.0) {
            bail!("{name} must be above 0 and at most 1, got {v}");
        }
    }
    if !(0.0..0.95).contains(&a.shrinkage) {
        bail!(
            "--shrinkage must be from 0 to below 0.95, got {}",
            a.shrinkage
        );
    }
    let bytes = fs::read(&a.history).with_context(|| format!("reading {}", a.history.display()))?;
    let rows = crate::excel::call_history::read(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", a.history.display()))?;
    let cal = load_calendar(data_dir)?;
    if !cal.covers_year(year) {
        bail!("no holiday calendar for {year}: add data/calendar/{year}.toml");
    }
    let dates: Vec<NaiveDate> = scheduler::calendar::month_dates(year, month)?;
    let fc = forecast_month(&rows, &cal, year, month, a.backtest_days)?;
    let (model, bt) = (&fc.model, fc.backtest.clone());
    let patience = match a.erlang {
        ErlangModel::C => None,
        ErlangModel::A | ErlangModel::Auto => model.patience_seconds,
    };
    if a.erlang == ErlangModel::A && patience.is_none() {
        bail!("--erlang a needs wait times in the history (平均应答时长 and 平均放弃时长 columns)");
    }
    let policy = ServicePolicy {
        service_level: a.target.service_level,
        answer_seconds: a.target.answer_seconds,
        occupancy_cap: a.target.occupancy,
        shrinkage: a.shrinkage,
    };
    let needs = staffing::needs(&fc.intervals, &policy, patience);
    let first = rows.iter().map(|r| r.date).min().expect("rows");
    let last = rows.iter().map(|r| r.date).max().expect("rows");
    println!(
        "话务预测 forecast {} · history {} rows {first}..{last}, {}-minute intervals",
        a.month,
        rows.len(),
        model.minutes
    );
    for w in &fc.warnings {
        println!("warning: {w}");
    }
    println!(
        "回测 back-test on the last {} days that are ordinary days, {}..{} (fitted on the days \
         before): daily MAPE {:.1}%, interval MAPE {:.1}%, interval WAPE {:.1}%",
        bt.days.len(),
        bt.days.first().expect("a back-test has days"),
        bt.days.last().expect("a back-test has days"),
        bt.mape_daily * 100.0,
        bt.mape_interval * 100.0,
        bt.wape_interval * 100.0
    );
    if !bt.not_scored.is_empty() {
        // Consecutive days of one type together: `02-15..02-23 法定节假日`.
        let mut runs: Vec<(DayType, Vec<NaiveDate>)> = Vec::new();
        for d in &bt.not_scored {
            let t = DayType::of(*d, &cal);
            match runs.last_mut() {
                Some((rt, ds))
                    if *rt == t
                        && *ds.last().expect("non-empty") + chrono::Duration::days(1) == *d =>
                {
                    ds.push(*d)
                }
                _ => runs.push((t, vec![*d])),
            }
        }
        let text: Vec<String> = runs
            .iter()
            .map(|(t, ds)| format!("{} {}", dates_text(ds), t.label()))
            .collect();
        println!("  not scored (not ordinary days): {}", text.join(", "));
    }
    let by_day: Vec<String> = bt
        .by_day
        .iter()
        .map(|(d, e)| format!("{} {:.1}%", d.format("%m-%d"), e * 100.0))
        .collect();
    println!("  by day: {}", by_day.join(", "));
    let by_interval: Vec<String> = bt
        .by_interval
        .iter()
        .filter(|(m, _)| m % 60 == 0)
        .map(|(m, e)| format!("{} {:.0}%", hhmm(*m), e * 100.0))
        .collect();
    println!("  by interval (on the hour): {}", by_interval.join(", "));
    println!(
        "模型 model: {}; target {:.0}% within {:.0} s, occupancy ≤ {:.0}%, shrinkage {:.0}%",
        match patience {
            Some(p) => format!("Erlang A, mean patience {p:.0} s (from the history's wait times)"),
            None => "Erlang C".into(),
        },
        policy.service_level * 100.0,
        policy.answer_seconds,
        policy.occupancy_cap * 100.0,
        policy.shrinkage * 100.0
    );
    println!("日期        类型            话务量  峰值排班  排班人时");
    for d in &dates {
        let day: Vec<&IntervalNeed> = needs.iter().filter(|n| n.date == *d).collect();
        let calls: f64 = day.iter().map(|n| n.calls).sum();
        let peak = day.iter().map(|n| n.rostered).max().unwrap_or(0);
        let hours: f64 = day
            .iter()
            .map(|n| n.rostered as f64 * n.minutes as f64 / 60.0)
            .sum();
        println!(
            "{d}  {:<14}  {calls:6.0}  {peak:8}  {hours:8.1}",
            DayType::of(*d, &cal).label()
        );
    }
    let file = NeedFile {
        month: a.month.clone(),
        history: a.history.display().to_string(),
        model: if patience.is_some() {
            "erlang_a"
        } else {
            "erlang_c"
        }
        .into(),
        role: a.role.clone(),
        patience_seconds: patience,
        policy,
        backtest: bt,
        warnings: fc.warnings.clone(),
        needs,
    };
    if let Some(out) = &a.out {
        super::write_atomic(
            out,
            (serde_json::to_string_pretty(&file)? + "\n").as_bytes(),
        )?;
        println!("JSON: {}", out.display());
    }
    Ok(file)
}

/// Arguments of `workforce erlang`: the expected service of a number of agents on one
/// interval's traffic, or the agents a target needs.
#[derive(Debug, clap::Args)]
pub struct ErlangArgs {
    /// Calls offered in the interval.
    #[arg(long)]
    pub calls: f64,
    /// Interval length, minutes.
    #[arg(long, default_value_t = 30)]
    pub interval: u32,
    /// Average handle time, seconds.
    #[arg(long)]
    pub aht: f64,
    /// Agents on the phones (omit to find the fewest meeting the target).
    #[arg(long)]
    pub agents: Option<u32>,
    /// Mean patience, seconds (Erlang A); omit for Erlang C.
    #[arg(long)]
    pub patience: Option<f64>,
    /// Service target and occupancy cap.
    #[command(flatten)]
    pub target: TargetArgs,
}

/// `workforce erlang`: prints load, P(wait), service level, answer rate, ASA and occupancy.
pub fn erlang(a: &ErlangArgs) -> anyhow::Result<()> {
    use scheduler::demand::erlang::{agents_needed, performance, Target, Traffic};
    if a.calls < 0.0 || a.aht <= 0.0 || a.interval == 0 {
        bail!("--calls must be 0 or more, --aht and --interval above 0");
    }
    let t = Traffic {
        calls: a.calls,
        interval_seconds: a.interval as f64 * 60.0,
        aht_seconds: a.aht,
        patience_seconds: a.patience,
    };
    let n = match a.agents {
        Some(n) => n,
        None => agents_needed(
            &t,
            &Target {
                service_level: a.target.service_level,
                answer_seconds: a.target.answer_seconds,
                occupancy_cap: a.target.occupancy,
            },
        ),
    };
    let p = performance(&t, n, a.target.answer_seconds);
    println!(
        "{} ({}): load {:.2} Erlangs, {} agents{}",
        if a.patience.is_some() {
            "Erlang A"
        } else {
            "Erlang C"
        },
        a.patience
            .map(|x| format!("mean patience {x:.0} s"))
            .unwrap_or_else(|| "no abandonment".into()),
        p.load,
        n,
        if a.agents.is_none() {
            format!(
                " (fewest for {:.0}% in {:.0} s, occupancy ≤ {:.0}%)",
                a.target.service_level * 100.0,
                a.target.answer_seconds,
                a.target.occupancy * 100.0
            )
        } else {
            String::new()
        }
    );
    println!(
        "P(wait) {:.4}  service level {:.4} within {:.0} s  answer rate {:.4}  occupancy {:.4}{}",
        p.p_wait,
        p.service_level,
        a.target.answer_seconds,
        p.answer_rate,
        p.occupancy,
        p.asa_seconds
            .map(|x| format!("  ASA {x:.2} s"))
            .unwrap_or_default()
    );
    Ok(())
}
