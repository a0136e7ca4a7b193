//! The rules that span the whole brief: unique ids, references that resolve, dates in order,
//! and the warnings a careful editor would raise.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use crate::brief::bibliography::Reference;
use crate::brief::model::{Brief, RichText, Source, Str};
use crate::brief::richtext::for_each_citation;
use crate::diag::{Diagnostic, closest};
use crate::source::SourceFile;

/// An error reported at a span of the brief, with a hint or none.
trait ReportError: FnMut(Range<usize>, String, Option<String>) {}
impl<F: FnMut(Range<usize>, String, Option<String>)> ReportError for F {}

pub fn check(brief: &Brief, diagnostics: &mut Vec<Diagnostic>) {
    let file = &brief.file;
    let mut error = |span: Range<usize>, message: String, hint: Option<String>| {
        let mut d = Diagnostic::error(message).at(file, span);
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        diagnostics.push(d);
    };

    // A brief with bibliography files has its citations checked once they are read
    // (`references`): a key may name one of their references.
    let deferred = !brief.bibliography.is_empty();
    let ids = Ids::of(brief, &mut error);
    // The sources' hints (one budget) serve the timeline, then, in a brief without figures,
    // the citations.
    let mut source_hints = Suggestions::new(&ids.sources, "[[sources]]");
    let mut uses = Uses::default();
    check_timeline(
        brief,
        &ids,
        deferred,
        &mut source_hints,
        &mut uses,
        &mut error,
    );
    check_placements(brief, &ids, &mut uses, &mut error);
    check_citations(brief, &ids, deferred, source_hints, &mut uses, &mut error);

    // Editorial warnings wait until the errors are fixed: a misspelt reference would
    // otherwise also show up as an unused source or actor.
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    warn_unused(brief, deferred, &uses, diagnostics);
    warn_timeline_order(brief, diagnostics);
}

/// The ids of the brief's actors, sources and figures.
struct Ids<'a> {
    actors: HashMap<&'a str, &'a Str>,
    sources: HashMap<&'a str, &'a Str>,
    figures: HashMap<&'a str, &'a Str>,
}

impl<'a> Ids<'a> {
    /// Collects the ids, reporting each duplicate, and each id that names a source and a
    /// figure both.
    fn of(brief: &'a Brief, error: &mut impl ReportError) -> Self {
        let file = &brief.file;
        let ids = Self {
            actors: unique_ids(file, brief.actors.iter().map(|a| &a.id), "actor", error),
            sources: unique_ids(file, brief.sources.iter().map(|s| &s.id), "source", error),
            figures: unique_ids(file, brief.figures.iter().map(|f| &f.id), "figure", error),
        };
        // `[@id]` names a source or a figure: one id may not name both.
        for figure in &brief.figures {
            if let Some(source) = ids.sources.get(figure.id.value.as_str()) {
                let line = file.line_column(source.span.start).0;
                error(
                    figure.id.span.clone(),
                    format!(
                        "the id `{}` names both a source and a figure",
                        figure.id.value
                    ),
                    Some(format!(
                        "`[@{}]` must name one of them; the source is on line {line}: rename one",
                        figure.id.value
                    )),
                );
            }
        }
        ids
    }
}

/// What the brief's parts make of its ids: the sources (and figures) cited, the actors that
/// take part in the timeline, and where each figure is placed (first).
#[derive(Default)]
struct Uses<'a> {
    cited: HashSet<&'a str>,
    in_timeline: HashSet<&'a str>,
    placed: HashMap<&'a str, &'a Str>,
}

