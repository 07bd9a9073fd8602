//! Reading a CSV file or a workbook sheet as a grid of cells, keeping each row's
//! number as the user sees it (the CSV line, the sheet row). The rows are handed out
//! one at a time, borrowed from the file's text or the sheet: a large export is never
//! held a second time as a cell per value.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use calamine::{Data, Reader};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    Date(NaiveDate),
}

pub struct Line<'a> {
    /// Line of the CSV file (the header is line 1) or row of the sheet.
    pub number: usize,
    pub cells: Vec<Cell<'a>>,
}

pub struct Grid {
    pub headers: Vec<String>,
    /// The line (or sheet row) of the headers.
    pub header_line: usize,
    body: Body,
}

/// What a CSV file's fingerprint is taken from: its text when that holds the file's bytes
/// (all but a UTF-8 byte order mark), so that it can be taken while the rows are read;
/// else the fingerprint itself, taken before another encoding was decoded.
enum Fingerprint {
    OfText { bom: bool },
    Taken(String),
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

enum Body {
    Csv {
        path: PathBuf,
        text: String,
        delimiter: u8,
        /// Where the rows may be cut into runs read side by side: line ends outside
        /// quoted cells, after the header.
        cuts: Vec<Cut>,
        fingerprint: Fingerprint,
    },
    Sheet {
        fingerprint: String,
        range: calamine::Range<Data>,
        /// Rows of the range before the first data row (the header's and those above).
        skipped: usize,
        /// Sheet row of the range's first row.
        first_row: usize,
        /// The number of runs of rows to read side by side.
        parts: usize,
    },
}

/// The start of a run of rows in a CSV text: its byte and its line.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cut {
    byte: usize,
    line: usize,
}

/// A run of consecutive rows of a grid, readable on its own thread.
pub enum Part<'g> {
    Csv {
        path: &'g Path,
        headers: &'g [String],
        text: &'g str,
        /// Whether the run starts with the header line (the first run).
        header: bool,
        first_line: usize,
        delimiter: u8,
    },
    Sheet {
        range: &'g calamine::Range<Data>,
        rows: std::ops::Range<usize>,
        first_row: usize,
    },
}

/// From this size (bytes of a CSV file, rows of a sheet) a file is read in runs side
/// by side, one per core: below it the threads would not pay for themselves.
const LARGE_CSV: usize = 4 << 20;
const LARGE_SHEET: usize = 50_000;

fn parts_for(size: usize, large: usize, forced: Option<usize>) -> usize {
    match forced {
        Some(parts) => parts.max(1),
        None if size < large => 1,
        None => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
    }
}

impl Grid {
    /// SHA-256 of the file's bytes, as `sha256sum` prints it.
    pub fn fingerprint(&self) -> String {
        match &self.body {
            Body::Csv {
                text,
                fingerprint: Fingerprint::OfText { bom },
                ..
            } => {
                let bom = if *bom { UTF8_BOM } else { b"" };
                crate::digest::sha256_joined([bom, text.as_bytes()])
            }
            Body::Csv {
                fingerprint: Fingerprint::Taken(fingerprint),
                ..
            }
            | Body::Sheet { fingerprint, .. } => fingerprint.clone(),
        }
    }

    /// The rows as runs of consecutive rows, in order, to be read side by side.
    pub fn parts(&self) -> Vec<Part<'_>> {
        match &self.body {
            Body::Csv {
                path,
                text,
                delimiter,
                cuts,
                ..
            } => {
                let starts = std::iter::once(Cut { byte: 0, line: 1 }).chain(cuts.iter().copied());
                let ends = cuts
                    .iter()
                    .map(|c| c.byte)
                    .chain(std::iter::once(text.len()));
                starts
                    .zip(ends)
                    .map(|(start, end)| Part::Csv {
                        path,
                        headers: &self.headers,
                        text: &text[start.byte..end],
                        header: start.byte == 0,
                        first_line: start.line,
                        delimiter: *delimiter,
                    })
                    .collect()
            }
            Body::Sheet {
                range,
                skipped,
                first_row,
                parts,
                ..
            } => {
                let height = range.height().max(*skipped);
                let size = (height - skipped).div_ceil(*parts).max(1);
                (*skipped..height)
                    .step_by(size)
                    .map(|from| Part::Sheet {
                        range,
                        rows: from..(from + size).min(height),
                        first_row: *first_row,
                    })
                    .collect()
            }
        }
    }

    /// Hands each non-empty row to `visit`, in order; stops at the first error.
    pub fn for_each_line(&self, mut visit: impl FnMut(&Line) -> Result<()>) -> Result<()> {
        self.parts()
            .iter()
            .try_for_each(|part| part.for_each_line(&mut visit))
    }
}

