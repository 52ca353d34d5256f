//! The periodic HR report workbook (人力资源日报 / 周报 / 月报 / 季报) of a [`Report`]:
//! - 概览: the key figures on one page (when more than one section is in the workbook);
//! - 人员: headcount on post against the contracted seats and the reserve, day by day (month
//!   by month for a quarter), joiners, leavers and the attrition rate, with a column chart;
//! - 考勤明细 / 考勤班组: hours, overtime, nights and holiday work per person and per team,
//!   with a chart of the hours per person by team;
//! - 话务汇总 / 话务日明细: calls offered and answered, answer and abandon rates, handle time,
//!   satisfaction and callback timeliness, with a line chart of the answer rate per day;
//! - 绩效明细 / 绩效班组: KPI scores, composite and coefficient per person-month and team;
//! - 人工费: labour cost by item by month, with a stacked column chart.
//!
//! Numbers are numbers (¥ for money, 0.0% for rates, 0.00% for the attrition rate), totals are
//! `SUM` formulas carrying their exact result; widths are set by hand (≈ 2 × Chinese
//! characters + 2); each sheet's header row is frozen and repeated on every printed page, A4
//! landscape, one page wide.

use chrono::{Datelike, NaiveDate};
use payroll::Kpi;
use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    utility::row_col_to_cell, Chart, ChartEmptyCells, ChartFormat, ChartLegendPosition, ChartLine,
    ChartLineDashType, ChartMarker, ChartMarkerType, ChartSolidFill, ChartType, Color,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::excel::payroll_xlsx::MONEY_FORMAT;
use crate::excel::roster_xlsx::role_zh;
use crate::report::{
    weekday_zh, Attendance, CostKind, CostTable, KpiReport, PeriodKind, Quality, QualityBasis,
    Report, Service, ServiceRow, Staffing, ANSWER_RATE_TARGET,
};

/// Excel's paper size code of A4.
const PAPER_A4: u8 = 9;

/// Row of the column headers on every sheet (title, note and data gaps above it).
const HEAD: u32 = 3;

/// Sheet names.
pub const OVERVIEW: &str = "概览";
/// Staffing sheet.
pub const STAFFING: &str = "人员";
/// Attendance per person.
pub const ATTENDANCE: &str = "考勤明细";
/// Attendance per team.
pub const ATTENDANCE_TEAMS: &str = "考勤班组";
/// Service summary (month, quarter).
pub const SERVICE_SUMMARY: &str = "话务汇总";
/// Service per day.
pub const SERVICE_DAILY: &str = "话务日明细";
/// KPI per person-month.
pub const KPI: &str = "绩效明细";
/// KPI per team.
pub const KPI_TEAMS: &str = "绩效班组";
/// Labour cost.
pub const COST: &str = "人工费";

/// The KPI columns, in payroll's order.
const KPI_HEADERS: [(Kpi, &str); 5] = [
    (Kpi::AnswerRate, "接通率得分"),
    (Kpi::Satisfaction, "满意度得分"),
    (Kpi::QaScore, "质检得分"),
    (Kpi::CallbackTimeliness, "回访及时率得分"),
    (Kpi::Attendance, "出勤得分"),
];

// ---------------------------------------------------------------------------------------------
// Styles, values, widths.

struct Styles {
    title: Format,
    note: Format,
    gap: Format,
    head: Format,
    text: Format,
    date: Format,
    count: Format,
    short: Format,
    signed: Format,
    hours: Format,
    money: Format,
    rate: Format,
    rate2: Format,
    score: Format,
    seconds: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let num = |f: &str| cell.clone().set_num_format(f).set_align(FormatAlign::Right);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_font_color(Color::RGB(0x595959)),
            gap: Format::new().set_font_color(Color::RGB(0xC00000)),
            head: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xD9E1F2)),
            text: cell.clone(),
            date: cell
                .clone()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Center),
            count: num("#,##0"),
            short: num("#,##0").set_background_color(Color::RGB(0xFFC7CE)),
            signed: num("+0;[Red]-0;0").set_align(FormatAlign::Center),
            hours: num("#,##0.0"),
            money: num(MONEY_FORMAT),
            rate: num("0.0%"),
            rate2: num("0.00%"),
            score: num("0.00"),
            seconds: num("0.0"),
        }
    }

    /// The same format, bold on grey, for a totals row.
    fn total(f: &Format) -> Format {
        f.clone()
            .set_bold()
            .set_background_color(Color::RGB(0xF2F2F2))
    }
}

/// One cell's value and how it is shown.
#[derive(Debug, Clone)]
enum V {
    Text(String),
    Date(NaiveDate),
    Count(u64),
    /// A count shaded red (on post below the contract).
    Short(u64),
    Signed(i64),
    Hours(Decimal),
    Money(Decimal),
    Rate(Option<Decimal>),
    Rate2(Option<Decimal>),
    Score(Option<Decimal>),
    Seconds(Option<Decimal>),
    Blank,
}

fn text(s: impl Into<String>) -> V {
    V::Text(s.into())
}

/// Width of a string in Excel character units: a Chinese character counts 2, others 1.1.
fn text_width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() || c == '¥' { 1.1 } else { 2.0 })
        .sum()
}

/// `¥1,234.56`, for widths and notes.
fn money_text(d: Decimal) -> String {
    payroll::money::grouped(d, true)
}

/// A rate as people read it, `93.9%` (notes only; cells keep the exact value).
fn pct(d: Decimal, places: u32) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(places))
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

impl V {
    /// How wide the value shows.
    fn width(&self) -> f64 {
        match self {
            V::Text(s) => text_width(s),
            V::Date(_) => 10.0,
            V::Count(n) | V::Short(n) => n.to_string().len() as f64 * 1.2,
            V::Signed(n) => n.to_string().len() as f64 + 1.0,
            V::Hours(d) => format!("{:.1}", d).len() as f64 * 1.2,
            V::Money(d) => text_width(&money_text(*d)),
            V::Rate(_) | V::Rate2(_) => 7.0,
            V::Score(_) | V::Seconds(_) => 6.0,
            V::Blank => 0.0,
        }
    }
}

/// Column widths grown by hand.
#[derive(Default)]
struct Widths(Vec<f64>);

impl Widths {
    fn fit(&mut self, col: u16, width: f64) {
        let c = usize::from(col);
        if self.0.len() <= c {
            self.0.resize(c + 1, 0.0);
        }
        self.0[c] = self.0[c].max(width + 2.0);
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in (0u16..).zip(&self.0) {
            if *w > 0.0 {
                ws.set_column_width(c, w.min(60.0))?;
            }
        }
        Ok(())
    }
}

/// A sheet being written: the worksheet, styles and widths.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    st: &'a Styles,
    widths: Widths,
    /// Title, note, gaps: text, format, size relative to 11 pt.
    banner: Vec<(String, Format, f64)>,
}

