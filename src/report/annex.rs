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
    /// « Champ : » and the population, as under a chart.
    champ: String,
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
            champ: format!("Champ : {}.", lowercase_first(&i.population)),
        })
        .collect()
}

/// « File active » reads « file active » after « Champ : », an acronym as it is
/// (« VAD de la période »).
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain([second]).chain(chars).collect()
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_champ_is_lowercased_but_not_an_acronym() {
        assert_eq!(lowercase_first("File active"), "file active");
        assert_eq!(lowercase_first("VAD de la période"), "VAD de la période");
        assert_eq!(lowercase_first("Étudiants"), "étudiants");
        assert_eq!(lowercase_first(""), "");
    }
}
