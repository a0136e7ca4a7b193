//! One brief, three shapes: the `paper`, the two-page `memo` and the 16:9 `slides`, chosen
//! with `--template` or the brief's `template` key, for the Belarus brief and every fixture.

use crate::support::{Pdf, Test, fixture, repo_file};

/// The Belarus brief and every fixture brief, by file name.
fn briefs() -> Vec<(String, String)> {
    let mut briefs = vec![("belarus.toml".to_string(), repo_file("briefs/belarus.toml"))];
    for name in ["cyrillic", "injection", "long", "minimal", "symbols"] {
        let file = format!("{name}.toml");
        briefs.push((file.clone(), fixture(&file)));
    }
    briefs
}

/// Typesets one brief with a template; warnings about the brief itself are its fixture's
/// business, so standard error is not compared here.
fn build(name: &str, text: &str, template: &str) -> Pdf {
    let out = format!("{template}.pdf");
    Test::new()
        .file(name, text)
        .args(&["pdf", "--quiet", name, "--template", template, "-o", &out])
        .any_stderr()
        .run()
        .pdf(&out)
}

/// The smallest font size set anywhere in a PDF.
fn smallest(pdf: &Pdf) -> f64 {
    pdf.font_sizes().into_iter().fold(f64::MAX, f64::min)
}

/// The smallest font size of a PDF's text, a note's mark aside: a superscript number, at 60%
/// of the text it stands in (a citation style's notes, which the memo keeps).
fn smallest_text(pdf: &Pdf, floor: f64) -> f64 {
    let sizes = pdf.font_sizes();
    let text: Vec<f64> = sizes
        .iter()
        .copied()
        .filter(|s| *s >= floor - 1e-6)
        .collect();
    sizes
        .into_iter()
        .filter(|s| !text.iter().any(|t| (t * 0.6 - s).abs() < 0.01))
        .fold(f64::MAX, f64::min)
}

#[test]
fn every_brief_builds_as_paper_memo_and_slides() {
    for (name, text) in briefs() {
        let paper = build(&name, &text, "paper");
        let memo = build(&name, &text, "memo");
        let slides = build(&name, &text, "slides");
        assert!(paper.page_count() >= 1, "{name}");

        assert!(
            (1..=2).contains(&memo.page_count()),
            "{name}: the memo has {} pages",
            memo.page_count()
        );
        // Never by smaller type: the memo's least size is the paper's apparatus size.
        assert!(
            smallest_text(&memo, 8.5) >= 8.5 - 1e-6,
            "{name}: {}",
            smallest(&memo)
        );
        // The pointer to the full paper, in the brief's language.
        let words = memo.text();
        assert!(
            ["THE FULL PAPER", "ПОЎНЫ ТЭКСТ", "DIE VOLLSTÄNDIGE STUDIE"]
                .iter()
                .any(|label| words.contains(label)),
            "{name}: no pointer to the full paper"
        );

        assert!(slides.page_count() >= 2, "{name}");
        for (page, (w, h)) in slides.page_sizes().into_iter().enumerate() {
            assert!(
                (w / h - 16.0 / 9.0).abs() < 0.005,
                "{name}: slide {} is {w}×{h}",
                page + 1
            );
        }
        // Readable from the back of the room: nothing below 18 pt.
        assert!(
            smallest(&slides) >= 18.0 - 1e-6,
            "{name}: {}",
            smallest(&slides)
        );
    }
}

#[test]
fn the_memo_keeps_what_matters_most_and_says_where_the_rest_is() {
    let text = repo_file("briefs/belarus.toml");
    let memo = build("belarus.toml", &text, "memo");
    let words = memo.text();
    // Every recommendation fits, the high-priority ones first: 8 is high, 4 is medium.
    for title in [
        "Do not equate Belarus with the Lukashenka regime",
        "Calibrate the overall Western approach to Belarus",
        "Do not discriminate against Belarusians in visa policy",
    ] {
        assert!(words.contains(title), "{title}");
    }
    let high = words.find("Calibrate the overall Western").unwrap();
    let medium = words.find("Do not discriminate against").unwrap();
    assert!(high < medium, "a high-priority recommendation comes first");
    // Events newest first: the newest is in, the oldest is left out and counted.
    assert!(words.contains("Tsikhanouskaya’s office launches an antiwar movement"));
    assert!(!words.contains("Russia and Belarus begin building close ties"));
    assert!(words.contains("Also in the full paper"), "{words}");
    // The title of the full paper and its address, when it has one.
    assert!(words.contains("Belarus and the War in Ukraine"));
}

