//! A pre-check of uploaded bytes before calamine sees them.
//!
//! calamine trusts the structure it is given: a legacy `.xls` (an OLE2 compound file) whose
//! FAT chain loops makes it allocate until the process aborts, an `.xlsx` (a zip) can be a
//! decompression bomb, a sheet with one cell at `XFD1048576` makes it size a 17-billion-cell
//! range, a shared-strings part declaring four billion strings makes it reserve for them.
//! A timer cannot stop an allocation, so [`check`] walks the structure itself first, in
//! bounded time and memory (nothing is held per byte of uncompressed data; the compound-file
//! walk keeps one `u32` per sector of the file), and refuses what calamine could not read
//! within bounds.

use std::io::{Cursor, Read};

/// What [`check`] accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest upload.
    pub max_file_bytes: usize,
    /// Largest uncompressed size of one zip part, and of all parts together.
    pub max_unzipped_bytes: u64,
    /// Largest expansion (uncompressed / compressed) of one zip part…
    pub max_ratio: u64,
    /// …once it has expanded to more than this many bytes (small parts of very regular
    /// XML compress better than any ratio worth refusing).
    pub ratio_grace_bytes: u64,
    /// Most parts in a zip.
    pub max_entries: usize,
    /// Most cells in the bounding box of one sheet (calamine allocates the whole box).
    pub max_cells: u64,
    /// Highest row number in a sheet.
    pub max_rows: u64,
    /// Deepest XML element nesting.
    pub max_xml_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 20 * MB as usize,
            max_unzipped_bytes: 200 * MB,
            max_ratio: 200,
            ratio_grace_bytes: MB,
            max_entries: 10_000,
            max_cells: 5_000_000,
            max_rows: 1_048_576,
            max_xml_depth: 64,
        }
    }
}

const MB: u64 = 1 << 20;

/// What the bytes are, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A zip (xlsx, and also xlsb/ods, which are zips too).
    Xlsx,
    /// An OLE2 compound file (legacy xls).
    Xls,
    /// Text without NUL bytes (CSV).
    Text,
}

/// Why bytes are refused before any parser sees them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// Larger than [`Limits::max_file_bytes`].
    #[error("file too large: {}, at most {}", size_text(*.size), size_text(*.limit))]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Neither a zip, nor a compound file, nor text.
    #[error("not a workbook or text file: {detail}")]
    NotAWorkbook {
        /// What was found.
        detail: String,
    },
    /// A password-protected (encrypted) workbook.
    #[error("the workbook is password-protected (encrypted): open it in Excel, remove the password (文件 → 信息 → 保护工作簿 → 用密码进行加密, clear it) and save again")]
    Encrypted,
    /// A spreadsheet of another kind than Excel's (OpenDocument, xlsb, another zip).
    #[error("not an Excel workbook: {detail}")]
    NotExcel {
        /// What it is, and what to do.
        detail: String,
    },
    /// The zip or compound-file structure is inconsistent.
    #[error("workbook structure is corrupt: {detail}")]
    CorruptStructure {
        /// What and where.
        detail: String,
    },
    /// A zip part (or all parts together) expands beyond the limits.
    #[error("{detail}")]
    ZipBomb {
        /// The part, or `None` for all parts together.
        part: Option<String>,
        /// The whole message, e.g. "zip part xl/worksheets/sheet1.xml expands beyond 200 MB".
        detail: String,
    },
    /// More zip parts than [`Limits::max_entries`].
    #[error("zip has {entries} parts, at most {limit}")]
    TooManyEntries {
        /// Parts in the zip (as its central directory declares).
        entries: u64,
        /// The limit.
        limit: usize,
    },
    /// A sheet whose cells span more than [`Limits::max_cells`].
    #[error("sheet {sheet} spans {rows} rows x {cols} columns ({} cells), at most {limit} cells", (*.rows as u128) * (*.cols as u128))]
    TooManyCells {
        /// The sheet's zip part (xlsx), or its name (xls).
        sheet: String,
        /// Rows spanned.
        rows: u64,
        /// Columns spanned.
        cols: u64,
        /// The limit.
        limit: u64,
    },
    /// The sheets of a legacy workbook (xls) together spanning more than
    /// [`Limits::max_cells`]: calamine builds every sheet of an xls when it opens it, and
    /// holds them all.
    #[error("the workbook's first {sheets} sheets together span {cells} cells (all are read at once), at most {limit} cells")]
    WorkbookTooManyCells {
        /// Sheets counted when the limit was passed.
        sheets: u64,
        /// Cells their ranges span together (value or formula ranges, whichever is more).
        cells: u64,
        /// The limit.
        limit: u64,
    },
    /// A sheet with a row number past [`Limits::max_rows`].
    #[error("sheet {sheet} has a row {row}, at most {limit} rows")]
    TooManyRows {
        /// The sheet's zip part.
        sheet: String,
        /// The first row number past the limit.
        row: u64,
        /// The limit.
        limit: u64,
    },
    /// XML nested deeper than [`Limits::max_xml_depth`].
    #[error("XML of {part} nests deeper than {limit} elements")]
    TooDeep {
        /// The zip part.
        part: String,
        /// The limit.
        limit: usize,
    },
    /// A shared-strings part declaring more strings than it holds (calamine reserves room
    /// for the declared count up front).
    #[error("{part} declares {declared} shared strings but holds {found}")]
    TooManyStrings {
        /// The zip part.
        part: String,
        /// Its `uniqueCount`.
        declared: u64,
        /// `<si>` elements in it.
        found: u64,
    },
}

impl Refused {
    /// The reason in Chinese. Structural details (a zip offset, a record's size) stay as the
    /// checker wrote them: they are for whoever repairs the file, and name its bytes.
    #[must_use]
    pub fn zh(&self) -> String {
        match self {
            Refused::TooLarge { size, limit } => {
                format!("文件过大：{}，上限 {}", size_text(*size), size_text(*limit))
            }
            Refused::NotAWorkbook { detail } => format!("不是工作簿或文本文件：{detail}"),
            Refused::Encrypted => "工作簿设有密码（已加密）：请在 Excel 中打开，清除密码（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空）后重新保存".into(),
            Refused::NotExcel { detail } => format!("不是 Excel 工作簿：{detail}"),
            Refused::CorruptStructure { detail } => format!("工作簿结构已损坏：{detail}"),
            Refused::ZipBomb { detail, .. } => format!("压缩内容解压后超出上限：{detail}"),
            Refused::TooManyEntries { entries, limit } => {
                format!("压缩包有 {entries} 个部件，上限 {limit} 个")
            }
            Refused::TooManyCells {
                sheet,
                rows,
                cols,
                limit,
            } => format!(
                "工作表 {sheet} 跨 {rows} 行 × {cols} 列（{} 个单元格），上限 {limit} 个单元格",
                u128::from(*rows) * u128::from(*cols)
            ),
            Refused::WorkbookTooManyCells {
                sheets,
                cells,
                limit,
            } => format!(
                "工作簿前 {sheets} 个工作表合计跨 {cells} 个单元格（读取时一并载入），上限 {limit} 个单元格"
            ),
            Refused::TooManyRows { sheet, row, limit } => {
                format!("工作表 {sheet} 有第 {row} 行，上限 {limit} 行")
            }
            Refused::TooDeep { part, limit } => {
                format!("{part} 的 XML 嵌套超过 {limit} 层")
            }
            Refused::TooManyStrings {
                part,
                declared,
                found,
            } => format!("{part} 声明 {declared} 个共享字符串，实际只有 {found} 个"),
        }
    }
}

fn size_text(n: u64) -> String {
    let (unit, name) = if n >= 1 << 30 {
        (1u64 << 30, "GB")
    } else if n >= MB {
        (MB, "MB")
    } else if n >= 1 << 10 {
        (1 << 10, "KB")
    } else {
        return format!("{n} bytes");
    };
    if n % unit == 0 {
        format!("{} {name}", n / unit)
    } else {
        format!("{:.1} {name}", n as f64 / unit as f64)
    }
}

fn corrupt(detail: impl Into<String>) -> Refused {
    Refused::CorruptStructure {
        detail: detail.into(),
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Checks uploaded bytes against `limits` and says what they are.
///
/// # Errors
/// [`Refused`], naming the reason: too large, not a workbook, a corrupt zip or compound
/// file (a FAT chain that loops or points past the end, …), a zip bomb, too many parts,
/// a sheet spanning too many cells or rows, XML nested too deep, an inflated string count.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Kind, Refused> {
    if bytes.len() > limits.max_file_bytes {
        return Err(Refused::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_file_bytes as u64,
        });
    }
    if bytes.starts_with(ZIP_MAGIC) {
        check_zip(bytes, limits)?;
        return Ok(Kind::Xlsx);
    }
    if bytes.starts_with(CFB_MAGIC) {
        check_cfb(bytes, limits)?;
        // What calamine cannot read as xls it opens as a zip next (xlsx, xlsb, ods), and the
        // zip reader finds a zip by its end record wherever the zip starts: a zip behind a
        // compound-file header (found by fuzzing) must pass the zip checks too.
        if opens_as_zip(bytes, limits) {
            check_zip(bytes, limits)?;
        }
        return Ok(Kind::Xls);
    }
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(at) = head.iter().position(|&b| b == 0) {
        return Err(Refused::NotAWorkbook {
            detail: format!("binary data (a NUL byte at offset {at}) that is neither a zip (xlsx) nor a compound file (xls)"),
        });
    }
    Ok(Kind::Text)
}

// ---------------------------------------------------------------------------------------
// Zip (xlsx)

