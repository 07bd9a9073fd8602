//! The canonical tables of donnees.md: columns, types, code lists and the rules that
//! say which values make a row unusable.

use std::fmt;

use serde::Deserialize;

/// One entry of a code list: the canonical code, its French label, and the other
/// spellings found in exports.
pub struct Code {
    pub code: &'static str,
    pub libelle: &'static str,
    pub synonymes: &'static [&'static str],
}

pub struct CodeList {
    pub codes: &'static [Code],
}

impl CodeList {
    pub fn libelle(&self, code: &str) -> Option<&'static str> {
        self.codes
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.libelle)
    }
}

macro_rules! codes {
    ($name:ident: $($code:literal => $libelle:literal $([$($syn:literal),*])?),* $(,)?) => {
        pub static $name: CodeList = CodeList {
            codes: &[$(Code { code: $code, libelle: $libelle, synonymes: &[$($($syn),*)?] }),*],
        };
    };
}

codes!(SEXE: "F" => "Femme", "H" => "Homme" ["M"], "X" => "Autre");
codes!(NATIONALITE: "francaise" => "Française" ["France", "FR"], "ue" => "Union européenne",
    "hors_ue" => "Hors Union européenne");
codes!(SITUATION_AVANT: "rue" => "Rue" ["sans abri"], "hebergement_urgence" => "Hébergement d'urgence",
    "hebergement_insertion" => "Hébergement d'insertion", "tiers" => "Hébergé chez un tiers",
    "squat" => "Squat", "hopital" => "Hospitalisation", "prison" => "Détention",
    "ase" => "Aide sociale à l'enfance", "logement" => "Logement personnel", "autre" => "Autre");
codes!(DIAGNOSTIC: "schizophrenie" => "Schizophrénie", "trouble_bipolaire" => "Trouble bipolaire",
    "autre_psychose" => "Autre psychose", "depression_severe" => "Dépression sévère",
    "autre" => "Autre");
codes!(OUI_NON: "oui" => "Oui" ["o", "1", "vrai"], "non" => "Non" ["n", "0", "faux"]);
codes!(ORIENTEUR: "empp" => "Équipe mobile psychiatrie précarité", "siao" => "SIAO",
    "hopital" => "Hôpital", "csapa_caarud" => "CSAPA / CAARUD", "ase" => "Aide sociale à l'enfance",
    "justice" => "Justice", "maraude" => "Maraude", "autre" => "Autre");
codes!(MOTIF_SORTIE: "relogement_autonome" => "Relogement autonome",
    "structure_medicalisee" => "Structure médicalisée",
    "hospitalisation_longue" => "Hospitalisation longue", "incarceration" => "Incarcération",
    "deces" => "Décès", "demenagement_hors_territoire" => "Déménagement hors du territoire",
    "fin_a_la_demande" => "Fin à la demande de la personne", "perdu_de_vue" => "Perdu de vue",
    "autre" => "Autre");
codes!(TYPE_INTERVENTION: "visite_domicile" => "Visite à domicile" ["VAD"],
    "accompagnement_exterieur" => "Accompagnement extérieur",
    "entretien_local" => "Entretien dans les locaux", "telephone" => "Téléphone",
    "visite_non_aboutie" => "Visite non aboutie");
codes!(METIER: "infirmier" => "Infirmier", "travailleur_social" => "Travailleur social",
    "medecin" => "Médecin", "psychiatre" => "Psychiatre",
    "mediateur_sante_pair" => "Médiateur de santé pair", "educateur" => "Éducateur",
    "charge_gla" => "Chargé de gestion locative", "autre" => "Autre");
codes!(METIER_EFFECTIFS: "infirmier" => "Infirmier", "travailleur_social" => "Travailleur social",
    "medecin" => "Médecin", "psychiatre" => "Psychiatre",
    "mediateur_sante_pair" => "Médiateur de santé pair", "educateur" => "Éducateur",
    "charge_gla" => "Chargé de gestion locative", "autre" => "Autre",
    "coordinateur" => "Coordination", "secretariat" => "Secrétariat", "direction" => "Direction");
codes!(TYPE_HOSPITALISATION: "psychiatrie" => "Psychiatrie", "somatique" => "Somatique",
    "addictologie" => "Addictologie", "urgences" => "Passage aux urgences");
codes!(MODE_HOSPITALISATION: "libre" => "Soins libres",
    "sdt" => "Soins à la demande d'un tiers" ["SDDT"],
    "sdre" => "Soins sur décision du représentant de l'État");
