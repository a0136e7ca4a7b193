//! Reading a brief: TOML text into the typed model, collecting every problem on the way.
//!
//! The TOML is parsed into a spanned tree first and then read key by key, instead of through
//! `serde`, so that one pass reports all wrong types, missing and unknown keys at once, each at
//! its own line and column.

mod read;
mod schema;
mod spans;

use std::path::Path;
use std::sync::Arc;

use toml::de::DeTable;

use crate::brief::model::Brief;
use crate::diag::Diagnostic;
use crate::error::Failure;
use crate::fs;
use crate::source::SourceFile;

use read::Reader;
pub use read::is_valid_id;

/// Reads a brief file from disk. A file that is there but cannot be a brief (empty, not
/// UTF-8) is a located problem; one that cannot be read at all is a plain failure.
pub fn read(path: &Path) -> Result<Arc<SourceFile>, Failure> {
    let name = path.display().to_string();
    let bytes = fs::read(path, "brief file")?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
            let file = SourceFile::new(name.clone(), valid);
            let diagnostic = Diagnostic::error(format!("{name} is not UTF-8 text"))
                .at(&file, offset..offset)
                .hint("a brief is a UTF-8 TOML file; is this the right file?");
            return Err(Failure::Brief(vec![diagnostic]));
        }
    };
    let file = SourceFile::from_disk(name.clone(), text);
    if file.text().trim().is_empty() {
        let diagnostic = Diagnostic::error(format!("{name} is empty"))
            .at(&file, 0..0)
            .hint("a brief needs at least `title`, `date` and a `[summary]` with `text`");
        return Err(Failure::Brief(vec![diagnostic]));
    }
    Ok(file)
}

/// Reads a brief, returning every diagnostic (warnings included) and the brief as far as it
/// could be read: `None` only when the TOML itself does not parse. A brief that comes with
/// errors is good for further checks, not for typesetting.
pub fn load(file: &Arc<SourceFile>) -> (Option<Brief>, Vec<Diagnostic>) {
    let (root, syntax_errors) = DeTable::parse_recoverable(file.text());
    if !syntax_errors.is_empty() {
        // What a parser recovers after a syntax error is a guess; reading it would report
        // problems the author never made.
        let diagnostics = syntax_errors
            .iter()
            .map(|e| syntax_diagnostic(file, e))
            .collect();
        return (None, diagnostics);
    }
    let mut reader = Reader::new(file);
    let brief = reader.brief(root.get_ref());
    let mut diagnostics = reader.into_diagnostics();
    crate::brief::validate::check(&brief, &mut diagnostics);
    (Some(brief), diagnostics)
}

fn syntax_diagnostic(file: &Arc<SourceFile>, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim().to_string();
    let span = error.span().unwrap_or(0..0);
    let mut diagnostic = Diagnostic::error(format!("invalid TOML: {}", first_line(&message)));
    for extra in message.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        diagnostic = diagnostic.hint(extra.trim());
    }
    if message.contains("duplicate key") {
        let key = file
            .text()
            .get(span.clone())
            .unwrap_or("")
            .trim()
            .to_string();
        diagnostic = Diagnostic::error(format!("invalid TOML: the key `{key}` is set twice"));
        if let Some(line) = first_definition(file.text(), &key, span.start) {
            diagnostic = diagnostic.hint(format!("`{key}` is first set on line {line}"));
        }
        diagnostic =
            diagnostic.hint("each key may be set once per table; remove or rename one of them");
    }
    diagnostic.at(file, span)
}

/// The line (one-based) where `key` was first set in the table that holds `before`.
fn first_definition(text: &str, key: &str, before: usize) -> Option<usize> {
    let head = &text[..before.min(text.len())];
    let mut found = None;
    for (index, line) in head.lines().enumerate() {
        let line = line.trim_start();
        if line.starts_with('[') {
            found = None;
        } else if let Some(rest) = line.strip_prefix(key)
            && rest.trim_start().starts_with('=')
            && found.is_none()
        {
            found = Some(index + 1);
        }
    }
    found
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The brief if it has no errors, and the diagnostics.
    fn load_text(text: &str) -> (Option<Brief>, Vec<Diagnostic>) {
        let (brief, diagnostics) = load(&SourceFile::new("test.toml", text));
        let ok = !diagnostics.iter().any(Diagnostic::is_error);
        (brief.filter(|_| ok), diagnostics)
    }

    const MINIMAL: &str = "title = \"T\"\ndate = 2022-03-10\n[summary]\ntext = \"S\"\n";

    #[test]
    fn minimal_brief_loads() {
        let (brief, diagnostics) = load_text(MINIMAL);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let brief = brief.unwrap();
        assert_eq!(brief.title.value, "T");
        assert_eq!(brief.date.value.to_string(), "2022-03-10");
        assert_eq!(brief.language.value.primary, "en");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let text = "titel = \"T\"\ndate = \"2022-02-30\"\npaper = \"a5\"\n[summary]\ntext = 3\n[[actors]]\nid = \"Bad Id\"\nname = \"X\"\nkind = \"nation\"\n";
        let (brief, diagnostics) = load_text(text);
        assert!(brief.is_none());
        let messages: Vec<String> = diagnostics.iter().map(|d| d.message.clone()).collect();
        let expected = [
            "`date`: day 30 does not exist in 2022-02 (it has 28 days)",
            "`a5` is not a valid `paper`",
            "`text` must be a string, but it is an integer",
            "`Bad Id` is not a valid id",
            "`nation` is not a valid `kind`",
            "unknown key `titel` in the top level",
        ];
        for message in expected {
            assert!(
                messages.iter().any(|m| m == message),
                "missing {message:?} in {messages:#?}"
            );
        }
        let unknown = diagnostics
            .iter()
            .find(|d| d.message.starts_with("unknown key"))
            .unwrap();
        // The misspelt key and the missing one it stands for make a single error.
        assert_eq!(
            unknown.hints,
            [
                "did you mean `title`?",
                "`title` is required in the top level"
            ]
        );
        assert!(
            !messages
                .iter()
                .any(|m| m.contains("missing the required key `title`"))
        );
        assert_eq!(unknown.position().unwrap(), ("test.toml".into(), 1, 1));
    }

    #[test]
    fn syntax_errors_are_located() {
        let (_, diagnostics) = load_text("title = \"T\"\ndate = \n");
        assert_eq!(diagnostics.len(), 1);
        let (_, line, _) = diagnostics[0].position().unwrap();
        assert_eq!(line, 2);
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let (_, diagnostics) = load_text("title = \"T\"\ntitle = \"U\"\n");
        assert_eq!(
            diagnostics[0].message,
            "invalid TOML: the key `title` is set twice"
        );
        assert_eq!(diagnostics[0].hints[0], "`title` is first set on line 1");
        assert_eq!(diagnostics[0].position().unwrap().1, 2);
    }
}
