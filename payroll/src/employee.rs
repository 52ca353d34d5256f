//! The employee master data the engine needs (员工档案).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A job type of the pay structure (岗位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// 项目经理 project manager.
    Manager,
    /// 班长 team leader.
    TeamLeader,
    /// 话务员 call-taking agent.
    Agent,
    /// 回访员 callback staff.
    Callback,
    /// 质检督办 quality assurance and supervision.
    Qa,
    /// 数据分析员 data analyst.
    Analyst,
}

impl Position {
    /// Every position, in pay-structure order.
    pub const ALL: [Position; 6] = [
        Position::Manager,
        Position::TeamLeader,
        Position::Agent,
        Position::Callback,
        Position::Qa,
        Position::Analyst,
    ];

    /// The snake_case name used in data and JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Position::Manager => "manager",
            Position::TeamLeader => "team_leader",
            Position::Agent => "agent",
            Position::Callback => "callback",
            Position::Qa => "qa",
            Position::Analyst => "analyst",
        }
    }
}

/// Working-time system (工时制度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkingTimeSystem {
    /// 标准工时制: 8 h a day; workday extension 150%, rest day 200% unless time off in lieu, holiday 300%.
    Standard,
    /// 综合计算工时制 settled monthly: hours beyond the month's standard 150%; holiday hours 300% on top.
    Comprehensive,
}

/// How the 5,000-a-month basic deduction accumulates (累计减除费用).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasicDeduction {
    /// 5,000 × months from the month of hire in the year (or January) to this month.
    #[default]
    FromHireMonth,
    /// 国家税务总局公告2020年第19号: 60,000 from January (withheld by this employer every month
    /// of last year with income ≤ 60,000).
    Annual60000,
    /// 公告2020年第13号: first job of the year, 5,000 × months elapsed since January.
    FirstJobOfYear,
}

/// How the employee elects to be taxed on the annual one-off bonus (全年一次性奖金).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BonusTaxMethod {
    /// Taxed separately: bonus ÷ 12 picks the monthly-table bracket; tax = bonus × rate − quick deduction.
    #[default]
    Separate,
    /// Merged into the month's comprehensive income under cumulative withholding.
    Merged,
}

/// Individual income tax facts of the employee for the year (个税信息).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IitProfile {
    /// Basic-deduction mode.
    pub basic_deduction: BasicDeduction,
    /// Special additional deductions claimed per month (专项附加扣除 total), yuan.
    #[serde(deserialize_with = "crate::money::strict::special_deductions_monthly")]
    pub special_deductions_monthly: Decimal,
    /// Other pre-tax deductions per month (其他扣除, e.g. commercial health insurance), yuan.
    #[serde(deserialize_with = "crate::money::strict::other_deductions_monthly")]
    pub other_deductions_monthly: Decimal,
}

/// An employee of the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Employee {
    /// Stable id (工号).
    pub id: String,
    /// Name.
    pub name: String,
    /// Job type.
    pub position: Position,
    /// Pay grade within the position (岗级), e.g. 1..=3.
    pub pay_grade: u8,
    /// Working-time system.
    pub working_time: WorkingTimeSystem,
    /// Date of hire (入职日期).
    pub hired_on: NaiveDate,
    /// Last day employed, if leaving (离职日期).
    #[serde(default)]
    pub left_on: Option<NaiveDate>,
    /// Declared social-insurance and housing-fund base (申报基数). When absent the month's
    /// wages (gross less bonus and arrears) are the base. Clamped to floor/ceiling either way.
    #[serde(default, deserialize_with = "crate::money::strict::contribution_base")]
    pub contribution_base: Option<Decimal>,
    /// Housing-fund rate for this employee (5%–12%); the employer default when absent.
    #[serde(default, deserialize_with = "crate::money::strict::housing_fund_rate")]
    pub housing_fund_rate: Option<Decimal>,
    /// Income-tax facts.
    #[serde(default)]
    pub iit: IitProfile,
    /// Bonus tax election.
    #[serde(default)]
    pub bonus_tax_method: BonusTaxMethod,
}
