//! Citations and the reference list in the brief's citation style (`[style] citations`),
//! formatted once, here, by hayagriva (the CSL engine Typst itself uses), and handed to every
//! shape as data: trees of inlines (emphasis, strong, small capitals, super- and subscript,
//! links) that the PDF templates, the web edition, the redline and a language server's hover
//! print alike. Nothing here writes a citation by hand: the style decides every word, mark and
//! order, in the brief's language where the archive has terms for it.
//!
//! The data builder (`compose::data`) walks the brief in print order and registers each
//! citation with a [`Collector`], which gives it its slot and, in a note style, its note
//! number; [`Collector::finish`] then formats them all at once (the engine's positions,
//! ibid., short forms and disambiguation need them all), and the builder puts each
//! citation's text in its slot.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex};

use citationberg::json::{DateValue, Item, LiteralName, NameValue, Value, VecDate, VecDateRange};
use citationberg::taxonomy::{Locator, Term};
use citationberg::{FontStyle, FontVariant, FontWeight, IndependentStyle, Locale, LocaleCode};
use citationberg::{StyleClass, VerticalAlign};
use hayagriva::archive::ArchivedStyle;
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, CitePurpose, ElemChild,
    ElemChildren, ElemMeta, Formatting, LocatorPayload, Rendered, SpecificLocator,
};

use crate::brief::bibliography::{self, is_style_file};
use crate::brief::date::PartialDate;
use crate::brief::model::{Brief, Language, Source};
use crate::brief::richtext::{CiteRef, Inline};

/// Every locale of the archive, decoded once per run.
static LOCALES: LazyLock<Vec<Locale>> = LazyLock::new(hayagriva::archive::locales);

/// The archive's styles as they are used, each decoded once per run.
static ARCHIVE: LazyLock<Mutex<HashMap<ArchivedStyle, Arc<IndependentStyle>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The style a brief's citations are formatted in: a style of the archive by name, or the
/// house's own, read from its file when the brief was prepared. None for a brief that prints
/// its sources as numbered notes, or whose style is not (yet) read.
pub fn style(brief: &Brief) -> Option<Arc<IndependentStyle>> {
    let name = brief.citation_style()?;
    if is_style_file(name) {
        return brief.library.style.clone();
    }
    let archived = ArchivedStyle::by_name(name)?;
    let mut styles = ARCHIVE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(style) = styles.get(&archived) {
        return Some(style.clone());
    }
    let citationberg::Style::Independent(style) = archived.get() else {
        return None;
    };
    let style = Arc::new(style);
    styles.insert(archived, style.clone());
    Some(style)
}

/// `old` as it would print in `new`'s citation style: a redline compares references on
/// their formatted text, and a change of style is one change of the brief's `[style]`, not a
/// change of every reference.
pub fn in_style_of<'a>(old: &'a Brief, new: &Brief) -> std::borrow::Cow<'a, Brief> {
    let same_file = match (&old.library.style, &new.library.style) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a.info.id == b.info.id,
        (None, None) => true,
        _ => false,
    };
    if old.citation_style() == new.citation_style() && same_file {
        return std::borrow::Cow::Borrowed(old);
    }
    let mut restyled = old.clone();
    let citations = new
        .style
        .as_ref()
        .and_then(|s| s.citations.clone())
        .or_else(|| {
            // A brief with a bibliography and no style is in the default one; say it outright,
            // for a version without a bibliography.
            new.citation_style()
                .map(|name| crate::brief::model::Spanned {
                    value: name.to_string(),
                    span: 0..0,
                })
        });
    restyled
        .style
        .get_or_insert_with(Default::default)
        .citations = citations;
    let mut library = (*old.library).clone();
    library.style = new.library.style.clone();
    restyled.library = Arc::new(library);
    std::borrow::Cow::Owned(restyled)
}

/// Whether a style puts its citations in notes (Chicago notes) rather than in the text
/// (author-date, numeric).
pub fn is_note_style(style: &IndependentStyle) -> bool {
    style.settings.class == StyleClass::Note
}

/// The locale of a brief's language, as CSL names it (`de`, `en-GB`): the engine finds the
/// archive's locale for it (`de-DE`), or falls back to American English.
pub fn locale(language: &Language) -> LocaleCode {
    match &language.region {
        Some(region) => LocaleCode(format!("{}-{}", language.primary, region)),
        None => LocaleCode(language.primary.clone()),
    }
}

