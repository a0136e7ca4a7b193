//! Print and archive: PDF/A and PDF/UA by default, librarian's metadata, the brief attached on
//! request, paper sizes, bleed and booklets, and quotation marks in the brief's language.

use crate::support::{Output, Pdf, Test, fixture, repo_file};

const A4: (f64, f64) = (595.276, 841.89);
const MM: f64 = 72.0 / 25.4;

#[track_caller]
fn belarus(args: &[&str]) -> Output {
    let mut all = vec!["pdf", "belarus.toml", "--quiet"];
    all.extend_from_slice(args);
    Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .args(&all)
        .run()
}

#[track_caller]
fn xmp_says(pdf: &Pdf, fragment: &str) -> bool {
    let xmp = pdf.xmp().expect("the PDF has XMP metadata");
    xmp.contains(fragment)
}

#[test]
fn by_default_a_paper_is_pdf_a_2b_and_pdf_ua_1_tagged_and_fully_embedded() {
    let pdf = belarus(&[]).pdf("belarus.pdf");
    assert!(
        xmp_says(&pdf, "<pdfaid:part>2</pdfaid:part>"),
        "{}",
        pdf.xmp().unwrap()
    );
    assert!(xmp_says(&pdf, "<pdfaid:conformance>B</pdfaid:conformance>"));
    assert!(xmp_says(&pdf, "<pdfuaid:part>1</pdfuaid:part>"));
    assert!(pdf.is_tagged(), "no structure tree");
    assert_eq!(pdf.lang().as_deref(), Some("en"));
    for (name, embedded) in pdf.fonts() {
        assert!(embedded, "{name} is not embedded");
        let (tag, _) = name
            .split_once('+')
            .unwrap_or_else(|| panic!("{name} is not subset"));
        assert!(
            tag.len() == 6 && tag.chars().all(|c| c.is_ascii_uppercase()),
            "{name} is not subset"
        );
    }
    // What a librarian catalogues, in the XMP as in the document information.
    for fragment in [
        "Belarus and the War in Ukraine: A Captured Regime, a Resisting Society",
        "<rdf:li>Alla Leukavets</rdf:li>",
        "How Minsk became Moscow",
        "Union State",
        "<dc:language><rdf:Bag><rdf:li>en</rdf:li>",
        "<dc:publisher><rdf:Bag><rdf:li>Kennan Institute</rdf:li></rdf:Bag></dc:publisher>",
        "2022-03-10",
    ] {
        assert!(xmp_says(&pdf, fragment), "XMP lacks {fragment:?}");
    }
}

#[test]
fn the_standard_can_be_chosen_or_dropped() {
    let none = belarus(&["--pdf-standard", "none"]).pdf("belarus.pdf");
    assert!(!xmp_says(&none, "pdfaid:part"));
    assert!(none.is_tagged(), "papers stay tagged without a standard");
    let ua = belarus(&["--pdf-standard", "ua-1"]).pdf("belarus.pdf");
    assert!(xmp_says(&ua, "<pdfuaid:part>1</pdfuaid:part>") && !xmp_says(&ua, "pdfaid:part"));
    let both = belarus(&["--pdf-standard", "a-3b,ua-1"]).pdf("belarus.pdf");
    assert!(
        xmp_says(&both, "<pdfaid:part>3</pdfaid:part>")
            && xmp_says(&both, "<pdfuaid:part>1</pdfuaid:part>")
    );

    Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "--pdf-standard", "none,ua-1"])
        .status(2)
        .stderr("error: --pdf-standard none cannot be combined with other standards\n\n")
        .run();
    Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "--pdf-standard", "a-2b", "--embed-source"])
        .status(2)
        .stderr("error: --embed-source attaches a file, which PDF/A-2b does not allow; use --pdf-standard a-3b,ua-1\n\n")
        .run();
}

#[test]
fn the_brief_travels_inside_the_paper_byte_for_byte() {
    // A byte-order mark and CRLF line ends must survive too.
    let source = format!("\u{feff}{}", fixture("symbols.toml").replace('\n', "\r\n"));
    let out = Test::new()
        .file("b.toml", &source)
        .args(&["pdf", "b.toml", "--embed-source"])
        .any_stderr()
        .run();
    let pdf = out.pdf("b.pdf");
    assert!(xmp_says(&pdf, "<pdfaid:part>3</pdfaid:part>"));
    assert_eq!(
        pdf.attachments(),
        [("b.toml".to_string(), source.into_bytes())]
    );
    let plain = Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "--quiet"])
        .run();
    assert!(plain.pdf("minimal.pdf").attachments().is_empty());
}

#[test]
fn paper_sizes_and_bleed() {
    let letter = belarus(&["--paper", "us-letter"]).pdf("belarus.pdf");
    for (w, h) in letter.page_sizes() {
        assert!(
            (w - 612.0).abs() < 0.01 && (h - 792.0).abs() < 0.01,
            "{w} x {h}"
        );
    }
    let bled = belarus(&["--bleed", "3"]).pdf("belarus.pdf");
    for ((w, h), trim) in bled.page_sizes().into_iter().zip(bled.trim_boxes()) {
        assert!(
            (w - (A4.0 + 6.0 * MM)).abs() < 0.01 && (h - (A4.1 + 6.0 * MM)).abs() < 0.01,
            "{w} x {h}"
        );
        let trim = trim.expect("a bled page has a TrimBox");
        assert!(
            (trim[0] - 3.0 * MM).abs() < 0.01 && (trim[2] - trim[0] - A4.0).abs() < 0.01,
            "{trim:?}"
        );
    }
    Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "--bleed", "40"])
        .status(2)
        .any_stderr()
        .run();
}

#[test]
fn a_booklet_has_a_multiple_of_four_pages() {
    let plain = belarus(&[]).pdf("belarus.pdf").page_count();
    let booklet = belarus(&["--booklet"]).pdf("belarus.pdf");
    assert_eq!(booklet.page_count() % 4, 0);
    assert!(booklet.page_count() >= plain && booklet.page_count() < plain + 4);
    if booklet.page_count() > plain {
        assert!(
            booklet
                .text()
                .contains("This page is intentionally left blank.")
        );
    }
    let minimal = Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "--booklet", "-q"])
        .run();
    assert_eq!(minimal.pdf("minimal.pdf").page_count(), 4);
}

#[test]
fn quotation_marks_follow_the_language() {
    let brief = |language: &str| {
        format!(
            "title = 'Say \"no\"'\ndate = 2024-01-01\nlanguage = \"{language}\"\n[summary]\ntext = 'They said \"*enough*\" -- and left.'\n"
        )
    };
    let expect = [
        (
            "en",
            "Say \u{201C}no\u{201D}",
            "They said \u{201C}enough\u{201D} \u{2013} and left.",
        ),
        (
            "de",
            "Say \u{201E}no\u{201C}",
            "They said \u{201E}enough\u{201C} \u{2013} and left.",
        ),
        (
            "be",
            "Say \u{AB}no\u{BB}",
            "They said \u{AB}enough\u{BB} \u{2013} and left.",
        ),
    ];
    for (language, title, text) in expect {
        let out = Test::new()
            .file("b.toml", brief(language))
            .args(&["pdf", "b.toml", "--quiet"])
            .run();
        let pdf = out.pdf("b.pdf");
        assert_eq!(pdf.info("Title").as_deref(), Some(title), "{language}");
        // The emphasis is its own text run; the line holds together once runs are joined.
        assert!(
            pdf.text().replace('\n', "").contains(text),
            "{language}: {}",
            pdf.text()
        );
    }
}