codes!(COUVERTURE: "puma_css" => "PUMa et complémentaire santé solidaire",
    "puma_seule" => "PUMa seule", "ame" => "Aide médicale de l'État", "aucune" => "Aucune");
codes!(RESSOURCE: "aah" => "AAH", "rsa" => "RSA", "salaire" => "Salaire",
    "cej" => "Contrat d'engagement jeune", "pension_retraite" => "Pension de retraite",
    "chomage" => "Allocation chômage", "autre" => "Autre", "aucune" => "Aucune");
codes!(MESURE_PROTECTION: "aucune" => "Aucune", "curatelle" => "Curatelle",
    "tutelle" => "Tutelle", "sauvegarde" => "Sauvegarde de justice");
codes!(ACTIVITE: "emploi" => "Emploi", "formation" => "Formation", "etudes" => "Études",
    "cej" => "Contrat d'engagement jeune", "benevolat" => "Bénévolat", "aucune" => "Aucune");
codes!(TYPE_BAILLEUR: "social" => "Bailleur social", "prive" => "Bailleur privé");
codes!(TYPOLOGIE: "studio" => "Studio", "t1" => "T1", "t2" => "T2", "t3_plus" => "T3 et plus");
codes!(STATUT_BAIL: "sous_location" => "Sous-location", "bail_glissant" => "Bail glissant",
    "bail_direct" => "Bail direct");
codes!(MOTIF_FIN: "relogement_dispositif" => "Relogement dans le dispositif",
    "fin_accompagnement" => "Fin de l'accompagnement", "expulsion" => "Expulsion",
    "deces" => "Décès", "abandon" => "Abandon du logement", "autre" => "Autre");
codes!(TYPE_INCIDENT: "trouble_voisinage" => "Trouble du voisinage", "degradation" => "Dégradation",
    "degat_des_eaux" => "Dégât des eaux", "incendie" => "Incendie",
    "intrusion_squat" => "Intrusion ou squat", "intervention_technique" => "Intervention technique",
    "autre" => "Autre");
codes!(GROUPE_BUDGET: "groupe_1" => "Groupe 1 — exploitation courante" ["groupe 1", "G1", "1"],
    "groupe_2" => "Groupe 2 — personnel" ["groupe 2", "G2", "2"],
    "groupe_3" => "Groupe 3 — structure" ["groupe 3", "G3", "3"]);
codes!(CATEGORIE_JOURNAL: "arrivee" => "Arrivée", "depart" => "Départ", "incident" => "Incident",
    "violence" => "Violence", "intervention_secours" => "Intervention des secours",
    "reunion_collectif" => "Réunion du collectif", "activite_collective" => "Activité collective",
    "visite_logement" => "Visite de logement", "rencontre_bailleur" => "Rencontre bailleur",
    "rencontre_partenaire" => "Rencontre partenaire", "voisinage" => "Voisinage",
    "autre" => "Autre");

