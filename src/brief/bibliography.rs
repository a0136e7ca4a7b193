//! A brief's bibliography: the references of the files its `bibliography` key names (CSL-JSON
//! as Zotero and Better BibTeX export it, BibLaTeX or BibTeX, Hayagriva YAML) and of its own
//! `[[sources]]`, each made a CSL-JSON item (`citationberg::json::Item`), which the citation
//! engine (hayagriva, in `compose::cite`) formats as it is. Every problem of a file is located
//! at its own `file:line:column`, as a brief's are, and a file is held to limits like a
//! figure's CSV.
//!
//! A CSL-JSON item is checked field by field before the engine sees it: names, dates and
//! plain values of the shapes CSL defines, dates without ranges and within the calendar (the
//! engine's CSL-JSON reader panics on both), and Zotero's markup in titles (`<i>`, `<b>`,
//! `<sup>`, `<span class="nocase">`) taken off, since the engine would print it as text.
//! BibLaTeX and YAML are read by the engine's own readers into its own entries, which are
//! then written as CSL-JSON items, field for field as the engine itself reads those entries.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use citationberg::json::{
    DateValue, Item, LiteralName, NameItem, NameValue, Value, VecDate, VecDateRange,
};
use citationberg::taxonomy::{DateVariable, Kind, NameVariable};
use hayagriva::archive::ArchivedStyle;
use hayagriva::types::{EntryType, MaybeTyped, Person, PersonRole};
use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde_json::value::RawValue;

use crate::diag::{Diagnostic, closest};
use crate::source::SourceFile;

/// The largest bibliography file read: a reference manager's export of a whole library of
/// some 50,000 items.
pub const MAX_BIBLIOGRAPHY_BYTES: u64 = 64 * 1024 * 1024;
/// The most references a brief's bibliography holds, over all its files.
pub const MAX_REFERENCES: usize = 50_000;
/// The most files `bibliography` names.
pub const MAX_FILES: usize = 16;
/// The longest value of a field, in characters: an abstract fits; a title that would fill
/// pages does not.
pub const MAX_FIELD_CHARS: usize = 20_000;
/// The most names one field lists (authors, editors).
pub const MAX_NAMES: usize = 1_000;

/// The formats a bibliography file may be in, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSL-JSON: an array of items, as Zotero and Better BibTeX export it.
    CslJson,
    /// BibLaTeX or BibTeX.
    BibLatex,
    /// Hayagriva's YAML.
    Yaml,
}

impl Format {
    /// The extensions a bibliography file may have.
    pub const EXTENSIONS: [&'static str; 5] = ["json", "bib", "bibtex", "yml", "yaml"];

    /// The format of a file, by its extension.
    pub fn of(path: &str) -> Option<Self> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::CslJson),
            "bib" | "bibtex" => Some(Format::BibLatex),
            "yml" | "yaml" => Some(Format::Yaml),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::CslJson => "CSL-JSON",
            Format::BibLatex => "BibLaTeX",
            Format::Yaml => "Hayagriva YAML",
        }
    }
}

/// One reference: a CSL-JSON item and where its key is written.
#[derive(Debug, Clone)]
pub struct Reference {
    pub key: String,
    /// The file it is written in (a bibliography file, or the brief for a `[[sources]]`
    /// entry), and the span of its key there: what an editor jumps to.
    pub file: Arc<SourceFile>,
    pub span: Range<usize>,
    pub item: Item,
}

/// Every reference of a brief's bibliography files, and the house's own style when
/// `[style] citations` names a `.csl` file. Read when the brief is prepared.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// In the order of the files, and of the items in each.
    pub references: Vec<Reference>,
    /// The house's style, as read from its file.
    pub style: Option<Arc<citationberg::IndependentStyle>>,
    index: HashMap<String, usize>,
}

impl Library {
    pub fn new(references: Vec<Reference>) -> Self {
        let mut index = HashMap::with_capacity(references.len());
        for (i, reference) in references.iter().enumerate() {
            index.entry(reference.key.clone()).or_insert(i);
        }
        Self {
            references,
            style: None,
            index,
        }
    }

    /// The reference with `key` (the first, if a key is written twice).
    pub fn get(&self, key: &str) -> Option<&Reference> {
        self.index.get(key).map(|&i| &self.references[i])
    }

    /// Every key with its place in its file, for a language server's go-to-definition.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &Arc<SourceFile>, &Range<usize>)> {
        self.references
            .iter()
            .map(|r| (r.key.as_str(), &r.file, &r.span))
    }
}

/// The names of the styles of the archive, each with what it is (`display_name`), in the
/// archive's order: what `[style] citations` may name.
pub fn style_names() -> Vec<(&'static str, &'static str)> {
    ArchivedStyle::all()
        .iter()
        .flat_map(|style| {
            style
                .names()
                .iter()
                .map(move |name| (*name, style.display_name()))
        })
        .collect()
}

/// Whether `[style] citations` names a file rather than a style of the archive.
pub fn is_style_file(value: &str) -> bool {
    value.to_ascii_lowercase().ends_with(".csl")
}

/// The hint for a style name the archive does not have.
pub fn unknown_style_hint(name: &str) -> String {
    let names: Vec<&str> = style_names().iter().map(|(n, _)| *n).collect();
    match closest(name, names.iter().copied()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!(
            "the styles include chicago-notes, chicago-author-date, apa, mla, harvard-cite-them-right and american-political-science-association ({} in all, listed in the brief format's JSON Schema: `brief schema`); or name a .csl file",
            names.len()
        ),
    }
}

/// The item types of CSL 1.0.2, for a did-you-mean.
pub const CSL_TYPES: [&str; 45] = [
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
];

