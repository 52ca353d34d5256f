//! Legacy `.xls` written by hand: BIFF8 (Excel 97+) and BIFF5 (Excel 5.0/95) workbook
//! streams in an OLE2 compound file ([MS-XLS], [MS-CFB]).
//!
//! BIFF8: globals `BOF, CODEPAGE (1200), DATEMODE, FONT×5, FORMAT, XF×17, BOUNDSHEET, SST
//! (+CONTINUE), EOF`; a sheet `BOF, DIMENSIONS, cells, EOF` with `LABELSST` or `LABEL`
//! (UTF-16 or compressed strings) and `NUMBER` cells; a date-time cell is a `NUMBER` whose XF
//! has the custom format `yyyy/m/d h:mm:ss`. Stream `Workbook`.
//!
//! BIFF5: globals `BOF (0x0500), [CODEPAGE], XF×16, BOUNDSHEET, EOF`; a sheet `BOF,
//! DIMENSIONS, LABEL (8-bit strings in the code page), NUMBER, EOF`. Stream `Book`. Strings
//! are GBK (code page 936) from a table of exactly the characters used ([`gbk`]).

use super::{Sheet, V};

fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    assert!(data.len() <= 8224, "record {typ:#06x} too long");
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CODEPAGE: u16 = 0x0042;
const DATEMODE: u16 = 0x0022;
const FONT: u16 = 0x0031;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const CONTINUE: u16 = 0x003C;
const DIMENSIONS: u16 = 0x0200;
const NUMBER: u16 = 0x0203;
const LABEL: u16 = 0x0204;
const LABELSST: u16 = 0x00FD;

/// The XF index of a date-time cell (after 15 style XFs and the default cell XF).
const DATE_XF: u16 = 16;
/// The custom number format of date-time cells.
const DATE_FORMAT: (u16, &str) = (164, "yyyy/m/d h:mm:ss");

/// A BIFF8 `XLUnicodeString` (2-byte count), compressed when every character fits a byte.
fn unicode_string(s: &str) -> Vec<u8> {
    let units: Vec<u16> = s.encode_utf16().collect();
    let mut out = (units.len() as u16).to_le_bytes().to_vec();
    out.extend(string_body(&units));
    out
}

/// Flags byte and characters of a BIFF8 string.
fn string_body(units: &[u16]) -> Vec<u8> {
    if units.iter().all(|&u| u <= 0xFF) {
        let mut out = vec![0u8];
        out.extend(units.iter().map(|&u| u as u8));
        out
    } else {
        let mut out = vec![1u8];
        out.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        out
    }
}

/// Options of a BIFF8 workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Biff8 {
    /// Strings in a shared-string table (`LABELSST`), else inline (`LABEL`).
    pub sst: bool,
    /// The 1904 date system (DATEMODE 1).
    pub date1904: bool,
}

fn bof8(dt: u16) -> Vec<u8> {
    let mut d = 0x0600u16.to_le_bytes().to_vec();
    d.extend(dt.to_le_bytes());
    d.extend([0xBB, 0x0D, 0xCC, 0x07]);
    d.extend(0x0000_80C9u32.to_le_bytes());
    d.extend(0x0000_0206u32.to_le_bytes());
    rec(BOF, &d)
}

fn font8() -> Vec<u8> {
    let mut d = Vec::new();
    for v in [200u16, 0, 0x7FFF, 400, 0] {
        d.extend(v.to_le_bytes());
    }
    d.extend([0, 0, 0x86, 0]); // underline, family, charset GB2312, reserved
    let name: Vec<u16> = "宋体".encode_utf16().collect();
    d.push(name.len() as u8);
    d.extend(string_body(&name));
    rec(FONT, &d)
}

fn xf8(ifmt: u16, style: bool) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend(0u16.to_le_bytes()); // font
    d.extend(ifmt.to_le_bytes());
    d.extend(if style { 0xFFF5u16 } else { 0x0001 }.to_le_bytes());
    d.extend([0x20, 0, 0, if style { 0xF4 } else { 0x00 }]);
    d.extend([0u8; 8]);
    d.extend(0x20C0u16.to_le_bytes());
    rec(XF, &d)
}