fn le16(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn le64(b: &[u8], at: usize) -> u64 {
    u64::from(le32(b, at)) | (u64::from(le32(b, at + 4)) << 32)
}

/// The number of parts the end-of-central-directory record declares (zip64 aware), read
/// before the zip crate parses the central directory (which it holds in memory).
fn zip_declared_entries(bytes: &[u8]) -> Result<u64, Refused> {
    let not_found = || corrupt("zip end-of-central-directory record not found (truncated file?)");
    if bytes.len() < 22 {
        return Err(not_found());
    }
    let lowest = bytes.len().saturating_sub(22 + 65_535);
    let eocd = (lowest..=bytes.len() - 22)
        .rev()
        .find(|&i| &bytes[i..i + 4] == b"PK\x05\x06")
        .ok_or_else(not_found)?;
    let entries = le16(bytes, eocd + 10);
    if entries != 0xFFFF {
        return Ok(u64::from(entries));
    }
    // Zip64: the locator sits just before the record.
    let loc = eocd
        .checked_sub(20)
        .filter(|&l| &bytes[l..l + 4] == b"PK\x06\x07")
        .ok_or_else(|| corrupt("zip64 end-of-central-directory locator not found"))?;
    let at = usize::try_from(le64(bytes, loc + 8))
        .ok()
        .filter(|&at| at.checked_add(56).is_some_and(|end| end <= bytes.len()))
        .filter(|&at| &bytes[at..at + 4] == b"PK\x06\x06")
        .ok_or_else(|| corrupt("zip64 end-of-central-directory record not found"))?;
    Ok(le64(bytes, at + 32))
}

/// Whether calamine's zip reader would open `bytes` (which need not start as a zip). Too
/// many declared parts count as yes, for [`check_zip`] to refuse before the zip crate holds
/// them all in memory.
fn opens_as_zip(bytes: &[u8], limits: &Limits) -> bool {
    match zip_declared_entries(bytes) {
        Ok(n) if n > limits.max_entries as u64 => true,
        _ => zip::ZipArchive::new(Cursor::new(bytes)).is_ok(),
    }
}

fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), Refused> {
    let declared = zip_declared_entries(bytes)?;
    if declared > limits.max_entries as u64 {
        return Err(Refused::TooManyEntries {
            entries: declared,
            limit: limits.max_entries,
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("zip central directory cannot be read: {e}")))?;
    if zip.len() > limits.max_entries {
        return Err(Refused::TooManyEntries {
            entries: zip.len() as u64,
            limit: limits.max_entries,
        });
    }
    // Only Excel's xlsx is read (the importers open it with calamine's xlsx reader, never by
    // guessing): an OpenDocument or binary (xlsb) workbook is refused by name — their readers
    // have their own ways to blow up (ODS repeats rows and columns by an attribute; found by
    // fuzzing) that this guard does not model.
    let names: std::collections::BTreeSet<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    if !names.contains("xl/workbook.xml") {
        let what = if names.contains("content.xml") || names.contains("mimetype") {
            "an OpenDocument spreadsheet (.ods): save it as Excel .xlsx"
        } else if names.contains("xl/workbook.bin") {
            "a binary Excel workbook (.xlsb): save it as Excel .xlsx"
        } else {
            "a zip file that is not an Excel workbook (no xl/workbook.xml)"
        };
        return Err(Refused::NotExcel {
            detail: what.to_string(),
        });
    }
    let bomb = |part: &str, what: String| Refused::ZipBomb {
        part: Some(part.to_string()),
        detail: format!("zip part {part} {what}"),
    };
    let max = limits.max_unzipped_bytes;
    // Declared sizes first: cheap, and what calamine would size buffers by.
    let mut declared_total = 0u64;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| corrupt(format!("zip part {i} cannot be read: {e}")))?;
        let name = f
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        if f.size() > max {
            return Err(bomb(
                &name,
                format!(
                    "declares {} uncompressed, at most {}",
                    size_text(f.size()),
                    size_text(max)
                ),
            ));
        }
        if f.size() > limits.ratio_grace_bytes
            && f.size() > f.compressed_size().saturating_mul(limits.max_ratio)
        {
            return Err(bomb(
                &name,
                format!(
                    "declares {} from {} compressed, more than {}:1",
                    size_text(f.size()),
                    size_text(f.compressed_size()),
                    limits.max_ratio
                ),
            ));
        }
        declared_total = declared_total.saturating_add(f.size());
    }
    if declared_total > max {
        return Err(Refused::ZipBomb {
            part: None,
            detail: format!(
                "zip parts together declare {} uncompressed, at most {}",
                size_text(declared_total),
                size_text(max)
            ),
        });
    }
    // Declared sizes can lie: decompress every part through a bounded reader, counting.
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| corrupt(format!("zip part {i} cannot be decompressed: {e}")))?;
        if f.is_dir() {
            continue;
        }
        let name = f
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("#{i}"));
        let declared = f.size();
        let compressed = f.compressed_size();
        let lower = name.to_ascii_lowercase();
        let mut xml =
            (lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml"))
                .then(|| XmlScan::new(limits));
        let mut reader = (&mut f).take(max.min(declared.saturating_add(1)).saturating_add(1));
        let mut n = 0u64;
        loop {
            let k = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if e.to_string().contains("larger than its declared") {
                        return Err(bomb(
                            &name,
                            format!(
                                "expands beyond its declared size of {}",
                                size_text(declared)
                            ),
                        ));
                    }
                    return Err(corrupt(format!(
                        "zip part {name} cannot be decompressed: {e}"
                    )));
                }
            };
            n += k as u64;
            total += k as u64;
            if n > max {
                return Err(bomb(&name, format!("expands beyond {}", size_text(max))));
            }
            if n > declared {
                return Err(bomb(
                    &name,
                    format!(
                        "expands beyond its declared size of {}",
                        size_text(declared)
                    ),
                ));
            }
            if n > limits.ratio_grace_bytes && n > compressed.saturating_mul(limits.max_ratio) {
                return Err(bomb(
                    &name,
                    format!(
                        "expands more than {}:1 ({} compressed)",
                        limits.max_ratio,
                        size_text(compressed)
                    ),
                ));
            }
            if total > max {
                return Err(Refused::ZipBomb {
                    part: None,
                    detail: format!("zip parts together expand beyond {}", size_text(max)),
                });
            }
            if let Some(x) = xml.as_mut() {
                x.feed(&buf[..k], &name)?;
            }
        }
        if let Some(x) = xml {
            x.finish(&name)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// XML: a byte-level state machine tracking element depth, and in worksheets the extent of
// rows and cells, in shared strings the declared and actual string count.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    Text,
    Lt,
    Pi { q: bool },
    Bang,
    BangDash,
    Comment { dashes: u8 },
    CData { brackets: u8 },
    Decl,
    EndTag,
    Name,
    Tag,
    AttrName,
    AfterAttrName,
    BeforeValue,
    Value { quote: u8 },
    Slash,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Unknown,
    Worksheet,
    SharedStrings,
    Other,
}

const CAP: usize = 48;

struct XmlScan<'l> {
    limits: &'l Limits,
    st: St,
    depth: usize,
    root: Root,
    name: Vec<u8>,
    attr: Vec<u8>,
    value: Vec<u8>,
    /// The value of the `r` / `ref` / `uniqueCount` attribute of the current tag.
    wanted: Option<Vec<u8>>,
    row: u64,
    col: u64,
    /// Bounding box (min row, max row, min col, max col), 1-based.
    bbox: Option<(u64, u64, u64, u64)>,
    declared_strings: Option<u64>,
    strings: u64,
}

impl<'l> XmlScan<'l> {
    fn new(limits: &'l Limits) -> Self {
        XmlScan {
            limits,
            st: St::Text,
            depth: 0,
            root: Root::Unknown,
            name: Vec::with_capacity(CAP),
            attr: Vec::with_capacity(CAP),
            value: Vec::with_capacity(CAP),
            wanted: None,
            row: 0,
            col: 0,
            bbox: None,
            declared_strings: None,
            strings: 0,
        }
    }

    fn feed(&mut self, chunk: &[u8], part: &str) -> Result<(), Refused> {
        let mut i = 0;
        while i < chunk.len() {
            if self.st == St::Text {
                match chunk[i..].iter().position(|&b| b == b'<') {
                    Some(p) => {
                        i += p + 1;
                        self.st = St::Lt;
                        continue;
                    }
                    None => return Ok(()),
                }
            }
            let b = chunk[i];
            i += 1;
            self.st = match self.st {
                St::Text => unreachable!("handled above"),
                St::Lt => match b {
                    b'?' => St::Pi { q: false },
                    b'!' => St::Bang,
                    b'/' => St::EndTag,
                    _ => {
                        self.name.clear();
                        self.wanted = None;
                        self.name.push(b);
                        St::Name
                    }
                },
                St::Pi { q } => match (q, b) {
                    (true, b'>') => St::Text,
                    (_, b'?') => St::Pi { q: true },
                    _ => St::Pi { q: false },
                },
                St::Bang => match b {
                    b'-' => St::BangDash,
                    b'[' => St::CData { brackets: 0 },
                    b'>' => St::Text,
                    _ => St::Decl,
                },
                St::BangDash => match b {
                    b'-' => St::Comment { dashes: 0 },
                    b'>' => St::Text,
                    _ => St::Decl,
                },
                St::Comment { dashes } => match (dashes, b) {
                    (2.., b'>') => St::Text,
                    (_, b'-') => St::Comment {
                        dashes: dashes.saturating_add(1),
                    },
                    _ => St::Comment { dashes: 0 },
                },
                St::CData { brackets } => match (brackets, b) {
                    (2.., b'>') => St::Text,
                    (_, b']') => St::CData {
                        brackets: brackets.saturating_add(1),
                    },
                    _ => St::CData { brackets: 0 },
                },
                St::Decl => match b {
                    b'>' => St::Text,
                    _ => St::Decl,
                },
                St::EndTag => match b {
                    b'>' => {
                        self.depth = self.depth.saturating_sub(1);
                        St::Text
                    }
                    _ => St::EndTag,
                },
                St::Name => match b {
                    b'>' => {
                        self.element(false, part)?;
                        St::Text
                    }
                    b'/' => St::Slash,
                    b if b.is_ascii_whitespace() => St::Tag,
                    b => {
                        if self.name.len() < CAP {
                            self.name.push(b);
                        }
                        St::Name
                    }
                },
                St::Tag => match b {
                    b'>' => {
                        self.element(false, part)?;
                        St::Text
                    }
                    b'/' => St::Slash,
                    b if b.is_ascii_whitespace() => St::Tag,
                    b => {
                        self.attr.clear();
                        self.attr.push(b);
                        St::AttrName
                    }
                },
                St::AttrName => match b {
                    b'=' => St::BeforeValue,
                    b if b.is_ascii_whitespace() => St::AfterAttrName,
                    b'>' => {
                        self.element(false, part)?;
                        St::Text
                    }
                    b'/' => St::Slash,
                    b => {
                        if self.attr.len() < CAP {
                            self.attr.push(b);
                        }
                        St::AttrName
                    }
                },
                St::AfterAttrName => match b {
                    b'=' => St::BeforeValue,
                    b if b.is_ascii_whitespace() => St::AfterAttrName,
                    b'>' => {
                        self.element(false, part)?;
                        St::Text
                    }
                    b'/' => St::Slash,
                    b => {
                        self.attr.clear();
                        self.attr.push(b);
                        St::AttrName
                    }
                },
                St::BeforeValue => match b {
                    b'"' | b'\'' => {
                        self.value.clear();
                        St::Value { quote: b }
                    }
                    b'>' => {
                        self.element(false, part)?;
                        St::Text
                    }
                    _ => St::BeforeValue,
                },
                St::Value { quote } => {
                    if b == quote {
                        self.attribute();
                        St::Tag
                    } else {
                        if self.value.len() <= CAP {
                            self.value.push(b);
                        }
                        St::Value { quote }
                    }
                }
                St::Slash => match b {
                    b'>' => {
                        self.element(true, part)?;
                        St::Text
                    }
                    b if b.is_ascii_whitespace() => St::Tag,
                    _ => St::Tag,
                },
            };
        }
        Ok(())
    }