impl Part<'_> {
    /// Hands each non-empty row of the run to `visit`, in order; stops at the first error.
    pub fn for_each_line(&self, mut visit: impl FnMut(&Line) -> Result<()>) -> Result<()> {
        match self {
            Part::Csv {
                path,
                headers,
                text,
                header,
                first_line,
                delimiter,
            } => csv_lines(
                path,
                text,
                (*header, *first_line),
                *delimiter,
                headers,
                visit,
            ),
            Part::Sheet {
                range,
                rows,
                first_row,
            } => {
                let run = range.rows().enumerate().skip(rows.start).take(rows.len());
                for (i, row) in run {
                    let cells: Vec<Cell> = row.iter().map(cell_of).collect();
                    if cells.iter().any(|c| *c != Cell::Empty) {
                        visit(&Line {
                            number: first_row + i + 1,
                            cells,
                        })?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// What a profile may force when reading a CSV file.
#[derive(Default, Clone, Copy)]
pub struct CsvOptions {
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub delimiter: Option<u8>,
}

pub fn read(path: &Path, sheet: Option<&str>, options: CsvOptions) -> Result<Grid> {
    read_in_parts(path, sheet, options, None)
}

/// [`read`], with the number of runs of rows forced (by default, from the file's size).
pub fn read_in_parts(
    path: &Path,
    sheet: Option<&str>,
    options: CsvOptions,
    parts: Option<usize>,
) -> Result<Grid> {
    // Not every failure is a missing file: a folder on the way the user may not enter
    // is said as such.
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            anyhow!("Le fichier « {} » est introuvable.", path.display())
        }
        _ => anyhow!(
            "Impossible de lire le fichier « {} » : {}.",
            path.display(),
            crate::format::io_error(&e)
        ),
    })?;
    if !meta.is_file() {
        crate::input::regular(path, "le fichier")?;
    }
    if meta.len() == 0 {
        return Err(anyhow!("Le fichier « {} » est vide.", path.display()));
    }
    match sheet {
        _ if is_workbook(path) => read_workbook(path, sheet, parts),
        Some(sheet) => Err(anyhow!(
            "Le fichier « {} » n'est pas un classeur (XLSX, XLS ou ODS) : il n'a pas de feuille « {sheet} ».",
            path.display()
        )),
        None => read_csv(path, options, parts),
    }
}

fn to_text(bytes: Vec<u8>) -> (String, Fingerprint) {
    let bom = bytes.starts_with(UTF8_BOM);
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if bom {
                text.drain(..UTF8_BOM.len());
            }
            (text, Fingerprint::OfText { bom })
        }
        // Text that is not UTF-8 comes from Excel on Windows, hence Windows-1252.
        Err(e) => {
            let bytes = e.as_bytes();
            let text = encoding_rs::WINDOWS_1252
                .decode(&bytes[if bom { UTF8_BOM.len() } else { 0 }..])
                .0
                .into_owned();
            (text, Fingerprint::Taken(crate::digest::sha256(bytes)))
        }
    }
}

