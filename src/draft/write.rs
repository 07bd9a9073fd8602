//! The drafts as text: `bilan.toml` and the import profile in the formats `config` and
//! `profile` read, every guess followed by its evidence in a comment, every decision
//! left to the coordinator listed at the top of both files. The same texts with provisional
//! values in place of the placeholders let `bilan init` check the draft at once.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::detect::TableGuess;
use super::similarity::LabelMatch;
use super::{Draft, Source, ValueDraft, values_of};
use crate::config::PLACEHOLDER;
use crate::model::{CodeList, ColumnType, Table, fold};

/// The name the profile is written under, beside `bilan.toml`.
pub const PROFILE_FILE: &str = "profil.toml";

/// Placeholders kept (the draft to fill) or replaced by provisional values (the draft
/// checked at once, its sources at `data`, an absolute folder).
pub enum Mode<'a> {
    Draft { data: &'a Path },
    Provisional { data: &'a Path },
}

impl Mode<'_> {
    fn data(&self) -> &Path {
        match self {
            Mode::Draft { data } | Mode::Provisional { data } => data,
        }
    }

    fn provisional(&self) -> bool {
        matches!(self, Mode::Provisional { .. })
    }
}

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A line with its comment, the comments of a block aligned.
fn line(out: &mut String, code: &str, comment: &str) {
    if comment.is_empty() {
        let _ = writeln!(out, "{code}");
    } else {
        let _ = writeln!(out, "{code:<44} # {comment}");
    }
}

fn codes_of(list: &CodeList) -> String {
    list.codes
        .iter()
        .map(|c| c.code)
        .collect::<Vec<_>>()
        .join(", ")
}

fn code_list(table: Table, column: &str) -> Option<&'static CodeList> {
    match table.spec().column(column)?.kind {
        ColumnType::Code(list) | ColumnType::Codes(list) => Some(list),
        _ => None,
    }
}

fn rows(n: usize) -> String {
    crate::format::count(n as u64, "ligne", "lignes")
}

