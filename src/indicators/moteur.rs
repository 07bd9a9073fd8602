//! Evaluating the catalogue's blocks on the period views with polars.

use anyhow::{Result, anyhow};
use polars::prelude::*;

use super::catalogue::{Bloc, Condition, Expression, Mesure, Parametre, Terme, Tranche, concerne};
use super::vues::{Vues, jour};
use crate::config::Dispositif;
use crate::ingest::NON_RECONNU;
use crate::model;

pub const NON_RENSEIGNE: &str = "non_renseigne";

/// One published figure of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Ligne {
    pub modalite: String,
    pub valeur: Option<f64>,
    pub numerateur: Option<f64>,
    pub denominateur: Option<f64>,
    pub unite: String,
    /// Code list the modalité belongs to, for its French label.
    pub colonne: Option<String>,
    pub nature: Nature,
}

/// What a figure is, for labelling and for the small-count masking of `diffusion`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Nature {
    /// A number of persons, follow-ups, flats…
    Effectif,
    /// A mean, a median, a sum of days, a parameter.
    Statistique,
    /// A ratio; `true` for each of its terms that is a count.
    Taux {
        numerateur_effectif: bool,
        denominateur_effectif: bool,
    },
}

impl Ligne {
    fn new(modalite: impl Into<String>, valeur: Option<f64>, unite: &str) -> Ligne {
        Ligne {
            modalite: modalite.into(),
            valeur,
            numerateur: None,
            denominateur: None,
            unite: unite.to_string(),
            colonne: None,
            nature: Nature::Effectif,
        }
    }

    fn statistique(self) -> Ligne {
        Ligne {
            nature: Nature::Statistique,
            ..self
        }
    }
}

pub struct Moteur<'a> {
    pub vues: Vues<'a>,
    pub dispositif: &'a Dispositif,
}

fn condition(c: &Condition) -> Expr {
    let liste = |v: &[String]| lit(Series::new("".into(), v.to_vec())).implode(false);
    match c {
        Condition::Vrai(n) => col(n.as_str()).fill_null(lit(false)),
        Condition::Faux(n) => col(n.as_str()).fill_null(lit(false)).not(),
        Condition::Parmi(n, v) => col(n.as_str()).is_in(liste(v), false).fill_null(lit(false)),
        Condition::HorsDe(n, v) => col(n.as_str())
            .is_in(liste(v), false)
            .fill_null(lit(false))
            .not(),
        Condition::Renseigne(n) => col(n.as_str()).is_not_null(),
    }
}

fn un_nombre(df: &DataFrame, nom: &str) -> Result<Option<f64>> {
    let colonne = df.column(nom)?.cast(&DataType::Float64)?;
    Ok(colonne.f64()?.get(0))
}

