//! The redline marks what the summary lists: for generated pairs of briefs (headings, titles
//! and bodies edited with apostrophes, quotes, dashes, emphasis and links), every change that
//! `brief diff --format json` lists is marked in the redline PDF: its tag and its deleted words
//! are read back from the pages. Raise the cases with `PROPTEST_CASES`.

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use serde_json::Value;

use crate::support::Test;

/// Words with what typography changes: apostrophes, both quotes, dashes, and rich text.
const WORDS: &[&str] = &[
    "the",
    "port's",
    "\"grain\"",
    "'deal'",
    "--",
    "---",
    "don't",
    "Moscow's",
    "calm",
    "ships",
    "route",
    "O'Neill",
    "lane",
    "risk",
];
/// What only rich text may hold.
const RICH: &[&str] = &[
    "*steady*",
    "**firm**",
    "[the lane](https://example.org/lane)",
];

/// An edit of a list of words.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    Replace(usize, String),
    Insert(usize, String),
    Delete(usize),
}

fn edit(words: &'static [&'static str]) -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => Just(Edit::Keep),
        2 => (0usize..16, select(words)).prop_map(|(i, w)| Edit::Replace(i, w.to_string())),
        2 => (0usize..16, select(words)).prop_map(|(i, w)| Edit::Insert(i, w.to_string())),
        1 => (0usize..16).prop_map(Edit::Delete),
    ]
}

fn apply(words: &[String], edit: &Edit) -> Vec<String> {
    let mut out = words.to_vec();
    match edit {
        Edit::Keep => {}
        Edit::Replace(i, w) => {
            let i = i % out.len();
            out[i] = w.clone();
        }
        Edit::Insert(i, w) => out.insert(i % (out.len() + 1), w.clone()),
        Edit::Delete(i) => {
            if out.len() > 2 {
                out.remove(i % out.len());
            }
        }
    }
    out
}

/// A field's text before and after its edit.
fn field(words: &'static [&'static str]) -> impl Strategy<Value = (String, String)> {
    (prop::collection::vec(select(words), 2..7), edit(words)).prop_map(|(old, edit)| {
        let old: Vec<String> = old.into_iter().map(str::to_string).collect();
        let new = apply(&old, &edit);
        (old.join(" "), new.join(" "))
    })
}

fn all_words() -> &'static [&'static str] {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| WORDS.iter().chain(RICH).copied().collect())
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The brief with its edited fields: a section's heading and body, a recommendation's title
/// and body, an event's title and description, the summary.
fn brief(fields: &[String; 7]) -> String {
    let [heading, body, title, rec_body, event, description, summary] =
        fields.each_ref().map(|f| quoted(f));
    format!(
        r#"title = "Grain corridors"
date = 2023-09-01

[summary]
text = {summary}

[[sections]]
heading = "How the corridor works"
body = "Ships sail close to the coasts, inside NATO waters."

[[sections]]
heading = {heading}
body = {body}

[[actors]]
id = "russia"
name = "Russia"
kind = "state"

[[timeline]]
date = 2023-07-17
title = {event}
description = {description}
actors = ["russia"]

[[recommendations]]
title = {title}
body = {rec_body}
"#
    )
}

/// Words as they can be read back from the page: no rich-text syntax, no link targets, and
/// neither spaces nor hyphens (lines may break inside a word).
fn readable(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        plain.push_str(&rest[..at]);
        rest = rest[at..].split_once(')').map_or("", |(_, after)| after);
    }
    plain.push_str(rest);
    plain
        .replace(['*', '['], "")
        .split_whitespace()
        .map(squeezed)
        .filter(|w| !w.is_empty())
        .collect()
}

fn squeezed(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{AD}')
        .collect()
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_listed_change_is_marked_on_the_page(
        heading in field(WORDS),
        body in field(all_words()),
        title in field(WORDS),
        rec_body in field(all_words()),
        event in field(WORDS),
        description in field(all_words()),
        summary in field(all_words()),
    ) {
        let pairs = [heading, body, title, rec_body, event, description, summary];
        let old = brief(&pairs.clone().map(|(o, _)| o));
        let new = brief(&pairs.map(|(_, n)| n));
        let json = Test::new()
            .file("old.toml", &old)
            .file("new.toml", &new)
            .args(&["diff", "old.toml", "new.toml", "--format", "json"])
            .any_stdout()
            // A generated text may be a rule (`--- ---`), which the new version warns of.
            .any_stderr()
            .run()
            .stdout;
        let out = Test::new()
            .file("old.toml", &old)
            .file("new.toml", &new)
            .args(&["diff", "old.toml", "new.toml", "-o", "redline.pdf"])
            .any_stderr()
            .run();
        let text = out.pdf("redline.pdf").text();
        // The summary of the changes opens page 1 and names them too; the paper itself starts
        // with the masthead's date.
        let (summary_box, paper) = text
            .split_once("1 September 2023")
            .expect("the masthead's date");
        let body_text = squeezed(paper);
        let summary_page = squeezed(summary_box);
        let summary: Value = serde_json::from_str(&json).unwrap();
        let changes = summary["changes"].as_array().unwrap();
        let mut tags = std::collections::HashMap::new();
        for change in changes {
            let status = change["status"].as_str().unwrap();
            // Every change is listed in the summary under its name.
            let item = squeezed(change["item"].as_str().unwrap());
            prop_assert!(summary_page.contains(&item), "{item} not in the summary: {summary_box}");
            if change["kind"] != "metadata" {
                *tags.entry(status.to_uppercase()).or_insert(0) += 1;
            }
            for field in change["fields"].as_array().into_iter().flatten() {
                for piece in field["words"].as_array().unwrap() {
                    if piece["kind"] != "deleted" {
                        continue;
                    }
                    for word in readable(piece["text"].as_str().unwrap()) {
                        prop_assert!(
                            body_text.contains(&word),
                            "the deleted {word:?} of {} is not on the page:\n{paper}",
                            change["item"],
                        );
                    }
                }
            }
        }
        // Each changed item carries its tag in the text.
        for (tag, count) in tags {
            let found = paper.matches(tag.as_str()).count();
            prop_assert!(found >= count, "{count} × {tag} listed, {found} on the pages:\n{paper}");
        }
    }
}
