//! A sheet of rows from an uploaded file, whatever it came as: a workbook (`.xlsx`, `.xls`,
//! `.xlsb`, `.ods`, read with calamine; the first sheet) or CSV text (UTF-8, with or without
//! a byte-order mark). The kind is decided by the content, not the file name. Importers find
//! their columns by header name (with aliases) and report problems by sheet, row and column
//! as people see them in Excel (row 1 is the first row, columns A, B, …).

use std::io::Cursor;

use calamine::{Data, Reader};
use chrono::{Duration, NaiveDate};

/// One cell, reduced to what importers need.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// Text (trimmed).
    Text(String),
    /// A number (Excel stores dates as numbers too; see [`Cell::Date`]).
    Number(f64),
    /// An Excel date or time: days since 1899-12-30, with the time as the fraction (a
    /// workbook saved with the 1904 date system is converted on reading).
    Date(f64),
    /// An Excel error value as Excel shows it (`#REF!`, `#VALUE!`, `#DIV/0!`, …).
    Error(String),
}

impl Cell {
    /// How the cell reads in an error message.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => "an empty cell".into(),
            Cell::Text(t) => format!("\"{t}\""),
            Cell::Number(n) => format!("{n}"),
            Cell::Date(d) => format!("date serial {d}"),
            Cell::Error(e) => format!("the error value {e}"),
        }
    }

    /// How the cell reads in an error message on a Chinese page.
    pub fn shown_zh(&self) -> String {
        match self {
            Cell::Empty => "空单元格".into(),
            Cell::Text(t) => format!("“{t}”"),
            Cell::Number(n) => format!("{n}"),
            Cell::Date(d) => format!("日期序号 {d}"),
            Cell::Error(e) => format!("错误值 {e}"),
        }
    }

    /// [`Cell::shown`] in both languages.
    pub fn said(&self) -> Said {
        Said {
            en: self.shown(),
            zh: self.shown_zh(),
        }
    }
}

pub use crate::said::Said;

/// The rows of the file's first sheet (or of the CSV).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet name ("CSV" for CSV text).
    pub sheet: String,
    /// Rows with their 1-based row numbers; blank rows are kept out.
    pub rows: Vec<(usize, Vec<Cell>)>,
    /// Merged ranges, 1-based and inclusive: (first row, first column, last row, last
    /// column). A merged range keeps its value in its first cell only, so an importer must
    /// not read cells under it as empty.
    pub merged: Vec<(usize, usize, usize, usize)>,
}

impl Table {
    /// The merged range covering the 1-based (`row`, `col`), other than its first cell.
    #[must_use]
    pub fn merged_over(&self, row: usize, col: usize) -> Option<(usize, usize, usize, usize)> {
        self.merged.iter().copied().find(|&(r0, c0, r1, c1)| {
            (r0..=r1).contains(&row) && (c0..=c1).contains(&col) && (row, col) != (r0, c0)
        })
    }
}

/// `A1:D1` for a merged range.
#[must_use]
pub fn range_name((r0, c0, r1, c1): (usize, usize, usize, usize)) -> String {
    format!(
        "{}{r0}:{}{r1}",
        column_letter(c0 - 1),
        column_letter(c1 - 1)
    )
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    /// Neither a workbook nor UTF-8 text.
    #[error("the file is neither a workbook (xlsx, xls, xlsb, ods) nor UTF-8 CSV text")]
    NotATable,
    /// Zero bytes: an export that did not finish, or a copy that failed.
    #[error("the file is empty (0 bytes): export it again")]
    Empty,
    /// A workbook calamine could not read.
    #[error("the workbook cannot be read: {0}")]
    Workbook(String),
    /// A workbook without sheets.
    #[error("the workbook has no sheet")]
    NoSheet,
    /// Text under a workbook's name: a `.xlsx` (or `.xls`) that is not a workbook.
    #[error("{name} is named as a workbook but holds text, not a workbook: save it from Excel as .xlsx again, or name a CSV file .csv")]
    TextNamedAsWorkbook {
        /// The file's name.
        name: String,
    },
    /// Refused by [`super::guard::check`] before calamine saw it: corrupt, a zip bomb, too
    /// large, too many cells, …
    #[error("file refused, the workbook cannot be read: {0}")]
    Refused(super::guard::Refused),
}

