//! Branding in the brief (`[style]`): an accent colour, a logo with its text alternative, a
//! footer line; a logo is read from inside the brief's folder (or `--root`) only.

use crate::support::Test;
use crate::support::pdf::number;

const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40"><rect width="120" height="40" fill="#8b1e1e"/></svg>"##;

fn brief(style: &str) -> String {
    format!("title = \"T\"\ndate = 2024-01-15\n\n[summary]\ntext = \"S.\"\n\n[style]\n{style}\n")
}

/// Whether any operation of the PDF sets the colour `rgb` (0–255).
fn sets_colour(pdf: &crate::support::Pdf, rgb: [f64; 3]) -> bool {
    pdf.operations().iter().flatten().any(|(op, args)| {
        matches!(op.as_str(), "sc" | "scn" | "SC" | "SCN" | "rg" | "RG")
            && args.len() == 3
            && args
                .iter()
                .zip(rgb)
                .all(|(a, c)| (number(a) - c / 255.0).abs() < 0.002)
    })
}

#[test]
fn a_logo_in_the_folder_is_printed_with_its_alt_text_in_every_shape() {
    let style = "accent = \"#8B1E1E\"\nlogo = \"img/logo.svg\"\nlogo_alt = \"House Institute\"\nfooter = \"House Institute · Analysis for decision makers\"";
    for template in ["paper", "memo", "slides"] {
        let run = Test::new()
            .file("b.toml", brief(style))
            .file("img/logo.svg", LOGO)
            .args(&["pdf", "--quiet", "b.toml", "--template", template])
            .run();
        let pdf = run.pdf("b.pdf");
        assert!(pdf.is_tagged(), "{template}");
        assert!(
            pdf.alt_texts().iter().any(|a| a == "House Institute"),
            "{template}: {:?}",
            pdf.alt_texts()
        );
        assert!(
            pdf.text()
                .contains("House Institute · Analysis for decision makers"),
            "{template}: no footer"
        );
        assert!(
            sets_colour(&pdf, [139.0, 30.0, 30.0]),
            "{template}: no accent"
        );
        assert!(
            !sets_colour(&pdf, [29.0, 59.0, 92.0]),
            "{template}: the old accent"
        );
    }
}

/// The error for a brief in `sub/` whose logo is `logo`, with an SVG beside `sub/` and a link
/// to it inside `sub/img/`.
fn refused(logo: &str, message: &str, hints: &[&str]) {
    let key = format!("logo = \"{logo}\"");
    let mut expected = format!(
        "error: {message}\n --> sub/b.toml:8:8\n  |\n8 | {key}\n  |        {}\n",
        "^".repeat(logo.len() + 2)
    );
    for hint in hints {
        expected.push_str(&format!("  = hint: {hint}\n"));
    }
    expected.push_str("\nerror: sub/b.toml was not typeset: 1 error\n\n");
    let test = Test::new()
        .file("secret.svg", LOGO)
        .file("sub/b.toml", brief(&format!("{key}\nlogo_alt = \"House\"")));
    #[cfg(unix)]
    let test = {
        std::fs::create_dir_all(test.path().join("sub/img")).unwrap();
        std::os::unix::fs::symlink(
            test.path().join("secret.svg"),
            test.path().join("sub/img/link.svg"),
        )
        .unwrap();
        test
    };
    let run = test
        .args(&["pdf", "--quiet", "sub/b.toml"])
        .status(1)
        .stderr(&expected)
        .run();
    assert!(!run.path("sub/b.pdf").exists());
}

const ROOT_HINT: &str =
    "a brief may only use a logo inside its own folder; give a wider one with --root";

#[test]
fn a_logo_up_and_out_of_the_folder_is_refused_at_its_line() {
    refused(
        "../secret.svg",
        "the logo `../secret.svg` lies outside the brief's folder",
        &[ROOT_HINT],
    );
}

#[test]
fn an_absolute_logo_path_is_refused_at_its_line() {
    refused(
        "/etc/secret.svg",
        "the logo `/etc/secret.svg` is an absolute path",
        &[ROOT_HINT, "write the logo's path relative to the brief"],
    );
}

#[cfg(unix)]
#[test]
fn a_logo_linked_from_outside_the_folder_is_refused_at_its_line() {
    refused(
        "img/link.svg",
        "the logo `img/link.svg` lies outside the brief's folder",
        &[ROOT_HINT],
    );
}

#[test]
fn root_widens_where_a_logo_may_be() {
    let run = Test::new()
        .file("secret.svg", LOGO)
        .file(
            "sub/b.toml",
            brief("logo = \"../secret.svg\"\nlogo_alt = \"House\""),
        )
        .args(&["pdf", "--quiet", "sub/b.toml", "--root", "."])
        .run();
    assert!(
        run.pdf("sub/b.pdf")
            .alt_texts()
            .iter()
            .any(|a| a == "House")
    );
}

#[test]
fn a_bad_accent_and_a_logo_without_alt_text_are_errors_at_their_keys() {
    Test::new()
        .file("b.toml", brief("accent = \"red\"\nlogo = \"img/logo.gif\""))
        .args(&["pdf", "--quiet", "b.toml"])
        .status(1)
        .stderr(
            r##"error: `red` is not a colour
 --> b.toml:8:10
  |
8 | accent = "red"
  |          ^^^^^
  = hint: write the colour as # and six hexadecimal digits, such as "#1d3b5c"

error: the logo `img/logo.gif` is neither an SVG nor a PNG file
 --> b.toml:9:8
  |
9 | logo = "img/logo.gif"
  |        ^^^^^^^^^^^^^^
  = hint: name a file ending in .svg or .png

error: a logo needs a text alternative
 --> b.toml:9:8
  |
9 | logo = "img/logo.gif"
  |        ^^^^^^^^^^^^^^
  = hint: add `logo_alt`, the words a screen reader says for the logo, such as "Kennan Institute"

error: b.toml was not typeset: 3 errors

"##,
        )
        .run();
}
