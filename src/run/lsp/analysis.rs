//! What the server knows of a brief once it is loaded: every id where it is defined and used,
//! what hovering over one shows, the dates as the paper prints them, the outline, and where a
//! new actor or source would go. Everything is made here, from the loaded model (its spans),
//! so that requests only look up; all of it is byte spans, moved together when the text
//! changes before the next check.

use std::collections::HashMap;
use std::sync::Arc;

use lsp_types::SymbolKind;
use minijinja::value::Value;

use crate::brief::date::PartialDate;
use crate::brief::model::{Brief, RichText, Span, Spanned, Str};
use crate::brief::richtext::{Inline, for_each_citation};
use crate::brief::validate::rich_texts;
use crate::compose::data::Document;
use crate::run::lsp::text::Edit;
use crate::run::web::{dates, rich};
use crate::source::SourceFile;

/// The kinds of id a brief defines. A bibliography key is defined in its file, not the
/// brief's: its definition is among the analysis's `elsewhere`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Actor,
    Source,
    Figure,
    Reference,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Source => "source",
            Kind::Figure => "figure",
            Kind::Reference => "reference",
        }
    }

    /// Whether two kinds share one namespace: `[@id]` names a source, a figure or a
    /// bibliography's reference, so none may take an id another has.
    pub fn shares_ids_with(self, other: Kind) -> bool {
        self == other || (self != Kind::Actor && other != Kind::Actor)
    }
}

/// Where an id is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// An item's `id`.
    Definition,
    /// An entry of an event's `actors`.
    EventActors,
    /// An entry of an event's `sources`.
    EventSources,
    /// An entry of a section's `figures`.
    SectionFigures,
    /// `@id` inside `[@…]` in rich text.
    Citation,
}

/// One id written in the brief.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// What it names; `None` for a reference to an id nothing has.
    pub kind: Option<Kind>,
    pub id: String,
    pub place: Place,
    /// The whole token: `"id"` for a string, `@id` in a citation.
    pub span: Span,
    /// The id's own bytes, when the file writes it as it reads (no escape): what a rename
    /// replaces.
    pub name: Option<Span>,
}

impl Occurrence {
    pub fn is_definition(&self) -> bool {
        self.place == Place::Definition
    }
}

/// An entry of the outline.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub name: String,
    /// What the paper prints for it, most telling first: to find its page in the preview.
    pub printed: Vec<String>,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub span: Span,
    pub selection: Span,
    pub children: Vec<Symbol>,
}

/// Everything the server answers requests from.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Every id written in the brief, in the order of the file.
    pub occurrences: Vec<Occurrence>,
    /// The ids of each kind, with their name or title, for completion.
    pub ids: HashMap<Kind, Vec<(String, String)>>,
    /// What hovering over an id shows (Markdown).
    pub hovers: HashMap<(Kind, String), String>,
    /// Each date value of the brief and how the paper prints it.
    pub dates: Vec<(Span, String)>,
    pub symbols: Vec<Symbol>,
    /// Where a new `[[actors]]` or `[[sources]]` entry goes; none where the brief writes the
    /// list as an inline array, which a new table cannot join.
    pub stubs: HashMap<Kind, usize>,
    /// The languages the brief's template has labels for.
    pub languages: Vec<String>,
    /// The ids defined in another file: each bibliography key, with its file and the span of
    /// the key there (never moved by the brief's edits).
    pub elsewhere: HashMap<(Kind, String), (Arc<SourceFile>, Span)>,
}

/// What the analysis is made from beyond the loaded brief.
pub struct Context<'a> {
    /// The template's data, when the brief passed its checks: notes and figures numbered,
    /// text as printed.
    pub data: Option<&'a Document>,
    /// The template's label table for the brief's language.
    pub labels: Value,
    pub languages: Vec<String>,
}

impl Analysis {
    pub fn new(brief: &Brief, context: &Context<'_>) -> Self {
        let mut analysis = Analysis {
            languages: context.languages.clone(),
            ..Analysis::default()
        };
        let text = brief.file.text();
        analysis.index(brief, text);
        analysis.describe(brief, context);
        analysis.date_hovers(brief, &context.labels);
        analysis.symbols = outline(brief, context.data);
        for (kind, table, items) in [
            (Kind::Actor, "actors", brief.actors.len()),
            (Kind::Source, "sources", brief.sources.len()),
        ] {
            let last_end = match kind {
                Kind::Actor => brief.actors.last().map(|a| actor_span(a).end),
                _ => brief.sources.last().map(|s| source_span(s).end),
            };
            if let Some(at) = stub_place(text, table, items, last_end) {
                analysis.stubs.insert(kind, at);
            }
        }
        analysis
    }

