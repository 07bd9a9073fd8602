//! The layouts as Table Schemas (frictionless, the format of schema.data.gouv.fr): one
//! per table of donnees.md, built from [`crate::model`], one per CSV file of the results,
//! and the `datapackage.json` that describes the CSV files of a results folder, so that
//! evaluators validate and load them with standard tools.
//!
//! An input schema describes the reference layout in its plainest form: codes as in the
//! lists, dates `AAAA-MM-JJ`, numbers with a decimal point. bilan reads more than that
//! (labels and synonyms, `JJ/MM/AAAA`, the decimal comma): a Table Schema gives one form
//! per column, and the plainest is the one every tool reads alike.

use anyhow::Result;
use serde::Serialize;

use super::{column_text, table_text};
use crate::format::prose;
use crate::model::{CodeList, ColumnSpec, ColumnType, ProgrammeKind, Requirement, Table};
use crate::output::WITHHELD;
use crate::output::csv::{DELIMITER, DETAIL_HEADER, HEADER, LINE_END, QUOTE};
use crate::output::reperes::BENCHMARK_HEADER;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    name: &'static str,
    title: String,
    description: String,
    version: &'static str,
    fields: Vec<Field>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    primary_key: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    foreign_keys: Vec<ForeignKey>,
    missing_values: Vec<String>,
}

#[derive(Serialize)]
struct Field {
    name: &'static str,
    title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    constraints: Constraints,
}

#[derive(Serialize)]
struct Constraints {
    required: bool,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    one_of: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
}

#[derive(Serialize)]
struct ForeignKey {
    fields: &'static str,
    reference: Reference,
}

#[derive(Serialize)]
struct Reference {
    resource: &'static str,
    fields: &'static str,
}

/// A month as donnees.md accepts it: `AAAA-MM`, `MM/AAAA`, or a date. frictionless anchors
/// a pattern at both ends of the value: the alternatives are grouped for that.
const MONTH_PATTERN: &str =
    "([0-9]{4}-[0-9]{2}|[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4})";

/// « `F` (Femme), `H` (Homme), `X` (Autre) ».
fn codes_text(list: &CodeList) -> String {
    list.codes
        .iter()
        .map(|c| format!("{} ({})", c.code, c.label))
        .collect::<Vec<_>>()
        .join(", ")
}

fn codes_of(list: &CodeList) -> Vec<&'static str> {
    list.codes.iter().map(|c| c.code).collect()
}

/// Several codes in one cell, separated by `;` or `,` (spaces allowed around them).
fn codes_pattern(list: &CodeList) -> String {
    let one = format!("({})", codes_of(list).join("|"));
    format!("{one}( *[;,] *{one})*")
}

fn column_field(table: Table, column: &ColumnSpec) -> Field {
    let text = column_text(table, column.name);
    let mut description: Vec<String> = Vec::new();
    if !text.description.is_empty() {
        description.push(text.description.to_string());
    }
    match column.requirement {
        Requirement::Essential => {
            description.push("Obligatoire : une ligne sans cette valeur est écartée.".into())
        }
        Requirement::UnlessFilled(other) => {
            description.push(format!("Obligatoire quand « {other} » est vide."))
        }
        Requirement::WhenFilled(other) => {
            description.push(format!("Obligatoire quand « {other} » est renseignée."))
        }
        Requirement::Required | Requirement::Optional => {}
    }
    let (kind, format, one_of, pattern) = match column.kind {
        ColumnType::Text => ("string", None, None, None),
        ColumnType::Date => ("date", Some("default"), None, None),
        ColumnType::Integer => ("integer", None, None, None),
        ColumnType::Number => ("number", None, None, None),
        ColumnType::Month => ("string", None, None, Some(MONTH_PATTERN.to_string())),
        ColumnType::Code(list) => {
            description.push(format!("Codes : {}.", codes_text(list)));
            ("string", None, Some(codes_of(list)), None)
        }
        ColumnType::Codes(list) => {
            description.push(format!(
                "Un ou plusieurs codes séparés par « ; » ou « , » : {}.",
                codes_text(list)
            ));
            ("string", None, None, Some(codes_pattern(list)))
        }
    };
    Field {
        name: column.name,
        title: prose(text.title),
        description: prose(&description.join(" ")),
        kind,
        format,
        constraints: Constraints {
            required: matches!(
                column.requirement,
                Requirement::Required | Requirement::Essential
            ),
            one_of,
            pattern,
        },
    }
}

/// The Table Schema of one table of donnees.md.
pub fn table_schema(table: Table) -> Schema {
    let spec = table.spec();
    let (title, description) = table_text(table);
    Schema {
        name: table.name(),
        title: prose(title),
        description: prose(&format!(
            "{description} Disposition de référence de bilan (donnees.md) : codes des listes, dates AAAA-MM-JJ, \
             nombres avec un point décimal. bilan lit aussi les libellés des codes, les dates JJ/MM/AAAA et la \
             virgule décimale, et ignore les colonnes qui ne sont pas décrites ici."
        )),
        version: env!("CARGO_PKG_VERSION"),
        fields: spec
            .columns
            .iter()
            .map(|c| column_field(table, c))
            .collect(),
        primary_key: spec.unique_key.to_vec(),
        foreign_keys: table
            .references()
            .map(|(column, parent)| ForeignKey {
                fields: column,
                reference: Reference {
                    resource: parent.name(),
                    fields: column,
                },
            })
            .collect(),
        missing_values: vec![String::new()],
    }
}

