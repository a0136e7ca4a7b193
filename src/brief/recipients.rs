//! A distribution list: who gets a numbered copy of a brief. Read from TOML (`[[recipients]]`
//! with `name`, `organisation` and `note`) or CSV (header `name,organisation,note`), with every
//! problem located in the list as a brief's problems are.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use crate::brief::csv;
use crate::brief::load::is_refused_char;
use crate::diag::{Diagnostic, closest};
use crate::error::Failure;
use crate::fs;
use crate::source::SourceFile;

/// The most copies one run numbers: a list longer than this is surely not a distribution list.
pub const MAX_RECIPIENTS: usize = 10_000;

/// The columns of a CSV list and the keys of a TOML entry.
const KEYS: [&str; 3] = ["name", "organisation", "note"];

/// The longest `name` and `organisation`, in characters. Every page's foot prints "Copy 1999
/// of 2000 · Issued to NAME, ORGANISATION" on one line of the paper's 138 mm measure at its
/// small size (about 90 characters), beside the classification, and cuts it at a word where it
/// does not fit. Real names and ministries are far shorter; a longer value is a pasted
/// paragraph, and the copy would name its recipient only in part.
pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_ORGANISATION_CHARS: usize = 80;

/// One person on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub organisation: Option<String>,
    /// For the register only (why they get a copy, where it was sent); never printed.
    pub note: Option<String>,
}

impl Recipient {
    /// How the copy names its recipient: "Jane Doe, Ministry of Foreign Affairs".
    pub fn label(&self) -> String {
        match &self.organisation {
            Some(organisation) => format!("{}, {organisation}", self.name),
            None => self.name.clone(),
        }
    }
}

/// Reads a distribution list (through `files`): `.csv` as CSV, anything else as TOML.
pub fn read(files: &dyn fs::Files, path: &Path) -> Result<Vec<Recipient>, Failure> {
    let name = path.display().to_string();
    let bytes = files.read(path, "recipient list", fs::MAX_BRIEF_BYTES)?;
    let Ok(text) = String::from_utf8(bytes) else {
        let file = SourceFile::new(name.clone(), "");
        return Err(Failure::Brief(vec![
            Diagnostic::error(format!("{name} is not UTF-8 text")).at(&file, 0..0),
        ]));
    };
    let file = SourceFile::from_disk(name, text);
    let csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let (recipients, diagnostics) = if csv {
        parse_csv(&file)
    } else {
        parse_toml(&file)
    };
    if diagnostics.is_empty() {
        Ok(recipients)
    } else {
        Err(Failure::Brief(diagnostics))
    }
}

/// Collects the problems of one list.
struct Checker<'f> {
    file: &'f Arc<SourceFile>,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(message).at(self.file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Checks one value at `span` (the TOML string or the CSV field, as written): a name must
    /// not be blank, no value may hold a character a PDF cannot carry or a bidirectional
    /// control (which would print the name in another order than the register holds it), and
    /// the printed values must fit the page's foot.
    fn value(&mut self, key: &str, text: &str, span: Range<usize>) {
        if key == "name" && text.trim().is_empty() {
            self.error(span.clone(), "a recipient's `name` must not be empty");
        }
        if let Some(c) = text.chars().find(|c| is_refused_char(*c)) {
            self.error(
                span.clone(),
                format!("`{key}` holds {c:?}, which a PDF cannot carry"),
            )
            .hints
            .push("remove the character".into());
        }
        if let Some((c, what)) = text.chars().find_map(|c| Some((c, bidi_control(c)?))) {
            // At the character itself when the file holds it as it is (not as an escape).
            let at = self.file.text()[span.clone()]
                .find(c)
                .map_or(span.clone(), |i| {
                    span.start + i..span.start + i + c.len_utf8()
                });
            self.error(
                at,
                format!(
                    "`{key}` holds U+{:04X} {what}, a bidirectional control that would change the order in which the copy prints it",
                    u32::from(c)
                ),
            )
            .hints
            .push("remove it: a name in Arabic or Hebrew script is printed right to left without it".into());
        }
        let limit = match key {
            "name" => MAX_NAME_CHARS,
            "organisation" => MAX_ORGANISATION_CHARS,
            _ => usize::MAX,
        };
        let length = text.trim().chars().count();
        if length > limit {
            self.error(
                span,
                format!("`{key}` is {length} characters long, more than {limit}"),
            )
            .hints
            .push(format!(
                "the foot of every page prints the recipient's name and organisation; shorten it \
                 to {limit} characters or fewer (`note` goes to the register only and may be longer)"
            ));
        }
    }

    fn finish(&mut self, recipients: &[Recipient]) {
        if recipients.is_empty() && self.diagnostics.is_empty() {
            let hint = if self.file.name().to_ascii_lowercase().ends_with(".csv") {
                "write a line `name,organisation,note` and a line per recipient under it"
            } else {
                "add a `[[recipients]]` table with a `name` for each recipient"
            };
            let end = self.file.text().len();
            self.error(end..end, "the list names no recipient")
                .hints
                .push(hint.into());
        }
        if recipients.len() > MAX_RECIPIENTS {
            self.error(
                0..0,
                format!(
                    "the list names {} recipients, more than {MAX_RECIPIENTS}",
                    recipients.len()
                ),
            );
        }
    }
}

