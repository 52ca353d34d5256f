//! The staff list (人员名单) as values: each person's roster entry (roles, team, shifts, pay
//! position and grade, limits: the `staff.toml` fields) and HR record (ID, bank account,
//! employment dates: the `hr.toml` fields), and whether on post.
//!
//! The database is its one home ([`crate::db::staff`]); `data/demo`'s `staff.toml` and
//! `hr.toml` only seed an empty database ([`from_folder`]). Everything downstream — the
//! solver, the importers, payroll, the exports and reports — receives a [`Staff`] value and
//! the site's rules ([`crate::reference::Reference::site`]), never a folder: nothing holding
//! an ID number or a bank account is ever written to a file to be read back.
//!
//! People who leave are kept: their HR record (with `left_on`) stays for the payroll and tax
//! files of the months they worked; they are off post, so no longer rostered.

use std::path::Path;

use anyhow::Context as _;
use scheduler::{Employee, Site};
use serde::{Deserialize, Serialize};

use crate::hr::HrRecord;

/// One person of the staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The roster entry (roles, team, shifts, pay position and grade, limits).
    pub employee: Employee,
    /// The HR record (ID, bank account, employment dates), if recorded.
    pub hr: Option<HrRecord>,
    /// On post (false once deactivated).
    pub active: bool,
    /// Who changed it last, and when.
    pub updated_by: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// The staff list at one moment, in list order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Staff {
    /// Everyone, on post or not.
    pub members: Vec<Member>,
}

impl Staff {
    /// The people on post.
    pub fn on_post(&self) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(|m| m.active)
    }

    /// The site with the people on post as its employees (the site's own rules, shifts and
    /// cover from `base`).
    #[must_use]
    pub fn site(&self, base: &Site) -> Site {
        let mut site = base.clone();
        site.employees = self.on_post().map(|m| m.employee.clone()).collect();
        site
    }

    /// The people employed on at least one day of `first..=last`: by their HR record's
    /// `hired_on` and `left_on` (a leaver is employed until the last day, a joiner from the
    /// first); someone without an HR record counts while on post.
    pub fn employed_between(
        &self,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(move |m| match &m.hr {
            Some(h) => h.hired_on <= last && h.left_on.is_none_or(|l| l >= first),
            None => m.active,
        })
    }

    /// The site of a month: everyone employed on a day of it (the days outside their
    /// employment are 不在职 leave, see [`crate::hr::not_employed`]).
    #[must_use]
    pub fn site_between(
        &self,
        base: &Site,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Site {
        let mut site = base.clone();
        site.employees = self
            .employed_between(first, last)
            .map(|m| m.employee.clone())
            .collect();
        site
    }

    /// Every HR record (leavers included).
    #[must_use]
    pub fn hr_records(&self) -> Vec<HrRecord> {
        self.members.iter().filter_map(|m| m.hr.clone()).collect()
    }

    /// The person with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.employee.id == id)
    }

    /// Checks the list the way the site and HR files are checked: the site with these people
    /// ([`Site::check`]), the HR records ([`crate::hr::check_records`]) and the two against
    /// each other; that an HR record belongs to its entry, that ids are unique (a former
    /// employee keeps the id) and that someone off post has a leaving date.
    ///
    /// # Errors
    /// The first problem, naming the person and field.
    pub fn check(&self, base: &Site) -> anyhow::Result<()> {
        for m in &self.members {
            if let Some(hr) = &m.hr {
                anyhow::ensure!(
                    hr.id == m.employee.id,
                    "employee {}: the HR record is of {}",
                    m.employee.id,
                    hr.id
                );
            }
            anyhow::ensure!(
                m.active || m.hr.as_ref().is_some_and(|h| h.left_on.is_some()),
                "employee {} ({}): someone no longer on post needs an HR record with the leaving date",
                m.employee.id,
                m.employee.name
            );
        }
        let mut ids = std::collections::BTreeSet::new();
        for m in &self.members {
            anyhow::ensure!(
                ids.insert(m.employee.id.as_str()),
                "employee id {} used twice (a former employee keeps the id)",
                m.employee.id
            );
        }
        self.site(base)
            .check()
            .map_err(|e| anyhow::anyhow!("staff list: {e}"))?;
        let records = self.hr_records();
        crate::hr::check_records(&records).map_err(|e| anyhow::anyhow!("{e}"))?;
        crate::hr::check_against(
            &records,
            self.on_post()
                .map(|m| (m.employee.id.as_str(), m.employee.name.as_str())),
        )?;
        Ok(())
    }
}

