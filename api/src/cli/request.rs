//! `workforce request`: leave and swap requests (请假 / 换班), checked against the published
//! roster by the validator before a decision. Without `--book` they live in the store, where
//! a month's approved leave is what its roster is generated and checked with; with `--book
//! FILE` they are kept in a request-book file (for a roster file outside the store).
//!
//! - `request leave` / `request swap` record a pending request;
//! - `request list` shows the book; `request check ID --roster R` shows what it would break;
//! - `request approve ID --roster R --by NAME`: a swap that breaks a rule is rejected with the
//!   rules named; an approved swap is written into the roster file; approved leave waits for
//!   `workforce roster repair --requests BOOK` and the next month's `roster --requests BOOK`;
//! - `request reject ID --by NAME --reason TEXT`;
//! - in the store (no `--book`), `request approve ID --by NAME` is the web app's pipeline
//!   ([`crate::month::requests::approve`]): a swap is carried out as the month's draft
//!   (origin `swap`, published the ordinary way) or refused with the rules it breaks, nothing
//!   stored; approved leave on a published month waits for the month's repair.
//!
//! The book and the roster are each replaced whole (written beside, then renamed).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::NaiveDate;
use scheduler::{assess, LeaveKind, RequestBook, RequestKind, Status};

use super::{write_atomic, Env, Global};
use crate::month::roster::read_roster;

/// Subcommands of `workforce request`.
#[derive(Debug, clap::Subcommand)]
pub enum RequestCommand {
    /// Record a leave request.
    Leave {
        /// Request book JSON (created if missing); without it, the store.
        #[arg(long)]
        book: Option<PathBuf>,
        /// Employee id.
        #[arg(long)]
        employee: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: NaiveDate,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: NaiveDate,
        /// annual, sick, personal, marriage, bereavement, maternity or day_off.
        #[arg(long, value_parser = parse_kind)]
        kind: LeaveKind,
        /// Who enters it.
        #[arg(long, default_value = "")]
        by: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a swap: two people exchange their duties on the given dates.
    Swap {
        /// Request book JSON (created if missing); without it, the store.
        #[arg(long)]
        book: Option<PathBuf>,
        /// One person.
        #[arg(long)]
        first: String,
        /// The other person.
        #[arg(long)]
        second: String,
        /// Date exchanged (repeat for several).
        #[arg(long = "date", required = true)]
        dates: Vec<NaiveDate>,
        /// Who enters it.
        #[arg(long, default_value = "")]
        by: String,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List the requests.
    List {
        /// Request book JSON; without it, the store.
        #[arg(long)]
        book: Option<PathBuf>,
    },
    /// Show what a request would break on the published roster.
    Check {
        /// Request id.
        id: u32,
        /// Request book JSON.
        #[arg(long)]
        book: PathBuf,
        /// Published roster JSON.
        #[arg(long)]
        roster: PathBuf,
    },
    /// Approve a request (a swap that breaks a rule is rejected with the rule named).
    Approve {
        /// Request id.
        id: u32,
        /// Request book JSON; without it (and without --roster), the store's request, checked
        /// against the store's roster of its month.
        #[arg(long, requires = "roster")]
        book: Option<PathBuf>,
        /// Published roster JSON (an approved swap is written into it).
        #[arg(long, requires = "book")]
        roster: Option<PathBuf>,
        /// Who decides.
        #[arg(long)]
        by: String,
        /// Note kept with the decision.
        #[arg(long)]
        note: Option<String>,
    },
    /// Reject a request with a reason.
    Reject {
        /// Request id.
        id: u32,
        /// Request book JSON; without it, the store.
        #[arg(long)]
        book: Option<PathBuf>,
        /// Who decides.
        #[arg(long)]
        by: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

fn parse_kind(s: &str) -> Result<LeaveKind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
        format!("unknown leave kind `{s}`: annual, sick, personal, marriage, bereavement, maternity or day_off")
    })
}

/// Reads a request book; a missing file is an empty book.
pub fn read_book(path: &Path) -> anyhow::Result<RequestBook> {
    if !path.exists() {
        return Ok(RequestBook::default());
    }
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not a request book", path.display()))
}

fn write_book(path: &Path, book: &RequestBook) -> anyhow::Result<()> {
    write_atomic(
        path,
        (serde_json::to_string_pretty(book)? + "\n").as_bytes(),
    )
}

fn describe(kind: &RequestKind) -> String {
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
            let d: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
            format!("换班 swap {first} ⇄ {second} on {}", d.join(", "))
        }
    }
}