/// What reading one file found: its references, and its problems (errors and warnings).
#[derive(Debug, Default)]
pub struct Parsed {
    pub references: Vec<Reference>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    fn error(
        &mut self,
        file: &Arc<SourceFile>,
        span: Range<usize>,
        message: String,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(message).at(file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn warning(
        &mut self,
        file: &Arc<SourceFile>,
        span: Range<usize>,
        message: String,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::warning(message).at(file, span));
        self.diagnostics.last_mut().expect("just pushed")
    }
}

/// Reads one bibliography file of the given format.
pub fn parse(file: &Arc<SourceFile>, format: Format) -> Parsed {
    let mut parsed = Parsed::default();
    match format {
        Format::CslJson => csl_json(file, &mut parsed),
        Format::BibLatex => biblatex(file, &mut parsed),
        Format::Yaml => yaml(file, &mut parsed),
    }
    // Keys written twice in one file; those written in two files are found by the caller,
    // which sees them all.
    let mut first: HashMap<&str, &Range<usize>> = HashMap::new();
    let mut twice = vec![];
    for reference in &parsed.references {
        match first.get(reference.key.as_str()) {
            Some(span) => {
                let line = file.line_column(span.start).0;
                twice.push(
                    Diagnostic::error(format!("the key `{}` is used twice", reference.key))
                        .at(file, reference.span.clone())
                        .hint(format!(
                            "every reference needs its own key; `{}` is first used on line {line}",
                            reference.key
                        )),
                );
            }
            None => {
                first.insert(&reference.key, &reference.span);
            }
        }
    }
    parsed.diagnostics.extend(twice);
    if parsed.references.len() > MAX_REFERENCES {
        let span = parsed.references[MAX_REFERENCES].span.clone();
        parsed
            .error(
                file,
                span,
                format!("the bibliography holds more than {MAX_REFERENCES} references"),
            )
            .hints
            .push("export only the collection the brief cites from".into());
        parsed.references.truncate(MAX_REFERENCES);
    }
    parsed
}

/// The byte offset of a line and column (one-based, the column counted in bytes, as
/// serde_json and serde_yaml count them), kept inside the text.
fn offset_of(file: &SourceFile, line: usize, column: usize) -> usize {
    if line == 0 || line > file.line_count() {
        return file.text().len();
    }
    let range = file.line_range(line - 1);
    let mut offset = (range.start + column.saturating_sub(1)).min(range.end);
    while !file.text().is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where a slice of the file's text begins in it.
fn span_in(file: &SourceFile, part: &str) -> Range<usize> {
    let start = (part.as_ptr() as usize).saturating_sub(file.text().as_ptr() as usize);
    let start = start.min(file.text().len());
    start..(start + part.len()).min(file.text().len())
}

/// The first character of a span, for a diagnostic about what begins there.
fn first_char(file: &SourceFile, span: &Range<usize>) -> Range<usize> {
    let width = file.text()[span.start..]
        .chars()
        .next()
        .map_or(0, char::len_utf8);
    span.start..span.start + width
}

// ---- CSL-JSON ---------------------------------------------------------------------------------

const CSL_JSON_HINT: &str = "a CSL-JSON file is an array of items, `[{\"id\": \"key\", \"type\": \"book\", …}, …]`: in Zotero, export the collection as \"Better CSL JSON\" (Better BibTeX) or \"CSL JSON\"";

fn csl_json(file: &Arc<SourceFile>, parsed: &mut Parsed) {
    let text = file.text();
    if text.trim_start().starts_with('{') {
        let span = first_char(file, &(text.len() - text.trim_start().len()..text.len()));
        parsed
            .error(
                file,
                span,
                "this CSL-JSON file holds one object, not an array of items".into(),
            )
            .hints
            .push(CSL_JSON_HINT.into());
        return;
    }
    let items: Vec<&RawValue> = match serde_json::from_str(text) {
        Ok(items) => items,
        Err(error) => {
            let at = offset_of(file, error.line(), error.column());
            let message = json_message(&error);
            parsed
                .error(file, at..at, format!("this is not CSL-JSON: {message}"))
                .hints
                .push(CSL_JSON_HINT.into());
            return;
        }
    };
    for raw in items {
        if let Some(reference) = csl_item(file, raw, parsed) {
            parsed.references.push(reference);
        }
    }
}

/// serde_json's message without its "at line … column …", which the location says.
fn json_message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

/// One item of a CSL-JSON file, checked field by field.
fn csl_item(file: &Arc<SourceFile>, raw: &RawValue, parsed: &mut Parsed) -> Option<Reference> {
    let span = span_in(file, raw.get());
    let fields = csl_object(file, raw, &span, parsed)?;
    let (key, id_span) = csl_key(file, &fields, &span, parsed)?;
    check_citable(file, &key, &id_span, parsed);
    let mut item = CslItem::new(file, key, id_span);
    item.read_type(fields.get("type").copied(), parsed);
    for (name, raw) in &fields {
        if name != "id" && name != "type" {
            item.read_field(name, raw, parsed);
        }
    }
    item.finish()
}

/// The fields of an item, which must be an object.
fn csl_object<'a>(
    file: &Arc<SourceFile>,
    raw: &'a RawValue,
    span: &Range<usize>,
    parsed: &mut Parsed,
) -> Option<BTreeMap<String, &'a RawValue>> {
    match serde_json::from_str(raw.get()) {
        Ok(fields) => Some(fields),
        Err(_) => {
            parsed
                .error(
                    file,
                    first_char(file, span),
                    "each item of a CSL-JSON file must be an object".into(),
                )
                .hints
                .push(CSL_JSON_HINT.into());
            None
        }
    }
}

/// An item's key (its `id`, a string or a number) and where it is written.
fn csl_key(
    file: &Arc<SourceFile>,
    fields: &BTreeMap<String, &RawValue>,
    span: &Range<usize>,
    parsed: &mut Parsed,
) -> Option<(String, Range<usize>)> {
    let Some(id) = fields.get("id") else {
        parsed
            .error(file, first_char(file, span), "this item has no `id`".into())
            .hints
            .push("the id is the key a brief cites the item by, as in [@id]; Better BibTeX writes its citation key there".into());
        return None;
    };
    let id_span = span_in(file, id.get());
    match serde_json::from_str::<serde_json::Value>(id.get()) {
        Ok(serde_json::Value::String(key)) if !key.trim().is_empty() => Some((key, id_span)),
        Ok(serde_json::Value::Number(number)) => Some((number.to_string(), id_span)),
        _ => {
            parsed.error(
                file,
                id_span,
                "an item's `id` must be a string or a number".into(),
            );
            None
        }
    }
}

/// An error for a key a brief could not cite; the item is still read.
fn check_citable(file: &Arc<SourceFile>, key: &str, id_span: &Range<usize>, parsed: &mut Parsed) {
    if key
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '[' | ']' | ';' | ','))
    {
        parsed
            .error(
                file,
                id_span.clone(),
                format!("the key `{key}` cannot be cited"),
            )
            .hints
            .push(
                "a key is cited as [@key]: it holds no spaces, brackets, commas or semicolons"
                    .into(),
            );
    }
}

