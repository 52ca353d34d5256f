//! Progress of a month's search (搜索进度), as lines of the solver log.
//!
//! A month with fairness terms is solved by an annealing beside the LP that bounds it (see
//! `model::search`); neither writes HiGHS's own log there. So that a caller reading the log for
//! live progress (the web app's progress bar) sees the search go on, the search appends a line
//! about once a second to the file: the best roster's objective (recomputed from its
//! assignments), the bound (0 until the LP is solved), the gap between them and the seconds
//! since the solve began. [`SearchProgress::line`] writes the line and
//! [`SearchProgress::parse`] reads it back, so the format lives here only (its tag kept from
//! the neighbourhood search it first reported, which readers already parse):
//!
//! `LNS round 12: best 742.20 bound 310.50 gap 58.16% 35.2s`

/// One progress line of a month's search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchProgress {
    /// Line number of the search (about one a second; the last line is the answer).
    pub round: usize,
    /// Objective of the best roster so far, recomputed from its assignments.
    pub best: f64,
    /// Lower bound on the month's objective (never above `best`).
    pub bound: f64,
    /// (best − bound) / best, in percent.
    pub gap_percent: f64,
    /// Seconds since the month's solve began.
    pub seconds: f64,
}

/// What the line starts with.
const TAG: &str = "LNS round ";

impl SearchProgress {
    /// The line, without its newline. Figures to 2 decimals, seconds to 1, as HiGHS prints.
    #[must_use]
    pub fn line(&self) -> String {
        format!(
            "{TAG}{}: best {:.2} bound {:.2} gap {:.2}% {:.1}s",
            self.round, self.best, self.bound, self.gap_percent, self.seconds
        )
    }

    /// Reads a line written by [`SearchProgress::line`] (surrounding blanks allowed); `None`
    /// for any other line.
    #[must_use]
    pub fn parse(line: &str) -> Option<Self> {
        let rest = line.trim().strip_prefix(TAG)?;
        let (round, rest) = rest.split_once(": ")?;
        let t: Vec<&str> = rest.split_whitespace().collect();
        let [b, best, bd, bound, g, gap, secs] = t.as_slice() else {
            return None;
        };
        if (*b, *bd, *g) != ("best", "bound", "gap") {
            return None;
        }
        let num = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite());
        Some(SearchProgress {
            round: round.parse().ok()?,
            best: num(best)?,
            bound: num(bound)?,
            gap_percent: num(gap.strip_suffix('%')?)?,
            seconds: num(secs.strip_suffix('s')?)?,
        })
    }

    /// Appends the line to the log file at `path` (the caller's `solver_log`). A failed write
    /// only loses a progress line: the solve goes on.
    pub(crate) fn append_to(&self, path: &str) {
        use std::io::Write as _;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{}", self.line());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_and_other_lines_do_not() {
        let p = SearchProgress {
            round: 12,
            best: 742.2,
            bound: 310.5,
            gap_percent: 58.164,
            seconds: 35.24,
        };
        assert_eq!(
            p.line(),
            "LNS round 12: best 742.20 bound 310.50 gap 58.16% 35.2s"
        );
        let back = SearchProgress::parse(&format!("  {}\n", p.line())).unwrap();
        assert_eq!(
            back,
            SearchProgress {
                gap_percent: 58.16,
                seconds: 35.2,
                ..p
            }
        );
        // A HiGHS table row, a torn line and a line with a word changed are not ours.
        for other in [
            "         0       0         0   0.00%   -3870           435.3            989.04%        0      0      5     16900    12.0s",
            "LNS round 3: best 742.20 bound 310.50 gap 58.1",
            "LNS round 3: best 742.20 bound inf gap 58.16% 35.2s",
            "LNS round x: best 742.20 bound 310.50 gap 58.16% 35.2s",
            "LNS round 3: best 742.20 bond 310.50 gap 58.16% 35.2s",
        ] {
            assert_eq!(SearchProgress::parse(other), None, "{other}");
        }
    }
}
