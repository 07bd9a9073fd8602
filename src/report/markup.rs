//! Text into Typst: every text from the data as a string literal, in French typography,
//! and the coordinator's Markdown or Typst checked and turned into markup.

use std::path::Path;

use anyhow::Result;

/// A Typst string literal: the one form in which any text is safe in markup and code.
pub fn typst_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number as Typst reads it (`none` when there is nothing to draw).
pub fn typst_number(value: Option<f64>) -> String {
    value
        .filter(|v| v.is_finite())
        .map_or("none".to_string(), |v| format!("{v:.4}"))
}

/// The coordinator's Markdown as Typst markup: paragraphs, emphasis, lists, headings.
/// Every piece of text becomes a string literal, so nothing in it can break the report.
pub fn markdown_to_typst(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => out.push_str("\n\n"),
            Event::Start(Tag::Heading { .. }) => out.push_str("#block(above: 1em)[#strong["),
            Event::End(TagEnd::Heading(_)) => out.push_str("]]\n\n"),
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => out.push(']'),
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                out.push('\n');
            }
            Event::Start(Tag::Item) => {
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                out.push_str(if matches!(lists.last(), Some(Some(_))) {
                    "+ "
                } else {
                    "- "
                });
            }
            Event::End(TagEnd::Item) => out.push('\n'),
            Event::Text(text) | Event::Code(text) => {
                out.push('#');
                out.push_str(&typst_string(&text));
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str(" \\\n"),
            _ => {}
        }
    }
    out
}

/// A team text in Typst is parsed when read, so that a mistake in it is told with its
/// own file and line, whether or not the PDF is asked for.
pub fn check_typst(path: &Path, text: &str) -> Result<()> {
    use typst::syntax::LinkedNode;
    let root = typst::syntax::parse(text);
    let (errors, _) = root.errors_and_warnings();
    let Some(error) = errors.first() else {
        return Ok(());
    };
    fn first_error(node: LinkedNode) -> Option<usize> {
        if node.kind().is_error() {
            return Some(node.offset());
        }
        node.children().find_map(first_error)
    }
    let line = first_error(LinkedNode::new(&root))
        .and_then(|offset| text.get(..offset))
        .map_or(1, |before| before.matches('\n').count() + 1);
    Err(anyhow::anyhow!(
        "Le texte « {} » n'est pas du Typst valide, ligne {line} ({}) : corrigez-le, ou écrivez-le en Markdown (.md).",
        path.display(),
        crate::format::typst_error(&error.message)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_strings_are_escaped() {
        assert_eq!(typst_string("a \"b\" #c\\"), "\"a \\\"b\\\" #c\\\\\"");
    }

    #[test]
    fn markdown_becomes_safe_typst() {
        let typst = markdown_to_typst("Une *bonne* année, **malgré** tout.\n\n- un #point\n- deux");
        assert_eq!(
            typst,
            "#\"Une \"#emph[#\"bonne\"]#\" année, \"#strong[#\"malgré\"]#\" tout.\"\n\n- #\"un #point\"\n- #\"deux\"\n\n"
        );
    }
}
