//! A large fictitious site in the reference layout, for measuring speed and memory.
//!
//! ```sh
//! cargo run --release --example generer_grand_site -- 6000 /tmp/grand-site
//! ```
//!
//! Writes the eleven tables of the reference layout and a `bilan.toml` for a
//! Un chez-soi d'abord programme with as many places as persons, opened on
//! 1 January 2023. Interventions are given for 2025 only (as the reference gives them
//! from 2023 only), about 156 per person-year: some 936,000 rows for 6,000 persons. Encodings, separators, line ends
//! and date styles are those of `sample-data/reference` (see its README): UTF-8
//! (`personnes.csv` with a BOM), `,`, LF, `AAAA-MM-JJ` for the follow-up tables;
//! Windows-1252, `;`, CRLF, `JJ/MM/AAAA` and decimal commas for the housing and
//! staff tables. Only the standard library and a fixed-seed xorshift64: the same
//! arguments always give the same bytes.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn iso(z: i64) -> String {
    let (y, m, d) = civil(z);
    format!("{y:04}-{m:02}-{d:02}")
}

fn fr(z: i64) -> String {
    let (y, m, d) = civil(z);
    format!("{d:02}/{m:02}/{y:04}")
}

/// `1 234,50`: a decimal comma, thousands apart, as in the Windows-1252 tables.
fn money(cents: i64) -> String {
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    format!("{grouped},{:02}", cents % 100)
}

/// Windows-1252 bytes of text written in UTF-8 (every character used here has one).
fn cp1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'œ' => 0x9c,
            'Œ' => 0x8c,
            '€' => 0x80,
            c if (c as u32) < 256 => c as u8,
            _ => b'?',
        })
        .collect()
}

struct Table {
    file: BufWriter<fs::File>,
    windows: bool,
}

impl Table {
    fn create(dir: &Path, name: &str, header: &str, windows: bool, bom: bool) -> Table {
        let file = fs::File::create(dir.join(name)).expect("fichier de sortie");
        let mut table = Table {
            file: BufWriter::with_capacity(1 << 20, file),
            windows,
        };
        if bom {
            table.file.write_all(b"\xEF\xBB\xBF").unwrap();
        }
        table.row(header);
        table
    }
    fn row(&mut self, line: &str) {
        if self.windows {
            self.file.write_all(&cp1252(line)).unwrap();
            self.file.write_all(b"\r\n").unwrap();
        } else {
            self.file.write_all(line.as_bytes()).unwrap();
            self.file.write_all(b"\n").unwrap();
        }
    }
}

