//! The brief as the template sees it: plain data in print order, with the timeline sorted,
//! actors grouped and citations numbered. Serialised to JSON and served to Typst as a file.

use std::collections::HashMap;

use serde::Serialize;

use crate::assets::template::QR_PATH;
use crate::assets::{figures, logo};
use crate::brief::date::PartialDate;
use crate::brief::model::{self, ActorKind, Brief, FigureContent, FigureKind, Paper, RichText};
use crate::brief::number;
use crate::brief::richtext::{Block, CiteRef, Inline, Visit, inline_content, visit};
use crate::brief::typography::{Quotes, Smartener, smarten};
use crate::compose::chart::{self, Axis};
use crate::compose::cite::{self, Collector};
use crate::compose::qr;

/// Bumped when the shape of this data changes, so custom templates can check what they get.
pub const DATA_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Document {
    pub version: u32,
    pub meta: Meta,
    pub authors: Vec<Author>,
    pub summary: Summary,
    pub sections: Vec<Section>,
    pub actor_groups: Vec<ActorGroup>,
    pub timeline: Vec<Event>,
    pub recommendations: Vec<Recommendation>,
    /// Sources in order of first citation; those never cited follow, unnumbered in the text.
    pub sources: Vec<Source>,
    pub about: Option<Vec<Block>>,
    pub disclaimer: Option<Vec<Block>>,
    /// Tables, charts and images in the order the paper prints them: as the sections place
    /// them, then those placed nowhere.
    pub figures: Vec<Figure>,
    /// With a citation style (`[style] citations`): how its citations are printed, and the
    /// reference list. The citations themselves are `citation` inlines in the rich text, and
    /// `sources` is then empty: the brief's sources are among the references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Citations>,
}

/// The citation style's part of the data.
#[derive(Debug, Serialize)]
pub struct Citations {
    /// The style as the brief names it (`chicago-notes`, or its `.csl` file).
    pub style: String,
    /// `note`: each citation is a note (at the foot of the page); `in-text`: printed where it
    /// stands (author-date, numeric).
    pub class: &'static str,
    /// Whether the style sets its list with hanging indents.
    pub hanging_indent: bool,
    /// The reference list in the style's order: every reference cited, and the brief's own
    /// sources.
    pub references: Vec<ReferenceEntry>,
}

/// One entry of the reference list.
#[derive(Debug, Serialize)]
pub struct ReferenceEntry {
    /// The key it is cited by; a citation links to its entry by it.
    pub key: String,
    /// A numeric style's label ("[3]"), set in a column of its own, when the style asks.
    pub label: Option<Vec<Inline>>,
    pub content: Vec<Inline>,
}

#[derive(Debug, Serialize)]
pub struct Meta {
    pub title: String,
    pub subtitle: Option<String>,
    pub date: PartialDate,
    pub language: String,
    pub region: Option<String>,
    pub publisher: Option<String>,
    pub series: Option<String>,
    pub number: Option<String>,
    pub classification: Option<String>,
    /// The classification's scheme (`tlp`, `uk`) and level (`AMBER+STRICT`), when it names one;
    /// the template colours TLP labels by it.
    pub marking: Option<MarkingLevel>,
    /// The brief's canonical address; the template prints it with its QR code (at `/qr.svg`).
    pub url: Option<String>,
    /// The brief's version, printed with the address.
    pub version: Option<String>,
    /// Where the QR code of the URL is (`/qr.svg`), when the brief has a URL.
    pub qr: Option<String>,
    pub keywords: Vec<String>,
    pub paper: &'static str,
    /// Bleed on every side, in millimetres; crop marks are drawn when it is above zero.
    pub bleed: f64,
    /// Pad to a multiple of four pages with blank pages.
    pub booklet: bool,
    /// The file name under which the brief's TOML is attached to the PDF, if it is.
    pub source: Option<String>,
    /// The house's branding (`[style]`), or none.
    pub style: Option<StyleData>,
}

/// The `[style]` table as the template gets it.
#[derive(Debug, Serialize)]
pub struct StyleData {
    /// `#rrggbb`.
    pub accent: Option<String>,
    /// Where the template finds the logo (`/brief-logo.svg`).
    pub logo: Option<String>,
    pub logo_alt: Option<String>,
    pub footer: Option<String>,
}

/// A level of a known marking scheme.
#[derive(Debug, Serialize)]
pub struct MarkingLevel {
    pub scheme: &'static str,
    pub level: &'static str,
}

/// How a paper is made for print: chosen on the command line or in the brief.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Print {
    pub paper: Paper,
    pub bleed_mm: f64,
    pub booklet: bool,
}

#[derive(Debug, Serialize)]
pub struct Author {
    /// The item's place in the brief's list of its kind: its identity, by which a redline
    /// marks it. Not data for the template.
    #[serde(skip)]
    pub index: usize,
    pub name: String,
    pub affiliation: Option<String>,
    pub bio: Option<Vec<Block>>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub text: Vec<Block>,
    pub key_points: Vec<Vec<Inline>>,
}