    fn index(&mut self, brief: &Brief, text: &str) {
        let sources: HashMap<&str, ()> = brief
            .sources
            .iter()
            .map(|s| (s.id.value.as_str(), ()))
            .collect();
        let figures: HashMap<&str, ()> = brief
            .figures
            .iter()
            .map(|f| (f.id.value.as_str(), ()))
            .collect();
        let actors: HashMap<&str, ()> = brief
            .actors
            .iter()
            .map(|a| (a.id.value.as_str(), ()))
            .collect();
        // A bibliography's keys, once its files are read (a brief that passed its checks).
        let references: HashMap<&str, ()> =
            brief.library.keys().map(|(key, ..)| (key, ())).collect();
        for (key, file, span) in brief.library.keys() {
            self.elsewhere
                .entry((Kind::Reference, key.to_string()))
                .or_insert_with(|| (file.clone(), span.clone()));
        }
        let mut out = vec![];
        let mut string = |kind: Option<Kind>, place: Place, id: &Str| {
            if id.value.is_empty() {
                return;
            }
            out.push(Occurrence {
                kind,
                id: id.value.clone(),
                place,
                span: id.span.clone(),
                name: inner(text, &id.span, &id.value),
            });
        };
        let known =
            |set: &HashMap<&str, ()>, kind: Kind, id: &str| set.contains_key(id).then_some(kind);
        for actor in &brief.actors {
            string(Some(Kind::Actor), Place::Definition, &actor.id);
        }
        for source in &brief.sources {
            string(Some(Kind::Source), Place::Definition, &source.id);
        }
        for figure in &brief.figures {
            string(Some(Kind::Figure), Place::Definition, &figure.id);
        }
        for event in &brief.timeline {
            for id in &event.actors {
                string(
                    known(&actors, Kind::Actor, &id.value),
                    Place::EventActors,
                    id,
                );
            }
            for id in &event.sources {
                string(
                    known(&sources, Kind::Source, &id.value)
                        .or_else(|| known(&references, Kind::Reference, &id.value)),
                    Place::EventSources,
                    id,
                );
            }
        }
        for section in &brief.sections {
            for id in &section.figures {
                string(
                    known(&figures, Kind::Figure, &id.value),
                    Place::SectionFigures,
                    id,
                );
            }
        }
        for rich in rich_texts(brief) {
            for_each_citation(&rich.blocks, &mut |cite| {
                let kind = known(&sources, Kind::Source, &cite.id)
                    .or_else(|| known(&figures, Kind::Figure, &cite.id))
                    .or_else(|| known(&references, Kind::Reference, &cite.id));
                // The span covers `@id`; the id follows the `@` when the file writes it so.
                let written = text.get(cite.span.clone());
                let name = (written == Some(&format!("@{}", cite.id)))
                    .then(|| cite.span.start + 1..cite.span.end);
                if !cite.id.is_empty() {
                    out.push(Occurrence {
                        kind,
                        id: cite.id.clone(),
                        place: Place::Citation,
                        span: cite.span.clone(),
                        name,
                    });
                }
            });
        }
        out.sort_by_key(|o| (o.span.start, o.span.end));
        self.occurrences = out;
    }

