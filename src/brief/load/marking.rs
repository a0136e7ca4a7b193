//! Reading the `classification` key as a marking: a level of a known scheme or free text, with
//! an unknown level reported at the key with the scheme's levels. A marking is printed at the
//! top and bottom of pages: it must be one line, short, and print in the order it is written.

use super::read::Reader;
use super::spans::SpanMap;
use crate::brief::marking::{self, MAX_MARKING_CHARS, Marking};
use crate::brief::model::Str;

impl Reader<'_> {
    /// The marking `classification` writes, or None (with an error) for an unknown level or a
    /// marking that cannot be printed as one.
    pub(super) fn marking(&mut self, classification: &Str) -> Option<Marking> {
        let mut printable = self.in_order("classification", classification);
        let text = &classification.value;
        if let Some((at, c)) = text
            .char_indices()
            .find(|(_, c)| matches!(c, '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}'))
        {
            let place = SpanMap::new(self.file.text(), text, &classification.span)
                .map(at..at + c.len_utf8());
            let what = if c == '\t' { "a tab" } else { "a line break" };
            self.error(
                place,
                format!("`classification` holds {what}, but a marking is printed on one line"),
            )
            .hints
            .push("write the marking on one line, with spaces between its words".into());
            printable = false;
        }
        let length = text.trim().chars().count();
        if length > MAX_MARKING_CHARS {
            self.error(
                classification.span.clone(),
                format!(
                    "`classification` is {length} characters long, more than a marking may be \
                     ({MAX_MARKING_CHARS})"
                ),
            )
            .hints
            .push("a marking is a few words, such as \"OFFICIAL-SENSITIVE\" or \"Embargoed until 5 May\"; say more in the `disclaimer`".into());
            printable = false;
        }
        if !printable {
            return None;
        }
        match marking::parse(text) {
            Ok(marking) => Some(marking),
            Err(unknown) => {
                let diagnostic = self.error(classification.span.clone(), unknown.message());
                if let Some(suggestion) = &unknown.suggestion {
                    diagnostic
                        .hints
                        .push(format!("did you mean `{suggestion}`?"));
                }
                if let Some(note) = unknown.note {
                    diagnostic.hints.push(note.into());
                }
                diagnostic
                    .hints
                    .push(format!("the levels are {}", list(&unknown.allowed)));
                None
            }
        }
    }
}

/// `A`, `B` and `C`.
fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.join(""),
    }
}
