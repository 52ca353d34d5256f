//! Payroll and purchaser workbooks, written from the engine's results as plain functions over
//! bytes:
//! - [`register`] 工资表: one row per person, one column per pay line, totals;
//! - [`payslips`] 工资条: the header row repeated above each person, a cut line between people;
//! - [`ledger`] 社保公积金台账: base, employer and employee part of each insurance and the
//!   housing fund, per person;
//! - [`tax_import`] the ITS (自然人电子税务局 扣缴端) import sheet `正常工资薪金收入`, its
//!   columns read from the versioned layout `templates/excel/its-salary-income.toml`;
//! - [`bank_transfer`] 银行代发清单: net pay per salary account;
//! - [`compliance`] 坐席人工费合规: the purchaser's month-by-month seat labour cost against the
//!   annual floor, with a chart.
//!
//! Every amount is the engine's [`Decimal`], already rounded to the fen per line, written as a
//! number (converted to f64 only to be written) with a ¥ format; totals rows are `SUM` formulas
//! whose cached result is the exact Decimal sum of the rounded cells, so a reader that does not
//! recalculate (calamine, the ITS client, a bank) sees the same figure as Excel. Identity and
//! account numbers are text. Column widths are set by hand: rust_xlsxwriter's autofit counts a
//! Chinese character as one narrow character.

use std::collections::BTreeMap;

use payroll::{Money, Month, MonthCost, MonthPayroll, PayLine, Payslip, SeatCostYear};
use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    utility::row_col_to_cell, Chart, ChartEmptyCells, ChartFormat, ChartLegendPosition, ChartLine,
    ChartLineDashType, ChartMarker, ChartMarkerType, ChartSolidFill, ChartType, Color, Format,
    FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};
use serde::{Deserialize, Serialize};

use crate::excel::roster_xlsx::role_zh;
use crate::hr::HrRecord;

/// The number format of every amount: yuan with thousands separators, negatives in red.
pub const MONEY_FORMAT: &str = "¥#,##0.00;[Red]-¥#,##0.00";

/// The ITS wage-income import layout shipped with the program (see [`ItsLayout`]).
pub const ITS_SALARY_LAYOUT: &str = include_str!("../../../templates/excel/its-salary-income.toml");

/// Excel's paper size code of A4.
const PAPER_A4: u8 = 9;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// rust_xlsxwriter refused something.
    #[error(transparent)]
    Xlsx(#[from] XlsxError),
    /// An employee of the payroll has no HR record.
    #[error("employee {employee} ({name}) has no record in hr.toml: the identity document and salary account are needed for this export")]
    MissingHr {
        /// Employee id.
        employee: String,
        /// Name in the payroll.
        name: String,
    },
    /// The payroll and the HR record name different people.
    #[error("employee {employee}: name `{payroll_name}` in the payroll differs from `{hr_name}` in hr.toml")]
    NameMismatch {
        /// Employee id.
        employee: String,
        /// Name in the payroll.
        payroll_name: String,
        /// Name in hr.toml.
        hr_name: String,
    },
    /// An employee contribution line the tax import has no column for.
    #[error("employee {employee}: employee contribution line {code} has no column in the ITS import (expected pension, medical, unemployment or housing fund)")]
    UnmappedContribution {
        /// Employee id.
        employee: String,
        /// Line code.
        code: String,
    },
    /// Net pay below zero cannot be transferred.
    #[error("employee {employee} ({name}): net pay {net} is negative and cannot be transferred")]
    NegativeNet {
        /// Employee id.
        employee: String,
        /// Name.
        name: String,
        /// Net pay.
        net: Money,
    },
    /// A bad import layout file.
    #[error("ITS import layout: {0}")]
    Layout(String),
    /// Inconsistent compliance input.
    #[error("compliance workbook: {0}")]
    Compliance(String),
}

// ---------------------------------------------------------------------------------------------
// Shared: formats, widths, cells, print setup.

struct Styles {
    title: Format,
    note: Format,
    head: Format,
    text: Format,
    text_id: Format,
    money: Format,
    count: Format,
    signed: Format,
    total_label: Format,
    total_money: Format,
    blank_cut: Format,
}

impl Styles {
    fn new() -> Self {
        let border = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let money = border
            .clone()
            .set_num_format(MONEY_FORMAT)
            .set_align(FormatAlign::Right);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_font_color(Color::RGB(0x595959)),
            head: border
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: border.clone(),
            // "@": text, so an ID number stays text when HR edits the cell in Excel.
            text_id: border.clone().set_num_format("@"),
            count: border
                .clone()
                .set_num_format("0")
                .set_align(FormatAlign::Center),
            signed: border
                .clone()
                .set_num_format("+0;[Red]-0;0")
                .set_align(FormatAlign::Center),
            total_label: border
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            total_money: money
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xF2F2F2)),
            money,
            blank_cut: Format::new().set_border_bottom(FormatBorder::Dashed),
        }
    }
}

/// Width of a string in Excel character units (Calibri 11: 7 px a unit). A CJK character at
/// 11 pt is about 15 px, so 2.2 units; `¥` is as narrow as a digit.
fn text_width(s: &str) -> f64 {
    s.chars().map(char_width).sum()
}

fn char_width(c: char) -> f64 {
    if c.is_ascii() || c == '¥' {
        1.0
    } else {
        2.2
    }
}

/// A header up to this width stays on one line.
const HEADER_ONE_LINE: f64 = 16.0;

/// A header as shown: a long one broken onto lines (as with Alt+Enter) before a bracket
/// (`住房公积金` / `(个人)`), or in the middle, so the break does not depend on how the
/// spreadsheet program measures Chinese text.
fn shown_header(s: &str) -> String {
    fn halves(s: &str) -> Vec<String> {
        let half = text_width(s) / 2.0;
        let mut acc = 0.0;
        let at = s
            .char_indices()
            .find(|(_, c)| {
                acc += char_width(*c);
                acc >= half - 0.01
            })
            .map_or(s.len(), |(i, c)| i + c.len_utf8());
        let (a, b) = s.split_at(at);
        [a, b]
            .into_iter()
            .filter(|x| !x.is_empty())
            .map(str::to_owned)
            .collect()
    }
    fn part(s: &str) -> Vec<String> {
        if text_width(s) <= 18.0 {
            vec![s.to_owned()]
        } else {
            halves(s)
        }
    }
    if text_width(s) <= HEADER_ONE_LINE {
        return s.to_owned();
    }
    let lines = match s
        .char_indices()
        .skip(1)
        .find(|(_, c)| *c == '(' || *c == '（')
    {
        Some((i, _)) => {
            let (left, right) = s.split_at(i);
            let mut v = part(left);
            v.extend(part(right));
            v
        }
        None => halves(s),
    };
    lines.join("\n")
}

/// The column width a header needs: its widest line; a long header without line breaks (the
/// ITS sheet, whose headers must stay exact) wraps onto two lines.
fn header_need(s: &str) -> f64 {
    let w = s.split('\n').map(text_width).fold(0.0, f64::max);
    if w <= HEADER_ONE_LINE || s.contains('\n') {
        w + 2.0
    } else {
        (w / 2.0).ceil() + 2.0
    }
}

/// Column widths grown by hand to fit the text (≈ 2 × CJK character count + 2).
struct Widths(Vec<f64>);

impl Widths {
    fn new() -> Self {
        Widths(Vec::new())
    }

    fn fit_width(&mut self, col: u16, width: f64) {
        let c = usize::from(col);
        if self.0.len() <= c {
            self.0.resize(c + 1, 0.0);
        }
        self.0[c] = self.0[c].max(width);
    }

    fn fit(&mut self, col: u16, s: &str) {
        self.fit_width(col, text_width(s) + 2.0);
    }

    fn fit_money(&mut self, col: u16, d: Decimal) {
        self.fit(col, &money_text(d));
    }

    /// See [`header_need`].
    fn fit_header(&mut self, col: u16, s: &str) {
        self.fit_width(col, header_need(s));
    }

    fn get(&self, col: u16) -> f64 {
        self.0.get(usize::from(col)).copied().unwrap_or(8.43)
    }

    /// Lines a header needs in its column (for the row height).
    fn header_lines(&self, col: u16, s: &str) -> f64 {
        let room = (self.get(col) - 1.5).max(1.0);
        s.split('\n')
            .map(|line| (text_width(line) / room).ceil().max(1.0))
            .sum()
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in (0u16..).zip(&self.0) {
            if *w > 0.0 {
                ws.set_column_width(c, *w)?;
            }
        }
        Ok(())
    }

    /// Approximate printed width in pixels (Calibri 11: 7 px per character unit + 5).
    fn pixels(&self) -> f64 {
        self.0.iter().map(|w| w * 7.0 + 5.0).sum()
    }
}

/// `¥1,234.56` / `-¥1,234.56`, for width estimates and messages.
fn money_text(d: Decimal) -> String {
    payroll::money::grouped(d, true)
}

fn month_zh(m: Month) -> String {
    format!("{}年{:02}月", m.year(), m.month())
}

/// An amount already rounded to the fen, as the f64 Excel stores.
fn cell_number(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

fn write_money(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    d: Decimal,
    f: &Format,
) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, col, cell_number(d), f)?;
    Ok(())
}

/// `=SUM(col first:col last)` with the exact Decimal total as its cached result.
fn write_sum(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    rows: (u32, u32),
    total: Decimal,
    f: &Format,
) -> Result<(), XlsxError> {
    if rows.1 < rows.0 {
        return write_money(ws, row, col, total, f);
    }
    let formula = Formula::new(format!(
        "=SUM({}:{})",
        row_col_to_cell(rows.0, col),
        row_col_to_cell(rows.1, col)
    ))
    .set_result(total.to_string());
    ws.write_formula_with_format(row, col, formula, f)?;
    Ok(())
}

/// A4, fit to one page wide, header rows repeated, page numbers.
fn print_setup(
    ws: &mut Worksheet,
    landscape: bool,
    repeat_rows: Option<(u32, u32)>,
    header: &str,
) -> Result<(), XlsxError> {
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_paper_size(PAPER_A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    if let Some((first, last)) = repeat_rows {
        ws.set_repeat_rows(first, last)?;
    }
    ws.set_header(format!("&C{}", header.replace('&', "&&")));
    ws.set_footer("&C第 &P 页 / 共 &N 页");
    Ok(())
}

/// Sets a header row's height from its wrapped headers.
fn header_height(
    ws: &mut Worksheet,
    row: u32,
    headers: &[(u16, &str)],
    widths: &Widths,
) -> Result<(), XlsxError> {
    let lines = headers
        .iter()
        .map(|(c, h)| widths.header_lines(*c, h))
        .fold(1.0, f64::max);
    ws.set_row_height(row, 16.0 * lines + 4.0)?;
    Ok(())
}

/// Merges keys of several ordered sequences into one order: a key not seen before goes just
/// before the next key of its own sequence already placed, or at the end. Deterministic, and
/// each sequence's own order is kept where the sequences agree.
fn merge_keys<K: Clone + PartialEq>(sequences: impl IntoIterator<Item = Vec<K>>) -> Vec<K> {
    let mut out: Vec<K> = Vec::new();
    for seq in sequences {
        // A key repeated within a sequence (an item's employer and employee parts) counts once.
        let mut seq = seq;
        let mut j = 0;
        while j < seq.len() {
            if seq[..j].contains(&seq[j]) {
                seq.remove(j);
            } else {
                j += 1;
            }
        }
        for (j, k) in seq.iter().enumerate() {
            if out.contains(k) {
                continue;
            }
            let at = seq[j + 1..]
                .iter()
                .find_map(|later| out.iter().position(|o| o == later));
            match at {
                Some(i) => out.insert(i, k.clone()),
                None => out.push(k.clone()),
            }
        }
    }
    out
}

fn sum_opt(values: impl IntoIterator<Item = Money>) -> Option<Money> {
    values
        .into_iter()
        .fold(None, |acc, v| Some(acc.unwrap_or_default() + v))
}

/// The HR record of a payslip's employee, with the same name.
///
/// # Errors
/// [`ExportError::MissingHr`] or [`ExportError::NameMismatch`], naming the employee.
pub fn hr_record<'a>(hr: &'a [HrRecord], p: &Payslip) -> Result<&'a HrRecord, ExportError> {
    let r = hr
        .iter()
        .find(|r| r.id == p.employee_id)
        .ok_or_else(|| ExportError::MissingHr {
            employee: p.employee_id.clone(),
            name: p.employee_name.clone(),
        })?;
    if r.name != p.employee_name {
        return Err(ExportError::NameMismatch {
            employee: p.employee_id.clone(),
            payroll_name: p.employee_name.clone(),
            hr_name: r.name.clone(),
        });
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// 工资表 and 工资条.

/// The sections of a payslip shown as line columns, in register order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Earnings,
    EmployeeContributions,
    IncomeTax,
    OtherDeductions,
}