/// What a totals row shows in a column.
enum Tot {
    /// `合计` or another label.
    Label(&'static str),
    /// `SUM` of the column, cached as this exact value.
    Sum(V),
    /// A value computed from the totals (a rate).
    Value(V),
    /// Nothing.
    Blank,
}

impl<'a> Sheet<'a> {
    fn new(wb: &'a mut Workbook, name: &'static str, st: &'a Styles) -> Result<Self, XlsxError> {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            st,
            widths: Widths::default(),
            banner: Vec::new(),
        })
    }

    /// Title, note and the data gaps above the header row.
    /// Title, note and the data gaps above the header row; written by [`Sheet::finish`],
    /// merged across the columns used and wrapped, so that a long note neither runs off the
    /// table nor shrinks the printed page.
    fn heading(&mut self, title: &str, note: &str, gaps: &[String]) -> Result<(), XlsxError> {
        self.banner = vec![
            (title.to_owned(), self.st.title.clone(), 1.35),
            (note.to_owned(), self.st.note.clone(), 1.0),
        ];
        if !gaps.is_empty() {
            self.banner.push((
                format!("数据缺失：{}", gaps.join("；")),
                self.st.gap.clone(),
                1.0,
            ));
        }
        Ok(())
    }

    fn put(&mut self, row: u32, col: u16, v: &V, total: bool) -> Result<(), XlsxError> {
        let st = self.st;
        let pick = |fmt: &Format| {
            if total {
                Styles::total(fmt)
            } else {
                fmt.clone()
            }
        };
        let ws = &mut *self.ws;
        match v {
            V::Text(s) => {
                ws.write_string_with_format(row, col, s, &pick(&st.text))?;
            }
            V::Date(d) => {
                let x = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(row, col, &x, &pick(&st.date))?;
            }
            V::Count(n) => {
                ws.write_number_with_format(row, col, *n as f64, &pick(&st.count))?;
            }
            V::Short(n) => {
                ws.write_number_with_format(row, col, *n as f64, &pick(&st.short))?;
            }
            V::Signed(n) => {
                ws.write_number_with_format(row, col, *n as f64, &pick(&st.signed))?;
            }
            V::Hours(d) => {
                ws.write_number_with_format(row, col, f(*d), &pick(&st.hours))?;
            }
            V::Money(d) => {
                ws.write_number_with_format(row, col, f(*d), &pick(&st.money))?;
            }
            V::Rate(x) | V::Rate2(x) | V::Score(x) | V::Seconds(x) => {
                let fmt = match v {
                    V::Rate(_) => &st.rate,
                    V::Rate2(_) => &st.rate2,
                    V::Score(_) => &st.score,
                    _ => &st.seconds,
                };
                match x {
                    Some(d) => ws.write_number_with_format(row, col, f(*d), &pick(fmt))?,
                    None => ws.write_blank(row, col, &pick(fmt))?,
                };
            }
            V::Blank => {
                ws.write_blank(row, col, &pick(&st.text))?;
            }
        }
        self.widths.fit(col, v.width());
        Ok(())
    }

    /// A table: headers at `head`, one row per `rows`, an optional totals row. Returns the
    /// first and last data rows.
    fn table(
        &mut self,
        head: u32,
        col0: u16,
        headers: &[&str],
        rows: &[Vec<V>],
        totals: Option<Vec<Tot>>,
    ) -> Result<(u32, u32), XlsxError> {
        for (c, h) in (col0..).zip(headers) {
            self.ws
                .write_string_with_format(head, c, *h, &self.st.head)?;
            self.widths.fit(c, text_width(h));
        }
        let first = head + 1;
        for (r, row) in (first..).zip(rows) {
            for (c, v) in (col0..).zip(row) {
                self.put(r, c, v, false)?;
            }
        }
        let last = first + rows.len() as u32 - 1;
        if let Some(totals) = totals {
            let tr = first + rows.len() as u32;
            for (c, t) in (col0..).zip(totals) {
                match t {
                    Tot::Label(s) => self.put(tr, c, &text(s), true)?,
                    Tot::Value(v) => self.put(tr, c, &v, true)?,
                    Tot::Blank => self.put(tr, c, &V::Blank, true)?,
                    Tot::Sum(v) => {
                        if rows.is_empty() {
                            self.put(tr, c, &v, true)?;
                            continue;
                        }
                        let (value, fmt) = match &v {
                            V::Count(n) => (*n as f64, &self.st.count),
                            V::Hours(d) => (f(*d), &self.st.hours),
                            V::Money(d) => (f(*d), &self.st.money),
                            _ => {
                                self.put(tr, c, &v, true)?;
                                continue;
                            }
                        };
                        let formula = Formula::new(format!(
                            "=SUM({}:{})",
                            row_col_to_cell(first, c),
                            row_col_to_cell(last, c)
                        ))
                        .set_result(value.to_string());
                        self.ws
                            .write_formula_with_format(tr, c, formula, &Styles::total(fmt))?;
                        self.widths.fit(c, v.width());
                    }
                }
            }
        }
        Ok((first, last))
    }

    /// Writes the banner, freezes the rows above `first` and `cols` columns, sets widths and
    /// print setup.
    fn finish(self, first: u32, cols: u16) -> Result<(), XlsxError> {
        self.widths.apply(self.ws)?;
        let span = self.widths.0.len().max(1) as u16;
        let room: f64 = self
            .widths
            .0
            .iter()
            .map(|w| w.min(60.0))
            .sum::<f64>()
            .max(10.0);
        let title = self.banner.first().map(|b| b.0.clone()).unwrap_or_default();
        for (row, (text, fmt, scale)) in (0u32..).zip(&self.banner) {
            let fmt = fmt.clone().set_text_wrap().set_align(FormatAlign::Top);
            if span > 1 {
                self.ws.merge_range(row, 0, row, span - 1, text, &fmt)?;
            } else {
                self.ws.write_string_with_format(row, 0, text, &fmt)?;
            }
            let lines = (text_width(text) * scale / (room - 1.0)).ceil().max(1.0);
            self.ws.set_row_height(row, lines * 15.0 * scale + 4.0)?;
        }
        let ws = self.ws;
        ws.set_freeze_panes(first, cols)?;
        ws.set_landscape();
        ws.set_paper_size(PAPER_A4);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_print_center_horizontally(true);
        ws.set_repeat_rows(HEAD, HEAD)?;
        ws.set_header(format!("&C{}", title.replace('&', "&&")));
        ws.set_footer("&C第 &P 页 / 共 &N 页");
        Ok(())
    }
}

/// A chart in the house style: title, legend at the bottom, size.
fn chart(kind: ChartType, title: &str) -> Chart {
    let mut c = Chart::new(kind);
    c.title().set_name(title);
    c.legend().set_position(ChartLegendPosition::Bottom);
    c.show_empty_cells_as(ChartEmptyCells::Gaps);
    c.set_width(720).set_height(340);
    c
}

const BLUE: u32 = 0x2F5597;
const ORANGE: u32 = 0xED7D31;
const RED: u32 = 0xC00000;
const PALETTE: [u32; 10] = [
    0x2F5597, 0x8FAADC, 0xC5D4EE, 0xED7D31, 0xFFC000, 0x70AD47, 0xA5A5A5, 0x7030A0, 0x264478,
    0x9E480E,
];

// ---------------------------------------------------------------------------------------------
// The workbook.

