//! Diagnostics: the located problems of a brief or template, and the one place that prints them.

use std::borrow::Cow;
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
            self.paint("1", &inert(&diagnostic.message))
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
                inert(file.name())
            );
            if line_index < file.line_count() {
                let text = file.line_text(line_index);
                let range = file.line_range(line_index);
                let on_char = |offset: usize| {
                    let mut offset = offset - range.start;
                    while !text.is_char_boundary(offset) {
                        offset -= 1;
                    }
                    offset
                };
                // Offsets into `text`, on character boundaries.
                let start = on_char(location.span.start.clamp(range.start, range.end));
                let end = on_char(location.span.end.clamp(start + range.start, range.end));
                // The line as shown, with its control characters escaped (tabs kept), and the
                // underline's indent measured on the shown text, so that an escape (`\u{1b}`, six
                // cells) or a wide letter (two cells) moves the carets along with the text.
                let shown = inert_line(text);
                let before = indent(&inert_line(&text[..start]));
                let width = inert_line(&text[start..end]).width().max(1);
                let _ = writeln!(out, "{pad} {bar}");
                let _ = writeln!(
                    out,
                    "{} {bar} {}",
                    self.paint("1;34", &line.to_string()),
                    shown
                );
                let underline: String = std::iter::repeat_n(marker, width).collect();
                let _ = writeln!(
                    out,
                    "{pad} {bar} {before}{}",
                    self.paint(label_color, &underline)
                );
            }
        }
        for hint in &diagnostic.hints {
            let _ = writeln!(
                out,
                "{}{} {}",
                " ".repeat(gutter_width + 1),
                self.paint("1", "= hint:"),
                inert(hint)
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
        let _ = write!(out, "{}:{line}:{column}: ", inert(location.file.name()));
    }
    let _ = write!(
        out,
        "{}: {}",
        diagnostic.severity.label(),
        inert(&diagnostic.message)
    );
    for hint in &diagnostic.hints {
        let _ = write!(out, " (hint: {})", inert(hint));
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
    // The strings keep their exact text, so that a tool can open `file` and find the key the
    // message names; the JSON encoding is what makes them inert. serde_json writes C0 controls
    // (newline and ESC included) as `\n`, `\u001b`, …, but leaves DEL, the C1 controls, the
    // bidi controls and the line and paragraph separators raw: those are written as `\u009b`,
    // `\u202e`, … here. None of them can occur outside a string value, so replacing them in
    // the encoded text is exact, and every line still decodes to the same object.
    for c in value.to_string().chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
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
        let file = github_property(&inert(location.file.name()));
        let _ = write!(
            out,
            " file={file},line={line},col={column},endLine={end_line},endColumn={end_column},title=brief"
        );
    } else {
        let _ = write!(out, " title=brief");
    }
    // Escaped as in `human` first, so that no character from the brief reaches the runner's
    // log raw; the only newlines left are the ones put between message and hints here.
    let mut message = inert(&diagnostic.message).into_owned();
    for hint in &diagnostic.hints {
        message.push_str("\nhint: ");
        message.push_str(&inert(hint));
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

/// Whether a character must not reach the output as itself: the control characters (Unicode
/// category Cc: C0 with ESC and newline, DEL, C1), the bidi embeddings, overrides and isolates
/// that reorder what a reader sees (Trojan Source), and the line and paragraph separators.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        )
}

/// Text from a brief made inert for printing: each unsafe character becomes a Rust-style
/// escape such as `\u{1b}` or `\u{a}`, so that it can neither drive the terminal nor start a
/// line of its own.
fn inert(text: &str) -> Cow<'_, str> {
    escape(text, is_unsafe)
}

/// A quoted source line made inert; tabs stay, and the underline repeats them (see `indent`).
fn inert_line(text: &str) -> Cow<'_, str> {
    escape(text, |c| c != '\t' && is_unsafe(c))
}