/// The archive's locale for a language, if it has one: the exact one, or the language's
/// usual one (`de` is `de-DE`).
fn archive_locale(code: &LocaleCode) -> Option<&'static Locale> {
    let find = |code: &LocaleCode| LOCALES.iter().find(|l| l.lang.as_ref() == Some(code));
    find(code)
        .or_else(|| code.fallback().as_ref().and_then(find))
        .or_else(|| {
            let primary = code.0.split('-').next().unwrap_or("");
            LOCALES.iter().find(|l| {
                l.lang
                    .as_ref()
                    .is_some_and(|lang| lang.0.split('-').next() == Some(primary))
            })
        })
}

/// The locale files the engine is given for a language: the archive's locale for it and
/// American English, its fallback; the engine looks a term up in them one file after another,
/// so handing it the archive's sixty would cost it a search through all for every word.
fn locale_files(code: &LocaleCode) -> Arc<Vec<Locale>> {
    static FILES: LazyLock<Mutex<HashMap<String, Arc<Vec<Locale>>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let mut files = FILES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = files.get(&code.0) {
        return found.clone();
    }
    let mut chosen: Vec<Locale> = vec![];
    for locale in [archive_locale(code), archive_locale(&LocaleCode::en_us())]
        .into_iter()
        .flatten()
    {
        if !chosen.iter().any(|c| c.lang == locale.lang) {
            chosen.push(locale.clone());
        }
    }
    let chosen = Arc::new(chosen);
    // A run's briefs have few languages; a tag the archive lacks gets American English.
    if files.len() < 64 {
        files.insert(code.0.clone(), chosen.clone());
    }
    chosen
}

/// Whether the citation style has the words of a brief's language: the archive's locale, or
/// the style's own terms for it. Otherwise its words ("edited by", "accessed", months) are
/// printed in English.
pub fn has_terms(style: &IndependentStyle, language: &Language) -> bool {
    let primary = language.primary.as_str();
    primary == "en"
        || archive_locale(&locale(language)).is_some()
        || style.locale.iter().any(|l| {
            l.lang
                .as_ref()
                .is_some_and(|lang| lang.0.split('-').next() == Some(primary))
        })
}

/// One reference's entry in the brief's style, formatted on its own (as it would print were
/// it the only one cited): a `[[sources]]` entry or a reference of the brief's files.
pub fn standalone_entry(brief: &Brief, key: &str) -> Option<Vec<Inline>> {
    let style = style(brief)?;
    let own;
    let item = match brief.library.get(key) {
        Some(reference) => &reference.item,
        None => {
            own = source_item(brief.sources.iter().find(|s| s.id.value == key)?);
            &own
        }
    };
    let locale = locale(&brief.language.value);
    let files = locale_files(&locale);
    let locale_files: &[Locale] = &files;
    let mut driver: BibliographyDriver<'_, Item> = BibliographyDriver::new();
    driver.citation(CitationRequest::new(
        vec![CitationItem::new(item, None, None, true, None)],
        &style,
        Some(locale.clone()),
        locale_files,
        None,
    ));
    let rendered = driver.finish(BibliographyRequest::new(&style, Some(locale), locale_files));
    let entry = rendered.bibliography?.items.into_iter().next()?;
    Some(inlines(&entry.content))
}

/// A warning at the brief's `language` when its citation style has no words for it (the
/// archive has no CSL locale for Belarusian): they are printed in English.
pub fn language_warning(brief: &Brief) -> Option<crate::diag::Diagnostic> {
    let style = style(brief)?;
    let language = &brief.language.value;
    if has_terms(&style, language) {
        return None;
    }
    Some(
        crate::diag::Diagnostic::warning(format!(
            "the citation style has no words in the brief's language (`{}`): its \"edited by\", \"accessed\" and month names are printed in English",
            language.primary
        ))
        .at(&brief.file, brief.language.span.clone())
        .hint(format!(
            "a house style (a .csl file) may give them in a <locale xml:lang=\"{}\"> element",
            language.primary
        )),
    )
}

