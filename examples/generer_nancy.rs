//! Génère le site fictif `sample-data/nancy/` : une association de Nancy qui porte, depuis une
//! même adresse, deux dispositifs expérimentaux ouverts en 2024 et suivis jusqu'au 31/12/2025.
//! - « Village de l'insertion » (`village`) : site collectif de 15 places (sans logements),
//!   ouvert le 1er mars 2024 ; classeur `village.xlsx` (Résidents, Séjours, Interventions).
//! - « Logement d'abord » (`logement_abord`) : 10 places en 2024, 16 en 2025, ouvert le
//!   1er juin 2024, en logements (surtout du parc privé) pris à bail et sous-loués (IML) ;
//!   classeur `logement_abord.xlsx` (Personnes, Accompagnements, Logements, Baux,
//!   Interventions, Situations).
//! - Les deux journaux tenus à la main par les coordinateurs (`journal_village.xlsx`,
//!   `journal_lda.xlsx`, feuille « Journal ») : dates saisies de plusieurs façons, libellés de
//!   catégories variés, une ligne vide au milieu, une ligne « Total » en bas ; aucun événement
//!   au Village en août 2025 (registre non tenu pendant les congés).
//!
//! Trois résidents quittent le Village pour le Logement d'abord (même identifiant dans les
//! deux dispositifs). L'outil lit ces fichiers au travers de `profil-nancy.toml`, écrit à la
//! main comme `bilan.toml`. Toutes les personnes et tous les chiffres sont inventés ; le tirage
//! est déterministe (xorshift64, graine fixe) : `cargo run --example generer_nancy` réécrit
//! toujours les mêmes fichiers.

use std::error::Error;

use chrono::{Datelike, Duration, Months, NaiveDate as D, Weekday};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, Worksheet};

type Res<T = ()> = Result<T, Box<dyn Error>>;
/// Lignes d'un journal, dates tapées en texte, mois sans événement.
type Journal = (Vec<Vec<V>>, Vec<String>, Vec<String>);

const DOSSIER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/nancy");
const OUV_VILLAGE: D = d(2024, 3, 1);
const OUV_LDA: D = d(2024, 6, 1);
const FIN: D = d(2025, 12, 31);
/// Sorties du Village vers le Logement d'abord : entrée et emménagement le même jour.
const PASSERELLES: [D; 3] = [d(2024, 12, 9), d(2025, 3, 10), d(2025, 10, 13)];
/// Mois des autres entrées au Logement d'abord.
const NOUVEAUX_LDA: &str = "2024-06 2024-06 2024-07 2024-07 2024-08 2024-09 2024-09 2024-10 \
    2024-10 2024-11 2025-01 2025-02 2025-05 2025-06 2025-11";
/// Sorties du Logement d'abord : rang d'entrée ; date ; motif de sortie ; motif de fin de bail.
const SORTIES_LDA: &str = "3;2024-10-04;Perdu de vue;Abandon du logement|\
    5;2025-06-16;Incarcération;Fin de l'accompagnement|\
    1;2025-11-24;Relogement autonome;Fin de l'accompagnement";
/// Changement de logement dans le dispositif : rang d'entrée, fin du premier bail.
const CHANGEMENT: (usize, D) = (4, d(2025, 4, 14));
const MOIS: &str = "janvier février mars avril mai juin juillet août septembre octobre \
    novembre décembre";

// Listes « libellé=poids|… » (ou « a|b|… », équiprobables) : les libellés de l'association.
const SITUATION: &str = "Rue=28|Campement=8|Squat=10|115 / mise à l'abri=16|Chez un tiers=10|\
    Sortie de prison=7|Sortie d'hôpital=6|Hébergement d'insertion=8|Autre=7";
const ORIENTEUR: &str = "SIAO=35|Maraude=20|EMPP=12|CCAS=10|SPIP=7|CSAPA=7|Hôpital=5|Autre=4";
const MOTIFS_VILLAGE: &str = "Départ volontaire=24|Parti sans nouvelles=18|Exclusion=10|\
    Accès à un logement=14|Orientation CHRS=10|Hospitalisation=8|Incarcération=8|\
    Structure de soins=6";
const TYPES_VILLAGE: &str =
    "Entretien=45|Passage au module=25|Accompagnement extérieur=20|Téléphone=10";
const TYPES_LOGE: &str = "VAD=70|VAD non aboutie=8|Accompagnement extérieur=12|\
    Entretien au bureau=4|Appel=6";
const TYPES_A_LOGER: &str = "Entretien au bureau=45|Accompagnement extérieur=35|Appel=20";
const DUREES: &str = "VAD=30-90|VAD non aboutie=15-30|Accompagnement extérieur=60-180|\
    Entretien au bureau=30-60|Appel=5-20";