/// The staff list of a site folder (`staff.toml` and `hr.toml`): everyone in `staff.toml`
/// with their HR record, and the leavers only `hr.toml` holds. What seeds an empty database.
///
/// # Errors
/// A file that does not load.
pub fn from_folder(site_dir: &Path) -> anyhow::Result<Vec<Member>> {
    let site = crate::reference::load_site(site_dir)?;
    let hr = if site_dir.join(crate::hr::FILE).exists() {
        crate::hr::load(site_dir)?
    } else {
        Vec::new()
    };
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut members: Vec<Member> = site
        .employees
        .iter()
        .map(|e| Member {
            employee: e.clone(),
            hr: hr.iter().find(|r| r.id == e.id).cloned(),
            active: true,
            updated_by: "seed".into(),
            updated_at: at.clone(),
        })
        .collect();
    for r in &hr {
        if !site.employees.iter().any(|e| e.id == r.id) {
            members.push(Member {
                employee: Employee {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    roles: vec![scheduler::roles::AGENT.to_string()],
                    team: None,
                    reserve: false,
                    shifts: Vec::new(),
                    working_days_only: false,
                    position: None,
                    grade: None,
                    preferences: Vec::new(),
                    limits: Default::default(),
                },
                hr: Some(r.clone()),
                active: false,
                updated_by: "seed".into(),
                updated_at: at.clone(),
            });
        }
    }
    Ok(members)
}

#[derive(Serialize)]
struct StaffToml<'a> {
    employees: Vec<&'a Employee>,
}

/// The `staff.toml` text of the people on post: an export format (the command line's
/// `staff export`), never read back by the application.
///
/// # Errors
/// A value TOML cannot hold.
pub fn staff_toml(staff: &Staff) -> anyhow::Result<String> {
    toml::to_string(&StaffToml {
        employees: staff.on_post().map(|m| &m.employee).collect(),
    })
    .context("writing staff.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn demo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo")
    }

    fn base() -> Site {
        crate::reference::load_site(&demo()).unwrap()
    }

    /// The demo folder read into members: 53 people, all on post, each with an HR record;
    /// the site built from them has the folder's employees, and the list checks.
    #[test]
    fn the_demo_folder_seeds_the_list() {
        let members = from_folder(&demo()).unwrap();
        assert_eq!(members.len(), 53);
        assert!(members.iter().all(|m| m.active && m.hr.is_some()));
        let staff = Staff { members };
        let site = staff.site(&base());
        assert_eq!(site.employees, base().employees);
        assert_eq!(staff.hr_records(), crate::hr::load(&demo()).unwrap());
        staff.check(&base()).unwrap();
    }

    #[test]
    fn a_leaver_is_off_the_site_but_keeps_the_hr_record() {
        let mut staff = Staff {
            members: from_folder(&demo()).unwrap(),
        };
        let m = staff
            .members
            .iter_mut()
            .find(|m| m.employee.id == "A005")
            .unwrap();
        m.active = false;
        // No leaving date: refused.
        let err = staff.check(&base()).unwrap_err();
        assert!(err.to_string().contains("A005"), "{err}");
        let m = staff
            .members
            .iter_mut()
            .find(|m| m.employee.id == "A005")
            .unwrap();
        m.hr.as_mut().unwrap().left_on = Some("2026-03-15".parse().unwrap());
        staff.check(&base()).unwrap();
        let site = staff.site(&base());
        assert_eq!(site.employees.len(), 52);
        assert!(site.employees.iter().all(|e| e.id != "A005"));
        assert_eq!(staff.hr_records().len(), 53);
    }

    #[test]
    fn changes_the_loaders_would_refuse_are_refused() {
        let base = base();
        let members = from_folder(&demo()).unwrap();
        // A second person with an existing id.
        let mut twice = members.clone();
        let mut copy = twice[5].clone();
        copy.employee.name = "重名".into();
        copy.hr.as_mut().unwrap().name = "重名".into();
        twice.push(copy);
        let err = Staff { members: twice }
            .check(&base)
            .unwrap_err()
            .to_string();
        assert!(err.contains("used twice"), "{err}");
        // An unknown shift code.
        let mut shift = members.clone();
        shift[7].employee.shifts = vec!["Z".into()];
        let err = Staff { members: shift }
            .check(&base)
            .unwrap_err()
            .to_string();
        assert!(err.contains('Z'), "{err}");
        // The HR name differs from the staff entry's.
        let mut name = members.clone();
        name[3].employee.name = "改名".into();
        let err = Staff { members: name }
            .check(&base)
            .unwrap_err()
            .to_string();
        assert!(err.contains("differs"), "{err}");
        // A wrong ID check character (the HR file's own check).
        let mut id = members;
        let n = &mut id[2].hr.as_mut().unwrap().id_number;
        let last = if n.ends_with('1') { '2' } else { '1' };
        n.pop();
        n.push(last);
        assert!(Staff { members: id }.check(&base).is_err());
    }
}