/// The words a style may print for a brief: every text of the references it cites (a file's
/// and its own `[[sources]]`), the words of its citations as written (prefixes, locators), and
/// the terms of its language; what the fonts must cover, found without formatting.
pub fn printed_words(brief: &Brief) -> Vec<String> {
    use citationberg::json::{NameValue, Value};
    let mut words = vec![];
    let mut cited: HashSet<&str> = HashSet::new();
    let note = |refs: &[CiteRef], words: &mut Vec<String>| {
        for r in refs {
            words.extend(r.prefix.clone());
            words.extend(r.locator.clone());
        }
    };
    for text in crate::brief::validate::rich_texts(brief)
        .into_iter()
        .chain(brief.sections.iter().filter_map(|s| s.slide.as_ref()))
    {
        crate::brief::richtext::for_each_citation(&text.blocks, &mut |r| {
            cited.insert(r.id.as_str());
            note(std::slice::from_ref(r), &mut words);
        });
    }
    cited.extend(
        brief
            .timeline
            .iter()
            .flat_map(|e| e.sources.iter().map(|s| s.value.as_str())),
    );
    for reference in brief
        .library
        .references
        .iter()
        .filter(|r| cited.contains(r.key.as_str()))
    {
        for value in reference.item.0.values() {
            match value {
                Value::String(text) => words.push(text.clone()),
                Value::Number(_) | Value::Date(_) => {}
                Value::Names(names) => {
                    for name in names {
                        match name {
                            NameValue::Literal(l) => words.push(l.literal.clone()),
                            NameValue::Item(n) => {
                                words.extend(bibliography::name_parts(n).cloned())
                            }
                        }
                    }
                }
            }
        }
    }
    let code = locale(&brief.language.value);
    for locale in [archive_locale(&code), archive_locale(&LocaleCode::en_us())]
        .into_iter()
        .flatten()
    {
        for term in locale.terms.iter().flat_map(|t| t.terms.iter()) {
            words.extend(term.single().map(str::to_string));
            words.extend(term.multiple().map(str::to_string));
        }
    }
    words
}

/// A citation as registered: its keys in the order written, with their locators.
struct Request {
    refs: Vec<CiteRef>,
    note: Option<usize>,
}

/// The citations of one brief, gathered in print order, then formatted together.
pub struct Collector {
    style: Arc<IndependentStyle>,
    locale: LocaleCode,
    /// Whether the language sets a full stop or comma inside closing quotation marks
    /// (American English), which the engine does for the words of an entry but not for the
    /// stop a style puts after a whole citation.
    punctuation_in_quotes: bool,
    note_style: bool,
    requests: Vec<Request>,
    notes: usize,
}

/// What the style made of the brief's citations and references.
pub struct Formatted {
    /// Each citation's text by its slot, with the keys it cites in the order printed.
    pub citations: Vec<(Vec<String>, Vec<Inline>)>,
    /// The reference list (bibliography), in the style's order.
    pub references: Vec<Entry>,
    /// Whether the style lays its list out with hanging indents.
    pub hanging_indent: bool,
}

/// One entry of the reference list.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    /// A numeric style's label, set apart in a column of its own ("[3]"), when the style
    /// aligns what follows it.
    pub label: Option<Vec<Inline>>,
    pub content: Vec<Inline>,
}

impl Collector {
    /// A collector for a brief with a citation style; none for one without.
    pub fn new(brief: &Brief) -> Option<Self> {
        let style = style(brief)?;
        let locale = locale(&brief.language.value);
        Some(Self {
            note_style: is_note_style(&style),
            punctuation_in_quotes: punctuation_in_quotes(&style, &locale),
            locale,
            style,
            requests: vec![],
            notes: 0,
        })
    }

    pub fn is_note_style(&self) -> bool {
        self.note_style
    }

