//! References from a reference manager, in the house's citation style: a brief's
//! `bibliography` (CSL-JSON, BibLaTeX, Hayagriva YAML) cited in the style of `[style]
//! citations`, formatted once by hayagriva and printed alike by every shape; its checks, each
//! located; the redline of references; the cache and `watch` seeing a bibliography change; and
//! the words compared with Pandoc's citeproc, and with the same items read from BibLaTeX.

use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::Value;

use crate::support::{Test, assert_in_order, fixture, spawn_watch};
use crate::tools::tool;

/// The six references of the comparison with Pandoc: a report with a corporate author, a journal article with
/// a DOI, a chapter in an edited book, a newspaper article in Cyrillic, a book in a second
/// edition and a blog post.
fn refs() -> String {
    fixture("citations/refs.json")
}

/// The summary that cites each of the six references, two of them again.
const SIX: &str = "One [@worldbank2023, p. 12]. Two [@way2020]. Three [@wilson2021]. Four [@nashaniva2022]. Five [@wilson2021book]. Six [@kryzhanovskaya2024]. Seven [@worldbank2023, p. 14]. Eight [@way2020; @wilson2021book, ch. 3].";

/// A brief whose summary is `text`, with the bibliography `file`, in `style`.
fn brief_with(style: &str, file: &str, text: &str) -> String {
    format!(
        r#"title = "Six references"
date = 2024-05-02
bibliography = "{file}"

[style]
citations = "{style}"

[summary]
text = "{text}"
"#
    )
}

/// A brief citing each of the six references once (two of them again), in `style`, from
/// `file`.
fn six(style: &str, file: &str) -> String {
    brief_with(style, file, SIX)
}

/// A folder holding the test bibliography (as CSL-JSON and as BibLaTeX) and `brief.toml`.
fn with_refs(brief: &str) -> Test {
    Test::new()
        .file("refs.json", refs())
        .file("refs.bib", fixture("citations/refs.bib"))
        .file("brief.toml", brief)
}

/// The plain words of inlines of the template's data.
fn plain(inlines: &Value) -> String {
    let mut out = String::new();
    for inline in inlines.as_array().into_iter().flatten() {
        match inline["kind"].as_str() {
            Some("text") => out.push_str(inline["text"].as_str().unwrap_or_default()),
            _ => out.push_str(&plain(&inline["content"])),
        }
    }
    out
}

/// What the style made of a brief, from the data every shape prints (written by `brief typ`):
/// its citations in print order, and its reference list.
struct Cited {
    data: Value,
    citations: Vec<(Option<u64>, String)>,
    references: Vec<String>,
}

fn collect(value: &Value, out: &mut Vec<(Option<u64>, String)>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(object) => {
            if object.get("kind").and_then(Value::as_str) == Some("citation") {
                out.push((object["note"].as_u64(), plain(&object["content"])));
                return;
            }
            for (key, v) in object {
                if key != "citations" {
                    collect(v, out);
                }
            }
        }
        _ => {}
    }
}

fn styled(test: Test) -> Cited {
    let out = test
        .args(&["typ", "brief.toml", "-o", "project"])
        .any_stderr()
        .run();
    let data: Value = serde_json::from_slice(&out.read("project/brief.json")).unwrap();
    let mut citations = vec![];
    collect(&data, &mut citations);
    citations.sort_by_key(|(note, _)| *note);
    let references = data["citations"]["references"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| plain(&e["content"]))
        .collect();
    Cited {
        data,
        citations,
        references,
    }
}

fn texts(cited: &Cited) -> Vec<&str> {
    cited.citations.iter().map(|(_, t)| t.as_str()).collect()
}

// ---- What the style makes ---------------------------------------------------------------------

