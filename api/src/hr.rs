//! HR master data (人事档案): what the payroll engine does not need but the filings do: the
//! identity document (证件类型, 证件号码) for the income-tax import and the social-insurance
//! ledger, and the salary account (开户银行, 银行账号) for the bank transfer list.
//!
//! Read from `hr.toml` beside `staff.toml` in a site folder, one `[[employees]]` table per
//! person, keyed by the same id (工号). Every number is a string: an 18-character ID number or a
//! 19-digit account written as a number would lose digits (and a leading 0, and a final X).
//! A resident ID card number (居民身份证) is checked against GB 11643-1999: 17 digits, a valid
//! birth date in digits 7–14, and the ISO 7064 MOD 11-2 check character.
//!
//! Employment dates (`hired_on`, `left_on`, written as `"YYYY-MM-DD"` strings) feed the
//! staffing report (headcount, joiners, leavers, attrition), the roster's and attendance's
//! staff of a month, proration and the income tax's basic deduction (counted from the hire
//! month). `hired_on` is required: a default would pay and tax someone from a date that is
//! not theirs. `left_on` is the last day employed. A
//! leaver's record may stay in `hr.toml` after the person is taken off `staff.toml`, so that
//! the period they left in still counts them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use anyhow::Context as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::said;
use crate::said::Said;

/// The file name beside `staff.toml`.
pub const FILE: &str = "hr.toml";

/// The identity document type of a mainland resident (ITS 证件类型).
pub const RESIDENT_ID_CARD: &str = "居民身份证";

/// One employee's HR record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HrRecord {
    /// Employee id (工号), as in `staff.toml` and the payroll.
    pub id: String,
    /// Name as on the identity document (姓名).
    pub name: String,
    /// Identity document type (证件类型), e.g. `居民身份证`.
    pub id_type: String,
    /// Identity document number (证件号码), text.
    pub id_number: String,
    /// Bank of the salary account (开户银行).
    pub bank: String,
    /// Salary account number (银行账号), digits, text.
    pub bank_account: String,
    /// First day employed (入职日期), required.
    pub hired_on: NaiveDate,
    /// The person's ids in the attendance systems (DingTalk UserId, WeCom 账号, ZKTeco
    /// 考勤号码), optional: an attendance export names people by them.
    #[serde(
        default,
        skip_serializing_if = "crate::excel::rows::ClockIds::is_empty"
    )]
    pub clock_ids: crate::excel::rows::ClockIds,
    /// Last day employed (离职日期, 最后工作日), if the person has left or is leaving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_on: Option<NaiveDate>,
    /// Highest education (学历), one of [`EDUCATION`], when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    /// Typing speed from the hiring test (打字速度), Chinese characters a minute, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typing_cpm: Option<u32>,
}

/// The education levels (学历) an HR record may hold, highest first, and whether each is
/// "college (大专) or above" — the purchaser's hiring criterion (requirement 2.3.1).
pub const EDUCATION: [(&str, bool); 8] = [
    ("博士", true),
    ("硕士", true),
    ("本科", true),
    ("大专", true),
    ("中专", false),
    ("高中", false),
    ("初中", false),
    ("小学", false),
];

/// Whether an education level is college or above (`None` for an unknown level).
#[must_use]
pub fn college_or_above(education: &str) -> Option<bool> {
    EDUCATION
        .iter()
        .find(|(label, _)| *label == education)
        .map(|(_, college)| *college)
}

/// `hr.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HrFile {
    /// One record per employee.
    #[serde(default)]
    pub employees: Vec<HrRecord>,
}

/// A bad `hr.toml`: every message names the employee and the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HrError {
    /// Not TOML of the expected shape.
    #[error("hr.toml: {0}")]
    Parse(String),
    /// A field of one record is wrong.
    #[error("hr.toml: employee {employee} ({name}): {field}: {message}")]
    Invalid {
        /// Employee id.
        employee: String,
        /// Employee name.
        name: String,
        /// Field name.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The same id twice.
    #[error("hr.toml: employee {employee} appears more than once")]
    DuplicateId {
        /// Employee id.
        employee: String,
    },
    /// The same identity document under two ids.
    #[error("hr.toml: employees {first} and {second} have the same id_number {id_number}")]
    DuplicateIdNumber {
        /// First employee id.
        first: String,
        /// Second employee id.
        second: String,
        /// The shared number.
        id_number: String,
    },
}

