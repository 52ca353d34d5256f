//! Per-person figures and fairness spreads of a roster (公平性统计), measured on the roster itself
//! with the same comparison groups the model optimises.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::{is_weekend, DayKind};
use crate::problem::{Index, Problem};
use crate::roster::Roster;
use crate::site::roles;

/// Comparable staff: non-reserve people grouped by primary role; everyone holding `agent`
/// forms one group. Groups of one are left out.
pub fn comparison_groups(ix: &Index<'_>) -> BTreeMap<String, Vec<usize>> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (e, emp) in ix.p.employees.iter().enumerate() {
        if emp.reserve {
            continue;
        }
        let key = if emp.has_role(roles::AGENT) {
            roles::AGENT.to_string()
        } else {
            emp.roles[0].clone()
        };
        groups.entry(key).or_default().push(e);
    }
    groups.retain(|_, m| m.len() > 1);
    groups
}

/// One person's month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonStats {
    /// Employee id.
    pub employee: String,
    /// Shifts worked.
    pub shifts: u32,
    /// Planned paid minutes.
    pub minutes: u32,
    /// Allowed range of planned minutes.
    pub min_minutes: u32,
    /// See `min_minutes`.
    pub max_minutes: u32,
    /// Night shifts.
    pub nights: u32,
    /// Shifts on statutory holidays.
    pub holiday_shifts: u32,
    /// Shifts on Saturdays and Sundays.
    pub weekend_shifts: u32,
    /// Standby duties.
    pub standby: u32,
    /// Leave days in the month.
    pub leave_days: u32,
}

/// Spread of one measure within one comparison group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Group key (primary role).
    pub group: String,
    /// `nights`, `holiday_shifts`, `weekend_shifts` or `standby`.
    pub measure: String,
    /// Smallest value among members without leave.
    pub min: u32,
    /// Largest value among all members.
    pub max: u32,
}

impl Spread {
    /// max − min.
    pub fn spread(&self) -> u32 {
        self.max.saturating_sub(self.min)
    }
}

/// Figures of a roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Per person, in staff order.
    pub people: Vec<PersonStats>,
    /// Per group and measure.
    pub spreads: Vec<Spread>,
}

impl Summary {
    /// The spread of `measure` in `group`, if that group exists.
    pub fn spread(&self, group: &str, measure: &str) -> Option<u32> {
        self.spreads
            .iter()
            .find(|s| s.group == group && s.measure == measure)
            .map(Spread::spread)
    }
}

impl PersonStats {
    /// The measures whose spreads are compared, by name.
    pub const MEASURES: [&'static str; 4] =
        ["nights", "holiday_shifts", "weekend_shifts", "standby"];

    /// A compared measure by its name (one of [`PersonStats::MEASURES`]).
    pub fn measure(&self, name: &str) -> Option<u32> {
        match name {
            "nights" => Some(self.nights),
            "holiday_shifts" => Some(self.holiday_shifts),
            "weekend_shifts" => Some(self.weekend_shifts),
            "standby" => Some(self.standby),
            _ => None,
        }
    }
}

/// Measures a roster.
pub fn summarize(problem: &Problem, roster: &Roster) -> Summary {
    let ix = Index::new(problem);
    let mut people: Vec<PersonStats> = problem
        .employees
        .iter()
        .enumerate()
        .map(|(e, emp)| PersonStats {
            employee: emp.id.clone(),
            shifts: 0,
            minutes: 0,
            min_minutes: ix.min_minutes(e),
            max_minutes: ix.max_minutes(e),
            nights: 0,
            holiday_shifts: 0,
            weekend_shifts: 0,
            standby: 0,
            leave_days: ix.leave[e].iter().filter(|l| l.is_some()).count() as u32,
        })
        .collect();
    for a in &roster.assignments {
        let (Some(e), Some(s), Some(d)) =
            (ix.employee(&a.employee), ix.shift(&a.shift), ix.day(a.date))
        else {
            continue;
        };
        let ps = &mut people[e];
        ps.shifts += 1;
        ps.minutes += problem.shifts[s].paid_minutes;
        if problem.rules.night_shifts.contains(&a.shift) {
            ps.nights += 1;
        }
        if problem.days[d].kind == DayKind::Statutory {
            ps.holiday_shifts += 1;
        }
        if is_weekend(a.date) {
            ps.weekend_shifts += 1;
        }
    }
    for sb in &roster.standby {
        if let Some(e) = ix.employee(&sb.employee) {
            people[e].standby += 1;
        }
    }
    let mut spreads = Vec::new();
    for (group, members) in comparison_groups(&ix) {
        for name in PersonStats::MEASURES {
            let f = |p: &PersonStats| p.measure(name).unwrap_or(0);
            let max = members.iter().map(|&e| f(&people[e])).max().unwrap_or(0);
            let min = members
                .iter()
                .filter(|&&e| people[e].leave_days == 0)
                .map(|&e| f(&people[e]))
                .min()
                .unwrap_or(max);
            spreads.push(Spread {
                group: group.clone(),
                measure: name.to_string(),
                min,
                max,
            });
        }
    }
    Summary { people, spreads }
}
