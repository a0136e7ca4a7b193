//! Imposition for the print room: a 9-page paper as a saddle-stitched booklet on three A3
//! sheets, a Letter paper two-up on Tabloid, and which page lies in which half of each side,
//! read back from the imposed PDF.

use crate::support::{Pdf, Test};
use crate::tools::tool;

const A3: (f64, f64) = (1190.55, 841.89);
const TABLOID: (f64, f64) = (1224.0, 792.0);

/// A brief of plain sections that fills nine pages of the `paper` template.
fn nine_pages(paper: &str) -> String {
    let paragraph = "The council met again to weigh the options before it, and each delegation \
                     set out its view at length. "
        .repeat(8);
    let mut brief = format!(
        "title = \"Nine pages\"\ndate = 2024-01-15\npaper = \"{paper}\"\n\n\
         [summary]\ntext = \"A brief long enough for nine pages.\"\n"
    );
    for i in 1..=17 {
        brief.push_str(&format!(
            "\n[[sections]]\nheading = \"Section {i}\"\nbody = \"\"\"\n{paragraph}\n\n{paragraph}\n\"\"\"\n"
        ));
    }
    brief
}

#[track_caller]
fn assert_sheets(pdf: &Pdf, count: usize, size: (f64, f64)) {
    let sizes = pdf.page_sizes();
    assert_eq!(sizes.len(), count, "{sizes:?}");
    for (w, h) in sizes {
        assert!(
            (w - size.0).abs() < 0.1 && (h - size.1).abs() < 0.1,
            "{w} x {h}"
        );
    }
}

/// The page number ("Page N of M" in the foot) in each half of each side, read by poppler, or
/// None without poppler.
fn halves(
    dir: &std::path::Path,
    file: &str,
    sides: usize,
    size: (f64, f64),
) -> Option<Vec<[String; 2]>> {
    let mut out = vec![];
    for side in 1..=sides {
        let mut pair = [String::new(), String::new()];
        for (h, x) in [0.0, size.0 / 2.0].into_iter().enumerate() {
            let (side, x, w, height) = (
                side.to_string(),
                (x as i64).to_string(),
                ((size.0 / 2.0) as i64).to_string(),
                (size.1 as i64).to_string(),
            );
            let args = [
                "-f", &side, "-l", &side, "-r", "72", "-x", &x, "-y", "0", "-W", &w, "-H", &height,
                file, "-",
            ];
            let (ok, text) = tool("pdftotext", &args, dir)?;
            assert!(ok, "pdftotext: {text}");
            let number = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .windows(4)
                .find(|w| w[0] == "Page" && w[2] == "of")
                .map(|w| w[1].to_string())
                .unwrap_or_else(|| "empty".into());
            pair[h] = number;
        }
        out.push(pair);
    }
    Some(out)
}

fn pairs(list: &[(&str, &str)]) -> Vec<[String; 2]> {
    list.iter()
        .map(|(a, b)| [a.to_string(), b.to_string()])
        .collect()
}

#[test]
fn nine_pages_fold_into_a_booklet_of_three_a3_sheets() {
    let out = Test::new()
        .file("nine.toml", nine_pages("a4"))
        .args(&["pdf", "--quiet", "nine.toml"])
        .run();
    assert_eq!(
        out.pdf("nine.pdf").page_count(),
        9,
        "the brief fills nine pages"
    );

    let out = Test::new()
        .file("nine.toml", nine_pages("a4"))
        .args(&[
            "pdf",
            "--quiet",
            "nine.toml",
            "-o",
            "booklet.pdf",
            "--impose",
            "booklet",
        ])
        .run();
    let pdf = out.pdf("booklet.pdf");
    // Three sheets printed on both sides: six sides of A3.
    assert_sheets(&pdf, 6, A3);
    let first = pdf.text().split('\u{c}').next().unwrap().to_string();
    assert!(
        first.contains("nine.toml · saddle-stitched booklet of 12 pages: print on both sides, fold, nest, staple · 3 A3 sheets"),
        "the first sheet says what it is:\n{first}"
    );
    if let Some(order) = halves(out.dir.path(), "booklet.pdf", 6, A3) {
        assert_eq!(
            order,
            pairs(&[
                ("12", "1"),
                ("2", "11"),
                ("10", "3"),
                ("4", "9"),
                ("8", "5"),
                ("6", "7")
            ])
        );
    }
}