/// Each timeline event's actors and sources are ones the brief has (its sources, unless
/// `deferred` to `references`), and it ends no earlier than it begins.
fn check_timeline<'a>(
    brief: &'a Brief,
    ids: &Ids<'a>,
    deferred: bool,
    source_hints: &mut Suggestions<'a>,
    uses: &mut Uses<'a>,
    error: &mut impl ReportError,
) {
    let mut actor_hints = Suggestions::new(&ids.actors, "[[actors]]");
    for event in &brief.timeline {
        for actor in &event.actors {
            uses.in_timeline.insert(&actor.value);
            if !ids.actors.contains_key(actor.value.as_str()) {
                let hint = actor_hints.hint(&actor.value);
                error(
                    actor.span.clone(),
                    format!("no actor has the id `{}`", actor.value),
                    Some(hint),
                );
            }
        }
        for source in &event.sources {
            uses.cited.insert(&source.value);
            if !deferred && !ids.sources.contains_key(source.value.as_str()) {
                let hint = source_hints.hint(&source.value);
                error(
                    source.span.clone(),
                    format!("no source has the id `{}`", source.value),
                    Some(hint),
                );
            }
        }
        if let Some(end) = &event.end
            && end.value.last_day() < event.date.value.first_day()
        {
            error(
                end.span.clone(),
                format!(
                    "the event ends ({}) before it begins ({})",
                    end.value, event.date.value
                ),
                Some("`end` must be the same as or later than `date`".into()),
            );
        }
    }
}

/// Each figure a section places is one the brief has, placed once at most.
fn check_placements<'a>(
    brief: &'a Brief,
    ids: &Ids<'a>,
    uses: &mut Uses<'a>,
    error: &mut impl ReportError,
) {
    let mut figure_hints = Suggestions::new(&ids.figures, "[[figures]]");
    for section in &brief.sections {
        for id in &section.figures {
            if !ids.figures.contains_key(id.value.as_str()) {
                let hint = figure_hints.hint(&id.value);
                error(
                    id.span.clone(),
                    format!("no figure has the id `{}`", id.value),
                    Some(hint),
                );
            } else if let Some(first) = uses.placed.get(id.value.as_str()) {
                let line = brief.file.line_column(first.span.start).0;
                error(
                    id.span.clone(),
                    format!("the figure `{}` is placed twice", id.value),
                    Some(format!(
                        "a figure is printed once, where it is first placed (line {line}); refer to it elsewhere as [@{}]",
                        id.value
                    )),
                );
            } else {
                uses.placed.insert(&id.value, id);
            }
        }
    }
}

/// Each citation of the text names a source or, in a brief with figures, a figure (unless
/// `deferred` to `references`).
fn check_citations<'a>(
    brief: &'a Brief,
    ids: &Ids<'a>,
    deferred: bool,
    source_hints: Suggestions<'a>,
    uses: &mut Uses<'a>,
    error: &mut impl ReportError,
) {
    let mut citable = ids.sources.clone();
    citable.extend(ids.figures.iter().map(|(k, v)| (*k, *v)));
    let (mut cite_hints, names) = if ids.figures.is_empty() {
        (source_hints, "source")
    } else {
        (
            Suggestions::new(&citable, "[[sources]] or [[figures]]"),
            "source or figure",
        )
    };
    for text in rich_texts(brief) {
        for_each_citation(&text.blocks, &mut |cite| {
            uses.cited.insert(&cite.id);
            if !deferred && !citable.contains_key(cite.id.as_str()) {
                let hint = cite_hints.hint(&cite.id);
                error(
                    cite.span.clone(),
                    format!("the citation `[@{}]` names no {names}", cite.id),
                    Some(hint),
                );
            }
        });
    }
}