#[derive(Debug, Serialize)]
pub struct Section {
    /// The item's place in the brief's list of its kind: its identity, by which a redline
    /// marks it. Not data for the template.
    #[serde(skip)]
    pub index: usize,
    pub heading: String,
    pub body: Vec<Block>,
    /// The words of the section's slide (`slide`), when the brief gives them.
    pub slide: Option<Vec<Block>>,
    /// The ids of the figures printed after the body.
    pub figures: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ActorGroup {
    pub kind: &'static str,
    pub actors: Vec<Actor>,
}

#[derive(Debug, Serialize)]
pub struct Actor {
    /// The item's place in the brief's list of its kind: its identity, by which a redline
    /// marks it. Not data for the template.
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    pub name: String,
    pub role: Option<String>,
    pub stance: Option<String>,
    pub description: Option<Vec<Block>>,
    pub interests: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Event {
    /// The item's place in the brief's list of its kind: its identity, by which a redline
    /// marks it. Not data for the template.
    #[serde(skip)]
    pub index: usize,
    pub date: PartialDate,
    pub end: Option<PartialDate>,
    pub title: String,
    pub description: Option<Vec<Block>>,
    /// Display names of the actors involved.
    pub actors: Vec<String>,
    /// Note numbers of the event's sources.
    pub notes: Vec<usize>,
    /// With a citation style: the event's sources as one citation (a `citation` inline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<Inline>,
}

#[derive(Debug, Serialize)]
pub struct Recommendation {
    /// The item's place in the brief's list of its kind: its identity, by which a redline
    /// marks it. Not data for the template.
    #[serde(skip)]
    pub index: usize,
    pub number: usize,
    pub title: String,
    pub body: Option<Vec<Block>>,
    pub audience: Option<String>,
    pub priority: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Source {
    /// The item's place in the brief's list of its kind: its identity, by which a redline
    /// marks it. Not data for the template.
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    /// The note number, when the source is cited.
    pub number: Option<usize>,
    pub title: String,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<PartialDate>,
    pub url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Figure {
    /// The item's place in the brief's list of its kind: its identity, by which a redline
    /// marks it. Not data for the template.
    #[serde(skip)]
    pub index: usize,
    pub id: String,
    pub kind: &'static str,
    /// `table` ("Table 1") or `figure` ("Figure 2": charts and images share one count).
    pub class: &'static str,
    pub number: usize,
    /// The section that places it, or none.
    pub section: Option<usize>,
    pub caption: Vec<Inline>,
    pub source: Option<Vec<Inline>>,
    pub note: Option<Vec<Inline>>,
    pub alt: Option<String>,
    pub table: Option<TableData>,
    pub chart: Option<ChartData>,
    pub image: Option<ImageData>,
}

#[derive(Debug, Serialize)]
pub struct TableData {
    pub columns: Vec<String>,
    /// Every row as long as `columns`; numbers in the language's form.
    pub rows: Vec<Vec<String>>,
    pub align: Vec<&'static str>,
    /// Columns whose every cell is a number (or empty): set in tabular figures.
    pub numeric: Vec<bool>,
}

#[derive(Debug, Serialize)]
pub struct ChartData {
    #[serde(rename = "type")]
    pub chart: &'static str,
    pub unit: Option<String>,
    pub labels: Vec<String>,
    pub series: Vec<SeriesData>,
    pub axis: Axis,
    /// A legend only for more than one series.
    pub legend: bool,
}

#[derive(Debug, Serialize)]
pub struct SeriesData {
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// The value labels, as printed (the language's decimal separator, the unit).
    pub texts: Vec<Option<String>>,
}

#[derive(Debug, Serialize)]
pub struct ImageData {
    /// Where the template finds the picture (`/brief-figure-3.png`).
    pub path: String,
    pub decorative: bool,
    pub width: Option<u64>,
    pub height: Option<u64>,
}

/// The order in which actor groups are printed: the powers first, then people.
const KIND_ORDER: [ActorKind; 5] = [
    ActorKind::State,
    ActorKind::Alliance,
    ActorKind::Organization,
    ActorKind::Movement,
    ActorKind::Person,
];

/// Numbers sources in order of first citation, as a reader meets them; with a citation
/// style, registers each citation in that order instead.
struct Notes {
    numbers: HashMap<String, usize>,
    quotes: Quotes,
    /// Each figure's class and number, by id: a citation of one is a reference to it.
    figures: HashMap<String, (&'static str, usize)>,
    /// The brief's citations in its citation style, when it has one.
    collector: Option<Collector>,
}

impl Notes {
    /// Notes for a brief's text in its language, with each figure's class and number.
    fn new(brief: &Brief, numbered: &[NumberedFigure]) -> Self {
        Self {
            numbers: HashMap::new(),
            quotes: Quotes::for_language(&brief.language.value.primary),
            collector: Collector::new(brief),
            figures: numbered
                .iter()
                .map(|numbered| {
                    let figure = &brief.figures[numbered.index];
                    (
                        figure.id.value.clone(),
                        (class_of(figure.kind()), numbered.number),
                    )
                })
                .collect(),
        }
    }

    /// A plain-text field with the language's quotation marks and dashes.
    fn plain(&self, text: &model::Str) -> String {
        smarten(&text.value, self.quotes)
    }

    fn plain_opt(&self, text: &Option<model::Str>) -> Option<String> {
        text.as_ref().map(|t| self.plain(t))
    }

    fn number(&mut self, id: &str) -> usize {
        let next = self.numbers.len() + 1;
        *self.numbers.entry(id.to_string()).or_insert(next)
    }

    /// The note numbers of several sources cited together, ascending and without repeats.
    fn numbers_for<'a>(&mut self, ids: impl Iterator<Item = &'a str>) -> Vec<usize> {
        let mut numbers: Vec<usize> = ids.map(|id| self.number(id)).collect();
        numbers.sort_unstable();
        numbers.dedup();
        numbers
    }

    /// A rich-text field as the template gets it: notes numbered, quotes and dashes set.
    fn rich(&mut self, text: &RichText) -> Vec<Block> {
        let mut blocks = text.blocks.clone();
        if !self.figures.is_empty() {
            refer_to_figures(&mut blocks, &self.figures);
        }
        let mut smartener = Smartener::new(self.quotes);
        visit(&mut blocks, &mut |item| match item {
            Visit::Paragraph => smartener.reset(),
            Visit::Inline(Inline::Text { text }) => *text = smartener.run(text),
            Visit::Inline(Inline::Cite { refs, notes, .. }) => {
                *notes = self.numbers_for(refs.iter().map(|r| r.id.as_str()));
            }
            Visit::Inline(_) => {}
        });
        if let Some(collector) = &mut self.collector {
            for_each_inline_list(&mut blocks, &mut |content| cite_in(content, collector));
        }
        blocks
    }

    /// The citation of a timeline event's sources.
    fn event_citation(&mut self, sources: &[model::Str]) -> Option<Inline> {
        let collector = self.collector.as_mut()?;
        if sources.is_empty() {
            return None;
        }
        let refs: Vec<CiteRef> = sources
            .iter()
            .map(|s| CiteRef {
                id: s.value.clone(),
                span: s.span.clone(),
                ..CiteRef::default()
            })
            .collect();
        let (slot, note) = collector.cite(&refs);
        Some(Inline::Citation {
            keys: vec![],
            note,
            content: vec![],
            cites: written(&refs),
            slot,
        })
    }

    fn rich_opt(&mut self, text: &Option<RichText>) -> Option<Vec<Block>> {
        text.as_ref().map(|t| self.rich(t))
    }
}

/// The citations of one list of inlines registered in reading order and made `citation`
/// inlines: in the text, a space before one the author set apart ("claim (Smith 2022)"); in a
/// note style, the mark after the punctuation that follows it ("claim.¹"), as Chicago sets it.
fn cite_in(content: &mut Vec<Inline>, collector: &mut Collector) {
    let note_style = collector.is_note_style();
    let mut out: Vec<Inline> = Vec::with_capacity(content.len());
    let mut pending = std::mem::take(content).into_iter().peekable();
    while let Some(inline) = pending.next() {
        let Inline::Cite { refs, spaced, .. } = &inline else {
            out.push(inline);
            continue;
        };
        let (slot, note) = collector.cite(refs);
        if note_style {
            // Punctuation that follows goes before the mark.
            if let Some(Inline::Text { text }) = pending.peek_mut() {
                let marks: String = text
                    .chars()
                    .take_while(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?'))
                    .collect();
                if !marks.is_empty() {
                    *text = text[marks.len()..].to_string();
                    match out.last_mut() {
                        Some(Inline::Text { text }) => text.push_str(&marks),
                        _ => out.push(Inline::Text { text: marks }),
                    }
                }
            }
        } else if *spaced {
            match out.last_mut() {
                Some(Inline::Text { text }) => text.push(' '),
                _ => out.push(Inline::Text { text: " ".into() }),
            }
        }
        out.push(Inline::Citation {
            keys: vec![],
            note,
            content: vec![],
            cites: written(refs),
            slot,
        });
    }
    out.retain(|i| !matches!(i, Inline::Text { text } if text.is_empty()));
    *content = out;
}

/// A citation as the brief writes it, without its brackets.
fn written(refs: &[CiteRef]) -> String {
    refs.iter()
        .map(CiteRef::written)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Calls `f` with every list of inlines of a field, in reading order: a paragraph's, then
/// those inside its emphasis, strong emphasis and links.
fn for_each_inline_list(blocks: &mut [Block], f: &mut impl FnMut(&mut Vec<Inline>)) {
    for block in blocks {
        match block {
            Block::Para { content } => inline_lists(content, f),
            Block::List { items, .. } => {
                for item in items {
                    for_each_inline_list(item, f);
                }
            }
        }
    }
}

fn inline_lists(content: &mut Vec<Inline>, f: &mut impl FnMut(&mut Vec<Inline>)) {
    f(content);
    for inline in content.iter_mut() {
        if let Inline::Emph { content }
        | Inline::Strong { content }
        | Inline::Link { content, .. } = inline
        {
            inline_lists(content, f);
        }
    }
}

/// Calls `f` with every inline of the document, however deep.
fn each_inline(document: &mut Document, f: &mut impl FnMut(&mut Inline)) {
    fn inlines(content: &mut [Inline], f: &mut impl FnMut(&mut Inline)) {
        for inline in content {
            f(inline);
            match inline {
                Inline::Emph { content }
                | Inline::Strong { content }
                | Inline::Link { content, .. }
                | Inline::SmallCaps { content }
                | Inline::Super { content }
                | Inline::Sub { content }
                | Inline::Citation { content, .. } => inlines(content, f),
                _ => {}
            }
        }
    }
    fn blocks(content: &mut [Block], f: &mut impl FnMut(&mut Inline)) {
        for block in content {
            match block {
                Block::Para { content } => inlines(content, f),
                Block::List { items, .. } => {
                    for item in items {
                        blocks(item, f);
                    }
                }
            }
        }
    }
    blocks(&mut document.summary.text, f);
    for point in &mut document.summary.key_points {
        inlines(point, f);
    }
    for section in &mut document.sections {
        blocks(&mut section.body, f);
        if let Some(slide) = &mut section.slide {
            blocks(slide, f);
        }
    }
    for figure in &mut document.figures {
        inlines(&mut figure.caption, f);
        for part in [&mut figure.source, &mut figure.note].into_iter().flatten() {
            inlines(part, f);
        }
    }
    for group in &mut document.actor_groups {
        for actor in &mut group.actors {
            if let Some(description) = &mut actor.description {
                blocks(description, f);
            }
        }
    }
    for event in &mut document.timeline {
        if let Some(description) = &mut event.description {
            blocks(description, f);
        }
        if let Some(citation) = &mut event.citation {
            inlines(std::slice::from_mut(citation), f);
        }
    }
    for recommendation in &mut document.recommendations {
        if let Some(body) = &mut recommendation.body {
            blocks(body, f);
        }
    }
    for author in &mut document.authors {
        if let Some(bio) = &mut author.bio {
            blocks(bio, f);
        }
    }
    for part in [&mut document.about, &mut document.disclaimer]
        .into_iter()
        .flatten()
    {
        blocks(part, f);
    }
}

/// Turns the figure ids of each citation into references ("Table 1"), before the notes are
/// numbered: a citation of sources and figures becomes the references, then the notes.
fn refer_to_figures(blocks: &mut [Block], figures: &HashMap<String, (&'static str, usize)>) {
    fn inlines(content: &mut Vec<Inline>, figures: &HashMap<String, (&'static str, usize)>) {
        let mut out = Vec::with_capacity(content.len());
        for mut inline in content.drain(..) {
            match &mut inline {
                Inline::Cite { refs, spaced, .. }
                    if refs.iter().any(|r| figures.contains_key(&r.id)) =>
                {
                    let (to_figures, to_sources): (Vec<_>, Vec<_>) =
                        refs.drain(..).partition(|r| figures.contains_key(&r.id));
                    if *spaced {
                        out.push(Inline::Text { text: " ".into() });
                    }
                    for (i, r) in to_figures.into_iter().enumerate() {
                        if i > 0 {
                            out.push(Inline::Text { text: ", ".into() });
                        }
                        let (class, number) = figures[&r.id];
                        out.push(Inline::Ref {
                            id: r.id,
                            class,
                            number,
                        });
                    }
                    if !to_sources.is_empty() {
                        *refs = to_sources;
                        out.push(inline);
                    }
                    continue;
                }
                Inline::Emph { content }
                | Inline::Strong { content }
                | Inline::Link { content, .. } => inlines(content, figures),
                _ => {}
            }
            out.push(inline);
        }
        *content = out;
    }
    for block in blocks {
        match block {
            Block::Para { content } => inlines(content, figures),
            Block::List { items, .. } => {
                for item in items {
                    refer_to_figures(item, figures);
                }
            }
        }
    }
}

/// The brief's figures in print order, as indices into its list: placed by the sections in
/// order, then those placed nowhere.
pub fn figure_order(brief: &Brief) -> Vec<(usize, Option<usize>)> {
    let mut order = vec![];
    let mut seen = vec![false; brief.figures.len()];
    for (s, section) in brief.sections.iter().enumerate() {
        for id in &section.figures {
            if let Some(i) = brief.figures.iter().position(|f| f.id.value == id.value)
                && !seen[i]
            {
                seen[i] = true;
                order.push((i, Some(s)));
            }
        }
    }
    order.extend(
        (0..brief.figures.len())
            .filter(|i| !seen[*i])
            .map(|i| (i, None)),
    );
    order
}

/// What a figure is counted and named as.
fn class_of(kind: FigureKind) -> &'static str {
    match kind {
        FigureKind::Table => "table",
        FigureKind::Chart | FigureKind::Image => "figure",
    }
}

/// A table's, chart's or image's data as the template draws it.
fn figure_data(
    brief: &Brief,
    index: usize,
    section: Option<usize>,
    number: usize,
    notes: &mut Notes,
) -> Figure {
    let figure = &brief.figures[index];
    let language = brief.language.value.primary.as_str();
    let quotes = notes.quotes;
    let plain = |text: &str| smarten(text, quotes);
    let (mut table, mut chart_data, mut image) = (None, None, None);
    match &figure.content {
        FigureContent::Table(t) => {
            let numeric: Vec<bool> = (0..t.columns.len())
                .map(|c| {
                    let mut cells = t
                        .rows
                        .iter()
                        .filter_map(|r| r.get(c))
                        .filter(|v| !v.is_empty());
                    let mut any = false;
                    let all = cells.all(|v| {
                        any = true;
                        number::parse(v).is_some()
                    });
                    any && all
                })
                .collect();
            let align = match &t.align {
                Some(align) => align.value.iter().map(|a| a.name()).collect(),
                None => numeric
                    .iter()
                    .map(|n| if *n { "right" } else { "left" })
                    .collect(),
            };
            table = Some(TableData {
                columns: t.columns.iter().map(|c| plain(c)).collect(),
                rows: t
                    .rows
                    .iter()
                    .map(|row| {
                        row.iter()
                            .zip(&numeric)
                            .map(|(cell, numeric)| {
                                if *numeric {
                                    number::localise_cell(cell, language)
                                } else {
                                    plain(cell)
                                }
                            })
                            .collect()
                    })
                    .collect(),
                align,
                numeric,
            });
        }
        FigureContent::Chart(c) => {
            let (low, high) = chart::extent(c.chart, c.labels.len(), &c.series);
            let unit = c.unit.as_ref().map(|u| u.value.as_str());
            // One precision for the chart: the most decimals any of its values was written with.
            let decimals = c
                .series
                .iter()
                .flat_map(|s| s.values.iter().flatten())
                .map(|v| v.decimals)
                .max()
                .unwrap_or(0);
            chart_data = Some(ChartData {
                chart: c.chart.name(),
                unit: unit.map(plain),
                labels: c.labels.iter().map(|l| plain(l)).collect(),
                series: c
                    .series
                    .iter()
                    .map(|s| SeriesData {
                        name: plain(&s.name),
                        values: s.values.iter().map(|v| v.map(|v| v.value)).collect(),
                        texts: s
                            .values
                            .iter()
                            .map(|v| {
                                v.map(|v| {
                                    let n = number::format(v.value, decimals, language);
                                    number::with_unit(&n, unit, language)
                                })
                            })
                            .collect(),
                    })
                    .collect(),
                axis: chart::axis(low, high, language),
                legend: c.series.len() > 1,
            });
        }
        FigureContent::Image(i) => {
            image = Some(ImageData {
                path: figures::virtual_path(index, &i.file.value),
                decorative: i.decorative,
                width: i.pixels.map(|p| p.0),
                height: i.pixels.map(|p| p.1),
            });
        }
    }
    Figure {
        index,
        id: figure.id.value.clone(),
        kind: figure.kind().name(),
        class: class_of(figure.kind()),
        number,
        section,
        caption: inline_content(&notes.rich(&figure.caption)),
        source: notes.rich_opt(&figure.source).map(|b| inline_content(&b)),
        note: notes.rich_opt(&figure.note).map(|b| inline_content(&b)),
        alt: figure.alt.as_ref().map(|a| plain(&a.value)),
        table,
        chart: chart_data,
        image,
    }
}

/// Builds the template's data. The walk follows the paper's print order so that note numbers
/// rise through the text.
pub fn build(brief: &Brief, print: &Print, source: Option<&str>) -> Document {
    build_with(brief, print, source, true)
}

/// The template's data with its citations in place but not formatted (their text empty, no
/// reference list): what is printed around them, at a fraction of the cost, for the checks
/// that need no more (the glyphs the fonts must have).
pub fn build_unformatted(brief: &Brief, print: &Print) -> Document {
    build_with(brief, print, None, false)
}

fn build_with(brief: &Brief, print: &Print, source: Option<&str>, format: bool) -> Document {
    // Figures are numbered in print order, per class, before any text refers to them.
    let numbered = number_figures(brief);
    let mut notes = Notes::new(brief, &numbered);
    // The parts are read in the paper's print order, so that note numbers rise through it.
    let summary = summary(brief, &mut notes);
    let (mut sections, figures) = sections_and_figures(brief, &numbered, &mut notes);
    let actor_groups = actor_groups(brief, &mut notes);
    let timeline = timeline(brief, &mut notes);
    let recommendations = recommendations(brief, &mut notes);
    let authors = authors(brief, &mut notes);
    let about = notes.rich_opt(&brief.about);
    let disclaimer = notes.rich_opt(&brief.disclaimer);
    let collector = read_slides(brief, &mut sections, &mut notes);
    let sources = sources(brief, &notes, collector.is_some());
    let mut document = Document {
        version: DATA_VERSION,
        meta: meta(brief, print, source, &notes),
        authors,
        summary,
        sections,
        actor_groups,
        timeline,
        recommendations,
        sources,
        about,
        disclaimer,
        figures,
        citations: None,
    };
    if let Some(collector) = collector.filter(|_| format) {
        format_citations(&mut document, brief, collector);
    }
    document
}

/// A figure with its place in print: the section that places it, and its number in its class.
struct NumberedFigure {
    index: usize,
    section: Option<usize>,
    number: usize,
}

/// The brief's figures in print order, each numbered within its class ("Table 2", "Figure 3").
fn number_figures(brief: &Brief) -> Vec<NumberedFigure> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    figure_order(brief)
        .into_iter()
        .map(|(index, section)| {
            let count = counts
                .entry(class_of(brief.figures[index].kind()))
                .or_default();
            *count += 1;
            NumberedFigure {
                index,
                section,
                number: *count,
            }
        })
        .collect()
}

fn summary(brief: &Brief, notes: &mut Notes) -> Summary {
    Summary {
        text: notes.rich(&brief.summary.text),
        key_points: brief
            .summary
            .key_points
            .iter()
            .map(|k| inline_content(&notes.rich(k)))
            .collect(),
    }
}

/// The sections, and the figures in print order. A section's figures follow its body, and
/// their captions are read there, so that note numbers rise through the paper; those placed
/// nowhere follow the last section.
fn sections_and_figures(
    brief: &Brief,
    numbered: &[NumberedFigure],
    notes: &mut Notes,
) -> (Vec<Section>, Vec<Figure>) {
    let mut figure_list: Vec<Option<Figure>> = (0..brief.figures.len()).map(|_| None).collect();
    let mut read_figure = |figure: &NumberedFigure, notes: &mut Notes| {
        figure_list[figure.index] = Some(figure_data(
            brief,
            figure.index,
            figure.section,
            figure.number,
            notes,
        ));
    };
    let mut sections = Vec::with_capacity(brief.sections.len());
    for (index, s) in brief.sections.iter().enumerate() {
        sections.push(Section {
            index,
            heading: notes.plain(&s.heading),
            body: notes.rich(&s.body),
            slide: None,
            figures: s.figures.iter().map(|f| f.value.clone()).collect(),
        });
        for figure in numbered.iter().filter(|f| f.section == Some(index)) {
            read_figure(figure, notes);
        }
    }
    for figure in numbered.iter().filter(|f| f.section.is_none()) {
        read_figure(figure, notes);
    }
    let figures = numbered
        .iter()
        .filter_map(|f| figure_list[f.index].take())
        .collect();
    (sections, figures)
}

/// The actors grouped by kind, the groups in `KIND_ORDER`, empty ones left out.
fn actor_groups(brief: &Brief, notes: &mut Notes) -> Vec<ActorGroup> {
    KIND_ORDER
        .iter()
        .map(|&kind| ActorGroup {
            kind: kind.name(),
            actors: brief
                .actors
                .iter()
                .enumerate()
                .filter(|(_, a)| a.kind == kind)
                .map(|(index, a)| Actor {
                    index,
                    id: a.id.value.clone(),
                    name: notes.plain(&a.name),
                    role: notes.plain_opt(&a.role),
                    stance: notes.plain_opt(&a.stance),
                    description: notes.rich_opt(&a.description),
                    interests: a.interests.iter().map(|i| notes.plain(i)).collect(),
                })
                .collect(),
        })
        .filter(|g| !g.actors.is_empty())
        .collect()
}

/// The timeline sorted by date, each event with its actors' names and its sources' notes (or,
/// with a citation style, their citation).
fn timeline(brief: &Brief, notes: &mut Notes) -> Vec<Event> {
    let names: HashMap<&str, String> = brief
        .actors
        .iter()
        .map(|a| (a.id.value.as_str(), notes.plain(&a.name)))
        .collect();
    let mut events: Vec<(usize, &model::Event)> = brief.timeline.iter().enumerate().collect();
    // Stable: events on the same date keep the order the brief gives them.
    events.sort_by_key(|(_, e)| e.date.value);
    events
        .into_iter()
        .map(|(index, e)| Event {
            index,
            date: e.date.value,
            end: e.end.as_ref().map(|d| d.value),
            title: notes.plain(&e.title),
            description: notes.rich_opt(&e.description),
            actors: e
                .actors
                .iter()
                .filter_map(|id| names.get(id.value.as_str()).cloned())
                .collect(),
            notes: if notes.collector.is_some() {
                vec![]
            } else {
                notes.numbers_for(e.sources.iter().map(|s| s.value.as_str()))
            },
            citation: notes.event_citation(&e.sources),
        })
        .collect()
}

fn recommendations(brief: &Brief, notes: &mut Notes) -> Vec<Recommendation> {
    brief
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, r)| Recommendation {
            index: i,
            number: i + 1,
            title: notes.plain(&r.title),
            body: notes.rich_opt(&r.body),
            audience: notes.plain_opt(&r.audience),
            priority: r.priority.map(|p| p.name()),
        })
        .collect()
}

fn authors(brief: &Brief, notes: &mut Notes) -> Vec<Author> {
    brief
        .authors
        .iter()
        .enumerate()
        .map(|(index, a)| Author {
            index,
            name: notes.plain(&a.name),
            affiliation: notes.plain_opt(&a.affiliation),
            bio: notes.rich_opt(&a.bio),
        })
        .collect()
}

/// Reads each section's slide, after the paper's text, by a copy of the numbering: the slides
/// carry no citation marks, so a source cited only there stays unnumbered in the paper. Gives
/// back the collector of citations, the slides' registered after the paper's.
fn read_slides(brief: &Brief, sections: &mut [Section], notes: &mut Notes) -> Option<Collector> {
    let mut slide_notes = Notes {
        numbers: notes.numbers.clone(),
        quotes: notes.quotes,
        figures: notes.figures.clone(),
        collector: notes.collector.take(),
    };
    for (section, given) in sections.iter_mut().zip(&brief.sections) {
        section.slide = slide_notes.rich_opt(&given.slide);
    }
    slide_notes.collector.take()
}

/// The brief's sources with their note numbers, in order of first citation; none with a
/// citation style (`in_style`), which lists them among its references, in its own order.
fn sources(brief: &Brief, notes: &Notes, in_style: bool) -> Vec<Source> {
    if in_style {
        return vec![];
    }
    let mut sources: Vec<Source> = brief
        .sources
        .iter()
        .enumerate()
        .map(|(index, s)| Source {
            index,
            id: s.id.value.clone(),
            number: notes.numbers.get(&s.id.value).copied(),
            title: notes.plain(&s.title),
            author: notes.plain_opt(&s.author),
            publisher: notes.plain_opt(&s.publisher),
            date: s.date.as_ref().map(|d| d.value),
            url: s.url.as_ref().map(|u| u.value.clone()),
        })
        .collect();
    sources.sort_by_key(|s| s.number.unwrap_or(usize::MAX));
    sources
}

/// The brief's front matter and how it is printed.
fn meta(brief: &Brief, print: &Print, source: Option<&str>, notes: &Notes) -> Meta {
    Meta {
        title: notes.plain(&brief.title),
        subtitle: notes.plain_opt(&brief.subtitle),
        date: brief.date.value,
        language: brief.language.value.primary.clone(),
        region: brief.language.value.region.clone(),
        publisher: notes.plain_opt(&brief.publisher),
        series: notes.plain_opt(&brief.series),
        number: brief.number.as_ref().map(|n| n.value.clone()),
        // A scheme's level is printed as the scheme writes it; free text as written.
        classification: match &brief.marking {
            Some(marking) if marking.level.is_some() => Some(marking.text.clone()),
            _ => notes.plain_opt(&brief.classification),
        },
        marking: brief
            .marking
            .as_ref()
            .and_then(|m| m.level)
            .map(|(scheme, level)| MarkingLevel {
                scheme: scheme.name(),
                level,
            }),
        url: brief.url.as_ref().map(|u| u.value.clone()),
        qr: brief
            .url
            .as_ref()
            .and_then(|u| qr::svg(&u.value))
            .map(|_| format!("/{QR_PATH}")),
        version: notes.plain_opt(&brief.version),
        keywords: brief.keywords.iter().map(|k| k.value.clone()).collect(),
        paper: print.paper.typst_name(),
        bleed: print.bleed_mm,
        booklet: print.booklet,
        source: source.map(str::to_string),
        style: brief.style.as_ref().map(|style| StyleData {
            accent: style.accent.as_ref().map(|a| a.value.to_ascii_lowercase()),
            logo: style.logo.as_ref().map(|l| logo::virtual_path(&l.value)),
            logo_alt: notes.plain_opt(&style.logo_alt),
            footer: notes.plain_opt(&style.footer),
        }),
    }
}

/// Formats every citation registered in the brief's citation style, puts each one's text in
/// its slot, and adds the reference list.
fn format_citations(document: &mut Document, brief: &Brief, collector: Collector) {
    let class = collector.class();
    let formatted = collector.finish(brief);
    let mut texts = formatted.citations;
    each_inline(document, &mut |inline| {
        if let Inline::Citation {
            keys,
            content,
            slot,
            ..
        } = inline
            && let Some((cited, text)) = texts.get_mut(*slot)
        {
            *keys = std::mem::take(cited);
            *content = std::mem::take(text);
        }
    });
    document.citations = Some(Citations {
        style: brief.citation_style().unwrap_or_default().to_string(),
        class,
        hanging_indent: formatted.hanging_indent,
        references: formatted
            .references
            .into_iter()
            .map(|entry| ReferenceEntry {
                key: entry.key,
                label: entry.label,
                content: entry.content,
            })
            .collect(),
    });
}

/// One reference as the brief prints it in its reference list, in its citation style and
/// language (for a language server's hover): the entry of the list, or, for a reference the
/// brief does not cite, the entry it would have. None without a citation style or for an
/// unknown key.
pub fn reference_as_printed(brief: &Brief, key: &str) -> Option<Vec<Inline>> {
    let print = Print {
        paper: Paper::A4,
        bleed_mm: 0.0,
        booklet: false,
    };
    let document = build(brief, &print, None);
    let citations = document.citations?;
    if let Some(entry) = citations.references.into_iter().find(|e| e.key == key) {
        return Some(entry.content);
    }
    cite::standalone_entry(brief, key)
}

impl Document {
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the document is plain data")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::bibliography::{self, Format, Library};
    use crate::source::SourceFile;

    /// A brief with a citation style and a library, as the pipeline prepares it.
    fn with_library(text: &str, json: &str) -> Brief {
        let (brief, diagnostics) = crate::brief::load::load(&SourceFile::new("t.toml", text));
        assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
        let mut brief = brief.unwrap();
        let parsed = bibliography::parse(&SourceFile::new("refs.json", json), Format::CslJson);
        brief.library = std::sync::Arc::new(Library::new(parsed.references));
        brief
    }

    #[test]
    fn a_reference_as_printed_for_a_language_servers_hover() {
        let brief = with_library(
            "title = \"T\"\ndate = 2024-01-01\nbibliography = \"refs.json\"\n[style]\ncitations = \"apa\"\n[summary]\ntext = \"A [@a] and [@b].\"\n[[sources]]\nid = \"s\"\ntitle = \"A hand-written source\"\n",
            r#"[{"id": "a", "type": "book", "title": "Alpha", "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020]]}},
               {"id": "b", "type": "book", "title": "Beta", "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020]]}},
               {"id": "c", "type": "book", "title": "Gamma", "issued": {"date-parts": [[2021]]}}]"#,
        );
        let text = |key: &str| reference_as_printed(&brief, key).map(|c| cite::plain(&c));
        // As the list prints it: the year told apart from the other work of that year.
        assert_eq!(text("a").as_deref(), Some("Doe, J. (2020a). Alpha."));
        assert_eq!(text("s").as_deref(), Some("A hand-written source. (n.d.)."));
        // Cited nowhere: as it would print alone.
        assert_eq!(text("c").as_deref(), Some("Gamma. (2021)."));
        assert_eq!(text("nothing"), None);
        // And where each key is written, for go-to-definition.
        let keys: Vec<(&str, usize)> = brief
            .library
            .keys()
            .map(|(key, file, span)| (key, file.line_column(span.start).0))
            .collect();
        assert_eq!(keys, [("a", 1), ("b", 2), ("c", 3)]);
    }

    #[test]
    fn notes_follow_first_citation_and_timeline_is_sorted() {
        let text = r#"
title = "T"
date = 2022-03-10
[summary]
text = "Start [@b]."
[[sections]]
heading = "H"
body = "Then [@a; @b]."
[[timeline]]
date = "2022"
title = "late"
sources = ["c"]
[[timeline]]
date = "2021-05"
title = "early"
[[sources]]
id = "a"
title = "A"
[[sources]]
id = "b"
title = "B"
[[sources]]
id = "c"
title = "C"
[[sources]]
id = "d"
title = "D"
"#;
        let (brief, diagnostics) = crate::brief::load::load(&SourceFile::new("t.toml", text));
        assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
        let brief = brief.unwrap();
        let print = Print {
            paper: Paper::A4,
            bleed_mm: 0.0,
            booklet: false,
        };
        let doc = build(&brief, &print, None);
        let order: Vec<(&str, Option<usize>)> = doc
            .sources
            .iter()
            .map(|s| (s.id.as_str(), s.number))
            .collect();
        assert_eq!(
            order,
            [("b", Some(1)), ("a", Some(2)), ("c", Some(3)), ("d", None)]
        );
        let titles: Vec<&str> = doc.timeline.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["early", "late"]);
        assert_eq!(doc.timeline[1].notes, [3]);
    }
}