const SURNAMES: &[&str] = &[
    "Tambergeot",
    "Fridoulard",
    "Bécassin",
    "Lemaçon",
    "Ducœur",
    "Vandenbrouck",
    "Dufresnoy",
    "Caudrelier",
];
const FIRST_NAMES: &[&str] = &[
    "Xavier",
    "Valérie",
    "Zoé",
    "Élodie",
    "Jérôme",
    "François",
    "Anaïs",
    "Noël",
    "Karim",
    "Inès",
];
const COMMUNES: &[&str] = &[
    "Lille",
    "Roubaix",
    "Tourcoing",
    "Villeneuve-d'Ascq",
    "Marcq-en-Barœul",
    "Mons-en-Barœul",
    "Lomme",
    "Saint-André-lez-Lille",
];
const COMMENTS: &[&str] = &[
    "",
    "",
    "",
    "",
    "\"Visite au domicile, logement bien tenu\"",
    "\"Rendez-vous CMP, traitement renouvelé\"",
    "\"Visite calme ; projet de reprise d'activité évoqué\"",
    "\"Visite tendue.\nÀ reprendre en réunion d'équipe\"",
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(persons), Some(dir)) = (
        args.get(1).and_then(|a| a.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage : generer_grand_site PERSONNES DOSSIER");
        std::process::exit(2);
    };
    let dir = PathBuf::from(dir);
    fs::create_dir_all(&dir).expect("dossier de sortie");
    let mut rng = Rng(0x2026_0001_5EED_u64 ^ persons as u64);

    let opening = days(2023, 1, 1);
    let year_start = days(2024, 1, 1);
    let end = days(2025, 12, 31);

    let mut personnes = Table::create(
        &dir,
        "personnes.csv",
        "id_personne,nom,prenom,date_naissance,annee_naissance,sexe,nationalite,situation_avant_entree,duree_sans_logement_mois,diagnostic_principal,addiction,orienteur,date_commission,parcours_ase",
        false,
        true,
    );
    let mut accompagnements = Table::create(
        &dir,
        "accompagnements.csv",
        "id_personne,date_entree,date_sortie,motif_sortie",
        false,
        false,
    );
    let mut interventions = Table::create(
        &dir,
        "interventions.csv",
        "id_personne,date,type,binome,metiers,duree_minutes,commentaire",
        false,
        false,
    );
    let mut hospitalisations = Table::create(
        &dir,
        "hospitalisations.csv",
        "id_personne,date_debut,date_fin,type,mode",
        false,
        false,
    );
    let mut situations = Table::create(
        &dir,
        "situations.csv",
        "id_personne,date,couverture_maladie,ressource_principale,montant_ressources,mesure_protection,medecin_traitant,suivi_psychiatrique,activite",
        false,
        false,
    );
    let mut logements = Table::create(
        &dir,
        "logements.csv",
        "id_logement;type_bailleur;typologie;commune;loyer_mensuel;date_captation",
        true,
        false,
    );
    let mut occupations = Table::create(
        &dir,
        "occupations.csv",
        "id_occupation;id_logement;id_personne;date_entree;date_sortie;statut_bail;date_glissement;motif_fin",
        true,
        false,
    );
    let mut quittancement = Table::create(
        &dir,
        "quittancement.csv",
        "id_personne;mois;montant_du;montant_paye",
        true,
        false,
    );
    let mut incidents = Table::create(
        &dir,
        "incidents.csv",
        "id_logement;id_personne;date;type;cout",
        true,
        false,
    );

    let mut counts = [0usize; 9];
    for n in 1..=persons {
        let pid = format!("P{n:06}");
        // Entries spread over 2023 to 2025, most before 2025.
        let entry = if rng.chance(0.85) {
            opening + rng.below((year_start + 365 - opening) as u64) as i64
        } else {
            year_start + 366 + rng.below(300) as i64
        };
        let exit = if rng.chance(0.12) {
            let e = entry + 60 + rng.below(700) as i64;
            (e < end).then_some(e)
        } else {
            None
        };
        let birth = days(1955, 1, 1) + rng.below(40 * 365) as i64;
        let exact_birth = rng.chance(0.9);
        let sexe = *rng.pick(&["H", "H", "F", "X"]);
        personnes.row(&format!(
            "{pid},{}-Fictif,{},{},{},{sexe},{},{},{},{},{},{},{},{}",
            rng.pick(SURNAMES),
            rng.pick(FIRST_NAMES),
            if exact_birth {
                iso(birth)
            } else {
                String::new()
            },
            if exact_birth {
                String::new()
            } else {
                civil(birth).0.to_string()
            },
            rng.pick(&["francaise", "francaise", "ue", "hors_ue", ""]),
            rng.pick(&[
                "rue",
                "squat",
                "hebergement_urgence",
                "hopital",
                "prison",
                "ase",
                "tiers",
                "autre"
            ]),
            if rng.chance(0.8) {
                (6 + rng.below(120)).to_string()
            } else {
                String::new()
            },
            rng.pick(&[
                "schizophrenie",
                "trouble_bipolaire",
                "autre_psychose",
                "depression_severe",
                "autre",
                ""
            ]),
            rng.pick(&["oui", "non", ""]),
            rng.pick(&[
                "empp",
                "siao",
                "hopital",
                "maraude",
                "justice",
                "csapa_caarud",
                "autre"
            ]),
            iso(entry - 20 - rng.below(60) as i64),
            rng.pick(&["oui", "non", ""]),
        ));
        counts[0] += 1;
        accompagnements.row(&format!(
            "{pid},{},{},{}",
            iso(entry),
            exit.map(iso).unwrap_or_default(),
            if exit.is_some() {
                *rng.pick(&[
                    "relogement_autonome",
                    "perdu_de_vue",
                    "deces",
                    "incarceration",
                    "fin_a_la_demande",
                ])
            } else {
                ""
            }
        ));
        counts[1] += 1;
        let last = exit.map_or(end, |e| e - 1);

        // Interventions in 2025 only.
        let mut day = entry.max(days(2025, 1, 1)) + rng.below(3) as i64;
        while day <= last {
            let kind = *rng.pick(&[
                "visite_domicile",
                "visite_domicile",
                "visite_domicile",
                "telephone",
                "telephone",
                "entretien_local",
                "accompagnement_exterieur",
                "visite_non_aboutie",
            ]);
            let binome = rng.chance(0.3);
            interventions.row(&format!(
                "{pid},{},{kind},{},{},{},{}",
                iso(day),
                if binome { "oui" } else { "non" },
                if binome {
                    "infirmier;travailleur_social"
                } else {
                    *rng.pick(&[
                        "infirmier",
                        "travailleur_social",
                        "psychiatre",
                        "mediateur_sante_pair",
                        "charge_gla",
                    ])
                },
                if rng.chance(0.95) {
                    (15 + 5 * rng.below(22)).to_string()
                } else {
                    String::new()
                },
                rng.pick(COMMENTS),
            ));
            counts[2] += 1;
            // A visit every other day on average: with the year's entries and exits,
            // about 156 rows per person listed (936,000 for 6,000 persons).
            day += [1, 1, 2, 2, 3, 3][rng.below(6) as usize];
        }

        for _ in 0..rng.below(3) {
            let start = entry + rng.below((last - entry + 1).max(1) as u64) as i64;
            let kind = *rng.pick(&[
                "psychiatrie",
                "psychiatrie",
                "somatique",
                "urgences",
                "addictologie",
            ]);
            let stay = if kind == "urgences" {
                0
            } else {
                1 + rng.below(40) as i64
            };
            hospitalisations.row(&format!(
                "{pid},{},{},{kind},{}",
                iso(start),
                if start + stay <= end {
                    iso(start + stay)
                } else {
                    String::new()
                },
                if kind == "psychiatrie" {
                    *rng.pick(&["libre", "sdt", "sdre"])
                } else {
                    ""
                },
            ));
            counts[3] += 1;
        }

        let mut situation = |rng: &mut Rng, d: i64| {
            let resource = *rng.pick(&[
                "aah",
                "rsa",
                "aucune",
                "salaire",
                "pension_retraite",
                "chomage",
            ]);
            let amount = if resource == "aucune" {
                0
            } else {
                50_000 + rng.below(80_000) as i64
            };
            situations.row(&format!(
                "{pid},{},{},{resource},{}.{:02},{},{},{},{}",
                iso(d),
                rng.pick(&["puma_css", "puma_seule", "ame", "aucune"]),
                amount / 100,
                amount % 100,
                rng.pick(&["aucune", "curatelle", "tutelle", ""]),
                rng.pick(&["oui", "non", ""]),
                rng.pick(&["oui", "non", ""]),
                rng.pick(&["aucune", "emploi", "formation", "benevolat", ""]),
            ));
        };
        let d = entry + rng.below(10) as i64;
        situation(&mut rng, d);
        counts[4] += 1;
        if last - entry > 200 {
            let d = entry + 180 + rng.below((last - entry - 180) as u64) as i64;
            situation(&mut rng, d);
            counts[4] += 1;
        }

        // One flat each, captured shortly before the person moves in.
        let lid = format!("L{n:06}");
        let moved_in = entry + 10 + rng.below(60) as i64;
        let rent = 35_000 + rng.below(35_000) as i64;
        logements.row(&format!(
            "{lid};{};{};{};{};{}",
            rng.pick(&["prive", "prive", "social"]),
            rng.pick(&["studio", "t1", "t2", "t3_plus", ""]),
            rng.pick(COMMUNES),
            money(rent),
            fr(moved_in - 5 - rng.below(30) as i64),
        ));
        counts[5] += 1;
        if moved_in <= last {
            let moved_out = exit.filter(|e| *e > moved_in);
            occupations.row(&format!(
                "O{n:06};{lid};{pid};{};{};{};;{}",
                fr(moved_in),
                moved_out.map(fr).unwrap_or_default(),
                rng.pick(&[
                    "sous_location",
                    "sous_location",
                    "bail_glissant",
                    "bail_direct"
                ]),
                if moved_out.is_some() {
                    "fin_accompagnement"
                } else {
                    ""
                },
            ));
            counts[6] += 1;
            let due = rent / 5;
            let (mut y, mut m, _) = civil(moved_in.max(days(2025, 1, 1)));
            while days(y, m, 1) <= moved_out.unwrap_or(end) {
                let paid = if rng.chance(0.85) {
                    due
                } else {
                    due * rng.below(100) as i64 / 100
                };
                quittancement.row(&format!("{pid};{m:02}/{y};{};{}", money(due), money(paid)));
                counts[7] += 1;
                (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
            }
            if rng.chance(0.15) {
                let d =
                    moved_in + rng.below((moved_out.unwrap_or(end) - moved_in + 1) as u64) as i64;
                let kind = *rng.pick(&[
                    "degat_des_eaux",
                    "trouble_voisinage",
                    "degradation",
                    "intervention_technique",
                ]);
                incidents.row(&format!(
                    "{lid};{};{};{kind};{}",
                    if rng.chance(0.7) { pid.as_str() } else { "" },
                    fr(d),
                    if kind == "degradation" {
                        money(10_000 + rng.below(200_000) as i64)
                    } else {
                        String::new()
                    },
                ));
                counts[8] += 1;
            }
        }
    }
    for t in [
        &mut personnes,
        &mut accompagnements,
        &mut interventions,
        &mut hospitalisations,
        &mut situations,
        &mut logements,
        &mut occupations,
        &mut quittancement,
        &mut incidents,
    ] {
        t.file.flush().unwrap();
    }

    // A team in proportion: the reference's 20 staff lines per 100 places.
    let mut effectifs = Table::create(
        &dir,
        "effectifs.csv",
        "metier;etp;date_debut;date_fin",
        true,
        false,
    );
    let teams = persons.div_ceil(100);
    for _ in 0..teams {
        for (metier, etp) in [
            ("coordinateur", "1"),
            ("direction", "0,1"),
            ("secretariat", "0,5"),
            ("psychiatre", "0,5"),
            ("medecin", "0,2"),
            ("infirmier", "1"),
            ("infirmier", "0,8"),
            ("travailleur_social", "1"),
            ("travailleur_social", "1"),
            ("travailleur_social", "0,8"),
            ("educateur", "1"),
            ("mediateur_sante_pair", "1"),
            ("charge_gla", "1"),
        ] {
            effectifs.row(&format!("{metier};{etp};{};", fr(opening)));
        }
    }
    effectifs.file.flush().unwrap();
    let mut budget = Table::create(
        &dir,
        "budget.csv",
        "poste;groupe;prevu;realise",
        true,
        false,
    );
    let scale = teams as i64;
    for (poste, groupe, prevu, realise) in [
        (
            "Fournitures et petit équipement",
            "groupe_1",
            2_400_000,
            2_187_342,
        ),
        ("Frais de déplacement", "groupe_1", 3_000_000, 3_341_218),
        ("Salaires bruts", "groupe_2", 62_500_000, 61_124_055),
        ("Charges sociales", "groupe_2", 26_800_000, 26_283_347),
        (
            "Loyers et charges locatives",
            "groupe_3",
            30_500_000,
            31_278_436,
        ),
        (
            "\"Assurances (responsabilité civile ; multirisque)\"",
            "groupe_3",
            1_550_000,
            1_531_800,
        ),
    ] {
        budget.row(&format!(
            "{poste};{groupe};{};{}",
            money(prevu * scale),
            money(realise * scale)
        ));
    }
    budget.file.flush().unwrap();

    fs::write(
        dir.join("bilan.toml"),
        format!(
            "# Site fictif généré par examples/generer_grand_site.rs : tout est inventé.\n\
site = \"Grand site fictif ({persons} personnes)\"\n\n\
[confidentialite]\nseuil = 5\n\n\
[[dispositif]]\nid = \"ucsd_grand\"\nnom = \"Un chez-soi d'abord grand site\"\ntype = \"ucsd\"\n\
places = {persons}\nouverture = 2023-01-01\nobjectif_vad = 1\n\n\
[dispositif.sources]\n\
personnes = \"personnes.csv\"\naccompagnements = \"accompagnements.csv\"\n\
interventions = \"interventions.csv\"\nhospitalisations = \"hospitalisations.csv\"\n\
situations = \"situations.csv\"\nlogements = \"logements.csv\"\noccupations = \"occupations.csv\"\n\
quittancement = \"quittancement.csv\"\nincidents = \"incidents.csv\"\n\
effectifs = \"effectifs.csv\"\nbudget = \"budget.csv\"\n"
        ),
    )
    .expect("bilan.toml");

    let names = [
        "personnes",
        "accompagnements",
        "interventions",
        "hospitalisations",
        "situations",
        "logements",
        "occupations",
        "quittancement",
        "incidents",
    ];
    for (name, count) in names.iter().zip(counts) {
        println!("{name:<18} {count:>9} lignes");
    }
    println!("Écrit dans « {} ».", dir.display());
}