/// The Unicode name of `c` if it is a bidirectional control: the embeddings and overrides
/// (U+202A–U+202E), the isolates (U+2066–U+2069) and the implicit marks (U+200E, U+200F,
/// U+061C). Each can make a name print in another order than it is stored (a "Trojan Source"
/// name), so that the copy and the register would disagree about whose it is.
fn bidi_control(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{061C}' => "ARABIC LETTER MARK",
        _ => return None,
    })
}

fn parse_toml(file: &Arc<SourceFile>) -> (Vec<Recipient>, Vec<Diagnostic>) {
    let mut check = Checker {
        file,
        diagnostics: vec![],
    };
    let root = match DeTable::parse(file.text()) {
        Ok(root) => root,
        Err(error) => {
            let message = error.message().trim();
            let first = message.lines().next().unwrap_or(message);
            check.error(
                error.span().unwrap_or(0..0),
                format!("invalid TOML: {first}"),
            );
            return (vec![], check.diagnostics);
        }
    };
    let mut recipients = vec![];
    for (key, value) in root.get_ref() {
        if key.get_ref() != "recipients" {
            let suggestion = closest(key.get_ref(), ["recipients"]);
            let diagnostic = check.error(
                key.span(),
                format!("unknown key `{}` in the list", key.get_ref()),
            );
            if let Some(s) = suggestion {
                diagnostic.hints.push(format!("did you mean `{s}`?"));
            }
            diagnostic
                .hints
                .push("a list holds `[[recipients]]` tables only".into());
            continue;
        }
        let DeValue::Array(items) = value.get_ref() else {
            check.error(
                value.span(),
                "`recipients` must be an array of tables, written as `[[recipients]]`",
            );
            continue;
        };
        for (index, item) in items.iter().enumerate() {
            let DeValue::Table(entries) = item.get_ref() else {
                check.error(item.span(), "each entry of `recipients` must be a table");
                continue;
            };
            let header = match item.span() {
                span if span.is_empty() => key.span(),
                span => span,
            };
            let mut fields: [Option<String>; 3] = Default::default();
            // A misspelt `name` is one error, not two ("unknown key" and "no name").
            let mut misspelt_name = false;
            for (k, v) in entries {
                let Some(at) = KEYS.iter().position(|known| *known == k.get_ref()) else {
                    let suggestion = closest(k.get_ref(), KEYS);
                    misspelt_name |= suggestion == Some("name") && !entries.contains_key("name");
                    let diagnostic = check.error(
                        k.span(),
                        format!(
                            "unknown key `{}` in [[recipients]] entry {}",
                            k.get_ref(),
                            index + 1
                        ),
                    );
                    if let Some(s) = suggestion {
                        diagnostic.hints.push(format!("did you mean `{s}`?"));
                    }
                    continue;
                };
                match v.get_ref() {
                    DeValue::String(text) => {
                        check.value(KEYS[at], text, v.span());
                        fields[at] = Some(text.to_string());
                    }
                    _ => {
                        check.error(v.span(), format!("`{}` must be a string", KEYS[at]));
                    }
                }
            }
            let [name, organisation, note] = fields;
            match name {
                Some(name) => recipients.push(Recipient {
                    name: name.trim().to_string(),
                    organisation: organisation
                        .filter(|o| !o.trim().is_empty())
                        .map(|o| o.trim().to_string()),
                    note: note.filter(|n| !n.trim().is_empty()),
                }),
                None if misspelt_name => {}
                None => {
                    check
                        .error(
                            header,
                            format!("[[recipients]] entry {} has no `name`", index + 1),
                        )
                        .hints
                        .push("add `name = \"…\"`".into());
                }
            }
        }
    }
    check.finish(&recipients);
    (recipients, check.diagnostics)
}