/// UTF-16 text (« Unicode text » of Excel): by its BOM, or by the zero byte beside
/// each ASCII character.
fn utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match bytes {
        [0xFF, 0xFE, ..] => return Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => return Some(encoding_rs::UTF_16BE),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(512) & !1];
    let zeros_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|(i, b)| i % 2 == parity && **b == 0)
            .count()
    };
    let half = head.len() / 2;
    if half >= 4 && zeros_at(1) * 10 >= half * 9 && zeros_at(0) == 0 {
        Some(encoding_rs::UTF_16LE)
    } else if half >= 4 && zeros_at(0) * 10 >= half * 9 && zeros_at(1) == 0 {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// The delimiter is the one of `;`, `,` and tab that occurs most in the header line,
/// outside quotes.
fn delimiter(text: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut in_quotes = false;
    for c in text.bytes() {
        if !in_quotes && (c == b'\n' || c == b'\r') {
            break;
        }
        if c == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes {
            for (sep, n) in &mut counts {
                if c == *sep {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map(|(s, _)| *s)
        .unwrap_or(b',')
}

/// Line numbers as an editor shows them. The csv crate's own line count misses CRLF
/// line ends and blank lines, and its byte position is where the previous record
/// ended: the line ends after it are skipped. Records come in order, so the count of
/// line ends goes on from the previous record.
struct LineCounter<'t> {
    bytes: &'t [u8],
    at: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> usize {
        let mut start = (byte as usize).clamp(self.at, self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        self.line += line_ends(&self.bytes[self.at..start]);
        self.at = start;
        self.line
    }
}

fn csv_reader(text: &str, delimiter: u8, header: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(header)
        .from_reader(text.as_bytes())
}

/// Line ends as editors count them: LF, CRLF, and the lone CR of old Mac files.
fn line_ends(bytes: &[u8]) -> usize {
    if memchr::memchr(b'\r', bytes).is_none() {
        return memchr::memchr_iter(b'\n', bytes).count();
    }
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// What one pass over a CSV text finds: the line of a quote that opens a cell nothing
/// closes before the end of the file, and where to cut the rows into runs.
struct Scan {
    unclosed: Option<usize>,
    cuts: Vec<Cut>,
}

/// Reads the text as the csv reader does — a quote opens a quoted cell only at the
/// start of a cell, and `""` inside one is a quote — jumping from one quote that opens a
/// cell to the next: the line ends of the text between them are counted in one sweep,
/// not found one by one. Cuts fall on the first line end outside quoted cells from each
/// `parts`-th of the text.
fn scan(text: &str, delimiter: u8, parts: usize) -> Scan {
    let bytes = text.as_bytes();
    let mut targets = (1..parts).map(|k| k * bytes.len() / parts).peekable();
    let mut cuts = Vec::new();
    let mut line = 1;
    let mut at = 0;
    loop {
        let opening = quote_opening_cell(bytes, at, delimiter);
        let end = opening.unwrap_or(bytes.len());
        while let Some(&target) = targets.peek()
            && target < end
        {
            let from = target.max(at);
            let Some(found) = memchr::memchr(b'\n', &bytes[from..end]) else {
                break;
            };
            let cut = from + found + 1;
            line += line_ends(&bytes[at..cut]);
            at = cut;
            cuts.push(Cut { byte: cut, line });
            targets.next();
        }
        line += line_ends(&bytes[at..end]);
        let Some(opening) = opening else {
            return Scan {
                unclosed: None,
                cuts,
            };
        };
        let Some(closing) = closing_quote(bytes, opening + 1) else {
            return Scan {
                unclosed: Some(line),
                cuts,
            };
        };
        line += line_ends(&bytes[opening..closing]);
        at = closing + 1;
    }
}

/// The first quote from `from` that starts a cell: at the start of the text or of a line,
/// or after a delimiter. A quote inside unquoted text is a character like another.
fn quote_opening_cell(bytes: &[u8], mut from: usize, delimiter: u8) -> Option<usize> {
    loop {
        let i = from + memchr::memchr(b'"', &bytes[from..])?;
        if i == 0 || matches!(bytes[i - 1], b'\n' | b'\r') || bytes[i - 1] == delimiter {
            return Some(i);
        }
        from = i + 1;
    }
}

/// The quote that closes a quoted cell whose text starts at `from`, `""` being a quote
/// of the text.
fn closing_quote(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let i = from + memchr::memchr(b'"', &bytes[from..])?;
        if bytes.get(i + 1) != Some(&b'"') {
            return Some(i);
        }
        from = i + 2;
    }
}

fn read_csv(path: &Path, options: CsvOptions, parts: Option<usize>) -> Result<Grid> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(
            "Impossible de lire le fichier « {} » : {}.",
            path.display(),
            crate::format::io_error(&e)
        )
    })?;
    let utf16 = utf16(&bytes);
    if utf16.is_none()
        && (bytes.iter().take(8192).any(|&b| b == 0) || bytes.starts_with(b"PK\x03\x04"))
    {
        return Err(anyhow!(
            "Le fichier « {} » n'est pas un fichier CSV lisible (contenu binaire) : s'il s'agit d'un classeur, donnez-lui l'extension .xlsx, .xls ou .ods.",
            path.display()
        ));
    }
    let (text, fingerprint) = match options.encoding.or(utf16) {
        Some(encoding) => (
            encoding.decode_with_bom_removal(&bytes).0.into_owned(),
            Fingerprint::Taken(crate::digest::sha256(&bytes)),
        ),
        None => to_text(bytes),
    };
    let delimiter = options.delimiter.unwrap_or_else(|| delimiter(&text));
    let scan = scan(&text, delimiter, parts_for(text.len(), LARGE_CSV, parts));
    if let Some(line) = scan.unclosed {
        return Err(anyhow!(
            "Fichier « {} », ligne {line} : un guillemet (\") ouvre une cellule que rien ne ferme avant la fin du fichier ; tout ce qui suit serait lu comme une seule cellule. Corrigez ou supprimez ce guillemet.",
            path.display()
        ));
    }
    let mut reader = csv_reader(&text, delimiter, true);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| {
            anyhow!(
                "Fichier « {} » : ligne d'en-tête illisible.",
                path.display()
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if let Some(column) = headers.iter().position(|h| h.contains(['\n', '\r'])) {
        return Err(anyhow!(
            "Fichier « {} », ligne 1 (colonne n° {}) : un guillemet (\") de l'en-tête ouvre une cellule fermée des lignes plus loin ; corrigez ou supprimez ce guillemet.",
            path.display(),
            column + 1
        ));
    }
    // The first run holds the header line.
    let header_end = reader.position().byte() as usize;
    let cuts = scan
        .cuts
        .into_iter()
        .filter(|c| c.byte > header_end)
        .collect();
    Ok(Grid {
        headers,
        header_line: 1,
        body: Body::Csv {
            path: path.to_path_buf(),
            text,
            delimiter,
            cuts,
            fingerprint,
        },
    })
}

/// The rows of a run of a CSV text, the first run holding the header line.
fn csv_lines(
    path: &Path,
    text: &str,
    (header, first_line): (bool, usize),
    delimiter: u8,
    headers: &[String],
    mut visit: impl FnMut(&Line) -> Result<()>,
) -> Result<()> {
    let mut reader = csv_reader(text, delimiter, header);
    let mut lines_seen = LineCounter {
        bytes: text.as_bytes(),
        at: 0,
        line: first_line,
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                let line = e.position().map_or(0, |p| lines_seen.line_at(p.byte()));
                return Err(anyhow!(
                    "Fichier « {} », ligne {line} : ligne illisible (caractères invalides pour l'encodage du fichier).",
                    path.display()
                ));
            }
        }
        let cells: Vec<Cell> = record.iter().map(trimmed).collect();
        if cells.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        let number = record
            .position()
            .map_or(0, |p| lines_seen.line_at(p.byte()));
        if let Some(column) = swallowing_quote(&record, headers.len(), delimiter) {
            let header = headers
                .get(column)
                .map_or(String::new(), |h| format!(" (colonne « {h} »)"));
            return Err(anyhow!(
                "Fichier « {} », ligne {number}{header} : un guillemet (\") ouvre une cellule qui n'est fermée que des lignes plus loin, ou jamais ; les lignes suivantes seraient lues comme une seule cellule. Corrigez ou supprimez ce guillemet.",
                path.display()
            ));
        }
        visit(&Line { number, cells })?;
    }
}

/// A text without the spaces around it, as `str::trim` gives it: a text that starts and
/// ends with a visible ASCII character, as nearly every cell does, is kept whole.
pub fn trim(v: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    if visible(v.as_bytes().first()) && visible(v.as_bytes().last()) {
        v
    } else {
        v.trim()
    }
}

/// A cell of a CSV file, its text trimmed.
fn trimmed(v: &str) -> Cell<'_> {
    let v = trim(v);
    if v.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(Cow::Borrowed(v))
    }
}