/// Writes the report's workbook.
///
/// # Errors
/// rust_xlsxwriter refused something.
pub fn workbook(r: &Report) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let mut wb = Workbook::new();
    let sections = [
        r.staffing.is_some(),
        r.attendance.is_some(),
        r.service.is_some(),
        r.kpi.is_some(),
        r.cost.is_some(),
    ];
    if sections.iter().filter(|s| **s).count() > 1 {
        overview(&mut wb, &st, r)?;
    }
    if let Some(s) = &r.staffing {
        staffing(&mut wb, &st, r, s)?;
    }
    if let Some(a) = &r.attendance {
        attendance(&mut wb, &st, r, a)?;
    }
    if let Some(s) = &r.service {
        service(&mut wb, &st, r, s)?;
    }
    if let Some(k) = &r.kpi {
        kpi(&mut wb, &st, r, k)?;
    }
    if let Some(c) = &r.cost {
        cost(&mut wb, &st, r, c)?;
    }
    if sections.iter().all(|s| !s) {
        let mut sh = Sheet::new(&mut wb, OVERVIEW, &st)?;
        sh.heading(&r.title(), "本报表没有可用的数据。", &r.gaps)?;
        sh.finish(HEAD + 1, 0)?;
    }
    wb.save_to_buffer()
}

fn sheet_title(r: &Report, what: &str) -> String {
    format!("{} · {what}", r.title())
}

/// Quality figures as cells: a score (0.00) or a measured rate (0.0%).
fn quality_value(q: &Quality, v: Option<Decimal>) -> V {
    match q.basis {
        QualityBasis::KpiScores => V::Score(v),
        QualityBasis::Measured => V::Rate(v),
    }
}

/// The basis in a few words, for the overview.
fn quality_short(q: &Quality) -> &'static str {
    match q.basis {
        QualityBasis::KpiScores => "KPI 得分（0–100），非实测率；KPI 导入前为中性分 85",
        QualityBasis::Measured => "实测率",
    }
}

fn quality_note(q: &Quality) -> &'static str {
    match q.basis {
        QualityBasis::KpiScores => "KPI 得分（0–100，工资所用绩效得分的平均；KPI 导入上线前为中性分 85），不是实测满意率/及时率",
        QualityBasis::Measured => "实测：满意率 = 满意评价数 ÷ 评价数；回访及时率 = 按时回访数 ÷ 应回访数",
    }
}

fn overview(wb: &mut Workbook, st: &Styles, r: &Report) -> Result<(), XlsxError> {
    let title = sheet_title(r, "概览");
    let mut sh = Sheet::new(wb, OVERVIEW, st)?;
    sh.heading(
        &title,
        &format!(
            "期间 {} 至 {}；各项口径见对应工作表。",
            r.period.first(),
            r.period.last()
        ),
        &r.gaps,
    )?;
    let mut rows: Vec<Vec<V>> = Vec::new();
    let mut row = |area: &str, what: &str, v: V, how: &str| {
        rows.push(vec![text(area), text(what), v, text(how)]);
    };
    if let Some(s) = &r.staffing {
        let on_post = u64::from(s.end.on_post);
        row(
            "人员",
            "期末在岗人数",
            if s.end.on_post < s.contracted {
                V::Short(on_post)
            } else {
                V::Count(on_post)
            },
            &format!("合同坐席 {} 人", s.contracted),
        );
        row(
            "人员",
            "期末预备人员",
            V::Count(u64::from(s.end.reserve)),
            "单独统计，不计入在岗",
        );
        row(
            "人员",
            "本期入职",
            V::Count(s.joiners.len() as u64),
            "入职日期在本期内",
        );
        row(
            "人员",
            "本期离职",
            V::Count(s.leavers.len() as u64),
            "最后工作日在本期内",
        );
        row(
            "人员",
            "平均人数",
            V::Hours(s.average_headcount),
            "（期初 + 期末）÷ 2，含预备人员",
        );
        row(
            "人员",
            "人员流失率",
            V::Rate2(s.attrition),
            "离职人数 ÷ 平均人数",
        );
    }
    if let Some(s) = &r.service {
        let t = &s.total;
        row("话务", "呼入量", V::Count(t.offered), "话务平台时段报表");
        row(
            "话务",
            "接通率",
            V::Rate(t.answer_rate()),
            &format!("接通量 ÷ 呼入量；目标 {}", pct(ANSWER_RATE_TARGET, 0)),
        );
        row(
            "话务",
            "放弃率",
            V::Rate(t.abandon_rate()),
            "放弃量 ÷ 呼入量",
        );
        match &s.quality {
            Some(q) => {
                row(
                    "服务质量",
                    "满意度",
                    quality_value(q, q.satisfaction),
                    quality_short(q),
                );
                row(
                    "服务质量",
                    "回访及时率",
                    quality_value(q, q.callback_timeliness),
                    quality_short(q),
                );
            }
            None => {
                row(
                    "服务质量",
                    "满意度、回访及时率",
                    text("按月考核"),
                    "见月报、季报",
                );
            }
        }
    }
    if let Some(a) = &r.attendance {
        let people = a.people.len() as u32;
        let sum = |g: fn(&crate::report::PersonHours) -> Decimal| -> Decimal {
            a.people.iter().map(g).sum()
        };
        let per = |d: Decimal| (people > 0).then(|| d / Decimal::from(people));
        row(
            "考勤",
            "人均工时",
            per(sum(|p| p.worked_hours())).map_or(V::Blank, V::Hours),
            "计薪工时 ÷ 人数（含预备人员）",
        );
        let overtime: Option<Decimal> = a.people.iter().map(|p| p.overtime_hours).sum();
        match overtime {
            Some(o) => row(
                "考勤",
                "人均加班工时",
                per(o).map_or(V::Blank, V::Hours),
                "按工资口径，按月结算",
            ),
            None => row(
                "考勤",
                "人均加班工时",
                text("按月结算"),
                "日报、周报不计加班",
            ),
        }
        row(
            "考勤",
            "夜班次数",
            V::Count(a.people.iter().map(|p| u64::from(p.night_shifts)).sum()),
            "合计",
        );
        row(
            "考勤",
            "法定节假日工时",
            V::Hours(sum(|p| p.holiday_hours)),
            "合计",
        );
        row(
            "考勤",
            "休息日工时",
            V::Hours(sum(|p| p.rest_day_hours)),
            "合计",
        );
    }
    if let Some(k) = &r.kpi {
        let n = k.people.len() as u32;
        let avg = (n > 0).then(|| {
            k.people.iter().map(|p| p.rating.composite).sum::<Decimal>() / Decimal::from(n)
        });
        row(
            "绩效",
            "平均综合得分",
            V::Score(avg),
            "Σ 权重 × 得分，按人次平均",
        );
        row(
            "绩效",
            "系数低于 1.00 的人次",
            V::Count(
                k.people
                    .iter()
                    .filter(|p| p.rating.coefficient < Decimal::ONE)
                    .count() as u64,
            ),
            "绩效系数表",
        );
    }
    if !r.period.whole_months() {
        row(
            "绩效、人工费",
            "绩效结果、人工费",
            text("按月核算"),
            "见月报、季报",
        );
    }
    if let Some(c) = &r.cost {
        if let Some(i) = c.columns.iter().position(|c| c.kind == CostKind::Total) {
            row(
                "人工费",
                "坐席人工费合计",
                V::Money(c.totals[i]),
                "人员费用 + 管理费用",
            );
            let heads: u32 = c.rows.iter().map(|r| r.headcount).sum();
            if heads > 0 {
                row(
                    "人工费",
                    "人均月坐席人工费",
                    V::Money((c.totals[i] / Decimal::from(heads)).round_dp(2)),
                    "合计 ÷ 各月计薪人数之和",
                );
            }
        }
    }
    let (first, _) = sh.table(HEAD, 0, &["类别", "指标", "数值", "口径"], &rows, None)?;
    sh.finish(first, 0)
}