const METIERS: &str = "Travailleur social=55|Infirmier=20|Médiateur de santé pair=15|\
    Chargé de gestion locative=10";
/// Situations : couverture ; ressource ; mesure ; médecin traitant ; suivi psy ; activité.
const SITU_ENTREE: &str = "PUMa + CSS=55|PUMa seule=15|AME=10|Aucune=20;\
    RSA=45|AAH=18|Aucune=27|Chômage=5|Salaire=5;Aucune=75|Curatelle=20|Tutelle=5;\
    Oui=40|Non=60;Oui=30|Non=70;Aucune=85|Bénévolat=8|Formation=7";
const SITU_SUITE: &str = "PUMa + CSS=80|PUMa seule=10|AME=10;\
    RSA=40|AAH=35|Salaire=8|Chômage=10|Aucune=7;Aucune=70|Curatelle=25|Tutelle=5;\
    Oui=75|Non=25;Oui=50|Non=50;Aucune=75|Bénévolat=10|Formation=8|Emploi=7";
const MONTANTS: &str = "RSA=560-650|AAH=900-1016|Salaire=900-1400|Chômage=700-1100";
const LOYERS: &str = "Studio=370-435|T1=410-475|T2=500-565|T3=590-655";
const COMMUNES: &str = "Nancy=50|Vandœuvre-lès-Nancy=15|Laxou=10|Maxéville=8|\
    Villers-lès-Nancy=7|Tomblaine=5|Jarville-la-Malgrange=5";
const BINOME: &str = "Travailleur social, Infirmier";
const VILLAGE: &str = "Village de l'insertion";
/// Journaux : clé ; probabilité par jour ; libellés tapés ; part des lignes nommant une
/// personne ; part nommant un logement. Arrivées, départs, réunions et visites suivent les
/// séjours, les baux et le calendrier.
const JOURNAL_VILLAGE: [&str; 10] = [
    "arrivee;0;Arrivée=85|arrivée=10|ARRIVEE=5;0.9;0",
    "depart;0;Départ=85|Depart=15;1;0",
    "reunion;0;Réunion des habitants=60|Réunion habitants=40;0;0",
    "activite;0.05;Activité collective=50|Atelier cuisine=50;0;0",
    "incident;0.025;Incident=90|incident=10;0.7;0",
    "violence;0.008;Violence;0.9;0",
    "secours;0.012;Police=35|Intervention pompiers=35|SAMU=30;0.6;0",
    "partenaire;0.03;Rencontre partenaire;0;0",
    "voisinage;0.01;Voisinage;0;0",
    "autre;0.01;Autre;0.2;0",
];
const JOURNAL_LDA: [&str; 11] = [
    "arrivee;0;Arrivée;0.85;0.85",
    "depart;0;Départ=80|Depart=20;1;0.8",
    "reunion;0;Réunion des locataires;0;0",
    "visite;0.013;Visite du logement=60|Visite logement=40;0.3;1",
    "bailleur;0.05;Rencontre bailleur;0;0.5",
    "partenaire;0.035;Rencontre partenaire;0.2;0",
    "voisinage;0.02;Voisinage;0.5;1",
    "incident;0.012;Incident;0.9;1",
    "secours;0.005;Intervention pompiers=40|SAMU=40|Police=20;0.9;0.9",
    "activite;0.012;Activité collective=60|Atelier cuisine=40;0;0",
    "autre;0.01;Autre;0.2;0.2",
];
/// Observations (texte libre, que l'outil ne doit jamais recopier).
const NOTES: [&str; 12] = [
    "arrivee=Accueil et état des lieux|Installation, clés remises|Orientée par le SIAO",
    "depart=Départ, lieux à nettoyer|Clés rendues|Départ sans prévenir",
    "reunion=Ménage des parties communes|Règles de vie|Préparation de la fête de quartier",
    "activite=Repas partagé|Soupe|Sortie au parc de la Pépinière|Jardinage, potager",
    "incident=Dispute dans la cuisine|Bruit la nuit|Porte dégradée",
    "violence=Bagarre, séparés par l'équipe|Menaces envers un salarié",
    "secours=Malaise, appel du 15|Départ de feu dans une poubelle|Altercation, appel du 17",
    "partenaire=Rencontre CCAS|Point avec l'EMPP|Réunion SIAO|Visite de la PASS",
    "voisinage=Échange avec un voisin|Plainte pour bruit|Présentation au comité de quartier",
    "visite=Logement bien tenu|Logement encombré|Fuite sous l'évier|RAS",
    "bailleur=Point sur les loyers|Proposition d'un studio|Avenant au bail",
    "autre=Passage de la DDETS|Stagiaire présente|Formation de l'équipe",
];

