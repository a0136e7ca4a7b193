//! The QR code of a brief's URL, drawn as SVG for the template to place as an image: data in a
//! virtual file, never Typst code.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The error correction of every code: level M survives a crease or a staple through a printed
/// page. The loader's limit on the `url` (`url::QR_CAPACITY`) is what this level holds.
const LEVEL: EcLevel = EcLevel::M;

/// An SVG QR code of `url`, black on white with the quiet zone the standard asks for, or None
/// if the URL is too long for a QR code (a checked brief's never is).
pub fn svg(url: &str) -> Option<Vec<u8>> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), LEVEL).ok()?;
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Some(image.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_svg_of_whole_modules_with_its_quiet_zone() {
        let image = String::from_utf8(svg("https://example.org/briefs/belarus").unwrap()).unwrap();
        assert!(image.starts_with("<?xml"));
        // 29 modules (version 3 at level M) and four of quiet zone on each side.
        assert!(image.contains("width=\"37\""), "{image}");
        // The same URL gives the same bytes: the paper stays reproducible.
        assert_eq!(
            svg("https://example.org/briefs/belarus"),
            svg("https://example.org/briefs/belarus")
        );
    }

    #[test]
    fn a_url_too_long_for_a_code_has_none() {
        assert_eq!(svg(&"x".repeat(5000)), None);
    }

    #[test]
    fn the_loaders_limit_is_what_a_code_holds() {
        use crate::brief::url::QR_CAPACITY;
        // Lower-case letters and `%` are bytes to the encoder, as most of an address is.
        let longest = format!(
            "https://{}",
            "a%".repeat(QR_CAPACITY).get(..QR_CAPACITY - 8).unwrap()
        );
        assert_eq!(longest.len(), QR_CAPACITY);
        assert!(svg(&longest).is_some());
        assert_eq!(svg(&format!("{longest}b")), None);
    }
}
