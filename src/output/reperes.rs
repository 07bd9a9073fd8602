//! `reperes.csv`: the spread of the values the sites publish in `diffusion` of each figure
//! that is not a count, by kind of programme, with the number of sites. The
//! consolidation writes it; a site's configuration may name it (`reperes = "…"`) to show,
//! beside its key figures, the national median and quartiles. Over fewer than
//! [`MIN_SITES`] sites a benchmark is not published: its row gives the number of sites,
//! `publie` = `non` and no value (indicateurs.md, « Benchmarks »).

use std::path::Path;

use anyhow::{Result, anyhow};

use super::Shown;
use super::csv::{machine, modality_text, parse_modality, text_cell};
use crate::figure::Unit;
use crate::format;
use crate::indicators::Modality;
use crate::model::ProgrammeKind;
use crate::period::Period;

/// A benchmark is published over at least this many sites of the kind.
pub const MIN_SITES: usize = 5;

/// The spread of the site values of one figure, for one kind of programme.
pub struct Benchmark {
    pub kind: ProgrammeKind,
    pub period: Period,
    pub indicator: String,
    pub modality: Modality,
    /// The sites whose published value the benchmark is over.
    pub sites: usize,
    /// Minimum, quartiles and maximum; none below [`MIN_SITES`] sites.
    pub quartiles: Option<[f64; 5]>,
}

impl Benchmark {
    /// The median, when published.
    pub fn median(&self) -> Option<f64> {
        self.quartiles.map(|q| q[2])
    }
}

/// `QUARTILE.INC` of sorted values: the value at rank (n − 1) × q, interpolated.
pub fn quartiles(sorted: &[f64]) -> [f64; 5] {
    let at = |q: f64| {
        let rank = (sorted.len() - 1) as f64 * q;
        let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
        sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
    };
    [at(0.0), at(0.25), at(0.5), at(0.75), at(1.0)]
}

pub const BENCHMARK_HEADER: [&str; 12] = [
    "type",
    "periode_debut",
    "periode_fin",
    "indicateur",
    "modalite",
    "sites",
    "publie",
    "minimum",
    "q1",
    "mediane",
    "q3",
    "maximum",
];

/// The header of the layout that had no `publie` column, for a clear refusal.
const OLD_HEADER: [&str; 11] = [
    "type",
    "periode_debut",
    "periode_fin",
    "indicateur",
    "modalite",
    "sites",
    "minimum",
    "q1",
    "mediane",
    "q3",
    "maximum",
];

pub fn csv(benchmarks: &[Benchmark]) -> Result<Vec<u8>> {
    let mut writer = super::csv::writer();
    writer.write_record(BENCHMARK_HEADER)?;
    for b in benchmarks {
        let mut record = vec![
            b.kind.code().to_string(),
            b.period.start.to_string(),
            b.period.end.to_string(),
            text_cell(&b.indicator).into_owned(),
            text_cell(&modality_text(&b.modality)).into_owned(),
            b.sites.to_string(),
        ];
        match b.quartiles {
            Some(q) => {
                record.push("oui".to_string());
                record.extend(q.iter().map(|v| machine(&Shown::Value(*v))));
            }
            None => {
                record.push("non".to_string());
                record.extend(std::iter::repeat_n(String::new(), 5));
            }
        }
        writer.write_record(&record)?;
    }
    Ok(writer.into_inner()?)
}

/// Reads a `reperes.csv` written by `bilan consolider`.
pub fn read(path: &Path) -> Result<Vec<Benchmark>> {
    let wrong = |line: usize, what: &str| {
        anyhow!(
            "Fichier de repères « {} », ligne {line} : {what}.",
            path.display()
        )
    };
    crate::input::regular(path, "le fichier de repères")?;
    let mut reader = ::csv::Reader::from_path(path).map_err(|_| {
        anyhow!(
            "Impossible de lire le fichier de repères « {} » (clé « reperes » de la configuration).",
            path.display()
        )
    })?;
    let header = reader
        .headers()
        .map_err(|_| wrong(1, "en-tête illisible"))?;
    if header.iter().eq(OLD_HEADER) {
        return Err(wrong(
            1,
            "ce fichier a été produit par une version antérieure de « bilan consolider », qui publiait des repères sur moins de 5 sites et sans la colonne « publie » ; demandez un reperes.csv produit par cette version",
        ));
    }
    if !header.iter().eq(BENCHMARK_HEADER) {
        return Err(wrong(
            1,
            "ce n'est pas un fichier reperes.csv de « bilan consolider »",
        ));
    }
    let mut benchmarks = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let r = record.map_err(|_| wrong(line, "ligne illisible"))?;
        let date = |k: usize| -> Result<chrono::NaiveDate> {
            r[k].parse().map_err(|_| wrong(line, "date illisible"))
        };
        // `f64::from_str` reads « NaN » and « inf », which no benchmark is: refused
        // like any text that is not a number, not published as « NaN % ».
        let number = |k: usize| -> Result<f64> {
            r[k].parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    wrong(
                        line,
                        &format!("nombre « {} » illisible", crate::findings::excerpt(&r[k])),
                    )
                })
        };
        let kind = ProgrammeKind::from_code(&r[0]).ok_or_else(|| {
            wrong(
                line,
                &format!(
                    "type de dispositif « {} » inconnu",
                    crate::findings::excerpt(&r[0])
                ),
            )
        })?;
        let sites: usize = r[5]
            .parse()
            .map_err(|_| wrong(line, "nombre de sites illisible"))?;
        let quartiles = match &r[6] {
            "oui" if sites >= MIN_SITES => {
                Some([number(7)?, number(8)?, number(9)?, number(10)?, number(11)?])
            }
            "oui" => {
                return Err(wrong(
                    line,
                    &format!(
                        "repère publié sur {}, moins de {MIN_SITES}",
                        crate::format::count(sites as u64, "site", "sites")
                    ),
                ));
            }
            "non" => None,
            other => {
                return Err(wrong(
                    line,
                    &format!(
                        "colonne « publie » : « {} » au lieu de « oui » ou « non »",
                        crate::findings::excerpt(other)
                    ),
                ));
            }
        };
        benchmarks.push(Benchmark {
            kind,
            period: Period {
                start: date(1)?,
                end: date(2)?,
            },
            indicator: r[3].to_string(),
            modality: parse_modality(&r[4]),
            sites,
            quartiles,
        });
    }
    Ok(benchmarks)
}

/// `12,5 (10,0 – 14,2), 7 sites` for the key figures of a site's report, or
/// `non publié (3 sites)`.
pub fn benchmark_text(b: &Benchmark, unit: &str) -> String {
    let value = |v: f64| match Unit::of(unit) {
        Unit::Percent => format::percent(v),
        Unit::Euros => format::euros(v),
        _ => format::number(v, 1),
    };
    match b.quartiles {
        Some(q) => format!(
            "{} ({} – {}), {} sites",
            value(q[2]),
            value(q[1]),
            value(q[3]),
            b.sites
        ),
        None => not_published(b.sites),
    }
}

/// What a benchmark over too few sites says instead of its values.
pub fn not_published(sites: usize) -> String {
    format!(
        "non publié ({sites} site{})",
        if sites > 1 { "s" } else { "" }
    )
}