/// A CSL-JSON item as its fields are read: the fields kept so far, and whether every one read
/// so far could be.
struct CslItem<'a> {
    file: &'a Arc<SourceFile>,
    key: String,
    id_span: Range<usize>,
    map: BTreeMap<String, Value>,
    ok: bool,
}

impl<'a> CslItem<'a> {
    fn new(file: &'a Arc<SourceFile>, key: String, id_span: Range<usize>) -> Self {
        let mut map = BTreeMap::new();
        map.insert("id".to_string(), Value::String(key.clone()));
        Self {
            file,
            key,
            id_span,
            map,
            ok: true,
        }
    }

    /// The item's `type`, which must be one of CSL's.
    fn read_type(&mut self, raw: Option<&RawValue>, parsed: &mut Parsed) {
        let (file, key) = (self.file, &self.key);
        let Some(raw) = raw else {
            parsed
                .error(file, self.id_span.clone(), format!("the item `{key}` has no `type`"))
                .hints
                .push("give it a CSL type, such as \"report\", \"article-journal\", \"chapter\", \"book\" or \"webpage\"".into());
            self.ok = false;
            return;
        };
        match serde_json::from_str::<serde_json::Value>(raw.get()) {
            Ok(serde_json::Value::String(kind)) if Kind::from_str(&kind).is_ok() => {
                self.map.insert("type".to_string(), Value::String(kind));
            }
            Ok(serde_json::Value::String(kind)) => {
                let hint = match closest(&kind, CSL_TYPES) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "CSL's types include report, article-journal, article-newspaper, chapter, book, webpage, post-weblog and legislation".into(),
                };
                parsed
                    .error(
                        file,
                        span_in(file, raw.get()),
                        format!("`{kind}` is not a CSL item type"),
                    )
                    .hints
                    .push(hint);
                self.ok = false;
            }
            _ => {
                parsed.error(
                    file,
                    span_in(file, raw.get()),
                    "an item's `type` must be a string".into(),
                );
                self.ok = false;
            }
        }
    }

    /// Any other field: kept as the engine can read it, warned about when read in part or
    /// not at all, an error when its value is out of bounds.
    fn read_field(&mut self, name: &str, raw: &RawValue, parsed: &mut Parsed) {
        let (file, key) = (self.file, &self.key);
        let field_span = span_in(file, raw.get());
        let value: serde_json::Value = match serde_json::from_str(raw.get()) {
            Ok(value) => value,
            Err(_) => return,
        };
        match field(name, value) {
            Ok(Some((value, warning))) => {
                if let Some(warning) = warning {
                    parsed
                        .warning(
                            file,
                            field_span.clone(),
                            format!("the `{name}` of `{key}` {warning}"),
                        )
                        .hints
                        .push(
                            "the citation engine reads one date an item: give it the date of \
                             the edition the brief cites"
                                .into(),
                        );
                }
                if let Some(problem) = value_problem(&value) {
                    parsed
                        .error(
                            file,
                            field_span,
                            format!("the `{name}` of `{key}` {problem}"),
                        )
                        .hints
                        .push("correct it in the reference manager and export again".into());
                    self.ok = false;
                    return;
                }
                self.map.insert(name.to_string(), value);
            }
            Ok(None) => {}
            Err(why) => {
                parsed
                    .warning(
                        file,
                        field_span,
                        format!("the `{name}` of `{key}` {why}; it is left out"),
                    )
                    .hints
                    .push("CSL-JSON fields hold text, numbers, lists of names or dates".into());
            }
        }
    }

    /// The reference, if every field could be read.
    fn finish(self) -> Option<Reference> {
        let mut item = Item(self.map);
        not_english_unless_said(&mut item);
        self.ok.then(|| Reference {
            key: self.key,
            file: self.file.clone(),
            span: self.id_span,
            item,
        })
    }
}