    /// Completion details and hovers, from the template's data when there is one (text as
    /// printed, numbers given), else from the brief as written.
    fn describe(&mut self, brief: &Brief, context: &Context<'_>) {
        let words = dates::Words::of(&context.labels);
        for actor in &brief.actors {
            let mut hover = format!("**{}** · {}", md(&actor.name.value), actor.kind.name());
            if let Some(role) = &actor.role {
                hover += &format!("\n\n{}", md(&role.value));
            }
            if let Some(stance) = &actor.stance {
                hover += &format!("\n\n*{}*", md(&stance.value));
            }
            self.add(Kind::Actor, &actor.id.value, &actor.name.value, hover);
        }
        let printed: HashMap<&str, &crate::compose::data::Source> = context
            .data
            .map(|d| d.sources.iter().map(|s| (s.id.as_str(), s)).collect())
            .unwrap_or_default();
        // With a citation style, the reference list as the style prints it: the sources and
        // the bibliography's references cited, each by its key.
        let listed: HashMap<&str, &crate::compose::data::ReferenceEntry> = context
            .data
            .and_then(|d| d.citations.as_ref())
            .map(|c| c.references.iter().map(|e| (e.key.as_str(), e)).collect())
            .unwrap_or_default();
        for source in &brief.sources {
            let id = &source.id.value;
            if let Some(entry) = listed.get(id.as_str()) {
                self.add(Kind::Source, id, &source.title.value, entry_markdown(entry));
                continue;
            }
            let entry = match printed.get(id.as_str()) {
                Some(s) => SourceEntry {
                    number: s.number,
                    author: s.author.clone(),
                    title: s.title.clone(),
                    publisher: s.publisher.clone(),
                    date: s.date,
                    url: s.url.clone(),
                },
                None => SourceEntry {
                    number: None,
                    author: source.author.as_ref().map(|a| a.value.clone()),
                    title: source.title.value.clone(),
                    publisher: source.publisher.as_ref().map(|a| a.value.clone()),
                    date: source.date.as_ref().map(|d| d.value),
                    url: source.url.as_ref().map(|u| u.value.clone()),
                },
            };
            self.add(
                Kind::Source,
                id,
                &source.title.value,
                entry.markdown(&words),
            );
        }
        for reference in &brief.library.references {
            let key = &reference.key;
            let title = match reference.item.0.get("title") {
                Some(citationberg::json::Value::String(title)) => title.clone(),
                _ => String::new(),
            };
            let hover = match listed.get(key.as_str()) {
                Some(entry) => entry_markdown(entry),
                None => format!("**{}** · reference\n\n*{}*", md(key), md(&title)),
            };
            self.add(Kind::Reference, key, &title, hover);
        }
        let numbered: HashMap<&str, &crate::compose::data::Figure> = context
            .data
            .map(|d| d.figures.iter().map(|f| (f.id.as_str(), f)).collect())
            .unwrap_or_default();
        for figure in &brief.figures {
            let id = &figure.id.value;
            let caption = plain_rich(&figure.caption);
            let name = numbered.get(id.as_str()).map(|f| {
                let key = format!("{}-ref", f.class);
                let pattern = context
                    .labels
                    .get_attr(&key)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| format!("{} {{n}}", f.class));
                pattern.replace("{n}", &f.number.to_string())
            });
            let detail = match &name {
                Some(name) => format!("{name}: {caption}"),
                None => caption.clone(),
            };
            let hover = match &name {
                Some(name) => format!(
                    "**{}** · {}\n\n{}",
                    md(name),
                    figure.kind().name(),
                    md(&caption)
                ),
                None => format!("**{id}** · {}\n\n{}", figure.kind().name(), md(&caption)),
            };
            self.add(Kind::Figure, id, &detail, hover);
        }
    }

    fn add(&mut self, kind: Kind, id: &str, detail: &str, hover: String) {
        if id.is_empty() {
            return;
        }
        self.ids
            .entry(kind)
            .or_default()
            .push((id.to_string(), detail.to_string()));
        self.hovers.entry((kind, id.to_string())).or_insert(hover);
    }

    fn date_hovers(&mut self, brief: &Brief, labels: &Value) {
        let words = dates::Words::of(labels);
        let one = |date: &Spanned<PartialDate>| dates::format(&date_value(date.value), &words);
        self.dates.push((brief.date.span.clone(), one(&brief.date)));
        for event in &brief.timeline {
            let printed = match &event.end {
                Some(end) => dates::range(
                    &date_value(event.date.value),
                    &date_value(end.value),
                    &words,
                ),
                None => one(&event.date),
            };
            self.dates.push((event.date.span.clone(), printed.clone()));
            if let Some(end) = &event.end {
                self.dates.push((end.span.clone(), printed));
            }
        }
        for source in &brief.sources {
            if let Some(date) = &source.date {
                self.dates.push((date.span.clone(), one(date)));
            }
        }
    }

    /// The occurrence of an id at `offset`, if the offset is on one.
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// The definition of an id of `kind`.
    pub fn definition(&self, kind: Kind, id: &str) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.is_definition() && o.kind == Some(kind) && o.id == id)
    }

    /// Every occurrence of an id of `kind`, its definition among them.
    pub fn uses(&self, kind: Kind, id: &str) -> impl Iterator<Item = &Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == Some(kind) && o.id == id)
    }

    /// Whether an id is taken for `kind`: by an id of its own kind or of one sharing its
    /// namespace.
    pub fn is_taken(&self, kind: Kind, id: &str) -> bool {
        self.occurrences.iter().any(|o| {
            o.is_definition() && o.id == id && o.kind.is_some_and(|k| k.shares_ids_with(kind))
        }) || self
            .elsewhere
            .keys()
            .any(|(k, key)| key == id && k.shares_ids_with(kind))
    }

    /// What the paper prints for the innermost item of the outline at `offset`.
    pub fn printed_at(&self, offset: usize) -> Vec<String> {
        let mut list = &self.symbols;
        let mut found = vec![];
        while let Some(symbol) = list
            .iter()
            .find(|s| s.span.start <= offset && offset <= s.span.end)
        {
            if !symbol.printed.is_empty() {
                found = symbol.printed.clone();
            }
            list = &symbol.children;
        }
        found
    }

    /// Moves every span through an edit made after this analysis was made.
    pub fn shift(&mut self, edit: &Edit) {
        for o in &mut self.occurrences {
            edit.shift_span(&mut o.span);
            if let Some(name) = &mut o.name {
                edit.shift_span(name);
            }
        }
        for (span, _) in &mut self.dates {
            edit.shift_span(span);
        }
        fn symbols(list: &mut [Symbol], edit: &Edit) {
            for s in list {
                edit.shift_span(&mut s.span);
                edit.shift_span(&mut s.selection);
                symbols(&mut s.children, edit);
            }
        }
        symbols(&mut self.symbols, edit);
        for at in self.stubs.values_mut() {
            *at = edit.shift(*at);
        }
    }
}

