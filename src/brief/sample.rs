//! Synthetic briefs for benchmarks and load tests: variants of the bundled example, each with
//! its own title and text so that no two share Typst's cached work, optionally with a long
//! generated timeline and many actors.

use toml::{Table, Value};

/// The bundled example brief, `briefs/belarus.toml`.
pub const EXAMPLE: &str = include_str!("../../briefs/belarus.toml");

/// The example's bibliography file, `briefs/belarus-references.json`, whose references a
/// variant carries as `[[sources]]`: a variant is one file, written anywhere.
const REFERENCES: &str = include_str!("../../briefs/belarus-references.json");

/// The example's references as `[[sources]]` entries: id, title, author, publisher, date and
/// address.
fn sources() -> Vec<Value> {
    let items: Vec<serde_json::Value> =
        serde_json::from_str(REFERENCES).expect("the example's references are CSL-JSON");
    items
        .iter()
        .map(|item| {
            let text = |key: &str| item[key].as_str().map(str::to_string);
            let mut source = Table::new();
            let mut put = |key: &str, value: Option<String>| {
                if let Some(value) = value {
                    source.insert(key.into(), Value::String(value));
                }
            };
            put("id", text("id"));
            put("title", text("title"));
            put(
                "author",
                item["author"].as_array().map(|names| {
                    names
                        .iter()
                        .map(|n| {
                            let given = n["given"].as_str().unwrap_or_default();
                            let family = n["family"].as_str().or(n["literal"].as_str());
                            format!("{given} {}", family.unwrap_or_default())
                                .trim()
                                .to_string()
                        })
                        .collect::<Vec<_>>()
                        .join(" and ")
                }),
            );
            put(
                "publisher",
                text("publisher").or_else(|| text("container-title")),
            );
            put(
                "date",
                item["issued"]["date-parts"][0].as_array().map(|parts| {
                    parts
                        .iter()
                        .filter_map(|p| p.as_i64())
                        .enumerate()
                        .map(|(i, p)| {
                            if i == 0 {
                                p.to_string()
                            } else {
                                format!("{p:02}")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("-")
                }),
            );
            put("url", text("URL"));
            Value::Table(source)
        })
        .collect()
}

/// The TOML text of variant `i` of the example.
pub fn variant_text(i: usize, events: Option<usize>, actors: Option<usize>) -> String {
    let base: Table = toml::from_str(EXAMPLE).expect("the example brief is valid TOML");
    toml::to_string(&variant(&base, i, events, actors)).expect("a brief serialises")
}

/// A copy of the brief whose every paragraph names the variant, so its layout is its own.
pub fn variant(base: &Table, i: usize, events: Option<usize>, actors: Option<usize>) -> Table {
    let mut brief = base.clone();
    if brief.remove("bibliography").is_some() {
        brief.insert("sources".into(), Value::Array(sources()));
    }
    let title = brief["title"].as_str().unwrap().to_string();
    brief.insert(
        "title".into(),
        Value::String(format!("{title} (variant {i})")),
    );
    if let Some(Value::Array(sections)) = brief.get_mut("sections") {
        for section in sections {
            if let Some(Value::String(body)) = section.get_mut("body") {
                *body = format!("Variant {i} of the analysis. {body}");
            }
        }
    }
    if let Some(count) = actors {
        let kinds = ["state", "person", "organization", "movement", "alliance"];
        let list: Vec<Value> = (0..count)
            .map(|a| {
                let mut actor = Table::new();
                actor.insert("id".into(), Value::String(format!("actor-{a}")));
                actor.insert(
                    "name".into(),
                    Value::String(format!("Actor {a} of variant {i}")),
                );
                actor.insert("kind".into(), Value::String(kinds[a % kinds.len()].into()));
                actor.insert("role".into(), Value::String(format!("Role number {a}")));
                actor.insert("stance".into(), Value::String("neutral".into()));
                Value::Table(actor)
            })
            .collect();
        brief.insert("actors".into(), Value::Array(list));
    }
    if let Some(count) = events {
        let actor_count = actors.unwrap_or(0);
        let list: Vec<Value> = (0..count)
            .map(|e| {
                let mut event = Table::new();
                let (year, month, day) = (1990 + e / 336, 1 + (e / 28) % 12, 1 + e % 28);
                event.insert(
                    "date".into(),
                    Value::String(format!("{year}-{month:02}-{day:02}")),
                );
                event.insert(
                    "title".into(),
                    Value::String(format!("Event {e} of variant {i}")),
                );
                event.insert(
                    "description".into(),
                    Value::String(format!(
                        "What happened in event {e}, described in one sentence [@leukavets-2022]."
                    )),
                );
                if actor_count > 0 {
                    // Two actors an event, spread so that every actor takes part in something.
                    let (first, second) = (e % actor_count, actor_count - 1 - e % actor_count);
                    let involved = vec![
                        Value::String(format!("actor-{first}")),
                        Value::String(format!("actor-{second}")),
                    ];
                    event.insert("actors".into(), Value::Array(involved));
                }
                Value::Table(event)
            })
            .collect();
        brief.insert("timeline".into(), Value::Array(list));
        if actors.is_none() {
            // Generated events name no actors; keep the actors out so no warnings are raised.
            brief.remove("actors");
        }
    }
    brief
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn a_variant_is_one_file_that_checks_clean() {
        let text = variant_text(3, Some(12), Some(6));
        assert!(!text.contains("bibliography"));
        let (brief, diagnostics) = crate::brief::load::load(&SourceFile::new("v.toml", text));
        assert!(brief.is_some());
        assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
    }
}