impl TableError {
    /// The error in both languages.
    #[must_use]
    pub fn said(&self) -> Said {
        let zh = match self {
            TableError::NotATable => {
                "既不是工作簿（xlsx、xls、xlsb、ods），也不是 UTF-8 编码的 CSV 文本".to_string()
            }
            TableError::Empty => "文件是空的（0 字节）：请重新导出".into(),
            TableError::Workbook(e) => format!("工作簿无法读取：{e}"),
            TableError::NoSheet => "工作簿中没有工作表".into(),
            TableError::TextNamedAsWorkbook { name } => format!(
                "{name} 以工作簿命名，内容却是文本：请在 Excel 中重新另存为 .xlsx，或将 CSV 文件命名为 .csv"
            ),
            TableError::Refused(r) => format!("文件被拒收，工作簿无法读取：{}", r.zh()),
        };
        Said {
            en: self.to_string(),
            zh,
        }
    }
}

/// Reads the first sheet of a workbook, or CSV text.
pub fn read(bytes: &[u8]) -> Result<Table, TableError> {
    read_all(bytes)?
        .into_iter()
        .next()
        .ok_or(TableError::NoSheet)
}

/// [`read_all`] of an upload named `name`: the kind is still decided by the content, but
/// text is read as CSV only when the name says CSV (`.csv`, `.txt` or no extension): a text
/// file named `.xlsx` is a mistake (a renamed or broken export), not a CSV to store.
///
/// # Errors
/// As [`read_all`], and [`TableError::TextNamedAsWorkbook`].
pub fn read_all_named(bytes: &[u8], name: &str) -> Result<Vec<Table>, TableError> {
    let lower = name.to_lowercase();
    let workbook_name = [".xlsx", ".xls", ".xlsm", ".xlsb", ".ods", ".et"]
        .iter()
        .any(|e| lower.ends_with(e));
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(TableError::Empty);
    }
    if workbook_name
        && matches!(
            super::guard::check(bytes, &super::guard::Limits::default()),
            Ok(super::guard::Kind::Text)
        )
    {
        return Err(TableError::TextNamedAsWorkbook {
            name: name.to_string(),
        });
    }
    read_all(bytes)
}

/// Reads every sheet of a workbook (in workbook order), or CSV text as one sheet.
pub fn read_all(bytes: &[u8]) -> Result<Vec<Table>, TableError> {
    use super::guard::{self, Kind, Refused};
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(TableError::Empty);
    }
    // calamine allocates without bound on hostile structure (a looping FAT chain, a zip
    // bomb, a cell at XFD1048576): check the structure first.
    match guard::check(bytes, &guard::Limits::default()) {
        Ok(kind @ (Kind::Xlsx | Kind::Xls)) => return read_workbook(bytes, kind),
        Ok(Kind::Text) => {}
        Err(Refused::NotAWorkbook { .. }) => return Err(TableError::NotATable),
        Err(r) => return Err(TableError::Refused(r)),
    }
    let text = std::str::from_utf8(bytes).map_err(|_| TableError::NotATable)?;
    if text.contains('\0') {
        return Err(TableError::NotATable);
    }
    Ok(vec![read_csv(
        text.strip_prefix('\u{feff}').unwrap_or(text),
    )])
}

