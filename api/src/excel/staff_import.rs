//! Staff list import (人员名单导入): HR's list of people as a workbook (`.xlsx`, `.xls`) or
//! CSV, one row per person, read into the roster's [`Employee`] and the HR record
//! ([`HrRecord`]: identity document, salary account, employment dates) together.
//!
//! Columns are recognised by their header (Chinese or English, any order, in one of the first
//! 10 rows); other columns are ignored. Required: 工号, 姓名, 角色, 证件号码, 开户银行,
//! 银行账号, 入职日期. Optional: 班组 (1-4), 预备人员, 可上班次, 仅工作日, 薪酬岗位, 薪级,
//! 证件类型 (default 居民身份证), 离职日期.
//!
//! Roles and shift lists are separated by `,` `，` `、` or `/` (shift lists also by spaces);
//! a role is its code (`agent`, `team_leader`, …) or its Chinese label (话务员 or 坐席, 班长,
//! 运营经理, 回访员, 质检督办, 数据分析员); the first is the primary role. Yes/no cells read
//! 是/否, yes/no, true/false, 1/0; empty is no. An ID number or account number must be a text
//! cell: as a number Excel keeps only 15 significant digits (and drops a leading 0).
//!
//! As with the other importers, every problem is reported at once with sheet, row, column,
//! what was expected and what was found, and with any problem nothing is returned. Once every
//! row reads, the staff list is put into a copy of the site and checked with [`Site::check`],
//! so site-level rules are reported too.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use scheduler::{Employee, Site};

use super::rows::{cell, text_of, Problems};
use super::table::{
    header_text, normalise, parse_date, read, Cell, ImportErrors, ImportProblem, Said,
};
use crate::hr::{check_bank_account, check_resident_id, HrRecord, RESIDENT_ID_CARD};
use crate::said;

/// One person read from the staff list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffImportRow {
    /// As the roster sees them (no preferences or personal limits: those are not in the list).
    pub employee: Employee,
    /// The HR record (same id and name).
    pub hr: HrRecord,
    /// 1-based sheet row the person came from.
    pub row: usize,
}

/// A column: the label used in messages, its header aliases, whether it must be present.
struct Field {
    label: &'static str,
    aliases: &'static [&'static str],
    required: bool,
}

const ID: Field = Field {
    label: "工号",
    aliases: &[
        "工号",
        "员工工号",
        "员工编号",
        "人员编号",
        "id",
        "employeeid",
        "staffid",
    ],
    required: true,
};
const NAME: Field = Field {
    label: "姓名",
    aliases: &["姓名", "员工姓名", "name"],
    required: true,
};
const ROLES: Field = Field {
    label: "角色",
    aliases: &["角色", "岗位技能", "技能", "roles", "role"],
    required: true,
};
const TEAM: Field = Field {
    label: "班组",
    aliases: &["班组", "班组号", "组别", "team"],
    required: false,
};
const RESERVE: Field = Field {
    label: "预备人员",
    aliases: &["预备人员", "是否预备人员", "预备", "reserve"],
    required: false,
};
const SHIFTS: Field = Field {
    label: "可上班次",
    aliases: &["可上班次", "可排班次", "班次", "shifts"],
    required: false,
};
const WORKING_DAYS_ONLY: Field = Field {
    label: "仅工作日",
    aliases: &[
        "仅工作日",
        "只上工作日",
        "仅工作日上班",
        "working_days_only",
    ],
    required: false,
};
const POSITION: Field = Field {
    label: "薪酬岗位",
    aliases: &["薪酬岗位", "岗位", "position"],
    required: false,
};
const GRADE: Field = Field {
    label: "薪级",
    aliases: &["薪级", "岗位等级", "等级", "grade", "pay_grade"],
    required: false,
};
const ID_TYPE: Field = Field {
    label: "证件类型",
    aliases: &["证件类型", "id_type"],
    required: false,
};
const ID_NUMBER: Field = Field {
    label: "证件号码",
    aliases: &["证件号码", "身份证号码", "身份证号", "id_number"],
    required: true,
};
const BANK: Field = Field {
    label: "开户银行",
    aliases: &["开户银行", "开户行", "银行", "bank"],
    required: true,
};
const ACCOUNT: Field = Field {
    label: "银行账号",
    aliases: &["银行账号", "银行卡号", "工资卡号", "账号", "bank_account"],
    required: true,
};
const HIRED_ON: Field = Field {
    label: "入职日期",
    aliases: &["入职日期", "入职时间", "hired_on", "hire_date"],
    required: true,
};
const LEFT_ON: Field = Field {
    label: "离职日期",
    aliases: &["离职日期", "最后工作日", "离职时间", "left_on"],
    required: false,
};

const EDUCATION: Field = Field {
    label: "学历",
    aliases: &["学历", "最高学历", "文化程度", "education"],
    required: false,
};
const TYPING: Field = Field {
    label: "打字速度",
    aliases: &[
        "打字速度",
        "打字速度字分",
        "录入速度",
        "typing_cpm",
        "typing",
    ],
    required: false,
};

const DINGTALK_ID: Field = Field {
    label: "钉钉UserID",
    aliases: &[
        "钉钉UserID",
        "钉钉userid",
        "UserId",
        "userid",
        "dingtalk_id",
    ],
    required: false,
};
const WECOM_ID: Field = Field {
    label: "企业微信账号",
    aliases: &["企业微信账号", "企微账号", "wecom_id"],
    required: false,
};
const ZKTECO_ID: Field = Field {
    label: "考勤号码",
    aliases: &["考勤号码", "考勤机号码", "登记号码", "zkteco_id"],
    required: false,
};