/// The column of a quoted cell that has swallowed the rows after it: a cell over
/// several lines in a row whose count of cells is not the header's, or that holds the
/// separator on several of its lines (rows of the file, not the lines of a text).
fn swallowing_quote(record: &csv::StringRecord, width: usize, delimiter: u8) -> Option<usize> {
    let separator = char::from(delimiter);
    if !record.as_slice().contains('\n') {
        return None;
    }
    record.iter().position(|cell| {
        // A cell on one line, nearly all of them, swallows nothing.
        if !cell.contains('\n') {
            return false;
        }
        let lines: Vec<&str> = cell.lines().collect();
        lines.len() > 1
            && (record.len() != width || lines.iter().filter(|l| l.contains(separator)).count() > 1)
    })
}

fn cell_of(datum: &Data) -> Cell<'_> {
    match datum {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cell::Text(Cow::Borrowed(s.trim()))
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(Cow::Borrowed(if *b { "oui" } else { "non" })),
        // A date far beyond any calendar would overflow the conversion: kept as the
        // number it is, then refused as a date with its value.
        Data::DateTime(dt) if !(-1e6..1e7).contains(&dt.as_f64()) => Cell::Number(dt.as_f64()),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| Cell::Date(d.date()))
            .unwrap_or_else(|| Cell::Text(Cow::Owned(dt.to_string()))),
        // As the spreadsheet shows it (« #REF! »), not the library's name for it.
        Data::Error(e) => Cell::Text(Cow::Owned(e.to_string())),
    }
}