    /// The style's name as the brief gives it.
    pub fn class(&self) -> &'static str {
        if self.note_style { "note" } else { "in-text" }
    }

    /// Registers a citation, in print order: its slot, and in a note style its note number.
    pub fn cite(&mut self, refs: &[CiteRef]) -> (usize, Option<usize>) {
        let note = self.note_style.then(|| {
            self.notes += 1;
            self.notes
        });
        self.requests.push(Request {
            refs: refs.to_vec(),
            note,
        });
        (self.requests.len() - 1, note)
    }

    /// Formats every citation registered and the reference list: the references cited, and
    /// the brief's own `[[sources]]` whether cited or not (as the paper has always listed
    /// them).
    pub fn finish(self, brief: &Brief) -> Formatted {
        let own: Vec<Item> = brief.sources.iter().map(source_item).collect();
        let items = items_by_key(brief, &own);
        let located = self.locators();
        let files = locale_files(&self.locale);
        let mut driver: BibliographyDriver<'_, Item> = BibliographyDriver::new();
        let requested = self.request_citations(&mut driver, &items, &located, &files);
        self.request_uncited_sources(&mut driver, brief, &own, &requested.cited, &files);
        let rendered = driver.finish(BibliographyRequest::new(
            &self.style,
            Some(self.locale.clone()),
            &files,
        ));
        let citations = self.citation_texts(&rendered, &requested, &items);
        let (references, hanging_indent) = reference_list(&rendered, &items);
        Formatted {
            citations,
            references,
            hanging_indent,
        }
    }

    /// Each key's locator as the style reads it, and what is printed after it as written;
    /// the engine borrows the locators' values while it formats.
    fn locators(&self) -> Vec<Vec<Located>> {
        let terms = archive_locale(&self.locale);
        self.requests
            .iter()
            .map(|request| {
                request
                    .refs
                    .iter()
                    .map(|r| match &r.locator {
                        Some(text) => locator(text, terms),
                        None => (None, None),
                    })
                    .collect()
            })
            .collect()
    }

    /// Hands the engine each citation registered, of the items it knows.
    fn request_citations<'a>(
        &'a self,
        driver: &mut BibliographyDriver<'a, Item>,
        items: &HashMap<&'a str, &'a Item>,
        located: &'a [Vec<Located>],
        locale_files: &'a [Locale],
    ) -> Requested<'a> {
        let mut requested = Requested {
            slots: Vec::with_capacity(self.requests.len()),
            affixes: vec![],
            cited: HashSet::new(),
        };
        for (request, locators) in self.requests.iter().zip(located) {
            let mut citation_items = vec![];
            let mut these = vec![];
            for (r, (locator, suffix)) in request.refs.iter().zip(locators) {
                let Some(item) = items.get(r.id.as_str()) else {
                    continue;
                };
                requested.cited.insert(r.id.as_str());
                let locator = locator
                    .as_ref()
                    .map(|(l, value)| SpecificLocator(*l, LocatorPayload::Str(value.as_str())));
                let purpose = r.suppress_author.then_some(CitePurpose::Prose);
                citation_items.push(CitationItem::new(*item, locator, None, false, purpose));
                these.push((r.prefix.clone(), suffix.clone()));
            }
            if citation_items.is_empty() {
                requested.slots.push(None);
                continue;
            }
            requested.slots.push(Some(requested.affixes.len()));
            requested.affixes.push(these);
            driver.citation(CitationRequest::new(
                citation_items,
                &self.style,
                Some(self.locale.clone()),
                locale_files,
                request.note,
            ));
        }
        requested
    }

    /// Hands the engine the brief's own sources not cited, hidden: they are listed whether
    /// cited or not.
    fn request_uncited_sources<'a>(
        &'a self,
        driver: &mut BibliographyDriver<'a, Item>,
        brief: &Brief,
        own: &'a [Item],
        cited: &HashSet<&str>,
        locale_files: &'a [Locale],
    ) {
        for (source, item) in brief.sources.iter().zip(own) {
            if !cited.contains(source.id.value.as_str()) {
                driver.citation(CitationRequest::new(
                    vec![CitationItem::new(item, None, None, true, None)],
                    &self.style,
                    Some(self.locale.clone()),
                    locale_files,
                    None,
                ));
            }
        }
    }

    /// Each citation's text by its slot, with the keys it cites in the order printed.
    fn citation_texts(
        &self,
        rendered: &Rendered,
        requested: &Requested<'_>,
        items: &HashMap<&str, &Item>,
    ) -> Vec<(Vec<String>, Vec<Inline>)> {
        let cited_requests = requested.affixes.len();
        requested
            .slots
            .iter()
            .zip(&self.requests)
            .map(|(slot, request)| match slot {
                Some(index) if *index < cited_requests => {
                    let citation = &rendered.citations[*index];
                    let keys = request
                        .refs
                        .iter()
                        .filter(|r| items.contains_key(r.id.as_str()))
                        .map(|r| r.id.clone())
                        .collect();
                    let content = citation_inlines(
                        &citation.citation,
                        &requested.affixes[*index],
                        request,
                        self.note_style,
                        self.punctuation_in_quotes,
                    );
                    (keys, content)
                }
                _ => (vec![], vec![]),
            })
            .collect()
    }
}

/// The citations as handed to the engine.
struct Requested<'a> {
    /// Which request of the engine each slot became (a citation of nothing known, which the
    /// checks refuse, becomes none).
    slots: Vec<Option<usize>>,
    /// Each request's prefixes and suffixes, by the item's place in it.
    affixes: Vec<Vec<(Option<String>, Option<String>)>>,
    /// The keys cited.
    cited: HashSet<&'a str>,
}

