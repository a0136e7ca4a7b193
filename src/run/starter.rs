//! `brief new`: a commented starter brief that passes `brief check` and typesets, whose first
//! line (`#:schema …`) points editors (Taplo's Even Better TOML, Tombi) at the format's JSON
//! Schema, so that they complete keys and show their documentation.

use std::path::{Path, PathBuf};

use crate::brief::format;
use crate::error::{Error, Failure};
use crate::exit::Status;
use crate::fs;
use crate::run::pipeline::{Input, Session};
use crate::run::runner::{self, Edit, Job};

/// Where the repository of `brief` keeps the schema, relative to its root; a brief in such a
/// tree (or in a repository of briefs that keeps a copy there) points at it.
pub const SCHEMA_IN_REPOSITORY: &str = "schema/brief.schema.json";

/// Writes a starter brief to `path`, refusing to replace any file there, or to write a brief
/// under a name that is not `*.toml` (which no folder search would find, and which may name
/// the PDF it was meant to make), and says which files it wrote (the brief, and a schema beside
/// it when it needs one). `date` is the brief's date as `YYYY-MM-DD`.
pub fn new_brief(
    session: &Session,
    path: &Path,
    title: &str,
    language: &str,
    date: &str,
) -> Result<Vec<PathBuf>, Failure> {
    if path.extension().is_none_or(|e| e != "toml") {
        return Err(Failure::Plain(Error::message(format!(
            "{} is not a brief's file name: a brief is a .toml file (try {})",
            path.display(),
            path.with_extension("toml").display()
        ))));
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Failure::Plain(Error::message(format!(
            "{} already exists; `brief new` never replaces a file",
            path.display()
        ))));
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Failure::Plain(Error::message(format!(
            "the folder {} does not exist",
            dir.display()
        ))));
    }
    let (schema_ref, schema_to_write) = schema_reference(&dir, path);
    let text = starter(&schema_ref, title, language, date);
    // The starter must be a valid brief for what was asked (a title and a language tag),
    // checked as `brief check` checks a brief, glyphs included: a job with nothing to make.
    let job = Job {
        input: Input::Text {
            name: path.display().to_string(),
            text: text.clone(),
            path: path.to_path_buf(),
        },
        edit: Edit::None,
        outputs: vec![],
        publication: None,
    };
    let outcome = runner::run(session, &job);
    if outcome.status != Status::Success {
        return Err(Failure::Brief(outcome.diagnostics));
    }
    let mut files = vec![];
    if let Some(schema_path) = schema_to_write {
        fs::write_atomically(&schema_path, format::schema_json().as_bytes())?;
        files.push(schema_path);
    }
    fs::write_atomically(path, text.as_bytes())?;
    files.insert(0, path.to_path_buf());
    Ok(files)
}

/// The `#:schema` reference for a brief in `dir`: the repository's `schema/brief.schema.json`
/// when one lies in `dir` or a folder above it, else `brief.schema.json` beside the brief,
/// written there (the second value) unless a file of that name is there already.
fn schema_reference(dir: &Path, brief: &Path) -> (String, Option<PathBuf>) {
    if let Ok(start) = dir.canonicalize() {
        for (depth, ancestor) in start.ancestors().enumerate() {
            if ancestor.join(SCHEMA_IN_REPOSITORY).is_file() {
                let up = "../".repeat(depth);
                return (format!("{up}{SCHEMA_IN_REPOSITORY}"), None);
            }
        }
    }
    let beside = brief.with_file_name(format::SCHEMA_FILE);
    let write = std::fs::symlink_metadata(&beside)
        .is_err()
        .then_some(beside);
    (format!("./{}", format::SCHEMA_FILE), write)
}

/// Today's date as `YYYY-MM-DD` (UTC), or that of `SOURCE_DATE_EPOCH` when it is set, as for
/// every other date the tool writes.
pub fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

/// A TOML basic string holding `text`, escaped as TOML requires.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The starter brief: every part of the format once, with comments on what goes where.
fn starter(schema: &str, title: &str, language: &str, date: &str) -> String {
    let year = &date[..4];
    STARTER
        .replace("{schema}", schema)
        .replace("{title}", &quoted(title))
        .replace("{language}", &quoted(language))
        .replace("{date}", date)
        .replace("{year}", year)
}

