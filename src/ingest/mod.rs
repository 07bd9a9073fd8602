//! From a site's export files to the canonical tables of donnees.md: headers and codes
//! matched, values typed, unusable rows set aside with a finding that says why.

pub mod file;
pub mod values;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Result, anyhow};
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::config::{Config, Programme};
use crate::findings::{Finding, FindingKind, Origin, excerpt, shown_cell, withheld};
use crate::model::{CodeList, ColumnSpec, ColumnType, Requirement, Table, TableSpec, fold};
use crate::profile::{self, Profile, TableProfile};
use file::{Cell, Grid, Part};

/// The marker kept in a code column for a value outside the list.
pub const NON_RECONNU: &str = "non_reconnu";
/// The header of the column that marks the example row of a template of `bilan modeles`,
/// and the word in it: a row that holds it is the template's, not data, and is skipped.
pub const EXAMPLE_MARKER: &str = "exemple";
/// Internal column holding the row number as the user sees it.
pub const ROW_NUMBER: &str = "_ligne";

/// The canonical tables of one programme, with what was found wrong in them.
#[derive(Default)]
pub struct Dataset {
    pub tables: BTreeMap<Table, DataFrame>,
    pub findings: Vec<Finding>,
    /// Rows left out of every figure, per table.
    pub excluded: BTreeMap<Table, usize>,
    /// Where each table was read from, to locate a row in later checks.
    pub origins: BTreeMap<Table, Origin>,
    /// SHA-256 of each file read, by its path as read.
    pub fingerprints: BTreeMap<String, String>,
}

