//! Classification markings and provenance on paper: a scheme's level at the top and bottom of
//! every page and in the metadata, and the QR code of the brief's URL, decoded from the page.

use crate::support::{Pdf, Test, repo_file};
use crate::tools::tool;

/// The Belarus briefing with its classification replaced and extra top-level keys.
fn belarus_with(classification: &str, extra: &str) -> String {
    let brief = repo_file("briefs/belarus.toml");
    let marked = brief.replacen(
        "classification = \"Public\"",
        &format!("classification = \"{classification}\"\n{extra}"),
        1,
    );
    assert_ne!(
        brief, marked,
        "the Belarus brief has a classification to replace"
    );
    marked
}

fn typeset(brief: &str) -> Pdf {
    Test::new()
        .file("belarus.toml", brief)
        .args(&["pdf", "--quiet", "belarus.toml"])
        .run()
        .pdf("belarus.pdf")
}

/// The text of each page, its lines trimmed.
fn pages(pdf: &Pdf) -> Vec<Vec<String>> {
    pdf.text()
        .split('\u{c}')
        .map(|page| {
            page.lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect()
}

#[track_caller]
fn assert_marked_top_and_bottom(pdf: &Pdf, marking: &str) {
    for (i, lines) in pages(pdf).iter().enumerate() {
        let at: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.as_str() == marking)
            .map(|(n, _)| n)
            .collect();
        // The running head is laid out first and the foot last.
        assert!(
            at.len() == 2 && at[0] <= 1 && at[1] == lines.len() - 1,
            "page {}: `{marking}` at lines {at:?} of {}:\n{lines:#?}",
            i + 1,
            lines.len()
        );
    }
}

#[test]
fn a_tlp_amber_brief_is_marked_on_every_page_in_amber_on_black() {
    let pdf = typeset(&belarus_with("tlp:amber", ""));
    assert!(pdf.page_count() > 1);
    assert_marked_top_and_bottom(&pdf, "TLP:AMBER");
    let keywords = pdf.info("Keywords").unwrap_or_default();
    assert!(keywords.contains("TLP:AMBER"), "keywords: {keywords}");
    // The label's letters are amber (255, 192, 0), as TLP 2.0 prescribes (on black).
    let fills: Vec<Vec<f64>> = pdf
        .operations()
        .into_iter()
        .flatten()
        .filter(|(op, _)| ["sc", "scn", "rg", "g"].contains(&op.as_str()))
        .map(|(_, args)| args.iter().map(crate::support::pdf::number).collect())
        .collect();
    let near = |a: &[f64], b: &[f64]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.005)
    };
    assert!(
        fills.iter().any(|f| near(f, &[1.0, 192.0 / 255.0, 0.0])),
        "no amber fill: {fills:?}"
    );
}

#[test]
fn a_uk_level_is_set_as_the_scheme_writes_it_on_every_page() {
    let pdf = typeset(&belarus_with("Official Sensitive", ""));
    assert_marked_top_and_bottom(&pdf, "OFFICIAL-SENSITIVE");
    assert!(
        pdf.info("Keywords")
            .unwrap_or_default()
            .contains("OFFICIAL-SENSITIVE")
    );
}

#[test]
fn free_text_is_no_scheme_and_stays_as_written() {
    let pdf = typeset(&belarus_with("Internal – not for quotation", ""));
    let text = pdf.text();
    assert!(text.contains("INTERNAL – NOT FOR QUOTATION"), "{text}");
    assert!(
        !pdf.info("Keywords")
            .unwrap_or_default()
            .contains("INTERNAL")
    );
}

/// Decodes every QR code on one page rendered by poppler, or None without poppler.
fn qr_codes(pdf: &[u8], page: usize) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("paper.pdf"), pdf).unwrap();
    let page = page.to_string();
    let args = [
        "-gray",
        "-r",
        "150",
        "-f",
        &page,
        "-l",
        &page,
        "-singlefile",
        "paper.pdf",
        "page",
    ];
    let (ok, text) = tool("pdftoppm", &args, dir.path())?;
    assert!(ok, "pdftoppm: {text}");
    let pgm = std::fs::read(dir.path().join("page.pgm")).unwrap();
    let (width, height, pixels) = parse_pgm(&pgm);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| pixels[y * width + x]);
    Some(
        image
            .detect_grids()
            .into_iter()
            .map(|grid| grid.decode().expect("a QR code found decodes").1)
            .collect(),
    )
}

/// A binary PGM (P5, 8 bits) as width, height and pixels.
fn parse_pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = vec![];
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
    assert_eq!((fields[0].as_str(), fields[3].as_str()), ("P5", "255"));
    let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (width, height, &bytes[at + 1..at + 1 + width * height])
}

#[test]
fn the_qr_code_on_the_last_page_decodes_to_the_brief_url() {
    let url = "https://example.org/briefs/belarus?v=2.1";
    let brief = belarus_with("Public", &format!("url = \"{url}\"\nversion = \"2.1\""));
    let out = Test::new()
        .file("belarus.toml", brief)
        .args(&["pdf", "--quiet", "belarus.toml"])
        .run();
    let bytes = out.read("belarus.pdf");
    let pdf = Pdf::load(&bytes);
    let last = pdf.page_count();
    let text = pages(&pdf)[last - 1].join("\n");
    for needle in [
        "Version 2.1",
        "Typeset from the brief of 10 March 2022",
        url,
    ] {
        assert!(
            text.contains(needle),
            "`{needle}` not on the last page:\n{text}"
        );
    }
    assert!(pdf.link_uris().iter().any(|u| u == url));
    if let Some(codes) = qr_codes(&bytes, last) {
        assert_eq!(codes, vec![url.to_string()]);
    }
}