/// Every item a brief may cite, by its key: the references of its bibliography files (the
/// first, if a key is written twice), and its own sources (`own`, made items), which win.
fn items_by_key<'a>(brief: &'a Brief, own: &'a [Item]) -> HashMap<&'a str, &'a Item> {
    let mut items: HashMap<&str, &Item> = HashMap::new();
    for reference in &brief.library.references {
        items
            .entry(reference.key.as_str())
            .or_insert(&reference.item);
    }
    for (source, item) in brief.sources.iter().zip(own) {
        items.insert(source.id.value.as_str(), item);
    }
    items
}

/// The reference list in the style's order, and whether it is set with hanging indents.
fn reference_list(rendered: &Rendered, items: &HashMap<&str, &Item>) -> (Vec<Entry>, bool) {
    match &rendered.bibliography {
        Some(list) => (
            list.items
                .iter()
                .map(|item| Entry {
                    key: item.key.clone(),
                    label: item.first_field.as_ref().map(|f| {
                        let mut out = Runs::default();
                        out.child(f, Formatting::default());
                        out.finish()
                    }),
                    content: named(inlines(&item.content), items.get(item.key.as_str())),
                })
                .collect(),
            list.hanging_indent,
        ),
        None => (vec![], false),
    }
}

/// An entry the style prints nothing for (Chicago's bibliography has no layout for a
/// `document` with a title alone): its title, or its key, so that no reference vanishes.
fn named(content: Vec<Inline>, item: Option<&&Item>) -> Vec<Inline> {
    if !plain(&content).trim().is_empty() {
        return content;
    }
    let title = item
        .and_then(|i| i.0.get("title").or_else(|| i.0.get("id")))
        .and_then(|v| v.to_str())
        .map(|t| t.into_owned())
        .unwrap_or_default();
    vec![Inline::Text { text: title }]
}

/// English labels of locators, as Pandoc reads them, by the CSL locator each names.
const LABELS: &[(&str, Locator)] = &[
    ("bk.", Locator::Book),
    ("bks.", Locator::Book),
    ("book", Locator::Book),
    ("books", Locator::Book),
    ("chap.", Locator::Chapter),
    ("chaps.", Locator::Chapter),
    ("ch.", Locator::Chapter),
    ("chs.", Locator::Chapter),
    ("chapter", Locator::Chapter),
    ("chapters", Locator::Chapter),
    ("col.", Locator::Column),
    ("cols.", Locator::Column),
    ("column", Locator::Column),
    ("columns", Locator::Column),
    ("fig.", Locator::Figure),
    ("figs.", Locator::Figure),
    ("figure", Locator::Figure),
    ("figures", Locator::Figure),
    ("fol.", Locator::Folio),
    ("fols.", Locator::Folio),
    ("folio", Locator::Folio),
    ("folios", Locator::Folio),
    ("l.", Locator::Line),
    ("ll.", Locator::Line),
    ("line", Locator::Line),
    ("lines", Locator::Line),
    ("n.", Locator::Note),
    ("nn.", Locator::Note),
    ("note", Locator::Note),
    ("notes", Locator::Note),
    ("no.", Locator::Issue),
    ("op.", Locator::Opus),
    ("opus", Locator::Opus),
    ("p.", Locator::Page),
    ("pp.", Locator::Page),
    ("page", Locator::Page),
    ("pages", Locator::Page),
    ("para.", Locator::Paragraph),
    ("paras.", Locator::Paragraph),
    ("paragraph", Locator::Paragraph),
    ("paragraphs", Locator::Paragraph),
    ("¶", Locator::Paragraph),
    ("¶¶", Locator::Paragraph),
    ("pt.", Locator::Part),
    ("pts.", Locator::Part),
    ("part", Locator::Part),
    ("parts", Locator::Part),
    ("sec.", Locator::Section),
    ("secs.", Locator::Section),
    ("section", Locator::Section),
    ("sections", Locator::Section),
    ("§", Locator::Section),
    ("§§", Locator::Section),
    ("s.v.", Locator::SubVerbo),
    ("s.vv.", Locator::SubVerbo),
    ("tbl.", Locator::Table),
    ("table", Locator::Table),
    ("v.", Locator::Verse),
    ("vv.", Locator::Verse),
    ("verse", Locator::Verse),
    ("verses", Locator::Verse),
    ("vol.", Locator::Volume),
    ("vols.", Locator::Volume),
    ("volume", Locator::Volume),
    ("volumes", Locator::Volume),
];

/// A locator read from what follows a key (its kind and value), and what is printed after
/// the item as written.
pub type Located = (Option<(Locator, String)>, Option<String>);