    fn attribute(&mut self) {
        let name = local(&self.attr);
        let el = local(&self.name);
        let wanted = match self.root {
            Root::Worksheet => {
                (el == b"c" || el == b"row") && name == b"r" || el == b"dimension" && name == b"ref"
            }
            Root::Unknown => el == b"sst" && name == b"uniqueCount",
            _ => false,
        };
        if wanted {
            self.wanted = Some(self.value.clone());
        }
    }

    /// A start tag ended (`self_closing` for `/>`).
    fn element(&mut self, self_closing: bool, part: &str) -> Result<(), Refused> {
        let depth = self.depth + 1;
        if depth > self.limits.max_xml_depth {
            return Err(Refused::TooDeep {
                part: part.to_string(),
                limit: self.limits.max_xml_depth,
            });
        }
        if !self_closing {
            self.depth = depth;
        }
        let name = local(&self.name).to_vec();
        let wanted = self.wanted.take();
        match (self.root, depth, name.as_slice()) {
            (Root::Unknown, 1, b"worksheet") => self.root = Root::Worksheet,
            (Root::Unknown, 1, b"sst") => {
                self.root = Root::SharedStrings;
                self.declared_strings = wanted.map(|v| number(&v).unwrap_or(u64::MAX));
            }
            (Root::Unknown, 1, _) => self.root = Root::Other,
            (Root::SharedStrings, 2, b"si") => self.strings += 1,
            (Root::Worksheet, 2, b"dimension") => {
                if let Some(v) = wanted {
                    let mut ends = v.split(|&b| b == b':');
                    for r in ends.by_ref().take(2) {
                        if let Some((col, Some(row))) = cell_ref(r) {
                            self.extend(row, col, part)?;
                        }
                    }
                }
            }
            (Root::Worksheet, 2, b"sheetData") => self.row = 0,
            (Root::Worksheet, 3, b"row") => {
                self.row = match wanted.as_deref().and_then(number) {
                    Some(r) => r,
                    None => self.row.saturating_add(1),
                };
                self.col = 0;
                self.check_row(self.row, part)?;
            }
            (Root::Worksheet, 4, b"c") => {
                let (col, row) = match wanted.as_deref().and_then(cell_ref) {
                    Some((col, row)) => (col, row.unwrap_or(self.row)),
                    None => (self.col.saturating_add(1), self.row),
                };
                self.col = col;
                self.extend(row.max(1), col.max(1), part)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn check_row(&self, row: u64, part: &str) -> Result<(), Refused> {
        if row > self.limits.max_rows {
            return Err(Refused::TooManyRows {
                sheet: part.to_string(),
                row,
                limit: self.limits.max_rows,
            });
        }
        Ok(())
    }

    fn extend(&mut self, row: u64, col: u64, part: &str) -> Result<(), Refused> {
        let (r0, r1, c0, c1) = match self.bbox {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        };
        self.bbox = Some((r0, r1, c0, c1));
        let (rows, cols) = (r1 - r0 + 1, c1 - c0 + 1);
        if rows.saturating_mul(cols) > self.limits.max_cells {
            return Err(Refused::TooManyCells {
                sheet: part.to_string(),
                rows,
                cols,
                limit: self.limits.max_cells,
            });
        }
        self.check_row(row, part)
    }

    fn finish(self, part: &str) -> Result<(), Refused> {
        if let Some(declared) = self.declared_strings {
            // calamine reserves room for `uniqueCount` strings before reading any.
            if declared > self.strings.saturating_add(65_536) {
                return Err(Refused::TooManyStrings {
                    part: part.to_string(),
                    declared,
                    found: self.strings,
                });
            }
        }
        Ok(())
    }
}

/// The local part of a (possibly prefixed) XML name.
fn local(name: &[u8]) -> &[u8] {
    match name.iter().rposition(|&b| b == b':') {
        Some(p) => &name[p + 1..],
        None => name,
    }
}

/// A decimal number (saturating; `None` if not digits).
fn number(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > CAP || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0u64, |n, &d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

/// A cell reference `XFD1048576` (or `$A$1`, or a column alone) → (1-based column, row).
fn cell_ref(v: &[u8]) -> Option<(u64, Option<u64>)> {
    let v: Vec<u8> = v.iter().copied().filter(|&b| b != b'$').collect();
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return None;
    }
    let col = v[..letters].iter().fold(0u64, |n, &c| {
        n.saturating_mul(26)
            .saturating_add(u64::from(c.to_ascii_uppercase() - b'A' + 1))
    });
    let digits = &v[letters..];
    if digits.is_empty() {
        return Some((col, None));
    }
    Some((col, Some(number(digits)?)))
}

// ---------------------------------------------------------------------------------------
// Compound file (xls), [MS-CFB].

const MAXREGSECT: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const MINI_CUTOFF: u64 = 4096;

/// The streams calamine opens by name (the first directory entry so named, of any type).
const NAMED_STREAMS: [&str; 4] = [
    "Workbook",
    "Book",
    "\u{5}SummaryInformation",
    "\u{5}DocumentSummaryInformation",
];

struct Cfb<'a> {
    bytes: &'a [u8],
    ss: usize,
    /// Sectors present after the header (the last may be short).
    n: u32,
    fat: Vec<u32>,
    /// Per sector: 0 free, else 1 + the index in `chains` of the chain that owns it.
    owner: Vec<u32>,
    chains: Vec<String>,
}

impl Cfb<'_> {
    fn sector(&self, id: u32) -> &[u8] {
        let start = (id as usize + 1) * self.ss;
        &self.bytes[start.min(self.bytes.len())..(start + self.ss).min(self.bytes.len())]
    }

    fn u32_in(&self, id: u32, k: usize) -> Option<u32> {
        let s = self.sector(id);
        (k * 4 + 4 <= s.len()).then(|| le32(s, k * 4))
    }

    /// The FAT entry of sector `id` (the next sector of its chain).
    fn next(&self, id: u32, what: &str) -> Result<u32, Refused> {
        let per = self.ss / 4;
        self.fat
            .get(id as usize / per)
            .and_then(|&fs| self.u32_in(fs, id as usize % per))
            .ok_or_else(|| {
                corrupt(format!(
                    "sector {id} of {what} has no FAT entry (the FAT covers {} sectors)",
                    self.fat.len() * per
                ))
            })
    }

    /// Claims sector `id` for chain `chain`, refusing one outside the file or claimed before.
    fn claim(&mut self, id: u32, chain: usize, what: &str) -> Result<(), Refused> {
        if id >= self.n {
            return Err(corrupt(format!(
                "{what} points at sector {id}, past the end of the file ({} sectors)",
                self.n
            )));
        }
        match self.owner[id as usize] {
            0 => {
                self.owner[id as usize] = chain as u32 + 1;
                Ok(())
            }
            o if o as usize == chain + 1 => {
                Err(corrupt(format!("FAT chain of {what} loops at sector {id}")))
            }
            o => Err(corrupt(format!(
                "FAT chain of {what} runs into sector {id}, which belongs to {}",
                self.chains[o as usize - 1]
            ))),
        }
    }

    fn new_chain(&mut self, what: &str) -> usize {
        self.chains.push(what.to_string());
        self.chains.len() - 1
    }

    /// Follows a chain from `start`: all of it (`need` None) or its first `need` sectors,
    /// as calamine reads it; returns the sectors in order when `keep`.
    fn walk(
        &mut self,
        start: u32,
        need: Option<u64>,
        what: &str,
        keep: bool,
    ) -> Result<Vec<u32>, Refused> {
        let chain = self.new_chain(what);
        let mut kept = Vec::new();
        let mut id = start;
        let mut count = 0u64;
        loop {
            if need.is_some_and(|n| count >= n) {
                break;
            }
            if id == ENDOFCHAIN {
                if let Some(n) = need {
                    return Err(corrupt(format!(
                        "FAT chain of {what} ends after {count} sectors, its size needs {n}"
                    )));
                }
                break;
            }
            if id > MAXREGSECT {
                return Err(corrupt(format!(
                    "FAT chain of {what} reaches the special value {id:#010X} after {count} sectors"
                )));
            }
            self.claim(id, chain, what)?;
            if keep {
                kept.push(id);
            }
            count += 1;
            id = self.next(id, what)?;
        }
        Ok(kept)
    }
}

fn check_cfb(bytes: &[u8], limits: &Limits) -> Result<(), Refused> {
    if bytes.len() < 512 {
        return Err(corrupt(format!(
            "compound file header truncated at {} bytes",
            bytes.len()
        )));
    }
    let ss = match le16(bytes, 30) {
        9 => 512usize,
        12 => 4096,
        s => return Err(corrupt(format!("sector shift {s}, expected 9 or 12"))),
    };
    if le16(bytes, 32) != 6 {
        return Err(corrupt(format!(
            "mini sector shift {}, expected 6",
            le16(bytes, 32)
        )));
    }
    if bytes.len() < ss {
        return Err(corrupt(format!(
            "compound file header truncated at {} bytes",
            bytes.len()
        )));
    }
    let n = (bytes.len() - ss).div_ceil(ss) as u32;
    let mut cfb = Cfb {
        bytes,
        ss,
        n,
        fat: Vec::new(),
        owner: vec![0; n as usize],
        chains: Vec::new(),
    };
    let fat_count = le32(bytes, 44);
    let dir_start = le32(bytes, 48);
    let minifat_start = le32(bytes, 60);
    let minifat_count = le32(bytes, 64);
    let difat_start = le32(bytes, 68);

    // The FAT's own sectors: 109 in the header, then the DIFAT chain.
    let fat_chain = cfb.new_chain("the FAT");
    let mut fat_ids: Vec<u32> = (0..109).map(|k| le32(bytes, 76 + 4 * k)).collect();
    let difat_chain = cfb.new_chain("the DIFAT");
    let mut id = difat_start;
    // calamine reads DIFAT and FAT sectors as whole arrays of u32 and asserts their length
    // (found by fuzzing: a FAT sector cut short by the end of the file panicked it).
    let whole = |sector: u32| (sector as usize + 2) * ss <= bytes.len();
    while id < MAXREGSECT {
        cfb.claim(id, difat_chain, "the DIFAT")?;
        if !whole(id) {
            return Err(corrupt(format!(
                "DIFAT sector {id} is cut short by the end of the file"
            )));
        }
        let per = ss / 4;
        for k in 0..per - 1 {
            fat_ids.push(cfb.u32_in(id, k).unwrap_or(u32::MAX));
        }
        id = cfb.u32_in(id, per - 1).unwrap_or(ENDOFCHAIN);
    }
    for (k, &fs) in fat_ids.iter().enumerate().filter(|(_, &fs)| fs < DIFSECT) {
        if fs >= n {
            return Err(corrupt(format!(
                "FAT sector {k} is sector {fs}, past the end of the file ({n} sectors; the header declares {fat_count} FAT sectors)"
            )));
        }
        if !whole(fs) {
            return Err(corrupt(format!(
                "FAT sector {k} (sector {fs}) is cut short by the end of the file"
            )));
        }
        cfb.claim(fs, fat_chain, "the FAT")?;
        cfb.fat.push(fs);
    }
    if cfb.fat.is_empty() {
        return Err(corrupt("the compound file has no FAT sector"));
    }

    // The directory: its whole chain, as calamine reads it.
    let dir_sectors = cfb.walk(dir_start, None, "the directory", true)?;
    let per_sector = ss / 128;
    let entry = |k: usize| -> &[u8] {
        let s = cfb.sector(dir_sectors[k / per_sector]);
        let at = (k % per_sector) * 128;
        &s[at.min(s.len())..(at + 128).min(s.len())]
    };
    let mut entries = Vec::new();
    for k in 0..dir_sectors.len() * per_sector {
        let e = entry(k);
        if e.len() < 128 {
            break;
        }
        let name_units: Vec<u16> = (0..32)
            .map(|j| le16(e, 2 * j))
            .take_while(|&u| u != 0)
            .collect();
        let name = String::from_utf16_lossy(&name_units);
        let kind = e[66];
        let start = le32(e, 116);
        let size = if ss == 512 {
            u64::from(le32(e, 120))
        } else {
            le64(e, 120)
        };
        entries.push((name, kind, start, size));
    }
    if entries.is_empty() {
        return Err(corrupt("the compound file directory is empty"));
    }
    // An encrypted .xlsx (a password to open) is a compound file holding the encrypted
    // package (MS-OFFCRYPTO 2.3.4): nothing can be read without the password.
    if entries.iter().any(|e| {
        e.0.eq_ignore_ascii_case("EncryptedPackage") || e.0.eq_ignore_ascii_case("EncryptionInfo")
    }) {
        return Err(Refused::Encrypted);
    }
    let file_len = bytes.len() as u64;
    for (name, _, _, size) in &entries {
        if *size > file_len {
            return Err(corrupt(format!(
                "stream {name:?} declares {}, more than the whole file ({})",
                size_text(*size),
                size_text(file_len)
            )));
        }
    }

    // The mini stream (the root entry's chain) and the mini FAT, as calamine loads them.
    let (root_start, root_size) = (entries[0].2, entries[0].3);
    let mut mini: Option<(Vec<u32>, Vec<u32>)> = None;
    let mut mini_len = 0u64;
    if minifat_count > 0 {
        if u64::from(minifat_count) > u64::from(n) {
            return Err(corrupt(format!(
                "the header declares {minifat_count} mini FAT sectors, the file has {n} sectors"
            )));
        }
        let stream = cfb.walk(
            root_start,
            Some(root_size.div_ceil(ss as u64)),
            "the mini stream",
            true,
        )?;
        let minifat = cfb.walk(
            minifat_start,
            Some(u64::from(minifat_count)),
            "the mini FAT",
            true,
        )?;
        // calamine's mini stream is the bytes its chain really has (a sector cut short by the
        // end of the file gives what there is), up to the root entry's size.
        let have: u64 = stream.iter().map(|&id| cfb.sector(id).len() as u64).sum();
        mini_len = have.min(root_size);
        mini = Some((stream, minifat));
    }

    // The stream calamine reads the workbook from: the first entry named "Workbook", else
    // the first named "Book" (any case).
    let workbook = ["Workbook", "Book"]
        .iter()
        .find_map(|w| entries.iter().position(|e| e.0.eq_ignore_ascii_case(w)));
    if workbook == Some(0) {
        return Err(corrupt(format!(
            "the root entry is named {:?}, calamine would read it as the workbook stream",
            entries[0].0
        )));
    }
    // Its sectors (regular or mini, `workbook_mini`), in order.
    let mut workbook_sectors: Vec<u32> = Vec::new();
    let mut workbook_mini = false;

    // Every stream, and whatever entry calamine would open by name.
    let mut mini_owner: Vec<u32> = Vec::new();
    let mut mini_chains = 0u32;
    for (k, (name, kind, start, size)) in entries.iter().enumerate() {
        let named = NAMED_STREAMS.iter().any(|s| s.eq_ignore_ascii_case(name))
            && entries[..k].iter().all(|e| !e.0.eq_ignore_ascii_case(name));
        // calamine reads the first sector of a stream it opens before it looks at the size,
        // so an empty one must say so by its start (fuzzing finding 9: an empty Workbook
        // stream pointing at a mini sector past the end of an empty mini stream).
        if k != 0 && named && *size == 0 && *start != ENDOFCHAIN {
            return Err(corrupt(format!(
                "stream {name} is empty but its chain starts at sector {start}, not at the end-of-chain mark"
            )));
        }
        if k == 0 || !(*kind == 2 || named) || *size == 0 {
            continue;
        }
        let keep = workbook == Some(k);
        let what = format!("stream {name}");
        if *size >= MINI_CUTOFF {
            let sectors = cfb.walk(*start, Some(size.div_ceil(ss as u64)), &what, keep)?;
            if keep {
                workbook_sectors = sectors;
            }
            continue;
        }
        workbook_mini |= keep;
        // In the mini stream, chained by the mini FAT.
        let Some((stream, minifat)) = &mini else {
            return Err(corrupt(format!(
                "{what} ({size} bytes) lives in the mini stream, but the file has no mini FAT"
            )));
        };
        let mini_sectors = root_size.div_ceil(64);
        if mini_owner.is_empty() {
            mini_owner = vec![0; mini_sectors as usize];
        }
        mini_chains += 1;
        let per = ss / 4;
        let mut id = *start;
        for count in 0..size.div_ceil(64) {
            if id == ENDOFCHAIN {
                return Err(corrupt(format!(
                    "mini FAT chain of {what} ends after {count} mini sectors, its size needs {}",
                    size.div_ceil(64)
                )));
            }
            // calamine slices mini sector `id` from byte 64 × id of the mini stream, and
            // panics when that is past its end (fuzzing finding 9: a mini stream cut short by
            // the end of the file).
            if u64::from(id) >= mini_sectors
                || id as usize / (ss / 64) >= stream.len()
                || u64::from(id) * 64 >= mini_len
            {
                return Err(corrupt(format!(
                    "{what} points at mini sector {id}, past the end of the mini stream ({mini_sectors} mini sectors, {mini_len} bytes in the file)"
                )));
            }
            let o = &mut mini_owner[id as usize];
            if *o == mini_chains {
                return Err(corrupt(format!(
                    "mini FAT chain of {what} loops at mini sector {id}"
                )));
            }
            if *o != 0 {
                return Err(corrupt(format!(
                    "mini FAT chain of {what} runs into mini sector {id} of another stream"
                )));
            }
            *o = mini_chains;
            if keep {
                workbook_sectors.push(id);
            }
            id = minifat
                .get(id as usize / per)
                .and_then(|&s| cfb.u32_in(s, id as usize % per))
                .ok_or_else(|| {
                    corrupt(format!("mini sector {id} of {what} has no mini FAT entry"))
                })?;
        }
    }

    // The workbook stream as calamine reassembles it: its sectors' bytes in chain order (a
    // sector cut short by the end of the file contributes what there is), up to its
    // declared size. Mini sectors are 64-byte slices of the mini stream, which is itself
    // the root entry's chain cut to the root entry's size. At most the file's size.
    let Some(k) = workbook else {
        return Ok(());
    };
    let (name, size) = (&entries[k].0, entries[k].3 as usize);
    let mut stream = Vec::with_capacity(size);
    if workbook_mini {
        let mut mini_stream = Vec::new();
        if let Some((sectors, _)) = &mini {
            for &id in sectors {
                mini_stream.extend_from_slice(cfb.sector(id));
            }
        }
        mini_stream.truncate(root_size as usize);
        for &id in &workbook_sectors {
            let at = (id as usize * 64).min(mini_stream.len());
            stream.extend_from_slice(&mini_stream[at..(at + 64).min(mini_stream.len())]);
        }
    } else {
        for &id in &workbook_sectors {
            stream.extend_from_slice(cfb.sector(id));
        }
    }
    stream.truncate(size);
    check_biff(&stream, name, limits)
}

// ---------------------------------------------------------------------------------------
// BIFF records of the workbook stream (xls), walked as calamine 0.38 walks them
// (`Xls::parse_workbook` in its xls.rs).
//
// calamine reads the workbook globals from offset 0 to the first EOF record, then, for every
// BoundSheet8 record among them, the records from that sheet's offset to its EOF (skipping
// nested BOF..EOF substreams, e.g. embedded charts). Per sheet it allocates:
// - on a DIMENSIONS record: `Vec::reserve(rows * cols)` cells (40 bytes each), rows and cols
//   taken from the record (BIFF8 rows are u32: up to four billion), computed in u32;
// - `Range::from_sparse`: the bounding box of the cell records' positions (NUMBER, RK,
//   MULRK, LABEL, RSTRING, LABELSST, BOOLERR, FORMULA with a non-string value, STRING at the
//   last FORMULA's position), 32 bytes a cell, and the bounding box of the FORMULA records'
//   positions, 24 bytes a cell. BLANK and MULBLANK are ignored.
// - for LABEL, RSTRING and STRING records, a string with room for the character count the
//   record declares, even when it holds fewer characters; it is kept in the cell.
// Every sheet is built when the workbook is opened and all are held at once.
// It ignores the SST's declared string counts (it pushes the strings it decodes), so they
// are not checked here. CONTINUE records carry nothing checked here; they are skipped.

const BIFF_FORMULA: u16 = 0x0006;
const BIFF_EOF: u16 = 0x000A;
const BIFF_DATEMODE: u16 = 0x0022;
const BIFF_FILEPASS: u16 = 0x002F;
const BIFF_CODEPAGE: u16 = 0x0042;
const BIFF_CONTINUE: u16 = 0x003C;
const BIFF_BOUNDSHEET: u16 = 0x0085;
const BIFF_MULRK: u16 = 0x00BD;
const BIFF_RSTRING: u16 = 0x00D6;
const BIFF_MERGECELLS: u16 = 0x00E5;
const BIFF_LABELSST: u16 = 0x00FD;
const BIFF_DIMENSIONS: u16 = 0x0200;
const BIFF_NUMBER: u16 = 0x0203;
const BIFF_LABEL: u16 = 0x0204;
const BIFF_BOOLERR: u16 = 0x0205;
const BIFF_STRING: u16 = 0x0207;
const BIFF_RK: u16 = 0x027E;
const BIFF_BOF: u16 = 0x0809;

/// Characters that string records may declare beyond those they hold, over the whole
/// workbook (calamine reserves room for the declared count and keeps it in the cell).
const MAX_STRING_EXCESS: u64 = MB;

/// A BIFF record: type, data, offset of the next record.
type BiffRecord<'s> = (u16, &'s [u8], usize);

