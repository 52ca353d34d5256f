//! `workforce export KIND --month YYYY-MM --out FILE`: the month's workbooks for HR and the
//! purchaser (工资表, 工资条, 社保公积金台账, 个税导入, 银行代发, 坐席人工费合规).
//!
//! An approved month's workbooks come from its approved run as stored (each sheet says which
//! run); a month not yet approved is paid now as a preview, from its roster (`--roster FILE`,
//! else the store's: published, or its draft) with the stored attendance and KPI evidence.
//! The compliance workbook is the year's: approved months at their stored figures, the rest
//! projected.

use std::path::PathBuf;

use super::{file_name, write_atomic, Env, Global};
use crate::month::exports::Kind;
use crate::month::roster::read_roster;
use crate::month::YearMonth;

/// Which workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportKind {
    /// 工资表: one row per person, every pay line a column, totals row.
    Payroll,
    /// 工资条: the header row repeated above each person's row.
    Payslips,
    /// 社保公积金台账: bases, employer and employee amounts per item.
    Ledger,
    /// 个税导入: the tax client's 正常工资薪金收入 sheet.
    Tax,
    /// 银行代发: name, account, bank, net pay.
    Bank,
    /// 坐席人工费合规: the year's seat labour cost against the floor, with a chart.
    Compliance,
}

impl ExportKind {
    fn kind(self) -> Kind {
        match self {
            ExportKind::Payroll => Kind::Payroll,
            ExportKind::Payslips => Kind::Payslips,
            ExportKind::Ledger => Kind::Ledger,
            ExportKind::Tax => Kind::Tax,
            ExportKind::Bank => Kind::Bank,
            ExportKind::Compliance => Kind::Compliance,
        }
    }
}

/// Arguments of `workforce export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Which workbook.
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// Month, YYYY-MM.
    #[arg(long)]
    pub month: String,
    /// Output workbook.
    #[arg(long)]
    pub out: PathBuf,
    /// For a month not yet approved: pay the preview from this roster file instead of the
    /// store's roster (an approved month is always exported as approved).
    #[arg(long)]
    pub roster: Option<PathBuf>,
}

/// Runs `workforce export`.
///
/// # Errors
/// No roster (preview) or no approved month (compliance), payroll or workbook errors.
pub fn run(a: &ExportArgs, g: &Global) -> anyhow::Result<()> {
    let month = YearMonth::parse(&a.month)?;
    let roster = match &a.roster {
        Some(path) => Some((read_roster(path)?, file_name(path))),
        None => None,
    };
    let env = Env::open(g)?;
    let kind = a.kind.kind();
    let w = env.block_on(|cx| async move {
        crate::month::exports::month_workbook(cx, kind, month, roster).await
    })?;
    env.close();
    if let Some(paid) = &w.preview {
        for n in &paid.notes {
            println!("{n}");
        }
    }
    write_atomic(&a.out, &w.bytes)?;
    println!("数据来源 source: {}", w.source);
    if let (Some(run), Some(_)) = (&w.run, &a.roster) {
        println!(
            "note: {} is approved (run #{}): exported as approved; --roster was not used",
            run.month, run.id
        );
    }
    let pay = w.preview.as_ref().map(|p| p.run.pay.totals.clone());
    match pay {
        Some(t) => println!(
            "{:?} {}: {} people · gross {} · net {} · employer cost {} → {}",
            a.kind,
            a.month,
            w.preview.as_ref().map_or(0, |p| p.run.pay.payslips.len()),
            t.gross,
            t.net,
            t.employer_cost,
            a.out.display()
        ),
        None => println!("{:?} {} → {}", a.kind, a.month, a.out.display()),
    }
    Ok(())
}