const FIELDS: [&Field; 20] = [
    &ID,
    &NAME,
    &ROLES,
    &TEAM,
    &RESERVE,
    &SHIFTS,
    &WORKING_DAYS_ONLY,
    &POSITION,
    &GRADE,
    &ID_TYPE,
    &ID_NUMBER,
    &BANK,
    &ACCOUNT,
    &HIRED_ON,
    &LEFT_ON,
    &EDUCATION,
    &TYPING,
    &DINGTALK_ID,
    &WECOM_ID,
    &ZKTECO_ID,
];

/// The well-known roles (and payroll positions, which share the codes) with their Chinese
/// labels as the rest of the app shows them, plus accepted synonyms.
const ROLE_LABELS: [(&str, &[&str]); 6] = [
    ("agent", &["话务员", "坐席"]),
    ("team_leader", &["班长"]),
    ("manager", &["运营经理", "项目经理"]),
    ("callback", &["回访员"]),
    ("qa", &["质检督办"]),
    ("analyst", &["数据分析员"]),
];

fn date_text() -> Said {
    said!(
        "a date (an Excel date, or text 2026-01-01 / 2026/1/1)",
        "日期（Excel 日期，或文本 2026-01-01 / 2026/1/1）"
    )
}

fn col(h: &[String], f: &Field) -> Option<usize> {
    f.aliases.iter().find_map(|n| {
        let n = normalise(n);
        h.iter().position(|x| *x == n)
    })
}

/// A role or position word as its code: a code (any case, spaces for underscores) or a label.
fn known_code<'a>(word: &str, extra: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let w = word.trim();
    let code = w.to_lowercase().replace([' ', '-'], "_");
    ROLE_LABELS
        .iter()
        .find(|(c, labels)| *c == code || labels.contains(&w))
        .map(|(c, _)| (*c).to_string())
        .or_else(|| extra.into_iter().find(|r| *r == w).map(str::to_string))
}

/// Splits a list cell on `,` `，` `、` `/` (and `;` `；`), and on spaces when `spaces`.
fn split_list(t: &str, spaces: bool) -> Vec<&str> {
    t.split(|c: char| ",，、/;；".contains(c) || (spaces && c.is_whitespace()))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// A date cell, also as text `2026年1月1日`.
fn date_of(c: &Cell) -> Option<NaiveDate> {
    match c {
        Cell::Text(t) if t.contains('年') => {
            let t = t.replace(['年', '月'], "-").replace('日', "");
            parse_date(&Cell::Text(t))
        }
        other => parse_date(other),
    }
}

/// The parsed columns of the header row, with their header text as written.
struct Ctx<'a> {
    site: &'a Site,
    today: NaiveDate,
    header_row: usize,
    heads: Vec<String>,
    /// Each field's column, found once (by label): a row asks for every field, and a header
    /// row may be thousands of cells wide (found by fuzzing: looking them up per row took
    /// seconds).
    cols: std::collections::HashMap<&'static str, Option<usize>>,
}