#[test]
fn a_brief_without_a_url_has_no_qr_code() {
    let brief = belarus_with("Public", "version = \"2.1\"");
    let out = Test::new()
        .file("belarus.toml", brief)
        .args(&["pdf", "--quiet", "belarus.toml"])
        .run();
    let bytes = out.read("belarus.pdf");
    let pdf = Pdf::load(&bytes);
    let last = pdf.page_count();
    let text = pages(&pdf)[last - 1].join("\n");
    assert!(text.contains("Version 2.1"), "{text}");
    assert!(!text.contains("THE CURRENT VERSION"), "{text}");
    if let Some(codes) = qr_codes(&bytes, last) {
        assert_eq!(codes, Vec::<String>::new());
    }
}

#[test]
fn a_typst_project_carries_the_qr_code_beside_the_data() {
    let url = "https://example.org/briefs/belarus";
    let out = Test::new()
        .file(
            "belarus.toml",
            belarus_with("TLP:GREEN", &format!("url = \"{url}\"")),
        )
        .args(&["typ", "belarus.toml", "-o", "project"])
        .any_stderr()
        .run();
    let svg = String::from_utf8(out.read("project/qr.svg")).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<path"), "{svg}");
    assert_eq!(out.read("project/copy.json"), b"null");
    let data: serde_json::Value = serde_json::from_slice(&out.read("project/brief.json")).unwrap();
    assert_eq!(data["meta"]["qr"], "/qr.svg");
    assert_eq!(data["meta"]["url"], url);
    assert_eq!(data["meta"]["marking"]["level"], "GREEN");
}

/// The words poppler finds on each page that reach beyond its edges, with the page's number
/// (or None without poppler): text that runs off the paper.
fn words_off_the_page(pdf: &[u8]) -> Option<Vec<(usize, String)>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("paper.pdf"), pdf).unwrap();
    let (ok, text) = tool(
        "pdftotext",
        &["-bbox", "paper.pdf", "words.html"],
        dir.path(),
    )?;
    assert!(ok, "pdftotext: {text}");
    let html = std::fs::read_to_string(dir.path().join("words.html")).unwrap();
    let attribute = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[start..].split('"').next().unwrap().parse().unwrap()
    };
    let mut off = vec![];
    let mut page = 0;
    let mut width = 0.0;
    for tag in html.split('<').skip(1) {
        if tag.starts_with("page ") {
            page += 1;
            width = attribute(tag, "width");
        } else if tag.starts_with("word ") {
            let (x_min, x_max) = (attribute(tag, "xMin"), attribute(tag, "xMax"));
            if x_min < 0.0 || x_max > width {
                off.push((page, tag.split('>').nth(1).unwrap_or("").to_string()));
            }
        }
    }
    Some(off)
}

#[test]
fn a_long_address_wraps_beside_its_qr_code_and_stays_on_the_page() {
    let ascii = format!(
        "https://example.org/briefs/{}?utm_source=print&id={}",
        "belarus-elections-observation/".repeat(20),
        "0123456789abcdef".repeat(8)
    );
    let cyrillic = format!(
        "https://be.example.org/{}",
        "Прэзідэнцкія_выбары_ў_Беларусі_назіранне_".repeat(12)
    );
    for url in [ascii, cyrillic] {
        assert!(url.len() <= 2331, "{}", url.len());
        for paper in ["a4", "us-letter"] {
            let brief = belarus_with("Public", &format!("url = \"{url}\"\npaper = \"{paper}\""));
            let out = Test::new()
                .file("belarus.toml", brief)
                .args(&["pdf", "--quiet", "belarus.toml"])
                .run();
            let bytes = out.read("belarus.pdf");
            let pdf = Pdf::load(&bytes);
            assert!(pdf.link_uris().contains(&url), "{paper}");
            if let Some(off) = words_off_the_page(&bytes) {
                assert_eq!(off, vec![], "{paper}: {url}");
            }
        }
    }
}

#[test]
fn a_marking_of_sixty_characters_is_on_every_page_and_on_the_paper() {
    let marking = "EMBARGOED UNTIL 00:01 CEST, WEDNESDAY 15 MAY – NOT FOR WIRES";
    assert_eq!(marking.chars().count(), 60);
    // Sixty of the widest capital, which no line can break, are the worst case.
    for (level, paper) in [
        (marking.to_string(), "a4"),
        ("W".repeat(60), "a4"),
        ("W".repeat(60), "us-letter"),
    ] {
        let brief = belarus_with(&level, &format!("paper = \"{paper}\""));
        let out = Test::new()
            .file("belarus.toml", brief)
            .args(&["pdf", "--quiet", "belarus.toml"])
            .run();
        let bytes = out.read("belarus.pdf");
        let pdf = Pdf::load(&bytes);
        for (i, lines) in pages(&pdf).iter().enumerate() {
            let count = lines.iter().filter(|l| **l == level).count();
            // Free text is marked at the top of the first page, at top and bottom of the rest.
            let expected = if i == 0 { 1 } else { 2 };
            assert_eq!(count, expected, "page {}: {lines:#?}", i + 1);
        }
        if let Some(off) = words_off_the_page(&bytes) {
            assert_eq!(off, vec![], "{level}");
        }
    }
}