fn staffing(wb: &mut Workbook, st: &Styles, r: &Report, s: &Staffing) -> Result<(), XlsxError> {
    let title = sheet_title(r, "人员与流失率");
    let by_month = r.period.kind() == PeriodKind::Quarter;
    let mut sh = Sheet::new(wb, STAFFING, st)?;
    sh.heading(
        &title,
        &format!(
            "人数为当日（月）结束时在职人数；在岗与合同坐席 {} 人比较，预备人员单独统计。流失率 = 本期离职人数 ÷ 平均人数，平均人数 = （期初人数 + 期末人数）÷ 2，人数含预备人员；期初 = 期间前一日结束时。变动日期：入职为入职日期，离职为最后工作日。",
            s.contracted
        ),
        &r.gaps,
    )?;
    let mut headers = vec![if by_month {
        "月份（月末）"
    } else {
        "日期"
    }];
    if !by_month {
        headers.push("星期");
    }
    headers.extend(["在岗", "预备人员", "合计", "合同坐席", "在岗−合同"]);
    let rows: Vec<Vec<V>> = s
        .series
        .iter()
        .map(|(b, h)| {
            let mut v = if by_month {
                vec![text(b.label())]
            } else {
                vec![V::Date(b.last), text(weekday_zh(b.last.weekday()))]
            };
            let on = u64::from(h.on_post);
            v.extend([
                if h.on_post < s.contracted {
                    V::Short(on)
                } else {
                    V::Count(on)
                },
                V::Count(u64::from(h.reserve)),
                V::Count(u64::from(h.total())),
                V::Count(u64::from(s.contracted)),
                V::Signed(i64::from(h.on_post) - i64::from(s.contracted)),
            ]);
            v
        })
        .collect();
    let ncols = headers.len() as u16;
    let (first, last) = sh.table(HEAD, 0, &headers, &rows, None)?;
    let c_on = if by_month { 1 } else { 2 };

    // To the right of the series: key figures and the groups at the end, the chart under
    // them, then the joiners and leavers.
    let kc = ncols + 1;
    let key: Vec<Vec<V>> = vec![
        vec![text("期初在岗"), V::Count(u64::from(s.start.on_post))],
        vec![text("期初预备人员"), V::Count(u64::from(s.start.reserve))],
        vec![text("期末在岗"), V::Count(u64::from(s.end.on_post))],
        vec![text("期末预备人员"), V::Count(u64::from(s.end.reserve))],
        vec![text("本期入职"), V::Count(s.joiners.len() as u64)],
        vec![text("本期离职"), V::Count(s.leavers.len() as u64)],
        vec![text("平均人数"), V::Hours(s.average_headcount)],
        vec![text("人员流失率"), V::Rate2(s.attrition)],
    ];
    let (_, key_last) = sh.table(HEAD, kc, &["指标", "数值"], &key, None)?;
    let groups: Vec<Vec<V>> = s
        .by_group
        .iter()
        .map(|(g, n)| vec![text(g.label_zh()), V::Count(u64::from(*n))])
        .collect();
    sh.table(HEAD, kc + 3, &["班组（期末）", "人数"], &groups, None)?;

    let mut c = chart(ChartType::ColumnStacked, "在岗人数与合同坐席");
    let cats = (STAFFING, first, 0, last, 0);
    for (col, name, color) in [(c_on, "在岗", BLUE), (c_on + 1, "预备人员", ORANGE)] {
        c.add_series()
            .set_name(name)
            .set_categories(cats)
            .set_values((STAFFING, first, col, last, col))
            .set_format(ChartSolidFill::new().set_color(Color::RGB(color)))
            .set_gap(60);
    }
    let mut line = Chart::new(ChartType::Line);
    line.add_series()
        .set_name(format!("合同坐席 {} 人", s.contracted).as_str())
        .set_categories(cats)
        .set_values((STAFFING, first, c_on + 3, last, c_on + 3))
        .set_format(ChartLine::new().set_color(Color::RGB(RED)).set_width(2.25));
    c.combine(&line);
    c.y_axis().set_min(0);
    if !by_month {
        c.x_axis().set_num_format("m-d");
    }
    // The chart is 340 px high, 17 rows of 20 px.
    let chart_row = key_last.max(HEAD + 1 + groups.len() as u32) + 2;
    // One day is one column: the key figures say it all.
    let chart_rows = if s.series.len() > 1 {
        sh.ws.insert_chart(chart_row, kc, &c)?;
        18
    } else {
        0
    };

    let mut moves: Vec<Vec<V>> = s
        .joiners
        .iter()
        .map(|m| (m, "入职"))
        .chain(s.leavers.iter().map(|m| (m, "离职")))
        .map(|(m, what)| {
            vec![
                text(what),
                V::Date(m.date),
                text(&m.id),
                text(&m.name),
                text(m.group.label_zh()),
            ]
        })
        .collect();
    if moves.is_empty() {
        moves.push(vec![
            text("本期无入职、离职"),
            V::Blank,
            V::Blank,
            V::Blank,
            V::Blank,
        ]);
    }
    sh.table(
        chart_row + chart_rows,
        kc,
        &["变动", "日期", "工号", "姓名", "班组"],
        &moves,
        None,
    )?;
    sh.finish(first, if by_month { 1 } else { 2 })
}

