//! The web edition's type: the paper's own faces (`assets::fonts`, the files the PDF embeds),
//! each subset to the characters a page uses and embedded in the page as WOFF2 in `@font-face`
//! rules with `data:` URLs, so that the page and the PDF are one family and the page still
//! loads nothing. The same page text gives the same bytes.
//!
//! Subsetting is skera's (fontations' port of HarfBuzz's subsetter): the `cmap`, the glyphs the
//! characters need and those the layout features reach from them (ligatures, small figures,
//! kerning), hinting left out as browsers do without it. WOFF2 is ttf2woff2's, its tables
//! stored as they are (the `glyf` transform is an option some decoders reject) and compressed
//! with Brotli.

use base64::Engine;
use skrifa::raw::FontRef;
use skrifa::raw::collections::IntSet;
use skrifa::raw::types::{NameId, Tag};

use crate::assets::fonts::{EMBEDDED, Face};

/// Brotli's quality for the fonts. Measured on the Belarus page's seven faces (66 KB of WOFF2
/// in all): 5 takes about 50 ms and half the memory of 9, which saves 1 % of the bytes in
/// twice the time; 11, the format's own choice, saves 4 % in ten times the time. The page's
/// budget is its time against its PDF's (`benches/web.rs`) as much as its bytes.
const QUALITY: u8 = 5;

/// Characters every page gets besides its own text: what the style sheet writes itself (` · `
/// between masthead items, `— ` before a role) and ASCII, so that a reader's search, a figure
/// typed in or a zoomed-in label never falls back to another family for a plain letter.
const ALWAYS: &str = " ·—–…‘’“”«»↩";

/// The `@font-face` rules of a page whose text is `text`: one per embedded face, each holding
/// only the glyphs that text needs. A face that cannot be subset is left out (the style sheet
/// names fallbacks), which no embedded face is.
pub fn font_faces(text: &str) -> String {
    let mut unicodes = IntSet::<u32>::empty();
    for c in text
        .chars()
        .chain(ALWAYS.chars())
        .chain((0x20u8..0x7f).map(char::from))
    {
        if !c.is_control() {
            unicodes.insert(c as u32);
        }
    }
    EMBEDDED
        .iter()
        .filter_map(|face| {
            let woff2 = subset(face, &unicodes)?;
            Some(rule(face, &woff2))
        })
        .collect()
}

/// One face as WOFF2, with only the glyphs for `unicodes` (and those its layout reaches).
fn subset(face: &Face, unicodes: &IntSet<u32>) -> Option<Vec<u8>> {
    let font = FontRef::new(face.data).ok()?;
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let features: IntSet<Tag> = skera::DEFAULT_LAYOUT_FEATURES.iter().copied().collect();
    // Tables a browser does not read: AAT, Graphite (Charis SIL's), bitmaps, signatures.
    let drop: IntSet<Tag> = [
        b"morx", b"mort", b"kerx", b"kern", b"JSTF", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"SVG ",
        b"PCLT", b"LTSH", b"Feat", b"Glat", b"Gloc", b"Silf", b"Sill",
    ]
    .into_iter()
    .map(Tag::new)
    .collect();
    let mut names = IntSet::<NameId>::empty();
    names.insert_range(NameId::from(0)..=NameId::from(6));
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    let plan = skera::Plan::new(
        &IntSet::empty(),
        unicodes,
        &font,
        skera::SubsetFlags::SUBSET_FLAGS_NO_HINTING,
        &drop,
        &scripts,
        &features,
        &names,
        &languages,
    );
    let sfnt = skera::subset_font(&font, &plan).ok()?;
    ttf2woff2::encode(&sfnt, ttf2woff2::BrotliQuality::from(QUALITY)).ok()
}

/// A face's `@font-face` rule, its font inside.
fn rule(face: &Face, woff2: &[u8]) -> String {
    format!(
        "@font-face {{ font-family: \"{}\"; font-style: {}; font-weight: {}; font-display: swap; \
         src: url(data:font/woff2;base64,{}) format(\"woff2\"); }}\n",
        face.family,
        if face.italic { "italic" } else { "normal" },
        face.weight,
        base64::engine::general_purpose::STANDARD.encode(woff2),
    )
}

/// The characters a page shows: its text outside the markup, with its character references
/// read, and nothing from inside `<style>` and `<script>`.
pub fn page_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode(&rest[..open]));
        rest = &rest[open..];
        let lower: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let skip_to = if lower.starts_with("<style") {
            Some("</style>")
        } else if lower.starts_with("<script") {
            Some("</script>")
        } else {
            None
        };
        let end = match skip_to {
            Some(close) => rest.find(close).map(|at| at + close.len()),
            None => rest.find('>').map(|at| at + 1),
        };
        match end {
            Some(end) => rest = &rest[end..],
            None => return out,
        }
    }
    out.push_str(&decode(rest));
    out
}

/// Text with its character references (`&amp;`, `&#8212;`, `&#x2014;`) read.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&end| end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_is_the_text_between_tags_with_references_read() {
        let html = "<html><head><style>a::before { content: \"Ж\" }</style>\
                    <script type=\"application/ld+json\">{\"q\": \"Щ\"}</script></head>\
                    <body><p class=\"x\">A &amp; B &#8212; &#x44e;</p>&bogus; & c</body></html>";
        assert_eq!(page_text(html), "A & B — ю&bogus; & c");
    }

    #[test]
    fn every_embedded_face_subsets_to_a_small_woff2_the_same_each_time() {
        let text = "Беларусь і вайна ва Украіне — Belarus and the War in Ukraine, 2022 “’”";
        let mut unicodes = IntSet::<u32>::empty();
        for c in text.chars() {
            unicodes.insert(c as u32);
        }
        for face in EMBEDDED {
            let woff2 = subset(face, &unicodes).unwrap_or_else(|| panic!("{}", face.file));
            assert_eq!(&woff2[..4], b"wOF2", "{}", face.file);
            assert!(
                woff2.len() < face.data.len() / 10,
                "{}: {}",
                face.file,
                woff2.len()
            );
            assert_eq!(subset(face, &unicodes).unwrap(), woff2, "{}", face.file);
            // The subset is a font with a `cmap` for every character asked for.
            let sfnt = skera::subset_font(
                &FontRef::new(face.data).unwrap(),
                &skera::Plan::new(
                    &IntSet::empty(),
                    &unicodes,
                    &FontRef::new(face.data).unwrap(),
                    skera::SubsetFlags::SUBSET_FLAGS_NO_HINTING,
                    &IntSet::empty(),
                    &IntSet::all(),
                    &skera::DEFAULT_LAYOUT_FEATURES.iter().copied().collect(),
                    &IntSet::empty(),
                    &IntSet::empty(),
                ),
            )
            .unwrap();
            let font = FontRef::new(&sfnt).unwrap();
            use skrifa::MetadataProvider;
            for c in text.chars().filter(|c| !c.is_whitespace()) {
                assert!(font.charmap().map(c).is_some(), "{}: no {c}", face.file);
            }
        }
    }
}