/// Whether the file is read as a workbook (by its extension), not as CSV text.
pub fn is_workbook(path: &Path) -> bool {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    matches!(extension.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods")
}

/// What a workbook's archive may unpack to: a large export's sheet is some hundreds of
/// megabytes of XML; a « zip bomb » of a few megabytes unpacks to gigabytes.
const MAX_UNPACKED: u128 = 2 << 30;

/// The cells a sheet may span (rows × columns of its used range), each taking some tens
/// of bytes in memory: a million rows of 30 columns. One stray value in XFD1048576 of a
/// small sheet would make it 17 thousand million.
const MAX_CELLS: u64 = 30_000_000;

/// Refuses a workbook stored as a ZIP archive (XLSX, XLSB, ODS) whose files declare
/// more than [`MAX_UNPACKED`] bytes once unpacked. An archive that the zip reader cannot
/// read is left to the workbook's reader, which says it is damaged.
fn check_unpacked_size(path: &Path) -> Result<()> {
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(());
    };
    let Ok(archive) = zip::ZipArchive::new(std::io::BufReader::new(file)) else {
        return Ok(());
    };
    // Without declared sizes (data descriptors), the bound on cells still holds.
    match archive.decompressed_size() {
        Some(size) if size > MAX_UNPACKED => Err(anyhow!(
            "Le classeur « {} » occuperait {} Mo une fois décompressé (au plus {} Mo) : ce n'est pas un export ordinaire (fichier piégé ou endommagé). Enregistrez à nouveau les données dans un classeur neuf, ou exportez-les en CSV.",
            path.display(),
            crate::format::number(size.div_ceil(1 << 20) as f64, 0),
            crate::format::number((MAX_UNPACKED >> 20) as f64, 0)
        )),
        _ => Ok(()),
    }
}

