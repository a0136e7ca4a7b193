//! The web edition: a brief as one self-contained HTML page (`brief html`, and the pages of
//! `brief site`), made from the same template data as its PDF by the one pipeline
//! (`Session::prepare`, then `Session::data`) and written with the minijinja templates of
//! `templates/web/`, which a template folder's `web/` files replace file by file.
//!
//! It lives in `run` because it is one more thing made of a prepared brief, beside the PDF
//! and the pictures; the preview of `brief watch --serve` can show it from here.

pub mod chart;
pub mod dates;
pub mod fonts;
pub mod listing;
pub mod manifest;
pub mod names;
pub mod rich;
pub mod site;

use std::collections::BTreeMap;

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, State};

use crate::assets::template::{FALLBACK_LANGUAGE, FIGURE_STEM, LOGO_STEM, Template};
use base64::Engine;

use crate::brief::model::Language;
use crate::diag::Diagnostic;
use crate::error::Failure;
use crate::run::pipeline::{Prepared, Session};

/// The built-in web templates, by their path in a template folder.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "web/base.html",
        include_str!("../../../templates/web/base.html"),
    ),
    (
        "web/page.html",
        include_str!("../../../templates/web/page.html"),
    ),
    (
        "web/figure.html",
        include_str!("../../../templates/web/figure.html"),
    ),
    (
        "web/index.html",
        include_str!("../../../templates/web/index.html"),
    ),
    (
        "web/style.css",
        include_str!("../../../templates/web/style.css"),
    ),
    (
        "web/feed.xml",
        include_str!("../../../templates/web/feed.xml"),
    ),
    (
        "web/sitemap.xml",
        include_str!("../../../templates/web/sitemap.xml"),
    ),
];

/// Where a template folder keeps its web templates.
const FOLDER: &str = "web/";

/// How much work one page's templates may do (minijinja's instructions): a brief of the
/// format's largest size takes well under a tenth of it, and a template folder's template that
/// loops without end stops here instead of holding the run.
const FUEL: u64 = 50_000_000;

/// Languages written from right to left when their tag names no script, by their primary
/// subtag: those whose usual script (CLDR's likely subtags) is Arabic, Hebrew, Syriac, Thaana,
/// N'Ko, Adlam or Hanifi Rohingya. Kurdish (`ku`) is taken as Sorani, in Arabic script; a brief
/// in Kurmanji says `ku-Latn`.
const RIGHT_TO_LEFT: &[&str] = &[
    "ar", "arc", "azb", "bal", "bqi", "ckb", "dv", "fa", "glk", "he", "iw", "ji", "khw", "ks",
    "ku", "lrc", "mzn", "nqo", "pnb", "prs", "ps", "rhg", "sd", "sdh", "skr", "syr", "ug", "ur",
    "yi",
];

/// Scripts written from right to left (ISO 15924), the script subtag deciding where a tag has
/// one: `az-Arab` is written from right to left, `az` and `ku-Latn` are not.
const RIGHT_TO_LEFT_SCRIPTS: &[&str] = &[
    "Adlm", "Arab", "Aran", "Armi", "Avst", "Chrs", "Cprt", "Elym", "Hatr", "Hebr", "Hung", "Khar",
    "Lydi", "Mand", "Mani", "Mend", "Merc", "Mero", "Narb", "Nbat", "Nkoo", "Orkh", "Ougr", "Palm",
    "Phli", "Phlp", "Phnx", "Prti", "Rohg", "Samr", "Sarb", "Sogd", "Sogo", "Syrc", "Syre", "Syrj",
    "Syrn", "Thaa", "Yezi",
];

/// Whether a language is written from right to left: by its script subtag when it has one,
/// else by its primary subtag.
pub fn is_right_to_left(language: &Language) -> bool {
    match &language.script {
        Some(script) => RIGHT_TO_LEFT_SCRIPTS.contains(&script.as_str()),
        None => RIGHT_TO_LEFT.contains(&language.primary.as_str()),
    }
}

/// The HTML `dir` of a page in `language`.
pub fn direction(language: &Language) -> &'static str {
    if is_right_to_left(language) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The web templates of a brief's template: the built-in ones, with the `web/` files of its
