//! The roster workbook (排班表): one row per person, one column per date, shift codes coloured
//! by shift, weekends and statutory holidays marked in the header, frozen panes, daily counts
//! per shift and role under the grid, per-person totals, a legend; A3 landscape, one page wide.
//! A second sheet lists shortfalls and the solve summary.

use std::collections::BTreeMap;

use chrono::Datelike;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use scheduler::{summarize, DayKind, RosterFile, ShortfallKind};

/// Fill colour per shift code; unknown codes get a neutral tint.
fn shift_color(code: &str, index: usize) -> Color {
    match code {
        "A" => Color::RGB(0xFFF2CC),
        "P" => Color::RGB(0xDDEBF7),
        "N" => Color::RGB(0xB4A7D6),
        "D" => Color::RGB(0xE2EFDA),
        _ => [
            Color::RGB(0xFCE4D6),
            Color::RGB(0xD9E1F2),
            Color::RGB(0xEDEDED),
        ][index % 3],
    }
}

fn weekday_zh(d: chrono::NaiveDate) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "日"][d.weekday().num_days_from_monday() as usize]
}

/// Chinese label of a solve status.
fn status_zh(s: scheduler::SolveStatus) -> &'static str {
    match s {
        scheduler::SolveStatus::Optimal => "最优",
        scheduler::SolveStatus::TimeLimited => "达到时限（可行解）",
        scheduler::SolveStatus::Unsolved => "未求解（手工编辑）",
    }
}

/// Chinese label of a role.
pub fn role_zh(role: &str) -> &str {
    match role {
        "agent" => "话务员",
        "team_leader" => "班长",
        "manager" => "运营经理",
        "callback" => "回访员",
        "qa" => "质检督办",
        "analyst" => "数据分析员",
        other => other,
    }
}

/// Writes the workbook and returns its bytes.
pub fn write(doc: &RosterFile) -> Result<Vec<u8>, XlsxError> {
    write_checked(doc, None)
}