fn attendance(wb: &mut Workbook, st: &Styles, r: &Report, a: &Attendance) -> Result<(), XlsxError> {
    let settled = a.people.iter().all(|p| p.overtime_hours.is_some());
    let sources: Vec<String> = a
        .sources
        .iter()
        .map(|s| {
            if s.records == 0 {
                format!("{} 未导入考勤，按排班计", s.month)
            } else {
                format!(
                    "{} 考勤 {} 条与排班核对（{} 人无考勤记录，按排班计）",
                    s.month, s.records, s.from_roster
                )
            }
        })
        .collect();
    let overtime_note = if settled {
        "加班工时按工资口径：综合工时制 = 工作日 + 休息日工时超出当月应出勤工时（8 × (在职工作日 − 请假 − 旷工)）的部分 + 法定节假日工时；标准工时制 = 工作日超时 + 休息日工时 + 法定节假日工时。"
    } else {
        "综合工时制按月结算加班，日报、周报不计加班工时。"
    };
    let note = format!(
        "工时为计薪工时（班次计薪时长）。{overtime_note} 数据来源：{}。",
        sources.join("；")
    );

    // Per person.
    let title = sheet_title(r, "考勤明细");
    let mut sh = Sheet::new(wb, ATTENDANCE, st)?;
    sh.heading(&title, &note, &r.gaps)?;
    // Without settled overtime (a day or week) the overtime column is left out.
    let unsettled: &[usize] = if settled { &[] } else { &[8] };
    let headers = [
        "工号",
        "姓名",
        "班组",
        "出勤班次",
        "工作日工时",
        "休息日工时",
        "法定节假日工时",
        "合计工时",
        "加班工时",
        "夜班次数",
        "请假天数",
        "旷工天数",
        "迟到次数",
        "早退次数",
        "缺卡次数",
        "数据来源",
    ];
    let rows: Vec<Vec<V>> = a
        .people
        .iter()
        .map(|p| {
            vec![
                text(&p.employee),
                text(&p.name),
                text(p.group().label_zh()),
                V::Count(u64::from(p.shifts)),
                V::Hours(p.ordinary_hours),
                V::Hours(p.rest_day_hours),
                V::Hours(p.holiday_hours),
                V::Hours(p.worked_hours()),
                p.overtime_hours.map_or(V::Blank, V::Hours),
                V::Count(u64::from(p.night_shifts)),
                V::Hours(p.leave_days),
                V::Count(u64::from(p.absence_days)),
                V::Count(u64::from(p.late)),
                V::Count(u64::from(p.early_leave)),
                V::Count(u64::from(p.missing_punches)),
                text(if p.from_roster { "排班" } else { "考勤" }),
            ]
        })
        .collect();
    let hsum = |g: fn(&crate::report::PersonHours) -> Decimal| {
        Tot::Sum(V::Hours(a.people.iter().map(g).sum()))
    };
    let csum = |g: fn(&crate::report::PersonHours) -> u32| {
        Tot::Sum(V::Count(a.people.iter().map(|p| u64::from(g(p))).sum()))
    };
    let overtime: Option<Decimal> = a.people.iter().map(|p| p.overtime_hours).sum();
    let totals = vec![
        Tot::Label("合计"),
        Tot::Value(text(format!("{} 人", a.people.len()))),
        Tot::Blank,
        csum(|p| p.shifts),
        hsum(|p| p.ordinary_hours),
        hsum(|p| p.rest_day_hours),
        hsum(|p| p.holiday_hours),
        hsum(|p| p.worked_hours()),
        overtime.map_or(Tot::Blank, |o| Tot::Sum(V::Hours(o))),
        csum(|p| p.night_shifts),
        hsum(|p| p.leave_days),
        csum(|p| p.absence_days),
        csum(|p| p.late),
        csum(|p| p.early_leave),
        csum(|p| p.missing_punches),
        Tot::Blank,
    ];
    let (first, _) = sh.table(
        HEAD,
        0,
        &without(headers.to_vec(), unsettled),
        &rows
            .into_iter()
            .map(|r| without(r, unsettled))
            .collect::<Vec<_>>(),
        Some(without(totals, unsettled)),
    )?;
    sh.finish(first, 2)?;

    // Per team.
    let title = sheet_title(r, "考勤班组");
    let mut sh = Sheet::new(wb, ATTENDANCE_TEAMS, st)?;
    sh.heading(&title, &note, &r.gaps)?;
    let unsettled: &[usize] = if settled { &[] } else { &[5, 6] };
    let headers = [
        "班组",
        "人数",
        "出勤班次",
        "合计工时",
        "人均工时",
        "加班工时",
        "人均加班工时",
        "夜班次数",
        "人均夜班次数",
        "休息日工时",
        "法定节假日工时",
        "请假天数",
        "旷工天数",
    ];
    let rows: Vec<Vec<V>> = a
        .teams
        .iter()
        .map(|t| {
            let per = |d: Decimal| t.per_person(d).map_or(V::Blank, V::Hours);
            vec![
                text(t.group.label_zh()),
                V::Count(u64::from(t.people)),
                V::Count(u64::from(t.shifts)),
                V::Hours(t.worked_hours),
                per(t.worked_hours),
                t.overtime_hours.map_or(V::Blank, V::Hours),
                t.overtime_hours.map_or(V::Blank, per),
                V::Count(u64::from(t.night_shifts)),
                per(Decimal::from(t.night_shifts)),
                V::Hours(t.rest_day_hours),
                V::Hours(t.holiday_hours),
                V::Hours(t.leave_days),
                V::Count(u64::from(t.absence_days)),
            ]
        })
        .collect();
    let people: u32 = a.teams.iter().map(|t| t.people).sum();
    let worked: Decimal = a.teams.iter().map(|t| t.worked_hours).sum();
    let nights: u32 = a.teams.iter().map(|t| t.night_shifts).sum();
    let per_all = |d: Decimal| {
        Tot::Value(
            (people > 0)
                .then(|| d / Decimal::from(people))
                .map_or(V::Blank, V::Hours),
        )
    };
    let totals = vec![
        Tot::Label("合计"),
        Tot::Sum(V::Count(u64::from(people))),
        Tot::Sum(V::Count(a.teams.iter().map(|t| u64::from(t.shifts)).sum())),
        Tot::Sum(V::Hours(worked)),
        per_all(worked),
        overtime.map_or(Tot::Blank, |o| Tot::Sum(V::Hours(o))),
        overtime.map_or(Tot::Blank, per_all),
        Tot::Sum(V::Count(u64::from(nights))),
        per_all(Decimal::from(nights)),
        Tot::Sum(V::Hours(a.teams.iter().map(|t| t.rest_day_hours).sum())),
        Tot::Sum(V::Hours(a.teams.iter().map(|t| t.holiday_hours).sum())),
        Tot::Sum(V::Hours(a.teams.iter().map(|t| t.leave_days).sum())),
        Tot::Sum(V::Count(
            a.teams.iter().map(|t| u64::from(t.absence_days)).sum(),
        )),
    ];
    let n = rows.len();
    let (first, last) = sh.table(
        HEAD,
        0,
        &without(headers.to_vec(), unsettled),
        &rows
            .into_iter()
            .map(|r| without(r, unsettled))
            .collect::<Vec<_>>(),
        Some(without(totals, unsettled)),
    )?;
    if n > 0 {
        let mut c = chart(ChartType::Column, "各班组人均工时");
        let cats = (ATTENDANCE_TEAMS, first, 0, last, 0);
        let mut series = vec![(4u16, "人均工时", BLUE)];
        if settled {
            series.push((6, "人均加班工时", ORANGE));
        }
        for (col, name, color) in series {
            c.add_series()
                .set_name(name)
                .set_categories(cats)
                .set_values((ATTENDANCE_TEAMS, first, col, last, col))
                .set_format(ChartSolidFill::new().set_color(Color::RGB(color)));
        }
        c.y_axis().set_num_format("0").set_min(0);
        sh.ws.insert_chart(last + 3, 0, &c)?;
    }
    sh.finish(first, 1)
}