/// folder over them.
pub fn environment(template: &Template) -> Result<Environment<'static>, Failure> {
    let mut env = Environment::new();
    env.set_fuel(Some(FUEL));
    env.set_keep_trailing_newline(true);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Escaping by the name's ending, as minijinja does by default, spelled out because the
    // brief's safety rests on it: `.html` and `.xml` escape every value, the style sheet is
    // the template's own and holds no brief text.
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    // Strings are escaped by `rich::escape` (the five characters that matter, so that an
    // address keeps its slashes); everything else as minijinja writes it.
    env.set_formatter(|out, state, value| match value.as_str() {
        Some(text) if state.auto_escape() == AutoEscape::Html && !value.is_safe() => {
            out.write_str(&rich::escape(text))?;
            Ok(())
        }
        _ => minijinja::escape_formatter(out, state, value),
    });
    let mut sources: Vec<(String, String, String)> = BUILT_IN
        .iter()
        .map(|(path, text)| {
            (
                path.to_string(),
                text.to_string(),
                format!("templates/{path}"),
            )
        })
        .collect();
    for (path, file) in &template.files {
        if !path.starts_with(FOLDER) {
            continue;
        }
        let text = String::from_utf8(file.data.clone()).map_err(|_| {
            Failure::Brief(vec![Diagnostic::error(format!(
                "the web template {} is not UTF-8",
                file.origin
            ))])
        })?;
        // Brief text reaches a page as text, whatever a house template wants: escaping may
        // not be turned off (and `safe` is no filter here, below).
        if turns_escaping_off(&text) {
            return Err(Failure::Brief(vec![
                Diagnostic::error(format!(
                    "the web template {} turns escaping off (`autoescape`)",
                    file.origin
                ))
                .hint("brief text is always escaped on a page; print rich text with rich() or inline()"),
            ]));
        }
        sources.retain(|(p, _, _)| p != path);
        sources.push((path.clone(), text, file.origin.clone()));
    }
    for (path, text, origin) in sources {
        let name = path
            .strip_prefix(FOLDER)
            .expect("a web template")
            .to_string();
        env.add_template_owned(name, text)
            .map_err(|e| template_error(&origin, &e))?;
    }
    // Only `brief`'s own helpers (`rich`, `inline`, `cite`, `chart`) make markup.
    env.remove_filter("safe");
    env.add_function("rich", |state: &State, blocks: Value| {
        write_rich(state, &blocks, true)
    });
    env.add_function("inline", |state: &State, inlines: Value| {
        write_rich(state, &inlines, false)
    });
    env.add_function("cite", |state: &State, notes: Value| {
        written(state, |writer| writer.cite(&notes))
    });
    env.add_filter("date", |state: &State, date: Value| {
        dates::format(&date, &dates::Words::of(&labels(state)))
    });
    env.add_function("date_range", |state: &State, from: Value, to: Value| {
        dates::range(&from, &to, &dates::Words::of(&labels(state)))
    });
    env.add_filter("iso", |date: Value| dates::iso(&date));
    env.add_function("chart", |state: &State, figure: Value| {
        // Drawn by the template's own chart code before the page is written (a template that
        // cannot draw one stops the page there).
        let id = figure.get_attr("id").unwrap_or_default();
        state
            .lookup("charts")
            .and_then(|charts| charts.get_item(&id).ok())
            .filter(|drawn| !drawn.is_undefined() && !drawn.is_none())
            .unwrap_or_else(|| Value::from_safe_string(String::new()))
    });
    // The id of a reference's entry, which citations link to.
    env.add_filter("reference_id", |key: String| rich::reference_id(&key));
    env.add_filter("fill", |line: String, n: Value| {
        line.replace("{n}", &n.to_string())
    });
    Ok(env)
}

/// Whether a template's source has an `{% autoescape %}` block, which could print brief text
/// unescaped.
fn turns_escaping_off(text: &str) -> bool {
    text.match_indices("{%").any(|(at, _)| {
        text[at + 2..]
            .trim_start_matches(['-', '+', '~'])
            .trim_start()
            .starts_with("autoescape")
    })
}

/// A template's failure, as the brief's diagnostic: where in which file, and why.
fn template_error(origin: &str, error: &minijinja::Error) -> Failure {
    let mut message = format!("the web template {origin} failed: {}", error.kind());
    if let Some(detail) = error.detail() {
        message.push_str(&format!(": {detail}"));
    }
    if let Some(line) = error.line() {
        message.push_str(&format!(" (line {line})"));
    }
    Failure::Brief(vec![Diagnostic::error(message)])
}

fn labels(state: &State) -> Value {
    state.lookup("labels").unwrap_or_default()
}