impl Section {
    const ALL: [Section; 4] = [
        Section::Earnings,
        Section::EmployeeContributions,
        Section::IncomeTax,
        Section::OtherDeductions,
    ];

    fn lines(self, p: &Payslip) -> &[PayLine] {
        match self {
            Section::Earnings => &p.earnings,
            Section::EmployeeContributions => &p.employee_contributions,
            Section::IncomeTax => &p.income_tax,
            Section::OtherDeductions => &p.other_deductions,
        }
    }
}

/// The totals shown after the line columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Total {
    Gross,
    EmployeeContributions,
    IncomeTax,
    OtherDeductions,
    Net,
    EmployerContributions,
    EmployerCost,
}

impl Total {
    fn header(self) -> &'static str {
        match self {
            Total::Gross => "应发合计",
            Total::EmployeeContributions => "个人社保公积金合计",
            Total::IncomeTax => "个人所得税",
            Total::OtherDeductions => "其他扣款合计",
            Total::Net => "实发合计",
            Total::EmployerContributions => "单位社保公积金",
            Total::EmployerCost => "单位成本",
        }
    }

    fn of(self, p: &Payslip) -> Money {
        let t = &p.totals;
        match self {
            Total::Gross => t.gross,
            Total::EmployeeContributions => t.employee_contributions,
            Total::IncomeTax => t.income_tax,
            Total::OtherDeductions => t.other_deductions,
            Total::Net => t.net,
            Total::EmployerContributions => t.employer_contributions,
            Total::EmployerCost => t.employer_cost,
        }
    }
}

/// A register column.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Col {
    Month,
    Id,
    Name,
    Position,
    /// The lines of one section with this code and Chinese label (OT150 has two labels, one
    /// per working-time system; arrears lines name their source month in the label).
    Line {
        section: Section,
        code: String,
        label_zh: String,
    },
    Total(Total),
}

enum Value {
    Text(String),
    Money(Option<Money>),
}

impl Col {
    fn header(&self) -> &str {
        match self {
            Col::Month => "所属期",
            Col::Id => "工号",
            Col::Name => "姓名",
            Col::Position => "岗位",
            Col::Line { label_zh, .. } => label_zh,
            Col::Total(t) => t.header(),
        }
    }

    fn value(&self, p: &Payslip) -> Value {
        match self {
            Col::Month => Value::Text(p.month.to_string()),
            Col::Id => Value::Text(p.employee_id.clone()),
            Col::Name => Value::Text(p.employee_name.clone()),
            Col::Position => Value::Text(role_zh(p.position.name()).to_owned()),
            Col::Line {
                section,
                code,
                label_zh,
            } => Value::Money(sum_opt(
                section
                    .lines(p)
                    .iter()
                    .filter(|l| &l.code == code && &l.label_zh == label_zh)
                    .map(|l| l.amount),
            )),
            Col::Total(t) => Value::Money(Some(t.of(p))),
        }
    }
}

/// 工号, 姓名, 岗位, every line column in section order, then the totals.
fn register_columns(pay: &MonthPayroll) -> Vec<Col> {
    let mut cols = vec![Col::Id, Col::Name, Col::Position];
    for section in Section::ALL {
        let keys = merge_keys(pay.payslips.iter().map(|p| {
            section
                .lines(p)
                .iter()
                .map(|l| (l.code.clone(), l.label_zh.clone()))
                .collect::<Vec<_>>()
        }));
        cols.extend(keys.into_iter().map(|(code, label_zh)| Col::Line {
            section,
            code,
            label_zh,
        }));
    }
    let any_other = pay
        .payslips
        .iter()
        .any(|p| !p.other_deductions.is_empty() || !p.totals.other_deductions.is_zero());
    for t in [
        Total::Gross,
        Total::EmployeeContributions,
        Total::IncomeTax,
        Total::OtherDeductions,
        Total::Net,
        Total::EmployerContributions,
        Total::EmployerCost,
    ] {
        if t != Total::OtherDeductions || any_other {
            cols.push(Col::Total(t));
        }
    }
    cols
}

fn write_header(
    ws: &mut Worksheet,
    row: u32,
    cols: &[Col],
    st: &Styles,
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    for (c, col) in (0u16..).zip(cols) {
        let h = shown_header(col.header());
        ws.write_string_with_format(row, c, &h, &st.head)?;
        widths.fit_header(c, &h);
    }
    Ok(())
}

fn write_person(
    ws: &mut Worksheet,
    row: u32,
    cols: &[Col],
    p: &Payslip,
    st: &Styles,
    widths: &mut Widths,
) -> Result<(), XlsxError> {
    for (c, col) in (0u16..).zip(cols) {
        match col.value(p) {
            Value::Text(s) => {
                ws.write_string_with_format(row, c, &s, &st.text)?;
                widths.fit(c, &s);
            }
            Value::Money(Some(d)) => {
                write_money(ws, row, c, d, &st.money)?;
                widths.fit_money(c, d);
            }
            Value::Money(None) => {
                ws.write_blank(row, c, &st.text)?;
            }
        }
    }
    Ok(())
}

/// `数据来源：… · ` before a sheet's note line, or nothing.
fn source_prefix(source: Option<&str>) -> String {
    source.map_or_else(String::new, |s| format!("数据来源：{s} · "))
}

/// A second sheet, 数据来源, holding `source` (for files another program imports, whose
/// first sheet must stay as that program reads it).
fn source_sheet(wb: &mut Workbook, source: Option<&str>) -> Result<(), XlsxError> {
    if let Some(source) = source {
        let st = Styles::new();
        let ws = wb.add_worksheet();
        ws.set_name("数据来源")?;
        ws.write_string_with_format(0, 0, "数据来源", &st.title)?;
        ws.write_string_with_format(1, 0, source, &st.text)?;
        ws.set_column_width(0, 80)?;
    }
    Ok(())
}

/// The register (工资表) of a month: title, one row per person, a totals row (合计).
///
/// # Errors
/// [`ExportError::Xlsx`].
pub fn register(pay: &MonthPayroll) -> Result<Vec<u8>, ExportError> {
    register_from(pay, None)
}

/// [`register`] saying on the sheet which run it is (`source`, e.g. the approved run's id,
/// approver and time, or that it is a preview).
///
/// # Errors
/// [`ExportError::Xlsx`].
pub fn register_from(pay: &MonthPayroll, source: Option<&str>) -> Result<Vec<u8>, ExportError> {
    let cols = register_columns(pay);
    let st = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("工资表")?;
    let title = format!("{} 工资表", month_zh(pay.month));
    ws.write_string_with_format(0, 0, &title, &st.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{}共 {} 人 · 金额单位：元 · 实发合计 = 应发合计 − 个人社保公积金合计 − 个人所得税 − 其他扣款；单位成本 = 应发合计 + 单位社保公积金",
            source_prefix(source),
            pay.payslips.len()
        ),
        &st.note,
    )?;
    let head = 2u32;
    let first = head + 1;
    let mut widths = Widths::new();
    write_header(ws, head, &cols, &st, &mut widths)?;
    for (row, p) in (first..).zip(&pay.payslips) {
        write_person(ws, row, &cols, p, &st, &mut widths)?;
    }
    let last = first + pay.payslips.len() as u32 - 1;
    let total_row = first + pay.payslips.len() as u32;
    for (c, col) in (0u16..).zip(&cols) {
        match col {
            Col::Id => {
                ws.write_string_with_format(total_row, c, "合计", &st.total_label)?;
            }
            Col::Line { .. } | Col::Total(_) => {
                let total: Money = pay
                    .payslips
                    .iter()
                    .filter_map(|p| match col.value(p) {
                        Value::Money(v) => v,
                        Value::Text(_) => None,
                    })
                    .sum();
                write_sum(ws, total_row, c, (first, last), total, &st.total_money)?;
                widths.fit_money(c, total);
            }
            _ => {
                ws.write_blank(total_row, c, &st.total_label)?;
            }
        }
    }
    widths.apply(ws)?;
    let shown: Vec<String> = cols.iter().map(|c| shown_header(c.header())).collect();
    let headers: Vec<(u16, &str)> = (0u16..).zip(shown.iter().map(String::as_str)).collect();
    header_height(ws, head, &headers, &widths)?;
    ws.set_freeze_panes(first, 2)?;
    print_setup(ws, true, Some((head, head)), &title)?;
    Ok(wb.save_to_buffer()?)
}

/// Payslips (工资条) ready to cut: for each person the header row, their row, and a blank row
/// with a dashed cut line; page breaks fall between people only. The columns are the
/// register's with 所属期 in front and without 单位成本 (an internal cost figure, not pay).
///
/// # Errors
/// [`ExportError::Xlsx`].
pub fn payslips(pay: &MonthPayroll) -> Result<Vec<u8>, ExportError> {
    payslips_from(pay, None)
}

/// [`payslips`] saying under the title which run it is.
///
/// # Errors
/// [`ExportError::Xlsx`].
pub fn payslips_from(pay: &MonthPayroll, source: Option<&str>) -> Result<Vec<u8>, ExportError> {
    let mut cols = vec![Col::Month];
    cols.extend(
        register_columns(pay)
            .into_iter()
            .filter(|c| *c != Col::Total(Total::EmployerCost)),
    );
    let st = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("工资条")?;
    let title = format!("{} 工资条", month_zh(pay.month));
    ws.write_string_with_format(0, 0, &title, &st.title)?;
    if let Some(source) = source {
        ws.write_string_with_format(1, 0, format!("数据来源：{source}"), &st.note)?;
    }
    let mut widths = Widths::new();
    let first = 2u32;
    for (i, p) in pay.payslips.iter().enumerate() {
        let row = first + 3 * i as u32;
        write_header(ws, row, &cols, &st, &mut widths)?;
        write_person(ws, row + 1, &cols, p, &st, &mut widths)?;
        for c in 0..cols.len() as u16 {
            ws.write_blank(row + 2, c, &st.blank_cut)?;
        }
    }
    widths.apply(ws)?;
    let shown: Vec<String> = cols.iter().map(|c| shown_header(c.header())).collect();
    let headers: Vec<(u16, &str)> = (0u16..).zip(shown.iter().map(String::as_str)).collect();
    let lines = headers
        .iter()
        .map(|(c, h)| widths.header_lines(*c, h))
        .fold(1.0, f64::max);
    let head_height = 16.0 * lines + 4.0;
    for i in 0..pay.payslips.len() as u32 {
        ws.set_row_height(first + 3 * i, head_height)?;
    }
    // A fixed scale instead of fit-to-width, because Excel ignores manual page breaks under
    // fit-to-page: A4 landscape leaves about 988 px × 487 pt inside the default margins; 15 %
    // spare for programs that substitute a wider font for Calibri (WPS, LibreOffice).
    let scale = (0.85 * 988.0 / widths.pixels() * 100.0)
        .clamp(10.0, 100.0)
        .floor();
    let strip = head_height + 15.0 + 15.0;
    let per_page = ((487.0 * 100.0 / scale - 30.0) * 0.9 / strip)
        .floor()
        .max(1.0) as u32;
    let breaks: Vec<u32> = (1..pay.payslips.len() as u32)
        .filter(|i| i % per_page == 0)
        .map(|i| first + 3 * i)
        .collect();
    print_setup(ws, true, None, &title)?;
    ws.set_print_scale(scale as u16);
    ws.set_page_breaks(&breaks)?;
    ws.set_freeze_panes(1, 3)?;
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// 社保公积金台账.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Employer,
    Employee,
}

impl Side {
    fn zh(self) -> &'static str {
        match self {
            Side::Employer => "单位",
            Side::Employee => "个人",
        }
    }

    fn lines(self, p: &Payslip) -> &[PayLine] {
        match self {
            Side::Employer => &p.employer_contributions,
            Side::Employee => &p.employee_contributions,
        }
    }
}

/// The insurance (or fund) a contribution code belongs to: `SI_PENSION_ER` → `SI_PENSION`.
fn item_key(code: &str) -> &str {
    code.strip_suffix("_ER")
        .or_else(|| code.strip_suffix("_EE"))
        .unwrap_or(code)
}

/// `养老保险(单位)` → `养老保险`.
fn item_label(label_zh: &str) -> &str {
    ["(单位)", "(个人)", "（单位）", "（个人）"]
        .iter()
        .find_map(|s| label_zh.strip_suffix(s))
        .unwrap_or(label_zh)
}

/// An insurance or fund of the ledger, with the sides that occur.
struct LedgerItem {
    key: String,
    label: String,
    sides: Vec<Side>,
}

fn regular(lines: &[PayLine]) -> impl Iterator<Item = &PayLine> {
    lines.iter().filter(|l| l.source_month.is_none())
}

