//! `bilan indicateurs`: the catalogue, as a list or one full definition; with a site's
//! configuration, its own indicators too.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Result, anyhow};

use crate::config::Config;
use crate::format::prose;
use crate::indicators::Catalogue;

pub fn run(id: Option<&str>, config: Option<&Path>) -> Result<()> {
    let catalogue = match config {
        Some(path) => Catalogue::load(&Config::read(path)?)?,
        None => Catalogue::builtin()?,
    };
    let mut out = String::new();
    match id {
        None => {
            for group in &catalogue.groups {
                let _ = writeln!(out, "{} — {}", group.code, group.title);
                for i in &group.indicators {
                    let _ = writeln!(out, "  {:<32} {} ({})", i.id, i.label, i.unit);
                }
                let _ = writeln!(out);
            }
            let _ = writeln!(
                out,
                "Pour la définition complète d'un indicateur : bilan indicateurs ID"
            );
        }
        Some(id) => {
            let (group, i) = catalogue.lookup(id).ok_or_else(|| {
                anyhow!(
                    "Indicateur « {id} » inconnu : la liste est donnée par « bilan indicateurs »."
                )
            })?;
            let _ = writeln!(out, "{} ({})", prose(&i.label), i.id);
            let _ = writeln!(
                out,
                "Groupe      : {} — {}",
                group.code,
                prose(&group.title)
            );
            let _ = writeln!(out, "Unité       : {}", prose(&i.unit));
            let _ = writeln!(out, "Population  : {}", prose(&i.population));
            let kinds = if i.programmes.is_empty() {
                "tous".to_string()
            } else {
                i.programmes
                    .iter()
                    .map(|d| prose(&format!("{} ({})", d.label(), d.code())))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = writeln!(out, "Dispositifs : {kinds}");
            let _ = writeln!(out);
            let _ = writeln!(out, "{}", prose(&i.definition));
        }
    }
    super::print(out.as_bytes())
}