/// Runs `workforce request …`. Returns the exit code: 1 when a check finds violations or an
/// approval ends in a rejection.
pub fn run(cmd: RequestCommand, g: &Global) -> anyhow::Result<i32> {
    if let Some(code) = in_store(&cmd, g)? {
        return Ok(code);
    }
    match cmd {
        RequestCommand::Leave {
            book,
            employee,
            from,
            to,
            kind,
            by,
            note,
        } => add(
            &book.expect("file mode"),
            RequestKind::Leave {
                employee,
                from,
                to,
                kind,
            },
            &by,
            &note,
        ),
        RequestCommand::Swap {
            book,
            first,
            second,
            dates,
            by,
            note,
        } => add(
            &book.expect("file mode"),
            RequestKind::Swap {
                first,
                second,
                dates,
            },
            &by,
            &note,
        ),
        RequestCommand::List { book } => {
            print_book(&read_book(&book.expect("file mode"))?);
            Ok(0)
        }
        RequestCommand::Check { id, book, roster } => {
            let b = read_book(&book)?;
            let doc = read_roster(&roster)?;
            let r = b.get(id)?;
            let a = assess(&doc, &r.kind)?;
            println!("#{id} {}", describe(&r.kind));
            print_assessment(&a);
            Ok(if a.new_violations.is_empty() { 0 } else { 1 })
        }
        RequestCommand::Approve {
            id,
            book,
            roster,
            by,
            note,
        } => {
            let (book, roster) = (book.expect("file mode"), roster.expect("file mode"));
            let mut b = read_book(&book)?;
            let doc = read_roster(&roster)?;
            let kind = b.get(id)?.kind.clone();
            let a = assess(&doc, &kind)?;
            println!("#{id} {}", describe(&kind));
            print_assessment(&a);
            let status = b.approve(id, &by, &a, note.as_deref())?;
            match (status, &kind) {
                (Status::Rejected, _) => {
                    write_book(&book, &b)?;
                    println!(
                        "驳回 rejected: {}",
                        b.get(id)?.reason.as_deref().unwrap_or("")
                    );
                    Ok(1)
                }
                (_, RequestKind::Swap { .. }) => {
                    // Roster first: if it cannot be written, the book still says pending.
                    write_atomic(
                        &roster,
                        (serde_json::to_string_pretty(&a.roster)? + "\n").as_bytes(),
                    )?;
                    write_book(&book, &b)?;
                    println!("批准 approved; roster updated: {}", roster.display());
                    Ok(0)
                }
                (_, RequestKind::Leave { from, .. }) => {
                    write_book(&book, &b)?;
                    println!(
                        "批准 approved. Repair the roster: workforce roster repair --roster {} --requests {} --from {}",
                        roster.display(),
                        book.display(),
                        (*from).max(doc.problem.first_date())
                    );
                    Ok(0)
                }
            }
        }
        RequestCommand::Reject {
            id,
            book,
            by,
            reason,
        } => {
            let book = book.expect("file mode");
            let mut b = read_book(&book)?;
            b.reject(id, &by, &reason)?;
            write_book(&book, &b)?;
            println!("驳回 rejected #{id}: {}", reason.trim());
            Ok(0)
        }
    }
}