/// Reads every table of a programme, each on its own thread: the small ones are read
/// while the large one is, and an error is the first in the configuration's order.
pub fn load(config: &Config, programme: &Programme) -> Result<Dataset> {
    let mut profiles: BTreeMap<PathBuf, Profile> = BTreeMap::new();
    let mut sources = Vec::new();
    // A profile that cannot be read stops the tables after it, as a file would.
    let mut unreadable_profile = None;
    for (table, source) in &programme.sources {
        let profile = match source.profile().or(programme.profile.as_deref()) {
            Some(p) if p != Path::new(profile::REFERENCE) => {
                let path = config.base_dir.join(p);
                if !profiles.contains_key(&path) {
                    match Profile::read(&path) {
                        Ok(profile) => profiles.insert(path.clone(), profile),
                        Err(e) => {
                            unreadable_profile = Some(e);
                            break;
                        }
                    };
                }
                Some(path)
            }
            _ => None,
        };
        sources.push((*table, source, profile));
    }
    let reference = Profile::default();
    let read: Vec<Result<ReadSource>> = std::thread::scope(|scope| {
        let threads: Vec<_> = sources
            .iter()
            .map(|(table, source, profile)| {
                let profile = profile.as_ref().map_or(&reference, |p| &profiles[p]);
                scope.spawn(move || read_source(config, *table, source, profile))
            })
            .collect();
        threads
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut dataset = Dataset::default();
    for read in read {
        let ReadSource {
            table,
            origin,
            fingerprint,
            read,
        } = read?;
        dataset.findings.extend(read.findings);
        if read.excluded > 0 {
            dataset.excluded.insert(table, read.excluded);
        }
        dataset.tables.insert(table, read.table);
        dataset
            .fingerprints
            .insert(origin.file.clone(), fingerprint);
        dataset.origins.insert(table, origin);
    }
    match unreadable_profile {
        Some(e) => Err(e),
        None => Ok(dataset),
    }
}

/// One table read from its file.
struct ReadSource {
    table: Table,
    origin: Origin,
    fingerprint: String,
    read: ReadTable,
}

/// Reads one table; the file's fingerprint is taken on a thread of its own while its
/// rows are read.
fn read_source(
    config: &Config,
    table: Table,
    source: &crate::config::Source,
    profile: &Profile,
) -> Result<ReadSource> {
    let no_profile = TableProfile::default();
    let table_profile = profile.table(table).unwrap_or(&no_profile);
    let path = config.path(source);
    let sheet = source.sheet().or(table_profile.sheet.as_deref());
    let options = file::CsvOptions {
        encoding: table_profile
            .encoding
            .as_deref()
            .and_then(|e| encoding_rs::Encoding::for_label(e.as_bytes())),
        delimiter: table_profile.delimiter(),
    };
    let grid = file::read(&path, sheet, options)?;
    let origin = Origin {
        file: path.display().to_string(),
        sheet: sheet.map(str::to_string),
    };
    let (fingerprint, read) = std::thread::scope(|scope| {
        let fingerprint = scope.spawn(|| grid.fingerprint());
        let read = canonicalise(table.spec(), &grid, &origin, table_profile);
        let fingerprint = fingerprint
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (fingerprint, read)
    });
    Ok(ReadSource {
        table,
        read: read?,
        origin,
        fingerprint,
    })
}

struct ReadTable {
    table: DataFrame,
    findings: Vec<Finding>,
    excluded: usize,
}

/// One typed column being filled row by row. Texts go straight into polars' string
/// builders: a cell costs no allocation of its own.
enum ColumnBuffer {
    Text(StringChunkedBuilder),
    Date(Vec<Option<i32>>),
    Integer(Vec<Option<i64>>),
    Number(Vec<Option<f64>>),
    Codes(ListStringChunkedBuilder),
}

/// A cell read as its column's type, borrowing its text from the row or, for a code,
/// from the code list or the profile. The codes of a list cell are shared with the
/// cache of codes seen: a row does not copy them.
#[derive(Clone, Default)]
enum Value<'a> {
    #[default]
    Empty,
    Text(Cow<'a, str>),
    Date(NaiveDate),
    Integer(i64),
    Number(f64),
    Codes(Rc<[&'a str]>),
}

fn epoch_days(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

impl ColumnBuffer {
    fn for_type(kind: ColumnType, name: &str) -> ColumnBuffer {
        match kind {
            ColumnType::Text | ColumnType::Code(_) => {
                ColumnBuffer::Text(StringChunkedBuilder::new(name.into(), 0))
            }
            ColumnType::Date | ColumnType::Month => ColumnBuffer::Date(Vec::new()),
            ColumnType::Integer => ColumnBuffer::Integer(Vec::new()),
            ColumnType::Number => ColumnBuffer::Number(Vec::new()),
            ColumnType::Codes(_) => {
                ColumnBuffer::Codes(ListStringChunkedBuilder::new(name.into(), 0, 0))
            }
        }
    }

    fn push_value(&mut self, value: Value) {
        match (self, value) {
            (ColumnBuffer::Text(b), Value::Text(t)) => b.append_value(t),
            (ColumnBuffer::Text(b), _) => b.append_null(),
            (ColumnBuffer::Date(v), Value::Date(d)) => v.push(Some(epoch_days(d))),
            (ColumnBuffer::Date(v), _) => v.push(None),
            (ColumnBuffer::Integer(v), Value::Integer(n)) => v.push(Some(n)),
            (ColumnBuffer::Integer(v), _) => v.push(None),
            (ColumnBuffer::Number(v), Value::Number(n)) => v.push(Some(n)),
            (ColumnBuffer::Number(v), _) => v.push(None),
            (ColumnBuffer::Codes(b), Value::Codes(c)) => b.append_values_iter(c.iter().copied()),
            (ColumnBuffer::Codes(b), _) => b.append_values_iter(std::iter::empty()),
        }
    }

    fn column(self, name: &str, height: usize) -> PolarsResult<Column> {
        let name: PlSmallStr = name.into();
        let series = match self {
            ColumnBuffer::Text(b) => b.finish().into_series(),
            ColumnBuffer::Date(v) => Series::new(name, v).cast(&DataType::Date)?,
            ColumnBuffer::Integer(v) => Series::new(name, v),
            ColumnBuffer::Number(v) => Series::new(name, v),
            ColumnBuffer::Codes(_) if height == 0 => {
                Series::new_empty(name, &DataType::List(Box::new(DataType::String)))
            }
            ColumnBuffer::Codes(mut b) => b.finish().into_series(),
        };
        Ok(series.into_column())
    }
}

/// A cell that cannot be read as its column's type: the finding's kind and message,
/// and the value kept in its place (« non reconnu » for an unknown code).
#[derive(Clone)]
struct Unreadable<'a> {
    kind: FindingKind,
    message: String,
    kept: Value<'a>,
}

fn unreadable<'a>(message: String) -> Unreadable<'a> {
    Unreadable {
        kind: FindingKind::UnreadableValue,
        message,
        kept: Value::Empty,
    }
}

/// The codes read so far in a column, by the text of their cell.
type CodesSeen<'p> = PlHashMap<String, Result<Value<'p>, Unreadable<'p>>>;

/// Reads one cell as its column's type. Code columns hold few distinct texts: each is
/// read once, then found in `seen`.
fn read_value<'a, 'p: 'a>(
    column: &ColumnSpec,
    cell: &'a Cell,
    profile: &'p TableProfile,
    seen: &mut CodesSeen<'p>,
) -> Result<Value<'a>, Unreadable<'a>> {
    Ok(match column.kind {
        ColumnType::Text => values::trimmed_text(cell)
            .map(Value::Text)
            .unwrap_or_default(),
        ColumnType::Code(list) | ColumnType::Codes(list) => match values::trimmed_text(cell) {
            None => Value::Empty,
            Some(raw) => match seen.get(raw.as_ref()) {
                Some(read) => read.clone()?,
                None => {
                    let several = matches!(column.kind, ColumnType::Codes(_));
                    let read = read_codes(column.name, list, several, &raw, profile);
                    seen.insert(raw.into_owned(), read.clone());
                    read?
                }
            },
        },
        ColumnType::Date => values::read_date(cell)
            .map_err(unreadable)?
            .map(Value::Date)
            .unwrap_or_default(),
        ColumnType::Month => values::read_month(cell)
            .map_err(unreadable)?
            .map(Value::Date)
            .unwrap_or_default(),
        ColumnType::Integer => values::read_integer(cell)
            .and_then(|n| values::not_negative(n, n.is_some_and(|n| n < 0)))
            .map_err(unreadable)?
            .map(Value::Integer)
            .unwrap_or_default(),
        ColumnType::Number => values::read_number(cell)
            .and_then(|n| values::not_negative(n, n.is_some_and(|n| n < 0.0)))
            .map_err(unreadable)?
            .map(Value::Number)
            .unwrap_or_default(),
    })
}

/// Reads the text of a code cell (`several` codes separated by `;` or `,` in a list
/// column); the profile's labels come before the code list's. The codes borrow from the
/// list or the profile, never from the row.
fn read_codes<'p>(
    column: &str,
    list: &'static CodeList,
    several: bool,
    raw: &str,
    profile: &'p TableProfile,
) -> Result<Value<'p>, Unreadable<'p>> {
    let code = |raw: &str| match profile.code(column, raw) {
        Some(code) => Ok(code),
        None => values::read_code(list, raw),
    };
    Ok(match several {
        false => match code(raw) {
            Ok(code) => Value::Text(Cow::Borrowed(code)),
            Err(_) => {
                return Err(Unreadable {
                    kind: FindingKind::UnknownCode,
                    message: format!(
                        "valeur hors de la liste des codes, comptée « non reconnu »{}",
                        values::suggestion(list, raw, profile.values.get(column))
                    ),
                    kept: Value::Text(Cow::Borrowed(NON_RECONNU)),
                });
            }
        },
        true => {
            let (codes, unknowns): (Vec<_>, Vec<_>) = raw
                .split([';', ','])
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(code)
                .partition(Result::is_ok);
            // A code listed twice (« infirmier;infirmier ») is one métier of the
            // intervention: counted once per code listed (indicateurs.md).
            let mut codes: Vec<&str> = codes.into_iter().flatten().collect();
            let mut seen = std::collections::HashSet::new();
            codes.retain(|c| seen.insert(*c));
            if unknowns.is_empty() {
                Value::Codes(codes.into())
            } else {
                let unknowns: Vec<String> = unknowns.into_iter().filter_map(Result::err).collect();
                codes.push(NON_RECONNU);
                return Err(Unreadable {
                    kind: FindingKind::UnknownCode,
                    // The unknown values are not repeated (a name may be typed among
                    // the codes): the finding describes the cell.
                    message: if unknowns.len() == 1 {
                        "une valeur hors de la liste des codes ; comptée « non reconnu »"
                            .to_string()
                    } else {
                        format!(
                            "{} valeurs hors de la liste des codes ; comptées « non reconnu »",
                            unknowns.len()
                        )
                    },
                    kept: Value::Codes(codes.into()),
                });
            }
        }
    })
}

fn canonicalise(
    spec: &TableSpec,
    grid: &Grid,
    origin: &Origin,
    profile: &TableProfile,
) -> Result<ReadTable> {
    let table = spec.table;
    let position: Vec<Option<usize>> = spec
        .columns
        .iter()
        .map(|c| grid.headers.iter().position(|h| profile.matches(c.name, h)))
        .collect();
    // A column the export lacks but the profile sets for every row.
    let constants: Vec<Option<Cell>> = spec
        .columns
        .iter()
        .zip(&position)
        .map(|(c, p)| match p {
            None => profile
                .constants
                .get(c.name)
                .map(|v| Cell::Text(Cow::Borrowed(v.as_str()))),
            Some(_) => None,
        })
        .collect();
    let is_present = |name: &str| {
        spec.columns
            .iter()
            .zip(position.iter().zip(&constants))
            .any(|(c, (p, k))| c.name == name && (p.is_some() || k.is_some()))
    };
    for (column, pos) in spec.columns.iter().zip(&position) {
        let required = match column.requirement {
            Requirement::Required | Requirement::Essential => true,
            Requirement::UnlessFilled(other) => !is_present(other),
            Requirement::Optional | Requirement::WhenFilled(_) => false,
        };
        if pos.is_none() && !profile.constants.contains_key(column.name) {
            if let Some(header) = misspelt(column.name, &grid.headers, spec, profile) {
                return Err(anyhow!(
                    "{} : l'en-tête « {header} » ressemble à la colonne attendue « {} », absente. Corrigez l'en-tête (ou déclarez-le dans un profil d'import).",
                    origin.location(),
                    column.name
                ));
            }
            if required && grid.headers.iter().all(|h| h.trim().is_empty()) {
                // Blank lines only: nothing is missing but the whole content.
                return Err(anyhow!(
                    "{} est vide : ni en-tête ni ligne de données (des lignes blanches seulement).",
                    origin.location()
                ));
            }
            if required
                && let [header] = grid.headers.as_slice()
                && let Some(mark) = [';', ',', '\t', '|']
                    .into_iter()
                    .find(|m| header.contains(*m))
            {
                // One column whose name holds a separator: the file was cut with another
                // one (forced by a profile), and « colonnes trouvées » would list the
                // missing column inside that single name.
                return Err(anyhow!(
                    "{} n'a qu'une colonne, dont l'en-tête « {} » contient des « {} » : le fichier n'est pas découpé avec son séparateur. Vérifiez le séparateur indiqué dans le profil d'import (clé separateur), ou retirez-le pour qu'il soit reconnu.",
                    origin.location(),
                    excerpt(header),
                    crate::format::printable(&mark.to_string())
                ));
            }
            if required {
                return Err(anyhow!(
                    "{} n'a pas de colonne « {} », obligatoire pour la table « {table} » (colonnes trouvées : {}).",
                    origin.location(),
                    column.name,
                    headers_list(&grid.headers)
                ));
            }
        }
    }
    // The headers met so far, folded, in a set: comparing each with all those before it
    // took minutes on a file of 10,000 columns.
    let mut seen = std::collections::HashSet::new();
    for (i, header) in grid.headers.iter().enumerate() {
        let folded = fold(header);
        let twice = seen.contains(&folded);
        if !header.trim().is_empty() {
            seen.insert(folded);
        }
        if twice && spec.columns.iter().any(|c| profile.matches(c.name, header)) {
            return Err(anyhow!(
                "{} : l'en-tête « {} » figure deux fois (la seconde fois en colonne n° {}) ; gardez-en une seule.",
                origin.location(),
                excerpt(header),
                i + 1
            ));
        }
    }
    let missing = spec.columns.iter().zip(&position).find_map(|(c, p)| {
        (p.is_none() && !profile.constants.contains_key(c.name)).then_some(c.name)
    });

    let mut findings = Vec::new();
    // Optional columns may be absent (donnees.md), but without its end column every row
    // of a table of periods reads as still running: that is said.
    for (column, pos) in spec.columns.iter().zip(&position) {
        if pos.is_none()
            && !profile.constants.contains_key(column.name)
            && spec
                .interval
                .as_ref()
                .is_some_and(|iv| iv.end == column.name)
        {
            findings.push(Finding {
                kind: FindingKind::MissingColumn,
                table,
                origin: origin.clone(),
                line: grid.header_line,
                column: Some(column.name),
                value: None,
                message: "colonne absente du fichier : aucune ligne n'a de fin, toutes sont comptées en cours."
                    .into(),
                blocking: false,
            });
        }
    }
    let reader = RowReader {
        spec,
        origin,
        profile,
        headers: &grid.headers,
        position,
        constants,
        missing,
        example: grid.headers.iter().position(|h| fold(h) == EXAMPLE_MARKER),
    };
    let parts = grid.parts();
    // A unique key is checked against every row above: its rows are read in order.
    let runs: Vec<Rows> = if spec.unique_key.is_empty() && parts.len() > 1 {
        std::thread::scope(|scope| {
            let threads: Vec<_> = parts
                .iter()
                .map(|part| scope.spawn(|| reader.read(part, &mut PlHashSet::new())))
                .collect();
            threads
                .into_iter()
                .map(|t| {
                    t.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Result<_>>()
        })?
    } else {
        let mut seen = PlHashSet::new();
        parts
            .iter()
            .map(|part| reader.read(part, &mut seen))
            .collect::<Result<_>>()?
    };
    let mut excluded = 0;
    let mut unnamed_with_values: Option<usize> = None;
    let mut table: Option<DataFrame> = None;
    for mut run in runs {
        findings.append(&mut run.findings);
        excluded += run.excluded;
        unnamed_with_values = match (unnamed_with_values, run.unnamed_with_values) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let frame = run.frame(spec)?;
        match &mut table {
            None => table = Some(frame),
            Some(table) => {
                table.vstack_mut_owned(frame)?;
            }
        }
    }
    if let (Some(unnamed), Some(missing)) = (unnamed_with_values, missing) {
        return Err(anyhow!(
            "{} : la colonne n° {} n'a pas d'en-tête mais contient des valeurs, et la colonne « {missing} » manque (deux cellules d'en-tête fusionnées ?). Donnez-lui son en-tête.",
            origin.location(),
            unnamed + 1
        ));
    }
    let mut table = match table {
        Some(table) => table,
        None => Rows::new(spec).frame(spec)?,
    };
    table.rechunk_mut_par();
    Ok(ReadTable {
        table,
        findings,
        excluded,
    })
}

/// What reading a row needs, shared by the threads that read runs of rows.
struct RowReader<'a> {
    spec: &'a TableSpec,
    origin: &'a Origin,
    profile: &'a TableProfile,
    headers: &'a [String],
    position: Vec<Option<usize>>,
    /// A column the export lacks but the profile sets for every row.
    constants: Vec<Option<Cell<'a>>>,
    /// An expected column that is missing: a column without header but with values is
    /// then two header cells merged.
    missing: Option<&'static str>,
    /// The column of [`EXAMPLE_MARKER`], when the file is a template's.
    example: Option<usize>,
}

/// A run of rows read: typed columns, findings, rows left out.
struct Rows {
    buffers: Vec<ColumnBuffer>,
    row_numbers: Vec<i64>,
    findings: Vec<Finding>,
    excluded: usize,
    /// The first column without header that holds a value.
    unnamed_with_values: Option<usize>,
}

impl Rows {
    fn new(spec: &TableSpec) -> Rows {
        Rows {
            buffers: spec
                .columns
                .iter()
                .map(|c| ColumnBuffer::for_type(c.kind, c.name))
                .collect(),
            row_numbers: Vec::new(),
            findings: Vec::new(),
            excluded: 0,
            unnamed_with_values: None,
        }
    }

    fn frame(self, spec: &TableSpec) -> Result<DataFrame> {
        let height = self.row_numbers.len();
        let mut columns = vec![Series::new(ROW_NUMBER.into(), self.row_numbers).into_column()];
        for (column, buffer) in spec.columns.iter().zip(self.buffers) {
            columns.push(buffer.column(column.name, height)?);
        }
        if spec.table == Table::Personnes {
            birth_from_year(&mut columns)?;
        }
        Ok(DataFrame::new(height, columns)?)
    }
}

impl RowReader<'_> {
    fn unnamed(&self, i: usize) -> bool {
        self.headers.get(i).is_none_or(|h| h.trim().is_empty())
    }

    /// Reads a run of rows; `seen` holds the unique keys of the rows above.
    fn read(&self, part: &Part, seen: &mut PlHashSet<Vec<String>>) -> Result<Rows> {
        let (spec, origin, profile) = (self.spec, self.origin, self.profile);
        let (position, constants) = (&self.position[..], &self.constants[..]);
        let table = spec.table;
        let end_column = spec.interval.as_ref().map(|iv| iv.end);
        let mut codes_seen: Vec<CodesSeen> = vec![PlHashMap::new(); spec.columns.len()];
        let mut spare_values = Vec::with_capacity(spec.columns.len());
        let Rows {
            mut buffers,
            mut row_numbers,
            mut findings,
            mut excluded,
            mut unnamed_with_values,
        } = Rows::new(spec);
        part.for_each_line(|line| {
            if let Some(at) = self.example
                && let Some(Cell::Text(marker)) = line.cells.get(at)
                && fold(marker) == EXAMPLE_MARKER
            {
                return Ok(());
            }
            if self.missing.is_some()
                && let Some(i) = line
                    .cells
                    .iter()
                    .enumerate()
                    .position(|(i, c)| *c != Cell::Empty && self.unnamed(i))
                && unnamed_with_values.is_none_or(|u| i < u)
            {
                unnamed_with_values = Some(i);
            }
            if let Some(at) = totals_cell(spec, position, line) {
                let column = position
                    .iter()
                    .position(|p| *p == Some(at))
                    .map(|i| spec.columns[i].name);
                findings.push(Finding {
                    kind: FindingKind::TotalsRow,
                    table,
                    origin: origin.clone(),
                    line: line.number,
                    column,
                    // Cut and its control characters shown, as every quoted value.
                    value: values::text_of(&line.cells[at]).map(|v| excerpt(&v)),
                    message: "ligne de total d'un tableau tenu à la main : ce n'est pas une donnée, elle est ignorée (les totaux sont recalculés)."
                        .into(),
                    blocking: false,
                });
                return Ok(());
            }
            let width = self.headers.len();
            if line.cells.len() != width {
                // Values beyond the header shift the row (a separator inside an unquoted
                // value): no cell of it can be trusted. Missing cells at its end are empty.
                let shifted = line.cells.iter().skip(width).any(|c| *c != Cell::Empty);
                findings.push(Finding {
                    kind: FindingKind::MalformedRow,
                    table,
                    origin: origin.clone(),
                    line: line.number,
                    column: None,
                    value: None,
                    message: if shifted {
                        format!(
                            "{} cellules alors que l'en-tête en a {width} : un séparateur de trop (dans une valeur sans guillemets ?) décale les valeurs ; sans elles la ligne est inutilisable.",
                            line.cells.len()
                        )
                    } else {
                        format!(
                            "{} cellules alors que l'en-tête en a {width} : les cellules manquantes en fin de ligne sont lues vides.",
                            line.cells.len()
                        )
                    },
                    blocking: shifted,
                });
                if shifted {
                    excluded += 1;
                    return Ok(());
                }
            }
            let mut values: Vec<Value> = recycled(std::mem::take(&mut spare_values));
            let mut row_findings = Vec::new();
            let mut row_blocked = false;
            for (i, (column, pos)) in spec.columns.iter().zip(position).enumerate() {
                let cell = match (pos, &constants[i]) {
                    (_, Some(constant)) => constant,
                    (Some(p), None) => line.cells.get(*p).unwrap_or(&Cell::Empty),
                    (None, None) => &Cell::Empty,
                };
                let essential = column.requirement == Requirement::Essential;
                // A filled end date that cannot be read leaves the row's days unknown.
                let blocks_if_unreadable = essential || Some(column.name) == end_column;
                let finding = |kind: FindingKind, message: String, blocks_row: bool| Finding {
                    kind,
                    table,
                    origin: origin.clone(),
                    line: line.number,
                    column: Some(column.name),
                    value: shown_cell(column, values::text_of(cell)),
                    message,
                    blocking: blocks_row,
                };
                let read = read_value(column, cell, profile, &mut codes_seen[i]);
                match read {
                    Ok(v) => values.push(v),
                    Err(Unreadable {
                        kind: kind @ FindingKind::UnknownCode,
                        message,
                        kept,
                    }) => {
                        row_findings.push(finding(kind, message, false));
                        values.push(kept);
                    }
                    Err(Unreadable {
                        kind,
                        message,
                        kept,
                    }) => {
                        // A date of birth is never repeated, not even its year in the
                        // explanation (« année 1850 invraisemblable »).
                        let message = match (column.kind, withheld(column.name)) {
                            (ColumnType::Date, true) => format!(
                                "date illisible ou invraisemblable (attendue au format JJ/MM/AAAA ou AAAA-MM-JJ, entre {} et {})",
                                values::PLAUSIBLE_YEARS.start(),
                                values::PLAUSIBLE_YEARS.end()
                            ),
                            _ => message,
                        };
                        let message = if blocks_if_unreadable {
                            format!("{message} ; sans cette valeur la ligne est inutilisable.")
                        } else {
                            format!("{message} ; la valeur est comptée « non renseigné ».")
                        };
                        row_findings.push(finding(kind, message, blocks_if_unreadable));
                        row_blocked |= blocks_if_unreadable;
                        values.push(kept);
                    }
                }
            }
            // Required-value checks run once every cell of the row is read.
            for (i, column) in spec.columns.iter().enumerate() {
                if !matches!(values[i], Value::Empty)
                    || row_findings
                        .iter()
                        .any(|c: &Finding| c.column == Some(column.name))
                {
                    continue;
                }
                let filled = |name: &str| {
                    spec.columns
                        .iter()
                        .position(|c| c.name == name)
                        .is_some_and(|j| !matches!(values[j], Value::Empty))
                };
                let missing_value = match column.requirement {
                    Requirement::Required | Requirement::Essential => true,
                    Requirement::UnlessFilled(other) => !filled(other),
                    Requirement::WhenFilled(other) => filled(other),
                    Requirement::Optional => false,
                };
                if missing_value {
                    let essential = column.requirement == Requirement::Essential;
                    row_blocked |= essential;
                    row_findings.push(Finding {
                        kind: FindingKind::MissingValue,
                        table,
                        origin: origin.clone(),
                        line: line.number,
                        column: Some(column.name),
                        value: None,
                        message: if essential {
                            "valeur obligatoire manquante ; sans elle la ligne est inutilisable.".into()
                        } else {
                            "valeur obligatoire manquante ; comptée « non renseigné ».".into()
                        },
                        blocking: essential,
                    });
                }
            }
            let value_of = |name: &str| {
                spec.columns
                    .iter()
                    .position(|c| c.name == name)
                    .map(|i| &values[i])
            };
            // An end date earlier than the start date: the row's days would be negative.
            if !row_blocked
                && let Some(iv) = &spec.interval
                && let (Some(Value::Date(start)), Some(Value::Date(end))) =
                    (value_of(iv.start), value_of(iv.end))
                && end < start
            {
                row_blocked = true;
                row_findings.push(Finding {
                    kind: FindingKind::EndBeforeStart,
                    table,
                    origin: origin.clone(),
                    line: line.number,
                    column: Some(iv.end),
                    value: Some(end.format("%d/%m/%Y").to_string()),
                    message: format!(
                        "cette date précède « {} » ({}) : la durée serait négative, la ligne est inutilisable.",
                        iv.start,
                        start.format("%d/%m/%Y")
                    ),
                    blocking: true,
                });
            }
            if !row_blocked
                && !spec.unique_key.is_empty()
                && let Some(key) = unique_key(spec, &values)
                && let Err(key) = first_time(seen, key)
            {
                row_blocked = true;
                let (column, message) = match spec.unique_key {
                    [id] => (
                        *id,
                        "identifiant déjà présent plus haut : seule la première ligne est gardée."
                            .to_string(),
                    ),
                    columns => (
                        columns[columns.len() - 1],
                        format!(
                            "ligne en double : une ligne plus haut a déjà les mêmes {} ; seule la première ligne est gardée.",
                            columns
                                .iter()
                                .map(|c| format!("« {c} »"))
                                .collect::<Vec<_>>()
                                .join(" et ")
                        ),
                    ),
                };
                row_findings.push(Finding {
                    kind: FindingKind::Duplicate,
                    table,
                    origin: origin.clone(),
                    line: line.number,
                    column: Some(column),
                    value: Some(key.join(" ; ")),
                    message,
                    blocking: true,
                });
            }
            findings.extend(row_findings);
            if row_blocked {
                excluded += 1;
                return Ok(());
            }
            row_numbers.push(line.number as i64);
            for (buffer, value) in buffers.iter_mut().zip(values.drain(..)) {
                buffer.push_value(value);
            }
            spare_values = recycled(values);
            Ok(())
        })?;
        Ok(Rows {
            buffers,
            row_numbers,
            findings,
            excluded,
            unnamed_with_values,
        })
    }
}

/// The room of a row's values, emptied, for the next row: values borrow from their row,
/// so the vector changes lifetime, not allocation (a collect into the same layout reuses it).
fn recycled<'b>(mut values: Vec<Value<'_>>) -> Vec<Value<'b>> {
    values.clear();
    values.into_iter().map(|_| Value::Empty).collect()
}

