//! Before typesetting: every character the paper will print must be in one of the fonts, or
//! PDF/A and PDF/UA refuse the file. Found from the brief alone, so that `brief check` reports
//! what `brief pdf` would refuse, at its place in the TOML.

use std::collections::BTreeSet;

use crate::brief::model::{Brief, Paper};
use crate::compose::cite;
use crate::compose::data::{self, Print};
use crate::diag::Diagnostic;

/// The hint for a missing glyph where a PDF standard applies.
pub const STANDARD_HINT: &str = "PDF/A and PDF/UA allow no missing glyphs; to print the empty boxes anyway, build with --pdf-standard none";

/// A warning for each character of the brief's printed text that no font covers, at its first
/// place in the TOML (or in its bibliography file). The citations are not formatted for this:
/// the words of the references cited and of the style's terms in the brief's language stand
/// for them, which is what a style prints, at a fraction of the cost.
pub fn uncovered(brief: &Brief, covers: &dyn Fn(char) -> bool) -> Vec<Diagnostic> {
    let print = Print {
        paper: Paper::A4,
        bleed_mm: 0.0,
        booklet: false,
    };
    let document = data::build_unformatted(brief, &print);
    let value = serde_json::to_value(&document).expect("the document is plain data");
    let mut chars = BTreeSet::new();
    collect(&value, &mut chars);
    if brief.citation_style().is_some() {
        for text in cite::printed_words(brief) {
            chars.extend(text.chars().filter(|c| is_drawn(*c)));
        }
    }
    chars
        .into_iter()
        .filter(|c| !covers(*c))
        .map(|c| missing_glyph(brief, c))
        .collect()
}

/// The diagnostic for a character no font has, pointing at its first place in the brief.
pub fn missing_glyph(brief: &Brief, c: char) -> Diagnostic {
    let message = format!(
        "no font has a glyph for `{c}` (U+{:04X}); it prints as an empty box",
        c as u32
    );
    let mut diagnostic = Diagnostic::warning(message)
        .hint("add a font that has it with --font-path, or write the text without it");
    if let Some(offset) = first_in_strings(brief.file.text(), c) {
        diagnostic = diagnostic.at(&brief.file, offset..offset + c.len_utf8());
    } else if let Some((file, offset)) = brief
        .library
        .references
        .iter()
        .find_map(|r| Some((&r.file, r.file.text().find(c)?)))
    {
        // From a bibliography file: where it is written there.
        diagnostic = diagnostic.at(file, offset..offset + c.len_utf8());
    }
    diagnostic
}

/// Where `c` is first written inside a string value of the TOML (not in a comment or a key);
/// failing that, anywhere. Only called for the rare character that is missing.
fn first_in_strings(text: &str, c: char) -> Option<usize> {
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

fn collect(value: &serde_json::Value, chars: &mut BTreeSet<char>) {
    match value {
        serde_json::Value::String(text) => {
            chars.extend(text.chars().filter(|c| is_drawn(*c)));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, chars)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect(v, chars)),
        _ => {}
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
        let covers = |c: char| u32::from(c) < 0x2E80;
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
}