/// A CSL-JSON field as the engine can read it: `Ok(None)` for a value with nothing in it, a
/// warning for a value read only in part; `Err` for one not read at all.
fn field(name: &str, value: serde_json::Value) -> Result<Option<(Value, Option<String>)>, String> {
    use serde_json::Value as J;
    if is_name_variable(name) {
        let J::Array(names) = value else {
            return Err("is not a list of names".into());
        };
        let mut out = vec![];
        for name in names {
            let J::Object(parts) = name else {
                return Err("holds a name that is not an object".into());
            };
            let text = |key: &str| match parts.get(key) {
                Some(J::String(s)) if !s.trim().is_empty() => Some(markup_free(s)),
                Some(J::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            if let Some(literal) = text("literal") {
                out.push(NameValue::Literal(LiteralName { literal }));
                continue;
            }
            let (family, given) = (text("family"), text("given"));
            if family.is_none() && given.is_none() {
                return Err("holds a name with neither `family`, `given` nor `literal`".into());
            }
            let non_dropping_particle = text("non-dropping-particle");
            let dropping_particle = text("dropping-particle");
            // A name of one part is a literal name (an organisation, a mononym), which the
            // engine would otherwise take apart.
            if given.is_none() && non_dropping_particle.is_none() && dropping_particle.is_none() {
                out.push(NameValue::Literal(LiteralName {
                    literal: family.unwrap_or_default(),
                }));
                continue;
            }
            out.push(NameValue::Item(NameItem {
                family: family.unwrap_or_default(),
                given,
                non_dropping_particle,
                dropping_particle,
                suffix: text("suffix"),
                comma_suffix: match parts.get("comma-suffix") {
                    Some(J::Bool(b)) => Some(*b),
                    _ => None,
                },
            }));
        }
        if out.is_empty() {
            return Ok(None);
        }
        return Ok(Some((Value::Names(out), None)));
    }
    if is_date_variable(name) {
        return date(value).map(|d| d.map(|(date, warning)| (Value::Date(date), warning)));
    }
    match value {
        J::String(text) if text.trim().is_empty() => Ok(None),
        J::String(text) => Ok(Some((Value::String(markup_free(&text)), None))),
        J::Number(number) => match number.as_i64() {
            Some(n) => Ok(Some((Value::Number(n), None))),
            None => Ok(Some((Value::String(number.to_string()), None))),
        },
        J::Null => Ok(None),
        J::Bool(_) => Err("is true or false, which no CSL field is".into()),
        J::Array(_) => Err("is a list, which only names are".into()),
        J::Object(_) => Err("is an object, which only names and dates are".into()),
    }
}

/// What a field's name is in CSL: a name variable, a date variable, or neither. Decided by
/// citationberg's own names, and remembered: a file has thousands of fields of a few dozen
/// names, and an unknown name is told by an error that lists every known one.
fn kind_of_field(name: &str) -> (bool, bool) {
    static KNOWN: std::sync::LazyLock<std::sync::Mutex<HashMap<String, (bool, bool)>>> =
        std::sync::LazyLock::new(Default::default);
    let mut known = KNOWN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(kind) = known.get(name) {
        return *kind;
    }
    let deserializer = || -> serde::de::value::StrDeserializer<'_, serde::de::value::Error> {
        name.into_deserializer()
    };
    let kind = (
        NameVariable::deserialize(deserializer()).is_ok(),
        DateVariable::deserialize(deserializer()).is_ok(),
    );
    // Names beyond CSL's (a file's own fields) are not remembered, so that no file grows it.
    if kind != (false, false) || name.len() <= 32 && known.len() < 1024 {
        known.insert(name.to_string(), kind);
    }
    kind
}

fn is_name_variable(name: &str) -> bool {
    kind_of_field(name).0
}

fn is_date_variable(name: &str) -> bool {
    kind_of_field(name).1
}

/// A date of its parts (year, month, day), checked against the calendar.
fn date_of(parts: &[i64]) -> Option<VecDate> {
    let (&year, rest) = parts.split_first()?;
    let year = i16::try_from(year).ok()?;
    let mut out = vec![year];
    if let Some(&month) = rest.first() {
        if !(1..=12).contains(&month) {
            return None;
        }
        out.push(month as i16);
        if let Some(&day) = rest.get(1) {
            if !(1..=31).contains(&day) {
                return None;
            }
            out.push(day as i16);
        }
    }
    Some(VecDate(out))
}

/// The parts of a date written `2020`, `2020-03` or `2020-03-15`.
fn parts_of(text: &str) -> Option<Vec<i64>> {
    let text = text.trim().trim_end_matches('~');
    let parts: Vec<&str> = text.split('-').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    parts.iter().map(|p| p.parse::<i64>().ok()).collect()
}

/// A CSL-JSON date (`{"date-parts": [[2020, 3, 15]]}`, or `{"raw": "2020-03-15"}`) as one
/// date: a range keeps its first date, with a warning.
fn date(value: serde_json::Value) -> Result<Option<(DateValue, Option<String>)>, String> {
    use serde_json::Value as J;
    let J::Object(date) = value else {
        return Err("is not a date (`{\"date-parts\": [[2020, 3, 15]]}`)".into());
    };
    let literal = match date.get("literal") {
        Some(J::String(s)) if !s.trim().is_empty() => Some(markup_free(s)),
        _ => None,
    };
    let circa = match date.get("circa") {
        Some(J::Bool(b)) => *b,
        Some(J::String(s)) => s == "true",
        Some(J::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    };
    let mut ranges: Vec<Vec<i64>> = vec![];
    match (date.get("date-parts"), date.get("raw")) {
        (Some(J::Array(parts)), _) => {
            for part in parts {
                let J::Array(numbers) = part else {
                    return Err("has date parts that are not lists of numbers".into());
                };
                let mut out = vec![];
                for number in numbers {
                    match number {
                        J::Number(n) => out.push(
                            n.as_i64()
                                .ok_or("has a date part that is not a whole number")?,
                        ),
                        J::String(s) if s.trim().is_empty() => {}
                        J::String(s) => out.push(s.trim().parse().map_err(|_| {
                            format!("has the date part \"{s}\", which is not a number")
                        })?),
                        _ => return Err("has a date part that is not a number".into()),
                    }
                }
                if !out.is_empty() {
                    ranges.push(out);
                }
            }
        }
        (_, Some(J::String(raw))) => {
            for part in raw.split('/') {
                match parts_of(part) {
                    Some(parts) => ranges.push(parts),
                    None => {
                        return Err(format!(
                            "is the date \"{raw}\", which is not written YYYY-MM-DD"
                        ));
                    }
                }
            }
        }
        _ if literal.is_some() => {}
        _ => return Err("is a date without `date-parts`".into()),
    }
    let Some(first) = ranges.first() else {
        return match literal {
            // A date written only in words: the engine reads no such date.
            Some(_) => {
                Err("is a date in words only, which the citation engine cannot print".into())
            }
            None => Ok(None),
        };
    };
    let Some(start) = date_of(first) else {
        return Err(format!(
            "is the date {}, which is not in the calendar",
            first
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("-")
        ));
    };
    let warning = (ranges.len() > 1)
        .then(|| "is a range of dates; the citation engine prints its first date only".to_string());
    Ok(Some((
        DateValue::DateParts {
            date_parts: VecDateRange(vec![start]),
            literal,
            season: None,
            circa,
        },
        warning,
    )))
}

/// Text with the markup of CSL-JSON's rich text taken off: Zotero writes `<i>`, `<b>`,
/// `<sup>`, `<sub>`, `<sc>` and `<span …>` into titles, which the engine would print as
/// written. Anything else that looks like a tag stays.
pub fn markup_free(text: &str) -> String {
    const TAGS: [&str; 7] = ["i", "b", "sup", "sub", "sc", "span", "em"];
    if !text.contains('<') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find('>');
        let tag = end.map(|end| &tail[1..end]);
        let name = tag.map(|t| {
            t.trim_start_matches('/')
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        });
        match (end, name) {
            (Some(end), Some(name)) if TAGS.contains(&name.as_str()) => rest = &tail[end + 1..],
            _ => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What in a value a paper cannot print, or cannot print in reasonable time.
fn value_problem(value: &Value) -> Option<String> {
    let text_problem = |text: &str| -> Option<String> {
        if let Some(c) = text.chars().find(|c| {
            crate::brief::chars::is_refused_char(*c) || crate::brief::url::is_bidi_control(*c)
        }) {
            return Some(format!(
                "holds the character U+{:04X}, which a paper cannot print as written",
                u32::from(c)
            ));
        }
        (text.chars().count() > MAX_FIELD_CHARS)
            .then(|| format!("is longer than {MAX_FIELD_CHARS} characters"))
    };
    match value {
        Value::String(text) => text_problem(text),
        Value::Number(_) | Value::Date(_) => None,
        Value::Names(names) => {
            if names.len() > MAX_NAMES {
                return Some(format!("lists more than {MAX_NAMES} names"));
            }
            names.iter().find_map(|name| match name {
                NameValue::Literal(l) => text_problem(&l.literal),
                NameValue::Item(n) => name_parts(n).find_map(|t| text_problem(t)),
            })
        }
    }
}

// ---- BibLaTeX and YAML, through the engine's own entries ---------------------------------------

fn biblatex(file: &Arc<SourceFile>, parsed: &mut Parsed) {
    let text = file.text();
    let raw = match biblatex::RawBibliography::parse(text) {
        Ok(raw) => raw,
        Err(error) => {
            parsed
                .error(
                    file,
                    error.span.clone(),
                    format!("this is not BibLaTeX: {}", error.kind),
                )
                .hints
                .push(
                    "export the collection from the reference manager again as BibLaTeX or BibTeX"
                        .into(),
                );
            return;
        }
    };
    let spans: HashMap<&str, Range<usize>> = raw
        .entries
        .iter()
        .map(|e| (e.v.key.v, e.v.key.span.clone()))
        .collect();
    let bibliography = match biblatex::Bibliography::from_raw(raw.clone()) {
        Ok(bibliography) => bibliography,
        Err(error) => {
            parsed.error(
                file,
                error.span.clone(),
                format!("this is not BibLaTeX: {}", error.kind),
            );
            return;
        }
    };
    // Each entry on its own, so that one bad field fails its entry and every entry's
    // problems are reported.
    for entry in bibliography.iter() {
        let span = spans.get(entry.key.as_str()).cloned().unwrap_or(0..0);
        let converted: Result<hayagriva::Entry, biblatex::TypeError> = entry.try_into();
        match converted {
            Ok(converted) => {
                let mut item = entry_item(&converted);
                biblatex_hints(entry, &mut item);
                checked(file, &entry.key, span, item, parsed);
            }
            Err(error) => {
                parsed.error(
                    file,
                    error.span.clone(),
                    format!("the entry `{}` cannot be read: {}", entry.key, error.kind),
                );
            }
        }
    }
}

/// What BibLaTeX says that the engine's entries do not keep: a newspaper's article (its
/// `entrysubtype`), a blog post (`@online` with the blog's name as `titleaddon` or
/// `organization`), a report's institution as its publisher.
fn biblatex_hints(entry: &biblatex::Entry, item: &mut Item) {
    let field = |name: &str| {
        entry
            .fields
            .get(name)
            .map(|chunks| biblatex::ChunksExt::format_verbatim(chunks.as_slice()))
            .filter(|s| !s.trim().is_empty())
    };
    let set = |item: &mut Item, name: &str, value: String| {
        item.0.insert(name.to_string(), Value::String(value));
    };
    use biblatex::EntryType as Tex;
    let subtype = field("entrysubtype").map(|s| s.to_ascii_lowercase());
    match &entry.entry_type {
        Tex::Article if subtype.as_deref() == Some("newspaper") => {
            set(item, "type", "article-newspaper".into());
        }
        Tex::Article if subtype.as_deref() == Some("magazine") => {
            set(item, "type", "article-magazine".into());
        }
        Tex::Online => {
            let blog = field("titleaddon").or_else(|| field("organization"));
            match blog {
                Some(blog) if subtype.as_deref() != Some("webpage") => {
                    set(item, "type", "post-weblog".into());
                    set(item, "container-title", blog);
                    item.0.remove("authority");
                }
                _ => set(item, "type", "webpage".into()),
            }
        }
        _ => {}
    }
    // The language, by its babel name (`langid = {belarusian}`), as CSL names it.
    if !item.0.contains_key("language")
        && let Some(code) = field("langid")
            .or_else(|| field("language"))
            .and_then(|name| babel_language(&name))
    {
        set(item, "language", code.into());
    }
    let reportish = matches!(
        entry.entry_type,
        Tex::Report | Tex::TechReport | Tex::Thesis | Tex::MastersThesis | Tex::PhdThesis
    );
    if let Some(kind) = field("type").filter(|_| reportish) {
        set(item, "genre", kind);
    }
}

/// The BCP 47 code of a babel language name, for the languages a brief's labels have and
/// their neighbours.
fn babel_language(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "english" | "american" | "british" | "usenglish" | "ukenglish" => "en",
        "belarusian" | "belarussian" => "be",
        "russian" => "ru",
        "ukrainian" => "uk",
        "polish" => "pl",
        "lithuanian" => "lt",
        "latvian" => "lv",
        "estonian" => "et",
        "german" | "ngerman" | "austrian" | "naustrian" | "swissgerman" | "nswissgerman" => "de",
        "french" | "francais" => "fr",
        "spanish" => "es",
        "italian" => "it",
        "czech" => "cs",
        "slovak" => "sk",
        "hungarian" => "hu",
        "romanian" => "ro",
        "bulgarian" => "bg",
        "serbian" => "sr",
        "croatian" => "hr",
        "georgian" => "ka",
        "armenian" => "hy",
        "turkish" => "tr",
        _ => return None,
    })
}

/// A reference without a `language` whose title is written in no Latin letter (Cyrillic,
/// Greek, Arabic, Chinese) is not English: CSL sets English titles, and titles of no stated
/// language, in title case, which would capitalise every word of a Belarusian headline. It is
/// marked as of an undetermined language (`und`), which no style prints.
fn not_english_unless_said(item: &mut Item) {
    if item.0.contains_key("language") {
        return;
    }
    let Some(Value::String(title)) = item.0.get("title") else {
        return;
    };
    let mut letters = title.chars().filter(|c| c.is_alphabetic()).peekable();
    if letters.peek().is_some() && letters.all(|c| !is_latin(c)) {
        item.0
            .insert("language".into(), Value::String("und".into()));
    }
}

/// Whether a letter is of the Latin script (its basic, supplement and extended blocks).
fn is_latin(c: char) -> bool {
    matches!(c, 'A'..='Z' | 'a'..='z' | '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}')
}

fn yaml(file: &Arc<SourceFile>, parsed: &mut Parsed) {
    let library = match hayagriva::io::from_yaml_str(file.text()) {
        Ok(library) => library,
        Err(error) => {
            let at = error
                .location()
                .map(|l| offset_of(file, l.line(), l.column()))
                .unwrap_or(0);
            let message = error.to_string();
            let message = match message.rfind(" at line ") {
                Some(cut) => message[..cut].to_string(),
                None => message,
            };
            parsed
                .error(file, at..at, format!("this is not a Hayagriva bibliography: {message}"))
                .hints
                .push("each entry is a key at the start of a line, then its fields: `type`, `title`, `author`, `date`, …".into());
            return;
        }
    };
    let spans = yaml_keys(file.text());
    for entry in library.iter() {
        let span = spans.get(entry.key()).cloned().unwrap_or(0..0);
        let item = entry_item(entry);
        checked(file, entry.key(), span, item, parsed);
    }
}

/// Where each top-level key of a YAML file is written: a line that starts with it.
fn yaml_keys(text: &str) -> HashMap<String, Range<usize>> {
    let mut keys = HashMap::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.starts_with([' ', '\t', '#', '-', '\n', '\r']) {
            continue;
        }
        let Some(colon) = line.find(':') else {
            continue;
        };
        let written = line[..colon].trim_end();
        let key = written.trim_matches(['"', '\'']);
        keys.entry(key.to_string())
            .or_insert(start..start + written.len());
    }
    keys
}

/// An item read from the engine's entry, held to the same limits as a CSL-JSON one.
fn checked(
    file: &Arc<SourceFile>,
    key: &str,
    span: Range<usize>,
    mut item: Item,
    parsed: &mut Parsed,
) {
    not_english_unless_said(&mut item);
    let mut ok = true;
    for (name, value) in &item.0 {
        if let Some(problem) = value_problem(value) {
            parsed.error(
                file,
                span.clone(),
                format!("the `{name}` of `{key}` {problem}"),
            );
            ok = false;
        }
    }
    if ok {
        parsed.references.push(Reference {
            key: key.to_string(),
            file: file.clone(),
            span,
            item,
        });
    }
}

/// An entry of the engine's own model as a CSL-JSON item: each CSL variable read from the
/// entry as the engine reads it (hayagriva's `EntryLike` for `Entry`), for the variables a
/// citation style prints.
pub fn entry_item(entry: &hayagriva::Entry) -> Item {
    let mut fields = EntryFields::new(entry);
    fields.titles();
    fields.names();
    fields.publication();
    fields.address_and_identifiers();
    fields.numbers();
    fields.description_and_archive();
    fields.event();
    Item(fields.map)
}

/// The CSL variables of an entry of the engine's model, read in groups, with the parents the
/// engine reads some of them from: the container it is in (the journal of an article, the
/// book of a chapter) and the collection (the series).
struct EntryFields<'a> {
    entry: &'a hayagriva::Entry,
    container: Option<&'a hayagriva::Entry>,
    collection: Option<&'a hayagriva::Entry>,
    map: BTreeMap<String, Value>,
}

