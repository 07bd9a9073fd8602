//! French typography, in one place for every output: numbers, dates, the spaces and
//! marks of printed text, singular and plural; and the French words for what the system
//! says when a file cannot be read or written.

use chrono::{Datelike, NaiveDate};

/// Narrow no-break space: the French thousands separator and the space before `%` and `€`.
pub const NARROW_NBSP: char = '\u{202f}';

/// No-break space: inside guillemets, before a colon, between a number and its noun.
pub const NBSP: char = '\u{a0}';

/// Printed text as French typography sets it, whatever the data typed: typographic
/// apostrophes, guillemets for straight quotes, a no-break space inside « » and before
/// « : », a narrow one before « ; ! ? % € ». A mark glued to a word gets its space
/// only when a space follows it, so that « 10:30 », « entrees:AAAA-MM » or an address
/// stay as they are.
pub fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut open_quote = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let spaced_before = out.ends_with([' ', NBSP, NARROW_NBSP]);
        let trim = |out: &mut String| {
            while out.ends_with([' ', NBSP, NARROW_NBSP]) {
                out.pop();
            }
        };
        match c {
            '\'' => out.push('’'),
            '"' if open_quote => {
                open_quote = false;
                out.push('«');
                out.push(NBSP);
                while chars.next_if(|c| *c == ' ').is_some() {}
            }
            '"' | '»' => {
                open_quote = true;
                trim(&mut out);
                out.push(NBSP);
                out.push('»');
            }
            '«' => {
                out.push('«');
                out.push(NBSP);
                while chars.next_if(|c| *c == ' ' || *c == NBSP).is_some() {}
            }
            ':' | ';' | '!' | '?' | '%' | '€' => {
                let space = if c == ':' { NBSP } else { NARROW_NBSP };
                let glued = !spaced_before
                    && out.chars().last().is_some_and(char::is_alphanumeric)
                    && next.is_none_or(char::is_whitespace)
                    && !matches!(c, '%' | '€');
                if spaced_before {
                    trim(&mut out);
                    out.push(space);
                } else if glued {
                    out.push(space);
                }
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `1 personne`, `0 personne`, `9 personnes`: French takes the singular below two.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!(
        "{}{NBSP}{}",
        number(n as f64, 0),
        if n < 2 { one } else { many }
    )
}

/// `1 234,5` with `decimals` digits after the comma.
pub fn number(value: f64, decimals: usize) -> String {
    // Half away from zero, as a spreadsheet shows it (88,25 → 88,3), where the formatter
    // alone would round half to even.
    let scale = 10f64.powi(decimals as i32);
    let text = format!("{:.*}", decimals, (value.abs() * scale).round() / scale);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(NARROW_NBSP);
        }
        grouped.push(digit);
    }
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "−" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{fraction}")
    }
}

/// `92,9 %`
pub fn percent(value: f64) -> String {
    format!("{}{NARROW_NBSP}%", number(value, 1))
}

/// `43,82 €`
pub fn euros(value: f64) -> String {
    format!("{}{NARROW_NBSP}€", number(value, 2))
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `31 décembre 2025`, `1er janvier 2025`
pub fn date(d: NaiveDate) -> String {
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {} {}", MONTHS[d.month0() as usize], d.year())
}

/// `31 décembre`, `1er mars`: a day of the year, for a label that faces both periods.
pub fn day_month(d: NaiveDate) -> String {
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {}", MONTHS[d.month0() as usize])
}

/// A unit after a number, singular below two: « 1 jour par personne », « 0,5 séjour »,
/// « 14 accompagnements ». Only the first word agrees; « pour 1 000 journées » or
/// « VAD par personne » stay as they are.
pub fn unit(value: f64, unit: &str) -> String {
    let (first, rest) = unit.split_once(' ').unwrap_or((unit, ""));
    let plural_noun = first.len() > 2
        && first.ends_with('s')
        && first.chars().next().is_some_and(char::is_lowercase)
        && !matches!(first, "pour" | "dans" | "sans" | "sous" | "vers" | "très");
    if value.abs() >= 2.0 || !plural_noun {
        return unit.to_string();
    }
    let singular = &first[..first.len() - 1];
    if rest.is_empty() {
        singular.to_string()
    } else {
        format!("{singular} {rest}")
    }
}

/// Names in a French sentence: « a », « a et b », « a, b et c ».
pub fn list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

/// `janvier 2025`
pub fn month(d: NaiveDate) -> String {
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
}

/// `janv.`, `juin`, `sept.`: a month under a bar, as the French abbreviate it.
pub fn month_short(d: NaiveDate) -> &'static str {
    const SHORT: [&str; 12] = [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ];
    SHORT[d.month0() as usize]
}

