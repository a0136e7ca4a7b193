//! Synthetic briefs for benchmarks and load tests: variants of the bundled example, each with
//! its own title and text so that no two share Typst's cached work, optionally with a long
//! generated timeline and many actors.

use toml::{Table, Value};

/// The bundled example brief, `briefs/belarus.toml`.
pub const EXAMPLE: &str = include_str!("../../briefs/belarus.toml");

/// The TOML text of variant `i` of the example.
pub fn variant_text(i: usize, events: Option<usize>, actors: Option<usize>) -> String {
    let base: Table = toml::from_str(EXAMPLE).expect("the example brief is valid TOML");
    toml::to_string(&variant(&base, i, events, actors)).expect("a brief serialises")
}

/// A copy of the brief whose every paragraph names the variant, so its layout is its own.
pub fn variant(base: &Table, i: usize, events: Option<usize>, actors: Option<usize>) -> Table {
    let mut brief = base.clone();
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
