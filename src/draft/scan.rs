//! Every sheet of a folder of exports read once, through the readers of `ingest` (the
//! encoding and the delimiter of a CSV file found as `bilan rapport` finds them), and
//! summed up column by column: how many values are dates, months, numbers, and the
//! distinct values with their number of rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use chrono::NaiveDate;

use crate::ingest::file::{self, Cell, CsvOptions};
use crate::ingest::values;

/// One sheet of a workbook, or one CSV file.
pub struct Sheet {
    /// The file's name inside the folder.
    pub file: PathBuf,
    /// The sheet of a workbook; none for a CSV file.
    pub sheet: Option<String>,
    /// The delimiter of a CSV file when its header line alone would mislead the reader.
    pub delimiter: Option<u8>,
    pub headers: Vec<String>,
    pub columns: Vec<ColumnStats>,
    pub rows: usize,
}

impl Sheet {
    /// « hope.xlsx, feuille « Usagers » », as messages name it.
    pub fn name(&self) -> String {
        match &self.sheet {
            Some(sheet) => format!("{}, feuille « {sheet} »", self.file.display()),
            None => self.file.display().to_string(),
        }
    }
}

#[derive(Default)]
pub struct ColumnStats {
    pub filled: usize,
    pub dates: usize,
    /// `AAAA-MM` or `MM/AAAA`.
    pub months: usize,
    pub numbers: usize,
    pub integers: usize,
    /// The text of each distinct value, with its number of rows.
    pub values: BTreeMap<String, usize>,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
}

impl ColumnStats {
    /// The share of the filled cells, 0 for an empty column.
    pub fn share(&self, n: usize) -> f64 {
        if self.filled == 0 {
            0.0
        } else {
            n as f64 / self.filled as f64
        }
    }

    fn add(&mut self, cell: &Cell) {
        let Some(text) = values::text_of(cell) else {
            return;
        };
        self.filled += 1;
        let date = match cell {
            Cell::Date(d) => Some(*d),
            Cell::Text(_) => values::read_date(cell).ok().flatten(),
            _ => None,
        };
        if let Some(date) = date {
            self.dates += 1;
            self.first_date = Some(self.first_date.map_or(date, |d| d.min(date)));
            self.last_date = Some(self.last_date.map_or(date, |d| d.max(date)));
        } else if let Ok(Some(n)) = values::read_number(cell) {
            self.numbers += 1;
            if n.fract() == 0.0 {
                self.integers += 1;
            }
        } else if matches!(cell, Cell::Text(_)) && values::read_month(cell).is_ok() {
            self.months += 1;
        }
        *self.values.entry(text).or_default() += 1;
    }
}

/// The files the folder holds that `bilan` reads, by name.
fn export_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(folder).map_err(|e| {
        anyhow!(
            "Impossible de lire le dossier « {} » : {}.",
            folder.display(),
            crate::format::io_error(&e)
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let extension = p
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            // Office's lock files (« ~$hope.xlsx ») are no export.
            let lock = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("~$") || n.starts_with(".~lock"));
            !lock && (extension == "csv" || extension == "txt" || file::is_workbook(p))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Every sheet of every export of the folder, and what could not be read (said, not
/// fatal: the other files still make a draft).
pub fn scan(folder: &Path) -> Result<(Vec<Sheet>, Vec<String>)> {
    let mut sheets = Vec::new();
    let mut unreadable = Vec::new();
    for path in export_files(folder)? {
        let name = path.strip_prefix(folder).unwrap_or(&path).to_path_buf();
        let read = if file::is_workbook(&path) {
            file::sheet_names(&path).and_then(|names| {
                names
                    .into_iter()
                    .map(|sheet| read_sheet(&path, &name, Some(sheet)))
                    .collect::<Result<Vec<_>>>()
            })
        } else {
            read_csv(&path, &name).map(|s| vec![s])
        };
        match read {
            Ok(read) => sheets.extend(read.into_iter().flatten()),
            Err(e) => unreadable.push(e.to_string()),
        }
    }
    Ok((sheets, unreadable))
}

/// A sheet summed up; none for an empty sheet.
fn read_sheet(path: &Path, name: &Path, sheet: Option<String>) -> Result<Option<Sheet>> {
    let grid = match file::read(path, sheet.as_deref(), CsvOptions::default()) {
        Ok(grid) => grid,
        Err(e) if e.to_string().contains("est vide") => return Ok(None),
        Err(e) => return Err(e),
    };
    let (columns, rows, _) = summed(&grid)?;
    Ok(Some(Sheet {
        file: name.to_path_buf(),
        sheet,
        delimiter: None,
        headers: grid.headers.clone(),
        columns,
        rows,
    }))
}

/// A CSV file summed up. The delimiter found from the header line is checked against
/// the rows: when most rows do not have the header's number of cells, each other
/// delimiter is tried and the one whose rows fit best is kept.
fn read_csv(path: &Path, name: &Path) -> Result<Option<Sheet>> {
    let sniffed = file::read(path, None, CsvOptions::default())?;
    let (columns, rows, fitting) = summed(&sniffed)?;
    let mut best = (
        fitting,
        sniffed.headers.len(),
        None,
        columns,
        rows,
        sniffed.headers,
    );
    if fitting * 10 < rows * 9 || best.1 < 2 {
        for delimiter in [b';', b',', b'\t'] {
            let options = CsvOptions {
                encoding: None,
                delimiter: Some(delimiter),
            };
            let grid = file::read(path, None, options)?;
            let (columns, rows, fitting) = summed(&grid)?;
            if (fitting, grid.headers.len()) > (best.0, best.1) {
                best = (
                    fitting,
                    grid.headers.len(),
                    Some(delimiter),
                    columns,
                    rows,
                    grid.headers,
                );
            }
        }
    }
    let (_, _, delimiter, columns, rows, headers) = best;
    Ok(Some(Sheet {
        file: name.to_path_buf(),
        sheet: None,
        delimiter,
        headers,
        columns,
        rows,
    }))
}

/// The columns summed up, the number of rows, and how many rows have as many cells as
/// the header line.
fn summed(grid: &file::Grid) -> Result<(Vec<ColumnStats>, usize, usize)> {
    let width = grid.headers.len();
    let mut columns: Vec<ColumnStats> = (0..width).map(|_| ColumnStats::default()).collect();
    let (mut rows, mut fitting) = (0, 0);
    grid.for_each_line(|line| {
        // A totals row at the foot of a hand-kept sheet is left out, as the reader does.
        if let Some(Cell::Text(first)) = line.cells.iter().find(|c| **c != Cell::Empty)
            && crate::ingest::is_total_word(first)
        {
            return Ok(());
        }
        rows += 1;
        // A spreadsheet row ends at its last filled cell: shorter is not wrong.
        if line.cells.len() <= width {
            fitting += 1;
        }
        for (stats, cell) in columns.iter_mut().zip(&line.cells) {
            stats.add(cell);
        }
        Ok(())
    })?;
    Ok((columns, rows, fitting))
}