const STARTER: &str = r#"#:schema {schema}
# A policy brief for `brief`. The line above lets editors with Even Better TOML or Tombi
# complete keys and show what each is for. The whole format: docs/brief-format.md.
#
#   brief check FILE    reports every problem at its line
#   brief pdf FILE      typesets the paper
#   brief png FILE      pictures of the pages, to look at while writing
#
# Rich-text fields (marked below) take a small Markdown subset: *emphasis*, **strong**,
# [links](https://example.org), "- " and "1. " lists, and citations such as [@source-id]
# that become numbered notes. Lines starting with # are comments; remove the # to use a key.

title = {title}
# subtitle = "A one-line dek under the title"
date = {date}
language = {language}  # a BCP 47 tag: en, en-GB, de, fr, be, ru, uk, ...
# publisher = "Your institute"
# series = "Policy Briefs"
# number = 1
# classification = "Public"  # printed on every page
keywords = ["first keyword", "second keyword"]

# References from your reference manager, cited as [@key], [@key, p. 45], [@a; @b] or [-@key]
# (the author left out), in your house's citation style. In Zotero with Better BibTeX, export
# the brief's collection as "Better CSL JSON", ticking "Keep updated", into this folder.
# bibliography = "references.json"  # or .bib (BibLaTeX, BibTeX), .yml; or a list of files
#
# [style]
# citations = "chicago-notes"  # or chicago-author-date, apa, harvard-cite-them-right, a .csl file

[[authors]]
name = "Your Name"
# affiliation = "Senior Fellow, Your Institute"
# bio = "One or two sentences about the author."  # rich text

[summary]
# The bottom line up front (rich text).
text = """
What is happening, why it matters, and what should be done about it, in one or two paragraphs [@example-source]."""
key_points = [
  "The first takeaway, in one sentence.",
  "The second takeaway, in one sentence.",
]

# The analysis: as many sections as needed, in order.
[[sections]]
heading = "Background"
body = """
The analysis, in paragraphs of rich text, with a citation for each claim [@example-source].
[@example-table] shows a table; refer to a figure as to a source.

- A list item.
- Another list item."""
figures = ["example-table"]  # printed after the section's text, in this order

# Tables, charts and images: placed by a section's `figures`, numbered in print order.
[[figures]]
id = "example-table"
kind = "table"
caption = "What a table looks like"  # rich text, one line
source = "Your own data [@example-source]."  # rich text, optional
columns = ["Year", "Item", "Value"]
rows = [
  ["{year}", "First item", "12.5"],
  ["{year}", "Second item", "7.0"],
]
# data = "data/table.csv"  # instead of columns and rows: a CSV file with a header row
#
# [[figures]]
# id = "example-chart"
# kind = "chart"
# chart = "column"  # bar, column, line, stacked-bar or stacked-column
# caption = "What a chart looks like"
# alt = "What a reader who cannot see the chart needs to know from it."
# unit = "%"
# labels = ["2021", "2022"]
# series = [{ name = "A series", values = [12.5, 7.0] }]
#
# [[figures]]
# id = "example-map"
# kind = "image"
# file = "img/map.png"  # PNG, JPEG or SVG inside the brief's folder
# caption = "What an image looks like"
# alt = "What the image shows."

# The actors: who matters, grouped by kind.
[[actors]]
id = "example-actor"  # lowercase letters, digits and hyphens
name = "Example Actor"
kind = "organization"  # state, person, organization, movement or alliance
role = "What the actor is or does"
description = "Who the actor is and why it matters here."  # rich text
# stance = "A short position label"
# interests = ["What the actor wants"]

# The timeline: printed sorted by date.
[[timeline]]
date = "{year}"  # a date, or "YYYY-MM", or "YYYY"
title = "Something that happened"
actors = ["example-actor"]
sources = ["example-source"]

# The recommendations, numbered in order.
[[recommendations]]
title = "The first recommendation, in one line"
body = "Why, and how."  # rich text
audience = "Who should act"
priority = "high"  # high, medium or low

# The sources, cited as [@id].
[[sources]]
id = "example-source"
title = "The title of a source"
publisher = "Its publisher"
date = "{year}"
url = "https://example.org/"
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::load;
    use crate::source::SourceFile;

    #[test]
    fn the_starter_is_a_valid_brief_without_warnings() {
        let text = starter(
            "./brief.schema.json",
            "A \"quoted\" title\\",
            "de",
            "2026-11-27",
        );
        assert!(text.starts_with("#:schema ./brief.schema.json\n"));
        let file = SourceFile::new("new.toml", text);
        let (brief, diagnostics) = load::load(&file);
        let brief = brief.expect("the starter loads");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(brief.title.value, "A \"quoted\" title\\");
        assert_eq!(brief.language.value.primary, "de");
    }
}
