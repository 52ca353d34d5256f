//! The staff list in the store: seeded from a site folder when the database is empty, and
//! changed one checked change at a time. Every change goes through [`apply`]: the whole list
//! as it would be is checked ([`Staff::check`]), then stored with its audit entry in one
//! transaction; a change that does not check stores nothing. One change at a time (a lock),
//! so two people saving at once cannot lose each other's edit.

use crate::said;
use std::path::Path;

use anyhow::Context as _;
use chrono::NaiveDate;
use serde::Serialize;

use super::{Context, Error, Result};
use crate::staff::{Member, Staff};

/// One change of the staff list.
#[derive(Debug, Clone)]
pub enum Change {
    /// A new person (the id must be new).
    Add(Box<Member>),
    /// New values for an existing person (the id must exist; personal limits and
    /// preferences are kept when the change leaves them empty).
    Edit(Box<Member>),
    /// Off post from the day after `left_on`.
    Deactivate {
        /// Employee id.
        id: String,
        /// Last day employed.
        left_on: NaiveDate,
        /// Why (kept in the audit log).
        reason: String,
    },
    /// Back on post (re-hired): the leaving date is cleared.
    Reactivate {
        /// Employee id.
        id: String,
    },
    /// Rows of an imported file: new ids added, existing ones replaced.
    Import {
        /// File name.
        file: String,
        /// The people.
        members: Vec<Member>,
    },
}

/// What a change did.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// People added.
    pub added: Vec<String>,
    /// People changed.
    pub changed: Vec<String>,
}

/// Held while a change is checked and stored.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The staff list, seeded from `seed_dir` (its `staff.toml` and `hr.toml`) when the database
/// holds nobody yet; the seed is checked like any change and audited.
///
/// # Errors
/// A seed folder that does not load or check, or a database error.
pub async fn ensure_seeded(cx: Context<'_>, seed_dir: &Path) -> Result<Staff> {
    let _one = ONE_AT_A_TIME.lock().await;
    if cx.store.staff_count().await? > 0 {
        return Ok(cx.store.staff().await?);
    }
    let members = crate::staff::from_folder(seed_dir)
        .with_context(|| format!("seeding the staff list from {}", seed_dir.display()))?;
    Staff {
        members: members.clone(),
    }
    .check(&cx.reference.site)
    .with_context(|| format!("the staff list of {}", seed_dir.display()))?;
    cx.store
        .staff_save(
            &members,
            "system",
            "staff.seed",
            &format!("{} people from {}", members.len(), seed_dir.display()),
            None,
            None,
        )
        .await?;
    Ok(cx.store.staff().await?)
}

/// What the audit log keeps of a person: the staff entry and the HR record with the ID number
/// and bank account masked (the auditor reads the log).
pub fn public(m: &Member) -> serde_json::Value {
    let mut v = serde_json::json!({"employee": m.employee, "active": m.active});
    if let Some(hr) = &m.hr {
        v["hr"] = serde_json::json!({
            "id_type": hr.id_type,
            "id_number": crate::hr::mask_id(&hr.id_number),
            "bank": hr.bank,
            "bank_account": crate::hr::mask_id(&hr.bank_account),
            "hired_on": hr.hired_on,
            "left_on": hr.left_on,
            "education": hr.education,
            "typing_cpm": hr.typing_cpm,
        });
    }
    v
}