/// What follows a key in a citation (`p. 45`, `S. 45`, `45`, `and passim`): a locator the
/// style prints with its own label, read by the English labels and by the labels of the
/// brief's language (its CSL locale's terms); a bare number is a page. Anything else is
/// printed after the item as written.
pub fn locator(text: &str, terms: Option<&Locale>) -> Located {
    let text = text.trim();
    let lower = text.to_lowercase();
    let mut labels: Vec<(String, Locator)> = LABELS
        .iter()
        .map(|(label, locator)| (label.to_string(), *locator))
        .collect();
    if let Some(terms) = terms.and_then(|l| l.terms.as_ref()) {
        for term in &terms.terms {
            if let Term::Locator(locator) = term.name {
                for form in [term.single(), term.multiple()].into_iter().flatten() {
                    if !form.trim().is_empty() {
                        labels.push((form.trim().to_lowercase(), locator));
                    }
                }
            }
        }
    }
    // The longest label that the text begins with, followed by a space or a number.
    labels.sort_by_key(|(label, _)| std::cmp::Reverse(label.chars().count()));
    for (label, locator) in &labels {
        if let Some(rest) = lower.strip_prefix(label.as_str()) {
            let next = rest.chars().next();
            if next.is_none_or(|c| c.is_whitespace() || c.is_ascii_digit())
                && !rest.trim().is_empty()
            {
                let value = text[text.len() - rest.len()..].trim().to_string();
                return (Some((*locator, value)), None);
            }
        }
    }
    if text.starts_with(|c: char| c.is_ascii_digit())
        || is_roman(text.split([',', ' ', '–', '-']).next().unwrap_or(""))
    {
        return (Some((Locator::Page, text.to_string())), None);
    }
    (None, Some(text.to_string()))
}

fn is_roman(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| "ivxlcdm".contains(c))
}

/// A citation's text: the style's output, each item with the prefix and suffix the brief
/// wrote for it (`see`, `and passim`); an item whose author is left out loses the names the
/// engine put before it.
fn citation_inlines(
    children: &ElemChildren,
    affixes: &[(Option<String>, Option<String>)],
    request: &Request,
    note_style: bool,
    punctuation_in_quotes: bool,
) -> Vec<Inline> {
    let mut out = Runs::default();
    let suppressed: Vec<bool> = request.refs.iter().map(|r| r.suppress_author).collect();
    for child in &children.0 {
        match child {
            ElemChild::Elem(elem) => match elem.meta {
                Some(ElemMeta::Entry(index)) => {
                    let (prefix, suffix) = affixes.get(index).cloned().unwrap_or_default();
                    if let Some(prefix) = prefix {
                        out.push(&format!("{prefix} "), Formatting::default(), None);
                    }
                    if suppressed.get(index).copied().unwrap_or(false) {
                        let mut item = Runs::default();
                        item.without_names(&elem.children);
                        // The engine sets what follows the author in parentheses, as in
                        // "Wilson (2021)"; a note has no author to follow.
                        if note_style {
                            item.unwrap_parentheses();
                        }
                        out.runs.extend(item.runs);
                    } else {
                        out.children(&elem.children, Formatting::default());
                    }
                    if let Some(suffix) = suffix {
                        out.push(&format!(", {suffix}"), Formatting::default(), None);
                    }
                }
                _ => out.child(child, Formatting::default()),
            },
            _ => out.child(child, Formatting::default()),
        }
    }
    if punctuation_in_quotes {
        out.punctuation_in_quotes();
    }
    out.finish()
}

/// Whether a style's terms for a language set punctuation inside quotation marks: the
/// style's own locale for it, else the archive's.
fn punctuation_in_quotes(style: &IndependentStyle, code: &LocaleCode) -> bool {
    let primary = code.0.split('-').next().unwrap_or("");
    style
        .locale
        .iter()
        .filter(|l| {
            l.lang
                .as_ref()
                .is_some_and(|lang| lang.0.split('-').next() == Some(primary))
        })
        .find_map(|l| l.style_options.as_ref()?.punctuation_in_quote)
        .or_else(|| {
            archive_locale(code)
                .or_else(|| archive_locale(&LocaleCode::en_us()))?
                .style_options
                .as_ref()?
                .punctuation_in_quote
        })
        .unwrap_or(false)
}

/// The engine's output as inlines.
pub fn inlines(children: &ElemChildren) -> Vec<Inline> {
    let mut out = Runs::default();
    out.children(children, Formatting::default());
    out.finish()
}

/// Runs of text with one formatting and, for a link, one address; neighbours of the same kind
/// are joined.
#[derive(Default)]
struct Runs {
    runs: Vec<(Formatting, Option<String>, String)>,
}