/// En-têtes des feuilles : « fichier/feuille=en-tête|en-tête|… ».
const ENTETES: [&str; 11] = [
    "village.xlsx/Résidents=N° personne|Sexe|Année de naissance|Nationalité|\
        Situation avant l'arrivée|Orienté par|Addictions",
    "village.xlsx/Séjours=N° personne|Date d'arrivée|Date de départ|Motif du départ",
    "village.xlsx/Interventions=N° personne|Date|Type|Intervenant(e)",
    "logement_abord.xlsx/Personnes=Identifiant|Sexe|Date de naissance|Nationalité|\
        Situation avant entrée|Sans logement depuis (mois)|Orienteur|Date de commission|Addiction",
    "logement_abord.xlsx/Accompagnements=Identifiant|Date d'entrée|Date de sortie|Motif de sortie",
    "logement_abord.xlsx/Logements=N° logement|Type de bailleur|Typologie|Commune|Loyer CC (€)|\
        Date de captation",
    "logement_abord.xlsx/Baux=N° bail|N° logement|Identifiant|Entrée dans les lieux|\
        Sortie des lieux|Statut du bail|Motif de fin",
    "logement_abord.xlsx/Interventions=Identifiant|Date|Type d'intervention|Binôme|Intervenants|\
        Durée (min)",
    "logement_abord.xlsx/Situations=Identifiant|Date|Couverture maladie|Ressource principale|\
        Montant (€/mois)|Mesure de protection|Médecin traitant|Suivi psy|Activité",
    "journal_village.xlsx/Journal=Date|Catégorie|Résident|Nb participants|Observations",
    "journal_lda.xlsx/Journal=Date|Catégorie|Locataire|Logement|Nb participants|Observations",
];

/// Générateur xorshift64 : suffisant pour des données d'exemple, et sans dépendance.
struct Rng(u64);