#[test]
fn chicago_notes_are_numbered_notes_with_short_forms_and_a_bibliography() {
    let cited = styled(with_refs(&six("chicago-notes", "refs.json")));
    assert_eq!(cited.data["citations"]["class"], "note");
    let notes: Vec<Option<u64>> = cited.citations.iter().map(|(n, _)| *n).collect();
    assert_eq!(notes, (1..=8).map(Some).collect::<Vec<_>>());
    assert_eq!(
        texts(&cited),
        [
            "World Bank, Belarus Economic Update: Adjusting to Sanctions (World Bank, 2023), 12, https://www.worldbank.org/en/country/belarus/publication/economic-update.",
            "Lucan Way, “Belarus Uprising: How a Dictator Became Vulnerable,” Journal of Democracy 31, no. 4 (2020): 17–27, https://doi.org/10.1353/jod.2020.0050.",
            "Andrew Wilson, “Belarus and the Politics of Sovereignty,” in Routledge Handbook of Russian Foreign Policy, ed. Andrei P. Tsygankov (Routledge, 2021).",
            "Алесь Карпенка, “Лукашэнка заявіў пра новую канстытуцыю,” Наша Ніва, February 28, 2022, https://nashaniva.com/288000.",
            "Andrew Wilson, Belarus: The Last European Dictatorship, 2nd ed. (Yale University Press, 2021).",
            "Olga Kryzhanovskaya, “Why Sanctions on Belarusian Potash Leak,” Carnegie Politika, March 14, 2024, https://carnegieendowment.org/politika/potash.",
            // Cited again: the short form.
            "World Bank, Belarus Economic Update: Adjusting to Sanctions, 14.",
            "Way, “Belarus Uprising: How a Dictator Became Vulnerable”; Wilson, Belarus: The Last European Dictatorship, chap. 3.",
        ]
    );
    assert_eq!(
        cited.references,
        [
            "Kryzhanovskaya, Olga. “Why Sanctions on Belarusian Potash Leak.” Carnegie Politika, March 14, 2024. https://carnegieendowment.org/politika/potash.",
            "Way, Lucan. “Belarus Uprising: How a Dictator Became Vulnerable.” Journal of Democracy 31, no. 4 (2020): 17–27. https://doi.org/10.1353/jod.2020.0050.",
            "Wilson, Andrew. “Belarus and the Politics of Sovereignty.” In Routledge Handbook of Russian Foreign Policy, edited by Andrei P. Tsygankov. Routledge, 2021.",
            "Wilson, Andrew. Belarus: The Last European Dictatorship. 2nd ed. Yale University Press, 2021.",
            "World Bank. Belarus Economic Update: Adjusting to Sanctions. World Bank, 2023. https://www.worldbank.org/en/country/belarus/publication/economic-update.",
            "Карпенка, Алесь. “Лукашэнка заявіў пра новую канстытуцыю.” Наша Ніва, February 28, 2022. https://nashaniva.com/288000.",
        ]
    );
    // The title is in italics, the address a link: formatted inlines, not markup.
    let first = &cited.data["summary"]["text"][0]["content"][1]["content"];
    assert_eq!(first[1]["kind"], "emph");
    assert_eq!(first[3]["kind"], "link");
}

#[test]
fn author_date_styles_cite_in_the_text_and_tell_two_works_of_a_year_apart() {
    let cited = styled(with_refs(&six("chicago-author-date", "refs.json")));
    assert_eq!(cited.data["citations"]["class"], "in-text");
    assert_eq!(
        texts(&cited),
        [
            "(World Bank 2023, 12)",
            "(Way 2020)",
            "(Wilson 2021a)",
            "(Карпенка 2022)",
            "(Wilson 2021b)",
            "(Kryzhanovskaya 2024)",
            "(World Bank 2023, 14)",
            "(Way 2020; Wilson 2021b, chap. 3)",
        ]
    );
    assert!(cited.references[2].starts_with("Wilson, Andrew. 2021a."));
    assert!(cited.references[3].starts_with("Wilson, Andrew. 2021b."));
    // A citation stands where it was written, a space before it.
    let summary = plain(&cited.data["summary"]["text"][0]["content"]);
    assert!(
        summary.starts_with("One (World Bank 2023, 12). Two (Way 2020)."),
        "{summary}"
    );
}

#[test]
fn locators_prefixes_and_a_left_out_author_as_pandoc_writes_them() {
    let brief = six("apa", "refs.json").replace(
        "One [@worldbank2023, p. 12].",
        "One [see @worldbank2023, pp. 12–14]. Wilson [-@wilson2021book, sec. 2] says so. Also [@way2020, and passim].",
    );
    let cited = styled(with_refs(&brief));
    assert_eq!(
        &texts(&cited)[..3],
        [
            "(see World Bank, 2023, pp. 12–14)",
            "(2021b, Section 2)",
            "(Way, 2020, and passim)"
        ]
    );
    // In a note style, a note without its author.
    let brief = six("chicago-notes", "refs.json").replace(
        "Five [@wilson2021book].",
        "Five, says Wilson [-@wilson2021book, p. 3].",
    );
    let noted = styled(with_refs(&brief));
    assert_eq!(
        texts(&noted)[4],
        "Belarus: The Last European Dictatorship, 2nd ed. (Yale University Press, 2021), 3."
    );
}

#[test]
fn a_note_comes_after_the_punctuation_that_follows_it() {
    let cited = styled(with_refs(&six("chicago-notes", "refs.json")));
    let summary = &cited.data["summary"]["text"][0]["content"];
    assert_eq!(
        summary[0],
        serde_json::json!({"kind": "text", "text": "One."})
    );
    assert_eq!(summary[1]["kind"], "citation");
    assert_eq!(summary[2]["text"], " Two.");
}

#[test]
fn hand_written_sources_are_references_of_the_same_list_cited_or_not() {
    let brief = six("chicago-notes", "refs.json")
        .replace("Two [@way2020].", "Two [@way2020; @mfa-2022].")
        + r#"
[[sources]]
id = "mfa-2022"
title = "Statement on the referendum"
author = "Ministry of Foreign Affairs of Lithuania"
publisher = "Ministry of Foreign Affairs of Lithuania"
date = 2022-02-28
url = "https://www.urm.lt/statement"

[[sources]]
id = "uncited"
title = "A source nobody cites"
"#;
    let out = with_refs(&brief)
        .args(&["check", "brief.toml"])
        .any_stderr()
        .run();
    assert!(
        out.stderr.contains("the source `uncited` is never cited"),
        "{}",
        out.stderr
    );
    let cited = styled(with_refs(&brief));
    assert!(texts(&cited)[1].ends_with(
        "; Ministry of Foreign Affairs of Lithuania, Statement on the Referendum (Ministry of Foreign Affairs of Lithuania, 2022), https://www.urm.lt/statement."
    ), "{}", texts(&cited)[1]);
    assert!(cited.references.iter().any(|r| {
        r.starts_with("Ministry of Foreign Affairs of Lithuania. Statement on the Referendum.")
    }));
    // Listed though never cited, as the paper has always listed its sources.
    assert!(
        cited
            .references
            .iter()
            .any(|r| r.starts_with("A Source Nobody Cites.")),
        "{:?}",
        cited.references
    );
    assert!(cited.references.iter().all(|r| !r.is_empty()));
    assert_eq!(cited.data["sources"], serde_json::json!([]));
}

