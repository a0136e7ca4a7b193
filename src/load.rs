//! Reading a brief: TOML text into the typed model, collecting every problem on the way.
//!
//! The TOML is parsed into a spanned tree first and then read key by key, instead of through
//! `serde`, so that one pass reports all wrong types, missing and unknown keys at once, each at
//! its own line and column.

use std::sync::Arc;

use toml::de::{DeString, DeTable, DeValue};

use crate::date::PartialDate;
use crate::diag::{Diagnostic, closest};
use crate::model::*;
use crate::richtext::{self, Mode};
use crate::source::SourceFile;

type TomlSpanned<T> = toml::Spanned<T>;

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
    let mut reader = Reader {
        file,
        diagnostics: vec![],
    };
    let brief = reader.brief(root.get_ref(), root.span());
    let Reader {
        mut diagnostics, ..
    } = reader;
    crate::validate::check(&brief, &mut diagnostics);
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

/// A TOML table being read, remembering which keys were asked for so that the rest can be
/// reported as unknown.
struct Table<'t, 'i> {
    entries: &'t DeTable<'i>,
    /// Where the table starts, for "missing key" errors.
    span: Span,
    /// How the table is named in messages: `[summary]`, `[[actors]] entry 2`.
    name: String,
    known: Vec<&'static str>,
    /// Required keys not found, with an example value; reported when the table is finished,
    /// so that a misspelt key and the key it misspells make one error, not two.
    missing: Vec<(&'static str, String)>,
}

type Entry<'t, 'i> = (&'t TomlSpanned<DeString<'i>>, &'t TomlSpanned<DeValue<'i>>);

struct Reader<'f> {
    file: &'f Arc<SourceFile>,
    diagnostics: Vec<Diagnostic>,
}

