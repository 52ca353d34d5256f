//! The month's workbooks (导出): 工资表, 工资条, 社保公积金台账, 个税导入, 银行代发, and the
//! purchaser's 坐席人工费合规. An approved month is frozen: its payroll workbooks come from the
//! approved run as stored, never recomputed, and each says on the sheet which run it is (id,
//! approver, time). A month not yet approved gets a preview computed now, labelled so. The
//! compliance workbook is the year's ([`super::compliance`]), the same figures as the page.

use crate::said;
use serde::Serialize;

use super::pay::PaidMonth;
use super::{blocking, Context, Error, Result, YearMonth};
use crate::db::payroll::RunRow;
use crate::excel::payroll_xlsx;

/// Which workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
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
    /// 坐席人工费合规: the year's seat labour cost against the floor.
    Compliance,
}

impl Kind {
    /// Every kind, in the order shown.
    pub const ALL: [Kind; 6] = [
        Kind::Payroll,
        Kind::Payslips,
        Kind::Ledger,
        Kind::Tax,
        Kind::Bank,
        Kind::Compliance,
    ];

    /// The code in URLs and on the command line.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Kind::Payroll => "payroll",
            Kind::Payslips => "payslips",
            Kind::Ledger => "ledger",
            Kind::Tax => "tax",
            Kind::Bank => "bank",
            Kind::Compliance => "compliance",
        }
    }

    /// The Chinese name (and file name).
    #[must_use]
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::Payroll => "工资表",
            Kind::Payslips => "工资条",
            Kind::Ledger => "社保公积金台账",
            Kind::Tax => "个税导入",
            Kind::Bank => "银行代发",
            Kind::Compliance => "坐席人工费合规",
        }
    }

    /// The kind of a code.
    #[must_use]
    pub fn parse(code: &str) -> Option<Self> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// Whether the workbook holds personal fields (names with pay, ID numbers, accounts).
    #[must_use]
    pub fn personal(self) -> bool {
        self != Kind::Compliance
    }
}

/// A workbook and what it was made from.
#[derive(Debug, Clone)]
pub struct Workbook {
    /// The xlsx bytes.
    pub bytes: Vec<u8>,
    /// The download's file name.
    pub file_name: String,
    /// What it was made from, in words (as on the sheet).
    pub source: String,
    /// The stored run it came from, if any.
    pub run: Option<RunRow>,
    /// The computation, for a preview.
    pub preview: Option<PaidMonth>,
}

fn run_source(r: &RunRow) -> String {
    if r.approved() {
        format!(
            "已审批工资批次 #{}（{} 于 {} 审批）",
            r.id,
            r.approved_by.clone().unwrap_or_default(),
            crate::clock::local(r.approved_at.as_deref().unwrap_or_default())
        )
    } else {
        format!(
            "工资批次 #{} 草稿（未审批；{} 于 {} 计算）",
            r.id,
            r.created_by,
            crate::clock::local(&r.created_at)
        )
    }
}

/// One of the five payroll workbooks of `pay`, saying `source` on the sheet; the HR records
/// (ID numbers, bank accounts) come from the store's staff list.
async fn pay_workbook(
    cx: Context<'_>,
    kind: Kind,
    pay: payroll::MonthPayroll,
    source: String,
) -> Result<Vec<u8>> {
    let hr = cx.store.staff().await?.hr_records();
    blocking(
        move || -> std::result::Result<Vec<u8>, payroll_xlsx::ExportError> {
            let s = Some(source.as_str());
            match kind {
                Kind::Payroll => payroll_xlsx::register_from(&pay, s),
                Kind::Payslips => payroll_xlsx::payslips_from(&pay, s),
                Kind::Ledger => payroll_xlsx::ledger_from(&pay, &hr, s),
                Kind::Tax => payroll_xlsx::tax_import_from(&pay, &hr, s),
                Kind::Bank => payroll_xlsx::bank_transfer_from(&pay, &hr, s),
                Kind::Compliance => unreachable!("the compliance workbook is the year's"),
            }
        },
    )
    .await?
    .map_err(|e| Error::Invalid(said!("{}: {e}", "{}：{e}", kind.label_zh())))
}

async fn compliance_of(
    cx: Context<'_>,
    year: i32,
    preview: Option<YearMonth>,
    tag: &str,
) -> Result<Workbook> {
    let Some(bytes) = super::compliance::workbook(cx, year, preview).await? else {
        return Err(Error::NotFound(said!(
            "no approved payroll month in {year}, and no roster to preview: the compliance workbook counts approved months",
            "{year} 年没有已审批的工资月份，也没有可预览的排班：合规工作簿只统计已审批月份"
        )));
    };
    Ok(Workbook {
        bytes,
        file_name: format!("{}-{year}{tag}.xlsx", Kind::Compliance.label_zh()),
        source: format!("{year} 年已审批工资批次"),
        run: None,
        preview: None,
    })
}

/// The workbook of `kind` for `month`: from the month's approved run when there is one; else
/// a preview computed now from the month's roster (`roster` when given) and its stored
/// attendance and KPI evidence.
///
/// # Errors
/// [`Error::NotFound`] without a roster (preview) or approved months (compliance), or the
/// computation's errors.
pub async fn month_workbook(
    cx: Context<'_>,
    kind: Kind,
    month: YearMonth,
    roster: Option<(scheduler::RosterFile, String)>,
) -> Result<Workbook> {
    if kind == Kind::Compliance {
        return compliance_of(cx, month.year, Some(month), "").await;
    }
    if let Some(run) = cx.store.approved_run(&month.to_string()).await? {
        return run_workbook(cx, kind, run.id).await;
    }
    let paid = super::pay::compute(cx, month, roster).await?;
    let source = format!(
        "预览：{month} 尚未审批，按{}与当前已导入的考勤即时计算",
        paid.roster_source.label_zh()
    );
    let bytes = pay_workbook(cx, kind, paid.run.pay.clone(), source.clone()).await?;
    Ok(Workbook {
        bytes,
        file_name: format!("{}-{month}-预览.xlsx", kind.label_zh()),
        source,
        run: None,
        preview: Some(paid),
    })
}

/// The workbook of `kind` from stored run `id` (approved or draft), as stored.
///
/// # Errors
/// [`Error::NotFound`] for an unknown run.
pub async fn run_workbook(cx: Context<'_>, kind: Kind, id: i64) -> Result<Workbook> {
    let Some((row, pay)) = cx.store.run_payroll(id).await? else {
        return Err(Error::NotFound(said!(
            "no payroll run #{id}",
            "没有工资核算 #{id}"
        )));
    };
    if kind == Kind::Compliance {
        let month = YearMonth::parse(&row.month)?;
        return compliance_of(cx, month.year, Some(month), &format!("-run{id}")).await;
    }
    let source = run_source(&row);
    let bytes = pay_workbook(cx, kind, pay, source.clone()).await?;
    let draft = if row.approved() { "" } else { "-草稿" };
    Ok(Workbook {
        bytes,
        file_name: format!("{}-{}-run{id}{draft}.xlsx", kind.label_zh(), row.month),
        source,
        run: Some(row),
        preview: None,
    })
}