/// A column of a results file: its title, description, type, and codes or pattern.
struct OutputColumn {
    title: &'static str,
    description: &'static str,
    kind: &'static str,
    required: bool,
    one_of: Option<Vec<&'static str>>,
    pattern: Option<&'static str>,
}

const fn plain(
    title: &'static str,
    description: &'static str,
    kind: &'static str,
    required: bool,
) -> OutputColumn {
    OutputColumn {
        title,
        description,
        kind,
        required,
        one_of: None,
        pattern: None,
    }
}

const MASKS: &str = "En diffusion, un effectif masqué s'écrit « < seuil » (par exemple « < 5 ») et un chiffre retenu « masqué » : \
                     le datapackage.json du dossier les déclare comme valeurs manquantes.";

/// The columns of `indicateurs.csv`, `reperes.csv` and `detail.csv`, by name (the
/// headers are those the writers use, [`HEADER`], [`BENCHMARK_HEADER`], [`DETAIL_HEADER`]).
fn output_column(name: &str) -> OutputColumn {
    match name {
        "dispositif" => plain(
            "Dispositif",
            "Code du dispositif (clé id de la configuration du site), ou de l'ensemble national.",
            "string",
            true,
        ),
        "periode_debut" => plain("Début de la période", "", "date", true),
        "periode_fin" => plain("Fin de la période", "", "date", true),
        "indicateur" => plain(
            "Indicateur",
            "Identifiant de l'indicateur : « bilan indicateurs ID » en donne la définition.",
            "string",
            true,
        ),
        "modalite" => plain(
            "Modalité",
            "« total », le code d'une liste, « non_renseigne », « non_reconnu », « moyenne », « mediane », « effectif », une tranche, ou « NOM:AAAA-MM » pour un mois.",
            "string",
            true,
        ),
        "valeur" => plain("Valeur", MASKS, "number", false),
        "numerateur" => plain("Numérateur", MASKS, "number", false),
        "denominateur" => plain("Dénominateur", MASKS, "number", false),
        "unite" => plain("Unité", "", "string", false),
        "base" => plain(
            "Base",
            "Nombre de personnes (ou de lignes) sur lequel le chiffre est calculé ; audience interne seulement, vide en diffusion.",
            "number",
            false,
        ),
        "type" => OutputColumn {
            one_of: Some(ProgrammeKind::ALL.iter().map(|k| k.code()).collect()),
            ..plain("Type de dispositif", "", "string", true)
        },
        "sites" => plain(
            "Sites",
            "Nombre de sites dont la valeur publiée compte dans le repère.",
            "integer",
            true,
        ),
        "publie" => OutputColumn {
            one_of: Some(vec!["oui", "non"]),
            ..plain(
                "Publié",
                "« non » sous 5 sites : le repère n'a alors pas de valeur.",
                "string",
                true,
            )
        },
        "minimum" => plain("Minimum", "", "number", false),
        "q1" => plain("Premier quartile", "", "number", false),
        "mediane" => plain("Médiane", "", "number", false),
        "q3" => plain("Troisième quartile", "", "number", false),
        "maximum" => plain("Maximum", "", "number", false),
        "periode" => OutputColumn {
            pattern: Some("[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{4}-[0-9]{2}-[0-9]{2}"),
            ..plain(
                "Période",
                "Début et fin, AAAA-MM-JJ/AAAA-MM-JJ.",
                "string",
                true,
            )
        },
        "identifiant" => plain(
            "Identifiant",
            "Numéro de la personne, du logement ou de la ligne derrière le chiffre.",
            "string",
            true,
        ),
        // The test below holds every header of the writers to be named here.
        _ => plain("", "", "string", false),
    }
}

/// One CSV file of the results and what its schema says.
struct OutputFile {
    file: &'static str,
    name: &'static str,
    title: &'static str,
    description: &'static str,
    header: &'static [&'static str],
    primary_key: &'static [&'static str],
}

const OUTPUT_FILES: [OutputFile; 3] = [
    OutputFile {
        file: "indicateurs.csv",
        name: "indicateurs",
        title: "Indicateurs",
        description: "Chaque chiffre publié, au format long d'indicateurs.md : une ligne par dispositif, période, indicateur et modalité.",
        header: &HEADER,
        primary_key: &[
            "dispositif",
            "periode_debut",
            "periode_fin",
            "indicateur",
            "modalite",
        ],
    },
    OutputFile {
        file: "reperes.csv",
        name: "reperes",
        title: "Repères nationaux",
        description: "La dispersion des valeurs publiées par les sites (diffusion), par type de dispositif, avec le nombre de sites.",
        header: &BENCHMARK_HEADER,
        primary_key: &[
            "type",
            "periode_debut",
            "periode_fin",
            "indicateur",
            "modalite",
        ],
    },
    OutputFile {
        file: "detail.csv",
        name: "detail",
        title: "Détail des cellules",
        description: "Audience interne seulement : chaque identifiant derrière chaque effectif publié, pour retrouver et corriger les fiches.",
        header: &DETAIL_HEADER,
        primary_key: &[],
    },
];