impl Runs {
    fn push(&mut self, text: &str, formatting: Formatting, url: Option<&str>) {
        if text.is_empty() {
            return;
        }
        if let Some((f, u, last)) = self.runs.last_mut()
            && *f == formatting
            && u.as_deref() == url
        {
            last.push_str(text);
            return;
        }
        self.runs
            .push((formatting, url.map(str::to_string), text.to_string()));
    }

    fn children(&mut self, children: &ElemChildren, formatting: Formatting) {
        for child in &children.0 {
            self.child(child, formatting);
        }
    }

    fn child(&mut self, child: &ElemChild, formatting: Formatting) {
        match child {
            ElemChild::Text(text) => self.push(&text.text, text.formatting, None),
            // Text the engine leaves to Typst (a title's mathematics): printed as written.
            ElemChild::Markup(text) => self.push(text, formatting, None),
            ElemChild::Elem(elem) => {
                // A block of its own within an entry (a style's second line): a space apart.
                if elem.display == Some(citationberg::Display::Block) && !self.runs.is_empty() {
                    self.push(" ", formatting, None);
                }
                self.children(&elem.children, formatting)
            }
            // Only web addresses are links, as in a brief's own text (`brief::url`).
            ElemChild::Link { text, url } => {
                let url = crate::brief::url::check_link_url(url)
                    .is_ok()
                    .then_some(url.as_str());
                self.push(&text.text, text.formatting, url);
            }
            ElemChild::Transparent { .. } => {}
        }
    }

    /// An item's children without the names at their start (its author, left out by
    /// `[-@key]`), nor the punctuation that joined them to the rest.
    fn without_names(&mut self, children: &ElemChildren) {
        let mut started = false;
        for child in &children.0 {
            let is_names = matches!(
                child,
                ElemChild::Elem(e) if matches!(e.meta, Some(ElemMeta::Names(..)) | Some(ElemMeta::Name(..)))
            );
            if !started {
                if is_names {
                    continue;
                }
                if let ElemChild::Text(t) = child
                    && t.text
                        .trim()
                        .chars()
                        .all(|c| c.is_whitespace() || ",.;:".contains(c))
                {
                    continue;
                }
            }
            started = true;
            self.child(child, Formatting::default());
        }
    }

    /// A full stop or comma right after a closing quotation mark goes inside it: `Crisis.”`.
    fn punctuation_in_quotes(&mut self) {
        const CLOSING: [char; 2] = ['”', '’'];
        for i in 0..self.runs.len() {
            let text = &mut self.runs[i].2;
            let mut out = String::with_capacity(text.len());
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                if CLOSING.contains(&c) && matches!(chars.peek(), Some('.' | ',')) {
                    out.push(chars.next().expect("peeked"));
                }
                out.push(c);
            }
            *text = out;
            // Across runs: a quotation mark that ends one, a stop that begins the next.
            if i + 1 < self.runs.len()
                && self.runs[i].2.ends_with(CLOSING)
                && self.runs[i + 1].2.starts_with(['.', ','])
            {
                let stop = self.runs[i + 1].2.remove(0);
                let quote = self.runs[i].2.pop().expect("ends with a quotation mark");
                self.runs[i].2.push(stop);
                self.runs[i].2.push(quote);
            }
        }
        self.runs.retain(|(_, _, text)| !text.is_empty());
    }

    /// Takes off a parenthesis that opens the first run, and the one that closes it at the
    /// end, if it is there (a style's own closing punctuation may stand in its place).
    fn unwrap_parentheses(&mut self) {
        let Some((_, _, first)) = self.runs.first_mut() else {
            return;
        };
        if !first.starts_with('(') {
            return;
        }
        first.remove(0);
        let count = |c: char| {
            self.runs
                .iter()
                .map(|(_, _, text)| text.matches(c).count())
                .sum::<usize>()
        };
        if count(')') > count('(')
            && let Some((_, _, last)) = self.runs.last_mut()
        {
            let stop = last.ends_with('.');
            let body = last.trim_end_matches('.');
            if let Some(body) = body.strip_suffix(')') {
                *last = format!("{body}{}", if stop { "." } else { "" });
            }
        }
        self.runs.retain(|(_, _, text)| !text.is_empty());
    }

    fn finish(self) -> Vec<Inline> {
        let mut out: Vec<Inline> = vec![];
        for (formatting, url, text) in self.runs {
            let mut inline = Inline::Text { text };
            if formatting.vertical_align == VerticalAlign::Sup {
                inline = Inline::Super {
                    content: vec![inline],
                };
            } else if formatting.vertical_align == VerticalAlign::Sub {
                inline = Inline::Sub {
                    content: vec![inline],
                };
            }
            if formatting.font_variant == FontVariant::SmallCaps {
                inline = Inline::SmallCaps {
                    content: vec![inline],
                };
            }
            if formatting.font_weight == FontWeight::Bold {
                inline = Inline::Strong {
                    content: vec![inline],
                };
            }
            if formatting.font_style == FontStyle::Italic {
                inline = Inline::Emph {
                    content: vec![inline],
                };
            }
            if let Some(url) = url {
                inline = Inline::Link {
                    url,
                    content: vec![inline],
                };
            }
            out.push(inline);
        }
        out
    }
}

