//! From call volume to cover (话务预测与人力测算): call history → interval forecast →
//! agents needed per interval (Erlang C or A, occupancy cap, shrinkage) → interval needs the
//! roster model covers with staggered shift starts.
//!
//! Reading order: [`erlang`] (queueing formulas), [`forecast`] (day types, profile, level,
//! back-test), [`staffing`] (needs per interval, the reverse calculation, coverage of a
//! roster, and the least paid hours a set of shift types needs for a curve).

pub mod erlang;
pub mod forecast;
pub mod staffing;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::site::Role;

/// One interval of call history (话务历史).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// Date.
    pub date: NaiveDate,
    /// Interval start, minutes after midnight.
    pub start_minute: u32,
    /// Interval length in minutes (15, 30 or 60).
    pub minutes: u32,
    /// Calls offered.
    pub offered: u32,
    /// Calls answered.
    pub answered: u32,
    /// Calls abandoned.
    pub abandoned: u32,
    /// Average handle time of answered calls, seconds.
    pub aht_seconds: f64,
    /// Average speed of answer of answered calls, seconds, if the platform reports it.
    #[serde(default)]
    pub asa_seconds: Option<f64>,
    /// Average time to abandon of abandoned calls, seconds, if reported.
    #[serde(default)]
    pub abandon_seconds: Option<f64>,
}

/// The service target and the allowances between agents on the phones and agents rostered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePolicy {
    /// Share of calls answered within `answer_seconds` (default 0.80).
    pub service_level: f64,
    /// Answer time in seconds (default 20).
    pub answer_seconds: f64,
    /// Highest occupancy (default 0.85).
    pub occupancy_cap: f64,
    /// Share of rostered time not on the phones: breaks, training, meetings (default 0.30).
    pub shrinkage: f64,
}

impl Default for ServicePolicy {
    fn default() -> Self {
        ServicePolicy {
            service_level: 0.80,
            answer_seconds: 20.0,
            occupancy_cap: 0.85,
            shrinkage: 0.30,
        }
    }
}

/// The agents one interval needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalNeed {
    /// Date.
    pub date: NaiveDate,
    /// Interval start, minutes after midnight.
    pub start_minute: u32,
    /// Interval length in minutes.
    pub minutes: u32,
    /// Forecast calls offered.
    pub calls: f64,
    /// Forecast average handle time, seconds.
    pub aht_seconds: f64,
    /// Agents on the phones the target needs.
    pub on_phones: u32,
    /// Agents to roster: on-phones ÷ (1 − shrinkage), rounded up.
    pub rostered: u32,
}

/// Interval cover for one role: replaces that role's per-shift minimums in a month's problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Demand {
    /// Role covered by interval (agent).
    pub role: Role,
    /// Shift codes this role may work under interval cover (the fixed shifts that carried
    /// its minimums, plus the staggered starts when they are allowed).
    pub shifts: Vec<String>,
    /// Service policy the needs were computed for.
    pub policy: ServicePolicy,
    /// Mean caller patience in seconds (Erlang A), if known.
    #[serde(default)]
    pub patience_seconds: Option<f64>,
    /// Needs per interval.
    pub needs: Vec<IntervalNeed>,
}

/// `HH:MM` of minutes after midnight.
pub fn hhmm(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}