impl Ctx<'_> {
    fn col(&self, f: &Field) -> Option<usize> {
        self.cols.get(f.label).copied().flatten()
    }

    /// Column index and header (as written) for a problem.
    fn at(&self, i: usize) -> Option<(usize, &str)> {
        Some((i, self.heads.get(i).map(String::as_str).unwrap_or("")))
    }

    /// The column and cell of a field, when the column is present and the cell not empty.
    fn get<'c>(&self, cells: &'c [Cell], f: &Field) -> Option<(usize, &'c Cell)> {
        let i = self.col(f)?;
        match cell(cells, Some(i)) {
            Cell::Empty => None,
            c => Some((i, c)),
        }
    }

    /// A required cell (reported when empty). `None` also when the column is missing, which
    /// is reported once for the header row.
    fn required<'c>(
        &self,
        cells: &'c [Cell],
        f: &Field,
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Option<(usize, &'c Cell)> {
        let i = self.col(f)?;
        let got = self.get(cells, f);
        if got.is_none() {
            probs.at(
                row,
                self.at(i),
                said!("a value ({} is required)", "一个值（{}为必填）", f.label),
                Cell::Empty.said(),
            );
        }
        got
    }

    /// A required text cell (a number reads as its digits).
    fn text(
        &self,
        cells: &[Cell],
        f: &Field,
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Option<String> {
        let (i, c) = self.required(cells, f, row, probs)?;
        let t = text_of(c);
        if t.is_none() {
            probs.at(
                row,
                self.at(i),
                said!("text ({})", "文本（{}）", f.label),
                c.said(),
            );
        }
        t
    }

    /// A digits-only identifier that must be typed as text: a number cell loses digits.
    fn text_not_number(
        &self,
        cells: &[Cell],
        f: &Field,
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Option<(usize, String)> {
        let (i, c) = self.required(cells, f, row, probs)?;
        match c {
            Cell::Text(t) => Some((i, t.clone())),
            Cell::Number(_) => {
                probs.at(
                    row,
                    self.at(i),
                    said!(
                        "the {} as text: format the column as 文本 (Text) and type it again, because Excel keeps only 15 digits of a number (and drops a leading 0 and a final X)",
                        "文本格式的{}：请把该列设为“文本”格式后重新输入，因为 Excel 数字只保留 15 位有效数字（并会丢掉开头的 0 和末尾的 X）",
                        f.label
                    ),
                    said!("the number {}", "数字 {}", c.shown()),
                );
                None
            }
            other => {
                probs.at(
                    row,
                    self.at(i),
                    said!("text ({})", "文本（{}）", f.label),
                    other.said(),
                );
                None
            }
        }
    }

    /// A yes/no cell; empty or absent is no.
    fn flag(
        &self,
        cells: &[Cell],
        f: &Field,
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Result<bool, ()> {
        let Some((i, c)) = self.get(cells, f) else {
            return Ok(false);
        };
        let word = text_of(c).unwrap_or_default().trim().to_lowercase();
        match word.as_str() {
            "是" | "yes" | "y" | "true" | "1" | "√" => Ok(true),
            "否" | "no" | "n" | "false" | "0" => Ok(false),
            _ => {
                probs.at(
                    row,
                    self.at(i),
                    said!(
                        "是 or 否 (yes/no, true/false, 1/0; empty = 否)",
                        "是 或 否（yes/no、true/false、1/0；空 = 否）"
                    ),
                    c.said(),
                );
                Err(())
            }
        }
    }

    /// An optional whole number in `range`.
    fn whole(
        &self,
        cells: &[Cell],
        f: &Field,
        range: std::ops::RangeInclusive<u32>,
        expected: Said,
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Result<Option<u32>, ()> {
        let Some((i, c)) = self.get(cells, f) else {
            return Ok(None);
        };
        let n = match c {
            Cell::Number(n) => Some(*n),
            Cell::Text(t) => t
                .trim()
                .trim_end_matches(['班', '组', '级'])
                .trim()
                .parse::<f64>()
                .ok(),
            _ => None,
        };
        let Some(n) = n else {
            probs.at(
                row,
                self.at(i),
                Said::new(
                    format!("{} (text in a number cell is not read)", expected.en),
                    format!("{}（数字单元格中的文本不予读取）", expected.zh),
                ),
                c.said(),
            );
            return Err(());
        };
        if n.fract() != 0.0 || n < f64::from(*range.start()) || n > f64::from(*range.end()) {
            probs.at(row, self.at(i), expected, Said::same(format!("{n}")));
            return Err(());
        }
        Ok(Some(n as u32))
    }

    fn roles(&self, cells: &[Cell], row: usize, probs: &mut Problems<'_>) -> Option<Vec<String>> {
        let (i, c) = self.required(cells, &ROLES, row, probs)?;
        let text = text_of(c).unwrap_or_default();
        // Roles the site itself names (cover rules, standby) are accepted as written.
        let site_roles: Vec<&str> = self
            .site
            .cover
            .iter()
            .map(|r| r.role.as_str())
            .chain([self.site.rules.standby_role.as_str()])
            .collect();
        let mut roles: Vec<String> = Vec::new();
        let mut ok = true;
        for word in split_list(&text, false) {
            match known_code(word, site_roles.iter().copied()) {
                Some(r) if roles.contains(&r) => {}
                Some(r) => roles.push(r),
                None => {
                    let known: Vec<String> = ROLE_LABELS
                        .iter()
                        .map(|(c, l)| format!("{c} ({})", l.join("/")))
                        .collect();
                    probs.at(
                        row,
                        self.at(i),
                        said!(
                            "roles separated by 、 or , from: {}",
                            "以 、 或 , 分隔的角色，可选：{}",
                            known.join(", ")
                        ),
                        said!("unknown role \"{word}\"", "未知角色“{word}”"),
                    );
                    ok = false;
                }
            }
        }
        if ok && roles.is_empty() {
            probs.at(
                row,
                self.at(i),
                said!("at least one role", "至少一个角色"),
                c.said(),
            );
            ok = false;
        }
        ok.then_some(roles)
    }

    fn shifts(
        &self,
        cells: &[Cell],
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Result<Vec<String>, ()> {
        let Some((i, c)) = self.get(cells, &SHIFTS) else {
            return Ok(Vec::new());
        };
        let text = text_of(c).unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        let mut ok = true;
        for word in split_list(&text, true) {
            let found = self
                .site
                .shifts
                .iter()
                .find(|s| s.code == word)
                .or_else(|| {
                    self.site
                        .shifts
                        .iter()
                        .find(|s| s.code.eq_ignore_ascii_case(word))
                });
            match found {
                Some(s) if out.contains(&s.code) => {}
                Some(s) => out.push(s.code.clone()),
                None => {
                    let codes: Vec<&str> =
                        self.site.shifts.iter().map(|s| s.code.as_str()).collect();
                    probs.at(
                        row,
                        self.at(i),
                        said!(
                            "shift codes of the site: {}",
                            "本站点的班次代码：{}",
                            codes.join(", ")
                        ),
                        said!("unknown shift \"{word}\"", "未知班次“{word}”"),
                    );
                    ok = false;
                }
            }
        }
        if ok {
            Ok(out)
        } else {
            Err(())
        }
    }

    fn position(
        &self,
        cells: &[Cell],
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Result<Option<String>, ()> {
        let Some((i, c)) = self.get(cells, &POSITION) else {
            return Ok(None);
        };
        let word = text_of(c).unwrap_or_default();
        let positions: Vec<&str> = ::payroll::Position::ALL.iter().map(|p| p.name()).collect();
        match known_code(&word, []) {
            Some(p) if positions.contains(&p.as_str()) => Ok(Some(p)),
            _ => {
                let known: Vec<String> = ROLE_LABELS
                    .iter()
                    .filter(|(c, _)| positions.contains(c))
                    .map(|(c, l)| format!("{c} ({})", l.join("/")))
                    .collect();
                probs.at(
                    row,
                    self.at(i),
                    said!("a pay position: {}", "薪酬岗位：{}", known.join(", ")),
                    c.said(),
                );
                Err(())
            }
        }
    }

    fn date(
        &self,
        cells: &[Cell],
        f: &Field,
        row: usize,
        probs: &mut Problems<'_>,
    ) -> Result<Option<(usize, NaiveDate)>, ()> {
        let got = if f.required {
            self.required(cells, f, row, probs)
        } else {
            self.get(cells, f)
        };
        let Some((i, c)) = got else {
            return if f.required { Err(()) } else { Ok(None) };
        };
        match date_of(c) {
            Some(d) => Ok(Some((i, d))),
            None => {
                probs.at(row, self.at(i), date_text(), c.said());
                Err(())
            }
        }
    }
}

fn not_a_table(found: Said) -> ImportErrors {
    ImportErrors(vec![ImportProblem::new(
        "-",
        None,
        None,
        said!(
            "an Excel workbook (.xlsx, .xls) or CSV file",
            "Excel 工作簿（.xlsx、.xls）或 CSV 文件"
        ),
        found,
    )])
}

/// Sort key of a problem: row, then column (letters by length, then alphabetically).
fn order(p: &ImportProblem) -> (Option<usize>, usize, String) {
    let letters = p
        .column
        .as_deref()
        .map(|c| c.split(' ').next().unwrap_or("").to_string())
        .unwrap_or_default();
    (p.row, letters.len(), letters)
}

/// Whether `msg` names `id` as a whole word.
fn names(msg: &str, id: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    msg.match_indices(id).any(|(at, _)| {
        !word(msg[..at].chars().next_back()) && !word(msg[at + id.len()..].chars().next())
    })
}

/// Reads a staff list: the sheet name and one [`StaffImportRow`] per person, in sheet order.
/// `site` gives the shift codes and site roles the list may use and is checked with the
/// imported people in place of its own; `today` bounds the birth dates of ID numbers.
///
/// # Errors
/// Every located problem (see the module documentation).
pub fn parse_staff(
    bytes: &[u8],
    site: &Site,
    today: NaiveDate,
) -> Result<(String, Vec<StaffImportRow>), ImportErrors> {
    let table = read(bytes).map_err(|e| not_a_table(e.said()))?;
    let sheet = table.sheet.clone();
    // The header row: the one of the first 10 that names the most known columns.
    let header = table
        .rows
        .iter()
        .take(10)
        .map(|(r, cells)| {
            let h: Vec<String> = cells.iter().map(header_text).collect();
            let hits = FIELDS.iter().filter(|f| col(&h, f).is_some()).count();
            (hits, *r, cells, h)
        })
        .fold(
            None::<(usize, usize, &Vec<Cell>, Vec<String>)>,
            |best, x| match best {
                Some(b) if b.0 >= x.0 => Some(b),
                _ => Some(x),
            },
        );
    let Some((_, header_row, header_cells, h)) = header.filter(|b| b.0 > 0) else {
        let labels: Vec<&str> = FIELDS
            .iter()
            .filter(|f| f.required)
            .map(|f| f.label)
            .collect();
        let labels = labels.join(", ");
        return Err(ImportErrors(vec![ImportProblem::new(
            sheet,
            None,
            None,
            said!(
                "a header row with {labels} in the first 10 rows",
                "前 10 行中含有 {labels} 的表头行"
            ),
            said!("no such header row", "没有这样的表头行"),
        )]));
    };
    let ctx = Ctx {
        site,
        today,
        header_row,
        heads: header_cells
            .iter()
            .map(|c| text_of(c).unwrap_or_default())
            .collect(),
        cols: FIELDS.iter().map(|f| (f.label, col(&h, f))).collect(),
    };
    let mut probs = Problems::new(&sheet);
    for f in FIELDS.iter().filter(|f| f.required) {
        if ctx.col(f).is_none() {
            let aliases: Vec<String> = f.aliases.iter().map(|a| (*a).to_string()).collect();
            probs.missing_column(ctx.header_row, Said::same(f.label), &aliases);
        }
    }
    if !probs.list.is_empty() {
        return Err(ImportErrors(probs.list));
    }

    let mut out = Vec::new();
    let mut seen_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_numbers: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (row, cells) in table.rows.iter().filter(|(r, _)| *r > ctx.header_row) {
        if let Some(r) = parse_row(
            &ctx,
            *row,
            cells,
            &mut seen_ids,
            &mut seen_numbers,
            &mut probs,
        ) {
            out.push(r);
        }
    }
    if out.is_empty() && probs.list.is_empty() {
        probs.list.push(ImportProblem::new(
            sheet.clone(),
            Some(ctx.header_row),
            None,
            said!(
                "at least one person below the header row",
                "表头行下至少一名员工"
            ),
            said!("no rows", "没有数据行"),
        ));
    }
    // The HR record's own check, as a last net (the cells were checked one by one above).
    if probs.list.is_empty() {
        for r in &out {
            if let Err(e) = r.hr.check() {
                probs.list.push(ImportProblem::new(
                    sheet.clone(),
                    Some(r.row),
                    None,
                    said!("a valid HR record", "有效的人事档案"),
                    Said::same(e.to_string()),
                ));
            }
        }
    }
    if probs.list.is_empty() {
        let mut s = site.clone();
        s.employees = out.iter().map(|r| r.employee.clone()).collect();
        if let Err(e) = s.check() {
            let msg = e.to_string();
            let row = out
                .iter()
                .find(|r| names(&msg, &r.employee.id))
                .map(|r| r.row);
            probs.list.push(ImportProblem::new(
                sheet.clone(),
                row,
                None,
                said!(
                    "a staff list the site {} accepts",
                    "站点 {} 可接受的花名册",
                    site.name
                ),
                Said::same(msg),
            ));
        }
    }
    if probs.list.is_empty() {
        Ok((sheet.clone(), out))
    } else {
        let mut list = probs.list;
        list.sort_by_key(order);
        Err(ImportErrors(list))
    }
}

fn parse_row(
    ctx: &Ctx<'_>,
    row: usize,
    cells: &[Cell],
    seen_ids: &mut BTreeMap<String, usize>,
    seen_numbers: &mut BTreeMap<(String, String), usize>,
    probs: &mut Problems<'_>,
) -> Option<StaffImportRow> {
    let id = ctx.text(cells, &ID, row, probs);
    if let (Some(id), Some(i)) = (&id, ctx.col(&ID)) {
        let first = *seen_ids.entry(id.to_uppercase()).or_insert(row);
        if first != row {
            probs.at(
                row,
                ctx.at(i),
                said!("each 工号 once ({id})", "工号不重复（{id}）"),
                said!(
                    "a duplicate (also row {first})",
                    "重复（与第 {first} 行重复）"
                ),
            );
        }
    }
    let name = ctx.text(cells, &NAME, row, probs);
    let roles = ctx.roles(cells, row, probs);
    let team = ctx.whole(
        cells,
        &TEAM,
        1..=4,
        said!("a team number from 1 to 4", "1 至 4 的班组号"),
        row,
        probs,
    );
    let reserve = ctx.flag(cells, &RESERVE, row, probs);
    let shifts = ctx.shifts(cells, row, probs);
    let working_days_only = ctx.flag(cells, &WORKING_DAYS_ONLY, row, probs);
    let position = ctx.position(cells, row, probs);
    let grade = ctx.whole(
        cells,
        &GRADE,
        1..=u32::MAX,
        said!("a whole number of at least 1", "不小于 1 的整数"),
        row,
        probs,
    );

    let education = match ctx.get(cells, &EDUCATION) {
        None => Ok(None),
        Some((i, c)) => {
            let t = text_of(c).unwrap_or_default().trim().to_string();
            if t.is_empty() {
                Ok(None)
            } else if crate::hr::college_or_above(&t).is_some() {
                Ok(Some(t))
            } else {
                let known: Vec<&str> = crate::hr::EDUCATION.iter().map(|(l, _)| *l).collect();
                probs.at(
                    row,
                    ctx.at(i),
                    said!("one of {}", "以下之一：{}", known.join(" ")),
                    c.said(),
                );
                Err(())
            }
        }
    };
    // The attendance systems' ids: text as written (a UserId may start with 0; a number
    // cell is written without its decimal point).
    let clock_id = |f: &Field| -> Option<String> {
        let (_, c) = ctx.get(cells, f)?;
        match c {
            Cell::Number(n) if n.fract() == 0.0 => Some(format!("{n:.0}")),
            other => text_of(other)
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
        }
    };
    let clock_ids = crate::excel::rows::ClockIds {
        dingtalk: clock_id(&DINGTALK_ID),
        wecom: clock_id(&WECOM_ID),
        zkteco: clock_id(&ZKTECO_ID),
    };
    let typing = ctx.whole(
        cells,
        &TYPING,
        0..=400,
        said!(
            "characters a minute, a whole number from 0 to 400",
            "每分钟字数，0 至 400 的整数"
        ),
        row,
        probs,
    );
    let id_type = match ctx.get(cells, &ID_TYPE).and_then(|(_, c)| text_of(c)) {
        None => RESIDENT_ID_CARD.to_string(),
        Some(t) if t == "身份证" => RESIDENT_ID_CARD.to_string(),
        Some(t) => t,
    };
    let mut birth = None;
    let id_number = ctx
        .text_not_number(cells, &ID_NUMBER, row, probs)
        .and_then(|(i, n)| {
            if let Some(first) = seen_numbers.get(&(id_type.clone(), n.clone())) {
                probs.at(
                    row,
                    ctx.at(i),
                    said!("each {id_type} number once", "{id_type}号码不重复"),
                    said!(
                        "\"{n}\", a duplicate (also row {first})",
                        "“{n}”重复（与第 {first} 行重复）"
                    ),
                );
                return None;
            }
            seen_numbers.insert((id_type.clone(), n.clone()), row);
            if id_type == RESIDENT_ID_CARD {
                if let Err(m) = check_resident_id(&n) {
                    probs.at(
                        row,
                        ctx.at(i),
                        said!(
                            "a resident ID number (GB 11643-1999: 17 digits, birth date, check character)",
                            "居民身份证号码（GB 11643-1999：17 位数字、出生日期、校验码）"
                        ),
                        m,
                    );
                    return None;
                }
                let b = NaiveDate::parse_from_str(&n[6..14], "%Y%m%d").ok()?;
                if b > ctx.today {
                    probs.at(
                        row,
                        ctx.at(i),
                        said!(
                            "a birth date (digits 7-14) not after today ({})",
                            "不晚于今天（{}）的出生日期（第 7-14 位）",
                            ctx.today
                        ),
                        said!("\"{n}\": born {b}", "“{n}”：出生于 {b}"),
                    );
                    return None;
                }
                birth = Some(b);
            }
            Some(n)
        });
    let bank = ctx.text(cells, &BANK, row, probs);
    let account = ctx
        .text_not_number(cells, &ACCOUNT, row, probs)
        .and_then(|(i, a)| {
            // Accounts are often written in groups of four: `6222 0241 8077 1449 671`.
            let a: String = a.chars().filter(|c| !c.is_whitespace()).collect();
            match check_bank_account(&a) {
                Ok(()) => Some(a),
                Err(m) => {
                    probs.at(
                        row,
                        ctx.at(i),
                        said!(
                            "a bank account number of 16 to 19 digits",
                            "16 至 19 位的银行账号"
                        ),
                        m,
                    );
                    None
                }
            }
        });
    let hired = ctx.date(cells, &HIRED_ON, row, probs);
    let left = ctx.date(cells, &LEFT_ON, row, probs);
    if let (Ok(Some((_, h))), Ok(Some((i, l)))) = (&hired, &left) {
        if l < h {
            probs.at(
                row,
                ctx.at(*i),
                said!(
                    "a last day employed on or after the hire date {h}",
                    "不早于入职日期 {h} 的最后在职日"
                ),
                Said::same(l.to_string()),
            );
            return None;
        }
    }
    if let (Some(b), Ok(Some((i, h)))) = (birth, &hired) {
        // Labour Law art. 15: nobody under 16 may be employed.
        let sixteen = b.checked_add_months(Months::new(16 * 12))?;
        if *h < sixteen {
            probs.at(
                row,
                ctx.at(*i),
                said!(
                    "a hire date on or after the 16th birthday ({sixteen}) by the ID number",
                    "不早于（按身份证号码推算的）16 周岁生日 {sixteen} 的入职日期"
                ),
                Said::same(h.to_string()),
            );
            return None;
        }
    }
    let (
        Some(id),
        Some(name),
        Some(roles),
        Ok(team),
        Ok(reserve),
        Ok(shifts),
        Ok(working_days_only),
        Ok(position),
        Ok(grade),
        Some(id_number),
        Some(bank),
        Some(bank_account),
        Ok(Some((_, hired_on))),
        Ok(left_on),
        Ok(education),
        Ok(typing_cpm),
    ) = (
        id,
        name,
        roles,
        team,
        reserve,
        shifts,
        working_days_only,
        position,
        grade,
        id_number,
        bank,
        account,
        hired,
        left,
        education,
        typing,
    )
    else {
        return None;
    };
    Some(StaffImportRow {
        employee: Employee {
            id: id.clone(),
            name: name.clone(),
            roles,
            team,
            reserve,
            shifts,
            working_days_only,
            position,
            grade,
            preferences: Vec::new(),
            limits: Default::default(),
        },
        hr: HrRecord {
            id,
            name,
            id_type,
            id_number,
            bank,
            bank_account,
            hired_on,
            left_on: left_on.map(|(_, d)| d),
            education,
            typing_cpm,
            clock_ids,
        },
        row,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    use super::*;

    fn site() -> Site {
        crate::reference::load_site(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo"))
            .unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A cell to write.
    enum X {
        S(&'static str),
        N(f64),
        D(u16, u8, u8),
        E,
    }

    fn xlsx(sheet: &str, rows: &[Vec<X>]) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        for (r, cells) in rows.iter().enumerate() {
            for (c, x) in cells.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match x {
                    X::S(s) => {
                        ws.write_string(r, c, *s).unwrap();
                    }
                    X::N(n) => {
                        ws.write_number(r, c, *n).unwrap();
                    }
                    X::D(y, m, day) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *day).unwrap();
                        ws.write_datetime_with_format(r, c, &dt, &date_fmt).unwrap();
                    }
                    X::E => {}
                }
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn places(e: &ImportErrors) -> Vec<(Option<usize>, Option<&str>)> {
        e.0.iter().map(|p| (p.row, p.column.as_deref())).collect()
    }

    /// Two people, every column, in Chinese: roles from labels, 是 for reserve, the ID number
    /// and account as text, an Excel date and a text date, an unknown extra column ignored.
    #[test]
    fn two_people_from_a_workbook() {
        use X::*;
        let header = [
            "工号",
            "姓名",
            "角色",
            "班组",
            "预备人员",
            "可上班次",
            "仅工作日",
            "薪酬岗位",
            "薪级",
            "证件类型",
            "证件号码",
            "开户银行",
            "银行账号",
            "入职日期",
            "离职日期",
            "备注",
        ];
        let bytes = xlsx(
            "人员名单",
            &[
                header.iter().map(|h| S(h)).collect(),
                vec![
                    S("T101"),
                    S("李明"),
                    S("班长、话务员"),
                    N(1.0),
                    S("否"),
                    E,
                    E,
                    S("班长"),
                    N(2.0),
                    S("居民身份证"),
                    S("460400199412280028"),
                    S("中国工商银行儋州分行"),
                    S("6222024180771449671"),
                    D(2026, 1, 1),
                    E,
                    S("1班班长"),
                ],
                vec![
                    S("R101"),
                    S("陈静"),
                    S("话务员"),
                    E,
                    S("是"),
                    S("A/P"),
                    S("否"),
                    E,
                    E,
                    E,
                    S("46040019871018737X"),
                    S("中国银行儋州分行"),
                    S("6217856300012345678"),
                    S("2026/3/15"),
                    S("2026-12-31"),
                    E,
                ],
            ],
        );
        let (sheet, rows) = parse_staff(&bytes, &site(), today()).unwrap();
        assert_eq!(sheet, "人员名单");
        let expected = vec![
            StaffImportRow {
                employee: Employee {
                    id: "T101".into(),
                    name: "李明".into(),
                    roles: vec!["team_leader".into(), "agent".into()],
                    team: Some(1),
                    reserve: false,
                    shifts: vec![],
                    working_days_only: false,
                    position: Some("team_leader".into()),
                    grade: Some(2),
                    preferences: vec![],
                    limits: Default::default(),
                },
                hr: HrRecord {
                    id: "T101".into(),
                    name: "李明".into(),
                    id_type: "居民身份证".into(),
                    id_number: "460400199412280028".into(),
                    bank: "中国工商银行儋州分行".into(),
                    bank_account: "6222024180771449671".into(),
                    hired_on: d(2026, 1, 1),
                    left_on: None,
                    education: None,
                    typing_cpm: None,
                    clock_ids: Default::default(),
                },
                row: 2,
            },
            StaffImportRow {
                employee: Employee {
                    id: "R101".into(),
                    name: "陈静".into(),
                    roles: vec!["agent".into()],
                    team: None,
                    reserve: true,
                    shifts: vec!["A".into(), "P".into()],
                    working_days_only: false,
                    position: None,
                    grade: None,
                    preferences: vec![],
                    limits: Default::default(),
                },
                hr: HrRecord {
                    id: "R101".into(),
                    name: "陈静".into(),
                    id_type: "居民身份证".into(),
                    id_number: "46040019871018737X".into(),
                    bank: "中国银行儋州分行".into(),
                    bank_account: "6217856300012345678".into(),
                    hired_on: d(2026, 3, 15),
                    left_on: Some(d(2026, 12, 31)),
                    education: None,
                    typing_cpm: None,
                    clock_ids: Default::default(),
                },
                row: 3,
            },
        ];
        assert_eq!(rows, expected);
    }

    /// Twelve deliberate mistakes in three rows, each at its row and column; columns in an
    /// unusual order with an English alias (roles).
    #[test]
    fn every_problem_at_its_row_and_column() {
        use X::*;
        let header = [
            "姓名",
            "工号",
            "roles",
            "班组",
            "可上班次",
            "证件号码",
            "开户银行",
            "银行账号",
            "入职日期",
            "薪级",
            "离职日期",
        ];
        let bytes = xlsx(
            "人员名单",
            &[
                header.iter().map(|h| S(h)).collect(),
                vec![
                    S("王一"),
                    S("E001"),
                    S("坐席/飞行员"),
                    N(5.0),
                    S("A,X"),
                    S("460400199412280027"),
                    S("工行"),
                    S("6222024180771449671"),
                    S("2026-01-01"),
                    S("二级"),
                ],
                vec![
                    S("王二"),
                    E,
                    S("话务员"),
                    E,
                    E,
                    S("11010519491231002X"),
                    E,
                    S("62220241807"),
                    S("2026-13-01"),
                ],
                vec![
                    S("王三"),
                    S("E001"),
                    S("agent"),
                    E,
                    E,
                    S("11010519491231002X"),
                    S("工行"),
                    S("6222024180771449671"),
                    S("2026/2/1"),
                    E,
                    S("2026-01-31"),
                ],
            ],
        );
        let e = parse_staff(&bytes, &site(), today()).unwrap_err();
        assert_eq!(
            places(&e),
            vec![
                (Some(2), Some("C (roles)")),
                (Some(2), Some("D (班组)")),
                (Some(2), Some("E (可上班次)")),
                (Some(2), Some("F (证件号码)")),
                (Some(2), Some("J (薪级)")),
                (Some(3), Some("B (工号)")),
                (Some(3), Some("G (开户银行)")),
                (Some(3), Some("H (银行账号)")),
                (Some(3), Some("I (入职日期)")),
                (Some(4), Some("B (工号)")),
                (Some(4), Some("F (证件号码)")),
                (Some(4), Some("K (离职日期)")),
            ],
            "{e}"
        );
        assert!(e.0.iter().all(|p| p.sheet == "人员名单"));
        let p = &e.0;
        assert_eq!(p[0].found, "unknown role \"飞行员\"");
        assert!(
            p[0].expected.contains("agent (话务员/坐席)"),
            "{}",
            p[0].expected
        );
        assert_eq!(p[1].expected, "a team number from 1 to 4");
        assert_eq!(p[1].found, "5");
        assert_eq!(p[2].found, "unknown shift \"X\"");
        assert!(p[2]
            .expected
            .starts_with("shift codes of the site: A, P, N, D"));
        // 46040019941228002 has check character 8 (worked in hr.rs), not 7.
        assert!(p[3].found.contains("expected `8`"), "{}", p[3].found);
        assert!(
            p[4].expected.contains("text in a number cell"),
            "{}",
            p[4].expected
        );
        assert_eq!(p[4].found, "\"二级\"");
        assert_eq!(p[5].found, "an empty cell");
        assert_eq!(p[6].found, "an empty cell");
        assert!(p[7].found.contains("has 11 digits"), "{}", p[7].found);
        assert_eq!(p[8].found, "\"2026-13-01\"");
        assert_eq!(p[9].found, "a duplicate (also row 2)");
        assert!(p[10].found.contains("also row 3"), "{}", p[10].found);
        assert!(p[11].expected.contains("2026-02-01"), "{}", p[11].expected);
        assert_eq!(p[11].found, "2026-01-31");
        let text = e.to_string();
        assert!(
            text.contains("sheet 人员名单, row 3, column H (银行账号)"),
            "{text}"
        );
    }

    /// An ID number typed as a number: Excel keeps 15 significant digits, so
    /// 460400199412280028 is stored as the nearest double, 460400199412280000 (doubles
    /// between 2^58 and 2^59 are 64 apart; 460400199412280028 = 64 × 7193753115816875 + 28).
    #[test]
    fn an_id_number_as_a_number_cell_asks_for_text() {
        use X::*;
        let header = [
            "工号",
            "姓名",
            "角色",
            "证件号码",
            "开户银行",
            "银行账号",
            "入职日期",
        ];
        let bytes = xlsx(
            "Sheet1",
            &[
                header.iter().map(|h| S(h)).collect(),
                vec![
                    S("T101"),
                    S("李明"),
                    S("班长"),
                    N(460_400_199_412_280_028.0),
                    S("中国工商银行儋州分行"),
                    S("6222024180771449671"),
                    D(2026, 1, 1),
                ],
            ],
        );
        let e = parse_staff(&bytes, &site(), today()).unwrap_err();
        assert_eq!(places(&e), vec![(Some(2), Some("D (证件号码)"))], "{e}");
        assert!(e.0[0].expected.contains("as text"), "{}", e.0[0].expected);
        assert!(e.0[0].expected.contains("文本"), "{}", e.0[0].expected);
        assert!(e.0[0].expected.contains("15 digits"), "{}", e.0[0].expected);
        assert_eq!(e.0[0].found, "the number 460400199412280000");
    }

    const CSV_HEADER: &str = "id,name,roles,team,reserve,shifts,working_days_only,position,grade,id_type,id_number,bank,bank_account,hired_on,left_on\n";

    /// CSV with English headers and a byte-order mark; 身份证 for the ID type, an account in
    /// groups of four, a date as 2026年1月5日, the position as a label.
    #[test]
    fn csv_with_english_headers() {
        let text = format!(
            "\u{feff}{CSV_HEADER}M101,周敏,manager,,no,D,yes,项目经理,1,身份证,11010519491231002X,招商银行海口分行,6214 8331 0579 2116,2026年1月5日,\n"
        );
        let (sheet, rows) = parse_staff(text.as_bytes(), &site(), today()).unwrap();
        assert_eq!(sheet, "CSV");
        assert_eq!(
            rows,
            vec![StaffImportRow {
                employee: Employee {
                    id: "M101".into(),
                    name: "周敏".into(),
                    roles: vec!["manager".into()],
                    team: None,
                    reserve: false,
                    shifts: vec!["D".into()],
                    working_days_only: true,
                    position: Some("manager".into()),
                    grade: Some(1),
                    preferences: vec![],
                    limits: Default::default(),
                },
                hr: HrRecord {
                    id: "M101".into(),
                    name: "周敏".into(),
                    id_type: "居民身份证".into(),
                    id_number: "11010519491231002X".into(),
                    bank: "招商银行海口分行".into(),
                    bank_account: "6214833105792116".into(),
                    hired_on: d(2026, 1, 5),
                    left_on: None,
                    education: None,
                    typing_cpm: None,
                    clock_ids: Default::default(),
                },
                row: 2,
            }]
        );
    }

    /// Education and typing speed feed the hiring criteria: recorded as given; an unknown
    /// level (大学 is not one of the levels) and text in the speed column are located.
    #[test]
    fn education_and_typing_speed() {
        let header = "工号,姓名,角色,证件号码,开户银行,银行账号,入职日期,学历,打字速度\n";
        let good = format!(
            "{header}A101,王一,话务员,460400199412280028,工行,6222024180771449671,2026-01-01,本科,52\nA102,王二,话务员,46040019871018737X,工行,6222024180771449672,2026-01-01,高中,\n"
        );
        let (_, rows) = parse_staff(good.as_bytes(), &site(), today()).unwrap();
        assert_eq!(rows[0].hr.education.as_deref(), Some("本科"));
        assert_eq!(rows[0].hr.typing_cpm, Some(52));
        assert_eq!(rows[1].hr.education.as_deref(), Some("高中"));
        assert_eq!(rows[1].hr.typing_cpm, None);
        let bad = format!(
            "{header}A101,王一,话务员,460400199412280028,工行,6222024180771449671,2026-01-01,大学,很快\n"
        );
        let e = parse_staff(bad.as_bytes(), &site(), today()).unwrap_err();
        assert_eq!(
            places(&e),
            vec![(Some(2), Some("H (学历)")), (Some(2), Some("I (打字速度)"))],
            "{e}"
        );
    }

    /// Found by fuzzing: an .xls whose header row is thousands of cells wide made the column
    /// lookups per row take seconds (now looked up once). Read for an answer, not a hang.
    #[test]
    fn a_very_wide_header_row_is_read_once() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/fuzz-inputs/staff-wide-header-slow.bin"
        ))
        .unwrap();
        let _ = parse_staff(&bytes, &site(), today());
    }

    #[test]
    fn duplicate_employee_id_is_refused() {
        let text = format!(
            "{CSV_HEADER}A001,王一,agent,1,,,,,,,460400199412280028,工行,6222024180771449671,2026-01-01,\n\
             A001,王二,agent,2,,,,,,,46040019871018737X,工行,6222024180771449672,2026-01-01,\n"
        );
        let e = parse_staff(text.as_bytes(), &site(), today()).unwrap_err();
        assert_eq!(places(&e), vec![(Some(3), Some("A (id)"))], "{e}");
        assert_eq!(e.0[0].expected, "each 工号 once (A001)");
        assert_eq!(e.0[0].found, "a duplicate (also row 2)");
    }

    /// Born 2012-03-15: 46040020120315001 has S = 28+54+0+20+0+0+4+0+6+6+0+27+10+25+0+0+2 =
    /// 182 = 16 × 11 + 6, check "10X98765432"[6] = '6'; 16 years old on 2028-03-15.
    #[test]
    fn a_hire_before_the_sixteenth_birthday_is_refused() {
        assert_eq!(crate::hr::id_check_char("46040020120315001"), Some('6'));
        let text = format!(
            "{CSV_HEADER}A001,王一,agent,1,,,,,,,460400201203150016,工行,6222024180771449671,2026-01-01,\n"
        );
        let e = parse_staff(text.as_bytes(), &site(), today()).unwrap_err();
        assert_eq!(places(&e), vec![(Some(2), Some("N (hired_on)"))], "{e}");
        assert!(
            e.0[0].expected.contains("2028-03-15"),
            "{}",
            e.0[0].expected
        );
    }

    #[test]
    fn missing_columns_and_files_that_are_not_tables() {
        let e = parse_staff("工号,姓名\nA1,张三\n".as_bytes(), &site(), today()).unwrap_err();
        let missing: Vec<&str> =
            e.0.iter()
                .map(|p| p.expected.split(' ').nth(3).unwrap_or(""))
                .collect();
        assert_eq!(
            missing,
            ["角色", "证件号码", "开户银行", "银行账号", "入职日期"],
            "{e}"
        );
        assert_eq!(places(&e), vec![(Some(1), None); 5]);
        assert_eq!(e.0[0].found, "no such column in the header row");

        let e = parse_staff(&[0xff, 0xfe, 0x00, 0x41], &site(), today()).unwrap_err();
        assert_eq!(places(&e), vec![(None, None)]);
        assert!(e.0[0].expected.contains("workbook"), "{e}");

        let e = parse_staff(CSV_HEADER.as_bytes(), &site(), today()).unwrap_err();
        assert_eq!(e.0[0].found, "no rows", "{e}");
    }

    /// Site-level rules run with the imported staff in place; a problem that names no imported
    /// person is reported without a row.
    #[test]
    fn site_check_runs_on_the_imported_staff() {
        let mut s = site();
        s.cover[0].shift = "ZZ".into();
        let text = format!(
            "{CSV_HEADER}A001,王一,agent,1,,,,,,,460400199412280028,工行,6222024180771449671,2026-01-01,\n"
        );
        let e = parse_staff(text.as_bytes(), &s, today()).unwrap_err();
        assert_eq!(places(&e), vec![(None, None)], "{e}");
        assert!(e.0[0].found.contains("ZZ"), "{e}");
    }
}