#[test]
fn the_memo_of_a_long_brief_stays_on_two_pages() {
    let memo = build("long.toml", &fixture("long.toml"), "memo");
    assert_eq!(memo.page_count(), 2);
    assert!(memo.text().contains("Also in the full paper"));
}

#[test]
fn the_slides_have_a_slide_per_section_and_a_rail_for_the_timeline() {
    let text = repo_file("briefs/belarus.toml");
    let slides = build("belarus.toml", &text, "slides");
    let words = slides.text();
    crate::support::assert_in_order(
        &words,
        &[
            "Summary",
            "What Moscow wants from Belarus",
            "A society that says no",
            "Key actors",
            "Timeline",
            "Recommendations",
            // Its citation style's reference list (a brief without one lists its sources).
            "Bibliography",
        ],
    );
    // The summary is its key points, which go on over a second slide under its title.
    assert!(words.contains("Summary (continued)"), "{words}");
    assert!(!words.contains("Key points"), "{words}");
    // The timeline is one rail of up to ten events a slide: 17 events on two slides.
    let timeline = words.matches("Timeline").count();
    assert_eq!(timeline, 2, "{words}");
    // A briefing of 15 to 20 minutes, as a designer would make it of a ten-page paper.
    assert!(
        (12..=16).contains(&slides.page_count()),
        "{} slides",
        slides.page_count()
    );
}

/// A brief with `points` key points and `events` dated events, each with a short title.
fn counted(points: usize, events: usize) -> String {
    let mut text = String::from(
        "title = \"Counted\"\ndate = 2024-01-15\n\n[summary]\ntext = \"A summary.\"\nkey_points = [",
    );
    for n in 1..=points {
        text.push_str(&format!("\"Point number {n}.\", "));
    }
    text.push_str("]\n");
    for n in 1..=events {
        text.push_str(&format!(
            "\n[[timeline]]\ndate = \"2020-01-{n:02}\"\ntitle = \"Event number {n}\"\n"
        ));
    }
    text
}

#[test]
fn a_part_is_spread_evenly_over_its_slides_and_never_leaves_one_item_alone() {
    // Six points at most five a slide: three and three, not five and one. Thirteen events at
    // most ten a slide: seven and six, not ten and three.
    let slides = build("counted.toml", &counted(6, 13), "slides");
    let text = slides.text();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let points: Vec<usize> = pages
        .iter()
        .map(|p| p.matches("Point number").count())
        .filter(|&n| n > 0)
        .collect();
    assert_eq!(points, vec![3, 3], "{text}");
    let events: Vec<usize> = pages
        .iter()
        .map(|p| p.matches("Event number").count())
        .filter(|&n| n > 0)
        .collect();
    assert_eq!(events, vec![7, 6], "{text}");
}

#[test]
fn a_list_fills_a_slide_before_it_goes_on() {
    // Nine short events fit one rail, and four short points one slide: no second slide for
    // either.
    let slides = build("counted.toml", &counted(4, 9), "slides");
    let text = slides.text();
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let on = |word: &str| -> Vec<usize> {
        pages
            .iter()
            .map(|p| p.matches(word).count())
            .filter(|&n| n > 0)
            .collect()
    };
    assert_eq!(on("Point number"), vec![4], "{text}");
    assert_eq!(on("Event number"), vec![9], "{text}");
    assert!(!text.contains("(continued)"), "{text}");
}