impl Rng {
    fn suivant(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn reel(&mut self) -> f64 {
        (self.suivant() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn p(&mut self, p: f64) -> bool {
        self.reel() < p
    }
    fn entre(&mut self, a: i64, b: i64) -> i64 {
        a + (self.suivant() % (b - a + 1) as u64) as i64
    }
    fn choix(&mut self, liste: &'static str) -> &'static str {
        let poids = |e: &'static str| e.rsplit_once('=').map_or((e, 1.0), |(l, p)| (l, nb(p)));
        let paires: Vec<(&str, f64)> = liste.split('|').map(poids).collect();
        let mut x = self.reel() * paires.iter().map(|p| p.1).sum::<f64>();
        for (l, p) in &paires {
            if x < *p {
                return l.trim();
            }
            x -= p;
        }
        paires[paires.len() - 1].0.trim()
    }
    /// Un nombre tiré dans « a-b », pour le libellé `cle` d'une liste « cle=a-b|… ».
    fn plage(&mut self, liste: &str, cle: &str) -> Option<i64> {
        let mut paires = liste.split('|').filter_map(|e| e.trim().split_once('='));
        let (a, b) = paires.find(|e| e.0 == cle)?.1.split_once('-')?;
        Some(self.entre(nb(a) as i64, nb(b) as i64))
    }
}

fn nb(x: &str) -> f64 {
    x.trim().parse().expect("nombre")
}
fn champs(x: &'static str) -> Vec<&'static str> {
    x.split(';').collect()
}

/// Une cellule : texte, nombre, date ou vide.
#[derive(Clone)]
enum V {
    T(String),
    N(f64),
    D(D),
    Rien,
}

fn t(s: &str) -> V {
    Some(s)
        .filter(|s| !s.is_empty())
        .map_or(V::Rien, |s| V::T(s.into()))
}
fn n(x: i64) -> V {
    V::N(x as f64)
}
fn dt(x: Option<D>) -> V {
    x.map_or(V::Rien, V::D)
}
fn id(pers: &[Personne], p: usize) -> V {
    V::T(pers[p].id.clone())
}
const fn d(a: i32, m: u32, j: u32) -> D {
    D::from_ymd_opt(a, m, j).unwrap()
}
fn plus(x: D, n: i64) -> D {
    x + Duration::days(n)
}
fn ouvrable(x: D) -> bool {
    x.weekday().num_days_from_monday() < 5
}
fn aout_2025(x: D) -> bool {
    x.year() == 2025 && x.month() == 8
}
fn jours(debut: D) -> impl Iterator<Item = D> {
    debut.iter_days().take_while(|&j| j <= FIN)
}

struct Personne {
    id: String,
    homme: bool,
    naissance: D,
    /// Nationalité, situation avant l'entrée, orienteur, addiction.
    profil: [&'static str; 4],
}

/// Une période : séjour au Village, accompagnement ou bail (`lgt`) au Logement d'abord.
#[derive(Clone, Copy)]
struct Per {
    p: usize,
    lgt: usize,
    debut: D,
    fin: Option<D>,
    motif: &'static str,
}

impl Per {
    fn new(p: usize, debut: D, fin: Option<D>, motif: &'static str) -> Per {
        let lgt = usize::MAX;
        Per {
            p,
            lgt,
            debut,
            fin,
            motif,
        }
    }
    fn couvre(&self, jour: D) -> bool {
        self.debut <= jour && self.fin.is_none_or(|f| jour < f)
    }
}

fn personne(r: &mut Rng, pers: &mut Vec<Personne>, entree: D) -> usize {
    let nationalite = r.choix("Française=70|UE=8|Hors UE=20|=2");
    let (situation, orienteur) = (r.choix(SITUATION), r.choix(ORIENTEUR));
    let addiction = r.choix("Oui=55|Non=40|=5");
    pers.push(Personne {
        id: format!("NCY-{:03}", pers.len() + 1),
        homme: r.p(0.78),
        naissance: plus(entree, -r.entre(20 * 365, 64 * 365)),
        profil: [nationalite, situation, orienteur, addiction],
    });
    pers.len() - 1
}

/// Le Village : montée en charge en deux mois et demi, puis 12 résidents visés ; séjours de
/// deux semaines à plus de deux ans ; deux retours ; trois départs vers le Logement d'abord.
fn village(r: &mut Rng, pers: &mut Vec<Personne>) -> (Vec<Per>, Vec<usize>) {
    let (mut sej, mut presents, mut retours) = (Vec::<Per>::new(), Vec::<usize>::new(), Vec::new());
    let (mut passes, mut nb_retours) = (Vec::new(), 0);
    for jour in jours(OUV_VILLAGE) {
        if PASSERELLES.contains(&jour) {
            let k = *presents
                .iter()
                .filter(|&&s| sej[s].debut <= plus(jour, -90) && sej[s].fin != Some(jour))
                .min_by_key(|&&s| sej[s].debut)
                .expect("un résident pour le Logement d'abord");
            (sej[k].fin, sej[k].motif) = (Some(jour), "Orientation Logement d'abord");
            passes.push(sej[k].p);
        }
        for &s in presents.iter().filter(|&&s| sej[s].fin == Some(jour)) {
            let depart = matches!(sej[s].motif, "Départ volontaire" | "Parti sans nouvelles");
            if depart && nb_retours < 2 {
                nb_retours += 1;
                retours.push((plus(jour, r.entre(60, 200)), sej[s].p));
            }
        }
        presents.retain(|&s| sej[s].fin != Some(jour));
        let k = (jour - OUV_VILLAGE).num_days();
        let proba = if k < 75 { 0.5 } else { 0.12 };
        let plein = presents.len() as i64 >= (6 + k * 6 / 75).min(12);
        if aout_2025(jour) || plein || !r.p(proba) {
            continue;
        }
        let p = match retours.iter().position(|x: &(D, usize)| x.0 <= jour) {
            Some(i) => retours.remove(i).1,
            None => personne(r, pers, jour),
        };
        let (a, b) = if r.p(0.25) { (14, 90) } else { (270, 800) };
        let mut fin = Some(plus(jour, r.entre(a, b))).filter(|&s| s <= FIN);
        if fin.is_some_and(aout_2025) {
            fin = Some(d(2025, 9, r.entre(1, 10) as u32)); // pas de départ en août 2025
        }
        let motif = fin.map_or("", |_| r.choix(MOTIFS_VILLAGE));
        presents.push(sej.len());
        sej.push(Per::new(p, jour, fin, motif));
    }
    sej.sort_by_key(|s| (s.debut, s.p));
    (sej, passes)
}

/// Le Logement d'abord : accompagnements et baux (les logements viennent après).
fn lda(r: &mut Rng, pers: &mut Vec<Personne>, passes: &[usize]) -> [Vec<Per>; 2] {
    let mut entrees: Vec<(D, Option<usize>)> = Vec::new();
    for mois in NOUVEAUX_LDA.split_whitespace() {
        let x = D::parse_from_str(&format!("{mois}-{:02}", r.entre(1, 26)), "%Y-%m-%d").unwrap();
        let lundi = [0, 0, 0, 0, 0, 2, 1][x.weekday().num_days_from_monday() as usize];
        entrees.push((plus(x, lundi), None));
    }
    entrees.extend(PASSERELLES.iter().zip(passes).map(|(&x, &p)| (x, Some(p))));
    entrees.sort_by_key(|e| e.0);
    let sorties: Vec<Vec<&str>> = SORTIES_LDA.split('|').map(champs).collect();
    let (mut suivis, mut baux) = (Vec::new(), Vec::new());
    for (i, &(entree, passe)) in entrees.iter().enumerate() {
        let p = passe.unwrap_or_else(|| personne(r, pers, entree));
        let sortie = sorties.iter().find(|s| s[0].trim() == i.to_string());
        let fin = sortie.map(|s| D::parse_from_str(s[1], "%Y-%m-%d").unwrap());
        suivis.push(Per::new(p, entree, fin, sortie.map_or("", |s| s[2])));
        let debut = plus(entree, if passe.is_some() { 0 } else { r.entre(7, 40) });
        let (fin, motif) = match sortie {
            Some(s) if s[3] == "Abandon du logement" => (fin.map(|f| plus(f, -18)), s[3]),
            Some(s) => (fin, s[3]),
            None => (None, ""),
        };
        if i == CHANGEMENT.0 {
            let f = CHANGEMENT.1;
            baux.push(Per::new(p, debut, Some(f), "Changement de logement"));
            baux.push(Per::new(p, plus(f, 2), fin, motif));
        } else if debut <= FIN {
            baux.push(Per::new(p, debut, fin, motif));
        }
    }
    baux.sort_by_key(|o| o.debut);
    [suivis, baux]
}

/// Logements : un logement libéré est reloué 30 à 60 jours plus tard, sinon on en capte un.
fn loger(r: &mut Rng, baux: &mut [Per]) -> Vec<Vec<V>> {
    let mut lgts: Vec<(Vec<V>, Option<D>)> = Vec::new();
    let capter = |r: &mut Rng, lgts: &mut Vec<(Vec<V>, Option<D>)>, captation: D| {
        let typo = r.choix("Studio=35|T1=35|T2=25|T3=5");
        let loyer = n(r.plage(LOYERS, typo).unwrap());
        let id = V::T(format!("LGT-{:02}", lgts.len() + 1));
        let bailleur = t(r.choix("Privé (IML)=85|Bailleur social=15"));
        let commune = t(r.choix(COMMUNES));
        let ligne = vec![id, bailleur, t(typo), commune, loyer, V::D(captation)];
        lgts.push((ligne, None));
        lgts.len() - 1
    };
    for o in baux.iter_mut() {
        let libre = (0..lgts.len()).filter(|&l| lgts[l].1.is_some_and(|x| x <= o.debut));
        o.lgt = match libre.min_by_key(|&l| lgts[l].1) {
            Some(l) => l,
            None => {
                let captation = plus(o.debut, -r.entre(10, 50));
                capter(r, &mut lgts, captation)
            }
        };
        lgts[o.lgt].1 = o.fin.map(|f| plus(f, r.entre(30, 60)));
    }
    capter(r, &mut lgts, d(2025, 12, 8)); // capté, pas encore attribué
    lgts.into_iter().map(|l| l.0).collect()
}

/// Interventions des jours ouvrables ; au Logement d'abord, surtout des VAD une fois logé.
fn interventions(r: &mut Rng, suivis: &[Per], baux: &[Per], pers: &[Personne]) -> Vec<Vec<V>> {
    let (mut lignes, village) = (Vec::new(), baux.is_empty());
    for jour in jours(if village { OUV_VILLAGE } else { OUV_LDA }).filter(|&j| ouvrable(j)) {
        for s in suivis.iter().filter(|s| s.couvre(jour)) {
            if village {
                if r.p(0.03) {
                    let typ = t(r.choix(TYPES_VILLAGE));
                    let qui = t(r.choix("Travailleur social=50|Éducateur=30|Infirmier=20"));
                    lignes.push(vec![id(pers, s.p), V::D(jour), typ, qui]);
                }
                continue;
            }
            let loge = baux.iter().any(|o| o.p == s.p && o.couvre(jour));
            if !r.p(if loge { 0.26 } else { 0.15 }) {
                continue;
            }
            let typ = r.choix(if loge { TYPES_LOGE } else { TYPES_A_LOGER });
            let binome = typ == "VAD" && r.p(0.35);
            let metiers = t(if binome { BINOME } else { r.choix(METIERS) });
            let duree = n(r.plage(DUREES, typ).unwrap() / 5 * 5);
            let oui = t(if binome { "Oui" } else { "Non" });
            let debut = vec![id(pers, s.p), V::D(jour), t(typ)];
            lignes.push([debut, vec![oui, metiers, duree]].concat());
        }
    }
    lignes
}

/// Situation à l'entrée, puis au bilan de décembre ; les droits s'ouvrent peu à peu.
fn situations(r: &mut Rng, suivis: &[Per], pers: &[Personne]) -> Vec<Vec<V>> {
    let mut lignes = Vec::new();
    for s in suivis {
        let mut dates = vec![plus(s.debut, r.entre(0, 14))];
        for bilan in [d(2024, 12, 2), d(2025, 12, 1)].map(|x| plus(x, r.entre(0, 18))) {
            if s.debut < plus(bilan, -60) && s.fin.is_none_or(|x| x > bilan) {
                dates.push(bilan);
            }
        }
        for (k, jour) in dates.into_iter().enumerate() {
            let mut ligne = vec![id(pers, s.p), V::D(jour)];
            for liste in champs(if k == 0 { SITU_ENTREE } else { SITU_SUITE }) {
                ligne.push(t(r.choix(liste)));
            }
            let montant = match &ligne[3] {
                V::T(res) => r.plage(MONTANTS, res).map_or(V::Rien, n),
                _ => V::Rien,
            };
            ligne.insert(4, montant);
            lignes.push(ligne);
        }
    }
    lignes.sort_by_key(|l| if let V::D(x) = l[1] { x } else { FIN });
    lignes
}

/// Un journal tenu à la main : arrivées et départs suivent les périodes ; réunions au
/// calendrier (Village : un mardi sur deux ; Logement d'abord : premier jeudi des mois pairs) ;
/// le reste au hasard ; surtout des cellules date, parfois une date tapée comme du texte.
/// Rend les lignes, les dates tapées et les mois sans aucun événement.
fn journal(
    r: &mut Rng,
    table: &[&'static str],
    periodes: &[Per],
    pers: &[Personne],
    lgts: &[Vec<V>],
) -> Journal {
    let village = lgts.is_empty();
    let debut = if village { OUV_VILLAGE } else { OUV_LDA };
    let sortes: Vec<Vec<&str>> = table.iter().map(|l| champs(l)).collect();
    let mut ev: Vec<(D, Vec<V>)> = Vec::new();
    let mut noter = |r: &mut Rng, cle: &str, jour: D, o: &Per, k: i64| {
        let s = sortes.iter().find(|s| s[0] == cle).unwrap();
        let notes = NOTES
            .iter()
            .find_map(|n| n.strip_prefix(cle)?.strip_prefix('='));
        let qui = Some(o.p).filter(|&p| p != usize::MAX && r.p(nb(s[3])));
        let lgt = Some(o.lgt).filter(|&l| l != usize::MAX && r.p(nb(s[4])));
        let part = Some(r.entre(2, (k * 2 / 3).max(3))).filter(|_| k > 0 && r.p(0.75));
        let (cat, qui) = (t(r.choix(s[2])), qui.map_or(V::Rien, |p| id(pers, p)));
        let mut ligne = vec![V::D(jour), cat, qui];
        if !village {
            ligne.push(lgt.map_or(V::Rien, |l| lgts[l][0].clone()));
        }
        ligne.extend([part.map_or(V::Rien, n), t(r.choix(notes.unwrap()))]);
        ev.push((jour, ligne));
    };
    for o in periodes {
        noter(r, "arrivee", o.debut, o, 0);
        if let Some(x) = o.fin {
            noter(r, "depart", x, o, 0);
        }
    }
    let personne = Per::new(usize::MAX, debut, None, ""); // avant le premier emménagement
    for jour in jours(debut).filter(|&j| !(village && aout_2025(j))) {
        let mut presents: Vec<&Per> = periodes.iter().filter(|o| o.couvre(jour)).collect();
        let k = presents.len() as i64;
        if k == 0 {
            presents.push(&personne);
        }
        let reunion = if village {
            jour.weekday() == Weekday::Tue && jour.iso_week().week() % 2 == 0
        } else {
            jour.weekday() == Weekday::Thu && jour.day() <= 7 && jour.month() % 2 == 0
        };
        if reunion && k > 0 {
            noter(r, "reunion", jour, presents[0], k);
        }
        for o in presents.iter().filter(|o| o.lgt != usize::MAX) {
            if r.p(0.013) {
                noter(r, "visite", jour, o, 0);
            }
        }
        for s in sortes.iter().filter(|s| s[0] != "visite") {
            let bureau = matches!(s[0], "bailleur" | "partenaire");
            let ouverture = jour == debut && s[0] == "partenaire"; // réunion d'ouverture
            if ouverture || (k > 0 || bureau) && (ouvrable(jour) || !bureau) && r.p(nb(s[1])) {
                let o = presents[r.entre(0, presents.len() as i64 - 1) as usize];
                noter(r, s[0], jour, o, if s[0] == "activite" { k } else { 0 });
            }
        }
    }
    ev.sort_by_key(|e| e.0);
    let (mois, mut textes): (Vec<&str>, Vec<String>) = (MOIS.split_whitespace().collect(), vec![]);
    for (j, ligne) in ev.iter_mut().filter(|_| r.p(0.12)) {
        let texte = match textes.len() % 5 {
            0 => j.format("%d/%m/%Y").to_string(),
            1 => j.format("%-d/%-m/%Y").to_string(),
            2 => j.format("%Y-%m-%d").to_string(),
            3 => j.format("%d.%m.%Y").to_string(),
            _ => format!("{} {} {}", j.day(), mois[j.month0() as usize], j.year()),
        };
        ligne[0] = V::T(texte.clone());
        textes.push(texte);
    }
    let mut vides = Vec::new();
    let mut m = debut;
    while m <= FIN {
        if !ev.iter().any(|e| e.0.with_day(1) == Some(m)) {
            vides.push(m.format("%Y-%m").to_string());
        }
        m = m + Months::new(1);
    }
    (ev.into_iter().map(|e| e.1).collect(), textes, vides)
}

fn feuille<'a>(
    wb: &'a mut Workbook,
    nom: &str,
    entetes: &str,
    lignes: &[Vec<V>],
) -> Res<&'a mut Worksheet> {
    let gras = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let ws = wb.add_worksheet().set_name(nom)?;
    for (c, e) in entetes.split('|').enumerate() {
        ws.set_column_width(c as u16, e.chars().count().max(12) as f64 + 2.0)?;
        ws.write_string_with_format(0, c as u16, e, &gras)?;
    }
    for (l, ligne) in lignes.iter().enumerate() {
        for (c, v) in ligne.iter().enumerate() {
            let (l, c) = (l as u32 + 1, c as u16);
            match v {
                V::T(s) => ws.write_string(l, c, s)?,
                V::N(x) => ws.write_number(l, c, *x)?,
                V::D(x) => {
                    let (a, m, j) = (x.year() as u16, x.month() as u8, x.day() as u8);
                    ws.write_datetime_with_format(l, c, ExcelDateTime::from_ymd(a, m, j)?, &date)?
                }
                V::Rien => continue,
            };
        }
    }
    Ok(ws)
}

/// Un classeur à date de création fixe (deux exécutions écrivent les mêmes octets) ; la
/// feuille « Journal », tenue à la main, reçoit une ligne vide au milieu et une ligne « Total ».
fn classeur(fichier: &str, feuilles: Vec<(&str, Vec<Vec<V>>)>) -> Res {
    let quand = ExcelDateTime::from_ymd(2026, 1, 5)?;
    let proprietes = DocProperties::new().set_author("Association Horizon Nancy");
    let mut wb = Workbook::new();
    wb.set_properties(&proprietes.set_creation_datetime(&quand));
    for (nom, mut lignes) in feuilles {
        let cle = format!("{fichier}/{nom}=");
        let entetes = ENTETES.iter().find_map(|e| e.strip_prefix(&cle)).unwrap();
        let (n, journal) = (lignes.len(), nom == "Journal");
        if journal {
            lignes.insert(n / 2, Vec::new());
        }
        let ws = feuille(&mut wb, nom, entetes, &lignes)?;
        println!("{fichier} « {nom} » : {n} lignes");
        if journal {
            let bas = n as u32 + 2;
            ws.write_string(bas, 0, "Total")?;
            let total = Formula::new(format!("=COUNTA(B2:B{bas})")).set_result(n.to_string());
            ws.write_formula(bas, 1, total)?;
            println!("  ligne vide n° {}, « Total » ligne {}", n / 2 + 2, bas + 1);
        }
    }
    Ok(wb.save(format!("{DOSSIER}/{fichier}"))?)
}

fn periodes(v: &[Per], pers: &[Personne]) -> Vec<Vec<V>> {
    let ligne = |s: &Per| vec![id(pers, s.p), V::D(s.debut), dt(s.fin), t(s.motif)];
    v.iter().map(ligne).collect()
}

fn main() -> Res {
    let mut r = Rng(0x4E41_4E43_2024_0301);
    let mut pers = Vec::new();
    let (sej, passes) = village(&mut r, &mut pers);
    let [suivis, mut baux] = lda(&mut r, &mut pers, &passes);
    let lgts = loger(&mut r, &mut baux);
    let (jv, textes_v, vides_v) = journal(&mut r, &JOURNAL_VILLAGE, &sej, &pers, &[]);
    let (jl, textes_l, vides_l) = journal(&mut r, &JOURNAL_LDA, &baux, &pers, &lgts);

    let mut dans_v: Vec<usize> = sej.iter().map(|s| s.p).collect();
    dans_v.sort();
    dans_v.dedup();
    let residents = dans_v.iter().map(|&p| {
        let x = &pers[p];
        let (sexe, annee) = (
            t(if x.homme { "H" } else { "F" }),
            n(x.naissance.year() as i64),
        );
        [vec![id(&pers, p), sexe, annee], x.profil.map(t).to_vec()].concat()
    });
    let mut personnes_lda = Vec::new();
    for s in &suivis {
        let x = &pers[s.p];
        let [nat, mut situation, mut orienteur, addiction] = x.profil;
        if passes.contains(&s.p) {
            (situation, orienteur) = (VILLAGE, VILLAGE);
        }
        let (sexe, naissance) = (
            t(if x.homme { "Homme" } else { "Femme" }),
            V::D(x.naissance),
        );
        let (sans, commission) = (n(r.entre(6, 180)), V::D(plus(s.debut, -r.entre(10, 60))));
        let debut = vec![id(&pers, s.p), sexe, naissance, t(nat), t(situation)];
        personnes_lda.push([debut, vec![sans, t(orienteur), commission, t(addiction)]].concat());
    }
    let baux_xlsx = baux.iter().enumerate().map(|(i, o)| {
        let (no, lgt) = (V::T(format!("B{:04}", 101 + i)), lgts[o.lgt][0].clone());
        let debut = vec![no, lgt, id(&pers, o.p), V::D(o.debut), dt(o.fin)];
        [debut, vec![t("Sous-location"), t(o.motif)]].concat()
    });
    std::fs::create_dir_all(DOSSIER)?;
    let village = vec![
        ("Résidents", residents.collect()),
        ("Séjours", periodes(&sej, &pers)),
        ("Interventions", interventions(&mut r, &sej, &[], &pers)),
    ];
    classeur("village.xlsx", village)?;
    let lda = vec![
        ("Personnes", personnes_lda),
        ("Accompagnements", periodes(&suivis, &pers)),
        ("Logements", lgts.clone()),
        ("Baux", baux_xlsx.collect()),
        (
            "Interventions",
            interventions(&mut r, &suivis, &baux, &pers),
        ),
        ("Situations", situations(&mut r, &suivis, &pers)),
    ];
    classeur("logement_abord.xlsx", lda)?;
    classeur("journal_village.xlsx", vec![("Journal", jv)])?;
    classeur("journal_lda.xlsx", vec![("Journal", jl)])?;

    // Contrôles, pour le README.
    for jour in [d(2024, 6, 30), d(2024, 12, 31), d(2025, 6, 30), FIN] {
        let compte = |v: &[Per]| v.iter().filter(|s| s.couvre(jour)).count();
        let (v, l, h) = (compte(&sej), compte(&suivis), compte(&baux));
        println!("au {jour} : Village {v} présents ; Logement d'abord {l} accompagnés, {h} logés");
    }
    let max = |v: &[Per], a: D, b: D| {
        let presents = |j: D| v.iter().filter(|s| s.couvre(j)).count();
        a.iter_days()
            .take_while(|&j| j <= b)
            .map(presents)
            .max()
            .unwrap()
    };
    let (mv, ml) = (
        max(&sej, OUV_VILLAGE, FIN),
        max(&suivis, OUV_LDA, d(2024, 12, 31)),
    );
    let (nv, nl, np) = (dans_v.len(), suivis.len(), pers.len());
    println!(
        "Village : {nv} personnes, {} séjours, au plus {mv} présents",
        sej.len()
    );
    println!(
        "Logement d'abord : {nl} personnes, au plus {ml} en 2024, {} en 2025",
        max(&suivis, d(2025, 1, 1), FIN)
    );
    let ids: Vec<&str> = passes.iter().map(|&p| pers[p].id.as_str()).collect();
    println!("{np} personnes ; du Village au Logement d'abord : {ids:?} les {PASSERELLES:?}");
    println!("mois sans événement : Village {vides_v:?} ; Logement d'abord {vides_l:?}");
    println!("dates tapées en texte, Village : {textes_v:?}");
    println!("dates tapées en texte, Logement d'abord : {textes_l:?}");
    Ok(())
}