/// The column's letters as a spreadsheet shows them (0 → A, 16383 → XFD).
fn column_letters(mut column: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (column % 26) as u8));
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.iter().rev().collect()
}

/// The used range of an XLSX sheet from its non-empty cells, as calamine builds it,
/// refused before the range is allocated when it spans more than [`MAX_CELLS`] cells.
fn bounded_range<RS: std::io::Read + std::io::Seek>(
    xlsx: &mut calamine::Xlsx<RS>,
    name: &str,
    path: &Path,
) -> Result<calamine::Range<Data>> {
    let unreadable = || {
        anyhow!(
            "La feuille « {name} » du classeur « {} » est illisible (fichier endommagé ou protégé).",
            path.display()
        )
    };
    let mut reader = match xlsx.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet has no cells: an empty range, said to be empty.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(calamine::Range::default()),
        Err(_) => return Err(unreadable()),
    };
    let mut cells = Vec::new();
    let (mut first, mut last) = ((u32::MAX, u32::MAX), (0, 0));
    while let Some(cell) = reader.next_cell().map_err(|_| unreadable())? {
        if matches!(cell.get_value(), calamine::DataRef::Empty) {
            continue;
        }
        let (row, column) = cell.get_position();
        first = (first.0.min(row), first.1.min(column));
        last = (last.0.max(row), last.1.max(column));
        let span = u64::from(last.0 - first.0 + 1) * u64::from(last.1 - first.1 + 1);
        if span > MAX_CELLS {
            return Err(anyhow!(
                "La feuille « {name} » du classeur « {} » s'étend jusqu'à la cellule {}{} : {} lignes sur {} colonnes, bien plus qu'un export n'en contient (au plus {} cellules). Une valeur isolée loin du tableau ? Supprimez les lignes et colonnes au-delà du tableau, puis enregistrez.",
                path.display(),
                column_letters(column),
                row + 1,
                crate::format::number(f64::from(last.0 - first.0 + 1), 0),
                crate::format::number(f64::from(last.1 - first.1 + 1), 0),
                crate::format::number(MAX_CELLS as f64, 0)
            ));
        }
        cells.push(calamine::Cell::new(
            (row, column),
            Data::from(cell.get_value().clone()),
        ));
    }
    Ok(calamine::Range::from_sparse(cells))
}

fn open_workbook(path: &Path) -> Result<calamine::Sheets<std::io::BufReader<std::fs::File>>> {
    // The library reports a file it cannot open (a folder, no permission) as a damaged
    // workbook: the system's reason is said first, in French; a FIFO is not opened.
    crate::input::regular(path, "le fichier")?;
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut [0u8; 1]))
        .map_err(|e| {
            anyhow!(
                "Impossible de lire le fichier « {} » : {}.",
                path.display(),
                crate::format::io_error(&e)
            )
        })?;
    check_unpacked_size(path)?;
    calamine::open_workbook_auto(path).map_err(|e| {
        let detail = match e {
            calamine::Error::Io(_) => "impossible de l'ouvrir".to_string(),
            _ => "classeur illisible : fichier endommagé, tronqué, protégé par un mot de passe ou d'un autre format".to_string(),
        };
        anyhow!("Le fichier « {} » ne peut pas être lu ({detail}).", path.display())
    })
}

/// The sheets of a workbook, in the workbook's order.
pub fn sheet_names(path: &Path) -> Result<Vec<String>> {
    Ok(open_workbook(path)?.sheet_names())
}