/// An SST record (with CONTINUE records as needed; strings never split).
fn sst(strings: &[String], total: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut data = total.to_le_bytes().to_vec();
    data.extend((strings.len() as u32).to_le_bytes());
    let mut typ = SST;
    for s in strings {
        let bytes = unicode_string(s);
        if data.len() + bytes.len() > 8224 {
            out.extend(rec(typ, &data));
            typ = CONTINUE;
            data.clear();
        }
        data.extend(bytes);
    }
    out.extend(rec(typ, &data));
    out
}

fn cell_head(r: usize, c: usize, xf: u16) -> Vec<u8> {
    let mut d = (r as u16).to_le_bytes().to_vec();
    d.extend((c as u16).to_le_bytes());
    d.extend(xf.to_le_bytes());
    d
}

fn number(r: usize, c: usize, xf: u16, v: f64) -> Vec<u8> {
    let mut d = cell_head(r, c, xf);
    d.extend(v.to_le_bytes());
    rec(NUMBER, &d)
}

fn extent(sheet: &Sheet) -> (usize, usize) {
    let rows = sheet.rows.len();
    let cols = sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
    (rows, cols)
}

/// Lays out globals and sheet substreams: the BOUNDSHEET offsets depend on the globals'
/// length, which the BOUNDSHEET records are part of.
fn stream(globals: impl Fn(u32) -> Vec<u8>, sheet: Vec<u8>) -> Vec<u8> {
    let head = globals(0).len() as u32;
    let mut s = globals(head);
    assert_eq!(s.len() as u32, head);
    s.extend(sheet);
    s
}

/// A BIFF8 workbook of one sheet, in a compound file (stream `Workbook`).
#[must_use]
pub fn biff8(sheet: &Sheet, opts: Biff8) -> Vec<u8> {
    // Shared strings, in first-use order.
    let mut strings: Vec<String> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut total = 0u32;
    if opts.sst {
        for v in sheet.rows.iter().flatten() {
            if let V::Text(s) = v {
                total += 1;
                if !index.contains_key(s) {
                    index.insert(s.clone(), strings.len() as u32);
                    strings.push(s.clone());
                }
            }
        }
    }
    let (nrows, ncols) = extent(sheet);
    let mut body = bof8(0x0010);
    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend((nrows as u32).to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    dims.extend((ncols as u16).to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    body.extend(rec(DIMENSIONS, &dims));
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v {
                V::Empty => {}
                V::Text(s) if opts.sst => {
                    let mut d = cell_head(r, c, 15);
                    d.extend(index[s].to_le_bytes());
                    body.extend(rec(LABELSST, &d));
                }
                V::Text(s) => {
                    let mut d = cell_head(r, c, 15);
                    d.extend(unicode_string(s));
                    body.extend(rec(LABEL, &d));
                }
                V::Num(n) => body.extend(number(r, c, 15, *n)),
                V::Date(n, _) => body.extend(number(r, c, DATE_XF, *n)),
                V::Error(e) => panic!("no error values in xls here: {e}"),
            }
        }
    }
    body.extend(rec(EOF, &[]));
    let globals = |sheet_at: u32| {
        let mut g = bof8(0x0005);
        g.extend(rec(CODEPAGE, &1200u16.to_le_bytes()));
        g.extend(rec(DATEMODE, &u16::from(opts.date1904).to_le_bytes()));
        for _ in 0..5 {
            g.extend(font8());
        }
        let mut f = DATE_FORMAT.0.to_le_bytes().to_vec();
        f.extend(unicode_string(DATE_FORMAT.1));
        g.extend(rec(FORMAT, &f));
        for _ in 0..15 {
            g.extend(xf8(0, true));
        }
        g.extend(xf8(0, false));
        g.extend(xf8(DATE_FORMAT.0, false));
        let mut b = sheet_at.to_le_bytes().to_vec();
        b.extend([0, 0]);
        let name: Vec<u16> = sheet.name.encode_utf16().collect();
        b.push(name.len() as u8);
        b.extend(string_body(&name));
        g.extend(rec(BOUNDSHEET, &b));
        if opts.sst {
            g.extend(sst(&strings, total));
        }
        g.extend(rec(EOF, &[]));
        g
    };
    compound_file(&[("Workbook", stream(globals, body))])
}

