//! Import profiles: how a site's exports name the canonical tables, their columns and
//! their codes. The built-in `reference` profile is the layout of donnees.md itself.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, anyhow};
use serde::Deserialize;

use crate::config::{toml_error, translate_serde_error};
use crate::model::{ColumnType, Table, fold};

pub const REFERENCE: &str = "reference";

#[derive(Debug, Default)]
pub struct Profile {
    pub tables: BTreeMap<Table, TableProfile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableProfile {
    /// Sheet read when the configuration names none.
    #[serde(rename = "feuille")]
    pub sheet: Option<String>,
    /// Forces the CSV encoding (any WHATWG label: `utf-8`, `windows-1252`, `latin1`…).
    #[serde(rename = "encodage")]
    pub encoding: Option<String>,
    /// Forces the CSV delimiter: `;`, `,` or `tab`.
    #[serde(rename = "separateur")]
    pub delimiter: Option<String>,
    /// Canonical column → the site's header(s).
    #[serde(rename = "colonnes", default)]
    pub columns: BTreeMap<String, Spellings>,
    /// Canonical column → (site label → canonical code).
    #[serde(rename = "valeurs", default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// Canonical column → value, for a column the export lacks.
    #[serde(rename = "constantes", default)]
    pub constants: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Spellings {
    One(String),
    Many(Vec<String>),
}

impl Spellings {
    pub fn all(&self) -> &[String] {
        match self {
            Spellings::One(s) => std::slice::from_ref(s),
            Spellings::Many(v) => v,
        }
    }
}

impl TableProfile {
    /// Whether a header of the file stands for the canonical column.
    pub fn matches(&self, column: &str, header: &str) -> bool {
        let header = fold(header);
        header == fold(column)
            || self
                .columns
                .get(column)
                .is_some_and(|s| s.all().iter().any(|h| fold(h) == header))
    }

    /// The canonical code the site's label stands for, when the profile maps it.
    pub fn code(&self, column: &str, label: &str) -> Option<&str> {
        let label = fold(label);
        self.values
            .get(column)?
            .iter()
            .find(|(l, _)| fold(l) == label)
            .map(|(_, code)| code.as_str())
    }

    pub fn delimiter(&self) -> Option<u8> {
        match self.delimiter.as_deref()? {
            "tab" | "\t" => Some(b'\t'),
            d => d.bytes().next(),
        }
    }
}

impl Profile {
    pub fn table(&self, table: Table) -> Option<&TableProfile> {
        self.tables.get(&table)
    }

    pub fn read(path: &Path) -> Result<Profile> {
        let text = crate::config::read_text(path, "profil d'import")?;
        let error = |key: &str, message: String| {
            anyhow!(
                "Profil d'import « {} », clé « {key} » : {message}.",
                path.display()
            )
        };
        let document: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| toml_error("Profil d'import", path, &text, &e))?;
        let unfilled = crate::config::placeholders(&document);
        if !unfilled.is_empty() {
            return Err(crate::config::placeholders_error(
                "Profil d'import",
                path,
                &unfilled,
            ));
        }
        let mut tables = BTreeMap::new();
        for (key, value) in document {
            if key == "nom" {
                continue;
            }
            let table: Table =
                Table::deserialize(toml::Value::String(key.clone())).map_err(|_| {
                    error(
                        &key,
                        "ce n'est ni « nom » ni le nom d'une table de donnees.md".into(),
                    )
                })?;
            let profile = TableProfile::deserialize(value)
                .map_err(|e| error(&key, translate_serde_error(&e.to_string())))?;
            let spec = table.spec();
            for column in profile.columns.keys().chain(profile.constants.keys()) {
                if spec.column(column).is_none() {
                    return Err(error(
                        &format!("{key}.{column}"),
                        format!("la table {table} n'a pas de colonne « {column} »"),
                    ));
                }
            }
            for (column, labels) in &profile.values {
                let list = match spec.column(column).map(|c| c.kind) {
                    Some(ColumnType::Code(l) | ColumnType::Codes(l)) => l,
                    _ => {
                        return Err(error(
                            &format!("{key}.valeurs.{column}"),
                            format!("la table {table} n'a pas de colonne codée « {column} »"),
                        ));
                    }
                };
                for (label, code) in labels {
                    if list.label(code).is_none() {
                        return Err(error(
                            &format!("{key}.valeurs.{column}"),
                            format!(
                                "« {label} » renvoie au code « {code} », absent de la liste (codes : {})",
                                list.codes
                                    .iter()
                                    .map(|c| c.code)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
            }
            // A header that two columns answer to is read as the first of them only: the
            // other goes missing, or is read from the wrong column, and the figures are
            // silently wrong. Every column answers to its own name, and to its spellings.
            let mut claimed: BTreeMap<String, &str> = BTreeMap::new();
            let names = spec.columns.iter().map(|c| (c.name, c.name.to_string()));
            let spellings = profile
                .columns
                .iter()
                .flat_map(|(column, s)| s.all().iter().map(move |h| (column.as_str(), h.clone())));
            for (column, header) in names.chain(spellings) {
                if let Some(other) = claimed.insert(fold(&header), column)
                    && other != column
                {
                    return Err(error(
                        &format!("{key}.colonnes.{column}"),
                        format!(
                            "l'en-tête « {header} » désignerait à la fois la colonne « {other} » et la colonne « {column} » ; donnez à chaque colonne un en-tête qui n'est qu'à elle"
                        ),
                    ));
                }
            }
            if let Some(separator) = &profile.delimiter
                && !matches!(separator.as_str(), ";" | "," | "tab" | "\t" | "|")
            {
                return Err(error(
                    &format!("{key}.separateur"),
                    format!("séparateur « {separator} » inconnu (« ; », « , », « | » ou « tab »)"),
                ));
            }
            if let Some(encoding) = &profile.encoding
                && encoding_rs::Encoding::for_label(encoding.as_bytes()).is_none()
            {
                return Err(error(
                    &format!("{key}.encodage"),
                    format!("encodage « {encoding} » inconnu"),
                ));
            }
            tables.insert(table, profile);
        }
        Ok(Profile { tables })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(text: &str) -> Result<Profile> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profil.toml");
        std::fs::write(&path, text).unwrap();
        Profile::read(&path)
    }

    #[test]
    fn headers_and_labels_are_matched_loosely() {
        let p = profile(
            "[accompagnements]\ncolonnes.date_entree = [\"Date d'entrée dans le dispositif\", \"Entrée\"]\n\
             valeurs.motif_sortie = { \"Sortie vers un logement autonome\" = \"relogement_autonome\" }\n",
        )
        .unwrap();
        let t = p.table(Table::Accompagnements).unwrap();
        assert!(t.matches("date_entree", "DATE D'ENTREE DANS LE DISPOSITIF "));
        assert!(t.matches("date_entree", "entrée"));
        assert!(t.matches("date_entree", "Date-Entrée"));
        assert!(!t.matches("date_sortie", "Entrée"));
        assert_eq!(
            t.code("motif_sortie", "sortie vers un logement AUTONOME"),
            Some("relogement_autonome")
        );
    }

    /// One header given to two columns, then a column spelled as another's own name:
    /// refused, both columns named, rather than one of them read from the other's cells.
    #[test]
    fn a_header_of_two_columns_is_refused() {
        let e = profile(
            "[accompagnements]\ncolonnes.date_entree = \"Début\"\ncolonnes.date_sortie = \"debut\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("clé « accompagnements.colonnes.date_sortie »"),
            "{e}"
        );
        assert!(
            e.contains("l'en-tête « debut » désignerait à la fois la colonne « date_entree » et la colonne « date_sortie »"),
            "{e}"
        );
        let e = profile("[accompagnements]\ncolonnes.date_sortie = \"date_entree\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("l'en-tête « date_entree » désignerait à la fois la colonne « date_entree » et la colonne « date_sortie »"),
            "{e}"
        );
    }

    #[test]
    fn mistakes_name_the_profile_and_the_key() {
        let e = profile("[accompagnement]\n").unwrap_err().to_string();
        assert!(
            e.contains("profil.toml") && e.contains("clé « accompagnement »"),
            "{e}"
        );
        let e = profile("[occupations]\ncolonnes.loyer = \"Loyer\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("occupations.loyer") && e.contains("pas de colonne « loyer »"),
            "{e}"
        );
        let e = profile("[accompagnements]\nvaleurs.motif_sortie = { \"Parti\" = \"parti\" }\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("« Parti » renvoie au code « parti »"), "{e}");
        let e = profile("[personnes]\nfeuilles = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("clé inconnue « feuilles »"), "{e}");
        let e = profile("[personnes]\nseparateur = \"xyz\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("séparateur « xyz » inconnu"), "{e}");
        // A placeholder of `bilan init` left unfilled names its key.
        let e = profile("[occupations]\nconstantes.statut_bail = \"À RENSEIGNER\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("clé « occupations.constantes.statut_bail »") && e.contains("remplacez"),
            "{e}"
        );
        let e = profile("[personnes]\nfeuille = \"Usagers\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("ligne 2") && e.contains("jamais fermé"), "{e}");
    }
}
