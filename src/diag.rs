//! Diagnostics: the located problems of a brief or template, and the one place that prints them.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a diagnostic points: a byte range in a loaded file.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Location>,
    pub hints: Vec<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hints: vec![],
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    pub fn at(mut self, file: &Arc<SourceFile>, span: Range<usize>) -> Self {
        self.location = Some(Location {
            file: file.clone(),
            span,
        });
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` of the start, when the diagnostic has a location.
    #[cfg(test)]
    pub fn position(&self) -> Option<(String, usize, usize)> {
        let location = self.location.as_ref()?;
        let (line, column) = location.file.line_column(location.span.start);
        Some((location.file.name().to_string(), line, column))
    }
}

/// Orders diagnostics as a reader meets them: by file, then by position, errors first on ties.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            d.location
                .as_ref()
                .map(|l| (l.file.name().to_string(), l.span.start, l.span.end))
        };
        key(a).cmp(&key(b)).then(a.severity.cmp(&b.severity))
    });
}

/// How diagnostics are written to standard error.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    color: bool,
}

impl Printer {
    /// Colour only on a terminal, and never when `NO_COLOR` is set.
    pub fn for_stderr() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            color: !no_color && io::stderr().is_terminal(),
        }
    }

    pub fn print(&self, diagnostics: &[Diagnostic]) {
        let mut out = String::new();
        for diagnostic in diagnostics {
            self.render_human(&mut out, diagnostic);
        }
        // Nothing sensible can be done when standard error itself is gone.
        let _ = io::stderr().lock().write_all(out.as_bytes());
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// The rustc/typst style: a headline, the location, a frame of the source with the span
    /// underlined, and the hints.
    pub fn render_human(&self, out: &mut String, diagnostic: &Diagnostic) {
        let (label_color, marker) = match diagnostic.severity {
            Severity::Error => ("1;31", '^'),
            Severity::Warning => ("1;33", '^'),
        };
        let _ = writeln!(
            out,
            "{}{} {}",
            self.paint(label_color, diagnostic.severity.label()),
            self.paint("1", ":"),
            self.paint("1", &diagnostic.message)
        );
        let mut gutter_width = 1;
        if let Some(location) = &diagnostic.location {
            let file = &location.file;
            let (line, column) = file.line_column(location.span.start);
            let line_index = line - 1;
            gutter_width = line.to_string().len();
            let pad = " ".repeat(gutter_width);
            let bar = self.paint("1;34", "|");
            let _ = writeln!(
                out,
                "{pad}{} {}:{line}:{column}",
                self.paint("1;34", "-->"),
                file.name()
            );
            if line_index < file.line_count() {
                let text = file.line_text(line_index);
                let range = file.line_range(line_index);
                let start = location.span.start.clamp(range.start, range.end);
                let end = location.span.end.clamp(start, range.end);
                // Terminal cells, not characters: a CJK letter is two cells wide.
                let before = text[..start - range.start].width();
                let width = text[start - range.start..end - range.start].width().max(1);
                let _ = writeln!(out, "{pad} {bar}");
                let _ = writeln!(
                    out,
                    "{} {bar} {}",
                    self.paint("1;34", &line.to_string()),
                    text
                );
                let underline: String = std::iter::repeat_n(marker, width).collect();
                let _ = writeln!(
                    out,
                    "{pad} {bar} {}{}",
                    " ".repeat(before),
                    self.paint(label_color, &underline)
                );
            }
        }
        for hint in &diagnostic.hints {
            let _ = writeln!(
                out,
                "{}{} {hint}",
                " ".repeat(gutter_width + 1),
                self.paint("1", "= hint:")
            );
        }
        out.push('\n');
    }
}

/// Suggests the known name closest to a misspelt one, if one is close enough to be a typo.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters, with a transposition counting as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["title", "subtitle", "date", "keywords"];
        assert_eq!(closest("titel", keys), Some("title"));
        assert_eq!(closest("keyword", keys), Some("keywords"));
        assert_eq!(closest("colour", keys), None);
    }

    #[test]
    fn human_output_has_frame_and_hint() {
        let file = SourceFile::new("b.toml", "title = \"x\"\ntitel = 1\n");
        let d = Diagnostic::error("unknown key `titel`")
            .at(&file, 12..17)
            .hint("did you mean `title`?");
        let mut out = String::new();
        Printer { color: false }.render_human(&mut out, &d);
        assert_eq!(
            out,
            "error: unknown key `titel`\n --> b.toml:2:1\n  |\n2 | titel = 1\n  | ^^^^^\n  = hint: did you mean `title`?\n\n"
        );
    }
}
