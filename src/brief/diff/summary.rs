//! The change summary of `brief diff` as plain text (a terminal, a log), Markdown (a comment on
//! a pull request) or JSON (tools). Brief text in the Markdown is escaped, so that a brief
//! cannot add a link, an image or a table row to the comment.

use serde_json::{Map, Value, json};

use crate::brief::diff::words::{self, Piece};

/// The forms of a change summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// The summary of `changes` from `old` to `new` in `format`.
pub fn render(format: Format, changes: &Changes, old: &str, new: &str) -> String {
    match format {
        Format::Text => text(changes, old, new),
        Format::Json => json(changes, old, new),
        Format::Markdown => markdown(changes, old, new),
    }
}
use crate::brief::diff::{Change, Changes, Kind, Status};

/// Words of unchanged context shown either side of a change.
const CONTEXT: usize = 4;

/// What a reader is told when the two briefs share nothing.
pub const UNRELATED: &str =
    "the two briefs share no title and no item: they look like two different briefs";

/// The one-line tally: "3 changes: 1 section changed, 1 actor added".
fn headline(changes: &Changes) -> String {
    let count = changes.changes.len();
    let noun = if count == 1 { "change" } else { "changes" };
    format!("{count} {noun}: {}", changes.tally().join(", "))
}

/// How an item is named, as a reader knows it: by its name, heading or title in quotes (an
/// event by its date and title), with the id where it has one.
pub fn label(change: &Change) -> String {
    match (change.kind, &change.id, &change.date) {
        (Kind::Metadata | Kind::Summary, _, _) => change.kind.name().to_string(),
        (_, Some(id), _) => format!("{} “{}” ({id})", change.kind.name(), change.item),
        (_, None, Some(date)) => format!("{} {date} “{}”", change.kind.name(), change.item),
        (_, None, None) => format!("{} “{}”", change.kind.name(), change.item),
    }
}

fn status(change: &Change) -> String {
    match (change.status, change.moved) {
        (Status::Changed, true) => "changed and moved".into(),
        (status, _) => status.name().into(),
    }
}

