//! The canonical tables of donnees.md: columns, types, code lists and the rules that
//! say which values make a row unusable.

use std::fmt;

use serde::Deserialize;

/// One entry of a code list: the canonical code, its French label, and the other
/// spellings found in exports.
#[derive(Debug)]
pub struct Code {
    pub code: &'static str,
    pub label: &'static str,
    pub synonyms: &'static [&'static str],
}

#[derive(Debug)]
pub struct CodeList {
    pub codes: &'static [Code],
}

impl CodeList {
    pub fn label(&self, code: &str) -> Option<&'static str> {
        self.codes.iter().find(|c| c.code == code).map(|c| c.label)
    }
}

macro_rules! codes {
    ($name:ident: $($code:literal => $label:literal $([$($syn:literal),*])?),* $(,)?) => {
        pub static $name: CodeList = CodeList {
            codes: &[$(Code { code: $code, label: $label, synonyms: &[$($($syn),*)?] }),*],
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
    "structure_medicalisee" => "Structure médicalisée" ["EHPAD", "MAS", "FAM"],
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
codes!(COUVERTURE: "puma_css" => "PUMa et complémentaire santé solidaire"
        ["PUMa + complémentaire santé solidaire"],
    "puma_seule" => "PUMa seule", "ame" => "Aide médicale de l'État", "aucune" => "Aucune");
codes!(RESSOURCE: "aah" => "AAH", "rsa" => "RSA", "salaire" => "Salaire",
    "cej" => "Contrat d'engagement jeune"
        ["garantie jeunes", "contrat d'engagement jeune / garantie jeunes"],
    "pension_retraite" => "Pension de retraite",
    "chomage" => "Allocation chômage", "autre" => "Autre", "aucune" => "Aucune");
codes!(MESURE_PROTECTION: "aucune" => "Aucune", "curatelle" => "Curatelle",
    "tutelle" => "Tutelle", "sauvegarde" => "Sauvegarde de justice");
codes!(ACTIVITE: "emploi" => "Emploi", "formation" => "Formation", "etudes" => "Études",
    "cej" => "Contrat d'engagement jeune"
        ["garantie jeunes", "contrat d'engagement jeune / garantie jeunes"],
    "benevolat" => "Bénévolat", "aucune" => "Aucune");
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
codes!(GROUPE_BUDGET:
    "groupe_1" => "Groupe 1 — exploitation courante" ["groupe 1", "G1", "1", "exploitation courante"],
    "groupe_2" => "Groupe 2 — personnel" ["groupe 2", "G2", "2", "personnel"],
    "groupe_3" => "Groupe 3 — structure" ["groupe 3", "G3", "3", "structure"]);
codes!(CATEGORIE_JOURNAL: "arrivee" => "Arrivée", "depart" => "Départ", "incident" => "Incident",
    "violence" => "Violence",
    "intervention_secours" => "Intervention des secours" ["police", "pompiers", "SAMU"],
    "reunion_collectif" => "Réunion du collectif", "activite_collective" => "Activité collective",
    "visite_logement" => "Visite de logement", "rencontre_bailleur" => "Rencontre bailleur",
    "rencontre_partenaire" => "Rencontre partenaire", "voisinage" => "Voisinage",
    "autre" => "Autre");

/// The four kinds of programme of the national guide; some indicators apply to some only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammeKind {
    Ucsd,
    UcsdJeunes,
    LogementAbord,
    Village,
}

impl ProgrammeKind {
    pub fn code(self) -> &'static str {
        match self {
            ProgrammeKind::Ucsd => "ucsd",
            ProgrammeKind::UcsdJeunes => "ucsd_jeunes",
            ProgrammeKind::LogementAbord => "logement_abord",
            ProgrammeKind::Village => "village",
        }
    }

    pub const ALL: [ProgrammeKind; 4] = [
        ProgrammeKind::Ucsd,
        ProgrammeKind::UcsdJeunes,
        ProgrammeKind::LogementAbord,
        ProgrammeKind::Village,
    ];

    pub fn from_code(code: &str) -> Option<ProgrammeKind> {
        ProgrammeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProgrammeKind::Ucsd => "ACT « Un chez-soi d'abord »",
            ProgrammeKind::UcsdJeunes => "« Un chez-soi d'abord » Jeunes",
            ProgrammeKind::LogementAbord => "Logement d'abord",
            ProgrammeKind::Village => "Village de l'insertion",
        }
    }
}