/// Reads a workbook with the reader of the kind the guard found — never calamine's format
/// guessing, which would try the other readers (xlsb, ods) on what fails as one kind.
fn read_workbook(bytes: &[u8], kind: super::guard::Kind) -> Result<Vec<Table>, TableError> {
    let tables = read_workbook_with(bytes, kind, None)?;
    // An Excel 5.0/95 (BIFF5) file keeps its text in the code page its CODEPAGE record names;
    // writers of Chinese ZKTeco exports often leave the record out, and the text then reads
    // as Latin-1 (`ÐÕÃû` for 姓名). Such text is read again as GBK (code page 936) when that
    // gives Chinese text throughout.
    if kind == super::guard::Kind::Xls && tables.iter().any(Table::looks_like_latin1_gbk) {
        let again = read_workbook_with(bytes, kind, Some(936))?;
        if again.iter().all(|t| !t.has_replacement()) {
            return Ok(again);
        }
    }
    Ok(tables)
}

impl Table {
    fn texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.sheet.as_str()).chain(self.rows.iter().flat_map(|(_, cells)| {
            cells.iter().filter_map(|c| match c {
                Cell::Text(t) => Some(t.as_str()),
                _ => None,
            })
        }))
    }

    /// Text of 8-bit characters only, some of them above 0x7F: GBK read as Latin-1.
    fn looks_like_latin1_gbk(&self) -> bool {
        let mut high = false;
        for t in self.texts() {
            for c in t.chars() {
                if u32::from(c) > 0xFF {
                    return false;
                }
                high |= u32::from(c) >= 0x80;
            }
        }
        high
    }

    fn has_replacement(&self) -> bool {
        self.texts().any(|t| t.contains('\u{FFFD}'))
    }
}

fn read_workbook_with(
    bytes: &[u8],
    kind: super::guard::Kind,
    codepage: Option<u16>,
) -> Result<Vec<Table>, TableError> {
    let cursor = Cursor::new(bytes.to_vec());
    let open_error = |e: String| TableError::Workbook(e);
    let mut wb: calamine::Sheets<Cursor<Vec<u8>>> = match kind {
        super::guard::Kind::Xlsx => calamine::Sheets::Xlsx(
            calamine::Xlsx::new(cursor).map_err(|e| open_error(e.to_string()))?,
        ),
        super::guard::Kind::Xls => {
            let mut options = calamine::XlsOptions::default();
            options.force_codepage = codepage;
            calamine::Sheets::Xls(calamine::Xls::new_with_options(cursor, options).map_err(
                |e| match e {
                    // A legacy .xls with a password (BIFF FILEPASS).
                    calamine::XlsError::Password => {
                        TableError::Refused(super::guard::Refused::Encrypted)
                    }
                    e => open_error(e.to_string()),
                },
            )?)
        }
        super::guard::Kind::Text => return Err(TableError::NotATable),
    };
    let names = wb.sheet_names();
    if names.is_empty() {
        return Err(TableError::NoSheet);
    }
    let mut tables = Vec::with_capacity(names.len());
    for sheet in names {
        let range = wb
            .worksheet_range(&sheet)
            .map_err(|e| TableError::Workbook(format!("sheet {sheet}: {e}")))?;
        let merged: Vec<calamine::Dimensions> = match &mut wb {
            calamine::Sheets::Xlsx(x) => x
                .merge_cells_by_sheet_name(&sheet)
                .map_err(|e| TableError::Workbook(format!("sheet {sheet}: {e}")))?,
            calamine::Sheets::Xls(x) => x.merge_cells_by_sheet_name(&sheet).unwrap_or_default(),
            _ => Vec::new(),
        };
        tables.push(Table {
            rows: table_rows(&range),
            merged: merged
                .iter()
                .map(|d| {
                    (
                        d.start.0 as usize + 1,
                        d.start.1 as usize + 1,
                        d.end.0 as usize + 1,
                        d.end.1 as usize + 1,
                    )
                })
                .collect(),
            sheet,
        });
    }
    Ok(tables)
}

