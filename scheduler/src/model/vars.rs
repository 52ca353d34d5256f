//! Decision variables: `y[e][d][s]` one binary per role in which person `e` can count on shift
//! `s` of day `d` (most people hold one role there, team leaders two), and `sb[e][d][s]` one
//! binary per standby duty a qualified person could take. Variables that a rule forbids
//! outright (leave, role, allowed shifts, rest after the previous month) are never created.

use good_lp::{constraint, Expression, Variable};

use super::Builder;
use crate::site::Role;

/// Per (employee, day, shift): the role-split variables with their column indexes.
pub(crate) type RoleVars = Vec<Vec<Vec<Vec<(Role, Variable, usize)>>>>;
/// Per (employee, day, shift): the standby variable and its column, if any.
pub(crate) type StandbyVars = Vec<Vec<Vec<Option<(Variable, usize)>>>>;

pub(crate) struct Vars {
    /// `y[e][d][s]` = (role, variable, column).
    pub y: RoleVars,
    /// `sb[e][d][s]` = standby variable.
    pub sb: StandbyVars,
    /// `work[e][d]`: works that day (= sum of its `y`), a variable of its own so that the
    /// many day-based rows stay sparse; `None` when no shift is possible.
    pub work: Vec<Vec<Option<Variable>>>,
}

impl Vars {
    pub fn declare(b: &mut Builder<'_>) -> Vars {
        let p = b.ix.p;
        let (ne, nd, ns) = (p.employees.len(), p.num_days(), p.shifts.len());
        let max_gap = b.ix.max_rest_gap();
        let mut y = vec![vec![vec![Vec::new(); ns]; nd]; ne];
        let mut sb = vec![vec![vec![None; ns]; nd]; ne];
        let standby_shifts = b.ix.standby_shifts();
        for e in 0..ne {
            let roles_by_shift: Vec<Vec<Role>> =
                (0..ns).map(|s| b.ix.roles_on_shift(e, s)).collect();
            for d in 0..nd {
                for s in 0..ns {
                    if !b.ix.can_work(e, d, s) || !rest_ok_after_history(b, e, d, s, max_gap) {
                        continue;
                    }
                    for role in &roles_by_shift[s] {
                        let (v, c) = b.binary();
                        y[e][d][s].push((role.clone(), v, c));
                    }
                    if standby_shifts.contains(&s) && b.ix.standby_qualified(e) {
                        let (v, c) = b.binary();
                        sb[e][d][s] = Some((v, c));
                    }
                }
            }
        }
        let mut work = vec![vec![None; nd]; ne];
        for e in 0..ne {
            for d in 0..nd {
                let vars: Vec<Variable> = y[e][d].iter().flatten().map(|(_, v, _)| *v).collect();
                if vars.is_empty() {
                    continue;
                }
                let (w, _) = b.add(good_lp::variable().min(0.0).max(1.0));
                let sum: Expression = vars.into_iter().sum();
                b.constraints.push(constraint!(w == sum));
                work[e][d] = Some(w);
            }
        }
        Vars { y, sb, work }
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
        self.work[e][d].map_or_else(|| Expression::from(0.0), Expression::from)
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