/// Every decision left to the coordinator, in the order of the files.
pub fn decisions(draft: &Draft) -> Vec<String> {
    let mut decisions = Vec::new();
    for message in &draft.unreadable {
        decisions.push(format!("fichier illisible, laissé de côté : {message}"));
    }
    for programme in &draft.programmes {
        decisions.push(format!(
            "dispositif « {} » : son type (clé type), ses places autorisées (clé places) et sa date d'ouverture (clé ouverture), à la place de « {PLACEHOLDER} » ; son nom (clé nom).",
            programme.id
        ));
        for (table, source) in &programme.sources {
            if let Source::Ambiguous(candidates) = source {
                decisions.push(format!(
                    "dispositif « {} », table « {table} » : plusieurs feuilles peuvent l'être ({}) ; gardez la bonne dans bilan.toml{}.",
                    programme.id,
                    candidates
                        .iter()
                        .map(|g| format!("« {} »", draft.sheets[g.sheet].name()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if *table == Table::Accompagnements {
                        format!(" (clé sources.accompagnements, encore « {PLACEHOLDER} »)")
                    } else {
                        String::new()
                    }
                ));
            }
        }
        let absent: Vec<&str> = Table::ALL
            .iter()
            .filter(|t| !programme.sources.contains_key(t))
            .map(|t| t.name())
            .collect();
        if !absent.is_empty() {
            decisions.push(format!(
                "dispositif « {} » : aucune feuille ne ressemble {} {} ; si le site les tient, ajoutez leur source (sinon les indicateurs qui en dépendent restent sans valeur).",
                programme.id,
                if absent.len() == 1 { "à la table" } else { "aux tables" },
                absent.join(", ")
            ));
        }
    }
    let used: Vec<usize> = draft
        .programmes
        .iter()
        .flat_map(|p| p.sources.values())
        .flat_map(|s| match s {
            Source::Found(g) => vec![g.sheet],
            Source::Ambiguous(gs) => gs.iter().map(|g| g.sheet).collect(),
        })
        .collect();
    for (i, sheet) in draft.sheets.iter().enumerate() {
        if !used.contains(&i) {
            decisions.push(format!(
                "« {} » ne ressemble à aucune table de donnees.md : laissée de côté.",
                sheet.name()
            ));
        }
    }
    for (table, guesses) in found(draft) {
        for guess in &guesses {
            let sheet = &draft.sheets[guess.sheet];
            for column in &guess.missing {
                decisions.push(format!(
                    "{table} : « {} » n'a pas la colonne obligatoire « {column} » ; donnez sa valeur pour toutes les lignes dans profil.toml (clé {table}.constantes.{column}, encore « {PLACEHOLDER} ») ou ajoutez la colonne à l'export.",
                    sheet.name()
                ));
            }
            let unplaced = unplaced(draft, guess.sheet);
            if !unplaced.is_empty() && first_table_of_sheet(draft, guess) {
                decisions.push(format!(
                    "« {} » : colonnes qui ne ressemblent à aucune colonne de donnees.md, ignorées ({}) ; s'il en est une, ajoutez-la dans profil.toml (section colonnes).",
                    sheet.name(),
                    unplaced.iter().map(|h| format!("« {h} »")).collect::<Vec<_>>().join(", ")
                ));
            }
        }
        for (column, values) in values_by_column(draft, table, &guesses) {
            let open: Vec<String> = values
                .iter()
                .filter(|v| !matches!(v.outcome, LabelMatch::Guess { .. }))
                .map(|v| format!("« {} » ({})", v.label, rows(v.rows)))
                .collect();
            if !open.is_empty() {
                decisions.push(format!(
                    "{table}.{column} : valeurs à classer dans profil.toml, comptées « non reconnu » d'ici là : {}.",
                    open.join(", ")
                ));
            }
        }
    }
    decisions
}

/// Whether `guess` is the first table read from its sheet (the one that lists the
/// sheet's ignored columns).
fn first_table_of_sheet(draft: &Draft, guess: &TableGuess) -> bool {
    let first = found(draft)
        .into_values()
        .flatten()
        .find(|g| g.sheet == guess.sheet);
    first.is_some_and(|g| g.table == guess.table)
}

/// The headers of a sheet that no table read from it takes.
fn unplaced(draft: &Draft, sheet: usize) -> Vec<&str> {
    let taken: Vec<usize> = found(draft)
        .into_values()
        .flatten()
        .filter(|g| g.sheet == sheet)
        .flat_map(|g| g.columns.iter().map(|c| c.header).collect::<Vec<_>>())
        .collect();
    draft.sheets[sheet]
        .headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !taken.contains(i) && !h.trim().is_empty())
        .map(|(_, h)| h.as_str())
        .collect()
}

/// The sheets found for each table, all programmes together (one profile serves them).
fn found(draft: &Draft) -> BTreeMap<Table, Vec<TableGuess>> {
    let mut found: BTreeMap<Table, Vec<TableGuess>> = BTreeMap::new();
    for programme in &draft.programmes {
        for (table, source) in &programme.sources {
            if let Source::Found(g) = source {
                found.entry(*table).or_default().push(g.clone());
            }
        }
    }
    found
}

/// The values of each code column of a table that need a line, over its sheets.
fn values_by_column(
    draft: &Draft,
    table: Table,
    guesses: &[TableGuess],
) -> Vec<(&'static str, Vec<ValueDraft>)> {
    table
        .spec()
        .columns
        .iter()
        .filter_map(|column| {
            let mut values: Vec<ValueDraft> = Vec::new();
            for guess in guesses {
                for value in values_of(guess, column.name, &draft.sheets) {
                    match values
                        .iter_mut()
                        .find(|v| fold(&v.label) == fold(&value.label))
                    {
                        Some(v) => v.rows += value.rows,
                        None => values.push(value),
                    }
                }
            }
            (!values.is_empty()).then_some((column.name, values))
        })
        .collect()
}

fn header_comment(decisions: &[String], out: &mut String) {
    if decisions.is_empty() {
        let _ = writeln!(
            out,
            "# Rien n'est laissé à décider : relisez tout de même chaque choix."
        );
    } else {
        let _ = writeln!(out, "# À DÉCIDER ({}) :", decisions.len());
        for (i, d) in decisions.iter().enumerate() {
            let _ = writeln!(out, "#  {}. {d}", i + 1);
        }
    }
    let _ = writeln!(out);
}

/// The path of a file of the data folder as written in the configuration: relative to
/// the configuration's folder when it can be, else absolute.
fn source_path(mode: &Mode, at: &Path, file: &Path) -> String {
    let path = match mode {
        Mode::Provisional { data } => data.join(file),
        Mode::Draft { data } => relative(at, data).join(file),
    };
    path.to_string_lossy().replace('\\', "/")
}

/// `to` seen from `from` (both folders, absolute).
pub fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to.to_path_buf();
    }
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to_parts[common..] {
        path.push(part);
    }
    path
}

fn source_value(draft: &Draft, mode: &Mode, at: &Path, guess: &TableGuess) -> String {
    let sheet = &draft.sheets[guess.sheet];
    let file = quoted(&source_path(mode, at, &sheet.file));
    match &sheet.sheet {
        Some(name) => format!("{{ fichier = {file}, feuille = {} }}", quoted(name)),
        None => file,
    }
}

