//! `workforce payroll …` subcommands (owned by the payroll work; see issue 3).
//!
//! The glue reads the policy TOML files from `DATA_DIR/payroll/` and a case JSON file from disk,
//! calls the pure `payroll` crate and prints the whole result as pretty JSON.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use payroll::{compute_case, Case, Policy, PolicyTexts};

/// Payroll subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum PayrollCommand {
    /// Compute one month for any number of employees from a case file and print every line,
    /// total and check as JSON (format: payroll/CASE_FORMAT.md).
    Compute {
        /// The case JSON file.
        #[arg(long)]
        case: PathBuf,
        /// Write the JSON here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Reads and validates the policy files under `data_dir/payroll/`.
///
/// # Errors
/// A file that cannot be read or does not validate, named in the message.
pub fn load_policy(data_dir: &Path) -> anyhow::Result<Policy> {
    let dir = data_dir.join("payroll");
    let read = |name: &str| -> anyhow::Result<String> {
        let path = dir.join(name);
        fs::read_to_string(&path).with_context(|| format!("reading policy file {}", path.display()))
    };
    let [si, hpf, mw, iit, pay, perf, cost] = PolicyTexts::FILE_NAMES.map(read);
    let (si, hpf, mw, iit, pay, perf, cost) = (si?, hpf?, mw?, iit?, pay?, perf?, cost?);
    Policy::from_toml_strs(&PolicyTexts {
        social_insurance: &si,
        housing_fund: &hpf,
        minimum_wage: &mw,
        iit: &iit,
        pay_structure: &pay,
        performance: &perf,
        contract_cost: &cost,
    })
    .with_context(|| format!("loading policy from {}", dir.display()))
}

/// Runs a payroll subcommand with the data directory (the one holding `payroll/*.toml`).
///
/// # Errors
/// Unreadable or invalid files, or a payroll error naming the employee and field.
pub fn run(cmd: PayrollCommand, data_dir: &Path) -> anyhow::Result<()> {
    match cmd {
        PayrollCommand::Compute { case, out } => {
            let policy = load_policy(data_dir)?;
            let text = fs::read_to_string(&case)
                .with_context(|| format!("reading case file {}", case.display()))?;
            let parsed: Case = serde_json::from_str(&text)
                .with_context(|| format!("parsing case file {}", case.display()))?;
            let result = compute_case(&policy, &parsed)
                .with_context(|| format!("computing case {}", case.display()))?;
            let json = serde_json::to_string_pretty(&result)?;
            match out {
                Some(path) => fs::write(&path, json + "\n")
                    .with_context(|| format!("writing {}", path.display()))?,
                None => println!("{json}"),
            }
            Ok(())
        }
    }
}