/// Applies one change for `actor`: checked whole, stored with its audit entry in one
/// transaction.
///
/// # Errors
/// [`Error::Invalid`] naming what is wrong (nothing stored), or a storage failure.
pub async fn apply(cx: Context<'_>, actor: &str, change: Change) -> Result<Applied> {
    let _one = ONE_AT_A_TIME.lock().await;
    let mut all = cx.store.staff().await?.members;
    let position = |all: &[Member], id: &str| all.iter().position(|m| m.employee.id == id);
    let mut touched: Vec<usize> = Vec::new();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    let (action, target, before, after);
    match change {
        Change::Add(m) => {
            if position(&all, &m.employee.id).is_some() {
                return Err(Error::Invalid(said!(
                    "employee id {} is already used (a former employee keeps the id)",
                    "工号 {} 已被使用（离职员工保留其工号）",
                    m.employee.id
                )));
            }
            action = "staff.add";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = None;
            after = Some(serde_json::to_string(&public(&m)).unwrap_or_default());
            added.push(m.employee.id.clone());
            all.push(*m);
            touched.push(all.len() - 1);
        }
        Change::Edit(mut m) => {
            let Some(i) = position(&all, &m.employee.id) else {
                return Err(Error::Invalid(said!(
                    "unknown employee {}",
                    "查无此人 {}",
                    m.employee.id
                )));
            };
            let old = &all[i];
            if m.employee.preferences.is_empty() {
                m.employee.preferences.clone_from(&old.employee.preferences);
            }
            if m.employee.limits == scheduler::site::Limits::default() {
                m.employee.limits = old.employee.limits.clone();
            }
            m.active = old.active;
            if let (Some(new), Some(old)) = (m.hr.as_mut(), old.hr.as_ref()) {
                if new.left_on.is_none() {
                    new.left_on = old.left_on;
                }
            }
            action = "staff.edit";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = Some(serde_json::to_string(&public(old)).unwrap_or_default());
            after = Some(serde_json::to_string(&public(&m)).unwrap_or_default());
            changed.push(m.employee.id.clone());
            all[i] = *m;
            touched.push(i);
        }
        Change::Deactivate {
            id,
            left_on,
            reason,
        } => {
            let Some(i) = position(&all, &id) else {
                return Err(Error::Invalid(said!(
                    "unknown employee {id}",
                    "查无此人 {id}"
                )));
            };
            if reason.trim().is_empty() {
                return Err(Error::Invalid(said!("a reason is required", "须写明原因")));
            }
            let m = &mut all[i];
            if !m.active {
                return Err(Error::Invalid(said!(
                    "{id} is already off post",
                    "{id} 已不在岗"
                )));
            }
            let Some(hr) = m.hr.as_mut() else {
                return Err(Error::Invalid(said!(
                    "{id} has no HR record to hold the leaving date: record one first",
                    "{id} 没有人事档案可记录离职日期：请先录入人事档案"
                )));
            };
            if left_on < hr.hired_on {
                return Err(Error::Invalid(said!(
                    "{id}: leaving date {left_on} is before the hiring date {}",
                    "{id}：离职日期 {left_on} 早于入职日期 {}",
                    hr.hired_on
                )));
            }
            hr.left_on = Some(left_on);
            m.active = false;
            action = "staff.deactivate";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = Some("在职 on post".to_string());
            after = Some(format!("离职 left on {left_on}: {reason}"));
            changed.push(id);
            touched.push(i);
        }
        Change::Reactivate { id } => {
            let Some(i) = position(&all, &id) else {
                return Err(Error::Invalid(said!(
                    "unknown employee {id}",
                    "查无此人 {id}"
                )));
            };
            let m = &mut all[i];
            if m.active {
                return Err(Error::Invalid(said!("{id} is on post", "{id} 在岗")));
            }
            let left = m.hr.as_mut().and_then(|h| h.left_on.take());
            m.active = true;
            action = "staff.reactivate";
            target = format!("{} {}", m.employee.id, m.employee.name);
            before = Some(format!(
                "离职 left on {}",
                left.map(|d| d.to_string()).unwrap_or_default()
            ));
            after = Some("在职 on post".to_string());
            changed.push(id);
            touched.push(i);
        }
        Change::Import { file, members } => {
            for m in members {
                match position(&all, &m.employee.id) {
                    Some(i) => {
                        let mut m = m;
                        if m.employee.preferences.is_empty() {
                            m.employee
                                .preferences
                                .clone_from(&all[i].employee.preferences);
                        }
                        if m.employee.limits == scheduler::site::Limits::default() {
                            m.employee.limits = all[i].employee.limits.clone();
                        }
                        m.active = m.hr.as_ref().is_none_or(|h| h.left_on.is_none());
                        changed.push(m.employee.id.clone());
                        all[i] = m;
                        touched.push(i);
                    }
                    None => {
                        added.push(m.employee.id.clone());
                        all.push(m);
                        touched.push(all.len() - 1);
                    }
                }
            }
            action = "staff.import";
            target = file;
            before = None;
            after = Some(format!(
                "{} added ({}), {} replaced ({})",
                added.len(),
                added.join(" "),
                changed.len(),
                changed.join(" ")
            ));
        }
    }
    for &i in &touched {
        all[i].updated_by = actor.to_string();
    }
    let staff = Staff { members: all };
    staff
        .check(&cx.reference.site)
        .map_err(|e| Error::Invalid(said!("{e:#}", "人员名单不被站点接受：{e:#}")))?;
    let save: Vec<Member> = touched.iter().map(|&i| staff.members[i].clone()).collect();
    cx.store
        .staff_save(
            &save,
            actor,
            action,
            &target,
            before.as_deref(),
            after.as_deref(),
        )
        .await?;
    Ok(Applied { added, changed })
}

