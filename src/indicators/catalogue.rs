//! The indicator catalogue: `indicators/*.toml`, embedded in the binary, one file per
//! group. Each entry describes its computation as blocks the engine evaluates; see
//! `indicators/README.md` for the vocabulary.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result, anyhow};
use include_dir::{Dir, include_dir};
use serde::Deserialize;

use crate::config::TypeDispositif;
use crate::model::Table;

static DOSSIER: Dir = include_dir!("$CARGO_MANIFEST_DIR/indicators");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FichierGroupe {
    groupe: String,
    titre: String,
    #[serde(rename = "indicateur")]
    indicateurs: Vec<Indicateur>,
}

pub struct Groupe {
    pub code: String,
    pub titre: String,
    pub indicateurs: Vec<Indicateur>,
}

pub struct Catalogue {
    pub groupes: Vec<Groupe>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicateur {
    pub id: String,
    pub libelle: String,
    pub unite: String,
    /// The population the figure is computed over, in words.
    pub population: String,
    pub definition: String,
    /// Programme kinds it applies to; empty means all.
    #[serde(default)]
    pub dispositifs: Vec<TypeDispositif>,
    /// Display labels of named modalités (`dont_readmissions` → « dont réadmissions »).
    #[serde(default)]
    pub libelles: BTreeMap<String, String>,
    pub calcul: Vec<Bloc>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Bloc {
    /// One figure.
    Valeur {
        #[serde(default = "total")]
        modalite: String,
        mesure: Mesure,
        unite: Option<String>,
        #[serde(default)]
        dispositifs: Vec<TypeDispositif>,
    },
    /// numerateur ÷ denominateur × facteur, published with both terms.
    Taux {
        #[serde(default = "total")]
        modalite: String,
        numerateur: Mesure,
        denominateur: Mesure,
        #[serde(default = "un")]
        facteur: f64,
        unite: Option<String>,
        #[serde(default)]
        dispositifs: Vec<TypeDispositif>,
    },
    /// Rows (or distinct values of `distinct`) by the codes of a column.
    Repartition {
        table: Table,
        #[serde(default)]
        filtre: Vec<Condition>,
        colonne: String,
        distinct: Option<String>,
        #[serde(default)]
        dispositifs: Vec<TypeDispositif>,
    },
    /// Mean, median and buckets of a value over the selected rows.
    Distribution {
        table: Table,
        #[serde(default)]
        filtre: Vec<Condition>,
        valeur: Expression,
        /// Unit of the mean and median (the counts take the indicator's unit).
        unite_valeur: String,
        #[serde(default)]
        tranches: Vec<Tranche>,
        #[serde(default)]
        dispositifs: Vec<TypeDispositif>,
    },
    /// The inner blocks for each month of the period, the month as period.
    ParMois {
        blocs: Vec<Bloc>,
        #[serde(default)]
        dispositifs: Vec<TypeDispositif>,
    },
}

fn total() -> String {
    "total".to_string()
}

fn un() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Mesure {
    Somme(Somme),
    Compte(Compte),
    Parametres(Parametres),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Somme {
    pub table: Table,
    #[serde(default)]
    pub filtre: Vec<Condition>,
    pub somme: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compte {
    pub table: Table,
    #[serde(default)]
    pub filtre: Vec<Condition>,
    /// Count the distinct values of this column instead of the rows.
    pub distinct: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parametres {
    pub produit: Vec<Parametre>,
}

/// Values of the site configuration and of the period.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Parametre {
    Places,
    JoursPeriode,
    ObjectifVad,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tranche {
    pub libelle: String,
    /// Lower bound, included; none for the first bucket.
    pub de: Option<f64>,
    /// Upper bound, excluded; none for the last bucket.
    pub a: Option<f64>,
}

/// A row filter: `colonne` (true), `!colonne` (false), `colonne = a|b`,
/// `colonne != a|b`, `colonne renseigne` (filled).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub enum Condition {
    Vrai(String),
    Faux(String),
    Parmi(String, Vec<String>),
    HorsDe(String, Vec<String>),
    Renseigne(String),
}

impl TryFrom<String> for Condition {
    type Error = String;

    fn try_from(texte: String) -> Result<Self, String> {
        let valeurs = |v: &str| {
            v.split('|')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        };
        let mots: Vec<&str> = texte.split_whitespace().collect();
        match mots.as_slice() {
            [c] if c.starts_with('!') => Ok(Condition::Faux(c[1..].to_string())),
            [c] => Ok(Condition::Vrai(c.to_string())),
            [c, "renseigne"] => Ok(Condition::Renseigne(c.to_string())),
            [c, "=", v] => Ok(Condition::Parmi(c.to_string(), valeurs(v))),
            [c, "!=", v] => Ok(Condition::HorsDe(c.to_string(), valeurs(v))),
            _ => Err(format!("condition « {texte} » illisible")),
        }
    }
}

impl Condition {
    pub fn colonne(&self) -> &str {
        match self {
            Condition::Vrai(c)
            | Condition::Faux(c)
            | Condition::Parmi(c, _)
            | Condition::HorsDe(c, _)
            | Condition::Renseigne(c) => c,
        }
    }
}

/// A value per row: a column, or the difference in days of two dates, where `d` and
/// `f` stand for the first and last days of the period (`date_sortie - date_entree`).
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Expression {
    pub gauche: Terme,
    pub droite: Option<Terme>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Terme {
    Colonne(String),
    Debut,
    Fin,
}

impl TryFrom<String> for Expression {
    type Error = String;

    fn try_from(texte: String) -> Result<Self, String> {
        let terme = |t: &str| match t.trim() {
            "d" => Terme::Debut,
            "f" => Terme::Fin,
            c => Terme::Colonne(c.to_string()),
        };
        let (gauche, droite) = match texte.split_once(" - ") {
            Some((g, d)) => (terme(g), Some(terme(d))),
            None => (terme(&texte), None),
        };
        if matches!(&gauche, Terme::Colonne(c) if c.is_empty() || c.contains(' ')) {
            return Err(format!("expression « {texte} » illisible"));
        }
        Ok(Expression { gauche, droite })
    }
}

impl Bloc {
    pub fn dispositifs(&self) -> &[TypeDispositif] {
        match self {
            Bloc::Valeur { dispositifs, .. }
            | Bloc::Taux { dispositifs, .. }
            | Bloc::Repartition { dispositifs, .. }
            | Bloc::Distribution { dispositifs, .. }
            | Bloc::ParMois { dispositifs, .. } => dispositifs,
        }
    }

    /// The tables this block reads.
    pub fn tables(&self, tables: &mut BTreeSet<Table>) {
        let mut mesure = |m: &Mesure, tables: &mut BTreeSet<Table>| match m {
            Mesure::Somme(s) => {
                tables.insert(s.table);
            }
            Mesure::Compte(c) => {
                tables.insert(c.table);
            }
            Mesure::Parametres(_) => {}
        };
        match self {
            Bloc::Valeur { mesure: m, .. } => mesure(m, tables),
            Bloc::Taux {
                numerateur,
                denominateur,
                ..
            } => {
                mesure(numerateur, tables);
                mesure(denominateur, tables);
            }
            Bloc::Repartition { table, .. } | Bloc::Distribution { table, .. } => {
                tables.insert(*table);
            }
            Bloc::ParMois { blocs, .. } => blocs.iter().for_each(|b| b.tables(tables)),
        }
    }
}

pub fn concerne(dispositifs: &[TypeDispositif], type_: TypeDispositif) -> bool {
    dispositifs.is_empty() || dispositifs.contains(&type_)
}

impl Indicateur {
    pub fn tables(&self) -> BTreeSet<Table> {
        let mut tables = BTreeSet::new();
        self.calcul.iter().for_each(|b| b.tables(&mut tables));
        tables
    }
}

impl Catalogue {
    pub fn charger() -> Result<Catalogue> {
        let mut fichiers: Vec<_> = DOSSIER
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .collect();
        fichiers.sort_by_key(|f| f.path());
        let mut groupes = Vec::new();
        let mut ids = BTreeSet::new();
        for fichier in fichiers {
            let nom = fichier.path().display();
            let texte = fichier
                .contents_utf8()
                .ok_or_else(|| anyhow!("Catalogue « indicators/{nom} » : pas en UTF-8."))?;
            let groupe: FichierGroupe = toml::from_str(texte)
                .with_context(|| format!("Catalogue « indicators/{nom} » illisible."))?;
            for i in &groupe.indicateurs {
                if !ids.insert(i.id.clone()) {
                    return Err(anyhow!(
                        "Catalogue « indicators/{nom} » : l'indicateur « {} » est déjà défini.",
                        i.id
                    ));
                }
            }
            groupes.push(Groupe {
                code: groupe.groupe,
                titre: groupe.titre,
                indicateurs: groupe.indicateurs,
            });
        }
        Ok(Catalogue { groupes })
    }

    pub fn indicateurs(&self) -> impl Iterator<Item = (&Groupe, &Indicateur)> {
        self.groupes
            .iter()
            .flat_map(|g| g.indicateurs.iter().map(move |i| (g, i)))
    }

    pub fn trouver(&self, id: &str) -> Option<(&Groupe, &Indicateur)> {
        self.indicateurs().find(|(_, i)| i.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_catalogue_se_charge() {
        let catalogue = Catalogue::charger().unwrap();
        assert!(catalogue.trouver("file_active").is_some());
        assert!(catalogue.trouver("profil_age").is_some());
    }

    #[test]
    fn conditions() {
        assert!(
            matches!(Condition::try_from("actif".to_string()), Ok(Condition::Vrai(c)) if c == "actif")
        );
        assert!(
            matches!(Condition::try_from("!premier".to_string()), Ok(Condition::Faux(c)) if c == "premier")
        );
        assert!(matches!(
            Condition::try_from("mode = sdt|sdre".to_string()),
            Ok(Condition::Parmi(c, v)) if c == "mode" && v == ["sdt", "sdre"]
        ));
        assert!(Condition::try_from("a b c d".to_string()).is_err());
    }
}
