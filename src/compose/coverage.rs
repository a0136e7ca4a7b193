//! Before typesetting: every character the paper will print must be in one of the fonts, or
//! PDF/A and PDF/UA refuse the file. Found from the brief alone, so that `brief check` reports
//! what `brief pdf` would refuse, at its place in the TOML.
//!
//! A character is judged with its marks, as the shaper sets it: a letter and a combining mark
//! (a Cyrillic titlo, say) are drawn from one font, so one font must have them all.

use std::collections::BTreeSet;

use unicode_segmentation::UnicodeSegmentation;

use crate::brief::model::{Brief, Paper};
use crate::compose::cite;
use crate::compose::data::{self, Print};
use crate::diag::Diagnostic;

/// The hint for a missing glyph where a PDF standard applies.
pub const STANDARD_HINT: &str = "PDF/A and PDF/UA allow no missing glyphs; to print the empty boxes anyway, build with --pdf-standard none";

/// Whether some one font has a glyph for every character of a text (a letter and its marks).
pub type Covers<'a> = &'a dyn Fn(&str) -> bool;

/// A warning for each character of the brief's printed text that no font covers, at its first
/// place in the TOML (or in its bibliography file). The citations are not formatted for this:
/// the words of the references cited and of the style's terms in the brief's language stand
/// for them, which is what a style prints, at a fraction of the cost.
pub fn uncovered(brief: &Brief, covers: Covers) -> Vec<Diagnostic> {
    let print = Print {
        paper: Paper::A4,
        bleed_mm: 0.0,
        booklet: false,
    };
    let document = data::build_unformatted(brief, &print);
    let value = serde_json::to_value(&document).expect("the document is plain data");
    let mut clusters = BTreeSet::new();
    collect(&value, &mut clusters);
    if brief.citation_style().is_some() {
        for text in cite::printed_words(brief) {
            add_clusters(&text, &mut clusters);
        }
    }
    missing(clusters, covers)
        .iter()
        .map(|text| missing_glyph(brief, text))
        .collect()
}

/// What no font can draw among `clusters` (each a letter with its marks, without what is not
/// drawn): each character no font has, alone; a cluster whose characters are each in some
/// font, but in no one font together, whole. In the order of their code points.
pub fn missing(clusters: impl IntoIterator<Item = String>, covers: Covers) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for cluster in clusters {
        if covers(&cluster) {
            continue;
        }
        let mut alone = false;
        for c in cluster.chars() {
            if !covers(c.encode_utf8(&mut [0; 4])) {
                out.insert(c.to_string());
                alone = true;
            }
        }
        if !alone {
            out.insert(cluster);
        }
    }
    out
}

/// The drawn characters of a glyph cluster's text, as [`missing`] takes them.
pub fn drawn(text: &str) -> String {
    text.chars().filter(|c| is_drawn(*c)).collect()
}

/// The diagnostic for text no font can draw (a character, or a letter with its marks),
/// pointing at its first place in the brief.
pub fn missing_glyph(brief: &Brief, text: &str) -> Diagnostic {
    let lacking = lacking(text);
    let (message, hint) = if is_one_char(text) {
        (
            format!("{lacking}; it prints as an empty box"),
            "add a font that has it with --font-path, or write the text without it",
        )
    } else {
        (
            format!("{lacking}, a letter and its marks, so they cannot be set together"),
            "add a font that has them all with --font-path, or write the text without them",
        )
    };
    let mut diagnostic = Diagnostic::warning(message).hint(hint);
    if let Some(offset) = first_in_strings(brief.file.text(), text) {
        diagnostic = diagnostic.at(&brief.file, offset..offset + text.len());
    } else if let Some((file, offset)) = brief
        .library
        .references
        .iter()
        .find_map(|r| Some((&r.file, r.file.text().find(text)?)))
    {
        // From a bibliography file: where it is written there.
        diagnostic = diagnostic.at(file, offset..offset + text.len());
    }
    diagnostic
}

/// Where `c` is first written inside a string value of the TOML (not in a comment or a key);
/// failing that, anywhere. Only called for the rare character that is missing.
fn first_in_strings(text: &str, c: &str) -> Option<usize> {
    let mut spans = vec![];
    if let Ok(root) = toml::de::DeTable::parse(text) {
        for (_, value) in root.get_ref().iter() {
            string_spans(value, &mut spans);
        }
    }
    spans.sort_by_key(|span| span.start);
    spans
        .iter()
        .find_map(|span| Some(span.start + text.get(span.clone())?.find(c)?))
        .or_else(|| text.find(c))
}