/// The record at `at`, `None` at the end of the stream.
fn biff_record<'s>(
    s: &'s [u8],
    at: usize,
    stream: &str,
) -> Result<Option<BiffRecord<'s>>, Refused> {
    if at >= s.len() {
        return Ok(None);
    }
    if s.len() - at < 4 {
        return Err(corrupt(format!(
            "the {stream} stream ends inside a record header at offset {at} ({} bytes)",
            s.len()
        )));
    }
    let (typ, len) = (le16(s, at), usize::from(le16(s, at + 2)));
    let end = at + 4 + len;
    if end > s.len() {
        return Err(corrupt(format!(
            "record {typ:#06X} at offset {at} of the {stream} stream declares {len} bytes, past the end of the stream ({} bytes)",
            s.len()
        )));
    }
    Ok(Some((typ, &s[at + 4..end], end)))
}

/// A bounding box of 0-based (row, column) positions, as `Range::from_sparse` computes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Extent(Option<(u32, u32, u32, u32)>);

impl Extent {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    /// (rows, columns) spanned.
    fn size(&self) -> (u64, u64) {
        self.0.map_or((0, 0), |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1)
        })
    }

    fn cells(&self) -> u64 {
        let (rows, cols) = self.size();
        rows * cols
    }
}

fn check_extent(sheet: &str, rows: u64, cols: u64, limits: &Limits) -> Result<(), Refused> {
    if rows.saturating_mul(cols) > limits.max_cells {
        return Err(Refused::TooManyCells {
            sheet: sheet.to_string(),
            rows,
            cols,
            limit: limits.max_cells,
        });
    }
    Ok(())
}

