//! The web app's staff master data and the site folder it serves from.
//!
//! Staff are kept in the database (`staff_member`: the `staff.toml` entry and the `hr.toml`
//! record of each person as JSON, whether on post, who changed it last), edited in the
//! browser or imported from Excel, every change audited in the same transaction. On an empty
//! database the list is seeded from the configured site folder's `staff.toml` and `hr.toml`.
//!
//! Everything downstream — the solver, the attendance importer, payroll and the exports —
//! reads a *site folder* (`site.toml`, `staff.toml`, `hr.toml`), the same files the command
//! line reads, through the same loaders and checks. So rather than give every one of those a
//! second, database-shaped entry point, the app writes the folder from the database: each
//! change of the staff list renders a new, complete folder version (`v1`, `v2`, …) in a
//! private temporary directory, checks it with the very loaders that will read it, and only
//! then points the app at it. A request takes the current version once and reads a
//! consistent snapshot even while someone saves a change; a change that the loaders would
//! refuse (a duplicate id, an unknown shift, an HR record whose name differs) is refused
//! before anything is stored.
//!
//! People who leave are kept: their HR record (with `left_on`) stays in `hr.toml` for the
//! payroll and tax files of the months they worked, and they drop out of `staff.toml`, so
//! they are no longer rostered.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::RwLock;

use anyhow::Context as _;
use scheduler::Employee;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

use crate::hr::{HrFile, HrRecord};
use crate::store::Store;

/// One person of the staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The `staff.toml` entry (roles, team, shifts, pay position and grade, limits).
    pub employee: Employee,
    /// The `hr.toml` record (ID, bank account, employment dates), if recorded.
    pub hr: Option<HrRecord>,
    /// On post (false once deactivated).
    pub active: bool,
    /// Who changed it last, and when.
    pub updated_by: String,
    /// RFC 3339.
    pub updated_at: String,
}

#[derive(Serialize)]
struct StaffToml<'a> {
    employees: Vec<&'a Employee>,
}

/// The `staff.toml` and `hr.toml` texts of a staff list: the people on post, in order, and
/// every HR record (leavers included).
///
/// # Errors
/// A value TOML cannot hold.
pub fn render(members: &[Member]) -> anyhow::Result<(String, String)> {
    let header =
        "# Written by the web app from its database (staff_member); edit there, not here.\n\n";
    let staff = toml::to_string(&StaffToml {
        employees: members
            .iter()
            .filter(|m| m.active)
            .map(|m| &m.employee)
            .collect(),
    })
    .context("writing staff.toml")?;
    let hr = toml::to_string(&HrFile {
        employees: members.iter().filter_map(|m| m.hr.clone()).collect(),
    })
    .context("writing hr.toml")?;
    Ok((format!("{header}{staff}"), format!("{header}{hr}")))
}

