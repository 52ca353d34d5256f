//! Performance evaluation with evidence (绩效考核): the month's measured values per person —
//! the call platform's agent report, the QA listening sheets, the purchaser's commendations and
//! complaints, attendance — scored by `data/performance/kpi-scoring.toml`, weighed and banded
//! by payroll's performance rules (the very [`payroll::PerformanceRules::rate`] payroll applies),
//! with the evidence behind every figure and the manager's adjustments with their reasons.
//!
//! Reading order: [`KpiScoring`] → the evidence types ([`AgentMonth`], [`QaSheet`],
//! [`Feedback`], [`Adjustment`]) → [`evaluate`] → [`Evaluation`] (per person: one
//! [`KpiFigure`] per KPI, composite, coefficient) → [`Evaluation::scores`] for the time sheet.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use payroll::{Kpi, Position};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Score used for a weighted KPI with no evidence this month: the bottom of the band whose
/// coefficient is 1.00, flagged so HR sees it.
pub const NO_EVIDENCE_SCORE: u32 = 85;

/// Linear scoring of one measured KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Linear {
    /// Value scoring 100.
    pub full: Decimal,
    /// Value scoring 0.
    pub zero: Decimal,
}

impl Linear {
    /// 100 × (value − zero) ÷ (full − zero), clamped to 0..=100, rounded to 2 decimals half
    /// away from zero.
    pub fn score(&self, value: Decimal) -> Decimal {
        let raw = Decimal::from(100) * (value - self.zero) / (self.full - self.zero);
        round2(raw.clamp(Decimal::ZERO, Decimal::from(100)))
    }
}

/// The QA rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QaRule {
    /// Fewer sheets than this in a month are flagged.
    pub min_samples: u32,
}

/// Commendation and complaint points on the satisfaction score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRule {
    /// Points per commendation.
    pub commendation_points: Decimal,
    /// At most this many points from commendations in a month.
    pub commendation_cap: Decimal,
    /// Points per verified complaint (negative).
    pub complaint_points: Decimal,
}

/// `data/performance/kpi-scoring.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpiScoring {
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Source.
    pub source: String,
    /// Grade of the source.
    pub grade: String,
    /// 接通率.
    pub answer_rate: Linear,
    /// 满意率.
    pub satisfaction: Linear,
    /// 回访及时率.
    pub callback_timeliness: Linear,
    /// 质检.
    pub qa_score: QaRule,
    /// 表扬 / 投诉.
    pub feedback: FeedbackRule,
}

impl KpiScoring {
    /// Parses and checks the scoring file.
    ///
    /// # Errors
    /// TOML errors, or a linear rule with `full` equal to `zero`.
    pub fn from_toml_str(text: &str) -> anyhow::Result<Self> {
        let s: Self = toml::from_str(text)?;
        for (name, l) in [
            ("answer_rate", &s.answer_rate),
            ("satisfaction", &s.satisfaction),
            ("callback_timeliness", &s.callback_timeliness),
        ] {
            anyhow::ensure!(
                l.full != l.zero,
                "kpi-scoring: {name}: full and zero must differ"
            );
        }
        anyhow::ensure!(
            s.feedback.complaint_points <= Decimal::ZERO
                && s.feedback.commendation_points >= Decimal::ZERO
                && s.feedback.commendation_cap >= Decimal::ZERO,
            "kpi-scoring: commendations add points (cap not negative) and complaints take them away"
        );
        anyhow::ensure!(!s.source.trim().is_empty(), "kpi-scoring: source is empty");
        Ok(s)
    }
}

impl KpiScoring {
    /// The linear scale of a measured KPI; `None` for the QA score (used as it is) and
    /// attendance (from the attendance reconciliation).
    pub fn scale(&self, kpi: Kpi) -> Option<&Linear> {
        match kpi {
            Kpi::AnswerRate => Some(&self.answer_rate),
            Kpi::Satisfaction => Some(&self.satisfaction),
            Kpi::CallbackTimeliness => Some(&self.callback_timeliness),
            Kpi::QaScore | Kpi::Attendance => None,
        }
    }
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Where a figure came from: file, sheet and row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    /// File name.
    pub file: String,
    /// Sheet.
    pub sheet: String,
    /// 1-based row.
    pub row: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} row {}", self.file, self.sheet, self.row)
    }
}

