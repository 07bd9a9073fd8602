//! From a site's export files to the canonical tables of donnees.md: headers and codes
//! matched, values typed, unusable rows set aside with a finding that says why.

pub mod fichier;
pub mod valeurs;

use std::collections::{BTreeMap, HashSet};

use anyhow::{Result, anyhow};
use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::{Config, Dispositif};
use crate::model::{Colonne, Obligation, Table, TableSpec, Type, replier};
use crate::quality::{Constat, Genre};
use fichier::{Cellule, Grille, Origine};

/// The marker kept in a code column for a value outside the list.
pub const NON_RECONNU: &str = "non_reconnu";
/// Internal column holding the row number as the user sees it.
pub const LIGNE: &str = "_ligne";

/// The canonical tables of one programme, with what was found wrong in them.
pub struct Donnees {
    pub tables: BTreeMap<Table, DataFrame>,
    pub constats: Vec<Constat>,
    /// Rows left out of every figure, per table.
    pub ecartees: BTreeMap<Table, usize>,
}

pub fn charger(config: &Config, dispositif: &Dispositif) -> Result<Donnees> {
    let mut donnees = Donnees {
        tables: BTreeMap::new(),
        constats: Vec::new(),
        ecartees: BTreeMap::new(),
    };
    for (table, source) in &dispositif.sources {
        let chemin = config.chemin(source);
        let grille = fichier::lire(&chemin, source.feuille())?;
        let origine = Origine {
            fichier: chemin.display().to_string(),
            feuille: source.feuille().map(str::to_string),
        };
        let lue = canoniser(table.spec(), &grille, &origine)?;
        donnees.constats.extend(lue.constats);
        if lue.ecartees > 0 {
            donnees.ecartees.insert(*table, lue.ecartees);
        }
        donnees.tables.insert(*table, lue.table);
    }
    Ok(donnees)
}

struct TableLue {
    table: DataFrame,
    constats: Vec<Constat>,
    ecartees: usize,
}

/// One typed column being filled row by row.
enum Tampon {
    Texte(Vec<Option<String>>),
    Date(Vec<Option<i32>>),
    Entier(Vec<Option<i64>>),
    Nombre(Vec<Option<f64>>),
    Codes(Vec<Series>),
}

#[derive(Default)]
enum Valeur {
    #[default]
    Vide,
    Texte(String),
    Date(NaiveDate),
    Entier(i64),
    Nombre(f64),
    Codes(Vec<String>),
}

