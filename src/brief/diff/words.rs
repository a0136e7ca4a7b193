//! Text compared word by word, with `similar`: the pieces of a field that stayed, went and
//! came, and how alike two texts are.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};

/// A run of words that both versions share, or that only one has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "kebab-case")]
pub enum Piece {
    Same(String),
    Deleted(String),
    Inserted(String),
}

/// The word-by-word difference of two texts. Whitespace travels with the words around it, so
/// that joining the `Same` and `Deleted` pieces gives `old` back, and `Same` and `Inserted`
/// give `new`.
pub fn diff(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_words(old, new);
    let mut raw: Vec<Piece> = vec![];
    for change in diff.iter_all_changes() {
        let text = change.value();
        match (change.tag(), raw.last_mut()) {
            (ChangeTag::Equal, Some(Piece::Same(run)))
            | (ChangeTag::Delete, Some(Piece::Deleted(run)))
            | (ChangeTag::Insert, Some(Piece::Inserted(run))) => run.push_str(text),
            (ChangeTag::Equal, _) => raw.push(Piece::Same(text.into())),
            (ChangeTag::Delete, _) => raw.push(Piece::Deleted(text.into())),
            (ChangeTag::Insert, _) => raw.push(Piece::Inserted(text.into())),
        }
    }
    grouped(raw)
}

/// Changes separated only by spaces become one deletion and one insertion, the spaces in both:
/// `[-close it-]{+stop the traffic+}` rather than a deletion and an insertion for each word.
fn grouped(raw: Vec<Piece>) -> Vec<Piece> {
    let is_change = |p: Option<&Piece>| matches!(p, Some(Piece::Deleted(_) | Piece::Inserted(_)));
    let mut pieces = vec![];
    let mut i = 0;
    while i < raw.len() {
        if !is_change(raw.get(i)) {
            pieces.push(raw[i].clone());
            i += 1;
            continue;
        }
        let (mut deleted, mut inserted) = (String::new(), String::new());
        while i < raw.len() {
            match &raw[i] {
                Piece::Deleted(t) => deleted.push_str(t),
                Piece::Inserted(t) => inserted.push_str(t),
                Piece::Same(t) if t.trim().is_empty() && is_change(raw.get(i + 1)) => {
                    deleted.push_str(t);
                    inserted.push_str(t);
                }
                Piece::Same(_) => break,
            }
            i += 1;
        }
        if !deleted.is_empty() {
            pieces.push(Piece::Deleted(deleted));
        }
        if !inserted.is_empty() {
            pieces.push(Piece::Inserted(inserted));
        }
    }
    pieces
}

/// How alike two texts are, from 0 (nothing shared) to 1 (the same words).
pub fn similarity(old: &str, new: &str) -> f32 {
    // Words only: the spaces between them would make any two sentences look alike.
    let old: Vec<&str> = old.split_whitespace().collect();
    let new: Vec<&str> = new.split_whitespace().collect();
    if old.is_empty() && new.is_empty() {
        return 1.0;
    }
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new);
    similar::get_diff_ratio(&ops, old.len(), new.len())
}

/// The changed parts of a diff with a few words of context around each, long unchanged runs
/// cut to `…`: what a summary line shows.
pub fn condensed(pieces: &[Piece], context: usize) -> Vec<Piece> {
    let mut out = vec![];
    for (i, piece) in pieces.iter().enumerate() {
        let Piece::Same(text) = piece else {
            out.push(piece.clone());
            continue;
        };
        // Spaces before the first word stay with it, so that they do not count as a word.
        let rest = text.trim_start();
        let lead = &text[..text.len() - rest.len()];
        let mut words: Vec<String> = rest
            .split_inclusive(char::is_whitespace)
            .map(str::to_string)
            .collect();
        match words.first_mut() {
            Some(first) => first.insert_str(0, lead),
            None => words.push(lead.to_string()),
        }
        let keep_head = if i == 0 { 0 } else { context };
        let keep_tail = if i + 1 == pieces.len() { 0 } else { context };
        if words.len() <= keep_head + keep_tail + 1 {
            out.push(piece.clone());
            continue;
        }
        let head = words[..keep_head].concat();
        let tail = words[words.len() - keep_tail..].concat();
        let mut cut = head.trim_end().to_string();
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push('…');
        if !tail.is_empty() {
            cut.push(' ');
        }
        cut.push_str(&tail);
        out.push(Piece::Same(cut));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(pieces: &[Piece], keep: fn(&Piece) -> Option<&str>) -> String {
        pieces.iter().filter_map(keep).collect()
    }

    #[test]
    fn pieces_give_back_both_texts() {
        let old = "The regime in Minsk depends on Moscow for *gas* and loans.";
        let new = "The regime in Minsk now depends on Moscow for *oil* and loans.";
        let pieces = diff(old, new);
        let old_again = join(&pieces, |p| match p {
            Piece::Same(t) | Piece::Deleted(t) => Some(t),
            Piece::Inserted(_) => None,
        });
        let new_again = join(&pieces, |p| match p {
            Piece::Same(t) | Piece::Inserted(t) => Some(t),
            Piece::Deleted(_) => None,
        });
        assert_eq!((old_again.as_str(), new_again.as_str()), (old, new));
        assert!(
            pieces
                .iter()
                .any(|p| matches!(p, Piece::Inserted(t) if t.trim() == "now")),
            "{pieces:?}"
        );
        assert!(
            pieces.contains(&Piece::Deleted("*gas*".into())),
            "{pieces:?}"
        );
        assert!(similarity(old, new) > 0.7);
        assert_eq!(similarity("a b c", "x y z"), 0.0);
    }

    #[test]
    fn condensed_keeps_context_around_changes() {
        let pieces = diff(
            "one two three four five six seven eight nine ten",
            "one two three four five SIX seven eight nine ten",
        );
        let text: String = condensed(&pieces, 2)
            .iter()
            .map(|p| match p {
                Piece::Same(t) => t.clone(),
                Piece::Deleted(t) => format!("[-{t}-]"),
                Piece::Inserted(t) => format!("{{+{t}+}}"),
            })
            .collect();
        assert_eq!(text, "… four five [-six-]{+SIX+} seven eight …");
    }
}
