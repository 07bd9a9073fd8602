//! Reading a CSV file or a workbook sheet into a grid of cells, keeping each row's
//! number as the user sees it (the CSV line, the sheet row).

use std::path::Path;

use anyhow::{Result, anyhow};
use calamine::{Data, Reader};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum Cellule {
    Vide,
    Texte(String),
    Nombre(f64),
    Date(NaiveDate),
}

pub struct Ligne {
    /// Line of the CSV file (the header is line 1) or row of the sheet.
    pub numero: usize,
    pub cellules: Vec<Cellule>,
}

pub struct Grille {
    pub entetes: Vec<String>,
    pub lignes: Vec<Ligne>,
}

pub fn lire(chemin: &Path, feuille: Option<&str>) -> Result<Grille> {
    let meta = std::fs::metadata(chemin)
        .map_err(|_| anyhow!("Le fichier « {} » est introuvable.", chemin.display()))?;
    if meta.len() == 0 {
        return Err(anyhow!("Le fichier « {} » est vide.", chemin.display()));
    }
    let extension = chemin
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => lire_classeur(chemin, feuille),
        _ if feuille.is_some() => Err(anyhow!(
            "Le fichier « {} » n'est pas un classeur (XLSX, XLS ou ODS) : il n'a pas de feuille « {} ».",
            chemin.display(),
            feuille.unwrap_or_default()
        )),
        _ => lire_csv(chemin),
    }
}

fn decoder(octets: &[u8]) -> String {
    let sans_bom = octets.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(octets);
    match std::str::from_utf8(sans_bom) {
        Ok(texte) => texte.to_string(),
        // Text that is not UTF-8 comes from Excel on Windows, hence Windows-1252.
        Err(_) => encoding_rs::WINDOWS_1252.decode(sans_bom).0.into_owned(),
    }
}

/// The delimiter is the one of `;`, `,` and tab that occurs most in the header line,
/// outside quotes.
fn separateur(texte: &str) -> u8 {
    let mut comptes = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut entre_guillemets = false;
    for c in texte.bytes() {
        if !entre_guillemets && (c == b'\n' || c == b'\r') {
            break;
        }
        if c == b'"' {
            entre_guillemets = !entre_guillemets;
        } else if !entre_guillemets {
            for (sep, n) in &mut comptes {
                if c == *sep {
                    *n += 1;
                }
            }
        }
    }
    comptes
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map(|(s, _)| *s)
        .unwrap_or(b',')
}