/// Keeps a key seen for the first time; gives it back when it was seen before.
fn first_time(seen: &mut PlHashSet<Vec<String>>, key: Vec<String>) -> Result<(), Vec<String>> {
    if seen.contains(&key) {
        Err(key)
    } else {
        seen.insert(key);
        Ok(())
    }
}

/// The values of a row's unique key, as shown to the user (a month as `MM/AAAA`);
/// none when a part of it is empty (the row is then reported as missing a value).
fn unique_key(spec: &TableSpec, values: &[Value]) -> Option<Vec<String>> {
    spec.unique_key
        .iter()
        .map(|name| {
            let i = spec.columns.iter().position(|c| c.name == *name)?;
            match (&values[i], spec.columns[i].kind) {
                (Value::Text(t), _) => Some(t.to_string()),
                (Value::Date(d), ColumnType::Month) => {
                    Some(format!("{:02}/{}", d.month(), d.year()))
                }
                (Value::Date(d), _) => {
                    Some(format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()))
                }
                (Value::Integer(n), _) => Some(n.to_string()),
                (Value::Number(n), _) => Some(n.to_string()),
                _ => None,
            }
        })
        .collect()
}

/// Whether a cell's text is the word « Total » (case and accents folded), alone or
/// followed by other words: « TOTAL », « Total général », « Total 2025 », but not
/// « TotalEnergies carburant ».
pub fn is_total_word(text: &str) -> bool {
    // Most first cells are identifiers: only a word starting with a T (or a letter
    // that folding may turn into one) is worth folding.
    if !text
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '_' | '-'))
        .starts_with(|c: char| !c.is_ascii() || c.eq_ignore_ascii_case(&'t'))
    {
        return false;
    }
    let folded = crate::model::fold(text);
    folded
        .strip_prefix("total")
        .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
}