fn read_workbook(path: &Path, sheet: Option<&str>, parts: Option<usize>) -> Result<Grid> {
    let mut workbook = open_workbook(path)?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(f) => names
            .iter()
            .find(|n| crate::model::fold(n) == crate::model::fold(f))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "Le classeur « {} » n'a pas de feuille « {f} » (feuilles présentes : {}).",
                    path.display(),
                    names.join(", ")
                )
            })?,
        None => names.first().cloned().ok_or_else(|| {
            anyhow!(
                "Le classeur « {} » ne contient aucune feuille.",
                path.display()
            )
        })?,
    };
    let unreadable = || {
        anyhow!(
            "La feuille « {name} » du classeur « {} » est illisible (fichier endommagé ou protégé).",
            path.display()
        )
    };
    let range = match &mut workbook {
        calamine::Sheets::Xlsx(xlsx) => bounded_range(xlsx, &name, path)?,
        other => other.worksheet_range(&name).map_err(|_| unreadable())?,
    };
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let (header_index, headers) = range
        .rows()
        .enumerate()
        .find(|(_, row)| row.iter().any(|d| cell_of(d) != Cell::Empty))
        .map(|(i, row)| {
            let headers = row
                .iter()
                .map(|d| match cell_of(d) {
                    Cell::Text(t) => t.into_owned(),
                    Cell::Empty => String::new(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Date(d) => d.to_string(),
                })
                .collect();
            (i, headers)
        })
        .ok_or_else(|| {
            anyhow!(
                "La feuille « {name} » du classeur « {} » est vide.",
                path.display()
            )
        })?;
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(
            "Impossible de lire le fichier « {} » : {}.",
            path.display(),
            crate::format::io_error(&e)
        )
    })?;
    Ok(Grid {
        headers,
        header_line: first_row as usize + header_index + 1,
        body: Body::Sheet {
            fingerprint: crate::digest::sha256(&bytes),
            parts: parts_for(range.height(), LARGE_SHEET, parts),
            range,
            skipped: header_index + 1,
            first_row: first_row as usize,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A formula's cached error reads as the spreadsheet shows it, « #REF! », not as the
    /// library's variant « #Ref ».
    #[test]
    fn cached_errors_as_the_spreadsheet_shows_them() {
        use calamine::CellErrorType::{Div0, Ref};
        assert_eq!(
            cell_of(&Data::Error(Ref)),
            Cell::Text(Cow::Borrowed("#REF!"))
        );
        assert_eq!(
            cell_of(&Data::Error(Div0)),
            Cell::Text(Cow::Borrowed("#DIV/0!"))
        );
    }

    fn numbers(grid: &Grid) -> Vec<usize> {
        let mut numbers = Vec::new();
        grid.for_each_line(|line| {
            numbers.push(line.number);
            Ok(())
        })
        .unwrap();
        numbers
    }

    /// Every record and cell of a text as bilan reads them, each with its line; none
    /// when the text is refused (a quoted cell swallowing the lines after it).
    fn records(text: &str, delimiter: u8, first_line: usize) -> Option<Vec<(usize, Vec<String>)>> {
        let mut records = Vec::new();
        csv_lines(
            Path::new("t.csv"),
            text,
            (false, first_line),
            delimiter,
            &[],
            |line| {
                let cells = line
                    .cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(t) => t.to_string(),
                        _ => String::new(),
                    })
                    .collect();
                records.push((line.number, cells));
                Ok(())
            },
        )
        .ok()?;
        Some(records)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..Default::default()
        })]
        /// Cut into runs where `scan` says, each run starting on the line it gives, a
        /// text reads as it reads whole.
        #[test]
        fn runs_read_as_the_whole_text(text in "[a;\" \r\n]{0,60}", parts in 2usize..6) {
            let scan = scan(&text, b';', parts);
            if scan.unclosed.is_none() {
                let mut runs = Vec::new();
                let starts = std::iter::once(Cut { byte: 0, line: 1 }).chain(scan.cuts.iter().copied());
                let ends = scan.cuts.iter().map(|c| c.byte).chain(std::iter::once(text.len()));
                for (start, end) in starts.zip(ends) {
                    proptest::prop_assert_eq!(start.line, 1 + line_ends(&text.as_bytes()[..start.byte]));
                    runs.push(records(&text[start.byte..end], b';', start.line));
                }
                let runs: Option<Vec<_>> = runs.into_iter().collect();
                proptest::prop_assert_eq!(runs.map(|r| r.concat()), records(&text, b';', 1));
            }
        }
    }

    #[test]
    fn trims_as_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a\t",
            "\u{a0}x\u{202f}",
            "é ",
            "x\u{1}",
            "ab cd",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn detects_delimiter_outside_quotes() {
        assert_eq!(delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(delimiter("\"a;x\",b,c\n"), b',');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("seule"), b',');
    }

    #[test]
    fn line_numbers_as_the_user_sees_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        // Header on line 1, a quoted field over lines 3 and 4, an empty line 5.
        std::fs::write(&path, "a;b\r\n1;x\r\n2;\"deux\r\nlignes\"\r\n\r\n3;y\r\n").unwrap();
        let grid = read(&path, None, CsvOptions::default()).unwrap();
        assert_eq!(numbers(&grid), [2, 3, 6]);
    }

    #[test]
    fn unclosed_quotes_are_refused_with_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        // Line 3 opens a quote that nothing closes: lines 3 to 5 would be one cell.
        std::fs::write(&path, "a,b,c\n1,x,y\n2,\"x,y\n3,x,y\n4,x,y\n").unwrap();
        let e = read(&path, None, CsvOptions::default())
            .and_then(|grid| grid.for_each_line(|_| Ok(())))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("ligne 3 :"), "{e}");
        assert!(e.contains("guillemet"), "{e}");
        // A quoted text over two lines, closed, is a cell like another.
        std::fs::write(&path, "a,b,c\n1,\"deux\nlignes\",y\n2,x,y\n").unwrap();
        assert_eq!(
            numbers(&read(&path, None, CsvOptions::default()).unwrap()).len(),
            2
        );
    }

    #[test]
    fn utf16_text_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let text = "id;début\r\nP1;2025-01-01\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(&path, &bytes).unwrap();
        let grid = read(&path, None, CsvOptions::default()).unwrap();
        assert_eq!(grid.headers, ["id", "début"]);
        let without_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        std::fs::write(&path, &without_bom).unwrap();
        assert_eq!(
            numbers(&read(&path, None, CsvOptions::default()).unwrap()).len(),
            1
        );
    }

    /// The fingerprint is the one `sha256sum` prints for the file, whatever its text
    /// became: UTF-8 with and without a byte order mark, Windows-1252.
    #[test]
    fn fingerprint_of_the_bytes_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        for (bytes, sha256sum) in [
            (
                b"\xEF\xBB\xBFid;d\xC3\xA9but\nP1;2025-01-01\n".as_slice(),
                "31d6c09e41d9b4d7119bc5b674555ef69dafa193760597f6694b9659245533c3",
            ),
            (
                b"id;d\xE9but\nP1;2025-01-01\n",
                "ac3edce18c46633ea225dcfa00bdc4e033ab204759c59b82142186a3f8a9254c",
            ),
            (
                b"id;d\xC3\xA9but\nP1;2025-01-01\n",
                "13718843801149d3d39f8e29285457f0e1ebbf128e9819a2aad463ff26592382",
            ),
        ] {
            std::fs::write(&path, bytes).unwrap();
            let grid = read(&path, None, CsvOptions::default()).unwrap();
            assert_eq!(grid.headers, ["id", "début"]);
            assert_eq!(grid.fingerprint(), sha256sum);
        }
    }

    #[test]
    fn decodes_bom_and_windows_1252() {
        assert_eq!(
            to_text(b"\xEF\xBB\xBFid;d\xC3\xA9but".to_vec()).0,
            "id;début"
        );
        assert_eq!(to_text(b"id;d\xE9but".to_vec()).0, "id;début");
        assert_eq!(to_text(b"\xEF\xBB\xBFid;d\xE9but".to_vec()).0, "id;début");
    }
}
