//! `workforce request`: leave and swap requests (请假 / 换班) kept in a request book (a JSON
//! file until the web app stores them), checked against the published roster by the
//! validator before a decision.
//!
//! - `request leave` / `request swap` record a pending request;
//! - `request list` shows the book; `request check ID --roster R` shows what it would break;
//! - `request approve ID --roster R --by NAME`: a swap that breaks a rule is rejected with the
//!   rules named; an approved swap is written into the roster file; approved leave waits for
//!   `workforce roster repair --requests BOOK` and the next month's `roster --requests BOOK`;
//! - `request reject ID --by NAME --reason TEXT`.
//!
//! The book and the roster are each replaced whole (written beside, then renamed).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::NaiveDate;
use scheduler::{assess, LeaveKind, RequestBook, RequestKind, Status};

use crate::roster_cli::{read_roster, write_atomic};

/// Subcommands of `workforce request`.
#[derive(Debug, clap::Subcommand)]
pub enum RequestCommand {
    /// Record a leave request.
    Leave {
        /// Request book JSON (created if missing).
        #[arg(long)]
        book: PathBuf,
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
        /// Request book JSON (created if missing).
        #[arg(long)]
        book: PathBuf,
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
        /// Request book JSON.
        #[arg(long)]
        book: PathBuf,
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
        /// Request book JSON.
        #[arg(long)]
        book: PathBuf,
        /// Published roster JSON (an approved swap is written into it).
        #[arg(long)]
        roster: PathBuf,
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
        /// Request book JSON.
        #[arg(long)]
        book: PathBuf,
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
pub fn run(cmd: RequestCommand) -> anyhow::Result<i32> {
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
            &book,
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
            &book,
            RequestKind::Swap {
                first,
                second,
                dates,
            },
            &by,
            &note,
        ),
        RequestCommand::List { book } => {
            let b = read_book(&book)?;
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
            let mut b = read_book(&book)?;
            b.reject(id, &by, &reason)?;
            write_book(&book, &b)?;
            println!("驳回 rejected #{id}: {}", reason.trim());
            Ok(0)
        }
    }
}

fn add(book: &Path, kind: RequestKind, by: &str, note: &str) -> anyhow::Result<i32> {
    let mut b = read_book(book)?;
    let text = describe(&kind);
    let id = b.add(kind, by, note);
    write_book(book, &b)?;
    println!("#{id} recorded (待审批 pending): {text}");
    Ok(0)
}

fn print_assessment(a: &scheduler::Assessment) {
    if a.new_violations.is_empty() {
        println!("校验 check: breaks no rule");
        return;
    }
    println!(
        "校验 check: adds {} violation(s) of {}",
        a.new_violations.len(),
        a.rules().join(", ")
    );
    for v in &a.new_violations {
        println!("  {v}");
    }
}
