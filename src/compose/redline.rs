//! The data of a redline: the new version of a brief as the template reads it (`data::build`),
//! with the changes from the old version marked on it. Every mark is attached to the item the
//! comparison found, by its identity (its place in the brief's list of its kind), never found
//! again by its text: rich text gets `ins` and `del` nodes around the words that came and went
//! (inside them the usual emphasis, links and citations); an item gets `change` ("added",
//! "removed", "changed", "moved") and a `mark` number that the change summary on page 1 points
//! at; removed items are put back, with all their text deleted. The brief's text stays data:
//! the marks are more nodes of the same tree.

use serde_json::{Map, Value, json};
use similar::{Algorithm, DiffTag, capture_diff_slices};

use std::collections::{HashMap, HashSet};

use crate::brief::diff::{Change, Changes, FieldChange, Kind, Status};
use crate::brief::model::Brief;
use crate::compose::cite;
use crate::compose::data::{self, Document, Print};

/// A redline to typeset: the two versions, what changed, and the names they are known by.
pub struct Redline<'a> {
    pub old: &'a Brief,
    pub new: &'a Brief,
    pub changes: &'a Changes,
    /// The old and the new version's names, as the summary page gives them.
    pub names: (&'a str, &'a str),
}

impl Redline<'_> {
    /// The template's data for the redline, as JSON.
    pub fn data(&self, print: &Print) -> Vec<u8> {
        build(self, print)
    }
}

/// The identities of a document's items, in the order the data lists them.
struct Places {
    sections: Vec<usize>,
    actors: Vec<usize>,
    events: Vec<usize>,
    recommendations: Vec<usize>,
    figures: Vec<usize>,
}

impl Places {
    fn of(document: &Document) -> Self {
        Self {
            sections: document.sections.iter().map(|s| s.index).collect(),
            actors: document
                .actor_groups
                .iter()
                .flat_map(|g| g.actors.iter().map(|a| a.index))
                .collect(),
            events: document.timeline.iter().map(|e| e.index).collect(),
            recommendations: document.recommendations.iter().map(|r| r.index).collect(),
            figures: document.figures.iter().map(|f| f.index).collect(),
        }
    }
}

/// One list of items to mark: the old version's items and identities, and the new version's.
struct List<'a> {
    kind: Kind,
    old: &'a [Value],
    old_places: &'a [usize],
    new_places: &'a [usize],
    /// Fields of rich text, marked word by word.
    rich_fields: &'a [&'a str],
    /// A plain field shown marked when it changed (`heading`, `title`).
    title_field: Option<&'a str>,
}

fn build(redline: &Redline<'_>, print: &Print) -> Vec<u8> {
    let Redline {
        old, new, changes, ..
    } = *redline;
    // The old version's references as the new style formats them, so that a reference is
    // compared on its words alone.
    let before_document = data::build(&cite::in_style_of(old, new), print, None);
    let after_document = data::build(new, print, None);
    let (old_places, new_places) = (Places::of(&before_document), Places::of(&after_document));
    let before = serde_json::to_value(before_document).expect("plain data");
    let mut after = serde_json::to_value(after_document).expect("plain data");
    let mut marks = Marks::default();
    mark_summary(changes, &before, &mut after, &mut marks);
    mark_items(
        changes,
        (&before, &old_places),
        (&mut after, &new_places),
        &mut marks,
    );
    mark_figures(
        changes,
        (array(&before["figures"]), &old_places.figures),
        &new_places.figures,
        &mut marks,
        &mut after["figures"],
    );
    mark_references(changes, &before, &mut after, &mut marks);
    // What is not marked in the text is still listed on the summary page.
    for change in &changes.changes {
        if !marks.listed(change) {
            marks.add(change, None);
        }
    }
    add_summary_page(redline, marks, &mut after);
    serde_json::to_vec(&after).expect("plain data")
}

/// The summary: its text and key points, marked word by word.
fn mark_summary(changes: &Changes, before: &Value, after: &mut Value, marks: &mut Marks) {
    let Some(change) = changes
        .changes
        .iter()
        .find(|c| c.kind == Kind::Summary && c.status != Status::Removed)
    else {
        return;
    };
    let n = marks.add(change, None);
    let summary = &mut after["summary"];
    summary["mark"] = n.into();
    summary["change"] = "changed".into();
    summary["text"] = Value::Array(blocks(
        array(&before["summary"]["text"]),
        array(&summary["text"]),
    ));
    let old_points: Vec<Value> = array(&before["summary"]["key_points"]).to_vec();
    let new_points: Vec<Value> = array(&summary["key_points"]).to_vec();
    summary["key_points"] = Value::Array(paired(&old_points, &new_points, |o, n| match (o, n) {
        (Some(o), Some(n)) => Value::Array(inlines(array(o), array(n))),
        (None, Some(n)) => Value::Array(vec![wrap("ins", array(n).to_vec())]),
        (Some(o), None) => Value::Array(vec![wrap("del", array(o).to_vec())]),
        (None, None) => Value::Null,
    }));
}

