//! Typed readers over the spanned TOML tree: each reads one key as a string, date, choice,
//! rich text or table, and records every problem (wrong type, missing, unknown key) instead of
//! stopping at the first.

use std::sync::Arc;

use toml::de::{DeString, DeTable, DeValue};

use super::spans::{SpanMap, header_line};
use crate::brief::chars::refused_char;
use crate::brief::date::PartialDate;
use crate::brief::model::*;
use crate::brief::richtext::{self, Mode};
use crate::brief::url;
use crate::diag::{Diagnostic, closest};
use crate::source::SourceFile;

type TomlSpanned<T> = toml::Spanned<T>;

/// A TOML table being read, remembering which keys were asked for so that the rest can be
/// reported as unknown.
pub(super) struct Table<'t, 'i> {
    pub(super) entries: &'t DeTable<'i>,
    /// Where the table starts, for "missing key" errors.
    pub(super) span: Span,
    /// How the table is named in messages: `[summary]`, `[[actors]] entry 2`.
    pub(super) name: String,
    pub(super) known: Vec<&'static str>,
    /// Required keys not found, with an example value; reported when the table is finished,
    /// so that a misspelt key and the key it misspells make one error, not two.
    pub(super) missing: Vec<(&'static str, String)>,
}

type Entry<'t, 'i> = (&'t TomlSpanned<DeString<'i>>, &'t TomlSpanned<DeValue<'i>>);

pub(super) struct Reader<'f> {
    pub(super) file: &'f Arc<SourceFile>,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl<'f> Reader<'f> {
    pub(super) fn new(file: &'f Arc<SourceFile>) -> Self {
        Self {
            file,
            diagnostics: vec![],
        }
    }