/// `bilan.toml`, written into the folder `at` (absolute).
pub fn config(draft: &Draft, mode: &Mode, at: &Path) -> String {
    let mut out = String::new();
    let folder = mode.data().display().to_string();
    let _ = writeln!(
        out,
        "# Brouillon de configuration écrit par « bilan init » à partir des exports du dossier « {folder} »."
    );
    let _ = writeln!(
        out,
        "# Chaque choix est suivi, en commentaire, de ce qui l'a fait retenir : relisez-les. Les valeurs"
    );
    let _ = writeln!(
        out,
        "# « {PLACEHOLDER} » sont refusées par « bilan verifier » et « bilan rapport » tant qu'elles restent."
    );
    header_comment(&decisions(draft), &mut out);
    let site = mode
        .data()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    line(
        &mut out,
        &format!("site = {}", quoted(&site)),
        "nom du site dans le rapport : le nom du dossier, à remplacer",
    );
    let _ = writeln!(out, "\n[confidentialite]");
    line(
        &mut out,
        "seuil = 5",
        "les effectifs de 1 à 4 sont masqués dans les résultats « diffusion »",
    );
    for programme in &draft.programmes {
        let placeholder = |provisional: &str| {
            if mode.provisional() {
                provisional.to_string()
            } else {
                quoted(PLACEHOLDER)
            }
        };
        let first = programme.first_entry(&draft.sheets);
        let _ = writeln!(out, "\n[[dispositif]]");
        line(
            &mut out,
            &format!("id = {}", quoted(&programme.id)),
            "écrit dans la colonne « dispositif » d'indicateurs.csv",
        );
        line(
            &mut out,
            &format!("nom = {}", quoted(&programme.id)),
            "nom du dispositif dans le rapport, à remplacer",
        );
        line(
            &mut out,
            &format!("type = {}", placeholder("\"ucsd\"")),
            "ucsd, ucsd_jeunes, logement_abord ou village",
        );
        line(
            &mut out,
            &format!("places = {}", placeholder("1")),
            "places autorisées : un nombre, ou [{ depuis = AAAA-MM-JJ, places = N }, …]",
        );
        let opening_hint = match first {
            Some(d) => format!(
                "AAAA-MM-JJ ; la première entrée des exports date du {}",
                d.format("%d/%m/%Y")
            ),
            None => "AAAA-MM-JJ".into(),
        };
        let provisional_opening =
            first.map_or("2019-01-01".into(), |d| d.format("%Y-%m-%d").to_string());
        line(
            &mut out,
            &format!("ouverture = {}", placeholder(&provisional_opening)),
            &opening_hint,
        );
        line(
            &mut out,
            &format!("profil = {}", quoted(PROFILE_FILE)),
            "le profil d'import écrit à côté",
        );
        let _ = writeln!(out, "\n[dispositif.sources]");
        for table in Table::ALL {
            match programme.sources.get(&table) {
                Some(Source::Found(guess)) => {
                    let columns = guess.columns.len();
                    line(
                        &mut out,
                        &format!("{table} = {}", source_value(draft, mode, at, guess)),
                        &format!(
                            "{} sur {} ; ressemblance {}",
                            crate::format::count(
                                columns as u64,
                                "colonne reconnue",
                                "colonnes reconnues"
                            ),
                            draft.sheets[guess.sheet].headers.len(),
                            crate::format::percent(guess.score.min(1.0) * 100.0)
                        ),
                    );
                }
                Some(Source::Ambiguous(candidates)) => {
                    if table == Table::Accompagnements {
                        let value = if mode.provisional() {
                            source_value(draft, mode, at, &candidates[0])
                        } else {
                            quoted(PLACEHOLDER)
                        };
                        line(
                            &mut out,
                            &format!("{table} = {value}"),
                            "À DÉCIDER : une des feuilles ci-dessous",
                        );
                    }
                    for guess in candidates {
                        line(
                            &mut out,
                            &format!("# {table} = {}", source_value(draft, mode, at, guess)),
                            &format!(
                                "ressemblance {}",
                                crate::format::percent(guess.score.min(1.0) * 100.0)
                            ),
                        );
                    }
                }
                None => {
                    let _ = writeln!(out, "# {table} : introuvable dans le dossier");
                }
            }
        }
    }
    out
}

