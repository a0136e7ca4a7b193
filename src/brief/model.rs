//! The brief as typed data: every key of the brief format, with where it was written.

use std::ops::Range;
use std::sync::Arc;

use crate::brief::bibliography::Library;
use crate::brief::date::PartialDate;
use crate::brief::marking::Marking;
use crate::brief::richtext::Block;
use crate::source::SourceFile;

/// A byte range in the brief's TOML.
pub type Span = Range<usize>;

/// A value with the span of the TOML that wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

pub type Str = Spanned<String>;

/// Parsed rich text, with the span of the TOML string it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct RichText {
    pub blocks: Vec<Block>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    UsLetter,
}

impl Paper {
    pub const NAMES: [&'static str; 2] = ["a4", "us-letter"];

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "a4" => Some(Paper::A4),
            "us-letter" => Some(Paper::UsLetter),
            _ => None,
        }
    }

    /// The paper's name as Typst's `page(paper:)` knows it.
    pub fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::UsLetter => "us-letter",
        }
    }
}

/// A BCP 47 language tag, split the way Typst's `text(lang:, region:)` wants it, with its
/// script subtag (`Arab` in `az-Arab`), which says how a language written in more than one
/// script is written here.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    pub primary: String,
    /// Four letters, in title case: `Latn`, `Cyrl`, `Arab`.
    pub script: Option<String>,
    pub region: Option<String>,
}