    pub(super) fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    pub(super) fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(message).at(self.file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Looks a key up, remembering that it is a known key of this table.
    pub(super) fn entry<'t, 'i>(
        &mut self,
        table: &mut Table<'t, 'i>,
        key: &'static str,
    ) -> Option<Entry<'t, 'i>> {
        table.known.push(key);
        table.entries.get_key_value(key)
    }

    pub(super) fn missing(&mut self, table: &mut Table<'_, '_>, key: &'static str, example: &str) {
        table.missing.push((key, example.to_string()));
    }

    /// `subject` names what is wrong: "`title`", or "each entry of `interests`".
    pub(super) fn wrong_type(
        &mut self,
        subject: &str,
        value: &TomlSpanned<DeValue<'_>>,
        expected: &str,
    ) {
        let found = describe(value.get_ref());
        self.error(
            value.span(),
            format!("{subject} must be {expected}, but it is {found}"),
        );
    }

    /// Reports every key of `table` that was never asked for.
    pub(super) fn finish(&mut self, table: Table<'_, '_>) {
        let mut explained: Vec<&str> = vec![];
        for (key, _) in table.entries.iter() {
            let name = key.get_ref().as_ref();
            if table.known.contains(&name) {
                continue;
            }
            let message = format!("unknown key `{name}` in {}", table.name);
            let span = key.span();
            let missing = closest_known(name, table.missing.iter().map(|(k, _)| *k));
            let suggestion = missing.or_else(|| closest_known(name, table.known.iter().copied()));
            let known = table
                .known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let diagnostic = self.error(span, message);
            match suggestion {
                Some(suggestion) => diagnostic
                    .hints
                    .push(format!("did you mean `{suggestion}`?")),
                None => diagnostic
                    .hints
                    .push(format!("the keys allowed here are {known}")),
            }
            if let Some(missing) = missing {
                diagnostic
                    .hints
                    .push(format!("`{missing}` is required in {}", table.name));
                explained.push(missing);
            }
        }
        for (key, example) in &table.missing {
            if explained.contains(key) {
                continue;
            }
            let message = format!("{} is missing the required key `{key}`", table.name);
            self.error(table.span.clone(), message)
                .hints
                .push(format!("add `{key} = {example}`"));
        }
    }

    pub(super) fn string(
        &mut self,
        table: &mut Table<'_, '_>,
        key: &'static str,
        required: bool,
    ) -> Option<Str> {
        let Some((_, value)) = self.entry(table, key) else {
            if required {
                self.missing(table, key, "\"…\"");
            }
            return None;
        };
        match value.get_ref() {
            DeValue::String(text) => {
                let span = value.span();
                if required && text.trim().is_empty() {
                    self.error(span.clone(), format!("`{key}` must not be empty"));
                }
                self.printable(key, text, &span);
                Some(Spanned {
                    value: text.to_string(),
                    span,
                })
            }
            _ => {
                self.wrong_type(&format!("`{key}`"), value, "a string");
                None
            }
        }
    }

    /// Reports the first character of the string `text` of `key` that a PDF cannot carry (a
    /// control character, a noncharacter, a byte-order mark), at its place in the TOML: TOML
    /// lets escapes such as `\u0000` and `\u001b` write them, and the PDF export would
    /// otherwise fail on them late, with no line to point at.
    pub(super) fn printable(&mut self, key: &str, text: &str, span: &Span) {
        // Most text is printable ASCII, which a byte-wise test clears at once.
        if text
            .bytes()
            .all(|b| matches!(b, b' '..=b'~' | b'\t' | b'\n'))
        {
            return;
        }
        let raw = self.file.text().get(span.clone()).unwrap_or("");
        let multi_line = raw.starts_with("\"\"\"") || raw.starts_with("'''");
        let mut refused = text
            .char_indices()
            .filter_map(|(at, c)| Some((at, c, refused_char(c, multi_line)?)));
        let Some((at, c, (what, hint))) = refused.next() else {
            return;
        };
        let more = refused.count();
        let place = SpanMap::new(self.file.text(), text, span).map(at..at + c.len_utf8());
        let message = format!(
            "`{key}` contains the {what} U+{:04X}, which a PDF cannot carry",
            u32::from(c)
        );
        let diagnostic = self.error(place, message);
        diagnostic.hints.push(hint.into());
        if more > 0 {
            let such = if more == 1 { "character" } else { "characters" };
            diagnostic
                .hints
                .push(format!("the same string holds {more} more such {such}"));
        }
    }

    pub(super) fn rich(
        &mut self,
        table: &mut Table<'_, '_>,
        key: &'static str,
        mode: Mode,
        required: bool,
    ) -> Option<RichText> {
        let text = self.string(table, key, required)?;
        Some(self.parse_rich(&text, mode))
    }

    /// Parses one rich-text string, placing its problems at their exact column in the TOML.
    pub(super) fn parse_rich(&mut self, text: &Str, mode: Mode) -> RichText {
        let (blocks, issues) = richtext::parse(&text.value, mode);
        let offsets = SpanMap::new(self.file.text(), &text.value, &text.span);
        let mut blocks = blocks;
        for issue in issues {
            let span = offsets.map(issue.span.clone());
            let mut diagnostic = Diagnostic::error(issue.message).at(self.file, span);
            diagnostic.severity = issue.severity;
            if let Some(hint) = issue.hint {
                diagnostic = diagnostic.hint(hint);
            }
            self.diagnostics.push(diagnostic);
        }
        richtext::visit_citations(&mut blocks, |refs| {
            for cite in refs {
                cite.span = offsets.map(cite.span.clone());
            }
        });
        RichText {
            blocks,
            span: text.span.clone(),
        }
    }

    pub(super) fn strings(&mut self, table: &mut Table<'_, '_>, key: &'static str) -> Vec<Str> {
        let Some((_, value)) = self.entry(table, key) else {
            return vec![];
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(&format!("`{key}`"), value, "an array of strings");
            return vec![];
        };
        let mut out = vec![];
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(text) if text.trim().is_empty() => {
                    self.error(
                        item.span(),
                        format!("`{key}` must not contain empty strings"),
                    );
                }
                DeValue::String(text) => {
                    self.printable(key, text, &item.span());
                    out.push(Spanned {
                        value: text.to_string(),
                        span: item.span(),
                    })
                }
                _ => self.wrong_type(&format!("each entry of `{key}`"), item, "a string"),
            }
        }
        out
    }

    /// A key that takes one string or an array of them (`bibliography`).
    pub(super) fn string_or_strings(
        &mut self,
        table: &mut Table<'_, '_>,
        key: &'static str,
    ) -> Vec<Str> {
        let Some((_, value)) = self.entry(table, key) else {
            return vec![];
        };
        match value.get_ref() {
            DeValue::String(text) => {
                let span = value.span();
                if text.trim().is_empty() {
                    self.error(span.clone(), format!("`{key}` must not be empty"));
                    return vec![];
                }
                self.printable(key, text, &span);
                vec![Spanned {
                    value: text.to_string(),
                    span,
                }]
            }
            DeValue::Array(_) => {
                table.known.pop();
                self.strings(table, key)
            }
            _ => {
                self.wrong_type(
                    &format!("`{key}`"),
                    value,
                    "a string or an array of strings",
                );
                vec![]
            }
        }
    }

    pub(super) fn rich_list(
        &mut self,
        table: &mut Table<'_, '_>,
        key: &'static str,
    ) -> Vec<RichText> {
        self.strings(table, key)
            .iter()
            .map(|text| self.parse_rich(text, Mode::Inline))
            .collect()
    }

    pub(super) fn number(&mut self, table: &mut Table<'_, '_>) -> Option<Str> {
        let (_, value) = self.entry(table, "number")?;
        match value.get_ref() {
            DeValue::String(text) if !text.trim().is_empty() => {
                self.printable("number", text, &value.span());
                Some(Spanned {
                    value: text.to_string(),
                    span: value.span(),
                })
            }
            DeValue::Integer(integer) => Some(Spanned {
                value: integer.as_str().replace('_', ""),
                span: value.span(),
            }),
            _ => {
                self.wrong_type("`number`", value, "a non-empty string or an integer");
                None
            }
        }
    }

    pub(super) fn language(&mut self, table: &mut Table<'_, '_>) -> Option<Spanned<Language>> {
        let text = self.string(table, "language", false)?;
        let mut parts = text.value.split('-');
        let primary = parts.next().unwrap_or("");
        let subtags: Vec<&str> = parts.collect();
        let primary_ok =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
        let subtags_ok = subtags
            .iter()
            .all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !primary_ok || !subtags_ok {
            self.error(
                text.span.clone(),
                format!("`{}` is not a BCP 47 language tag", text.value),
            )
            .hints
            .push(
                "write a lowercase primary language tag such as \"en\", \"be\", \"uk\" or \"de\""
                    .into(),
            );
            return None;
        }
        let region = subtags
            .iter()
            .find(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(|s| s.to_ascii_uppercase());
        // The script comes first after the language, as BCP 47 orders the subtags.
        let script = subtags
            .first()
            .filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(|s| {
                let lower = s.to_ascii_lowercase();
                lower[..1].to_ascii_uppercase() + &lower[1..]
            });
        Some(Spanned {
            value: Language {
                primary: primary.to_string(),
                script,
                region,
            },
            span: text.span,
        })
    }

    /// Reads an item's `id`, after which messages name the item by it: "the actor `russia`".
    pub(super) fn id(&mut self, table: &mut Table<'_, '_>, what: &str) -> Str {
        let Some(id) = self.string(table, "id", true) else {
            return empty(&table.span);
        };
        if !id.value.trim().is_empty() {
            table.name = format!("the {what} `{}`", id.value);
        }
        if !id.value.is_empty() && !is_valid_id(&id.value) {
            let suggestion = suggest_id(&id.value);
            self.error(id.span.clone(), format!("`{}` is not a valid id", id.value))
                .hints
                .push(format!("ids use lowercase letters, digits and hyphens, starting with a letter or digit, like \"{suggestion}\""));
        }
        id
    }

    pub(super) fn url(&mut self, table: &mut Table<'_, '_>, key: &'static str) -> Option<Str> {
        let url = self.string(table, key, false)?;
        // A bidirectional control is reported where it is, and only once.
        if self.in_order(key, &url)
            && let Err(message) = url::check_web_url(&url.value)
        {
            self.error(url.span.clone(), message)
                .hints
                .push("write the full address, starting with https://".into());
        }
        Some(url)
    }

    /// The brief's own `url`, which the paper prints with its QR code: it must fit one.
    pub(super) fn qr_url(&mut self, table: &mut Table<'_, '_>) -> Option<Str> {
        let url = self.url(table, "url")?;
        let bytes = url.value.len();
        if bytes > url::QR_CAPACITY {
            self.error(
                url.span.clone(),
                format!(
                    "`url` is {bytes} bytes long, more than a QR code holds ({} bytes)",
                    url::QR_CAPACITY
                ),
            )
            .hints
            .push("give a shorter address that leads to the same page, such as a redirect".into());
        }
        Some(url)
    }

    /// A person's or an organisation's `name`, required; it must print in the order written.
    pub(super) fn name(&mut self, table: &mut Table<'_, '_>) -> Option<Str> {
        let name = self.string(table, "name", true)?;
        self.in_order("name", &name);
        Some(name)
    }

    /// Whether `text`, the value of `key`, is free of bidirectional controls; the first one is
    /// reported at its place in the TOML. Rich text is not asked: right-to-left writing needs
    /// its marks there, and nothing in a paragraph claims to be an address or a name.
    pub(super) fn in_order(&mut self, key: &str, text: &Str) -> bool {
        let mut found = text
            .value
            .char_indices()
            .filter(|(_, c)| url::is_bidi_control(*c));
        let Some((at, c)) = found.next() else {
            return true;
        };
        let more = found.count();
        let place =
            SpanMap::new(self.file.text(), &text.value, &text.span).map(at..at + c.len_utf8());
        let message = format!(
            "`{key}` contains the bidirectional control character U+{:04X}, which would print \
             it in another order than it is written",
            u32::from(c)
        );
        let diagnostic = self.error(place, message);
        diagnostic.hints.push(
            "remove it: an address, a name or a marking must read the same on paper as in the brief"
                .into(),
        );
        if more > 0 {
            let such = if more == 1 { "character" } else { "characters" };
            diagnostic
                .hints
                .push(format!("the same string holds {more} more such {such}"));
        }
        false
    }

    pub(super) fn choice<T>(
        &mut self,
        table: &mut Table<'_, '_>,
        key: &'static str,
        names: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Spanned<T>> {
        let text = self.string(table, key, false)?;
        match parse(&text.value) {
            Some(value) => Some(Spanned {
                value,
                span: text.span,
            }),
            None => {
                let allowed = names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                let suggestion = closest_known(&text.value.to_lowercase(), names.iter().copied());
                let diagnostic = self.error(
                    text.span,
                    format!("`{}` is not a valid `{key}`", text.value),
                );
                if let Some(suggestion) = suggestion {
                    diagnostic
                        .hints
                        .push(format!("did you mean \"{suggestion}\"?"));
                }
                diagnostic
                    .hints
                    .push(format!("`{key}` must be one of {allowed}"));
                None
            }
        }
    }

    pub(super) fn choice_required<T>(
        &mut self,
        table: &mut Table<'_, '_>,
        key: &'static str,
        names: &[&str],
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<Spanned<T>> {
        if !table.entries.contains_key(key) {
            table.known.push(key);
            let example = format!("\"{}\"", names[0]);
            self.missing(table, key, &example);
            return None;
        }
        self.choice(table, key, names, parse)
    }

    /// A date key: a TOML local date, or a string `YYYY`, `YYYY-MM`, `YYYY-MM-DD`.
    pub(super) fn date(
        &mut self,
        table: &mut Table<'_, '_>,
        key: &'static str,
        required: bool,
        full: bool,
    ) -> Option<Spanned<PartialDate>> {
        let Some((_, value)) = self.entry(table, key) else {
            if required {
                self.missing(table, key, "2022-03-10");
            }
            return None;
        };
        let span = value.span();
        let forms = if full {
            "a date such as 2022-03-10"
        } else {
            "a date such as 2022-03-10, \"2022-03\" or \"2022\""
        };
        let parsed = match value.get_ref() {
            DeValue::Datetime(datetime) => match (datetime.date, datetime.time, datetime.offset) {
                (Some(date), None, None) => PartialDate::from_parts(
                    date.year.into(),
                    Some(date.month.into()),
                    Some(date.day.into()),
                ),
                _ => Err(format!("`{key}` must be a date without a time of day")),
            },
            DeValue::String(text) => {
                PartialDate::parse(text.trim()).map_err(|e| format!("`{key}`: {e}"))
            }
            _ => {
                self.wrong_type(&format!("`{key}`"), value, forms);
                return None;
            }
        };
        match parsed {
            Ok(date) if full && !date.is_full() => {
                self.error(
                    span,
                    format!("`{key}` must be a full date with year, month and day"),
                )
                .hints
                .push(format!("write {forms}"));
                None
            }
            Ok(date) => Some(Spanned { value: date, span }),
            Err(message) => {
                self.error(span, message)
                    .hints
                    .push(format!("write {forms}"));
                None
            }
        }
    }

    pub(super) fn table<'t, 'i>(
        &mut self,
        parent: &mut Table<'t, 'i>,
        key: &'static str,
        required: bool,
    ) -> Option<Table<'t, 'i>> {
        let Some((name, value)) = self.entry(parent, key) else {
            if required {
                let span = parent.span.clone();
                self.error(span, format!("the brief has no `[{key}]` table"))
                    .hints
                    .push(format!(
                        "add a `[{key}]` table with a `text` key: the bottom line up front"
                    ));
            }
            return None;
        };
        match value.get_ref() {
            DeValue::Table(entries) => Some(Table {
                entries,
                span: header_line(self.file.text(), name.span()),
                name: format!("[{key}]"),
                known: vec![],
                missing: vec![],
            }),
            _ => {
                self.wrong_type(&format!("`{key}`"), value, "a table");
                None
            }
        }
    }

    /// Reads an array of tables (`[[actors]]`), one item per table.
    pub(super) fn each_table<T>(
        &mut self,
        parent: &mut Table<'_, '_>,
        key: &'static str,
        mut read: impl FnMut(&mut Self, &mut Table<'_, '_>) -> T,
    ) -> Vec<T> {
        let Some((name, value)) = self.entry(parent, key) else {
            return vec![];
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(
                &format!("`{key}`"),
                value,
                &format!("an array of tables, written as `[[{key}]]`"),
            );
            return vec![];
        };
        let mut out = vec![];
        for (index, item) in items.iter().enumerate() {
            let DeValue::Table(entries) = item.get_ref() else {
                self.wrong_type(&format!("each entry of `{key}`"), item, "a table");
                continue;
            };
            // The parser spans an entry of `[[key]]` by its own header, from `[[` to `]]`, and
            // an inline `{ … }` entry by its braces: the place to report what the item lacks.
            // (Taking the span from the parser keeps this linear, and a `[[key]]` line inside
            // a multi-line string is never taken for a header.)
            let span = match item.span() {
                span if span.is_empty() => name.span(),
                span => span,
            };
            let mut table = Table {
                entries,
                span,
                name: format!("[[{key}]] entry {}", index + 1),
                known: vec![],
                missing: vec![],
            };
            out.push(read(self, &mut table));
            self.finish(table);
        }
        out
    }
}

/// [`closest`] for a word that may be huge, as a key or a value can be: a word more than twice
/// as long as every candidate is close to none of them, and comparing it would cost time and
/// memory in proportion to its length times theirs.
fn closest_known<'a>(
    word: &str,
    known: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<&'a str> {
    let longest = known.clone().into_iter().map(|k| k.chars().count()).max()?;
    if word.chars().count() > 2 * longest + 2 {
        return None;
    }
    closest(word, known)
}

pub(super) const UNKNOWN_DATE: PartialDate = PartialDate {
    year: 0,
    month: None,
    day: None,
};

pub(super) fn empty(span: &Span) -> Str {
    Spanned {
        value: String::new(),
        span: span.clone(),
    }
}

pub(super) fn empty_rich(span: &Span) -> RichText {
    RichText {
        blocks: vec![],
        span: span.clone(),
    }
}

fn describe(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// `[a-z0-9][a-z0-9-]*`
pub fn is_valid_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn suggest_id(id: &str) -> String {
    let mut out = String::new();
    for c in id.trim().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            _ if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            _ => {}
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "my-id".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_word_is_close_to_nothing_and_costs_nothing() {
        let known = ["title", "subtitle", "date"];
        assert_eq!(closest_known("titel", known), Some("title"));
        assert_eq!(closest_known("subtitel", known), Some("subtitle"));
        let huge = "t".repeat(10_000_000);
        let started = std::time::Instant::now();
        assert_eq!(closest_known(&huge, known), None);
        assert!(started.elapsed().as_secs() < 2);
        // Right at the bound the answer is still `closest`'s.
        for word in ["ti", "titlexxxxxxxxxxxxx", "datexxxxxxxx"] {
            assert_eq!(closest_known(word, known), closest(word, known));
        }
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("a"));
        assert!(is_valid_id("nato-2022"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("A"));
        assert!(!is_valid_id(""));
        assert_eq!(suggest_id("Bad Id"), "bad-id");
    }
}
