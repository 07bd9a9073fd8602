//! Génère le site fictif `sample-data/hope-gla/` : un dispositif « Un chez-soi d'abord Jeunes »
//! de 40 places ouvert le 1er septembre 2022, suivi jusqu'au 31 décembre 2025, dont les fichiers
//! ressemblent à de vrais exports, avec leurs propres en-têtes et libellés : le classeur du
//! logiciel de suivi HOPE (`hope.xlsx`), les exports CSV Windows-1252 du logiciel de gestion
//! locative GLA (`gla_*.csv`) et deux tableaux tenus à la main (`equipe.xlsx`, `budget.csv`).
//! L'outil les lit au travers de `profil-hope-gla.toml` (écrit à la main, comme `bilan.toml`).
//! Quelques anomalies sont plantées exprès ; le programme les affiche avec leur ligne.
//!
//! Toutes les personnes et tous les chiffres sont inventés. Le tirage est déterministe
//! (xorshift64, graine fixe) : `cargo run --example generer_hope_gla` réécrit toujours les
//! mêmes fichiers.

use std::{error::Error, fs};

use chrono::{Datelike, Duration, Months, NaiveDate as D};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

type Res<T = ()> = Result<T, Box<dyn Error>>;

const DOSSIER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/hope-gla");
const OUVERTURE: D = D::from_ymd_opt(2022, 9, 1).unwrap();
const FIN: D = D::from_ymd_opt(2025, 12, 31).unwrap();
const DEBUT_INTERVENTIONS: D = D::from_ymd_opt(2024, 1, 1).unwrap();

// Listes « libellé=poids|… » (poids 1 si absent) : les libellés des logiciels, inventés.
const SITUATION: &str = "Sortie de l'ASE / contrat jeune majeur=20|Sans abri / rue=24|\
    Hébergement d'urgence (115)=18|Hébergé chez un tiers=14|Squat=5|\
    CHRS / hébergement d'insertion=6|Hospitalisation=8|Détention=3|Autre=2";
const ORIENTEUR: &str = "ASE / Conseil départemental=25|SIAO=20|EMPP=15|\
    Service de psychiatrie=15|Mission locale=8|Maraude=7|PJJ / SPIP=5|CSAPA / CAARUD=3";
const DIAGNOSTIC: &str = "Schizophrénie=38|Premier épisode psychotique=20|Trouble bipolaire=12|\
    Trouble dépressif sévère=8|Trouble de la personnalité=8|=14";
const RESSOURCES: [&str; 3] = [
    "Aucune ressource=35|CEJ=25|AAH=12|Salaire=6|Bourse=6|Allocation chômage (ARE)=4",
    "CEJ=45|AAH=30|Salaire=15|Bourse=10", // un an après « Aucune ressource »
    "Salaire=45|Allocation chômage (ARE)=20|AAH=20", // après la fin du CEJ
];
const PROTECTION: &str = "Aucune=85|Curatelle simple=6|Curatelle renforcée=5|Tutelle=2|\
    Sauvegarde de justice=2";
const MOTIFS: &str = "Perdu de vue=22|Fin à la demande du jeune=20|Incarcération=10|\
    Départ hors du territoire=12|Orientation vers une structure médicalisée=4|Décès=2|\
    Autre motif=6";
const SEJOURS: &str = "Psychiatrie=40|Passage aux urgences=45|Médecine / chirurgie=10|\
    Addictologie=5";
const MODES: &str = "Soins libres=60|Soins à la demande d'un tiers=20|Péril imminent (SPI)=6|\
    SDRE=6|=8";
const METIERS: &str = "Infirmier(e)=25|Travailleur social=28|Éducateur spécialisé=18|\
    Médiateur pair=10|Psychiatre=6|Psychologue=5|Chargé(e) GLA=5|CIP=3";