/// The items of `v` but those at the indexes `drop`.
fn without<T>(v: Vec<T>, drop: &[usize]) -> Vec<T> {
    v.into_iter()
        .enumerate()
        .filter(|(i, _)| !drop.contains(i))
        .map(|(_, x)| x)
        .collect()
}

fn service_cells(r: &ServiceRow) -> [V; 6] {
    [
        V::Count(r.offered),
        V::Count(r.answered),
        V::Count(r.abandoned),
        V::Rate(r.answer_rate()),
        V::Rate(r.abandon_rate()),
        V::Seconds(r.aht_seconds()),
    ]
}

fn service_totals(t: &ServiceRow) -> [Tot; 6] {
    [
        Tot::Sum(V::Count(t.offered)),
        Tot::Sum(V::Count(t.answered)),
        Tot::Sum(V::Count(t.abandoned)),
        Tot::Value(V::Rate(t.answer_rate())),
        Tot::Value(V::Rate(t.abandon_rate())),
        Tot::Value(V::Seconds(t.aht_seconds())),
    ]
}

const SERVICE_HEADERS: [&str; 6] = [
    "呼入量",
    "接通量",
    "放弃量",
    "接通率",
    "放弃率",
    "平均处理时长（秒）",
];

fn service(wb: &mut Workbook, st: &Styles, r: &Report, s: &Service) -> Result<(), XlsxError> {
    let base_note = format!(
        "来源：话务平台时段报表（话务历史）。接通率 = 接通量 ÷ 呼入量，放弃率 = 放弃量 ÷ 呼入量，平均处理时长按接通量加权；采购方接通率目标 {}。",
        pct(ANSWER_RATE_TARGET, 0)
    );
    let quality_line = match &s.quality {
        Some(q) => format!("满意度、回访及时率：{}。", quality_note(q)),
        None => "满意度、回访及时率按月考核，见月报、季报。".into(),
    };
    let note = format!("{base_note}{quality_line}");

    if !s.summary.is_empty() || s.quality.is_some() {
        let title = sheet_title(r, "话务汇总");
        let mut sh = Sheet::new(wb, SERVICE_SUMMARY, st)?;
        sh.heading(&title, &note, &r.gaps)?;
        let grain = if r.period.kind() == PeriodKind::Quarter {
            "月份"
        } else {
            "周次"
        };
        let mut headers = vec![grain, "起", "止", "有数据天数"];
        headers.extend(SERVICE_HEADERS);
        let rows: Vec<Vec<V>> = s
            .summary
            .iter()
            .map(|x| {
                let mut v = vec![
                    text(x.bucket.period.to_string()),
                    V::Date(x.bucket.first),
                    V::Date(x.bucket.last),
                    V::Count(u64::from(x.days_with_data)),
                ];
                v.extend(service_cells(x));
                v
            })
            .collect();
        let mut totals = vec![
            Tot::Label("合计"),
            Tot::Value(V::Date(s.total.bucket.first)),
            Tot::Value(V::Date(s.total.bucket.last)),
            Tot::Sum(V::Count(u64::from(s.total.days_with_data))),
        ];
        totals.extend(service_totals(&s.total));
        let (first, last) = sh.table(HEAD, 0, &headers, &rows, Some(totals))?;
        if let Some(q) = &s.quality {
            let rows = vec![
                vec![
                    text("满意度"),
                    quality_value(q, q.satisfaction),
                    V::Count(u64::from(q.satisfaction_count)),
                ],
                vec![
                    text("回访及时率"),
                    quality_value(q, q.callback_timeliness),
                    V::Count(u64::from(q.callback_count)),
                ],
            ];
            let head = last + 4;
            let label = match q.basis {
                QualityBasis::KpiScores => "得分（KPI，非实测）",
                QualityBasis::Measured => "实测值",
            };
            sh.ws.write_string_with_format(
                head - 1,
                0,
                format!("服务质量：{}", quality_note(q)),
                &st.note,
            )?;
            sh.table(head, 0, &["服务质量", label, "人次"], &rows, None)?;
        }
        sh.finish(first, 1)?;
    }

    let title = sheet_title(r, "话务日明细");
    let mut sh = Sheet::new(wb, SERVICE_DAILY, st)?;
    sh.heading(&title, &note, &r.gaps)?;
    let mut headers = vec!["日期", "星期"];
    headers.extend(SERVICE_HEADERS);
    headers.extend(["接通率目标", "备注"]);
    let target = V::Rate(Some(ANSWER_RATE_TARGET));
    let rows: Vec<Vec<V>> = s
        .daily
        .iter()
        .map(|x| {
            let d = x.bucket.first;
            let mut v = vec![V::Date(d), text(weekday_zh(d.weekday()))];
            if x.days_with_data == 0 {
                v.extend([
                    V::Blank,
                    V::Blank,
                    V::Blank,
                    V::Rate(None),
                    V::Rate(None),
                    V::Seconds(None),
                    target.clone(),
                    text("无话务数据"),
                ]);
            } else {
                v.extend(service_cells(x));
                v.extend([target.clone(), V::Blank]);
            }
            v
        })
        .collect();
    let mut totals = vec![Tot::Label("合计"), Tot::Blank];
    totals.extend(service_totals(&s.total));
    totals.extend([Tot::Value(target), Tot::Blank]);
    let (first, last) = sh.table(HEAD, 0, &headers, &rows, Some(totals))?;
    // The target column (after the six figures) draws the chart's target line.
    let tc = 2 + SERVICE_HEADERS.len() as u16;
    let mut c = chart(ChartType::Line, "每日接通率");
    let cats = (SERVICE_DAILY, first, 0, last, 0);
    c.add_series()
        .set_name("接通率")
        .set_categories(cats)
        .set_values((SERVICE_DAILY, first, 5, last, 5))
        .set_marker(
            ChartMarker::new()
                .set_type(ChartMarkerType::Circle)
                .set_size(5)
                .set_format(ChartSolidFill::new().set_color(Color::RGB(BLUE))),
        )
        .set_format(ChartLine::new().set_color(Color::RGB(BLUE)).set_width(2.0));
    c.add_series()
        .set_name(format!("目标 {}", pct(ANSWER_RATE_TARGET, 0)).as_str())
        .set_categories(cats)
        .set_values((SERVICE_DAILY, first, tc, last, tc))
        .set_format(
            ChartFormat::new().set_line(
                ChartLine::new()
                    .set_color(Color::RGB(RED))
                    .set_width(1.5)
                    .set_dash_type(ChartLineDashType::Dash),
            ),
        );
    let lowest = s
        .daily
        .iter()
        .filter_map(ServiceRow::answer_rate)
        .min()
        .unwrap_or(ANSWER_RATE_TARGET)
        .min(ANSWER_RATE_TARGET);
    // From the 5 % step below the lowest day and the target, so a dip shows and the target
    // line stays clear of the axis; the axis labels say where it starts.
    let floor = ((f(lowest) - 0.05) * 20.0).floor() / 20.0;
    c.y_axis()
        .set_num_format("0%")
        .set_min(floor.max(0.0))
        .set_max(1.0);
    c.x_axis().set_num_format("m-d");
    // A single day is a point, not a line: the table says it all.
    if s.daily.len() > 1 {
        sh.ws.insert_chart(HEAD, headers.len() as u16 + 1, &c)?;
    }
    sh.finish(first, 2)
}

