//! `bilan indicateurs`: the catalogue, as a list or one full definition; with a site's
//! configuration, its own indicators too.

use std::path::Path;

use anyhow::{Result, anyhow};

use crate::config::Config;
use crate::indicators::Catalogue;

pub fn run(id: Option<&str>, config: Option<&Path>) -> Result<()> {
    let catalogue = match config {
        Some(path) => Catalogue::load(&Config::read(path)?)?,
        None => Catalogue::builtin()?,
    };
    match id {
        None => {
            for group in &catalogue.groups {
                println!("{} — {}", group.code, group.title);
                for i in &group.indicators {
                    println!("  {:<32} {} ({})", i.id, i.label, i.unit);
                }
                println!();
            }
            println!("Pour la définition complète d'un indicateur : bilan indicateurs ID");
        }
        Some(id) => {
            let (group, i) = catalogue.lookup(id).ok_or_else(|| {
                anyhow!(
                    "Indicateur « {id} » inconnu : la liste est donnée par « bilan indicateurs »."
                )
            })?;
            println!("{} ({})", i.label, i.id);
            println!("Groupe      : {} — {}", group.code, group.title);
            println!("Unité       : {}", i.unit);
            println!("Population  : {}", i.population);
            let kinds = if i.programmes.is_empty() {
                "tous".to_string()
            } else {
                i.programmes
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