/// The import profile.
pub fn profile(draft: &Draft, mode: &Mode) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Brouillon de profil d'import écrit par « bilan init » : pour chaque table, quel en-tête des"
    );
    let _ = writeln!(
        out,
        "# exports donne quelle colonne de donnees.md, et quel libellé donne quel code. Les en-têtes et"
    );
    let _ = writeln!(
        out,
        "# libellés déjà canoniques (aux accents, majuscules et espaces près) n'ont pas besoin d'y figurer."
    );
    header_comment(&decisions(draft), &mut out);
    let name = mode
        .data()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "nom = {}",
        quoted(&format!("Exports du dossier « {name} »"))
    );
    for (table, guesses) in found(draft) {
        let _ = writeln!(out, "\n[{table}]");
        for guess in &guesses {
            let sheet = &draft.sheets[guess.sheet];
            let _ = writeln!(
                out,
                "# {} : {}, {} sur {} reconnues.",
                sheet.name(),
                rows(sheet.rows),
                crate::format::count(guess.columns.len() as u64, "colonne", "colonnes"),
                sheet.headers.len()
            );
        }
        if let Some(delimiter) = guesses.iter().find_map(|g| draft.sheets[g.sheet].delimiter) {
            let shown = if delimiter == b'\t' {
                "tab".to_string()
            } else {
                char::from(delimiter).to_string()
            };
            line(
                &mut out,
                &format!("separateur = {}", quoted(&shown)),
                "la ligne d'en-tête seule ferait lire un autre séparateur ; les lignes ont celui-ci",
            );
        }
        let mut columns: Vec<(&str, Vec<(String, String)>)> = Vec::new();
        for column in table.spec().columns {
            let mut spellings: Vec<(String, String)> = Vec::new();
            for guess in &guesses {
                if let Some(c) = guess.columns.iter().find(|c| c.column == column.name) {
                    let header = draft.sheets[guess.sheet].headers[c.header].clone();
                    if fold(&header) != fold(column.name)
                        && !spellings.iter().any(|(h, _)| fold(h) == fold(&header))
                    {
                        spellings.push((header, c.evidence.clone()));
                    }
                }
            }
            if !spellings.is_empty() {
                columns.push((column.name, spellings));
            }
        }
        if !columns.is_empty() {
            let _ = writeln!(out, "\n[{table}.colonnes]");
            for (column, spellings) in columns {
                let value = match spellings.as_slice() {
                    [(one, _)] => quoted(one),
                    many => format!(
                        "[{}]",
                        many.iter()
                            .map(|(h, _)| quoted(h))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let evidence: Vec<&str> = spellings.iter().map(|(_, e)| e.as_str()).collect();
                line(
                    &mut out,
                    &format!("{column} = {value}"),
                    &evidence.join(" | "),
                );
            }
        }
        let missing: Vec<&str> = {
            let mut m: Vec<&str> = guesses
                .iter()
                .flat_map(|g| g.missing.iter().copied())
                .collect();
            m.dedup();
            m
        };
        if !missing.is_empty() {
            let _ = writeln!(out, "\n[{table}.constantes]");
            for column in missing {
                let list = code_list(table, column);
                let value = match (mode.provisional(), list) {
                    (true, Some(list)) => quoted(list.codes[0].code),
                    (true, None) => quoted("0"),
                    (false, _) => quoted(PLACEHOLDER),
                };
                let hint = list.map_or(String::new(), |l| format!(" ({})", codes_of(l)));
                line(
                    &mut out,
                    &format!("{column} = {value}"),
                    &format!(
                        "À DÉCIDER : colonne obligatoire absente de l'export, sa valeur pour toutes les lignes{hint}"
                    ),
                );
            }
        }
        for (column, values) in values_by_column(draft, table, &guesses) {
            let _ = writeln!(out, "\n[{table}.valeurs.{column}]");
            let list = code_list(table, column).map(codes_of).unwrap_or_default();
            for value in values {
                let label = quoted(&value.label);
                match &value.outcome {
                    LabelMatch::Guess { code, like, score } => line(
                        &mut out,
                        &format!("{label} = {}", quoted(code)),
                        &format!(
                            "{} ; ressemble à « {like} » ({})",
                            rows(value.rows),
                            crate::format::percent(score * 100.0)
                        ),
                    ),
                    LabelMatch::Ambiguous(codes) => line(
                        &mut out,
                        &format!("# {label} = \"\""),
                        &format!(
                            "{} : À DÉCIDER, ressemble autant à {}",
                            rows(value.rows),
                            codes
                                .iter()
                                .map(|c| format!("« {c} »"))
                                .collect::<Vec<_>>()
                                .join(" et ")
                        ),
                    ),
                    LabelMatch::None | LabelMatch::Known(_) => line(
                        &mut out,
                        &format!("# {label} = \"\""),
                        &format!(
                            "{} : À DÉCIDER, aucun code ne lui ressemble ({list})",
                            rows(value.rows)
                        ),
                    ),
                }
            }
        }
    }
    out
}
