//! Diagnostics: the located problems of a brief or template, and the one place that prints them.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

use crate::source::SourceFile;

/// How diagnostics are printed. The command line offers these by name; this module alone
/// knows what each looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticFormat {
    /// A code frame with the problem underlined, as rustc and typst print.
    Human,
    /// One line each: `file:line:column: severity: message`.
    Short,
    /// One JSON object per line, for tools.
    Json,
    /// GitHub Actions workflow commands, which annotate the pull request.
    Github,
}

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

/// Orders diagnostics as a reader meets them: by file, then by position, errors first on ties;
/// those without a place come last, in the order they were raised.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| match &d.location {
            Some(l) => (
                false,
                l.file.name().to_string(),
                l.span.start,
                l.span.end,
                d.severity,
            ),
            None => (true, String::new(), 0, 0, Severity::Error),
        };
        key(a).cmp(&key(b))
    });
}

/// "2 errors and 1 warning".
pub fn tally(diagnostics: &[Diagnostic]) -> String {
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// How diagnostics are written to standard error.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    format: DiagnosticFormat,
    color: bool,
}

impl Printer {
    /// Colour only on a terminal, and never when `NO_COLOR` is set.
    pub fn for_stderr(format: DiagnosticFormat) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Self {
            format,
            color: format == DiagnosticFormat::Human && !no_color && io::stderr().is_terminal(),
        }
    }

    pub fn format(&self) -> DiagnosticFormat {
        self.format
    }

    pub fn print(&self, diagnostics: &[Diagnostic]) {
        let mut out = String::new();
        for diagnostic in diagnostics {
            self.render(&mut out, diagnostic);
        }
        // Nothing sensible can be done when standard error itself is gone.
        let _ = io::stderr().lock().write_all(out.as_bytes());
    }

    pub fn render(&self, out: &mut String, diagnostic: &Diagnostic) {
        match self.format {
            DiagnosticFormat::Human => self.render_human(out, diagnostic),
            DiagnosticFormat::Short => render_short(out, diagnostic),
            DiagnosticFormat::Json => render_json(out, diagnostic),
            DiagnosticFormat::Github => render_github(out, diagnostic),
        }
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

/// Start and end as one-based (line, column) pairs.
fn span_positions(location: &Location) -> ((usize, usize), (usize, usize)) {
    (
        location.file.line_column(location.span.start),
        location.file.line_column(location.span.end),
    )
}

/// `file:line:column: error: message (hint: …)`, one line each.
fn render_short(out: &mut String, diagnostic: &Diagnostic) {
    if let Some(location) = &diagnostic.location {
        let ((line, column), _) = span_positions(location);
        let _ = write!(out, "{}:{line}:{column}: ", location.file.name());
    }
    let _ = write!(
        out,
        "{}: {}",
        diagnostic.severity.label(),
        diagnostic.message
    );
    for hint in &diagnostic.hints {
        let _ = write!(out, " (hint: {hint})");
    }
    out.push('\n');
}

/// One JSON object per line: severity, file, line, column, end, message, hints.
fn render_json(out: &mut String, diagnostic: &Diagnostic) {
    let position = diagnostic.location.as_ref().map(|location| {
        let ((line, column), (end_line, end_column)) = span_positions(location);
        (
            location.file.name().to_string(),
            line,
            column,
            end_line,
            end_column,
        )
    });
    let value = serde_json::json!({
        "severity": diagnostic.severity.label(),
        "file": position.as_ref().map(|p| p.0.clone()),
        "line": position.as_ref().map(|p| p.1),
        "column": position.as_ref().map(|p| p.2),
        "end": position.as_ref().map(|p| serde_json::json!({ "line": p.3, "column": p.4 })),
        "message": diagnostic.message,
        "hints": diagnostic.hints,
    });
    out.push_str(&value.to_string());
    out.push('\n');
}

/// A GitHub Actions workflow command, which the runner turns into an annotation on the line.
fn render_github(out: &mut String, diagnostic: &Diagnostic) {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = write!(out, "::{command}");
    if let Some(location) = &diagnostic.location {
        let ((line, column), (end_line, end_column)) = span_positions(location);
        let file = github_property(location.file.name());
        let _ = write!(
            out,
            " file={file},line={line},col={column},endLine={end_line},endColumn={end_column},title=brief"
        );
    } else {
        let _ = write!(out, " title=brief");
    }
    let mut message = diagnostic.message.clone();
    for hint in &diagnostic.hints {
        message.push_str("\nhint: ");
        message.push_str(hint);
    }
    let _ = writeln!(out, "::{}", github_data(&message));
}

/// Escapes a workflow command's message.
fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
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

    fn rendered(format: DiagnosticFormat, diagnostic: &Diagnostic) -> String {
        let mut out = String::new();
        Printer {
            format,
            color: false,
        }
        .render(&mut out, diagnostic);
        out
    }

    fn sample() -> Diagnostic {
        let file = SourceFile::new("dir/b,1.toml", "title = \"x\"\ntitel = 1\n");
        Diagnostic::error("unknown key `titel`")
            .at(&file, 12..17)
            .hint("did you mean `title`?")
    }

    #[test]
    fn short_json_and_github_formats() {
        assert_eq!(
            rendered(DiagnosticFormat::Short, &sample()),
            "dir/b,1.toml:2:1: error: unknown key `titel` (hint: did you mean `title`?)\n"
        );
        let json: serde_json::Value =
            serde_json::from_str(&rendered(DiagnosticFormat::Json, &sample())).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "severity": "error", "file": "dir/b,1.toml", "line": 2, "column": 1,
                "end": {"line": 2, "column": 6}, "message": "unknown key `titel`",
                "hints": ["did you mean `title`?"],
            })
        );
        assert_eq!(
            rendered(DiagnosticFormat::Github, &sample()),
            "::error file=dir/b%2C1.toml,line=2,col=1,endLine=2,endColumn=6,title=brief::unknown key `titel`%0Ahint: did you mean `title`?\n"
        );
        let plain = Diagnostic::warning("100% done");
        assert_eq!(
            rendered(DiagnosticFormat::Github, &plain),
            "::warning title=brief::100%25 done\n"
        );
    }

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
        Printer {
            format: DiagnosticFormat::Human,
            color: false,
        }
        .render_human(&mut out, &d);
        assert_eq!(
            out,
            "error: unknown key `titel`\n --> b.toml:2:1\n  |\n2 | titel = 1\n  | ^^^^^\n  = hint: did you mean `title`?\n\n"
        );
    }
}
