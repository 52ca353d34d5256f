//! KPI evidence import (绩效数据导入): the call platform's monthly agent report (坐席月报),
//! QA listening sheets (质检评分表) and the purchaser's commendations and complaints (表扬投诉),
//! recognised by their headers, as workbooks or CSV.
//!
//! As with attendance, every problem is reported at once with sheet, row, column, what was
//! expected and what was found, and with any problem nothing is returned: an unknown
//! employee, a date outside the month, text in a number cell, a percentage outside 0-100, a
//! QA total that is not the sum of its items, a recording or person twice, a missing column.
//!
//! Percentages may be written `92.5`, `92.5%`, or as a fraction `0.925` (a cell formatted as
//! a percentage reads as a fraction): a number of at most 1 is taken as a fraction.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike as _, NaiveDate};
use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::Decimal;

use super::rows::{cell, text_of, who, Problems, StaffEntry};
use super::table::{
    header_text, normalise, number, parse_date, Cell, ImportErrors, ImportProblem, Said, Table,
};
use crate::kpi::{AgentMonth, Feedback, FeedbackKind, Origin, QaSheet};
use crate::said;

/// Which kind of KPI file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiFileKind {
    /// 坐席月报: one row per person.
    AgentReport,
    /// 质检评分表: one row per listened recording.
    QaSheets,
    /// 表扬投诉: one row per commendation or complaint.
    Feedback,
}

impl KpiFileKind {
    /// Stable code (database, CLI).
    pub fn code(self) -> &'static str {
        match self {
            KpiFileKind::AgentReport => "agent_report",
            KpiFileKind::QaSheets => "qa_sheets",
            KpiFileKind::Feedback => "feedback",
        }
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            KpiFileKind::AgentReport => "坐席月报 (agent monthly report)",
            KpiFileKind::QaSheets => "质检评分表 (QA listening sheets)",
            KpiFileKind::Feedback => "表扬投诉 (commendations and complaints)",
        }
    }
}

/// What a KPI file held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KpiFile {
    /// Agent report lines.
    AgentReport(Vec<AgentMonth>),
    /// QA sheets.
    QaSheets(Vec<QaSheet>),
    /// Commendations and complaints.
    Feedback(Vec<Feedback>),
}

impl KpiFile {
    /// Its kind.
    pub fn kind(&self) -> KpiFileKind {
        match self {
            KpiFile::AgentReport(_) => KpiFileKind::AgentReport,
            KpiFile::QaSheets(_) => KpiFileKind::QaSheets,
            KpiFile::Feedback(_) => KpiFileKind::Feedback,
        }
    }

    /// The people it names.
    pub fn people(&self) -> BTreeSet<String> {
        match self {
            KpiFile::AgentReport(v) => v.iter().map(|r| r.employee.clone()).collect(),
            KpiFile::QaSheets(v) => v.iter().map(|r| r.employee.clone()).collect(),
            KpiFile::Feedback(v) => v.iter().map(|r| r.employee.clone()).collect(),
        }
    }

    /// Records in it.
    pub fn len(&self) -> usize {
        match self {
            KpiFile::AgentReport(v) => v.len(),
            KpiFile::QaSheets(v) => v.len(),
            KpiFile::Feedback(v) => v.len(),
        }
    }

    /// Whether it holds no record.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

const ID: &[&str] = &["工号", "坐席工号", "员工编号", "坐席编号", "employeeid"];
const NAME: &[&str] = &["姓名", "坐席姓名", "坐席", "员工姓名", "name"];
const CALLS: &[&str] = &["接听量", "话务量", "接听总量", "呼入接听量", "callshandled"];
const ANSWER: &[&str] = &["接通率", "接通率%", "answerrate"];
const AHT: &[&str] = &[
    "平均处理时长秒",
    "平均处理时长",
    "平均通话时长秒",
    "平均通话时长",
    "aht",
];
const SATISFACTION: &[&str] = &["满意率", "满意率%", "满意度", "satisfaction"];
const CB_ON_TIME: &[&str] = &["按时回访数", "回访及时数", "及时回访数", "callbacksontime"];
const CB_DUE: &[&str] = &["应回访数", "回访总数", "应回访量", "callbacksdue"];
const RECORDING: &[&str] = &["录音编号", "录音流水号", "录音id", "recording"];
const DATE: &[&str] = &["日期", "通话日期", "质检日期", "受理日期", "date"];
const TOTAL: &[&str] = &["总分", "得分", "质检得分", "total"];
const COMMENT: &[&str] = &["评语", "备注", "质检意见", "comment"];
const KIND: &[&str] = &["类型", "类别", "表扬投诉", "kind"];
const VERIFIED: &[&str] = &["是否属实", "属实", "核实结果", "verified"];
const CONTENT: &[&str] = &["内容", "事由", "摘要", "描述", "description"];

fn col(h: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| h.iter().position(|x| *x == normalise(n)))
}