/// A BIFF5 workbook of one sheet with 8-bit strings in GBK, in a compound file (stream
/// `Book`), with a CODEPAGE record of `codepage` or none.
#[must_use]
pub fn biff5(sheet: &Sheet, codepage: Option<u16>) -> Vec<u8> {
    let bof5 = |dt: u16| {
        let mut d = 0x0500u16.to_le_bytes().to_vec();
        d.extend(dt.to_le_bytes());
        d.extend([0xBB, 0x0D, 0xCC, 0x07]);
        rec(BOF, &d)
    };
    let (nrows, ncols) = extent(sheet);
    let mut body = bof5(0x0010);
    let mut dims = Vec::new();
    for v in [0u16, nrows as u16, 0, ncols as u16, 0] {
        dims.extend(v.to_le_bytes());
    }
    body.extend(rec(DIMENSIONS, &dims));
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            match v {
                V::Empty => {}
                V::Text(s) => {
                    let bytes = gbk(s);
                    let mut d = cell_head(r, c, 15);
                    d.extend((bytes.len() as u16).to_le_bytes());
                    d.extend(bytes);
                    body.extend(rec(LABEL, &d));
                }
                V::Num(n) | V::Date(n, _) => body.extend(number(r, c, 15, *n)),
                V::Error(e) => panic!("no error values in xls here: {e}"),
            }
        }
    }
    body.extend(rec(EOF, &[]));
    let globals = |sheet_at: u32| {
        let mut g = bof5(0x0005);
        if let Some(cp) = codepage {
            g.extend(rec(CODEPAGE, &cp.to_le_bytes()));
        }
        for k in 0..16 {
            let mut d = vec![0u8; 16];
            d[4..6].copy_from_slice(&(if k < 15 { 0xFFF5u16 } else { 0x0001 }).to_le_bytes());
            g.extend(rec(XF, &d));
        }
        let name = gbk(&sheet.name);
        let mut b = sheet_at.to_le_bytes().to_vec();
        b.extend([0, 0, name.len() as u8]);
        b.extend(name);
        g.extend(rec(BOUNDSHEET, &b));
        g.extend(rec(EOF, &[]));
        g
    };
    compound_file(&[("Book", stream(globals, body))])
}

// ---------------------------------------------------------------------------------------
// GBK (code page 936) for exactly the characters the BIFF5 files hold; the codes are what
// `iconv -f UTF-8 -t GBK` gives on this machine (they agree with the GBK/GB2312 tables).

