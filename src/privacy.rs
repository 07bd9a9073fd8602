//! Who reads the outputs, and the privacy rule that follows: the data are health data of
//! vulnerable people, so the outputs shared beyond the team hide small counts.

use serde::Deserialize;

/// The readers of a run's outputs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Audience {
    /// The site's coordination: every table, and the identifiers behind each count.
    Interne,
    /// Evaluators and boards: no identifier, small counts masked.
    Diffusion,
}

impl Audience {
    pub fn code(self) -> &'static str {
        match self {
            Audience::Interne => "interne",
            Audience::Diffusion => "diffusion",
        }
    }
}

/// The `[confidentialite]` section of the site configuration.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Privacy {
    /// Counts from 1 to `seuil − 1` are masked in `diffusion` outputs; 0 turns masking off.
    #[serde(default = "default_threshold", rename = "seuil")]
    pub threshold: u32,
}

fn default_threshold() -> u32 {
    5
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            threshold: default_threshold(),
        }
    }
}

impl Privacy {
    /// Counts below this are masked for the audience; 0 when nothing is masked.
    pub fn threshold(&self, audience: Audience) -> u32 {
        match audience {
            Audience::Interne => 0,
            Audience::Diffusion => self.threshold,
        }
    }
}