#[test]
fn the_same_items_from_biblatex_give_the_same_citations() {
    for style in ["chicago-notes", "chicago-author-date", "apa"] {
        let from_json = styled(with_refs(&six(style, "refs.json")));
        let from_bib = styled(with_refs(&six(style, "refs.bib")));
        assert_eq!(from_json.citations, from_bib.citations, "{style}");
        assert_eq!(from_json.references, from_bib.references, "{style}");
    }
    // The corporate author in double braces stays one name.
    let cited = styled(with_refs(&six("apa", "refs.bib")));
    assert!(
        cited
            .references
            .iter()
            .any(|r| r.starts_with("World Bank. (2023)."))
    );
}

#[test]
fn hayagriva_yaml_is_read_too() {
    let brief = brief_with("chicago-notes", "refs.yml", "One [@harari2016, p. 5].");
    let out = styled(
        Test::new()
            .file(
                "refs.yml",
                "harari2016:\n  type: book\n  title: Homo Deus\n  author: Harari, Yuval Noah\n  date: 2016\n  publisher: Harvill Secker\n",
            )
            .file("brief.toml", brief),
    );
    assert_eq!(
        texts(&out),
        ["Yuval Noah Harari, Homo Deus (Harvill Secker, 2016), 5."]
    );
}

#[test]
fn the_words_of_a_style_are_in_the_briefs_language() {
    let german = six("apa", "refs.json")
        .replace("date = 2024-05-02", "date = 2024-05-02\nlanguage = \"de\"");
    let cited = styled(with_refs(&german));
    let wilson = cited
        .references
        .iter()
        .find(|r| r.contains("Politics of Sovereignty"))
        .unwrap();
    assert!(wilson.contains("(Hrsg.)"), "{wilson}");
    assert!(
        cited
            .references
            .iter()
            .any(|r| r.contains("(2024, März 14)")),
        "{:?}",
        cited.references
    );
    assert!(
        cited.references.iter().any(|r| r.contains("(2. Aufl.)")),
        "{:?}",
        cited.references
    );
    // Belarusian has no CSL terms in the archive: English words, and a warning that says so.
    let belarusian = six("chicago-notes", "refs.json")
        .replace("date = 2024-05-02", "date = 2024-05-02\nlanguage = \"be\"");
    with_refs(&belarusian)
        .args(&["check", "brief.toml"])
        .stderr(
            "warning: the citation style has no words in the brief's language (`be`): its \"edited by\", \"accessed\" and month names are printed in English
 --> brief.toml:3:12
  |
3 | language = \"be\"
  |            ^^^^
  = hint: a house style (a .csl file) may give them in a <locale xml:lang=\"be\"> element

",
        )
        .run();
}

#[test]
fn a_house_style_from_a_csl_file() {
    // The archive's own Chicago author-date style, written out as a house's file would be.
    let style = hayagriva::archive::ArchivedStyle::ChicagoAuthorDate
        .get()
        .to_xml()
        .unwrap();
    let brief = six("house.csl", "refs.json");
    let cited = styled(with_refs(&brief).file("house.csl", style));
    assert_eq!(texts(&cited)[0], "(World Bank 2023, 12)");
}

// ---- Every shape ------------------------------------------------------------------------------

#[test]
fn the_paper_sets_notes_at_the_foot_of_the_page_and_ends_with_the_bibliography() {
    let out = with_refs(&six("chicago-notes", "refs.json"))
        .args(&["pdf", "brief.toml", "--quiet"])
        .run();
    let pdf = out.pdf("brief.pdf");
    let text = pdf.text().split_whitespace().collect::<Vec<_>>().join(" ");
    assert_in_order(
        &text,
        &[
            "One.",
            "Eight.",
            "Bibliography",
            "Kryzhanovskaya, Olga.",
            "Карпенка, Алесь.",
            // The notes at the foot of the page.
            "World Bank, Belarus Economic Update",
            "Way, “Belarus Uprising",
        ],
    );
    assert!(pdf.outline().iter().any(|t| t == "Bibliography"));
    assert!(
        pdf.link_uris()
            .contains(&"https://doi.org/10.1353/jod.2020.0050".to_string())
    );
}

#[test]
fn the_memo_keeps_the_citations_of_what_it_prints() {
    let out = with_refs(&six("chicago-notes", "refs.json"))
        .args(&["pdf", "brief.toml", "--template", "memo", "--quiet"])
        .run();
    let text = out.pdf("brief.pdf").text().replace('\n', " ");
    assert!(text.contains("Lucan Way, “Belarus Uprising"), "{text}");
    let out = with_refs(&six("chicago-author-date", "refs.json"))
        .args(&["pdf", "brief.toml", "--template", "memo", "--quiet"])
        .run();
    let text = out.pdf("brief.pdf").text().replace('\n', " ");
    assert_in_order(&text, &["(Way 2020)", "References", "Way, Lucan. 2020."]);
}