/// The warnings for what the brief has and never uses: a source never cited (unless
/// `deferred` to `references`), a figure placed nowhere, an actor in no timeline event.
fn warn_unused(brief: &Brief, deferred: bool, uses: &Uses<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let file = &brief.file;
    for source in &brief.sources {
        if !deferred
            && !source.id.value.is_empty()
            && !uses.cited.contains(source.id.value.as_str())
        {
            diagnostics.push(never_cited(file, source));
        }
    }
    for figure in &brief.figures {
        if !figure.id.value.is_empty() && !uses.placed.contains_key(figure.id.value.as_str()) {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "the figure `{}` is placed in no section",
                    figure.id.value
                ))
                .at(file, figure.id.span.clone())
                .hint(format!(
                    "add \"{}\" to the `figures` of the section it belongs to; until then it is printed after the last section",
                    figure.id.value
                )),
            );
        }
    }
    for actor in &brief.actors {
        if !actor.id.value.is_empty()
            && !brief.timeline.is_empty()
            && !uses.in_timeline.contains(actor.id.value.as_str())
        {
            diagnostics.push(
                Diagnostic::warning(format!(
                    "the actor `{}` takes part in no timeline event",
                    actor.id.value
                ))
                .at(file, actor.id.span.clone())
                .hint("add its id to the `actors` of the events it took part in"),
            );
        }
    }
}

/// The warning for a source cited nowhere.
fn never_cited(file: &Arc<SourceFile>, source: &Source) -> Diagnostic {
    Diagnostic::warning(format!("the source `{}` is never cited", source.id.value))
        .at(file, source.id.span.clone())
        .hint(format!("cite it in the text as [@{}] or list it in a timeline event's `sources`; it is still printed among the sources", source.id.value))
}

/// The warning for a timeline out of date order, at its first event earlier than the one
/// before.
fn warn_timeline_order(brief: &Brief, diagnostics: &mut Vec<Diagnostic>) {
    if let Some(pair) = brief
        .timeline
        .windows(2)
        .find(|w| w[1].date.value < w[0].date.value)
    {
        diagnostics.push(
            Diagnostic::warning(format!(
                "the timeline is not in date order: {} comes after {}",
                pair[1].date.value, pair[0].date.value
            ))
            .at(&brief.file, pair[1].date.span.clone())
            .hint(
                "the printed timeline is sorted by date; sort the file too to keep it easy to edit",
            ),
        );
    }
}

/// The citations of a brief with bibliography files, once their references are read
/// (`brief.library`): each key cited (in the text, or by a timeline event's `sources`) names a
/// reference, a source or a figure, with a did-you-mean across all of them; no key names a
/// reference and a source or figure both. Then, without errors, the warnings: a source or a
/// file's reference cited nowhere. `check` left these to here. Citations are checked only
/// against a `complete` library (every file and item read): a reference that could not be read
/// is not called unknown where it is cited.
pub fn references(brief: &Brief, complete: bool, diagnostics: &mut Vec<Diagnostic>) {
    if brief.bibliography.is_empty() {
        return;
    }
    let ids = own_ids(brief);
    check_keys_named_twice(brief, &ids, diagnostics);
    if !complete {
        return;
    }
    let cited = check_cited_keys(brief, &ids, diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    for source in &brief.sources {
        if !source.id.value.is_empty() && !cited.contains(source.id.value.as_str()) {
            diagnostics.push(never_cited(&brief.file, source));
        }
    }
    warn_uncited_references(&brief.library.references, &cited, diagnostics);
}

/// The ids of the brief's own sources and figures, with what each names.
fn own_ids(brief: &Brief) -> HashMap<&str, (&Str, &'static str)> {
    brief
        .sources
        .iter()
        .map(|s| (s.id.value.as_str(), (&s.id, "source")))
        .chain(
            brief
                .figures
                .iter()
                .map(|f| (f.id.value.as_str(), (&f.id, "figure"))),
        )
        .collect()
}

/// An error for each key of a file that is also a source's or a figure's id.
fn check_keys_named_twice(
    brief: &Brief,
    ids: &HashMap<&str, (&Str, &str)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let file = &brief.file;
    for reference in &brief.library.references {
        if let Some((id, what)) = ids.get(reference.key.as_str()) {
            let line = file.line_column(id.span.start).0;
            diagnostics.push(
                Diagnostic::error(format!(
                    "the key `{}` names both a reference and a {what}",
                    reference.key
                ))
                .at(&reference.file, reference.span.clone())
                .hint(format!(
                    "`[@{}]` must name one of them; the {what} is on line {line} of {}: rename one",
                    reference.key,
                    file.name()
                )),
            );
        }
    }
}

/// An error for each key cited (by a timeline event, in the text, on a slide) that names no
/// reference, source or figure; gives back the keys cited.
fn check_cited_keys<'a>(
    brief: &'a Brief,
    ids: &HashMap<&'a str, (&'a Str, &str)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> HashSet<&'a str> {
    let file = &brief.file;
    let library = &brief.library;
    let known = |key: &str| ids.contains_key(key) || library.get(key).is_some();
    let mut names: Vec<&str> = ids.keys().copied().collect();
    names.extend(library.references.iter().map(|r| r.key.as_str()));
    let mut hints = Suggestions::of(names, "the bibliography, [[sources]] or [[figures]]");
    let mut cited: HashSet<&str> = HashSet::new();
    let mut unknown = |key: &str, span: Range<usize>, diagnostics: &mut Vec<Diagnostic>| {
        if !known(key) {
            let hint = hints.hint(key);
            diagnostics.push(
                Diagnostic::error(format!("the citation `[@{key}]` names no reference"))
                    .at(file, span)
                    .hint(hint),
            );
        }
    };
    for event in &brief.timeline {
        for source in &event.sources {
            cited.insert(&source.value);
            unknown(&source.value, source.span.clone(), diagnostics);
        }
    }
    for text in rich_texts(brief) {
        for_each_citation(&text.blocks, &mut |cite| {
            cited.insert(&cite.id);
            unknown(&cite.id, cite.span.clone(), diagnostics);
        });
    }
    for section in &brief.sections {
        if let Some(slide) = &section.slide {
            for_each_citation(&slide.blocks, &mut |cite| {
                cited.insert(&cite.id);
                unknown(&cite.id, cite.span.clone(), diagnostics);
            });
        }
    }
    cited
}