impl Language {
    /// The tag in its canonical case, with the parts kept: `az-Arab-IR`, `en-GB`, `be`.
    pub fn tag(&self) -> String {
        let mut tag = self.primary.clone();
        for part in [&self.script, &self.region].into_iter().flatten() {
            tag.push('-');
            tag.push_str(part);
        }
        tag
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActorKind {
    State,
    Person,
    Organization,
    Movement,
    Alliance,
}

impl ActorKind {
    pub const NAMES: [&'static str; 5] =
        ["state", "person", "organization", "movement", "alliance"];
    pub const ALL: [ActorKind; 5] = [
        ActorKind::State,
        ActorKind::Person,
        ActorKind::Organization,
        ActorKind::Movement,
        ActorKind::Alliance,
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    High,
    Medium,
    Low,
}

impl Priority {
    pub const NAMES: [&'static str; 3] = ["high", "medium", "low"];

    pub fn name(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "high" => Some(Priority::High),
            "medium" => Some(Priority::Medium),
            "low" => Some(Priority::Low),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Brief {
    pub file: Arc<SourceFile>,
    pub title: Str,
    pub subtitle: Option<Str>,
    pub date: Spanned<PartialDate>,
    pub language: Spanned<Language>,
    pub publisher: Option<Str>,
    pub series: Option<Str>,
    pub number: Option<Str>,
    pub classification: Option<Str>,
    /// The classification read as a marking (a scheme's level in capitals, or free text).
    pub marking: Option<Marking>,
    /// The brief's canonical address, printed as a QR code on the paper.
    pub url: Option<Str>,
    /// The brief's version, as its authors count them ("2.1", "second draft").
    pub version: Option<Str>,
    pub keywords: Vec<Str>,
    pub disclaimer: Option<RichText>,
    pub about: Option<RichText>,
    pub template: Option<Str>,
    pub paper: Option<Spanned<Paper>>,
    /// The house's branding: accent colour, logo, footer line.
    pub style: Option<Style>,
    pub authors: Vec<Author>,
    pub summary: Summary,
    pub sections: Vec<Section>,
    pub actors: Vec<Actor>,
    pub timeline: Vec<Event>,
    pub recommendations: Vec<Recommendation>,
    pub sources: Vec<Source>,
    /// Tables, charts and images, which sections place and rich text refers to.
    pub figures: Vec<Figure>,
    /// The bibliography files (`bibliography`: CSL-JSON, BibLaTeX or Hayagriva YAML) inside
    /// the brief's folder (or `--root`), in the order given.
    pub bibliography: Vec<Str>,
    /// The references read from those files, once the brief is prepared (empty until then),
    /// and the house's own CSL style when `[style] citations` names a file.
    pub library: Arc<Library>,
}

/// The `[style]` table: a house's branding, as data the templates read.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// `#rrggbb`, checked when read.
    pub accent: Option<Str>,
    /// A path to an SVG or PNG file inside the brief's folder (or `--root`).
    pub logo: Option<Str>,
    /// The logo's text alternative, required with a logo.
    pub logo_alt: Option<Str>,
    /// A line printed in the running foot.
    pub footer: Option<Str>,
    /// The citation style: a style of the archive by name (`chicago-notes`), or a path to a
    /// `.csl` file inside the brief's folder (or `--root`).
    pub citations: Option<Str>,
}

impl Brief {
    /// The citation style the brief asks for, by name or path: `[style] citations`, or
    /// Chicago notes for a brief with a bibliography and no style; none for a brief that
    /// prints its sources as numbered notes.
    pub fn citation_style(&self) -> Option<&str> {
        match self.style.as_ref().and_then(|s| s.citations.as_ref()) {
            Some(style) => Some(&style.value),
            None if !self.bibliography.is_empty() => Some(DEFAULT_CITATION_STYLE),
            None => None,
        }
    }
}

/// The style of a brief that names a bibliography and no style: the notes and bibliography
/// most policy institutes use.
pub const DEFAULT_CITATION_STYLE: &str = "chicago-notes";

#[derive(Debug, Clone)]
pub struct Author {
    pub name: Str,
    pub affiliation: Option<Str>,
    pub bio: Option<RichText>,
}

#[derive(Debug, Clone)]
pub struct Summary {
    pub text: RichText,
    pub key_points: Vec<RichText>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub heading: Str,
    pub body: RichText,
    /// The words of the section's slide, when the author gives them.
    pub slide: Option<RichText>,
    /// The ids of the figures printed after the section's body, in order.
    pub figures: Vec<Str>,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Str,
    pub name: Str,
    pub kind: ActorKind,
    pub role: Option<Str>,
    pub stance: Option<Str>,
    pub description: Option<RichText>,
    pub interests: Vec<Str>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub date: Spanned<PartialDate>,
    pub end: Option<Spanned<PartialDate>>,
    pub title: Str,
    pub description: Option<RichText>,
    pub actors: Vec<Str>,
    pub sources: Vec<Str>,
}

#[derive(Debug, Clone)]
pub struct Recommendation {
    pub title: Str,
    pub body: Option<RichText>,
    pub audience: Option<Str>,
    pub priority: Option<Priority>,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub id: Str,
    pub title: Str,
    pub author: Option<Str>,
    pub publisher: Option<Str>,
    pub date: Option<Spanned<PartialDate>>,
    pub url: Option<Str>,
}

/// A table, chart or image (`[[figures]]`).
#[derive(Debug, Clone)]
pub struct Figure {
    /// In the same namespace as the sources' ids: `[@id]` names one or the other.
    pub id: Str,
    pub caption: RichText,
    /// Where the figure's data come from, printed as "Source: …".
    pub source: Option<RichText>,
    pub note: Option<RichText>,
    /// The text alternative: required for charts, and for images unless decorative.
    pub alt: Option<Str>,
    pub content: FigureContent,
}

impl Figure {
    pub fn kind(&self) -> FigureKind {
        match self.content {
            FigureContent::Table(_) => FigureKind::Table,
            FigureContent::Chart(_) => FigureKind::Chart,
            FigureContent::Image(_) => FigureKind::Image,
        }
    }

    /// The file the figure's data or picture is read from, if any.
    pub fn file(&self) -> Option<&Str> {
        match &self.content {
            FigureContent::Table(table) => table.data.as_ref(),
            FigureContent::Chart(chart) => chart.data.as_ref(),
            FigureContent::Image(image) => Some(&image.file),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    Table,
    Chart,
    Image,
}

impl FigureKind {
    pub const NAMES: [&'static str; 3] = ["table", "chart", "image"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "table" => Some(FigureKind::Table),
            "chart" => Some(FigureKind::Chart),
            "image" => Some(FigureKind::Image),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum FigureContent {
    Table(TableFigure),
    Chart(ChartFigure),
    Image(ImageFigure),
}

/// A table's cells: written in the brief (`columns`, `rows`) or read from a CSV file (`data`),
/// whose cells fill `columns` and `rows` when the brief is prepared.
#[derive(Debug, Clone, Default)]
pub struct TableFigure {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub data: Option<Str>,
    /// One per column, when the brief gives them.
    pub align: Option<Spanned<Vec<Align>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl Align {
    pub const NAMES: [&'static str; 3] = ["left", "center", "right"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "left" => Some(Align::Left),
            "center" => Some(Align::Center),
            "right" => Some(Align::Right),
            _ => None,
        }
    }
}

/// A chart's values: written in the brief (`labels`, `series`) or read from a CSV file
/// (`data`: the first column the labels, one column per series).
#[derive(Debug, Clone)]
pub struct ChartFigure {
    pub chart: ChartType,
    pub unit: Option<Str>,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    pub data: Option<Str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// `None` where a value is missing.
    pub values: Vec<Option<Number>>,
}

/// A number as the brief wrote it: its value, and how many decimals it was written with, so
/// that labels keep the precision the author chose ("19.0", not "19").
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    pub decimals: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartType {
    Bar,
    Column,
    Line,
    StackedBar,
    StackedColumn,
}

impl ChartType {
    pub const NAMES: [&'static str; 5] = ["bar", "column", "line", "stacked-bar", "stacked-column"];
    const ALL: [ChartType; 5] = [
        ChartType::Bar,
        ChartType::Column,
        ChartType::Line,
        ChartType::StackedBar,
        ChartType::StackedColumn,
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }

    pub fn is_stacked(self) -> bool {
        matches!(self, ChartType::StackedBar | ChartType::StackedColumn)
    }
}

#[derive(Debug, Clone)]
pub struct ImageFigure {
    /// A PNG, JPEG or SVG file inside the brief's folder (or `--root`).
    pub file: Str,
    /// A picture that adds nothing a reader needs: no alt text, an artifact to screen readers.
    pub decorative: bool,
    /// Its size in pixels (a PNG's or JPEG's), once its file is read.
    pub pixels: Option<(u64, u64)>,
}