/// Reads a KPI file for `year`-`month`.
///
/// # Errors
/// Every located problem (see the module documentation).
pub fn parse(
    bytes: &[u8],
    file: &str,
    staff: &[StaffEntry],
    year: i32,
    month: u32,
) -> Result<KpiFile, ImportErrors> {
    let tables = super::table::read_all(bytes).map_err(|e| {
        ImportErrors(vec![ImportProblem::new(
            "-",
            None,
            None,
            said!(
                "an Excel workbook (.xlsx, .xls) or CSV file",
                "Excel 工作簿（.xlsx、.xls）或 CSV 文件"
            ),
            e.said(),
        )])
    })?;
    for t in &tables {
        for (row, cells) in t.rows.iter().take(10) {
            let h: Vec<String> = cells.iter().map(header_text).collect();
            let ctx = Ctx {
                t,
                header_row: *row,
                h: &h,
                file,
                staff,
                year,
                month,
            };
            if col(&h, RECORDING).is_some() {
                return qa(&ctx);
            }
            if col(&h, KIND).is_some() && col(&h, DATE).is_some() {
                return feedback(&ctx);
            }
            if col(&h, ANSWER).is_some()
                || col(&h, SATISFACTION).is_some()
                || col(&h, CB_DUE).is_some()
            {
                return agent_report(&ctx);
            }
        }
    }
    Err(ImportErrors(vec![ImportProblem::new(
        tables
            .iter()
            .map(|t| t.sheet.clone())
            .collect::<Vec<_>>()
            .join(", "),
        None,
        None,
        said!(
            "the headers of an agent report (工号/姓名, 接通率, 满意率, 按时回访数, 应回访数), QA sheets (录音编号, 日期, 工号/姓名, item scores, 总分) or commendations and complaints (日期, 工号/姓名, 类型, 是否属实, 内容) in the first 10 rows",
            "前 10 行中应有以下表头之一：坐席报表（工号/姓名、接通率、满意率、按时回访数、应回访数）、质检表（录音编号、日期、工号/姓名、各项得分、总分）或表扬投诉表（日期、工号/姓名、类型、是否属实、内容）"
        ),
        said!("no such header row", "没有这样的表头行"),
    )]))
}

struct Ctx<'a> {
    t: &'a Table,
    header_row: usize,
    h: &'a [String],
    file: &'a str,
    staff: &'a [StaffEntry],
    year: i32,
    month: u32,
}

impl Ctx<'_> {
    fn rows(&self) -> impl Iterator<Item = &(usize, Vec<Cell>)> {
        self.t
            .rows
            .iter()
            .filter(move |(r, _)| *r > self.header_row)
    }

    fn origin(&self, row: usize) -> Origin {
        Origin {
            file: self.file.to_string(),
            sheet: self.t.sheet.clone(),
            row,
        }
    }

    fn person(&self, cells: &[Cell], row: usize, probs: &mut Problems<'_>) -> Option<String> {
        let id = col(self.h, ID);
        let name = col(self.h, NAME);
        who(
            self.staff,
            id.map(|i| (i, cell(cells, Some(i)))),
            name.map(|i| (i, cell(cells, Some(i)))),
            id.is_some(),
            row,
            probs,
        )
    }

    fn needs_person_column(&self, probs: &mut Problems<'_>) {
        if col(self.h, ID).is_none() && col(self.h, NAME).is_none() {
            probs.missing_column(self.header_row, said!("工号 or 姓名", "工号 或 姓名"), &[]);
        }
    }

    fn date(&self, cells: &[Cell], row: usize, probs: &mut Problems<'_>) -> Option<NaiveDate> {
        let i = col(self.h, DATE)?;
        let c = cell(cells, Some(i));
        match parse_date(c) {
            Some(d) if d.year() == self.year && d.month() == self.month => Some(d),
            Some(d) => {
                probs.at(
                    row,
                    Some((i, "日期")),
                    said!(
                        "a date in {}-{:02}",
                        "{}-{:02} 内的日期",
                        self.year,
                        self.month
                    ),
                    said!("{d} (date outside the month)", "{d}（不在本月）"),
                );
                None
            }
            None => {
                probs.at(row, Some((i, "日期")), said!("a date", "日期"), c.said());
                None
            }
        }
    }
}