/// `de janvier à décembre 2025`, `de mars 2019 à décembre 2025`: the months a series
/// covers, the year said once when both ends share it.
pub fn month_span(first: NaiveDate, last: NaiveDate) -> String {
    if first.year() == last.year() {
        format!("de {} à {}", MONTHS[first.month0() as usize], month(last))
    } else {
        format!("de {} à {}", month(first), month(last))
    }
}

/// Characters a terminal obeys rather than shows: C0 and C1 controls (an ESC sequence
/// recolours, moves the cursor or retitles the window) and the marks that reorder text
/// (bidi overrides make a value read backwards).
fn obeyed(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// A value typed by a user, safe to quote in any message: each character a terminal
/// would obey is written as its code, `<U+001B>`, so that the user sees what the cell
/// holds instead of the terminal acting on it. Line breaks too: a value quoted on one
/// line stays on it.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(obeyed) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if obeyed(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Text for the terminal, line by line: the same as [`printable`] but for the line
/// breaks and tabs the text is laid out with (a CSV's CRLF included).
pub fn terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let layout =
        |c: char, next: Option<char>| c == '\n' || c == '\t' || (c == '\r' && next == Some('\n'));
    let mut chars = text.chars().peekable();
    let mut out = String::new();
    let mut changed = false;
    while let Some(c) = chars.next() {
        if obeyed(c) && !layout(c, chars.peek().copied()) {
            changed = true;
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    if changed { out.into() } else { text.into() }
}

/// A Typst error of a team's text or a template in French. Typst explains in English;
/// the mistakes a team makes (a file outside the report, an unknown name, a bracket not
/// closed) are said in French, any other keeps Typst's words, named as such.
pub fn typst_error(message: &str) -> String {
    let message = message.trim();
    if message.contains("would escape the project root")
        || message.contains("access denied")
        || message.starts_with("file not found")
    {
        return "le texte veut lire un fichier : un texte du rapport ne peut lire aucun fichier, ni image ni données (retirez cet appel)".to_string();
    }
    if let Some(name) = message.strip_prefix("unknown variable: ") {
        return format!(
            "nom inconnu « {} » (une fonction ou une variable mal écrite ?)",
            printable(name)
        );
    }
    for (english, french) in [
        (
            "unclosed delimiter",
            "parenthèse, crochet ou accolade ouvert et jamais fermé",
        ),
        (
            "unclosed string",
            "texte entre guillemets ouvert et jamais fermé",
        ),
        (
            "unexpected closing",
            "parenthèse, crochet ou accolade fermé sans avoir été ouvert",
        ),
        ("expected expression", "expression attendue après « # »"),
        (
            "maximum function call depth exceeded",
            "trop d'appels imbriqués (une fonction qui s'appelle sans fin ?)",
        ),
    ] {
        if message.starts_with(english) {
            return french.to_string();
        }
    }
    // Cut as a quoted value is (`findings::excerpt`, which depends on this module).
    let cut: String = message.chars().take(120).collect();
    let more = if cut.len() < message.len() { "…" } else { "" };
    format!("erreur Typst, en anglais : « {}{more} »", printable(&cut))
}

/// An I/O error in French.
pub fn io_error(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "introuvable : ce chemin n'existe pas",
        PermissionDenied => "accès refusé",
        AlreadyExists => "un fichier de ce nom existe déjà",
        StorageFull => "plus de place sur le disque",
        IsADirectory => "c'est un dossier",
        NotADirectory => "un élément du chemin n'est pas un dossier",
        ReadOnlyFilesystem => "le disque est en lecture seule",
        _ => "erreur du système de fichiers",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_forms() {
        assert_eq!(number(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(number(1234567.0, 0), "1\u{202f}234\u{202f}567");
        assert_eq!(number(999.0, 0), "999");
        assert_eq!(number(-12.25, 1), "−12,3");
        assert_eq!(number(88.25, 1), "88,3");
        assert_eq!(number(-0.01, 1), "0,0");
        assert_eq!(percent(92.857), "92,9\u{202f}%");
        assert_eq!(euros(43.824), "43,82\u{202f}€");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()),
            "31 décembre 2025"
        );
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()),
            "1er janvier 2025"
        );
    }

    /// An ESC sequence, a C1 control and a right-to-left override in a value are shown as
    /// their codes; the text around them, accents included, is left as it is.
    #[test]
    fn control_characters_shown_as_codes() {
        assert_eq!(
            printable("é\u{1b}[31mrouge\u{9b}\u{202e}x\ny"),
            "é<U+001B>[31mrouge<U+009B><U+202E>x<U+000A>y"
        );
        assert_eq!(printable("Réorientation CHRS"), "Réorientation CHRS");
        assert_eq!(
            terminal("a;b\r\nc\t\u{1b}]0;titre\u{7}\r\n"),
            "a;b\r\nc\t<U+001B>]0;titre<U+0007>\r\n"
        );
        assert_eq!(terminal("x\ry"), "x<U+000D>y");
    }

    /// Typst's English for a team text reading a file outside the report, an unknown name
    /// and an unclosed bracket, in French; another message named as Typst's.
    #[test]
    fn typst_errors_in_french() {
        assert!(
            typst_error("path `\"../..\"` would escape the project root")
                .starts_with("le texte veut lire un fichier")
        );
        assert_eq!(
            typst_error("unknown variable: tabel"),
            "nom inconnu « tabel » (une fonction ou une variable mal écrite ?)"
        );
        assert_eq!(
            typst_error("unclosed delimiter"),
            "parenthèse, crochet ou accolade ouvert et jamais fermé"
        );
        assert_eq!(
            typst_error("cannot add integer and string"),
            "erreur Typst, en anglais : « cannot add integer and string »"
        );
    }

    /// Each rule of French printed text on the forms the data and the messages use.
    #[test]
    fn printed_text_follows_french_typography() {
        assert_eq!(prose("l'entrée d'un logement"), "l’entrée d’un logement");
        assert_eq!(prose("Unité : jours"), "Unité\u{a0}: jours");
        assert_eq!(prose("Unité: jours"), "Unité\u{a0}: jours");
        assert_eq!(
            prose("un ; deux ! trois ?"),
            "un\u{202f}; deux\u{202f}! trois\u{202f}?"
        );
        assert_eq!(prose("« Autre »"), "«\u{a0}Autre\u{a0}»");
        assert_eq!(prose("dit \"non\" puis"), "dit «\u{a0}non\u{a0}» puis");
        assert_eq!(prose("95,8 % et 12 €"), "95,8\u{202f}% et 12\u{202f}€");
        // A mark inside a code or a time is not a French sign: left alone.
        assert_eq!(prose("entrees:AAAA-MM à 10:30"), "entrees:AAAA-MM à 10:30");
        // Already right: unchanged, so the rule can run twice.
        let right = "Unité\u{a0}: «\u{a0}x\u{a0}»\u{202f}; l’a";
        assert_eq!(prose(right), right);
        assert_eq!(count(0, "personne", "personnes"), "0\u{a0}personne");
        assert_eq!(count(1, "personne", "personnes"), "1\u{a0}personne");
        assert_eq!(count(1200, "ligne", "lignes"), "1\u{202f}200\u{a0}lignes");
        assert_eq!(unit(1.0, "personnes"), "personne");
        assert_eq!(unit(1.5, "jours par personne"), "jour par personne");
        assert_eq!(unit(2.0, "jours par personne"), "jours par personne");
        assert_eq!(unit(1.0, "pour 1 000 journées"), "pour 1 000 journées");
        assert_eq!(
            unit(0.8, "VAD par personne et par semaine"),
            "VAD par personne et par semaine"
        );
        assert_eq!(
            day_month(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
            "1er mars"
        );
    }
}