/// A file's references cited nowhere: one warning a file, at the first of them, since a
/// reference manager's export may hold far more than one brief cites.
fn warn_uncited_references(
    references: &[Reference],
    cited: &HashSet<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut uncited: Vec<(&Arc<SourceFile>, Vec<&Reference>)> = vec![];
    for reference in references {
        if cited.contains(reference.key.as_str()) {
            continue;
        }
        match uncited
            .iter_mut()
            .find(|(f, _)| Arc::ptr_eq(f, &reference.file))
        {
            Some((_, list)) => list.push(reference),
            None => uncited.push((&reference.file, vec![reference])),
        }
    }
    for (bib, list) in uncited {
        let keys: Vec<String> = list
            .iter()
            .take(LISTED_IDS)
            .map(|r| format!("`{}`", r.key))
            .collect();
        let more = list.len().saturating_sub(LISTED_IDS);
        let named = if more > 0 {
            format!("{}, … ({} in all)", keys.join(", "), list.len())
        } else {
            keys.join(", ")
        };
        let message = if list.len() == 1 {
            format!("the reference {named} is cited nowhere")
        } else {
            format!(
                "{} references of {} are cited nowhere: {named}",
                list.len(),
                bib.name()
            )
        };
        diagnostics.push(
            Diagnostic::warning(message)
                .at(bib, list[0].span.clone())
                .hint("cite them as [@key], or export only the collection the brief cites; a reference cited nowhere is not printed"),
        );
    }
}

/// Collects ids, reporting each duplicate at its second use.
fn unique_ids<'a>(
    file: &SourceFile,
    ids: impl Iterator<Item = &'a Str>,
    what: &str,
    error: &mut impl ReportError,
) -> HashMap<&'a str, &'a Str> {
    let mut seen: HashMap<&str, &Str> = HashMap::new();
    for id in ids {
        if id.value.is_empty() {
            continue;
        }
        if seen.contains_key(id.value.as_str()) {
            let first = file.line_column(seen[id.value.as_str()].span.start).0;
            error(
                id.span.clone(),
                format!("the {what} id `{}` is used twice", id.value),
                Some(format!(
                    "every {what} needs its own id; `{}` is first used on line {first}",
                    id.value
                )),
            );
        } else {
            seen.insert(&id.value, id);
        }
    }
    seen
}