/// The headers found, as a message quotes them: each cut short, at most twenty.
fn headers_list(headers: &[String]) -> String {
    let mut list: Vec<String> = headers.iter().take(20).map(|h| excerpt(h)).collect();
    if headers.len() > 20 {
        list.push(format!("et {} autres", headers.len() - 20));
    }
    list.join(", ")
}

/// A header of the file that no expected column claims and that is a near spelling of
/// the expected column `name` (a letter or two apart, accents and case aside).
fn misspelt<'g>(
    name: &str,
    headers: &'g [String],
    spec: &TableSpec,
    profile: &TableProfile,
) -> Option<&'g str> {
    headers
        .iter()
        .filter(|h| !h.is_empty() && !spec.columns.iter().any(|c| profile.matches(c.name, h)))
        .find(|h| strsim::normalized_levenshtein(&fold(h), &fold(name)) >= 0.8)
        .map(|h| h.as_str())
}

/// A totals row at the foot of a hand-kept sheet: its first non-empty cell is the word
/// « Total » and the table's identifier and date columns (its essential columns, other
/// than the cell holding « Total ») are empty. Returns the position of that cell.
fn totals_cell(spec: &TableSpec, position: &[Option<usize>], line: &file::Line) -> Option<usize> {
    let at = line.cells.iter().position(|c| *c != Cell::Empty)?;
    let Cell::Text(text) = &line.cells[at] else {
        return None;
    };
    if !is_total_word(text) {
        return None;
    }
    let keys_empty = spec
        .columns
        .iter()
        .zip(position)
        .filter(|(c, p)| c.requirement == Requirement::Essential && **p != Some(at))
        .all(|(_, p)| p.is_none_or(|p| line.cells.get(p).is_none_or(|c| *c == Cell::Empty)));
    keys_empty.then_some(at)
}