/// The 1900-system serial of a date cell. A workbook saved with the 1904 date system (Excel
/// for Mac) counts days from 1904-01-01: the same serial is a date 1,462 days (four years and
/// a day) later there, and read as a 1900 serial it would be four years early.
fn serial_1900(d: &calamine::ExcelDateTime) -> f64 {
    let as_1900 =
        calamine::ExcelDateTime::new(d.as_f64(), calamine::ExcelDateTimeType::DateTime, false);
    if d.to_ymd_hms_milli() == as_1900.to_ymd_hms_milli() {
        d.as_f64()
    } else {
        d.as_f64() + 1462.0
    }
}

fn table_rows(range: &calamine::Range<Data>) -> Vec<(usize, Vec<Cell>)> {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let mut cells: Vec<Cell> = vec![Cell::Empty; first_col as usize];
        cells.extend(r.iter().map(|c| match c {
            Data::Empty => Cell::Empty,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                let t = s.trim();
                if t.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(t.to_string())
                }
            }
            Data::Int(n) => Cell::Number(*n as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Text(b.to_string()),
            Data::DateTime(d) => Cell::Date(serial_1900(d)),
            Data::Error(e) => Cell::Error(e.to_string()),
        }));
        if cells.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        rows.push((first_row as usize + i + 1, cells));
    }
    rows
}

/// RFC 4180 CSV: commas, double quotes with "" inside, CRLF or LF line ends.
fn read_csv(text: &str) -> Table {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1usize;
    let mut row_line = 1usize;
    let mut chars = text.chars().peekable();
    let mut finish_row = |row: &mut Vec<String>, row_line: usize| {
        let cells: Vec<Cell> = row
            .drain(..)
            .map(|f| {
                let t = f.trim();
                if t.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(t.to_string())
                }
            })
            .collect();
        if cells.iter().any(|c| *c != Cell::Empty) {
            rows.push((row_line, cells));
        }
    };
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, '\n') => {
                line += 1;
                field.push('\n');
            }
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                finish_row(&mut row, row_line);
                line += 1;
                row_line = line;
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        finish_row(&mut row, row_line);
    }
    Table {
        sheet: "CSV".into(),
        rows,
        merged: Vec::new(),
    }
}

/// Spreadsheet column letters of a 0-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Header text normalised for matching: lower case, without spaces, brackets, units or
/// punctuation, full-width forms folded.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .filter_map(|c| match c {
            '（' => None,
            '）' => None,
            c if c.is_whitespace() || "()[]_-/:：.·".contains(c) => None,
            c => Some(c.to_lowercase().next().unwrap_or(c)),
        })
        .collect()
}

/// A located problem in an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// Sheet name.
    pub sheet: String,
    /// 1-based row, if the problem is about a row.
    pub row: Option<usize>,
    /// Column letter and header, if about a column.
    pub column: Option<String>,
    /// What was expected (English).
    pub expected: String,
    /// What was found (English).
    pub found: String,
    /// What was expected, in Chinese.
    pub expected_zh: String,
    /// What was found, in Chinese.
    pub found_zh: String,
}

impl ImportProblem {
    /// A problem at a place, saying what was expected and found in both languages.
    pub fn new(
        sheet: impl Into<String>,
        row: Option<usize>,
        column: Option<String>,
        expected: Said,
        found: Said,
    ) -> Self {
        ImportProblem {
            sheet: sheet.into(),
            row,
            column,
            expected: expected.en,
            found: found.en,
            expected_zh: expected.zh,
            found_zh: found.zh,
        }
    }

    /// What was expected, in a page language.
    #[must_use]
    pub fn expected_in(&self, lang: &str) -> &str {
        if lang == "zh" && !self.expected_zh.is_empty() {
            &self.expected_zh
        } else {
            &self.expected
        }
    }

    /// What was found, in a page language.
    #[must_use]
    pub fn found_in(&self, lang: &str) -> &str {
        if lang == "zh" && !self.found_zh.is_empty() {
            &self.found_zh
        } else {
            &self.found
        }
    }

