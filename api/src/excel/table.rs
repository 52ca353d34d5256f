//! A sheet of rows from an uploaded file, whatever it came as: a workbook (`.xlsx`, `.xls`,
//! `.xlsb`, `.ods`, read with calamine; the first sheet) or CSV text (UTF-8, with or without
//! a byte-order mark). The kind is decided by the content, not the file name. Importers find
//! their columns by header name (with aliases) and report problems by sheet, row and column
//! as people see them in Excel (row 1 is the first row, columns A, B, …).

use std::io::Cursor;

use calamine::{Data, Reader};

/// One cell, reduced to what importers need.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// Text (trimmed).
    Text(String),
    /// A number (Excel stores dates as numbers too; see [`Cell::Date`]).
    Number(f64),
    /// An Excel date or time: days since 1899-12-30, with the time as the fraction.
    Date(f64),
}

impl Cell {
    /// How the cell reads in an error message.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => "an empty cell".into(),
            Cell::Text(t) => format!("\"{t}\""),
            Cell::Number(n) => format!("{n}"),
            Cell::Date(d) => format!("date serial {d}"),
        }
    }
}

/// The rows of the file's first sheet (or of the CSV).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Sheet name ("CSV" for CSV text).
    pub sheet: String,
    /// Rows with their 1-based row numbers; blank rows are kept out.
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    /// Neither a workbook nor UTF-8 text.
    #[error("the file is neither a workbook (xlsx, xls, xlsb, ods) nor UTF-8 CSV text")]
    NotATable,
    /// A workbook calamine could not read.
    #[error("the workbook cannot be read: {0}")]
    Workbook(String),
    /// A workbook without sheets.
    #[error("the workbook has no sheet")]
    NoSheet,
}

/// Reads the first sheet of a workbook, or CSV text.
pub fn read(bytes: &[u8]) -> Result<Table, TableError> {
    let workbook = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    if workbook {
        return read_workbook(bytes);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| TableError::NotATable)?;
    if text.contains('\0') {
        return Err(TableError::NotATable);
    }
    Ok(read_csv(text.strip_prefix('\u{feff}').unwrap_or(text)))
}

fn read_workbook(bytes: &[u8]) -> Result<Table, TableError> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| TableError::Workbook(e.to_string()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or(TableError::NoSheet)?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| TableError::Workbook(e.to_string()))?;
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
            Data::DateTime(d) => Cell::Date(d.as_f64()),
            Data::Error(e) => Cell::Text(format!("#{e:?}")),
        }));
        if cells.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        rows.push((first_row as usize + i + 1, cells));
    }
    Ok(Table { sheet, rows })
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
            Err(TableError::Workbook(_))
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