fn string_spans(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    out: &mut Vec<std::ops::Range<usize>>,
) {
    // Iterative, so that a deeply nested value cannot exhaust the stack.
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value.get_ref() {
            toml::de::DeValue::String(_) => out.push(value.span()),
            toml::de::DeValue::Array(items) => pending.extend(items.iter()),
            toml::de::DeValue::Table(table) => pending.extend(table.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

fn collect(value: &serde_json::Value, clusters: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::String(text) => add_clusters(text, clusters),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, clusters)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect(v, clusters)),
        _ => {}
    }
}

/// The clusters of `text` (each a letter with its marks, without what is not drawn), as
/// [`missing`] takes them.
pub fn clusters(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    add_clusters(text, &mut out);
    out
}

/// What no font has, as every message about it begins: ``no font has a glyph for `x`
/// (U+0078)``, or for a letter and its marks ``no one font has glyphs for all of `…` (U+…)``.
pub fn lacking(text: &str) -> String {
    let points: Vec<String> = text
        .chars()
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    let points = points.join(" ");
    if is_one_char(text) {
        format!("no font has a glyph for `{text}` ({points})")
    } else {
        format!("no one font has glyphs for all of `{text}` ({points})")
    }
}

fn is_one_char(text: &str) -> bool {
    text.chars().nth(1).is_none()
}

fn add_clusters(text: &str, clusters: &mut BTreeSet<String>) {
    for cluster in text.graphemes(true) {
        // Most clusters are drawn whole and seen before: looked up without a copy.
        if cluster.chars().all(is_drawn) {
            if !clusters.contains(cluster) {
                clusters.insert(cluster.to_string());
            }
            continue;
        }
        let drawn = drawn(cluster);
        if !drawn.is_empty() {
            clusters.insert(drawn);
        }
    }
}

/// Whether a character needs a glyph: not white space, not a control, not one of the
/// invisible format characters text layout consumes (soft hyphen, joiners, variation
/// selectors, the byte-order mark).
fn is_drawn(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}'
            | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{E0100}'..='\u{E01EF}'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn brief(title: &str) -> Brief {
        let text =
            format!("title = \"{title}\"\ndate = 2024-01-15\n[summary]\ntext = \"Summary.\"\n");
        let (brief, diagnostics) = crate::brief::load::load(&SourceFile::new("t.toml", text));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        brief.unwrap()
    }

    #[test]
    fn characters_no_font_has_are_found_at_their_place() {
        // Fonts that cover everything below the CJK blocks (the embedded ones cover Latin,
        // Cyrillic and punctuation; `82-no-glyph` in the error corpus checks them).
        let covers = |text: &str| text.chars().all(|c| u32::from(c) < 0x2E80);
        assert!(uncovered(&brief("Belarus ў і ї “quoted” – ok\u{AD}"), &covers).is_empty());
        let missing = uncovered(&brief("Taiwan 台灣"), &covers);
        let messages: Vec<&str> = missing.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "no font has a glyph for `台` (U+53F0); it prints as an empty box",
                "no font has a glyph for `灣` (U+7063); it prints as an empty box",
            ]
        );
        assert_eq!(missing[0].position().unwrap().1, 1);
    }

    #[test]
    fn a_letter_and_its_mark_must_be_in_one_font() {
        // Two fonts with ASCII: one with Cyrillic letters, one with the titlo (U+0483).
        let first = |c: char| c.is_ascii() || ('\u{0400}'..='\u{045F}').contains(&c);
        let second = |c: char| c.is_ascii() || c == '\u{0483}';
        let covers = |text: &str| text.chars().all(first) || text.chars().all(second);
        let found = |title: &str| -> Vec<(String, usize)> {
            uncovered(&brief(title), &covers)
                .iter()
                .map(|d| (d.message.clone(), d.position().unwrap().2))
                .collect()
        };
        // Each alone is drawn; together, in no one font: the cluster is named at its place,
        // not at the letter's first use.
        assert_eq!(
            found("д a д\u{0483}"),
            [(
                "no one font has glyphs for all of `д\u{0483}` (U+0434 U+0483), a letter and \
                 its marks, so they cannot be set together"
                    .to_string(),
                14
            )]
        );
        // A mark no font has is named alone, once, however many letters carry it.
        let covers = |text: &str| text.chars().all(first);
        let found: Vec<String> = uncovered(&brief("д\u{0483} е\u{0483}"), &covers)
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(
            found,
            ["no font has a glyph for `\u{0483}` (U+0483); it prints as an empty box"]
        );
        assert!(missing(["ab".to_string()], &|t: &str| t.len() == 1).contains("ab"));
    }
}