fn escape(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "{}", c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Blank space as wide as `shown` in terminal cells (a CJK letter is two). A tab is repeated as
/// a tab, so that it reaches the same tab stop under the line as in it: the line and the
/// underline begin with gutters of the same width.
fn indent(shown: &str) -> String {
    let mut out = String::new();
    for (i, part) in shown.split('\t').enumerate() {
        if i > 0 {
            out.push('\t');
        }
        out.extend(std::iter::repeat_n(' ', part.width()));
    }
    out
}

/// `a` or `an` before a lowercase word in a message: "an image", "a table".
pub fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
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

    /// Text holding an escape sequence, a newline, a right-to-left override and a NUL.
    const HOSTILE: &str = "\u{1b}[31mred\nnext\u{202e}rev\0end";

    fn hostile() -> Diagnostic {
        let file = SourceFile::new(
            format!("b{HOSTILE}.toml"),
            format!("title = \"x\"\n\"k{HOSTILE}\" = 1\n").replacen('\n', "\u{2028}", 2),
        );
        Diagnostic::error(format!("unknown key `{HOSTILE}`"))
            .at(&file, 15..18)
            .hint(format!("did you mean `{HOSTILE}`?"))
            .hint("\u{2066}\u{9b}\u{7f}\u{2029}")
    }

    /// Anything in the output but its own line ends that could drive a terminal or reorder text.
    fn raw_unsafe(output: &str) -> Vec<char> {
        output
            .chars()
            .filter(|&c| c != '\n' && is_unsafe(c))
            .collect()
    }

    #[test]
    fn text_from_a_brief_is_shown_escaped_in_every_format() {
        let d = hostile();
        // The source line does hold everything: the file's newlines were made separators.
        let file = &d.location.as_ref().unwrap().file;
        assert!(file.line_text(0).contains('\u{1b}') && file.line_text(0).contains('\0'));
        for (format, lines) in [
            (DiagnosticFormat::Human, 8),
            (DiagnosticFormat::Short, 1),
            (DiagnosticFormat::Json, 1),
            (DiagnosticFormat::Github, 1),
        ] {
            let out = rendered(format, &d);
            assert_eq!(raw_unsafe(&out), Vec::<char>::new(), "{format:?}: {out}");
            assert_eq!(out.lines().count(), lines, "{format:?}: {out}");
            assert!(out.ends_with('\n'));
        }
        let short = rendered(DiagnosticFormat::Short, &d);
        assert_eq!(
            short,
            "b\\u{1b}[31mred\\u{a}next\\u{202e}rev\\u{0}end.toml:1:14: error: unknown key `\\u{1b}[31mred\\u{a}next\\u{202e}rev\\u{0}end` (hint: did you mean `\\u{1b}[31mred\\u{a}next\\u{202e}rev\\u{0}end`?) (hint: \\u{2066}\\u{9b}\\u{7f}\\u{2029})\n"
        );
        let human = rendered(DiagnosticFormat::Human, &d);
        assert!(human.starts_with(
            "error: unknown key `\\u{1b}[31mred\\u{a}next\\u{202e}rev\\u{0}end`\n --> b\\u{1b}[31mred"
        ));
        assert!(human.contains(
            "1 | title = \"x\"\\u{2028}\"k\\u{1b}[31mred\\u{2028}next\\u{202e}rev\\u{0}end\" = 1\n"
        ));
        let github = rendered(DiagnosticFormat::Github, &d);
        assert!(
            github.contains("file=b\\u{1b}[31mred\\u{a}next\\u{202e}rev\\u{0}end.toml,line=1,")
        );
        assert!(github.ends_with("%0Ahint: \\u{2066}\\u{9b}\\u{7f}\\u{2029}\n"));
    }

    #[test]
    fn json_escapes_but_keeps_the_exact_text() {
        let out = rendered(DiagnosticFormat::Json, &hostile());
        assert!(
            out.contains("\\u001b[31mred\\nnext\\u202erev\\u0000end"),
            "{out}"
        );
        assert!(out.contains("\\u2066\\u009b\\u007f\\u2029"), "{out}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["message"], format!("unknown key `{HOSTILE}`"));
        assert_eq!(json["file"], format!("b{HOSTILE}.toml"));
        assert_eq!(json["hints"][1], "\u{2066}\u{9b}\u{7f}\u{2029}");
    }

    fn human(text: &str, span: Range<usize>) -> String {
        let file = SourceFile::new("b.toml", text);
        rendered(
            DiagnosticFormat::Human,
            &Diagnostic::error("e").at(&file, span),
        )
    }

    /// The quoted line and the underline, without the gutter.
    fn frame(out: &str) -> (&str, &str) {
        let lines: Vec<&str> = out.lines().collect();
        (&lines[3][4..], &lines[4][4..])
    }

    #[test]
    fn the_underline_follows_escapes_and_wide_letters() {
        // ESC before the span widens the shown line by five cells; the carets move with it.
        let text = "\"a\u{1b}[2Jb\" = 1\n";
        let key = text.find('b').unwrap();
        let out = human(text, key..key + 1);
        let (line, underline) = frame(&out);
        assert_eq!(line, "\"a\\u{1b}[2Jb\" = 1");
        assert_eq!(underline, "           ^");
        assert_eq!(&line[underline.find('^').unwrap()..][..1], "b");

        // An escape inside the span is underlined whole; a CJK letter before it is two cells.
        let text = "\"中\u{202e}x\" = 1\n";
        let start = text.find('\u{202e}').unwrap();
        let out = human(text, start..start + '\u{202e}'.len_utf8() + 1);
        let (line, underline) = frame(&out);
        assert_eq!(line, "\"中\\u{202e}x\" = 1");
        assert_eq!(underline, "   ^^^^^^^^^");

        // A tab stays a tab, in the line and under it, so both reach the same tab stop.
        let out = human("\tx\u{7}y = 1\n", 4..5);
        let (line, underline) = frame(&out);
        assert_eq!(line, "\tx\\u{7}y = 1");
        assert_eq!(underline, "\t       ^");

        // A span that starts or ends inside a letter is moved onto its start.
        let out = human("\"ü\" = 1\n", 2..4);
        assert_eq!(frame(&out), ("\"ü\" = 1", " ^^"));
    }
}
