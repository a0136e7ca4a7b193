//! Reading a brief: TOML text into the typed model, collecting every problem on the way.
//!
//! The TOML is parsed into a spanned tree first and then read key by key, instead of through
//! `serde`, so that one pass reports all wrong types, missing and unknown keys at once, each at
//! its own line and column.

mod figures;
mod marking;
mod read;
mod schema;
mod spans;
mod style;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use toml::de::DeTable;

use crate::brief::model::Brief;
use crate::diag::Diagnostic;
use crate::error::Failure;
use crate::fs;
use crate::source::SourceFile;

pub use crate::brief::chars::is_refused_char;
use read::Reader;
pub use read::is_valid_id;

/// Reads a brief file (from the disk, or what `files` lays over it). A file that is there but
/// cannot be a brief (empty, not UTF-8) is a located problem; one that cannot be read at all
/// is a plain failure.
pub fn read(files: &dyn fs::Files, path: &Path) -> Result<Arc<SourceFile>, Failure> {
    let name = path.display().to_string();
    let bytes = files.read(path, "brief file", fs::MAX_BRIEF_BYTES)?;
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
    text_file(name, text)
}

/// A brief's text as read from elsewhere than its file (an editor's unsaved buffer), refused as
/// `read` refuses a file: too large, or empty.
pub fn text_file(name: String, text: String) -> Result<Arc<SourceFile>, Failure> {
    if text.len() as u64 > fs::MAX_BRIEF_BYTES {
        return Err(Failure::Plain(crate::error::Error::message(format!(
            "{name} is larger than {} MiB, the most a brief may be",
            fs::MAX_BRIEF_BYTES >> 20
        ))));
    }
    let file = SourceFile::from_disk(name.clone(), text);
    if file.text().trim().is_empty() {
        let diagnostic = Diagnostic::error(format!("{name} is empty"))
            .at(&file, 0..0)
            .hint("a brief needs at least `title`, `date` and a `[summary]` with `text`");
        return Err(Failure::Brief(vec![diagnostic]));
    }
    Ok(file)
}

/// In debug builds only, `BRIEF_TEST_TRACE_LOADS` has every load of a brief said on standard
/// error, so that a test can count how often a command loads and checks one (`brief watch`:
/// once per save). Release builds have no such hook.
fn trace_load(file: &SourceFile) {
    if cfg!(debug_assertions) && std::env::var_os("BRIEF_TEST_TRACE_LOADS").is_some() {
        eprintln!("trace: loading {}", file.name());
    }
}

/// Reads a brief, returning every diagnostic (warnings included) and the brief as far as it
/// could be read: `None` only when the TOML itself does not parse. A brief that comes with
/// errors is good for further checks, not for typesetting.
pub fn load(file: &Arc<SourceFile>) -> (Option<Brief>, Vec<Diagnostic>) {
    trace_load(file);
    let (root, syntax_errors) = DeTable::parse_recoverable(file.text());
    if !syntax_errors.is_empty() {
        // What a parser recovers after a syntax error is a guess; reading it would report
        // problems the author never made.
        let mut first_definitions = None;
        let diagnostics = syntax_errors
            .iter()
            .map(|e| syntax_diagnostic(file, e, &mut first_definitions))
            .collect();
        return (None, diagnostics);
    }
    let mut reader = Reader::new(file);
    let brief = reader.brief(root.get_ref());
    let mut diagnostics = reader.into_diagnostics();
    crate::brief::validate::check(&brief, &mut diagnostics);
    (Some(brief), diagnostics)
}

/// How deep the TOML parser lets arrays and inline tables nest, and how many dotted parts a
/// key may have: the `toml` crate stops there with an error instead of recursing further, so
/// no brief can overflow the stack while it is parsed.
const TOML_NESTING: usize = 80;

