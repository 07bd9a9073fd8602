//! How near a header or a label of an export is to a canonical name: the words of both,
//! accents, case and spacing aside (`fold`), each word of one matched to the nearest word
//! of the other (the same word, a prefix, a near spelling), and the words that say little
//! (« date », « type », « autre ») counting less than those that say which one.

use crate::model::{CodeList, fold};

/// Words that join the others and tell nothing apart.
const STOP_WORDS: &[&str] = &[
    "de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en", "et", "un", "une",
    "dans", "sur", "par", "pour", "vers", "avec", "chez", "n", "no", "ou",
];

/// Words found in many names of one list: a match on them alone says little.
const WEAK_WORDS: &[&str] = &[
    "autre", "trouble", "date", "type", "motif", "montant", "nombre",
];
const WEAK: f64 = 0.25;

/// Abbreviations of the field, written out, so that they meet the words of the labels.
const EXPANSIONS: &[(&str, &[&str])] = &[
    ("vad", &["visite", "domicile"]),
    ("c2s", &["css"]),
    ("tel", &["telephone"]),
    ("nb", &["nombre"]),
    ("num", &["numero"]),
];

/// The words of a text: folded, cut at every sign, the joining words left out, the
/// field's abbreviations written out.
pub fn words(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut words = Vec::new();
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
    {
        match EXPANSIONS.iter().find(|(short, _)| *short == word) {
            Some((_, long)) => words.extend(long.iter().map(|w| w.to_string())),
            // A single letter (« Infirmier(e) ») is an ending, not a word.
            None if word.chars().count() == 1 && !word.chars().all(|c| c.is_ascii_digit()) => {}
            None => words.push(word.to_string()),
        }
    }
    words
}

fn weight(word: &str) -> f64 {
    if WEAK_WORDS.contains(&word) {
        WEAK
    } else {
        1.0
    }
}

/// How near two words are: 1 the same, 0.9 one begins the other (« long », « longue »),
/// 0.8 the same stem (« psychotique », « psychose ») or a letter or two apart
/// (« logement », « relogement »), else 0. Short words must be equal: « t2 » is not « t3 ».
fn word_match(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let shorter = la.min(lb);
    if shorter < 4 {
        return 0.0;
    }
    if a.starts_with(b) || b.starts_with(a) {
        return 0.9;
    }
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    if common >= 6 && common * 10 >= shorter * 6 {
        return 0.8;
    }
    if shorter >= 6 && strsim::normalized_levenshtein(a, b) >= 0.8 {
        return 0.8;
    }
    0.0
}

/// The nearness of two lists of words: `overlap`, the matched share of the shorter
/// (all of « Curatelle » is in « Curatelle renforcée »), and `dice`, the matched share of
/// both together (which prefers the name that leaves fewer words unmatched).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Nearness {
    pub overlap: f64,
    pub dice: f64,
}

impl Nearness {
    pub const NONE: Nearness = Nearness {
        overlap: 0.0,
        dice: 0.0,
    };

    /// One number to rank candidates by.
    pub fn score(self) -> f64 {
        (self.overlap + self.dice) / 2.0
    }

    /// Near enough to be a guess: the whole of the shorter name found in the other
    /// (« ASE » in « Sortie de l'ASE / contrat jeune majeur »), or half of it and not
    /// lost among many other words.
    pub fn is_close(self) -> bool {
        self.overlap >= 0.99 || (self.overlap >= 0.5 && self.dice >= 0.4)
    }
}

pub fn nearness(a: &[String], b: &[String]) -> Nearness {
    let total = |words: &[String]| words.iter().map(|w| weight(w)).sum::<f64>();
    let (wa, wb) = (total(a), total(b));
    if wa == 0.0 || wb == 0.0 {
        return Nearness::NONE;
    }
    let matched: f64 = b
        .iter()
        .map(|wb| {
            let best = a.iter().map(|wa| word_match(wa, wb)).fold(0.0, f64::max);
            best * weight(wb)
        })
        .sum();
    Nearness {
        overlap: (matched / wa.min(wb)).min(1.0),
        dice: (2.0 * matched / (wa + wb)).min(1.0),
    }
}

