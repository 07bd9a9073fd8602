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

/// The annex of definitions, as the templates read it.
pub fn definitions(catalogue: &Catalogue) -> Vec<DefinitionDoc> {
    catalogue
        .indicators()
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
