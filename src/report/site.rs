//! The page of a site with several programmes, before their own: each programme's main
//! figures side by side, and the persons who moved from one programme to another.

use anyhow::Result;
use serde::Serialize;

use super::figures::{plain_figure, table_of};
use crate::figure::Nature;
use crate::indicators::Catalogue;
use crate::indicators::moves::{self, Move};
use crate::output::{Run, Shown};

#[derive(Serialize)]
pub struct SiteDoc {
    programmes: Vec<String>,
    /// One row per figure of `site_figures`: its label, then N and N-1 of each programme.
    rows: Vec<(String, Vec<[String; 2]>)>,
    moves: Vec<MoveDoc>,
    /// What a move is, under its table.
    moves_note: String,
}

#[derive(Serialize)]
struct MoveDoc {
    from: String,
    to: String,
    current: String,
    previous: String,
}

/// The site's page, for a run of two programmes or more.
pub fn site_doc(run: &Run, catalogue: &Catalogue) -> Result<Option<SiteDoc>> {
    if run.programmes.len() < 2 {
        return Ok(None);
    }
    let rows = catalogue
        .site_figures
        .iter()
        .filter_map(|id| {
            let label = catalogue.lookup(id)?.1.label.clone();
            let values: Vec<[String; 2]> = run
                .programmes
                .iter()
                .map(|p| {
                    table_of(p, id)
                        .and_then(|t| plain_figure(t, "total"))
                        .map_or(["—".to_string(), "—".to_string()], |f| {
                            [f.n_text, f.n1_text]
                        })
                })
                .collect();
            Some((label, values))
        })
        .collect();
    let datasets: Vec<_> = run.programmes.iter().map(|p| p.data).collect();
    let threshold = run.threshold();
    // A move is a count of persons: below the threshold it is masked as any such count.
    let shown = |n: u32| {
        let shown = if n > 0 && n < threshold {
            Shown::Masked(threshold)
        } else {
            Shown::Value(f64::from(n))
        };
        shown.display("personnes", Nature::Headcount)
    };
    let name = |k: usize| run.programmes[k].programme.name.clone();
    let moves = moves::between(&datasets, run.periods())?
        .into_iter()
        .map(|Move { from, to, persons }| MoveDoc {
            from: name(from),
            to: name(to),
            current: shown(persons[0]),
            previous: shown(persons[1]),
        })
        .collect();
    Ok(Some(SiteDoc {
        programmes: (0..run.programmes.len()).map(name).collect(),
        rows,
        moves,
        moves_note: format!(
            "Passage : personne dont l'accompagnement dans un dispositif du site prend fin et qui entre dans un autre dans les {} jours ; comptée une fois par couple de dispositifs, l'année de son entrée.",
            moves::WITHIN_DAYS
        ),
    }))
}