#[test]
fn the_slides_put_notes_in_the_speakers_notes_and_end_with_the_list() {
    let brief = six("chicago-notes", "refs.json")
        + "\n[[sections]]\nheading = \"The economy\"\nbody = \"Potash leaks [@kryzhanovskaya2024].\"\n";
    let out = with_refs(&brief)
        .args(&["pdf", "brief.toml", "--template", "slides", "--quiet"])
        .run();
    let text = out.pdf("brief.pdf").text();
    assert!(!text.contains("Lucan Way, “Belarus"), "a note on a slide");
    assert!(text.contains("Bibliography"));
    let notes = String::from_utf8(out.read("brief.pdfpc")).unwrap();
    assert!(
        notes.contains(
            "The economy\\n\\nPotash leaks.\\n\\nNotes\\n9. Kryzhanovskaya, “Why Sanctions"
        ),
        "{notes}"
    );
    // An in-text style's citations stay on the slides.
    let out = with_refs(&six("apa", "refs.json"))
        .args(&["pdf", "brief.toml", "--template", "slides", "--quiet"])
        .run();
    let text = out.pdf("brief.pdf").text().replace('\n', " ");
    assert_in_order(&text, &["(Way, 2020)", "References"]);
}

#[test]
fn the_web_page_links_citations_to_their_entries_and_back() {
    let out = with_refs(&six("apa", "refs.json"))
        .args(&["html", "brief.toml", "--quiet"])
        .run();
    let html = String::from_utf8(out.read("brief.html")).unwrap();
    assert_in_order(
        &html,
        &[
            "<a class=\"citation\" href=\"#bib-worldbank2023\" id=\"cite-bib-worldbank2023\">(World Bank, 2023, p. 12)</a>",
            "<a class=\"citation\" href=\"#bib-worldbank2023\" id=\"cite-bib-worldbank2023-2\">",
            "<section class=\"references\" role=\"doc-bibliography\" aria-labelledby=\"references\">",
            "<h2 id=\"references\">References</h2>",
            "<li id=\"bib-way2020\">Way, L. (2020). Belarus Uprising: How a Dictator Became Vulnerable. <em>Journal of Democracy</em>, <em>31</em>(4), 17–27. <a href=\"https://doi.org/10.1353/jod.2020.0050\">https://doi.org/10.1353/jod.2020.0050</a> <a href=\"#cite-bib-way2020\" role=\"doc-backlink\"",
        ],
    );
    let out = with_refs(&six("chicago-notes", "refs.json"))
        .args(&["html", "brief.toml", "--quiet"])
        .run();
    let html = String::from_utf8(out.read("brief.html")).unwrap();
    assert_in_order(
        &html,
        &[
            "<p>One.<sup class=\"cite\"><a href=\"#note-1\" id=\"ref-1\" role=\"doc-noteref\">1</a></sup>",
            "<h2 id=\"notes\">Notes</h2>",
            "<li id=\"note-1\">World Bank, <em>Belarus Economic Update: Adjusting to Sanctions</em> (World Bank, 2023), 12,",
            "<a href=\"#ref-1\" role=\"doc-backlink\"",
            "<h2 id=\"references\">Bibliography</h2>",
            "<li id=\"bib-way2020\">Way, Lucan.",
            "<a href=\"#ref-2\" role=\"doc-backlink\"",
        ],
    );
}

#[test]
fn axe_finds_no_violation_in_a_page_of_either_kind_of_style() {
    let axe = crate::web::node_modules().join("axe-core/axe.min.js");
    if !axe.is_file() {
        crate::support::browser::missing("axe-core (npm install axe-core in target/ci-tools/web)");
        return;
    }
    let Some(mut browser) = crate::support::browser::Browser::start() else {
        return;
    };
    let source = std::fs::read_to_string(&axe).unwrap();
    for style in ["apa", "ieee", "chicago-notes"] {
        let out = with_refs(&six(style, "refs.json"))
            .args(&["html", "brief.toml", "--quiet"])
            .run();
        for width in [390, 1280] {
            browser.open(
                &format!("file://{}", out.path("brief.html").display()),
                width,
            );
            assert_eq!(
                browser.axe(&source),
                serde_json::json!([]),
                "{style} at {width} px"
            );
        }
    }
}

#[test]
fn a_typ_project_holds_the_bibliography_file() {
    let out = with_refs(&six("chicago-notes", "refs.json"))
        .args(&["typ", "brief.toml", "-o", "project", "--quiet"])
        .run();
    assert_eq!(
        out.read("project/brief-bibliography-1.json"),
        refs().into_bytes()
    );
}

// ---- The checks, located ----------------------------------------------------------------------

