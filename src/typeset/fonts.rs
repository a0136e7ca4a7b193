//! The fonts every paper is set in (the embedded ones of `assets::fonts`), loaded for Typst,
//! plus any the user adds.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;

use crate::error::Error;
use crate::fs;

use crate::assets::fonts::EMBEDDED;

/// The fonts of a run, loaded once and shared by every brief (cloning shares the data).
#[derive(Clone)]
pub struct Fonts(pub(crate) Vec<Font>);

impl Fonts {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each font's file and its index in it (a collection holds several), for the build cache's
    /// key.
    pub fn files(&self) -> impl Iterator<Item = (&[u8], u32)> {
        self.0
            .iter()
            .map(|font| (font.data().as_slice(), font.index()))
    }

    /// Whether one of the fonts has a glyph for every character of `text` (a letter and its
    /// marks, which the shaper sets from one font).
    pub fn covers(&self, text: &str) -> bool {
        self.0.iter().any(|font| {
            let coverage = &font.info().coverage;
            text.chars().all(|c| coverage.contains(c as u32))
        })
    }
}

/// Loads the embedded fonts, then every font file found in `extra_dirs` (in a stable order, so
/// font selection does not depend on the order the file system lists a folder).
pub fn load(extra_dirs: &[PathBuf]) -> Result<Fonts, Error> {
    let mut fonts: Vec<Font> = EMBEDDED
        .iter()
        .flat_map(|face| Font::iter(Bytes::new(face.data)))
        .collect();
    for dir in extra_dirs {
        if !dir.is_dir() {
            // The walk would say "failed to search"; this is the message users know.
            std::fs::read_dir(dir).map_err(Error::doing("read font folder", dir))?;
        }
        for path in fs::find_files(dir, false, &is_font_file)? {
            let data = fs::read(&path, "font file", fs::MAX_ASSET_BYTES)?;
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(data)));
            if fonts.len() == before {
                return Err(Error::message(format!(
                    "{} is not a font file Typst can read",
                    path.display()
                )));
            }
        }
    }
    Ok(Fonts(fonts))
}

fn is_font_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "ttf" | "otf" | "ttc" | "otc"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_cover_belarusian_and_ukrainian() {
        let fonts = load(&[]).unwrap();
        assert_eq!(fonts.len(), EMBEDDED.len());
        for font in &fonts.0 {
            for c in "ўіїєґЁёЫыЭэ€–—“”".chars() {
                assert!(
                    font.info().coverage.contains(c as u32),
                    "{} lacks {c}",
                    font.info().family
                );
            }
        }
    }
}