/// A source as a note prints it (`templates/paper/components.typ`, `_source-entry`): its
/// number, author, title, publisher, date, address.
struct SourceEntry {
    number: Option<usize>,
    author: Option<String>,
    title: String,
    publisher: Option<String>,
    date: Option<PartialDate>,
    url: Option<String>,
}

impl SourceEntry {
    fn markdown(&self, words: &dates::Words) -> String {
        let mut parts = vec![];
        parts.extend(self.author.as_deref().map(md));
        parts.push(format!("*{}*", md(&self.title)));
        parts.extend(self.publisher.as_deref().map(md));
        parts.extend(self.date.map(|d| dates::format(&date_value(d), words)));
        let mut out = match self.number {
            Some(n) => format!("{n}. "),
            None => String::new(),
        };
        out += &parts.join(", ");
        out.push('.');
        if let Some(url) = &self.url {
            out += &format!(" <{}>", url.replace(['<', '>', ' '], ""));
        }
        out
    }
}

/// An entry of the reference list in Markdown: italics, bold and links as the style sets
/// them; a numeric style's label before it.
fn entry_markdown(entry: &crate::compose::data::ReferenceEntry) -> String {
    let mut out = String::new();
    if let Some(label) = &entry.label {
        inlines_markdown(label, &mut out);
        out.push(' ');
    }
    inlines_markdown(&entry.content, &mut out);
    out
}

/// Formatted inlines in Markdown: emphasis, strong emphasis and links kept, the rest (small
/// capitals, super- and subscripts) as plain text.
fn inlines_markdown(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(&md(text)),
            Inline::Emph { content } => {
                out.push('*');
                inlines_markdown(content, out);
                out.push('*');
            }
            Inline::Strong { content } => {
                out.push_str("**");
                inlines_markdown(content, out);
                out.push_str("**");
            }
            Inline::Link { url, content } => {
                out.push('[');
                inlines_markdown(content, out);
                out.push_str(&format!("](<{}>)", url.replace(['<', '>', ' '], "")));
            }
            Inline::Linebreak => out.push(' '),
            Inline::Citation { content, .. }
            | Inline::SmallCaps { content }
            | Inline::Super { content }
            | Inline::Sub { content } => inlines_markdown(content, out),
            _ => {}
        }
    }
}

