//! The layouts of donnees.md and of the machine-readable outputs, published for people
//! and tools outside bilan: the French title and description of every column (here,
//! once), the Table Schemas and data packages built from them ([`schema`]), and the
//! spreadsheet templates of the tables kept by hand ([`template`]).
//!
//! The columns themselves, their types, requirements and code lists are those of
//! [`crate::model`]: nothing here restates them.

pub mod schema;
pub mod template;

use crate::model::Table;

/// What a table holds, said to a coordinator: its title and one sentence.
pub fn table_text(table: Table) -> (&'static str, &'static str) {
    match table {
        Table::Personnes => (
            "Personnes accompagnées",
            "Une ligne par personne accompagnée (export du logiciel de suivi).",
        ),
        Table::Accompagnements => (
            "Accompagnements",
            "Une ligne par période d'accompagnement ; une personne peut entrer plusieurs fois. \
             Au Village, une ligne par séjour (arrivée, départ).",
        ),
        Table::Interventions => (
            "Interventions",
            "Une ligne par contact avec une personne (visite, accompagnement, entretien, appel).",
        ),
        Table::Hospitalisations => (
            "Hospitalisations",
            "Une ligne par séjour à l'hôpital ou par passage aux urgences.",
        ),
        Table::Situations => (
            "Situations (droits, ressources, activité)",
            "Un relevé de la situation d'une personne à une date : à l'entrée, puis au moins une fois par an.",
        ),
        Table::Logements => (
            "Logements",
            "Une ligne par logement capté par le dispositif (export de la gestion locative).",
        ),
        Table::Occupations => (
            "Occupations des logements",
            "Une ligne par occupation d'un logement par une personne.",
        ),
        Table::Quittancement => (
            "Quittancement",
            "Une ligne par personne et par mois quittancé : la part du loyer due par la personne et ce qu'elle a payé.",
        ),
        Table::Incidents => (
            "Incidents dans les logements",
            "Une ligne par incident survenu dans un logement.",
        ),
        Table::Effectifs => (
            "Effectifs",
            "Une ligne par poste, ou par changement d'un poste (un temps de travail qui change ouvre une nouvelle ligne).",
        ),
        Table::Budget => (
            "Budget",
            "Une ligne par ligne budgétaire : prévu et réalisé de l'année.",
        ),
        Table::Journal => (
            "Journal de bord",
            "Une ligne par événement de la vie du site ou du dispositif. Le texte libre n'est jamais recopié dans les résultats.",
        ),
    }
}

/// The French title of a column, and what to write in it beyond its type and codes.
pub struct ColumnText {
    pub title: &'static str,
    pub description: &'static str,
}

