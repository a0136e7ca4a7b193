//! A distribution list: who gets a numbered copy of a brief. Read from TOML (`[[recipients]]`
//! with `name`, `organisation` and `note`) or CSV (header `name,organisation,note`), with every
//! problem located in the list as a brief's problems are.

use std::path::Path;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use crate::brief::load::is_refused_char;
use crate::diag::{Diagnostic, closest};
use crate::error::Failure;
use crate::fs;
use crate::source::SourceFile;

/// The most copies one run numbers: a list longer than this is surely not a distribution list.
pub const MAX_RECIPIENTS: usize = 10_000;

/// The columns of a CSV list and the keys of a TOML entry.
const KEYS: [&str; 3] = ["name", "organisation", "note"];

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

/// Reads a distribution list from disk: `.csv` as CSV, anything else as TOML.
pub fn read(path: &Path) -> Result<Vec<Recipient>, Failure> {
    let name = path.display().to_string();
    let bytes = fs::read(path, "recipient list", fs::MAX_BRIEF_BYTES)?;
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
    fn error(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(message).at(self.file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Checks one value: a name must not be blank, and no value may hold a character a PDF
    /// cannot carry (the name is printed on every page).
    fn value(&mut self, key: &str, text: &str, span: std::ops::Range<usize>) {
        if key == "name" && text.trim().is_empty() {
            self.error(span.clone(), "a recipient's `name` must not be empty");
        }
        if let Some(c) = text.chars().find(|c| is_refused_char(*c)) {
            self.error(
                span,
                format!("`{key}` holds {c:?}, which a PDF cannot carry"),
            )
            .hints
            .push("remove the character".into());
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
    let text = file.text();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut recipients = vec![];
    let mut header_seen = false;
    let mut record = csv::StringRecord::new();
    loop {
        let start = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let at = error.position().map_or(start, |p| p.byte() as usize);
                check.error(at..at, format!("invalid CSV: {error}"));
                break;
            }
        }
        let end = reader.position().byte() as usize;
        let line = start..text[start..end].trim_end_matches(['\r', '\n']).len() + start;
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            let header: Vec<&str> = record.iter().map(str::trim).collect();
            if header != KEYS {
                check.error(line, "the first line of a CSV list must be `name,organisation,note`")
                    .hints
                    .push("name the three columns in this order; leave a recipient's organisation or note empty where there is none".into());
                return (vec![], check.diagnostics);
            }
            continue;
        }
        if record.len() != KEYS.len() {
            check
                .error(
                    line.clone(),
                    format!(
                        "this line has {} fields, not 3 (name, organisation, note)",
                        record.len()
                    ),
                )
                .hints
                .push("put a value in double quotes if it holds a comma".into());
            continue;
        }
        for (i, field) in record.iter().enumerate() {
            check.value(KEYS[i], field, line.clone());
        }
        let field = |i: usize| Some(record[i].trim().to_string()).filter(|f| !f.is_empty());
        recipients.push(Recipient {
            name: record[0].trim().to_string(),
            organisation: field(1),
            note: field(2),
        });
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
