//! Labels in the brief's language: every fixed word from one table per language, English with
//! a warning for a language without one, and a table a template folder adds.

use crate::support::Test;

/// A small brief in `language`, with a dated event and a recommendation, so that its labels,
/// month names and date order show.
fn brief(language: &str) -> String {
    format!(
        r#"title = "Brief"
date = 2024-01-15
language = "{language}"

[summary]
text = "Text."
key_points = ["A point."]

[[timeline]]
date = 2023-03-10
title = "An event"

[[recommendations]]
title = "Act"
priority = "high"
"#
    )
}

/// The text of the brief typeset with `template`, each run of spaces (no-break ones too) and
/// line ends as one space, as a date may be broken between lines.
fn words(language: &str, template: &str) -> String {
    let text = Test::new()
        .file("b.toml", brief(language))
        .args(&["pdf", "--quiet", "b.toml", "--template", template])
        .run()
        .pdf("b.pdf")
        .text();
    text.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_lithuanian_brief_prints_lithuanian_labels_and_dates() {
    let paper = words("lt", "paper");
    for word in [
        "SANTRAUKA",
        "PAGRINDINĖS IŠVADOS",
        "Chronologija",
        "Rekomendacijos",
        "Prioritetas",
        "Aukštas",
        "2024 m. sausio 15 d.",
        "2023 m. kovo 10 d.",
        "1 psl. iš 1",
    ] {
        assert!(paper.contains(word), "{word} not in:\n{paper}");
    }
    assert!(!paper.contains("Summary") && !paper.contains("SUMMARY"));
    let memo = words("lt", "memo");
    assert!(memo.contains("VISAS TEKSTAS"), "{memo}");
    let slides = words("lt", "slides");
    assert!(slides.contains("Santrauka") && slides.contains("Chronologija"));
}

#[test]
fn a_polish_brief_prints_polish_labels_and_dates() {
    let paper = words("pl", "paper");
    for word in [
        "STRESZCZENIE",
        "Kalendarium",
        "Rekomendacje",
        "15 stycznia 2024",
        "10 marca 2023",
        "Strona 1 z 1",
    ] {
        assert!(paper.contains(word), "{word} not in:\n{paper}");
    }
}

#[test]
fn an_unsupported_language_gets_english_labels_and_a_warning_at_its_key() {
    let run = Test::new()
        .file("b.toml", brief("eo"))
        .args(&["pdf", "--quiet", "b.toml"])
        .stderr(
            r#"warning: the template has no labels in `eo`: its fixed words ("Summary", "Page 1 of 2", month names) are printed in English
 --> b.toml:3:12
  |
3 | language = "eo"
  |            ^^^^
  = hint: labels exist in be, de, en, fr, lt, pl, ru, uk
  = hint: a translator adds a language as templates/paper/labels/eo.toml (or labels/eo.toml in a template folder), copied from en.toml

"#,
        )
        .run();
    let paper = run.pdf("b.pdf");
    let text = paper.text();
    assert!(
        text.contains("SUMMARY") && text.contains("15 January 2024"),
        "{text}"
    );
    // The text is still marked as Esperanto, for hyphenation and screen readers.
    assert_eq!(paper.lang().as_deref(), Some("eo"));
}

#[test]
fn a_template_folder_adds_a_language_with_one_table() {
    let table = crate::support::repo_file("templates/paper/labels/en.toml")
        .replace("\"Summary\"", "\"Resumo\"")
        .replace("\"January\"", "\"januaro\"");
    let run = Test::new()
        .file("b.toml", brief("eo"))
        .file("house/labels/eo.toml", table)
        .args(&["pdf", "--quiet", "b.toml", "--template", "house"])
        .run();
    let text = run.pdf("b.pdf").text();
    assert!(
        text.contains("RESUMO") && text.contains("15 januaro 2024"),
        "{text}"
    );
}

#[test]
fn the_belarusian_brief_speaks_belarusian_in_every_shape_with_every_glyph() {
    let text = crate::support::repo_file("briefs/belarus-be.toml");
    for template in ["paper", "memo", "slides"] {
        // No warning at all: no missing glyph, no missing labels.
        let run = Test::new()
            .file("belarus-be.toml", &text)
            .args(&["pdf", "--quiet", "belarus-be.toml", "--template", template])
            .run();
        let pdf = run.pdf("belarus-be.pdf");
        assert_eq!(pdf.lang().as_deref(), Some("be"), "{template}");
        let words = pdf
            .text()
            .split(char::is_whitespace)
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let labels: &[&str] = match template {
            "paper" => &[
                "ГАЛОЎНАЕ",
                "Храналогія",
                "Рэкамендацыі",
                "Заўвагі",
                "Старонка 1 з 10",
                "10 сакавіка 2022",
                "24 лютага 2022",
                "Прыярытэт",
            ],
            "memo" => &[
                "Галоўнае",
                "Рэкамендацыі",
                "ПОЎНЫ ТЭКСТ",
                "Старонка 1 з 2",
                "1 сакавіка 2022",
            ],
            _ => &[
                "Галоўнае",
                "Асноўныя ўдзельнікі",
                "Храналогія",
                "Крыніцы",
                "(працяг)",
                "жнівень 2020",
            ],
        };
        for label in labels {
            assert!(
                words.contains(label),
                "{template}: {label} not in:\n{words}"
            );
        }
        for english in [
            "Summary", "SUMMARY", "Timeline", "Page ", "March", "February",
        ] {
            assert!(!words.contains(english), "{template}: {english}");
        }
    }
}

/// Every English label of the built-in tables that Belarusian words differently, flattened:
/// none of them may be on a Belarusian brief's page, site or redline.
fn english_only_labels() -> Vec<String> {
    fn flat(value: &toml::Value, path: &str, out: &mut Vec<(String, String)>) {
        match value {
            toml::Value::String(s) => out.push((path.to_string(), s.clone())),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    flat(v, &format!("{path}.{k}"), out);
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    flat(v, &format!("{path}.{i}"), out);
                }
            }
            _ => {}
        }
    }
    let table = |lang: &str| {
        let text = crate::support::repo_file(&format!("templates/paper/labels/{lang}.toml"));
        let mut out = vec![];
        flat(&toml::from_str(&text).unwrap(), "", &mut out);
        out
    };
    let be = table("be");
    table("en")
        .into_iter()
        .filter(|(key, english)| be.iter().any(|(k, b)| k == key && b != english))
        // A line with a number to fill is looked for up to its first `{`.
        .map(|(_, english)| english.split('{').next().unwrap().trim().to_string())
        .filter(|english| english.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .collect()
}

