//! Row-level helpers shared by the importers: located problems, the person a row names
//! (by employee id and/or name against the staff list), cell access.

use super::table::{column_letter, Cell, ImportProblem, Said};
use crate::said;

/// A person the import may name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffEntry {
    /// Employee id (工号).
    pub id: String,
    /// Name.
    pub name: String,
    /// The person's ids in the attendance systems, matched before the name.
    pub clock_ids: ClockIds,
}

/// A person's ids in the attendance systems (each identifies people by its own id).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ClockIds {
    /// DingTalk UserId (钉钉 员工UserID; text, may start with 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dingtalk: Option<String>,
    /// WeCom 账号 (企业微信 userid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wecom: Option<String>,
    /// ZKTeco 考勤号码 / 登记号码 / PIN (digits, as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zkteco: Option<String>,
}

impl ClockIds {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.dingtalk.is_none() && self.wecom.is_none() && self.zkteco.is_none()
    }
}

/// Collects problems with the sheet name filled in.
pub struct Problems<'a> {
    /// Sheet name.
    pub sheet: &'a str,
    /// The problems so far.
    pub list: Vec<ImportProblem>,
}

impl<'a> Problems<'a> {
    /// No problems yet.
    pub fn new(sheet: &'a str) -> Self {
        Problems {
            sheet,
            list: Vec::new(),
        }
    }

    /// A problem at a row (and column: index and header).
    pub fn at(&mut self, row: usize, col: Option<(usize, &str)>, expected: Said, found: Said) {
        self.list.push(ImportProblem::new(
            self.sheet,
            Some(row),
            col.map(|(i, h)| format!("{} ({h})", column_letter(i))),
            expected,
            found,
        ));
    }

    /// A column the header row lacks.
    /// `label` names the column in both languages (a header alone: [`Said::same`]).
    pub fn missing_column(&mut self, row: usize, label: Said, aliases: &[String]) {
        let others: Vec<&str> = aliases
            .iter()
            .map(String::as_str)
            .filter(|a| *a != label.en)
            .collect();
        let (en, zh) = (&label.en, &label.zh);
        let expected = if others.is_empty() {
            said!("a column headed {en}", "表头为 {zh} 的列")
        } else {
            let others = others.join(", ");
            said!(
                "a column headed {en} (or {others})",
                "表头为 {zh} 的列（或 {others}）"
            )
        };
        self.list.push(ImportProblem::new(
            self.sheet,
            Some(row),
            None,
            expected,
            said!("no such column in the header row", "表头行中没有这一列"),
        ));
    }
}

/// Resolves a row's person from an id and/or name cell.
pub fn who(
    staff: &[StaffEntry],
    id: Option<(usize, &Cell)>,
    name: Option<(usize, &Cell)>,
    id_must_match: bool,
    row: usize,
    probs: &mut Problems<'_>,
) -> Option<String> {
    let text = |c: &Cell| match c {
        Cell::Text(t) => Some(t.clone()),
        Cell::Number(n) if n.fract() == 0.0 => Some(format!("{n}")),
        _ => None,
    };
    let id_text = id.and_then(|(_, c)| text(c));
    let name_text = name.and_then(|(_, c)| text(c));
    if let Some(idt) = &id_text {
        if let Some(s) = staff.iter().find(|s| s.id.eq_ignore_ascii_case(idt)) {
            if let (Some(n), Some((col, _))) = (&name_text, name) {
                if *n != s.name {
                    probs.at(
                        row,
                        Some((col, "姓名")),
                        said!(
                            "the name of employee {} ({})",
                            "员工 {} 的姓名（{}）",
                            s.id,
                            s.name
                        ),
                        said!("\"{n}\"", "“{n}”"),
                    );
                    return None;
                }
            }
            return Some(s.id.clone());
        }
        if id_must_match {
            let (col, _) = id.expect("id text implies a column");
            probs.at(
                row,
                Some((col, "工号")),
                said!("an employee id from the staff list", "花名册中的工号"),
                said!("unknown employee \"{idt}\"", "查无此人“{idt}”"),
            );
            return None;
        }
    }
    match (&name_text, name) {
        (Some(n), Some((col, _))) => {
            let found: Vec<&StaffEntry> = staff.iter().filter(|s| s.name == *n).collect();
            match found.as_slice() {
                [one] => Some(one.id.clone()),
                [] => {
                    probs.at(
                        row,
                        Some((col, "姓名")),
                        said!("a name from the staff list", "花名册中的姓名"),
                        said!("unknown employee \"{n}\"", "查无此人“{n}”"),
                    );
                    None
                }
                many => {
                    let ids: Vec<&str> = many.iter().map(|s| s.id.as_str()).collect();
                    probs.at(
                        row,
                        Some((col, "姓名")),
                        said!(
                            "a name held by one person, or an employee id column",
                            "只属于一人的姓名，或增加工号列"
                        ),
                        said!(
                            "\"{n}\" is the name of {}",
                            "“{n}”是 {} 多人的姓名",
                            ids.join(", ")
                        ),
                    );
                    None
                }
            }
        }
        _ => {
            let col = id.or(name).map(|(i, _)| (i, "工号/姓名"));
            probs.at(
                row,
                col,
                said!("an employee id or name", "工号或姓名"),
                Cell::Empty.said(),
            );
            None
        }
    }
}

/// The cell at an optional column, empty when absent.
pub fn cell(cells: &[Cell], i: Option<usize>) -> &Cell {
    i.and_then(|i| cells.get(i)).unwrap_or(&Cell::Empty)
}