/// Writes the workbook with the validator's verdict on it (the title line says how many rules
/// are broken; the second sheet lists them), and returns its bytes.
pub fn write_checked(
    doc: &RosterFile,
    verdict: Option<&[scheduler::Violation]>,
) -> Result<Vec<u8>, XlsxError> {
    let (p, r) = (&doc.problem, &doc.roster);
    let mut wb = Workbook::new();
    let border = FormatBorder::Thin;
    let base = Format::new()
        .set_border(border)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let head = base
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xD9D9D9))
        .set_text_wrap();
    let head_weekend = head.clone().set_background_color(Color::RGB(0xF8CBAD));
    let head_holiday = head
        .clone()
        .set_background_color(Color::RGB(0xFF7C80))
        .set_font_color(Color::White);
    let head_makeup = head.clone().set_background_color(Color::RGB(0xC6E0B4));
    let title = Format::new().set_bold().set_font_size(14);
    let left = Format::new()
        .set_border(border)
        .set_align(FormatAlign::Left);
    let standby_fmt = base
        .clone()
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_italic();
    let leave_fmt = base
        .clone()
        .set_background_color(Color::RGB(0xFCE4D6))
        .set_font_color(Color::RGB(0x833C0C));
    let short_fmt = base
        .clone()
        .set_background_color(Color::RGB(0xFF0000))
        .set_font_color(Color::White)
        .set_bold();
    let shift_fmt: BTreeMap<&str, Format> = p
        .shifts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.code.as_str(),
                base.clone().set_background_color(shift_color(&s.code, i)),
            )
        })
        .collect();

    let ws = wb.add_worksheet();
    ws.set_name("排班表")?;
    let nd = p.days.len() as u16;
    const FIXED: u16 = 4; // 工号 姓名 岗位 班组
    let header_row = 2u32;
    ws.write_string_with_format(0, 0, format!("{} 排班表 {}", p.site, p.month), &title)?;
    ws.write_string(
        0,
        FIXED + 2,
        format!(
            "标准工时 {} h · 状态 {} · 缺口 {} 项{}",
            p.standard_minutes / 60,
            status_zh(r.status),
            r.shortfalls.len(),
            match verdict {
                None => String::new(),
                Some([]) => " · 校验：无违规".to_string(),
                Some(v) => format!(" · 校验：违反规则 {} 处（见“缺口与说明”）", v.len()),
            }
        ),
    )?;
    for (c, h) in ["工号", "姓名", "岗位", "班组"].iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, *h, &head)?;
    }
    for (i, day) in p.days.iter().enumerate() {
        let f = match day.kind {
            DayKind::Statutory => &head_holiday,
            DayKind::Rest => &head_weekend,
            DayKind::Working if scheduler::calendar::is_weekend(day.date) => &head_makeup,
            DayKind::Working => &head,
        };
        let mark = match day.kind {
            DayKind::Statutory => "\n法定",
            DayKind::Working if scheduler::calendar::is_weekend(day.date) => "\n调班",
            _ => "",
        };
        ws.write_string_with_format(
            header_row,
            FIXED + i as u16,
            format!("{}\n{}{}", day.date.day(), weekday_zh(day.date), mark),
            f,
        )?;
        ws.set_column_width(FIXED + i as u16, 4.2)?;
    }
    let totals = [
        "工时(h)",
        "班次",
        "夜班",
        "法定节日班",
        "周末班",
        "备班",
        "假期",
    ];
    for (k, h) in totals.iter().enumerate() {
        ws.write_string_with_format(header_row, FIXED + nd + k as u16, *h, &head)?;
        ws.set_column_width(FIXED + nd + k as u16, 7.0)?;
    }
    ws.set_row_height(header_row, 42)?;
    ws.set_column_width(0, 7.0)?;
    ws.set_column_width(1, 8.0)?;
    ws.set_column_width(2, 10.0)?;
    ws.set_column_width(3, 5.0)?;

    // Grid.
    let mut cell: BTreeMap<(&str, chrono::NaiveDate), (String, &Format)> = BTreeMap::new();
    for a in &r.assignments {
        let f = shift_fmt.get(a.shift.as_str()).unwrap_or(&base);
        cell.insert((a.employee.as_str(), a.date), (a.shift.clone(), f));
    }
    for s in &r.standby {
        cell.entry((s.employee.as_str(), s.date))
            .or_insert((format!("备{}", s.shift), &standby_fmt));
    }
    for l in &p.leave {
        for day in &p.days {
            if day.date >= l.from && day.date <= l.to {
                cell.entry((l.employee.as_str(), day.date))
                    .or_insert((l.kind.label_zh().chars().take(2).collect(), &leave_fmt));
            }
        }
    }
    let summary = summarize(p, r);
    let first_row = header_row + 1;
    for (i, (e, st)) in p.employees.iter().zip(&summary.people).enumerate() {
        let row = first_row + i as u32;
        ws.write_string_with_format(row, 0, &e.id, &left)?;
        ws.write_string_with_format(row, 1, &e.name, &left)?;
        let mut role = role_zh(&e.roles[0]).to_string();
        if e.reserve {
            role.push_str("(预备)");
        } else if e.roles.len() > 1 && e.roles[0] == "agent" {
            role.push_str("/副班长");
        }
        ws.write_string_with_format(row, 2, role, &left)?;
        match e.team {
            Some(t) => ws.write_number_with_format(row, 3, t, &base)?,
            None => ws.write_string_with_format(row, 3, "", &base)?,
        };
        for (k, day) in p.days.iter().enumerate() {
            let col = FIXED + k as u16;
            match cell.get(&(e.id.as_str(), day.date)) {
                Some((text, f)) => ws.write_string_with_format(row, col, text, f)?,
                None => ws.write_string_with_format(row, col, "", &base)?,
            };
        }
        let vals = [
            st.minutes as f64 / 60.0,
            st.shifts as f64,
            st.nights as f64,
            st.holiday_shifts as f64,
            st.weekend_shifts as f64,
            st.standby as f64,
            st.leave_days as f64,
        ];
        for (k, v) in vals.iter().enumerate() {
            ws.write_number_with_format(row, FIXED + nd + k as u16, *v, &base)?;
        }
    }

    // Daily counts per shift and role, with the minimum beside the count when short.
    let mut row = first_row + p.employees.len() as u32 + 1;
    ws.write_string_with_format(row, 0, "每日在岗 (实排/最低)", &title)?;
    row += 1;
    let mut count: BTreeMap<(chrono::NaiveDate, &str, &str), u32> = BTreeMap::new();
    for a in &r.assignments {
        *count
            .entry((a.date, a.shift.as_str(), a.role.as_str()))
            .or_default() += 1;
    }
    let mut lines: Vec<(&str, &str)> = Vec::new();
    for s in &p.shifts {
        for q in p.requirements.iter().filter(|q| q.shift == s.code) {
            if !lines.contains(&(s.code.as_str(), q.role.as_str())) {
                lines.push((s.code.as_str(), q.role.as_str()));
            }
        }
    }
    for (code, role) in lines {
        ws.merge_range(
            row,
            0,
            row,
            FIXED - 1,
            &format!("{code} {}", role_zh(role)),
            &left,
        )?;
        for (k, day) in p.days.iter().enumerate() {
            let have = count.get(&(day.date, code, role)).copied().unwrap_or(0);
            let min = p
                .requirements
                .iter()
                .find(|q| q.date == day.date && q.shift == code && q.role == role)
                .map(|q| q.min)
                .unwrap_or(0);
            let f = if have < min {
                &short_fmt
            } else {
                shift_fmt.get(code).unwrap_or(&base)
            };
            if min == 0 && have == 0 {
                ws.write_string_with_format(row, FIXED + k as u16, "", &base)?;
            } else {
                ws.write_number_with_format(row, FIXED + k as u16, have, f)?;
            }
        }
        row += 1;
    }
    for code in &p.rules.standby_shifts {
        ws.merge_range(row, 0, row, FIXED - 1, &format!("备班 {code}"), &left)?;
        for (k, day) in p.days.iter().enumerate() {
            let n = r
                .standby
                .iter()
                .filter(|s| s.date == day.date && &s.shift == code)
                .count() as u32;
            let f = if n < p.rules.standby_per_shift {
                &short_fmt
            } else {
                &standby_fmt
            };
            ws.write_number_with_format(row, FIXED + k as u16, n, f)?;
        }
        row += 1;
    }

    // Legend.
    row += 1;
    ws.write_string_with_format(row, 0, "图例", &title)?;
    row += 1;
    for s in &p.shifts {
        ws.write_string_with_format(
            row,
            0,
            &s.code,
            shift_fmt.get(s.code.as_str()).unwrap_or(&base),
        )?;
        ws.merge_range(
            row,
            1,
            row,
            FIXED + 6,
            &format!(
                "{} {}-{}，计薪 {} 分钟",
                s.name, s.start, s.end, s.paid_minutes
            ),
            &left,
        )?;
        row += 1;
    }
    let legend = [
        (
            "备A",
            &standby_fmt,
            "备班：当日休息，可随时顶 A/P/N 班（召回不违反休息与工时上限）",
        ),
        (
            "年休",
            &leave_fmt,
            "已批准的假期（年休、病假、事假、婚假、丧假、产假、调休）",
        ),
        (
            "法定",
            &head_holiday,
            "表头红色：法定节假日（加班 300%）；橙色：休息日；绿色：调休上班日",
        ),
        ("0", &short_fmt, "红色数字：低于最低在岗人数"),
    ];
    for (code, f, text) in legend {
        ws.write_string_with_format(row, 0, code, f)?;
        ws.merge_range(row, 1, row, FIXED + 14, text, &left)?;
        row += 1;
    }

    ws.set_freeze_panes(header_row + 1, FIXED)?;
    ws.set_landscape();
    ws.set_paper_size(8); // A3
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_repeat_columns(0, FIXED - 1)?;
    ws.set_header(format!("&C{} 排班表 {}", p.site, p.month));
    ws.set_footer("&C第 &P 页 / 共 &N 页");

    // Second sheet: shortfalls and summary.
    let ws2 = wb.add_worksheet();
    ws2.set_name("缺口与说明")?;
    ws2.write_string_with_format(0, 0, "缺口 Shortfalls", &title)?;
    for (c, h) in ["类型", "日期", "班次", "岗位", "人员", "缺少", "原因"]
        .iter()
        .enumerate()
    {
        ws2.write_string_with_format(1, c as u16, *h, &head)?;
    }
    let mut row = 2u32;
    for s in &r.shortfalls {
        let kind = match s.kind {
            ShortfallKind::Cover => "在岗人数",
            ShortfallKind::Standby => "备班",
            ShortfallKind::Interval => "时段话务需求",
            ShortfallKind::Hours => "工时下限(分钟)",
        };
        ws2.write_string(row, 0, kind)?;
        ws2.write_string(row, 1, s.date.map(|d| d.to_string()).unwrap_or_default())?;
        ws2.write_string(row, 2, s.shift.clone().unwrap_or_default())?;
        ws2.write_string(row, 3, s.role.as_deref().map(role_zh).unwrap_or_default())?;
        ws2.write_string(row, 4, s.employee.clone().unwrap_or_default())?;
        ws2.write_number(row, 5, s.missing)?;
        ws2.write_string(row, 6, &s.cause)?;
        row += 1;
    }
    if r.shortfalls.is_empty() {
        ws2.write_string(row, 0, "无缺口：每个班次、备班与工时要求均已满足")?;
        row += 1;
    }
    row += 1;
    if let Some(verdict) = verdict {
        ws2.write_string_with_format(row, 0, "校验 Validator", &title)?;
        row += 1;
        if verdict.is_empty() {
            ws2.write_string(row, 0, "独立校验：未违反任何规则")?;
            row += 1;
        }
        for v in verdict {
            ws2.write_string(row, 0, &v.rule)?;
            ws2.write_string(row, 1, v.date.map(|d| d.to_string()).unwrap_or_default())?;
            ws2.write_string(row, 4, v.employee.clone().unwrap_or_default())?;
            ws2.write_string(row, 6, &v.detail)?;
            row += 1;
        }
        row += 1;
    }
    ws2.write_string_with_format(row, 0, "求解 Solve", &title)?;
    row += 1;
    let st = &r.stats;
    for (k, v) in [
        ("状态", status_zh(r.status).to_string()),
        ("目标值", format!("{:.2}", st.objective)),
        ("下界", format!("{:.2}", st.bound)),
        ("间隙", format!("{:.2}%", st.gap * 100.0)),
        ("用时(秒)", format!("{:.1}", st.seconds)),
    ] {
        ws2.write_string(row, 0, k)?;
        ws2.write_string(row, 1, v)?;
        row += 1;
    }
    for t in &st.terms {
        ws2.write_string(
            row,
            0,
            format!("{} {}", scheduler::term_label_zh(&t.name), t.name),
        )?;
        ws2.write_number(row, 1, t.measure)?;
        ws2.write_number(row, 2, t.cost)?;
        row += 1;
    }
    row += 1;
    ws2.write_string_with_format(row, 0, "公平性 Fairness (max − min)", &title)?;
    row += 1;
    for s in &summary.spreads {
        ws2.write_string(row, 0, role_zh(&s.group))?;
        ws2.write_string(row, 1, &s.measure)?;
        ws2.write_number(row, 2, s.min)?;
        ws2.write_number(row, 3, s.max)?;
        ws2.write_number(row, 4, s.spread())?;
        row += 1;
    }
    ws2.set_column_width(0, 16.0)?;
    ws2.set_column_width(6, 90.0)?;

    if p.demand.is_some() {
        demand_sheet(&mut wb, doc, &head, &title)?;
    }
    wb.save_to_buffer()
}