impl Moteur<'_> {
    fn selection(&self, table: model::Table, filtre: &[Condition]) -> LazyFrame {
        filtre
            .iter()
            .fold(self.vues.vue(table), |vue, c| vue.filter(condition(c)))
    }

    fn parametre(&self, p: Parametre) -> f64 {
        match p {
            Parametre::Places => f64::from(self.dispositif.places),
            Parametre::JoursPeriode => self.vues.periode.jours() as f64,
            Parametre::ObjectifVad => self.dispositif.objectif_vad(),
        }
    }

    fn mesure(&self, mesure: &Mesure) -> Result<f64> {
        let (vue, expr) = match mesure {
            Mesure::Parametres(p) => {
                return Ok(p.produit.iter().map(|p| self.parametre(*p)).product());
            }
            Mesure::Somme(s) => (
                self.selection(s.table, &s.filtre),
                col(s.somme.as_str()).cast(DataType::Float64).sum(),
            ),
            Mesure::Compte(c) => (
                self.selection(c.table, &c.filtre),
                match &c.distinct {
                    Some(cle) => col(cle.as_str()).drop_nulls().n_unique(),
                    None => len(),
                },
            ),
        };
        let df = vue.select([expr.alias("m")]).collect()?;
        Ok(un_nombre(&df, "m")?.unwrap_or(0.0))
    }

    /// The value of an expression as days or as a plain number, by the column's type.
    fn expression(&self, vue: &LazyFrame, e: &Expression) -> Result<Expr> {
        let schema = vue.clone().collect_schema()?;
        let terme = |t: &Terme| -> Result<Expr> {
            Ok(match t {
                Terme::Debut => lit(jour(self.vues.periode.debut)),
                Terme::Fin => lit(jour(self.vues.periode.fin)),
                Terme::Colonne(c) => match schema.get(c.as_str()) {
                    Some(DataType::Date) => col(c.as_str()).cast(DataType::Int32),
                    Some(_) => col(c.as_str()),
                    None => return Err(anyhow!("colonne « {c} » inconnue")),
                },
            })
        };
        let gauche = terme(&e.gauche)?.cast(DataType::Float64);
        Ok(match &e.droite {
            Some(d) => gauche - terme(d)?.cast(DataType::Float64),
            None => gauche,
        })
    }

    pub fn evaluer(&self, blocs: &[Bloc], unite: &str) -> Result<Vec<Ligne>> {
        let mut lignes = Vec::new();
        for bloc in blocs
            .iter()
            .filter(|b| concerne(b.dispositifs(), self.dispositif.type_))
        {
            self.bloc(bloc, unite, &mut lignes)?;
        }
        Ok(lignes)
    }

    fn bloc(&self, bloc: &Bloc, unite: &str, lignes: &mut Vec<Ligne>) -> Result<()> {
        match bloc {
            Bloc::Valeur {
                modalite,
                mesure,
                unite: u,
                ..
            } => {
                let ligne = Ligne::new(
                    modalite,
                    Some(self.mesure(mesure)?),
                    u.as_deref().unwrap_or(unite),
                );
                lignes.push(match mesure {
                    Mesure::Compte(_) => ligne,
                    _ => ligne.statistique(),
                });
            }
            Bloc::Taux {
                modalite,
                numerateur,
                denominateur,
                facteur,
                unite: u,
                ..
            } => {
                let (n, d) = (self.mesure(numerateur)?, self.mesure(denominateur)?);
                lignes.push(Ligne {
                    numerateur: Some(n),
                    denominateur: Some(d),
                    nature: Nature::Taux {
                        numerateur_effectif: matches!(numerateur, Mesure::Compte(_)),
                        denominateur_effectif: matches!(denominateur, Mesure::Compte(_)),
                    },
                    ..Ligne::new(
                        modalite,
                        (d != 0.0).then(|| n / d * facteur),
                        u.as_deref().unwrap_or(unite),
                    )
                });
            }
            Bloc::Repartition {
                table,
                filtre,
                colonne,
                distinct,
                ..
            } => {
                lignes.extend(self.repartition(
                    *table,
                    filtre,
                    colonne,
                    distinct.as_deref(),
                    unite,
                )?);
            }
            Bloc::Distribution {
                table,
                filtre,
                valeur,
                unite_valeur,
                tranches,
                ..
            } => {
                let vue = self.selection(*table, filtre);
                let v = self.expression(&vue, valeur)?;
                lignes.extend(distribution(vue, v, tranches, unite_valeur, unite)?);
            }
            Bloc::ParMois { blocs, .. } => {
                for mois in self.vues.periode.mois() {
                    let moteur = Moteur {
                        vues: Vues::construire(self.vues.donnees, mois)?,
                        dispositif: self.dispositif,
                    };
                    for mut ligne in moteur.evaluer(blocs, unite)? {
                        let nom = if ligne.modalite == "total" {
                            "mois"
                        } else {
                            ligne.modalite.as_str()
                        };
                        ligne.modalite = format!("{nom}:{}", mois.cle_mois());
                        lignes.push(ligne);
                    }
                }
            }
        }
        Ok(())
    }

    fn repartition(
        &self,
        table: model::Table,
        filtre: &[Condition],
        colonne: &str,
        distinct: Option<&str>,
        unite: &str,
    ) -> Result<Vec<Ligne>> {
        let liste = model::liste_de(colonne)
            .ok_or_else(|| anyhow!("la colonne « {colonne} » n'a pas de liste de codes"))?;
        let mut vue = self.selection(table, filtre);
        if vue
            .clone()
            .collect_schema()?
            .get(colonne)
            .is_some_and(|t| matches!(t, DataType::List(_)))
        {
            vue = vue.explode(
                cols([colonne]),
                ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: true,
                },
            );
        }
        let compte = |e: LazyFrame| match distinct {
            Some(cle) => e.select([col(cle).drop_nulls().n_unique().alias("n")]),
            None => e.select([len().alias("n")]),
        };
        let par_code = match distinct {
            Some(cle) => vue
                .clone()
                .group_by([col(colonne)])
                .agg([col(cle).drop_nulls().n_unique().alias("n")]),
            None => vue.clone().group_by([col(colonne)]).agg([len().alias("n")]),
        }
        .collect()?;
        let total = un_nombre(&compte(vue).collect()?, "n")?.unwrap_or(0.0);
        let codes = par_code
            .column(colonne)?
            .as_materialized_series()
            .str()?
            .clone();
        let nombres = par_code.column("n")?.cast(&DataType::Float64)?;
        let nombres = nombres.f64()?;
        let compte_de = |cible: Option<&str>| -> f64 {
            codes
                .iter()
                .zip(nombres.iter())
                .filter(|(c, _)| *c == cible)
                .filter_map(|(_, n)| n)
                .sum()
        };
        let mut lignes: Vec<Ligne> = liste
            .codes
            .iter()
            .map(|c| Ligne {
                colonne: Some(colonne.to_string()),
                ..Ligne::new(c.code, Some(compte_de(Some(c.code))), unite)
            })
            .collect();
        lignes.push(Ligne::new(NON_RENSEIGNE, Some(compte_de(None)), unite));
        let non_reconnus = compte_de(Some(NON_RECONNU));
        if non_reconnus > 0.0 {
            lignes.push(Ligne::new(NON_RECONNU, Some(non_reconnus), unite));
        }
        lignes.push(Ligne::new("total", Some(total), unite));
        Ok(lignes)
    }
}

