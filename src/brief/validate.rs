//! The rules that span the whole brief: unique ids, references that resolve, dates in order,
//! and the warnings a careful editor would raise.

use std::collections::{HashMap, HashSet};

use crate::brief::model::{Brief, RichText, Str};
use crate::brief::richtext::for_each_citation;
use crate::diag::{Diagnostic, closest};
use crate::source::SourceFile;

pub fn check(brief: &Brief, diagnostics: &mut Vec<Diagnostic>) {
    let file = &brief.file;
    let mut error = |span: std::ops::Range<usize>, message: String, hint: Option<String>| {
        let mut d = Diagnostic::error(message).at(file, span);
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        diagnostics.push(d);
    };

    let actor_ids = unique_ids(
        file,
        brief.actors.iter().map(|a| &a.id),
        "actor",
        &mut error,
    );
    let source_ids = unique_ids(
        file,
        brief.sources.iter().map(|s| &s.id),
        "source",
        &mut error,
    );

    let mut actor_hints = Suggestions::new(&actor_ids, "[[actors]]");
    let mut source_hints = Suggestions::new(&source_ids, "[[sources]]");
    let mut cited: HashSet<String> = HashSet::new();
    let mut in_timeline: HashSet<String> = HashSet::new();
    for event in &brief.timeline {
        for actor in &event.actors {
            in_timeline.insert(actor.value.clone());
            if !actor_ids.contains_key(actor.value.as_str()) {
                let hint = actor_hints.hint(&actor.value);
                error(
                    actor.span.clone(),
                    format!("no actor has the id `{}`", actor.value),
                    Some(hint),
                );
            }
        }
        for source in &event.sources {
            cited.insert(source.value.clone());
            if !source_ids.contains_key(source.value.as_str()) {
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

    for text in rich_texts(brief) {
        for_each_citation(&text.blocks, &mut |cite| {
            cited.insert(cite.id.clone());
            if !source_ids.contains_key(cite.id.as_str()) {
                let hint = source_hints.hint(&cite.id);
                error(
                    cite.span.clone(),
                    format!("the citation `[@{}]` names no source", cite.id),
                    Some(hint),
                );
            }
        });
    }

    // Editorial warnings wait until the errors are fixed: a misspelt reference would
    // otherwise also show up as an unused source or actor.
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    for source in &brief.sources {
        if !source.id.value.is_empty() && !cited.contains(&source.id.value) {
            diagnostics.push(
                Diagnostic::warning(format!("the source `{}` is never cited", source.id.value))
                    .at(file, source.id.span.clone())
                    .hint(format!("cite it in the text as [@{}] or list it in a timeline event's `sources`; it is still printed among the sources", source.id.value)),
            );
        }
    }
    for actor in &brief.actors {
        if !actor.id.value.is_empty()
            && !brief.timeline.is_empty()
            && !in_timeline.contains(&actor.id.value)
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
            .at(file, pair[1].date.span.clone())
            .hint(
                "the printed timeline is sorted by date; sort the file too to keep it easy to edit",
            ),
        );
    }
}

/// Collects ids, reporting each duplicate at its second use.
fn unique_ids<'a>(
    file: &SourceFile,
    ids: impl Iterator<Item = &'a Str>,
    what: &str,
    error: &mut impl FnMut(std::ops::Range<usize>, String, Option<String>),
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

/// How many ids a "did you mean" may compare in all, per table of ids: every look-up compares
/// the unknown id with each known one, so thousands of dangling references to thousands of
/// ids would take quadratic time. Past the budget the hint names no close id.
pub(crate) const COMPARISON_BUDGET: usize = 20_000;

/// How many ids a hint lists when none is close.
const LISTED_IDS: usize = 10;

/// The hints for references to ids that do not exist, in time linear in the brief: the ids
/// are sorted once, each unknown id is looked up once, and the look-ups share a budget.
struct Suggestions<'a> {
    /// The known ids, sorted.
    names: Vec<&'a str>,
    table: &'static str,
    comparisons_left: usize,
    hints: HashMap<String, String>,
}

impl<'a> Suggestions<'a> {
    fn new(known: &HashMap<&'a str, &'a Str>, table: &'static str) -> Self {
        let mut names: Vec<&str> = known.keys().copied().collect();
        names.sort_unstable();
        Self {
            names,
            table,
            comparisons_left: COMPARISON_BUDGET,
            hints: HashMap::new(),
        }
    }

    fn hint(&mut self, id: &str) -> String {
        if let Some(hint) = self.hints.get(id) {
            return hint.clone();
        }
        let (names, table) = (&self.names, self.table);
        let close = if names.len() <= self.comparisons_left {
            self.comparisons_left -= names.len();
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
    out
}