/// A number cell at an optional column: `Ok(None)` when empty, `Err` (reported) when text.
fn num(
    cells: &[Cell],
    i: Option<usize>,
    header: &str,
    row: usize,
    probs: &mut Problems<'_>,
) -> Result<Option<Decimal>, ()> {
    let Some(i) = i else { return Ok(None) };
    let c = cell(cells, Some(i));
    if *c == Cell::Empty {
        return Ok(None);
    }
    let text_percent = matches!(c, Cell::Text(t) if t.trim_end().ends_with('%'));
    let parsed = match c {
        Cell::Text(t) if text_percent => {
            number(&Cell::Text(t.trim_end().trim_end_matches('%').to_string()))
        }
        other => number(other),
    };
    // Through the shortest decimal text of the number: 92.5 stays 92.5, not 92.50000000000001.
    match parsed.and_then(|x| format!("{x}").parse::<Decimal>().ok()) {
        Some(d) => Ok(Some(d)),
        None => {
            probs.at(
                row,
                Some((i, header)),
                said!(
                    "a number (text in a number cell is not read)",
                    "数字（数字单元格中的文本不予读取）"
                ),
                c.said(),
            );
            Err(())
        }
    }
}

/// A percentage: `92.5`, `92.5%`, or a fraction `0.925`; must lie in 0-100.
fn percent(
    cells: &[Cell],
    i: Option<usize>,
    header: &str,
    row: usize,
    probs: &mut Problems<'_>,
) -> Result<Option<Decimal>, ()> {
    let text_percent = i
        .map(|i| matches!(cell(cells, Some(i)), Cell::Text(t) if t.trim_end().ends_with('%')))
        .unwrap_or(false);
    let Some(v) = num(cells, i, header, row, probs)? else {
        return Ok(None);
    };
    let v = if !text_percent && v <= Decimal::ONE {
        v * Decimal::from(100)
    } else {
        v
    };
    let v = v.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    if v < Decimal::ZERO || v > Decimal::from(100) {
        probs.at(
            row,
            i.map(|i| (i, header)),
            said!("a percentage from 0 to 100", "0 至 100 的百分数"),
            Said::same(v.to_string()),
        );
        return Err(());
    }
    Ok(Some(v))
}

fn count(
    cells: &[Cell],
    i: Option<usize>,
    header: &str,
    row: usize,
    probs: &mut Problems<'_>,
) -> Result<Option<u32>, ()> {
    let Some(v) = num(cells, i, header, row, probs)? else {
        return Ok(None);
    };
    if v < Decimal::ZERO || v.fract() != Decimal::ZERO {
        probs.at(
            row,
            i.map(|i| (i, header)),
            said!("a whole number of at least 0", "不小于 0 的整数"),
            Said::same(v.to_string()),
        );
        return Err(());
    }
    v.to_u32().map(Some).ok_or(())
}

fn finish<T>(probs: Problems<'_>, v: T) -> Result<T, ImportErrors> {
    if probs.list.is_empty() {
        Ok(v)
    } else {
        let mut list = probs.list;
        list.sort_by_key(|p| (p.row, p.column.clone()));
        Err(ImportErrors(list))
    }
}