/// The plain words of inlines, for comparing and for a language server's hover as text.
pub fn plain(content: &[Inline]) -> String {
    let mut out = String::new();
    fn walk(content: &[Inline], out: &mut String) {
        for inline in content {
            match inline {
                Inline::Text { text } => out.push_str(text),
                Inline::Linebreak => out.push(' '),
                Inline::Emph { content }
                | Inline::Strong { content }
                | Inline::SmallCaps { content }
                | Inline::Super { content }
                | Inline::Sub { content }
                | Inline::Link { content, .. }
                | Inline::Citation { content, .. } => walk(content, out),
                Inline::Cite { .. } | Inline::Ref { .. } => {}
            }
        }
    }
    walk(content, &mut out);
    out
}

// ---- A brief's own [[sources]] -----------------------------------------------------------------

/// A `[[sources]]` entry as an item of the same bibliography: its title, author (as written,
/// one name), publisher, date and address are CSL's `title`, `author` (a literal name),
/// `publisher`, `issued` and `URL`. With a publisher it is a report, else with an address a
/// web page, else a book (a style's layout for a title alone).
fn source_item(source: &Source) -> Item {
    let mut map = BTreeMap::new();
    map.insert("id".to_string(), Value::String(source.id.value.clone()));
    let kind = if source.publisher.is_some() {
        "report"
    } else if source.url.is_some() {
        "webpage"
    } else {
        "book"
    };
    map.insert("type".to_string(), Value::String(kind.into()));
    map.insert(
        "title".to_string(),
        Value::String(source.title.value.clone()),
    );
    if let Some(author) = &source.author {
        map.insert(
            "author".to_string(),
            Value::Names(vec![NameValue::Literal(LiteralName {
                literal: author.value.clone(),
            })]),
        );
    }
    if let Some(publisher) = &source.publisher {
        map.insert(
            "publisher".to_string(),
            Value::String(publisher.value.clone()),
        );
    }
    if let Some(date) = &source.date {
        map.insert("issued".to_string(), Value::Date(partial_date(&date.value)));
    }
    if let Some(url) = &source.url {
        map.insert("URL".to_string(), Value::String(url.value.clone()));
    }
    Item(map)
}

fn partial_date(date: &PartialDate) -> DateValue {
    let mut parts = vec![date.year.clamp(i16::MIN.into(), i16::MAX.into()) as i16];
    if let Some(month) = date.month {
        parts.push(i16::from(month));
        if let Some(day) = date.day {
            parts.push(i16::from(day));
        }
    }
    DateValue::DateParts {
        date_parts: VecDateRange(vec![VecDate(parts)]),
        literal: None,
        season: None,
        circa: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators_by_english_and_local_labels_and_bare_numbers() {
        let de = archive_locale(&LocaleCode("de".into()));
        assert!(de.is_some());
        assert_eq!(
            locator("p. 45", None),
            (Some((Locator::Page, "45".into())), None)
        );
        assert_eq!(
            locator("pp. 45–47", None),
            (Some((Locator::Page, "45–47".into())), None)
        );
        assert_eq!(
            locator("ch. 3", None),
            (Some((Locator::Chapter, "3".into())), None)
        );
        assert_eq!(
            locator("S. 12", de),
            (Some((Locator::Page, "12".into())), None)
        );
        assert_eq!(
            locator("45", None),
            (Some((Locator::Page, "45".into())), None)
        );
        assert_eq!(
            locator("and passim", None),
            (None, Some("and passim".into()))
        );
    }

    #[test]
    fn the_archive_has_the_label_languages_but_belarusian() {
        for language in ["en", "de", "fr", "lt", "pl", "ru", "uk"] {
            let code = LocaleCode(language.into());
            assert!(archive_locale(&code).is_some(), "{language}");
        }
        assert!(archive_locale(&LocaleCode("be".into())).is_none());
    }
}