/// What one sheet makes calamine hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct SheetCells {
    /// Cells of its value range.
    cells: u64,
    /// Cells of its formula range.
    formulas: u64,
    /// Characters its string records declare beyond those they hold.
    string_excess: u64,
}

/// A sheet's name from its BoundSheet8 record (for messages; `#k` if it has none).
fn sheet_name(data: &[u8], biff8: bool, k: usize) -> String {
    let cch = data.get(6).copied().unwrap_or(0) as usize;
    let name = if biff8 {
        let high = data.get(7).is_some_and(|f| f & 1 != 0);
        let rest = data.get(8..).unwrap_or_default();
        if high {
            let units: Vec<u16> = rest.chunks_exact(2).take(cch).map(|u| le16(u, 0)).collect();
            String::from_utf16_lossy(&units)
        } else {
            rest.iter().take(cch).map(|&b| char::from(b)).collect()
        }
    } else {
        let rest = data.get(7..).unwrap_or_default();
        rest.iter().take(cch).map(|&b| char::from(b)).collect()
    };
    let name: String = name.chars().filter(|&c| c != '\0').collect();
    if name.is_empty() {
        format!("#{k}")
    } else {
        name
    }
}

/// Characters a string (`XLUnicodeString`, or BIFF5's byte string) at the start of `data`
/// declares beyond those it holds.
fn unheld_chars(data: &[u8], biff8: bool) -> u64 {
    if data.len() < 2 {
        return 0;
    }
    let cch = usize::from(le16(data, 0));
    let held = match (biff8, data.get(2)) {
        (true, Some(flags)) if flags & 1 != 0 => (data.len() - 3) / 2,
        (true, _) => data.len().saturating_sub(3),
        (false, _) => data.len() - 2,
    };
    cch.saturating_sub(held) as u64
}

fn check_biff(s: &[u8], stream: &str, limits: &Limits) -> Result<(), Refused> {
    // The globals, to the first EOF.
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut biff8 = true;
    let mut at = 0;
    while let Some((typ, data, next)) = biff_record(s, at, stream)? {
        let offset = at;
        at = next;
        let short = |n: usize, what: &str| {
            corrupt(format!(
                "{what} record at offset {offset} of the {stream} stream has {} bytes, calamine reads {n}",
                data.len()
            ))
        };
        match typ {
            BIFF_FILEPASS => {
                if data.len() < 2 {
                    return Err(short(2, "FILEPASS"));
                }
                // Encrypted: calamine refuses the file here, before any sheet. (XOR
                // obfuscation, type 0, it reads on as plain records: so does this.)
                if le16(data, 0) != 0 {
                    return Ok(());
                }
            }
            // CodePage and DateMode: calamine reads a u16 without a length check (fuzzing
            // finding 11: an empty one panicked it).
            BIFF_CODEPAGE if data.len() < 2 => return Err(short(2, "CodePage")),
            BIFF_DATEMODE if data.len() < 2 => return Err(short(2, "DateMode")),
            BIFF_BOF => {
                if data.len() < 2 {
                    return Err(short(2, "BOF"));
                }
                biff8 = match le16(data, 0) {
                    0x0200 | 0x0002 | 0x0007 | 0x0300 | 0x0400 | 0x0500 => false,
                    0 => !(data.len() >= 4 && le16(data, 2) == 0x1000),
                    _ => true,
                };
            }
            BIFF_BOUNDSHEET => {
                if data.len() < 6 {
                    return Err(short(6, "BoundSheet8"));
                }
                let pos = le32(data, 0) as usize;
                let name = sheet_name(data, biff8, sheets.len());
                if pos > s.len() {
                    return Err(corrupt(format!(
                        "sheet {name} starts at offset {pos}, past the end of the {stream} stream ({} bytes)",
                        s.len()
                    )));
                }
                sheets.push((pos, name));
            }
            // Lbl (defined name): calamine reads bytes 3..6, the name from byte 14, and the
            // formula as the last `cce` bytes (found by fuzzing: a short one panicked it).
            0x0018 => {
                if data.len() < 14 {
                    return Err(short(14, "Lbl (defined name)"));
                }
                let cce = usize::from(le16(data, 4));
                if cce > data.len() - 14 {
                    return Err(corrupt(format!(
                        "defined name at offset {offset} of the {stream} stream declares a {cce}-byte formula in a {}-byte record",
                        data.len()
                    )));
                }
            }
            // ExternSheet: calamine reads a count first.
            0x0017 if biff8 && data.len() < 2 => return Err(short(2, "ExternSheet")),
            BIFF_EOF => break,
            _ => {}
        }
    }

    // Every sheet. Sheets at the same offset are read again by calamine (and held again),
    // but scanned once here; sheets whose records overlap otherwise are scanned again,
    // within a budget of a few times the stream.
    let mut seen: std::collections::HashMap<usize, SheetCells> = std::collections::HashMap::new();
    let mut budget = s.len().saturating_mul(4).saturating_add(1 << 16);
    let mut total = SheetCells::default();
    for (k, (pos, name)) in sheets.iter().enumerate() {
        let sheet = match seen.get(pos) {
            Some(&c) => c,
            None => {
                let c = check_sheet(s, *pos, name, stream, biff8, limits, &mut budget)?;
                seen.insert(*pos, c);
                c
            }
        };
        total.cells = total.cells.saturating_add(sheet.cells);
        total.formulas = total.formulas.saturating_add(sheet.formulas);
        total.string_excess = total.string_excess.saturating_add(sheet.string_excess);
        if total.cells.max(total.formulas) > limits.max_cells {
            return Err(Refused::WorkbookTooManyCells {
                sheets: k as u64 + 1,
                cells: total.cells.max(total.formulas),
                limit: limits.max_cells,
            });
        }
        if total.string_excess > MAX_STRING_EXCESS {
            return Err(corrupt(format!(
                "string cells up to sheet {name} declare {} characters more than they hold (calamine reserves room for the declared count), at most {MAX_STRING_EXCESS}",
                total.string_excess
            )));
        }
    }
    Ok(())
}

