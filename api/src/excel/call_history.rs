//! Call history import (话务历史导入) from the call platform's interval report, as a workbook
//! or CSV: one row per date and interval with offered, answered and abandoned calls and the
//! average handle time, optionally the average speed of answer and time to abandon (for the
//! callers' patience, Erlang A) and the interval length.
//!
//! Columns are found by header name with aliases (Chinese or English), never by position.
//! Dates may be Excel dates, `2026-03-01`, `2026/3/1` or `26-03-01 星期日`; interval starts
//! Excel times, `09:00`, `9:00` or `09:00-09:30`. Every problem is reported, all at once, with
//! sheet, row, column, what was expected and what was found; with any problem nothing is
//! returned.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use scheduler::demand::HistoryRow;

use super::table::{column_letter, header_text, number, parse_date, Cell, Said, Table};
pub use super::table::{ImportErrors, ImportProblem};
use crate::said;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Col {
    Date,
    Start,
    Offered,
    Answered,
    Abandoned,
    Aht,
    Asa,
    Abandon,
    Minutes,
}

impl Col {
    const REQUIRED: [Col; 6] = [
        Col::Date,
        Col::Start,
        Col::Offered,
        Col::Answered,
        Col::Abandoned,
        Col::Aht,
    ];

    const ALL: [Col; 9] = [
        Col::Date,
        Col::Start,
        Col::Offered,
        Col::Answered,
        Col::Abandoned,
        Col::Aht,
        Col::Asa,
        Col::Abandon,
        Col::Minutes,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Col::Date => &["日期", "date", "统计日期"],
            Col::Start => &[
                "时段",
                "开始时间",
                "时段开始",
                "时间段",
                "interval",
                "intervalstart",
                "start",
            ],
            Col::Offered => &[
                "呼入量",
                "进线量",
                "来电量",
                "offered",
                "callsoffered",
                "calls",
            ],
            Col::Answered => &["接通量", "接听量", "应答量", "answered", "callsanswered"],
            Col::Abandoned => &["放弃量", "呼损量", "未接量", "abandoned", "callsabandoned"],
            Col::Aht => &[
                "平均处理时长秒",
                "平均处理时长",
                "平均通话时长秒",
                "aht",
                "ahts",
                "ahtseconds",
                "averagehandletime",
            ],
            Col::Asa => &[
                "平均应答时长秒",
                "平均应答时长",
                "平均等待时长秒",
                "asa",
                "asas",
                "asaseconds",
            ],
            Col::Abandon => &[
                "平均放弃时长秒",
                "平均放弃时长",
                "ata",
                "abandonseconds",
                "averagetimetoabandon",
            ],
            Col::Minutes => &["时段长度分钟", "时长分钟", "intervalminutes", "minutes"],
        }
    }

    fn label(self) -> &'static str {
        self.aliases()[0]
    }
}

/// Reads the call history from file bytes (workbook or CSV).
pub fn read(bytes: &[u8]) -> Result<Vec<HistoryRow>, ImportErrors> {
    let owned = bytes.to_vec();
    super::bounded::within(super::bounded::PARSE_LIMIT, move || read_unbounded(&owned))
}

/// [`read`] without the time bound.
fn read_unbounded(bytes: &[u8]) -> Result<Vec<HistoryRow>, ImportErrors> {
    let table = super::table::read(bytes).map_err(|e| {
        ImportErrors(vec![ImportProblem::new(
            "-",
            None,
            None,
            said!("a workbook or CSV file", "工作簿或 CSV 文件"),
            e.said(),
        )])
    })?;
    from_table(&table)
}