/// `first_definitions` is built on the first "set twice" error and kept for the next ones.
fn syntax_diagnostic(
    file: &Arc<SourceFile>,
    error: &toml::de::Error,
    first_definitions: &mut Option<FirstDefinitions>,
) -> Diagnostic {
    let message = error.message().trim().to_string();
    let mut span = error.span().unwrap_or(0..0);
    if message == "cannot recurse further; max recursion depth met" {
        return Diagnostic::error(format!(
            "invalid TOML: arrays and inline tables are nested more than {TOML_NESTING} deep"
        ))
        .at(file, span)
        .hint("a brief needs no more than a few levels; is a bracket or brace left open?");
    }
    if message == "recursion limit" {
        // The parser gives no place for this one; the first key with that many dots is it.
        span = deep_key(file.text()).unwrap_or(0..0);
        return Diagnostic::error(format!(
            "invalid TOML: a key has more than {TOML_NESTING} dotted parts"
        ))
        .at(file, span)
        .hint("a brief needs no more than a few parts in a key, as in `summary.text`");
    }
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
        let first_definitions =
            first_definitions.get_or_insert_with(|| FirstDefinitions::new(file.text()));
        if let Some(line) = first_definitions.find(file, &key, span.start) {
            diagnostic = diagnostic.hint(format!("`{key}` is first set on line {line}"));
        }
        diagnostic =
            diagnostic.hint("each key may be set once per table; remove or rename one of them");
    }
    diagnostic.at(file, span)
}

/// Where each key is first set in each table of the file, as a line-based reading sees it (a
/// line `[…]` starts a table, a line `key = …` sets a key), found in one pass over the file
/// however many keys are set twice.
struct FirstDefinitions {
    /// For each line, the number of the table it is in: how many header lines precede it,
    /// itself included.
    table_of_line: Vec<usize>,
    /// The line (one-based) where each key is first set in each table.
    first: HashMap<(usize, String), usize>,
}

impl FirstDefinitions {
    fn new(text: &str) -> Self {
        let mut table = 0;
        let mut table_of_line = vec![];
        let mut first = HashMap::new();
        for (index, line) in text.split('\n').enumerate() {
            let line = line.trim_start();
            if line.starts_with('[') {
                table += 1;
            } else if let Some((key, _)) = line.split_once('=') {
                first
                    .entry((table, key.trim_end().to_string()))
                    .or_insert(index + 1);
            }
            table_of_line.push(table);
        }
        Self {
            table_of_line,
            first,
        }
    }

    /// The line (one-based) where `key` was first set in the table that holds `before`.
    fn find(&self, file: &SourceFile, key: &str, before: usize) -> Option<usize> {
        let line = file.line_index(before);
        let start = file.line_range(line).start;
        let head = file.text().get(start..before).unwrap_or("");
        if key.is_empty() || key.contains('=') || head.trim_start().starts_with('[') {
            return None;
        }
        let table = *self.table_of_line.get(line)?;
        self.first
            .get(&(table, key.to_string()))
            .copied()
            .filter(|&first| first <= line)
    }
}