impl<'f> Reader<'f> {
    fn brief(&mut self, root: &DeTable<'_>, _span: Span) -> Brief {
        // The top level has no header line; its missing keys are reported at the file's start.
        let mut top = Table {
            entries: root,
            span: 0..0,
            name: "the top level".into(),
            known: vec![],
            missing: vec![],
        };
        let title = self.string(&mut top, "title", true);
        let subtitle = self.string(&mut top, "subtitle", false);
        let date = self.date(&mut top, "date", true, true);
        let language = self.language(&mut top);
        let publisher = self.string(&mut top, "publisher", false);
        let series = self.string(&mut top, "series", false);
        let number = self.number(&mut top);
        let classification = self.string(&mut top, "classification", false);
        let keywords = self.strings(&mut top, "keywords");
        let disclaimer = self.rich(&mut top, "disclaimer", Mode::Blocks, false);
        let about = self.rich(&mut top, "about", Mode::Blocks, false);
        let template = self.string(&mut top, "template", false);
        let paper = self.choice(&mut top, "paper", &Paper::NAMES, Paper::parse);

        let authors = self.each_table(&mut top, "authors", |r, t| Author {
            name: r.string(t, "name", true).unwrap_or_else(|| empty(&t.span)),
            affiliation: r.string(t, "affiliation", false),
            bio: r.rich(t, "bio", Mode::Blocks, false),
        });
        let summary = match self.table(&mut top, "summary", true) {
            Some(mut t) => {
                let summary = Summary {
                    text: self
                        .rich(&mut t, "text", Mode::Blocks, true)
                        .unwrap_or_else(|| empty_rich(&t.span)),
                    key_points: self.rich_list(&mut t, "key_points"),
                };
                self.finish(t);
                summary
            }
            None => Summary {
                text: empty_rich(&(0..0)),
                key_points: vec![],
            },
        };
        let sections = self.each_table(&mut top, "sections", |r, t| Section {
            heading: r
                .string(t, "heading", true)
                .unwrap_or_else(|| empty(&t.span)),
            body: r
                .rich(t, "body", Mode::Blocks, true)
                .unwrap_or_else(|| empty_rich(&t.span)),
        });
        let actors = self.each_table(&mut top, "actors", |r, t| Actor {
            id: r.id(t, "actor"),
            name: r.string(t, "name", true).unwrap_or_else(|| empty(&t.span)),
            kind: r
                .choice_required(t, "kind", &ActorKind::NAMES, ActorKind::parse)
                .map_or(ActorKind::Organization, |k| k.value),
            role: r.string(t, "role", false),
            stance: r.string(t, "stance", false),
            description: r.rich(t, "description", Mode::Blocks, false),
            interests: r.strings(t, "interests"),
        });
        let timeline = self.each_table(&mut top, "timeline", |r, t| Event {
            date: r.date(t, "date", true, false).unwrap_or(Spanned {
                value: UNKNOWN_DATE,
                span: t.span.clone(),
            }),
            end: r.date(t, "end", false, false),
            title: r.string(t, "title", true).unwrap_or_else(|| empty(&t.span)),
            description: r.rich(t, "description", Mode::Blocks, false),
            actors: r.strings(t, "actors"),
            sources: r.strings(t, "sources"),
        });
        let recommendations = self.each_table(&mut top, "recommendations", |r, t| Recommendation {
            title: r.string(t, "title", true).unwrap_or_else(|| empty(&t.span)),
            body: r.rich(t, "body", Mode::Blocks, false),
            audience: r.string(t, "audience", false),
            priority: r
                .choice(t, "priority", &Priority::NAMES, Priority::parse)
                .map(|p| p.value),
        });
        let sources = self.each_table(&mut top, "sources", |r, t| Source {
            id: r.id(t, "source"),
            title: r.string(t, "title", true).unwrap_or_else(|| empty(&t.span)),
            author: r.string(t, "author", false),
            publisher: r.string(t, "publisher", false),
            date: r.date(t, "date", false, false),
            url: r.url(t, "url"),
        });
        self.finish(top);

        Brief {
            file: self.file.clone(),
            title: title.unwrap_or_else(|| empty(&(0..0))),
            subtitle,
            date: date.unwrap_or(Spanned {
                value: UNKNOWN_DATE,
                span: 0..0,
            }),
            language: language.unwrap_or(Spanned {
                value: Language {
                    primary: "en".into(),
                    region: None,
                },
                span: 0..0,
            }),
            publisher,
            series,
            number,
            classification,
            keywords,
            disclaimer,
            about,
            template,
            paper,
            authors,
            summary,
            sections,
            actors,
            timeline,
            recommendations,
            sources,
        }
    }

    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(message).at(self.file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Looks a key up, remembering that it is a known key of this table.
    fn entry<'t, 'i>(
        &mut self,
        table: &mut Table<'t, 'i>,
        key: &'static str,
    ) -> Option<Entry<'t, 'i>> {
        table.known.push(key);
        table.entries.get_key_value(key)
    }

    fn missing(&mut self, table: &mut Table<'_, '_>, key: &'static str, example: &str) {
        table.missing.push((key, example.to_string()));
    }

    /// `subject` names what is wrong: "`title`", or "each entry of `interests`".
    fn wrong_type(&mut self, subject: &str, value: &TomlSpanned<DeValue<'_>>, expected: &str) {
        let found = describe(value.get_ref());
        self.error(
            value.span(),
            format!("{subject} must be {expected}, but it is {found}"),
        );
    }

    /// Reports every key of `table` that was never asked for.
    fn finish(&mut self, table: Table<'_, '_>) {
        let mut explained: Vec<&str> = vec![];
        for (key, _) in table.entries.iter() {
            let name = key.get_ref().as_ref();
            if table.known.contains(&name) {
                continue;
            }
            let message = format!("unknown key `{name}` in {}", table.name);
            let span = key.span();
            let missing = closest(name, table.missing.iter().map(|(k, _)| *k));
            let suggestion = missing.or_else(|| closest(name, table.known.iter().copied()));
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

    fn string(
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

    fn rich(
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
    fn parse_rich(&mut self, text: &Str, mode: Mode) -> RichText {
        let (blocks, issues) = richtext::parse(&text.value, mode);
        let offsets = SpanMap::new(self.file.text(), text);
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

    fn strings(&mut self, table: &mut Table<'_, '_>, key: &'static str) -> Vec<Str> {
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
                DeValue::String(text) => out.push(Spanned {
                    value: text.to_string(),
                    span: item.span(),
                }),
                _ => self.wrong_type(&format!("each entry of `{key}`"), item, "a string"),
            }
        }
        out
    }

    fn rich_list(&mut self, table: &mut Table<'_, '_>, key: &'static str) -> Vec<RichText> {
        self.strings(table, key)
            .iter()
            .map(|text| self.parse_rich(text, Mode::Inline))
            .collect()
    }

    fn number(&mut self, table: &mut Table<'_, '_>) -> Option<Str> {
        let (_, value) = self.entry(table, "number")?;
        match value.get_ref() {
            DeValue::String(text) if !text.trim().is_empty() => Some(Spanned {
                value: text.to_string(),
                span: value.span(),
            }),
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

    fn language(&mut self, table: &mut Table<'_, '_>) -> Option<Spanned<Language>> {
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
        Some(Spanned {
            value: Language {
                primary: primary.to_string(),
                region,
            },
            span: text.span,
        })
    }

    /// Reads an item's `id`, after which messages name the item by it: "the actor `russia`".
    fn id(&mut self, table: &mut Table<'_, '_>, what: &str) -> Str {
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

    fn url(&mut self, table: &mut Table<'_, '_>, key: &'static str) -> Option<Str> {
        let url = self.string(table, key, false)?;
        if let Err(message) = richtext::check_web_url(&url.value) {
            self.error(url.span.clone(), message)
                .hints
                .push("write the full address, starting with https://".into());
        }
        Some(url)
    }

    fn choice<T>(
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
                let suggestion = closest(&text.value.to_lowercase(), names.iter().copied());
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

    fn choice_required<T>(
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
    fn date(
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

    fn table<'t, 'i>(
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
    fn each_table<T>(
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
            // An item's own span covers its keys; a `[[key]]` header is the best place to
            // report what the item lacks.
            let span = header_span(self.file.text(), key, index).unwrap_or_else(|| {
                let item_span = item.span();
                if item_span.is_empty() {
                    name.span()
                } else {
                    item_span
                }
            });
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

const UNKNOWN_DATE: PartialDate = PartialDate {
    year: 0,
    month: None,
    day: None,
};

fn empty(span: &Span) -> Str {
    Spanned {
        value: String::new(),
        span: span.clone(),
    }
}

fn empty_rich(span: &Span) -> RichText {
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

/// The whole `[key]` header line around a table's key, or the key alone for a dotted or
/// inline table.
fn header_line(text: &str, key: Span) -> Span {
    let start = text[..key.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[key.start..]
        .find('\n')
        .map_or(text.len(), |i| key.start + i);
    let line = &text[start..end];
    if line.trim_start().starts_with('[') {
        let lead = line.len() - line.trim_start().len();
        start + lead..start + line.trim_end().len()
    } else {
        key
    }
}

/// The span of the `index`-th `[[key]]` header in the text, if the array is written that way.
fn header_span(text: &str, key: &str, index: usize) -> Option<Span> {
    let mut offset = 0;
    let mut seen = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("[[")
            && let Some(name) = rest.split("]]").next()
            && name.trim().trim_matches('"') == key
        {
            if seen == index {
                let start = offset + (line.len() - trimmed.len());
                let end = start + trimmed.trim_end().len();
                return Some(start..end);
            }
            seen += 1;
        }
        offset += line.len();
    }
    None
}

/// Maps byte offsets in a decoded TOML string back to the TOML text, through quotes, escapes
/// and line continuations, so rich-text problems are reported at their exact column.
struct SpanMap {
    /// For each byte of the decoded string (and one past its end), its offset in the file.
    offsets: Option<Vec<usize>>,
    whole: Span,
}

impl SpanMap {
    fn new(file_text: &str, text: &Str) -> Self {
        let raw = file_text.get(text.span.clone()).unwrap_or("");
        let offsets = decode_offsets(raw)
            .filter(|o| o.len() == text.value.len() + 1)
            .map(|o| o.into_iter().map(|i| i + text.span.start).collect());
        Self {
            offsets,
            whole: text.span.clone(),
        }
    }

    fn map(&self, span: Span) -> Span {
        match &self.offsets {
            Some(offsets) if span.end < offsets.len() => offsets[span.start]..offsets[span.end],
            _ => self.whole.clone(),
        }
    }
}

/// Offsets into `raw` (a TOML string token with its quotes) of each decoded byte.
fn decode_offsets(raw: &str) -> Option<Vec<usize>> {
    let (delimiter, literal) = if raw.starts_with("'''") {
        ("'''", true)
    } else if raw.starts_with("\"\"\"") {
        ("\"\"\"", false)
    } else if raw.starts_with('\'') {
        ("'", true)
    } else if raw.starts_with('"') {
        ("\"", false)
    } else {
        return None;
    };
    let start = delimiter.len();
    let end = raw.len().checked_sub(delimiter.len())?;
    let body = raw.get(start..end)?;
    let mut offsets = Vec::with_capacity(body.len() + 1);
    let mut i = 0;
    if delimiter.len() == 3 {
        // A newline right after the opening delimiter is not part of the string.
        if body.starts_with("\r\n") {
            i = 2;
        } else if body.starts_with('\n') {
            i = 1;
        }
    }
    let bytes = body.as_bytes();
    while i < body.len() {
        if !literal && bytes[i] == b'\\' {
            let next = *bytes.get(i + 1)?;
            match next {
                b'u' | b'U' => {
                    let digits = if next == b'u' { 4 } else { 8 };
                    let hex = body.get(i + 2..i + 2 + digits)?;
                    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                    offsets.extend(std::iter::repeat_n(start + i, c.len_utf8()));
                    i += 2 + digits;
                }
                b' ' | b'\t' | b'\r' | b'\n' => {
                    // A line-ending backslash swallows the newline and the indentation after it.
                    i += 1;
                    while i < body.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    }
                }
                _ => {
                    offsets.push(start + i);
                    i += 2;
                }
            }
        } else {
            let len = body[i..].chars().next()?.len_utf8();
            offsets.extend((0..len).map(|k| start + i + k));
            i += len;
        }
    }
    offsets.push(start + body.len());
    Some(offsets)
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
    fn rich_text_offsets_survive_escapes() {
        let raw = r#""a\tb \u00e9 [@x]""#;
        let offsets = decode_offsets(raw).unwrap();
        let decoded = "a\tb é [@x]";
        assert_eq!(offsets.len(), decoded.len() + 1);
        let at = decoded.find("[@x]").unwrap();
        assert_eq!(&raw[offsets[at]..offsets[at + 4]], "[@x]");
    }

    #[test]
    fn multi_line_strings_drop_the_first_newline() {
        let raw = "\"\"\"\nab \\\n   cd\"\"\"";
        let offsets = decode_offsets(raw).unwrap();
        assert_eq!(offsets.len(), "ab cd".len() + 1);
        assert_eq!(&raw[offsets[3]..offsets[3] + 1], "c");
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
