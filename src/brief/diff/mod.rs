//! Comparing two versions of a brief as structured data, for `brief diff`: items are matched
//! by identity, not by position (actors and sources by `id`, sections by heading, authors by
//! name; timeline events and recommendations, which have no id in the format, by title), and
//! what changed inside a matched item is kept field by field for a word-by-word comparison.
//!
//! An item whose key changed (a renamed section heading, a retitled recommendation) would
//! otherwise look like a removal and an addition; an unmatched old and new item of the same
//! kind whose other fields are mostly the same are paired as one changed item instead. Items
//! that keep their content but change their place are moves.

pub mod summary;
pub mod words;

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use crate::brief::model::{
    Actor, Author, Brief, ChartFigure, Event, Figure, FigureContent, ImageFigure, Number,
    Recommendation, RichText, Section, Source, Str, Style, Summary, TableFigure,
};
use crate::brief::richtext::{Block, Inline};
use crate::brief::typography::{Quotes, smarten, smarten_blocks};

/// The kinds of item a brief holds, in the order the paper prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The brief's own fields: title, date, language, publisher and the rest.
    Metadata,
    Summary,
    Author,
    Section,
    /// A table, chart or image.
    Figure,
    Actor,
    Event,
    Recommendation,
    Source,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Metadata,
        Kind::Summary,
        Kind::Author,
        Kind::Section,
        Kind::Figure,
        Kind::Actor,
        Kind::Event,
        Kind::Recommendation,
        Kind::Source,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Metadata => "metadata",
            Kind::Summary => "summary",
            Kind::Author => "author",
            Kind::Section => "section",
            Kind::Figure => "figure",
            Kind::Actor => "actor",
            Kind::Event => "event",
            Kind::Recommendation => "recommendation",
            Kind::Source => "source",
        }
    }

    /// The name with a count: "1 section", "2 sections".
    pub fn counted(self, count: usize) -> String {
        let name = self.name();
        match (count, self) {
            (1, _) | (_, Kind::Metadata | Kind::Summary) => format!("{count} {name}"),
            _ => format!("{count} {name}s"),
        }
    }
}

/// What became of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Added,
    Removed,
    Changed,
    /// The same content in another place.
    Moved,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Changed,
        Status::Added,
        Status::Removed,
        Status::Moved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
            Status::Moved => "moved",
        }
    }
}

/// One field of a changed item, as text (rich text written back in its Markdown subset, so
/// that emphasis, links and citations are compared too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// One item that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: Kind,
    /// The item as a reader knows it, in the paper's typography (its new name when it
    /// changed): an actor or author by name, an event by title (and `date`), a section by
    /// heading.
    pub item: String,
    /// The item's id, for the kinds that have one (actors, sources).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// An event's date as the brief writes it (`2023-07-17`, a range `2014 – 2020`): with its
    /// title, what a reader knows it by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub status: Status,
    /// A changed item that also changed its place.
    pub moved: bool,
    /// The item's old name, when that is what changed (a renamed heading).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Where the item is in the old and the new brief's list of its kind (the model's order):
    /// its identity, by which the redline marks it.
    #[serde(skip)]
    pub old: Option<usize>,
    #[serde(skip)]
    pub new: Option<usize>,
}

/// Every change from one version of a brief to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub changes: Vec<Change>,
    /// Whether the two versions share anything: a title, or any matched item. Two unrelated
    /// briefs compare as everything removed and everything added, which is said plainly.
    pub related: bool,
    /// Every pair of matched items, changed or not, by their places in the old and the new
    /// brief's lists: where a removed item goes back is found from its neighbours by these.
    #[serde(skip)]
    pub matched: Vec<(Kind, usize, usize)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many items of `kind` have `status` (a changed item that also moved counts under
    /// both).
    pub fn count(&self, kind: Kind, status: Status) -> usize {
        self.changes
            .iter()
            .filter(|c| c.kind == kind)
            .filter(|c| c.status == status || (status == Status::Moved && c.moved))
            .count()
    }

    /// How many items of each kind have each status, in print order, the zeros left out: what
    /// `tally` words in English, and a redline's summary in the brief's language.
    pub fn counts(&self) -> Vec<(Kind, Status, usize)> {
        let mut counts = vec![];
        for kind in Kind::ALL {
            for status in Status::ALL {
                let count = self.count(kind, status);
                if count > 0 {
                    counts.push((kind, status, count));
                }
            }
        }
        counts
    }

    /// "1 section changed, 1 actor added": the counts per kind, in print order.
    pub fn tally(&self) -> Vec<String> {
        self.counts()
            .into_iter()
            .map(|(kind, status, count)| format!("{} {}", kind.counted(count), status.name()))
            .collect()
    }
}