#[test]
fn letter_pages_two_up_on_tabloid_in_reading_order() {
    let out = Test::new()
        .file("nine.toml", nine_pages("us-letter"))
        .args(&["pdf", "--quiet", "nine.toml"])
        .run();
    let n = out.pdf("nine.pdf").page_count();
    let out = Test::new()
        .file("nine.toml", nine_pages("us-letter"))
        .args(&[
            "pdf",
            "--quiet",
            "nine.toml",
            "-o",
            "2up.pdf",
            "--impose",
            "2up",
        ])
        .run();
    let pdf = out.pdf("2up.pdf");
    let sides = n.div_ceil(2);
    assert_sheets(&pdf, sides, TABLOID);
    let first = pdf.text().split('\u{c}').next().unwrap().to_string();
    assert!(
        first.contains(&format!(
            "nine.toml · {n} pages two-up · {sides} Tabloid sheets"
        )),
        "{first}"
    );
    if let Some(order) = halves(out.dir.path(), "2up.pdf", sides, TABLOID) {
        let expected: Vec<[String; 2]> = (0..sides)
            .map(|s| {
                let second = if 2 * s + 2 <= n {
                    (2 * s + 2).to_string()
                } else {
                    "empty".into()
                };
                [(2 * s + 1).to_string(), second]
            })
            .collect();
        assert_eq!(order, expected);
    }
}

#[test]
fn with_a_bleed_the_sheet_keeps_it_outside_and_crop_marks_at_its_corners() {
    let out = Test::new()
        .file("nine.toml", nine_pages("a4"))
        .args(&[
            "pdf",
            "--quiet",
            "nine.toml",
            "-o",
            "b.pdf",
            "--impose",
            "booklet",
            "--bleed",
            "3",
        ])
        .run();
    let pdf = out.pdf("b.pdf");
    let mm = 72.0 / 25.4;
    assert_sheets(&pdf, 6, (426.0 * mm, 303.0 * mm));
    // Each side: eight crop marks at the corners and two fold marks at the spine, as strokes
    // of the sheet itself (the pages are images); without a bleed there is no room for them.
    let strokes = |pdf: &Pdf| -> Vec<usize> {
        pdf.operations()
            .iter()
            .map(|ops| ops.iter().filter(|(op, _)| op == "S").count())
            .collect()
    };
    assert_eq!(strokes(&pdf), vec![10; 6]);
    let plain = Test::new()
        .file("nine.toml", nine_pages("a4"))
        .args(&[
            "pdf",
            "--quiet",
            "nine.toml",
            "-o",
            "b.pdf",
            "--impose",
            "booklet",
        ])
        .run()
        .pdf("b.pdf");
    assert_eq!(strokes(&plain), vec![0; 6]);
}

#[test]
fn an_imposed_numbered_copy_keeps_its_number_marking_and_recipient() {
    let brief = nine_pages("a4").replacen("paper =", "classification = \"TLP:RED\"\npaper =", 1);
    let out = Test::new()
        .file("nine.toml", brief)
        .file(
            "list.csv",
            "name,organisation,note\nAnn Lee,MFA,\nBo Kim,,\n",
        )
        .args(&[
            "pdf",
            "--quiet",
            "nine.toml",
            "--recipients",
            "list.csv",
            "--out-dir",
            "out",
            "--impose",
            "booklet",
        ])
        .any_stderr()
        .run();
    let pdf = out.pdf("out/nine-copy-02.pdf");
    assert_sheets(&pdf, 6, A3);
    let keywords = pdf.info("Keywords").unwrap_or_default();
    for needle in ["TLP:RED", "Copy 2 of 2", "Issued to Bo Kim"] {
        assert!(keywords.contains(needle), "{needle} not in {keywords}");
    }
}