/// One person's line of the call platform's monthly agent report (坐席月报).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentMonth {
    /// Employee id.
    pub employee: String,
    /// Calls handled (接听量).
    pub calls_handled: Option<u32>,
    /// Answer rate in percent (接通率).
    pub answer_rate: Option<Decimal>,
    /// Average handle time in seconds.
    pub aht_seconds: Option<Decimal>,
    /// Satisfaction in percent (满意率).
    pub satisfaction: Option<Decimal>,
    /// Callbacks done by their due time.
    pub callbacks_on_time: Option<u32>,
    /// Callbacks due.
    pub callbacks_due: Option<u32>,
    /// Row it came from.
    pub origin: Origin,
}

/// One QA listening sheet (质检单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QaSheet {
    /// Recording id (录音编号).
    pub recording: String,
    /// Date of the call.
    pub date: NaiveDate,
    /// Employee id.
    pub employee: String,
    /// Score per item of the listening standard.
    pub items: Vec<(String, Decimal)>,
    /// Total score (the sum of the items).
    pub total: Decimal,
    /// Comment.
    pub comment: String,
    /// Row it came from.
    pub origin: Origin,
}

/// Commendation or complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackKind {
    /// 表扬
    Commendation,
    /// 投诉
    Complaint,
}

/// One of the purchaser's commendations or complaints (表扬 / 投诉).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    /// Date.
    pub date: NaiveDate,
    /// Employee id.
    pub employee: String,
    /// Kind.
    pub kind: FeedbackKind,
    /// Whether the complaint was found justified (属实); commendations count always.
    pub verified: bool,
    /// What it was about.
    pub description: String,
    /// Row it came from.
    pub origin: Origin,
}

/// A manager's adjustment of one KPI score, with its written reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    /// Employee id.
    pub employee: String,
    /// KPI adjusted.
    pub kpi: Kpi,
    /// Points added (negative to take away).
    pub points: Decimal,
    /// Written reason (required).
    pub reason: String,
    /// Who.
    pub by: String,
    /// When (RFC 3339).
    pub at: String,
}

/// A person to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Employee id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Pay position (its KPI weights).
    pub position: Position,
    /// Attendance KPI from the reconciliation, if attendance was reconciled.
    pub attendance_kpi: Option<u32>,
}

/// One KPI of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiFigure {
    /// KPI.
    pub kpi: Kpi,
    /// Measured value (percent or mean QA score), if any.
    pub value: Option<Decimal>,
    /// Value scoring 100, where the KPI is scored linearly.
    pub target: Option<Decimal>,
    /// Weight for the person's position.
    pub weight: Decimal,
    /// Score 0-100 after feedback and adjustments.
    pub score: Decimal,
    /// The evidence: which records, which sheets, which adjustments.
    pub evidence: Vec<String>,
    /// Something HR should look at (no evidence, too few QA sheets).
    pub flags: Vec<String>,
}

/// One person's month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Employee id.
    pub employee: String,
    /// Name.
    pub name: String,
    /// Position.
    pub position: Position,
    /// Every KPI (weighted or not), in [`Kpi::ALL`] order.
    pub kpis: Vec<KpiFigure>,
    /// Σ weight × score, as payroll computes it.
    pub composite: Decimal,
    /// Coefficient of the band.
    pub coefficient: Decimal,
    /// Payroll's formula text.
    pub formula: String,
}

impl Evaluation {
    /// The scores for payroll's time sheet.
    pub fn scores(&self) -> BTreeMap<Kpi, Decimal> {
        self.kpis.iter().map(|f| (f.kpi, f.score)).collect()
    }
}