fn distribution(
    vue: LazyFrame,
    v: Expr,
    tranches: &[Tranche],
    unite_valeur: &str,
    unite: &str,
) -> Result<Vec<Ligne>> {
    let dans = |t: &Tranche| {
        let bas = t.de.map(|de| v.clone().gt_eq(lit(de))).unwrap_or(lit(true));
        let haut = t.a.map(|a| v.clone().lt(lit(a))).unwrap_or(lit(true));
        bas.and(haut)
    };
    let mut exprs = vec![
        v.clone().mean().alias("moyenne"),
        v.clone().median().alias("mediane"),
        v.clone().count().cast(DataType::Float64).alias("effectif"),
        v.clone()
            .null_count()
            .cast(DataType::Float64)
            .alias(NON_RENSEIGNE),
        len().cast(DataType::Float64).alias("total"),
    ];
    let mut hors = v.clone().is_not_null();
    for (i, t) in tranches.iter().enumerate() {
        exprs.push(
            dans(t)
                .fill_null(lit(false))
                .sum()
                .cast(DataType::Float64)
                .alias(format!("t{i}")),
        );
        hors = hors.and(dans(t).fill_null(lit(false)).not());
    }
    exprs.push(hors.sum().cast(DataType::Float64).alias(NON_RECONNU));
    let df = vue.select(exprs).collect()?;
    let val = |nom: &str| un_nombre(&df, nom);
    let mut lignes = vec![
        Ligne::new("moyenne", val("moyenne")?, unite_valeur).statistique(),
        Ligne::new("mediane", val("mediane")?, unite_valeur).statistique(),
        Ligne::new("effectif", val("effectif")?, unite),
    ];
    if !tranches.is_empty() {
        for (i, t) in tranches.iter().enumerate() {
            lignes.push(Ligne::new(&t.libelle, val(&format!("t{i}"))?, unite));
        }
        lignes.push(Ligne::new(NON_RENSEIGNE, val(NON_RENSEIGNE)?, unite));
        if val(NON_RECONNU)?.unwrap_or(0.0) > 0.0 {
            lignes.push(Ligne::new(NON_RECONNU, val(NON_RECONNU)?, unite));
        }
        lignes.push(Ligne::new("total", val("total")?, unite));
    }
    Ok(lignes)
}