/// Whether `word` (letters) stands in `text` as a word of its own.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// What a page or feed says to a reader: its text between tags (none of its style sheet, fonts
/// or JSON-LD) and the attributes read out (`aria-label`, `alt`, `title`).
fn shown(markup: &str) -> String {
    let mut out = String::new();
    let mut rest = markup;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[open..];
        let close = if rest.starts_with("<style") {
            "</style>"
        } else if rest.starts_with("<script") {
            "</script>"
        } else {
            ">"
        };
        let end = rest.find(close).map_or(rest.len(), |at| at + close.len());
        let tag = &rest[..end];
        for name in ["aria-label", "alt", "title"] {
            let attribute = format!(" {name}=\"");
            if let Some(at) = tag.find(&attribute).filter(|_| close == ">") {
                let value = &tag[at + attribute.len()..];
                out.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                out.push(' ');
            }
        }
        rest = &rest[end..];
    }
    out + rest
}

#[test]
fn a_belarusian_briefs_redline_page_site_and_feed_are_in_belarusian() {
    let old = crate::support::repo_file("briefs/belarus-be.toml");
    let new = old.replacen(
        "heading = \"Межы ўдзелу Лукашэнкі\"",
        "heading = \"Межы ўдзелу Аляксандра Лукашэнкі\"",
        1,
    );
    assert_ne!(old, new);
    let english = english_only_labels();
    assert!(english.iter().any(|e| e == "Redline"), "{english:?}");

    // The redline: its summary box, its count and its tags.
    let run = Test::new()
        .file("old.toml", &old)
        .file("new.toml", &new)
        .args(&["diff", "old.toml", "new.toml", "-o", "redline.pdf"])
        .run();
    let text = run.pdf("redline.pdf").text();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for belarusian in [
        "ПАРАЎНАННЕ ВЕРСІЙ",
        "Змены ад old.toml да new.toml",
        "Раздзелы: змененыя — 1",
        "Зменена Раздзел",
        "ЗМЕНЕНА",
        "раней Межы ўдзелу Лукашэнкі",
    ] {
        assert!(
            text.contains(belarusian),
            "{belarusian:?} not in the redline:\n{text}"
        );
    }
    for word in &english {
        assert!(!has_word(&text, word), "{word:?} in the redline:\n{text}");
    }

    // The site of the Belarusian brief: its index, feed and page.
    let run = Test::new()
        .file("briefs/belarus-be.toml", &old)
        .args(&[
            "site",
            "briefs",
            "--out-dir",
            "public",
            "--publish-marking",
            "Для публікацыі",
            "--base-url",
            "https://example.org/briefs/",
            "--quiet",
        ])
        .run();
    let index = String::from_utf8(run.read("public/index.html")).unwrap();
    assert!(index.contains("<html lang=\"be\" dir=\"ltr\">"), "{index}");
    assert!(
        index.contains("<title>Аналітычныя запіскі</title>"),
        "{index}"
    );
    assert!(index.contains("Стужка Atom"), "{index}");
    let feed = String::from_utf8(run.read("public/feed.xml")).unwrap();
    assert!(feed.contains("xml:lang=\"be\""), "{feed}");
    assert!(
        feed.contains("<title>Аналітычныя запіскі</title>"),
        "{feed}"
    );
    let page = String::from_utf8(run.read("public/belarus-be.html")).unwrap();
    for (name, text) in [("index", &index), ("feed", &feed), ("page", &page)] {
        let text = shown(text);
        for word in &english {
            assert!(!has_word(&text, word), "{word:?} in the {name}");
        }
    }
}

#[test]
fn a_cyrillic_letter_with_a_titlo_prints_in_every_shape() {
    // The titlo (U+0483) is in Noto Sans, not Charis SIL: the letter and its mark are set
    // together from Noto Sans (found by fuzzing: `check` passed, `pdf` refused both as empty
    // boxes, located at the first `д` of the brief).
    let text = brief("be").replace("\"Brief\"", "\"Пра нафтапрад\u{0483}ктаў\"");
    for template in ["paper", "memo", "slides"] {
        // Exit 0, nothing said (no warning).
        let out = Test::new()
            .file("b.toml", &text)
            .args(&["pdf", "--quiet", "b.toml", "--template", template])
            .run();
        // Its text is there (a viewer's extraction may split the cluster, which is set from
        // another font than the letters around it).
        let printed = out.pdf("b.pdf").text();
        for part in ["нафтапра", "д\u{0483}", "ктаў"] {
            assert!(printed.contains(part), "{template}: {part} in {printed}");
        }
    }
    Test::new()
        .file("b.toml", &text)
        .args(&["check", "b.toml"])
        .stderr("")
        .run();
}