impl<'a> EntryFields<'a> {
    /// The entry's key and type.
    fn new(entry: &'a hayagriva::Entry) -> Self {
        let mut map = BTreeMap::new();
        map.insert("id".into(), Value::String(entry.key().to_string()));
        map.insert("type".into(), Value::String(csl_type(entry).into()));
        Self {
            entry,
            container: container(entry),
            collection: collection(entry),
            map,
        }
    }

    /// A text variable, unless it is blank.
    fn text(&mut self, name: &str, value: Option<String>) {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            self.map.insert(name.to_string(), Value::String(value));
        }
    }

    /// A name variable, unless it names no one.
    fn persons(&mut self, name: &str, persons: Vec<&Person>) {
        if !persons.is_empty() {
            self.map.insert(
                name.to_string(),
                Value::Names(persons.into_iter().map(name_value).collect()),
            );
        }
    }

    fn titles(&mut self) {
        let (entry, container, collection) = (self.entry, self.container, self.collection);
        self.text("title", entry.title().map(|t| t.value.to_string()));
        self.text(
            "title-short",
            entry
                .title()
                .and_then(|t| t.short.as_ref())
                .map(|s| s.to_string()),
        );
        self.text(
            "container-title",
            container
                .and_then(|c| c.title())
                .map(|t| t.value.to_string()),
        );
        self.text(
            "collection-title",
            collection
                .and_then(|c| c.title())
                .map(|t| t.value.to_string()),
        );
    }

    /// The authors and editors, and those the entry lists by their role.
    fn names(&mut self) {
        let (entry, container, collection) = (self.entry, self.container, self.collection);
        self.persons(
            "author",
            entry
                .authors()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
        );
        self.persons(
            "editor",
            entry
                .editors()
                .or_else(|| container.and_then(|c| c.editors()))
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
        );
        self.persons(
            "container-author",
            container
                .and_then(|c| c.authors())
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
        );
        self.persons(
            "collection-editor",
            collection
                .and_then(|c| c.editors())
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
        );
        for (name, role) in [
            ("translator", PersonRole::Translator),
            ("compiler", PersonRole::Compiler),
            ("organizer", PersonRole::Organizer),
            ("contributor", PersonRole::Collaborator),
            ("illustrator", PersonRole::Illustrator),
        ] {
            let persons: Vec<&Person> = entry
                .affiliated()
                .map(|groups| {
                    groups
                        .iter()
                        .filter(|g| g.role == role)
                        .flat_map(|g| g.names.iter())
                        .collect()
                })
                .unwrap_or_default();
            self.persons(name, persons);
        }
    }

    /// Who published it, where and when.
    fn publication(&mut self) {
        let entry = self.entry;
        let publisher = entry.map(|e| e.publisher());
        let mut publisher_name = publisher
            .and_then(|p| p.name())
            .map(|n| n.value.to_string());
        // A report's or thesis's institution is who publishes it.
        if publisher_name.is_none()
            && matches!(entry.entry_type(), EntryType::Report | EntryType::Thesis)
        {
            publisher_name = entry.organization().map(|o| o.value.to_string());
        } else {
            self.text(
                "authority",
                entry.organization().map(|o| o.value.to_string()),
            );
        }
        self.text("publisher", publisher_name);
        self.text(
            "publisher-place",
            publisher
                .and_then(|p| p.location())
                .or_else(|| entry.location())
                .map(|l| l.value.to_string()),
        );
        if let Some(date) = entry.date_any() {
            self.map
                .insert("issued".into(), Value::Date(date_value(date)));
        }
    }

    /// Where it is found: its address (and when it was visited) and its identifiers.
    fn address_and_identifiers(&mut self) {
        let entry = self.entry;
        if let Some(url) = entry.url_any() {
            self.text("URL", Some(url.value.as_str().to_string()));
            if let Some(visited) = &url.visit_date {
                self.map
                    .insert("accessed".into(), Value::Date(date_value(visited)));
            }
        }
        self.text("DOI", entry.doi().map(str::to_string));
        self.text("ISBN", entry.isbn().map(str::to_string));
        self.text("ISSN", entry.map(|e| e.issn()).map(str::to_string));
    }

    /// Its volume, issue, edition, pages, chapter and numbers.
    fn numbers(&mut self) {
        let (entry, container, collection) = (self.entry, self.container, self.collection);
        self.text(
            "volume",
            container
                .and_then(|c| c.volume())
                .or_else(|| entry.volume())
                .map(typed_text),
        );
        self.text("issue", entry.map(|e| e.issue()).map(typed_text));
        self.text("edition", entry.map(|e| e.edition()).map(typed_text));
        self.text("page", entry.page_range().map(typed_text));
        self.text("number-of-pages", entry.page_total().map(|n| n.to_string()));
        self.text("chapter-number", entry.chapter().map(typed_text));
        self.text(
            "collection-number",
            collection.and_then(|c| c.volume()).map(typed_text),
        );
        self.text(
            "number",
            entry.keyed_serial_number("serial").map(str::to_string),
        );
    }

    /// What it is and says (genre, note, abstract, language), and the archive that holds it.
    fn description_and_archive(&mut self) {
        let entry = self.entry;
        self.text(
            "genre",
            entry.map(|e| e.genre()).map(|g| g.value.to_string()),
        );
        self.text("note", entry.note().map(|n| n.value.to_string()));
        self.text(
            "archive",
            entry.map(|e| e.archive()).map(|a| a.value.to_string()),
        );
        self.text(
            "archive_location",
            entry.archive_location().map(|a| a.value.to_string()),
        );
        self.text(
            "call-number",
            entry.call_number().map(|c| c.value.to_string()),
        );
        self.text(
            "abstract",
            entry.map(|e| e.abstract_()).map(|a| a.value.to_string()),
        );
        self.text(
            "language",
            entry.map(|e| e.language()).map(|l| l.to_string()),
        );
    }

    /// The conference or exhibition it was given at.
    fn event(&mut self) {
        let Some(event) = self.entry.parents().iter().find(|p| {
            matches!(
                p.entry_type(),
                EntryType::Conference | EntryType::Exhibition
            )
        }) else {
            return;
        };
        self.text("event-title", event.title().map(|t| t.value.to_string()));
        self.text("event-place", event.location().map(|l| l.value.to_string()));
    }
}

