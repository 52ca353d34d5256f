//! Chinese wording (中文说明) shared by the validator's and the explainer's texts: role and
//! day-kind labels, hours and durations, and the spacing between Chinese and Latin text.

use crate::calendar::DayKind;
use crate::site::roles;

/// Chinese label of a well-known role (the labels of the staff sheet); another role keeps
/// its code.
pub(crate) fn role(code: &str) -> &str {
    match code {
        roles::AGENT => "话务员",
        roles::TEAM_LEADER => "班长",
        roles::MANAGER => "运营经理",
        roles::CALLBACK => "回访员",
        roles::QA => "质检督办",
        roles::ANALYST => "数据分析员",
        other => other,
    }
}

/// Chinese label of an objective term (the names of [`crate::objective_terms`] and of a
/// repair's changes); another name keeps its code.
pub fn term(name: &str) -> &str {
    match name {
        "cover_shortfall" => "缺岗",
        "cover_surplus" => "超配",
        "reserve_shifts" => "预备人员上班",
        "hours_shortfall" => "工时不足",
        "standby_shortfall" => "备班缺口",
        "standby_non_reserve" => "非预备人员备班",
        "night_spread" => "夜班数差",
        "holiday_spread" => "节假日班次差",
        "weekend_spread" => "周末班次差",
        "standby_spread" => "备班次数差",
        "preferences" => "意愿未满足",
        "isolated_day_off" => "单日休息",
        "shift_change" => "相邻换班",
        "handover_shortfall" => "次月首日缺岗",
        "handover_seats" => "次月首日缺位(含备班)",
        "repair_changes" => "调整变动",
        other => other,
    }
}

/// Chinese label of a day kind.
pub(crate) fn day_kind(k: DayKind) -> &'static str {
    match k {
        DayKind::Working => "工作日",
        DayKind::Rest => "休息日",
        DayKind::Statutory => "法定节假日",
    }
}

/// Minutes as hours, one decimal where needed: `182`, `7.5`.
pub(crate) fn hours(minutes: u32) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.1}", minutes as f64 / 60.0)
    }
}

/// A duration: `8 小时`, `8 小时 30 分钟`, `45 分钟`.
pub(crate) fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} 小时"),
        (0, m) => format!("{m} 分钟"),
        (h, m) => format!("{h} 小时 {m} 分钟"),
    }
}

fn wide(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Full-width punctuation (、。，：；（）…), which carries its own spacing.
fn wide_punct(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}') && !c.is_alphanumeric()
}

/// Drops each space the format strings put between two Chinese characters or next to
/// full-width punctuation, keeping those between Chinese and Latin text or figures:
/// `"A 班 话务员 0 人 ， 至少"` → `"A 班话务员 0 人，至少"`.
pub(crate) fn tidy(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 && i + 1 < chars.len() {
            let (a, b) = (chars[i - 1], chars[i + 1]);
            if (wide(a) && wide(b)) || wide_punct(a) || wide_punct(b) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_between_chinese_and_latin() {
        assert_eq!(
            tidy("A 班 话务员 0 人 ， 至少 1 人"),
            "A 班话务员 0 人，至少 1 人"
        );
        assert_eq!(tidy("计为 班长，但 张三 不具备"), "计为班长，但张三不具备");
        assert_eq!(tidy("但 Li Ming 不具备"), "但 Li Ming 不具备");
        assert_eq!(tidy("（标准 176 小时）"), "（标准 176 小时）");
    }

    #[test]
    fn figures() {
        assert_eq!(hours(182 * 60), "182");
        assert_eq!(hours(450), "7.5");
        assert_eq!(duration(480), "8 小时");
        assert_eq!(duration(510), "8 小时 30 分钟");
        assert_eq!(duration(45), "45 分钟");
        assert_eq!(duration(0), "0 小时");
        assert_eq!(role("team_leader"), "班长");
        assert_eq!(role("nurse"), "nurse");
    }

    /// Every term a month's objective is reported with has a Chinese label (a new term
    /// without one would show its code to the operations manager).
    #[test]
    fn every_objective_term_has_a_chinese_label() {
        let p = crate::testing::demo(3, vec![]);
        let ix = crate::Index::new(&p);
        let mut names: Vec<&str> = crate::model::cost_term_names(&ix);
        names.push("repair_changes");
        assert!(names.len() >= 16, "{names:?}");
        for name in names {
            let zh = term(name);
            assert_ne!(zh, name);
            assert!(zh.chars().any(|c| c as u32 >= 0x4e00), "{name}: {zh}");
        }
        assert_eq!(term("handover_shortfall"), "次月首日缺岗");
        assert_eq!(term("unknown_term"), "unknown_term");
    }
}
