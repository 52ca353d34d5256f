//! The three policy documents (制度文件) of requirement 2.3.6 — 《工作人员薪酬体系》,
//! 《绩效考核办法》, 《工作人员考勤管理制度》 — generated from the configuration in force on a
//! month's first day. The average pay per position is that of the month's payroll: its
//! approved run when there is one, else the month paid now as the exports pay it.

use super::pay::RosterSource;
use super::{Context, Error, Result, YearMonth};
use crate::policy_doc::{
    attendance_doc, pay_structure_doc, performance_doc, PayMonth, PolicyConfig, PolicyDocument,
};

/// The documents and what their pay figures come from.
#[derive(Debug, Clone)]
pub struct Documents {
    /// 薪酬体系, 绩效考核办法, 考勤管理制度.
    pub docs: Vec<PolicyDocument>,
    /// People paid in the month.
    pub people: usize,
    /// What the average pay was computed from, in words.
    pub basis: String,
}

/// The documents of `month` (the roster `roster` when given, else the store's).
///
/// # Errors
/// Configuration, roster or payroll errors, each named.
pub async fn documents(
    cx: Context<'_>,
    month: YearMonth,
    roster: Option<(scheduler::RosterFile, String)>,
) -> Result<Documents> {
    let cfg = PolicyConfig::parse(cx.reference.policy_sources.clone())
        .map_err(|e| Error::Internal(e.context("the policy documents' configuration")))?;
    let first = month.first_day();
    let neutral = crate::timesheet::NEUTRAL_KPI_SCORE;
    let coefficient = cfg
        .performance
        .coefficient_table
        .iter()
        .find(|t| t.provenance.covers(first))
        .and_then(|t| {
            t.bands
                .iter()
                .find(|b| rust_decimal::Decimal::from(neutral) >= b.min_score)
        })
        .map(|b| format!("（绩效系数 {:.2}）", b.coefficient))
        .unwrap_or_default();
    let (pay, basis) = match (
        roster.is_none(),
        cx.store.approved_run(&month.to_string()).await?,
    ) {
        (true, Some(run)) => {
            let stored = super::pay::stored(cx, run.id)
                .await?
                .ok_or_else(|| Error::internal(format!("run #{} vanished", run.id)))?;
            let basis = format!(
                "测算取自已审批工资批次 #{}（{} 审批），共 {} 人（含预备人员 {} 名）；与同月工资表取数一致。",
                run.id,
                run.approved_by.clone().unwrap_or_default(),
                stored.pay.payslips.len(),
                stored.cost.reserve
            );
            (stored.pay, basis)
        }
        _ => {
            let paid = super::pay::compute(cx, month, roster).await?;
            let roster_text = match &paid.roster_source {
                RosterSource::File { name } => format!("排班文件 {name}"),
                other => other.label_zh(),
            };
            let reserve = super::pay::CostDoc::of(&paid).reserve;
            let attendance = if paid.attendance_records > 0 {
                format!(
                    "以{roster_text}与已导入的 {} 条考勤记录核对后的考勤",
                    paid.attendance_records
                )
            } else {
                format!("以{roster_text}为考勤（本月未导入考勤）")
            };
            let kpi = if paid.evaluated > 0 {
                format!("绩效按本月考核结果（{} 人）计", paid.evaluated)
            } else {
                format!("各项考核指标按 {neutral} 分计{coefficient}")
            };
            let basis = format!(
                "测算{attendance}，共 {} 人（含预备人员 {reserve} 名）；{kpi}；与同月工资表（workforce export payroll）取数一致。\
                 年内此前月份按标准月计算（仅影响个人所得税，不影响应发工资）。",
                paid.run.pay.payslips.len()
            );
            (paid.run.pay, basis)
        }
    };
    let today = crate::clock::now_local().date_naive();
    let docs = vec![
        pay_structure_doc(
            &cfg,
            PayMonth {
                payroll: &pay,
                basis: &basis,
            },
            today,
        )?,
        performance_doc(&cfg, first, today)?,
        attendance_doc(&cfg, first, today)?,
    ];
    Ok(Documents {
        docs,
        people: pay.payslips.len(),
        basis,
    })
}