fn parse_csv(file: &Arc<SourceFile>) -> (Vec<Recipient>, Vec<Diagnostic>) {
    let mut check = Checker {
        file,
        diagnostics: vec![],
    };
    let (records, syntax) = csv::records(file.text(), usize::MAX);
    let mut recipients = vec![];
    for (index, record) in records.iter().enumerate() {
        let line = record.line.clone();
        if index == 0 {
            let header: Vec<&str> = record.fields.iter().map(|f| f.trim()).collect();
            if header != KEYS {
                check.error(line, "the first line of a CSV list must be `name,organisation,note`")
                    .hints
                    .push("name the three columns in this order; leave a recipient's organisation or note empty where there is none".into());
                return (vec![], check.diagnostics);
            }
            continue;
        }
        if record.fields.len() != KEYS.len() {
            check
                .error(
                    line.clone(),
                    format!(
                        "this line has {} fields, not 3 (name, organisation, note)",
                        record.fields.len()
                    ),
                )
                .hints
                .push("put a value in double quotes if it holds a comma".into());
            continue;
        }
        for (i, field) in record.fields.iter().enumerate() {
            let span = record.spans.get(i).cloned().unwrap_or_else(|| line.clone());
            check.value(KEYS[i], field, span);
        }
        let field = |i: usize| Some(record.fields[i].trim().to_string()).filter(|f| !f.is_empty());
        recipients.push(Recipient {
            name: record.fields[0].trim().to_string(),
            organisation: field(1),
            note: field(2),
        });
    }
    if let Some(syntax) = syntax {
        check
            .error(syntax.span, syntax.message)
            .hints
            .extend(syntax.hints);
    }
    check.finish(&recipients);
    (recipients, check.diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml(text: &str) -> (Vec<Recipient>, Vec<String>) {
        let (r, d) = parse_toml(&SourceFile::new("list.toml", text));
        (r, d.iter().map(|d| d.message.clone()).collect())
    }

    fn csv(text: &str) -> (Vec<Recipient>, Vec<String>) {
        let (r, d) = parse_csv(&SourceFile::new("list.csv", text));
        (r, d.iter().map(|d| d.message.clone()).collect())
    }

    #[test]
    fn toml_lists() {
        let (r, d) = toml(
            "[[recipients]]\nname = \"Ann\"\norganisation = \"MFA\"\n[[recipients]]\nname = \"Bo\"\nnote = \"by post\"\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r[0].label(), "Ann, MFA");
        assert_eq!(r[1].label(), "Bo");
        assert_eq!(r[1].note.as_deref(), Some("by post"));
        let (_, d) = toml("[[recipients]]\nnmae = \"Ann\"\n[[recipient]]\nname = \"x\"\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().any(|d| d.contains("unknown key `nmae`")), "{d:?}");
        assert!(
            d.iter().any(|d| d.contains("unknown key `recipient`")),
            "{d:?}"
        );
        let (_, d) = toml("[[recipients]]\norganisation = \"MFA\"\n");
        assert_eq!(d, vec!["[[recipients]] entry 1 has no `name`"]);
        assert_eq!(toml("").1, vec!["the list names no recipient"]);
    }

    /// Where each diagnostic points, as `line:column`.
    fn places(file: &Arc<SourceFile>, diagnostics: &[Diagnostic]) -> Vec<String> {
        diagnostics
            .iter()
            .map(|d| {
                let span = &d.location.as_ref().expect("located").span;
                let (line, column) = file.line_column(span.start);
                format!("{line}:{column}")
            })
            .collect()
    }

    #[test]
    fn every_bidi_control_is_refused_and_nothing_else() {
        let controls = [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ];
        for c in controls {
            let (_, d) = toml(&format!("[[recipients]]\nname = \"Ann{c}\"\n"));
            assert_eq!(d.len(), 1, "U+{:04X}: {d:?}", u32::from(c));
            assert!(d[0].contains("a bidirectional control"), "{d:?}");
            let (_, d) = csv(&format!("name,organisation,note\nAnn,MFA{c},\n"));
            assert_eq!(d.len(), 1, "U+{:04X}: {d:?}", u32::from(c));
        }
        // Right-to-left script needs none of them; the note is never printed but is checked
        // all the same, as the register keeps it.
        let (r, d) = toml("[[recipients]]\nname = \"דנה לוי\"\norganisation = \"وزارة\"\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r[0].name, "דנה לוי");
    }

    #[test]
    fn names_and_organisations_have_a_length_limit() {
        let at = |n: usize| "x".repeat(n);
        let list = |name: &str, organisation: &str| {
            format!(
                "name,organisation,note\n{name},{organisation},{}\n",
                at(500)
            )
        };
        let (_, d) = csv(&list(&at(MAX_NAME_CHARS), &at(MAX_ORGANISATION_CHARS)));
        assert!(d.is_empty(), "{d:?}");
        let (_, d) = csv(&list(
            &at(MAX_NAME_CHARS + 1),
            &at(MAX_ORGANISATION_CHARS + 1),
        ));
        assert_eq!(
            d,
            [
                "`name` is 61 characters long, more than 60",
                "`organisation` is 81 characters long, more than 80"
            ]
        );
        // Characters, not bytes.
        let (_, d) = csv(&list(&"ў".repeat(MAX_NAME_CHARS), "МЗС"));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn crlf_lists_are_located_as_lf_lists() {
        for ending in ["\n", "\r\n"] {
            let text = [
                "name,organisation,note",
                "Ann,MFA",
                "",
                "\"B\u{202e}o\",,x",
                "Cy,,",
            ]
            .join(ending)
                + ending;
            let file = SourceFile::new("list.csv", text.clone());
            let (_, d) = parse_csv(&file);
            assert_eq!(places(&file, &d), ["2:1", "4:3"], "{ending:?}: {d:?}");
            let text = [
                "[[recipients]]",
                "nmae = 'Ann'",
                "",
                "[[recipients]]",
                "name = 'Bo'",
                "organisation = 3",
            ]
            .join(ending)
                + ending;
            let file = SourceFile::new("list.toml", text);
            let (_, d) = parse_toml(&file);
            assert_eq!(places(&file, &d), ["2:1", "6:16"], "{ending:?}: {d:?}");
        }
    }

    #[test]
    fn csv_lists() {
        let (r, d) = csv("name,organisation,note\nAnn,\"Ministry, Foreign\",\nBo,,by post\n");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(r[0].label(), "Ann, Ministry, Foreign");
        assert_eq!(r[1].organisation, None);
        let (_, d) = csv("name,org\nAnn,MFA\n");
        assert!(d[0].contains("first line"));
        let (_, d) = csv("name,organisation,note\nAnn,MFA\n,x,y\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].contains("2 fields"));
        assert!(d[1].contains("must not be empty"));
    }
}