fn jours_epoque(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

impl Tampon {
    fn pour(type_: Type) -> Tampon {
        match type_ {
            Type::Texte | Type::Code(_) => Tampon::Texte(Vec::new()),
            Type::Date | Type::Mois => Tampon::Date(Vec::new()),
            Type::Entier => Tampon::Entier(Vec::new()),
            Type::Nombre => Tampon::Nombre(Vec::new()),
            Type::Codes(_) => Tampon::Codes(Vec::new()),
        }
    }

    fn pousser(&mut self, valeur: Valeur) {
        match (self, valeur) {
            (Tampon::Texte(v), Valeur::Texte(t)) => v.push(Some(t)),
            (Tampon::Texte(v), _) => v.push(None),
            (Tampon::Date(v), Valeur::Date(d)) => v.push(Some(jours_epoque(d))),
            (Tampon::Date(v), _) => v.push(None),
            (Tampon::Entier(v), Valeur::Entier(n)) => v.push(Some(n)),
            (Tampon::Entier(v), _) => v.push(None),
            (Tampon::Nombre(v), Valeur::Nombre(n)) => v.push(Some(n)),
            (Tampon::Nombre(v), _) => v.push(None),
            (Tampon::Codes(v), Valeur::Codes(c)) => v.push(Series::new("".into(), c)),
            (Tampon::Codes(v), _) => v.push(Series::new_empty("".into(), &DataType::String)),
        }
    }

    fn colonne(self, nom: &str) -> PolarsResult<Column> {
        let nom: PlSmallStr = nom.into();
        let serie = match self {
            Tampon::Texte(v) => Series::new(nom, v),
            Tampon::Date(v) => Series::new(nom, v).cast(&DataType::Date)?,
            Tampon::Entier(v) => Series::new(nom, v),
            Tampon::Nombre(v) => Series::new(nom, v),
            Tampon::Codes(v) if v.is_empty() => {
                Series::new_empty(nom, &DataType::List(Box::new(DataType::String)))
            }
            Tampon::Codes(v) => Series::new(nom, v),
        };
        Ok(serie.into_column())
    }
}

/// Reads one cell as the column's type; `Err` holds the French reason.
fn lire_valeur(colonne: &Colonne, cellule: &Cellule) -> Result<Valeur, (Genre, String)> {
    let illisible = |m: String| (Genre::ValeurIllisible, m);
    Ok(match colonne.type_ {
        Type::Texte => valeurs::texte_de(cellule)
            .map(Valeur::Texte)
            .unwrap_or_default(),
        Type::Date => valeurs::lire_date(cellule)
            .map_err(illisible)?
            .map(Valeur::Date)
            .unwrap_or_default(),
        Type::Mois => valeurs::lire_mois(cellule)
            .map_err(illisible)?
            .map(Valeur::Date)
            .unwrap_or_default(),
        Type::Entier => valeurs::lire_entier(cellule)
            .map_err(illisible)?
            .map(Valeur::Entier)
            .unwrap_or_default(),
        Type::Nombre => valeurs::lire_nombre(cellule)
            .map_err(illisible)?
            .map(Valeur::Nombre)
            .unwrap_or_default(),
        Type::Code(liste) => match valeurs::texte_de(cellule) {
            None => Valeur::Vide,
            Some(brut) => match valeurs::lire_code(liste, &brut) {
                Ok(code) => Valeur::Texte(code.to_string()),
                Err(_) => {
                    return Err((
                        Genre::CodeInconnu,
                        "valeur hors de la liste des codes : comptée « non reconnu »".into(),
                    ));
                }
            },
        },
        Type::Codes(liste) => match valeurs::texte_de(cellule) {
            None => Valeur::Vide,
            Some(brut) => {
                let mut codes = Vec::new();
                let mut inconnus = Vec::new();
                for morceau in brut
                    .split([';', ','])
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                {
                    match valeurs::lire_code(liste, morceau) {
                        Ok(code) => codes.push(code.to_string()),
                        Err(brut) => {
                            inconnus.push(brut);
                            codes.push(NON_RECONNU.to_string());
                        }
                    }
                }
                if !inconnus.is_empty() {
                    return Err((
                        Genre::CodeInconnu,
                        format!(
                            "valeur(s) hors de la liste des codes : {} ; comptée(s) « non reconnu »",
                            inconnus.join(", ")
                        ),
                    ));
                }
                Valeur::Codes(codes)
            }
        },
    })
}

fn canoniser(spec: &TableSpec, grille: &Grille, origine: &Origine) -> Result<TableLue> {
    let table = spec.table;
    let position: Vec<Option<usize>> = spec
        .colonnes
        .iter()
        .map(|c| {
            grille
                .entetes
                .iter()
                .position(|h| replier(h) == replier(c.nom))
        })
        .collect();
    let presente = |nom: &str| {
        spec.colonnes
            .iter()
            .zip(&position)
            .any(|(c, p)| c.nom == nom && p.is_some())
    };
    for (colonne, pos) in spec.colonnes.iter().zip(&position) {
        let exigee = match colonne.obligation {
            Obligation::Oui | Obligation::Essentielle => true,
            Obligation::SaufSi(autre) => !presente(autre),
            Obligation::Non | Obligation::Avec(_) => false,
        };
        if pos.is_none() && exigee {
            let lieu = match &origine.feuille {
                Some(f) => format!("La feuille « {f} » du fichier « {} »", origine.fichier),
                None => format!("Le fichier « {} »", origine.fichier),
            };
            return Err(anyhow!(
                "{lieu} n'a pas de colonne « {} », obligatoire pour la table « {table} » (colonnes trouvées : {}).",
                colonne.nom,
                grille.entetes.join(", ")
            ));
        }
    }

    let mut tampons: Vec<Tampon> = spec
        .colonnes
        .iter()
        .map(|c| Tampon::pour(c.type_))
        .collect();
    let mut codes_inconnus: Vec<Tampon> = spec
        .colonnes
        .iter()
        .map(|_| Tampon::Texte(Vec::new()))
        .collect();
    let mut numeros: Vec<i64> = Vec::new();
    let mut constats = Vec::new();
    let mut ecartees = 0;
    let mut vus: HashSet<String> = HashSet::new();

    for ligne in &grille.lignes {
        let lieu = origine.ligne(ligne.numero);
        let mut valeurs: Vec<Valeur> = Vec::with_capacity(spec.colonnes.len());
        let mut inconnus: Vec<Valeur> = Vec::with_capacity(spec.colonnes.len());
        let mut constats_ligne = Vec::new();
        let mut bloquante = false;
        for (colonne, pos) in spec.colonnes.iter().zip(&position) {
            let cellule = pos
                .and_then(|p| ligne.cellules.get(p))
                .unwrap_or(&Cellule::Vide);
            let brut = valeurs::texte_de(cellule);
            let essentielle = colonne.obligation == Obligation::Essentielle;
            let mut constat = |genre: Genre, message: String, bloque: bool| Constat {
                genre,
                table,
                lieu: lieu.clone(),
                colonne: Some(colonne.nom),
                valeur: brut.clone(),
                message,
                bloquant: bloque,
            };
            match lire_valeur(colonne, cellule) {
                Ok(Valeur::Vide) => {
                    inconnus.push(Valeur::Vide);
                    valeurs.push(Valeur::Vide);
                }
                Ok(v) => {
                    inconnus.push(Valeur::Vide);
                    valeurs.push(v);
                }
                Err((Genre::CodeInconnu, message)) => {
                    constats_ligne.push(constat(Genre::CodeInconnu, message, false));
                    inconnus.push(brut.clone().map(Valeur::Texte).unwrap_or_default());
                    valeurs.push(match colonne.type_ {
                        Type::Codes(_) => match lire_valeur_tolerante(colonne, cellule) {
                            Some(v) => v,
                            None => Valeur::Vide,
                        },
                        _ => Valeur::Texte(NON_RECONNU.to_string()),
                    });
                }
                Err((genre, message)) => {
                    let message = if essentielle {
                        format!("{message} ; sans cette valeur la ligne est inutilisable.")
                    } else {
                        format!("{message} ; la valeur est comptée « non renseigné ».")
                    };
                    constats_ligne.push(constat(genre, message, essentielle));
                    bloquante |= essentielle;
                    inconnus.push(Valeur::Vide);
                    valeurs.push(Valeur::Vide);
                }
            }
        }
        // Required-value checks run once every cell of the row is read.
        for (i, colonne) in spec.colonnes.iter().enumerate() {
            if !matches!(valeurs[i], Valeur::Vide)
                || constats_ligne
                    .iter()
                    .any(|c: &Constat| c.colonne == Some(colonne.nom))
            {
                continue;
            }
            let remplie = |nom: &str| {
                spec.colonnes
                    .iter()
                    .position(|c| c.nom == nom)
                    .is_some_and(|j| !matches!(valeurs[j], Valeur::Vide))
            };
            let manque = match colonne.obligation {
                Obligation::Oui | Obligation::Essentielle => true,
                Obligation::SaufSi(autre) => !remplie(autre),
                Obligation::Avec(autre) => remplie(autre),
                Obligation::Non => false,
            };
            if manque {
                let essentielle = colonne.obligation == Obligation::Essentielle;
                bloquante |= essentielle;
                constats_ligne.push(Constat {
                    genre: Genre::ValeurManquante,
                    table,
                    lieu: lieu.clone(),
                    colonne: Some(colonne.nom),
                    valeur: None,
                    message: if essentielle {
                        "valeur obligatoire manquante ; sans elle la ligne est inutilisable.".into()
                    } else {
                        "valeur obligatoire manquante ; comptée « non renseigné ».".into()
                    },
                    bloquant: essentielle,
                });
            }
        }
        if let (false, Some(id)) = (bloquante, spec.identifiant) {
            if let Some(Valeur::Texte(valeur)) = spec
                .colonnes
                .iter()
                .position(|c| c.nom == id)
                .map(|i| &valeurs[i])
            {
                if !vus.insert(valeur.clone()) {
                    bloquante = true;
                    constats_ligne.push(Constat {
                        genre: Genre::Doublon,
                        table,
                        lieu: lieu.clone(),
                        colonne: Some(id),
                        valeur: Some(valeur.clone()),
                        message: "identifiant déjà présent plus haut : seule la première ligne est gardée.".into(),
                        bloquant: true,
                    });
                }
            }
        }
        constats.extend(constats_ligne);
        if bloquante {
            ecartees += 1;
            continue;
        }
        numeros.push(ligne.numero as i64);
        for ((tampon, valeur), (inconnu, brut)) in tampons
            .iter_mut()
            .zip(valeurs)
            .zip(codes_inconnus.iter_mut().zip(inconnus))
        {
            tampon.pousser(valeur);
            inconnu.pousser(brut);
        }
    }

    let hauteur = numeros.len();
    let mut colonnes = vec![Series::new(LIGNE.into(), numeros).into_column()];
    for (colonne, tampon) in spec.colonnes.iter().zip(tampons) {
        colonnes.push(tampon.colonne(colonne.nom)?);
    }
    if spec.table == Table::Personnes {
        naissance_par_annee(&mut colonnes)?;
    }
    let table = DataFrame::new(hauteur, colonnes)?;
    Ok(TableLue {
        table,
        constats,
        ecartees,
    })
}

/// The known codes of a multi-valued cell that also holds unknown ones.
fn lire_valeur_tolerante(colonne: &Colonne, cellule: &Cellule) -> Option<Valeur> {
    let Type::Codes(liste) = colonne.type_ else {
        return None;
    };
    let brut = valeurs::texte_de(cellule)?;
    Some(Valeur::Codes(
        brut.split([';', ','])
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| liste.reconnaitre(m).unwrap_or(NON_RECONNU).to_string())
            .collect(),
    ))
}

/// A person known only by birth year is taken as born on 1 July (donnees.md).
fn naissance_par_annee(colonnes: &mut [Column]) -> PolarsResult<()> {
    let annee = colonnes
        .iter()
        .find(|c| c.name() == "annee_naissance")
        .map(|c| c.as_materialized_series().i64().cloned())
        .transpose()?;
    let Some(annee) = annee else { return Ok(()) };
    let Some(date) = colonnes.iter_mut().find(|c| c.name() == "date_naissance") else {
        return Ok(());
    };
    let jours: Vec<Option<i32>> = date
        .as_materialized_series()
        .cast(&DataType::Int32)?
        .i32()?
        .iter()
        .zip(annee.iter())
        .map(|(d, a)| {
            d.or_else(|| {
                a.and_then(|a| NaiveDate::from_ymd_opt(i32::try_from(a).ok()?, 7, 1))
                    .map(jours_epoque)
            })
        })
        .collect();
    *date = Series::new("date_naissance".into(), jours)
        .cast(&DataType::Date)?
        .into_column();
    Ok(())
}
