//! The request book (请假 / 换班) in the pipeline: requests recorded in the store, checked
//! against the month's roster by the independent validator before a decision.
//!
//! - leave: approved (the check lists what it leaves uncovered, for the manager); the month's
//!   roster is generated with it, and on a published month it becomes an absence event of the
//!   month's repair ([`super::repair::suggested_events`]);
//! - a swap: the two people's duties on the dates exchanged on the month's roster as it
//!   stands (its draft, else its latest published version); a swap that breaks a rule is
//!   refused with the rules named and nothing is stored; an approved swap is stored as the
//!   month's draft (origin `swap`) in the same transaction as the decision, so publishing it
//!   is the ordinary publish with its own re-check.

use crate::said;
use crate::said::Said;
use chrono::NaiveDate;
use scheduler::{
    assess, Assessment, LeaveKind, Request, RequestBook, RequestError, RequestKind, SolveStatus,
    Status, Violation,
};
use serde::Serialize;

use super::roster::{current, figures, for_pay, Checked};
use super::{blocking, Context, Error, Result, YearMonth};
use crate::db::roster::{DraftSave, RosterStatus, RosterWriteError};

fn book_error(e: RequestError) -> Error {
    match &e {
        RequestError::Unknown(id) => {
            Error::NotFound(Said::new(e.to_string(), format!("没有申请 #{id}")))
        }
        RequestError::Decided { id, status } => Error::Conflict(Said::new(
            e.to_string(),
            format!(
                "申请 #{id} 已{}",
                match status {
                    scheduler::Status::Pending => "待处理",
                    scheduler::Status::Approved => "批准",
                    scheduler::Status::Rejected => "驳回",
                }
            ),
        )),
        RequestError::NoReason => Error::Invalid(Said::new(e.to_string(), "驳回须写明原因")),
    }
}

/// The month a request belongs to: that of its first day (leave) or first date (swap).
#[must_use]
pub fn month_of(kind: &RequestKind) -> Option<YearMonth> {
    match kind {
        RequestKind::Leave { from, .. } => Some(YearMonth::of(*from)),
        RequestKind::Swap { dates, .. } => dates.iter().min().copied().map(YearMonth::of),
    }
}

/// A request in words: `A021 病假 2026-03-02..2026-03-04`, `换班 swap A005 ⇄ A006 on …`.
#[must_use]
pub fn describe(kind: &RequestKind) -> String {
    match kind {
        RequestKind::Leave {
            employee,
            from,
            to,
            kind,
        } => format!("{employee} {} {from}..{to}", kind.label_zh()),
        RequestKind::Swap {
            first,
            second,
            dates,
        } => {
            let d: Vec<String> = dates.iter().map(ToString::to_string).collect();
            format!("换班 swap {first} ⇄ {second} on {}", d.join(", "))
        }
    }
}

/// Every request in the store, in the order received.
///
/// # Errors
/// A database error.
pub async fn book(cx: Context<'_>) -> Result<RequestBook> {
    Ok(cx.store.request_book().await?)
}

/// Records a pending request (audited `request.add`) after checking it: the people are on
/// the staff list, leave ends on or after its first day and is of a kind one asks for, a
/// swap names two different people and its dates lie in one month. Its id.
///
/// # Errors
/// [`Error::Invalid`] naming what does not fit, or a database error.
pub async fn add(
    cx: Context<'_>,
    kind: RequestKind,
    requested_by: &str,
    note: &str,
    actor: &str,
) -> Result<u32> {
    let staff = cx.store.staff().await?;
    let known = |id: &str| {
        staff
            .get(id)
            .map(|_| ())
            .ok_or_else(|| Error::Invalid(said!("unknown employee {id}", "查无此人 {id}")))
    };
    let kind = match kind {
        RequestKind::Leave {
            employee,
            from,
            to,
            kind,
        } => {
            known(&employee)?;
            if to < from {
                return Err(Error::Invalid(said!(
                    "the leave ends {to} before it starts {from}",
                    "请假结束日 {to} 早于开始日 {from}"
                )));
            }
            if kind == LeaveKind::Inactive {
                return Err(Error::Invalid(said!(
                    "inactive (不在职) is not a leave one asks for: record the leaving or the hiring date on the staff page",
                    "不在职不是可申请的假别：请在人员页面录入离职或入职日期"
                )));
            }
            RequestKind::Leave {
                employee,
                from,
                to,
                kind,
            }
        }
        RequestKind::Swap {
            first,
            second,
            mut dates,
        } => {
            known(&first)?;
            known(&second)?;
            if first == second {
                return Err(Error::Invalid(said!(
                    "a swap needs two people; {first} was given twice",
                    "换班需要两个人；{first} 填了两次"
                )));
            }
            dates.sort_unstable();
            dates.dedup();
            let Some(month) = dates.first().copied().map(YearMonth::of) else {
                return Err(Error::Invalid(said!(
                    "a swap needs at least one date",
                    "换班至少需要一个日期"
                )));
            };
            if let Some(d) = dates.iter().find(|d| YearMonth::of(**d) != month) {
                return Err(Error::Invalid(said!(
                    "the swap's dates lie in more than one month ({month} and {d}): one request per month",
                    "换班日期跨越多个月份（{month} 与 {d}）：每个月份单独申请"
                )));
            }
            RequestKind::Swap {
                first,
                second,
                dates,
            }
        }
    };
    Ok(cx
        .store
        .request_add(kind, requested_by, note, actor)
        .await?)
}