fn ledger_items(pay: &MonthPayroll) -> Vec<LedgerItem> {
    let keys = merge_keys(pay.payslips.iter().map(|p| {
        regular(&p.employer_contributions)
            .chain(regular(&p.employee_contributions))
            .map(|l| item_key(&l.code).to_owned())
            .collect::<Vec<_>>()
    }));
    keys.into_iter()
        .map(|key| {
            let mut label = None;
            let mut sides = Vec::new();
            for side in [Side::Employer, Side::Employee] {
                for l in pay
                    .payslips
                    .iter()
                    .flat_map(|p| regular(side.lines(p)))
                    .filter(|l| item_key(&l.code) == key)
                {
                    label.get_or_insert_with(|| item_label(&l.label_zh).to_owned());
                    if !sides.contains(&side) {
                        sides.push(side);
                    }
                }
            }
            LedgerItem {
                label: label.unwrap_or_else(|| key.clone()),
                key,
                sides,
            }
        })
        .collect()
}

/// The housing fund base of the payslip, from the engine's housing fund line.
fn housing_fund_base(p: &Payslip) -> Option<Money> {
    regular(&p.employer_contributions)
        .chain(regular(&p.employee_contributions))
        .filter(|l| l.code.starts_with("HPF"))
        .find_map(|l| l.inputs.get("base")?.parse::<Decimal>().ok())
}

enum LedgerCol {
    Text(&'static str, fn(&Payslip, &HrRecord) -> String, bool),
    Money(&'static str, fn(&Payslip) -> Option<Money>),
    Item(usize, Side),
    Arrears(Side),
    Total(&'static str, fn(&Payslip) -> Money),
}

/// The social insurance and housing fund ledger (社保公积金台账) of a month: one row per
/// person with the contribution bases and each item's employer and employee amounts, taken
/// from the engine's contribution lines (maternity is inside medical in Hainan, so no
/// separate 生育 column appears unless the engine produces one). Differences for earlier
/// months (arrears lines) go to 补缴/退费 columns.
///
/// # Errors
/// [`ExportError::MissingHr`] / [`ExportError::NameMismatch`] naming the employee, or
/// [`ExportError::Xlsx`].
pub fn ledger(pay: &MonthPayroll, hr: &[HrRecord]) -> Result<Vec<u8>, ExportError> {
    ledger_from(pay, hr, None)
}

/// [`ledger`] saying under the title which run it is.
///
/// # Errors
/// As [`ledger`].
pub fn ledger_from(
    pay: &MonthPayroll,
    hr: &[HrRecord],
    source: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    let records = pay
        .payslips
        .iter()
        .map(|p| hr_record(hr, p))
        .collect::<Result<Vec<_>, _>>()?;
    let items = ledger_items(pay);
    let has_arrears = |side: Side| {
        pay.payslips
            .iter()
            .any(|p| side.lines(p).iter().any(|l| l.source_month.is_some()))
    };
    let mut cols: Vec<LedgerCol> = vec![
        LedgerCol::Text("工号", |p, _| p.employee_id.clone(), false),
        LedgerCol::Text("姓名", |_, r| r.name.clone(), false),
        LedgerCol::Text("证件号码", |_, r| r.id_number.clone(), true),
        LedgerCol::Text("缴费月份", |p, _| p.month.to_string(), false),
        LedgerCol::Money("社保缴费基数", |p| Some(p.social_insurance_base)),
    ];
    if pay.payslips.iter().any(|p| housing_fund_base(p).is_some()) {
        cols.push(LedgerCol::Money("公积金缴费基数", housing_fund_base));
    }
    for (i, item) in items.iter().enumerate() {
        cols.extend(item.sides.iter().map(|s| LedgerCol::Item(i, *s)));
    }
    for side in [Side::Employer, Side::Employee] {
        if has_arrears(side) {
            cols.push(LedgerCol::Arrears(side));
        }
    }
    cols.push(LedgerCol::Total("单位合计", |p| {
        p.totals.employer_contributions
    }));
    cols.push(LedgerCol::Total("个人合计", |p| {
        p.totals.employee_contributions
    }));
    cols.push(LedgerCol::Total("总计", |p| {
        p.totals.employer_contributions + p.totals.employee_contributions
    }));

    let st = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("社保公积金台账")?;
    let title = format!("{} 社保公积金台账", month_zh(pay.month));
    ws.write_string_with_format(0, 0, &title, &st.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!("{}金额单位：元 · 缴费基数已按上下限封顶保底 · 医疗保险含生育保险 · 补缴/退费为以前月份的差额", source_prefix(source)),
        &st.note,
    )?;
    let (h1, h2) = (2u32, 3u32);
    let first = h2 + 1;
    let mut widths = Widths::new();
    let mut heads: Vec<(u16, String)> = Vec::new();
    let mut c = 0u16;
    while usize::from(c) < cols.len() {
        match &cols[usize::from(c)] {
            LedgerCol::Item(i, _) => {
                let item = &items[*i];
                let n = item.sides.len() as u16;
                if n > 1 {
                    ws.merge_range(h1, c, h1, c + n - 1, &item.label, &st.head)?;
                } else {
                    ws.write_string_with_format(h1, c, &item.label, &st.head)?;
                }
                for (k, side) in (0u16..).zip(&item.sides) {
                    ws.write_string_with_format(h2, c + k, side.zh(), &st.head)?;
                }
                // The sides share the label's width: it stays on one line.
                let per = (text_width(&item.label) + 2.0) / f64::from(n);
                for k in 0..n {
                    widths.fit_width(c + k, per.max(6.0));
                }
                if n == 1 {
                    heads.push((c, item.label.clone()));
                }
                c += n;
                continue;
            }
            LedgerCol::Arrears(side) => {
                ws.write_string_with_format(h1, c, "补缴/退费", &st.head)?;
                ws.write_string_with_format(h2, c, side.zh(), &st.head)?;
                widths.fit_header(c, "补缴/退费");
            }
            // Two rows tall: room for a header broken onto two lines.
            LedgerCol::Text(h, ..) | LedgerCol::Money(h, _) | LedgerCol::Total(h, _) => {
                let h = shown_header(h);
                ws.merge_range(h1, c, h2, c, &h, &st.head)?;
                widths.fit_header(c, &h);
            }
        }
        c += 1;
    }
    let money_of = |col: &LedgerCol, p: &Payslip| -> Option<Money> {
        match col {
            LedgerCol::Money(_, f) => f(p),
            LedgerCol::Item(i, side) => sum_opt(
                regular(side.lines(p))
                    .filter(|l| item_key(&l.code) == items[*i].key)
                    .map(|l| l.amount),
            ),
            LedgerCol::Arrears(side) => sum_opt(
                side.lines(p)
                    .iter()
                    .filter(|l| l.source_month.is_some())
                    .map(|l| l.amount),
            ),
            LedgerCol::Total(_, f) => Some(f(p)),
            LedgerCol::Text(..) => None,
        }
    };
    for ((row, p), r) in (first..).zip(&pay.payslips).zip(&records) {
        for (c, col) in (0u16..).zip(&cols) {
            if let LedgerCol::Text(_, f, id) = col {
                let s = f(p, r);
                ws.write_string_with_format(row, c, &s, if *id { &st.text_id } else { &st.text })?;
                widths.fit(c, &s);
            } else if let Some(d) = money_of(col, p) {
                write_money(ws, row, c, d, &st.money)?;
                widths.fit_money(c, d);
            } else {
                ws.write_blank(row, c, &st.text)?;
            }
        }
    }
    let n = pay.payslips.len() as u32;
    let total_row = first + n;
    for (c, col) in (0u16..).zip(&cols) {
        match col {
            LedgerCol::Text("姓名", ..) => {
                ws.write_string_with_format(total_row, c, "合计", &st.total_label)?;
            }
            // Bases are not added up.
            LedgerCol::Text(..) | LedgerCol::Money(..) => {
                ws.write_blank(total_row, c, &st.total_label)?;
            }
            _ => {
                let total: Money = pay.payslips.iter().filter_map(|p| money_of(col, p)).sum();
                write_sum(
                    ws,
                    total_row,
                    c,
                    (first, first + n - 1),
                    total,
                    &st.total_money,
                )?;
                widths.fit_money(c, total);
            }
        }
    }
    widths.apply(ws)?;
    let head_refs: Vec<(u16, &str)> = heads.iter().map(|(c, h)| (*c, h.as_str())).collect();
    header_height(ws, h1, &head_refs, &widths)?;
    ws.set_freeze_panes(first, 2)?;
    print_setup(ws, true, Some((h1, h2)), &title)?;
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// ITS import.

/// What an ITS import column is filled with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItsField {
    /// 工号.
    EmployeeId,
    /// 姓名 (as in hr.toml).
    Name,
    /// 证件类型.
    IdType,
    /// 证件号码, text.
    IdNumber,
    /// 本期收入: gross taxable wages of the month (see [`TaxFigures::income`]).
    Income,
    /// 本期免税收入: the engine has no tax-free earnings, so 0.
    TaxFreeIncome,
    /// 基本养老保险费, employee part.
    Pension,
    /// 基本医疗保险费, employee part.
    Medical,
    /// 失业保险费, employee part.
    Unemployment,
    /// 住房公积金, employee part.
    HousingFund,
    /// Left empty for the client.
    Blank,
}

/// One column of the import sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItsColumn {
    /// The header text, exactly as in the client's template (`*` marks a required column).
    pub header: String,
    /// What is written under it.
    pub field: ItsField,
}

/// A versioned ITS import layout (`templates/excel/*.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItsLayout {
    /// The client's template name, e.g. `正常工资薪金所得`.
    pub template: String,
    /// The sheet name the client looks for.
    pub sheet: String,
    /// This layout's version.
    pub layout_version: String,
    /// The client version it was checked against (or why it was not).
    pub client_version: String,
    /// Where the header list comes from.
    pub source: String,
    /// The columns in order.
    pub columns: Vec<ItsColumn>,
}

impl ItsLayout {
    /// Parses and checks a layout: headers non-empty and unique, the sheet name valid, and the
    /// required fields (name, document type and number, income) present once each.
    ///
    /// # Errors
    /// [`ExportError::Layout`].
    pub fn from_toml_str(text: &str) -> Result<Self, ExportError> {
        let layout: ItsLayout =
            toml::from_str(text).map_err(|e| ExportError::Layout(e.to_string()))?;
        rust_xlsxwriter::utility::check_sheet_name(&layout.sheet)
            .map_err(|e| ExportError::Layout(format!("sheet `{}`: {e}", layout.sheet)))?;
        for (i, c) in layout.columns.iter().enumerate() {
            if c.header.trim().is_empty() {
                return Err(ExportError::Layout(format!(
                    "column {} has no header",
                    i + 1
                )));
            }
            if layout.columns[..i].iter().any(|o| o.header == c.header) {
                return Err(ExportError::Layout(format!(
                    "header `{}` appears twice",
                    c.header
                )));
            }
        }
        for f in [
            ItsField::Name,
            ItsField::IdType,
            ItsField::IdNumber,
            ItsField::Income,
        ] {
            let n = layout.columns.iter().filter(|c| c.field == f).count();
            if n != 1 {
                return Err(ExportError::Layout(format!(
                    "field {f:?} must appear once, found {n} times"
                )));
            }
        }
        Ok(layout)
    }

    /// The wage-income layout shipped with the program ([`ITS_SALARY_LAYOUT`]).
    ///
    /// # Errors
    /// [`ExportError::Layout`] if the shipped file is broken.
    pub fn salary_income() -> Result<Self, ExportError> {
        Self::from_toml_str(ITS_SALARY_LAYOUT)
    }
}

/// The engine's figures of one row of the ITS wage import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaxFigures {
    /// 本期收入: gross (应发合计, arrears included: they are taxed in the month paid) less an
    /// annual bonus taxed separately (that goes on the 全年一次性奖金收入 template instead).
    pub income: Money,
    /// 基本养老保险费 (employee, arrears differences included, as the engine deducts them).
    pub pension: Money,
    /// 基本医疗保险费.
    pub medical: Money,
    /// 失业保险费.
    pub unemployment: Money,
    /// 住房公积金.
    pub housing_fund: Money,
}

/// The tax import figures of a payslip.
///
/// # Errors
/// [`ExportError::UnmappedContribution`] when an employee contribution line is none of the
/// four (so its amount would silently be missing from the special deductions).
pub fn tax_figures(p: &Payslip) -> Result<TaxFigures, ExportError> {
    let bonus_separate = p.income_tax.iter().any(|l| l.code == "IIT_BONUS");
    let bonus: Money = if bonus_separate {
        p.earnings
            .iter()
            .filter(|l| l.code == "BONUS")
            .map(|l| l.amount)
            .sum()
    } else {
        Decimal::ZERO
    };
    let mut f = TaxFigures {
        income: p.totals.gross - bonus,
        ..TaxFigures::default()
    };
    for l in &p.employee_contributions {
        let code = l.code.strip_prefix("ARR_").unwrap_or(&l.code);
        let slot = match code {
            "SI_PENSION_EE" => &mut f.pension,
            "SI_MEDICAL_EE" => &mut f.medical,
            "SI_UNEMPLOYMENT_EE" => &mut f.unemployment,
            "HPF_EE" => &mut f.housing_fund,
            _ => {
                return Err(ExportError::UnmappedContribution {
                    employee: p.employee_id.clone(),
                    code: l.code.clone(),
                })
            }
        };
        *slot += l.amount;
    }
    Ok(f)
}

