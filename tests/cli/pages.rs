//! Pages without waste, measured from the rendered pages: the deck's slides fill their height,
//! no page of a paper or memo is left nearly empty, a numbered copy's foot keeps to two lines,
//! and the deck's speaker notes (`.pdfpc`) hold each section's full text.
//!
//! The measure: a page is rendered by `brief png` at 72 pixels per inch; a row of pixels is
//! inked when any pixel in it is darker than a light grey (so the tint of the summary box and
//! the actor cards is ground, and text and rules on it are ink). The fill of a page is the
//! height from its first to its last inked row inside the text area (the page less its top
//! and bottom margins, where the running head and foot and the markings sit), as a share of
//! that area's height. A page whose text stops a third of the way down fills a third.

use crate::support::{Test, fixture, repo_file};
use crate::tools::tool;

/// A page's height and the top and bottom margins of its text area, in millimetres, as
/// `templates/paper/theme.typ` sets them (`measure.margin-*`, `slides.page`, `slides.margin`).
#[derive(Clone, Copy)]
struct Area {
    height: f64,
    top: f64,
    bottom: f64,
}

const A4: Area = Area {
    height: 297.0,
    top: 24.0,
    bottom: 24.0,
};
const SLIDE: Area = Area {
    height: 167.0625,
    top: 24.0,
    bottom: 16.0,
};

/// Darker than this (of 255) is ink; the theme's tint is luma 95 % (242).
const INK: u8 = 200;

/// The rows of a grayscale picture that hold ink.
fn inked_rows(width: usize, height: usize, gray: &[u8]) -> Vec<bool> {
    (0..height)
        .map(|y| gray[y * width..(y + 1) * width].iter().any(|&v| v < INK))
        .collect()
}

/// The fill of one page, 0 to 1, from its inked rows.
fn fill_of(rows: &[bool], area: Area) -> f64 {
    let scale = rows.len() as f64 / area.height;
    let top = (area.top * scale).ceil() as usize;
    let bottom = ((area.height - area.bottom) * scale).floor() as usize;
    let inked: Vec<usize> = (top..bottom).filter(|&y| rows[y]).collect();
    match (inked.first(), inked.last()) {
        (Some(first), Some(last)) => (last - first + 1) as f64 / (bottom - top) as f64,
        _ => 0.0,
    }
}

/// Decodes a PNG written by `brief png` into gray levels.
fn gray_png(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("brief wrote a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a picture of sane size")];
    let info = reader.next_frame(&mut buffer).expect("the PNG decodes");
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let gray = buffer[..info.buffer_size()]
        .chunks(channels)
        .map(|px| match channels {
            1 | 2 => px[0],
            // Over white, as a page is read: a transparent pixel is paper.
            4 if px[3] == 0 => 255,
            _ => ((u32::from(px[0]) * 3 + u32::from(px[1]) * 6 + u32::from(px[2])) / 10) as u8,
        })
        .collect();
    (width, height, gray)
}

/// Every page's fill, in page order, for a brief typeset with a template.
fn fills(name: &str, text: &str, template: &str, area: Area) -> Vec<f64> {
    let run = Test::new()
        .file(name, text)
        .args(&[
            "png",
            "--quiet",
            name,
            "--template",
            template,
            "--ppi",
            "72",
            "--out-dir",
            "pages",
        ])
        .any_stderr()
        .run();
    let stem = name.trim_end_matches(".toml");
    (1..)
        .map(|n| run.path(&format!("pages/{stem}-{n}.png")))
        .take_while(|path| path.exists())
        .map(|path| {
            let (width, height, gray) = gray_png(&std::fs::read(path).unwrap());
            fill_of(&inked_rows(width, height, &gray), area)
        })
        .collect()
}