/// Brief text in a Markdown hover, read as written: Markdown's marks escaped.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>#|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn date_value(date: PartialDate) -> Value {
    Value::from_serialize(date)
}

/// The plain words of a rich-text field.
fn plain_rich(text: &RichText) -> String {
    let mut out = String::new();
    rich::plain(&Value::from_serialize(&text.blocks), &mut out);
    out.trim().to_string()
}

/// The bytes of `value` inside its string token at `span`, when the token holds it as written
/// between plain quotes.
fn inner(text: &str, span: &Span, value: &str) -> Option<Span> {
    let raw = text.get(span.clone())?;
    ["\"", "'"].into_iter().find_map(|quote| {
        let body = raw.strip_prefix(quote)?.strip_suffix(quote)?;
        (body == value).then(|| span.start + 1..span.end - 1)
    })
}

/// The smallest span holding all of `spans`.
fn union<'a>(spans: impl IntoIterator<Item = &'a Span>) -> Span {
    let mut spans = spans.into_iter();
    let Some(first) = spans.next() else {
        return 0..0;
    };
    spans.fold(first.clone(), |all, s| {
        all.start.min(s.start)..all.end.max(s.end)
    })
}

fn rich_span(text: &Option<RichText>) -> Option<&Span> {
    text.as_ref().map(|t| &t.span)
}

fn actor_span(actor: &crate::brief::model::Actor) -> Span {
    let mut spans = vec![&actor.id.span, &actor.name.span];
    spans.extend(actor.role.as_ref().map(|s| &s.span));
    spans.extend(actor.stance.as_ref().map(|s| &s.span));
    spans.extend(rich_span(&actor.description));
    spans.extend(actor.interests.iter().map(|s| &s.span));
    union(spans)
}

fn source_span(source: &crate::brief::model::Source) -> Span {
    let mut spans = vec![&source.id.span, &source.title.span];
    spans.extend(source.author.as_ref().map(|s| &s.span));
    spans.extend(source.publisher.as_ref().map(|s| &s.span));
    spans.extend(source.date.as_ref().map(|s| &s.span));
    spans.extend(source.url.as_ref().map(|s| &s.span));
    union(spans)
}

/// Where a new `[[table]]` entry goes: after the line that ends the last entry, or at the end
/// of the file when there is none; nowhere when the list is an inline array.
fn stub_place(text: &str, table: &str, items: usize, last_end: Option<usize>) -> Option<usize> {
    let header = |line: &str| {
        let line = line.trim();
        line.strip_prefix("[[")
            .and_then(|l| l.split(']').next())
            .is_some_and(|name| name.trim() == table)
    };
    let assigned = |line: &str| {
        line.trim_start()
            .strip_prefix(table)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    // An inline array is a top-level key, written before the first table.
    if text
        .lines()
        .take_while(|line| !line.trim_start().starts_with('['))
        .any(assigned)
    {
        return None;
    }
    match last_end {
        Some(end) if items > 0 => {
            if !text.lines().any(header) {
                return None;
            }
            Some(
                text[end.min(text.len())..]
                    .find('\n')
                    .map_or(text.len(), |i| end + i + 1),
            )
        }
        _ => Some(text.len()),
    }
}

/// The outline: the sections, actors, events, recommendations and figures, each kind under
/// an entry of its own.
fn outline(brief: &Brief, data: Option<&Document>) -> Vec<Symbol> {
    let sections = section_symbols(brief);
    let actors = actor_symbols(brief);
    let events = event_symbols(brief);
    let recommendations = recommendation_symbols(brief);
    let figures = figure_symbols(brief, data);
    [
        ("Sections", SymbolKind::MODULE, sections),
        ("Actors", SymbolKind::MODULE, actors),
        ("Timeline", SymbolKind::MODULE, events),
        ("Recommendations", SymbolKind::MODULE, recommendations),
        ("Figures", SymbolKind::MODULE, figures),
    ]
    .into_iter()
    .filter(|(_, _, children): &(_, _, Vec<Symbol>)| !children.is_empty())
    .map(|(name, kind, children)| {
        let span = union(children.iter().map(|c| &c.span));
        let selection = children[0].selection.clone();
        Symbol {
            name: name.to_string(),
            printed: vec![],
            detail: None,
            kind,
            span,
            selection,
            children,
        }
    })
    .collect()
}

/// An entry of the outline for an item named `name` at `selection`, spanning `span`.
fn item(
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    selection: &Span,
) -> Symbol {
    Symbol {
        name: if name.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            name.to_string()
        },
        printed: vec![name.to_string()],
        detail,
        kind,
        span,
        selection: selection.clone(),
        children: vec![],
    }
}