/// An item prepared for comparison: the key it is matched by, the name it is shown by, and its
/// fields as text.
struct Item {
    key: String,
    label: String,
    id: Option<String>,
    date: Option<String>,
    fields: Vec<(String, String)>,
}

impl Item {
    fn new(key: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            label: label.into(),
            id: None,
            date: None,
            fields: vec![],
        }
    }

    fn id(mut self, id: &str) -> Self {
        self.id = Some(id.to_string());
        self
    }

    fn dated(mut self, date: &str) -> Self {
        self.date = Some(date.to_string());
        self
    }

    fn field(mut self, name: impl Into<String>, value: String) -> Self {
        self.fields.push((name.into(), value));
        self
    }

    /// Everything but the key, for pairing a renamed item with its old self.
    fn body(&self) -> String {
        self.fields
            .iter()
            .skip(1)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How items of a kind are compared.
#[derive(Clone, Copy)]
struct Rules {
    /// Pair an unmatched old item with a similar unmatched new one (the key is a heading or a
    /// title, which may be edited).
    pair_renamed: bool,
    /// Report changes of place (the timeline is printed by date and the sources by their first
    /// citation, so their order in the TOML is not the paper's).
    moves: bool,
}

/// How alike the rest of two items must be (0 to 1, by words) for a renamed one to be paired.
const RENAME_SIMILARITY: f32 = 0.5;

/// Compares two checked versions of a brief.
pub fn compare(old: &Brief, new: &Brief) -> Changes {
    let titled = Rules {
        pair_renamed: true,
        moves: true,
    };
    let by_id = Rules {
        pair_renamed: false,
        moves: true,
    };
    let mut changes = vec![];
    let mut matched = vec![];
    let lists: [(Kind, Vec<Item>, Vec<Item>, Rules); 9] = [
        (Kind::Metadata, metadata(old), metadata(new), by_id),
        (Kind::Summary, summary(old), summary(new), by_id),
        (Kind::Author, authors(old), authors(new), by_id),
        (Kind::Section, sections(old), sections(new), titled),
        (Kind::Figure, figures(old), figures(new), by_id),
        (Kind::Actor, actors(old), actors(new), by_id),
        (
            Kind::Event,
            events(old),
            events(new),
            Rules {
                moves: false,
                ..titled
            },
        ),
        (
            Kind::Recommendation,
            recommendations(old),
            recommendations(new),
            titled,
        ),
        (
            Kind::Source,
            // With a citation style, the references are compared on their formatted text
            // (`compose::redline::reference_changes`).
            if new.citation_style().is_some() {
                vec![]
            } else {
                sources(old)
            },
            if new.citation_style().is_some() {
                vec![]
            } else {
                sources(new)
            },
            Rules {
                moves: false,
                ..by_id
            },
        ),
    ];
    for (kind, old_items, new_items, rules) in lists {
        let (mut found, pairs) = compare_items(kind, old_items, new_items, rules);
        if kind == Kind::Figure {
            for change in &mut found {
                split_rows(change, old, new);
            }
        }
        changes.extend(found);
        matched.extend(pairs.into_iter().map(|(o, n)| (kind, o, n)));
    }
    let related = matched
        .iter()
        .any(|(kind, _, _)| !matches!(kind, Kind::Metadata | Kind::Summary))
        || old.title.value == new.title.value;
    Changes {
        changes,
        related,
        matched,
    }
}

/// Matches the items of one kind and lists what changed; also gives every matched pair.
fn compare_items(
    kind: Kind,
    old: Vec<Item>,
    new: Vec<Item>,
    rules: Rules,
) -> (Vec<Change>, Vec<(usize, usize)>) {
    // Keys should be unique (ids are checked); titles may repeat, and are then matched in order.
    let mut by_key: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (index, item) in old.iter().enumerate() {
        by_key.entry(&item.key).or_default().push_back(index);
    }
    let mut partner: Vec<Option<usize>> = new
        .iter()
        .map(|item| by_key.get_mut(item.key.as_str())?.pop_front())
        .collect();
    let mut taken = vec![false; old.len()];
    for index in partner.iter().flatten() {
        taken[*index] = true;
    }
    let mut renamed = vec![false; new.len()];
    if rules.pair_renamed {
        for (n, item) in new.iter().enumerate() {
            if partner[n].is_some() {
                continue;
            }
            let body = item.body();
            // Items with nothing but their key have nothing else to be recognised by.
            if body.trim().is_empty() {
                continue;
            }
            let best = old
                .iter()
                .enumerate()
                .filter(|(o, _)| !taken[*o])
                .map(|(o, candidate)| (o, words::similarity(&candidate.body(), &body)))
                .filter(|(_, ratio)| *ratio >= RENAME_SIMILARITY)
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            if let Some((o, _)) = best {
                partner[n] = Some(o);
                taken[o] = true;
                renamed[n] = true;
            }
        }
    }
    let moved = if rules.moves {
        moved(&partner)
    } else {
        vec![false; new.len()]
    };

    let mut changes = vec![];
    let mut pairs = vec![];
    for (n, item) in new.iter().enumerate() {
        let Some(o) = partner[n] else {
            changes.push(Change {
                kind,
                item: item.label.clone(),
                id: item.id.clone(),
                date: item.date.clone(),
                status: Status::Added,
                moved: false,
                renamed_from: None,
                fields: vec![],
                old: None,
                new: Some(n),
            });
            continue;
        };
        pairs.push((o, n));
        let before = &old[o];
        let fields: Vec<FieldChange> = fields_changed(before, item);
        let status = match (fields.is_empty(), moved[n]) {
            (true, false) => continue,
            (true, true) => Status::Moved,
            (false, _) => Status::Changed,
        };
        changes.push(Change {
            kind,
            item: item.label.clone(),
            id: item.id.clone(),
            date: item.date.clone(),
            status,
            moved: moved[n] && status == Status::Changed,
            // Renamed: its key (heading, title) changed, not only its label (an event's
            // label holds its date, whose change the fields show).
            renamed_from: (renamed[n] || before.key != item.key)
                .then(|| before.label.clone())
                .filter(|label| *label != item.label),
            fields,
            old: Some(o),
            new: Some(n),
        });
    }
    for (o, item) in old.iter().enumerate() {
        if !taken[o] {
            changes.push(Change {
                kind,
                item: item.label.clone(),
                id: item.id.clone(),
                date: item.date.clone(),
                status: Status::Removed,
                moved: false,
                renamed_from: None,
                fields: vec![],
                old: Some(o),
                new: None,
            });
        }
    }
    (changes, pairs)
}

/// The fields that differ, by name (a field present on one side only compares with "").
fn fields_changed(old: &Item, new: &Item) -> Vec<FieldChange> {
    let mut names: Vec<&str> = new.fields.iter().map(|(n, _)| n.as_str()).collect();
    for (name, _) in &old.fields {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    let value = |item: &Item, name: &str| {
        item.fields
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    names
        .into_iter()
        .filter_map(|name| {
            let (before, after) = (value(old, name), value(new, name));
            (before != after).then_some(FieldChange {
                field: name.to_string(),
                old: before,
                new: after,
            })
        })
        .collect()
}

/// Which matched new items changed their place: the matched items that fall outside the longest
/// run kept in the same order (found by `similar`'s diff of the two orders).
fn moved(partner: &[Option<usize>]) -> Vec<bool> {
    let new_order: Vec<usize> = partner.iter().flatten().copied().collect();
    let mut old_order = new_order.clone();
    old_order.sort_unstable();
    let mut out_of_place = vec![false; partner.len()];
    let kept: std::collections::HashSet<usize> =
        similar::capture_diff_slices(similar::Algorithm::Myers, &old_order, &new_order)
            .iter()
            .filter_map(|op| match op.tag() {
                similar::DiffTag::Equal => Some(op.new_range()),
                _ => None,
            })
            .flat_map(|range| range.map(|i| new_order[i]))
            .collect();
    for (n, o) in partner.iter().enumerate() {
        if let Some(o) = o {
            out_of_place[n] = !kept.contains(o);
        }
    }
    out_of_place
}

/// A brief's words as the paper prints them: quotes and dashes in its language, so that the
/// summary of changes reads like the body it describes.
#[derive(Clone, Copy)]
struct Words {
    quotes: Quotes,
}

impl Words {
    fn of(brief: &Brief) -> Self {
        Self {
            quotes: Quotes::for_language(&brief.language.value.primary),
        }
    }

    fn plain(self, value: &Str) -> String {
        smarten(&value.value, self.quotes)
    }

    fn opt(self, value: &Option<Str>) -> String {
        value.as_ref().map(|v| self.plain(v)).unwrap_or_default()
    }

    fn rich(self, value: &RichText) -> String {
        let mut blocks = value.blocks.clone();
        smarten_blocks(&mut blocks, self.quotes);
        markdown(&blocks)
    }

    fn rich_opt(self, value: &Option<RichText>) -> String {
        value.as_ref().map(|v| self.rich(v)).unwrap_or_default()
    }

    fn list(self, values: &[Str], separator: &str) -> String {
        values
            .iter()
            .map(|v| self.plain(v))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

/// The brief's own fields. Every field of the model is named here or in the functions for its
/// lists, without `..`: a field added to the model and not compared does not compile.
fn metadata(brief: &Brief) -> Vec<Item> {
    let Brief {
        file: _,
        title,
        subtitle,
        date,
        language,
        publisher,
        series,
        number,
        classification,
        // Read from `classification`, which is compared.
        marking: _,
        url,
        version,
        keywords,
        disclaimer,
        about,
        template,
        paper,
        style,
        // The lists, compared item by item below.
        authors: _,
        summary: _,
        sections: _,
        actors: _,
        timeline: _,
        recommendations: _,
        sources: _,
        figures: _,
        bibliography,
        // Compared reference by reference, on their formatted text (`compose::cite`).
        library: _,
    } = brief;
    let words = Words::of(brief);
    let language = language.value.tag();
    let mut item = Item::new("brief", "the brief")
        .field("title", words.plain(title))
        .field("subtitle", words.opt(subtitle))
        .field("date", date.value.to_string())
        .field("language", language)
        .field("publisher", words.opt(publisher))
        .field("series", words.opt(series))
        .field("number", words.opt(number))
        .field("classification", words.opt(classification))
        .field("url", words.opt(url))
        .field("version", words.opt(version))
        .field("keywords", words.list(keywords, ", "))
        .field("disclaimer", words.rich_opt(disclaimer))
        .field("about", words.rich_opt(about))
        .field(
            "paper",
            paper
                .as_ref()
                .map(|p| p.value.typst_name().to_string())
                .unwrap_or_default(),
        )
        .field("template", words.opt(template));
    let empty = Style::default();
    let Style {
        accent,
        logo,
        logo_alt,
        footer,
        citations,
    } = style.as_ref().unwrap_or(&empty);
    item = item
        .field("style accent", words.opt(accent))
        .field("style logo", words.opt(logo))
        .field("style logo_alt", words.opt(logo_alt))
        .field("style footer", words.opt(footer))
        .field("style citations", words.opt(citations))
        .field("bibliography", words.list(bibliography, ", "));
    vec![item]
}

fn summary(brief: &Brief) -> Vec<Item> {
    let Summary { text, key_points } = &brief.summary;
    let words = Words::of(brief);
    let points: Vec<String> = key_points
        .iter()
        .map(|p| format!("- {}", words.rich(p)))
        .collect();
    vec![
        Item::new("summary", "summary")
            .field("text", words.rich(text))
            .field("key points", points.join("\n")),
    ]
}

fn authors(brief: &Brief) -> Vec<Item> {
    let words = Words::of(brief);
    brief
        .authors
        .iter()
        .map(|author| {
            let Author {
                name,
                affiliation,
                bio,
            } = author;
            Item::new(name.value.clone(), words.plain(name))
                .field("name", words.plain(name))
                .field("affiliation", words.opt(affiliation))
                .field("bio", words.rich_opt(bio))
        })
        .collect()
}

fn sections(brief: &Brief) -> Vec<Item> {
    let words = Words::of(brief);
    brief
        .sections
        .iter()
        .map(|section| {
            let Section {
                heading,
                body,
                slide,
                figures,
            } = section;
            Item::new(heading.value.clone(), words.plain(heading))
                .field("heading", words.plain(heading))
                .field("body", words.rich(body))
                .field("slide", words.rich_opt(slide))
                .field("figures", words.list(figures, ", "))
        })
        .collect()
}

fn actors(brief: &Brief) -> Vec<Item> {
    let words = Words::of(brief);
    brief
        .actors
        .iter()
        .map(|actor| {
            let Actor {
                id,
                name,
                kind,
                role,
                stance,
                description,
                interests,
            } = actor;
            Item::new(id.value.clone(), words.plain(name))
                .id(&id.value)
                .field("name", words.plain(name))
                .field("kind", kind.name().to_string())
                .field("role", words.opt(role))
                .field("stance", words.opt(stance))
                .field("description", words.rich_opt(description))
                .field("interests", words.list(interests, "; "))
        })
        .collect()
}

fn events(brief: &Brief) -> Vec<Item> {
    let words = Words::of(brief);
    let names: HashMap<&str, String> = brief
        .actors
        .iter()
        .map(|a| (a.id.value.as_str(), words.plain(&a.name)))
        .collect();
    brief
        .timeline
        .iter()
        .map(|event| {
            let Event {
                date,
                end,
                title,
                description,
                actors,
                sources,
            } = event;
            let date = match end {
                Some(end) => format!("{} – {}", date.value, end.value),
                None => date.value.to_string(),
            };
            // Actors as the paper prints them, by name; sources by id, as the notes are cited.
            let actors: Vec<&str> = actors
                .iter()
                .map(|id| {
                    names
                        .get(id.value.as_str())
                        .map_or(id.value.as_str(), String::as_str)
                })
                .collect();
            let sources: Vec<&str> = sources.iter().map(|s| s.value.as_str()).collect();
            Item::new(title.value.clone(), words.plain(title))
                .dated(&date)
                .field("title", words.plain(title))
                .field("date", date)
                .field("description", words.rich_opt(description))
                .field("actors", actors.join(", "))
                .field("sources", sources.join(", "))
        })
        .collect()
}

fn recommendations(brief: &Brief) -> Vec<Item> {
    let words = Words::of(brief);
    brief
        .recommendations
        .iter()
        .map(|recommendation| {
            let Recommendation {
                title,
                body,
                audience,
                priority,
            } = recommendation;
            Item::new(title.value.clone(), words.plain(title))
                .field("title", words.plain(title))
                .field("body", words.rich_opt(body))
                .field("audience", words.opt(audience))
                .field(
                    "priority",
                    priority.map(|p| p.name().to_string()).unwrap_or_default(),
                )
        })
        .collect()
}

fn sources(brief: &Brief) -> Vec<Item> {
    let words = Words::of(brief);
    brief
        .sources
        .iter()
        .map(|source| {
            let Source {
                id,
                title,
                author,
                publisher,
                date,
                url,
            } = source;
            Item::new(id.value.clone(), words.plain(title))
                .id(&id.value)
                .field("title", words.plain(title))
                .field("author", words.opt(author))
                .field("publisher", words.opt(publisher))
                .field(
                    "date",
                    date.as_ref()
                        .map(|d| d.value.to_string())
                        .unwrap_or_default(),
                )
                .field("url", words.opt(url))
        })
        .collect()
}

fn figures(brief: &Brief) -> Vec<Item> {
    let words = Words::of(brief);
    brief
        .figures
        .iter()
        .map(|figure| {
            let Figure {
                id,
                caption,
                source,
                note,
                alt,
                content,
            } = figure;
            let mut item = Item::new(id.value.clone(), words.rich(caption))
                .id(&id.value)
                .field("kind", figure.kind().name().to_string())
                .field("caption", words.rich(caption))
                .field("source", words.rich_opt(source))
                .field("note", words.rich_opt(note))
                .field("alt", words.opt(alt));
            match content {
                FigureContent::Table(TableFigure {
                    columns,
                    rows,
                    data,
                    align,
                }) => {
                    item = item
                        .field("data", words.opt(data))
                        .field("columns", columns.join(" | "))
                        .field(
                            "align",
                            align
                                .as_ref()
                                .map(|a| {
                                    let names: Vec<&str> =
                                        a.value.iter().map(|a| a.name()).collect();
                                    names.join(", ")
                                })
                                .unwrap_or_default(),
                        );
                    // One field for now, split row by row once the versions are paired.
                    let rows: Vec<String> = rows.iter().map(|r| r.join(" | ")).collect();
                    item = item.field("rows", rows.join("\n"));
                }
                FigureContent::Chart(ChartFigure {
                    chart,
                    unit,
                    labels,
                    series,
                    data,
                }) => {
                    item = item
                        .field("chart", chart.name().to_string())
                        .field("unit", words.opt(unit))
                        .field("data", words.opt(data))
                        .field("labels", labels.join(", "));
                    for s in series {
                        let values: Vec<String> = s.values.iter().map(|v| written(*v)).collect();
                        item = item.field(format!("series {}", s.name), values.join(", "));
                    }
                }
                FigureContent::Image(ImageFigure {
                    file,
                    decorative,
                    pixels,
                }) => {
                    item = item
                        .field("file", words.plain(file))
                        .field("decorative", decorative.to_string())
                        .field(
                            "size",
                            pixels.map_or(String::new(), |(w, h)| format!("{w} × {h} pixels")),
                        );
                }
            }
            item
        })
        .collect()
}

/// A value as the brief wrote it (its decimals kept), or "" where it is missing.
fn written(value: Option<Number>) -> String {
    value.map_or(String::new(), |n| {
        format!("{:.*}", usize::from(n.decimals), n.value)
    })
}

/// A changed table's `rows` field as one field per row that changed ("row 3"), named by its
/// place in the new table ("old row 3" for a row removed).
fn split_rows(change: &mut Change, old: &Brief, new: &Brief) {
    let rows_of = |brief: &Brief, index: Option<usize>| match index
        .and_then(|i| brief.figures.get(i))
        .map(|f| &f.content)
    {
        Some(FigureContent::Table(table)) => table.rows.clone(),
        _ => vec![],
    };
    let Some(at) = change.fields.iter().position(|f| f.field == "rows") else {
        return;
    };
    let (before, after) = (rows_of(old, change.old), rows_of(new, change.new));
    let text = |rows: &[Vec<String>], i: Option<usize>| {
        i.and_then(|i| rows.get(i))
            .map(|r| r.join(" | "))
            .unwrap_or_default()
    };
    let fields = changed_rows(&before, &after)
        .into_iter()
        .map(|(o, n)| FieldChange {
            field: match n {
                Some(n) => format!("row {}", n + 1),
                None => format!("old row {}", o.map_or(0, |o| o + 1)),
            },
            old: text(&before, o),
            new: text(&after, n),
        });
    change.fields.splice(at..=at, fields);
}

/// Which rows of a table are which between two versions: pairs of (old, new) row indices,
/// with `None` on the side a row is missing from; equal rows are left out.
pub fn changed_rows(
    old: &[Vec<String>],
    new: &[Vec<String>],
) -> Vec<(Option<usize>, Option<usize>)> {
    let mut pairs = vec![];
    for op in similar::capture_diff_slices(similar::Algorithm::Patience, old, new) {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => {}
            similar::DiffTag::Delete => pairs.extend(o.map(|o| (Some(o), None))),
            similar::DiffTag::Insert => pairs.extend(n.map(|n| (None, Some(n)))),
            similar::DiffTag::Replace => {
                let (olen, nlen) = (o.len(), n.len());
                for k in 0..olen.max(nlen) {
                    pairs.push((
                        (k < olen).then(|| o.start + k),
                        (k < nlen).then(|| n.start + k),
                    ));
                }
            }
        }
    }
    pairs
}

/// Rich text written back in the format's Markdown subset: what the author wrote, less the
/// spelling of it (so that `_a_` and `*a*` compare equal, and a new emphasis does not).
pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        match block {
            Block::Para { content } => inlines(content, &mut out),
            Block::List {
                ordered,
                start,
                items,
            } => {
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push('\n');
                    }
                    if *ordered {
                        out.push_str(&format!("{}. ", start + n as u64));
                    } else {
                        out.push_str("- ");
                    }
                    out.push_str(&markdown(item));
                }
            }
        }
    }
    out
}