/// Known spellings of codes in the field's software, beyond those of donnees.md: the
/// usual abbreviations and names of services (« SPIP » is the justice, « 115 » the
/// emergency shelter, « C2S » the complémentaire santé solidaire).
const CODE_SPELLINGS: &[(&str, &[&str])] = &[
    ("F", &["Féminin", "Femme"]),
    ("H", &["Masculin", "Homme"]),
    ("hebergement_urgence", &["115", "mise à l'abri"]),
    ("hebergement_insertion", &["CHRS"]),
    ("rue", &["SDF", "sans domicile"]),
    ("justice", &["SPIP", "PJJ", "tribunal"]),
    ("autre_psychose", &["psychose", "psychotique"]),
    ("depression_severe", &["dépression"]),
    ("telephone", &["appel"]),
    ("somatique", &["médecine", "chirurgie", "MCO"]),
    ("sdt", &["SPI", "péril imminent", "SDTU"]),
    ("puma_css", &["CMU-C"]),
    ("chomage", &["ARE", "France Travail"]),
    ("aucune", &["sans activité", "sans ressource", "néant"]),
    (
        "relogement_dispositif",
        &["mutation", "changement de logement"],
    ),
    ("activite_collective", &["atelier"]),
    ("infirmier", &["IDE"]),
    (
        "travailleur_social",
        &["assistant social", "assistante sociale", "CESF"],
    ),
    ("mediateur_sante_pair", &["pair aidant", "travailleur pair"]),
];

/// Every spelling of a code: the code, its label, the synonyms of donnees.md and the
/// field's usual ones.
pub fn spellings(code: &crate::model::Code) -> Vec<&'static str> {
    let known = CODE_SPELLINGS
        .iter()
        .filter(|(c, _)| *c == code.code)
        .flat_map(|(_, s)| s.iter().copied());
    [code.code, code.label]
        .into_iter()
        .chain(code.synonyms.iter().copied())
        .chain(known)
        .collect()
}