/// The summary as plain text, one line per changed item, words marked as `git diff
/// --word-diff` marks them: `[-deleted-]{+inserted+}`.
pub fn text(changes: &Changes, old: &str, new: &str) -> String {
    let mut out = format!("{old} -> {new}: ");
    if changes.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    out.push_str(&headline(changes));
    out.push('\n');
    if !changes.related {
        out.push_str(&format!("note: {UNRELATED}\n"));
    }
    for change in &changes.changes {
        let mut line = format!("  {:<9} {}", status(change), label(change));
        if let Some(from) = &change.renamed_from {
            line.push_str(&format!(" (was “{from}”)"));
        }
        for field in &change.fields {
            line.push_str(&format!("\n      {}: ", field.field));
            for piece in words::condensed(&words::diff(&field.old, &field.new), CONTEXT) {
                match piece {
                    Piece::Same(t) => line.push_str(&one_line(&t)),
                    Piece::Deleted(t) => line.push_str(&format!("[-{}-]", one_line(&t))),
                    Piece::Inserted(t) => line.push_str(&format!("{{+{}+}}", one_line(&t))),
                }
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The summary as Markdown for a pull-request comment: a heading, the tally, and a table with
/// one row per changed item, deleted words ~~struck~~ and inserted ones <ins>underlined</ins>.
pub fn markdown(changes: &Changes, old: &str, new: &str) -> String {
    let (old, new) = (escape(old), escape(new));
    if changes.is_empty() {
        return format!("### No changes to {new}\n\nCompared with {old}: no changes.\n");
    }
    let mut out = format!(
        "### Changes to {new}\n\nCompared with {old}: {}.\n",
        escape(&headline(changes))
    );
    if !changes.related {
        out.push_str(&format!("\n> **Note:** {UNRELATED}.\n"));
    }
    out.push_str("\n| Change | Item | What changed |\n| --- | --- | --- |\n");
    for change in &changes.changes {
        let mut item = escape(&label(change));
        if let Some(from) = &change.renamed_from {
            item.push_str(&format!(" (was “{}”)", escape(from)));
        }
        let details: Vec<String> = change
            .fields
            .iter()
            .map(|field| {
                let mut text = format!("**{}**: ", field.field);
                let mut after_deletion = false;
                for piece in words::condensed(&words::diff(&field.old, &field.new), CONTEXT) {
                    match &piece {
                        Piece::Same(t) => text.push_str(&escape(t)),
                        Piece::Deleted(t) => text.push_str(&marked("~~", "~~", t)),
                        Piece::Inserted(t) => {
                            // A replacement reads as two words: `~~old~~ <ins>new</ins>`.
                            if after_deletion {
                                text.push(' ');
                            }
                            text.push_str(&marked("<ins>", "</ins>", t));
                        }
                    }
                    after_deletion = matches!(piece, Piece::Deleted(_));
                }
                text
            })
            .collect();
        out.push_str(&format!(
            "| {} | {item} | {} |\n",
            status(change),
            details.join("<br>")
        ));
    }
    out
}

/// Marked words, with the whitespace around them left outside the marks (Markdown does not
/// close `~~ x ~~`).
fn marked(open: &str, close: &str, text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return escape(text);
    }
    let lead = &text[..text.len() - text.trim_start().len()];
    let trail = &text[text.trim_end().len()..];
    format!(
        "{}{open}{}{close}{}",
        escape(lead),
        escape(trimmed),
        escape(trail)
    )
}

/// The summary as JSON: both files, whether they are related, the counts per kind and status,
/// and every change with its fields and their word-by-word pieces.
pub fn json(changes: &Changes, old: &str, new: &str) -> String {
    let mut counts = Map::new();
    for kind in Kind::ALL {
        let mut per = Map::new();
        for status in Status::ALL {
            let count = changes.count(kind, status);
            if count > 0 {
                per.insert(status.name().into(), count.into());
            }
        }
        if !per.is_empty() {
            counts.insert(kind.name().into(), Value::Object(per));
        }
    }
    let list: Vec<Value> = changes
        .changes
        .iter()
        .map(|change| {
            let mut value = serde_json::to_value(change).expect("a change serialises");
            if let Some(Value::Array(fields)) = value.get_mut("fields") {
                for (field, change) in fields.iter_mut().zip(&change.fields) {
                    field["words"] = serde_json::to_value(words::diff(&change.old, &change.new))
                        .expect("pieces serialise");
                }
            }
            value
        })
        .collect();
    let document = json!({
        "old": old,
        "new": new,
        "related": changes.related,
        "counts": counts,
        "changes": list,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("JSON serialises");
    text.push('\n');
    text
}

/// A field's text on one line: line breaks become `¶ ` (paragraphs) or spaces.
fn one_line(text: &str) -> String {
    text.replace("\n\n", " ¶ ").replace('\n', " ")
}

/// Brief text made inert in Markdown (and in the HTML GitHub allows in it): punctuation that
/// could start markup is escaped, `<`, `>` and `&` become entities, line breaks spaces, and
/// addresses that GitHub would turn into links by themselves (`https://…`, `www.…`) are broken
/// with an escape, so that a brief cannot put a link into a comment.
pub fn escape(text: &str) -> String {
    let line = one_line(text);
    let mut out = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        let before = &line[..i];
        let autolink =
            (c == ':' && line[i..].starts_with("://")) || (c == '.' && starts_www(before));
        if autolink {
            out.push('\\');
            out.push(c);
            continue;
        }
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // `@` would mention a user and `#` link an issue; the rest start emphasis, code,
            // links, table cells or strike-through.
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '@' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether `before` ends in `www` at the start of a word (`www.`, not `awww.`).
fn starts_www(before: &str) -> bool {
    let bytes = before.as_bytes();
    if bytes.len() < 3 || !bytes[bytes.len() - 3..].eq_ignore_ascii_case(b"www") {
        return false;
    }
    let head = &before[..before.len() - 3];
    head.chars()
        .next_back()
        .is_none_or(|p| !p.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_do_not_become_links() {
        assert_eq!(
            escape("see https://evil.example/x and www.evil.example"),
            "see https\\://evil.example/x and www\\.evil.example"
        );
        assert_eq!(escape("awww.nice"), "awww.nice");
    }

    #[test]
    fn markdown_from_a_brief_stays_text() {
        assert_eq!(
            escape("a | b ![x](http://e) <script> *y* @team"),
            "a \\| b !\\[x\\](http\\://e) &lt;script&gt; \\*y\\* \\@team"
        );
        assert_eq!(marked("~~", "~~", " gas "), " ~~gas~~ ");
    }
}
