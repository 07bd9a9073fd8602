//! Data-quality findings: what is wrong in an input row, where, and whether the row
//! can still be used.

use std::fmt;

use crate::model::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    MissingValue,
    UnreadableValue,
    UnknownCode,
    Duplicate,
}

impl FindingKind {
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::MissingValue => "valeur obligatoire manquante",
            FindingKind::UnreadableValue => "valeur illisible",
            FindingKind::UnknownCode => "code non reconnu",
            FindingKind::Duplicate => "identifiant en double",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: FindingKind,
    pub table: Table,
    /// The row as the user finds it: file, sheet and line.
    pub location: String,
    pub column: Option<&'static str>,
    pub value: Option<String>,
    pub message: String,
    /// The row cannot be used at all and is left out of every figure.
    pub blocking: bool,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} (table {}", self.location, self.table)?;
        if let Some(c) = self.column {
            write!(f, ", colonne « {c} »")?;
        }
        if let Some(v) = &self.value {
            write!(f, ", valeur « {v} »")?;
        }
        write!(f, ") : {}", self.message)?;
        if self.blocking {
            write!(f, " La ligne est écartée des calculs.")?;
        }
        Ok(())
    }
}