/// The first key written with more than [`TOML_NESTING`] dots, in a `[header]` or before the
/// `=` of a line.
fn deep_key(text: &str) -> Option<std::ops::Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        let rest = &line[lead..];
        let brackets = rest.len() - rest.trim_start_matches('[').len();
        let end = if brackets > 0 { ']' } else { '=' };
        let key = rest[brackets..].split(end).next().unwrap_or("");
        if key.matches('.').count() >= TOML_NESTING {
            let start = offset + lead + brackets + (key.len() - key.trim_start().len());
            return Some(start..start + key.trim().len());
        }
        offset += line.len();
    }
    None
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

    #[test]
    fn a_key_set_twice_points_at_its_first_setting_in_the_same_table() {
        let text = "title = \"T\"\n[summary]\ntext = \"S\"\ntitle = 1\ntext = \"again\"\n[[actors]]\ntext = 1\ntext = 2\n";
        let (_, diagnostics) = load_text(text);
        let hints: Vec<(usize, &str)> = diagnostics
            .iter()
            .map(|d| (d.position().unwrap().1, d.hints[0].as_str()))
            .collect();
        assert_eq!(
            hints,
            [
                (5, "`text` is first set on line 3"),
                (8, "`text` is first set on line 7")
            ]
        );
    }

    /// A brief with `count` actors, each of them in an event.
    fn many_actors(count: usize) -> String {
        let mut text = String::from(MINIMAL);
        for a in 0..count {
            text += &format!("[[actors]]\nid = \"a-{a}\"\nname = \"A\"\nkind = \"state\"\n");
        }
        for a in 0..count {
            text +=
                &format!("[[timeline]]\ndate = \"2022\"\ntitle = \"E\"\nactors = [\"a-{a}\"]\n");
        }
        text
    }

    #[test]
    fn items_are_reported_at_their_own_header() {
        let mut text = many_actors(3);
        text += "[[actors]]\nid = \"late\"\nkind = \"state\"\n";
        let (_, diagnostics) = load_text(&text);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(
            diagnostics[0].message,
            "the actor `late` is missing the required key `name`"
        );
        let line = text.lines().count() - 2;
        assert_eq!(diagnostics[0].position().unwrap().1, line);
        let span = diagnostics[0].location.as_ref().unwrap().span.clone();
        assert_eq!(&text[span], "[[actors]]");
    }

    #[test]
    fn a_header_inside_a_multi_line_string_is_not_a_header() {
        let text = format!(
            "{MINIMAL}[[actors]]\nid = \"a\"\nname = \"A\"\nkind = \"state\"\ndescription = \"\"\"\n[[actors]]\nnot a header\"\"\"\n\n  [[actors]]\nid = \"b\"\nname = \"B\"\n"
        );
        let (_, diagnostics) = load_text(&text);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].position().unwrap().1, 13);
        assert_eq!(diagnostics[0].position().unwrap().2, 3);
    }

    #[test]
    fn inline_items_are_reported_at_their_braces() {
        let text = format!("actors = [{{ id = \"a\", kind = \"state\" }}]\n{MINIMAL}");
        let (_, diagnostics) = load_text(&text);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let span = diagnostics[0].location.as_ref().unwrap().span.clone();
        assert_eq!(&text[span], "{ id = \"a\", kind = \"state\" }");
    }

    #[test]
    fn many_items_load_without_problems() {
        let (brief, diagnostics) = load_text(&many_actors(2000));
        assert!(diagnostics.is_empty(), "{:?}", &diagnostics[..3]);
        assert_eq!(brief.unwrap().actors.len(), 2000);
    }

    /// The first diagnostic of a brief, with its line, column and the text it points at.
    fn first_problem(text: &str) -> (Diagnostic, usize, usize, String) {
        let (_, diagnostics) = load_text(text);
        let first = diagnostics.into_iter().next().expect("a diagnostic");
        let (_, line, column) = first.position().unwrap();
        let span = first.location.as_ref().unwrap().span.clone();
        let at = text[span].to_string();
        (first, line, column, at)
    }

    #[test]
    fn control_characters_are_refused_where_they_are() {
        let (nul, line, column, at) = first_problem(
            "title = \"Null \\u0000 title\"\ndate = 2022-03-10\n[summary]\ntext = \"S\"\n",
        );
        assert_eq!(
            nul.message,
            "`title` contains the control character U+0000, which a PDF cannot carry"
        );
        assert_eq!((line, column, at.as_str()), (1, 15, "\\u0000"));
        assert_eq!(
            nul.hints,
            ["remove it: text may hold tabs and line breaks, but no other control character"]
        );

        // In rich text, in a list of strings, written raw (a C1 control) or escaped.
        let text = format!(
            "{MINIMAL}key_points = [\"ok\", \"a\u{85}b\"]\n[[actors]]\nid = \"x\"\nname = \"X\"\nkind = \"state\"\ndescription = \"\"\"\nLine one.\n*Bold \\e[1m* \\u001b\"\"\"\n"
        );
        let (_, diagnostics) = load_text(&text);
        let found: Vec<(String, usize, usize, &str)> = diagnostics
            .iter()
            .map(|d| {
                let (_, line, column) = d.position().unwrap();
                let span = d.location.as_ref().unwrap().span.clone();
                (d.message.clone(), line, column, &text[span])
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "`key_points` contains the control character U+0085, which a PDF cannot carry"
                        .to_string(),
                    5,
                    23,
                    "\u{85}"
                ),
                (
                    "`description` contains the control character U+001B, which a PDF cannot carry"
                        .to_string(),
                    12,
                    7,
                    "\\e"
                ),
            ]
        );
        assert_eq!(
            diagnostics[1].hints[1],
            "the same string holds 1 more such character"
        );
    }

    #[test]
    fn tabs_and_line_breaks_are_text() {
        let text = "title = \"Tab\\there\\nand there\"\ndate = 2022-03-10\n[summary]\ntext = \"\"\"\r\nWindows\r\nlines\\r\"\"\"\r\n";
        let (brief, diagnostics) = load_text(text);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert!(brief.is_some());
        let (cr, ..) = first_problem(&MINIMAL.replace("\"T\"", "\"a\\rb\""));
        assert_eq!(
            cr.message,
            "`title` contains the control character U+000D, which a PDF cannot carry"
        );
    }

    #[test]
    fn noncharacters_and_byte_order_marks_are_refused() {
        for (escape, message) in [
            ("\\uFFFF", "the noncharacter U+FFFF"),
            ("\\uFDD0", "the noncharacter U+FDD0"),
            ("\\U0010FFFE", "the noncharacter U+10FFFE"),
            ("\\uFEFF", "the byte-order mark U+FEFF"),
        ] {
            let text = MINIMAL.replace("\"S\"", &format!("\"S{escape}\""));
            let (problem, _, column, at) = first_problem(&text);
            assert_eq!(
                problem.message,
                format!("`text` contains {message}, which a PDF cannot carry")
            );
            assert_eq!(
                (column, at.as_str()),
                (10, escape.replace("\\\\", "\\").as_str())
            );
        }
    }

    /// Runs `f` on a thread with the default 2 MiB stack of a test thread, as a worker would.
    fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn deeply_nested_toml_is_a_located_error() {
        let depth = 100_000;
        let cases = [
            (
                format!("{MINIMAL}a = {}1{}\n", "[".repeat(depth), "]".repeat(depth)),
                "invalid TOML: arrays and inline tables are nested more than 80 deep",
                5,
                85,
            ),
            (
                format!(
                    "{MINIMAL}a = {}1{}\n",
                    "{b=".repeat(depth),
                    "}".repeat(depth)
                ),
                "invalid TOML: arrays and inline tables are nested more than 80 deep",
                5,
                245,
            ),
            (
                format!("{MINIMAL}\n{}a = 1\n", "a.".repeat(depth)),
                "invalid TOML: a key has more than 80 dotted parts",
                6,
                1,
            ),
            (
                format!("{MINIMAL}[{}a]\n", "a.".repeat(depth)),
                "invalid TOML: a key has more than 80 dotted parts",
                5,
                2,
            ),
        ];
        for (text, message, line, column) in cases {
            let (diagnostics, text) = on_small_stack(move || {
                let (_, diagnostics) = load_text(&text);
                (diagnostics, text)
            });
            assert!(!diagnostics.is_empty());
            assert_eq!(diagnostics[0].message, message, "{}", &text[..200]);
            let position = diagnostics[0].position().unwrap();
            assert_eq!((position.1, position.2), (line, column), "{message}");
        }
    }

    #[test]
    fn deeply_nested_rich_text_is_a_located_error() {
        let depth = 100_000;
        let too_deep = "lists, emphasis and links are nested more than 16 levels deep here";
        for (field, message, column) in [
            ("- ".repeat(depth), too_deep, 33),
            // Strong emphasis, `**`, is one level.
            (
                format!("{}x{}", "*".repeat(depth), "*".repeat(depth)),
                too_deep,
                33,
            ),
            (
                crate::brief::richtext::tests::emphasis(depth / 2),
                too_deep,
                49,
            ),
            (
                "> ".repeat(depth),
                "a block quote is not in the brief format's Markdown subset; it is printed as written",
                1,
            ),
        ] {
            let text = format!(
                "title = \"T\"\ndate = 2022-03-10\n[summary]\ntext = \"\"\"\n{field}x\"\"\"\n"
            );
            let diagnostics = on_small_stack(move || load_text(&text).1);
            assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
            assert_eq!(diagnostics[0].message, message);
            let position = diagnostics[0].position().unwrap();
            assert_eq!((position.1, position.2), (5, column), "{message}");
        }
    }
}

