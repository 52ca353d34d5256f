//! The time sheet (考勤汇总): what one employee worked in one month.
//!
//! The roster→time-sheet glue (in `api`) fills it from the calendar and the roster;
//! the engine never looks at a calendar itself.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A KPI of the performance rules (绩效考核指标), scored 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kpi {
    /// 接通率 answer rate.
    AnswerRate,
    /// 满意率 satisfaction.
    Satisfaction,
    /// 质检得分 QA score.
    QaScore,
    /// 回访及时率 callback timeliness.
    CallbackTimeliness,
    /// 出勤 attendance.
    Attendance,
}

impl Kpi {
    /// Every KPI, in declaration order.
    pub const ALL: [Kpi; 5] = [
        Kpi::AnswerRate,
        Kpi::Satisfaction,
        Kpi::QaScore,
        Kpi::CallbackTimeliness,
        Kpi::Attendance,
    ];

    /// The snake_case name used in data and JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kpi::AnswerRate => "answer_rate",
            Kpi::Satisfaction => "satisfaction",
            Kpi::QaScore => "qa_score",
            Kpi::CallbackTimeliness => "callback_timeliness",
            Kpi::Attendance => "attendance",
        }
    }

    /// The Chinese name (绩效考核指标名称), as in formulas and on Chinese pages.
    #[must_use]
    pub fn name_zh(self) -> &'static str {
        match self {
            Kpi::AnswerRate => "接通率",
            Kpi::Satisfaction => "满意率",
            Kpi::QaScore => "质检得分",
            Kpi::CallbackTimeliness => "回访及时率",
            Kpi::Attendance => "出勤",
        }
    }
}

/// Leave taken in the month, in scheduled working days (half days allowed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LeaveDays {
    /// 年休假 annual leave (paid).
    #[serde(deserialize_with = "crate::money::strict::leave_annual")]
    pub annual: Decimal,
    /// 婚假 marriage leave (paid).
    #[serde(deserialize_with = "crate::money::strict::leave_marriage")]
    pub marriage: Decimal,
    /// 丧假 bereavement leave (paid).
    #[serde(deserialize_with = "crate::money::strict::leave_bereavement")]
    pub bereavement: Decimal,
    /// 产假/陪产假 maternity or paternity leave (paid).
    #[serde(deserialize_with = "crate::money::strict::leave_maternity")]
    pub maternity: Decimal,
    /// 调休 time off in lieu of earlier overtime (paid).
    #[serde(deserialize_with = "crate::money::strict::leave_compensatory")]
    pub compensatory: Decimal,
    /// 事假 personal leave: the day wage is deducted.
    #[serde(deserialize_with = "crate::money::strict::leave_personal")]
    pub personal: Decimal,
    /// 病假 sick leave: paid at the policy percentage, not below 80% of the minimum wage.
    #[serde(deserialize_with = "crate::money::strict::leave_sick")]
    pub sick: Decimal,
}

impl LeaveDays {
    /// All leave days of every kind.
    #[must_use]
    pub fn total(&self) -> Decimal {
        self.annual
            + self.marriage
            + self.bereavement
            + self.maternity
            + self.compensatory
            + self.personal
            + self.sick
    }

