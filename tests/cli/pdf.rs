//! `brief pdf` end to end: real briefs in, real PDFs out, read back and checked.

use crate::support::{Pdf, Test, assert_in_order, fixture, fixture_lines, repo_file};

/// Text with line breaks folded to spaces, and again with line-end hyphens joined up, so a
/// snippet is found wherever the paragraph happened to break.
fn contains(text: &str, needle: &str) -> bool {
    let flat = text.replace(['\n', '\u{c}'], " ");
    let joined = text.replace("-\n", "").replace(['\n', '\u{c}'], " ");
    flat.contains(needle) || joined.contains(needle)
}

#[track_caller]
fn assert_contains_all(text: &str, needles: &[String]) {
    let missing: Vec<&String> = needles.iter().filter(|n| !contains(text, n)).collect();
    assert!(
        missing.is_empty(),
        "missing from the PDF text: {missing:#?}\n--- text ---\n{text}"
    );
}

const A4: (f64, f64) = (595.276, 841.89);
const LETTER: (f64, f64) = (612.0, 792.0);

#[track_caller]
fn assert_page_size(pdf: &Pdf, expected: (f64, f64)) {
    for (i, (w, h)) in pdf.page_sizes().into_iter().enumerate() {
        assert!(
            (w - expected.0).abs() < 0.01 && (h - expected.1).abs() < 0.01,
            "page {} is {w} x {h}",
            i + 1
        );
    }
}

#[test]
fn belarus_is_a_complete_paper() {
    let out = Test::new()
        .file("belarus.toml", repo_file("briefs/belarus.toml"))
        .args(&["pdf", "belarus.toml"])
        .any_stderr()
        .run();
    assert_eq!(
        out.files(),
        ["belarus-references.json", "belarus.pdf", "belarus.toml"]
    );
    let pdf = out.pdf("belarus.pdf");
    // A run that writes a file says so in one line, as cargo does.
    assert_eq!(
        crate::support::mask_times(&out.stderr),
        format!("wrote belarus.pdf ({} pages, T s)\n", pdf.page_count())
    );
    assert!(
        (6..=12).contains(&pdf.page_count()),
        "{} pages",
        pdf.page_count()
    );
    assert_page_size(&pdf, A4);

    let text = pdf.text();
    assert_in_order(
        &text,
        &[
            "KENNAN INSTITUTE",
            "Belarus and the War in Ukraine",
            "Alla Leukavets",
            "SUMMARY",
            "KEY POINTS",
            "What Moscow wants from Belarus",
            "Key actors",
            "States",
            "Aliaksandr Lukashenka",
            "Timeline",
            "Zapad-2021",
            "Allied Resolve 2022 drills",
            "Russia invades Ukraine",
            "Referendum ends",
            "Recommendations",
            "Do not equate Belarus with the Lukashenka regime",
            // Its reference, cited in Chicago notes style: the list after the notes.
            "Bibliography",
            "Leukavets, Alla. “The Role of Belarus in the Ukrainian Crisis.”",
            "About the author",
            "Kennan Institute",
        ],
    );
    assert!(contains(&text, "Page 1 of"), "running footer");
    assert!(contains(&text, "PUBLIC"), "classification marking");

    assert_eq!(
        pdf.info("Title").as_deref(),
        Some("Belarus and the War in Ukraine: A Captured Regime, a Resisting Society")
    );
    assert_eq!(pdf.info("Author").as_deref(), Some("Alla Leukavets"));
    assert!(pdf.info("Keywords").unwrap().contains("Belarus"));
    assert!(pdf.info("Subject").unwrap().starts_with("How Minsk became"));
    assert!(
        pdf.info("CreationDate").unwrap().starts_with("D:20220310"),
        "{:?}",
        pdf.info("CreationDate")
    );
    assert_eq!(pdf.lang().as_deref(), Some("en"));
    assert!(pdf.link_uris().contains(
        &"https://www.wilsoncenter.org/blog-post/role-belarus-ukrainian-crisis".to_string()
    ));

    let outline = pdf.outline();
    for bookmark in [
        "What Moscow wants from Belarus",
        "Key actors",
        "Timeline",
        "Recommendations",
        "Bibliography",
    ] {
        assert!(
            outline.iter().any(|t| t == bookmark),
            "{bookmark:?} not in the outline {outline:?}"
        );
    }

    let fonts = pdf.fonts();
    assert!(!fonts.is_empty());
    for (name, embedded) in &fonts {
        assert!(*embedded, "{name} is not embedded");
        assert!(
            name.contains("CharisSIL") || name.contains("NotoSans"),
            "unexpected font {name}"
        );
    }
}

