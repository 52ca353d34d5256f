//! Broken files: each a copy of a good file of the corpus broken in one way, with the words
//! the importer's first problem must contain ([`BrokenFile::fault`]) and the place it must
//! name ([`BrokenFile::place`]).

use chrono::{Datelike as _, Duration, NaiveDate};

use super::{
    column_letter, csv, dingtalk_raw, dingtalk_summary, march, t, wecom_daily, xls, xlsx, zkteco,
    Book, Event, Layout, Month, Rng, Sheet, DAYS_1904, V,
};

/// Where the first problem must point.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    /// The sheet named (`None`: a problem of the whole file).
    pub sheet: Option<String>,
    /// 1-based rows, any of which may be named (empty: not checked).
    pub rows: Vec<usize>,
    /// (column letter, header), any of which may be named (empty: not checked).
    pub columns: Vec<(String, String)>,
}

impl Place {
    /// The whole file.
    #[must_use]
    pub fn file() -> Place {
        Place::default()
    }

    /// A sheet.
    #[must_use]
    pub fn sheet(sheet: &str) -> Place {
        Place {
            sheet: Some(sheet.into()),
            ..Place::default()
        }
    }

    /// One of these 1-based rows of a sheet.
    #[must_use]
    pub fn rows(sheet: &str, rows: &[usize]) -> Place {
        Place {
            sheet: Some(sheet.into()),
            rows: rows.to_vec(),
            columns: Vec::new(),
        }
    }

    /// A cell: 1-based row, 0-based columns with their headers.
    #[must_use]
    pub fn cell(sheet: &str, row: usize, columns: &[(usize, &str)]) -> Place {
        Place {
            sheet: Some(sheet.into()),
            rows: vec![row],
            columns: columns
                .iter()
                .map(|(c, h)| (column_letter(*c), (*h).to_string()))
                .collect(),
        }
    }
}

/// A broken file.
#[derive(Debug, Clone)]
pub struct BrokenFile {
    /// A short key (the test's name).
    pub key: &'static str,
    /// File name as uploaded.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Words the first problem's message must contain.
    pub fault: &'static str,
    /// Where the first problem must point.
    pub place: Place,
    /// What is wrong, for people.
    pub what: &'static str,
}

fn person(m: &Month, id: &str) -> usize {
    m.people.iter().position(|p| p.id == id).expect("person")
}

/// The first date on or after `from` (March) on which `id` has `event`-like days.
fn first_day(m: &Month, id: &str, from: u32, f: impl Fn(&super::Day) -> bool) -> NaiveDate {
    let k = person(m, id);
    m.month_days(k)
        .find(|d| d.date >= march(from) && f(d))
        .map(|d| d.date)
        .expect("such a day")
}

fn text(v: &V) -> &str {
    match v {
        V::Text(s) => s,
        _ => "",
    }
}

/// Index of the first row matching `f`.
fn find_row(rows: &[Vec<V>], f: impl Fn(&[V]) -> bool) -> usize {
    rows.iter().position(|r| f(r)).expect("row")
}

fn summary(m: &Month) -> Book {
    dingtalk_summary::book(m, Layout::DingTalkSummaryClassic)
}

fn summary_cell(m: &Month, book: &mut Book, id: &str, header: &str, v: V) -> Place {
    let s = &mut book.sheets[0];
    let c = s
        .col(2, header)
        .or_else(|| s.col(3, header))
        .expect("header");
    let r = dingtalk_summary::person_row(person(m, id));
    s.set(r, c, v);
    Place::cell(dingtalk_summary::SHEET, r + 1, &[(c, header)])
}

fn summary_day(m: &Month, book: &mut Book, id: &str, date: NaiveDate, v: V) -> Place {
    let (_, _, day0, _) = dingtalk_summary::columns(m, Layout::DingTalkSummaryClassic);
    let c = day0 + (date - march(1)).num_days() as usize;
    let r = dingtalk_summary::person_row(person(m, id));
    book.sheets[0].set(r, c, v);
    Place::cell(
        dingtalk_summary::SHEET,
        r + 1,
        &[(c, &dingtalk_summary::day_label(date))],
    )
}