#[test]
fn a_sections_slide_key_gives_the_words_of_its_slide_and_the_paper_ignores_it() {
    let text = "title = \"Keyed\"\ndate = 2024-01-15\n\n[summary]\ntext = \"A summary.\"\n\n\
        [[sections]]\nheading = \"The argument\"\n\
        slide = \"\"\"\nThe *message* of the slide.\n\n- first point;\n- second point.\"\"\"\n\
        body = \"The first paragraph of the body. It has two sentences.\"\n";
    let words = build("keyed.toml", text, "slides").text().replace('\n', "");
    assert!(words.contains("The message of the slide."), "{words}");
    assert!(words.contains("second point"), "{words}");
    assert!(!words.contains("first paragraph of the body"), "{words}");
    let paper = build("keyed.toml", text, "paper").text().replace('\n', "");
    assert!(paper.contains("first paragraph of the body"), "{paper}");
    assert!(!paper.contains("message of the slide"), "{paper}");
}

#[test]
fn without_a_slide_key_a_long_first_paragraph_is_cut_at_a_sentence() {
    let sentence = "This sentence is one of many in a paragraph far too long for one slide.";
    let paragraph = vec![sentence; 40].join(" ");
    let text = format!(
        "title = \"Long\"\ndate = 2024-01-15\n\n[summary]\ntext = \"A summary.\"\n\n\
         [[sections]]\nheading = \"The argument\"\nbody = \"{paragraph}\"\n"
    );
    let slides = build("long-lead.toml", &text, "slides");
    let words = slides.text();
    // One slide for the section, no continuation, and it ends at a full stop.
    assert!(!words.contains("(continued)"), "{words}");
    let page = words
        .split('\u{c}')
        .find(|p| p.contains("The argument"))
        .unwrap();
    let count = page.replace('\n', " ").matches("for one slide.").count();
    assert!((1..40).contains(&count), "{count}: {page}");
}

#[test]
fn the_brief_template_key_chooses_the_shape_and_the_command_line_wins() {
    let text = format!("template = \"memo\"\n{}", repo_file("briefs/belarus.toml"));
    let run = Test::new()
        .file("b.toml", &text)
        .args(&["pdf", "--quiet", "b.toml"])
        .run();
    assert!(run.pdf("b.pdf").page_count() <= 2);
    let run = Test::new()
        .file("b.toml", &text)
        .args(&["pdf", "--quiet", "b.toml", "--template", "slides"])
        .run();
    let (w, h) = run.pdf("b.pdf").page_sizes()[0];
    assert!((w / h - 16.0 / 9.0).abs() < 0.005);
}

#[test]
fn an_unknown_shape_is_named_with_the_built_in_ones() {
    Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "--quiet", "minimal.toml", "--template", "memos"])
        .status(2)
        .stderr(
            "error: unknown template `memos` given with --template (did you mean `memo`?; use a built-in template (paper, memo, slides) or the path of a template folder)\n\n",
        )
        .run();
}

#[test]
fn the_memo_gives_the_address_of_the_full_paper_when_the_brief_has_one() {
    let text = format!(
        "url = \"https://example.org/briefs/belarus\"\n{}",
        repo_file("briefs/belarus.toml")
    );
    let memo = build("belarus.toml", &text, "memo");
    assert!(memo.page_count() <= 2);
    assert!(
        memo.link_uris()
            .iter()
            .any(|u| u == "https://example.org/briefs/belarus")
    );
    assert!(memo.text().contains("https://example.org/briefs/belarus"));
}

#[test]
fn a_template_folder_restyles_the_memo_when_its_template_toml_says_so() {
    let labels = repo_file("templates/paper/labels/en.toml")
        .replace("summary = \"Summary\"", "summary = \"Bottom line\"");
    let run = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .file("house/template.toml", "base = \"memo\"\n")
        .file("house/labels/en.toml", labels)
        .args(&["pdf", "--quiet", "belarus.toml", "--template", "house"])
        .run();
    let memo = run.pdf("belarus.pdf");
    assert!(memo.page_count() <= 2);
    let words = memo.text();
    assert!(
        words.contains("Bottom line") && words.contains("THE FULL PAPER"),
        "{words}"
    );
}