const GBK: [(char, [u8; 2]); 65] = [
    ('一', [0xD2, 0xBB]),
    ('东', [0xB6, 0xAB]),
    ('丽', [0xC0, 0xF6]),
    ('俊', [0xBF, 0xA1]),
    ('冯', [0xB7, 0xEB]),
    ('刷', [0xCB, 0xA2]),
    ('务', [0xCE, 0xF1]),
    ('勤', [0xC7, 0xDA]),
    ('华', [0xBB, 0xAA]),
    ('卡', [0xBF, 0xA8]),
    ('号', [0xBA, 0xC5]),
    ('名', [0xC3, 0xFB]),
    ('器', [0xC6, 0xF7]),
    ('回', [0xBB, 0xD8]),
    ('国', [0xB9, 0xFA]),
    ('姓', [0xD0, 0xD5]),
    ('娜', [0xC4, 0xC8]),
    ('婷', [0xE6, 0xC3]),
    ('密', [0xC3, 0xDC]),
    ('对', [0xB6, 0xD4]),
    ('建', [0xBD, 0xA8]),
    ('式', [0xCA, 0xBD]),
    ('录', [0xC2, 0xBC]),
    ('指', [0xD6, 0xB8]),
    ('文', [0xCE, 0xC4]),
    ('斌', [0xB1, 0xF3]),
    ('方', [0xB7, 0xBD]),
    ('日', [0xC8, 0xD5]),
    ('时', [0xCA, 0xB1]),
    ('晓', [0xCF, 0xFE]),
    ('期', [0xC6, 0xDA]),
    ('机', [0xBB, 0xFA]),
    ('杰', [0xBD, 0xDC]),
    ('栋', [0xB6, 0xB0]),
    ('检', [0xBC, 0xEC]),
    ('比', [0xB1, 0xC8]),
    ('海', [0xBA, 0xA3]),
    ('燕', [0xD1, 0xE0]),
    ('王', [0xCD, 0xF5]),
    ('理', [0xC0, 0xED]),
    ('登', [0xB5, 0xC7]),
    ('码', [0xC2, 0xEB]),
    ('秀', [0xD0, 0xE3]),
    ('程', [0xB3, 0xCC]),
    ('管', [0xB9, 0xDC]),
    ('纹', [0xCE, 0xC6]),
    ('编', [0xB1, 0xE0]),
    ('考', [0xBF, 0xBC]),
    ('胡', [0xBA, 0xFA]),
    ('英', [0xD3, 0xA2]),
    ('营', [0xD3, 0xAA]),
    ('记', [0xBC, 0xC7]),
    ('访', [0xB7, 0xC3]),
    ('话', [0xBB, 0xB0]),
    ('质', [0xD6, 0xCA]),
    ('赵', [0xD5, 0xD4]),
    ('运', [0xD4, 0xCB]),
    ('郑', [0xD6, 0xA3]),
    ('部', [0xB2, 0xBF]),
    ('锦', [0xBD, 0xF5]),
    ('门', [0xC3, 0xC5]),
    ('间', [0xBC, 0xE4]),
    ('雅', [0xD1, 0xC5]),
    ('面', [0xC3, 0xE6]),
    ('鸣', [0xC3, 0xF9]),
];

