//! Reading a CSV file or a workbook sheet into a grid of cells, keeping each row's
//! number as the user sees it (the CSV line, the sheet row).

use std::path::Path;

use anyhow::{Result, anyhow};
use calamine::{Data, Reader};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

pub struct Line {
    /// Line of the CSV file (the header is line 1) or row of the sheet.
    pub number: usize,
    pub cells: Vec<Cell>,
}

pub struct Grid {
    pub headers: Vec<String>,
    pub lines: Vec<Line>,
}

/// What a profile may force when reading a CSV file.
#[derive(Default, Clone, Copy)]
pub struct CsvOptions {
    pub encoding: Option<&'static encoding_rs::Encoding>,
    pub delimiter: Option<u8>,
}

pub fn read(path: &Path, sheet: Option<&str>, options: CsvOptions) -> Result<Grid> {
    let meta = std::fs::metadata(path)
        .map_err(|_| anyhow!("Le fichier « {} » est introuvable.", path.display()))?;
    if meta.len() == 0 {
        return Err(anyhow!("Le fichier « {} » est vide.", path.display()));
    }
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(path, sheet),
        _ if sheet.is_some() => Err(anyhow!(
            "Le fichier « {} » n'est pas un classeur (XLSX, XLS ou ODS) : il n'a pas de feuille « {} ».",
            path.display(),
            sheet.unwrap_or_default()
        )),
        _ => read_csv(path, options),
    }
}

fn to_text(bytes: &[u8]) -> String {
    let without_bom = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(without_bom) {
        Ok(text) => text.to_string(),
        // Text that is not UTF-8 comes from Excel on Windows, hence Windows-1252.
        Err(_) => encoding_rs::WINDOWS_1252.decode(without_bom).0.into_owned(),
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
        self.line += self.bytes[self.at..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.at = start;
        self.line
    }
}

fn read_csv(path: &Path, options: CsvOptions) -> Result<Grid> {
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(
            "Impossible de lire le fichier « {} » : {e}.",
            path.display()
        )
    })?;
    if bytes.iter().take(8192).any(|&b| b == 0) || bytes.starts_with(b"PK\x03\x04") {
        return Err(anyhow!(
            "Le fichier « {} » n'est pas un fichier CSV lisible (contenu binaire) : s'il s'agit d'un classeur, donnez-lui l'extension .xlsx, .xls ou .ods.",
            path.display()
        ));
    }
    let text = match options.encoding {
        Some(encoding) => encoding.decode_with_bom_removal(&bytes).0.into_owned(),
        None => to_text(&bytes),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(options.delimiter.unwrap_or_else(|| delimiter(&text)))
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            anyhow!(
                "Fichier « {} » : ligne d'en-tête illisible ({e}).",
                path.display()
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut lines = Vec::new();
    let mut lines_seen = LineCounter {
        bytes: text.as_bytes(),
        at: 0,
        line: 1,
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| lines_seen.line_at(p.byte()));
            anyhow!(
                "Fichier « {} », ligne {line} : ligne CSV illisible ({e}).",
                path.display()
            )
        })?;
        let cells: Vec<Cell> = record
            .iter()
            .map(|v| {
                let v = v.trim();
                if v.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(v.to_string())
                }
            })
            .collect();
        if cells.iter().all(|c| *c == Cell::Empty) {
            continue;
        }
        let number = record
            .position()
            .map_or(0, |p| lines_seen.line_at(p.byte()));
        lines.push(Line { number, cells });
    }
    Ok(Grid { headers, lines })
}

fn cell_of(datum: &Data) -> Cell {
    match datum {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cell::Text(s.trim().to_string())
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "oui" } else { "non" }.to_string()),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| Cell::Date(d.date()))
            .unwrap_or_else(|| Cell::Text(dt.to_string())),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Grid> {
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| {
        let detail = match e {
            calamine::Error::Io(_) => "impossible de l'ouvrir".to_string(),
            _ => "classeur illisible : fichier endommagé, tronqué, protégé par un mot de passe ou d'un autre format".to_string(),
        };
        anyhow!("Le fichier « {} » ne peut pas être lu ({detail}).", path.display())
    })?;
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
    let range = workbook.worksheet_range(&name).map_err(|_| {
        anyhow!(
            "La feuille « {name} » du classeur « {} » est illisible (fichier endommagé ou protégé).",
            path.display()
        )
    })?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut raw_lines = range.rows().enumerate().map(|(i, cells)| {
        (
            first_row as usize + i + 1,
            cells.iter().map(cell_of).collect::<Vec<_>>(),
        )
    });
    let headers = raw_lines
        .by_ref()
        .find(|(_, c)| c.iter().any(|c| *c != Cell::Empty))
        .map(|(_, c)| {
            c.into_iter()
                .map(|c| match c {
                    Cell::Text(t) => t,
                    Cell::Empty => String::new(),
                    Cell::Number(n) => n.to_string(),
                    Cell::Date(d) => d.to_string(),
                })
                .collect()
        })
        .ok_or_else(|| {
            anyhow!(
                "La feuille « {name} » du classeur « {} » est vide.",
                path.display()
            )
        })?;
    let lines = raw_lines
        .filter(|(_, c)| c.iter().any(|c| *c != Cell::Empty))
        .map(|(number, cells)| Line { number, cells })
        .collect();
    Ok(Grid { headers, lines })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let numbers: Vec<usize> = grid.lines.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [2, 3, 6]);
    }

    #[test]
    fn decodes_bom_and_windows_1252() {
        assert_eq!(to_text(b"\xEF\xBB\xBFid;d\xC3\xA9but"), "id;début");
        assert_eq!(to_text(b"id;d\xE9but"), "id;début");
    }
}