/// Type d'intervention, durée mini et maxi (minutes), binôme (tirage), observations.
const TYPES: [(&str, i64, i64, &str, &str); 5] = [
    ("Visite à domicile", 30, 90, BINOME, NOTES[0]),
    ("Accompagnement physique", 60, 150, BINOME, NOTES[1]),
    ("Entretien au service", 30, 60, "Oui=25|Non=70|=5", NOTES[2]),
    ("Appel téléphonique", 10, 30, "Non=95|=5", NOTES[3]),
    ("VAD non aboutie", 15, 30, "Oui=25|Non=70|=5", NOTES[4]),
];
const NOTES: [&str; 5] = [
    "Logement bien tenu|Point sur le CEJ et la Mission locale|Aide au rangement|Repas partagé",
    "Accompagnement à la CPAM|Rendez-vous au CMP|Mission locale (CEJ)|Démarches CAF (APL)",
    "Point budget|Entretien avec la psychologue|Projet de formation évoqué",
    "Appel pour caler la visite|Appel du jeune, inquiet pour son loyer",
    "Absent, mot laissé sous la porte|Pas de réponse à l'interphone",
];
const BINOME: &str = "Oui=40|Non=55|=5";
const PRENOMS: [&str; 2] = [
    "Anis|Bastien|Dylan|Enzo|Gaël|Ilyès|Jordan|Kylian|Loïc|Maël|Noé|Rayan|Théo|Yanis|Kévin",
    "Anaïs|Chloé|Inès|Jade|Léa|Maëlys|Océane|Sarah|Yasmine|Zoé|Nour|Manon",
];
const NOMS: [&str; 2] = [
    "Bra|Clo|Fri|Gour|Mou|Pla|Tri|Vor|Zan|Bé|Cha|Dru|Gli|Lou|Mir|Tam",
    "billard|chouette|dinet|fignard|loupiot|mirette|tafel|zinot|caffin|pivoine",
];
const EQUIPE: &str = "Coordination;1;2022-06-01;|Direction;0.1;2022-09-01;|\
    Secrétariat;0.5;2022-09-01;|Psychiatre;0.3;2022-09-01;|Infirmier(e);1;2022-09-01;|\
    Infirmier(e);1;2023-01-02;2025-04-30|Infirmier(e);1;2025-06-02;|\
    Travailleur social;1;2022-09-01;|Travailleur social;1;2022-11-02;|\
    Éducateur(trice) spécialisé(e);1;2022-09-01;2024-06-30|\
    Éducateur(trice) spécialisé(e);1;2024-09-02;|Médiateur(trice) de santé pair;1;2023-03-01;|\
    Psychologue;0.5;2022-09-01;|Conseiller(ère) en insertion professionnelle;0.8;2023-01-02;|\
    Chargé(e) de gestion locative;1;2022-07-01;";
/// Montants écrits comme les affiche Excel ; les espaces deviennent des espaces fines insécables.
const BUDGET: &str = "Fournitures et petit équipement;Groupe 1;9 000,00 €;8 412,35 €|\
    Frais de déplacement (véhicules de service);Groupe 1;14 000,00 €;15 230,60 €|\
    Aides financières aux jeunes (secours, équipement);Groupe 1;12 000,00 €;13 870,15 €|\
    Salaires bruts;Groupe 2;315 000,00 €;309 420,18 €|\
    Charges sociales;Groupe 2;135 000,00 €;131 877,42 €|\
    Formation et analyse des pratiques;Groupe 2;6 000,00 €;4 250,00 €|\
    Intérim et remplacements;Groupe 2;;7 300,00 €|\
    Loyers et charges des logements;Groupe 3;176 000,00 €;181 245,90 €|\
    Entretien et remise en état des logements;Groupe 3;18 000,00 €;22 615,37 €|\
    Assurances;Groupe 3;6 500,00 €;6 380,00 €|Frais de siège;Groupe 3;19 000,00 €;19 000,00 €";

/// Générateur xorshift64 : suffisant pour des données d'exemple, et sans dépendance.
struct Rng(u64);