/// The ITS import workbook (正常工资薪金所得) with the shipped layout: sheet
/// `正常工资薪金收入`, the header row, one row per employee, nothing else.
///
/// # Errors
/// [`ExportError::MissingHr`] naming an employee without an HR record, and the errors of
/// [`tax_import_with_layout`].
pub fn tax_import(pay: &MonthPayroll, hr: &[HrRecord]) -> Result<Vec<u8>, ExportError> {
    tax_import_with_layout(pay, hr, &ItsLayout::salary_income()?, None)
}

/// [`tax_import`] with a second sheet, 数据来源, saying which run it is (the import sheet
/// itself stays exactly as the tax client reads it).
///
/// # Errors
/// As [`tax_import`].
pub fn tax_import_from(
    pay: &MonthPayroll,
    hr: &[HrRecord],
    source: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    tax_import_with_layout(pay, hr, &ItsLayout::salary_income()?, source)
}

/// [`tax_import`] with another layout version.
///
/// # Errors
/// [`ExportError::MissingHr`], [`ExportError::NameMismatch`],
/// [`ExportError::UnmappedContribution`], [`ExportError::Xlsx`].
pub fn tax_import_with_layout(
    pay: &MonthPayroll,
    hr: &[HrRecord],
    layout: &ItsLayout,
    source: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    let rows = pay
        .payslips
        .iter()
        .map(|p| Ok((p, hr_record(hr, p)?, tax_figures(p)?)))
        .collect::<Result<Vec<_>, ExportError>>()?;
    let st = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&layout.sheet)?;
    let mut widths = Widths::new();
    for (c, col) in (0u16..).zip(&layout.columns) {
        ws.write_string_with_format(0, c, &col.header, &st.head)?;
        widths.fit_header(c, &col.header);
        widths.fit_width(c, 8.0);
    }
    for (row, (p, r, f)) in (1u32..).zip(&rows) {
        for (c, col) in (0u16..).zip(&layout.columns) {
            let text = match col.field {
                ItsField::EmployeeId => Some(p.employee_id.as_str()),
                ItsField::Name => Some(r.name.as_str()),
                ItsField::IdType => Some(r.id_type.as_str()),
                ItsField::IdNumber => Some(r.id_number.as_str()),
                _ => None,
            };
            let money = match col.field {
                ItsField::Income => Some(f.income),
                ItsField::TaxFreeIncome => Some(Decimal::ZERO),
                ItsField::Pension => Some(f.pension),
                ItsField::Medical => Some(f.medical),
                ItsField::Unemployment => Some(f.unemployment),
                ItsField::HousingFund => Some(f.housing_fund),
                _ => None,
            };
            if let Some(s) = text {
                ws.write_string_with_format(row, c, s, &st.text_id)?;
                widths.fit(c, s);
            } else if let Some(d) = money {
                write_money(ws, row, c, d, &st.money)?;
                widths.fit_money(c, d);
            } else {
                ws.write_blank(row, c, &st.text)?;
            }
        }
    }
    widths.apply(ws)?;
    let headers: Vec<(u16, &str)> = (0u16..)
        .zip(layout.columns.iter().map(|c| c.header.as_str()))
        .collect();
    header_height(ws, 0, &headers, &widths)?;
    ws.set_freeze_panes(1, 2)?;
    print_setup(
        ws,
        true,
        Some((0, 0)),
        &format!("{} {}", month_zh(pay.month), layout.template),
    )?;
    source_sheet(&mut wb, source)?;
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// Bank transfer.

/// The bank transfer list (银行代发清单): 姓名, 银行账号 (text), 开户银行, 金额 = net pay,
/// and a totals row. People with a net pay of zero are left out (a zero transfer is refused
/// by banks) and named in a note under the table.
///
/// # Errors
/// [`ExportError::MissingHr`] / [`ExportError::NameMismatch`], [`ExportError::NegativeNet`]
/// naming the employee, or [`ExportError::Xlsx`].
pub fn bank_transfer(pay: &MonthPayroll, hr: &[HrRecord]) -> Result<Vec<u8>, ExportError> {
    bank_transfer_from(pay, hr, None)
}

/// [`bank_transfer`] with a second sheet, 数据来源, saying which run it is (the transfer
/// sheet stays as the bank reads it).
///
/// # Errors
/// As [`bank_transfer`].
pub fn bank_transfer_from(
    pay: &MonthPayroll,
    hr: &[HrRecord],
    source: Option<&str>,
) -> Result<Vec<u8>, ExportError> {
    let mut rows = Vec::new();
    let mut zero = Vec::new();
    for p in &pay.payslips {
        let r = hr_record(hr, p)?;
        if p.totals.net < Decimal::ZERO {
            return Err(ExportError::NegativeNet {
                employee: p.employee_id.clone(),
                name: p.employee_name.clone(),
                net: p.totals.net,
            });
        }
        if p.totals.net.is_zero() {
            zero.push(format!("{} {}", p.employee_id, p.employee_name));
        } else {
            rows.push((p, r));
        }
    }
    let st = Styles::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("银行代发")?;
    let title = format!("{} 工资银行代发清单", month_zh(pay.month));
    ws.write_string_with_format(0, 0, &title, &st.title)?;
    let head = 1u32;
    let first = head + 1;
    let mut widths = Widths::new();
    for (c, h) in (0u16..).zip(["姓名", "银行账号", "开户银行", "金额"]) {
        ws.write_string_with_format(head, c, h, &st.head)?;
        widths.fit_header(c, h);
    }
    for (row, (p, r)) in (first..).zip(&rows) {
        ws.write_string_with_format(row, 0, &r.name, &st.text)?;
        ws.write_string_with_format(row, 1, &r.bank_account, &st.text_id)?;
        ws.write_string_with_format(row, 2, &r.bank, &st.text)?;
        write_money(ws, row, 3, p.totals.net, &st.money)?;
        widths.fit(0, &r.name);
        widths.fit(1, &r.bank_account);
        widths.fit(2, &r.bank);
        widths.fit_money(3, p.totals.net);
    }
    let n = rows.len() as u32;
    let total_row = first + n;
    let total: Money = rows.iter().map(|(p, _)| p.totals.net).sum();
    ws.write_string_with_format(total_row, 0, format!("合计（{n} 笔）"), &st.total_label)?;
    ws.write_blank(total_row, 1, &st.total_label)?;
    ws.write_blank(total_row, 2, &st.total_label)?;
    write_sum(
        ws,
        total_row,
        3,
        (first, first + n - 1),
        total,
        &st.total_money,
    )?;
    widths.fit(0, &format!("合计（{n} 笔）"));
    widths.fit_money(3, total);
    if !zero.is_empty() {
        ws.write_string_with_format(
            total_row + 2,
            0,
            format!("实发为 0、未列入：{}", zero.join("、")),
            &st.note,
        )?;
    }
    widths.apply(ws)?;
    ws.set_freeze_panes(first, 0)?;
    print_setup(ws, false, Some((head, head)), &title)?;
    source_sheet(&mut wb, source)?;
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// 坐席人工费合规.

/// Headcount of one month for the purchaser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthHeadcount {
    /// Month.
    pub month: Month,
    /// Staff on post (在岗), reserve excluded.
    pub on_post: u32,
    /// Reserve staff (预备人员).
    pub reserve: u32,
    /// Person-days of the month, when counted day by day (employment dates).
    #[serde(default)]
    pub days: Option<HeadcountDays>,
}

/// A month's headcount counted day by day: everyone's days employed in the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HeadcountDays {
    /// Person-days on post (reserve excluded).
    pub on_post_days: u32,
    /// Contracted seats × days of the month.
    pub seat_days: u32,
    /// Seat-days without a person on post (0 when on post ≥ seats).
    pub vacancy_days: u32,
    /// The reserve's person-days.
    pub reserve_days: u32,
}

/// Everything the purchaser's compliance workbook shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceInput {
    /// Contract year.
    pub year: i32,
    /// Annual seat labour cost floor, from `policy.contract_cost.floor_on(date)?.annual`.
    pub floor: Money,
    /// Where the floor comes from (the floor row's `provenance.source`).
    pub floor_source: String,
    /// The months computed so far, ascending.
    pub months: Vec<MonthCost>,
    /// The annual view of the same months (`payroll::seat_cost_year`).
    pub year_view: SeatCostYear,
    /// Headcount per month, one per entry of `months`.
    pub headcount: Vec<MonthHeadcount>,
    /// Seats of the contract (52).
    pub contracted_heads: u32,
    /// Which runs the months are (e.g. `实际：批次 #3，hr 2026-04-05 审批`), one per entry of
    /// `months`; empty: not said.
    #[serde(default)]
    pub sources: Vec<String>,
    /// What each month of the year is, January to December: `实际…` or `预计…`; empty: not
    /// said.
    #[serde(default)]
    pub basis: Vec<String>,
    /// The line under the title saying what the workbook was computed from.
    #[serde(default)]
    pub note: Option<String>,
}

/// The cumulative floor line after `months` months: floor × months ÷ 12, to the fen.
#[must_use]
pub fn floor_line(floor: Money, months: u32) -> Money {
    payroll::round_fen(floor * Decimal::from(months) / Decimal::from(12))
}

impl ComplianceInput {
    fn check(&self) -> Result<(), ExportError> {
        let bad = |m: String| Err(ExportError::Compliance(m));
        if self.months.is_empty() {
            return bad("no month computed".into());
        }
        for (i, m) in self.months.iter().enumerate() {
            if m.month.year() != self.year {
                return bad(format!("month {} is not of {}", m.month, self.year));
            }
            if i > 0 && m.month <= self.months[i - 1].month {
                return bad(format!("month {} is out of order or repeated", m.month));
            }
        }
        let y = &self.year_view;
        if y.year != self.year || y.floor != self.floor {
            return bad(format!(
                "the annual view is for {} with floor {}, not {} with floor {}",
                y.year, y.floor, self.year, self.floor
            ));
        }
        if y.months.len() != self.months.len()
            || y.months
                .iter()
                .zip(&self.months)
                .any(|(r, m)| r.month != m.month || r.seat_labour_cost != m.seat_labour_cost)
        {
            return bad("the annual view's months differ from the month costs".into());
        }
        let sum: Money = self.months.iter().map(|m| m.seat_labour_cost).sum();
        if sum != y.year_to_date {
            return bad(format!(
                "the months add up to {sum}, the annual view's year to date is {}",
                y.year_to_date
            ));
        }
        if self.headcount.len() != self.months.len()
            || self
                .headcount
                .iter()
                .zip(&self.months)
                .any(|(h, m)| h.month != m.month)
        {
            return bad("headcount must have one entry per computed month, in order".into());
        }
        Ok(())
    }
}

