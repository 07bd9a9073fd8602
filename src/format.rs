//! French number and date typography for tables and the report, and the French words
//! for what the system says when a file cannot be read or written.

use chrono::{Datelike, NaiveDate};

/// Narrow no-break space: the French thousands separator and the space before `%` and `€`.
pub const NARROW_NBSP: char = '\u{202f}';

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

/// `janvier 2025`
pub fn month(d: NaiveDate) -> String {
    format!("{} {}", MONTHS[d.month0() as usize], d.year())
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
}
