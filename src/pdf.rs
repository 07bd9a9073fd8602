//! The report's PDF, compiled in-process by the typst library with the fonts it ships:
//! no system font, no network, no package download.

use std::sync::OnceLock;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

use anyhow::{Result, anyhow};
use chrono::Datelike;
use typst::diag::{FileError, FileResult, Severity};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

/// Parsing the embedded fonts takes a moment: once per process.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

struct ReportWorld {
    library: LazyHash<Library>,
    main: Source,
    today: chrono::NaiveDate,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.source(id)
            .map(|s| Bytes::from_string(s.text().to_string()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day() as u8,
        )
    }
}

/// The template that produced a line of the document: the last `// modèle : NAME`
/// marker above it.
fn template_at(text: &str, line: usize) -> (usize, String) {
    text.lines()
        .take(line + 1)
        .enumerate()
        .filter_map(|(i, l)| Some((i, l.trim().strip_prefix("// modèle : ")?.to_string())))
        .last()
        .unwrap_or((0, "rapport.typ.j2".to_string()))
}

/// Where an error of the layout is to be corrected: the coordinator's text and its line
/// when the error is in it (the text starts two lines below its marker), else the template.
fn place(markup: &str, line: usize) -> String {
    let (marker, template) = template_at(markup, line);
    match template.split_once(" — texte « ") {
        Some((_, file)) => format!(
            "texte « {} », ligne {}",
            file.trim_end_matches(" »"),
            line.saturating_sub(marker + 1)
        ),
        None => format!("modèle « {template} », ligne {} de rapport.typ", line + 1),
    }
}

/// How long the layout may take: a real report takes seconds, a team text looping
/// without end (`#for i in range(2000000000) {}`) would never finish.
const TIME_LIMIT: Duration = Duration::from_secs(300);

/// The layout's thread gets the stack of a main thread and more: deeply nested markup
/// is laid out by recursion.
const STACK: usize = 64 << 20;

/// The PDF of the report; `today` is the date Typst gives to `datetime.today()`.
pub fn compile(markup: &str, today: chrono::NaiveDate) -> Result<Pdf> {
    compile_within(markup, today, TIME_LIMIT)
}

/// [`compile`], given up after `limit`. Typst cannot be interrupted: the layout runs on a
/// thread of its own, left behind when too slow (the run ends with the error, and the
/// thread with the process).
pub fn compile_within(markup: &str, today: chrono::NaiveDate, limit: Duration) -> Result<Pdf> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let text = markup.to_string();
    let layout = std::thread::Builder::new()
        .name("typst".to_string())
        .stack_size(STACK)
        .spawn(move || {
            // The receiver is gone only when the run gave up waiting.
            let _ = sender.send(lay_out(&text, today));
        })
        .map_err(|_| {
            anyhow!("La mise en page du rapport en PDF n'a pas pu démarrer (mémoire insuffisante).")
        })?;
    match receiver.recv_timeout(limit) {
        Ok(pdf) => pdf,
        Err(RecvTimeoutError::Timeout) => Err(anyhow!(
            "La mise en page du rapport en PDF a été abandonnée après {} s : un texte de la coordination contient sans doute une boucle sans fin ou un calcul démesuré (par exemple « #for i in range(2000000000) »). Corrigez ce texte, ou produisez le rapport sans --pdf.",
            limit.as_secs()
        )),
        // The thread ended without sending: it panicked, and the panic is the run's.
        Err(RecvTimeoutError::Disconnected) => match layout.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => Err(anyhow!(
                "La mise en page du rapport en PDF s'est interrompue."
            )),
        },
    }
}

fn lay_out(markup: &str, today: chrono::NaiveDate) -> Result<Pdf> {
    let path = VirtualPath::new("rapport.typ").map_err(|_| anyhow!("chemin virtuel invalide"))?;
    let id = FileId::new(RootedPath::new(VirtualRoot::Project, path));
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        main: Source::new(id, markup.to_string()),
        today,
    };
    let failure = |diagnostics: &[typst::diag::SourceDiagnostic]| {
        let messages: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let line = world
                    .range(d.span)
                    .and_then(|r| world.main.lines().byte_to_line(r.start))
                    .unwrap_or(0);
                format!(
                    "{} : {}",
                    place(markup, line),
                    crate::format::typst_error(&d.message)
                )
            })
            .collect();
        anyhow!(
            "La mise en page du rapport en PDF a échoué ({}).",
            messages.join(" ; ")
        )
    };
    let document: typst_layout::PagedDocument =
        typst::compile(&world).output.map_err(|e| failure(&e))?;
    // The creation date written in the PDF is the run's day at 00:00 (UTC), not the
    // clock: the same inputs on the same day give the same bytes.
    let options = typst_pdf::PdfOptions {
        timestamp: Datetime::from_ymd_hms(
            today.year(),
            today.month() as u8,
            today.day() as u8,
            0,
            0,
            0,
        )
        .map(typst_pdf::Timestamp::new_utc),
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|e| failure(&e))?;
    Ok(Pdf {
        bytes,
        pages: document.pages().len(),
    })
}

/// A report laid out: the PDF's bytes, and its number of pages.
#[derive(Debug)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_a_page_and_says_which_template_failed() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let pdf = compile(
            "#set text(lang: \"fr\")\nBonjour « 1\u{202f}234,5 ».",
            today,
        )
        .unwrap();
        assert_eq!(pdf.pages, 1);
        let pdf = pdf.bytes;
        assert!(pdf.starts_with(b"%PDF"));
        // Its creation date is the day given, at midnight, whatever the clock says.
        let text = String::from_utf8_lossy(&pdf);
        assert!(
            text.contains("2026-01-15T00:00:00"),
            "date de création du PDF"
        );
        let error = compile("// modèle : activite.typ.j2\n#let x = (\n", today)
            .unwrap_err()
            .to_string();
        assert!(error.contains("modèle « activite.typ.j2 »"), "{error}");
        assert!(error.contains("ligne"), "{error}");
    }

    /// A loop of two thousand million turns in a team text: given up after the limit (one
    /// second here), with a French error, instead of running without end.
    #[test]
    fn an_endless_layout_is_given_up() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let start = std::time::Instant::now();
        let error = compile_within(
            "#for i in range(2000000000) {}\nFin.",
            today,
            Duration::from_secs(1),
        )
        .unwrap_err()
        .to_string();
        assert!(start.elapsed() < Duration::from_secs(30));
        assert!(error.contains("abandonnée après 1 s :"), "{error}");
        assert!(error.contains("sans --pdf"), "{error}");
    }
}
