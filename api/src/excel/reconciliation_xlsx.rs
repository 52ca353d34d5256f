//! The reconciliation workbook HR works from (考勤核对): sheet 考勤汇总 with one row per person
//! (shifts, hours by day type, nights, lateness, early leave, missing punches, absence, leave
//! by kind, attendance KPI) and a totals row, and sheet 待确认差异 listing every difference
//! between roster and attendance with an empty 确认 column for HR's decision.

use rust_decimal::prelude::ToPrimitive as _;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::attendance::Reconciliation;

/// Headers of 考勤汇总, in order.
pub const SUMMARY_HEADERS: [&str; 19] = [
    "工号",
    "姓名",
    "出勤班数",
    "平日工时",
    "休息日工时",
    "法定节假日工时",
    "夜班数",
    "迟到次数",
    "其中严重迟到",
    "迟到分钟",
    "早退次数",
    "早退分钟",
    "缺卡次数",
    "旷工天数",
    "年休假(天)",
    "病假(天)",
    "事假(天)",
    "其他假(天)",
    "出勤考核分",
];

/// Headers of 待确认差异, in order.
pub const DIFFERENCE_HEADERS: [&str; 8] = [
    "工号", "姓名", "日期", "类型", "排班", "考勤", "说明", "确认",
];

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Writes the reconciliation workbook.
///
/// # Errors
/// A workbook writer error.
pub fn workbook(rec: &Reconciliation) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let border = Format::new().set_border(FormatBorder::Thin);
    let head = border
        .clone()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xD9E1F2));
    let hours = border.clone().set_num_format("0.0#");
    let count = border.clone().set_num_format("0");
    let total = border
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xF2F2F2));
    let total_hours = total.clone().set_num_format("0.0#");
    let title = Format::new().set_bold().set_font_size(14);

    let ws = wb.add_worksheet();
    ws.set_name("考勤汇总")?;
    ws.write_with_format(
        0,
        0,
        format!(
            "考勤汇总 Attendance {} · {} 人",
            rec.month,
            rec.people.len()
        ),
        &title,
    )?;
    for (c, h) in SUMMARY_HEADERS.iter().enumerate() {
        ws.write_with_format(1, c as u16, *h, &head)?;
        // CJK text is about twice as wide as a digit.
        let width = (h.chars().count() as f64 * 2.0 + 2.0).clamp(8.0, 14.0);
        ws.set_column_width(c as u16, width)?;
    }
    ws.set_row_height(1, 30)?;
    let mut sums = [Decimal::ZERO; 17];
    for (i, p) in rec.people.iter().enumerate() {
        let r = i as u32 + 2;
        ws.write_with_format(r, 0, &p.employee, &border)?;
        ws.write_with_format(r, 1, &p.name, &border)?;
        let other =
            p.leave.marriage + p.leave.bereavement + p.leave.maternity + p.leave.compensatory;
        let values: [(Decimal, &Format); 17] = [
            (Decimal::from(p.shifts_worked), &count),
            (p.ordinary_hours, &hours),
            (p.rest_day_hours, &hours),
            (p.holiday_hours, &hours),
            (Decimal::from(p.night_shifts), &count),
            (Decimal::from(p.late), &count),
            (Decimal::from(p.serious_late), &count),
            (Decimal::from(p.late_minutes), &count),
            (Decimal::from(p.early_leave), &count),
            (Decimal::from(p.early_minutes), &count),
            (Decimal::from(p.missing_punches), &count),
            (Decimal::from(p.absence_days), &count),
            (p.leave.annual, &hours),
            (p.leave.sick, &hours),
            (p.leave.personal, &hours),
            (other, &hours),
            (Decimal::from(p.attendance_kpi), &count),
        ];
        for (k, (v, f)) in values.iter().enumerate() {
            ws.write_number_with_format(r, k as u16 + 2, num(*v), f)?;
            if k < 16 {
                sums[k] += *v;
            }
        }
    }
    let tr = rec.people.len() as u32 + 2;
    ws.write_with_format(tr, 0, "合计", &total)?;
    ws.write_with_format(tr, 1, "", &total)?;
    for (k, v) in sums.iter().enumerate().take(16) {
        ws.write_number_with_format(tr, k as u16 + 2, num(*v), &total_hours)?;
    }
    ws.write_with_format(tr, 18, "", &total)?;
    ws.set_freeze_panes(2, 2)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;

    let ds = wb.add_worksheet();
    ds.set_name("待确认差异")?;
    ds.write_with_format(
        0,
        0,
        format!(
            "待确认差异 Differences to confirm {} · {} 条",
            rec.month,
            rec.differences.len()
        ),
        &title,
    )?;
    for (c, h) in DIFFERENCE_HEADERS.iter().enumerate() {
        ds.write_with_format(1, c as u16, *h, &head)?;
    }
    for (c, w) in [8.0, 10.0, 12.0, 16.0, 8.0, 10.0, 60.0, 12.0]
        .into_iter()
        .enumerate()
    {
        ds.set_column_width(c as u16, w)?;
    }
    for (i, d) in rec.differences.iter().enumerate() {
        let r = i as u32 + 2;
        ds.write_with_format(r, 0, &d.employee, &border)?;
        ds.write_with_format(r, 1, &d.name, &border)?;
        ds.write_with_format(r, 2, d.date.to_string(), &border)?;
        ds.write_with_format(r, 3, d.kind.label_zh(), &border)?;
        ds.write_with_format(r, 4, d.rostered.as_deref().unwrap_or(""), &border)?;
        ds.write_with_format(r, 5, d.recorded.as_deref().unwrap_or(""), &border)?;
        ds.write_with_format(r, 6, &d.detail, &border)?;
        ds.write_with_format(r, 7, "", &border)?;
    }
    ds.set_freeze_panes(2, 0)?;
    ds.set_landscape();
    ds.set_paper_size(9);
    ds.set_print_fit_to_pages(1, 0);
    ds.set_repeat_rows(1, 1)?;
    wb.save_to_buffer()
}