fn percent(fills: &[f64]) -> String {
    fills
        .iter()
        .map(|f| format!("{:.0}%", f * 100.0))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The Belarus brief and the fixture briefs the shapes are tried on.
fn briefs() -> Vec<(String, String)> {
    let mut briefs = vec![("belarus.toml".to_string(), repo_file("briefs/belarus.toml"))];
    for name in ["cyrillic", "injection", "long", "minimal", "symbols"] {
        let file = format!("{name}.toml");
        briefs.push((file.clone(), fixture(&file)));
    }
    briefs
}

#[test]
fn the_belarus_decks_are_twelve_to_sixteen_slides_each_filled_above_two_fifths() {
    for name in ["belarus.toml", "belarus-be.toml"] {
        let text = repo_file(&format!("briefs/{name}"));
        let fills = fills(name, &text, "slides", SLIDE);
        eprintln!("{name}: {} slides: {}", fills.len(), percent(&fills));
        // A deck for a briefing of 15 to 20 minutes, not the paper cut into slides.
        assert!(
            (12..=16).contains(&fills.len()),
            "{name}: {} slides: {}",
            fills.len(),
            percent(&fills)
        );
        // The title slide is composed on its own terms; every other slide uses its height.
        assert_filled(name, &fills);
    }
}

/// Every slide but the title slide filled above two fifths of its height.
#[track_caller]
fn assert_filled(name: &str, fills: &[f64]) {
    for (i, fill) in fills.iter().enumerate().skip(1) {
        assert!(
            *fill > 0.40,
            "{name}: slide {} fills {:.0}%: {}",
            i + 1,
            fill * 100.0,
            percent(fills)
        );
    }
}

#[test]
fn every_fixture_deck_fills_each_slide_but_the_title_above_two_fifths() {
    for (name, text) in briefs().into_iter().skip(1) {
        let fills = fills(&name, &text, "slides", SLIDE);
        eprintln!("{name}: {} slides: {}", fills.len(), percent(&fills));
        assert_filled(&name, &fills);
    }
}

#[test]
fn no_page_of_a_paper_or_memo_is_filled_less_than_a_quarter() {
    for (name, text) in briefs() {
        for template in ["paper", "memo"] {
            let fills = fills(&name, &text, template, A4);
            eprintln!("{name} {template}: {}", percent(&fills));
            // A paper of one page ends where it ends.
            if fills.len() == 1 {
                continue;
            }
            for (i, fill) in fills.iter().enumerate() {
                assert!(
                    *fill >= 0.25,
                    "{name} as {template}: page {} fills {:.0}%: {}",
                    i + 1,
                    fill * 100.0,
                    percent(&fills)
                );
            }
        }
    }
}

/// The notes file of the Belarus deck, parsed.
fn belarus_notes() -> (usize, serde_json::Value) {
    let run = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .args(&["pdf", "--quiet", "belarus.toml", "--template", "slides"])
        .run();
    let pages = run.pdf("belarus.pdf").page_count();
    let notes = serde_json::from_slice(&run.read("belarus.pdfpc")).expect("the .pdfpc is JSON");
    (pages, notes)
}

#[test]
fn the_deck_has_a_pdfpc_file_with_each_sections_full_text() {
    let (pages, notes) = belarus_notes();
    assert_eq!(notes["pdfpcFormat"], 2);
    let entries = notes["pages"].as_array().unwrap();
    assert_eq!(entries.len(), pages);
    for (i, entry) in entries.iter().enumerate() {
        assert_eq!(entry["idx"], i);
        assert_eq!(entry["label"], (i + 1).to_string());
        assert_eq!(entry["overlay"], 0);
    }
    let noted: Vec<&str> = entries.iter().filter_map(|e| e["note"].as_str()).collect();
    // Each section's note opens with its heading and holds its last words: the whole text,
    // with its typography, without citation marks.
    for (heading, last_words) in [
        (
            "What Moscow wants from Belarus",
            "may already be turning into a de facto extension of Russia.",
        ),
        (
            "From balancing to dependence, 2014–2022",
            "accepting the peninsula as de facto Russian territory.",
        ),
        (
            "Military concessions: Belarus as a staging ground",
            "could take Russian nuclear weapons if required.",
        ),
        (
            "The limits of Lukashenka’s involvement",
            "before going further down that road.",
        ),
        (
            "A society that says no",
            "3. stopping the regime from assisting Russia’s aggression against Ukraine.",
        ),
    ] {
        let note = noted
            .iter()
            .find(|n| n.starts_with(heading))
            .unwrap_or_else(|| panic!("no note for {heading}: {noted:#?}"));
        // The section's text, then its citation style's notes, which the slides leave out.
        let (text, notes) = note.split_once("\n\nNotes\n").unwrap_or((note, ""));
        assert!(text.trim_end().ends_with(last_words), "{note}");
        assert!(!note.contains("[@"), "{note}");
        assert!(notes.lines().all(|n| n.contains("Leukavets")), "{note}");
    }
}

/// Letters and digits only, lower-cased: text compared whatever its line breaks, hyphens,
/// quotes and spacing on a slide or in a note.
fn bare(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[test]
fn nothing_leaves_the_belarus_slides_but_into_the_speaker_notes() {
    let source = repo_file("briefs/belarus.toml");
    let run = Test::new()
        .file("belarus.toml", &source)
        .args(&["pdf", "--quiet", "belarus.toml", "--template", "slides"])
        .run();
    let slides = bare(&run.pdf("belarus.pdf").text());
    let notes: serde_json::Value = serde_json::from_slice(&run.read("belarus.pdfpc")).unwrap();
    let notes = bare(
        &notes["pages"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["note"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let brief: toml::Table = toml::from_str(&source).unwrap();
    let strings = |table: &str, key: &str| -> Vec<String> {
        // The Belarus brief's sources are in its bibliography file, not [[sources]].
        brief
            .get(table)
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
            .filter_map(|item| item.get(key).and_then(|v| v.as_str()).map(str::to_string))
            .collect()
    };
    // Rich text is compared without its citations (`[@key]`, `[a prefix @key]`).
    let uncited = |text: &str| {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('[') {
            let Some(end) = rest[at..].find(']').map(|end| at + end) else {
                break;
            };
            out.push_str(&rest[..at]);
            if !rest[at..end].contains('@') {
                out.push_str(&rest[at..=end]);
            }
            rest = &rest[end + 1..];
        }
        out + rest
    };
    let summary = &brief["summary"];
    let mut shown: Vec<String> = summary["key_points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    shown.extend(strings("actors", "name"));
    shown.extend(strings("timeline", "title"));
    shown.extend(strings("recommendations", "title"));
    shown.extend(strings("sources", "title"));
    let references: serde_json::Value =
        serde_json::from_str(&repo_file("briefs/belarus-references.json")).unwrap();
    shown.extend(
        references
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_string()),
    );
    for figure in brief["figures"].as_array().unwrap() {
        for row in figure["rows"].as_array().into_iter().flatten() {
            for cell in row.as_array().unwrap() {
                shown.push(cell.as_str().unwrap().to_string());
            }
        }
    }
    for item in &shown {
        assert!(slides.contains(&bare(item)), "not on a slide: {item}");
    }
    let mut spoken = vec![uncited(summary["text"].as_str().unwrap())];
    spoken.extend(strings("actors", "role"));
    spoken.extend(strings("actors", "description").iter().map(|d| uncited(d)));
    spoken.extend(
        strings("timeline", "description")
            .iter()
            .map(|d| uncited(d)),
    );
    spoken.extend(
        strings("recommendations", "body")
            .iter()
            .map(|b| uncited(b)),
    );
    for item in &spoken {
        let item = bare(item.replace(['*', '_'], "").as_str());
        assert!(
            notes.contains(&item) || slides.contains(&item),
            "neither on a slide nor in the notes: {item}"
        );
    }
}

#[test]
fn a_paper_has_no_notes_file() {
    let run = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .args(&["pdf", "--quiet", "belarus.toml"])
        .run();
    assert_eq!(
        run.files(),
        vec!["belarus-references.json", "belarus.pdf", "belarus.toml"]
    );
}

/// The lines of ink in the bottom margin of each page of a PDF, rendered by poppler; None
/// without poppler (CI requires it).
fn foot_lines(dir: &std::path::Path, pdf: &str) -> Option<Vec<usize>> {
    let (ok, text) = tool("pdftoppm", &["-gray", "-r", "72", pdf, "foot"], dir)?;
    assert!(ok, "pdftoppm: {text}");
    let mut pictures: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
        .collect();
    pictures.sort();
    Some(
        pictures
            .iter()
            .map(|path| {
                let bytes = std::fs::read(path).unwrap();
                let (width, height, gray) = parse_pgm(&bytes);
                let rows = inked_rows(width, height, gray);
                let foot = ((A4.height - A4.bottom) / A4.height * height as f64).ceil() as usize;
                // A line is a run of inked rows.
                rows[foot..]
                    .iter()
                    .zip(std::iter::once(&false).chain(&rows[foot..]))
                    .filter(|(now, before)| **now && !**before)
                    .count()
            })
            .collect(),
    )
}

/// A binary PGM (P5, 8 bits) as poppler writes it.
fn parse_pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_string());
    }
    let width: usize = fields[1].parse().unwrap();
    let height: usize = fields[2].parse().unwrap();
    (width, height, &bytes[at + 1..at + 1 + width * height])
}

#[test]
fn a_numbered_copys_foot_keeps_to_two_lines() {
    let run = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file(
            "list.csv",
            "name,organisation,note\nA. Recipient,\"Ministry of Foreign Affairs, Eastern desk\",\n",
        )
        .args(&[
            "pdf",
            "--quiet",
            "belarus.toml",
            "--recipients",
            "list.csv",
            "--out-dir",
            "out",
        ])
        .any_stderr()
        .run();
    let Some(lines) = foot_lines(&run.path("out"), "belarus-copy-01.pdf") else {
        return;
    };
    eprintln!("lines in the foot of each page: {lines:?}");
    assert!(lines.iter().all(|&n| (1..=2).contains(&n)), "{lines:?}");
}

#[test]
fn the_closing_matter_never_stands_alone_on_a_last_page() {
    // The Belarus brief's disclaimer cites its source: the note it puts at the foot of the
    // page is room the end needs too. Whatever page the disclaimer falls on, the end's last
    // part (about the author and the publisher) is on it with it.
    let out = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file(
            "belarus-references.json",
            repo_file("briefs/belarus-references.json"),
        )
        .args(&["pdf", "belarus.toml", "--quiet"])
        .run();
    let text = out.pdf("belarus.pdf").text();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let squeezed = |page: &str| page.split_whitespace().collect::<Vec<_>>().join(" ");
    let with_disclaimer = pages
        .iter()
        .position(|p| squeezed(p).contains("The views set out in this paper"))
        .expect("the disclaimer is printed");
    let page = squeezed(pages[with_disclaimer]);
    assert!(
        page.contains("Kennan Institute The Kennan Institute"),
        "{page}"
    );
    assert_eq!(
        with_disclaimer,
        pages.len() - 1,
        "the disclaimer ends the paper"
    );
}
