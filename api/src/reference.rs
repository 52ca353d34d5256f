//! Reference data, loaded once at start-up into values and checked: the holiday calendars
//! (`calendar/YYYY.toml`), the payroll policy (`payroll/*.toml`: social insurance, housing
//! fund, minimum wage, income tax, pay structure, performance, contract cost), the attendance
//! policy, the KPI scoring, and the site's rules (`site.toml` of the site folder: shifts,
//! cover, rest and hours rules, weights). A bad file fails the start with its path in the
//! message; nothing re-reads a file per request. The staff list is not reference data: it
//! lives in the database ([`crate::staff`]).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use scheduler::{Calendar, Site};

use crate::attendance::AttendancePolicy;
use crate::kpi::KpiScoring;
use crate::policy_doc::{ConfigFile, PolicySources};

/// Everything read from the data folder and the site's `site.toml`.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The data folder (for messages).
    pub data_dir: PathBuf,
    /// The site folder (`site.toml`; its `staff.toml` and `hr.toml` seed an empty database).
    pub site_dir: PathBuf,
    /// Holiday calendars (statutory holidays, make-up working days).
    pub calendar: Calendar,
    /// The payroll policy in force by date.
    pub payroll: payroll::Policy,
    /// Attendance rules (lateness, missing punches, attendance KPI).
    pub attendance: AttendancePolicy,
    /// KPI targets and scoring.
    pub kpi_scoring: KpiScoring,
    /// The site's shifts, cover, rules and weights, without staff.
    pub site: Site,
    /// The configuration texts the policy documents quote and version.
    pub policy_sources: PolicySources,
}

impl Reference {
    /// Loads and checks everything.
    ///
    /// # Errors
    /// A file that cannot be read or does not validate, named.
    pub fn load(data_dir: &Path, site_dir: &Path) -> anyhow::Result<Self> {
        let mut site = load_site_rules(site_dir)?;
        site.employees.clear();
        Ok(Reference {
            data_dir: data_dir.to_path_buf(),
            site_dir: site_dir.to_path_buf(),
            calendar: load_calendar(data_dir)?,
            payroll: load_payroll_policy(data_dir)?,
            attendance: load_attendance_policy(data_dir)?,
            kpi_scoring: load_kpi_scoring(data_dir)?,
            site,
            policy_sources: read_policy_sources(data_dir, site_dir)?,
        })
    }
}

/// A site's `site.toml` alone (the staff list comes from the database).
///
/// # Errors
/// An unreadable or invalid file, named.
pub fn load_site_rules(site_dir: &Path) -> anyhow::Result<Site> {
    let site_path = site_dir.join("site.toml");
    let text = fs::read_to_string(&site_path)
        .with_context(|| format!("reading site file {}", site_path.display()))?;
    Site::from_toml_strs(&text, None).with_context(|| format!("site file {}", site_path.display()))
}