/// What a person's employment dates ask of months already under way.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FollowUp {
    /// The month, YYYY-MM.
    pub month: String,
    /// `repair_roster`, `rerun_payroll` or `approved`.
    pub kind: &'static str,
    /// What to do, in Chinese and English.
    pub message: String,
    /// Where to do it.
    pub link: String,
}

/// The follow-ups of `id`'s employment dates: every stored month whose newest roster gives
/// them shifts outside their employment or leaves out a month they are employed in (repair
/// it: the roster page's repair, or generate a draft month again), whose draft payroll runs
/// were computed before (run the payroll again: approval refuses a run whose inputs changed,
/// see [`super::pay::approve`]), or that is approved already (the change does not reach an
/// approved month; it is named so HR can settle it by a correction).
///
/// # Errors
/// A database error or a stored roster that does not parse.
pub async fn follow_ups(cx: Context<'_>, id: &str) -> Result<Vec<FollowUp>> {
    let staff = cx.store.staff().await?;
    let Some(hr) = staff.get(id).and_then(|m| m.hr.clone()) else {
        return Ok(Vec::new());
    };
    let employed = |d: chrono::NaiveDate| d >= hr.hired_on && hr.left_on.is_none_or(|l| d <= l);
    let mut out = Vec::new();
    for key in cx.store.roster_months().await? {
        let month = super::YearMonth::parse(&key)?;
        let (first, last) = (month.first_day(), month.last_day());
        let employed_in_month = hr.hired_on <= last && hr.left_on.is_none_or(|l| l >= first);
        let Some(latest) = cx.store.roster_latest(&key, None).await? else {
            continue;
        };
        let on_roster = latest.doc.problem.employees.iter().any(|e| e.id == id);
        let outside: Vec<chrono::NaiveDate> = latest
            .doc
            .roster
            .assignments
            .iter()
            .filter(|a| a.employee == id && !employed(a.date))
            .map(|a| a.date)
            .collect();
        let approved = cx.store.approved_run(&key).await?;
        let roster_wrong = !outside.is_empty() || (employed_in_month && !on_roster);
        if let Some(run) = &approved {
            if roster_wrong {
                out.push(FollowUp {
                    month: key.clone(),
                    kind: "approved",
                    message: format!(
                        "{key} 工资已审批（批次 #{}），本次变动不改变已审批月份；如需补发/补扣，请录入该月更正 · {key} is approved (run #{}): the change does not reach it; enter a correction of the month if pay must change",
                        run.id, run.id
                    ),
                    link: format!("/attendance?month={key}#corrections"),
                });
            }
            continue;
        }
        if roster_wrong {
            let what = if outside.is_empty() {
                format!("{id} 在职但不在 {key} 排班中 · {id} is employed in {key} but not on its roster")
            } else {
                format!(
                    "{key} 排班在 {id} 不在职的 {} 天仍有班次（{}…） · the roster of {key} gives {id} {} shift(s) when not employed (from {})",
                    outside.len(),
                    outside[0],
                    outside.len(),
                    outside[0]
                )
            };
            out.push(FollowUp {
                month: key.clone(),
                kind: "repair_roster",
                message: format!(
                    "{what}：请调整排班（补位） · repair the roster (version {}, {})",
                    latest.meta.version,
                    latest.meta.status.code()
                ),
                link: format!("/roster/repair?month={key}"),
            });
        }
        let drafts = cx.store.runs_of_month(&key).await?;
        if employed_in_month || !outside.is_empty() {
            if let Some(run) = drafts.first() {
                out.push(FollowUp {
                    month: key.clone(),
                    kind: "rerun_payroll",
                    message: format!(
                        "{key} 的工资草稿 #{} 在本次变动前计算，请重新核算后再审批 · draft run #{} of {key} was computed before this change: run the payroll again before approving",
                        run.id, run.id
                    ),
                    link: format!("/payroll?month={key}"),
                });
            }
        }
    }
    Ok(out)
}