fn kpi(wb: &mut Workbook, st: &Styles, r: &Report, k: &KpiReport) -> Result<(), XlsxError> {
    let note = "得分为工资计算所用的 KPI 得分（0–100；KPI 导入上线前为中性分 85，出勤得分来自考勤核对），空白 = 该岗位不考核此项；综合得分 = Σ 权重 × 得分，绩效系数按系数表（data/payroll/performance.toml）。";
    let title = sheet_title(r, "绩效明细");
    let mut sh = Sheet::new(wb, KPI, st)?;
    sh.heading(&title, note, &r.gaps)?;
    let mut headers = vec!["月份", "工号", "姓名", "班组", "岗位"];
    headers.extend(KPI_HEADERS.map(|(_, h)| h));
    headers.extend(["综合得分", "绩效系数", "绩效工资"]);
    let rows: Vec<Vec<V>> = k
        .people
        .iter()
        .map(|p| {
            let mut v = vec![
                text(&p.month),
                text(&p.employee),
                text(&p.name),
                text(p.group().label_zh()),
                text(role_zh(&p.position)),
            ];
            v.extend(KPI_HEADERS.map(|(kpi, _)| V::Score(p.rating.scores.get(&kpi).copied())));
            v.extend([
                V::Score(Some(p.rating.composite)),
                V::Score(Some(p.rating.coefficient)),
                V::Money(p.rating.performance_pay),
            ]);
            v
        })
        .collect();
    let mut totals = vec![
        Tot::Label("合计"),
        Tot::Value(text(format!("{} 人次", k.people.len()))),
    ];
    totals.extend((0..3 + KPI_HEADERS.len() + 2).map(|_| Tot::Blank));
    totals.push(Tot::Sum(V::Money(
        k.people.iter().map(|p| p.rating.performance_pay).sum(),
    )));
    let (first, _) = sh.table(HEAD, 0, &headers, &rows, Some(totals))?;
    sh.finish(first, 3)?;

    let title = sheet_title(r, "绩效班组");
    let mut sh = Sheet::new(wb, KPI_TEAMS, st)?;
    sh.heading(&title, note, &r.gaps)?;
    let mut headers = vec!["班组", "人次"];
    headers.extend(KPI_HEADERS.map(|(_, h)| h));
    headers.extend([
        "平均综合得分",
        "平均绩效系数",
        "系数低于1.00人次",
        "绩效工资合计",
    ]);
    let rows: Vec<Vec<V>> = k
        .teams
        .iter()
        .map(|t| {
            let mut v = vec![
                text(t.group.label_zh()),
                V::Count(u64::from(t.person_months)),
            ];
            v.extend(KPI_HEADERS.map(|(kpi, _)| V::Score(t.scores.get(&kpi).copied())));
            v.extend([
                V::Score(Some(t.composite)),
                V::Score(Some(t.coefficient)),
                V::Count(u64::from(t.below_one)),
                V::Money(t.performance_pay),
            ]);
            v
        })
        .collect();
    let (first, last) = sh.table(HEAD, 0, &headers, &rows, None)?;
    if !rows.is_empty() {
        let c_comp = 2 + KPI_HEADERS.len() as u16;
        let mut c = chart(ChartType::Column, "各班组平均综合得分");
        c.add_series()
            .set_name("平均综合得分")
            .set_categories((KPI_TEAMS, first, 0, last, 0))
            .set_values((KPI_TEAMS, first, c_comp, last, c_comp))
            .set_format(ChartSolidFill::new().set_color(Color::RGB(BLUE)));
        c.y_axis().set_min(0).set_max(100);
        c.legend().set_hidden();
        sh.ws.insert_chart(last + 3, 0, &c)?;
    }
    sh.finish(first, 1)
}