/// The sections, actors, timeline events and recommendations, in the order the summary page
/// lists their changes.
fn mark_items(
    changes: &Changes,
    (before, old_places): (&Value, &Places),
    (after, new_places): (&mut Value, &Places),
    marks: &mut Marks,
) {
    let sections = List {
        kind: Kind::Section,
        old: array(&before["sections"]),
        old_places: &old_places.sections,
        new_places: &new_places.sections,
        rich_fields: &["body"],
        title_field: Some("heading"),
    };
    mark_list(changes, &sections, marks, &mut after["sections"]);
    // Actors, within their groups; a removed actor goes back into its old group.
    let old_actors = grouped_actors(&before["actor_groups"]);
    let mut new_actors = Value::Array(grouped_actors(&after["actor_groups"]));
    let actors = List {
        kind: Kind::Actor,
        old: &old_actors,
        old_places: &old_places.actors,
        new_places: &new_places.actors,
        rich_fields: &["description"],
        title_field: Some("name"),
    };
    mark_list(changes, &actors, marks, &mut new_actors);
    after["actor_groups"] = regroup(&before["actor_groups"], &after["actor_groups"], new_actors);
    let events = List {
        kind: Kind::Event,
        old: array(&before["timeline"]),
        old_places: &old_places.events,
        new_places: &new_places.events,
        rich_fields: &["description"],
        title_field: Some("title"),
    };
    mark_list(changes, &events, marks, &mut after["timeline"]);
    let recommendations = List {
        kind: Kind::Recommendation,
        old: array(&before["recommendations"]),
        old_places: &old_places.recommendations,
        new_places: &new_places.recommendations,
        rich_fields: &["body"],
        title_field: Some("title"),
    };
    mark_list(
        changes,
        &recommendations,
        marks,
        &mut after["recommendations"],
    );
}

/// The summary page's data (`redline`): the versions' names, the changes counted, and each
/// change listed with its mark.
fn add_summary_page(redline: &Redline<'_>, marks: Marks, after: &mut Value) {
    let changes = redline.changes;
    let (old_name, new_name) = redline.names;
    let tally = changes.tally();
    // The same counts as data, for a template to word in the brief's language.
    let counts: Vec<Value> = changes
        .counts()
        .into_iter()
        .map(|(kind, status, n)| json!({"kind": kind.name(), "status": status.name(), "n": n}))
        .collect();
    let object = after.as_object_mut().expect("the document is an object");
    object.insert(
        "redline".into(),
        json!({
            "old": old_name,
            "new": new_name,
            "tally": tally,
            "counts": counts,
            "related": changes.related,
            "changes": marks.entries,
        }),
    );
}

/// The changes listed on the summary page, each with the number its item is marked by.
#[derive(Default)]
struct Marks {
    entries: Vec<Value>,
    listed: Vec<(Kind, Option<usize>, Option<usize>)>,
}

impl Marks {
    /// Lists `change`, marked on `item` (the data of the item it marks, whose date an event's
    /// entry shows as the paper prints dates).
    fn add(&mut self, change: &Change, item: Option<&Value>) -> usize {
        let n = self.entries.len() + 1;
        let when = item
            .filter(|_| change.kind == Kind::Event)
            .map(|item| json!({"date": item["date"], "end": item["end"]}));
        self.entries.push(json!({
            "mark": n,
            "kind": change.kind.name(),
            "item": change.item,
            "id": change.id,
            "when": when,
            "status": change.status.name(),
            "moved": change.moved,
            "renamed_from": change.renamed_from,
        }));
        self.listed.push((change.kind, change.old, change.new));
        n
    }

    fn listed(&self, change: &Change) -> bool {
        self.listed.contains(&(change.kind, change.old, change.new))
    }
}

/// The references that changed, by the key they are cited by, from the changes listed.
fn changed_keys(changes: &Changes) -> HashSet<&str> {
    changes
        .changes
        .iter()
        .filter(|c| c.kind == Kind::Source && c.status == Status::Changed)
        .filter_map(|c| c.id.as_deref())
        .collect()
}