/// The id look-ups of `validate`, tested through `load`, which runs them (kept here so that
/// `validate` does not import `load`).
#[cfg(test)]
mod validate_tests {
    use crate::brief::load::load;
    use crate::source::SourceFile;

    /// The hints of the errors of a brief with `actors` actors and an event naming `names`.
    fn hints(actors: usize, names: &[String]) -> Vec<String> {
        let mut text = String::from("title = \"T\"\ndate = 2022-03-10\n[summary]\ntext = \"S\"\n");
        for a in 0..actors {
            text += &format!("[[actors]]\nid = \"actor-{a}\"\nname = \"A\"\nkind = \"state\"\n");
        }
        for name in names {
            text +=
                &format!("[[timeline]]\ndate = \"2022\"\ntitle = \"E\"\nactors = [\"{name}\"]\n");
        }
        let (_, diagnostics) = load(&SourceFile::new("test.toml", text));
        diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| d.hints.join("; "))
            .collect()
    }

    #[test]
    fn a_dangling_reference_suggests_the_closest_id() {
        assert_eq!(hints(3, &["actr-1".into()]), ["did you mean `actor-1`?"]);
        assert_eq!(
            hints(3, &["nobody-at-all".into()]),
            ["add it to [[actors]], or use one of: actor-0, actor-1, actor-2"]
        );
        assert_eq!(
            hints(0, &["nobody-at-all".into()]),
            ["the brief has no [[actors]]"]
        );
    }

    #[test]
    fn a_long_list_of_ids_is_cut_short() {
        assert_eq!(
            hints(25, &["nobody-at-all".into()]),
            [
                "add it to [[actors]], or use one of: actor-0, actor-1, actor-10, actor-11, actor-12, actor-13, actor-14, actor-15, actor-16, actor-17, … (25 in all)"
            ]
        );
    }

    #[test]
    fn thousands_of_dangling_references_share_a_budget_of_comparisons() {
        let count = 2_000;
        let names: Vec<String> = (0..count).map(|i| format!("actor-{i}x")).collect();
        let hints = hints(count, &names);
        assert_eq!(hints.len(), count);
        let suggested = hints
            .iter()
            .filter(|h| h.starts_with("did you mean"))
            .count();
        // Each look-up costs its length and one, times that of every id, each with one more.
        let per_char: usize = (0..count).map(|i| format!("actor-{i}").len() + 1).sum();
        let mut left = crate::brief::validate::COMPARISON_BUDGET;
        let mut affordable = 0;
        for name in &names {
            let cost = (name.len() + 1) * per_char;
            if cost > left {
                break;
            }
            left -= cost;
            affordable += 1;
        }
        assert!(affordable > 10);
        assert_eq!(suggested, affordable);
        assert_eq!(hints[0], "did you mean `actor-0`?");
        // The same unknown id again costs no comparison and gets the same hint.
        let again = vec!["actor-0x".to_string(); count];
        assert!(
            self::hints(count, &again)
                .iter()
                .all(|h| h == "did you mean `actor-0`?")
        );
    }
}