fn inlines(content: &[Inline], out: &mut String) {
    for inline in content {
        match inline {
            Inline::Text { text } => out.push_str(text),
            Inline::Emph { content } => {
                out.push('*');
                inlines(content, out);
                out.push('*');
            }
            Inline::Strong { content } => {
                out.push_str("**");
                inlines(content, out);
                out.push_str("**");
            }
            Inline::Link { url, content } => {
                out.push('[');
                inlines(content, out);
                out.push_str("](");
                out.push_str(url);
                out.push(')');
            }
            Inline::Cite { refs, .. } => {
                let ids: Vec<String> = refs.iter().map(|r| r.written()).collect();
                out.push_str(&format!("[{}]", ids.join("; ")));
            }
            Inline::Linebreak => out.push('\n'),
            Inline::Ref { id, .. } => out.push_str(&format!("[@{id}]")),
            // Made when the template data is built, never in a brief as read.
            Inline::Citation { content, .. }
            | Inline::SmallCaps { content }
            | Inline::Super { content }
            | Inline::Sub { content } => inlines(content, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::load;
    use crate::source::SourceFile;

    fn brief(text: &str) -> Brief {
        let file = SourceFile::new("b.toml", text);
        let (brief, diagnostics) = load::load(&file);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{diagnostics:?}");
        brief.unwrap()
    }

    const BASE: &str = r#"
title = "T"
date = 2024-01-15
[summary]
text = "Summary *text*."
[[sections]]
heading = "One"
body = "The first section says something about the matter at hand."
[[sections]]
heading = "Two"
body = "The second section says something else entirely, at length."
[[recommendations]]
title = "Do A"
[[recommendations]]
title = "Do B"
"#;

    #[test]
    fn the_same_brief_has_no_changes() {
        let changes = compare(&brief(BASE), &brief(BASE));
        assert!(changes.is_empty() && changes.related, "{changes:?}");
    }

    #[test]
    fn a_renamed_heading_is_a_change_of_that_section() {
        let new = BASE.replace("heading = \"One\"", "heading = \"First\"");
        let changes = compare(&brief(BASE), &brief(&new));
        assert_eq!(changes.changes.len(), 1, "{changes:?}");
        let change = &changes.changes[0];
        assert_eq!(
            (change.kind, change.status, change.item.as_str()),
            (Kind::Section, Status::Changed, "First")
        );
        assert_eq!(change.renamed_from.as_deref(), Some("One"));
        assert_eq!(change.fields[0].field, "heading");
    }

    #[test]
    fn reordered_items_are_moves_and_emphasis_counts() {
        let new = BASE
            .replace("title = \"Do A\"", "title = \"Do X\"")
            .replace("title = \"Do B\"", "title = \"Do A\"")
            .replace("title = \"Do X\"", "title = \"Do B\"")
            .replace("Summary *text*.", "Summary text.");
        let changes = compare(&brief(BASE), &brief(&new));
        assert_eq!(
            changes.tally(),
            ["1 summary changed", "1 recommendation moved"],
            "{changes:?}"
        );
    }
}