/// All the month's evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Agent report lines.
    pub agent_months: Vec<AgentMonth>,
    /// QA sheets.
    pub qa: Vec<QaSheet>,
    /// Commendations and complaints.
    pub feedback: Vec<Feedback>,
    /// Manager's adjustments.
    pub adjustments: Vec<Adjustment>,
}

/// Evaluates everyone for the month whose first day is `date`.
///
/// Per KPI: 接通率 and 满意率 from the agent report, scored linearly; 满意率 then moves by the
/// commendations (capped) and verified complaints; 回访及时率 = on time ÷ due × 100, scored
/// linearly; 质检 = the mean total of the month's QA sheets (flagged below the minimum
/// sample); 出勤 = the reconciliation's attendance KPI. A weighted KPI without evidence
/// scores [`NO_EVIDENCE_SCORE`] and is flagged. Adjustments add their points (clamped 0-100)
/// and appear in the evidence with their reasons. Composite and coefficient are payroll's own.
///
/// # Errors
/// No weights or coefficient table in force for a position.
pub fn evaluate(
    people: &[Person],
    evidence: &Evidence,
    scoring: &KpiScoring,
    rules: &payroll::PerformanceRules,
    date: NaiveDate,
) -> anyhow::Result<Vec<Evaluation>> {
    let hundred = Decimal::from(100);
    let mut out = Vec::with_capacity(people.len());
    for p in people {
        let weights: BTreeMap<Kpi, Decimal> = Kpi::ALL
            .into_iter()
            .map(|k| weight_of(rules, p.position, k, date))
            .collect::<anyhow::Result<_>>()?;
        let agent = evidence.agent_months.iter().find(|a| a.employee == p.id);
        let mut figures = Vec::new();
        for kpi in Kpi::ALL {
            let weight = weights.get(&kpi).copied().unwrap_or_default();
            let mut f = KpiFigure {
                kpi,
                value: None,
                target: None,
                weight,
                score: Decimal::ZERO,
                evidence: Vec::new(),
                flags: Vec::new(),
            };
            let mut measured: Option<Decimal> = None;
            match kpi {
                Kpi::AnswerRate => {
                    if let Some((a, v)) = agent.and_then(|a| a.answer_rate.map(|v| (a, v))) {
                        f.value = Some(v);
                        f.target = Some(scoring.answer_rate.full);
                        measured = Some(scoring.answer_rate.score(v));
                        f.evidence.push(format!("接通率 {v}% ({})", a.origin));
                    }
                }
                Kpi::Satisfaction => {
                    if let Some((a, v)) = agent.and_then(|a| a.satisfaction.map(|v| (a, v))) {
                        f.value = Some(v);
                        f.target = Some(scoring.satisfaction.full);
                        let mut s = scoring.satisfaction.score(v);
                        f.evidence.push(format!("满意率 {v}% ({})", a.origin));
                        let mut plus = Decimal::ZERO;
                        for fb in evidence.feedback.iter().filter(|x| x.employee == p.id) {
                            match fb.kind {
                                FeedbackKind::Commendation => {
                                    plus += scoring.feedback.commendation_points;
                                    f.evidence.push(format!(
                                        "表扬 {} {} (+{}; {})",
                                        fb.date,
                                        fb.description,
                                        scoring.feedback.commendation_points,
                                        fb.origin
                                    ));
                                }
                                FeedbackKind::Complaint if fb.verified => {
                                    s += scoring.feedback.complaint_points;
                                    f.evidence.push(format!(
                                        "投诉属实 {} {} ({}; {})",
                                        fb.date,
                                        fb.description,
                                        scoring.feedback.complaint_points,
                                        fb.origin
                                    ));
                                }
                                FeedbackKind::Complaint => f.evidence.push(format!(
                                    "投诉不属实 {} {} (no points; {})",
                                    fb.date, fb.description, fb.origin
                                )),
                            }
                        }
                        s += plus.min(scoring.feedback.commendation_cap);
                        measured = Some(s.clamp(Decimal::ZERO, hundred));
                    }
                }
                Kpi::CallbackTimeliness => {
                    if let Some(a) = agent {
                        if let (Some(on), Some(due)) = (a.callbacks_on_time, a.callbacks_due) {
                            if due > 0 {
                                let v = round2(Decimal::from(on) * hundred / Decimal::from(due));
                                f.value = Some(v);
                                f.target = Some(scoring.callback_timeliness.full);
                                measured = Some(scoring.callback_timeliness.score(v));
                                f.evidence
                                    .push(format!("回访 {on}/{due} 按时 = {v}% ({})", a.origin));
                            }
                        }
                    }
                }
                Kpi::QaScore => {
                    let sheets: Vec<&QaSheet> =
                        evidence.qa.iter().filter(|q| q.employee == p.id).collect();
                    if !sheets.is_empty() {
                        let sum: Decimal = sheets.iter().map(|q| q.total).sum();
                        let mean = round2(sum / Decimal::from(sheets.len() as u32));
                        f.value = Some(mean);
                        measured = Some(mean.clamp(Decimal::ZERO, hundred));
                        for q in &sheets {
                            f.evidence.push(format!(
                                "质检 {} {} 总分 {} ({})",
                                q.recording, q.date, q.total, q.origin
                            ));
                        }
                        if (sheets.len() as u32) < scoring.qa_score.min_samples {
                            f.flags.push(format!(
                                "质检样本 {} 份，少于 {} 份 (fewer QA sheets than the rule asks)",
                                sheets.len(),
                                scoring.qa_score.min_samples
                            ));
                        }
                    }
                }
                Kpi::Attendance => {
                    if let Some(a) = p.attendance_kpi {
                        f.value = Some(Decimal::from(a));
                        measured = Some(Decimal::from(a));
                        f.evidence.push(format!(
                            "出勤考核分 {a} (考勤核对 attendance reconciliation)"
                        ));
                    }
                }
            }
            let mut score = match measured {
                Some(s) => s,
                None => {
                    if !weight.is_zero() {
                        f.flags.push(format!(
                            "无考核依据，按 {NO_EVIDENCE_SCORE} 分计 (no evidence this month)"
                        ));
                    }
                    Decimal::from(NO_EVIDENCE_SCORE)
                }
            };
            for adj in evidence
                .adjustments
                .iter()
                .filter(|a| a.employee == p.id && a.kpi == kpi)
            {
                score += adj.points;
                f.evidence.push(format!(
                    "调整 {:+} 分：{} ({} {})",
                    adj.points, adj.reason, adj.by, adj.at
                ));
            }
            f.score = score.clamp(Decimal::ZERO, hundred);
            figures.push(f);
        }
        let scores: BTreeMap<Kpi, Decimal> = figures.iter().map(|f| (f.kpi, f.score)).collect();
        let rating = match rules.rate(p.position, &scores, date)? {
            Ok(r) => r,
            Err((kpi, _)) => anyhow::bail!("{}: no score for {}", p.id, kpi.name()),
        };
        out.push(Evaluation {
            employee: p.id.clone(),
            name: p.name.clone(),
            position: p.position,
            kpis: figures,
            composite: rating.composite_score,
            coefficient: rating.coefficient,
            formula: rating.formula,
        });
    }
    Ok(out)
}

/// The weight of one KPI for a position on a date (0 when the position does not weigh it).
fn weight_of(
    rules: &payroll::PerformanceRules,
    position: Position,
    kpi: Kpi,
    date: NaiveDate,
) -> anyhow::Result<(Kpi, Decimal)> {
    let w = rules
        .kpi_weights
        .iter()
        .filter(|w| w.position == position)
        .find(|w| {
            w.provenance.effective_from <= date
                && w.provenance.effective_to.is_none_or(|to| date <= to)
        })
        .ok_or_else(|| anyhow::anyhow!("no KPI weights for {} on {date}", position.name()))?;
    Ok((kpi, w.weights.get(&kpi).copied().unwrap_or_default()))
}