fn typed_text<T: std::fmt::Display>(value: &MaybeTyped<T>) -> String {
    match value {
        MaybeTyped::Typed(t) => t.to_string(),
        MaybeTyped::String(s) => s.clone(),
    }
}

/// The parts of a structured name a style may print.
pub fn name_parts(name: &NameItem) -> impl Iterator<Item = &String> {
    [
        Some(&name.family),
        name.given.as_ref(),
        name.suffix.as_ref(),
        name.non_dropping_particle.as_ref(),
        name.dropping_particle.as_ref(),
    ]
    .into_iter()
    .flatten()
}

fn name_value(person: &Person) -> NameValue {
    if person.given_name.is_none() && person.prefix.is_none() && person.suffix.is_none() {
        return NameValue::Literal(LiteralName {
            literal: person.name.clone(),
        });
    }
    NameValue::Item(NameItem {
        family: person.name.clone(),
        given: person.given_name.clone(),
        non_dropping_particle: person.prefix.clone(),
        dropping_particle: None,
        suffix: person.suffix.clone(),
        comma_suffix: person.comma_suffix.then_some(true),
    })
}

fn date_value(date: &hayagriva::types::Date) -> DateValue {
    let mut parts = vec![date.year.clamp(i16::MIN.into(), i16::MAX.into()) as i16];
    if let Some(month) = date.month.filter(|m| *m < 12) {
        parts.push(i16::from(month) + 1);
        if let Some(day) = date.day.filter(|d| *d < 31) {
            parts.push(i16::from(day) + 1);
        }
    }
    DateValue::DateParts {
        date_parts: VecDateRange(vec![VecDate(parts)]),
        literal: None,
        season: None,
        circa: date.approximate,
    }
}