impl fmt::Display for ProgrammeKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Clone, Copy)]
pub enum ColumnType {
    Text,
    Date,
    Integer,
    Number,
    /// `AAAA-MM`, `MM/AAAA` or a date, kept as the month's first day.
    Month,
    Code(&'static CodeList),
    /// Several codes in one cell, `;`- or `,`-separated.
    Codes(&'static CodeList),
}

#[derive(Clone, Copy, PartialEq)]
pub enum Requirement {
    Optional,
    Required,
    /// Required, but a row without it cannot be used at all (identifier, main date).
    Essential,
    /// Required unless the named column is filled.
    UnlessFilled(&'static str),
    /// Required when the named column is filled.
    WhenFilled(&'static str),
}

pub struct ColumnSpec {
    pub name: &'static str,
    pub kind: ColumnType,
    pub requirement: Requirement,
}

/// The days a row covers: `[debut, fin)` with `fin` the exit day, or `fin + 1` when
/// the table records the last day worked (staff).
pub struct Interval {
    pub start: &'static str,
    pub end: &'static str,
    pub end_inclusive: bool,
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
    pub columns: &'static [ColumnSpec],
    /// Columns whose values, taken together, must be unique (an identifier, or a person
    /// and a month): a later duplicate row is left out. Empty: no such key.
    pub unique_key: &'static [&'static str],
    pub interval: Option<Interval>,
    /// The single date of an event table.
    pub date: Option<&'static str>,
}

const fn c(name: &'static str, kind: ColumnType, requirement: Requirement) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        requirement,
    }
}

use ColumnType::*;
use Requirement::*;

static SPECS: &[TableSpec] = &[
    TableSpec {
        table: Table::Personnes,
        columns: &[
            c("id_personne", Text, Essential),
            c("date_naissance", Date, UnlessFilled("annee_naissance")),
            c("annee_naissance", Integer, Optional),
            c("sexe", Code(&SEXE), Required),
            c("nationalite", Code(&NATIONALITE), Optional),
            c("situation_avant_entree", Code(&SITUATION_AVANT), Required),
            c("duree_sans_logement_mois", Integer, Optional),
            c("diagnostic_principal", Code(&DIAGNOSTIC), Optional),
            c("addiction", Code(&OUI_NON), Optional),
            c("orienteur", Code(&ORIENTEUR), Required),
            c("date_commission", Date, Optional),
            c("parcours_ase", Code(&OUI_NON), Optional),
        ],
        unique_key: &["id_personne"],
        interval: None,
        date: None,
    },
    TableSpec {
        table: Table::Accompagnements,
        columns: &[
            c("id_personne", Text, Essential),
            c("date_entree", Date, Essential),
            c("date_sortie", Date, Optional),
            c(
                "motif_sortie",
                Code(&MOTIF_SORTIE),
                WhenFilled("date_sortie"),
            ),
        ],
        unique_key: &[],
        interval: Some(Interval {
            start: "date_entree",
            end: "date_sortie",
            end_inclusive: false,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Interventions,
        columns: &[
            c("id_personne", Text, Essential),
            c("date", Date, Essential),
            c("type", Code(&TYPE_INTERVENTION), Required),
            c("binome", Code(&OUI_NON), Optional),
            c("metiers", Codes(&METIER), Optional),
            c("duree_minutes", Integer, Optional),
        ],
        unique_key: &[],
        interval: None,
        date: Some("date"),
    },
    TableSpec {
        table: Table::Hospitalisations,
        columns: &[
            c("id_personne", Text, Essential),
            c("date_debut", Date, Essential),
            c("date_fin", Date, Optional),
            c("type", Code(&TYPE_HOSPITALISATION), Required),
            c("mode", Code(&MODE_HOSPITALISATION), Optional),
        ],
        unique_key: &[],
        interval: Some(Interval {
            start: "date_debut",
            end: "date_fin",
            end_inclusive: false,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Situations,
        columns: &[
            c("id_personne", Text, Essential),
            c("date", Date, Essential),
            c("couverture_maladie", Code(&COUVERTURE), Optional),
            c("ressource_principale", Code(&RESSOURCE), Optional),
            c("montant_ressources", Number, Optional),
            c("mesure_protection", Code(&MESURE_PROTECTION), Optional),
            c("medecin_traitant", Code(&OUI_NON), Optional),
            c("suivi_psychiatrique", Code(&OUI_NON), Optional),
            c("activite", Code(&ACTIVITE), Optional),
        ],
        unique_key: &[],
        interval: None,
        date: Some("date"),
    },
    TableSpec {
        table: Table::Logements,
        columns: &[
            c("id_logement", Text, Essential),
            c("type_bailleur", Code(&TYPE_BAILLEUR), Required),
            c("typologie", Code(&TYPOLOGIE), Optional),
            c("commune", Text, Optional),
            c("loyer_mensuel", Number, Optional),
            c("date_captation", Date, Optional),
        ],
        unique_key: &["id_logement"],
        interval: None,
        date: None,
    },
    TableSpec {
        table: Table::Occupations,
        columns: &[
            c("id_occupation", Text, Optional),
            c("id_logement", Text, Essential),
            c("id_personne", Text, Essential),
            c("date_entree", Date, Essential),
            c("date_sortie", Date, Optional),
            c("statut_bail", Code(&STATUT_BAIL), Required),
            c("date_glissement", Date, Optional),
            c("motif_fin", Code(&MOTIF_FIN), WhenFilled("date_sortie")),
        ],
        unique_key: &["id_occupation"],
        interval: Some(Interval {
            start: "date_entree",
            end: "date_sortie",
            end_inclusive: false,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Quittancement,
        columns: &[
            c("id_personne", Text, Essential),
            c("mois", Month, Essential),
            c("montant_du", Number, Required),
            c("montant_paye", Number, Required),
        ],
        unique_key: &["id_personne", "mois"],
        interval: None,
        date: Some("mois"),
    },
    TableSpec {
        table: Table::Incidents,
        columns: &[
            c("id_logement", Text, Essential),
            c("id_personne", Text, Optional),
            c("date", Date, Essential),
            c("type", Code(&TYPE_INCIDENT), Required),
            c("cout", Number, Optional),
        ],
        unique_key: &[],
        interval: None,
        date: Some("date"),
    },
    TableSpec {
        table: Table::Effectifs,
        columns: &[
            c("metier", Code(&METIER_EFFECTIFS), Required),
            c("etp", Number, Required),
            c("date_debut", Date, Essential),
            c("date_fin", Date, Optional),
        ],
        unique_key: &[],
        interval: Some(Interval {
            start: "date_debut",
            end: "date_fin",
            end_inclusive: true,
        }),
        date: None,
    },
    TableSpec {
        table: Table::Budget,
        columns: &[
            c("poste", Text, Required),
            c("groupe", Code(&GROUPE_BUDGET), Optional),
            c("prevu", Number, Optional),
            c("realise", Number, Required),
        ],
        unique_key: &[],
        interval: None,
        date: None,
    },
    TableSpec {
        table: Table::Journal,
        columns: &[
            c("date", Date, Essential),
            c("categorie", Code(&CATEGORIE_JOURNAL), Required),
            c("id_personne", Text, Optional),
            c("id_logement", Text, Optional),
            c("participants", Integer, Optional),
        ],
        unique_key: &[],
        interval: None,
        date: Some("date"),
    },
];

impl Table {
    pub const ALL: [Table; 12] = [
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

    pub fn name(self) -> &'static str {
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
        f.write_str(self.name())
    }
}

impl TableSpec {
    pub fn column(&self, name: &str) -> Option<&'static ColumnSpec> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The identifiers other tables refer to (donnees.md's « → personnes », « → logements »):
/// a column of that name in another table names a row of the parent table.
pub const REFERENCES: [(&str, Table); 2] = [
    ("id_personne", Table::Personnes),
    ("id_logement", Table::Logements),
];

impl Table {
    /// The columns of this table that refer to another table, with that table.
    pub fn references(self) -> impl Iterator<Item = (&'static str, Table)> {
        REFERENCES
            .into_iter()
            .filter(move |(column, parent)| *parent != self && self.spec().column(column).is_some())
    }
}

/// The code list of a column: the table's own first, else the first table that has
/// a code column of that name (a flat's landlord type seen from an occupation).
pub fn code_list_of(table: Table, column: &str) -> Option<&'static CodeList> {
    let own = table.spec().columns.iter();
    let others = SPECS.iter().flat_map(|s| s.columns.iter());
    own.chain(others).find_map(|c| match c.kind {
        ColumnType::Code(l) | ColumnType::Codes(l) if c.name == column => Some(l),
        _ => None,
    })
}

/// Header and code matching ignore case, accents, surrounding spaces and the
/// `_`/space/`-` difference (donnees.md, general rules).
pub fn fold(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let unaccented: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '_' | '-' | '\u{a0}' | '\u{202f}' => ' ',
            c => c,
        })
        .collect();
    unaccented.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl CodeList {
    /// The canonical code of a raw value, matched on the code, its label and synonyms.
    pub fn recognize(&self, raw: &str) -> Option<&'static str> {
        let key = fold(raw);
        self.codes
            .iter()
            .find(|c| {
                fold(c.code) == key
                    || fold(c.label) == key
                    || c.synonyms.iter().any(|s| fold(s) == key)
            })
            .map(|c| c.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each synonym that donnees.md writes beside a code (in parentheses) is recognised:
    // one test per family added.

    /// couverture_maladie: `puma_css` (PUMa + complémentaire santé solidaire).
    #[test]
    fn synonym_puma_css() {
        assert_eq!(
            COUVERTURE.recognize("PUMa + complémentaire santé solidaire"),
            Some("puma_css")
        );
        assert_eq!(
            COUVERTURE.recognize("puma + complementaire sante solidaire"),
            Some("puma_css")
        );
    }

    /// ressource_principale and activite: `cej` (contrat d'engagement jeune / garantie jeunes).
    #[test]
    fn synonym_cej() {
        for list in [&RESSOURCE, &ACTIVITE] {
            assert_eq!(list.recognize("Garantie jeunes"), Some("cej"));
            assert_eq!(list.recognize("contrat d'engagement jeune"), Some("cej"));
            assert_eq!(
                list.recognize("Contrat d'engagement jeune / garantie jeunes"),
                Some("cej")
            );
        }
    }

    /// motif_sortie: `structure_medicalisee` (EHPAD, MAS, FAM…).
    #[test]
    fn synonym_structure_medicalisee() {
        for raw in ["EHPAD", "mas", "FAM"] {
            assert_eq!(
                MOTIF_SORTIE.recognize(raw),
                Some("structure_medicalisee"),
                "{raw}"
            );
        }
    }

    /// journal.categorie: `intervention_secours` (police, pompiers, SAMU).
    #[test]
    fn synonym_intervention_secours() {
        for raw in ["Police", "pompiers", "SAMU"] {
            assert_eq!(
                CATEGORIE_JOURNAL.recognize(raw),
                Some("intervention_secours"),
                "{raw}"
            );
        }
    }

    /// budget.groupe: `groupe_1` (exploitation courante), `groupe_2` (personnel),
    /// `groupe_3` (structure).
    #[test]
    fn synonym_budget_groups() {
        assert_eq!(
            GROUPE_BUDGET.recognize("Exploitation courante"),
            Some("groupe_1")
        );
        assert_eq!(GROUPE_BUDGET.recognize("Personnel"), Some("groupe_2"));
        assert_eq!(GROUPE_BUDGET.recognize("structure"), Some("groupe_3"));
    }

    /// Already recognised through the label or a synonym, and kept so: sexe (femme, homme,
    /// M, autre), situation_avant_entree, orienteur, type (VAD), mode (sdt, sdre).
    #[test]
    fn synonyms_already_recognised() {
        assert_eq!(SEXE.recognize("femme"), Some("F"));
        assert_eq!(SEXE.recognize("homme"), Some("H"));
        assert_eq!(SEXE.recognize("M"), Some("H"));
        assert_eq!(SEXE.recognize("autre"), Some("X"));
        assert_eq!(
            SITUATION_AVANT.recognize("hébergé chez un tiers"),
            Some("tiers")
        );
        assert_eq!(SITUATION_AVANT.recognize("détention"), Some("prison"));
        assert_eq!(
            SITUATION_AVANT.recognize("hospitalisation"),
            Some("hopital")
        );
        assert_eq!(
            SITUATION_AVANT.recognize("aide sociale à l'enfance"),
            Some("ase")
        );
        assert_eq!(
            SITUATION_AVANT.recognize("logement personnel"),
            Some("logement")
        );
        assert_eq!(
            ORIENTEUR.recognize("équipe mobile psychiatrie précarité"),
            Some("empp")
        );
        assert_eq!(TYPE_INTERVENTION.recognize("VAD"), Some("visite_domicile"));
        assert_eq!(
            MODE_HOSPITALISATION.recognize("soins à la demande d'un tiers"),
            Some("sdt")
        );
        assert_eq!(
            MODE_HOSPITALISATION.recognize("soins sur décision du représentant de l'État"),
            Some("sdre")
        );
    }
}
