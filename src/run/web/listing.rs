//! What a site publishes and what it says of each brief: whether a brief's marking allows
//! publication (decided by the runner from the brief's one load, before anything of it is
//! made), and a published brief's entry in the index, the feed and the sitemap, from its page's
//! template data.

use minijinja::value::Value;
use serde::Serialize;

use crate::brief::marking::Scheme;
use crate::brief::model::Brief;
use crate::diag::Diagnostic;
use crate::error::Failure;
use crate::run::pipeline::Prepared;
use crate::run::web::{self, Links, dates, rich};

/// One published brief as the index, the feed and the sitemap show it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: String,
    pub page: String,
    pub pdf: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub date: String,
    pub iso: String,
    pub timestamp: String,
    pub lang: String,
    pub dir: &'static str,
    pub series: Option<String>,
    pub number: Option<String>,
    pub publisher: Option<String>,
    pub authors: Vec<String>,
    pub description: String,
    /// For sorting: the date's parts, then the title.
    #[serde(skip)]
    pub key: (i64, i64, i64, String),
}

/// Whether a brief's marking allows publication: `Err` says why not.
pub fn publishable(brief: &Brief, allowed: &[String]) -> Result<(), Diagnostic> {
    let Some(classification) = &brief.classification else {
        return Ok(());
    };
    let text = brief
        .marking
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_else(|| classification.value.clone());
    let refused = match brief.marking.as_ref().and_then(|m| m.level) {
        Some((Scheme::Tlp, "CLEAR")) | Some((Scheme::Uk, "OFFICIAL")) => return Ok(()),
        Some(_) => Diagnostic::warning(format!(
            "{} is left out of the site: its marking {text} does not allow publication",
            brief.file.name()
        )),
        None if allowed.iter().any(|a| a.trim() == text.trim()) => return Ok(()),
        None => Diagnostic::warning(format!(
            "{} is left out of the site: its marking `{text}` is not one named with --publish-marking",
            brief.file.name()
        ))
        .hint(format!(
            "publish briefs marked so with --publish-marking '{}'",
            text.replace('\'', "'\\''")
        )),
    };
    Err(refused
        .at(&brief.file, classification.span.clone())
        .hint("only TLP:CLEAR, UK OFFICIAL and unmarked briefs are published without being named"))
}

/// What the index, feed and sitemap say of a brief, from its template data and its page's
/// links.
pub fn entry(
    prepared: &Prepared,
    data: &serde_json::Value,
    links: &Links,
) -> Result<Entry, Failure> {
    let page = links.page.clone().unwrap_or_default();
    let pdf = links.pdf.clone().unwrap_or_default();
    let value = Value::from_serialize(data);
    let meta = value.get_attr("meta").unwrap_or_default();
    let text = |key: &str| {
        meta.get_attr(key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let date = meta.get_attr("date").unwrap_or_default();
    let labels = web::label_table(&prepared.template, &prepared.brief.language.value.primary)?;
    let words = dates::Words::of(&Value::from_serialize(&labels));
    let mut description = String::new();
    rich::plain(
        &value
            .get_attr("summary")
            .and_then(|s| s.get_attr("text"))
            .unwrap_or_default(),
        &mut description,
    );
    let language = &prepared.brief.language.value;
    let part = |key: &str| {
        date.get_attr(key)
            .ok()
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(0)
    };
    let title = text("title").unwrap_or_default();
    let stem = page.trim_end_matches(".html").to_string();
    Ok(Entry {
        id: text("url").unwrap_or_else(|| format!("urn:brief:{stem}")),
        title: title.clone(),
        subtitle: text("subtitle"),
        date: dates::format(&date, &words),
        iso: dates::iso(&date),
        timestamp: dates::timestamp(&date),
        lang: language.tag(),
        dir: web::direction(language),
        series: text("series"),
        number: text("number"),
        publisher: text("publisher"),
        authors: data["authors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str().map(str::to_string))
            .collect(),
        description: description.split_whitespace().collect::<Vec<_>>().join(" "),
        key: (part("year"), part("month"), part("day"), title),
        page,
        pdf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn brief(classification: &str) -> Brief {
        let text = format!(
            "title = \"T\"\ndate = 2022-03-10\nclassification = \"{classification}\"\n[summary]\ntext = \"S.\"\n[[sections]]\nheading = \"H\"\nbody = \"B.\"\n"
        );
        let (brief, diagnostics) = crate::brief::load::load(&SourceFile::new("t.toml", &text));
        assert!(!diagnostics.iter().any(|d| d.is_error()), "{diagnostics:?}");
        brief.unwrap()
    }

    #[test]
    fn only_public_markings_are_published() {
        let public = ["Public".to_string()];
        for published in ["TLP:CLEAR", "OFFICIAL", "Public"] {
            assert!(
                publishable(&brief(published), &public).is_ok(),
                "{published}"
            );
        }
        for withheld in [
            "TLP:RED",
            "TLP:AMBER",
            "TLP:AMBER+STRICT",
            "TLP:GREEN",
            "OFFICIAL-SENSITIVE",
            "SECRET",
            "For publication",
        ] {
            assert!(
                publishable(&brief(withheld), &public).is_err(),
                "{withheld}"
            );
        }
    }
}