fn lire_csv(chemin: &Path) -> Result<Grille> {
    let octets = std::fs::read(chemin).map_err(|e| {
        anyhow!(
            "Impossible de lire le fichier « {} » : {e}.",
            chemin.display()
        )
    })?;
    if octets.iter().take(8192).any(|&b| b == 0) || octets.starts_with(b"PK\x03\x04") {
        return Err(anyhow!(
            "Le fichier « {} » n'est pas un fichier CSV lisible (contenu binaire) : s'il s'agit d'un classeur, donnez-lui l'extension .xlsx, .xls ou .ods.",
            chemin.display()
        ));
    }
    let texte = decoder(&octets);
    let mut lecteur = csv::ReaderBuilder::new()
        .delimiter(separateur(&texte))
        .flexible(true)
        .has_headers(true)
        .from_reader(texte.as_bytes());
    let entetes = lecteur
        .headers()
        .map_err(|e| {
            anyhow!(
                "Fichier « {} » : ligne d'en-tête illisible ({e}).",
                chemin.display()
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut lignes = Vec::new();
    for enregistrement in lecteur.records() {
        let enregistrement = enregistrement.map_err(|e| {
            let ligne = e.position().map(|p| p.line()).unwrap_or(0);
            anyhow!(
                "Fichier « {} », ligne {ligne} : ligne CSV illisible ({e}).",
                chemin.display()
            )
        })?;
        let cellules: Vec<Cellule> = enregistrement
            .iter()
            .map(|v| {
                let v = v.trim();
                if v.is_empty() {
                    Cellule::Vide
                } else {
                    Cellule::Texte(v.to_string())
                }
            })
            .collect();
        if cellules.iter().all(|c| *c == Cellule::Vide) {
            continue;
        }
        let numero = enregistrement
            .position()
            .map(|p| p.line() as usize)
            .unwrap_or(0);
        lignes.push(Ligne { numero, cellules });
    }
    Ok(Grille { entetes, lignes })
}

fn cellule_de(donnee: &Data) -> Cellule {
    match donnee {
        Data::Empty => Cellule::Vide,
        Data::String(s) if s.trim().is_empty() => Cellule::Vide,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cellule::Texte(s.trim().to_string())
        }
        Data::Int(i) => Cellule::Nombre(*i as f64),
        Data::Float(f) => Cellule::Nombre(*f),
        Data::Bool(b) => Cellule::Texte(if *b { "oui" } else { "non" }.to_string()),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| Cellule::Date(d.date()))
            .unwrap_or_else(|| Cellule::Texte(dt.to_string())),
        Data::Error(e) => Cellule::Texte(format!("#{e:?}")),
    }
}

fn lire_classeur(chemin: &Path, feuille: Option<&str>) -> Result<Grille> {
    let mut classeur = calamine::open_workbook_auto(chemin).map_err(|e| {
        let detail = match e {
            calamine::Error::Io(_) => "impossible de l'ouvrir".to_string(),
            _ => "classeur illisible : fichier endommagé, tronqué, protégé par un mot de passe ou d'un autre format".to_string(),
        };
        anyhow!("Le fichier « {} » ne peut pas être lu ({detail}).", chemin.display())
    })?;
    let noms = classeur.sheet_names();
    let nom = match feuille {
        Some(f) => noms
            .iter()
            .find(|n| crate::model::replier(n) == crate::model::replier(f))
            .cloned()
            .ok_or_else(|| {
                anyhow!(
                    "Le classeur « {} » n'a pas de feuille « {f} » (feuilles présentes : {}).",
                    chemin.display(),
                    noms.join(", ")
                )
            })?,
        None => noms.first().cloned().ok_or_else(|| {
            anyhow!(
                "Le classeur « {} » ne contient aucune feuille.",
                chemin.display()
            )
        })?,
    };
    let plage = classeur.worksheet_range(&nom).map_err(|_| {
        anyhow!(
            "La feuille « {nom} » du classeur « {} » est illisible (fichier endommagé ou protégé).",
            chemin.display()
        )
    })?;
    let (premiere_ligne, _) = plage.start().unwrap_or((0, 0));
    let mut lignes_brutes = plage.rows().enumerate().map(|(i, cellules)| {
        (
            premiere_ligne as usize + i + 1,
            cellules.iter().map(cellule_de).collect::<Vec<_>>(),
        )
    });
    let entetes = lignes_brutes
        .by_ref()
        .find(|(_, c)| c.iter().any(|c| *c != Cellule::Vide))
        .map(|(_, c)| {
            c.into_iter()
                .map(|c| match c {
                    Cellule::Texte(t) => t,
                    Cellule::Vide => String::new(),
                    Cellule::Nombre(n) => n.to_string(),
                    Cellule::Date(d) => d.to_string(),
                })
                .collect()
        })
        .ok_or_else(|| {
            anyhow!(
                "La feuille « {nom} » du classeur « {} » est vide.",
                chemin.display()
            )
        })?;
    let lignes = lignes_brutes
        .filter(|(_, c)| c.iter().any(|c| *c != Cellule::Vide))
        .map(|(numero, cellules)| Ligne { numero, cellules })
        .collect();
    Ok(Grille { entetes, lignes })
}

/// Where a row comes from, as the user would look for it.
#[derive(Debug, Clone)]
pub struct Origine {
    pub fichier: String,
    pub feuille: Option<String>,
}

impl Origine {
    pub fn ligne(&self, numero: usize) -> String {
        match &self.feuille {
            Some(f) => format!("« {} », feuille « {f} », ligne {numero}", self.fichier),
            None => format!("« {} », ligne {numero}", self.fichier),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detecte_separateur_hors_guillemets() {
        assert_eq!(separateur("a;b;c\n1,5;2;3"), b';');
        assert_eq!(separateur("\"a;x\",b,c\n"), b',');
        assert_eq!(separateur("a\tb\tc"), b'\t');
        assert_eq!(separateur("seule"), b',');
    }

    #[test]
    fn decode_bom_et_windows_1252() {
        assert_eq!(decoder(b"\xEF\xBB\xBFid;d\xC3\xA9but"), "id;début");
        assert_eq!(decoder(b"id;d\xE9but"), "id;début");
    }
}