/// Walks one sheet's records from `pos` as calamine does and checks what it would allocate.
fn check_sheet(
    s: &[u8],
    pos: usize,
    name: &str,
    stream: &str,
    biff8: bool,
    limits: &Limits,
    budget: &mut usize,
) -> Result<SheetCells, Refused> {
    let mut cells = Extent::default();
    let mut formulas = Extent::default();
    let mut string_excess = 0u64;
    let mut formula_at = (0u32, 0u32);
    let mut seen_bof = false;
    let mut depth = 0usize;
    let mut at = pos;
    while let Some((typ, data, next)) = biff_record(s, at, stream)? {
        let offset = at;
        *budget = budget.checked_sub(next - at).ok_or_else(|| {
            corrupt(format!(
                "the sheets of the {stream} stream overlap (sheet {name} at offset {pos} reads records read before)"
            ))
        })?;
        at = next;
        if depth > 0 {
            match typ {
                BIFF_BOF => depth += 1,
                BIFF_EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        let len = data.len();
        let row_col = || (u32::from(le16(data, 0)), u32::from(le16(data, 2)));
        match typ {
            BIFF_BOF if seen_bof => depth += 1,
            BIFF_BOF => seen_bof = true,
            BIFF_EOF => break,
            BIFF_CONTINUE => {}
            BIFF_DIMENSIONS => {
                let (rf, rl, mut cf, cl) = match len {
                    10 => (
                        u32::from(le16(data, 0)),
                        u32::from(le16(data, 2)),
                        u32::from(le16(data, 4)),
                        u32::from(le16(data, 6)),
                    ),
                    14 | 16 => (
                        le32(data, 0),
                        le32(data, 4),
                        u32::from(le16(data, 8)),
                        u32::from(le16(data, 10)),
                    ),
                    // calamine refuses the workbook here.
                    _ => continue,
                };
                if cf > 0xFF || cl < cf {
                    cf = 0;
                }
                let (end_r, end_c) = if rl >= 1 && cl >= 1 {
                    (rl - 1, cl - 1)
                } else {
                    (rf, cf)
                };
                // calamine computes `end - start + 1` in u32: a range ending before it starts
                // overflows (a panic where overflow is checked, a wrap to a huge or zero size
                // elsewhere). Fuzzing found the zero-size wrap (last row + 1 = first row).
                if end_r < rf || end_c < cf {
                    return Err(corrupt(format!(
                        "sheet {name}: the DIMENSIONS record at offset {offset} of the {stream} stream ends before it starts (rows {rf}..{rl}, columns {cf}..{cl})"
                    )));
                }
                let rows = u64::from(end_r - rf) + 1;
                let cols = u64::from(end_c - cf) + 1;
                check_extent(name, rows, cols, limits)?;
            }
            BIFF_NUMBER if len >= 14 => cells.add(row_col().0, row_col().1),
            BIFF_RK | BIFF_LABELSST if len >= 10 => cells.add(row_col().0, row_col().1),
            BIFF_BOOLERR if len >= 8 => cells.add(row_col().0, row_col().1),
            BIFF_LABEL | BIFF_RSTRING if len >= 6 => {
                cells.add(row_col().0, row_col().1);
                string_excess += unheld_chars(&data[6..], biff8);
            }
            BIFF_STRING => {
                cells.add(formula_at.0, formula_at.1);
                string_excess += unheld_chars(data, biff8);
            }
            BIFF_MULRK if len >= 6 => {
                // calamine computes the column span `last - first + 1` in u16: a span ending
                // before it starts overflows (a panic where overflow is checked; fuzzing
                // finding 10). Otherwise it requires the length to match the span.
                let (first, last) = (le16(data, 2), le16(data, len - 2));
                if last < first {
                    return Err(corrupt(format!(
                        "sheet {name}: the MULRK record at offset {offset} of the {stream} stream ends at column {last}, before its first column {first}"
                    )));
                }
                let n = usize::from(last - first) + 1;
                if len == 6 + 6 * n && n > 0 {
                    let row = u32::from(le16(data, 0));
                    cells.add(row, u32::from(first));
                    cells.add(row, u32::from(first) + n as u32 - 1);
                }
            }
            BIFF_FORMULA if len >= 20 => {
                formula_at = row_col();
                formulas.add(formula_at.0, formula_at.1);
                // A string value comes in the STRING record after it.
                if !(data[6] == 0 && data[12] == 0xFF && data[13] == 0xFF) {
                    cells.add(formula_at.0, formula_at.1);
                }
            }
            BIFF_MERGECELLS => {
                let n = if len >= 2 {
                    usize::from(le16(data, 0))
                } else {
                    0
                };
                if len < 2 + 8 * n {
                    return Err(corrupt(format!(
                        "MERGECELLS record at offset {offset} of sheet {name} declares {n} ranges in {len} bytes"
                    )));
                }
            }
            _ => {}
        }
    }
    for e in [cells, formulas] {
        let (rows, cols) = e.size();
        check_extent(name, rows, cols, limits)?;
    }
    Ok(SheetCells {
        cells: cells.cells(),
        formulas: formulas.cells(),
        string_excess,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::{Duration, Instant};

    fn fixture(rel: &str) -> Vec<u8> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures")
            .join(rel);
        std::fs::read(&p).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run tests/fixtures/hostile/make_hostile.py)",
                p.display()
            )
        })
    }

    fn refused(rel: &str) -> Refused {
        let bytes = fixture(rel);
        let t = Instant::now();
        let r = check(&bytes, &Limits::default());
        let took = t.elapsed();
        assert!(took < Duration::from_secs(2), "{rel}: {took:?}");
        let e = r.expect_err(rel);
        eprintln!("{rel}: {e} ({took:?})");
        e
    }

    #[test]
    fn hostile_looping_fat() {
        let e = refused("hostile/looping-fat.xls");
        assert!(
            matches!(&e, Refused::CorruptStructure { detail } if detail.contains("loops")),
            "{e}"
        );
    }

    #[test]
    fn hostile_truncated_xls() {
        let e = refused("hostile/truncated.xls");
        assert!(
            matches!(&e, Refused::CorruptStructure { detail } if detail.contains("past the end")),
            "{e}"
        );
    }

    /// Fuzzing finding 9, by hand. A small workbook in the mini stream (sectors: 0 FAT,
    /// 1 mini FAT, 2 mini stream data, 3 directory):
    /// - its Workbook entry made empty (size 0) but still starting at mini sector 0: calamine
    ///   reads that sector before it looks at the size, so the empty stream must start at the
    ///   end-of-chain mark;
    /// - the mini stream's data sector moved to the end of the file (swapped with the
    ///   directory) and cut to 40 bytes, the Workbook 64 bytes from mini sector 1: that would
    ///   start at byte 64 of a 40-byte mini stream, which calamine slices without a check (a
    ///   panic).
    #[test]
    fn empty_streams_and_short_mini_streams_are_refused() {
        let stream = workbook(&[], &[("S", grid(0..3, 0..3))]);
        assert!((65..512).contains(&stream.len()), "{}", stream.len());
        let good = xls(&stream);
        assert_eq!(good.len(), 512 * 5);
        assert_eq!(check(&good, &Limits::default()), Ok(Kind::Xls));
        let dir = 512 * 4;
        assert_eq!(&good[dir + 128..dir + 136], &b"W\0o\0r\0k\0"[..]);

        let mut empty = good.clone();
        empty[dir + 128 + 120..dir + 128 + 128].copy_from_slice(&0u64.to_le_bytes());
        let e = check(&empty, &Limits::default()).unwrap_err();
        assert!(
            matches!(&e, Refused::CorruptStructure { detail } if detail == "stream Workbook is empty but its chain starts at sector 0, not at the end-of-chain mark"),
            "{e}"
        );

        let mut short = good[..512 * 3].to_vec();
        short.extend_from_slice(&good[dir..dir + 512]);
        short.extend_from_slice(&good[512 * 3..512 * 3 + 40]);
        short[48..52].copy_from_slice(&2u32.to_le_bytes()); // directory: sector 2
        let root = 512 * 3;
        short[root + 116..root + 120].copy_from_slice(&3u32.to_le_bytes()); // mini stream: 3
                                                                            // The Workbook: 64 bytes from mini sector 1.
        short[root + 128 + 116..root + 128 + 120].copy_from_slice(&1u32.to_le_bytes());
        short[root + 128 + 120..root + 128 + 128].copy_from_slice(&64u64.to_le_bytes());
        let e = check(&short, &Limits::default()).unwrap_err();
        assert!(
            matches!(&e, Refused::CorruptStructure { detail } if detail.contains("stream Workbook points at mini sector 1, past the end of the mini stream") && detail.contains("40 bytes in the file")),
            "{e}"
        );
        // Unguarded, calamine 0.38 reads the first as a workbook without sheets (its mini
        // sector 0 exists; the fuzzed inputs pointed past an empty mini stream and panicked
        // it) and panics on the second (slice index out of range).
        assert_eq!(calamine_sizes(&empty), Ok(vec![]));
        assert!(std::panic::catch_unwind(move || calamine_sizes(&short)).is_err());
    }

    #[test]
    fn hostile_zip_bomb() {
        let e = refused("hostile/zip-bomb.xlsx");
        assert!(
            matches!(&e, Refused::ZipBomb { part: Some(p), .. } if p == "xl/worksheets/sheet1.xml"),
            "{e}"
        );
    }

    #[test]
    fn hostile_lying_sizes() {
        let e = refused("hostile/lying-sizes.xlsx");
        assert!(
            matches!(&e, Refused::ZipBomb { detail, .. } if detail.contains("declared size")),
            "{e}"
        );
        let e = refused("hostile/absurd-sizes.xlsx");
        assert!(
            matches!(&e, Refused::ZipBomb { detail, .. } if detail.contains("declares 4.0 GB")),
            "{e}"
        );
    }

    #[test]
    fn hostile_million_rows() {
        let e = refused("hostile/million-rows.xlsx");
        assert!(
            matches!(&e, Refused::TooManyCells { sheet, .. } if sheet == "xl/worksheets/sheet1.xml"),
            "{e}"
        );
        let e = refused("hostile/million-empty-rows.xlsx");
        assert!(
            matches!(&e, Refused::TooManyRows { row: 1_048_577, .. }),
            "{e}"
        );
        let e = refused("hostile/far-cell.xlsx");
        assert!(
            matches!(
                &e,
                Refused::TooManyCells {
                    rows: 1_048_576,
                    cols: 16_384,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn hostile_deep_nesting() {
        let e = refused("hostile/deep-nesting.xlsx");
        assert!(matches!(&e, Refused::TooDeep { limit: 64, .. }), "{e}");
    }

    #[test]
    fn hostile_string_count() {
        let e = refused("hostile/huge-string-count.xlsx");
        assert!(
            matches!(
                &e,
                Refused::TooManyStrings {
                    declared: 4_000_000_000,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn hostile_not_a_workbook() {
        let e = refused("hostile/not-a-workbook.bin");
        assert!(matches!(e, Refused::NotAWorkbook { .. }), "{e}");
    }

    #[test]
    fn too_large() {
        let limits = Limits {
            max_file_bytes: 20 * MB as usize,
            ..Limits::default()
        };
        let big = vec![b'a'; (25.3 * MB as f64) as usize];
        let e = check(&big, &limits).unwrap_err();
        assert_eq!(e.to_string(), "file too large: 25.3 MB, at most 20 MB");
    }

    #[test]
    fn real_fixtures_pass() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut seen = 0;
        for dir in [
            "attendance/good",
            "kpi/good",
            "kpi/broken",
            "attendance/broken",
        ] {
            for f in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = f.unwrap().path();
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                if !["xlsx", "xls", "csv"].iter().any(|x| name.ends_with(x)) {
                    continue;
                }
                let bytes = std::fs::read(&p).unwrap();
                let r = check(&bytes, &Limits::default());
                match name.as_str() {
                    // Broken on purpose: not a workbook, and a zip cut short.
                    "01-not-a-workbook.xlsx" => {
                        assert!(matches!(r, Err(Refused::NotAWorkbook { .. })), "{r:?}")
                    }
                    "02-truncated.xlsx" => {
                        assert!(matches!(r, Err(Refused::CorruptStructure { .. })), "{r:?}")
                    }
                    // A zip with no workbook in it.
                    "21-empty-zip.xlsx" => {
                        assert!(matches!(r, Err(Refused::NotExcel { .. })), "{r:?}")
                    }
                    _ => {
                        let kind = r.unwrap_or_else(|e| panic!("{dir}/{name}: {e}"));
                        let want = match () {
                            _ if name.ends_with(".xls") => Kind::Xls,
                            _ if name.ends_with(".csv") => Kind::Text,
                            _ => Kind::Xlsx,
                        };
                        assert_eq!(kind, want, "{name}");
                    }
                }
                seen += 1;
            }
        }
        assert!(seen >= 20, "{seen}");
    }

    #[test]
    fn hostile_xls_cells() {
        for f in ["hostile/far-cell.xls", "hostile/far-cell-nodim.xls"] {
            let e = refused(f);
            assert!(
                matches!(
                    &e,
                    Refused::TooManyCells { sheet, rows: 65_536, cols: 256, limit: 5_000_000 }
                        if sheet == "Sheet1"
                ),
                "{f}: {e}"
            );
        }
        let e = refused("hostile/huge-dimensions.xls");
        assert!(
            matches!(
                &e,
                Refused::TooManyCells {
                    rows: 4_294_967_295,
                    cols: 256,
                    ..
                }
            ),
            "{e}"
        );
        let e = refused("hostile/label-capacity.xls");
        assert!(
            matches!(&e, Refused::CorruptStructure { detail } if detail.contains("6553500000 characters more than they hold")),
            "{e}"
        );
    }

    // --- xls written here: BIFF8 records in a compound file, read back by calamine too.

    fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    fn bof(dt: u16) -> Vec<u8> {
        let d = cat(&[
            &0x0600u16.to_le_bytes(),
            &dt.to_le_bytes(),
            &[0xBB, 0x0D, 0xCC, 0x07],
            &[0; 4],
            &0x0206u32.to_le_bytes(),
        ]);
        rec(BIFF_BOF, &d)
    }

    fn eof() -> Vec<u8> {
        rec(BIFF_EOF, &[])
    }

    fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
        let d = cat(&[
            &row.to_le_bytes(),
            &col.to_le_bytes(),
            &[0, 0],
            &v.to_le_bytes(),
        ]);
        rec(BIFF_NUMBER, &d)
    }

    fn dims(r0: u32, r1: u32, c0: u16, c1: u16) -> Vec<u8> {
        let d = cat(&[
            &r0.to_le_bytes(),
            &r1.to_le_bytes(),
            &c0.to_le_bytes(),
            &c1.to_le_bytes(),
            &[0, 0],
        ]);
        rec(BIFF_DIMENSIONS, &d)
    }

    fn boundsheet(pos: u32, name: &str) -> Vec<u8> {
        let d = cat(&[
            &pos.to_le_bytes(),
            &[0, 0, name.len() as u8, 0],
            name.as_bytes(),
        ]);
        rec(BIFF_BOUNDSHEET, &d)
    }

    /// A Workbook stream: `globals` (after BOF), one BOUNDSHEET per sheet, EOF, then each
    /// sheet's substream (BOF, its records, EOF).
    fn workbook(globals: &[u8], sheets: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let head = |pos: &[u32]| {
            let mut g = cat(&[&bof(0x0005), globals]);
            for ((name, _), p) in sheets.iter().zip(pos) {
                g.extend(boundsheet(*p, name));
            }
            g.extend(eof());
            g
        };
        let mut pos = Vec::new();
        let mut at = head(&vec![0; sheets.len()]).len() as u32;
        for (_, body) in sheets {
            pos.push(at);
            at += (bof(0x0010).len() + body.len() + eof().len()) as u32;
        }
        let mut s = head(&pos);
        for (_, body) in sheets {
            s.extend(cat(&[&bof(0x0010), body, &eof()]));
        }
        s
    }

    /// A compound file (512-byte sectors) holding `stream` as "Workbook": in regular
    /// sectors if it is 4096 bytes or more, else in the mini stream.
    fn xls(stream: &[u8]) -> Vec<u8> {
        const END: u32 = ENDOFCHAIN;
        let mini = stream.len() < MINI_CUTOFF as usize;
        let padded = |b: &[u8], unit: usize| {
            let mut b = b.to_vec();
            b.resize(b.len().div_ceil(unit).max(1) * unit, 0);
            b
        };
        // Regular sectors after the FAT: [minifat] data... directory.
        let (data, minifat) = if mini {
            let m = padded(stream, 64);
            let n = (m.len() / 64) as u32;
            let mut mf: Vec<u32> = (1..n).chain([END]).collect();
            mf.resize(128, u32::MAX);
            (padded(&m, 512), Some(mf))
        } else {
            (padded(stream, 512), None)
        };
        let n_data = (data.len() / 512) as u32;
        let extra = u32::from(minifat.is_some());
        let mut n_fat = 1u32;
        while 128 * n_fat < n_fat + extra + n_data + 1 {
            n_fat += 1;
        }
        let first_data = n_fat + extra;
        let dir = first_data + n_data;
        let mut fat: Vec<u32> = vec![0xFFFF_FFFD; n_fat as usize];
        if extra == 1 {
            fat.push(END);
        }
        fat.extend((first_data + 1..first_data + n_data).chain([END]));
        fat.push(END);
        fat.resize(128 * n_fat as usize, u32::MAX);
        let mut h = cat(&[
            CFB_MAGIC,
            &[0; 16],
            &[0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0],
            &[0; 6],
        ]);
        let (mf_start, mf_count) = if mini { (n_fat, 1) } else { (END, 0) };
        for v in [0, n_fat, dir, 0, 4096, mf_start, mf_count, END, 0] {
            h.extend(v.to_le_bytes());
        }
        for k in 0..109 {
            h.extend((if k < n_fat { k } else { u32::MAX }).to_le_bytes());
        }
        let entry = |name: &str, kind: u8, start: u32, size: u64, child: u32| {
            let units: Vec<u8> = name
                .encode_utf16()
                .chain([0])
                .flat_map(u16::to_le_bytes)
                .collect();
            let mut e = units.clone();
            e.resize(64, 0);
            e.extend((units.len() as u16).to_le_bytes());
            e.extend([kind, 1]);
            for v in [u32::MAX, u32::MAX, child] {
                e.extend(v.to_le_bytes());
            }
            e.extend([0; 36]);
            e.extend(start.to_le_bytes());
            e.extend(size.to_le_bytes());
            e
        };
        let (root_start, root_size, wb_start) = if mini {
            (first_data, data.len() as u64, 0)
        } else {
            (END, 0, first_data)
        };
        let mut d = cat(&[
            &entry("Root Entry", 5, root_start, root_size, 1),
            &entry("Workbook", 2, wb_start, stream.len() as u64, u32::MAX),
        ]);
        d.resize(512, 0);
        let mut out = h;
        for v in &fat {
            out.extend(v.to_le_bytes());
        }
        if let Some(mf) = minifat {
            for v in mf {
                out.extend(v.to_le_bytes());
            }
        }
        out.extend(data);
        out.extend(d);
        out
    }

    /// What calamine makes of it: each sheet's range size, or its error.
    fn calamine_sizes(bytes: &[u8]) -> Result<Vec<(usize, usize)>, String> {
        use calamine::Reader;
        let mut wb: calamine::Xls<_> =
            calamine::Xls::new(Cursor::new(bytes.to_vec())).map_err(|e| e.to_string())?;
        Ok(wb.worksheets().iter().map(|(_, r)| r.get_size()).collect())
    }

    fn grid(rows: std::ops::Range<u16>, cols: std::ops::Range<u16>) -> Vec<u8> {
        let mut b = dims(
            u32::from(rows.start),
            u32::from(rows.end),
            cols.start,
            cols.end,
        );
        for r in rows {
            for c in cols.clone() {
                b.extend(number(r, c, f64::from(r) + f64::from(c) / 100.0));
            }
        }
        b
    }

    fn small_limits() -> Limits {
        Limits {
            max_cells: 2000,
            ..Limits::default()
        }
    }

    #[test]
    fn xls_within_limits_pass() {
        // 200 x 10, in regular sectors; and a small one in the mini stream.
        for (rows, cols) in [(5..205, 3..13), (0..3, 0..2)] {
            let bytes = xls(&workbook(
                &[],
                &[("Data", grid(rows.clone(), cols.clone()))],
            ));
            assert_eq!(check(&bytes, &Limits::default()), Ok(Kind::Xls));
            assert_eq!(check(&bytes, &small_limits()), Ok(Kind::Xls));
            let want = (rows.len(), cols.len());
            assert_eq!(calamine_sizes(&bytes), Ok(vec![want]));
        }
    }

    #[test]
    fn xls_limits_match_calamine() {
        let limits = small_limits();
        let one = |body: Vec<u8>| xls(&workbook(&[], &[("S", body)]));
        let too_many = |bytes: &[u8], r: u64, c: u64| {
            let e = check(bytes, &limits).unwrap_err();
            assert!(
                matches!(&e, Refused::TooManyCells { sheet, rows, cols, .. } if sheet == "S" && *rows == r && *cols == c),
                "{e}"
            );
        };
        // 201 x 10 by cells (no DIMENSIONS), and by DIMENSIONS alone.
        let b = one(cat(&[&number(0, 0, 1.0), &number(200, 9, 1.0)]));
        assert_eq!(calamine_sizes(&b), Ok(vec![(201, 10)]));
        too_many(&b, 201, 10);
        too_many(
            &one(cat(&[&dims(0, 201, 0, 10), &number(0, 0, 1.0)])),
            201,
            10,
        );
        // DIMENSIONS ending before they start: calamine's `end - start + 1` overflows u32,
        // to 4 294 967 291 rows (10..5), or to 0 (first row 1, last row + 1 = 1; columns
        // 3..3), a panic where overflow is checked (fuzzing finding 8).
        for (d, what) in [
            (dims(10, 5, 0, 1), "rows 10..5, columns 0..1"),
            (dims(1, 1, 0, 1), "rows 1..1, columns 0..1"),
            (dims(0, 1, 3, 3), "rows 0..1, columns 3..3"),
        ] {
            let e = check(&one(d), &limits).unwrap_err();
            assert!(
                matches!(&e, Refused::CorruptStructure { detail } if detail.contains("sheet S: the DIMENSIONS record") && detail.contains(what)),
                "{e}"
            );
        }
        // An empty sheet's DIMENSIONS (all zero) and a one-cell range are fine.
        assert_eq!(check(&one(dims(0, 0, 0, 0)), &limits), Ok(Kind::Xls));
        assert_eq!(check(&one(dims(4, 5, 2, 3)), &limits), Ok(Kind::Xls));
        // MULRK: row 3, columns 250..=255 (6 RK values), with a cell at A1.
        let mut m = cat(&[&3u16.to_le_bytes(), &250u16.to_le_bytes()]);
        for _ in 250..=255 {
            m.extend([0, 0, 0x02, 0, 0, 0]);
        }
        m.extend(255u16.to_le_bytes());
        let b = one(cat(&[&number(0, 0, 1.0), &rec(BIFF_MULRK, &m)]));
        assert_eq!(calamine_sizes(&b), Ok(vec![(4, 256)]));
        assert_eq!(check(&b, &Limits::default()), Ok(Kind::Xls));
        let b = one(cat(&[
            &number(0, 0, 1.0),
            &number(7, 0, 1.0),
            &rec(BIFF_MULRK, &m),
        ]));
        too_many(&b, 8, 256);
        // A MULRK ending before it starts (columns 5..4, one value): calamine's u16 span
        // overflows (fuzzing finding 10).
        let mut bad = cat(&[&3u16.to_le_bytes(), &5u16.to_le_bytes()]);
        bad.extend([0, 0, 0x02, 0, 0, 0]);
        bad.extend(4u16.to_le_bytes());
        let e = check(&one(rec(BIFF_MULRK, &bad)), &limits).unwrap_err();
        assert!(
            matches!(&e, Refused::CorruptStructure { detail } if detail.contains("sheet S: the MULRK record at offset") && detail.contains("ends at column 4, before its first column 5")),
            "{e}"
        );
        // BLANK and MULBLANK are ignored by calamine, so here.
        let blank = rec(0x0201, &cat(&[&60000u16.to_le_bytes(), &[200, 0, 0, 0]]));
        let b = one(cat(&[&number(0, 0, 1.0), &blank]));
        assert_eq!(calamine_sizes(&b), Ok(vec![(1, 1)]));
        assert_eq!(check(&b, &limits), Ok(Kind::Xls));
        // A FORMULA's position makes its own range.
        let mut f = cat(&[&300u16.to_le_bytes(), &20u16.to_le_bytes(), &[0, 0]]);
        f.extend(1.5f64.to_le_bytes());
        f.extend([0; 6]);
        f.extend([3, 0, 0x1E, 7, 0]); // cce 3: ptgInt 7
        let b = one(cat(&[&number(0, 0, 1.0), &rec(BIFF_FORMULA, &f)]));
        assert_eq!(calamine_sizes(&b), Ok(vec![(301, 21)]));
        too_many(&b, 301, 21);
        // A nested substream (an embedded chart) is skipped, as calamine skips it.
        let b = one(cat(&[
            &number(0, 0, 1.0),
            &bof(0x0020),
            &number(60000, 200, 1.0),
            &eof(),
        ]));
        assert_eq!(calamine_sizes(&b), Ok(vec![(1, 1)]));
        assert_eq!(check(&b, &limits), Ok(Kind::Xls));
    }

    #[test]
    fn xls_sheets_together() {
        let limits = small_limits();
        let g = || grid(0..100, 0..15);
        let b = xls(&workbook(&[], &[("A", g()), ("B", g())]));
        assert_eq!(calamine_sizes(&b), Ok(vec![(100, 15), (100, 15)]));
        let e = check(&b, &limits).unwrap_err();
        assert!(
            matches!(
                e,
                Refused::WorkbookTooManyCells {
                    sheets: 2,
                    cells: 3000,
                    limit: 2000
                }
            ),
            "{e}"
        );
        assert_eq!(check(&b, &Limits::default()), Ok(Kind::Xls));
        // Many BOUNDSHEETs naming one sheet: calamine builds it for each.
        let mut s = workbook(&[], &[("A", grid(0..10, 0..15))]);
        let at = s.windows(4).position(|w| w == [0x85, 0, 9, 0]).unwrap();
        let one = s[at..at + 13].to_vec();
        for k in 1..20u8 {
            let mut more = one.clone();
            more[12] = b'A' + k;
            s.splice(at..at, more);
        }
        // The BOUNDSHEETs moved the sheet: fix their offsets.
        let pos = s
            .windows(4)
            .rposition(|w| w == [0x09, 0x08, 16, 0])
            .unwrap() as u32;
        for k in 0..20 {
            s[at + 13 * k + 4..at + 13 * k + 8].copy_from_slice(&pos.to_le_bytes());
        }
        let b = xls(&s);
        assert_eq!(calamine_sizes(&b).map(|v| v.len()), Ok(20));
        let e = check(&b, &limits).unwrap_err();
        assert!(
            matches!(
                e,
                Refused::WorkbookTooManyCells {
                    sheets: 14,
                    cells: 2100,
                    ..
                }
            ),
            "{e}"
        );
    }

    /// Workbook-globals records calamine reads a u16 from without a length check: an empty
    /// CodePage (fuzzing finding 11) or DateMode panics it; with their two bytes they pass.
    #[test]
    fn short_codepage_and_datemode_records_are_refused() {
        let sheet = [("S", number(0, 0, 1.0))];
        for (typ, what) in [(BIFF_CODEPAGE, "CodePage"), (BIFF_DATEMODE, "DateMode")] {
            let b = xls(&workbook(&rec(typ, &[]), &sheet));
            let e = check(&b, &Limits::default()).unwrap_err();
            assert!(
                matches!(&e, Refused::CorruptStructure { detail } if detail.starts_with(&format!("{what} record at offset 20 of the Workbook stream has 0 bytes, calamine reads 2"))),
                "{e}"
            );
            let b2 = b.clone();
            assert!(std::panic::catch_unwind(move || calamine_sizes(&b2)).is_err());
            let ok = xls(&workbook(&rec(typ, &1200u16.to_le_bytes()), &sheet));
            assert_eq!(check(&ok, &Limits::default()), Ok(Kind::Xls));
            assert_eq!(calamine_sizes(&ok), Ok(vec![(1, 1)]));
        }
    }

    #[test]
    fn xls_encrypted_and_sst() {
        let far = cat(&[&number(0, 0, 1.0), &number(65535, 255, 1.0)]);
        // RC4 encrypted: calamine refuses it before reading any sheet.
        let b = xls(&workbook(
            &rec(BIFF_FILEPASS, &[1, 0, 1, 0]),
            &[("S", far.clone())],
        ));
        assert_eq!(check(&b, &Limits::default()), Ok(Kind::Xls));
        let e = calamine_sizes(&b).unwrap_err();
        assert!(e.contains("password protected"), "{e}");
        // XOR obfuscation (type 0): calamine reads on, taking the bytes as they are.
        let b = xls(&workbook(&rec(BIFF_FILEPASS, &[0, 0, 1, 0]), &[("S", far)]));
        assert!(matches!(
            check(&b, &Limits::default()),
            Err(Refused::TooManyCells { rows: 65_536, .. })
        ));
        // An SST declaring four billion strings: calamine ignores the counts.
        let sst = cat(&[
            &4_000_000_000u32.to_le_bytes(),
            &4_000_000_000u32.to_le_bytes(),
            &[2, 0, 0],
            b"ok",
        ]);
        let label = rec(
            BIFF_LABELSST,
            &cat(&[&[0, 0, 0, 0, 0, 0], &0u32.to_le_bytes()]),
        );
        let b = xls(&workbook(&rec(0x00FC, &sst), &[("S", label)]));
        assert_eq!(check(&b, &Limits::default()), Ok(Kind::Xls));
        assert_eq!(calamine_sizes(&b), Ok(vec![(1, 1)]));
    }

    #[test]
    fn xls_corrupt_records() {
        let corrupt_with = |b: &[u8], what: &str| {
            let e = check(b, &Limits::default()).unwrap_err();
            assert!(
                matches!(&e, Refused::CorruptStructure { detail } if detail.contains(what)),
                "{e}"
            );
        };
        // A record running past the end of the stream, inside a sheet.
        let mut s = workbook(&[], &[("S", number(0, 0, 1.0))]);
        let n = s.len();
        s[n - 4..].copy_from_slice(&[0x03, 0x02, 0xFF, 0x00]);
        corrupt_with(&xls(&s), "past the end of the stream");
        // A sheet starting past the end of the stream.
        let mut s = workbook(&[], &[("S", number(0, 0, 1.0))]);
        let at = s.windows(2).position(|w| w == [0x85, 0]).unwrap();
        s[at + 4..at + 8].copy_from_slice(&1_000_000u32.to_le_bytes());
        corrupt_with(&xls(&s), "past the end of the Workbook stream");
        // Sheets starting at every record of one long sheet (quadratic work).
        let filler: Vec<u8> = (0..20_000).flat_map(|_| rec(0x0000, &[])).collect();
        let mut s = workbook(&[], &[("S", filler)]);
        let at = s.windows(2).position(|w| w == [0x85, 0]).unwrap();
        let pos = le32(&s, at + 4);
        let more: Vec<u8> = (0..20_000u32)
            .flat_map(|k| boundsheet(pos + 4 * k, "x"))
            .collect();
        let shift = more.len() as u32;
        s.splice(at..at, more);
        for k in 0..20_001 {
            let o = at + 13 * k + 4;
            let p = le32(&s, o) + shift;
            s[o..o + 4].copy_from_slice(&p.to_le_bytes());
        }
        let t = Instant::now();
        corrupt_with(&xls(&s), "overlap");
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn every_xls_fixture_outside_hostile_passes() {
        fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
            for f in std::fs::read_dir(dir).unwrap() {
                let p = f.unwrap().path();
                if p.is_dir() {
                    if !p.ends_with("hostile") {
                        walk(&p, out);
                    }
                } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xls")) {
                    out.push(p);
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures"),
            &mut found,
        );
        assert!(!found.is_empty());
        for p in found {
            let bytes = std::fs::read(&p).unwrap();
            assert_eq!(
                check(&bytes, &Limits::default()),
                Ok(Kind::Xls),
                "{}",
                p.display()
            );
            assert!(calamine_sizes(&bytes).is_ok(), "{}", p.display());
        }
    }

    #[test]
    fn workbooks_written_here_pass() {
        // A wide, long sheet written with rust_xlsxwriter, within the limits.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for r in 0..2000u32 {
            for c in 0..20u16 {
                ws.write_number(r, c, f64::from(r) * 0.5).unwrap();
            }
        }
        ws.write_string(2000, 0, "合计").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert_eq!(check(&bytes, &Limits::default()), Ok(Kind::Xlsx));
    }

    #[test]
    fn xml_scanner_details() {
        let limits = Limits::default();
        let mut x = XmlScan::new(&limits);
        let xml = br#"<?xml version="1.0"?><!-- <a> --><worksheet xmlns="x"><dimension ref="B2:C3"/><sheetData><row r="2"><c r="B2" t='s'><v>1</v></c><c><v>2</v></c></row><row><c/></row></sheetData><![CDATA[<<<]]></worksheet>"#;
        for chunk in xml.chunks(3) {
            x.feed(chunk, "s").unwrap();
        }
        assert_eq!(x.depth, 0);
        assert_eq!(x.bbox, Some((2, 3, 1, 3)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((16_384, Some(1_048_576))));
        assert_eq!(cell_ref(b"$A$1"), Some((1, Some(1))));
        assert_eq!(size_text(25 * MB + 3 * MB / 10 + 1), "25.3 MB");
    }

    /// Found by fuzzing (fuzz/README.md, target kpi_parse): a compound-file header that
    /// passes the xls checks, with a zip behind it whose sheet has cells A1 and XFD1048576.
    /// calamine, failing to read it as xls, opened the zip and sized the 17-billion-cell
    /// range (a 512 GB allocation: the process aborted).
    #[test]
    fn fuzz_zip_behind_compound_file_header() {
        let e = refused("fuzz-regressions/cfb-header-before-far-cell-zip.bin");
        assert!(
            matches!(
                &e,
                Refused::TooManyCells {
                    rows: 1_048_576,
                    cols: 16_384,
                    ..
                }
            ),
            "{e}"
        );
    }

    /// Every input kept from a fuzz finding is refused, within the time bound, without
    /// panicking.
    #[test]
    fn fuzz_regressions_refused() {
        let dir =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/fuzz-regressions");
        let mut n = 0;
        for entry in std::fs::read_dir(&dir).expect("tests/fixtures/fuzz-regressions") {
            let name = entry.expect("directory entry").file_name();
            refused(&format!("fuzz-regressions/{}", name.to_string_lossy()));
            n += 1;
        }
        assert!(n > 0, "no file in {}", dir.display());
    }

    /// Fuzzing finding: an OpenDocument spreadsheet whose rows and columns repeat by attribute
    /// made calamine's ODS reader allocate past 1 GB; only Excel's xlsx is read, so an ODS
    /// (and an xlsb) is refused by name, and a real xlsx still passes.
    #[test]
    fn only_excel_zips_are_read() {
        let ods = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/fuzz-regressions/ods-repeat-bomb.ods"
        ))
        .unwrap();
        let e = check(&ods, &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("OpenDocument"), "{e}");
        let mut w = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut w);
            let o = zip::write::SimpleFileOptions::default();
            z.start_file("[Content_Types].xml", o).unwrap();
            z.start_file("xl/workbook.bin", o).unwrap();
            z.finish().unwrap();
        }
        let e = check(w.get_ref(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains("xlsb"), "{e}");
        let good = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/attendance/good/template-2026-03.xlsx"
        ))
        .unwrap();
        assert_eq!(check(&good, &Limits::default()), Ok(Kind::Xlsx));
    }
}