fn agent_report(ctx: &Ctx<'_>) -> Result<KpiFile, ImportErrors> {
    let mut probs = Problems::new(&ctx.t.sheet);
    ctx.needs_person_column(&mut probs);
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }
    let h = ctx.h;
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, cells) in ctx.rows() {
        let row = *row;
        // A totals row (合计 / 总计) closes many platform reports.
        let first = text_of(cell(cells, Some(0))).unwrap_or_default();
        if first == "合计" || first == "总计" {
            continue;
        }
        let employee = ctx.person(cells, row, &mut probs);
        let calls = count(cells, col(h, CALLS), "接听量", row, &mut probs);
        let answer = percent(cells, col(h, ANSWER), "接通率", row, &mut probs);
        let aht = num(cells, col(h, AHT), "平均处理时长", row, &mut probs);
        let sat = percent(cells, col(h, SATISFACTION), "满意率", row, &mut probs);
        let on_time = count(cells, col(h, CB_ON_TIME), "按时回访数", row, &mut probs);
        let due = count(cells, col(h, CB_DUE), "应回访数", row, &mut probs);
        let (Some(employee), Ok(calls), Ok(answer), Ok(aht), Ok(sat), Ok(on_time), Ok(due)) =
            (employee, calls, answer, aht, sat, on_time, due)
        else {
            continue;
        };
        if let (Some(o), Some(d)) = (on_time, due) {
            if o > d {
                probs.at(
                    row,
                    col(h, CB_ON_TIME).map(|i| (i, "按时回访数")),
                    said!("at most the callbacks due ({d})", "不超过应回访数（{d}）"),
                    Said::same(o.to_string()),
                );
                continue;
            }
        }
        if let Some(first) = seen.insert(employee.clone(), row) {
            probs.at(
                row,
                None,
                said!("one row per person ({employee})", "每人一行（{employee}）"),
                said!(
                    "a duplicate row (also row {first})",
                    "重复行（与第 {first} 行重复）"
                ),
            );
            continue;
        }
        out.push(AgentMonth {
            employee,
            calls_handled: calls,
            answer_rate: answer,
            aht_seconds: aht,
            satisfaction: sat,
            callbacks_on_time: on_time,
            callbacks_due: due,
            origin: ctx.origin(row),
        });
    }
    finish(probs, KpiFile::AgentReport(out))
}

fn qa(ctx: &Ctx<'_>) -> Result<KpiFile, ImportErrors> {
    let mut probs = Problems::new(&ctx.t.sheet);
    let h = ctx.h;
    ctx.needs_person_column(&mut probs);
    if col(h, DATE).is_none() {
        probs.missing_column(ctx.header_row, Said::same("日期"), &[]);
    }
    let known: BTreeSet<usize> = [ID, NAME, RECORDING, DATE, TOTAL, COMMENT]
        .iter()
        .filter_map(|names| col(h, names))
        .collect();
    let header_cells = &ctx
        .t
        .rows
        .iter()
        .find(|(r, _)| *r == ctx.header_row)
        .expect("header row")
        .1;
    let items: Vec<(usize, String)> = header_cells
        .iter()
        .enumerate()
        .filter(|(i, c)| !known.contains(i) && matches!(c, Cell::Text(_)))
        .filter_map(|(i, c)| text_of(c).map(|t| (i, t)))
        .collect();
    if items.is_empty() && col(h, TOTAL).is_none() {
        probs.missing_column(
            ctx.header_row,
            said!("评分项 (item scores) or 总分", "评分项 或 总分"),
            &[],
        );
    }
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }
    let rec_col = col(h, RECORDING).expect("detected by it");
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, cells) in ctx.rows() {
        let row = *row;
        let employee = ctx.person(cells, row, &mut probs);
        let date = ctx.date(cells, row, &mut probs);
        let recording = text_of(cell(cells, Some(rec_col))).unwrap_or_default();
        if recording.is_empty() {
            probs.at(
                row,
                Some((rec_col, "录音编号")),
                said!("a recording id", "录音编号"),
                Cell::Empty.said(),
            );
        }
        let mut scores = Vec::new();
        let mut bad = false;
        for (i, name) in &items {
            match num(cells, Some(*i), name, row, &mut probs) {
                Ok(Some(v)) if v >= Decimal::ZERO => scores.push((name.clone(), v)),
                Ok(Some(v)) => {
                    probs.at(
                        row,
                        Some((*i, name)),
                        said!("a score of at least 0", "不小于 0 的得分"),
                        Said::same(v.to_string()),
                    );
                    bad = true;
                }
                Ok(None) => {
                    probs.at(
                        row,
                        Some((*i, name)),
                        said!("a score", "得分"),
                        Cell::Empty.said(),
                    );
                    bad = true;
                }
                Err(()) => bad = true,
            }
        }
        let total = num(cells, col(h, TOTAL), "总分", row, &mut probs);
        let Ok(total) = total else { continue };
        let sum: Decimal = scores.iter().map(|(_, v)| *v).sum();
        let total = match (total, items.is_empty()) {
            (Some(t), false) if t != sum && !bad => {
                probs.at(
                    row,
                    col(h, TOTAL).map(|i| (i, "总分")),
                    said!(
                        "the sum of the item scores ({sum})",
                        "各项得分之和（{sum}）"
                    ),
                    Said::same(t.to_string()),
                );
                continue;
            }
            (Some(t), _) => t,
            (None, false) => sum,
            (None, true) => {
                probs.at(
                    row,
                    col(h, TOTAL).map(|i| (i, "总分")),
                    said!("a total score", "总分"),
                    Cell::Empty.said(),
                );
                continue;
            }
        };
        if total > Decimal::from(100) {
            probs.at(
                row,
                col(h, TOTAL).map(|i| (i, "总分")),
                said!("a total of at most 100", "不超过 100 的总分"),
                Said::same(total.to_string()),
            );
            continue;
        }
        let (Some(employee), Some(date)) = (employee, date) else {
            continue;
        };
        if bad || recording.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(recording.clone(), row) {
            probs.at(
                row,
                Some((rec_col, "录音编号")),
                said!(
                    "each recording once ({recording})",
                    "录音编号不重复（{recording}）"
                ),
                said!(
                    "a duplicate recording (also row {first})",
                    "重复的录音（与第 {first} 行重复）"
                ),
            );
            continue;
        }
        out.push(QaSheet {
            recording,
            date,
            employee,
            items: scores,
            total,
            comment: text_of(cell(cells, col(h, COMMENT))).unwrap_or_default(),
            origin: ctx.origin(row),
        });
    }
    finish(probs, KpiFile::QaSheets(out))
}