#[test]
fn the_same_brief_gives_identical_bytes() {
    let first = Test::new()
        .fixture("symbols.toml")
        .args(&["pdf", "symbols.toml"])
        .any_stderr()
        .run();
    let second = Test::new()
        .fixture("symbols.toml")
        .args(&["pdf", "symbols.toml", "-o", "again.pdf"])
        .any_stderr()
        .run();
    assert_eq!(first.read("symbols.pdf"), second.read("again.pdf"));
}

#[test]
fn typst_syntax_and_diacritics_print_as_written_and_the_timeline_is_sorted() {
    let out = Test::new()
        .fixture("symbols.toml")
        .args(&["pdf", "symbols.toml"])
        .any_stderr()
        .run();
    let text = out.pdf("symbols.pdf").text();
    assert_contains_all(&text, &fixture_lines("symbols.expect.txt"));
    let order = fixture_lines("symbols.order.txt");
    assert_in_order(&text, &order.iter().map(String::as_str).collect::<Vec<_>>());
    // The file lists the events out of order; the warning says so and the paper sorts them.
    assert!(
        out.stderr
            .contains("warning: the timeline is not in date order"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_brief_cannot_run_code_read_files_or_change_the_layout() {
    let out = Test::new()
        .fixture("injection.toml")
        .args(&["pdf", "injection.toml"])
        .any_stderr()
        .run();
    let pdf = out.pdf("injection.pdf");
    let text = pdf.text();
    assert_contains_all(&text, &fixture_lines("injection.expect.txt"));
    assert_page_size(&pdf, A4);
    // Nothing of /etc/passwd or /etc/hostname made it in, and no payload set a 40pt text or
    // forced page breaks: the largest type is the template's own title size.
    assert!(!text.contains("root:"), "a file was read");
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    if hostname.trim().len() > 3 {
        assert!(!text.contains(hostname.trim()), "a file was read");
    }
    let largest = pdf.font_sizes().into_iter().fold(0.0, f64::max);
    assert!(largest <= 22.0 + 0.01, "largest font size {largest}");
    assert!(pdf.page_count() <= 5, "{} pages", pdf.page_count());
}

#[test]
fn cyrillic_briefs_print_belarusian_and_ukrainian_letters() {
    let out = Test::new()
        .fixture("cyrillic.toml")
        .args(&["pdf", "cyrillic.toml"])
        .any_stderr()
        .run();
    let pdf = out.pdf("cyrillic.pdf");
    assert_contains_all(&pdf.text(), &fixture_lines("cyrillic.expect.txt"));
    assert_eq!(pdf.lang().as_deref(), Some("be"));
    // The template's own words follow the brief's language.
    assert!(contains(&pdf.text(), "Храналогія"));
}

#[test]
fn paper_size_comes_from_the_command_line_then_the_brief() {
    let letter = Test::new()
        .fixture("minimal.toml")
        .args(&["pdf", "minimal.toml", "--paper", "us-letter"])
        .stderr("wrote minimal.pdf (1 page, T s)\n")
        .run();
    assert_page_size(&letter.pdf("minimal.pdf"), LETTER);

    let with_paper =
        fixture("minimal.toml").replace("[summary]", "paper = \"us-letter\"\n[summary]");
    let from_brief = Test::new()
        .file("b.toml", &with_paper)
        .args(&["pdf", "b.toml", "--quiet"])
        .run();
    assert_page_size(&from_brief.pdf("b.pdf"), LETTER);
    let overridden = Test::new()
        .file("b.toml", &with_paper)
        .args(&["pdf", "b.toml", "--paper", "a4", "-q"])
        .run();
    assert_page_size(&overridden.pdf("b.pdf"), A4);
}

#[test]
fn output_goes_where_asked() {
    let out = Test::new()
        .fixture("minimal.toml")
        .file("out/.keep", "")
        .args(&["pdf", "minimal.toml", "-o", "out/paper.pdf"])
        .stderr("wrote out/paper.pdf (1 page, T s)\n")
        .run();
    assert_eq!(out.files(), ["minimal.toml", "out"]);
    assert!(out.pdf("out/paper.pdf").page_count() >= 1);
}

#[test]
fn a_missing_glyph_is_pointed_at_in_the_brief() {
    let brief = "title = \"Trade with 中国\"\ndate = 2024-01-01\n[summary]\ntext = \"Text.\"\n";
    // `cells` is the terminal width before the character: 中 is two cells wide.
    let frame = |c: char, column: usize, cells: usize, code: &str, severity: &str, extra: &str| {
        let pad = " ".repeat(cells);
        format!(
            "{severity}: no font has a glyph for `{c}` (U+{code}); it prints as an empty box
 --> b.toml:1:{column}
  |
1 | title = \"Trade with 中国\"
  | {pad}^^
  = hint: add a font that has it with --font-path, or write the text without it
{extra}
"
        )
    };
    // PDF/A and PDF/UA, the default, allow no empty boxes: the build stops.
    let hint = "  = hint: PDF/A and PDF/UA allow no missing glyphs; to print the empty boxes anyway, build with --pdf-standard none\n";
    let strict = Test::new()
        .file("b.toml", brief)
        .args(&["pdf", "b.toml"])
        .status(1)
        .stderr(&format!(
            "{}{}error: b.toml was not typeset: 2 errors\n\n",
            frame('中', 21, 20, "4E2D", "error", hint),
            frame('国', 22, 22, "56FD", "error", hint)
        ))
        .run();
    assert!(!strict.path("b.pdf").exists());
    // Without a standard it is a warning, and the paper is written.
    let lenient = Test::new()
        .file("b.toml", brief)
        .args(&["pdf", "b.toml", "--pdf-standard", "none"])
        .stderr(&format!(
            "{}{}wrote b.pdf (1 page, T s)\n",
            frame('中', 21, 20, "4E2D", "warning", ""),
            frame('国', 22, 22, "56FD", "warning", "")
        ))
        .run();
    assert!(lenient.path("b.pdf").exists());
}

#[test]
fn a_template_folder_overrides_the_paper_template_file_by_file() {
    let labels = repo_file("templates/paper/labels/en.toml")
        .replace("summary = \"Summary\"", "summary = \"Bottom line\"");
    let out = Test::new()
        .fixture("minimal.toml")
        .file("house/labels/en.toml", labels)
        .args(&["pdf", "minimal.toml", "--template", "house", "--quiet"])
        .run();
    let text = out.pdf("minimal.pdf").text();
    assert!(contains(&text, "BOTTOM LINE"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_template_cannot_reach_outside_its_folder_through_a_link() {
    let test = Test::new()
        .fixture("minimal.toml")
        .file("house/main.typ", "#read(\"secret.txt\")");
    std::os::unix::fs::symlink("/etc/passwd", test.path().join("house/secret.txt")).unwrap();
    let output = test
        .args(&["pdf", "minimal.toml", "--template", "house"])
        .status(2)
        .any_stderr()
        .run();
    assert!(
        output.stderr.contains("leads outside the template folder"),
        "{}",
        output.stderr
    );
    assert!(!output.path("minimal.pdf").exists());
}

#[test]
fn template_errors_point_into_the_template_file() {
    Test::new()
        .fixture("minimal.toml")
        .file("house/main.typ", "#let brief = json(\"/brief.json\")\n#brief.meta.title\n#no-such-function()\n")
        .args(&["pdf", "minimal.toml", "--template", "house"])
        .status(1)
        .stderr(
            "error: template: unknown variable: no-such-function
 --> house/main.typ:3:2
  |
3 | #no-such-function()
  |  ^^^^^^^^^^^^^^^^
  = hint: if you meant to use subtraction, try adding spaces around the minus signs: `no - such - function`

error: minimal.toml was not typeset: 1 error

",
        )
        .run();
}