/// `s` in GBK: ASCII as is, the table's characters as their two bytes.
///
/// # Panics
/// A character outside ASCII and the table.
#[must_use]
pub fn gbk(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            let (_, b) = GBK
                .iter()
                .find(|(k, _)| *k == c)
                .unwrap_or_else(|| panic!("{c:?} is not in the GBK table"));
            out.extend(b);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The compound file (MS-CFB version 3: 512-byte sectors, 64-byte mini sectors below 4096).

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FATSECT: u32 = 0xFFFF_FFFD;
const FREESECT: u32 = 0xFFFF_FFFF;
const NOSTREAM: u32 = 0xFFFF_FFFF;
const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A compound file holding `streams` in its root storage.
///
/// Layout: header, FAT sectors, mini FAT, the mini stream, the regular streams, the
/// directory. The directory entries form a binary search tree (by name length, then
/// upper-case name, as MS-CFB orders them), all black.
#[must_use]
pub fn compound_file(streams: &[(&str, Vec<u8>)]) -> Vec<u8> {
    const SS: usize = 512;
    let pad = |b: &[u8], unit: usize| {
        let mut b = b.to_vec();
        b.resize(b.len().div_ceil(unit) * unit, 0);
        b
    };
    // Mini stream: the small streams, each padded to 64 bytes.
    let mut mini = Vec::new();
    let mut minifat: Vec<u32> = Vec::new();
    let mut starts: Vec<u32> = Vec::new();
    let mut big: Vec<(usize, Vec<u8>)> = Vec::new();
    for (k, (_, data)) in streams.iter().enumerate() {
        if data.len() < 4096 {
            let first = (mini.len() / 64) as u32;
            let n = data.len().div_ceil(64).max(1) as u32;
            if data.is_empty() {
                starts.push(ENDOFCHAIN);
                continue;
            }
            mini.extend(pad(data, 64));
            minifat.extend((first + 1..first + n).chain([ENDOFCHAIN]));
            starts.push(first);
        } else {
            starts.push(u32::MAX); // filled below
            big.push((k, pad(data, SS)));
        }
    }
    let mini_sectors = pad(&mini, SS).len() / SS;
    let minifat_sectors = (minifat.len() * 4).div_ceil(SS);
    let big_sectors: usize = big.iter().map(|(_, b)| b.len() / SS).sum();
    let dir_sectors = (streams.len() + 1).div_ceil(SS / 128);
    let mut n_fat = 1;
    while n_fat * (SS / 4) < n_fat + minifat_sectors + mini_sectors + big_sectors + dir_sectors {
        n_fat += 1;
    }
    assert!(n_fat <= 109, "no DIFAT sectors here");
    let mut fat: Vec<u32> = vec![FATSECT; n_fat];
    let chain = |fat: &mut Vec<u32>, n: usize| -> u32 {
        if n == 0 {
            return ENDOFCHAIN;
        }
        let first = fat.len() as u32;
        fat.extend((first + 1..first + n as u32).chain([ENDOFCHAIN]));
        first
    };
    let minifat_start = chain(&mut fat, minifat_sectors);
    let mini_start = chain(&mut fat, mini_sectors);
    for (k, b) in &big {
        starts[*k] = chain(&mut fat, b.len() / SS);
    }
    let dir_start = chain(&mut fat, dir_sectors);
    fat.resize(n_fat * SS / 4, FREESECT);

    // Header.
    let mut h = MAGIC.to_vec();
    h.extend([0u8; 16]);
    h.extend([0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0]);
    h.extend([0u8; 6]);
    for v in [
        0u32,
        n_fat as u32,
        dir_start,
        0,
        4096,
        minifat_start,
        minifat_sectors as u32,
        ENDOFCHAIN,
        0,
    ] {
        h.extend(v.to_le_bytes());
    }
    for k in 0..109u32 {
        h.extend((if (k as usize) < n_fat { k } else { FREESECT }).to_le_bytes());
    }
    assert_eq!(h.len(), SS);

    // Directory: root, then the streams; a balanced tree over the sorted streams.
    let key = |name: &str| (name.encode_utf16().count(), name.to_uppercase());
    let mut order: Vec<usize> = (0..streams.len()).collect();
    order.sort_by_key(|&k| key(streams[k].0));
    let mut left = vec![NOSTREAM; streams.len()];
    let mut right = vec![NOSTREAM; streams.len()];
    fn build(order: &[usize], left: &mut [u32], right: &mut [u32]) -> u32 {
        if order.is_empty() {
            return NOSTREAM;
        }
        let mid = order.len() / 2;
        let k = order[mid];
        left[k] = build(&order[..mid], left, right);
        right[k] = build(&order[mid + 1..], left, right);
        k as u32 + 1
    }
    let root_child = build(&order, &mut left, &mut right);
    let entry = |name: &str, kind: u8, l: u32, r: u32, child: u32, start: u32, size: u64| {
        let units: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut e = units.clone();
        e.resize(64, 0);
        e.extend((units.len() as u16).to_le_bytes());
        e.extend([kind, 1]);
        for v in [l, r, child] {
            e.extend(v.to_le_bytes());
        }
        e.extend([0u8; 36]);
        e.extend(start.to_le_bytes());
        e.extend(size.to_le_bytes());
        e
    };
    let mut dir = entry(
        "Root Entry",
        5,
        NOSTREAM,
        NOSTREAM,
        root_child,
        if mini.is_empty() {
            ENDOFCHAIN
        } else {
            mini_start
        },
        mini.len() as u64,
    );
    for (k, (name, data)) in streams.iter().enumerate() {
        dir.extend(entry(
            name,
            2,
            left[k],
            right[k],
            NOSTREAM,
            starts[k],
            data.len() as u64,
        ));
    }
    dir.resize(dir_sectors * SS, 0);
    // Unused directory entries: empty names, no siblings.
    for k in streams.len() + 1..dir_sectors * SS / 128 {
        let at = k * 128;
        for off in [68, 72, 76] {
            dir[at + off..at + off + 4].copy_from_slice(&NOSTREAM.to_le_bytes());
        }
    }

    let mut out = h;
    for v in &fat {
        out.extend(v.to_le_bytes());
    }
    let mut mf: Vec<u8> = minifat.iter().flat_map(|v| v.to_le_bytes()).collect();
    mf.resize(minifat_sectors * SS, 0xFF);
    out.extend(mf);
    out.extend(pad(&mini, SS));
    for (_, b) in &big {
        out.extend(b);
    }
    out.extend(dir);
    out
}