fn words(state: &State) -> rich::Words {
    let labels = labels(state);
    let word = |key: &str, default: &str| {
        labels
            .get_attr(key)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| default.to_string())
    };
    rich::Words {
        table: word("table-ref", "Table {n}"),
        figure: word("figure-ref", "Figure {n}"),
    }
}

fn write_rich(state: &State, value: &Value, blocks: bool) -> Value {
    written(state, |writer| {
        if blocks {
            writer.blocks(value);
        } else {
            writer.inlines(value);
        }
    })
}

/// What `write` writes with the page's note marks and words, as markup (every string in it
/// escaped by the writer).
fn written(state: &State, write: impl FnOnce(&mut rich::Writer<'_>)) -> Value {
    let marks = state.get_or_set_temp_object("brief-marks", rich::Marks::default);
    let words = words(state);
    let mut writer = rich::Writer {
        marks: &marks,
        words: &words,
        out: String::new(),
    };
    write(&mut writer);
    Value::from_safe_string(writer.out)
}

/// The label table of a language from a template's files (`labels/LANG.toml`), English where
/// the template has none for it.
pub fn label_table(template: &Template, language: &str) -> Result<toml::Table, Failure> {
    let file = template
        .files
        .get(&format!("labels/{language}.toml"))
        .or_else(|| {
            template
                .files
                .get(&format!("labels/{FALLBACK_LANGUAGE}.toml"))
        });
    let Some(file) = file else {
        return Ok(toml::Table::new());
    };
    let text = std::str::from_utf8(&file.data).map_err(|_| {
        Failure::Brief(vec![Diagnostic::error(format!(
            "{} is not UTF-8",
            file.origin
        ))])
    })?;
    toml::from_str(text).map_err(|e| {
        Failure::Brief(vec![Diagnostic::error(format!(
            "{}: {}",
            file.origin,
            e.message()
        ))])
    })
}

/// Where a page links beyond itself: its PDF, the site's index (for `brief site`).
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Links {
    pub pdf: Option<String>,
    pub index: Option<String>,
    /// The page's own file name, for a site's index.
    pub page: Option<String>,
}

/// A brief's page as made: its HTML, the template data it was made from, the warnings met on
/// the way, and for a page of a site what the site's index says of it.
pub struct Page {
    pub html: String,
    pub data: serde_json::Value,
    pub warnings: Vec<Diagnostic>,
    pub entry: Option<listing::Entry>,
}

/// A prepared brief's page, from the template data the runner built (`json`), with its charts
/// drawn by the template's own chart code.
pub fn page(
    session: &Session,
    prepared: &Prepared,
    json: &[u8],
    links: &Links,
) -> Result<Page, Failure> {
    let env = environment(&prepared.template)?;
    let data: serde_json::Value = serde_json::from_slice(json).map_err(|e| {
        Failure::Brief(vec![Diagnostic::error(format!(
            "the template data is not JSON: {e}"
        ))])
    })?;
    let brief = &prepared.brief;
    let language = &brief.language.value;
    let labels = label_table(&prepared.template, &language.primary)?;
    let lang = language.tag();
    let dir = direction(language);
    let charts = charts(session, prepared, &data, json)?;
    let data_value = Value::from_serialize(&data);
    let description = description(&data_value);
    // The brief's own pictures travel inside the page, as `data:` URLs: its logo, and its
    // figures' images by the path the data gives them (`/brief-figure-6.svg`).
    let logo = prepared
        .own
        .iter()
        .find(|(path, _)| path.starts_with(LOGO_STEM))
        .map(|(path, file)| data_url(path, &file.data));
    let images: BTreeMap<String, String> = prepared
        .own
        .iter()
        .filter(|(path, _)| path.starts_with(FIGURE_STEM) && !path.ends_with(".csv"))
        .map(|(path, file)| (format!("/{path}"), data_url(path, &file.data)))
        .collect();
    let (notes, backlinks) = citation_notes(&data);
    let context = |fonts: String| {
        minijinja::context! {
            brief => data_value.clone(),
            citation_notes => Value::from_serialize(&notes),
            backlinks => Value::from_serialize(&backlinks),
            labels => Value::from_serialize(&labels),
            lang => lang.clone(),
            dir => dir,
            description => description.clone(),
            jsonld => Value::from_safe_string(json_ld(&data, &description, &lang)),
            logo => logo.clone(),
            images => images.clone(),
            charts => charts.clone(),
            links => Value::from_serialize(links),
            generator => format!("brief {}", env!("CARGO_PKG_VERSION")),
            // The `@font-face` rules, made by `brief` of its own fonts: no brief text in them.
            fonts => Value::from_safe_string(fonts),
        }
    };
    // Made twice: once to learn the characters the page shows, then with its fonts cut to
    // them (the templates are cheap; the fonts are not, and are made once).
    let bare = render(
        &env,
        "page.html",
        context(String::new()),
        &prepared.template,
    )?;
    let faces = fonts::font_faces(&fonts::page_text(&bare));
    let html = render(&env, "page.html", context(faces), &prepared.template)?;
    let entry = match &links.index {
        Some(_) => Some(listing::entry(prepared, &data, links)?),
        None => None,
    };
    Ok(Page {
        html,
        data,
        warnings: vec![],
        entry,
    })
}

/// A note of a note style's citation, for the page's notes.
#[derive(serde::Serialize)]
struct CitationNote {
    note: u64,
    content: serde_json::Value,
}

/// The notes of a note style's citations in the order of their numbers, and where each
/// reference is first cited on the page (the id of the mark or the citation its entry links
/// back to), from the data's `citation` inlines, walked in the order the page prints them.
fn citation_notes(data: &serde_json::Value) -> (Vec<CitationNote>, BTreeMap<String, String>) {
    fn walk(
        value: &serde_json::Value,
        notes: &mut BTreeMap<u64, serde_json::Value>,
        first: &mut BTreeMap<String, String>,
    ) {
        match value {
            serde_json::Value::Array(items) => {
                items.iter().for_each(|v| walk(v, notes, first));
            }
            serde_json::Value::Object(object) => {
                if object.get("kind").and_then(|k| k.as_str()) == Some("citation") {
                    let keys = object.get("keys").and_then(|k| k.as_array());
                    let note = object.get("note").and_then(|n| n.as_u64());
                    for key in keys.into_iter().flatten().filter_map(|k| k.as_str()) {
                        let id = match note {
                            Some(note) => format!("ref-{note}"),
                            None => rich::citation_id(key),
                        };
                        first.entry(key.to_string()).or_insert(id);
                    }
                    if let Some(note) = note {
                        notes
                            .entry(note)
                            .or_insert_with(|| object.get("content").cloned().unwrap_or_default());
                    }
                    return;
                }
                // The page's order: the summary, sections and figures, then the rest.
                for key in [
                    "summary",
                    "sections",
                    "figures",
                    "actor_groups",
                    "timeline",
                    "recommendations",
                    "authors",
                ] {
                    if let Some(v) = object.get(key) {
                        walk(v, notes, first);
                    }
                }
                for (key, v) in object {
                    if ![
                        "summary",
                        "sections",
                        "figures",
                        "actor_groups",
                        "timeline",
                        "recommendations",
                        "authors",
                        "citations",
                        "meta",
                    ]
                    .contains(&key.as_str())
                    {
                        walk(v, notes, first);
                    }
                }
            }
            _ => {}
        }
    }
    let mut notes = BTreeMap::new();
    let mut first = BTreeMap::new();
    walk(data, &mut notes, &mut first);
    let notes = notes
        .into_iter()
        .map(|(note, content)| CitationNote { note, content })
        .collect();
    (notes, first)
}

/// The brief's charts, drawn by the paper's chart code, by figure id; safe markup, as `brief`
/// escaped what it put in.
fn charts(
    session: &Session,
    prepared: &Prepared,
    data: &serde_json::Value,
    json: &[u8],
) -> Result<BTreeMap<String, Value>, Failure> {
    let chart_figures: Vec<&serde_json::Value> = data["figures"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["kind"] == "chart")
        .collect();
    let mut charts = BTreeMap::new();
    if chart_figures.is_empty() {
        return Ok(charts);
    }
    let alts: Vec<String> = chart_figures
        .iter()
        .map(|f| f["alt"].as_str().unwrap_or_default().to_string())
        .collect();
    let drawn = chart::drawn(session, prepared, json.to_vec(), &alts)?;
    for (figure, svg) in chart_figures.iter().zip(drawn) {
        let id = figure["id"].as_str().unwrap_or_default().to_string();
        charts.insert(id, Value::from_safe_string(svg));
    }
    Ok(charts)
}

/// Renders one of the web templates, its failures named by the file they come from.
pub fn render(
    env: &Environment<'static>,
    name: &str,
    context: Value,
    template: &Template,
) -> Result<String, Failure> {
    let origin = template
        .files
        .get(&format!("{FOLDER}{name}"))
        .map(|f| f.origin.clone())
        .unwrap_or_else(|| format!("templates/{FOLDER}{name}"));
    env.get_template(name)
        .and_then(|t| t.render(context))
        .map_err(|e| template_error(&origin, &e))
}

/// What a page says of itself to search engines and link previews: the summary's first words.
fn description(data: &Value) -> String {
    let summary = data
        .get_attr("summary")
        .and_then(|s| s.get_attr("text"))
        .unwrap_or_default();
    let mut text = String::new();
    rich::plain(&summary, &mut text);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    const LIMIT: usize = 200;
    if text.chars().count() <= LIMIT {
        return text;
    }
    let cut: String = text.chars().take(LIMIT).collect();
    let cut = match cut.rfind(' ') {
        Some(space) => &cut[..space],
        None => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// The page's schema.org `Report` as JSON-LD, safe inside `<script type="application/ld+json">`:
/// `<`, `>` and `&` are written as JSON escapes, so no `</script>` or comment can appear.
fn json_ld(data: &serde_json::Value, description: &str, lang: &str) -> String {
    use serde_json::{Value as J, json};
    let meta = &data["meta"];
    let text = |v: &J| v.as_str().map(str::to_string);
    let mut report = serde_json::Map::new();
    report.insert("@context".into(), json!("https://schema.org"));
    report.insert("@type".into(), json!("Report"));
    report.insert("headline".into(), meta["title"].clone());
    report.insert("name".into(), meta["title"].clone());
    if let Some(subtitle) = text(&meta["subtitle"]) {
        report.insert("alternativeHeadline".into(), json!(subtitle));
    }
    report.insert(
        "datePublished".into(),
        json!(dates::iso_json(&meta["date"])),
    );
    report.insert("inLanguage".into(), json!(lang));
    if !description.is_empty() {
        report.insert("description".into(), json!(description));
    }
    let authors: Vec<J> = data["authors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            let mut person = json!({ "@type": "Person", "name": a["name"] });
            if let Some(affiliation) = text(&a["affiliation"]) {
                person["affiliation"] = json!({ "@type": "Organization", "name": affiliation });
            }
            person
        })
        .collect();
    if !authors.is_empty() {
        report.insert("author".into(), J::Array(authors));
    }
    if let Some(publisher) = text(&meta["publisher"]) {
        report.insert(
            "publisher".into(),
            json!({ "@type": "Organization", "name": publisher }),
        );
    }
    if let Some(number) = text(&meta["number"]) {
        report.insert("reportNumber".into(), json!(number));
    }
    if let Some(url) = text(&meta["url"]) {
        report.insert("url".into(), json!(url));
    }
    if let Some(keywords) = meta["keywords"].as_array().filter(|k| !k.is_empty()) {
        let words: Vec<&str> = keywords.iter().filter_map(J::as_str).collect();
        report.insert("keywords".into(), json!(words.join(", ")));
    }
    let json = serde_json::to_string(&J::Object(report)).expect("plain data");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A file of the brief's own (its logo) as a `data:` URL, so that the page loads nothing.
pub fn data_url(path: &str, bytes: &[u8]) -> String {
    let mime = match path.rsplit('.').next().unwrap_or_default() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    };
    // Standard base64 with padding (RFC 4648), by the crate Typst's SVG export uses.
    let coded = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("data:{mime};base64,{coded}")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn pictures_are_data_urls_in_padded_base64() {
        assert_eq!(
            data_url("logo.png", b"fooba"),
            "data:image/png;base64,Zm9vYmE="
        );
        assert_eq!(data_url("x.svg", b""), "data:image/svg+xml;base64,");
    }

    #[test]
    fn json_ld_cannot_close_its_script() {
        let data = serde_json::json!({
            "meta": { "title": "</script><script>alert(1)</script> & <!--", "date": { "year": 2022 } },
            "authors": [],
        });
        let out = json_ld(&data, "", "en");
        assert!(
            !out.contains('<') && !out.contains('>') && !out.contains('&'),
            "{out}"
        );
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            back["headline"],
            "</script><script>alert(1)</script> & <!--"
        );
    }

    #[test]
    fn every_built_in_web_template_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/web");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| format!("web/{}", e.unwrap().file_name().to_string_lossy()))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = BUILT_IN.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }
}