/// A person known only by birth year is taken as born on 1 July (donnees.md).
fn birth_from_year(columns: &mut [Column]) -> PolarsResult<()> {
    let year = columns
        .iter()
        .find(|c| c.name() == "annee_naissance")
        .map(|c| c.as_materialized_series().i64().cloned())
        .transpose()?;
    let Some(year) = year else { return Ok(()) };
    let Some(date) = columns.iter_mut().find(|c| c.name() == "date_naissance") else {
        return Ok(());
    };
    let days: Vec<Option<i32>> = date
        .as_materialized_series()
        .cast(&DataType::Int32)?
        .i32()?
        .iter()
        .zip(year.iter())
        .map(|(d, a)| {
            d.or_else(|| {
                a.and_then(|a| NaiveDate::from_ymd_opt(i32::try_from(a).ok()?, 7, 1))
                    .map(epoch_days)
            })
        })
        .collect();
    *date = Series::new("date_naissance".into(), days)
        .cast(&DataType::Date)?
        .into_column();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example row of a template is skipped whatever the case of its marker; a row
    /// with something else in the marker column is data. Lines: header 1; the example 2
    /// (« Exemple »); P1 3 with a note « à revoir » in the column; P2 4 with it empty.
    #[test]
    fn the_example_row_of_a_template_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accompagnements.csv");
        let text = "id_personne,date_entree,date_sortie,motif_sortie,exemple\n\
            P001,2025-01-15,2025-06-30,Relogement autonome,Exemple\n\
            P1,2025-02-01,,,à revoir\n\
            P2,2025-03-01,,,\n";
        std::fs::write(&path, text).unwrap();
        let origin = Origin {
            file: path.display().to_string(),
            sheet: None,
        };
        let grid = file::read(&path, None, Default::default()).unwrap();
        let read = canonicalise(
            Table::Accompagnements.spec(),
            &grid,
            &origin,
            &TableProfile::default(),
        )
        .unwrap();
        assert!(read.findings.is_empty());
        let ids: Vec<Option<&str>> = read
            .table
            .column("id_personne")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(ids, [Some("P1"), Some("P2")]);
        let lines: Vec<Option<i64>> = read
            .table
            .column(ROW_NUMBER)
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(lines, [Some(3), Some(4)]);
    }

    /// A table read in one run and in three runs side by side: the same rows, the same
    /// findings on the same lines. The text (lines by hand): header 1; P1 2; P2 3, whose
    /// comment in quotes goes on over line 4; blank line 5; P3 6 with an unknown type;
    /// P4 7 with an unreadable date (a blocking finding: the row is left out); P5 8 with
    /// a quote inside an unquoted comment; P6 9. Cut into three near bytes 125 and 250,
    /// the runs start at lines 5 and 8: the quoted comment of line 3 is not cut.
    #[test]
    fn a_file_read_in_runs_gives_what_one_run_gives() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("interventions.csv");
        let text = "id_personne,date,type,binome,metiers,duree_minutes,commentaire\n\
            P1,2025-01-02,visite_domicile,non,infirmier,30,\n\
            P2,2025-01-03,telephone,oui,infirmier;psychiatre,15,\"deux\nlignes, et \"\"guillemets\"\"\"\n\
            \n\
            P3,2025-01-04,inconnu,non,infirmier,20,\n\
            P4,2025-13-45,telephone,non,infirmier,20,\n\
            P5,2025-01-06,telephone,non,infirmier,20,taille 5'10\"\n\
            P6,2025-01-07,telephone,non,infirmier,25,\n";
        std::fs::write(&path, text).unwrap();
        let origin = Origin {
            file: path.display().to_string(),
            sheet: None,
        };
        let read = |parts| {
            let grid = file::read_in_parts(&path, None, Default::default(), Some(parts)).unwrap();
            assert_eq!(grid.parts().len(), parts);
            canonicalise(
                Table::Interventions.spec(),
                &grid,
                &origin,
                &TableProfile::default(),
            )
            .unwrap()
        };
        let (one, three) = (read(1), read(3));
        let lines = |t: &ReadTable| -> Vec<i64> {
            t.table
                .column(ROW_NUMBER)
                .unwrap()
                .i64()
                .unwrap()
                .into_no_null_iter()
                .collect()
        };
        assert_eq!(lines(&one), [2, 3, 6, 8, 9]);
        assert!(one.table.equals_missing(&three.table));
        let findings = |t: &ReadTable| -> Vec<(usize, FindingKind, bool)> {
            t.findings
                .iter()
                .map(|f| (f.line, f.kind, f.blocking))
                .collect()
        };
        assert_eq!(
            findings(&one),
            [
                (6, FindingKind::UnknownCode, false),
                (7, FindingKind::UnreadableValue, true)
            ]
        );
        assert_eq!(findings(&one), findings(&three));
        assert_eq!((one.excluded, three.excluded), (1, 1));
        let ids = one
            .table
            .column("id_personne")
            .unwrap()
            .str()
            .unwrap()
            .clone();
        let ids: Vec<Option<&str>> = ids.iter().collect();
        assert_eq!(ids, ["P1", "P2", "P3", "P5", "P6"].map(Some));
    }

    #[test]
    fn the_word_total() {
        for t in [
            "Total",
            "TOTAL",
            "Total général",
            "total 2025",
            "Totál",
            " total : ",
        ] {
            assert!(is_total_word(t), "{t}");
        }
        for t in [
            "TotalEnergies carburant",
            "Totaux",
            "Sous-total",
            "",
            "totale",
        ] {
            assert!(!is_total_word(t), "{t}");
        }
    }
}
