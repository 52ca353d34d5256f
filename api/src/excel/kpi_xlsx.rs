//! The month's performance evaluation as a workbook (绩效考核表): sheet 绩效汇总 with one row
//! per person (score per KPI, composite, coefficient), sheet 考核明细 with one row per person
//! and KPI (value, target, weight, score, flags) and sheet 考核依据 with one row per piece of
//! evidence (record, QA sheet, commendation, complaint, adjustment with its reason).

use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::kpi::Evaluation;

/// KPI columns of 绩效汇总, with their Chinese names.
pub const KPI_COLUMNS: [(payroll::Kpi, &str); 5] = [
    (payroll::Kpi::AnswerRate, "接通率得分"),
    (payroll::Kpi::Satisfaction, "满意率得分"),
    (payroll::Kpi::QaScore, "质检得分"),
    (payroll::Kpi::CallbackTimeliness, "回访及时率得分"),
    (payroll::Kpi::Attendance, "出勤得分"),
];

/// Chinese name of a pay position.
pub fn position_zh(p: payroll::Position) -> &'static str {
    match p {
        payroll::Position::Manager => "项目经理",
        payroll::Position::TeamLeader => "班长",
        payroll::Position::Agent => "话务员",
        payroll::Position::Callback => "回访员",
        payroll::Position::Qa => "质检督办",
        payroll::Position::Analyst => "数据分析员",
    }
}

/// Chinese name of a KPI.
pub fn kpi_zh(k: payroll::Kpi) -> &'static str {
    match k {
        payroll::Kpi::AnswerRate => "接通率",
        payroll::Kpi::Satisfaction => "满意率",
        payroll::Kpi::QaScore => "质检",
        payroll::Kpi::CallbackTimeliness => "回访及时率",
        payroll::Kpi::Attendance => "出勤",
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Writes the evaluation workbook for `month`.
///
/// # Errors
/// A workbook writer error.
pub fn workbook(month: &str, evals: &[Evaluation]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let border = Format::new().set_border(FormatBorder::Thin);
    let head = border
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xD9E1F2));
    let score = border.clone().set_num_format("0.00");
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = border.clone().set_text_wrap();

    let ws = wb.add_worksheet();
    ws.set_name("绩效汇总")?;
    ws.write_with_format(0, 0, format!("绩效考核汇总 Performance {month}"), &title)?;
    let mut headers = vec!["工号", "姓名", "岗位"];
    headers.extend(KPI_COLUMNS.iter().map(|(_, h)| *h));
    headers.extend(["综合得分", "绩效系数", "需关注"]);
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(1, c as u16, *h, &head)?;
        ws.set_column_width(c as u16, (h.chars().count() as f64 * 2.0 + 2.0).max(8.0))?;
    }
    ws.set_column_width(2, 12)?;
    ws.set_column_width(10, 36)?;
    for (i, e) in evals.iter().enumerate() {
        let r = i as u32 + 2;
        ws.write_with_format(r, 0, &e.employee, &border)?;
        ws.write_with_format(r, 1, &e.name, &border)?;
        ws.write_with_format(r, 2, position_zh(e.position), &border)?;
        let scores = e.scores();
        for (k, (kpi, _)) in KPI_COLUMNS.iter().enumerate() {
            let v = scores.get(kpi).copied().unwrap_or_default();
            ws.write_number_with_format(r, 3 + k as u16, f(v), &score)?;
        }
        ws.write_number_with_format(r, 8, f(e.composite), &score)?;
        ws.write_number_with_format(r, 9, f(e.coefficient), &score)?;
        // Short: the KPI and why; the full text is on 考核明细.
        let flags: Vec<String> = e
            .kpis
            .iter()
            .filter(|k| !k.weight.is_zero() && !k.flags.is_empty())
            .map(|k| {
                let why = if k.value.is_none() {
                    "无依据"
                } else {
                    "样本不足"
                };
                format!("{}{why}", kpi_zh(k.kpi))
            })
            .collect();
        ws.write_with_format(r, 10, flags.join("、"), &border)?;
    }
    ws.set_freeze_panes(2, 2)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;

    let ds = wb.add_worksheet();
    ds.set_name("考核明细")?;
    let dh = [
        "工号",
        "姓名",
        "指标",
        "实际值",
        "满分值",
        "权重",
        "得分",
        "提示",
    ];
    for (c, h) in dh.iter().enumerate() {
        ds.write_with_format(0, c as u16, *h, &head)?;
    }
    for (c, w) in [8.0, 10.0, 20.0, 10.0, 10.0, 8.0, 8.0, 50.0]
        .into_iter()
        .enumerate()
    {
        ds.set_column_width(c as u16, w)?;
    }
    let mut r = 1u32;
    for e in evals {
        for k in &e.kpis {
            ds.write_with_format(r, 0, &e.employee, &border)?;
            ds.write_with_format(r, 1, &e.name, &border)?;
            ds.write_with_format(r, 2, kpi_zh(k.kpi), &border)?;
            match k.value {
                Some(v) => ds.write_number_with_format(r, 3, f(v), &score)?,
                None => ds.write_with_format(r, 3, "", &border)?,
            };
            match k.target {
                Some(v) => ds.write_number_with_format(r, 4, f(v), &score)?,
                None => ds.write_with_format(r, 4, "", &border)?,
            };
            ds.write_number_with_format(r, 5, f(k.weight), &score)?;
            ds.write_number_with_format(r, 6, f(k.score), &score)?;
            ds.write_with_format(r, 7, k.flags.join("；"), &wrap)?;
            r += 1;
        }
    }
    ds.set_freeze_panes(1, 2)?;

    let es = wb.add_worksheet();
    es.set_name("考核依据")?;
    for (c, h) in ["工号", "姓名", "指标", "依据"].iter().enumerate() {
        es.write_with_format(0, c as u16, *h, &head)?;
    }
    for (c, w) in [8.0, 10.0, 20.0, 90.0].into_iter().enumerate() {
        es.set_column_width(c as u16, w)?;
    }
    let mut r = 1u32;
    for e in evals {
        for k in &e.kpis {
            for ev in &k.evidence {
                es.write_with_format(r, 0, &e.employee, &border)?;
                es.write_with_format(r, 1, &e.name, &border)?;
                es.write_with_format(r, 2, kpi_zh(k.kpi), &border)?;
                es.write_with_format(r, 3, ev, &wrap)?;
                r += 1;
            }
        }
    }
    es.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}