/// A decision taken.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// The request as stored now.
    pub request: Request,
    /// `YYYY-MM` of the request.
    pub month: String,
    /// What approving it adds to the verdict of the month's roster (leave: the cover it
    /// leaves open; empty without a roster).
    pub new_violations: Vec<Violation>,
    /// An approved swap: the draft version that carries it out.
    pub version: Option<Checked>,
    /// Approved leave on a month with a published roster: the roster does not honour it
    /// until the month is repaired.
    pub repair_needed: bool,
}

/// Approves a pending request (decided by `actor`, with `note` kept as the reason).
///
/// Leave is approved with its check against the month's roster (published, else draft), if
/// there is one. A swap is carried out on the month's roster as it stands and checked: one
/// that breaks a rule is refused with the rules named, and nothing is stored (the request
/// stays pending); else the roster with the swap is stored as the month's draft (origin
/// `swap`, audited `roster.swap`) with the decision, in one transaction.
///
/// # Errors
/// [`Error::NotFound`] for an unknown request, [`Error::Conflict`] when it is decided
/// already (or meanwhile) or a swap's month has no roster, [`Error::Invalid`] for a swap that
/// names someone not on the roster or a date outside it, [`Error::Refused`] naming the rules
/// a swap breaks, or a database error.
pub async fn approve(
    cx: Context<'_>,
    id: u32,
    actor: &str,
    note: Option<&str>,
) -> Result<Decision> {
    let mut book = cx.store.request_book().await?;
    let q = book.get(id).map_err(book_error)?;
    if q.status != Status::Pending {
        return Err(book_error(RequestError::Decided {
            id,
            status: q.status,
        }));
    }
    let kind = q.kind.clone();
    let month = month_of(&kind)
        .ok_or_else(|| Error::Invalid(said!("request #{id} has no date", "申请 #{id} 没有日期")))?
        .to_string();
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    match &kind {
        RequestKind::Leave { .. } => {
            let roster = for_pay(cx, &month).await?;
            let published = roster.as_ref().is_some_and(|s| s.meta.published());
            let assessment: Option<Assessment> = match roster {
                Some(s) => {
                    let k = kind.clone();
                    Some(blocking(move || assess(&s.doc, &k)).await?.map_err(|e| {
                        Error::Invalid(said!("request #{id}: {e}", "申请 #{id}：{e}"))
                    })?)
                }
                None => None,
            };
            let new_violations = assessment
                .as_ref()
                .map(|a| a.new_violations.clone())
                .unwrap_or_default();
            match &assessment {
                Some(a) => {
                    book.approve(id, actor, a, note).map_err(book_error)?;
                }
                None => {
                    // No roster of the month yet: approved as it is; the month's roster will
                    // be generated with it.
                    let r = book
                        .requests
                        .iter_mut()
                        .find(|r| r.id == id)
                        .ok_or_else(|| book_error(RequestError::Unknown(id)))?;
                    r.status = Status::Approved;
                    r.decided_by = Some(actor.to_string());
                    r.reason = note.map(str::to_string);
                }
            }
            let q = book.get(id).map_err(book_error)?.clone();
            if !cx.store.request_decide(&q, actor).await? {
                return Err(Error::Conflict(said!(
                    "request #{id} was decided meanwhile",
                    "申请 #{id} 已在此期间被处理"
                )));
            }
            Ok(Decision {
                request: q,
                month,
                new_violations,
                version: None,
                repair_needed: published,
            })
        }
        RequestKind::Swap { .. } => {
            let Some(base) = current(cx, &month).await? else {
                return Err(Error::Conflict(said!(
                    "{month} has no roster: a swap exchanges rostered duties, so approve it once the month is rostered",
                    "{month} 还没有排班：换班交换的是已排的班次，请在本月排班后再批准"
                )));
            };
            let (doc, k) = (base.doc.clone(), kind.clone());
            let a = blocking(move || assess(&doc, &k))
                .await?
                .map_err(|e| Error::Invalid(said!("request #{id}: {e}", "申请 #{id}：{e}")))?;
            if a.blocking {
                let first: Vec<String> = a
                    .new_violations
                    .iter()
                    .take(3)
                    .map(ToString::to_string)
                    .collect();
                let first_zh: Vec<String> = a
                    .new_violations
                    .iter()
                    .take(3)
                    .map(|v| v.line_in("zh"))
                    .collect();
                let (what, version) = (describe(&kind), base.meta.version);
                return Err(Error::Refused(Said::new(
                    format!(
                        "request #{id} ({what}) breaks {} on the roster of {month} (version {version}): {}; nothing was stored — the request stays pending, reject it with a reason",
                        a.rules().join(", "),
                        first.join("; ")
                    ),
                    format!(
                        "申请 #{id}（{what}）会使 {month} 排班（第 {version} 版）违反 {}：{}；未作任何保存 —— 申请仍待处理，请写明原因予以驳回",
                        a.rules().join("、"),
                        first_zh.join("；")
                    ),
                )));
            }
            book.approve(id, actor, &a, note).map_err(book_error)?;
            let mut doc = a.roster;
            doc.roster.status = SolveStatus::Unsolved;
            let d = doc.clone();
            let verdict = blocking(move || scheduler::validate(&d.problem, &d.roster)).await?;
            let q = book.get(id).map_err(book_error)?.clone();
            let before = format!(
                "version {} ({})",
                base.meta.version,
                if base.meta.published() {
                    RosterStatus::Published.code()
                } else {
                    RosterStatus::Draft.code()
                }
            );
            let after = format!("request #{id}: {}", describe(&kind));
            let save = DraftSave {
                doc: &doc,
                figures: figures(&doc),
                history: &base.meta.history,
                verdict: &verdict,
                origin: "swap",
                actor,
                action: "roster.swap",
                before: Some(&before),
                after: Some(&after),
            };
            let row = match cx.store.request_approve_swap(&q, actor, &save).await {
                Ok(Some(row)) => row,
                Ok(None) => {
                    return Err(Error::Conflict(said!(
                        "request #{id} was decided meanwhile",
                        "申请 #{id} 已在此期间被处理"
                    )))
                }
                Err(RosterWriteError::Database(e)) => return Err(Error::Internal(e)),
                Err(e) => return Err(Error::Conflict(e.said())),
            };
            let version = cx
                .store
                .roster_versions_of(&month)
                .await?
                .into_iter()
                .find(|v| v.id == row)
                .map_or(0, |v| v.version);
            Ok(Decision {
                request: q,
                month,
                new_violations: Vec::new(),
                version: Some(Checked {
                    id: row,
                    version,
                    history: base.meta.history.clone(),
                    verdict,
                }),
                repair_needed: false,
            })
        }
    }
}