/// GB 11643-1999 weights of digits 1..=17: 2^(17−i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character of the first 17 digits of a resident ID number (ISO 7064 MOD 11-2):
/// S = Σ digitᵢ × weightᵢ; the check value c satisfies (S + c) mod 11 = 1, i.e.
/// c = (12 − S mod 11) mod 11, written `X` when it is 10. `None` unless 17 ASCII digits.
#[must_use]
pub fn id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let s: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(b"10X98765432"[(s % 11) as usize] as char)
}

/// Checks an 18-character resident ID number; the error says what is wrong.
///
/// # Errors
/// Wrong length, a non-digit in the first 17, an impossible birth date, or a wrong check
/// character (the expected one is named).
pub fn check_resident_id(number: &str) -> Result<(), Said> {
    let n = number.chars().count();
    if n != 18 {
        return Err(said!(
            "`{number}` has {n} characters; a resident ID number has 18",
            "“{number}”有 {n} 位；居民身份证号码为 18 位"
        ));
    }
    // Found by fuzzing: 18 characters are not 18 bytes when one is not ASCII; split only
    // an ASCII number.
    if !number.is_ascii() {
        return Err(said!(
            "`{number}`: the first 17 characters must be digits",
            "“{number}”：前 17 位必须是数字"
        ));
    }
    let (first17, last) = number.split_at(17);
    if !first17.bytes().all(|b| b.is_ascii_digit()) {
        return Err(said!(
            "`{number}`: the first 17 characters must be digits",
            "“{number}”：前 17 位必须是数字"
        ));
    }
    let birth = &first17[6..14];
    let date = NaiveDate::parse_from_str(birth, "%Y%m%d").map_err(|_| {
        said!(
            "`{number}`: digits 7-14 `{birth}` are not a date (YYYYMMDD)",
            "“{number}”：第 7-14 位“{birth}”不是日期（YYYYMMDD）"
        )
    })?;
    if date < NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date") {
        return Err(said!(
            "`{number}`: birth date {date} is before 1900",
            "“{number}”：出生日期 {date} 早于 1900 年"
        ));
    }
    let expected = id_check_char(first17).expect("17 digits");
    if last != expected.to_string() {
        let (hint, hint_zh) = if last == "x" {
            (
                " (write the check character as upper-case X)",
                "（校验码请写大写 X）",
            )
        } else {
            ("", "")
        };
        return Err(said!(
            "`{number}`: check character is `{last}`, expected `{expected}` (GB 11643-1999 MOD 11-2){hint}",
            "“{number}”：校验码为“{last}”，应为“{expected}”（GB 11643-1999 MOD 11-2）{hint_zh}"
        ));
    }
    Ok(())
}

/// Checks a salary account number: digits only, 16 to 19 of them; the error says what is wrong.
///
/// # Errors
/// A non-digit, or a digit count outside 16-19.
pub(crate) fn check_bank_account(account: &str) -> Result<(), Said> {
    if !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(said!(
            "`{account}` must be digits only",
            "“{account}”只能由数字组成"
        ));
    }
    let digits = account.len();
    if !(16..=19).contains(&digits) {
        return Err(said!(
            "`{account}` has {digits} digits; expected 16 to 19",
            "“{account}”有 {digits} 位；应为 16 至 19 位"
        ));
    }
    Ok(())
}

impl HrRecord {
    fn invalid(&self, field: &'static str, message: impl Into<String>) -> HrError {
        HrError::Invalid {
            employee: self.id.clone(),
            name: self.name.clone(),
            field,
            message: message.into(),
        }
    }