fn section_symbols(brief: &Brief) -> Vec<Symbol> {
    brief
        .sections
        .iter()
        .map(|s| {
            let mut spans = vec![&s.heading.span, &s.body.span];
            spans.extend(rich_span(&s.slide));
            spans.extend(s.figures.iter().map(|f| &f.span));
            item(
                &s.heading.value,
                None,
                SymbolKind::NAMESPACE,
                union(spans),
                &s.heading.span,
            )
        })
        .collect()
}

fn actor_symbols(brief: &Brief) -> Vec<Symbol> {
    brief
        .actors
        .iter()
        .map(|a| {
            let mut symbol = item(
                &a.name.value,
                Some(a.id.value.clone()),
                SymbolKind::OBJECT,
                actor_span(a),
                &a.id.span,
            );
            // The name alone is often printed first in the summary; the register prints its role
            // beside it.
            if let Some(role) = &a.role {
                symbol
                    .printed
                    .insert(0, format!("{}{}", a.name.value, role.value));
            }
            symbol
        })
        .collect()
}

fn event_symbols(brief: &Brief) -> Vec<Symbol> {
    brief
        .timeline
        .iter()
        .map(|e| {
            let mut spans = vec![&e.date.span, &e.title.span];
            spans.extend(e.end.as_ref().map(|d| &d.span));
            spans.extend(rich_span(&e.description));
            spans.extend(e.actors.iter().map(|a| &a.span));
            spans.extend(e.sources.iter().map(|a| &a.span));
            item(
                &e.title.value,
                Some(e.date.value.to_string()),
                SymbolKind::EVENT,
                union(spans),
                &e.title.span,
            )
        })
        .collect()
}

fn recommendation_symbols(brief: &Brief) -> Vec<Symbol> {
    brief
        .recommendations
        .iter()
        .map(|r| {
            let mut spans = vec![&r.title.span];
            spans.extend(rich_span(&r.body));
            spans.extend(r.audience.as_ref().map(|a| &a.span));
            item(
                &r.title.value,
                r.priority.map(|p| p.name().to_string()),
                SymbolKind::KEY,
                union(spans),
                &r.title.span,
            )
        })
        .collect()
}

