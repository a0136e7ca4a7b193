//! Figures on the page, read back from what the templates make of the figures fixture (a
//! 60-row table, column, line, stacked and bar charts, a PNG and an SVG): the table's header
//! repeats on the page it runs onto, the charts' value labels are there as text with the
//! data's numbers, the slides give each figure a slide of its own, and the memo keeps to two
//! pages with the figures its summary refers to.

use crate::support::{Pdf, Test, fixture, fixture_path, repo_file};

/// The figures fixture typeset with a template, from its own folder (its data and pictures
/// are there).
fn build(template: &str) -> Pdf {
    let brief = fixture_path("figures/figures.toml");
    Test::new()
        .args(&[
            "pdf",
            "--quiet",
            brief.to_str().unwrap(),
            "--template",
            template,
            "-o",
            "out.pdf",
        ])
        .run()
        .pdf("out.pdf")
}

/// Each page's text.
fn pages(pdf: &Pdf) -> Vec<String> {
    pdf.text().split('\u{c}').map(str::to_string).collect()
}

/// The numbers in a text, as the templates print them: a true minus sign or a hyphen, a
/// decimal point. Typst positions a minus sign apart from the digits after it (which the
/// helper's text puts on a line of its own); a reader reads them as one number.
fn numbers(text: &str) -> Vec<f64> {
    let text = text.replace("−\n", "−");
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '−' || c == '-'))
        .filter_map(|token| {
            let token = token.trim_matches('.');
            token.replace('−', "-").parse::<f64>().ok()
        })
        .collect()
}