fn feedback(ctx: &Ctx<'_>) -> Result<KpiFile, ImportErrors> {
    let mut probs = Problems::new(&ctx.t.sheet);
    let h = ctx.h;
    ctx.needs_person_column(&mut probs);
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }
    let kind_col = col(h, KIND).expect("detected by it");
    let mut out = Vec::new();
    for (row, cells) in ctx.rows() {
        let row = *row;
        let employee = ctx.person(cells, row, &mut probs);
        let date = ctx.date(cells, row, &mut probs);
        let kind_text = text_of(cell(cells, Some(kind_col))).unwrap_or_default();
        let kind = if kind_text.contains("表扬")
            || kind_text.contains("锦旗")
            || kind_text.contains("感谢")
        {
            Some(FeedbackKind::Commendation)
        } else if kind_text.contains("投诉") {
            Some(FeedbackKind::Complaint)
        } else {
            probs.at(
                row,
                Some((kind_col, "类型")),
                said!("表扬 or 投诉", "表扬 或 投诉"),
                cell(cells, Some(kind_col)).said(),
            );
            None
        };
        let verified = match col(h, VERIFIED).map(|i| (i, cell(cells, Some(i)))) {
            None | Some((_, Cell::Empty)) => Ok(kind == Some(FeedbackKind::Commendation)),
            Some((i, c)) => match text_of(c).as_deref().map(str::trim) {
                Some("是" | "属实" | "有效" | "yes" | "true") => Ok(true),
                Some("否" | "不属实" | "无效" | "no" | "false") => Ok(false),
                _ => {
                    probs.at(
                        row,
                        Some((i, "是否属实")),
                        said!("是 or 否", "是 或 否"),
                        c.said(),
                    );
                    Err(())
                }
            },
        };
        let (Some(employee), Some(date), Some(kind), Ok(verified)) =
            (employee, date, kind, verified)
        else {
            continue;
        };
        out.push(Feedback {
            date,
            employee,
            kind,
            verified,
            description: text_of(cell(cells, col(h, CONTENT))).unwrap_or_default(),
            origin: ctx.origin(row),
        });
    }
    finish(probs, KpiFile::Feedback(out))
}