/// Marks the reference list of a brief with a citation style: a changed entry compared word
/// by word, an added one inserted, a removed one put back deleted where it stood, each with its
/// mark; and every citation of a changed reference marked as changed.
fn mark_references(changes: &Changes, before: &Value, after: &mut Value, marks: &mut Marks) {
    let old = array(&before["citations"]["references"]).to_vec();
    let changed = changed_keys(changes);
    // (`get_mut`, not indexing: indexing would add the keys to a paper without them.)
    if let Some(references) = after
        .get_mut("citations")
        .and_then(|c| c.get_mut("references"))
        .and_then(Value::as_array_mut)
    {
        let of_kind = || changes.changes.iter().filter(|c| c.kind == Kind::Source);
        for (place, entry) in references.iter_mut().enumerate() {
            let Some(change) = of_kind().find(|c| c.new == Some(place)) else {
                continue;
            };
            let n = marks.add(change, Some(&*entry));
            let Some(object) = entry.as_object_mut() else {
                continue;
            };
            object.insert("change".into(), change.status.name().into());
            object.insert("mark".into(), n.into());
            let content = array(&object["content"]).to_vec();
            let marked = match (change.status, change.old.and_then(|o| old.get(o))) {
                (Status::Added, _) => vec![wrap("ins", content)],
                (_, Some(before)) => inlines(array(&before["content"]), &content),
                _ => content,
            };
            object.insert("content".into(), Value::Array(marked));
        }
        // Removed entries, back after the entry that preceded them.
        let new_of_old: HashMap<usize, usize> = changes
            .matched
            .iter()
            .filter(|(kind, _, _)| *kind == Kind::Source)
            .map(|(_, o, n)| (*o, *n))
            .collect();
        for change in of_kind().filter(|c| c.status == Status::Removed) {
            let Some(at_old) = change.old else { continue };
            let Some(mut entry) = old.get(at_old).cloned() else {
                continue;
            };
            let n = marks.add(change, Some(&entry));
            if let Some(object) = entry.as_object_mut() {
                object.insert("change".into(), "removed".into());
                object.insert("mark".into(), n.into());
                let content = array(&object["content"]).to_vec();
                object.insert("content".into(), Value::Array(vec![wrap("del", content)]));
            }
            let position = (0..at_old)
                .rev()
                .find_map(|o| new_of_old.get(&o).copied())
                .map_or(0, |p| p + 1);
            let position = position + inserted_before(references, position);
            references.insert(position.min(references.len()), entry);
        }
    }
    if !changed.is_empty() {
        mark_citations(after, &changed);
    }
}

/// Marks as changed every citation (a `citation` inline, anywhere in the data) that cites one
/// of `keys`.
fn mark_citations(value: &mut Value, keys: &HashSet<&str>) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| mark_citations(v, keys)),
        Value::Object(object) => {
            if object.get("kind").and_then(Value::as_str) == Some("citation") {
                let cites_changed = object
                    .get("keys")
                    .and_then(Value::as_array)
                    .is_some_and(|k| k.iter().filter_map(Value::as_str).any(|k| keys.contains(k)));
                if cites_changed {
                    object.insert("changed".into(), true.into());
                }
                return;
            }
            for (key, v) in object.iter_mut() {
                // The list itself is marked entry by entry.
                if key != "citations" {
                    mark_citations(v, keys);
                }
            }
        }
        _ => {}
    }
}

/// The references of a brief with a citation style compared between two versions, on their
/// formatted text in the new version's style: each printed entry is matched by its key, and
/// one whose words differ is changed. Their places are those of the two reference lists. For
/// a brief without a citation style, none: its `[[sources]]` are compared field by field.
pub fn reference_changes(old: &Brief, new: &Brief) -> (Vec<Change>, Vec<(usize, usize)>) {
    if new.citation_style().is_none() {
        return (vec![], vec![]);
    }
    // The paper's size changes no word of a reference.
    let print = &Print {
        paper: crate::brief::model::Paper::A4,
        bleed_mm: 0.0,
        booklet: false,
    };
    let list = |brief: &Brief| {
        data::build(brief, print, None)
            .citations
            .map(|c| c.references)
            .unwrap_or_default()
    };
    let before = list(&cite::in_style_of(old, new));
    let after = list(new);
    let title = |brief: &Brief, key: &str| -> String {
        let item = brief.library.get(key).map(|r| &r.item);
        item.and_then(|i| i.0.get("title"))
            .and_then(|t| t.to_str())
            .map(|t| t.into_owned())
            .or_else(|| {
                brief
                    .sources
                    .iter()
                    .find(|s| s.id.value == key)
                    .map(|s| s.title.value.clone())
            })
            .unwrap_or_else(|| key.to_string())
    };
    let old_places: HashMap<&str, usize> = before
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.as_str(), i))
        .collect();
    let mut changes = vec![];
    let mut matched = vec![];
    let mut seen = HashSet::new();
    for (n, entry) in after.iter().enumerate() {
        seen.insert(entry.key.as_str());
        let change = |status, old: Option<usize>, fields| Change {
            kind: Kind::Source,
            item: title(new, &entry.key),
            id: Some(entry.key.clone()),
            date: None,
            status,
            moved: false,
            renamed_from: None,
            fields,
            old,
            new: Some(n),
        };
        match old_places.get(entry.key.as_str()) {
            None => changes.push(change(Status::Added, None, vec![])),
            Some(&o) => {
                matched.push((o, n));
                let (was, is) = (cite::plain(&before[o].content), cite::plain(&entry.content));
                if was != is {
                    let field = FieldChange {
                        field: "reference".into(),
                        old: was,
                        new: is,
                    };
                    changes.push(change(Status::Changed, Some(o), vec![field]));
                }
            }
        }
    }
    for (o, entry) in before.iter().enumerate() {
        if !seen.contains(entry.key.as_str()) {
            changes.push(Change {
                kind: Kind::Source,
                item: title(old, &entry.key),
                id: Some(entry.key.clone()),
                date: None,
                status: Status::Removed,
                moved: false,
                renamed_from: None,
                fields: vec![],
                old: Some(o),
                new: None,
            });
        }
    }
    (changes, matched)
}