/// The entry its entry is part of (a journal, a book, a blog), as the engine finds it.
fn container(entry: &hayagriva::Entry) -> Option<&hayagriva::Entry> {
    let find = |kinds: &[EntryType]| {
        kinds
            .iter()
            .find_map(|kind| entry.parents().iter().find(|p| p.entry_type() == kind))
    };
    use EntryType::*;
    match entry.entry_type() {
        Article => find(&[
            Book,
            Proceedings,
            Conference,
            Periodical,
            Newspaper,
            Blog,
            Reference,
            Web,
        ]),
        Anthos => find(&[Anthology]),
        Entry => find(&[Reference]),
        Chapter => find(&[Book, Anthology, Proceedings]),
        Web | Post => find(&[Web, Thread, Blog]),
        _ => entry.parents().first(),
    }
}

/// The series an entry or its container belongs to.
fn collection(entry: &hayagriva::Entry) -> Option<&hayagriva::Entry> {
    use EntryType::*;
    match entry.entry_type() {
        Anthology | Newspaper | Performance | Periodical | Proceedings | Book | Reference
        | Exhibition => entry
            .parents()
            .iter()
            .find(|p| p.entry_type() == entry.entry_type() || *p.entry_type() == Anthology),
        _ => entry.parents().iter().find_map(collection),
    }
}