/// Under interval cover: a sheet with required against planned agents per interval, and one
/// line chart per day (rostered need, planned) beside the table.
fn demand_sheet(
    wb: &mut Workbook,
    doc: &RosterFile,
    head: &Format,
    title: &Format,
) -> Result<(), XlsxError> {
    use rust_xlsxwriter::{Chart, ChartType};
    let cov = scheduler::demand::staffing::coverage(&doc.problem, &doc.roster);
    let ws = wb.add_worksheet();
    let name = "话务需求";
    ws.set_name(name)?;
    ws.write_string_with_format(
        0,
        0,
        "话务需求与排班 Required vs planned agents per interval",
        title,
    )?;
    let headers = [
        "日期",
        "时段",
        "预测话务量",
        "平均处理时长(秒)",
        "需上线人数",
        "需排班人数",
        "已排班人数",
        "预计服务水平",
        "预计接通率",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, head)?;
    }
    let pct = Format::new().set_num_format("0.0%");
    let one = Format::new().set_num_format("0.0");
    let short = Format::new()
        .set_background_color(Color::RGB(0xFF7C80))
        .set_font_color(Color::White);
    let mut days: Vec<(chrono::NaiveDate, u32, u32)> = Vec::new();
    for (row, c) in (2u32..).zip(cov.iter()) {
        let n = &c.need;
        match days.last_mut() {
            Some((d, _, last)) if *d == n.date => *last = row,
            _ => days.push((n.date, row, row)),
        }
        ws.write_string(row, 0, n.date.to_string())?;
        ws.write_string(row, 1, scheduler::demand::hhmm(n.start_minute))?;
        ws.write_number_with_format(row, 2, n.calls, &one)?;
        ws.write_number_with_format(row, 3, n.aht_seconds, &one)?;
        ws.write_number(row, 4, n.on_phones)?;
        ws.write_number(row, 5, n.rostered)?;
        if c.planned < n.rostered {
            ws.write_number_with_format(row, 6, c.planned, &short)?;
        } else {
            ws.write_number(row, 6, c.planned)?;
        }
        ws.write_number_with_format(row, 7, c.service_level, &pct)?;
        ws.write_number_with_format(row, 8, c.answer_rate, &pct)?;
    }
    ws.set_column_width(0, 11.0)?;
    ws.set_column_width(2, 10.0)?;
    ws.set_column_width(3, 14.0)?;
    ws.set_freeze_panes(2, 0)?;
    // Charts: two per row of the grid, right of the table.
    for (k, (date, first, last)) in days.iter().enumerate() {
        let mut chart = Chart::new(ChartType::Line);
        chart.title().set_name(&format!("{date} 需排班 vs 已排班"));
        chart
            .add_series()
            .set_name("需排班")
            .set_categories((name, *first, 1, *last, 1))
            .set_values((name, *first, 5, *last, 5));
        chart
            .add_series()
            .set_name("已排班")
            .set_categories((name, *first, 1, *last, 1))
            .set_values((name, *first, 6, *last, 6));
        chart.set_width(520).set_height(260);
        let grid_row = 1 + (k / 2) as u32 * 14;
        let grid_col = 10 + (k % 2) as u16 * 9;
        ws.insert_chart(grid_row, grid_col, &chart)?;
    }
    Ok(())
}