#[test]
fn a_csl_json_file_that_does_not_parse_is_located_in_itself() {
    with_refs(&six("chicago-notes", "bad.json"))
        .file("bad.json", "[\n  {\"id\": \"a\", \"type\": \"book\",, }\n]\n")
        .args(&["check", "brief.toml"])
        .status(1)
        .stderr(
            "error: this is not CSL-JSON: key must be a string
 --> bad.json:2:30
  |
2 |   {\"id\": \"a\", \"type\": \"book\",, }
  |                              ^
  = hint: a CSL-JSON file is an array of items, `[{\"id\": \"key\", \"type\": \"book\", …}, …]`: in Zotero, export the collection as \"Better CSL JSON\" (Better BibTeX) or \"CSL JSON\"

error: brief.toml is not a valid brief: 1 error

",
        )
        .run();
}

#[test]
fn items_without_an_id_or_of_an_unknown_type_are_located_in_the_file() {
    let out = with_refs(&six("chicago-notes", "bad.json"))
        .file(
            "bad.json",
            "[\n  {\"type\": \"book\", \"title\": \"A\"},\n  {\"id\": \"b\", \"type\": \"reprot\"}\n]\n",
        )
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert_in_order(
        &out.stderr,
        &[
            "error: this item has no `id`\n --> bad.json:2:3",
            "error: `reprot` is not a CSL item type\n --> bad.json:3:23",
            "= hint: did you mean `report`?",
        ],
    );
}

#[test]
fn biblatex_and_yaml_files_that_do_not_parse_are_located_in_themselves() {
    let out = with_refs(&six("chicago-notes", "bad.bib"))
        .file("bad.bib", "@book{a,\n  title = {A},\n  = {x},\n}\n")
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr.starts_with("error: this is not BibLaTeX: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" --> bad.bib:3:3"), "{}", out.stderr);
    let out = with_refs(&six("chicago-notes", "bad.yml"))
        .file("bad.yml", "a:\n  type: book\n  title: [unclosed\n")
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr
            .starts_with("error: this is not a Hayagriva bibliography: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" --> bad.yml:"), "{}", out.stderr);
}

#[test]
fn a_key_in_two_files_or_also_a_sources_id_is_refused_where_it_is_written() {
    let brief = six("chicago-notes", "refs.json").replace(
        "bibliography = \"refs.json\"",
        "bibliography = [\"refs.json\", \"more.json\"]",
    ) + "\n[[sources]]\nid = \"way2020\"\ntitle = \"Way again\"\n";
    let out = with_refs(&brief)
        .file(
            "more.json",
            "[\n  {\"id\": \"worldbank2023\", \"type\": \"report\", \"title\": \"Again\"}\n]\n",
        )
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert_in_order(
        &out.stderr,
        &[
            "error: the key `worldbank2023` is in two bibliography files\n --> more.json:2:10",
            "= hint: it is also in refs.json (line 3); keep one of them",
            "error: the key `way2020` names both a reference and a source\n  --> refs.json:13:11",
            "= hint: `[@way2020]` must name one of them; the source is on line 12 of brief.toml: rename one",
        ],
    );
}

#[test]
fn a_csl_file_that_is_not_xml_is_located_in_itself() {
    let out = with_refs(&six("house.csl", "refs.json"))
        .file("house.csl", "<style>\n  <info>\n</style>\n")
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr
            .starts_with("error: the citation style `house.csl` is not well-formed XML: "),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" --> house.csl:3:"), "{}", out.stderr);
}

#[test]
fn the_limits_of_a_bibliography_file() {
    // More references than a brief's bibliography may hold: refused at the first one too many.
    let many: Vec<String> = (0..50_001)
        .map(|i| format!("{{\"id\":\"r{i}\",\"type\":\"book\"}}"))
        .collect();
    let out = with_refs(&six("chicago-notes", "many.json"))
        .file("many.json", format!("[{}]", many.join(",\n")))
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr.starts_with(
            "error: the bibliography holds more than 50000 references\n     --> many.json:50001:7"
        ),
        "{}",
        &out.stderr[..out.stderr.len().min(600)]
    );
    // A file larger than the limit is not read at all.
    let test = with_refs(&six("chicago-notes", "huge.json"));
    let huge = std::fs::File::create(test.path().join("huge.json")).unwrap();
    huge.set_len(65 * 1024 * 1024).unwrap();
    let out = test
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr.contains("it is larger than 64 MiB"),
        "{}",
        out.stderr
    );
    // A field that would fill pages.
    let long = format!(
        "[{{\"id\": \"worldbank2023\", \"type\": \"book\", \"title\": \"{}\"}}]",
        "A".repeat(20_001)
    );
    let out = with_refs(&six("chicago-notes", "long.json"))
        .file("long.json", long)
        .args(&["check", "brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr
            .contains("error: the `title` of `worldbank2023` is longer than 20000 characters"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_bibliography_file_lies_inside_the_briefs_folder() {
    let out = Test::new()
        .file("outside.json", refs())
        .file("in/brief.toml", six("chicago-notes", "../outside.json"))
        .args(&["check", "in/brief.toml"])
        .status(1)
        .any_stderr()
        .run();
    assert!(out.stderr.contains("outside"), "{}", out.stderr);
    #[cfg(unix)]
    {
        let out = Test::new()
            .file("elsewhere/refs.json", refs())
            .file("in/brief.toml", six("chicago-notes", "refs.json"));
        std::os::unix::fs::symlink(
            out.path().join("elsewhere/refs.json"),
            out.path().join("in/refs.json"),
        )
        .unwrap();
        let out = out
            .args(&["check", "in/brief.toml"])
            .status(1)
            .any_stderr()
            .run();
        assert!(out.stderr.contains("in/brief.toml:3:16"), "{}", out.stderr);
    }
}

// ---- Redline, cache and watch -----------------------------------------------------------------

#[test]
fn a_changed_reference_is_listed_and_marked_with_the_citations_of_it() {
    let old = six("chicago-notes", "refs.json");
    let new = six("chicago-notes", "new.json").replace(" Three [@wilson2021].", "");
    let changed = refs().replace("Adjusting to Sanctions", "Living with Sanctions");
    let test = with_refs(&old)
        .file("new.json", changed)
        .file("new.toml", new);
    let out = test
        .args(&["diff", "brief.toml", "new.toml", "--format", "json"])
        .any_stdout()
        .any_stderr()
        .run();
    // The new brief is checked as any is: the reference it no longer cites is said.
    assert!(
        out.stderr
            .contains("warning: the reference `wilson2021` is cited nowhere\n  --> new.json:"),
        "{}",
        out.stderr
    );
    let summary: Value = serde_json::from_str(&out.stdout).unwrap();
    let sources: Vec<(&str, &str)> = summary["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "source")
        .map(|c| (c["id"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources,
        [("worldbank2023", "changed"), ("wilson2021", "removed")]
    );
    let out = with_refs(&old)
        .file(
            "new.json",
            refs().replace("Adjusting to Sanctions", "Living with Sanctions"),
        )
        .file(
            "new.toml",
            six("chicago-notes", "new.json").replace(" Three [@wilson2021].", ""),
        )
        .args(&[
            "diff",
            "brief.toml",
            "new.toml",
            "--template",
            "paper",
            "-o",
            "red.pdf",
        ])
        .any_stderr()
        .run();
    let text = out
        .pdf("red.pdf")
        .text()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_in_order(
        &text,
        &[
            "REDLINE",
            "Changed Source Belarus Economic Update: Living with Sanctions",
            "Removed Source Belarus and the Politics of Sovereignty",
            "Bibliography",
            "REMOVED",
            "Wilson, Andrew. “Belarus and the Politics of Sovereignty.”",
            "CHANGED",
            "World Bank. Belarus Economic Update: Adjusting to Living with Sanctions",
        ],
    );
}

#[test]
fn a_changed_bibliography_file_is_not_served_from_the_cache() {
    let test = Test::new()
        .file("in/refs.json", refs())
        .file("in/brief.toml", six("chicago-notes", "refs.json"))
        .file("in/other.toml", fixture("minimal.toml"));
    let dir = test.path();
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["pdf", "in", "--out-dir", "out", "--cache", "cache"])
            .current_dir(&dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stderr).unwrap()
    };
    assert!(run().ends_with("(2 typeset, 0 from the cache)\n"));
    assert!(run().ends_with("(0 typeset, 2 from the cache)\n"));
    std::fs::write(
        dir.join("in/refs.json"),
        refs().replace("Journal of Democracy", "Journal of Democracy Studies"),
    )
    .unwrap();
    let rebuilt = run();
    assert!(
        rebuilt.ends_with("(1 typeset, 1 from the cache)\n"),
        "{rebuilt}"
    );
    let text = crate::support::Pdf::load(&std::fs::read(dir.join("out/brief.pdf")).unwrap()).text();
    assert!(text.contains("Journal of Democracy Studies"), "{text}");
    drop(test);
}

#[test]
fn watch_rebuilds_when_the_bibliography_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("refs.json"), refs()).unwrap();
    std::fs::write(dir.join("b.toml"), six("chicago-notes", "refs.json")).unwrap();
    let (mut child, lines) = spawn_watch(dir, &["b.toml", "-o", "b.pdf"]);
    let next_build = || loop {
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("a build line");
        if line.starts_with("built ") || line.starts_with("failed ") {
            return line;
        }
    };
    assert!(next_build().starts_with("built b.pdf"));
    std::fs::write(
        dir.join("refs.json"),
        refs().replace("Journal of Democracy", "Journal of Democracy Studies"),
    )
    .unwrap();
    assert!(next_build().starts_with("built b.pdf"));
    let text = crate::support::Pdf::load(&std::fs::read(dir.join("b.pdf")).unwrap()).text();
    let _ = child.kill();
    let _ = child.wait();
    assert!(text.contains("Journal of Democracy Studies"), "{text}");
}

// ---- Compared with Pandoc's citeproc ----------------------------------------------------------

/// Pandoc's plain text of a Markdown document citing the six references: its citations (in
/// the text or, for a note style, its notes) and its reference list, each a paragraph.
fn pandoc(dir: &Path, markdown: &str, csl: Option<&str>) -> Option<Vec<String>> {
    std::fs::write(dir.join("doc.md"), markdown).unwrap();
    let mut args = vec![
        "doc.md",
        "--citeproc",
        "--bibliography",
        "refs.json",
        "-t",
        "plain",
        "--wrap=none",
    ];
    if let Some(csl) = csl {
        args.extend(["--csl", csl]);
    }
    let (ok, text) = tool("pandoc", &args, dir)?;
    assert!(ok, "pandoc: {text}");
    Some(
        text.split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
    )
}

/// The Markdown of [`six`]'s summary, for Pandoc.
fn six_markdown() -> String {
    format!("{SIX}\n")
}

#[test]
fn pandoc_citeproc_writes_the_same_words_with_the_same_style() {
    let test = with_refs(&six("chicago-author-date", "refs.json"));
    let dir = &test.path();
    for (name, style) in [
        (
            "chicago-author-date",
            hayagriva::archive::ArchivedStyle::ChicagoAuthorDate,
        ),
        (
            "chicago-notes",
            hayagriva::archive::ArchivedStyle::ChicagoNotes,
        ),
    ] {
        std::fs::write(
            dir.join(format!("{name}.csl")),
            style.get().to_xml().unwrap(),
        )
        .unwrap();
    }
    // The chapter's locator aside: this Pandoc's English terms abbreviate "chapter" as "ch.",
    // the archive's newer ones as "chap.".
    let markdown = six_markdown().replace(", ch. 3]", "]");
    let Some(theirs) = pandoc(dir, &markdown, Some("chicago-author-date.csl")) else {
        return;
    };
    let brief = six("chicago-author-date", "refs.json").replace(", ch. 3]", "]");
    let ours = styled(with_refs(&brief));
    // Their first paragraph is the text with its citations, then the reference list.
    let text = plain(&ours.data["summary"]["text"][0]["content"]);
    assert_eq!(theirs[0], text);
    assert_eq!(theirs[1..], ours.references[..]);

    let Some(theirs) = pandoc(dir, &markdown, Some("chicago-notes.csl")) else {
        return;
    };
    let brief = six("chicago-notes", "refs.json").replace(", ch. 3]", "]");
    let ours = styled(with_refs(&brief));
    // The text with note marks, the bibliography, then the notes as `[1] …`.
    let notes: Vec<String> = theirs
        .iter()
        .filter_map(|p| Some(p.split_once("] ")?.1.to_string()).filter(|_| p.starts_with('[')))
        .collect();
    assert_eq!(notes, texts(&ours));
    let list: Vec<&String> = theirs[1..].iter().filter(|p| !p.starts_with('[')).collect();
    assert_eq!(list, ours.references.iter().collect::<Vec<_>>());
}

#[test]
fn pandoc_citeproc_with_its_own_chicago_style_cites_alike_in_the_text() {
    // Pandoc's built-in style is Chicago author-date of the 17th edition, the archive's of the
    // 18th: the citations in the text agree; the reference lists differ where the editions do
    // (docs/citations.md lists how).
    // (The chapter's locator aside, as above.)
    let test = with_refs(&six("chicago-author-date", "refs.json"));
    let markdown = six_markdown().replace(", ch. 3]", "]");
    let Some(theirs) = pandoc(&test.path(), &markdown, None) else {
        return;
    };
    let brief = six("chicago-author-date", "refs.json").replace(", ch. 3]", "]");
    let ours = styled(with_refs(&brief));
    let text = plain(&ours.data["summary"]["text"][0]["content"]);
    assert_eq!(theirs[0], text);
    assert_eq!(theirs.len() - 1, ours.references.len());
    // Each entry has the same year, and the same letter after it.
    for (theirs, ours) in theirs[1..].iter().zip(&ours.references) {
        let year = |s: &str| {
            s.split(|c: char| !c.is_alphanumeric())
                .find(|w| w.len() >= 4 && w[..4].chars().all(|c| c.is_ascii_digit()))
                .map(str::to_string)
        };
        assert_eq!(year(theirs), year(ours), "{theirs}\n{ours}");
    }
}

// ---- check and pdf agree ----------------------------------------------------------------------

/// A generated CSL-JSON item: known and unknown types, names of every shape, dates in and out
/// of the calendar, ranges, markup, odd values.
fn item() -> impl Strategy<Value = Value> {
    let kind = prop_oneof![
        Just("book"),
        Just("article-journal"),
        Just("chapter"),
        Just("report"),
        Just("webpage"),
        Just("post-weblog"),
        Just("article-newspaper"),
        Just("legislation"),
        Just("reprot"),
    ];
    let text = prop_oneof![
        "[A-Za-z ,.:'’&<>/-]{0,40}",
        "[а-яА-Я ]{1,20}",
        ".{0,20}",
        Just("<i>Homo</i> sapiens".to_string()),
    ];
    let name = prop_oneof![
        (text.clone(), text.clone())
            .prop_map(|(f, g)| serde_json::json!({"family": f, "given": g})),
        text.clone().prop_map(|l| serde_json::json!({"literal": l})),
        Just(
            serde_json::json!({"family": "van Gogh", "non-dropping-particle": "van", "given": "V."})
        ),
        Just(serde_json::json!({})),
        Just(serde_json::json!(7)),
    ];
    let date = prop_oneof![
        (0i64..3000, 0i64..14, 0i64..33)
            .prop_map(|(y, m, d)| serde_json::json!({"date-parts": [[y, m, d]]})),
        (1900i64..2100).prop_map(|y| serde_json::json!({"date-parts": [[y], [y + 1]]})),
        Just(serde_json::json!({"date-parts": [[]]})),
        Just(serde_json::json!({"raw": "2020-02-30/2021"})),
        Just(serde_json::json!({"literal": "Spring"})),
        Just(serde_json::json!("2020")),
    ];
    (
        kind,
        text.clone(),
        prop::collection::vec(name, 0..4),
        prop::option::of(date),
        prop::option::of(text.clone()),
        prop::option::of(prop_oneof![
            Just(serde_json::json!(true)),
            Just(serde_json::json!([1])),
            Just(serde_json::json!(3.5))
        ]),
    )
        .prop_map(|(kind, title, names, date, container, odd)| {
            let mut item = serde_json::json!({"type": kind, "title": title, "author": names});
            if let Some(date) = date {
                item["issued"] = date;
            }
            if let Some(container) = container {
                item["container-title"] = container.into();
            }
            if let Some(odd) = odd {
                item["volume"] = odd;
            }
            item
        })
}

proptest! {
    // Each case runs `check` and `pdf`: about a second.
    #![proptest_config(Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..Config::default()
    })]

    #[test]
    fn check_and_pdf_agree_on_generated_bibliographies(
        items in prop::collection::vec(item(), 1..12),
        cites in prop::collection::vec((0usize..14, prop::option::of("(p\\. |ch\\. |)[0-9]{1,3}"), any::<bool>()), 1..8),
        style in prop_oneof![Just("chicago-notes"), Just("apa"), Just("ieee"), Just("chicago-author-date")],
    ) {
        let items: Vec<Value> = items
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                item["id"] = format!("k{i}").into();
                item
            })
            .collect();
        let text: Vec<String> = cites
            .iter()
            .map(|(i, locator, suppress)| {
                let dash = if *suppress { "-" } else { "" };
                match locator {
                    Some(l) => format!("Claim [{dash}@k{i}, {l}]."),
                    None => format!("Claim [{dash}@k{i}]."),
                }
            })
            .collect();
        let brief = brief_with(style, "gen.json", &text.join(" "));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gen.json"), serde_json::to_string(&items).unwrap()).unwrap();
        std::fs::write(dir.path().join("brief.toml"), &brief).unwrap();
        let run = |args: &[&str]| {
            let output = Command::new(env!("CARGO_BIN_EXE_brief"))
                .args(args)
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            let stderr = String::from_utf8(output.stderr).unwrap();
            (output.status.code(), stderr)
        };
        let (checked, check_err) = run(&["check", "brief.toml"]);
        let (built, pdf_err) = run(&["pdf", "brief.toml", "--quiet"]);
        prop_assert!(!check_err.contains("panicked") && !pdf_err.contains("panicked"), "{check_err}{pdf_err}");
        prop_assert_eq!(checked, built, "check:\n{}\npdf:\n{}", check_err, pdf_err);
        let problems = |s: &str| -> Vec<String> {
            s.split("\n\n")
                .filter(|b| !b.is_empty() && !b.contains("is not a valid brief:") && !b.contains("was not typeset:"))
                .map(str::to_string)
                .collect()
        };
        prop_assert_eq!(problems(&check_err), problems(&pdf_err));
        prop_assert_eq!(dir.path().join("brief.pdf").exists(), built == Some(0));
    }
}