/// The CSL type of an entry of the engine's model, as the engine decides it.
fn csl_type(entry: &hayagriva::Entry) -> &'static str {
    use EntryType::*;
    let parent = |kinds: &[EntryType]| {
        entry
            .parents()
            .iter()
            .any(|p| kinds.contains(p.entry_type()))
    };
    match entry.entry_type() {
        Article if parent(&[Periodical]) => "article-journal",
        Article if parent(&[Newspaper]) => "article-newspaper",
        Article if parent(&[Proceedings, Conference]) => "paper-conference",
        Article if parent(&[Blog]) => "post-weblog",
        Article if parent(&[Report]) => "report",
        Article if parent(&[Web]) => "webpage",
        Article => "article",
        Report => "report",
        Thesis => "thesis",
        Manuscript => "manuscript",
        Book | Anthology | Proceedings => "book",
        Periodical | Newspaper => "periodical",
        Chapter | Anthos => "chapter",
        Entry if parent(&[Reference]) => "entry-encyclopedia",
        Entry => "entry",
        Reference => "book",
        Exhibition | Conference => "event",
        Video if entry.parents().is_empty() => "motion_picture",
        Audio if entry.parents().is_empty() => "song",
        Audio | Video => "broadcast",
        Legislation if entry.publisher().is_some() => "legislation",
        Legislation => "bill",
        Case => "legal_case",
        Patent => "patent",
        Web | Blog => "webpage",
        Post | Thread => "post",
        Artwork => "graphic",
        Repository => "software",
        Performance => "performance",
        _ => "document",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_json(text: &str) -> Parsed {
        parse(&SourceFile::new("refs.json", text), Format::CslJson)
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of("refs.json"), Some(Format::CslJson));
        assert_eq!(Format::of("a/refs.BIB"), Some(Format::BibLatex));
        assert_eq!(Format::of("refs.bibtex"), Some(Format::BibLatex));
        assert_eq!(Format::of("refs.yml"), Some(Format::Yaml));
        assert_eq!(Format::of("refs.txt"), None);
        assert_eq!(Format::of("refs"), None);
    }

    #[test]
    fn a_csl_json_item_keeps_its_key_and_its_place() {
        let text = r#"[
  {"id": "wb2022", "type": "report", "title": "A <i>Report</i>",
   "author": [{"literal": "World Bank"}, {"family": "Doe", "given": "Jane"}],
   "issued": {"date-parts": [["2022", 3]]}}
]"#;
        let parsed = parse_json(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let reference = &parsed.references[0];
        assert_eq!(reference.key, "wb2022");
        assert_eq!(&text[reference.span.clone()], "\"wb2022\"");
        assert_eq!(
            reference.item.0.get("title"),
            Some(&Value::String("A Report".into()))
        );
        let Some(Value::Date(DateValue::DateParts { date_parts, .. })) =
            reference.item.0.get("issued")
        else {
            panic!("{:?}", reference.item)
        };
        assert_eq!(date_parts.0[0].0, [2022, 3]);
    }

    #[test]
    fn syntax_errors_are_located() {
        let parsed = parse_json("[\n  {\"id\": \"a\",, }\n]");
        assert_eq!(parsed.diagnostics.len(), 1);
        let (_, line, column) = parsed.diagnostics[0].position().unwrap();
        assert_eq!((line, column), (2, 14));
    }

    #[test]
    fn dates_out_of_the_calendar_and_ranges_never_reach_the_engine() {
        let parsed = parse_json(
            r#"[{"id": "a", "type": "book", "issued": {"date-parts": [[2020, 0]]}},
                {"id": "b", "type": "book", "issued": {"date-parts": [[2020], [2021]]}},
                {"id": "c", "type": "book", "issued": {"date-parts": [[]]}},
                {"id": "d", "type": "book", "issued": {"raw": "2020-13-01"}}]"#,
        );
        assert_eq!(parsed.references.len(), 4);
        assert!(!parsed.references[0].item.0.contains_key("issued"));
        assert!(parsed.references[1].item.0.contains_key("issued"));
        assert!(!parsed.references[2].item.0.contains_key("issued"));
        assert!(!parsed.references[3].item.0.contains_key("issued"));
        assert!(parsed.diagnostics.iter().all(|d| !d.is_error()));
        assert_eq!(parsed.diagnostics.len(), 3, "{:?}", parsed.diagnostics);
    }

    #[test]
    fn unknown_types_missing_ids_and_twice_used_keys_are_errors() {
        let parsed = parse_json(
            r#"[{"id": "a", "type": "reprot"}, {"type": "book"}, {"id": "c", "type": "book"},
                {"id": "c", "type": "book"}]"#,
        );
        let messages: Vec<&str> = parsed
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "`reprot` is not a CSL item type",
                "this item has no `id`",
                "the key `c` is used twice"
            ]
        );
        assert_eq!(parsed.diagnostics[0].hints, ["did you mean `report`?"]);
    }

    #[test]
    fn markup_is_taken_off_and_other_angles_stay() {
        assert_eq!(
            markup_free("On <i>Homo sapiens</i> <span class=\"nocase\">NATO</span> a < b"),
            "On Homo sapiens NATO a < b"
        );
    }

    #[test]
    fn biblatex_keeps_a_corporate_author_whole() {
        let text = "@report{wb,\n  author = {{World Bank}},\n  title = {Belarus Economic Update},\n  institution = {World Bank},\n  date = {2022-06},\n}\n";
        let parsed = parse(&SourceFile::new("refs.bib", text), Format::BibLatex);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let item = &parsed.references[0].item;
        assert_eq!(&text[parsed.references[0].span.clone()], "wb");
        assert_eq!(
            item.0.get("author"),
            Some(&Value::Names(vec![NameValue::Literal(LiteralName {
                literal: "World Bank".into()
            })]))
        );
        assert_eq!(item.0.get("type"), Some(&Value::String("report".into())));
        assert_eq!(
            item.0.get("publisher"),
            Some(&Value::String("World Bank".into()))
        );
    }

    #[test]
    fn biblatex_errors_are_located() {
        let text = "@book{a,\n  title = {A},\n  = {x},\n}\n";
        let parsed = parse(&SourceFile::new("refs.bib", text), Format::BibLatex);
        assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
        let (_, line, _) = parsed.diagnostics[0].position().unwrap();
        assert_eq!(line, 3);
    }

    #[test]
    fn yaml_entries_are_read_with_their_keys() {
        let text = "harari:\n  type: book\n  title: Homo Deus\n  author: Harari, Yuval Noah\n  date: 2016\n  publisher: Harvill Secker\n";
        let parsed = parse(&SourceFile::new("refs.yml", text), Format::Yaml);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        assert_eq!(parsed.references[0].key, "harari");
        assert_eq!(&text[parsed.references[0].span.clone()], "harari");
        assert_eq!(
            parsed.references[0].item.0.get("type"),
            Some(&Value::String("book".into()))
        );
    }

    #[test]
    fn every_style_of_the_archive_has_a_name() {
        let names = style_names();
        assert!(names.iter().any(|(n, _)| *n == "chicago-notes"));
        assert!(names.iter().any(|(n, _)| *n == "apa"));
        assert!(names.len() >= 80, "{}", names.len());
    }
}
