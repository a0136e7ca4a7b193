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

error: the logo `img/logo.gif` is not an SVG, PNG or JPEG file
 --> b.toml:9:8
  |
9 | logo = "img/logo.gif"
  |        ^^^^^^^^^^^^^^
  = hint: name a file ending in .svg, .png or .jpg

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

/// A PNG of `width` × `height` pixels in a few dozen bytes: its signature, an IHDR chunk with
/// their CRC, and an IDAT holding only the start of a zlib stream. Decoding it would take
/// `4 × width × height` bytes; nothing may try.
pub(crate) fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    0xedb8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (
            &b"IHDR"[..],
            [
                &width.to_be_bytes()[..],
                &height.to_be_bytes(),
                &[8, 6, 0, 0, 0],
            ]
            .concat(),
        ),
        (b"IDAT", b"\x78\x9c\xec\xc1\x01\x0d\x00\x00".to_vec()),
        (b"IEND", vec![]),
    ] {
        png.extend((data.len() as u32).to_be_bytes());
        let chunk = [kind, &data].concat();
        png.extend(&chunk);
        png.extend(crc(&chunk).to_be_bytes());
    }
    png
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(crate::support::fixture_path(name)).unwrap()
}

#[test]
fn a_png_and_a_jpeg_logo_are_printed() {
    for (name, file) in [("img/logo.png", "logo.png"), ("img/logo.jpeg", "logo.jpg")] {
        let run = Test::new()
            .file(
                "b.toml",
                brief(&format!(
                    "logo = \"{name}\"\nlogo_alt = \"House Institute\""
                )),
            )
            .file(name, fixture_bytes(file))
            .args(&["pdf", "--quiet", "b.toml"])
            .run();
        let pdf = run.pdf("b.pdf");
        assert!(
            pdf.alt_texts().iter().any(|a| a == "House Institute"),
            "{name}"
        );
    }
}

/// The error `check` and `pdf` print for a brief whose only problem is `message` (with `hint`)
/// at its `logo = "img/{file}"`, whatever the command.
fn logo_error(file: &str, message: &str, hints: &[&str], command: &str) -> String {
    let key = format!("logo = \"img/{file}\"");
    let mut expected = format!(
        "error: {message}\n --> b.toml:8:8\n  |\n8 | {key}\n  |        {}\n",
        "^".repeat(file.len() + 6)
    );
    for hint in hints {
        expected.push_str(&format!("  = hint: {hint}\n"));
    }
    let closing = if command == "check" {
        "is not a valid brief"
    } else {
        "was not typeset"
    };
    expected.push_str(&format!("\nerror: b.toml {closing}: 1 error\n\n"));
    expected
}

/// Runs `check` and `pdf` on a brief with the logo `img/{file}` holding `bytes`: both must
/// print exactly the one error, and `pdf` write nothing.
#[track_caller]
fn refused_by_both(file: &str, bytes: &[u8], message: &str, hints: &[&str]) {
    for command in ["check", "pdf"] {
        let mut args = vec![command, "b.toml"];
        if command == "pdf" {
            args.push("--quiet");
        }
        let run = Test::new()
            .file(
                "b.toml",
                brief(&format!("logo = \"img/{file}\"\nlogo_alt = \"House\"")),
            )
            .file(&format!("img/{file}"), bytes)
            .args(&args)
            .status(1)
            .stderr(&logo_error(file, message, hints, command))
            .run();
        assert!(!run.path("b.pdf").exists());
    }
}

#[test]
fn a_png_logo_of_400_megapixels_is_refused_from_its_header_at_once() {
    let bomb = png_bomb(20_000, 20_000);
    assert!(bomb.len() < 100);
    let began = std::time::Instant::now();
    refused_by_both(
        "logo.png",
        &bomb,
        "the logo `img/logo.png` is 20000 × 20000 pixels, more than an image may have (16384 pixels a side, 40 megapixels in all)",
        &["scale it down: 300 pixels per inch of its printed size is all that print can show"],
    );
    // Two runs of the binary, each of which would need 1.6 GB and many seconds to decode it.
    let elapsed = began.elapsed();
    assert!(elapsed < std::time::Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn a_logo_whose_bytes_are_another_format_than_its_name_is_refused() {
    refused_by_both(
        "logo.png",
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        "the logo `img/logo.png` is a GIF file",
        &["save it as PNG, JPEG or SVG: the papers print no other format"],
    );
    refused_by_both(
        "logo.svg",
        &fixture_bytes("logo.png"),
        "the logo `img/logo.svg` is a PNG file, not an SVG file",
        &["give the file a name that ends in .png, the format it is in"],
    );
    refused_by_both(
        "logo.png",
        b"not a picture at all",
        "the logo `img/logo.png` is not a PNG file",
        &["its first bytes are not those of a picture; is it damaged, or another kind of file?"],
    );
}

const SELF_CONTAINED: &str = "an image may refer only to its own parts (`#id`) or to data it embeds (`data:`); embed what it points to, or remove the reference";

#[test]
fn an_svg_logo_that_reaches_out_of_its_file_is_refused_by_check_as_by_pdf() {
    for (reference, shown) in [
        ("<image href=\"secret.png\"/>", "secret.png"),
        (
            "<image xlink:href=\"https://tracker.example/p.png\"/>",
            "https://tracker.example/p.png",
        ),
        (
            "<rect style=\"fill: url(file:///etc/passwd)\"/>",
            "file:///etc/passwd",
        ),
    ] {
        let svg = LOGO
            .replace("</svg>", &format!("\n{reference}</svg>"))
            .replace(
                "<svg ",
                "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" ",
            );
        refused_by_both(
            "logo.svg",
            svg.as_bytes(),
            &format!("the logo `img/logo.svg` refers to `{shown}` (line 2)"),
            &[SELF_CONTAINED],
        );
    }
}

#[test]
fn an_svg_logo_with_an_entity_is_refused_by_check_as_by_pdf() {
    let svg = LOGO
        .replace(
            "<svg ",
            "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<svg ",
        )
        .replace("</svg>", "<text>&x;</text></svg>");
    refused_by_both(
        "logo.svg",
        svg.as_bytes(),
        "the logo `img/logo.svg` has a DOCTYPE declaration",
        &[
            "remove the <!DOCTYPE …> and any <!ENTITY …>: nothing in them is needed to draw the image, and entities can read other files",
        ],
    );
}
