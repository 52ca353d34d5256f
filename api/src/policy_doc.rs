//! Policy documents (制度文件) generated from the configuration the engine applies, so that
//! what is written is what is applied (procurement requirement 2.3.6):
//! - [`pay_structure_doc`] 《工作人员薪酬体系》: pay items per position and grade, the pay
//!   conversion, overtime, holiday and night rules, leave and absence, and the average pay per
//!   position of a month's payroll;
//! - [`performance_doc`] 《绩效考核办法》: KPI weights per position, KPI scoring
//!   ([`KpiScoring`], `data/performance/kpi-scoring.toml`), the score → coefficient bands,
//!   performance pay, evidence and adjustments;
//! - [`attendance_doc`] 《工作人员考勤管理制度》: shifts, punch windows, lateness, early leave
//!   and absence thresholds, attendance KPI points, leave and its pay.
//!
//! Every function is pure: it takes the configuration texts ([`PolicySources`], parsed into a
//! [`PolicyConfig`]) and returns a [`PolicyDocument`], a printable A4 HTML page
//! ([`PolicyDocument::html`]) or the same page as a Word document ([`PolicyDocument::word`],
//! HTML with the Office namespaces, saved as `.doc`). The version ([`DocVersion`]) is the
//! latest effective date of the rows written plus the first 12 hex digits of an FNV-1a hash of
//! the configuration texts used, so any change to those texts gives a new version. Every
//! interpolated text is HTML-escaped ([`escape_html`]).

use std::collections::BTreeMap;
use std::fmt;

use anyhow::Context as _;
use chrono::{Datelike as _, NaiveDate};
use payroll::minimum_wage::MinimumWagePolicy;
use payroll::pay_structure::{PayGrade, PayRules, PayStructure, WageComponent};
use payroll::performance::{Band, PerformanceRules};
use payroll::{average_pay_by_position, round_fen, Grade, Kpi, Money, MonthPayroll, Provenance};
use rust_decimal::Decimal;
use scheduler::Site;

use crate::attendance::{AttendancePolicy, DifferenceKind};
use crate::excel::roster_xlsx::role_zh;

/// Overtime premium on hours beyond those owed (工作日延长 / 综合工时超时), percent of the
/// hour wage, as `payroll`'s overtime lines apply it (Labour Law art. 44).
pub const PREMIUM_EXCESS: u32 = 150;
/// Rest-day overtime premium for standard-hours staff without time off in lieu, percent.
pub const PREMIUM_REST_DAY: u32 = 200;
/// Statutory-holiday premium, percent.
pub const PREMIUM_HOLIDAY: u32 = 300;

// KPI scoring: the evaluation's own rules (one type, so the document states what is applied).
pub use crate::kpi::{KpiScoring, Linear as LinearScale};

// ---------------------------------------------------------------------------------------------
// Sources and configuration.

/// One configuration file a document is generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    /// Name shown in the document, relative to the data folder (`payroll/pay-structure.toml`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The configuration texts behind the three documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySources {
    /// `payroll/pay-structure.toml`.
    pub pay_structure: ConfigFile,
    /// `payroll/performance.toml`.
    pub performance: ConfigFile,
    /// `payroll/minimum-wage.toml`.
    pub minimum_wage: ConfigFile,
    /// `performance/kpi-scoring.toml`.
    pub kpi_scoring: ConfigFile,
    /// `attendance/policy.toml`.
    pub attendance: ConfigFile,
    /// The site's `site.toml` (shifts and night shifts).
    pub site: ConfigFile,
}

impl PolicySources {
    /// `pay-structure.toml` under the data folder.
    pub const PAY_STRUCTURE: &'static str = "payroll/pay-structure.toml";
    /// `performance.toml` under the data folder.
    pub const PERFORMANCE: &'static str = "payroll/performance.toml";
    /// `minimum-wage.toml` under the data folder.
    pub const MINIMUM_WAGE: &'static str = "payroll/minimum-wage.toml";
    /// `kpi-scoring.toml` under the data folder.
    pub const KPI_SCORING: &'static str = "performance/kpi-scoring.toml";
    /// The attendance policy under the data folder.
    pub const ATTENDANCE: &'static str = "attendance/policy.toml";
}

/// The configuration parsed and checked, with its texts.
#[derive(Debug, Clone)]
pub struct PolicyConfig {
    /// The texts (hashed into the versions).
    pub sources: PolicySources,
    /// Pay per position and grade, pay-conversion rules.
    pub pay_structure: PayStructure,
    /// KPI weights and the coefficient table.
    pub performance: PerformanceRules,
    /// The minimum wage (sick-pay floor, minimum-wage check).
    pub minimum_wage: MinimumWagePolicy,
    /// KPI scoring.
    pub kpi_scoring: KpiScoring,
    /// Attendance rules.
    pub attendance: AttendancePolicy,
    /// The site (name, shifts, night shifts).
    pub site: Site,
}

impl PolicyConfig {
    /// Parses and checks every text with the parser the engine uses.
    ///
    /// # Errors
    /// The first file that does not parse or validate, named.
    pub fn parse(sources: PolicySources) -> anyhow::Result<Self> {
        let ctx = |f: &ConfigFile| format!("configuration file {}", f.name);
        let pay_structure = PayStructure::from_toml_str(&sources.pay_structure.text)
            .with_context(|| ctx(&sources.pay_structure))?;
        let performance = PerformanceRules::from_toml_str(&sources.performance.text)
            .with_context(|| ctx(&sources.performance))?;
        let minimum_wage = MinimumWagePolicy::from_toml_str(&sources.minimum_wage.text)
            .with_context(|| ctx(&sources.minimum_wage))?;
        let kpi_scoring = KpiScoring::from_toml_str(&sources.kpi_scoring.text)
            .with_context(|| ctx(&sources.kpi_scoring))?;
        let attendance = AttendancePolicy::from_toml_str(&sources.attendance.text)
            .with_context(|| ctx(&sources.attendance))?;
        let site =
            Site::from_toml_strs(&sources.site.text, None).with_context(|| ctx(&sources.site))?;
        Ok(Self {
            sources,
            pay_structure,
            performance,
            minimum_wage,
            kpi_scoring,
            attendance,
            site,
        })
    }

    fn org(&self) -> String {
        format!("{} 运营服务项目", self.site.name)
    }
}

// ---------------------------------------------------------------------------------------------
// Documents and versions.

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// 《工作人员薪酬体系》.
    PayStructure,
    /// 《绩效考核办法》.
    Performance,
    /// 《工作人员考勤管理制度》.
    Attendance,
}

impl DocKind {
    /// The document title, without the book-title marks.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            DocKind::PayStructure => "工作人员薪酬体系",
            DocKind::Performance => "绩效考核办法",
            DocKind::Attendance => "工作人员考勤管理制度",
        }
    }

    /// The file name without extension.
    #[must_use]
    pub fn file_stem(self) -> &'static str {
        match self {
            DocKind::PayStructure => "薪酬体系",
            DocKind::Performance => "绩效考核办法",
            DocKind::Attendance => "考勤管理制度",
        }
    }
}

/// A document's version: the latest effective date of the rows written and a short hash of
/// the configuration texts used. Shown as `YYYYMMDD-hhhhhhhhhhhh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocVersion {
    /// Latest effective date among the rows written.
    pub effective: NaiveDate,
    /// First 12 hex digits of the FNV-1a 64 hash of the texts.
    pub hash: String,
}

impl fmt::Display for DocVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.effective.format("%Y%m%d"), self.hash)
    }
}

/// FNV-1a, 64 bit, continued from `hash`.
fn fnv1a64_from(mut hash: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// FNV-1a, 64 bit (stable across Rust versions, unlike `DefaultHasher`).
#[must_use]
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_from(0xcbf2_9ce4_8422_2325, bytes)
}

/// The first 12 hex digits of the FNV-1a hash of `texts` in order, line endings normalised to
/// `\n` and each text followed by a 0xFF byte (never part of UTF-8) so that moving text from
/// one file to the next changes the hash.
#[must_use]
pub fn config_hash(texts: &[&str]) -> String {
    let mut h = fnv1a64(b"");
    for t in texts {
        h = fnv1a64_from(h, t.replace("\r\n", "\n").as_bytes());
        h = fnv1a64_from(h, &[0xff]);
    }
    format!("{h:016x}")[..12].to_owned()
}

/// A generated document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// Which document.
    pub kind: DocKind,
    /// Its version.
    pub version: DocVersion,
    /// The date whose configuration in force is written.
    pub as_of: NaiveDate,
    /// The date it was generated.
    pub generated_on: NaiveDate,
    /// The HTML body (header block and chapters), escaped.
    pub body: String,
}

const CSS: &str = r#"
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "宋体", serif;
  font-size: 10.5pt; line-height: 1.6; color: #000; }