/// The purchaser's workbook (坐席人工费合规): one row per computed month with wages, employer
/// social insurance and housing fund, the five management items, the month's seat labour cost,
/// the cumulative cost against the cumulative floor line (floor × months ÷ 12: the floor spread
/// evenly, reaching the annual floor in December) and headcount against the contracted seats;
/// below, the year to date, the projection and the margin against the annual floor, and a line
/// chart of cumulative cost, projection and floor line over the twelve months.
///
/// Employer social insurance is one column: [`MonthCost`] carries only its total, and the
/// split per insurance is on each month's [`ledger`].
///
/// # Errors
/// [`ExportError::Compliance`] when the months, annual view and headcount disagree, or
/// [`ExportError::Xlsx`].
pub fn compliance(input: &ComplianceInput) -> Result<Vec<u8>, ExportError> {
    input.check()?;
    let y = &input.year_view;
    let items = merge_keys(input.months.iter().map(|m| {
        m.items
            .iter()
            .map(|l| (l.code.clone(), l.label_zh.clone()))
            .collect::<Vec<_>>()
    }));
    let item_amount = |m: &MonthCost, code: &str| -> Option<Money> {
        sum_opt(m.items.iter().filter(|l| l.code == code).map(|l| l.amount))
    };

    let st = Styles::new();
    let mut wb = Workbook::new();
    let name = "坐席人工费合规";
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let title = format!("{}年 坐席人工费合规台账", input.year);
    ws.write_string_with_format(0, 0, &title, &st.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{}年度保底 {} · 保底线 = 年度保底 × 月数 ÷ 12（按月平均累计，12月达到年度保底）· 坐席人工费 = 人员费用（工资 + 单位社保 + 单位公积金）+ 管理费用 · 合同坐席 {} 人",
            source_prefix(input.note.as_deref()),
            money_text(input.floor),
            input.contracted_heads
        ),
        &st.note,
    )?;

    // Columns.
    let mut headers: Vec<String> = [
        "月份",
        "计薪人数",
        "在岗人数",
        "预备人员",
        "合同坐席",
        "在岗−合同",
        "工资总额",
        "单位社会保险",
        "单位住房公积金",
        "人员费用",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let first_item = headers.len() as u16;
    headers.extend(items.iter().map(|(_, label)| label.clone()));
    let fixed_tail = [
        "管理费用合计",
        "坐席人工费（当月）",
        "累计坐席人工费",
        "保底线（累计）",
        "累计差额",
    ];
    let tail0 = headers.len() as u16;
    headers.extend(fixed_tail.iter().map(|s| (*s).to_owned()));
    let (c_mgmt, c_month, c_cum, c_floor, c_diff) =
        (tail0, tail0 + 1, tail0 + 2, tail0 + 3, tail0 + 4);
    let c_source = tail0 + 5;
    if !input.sources.is_empty() {
        headers.push("数据来源".to_owned());
    }
    // Person-days, after everything else so the columns above keep their places.
    let c_days = headers.len() as u16;
    let with_days = input.headcount.iter().any(|h| h.days.is_some());
    if with_days {
        headers.extend(
            ["在岗人日", "合同坐席人日", "空缺人日", "预备人日"]
                .iter()
                .map(|s| (*s).to_owned()),
        );
    }

    let headers: Vec<String> = headers.iter().map(|h| shown_header(h)).collect();
    let head = 2u32;
    let first = head + 1;
    let mut widths = Widths::new();
    for (c, h) in (0u16..).zip(&headers) {
        ws.write_string_with_format(head, c, h, &st.head)?;
        widths.fit_header(c, h);
    }
    let short_count = st.count.clone().set_background_color(Color::RGB(0xFFC7CE));
    let mut sums: BTreeMap<u16, Money> = BTreeMap::new();
    for (i, ((row, m), h)) in (first..)
        .zip(&input.months)
        .zip(&input.headcount)
        .enumerate()
    {
        let elapsed = m.month.month();
        let cum = y.months[i].year_to_date;
        let line = floor_line(input.floor, elapsed);
        ws.write_string_with_format(row, 0, m.month.to_string(), &st.text)?;
        widths.fit(0, &m.month.to_string());
        ws.write_number_with_format(row, 1, m.headcount, &st.count)?;
        let on_post_fmt = if h.on_post < input.contracted_heads {
            &short_count
        } else {
            &st.count
        };
        ws.write_number_with_format(row, 2, h.on_post, on_post_fmt)?;
        ws.write_number_with_format(row, 3, h.reserve, &st.count)?;
        ws.write_number_with_format(row, 4, input.contracted_heads, &st.count)?;
        ws.write_number_with_format(
            row,
            5,
            f64::from(h.on_post) - f64::from(input.contracted_heads),
            &st.signed,
        )?;
        let mut money: Vec<(u16, Money)> = vec![
            (6, m.wages),
            (7, m.employer_social_insurance),
            (8, m.employer_housing_fund),
            (9, m.personnel_cost),
            (c_mgmt, m.management_cost),
            (c_month, m.seat_labour_cost),
        ];
        for (k, (code, _)) in (0u16..).zip(&items) {
            if let Some(v) = item_amount(m, code) {
                money.push((first_item + k, v));
            }
        }
        for (c, v) in money {
            write_money(ws, row, c, v, &st.money)?;
            widths.fit_money(c, v);
            *sums.entry(c).or_default() += v;
        }
        for (c, v) in [(c_cum, cum), (c_floor, line), (c_diff, cum - line)] {
            write_money(ws, row, c, v, &st.money)?;
            widths.fit_money(c, v);
        }
        if let Some(source) = input.sources.get(i) {
            ws.write_string_with_format(row, c_source, source, &st.text)?;
            widths.fit(c_source, source);
        }
        if let Some(d) = h.days {
            for (k, v) in [d.on_post_days, d.seat_days, d.vacancy_days, d.reserve_days]
                .into_iter()
                .enumerate()
            {
                let f = if k == 2 && v > 0 {
                    &short_count
                } else {
                    &st.count
                };
                ws.write_number_with_format(row, c_days + k as u16, v, f)?;
            }
        }
    }
    let n = input.months.len() as u32;
    let last = first + n - 1;
    let total_row = last + 1;
    for c in 0..headers.len() as u16 {
        match sums.get(&c) {
            Some(total) => write_sum(ws, total_row, c, (first, last), *total, &st.total_money)?,
            None if c == 0 => {
                ws.write_string_with_format(total_row, c, "合计", &st.total_label)?;
            }
            None => {
                ws.write_blank(total_row, c, &st.total_label)?;
            }
        }
    }

    // Summary.
    let mut row = total_row + 2;
    ws.write_string_with_format(row, 0, "年度测算", &st.title)?;
    row += 1;
    let latest = y.latest_month;
    let label_w = 3u16; // label merged over columns 0..=3, value in column 4..=6
    let summary: Vec<(String, Result<Money, String>)> = vec![
        ("年度保底（合同）".into(), Ok(input.floor)),
        (format!("截至{}累计", month_zh(latest)), Ok(y.year_to_date)),
        (
            format!("保底线（截至{}，{}/12）", month_zh(latest), latest.month()),
            Ok(floor_line(input.floor, latest.month())),
        ),
        ("月度运行值（最近一月）".into(), Ok(y.run_rate)),
        (
            "剩余月份".into(),
            Err(format!("{} 个月", y.remaining_months)),
        ),
        ("全年预计".into(), Ok(y.projected_year)),
        ("预计差额（全年预计 − 年度保底）".into(), Ok(y.margin)),
        (
            "结论".into(),
            Err(if y.meets_floor {
                "达标：全年预计不低于年度保底".into()
            } else {
                "未达标：全年预计低于年度保底".into()
            }),
        ),
    ];
    let verdict_fmt = st.text.clone().set_bold().set_font_color(if y.meets_floor {
        Color::RGB(0x006100)
    } else {
        Color::RGB(0xC00000)
    });
    for (label, value) in &summary {
        ws.merge_range(row, 0, row, label_w, label, &st.total_label)?;
        match value {
            Ok(v) => {
                ws.merge_range(row, label_w + 1, row, label_w + 3, "", &st.money)?;
                write_money(ws, row, label_w + 1, *v, &st.money)?;
            }
            Err(text) => {
                let f = if label == "结论" {
                    &verdict_fmt
                } else {
                    &st.text
                };
                ws.merge_range(row, label_w + 1, row, label_w + 3, text, f)?;
            }
        }
        row += 1;
    }
    let notes = [
        format!(
            "计算：全年预计 = 累计 {} + 月度运行值 {} × 剩余 {} 个月 = {}；差额 = {} − 保底 {} = {}",
            money_text(y.year_to_date),
            money_text(y.run_rate),
            y.remaining_months,
            money_text(y.projected_year),
            money_text(y.projected_year),
            money_text(input.floor),
            money_text(y.margin)
        ),
        format!("保底来源：{}", input.floor_source),
        "单位社会保险为养老、医疗（含生育）、失业、工伤之单位部分合计；分险种明细见各月社保公积金台账。".to_owned(),
    ];
    for note in &notes {
        ws.write_string_with_format(row, 0, note, &st.note)?;
        row += 1;
    }

    // Chart data: twelve months of cumulative cost, projection and floor line, under the money
    // columns of the table (so the narrow headcount columns stay narrow), the chart beside it.
    row += 1;
    let dc = 6u16;
    ws.write_string_with_format(row, dc, "图表数据（累计）", &st.title)?;
    row += 1;
    let chart_head = row;
    let chart_heads: &[&str] = if input.basis.is_empty() {
        &["月份", "累计坐席人工费", "预计累计", "保底线"]
    } else {
        &["月份", "累计坐席人工费", "预计累计", "保底线", "依据"]
    };
    for (c, h) in (dc..).zip(chart_heads.iter().copied()) {
        ws.write_string_with_format(chart_head, c, h, &st.head)?;
        widths.fit_header(c, h);
    }
    let data_first = chart_head + 1;
    for m in 1..=12u32 {
        let r = data_first + m - 1;
        ws.write_string_with_format(r, dc, format!("{m}月"), &st.text)?;
        match y.months.iter().find(|x| x.month.month() == m) {
            Some(x) => write_money(ws, r, dc + 1, x.year_to_date, &st.money)?,
            None => {
                ws.write_blank(r, dc + 1, &st.text)?;
            }
        }
        if m >= latest.month() {
            let ahead = Decimal::from(m - latest.month());
            write_money(
                ws,
                r,
                dc + 2,
                y.year_to_date + y.run_rate * ahead,
                &st.money,
            )?;
        } else {
            ws.write_blank(r, dc + 2, &st.text)?;
        }
        write_money(ws, r, dc + 3, floor_line(input.floor, m), &st.money)?;
        if let Some(b) = input.basis.get(m as usize - 1) {
            ws.write_string_with_format(r, dc + 4, b, &st.text)?;
        }
    }
    let data_last = data_first + 11;
    let top = y.projected_year.max(input.floor);
    for c in dc + 1..=dc + 3 {
        widths.fit_money(c, top);
    }

    let mut chart = Chart::new(ChartType::Line);
    chart
        .title()
        .set_name(&format!("{}年 累计坐席人工费与保底线", input.year));
    chart
        .add_series()
        .set_name("累计坐席人工费")
        .set_categories((name, data_first, dc, data_last, dc))
        .set_values((name, data_first, dc + 1, data_last, dc + 1))
        .set_marker(
            ChartMarker::new()
                .set_type(ChartMarkerType::Circle)
                .set_size(7)
                .set_format(ChartSolidFill::new().set_color(Color::RGB(0x2F5597))),
        )
        .set_format(
            ChartLine::new()
                .set_color(Color::RGB(0x2F5597))
                .set_width(2.5),
        );
    chart
        .add_series()
        .set_name("预计累计")
        .set_categories((name, data_first, dc, data_last, dc))
        .set_values((name, data_first, dc + 2, data_last, dc + 2))
        .set_format(
            ChartLine::new()
                .set_color(Color::RGB(0x8FAADC))
                .set_width(2.0)
                .set_dash_type(ChartLineDashType::Dash),
        );
    chart
        .add_series()
        .set_name("保底线（年度保底 × 月数 ÷ 12）")
        .set_categories((name, data_first, dc, data_last, dc))
        .set_values((name, data_first, dc + 3, data_last, dc + 3))
        .set_format(
            ChartFormat::new().set_line(
                ChartLine::new()
                    .set_color(Color::RGB(0xC00000))
                    .set_width(1.5),
            ),
        );
    chart.y_axis().set_num_format("¥#,##0");
    chart.y_axis().set_min(0);
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.show_empty_cells_as(ChartEmptyCells::Gaps);
    chart.set_width(760).set_height(340);
    let chart_col = if input.basis.is_empty() {
        dc + 5
    } else {
        dc + 6
    };
    ws.insert_chart(chart_head - 1, chart_col, &chart)?;

    widths.apply(ws)?;
    let head_refs: Vec<(u16, &str)> = (0u16..).zip(headers.iter().map(String::as_str)).collect();
    header_height(ws, head, &head_refs, &widths)?;
    ws.set_freeze_panes(first, 1)?;
    print_setup(ws, true, Some((head, head)), &title)?;
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader};
    use payroll::{
        compute_month, month_cost, seat_cost_year, CostMonthTotal, EmployeeMonth, IitYearToDate,
        Policy, PolicyTexts,
    };
    use rust_decimal::prelude::FromPrimitive as _;
    use rust_decimal::RoundingStrategy;
    use serde_json::json;

    use super::*;
    use crate::hr::HrFile;

    macro_rules! data {
        ($f:literal) => {
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/payroll/", $f))
        };
    }

    fn policy() -> Policy {
        Policy::from_toml_strs(&PolicyTexts {
            social_insurance: data!("social-insurance.toml"),
            housing_fund: data!("housing-fund.toml"),
            minimum_wage: data!("minimum-wage.toml"),
            iit: data!("iit.toml"),
            pay_structure: data!("pay-structure.toml"),
            performance: data!("performance.toml"),
            contract_cost: data!("contract-cost.toml"),
        })
        .unwrap()
    }

    fn demo_hr() -> Vec<HrRecord> {
        HrFile::from_toml_str(include_str!("../../../data/demo/hr.toml"))
            .unwrap()
            .employees
    }

    fn kpi() -> serde_json::Value {
        json!({ "answer_rate": "91", "satisfaction": "93", "qa_score": "90",
                "callback_timeliness": "88", "attendance": "100" })
    }

    /// Five demo staff of four positions. February 2026 (16 working days, 128 h, 16-19 Feb
    /// statutory): an agent on comprehensive hours who worked the Spring Festival and eight
    /// nights (ID sequence 002: leading zeros), a team leader with holiday hours and nights (ID
    /// ending in X), a second agent (passbook account starting with 0), an analyst on standard
    /// hours with a rest day worked, a quarter day of personal leave and a canteen deduction,
    /// and the manager with a separately taxed annual bonus. January (21 days, 168 h) is paid
    /// first so February's income tax is cumulative.
    fn inputs(month: u32, ytd: &BTreeMap<String, IitYearToDate>) -> Vec<EmployeeMonth> {
        let feb = month == 2;
        let (days, hours) = if feb { (16, "128") } else { (21, "168") };
        let people = [
            (
                json!({ "id": "A005", "name": "冯文斌", "position": "agent", "pay_grade": 1,
                        "working_time": "comprehensive", "hired_on": "2024-03-01" }),
                if feb {
                    json!({ "ordinary_day_hours": "120", "rest_day_hours": "24",
                            "statutory_holiday_hours": "24", "night_shifts": 8 })
                } else {
                    json!({ "ordinary_day_hours": "168", "night_shifts": 7 })
                },
                json!({}),
            ),
            (
                json!({ "id": "A007", "name": "赵国栋", "position": "agent", "pay_grade": 2,
                        "working_time": "comprehensive", "hired_on": "2023-06-01" }),
                json!({ "ordinary_day_hours": hours, "night_shifts": 6 }),
                json!({}),
            ),
            (
                json!({ "id": "M001", "name": "王海燕", "position": "manager", "pay_grade": 1,
                        "working_time": "standard", "hired_on": "2021-01-01" }),
                json!({ "ordinary_day_hours": hours }),
                if feb {
                    json!({ "annual_bonus": "20000" })
                } else {
                    json!({})
                },
            ),
            (
                json!({ "id": "S001", "name": "赵晨曦", "position": "analyst", "pay_grade": 1,
                        "working_time": "standard", "hired_on": "2023-09-01",
                        "iit": { "special_deductions_monthly": "2000" } }),
                if feb {
                    json!({ "ordinary_day_hours": "126", "rest_day_hours": "8",
                            "leave": { "personal": "0.25" } })
                } else {
                    json!({ "ordinary_day_hours": "168" })
                },
                if feb {
                    json!({ "other_deductions": [{ "code": "CANTEEN", "label_zh": "食堂餐费",
                        "label_en": "Canteen meals", "amount": "120.00" }] })
                } else {
                    json!({})
                },
            ),
            (
                json!({ "id": "T002", "name": "胡丽娜", "position": "team_leader", "pay_grade": 1,
                        "working_time": "comprehensive", "hired_on": "2022-05-01" }),
                if feb {
                    json!({ "ordinary_day_hours": "128", "statutory_holiday_hours": "12",
                            "night_shifts": 4 })
                } else {
                    json!({ "ordinary_day_hours": "168", "night_shifts": 5 })
                },
                json!({}),
            ),
        ];
        people
            .into_iter()
            .map(|(employee, sheet, extra)| {
                let mut ts = json!({ "standard_hours_of_month": hours,
                    "scheduled_working_days_of_month": days, "working_days_employed": days,
                    "kpi": kpi() });
                for (k, v) in sheet.as_object().unwrap() {
                    ts[k] = v.clone();
                }
                let id = employee["id"].as_str().unwrap().to_owned();
                let mut input = json!({ "employee": employee, "time_sheet": ts,
                    "iit_year_to_date": ytd.get(&id).cloned().unwrap_or_default() });
                for (k, v) in extra.as_object().unwrap() {
                    input[k] = v.clone();
                }
                serde_json::from_value(input).unwrap()
            })
            .collect()
    }

    struct Fixture {
        policy: Policy,
        jan: MonthPayroll,
        feb: MonthPayroll,
        hr: Vec<HrRecord>,
    }

    fn fixture() -> Fixture {
        let policy = policy();
        let jan = compute_month(
            &policy,
            Month::new(2026, 1).unwrap(),
            &inputs(1, &BTreeMap::new()),
        )
        .unwrap();
        let ytd = jan
            .payslips
            .iter()
            .map(|p| (p.employee_id.clone(), p.iit.year_to_date_after.clone()))
            .collect();
        let feb = compute_month(&policy, Month::new(2026, 2).unwrap(), &inputs(2, &ytd)).unwrap();
        Fixture {
            policy,
            jan,
            feb,
            hr: demo_hr(),
        }
    }

    /// A sheet as a grid of cells from A1.
    fn grid(bytes: &[u8], sheet: &str) -> Vec<Vec<Data>> {
        let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
        let range = wb.worksheet_range(sheet).unwrap();
        let (r0, c0) = range.start().unwrap();
        let (r1, c1) = range.end().unwrap();
        let mut out = vec![vec![Data::Empty; c1 as usize + 1]; r1 as usize + 1];
        for (r, row) in range.rows().enumerate() {
            for (c, v) in row.iter().enumerate() {
                out[r0 as usize + r][c0 as usize + c] = v.clone();
            }
        }
        out
    }

    fn sheet_names(bytes: &[u8]) -> Vec<String> {
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
            .unwrap()
            .sheet_names()
    }

    fn text(d: &Data) -> &str {
        match d {
            Data::String(s) => s,
            other => panic!("expected text, found {other:?}"),
        }
    }

    /// A money cell read back, to the fen; `None` when empty.
    fn money(d: &Data) -> Option<Decimal> {
        match d {
            Data::Float(f) => Some(
                Decimal::from_f64(*f)
                    .unwrap()
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
            ),
            Data::Int(i) => Some(Decimal::from(*i)),
            Data::Empty => None,
            other => panic!("expected a number, found {other:?}"),
        }
    }

    fn row_of(g: &[Vec<Data>], col: usize, key: &str) -> usize {
        g.iter()
            .position(|r| matches!(r.get(col), Some(Data::String(s)) if s == key))
            .unwrap_or_else(|| panic!("no row with `{key}` in column {col}"))
    }

    /// A header row exactly as written.
    fn headers(g: &[Vec<Data>], row: usize) -> Vec<String> {
        g[row]
            .iter()
            .map(|d| match d {
                Data::String(s) => s.clone(),
                _ => String::new(),
            })
            .collect()
    }

    /// A header row with the display line breaks of long headers taken out.
    fn flat_headers(g: &[Vec<Data>], row: usize) -> Vec<String> {
        headers(g, row)
            .iter()
            .map(|h| h.replace('\n', ""))
            .collect()
    }

    fn lines_of(p: &Payslip) -> impl Iterator<Item = &PayLine> {
        p.earnings
            .iter()
            .chain(&p.employee_contributions)
            .chain(&p.income_tax)
            .chain(&p.other_deductions)
    }

    /// What the engine says a register column holds for a payslip: a total, or the sum of the
    /// lines with that Chinese label (`None` when the person has no such line).
    fn engine_value(p: &Payslip, header: &str) -> Option<Decimal> {
        let t = &p.totals;
        match header {
            "应发合计" => Some(t.gross),
            "个人社保公积金合计" => Some(t.employee_contributions),
            "个人所得税" => Some(t.income_tax),
            "其他扣款合计" => Some(t.other_deductions),
            "实发合计" => Some(t.net),
            "单位社保公积金" => Some(t.employer_contributions),
            "单位成本" => Some(t.employer_cost),
            label => {
                let amounts: Vec<Decimal> = lines_of(p)
                    .filter(|l| l.label_zh == label)
                    .map(|l| l.amount)
                    .collect();
                (!amounts.is_empty()).then(|| amounts.iter().sum())
            }
        }
    }

    const SUMMARY: [&str; 7] = [
        "应发合计",
        "个人社保公积金合计",
        "个人所得税",
        "其他扣款合计",
        "实发合计",
        "单位社保公积金",
        "单位成本",
    ];

    #[test]
    fn register_holds_every_engine_line_and_totals_to_the_fen() {
        let f = fixture();
        let pay = &f.feb;
        let bytes = register(pay).unwrap();
        assert_eq!(sheet_names(&bytes), ["工资表"]);
        let g = grid(&bytes, "工资表");
        assert!(text(&g[0][0]).contains("2026年02月"));
        let head = row_of(&g, 0, "工号");
        let h = flat_headers(&g, head);
        assert_eq!(&h[..3], ["工号", "姓名", "岗位"]);
        // The fixture exercises the holiday, night, bonus, leave and after-tax lines.
        for label in [
            "基本工资",
            "法定节假日加班工资(300%)",
            "全年一次性奖金",
            "养老保险(个人)",
            "住房公积金(个人)",
            "个人所得税(工资薪金)",
            "个人所得税(全年一次性奖金单独计税)",
            "食堂餐费",
        ] {
            assert!(h.iter().any(|x| x == label), "no column {label} in {h:?}");
        }
        let night = pay.payslips[0]
            .earnings
            .iter()
            .find(|l| l.code == "NIGHT")
            .expect("the agent worked nights");
        assert!(h.contains(&night.label_zh));
        // Section order: earnings, employee contributions, tax, other deductions, totals.
        let at = |label: &str| h.iter().position(|x| x == label).unwrap();
        assert!(at("基本工资") < at("养老保险(个人)"));
        assert!(at("全年一次性奖金") < at("养老保险(个人)"));
        assert!(at("住房公积金(个人)") < at("个人所得税(工资薪金)"));
        assert!(at("个人所得税(全年一次性奖金单独计税)") < at("食堂餐费"));
        assert!(at("食堂餐费") < at("应发合计"));
        assert_eq!(&h[h.len() - 7..], SUMMARY);
        // Every engine line has its column.
        for p in &pay.payslips {
            for l in lines_of(p) {
                assert!(
                    h.contains(&l.label_zh),
                    "{} {} has no column",
                    p.employee_id,
                    l.code
                );
            }
        }
        // Each person's cells are the engine's figures, blank where the person has no line.
        for p in &pay.payslips {
            let r = row_of(&g, 0, &p.employee_id);
            assert_eq!(text(&g[r][1]), p.employee_name);
            for (c, header) in h.iter().enumerate().skip(3) {
                assert_eq!(
                    money(&g[r][c]),
                    engine_value(p, header),
                    "{} {header}",
                    p.employee_id
                );
            }
        }
        // The totals row: the sum of the people's engine figures, and the month's totals.
        let t = row_of(&g, 0, "合计");
        assert_eq!(t, head + 1 + pay.payslips.len());
        for (c, header) in h.iter().enumerate().skip(3) {
            let sum: Decimal = pay
                .payslips
                .iter()
                .filter_map(|p| engine_value(p, header))
                .sum();
            assert_eq!(money(&g[t][c]), Some(sum), "total of {header}");
        }
        let totals = &pay.totals;
        for (header, v) in [
            ("应发合计", totals.gross),
            ("个人所得税", totals.income_tax),
            ("实发合计", totals.net),
            ("单位成本", totals.employer_cost),
        ] {
            assert_eq!(money(&g[t][at(header)]), Some(v), "{header}");
        }
    }

    #[test]
    fn payslips_repeat_the_header_above_each_person_with_a_blank_row_between() {
        let f = fixture();
        let pay = &f.feb;
        let reg = grid(&register(pay).unwrap(), "工资表");
        let reg_head = flat_headers(&reg, row_of(&reg, 0, "工号"));
        let g = grid(&payslips(pay).unwrap(), "工资条");
        let header_rows: Vec<usize> = (0..g.len())
            .filter(|&r| matches!(&g[r][1], Data::String(s) if s == "工号"))
            .collect();
        assert_eq!(header_rows.len(), pay.payslips.len());
        for (i, p) in pay.payslips.iter().enumerate() {
            let r = row_of(&g, 1, &p.employee_id);
            assert_eq!(
                r,
                header_rows[i] + 1,
                "{}: header right above",
                p.employee_id
            );
            let h = flat_headers(&g, r - 1);
            assert_eq!(h[0], "所属期");
            assert_eq!(
                &h[1..],
                &reg_head[..reg_head.len() - 1],
                "the register's columns"
            );
            assert_eq!(reg_head.last().unwrap(), "单位成本", "left off the payslip");
            assert_eq!(text(&g[r][0]), "2026-02");
            for (c, header) in h.iter().enumerate().skip(4) {
                assert_eq!(money(&g[r][c]), engine_value(p, header), "{header}");
            }
            if i + 1 < pay.payslips.len() {
                assert!(
                    g[r + 1].iter().all(|d| *d == Data::Empty),
                    "blank row after {i}"
                );
                assert_eq!(header_rows[i + 1], r + 2);
            }
        }
    }

    /// The engine's contribution codes and the ledger group each belongs to.
    const ITEMS: [(&str, &str); 5] = [
        ("SI_PENSION", "养老保险"),
        ("SI_MEDICAL", "医疗保险(含生育)"),
        ("SI_UNEMPLOYMENT", "失业保险"),
        ("SI_INJURY", "工伤保险"),
        ("HPF", "住房公积金"),
    ];

    #[test]
    fn ledger_has_each_items_employer_and_employee_amount_and_ids_as_text() {
        let f = fixture();
        let pay = &f.feb;
        let g = grid(&ledger(pay, &f.hr).unwrap(), "社保公积金台账");
        let (h1, h2) = (row_of(&g, 0, "工号"), row_of(&g, 0, "工号") + 1);
        // Group labels are merged over their two sides: carry them right.
        let mut columns: Vec<(String, String)> = Vec::new();
        let mut group = String::new();
        for c in 0..g[h1].len() {
            if let Data::String(s) = &g[h1][c] {
                group = s.replace('\n', "");
            }
            let side = match &g[h2][c] {
                Data::String(s) => s.clone(),
                _ => String::new(),
            };
            columns.push((group.clone(), side));
        }
        let col =
            |group: &str, side: &str| columns.iter().position(|(g, s)| g == group && s == side);
        let col1 = |group: &str| col(group, "").unwrap_or_else(|| panic!("no column {group}"));
        for name in [
            "姓名",
            "证件号码",
            "缴费月份",
            "社保缴费基数",
            "单位合计",
            "个人合计",
            "总计",
        ] {
            col1(name);
        }
        // Nine amount columns: five employer parts, four employee parts (no employee 工伤).
        let amount_columns = columns
            .iter()
            .filter(|(_, s)| s == "单位" || s == "个人")
            .count();
        assert_eq!(amount_columns, 9);
        assert_eq!(col("工伤保险", "个人"), None);
        // Items in the engine's order, as on a 台账: pension, medical, unemployment, injury, fund.
        let mut groups: Vec<&str> = Vec::new();
        for (g, s) in &columns {
            if (s == "单位" || s == "个人") && !groups.contains(&g.as_str()) {
                groups.push(g);
            }
        }
        assert_eq!(groups, ITEMS.map(|(_, g)| g));
        for p in &pay.payslips {
            let hr = f.hr.iter().find(|r| r.id == p.employee_id).unwrap();
            let r = row_of(&g, 0, &p.employee_id);
            assert_eq!(g[r][col1("证件号码")], Data::String(hr.id_number.clone()));
            assert_eq!(text(&g[r][col1("缴费月份")]), "2026-02");
            assert_eq!(
                money(&g[r][col1("社保缴费基数")]),
                Some(p.social_insurance_base)
            );
            for (prefix, group) in ITEMS {
                for (suffix, side, lines) in [
                    ("ER", "单位", &p.employer_contributions),
                    ("EE", "个人", &p.employee_contributions),
                ] {
                    let engine = lines
                        .iter()
                        .find(|l| l.code == format!("{prefix}_{suffix}"))
                        .map(|l| l.amount);
                    match col(group, side) {
                        Some(c) => assert_eq!(money(&g[r][c]), engine, "{prefix}_{suffix}"),
                        None => assert_eq!(engine, None, "{prefix}_{suffix} has no column"),
                    }
                }
            }
            let t = &p.totals;
            assert_eq!(
                money(&g[r][col1("单位合计")]),
                Some(t.employer_contributions)
            );
            assert_eq!(
                money(&g[r][col1("个人合计")]),
                Some(t.employee_contributions)
            );
            assert_eq!(
                money(&g[r][col1("总计")]),
                Some(t.employer_contributions + t.employee_contributions)
            );
        }
        let t = row_of(&g, 1, "合计");
        for (prefix, group) in ITEMS {
            for (suffix, side) in [("ER", "单位"), ("EE", "个人")] {
                if let Some(c) = col(group, side) {
                    let sum: Decimal = pay
                        .payslips
                        .iter()
                        .flat_map(|p| {
                            p.employer_contributions
                                .iter()
                                .chain(&p.employee_contributions)
                        })
                        .filter(|l| l.code == format!("{prefix}_{suffix}"))
                        .map(|l| l.amount)
                        .sum();
                    assert_eq!(money(&g[t][c]), Some(sum), "total {prefix}_{suffix}");
                }
            }
        }
        assert_eq!(
            money(&g[t][col1("单位合计")]),
            Some(pay.totals.employer_contributions)
        );
        assert_eq!(
            money(&g[t][col1("个人合计")]),
            Some(pay.totals.employee_contributions)
        );
    }

    /// A correction of January (more nights and a higher KPI score for A005), paid in February
    /// through the engine's arrears: the difference lines get their own register columns, the
    /// contribution differences the ledger's 补缴/退费 columns, and the tax figures include them.
    #[test]
    fn arrears_from_a_corrected_month_show_in_register_ledger_and_tax_figures() {
        let f = fixture();
        let jan = Month::new(2026, 1).unwrap();
        let approved = f
            .jan
            .payslips
            .iter()
            .find(|p| p.employee_id == "A005")
            .unwrap();
        let mut revised_input = inputs(1, &BTreeMap::new())
            .into_iter()
            .find(|i| i.employee.id == "A005")
            .unwrap();
        revised_input.time_sheet.night_shifts = 12;
        revised_input.time_sheet.rest_day_hours = Decimal::from(16);
        let revised = payroll::compute_payslip(&f.policy, jan, &revised_input).unwrap();
        let arrears = payroll::arrears_between(approved, &revised).unwrap();
        assert!(
            !arrears.employee_contributions.is_empty(),
            "contributions changed too"
        );
        let ytd = f
            .jan
            .payslips
            .iter()
            .map(|p| (p.employee_id.clone(), p.iit.year_to_date_after.clone()))
            .collect();
        let mut feb_inputs = inputs(2, &ytd);
        feb_inputs
            .iter_mut()
            .find(|i| i.employee.id == "A005")
            .unwrap()
            .arrears = vec![arrears];
        let pay = compute_month(&f.policy, Month::new(2026, 2).unwrap(), &feb_inputs).unwrap();
        let p = pay
            .payslips
            .iter()
            .find(|p| p.employee_id == "A005")
            .unwrap();

        // Register: each arrears line under its own label, e.g. 补差(2026-01)夜班津贴.
        let g = grid(&register(&pay).unwrap(), "工资表");
        let h = flat_headers(&g, row_of(&g, 0, "工号"));
        let r = row_of(&g, 0, "A005");
        assert!(p.earnings.iter().any(|l| l.source_month.is_some()));
        for l in p.earnings.iter().filter(|l| l.source_month.is_some()) {
            assert!(l.label_zh.starts_with("补差(2026-01)"), "{}", l.label_zh);
            let c = h.iter().position(|x| *x == l.label_zh).unwrap();
            assert_eq!(money(&g[r][c]), Some(l.amount), "{}", l.code);
        }

        // Ledger: 补缴/退费 per side, and the row's totals still the engine's.
        let g = grid(&ledger(&pay, &f.hr).unwrap(), "社保公积金台账");
        let h1 = row_of(&g, 0, "工号");
        let arrears_cols: Vec<usize> = (0..g[h1].len())
            .filter(|&c| matches!(&g[h1][c], Data::String(s) if s == "补缴/退费"))
            .collect();
        assert_eq!(arrears_cols.len(), 2);
        let r = row_of(&g, 0, "A005");
        for (c, lines) in arrears_cols
            .iter()
            .zip([&p.employer_contributions, &p.employee_contributions])
        {
            let engine: Decimal = lines
                .iter()
                .filter(|l| l.code.starts_with("ARR_"))
                .map(|l| l.amount)
                .sum();
            assert!(!engine.is_zero());
            assert_eq!(money(&g[r][*c]), Some(engine));
        }

        // Tax figures: the month's pension line plus its arrears difference.
        let t = tax_figures(p).unwrap();
        let pension: Decimal = p
            .employee_contributions
            .iter()
            .filter(|l| l.code == "SI_PENSION_EE" || l.code == "ARR_SI_PENSION_EE")
            .map(|l| l.amount)
            .sum();
        assert_eq!(t.pension, pension);
        assert_eq!(t.income, p.totals.gross);
        let total = t.pension + t.medical + t.unemployment + t.housing_fund;
        assert_eq!(total, p.totals.employee_contributions);

        // A contribution the tax import has no column for is an error, not a silent gap.
        let mut odd = p.clone();
        let mut extra = odd.employee_contributions[0].clone();
        extra.code = "SI_SERIOUS_ILLNESS_EE".into();
        odd.employee_contributions.push(extra);
        let err = tax_figures(&odd).unwrap_err().to_string();
        assert!(
            err.contains("A005") && err.contains("SI_SERIOUS_ILLNESS_EE"),
            "{err}"
        );
    }

    /// The 24 headers of reference §4.1, typed from the reference, not read from the layout.
    const ITS_HEADERS: [&str; 24] = [
        "工号",
        "*姓名",
        "*证件类型",
        "*证件号码",
        "本期收入",
        "本期免税收入",
        "基本养老保险费",
        "基本医疗保险费",
        "失业保险费",
        "住房公积金",
        "累计子女教育",
        "累计继续教育",
        "累计住房贷款利息",
        "累计住房租金",
        "累计赡养老人",
        "累计3岁以下婴幼儿照护",
        "累计个人养老金",
        "企业(职业)年金",
        "商业健康保险",
        "税延养老保险",
        "其他",
        "准予扣除的捐赠额",
        "减免税额",
        "备注",
    ];

    #[test]
    fn tax_import_has_the_exact_sheet_headers_ids_and_engine_figures() {
        let f = fixture();
        let pay = &f.feb;
        let bytes = tax_import(pay, &f.hr).unwrap();
        assert_eq!(sheet_names(&bytes), ["正常工资薪金收入"]);
        let g = grid(&bytes, "正常工资薪金收入");
        assert_eq!(headers(&g, 0), ITS_HEADERS);
        assert_eq!(
            g.len(),
            1 + pay.payslips.len(),
            "header and one row each, nothing else"
        );
        let mut saw_x = false;
        for (r, p) in (1..).zip(&pay.payslips) {
            let hr = f.hr.iter().find(|h| h.id == p.employee_id).unwrap();
            assert_eq!(g[r][0], Data::String(p.employee_id.clone()));
            assert_eq!(g[r][1], Data::String(hr.name.clone()));
            assert_eq!(g[r][2], Data::String("居民身份证".into()));
            assert_eq!(g[r][3], Data::String(hr.id_number.clone()), "ID as text");
            saw_x |= hr.id_number.ends_with('X');
            let line = |code: &str| {
                p.employee_contributions
                    .iter()
                    .find(|l| l.code == code)
                    .map(|l| l.amount)
            };
            // 本期收入: gross, less an annual bonus taxed separately.
            let bonus: Decimal = p
                .earnings
                .iter()
                .filter(|l| l.code == "BONUS")
                .map(|l| l.amount)
                .sum();
            let separate = p.income_tax.iter().any(|l| l.code == "IIT_BONUS");
            let income = if separate {
                p.totals.gross - bonus
            } else {
                p.totals.gross
            };
            assert_eq!(money(&g[r][4]), Some(income), "{} 本期收入", p.employee_id);
            assert_eq!(money(&g[r][5]), Some(Decimal::ZERO));
            assert_eq!(money(&g[r][6]), line("SI_PENSION_EE"));
            assert_eq!(money(&g[r][7]), line("SI_MEDICAL_EE"));
            assert_eq!(money(&g[r][8]), line("SI_UNEMPLOYMENT_EE"));
            assert_eq!(money(&g[r][9]), line("HPF_EE"));
            assert!(g[r][10..].iter().all(|d| *d == Data::Empty));
        }
        assert!(saw_x, "an ID ending in X is exercised");
        // The manager's bonus is taxed separately, so her 本期收入 is gross less 20,000.
        let m = pay
            .payslips
            .iter()
            .find(|p| p.employee_id == "M001")
            .unwrap();
        assert!(m.income_tax.iter().any(|l| l.code == "IIT_BONUS"));
        let r = row_of(&g, 0, "M001");
        assert_eq!(money(&g[r][4]), Some(m.totals.gross - Decimal::from(20000)));
        // The agent's ID has a sequence starting with 00.
        let a = row_of(&g, 0, "A005");
        assert_eq!(&text(&g[a][3])[14..16], "00");
    }

    #[test]
    fn bank_transfer_lists_net_pay_per_account_as_text() {
        let f = fixture();
        let pay = &f.feb;
        let g = grid(&bank_transfer(pay, &f.hr).unwrap(), "银行代发");
        let head = row_of(&g, 0, "姓名");
        assert_eq!(headers(&g, head), ["姓名", "银行账号", "开户银行", "金额"]);
        let mut saw_zero = false;
        for (r, p) in (head + 1..).zip(&pay.payslips) {
            let hr = f.hr.iter().find(|h| h.id == p.employee_id).unwrap();
            assert_eq!(g[r][0], Data::String(hr.name.clone()));
            assert_eq!(g[r][1], Data::String(hr.bank_account.clone()));
            assert_eq!(g[r][2], Data::String(hr.bank.clone()));
            assert_eq!(money(&g[r][3]), Some(p.totals.net));
            saw_zero |= hr.bank_account.starts_with('0');
        }
        assert!(saw_zero, "an account starting with 0 is exercised");
        let t = head + 1 + pay.payslips.len();
        assert!(text(&g[t][0]).starts_with("合计"));
        let sum: Decimal = pay.payslips.iter().map(|p| p.totals.net).sum();
        assert_eq!(money(&g[t][3]), Some(sum));
        assert_eq!(money(&g[t][3]), Some(pay.totals.net));
    }

    #[test]
    fn an_employee_missing_from_hr_is_named() {
        let f = fixture();
        let hr: Vec<HrRecord> = f.hr.iter().filter(|r| r.id != "S001").cloned().collect();
        for result in [
            tax_import(&f.feb, &hr),
            ledger(&f.feb, &hr),
            bank_transfer(&f.feb, &hr),
        ] {
            let err = result.unwrap_err();
            assert!(
                matches!(&err, ExportError::MissingHr { employee, .. } if employee == "S001"),
                "{err}"
            );
            assert!(err.to_string().contains("S001"), "{err}");
            assert!(err.to_string().contains("赵晨曦"), "{err}");
        }
        let mut renamed = f.hr.clone();
        renamed.iter_mut().find(|r| r.id == "S001").unwrap().name = "赵晨".into();
        let err = tax_import(&f.feb, &renamed).unwrap_err();
        assert!(matches!(err, ExportError::NameMismatch { .. }), "{err}");
    }

    #[test]
    fn the_shipped_layout_is_the_24_column_template_and_bad_layouts_are_refused() {
        let layout = ItsLayout::salary_income().unwrap();
        assert_eq!(layout.sheet, "正常工资薪金收入");
        let h: Vec<&str> = layout.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(h, ITS_HEADERS);
        let dup = ITS_SALARY_LAYOUT.replace("\"本期免税收入\"", "\"本期收入\"");
        assert!(
            matches!(ItsLayout::from_toml_str(&dup), Err(ExportError::Layout(m)) if m.contains("twice"))
        );
        let unknown = ITS_SALARY_LAYOUT.replace("field = \"pension\"", "field = \"pensions\"");
        assert!(matches!(
            ItsLayout::from_toml_str(&unknown),
            Err(ExportError::Layout(_))
        ));
        let no_id = ITS_SALARY_LAYOUT.replace("field = \"id_number\"", "field = \"blank\"");
        assert!(
            matches!(ItsLayout::from_toml_str(&no_id), Err(ExportError::Layout(m)) if m.contains("IdNumber"))
        );
    }

    #[test]
    fn keys_merge_in_each_sequences_order() {
        let k = |s: &str| s.chars().map(String::from).collect::<Vec<_>>();
        assert_eq!(
            merge_keys([k("abd"), k("abce"), k("xa")]).concat(),
            "xabdce"
        );
        assert_eq!(merge_keys([k("ac"), k("abc")]).concat(), "abc");
        // Long display headers break before a bracket or in the middle; short ones stay.
        assert_eq!(shown_header("住房公积金(个人)"), "住房公积金\n(个人)");
        assert_eq!(shown_header("坐席人工费（当月）"), "坐席人工费\n（当月）");
        assert_eq!(shown_header("残疾人就业保障金"), "残疾人就\n业保障金");
        assert_eq!(
            shown_header("个人所得税(全年一次性奖金单独计税)"),
            "个人所得税\n(全年一次性奖\n金单独计税)"
        );
        assert_eq!(shown_header("应发合计"), "应发合计");
        // Employer then employee parts: PENSION stays first.
        assert_eq!(merge_keys([k("pmuihpmuh")]).concat(), "pmuih");
        assert_eq!(
            floor_line(Decimal::new(393_931_345, 2), 12),
            Decimal::new(393_931_345, 2)
        );
        assert_eq!(money_text(Decimal::new(-123_456_789, 2)), "-¥1,234,567.89");
        assert_eq!(money_text(Decimal::new(5, 2)), "¥0.05");
    }

    fn compliance_input(
        f: &Fixture,
        months: &[&MonthPayroll],
        on_post: u32,
        reserve: u32,
    ) -> ComplianceInput {
        let costs: Vec<MonthCost> = months
            .iter()
            .map(|p| month_cost(&f.policy.contract_cost, p).unwrap())
            .collect();
        let latest = costs.last().unwrap();
        let floor_row = f
            .policy
            .contract_cost
            .floor_on(latest.month.first_day())
            .unwrap();
        let totals: Vec<CostMonthTotal> = costs
            .iter()
            .map(|c| CostMonthTotal {
                month: c.month,
                seat_labour_cost: c.seat_labour_cost,
            })
            .collect();
        let year_view = seat_cost_year(floor_row.annual, &totals, latest.seat_labour_cost).unwrap();
        ComplianceInput {
            year: 2026,
            floor: floor_row.annual,
            floor_source: floor_row.provenance.source.clone(),
            headcount: costs
                .iter()
                .map(|c| MonthHeadcount {
                    month: c.month,
                    on_post,
                    reserve,
                    days: None,
                })
                .collect(),
            months: costs,
            year_view,
            contracted_heads: 52,
            sources: Vec::new(),
            basis: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn compliance_months_add_up_to_the_year_to_date_against_the_floor() {
        let f = fixture();
        let input = compliance_input(&f, &[&f.jan, &f.feb], 5, 0);
        assert_eq!(
            input.floor,
            Decimal::new(393_931_345, 2),
            "floor from the policy"
        );
        let bytes = compliance(&input).unwrap();
        let needle = b"xl/charts/chart1.xml";
        assert!(
            bytes.windows(needle.len()).any(|w| w == needle),
            "a native chart"
        );
        let g = grid(&bytes, "坐席人工费合规");
        let head = row_of(&g, 0, "月份");
        let h = flat_headers(&g, head);
        let at = |name: &str| {
            h.iter()
                .position(|x| x == name)
                .unwrap_or_else(|| panic!("{name}"))
        };
        let mut running = Decimal::ZERO;
        for m in &input.months {
            let r = row_of(&g, 0, &m.month.to_string());
            running += m.seat_labour_cost;
            for (name, v) in [
                ("工资总额", m.wages),
                ("单位社会保险", m.employer_social_insurance),
                ("单位住房公积金", m.employer_housing_fund),
                ("人员费用", m.personnel_cost),
                ("管理费用合计", m.management_cost),
                ("坐席人工费（当月）", m.seat_labour_cost),
                ("累计坐席人工费", running),
            ] {
                assert_eq!(money(&g[r][at(name)]), Some(v), "{} {name}", m.month);
            }
            assert_eq!(m.items.len(), 5);
            for item in &m.items {
                assert_eq!(
                    money(&g[r][at(&item.label_zh)]),
                    Some(item.amount),
                    "{}",
                    item.code
                );
            }
            // floor × months ÷ 12 to the fen, worked independently.
            let line = (input.floor * Decimal::from(m.month.month()) / Decimal::from(12))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(money(&g[r][at("保底线（累计）")]), Some(line));
            assert_eq!(money(&g[r][at("累计差额")]), Some(running - line));
            assert_eq!(
                money(&g[r][at("计薪人数")]),
                Some(Decimal::from(m.headcount))
            );
            assert_eq!(money(&g[r][at("在岗人数")]), Some(Decimal::from(5)));
            assert_eq!(money(&g[r][at("合同坐席")]), Some(Decimal::from(52)));
            assert_eq!(money(&g[r][at("在岗−合同")]), Some(Decimal::from(-47)));
        }
        // The cumulative column ends at the year to date.
        let last = row_of(&g, 0, "2026-02");
        let ytd = input
            .months
            .iter()
            .map(|m| m.seat_labour_cost)
            .sum::<Decimal>();
        assert_eq!(money(&g[last][at("累计坐席人工费")]), Some(ytd));
        assert_eq!(
            money(&g[last][at("累计坐席人工费")]),
            Some(input.year_view.year_to_date)
        );
        // Totals row: sums of the months.
        let t = row_of(&g, 0, "合计");
        assert_eq!(t, last + 1);
        assert_eq!(money(&g[t][at("坐席人工费（当月）")]), Some(ytd));
        let wages: Decimal = input.months.iter().map(|m| m.wages).sum();
        assert_eq!(money(&g[t][at("工资总额")]), Some(wages));
        // Summary below.
        let y = &input.year_view;
        for (label, v) in [
            ("年度保底（合同）", input.floor),
            ("全年预计", y.projected_year),
            ("预计差额（全年预计 − 年度保底）", y.margin),
            ("月度运行值（最近一月）", y.run_rate),
        ] {
            let r = row_of(&g, 0, label);
            assert_eq!(money(&g[r][4]), Some(v), "{label}");
        }
        assert!(!y.meets_floor);
        assert!(text(&g[row_of(&g, 0, "结论")][4]).starts_with("未达标"));
        // Chart data: the floor line reaches the annual floor in December, the projection
        // the projected year, the cumulative line stops at February.
        let dc = 6;
        let dec = row_of(&g, dc, "12月");
        assert_eq!(money(&g[dec][dc + 3]), Some(input.floor));
        assert_eq!(money(&g[dec][dc + 2]), Some(y.projected_year));
        assert_eq!(money(&g[dec][dc + 1]), None);
        assert_eq!(
            money(&g[row_of(&g, dc, "2月")][dc + 1]),
            Some(y.year_to_date)
        );
    }

    #[test]
    fn compliance_refuses_an_annual_view_that_disagrees_with_the_months() {
        let f = fixture();
        let mut input = compliance_input(&f, &[&f.jan, &f.feb], 52, 1);
        input.year_view.year_to_date += Decimal::new(1, 2);
        let err = compliance(&input).unwrap_err();
        assert!(err.to_string().contains("year to date"), "{err}");
        let mut input = compliance_input(&f, &[&f.jan, &f.feb], 52, 1);
        input.headcount.pop();
        assert!(matches!(
            compliance(&input),
            Err(ExportError::Compliance(_))
        ));
    }

    /// The whole demo staff (53 in hr.toml and staff.toml), January to March 2026 as standard
    /// months with nights for the shift staff and Spring Festival hours in February.
    fn demo_months(policy: &Policy) -> Vec<MonthPayroll> {
        let staff: toml::Value =
            toml::from_str(include_str!("../../../data/demo/staff.toml")).unwrap();
        let staff = staff["employees"].as_array().unwrap();
        let mut ytd: BTreeMap<String, IitYearToDate> = BTreeMap::new();
        let mut out = Vec::new();
        for (m, days) in [(1u32, 21u32), (2, 16), (3, 22)] {
            let inputs: Vec<EmployeeMonth> = staff
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let position = e["position"].as_str().unwrap();
                    let shift = matches!(position, "agent" | "team_leader");
                    let hours = days * 8;
                    let mut ts = json!({ "standard_hours_of_month": hours.to_string(),
                        "scheduled_working_days_of_month": days, "working_days_employed": days,
                        "ordinary_day_hours": hours.to_string(), "kpi": kpi() });
                    if shift {
                        ts["night_shifts"] = json!(4 + i % 4);
                        if m == 2 && i % 3 == 0 {
                            ts["ordinary_day_hours"] = json!((hours - 8).to_string());
                            ts["statutory_holiday_hours"] = json!("8");
                            ts["rest_day_hours"] = json!("8");
                        }
                    }
                    let id = e["id"].as_str().unwrap();
                    let input = json!({
                        "employee": { "id": id, "name": e["name"], "position": position,
                            "pay_grade": e["grade"], "hired_on": "2026-01-01",
                            "working_time": if shift { "comprehensive" } else { "standard" } },
                        "time_sheet": ts,
                        "iit_year_to_date": ytd.get(id).cloned().unwrap_or_default(),
                    });
                    serde_json::from_value(input).unwrap()
                })
                .collect();
            let pay = compute_month(policy, Month::new(2026, m).unwrap(), &inputs).unwrap();
            for p in &pay.payslips {
                ytd.insert(p.employee_id.clone(), p.iit.year_to_date_after.clone());
            }
            out.push(pay);
        }
        out
    }

    /// Writes one of each workbook to /tmp/exports for a look in a spreadsheet program:
    /// `cargo test -p api --lib payroll_xlsx -- --ignored`.
    #[test]
    #[ignore = "writes files to /tmp/exports for a visual check"]
    fn write_samples_to_tmp_exports() {
        let f = fixture();
        let months = demo_months(&f.policy);
        let feb = &months[1];
        let dir = std::path::Path::new("/tmp/exports");
        std::fs::create_dir_all(dir).unwrap();
        let refs: Vec<&MonthPayroll> = months.iter().collect();
        let files: [(&str, Vec<u8>); 7] = [
            ("工资表-2026-02.xlsx", register(feb).unwrap()),
            ("工资表-2026-02-fixture.xlsx", register(&f.feb).unwrap()),
            ("工资条-2026-02.xlsx", payslips(feb).unwrap()),
            ("社保公积金台账-2026-02.xlsx", ledger(feb, &f.hr).unwrap()),
            (
                "个税导入-正常工资薪金所得-2026-02.xlsx",
                tax_import(feb, &f.hr).unwrap(),
            ),
            ("银行代发-2026-02.xlsx", bank_transfer(feb, &f.hr).unwrap()),
            (
                "坐席人工费合规-2026.xlsx",
                compliance(&compliance_input(&f, &refs, 52, 1)).unwrap(),
            ),
        ];
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
    }
}
