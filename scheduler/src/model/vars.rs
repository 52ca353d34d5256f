//! Decision variables: `y[e][d][s]` one binary per role in which person `e` can count on shift
//! `s` of day `d` (most people hold one role there, team leaders two), and `sb[e][d][s]` one
//! binary per standby duty a qualified person could take. Variables that a rule forbids
//! outright (leave, role, allowed shifts, rest after the previous month) are never created.

use std::collections::HashMap;

use good_lp::{Expression, Variable};

use super::Builder;
use crate::site::Role;

pub(crate) struct Vars {
    /// `y[e][d][s]` = (role, variable, column).
    pub y: Vec<Vec<Vec<Vec<(Role, Variable, usize)>>>>,
    /// `sb[e][d][s]` = standby variable.
    pub sb: Vec<Vec<Vec<Option<(Variable, usize)>>>>,
    columns: HashMap<Variable, usize>,
}

impl Vars {
    pub fn declare(b: &mut Builder<'_>) -> Vars {
        let p = b.ix.p;
        let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
        let max_gap = b.ix.max_rest_gap();
        let mut y = vec![vec![vec![Vec::new(); ns]; nd]; ne];
        let mut sb = vec![vec![vec![None; ns]; nd]; ne];
        let mut columns = HashMap::new();
        let standby_shifts = b.ix.standby_shifts();
        for e in 0..ne {
            let roles_by_shift: Vec<Vec<Role>> = (0..ns).map(|s| b.ix.roles_on_shift(e, s)).collect();
            for d in 0..nd {
                for s in 0..ns {
                    if !b.ix.can_work(e, d, s) || !rest_ok_after_history(b, e, d, s, max_gap) {
                        continue;
                    }
                    for role in &roles_by_shift[s] {
                        let (v, c) = b.binary();
                        columns.insert(v, c);
                        y[e][d][s].push((role.clone(), v, c));
                    }
                    if standby_shifts.contains(&s) && b.ix.standby_qualified(e) {
                        let (v, c) = b.binary();
                        columns.insert(v, c);
                        sb[e][d][s] = Some((v, c));
                    }
                }
            }
        }
        Vars { y, sb, columns }
    }

    pub fn column_of(&self, v: Variable) -> Option<usize> {
        self.columns.get(&v).copied()
    }

    /// Works shift `s` on day `d` (any role).
    pub fn x(&self, e: usize, d: usize, s: usize) -> Expression {
        self.y[e][d][s].iter().map(|(_, v, _)| *v).sum()
    }

    /// Whether `x(e, d, s)` can be non-zero.
    pub fn has_x(&self, e: usize, d: usize, s: usize) -> bool {
        !self.y[e][d][s].is_empty()
    }

    /// Works on day `d` (any shift).
    pub fn w(&self, e: usize, d: usize) -> Expression {
        (0..self.y[e][d].len()).map(|s| self.x(e, d, s)).sum()
    }

    /// Any standby duty on day `d`.
    pub fn sb_any(&self, e: usize, d: usize) -> Expression {
        self.sb[e][d].iter().flatten().map(|(v, _)| *v).sum()
    }
}

/// Whether shift `s` on day `d` keeps the minimum rest after the previous month's shifts.
fn rest_ok_after_history(b: &Builder<'_>, e: usize, d: usize, s: usize, max_gap: i64) -> bool {
    (1..=max_gap).all(|g| {
        let prev_day = d as i64 - g;
        match b.ix.history_shift(e, prev_day) {
            Some(a) => b.ix.rest_ok(a, g, s),
            None => true,
        }
    })
}