fn output_schema(file: &OutputFile, missing_values: Vec<String>) -> Schema {
    Schema {
        name: file.name,
        title: prose(file.title),
        description: prose(file.description),
        version: env!("CARGO_PKG_VERSION"),
        fields: file
            .header
            .iter()
            .map(|&name| {
                let column = output_column(name);
                Field {
                    name,
                    title: prose(column.title),
                    description: prose(column.description),
                    kind: column.kind,
                    format: (column.kind == "date").then_some("default"),
                    constraints: Constraints {
                        required: column.required,
                        one_of: column.one_of,
                        pattern: column.pattern.map(str::to_string),
                    },
                }
            })
            .collect(),
        primary_key: file.primary_key.to_vec(),
        foreign_keys: Vec::new(),
        missing_values,
    }
}

fn json(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut text = serde_json::to_vec_pretty(value)?;
    text.push(b'\n');
    Ok(text)
}

/// The files `bilan schemas` writes: `TABLE.schema.json` for each table of donnees.md,
/// then one for each CSV file of the results.
pub fn schema_files() -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    for table in Table::ALL {
        files.push((
            format!("{}.schema.json", table.name()),
            json(&table_schema(table))?,
        ));
    }
    for file in &OUTPUT_FILES {
        files.push((
            format!("{}.schema.json", file.name),
            json(&output_schema(file, vec![String::new()]))?,
        ));
    }
    Ok(files)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dialect {
    delimiter: String,
    quote_char: String,
    double_quote: bool,
    line_terminator: String,
    header: bool,
}

#[derive(Serialize)]
struct Resource {
    name: &'static str,
    path: &'static str,
    title: String,
    description: String,
    profile: &'static str,
    format: &'static str,
    mediatype: &'static str,
    encoding: &'static str,
    bytes: usize,
    hash: String,
    dialect: Dialect,
    schema: Schema,
}

#[derive(Serialize)]
struct Package {
    profile: &'static str,
    name: &'static str,
    title: String,
    description: String,
    resources: Vec<Resource>,
}

/// The masks a results file holds in place of numbers (« < 5 », « masqué »), in the
/// order first met: the missing values of its schema beside the empty cell.
fn masks_in(bytes: &[u8]) -> Vec<String> {
    let mut masks = vec![String::new()];
    let mut reader = ::csv::Reader::from_reader(bytes);
    for record in reader.records().flatten() {
        for cell in record.iter() {
            let is_mask = cell == WITHHELD
                || cell
                    .strip_prefix("< ")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if is_mask && !masks.iter().any(|m| m == cell) {
                masks.push(cell.to_string());
            }
        }
    }
    masks
}

/// `datapackage.json` of a results folder: each CSV file among `files` (the whole set
/// the run writes, so that it describes only the files present), with its bytes,
/// fingerprint, dialect and schema, inline so that the folder stands alone.
pub fn datapackage(title: String, files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>> {
    let resources = OUTPUT_FILES
        .iter()
        .filter_map(|file| {
            let (_, bytes) = files.iter().find(|(name, _)| *name == file.file)?;
            Some(Resource {
                name: file.name,
                path: file.file,
                title: prose(file.title),
                description: prose(file.description),
                profile: "tabular-data-resource",
                format: "csv",
                mediatype: "text/csv",
                encoding: "utf-8",
                bytes: bytes.len(),
                hash: format!("sha256:{}", crate::digest::sha256(bytes)),
                dialect: Dialect {
                    delimiter: char::from(DELIMITER).to_string(),
                    quote_char: char::from(QUOTE).to_string(),
                    double_quote: true,
                    line_terminator: char::from(LINE_END).to_string(),
                    header: true,
                },
                schema: output_schema(file, masks_in(bytes)),
            })
        })
        .collect();
    json(&Package {
        profile: "tabular-data-package",
        name: "bilan-resultats",
        title,
        description: prose(
            "Les fichiers CSV d'un dossier de résultats de bilan, décrits pour les outils standard (frictionless). \
             manifeste.json dit de quoi le dossier est fait.",
        ),
        resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every header the results' writers use has its French title here.
    #[test]
    fn every_output_column_has_its_text() {
        for file in &OUTPUT_FILES {
            for name in file.header {
                assert!(!output_column(name).title.is_empty(), "{name}");
            }
        }
    }

    /// A masked diffusion file: the empty cell, then each mask once, in the order met;
    /// a number or a text that only looks like one is not a mask.
    #[test]
    fn masks_are_the_ones_present() {
        let csv = "a,b\n< 5,masqué\n12,< 5\n< x,<5\n";
        assert_eq!(masks_in(csv.as_bytes()), ["", "< 5", "masqué"]);
    }
}