fn figure_symbols(brief: &Brief, data: Option<&Document>) -> Vec<Symbol> {
    let numbers: HashMap<&str, (&str, usize)> = data
        .map(|d| {
            d.figures
                .iter()
                .map(|f| (f.id.as_str(), (f.class, f.number)))
                .collect()
        })
        .unwrap_or_default();
    brief
        .figures
        .iter()
        .map(|f| {
            let mut spans = vec![&f.id.span, &f.caption.span];
            spans.extend(rich_span(&f.source));
            spans.extend(rich_span(&f.note));
            spans.extend(f.alt.as_ref().map(|a| &a.span));
            spans.extend(f.file().map(|a| &a.span));
            let detail = match numbers.get(f.id.value.as_str()) {
                Some((class, n)) => format!("{class} {n}: {}", f.kind().name()),
                None => f.kind().name().to_string(),
            };
            let mut symbol = item(
                &f.id.value,
                Some(detail),
                SymbolKind::ARRAY,
                union(spans),
                &f.id.span,
            );
            symbol.printed = vec![plain_rich(&f.caption)];
            symbol
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::load;
    use crate::source::SourceFile;

    const BRIEF: &str = r#"title = "T"
date = 2022-03-10
[summary]
text = "See [@law] and [@fig-1; @law]."
[[sections]]
heading = "One"
body = "B"
figures = ["fig-1"]
[[actors]]
id = "eu"
name = "European Union"
kind = "alliance"
role = "Mediator"
[[timeline]]
date = "2022-02"
end = "2022-04"
title = "Talks"
actors = ["eu", "nobody"]
sources = ["law"]
[[sources]]
id = "law"
title = "The Law"
date = 2021-05-01
[[figures]]
id = "fig-1"
kind = "table"
caption = "Numbers"
columns = ["a"]
rows = [["1"]]
"#;

    fn analysis(text: &str) -> Analysis {
        let (brief, _) = load::load(&SourceFile::new("t.toml", text));
        let labels: toml::Table =
            toml::from_str(include_str!("../../../templates/paper/labels/en.toml")).unwrap();
        Analysis::new(
            &brief.unwrap(),
            &Context {
                data: None,
                labels: Value::from_serialize(&labels),
                languages: vec!["en".into()],
            },
        )
    }

    #[test]
    fn every_id_is_found_where_it_is_written() {
        let a = analysis(BRIEF);
        let found: Vec<(Option<Kind>, &str, Place, &str)> = a
            .occurrences
            .iter()
            .map(|o| {
                (
                    o.kind,
                    o.id.as_str(),
                    o.place,
                    &BRIEF[o.name.clone().unwrap()],
                )
            })
            .collect();
        use Kind::*;
        use Place::*;
        assert_eq!(
            found,
            [
                (Some(Source), "law", Citation, "law"),
                (Some(Figure), "fig-1", Citation, "fig-1"),
                (Some(Source), "law", Citation, "law"),
                (Some(Figure), "fig-1", SectionFigures, "fig-1"),
                (Some(Actor), "eu", Definition, "eu"),
                (Some(Actor), "eu", EventActors, "eu"),
                (None, "nobody", EventActors, "nobody"),
                (Some(Source), "law", EventSources, "law"),
                (Some(Source), "law", Definition, "law"),
                (Some(Figure), "fig-1", Definition, "fig-1"),
            ]
        );
        assert_eq!(a.uses(Kind::Source, "law").count(), 4);
        assert!(a.is_taken(Kind::Source, "fig-1"));
        assert!(!a.is_taken(Kind::Actor, "fig-1"));
    }

    #[test]
    fn hovers_say_what_the_paper_prints() {
        let a = analysis(BRIEF);
        assert_eq!(
            a.hovers[&(Kind::Actor, "eu".into())],
            "**European Union** · alliance\n\nMediator"
        );
        assert_eq!(
            a.hovers[&(Kind::Source, "law".into())],
            "*The Law*, 1 May 2021."
        );
        let dates: Vec<&str> = a.dates.iter().map(|(_, d)| d.as_str()).collect();
        assert_eq!(
            dates,
            [
                "10 March 2022",
                "February–April 2022",
                "February–April 2022",
                "1 May 2021"
            ]
        );
    }

    #[test]
    fn brief_text_in_a_hover_is_read_as_written() {
        let a = analysis(&BRIEF.replace("Mediator", "The *real* <b>[broker]</b>"));
        assert_eq!(
            a.hovers[&(Kind::Actor, "eu".into())],
            "**European Union** · alliance\n\nThe \\*real\\* \\<b\\>\\[broker\\]\\</b\\>"
        );
    }

    #[test]
    fn stubs_go_after_the_last_entry_or_nowhere_for_an_inline_list() {
        let a = analysis(BRIEF);
        let at = a.stubs[&Kind::Actor];
        assert!(BRIEF[at..].starts_with("[[timeline]]"), "{}", &BRIEF[at..]);
        let inline = BRIEF.replace(
            "[[actors]]\nid = \"eu\"\nname = \"European Union\"\nkind = \"alliance\"\nrole = \"Mediator\"\n",
            "",
        );
        let inline =
            format!("actors = [{{ id = \"eu\", name = \"E\", kind = \"state\" }}]\n{inline}");
        assert!(!analysis(&inline).stubs.contains_key(&Kind::Actor));
    }

    #[test]
    fn the_outline_groups_the_items() {
        let a = analysis(BRIEF);
        let names: Vec<(&str, Vec<&str>)> = a
            .symbols
            .iter()
            .map(|s| {
                (
                    s.name.as_str(),
                    s.children.iter().map(|c| c.name.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                ("Sections", vec!["One"]),
                ("Actors", vec!["European Union"]),
                ("Timeline", vec!["Talks"]),
                ("Figures", vec!["fig-1"]),
            ]
        );
    }
}
