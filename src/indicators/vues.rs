//! The canonical tables seen from one period: each gains the derived columns the
//! catalogue's filters and values name (`actif`, `present_fin`, `jours`, …), and the
//! person view gathers what is known of each person over the period.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use polars::prelude::*;

use crate::ingest::{Donnees, LIGNE};
use crate::model::{Table, Type};
use crate::periode::Periode;

pub fn jour(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

fn jours_de(nom: &str) -> Expr {
    col(nom).cast(DataType::Int32)
}

fn plus_petit(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt(b.clone())).then(a).otherwise(b)
}

fn plus_grand(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt(b.clone())).then(a).otherwise(b)
}

/// A canonical table with no row, for a programme that does not provide it.
fn vide(table: Table) -> DataFrame {
    let colonnes = std::iter::once(Column::new_empty(LIGNE.into(), &DataType::Int64))
        .chain(table.spec().colonnes.iter().map(|c| {
            let type_ = match c.type_ {
                Type::Texte | Type::Code(_) => DataType::String,
                Type::Date | Type::Mois => DataType::Date,
                Type::Entier => DataType::Int64,
                Type::Nombre => DataType::Float64,
                Type::Codes(_) => DataType::List(Box::new(DataType::String)),
            };
            Column::new_empty(c.nom.into(), &type_)
        }))
        .collect();
    DataFrame::new(0, colonnes).unwrap_or_default()
}

pub struct Vues<'a> {
    pub periode: Periode,
    pub donnees: &'a Donnees,
    vues: BTreeMap<Table, LazyFrame>,
}

impl<'a> Vues<'a> {
    pub fn vue(&self, table: Table) -> LazyFrame {
        self.vues
            .get(&table)
            .cloned()
            .unwrap_or_else(|| vide(table).lazy())
    }

    pub fn construire(donnees: &'a Donnees, periode: Periode) -> PolarsResult<Vues<'a>> {
        let (d, f) = (jour(periode.debut), jour(periode.fin));
        let brute = |t: Table| {
            donnees
                .tables
                .get(&t)
                .cloned()
                .unwrap_or_else(|| vide(t))
                .lazy()
        };
        let personnes_brutes = brute(Table::Personnes).drop(cols([LIGNE]));
        let mut vues = BTreeMap::new();
        for table in Table::TOUTES {
            let spec = table.spec();
            let mut vue = brute(table);
            if let Some(iv) = &spec.intervalle {
                let debut = jours_de(iv.debut);
                let fin_brute = jours_de(iv.fin);
                let fin_exclue = if iv.fin_incluse {
                    fin_brute.clone() + lit(1)
                } else {
                    fin_brute.clone()
                };
                let borne = when(fin_exclue.clone().is_null())
                    .then(lit(f + 1))
                    .otherwise(plus_petit(fin_exclue.clone(), lit(f + 1)));
                vue = vue.with_columns([
                    debut
                        .clone()
                        .lt_eq(lit(f))
                        .and(
                            fin_brute
                                .clone()
                                .is_null()
                                .or(fin_brute.clone().gt_eq(lit(d))),
                        )
                        .alias("actif"),
                    debut
                        .clone()
                        .lt_eq(lit(f))
                        .and(fin_exclue.clone().is_null().or(fin_exclue.gt(lit(f))))
                        .alias("present_fin"),
                    plus_grand(borne - plus_grand(debut.clone(), lit(d)), lit(0)).alias("jours"),
                    debut
                        .clone()
                        .gt_eq(lit(d))
                        .and(debut.clone().lt_eq(lit(f)))
                        .alias("debut_dans_periode"),
                    fin_brute
                        .clone()
                        .gt_eq(lit(d))
                        .and(fin_brute.lt_eq(lit(f)))
                        .alias("fin_dans_periode"),
                ]);
                if spec.colonne("id_personne").is_some() {
                    vue = vue.with_column(
                        debut
                            .clone()
                            .eq(debut.min().over([col("id_personne")])?)
                            .alias("premier"),
                    );
                }
            }
            if let Some(date) = spec.date {
                vue = vue.with_column(
                    jours_de(date)
                        .gt_eq(lit(d))
                        .and(jours_de(date).lt_eq(lit(f)))
                        .alias("dans_periode"),
                );
            }
            if table != Table::Personnes && spec.colonne("id_personne").is_some() {
                vue = vue.join(
                    personnes_brutes.clone(),
                    [col("id_personne")],
                    [col("id_personne")],
                    JoinArgs::new(JoinType::Left),
                );
            }
            vues.insert(table, vue);
        }
        let par_personne = vues[&Table::Accompagnements]
            .clone()
            .group_by([col("id_personne")])
            .agg([
                col("actif").any(true).alias("dans_fa"),
                col("present_fin").any(true).alias("present_fin"),
                col("date_entree")
                    .filter(col("actif"))
                    .max()
                    .alias("entree_recente"),
                col("jours").sum().alias("jours"),
            ]);
        let reference =
            plus_grand(jours_de("entree_recente").fill_null(lit(d)), lit(d)).cast(DataType::Date);
        let mois_jour = |e: Expr| {
            e.clone().dt().month().cast(DataType::Int32) * lit(100)
                + e.dt().day().cast(DataType::Int32)
        };
        let age = reference.clone().dt().year().cast(DataType::Int32)
            - col("date_naissance").dt().year().cast(DataType::Int32)
            - when(mois_jour(reference).lt(mois_jour(col("date_naissance"))))
                .then(lit(1))
                .otherwise(lit(0));
        let personnes = brute(Table::Personnes)
            .join(
                par_personne,
                [col("id_personne")],
                [col("id_personne")],
                JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
            )
            .with_columns([
                col("dans_fa").fill_null(lit(false)),
                col("present_fin").fill_null(lit(false)),
                col("jours").fill_null(lit(0)),
                age.alias("age"),
            ]);
        vues.insert(Table::Personnes, personnes);
        Ok(Vues {
            periode,
            donnees,
            vues,
        })
    }
}