h1, h2, th, .cap, .art b, .org { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "黑体", sans-serif; }
.org { text-align: center; margin: 0 0 4pt; font-size: 10.5pt; letter-spacing: 1pt; }
h1 { text-align: center; font-size: 20pt; margin: 2pt 0 10pt; letter-spacing: 2pt; }
h2 { text-align: center; font-size: 12.5pt; margin: 14pt 0 6pt; page-break-after: avoid; }
p { margin: 3pt 0; text-align: justify; }
p.art { text-indent: 2em; }
p.art b { font-weight: bold; }
p.cap { font-weight: bold; font-size: 9.5pt; margin: 8pt 0 2pt; text-align: left; page-break-after: avoid; }
p.note { font-size: 8.5pt; line-height: 1.45; margin: 2pt 0 8pt; color: #222; }
p.gen { font-size: 9pt; line-height: 1.45; margin: 6pt 0 4pt; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 4pt; font-size: 9pt; line-height: 1.35; }
th, td { border: 0.75pt solid #000; padding: 2pt 4pt; vertical-align: middle; }
th { background: #e8e8e8; font-weight: bold; text-align: center; }
td.n { text-align: right; white-space: nowrap; }
td.c { text-align: center; }
tr.total td { font-weight: bold; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
table.narrow { width: 60%; }
div.keep { page-break-inside: avoid; break-inside: avoid; }
table.meta th { width: 16%; }
table.meta td { width: 34%; }
table.src { font-size: 8pt; }
.head { border-bottom: 1.5pt solid #000; padding-bottom: 4pt; margin-bottom: 8pt; }
.end { text-align: center; font-size: 9pt; margin-top: 14pt; }
"#;

const CSS_PRINT: &str = r#"
@page { size: A4; margin: 20mm 18mm 18mm 18mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media screen {
  html { background: #d8d8d8; }
  body { background: #fff; width: 174mm; margin: 12px auto; padding: 20mm 18mm; box-shadow: 0 0 6px #888; }
}
@media print { body { margin: 0; } }
"#;

const CSS_WORD: &str = r#"
@page WordSection1 { size: 595.3pt 841.9pt; margin: 56.7pt 51pt 51pt 51pt; mso-header-margin: 28pt; mso-footer-margin: 28pt; mso-paper-source: 0; }
div.WordSection1 { page: WordSection1; }
body { mso-fareast-font-family: "宋体"; }
"#;

impl PolicyDocument {
    /// The title with book-title marks.
    #[must_use]
    pub fn title(&self) -> String {
        format!("《{}》", self.kind.title())
    }

    /// A self-contained printable HTML page (A4).
    #[must_use]
    pub fn html(&self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"generator\" content=\"Hotline Workforce\">\n\
             <meta name=\"version\" content=\"{v}\">\n<title>{t} {v}</title>\n\
             <style>{CSS}{CSS_PRINT}</style>\n</head>\n<body>\n{b}</body>\n</html>\n",
            t = escape_html(self.kind.title()),
            v = self.version,
            b = self.body
        )
    }

    /// The same page as a Word document (HTML with the Office namespaces and
    /// `ProgId Word.Document`, opened by Word and LibreOffice as a document); save as `.doc`.
    #[must_use]
    pub fn word(&self) -> String {
        format!(
            "\u{feff}<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" \
             xmlns:w=\"urn:schemas-microsoft-com:office:word\" \
             xmlns=\"http://www.w3.org/TR/REC-html40\">\n<head>\n\
             <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n\
             <meta name=ProgId content=Word.Document>\n\
             <meta name=Generator content=\"Microsoft Word 15\">\n\
             <meta name=Originator content=\"Microsoft Word 15\">\n<title>{t}</title>\n\
             <!--[if gte mso 9]><xml><o:DocumentProperties><o:Title>{t}</o:Title>\
             <o:Subject>{v}</o:Subject></o:DocumentProperties><w:WordDocument>\
             <w:View>Print</w:View><w:Zoom>100</w:Zoom><w:DoNotOptimizeForBrowser/>\
             </w:WordDocument></xml><![endif]-->\n\
             <style>{CSS}{CSS_WORD}</style>\n</head>\n<body lang=ZH-CN>\n\
             <div class=WordSection1>\n{b}</div>\n</body>\n</html>\n",
            t = escape_html(self.kind.title()),
            v = self.version,
            b = self.body
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Formatting.

/// Escapes `& < > " '` for HTML text and attribute values.
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

use escape_html as esc;

/// An amount in yuan as the documents show it: rounded to the fen, thousands separated
/// (`6,313.00`).
#[must_use]
pub fn money(amount: Money) -> String {
    payroll::money::grouped(amount, false)
}

/// A plain figure without trailing zeros (`95`, `0.8`).
fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A fraction as a percentage (`0.30` → `30%`).
fn pct(d: Decimal) -> String {
    format!("{}%", num(d * Decimal::ONE_HUNDRED))
}

/// A coefficient with two decimals (`1.20`), or exactly when it has more.
fn coef(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() <= 2 {
        format!("{:.2}", n)
    } else {
        n.to_string()
    }
}

/// `2026年3月1日`.
fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Chinese numerals 1..=99 (第十二条).
fn zh_num(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[(n % 10) as usize] }),
        20..=99 => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n % 10 == 0 {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => n.to_string(),
    }
}

fn kpi_zh(k: Kpi) -> &'static str {
    match k {
        Kpi::AnswerRate => "接通率",
        Kpi::Satisfaction => "满意率",
        Kpi::QaScore => "质检得分",
        Kpi::CallbackTimeliness => "回访及时率",
        Kpi::Attendance => "出勤",
    }
}

fn component_zh(c: WageComponent) -> &'static str {
    match c {
        WageComponent::BaseWage => "基本工资",
        WageComponent::PostAllowance => "岗位津贴",
        WageComponent::PerformanceBase => "绩效基数",
    }
}

fn grade_label(g: &str) -> String {
    match g {
        "policy" => "公司制度".to_owned(),
        "assumed" => "假设值".to_owned(),
        other => other.to_owned(),
    }
}

fn grade_name(g: Grade) -> &'static str {
    match g {
        Grade::A => "A",
        Grade::B => "B",
        Grade::C => "C",
        Grade::Assumed => "assumed",
        Grade::Policy => "policy",
    }
}

fn td(text: &str) -> String {
    format!("<td>{}</td>", esc(text))
}

fn tdc(text: &str) -> String {
    format!("<td class=\"c\">{}</td>", esc(text))
}

fn tdn(figure: &str) -> String {
    format!("<td class=\"n\">{}</td>", esc(figure))
}

/// A table: header cells (escaped here) with optional widths (`24%`), and rows of ready
/// `<td>` HTML.
fn table(class: &str, head: &[&str], widths: &[&str], rows: &[String]) -> String {
    let mut out = if class.is_empty() {
        "<table>\n<thead><tr>".to_owned()
    } else {
        format!("<table class=\"{class}\">\n<thead><tr>")
    };
    for (i, h) in head.iter().enumerate() {
        match widths.get(i).filter(|w| !w.is_empty()) {
            Some(w) => out.push_str(&format!("<th style=\"width:{w}\">{}</th>", esc(h))),
            None => out.push_str(&format!("<th>{}</th>", esc(h))),
        }
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        if r.starts_with("<tr") {
            out.push_str(r);
        } else {
            out.push_str(&format!("<tr>{r}</tr>"));
        }
        out.push('\n');
    }
    out.push_str("</tbody></table>\n");
    out
}

// ---------------------------------------------------------------------------------------------
// The draft of a document: chapters, articles, tables and the sources they came from.

/// One line of the sources table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SourceRow {
    file: String,
    what: String,
    count: usize,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    source: String,
    grade: String,
}

struct Draft<'a> {
    kind: DocKind,
    as_of: NaiveDate,
    texts: Vec<&'a str>,
    sources: Vec<SourceRow>,
    later: Vec<String>,
    out: String,
    chapter: u32,
    article: u32,
    table: u32,
}

impl<'a> Draft<'a> {
    fn new(kind: DocKind, as_of: NaiveDate, files: &[&'a ConfigFile]) -> Self {
        Self {
            kind,
            as_of,
            texts: files.iter().map(|f| f.text.as_str()).collect(),
            sources: Vec::new(),
            later: Vec::new(),
            out: String::new(),
            chapter: 0,
            article: 0,
            table: 0,
        }
    }

    /// Records the rows of `file` in force on `as_of` (grouped by provenance) and notes those
    /// that start later.
    fn rows<'p>(
        &mut self,
        file: &ConfigFile,
        what: &str,
        rows: impl IntoIterator<Item = &'p Provenance>,
    ) {
        let mut later: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        for p in rows {
            if p.covers(self.as_of) {
                let row = SourceRow {
                    file: file.name.clone(),
                    what: what.to_owned(),
                    count: 1,
                    from: Some(p.effective_from),
                    to: p.effective_to,
                    source: p.source.clone(),
                    grade: grade_name(p.grade).to_owned(),
                };
                match self.sources.iter_mut().find(|r| {
                    SourceRow {
                        count: 1,
                        ..(*r).clone()
                    } == row
                }) {
                    Some(r) => r.count += 1,
                    None => self.sources.push(row),
                }
            } else if p.effective_from > self.as_of {
                *later.entry(p.effective_from).or_default() += 1;
            }
        }
        for (date, n) in later {
            self.later.push(format!(
                "{} 中另有 {n} 项{}自{}起生效，未写入本版，届时须重新生成。",
                file.name,
                what,
                zh_date(date)
            ));
        }
    }

    /// Records a file with one effective date for the whole file.
    fn single(
        &mut self,
        file: &ConfigFile,
        what: &str,
        from: Option<NaiveDate>,
        source: &str,
        grade: &str,
    ) {
        self.sources.push(SourceRow {
            file: file.name.clone(),
            what: what.to_owned(),
            count: 1,
            from,
            to: None,
            source: source.to_owned(),
            grade: grade.to_owned(),
        });
        if let Some(d) = from.filter(|d| *d > self.as_of) {
            self.later.push(format!(
                "{} 自{}起生效，晚于本文件的配置基准日。",
                file.name,
                zh_date(d)
            ));
        }
    }

    fn chapter(&mut self, title: &str) {
        self.chapter += 1;
        self.out.push_str(&format!(
            "<h2>第{}章　{}</h2>\n",
            zh_num(self.chapter),
            esc(title)
        ));
    }

    /// An article; `html` is already escaped.
    fn article(&mut self, html: &str) {
        self.article += 1;
        self.out.push_str(&format!(
            "<p class=\"art\"><b>第{}条</b>　{html}</p>\n",
            zh_num(self.article)
        ));
    }

    /// The number the next table gets.
    fn next_table(&self) -> u32 {
        self.table + 1
    }

    /// A numbered table with its caption and an optional note (escaped HTML).
    fn table(&mut self, caption: &str, head: &[&str], rows: &[String], note: &str) {
        self.table_of("", caption, head, rows, note);
    }

    /// A numbered table of a few short columns, not stretched over the page width.
    fn narrow_table(&mut self, caption: &str, head: &[&str], rows: &[String]) {
        self.table_of("narrow", caption, head, rows, "");
    }

    fn table_of(&mut self, class: &str, caption: &str, head: &[&str], rows: &[String], note: &str) {
        self.table += 1;
        // Short tables stay on one page with their caption.
        let keep = if rows.len() <= 12 { " keep" } else { "" };
        self.out.push_str(&format!(
            "<div class=\"tbl{keep}\">\n<p class=\"cap\">表{}　{}</p>\n",
            self.table,
            esc(caption)
        ));
        self.out.push_str(&table(class, head, &[], rows));
        if !note.is_empty() {
            self.out
                .push_str(&format!("<p class=\"note\">{note}</p>\n"));
        }
        self.out.push_str("</div>\n");
    }

    fn finish(self, org: &str, generated_on: NaiveDate) -> PolicyDocument {
        let effective = self
            .sources
            .iter()
            .filter_map(|r| r.from)
            .max()
            .unwrap_or(self.as_of);
        let version = DocVersion {
            effective,
            hash: config_hash(&self.texts),
        };
        let mut head = String::new();
        head.push_str("<div class=\"head\">\n");
        head.push_str(&format!("<p class=\"org\">{}</p>\n", esc(org)));
        head.push_str(&format!("<h1>{}</h1>\n", esc(self.kind.title())));
        head.push_str(&format!(
            "<table class=\"meta\">\n<tr><th>版本号</th><td>{version}</td><th>生效日期</th><td>{}</td></tr>\n\
             <tr><th>配置基准日</th><td>{}</td><th>生成日期</th><td>{}</td></tr>\n</table>\n",
            zh_date(effective),
            zh_date(self.as_of),
            zh_date(generated_on)
        ));
        head.push_str(
            "<p class=\"gen\">本文件由 Hotline Workforce 系统根据下表所列配置文件自动生成，所载标准即配置基准日系统排班、\
             考勤核对、绩效和工资计算所执行的标准。配置文件修改后须重新生成本文件；版本号后十二位由所列配置文件的全文计算\
             （FNV-1a），内容改变则版本号改变，前八位为所载标准中最晚的生效日期。</p>\n",
        );
        let rows: Vec<String> = self
            .sources
            .iter()
            .map(|r| {
                let what = if r.count > 1 {
                    format!("{}（{} 项）", r.what, r.count)
                } else {
                    r.what.clone()
                };
                let period = match (r.from, r.to) {
                    (Some(f), Some(t)) => format!("{f} 至 {t}"),
                    (Some(f), None) => format!("{f} 起"),
                    (None, _) => "—".to_owned(),
                };
                format!(
                    "{}{}{}{}{}",
                    td(&r.file),
                    td(&what),
                    tdc(&period),
                    td(&r.source),
                    tdc(&grade_label(&r.grade))
                )
            })
            .collect();
        head.push_str(&table(
            "src",
            &["配置文件", "内容", "生效期间", "依据与来源", "等级"],
            &["24%", "15%", "15%", "", "9%"],
            &rows,
        ));
        let mut note = String::from(
            "等级：A 依据官方文本；B 依据权威媒体对官方通知的报道；C 依据二手资料或本公司草案，待确认；\
             公司制度 为本公司自定的标准；假设值 为缺乏依据的暂定值，须替换。",
        );
        for l in &self.later {
            note.push_str(&esc(l));
        }
        head.push_str(&format!("<p class=\"note\">{note}</p>\n</div>\n"));
        let body = format!(
            "{head}{}<p class=\"end\">（本文件共{}章{}条　版本 {version}）</p>\n",
            self.out,
            zh_num(self.chapter),
            zh_num(self.article)
        );
        PolicyDocument {
            kind: self.kind,
            version,
            as_of: self.as_of,
            generated_on,
            body,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shared look-ups.

/// Pay grades in force on `date`, by position (pay-structure order) and grade.
fn grades_on(pay: &PayStructure, date: NaiveDate) -> Vec<&PayGrade> {
    let mut g: Vec<&PayGrade> = pay
        .grade
        .iter()
        .filter(|g| g.provenance.covers(date))
        .collect();
    g.sort_by_key(|g| (g.position, g.pay_grade));
    g
}

fn position_zh(p: payroll::Position) -> &'static str {
    role_zh(p.name())
}

/// The position cell of a grade row, spanning the position's rows; `None` on the rows after
/// the first of a position.
fn position_cell(grades: &[&PayGrade], g: &PayGrade) -> Option<String> {
    let first = grades.iter().find(|x| x.position == g.position)?;
    std::ptr::eq(*first, g).then(|| {
        let span = grades.iter().filter(|x| x.position == g.position).count();
        format!(
            "<td rowspan=\"{span}\" class=\"c\">{}</td>",
            esc(position_zh(g.position))
        )
    })
}

/// `基本工资 + 岗位津贴` of the rules.
fn monthly_wage_text(rules: &PayRules) -> String {
    rules
        .monthly_wage_components
        .iter()
        .map(|c| component_zh(*c))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn shift_text(s: &scheduler::ShiftType) -> String {
    format!("{}（{} {}–{}）", s.code, s.name, s.start, s.end)
}

fn night_shifts_text(site: &Site) -> String {
    let v: Vec<String> = site
        .rules
        .night_shifts
        .iter()
        .filter_map(|c| site.shifts.iter().find(|s| &s.code == c))
        .map(shift_text)
        .collect();
    if v.is_empty() {
        "（本站点未设夜班）".to_owned()
    } else {
        v.join("、")
    }
}

/// The band label of `bands[i]` (`90 分及以上、不足 95 分`).
fn band_label(bands: &[Band], i: usize) -> String {
    let lo = bands[i].min_score;
    let hi = i.checked_sub(1).map(|j| bands[j].min_score);
    match hi {
        None => format!("{} 分及以上", num(lo)),
        Some(h) if lo.is_zero() => format!("不足 {} 分", num(h)),
        Some(h) => format!("{} 分及以上、不足 {} 分", num(lo), num(h)),
    }
}

fn bands_on(cfg: &PolicyConfig, date: NaiveDate) -> anyhow::Result<&[Band]> {
    cfg.performance
        .coefficient_table
        .iter()
        .find(|t| t.provenance.covers(date))
        .map(|t| t.bands.as_slice())
        .with_context(|| {
            format!(
                "{}: no coefficient table in force on {date}",
                cfg.sources.performance.name
            )
        })
}

fn band_rows(bands: &[Band]) -> Vec<String> {
    (0..bands.len())
        .map(|i| {
            format!(
                "{}{}",
                tdc(&band_label(bands, i)),
                tdn(&coef(bands[i].coefficient))
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 《工作人员薪酬体系》

/// The month whose payroll gives the average pay per position, and how it was paid.
#[derive(Debug, Clone, Copy)]
pub struct PayMonth<'a> {
    /// The month's payroll (the same one the register 工资表 is written from).
    pub payroll: &'a MonthPayroll,
    /// How the month was paid (roster, attendance, KPI scores), shown under the table.
    pub basis: &'a str,
}

/// 《工作人员薪酬体系》: the pay structure in force on the first day of the payroll month,
/// and the average pay per position of that month.
///
/// # Errors
/// No pay rules, minimum wage or coefficient table in force on that day.
pub fn pay_structure_doc(
    cfg: &PolicyConfig,
    month: PayMonth<'_>,
    generated_on: NaiveDate,
) -> anyhow::Result<PolicyDocument> {
    let pay_month = month.payroll.month;
    let as_of = pay_month.first_day();
    let s = &cfg.sources;
    let mut d = Draft::new(
        DocKind::PayStructure,
        as_of,
        &[&s.pay_structure, &s.performance, &s.minimum_wage, &s.site],
    );
    let ps = &cfg.pay_structure;
    let rules = ps
        .rules_on(as_of)
        .with_context(|| format!("{}: no pay rules in force", s.pay_structure.name))?;
    let grades = grades_on(ps, as_of);
    anyhow::ensure!(
        !grades.is_empty(),
        "{}: no pay grade in force on {as_of}",
        s.pay_structure.name
    );
    let min_wage = cfg
        .minimum_wage
        .on(as_of)
        .with_context(|| format!("{}: no minimum wage in force", s.minimum_wage.name))?;
    let bands = bands_on(cfg, as_of)?;
    d.rows(
        &s.pay_structure,
        "计薪规则",
        ps.rules.iter().map(|r| &r.provenance),
    );
    d.rows(
        &s.pay_structure,
        "岗位薪级",
        ps.grade.iter().map(|g| &g.provenance),
    );
    d.rows(
        &s.performance,
        "绩效系数表",
        cfg.performance
            .coefficient_table
            .iter()
            .map(|t| &t.provenance),
    );
    d.rows(
        &s.minimum_wage,
        "最低工资标准",
        cfg.minimum_wage.minimum_wage.iter().map(|r| &r.provenance),
    );
    d.single(&s.site, "班次与夜班", None, "站点配置（排班所用）", "—");

    let mut positions: Vec<payroll::Position> = grades.iter().map(|g| g.position).collect();
    positions.dedup();
    let position_list: Vec<&str> = positions.iter().map(|p| position_zh(*p)).collect();
    let monthly_text = monthly_wage_text(rules);

    // Allowance columns: every (code, label) of the grades in force, in first-seen order.
    let mut allowances: Vec<(&str, &str, bool)> = Vec::new();
    for g in &grades {
        for a in &g.allowances {
            if !allowances.iter().any(|(c, _, _)| *c == a.code) {
                allowances.push((&a.code, &a.label_zh, a.counts_for_minimum_wage));
            }
        }
    }

    d.chapter("总则");
    d.article(
        "为明确本项目各工种人员的薪酬构成、标准和计发办法，依据采购需求第 2.3.5 条（按国家规定发放工资、绩效，\
         缴纳五险一金）和第 2.3.6 条（制定《工作人员薪酬体系》，明确各工种人员的具体薪酬明细和平均薪资水平），制定本体系。",
    );
    d.article(&format!(
        "本体系适用于本项目全体工作人员（含预备人员），岗位包括：{}。",
        esc(&position_list.join("、"))
    ));
    d.article(
        "月应发工资 = 基本工资 + 岗位津贴 + 绩效工资 + 固定津贴 + 夜班津贴 + 加班工资 − 事假、病假和旷工扣款。\
         各项按月逐项计算，每项金额四舍五入至分后相加。个人应缴的社会保险费、住房公积金和个人所得税由单位从应发工资中依法代扣代缴，\
         单位应缴部分由单位另行缴纳。",
    );

    d.chapter("岗位薪级标准");
    let t_grades = d.next_table();
    d.article(&format!(
        "各岗位按薪级确定月度标准，见表{t_grades}。基本工资、岗位津贴和固定津贴按月计发；绩效基数按《绩效考核办法》\
         确定的绩效系数计发绩效工资；夜班津贴按实际上岗的夜班班次计发。"
    ));
    let mut head: Vec<String> = ["岗位", "薪级", "基本工资", "岗位津贴", "绩效基数"]
        .map(str::to_owned)
        .to_vec();
    head.extend(allowances.iter().map(|(_, l, _)| (*l).to_owned()));
    head.push("月标准合计".to_owned());
    head.push("夜班津贴（元/班）".to_owned());
    let mut rows = Vec::new();
    for g in &grades {
        let mut r = position_cell(&grades, g).unwrap_or_default();
        r.push_str(&tdc(&g.pay_grade.to_string()));
        for a in [g.base_wage, g.post_allowance, g.performance_base] {
            r.push_str(&tdn(&money(a)));
        }
        for (code, _, _) in &allowances {
            match g.allowances.iter().find(|a| a.code == *code) {
                Some(a) => r.push_str(&tdn(&money(a.amount))),
                None => r.push_str(&tdc("—")),
            }
        }
        r.push_str(&tdn(&money(g.nominal_monthly())));
        r.push_str(&tdn(&money(g.night_allowance_per_shift)));
        rows.push(r);
    }
    let head_refs: Vec<&str> = head.iter().map(String::as_str).collect();
    d.table(
        "各岗位薪级月度标准（单位：元）",
        &head_refs,
        &rows,
        "月标准合计 = 基本工资 + 岗位津贴 + 绩效基数 + 固定津贴，即绩效系数为 1.00、无夜班、无加班和扣款时的足月应发工资。",
    );
    d.article(
        "月中入职或离职的，基本工资、岗位津贴、固定津贴和绩效工资按在职期间的计薪工作日数 ÷ 当月计薪工作日数折算。",
    );
    let counted: Vec<&str> = allowances
        .iter()
        .filter(|(_, _, c)| *c)
        .map(|(_, l, _)| *l)
        .collect();
    let not_counted: Vec<&str> = allowances
        .iter()
        .filter(|(_, _, c)| !*c)
        .map(|(_, l, _)| *l)
        .collect();
    let mut counted_items = vec!["基本工资", "岗位津贴", "绩效工资"];
    counted_items.extend(counted.iter().copied());
    let mut excluded = vec!["加班工资", "夜班津贴"];
    excluded.extend(not_counted.iter().copied());
    let below: Vec<String> = grades
        .iter()
        .filter(|g| g.base_wage < min_wage.monthly)
        .map(|g| format!("{}{}级", position_zh(g.position), g.pay_grade))
        .collect();
    let base_vs_min = if below.is_empty() {
        "表中各薪级的基本工资均不低于该标准。".to_owned()
    } else {
        format!(
            "表中以下薪级的基本工资低于该标准，须由其他计入项目补足：{}。",
            below.join("、")
        )
    };
    d.article(&format!(
        "当地最低工资标准为每月 {} 元（适用地区：{}；自{}起执行）。{}系统每月逐人将标准工作时间内的工资（{}）与最低工资标准\
         （按在职计薪工作日折算）比较，{}不计入；比较时{}个人缴纳的社会保险费和住房公积金。未达到的人员由系统列出，由人事核查处理。",
        money(min_wage.monthly),
        esc(&cfg.minimum_wage.region),
        zh_date(min_wage.provenance.effective_from),
        esc(&base_vs_min),
        esc(&counted_items.join("、")),
        esc(&excluded.join("、")),
        if cfg.minimum_wage.check.deduct_employee_contributions {
            "扣除"
        } else {
            "不扣除"
        }
    ));

    d.chapter("绩效工资");
    let t_bands = d.next_table();
    d.article(&format!(
        "绩效工资 = 绩效基数 × 绩效系数。绩效系数由当月综合考核得分按表{t_bands}确定，考核指标、权重和计分办法见《绩效考核办法》。"
    ));
    d.narrow_table(
        "综合考核得分与绩效系数",
        &["综合考核得分", "绩效系数"],
        &band_rows(bands),
    );

    d.chapter("计薪基数与加班工资");
    let t_wage = d.next_table();
    d.article(&format!(
        "月计薪天数为 {} 天，每日工作时间为 {} 小时。月工资基数 = {}；日工资 = 月工资基数 ÷ {}；\
         小时工资 = 月工资基数 ÷ {} ÷ {}。各薪级的日工资和小时工资见表{t_wage}。",
        num(rules.pay_conversion_days),
        num(rules.hours_per_day),
        esc(&monthly_text),
        num(rules.pay_conversion_days),
        num(rules.pay_conversion_days),
        num(rules.hours_per_day),
    ));
    let divisor = rules.pay_conversion_days * rules.hours_per_day;
    let wage_rows: Vec<String> = grades
        .iter()
        .map(|g| {
            let m = g.monthly_wage(rules);
            let hour = m / divisor;
            let at = |p: u32| money(hour * Decimal::from(p) / Decimal::ONE_HUNDRED);
            format!(
                "{}{}{}{}{}{}{}{}",
                position_cell(&grades, g).unwrap_or_default(),
                tdc(&g.pay_grade.to_string()),
                tdn(&money(m)),
                tdn(&money(m / rules.pay_conversion_days)),
                tdn(&money(hour)),
                tdn(&at(PREMIUM_EXCESS)),
                tdn(&at(PREMIUM_REST_DAY)),
                tdn(&at(PREMIUM_HOLIDAY)),
            )
        })
        .collect();
    d.table(
        "日工资、小时工资与加班每小时工资（单位：元）",
        &[
            "岗位",
            "薪级",
            "月工资基数",
            "日工资",
            "小时工资",
            &format!("{PREMIUM_EXCESS}%"),
            &format!("{PREMIUM_REST_DAY}%"),
            &format!("{PREMIUM_HOLIDAY}%"),
        ],
        &wage_rows,
        &format!(
            "表中金额四舍五入至分，供查对；加班工资按“月工资基数 × 小时数 × 比例 ÷ ({} × {})”计算后一次四舍五入至分，扣款按“月工资基数 × 天数 ÷ {}”计算。",
            num(rules.pay_conversion_days),
            num(rules.hours_per_day),
            num(rules.pay_conversion_days)
        ),
    );
    d.article(
        "按排班轮班（在休息日、法定节假日按排班上班）的人员实行综合计算工时工作制，以月为周期综合计算工作时间；\
         仅在工作日上班的人员实行标准工时制。",
    );
    d.article(&format!(
        "实行综合计算工时工作制的人员，当月在工作日和休息日实际工作的小时数超过应出勤小时数的部分，按小时工资的 {PREMIUM_EXCESS}% \
         支付加班工资；在法定节假日工作的小时，另按小时工资的 {PREMIUM_HOLIDAY}% 支付，且不计入上述比较。应出勤小时数 = {} × \
         （在职计薪工作日数 − 请假天数 − 旷工天数）。",
        num(rules.hours_per_day)
    ));
    d.article(&format!(
        "实行标准工时制的人员，工作日延长工作时间按小时工资的 {PREMIUM_EXCESS}% 支付；休息日工作又未安排补休的，按 \
         {PREMIUM_REST_DAY}% 支付，已安排补休的不另支付；法定节假日工作按 {PREMIUM_HOLIDAY}% 支付。"
    ));
    d.chapter("夜班津贴");
    d.article(&format!(
        "夜班津贴按当月实际上岗的夜班班次计发，每班标准见表{t_grades}。夜班指 {}。夜班津贴不计入最低工资比较。",
        esc(&night_shifts_text(&cfg.site))
    ));

    d.chapter("假期与旷工");
    d.article(&format!(
        "年休假、婚假、丧假、产假（陪产假、护理假）和调休期间照发工资。事假和旷工按日扣减日工资；病假按日工资的 {} \
         计发病假工资，且每天不低于当地最低工资标准的 {} 折算的日标准（最低工资 × {} ÷ {}，现为 {} 元），病假扣款 = 日工资 − 病假工资。\
         当月事假、病假和旷工扣款合计不超过当月（折算后）的基本工资与岗位津贴。考勤与请假的认定见《工作人员考勤管理制度》。",
        pct(rules.sick_pay_rate),
        pct(rules.sick_pay_floor_of_minimum_wage),
        num(rules.sick_pay_floor_of_minimum_wage),
        num(rules.pay_conversion_days),
        money(min_wage.monthly * rules.sick_pay_floor_of_minimum_wage / rules.pay_conversion_days),
    ));

    d.chapter("平均薪资水平");
    let payroll = month.payroll;
    let averages = average_pay_by_position(&payroll.payslips);
    let t_avg = d.next_table();
    d.article(&format!(
        "按 {} 年 {} 月工资测算，各岗位人数和人均应发工资见表{t_avg}。{}",
        pay_month.year(),
        pay_month.month(),
        esc(month.basis)
    ));
    let mut avg_rows = Vec::new();
    let mut all_total = Decimal::ZERO;
    for a in &averages {
        let total: Money = payroll
            .payslips
            .iter()
            .filter(|p| p.position == a.position)
            .map(|p| p.totals.gross)
            .sum();
        all_total += total;
        avg_rows.push(format!(
            "{}{}{}{}",
            tdc(position_zh(a.position)),
            tdn(&a.person_months.to_string()),
            tdn(&money(total)),
            tdn(&money(a.average_gross)),
        ));
    }
    let heads = payroll.payslips.len();
    if heads > 0 {
        avg_rows.push(format!(
            "<tr class=\"total\">{}{}{}{}</tr>",
            tdc("全体"),
            tdn(&heads.to_string()),
            tdn(&money(all_total)),
            tdn(&money(round_fen(all_total / Decimal::from(heads as u64)))),
        ));
    }
    d.table(
        &format!(
            "{} 年 {} 月各岗位平均薪资水平（单位：元）",
            pay_month.year(),
            pay_month.month()
        ),
        &["岗位", "人数", "应发工资合计", "人均应发工资"],
        &avg_rows,
        "人均应发工资 = 该岗位当月各人“应发合计”之和 ÷ 人数，四舍五入至分，与当月工资表“应发合计”列一致；\
         应发工资含当月加班工资和夜班津贴，未扣除个人社会保险费、住房公积金和个人所得税。",
    );

    d.chapter("附则");
    d.article(
        "本体系所列标准由系统配置文件维护。调整标准须修改配置文件，经规定程序确认后重新生成本文件并向全体工作人员公示。",
    );
    d.article(&format!(
        "本体系自{}起执行，由项目运营管理部门负责解释。",
        zh_date(
            d.sources
                .iter()
                .filter_map(|r| r.from)
                .max()
                .unwrap_or(as_of)
        )
    ));
    Ok(d.finish(&cfg.org(), generated_on))
}

// ---------------------------------------------------------------------------------------------
// 《绩效考核办法》

fn kpi_definition(k: Kpi) -> &'static str {
    match k {
        Kpi::AnswerRate => "当月已接通来电占呼入来电的百分比",
        Kpi::Satisfaction => "当月参与评价的来电中评价为满意的百分比",
        Kpi::QaScore => "当月质检评分表总分（0–100 分）的平均分",
        Kpi::CallbackTimeliness => "当月在规定时限内完成的回访占应回访数的百分比",
        Kpi::Attendance => "按《工作人员考勤管理制度》计算的当月出勤得分",
    }
}

/// 《绩效考核办法》: KPIs and weights per position, KPI scoring, the coefficient bands and
/// performance pay, in force on `as_of`.
///
/// # Errors
/// No coefficient table or KPI weights in force on `as_of`.
pub fn performance_doc(
    cfg: &PolicyConfig,
    as_of: NaiveDate,
    generated_on: NaiveDate,
) -> anyhow::Result<PolicyDocument> {
    let s = &cfg.sources;
    let mut d = Draft::new(
        DocKind::Performance,
        as_of,
        &[
            &s.performance,
            &s.kpi_scoring,
            &s.attendance,
            &s.pay_structure,
        ],
    );
    let perf = &cfg.performance;
    let bands = bands_on(cfg, as_of)?;
    let mut weights: Vec<&payroll::performance::KpiWeights> = perf
        .kpi_weights
        .iter()
        .filter(|w| w.provenance.covers(as_of))
        .collect();
    weights.sort_by_key(|w| w.position);
    anyhow::ensure!(
        !weights.is_empty(),
        "{}: no KPI weights in force on {as_of}",
        s.performance.name
    );
    let k = &cfg.kpi_scoring;
    let att = &cfg.attendance;
    d.rows(
        &s.performance,
        "各岗位指标权重",
        perf.kpi_weights.iter().map(|w| &w.provenance),
    );
    d.rows(
        &s.performance,
        "绩效系数表",
        perf.coefficient_table.iter().map(|t| &t.provenance),
    );
    d.single(
        &s.kpi_scoring,
        "指标计分",
        Some(k.effective_from),
        &k.source,
        &k.grade,
    );
    d.single(
        &s.attendance,
        "出勤扣分",
        Some(att.effective_from),
        &att.source,
        &att.grade,
    );
    d.rows(
        &s.pay_structure,
        "绩效基数",
        cfg.pay_structure.grade.iter().map(|g| &g.provenance),
    );

    d.chapter("总则");
    d.article(
        "为客观评价工作人员的工作表现和工作成效，依据采购需求第 2.3.3 条（员工评价参考采购人对工作人员日常表现的记录、\
         工作量和工作成效，做到有理有据）和第 2.3.6 条，制定本办法。",
    );
    d.article("本办法适用于本项目全体工作人员。考核按自然月进行，考核结果决定当月绩效工资。");

    d.chapter("考核指标与权重");
    let used: Vec<Kpi> = Kpi::ALL
        .into_iter()
        .filter(|kpi| weights.iter().any(|w| w.weights.contains_key(kpi)))
        .collect();
    let defs: Vec<String> = used
        .iter()
        .map(|k| format!("{}：{}", kpi_zh(*k), kpi_definition(*k)))
        .collect();
    let t_weights = d.next_table();
    d.article(&format!(
        "考核指标为：{}。各指标按月计分，满分 100 分。",
        esc(&defs.join("；"))
    ));
    d.article(&format!(
        "各岗位的考核指标及权重见表{t_weights}，每个岗位的权重合计为 100%。"
    ));
    let mut head = vec!["岗位"];
    head.extend(used.iter().map(|k| kpi_zh(*k)));
    let rows: Vec<String> = weights
        .iter()
        .map(|w| {
            let mut r = tdc(position_zh(w.position));
            for kpi in &used {
                match w.weights.get(kpi).filter(|v| !v.is_zero()) {
                    Some(v) => r.push_str(&tdn(&pct(*v))),
                    None => r.push_str(&tdc("—")),
                }
            }
            r
        })
        .collect();
    d.table(
        "各岗位考核指标权重",
        &head,
        &rows,
        "“—”表示该岗位不考核此项指标。",
    );

    d.chapter("指标计分");
    let t_scale = d.next_table();
    let example = &k.answer_rate;
    let ex_value = (example.full + example.zero) / Decimal::TWO;
    d.article(&format!(
        "接通率、满意率和回访及时率按线性计分，满分值和零分值见表{t_scale}：实际值达到或优于满分值的得 100 分，达到或劣于零分值的得 0 分，\
         介于两者之间的，得分 = 100 × （实际值 − 零分值）÷（满分值 − 零分值），保留两位小数（四舍五入）。\
         例：接通率 {}% 得 100 × ({} − {}) ÷ ({} − {}) = {:.2} 分。",
        num(ex_value),
        num(ex_value),
        num(example.zero),
        num(example.full),
        num(example.zero),
        example.score(ex_value),
    ));
    let scale_rows: Vec<String> = [Kpi::AnswerRate, Kpi::Satisfaction, Kpi::CallbackTimeliness]
        .into_iter()
        .filter_map(|kpi| k.scale(kpi).map(|s| (kpi, s)))
        .map(|(kpi, s)| {
            format!(
                "{}{}{}",
                tdc(kpi_zh(kpi)),
                tdn(&format!("{}%", num(s.full))),
                tdn(&format!("{}%", num(s.zero)))
            )
        })
        .collect();
    d.narrow_table(
        "线性计分的满分值与零分值",
        &["指标", "满分值（得 100 分）", "零分值（得 0 分）"],
        &scale_rows,
    );
    d.article(&format!(
        "质检得分取当月质检评分表总分的平均分，不作换算。当月质检评分表少于 {} 份的，得分照常计算，并标记提交人事复核。",
        k.qa_score.min_samples
    ));
    d.article(&format!(
        "采购人的表扬和投诉计入满意率得分：每次表扬加 {} 分，当月表扬加分合计不超过 {} 分；每次经核实的投诉扣 {} 分；\
         加减分后的满意率得分不高于 100 分、不低于 0 分。",
        num(k.feedback.commendation_points),
        num(k.feedback.commendation_cap),
        num(-k.feedback.complaint_points)
    ));
    let p = &att.kpi_points;
    d.article(&format!(
        "出勤得分 = 100 − 当月考勤扣分，最低 0 分。每次迟到扣 {} 分，严重迟到扣 {} 分（不再另扣迟到分），每次早退扣 {} 分，\
         每次缺卡扣 {} 分，旷工每天扣 {} 分。迟到、早退、缺卡和旷工的认定见《工作人员考勤管理制度》。",
        p.late, p.serious_late, p.early_leave, p.missing_punch, p.absence_day
    ));

    d.chapter("综合得分与绩效系数");
    d.article("综合得分 = Σ（各指标得分 × 该指标权重），不作舍入。");
    let t_bands = d.next_table();
    d.article(&format!("绩效系数按综合得分所在区间确定，见表{t_bands}。"));
    d.narrow_table(
        "综合得分与绩效系数",
        &["综合得分", "绩效系数"],
        &band_rows(bands),
    );
    let grades = grades_on(&cfg.pay_structure, as_of);
    let mut grade_numbers: Vec<u8> = grades.iter().map(|g| g.pay_grade).collect();
    grade_numbers.sort_unstable();
    grade_numbers.dedup();
    let mut positions: Vec<payroll::Position> = grades.iter().map(|g| g.position).collect();
    positions.dedup();
    let t_base = d.next_table();
    d.article(&format!(
        "绩效工资 = 绩效基数 × 绩效系数；月中入职或离职的，按在职计薪工作日数 ÷ 当月计薪工作日数折算。各岗位、各薪级的绩效基数见表{t_base}\
         （与《工作人员薪酬体系》一致）。"
    ));
    let mut head_base = vec!["岗位".to_owned()];
    head_base.extend(grade_numbers.iter().map(|n| format!("{n} 级")));
    let base_rows: Vec<String> = positions
        .iter()
        .map(|pos| {
            let mut r = tdc(position_zh(*pos));
            for n in &grade_numbers {
                match grades
                    .iter()
                    .find(|g| g.position == *pos && g.pay_grade == *n)
                {
                    Some(g) => r.push_str(&tdn(&money(g.performance_base))),
                    None => r.push_str(&tdc("—")),
                }
            }
            r
        })
        .collect();
    let head_base_refs: Vec<&str> = head_base.iter().map(String::as_str).collect();
    d.table(
        "各岗位绩效基数（单位：元/月）",
        &head_base_refs,
        &base_rows,
        "",
    );

    d.chapter("考核依据与记录");
    d.article(
        "考核依据为：话务系统统计的呼入与接通数据，满意度评价记录，质检评分表，回访工单记录，考勤记录（打卡记录及其与排班的核对结果），\
         以及采购人转来并经核实的表扬和投诉。",
    );
    d.article(
        "每月考核所依据的原始数据、各指标实际值与得分、综合得分和绩效系数随当月工资一并保存，供工作人员查询和采购人审核。",
    );
    d.article(
        "管理人员调整任何指标得分的，须书面说明理由；调整人、调整时间、调整前后的得分和理由记入审计记录并予保存。",
    );

    d.chapter("附则");
    d.article(
        "本办法所列指标、权重、计分标准和绩效系数由系统配置文件维护。调整须修改配置文件，经规定程序确认后重新生成本办法并向全体工作人员公示。",
    );
    d.article(&format!(
        "本办法自{}起执行，由项目运营管理部门负责解释。",
        zh_date(
            d.sources
                .iter()
                .filter_map(|r| r.from)
                .max()
                .unwrap_or(as_of)
        )
    ));
    Ok(d.finish(&cfg.org(), generated_on))
}

// ---------------------------------------------------------------------------------------------
// 《工作人员考勤管理制度》

/// 《工作人员考勤管理制度》: shifts, punches, lateness, early leave, absence, the attendance
/// KPI and leave, in force on `as_of`.
///
/// # Errors
/// No pay rules or minimum wage in force on `as_of`.
pub fn attendance_doc(
    cfg: &PolicyConfig,
    as_of: NaiveDate,
    generated_on: NaiveDate,
) -> anyhow::Result<PolicyDocument> {
    let s = &cfg.sources;
    let mut d = Draft::new(
        DocKind::Attendance,
        as_of,
        &[&s.attendance, &s.site, &s.pay_structure, &s.minimum_wage],
    );
    let a = &cfg.attendance;
    let rules = cfg
        .pay_structure
        .rules_on(as_of)
        .with_context(|| format!("{}: no pay rules in force", s.pay_structure.name))?;
    let min_wage = cfg
        .minimum_wage
        .on(as_of)
        .with_context(|| format!("{}: no minimum wage in force", s.minimum_wage.name))?;
    d.single(
        &s.attendance,
        "考勤规则",
        Some(a.effective_from),
        &a.source,
        &a.grade,
    );
    d.single(&s.site, "班次与夜班", None, "站点配置（排班所用）", "—");
    d.rows(
        &s.pay_structure,
        "计薪规则",
        cfg.pay_structure.rules.iter().map(|r| &r.provenance),
    );
    d.rows(
        &s.minimum_wage,
        "最低工资标准",
        cfg.minimum_wage.minimum_wage.iter().map(|r| &r.provenance),
    );

    d.chapter("总则");
    d.article(
        "为规范工作人员出勤管理，保障热线按排班 7×24 小时在岗（采购需求第 2.3.4 条），依据采购需求第 2.3.6 条制定本制度。",
    );
    d.article(
        "本制度适用于本项目全体工作人员（含预备人员）。工作人员按已发布的月度排班上岗。本制度属用人单位规章制度，\
         依《中华人民共和国劳动合同法》第四条，经职工代表大会或者全体职工讨论、与工会或者职工代表平等协商确定，\
         并向全体工作人员公示后施行。",
    );

    d.chapter("班次与打卡");
    let site = &cfg.site;
    let t_shifts = d.next_table();
    d.article(&format!("本项目的班次见表{t_shifts}。"));
    let shift_rows: Vec<String> = site
        .shifts
        .iter()
        .map(|sh| {
            let mut notes = Vec::new();
            if site.rules.night_shifts.contains(&sh.code) {
                notes.push("夜班".to_owned());
            }
            if sh.break_minutes > 0 {
                notes.push(format!("含不计薪休息 {} 分钟", sh.break_minutes));
            }
            if sh.staggered {
                notes.push("错峰班次，仅在按话务预测排班时使用".to_owned());
            }
            format!(
                "{}{}{}{}{}",
                tdc(&sh.code),
                tdc(&sh.name),
                tdc(&format!("{}–{}", sh.start, sh.end)),
                tdn(&num(Decimal::from(sh.paid_minutes) / Decimal::from(60))),
                td(&notes.join("；"))
            )
        })
        .collect();
    d.table(
        "班次",
        &["代码", "名称", "时间", "计薪小时", "说明"],
        &shift_rows,
        "",
    );
    d.article(&format!(
        "工作人员每个班次须上班、下班各打卡一次。同一人 {} 分钟内的重复打卡视为一次打卡。",
        a.merge_repeat_minutes
    ));
    d.article(&format!(
        "班次开始前 {} 分钟至开始后 {} 分钟内的打卡，为该班次的上班打卡；班次结束前 {} 分钟至结束后 {} 分钟内的打卡，为该班次的下班打卡。",
        a.clock_in_early_window_minutes,
        a.absent_late_minutes,
        a.absent_early_minutes,
        a.clock_out_late_window_minutes
    ));
    let mut examples = Vec::new();
    for sh in &site.shifts {
        if sh.start_minute() < a.clock_in_early_window_minutes {
            examples.push(format!(
                "{}于前一日提前上班打卡的，记入班次当日",
                shift_text(sh)
            ));
        }
        if sh.end_minute() >= 24 * 60 {
            examples.push(format!(
                "{}于次日下班打卡的，记入班次开始的日期",
                shift_text(sh)
            ));
        }
    }
    d.article(&format!(
        "考勤一律记入班次开始的日期。{}",
        if examples.is_empty() {
            String::new()
        } else {
            format!("{}。", esc(&examples.join("；")))
        }
    ));

    d.chapter("迟到、早退、缺卡与旷工");
    d.article(&format!(
        "上班打卡晚于班次开始时间超过 {} 分钟的，为迟到；超过 {} 分钟的，为严重迟到。",
        a.late_grace_minutes, a.serious_late_minutes
    ));
    d.article(&if a.early_grace_minutes == 0 {
        "下班打卡早于班次结束时间的，为早退（不设宽限时间）。".to_owned()
    } else {
        format!(
            "下班打卡早于班次结束时间超过 {} 分钟的，为早退。",
            a.early_grace_minutes
        )
    });
    d.article("已出勤但缺少上班打卡或下班打卡的，为缺卡，每缺一次计一次。");
    d.article(&format!(
        "有下列情形之一且无已批准请假的，按旷工一天计：（一）排班上岗而当日既无出勤记录也无请假的；\
         （二）迟到超过 {} 分钟的；（三）早退超过 {} 分钟的。",
        a.absent_late_minutes, a.absent_early_minutes
    ));
    d.article(
        "某人当月全无考勤记录的，视为考勤数据缺失，不按全月旷工处理：按排班计发并列为差异，由人事核实。",
    );

    d.chapter("出勤得分");
    let t_points = d.next_table();
    d.article(&format!(
        "出勤得分 = 100 − 当月扣分合计，最低 0 分，扣分标准见表{t_points}。出勤得分为《绩效考核办法》的“出勤”指标，通过绩效系数影响绩效工资。"
    ));
    let p = &a.kpi_points;
    let point_rows: Vec<String> = [
        ("迟到（每次）", p.late),
        ("严重迟到（每次，不再另扣迟到分）", p.serious_late),
        ("早退（每次）", p.early_leave),
        ("缺卡（每次）", p.missing_punch),
        ("旷工（每天）", p.absence_day),
    ]
    .into_iter()
    .map(|(what, pts)| format!("{}{}", td(what), tdn(&pts.to_string())))
    .collect();
    d.narrow_table("出勤扣分", &["事项", "扣分"], &point_rows);

    d.chapter("考勤与工资");
    d.article("迟到、早退和缺卡不直接扣减工资，只通过出勤得分影响绩效工资。");
    d.article(&format!(
        "旷工按天扣减日工资。日工资 = （{}）÷ {}，各薪级的日工资见《工作人员薪酬体系》。",
        esc(&monthly_wage_text(rules)),
        num(rules.pay_conversion_days)
    ));

    d.chapter("请假");
    let t_leave = d.next_table();
    d.article(&format!(
        "请假须事先申请，经运营经理批准后录入排班。假别及请假期间的工资处理见表{t_leave}。"
    ));
    let sick_floor =
        min_wage.monthly * rules.sick_pay_floor_of_minimum_wage / rules.pay_conversion_days;
    let leave_rows: Vec<String> = [
        ("年休假", "照发工资".to_owned()),
        ("婚假", "照发工资".to_owned()),
        ("丧假", "照发工资".to_owned()),
        ("产假、陪产假、护理假", "照发工资".to_owned()),
        ("调休（补休）", "照发工资（以此前加班换休）".to_owned()),
        ("事假", "按天扣减日工资".to_owned()),
        (
            "病假",
            format!(
                "按日工资的 {} 计发病假工资，每天不低于最低工资 {} 元 × {} ÷ {} = {} 元；扣减 日工资 − 病假工资",
                pct(rules.sick_pay_rate),
                money(min_wage.monthly),
                num(rules.sick_pay_floor_of_minimum_wage),
                num(rules.pay_conversion_days),
                money(sick_floor)
            ),
        ),
    ]
    .into_iter()
    .map(|(kind, pay)| format!("{}{}", tdc(kind), td(&pay)))
    .collect();
    d.table("假别与工资处理", &["假别", "工资处理"], &leave_rows, "");
    d.article(
        "请假以计薪工作日计，可按半天计。当月事假、病假和旷工扣款合计不超过当月（折算后）的基本工资与岗位津贴。",
    );

    d.chapter("考勤核对");
    let kinds: Vec<&str> = [
        DifferenceKind::WorkedNotRostered,
        DifferenceKind::RosteredAbsent,
        DifferenceKind::ShiftSwapped,
        DifferenceKind::MissingPunch,
        DifferenceKind::LeaveNotInRoster,
        DifferenceKind::NoAttendance,
    ]
    .into_iter()
    .map(DifferenceKind::label_zh)
    .collect();
    d.article(&format!(
        "每月将考勤记录与排班逐日核对，差异分为：{}，由人事逐条确认后作为工资计算的依据。",
        esc(&kinds.join("、"))
    ));

    d.chapter("附则");
    d.article(
        "本制度所列时间、阈值和扣分标准由系统配置文件维护。调整须修改配置文件，经规定程序确认后重新生成本制度并向全体工作人员公示。",
    );
    d.article(&format!(
        "本制度自{}起执行，由项目运营管理部门负责解释。",
        zh_date(
            d.sources
                .iter()
                .filter_map(|r| r.from)
                .max()
                .unwrap_or(as_of)
        )
    ));
    Ok(d.finish(&cfg.org(), generated_on))
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use std::str::FromStr as _;

    use calamine::{Data, Reader as _};
    use payroll::{compute_month, EmployeeMonth, Month, Policy, PolicyTexts};
    use rust_decimal::RoundingStrategy;

    use super::*;

    macro_rules! data {
        ($f:literal) => {
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/", $f))
        };
    }

    fn file(name: &str, text: &str) -> ConfigFile {
        ConfigFile {
            name: name.to_owned(),
            text: text.to_owned(),
        }
    }

    fn sources() -> PolicySources {
        PolicySources {
            pay_structure: file(
                PolicySources::PAY_STRUCTURE,
                data!("payroll/pay-structure.toml"),
            ),
            performance: file(
                PolicySources::PERFORMANCE,
                data!("payroll/performance.toml"),
            ),
            minimum_wage: file(
                PolicySources::MINIMUM_WAGE,
                data!("payroll/minimum-wage.toml"),
            ),
            kpi_scoring: file(
                PolicySources::KPI_SCORING,
                data!("performance/kpi-scoring.toml"),
            ),
            attendance: file(PolicySources::ATTENDANCE, data!("attendance/policy.toml")),
            site: file("demo/site.toml", data!("demo/site.toml")),
        }
    }

    fn policy(pay_structure: &str) -> Policy {
        Policy::from_toml_strs(&PolicyTexts {
            social_insurance: data!("payroll/social-insurance.toml"),
            housing_fund: data!("payroll/housing-fund.toml"),
            minimum_wage: data!("payroll/minimum-wage.toml"),
            iit: data!("payroll/iit.toml"),
            pay_structure,
            performance: data!("payroll/performance.toml"),
            contract_cost: data!("payroll/contract-cost.toml"),
        })
        .expect("policy")
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 20).expect("date")
    }

    fn march() -> Month {
        "2026-03".parse().expect("month")
    }

    /// Replaces the value of the one line `key = …` of a TOML text.
    fn set(text: &str, key: &str, value: &str) -> String {
        let prefix = format!("{key} =");
        let mut hits = 0;
        let out: Vec<String> = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with(&prefix) {
                    hits += 1;
                    format!("{key} = {value}")
                } else {
                    l.to_owned()
                }
            })
            .collect();
        assert_eq!(hits, 1, "`{key}` must occur once");
        out.join("\n")
    }

    fn employee_month(
        id: &str,
        position: &str,
        grade: u8,
        employed: u32,
        night: u32,
        holiday_hours: u32,
        score: u32,
    ) -> EmployeeMonth {
        let json = serde_json::json!({
            "employee": { "id": id, "name": format!("员工{id}"), "position": position,
                          "pay_grade": grade, "working_time": "comprehensive",
                          "hired_on": "2026-01-01" },
            "time_sheet": {
                "standard_hours_of_month": "176", "scheduled_working_days_of_month": 22,
                "working_days_employed": employed,
                "ordinary_day_hours": (employed * 8).to_string(),
                "rest_day_hours": "16", "statutory_holiday_hours": holiday_hours.to_string(),
                "night_shifts": night,
                "kpi": { "answer_rate": score.to_string(), "satisfaction": score.to_string(),
                         "qa_score": score.to_string(), "callback_timeliness": score.to_string(),
                         "attendance": "100" } }
        });
        serde_json::from_value(json).expect("employee month")
    }

    fn month_payroll() -> MonthPayroll {
        let inputs = vec![
            employee_month("A001", "agent", 1, 22, 7, 0, 92),
            employee_month("A002", "agent", 2, 22, 5, 8, 86),
            employee_month("A003", "agent", 3, 15, 3, 0, 71),
            employee_month("T001", "team_leader", 2, 22, 6, 0, 96),
            employee_month("T002", "team_leader", 1, 21, 8, 0, 83),
            employee_month("C001", "callback", 1, 22, 0, 0, 88),
            employee_month("M001", "manager", 3, 22, 0, 0, 90),
        ];
        compute_month(
            &policy(data!("payroll/pay-structure.toml")),
            march(),
            &inputs,
        )
        .expect("payroll")
    }

    fn pay_doc(cfg: &PolicyConfig, pay: &MonthPayroll) -> PolicyDocument {
        pay_structure_doc(
            cfg,
            PayMonth {
                payroll: pay,
                basis: "测试数据。",
            },
            today(),
        )
        .expect("pay doc")
    }

    fn cell_text(c: &Data) -> String {
        match c {
            Data::String(s) => s.clone(),
            Data::Empty => String::new(),
            other => other.to_string(),
        }
    }

    fn cell_money(c: &Data) -> Decimal {
        match c {
            Data::Float(f) => Decimal::from_str(&format!("{f:.2}")).expect("number"),
            Data::Int(i) => Decimal::from(*i),
            other => panic!("not an amount: {other:?}"),
        }
    }

    #[test]
    fn average_pay_per_position_equals_the_register() {
        let pay = month_payroll();
        let bytes = crate::excel::payroll_xlsx::register(&pay).expect("register");
        let mut wb =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).expect("workbook");
        let range = wb.worksheet_range("工资表").expect("sheet");
        let rows: Vec<&[Data]> = range.rows().collect();
        let head = rows
            .iter()
            .position(|r| r.iter().any(|c| cell_text(c) == "应发合计"))
            .expect("header row");
        let col = |name: &str| {
            rows[head]
                .iter()
                .position(|c| cell_text(c) == name)
                .unwrap_or_else(|| panic!("column {name}"))
        };
        let (c_pos, c_gross) = (col("岗位"), col("应发合计"));
        let mut by: BTreeMap<String, (u32, Decimal)> = BTreeMap::new();
        let mut people = 0;
        for r in &rows[head + 1..] {
            if r.iter().any(|c| cell_text(c) == "合计") {
                break;
            }
            let e = by.entry(cell_text(&r[c_pos])).or_default();
            e.0 += 1;
            e.1 += cell_money(&r[c_gross]);
            people += 1;
        }
        assert_eq!(people, pay.payslips.len());
        assert_eq!(by.len(), 4, "agent, team leader, callback, manager");

        let cfg = PolicyConfig::parse(sources()).expect("config");
        let doc = pay_doc(&cfg, &pay);
        let mut all = Decimal::ZERO;
        for (position, (n, total)) in &by {
            all += total;
            let mean = (*total / Decimal::from(*n))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            let row = format!(
                "<td class=\"c\">{position}</td><td class=\"n\">{n}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
                money(*total),
                money(mean)
            );
            assert!(doc.body.contains(&row), "missing {row}");
        }
        let overall = (all / Decimal::from(people as u64))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        assert!(doc.body.contains(&format!(
            "<td class=\"c\">全体</td><td class=\"n\">{people}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>",
            money(all),
            money(overall)
        )));
        assert!(doc.body.contains("按 2026 年 3 月工资测算"));
    }

    #[test]
    fn pay_document_shows_every_grade_and_allowance() {
        let cfg = PolicyConfig::parse(sources()).expect("config");
        let doc = pay_doc(&cfg, &month_payroll());
        // Agent grade 2: base 2,250, post 650, performance base 850, meal 200, total 3,950, night 50.
        assert!(doc.body.contains(
            "<td class=\"c\">2</td><td class=\"n\">2,250.00</td><td class=\"n\">650.00</td><td class=\"n\">850.00</td>\
             <td class=\"n\">200.00</td><td class=\"c\">—</td><td class=\"n\">3,950.00</td><td class=\"n\">50.00</td>"
        ));
        for g in &cfg.pay_structure.grade {
            assert!(doc.body.contains(&format!(
                "<td class=\"n\">{}</td>",
                money(g.nominal_monthly())
            )));
        }
        assert!(doc.body.contains("餐费补贴") && doc.body.contains("通讯补贴"));
        assert!(doc.body.contains("月计薪天数为 21.75 天"));
        assert!(doc.body.contains("夜班指 N（夜班 00:00–08:00）"));
        // Agent grade 1: (2,250 + 450) ÷ 21.75 = 124.14 a day.
        assert!(doc
            .body
            .contains("<td class=\"n\">2,700.00</td><td class=\"n\">124.14</td>"));
        // Sick-pay floor: 2,250 × 0.8 ÷ 21.75 = 82.76.
        assert!(doc.body.contains("现为 82.76 元"));
        assert!(doc.body.contains("当地最低工资标准为每月 2,250.00 元"));

        let raised = set(
            data!("payroll/pay-structure.toml"),
            "sick_pay_rate",
            "\"0.70\"",
        );
        let mut src = sources();
        src.pay_structure.text = raised;
        let cfg2 = PolicyConfig::parse(src).expect("config");
        let doc2 = pay_doc(&cfg2, &month_payroll());
        assert!(doc.body.contains("按日工资的 80% 计发病假工资"));
        assert!(doc2.body.contains("按日工资的 70% 计发病假工资"));
        assert_ne!(doc.version, doc2.version);
    }

    /// The overtime percentages the documents state are those the payroll engine applies.
    #[test]
    fn stated_premiums_are_the_engines() {
        let pol = policy(data!("payroll/pay-structure.toml"));
        let mut comprehensive = employee_month("A001", "agent", 1, 22, 0, 8, 90);
        comprehensive.time_sheet.rest_day_hours = Decimal::from(24);
        let mut standard = employee_month("A002", "agent", 1, 22, 0, 0, 90);
        standard.employee.working_time = payroll::WorkingTimeSystem::Standard;
        standard.time_sheet.ordinary_day_hours = Decimal::from(180);
        let pay = compute_month(&pol, march(), &[comprehensive, standard]).expect("payroll");
        let percent = |code: &str| -> Vec<u32> {
            pay.payslips
                .iter()
                .flat_map(|p| &p.earnings)
                .filter(|l| l.code == code)
                .map(|l| l.inputs["premium_percent"].parse().expect("percent"))
                .collect()
        };
        assert_eq!(percent("OT150"), vec![PREMIUM_EXCESS, PREMIUM_EXCESS]);
        assert_eq!(percent("OT200"), vec![PREMIUM_REST_DAY]);
        assert_eq!(percent("OT300"), vec![PREMIUM_HOLIDAY]);
        let cfg = PolicyConfig::parse(sources()).expect("config");
        let doc = pay_doc(&cfg, &pay);
        for p in [PREMIUM_EXCESS, PREMIUM_REST_DAY, PREMIUM_HOLIDAY] {
            assert!(doc.body.contains(&format!("{p}%")));
        }
    }

    #[test]
    fn performance_document_has_every_weight_and_band() {
        let cfg = PolicyConfig::parse(sources()).expect("config");
        let doc = performance_doc(&cfg, march().first_day(), today()).expect("doc");
        let used: Vec<Kpi> = Kpi::ALL
            .into_iter()
            .filter(|k| {
                cfg.performance
                    .kpi_weights
                    .iter()
                    .any(|w| w.weights.contains_key(k))
            })
            .collect();
        assert_eq!(used.len(), 5);
        for w in &cfg.performance.kpi_weights {
            let mut row = format!("<td class=\"c\">{}</td>", position_zh(w.position));
            for k in &used {
                match w.weights.get(k) {
                    Some(v) => row.push_str(&format!("<td class=\"n\">{}</td>", pct(*v))),
                    None => row.push_str("<td class=\"c\">—</td>"),
                }
            }
            assert!(doc.body.contains(&row), "missing weights {row}");
        }
        // Agents: answer rate 30 %, satisfaction 30 %, QA 25 %, no callback KPI, attendance 15 %.
        assert!(doc.body.contains(
            "<td class=\"c\">话务员</td><td class=\"n\">30%</td><td class=\"n\">30%</td>\
             <td class=\"n\">25%</td><td class=\"c\">—</td><td class=\"n\">15%</td>"
        ));
        for t in &cfg.performance.coefficient_table {
            for (i, b) in t.bands.iter().enumerate() {
                let row = format!(
                    "<td class=\"c\">{}</td><td class=\"n\">{}</td>",
                    band_label(&t.bands, i),
                    coef(b.coefficient)
                );
                assert!(doc.body.contains(&row), "missing band {row}");
            }
        }
        assert!(doc
            .body
            .contains("<td class=\"c\">90 分及以上、不足 95 分</td><td class=\"n\">1.10</td>"));
        assert!(doc
            .body
            .contains("<td class=\"c\">不足 60 分</td><td class=\"n\">0.00</td>"));
        // KPI scoring figures.
        assert!(doc.body.contains(
            "<td class=\"c\">接通率</td><td class=\"n\">95%</td><td class=\"n\">75%</td>"
        ));
        assert!(doc.body.contains("少于 4 份"));
        assert!(doc
            .body
            .contains("每次表扬加 2 分，当月表扬加分合计不超过 6 分；每次经核实的投诉扣 5 分"));
        assert!(doc
            .body
            .contains("例：接通率 85% 得 100 × (85 − 75) ÷ (95 − 75) = 50.00 分"));
        assert!(doc.body.contains("书面说明理由"));
        assert!(doc.body.contains("审计记录"));

        // A changed band and weight show up, and the version changes.
        let text = data!("payroll/performance.toml")
            .replace(
                "{ min_score = \"90\", coefficient = \"1.10\" }",
                "{ min_score = \"91\", coefficient = \"1.15\" }",
            )
            .replace(
                "qa_score = \"0.40\", satisfaction = \"0.25\"",
                "qa_score = \"0.35\", satisfaction = \"0.30\"",
            );
        let mut src = sources();
        src.performance.text = text;
        let cfg2 = PolicyConfig::parse(src).expect("config");
        let doc2 = performance_doc(&cfg2, march().first_day(), today()).expect("doc");
        assert!(doc2
            .body
            .contains("<td class=\"c\">91 分及以上、不足 95 分</td><td class=\"n\">1.15</td>"));
        assert!(doc2
            .body
            .contains("<td class=\"c\">85 分及以上、不足 91 分</td>"));
        assert!(!doc2.body.contains("<td class=\"n\">1.10</td>"));
        assert!(doc2.body.contains("<td class=\"c\">质检督办</td><td class=\"n\">15%</td><td class=\"n\">30%</td><td class=\"n\">35%</td>"));
        assert_ne!(doc.version, doc2.version);
    }

    #[test]
    fn kpi_scoring_parses_and_scores() {
        let k = KpiScoring::from_toml_str(data!("performance/kpi-scoring.toml")).expect("parse");
        assert_eq!(k.qa_score.min_samples, 4);
        let s = &k.answer_rate;
        assert_eq!(s.score(Decimal::from(96)), Decimal::ONE_HUNDRED);
        assert_eq!(s.score(Decimal::from(75)), Decimal::ZERO);
        assert_eq!(s.score(Decimal::from(91)), Decimal::from(80));
        // 100 × (90.1 − 75) ÷ 20 = 75.5; satisfaction 100 × (85 − 80) ÷ 18 = 27.777… → 27.78.
        assert_eq!(s.score(Decimal::new(901, 1)), Decimal::new(755, 1));
        assert_eq!(
            k.satisfaction.score(Decimal::from(85)),
            Decimal::new(2778, 2)
        );
        let bad = set(
            data!("performance/kpi-scoring.toml"),
            "complaint_points",
            "\"5\"",
        );
        assert!(KpiScoring::from_toml_str(&bad).is_err());
        let unknown = format!("{}\nmystery = 1\n", data!("performance/kpi-scoring.toml"));
        assert!(KpiScoring::from_toml_str(&unknown).is_err());
    }

    #[test]
    fn attendance_document_states_the_policy_figures() {
        let base = data!("attendance/policy.toml");
        let doc = |text: &str| {
            let mut src = sources();
            src.attendance.text = text.to_owned();
            let cfg = PolicyConfig::parse(src).expect("config");
            attendance_doc(&cfg, march().first_day(), today()).expect("doc")
        };
        let phrase = |key: &str, v: &str| -> String {
            match key {
                "merge_repeat_minutes" => format!("同一人 {v} 分钟内的重复打卡"),
                "clock_in_early_window_minutes" => format!("班次开始前 {v} 分钟至开始后"),
                "absent_late_minutes" => format!("（二）迟到超过 {v} 分钟的"),
                "absent_early_minutes" => format!("（三）早退超过 {v} 分钟的"),
                "clock_out_late_window_minutes" => format!("至结束后 {v} 分钟内的打卡"),
                "late_grace_minutes" => format!("晚于班次开始时间超过 {v} 分钟的，为迟到"),
                "serious_late_minutes" => format!("超过 {v} 分钟的，为严重迟到"),
                "early_grace_minutes" => format!("早于班次结束时间超过 {v} 分钟的，为早退"),
                "late" => format!("<td>迟到（每次）</td><td class=\"n\">{v}</td>"),
                "serious_late" => {
                    format!("<td>严重迟到（每次，不再另扣迟到分）</td><td class=\"n\">{v}</td>")
                }
                "early_leave" => format!("<td>早退（每次）</td><td class=\"n\">{v}</td>"),
                "missing_punch" => format!("<td>缺卡（每次）</td><td class=\"n\">{v}</td>"),
                "absence_day" => format!("<td>旷工（每天）</td><td class=\"n\">{v}</td>"),
                other => panic!("{other}"),
            }
        };
        let original = doc(base);
        let cases = [
            ("merge_repeat_minutes", "5", "3"),
            ("clock_in_early_window_minutes", "120", "90"),
            ("absent_late_minutes", "120", "150"),
            ("absent_early_minutes", "120", "100"),
            ("clock_out_late_window_minutes", "360", "300"),
            ("late_grace_minutes", "5", "10"),
            ("serious_late_minutes", "30", "45"),
            ("early_grace_minutes", "0", "3"),
            ("late", "2", "3"),
            ("serious_late", "5", "6"),
            ("early_leave", "2", "4"),
            ("missing_punch", "2", "1"),
            ("absence_day", "20", "25"),
        ];
        for (key, old, new) in cases {
            if key != "early_grace_minutes" {
                assert!(
                    original.body.contains(&phrase(key, old)),
                    "{key}: missing `{}`",
                    phrase(key, old)
                );
            }
            let changed = doc(&set(base, key, new));
            assert!(
                changed.body.contains(&phrase(key, new)),
                "{key}: missing `{}`",
                phrase(key, new)
            );
            assert!(
                key == "early_grace_minutes" || !changed.body.contains(&phrase(key, old)),
                "{key}: old figure still shown"
            );
            assert_ne!(changed.version, original.version, "{key}");
        }
        assert!(original
            .body
            .contains("下班打卡早于班次结束时间的，为早退（不设宽限时间）"));
        let b = &original.body;
        assert!(b.contains("迟到、早退和缺卡不直接扣减工资"));
        assert!(b.contains("旷工按天扣减日工资。日工资 = （基本工资 + 岗位津贴）÷ 21.75"));
        assert!(b.contains("考勤一律记入班次开始的日期"));
        assert!(b.contains("N（夜班 00:00–08:00）于前一日提前上班打卡的，记入班次当日"));
        assert!(b.contains("P（中班 16:00–24:00）于次日下班打卡的，记入班次开始的日期"));
        for leave in ["年休假", "婚假", "丧假", "产假", "调休", "事假", "病假"] {
            assert!(b.contains(&format!("<td class=\"c\">{leave}")), "{leave}");
        }
    }

    #[test]
    fn version_follows_the_configuration_texts() {
        let cfg = PolicyConfig::parse(sources()).expect("config");
        let pay = month_payroll();
        let as_of = march().first_day();
        let versions = |cfg: &PolicyConfig| {
            (
                pay_doc(cfg, &pay).version,
                performance_doc(cfg, as_of, today()).expect("doc").version,
                attendance_doc(cfg, as_of, today()).expect("doc").version,
            )
        };
        let (p, f, a) = versions(&cfg);
        assert_eq!(p.hash.len(), 12);
        assert_eq!(
            p.effective,
            NaiveDate::from_ymd_opt(2025, 12, 1).expect("date")
        );
        assert_eq!(
            f.effective,
            NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
        );
        assert_eq!(
            a.effective,
            NaiveDate::from_ymd_opt(2026, 1, 1).expect("date")
        );
        assert_eq!(p.to_string(), format!("20251201-{}", p.hash));
        // Same texts, same versions; CRLF line endings do not matter.
        assert_eq!(
            versions(&PolicyConfig::parse(sources()).expect("config")),
            (p.clone(), f.clone(), a.clone())
        );
        let mut crlf = sources();
        crlf.performance.text = crlf.performance.text.replace('\n', "\r\n");
        assert_eq!(versions(&PolicyConfig::parse(crlf).expect("config")).1, f);
        // A change to performance.toml changes the pay and performance documents only.
        let mut src = sources();
        src.performance.text.push_str("\n# reviewed\n");
        let (p2, f2, a2) = versions(&PolicyConfig::parse(src).expect("config"));
        assert_ne!(p2, p);
        assert_ne!(f2, f);
        assert_eq!(a2, a);
        // The attendance policy changes the attendance and performance documents.
        let mut src = sources();
        src.attendance.text = set(&src.attendance.text, "late_grace_minutes", "6");
        let (p3, f3, a3) = versions(&PolicyConfig::parse(src).expect("config"));
        assert_eq!(p3, p);
        assert_ne!(f3, f);
        assert_ne!(a3, a);
        // FNV-1a 64 reference values.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn interpolated_text_is_escaped() {
        assert_eq!(
            escape_html("<b>\"A&B\"</b> 'x'"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &#39;x&#39;"
        );
        let mut src = sources();
        src.site.text = src.site.text.replace(
            "name = \"儋州12345分平台\"",
            "name = \"儋州<script>分平台\"",
        );
        src.pay_structure.text = src
            .pay_structure
            .text
            .replace("label_zh = \"通讯补贴\"", "label_zh = \"通讯<补贴>&\"");
        let cfg = PolicyConfig::parse(src).expect("config");
        let pay = month_payroll();
        let doc = pay_structure_doc(
            &cfg,
            PayMonth {
                payroll: &pay,
                basis: "排班 <roster>.json",
            },
            today(),
        )
        .expect("doc");
        for html in [doc.html(), doc.word()] {
            assert!(html.contains("儋州&lt;script&gt;分平台"));
            assert!(!html.contains("<script>"));
            assert!(html.contains("<th>通讯&lt;补贴&gt;&amp;</th>"));
            assert!(!html.contains("通讯<补贴>"));
            assert!(html.contains("排班 &lt;roster&gt;.json"));
        }
    }

    #[test]
    fn html_and_word_pages() {
        let cfg = PolicyConfig::parse(sources()).expect("config");
        let doc = attendance_doc(&cfg, march().first_day(), today()).expect("doc");
        let html = doc.html();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("@page { size: A4"));
        assert!(html.contains(&format!("<td>{}</td>", doc.version)));
        let word = doc.word();
        assert!(word.starts_with('\u{feff}'));
        assert!(word.contains("<meta name=ProgId content=Word.Document>"));
        assert!(word.contains("xmlns:w=\"urn:schemas-microsoft-com:office:word\""));
        assert!(word.contains("<div class=WordSection1>"));
        assert!(word.contains(&doc.body));
        assert_eq!(zh_num(1), "一");
        assert_eq!(zh_num(10), "十");
        assert_eq!(zh_num(14), "十四");
        assert_eq!(zh_num(20), "二十");
        assert_eq!(zh_num(23), "二十三");
        assert_eq!(money(Decimal::new(123_456_789, 2)), "1,234,567.89");
        assert_eq!(money(Decimal::new(-5, 1)), "-0.50");
        assert_eq!(money(Decimal::ZERO), "0.00");
    }
}
