//! Reading one cell as a date, a number, a month or a code, the French way.

use chrono::{Datelike, NaiveDate};

use super::fichier::Cellule;
use crate::model::CodeList;

/// Spreadsheet serial numbers count days from 1899-12-30 (the 1900 leap-year bug
/// included), which is how calamine and every spreadsheet program read them.
fn depuis_serie(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(n.trunc() as u64))
}

pub fn lire_date_texte(texte: &str) -> Result<NaiveDate, String> {
    let t = texte.trim();
    // A datetime keeps its date part.
    let jour = t.split(['T', ' ']).next().unwrap_or(t);
    for format in ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(jour, format) {
            if d.year() >= 1000 {
                return Ok(d);
            }
        }
    }
    let morceaux: Vec<&str> = jour.split(['/', '-', '.']).collect();
    if morceaux.len() == 3
        && morceaux[2].len() == 2
        && morceaux.iter().all(|m| m.parse::<u32>().is_ok())
    {
        return Err("année sur deux chiffres : le siècle est ambigu, écrivez l'année en entier (JJ/MM/AAAA)".into());
    }
    Err("date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ".into())
}

pub fn lire_date(cellule: &Cellule) -> Result<Option<NaiveDate>, String> {
    match cellule {
        Cellule::Vide => Ok(None),
        Cellule::Date(d) => Ok(Some(*d)),
        Cellule::Nombre(n) => depuis_serie(*n)
            .map(Some)
            .ok_or_else(|| "nombre qui n'est pas une date de tableur".into()),
        Cellule::Texte(t) => lire_date_texte(t).map(Some),
    }
}

pub fn lire_mois(cellule: &Cellule) -> Result<Option<NaiveDate>, String> {
    let premier = |d: NaiveDate| d.with_day(1);
    if let Cellule::Texte(t) = cellule {
        let t = t.trim();
        for (format, prefixe) in [("%Y-%m-%d", ""), ("%d/%m/%Y", "01/")] {
            let complet = if prefixe.is_empty() {
                format!("{t}-01")
            } else {
                format!("{prefixe}{t}")
            };
            if let Ok(d) = NaiveDate::parse_from_str(&complet, format) {
                if t.len() == 7 {
                    return Ok(Some(d));
                }
            }
        }
    }
    match lire_date(cellule) {
        Ok(d) => Ok(d.and_then(premier)),
        Err(_) => Err("mois attendu au format AAAA-MM, MM/AAAA ou une date".into()),
    }
}

pub fn lire_nombre(cellule: &Cellule) -> Result<Option<f64>, String> {
    let texte = match cellule {
        Cellule::Vide => return Ok(None),
        Cellule::Nombre(n) => return Ok(Some(*n)),
        Cellule::Date(_) => return Err("date au lieu d'un nombre".into()),
        Cellule::Texte(t) => t,
    };
    let mut propre: String = texte
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '€' | '$' | '\u{a0}' | '\u{202f}'))
        .collect();
    for devise in ["EUR", "eur"] {
        propre = propre.replace(devise, "");
    }
    // With both separators present, the last one is the decimal mark.
    let normal = match (propre.rfind(','), propre.rfind('.')) {
        (Some(v), Some(p)) if v > p => propre.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => propre.replace(',', ""),
        (Some(_), None) => propre.replace(',', "."),
        _ => propre,
    };
    if normal.is_empty() {
        return Ok(None);
    }
    normal
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(Some)
        .ok_or_else(|| "nombre attendu".into())
}

pub fn lire_entier(cellule: &Cellule) -> Result<Option<i64>, String> {
    match lire_nombre(cellule) {
        Ok(Some(n)) if n.fract() == 0.0 => Ok(Some(n as i64)),
        Ok(Some(_)) | Err(_) => Err("nombre entier attendu".into()),
        Ok(None) => Ok(None),
    }
}

/// The text a code cell holds; a number typed in a spreadsheet (`1` for a group) reads as its digits.
pub fn texte_de(cellule: &Cellule) -> Option<String> {
    match cellule {
        Cellule::Vide => None,
        Cellule::Texte(t) => Some(t.trim().to_string()).filter(|t| !t.is_empty()),
        Cellule::Nombre(n) if n.fract() == 0.0 => Some(format!("{}", *n as i64)),
        Cellule::Nombre(n) => Some(n.to_string()),
        Cellule::Date(d) => Some(d.format("%d/%m/%Y").to_string()),
    }
}

/// `Ok(code)` for a known value, `Err(raw)` for one outside the list.
pub fn lire_code(liste: &CodeList, brut: &str) -> Result<&'static str, String> {
    liste.reconnaitre(brut).ok_or_else(|| brut.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cellule {
        Cellule::Texte(s.into())
    }

    #[test]
    fn dates_francaises_et_iso() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(lire_date(&t("29/02/2024")), Ok(Some(d)));
        assert_eq!(lire_date(&t("2024-02-29")), Ok(Some(d)));
        assert_eq!(lire_date(&t("2024-02-29 13:45:00")), Ok(Some(d)));
        assert_eq!(lire_date(&t("2024-02-29T13:45:00")), Ok(Some(d)));
        // 45351 days after 1899-12-30 is 2024-02-29.
        assert_eq!(lire_date(&Cellule::Nombre(45351.0)), Ok(Some(d)));
        assert!(
            lire_date(&t("29/02/24"))
                .unwrap_err()
                .contains("deux chiffres")
        );
        assert!(lire_date(&t("30/02/2024")).is_err());
        assert_eq!(lire_date(&Cellule::Vide), Ok(None));
    }

    #[test]
    fn nombres_a_la_francaise() {
        assert_eq!(lire_nombre(&t("1 234,50")), Ok(Some(1234.5)));
        assert_eq!(lire_nombre(&t("1\u{202f}234,50 €")), Ok(Some(1234.5)));
        assert_eq!(lire_nombre(&t("1\u{a0}234,5")), Ok(Some(1234.5)));
        assert_eq!(lire_nombre(&t("0,8")), Ok(Some(0.8)));
        assert_eq!(lire_nombre(&t("0.8")), Ok(Some(0.8)));
        assert_eq!(lire_nombre(&t("1.234,5")), Ok(Some(1234.5)));
        assert_eq!(lire_nombre(&t("-12")), Ok(Some(-12.0)));
        assert!(lire_nombre(&t("douze")).is_err());
        assert_eq!(lire_entier(&t("12")), Ok(Some(12)));
        assert!(lire_entier(&t("12,5")).is_err());
    }

    #[test]
    fn mois() {
        let m = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        assert_eq!(lire_mois(&t("2025-03")), Ok(Some(m)));
        assert_eq!(lire_mois(&t("03/2025")), Ok(Some(m)));
        assert_eq!(lire_mois(&t("17/03/2025")), Ok(Some(m)));
        assert!(lire_mois(&t("mars")).is_err());
    }

    #[test]
    fn codes_par_synonyme_et_libelle() {
        use crate::model::{MODE_HOSPITALISATION, SEXE};
        assert_eq!(lire_code(&SEXE, "M"), Ok("H"));
        assert_eq!(lire_code(&SEXE, " femme "), Ok("F"));
        assert_eq!(
            lire_code(&MODE_HOSPITALISATION, "Soins à la demande d'un tiers"),
            Ok("sdt")
        );
        assert_eq!(lire_code(&SEXE, "Z"), Err("Z".to_string()));
    }
}