/// The store's request book: runs `cmd` there when it names no book file; `None` otherwise.
fn in_store(cmd: &RequestCommand, g: &Global) -> anyhow::Result<Option<i32>> {
    let store_mode = match cmd {
        RequestCommand::Leave { book, .. }
        | RequestCommand::Swap { book, .. }
        | RequestCommand::List { book }
        | RequestCommand::Reject { book, .. }
        | RequestCommand::Approve { book, .. } => book.is_none(),
        RequestCommand::Check { .. } => false,
    };
    if !store_mode {
        return Ok(None);
    }
    let env = Env::open(g)?;
    let code = match cmd {
        RequestCommand::Leave {
            employee,
            from,
            to,
            kind,
            by,
            note,
            ..
        } => {
            let k = RequestKind::Leave {
                employee: employee.clone(),
                from: *from,
                to: *to,
                kind: *kind,
            };
            let text = describe(&k);
            let (by, note) = (by.clone(), note.clone());
            let id = env.block_on(|cx| async move {
                let actor = if by.is_empty() { "cli" } else { &by };
                crate::month::requests::add(cx, k, &by, &note, actor).await
            })?;
            println!("#{id} recorded (待审批 pending) in {}: {text}", env.url);
            0
        }
        RequestCommand::Swap {
            first,
            second,
            dates,
            by,
            note,
            ..
        } => {
            let k = RequestKind::Swap {
                first: first.clone(),
                second: second.clone(),
                dates: dates.clone(),
            };
            let text = describe(&k);
            let (by, note) = (by.clone(), note.clone());
            let id = env.block_on(|cx| async move {
                let actor = if by.is_empty() { "cli" } else { &by };
                crate::month::requests::add(cx, k, &by, &note, actor).await
            })?;
            println!("#{id} recorded (待审批 pending) in {}: {text}", env.url);
            0
        }
        RequestCommand::List { .. } => {
            let b = env.block_on(|cx| async move { Ok(cx.store.request_book().await?) })?;
            print_book(&b);
            0
        }
        RequestCommand::Reject { id, by, reason, .. } => {
            let (id, by, reason) = (*id, by.clone(), reason.clone());
            env.block_on(|cx| async move {
                crate::month::requests::reject(cx, id, &by, &reason).await
            })?;
            println!("驳回 rejected #{id}");
            0
        }
        RequestCommand::Approve { id, by, note, .. } => {
            // The pipeline the web app calls: leave is approved with its check against the
            // month's roster; a swap is carried out as the month's draft (origin `swap`), or
            // refused with the rules it breaks and nothing stored.
            let (id, by, note) = (*id, by.clone(), note.clone());
            let d = env.block_on(|cx| async move {
                crate::month::requests::approve(cx, id, &by, note.as_deref()).await
            })?;
            println!("#{id} {}", describe(&d.request.kind));
            if !d.new_violations.is_empty() {
                print_violations(&d.new_violations);
            }
            match (&d.version, &d.request.kind) {
                (Some(v), _) => println!(
                    "批准 approved: the swap is the draft version {} of {} ({} violation(s)); publish it: workforce roster publish --month {}",
                    v.version,
                    d.month,
                    v.verdict.len(),
                    d.month
                ),
                (None, RequestKind::Leave { .. }) if d.repair_needed => println!(
                    "批准 approved: {} is published; repair it with the leave (web: /roster/repair?month={})",
                    d.month, d.month
                ),
                _ => println!("批准 approved: the month's roster is checked (and generated) with it"),
            }
            0
        }
        RequestCommand::Check { .. } => unreachable!("a file command"),
    };
    env.close();
    Ok(Some(code))
}

fn add(book: &Path, kind: RequestKind, by: &str, note: &str) -> anyhow::Result<i32> {
    let mut b = read_book(book)?;
    let text = describe(&kind);
    let id = b.add(kind, by, note);
    write_book(book, &b)?;
    println!("#{id} recorded (待审批 pending): {text}");
    Ok(0)
}

fn print_book(b: &scheduler::RequestBook) {
    for r in &b.requests {
        println!(
            "#{:<3} {:<9} {}{}",
            r.id,
            format!("{:?}", r.status).to_lowercase(),
            describe(&r.kind),
            r.reason
                .as_ref()
                .map(|x| format!(" — {x}"))
                .unwrap_or_default()
        );
    }
}

fn print_assessment(a: &scheduler::Assessment) {
    print_violations(&a.new_violations);
}

fn print_violations(new_violations: &[scheduler::Violation]) {
    if new_violations.is_empty() {
        println!("校验 check: breaks no rule");
        return;
    }
    let rules: std::collections::BTreeSet<&str> =
        new_violations.iter().map(|v| v.rule.as_str()).collect();
    println!(
        "校验 check: adds {} violation(s) of {}",
        new_violations.len(),
        rules.into_iter().collect::<Vec<_>>().join(", ")
    );
    for v in new_violations {
        println!("  {v}");
    }
}
