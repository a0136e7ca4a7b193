//! Reading the `classification` key as a marking: a level of a known scheme or free text, with
//! an unknown level reported at the key with the scheme's levels.

use super::read::Reader;
use crate::brief::marking::{self, Marking};
use crate::brief::model::Str;

impl Reader<'_> {
    /// The marking `classification` writes, or None (with an error) for an unknown level.
    pub(super) fn marking(&mut self, classification: &Str) -> Option<Marking> {
        match marking::parse(&classification.value) {
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