// ---- Whatever a bibliography file holds -------------------------------------------------------

/// A brief citing keys `k0` to `k{n-1}` in `style`, with `references` as its library, as the
/// pipeline prepares it.
fn prepared(
    style: &str,
    n: usize,
    references: Vec<crate::support::library::bibliography::Reference>,
) -> crate::support::library::Brief {
    use crate::support::library::{SourceFile, bibliography, load};
    let text: Vec<String> = (0..n).map(|i| format!("Claim [@k{i}, p. {i}].")).collect();
    let file = SourceFile::new("brief.toml", brief_with(style, "gen.json", &text.join(" ")));
    let (brief, _) = load::load(&file);
    let mut brief = brief.expect("the brief is TOML");
    brief.library = std::sync::Arc::new(bibliography::Library::new(references));
    brief
}

proptest! {
    #![proptest_config(Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..Config::default()
    })]

    #[test]
    fn any_bytes_read_as_a_bibliography_never_panic(text in ".{0,400}") {
        use crate::support::library::{SourceFile, bibliography};
        let file = SourceFile::new("x", text);
        for format in [bibliography::Format::CslJson, bibliography::Format::BibLatex, bibliography::Format::Yaml] {
            let parsed = bibliography::parse(&file, format);
            for diagnostic in &parsed.diagnostics {
                let location = diagnostic.location.as_ref().expect("located");
                prop_assert!(location.span.end <= location.file.text().len());
            }
        }
    }

    #[test]
    fn any_items_are_formatted_in_every_kind_of_style_without_a_panic(
        items in prop::collection::vec(item(), 1..10),
        style in prop_oneof![Just("chicago-notes"), Just("apa"), Just("ieee"), Just("chicago-author-date"), Just("mla")],
    ) {
        use crate::support::library::{Paper, SourceFile, bibliography, data};
        let items: Vec<Value> = items
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                item["id"] = format!("k{i}").into();
                item
            })
            .collect();
        let file = SourceFile::new("gen.json", serde_json::to_string(&items).unwrap());
        let parsed = bibliography::parse(&file, bibliography::Format::CslJson);
        let brief = prepared(style, items.len(), parsed.references);
        let print = data::Print { paper: Paper::A4, bleed_mm: 0.0, booklet: false };
        let document = data::build(&brief, &print, None);
        let citations = document.citations.expect("a citation style");
        prop_assert!(citations.references.len() <= items.len());
    }
}
