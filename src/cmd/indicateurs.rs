//! `bilan indicateurs`: the catalogue, as a list or one full definition.

use anyhow::{Result, anyhow};

use crate::indicators::Catalogue;

pub fn run(id: Option<&str>) -> Result<()> {
    let catalogue = Catalogue::charger()?;
    match id {
        None => {
            for group in &catalogue.groupes {
                println!("{} — {}", group.code, group.titre);
                for i in &group.indicateurs {
                    println!("  {:<32} {} ({})", i.id, i.libelle, i.unite);
                }
                println!();
            }
            println!("Pour la définition complète d'un indicateur : bilan indicateurs ID");
        }
        Some(id) => {
            let (group, i) = catalogue.trouver(id).ok_or_else(|| {
                anyhow!(
                    "Indicateur « {id} » inconnu : la liste est donnée par « bilan indicateurs »."
                )
            })?;
            println!("{} ({})", i.libelle, i.id);
            println!("Groupe      : {} — {}", group.code, group.titre);
            println!("Unité       : {}", i.unite);
            println!("Population  : {}", i.population);
            let kinds = if i.dispositifs.is_empty() {
                "tous".to_string()
            } else {
                i.dispositifs
                    .iter()
                    .map(|d| d.code())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!("Dispositifs : {kinds}");
            println!();
            println!("{}", i.definition);
        }
    }
    Ok(())
}