    fn all(&self) -> [(&'static str, Decimal); 7] {
        [
            ("leave.annual", self.annual),
            ("leave.marriage", self.marriage),
            ("leave.bereavement", self.bereavement),
            ("leave.maternity", self.maternity),
            ("leave.compensatory", self.compensatory),
            ("leave.personal", self.personal),
            ("leave.sick", self.sick),
        ]
    }
}

/// One employee's month of attendance.
///
/// `standard_hours_of_month` must equal `scheduled_working_days_of_month × 8`
/// (e.g. February 2026: 16 days, 128 h; never the repealed 20.83 / 166.64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSheet {
    /// Standard hours of the month from the calendar (制度工作时间), days × 8.
    #[serde(deserialize_with = "crate::money::strict::standard_hours_of_month")]
    pub standard_hours_of_month: Decimal,
    /// Scheduled working days of the month from the calendar (e.g. 16 in Feb 2026).
    pub scheduled_working_days_of_month: u32,
    /// Scheduled working days of the month on which the employee was employed
    /// (equal to the month's days unless hired or left mid-month).
    pub working_days_employed: u32,
    /// Hours worked on ordinary days (neither rest days of the calendar nor statutory holidays).
    #[serde(default, deserialize_with = "crate::money::strict::ordinary_day_hours")]
    pub ordinary_day_hours: Decimal,
    /// Hours worked on rest days (weekends and moved days off, not statutory holidays).
    #[serde(default, deserialize_with = "crate::money::strict::rest_day_hours")]
    pub rest_day_hours: Decimal,
    /// Of `rest_day_hours`, those given time off in lieu (补休): no premium is paid for them.
    /// Used for standard-hours staff only.
    #[serde(
        default,
        deserialize_with = "crate::money::strict::rest_day_hours_in_lieu"
    )]
    pub rest_day_hours_in_lieu: Decimal,
    /// Hours worked on statutory holidays (法定节假日), paid at 300%.
    #[serde(
        default,
        deserialize_with = "crate::money::strict::statutory_holiday_hours"
    )]
    pub statutory_holiday_hours: Decimal,
    /// Night shifts (N 班) worked.
    #[serde(default)]
    pub night_shifts: u32,
    /// Leave days by kind.
    #[serde(default)]
    pub leave: LeaveDays,
    /// Days of unauthorised absence (旷工); the day wage is deducted.
    #[serde(default, deserialize_with = "crate::money::strict::absence_days")]
    pub absence_days: Decimal,
    /// KPI scores 0–100 for the month.
    #[serde(default, deserialize_with = "crate::money::strict::kpi")]
    pub kpi: BTreeMap<Kpi, Decimal>,
}

impl TimeSheet {
    /// Checks internal consistency; returns the offending field and why.
    pub(crate) fn check(&self) -> Result<(), (&'static str, String)> {
        if self.scheduled_working_days_of_month == 0 || self.scheduled_working_days_of_month > 31 {
            return Err((
                "scheduled_working_days_of_month",
                format!("{} is not 1..=31", self.scheduled_working_days_of_month),
            ));
        }
        let expected = Decimal::from(self.scheduled_working_days_of_month) * Decimal::from(8);
        if self.standard_hours_of_month != expected {
            return Err((
                "standard_hours_of_month",
                format!(
                    "{} differs from scheduled_working_days_of_month × 8 = {}",
                    self.standard_hours_of_month, expected
                ),
            ));
        }
        if self.working_days_employed > self.scheduled_working_days_of_month {
            return Err((
                "working_days_employed",
                format!(
                    "{} exceeds the month's {} scheduled working days",
                    self.working_days_employed, self.scheduled_working_days_of_month
                ),
            ));
        }
        let hours = [
            ("ordinary_day_hours", self.ordinary_day_hours),
            ("rest_day_hours", self.rest_day_hours),
            ("rest_day_hours_in_lieu", self.rest_day_hours_in_lieu),
            ("statutory_holiday_hours", self.statutory_holiday_hours),
            ("absence_days", self.absence_days),
        ];
        for (field, v) in hours.into_iter().chain(self.leave.all()) {
            if v.is_sign_negative() && !v.is_zero() {
                return Err((field, format!("{v} is negative")));
            }
        }
        if self.rest_day_hours_in_lieu > self.rest_day_hours {
            return Err((
                "rest_day_hours_in_lieu",
                format!(
                    "{} exceeds rest_day_hours {}",
                    self.rest_day_hours_in_lieu, self.rest_day_hours
                ),
            ));
        }
        let off = self.leave.total() + self.absence_days;
        if off > Decimal::from(self.working_days_employed) {
            return Err((
                "leave",
                format!(
                    "leave and absence days {off} exceed the {} working days employed",
                    self.working_days_employed
                ),
            ));
        }
        for (kpi, score) in &self.kpi {
            if *score < Decimal::ZERO || *score > Decimal::ONE_HUNDRED {
                return Err((
                    "kpi",
                    format!("{} score {score} is not 0..=100", kpi.name()),
                ));
            }
        }
        Ok(())
    }
}