fn cost(wb: &mut Workbook, st: &Styles, r: &Report, t: &CostTable) -> Result<(), XlsxError> {
    let title = sheet_title(r, "人工费");
    let mut sh = Sheet::new(wb, COST, st)?;
    sh.heading(
        &title,
        "坐席人工费 = 人员费用（工资总额 + 单位社会保险 + 单位住房公积金）+ 管理费用（体检费、工会经费、管理费、生产运营费、残保金）；按各月工资计算（有考勤时用考勤，否则按排班）。人均 = 坐席人工费 ÷ 计薪人数。",
        &r.gaps,
    )?;
    let mut headers: Vec<&str> = vec!["月份", "计薪人数"];
    headers.extend(t.columns.iter().map(|c| c.label.as_str()));
    headers.push("人均坐席人工费");
    let seat = t.columns.iter().position(|c| c.kind == CostKind::Total);
    let per_head = |amounts: &[Decimal], heads: u32| match seat {
        Some(i) if heads > 0 => V::Money((amounts[i] / Decimal::from(heads)).round_dp(2)),
        _ => V::Blank,
    };
    let rows: Vec<Vec<V>> = t
        .rows
        .iter()
        .map(|row| {
            let mut v = vec![text(&row.month), V::Count(u64::from(row.headcount))];
            v.extend(row.amounts.iter().map(|a| V::Money(*a)));
            v.push(per_head(&row.amounts, row.headcount));
            v
        })
        .collect();
    let heads: u32 = t.rows.iter().map(|r| r.headcount).sum();
    let mut totals = vec![Tot::Label("合计"), Tot::Sum(V::Count(u64::from(heads)))];
    totals.extend(t.totals.iter().map(|a| Tot::Sum(V::Money(*a))));
    totals.push(Tot::Value(per_head(&t.totals, heads)));
    let (first, last) = sh.table(HEAD, 0, &headers, &rows, Some(totals))?;
    if !rows.is_empty() {
        let mut c = chart(ChartType::ColumnStacked, "坐席人工费构成（按月）");
        let cats = (COST, first, 0, last, 0);
        for ((i, col), color) in t
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == CostKind::Part)
            .zip(PALETTE.iter().cycle())
        {
            let xc = 2 + i as u16;
            c.add_series()
                .set_name(col.label.as_str())
                .set_categories(cats)
                .set_values((COST, first, xc, last, xc))
                .set_format(ChartSolidFill::new().set_color(Color::RGB(*color)))
                .set_gap(80);
        }
        c.y_axis().set_num_format("¥#,##0").set_min(0);
        c.set_height(380);
        sh.ws.insert_chart(last + 3, 0, &c)?;
    }
    sh.finish(first, 1)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader};

    use super::*;
    use crate::report::{
        staffing as staffing_of, Attendance, AttendanceSource, Employment, PersonHours, Service,
    };
    use scheduler::demand::HistoryRow;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn grid(bytes: &[u8], sheet: &str) -> Vec<Vec<Data>> {
        let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).unwrap();
        let range = wb.worksheet_range(sheet).unwrap();
        let (r1, c1) = range.end().unwrap();
        let mut out = vec![vec![Data::Empty; c1 as usize + 1]; r1 as usize + 1];
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().unwrap();
            out[r + r0 as usize][c + c0 as usize] = v.clone();
        }
        out
    }

    /// Asserts a cell's number (an f64 as Excel stores it) is the expected one.
    #[track_caller]
    fn same(got: f64, want: f64) {
        assert!((got - want).abs() < 1e-9, "got {got}, expected {want}");
    }

    fn num(x: &Data) -> f64 {
        match x {
            Data::Float(f) => *f,
            Data::Int(i) => *i as f64,
            other => panic!("not a number: {other:?}"),
        }
    }

    fn s(x: &Data) -> String {
        match x {
            Data::String(s) => s.clone(),
            other => panic!("not text: {other:?}"),
        }
    }

    fn col(g: &[Vec<Data>], header: &str) -> usize {
        g[HEAD as usize]
            .iter()
            .position(|c| matches!(c, Data::String(s) if s == header))
            .unwrap_or_else(|| panic!("no column {header}"))
    }

    /// A small report written and read back: the cells hold the same numbers as the report
    /// (rates as fractions, hours and counts as numbers, totals with their results).
    #[test]
    fn a_report_read_back_with_calamine_holds_the_same_numbers() {
        let period: crate::report::Period = "2026-W10".parse().unwrap();
        let people = vec![
            Employment {
                id: "A001".into(),
                name: "王建华".into(),
                team: Some(1),
                reserve: false,
                hired_on: d("2026-01-01"),
                left_on: Some(d("2026-03-04")),
            },
            Employment {
                id: "R001".into(),
                name: "胡桂芳".into(),
                team: None,
                reserve: true,
                hired_on: d("2026-01-01"),
                left_on: None,
            },
        ];
        let staffing = staffing_of(&period, &people, 52);
        let hours = |id: &str, team, ordinary: i64, holiday: i64, nights| PersonHours {
            employee: id.into(),
            name: format!("员工{id}"),
            team,
            shifts: 3,
            ordinary_hours: Decimal::from(ordinary),
            holiday_hours: Decimal::from(holiday),
            night_shifts: nights,
            ..PersonHours::default()
        };
        let attendance = Attendance::from_parts(
            &[
                hours("A001", Some(1), 24, 0, 1),
                hours("A002", Some(1), 16, 8, 2),
            ],
            vec![AttendanceSource {
                month: "2026-03".into(),
                records: 0,
                from_roster: 2,
            }],
        );
        let row = |date: &str, offered, answered| HistoryRow {
            date: d(date),
            start_minute: 600,
            minutes: 30,
            offered,
            answered,
            abandoned: offered - answered,
            aht_seconds: 200.0,
            asa_seconds: None,
            abandon_seconds: None,
        };
        // 03-02: 80 of 100 = 80 %; 03-03: 45 of 50 = 90 %; week 125 of 150 = 83.33 %.
        let service = Service::new(
            &[row("2026-03-02", 100, 80), row("2026-03-03", 50, 45)],
            &period,
            None,
        );
        let report = Report {
            site: "儋州12345分平台".into(),
            period,
            staffing: Some(staffing),
            attendance: Some(attendance),
            service: Some(service),
            kpi: None,
            cost: None,
            gaps: vec!["2026-03 缺少排班 out/roster-2026-03.json".into()],
        };
        let bytes = workbook(&report).unwrap();
        let wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(
            wb.sheet_names(),
            [
                OVERVIEW,
                STAFFING,
                ATTENDANCE,
                ATTENDANCE_TEAMS,
                SERVICE_DAILY
            ]
        );

        let g = grid(&bytes, STAFFING);
        assert!(s(&g[0][0]).contains("2026年第10周"), "{:?}", g[0][0]);
        assert!(s(&g[2][0]).contains("缺少排班"));
        let first = HEAD as usize + 1;
        // Day by day at the end of the day: A001's last day is 03-04 (Wednesday).
        let on_post: Vec<f64> = (0..7)
            .map(|i| num(&g[first + i][col(&g, "在岗")]))
            .collect();
        assert_eq!(on_post, [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
        assert!(
            matches!(g[first][0], Data::DateTime(_)),
            "dates are dates: {:?}",
            g[first][0]
        );
        same(num(&g[first][col(&g, "预备人员")]), 1.0);
        same(num(&g[first + 2][col(&g, "在岗−合同")]), -52.0);
        // Start 2 (1 + 1 reserve), end 1, average 1.5, one leaver: 1 ÷ 1.5 = 66.67 %.
        let key = col(&g, "指标");
        let rate_row = (first..g.len())
            .find(|r| matches!(&g[*r][key], Data::String(x) if x == "人员流失率"))
            .unwrap();
        assert!((num(&g[rate_row][key + 1]) - 1.0 / 1.5).abs() < 1e-12);

        let g = grid(&bytes, ATTENDANCE);
        assert_eq!(s(&g[first][0]), "A001");
        same(num(&g[first][col(&g, "合计工时")]), 24.0);
        same(num(&g[first + 1][col(&g, "法定节假日工时")]), 8.0);
        // Totals row: 2 people, 6 shifts, 48 h, 3 nights.
        let total = first + 2;
        assert_eq!(s(&g[total][0]), "合计");
        same(num(&g[total][col(&g, "出勤班次")]), 6.0);
        same(num(&g[total][col(&g, "合计工时")]), 48.0);
        same(num(&g[total][col(&g, "夜班次数")]), 3.0);
        assert!(
            !g[HEAD as usize]
                .iter()
                .any(|c| matches!(c, Data::String(h) if h == "加班工时")),
            "no overtime column in a week: comprehensive hours settle by the month"
        );
        assert_eq!(s(&g[first][col(&g, "数据来源")]), "考勤");

        let g = grid(&bytes, ATTENDANCE_TEAMS);
        assert_eq!(s(&g[first][0]), "1班");
        same(num(&g[first][col(&g, "人均工时")]), 24.0);
        same(num(&g[first][col(&g, "人均夜班次数")]), 1.5);

        let g = grid(&bytes, SERVICE_DAILY);
        let rate = col(&g, "接通率");
        assert!((num(&g[first][rate]) - 0.8).abs() < 1e-12);
        assert!((num(&g[first + 1][rate]) - 0.9).abs() < 1e-12);
        assert!(matches!(g[first + 2][rate], Data::Empty));
        assert_eq!(s(&g[first + 2][col(&g, "备注")]), "无话务数据");
        let total = first + 7;
        same(num(&g[total][col(&g, "呼入量")]), 150.0);
        assert!((num(&g[total][rate]) - 125.0 / 150.0).abs() < 1e-12);

        let g = grid(&bytes, OVERVIEW);
        let value = col(&g, "数值");
        let find = |what: &str| {
            (first..g.len())
                .find(|r| matches!(&g[*r][1], Data::String(x) if x == what))
                .unwrap_or_else(|| panic!("no {what}"))
        };
        same(num(&g[find("本期离职")][value]), 1.0);
        assert!((num(&g[find("接通率")][value]) - 125.0 / 150.0).abs() < 1e-12);
        assert_eq!(s(&g[find("人均加班工时")][value]), "按月结算");
        assert_eq!(s(&g[find("满意度、回访及时率")][value]), "按月考核");
    }
}