/// What a site's label was matched to, and why.
#[derive(Debug, Clone, PartialEq)]
pub enum LabelMatch {
    /// Read already without a profile (the code, its label or a synonym of donnees.md).
    Known(&'static str),
    /// A guess: the code and the spelling it resembles.
    Guess {
        code: &'static str,
        like: &'static str,
        score: f64,
    },
    /// Two codes resemble it as much: a question.
    Ambiguous(Vec<&'static str>),
    /// No code resembles it.
    None,
}

/// The code of a list a site's label stands for.
pub fn match_label(list: &'static CodeList, label: &str) -> LabelMatch {
    if let Some(code) = list.recognize(label) {
        return LabelMatch::Known(code);
    }
    let folded = fold(label);
    let label_words = words(label);
    // Each code's best spelling; an equal spelling among the field's is sure.
    let mut ranked: Vec<(f64, Nearness, &'static str, &'static str)> = Vec::new();
    for code in list.codes {
        let mut best = (Nearness::NONE, code.label);
        for spelling in spellings(code) {
            if fold(spelling) == folded {
                return LabelMatch::Guess {
                    code: code.code,
                    like: spelling,
                    score: 1.0,
                };
            }
            let near = nearness(&label_words, &words(spelling));
            if near.score() > best.0.score() {
                best = (near, spelling);
            }
        }
        if best.0.is_close() {
            ranked.push((best.0.score(), best.0, code.code, best.1));
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    match ranked.as_slice() {
        [] => LabelMatch::None,
        [(first, _, _, _), (second, _, _, _), ..] if first - second < 0.05 => {
            LabelMatch::Ambiguous(ranked.iter().take(3).map(|r| r.2).collect())
        }
        [(score, _, code, like), ..] => LabelMatch::Guess {
            code,
            like,
            score: *score,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        DIAGNOSTIC, METIER, MOTIF_FIN, MOTIF_SORTIE, ORIENTEUR, SEXE, TYPE_INTERVENTION,
    };

    fn code(list: &'static CodeList, label: &str) -> Option<&'static str> {
        match match_label(list, label) {
            LabelMatch::Known(c) | LabelMatch::Guess { code: c, .. } => Some(c),
            _ => None,
        }
    }

    #[test]
    fn words_leave_out_joining_words_and_endings() {
        assert_eq!(words("Infirmier(e)"), ["infirmier"]);
        assert_eq!(
            words("Date d'entrée dans le dispositif"),
            ["date", "entree", "dispositif"]
        );
        assert_eq!(
            words("VAD non aboutie"),
            ["visite", "domicile", "non", "aboutie"]
        );
        assert_eq!(words("115 / mise à l'abri"), ["115", "mise", "abri"]);
    }

    /// « Sortie vers un logement autonome » → words sortie, logement, autonome;
    /// « relogement_autonome » → relogement, autonome. « logement » is 2 letters from
    /// « relogement » (Levenshtein 1 − 2/10 = 0.8), « autonome » equal: matched 1.8 of
    /// the shorter 2 → overlap 0.9, dice 2 × 1.8 / 5 = 0.72: a guess.
    #[test]
    fn nearness_of_words() {
        let n = nearness(
            &words("Sortie vers un logement autonome"),
            &words("relogement_autonome"),
        );
        assert!((n.overlap - 0.9).abs() < 1e-9, "{n:?}");
        assert!((n.dice - 0.72).abs() < 1e-9, "{n:?}");
        // « Trouble de la personnalité » and « Trouble bipolaire » share only the weak
        // word « trouble » (0.25 of 1.25 each): overlap 0.2, not a guess.
        let n = nearness(
            &words("Trouble de la personnalité"),
            &words("Trouble bipolaire"),
        );
        assert!((n.overlap - 0.2).abs() < 1e-9, "{n:?}");
        assert!(!n.is_close());
    }

    #[test]
    fn labels_of_other_software() {
        assert_eq!(code(&SEXE, "Masculin"), Some("H"));
        assert_eq!(
            code(&MOTIF_SORTIE, "Sortie vers un logement autonome"),
            Some("relogement_autonome")
        );
        assert_eq!(
            code(&MOTIF_SORTIE, "Hospitalisation au long cours"),
            Some("hospitalisation_longue")
        );
        assert_eq!(
            code(&MOTIF_SORTIE, "Départ hors du territoire"),
            Some("demenagement_hors_territoire")
        );
        assert_eq!(
            code(&DIAGNOSTIC, "Premier épisode psychotique"),
            Some("autre_psychose")
        );
        assert_eq!(
            code(&DIAGNOSTIC, "Trouble dépressif sévère"),
            Some("depression_severe")
        );
        assert_eq!(
            code(&TYPE_INTERVENTION, "VAD non aboutie"),
            Some("visite_non_aboutie")
        );
        assert_eq!(
            code(&TYPE_INTERVENTION, "Appel téléphonique"),
            Some("telephone")
        );
        assert_eq!(code(&ORIENTEUR, "PJJ / SPIP"), Some("justice"));
        assert_eq!(code(&METIER, "Éducateur spécialisé"), Some("educateur"));
        assert_eq!(
            code(&MOTIF_FIN, "Fin de prise en charge"),
            Some("fin_accompagnement")
        );
        // No code resembles these: questions for the coordinator, not guesses.
        assert_eq!(
            match_label(&DIAGNOSTIC, "Trouble de la personnalité"),
            LabelMatch::None
        );
        assert_eq!(match_label(&ORIENTEUR, "Mission locale"), LabelMatch::None);
        assert_eq!(match_label(&METIER, "Psychologue"), LabelMatch::None);
    }

    /// « Fin d'hospitalisation » (fin, hospitalisation) has one word of two of
    /// « hospitalisation_longue » and one of two of « fin_a_la_demande » (fin, demande):
    /// overlap 0.5 and dice 0.5 for both, a tie, hence a question.
    #[test]
    fn a_tie_is_a_question() {
        assert_eq!(
            match_label(&MOTIF_SORTIE, "Fin d'hospitalisation"),
            LabelMatch::Ambiguous(vec!["hospitalisation_longue", "fin_a_la_demande"])
        );
    }
}