    /// Checks one record.
    ///
    /// # Errors
    /// [`HrError::Invalid`] naming the employee and field.
    pub fn check(&self) -> Result<(), HrError> {
        for (field, v) in [
            ("id", &self.id),
            ("name", &self.name),
            ("id_type", &self.id_type),
            ("id_number", &self.id_number),
            ("bank", &self.bank),
            ("bank_account", &self.bank_account),
        ] {
            if v.trim().is_empty() {
                return Err(self.invalid(field, "is empty"));
            }
            if v.trim() != v {
                return Err(self.invalid(field, format!("`{v}` has leading or trailing spaces")));
            }
        }
        if self.id_type == RESIDENT_ID_CARD {
            check_resident_id(&self.id_number).map_err(|m| self.invalid("id_number", m.en))?;
        }
        check_bank_account(&self.bank_account).map_err(|m| self.invalid("bank_account", m.en))?;
        if let Some(e) = &self.education {
            if college_or_above(e).is_none() {
                let known: Vec<&str> = EDUCATION.iter().map(|(l, _)| *l).collect();
                return Err(self.invalid(
                    "education",
                    format!("`{e}` is not one of {}", known.join(" ")),
                ));
            }
        }
        if matches!(self.typing_cpm, Some(n) if n > 400) {
            return Err(self.invalid(
                "typing_cpm",
                format!(
                    "{} characters a minute is not a typing speed (at most 400)",
                    self.typing_cpm.unwrap_or_default()
                ),
            ));
        }
        if let Some(left) = self.left_on {
            if left < self.hired_on {
                return Err(self.invalid(
                    "left_on",
                    format!(
                        "last day employed {left} is before the hire date {}",
                        self.hired_on
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Employed on `date` (hired on or before it, not left before it).
    #[must_use]
    pub fn employed_on(&self, date: NaiveDate) -> bool {
        self.hired_on <= date && self.left_on.is_none_or(|l| date <= l)
    }
}

/// The days of `year`-`month` on which each person is not employed (before `hired_on`, after
/// `left_on`), as 不在职 leave, so that the roster gives them no shift and their hours range
/// shrinks to the days employed (`scheduler::Index::employed_standard_minutes`).
#[must_use]
pub fn not_employed(records: &[HrRecord], year: i32, month: u32) -> Vec<scheduler::Leave> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    let last = next.pred_opt().unwrap_or(next);
    let mut out = Vec::new();
    for r in records {
        let mut away = |from: NaiveDate, to: NaiveDate| {
            let (from, to) = (from.max(first), to.min(last));
            if from <= to {
                out.push(scheduler::Leave {
                    employee: r.id.clone(),
                    from,
                    to,
                    kind: scheduler::LeaveKind::Inactive,
                });
            }
        };
        if let Some(before) = r.hired_on.pred_opt() {
            away(first, before);
        }
        if let Some(after) = r.left_on.and_then(|l| l.succ_opt()) {
            away(after, last);
        }
    }
    out
}

impl HrFile {
    /// Parses and checks `hr.toml`: each record, then that ids and ID numbers are unique.
    ///
    /// # Errors
    /// [`HrError`] naming the employee and field.
    pub fn from_toml_str(text: &str) -> Result<Self, HrError> {
        let file: HrFile = toml::from_str(text).map_err(|e| HrError::Parse(e.to_string()))?;
        check_records(&file.employees)?;
        Ok(file)
    }
}

/// Checks HR records as `hr.toml` is checked: each record, then that ids and ID numbers are
/// unique.
///
/// # Errors
/// [`HrError`] naming the employee and field.
pub fn check_records(records: &[HrRecord]) -> Result<(), HrError> {
    {
        let mut ids = BTreeSet::new();
        let mut numbers: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for r in records {
            r.check()?;
            if !ids.insert(r.id.as_str()) {
                return Err(HrError::DuplicateId {
                    employee: r.id.clone(),
                });
            }
            if let Some(first) = numbers.insert((&r.id_type, &r.id_number), &r.id) {
                return Err(HrError::DuplicateIdNumber {
                    first: first.to_owned(),
                    second: r.id.clone(),
                    id_number: r.id_number.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Only the keys of `staff.toml` that HR records are checked against.
#[derive(Deserialize)]
struct StaffIds {
    #[serde(default)]
    employees: Vec<StaffId>,
}

#[derive(Deserialize)]
struct StaffId {
    id: String,
    name: String,
}

/// Checks HR records against the staff list: every HR id must be a staff member with the same
/// name (a mismatch would file one person's pay under another's ID number), except a leaver
/// (`left_on` given), whose record stays for the staffing report after they are taken off the
/// staff list. Staff without an HR record are allowed here; the exports and reports that need
/// the record fail naming them.
///
/// # Errors
/// The first HR record of a current employee whose id is not on the staff list, or any record
/// whose name differs from the staff list's.
pub fn check_against_staff(records: &[HrRecord], staff_toml: &str) -> anyhow::Result<()> {
    let staff: StaffIds = toml::from_str(staff_toml).context("parsing staff.toml")?;
    check_against(
        records,
        staff
            .employees
            .iter()
            .map(|e| (e.id.as_str(), e.name.as_str())),
    )
}

/// [`check_against_staff`] over `(id, name)` pairs of the staff list.
///
/// # Errors
/// As [`check_against_staff`].
pub fn check_against<'a>(
    records: &[HrRecord],
    staff: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> anyhow::Result<()> {
    let names: BTreeMap<&str, &str> = staff.into_iter().collect();
    for r in records {
        match names.get(r.id.as_str()) {
            None if r.left_on.is_some() => {}
            None => anyhow::bail!(
                "hr.toml: employee {} ({}) is not in staff.toml (only a leaver, with left_on, may be)",
                r.id,
                r.name
            ),
            Some(n) if *n != r.name => anyhow::bail!(
                "hr.toml: employee {}: name `{}` differs from `{n}` in staff.toml",
                r.id,
                r.name
            ),
            Some(_) => {}
        }
    }
    Ok(())
}

/// Reads `hr.toml` beside `staff.toml` in `site_dir`, checks it, and checks it against
/// `staff.toml` when that file is present.
///
/// # Errors
/// An unreadable file (path in the message), or a record error naming the employee and field.
pub fn load(site_dir: &Path) -> anyhow::Result<Vec<HrRecord>> {
    let path = site_dir.join(FILE);
    let text =
        fs::read_to_string(&path).with_context(|| format!("reading HR file {}", path.display()))?;
    let file =
        HrFile::from_toml_str(&text).with_context(|| format!("HR file {}", path.display()))?;
    let staff_path = site_dir.join("staff.toml");
    if staff_path.exists() {
        let staff = fs::read_to_string(&staff_path)
            .with_context(|| format!("reading staff file {}", staff_path.display()))?;
        check_against_staff(&file.employees, &staff)
            .with_context(|| format!("HR file {}", path.display()))?;
    }
    Ok(file.employees)
}

/// The ID number shown to someone who may not see it whole: `460400********0028`.
pub fn mask_id(id_number: &str) -> String {
    let n = id_number.chars().count();
    if n <= 10 {
        return "*".repeat(n);
    }
    let head: String = id_number.chars().take(6).collect();
    let tail: String = id_number.chars().skip(n - 4).collect();
    format!("{head}{}{tail}", "*".repeat(n - 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record without employment dates.
    fn undated(id_number: &str) -> String {
        format!(
            r#"[[employees]]
id = "A001"
name = "王建华"
id_type = "居民身份证"
id_number = "{id_number}"
bank = "中国工商银行儋州分行"
bank_account = "6222024180771449671"
"#
        )
    }

    /// A record hired on 2026-01-01.
    fn record(id_number: &str) -> String {
        format!("{}hired_on = \"2026-01-01\"\n", undated(id_number))
    }

    /// Worked by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2):
    ///
    /// `46040019941228002?` (T001 of the demo):
    ///   digits   4  6  0  4  0  0  1  9  9  4  1  2  2  8  0  0  2
    ///   products 28 54 0  20 0  0  2  9  54 12 7  18 20 40 0  0  4
    ///   S = 268; 268 = 24 × 11 + 4; "10X98765432"[4] = '8'  → 460400199412280028.
    ///
    /// `46040019871018737?` (T002):
    ///   digits   4  6  0  4  0  0  1  9  8  7  1  0  1  8  7  3  7
    ///   products 28 54 0  20 0  0  2  9  48 21 7  0  10 40 56 12 14
    ///   S = 321; 321 = 29 × 11 + 2; "10X98765432"[2] = 'X'  → 46040019871018737X.
    ///
    /// `11010519491231002?` (the example of GB 11643-1999 itself):
    ///   products 7 9 0 5 0 20 2 9 24 27 7 18 30 5 0 0 4; S = 167 = 15 × 11 + 2 → 'X'.
    #[test]
    fn check_characters_worked_by_hand() {
        assert_eq!(id_check_char("46040019941228002"), Some('8'));
        assert_eq!(id_check_char("46040019871018737"), Some('X'));
        assert_eq!(id_check_char("11010519491231002"), Some('X'));
        // (S + c) mod 11 = 1 for the value c of the check character.
        assert_eq!((268 + 8) % 11, 1);
        assert_eq!((321 + 10) % 11, 1);
        assert_eq!(id_check_char("4604001994122800"), None);
        assert_eq!(id_check_char("4604001994122800A"), None);
        assert!(check_resident_id("460400199412280028").is_ok());
        assert!(check_resident_id("46040019871018737X").is_ok());
    }

    #[test]
    fn a_wrong_check_character_names_the_employee_field_and_expected_character() {
        let err = HrFile::from_toml_str(&record("460400199412280027")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("A001"), "{text}");
        assert!(text.contains("王建华"), "{text}");
        assert!(text.contains("id_number"), "{text}");
        assert!(text.contains("expected `8`"), "{text}");
        let lower = HrFile::from_toml_str(&record("46040019871018737x")).unwrap_err();
        assert!(lower.to_string().contains("upper-case X"), "{lower}");
    }

    #[test]
    fn wrong_length_and_bad_birth_dates_are_refused() {
        let err = HrFile::from_toml_str(&record("46040019941228002")).unwrap_err();
        assert!(err.to_string().contains("17 characters"), "{err}");
        let err = HrFile::from_toml_str(&record("4604001994122800288")).unwrap_err();
        assert!(err.to_string().contains("19 characters"), "{err}");
        // 1994-02-30 does not exist (check character computed for it: still refused).
        let first17 = "46040019940230002";
        let bad_date = format!("{first17}{}", id_check_char(first17).unwrap());
        let err = HrFile::from_toml_str(&record(&bad_date)).unwrap_err();
        assert!(err.to_string().contains("not a date"), "{err}");
    }

    #[test]
    fn other_document_types_are_not_checked_as_id_cards() {
        let text = record("460400199412280028").replace(
            "id_type = \"居民身份证\"\nid_number = \"460400199412280028\"",
            "id_type = \"港澳居民来往内地通行证\"\nid_number = \"H12345678\"",
        );
        let file = HrFile::from_toml_str(&text).unwrap();
        assert_eq!(file.employees[0].id_number, "H12345678");
    }

    #[test]
    fn duplicates_and_bad_accounts_are_refused() {
        let one = record("460400199412280028");
        let err = HrFile::from_toml_str(&format!("{one}\n{one}")).unwrap_err();
        assert_eq!(
            err,
            HrError::DuplicateId {
                employee: "A001".into()
            }
        );
        let two = format!("{one}\n{}", one.replace("A001", "A002"));
        let err = HrFile::from_toml_str(&two).unwrap_err();
        assert!(
            matches!(err, HrError::DuplicateIdNumber { ref first, ref second, .. } if first == "A001" && second == "A002"),
            "{err}"
        );
        let short = one.replace("6222024180771449671", "622202418077144");
        let err = HrFile::from_toml_str(&short).unwrap_err();
        assert!(err.to_string().contains("bank_account"), "{err}");
        assert!(err.to_string().contains("15 digits"), "{err}");
        let spaced = one.replace("6222024180771449671", "6222 0241 8077 1449");
        let err = HrFile::from_toml_str(&spaced).unwrap_err();
        assert!(err.to_string().contains("digits only"), "{err}");
        // A number instead of a string is a parse error, not a silently rounded value.
        let number = one.replace("\"460400199412280028\"", "460400199412280028");
        assert!(matches!(
            HrFile::from_toml_str(&number),
            Err(HrError::Parse(_))
        ));
    }

    /// The demo file: one valid record for every demo staff member, same id and name, numbers
    /// kept as text (some end in X, some have sequences starting with 0, some accounts start
    /// with 0).
    #[test]
    fn the_demo_file_matches_the_demo_staff() {
        let hr = HrFile::from_toml_str(include_str!("../../data/demo/hr.toml")).unwrap();
        let staff = include_str!("../../data/demo/staff.toml");
        check_against_staff(&hr.employees, staff).unwrap();
        let staff: StaffIds = toml::from_str(staff).unwrap();
        assert_eq!(hr.employees.len(), staff.employees.len());
        assert_eq!(hr.employees.len(), 53);
        for (h, s) in hr.employees.iter().zip(&staff.employees) {
            assert_eq!((&h.id, &h.name), (&s.id, &s.name));
            assert_eq!(h.id_type, RESIDENT_ID_CARD);
            assert!(h.id_number.starts_with("460400"), "{}", h.id_number);
        }
        assert!(hr.employees.iter().any(|r| r.id_number.ends_with('X')));
        assert!(hr.employees.iter().any(|r| &r.id_number[14..16] == "00"));
        assert!(hr.employees.iter().any(|r| r.bank_account.starts_with('0')));
        // Everyone joined at the contract start, nobody has left (true of the demo).
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert!(hr
            .employees
            .iter()
            .all(|r| r.hired_on == start && r.left_on.is_none()));
        assert!(include_str!("../../data/demo/hr.toml").contains("hired_on = \"2026-01-01\""));
    }

    /// Days not employed in March 2026 (31 days), by hand: hired 03-16 → away 03-01..03-15;
    /// left 03-20 → away 03-21..03-31; hired 02-16 and left 03-20 → only 03-21..03-31; hired
    /// in April → the whole month; left in February → the whole month; hired 03-01 → none;
    /// left 03-31 → none.
    #[test]
    fn days_not_employed_become_inactive_leave() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let base = HrFile::from_toml_str(&record("460400199412280028"))
            .unwrap()
            .employees
            .remove(0);
        let person = |id: &str, hired: &str, left: Option<&str>| HrRecord {
            id: id.into(),
            hired_on: d(hired),
            left_on: left.map(d),
            ..base.clone()
        };
        let records = [
            person("J", "2026-03-16", None),
            person("L", "2026-01-01", Some("2026-03-20")),
            person("B", "2026-02-16", Some("2026-03-20")),
            person("A", "2026-04-01", None),
            person("F", "2026-01-01", Some("2026-02-27")),
            person("S", "2026-03-01", None),
            person("E", "2026-01-01", Some("2026-03-31")),
        ];
        let got: Vec<(String, NaiveDate, NaiveDate)> = not_employed(&records, 2026, 3)
            .into_iter()
            .inspect(|l| assert_eq!(l.kind, scheduler::LeaveKind::Inactive))
            .map(|l| (l.employee, l.from, l.to))
            .collect();
        let want = [
            ("J", "2026-03-01", "2026-03-15"),
            ("L", "2026-03-21", "2026-03-31"),
            ("B", "2026-03-21", "2026-03-31"),
            ("A", "2026-03-01", "2026-03-31"),
            ("F", "2026-03-01", "2026-03-31"),
        ]
        .map(|(e, a, b)| (e.to_string(), d(a), d(b)));
        assert_eq!(got, want);
    }

    /// Employment dates: `hired_on` is required (no default date pays or taxes anyone),
    /// dates are `YYYY-MM-DD` strings, a last day before the hire date is refused naming the
    /// employee, and the last day is still a day employed.
    #[test]
    fn employment_dates_are_required_checked_and_bound_the_days_employed() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let err = HrFile::from_toml_str(&undated("460400199412280028"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("hired_on"), "{err}");
        let plain = HrFile::from_toml_str(&record("460400199412280028")).unwrap();
        assert_eq!(plain.employees[0].hired_on, d("2026-01-01"));
        assert_eq!(plain.employees[0].left_on, None);

        let dated = format!(
            "{}hired_on = \"2026-02-16\"\nleft_on = \"2026-03-20\"\n",
            undated("460400199412280028")
        );
        let r = &HrFile::from_toml_str(&dated).unwrap().employees[0];
        assert_eq!(
            (r.hired_on, r.left_on),
            (d("2026-02-16"), Some(d("2026-03-20")))
        );
        assert!(!r.employed_on(d("2026-02-15")));
        assert!(r.employed_on(d("2026-02-16")));
        assert!(
            r.employed_on(d("2026-03-20")),
            "the last day is a day employed"
        );
        assert!(!r.employed_on(d("2026-03-21")));

        let backwards = format!(
            "{}hired_on = \"2026-03-01\"\nleft_on = \"2026-02-28\"\n",
            undated("460400199412280028")
        );
        let err = HrFile::from_toml_str(&backwards).unwrap_err().to_string();
        assert!(err.contains("A001") && err.contains("left_on"), "{err}");
        assert!(
            err.contains("2026-02-28") && err.contains("2026-03-01"),
            "{err}"
        );

        let not_a_date = format!(
            "{}hired_on = \"2026-02-30\"\n",
            undated("460400199412280028")
        );
        assert!(matches!(
            HrFile::from_toml_str(&not_a_date),
            Err(HrError::Parse(_))
        ));
    }

    /// A leaver taken off `staff.toml` keeps their HR record; anyone else must be on it.
    #[test]
    fn only_a_leaver_may_be_missing_from_the_staff_list() {
        let staff = include_str!("../../data/demo/staff.toml");
        let mut gone = HrFile::from_toml_str(&record("460400199412280028"))
            .unwrap()
            .employees;
        gone[0].id = "X900".into();
        let err = check_against_staff(&gone, staff).unwrap_err().to_string();
        assert!(
            err.contains("X900") && err.contains("not in staff.toml"),
            "{err}"
        );
        gone[0].left_on = NaiveDate::from_ymd_opt(2026, 3, 20);
        check_against_staff(&gone, staff).unwrap();
    }

    /// Found by fuzzing the staff import: 18 characters, not 18 bytes, panicked the split.
    #[test]
    fn a_non_ascii_id_number_is_refused_not_a_panic() {
        let e = check_resident_id("460400198710187州分行").unwrap_err();
        assert!(e.en.contains("must be digits"), "{e:?}");
        assert!(e.zh.contains("前 17 位必须是数字"), "{e:?}");
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/fuzz-inputs/staff-id-number-not-ascii.bin"
        ))
        .unwrap();
        let site = crate::reference::load_site(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/demo"),
        )
        .unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        let _ = crate::excel::staff_import::parse_staff(&bytes, &site, today);
    }

    #[test]
    fn education_levels_and_typing_speed() {
        let hr = load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/demo"
        )))
        .unwrap();
        let mut r = hr[0].clone();
        r.education = Some("大专".into());
        r.typing_cpm = Some(45);
        r.check().unwrap();
        assert_eq!(college_or_above("大专"), Some(true));
        assert_eq!(college_or_above("中专"), Some(false));
        assert_eq!(college_or_above("大学"), None);
        r.education = Some("大学".into());
        let err = r.check().unwrap_err().to_string();
        assert!(err.contains("education") && err.contains("大学"), "{err}");
        r.education = None;
        r.typing_cpm = Some(4000);
        assert!(r.check().unwrap_err().to_string().contains("typing_cpm"));
    }

    #[test]
    fn load_reads_the_site_folder_and_checks_names_against_staff() {
        let hr = load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../data/demo"
        )))
        .unwrap();
        assert_eq!(hr.len(), 53);
        let renamed = vec![HrRecord {
            name: "王小明".into(),
            ..hr[5].clone()
        }];
        let err = check_against_staff(&renamed, include_str!("../../data/demo/staff.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&hr[5].id) && err.contains("王小明"), "{err}");
        let err = load(Path::new("/nonexistent-site")).unwrap_err();
        assert!(format!("{err:#}").contains("hr.toml"), "{err:#}");
    }
}