fn from_table(t: &Table) -> Result<Vec<HistoryRow>, ImportErrors> {
    let mut problems = Vec::new();
    let problem = |row: Option<usize>, column: Option<String>, expected: Said, found: Said| {
        ImportProblem::new(t.sheet.clone(), row, column, expected, found)
    };
    // The header row: the first row that names the date and the offered calls.
    let header = t.rows.iter().position(|(_, cells)| {
        let names: Vec<String> = cells.iter().map(header_text).collect();
        [Col::Date, Col::Offered]
            .iter()
            .all(|c| names.iter().any(|n| c.aliases().contains(&n.as_str())))
    });
    let Some(h) = header else {
        return Err(ImportErrors(vec![problem(
            None,
            None,
            said!(
                "a header row naming at least 日期 (date) and 呼入量 (offered)",
                "至少含有 日期 与 呼入量 的表头行"
            ),
            said!("no such row", "没有这样的行"),
        )]));
    };
    let (header_row, header_cells) = &t.rows[h];
    let mut cols: BTreeMap<Col, usize> = BTreeMap::new();
    for (i, cell) in header_cells.iter().enumerate() {
        let name = header_text(cell);
        for c in Col::ALL {
            if c.aliases().contains(&name.as_str()) {
                if let Some(prev) = cols.insert(c, i) {
                    problems.push(problem(
                        Some(*header_row),
                        Some(column_letter(i)),
                        said!("one column for {}", "{}只有一列", c.label()),
                        said!(
                            "a second one (the first is column {})",
                            "第二列（第一列为 {} 列）",
                            column_letter(prev)
                        ),
                    ));
                }
            }
        }
    }
    for c in Col::REQUIRED {
        if !cols.contains_key(&c) {
            problems.push(problem(
                Some(*header_row),
                None,
                said!(
                    "a column {} (or {})",
                    "{}列（或 {}）",
                    c.label(),
                    c.aliases()[1..].join(", ")
                ),
                said!("none", "没有"),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(ImportErrors(problems));
    }
    let at = |cells: &[Cell], c: Col| -> Cell {
        cols.get(&c)
            .and_then(|&i| cells.get(i).cloned())
            .unwrap_or(Cell::Empty)
    };
    let loc = |c: Col| {
        let i = cols[&c];
        format!("{} ({})", column_letter(i), c.label())
    };
    let mut rows = Vec::new();
    let mut seen: BTreeMap<(NaiveDate, u32), usize> = BTreeMap::new();
    for (r, cells) in &t.rows[h + 1..] {
        let r = *r;
        let mut bad = |c: Col, expected: Said, cell: &Cell| {
            problems.push(problem(Some(r), Some(loc(c)), expected, cell.said()));
        };
        let date = match parse_date(&at(cells, Col::Date)) {
            Some(d) => Some(d),
            None => {
                bad(
                    Col::Date,
                    said!("a date such as 2026-03-01", "日期，如 2026-03-01"),
                    &at(cells, Col::Date),
                );
                None
            }
        };
        let start = match parse_start(&at(cells, Col::Start)) {
            Some(m) => Some(m),
            None => {
                bad(
                    Col::Start,
                    said!("an interval start such as 09:00", "时段开始时间，如 09:00"),
                    &at(cells, Col::Start),
                );
                None
            }
        };
        let mut count = |c: Col| -> Option<u32> {
            let cell = at(cells, c);
            match number(&cell) {
                Some(x) if x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 => Some(x as u32),
                _ => {
                    bad(
                        c,
                        said!(
                            "a whole number of calls, 0 or more",
                            "话务量，不小于 0 的整数"
                        ),
                        &cell,
                    );
                    None
                }
            }
        };
        let offered = count(Col::Offered);
        let answered = count(Col::Answered);
        let abandoned = count(Col::Abandoned);
        let mut seconds = |c: Col, needed: bool| -> Option<Option<f64>> {
            let cell = at(cells, c);
            match (&cell, number(&cell)) {
                (Cell::Empty, _) if !needed => Some(None),
                (_, Some(x)) if x >= 0.0 && x.is_finite() => Some(Some(x)),
                _ => {
                    bad(
                        c,
                        said!("seconds, a number 0 or more", "秒数，不小于 0"),
                        &cell,
                    );
                    None
                }
            }
        };
        let aht = seconds(Col::Aht, answered.unwrap_or(0) > 0);
        let asa = if cols.contains_key(&Col::Asa) {
            seconds(Col::Asa, false)
        } else {
            Some(None)
        };
        let ata = if cols.contains_key(&Col::Abandon) {
            seconds(Col::Abandon, false)
        } else {
            Some(None)
        };
        let minutes = if cols.contains_key(&Col::Minutes) {
            let cell = at(cells, Col::Minutes);
            match number(&cell) {
                Some(x) if [15.0, 30.0, 60.0].contains(&x) => Some(Some(x as u32)),
                _ => {
                    bad(
                        Col::Minutes,
                        said!("15, 30 or 60 minutes", "15、30 或 60 分钟"),
                        &cell,
                    );
                    None
                }
            }
        } else {
            Some(None)
        };
        let (
            Some(date),
            Some(start),
            Some(offered),
            Some(answered),
            Some(abandoned),
            Some(aht),
            Some(asa),
            Some(ata),
            Some(minutes),
        ) = (
            date, start, offered, answered, abandoned, aht, asa, ata, minutes,
        )
        else {
            continue;
        };
        if answered + abandoned > offered {
            problems.push(problem(
                Some(r),
                Some(loc(Col::Offered)),
                said!(
                    "at least answered + abandoned = {}",
                    "不少于 接通 + 放弃 = {}",
                    answered + abandoned
                ),
                said!("{offered} offered", "呼入 {offered}"),
            ));
            continue;
        }
        if let Some(prev) = seen.insert((date, start), r) {
            problems.push(problem(
                Some(r),
                None,
                said!(
                    "one row per date and interval (row {prev} has {date} {})",
                    "每个日期和时段一行（第 {prev} 行已有 {date} {}）",
                    scheduler::demand::hhmm(start)
                ),
                said!("a duplicate", "重复"),
            ));
            continue;
        }
        rows.push(HistoryRow {
            date,
            start_minute: start,
            minutes: minutes.unwrap_or(0),
            offered,
            answered,
            abandoned,
            aht_seconds: aht.unwrap_or(0.0),
            asa_seconds: asa,
            abandon_seconds: ata,
        });
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(problem(
            None,
            None,
            said!("at least one data row", "至少一行数据"),
            said!("none", "没有"),
        ));
    }
    // Interval length when no column gives it: the smallest gap between starts on a date.
    if problems.is_empty() && rows.iter().any(|x| x.minutes == 0) {
        let mut by_date: BTreeMap<NaiveDate, Vec<u32>> = BTreeMap::new();
        for x in &rows {
            by_date.entry(x.date).or_default().push(x.start_minute);
        }
        let gap = by_date
            .values_mut()
            .flat_map(|v| {
                v.sort_unstable();
                v.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
            })
            .min();
        match gap {
            Some(g @ (15 | 30 | 60)) => {
                for x in rows.iter_mut().filter(|x| x.minutes == 0) {
                    x.minutes = g;
                }
            }
            other => problems.push(problem(
                None,
                Some(loc(Col::Start)),
                said!(
                    "interval starts 15, 30 or 60 minutes apart (or a column 时段长度分钟)",
                    "时段开始时间间隔 15、30 或 60 分钟（或增加 时段长度分钟 列）"
                ),
                other.map_or_else(
                    || said!("a single interval per date", "每个日期只有一个时段"),
                    |g| said!("starts {g} minutes apart", "开始时间间隔 {g} 分钟"),
                ),
            )),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(ImportErrors(problems))
    }
}

fn parse_start(c: &Cell) -> Option<u32> {
    match c {
        Cell::Date(x) | Cell::Number(x) if (0.0..1.0).contains(x) => {
            let m = (x * 1440.0).round() as u32;
            (m < 1440).then_some(m)
        }
        Cell::Text(t) => {
            let first = t.split(['-', '–', '~']).next()?.trim();
            let m = scheduler::site::parse_clock(first)?;
            (m < 1440).then_some(m)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "日期,时段,呼入量,接通量,放弃量,平均处理时长(秒),平均应答时长(秒),平均放弃时长(秒)\n";

    #[test]
    fn reads_csv_with_chinese_headers_and_infers_the_interval() {
        let text = format!(
            "{HEAD}2026-03-01,09:00,10,9,1,200,12.5,40\n26-03-01 星期日,09:30-10:00,0,0,0,,,\n"
        );
        let rows = read(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].minutes, 30);
        assert_eq!(rows[1].date, "2026-03-01".parse::<NaiveDate>().unwrap());
        assert_eq!(rows[1].start_minute, 570);
        assert_eq!(rows[0].asa_seconds, Some(12.5));
        assert!(rows[1].aht_seconds.abs() < 1e-12);
    }

    /// Columns in another order, English headers: matched by name.
    #[test]
    fn columns_are_matched_by_name_not_position() {
        let text = "Offered,Date,Interval,AHT (s),Answered,Abandoned\n5,2026-03-02,08:00,180,5,0\n6,2026-03-02,09:00,190,6,0\n";
        let rows = read(text.as_bytes()).unwrap();
        assert_eq!(rows[1].offered, 6);
        assert_eq!(rows[1].minutes, 60);
        assert_eq!(rows[0].asa_seconds, None);
    }

    /// Every problem at once, each with its row and column: text in a number cell, a bad date,
    /// answered + abandoned above offered, a duplicate interval.
    #[test]
    fn all_problems_are_named_at_once() {
        let text = format!(
            "{HEAD}2026-03-01,09:00,ten,9,1,200,,\n2026-13-01,09:30,10,9,1,200,,\n2026-03-01,10:00,5,5,1,200,,\n2026-03-01,10:30,5,5,0,200,,\n2026-03-01,10:30,5,5,0,200,,\n"
        );
        let e = read(text.as_bytes()).unwrap_err();
        let s = e.to_string();
        assert_eq!(e.0.len(), 4, "{s}");
        assert!(
            s.contains("row 2, column C (呼入量)") && s.contains("found \"ten\""),
            "{s}"
        );
        assert!(
            s.contains("row 3, column A (日期)") && s.contains("\"2026-13-01\""),
            "{s}"
        );
        assert!(
            s.contains("row 4, column C") && s.contains("answered + abandoned = 6"),
            "{s}"
        );
        assert!(s.contains("row 6") && s.contains("duplicate"), "{s}");
    }

    #[test]
    fn a_missing_column_is_named() {
        let e = read("日期,时段,呼入量,接通量\n2026-03-01,09:00,1,1\n".as_bytes()).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("放弃量") && s.contains("平均处理时长"), "{s}");
        let e = read(b"\x00\x01garbage").unwrap_err().to_string();
        assert!(e.contains("neither a workbook"), "{e}");
    }

    /// A workbook written with rust_xlsxwriter (a title row above the header, Excel dates and
    /// times in cells) reads the same as the CSV.
    #[test]
    fn reads_a_workbook_with_excel_dates_and_a_title_row() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
        let header = |ws: &mut Worksheet, row: u32| {
            let names = [
                "日期",
                "时段",
                "呼入量",
                "接通量",
                "放弃量",
                "平均处理时长(秒)",
            ];
            for (c, h) in names.iter().enumerate() {
                ws.write_string(row, c as u16, *h).unwrap();
            }
        };
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("话务报表").unwrap();
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        let time_fmt = Format::new().set_num_format("hh:mm");
        ws.write_string(0, 0, "儋州分平台 话务时段报表").unwrap();
        header(ws, 2);
        let d = ExcelDateTime::from_ymd(2026, 3, 2).unwrap();
        for (i, hour) in [9u16, 10].iter().enumerate() {
            let r = 3 + i as u32;
            ws.write_datetime_with_format(r, 0, &d, &date_fmt).unwrap();
            let t = ExcelDateTime::from_hms(*hour, 0, 0).unwrap();
            ws.write_datetime_with_format(r, 1, &t, &time_fmt).unwrap();
            ws.write_number(r, 2, 12).unwrap();
            ws.write_number(r, 3, 11).unwrap();
            ws.write_number(r, 4, 1).unwrap();
            ws.write_number(r, 5, 210.5).unwrap();
        }
        ws.write_string(5, 0, "2026-03-02").unwrap();
        ws.write_string(5, 1, "11:00").unwrap();
        ws.write_string(5, 2, "12 calls").unwrap();
        ws.write_number(5, 3, 1).unwrap();
        ws.write_number(5, 4, 0).unwrap();
        ws.write_number(5, 5, 100).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let e = read(&bytes).unwrap_err().to_string();
        assert!(
            e.contains("sheet 话务报表, row 6, column C (呼入量)"),
            "{e}"
        );
        // Without the bad row, the rows read with their Excel dates and times.
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        header(ws, 0);
        ws.write_datetime_with_format(1, 0, &d, &date_fmt).unwrap();
        ws.write_datetime_with_format(1, 1, ExcelDateTime::from_hms(9, 30, 0).unwrap(), &time_fmt)
            .unwrap();
        ws.write_number(1, 2, 12).unwrap();
        ws.write_number(1, 3, 11).unwrap();
        ws.write_number(1, 4, 1).unwrap();
        ws.write_number(1, 5, 210.5).unwrap();
        ws.write_datetime_with_format(2, 0, &d, &date_fmt).unwrap();
        ws.write_datetime_with_format(2, 1, ExcelDateTime::from_hms(10, 0, 0).unwrap(), &time_fmt)
            .unwrap();
        for c in 2..6 {
            ws.write_number(2, c, 0).unwrap();
        }
        let rows = read(&wb.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows[0].date, "2026-03-02".parse::<NaiveDate>().unwrap());
        assert_eq!(rows[0].start_minute, 570);
        assert_eq!(rows[0].minutes, 30);
        assert!((rows[0].aht_seconds - 210.5).abs() < 1e-9);
    }
}