/// How much comparing a "did you mean" may do in all, per table of ids, counted in pairs of
/// characters compared: every look-up compares the unknown id with each known one, so
/// thousands of dangling references to thousands of ids (or a huge id) would take quadratic
/// time. Past the budget the hint names no close id. Ten million pairs are some 100,000
/// comparisons of ten-letter ids, a few tenths of a second.
pub(crate) const COMPARISON_BUDGET: usize = 10_000_000;

/// How many ids a hint lists when none is close.
const LISTED_IDS: usize = 10;

/// The hints for references to ids that do not exist, in time linear in the brief: the ids
/// are sorted once, on the first hint, each unknown id is looked up once, and the look-ups
/// share a budget.
struct Suggestions<'a> {
    known: Vec<&'a str>,
    /// The known ids, sorted, once a hint needs them.
    names: Vec<&'a str>,
    /// What comparing one more character with every known id costs: their characters, one
    /// more each.
    cost_per_char: usize,
    table: &'static str,
    budget_left: usize,
    hints: HashMap<String, String>,
}

impl<'a> Suggestions<'a> {
    fn new(known: &HashMap<&'a str, &'a Str>, table: &'static str) -> Self {
        Self::of(known.keys().copied().collect(), table)
    }

    fn of(known: Vec<&'a str>, table: &'static str) -> Self {
        Self {
            known,
            names: vec![],
            cost_per_char: 0,
            table,
            budget_left: COMPARISON_BUDGET,
            hints: HashMap::new(),
        }
    }

    fn hint(&mut self, id: &str) -> String {
        if let Some(hint) = self.hints.get(id) {
            return hint.clone();
        }
        if self.names.is_empty() && !self.known.is_empty() {
            self.names = self.known.clone();
            self.names.sort_unstable();
            self.names.dedup();
            self.cost_per_char = self.names.iter().map(|n| n.chars().count() + 1).sum();
        }
        let (names, table) = (&self.names, self.table);
        let cost = (id.chars().count() + 1).saturating_mul(self.cost_per_char);
        let close = if cost <= self.budget_left {
            self.budget_left -= cost;
            closest(id, names.iter().copied())
        } else {
            None
        };
        let hint = match close {
            Some(close) => format!("did you mean `{close}`?"),
            None if names.is_empty() => format!("the brief has no {table}"),
            None if names.len() <= LISTED_IDS => {
                format!("add it to {table}, or use one of: {}", names.join(", "))
            }
            None => format!(
                "add it to {table}, or use one of: {}, … ({} in all)",
                names[..LISTED_IDS].join(", "),
                names.len()
            ),
        };
        self.hints.insert(id.to_string(), hint.clone());
        hint
    }
}

/// Every rich-text field, in the order the paper prints them.
pub fn rich_texts(brief: &Brief) -> Vec<&RichText> {
    let mut out: Vec<&RichText> = vec![&brief.summary.text];
    out.extend(&brief.summary.key_points);
    out.extend(brief.sections.iter().map(|s| &s.body));
    out.extend(brief.actors.iter().filter_map(|a| a.description.as_ref()));
    out.extend(brief.timeline.iter().filter_map(|e| e.description.as_ref()));
    out.extend(brief.recommendations.iter().filter_map(|r| r.body.as_ref()));
    out.extend(brief.authors.iter().filter_map(|a| a.bio.as_ref()));
    out.extend(&brief.about);
    out.extend(&brief.disclaimer);
    for figure in &brief.figures {
        out.push(&figure.caption);
        out.extend(&figure.source);
        out.extend(&figure.note);
    }
    out
}