/// Every actor of the groups in order, each noting the group it is in.
fn grouped_actors(groups: &Value) -> Vec<Value> {
    array(groups)
        .iter()
        .flat_map(|g| {
            array(&g["actors"])
                .iter()
                .map(|a| with(a, "group", g["kind"].clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn with(value: &Value, key: &str, extra: Value) -> Value {
    let mut value = value.clone();
    if let Some(object) = value.as_object_mut() {
        object.insert(key.into(), extra);
    }
    value
}

/// Marks the items of one list: each changed one gets its `change`, its `mark` and its rich
/// fields compared word by word (and its title field as `<field>_marked` inlines when it
/// changed); each removed one is put back after the item that preceded it in the old list.
fn mark_list(changes: &Changes, list: &List<'_>, marks: &mut Marks, new: &mut Value) {
    let Some(items) = new.as_array_mut() else {
        return;
    };
    let of_kind = || changes.changes.iter().filter(|c| c.kind == list.kind);
    for (place, item) in items.iter_mut().enumerate() {
        let Some(&index) = list.new_places.get(place) else {
            continue;
        };
        let Some(change) = of_kind().find(|c| c.new == Some(index)) else {
            continue;
        };
        let n = marks.add(change, Some(&*item));
        let object = item.as_object_mut().expect("items are objects");
        object.insert("change".into(), change.status.name().into());
        object.insert("moved".into(), change.moved.into());
        object.insert("mark".into(), n.into());
        match change.status {
            Status::Added => {
                for field in list.rich_fields {
                    if let Some(Value::Array(blocks)) = object.get(*field) {
                        let wrapped = blocks.iter().map(|b| wrap_block("ins", b)).collect();
                        object.insert((*field).into(), Value::Array(wrapped));
                    }
                }
            }
            Status::Changed | Status::Moved => {
                let Some(before) = change
                    .old
                    .and_then(|o| list.old_places.iter().position(|p| *p == o))
                    .and_then(|at| list.old.get(at))
                else {
                    continue;
                };
                for field in list.rich_fields {
                    let marked = blocks(array(&before[*field]), array(&object[*field]));
                    if !object[*field].is_null() || !before[*field].is_null() {
                        object.insert((*field).into(), Value::Array(marked));
                    }
                }
                if list.kind == Kind::Event {
                    mark_event(before, object);
                }
                if let Some(field) = list.title_field
                    && before[field] != object[field]
                {
                    let text = |v: &Value| {
                        vec![json!({"kind": "text", "text": v.as_str().unwrap_or_default()})]
                    };
                    let marked = inlines(&text(&before[field]), &text(&object[field]));
                    object.insert(format!("{field}_marked"), Value::Array(marked));
                }
            }
            Status::Removed => {}
        }
    }
    // Removed items, back where they were: after the old item before them that is still there.
    let new_of_old = |old: usize| {
        changes
            .matched
            .iter()
            .find(|(kind, o, _)| *kind == list.kind && *o == old)
            .map(|(_, _, n)| *n)
    };
    for change in of_kind().filter(|c| c.status == Status::Removed) {
        let Some(at_old) = change
            .old
            .and_then(|o| list.old_places.iter().position(|p| *p == o))
        else {
            continue;
        };
        let Some(mut item) = list.old.get(at_old).cloned() else {
            continue;
        };
        let n = marks.add(change, Some(&item));
        if let Some(object) = item.as_object_mut() {
            object.insert("change".into(), "removed".into());
            object.insert("mark".into(), n.into());
            for field in list.rich_fields {
                if let Some(Value::Array(blocks)) = object.get(*field) {
                    let wrapped = blocks.iter().map(|b| wrap_block("del", b)).collect();
                    object.insert((*field).into(), Value::Array(wrapped));
                }
            }
        }
        // The new place of the nearest old item before it that is still there; a removed
        // item put back earlier counts too, so that neighbours stay in their old order.
        let position = list.old_places[..at_old]
            .iter()
            .rev()
            .find_map(|&o| {
                let n = new_of_old(o)?;
                list.new_places.iter().position(|p| *p == n)
            })
            .map_or(0, |p| p + 1);
        let position = position + inserted_before(items, position);
        items.insert(position.min(items.len()), item);
    }
}

/// How many removed items were already put back at or before `position` of the new list's
/// own items, so that a place counted in the new list lands right in the grown one.
fn inserted_before(items: &[Value], position: usize) -> usize {
    let mut own = 0;
    let mut extra = 0;
    for item in items {
        if own >= position {
            break;
        }
        if item["change"] == "removed" {
            extra += 1;
        } else {
            own += 1;
        }
    }
    extra
}

/// Marks the figures: an added one as added (its caption inserted), a changed one with its
/// caption compared word by word and each changed cell of a table (`table.marks`) or value
/// of a chart (`chart.marks`) listed with its old text. A removed figure is listed on the
/// summary page only: a table or chart of the old version printed among the new one's would
/// be numbered, and referred to, as neither.
fn mark_figures(
    changes: &Changes,
    (old, old_places): (&[Value], &[usize]),
    new_places: &[usize],
    marks: &mut Marks,
    new: &mut Value,
) {
    let Some(items) = new.as_array_mut() else {
        return;
    };
    for (place, item) in items.iter_mut().enumerate() {
        let Some(&index) = new_places.get(place) else {
            continue;
        };
        let Some(change) = changes
            .changes
            .iter()
            .find(|c| c.kind == Kind::Figure && c.new == Some(index))
        else {
            continue;
        };
        let n = marks.add(change, None);
        let before = change
            .old
            .and_then(|o| old_places.iter().position(|p| *p == o))
            .and_then(|at| old.get(at));
        let object = item.as_object_mut().expect("figures are objects");
        object.insert("change".into(), change.status.name().into());
        object.insert("moved".into(), change.moved.into());
        object.insert("mark".into(), n.into());
        match (change.status, before) {
            (Status::Added, _) => {
                let caption = array(&object["caption"]).to_vec();
                object.insert("caption".into(), Value::Array(vec![wrap("ins", caption)]));
            }
            (Status::Changed | Status::Moved, Some(before)) => {
                for field in ["caption", "source", "note"] {
                    if before[field] != object[field] {
                        let marked = inlines(array(&before[field]), array(&object[field]));
                        object.insert(field.into(), Value::Array(marked));
                    }
                }
                if let Some(table) = object.get_mut("table").and_then(Value::as_object_mut) {
                    let marks = cell_marks(&before["table"], table);
                    mark_cells(table, &marks);
                    table.insert("marks".into(), Value::Array(marks));
                }
                if let Some(chart) = object.get_mut("chart").and_then(Value::as_object_mut) {
                    chart.insert(
                        "marks".into(),
                        Value::Array(value_marks(&before["chart"], chart)),
                    );
                }
            }
            _ => {}
        }
    }
}

/// The cells of a changed table that differ from the old version: rows paired by a diff of
/// the rows (an inserted row is new, not a change of every row after it), each changed cell
/// with its row and column in the new table and its old text (null in a new row).
fn cell_marks(before: &Value, table: &Map<String, Value>) -> Vec<Value> {
    let rows = |v: &Value| -> Vec<Vec<String>> {
        array(v)
            .iter()
            .map(|r| {
                array(r)
                    .iter()
                    .map(|c| c.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .collect()
    };
    let (old, new) = (rows(&before["rows"]), rows(&table["rows"]));
    let mut marks = vec![];
    for (o, n) in crate::brief::diff::changed_rows(&old, &new) {
        let Some(n) = n else { continue };
        for (column, cell) in new[n].iter().enumerate() {
            let was = o.and_then(|o| old[o].get(column));
            if was != Some(cell) {
                marks.push(json!({"row": n, "column": column, "old": was}));
            }
        }
    }
    marks
}

/// Each changed cell of a table as inline nodes, its words compared with the old cell's (a
/// cell of a new row all inserted), as the template prints rich text in a redline.
fn mark_cells(table: &mut Map<String, Value>, marks: &[Value]) {
    let text = |v: &Value| vec![json!({"kind": "text", "text": v.as_str().unwrap_or_default()})];
    for mark in marks {
        let (Some(row), Some(column)) = (mark["row"].as_u64(), mark["column"].as_u64()) else {
            continue;
        };
        let Some(cell) = table
            .get_mut("rows")
            .and_then(|rows| rows.get_mut(row as usize))
            .and_then(|row| row.get_mut(column as usize))
        else {
            continue;
        };
        let marked = match &mark["old"] {
            Value::Null => vec![wrap("ins", text(cell))],
            old => inlines(&text(old), &text(cell)),
        };
        *cell = Value::Array(marked);
    }
}

/// The values of a changed chart that differ from the old version, by series (matched by
/// name) and label (matched by text): each with its old value label (null where it is new).
fn value_marks(before: &Value, chart: &Map<String, Value>) -> Vec<Value> {
    let labels = |v: &Value| -> Vec<String> {
        array(v)
            .iter()
            .map(|l| l.as_str().unwrap_or_default().to_string())
            .collect()
    };
    let (old_labels, new_labels) = (labels(&before["labels"]), labels(&chart["labels"]));
    let mut marks = vec![];
    for (s, series) in array(&chart["series"]).iter().enumerate() {
        let old_series = array(&before["series"])
            .iter()
            .find(|o| o["name"] == series["name"]);
        for (i, text) in array(&series["texts"]).iter().enumerate() {
            let was = old_series.and_then(|o| {
                let at = old_labels
                    .iter()
                    .position(|l| Some(l) == new_labels.get(i))?;
                array(&o["texts"]).get(at).cloned()
            });
            if was.as_ref() != Some(text) {
                marks.push(json!({"series": s, "index": i, "old": was}));
            }
        }
    }
    marks
}

/// The parts of a changed event that are not rich text: its date (the old one is kept to be
/// shown struck through) and the actors involved (marked word by word).
fn mark_event(before: &Value, event: &mut Map<String, Value>) {
    if before["date"] != event["date"] || before["end"] != event["end"] {
        event.insert("old_date".into(), before["date"].clone());
        event.insert("old_end".into(), before["end"].clone());
    }
    if before["actors"] != event["actors"] {
        let names = |v: &Value| {
            let list: Vec<&str> = array(v).iter().filter_map(Value::as_str).collect();
            vec![json!({"kind": "text", "text": list.join(", ")})]
        };
        let marked = inlines(&names(&before["actors"]), &names(&event["actors"]));
        event.insert("actors_marked".into(), Value::Array(marked));
    }
}

/// Puts the marked actors back into groups, in the order of the new groups (then any group
/// only the old version had).
fn regroup(old_groups: &Value, new_groups: &Value, actors: Value) -> Value {
    let mut kinds: Vec<Value> = array(new_groups)
        .iter()
        .map(|g| g["kind"].clone())
        .collect();
    for group in array(old_groups) {
        if !kinds.contains(&group["kind"]) {
            kinds.push(group["kind"].clone());
        }
    }
    let groups: Vec<Value> = kinds
        .into_iter()
        .map(|kind| {
            let members: Vec<Value> = array(&actors)
                .iter()
                .filter(|a| a["group"] == kind)
                .map(|a| {
                    let mut a = a.clone();
                    if let Some(object) = a.as_object_mut() {
                        object.remove("group");
                    }
                    a
                })
                .collect();
            json!({"kind": kind, "actors": members})
        })
        .filter(|g| !array(&g["actors"]).is_empty())
        .collect();
    Value::Array(groups)
}

/// Pairs two lists by a diff of their contents: equal items once, replaced items pairwise,
/// the rest alone.
fn paired(
    old: &[Value],
    new: &[Value],
    mut f: impl FnMut(Option<&Value>, Option<&Value>) -> Value,
) -> Vec<Value> {
    let old_keys: Vec<String> = old.iter().map(Value::to_string).collect();
    let new_keys: Vec<String> = new.iter().map(Value::to_string).collect();
    let mut out = vec![];
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        let (o, n) = (op.old_range(), op.new_range());
        match op.tag() {
            DiffTag::Equal => out.extend(n.map(|i| new[i].clone())),
            DiffTag::Delete => out.extend(o.map(|i| f(Some(&old[i]), None))),
            DiffTag::Insert => out.extend(n.map(|i| f(None, Some(&new[i])))),
            DiffTag::Replace => {
                let (o, n) = (o.collect::<Vec<_>>(), n.collect::<Vec<_>>());
                for k in 0..o.len().max(n.len()) {
                    out.push(f(o.get(k).map(|&i| &old[i]), n.get(k).map(|&i| &new[i])));
                }
            }
        }
    }
    out
}

/// Rich-text blocks compared: paragraphs word by word, lists item by item; a block only one
/// side has is inserted or deleted whole.
fn blocks(old: &[Value], new: &[Value]) -> Vec<Value> {
    paired(old, new, |o, n| match (o, n) {
        (Some(o), Some(n)) if o["kind"] == "para" && n["kind"] == "para" => json!({
            "kind": "para",
            "content": inlines(array(&o["content"]), array(&n["content"])),
        }),
        (Some(o), Some(n)) if o["kind"] == "list" && n["kind"] == "list" => {
            let items = paired(array(&o["items"]), array(&n["items"]), |oi, ni| {
                Value::Array(blocks(
                    oi.map(array).unwrap_or_default(),
                    ni.map(array).unwrap_or_default(),
                ))
            });
            with(n, "items", Value::Array(items))
        }
        (Some(o), Some(n)) => json!({"kind": "para", "content": [
            wrap("del", block_inlines(o)), wrap("ins", block_inlines(n))
        ]}),
        (Some(o), None) => wrap_block("del", o),
        (None, Some(n)) => wrap_block("ins", n),
        (None, None) => Value::Null,
    })
}

/// The inlines of a block, for a paragraph that replaced a list or the other way round.
fn block_inlines(block: &Value) -> Vec<Value> {
    match block["kind"].as_str() {
        Some("para") => array(&block["content"]).to_vec(),
        _ => array(&block["items"])
            .iter()
            .flat_map(|item| {
                array(item)
                    .iter()
                    .flat_map(block_inlines)
                    .collect::<Vec<_>>()
            })
            .collect(),
    }
}

/// A whole block inserted or deleted: each paragraph's content wrapped.
fn wrap_block(kind: &str, block: &Value) -> Value {
    match block["kind"].as_str() {
        Some("para") => with(
            block,
            "content",
            Value::Array(vec![wrap(kind, array(&block["content"]).to_vec())]),
        ),
        Some("list") => {
            let items = array(&block["items"])
                .iter()
                .map(|item| Value::Array(array(item).iter().map(|b| wrap_block(kind, b)).collect()))
                .collect();
            with(block, "items", Value::Array(items))
        }
        _ => block.clone(),
    }
}

fn wrap(kind: &str, content: Vec<Value>) -> Value {
    json!({"kind": kind, "content": content})
}

/// One word, space or atom (a citation, a line break) of rich text, with the emphasis, strong
/// and links around it (outermost first, each without its content).
#[derive(Clone, PartialEq)]
struct Atom {
    styles: Vec<Value>,
    token: Value,
}

fn atoms(content: &[Value], styles: &mut Vec<Value>, out: &mut Vec<Atom>) {
    for inline in content {
        match inline["kind"].as_str() {
            Some("text") => {
                let text = inline["text"].as_str().unwrap_or_default();
                for token in tokens(text) {
                    out.push(Atom {
                        styles: styles.clone(),
                        token: json!({"kind": "text", "text": token}),
                    });
                }
            }
            Some("emph" | "strong" | "link" | "ins" | "del") => {
                let mut style = inline.clone();
                if let Some(object) = style.as_object_mut() {
                    object.remove("content");
                }
                styles.push(style);
                atoms(array(&inline["content"]), styles, out);
                styles.pop();
            }
            _ => out.push(Atom {
                styles: styles.clone(),
                token: inline.clone(),
            }),
        }
    }
}

/// Words and the spaces between them, each its own token.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut start = 0;
    let mut space = None;
    for (i, c) in text.char_indices() {
        let is_space = c.is_whitespace();
        if space.is_some_and(|s| s != is_space) {
            out.push(&text[start..i]);
            start = i;
        }
        space = Some(is_space);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Inline content compared word by word: the words of the new version, with the deleted ones
/// of the old put back, each run of changes in a `del` or `ins` node, styles kept inside.
fn inlines(old: &[Value], new: &[Value]) -> Vec<Value> {
    let (mut a, mut b) = (vec![], vec![]);
    atoms(old, &mut vec![], &mut a);
    atoms(new, &mut vec![], &mut b);
    // A citation is the same citation while the brief writes it the same: its note's number
    // and words follow from what comes before it (and a changed reference marks it itself).
    let key = |atom: &Atom| match atom.token["kind"].as_str() {
        Some("citation") => format!("{:?}citation {}", atom.styles, atom.token["cites"]),
        _ => format!("{:?}{}", atom.styles, atom.token),
    };
    let old_keys: Vec<String> = a.iter().map(key).collect();
    let new_keys: Vec<String> = b.iter().map(key).collect();
    let mut runs: Vec<(Option<&str>, Vec<Atom>)> = vec![];
    // The deletions and insertions since the last unchanged words, flushed as one of each.
    let (mut deleted, mut inserted): (Vec<Atom>, Vec<Atom>) = (vec![], vec![]);
    let flush = |runs: &mut Vec<(Option<&str>, Vec<Atom>)>,
                 deleted: &mut Vec<Atom>,
                 inserted: &mut Vec<Atom>| {
        if !deleted.is_empty() {
            runs.push((Some("del"), std::mem::take(deleted)));
        }
        if !inserted.is_empty() {
            runs.push((Some("ins"), std::mem::take(inserted)));
        }
    };
    let ops = capture_diff_slices(Algorithm::Patience, &old_keys, &new_keys);
    let is_space = |atom: &Atom| {
        atom.token["kind"] == "text"
            && atom.token["text"]
                .as_str()
                .is_some_and(|t| t.trim().is_empty())
    };
    for (k, op) in ops.iter().enumerate() {
        let (o, n) = (op.old_range(), op.new_range());
        let after_change = !deleted.is_empty() || !inserted.is_empty();
        let before_change = ops
            .get(k + 1)
            .is_some_and(|next| next.tag() != DiffTag::Equal);
        match op.tag() {
            // A space between two changes goes with them, so that "More than 20" replaced by
            // "Close to a" reads as one deletion and one insertion, not word against word.
            DiffTag::Equal
                if after_change && before_change && n.clone().all(|i| is_space(&b[i])) =>
            {
                deleted.extend(o.map(|i| a[i].clone()));
                inserted.extend(n.map(|i| b[i].clone()));
            }
            DiffTag::Equal => {
                flush(&mut runs, &mut deleted, &mut inserted);
                for i in n {
                    match runs.last_mut() {
                        Some((None, list)) => list.push(b[i].clone()),
                        _ => runs.push((None, vec![b[i].clone()])),
                    }
                }
            }
            DiffTag::Delete => deleted.extend(o.map(|i| a[i].clone())),
            DiffTag::Insert => inserted.extend(n.map(|i| b[i].clone())),
            DiffTag::Replace => {
                deleted.extend(o.map(|i| a[i].clone()));
                inserted.extend(n.map(|i| b[i].clone()));
            }
        }
    }
    flush(&mut runs, &mut deleted, &mut inserted);
    let mut out = vec![];
    for (status, list) in runs {
        let mut content = rebuild(&list, 0);
        if status == Some("del") {
            // A deleted note is set in the text, struck through: its number was the old
            // version's.
            unnote(&mut content);
        }
        match status {
            Some(kind) => out.push(wrap(kind, content)),
            None => out.extend(content),
        }
    }
    out
}

/// Citations printed in the text, not as notes.
fn unnote(content: &mut [Value]) {
    for inline in content {
        if inline["kind"] == "citation" {
            inline["note"] = Value::Null;
        } else if let Some(inner) = inline.get_mut("content").and_then(Value::as_array_mut) {
            unnote(inner);
        }
    }
}

/// The tree of a run of atoms: neighbours under the same style share one node, their words
/// one text node.
fn rebuild(atoms: &[Atom], depth: usize) -> Vec<Value> {
    let mut out: Vec<Value> = vec![];
    let mut i = 0;
    while i < atoms.len() {
        match atoms[i].styles.get(depth) {
            None => {
                let token = &atoms[i].token;
                match (out.last_mut(), token["kind"].as_str()) {
                    (Some(last), Some("text")) if last["kind"] == "text" => {
                        let joined = format!(
                            "{}{}",
                            last["text"].as_str().unwrap_or_default(),
                            token["text"].as_str().unwrap_or_default()
                        );
                        last["text"] = joined.into();
                    }
                    _ => out.push(token.clone()),
                }
                i += 1;
            }
            Some(style) => {
                let end = (i..atoms.len())
                    .find(|&j| atoms[j].styles.get(depth) != Some(style))
                    .unwrap_or(atoms.len());
                let mut node: Map<String, Value> = style.as_object().cloned().unwrap_or_default();
                node.insert(
                    "content".into(),
                    Value::Array(rebuild(&atoms[i..end], depth + 1)),
                );
                out.push(Value::Object(node));
                i = end;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Value {
        json!({"kind": "text", "text": t})
    }

    #[test]
    fn words_are_marked_and_emphasis_kept() {
        let old = vec![
            text("The route is "),
            json!({"kind": "emph", "content": [text("long and safe")]}),
        ];
        let new = vec![
            text("The route is "),
            json!({"kind": "emph", "content": [text("long but safe")]}),
        ];
        let marked = inlines(&old, &new);
        assert_eq!(
            Value::Array(marked),
            json!([
                text("The route is "),
                {"kind": "emph", "content": [text("long ")]},
                {"kind": "del", "content": [{"kind": "emph", "content": [text("and")]}]},
                {"kind": "ins", "content": [{"kind": "emph", "content": [text("but")]}]},
                {"kind": "emph", "content": [text(" safe")]},
            ])
        );
    }

    #[test]
    fn an_added_paragraph_is_inserted_whole() {
        let p = |t: &str| json!({"kind": "para", "content": [text(t)]});
        let marked = blocks(&[p("One.")], &[p("One."), p("Two.")]);
        assert_eq!(
            Value::Array(marked),
            json!([p("One."), {"kind": "para", "content": [{"kind": "ins", "content": [text("Two.")]}]}])
        );
    }
}
