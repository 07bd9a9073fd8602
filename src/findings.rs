//! Data-quality findings (group Q of indicateurs.md): what is wrong in an input row,
//! where the user finds it, and whether the row can still be used. Reading the rows
//! (`ingest`) and checking across rows and tables (`quality`) both produce them.

use std::fmt;

use crate::format::printable;
use crate::model::{ColumnSpec, ColumnType, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    MissingValue,
    UnreadableValue,
    UnknownCode,
    Duplicate,
    EndBeforeStart,
    FutureDate,
    ImplausibleAge,
    UnknownReference,
    OverlappingFollowUps,
    OverlappingOccupations,
    OccupationOutsideFollowUp,
    InterventionOutsideFollowUp,
    MissingSnapshot,
    /// A totals row of a hand-kept sheet, not data: skipped, never silently.
    TotalsRow,
    /// A row with more or fewer cells than the header.
    MalformedRow,
    /// An expected column the file does not have: every value of it is « non renseigné ».
    MissingColumn,
}

impl FindingKind {
    pub const ALL: [FindingKind; 16] = [
        FindingKind::MissingValue,
        FindingKind::UnreadableValue,
        FindingKind::UnknownCode,
        FindingKind::Duplicate,
        FindingKind::EndBeforeStart,
        FindingKind::FutureDate,
        FindingKind::ImplausibleAge,
        FindingKind::UnknownReference,
        FindingKind::OverlappingFollowUps,
        FindingKind::OverlappingOccupations,
        FindingKind::OccupationOutsideFollowUp,
        FindingKind::InterventionOutsideFollowUp,
        FindingKind::MissingSnapshot,
        FindingKind::TotalsRow,
        FindingKind::MalformedRow,
        FindingKind::MissingColumn,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FindingKind::MissingValue => "valeur obligatoire manquante",
            FindingKind::UnreadableValue => "valeur illisible",
            FindingKind::UnknownCode => "code non reconnu",
            FindingKind::Duplicate => "identifiant en double",
            FindingKind::EndBeforeStart => "fin avant le début",
            FindingKind::FutureDate => "date dans le futur",
            FindingKind::ImplausibleAge => "âge à l'entrée invraisemblable",
            FindingKind::UnknownReference => "personne ou logement inconnu",
            FindingKind::OverlappingFollowUps => "accompagnements qui se chevauchent",
            FindingKind::OverlappingOccupations => "occupations qui se chevauchent",
            FindingKind::OccupationOutsideFollowUp => "occupation hors accompagnement",
            FindingKind::InterventionOutsideFollowUp => "intervention hors accompagnement",
            FindingKind::MissingSnapshot => "situation manquante",
            FindingKind::TotalsRow => "ligne de total ignorée",
            FindingKind::MalformedRow => "ligne mal formée",
            FindingKind::MissingColumn => "colonne absente",
        }
    }

    /// The modalité of the `anomalies` indicator.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::MissingValue => "valeur_manquante",
            FindingKind::UnreadableValue => "valeur_illisible",
            FindingKind::UnknownCode => "code_non_reconnu",
            FindingKind::Duplicate => "identifiant_en_double",
            FindingKind::EndBeforeStart => "fin_avant_debut",
            FindingKind::FutureDate => "date_future",
            FindingKind::ImplausibleAge => "age_invraisemblable",
            FindingKind::UnknownReference => "reference_inconnue",
            FindingKind::OverlappingFollowUps => "accompagnements_chevauchants",
            FindingKind::OverlappingOccupations => "occupations_chevauchantes",
            FindingKind::OccupationOutsideFollowUp => "occupation_hors_accompagnement",
            FindingKind::InterventionOutsideFollowUp => "intervention_hors_accompagnement",
            FindingKind::MissingSnapshot => "situation_manquante",
            FindingKind::TotalsRow => "ligne_total",
            FindingKind::MalformedRow => "ligne_mal_formee",
            FindingKind::MissingColumn => "colonne_absente",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: FindingKind,
    pub table: Table,
    pub origin: Origin,
    /// The CSV line (header = 1) or the sheet row.
    pub line: usize,
    pub column: Option<&'static str>,
    pub value: Option<String>,
    pub message: String,
    /// The row cannot be used at all and is left out of every figure.
    pub blocking: bool,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.origin.line(self.line))?;
        write!(f, " — table {}", self.table)?;
        if let Some(c) = self.column {
            write!(f, ", colonne « {c} »")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", valeur « {v} »")?;
        }
        write!(f, " : {}", self.message)?;
        if self.blocking {
            write!(f, " Ligne écartée des calculs.")?;
        }
        Ok(())
    }
}

/// Columns whose values are never repeated in a finding: they would carry a date of
/// birth into the outputs.
pub fn withheld(column: &str) -> bool {
    matches!(column, "date_naissance" | "annee_naissance")
}

pub fn shown_value(column: &str, value: Option<String>) -> Option<String> {
    match withheld(column) {
        true => value.map(|_| "(non reproduite)".to_string()),
        false => value.map(|v| excerpt(&v)),
    }
}

/// The value of a cell as a finding quotes it. A code column or a free text may hold
/// what was never meant for it, a person's name typed in place of a code or a third
/// party's named in a comment: such a value is described, never repeated. Identifiers,
/// dates and numbers are quoted (cut), so that the coordinator finds the row.
pub fn shown_cell(column: &ColumnSpec, value: Option<String>) -> Option<String> {
    let free = match column.kind {
        ColumnType::Code(_) | ColumnType::Codes(_) => true,
        ColumnType::Text => !column.name.starts_with("id_"),
        _ => false,
    };
    match free {
        true => value.map(|v| masked(&v)),
        false => shown_value(column.name, value),
    }
}

/// « valeur non reconnue, 23 caractères »: what a finding says of a value it does not
/// repeat.
pub fn masked(value: &str) -> String {
    format!(
        "valeur non reconnue, {}",
        crate::format::count(value.chars().count() as u64, "caractère", "caractères")
    )
}

/// At most the first 60 characters of a value quoted in a message or a finding: a cell
/// can hold anything, up to a whole file, control characters included (shown as their
/// codes, after the cut so that none is cut in half).
pub fn excerpt(text: &str) -> String {
    const MOST: usize = 60;
    match text.char_indices().nth(MOST) {
        Some((end, _)) => format!("{}…", printable(&text[..end])),
        None => printable(text).into_owned(),
    }
}

/// Where a row comes from, as the user would look for it.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub sheet: Option<String>,
}

impl Origin {
    /// « Le fichier « x » » or « La feuille « f » du fichier « x » », to open a sentence.
    pub fn location(&self) -> String {
        let file = printable(&self.file);
        match &self.sheet {
            Some(f) => format!("La feuille « {} » du fichier « {file} »", printable(f)),
            None => format!("Le fichier « {file} »"),
        }
    }

    pub fn line(&self, number: usize) -> String {
        let file = printable(&self.file);
        match &self.sheet {
            Some(f) => format!("« {file} », feuille « {} », ligne {number}", printable(f)),
            None => format!("« {file} », ligne {number}"),
        }
    }
}
