//! The data directory (`data/` by default, or `DATA_DIR`): holiday calendars in
//! `calendar/YYYY.toml`, sites in folders holding `site.toml` and `staff.toml`.
//! Everything is read once and checked, and a bad file fails with its path in the message.

use std::fs;
use std::path::Path;

use anyhow::{bail, Context as _};
use scheduler::{Calendar, Site};

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

/// Reads a site folder: `site.toml` plus `staff.toml` if present.
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

/// Parses `YYYY-MM`.
pub fn parse_month(s: &str) -> anyhow::Result<(i32, u32)> {
    let (y, m) = s
        .split_once('-')
        .with_context(|| format!("month `{s}` is not YYYY-MM"))?;
    let y: i32 = y
        .parse()
        .with_context(|| format!("month `{s}`: year is not a number"))?;
    let m: u32 = m
        .parse()
        .with_context(|| format!("month `{s}`: month is not a number"))?;
    if !(1..=12).contains(&m) || !(2000..=2100).contains(&y) {
        bail!("month `{s}` is out of range");
    }
    Ok((y, m))
}