impl Rng {
    fn reel(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn p(&mut self, p: f64) -> bool {
        self.reel() < p
    }
    fn entre(&mut self, a: i64, b: i64) -> i64 {
        a + (self.reel() * (b - a + 1) as f64) as i64
    }
    fn expo(&mut self, moyenne: f64) -> i64 {
        (-moyenne * (1.0 - self.reel()).ln()) as i64
    }
    /// Un libellé d'une liste « libellé=poids|… » (poids 1 quand il n'est pas écrit).
    fn choix(&mut self, liste: &'static str) -> &'static str {
        let poids = |e: &str| e.rsplit_once('=').map_or(Ok(1.0), |(_, p)| p.parse());
        let poids = |e: &str| poids(e).unwrap_or(0.0);
        let mut x = self.reel() * liste.split('|').map(poids).sum::<f64>();
        let e = liste.split('|').find(|e| (x -= poids(e), x < 0.0).1);
        let e = e.unwrap_or("");
        e.rsplit_once('=').map_or(e, |(l, _)| l).trim()
    }
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
    match s {
        "" => V::Rien,
        s => V::T(s.into()),
    }
}
/// La valeur, ou une cellule vide avec la probabilité `p`.
fn ou_vide(v: V, r: &mut Rng, p: f64) -> V {
    if r.p(p) { V::Rien } else { v }
}
fn dt(x: Option<D>) -> V {
    x.map_or(V::Rien, V::D)
}
fn d(a: i32, m: u32, j: u32) -> D {
    D::from_ymd_opt(a, m, j).expect("date valide")
}
fn plus(x: D, n: i64) -> D {
    x + Duration::days(n)
}
fn jj(x: D) -> String {
    x.format("%d/%m/%Y").to_string()
}
fn ouvrable(x: D) -> bool {
    x.weekday().num_days_from_monday() < 5
}
fn couvre(debut: D, fin: Option<D>, jour: D) -> bool {
    debut <= jour && fin.is_none_or(|f| jour < f)
}

struct Personne {
    id: String,
    ligne: Vec<V>,
}
/// Un accompagnement ; `p` est le rang de la personne.
struct Suivi {
    p: usize,
    entree: D,
    sortie: Option<D>,
    motif: &'static str,
}
/// Une occupation de logement (un bail GLA).
struct Occ {
    p: usize,
    debut: D,
    fin: Option<D>,
    motif: &'static str,
    logement: usize,
}

fn nouvelle_personne(r: &mut Rng, n: usize, entree: D) -> Personne {
    let sexe = r.choix("Masculin=62|Féminin=38");
    let prenom = r.choix(PRENOMS[usize::from(sexe == "Féminin")]);
    let nom = format!("{}{}-Fictif", r.choix(NOMS[0]), r.choix(NOMS[1]));
    let (situation, orienteur) = (r.choix(SITUATION), r.choix(ORIENTEUR));
    let ase = situation.contains("ASE") || orienteur.contains("ASE") || r.p(0.35);
    let ase = ou_vide(t(["Non", "Oui"][usize::from(ase)]), r, 0.05);
    let sans_logement = ou_vide(V::N(r.entre(2, 60) as f64), r, 0.06);
    let id = format!("{}-{n:04}", entree.year());
    let ligne = vec![
        t(&id),
        V::T(nom),
        t(prenom),
        V::D(plus(entree, -r.entre(6576, 9477))), // de 18 ans à 25 ans et 11 mois
        t(sexe),
        t(r.choix("Française=85|Étrangère (UE)=4|Étrangère (hors UE)=9|=2")),
        t(situation),
        sans_logement,
        t(r.choix(DIAGNOSTIC)),
        t(r.choix("Oui=40|Non=55|=5")),
        t(orienteur),
        V::D(plus(entree, -r.entre(15, 90))),
        ase,
    ];
    Personne { id, ligne }
}

/// Accompagnements : montée en charge sur dix mois, puis chaque sortie libère une place ;
/// deux jeunes partis reviennent quelques mois plus tard.
fn simuler(r: &mut Rng) -> (Vec<Personne>, Vec<Suivi>) {
    let (mut personnes, mut suivis) = (Vec::<Personne>::new(), Vec::<Suivi>::new());
    let (mut presents, mut retours) = (Vec::<usize>::new(), Vec::<(D, usize)>::new());
    let mut jour = OUVERTURE;
    while jour <= FIN {
        for &s in presents.iter().filter(|&&s| suivis[s].sortie == Some(jour)) {
            let motif = suivis[s].motif;
            let revient = motif == "Perdu de vue" || motif.starts_with("Fin à la demande");
            let deja = suivis.len() - personnes.len() + retours.len();
            if revient && deja < 2 && r.p(0.5) {
                retours.push((plus(jour, r.entre(120, 300)), suivis[s].p));
            }
        }
        presents.retain(|&s| suivis[s].sortie != Some(jour));
        let anciennete = (jour - OUVERTURE).num_days();
        let cible = (6 + 32 * anciennete / 300).min(38);
        let proba = if anciennete < 300 { 0.5 } else { 0.15 };
        if ouvrable(jour) && (presents.len() as i64) < cible && r.p(proba) {
            let p = match retours.iter().position(|x| x.0 <= jour) {
                Some(k) => retours.remove(k).1,
                None => {
                    personnes.push(nouvelle_personne(r, personnes.len() + 1, jour));
                    personnes.len() - 1
                }
            };
            let courte = r.p(0.12);
            let duree = if courte {
                r.entre(60, 364)
            } else {
                365 + r.expo(1000.0)
            };
            let sortie = Some(plus(jour, duree)).filter(|&s| s <= FIN);
            let motif = match sortie {
                None => "",
                Some(_) if duree >= 540 && r.p(0.6) => "Sortie vers un logement autonome",
                Some(_) => r.choix(MOTIFS),
            };
            presents.push(suivis.len());
            let entree = jour;
            suivis.push(Suivi {
                p,
                entree,
                sortie,
                motif,
            });
        }
        jour = plus(jour, 1);
    }
    suivis.sort_by_key(|s| (s.p, s.entree));
    (personnes, suivis)
}

fn nouveau_logement(r: &mut Rng, n: usize, captation: D) -> Vec<V> {
    let typo = r.choix("Studio=30|T1=30|T1 bis=10|T2=25|T3=5");
    let rang = ["Studio", "T1", "T1 bis", "T2", "T3"]
        .iter()
        .position(|x| *x == typo);
    let loyer = 360 + 50 * rang.unwrap_or(0) as i64 + r.entre(-20, 40);
    vec![
        V::T(format!("RBX-{n:03}")),
        t(r.choix("Parc social=45|Parc privé=55")),
        t(typo),
        t(r.choix("Roubaix=40|Tourcoing=20|Wattrelos=10|Lille=12|Croix=6|Hem=5|Leers=3")),
        V::N(loyer as f64 + 0.5 * r.entre(0, 1) as f64),
        V::D(captation),
    ]
}

/// Baux (tous en sous-location) : le jeune entre dans un logement 10 à 100 jours après son
/// entrée, en change parfois ; un logement libéré est reloué après sa remise en état, sauf
/// s'il est rendu au bailleur.
fn loger(r: &mut Rng, suivis: &[Suivi]) -> (Vec<Occ>, Vec<Vec<V>>) {
    let mut segments = Vec::new();
    for s in suivis {
        let mut debut = plus(s.entree, r.entre(10, 100));
        let limite = s.sortie.unwrap_or(plus(FIN, 1));
        if debut >= plus(limite, -14) {
            continue;
        }
        let mut fin = (s.sortie, "Fin de prise en charge");
        if s.motif == "Perdu de vue" && (limite - debut).num_days() > 150 && r.p(0.5) {
            fin = (Some(plus(limite, -r.entre(15, 60))), "Abandon du logement");
        }
        if s.motif == "Décès" {
            fin.1 = "Décès";
        }
        let dispo = (fin.0.unwrap_or(limite) - debut).num_days();
        if dispo > 420 && r.p(0.2) {
            let f = plus(debut, r.entre(150, dispo - 120));
            let expulsion = r.p(0.15);
            let motif = ["Mutation interne", "Expulsion"][usize::from(expulsion)];
            segments.push((s.p, debut, Some(f), motif));
            debut = plus(f, if expulsion { r.entre(30, 90) } else { 2 });
        }
        segments.push((s.p, debut, fin.0, fin.0.map_or("", |_| fin.1)));
    }
    segments.sort_by_key(|x| (x.1, x.0));
    let (mut occs, mut logements, mut libre) = (Vec::new(), Vec::new(), Vec::<Option<D>>::new());
    for (p, debut, fin, motif) in segments {
        let dispo = (0..libre.len()).filter(|&i| libre[i].is_some_and(|x| x <= debut));
        let choisi = dispo.min_by_key(|&i| libre[i]).filter(|_| r.p(0.75));
        let logement = choisi.unwrap_or(logements.len());
        if choisi.is_none() {
            let captation = plus(debut, -r.entre(7, 75));
            logements.push(nouveau_logement(r, logement + 1, captation));
            libre.push(None);
        }
        let rendu = r.p(0.25);
        libre[logement] = fin.filter(|_| !rendu).map(|f| plus(f, r.entre(20, 90)));
        occs.push(Occ {
            p,
            debut,
            fin,
            motif,
            logement,
        });
    }
    for jour in [d(2025, 11, 17), d(2025, 12, 8)] {
        logements.push(nouveau_logement(r, logements.len() + 1, jour)); // pas encore attribués
    }
    (occs, logements)
}

type Sejour = (D, Option<D>, usize, &'static str, &'static str);

/// Séjours et passages aux urgences depuis un an avant l'entrée ; un séjour en cours fin 2025.
fn hospitaliser(r: &mut Rng, personnes: &[Personne], suivis: &[Suivi]) -> Vec<Sejour> {
    let mut h: Vec<Sejour> = Vec::new();
    for i in 0..personnes.len() {
        let siens: Vec<&Suivi> = suivis.iter().filter(|s| s.p == i).collect();
        let fin = siens[siens.len() - 1].sortie.unwrap_or(FIN);
        let facteur = [0.3, 0.6, 1.0, 1.0, 1.5, 2.5][r.entre(0, 5) as usize];
        let mut jour = plus(siens[0].entree, -365);
        loop {
            let dedans = siens.iter().any(|s| couvre(s.entree, s.sortie, jour));
            let taux = if dedans { 1.0 } else { 2.4 } * facteur + 0.25;
            jour = plus(jour, 1 + r.expo(365.0 / taux));
            if jour > fin {
                break;
            }
            let typ = r.choix(SEJOURS);
            let (duree, mode) = match typ {
                "Psychiatrie" => (r.entre(5, 50), r.choix(MODES)),
                "Passage aux urgences" => (0, ""),
                _ => (r.entre(3, 21), ""),
            };
            let f = plus(jour, duree).min(FIN);
            h.push((jour, Some(f), i, typ, mode));
            jour = f;
        }
    }
    let presents: Vec<&Suivi> = suivis.iter().filter(|s| s.sortie.is_none()).collect();
    let i = presents[4].p;
    h.retain(|x| x.2 != i || x.1.unwrap_or(FIN) < d(2025, 11, 25));
    h.push((d(2025, 12, 9), None, i, "Psychiatrie", "Soins libres"));
    h.sort_by_key(|x| (x.0, x.2));
    h
}

/// Ressource principale tirée dans la liste, activité qui va avec, montant mensuel.
fn ressource(r: &mut Rng, liste: &'static str) -> (&'static str, &'static str, f64) {
    let res = r.choix(liste);
    let (activite, a, b) = match res {
        "CEJ" => ("CEJ", 300, 528),
        "AAH" => ("", 971, 1016),
        "Salaire" => ("Emploi", 600, 1400),
        "Bourse" => (r.choix("Études=60|Formation=40"), 150, 550),
        "Allocation chômage (ARE)" => ("", 400, 950),
        _ => ("", 0, 0),
    };
    let autre = r.choix("Sans activité=60|Formation=20|Bénévolat=10|Études=5|=5");
    let activite = if activite.is_empty() { autre } else { activite };
    (res, activite, r.entre(a * 100, b * 100) as f64 / 100.0)
}

fn oui_non(r: &mut Rng, p: f64) -> V {
    let x = if r.p(p) { "Oui" } else { "Non" };
    ou_vide(t(x), r, 0.04)
}

/// Situation à l'entrée puis à chaque date anniversaire ; les droits s'ouvrent peu à peu.
fn situations(r: &mut Rng, personnes: &[Personne], suivis: &[Suivi]) -> Vec<Vec<V>> {
    let mut lignes = Vec::new();
    for s in suivis {
        let mut couverture = r.choix("PUMa + C2S=50|PUMa seule=25|Aucune=20|AME=5");
        let (mut res, protection) = (ressource(r, RESSOURCES[0]), r.choix(PROTECTION));
        let (mut jour, mut n) = (plus(s.entree, r.entre(0, 10)), 0);
        while jour <= FIN && s.sortie.is_none_or(|x| jour < x) {
            let montant = ou_vide(V::N(res.2), r, 0.04);
            let medecin = oui_non(r, 0.35 + 0.25 * n as f64);
            let psy = oui_non(r, 0.55 + 0.2 * n as f64);
            let mut ligne = vec![t(&personnes[s.p].id), V::D(jour), t(couverture), t(res.0)];
            ligne.extend([montant, t(protection), medecin, psy, t(res.1)]);
            lignes.push(ligne);
            n += 1;
            jour = plus(s.entree, 365 * n + r.entre(-20, 20));
            if r.p(0.6) {
                couverture = "PUMa + C2S";
            }
            res = match res.0 {
                "Aucune ressource" if r.p(0.7) => ressource(r, RESSOURCES[1]),
                "CEJ" if r.p(0.5) => ressource(r, RESSOURCES[2]),
                _ => res,
            };
        }
    }
    lignes
}

fn une_intervention(r: &mut Rng, id: &str, jour: D, k: usize) -> Vec<V> {
    let (typ, min, max, binome, notes) = TYPES[k];
    let binome = r.choix(binome);
    let n = if binome == "Oui" { 2 } else { 1 };
    let mut metiers: Vec<&str> = (0..n).map(|_| r.choix(METIERS)).collect();
    metiers.dedup();
    let metiers = ou_vide(t(&metiers.join(", ")), r, 0.03);
    let duree = ou_vide(V::N((r.entre(min, max) / 5 * 5) as f64), r, 0.05);
    let note = ou_vide(t(r.choix(notes)), r, 0.65);
    let mut ligne = vec![t(id), V::D(jour), t(typ), t(binome)];
    ligne.extend([metiers, duree, note]);
    ligne
}

/// Une intervention, avec sa date et la personne pour le tri.
type Ligne = (D, usize, Vec<V>);

/// Interventions des jours ouvrés depuis le 1er janvier 2024, dans les accompagnements :
/// environ deux visites à domicile par semaine, moins avant l'entrée dans le logement.
fn intervenir(r: &mut Rng, p: &[Personne], s: &[Suivi], o: &[Occ], h: &[Sejour]) -> Vec<Ligne> {
    let rythmes: Vec<f64> = p.iter().map(|_| 1.7 + 1.1 * r.reel()).collect();
    let mut lignes = Vec::new();
    for s in s {
        let debut = s.entree.max(DEBUT_INTERVENTIONS);
        let fin = s.sortie.map_or(FIN, |x| plus(x, -1));
        let jours = (0..).map(|n| plus(debut, n)).take_while(|&j| j <= fin);
        for jour in jours.filter(|&j| ouvrable(j)) {
            let loge = o.iter().any(|o| o.p == s.p && couvre(o.debut, o.fin, jour));
            let hosp = h.iter().any(|x| x.2 == s.p && couvre(x.0, x.1, jour));
            let (dehors, exterieur) = (if hosp { 0.0 } else { 1.0 }, if loge { 0.5 } else { 0.9 });
            let vad = rythmes[s.p] * if loge { dehors } else { 0.3 * dehors };
            let taux = [vad, exterieur, 0.3 * dehors, 0.6, 0.1 * vad];
            for (k, taux) in taux.into_iter().enumerate() {
                let q = taux / 5.0;
                for _ in 0..q as i64 + i64::from(r.p(q.fract())) {
                    lignes.push((jour, s.p, une_intervention(r, &p[s.p].id, jour, k)));
                }
            }
        }
    }
    lignes
}

/// Quittancement mensuel de la part locataire (après APL), avec quelques impayés.
fn quittancer(r: &mut Rng, personnes: &[Personne], occs: &[Occ]) -> Vec<Vec<V>> {
    let mut lignes = Vec::new();
    for (i, p) in personnes.iter().enumerate() {
        let siens: Vec<&Occ> = occs.iter().filter(|o| o.p == i).collect();
        let mut du = r.entre(3000, 16000) as f64 / 100.0;
        let retard = [0.02, 0.02, 0.02, 0.02, 0.05, 0.05, 0.15, 0.4][r.entre(0, 7) as usize];
        let (mut dette, mut mois) = (0.0, OUVERTURE);
        while mois <= FIN {
            let suivant = mois + Months::new(1);
            let loge = |o: &&&Occ| o.debut < suivant && o.fin.is_none_or(|f| f > mois);
            if siens.iter().any(|o| loge(&o)) {
                if mois.month() == 1 {
                    du = (du * 102.0).round() / 100.0;
                }
                let x = r.reel();
                let rembourse = (f64::min(dette, du / 2.0) * 100.0).round() / 100.0;
                let paye = match x {
                    _ if x < retard => 0.0,
                    _ if x < retard + 0.05 => (du * 50.0).round() / 100.0,
                    _ if dette > 0.005 && r.p(0.3) => du + rembourse,
                    _ => du,
                };
                dette += du - paye;
                let periode = V::T(mois.format("%m/%Y").to_string());
                lignes.push(vec![t(&p.id), periode, V::N(du), V::N(paye)]);
            }
            mois = suivant;
        }
    }
    lignes
}

/// Sinistres dans les logements occupés, une douzaine par an.
fn sinistres(r: &mut Rng, p: &[Personne], occs: &[Occ], logements: &[Vec<V>]) -> Vec<Vec<V>> {
    let mut lignes = Vec::new();
    for an in 2022..=2025 {
        let debut = OUVERTURE.max(d(an, 1, 1));
        let (n, duree) = (r.entre(9, 15), (d(an, 12, 31) - debut).num_days());
        let mut jours: Vec<D> = (0..n).map(|_| plus(debut, r.entre(0, duree))).collect();
        jours.sort();
        for jour in jours {
            let actif = |o: &&Occ| couvre(o.debut, o.fin, jour);
            let actifs: Vec<&Occ> = occs.iter().filter(actif).collect();
            let Some(o) = actifs.get(r.entre(0, actifs.len() as i64 - 1) as usize) else {
                continue;
            };
            let nature = r.choix(SINISTRES_NATURES);
            let cout = match (nature, r.entre(8000, 250000) as f64 / 100.0) {
                ("Incendie", x) => V::N(x * 3.0),
                ("Dégradation" | "Dégât des eaux" | "Intervention technique", x) => V::N(x),
                _ => V::Rien,
            };
            let qui = ou_vide(t(&p[o.p].id), r, 0.15);
            let logement = logements[o.logement][0].clone();
            lignes.push(vec![logement, qui, V::D(jour), t(nature), cout]);
        }
    }
    lignes
}

/// Un classeur à date de création fixe : deux exécutions écrivent les mêmes octets.
fn classeur(auteur: &str) -> Res<Workbook> {
    let quand = ExcelDateTime::from_ymd(2026, 1, 5)?;
    let proprietes = DocProperties::new().set_author(auteur);
    let mut wb = Workbook::new();
    wb.set_properties(&proprietes.set_creation_datetime(&quand));
    Ok(wb)
}

/// Une feuille de classeur : en-tête en gras sur la ligne 1, dates en cellules de date.
fn feuille(wb: &mut Workbook, nom: &str, entetes: &str, lignes: &[Vec<V>]) -> Res {
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
    println!("{nom:<24} {:>6} lignes", lignes.len());
    Ok(())
}

/// Export CSV « à la française » : `;`, CRLF, dates JJ/MM/AAAA, virgule décimale ;
/// Windows-1252, ou UTF-8 avec BOM comme l'enregistre Excel.
fn csv(fichier: &str, entetes: &str, lignes: &[Vec<V>], windows_1252: bool) -> Res {
    let mut w = csv::WriterBuilder::new();
    let mut w = w
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![]);
    w.write_record(entetes.split('|'))?;
    for ligne in lignes {
        w.write_record(ligne.iter().map(|v| match v {
            V::T(s) => s.clone(),
            V::N(x) => format!("{x:.2}").replace('.', ","),
            V::D(x) => jj(*x),
            V::Rien => String::new(),
        }))?;
    }
    let texte = String::from_utf8(w.into_inner().map_err(|e| e.to_string())?)?;
    let (cp1252, _, perte) = encoding_rs::WINDOWS_1252.encode(&texte);
    assert!(!(windows_1252 && perte), "caractère hors Windows-1252");
    let octets = if windows_1252 {
        cp1252.into_owned()
    } else {
        format!("\u{feff}{texte}").into()
    };
    fs::write(format!("{DOSSIER}/{fichier}"), octets)?;
    println!("{fichier:<24} {:>6} lignes", lignes.len());
    Ok(())
}

const USAGERS: &str = "N° dossier|Nom|Prénom|Date de naissance|Sexe|Nationalité|\
    Situation avant l'entrée|Durée sans logement (mois)|Diagnostic principal|Conduite addictive|\
    Orienté par|Date de la commission|Ancien enfant placé (ASE)";
const PARCOURS: &str = "N° dossier|Date d'entrée dans le dispositif|Date de sortie|\
    Motif de sortie";
const INTERVENTIONS: &str = "N° dossier|Date|Type d'intervention|En binôme|Professionnels|\
    Durée (min)|Observations";
const HOSPITALISATIONS: &str = "N° dossier|Date d'admission|Date de sortie|Type de séjour|\
    Mode d'admission";
const SITUATIONS: &str = "N° dossier|Date de l'évaluation|Couverture maladie|\
    Ressource principale|Montant mensuel (€)|Mesure de protection|Médecin traitant déclaré|\
    Suivi psychiatrique|Activité";
const LOGEMENTS: &str = "Réf. logement|Type de parc|Typologie|Commune|Loyer CC (€)|\
    Date de prise en gestion";
const BAUX: &str = "N° bail|Réf. logement|N° dossier locataire|Date d'entrée|Date de sortie|\
    Motif de fin de bail";
const ETP: &str = "Fonction|ETP|Date d'arrivée|Date de départ";
const QUITTANCEMENT: &str = "N° dossier locataire|Période|Montant quittancé|Montant réglé";
const SINISTRES: &str = "Réf. logement|N° dossier locataire|Date du sinistre|\
    Nature du sinistre|Montant des travaux (€)";
const SINISTRES_NATURES: &str = "Trouble de voisinage=30|Dégradation=14|Dégât des eaux=20|\
    Intervention technique=20|Incendie=3|Squat / intrusion=6|Autre=7";

fn main() -> Res {
    let mut r = Rng(0x2022_0901_4A30_1E55);
    let (personnes, suivis) = simuler(&mut r);
    let (occs, logements) = loger(&mut r, &suivis);
    let sejours = hospitaliser(&mut r, &personnes, &suivis);
    let situations = situations(&mut r, &personnes, &suivis);
    let mut interventions = intervenir(&mut r, &personnes, &suivis, &occs, &sejours);
    let quittances = quittancer(&mut r, &personnes, &occs);
    let sinistres = sinistres(&mut r, &personnes, &occs, &logements);
    let id = |i: usize| personnes[i].id.as_str();
    let sortie_ou_fin = |s: &Suivi| s.sortie.unwrap_or(FIN);
    let sortie = |k: usize| sortie_ou_fin(&suivis[k]);
    let sortie_entre = |k: usize, a, b| suivis[k].sortie.is_some_and(|x| a <= x && x <= b);
    let dernier = |k: usize| suivis.get(k + 1).is_none_or(|s| s.p != suivis[k].p);
    let vivant = |k: usize| suivis[k].motif != "Décès";

    // Anomalies plantées, chacune chez une personne différente ; la ligne 1 est l'en-tête.
    let (mut pris, mut anomalies) = (vec![], vec![]);
    let mut libre = |p: usize| !pris.contains(&p) && (pris.push(p), true).1;
    let mut usagers: Vec<Vec<V>> = personnes.iter().map(|p| p.ligne.clone()).collect();
    let retour = suivis.windows(2).find(|w| w[0].p == w[1].p);
    let (k, retour) = retour.map_or((0, FIN), |w| (w[0].p, w[1].entree));
    libre(k); // dossier recréé au retour du jeune, avec la nouvelle date de commission
    let mut double = usagers[k].clone();
    double[11] = V::D(plus(retour, -20));
    usagers.insert(k + 1, double);
    anomalies.push(("Usagers", k + 3, "N° dossier", id(k).to_string()));

    let texte = |x: Option<D>| x.map_or(V::Rien, |x| V::T(jj(x))); // dates en texte
    let parcours = |s: &Suivi| {
        let (entree, sortie) = (texte(Some(s.entree)), texte(s.sortie));
        vec![t(id(s.p)), entree, sortie, t(s.motif)]
    };
    let mut parcours: Vec<Vec<V>> = suivis.iter().map(parcours).collect();
    let mut trouve = |test: &dyn Fn(usize) -> bool| {
        let k = (0..suivis.len()).find(|&k| test(k) && libre(suivis[k].p));
        k.expect("un accompagnement pour l'anomalie")
    };
    let k = trouve(&|k| sortie_entre(k, OUVERTURE, d(2023, 12, 31)));
    let annee = suivis[k].entree.year() - 1; // erreur de frappe sur l'année
    let faux = sortie(k).with_year(annee).expect("date");
    parcours[k][2] = V::T(jj(faux));
    anomalies.push(("Parcours", k + 2, "Date de sortie", jj(faux)));
    let k = trouve(&|k| sortie_entre(k, d(2025, 1, 1), FIN) && vivant(k));
    parcours[k][3] = t("Réorientation CHRS");
    anomalies.push((
        "Parcours",
        k + 2,
        "Motif de sortie",
        "Réorientation CHRS".into(),
    ));
    let p = suivis[trouve(&|k| dernier(k) && sortie_entre(k, d(2025, 1, 1), FIN))].p;
    parcours.push(vec![t(id(p)), V::Rien, V::Rien, V::Rien]); // réadmission en préparation
    let n = parcours.len() + 1;
    anomalies.push((
        "Parcours",
        n,
        "Date d'entrée dans le dispositif (vide)",
        id(p).into(),
    ));

    let k = trouve(&|k| sortie_entre(k, d(2024, 2, 1), d(2025, 11, 30)) && vivant(k) && dernier(k));
    let jour = (9..).map(|n| plus(sortie(k), n)).find(|&x| ouvrable(x));
    let jour = jour.expect("jour ouvré");
    let note = t("Appel de nouvelles après la sortie du dispositif");
    let mut appel = vec![t(id(suivis[k].p)), V::D(jour)];
    appel.extend(["Appel téléphonique", "Non", "Travailleur social"].map(t));
    appel.extend([V::N(15.0), note]);
    interventions.push((jour, usize::MAX, appel)); // après les autres interventions du jour
    interventions.sort_by_key(|x| (x.0, x.1));
    let n = interventions.iter().position(|x| x.1 == usize::MAX);
    anomalies.push(("Interventions", n.expect("appel") + 2, "Date", jj(jour)));

    let bail = |(i, o): (usize, &Occ)| {
        let numero = V::T(format!("BX{:05}", 20100 + i));
        let logement = logements[o.logement][0].clone();
        let (qui, entree) = (t(id(o.p)), V::D(o.debut));
        vec![numero, logement, qui, entree, dt(o.fin), t(o.motif)]
    };
    let mut baux: Vec<Vec<V>> = occs.iter().enumerate().map(bail).collect();
    let faute = |x: &str| format!("{}{}{}", &x[..7], &x[8..], &x[7..8]); // chiffres inversés
    let inconnu = |x: &str| faute(x) != x && personnes.iter().all(|p| p.id != faute(x));
    let ancien = |o: &Occ| o.fin.is_some_and(|f| f < d(2025, 1, 1));
    let k = occs
        .iter()
        .position(|o| ancien(o) && inconnu(id(o.p)) && libre(o.p));
    let (k, colonne) = (
        k.expect("un bail terminé avant 2025"),
        "N° dossier locataire",
    );
    baux[k][2] = V::T(faute(id(occs[k].p)));
    anomalies.push(("gla_baux.csv", k + 2, colonne, faute(id(occs[k].p))));

    fs::create_dir_all(DOSSIER)?;
    let mut hope = classeur("HOPE — export fictif")?;
    let interventions: Vec<Vec<V>> = interventions.into_iter().map(|x| x.2).collect();
    let sejour = |h: &Sejour| vec![t(id(h.2)), V::D(h.0), dt(h.1), t(h.3), t(h.4)];
    let sejours: Vec<Vec<V>> = sejours.iter().map(sejour).collect();
    feuille(&mut hope, "Usagers", USAGERS, &usagers)?;
    feuille(&mut hope, "Parcours", PARCOURS, &parcours)?;
    feuille(&mut hope, "Interventions", INTERVENTIONS, &interventions)?;
    feuille(&mut hope, "Hospitalisations", HOSPITALISATIONS, &sejours)?;
    feuille(&mut hope, "Situations", SITUATIONS, &situations)?;
    hope.save(format!("{DOSSIER}/hope.xlsx"))?;
    let date = |x: &str| dt(D::parse_from_str(x, "%Y-%m-%d").ok());
    let champs = |l: &'static str| l.trim().split(';').collect::<Vec<_>>();
    let etp = |c: Vec<&str>| {
        let etp = V::N(c[1].parse().unwrap_or(0.0));
        vec![t(c[0]), etp, date(c[2]), date(c[3])]
    };
    let etp: Vec<Vec<V>> = EQUIPE.split('|').map(champs).map(etp).collect();
    let mut equipe = classeur("Association Horizon Jeunes")?;
    feuille(&mut equipe, "ETP", ETP, &etp)?;
    equipe.save(format!("{DOSSIER}/equipe.xlsx"))?;
    csv("gla_logements.csv", LOGEMENTS, &logements, true)?;
    csv("gla_baux.csv", BAUX, &baux, true)?;
    csv("gla_quittancement.csv", QUITTANCEMENT, &quittances, true)?;
    csv("gla_sinistres.csv", SINISTRES, &sinistres, true)?;
    let euros = |x: &str| t(&x.replace(' ', "\u{202f}"));
    let budget = |c: Vec<&str>| vec![t(c[0]), t(c[1]), euros(c[2]), euros(c[3])];
    let budget: Vec<Vec<V>> = BUDGET.split('|').map(champs).map(budget).collect();
    csv("budget.csv", "Poste|Groupe|Prévu|Réalisé", &budget, false)?;

    // Contrôles : personnes présentes, visites à domicile par personne et par semaine en 2025.
    for jour in [d(2023, 12, 31), d(2024, 12, 31), FIN] {
        let present = |s: &&Suivi| couvre(s.entree, s.sortie, jour);
        let n = suivis.iter().filter(present).count();
        println!("présents au {} : {n}", jj(jour));
    }
    let jours = |s: &Suivi| (sortie_ou_fin(s) - s.entree.max(d(2025, 1, 1))).num_days();
    let semaines = suivis.iter().map(|s| jours(s).max(0)).sum::<i64>() as f64 / 7.0;
    let vad_2025 = |l: &&Vec<V>| matches!((&l[1], &l[2]), (V::D(x), V::T(y)) if x.year() == 2025 && y == "Visite à domicile");
    let vad = interventions.iter().filter(vad_2025).count() as f64 / semaines;
    let (n, m) = (personnes.len(), suivis.len());
    println!("{n} personnes, {m} accompagnements, {vad:.2} VAD par personne et semaine en 2025");
    for (ou, ligne, colonne, valeur) in anomalies {
        println!("anomalie : {ou}, ligne {ligne}, « {colonne} » = « {valeur} »");
    }
    Ok(())
}
