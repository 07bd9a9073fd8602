//! The annex: the definition of each indicator, as the catalogue states it.

use serde::Serialize;

use crate::indicators::Catalogue;

#[derive(Serialize)]
pub struct DefinitionDoc {
    group: String,
    id: String,
    label: String,
    unit: String,
    population: String,
    definition: String,
}

/// The definitions of the indicators a document shows, in the catalogue's order: an
/// annex defines what the reader met, not what the site does not compute.
pub fn shown_definitions(
    catalogue: &Catalogue,
    shown: impl Fn(&str) -> bool,
) -> Vec<DefinitionDoc> {
    catalogue
        .indicators()
        .filter(|(_, i)| shown(&i.id))
        .map(|(g, i)| DefinitionDoc {
            group: g.title.clone(),
            id: i.id.clone(),
            label: i.label.clone(),
            unit: i.unit.clone(),
            population: i.population.clone(),
            definition: i.definition.clone(),
        })
        .collect()
}