fn raw(m: &Month, layout: Layout) -> Book {
    dingtalk_raw::book(m, layout)
}

/// The 0-based row of a person's punch on a work date in 原始记录 whose 考勤时间 is the
/// shift's start (`clock_in`) or end.
fn raw_row(m: &Month, rows: &[Vec<V>], id: &str, date: NaiveDate, clock_in: bool) -> usize {
    let p = &m.people[person(m, id)];
    let d = m.day(person(m, id), date).expect("day");
    let def = d.def().expect("shift");
    let plan = if clock_in {
        def.start_on(date)
    } else {
        def.end_on(date)
    };
    let plan = plan.format("%Y-%m-%d %H:%M").to_string();
    let day = dingtalk_raw::work_date_text(date);
    find_row(rows, |r| {
        text(&r[0]) == p.name
            && text(&r[dingtalk_raw::col("考勤日期")]) == day
            && text(&r[dingtalk_raw::col("考勤时间")]) == plan
    })
}

fn raw_place(row: usize, header: &str) -> Place {
    Place::cell(
        dingtalk_raw::SHEET,
        row + 1,
        &[(dingtalk_raw::col(header), header)],
    )
}

fn zk(m: &Month) -> Sheet {
    zkteco::sheet(m, Layout::ZktecoText)
}

fn zk_bytes(s: &Sheet) -> Vec<u8> {
    xls::biff8(
        s,
        xls::Biff8 {
            sst: true,
            date1904: false,
        },
    )
}

fn wecom(m: &Month) -> (Book, Vec<(usize, NaiveDate)>) {
    let (_, keys) = wecom_daily::daily_rows(m);
    (wecom_daily::book(m), keys)
}

fn wecom_row(keys: &[(usize, NaiveDate)], person: usize, date: NaiveDate) -> usize {
    4 + keys
        .iter()
        .position(|k| *k == (person, date))
        .expect("row of the day")
}

/// A password-protected workbook as Excel saves it: an OLE compound file holding
/// `EncryptionInfo` (agile encryption, version 4.4) and `EncryptedPackage` (the encrypted
/// zip, here random bytes after its 8-byte size).
#[must_use]
pub fn encrypted_workbook() -> Vec<u8> {
    let mut info = vec![4, 0, 4, 0, 0x40, 0, 0, 0];
    info.extend(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n",
            "<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\" ",
            "xmlns:p=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">",
            "<keyData saltSize=\"16\" blockSize=\"16\" keyBits=\"256\" hashSize=\"64\" ",
            "cipherAlgorithm=\"AES\" cipherChaining=\"ChainingModeCBC\" hashAlgorithm=\"SHA512\" ",
            "saltValue=\"kq4GkQ8h0mW1bZ3tYcVx2A==\"/>",
            "<keyEncryptors><keyEncryptor uri=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">",
            "<p:encryptedKey spinCount=\"100000\" saltSize=\"16\" blockSize=\"16\" keyBits=\"256\" ",
            "hashSize=\"64\" cipherAlgorithm=\"AES\" cipherChaining=\"ChainingModeCBC\" ",
            "hashAlgorithm=\"SHA512\" saltValue=\"3rN0cGxqS1m6WcQ4uD0pKA==\"/>",
            "</keyEncryptor></keyEncryptors></encryption>"
        )
        .as_bytes(),
    );
    let mut rng = Rng::new(0xE4C4);
    let size = 9_871u64;
    let mut package = size.to_le_bytes().to_vec();
    package.extend((0..size.div_ceil(16) * 16).map(|_| rng.next_u64() as u8));
    xls::compound_file(&[("EncryptionInfo", info), ("EncryptedPackage", package)])
}

