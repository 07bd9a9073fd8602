//! Indicator results: the catalogue evaluated for a programme over a period and the
//! period before.

pub mod catalogue;
pub mod moteur;
pub mod vues;

use anyhow::{Context, Result};

pub use catalogue::{Catalogue, Groupe, Indicateur};
pub use moteur::Ligne;
use moteur::Moteur;
use vues::Vues;

use crate::config::Dispositif;
use crate::ingest::Donnees;
use crate::periode::Periode;

#[derive(Debug, Clone)]
pub enum Resultat {
    Calcule(Vec<Ligne>),
    /// The programme lacks a table the indicator needs: said, never shown as zeros.
    Absent(String),
}

pub struct Evaluation<'c> {
    pub groupe: &'c Groupe,
    pub indicateur: &'c Indicateur,
    /// The period, then the period before.
    pub resultats: [Resultat; 2],
}

pub fn evaluer<'c>(
    catalogue: &'c Catalogue,
    donnees: &Donnees,
    dispositif: &Dispositif,
    periode: Periode,
) -> Result<Vec<Evaluation<'c>>> {
    let moteurs = [
        Moteur {
            vues: Vues::construire(donnees, periode)?,
            dispositif,
        },
        Moteur {
            vues: Vues::construire(donnees, periode.precedente())?,
            dispositif,
        },
    ];
    let mut evaluations = Vec::new();
    for (groupe, indicateur) in catalogue.indicateurs() {
        if !catalogue::concerne(&indicateur.dispositifs, dispositif.type_) {
            continue;
        }
        let manquantes: Vec<_> = indicateur
            .tables()
            .into_iter()
            .filter(|t| !dispositif.sources.contains_key(t))
            .map(|t| t.nom())
            .collect();
        let resultat = |moteur: &Moteur| -> Result<Resultat> {
            if !manquantes.is_empty() {
                return Ok(Resultat::Absent(format!(
                    "Non calculé : le dispositif ne fournit pas la table {}.",
                    manquantes.join(", ")
                )));
            }
            moteur
                .evaluer(&indicateur.calcul, &indicateur.unite)
                .map(Resultat::Calcule)
                .with_context(|| {
                    format!("Calcul de l'indicateur « {} » impossible.", indicateur.id)
                })
        };
        let [n, n1] = &moteurs;
        evaluations.push(Evaluation {
            groupe,
            indicateur,
            resultats: [resultat(n)?, resultat(n1)?],
        });
    }
    Ok(evaluations)
}