    /// The whole problem as one line in a page language (English: as [`Display`]).
    #[must_use]
    pub fn line_in(&self, lang: &str) -> String {
        if lang != "zh" {
            return self.to_string();
        }
        let mut s = format!("工作表 {}", self.sheet);
        if let Some(r) = self.row {
            s += &format!(" 第 {r} 行");
        }
        if let Some(c) = &self.column {
            s += &format!(" {c} 列");
        }
        s + &format!(
            "：应为{}，实为{}",
            self.expected_in(lang),
            self.found_in(lang)
        )
    }
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sheet {}", self.sheet)?;
        if let Some(r) = self.row {
            write!(f, ", row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": expected {}, found {}", self.expected, self.found)
    }
}

/// All the problems of one import.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the file:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct ImportErrors(pub Vec<ImportProblem>);

impl ImportErrors {
    /// All the problems in a page language, one per line after a heading.
    #[must_use]
    pub fn text_in(&self, lang: &str) -> String {
        if lang != "zh" {
            return self.to_string();
        }
        let lines: Vec<String> = self
            .0
            .iter()
            .map(|p| format!("  {}", p.line_in(lang)))
            .collect();
        format!("文件有 {} 处问题：\n{}", self.0.len(), lines.join("\n"))
    }
}

/// A header cell as matching text ([`normalise`]d); non-text headers read as empty.
pub fn header_text(c: &Cell) -> String {
    match c {
        Cell::Text(t) => normalise(t),
        _ => String::new(),
    }
}

/// A number cell, or text holding a number (thousands commas allowed).
pub fn number(c: &Cell) -> Option<f64> {
    match c {
        Cell::Number(x) => Some(*x),
        Cell::Text(t) => t.replace(',', "").parse().ok(),
        _ => None,
    }
}

/// Excel serial day → date (the 1900 system; serial 1 = 1900-01-01, with Excel's phantom
/// 1900-02-29, so counting from 1899-12-30 is right from March 1900 on).
pub fn serial_date(x: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&x) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(Duration::days(x.floor() as i64))
}

/// A date cell: an Excel date or serial, or text `2026-03-01`, `2026/3/1`, `26-03-01 星期日`
/// (the first word; a time after it is ignored).
pub fn parse_date(c: &Cell) -> Option<NaiveDate> {
    match c {
        Cell::Date(x) | Cell::Number(x) => serial_date(*x),
        Cell::Empty | Cell::Error(_) => None,
        Cell::Text(t) => {
            // `26-03-01 星期日`: the date is the first word.
            let word = t.split_whitespace().next()?;
            let parts: Vec<&str> = word.split(['-', '/', '.']).collect();
            if parts.len() != 3 {
                return None;
            }
            let mut y: i32 = parts[0].parse().ok()?;
            if parts[0].len() == 2 {
                y += 2000;
            }
            NaiveDate::from_ymd_opt(y, parts[1].parse().ok()?, parts[2].parse().ok()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_bom_and_blank_lines() {
        let t = read("\u{feff}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n1,2\n".as_bytes()).unwrap();
        assert_eq!(t.sheet, "CSV");
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1].0, 2);
        assert_eq!(t.rows[1].1[0], Cell::Text("x, y".into()));
        assert_eq!(t.rows[1].1[1], Cell::Text("say \"hi\"".into()));
        assert_eq!(t.rows[2].0, 4, "line numbers count the blank line");
    }

    #[test]
    fn not_a_table() {
        assert_eq!(read(&[0xff, 0xfe, 0x00, 0x41]), Err(TableError::NotATable));
        assert!(matches!(
            read(b"PK\x03\x04garbage"),
            Err(TableError::Refused(_))
        ));
    }

    #[test]
    fn letters_and_headers() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(normalise("平均处理时长（秒）"), "平均处理时长秒");
        assert_eq!(normalise("AHT (s)"), "ahts");
    }
}
