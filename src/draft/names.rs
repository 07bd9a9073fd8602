//! The names exports give to the tables and columns of donnees.md, beyond the canonical
//! ones: the headers of the field's software and spreadsheets, and the names of their
//! sheets and files.

use crate::model::Table;

/// Other spellings of each canonical column, whatever its table: the words that
/// software and coordinators use for it.
const COLUMN_SPELLINGS: &[(&str, &[&str])] = &[
    (
        "id_personne",
        &[
            "identifiant",
            "id",
            "n° dossier",
            "numéro de dossier",
            "dossier",
            "n° personne",
            "personne",
            "usager",
            "n° usager",
            "résident",
            "locataire",
            "n° dossier locataire",
            "bénéficiaire",
            "matricule",
        ],
    ),
    (
        "id_logement",
        &[
            "n° logement",
            "réf. logement",
            "référence logement",
            "logement",
            "code logement",
            "lot",
        ],
    ),
    (
        "id_occupation",
        &["n° bail", "bail", "n° contrat", "contrat"],
    ),
    (
        "date_naissance",
        &[
            "date de naissance",
            "né le",
            "née le",
            "né(e) le",
            "naissance",
        ],
    ),
    ("annee_naissance", &["année de naissance"]),
    ("sexe", &["genre"]),
    (
        "situation_avant_entree",
        &[
            "situation avant l'entrée",
            "situation avant l'arrivée",
            "situation à l'entrée",
            "provenance",
            "hébergement avant l'entrée",
        ],
    ),
    (
        "duree_sans_logement_mois",
        &[
            "durée sans logement (mois)",
            "sans logement depuis (mois)",
            "durée sans logement",
            "durée d'errance",
        ],
    ),
    ("diagnostic_principal", &["diagnostic", "pathologie"]),
    ("addiction", &["addictions", "conduite addictive"]),
    (
        "orienteur",
        &[
            "orienté par",
            "orientation",
            "prescripteur",
            "structure d'orientation",
        ],
    ),
    ("date_commission", &["date de commission", "commission"]),
    (
        "parcours_ase",
        &["parcours ase", "ancien enfant placé", "ase"],
    ),
    (
        "date_entree",
        &[
            "date d'entrée",
            "entrée",
            "date d'arrivée",
            "arrivée",
            "date d'admission",
            "entrée dans les lieux",
            "date d'entrée dans les lieux",
            "date de début de prise en charge",
            "début de prise en charge",
        ],
    ),
    (
        "date_sortie",
        &[
            "date de sortie",
            "sortie",
            "date de départ",
            "départ",
            "sortie des lieux",
            "date de sortie des lieux",
            "date de fin de prise en charge",
            "fin de prise en charge",
        ],
    ),
    (
        "motif_sortie",
        &[
            "motif de sortie",
            "motif du départ",
            "raison de la sortie",
            "motif de fin de prise en charge",
        ],
    ),
    (
        "date",
        &[
            "date",
            "jour",
            "date de l'intervention",
            "date de l'évaluation",
            "date de l'incident",
            "date du sinistre",
        ],
    ),
    (
        "type",
        &[
            "type",
            "nature",
            "type d'intervention",
            "type de séjour",
            "nature du sinistre",
        ],
    ),
    ("binome", &["binôme", "en binôme"]),
    (
        "metiers",
        &[
            "professionnels",
            "intervenants",
            "intervenant",
            "métiers",
            "professionnel",
        ],
    ),
    (
        "duree_minutes",
        &["durée (min)", "durée", "durée en minutes"],
    ),
    (
        "date_debut",
        &[
            "date de début",
            "début",
            "date d'admission",
            "admission",
            "date d'arrivée",
        ],
    ),
    (
        "date_fin",
        &["date de fin", "fin", "date de sortie", "date de départ"],
    ),
    (
        "mode",
        &[
            "mode d'admission",
            "mode d'hospitalisation",
            "mode de soins",
        ],
    ),
    (
        "couverture_maladie",
        &["couverture maladie", "assurance maladie"],
    ),
    (
        "ressource_principale",
        &["ressource principale", "ressources"],
    ),
    (
        "montant_ressources",
        &["montant mensuel", "montant des ressources", "montant"],
    ),
    (
        "mesure_protection",
        &["mesure de protection", "protection juridique"],
    ),
    ("medecin_traitant", &["médecin traitant"]),
    ("suivi_psychiatrique", &["suivi psychiatrique", "suivi psy"]),
    ("activite", &["activité", "activité professionnelle"]),
    (
        "type_bailleur",
        &["type de bailleur", "bailleur", "type de parc", "parc"],
    ),
    ("typologie", &["typologie", "type de logement"]),
    ("commune", &["commune", "ville"]),
    (
        "loyer_mensuel",
        &[
            "loyer",
            "loyer mensuel",
            "loyer cc",
            "loyer charges comprises",
        ],
    ),
    (
        "date_captation",
        &[
            "date de captation",
            "captation",
            "date de prise en gestion",
            "date de mise à disposition",
        ],
    ),
    ("statut_bail", &["statut du bail", "type de bail"]),
    ("date_glissement", &["date de glissement", "glissement"]),
    (
        "motif_fin",
        &["motif de fin", "motif de fin de bail", "motif de sortie"],
    ),
    ("mois", &["mois", "période", "mois quittancé"]),
    (
        "montant_du",
        &[
            "montant dû",
            "montant quittancé",
            "quittancé",
            "dû",
            "loyer résiduel",
        ],
    ),
    (
        "montant_paye",
        &["montant payé", "montant réglé", "réglé", "payé", "encaissé"],
    ),
    ("cout", &["coût", "montant des travaux", "montant"]),
    ("metier", &["métier", "fonction", "poste occupé"]),
    ("etp", &["etp", "équivalent temps plein", "quotité"]),
    (
        "poste",
        &["poste", "libellé", "ligne budgétaire", "intitulé"],
    ),
    ("groupe", &["groupe", "groupe fonctionnel"]),
    (
        "prevu",
        &["prévu", "budget prévisionnel", "prévisionnel", "bp"],
    ),
    (
        "realise",
        &[
            "réalisé",
            "compte administratif",
            "dépenses réalisées",
            "ca",
        ],
    ),
    ("categorie", &["catégorie", "type d'événement", "événement"]),
    (
        "participants",
        &["participants", "nb participants", "nombre de participants"],
    ),
];