/// Reads and validates the payroll policy files under `data_dir/payroll/`.
///
/// # Errors
/// A file that cannot be read or does not validate, named in the message.
pub fn load_payroll_policy(data_dir: &Path) -> anyhow::Result<payroll::Policy> {
    use payroll::{Policy, PolicyTexts};
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

/// Reads the attendance policy, `DATA_DIR/attendance/policy.toml`.
///
/// # Errors
/// An unreadable or invalid file, named.
pub fn load_attendance_policy(data_dir: &Path) -> anyhow::Result<AttendancePolicy> {
    let path = data_dir.join("attendance").join("policy.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    AttendancePolicy::from_toml_str(&text)
        .with_context(|| format!("policy file {}", path.display()))
}

/// Reads the KPI scoring, `DATA_DIR/performance/kpi-scoring.toml`.
///
/// # Errors
/// An unreadable or invalid file, named.
pub fn load_kpi_scoring(data_dir: &Path) -> anyhow::Result<KpiScoring> {
    let path = data_dir.join("performance").join("kpi-scoring.toml");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    KpiScoring::from_toml_str(&text).with_context(|| format!("scoring file {}", path.display()))
}

/// Reads the configuration texts of the policy documents: the policy files under `data_dir`
/// and the site's `site.toml`.
///
/// # Errors
/// A file that cannot be read, named.
pub fn read_policy_sources(data_dir: &Path, site: &Path) -> anyhow::Result<PolicySources> {
    let read = |name: &str| -> anyhow::Result<ConfigFile> {
        let path = data_dir.join(name);
        let text = fs::read_to_string(&path)
            .with_context(|| format!("reading configuration file {}", path.display()))?;
        Ok(ConfigFile {
            name: name.to_owned(),
            text,
        })
    };
    let site_path = site.join("site.toml");
    let site_text = fs::read_to_string(&site_path)
        .with_context(|| format!("reading site file {}", site_path.display()))?;
    // Shown relative to the data folder when the site lies in it (`demo/site.toml`).
    let site_name = site_path
        .strip_prefix(data_dir)
        .unwrap_or(&site_path)
        .to_string_lossy()
        .replace('\\', "/");
    Ok(PolicySources {
        pay_structure: read(PolicySources::PAY_STRUCTURE)?,
        performance: read(PolicySources::PERFORMANCE)?,
        minimum_wage: read(PolicySources::MINIMUM_WAGE)?,
        kpi_scoring: read(PolicySources::KPI_SCORING)?,
        attendance: read(PolicySources::ATTENDANCE)?,
        site: ConfigFile {
            name: site_name,
            text: site_text,
        },
    })
}

/// Reads every `calendar/*.toml` under the data directory.
pub fn load_calendar(data_dir: &Path) -> anyhow::Result<Calendar> {
    let dir = data_dir.join("calendar");
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .with_context(|| format!("reading calendar folder {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    let mut cal = Calendar::new();
    for e in entries {
        let path = e.path();
        if path.extension().is_some_and(|x| x == "toml") {
            let text =
                fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            cal.add_year_toml(&text)
                .with_context(|| format!("calendar file {}", path.display()))?;
        }
    }
    if cal.years().next().is_none() {
        bail!("no calendar year found in {}", dir.display());
    }
    Ok(cal)
}

/// Reads a site folder: `site.toml` plus `staff.toml` if present (the seed of an empty
/// database, and the command line's files).
pub fn load_site(site_dir: &Path) -> anyhow::Result<Site> {
    let site_path = site_dir.join("site.toml");
    let site = fs::read_to_string(&site_path)
        .with_context(|| format!("reading site file {}", site_path.display()))?;
    let staff_path = site_dir.join("staff.toml");
    let staff = if staff_path.exists() {
        Some(
            fs::read_to_string(&staff_path)
                .with_context(|| format!("reading staff file {}", staff_path.display()))?,
        )
    } else {
        None
    };
    Site::from_toml_strs(&site, staff.as_deref())
        .with_context(|| format!("site folder {}", site_dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped data folder loads whole; the site's rules come without staff.
    #[test]
    fn the_data_folder_loads() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let r = Reference::load(&root.join("data"), &root.join("data/demo")).unwrap();
        assert!(r.site.employees.is_empty());
        assert!(r.calendar.covers_year(2026));
        assert_eq!(r.policy_sources.site.name, "demo/site.toml");
    }

    /// A bad file fails the load, naming it.
    #[test]
    fn a_bad_file_is_named() {
        let dir = std::env::temp_dir().join(format!("wf-ref-{}", std::process::id()));
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("site")).unwrap();
        fs::write(dir.join("site/site.toml"), "name = 3").unwrap();
        let err = Reference::load(&root.join("data"), &dir.join("site")).unwrap_err();
        assert!(format!("{err:#}").contains("site.toml"), "{err:#}");
        let _ = fs::remove_dir_all(&dir);
    }
}
