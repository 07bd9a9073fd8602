//! Data-quality findings: what is wrong in an input row, where, and whether the row
//! can still be used.

use std::fmt;

use crate::model::Table;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Genre {
    ValeurManquante,
    ValeurIllisible,
    CodeInconnu,
    Doublon,
}

impl Genre {
    pub fn libelle(self) -> &'static str {
        match self {
            Genre::ValeurManquante => "valeur obligatoire manquante",
            Genre::ValeurIllisible => "valeur illisible",
            Genre::CodeInconnu => "code non reconnu",
            Genre::Doublon => "identifiant en double",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Constat {
    pub genre: Genre,
    pub table: Table,
    /// The row as the user finds it: file, sheet and line.
    pub lieu: String,
    pub colonne: Option<&'static str>,
    pub valeur: Option<String>,
    pub message: String,
    /// The row cannot be used at all and is left out of every figure.
    pub bloquant: bool,
}

impl fmt::Display for Constat {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} (table {}", self.lieu, self.table)?;
        if let Some(c) = self.colonne {
            write!(f, ", colonne « {c} »")?;
        }
        if let Some(v) = &self.valeur {
            write!(f, ", valeur « {v} »")?;
        }
        write!(f, ") : {}", self.message)?;
        if self.bloquant {
            write!(f, " La ligne est écartée des calculs.")?;
        }
        Ok(())
    }
}