/// Checks a staff list the way the loaders will: the site with these people
/// ([`scheduler::Site::from_toml_strs`]), the HR file ([`HrFile::from_toml_str`]) and the
/// two against each other; and that an HR record belongs to its entry (same id).
///
/// # Errors
/// The first problem, naming the person and field.
pub fn check(members: &[Member], site_toml: &str) -> anyhow::Result<()> {
    for m in members {
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
    let (staff, hr) = render(members)?;
    scheduler::Site::from_toml_strs(site_toml, Some(&staff)).map_err(|e| anyhow::anyhow!("{e}"))?;
    let file = HrFile::from_toml_str(&hr).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::hr::check_against_staff(&file.employees, &staff)?;
    let mut ids = std::collections::BTreeSet::new();
    for m in members {
        anyhow::ensure!(
            ids.insert(m.employee.id.as_str()),
            "employee id {} used twice (a former employee keeps the id)",
            m.employee.id
        );
    }
    Ok(())
}

/// The staff list of a site folder: everyone in `staff.toml` with their HR record, and the
/// leavers that only `hr.toml` holds.
///
/// # Errors
/// A file that does not load.
pub fn from_folder(site_dir: &Path) -> anyhow::Result<Vec<Member>> {
    let site = crate::data::load_site(site_dir)?;
    let hr = if site_dir.join(crate::hr::FILE).exists() {
        crate::hr::load(site_dir)?
    } else {
        Vec::new()
    };
    let at = crate::store::now();
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

/// The folder the app reads the site from, rewritten from the database on every change.
pub(crate) struct SiteFolder {
    /// The configured folder (its `site.toml` and other files are copied into each version).
    source: PathBuf,
    /// Private base directory of the versions.
    base: PathBuf,
    version: AtomicU64,
    current: RwLock<PathBuf>,
    /// Held while a change of the staff list is checked, stored and written.
    pub(crate) lock: tokio::sync::Mutex<()>,
}

impl SiteFolder {
    /// A folder that reads `source` until the first [`SiteFolder::write`].
    pub(crate) fn new(source: &Path) -> Self {
        let base = std::env::temp_dir().join(format!(
            "hotline-workforce-site-{}-{}",
            std::process::id(),
            crate::accounts::random_token()
        ));
        SiteFolder {
            source: source.to_path_buf(),
            base,
            version: AtomicU64::new(0),
            current: RwLock::new(source.to_path_buf()),
            lock: tokio::sync::Mutex::new(()),
        }
    }

    /// The current version's path (read once per request).
    pub(crate) fn path(&self) -> PathBuf {
        self.current
            .read()
            .map_or_else(|p| p.into_inner().clone(), |p| p.clone())
    }

    /// The configured site's `site.toml`.
    pub(crate) fn site_toml(&self) -> anyhow::Result<String> {
        let p = self.source.join("site.toml");
        std::fs::read_to_string(&p).with_context(|| format!("reading {}", p.display()))
    }

    /// Writes a new version from `members` (checked first) and makes it current; versions
    /// older than the last four are removed.
    pub(crate) fn write(&self, members: &[Member]) -> anyhow::Result<PathBuf> {
        check(members, &self.site_toml()?)?;
        let (staff, hr) = render(members)?;
        let n = self.version.fetch_add(1, Ordering::SeqCst) + 1;
        let dir = self.base.join(format!("v{n}"));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        for entry in std::fs::read_dir(&self.source)
            .with_context(|| format!("reading {}", self.source.display()))?
        {
            let entry = entry?;
            let name = entry.file_name();
            if entry.file_type()?.is_file() && name != "staff.toml" && name != crate::hr::FILE {
                std::fs::copy(entry.path(), dir.join(&name))
                    .with_context(|| format!("copying {}", entry.path().display()))?;
            }
        }
        std::fs::write(dir.join("staff.toml"), staff)?;
        std::fs::write(dir.join(crate::hr::FILE), hr)?;
        // The loaders read it back before anyone else does.
        crate::data::load_site(&dir)?;
        crate::hr::load(&dir)?;
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = dir.clone();
        if n > 4 {
            let _ = std::fs::remove_dir_all(self.base.join(format!("v{}", n - 4)));
        }
        Ok(dir)
    }
}

impl Drop for SiteFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

impl Store {
    /// The staff list, in the order people were added.
    ///
    /// # Errors
    /// A database error or a stored document that does not parse (named).
    pub async fn staff_members(&self) -> anyhow::Result<Vec<Member>> {
        sqlx::query("SELECT employee_id, employee, hr, active, updated_by, updated_at FROM staff_member ORDER BY ord, employee_id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let id: String = r.try_get("employee_id")?;
                let employee: String = r.try_get("employee")?;
                let hr: Option<String> = r.try_get("hr")?;
                Ok(Member {
                    employee: serde_json::from_str(&employee)
                        .with_context(|| format!("stored staff entry of {id}"))?,
                    hr: hr
                        .map(|h| serde_json::from_str(&h))
                        .transpose()
                        .with_context(|| format!("stored HR record of {id}"))?,
                    active: r.try_get::<i64, _>("active")? != 0,
                    updated_by: r.try_get("updated_by")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// Stores `members` (new ones appended, existing ones replaced) and one audit entry, in
    /// one transaction. Nobody is ever deleted: leavers are deactivated.
    ///
    /// # Errors
    /// A database error (then nothing is stored).
    pub async fn staff_save(
        &self,
        members: &[Member],
        actor: &str,
        action: &str,
        target: &str,
        before: Option<&str>,
        after: Option<&str>,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        let at = crate::store::now();
        for m in members {
            let next: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(ord), 0) + 1 FROM staff_member")
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO staff_member (employee_id, ord, employee, hr, active, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (employee_id) DO UPDATE SET employee = excluded.employee, hr = excluded.hr, active = excluded.active, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(&m.employee.id)
            .bind(next)
            .bind(serde_json::to_string(&m.employee)?)
            .bind(m.hr.as_ref().map(serde_json::to_string).transpose()?)
            .bind(i64::from(m.active))
            .bind(actor)
            .bind(&at)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("storing employee {}", m.employee.id))?;
        }
        crate::accounts::audit_tx(&mut tx, actor, action, target, before, after).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Loads the staff list into the app: seeds an empty table from the configured folder, then
/// writes the first folder version.
///
/// # Errors
/// The configured folder or the stored list does not load or check.
pub(crate) async fn start(store: &Store, folder: &SiteFolder) -> anyhow::Result<()> {
    let mut members = store.staff_members().await?;
    if members.is_empty() {
        members = from_folder(&folder.source)?;
        store
            .staff_save(
                &members,
                "system",
                "staff.seed",
                &format!("{} people from {}", members.len(), folder.source.display()),
                None,
                None,
            )
            .await?;
        members = store.staff_members().await?;
    }
    folder
        .write(&members)
        .context("the stored staff list does not check")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo")
    }

    /// The demo folder read into members and written back loads to the same site and HR
    /// records (53 people, all on post, each with an HR record).
    #[test]
    fn the_demo_folder_round_trips() {
        let members = from_folder(&demo()).unwrap();
        assert_eq!(members.len(), 53);
        assert!(members.iter().all(|m| m.active && m.hr.is_some()));
        let folder = SiteFolder::new(&demo());
        let dir = folder.write(&members).unwrap();
        assert_eq!(folder.path(), dir);
        let a = crate::data::load_site(&demo()).unwrap();
        let b = crate::data::load_site(&dir).unwrap();
        assert_eq!(a.employees, b.employees);
        assert_eq!(a.shifts, b.shifts);
        assert_eq!(
            crate::hr::load(&demo()).unwrap(),
            crate::hr::load(&dir).unwrap()
        );
        // Other files of the site come along (the call history the forecast reads).
        assert!(dir.join("call-history.csv").exists());
    }

    #[test]
    fn a_leaver_leaves_staff_toml_but_keeps_the_hr_record() {
        let mut members = from_folder(&demo()).unwrap();
        let m = members
            .iter_mut()
            .find(|m| m.employee.id == "A005")
            .unwrap();
        m.active = false;
        let folder = SiteFolder::new(&demo());
        // No leaving date: refused, and the folder is not switched.
        let err = folder.write(&members).unwrap_err();
        assert!(err.to_string().contains("A005"), "{err}");
        assert_eq!(folder.path(), demo());
        let m = members
            .iter_mut()
            .find(|m| m.employee.id == "A005")
            .unwrap();
        m.hr.as_mut().unwrap().left_on = Some("2026-03-15".parse().unwrap());
        let dir = folder.write(&members).unwrap();
        let site = crate::data::load_site(&dir).unwrap();
        assert_eq!(site.employees.len(), 52);
        assert!(site.employees.iter().all(|e| e.id != "A005"));
        let hr = crate::hr::load(&dir).unwrap();
        assert_eq!(hr.len(), 53);
    }

    #[test]
    fn changes_the_loaders_would_refuse_are_refused() {
        let site_toml = std::fs::read_to_string(demo().join("site.toml")).unwrap();
        let members = from_folder(&demo()).unwrap();
        // A second person with an existing id.
        let mut twice = members.clone();
        let mut copy = twice[5].clone();
        copy.employee.name = "重名".into();
        copy.hr.as_mut().unwrap().name = "重名".into();
        twice.push(copy);
        let err = check(&twice, &site_toml).unwrap_err().to_string();
        assert!(err.contains("used twice"), "{err}");
        // An unknown shift code.
        let mut shift = members.clone();
        shift[7].employee.shifts = vec!["Z".into()];
        let err = check(&shift, &site_toml).unwrap_err().to_string();
        assert!(err.contains('Z'), "{err}");
        // The HR name differs from the staff entry's.
        let mut name = members.clone();
        name[3].employee.name = "改名".into();
        let err = check(&name, &site_toml).unwrap_err().to_string();
        assert!(err.contains("differs"), "{err}");
        // A wrong ID check character (the HR file's own check).
        let mut id = members;
        let n = &mut id[2].hr.as_mut().unwrap().id_number;
        let last = if n.ends_with('1') { '2' } else { '1' };
        n.pop();
        n.push(last);
        assert!(check(&id, &site_toml).is_err());
    }

    #[tokio::test]
    async fn the_staff_list_is_stored_and_audited_on_every_database() {
        for store in crate::store::test_stores().await {
            let folder = SiteFolder::new(&demo());
            start(&store, &folder).await.unwrap();
            let stored = store.staff_members().await.unwrap();
            assert_eq!(stored.len(), 53);
            assert_eq!(stored[0].employee.id, "M001", "the file's order is kept");
            let mut m = stored[10].clone();
            m.employee.team = Some(2);
            store
                .staff_save(
                    std::slice::from_ref(&m),
                    "hr",
                    "staff.edit",
                    &m.employee.id,
                    None,
                    None,
                )
                .await
                .unwrap();
            let again = store.staff_members().await.unwrap();
            assert_eq!(again.len(), 53);
            assert_eq!(again[10].employee.team, Some(2));
            assert_eq!(again[10].updated_by, "hr");
            // A second start does not seed again.
            start(&store, &folder).await.unwrap();
            assert_eq!(store.staff_members().await.unwrap().len(), 53);
            let log = store.audit_log(10).await.unwrap();
            let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
            assert_eq!(actions, ["staff.edit", "staff.seed"]);
        }
    }
}