/// The title and description of every column of every table, in the tables' order.
const COLUMNS: &[(Table, &str, &str, &str)] = &[
    (
        Table::Personnes,
        "id_personne",
        "Numéro de la personne",
        "Identifiant du logiciel de suivi, unique dans la table ; jamais publié.",
    ),
    (
        Table::Personnes,
        "date_naissance",
        "Date de naissance",
        "Ou, à défaut, l'année de naissance (colonne annee_naissance).",
    ),
    (
        Table::Personnes,
        "annee_naissance",
        "Année de naissance",
        "Quand la date de naissance n'est pas connue : l'anniversaire est alors compté au 1er juillet.",
    ),
    (Table::Personnes, "sexe", "Sexe", ""),
    (Table::Personnes, "nationalite", "Nationalité", ""),
    (
        Table::Personnes,
        "situation_avant_entree",
        "Situation avant l'entrée",
        "Lieu de vie juste avant l'entrée dans le dispositif.",
    ),
    (
        Table::Personnes,
        "duree_sans_logement_mois",
        "Durée sans logement (mois)",
        "Mois sans logement personnel avant l'entrée.",
    ),
    (
        Table::Personnes,
        "diagnostic_principal",
        "Diagnostic principal",
        "",
    ),
    (Table::Personnes, "addiction", "Addiction", ""),
    (
        Table::Personnes,
        "orienteur",
        "Orienteur",
        "Qui a orienté la personne vers le dispositif.",
    ),
    (
        Table::Personnes,
        "date_commission",
        "Date de la commission",
        "Date de la décision de la commission d'inclusion.",
    ),
    (
        Table::Personnes,
        "parcours_ase",
        "Parcours à l'aide sociale à l'enfance",
        "Dispositifs jeunes : ancien placement à l'aide sociale à l'enfance.",
    ),
    (
        Table::Accompagnements,
        "id_personne",
        "Numéro de la personne",
        "Le numéro de la table des personnes.",
    ),
    (
        Table::Accompagnements,
        "date_entree",
        "Date d'entrée",
        "Premier jour de l'accompagnement (au Village : arrivée).",
    ),
    (
        Table::Accompagnements,
        "date_sortie",
        "Date de sortie",
        "Vide tant que l'accompagnement se poursuit (au Village : départ).",
    ),
    (
        Table::Accompagnements,
        "motif_sortie",
        "Motif de sortie",
        "",
    ),
    (
        Table::Interventions,
        "id_personne",
        "Numéro de la personne",
        "Le numéro de la table des personnes.",
    ),
    (Table::Interventions, "date", "Date", ""),
    (Table::Interventions, "type", "Type d'intervention", ""),
    (
        Table::Interventions,
        "binome",
        "En binôme",
        "Deux professionnels ensemble.",
    ),
    (
        Table::Interventions,
        "metiers",
        "Métiers",
        "Un ou plusieurs métiers, séparés par « ; » ou « , ».",
    ),
    (Table::Interventions, "duree_minutes", "Durée (minutes)", ""),
    (
        Table::Hospitalisations,
        "id_personne",
        "Numéro de la personne",
        "Le numéro de la table des personnes.",
    ),
    (Table::Hospitalisations, "date_debut", "Date de début", ""),
    (
        Table::Hospitalisations,
        "date_fin",
        "Date de fin",
        "Vide tant que la personne est hospitalisée.",
    ),
    (
        Table::Hospitalisations,
        "type",
        "Type",
        "« Passage aux urgences » : sans séjour.",
    ),
    (
        Table::Hospitalisations,
        "mode",
        "Mode d'hospitalisation",
        "",
    ),
    (
        Table::Situations,
        "id_personne",
        "Numéro de la personne",
        "Le numéro de la table des personnes.",
    ),
    (Table::Situations, "date", "Date du relevé", ""),
    (
        Table::Situations,
        "couverture_maladie",
        "Couverture maladie",
        "",
    ),
    (
        Table::Situations,
        "ressource_principale",
        "Ressource principale",
        "",
    ),
    (
        Table::Situations,
        "montant_ressources",
        "Montant des ressources (€ par mois)",
        "",
    ),
    (
        Table::Situations,
        "mesure_protection",
        "Mesure de protection",
        "",
    ),
    (
        Table::Situations,
        "medecin_traitant",
        "Médecin traitant",
        "",
    ),
    (
        Table::Situations,
        "suivi_psychiatrique",
        "Suivi psychiatrique",
        "",
    ),
    (Table::Situations, "activite", "Activité", ""),
    (
        Table::Logements,
        "id_logement",
        "Numéro du logement",
        "Identifiant de la gestion locative, unique dans la table ; jamais publié.",
    ),
    (Table::Logements, "type_bailleur", "Type de bailleur", ""),
    (Table::Logements, "typologie", "Typologie", ""),
    (Table::Logements, "commune", "Commune", ""),
    (
        Table::Logements,
        "loyer_mensuel",
        "Loyer mensuel (€, charges comprises)",
        "",
    ),
    (
        Table::Logements,
        "date_captation",
        "Date de captation",
        "Date à laquelle le dispositif a obtenu le logement.",
    ),
    (
        Table::Occupations,
        "id_occupation",
        "Numéro de l'occupation",
        "Unique dans la table quand il est donné.",
    ),
    (
        Table::Occupations,
        "id_logement",
        "Numéro du logement",
        "Le numéro de la table des logements.",
    ),
    (
        Table::Occupations,
        "id_personne",
        "Numéro de la personne",
        "Le numéro de la table des personnes.",
    ),
    (
        Table::Occupations,
        "date_entree",
        "Date d'entrée dans le logement",
        "",
    ),
    (
        Table::Occupations,
        "date_sortie",
        "Date de sortie du logement",
        "Vide tant que la personne y habite.",
    ),
    (Table::Occupations, "statut_bail", "Statut du bail", ""),
    (
        Table::Occupations,
        "date_glissement",
        "Date du glissement du bail",
        "Date à laquelle le bail est passé au nom de la personne.",
    ),
    (
        Table::Occupations,
        "motif_fin",
        "Motif de fin d'occupation",
        "",
    ),
    (
        Table::Quittancement,
        "id_personne",
        "Numéro de la personne",
        "Le numéro de la table des personnes.",
    ),
    (
        Table::Quittancement,
        "mois",
        "Mois quittancé",
        "AAAA-MM, MM/AAAA ou une date (son mois est retenu) ; une seule ligne par personne et par mois.",
    ),
    (
        Table::Quittancement,
        "montant_du",
        "Montant dû (€)",
        "Part du loyer due par la personne ce mois-là, aides au logement déduites.",
    ),
    (
        Table::Quittancement,
        "montant_paye",
        "Montant payé (€)",
        "Payé pour ce mois ; peut dépasser le dû (remboursement d'un arriéré).",
    ),
    (
        Table::Incidents,
        "id_logement",
        "Numéro du logement",
        "Le numéro de la table des logements.",
    ),
    (
        Table::Incidents,
        "id_personne",
        "Numéro de la personne",
        "Le numéro de la table des personnes, quand une personne est concernée.",
    ),
    (Table::Incidents, "date", "Date", ""),
    (Table::Incidents, "type", "Type d'incident", ""),
    (Table::Incidents, "cout", "Coût (€)", ""),
    (Table::Effectifs, "metier", "Métier", ""),
    (
        Table::Effectifs,
        "etp",
        "Équivalent temps plein",
        "Par exemple 0,8 pour un temps partiel à 80 %.",
    ),
    (Table::Effectifs, "date_debut", "Date de début", ""),
    (
        Table::Effectifs,
        "date_fin",
        "Date de fin",
        "Dernier jour travaillé ; vide si le poste continue.",
    ),
    (Table::Budget, "poste", "Poste budgétaire", ""),
    (Table::Budget, "groupe", "Groupe de dépenses", ""),
    (Table::Budget, "prevu", "Prévu (€)", ""),
    (Table::Budget, "realise", "Réalisé (€)", ""),
    (Table::Journal, "date", "Date", ""),
    (Table::Journal, "categorie", "Catégorie", ""),
    (
        Table::Journal,
        "id_personne",
        "Numéro de la personne",
        "Si une personne est concernée ; jamais publié.",
    ),
    (
        Table::Journal,
        "id_logement",
        "Numéro du logement",
        "Si un logement est concerné ; jamais publié.",
    ),
    (
        Table::Journal,
        "participants",
        "Participants",
        "Nombre de résidents présents (réunions, activités).",
    ),
];

/// The title and description of a column of donnees.md.
pub fn column_text(table: Table, column: &str) -> ColumnText {
    COLUMNS
        .iter()
        .find(|(t, c, _, _)| *t == table && *c == column)
        .map(|(_, _, title, description)| ColumnText { title, description })
        // The test below holds every column of the model to have its text here.
        .unwrap_or(ColumnText {
            title: "",
            description: "",
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column of the model has its French title, and no text is left for a column
    /// the model no longer has.
    #[test]
    fn every_column_has_its_text() {
        for table in Table::ALL {
            for column in table.spec().columns {
                assert!(
                    !column_text(table, column.name).title.is_empty(),
                    "{table}.{}",
                    column.name
                );
            }
        }
        for (table, column, _, _) in COLUMNS {
            assert!(table.spec().column(column).is_some(), "{table}.{column}");
        }
    }
}