/// A CSV fixture's values by column (after the first, the labels), row by row; an empty cell
/// is none.
fn csv_values(name: &str) -> Vec<Option<f64>> {
    fixture(name)
        .lines()
        .skip(1)
        .flat_map(|line| {
            line.split(',')
                .skip(1)
                .map(|cell| cell.trim().parse::<f64>().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The text of a figure in a paper's text: from its caption to the next figure's caption (or
/// the end).
fn figure_text<'a>(text: &'a str, caption: &str, next: Option<&str>) -> &'a str {
    let start = text
        .find(caption)
        .unwrap_or_else(|| panic!("no caption {caption:?} in\n{text}"));
    let rest = &text[start + caption.len()..];
    let end = next.and_then(|n| rest.find(n)).unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn a_long_tables_header_repeats_on_the_page_it_runs_onto() {
    let pdf = build("paper");
    let pages = pages(&pdf);
    let first = pages
        .iter()
        .position(|p| p.contains("Monthly transit, 2019–2023"))
        .expect("the table's caption is on a page");
    let next = &pages[first + 1];
    // The rows run on (the last month is on the next page) under the header again.
    assert!(next.contains("2023-12"), "{next}");
    for header in ["Month", "Transit (Mt)", "Change (%)", "Note"] {
        assert!(pages[first].contains(header), "{header} on the first page");
        assert!(next.contains(header), "{header} not repeated:\n{next}");
    }
}

/// A chart by its caption, the caption after it, and its values.
type Chart<'a> = (&'a str, Option<&'a str>, Vec<Option<f64>>);

#[test]
fn the_charts_value_labels_read_back_with_the_datas_numbers() {
    let pdf = build("paper");
    let text = pdf.text();
    let energy = csv_values("figures/data/energy.csv");
    let balance = csv_values("figures/data/balance.csv");
    let charts: [Chart; 5] = [
        (
            "Energy transit by carrier",
            Some("The same series as lines"),
            energy.clone(),
        ),
        (
            "The same series as lines",
            Some("Exports and imports by quarter"),
            [22.4, 21.0, 20.5, 19.8, 14.2, 18.1, 18.0, 17.2, 16.9, 11.5]
                .map(Some)
                .to_vec(),
        ),
        (
            "Exports and imports by quarter",
            Some("Shares of transit by carrier"),
            balance,
        ),
        (
            "Shares of transit by carrier",
            Some("The corridor"),
            [52.0, 48.0, 42.0, 46.0, 6.0, 6.0].map(Some).to_vec(),
        ),
        (
            "Change in the last year",
            Some("Notes"),
            [4.5, -2.0, -6.25].map(Some).to_vec(),
        ),
    ];
    for (caption, next, values) in charts {
        let found = numbers(figure_text(&text, caption, next));
        let expected: Vec<f64> = values.into_iter().flatten().collect();
        assert!(!expected.is_empty(), "{caption}");
        for value in expected {
            assert!(
                found.iter().any(|f| (f - value).abs() < 1e-9),
                "{caption}: no value label {value} among {found:?}"
            );
        }
    }
    // The missing value (electricity, 2021) is marked as missing, not as a zero.
    let energy_text = figure_text(&text, "Energy transit by carrier", Some("The same series"));
    assert!(energy_text.contains('–'), "{energy_text}");
    assert!(energy.contains(&None));
}

#[test]
fn the_slides_give_each_figure_a_slide_of_its_own() {
    let pdf = build("slides");
    let pages = pages(&pdf);
    let captions = [
        "Monthly transit, 2019–2023",
        "Energy transit by carrier",
        "The same series as lines",
        "Exports and imports by quarter",
        "Shares of transit by carrier",
        "The Suwałki corridor",
        "A decorative landscape",
        "Change in the last year",
    ];
    let mut slides_of = vec![];
    for caption in captions {
        // The table by its header, which each of its slides repeats (the slides after the
        // first are titled "Table 1 (continued)").
        let mark = if caption.starts_with("Monthly") {
            "Transit (Mt)"
        } else {
            caption
        };
        let on: Vec<usize> = (0..pages.len())
            .filter(|&i| pages[i].contains(mark))
            .collect();
        assert!(!on.is_empty(), "no slide for {caption}");
        // One slide, or (the table) a run of slides, each with its header.
        assert!(on.windows(2).all(|w| w[1] == w[0] + 1), "{caption}: {on:?}");
        slides_of.push(on);
    }
    for (i, a) in slides_of.iter().enumerate() {
        for b in &slides_of[i + 1..] {
            assert!(
                a.iter().all(|p| !b.contains(p)),
                "two figures share a slide"
            );
        }
    }
    let table = &slides_of[0];
    assert!(table.len() >= 2, "the 60-row table on {table:?}");
    assert!(pages[table[0]].contains("Monthly transit, 2019–2023"));
    for (caption, on) in captions.iter().zip(&slides_of).skip(1) {
        assert_eq!(on.len(), 1, "{caption}: {on:?}");
    }
    // A figure follows its section's slide: the table comes after "Transit, month by month".
    let section = pages
        .iter()
        .position(|p| p.contains("Transit, month by month"))
        .unwrap();
    assert_eq!(table[0], section + 1);
}

/// A brief whose one section places a table of `rows` short rows.
fn tabled(rows: usize) -> String {
    let mut text = String::from(
        "title = \"Tabled\"\ndate = 2024-01-15\n\n[summary]\ntext = \"A summary.\"\n\n\
         [[sections]]\nheading = \"The numbers\"\nbody = \"Here they are.\"\nfigures = [\"t\"]\n\n\
         [[figures]]\nid = \"t\"\nkind = \"table\"\ncaption = \"Counted rows\"\n\
         columns = [\"Row\", \"Value\"]\nrows = [\n",
    );
    for n in 1..=rows {
        text.push_str(&format!("  [\"Row {n:02}\", \"{}\"],\n", n * 7));
    }
    text.push_str("]\n");
    text
}

/// How many of a table's rows (`Row NN`) each slide shows, for the slides that show any.
fn rows_per_slide(pdf: &Pdf) -> Vec<usize> {
    pages(pdf)
        .iter()
        .map(|p| p.matches("Row ").count())
        .filter(|&n| n > 0)
        .collect()
}

fn slides_of(name: &str, text: &str) -> crate::support::Output {
    Test::new()
        .file(name, text)
        .args(&["pdf", "--quiet", name, "--template", "slides"])
        .run()
}

#[test]
fn a_table_goes_on_to_another_slide_only_when_it_must_and_then_evenly() {
    // A short table stands on one slide, set larger than the slides' smallest size.
    let pdf = slides_of("short.toml", &tabled(5)).pdf("short.pdf");
    assert_eq!(rows_per_slide(&pdf), vec![5]);
    let largest = pdf.font_sizes().into_iter().fold(0.0, f64::max);
    assert!(largest > 18.0, "{largest}");
    // Fourteen rows do not fit one slide at the smallest size: seven and seven, not, say,
    // eleven and three.
    let pdf = slides_of("long.toml", &tabled(14)).pdf("long.pdf");
    let runs = rows_per_slide(&pdf);
    assert!(runs.len() >= 2, "{runs:?}");
    assert!(
        runs.iter().max().unwrap() - runs.iter().min().unwrap() <= 1,
        "{runs:?}"
    );
    assert!(!pdf.text().contains("Rows 1–"), "nothing is left out");
    // The Belarus brief's six rows of two and three lines: three and three, the second slide
    // titled as a book titles a continued table.
    let belarus = slides_of("belarus.toml", &repo_file("briefs/belarus.toml")).pdf("belarus.pdf");
    let pages = pages(&belarus);
    let table: Vec<&String> = pages
        .iter()
        .filter(|p| p.contains("What Moscow gained"))
        .collect();
    assert_eq!(table.len(), 2, "{table:#?}");
    for (page, first) in table.iter().zip(["After August 2020", "Early 2022"]) {
        assert!(page.contains(first), "{page}");
    }
    assert!(
        table[1]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("Table 1 (continued)"),
        "{}",
        table[1]
    );
}

#[test]
fn the_rows_a_long_tables_slides_leave_out_are_in_the_speaker_notes() {
    let brief = fixture_path("figures/figures.toml");
    let run = Test::new()
        .args(&[
            "pdf",
            "--quiet",
            brief.to_str().unwrap(),
            "--template",
            "slides",
            "-o",
            "out.pdf",
        ])
        .run();
    let text = run.pdf("out.pdf").text();
    // The slides show the first rows and say so; the last month is not on them.
    assert!(
        text.contains("the whole table is in the full paper"),
        "{text}"
    );
    assert!(!text.contains("2023-12"), "{text}");
    let notes: serde_json::Value = serde_json::from_slice(&run.read("out.pdfpc")).unwrap();
    let notes: Vec<&str> = notes["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["note"].as_str())
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("2023-12")),
        "no note holds the last row: {notes:#?}"
    );
}

#[test]
fn the_memo_keeps_to_two_pages_with_the_figures_its_summary_refers_to() {
    let pdf = build("memo");
    assert_eq!(pdf.page_count(), 2);
    let text = pdf.text();
    // Figure 1 is referred to first that a page can hold; the 60-row table is too long.
    assert!(text.contains("Energy transit by carrier"), "{text}");
    assert!(!text.contains("Monthly transit, 2019–2023"), "{text}");
    assert!(text.contains("Also in the full paper"), "{text}");
    assert!(text.contains("Tables and figures +"), "{text}");
}

/// The structure types (`/S`) of a tagged PDF's elements, in object order.
fn structure_types(pdf: &Pdf) -> Vec<String> {
    pdf.doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.has(b"S") && d.has(b"P"))
        .filter_map(|d| d.get(b"S").and_then(|s| s.as_name()).ok())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

#[test]
fn charts_are_read_out_as_their_alt_text_and_tables_have_header_cells() {
    let pdf = build("paper");
    let alts = pdf.alt_texts();
    let brief = fixture("figures/figures.toml");
    // Every alt the fixture gives (charts and the SVG) is in the tags; the decorative PNG has
    // none to give.
    let given: Vec<&str> = brief
        .lines()
        .filter_map(|l| l.strip_prefix("alt = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert_eq!(given.len(), 6);
    for alt in given {
        assert!(alts.iter().any(|a| a == alt), "{alt} not among {alts:#?}");
    }
    let types = structure_types(&pdf);
    // The table's four header cells, once (their repeats are artifacts), and a caption.
    assert_eq!(types.iter().filter(|t| *t == "TH").count(), 4, "{types:?}");
    assert!(types.iter().any(|t| t == "Table"));
    assert!(
        types.iter().filter(|t| *t == "Figure").count() >= 6,
        "{types:?}"
    );
}

#[test]
fn a_theme_copied_before_figures_says_what_it_lacks() {
    // A house theme.typ copied before the theme had figure values.
    let theme = repo_file("templates/paper/theme.typ");
    let start = theme.find("  // Figures (figures.typ)").unwrap();
    let end = theme.find("  // The timeline's dots").unwrap();
    let old = format!("{}{}", &theme[..start], &theme[end..]);
    let brief = fixture_path("figures/figures.toml");
    let out = Test::new()
        .file("house/theme.typ", old)
        .args(&[
            "pdf",
            "--quiet",
            brief.to_str().unwrap(),
            "--template",
            "house",
        ])
        .status(1)
        .any_stderr()
        .run();
    assert!(
        out.stderr.starts_with(
            "error: template: assertion failed: the theme has no `figure` values, which figures \
             need: copy them from the built-in theme.typ (`brief templates eject paper DIR`)\n"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.path("figures.pdf").exists());
}

#[test]
fn a_template_that_prints_no_figures_prints_references_as_plain_text() {
    // A folder's own document, made before figures: the summary only, without its notes.
    let main = "#import \"rich.typ\": blocks, strip-blocks\n\
                #let brief = json(\"/brief.json\")\n\
                #set document(title: brief.meta.title)\n\
                #set text(lang: brief.meta.language)\n\
                #blocks(strip-blocks(brief.summary.text))\n";
    let brief = fixture_path("figures/figures.toml");
    let out = Test::new()
        .file("own/main.typ", main)
        .args(&[
            "pdf",
            "--quiet",
            brief.to_str().unwrap(),
            "--template",
            "own",
            "-o",
            "own.pdf",
        ])
        .run();
    let text = out.pdf("own.pdf").text();
    // "Table" and its number bound by a no-break space.
    assert!(text.contains("Table\u{a0}1"), "{text}");
    assert!(text.contains("Figure\u{a0}5"), "{text}");
}