/// Text of a text or number cell.
pub fn text_of(c: &Cell) -> Option<String> {
    match c {
        Cell::Text(t) => Some(t.clone()),
        Cell::Number(n) => Some(format!("{n}")),
        _ => None,
    }
}

/// An attendance system, for its ids ([`ClockIds`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// DingTalk UserId.
    DingTalk,
    /// WeCom 账号.
    WeCom,
    /// ZKTeco 考勤号码.
    Zkteco,
}

impl Vendor {
    /// The person's id in this system.
    #[must_use]
    pub fn id_of(self, ids: &ClockIds) -> Option<&str> {
        match self {
            Vendor::DingTalk => ids.dingtalk.as_deref(),
            Vendor::WeCom => ids.wecom.as_deref(),
            Vendor::Zkteco => ids.zkteco.as_deref(),
        }
    }

    /// Whether two ids are the same: ZKTeco's 考勤号码 is a number on the device and in its
    /// exports (`1234`), and may be kept with leading zeros elsewhere (`00001234`).
    #[must_use]
    pub fn same_id(self, a: &str, b: &str) -> bool {
        let (a, b) = (a.trim(), b.trim());
        match self {
            Vendor::Zkteco
                if a.bytes().all(|c| c.is_ascii_digit())
                    && b.bytes().all(|c| c.is_ascii_digit()) =>
            {
                let strip = |s: &str| s.trim_start_matches('0').to_string();
                strip(a) == strip(b)
            }
            _ => a == b,
        }
    }

    /// The column's name in messages.
    #[must_use]
    pub fn column(self) -> &'static str {
        match self {
            Vendor::DingTalk => "UserId",
            Vendor::WeCom => "账号",
            Vendor::Zkteco => "考勤号码",
        }
    }
}

/// A name as the vendor writes it, without a leaver's mark (`张三(已离职)`, `张三（离职）`).
#[must_use]
pub fn plain_name(name: &str) -> &str {
    let n = name.trim();
    for mark in ["(已离职)", "（已离职）", "(离职)", "（离职）"] {
        if let Some(s) = n.strip_suffix(mark) {
            return s.trim_end();
        }
    }
    n
}

/// The person a vendor row names: by the vendor's own id (`clock`: the system's UserId /
/// 账号 / 考勤号码, matched against the staff list's [`ClockIds`]) first, then as [`who`]
/// does by employee id and name. A vendor id that matches nobody falls through to the
/// employee id and name (the staff list may not hold vendor ids yet); when it matches
/// someone, a name that disagrees is a problem.
pub fn who_with_clock_id(
    staff: &[StaffEntry],
    vendor: Vendor,
    clock: Option<(usize, &Cell)>,
    id: Option<(usize, &Cell)>,
    name: Option<(usize, &Cell)>,
    row: usize,
    probs: &mut Problems<'_>,
) -> Option<String> {
    let text = |c: &Cell| match c {
        Cell::Text(t) => Some(t.trim().to_string()),
        Cell::Number(n) if n.fract() == 0.0 => Some(format!("{n:.0}")),
        _ => None,
    };
    let name_text = name
        .and_then(|(_, c)| text(c))
        .map(|n| plain_name(&n).to_string());
    if let Some(vid) = clock.and_then(|(_, c)| text(c)).filter(|v| !v.is_empty()) {
        let by_clock: Vec<&StaffEntry> = staff
            .iter()
            .filter(|s| {
                vendor
                    .id_of(&s.clock_ids)
                    .is_some_and(|x| vendor.same_id(x, &vid))
            })
            .collect();
        if let [s] = by_clock.as_slice() {
            if let (Some(n), Some((col, _))) = (&name_text, name) {
                if *n != s.name {
                    probs.at(
                        row,
                        Some((col, "姓名")),
                        said!(
                            "the name of {} {} ({} {vid})",
                            "{} {} 的姓名（{} {vid}）",
                            s.id,
                            s.name,
                            vendor.column()
                        ),
                        said!("\"{n}\"", "“{n}”"),
                    );
                    return None;
                }
            }
            return Some(s.id.clone());
        }
        // No vendor ids on file: many sites set the vendor id to the employee id.
        if by_clock.is_empty() && id.is_none() {
            if let Some(s) = staff.iter().find(|s| s.id.eq_ignore_ascii_case(&vid)) {
                if name_text.as_ref().is_none_or(|n| *n == s.name) {
                    return Some(s.id.clone());
                }
            }
        }
    }
    let plain = name_text.map(Cell::Text);
    let name = match (&plain, name) {
        (Some(c), Some((i, _))) => Some((i, c)),
        (None, n) => n,
        _ => None,
    };
    let id_given = id.is_some_and(|(_, c)| text(c).is_some_and(|t| !t.is_empty()));
    let before = probs.list.len();
    let found = who(staff, id.filter(|_| id_given), name, id_given, row, probs);
    // Matched by nobody: the message names the vendor id too, the first thing HR looks up.
    if found.is_none() && probs.list.len() > before {
        if let Some(vid) = clock.and_then(|(_, c)| text(c)).filter(|v| !v.is_empty()) {
            if let Some(p) = probs.list.last_mut() {
                p.found = format!(
                    "{} ({} {vid} is not in the staff list either)",
                    p.found,
                    vendor.column()
                );
                p.found_zh = format!("{}（{} {vid} 也不在花名册中）", p.found_zh, vendor.column());
            }
        }
    }
    found
}