/// Every broken file.
///
/// # Panics
/// Never (the month holds the days used).
#[must_use]
pub fn all(m: &Month) -> Vec<BrokenFile> {
    let mut out = Vec::new();
    let mut add = |key: &'static str, name: &str, bytes: Vec<u8>, fault, place, what| {
        out.push(BrokenFile {
            key,
            name: name.into(),
            bytes,
            fault,
            place,
            what,
        });
    };
    let summary_name = Layout::DingTalkSummaryClassic.file_name();
    let sheet = dingtalk_summary::SHEET;

    // --- Files that are not workbooks, or not readable ones.
    add(
        "text_named_xlsx",
        summary_name,
        csv(&summary(m).sheets[0].rows),
        "text",
        Place::file(),
        "a CSV text file named .xlsx",
    );
    add(
        "empty_file",
        "考勤记录.xls",
        Vec::new(),
        "empty",
        Place::file(),
        "an empty file",
    );
    let good = m.write(Layout::DingTalkSummaryClassic);
    add(
        "truncated_xlsx",
        summary_name,
        good[..good.len() * 2 / 3].to_vec(),
        "corrupt",
        Place::file(),
        "an xlsx cut short (a download interrupted): a truncated zip",
    );
    add(
        "encrypted_xlsx",
        "考勤报表_加密.xlsx",
        encrypted_workbook(),
        "password",
        Place::file(),
        "a password-protected workbook (EncryptionInfo + EncryptedPackage in a compound file)",
    );
    let good = m.write(Layout::ZktecoText);
    add(
        "truncated_xls",
        Layout::ZktecoText.file_name(),
        good[..good.len() * 3 / 5].to_vec(),
        "corrupt",
        Place::file(),
        "an xls cut short: a truncated compound file",
    );

    // --- DingTalk 月度汇总.
    let mut b = summary(m);
    let place = summary_cell(m, &mut b, "T001", "迟到次数", V::Error("#REF!"));
    add(
        "summary_ref_error",
        summary_name,
        xlsx(&b),
        "#REF!",
        place,
        "#REF! in a totals column",
    );

    let mut b = summary(m);
    let place = summary_cell(m, &mut b, "T001", "迟到次数", t("两次"));
    add(
        "summary_text_in_number",
        summary_name,
        xlsx(&b),
        "两次",
        place,
        "text in a number (totals) cell",
    );

    let mut b = summary(m);
    let place = summary_cell(m, &mut b, "A007", "事假(小时)", t("-4"));
    add(
        "summary_negative_leave",
        summary_name,
        xlsx(&b),
        "-4",
        place,
        "negative leave hours",
    );

    let mut b = summary(m);
    let place = summary_cell(m, &mut b, "T001", "迟到次数", t("3"));
    add(
        "summary_totals_disagree",
        summary_name,
        xlsx(&b),
        "day",
        place,
        "迟到次数 3 where the day cells (考勤结果) show one lateness",
    );

    let mut b = summary(m);
    let (_, _, day0, _) = dingtalk_summary::columns(m, Layout::DingTalkSummaryClassic);
    let r = dingtalk_summary::person_row(person(m, "T001"));
    let c = day0 + 1; // 03-02 … 03-05
    b.sheets[0]
        .merges
        .push((r as u32, c as u16, r as u32, (c + 3) as u16));
    let range = "U6:X6";
    assert_eq!(
        format!(
            "{}{}:{}{}",
            column_letter(c),
            r + 1,
            column_letter(c + 3),
            r + 1
        ),
        range
    );
    add(
        "summary_merged_days",
        summary_name,
        xlsx(&b),
        range,
        Place::cell(sheet, r + 1, &[(c, "2")]),
        "a merged range over four day cells (03-02 to 03-05)",
    );

    let mut b = summary(m);
    let mut row = b.sheets[0].rows[dingtalk_summary::person_row(person(m, "A001"))].clone();
    row[0] = t("李明");
    row[3] = V::Empty;
    row[5] = t("7301928374650099");
    b.sheets[0].rows.push(row);
    let r = b.sheets[0].rows.len();
    add(
        "summary_unknown_person",
        summary_name,
        xlsx(&b),
        "李明",
        Place::cell(sheet, r, &[(0, "姓名"), (5, "UserId")]),
        "a person not in the staff list (name and UserId unknown)",
    );

    let mut b = summary(m);
    let row = b.sheets[0].rows[dingtalk_summary::person_row(person(m, "T001"))].clone();
    b.sheets[0].rows.push(row);
    let r = b.sheets[0].rows.len();
    add(
        "summary_duplicate_person",
        summary_name,
        xlsx(&b),
        "赵晓东",
        Place::rows(sheet, &[r]),
        "the same person's row twice",
    );

    let mut b = summary(m);
    let date = first_day(m, "A003", 2, |d| {
        d.event == Event::Normal && d.date.weekday().number_from_monday() <= 5
    });
    let place = summary_day(m, &mut b, "A003", date, t("打卡成功"));
    add(
        "summary_unknown_day_result",
        summary_name,
        xlsx(&b),
        "打卡成功",
        place,
        "a day result outside the vocabulary",
    );

    let mut b = summary(m);
    let date = first_day(m, "A007", 1, |d| d.event == Event::PartLeave);
    let cell = dingtalk_summary::classic_cell(m.day(person(m, "A007"), date).expect("day"))
        .replace("事假", "探亲假");
    let place = summary_day(m, &mut b, "A007", date, t(cell));
    add(
        "summary_unknown_leave_type",
        summary_name,
        xlsx(&b),
        "探亲假",
        place,
        "a leave type the site does not know",
    );

    let mut b = summary(m);
    b.sheets[0].rows[0][0] = t("月度汇总 统计日期：2026-02-01 至 2026-02-28");
    add(
        "summary_other_month",
        summary_name,
        xlsx(&b),
        "2026-02",
        Place::rows(sheet, &[1]),
        "the title's period is February (the file of another month)",
    );

    // --- DingTalk 原始记录.
    let raw_name = Layout::DingTalkRaw.file_name();
    let rs = dingtalk_raw::SHEET;
    let mut b = raw(m, Layout::DingTalkRaw);
    let date = first_day(m, "T001", 20, |d| {
        d.event == Event::Normal && d.shift == Some("A")
    });
    let k = raw_row(m, &b.sheets[0].rows, "T001", date, true);
    let mut row = b.sheets[0].rows[k].clone();
    let april = NaiveDate::from_ymd_opt(2026, 4, 5).expect("date");
    let shift = (april - date).num_days();
    row[dingtalk_raw::col("考勤日期")] = t(dingtalk_raw::work_date_text(april));
    for h in ["考勤时间", "打卡时间"] {
        let v = text(&row[dingtalk_raw::col(h)]).to_string();
        let fmt = if h == "考勤时间" {
            "%Y-%m-%d %H:%M"
        } else {
            "%Y-%m-%d %H:%M:%S"
        };
        let x =
            chrono::NaiveDateTime::parse_from_str(&v, fmt).expect("time") + Duration::days(shift);
        row[dingtalk_raw::col(h)] = t(x.format(fmt).to_string());
    }
    b.sheets[0].rows.insert(k + 1, row);
    add(
        "raw_date_outside_month",
        raw_name,
        xlsx(&b),
        "04-05",
        Place::cell(
            rs,
            k + 2,
            &[
                (dingtalk_raw::col("考勤日期"), "考勤日期"),
                (dingtalk_raw::col("考勤时间"), "考勤时间"),
                (dingtalk_raw::col("打卡时间"), "打卡时间"),
            ],
        ),
        "a punch row of 04-05 in March's export",
    );

    let mut b = raw(m, Layout::DingTalkRaw);
    let date = first_day(m, "A001", 3, |d| {
        d.event == Event::Normal && d.shift == Some("A")
    });
    let k = raw_row(m, &b.sheets[0].rows, "A001", date, true);
    b.sheets[0].rows[k][dingtalk_raw::col("考勤日期")] = t("26-02-30 星期一");
    add(
        "raw_impossible_date",
        raw_name,
        xlsx(&b),
        "02-30",
        raw_place(k, "考勤日期"),
        "an impossible date (02-30)",
    );

    let mut b = raw(m, Layout::DingTalkRaw);
    let date = first_day(m, "A002", 5, |d| {
        d.event == Event::Normal && d.shift == Some("A")
    });
    let ki = raw_row(m, &b.sheets[0].rows, "A002", date, true);
    let ko = raw_row(m, &b.sheets[0].rows, "A002", date, false);
    let c = dingtalk_raw::col("打卡时间");
    let (vi, vo) = (
        b.sheets[0].rows[ki][c].clone(),
        b.sheets[0].rows[ko][c].clone(),
    );
    b.sheets[0].rows[ki][c] = vo;
    b.sheets[0].rows[ko][c] = vi;
    add(
        "raw_clock_in_after_out",
        raw_name,
        xlsx(&b),
        "after",
        Place {
            sheet: Some(rs.into()),
            rows: vec![ki + 1, ko + 1],
            columns: Vec::new(),
        },
        "a clock-in (考勤时间 08:00) at 16:0x after the clock-out (考勤时间 16:00) at 07:5x",
    );

    let mut b = raw(m, Layout::DingTalkRaw);
    let date = first_day(m, "A005", 3, |d| {
        d.event == Event::Normal && d.shift == Some("A")
    });
    let k = raw_row(m, &b.sheets[0].rows, "A005", date, true);
    b.sheets[0].rows[k][dingtalk_raw::col("打卡时间")] =
        t(format!("{} 25:61:07", date.format("%Y-%m-%d")));
    add(
        "raw_time_25_61",
        raw_name,
        xlsx(&b),
        "25:61",
        raw_place(k, "打卡时间"),
        "a punch time 25:61",
    );

    let mut b = raw(m, Layout::DingTalkRawSerial);
    for row in b.sheets[0].rows.iter_mut().skip(3) {
        for v in row.iter_mut() {
            if let V::Date(x, _) = v {
                *x -= DAYS_1904;
            }
        }
    }
    add(
        "raw_1904_serials_in_1900_book",
        Layout::DingTalkRawSerial.file_name(),
        xlsx(&b),
        "2022",
        Place::cell(
            rs,
            4,
            &[
                (dingtalk_raw::col("考勤时间"), "考勤时间"),
                (dingtalk_raw::col("打卡时间"), "打卡时间"),
            ],
        ),
        "date-times pasted from a 1904 workbook into a 1900 one: every date four years and a day early (2022-02-27 …)",
    );

    let mut b = raw(m, Layout::DingTalkRaw);
    b.sheets[0].rows.remove(2);
    add(
        "raw_header_row_missing",
        raw_name,
        xlsx(&b),
        "header",
        Place::sheet(rs),
        "the header row deleted",
    );

    let mut rows = dingtalk_raw::rows(m, Layout::DingTalkRaw);
    let k = find_row(&rows, |r| text(&r[dingtalk_raw::col("打卡设备")]) == "门禁");
    let c = dingtalk_raw::col("打卡地址");
    rows[k][c] = t("儋州12345热线中心");
    rows[k].insert(c + 1, t("1楼门禁"));
    add(
        "raw_csv_wrong_column_count",
        "儋州12345分平台_原始记录_20260301-20260331.csv",
        csv(&rows),
        "columns",
        Place::rows("CSV", &[k + 1]),
        "a CSV row with 21 fields (an address with an unquoted comma)",
    );

    // --- WeCom 概况统计与打卡明细.
    let wecom_name = Layout::WeComDaily.file_name();
    let ws = wecom_daily::SHEET;
    // Overlap: a middle shift on d (clocked out after midnight), then the rest day d+1 turned
    // into a night shift clocked in at 23:58 of d.
    let (mut b, keys) = wecom(m);
    let k = person(m, "T002");
    let d = m
        .month_days(k)
        .find(|d| {
            d.shift == Some("P")
                && d.event == Event::Normal
                && m.day(k, d.date + Duration::days(1))
                    .is_some_and(|n| n.shift.is_none())
                && m.in_month(d.date + Duration::days(1))
        })
        .expect("a P before a rest day")
        .date;
    let r = wecom_row(&keys, k, d + Duration::days(1));
    let set = |b: &mut Book, g: Option<&str>, l: &str, v: V| {
        b.sheets[0].set(r, wecom_daily::col(g, l), v);
    };
    set(&mut b, Some("考勤概况"), "班次", t("夜班 00:00-08:00"));
    set(&mut b, Some("考勤概况"), "最早", t("23:58"));
    set(&mut b, Some("考勤概况"), "最晚", t("07:55"));
    set(&mut b, Some("考勤概况"), "打卡次数(次)", V::Num(2.0));
    set(&mut b, Some("考勤概况"), "标准工作时长(小时)", V::Num(8.0));
    set(&mut b, Some("考勤概况"), "实际工作时长(小时)", V::Num(7.9));
    set(&mut b, Some("考勤概况"), "考勤结果", t("正常"));
    set(&mut b, Some("上班1"), "打卡时间", t("23:58"));
    set(&mut b, Some("上班1"), "打卡状态", t("正常"));
    set(&mut b, Some("下班1"), "打卡时间", t("07:55"));
    set(&mut b, Some("下班1"), "打卡状态", t("正常"));
    set(&mut b, None, "打卡时间记录", t("23:58 07:55"));
    let r_p = wecom_row(&keys, k, d);
    add(
        "wecom_overlapping_shifts",
        wecom_name,
        xlsx(&b),
        "overlap",
        Place::rows(ws, &[r + 1, r_p + 1]),
        "a night shift clocked in at 23:58 while the middle shift before it ran to its 00:0x clock-out",
    );

    let (mut b, keys) = wecom(m);
    let k = person(m, "T001");
    let d = m
        .month_days(k)
        .find(|d| matches!(d.event, Event::Late(_)))
        .expect("late day")
        .date;
    let r = wecom_row(&keys, k, d);
    let c = wecom_daily::col(Some("异常统计"), "迟到时长(分钟)");
    b.sheets[0].set(r, c, t("十二"));
    add(
        "wecom_text_in_number",
        wecom_name,
        xlsx(&b),
        "十二",
        Place::cell(ws, r + 1, &[(c, "迟到时长(分钟)"), (c, "迟到时长")]),
        "text in a number cell (迟到时长)",
    );

    let (mut b, _) = wecom(m);
    b.sheets[0].rows.remove(3);
    b.sheets[0]
        .merges
        .retain(|&(r0, _, r1, _)| r1 < 3 || r0 == 2 && r1 == 2);
    add(
        "wecom_second_header_missing",
        wecom_name,
        xlsx(&b),
        "打卡时间",
        Place::rows(ws, &[3, 4]),
        "the second header row (the leaves under 考勤概况, 上班1, …) deleted",
    );

    // --- ZKTeco.
    let zk_name = Layout::ZktecoText.file_name();
    let zs = zkteco::SHEET;
    let mut s = zk(m);
    for row in &mut s.rows {
        row.remove(2);
    }
    add(
        "zkteco_no_pin_column",
        zk_name,
        zk_bytes(&s),
        "号码",
        Place::rows(zs, &[1]),
        "no 登记号码 column",
    );

    let mut s = zk(m);
    s.rows[0][2] = t("考勤号");
    add(
        "zkteco_pin_column_renamed",
        zk_name,
        zk_bytes(&s),
        "号码",
        Place::rows(zs, &[1]),
        "the 登记号码 column renamed 考勤号",
    );

    let mut s = zk(m);
    let pin = m.people[person(m, "A002")].pin() as f64;
    let k = find_row(&s.rows, |r| r[2] == V::Num(pin));
    s.rows[k][2] = t("1O05");
    add(
        "zkteco_non_numeric_pin",
        zk_name,
        zk_bytes(&s),
        "1O05",
        Place::cell(zs, k + 1, &[(2, "登记号码")]),
        "a 登记号码 with a letter O for a zero",
    );

    let mut s = zk(m);
    let k = find_row(&s.rows, |r| r[2] == V::Num(pin));
    let mut row = s.rows[k].clone();
    row[1] = t("刘洋");
    row[2] = V::Num(9999.0);
    s.rows.insert(k, row);
    add(
        "zkteco_unknown_pin",
        zk_name,
        zk_bytes(&s),
        "9999",
        Place::cell(zs, k + 1, &[(2, "登记号码"), (1, "姓名")]),
        "a PIN (and name) not in the staff list",
    );

    out
}