#[derive(Clone, Copy)]
pub enum Type {
    Texte,
    Date,
    Entier,
    Nombre,
    /// `AAAA-MM`, `MM/AAAA` or a date, kept as the month's first day.
    Mois,
    Code(&'static CodeList),
    /// Several codes in one cell, `;`- or `,`-separated.
    Codes(&'static CodeList),
}

#[derive(Clone, Copy, PartialEq)]
pub enum Obligation {
    Non,
    Oui,
    /// Required, but a row without it cannot be used at all (identifier, main date).
    Essentielle,
    /// Required unless the named column is filled.
    SaufSi(&'static str),
    /// Required when the named column is filled.
    Avec(&'static str),
}

pub struct Colonne {
    pub nom: &'static str,
    pub type_: Type,
    pub obligation: Obligation,
}

/// The days a row covers: `[debut, fin)` with `fin` the exit day, or `fin + 1` when
/// the table records the last day worked (staff).
pub struct Intervalle {
    pub debut: &'static str,
    pub fin: &'static str,
    pub fin_incluse: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Table {
    Personnes,
    Accompagnements,
    Interventions,
    Hospitalisations,
    Situations,
    Logements,
    Occupations,
    Quittancement,
    Incidents,
    Effectifs,
    Budget,
    Journal,
}

pub struct TableSpec {
    pub table: Table,
    pub colonnes: &'static [Colonne],
    /// Column whose values must be unique: a later duplicate row is left out.
    pub identifiant: Option<&'static str>,
    pub intervalle: Option<Intervalle>,
    /// The single date of an event table.
    pub date: Option<&'static str>,
}

const fn c(nom: &'static str, type_: Type, obligation: Obligation) -> Colonne {
    Colonne {
        nom,
        type_,
        obligation,
    }
}

use Obligation::*;
use Type::*;

static SPECS: &[TableSpec] = &[
    TableSpec {
        table: Table::Personnes,
        colonnes: &[
            c("id_personne", Texte, Essentielle),
            c("date_naissance", Date, SaufSi("annee_naissance")),
            c("annee_naissance", Entier, Non),
            c("sexe", Code(&SEXE), Oui),
            c("nationalite", Code(&NATIONALITE), Non),
            c("situation_avant_entree", Code(&SITUATION_AVANT), Oui),
            c("duree_sans_logement_mois", Entier, Non),
            c("diagnostic_principal", Code(&DIAGNOSTIC), Non),
            c("addiction", Code(&OUI_NON), Non),
            c("orienteur", Code(&ORIENTEUR), Oui),
            c("date_commission", Date, Non),
            c("parcours_ase", Code(&OUI_NON), Non),
        ],
        identifiant: Some("id_personne"),
        intervalle: None,
        date: None,
    },
    TableSpec {
        table: Table::Accompagnements,
        colonnes: &[
            c("id_personne", Texte, Essentielle),
            c("date_entree", Date, Essentielle),
            c("date_sortie", Date, Non),
            c("motif_sortie", Code(&MOTIF_SORTIE), Avec("date_sortie")),
        ],
        identifiant: None,
        intervalle: Some(Intervalle {
            debut: "date_entree",
            fin: "date_sortie",
            fin_incluse: false,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Interventions,
        colonnes: &[
            c("id_personne", Texte, Essentielle),
            c("date", Date, Essentielle),
            c("type", Code(&TYPE_INTERVENTION), Oui),
            c("binome", Code(&OUI_NON), Non),
            c("metiers", Codes(&METIER), Non),
            c("duree_minutes", Entier, Non),
        ],
        identifiant: None,
        intervalle: None,
        date: Some("date"),
    },
    TableSpec {
        table: Table::Hospitalisations,
        colonnes: &[
            c("id_personne", Texte, Essentielle),
            c("date_debut", Date, Essentielle),
            c("date_fin", Date, Non),
            c("type", Code(&TYPE_HOSPITALISATION), Oui),
            c("mode", Code(&MODE_HOSPITALISATION), Non),
        ],
        identifiant: None,
        intervalle: Some(Intervalle {
            debut: "date_debut",
            fin: "date_fin",
            fin_incluse: false,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Situations,
        colonnes: &[
            c("id_personne", Texte, Essentielle),
            c("date", Date, Essentielle),
            c("couverture_maladie", Code(&COUVERTURE), Non),
            c("ressource_principale", Code(&RESSOURCE), Non),
            c("montant_ressources", Nombre, Non),
            c("mesure_protection", Code(&MESURE_PROTECTION), Non),
            c("medecin_traitant", Code(&OUI_NON), Non),
            c("suivi_psychiatrique", Code(&OUI_NON), Non),
            c("activite", Code(&ACTIVITE), Non),
        ],
        identifiant: None,
        intervalle: None,
        date: Some("date"),
    },
    TableSpec {
        table: Table::Logements,
        colonnes: &[
            c("id_logement", Texte, Essentielle),
            c("type_bailleur", Code(&TYPE_BAILLEUR), Oui),
            c("typologie", Code(&TYPOLOGIE), Non),
            c("commune", Texte, Non),
            c("loyer_mensuel", Nombre, Non),
            c("date_captation", Date, Non),
        ],
        identifiant: Some("id_logement"),
        intervalle: None,
        date: None,
    },
    TableSpec {
        table: Table::Occupations,
        colonnes: &[
            c("id_occupation", Texte, Non),
            c("id_logement", Texte, Essentielle),
            c("id_personne", Texte, Essentielle),
            c("date_entree", Date, Essentielle),
            c("date_sortie", Date, Non),
            c("statut_bail", Code(&STATUT_BAIL), Oui),
            c("date_glissement", Date, Non),
            c("motif_fin", Code(&MOTIF_FIN), Avec("date_sortie")),
        ],
        identifiant: Some("id_occupation"),
        intervalle: Some(Intervalle {
            debut: "date_entree",
            fin: "date_sortie",
            fin_incluse: false,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Quittancement,
        colonnes: &[
            c("id_personne", Texte, Essentielle),
            c("mois", Mois, Essentielle),
            c("montant_du", Nombre, Oui),
            c("montant_paye", Nombre, Oui),
        ],
        identifiant: None,
        intervalle: None,
        date: Some("mois"),
    },
    TableSpec {
        table: Table::Incidents,
        colonnes: &[
            c("id_logement", Texte, Essentielle),
            c("id_personne", Texte, Non),
            c("date", Date, Essentielle),
            c("type", Code(&TYPE_INCIDENT), Oui),
            c("cout", Nombre, Non),
        ],
        identifiant: None,
        intervalle: None,
        date: Some("date"),
    },
    TableSpec {
        table: Table::Effectifs,
        colonnes: &[
            c("metier", Code(&METIER_EFFECTIFS), Oui),
            c("etp", Nombre, Essentielle),
            c("date_debut", Date, Essentielle),
            c("date_fin", Date, Non),
        ],
        identifiant: None,
        intervalle: Some(Intervalle {
            debut: "date_debut",
            fin: "date_fin",
            fin_incluse: true,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Budget,
        colonnes: &[
            c("poste", Texte, Oui),
            c("groupe", Code(&GROUPE_BUDGET), Non),
            c("prevu", Nombre, Non),
            c("realise", Nombre, Essentielle),
        ],
        identifiant: None,
        intervalle: None,
        date: None,
    },
    TableSpec {
        table: Table::Journal,
        colonnes: &[
            c("date", Date, Essentielle),
            c("categorie", Code(&CATEGORIE_JOURNAL), Oui),
            c("id_personne", Texte, Non),
            c("id_logement", Texte, Non),
            c("participants", Entier, Non),
        ],
        identifiant: None,
        intervalle: None,
        date: Some("date"),
    },
];

impl Table {
    pub const TOUTES: [Table; 12] = [
        Table::Personnes,
        Table::Accompagnements,
        Table::Interventions,
        Table::Hospitalisations,
        Table::Situations,
        Table::Logements,
        Table::Occupations,
        Table::Quittancement,
        Table::Incidents,
        Table::Effectifs,
        Table::Budget,
        Table::Journal,
    ];

    pub fn spec(self) -> &'static TableSpec {
        SPECS
            .iter()
            .find(|s| s.table == self)
            .expect("every table has a spec")
    }

    pub fn nom(self) -> &'static str {
        match self {
            Table::Personnes => "personnes",
            Table::Accompagnements => "accompagnements",
            Table::Interventions => "interventions",
            Table::Hospitalisations => "hospitalisations",
            Table::Situations => "situations",
            Table::Logements => "logements",
            Table::Occupations => "occupations",
            Table::Quittancement => "quittancement",
            Table::Incidents => "incidents",
            Table::Effectifs => "effectifs",
            Table::Budget => "budget",
            Table::Journal => "journal",
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.nom())
    }
}

impl TableSpec {
    pub fn colonne(&self, nom: &str) -> Option<&'static Colonne> {
        self.colonnes.iter().find(|c| c.nom == nom)
    }
}

/// The code list of a column of any table, for labelling a breakdown.
pub fn liste_de(colonne: &str) -> Option<&'static CodeList> {
    SPECS
        .iter()
        .flat_map(|s| s.colonnes.iter())
        .find_map(|c| match c.type_ {
            Type::Code(l) | Type::Codes(l) if c.nom == colonne => Some(l),
            _ => None,
        })
}

/// Header and code matching ignore case, accents, surrounding spaces and the
/// `_`/space/`-` difference (donnees.md, general rules).
pub fn replier(texte: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let sans_accents: String = texte
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '_' | '-' | '\u{a0}' | '\u{202f}' => ' ',
            c => c,
        })
        .collect();
    sans_accents
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl CodeList {
    /// The canonical code of a raw value, matched on the code, its label and synonyms.
    pub fn reconnaitre(&self, brut: &str) -> Option<&'static str> {
        let cle = replier(brut);
        self.codes
            .iter()
            .find(|c| {
                replier(c.code) == cle
                    || replier(c.libelle) == cle
                    || c.synonymes.iter().any(|s| replier(s) == cle)
            })
            .map(|c| c.code)
    }
}