/// Every spelling of a canonical column: its name (`date_sortie` reads « date sortie »)
/// and the usual headers.
pub fn column_spellings(column: &'static str) -> Vec<&'static str> {
    std::iter::once(column)
        .chain(
            COLUMN_SPELLINGS
                .iter()
                .filter(|(c, _)| *c == column)
                .flat_map(|(_, s)| s.iter().copied()),
        )
        .collect()
}

/// The names sheets and files of each table go by.
const TABLE_NAMES: &[(Table, &[&str])] = &[
    (
        Table::Personnes,
        &[
            "personnes",
            "usagers",
            "résidents",
            "bénéficiaires",
            "dossiers",
            "file active",
        ],
    ),
    (
        Table::Accompagnements,
        &[
            "accompagnements",
            "parcours",
            "séjours",
            "suivis",
            "entrées sorties",
        ],
    ),
    (
        Table::Interventions,
        &["interventions", "actes", "visites", "contacts", "activité"],
    ),
    (
        Table::Hospitalisations,
        &["hospitalisations", "séjours hospitaliers"],
    ),
    (
        Table::Situations,
        &["situations", "évaluations", "droits et ressources"],
    ),
    (Table::Logements, &["logements", "parc", "lots"]),
    (
        Table::Occupations,
        &["occupations", "baux", "contrats", "attributions"],
    ),
    (
        Table::Quittancement,
        &["quittancement", "quittances", "loyers", "paiements"],
    ),
    (Table::Incidents, &["incidents", "sinistres"]),
    (
        Table::Effectifs,
        &["effectifs", "équipe", "etp", "personnel"],
    ),
    (
        Table::Budget,
        &["budget", "compte administratif", "dépenses"],
    ),
    (
        Table::Journal,
        &[
            "journal",
            "journal de bord",
            "main courante",
            "cahier de liaison",
        ],
    ),
];

pub fn table_names(table: Table) -> &'static [&'static str] {
    TABLE_NAMES
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(&[], |(_, names)| names)
}