/// Rejects a pending request with a reason (audited `request.rejected`).
///
/// # Errors
/// [`Error::NotFound`] for an unknown request, [`Error::Conflict`] when decided already,
/// [`Error::Invalid`] without a reason, or a database error.
pub async fn reject(cx: Context<'_>, id: u32, actor: &str, reason: &str) -> Result<Request> {
    let mut book = cx.store.request_book().await?;
    book.reject(id, actor, reason).map_err(book_error)?;
    let q = book.get(id).map_err(book_error)?.clone();
    if !cx.store.request_decide(&q, actor).await? {
        return Err(Error::Conflict(said!(
            "request #{id} was decided meanwhile",
            "申请 #{id} 已在此期间被处理"
        )));
    }
    Ok(q)
}

/// Parses a leave kind (`annual`, `sick`, `personal`, `marriage`, `bereavement`,
/// `maternity`, `day_off`).
///
/// # Errors
/// [`Error::Invalid`] naming the text and the kinds.
pub fn parse_leave_kind(s: &str) -> Result<LeaveKind> {
    match serde_json::from_value::<LeaveKind>(serde_json::Value::String(s.trim().to_string())) {
        Ok(k) if k != LeaveKind::Inactive => Ok(k),
        _ => Err(Error::Invalid(said!(
            "unknown leave kind `{s}`: {}",
            "未知假别“{s}”：可选 {}",
            LEAVE_KINDS.join(", ")
        ))),
    }
}

/// The kinds of leave one asks for, as codes.
pub const LEAVE_KINDS: [&str; 7] = [
    "annual",
    "sick",
    "personal",
    "marriage",
    "bereavement",
    "maternity",
    "day_off",
];

/// Parses `YYYY-MM-DD`.
///
/// # Errors
/// [`Error::Invalid`] naming the field.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Invalid(said!(
            "{field}: `{s}` is not a date YYYY-MM-DD",
            "{field}：“{s}”不是 YYYY-MM-DD 格式的日期"
        ))
    })
}
